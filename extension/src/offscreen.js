// The engine host: an offscreen document (extension origin, CSP with
// 'wasm-unsafe-eval') that owns the Linesman engine and every conversation
// the content scripts report. The service worker may stop at any time; this
// document keeps the state. Only chrome.runtime is available here, so the
// service worker persists the message logs (chrome.storage.session) and hands
// them back with `restore` if this document was ever recreated.
import { Linesman } from '../engine/src/linesman.js';
import { align, fingerprint } from './align.js';

const MODEL_URL = new URL('../engine/pkg/emotion.model', import.meta.url).href;
const KEEP_STEPS = 300; // history the side panel can show for one conversation
const TICK_MS = 1000;

let engine = null;
let engineKey = ''; // the configuration the engine was built from
let engineError = null;
const convs = new Map(); // key → conversation record (see record())

// Engine calls run one at a time: a rebuild never interleaves with a step.
let queue = Promise.resolve();
const serial = (fn) => {
  const p = queue.then(fn, fn);
  queue = p.catch(() => {});
  return p;
};

function optionsOf(cfg) {
  const o = { model: cfg?.model === 'none' ? null : MODEL_URL };
  if (cfg?.playbookJson) o.playbook = cfg.playbookJson;
  else o.builtin = cfg?.builtin || 'retail-zh';
  return o;
}

function errorOf(err) {
  return { message: String(err?.message ?? err), problems: Array.isArray(err?.problems) ? err.problems : undefined };
}

/** Builds the engine for `cfg`; on failure the previous engine stays. */
async function configure(cfg) {
  const key = JSON.stringify(optionsOf(cfg));
  if (engine && key === engineKey) return status();
  let next;
  try {
    next = await Linesman.create(optionsOf(cfg));
    engineError = null;
  } catch (err) {
    engineError = errorOf(err);
    if (engine) return status(); // the running engine stays
    // A stored playbook that no longer loads: run on the built-in one rather
    // than not at all; the error stays visible in the status.
    try {
      next = await Linesman.create(optionsOf({ model: cfg?.model }));
    } catch (err2) {
      engineError = errorOf(err2);
      return status();
    }
  }
  const old = engine;
  engine = next;
  engineKey = key;
  // Conversations continue under the new rules: replay their logs.
  for (const c of convs.values()) await replay(c);
  old?.close();
  return status();
}

function status() {
  return {
    ready: !!engine,
    info: engine?.info ?? null,
    emotionSource: engine?.emotionSource ?? null,
    error: engineError,
    conversations: convs.size,
  };
}

function record(key, meta = {}) {
  let c = convs.get(key);
  if (!c) {
    c = { key, tabId: meta.tabId ?? null, conv: meta.conv ?? key, title: meta.title ?? '', log: [], fps: [], steps: [], seq: 0, summary: null, handle: null, lastTs: 0, ended: false };
    convs.set(key, c);
  }
  if (meta.title != null) c.title = meta.title;
  return c;
}

async function handle(c) {
  c.handle ??= engine.conversation();
  return c.handle;
}

async function replay(c) {
  c.handle = null;
  c.steps = [];
  c.summary = null;
  c.lastTs = 0;
  const h = await handle(c);
  for (let i = 0; i < c.log.length; i++) await observeOne(c, h, c.log[i], i, true);
  if (!c.log.length) c.summary = await h.summary();
}

async function observeOne(c, h, m, index, replaying) {
  const ts = Math.max(m.ts, c.lastTs);
  c.lastTs = ts;
  const events = await h.observe({ role: m.role, text: m.text, ts });
  c.summary = await h.summary();
  return publish(c, { events, summary: c.summary, message: { role: m.role, text: m.text }, at: ts, index }, replaying);
}

function publish(c, step, replaying) {
  step.seq = ++c.seq;
  c.steps.push(step);
  if (c.steps.length > KEEP_STEPS) c.steps.splice(0, c.steps.length - KEEP_STEPS);
  const out = { type: 'engine:step', key: c.key, tabId: c.tabId, conv: c.conv, step, replay: !!replaying };
  // Flags go to the service worker's outbox; a replay raised them already.
  const flags = replaying ? [] : step.events.filter((e) => e.kind === 'flag').map((e, i) => flagOf(c, step, e, i));
  if (flags.length) sendFlags(flags);
  chrome.runtime.sendMessage(out).catch(() => {}); // the side panel, when open
  return step;
}

