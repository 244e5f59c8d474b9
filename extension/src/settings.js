// Linesman extension settings: what is stored, what an IT department may
// impose (chrome.storage.managed), and the one merged view every part of the
// extension reads (`effectiveSettings`).
//
// Plain ES module. The pure part (merging, validation, export/import) uses no
// chrome.* so it runs under `node --test`; only effectiveSettings,
// onSettingsChanged and refreshManagedPlaybook touch chrome.storage, and they
// take the storage areas as parameters so they can be tested with fakes too.

import { KINDS, checkDestination } from './outbox.js';

export const KEYS = Object.freeze({
  settings: 'linesman.settings.v1',
  sites: 'linesman.sites.v1',
  adapters: 'linesman.adapters.v1',
  managedPlaybook: 'linesman.managedPlaybook.v1',
});
const LOCAL_KEYS = Object.values(KEYS);

/** Ids the engine ships (crate/playbooks); the options page asks the engine itself. */
export const BUILTIN_PLAYBOOKS = Object.freeze(['retail-zh', 'bank-zh', 'telecom-tw', 'retail-en']);
export const DEFAULT_PLAYBOOK = Object.freeze({ source: 'builtin', id: 'retail-zh' });
export const MODELS = Object.freeze(['bundled', 'none']);
export const DEFAULT_MODEL = 'bundled';
export const ADAPTER_CHOICES = Object.freeze(['auto', 'demo', 'chatscope', 'custom']);
export const DESTINATION_KINDS = KINDS;
/** Policy names in managed_schema.json. */
export const POLICY_KEYS = Object.freeze(['playbook', 'model', 'destination', 'sites', 'adapters', 'allowUserChanges']);
export const SETTINGS_FILE_TYPE = 'linesman.settings';

// Bounds keep a hostile or corrupt file from filling storage (10 MB quota).
const MAX_PLAYBOOK_CHARS = 2_000_000;
const MAX_SELECTOR_CHARS = 1_000;
const MAX_NAME_CHARS = 200;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1'); // JSON pointer token
const ptr = (base, key) => `${base}/${esc(key)}`;

// ---------------------------------------------------------------- origins

/**
 * The origin of an http(s) URL or origin string ("https://chat.example.com"),
 * or null when it is not one. Paths are dropped; credentials, other schemes
 * and wildcards are refused.
 */
export function normalizeOrigin(input) {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  if (!s || /[*\s]/.test(s)) return null;
  let u;
  try { u = new URL(s); } catch { return null; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password || !u.hostname) return null;
  return u.origin;
}

/**
 * The host permission Linesman asks for an origin: its host, all ports
 * ("http://127.0.0.1:8791" → "http://127.0.0.1/*"). Chrome compares requested
 * patterns exactly, so a port-specific request would prompt again for a host
 * already allowed, and a port-specific grant would not satisfy a host check.
 * Every part (options, side panel, service worker) asks and checks with this.
 */
export function permissionPattern(origin) {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}

// ---------------------------------------------------------------- selectors

/**
 * Whether `selector` parses as CSS. With a DOM (options page, picker) the
 * browser decides; without one (service worker, node) a syntax check that
 * catches what a typo or a hostile file would produce: unbalanced brackets,
 * quotes or parentheses, dangling combinators, empty list items, and
 * characters that only belong in a style sheet ({ } ;).
 */
export function canParseSelector(selector) {
  if (typeof selector !== 'string' || !selector.trim()) return false;
  const doc = globalThis.document;
  if (doc && typeof doc.createDocumentFragment === 'function') {
    try { doc.createDocumentFragment().querySelector(selector); return true; } catch { return false; }
  }
  return selectorSyntaxOk(selector);
}

