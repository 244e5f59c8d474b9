// The demo agent console: open chats on the left, the chat in the middle,
// <linesman-assist> on the right. Scripted chats play back with real
// timestamps; every flag is posted to the supervisor view over a
// BroadcastChannel with the engine's masked excerpt, never a raw message.
//
// URL parameters: conv=KEY (open that chat), autoplay=1, speed=N,
// lang=zh|en, model=none (read emotion with the lexicon) or model=URL.

import { CONVERSATIONS, conversationByKey } from './conversations.js';

const STRINGS = {
  zh: {
    appName: '坐席工作台（演示）',
    title: 'Linesman · 坐席工作台演示',
    skipToReply: '跳到回复框',
    siteNav: '站点导航',
    home: '首页',
    supervisor: '主管视图 ↗',
    openChats: '进行中的会话',
    playAll: '全部播放',
    playbook: '质检规则',
    playback: '脚本回放',
    play: '播放',
    pause: '暂停',
    step: '单步',
    reset: '重置',
    speed: '速度',
    endChat: '结束会话',
    messages: '聊天记录',
    customerSays: '顾客说（由您扮演顾客）',
    sendAsCustomer: '以顾客身份发送',
    reply: '回复',
    send: '发送',
    composeHint: 'Enter 发送，Shift+Enter 换行。草稿会在发送前检查禁语。',
    assist: 'Linesman 实时辅助',
    customer: '顾客',
    agent: '坐席',
    system: '系统',
    progress: (n, total) => `脚本 ${n}/${total}`,
    unread: (n) => `${n} 条未读`,
    flags: (n) => `${n} 个警示`,
    checking: '检查中…',
    unchecked: '未经检查（引擎不可用）',
    masked: (kind) => `已脱敏：${kind}`,
    chatEnded: '会话已结束',
    engineLoading: '正在加载 Linesman 引擎…',
    assistOff: '本页未加载 Linesman（?assist=off），可由浏览器扩展读取。',
    engineReady: (src) => `Linesman 已就绪（情绪识别：${src === 'model' ? '模型' : '词典'}）`,
    engineError: (msg) => `Linesman 出错：${msg}`,
    emotion: {
      angry: '愤怒', frustrated: '沮丧', anxious: '焦虑', confused: '困惑', neutral: '平静', satisfied: '满意',
    },
    langButton: 'English',
  },
  en: {
    appName: 'Agent console (demo)',
    title: 'Linesman · agent console demo',
    skipToReply: 'Skip to the reply box',
    siteNav: 'Site',
    home: 'Home',
    supervisor: 'Supervisor view ↗',
    openChats: 'Open chats',
    playAll: 'Play all',
    playbook: 'Playbook',
    playback: 'Script playback',
    play: 'Play',
    pause: 'Pause',
    step: 'Step',
    reset: 'Reset',
    speed: 'Speed',
    endChat: 'End chat',
    messages: 'Messages',
    customerSays: 'Customer says (you play the customer)',
    sendAsCustomer: 'Send as customer',
    reply: 'Reply',
    send: 'Send',
    composeHint: 'Enter sends, Shift+Enter adds a line. The draft is checked for banned phrases before it goes out.',
    assist: 'Linesman live assist',
    customer: 'Customer',
    agent: 'Agent',
    system: 'System',
    progress: (n, total) => `Script ${n}/${total}`,
    unread: (n) => `${n} unread`,
    flags: (n) => `${n} flag${n === 1 ? '' : 's'}`,
    checking: 'checking…',
    unchecked: 'not checked (engine unavailable)',
    masked: (kind) => `masked: ${kind}`,
    chatEnded: 'Chat ended',
    engineLoading: 'Loading the Linesman engine…',
    assistOff: 'Linesman is not loaded in this page (?assist=off); the browser extension can read it.',
    engineReady: (src) => `Linesman ready (emotion: ${src === 'model' ? 'model' : 'lexicon'})`,
    engineError: (msg) => `Linesman error: ${msg}`,
    emotion: {
      angry: 'angry', frustrated: 'frustrated', anxious: 'anxious', confused: 'confused', neutral: 'calm', satisfied: 'satisfied',
    },
    langButton: '中文',
  },
};