function flagOf(c, step, e, i) {
  return {
    // Stable per flag: a retry of this hand-off cannot enqueue it twice.
    handoff: `${c.key}#${step.seq}#${i}`,
    conversation: c.conv,
    rule: e.rule ?? null,
    severity: e.severity,
    reason: e.reason,
    excerpt: e.excerpt,
    msg: Number.isInteger(e.msg) ? e.msg : null,
    at: step.at ?? Date.now(),
  };
}

// Hand flags to the service worker until it confirms they are in the outbox.
const unsent = [];
let sending = false;
function sendFlags(flags) {
  unsent.push(...flags);
  pump();
}
async function pump() {
  if (sending || !unsent.length) return;
  sending = true;
  try {
    while (unsent.length) {
      const batch = unsent.slice(0, 20);
      let ok = false;
      try {
        ok = (await chrome.runtime.sendMessage({ type: 'engine:flags', flags: batch }))?.ok === true;
      } catch {}
      if (!ok) {
        setTimeout(() => {
          sending = false;
          pump();
        }, 1000);
        return;
      }
      unsent.splice(0, batch.length);
    }
  } finally {
    if (!unsent.length) sending = false;
  }
}

async function sync({ key, tabId, conv, title, messages, now }) {
  if (!engine) throw new Error(engineError?.message ?? 'engine not ready');
  const c = record(key, { tabId, conv, title });
  const fresh = align(c.fps, messages.map(fingerprint));
  const h = await handle(c);
  const steps = [];
  const t = Number.isFinite(now) ? now : Date.now();
  for (const i of fresh) {
    const m = messages[i];
    const entry = { role: m.role, text: m.text, ts: Number.isFinite(m.ts) ? m.ts : t };
    c.log.push(entry);
    c.fps.push(fingerprint(m));
    steps.push(await observeOne(c, h, entry, c.log.length - 1, false));
  }
  if (!c.summary) c.summary = await h.summary();
  return { key, added: steps.length, log: fresh.length ? c.log.slice(c.log.length - fresh.length) : [], summary: c.summary };
}

async function tickAll() {
  if (!engine) return;
  const now = Date.now();
  for (const c of convs.values()) {
    if (c.ended || !c.log.length) continue;
    const h = await handle(c);
    const t = Math.max(now, c.lastTs);
    const events = await h.tick(t);
    if (!events.length) continue;
    c.summary = await h.summary();
    publish(c, { events, summary: c.summary, message: null, at: t, index: null }, false);
  }
}
setInterval(() => serial(tickAll).catch(() => {}), TICK_MS);

const ops = {
  configure: (m) => configure(m.config),
  status: () => status(),
  sync: (m) => sync(m),
  draft: async (m) => {
    if (!engine) throw new Error(engineError?.message ?? 'engine not ready');
    return engine.checkDraft(String(m.text ?? ''));
  },
  state: async ({ key }) => {
    const c = convs.get(key);
    return {
      ...status(),
      key,
      conv: c?.conv ?? null,
      title: c?.title ?? '',
      steps: c?.steps ?? [],
      summary: c?.summary ?? null,
      seq: c?.seq ?? 0,
    };
  },
  // The widget in the side panel drives these through its remote engine.
  summary: async ({ key }) => {
    const c = convs.get(key);
    if (!c || !engine) return c?.summary ?? null;
    c.summary = await (await handle(c)).summary();
    return c.summary;
  },
  end: async ({ key, now }) => {
    const c = convs.get(key);
    if (!c || !engine || c.ended) return [];
    const h = await handle(c);
    const t = Math.max(Number.isFinite(now) ? now : Date.now(), c.lastTs);
    const events = await h.end(t);
    c.ended = true;
    c.summary = await h.summary();
    publish(c, { events, summary: c.summary, message: null, at: t, index: null }, false);
    return events;
  },
  forget: ({ tabId }) => {
    for (const [k, c] of convs) if (c.tabId === tabId) convs.delete(k);
    return true;
  },
  // This document was (re)created: take back the logs the SW kept.
  restore: async ({ logs }) => {
    for (const [key, l] of Object.entries(logs ?? {})) {
      if (convs.has(key)) continue;
      const c = record(key, l.meta ?? {});
      c.log = l.log ?? [];
      c.fps = c.log.map(fingerprint);
      if (engine) await replay(c);
    }
    return status();
  },
};

chrome.runtime.onMessage.addListener((msg, sender, respond) => {
  // Only the service worker talks to this document.
  if (msg?.target !== 'offscreen' || sender.id !== chrome.runtime.id || sender.tab) return false;
  const op = ops[msg.op];
  if (!op) return false;
  serial(() => op(msg))
    .then((value) => respond({ ok: true, value }))
    .catch((err) => respond({ ok: false, error: errorOf(err) }));
  return true;
});