function selectorSyntaxOk(sel) {
  const stack = [];
  let quote = null;
  let last = ','; // what the previous significant character was
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (quote) {
      if (c === '\\') { i++; continue; }
      if (c === quote) quote = null;
      else if (c === '\n') return false;
      continue;
    }
    if (c === '\\') { i++; last = 'x'; continue; }
    if (c === '"' || c === "'") { quote = c; last = 'x'; continue; }
    if (c === '{' || c === '}' || c === ';') return false;
    if (c === '[' || c === '(') { stack.push(c); last = c; continue; }
    if (c === ']' || c === ')') {
      const open = stack.pop();
      if ((c === ']' && open !== '[') || (c === ')' && open !== '(')) return false;
      if (c === ']' && last === '[') return false;
      last = 'x';
      continue;
    }
    if (/\s/.test(c)) continue;
    if (stack.length === 0 && (c === '>' || c === '+' || c === '~' || c === ',')) {
      // `~=` only occurs inside [...], so here ~ is a combinator.
      if (last === '>' || last === '+' || last === '~' || last === ',') return false; // `a > > b`, `a,,b`, `> a`
      last = c;
      continue;
    }
    last = 'x';
  }
  if (quote || stack.length) return false;
  return !(last === '>' || last === '+' || last === '~' || last === ',');
}

// ---------------------------------------------------------------- adapters

const ADAPTER_SELECTORS = ['detect', 'list', 'message', 'customer', 'agent', 'compose'];
const ADAPTER_OPTIONAL_SELECTORS = ['text', 'ignore'];
const ADAPTER_ATTR_FIELDS = ['time', 'conversation'];
const ADAPTER_FIELDS = ['id', 'name', ...ADAPTER_SELECTORS, ...ADAPTER_OPTIONAL_SELECTORS, ...ADAPTER_ATTR_FIELDS];

/**
 * Problems of a declarative console adapter (the element picker's output, a
 * settings file, a policy), as [{path, message}] with JSON pointers; [] when
 * it is usable. `canParse(selector) → bool` defaults to canParseSelector.
 */
export function validateAdapter(obj, { canParse = canParseSelector, base = '' } = {}) {
  const problems = [];
  const bad = (path, message) => problems.push({ path: path || '/', message });
  if (!isObject(obj)) {
    bad(base, 'expected an adapter object');
    return problems;
  }
  for (const k of Object.keys(obj)) if (!ADAPTER_FIELDS.includes(k)) bad(ptr(base, k), 'unknown field');
  if (obj.id !== 'custom') bad(ptr(base, 'id'), `expected "custom", got ${JSON.stringify(obj.id)}`);
  if (obj.name !== undefined && obj.name !== null && (typeof obj.name !== 'string' || obj.name.length > MAX_NAME_CHARS)) {
    bad(ptr(base, 'name'), `expected a string of at most ${MAX_NAME_CHARS} characters`);
  }
  const selector = (p, value, required) => {
    if (value === undefined || value === null) {
      if (required) bad(p, 'required: a CSS selector');
      return;
    }
    if (typeof value !== 'string' || !value.trim()) return bad(p, 'expected a CSS selector (a non-empty string)');
    if (value.length > MAX_SELECTOR_CHARS) return bad(p, `selector longer than ${MAX_SELECTOR_CHARS} characters`);
    if (!canParse(value)) bad(p, `not a valid CSS selector: ${JSON.stringify(value)}`);
  };
  for (const k of ADAPTER_SELECTORS) selector(ptr(base, k), obj[k], true);
  for (const k of ADAPTER_OPTIONAL_SELECTORS) selector(ptr(base, k), obj[k], false);
  for (const k of ADAPTER_ATTR_FIELDS) {
    const v = obj[k];
    if (v === undefined || v === null) continue;
    const p = ptr(base, k);
    if (!isObject(v)) { bad(p, 'expected null or {selector, attr}'); continue; }
    // conversation.title: where a readable name is, when the id is not one (adapters/README.md).
    const known = k === 'conversation' ? ['selector', 'attr', 'title'] : ['selector', 'attr'];
    for (const kk of Object.keys(v)) if (!known.includes(kk)) bad(ptr(p, kk), 'unknown field');
    selector(ptr(p, 'selector'), v.selector, true);
    if (k === 'conversation') selector(ptr(p, 'title'), v.title, false);
    if (v.attr !== undefined && v.attr !== null && (typeof v.attr !== 'string' || !/^[A-Za-z_:][-\w:.]*$/.test(v.attr))) {
      bad(ptr(p, 'attr'), 'expected null (the element\'s text) or an attribute name');
    }
  }
  if (typeof obj.customer === 'string' && obj.customer.trim() && obj.customer.trim() === (obj.agent ?? '').trim()) {
    bad(ptr(base, 'agent'), 'the customer and agent selectors are the same, so they cannot tell the sides apart');
  }
  return problems;
}

