// The service worker: routes messages between content scripts, the side
// panel, the options page and the engine's offscreen document; registers
// content scripts on the sites the agent enabled; delivers flags through the
// outbox. It keeps nothing in memory that matters: Chrome may stop it at any
// time, so state lives in chrome.storage (local: settings, outbox; session:
// conversation logs, kept in memory only) and in the offscreen document.
import { createOutbox } from './outbox.js';
import { BUILTIN_ADAPTERS } from './adapters.js';
import { KEYS, effectiveSettings, onSettingsChanged, permissionPattern, refreshManagedPlaybook, validateAdapter } from './settings.js';

const OFFSCREEN = 'src/offscreen.html';
const HANDOFFS = 'linesman.handoffs.v1'; // flag hand-offs already in the outbox
const KEEP_HANDOFFS = 1000;
const OUTBOX_ALARM = 'linesman-outbox';
const POLICY_ALARM = 'linesman-policy-playbook'; // re-fetch a playbook the policy names by URL
const LOG_PREFIX = 'log:'; // chrome.storage.session: message log per conversation
const TAB_PREFIX = 'tab:'; // chrome.storage.session: what each tab shows

// ---- the offscreen engine --------------------------------------------------------

let creating = null;

async function hasOffscreen() {
  const ctx = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  return ctx.length > 0;
}

/** Makes sure the engine's document exists; a new one gets the settings and the logs. */
async function ensureOffscreen() {
  if (await hasOffscreen()) return;
  creating ??= (async () => {
    await chrome.offscreen.createDocument({
      url: OFFSCREEN,
      reasons: ['WORKERS'],
      justification: 'Runs the Linesman engine (WebAssembly, in a worker) outside the chat page.',
    });
    await rawCall('configure', { config: await engineConfig() });
    const all = await chrome.storage.session.get(null);
    const logs = {};
    for (const [k, v] of Object.entries(all)) if (k.startsWith(LOG_PREFIX)) logs[k.slice(LOG_PREFIX.length)] = v;
    if (Object.keys(logs).length) await rawCall('restore', { logs });
  })().finally(() => (creating = null));
  return creating;
}

async function rawCall(op, args = {}) {
  let last;
  // The document's listener may not be up the instant it is created.
  for (let i = 0; i < 20; i++) {
    try {
      const r = await chrome.runtime.sendMessage({ target: 'offscreen', op, ...args });
      if (r === undefined) throw new Error('no answer from the engine document');
      if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'engine error'), { problems: r.error?.problems });
      return r.value;
    } catch (err) {
      last = err;
      if (!/Receiving end does not exist|no answer/.test(String(err?.message))) throw err;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  throw last;
}

async function engine(op, args) {
  await ensureOffscreen();
  if (creating) await creating;
  return rawCall(op, args);
}

async function engineConfig() {
  const s = await effectiveSettings();
  const pb = s.playbook ?? {};
  return {
    playbookJson: typeof pb.json === 'string' && pb.json ? pb.json : null,
    builtin: pb.source === 'builtin' ? pb.id : null,
    model: s.model === 'none' ? 'none' : 'bundled',
  };
}

// ---- sites: content scripts where the agent enabled Linesman ------------------------

const scriptId = (origin) => `site-${[...new TextEncoder().encode(origin)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
// Content scripts match the enabled origin (its port too); access is per host (permissionPattern).
const patternOf = (origin) => `${origin}/*`;

/** Registers the content script on enabled, allowed sites (and only there). */
async function reconcileSites({ injectOpen = false } = {}) {
  const s = await effectiveSettings();
  const want = new Map();
  for (const [origin, site] of Object.entries(s.sites ?? {})) {
    if (!site?.enabled) continue;
    // Only where Chrome granted access: the agent said yes to this site.
    if (await chrome.permissions.contains({ origins: [permissionPattern(origin)] })) want.set(scriptId(origin), origin);
  }
  const have = await chrome.scripting.getRegisteredContentScripts();
  const drop = have.filter((c) => !want.has(c.id)).map((c) => c.id);
  if (drop.length) await chrome.scripting.unregisterContentScripts({ ids: drop });
  const haveIds = new Set(have.map((c) => c.id));
  const add = [...want].filter(([id]) => !haveIds.has(id));
  if (add.length) {
    await chrome.scripting.registerContentScripts(
      add.map(([id, origin]) => ({ id, matches: [patternOf(origin)], js: ['src/content.js'], runAt: 'document_idle', persistAcrossSessions: true })),
    );
  }
  // Pages already open on a newly enabled site get it now, not on reload;
  // after an install or update, every enabled site's open pages do.
  for (const [, origin] of injectOpen ? [...want] : add) {
    const tabs = await chrome.tabs.query({ url: patternOf(origin) });
    for (const t of tabs) chrome.scripting.executeScript({ target: { tabId: t.id }, files: ['src/content.js'] }).catch(() => {});
  }
}

