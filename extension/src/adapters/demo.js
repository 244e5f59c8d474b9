// Our own demo console (www/demo/), as served by ./run-demo.sh.
export default {
  id: 'demo',
  name: 'Linesman demo console',
  detect: 'main.console #messages',
  list: '#messages',
  message: 'li.msg-customer, li.msg-agent',
  customer: '.msg-customer',
  agent: '.msg-agent',
  text: '.bubble',
  // "checking…" placeholders and "(unchecked)" notes are the console's, not the chat's.
  ignore: '.pending, .unchecked',
  time: { selector: 'time', attr: 'datetime' },
  compose: '#compose',
  conversation: { selector: '#conv-list [aria-current="true"]', attr: 'data-conv', title: '#chat-title' },
};