/** An adapter with only the known fields, optional ones as null. */
function cleanAdapter(a) {
  const out = { id: 'custom', name: typeof a.name === 'string' ? a.name : '' };
  for (const k of ADAPTER_SELECTORS) out[k] = a[k];
  for (const k of ADAPTER_OPTIONAL_SELECTORS) out[k] = a[k] ?? null;
  for (const k of ADAPTER_ATTR_FIELDS) out[k] = a[k] ? { selector: a[k].selector, attr: a[k].attr ?? null, ...(a[k].title ? { title: a[k].title } : {}) } : null;
  return out;
}

// ---------------------------------------------------------------- pieces

/** Problems of a stored/imported playbook choice (not its content: the engine judges that). */
export function validatePlaybookChoice(p, base = '/playbook', { builtins = null } = {}) {
  const problems = [];
  const bad = (path, message) => problems.push({ path, message });
  if (!isObject(p)) return [{ path: base, message: 'expected a playbook object' }];
  if (p.source === 'builtin') {
    for (const k of Object.keys(p)) if (k !== 'source' && k !== 'id') bad(ptr(base, k), 'unknown field');
    if (typeof p.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(p.id)) bad(ptr(base, 'id'), `expected a built-in playbook id, got ${JSON.stringify(p.id)}`);
    else if (builtins && !builtins.includes(p.id)) bad(ptr(base, 'id'), `no built-in playbook ${JSON.stringify(p.id)} (have: ${builtins.join(', ')})`);
  } else if (p.source === 'file' || p.source === 'url') {
    const known = ['source', 'name', 'url', 'json', 'playbookId', 'version', 'savedAt'];
    for (const k of Object.keys(p)) if (!known.includes(k)) bad(ptr(base, k), 'unknown field');
    if (typeof p.json !== 'string' || !p.json) bad(ptr(base, 'json'), 'expected the playbook JSON text');
    else if (p.json.length > MAX_PLAYBOOK_CHARS) bad(ptr(base, 'json'), `playbook larger than ${MAX_PLAYBOOK_CHARS} characters`);
    if (p.name !== undefined && typeof p.name !== 'string') bad(ptr(base, 'name'), 'expected a string');
    if (p.source === 'url') {
      if (typeof p.url !== 'string' || !isHttpsUrl(p.url)) bad(ptr(base, 'url'), 'expected an https:// URL');
    }
    for (const k of ['playbookId', 'version', 'savedAt']) {
      if (p[k] !== undefined && p[k] !== null && typeof p[k] !== 'string' && !(k === 'savedAt' && Number.isFinite(p[k]))) bad(ptr(base, k), 'expected a string');
    }
  } else {
    bad(ptr(base, 'source'), `expected "builtin", "file" or "url", got ${JSON.stringify(p.source)}`);
  }
  return problems;
}

export function isHttpsUrl(s) {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && !u.username && !u.password && !!u.hostname;
  } catch { return false; }
}

/** Problems of a flag destination ({kind, url, secret?} or null), via outbox.js. */
export function validateDestination(d, base = '/destination') {
  if (d === null || d === undefined) return [];
  if (!isObject(d)) return [{ path: base, message: 'expected null or {kind, url, secret}' }];
  const problems = [];
  for (const k of Object.keys(d)) if (!['kind', 'url', 'secret'].includes(k)) problems.push({ path: ptr(base, k), message: 'unknown field' });
  try {
    checkDestination(d);
  } catch (e) {
    const msg = String(e?.message ?? e).replace(/^outbox: /, '');
    const field = /kind/.test(msg) ? 'kind' : /secret/.test(msg) ? 'secret' : 'url';
    problems.push({ path: ptr(base, field), message: msg });
  }
  return problems;
}