// How long an agent line sits in the compose box before it is sent during
// playback (story ms): long enough to see the draft check at 1×.
const DRAFT_MS = 1500;
const MODEL_URL = new URL('../pkg/emotion.model', import.meta.url).href;
const FLAG_CHANNEL = 'linesman-flags';

const params = new URLSearchParams(location.search);
// ?assist=off: the console without its own Linesman, as a vendor's console
// looks before the browser extension reads it.
const assistOff = params.get('assist') === 'off';
const $ = (id) => document.getElementById(id);

let lang = pickLang();
function pickLang() {
  const p = params.get('lang');
  if (p === 'zh' || p === 'en') return p;
  const saved = safeStorage('get', 'linesman-lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return (navigator.language || 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
function safeStorage(op, key, value) {
  try {
    return op === 'get' ? localStorage.getItem(key) : localStorage.setItem(key, value);
  } catch {
    return null; // storage can be blocked; the language then just is not remembered
  }
}
const t = (key) => STRINGS[lang][key];

// ---- state ---------------------------------------------------------------

/** Per-chat state: the transcript, the playback position and the flags
 *  already posted to the supervisor view. `gen` grows on Reset so the
 *  widget starts a fresh engine conversation under a new key. */
const chats = new Map(
  CONVERSATIONS.map((c) => [
    c.key,
    {
      def: c,
      gen: 0,
      messages: [],
      pos: 0,
      staged: false,
      playing: false,
      run: 0,
      draft: '',
      unread: 0,
      flags: [],
      ended: false,
      queue: Promise.resolve(),
    },
  ]),
);
let current = chats.has(params.get('conv')) ? params.get('conv') : CONVERSATIONS[0].key;
let speed = Number(params.get('speed')) > 0 ? Number(params.get('speed')) : 1;

const consoleId = globalThis.crypto?.randomUUID?.() ?? `c${Date.now()}${Math.random().toString(36).slice(2)}`;
const engineKey = (chat) => (chat.gen ? `${chat.def.key}#${chat.gen}` : chat.def.key);
const chatOfEngineKey = (key) => chats.get(String(key ?? '').split('#')[0]) ?? null;
const isCurrent = (chat) => chat.def.key === current;

// ---- widgets: one per playbook, so each keeps its own engine ---------------

const widgets = new Map();
let modelChoice = null;

async function chooseModel() {
  const asked = params.get('model');
  if (asked === 'none') return 'none';
  let url = MODEL_URL;
  try {
    if (asked) url = new URL(asked, location.href).href;
  } catch {}
  if (new URL(url).origin !== location.origin) return 'none'; // COEP: same origin only
  // The model is optional: without it the lexicon reads emotion, so a
  // missing file must not stop the demo.
  try {
    const r = await fetch(url, { method: 'HEAD' });
    return r.ok ? url : 'none';
  } catch {
    return 'none';
  }
}

function widgetLocale(playbookLocale) {
  if (lang === 'en') return 'en';
  return playbookLocale === 'zh-TW' ? 'zh-TW' : 'zh-CN';
}

function widgetFor(chat) {
  const pb = chat.def.playbook;
  let w = widgets.get(pb);
  if (w) return w;
  w = document.createElement('linesman-assist');
  w.setAttribute('playbook', `builtin:${pb}`);
  w.setAttribute('locale', widgetLocale(chat.def.locale));
  w.setAttribute('model', modelChoice);
  w.setAttribute('clock', 'auto');
  w.dataset.playbook = pb;
  w.dataset.locale = chat.def.locale;
  w.hidden = true;
  w.addEventListener('linesman:flag', onFlag);
  w.addEventListener('linesman:ready', () => setStatus('ready', w));
  w.addEventListener('linesman:error', (e) => {
    // The model is optional: if the engine cannot be built with it, build
    // it again with the lexicon rather than leave the chat unchecked.
    if (!w.info && w.getAttribute('model') !== 'none') {
      console.warn('linesman: building without the emotion model:', e.detail?.error?.message);
      w.setAttribute('model', 'none');
      return;
    }
    setStatus('error', w, e.detail);
  });
  $('assist').append(w);
  widgets.set(pb, w);
  setStatus('loading', w);
  return w;
}

function showWidget(chat) {
  if (assistOff) return null;
  const active = widgetFor(chat);
  for (const w of widgets.values()) {
    const on = w === active;
    w.hidden = !on;
    // Only the visible widget reads and fills the compose box.
    w.compose = on ? $('compose') : null;
  }
  active.switchConversation(engineKey(chat));
  setStatus(active.info ? 'ready' : 'loading', active);
  return active;
}

function setStatus(state, w, detail) {
  if (w.hidden && state !== 'error') return;
  const el = $('engine-status');
  el.dataset.state = state;
  if (state === 'loading') el.textContent = t('engineLoading');
  else if (state === 'ready') el.textContent = t('engineReady')(w.emotionSource);
  else el.textContent = t('engineError')(detail?.error?.message ?? String(detail?.error ?? ''));
}

// ---- flags → supervisor view ---------------------------------------------

const channel = 'BroadcastChannel' in globalThis ? new BroadcastChannel(FLAG_CHANNEL) : null;

function chatUrl(key) {
  const u = new URL(location.pathname, location.origin);
  u.searchParams.set('conv', key);
  return u.href;
}

/** Only what the supervisor needs; the excerpt is the engine's masked text. */
function flagMessage(chat, flag, n) {
  const d = chat.def;
  return {
    type: 'flag',
    console: consoleId,
    id: `${consoleId}/${d.key}/${chat.gen}/${n}`,
    conversation: d.key,
    title: `${d.customer[lang]} · ${d.title[lang]}`,
    titles: { zh: `${d.customer.zh} · ${d.title.zh}`, en: `${d.customer.en} · ${d.title.en}` },
    playbook: d.playbook,
    locale: d.locale,
    flag: {
      kind: 'flag',
      severity: flag.severity,
      reason: flag.reason,
      excerpt: flag.excerpt,
      msg: flag.msg ?? null,
      rule: flag.rule ?? null,
    },
    at: Date.now(),
    url: chatUrl(d.key),
  };
}

function onFlag(e) {
  const chat = chatOfEngineKey(e.detail?.conversation);
  const flag = e.detail?.flag;
  if (!chat || !flag || engineKey(chat) !== e.detail.conversation) return; // a reset chat's late flag
  const m = flagMessage(chat, flag, chat.flags.length);
  chat.flags.push(m);
  channel?.postMessage(m);
  renderInbox();
}

function postState() {
  channel?.postMessage({
    type: 'state',
    console: consoleId,
    conversations: [...chats.values()].map((c) => ({
      conversation: c.def.key,
      playbook: c.def.playbook,
      url: chatUrl(c.def.key),
      flags: c.flags,
    })),
  });
}

if (channel) {
  channel.onmessage = (e) => {
    // A supervisor opened later asks every console for its current flags.
    if (e.data?.type === 'hello') postState();
  };
  postState();
  addEventListener('pagehide', () => channel.postMessage({ type: 'bye', console: consoleId }));
}

// ---- rendering -----------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  const btn = $('lang-toggle');
  btn.textContent = t('langButton');
  btn.lang = lang === 'zh' ? 'en' : 'zh-CN';
  for (const w of widgets.values()) w.setAttribute('locale', widgetLocale(w.dataset.locale));
  const shown = [...widgets.values()].find((w) => !w.hidden);
  if (shown && $('engine-status').dataset.state !== 'error') setStatus(shown.info ? 'ready' : 'loading', shown);
  renderInbox();
  renderChat();
}

function renderInbox() {
  const list = $('conv-list');
  const items = [];
  for (const chat of chats.values()) {
    const d = chat.def;
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'conv';
    b.dataset.conv = d.key;
    if (isCurrent(chat)) b.setAttribute('aria-current', 'true');
    const name = el('span', 'conv-name', d.customer[lang]);
    const title = el('span', 'conv-title', d.title[lang]);
    const meta = el('span', 'conv-meta');
    meta.append(el('code', 'conv-playbook', d.playbook));
    if (chat.playing) meta.append(el('span', 'conv-live', '▶'));
    if (chat.unread) meta.append(el('span', 'badge badge-unread', t('unread')(chat.unread)));
    const high = chat.flags.filter((f) => f.flag.severity === 'high').length;
    if (chat.flags.length) {
      const fb = el('span', `badge badge-flags${high ? ' badge-high' : ''}`, t('flags')(chat.flags.length));
      fb.dataset.flags = String(chat.flags.length);
      meta.append(fb);
    }
    b.append(name, title, meta);
    b.addEventListener('click', () => select(d.key));
    li.append(b);
    items.push(li);
  }
  const focused = document.activeElement?.dataset?.conv;
  list.replaceChildren(...items);
  if (focused) list.querySelector(`[data-conv="${CSS.escape(focused)}"]`)?.focus();
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function renderChat() {
  const chat = chats.get(current);
  const d = chat.def;
  $('chat-customer').textContent = d.customer[lang];
  $('chat-title').textContent = d.title[lang];
  $('chat-channel').textContent = d.channel[lang];
  $('chat-playbook').textContent = d.playbook;
  // The chat's language, for the right CJK glyphs and for screen readers.
  $('messages').lang = d.locale;
  $('messages').replaceChildren(...chat.messages.map((m) => renderMessage(m)));
  renderPlayer();
  scrollLog();
}

function renderPlayer() {
  const chat = chats.get(current);
  const play = $('play');
  play.textContent = chat.playing ? t('pause') : t('play');
  play.setAttribute('aria-pressed', String(chat.playing));
  const done = chat.pos >= chat.def.steps.length;
  play.disabled = (done && !chat.playing) || chat.ended;
  $('step').disabled = done || chat.ended;
  $('end-chat').disabled = chat.ended || chat.messages.length === 0;
  $('progress').textContent = t('progress')(chat.pos, chat.def.steps.length);
  for (const f of [$('customer-form'), $('compose-form')]) {
    for (const c of f.elements) c.disabled = chat.ended;
  }
}

function scrollLog() {
  const log = $('log');
  log.scrollTop = log.scrollHeight;
}

const fmtTime = (ts) => new Date(ts).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });

/** One message bubble. Personal data is shown masked and banned phrases
 *  are marked, from the spans of the engine's events; text only ever goes
 *  in through textContent. */
function renderMessage(m) {
  const li = el('li', `msg msg-${m.role}`);
  li.dataset.role = m.role;
  if (m.role === 'system') {
    li.append(el('p', 'system-line', m.text));
    return li;
  }
  const who = el('span', 'visually-hidden', `${t(m.role)} `);
  const bubble = el('div', 'bubble');
  if (m.state === 'pending') {
    bubble.setAttribute('aria-busy', 'true');
    // The log is live: announce the message once, when it is checked.
    li.setAttribute('aria-hidden', 'true');
    bubble.append(el('span', 'pending', t('checking')));
  } else {
    bubble.append(...decorate(m));
    if (m.state === 'unchecked') bubble.append(el('span', 'unchecked', ` (${t('unchecked')})`));
  }
  const meta = el('div', 'meta');
  const time = el('time', null, fmtTime(m.ts));
  time.dateTime = new Date(m.ts).toISOString();
  meta.append(time);
  const emo = m.events?.find((e) => e.kind === 'emotion');
  if (emo) {
    const chip = el('span', `emotion emotion-${emo.label}`, `${t('emotion')[emo.label] ?? emo.label} ${'●'.repeat(emo.intensity)}`);
    chip.dataset.emotion = emo.label;
    chip.title = `${emo.label} ${emo.intensity}/5 (${emo.source})`;
    meta.append(chip);
  }
  li.append(who, bubble, meta);
  return li;
}

