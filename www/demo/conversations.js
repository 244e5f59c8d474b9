// The scripted chats the demo console plays back. Each step is one message;
// `after` is the pause before it in story milliseconds (divided by the
// playback speed). Agent steps are typed into the compose box first, so the
// widget checks them as a draft before they are sent.
//
// The lines were written against the built-in playbooks (crate/playbooks/)
// so that each chat shows: the greeting and recording notice, a refund
// request, an angry customer, a banned phrase by the agent, personal data
// the engine masks, a legal threat that raises a flag, and the closing.
// Phone numbers and ID numbers are made up (valid check digits, nobody's).

/** @typedef {{ who: 'customer'|'agent', text: string, after: number }} Step */
/** @typedef {{ key: string, playbook: string, locale: 'zh-CN'|'zh-TW'|'en',
 *   customer: {zh: string, en: string}, title: {zh: string, en: string},
 *   channel: {zh: string, en: string}, steps: Step[] }} DemoConversation */

/** @type {DemoConversation[]} */
export const CONVERSATIONS = [
  {
    key: 'zh-shoes',
    playbook: 'retail-zh',
    locale: 'zh-CN',
    customer: { zh: '王女士', en: 'Ms Wang' },
    title: { zh: '运动鞋开胶，要求退货', en: 'Sneakers coming apart, wants a refund' },
    channel: { zh: '淘宝 · 旗舰店', en: 'Taobao · flagship store' },
    steps: [
      { who: 'customer', after: 0, text: '你好，我上周买的运动鞋才穿两天就开胶了，这什么质量？' },
      { who: 'agent', after: 2500, text: '亲，您好，很高兴为您服务！温馨提示：本次对话会被记录用于服务质量改进。' },
      // The banned phrase: blame-shifting (high) → a flag for the supervisor.
      { who: 'agent', after: 2500, text: '是不是你自己使用不当啊？鞋子泡过水吧' },
      { who: 'customer', after: 3000, text: '什么叫我使用不当？！根本没泡过水！我要退货退款！' },
      { who: 'agent', after: 3000, text: '非常抱歉给您带来不便，是我刚才说得不对。' },
      { who: 'agent', after: 2500, text: '这款支持七天无理由退货，质量问题退货的运费由我们承担。' },
      // Personal data and a legal threat in one message: the flag's excerpt
      // must carry the masked phone and ID number, never the raw ones.
      {
        who: 'customer',
        after: 3500,
        text: '我手机13812345678，身份证11010519491231002X，你们赶紧派人上门取件！再拖我就去12315投诉你们！',
      },
      {
        who: 'agent',
        after: 3000,
        text: '非常抱歉让您有这样的感受，您的问题我会优先处理。已为您预约明天上门取件，退款会原路退回。',
      },
      { who: 'customer', after: 3000, text: '好吧，那我等快递员上门，谢谢' },
      { who: 'agent', after: 2500, text: '感谢您的耐心，请问还有其他可以帮您的吗？' },
    ],
  },
  {
    key: 'zh-delivery',
    playbook: 'retail-zh',
    locale: 'zh-CN',
    customer: { zh: '李先生', en: 'Mr Li' },
    title: { zh: '催发货，收到可疑验证码', en: 'Chasing dispatch, got a suspicious code' },
    channel: { zh: '京东 · 自营店', en: 'JD · own store' },
    steps: [
      { who: 'customer', after: 0, text: '在吗？我前天下的单怎么还没发货' },
      { who: 'agent', after: 2500, text: '亲，在的，请问有什么可以帮您？温馨提示：本次对话会被记录用于服务质量改进。' },
      { who: 'agent', after: 2500, text: '我马上帮您查一下物流进度，请稍等' },
      { who: 'customer', after: 3000, text: '刚才还收到一条短信，验证码是384920，是你们发的吗？' },
      { who: 'agent', after: 3000, text: '为了您的账户安全，请不要向任何人提供验证码或密码。您这单预计48小时内发出。' },
      { who: 'customer', after: 3000, text: '好的，明白了，谢谢你' },
      { who: 'agent', after: 2500, text: '不客气，有需要随时找我，祝您购物愉快' },
    ],
  },
  {
    key: 'tw-bill',
    playbook: 'telecom-tw',
    locale: 'zh-TW',
    customer: { zh: '林先生', en: 'Mr Lin' },
    title: { zh: '帳單重複扣款', en: 'Bill charged twice' },
    channel: { zh: '線上客服 · 行動門號', en: 'Web chat · mobile plan' },
    steps: [
      { who: 'customer', after: 0, text: '你好，我這個月帳單怎麼這麼貴，好像被重複扣款了' },
      { who: 'agent', after: 2500, text: '您好，很高興為您服務。為確保服務品質，本次對話將被錄音' },
      { who: 'agent', after: 2500, text: '帳單的問題不歸我管，你自己去門市問' },
      {
        who: 'customer',
        after: 3000,
        text: '什麼叫不歸你管？！我的門號0912-345-678已經多扣兩個月了！再不處理我就去NCC申訴！',
      },
      { who: 'agent', after: 3000, text: '非常抱歉，是我表達不當。為保障您的個人資料安全，需要先跟您核對身分' },
      { who: 'customer', after: 3000, text: '身分證字號A123456789' },
      { who: 'agent', after: 3000, text: '身分核對完成，謝謝您的配合。溢繳的金額會在下期帳單自動折抵' },
      { who: 'customer', after: 3000, text: '好，這樣就可以了，謝謝你' },
      { who: 'agent', after: 2500, text: '不客氣，請問還有其他需要為您服務的地方嗎？' },
    ],
  },
  {
    key: 'en-blender',
    playbook: 'retail-en',
    locale: 'en',
    customer: { zh: 'Sam Lee', en: 'Sam Lee' },
    title: { zh: '搅拌机到货破损', en: 'Blender arrived cracked' },
    channel: { zh: '官网在线客服', en: 'Web shop · live chat' },
    steps: [
      { who: 'customer', after: 0, text: "Hi, my blender arrived broken, the jug is cracked. I'm really annoyed." },
      { who: 'agent', after: 2500, text: 'Hi, thanks for contacting us! Just so you know, this chat may be recorded.' },
      { who: 'agent', after: 2500, text: "Calm down, that's not our fault, the courier handles the parcels." },
      { who: 'customer', after: 3000, text: 'Calm down?! This is ridiculous! I paid $89 for this junk and I want a refund right now!!' },
      { who: 'agent', after: 3000, text: "I'm so sorry about that, I shouldn't have said it that way." },
      {
        who: 'customer',
        after: 3000,
        text: "Call me on (415) 555-2671 today or I'm filing a chargeback and calling my lawyer!",
      },
      {
        who: 'agent',
        after: 3000,
        text: "I've issued a full refund to your original payment method and emailed you a prepaid return label.",
      },
      { who: 'customer', after: 3000, text: "OK, thank you, that's all I needed." },
      { who: 'agent', after: 2500, text: "You're welcome! Is there anything else I can help you with?" },
    ],
  },
];

export function conversationByKey(key) {
  return CONVERSATIONS.find((c) => c.key === key) ?? null;
}
