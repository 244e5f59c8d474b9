// Adapter for consoles built with @chatscope/chat-ui-kit-react (tested with
// 2.1.1 + chat-ui-kit-styles 1.4.0; test console: www/tests/consoles/chatscope/).
// Only the kit's own `cs-` class names, which every app built with it has.
// Format: ./README.md.
export default {
  id: 'chatscope',
  name: 'chatscope chat UI kit',
  detect: '.cs-main-container',
  // The MessageList root; it stays the same element while its messages change.
  list: '.cs-message-list',
  // <section class="cs-message cs-message--incoming|--outgoing" data-cs-message>
  message: '.cs-message',
  // The kit's `direction` prop: incoming = the other party, outgoing = us.
  customer: '.cs-message--incoming',
  agent: '.cs-message--outgoing',
  // The bubble; sender name and time sit beside it in .cs-message__header.
  text: '.cs-message__content',
  ignore: null,
  // Message.Header's sentTime (in the DOM even where the theme hides it);
  // apps that pass no sentTime leave it empty and the reader falls back.
  time: { selector: '.cs-message__sent-time', attr: null },
  // MessageInput's contenteditable div.
  compose: '.cs-message-input__content-editor',
  // The kit has no conversation id; the name in the chat's header is what
  // the agent sees and changes with the conversation.
  conversation: { selector: '.cs-chat-container .cs-conversation-header__user-name', attr: null },
};