async function adaptersFor(origin, s) {
  const site = s.sites?.[origin];
  const custom = s.adapters?.[origin];
  const choice = site?.adapter ?? 'auto';
  if (choice === 'custom') return custom ? [custom] : [];
  if (choice !== 'auto') return BUILTIN_ADAPTERS.filter((a) => a.id === choice);
  return [...(custom ? [custom] : []), ...BUILTIN_ADAPTERS];
}

// ---- conversations --------------------------------------------------------------------

const keyOf = (tabId, conv) => `${tabId}:${conv}`;

async function tabState(tabId) {
  const k = TAB_PREFIX + tabId;
  return (await chrome.storage.session.get(k))[k] ?? null;
}
/** Merges `patch` into the tab's state; returns the state before. */
async function setTabState(tabId, patch) {
  const k = TAB_PREFIX + tabId;
  const cur = (await chrome.storage.session.get(k))[k] ?? {};
  await chrome.storage.session.set({ [k]: { ...cur, ...patch } });
  return cur;
}

// Log writes are serialised: two syncs of one tab must not lose an append.
let logChain = Promise.resolve();
function appendLog(key, meta, entries) {
  const run = async () => {
    const k = LOG_PREFIX + key;
    const cur = (await chrome.storage.session.get(k))[k] ?? { meta, log: [] };
    cur.meta = meta;
    cur.log.push(...entries);
    await chrome.storage.session.set({ [k]: cur });
  };
  const p = logChain.then(run, run);
  logChain = p.catch(() => {});
  return p;
}

async function onSync(tab, m) {
  const conv = String(m.conv ?? '').slice(0, 200) || 'default';
  const key = keyOf(tab.id, conv);
  const messages = (Array.isArray(m.messages) ? m.messages : [])
    .filter((x) => (x?.role === 'customer' || x?.role === 'agent') && typeof x.text === 'string')
    .map((x) => ({ role: x.role, text: x.text.slice(0, 20_000), ts: Number.isFinite(x.ts) ? x.ts : undefined }));
  const title = String(m.title ?? '').slice(0, 200);
  const r = await engine('sync', { key, tabId: tab.id, conv, title, messages, now: Date.now() });
  if (r.log?.length) await appendLog(key, { tabId: tab.id, conv, title }, r.log);
  const prev = await setTabState(tab.id, { key, conv, title });
  if (prev?.key !== key) chrome.runtime.sendMessage({ type: 'panel:tab', tabId: tab.id, key, conv, title }).catch(() => {});
  return { key, added: r.added };
}

// ---- flags → outbox ---------------------------------------------------------------------

const localArea = {
  get: async (k) => (await chrome.storage.local.get(k))[k],
  set: (k, v) => chrome.storage.local.set({ [k]: v }),
};

let box = null;
let boxFor = '';
async function outbox() {
  const s = await effectiveSettings();
  const d = s.destination;
  if (!d?.url) return null;
  const sig = JSON.stringify(d);
  if (!box || sig !== boxFor) {
    box = createOutbox({ storage: localArea, destination: d });
    boxFor = sig;
  }
  return box;
}