function validateSites(sites, base = '/sites') {
  const problems = [];
  if (!isObject(sites)) return [{ path: base, message: 'expected an object of origin → {enabled, adapter}' }];
  for (const [origin, v] of Object.entries(sites)) {
    const p = ptr(base, origin);
    if (normalizeOrigin(origin) !== origin) problems.push({ path: p, message: 'not an origin like https://chat.example.com' });
    if (!isObject(v)) { problems.push({ path: p, message: 'expected {enabled, adapter}' }); continue; }
    for (const k of Object.keys(v)) if (k !== 'enabled' && k !== 'adapter') problems.push({ path: ptr(p, k), message: 'unknown field' });
    if (typeof v.enabled !== 'boolean') problems.push({ path: ptr(p, 'enabled'), message: 'expected true or false' });
    if (!ADAPTER_CHOICES.includes(v.adapter)) problems.push({ path: ptr(p, 'adapter'), message: `expected one of ${ADAPTER_CHOICES.join(', ')}` });
  }
  return problems;
}

function validateAdapters(adapters, base = '/adapters', opts = {}) {
  if (!isObject(adapters)) return [{ path: base, message: 'expected an object of origin → adapter' }];
  const problems = [];
  for (const [origin, a] of Object.entries(adapters)) {
    const p = ptr(base, origin);
    if (normalizeOrigin(origin) !== origin) problems.push({ path: p, message: 'not an origin like https://chat.example.com' });
    problems.push(...validateAdapter(a, { ...opts, base: p }));
  }
  return problems;
}

// ---------------------------------------------------------------- managed

/**
 * What a policy's `playbook` string means: a JSON text (starts with "{"),
 * an https URL, or a built-in id. Anything else is reported.
 */
export function parsePolicyPlaybook(s) {
  if (typeof s !== 'string' || !s.trim()) return { problem: 'expected a built-in id, an https:// URL or the playbook JSON text' };
  const t = s.trim();
  if (t.startsWith('{')) return t.length > MAX_PLAYBOOK_CHARS ? { problem: 'playbook too large' } : { source: 'policy', json: t };
  if (/^[a-z][a-z0-9+.-]*:/i.test(t)) return isHttpsUrl(t) ? { source: 'url', url: t } : { problem: `only https:// URLs are allowed, got ${JSON.stringify(t)}` };
  if (/^[a-z0-9][a-z0-9-]{0,63}$/.test(t)) return { source: 'builtin', id: t };
  return { problem: `not a built-in id, an https:// URL or JSON: ${JSON.stringify(t.slice(0, 80))}` };
}

/**
 * The settings in force: managed values win over local ones; with
 * `allowUserChanges: false` in the policy, local values are ignored
 * altogether and what the policy leaves unset takes the default.
 *
 * `local` is what chrome.storage.local.get(Object.values(KEYS)) returns;
 * `managed` what chrome.storage.managed.get() returns ({} when no policy).
 * Invalid values (local or managed) fall back to the default and are
 * listed in `problems` (paths start with /local or /managed).
 */
