// The side panel: the widget for the conversation in the active tab. The
// engine is the offscreen document's (reached through the service worker);
// the widget gets a small proxy with the Linesman API and is fed the steps
// the engine takes as the content script reports messages.
import '../engine/src/widget/linesman-assist.js';
import { KEYS, permissionPattern } from './settings.js';

const $ = (id) => document.getElementById(id);
const t = (k, ...subs) => chrome.i18n.getMessage(k, subs) || k;
const params = new URLSearchParams(location.search);
// ?tab=ID pins the panel to one tab (a panel opened as a page, e.g. in tests).
const pinned = params.has('tab') ? Number(params.get('tab')) : null;

const assist = $('assist');
let tabId = null;
let shown = null; // {key, seq} of the conversation on screen
let origin = null;

async function call(type, args = {}) {
  const r = await chrome.runtime.sendMessage({ type, ...args });
  if (!r?.ok) throw Object.assign(new Error(r?.error?.message ?? 'no answer'), { problems: r?.error?.problems });
  return r.value;
}

/** What the widget needs of an engine; every call goes to the offscreen one. */
function remoteEngine(info, emotionSource) {
  return {
    info,
    emotionSource,
    async conversation(key) {
      return {
        observe: async () => {
          throw new Error('the side panel only shows the console’s conversation');
        },
        tick: async () => [],
        end: (now) => call('panel:call', { op: 'end', args: { key, now } }),
        summary: () => call('panel:call', { op: 'summary', args: { key } }),
      };
    },
    checkDraft: (text) => call('panel:call', { op: 'draft', args: { text } }),
  };
}

function locale() {
  const ui = chrome.i18n.getUILanguage();
  if (/^zh[-_](TW|HK|MO|Hant)/i.test(ui)) return 'zh-TW';
  if (/^zh/i.test(ui)) return 'zh-CN';
  return 'en';
}

function notice(text, enable) {
  $('notice').hidden = !text;
  $('notice-text').textContent = text ?? '';
  $('enable').hidden = !enable;
}

async function activeTab() {
  if (pinned != null) return pinned;
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  return tab?.id ?? null;
}

let refreshing = null;
let again = false;
/** Redraws; a call during a redraw makes one more after it (news must not be lost). */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      do {
        again = false;
        await draw();
      } while (again);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function draw() {
  tabId = await activeTab();
  $('error').hidden = true;
  if (tabId == null) return notice(t('panelNoSite'));
  let st;
  try {
    st = await call('panel:state', { tabId });
  } catch (err) {
    $('error').hidden = false;
    $('error').textContent = t('panelEngineError', err.message);
    return;
  }
  origin = st.site.origin;
  if (!origin) {
    assist.hidden = true;
    $('conv').textContent = '';
    return notice(t('panelNoSite'));
  }
  if (!st.site.enabled) {
    assist.hidden = true;
    $('conv').textContent = '';
    return notice(t('panelSiteOff', new URL(origin).host), true);
  }
  if (st.engine?.error && !st.engine.ready) {
    $('error').hidden = false;
    $('error').textContent = t('panelEngineError', st.engine.error.message);
  }
  if (!st.tab.adapter) {
    assist.hidden = true;
    return notice(t('panelNoAdapter'));
  }
  if (!st.tab.key) {
    assist.hidden = true;
    return notice(t('panelWaiting'));
  }
  notice(null);
  const e = st.engine;
  $('conv').textContent = t('panelConversation', st.tab.title || st.tab.conv || '');
  const sig = JSON.stringify([e.info?.playbook, e.info?.version, e.emotionSource]);
  if (assist.dataset.engine !== sig) {
    assist.dataset.engine = sig;
    assist.engine = remoteEngine(e.info, e.emotionSource);
    shown = null;
  }
  if (shown?.key !== st.tab.key) {
    shown = { key: st.tab.key, seq: 0 };
    await assist.switchConversation(st.tab.key);
  }
  // History first (a panel opened mid-chat), then live steps as they come.
  for (const step of e.steps ?? []) feed(st.tab.key, step);
  assist.hidden = false;
}

function feed(key, step) {
  if (!shown || key !== shown.key || step.seq <= shown.seq) return;
  shown.seq = step.seq;
  assist.feed(key, step);
}

assist.setAttribute('locale', locale());
assist.setAttribute('clock', 'auto');
// Insert lands in the console's compose box, in the tab.
assist.compose = (text) => {
  if (tabId != null) call('panel:insert', { tabId, text }).catch(() => {});
};

$('options').textContent = t('panelOptions');
$('enable').textContent = t('panelEnable');
$('enable').addEventListener('click', async () => {
  if (!origin) return;
  // The moment the agent enables a site is the moment Chrome asks for access to it.
  const origins = [permissionPattern(origin)];
  const granted = (await chrome.permissions.contains({ origins })) || (await chrome.permissions.request({ origins }).catch(() => false));
  if (!granted) return;
  const sites = (await chrome.storage.local.get(KEYS.sites))[KEYS.sites] ?? {};
  sites[origin] = { enabled: true, adapter: sites[origin]?.adapter ?? 'auto' };
  await chrome.storage.local.set({ [KEYS.sites]: sites });
  await call('site:enabled');
  setTimeout(refresh, 300);
});

chrome.runtime.onMessage.addListener((m) => {
  if (m?.type === 'engine:step' && m.tabId === tabId) {
    if (shown?.key === m.key) {
      // A gap (a replay after a rebuild) means the history changed: redraw.
      if (m.step.seq !== shown.seq + 1 || m.replay) {
        assist.dataset.engine = ''; // a fresh widget state, then the whole history
        refresh();
      } else feed(m.key, m.step);
    } else refresh();
  } else if (m?.type === 'panel:tab' && m.tabId === tabId) refresh();
  else if (m?.type === 'panel:draft' && m.tabId === tabId && shown && m.key === shown.key) {
    assist.checkDraft(m.text).catch(() => {});
  }
  return false;
});

if (pinned == null) {
  chrome.tabs.onActivated.addListener(() => refresh());
  chrome.tabs.onUpdated.addListener((id, info) => {
    if (id === tabId && info.status === 'complete') refresh();
  });
}
chrome.storage.onChanged.addListener((c, area) => {
  if (area === 'local' && (KEYS.sites in c || KEYS.settings in c)) setTimeout(refresh, 300);
});
refresh();