let handoffChain = Promise.resolve();
function acceptFlags(flags) {
  const run = async () => {
    const o = await outbox();
    // No destination set: flags still show in the side panel, nothing is queued.
    if (!o) return { ok: true, queued: 0 };
    const seen = new Set((await localArea.get(HANDOFFS)) ?? []);
    let queued = 0;
    for (const f of flags) {
      if (seen.has(f.handoff)) continue;
      const { handoff, ...flag } = f;
      try {
        await o.enqueue(flag);
        queued++;
      } catch (err) {
        console.error('linesman: flag refused by the outbox:', err?.message ?? err);
      }
      seen.add(handoff);
    }
    await localArea.set(HANDOFFS, [...seen].slice(-KEEP_HANDOFFS));
    flushSoon();
    return { ok: true, queued };
  };
  const p = handoffChain.then(run, run);
  handoffChain = p.catch(() => {});
  return p;
}

let flushTimer = 0;
function flushSoon(ms = 0) {
  clearTimeout(flushTimer);
  flushTimer = setTimeout(() => flush().catch((e) => console.error('linesman: outbox', e)), ms);
}

async function flush() {
  const o = await outbox();
  if (!o) return null;
  const r = await o.flush();
  const next = await o.nextDueAt();
  if (next != null) {
    const wait = Math.max(0, next - Date.now());
    // While this worker lives a timer is precise; the alarm survives it being stopped.
    if (wait < 30_000) flushSoon(wait + 50);
    await chrome.alarms.create(OUTBOX_ALARM, { when: Date.now() + Math.max(wait, 30_000) });
  } else await chrome.alarms.clear(OUTBOX_ALARM);
  return r;
}

async function outboxStatus() {
  const o = await outbox();
  const items = o ? await o.pending() : [];
  const last = items.reduce((a, i) => (i.lastAttemptAt > (a?.lastAttemptAt ?? -1) ? i : a), null);
  return { configured: !!o, pending: items.length, lastError: last?.lastError ?? null, nextAt: o ? await o.nextDueAt() : null };
}

async function testFlag() {
  const o = await outbox();
  if (!o) return { ok: false, error: 'No flag destination is set.' };
  await o.enqueue({
    conversation: 'linesman-test',
    rule: null,
    severity: 'low',
    reason: 'Test flag from the Linesman options page',
    excerpt: 'This is a test flag; it carries no conversation.',
    msg: null,
    at: Date.now(),
  });
  const r = await flush();
  return r && r.failed === 0 ? { ok: true } : { ok: false, error: (await outboxStatus()).lastError ?? 'not delivered yet' };
}

// ---- messages ---------------------------------------------------------------------------------

const fromContent = {
  'cs:hello': async (m, sender) => {
    const origin = new URL(sender.url).origin;
    const s = await effectiveSettings();
    const site = s.sites?.[origin];
    const enabled = !!site?.enabled && (await chrome.permissions.contains({ origins: [permissionPattern(origin)] }));
    await setTabState(sender.tab.id, { origin, enabled, adapter: null });
    return { enabled, adapters: enabled ? await adaptersFor(origin, s) : [] };
  },
  'cs:attached': async (m, sender) => {
    await setTabState(sender.tab.id, { adapter: String(m.adapter ?? 'custom') });
    chrome.runtime.sendMessage({ type: 'panel:tab', tabId: sender.tab.id }).catch(() => {});
    return true;
  },
  'cs:sync': (m, sender) => onSync(sender.tab, m),
  'cs:draft': async (m, sender) => {
    const text = String(m.text ?? '').slice(0, 20_000);
    const events = await engine('draft', { text });
    const st = await tabState(sender.tab.id);
    chrome.runtime.sendMessage({ type: 'panel:draft', tabId: sender.tab.id, key: st?.key ?? null, text, events }).catch(() => {});
    return events;
  },
  'adapter:save': async (m, sender) => {
    const origin = new URL(sender.url).origin;
    if (m.origin && m.origin !== origin) throw new Error('adapter for another site');
    const problems = validateAdapter(m.adapter);
    if (problems.length) return { saved: false, problems };
    const all = (await localArea.get(KEYS.adapters)) ?? {};
    all[origin] = { ...m.adapter, id: 'custom' };
    await localArea.set(KEYS.adapters, all);
    const sites = (await localArea.get(KEYS.sites)) ?? {};
    sites[origin] = { ...(sites[origin] ?? { enabled: true }), adapter: 'custom' };
    await localArea.set(KEYS.sites, sites);
    return { saved: true, problems: [] };
  },
};