export function mergeSettings(local = {}, managed = {}, { canParse = canParseSelector } = {}) {
  local = isObject(local) ? local : {};
  managed = isObject(managed) ? managed : {};
  const problems = [];
  const note = (path, list) => { for (const p of list) problems.push({ path: path + (p.path === '/' ? '' : p.path), message: p.message }); };
  const has = (k) => managed[k] !== undefined && managed[k] !== null;
  const userMay = managed.allowUserChanges !== false;
  const stored = userMay && isObject(local[KEYS.settings]) ? local[KEYS.settings] : {};

  const flags = {
    playbook: has('playbook') || !userMay,
    model: has('model') || !userMay,
    destination: has('destination') || !userMay,
    sites: !userMay, // the whole list; single managed origins are marked on the site
    adapters: !userMay,
    allowUserChanges: userMay,
    any: POLICY_KEYS.some(has),
    siteOrigins: [],
    adapterOrigins: [],
  };

  // Playbook
  let playbook = { ...DEFAULT_PLAYBOOK };
  if (has('playbook')) {
    const p = parsePolicyPlaybook(managed.playbook);
    if (p.problem) problems.push({ path: '/managed/playbook', message: p.problem });
    else if (p.source === 'url') {
      const cache = local[KEYS.managedPlaybook];
      if (isObject(cache) && cache.url === p.url && typeof cache.json === 'string') {
        playbook = { source: 'url', url: p.url, json: cache.json, name: p.url, playbookId: cache.playbookId ?? null, version: cache.version ?? null, fetchedAt: cache.fetchedAt ?? null };
        if (cache.error) playbook.error = cache.error; // last refresh failed; the cached copy stays in force
      } else {
        // Not fetched yet (or never could be): run the default until it is,
        // and say so; the SW calls refreshManagedPlaybook().
        playbook = { ...DEFAULT_PLAYBOOK, pendingUrl: p.url, error: isObject(cache) && cache.url === p.url && cache.error ? cache.error : 'not fetched yet' };
      }
    } else playbook = { ...p, ...(p.source === 'policy' ? { name: 'policy' } : {}) };
  } else if (stored.playbook !== undefined) {
    const pr = validatePlaybookChoice(stored.playbook, '/playbook');
    if (pr.length) note('/local', pr);
    else {
      const sp = stored.playbook;
      playbook = sp.source === 'builtin' ? { source: 'builtin', id: sp.id }
        : { source: sp.source, name: sp.name ?? '', ...(sp.url ? { url: sp.url } : {}), json: sp.json, playbookId: sp.playbookId ?? null, version: sp.version ?? null, savedAt: sp.savedAt ?? null };
    }
  }

  // Model
  let model = DEFAULT_MODEL;
  if (has('model')) {
    if (MODELS.includes(managed.model)) model = managed.model;
    else problems.push({ path: '/managed/model', message: `expected one of ${MODELS.join(', ')}` });
  } else if (stored.model !== undefined) {
    if (MODELS.includes(stored.model)) model = stored.model;
    else problems.push({ path: '/local/model', message: `expected one of ${MODELS.join(', ')}` });
  }

  // Destination
  let destination = null;
  if (has('destination')) {
    const d = managed.destination;
    const clean = isObject(d) ? { kind: d.kind, url: d.url, ...(d.secret ? { secret: d.secret } : {}) } : d;
    const pr = validateDestination(clean, '/destination');
    if (pr.length) note('/managed', pr);
    else destination = clean;
  } else if (stored.destination !== undefined && stored.destination !== null) {
    const pr = validateDestination(stored.destination, '/destination');
    if (pr.length) note('/local', pr);
    else destination = { ...stored.destination };
  }

  // Adapters: local ones, then managed ones per origin on top.
  const adapters = {};
  if (userMay && isObject(local[KEYS.adapters])) {
    for (const [origin, a] of Object.entries(local[KEYS.adapters])) {
      const base = ptr('/adapters', origin);
      const pr = normalizeOrigin(origin) === origin ? validateAdapter(a, { canParse, base }) : [{ path: base, message: 'not an origin' }];
      if (pr.length) note('/local', pr);
      else adapters[origin] = cleanAdapter(a);
    }
  }
  if (has('adapters')) {
    if (!isObject(managed.adapters)) problems.push({ path: '/managed/adapters', message: 'expected an object of origin → adapter' });
    else {
      for (const [key, a] of Object.entries(managed.adapters)) {
        const origin = normalizeOrigin(key);
        const base = ptr('/adapters', key);
        const pr = origin ? validateAdapter({ ...a, id: 'custom' }, { canParse, base }) : [{ path: base, message: 'not an origin like https://chat.example.com' }];
        if (pr.length) { note('/managed', pr); continue; }
        adapters[origin] = cleanAdapter({ ...a, id: 'custom' });
        flags.adapterOrigins.push(origin);
      }
    }
  }

  // Sites: local ones, then managed origins (always enabled) on top.
  const sites = {};
  if (userMay && isObject(local[KEYS.sites])) {
    for (const [origin, v] of Object.entries(local[KEYS.sites])) {
      const pr = validateSites({ [origin]: v }, '/sites');
      if (pr.length) { note('/local', pr); continue; }
      sites[origin] = { enabled: v.enabled, adapter: v.adapter };
    }
  }
  if (has('sites')) {
    if (!Array.isArray(managed.sites)) problems.push({ path: '/managed/sites', message: 'expected an array of origins' });
    else {
      managed.sites.forEach((s, i) => {
        const origin = normalizeOrigin(s);
        if (!origin) { problems.push({ path: `/managed/sites/${i}`, message: `not an origin like https://chat.example.com: ${JSON.stringify(s)}` }); return; }
        const adapter = flags.adapterOrigins.includes(origin) ? 'custom' : (sites[origin]?.adapter ?? 'auto');
        sites[origin] = { enabled: true, adapter, managed: true };
        flags.siteOrigins.push(origin);
      });
    }
  }
  // A managed adapter is what the org wants on that site, whoever enabled it.
  for (const origin of flags.adapterOrigins) if (sites[origin]) sites[origin].adapter = 'custom';
  // 'custom' without an adapter cannot work: detect automatically instead.
  for (const [origin, s] of Object.entries(sites)) if (s.adapter === 'custom' && !adapters[origin]) s.adapter = 'auto';

  return { playbook, model, destination, sites, adapters, managed: flags, problems };
}