function decorate(m) {
  const text = m.text;
  const spans = (m.events ?? [])
    .filter((e) => (e.kind === 'pii' || e.kind === 'banned') && Number.isInteger(e.start) && e.end > e.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at || s.end > text.length) continue; // overlapping or stale: keep the first
    if (s.start > at) out.push(document.createTextNode(text.slice(at, s.start)));
    if (s.kind === 'pii') {
      const mark = el('mark', 'pii', s.masked);
      mark.dataset.pii = s.pii;
      mark.title = t('masked')(s.pii);
      out.push(mark);
    } else {
      const mark = el('mark', `banned banned-${s.severity}`, text.slice(s.start, s.end));
      mark.title = s.label ?? s.rule ?? '';
      mark.dataset.rule = s.rule ?? '';
      out.push(mark);
    }
    at = s.end;
  }
  // A message whose engine check failed is shown as typed.
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

function refreshMessage(chat, m) {
  if (!isCurrent(chat)) return;
  const i = chat.messages.indexOf(m);
  const li = $('messages').children[i];
  if (li) li.replaceWith(renderMessage(m));
  else $('messages').append(renderMessage(m));
  scrollLog();
}

// ---- sending -------------------------------------------------------------

function send(chat, role, text) {
  text = String(text ?? '').trim();
  if (!text || chat.ended) return Promise.resolve();
  const m = { role, text, ts: Date.now(), state: 'pending', events: null };
  const key = engineKey(chat);
  chat.messages.push(m);
  if (isCurrent(chat)) {
    $('messages').append(renderMessage(m));
    scrollLog();
  } else {
    chat.unread++;
    renderInbox();
  }
  if (assistOff) {
    m.state = 'plain';
    if (isCurrent(chat)) refreshMessage(chat, m);
    return Promise.resolve();
  }
  const w = widgetFor(chat);
  // Messages of one chat reach the engine in order, one at a time.
  chat.queue = chat.queue.then(async () => {
    const message = { role, text, ts: m.ts };
    try {
      m.events = await w.observe(message, key);
      m.state = 'checked';
    } catch (err) {
      m.state = 'unchecked';
      // No engine yet (a failed build, maybe being rebuilt without the
      // model): nothing was observed, so once more when it is ready.
      if (!w.info) {
        try {
          await w.ready;
          m.events = await w.observe(message, key);
          m.state = 'checked';
        } catch {}
      }
      if (m.state === 'unchecked') console.error('linesman observe', err);
    }
    if (chat.messages.includes(m)) refreshMessage(chat, m);
  });
  return chat.queue;
}

