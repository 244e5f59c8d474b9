// The supervisor view: flags of every open demo console, live over
// BroadcastChannel('linesman-flags'). Messages carry the engine's masked
// excerpt only; everything from them goes into the page with textContent.
//
// Protocol (see www/demo/demo.js):
//   console → {type:'flag', console, id, conversation, title, titles, playbook, locale, flag, at, url}
//   console → {type:'state', console, conversations:[{conversation, flags:[flag messages]}]}
//   console → {type:'reset', console, conversation}   (chat restarted: drop its flags)
//   console → {type:'bye', console}                   (console closed: drop its flags)
//   supervisor → {type:'hello'}                       (consoles answer with 'state')

const STRINGS = {
  zh: {
    title: 'Linesman · 主管视图',
    appName: '主管视图',
    siteNav: '站点导航',
    home: '首页',
    console: '坐席工作台',
    flagsBySeverity: '警示统计',
    high: '高',
    medium: '中',
    low: '低',
    severity: { high: '高危', medium: '中等', low: '提示' },
    consoles: '在线工作台',
    conversations: '会话',
    show: '显示',
    flagQueue: '实时警示（高危优先，最新在前）',
    empty: '暂无警示。在坐席工作台播放一段会话，警示会实时出现在这里。',
    open: '打开会话',
    playbook: '质检规则',
    rule: '规则',
    excerpt: '消息摘录（已脱敏）',
    announce: (sev, title, reason) => `新${sev}警示：${title}。${reason}`,
    langButton: 'English',
  },
  en: {
    title: 'Linesman · supervisor view',
    appName: 'Supervisor view',
    siteNav: 'Site',
    home: 'Home',
    console: 'Agent console',
    flagsBySeverity: 'Flags by severity',
    high: 'High',
    medium: 'Medium',
    low: 'Low',
    severity: { high: 'High', medium: 'Medium', low: 'Low' },
    consoles: 'Consoles online',
    conversations: 'Chats',
    show: 'Show',
    flagQueue: 'Live flags (high first, newest first)',
    empty: 'No flags yet. Play a chat in the agent console and its flags appear here live.',
    open: 'Open chat',
    playbook: 'Playbook',
    rule: 'Rule',
    excerpt: 'Message excerpt (masked)',
    announce: (sev, title, reason) => `New ${sev.toLowerCase()} flag: ${title}. ${reason}`,
    langButton: '中文',
  },
};
const RANK = { high: 0, medium: 1, low: 2 };
const SEVERITIES = ['high', 'medium', 'low'];

const params = new URLSearchParams(location.search);
let lang = pickLang();
function pickLang() {
  const p = params.get('lang');
  if (p === 'zh' || p === 'en') return p;
  try {
    const saved = localStorage.getItem('linesman-lang');
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage blocked: fall back to the browser's language
  }
  return (navigator.language || 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
const t = (k) => STRINGS[lang][k];
const $ = (id) => document.getElementById(id);

/** id → flag message; ids are unique per console, chat restart and flag. */
const flags = new Map();
/** console id → set of its conversation keys, to count what is open. */
const consoles = new Map();

function valid(m) {
  return (
    m && m.type === 'flag' && typeof m.id === 'string' && typeof m.conversation === 'string' &&
    m.flag && typeof m.flag === 'object' && m.flag.severity in RANK
  );
}

function add(m, announceIt) {
  if (!valid(m) || flags.has(m.id)) return false;
  flags.set(m.id, m);
  noteConsole(m.console, m.conversation);
  if (announceIt) announce(m);
  return true;
}

function noteConsole(id, conversation) {
  if (!id) return;
  if (!consoles.has(id)) consoles.set(id, new Set());
  if (conversation) consoles.get(id).add(conversation);
}

function dropWhere(pred) {
  for (const [id, m] of flags) if (pred(m)) flags.delete(id);
}

function onMessage(m) {
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'flag':
      if (add(m, true)) render();
      break;
    case 'state':
      noteConsole(m.console);
      for (const c of Array.isArray(m.conversations) ? m.conversations : []) {
        noteConsole(m.console, c.conversation);
        for (const f of Array.isArray(c.flags) ? c.flags : []) add(f, false);
      }
      render();
      break;
    case 'reset':
      dropWhere((f) => f.console === m.console && f.conversation === m.conversation);
      render();
      break;
    case 'bye':
      dropWhere((f) => f.console === m.console);
      consoles.delete(m.console);
      render();
      break;
  }
}

const channel = new BroadcastChannel('linesman-flags');
channel.onmessage = (e) => onMessage(e.data);
channel.postMessage({ type: 'hello' });

// ---- rendering -----------------------------------------------------------

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

const titleOf = (m) => m.titles?.[lang] ?? m.title ?? m.conversation;
const fmtTime = (ts) => new Date(ts).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });

/** Only same-origin links back to the console: a message could carry anything. */
function safeUrl(u) {
  try {
    const url = new URL(u, location.href);
    return url.origin === location.origin ? url.href : null;
  } catch {
    return null;
  }
}

function shown() {
  const on = new Set([...document.querySelectorAll('input[name=sev]:checked')].map((i) => i.value));
  return [...flags.values()]
    .filter((m) => on.has(m.flag.severity))
    .sort((a, b) => RANK[a.flag.severity] - RANK[b.flag.severity] || b.at - a.at);
}

function renderFlag(m) {
  const f = m.flag;
  const li = el('li', `flag flag-${f.severity}`);
  li.dataset.severity = f.severity;
  li.dataset.conversation = m.conversation;
  li.dataset.id = m.id;
  const head = el('div', 'flag-head');
  head.append(
    el('span', `sev sev-${f.severity}`, t('severity')[f.severity]),
    el('h3', 'flag-title', titleOf(m)),
  );
  const time = el('time', 'flag-time', fmtTime(m.at));
  time.dateTime = new Date(m.at).toISOString();
  head.append(time);
  const reason = el('p', 'flag-reason', f.reason ?? '');
  const quote = el('blockquote', 'flag-excerpt', f.excerpt ?? '');
  // Reason and excerpt are in the playbook's language, whatever the UI's.
  if (/^(zh-CN|zh-TW|en)$/.test(m.locale ?? '')) reason.lang = quote.lang = m.locale;
  quote.setAttribute('aria-label', t('excerpt'));
  const foot = el('div', 'flag-foot');
  const meta = el('span', 'flag-meta');
  meta.append(`${t('playbook')} `, el('code', null, m.playbook ?? ''));
  if (f.rule) meta.append(` · ${t('rule')} `, el('code', null, f.rule));
  foot.append(meta);
  const href = safeUrl(m.url);
  if (href) {
    const a = el('a', 'flag-open', t('open'));
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.setAttribute('aria-label', `${t('open')}: ${titleOf(m)}`);
    foot.append(a);
  }
  li.append(head, reason, quote, foot);
  return li;
}

function render() {
  const all = [...flags.values()];
  for (const s of SEVERITIES) $(`count-${s}`).textContent = String(all.filter((m) => m.flag.severity === s).length);
  $('console-count').textContent = String(consoles.size);
  $('conv-count').textContent = String(new Set(all.map((m) => `${m.console}/${m.conversation}`)).size);
  const list = shown();
  $('flags').replaceChildren(...list.map(renderFlag));
  $('empty').hidden = flags.size > 0;
}

function announce(m) {
  const sev = t('severity')[m.flag.severity];
  const line = el('p', null, t('announce')(sev, titleOf(m), m.flag.reason ?? ''));
  // High flags interrupt; the rest wait their turn. Old lines are trimmed
  // so the region does not grow without end.
  const region = m.flag.severity === 'high' ? $('announcer-urgent') : $('announcer');
  region.append(line);
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

function applyStrings() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(e.dataset.i18nAria));
  const btn = $('lang-toggle');
  btn.textContent = t('langButton');
  btn.lang = lang === 'zh' ? 'en' : 'zh-CN';
  render();
}

$('lang-toggle').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  try {
    localStorage.setItem('linesman-lang', lang);
  } catch {
    // not remembered, still switched
  }
  applyStrings();
});
for (const box of document.querySelectorAll('input[name=sev]')) box.addEventListener('change', render);

applyStrings();

window.linesmanSupervisor = { flags: () => [...flags.values()] };