// ---------------------------------------------------------------- chrome.storage

const chromeAreas = () => ({ local: globalThis.chrome?.storage?.local, managed: globalThis.chrome?.storage?.managed });

/** Managed policy values, {} when there is no policy or it cannot be read. */
export async function readManaged(area = chromeAreas().managed) {
  if (!area) return {};
  try {
    const v = await area.get(null);
    return isObject(v) ? v : {};
  } catch {
    return {}; // no policy for this extension (or not policy-installed): nothing managed
  }
}

/** The settings in force now (see mergeSettings), read from chrome.storage. */
export async function effectiveSettings(areas = chromeAreas()) {
  const local = areas.local ? await areas.local.get(LOCAL_KEYS) : {};
  const managed = await readManaged(areas.managed);
  return mergeSettings(local, managed);
}

/**
 * Calls `callback(effective, {area, keys})` whenever local settings or the
 * policy change. Returns a function that removes the listener.
 */
export function onSettingsChanged(callback, { onChanged = globalThis.chrome?.storage?.onChanged, areas = chromeAreas() } = {}) {
  const listener = (changes, area) => {
    const keys = Object.keys(changes);
    if (area === 'managed' || (area === 'local' && keys.some((k) => LOCAL_KEYS.includes(k)))) {
      effectiveSettings(areas).then((s) => callback(s, { area, keys }), () => {});
    }
  };
  onChanged.addListener(listener);
  return () => onChanged.removeListener(listener);
}

/**
 * Fetches the policy's playbook URL (if the policy names one) into
 * `linesman.managedPlaybook.v1` = {url, json, playbookId, version, fetchedAt,
 * lastAttemptAt, error}. A failed fetch or an invalid document keeps the
 * copy already cached for that URL (with `error` set), so a web server
 * outage never leaves agents without their playbook. `validate(jsonText)`
 * may reject (e.g. the engine in the offscreen document); its message is
 * stored as the error. Returns the cache record, or null when the policy
 * names no URL (the cache is then removed).
 */
export async function refreshManagedPlaybook({
  areas = chromeAreas(),
  fetchImpl = (...a) => fetch(...a),
  now = Date.now,
  validate = null,
  timeoutMs = 20_000,
} = {}) {
  const managed = await readManaged(areas.managed);
  const p = managed.playbook !== undefined && managed.playbook !== null ? parsePolicyPlaybook(managed.playbook) : null;
  if (!p || p.source !== 'url') {
    const had = (await areas.local.get(KEYS.managedPlaybook))[KEYS.managedPlaybook];
    if (had !== undefined) await areas.local.remove(KEYS.managedPlaybook);
    return null;
  }
  const prev = (await areas.local.get(KEYS.managedPlaybook))[KEYS.managedPlaybook];
  const base = isObject(prev) && prev.url === p.url ? prev : { url: p.url, json: null, playbookId: null, version: null, fetchedAt: null };
  const t = now();
  let record;
  try {
    const text = await fetchText(fetchImpl, p.url, timeoutMs);
    const info = playbookHeader(text);
    if (validate) await validate(text);
    record = { ...base, url: p.url, json: text, playbookId: info.playbookId, version: info.version, fetchedAt: t, lastAttemptAt: t, error: null };
  } catch (e) {
    record = { ...base, lastAttemptAt: t, error: String(e?.message ?? e) };
  }
  await areas.local.set({ [KEYS.managedPlaybook]: record });
  return record;
}

