// Flag outbox: delivers supervisor flags to a webhook at least once, with
// a stable Idempotency-Key per flag so receivers can make it exactly once.
//
// Plain ES module, no dependencies; runs in Chrome (MV3 service worker) and
// Node >= 20. Uses only globalThis.crypto.subtle, fetch, TextEncoder, btoa.
//
// Why a persisted queue: an MV3 service worker can be killed at any time,
// and the receiver can be down. A flag is written to storage before the
// first send and removed only after a 2xx, so neither loses it.

export const STORAGE_KEY = 'linesman.outbox.v1';
export const KINDS = ['webhook', 'slack', 'teams', 'wecom', 'dingtalk', 'feishu'];
export const SEVERITIES = ['low', 'medium', 'high'];
export const BACKOFF = { baseMs: 2_000, factor: 2, capMs: 10 * 60_000 };
export const DEFAULT_TIMEOUT_MS = 10_000;

const enc = new TextEncoder();

// ---------------------------------------------------------------- checks

/** Throws unless `destination` is usable; returns the parsed URL. */
export function checkDestination(destination) {
  if (!destination || typeof destination !== 'object') throw new TypeError('outbox: destination is required');
  const { kind, url, secret } = destination;
  if (!KINDS.includes(kind)) throw new TypeError(`outbox: unknown destination kind ${JSON.stringify(kind)} (expected one of ${KINDS.join(', ')})`);
  if (secret !== undefined && secret !== null && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError('outbox: destination.secret must be a non-empty string when set');
  }
  let u;
  try { u = new URL(url); } catch { throw new TypeError(`outbox: destination.url is not a valid URL: ${JSON.stringify(url)}`); }
  // Flags quote customer conversations: they may only travel encrypted.
  // Plain http is allowed for the local machine only (tests, development).
  const local = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) {
    throw new TypeError(`outbox: refusing destination ${u.origin}: only https: URLs are allowed (http: only for 127.0.0.1/localhost)`);
  }
  if (u.username || u.password) throw new TypeError('outbox: destination.url must not carry credentials');
  return u;
}

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let v = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
  }
  return sum % 10 === 0;
}

// GB 11643 check character of a mainland resident ID number.
function idCheckValid(id) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += (id.charCodeAt(i) - 48) * w[i];
  return '10X98765432'[s % 11] === id[17].toUpperCase();
}

/**
 * The kind of unmasked personal data in `text`, or null. A second line of
 * defence behind the engine's masker (crate/src/pii.rs), so it mirrors its
 * validity checks: a card must pass Luhn and an ID its check character,
 * otherwise order numbers would make flags unsendable. Masked forms
 * (`138****5678`, `z***@example.com`) contain `*` and never match.
 */
export function findUnmaskedPii(text) {
  if (typeof text !== 'string' || text === '') return null;
  // NFKC folds full-width digits and `＠`; the second variant also joins
  // digit groups (`138 1234 5678`, `6222-0200-...`) the way the masker does.
  const folded = text.normalize('NFKC');
  const joined = folded.replace(/(\d)[ -](?=\d)/g, '$1');
  for (const t of folded === joined ? [folded] : [folded, joined]) {
    if (/(?<!\d)(?:0086|86)?1[3-9]\d{9}(?!\d)/.test(t)) return 'cn_mobile';
    for (const m of t.matchAll(/(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/g)) if (idCheckValid(m[0])) return 'cn_id_card';
    for (const m of t.matchAll(/(?<!\d)\d{13,19}(?!\d)/g)) if (luhnValid(m[0])) return 'bank_card';
    if (/[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/.test(t)) return 'email';
  }
  return null;
}

/** Validates a flag and returns only the documented fields, `at` as RFC 3339. */
export function normalizeFlag(flag) {
  if (!flag || typeof flag !== 'object') throw new TypeError('outbox: flag must be an object');
  const { conversation, rule = null, severity, reason, excerpt, msg = null } = flag;
  if (typeof conversation !== 'string' || conversation === '') throw new TypeError('outbox: flag.conversation must be a non-empty string');
  if (rule !== null && typeof rule !== 'string') throw new TypeError('outbox: flag.rule must be a string or null');
  if (!SEVERITIES.includes(severity)) throw new TypeError(`outbox: flag.severity must be one of ${SEVERITIES.join(', ')}`);
  if (typeof reason !== 'string') throw new TypeError('outbox: flag.reason must be a string');
  if (typeof excerpt !== 'string') throw new TypeError('outbox: flag.excerpt must be a string');
  if (msg !== null && !(Number.isInteger(msg) && msg >= 0)) throw new TypeError('outbox: flag.msg must be a message index (integer >= 0) or null');
  const at = flag.at instanceof Date ? flag.at.getTime() : flag.at;
  const atMs = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(atMs)) throw new TypeError('outbox: flag.at must be epoch milliseconds, a Date or an ISO 8601 string');
  // Only masked text may leave the browser: refuse rather than guess a mask.
  for (const [field, value] of [['excerpt', excerpt], ['reason', reason]]) {
    const kind = findUnmaskedPii(value);
    if (kind) throw new Error(`outbox: refusing flag: ${field} contains unmasked personal data (${kind}); pass the masked excerpt`);
  }
  return { conversation, rule, severity, reason, excerpt, msg, at: new Date(atMs).toISOString() };
}

// ---------------------------------------------------------------- crypto

async function hmacSha256(key, data) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key,
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, typeof data === 'string' ? enc.encode(data) : data));
}
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes) => btoa(String.fromCharCode(...bytes));

