// The built-in adapters, in the order "auto" tries them. A site's custom
// adapter (made with the element picker) is tried before these.
import demo from './adapters/demo.js';
import chatscope from './adapters/chatscope.js';

export const BUILTIN_ADAPTERS = [demo, chatscope];