async function fetchText(fetchImpl, url, timeoutMs) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetchImpl(url, { credentials: 'omit', cache: 'no-cache', signal: ac.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if (res.url && !isHttpsUrl(res.url)) throw new Error(`redirected to a non-https URL: ${res.url}`);
    const text = await res.text();
    if (text.length > MAX_PLAYBOOK_CHARS) throw new Error(`playbook larger than ${MAX_PLAYBOOK_CHARS} characters`);
    return text;
  } catch (e) {
    if (ac.signal.aborted) throw ac.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `playbook` and `version` fields of a playbook text; throws a message
 * with the line and column when it is not JSON (the engine reports the rest).
 */
export function playbookHeader(text) {
  let v;
  try { v = JSON.parse(text); } catch (e) { throw new Error(`invalid JSON: ${jsonErrorWhere(text, e)}`); }
  if (!isObject(v)) throw new Error('a playbook is a JSON object');
  return { playbookId: typeof v.playbook === 'string' ? v.playbook : null, version: typeof v.version === 'string' ? v.version : null };
}

/** A JSON.parse error with the line and column of the first bad character. */
export function jsonErrorWhere(text, err) {
  const msg = String(err?.message ?? err).replace(/\s*\(line \d+ column \d+\)/, '');
  const pos = jsonErrorOffset(text);
  if (pos === null) return msg;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line} column ${column}: ${msg}`;
}

/**
 * Offset of the first syntax error in a JSON text (null when it parses):
 * V8's JSON.parse messages do not always say where, and an agent fixing a
 * file needs the place.
 */
export function jsonErrorOffset(t) {
  let i = 0;
  const ws = () => { while (i < t.length && ' \t\n\r'.includes(t[i])) i++; };
  const fail = () => { throw i; };
  const lit = (w) => { if (t.startsWith(w, i)) i += w.length; else fail(); };
  const str = () => {
    i++; // opening quote
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 32) fail();
      if (c === 92) {
        i++;
        if (t[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) fail(); i += 5; }
        else if ('"\\/bfnrt'.includes(t[i]) && i < t.length) i++;
        else fail();
      } else i++;
    }
    fail();
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(i, i + 400));
    if (!m || !m[0] || m[0] === '-') fail();
    i += m[0].length;
  };
  const value = (depth) => {
    if (depth > 512) fail();
    ws();
    const c = t[i];
    if (c === '{') {
      i++; ws();
      if (t[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (t[i] !== '"') fail();
        str(); ws();
        if (t[i] !== ':') fail();
        i++;
        value(depth + 1); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === '}') { i++; return; }
        fail();
      }
    }
    if (c === '[') {
      i++; ws();
      if (t[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === ']') { i++; return; }
        fail();
      }
    }
    if (c === '"') return str();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    fail();
  };
  try {
    if (t.charCodeAt(0) === 0xfeff) i = 1;
    value(0); ws();
    return i < t.length ? i : null;
  } catch (pos) {
    if (typeof pos !== 'number') throw pos;
    return Math.min(pos, t.length);
  }
}

// ---------------------------------------------------------------- export/import

/**
 * The settings file for `local` (what chrome.storage.local.get returns):
 * the user's own settings, sites and adapters, never the policy's. The
 * destination secret is left out unless `includeSecret`.
 */
export function exportSettings(local = {}, { includeSecret = false, now = Date.now } = {}) {
  const s = isObject(local[KEYS.settings]) ? clone(local[KEYS.settings]) : {};
  const settings = {
    playbook: s.playbook ?? { ...DEFAULT_PLAYBOOK },
    model: s.model ?? DEFAULT_MODEL,
    destination: s.destination ?? null,
  };
  if (settings.destination && !includeSecret) delete settings.destination.secret;
  return {
    type: SETTINGS_FILE_TYPE,
    version: 1,
    exportedAt: new Date(now()).toISOString(),
    settings,
    sites: isObject(local[KEYS.sites]) ? clone(local[KEYS.sites]) : {},
    adapters: isObject(local[KEYS.adapters]) ? clone(local[KEYS.adapters]) : {},
  };
}

/**
 * Checks a parsed settings file. Returns {value, problems}: `value` is the
 * cleaned file when there is no problem, else null (nothing may be written).
 * The playbook's content is not judged here; the options page runs it
 * through the engine before writing.
 */
export function validateSettingsFile(obj, { builtins = null, canParse = canParseSelector } = {}) {
  const problems = [];
  const bad = (path, message) => problems.push({ path, message });
  if (!isObject(obj)) return { value: null, problems: [{ path: '/', message: 'expected a Linesman settings file (a JSON object)' }] };
  for (const k of Object.keys(obj)) if (!['type', 'version', 'exportedAt', 'settings', 'sites', 'adapters'].includes(k)) bad(`/${esc(k)}`, 'unknown field');
  if (obj.type !== SETTINGS_FILE_TYPE) bad('/type', `expected "${SETTINGS_FILE_TYPE}", got ${JSON.stringify(obj.type)}`);
  if (obj.version !== 1) bad('/version', `expected 1, got ${JSON.stringify(obj.version)}`);
  if (obj.exportedAt !== undefined && typeof obj.exportedAt !== 'string') bad('/exportedAt', 'expected a date string');
  const s = obj.settings;
  if (!isObject(s)) bad('/settings', 'expected {playbook, model, destination}');
  else {
    for (const k of Object.keys(s)) if (!['playbook', 'model', 'destination'].includes(k)) bad(`/settings/${esc(k)}`, 'unknown field');
    if (s.playbook !== undefined) problems.push(...validatePlaybookChoice(s.playbook, '/settings/playbook', { builtins }));
    if (s.model !== undefined && !MODELS.includes(s.model)) bad('/settings/model', `expected one of ${MODELS.join(', ')}, got ${JSON.stringify(s.model)}`);
    if (s.destination !== undefined) problems.push(...validateDestination(s.destination, '/settings/destination'));
  }
  if (obj.sites !== undefined) problems.push(...validateSites(obj.sites, '/sites'));
  if (obj.adapters !== undefined) problems.push(...validateAdapters(obj.adapters, '/adapters', { canParse }));
  if (problems.length) return { value: null, problems };
  const value = {
    type: SETTINGS_FILE_TYPE,
    version: 1,
    settings: {
      playbook: clone(s.playbook) ?? { ...DEFAULT_PLAYBOOK },
      model: s.model ?? DEFAULT_MODEL,
      destination: s.destination ? { kind: s.destination.kind, url: s.destination.url, ...(s.destination.secret ? { secret: s.destination.secret } : {}) } : null,
    },
    sites: Object.fromEntries(Object.entries(obj.sites ?? {}).map(([o, v]) => [o, { enabled: v.enabled, adapter: v.adapter }])),
    adapters: Object.fromEntries(Object.entries(obj.adapters ?? {}).map(([o, a]) => [o, cleanAdapter(a)])),
  };
  return { value, problems: [] };
}

/**
 * The chrome.storage.local items that importing `value` (from
 * validateSettingsFile) writes. A file exported without its secret keeps
 * the secret already stored for the same destination, so exporting and
 * re-importing does not silently break signed delivery.
 */
export function importedItems(value, currentLocal = {}) {
  const settings = clone(value.settings);
  const cur = isObject(currentLocal[KEYS.settings]) ? currentLocal[KEYS.settings].destination : null;
  if (settings.destination && !settings.destination.secret && isObject(cur) && cur.secret
      && cur.kind === settings.destination.kind && cur.url === settings.destination.url) {
    settings.destination.secret = cur.secret;
  }
  return {
    [KEYS.settings]: settings,
    [KEYS.sites]: clone(value.sites),
    [KEYS.adapters]: clone(value.adapters),
  };
}