// ---------------------------------------------------------------- formats

const SEVERITY_LABEL = { low: 'Low', medium: 'Medium', high: 'HIGH' };
const MAX_EXCERPT = 1000; // chat bots cap message size (WeCom: 4096 bytes)
const clip = (s) => (s.length > MAX_EXCERPT ? `${s.slice(0, MAX_EXCERPT)}…` : s);

function lines(flag) {
  return {
    title: `Linesman flag [${SEVERITY_LABEL[flag.severity]}]${flag.rule ? ` ${flag.rule}` : ''}`,
    facts: [
      ['Conversation', flag.conversation],
      ['Rule', flag.rule ?? '-'],
      ['Severity', flag.severity],
      ['Reason', flag.reason],
      ['Message', flag.msg === null ? '-' : `#${flag.msg}`],
      ['At', flag.at],
      ['Id', flag.id],
    ],
    excerpt: clip(flag.excerpt),
  };
}

function plainText(flag) {
  const { title, facts, excerpt } = lines(flag);
  return [title, ...facts.map(([k, v]) => `${k}: ${v}`), `Excerpt: ${excerpt}`].join('\n');
}

function markdown(flag) {
  const { title, facts, excerpt } = lines(flag);
  // Excerpt is customer text: quote it so it cannot pose as our own lines.
  const quoted = excerpt.split('\n').map((l) => `> ${l}`).join('\n');
  return `### ${title}\n${facts.map(([k, v]) => `**${k}:** ${v}`).join('\n\n')}\n\n${quoted}`;
}

// Slack's mrkdwn treats <...> as links/mentions; these three must be escaped.
const slackEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Builds the HTTP request for one flag (which must carry its `id`).
 * Pure apart from WebCrypto, hence async. Returns { url, headers, body }
 * with `body` a string: the exact bytes that are signed are the bytes sent.
 */
export async function formatRequest(flag, destination, nowMs) {
  const u = checkDestination(destination);
  if (!flag || typeof flag.id !== 'string' || !/^[0-9a-f]{32}$/.test(flag.id)) throw new TypeError('outbox: formatRequest needs a flag with its id');
  if (!Number.isFinite(nowMs)) throw new TypeError('outbox: formatRequest needs nowMs');
  const secret = destination.secret || null;
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': flag.id };
  let url = u.href;
  let body;
  switch (destination.kind) {
    case 'webhook': {
      const ts = String(Math.floor(nowMs / 1000));
      body = JSON.stringify({
        type: 'linesman.flag', version: 1, id: flag.id, conversation: flag.conversation, rule: flag.rule,
        severity: flag.severity, reason: flag.reason, excerpt: flag.excerpt, msg: flag.msg, at: flag.at,
      });
      headers['X-Linesman-Timestamp'] = ts;
      // The timestamp is inside the signed bytes so a captured request cannot
      // be replayed later: the receiver rejects stale timestamps, and a
      // fresh timestamp would need the secret to re-sign.
      if (secret) headers['X-Linesman-Signature'] = `sha256=${hex(await hmacSha256(secret, `${ts}.${body}`))}`;
      break;
    }
    case 'slack':
      body = JSON.stringify({ text: slackEscape(plainText(flag)) });
      break;
    case 'teams': {
      const { title, facts, excerpt } = lines(flag);
      body = JSON.stringify({
        type: 'message',
        attachments: [{
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value: String(value) })) },
              { type: 'TextBlock', text: excerpt, wrap: true, isSubtle: true },
            ],
          },
        }],
      });
      break;
    }
    case 'wecom':
      body = JSON.stringify({ msgtype: 'markdown', markdown: { content: markdown(flag) } });
      break;
    case 'dingtalk': {
      body = JSON.stringify({ msgtype: 'markdown', markdown: { title: lines(flag).title, text: markdown(flag) } });
      if (secret) {
        // DingTalk "加签": HMAC-SHA256(key = secret, "<ms>\n<secret>"), base64, URL-encoded.
        const ts = String(Math.floor(nowMs));
        const sign = encodeURIComponent(base64(await hmacSha256(secret, `${ts}\n${secret}`)));
        url += `${u.search ? '&' : '?'}timestamp=${ts}&sign=${sign}`;
      }
      break;
    }
    case 'feishu': {
      const msg = { msg_type: 'text', content: { text: plainText(flag) } };
      if (secret) {
        // Feishu/Lark: the key is "<seconds>\n<secret>" and the message is empty.
        const ts = String(Math.floor(nowMs / 1000));
        const sign = base64(await hmacSha256(`${ts}\n${secret}`, new Uint8Array(0)));
        body = JSON.stringify({ timestamp: ts, sign, ...msg });
      } else {
        body = JSON.stringify(msg);
      }
      break;
    }
  }
  return { url, headers, body };
}