const fromExtension = {
  'engine:flags': (m) => acceptFlags(Array.isArray(m.flags) ? m.flags : []),
  'panel:state': async (m) => {
    const tabId = m.tabId;
    const st = await tabState(tabId);
    let origin = st?.origin ?? null;
    if (!origin) {
      try {
        const t = await chrome.tabs.get(tabId);
        if (t.url && /^https?:/.test(t.url)) origin = new URL(t.url).origin;
      } catch {}
    }
    const s = await effectiveSettings();
    const granted = origin ? await chrome.permissions.contains({ origins: [permissionPattern(origin)] }) : false;
    const site = { origin, enabled: !!(origin && s.sites?.[origin]?.enabled && granted), granted, managed: !!s.managed?.sites };
    const eng = await engine('state', { key: st?.key ?? '' });
    return { site, tab: st ?? {}, engine: eng };
  },
  'panel:insert': async (m) => chrome.tabs.sendMessage(m.tabId, { type: 'cs:insert', text: m.text, span: m.span ?? null }),
  'panel:call': async (m) => {
    if (!['summary', 'end', 'draft', 'status'].includes(m.op)) throw new Error(`unknown engine call ${m.op}`);
    return engine(m.op, m.args ?? {});
  },
  'site:enabled': async () => {
    await reconcileSites();
    return true;
  },
  'outbox:status': () => outboxStatus(),
  'outbox:test': () => testFlag(),
  'outbox:flush': () => flush(),
  'picker:start': async (m) => {
    await chrome.scripting.executeScript({ target: { tabId: m.tabId }, files: ['src/picker.js'] });
    return true;
  },
};

chrome.runtime.onMessage.addListener((m, sender, respond) => {
  if (sender.id !== chrome.runtime.id || !m || typeof m.type !== 'string' || m.target === 'offscreen') return false;
  // Extension pages (the side panel may be open as a tab) versus content scripts.
  const table = sender.url?.startsWith(chrome.runtime.getURL('')) ? fromExtension : sender.tab ? fromContent : null;
  if (!table) return false;
  const fn = table[m.type];
  if (!fn) return false;
  Promise.resolve()
    .then(() => fn(m, sender))
    .then((value) => respond({ ok: true, value }))
    .catch((err) => respond({ ok: false, error: { message: String(err?.message ?? err), problems: err?.problems } }));
  return true;
});

// ---- lifecycle -----------------------------------------------------------------------------------

chrome.tabs.onRemoved.addListener(async (tabId) => {
  const all = await chrome.storage.session.get(null);
  const drop = Object.keys(all).filter((k) => k === TAB_PREFIX + tabId || (k.startsWith(LOG_PREFIX) && all[k]?.meta?.tabId === tabId));
  if (drop.length) await chrome.storage.session.remove(drop);
  if (await hasOffscreen()) rawCall('forget', { tabId }).catch(() => {});
});

onSettingsChanged(async (settings, { area }) => {
  if (area === 'managed') refreshManagedPlaybook().catch((e) => console.error('linesman: policy playbook', e));
  await reconcileSites().catch((e) => console.error('linesman: sites', e));
  if (await hasOffscreen()) rawCall('configure', { config: await engineConfig() }).catch((e) => console.error('linesman: engine', e));
  box = null;
  flushSoon();
});

chrome.alarms.onAlarm.addListener((a) => {
  if (a.name === OUTBOX_ALARM) flushSoon();
  if (a.name === POLICY_ALARM) refreshManagedPlaybook().catch((e) => console.error('linesman: policy playbook', e));
});
self.addEventListener('online', () => flushSoon());

async function boot(details) {
  // The toolbar button opens the side panel.
  await chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
  await reconcileSites({ injectOpen: details?.reason === 'install' || details?.reason === 'update' }).catch((e) => console.error('linesman: sites', e));
  // A playbook the policy gives by URL is fetched into a local cache (the
  // engine reads the cache; an outage keeps the last good copy).
  await refreshManagedPlaybook().catch((e) => console.error('linesman: policy playbook', e));
  await chrome.alarms.create(POLICY_ALARM, { periodInMinutes: 360 });
}
chrome.runtime.onInstalled.addListener(boot);
chrome.runtime.onStartup.addListener(boot);
// Every start of this worker (after a stop, a reload, a browser restart) retries what is owed.
flushSoon(100);
