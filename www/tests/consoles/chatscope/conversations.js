// Scripted conversations for the chatscope test console. `history` is on
// screen when the page opens (so an adapter must read existing messages);
// `script` is played by the toolbar (#next: customer lines only, #play: all).
// The lines exercise the built-in playbooks (crate/playbooks/retail-*.json):
// greeting, refund request, PII, an angry customer, banned agent phrases,
// the refund policy and a closing.

export const conversations = [
  {
    id: 'zh-retail',
    name: '王丽',
    info: '订单 20261118-5521 · 电饭煲',
    lang: 'zh-CN',
    customer: '王丽',
    agent: '客服小林',
    history: [],
    script: [
      { from: 'agent', text: '您好，欢迎光临悦家生活旗舰店，请问有什么可以帮您？' },
      { from: 'customer', text: '你好，我上周买的电饭煲用了两天就坏了，我要退款' },
      { from: 'agent', text: '非常抱歉给您带来不便。本次会话内容将被记录，用于提升服务质量。麻烦提供一下订单号和联系方式。' },
      { from: 'customer', text: '订单号 20261118-5521，电话 13812345678，邮箱 wangli@example.com' },
      { from: 'agent', text: '这不是我们的问题，是快递摔坏的，您去找快递吧。' },
      { from: 'customer', text: '你们这什么破服务！太气人了！' },
      { from: 'agent', text: '实在抱歉，是我刚才表达不当。质量问题退货的运费由我们承担，退款一般1到3个工作日原路退回到您的支付账户。' },
      { from: 'customer', text: '好吧，那我等你们消息。' },
      { from: 'agent', text: '感谢您的耐心，请问还有其他可以帮您的吗？祝您生活愉快！' },
    ],
  },
  {
    id: 'en-support',
    name: 'Emily Carter',
    info: 'Order #A-20417 · headphones',
    lang: 'en',
    customer: 'Emily Carter',
    agent: 'Agent Sam',
    history: [],
    script: [
      { from: 'agent', text: 'Hi, thanks for contacting us! How can I help you today?' },
      { from: 'customer', text: 'Hi. My headphones arrived broken. I want a refund.' },
      { from: 'agent', text: "I'm sorry they arrived damaged. This chat may be recorded for quality and training purposes. Could you confirm your phone number and email?" },
      { from: 'customer', text: 'Sure: 13812345678, emily.carter@example.com' },
      { from: 'agent', text: "Honestly, that's not my problem, the courier dropped it." },
      { from: 'customer', text: "This is ridiculous, I'm furious!" },
      { from: 'agent', text: 'Please calm down.' },
      { from: 'agent', text: "I apologise, let me put this right. Refunds are issued to your original payment method within 3-5 business days." },
      { from: 'customer', text: 'OK, thank you.' },
      { from: 'agent', text: 'Is there anything else I can help you with? Have a great day.' },
    ],
  },
  {
    id: 'zh-delivery',
    name: '李先生',
    info: '快递单号 SF1402837765',
    lang: 'zh-CN',
    customer: '李先生',
    agent: '客服小林',
    // Already on screen at load: the adapter must pick up existing messages.
    history: [
      { from: 'customer', text: '你好，我的快递三天了还没到，单号也查不到' },
      { from: 'agent', text: '您好，很高兴为您服务。我帮您查一下物流信息，请稍等。' },
    ],
    script: [
      { from: 'customer', text: '都等了三天了，到底什么时候能到？' },
      { from: 'agent', text: '物流的事不归我管，您问快递吧。' },
      { from: 'customer', text: '你们这什么破服务！太气人了！' },
      { from: 'agent', text: '实在抱歉，我已经帮您催促仓库，预计明天送达。还有什么可以帮您的吗？' },
      { from: 'customer', text: '行，谢谢。' },
      { from: 'agent', text: '不客气，有需要随时找我，祝您生活愉快。' },
    ],
  },
];