// ---------------------------------------------------------------- outbox

/** Delay before retry number `attempts` (1 = after the first failure). */
export function backoffDelay(attempts, rand01, { baseMs, factor, capMs } = BACKOFF) {
  const d = Math.min(capMs, baseMs * factor ** Math.max(0, attempts - 1));
  // "Equal jitter": in [d/2, d]. Spreads retries from many tabs/agents,
  // yet still grows monotonically and never exceeds the cap.
  return Math.round(d / 2 + (rand01 * d) / 2);
}

export function createOutbox({
  storage,
  destination,
  now = Date.now,
  fetchImpl = (...a) => fetch(...a),
  random = crypto.getRandomValues.bind(crypto),
  timeoutMs = DEFAULT_TIMEOUT_MS,
  backoff = BACKOFF,
  key = STORAGE_KEY,
} = {}) {
  if (!storage || typeof storage.get !== 'function' || typeof storage.set !== 'function') throw new TypeError('outbox: storage with async get/set is required');
  checkDestination(destination); // fail at setup, not at the first flag

  const rand01 = () => random(new Uint32Array(1))[0] / 2 ** 32;
  const newId = () => hex(random(new Uint8Array(16)));

  // Storage is re-read on every change (it is the truth across restarts) and
  // changes are serialised so enqueue during a flush cannot lose an item.
  let chain = Promise.resolve();
  const locked = (fn) => { const p = chain.then(fn); chain = p.catch(() => {}); return p; };
  const load = async () => {
    const s = await storage.get(key);
    return s && Array.isArray(s.items) ? JSON.parse(JSON.stringify(s)) : { version: 1, items: [] };
  };
  const save = (state) => storage.set(key, JSON.parse(JSON.stringify(state)));
  const update = (fn) => locked(async () => { const s = await load(); const r = fn(s); await save(s); return r; });

  async function enqueue(flag) {
    const clean = normalizeFlag(flag);
    const id = newId();
    const t = now();
    await update((s) => { s.items.push({ id, flag: { id, ...clean }, createdAt: t, attempts: 0, nextAt: t, lastError: null }); });
    return id;
  }

  async function send(item) {
    let req;
    try {
      req = await formatRequest(item.flag, destination, now());
    } catch (e) {
      return { ok: false, error: `format: ${e?.message ?? e}` }; // kept, never dropped
    }
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    try {
      const res = await fetchImpl(req.url, {
        method: 'POST', headers: req.headers, body: req.body, signal: ac.signal,
        // A redirect could carry the flag elsewhere; cookies are not ours to send.
        redirect: 'error', credentials: 'omit',
      });
      // Drain (bounded by the same timeout) so the connection can be reused.
      const text = await res.text().catch(() => '');
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const s = res.status;
      const note = s >= 400 && s < 500 && s !== 408 && s !== 429
        ? ' (client error: check the destination URL/secret; kept and retried)' : '';
      return { ok: false, error: `HTTP ${s}${note}${text ? `: ${text.slice(0, 200)}` : ''}` };
    } catch (e) {
      const reason = ac.signal.aborted ? ac.signal.reason : e;
      return { ok: false, error: `network: ${reason?.message ?? reason}${e?.cause?.code ? ` (${e.cause.code})` : ''}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async function runFlush() {
    let sent = 0;
    let failed = 0;
    const t0 = now();
    const due = (await load()).items.filter((i) => i.nextAt <= t0).map((i) => i.id);
    for (const id of due) {
      const item = (await load()).items.find((i) => i.id === id);
      if (!item) continue; // delivered by another outbox over the same storage
      const r = await send(item);
      if (r.ok) sent++; else failed++;
      await update((s) => {
        const i = s.items.findIndex((x) => x.id === id);
        if (i < 0) return;
        if (r.ok) { s.items.splice(i, 1); return; }
        const it = s.items[i];
        const t = now();
        it.attempts += 1;
        it.lastAttemptAt = t;
        it.lastError = r.error;
        it.nextAt = t + backoffDelay(it.attempts, rand01(), backoff);
      });
    }
    return { sent, failed, pending: (await load()).items.length };
  }

  let running = null;
  function flush() {
    // One flush at a time: a second caller shares the running one, so an
    // alarm and a manual "retry now" cannot send the same item twice.
    if (!running) running = runFlush().finally(() => { running = null; });
    return running;
  }

  async function pending() { return (await load()).items; }

  async function nextDueAt() {
    const items = (await load()).items;
    return items.length ? Math.min(...items.map((i) => i.nextAt)) : null;
  }

  return { enqueue, flush, pending, nextDueAt };
}