function setCompose(text) {
  const box = $('compose');
  box.value = text;
  // The widget checks the draft on input, as when the agent types.
  box.dispatchEvent(new Event('input', { bubbles: true }));
}

function sendCompose() {
  const chat = chats.get(current);
  const text = $('compose').value;
  if (!text.trim()) return Promise.resolve();
  setCompose('');
  chat.draft = '';
  chat.staged = false;
  return send(chat, 'agent', text);
}

// ---- playback ------------------------------------------------------------

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Puts the next agent line in the compose box (current chat) or the
 *  chat's saved draft (a chat in the background). */
function stage(chat, text) {
  chat.staged = true;
  if (isCurrent(chat)) setCompose(text);
  else chat.draft = text;
}

/** Sends a staged agent line: what is in the compose box now, so an agent
 *  who takes a suggestion before it goes out sends the better wording. */
function sendStaged(chat) {
  chat.staged = false;
  if (isCurrent(chat)) return sendCompose();
  const text = chat.draft;
  chat.draft = '';
  return send(chat, 'agent', text);
}

async function advance(chat, run, paced) {
  const s = chat.def.steps[chat.pos];
  if (!s) return false;
  if (paced) {
    await sleep(s.after / speed);
    if (chat.run !== run) return false;
  }
  if (s.who === 'customer') {
    chat.pos++;
    await send(chat, 'customer', s.text);
  } else if (!chat.staged) {
    stage(chat, s.text);
    if (!paced) return true; // Step: the next Step sends it
    await sleep(DRAFT_MS / speed);
    if (chat.run !== run) return false;
    chat.pos++;
    await sendStaged(chat);
  } else {
    chat.pos++;
    await sendStaged(chat);
  }
  if (isCurrent(chat)) renderPlayer();
  return true;
}

async function play(chat) {
  if (chat.playing || chat.ended) return;
  chat.playing = true;
  const run = ++chat.run;
  renderInbox();
  if (isCurrent(chat)) renderPlayer();
  while (chat.run === run && chat.pos < chat.def.steps.length) {
    if (!(await advance(chat, run, true))) break;
  }
  if (chat.run === run) chat.playing = false;
  renderInbox();
  if (isCurrent(chat)) renderPlayer();
}

function pause(chat) {
  chat.run++;
  chat.playing = false;
  renderInbox();
  if (isCurrent(chat)) renderPlayer();
}

async function step(chat) {
  if (chat.playing) pause(chat);
  await advance(chat, chat.run, false);
  renderPlayer();
}

function reset(chat) {
  chat.run++;
  chat.playing = false;
  chat.gen++;
  chat.pos = 0;
  chat.staged = false;
  chat.messages = [];
  chat.flags = [];
  chat.unread = 0;
  chat.draft = '';
  chat.ended = false;
  chat.queue = Promise.resolve();
  channel?.postMessage({ type: 'reset', console: consoleId, conversation: chat.def.key });
  if (isCurrent(chat)) {
    setCompose('');
    showWidget(chat);
  }
  renderInbox();
  if (isCurrent(chat)) renderChat();
}

async function endChat(chat) {
  if (chat.ended) return;
  pause(chat);
  const w = assistOff ? null : widgetFor(chat);
  const key = engineKey(chat);
  await chat.queue;
  chat.ended = true;
  chat.messages.push({ role: 'system', text: t('chatEnded'), ts: Date.now() });
  if (isCurrent(chat)) renderChat();
  if (!w) return;
  try {
    // Open required statements (the closing) become missed: flags follow.
    await w.end(Date.now(), key);
  } catch (err) {
    console.error('linesman end', err);
  }
}

// ---- selection -----------------------------------------------------------

function select(key) {
  if (!chats.has(key)) return;
  const prev = chats.get(current);
  if (key !== current) prev.draft = $('compose').value;
  current = key;
  const chat = chats.get(key);
  chat.unread = 0;
  showWidget(chat);
  setCompose(chat.draft);
  const u = new URL(location.href);
  u.searchParams.set('conv', key);
  history.replaceState(null, '', u);
  renderInbox();
  renderChat();
}

// ---- wiring --------------------------------------------------------------

function wire() {
  $('lang-toggle').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    safeStorage('set', 'linesman-lang', lang);
    applyStrings();
  });
  $('play').addEventListener('click', () => {
    const chat = chats.get(current);
    if (chat.playing) pause(chat);
    else play(chat);
  });
  $('step').addEventListener('click', () => step(chats.get(current)));
  $('reset').addEventListener('click', () => reset(chats.get(current)));
  $('end-chat').addEventListener('click', () => endChat(chats.get(current)));
  $('play-all').addEventListener('click', () => {
    for (const chat of chats.values()) {
      // A background chat's engine conversation must exist before its
      // messages arrive; the widget makes it on first observe.
      play(chat);
    }
  });
  const sel = $('speed');
  if (![...sel.options].some((o) => Number(o.value) === speed)) sel.append(new Option(`${speed}×`, String(speed)));
  sel.value = [...sel.options].find((o) => Number(o.value) === speed).value;
  sel.addEventListener('change', () => {
    speed = Number(sel.value) || 1;
  });
  $('customer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('customer-input');
    send(chats.get(current), 'customer', input.value);
    input.value = '';
  });
  $('compose-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sendCompose();
  });
  $('compose').addEventListener('keydown', (e) => {
    // Enter sends, but not while an input method is composing (pinyin,
    // zhuyin): that Enter picks the characters.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendCompose();
    }
  });
}

async function main() {
  wire();
  applyStrings();
  if (assistOff) {
    $('assist').hidden = true;
    $('engine-status').textContent = t('assistOff');
  } else modelChoice = await chooseModel();
  select(current);
  if (params.get('autoplay') === '1') play(chats.get(current));
}

main();

// For tests and the console: read-only views of the demo's state.
window.linesmanDemo = {
  get current() {
    return current;
  },
  get model() {
    return modelChoice;
  },
  chats: () =>
    [...chats.values()].map((c) => ({
      key: c.def.key,
      engineKey: engineKey(c),
      pos: c.pos,
      steps: c.def.steps.length,
      playing: c.playing,
      messages: c.messages.length,
      flags: c.flags.length,
    })),
  widget: () => widgets.get(chats.get(current).def.playbook) ?? null,
};
