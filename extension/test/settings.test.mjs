// Tests for the settings module: merging local and managed settings,
// validating adapters, settings files and policy values, export/import, and
// the managed-playbook cache. Run: node --test extension/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  KEYS, DEFAULT_PLAYBOOK, POLICY_KEYS, mergeSettings, validateAdapter, validateSettingsFile, exportSettings,
  importedItems, normalizeOrigin, canParseSelector, parsePolicyPlaybook, effectiveSettings, onSettingsChanged,
  refreshManagedPlaybook, jsonErrorWhere, jsonErrorOffset, playbookHeader, permissionPattern,
} from '../src/settings.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const ADAPTER = Object.freeze({
  id: 'custom', name: 'Acme desk', detect: '.chat-log', list: '.chat-log', message: '.entry',
  customer: '.entry--them', agent: '.entry--me', text: '.entry__body', ignore: null,
  time: { selector: 'time', attr: 'datetime' }, compose: '#reply', conversation: { selector: '.peer-name', attr: null },
});

function memArea(initial = {}) {
  const m = new Map(Object.entries(initial));
  return {
    m,
    async get(keys) {
      if (keys === null || keys === undefined) return Object.fromEntries(m);
      const list = Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => m.has(k)).map((k) => [k, structuredClone(m.get(k))]));
    },
    async set(items) { for (const [k, v] of Object.entries(items)) m.set(k, structuredClone(v)); },
    async remove(k) { m.delete(k); },
  };
}
const failingManaged = { get: async () => { throw new Error('Managed storage manifest not found'); } };
const paths = (problems) => problems.map((p) => p.path);

// ------------------------------------------------------------ origins and selectors

test('normalizeOrigin keeps http(s) origins and refuses the rest', () => {
  const cases = [
    ['https://chat.example.com', 'https://chat.example.com'],
    ['https://chat.example.com/desk/?q=1', 'https://chat.example.com'],
    ['  http://127.0.0.1:8791/ ', 'http://127.0.0.1:8791'],
    ['https://CHAT.Example.com:443', 'https://chat.example.com'],
    ['ftp://x.com', null],
    ['https://*.example.com', null],
    ['https://user:pw@x.com', null],
    ['chat.example.com', null],
    ['javascript:alert(1)', null],
    ['', null],
    [42, null],
  ];
  for (const [input, want] of cases) assert.equal(normalizeOrigin(input), want, JSON.stringify(input));
});

// Regression: the options page asked for host:port while the service worker
// checked the host, so a site with a port never got its content script.
test('permissionPattern: one pattern per host, all ports, for asking and checking alike', () => {
  const cases = [
    ['http://127.0.0.1:8791', 'http://127.0.0.1/*'],
    ['http://127.0.0.1', 'http://127.0.0.1/*'],
    ['https://chat.example.com', 'https://chat.example.com/*'],
    ['https://chat.example.com:8443', 'https://chat.example.com/*'],
    ['http://[::1]:3000', 'http://[::1]/*'],
  ];
  for (const [origin, want] of cases) assert.equal(permissionPattern(origin), want, origin);
});

test('canParseSelector without a DOM: syntax check', () => {
  const ok = ['.a', 'div.msg > .body', '[data-x="a,b]"]', 'a:not(.b, .c)', '#reply', 'li + li', 'a ~ b', '.x\\:y', ':is(.a,.b) .c'];
  const bad = ['', '   ', '.a >', '> .a', '.a,,.b', '.a,', '[data-x', 'a:not(.b', '"open', '.a { color: red }', 'a;b', '.a > > .b', '[]', ')'];
  for (const s of ok) assert.equal(canParseSelector(s), true, s);
  for (const s of bad) assert.equal(canParseSelector(s), false, s);
});

// ------------------------------------------------------------ adapters

test('validateAdapter: a complete adapter has no problems', () => {
  assert.deepEqual(validateAdapter(ADAPTER), []);
  assert.deepEqual(validateAdapter({ ...ADAPTER, text: undefined, time: null, conversation: undefined, ignore: undefined }), []);
  assert.deepEqual(validateAdapter({ ...ADAPTER, conversation: { selector: '#conv [aria-current="true"]', attr: 'data-conv', title: '#chat-title' } }), []);
});

test('validateAdapter: every problem with its JSON path', () => {
  const cases = [
    [null, ['/']],
    [[], ['/']],
    [{ ...ADAPTER, id: 'demo' }, ['/id']],
    [{ ...ADAPTER, list: undefined }, ['/list']],
    [{ ...ADAPTER, message: '' }, ['/message']],
    [{ ...ADAPTER, compose: 7 }, ['/compose']],
    [{ ...ADAPTER, customer: '.a >' }, ['/customer']],
    [{ ...ADAPTER, agent: '.entry--them' }, ['/agent']],
    [{ ...ADAPTER, text: '[x' }, ['/text']],
    [{ ...ADAPTER, time: 'time' }, ['/time']],
    [{ ...ADAPTER, time: { selector: '', attr: 'datetime' } }, ['/time/selector']],
    [{ ...ADAPTER, conversation: { selector: '.x', attr: 'bad attr' } }, ['/conversation/attr']],
    [{ ...ADAPTER, conversation: { selector: '.x', attr: null, extra: 1 } }, ['/conversation/extra']],
    [{ ...ADAPTER, conversation: { selector: '.x', attr: 'data-id', title: '#t >' } }, ['/conversation/title']],
    [{ ...ADAPTER, colour: 'red' }, ['/colour']],
    [{ ...ADAPTER, name: 'x'.repeat(201) }, ['/name']],
    [{ ...ADAPTER, detect: 'a'.repeat(1001) }, ['/detect']],
    [{ id: 'custom' }, ['/detect', '/list', '/message', '/customer', '/agent', '/compose']],
  ];
  for (const [input, want] of cases) assert.deepEqual(paths(validateAdapter(input)), want, JSON.stringify(input));
});

test('validateAdapter uses the canParse callback when given', () => {
  const seen = [];
  const problems = validateAdapter(ADAPTER, { canParse: (s) => { seen.push(s); return s !== '#reply'; } });
  assert.deepEqual(paths(problems), ['/compose']);
  assert.ok(seen.includes('.entry--them') && seen.includes('time') && seen.includes('.peer-name'));
});

// ------------------------------------------------------------ merging

const local = (settings, sites, adapters, extra = {}) => ({
  ...(settings !== undefined ? { [KEYS.settings]: settings } : {}),
  ...(sites !== undefined ? { [KEYS.sites]: sites } : {}),
  ...(adapters !== undefined ? { [KEYS.adapters]: adapters } : {}),
  ...extra,
});

test('mergeSettings: defaults when nothing is stored', () => {
  const s = mergeSettings({}, {});
  assert.deepEqual(s.playbook, DEFAULT_PLAYBOOK);
  assert.equal(s.model, 'bundled');
  assert.equal(s.destination, null);
  assert.deepEqual(s.sites, {});
  assert.deepEqual(s.adapters, {});
  assert.equal(s.managed.any, false);
  for (const k of ['playbook', 'model', 'destination', 'sites', 'adapters']) assert.equal(s.managed[k], false, k);
  assert.deepEqual(s.problems, []);
});

test('mergeSettings: local values when there is no policy', () => {
  const pb = { source: 'file', name: 'team.json', json: '{"playbook":"t","version":"2"}', playbookId: 't', version: '2', savedAt: 1 };
  const s = mergeSettings(local(
    { playbook: pb, model: 'none', destination: { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x' } },
    { 'https://chat.example.com': { enabled: true, adapter: 'custom' }, 'http://127.0.0.1:8791': { enabled: false, adapter: 'demo' } },
    { 'https://chat.example.com': ADAPTER },
  ), {});
  assert.equal(s.playbook.source, 'file');
  assert.equal(s.playbook.json, pb.json);
  assert.equal(s.playbook.playbookId, 't');
  assert.equal(s.model, 'none');
  assert.equal(s.destination.kind, 'slack');
  assert.deepEqual(s.sites, { 'https://chat.example.com': { enabled: true, adapter: 'custom' }, 'http://127.0.0.1:8791': { enabled: false, adapter: 'demo' } });
  assert.equal(s.adapters['https://chat.example.com'].list, '.chat-log');
  assert.deepEqual(s.problems, []);
});

test('mergeSettings: invalid local values fall back to defaults and are reported', () => {
  const s = mergeSettings(local(
    { playbook: { source: 'disk' }, model: 'huge', destination: { kind: 'webhook', url: 'http://hooks.example.com/x' } },
    { 'https://ok.example.com': { enabled: true, adapter: 'custom' }, 'not an origin': { enabled: true, adapter: 'auto' }, 'https://b.example.com': { enabled: 'yes', adapter: 'auto' } },
    { 'https://ok.example.com': { ...ADAPTER, list: '[broken' } },
  ), {});
  assert.deepEqual(s.playbook, DEFAULT_PLAYBOOK);
  assert.equal(s.model, 'bundled');
  assert.equal(s.destination, null);
  // custom without a usable adapter: detect automatically
  assert.deepEqual(s.sites, { 'https://ok.example.com': { enabled: true, adapter: 'auto' } });
  assert.deepEqual(s.adapters, {});
  assert.deepEqual(paths(s.problems).sort(), [
    '/local/adapters/https:~1~1ok.example.com/list',
    '/local/destination/url',
    '/local/model',
    '/local/playbook/source',
    '/local/sites/https:~1~1b.example.com/enabled',
    '/local/sites/not an origin',
  ].sort());
});

test('mergeSettings: managed values win and are marked', () => {
  const managed = {
    playbook: 'bank-zh',
    model: 'none',
    destination: { kind: 'webhook', url: 'https://flags.example.com/in', secret: 's3cret' },
    sites: ['https://desk.example.com/app', 'https://chat.example.com'],
    adapters: { 'https://desk.example.com': { ...ADAPTER, id: undefined } },
  };
  const s = mergeSettings(local(
    { playbook: { source: 'builtin', id: 'retail-en' }, model: 'bundled', destination: { kind: 'slack', url: 'https://hooks.slack.com/x' } },
    { 'https://chat.example.com': { enabled: false, adapter: 'chatscope' }, 'https://mine.example.com': { enabled: true, adapter: 'auto' } },
    { 'https://mine.example.com': ADAPTER },
  ), managed);
  assert.deepEqual(s.playbook, { source: 'builtin', id: 'bank-zh' });
  assert.equal(s.model, 'none');
  assert.deepEqual(s.destination, { kind: 'webhook', url: 'https://flags.example.com/in', secret: 's3cret' });
  assert.deepEqual(s.sites, {
    'https://chat.example.com': { enabled: true, adapter: 'chatscope', managed: true }, // on, but the user's adapter choice stays
    'https://mine.example.com': { enabled: true, adapter: 'auto' },
    'https://desk.example.com': { enabled: true, adapter: 'custom', managed: true },
  });
  assert.deepEqual(Object.keys(s.adapters).sort(), ['https://desk.example.com', 'https://mine.example.com']);
  assert.equal(s.managed.playbook && s.managed.model && s.managed.destination, true);
  assert.equal(s.managed.sites, false); // the user may still add sites
  assert.deepEqual(s.managed.siteOrigins, ['https://desk.example.com', 'https://chat.example.com']);
  assert.deepEqual(s.managed.adapterOrigins, ['https://desk.example.com']);
  assert.equal(s.managed.any, true);
  assert.deepEqual(s.problems, []);
});

test('mergeSettings: allowUserChanges false ignores every local value', () => {
  const s = mergeSettings(local(
    { playbook: { source: 'builtin', id: 'retail-en' }, model: 'none', destination: { kind: 'slack', url: 'https://hooks.slack.com/x' } },
    { 'https://mine.example.com': { enabled: true, adapter: 'auto' } },
    { 'https://mine.example.com': ADAPTER },
  ), { allowUserChanges: false, sites: ['https://desk.example.com'] });
  assert.deepEqual(s.playbook, DEFAULT_PLAYBOOK);
  assert.equal(s.model, 'bundled');
  assert.equal(s.destination, null);
  assert.deepEqual(s.sites, { 'https://desk.example.com': { enabled: true, adapter: 'auto', managed: true } });
  assert.deepEqual(s.adapters, {});
  for (const k of ['playbook', 'model', 'destination', 'sites', 'adapters']) assert.equal(s.managed[k], true, k);
  assert.equal(s.managed.allowUserChanges, false);
});

test('mergeSettings: invalid policy values stay locked at the default and are reported', () => {
  const s = mergeSettings(local({ model: 'none', destination: { kind: 'slack', url: 'https://hooks.slack.com/x' } }), {
    playbook: 'ftp://x/p.json',
    model: 'large',
    destination: { kind: 'webhook', url: 'http://flags.example.com' },
    sites: ['https://ok.example.com', '*.bad'],
    adapters: { 'https://ok.example.com': { list: '.x' } },
  });
  assert.deepEqual(s.playbook, DEFAULT_PLAYBOOK);
  assert.equal(s.model, 'bundled');
  assert.equal(s.destination, null);
  assert.equal(s.managed.model && s.managed.destination && s.managed.playbook, true);
  assert.deepEqual(s.sites, { 'https://ok.example.com': { enabled: true, adapter: 'auto', managed: true } });
  const got = paths(s.problems);
  for (const p of ['/managed/playbook', '/managed/model', '/managed/destination/url', '/managed/sites/1', '/managed/adapters/https:~1~1ok.example.com/detect']) {
    assert.ok(got.includes(p), `${p} in ${got}`);
  }
});

test('policy playbook: builtin id, https URL or JSON text', () => {
  const cases = [
    ['retail-en', { source: 'builtin', id: 'retail-en' }],
    ['  {"playbook":"x"} ', { source: 'policy', json: '{"playbook":"x"}' }],
    ['https://cdn.example.com/pb.json', { source: 'url', url: 'https://cdn.example.com/pb.json' }],
    ['http://cdn.example.com/pb.json', 'problem'],
    ['Retail ZH', 'problem'],
    ['', 'problem'],
    [3, 'problem'],
  ];
  for (const [input, want] of cases) {
    const got = parsePolicyPlaybook(input);
    if (want === 'problem') assert.ok(got.problem, JSON.stringify(input));
    else assert.deepEqual(got, want);
  }
});

test('mergeSettings: a policy playbook URL uses the cached copy, else the default meanwhile', () => {
  const url = 'https://cdn.example.com/pb.json';
  let s = mergeSettings({}, { playbook: url });
  assert.equal(s.playbook.source, 'builtin');
  assert.equal(s.playbook.pendingUrl, url);
  assert.equal(s.managed.playbook, true);
  s = mergeSettings({ [KEYS.managedPlaybook]: { url, json: '{"playbook":"p"}', playbookId: 'p', version: '3', fetchedAt: 5, error: 'HTTP 503' } }, { playbook: url });
  assert.equal(s.playbook.source, 'url');
  assert.equal(s.playbook.json, '{"playbook":"p"}');
  assert.equal(s.playbook.version, '3');
  assert.equal(s.playbook.error, 'HTTP 503');
  // a cache for another URL is not used
  s = mergeSettings({ [KEYS.managedPlaybook]: { url: 'https://old.example.com/x.json', json: '{}' } }, { playbook: url });
  assert.equal(s.playbook.source, 'builtin');
});

// ------------------------------------------------------------ chrome.storage wrappers

test('effectiveSettings: a managed area that cannot be read means nothing is managed', async () => {
  const areas = { local: memArea({ [KEYS.settings]: { model: 'none' } }), managed: failingManaged };
  const s = await effectiveSettings(areas);
  assert.equal(s.model, 'none');
  assert.equal(s.managed.any, false);
  const s2 = await effectiveSettings({ local: areas.local, managed: memArea({ model: 'bundled' }) });
  assert.equal(s2.model, 'bundled');
  assert.equal(s2.managed.model, true);
});

test('onSettingsChanged: fires for our keys and for the policy, not for others', async () => {
  let listener;
  const onChanged = { addListener: (f) => { listener = f; }, removeListener: (f) => { if (listener === f) listener = null; } };
  const areas = { local: memArea(), managed: memArea() };
  const calls = [];
  const off = onSettingsChanged((s, info) => calls.push(info), { onChanged, areas });
  listener({ 'linesman.outbox.v1': {} }, 'local');
  listener({ [KEYS.sites]: {} }, 'local');
  listener({ model: {} }, 'managed');
  listener({ [KEYS.sites]: {} }, 'sync');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(calls, [{ area: 'local', keys: [KEYS.sites] }, { area: 'managed', keys: ['model'] }]);
  off();
  assert.equal(listener, null);
});

test('refreshManagedPlaybook: caches, keeps the last good copy, drops the cache without a URL policy', async () => {
  const url = 'https://cdn.example.com/pb.json';
  const local = memArea();
  const managed = memArea({ playbook: url });
  let reply = { status: 200, body: '{"playbook":"team","version":"4"}' };
  const fetchImpl = async (u, init) => {
    assert.equal(u, url);
    assert.equal(init.credentials, 'omit');
    if (reply instanceof Error) throw reply;
    return { ok: reply.status < 300, status: reply.status, url: u, text: async () => reply.body };
  };
  let t = 1000;
  const now = () => t;
  let rec = await refreshManagedPlaybook({ areas: { local, managed }, fetchImpl, now });
  assert.deepEqual(rec, { url, json: reply.body, playbookId: 'team', version: '4', fetchedAt: 1000, lastAttemptAt: 1000, error: null });

  // server down: the good copy stays, the error is recorded
  t = 2000;
  reply = new TypeError('Failed to fetch');
  rec = await refreshManagedPlaybook({ areas: { local, managed }, fetchImpl, now });
  assert.equal(rec.json, '{"playbook":"team","version":"4"}');
  assert.equal(rec.fetchedAt, 1000);
  assert.equal(rec.lastAttemptAt, 2000);
  assert.match(rec.error, /Failed to fetch/);
  let s = await effectiveSettings({ local, managed });
  assert.equal(s.playbook.source, 'url');
  assert.equal(s.playbook.playbookId, 'team');

  // not JSON, an HTTP error, a validator refusal: all keep the good copy
  for (const [r, validate, re] of [
    [{ status: 200, body: '{"playbook": oops}' }, null, /invalid JSON.*line 1 column/],
    [{ status: 404, body: 'nope' }, null, /HTTP 404/],
    [{ status: 200, body: '{"playbook":"bad"}' }, async () => { throw new Error('invalid playbook: /version: required'); }, /invalid playbook/],
  ]) {
    reply = r;
    rec = await refreshManagedPlaybook({ areas: { local, managed }, fetchImpl, now, validate });
    assert.match(rec.error, re);
    assert.equal(rec.playbookId, 'team');
  }

  // the policy changes to a built-in: the cache goes
  await managed.set({ playbook: 'retail-en' });
  assert.equal(await refreshManagedPlaybook({ areas: { local, managed }, fetchImpl, now }), null);
  assert.equal(local.m.has(KEYS.managedPlaybook), false);
  s = await effectiveSettings({ local, managed });
  assert.deepEqual(s.playbook, { source: 'builtin', id: 'retail-en' });
});

test('jsonErrorWhere and playbookHeader report line and column', () => {
  const text = '{\n  "playbook": "x",\n  oops\n}';
  let err;
  try { JSON.parse(text); } catch (e) { err = e; }
  assert.match(jsonErrorWhere(text, err), /line 3 column 3/);
  assert.throws(() => playbookHeader(text), /invalid JSON: .*line 3 column 3/);
  assert.throws(() => playbookHeader('[1]'), /JSON object/);
  assert.deepEqual(playbookHeader('{"playbook":"a","version":"1.2"}'), { playbookId: 'a', version: '1.2' });
});

test('jsonErrorOffset: where JSON.parse fails, null where it does not', () => {
  const cases = [
    ['{"a": [1, 2.5e3, -0, true, false, null, "x\\u00e9\\n"]}', null],
    [' {"a": {}} ', null],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['{"a": 01}', 7],
    ['[1 2]', 3],
    ['{"a": "x', 8],
    ['{"a": tru}', 6],
    ['{} x', 3],
    ['', 0],
    ['{"a": "\\q"}', 8],
  ];
  for (const [text, want] of cases) {
    let parses = true;
    try { JSON.parse(text); } catch { parses = false; }
    assert.equal(parses, want === null, `JSON.parse agrees on ${text}`);
    assert.equal(jsonErrorOffset(text), want, text);
  }
});

// ------------------------------------------------------------ export and import

const STORED = local(
  { playbook: { source: 'url', name: 'team', url: 'https://cdn.example.com/team.json', json: '{"playbook":"team","version":"1"}', playbookId: 'team', version: '1', savedAt: 7 },
    model: 'none', destination: { kind: 'webhook', url: 'https://flags.example.com/in', secret: 'top-secret' } },
  { 'https://chat.example.com': { enabled: true, adapter: 'custom' } },
  { 'https://chat.example.com': ADAPTER },
  { 'linesman.outbox.v1': { items: [{ id: 'x' }] } },
);

test('exportSettings: the secret only when asked, never the outbox', () => {
  const without = exportSettings(STORED, { now: () => 0 });
  assert.equal(without.type, 'linesman.settings');
  assert.equal(without.version, 1);
  assert.equal(without.exportedAt, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(without.settings.destination, { kind: 'webhook', url: 'https://flags.example.com/in' });
  assert.equal(JSON.stringify(without).includes('top-secret'), false);
  assert.equal(JSON.stringify(without).includes('outbox'), false);
  const withSecret = exportSettings(STORED, { includeSecret: true });
  assert.equal(withSecret.settings.destination.secret, 'top-secret');
  // the stored value was not modified by leaving the secret out
  assert.equal(STORED[KEYS.settings].destination.secret, 'top-secret');
  const empty = exportSettings({});
  assert.deepEqual(empty.settings, { playbook: DEFAULT_PLAYBOOK, model: 'bundled', destination: null });
});

test('export then import round-trips', () => {
  for (const includeSecret of [false, true]) {
    const file = JSON.parse(JSON.stringify(exportSettings(STORED, { includeSecret })));
    const { value, problems } = validateSettingsFile(file);
    assert.deepEqual(problems, []);
    const items = importedItems(value, STORED);
    assert.deepEqual(items[KEYS.settings], STORED[KEYS.settings]); // the secret kept for the same destination
    assert.deepEqual(items[KEYS.sites], STORED[KEYS.sites]);
    assert.deepEqual(items[KEYS.adapters], STORED[KEYS.adapters]);
    // into a fresh browser the secret-less file stays secret-less
    const fresh = importedItems(value, {});
    assert.equal(fresh[KEYS.settings].destination.secret, includeSecret ? 'top-secret' : undefined);
  }
});

test('validateSettingsFile: every problem with its path, no value', () => {
  const good = exportSettings(STORED, { includeSecret: true });
  const cases = [
    [[], ['/']],
    [{ ...good, type: 'other' }, ['/type']],
    [{ ...good, version: 2 }, ['/version']],
    [{ ...good, extra: 1 }, ['/extra']],
    [{ ...good, settings: { ...good.settings, model: 'big' } }, ['/settings/model']],
    [{ ...good, settings: { ...good.settings, destination: { kind: 'webhook', url: 'http://flags.example.com' } } }, ['/settings/destination/url']],
    [{ ...good, settings: { ...good.settings, destination: { kind: 'pager', url: 'https://x.com' } } }, ['/settings/destination/kind']],
    [{ ...good, settings: { ...good.settings, playbook: { source: 'builtin', id: 'nope' } } }, ['/settings/playbook/id'], { builtins: ['retail-zh'] }],
    [{ ...good, settings: { ...good.settings, playbook: { source: 'url', url: 'http://x.com/p.json', json: '{}' } } }, ['/settings/playbook/url']],
    [{ ...good, settings: { ...good.settings, playbook: { source: 'file', name: 'x' } } }, ['/settings/playbook/json']],
    [{ ...good, sites: { 'https://chat.example.com/': { enabled: true, adapter: 'auto' } } }, ['/sites/https:~1~1chat.example.com~1']],
    [{ ...good, sites: { 'https://a.com': { enabled: true, adapter: 'magic' } } }, ['/sites/https:~1~1a.com/adapter']],
    [{ ...good, adapters: { 'https://a.com': { ...ADAPTER, message: 'div[' } } }, ['/adapters/https:~1~1a.com/message']],
  ];
  for (const [input, want, opts] of cases) {
    const { value, problems } = validateSettingsFile(input, opts);
    assert.equal(value, null, JSON.stringify(input));
    assert.deepEqual(paths(problems), want, JSON.stringify(input));
  }
  // several problems at once are all listed
  const many = validateSettingsFile({ ...good, version: 0, settings: { model: 'x', destination: 5 } });
  assert.deepEqual(paths(many.problems), ['/version', '/settings/model', '/settings/destination']);
});

// ------------------------------------------------------------ managed_schema.json

test('managed_schema.json follows Chrome\'s rules and names every policy', async () => {
  const schema = JSON.parse(await readFile(path.join(here, '../managed_schema.json'), 'utf8'));
  assert.equal(schema.type, 'object');
  assert.equal('additionalProperties' in schema, false);
  assert.equal('patternProperties' in schema, false);
  assert.deepEqual(Object.keys(schema.properties).sort(), [...POLICY_KEYS].sort());
  const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'];
  const walk = (s, at) => {
    assert.ok(('$ref' in s) !== ('type' in s), `${at}: exactly one of $ref or type`);
    if (s.type) assert.ok(TYPES.includes(s.type), `${at}: type ${s.type}`);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${at}/properties/${k}`);
    if (s.items) walk(s.items, `${at}/items`);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}/additionalProperties`);
  };
  walk(schema, '');
  // the adapter fields the policy can carry are the ones validateAdapter knows
  const adapterProps = Object.keys(schema.properties.adapters.additionalProperties.properties);
  const full = Object.fromEntries(adapterProps.map((k) => [k, ADAPTER[k] ?? 'x']));
  assert.deepEqual(validateAdapter({ ...full, id: 'custom', ignore: '.system' }), []);
  assert.deepEqual(schema.properties.destination.properties.kind.enum, ['webhook', 'slack', 'teams', 'wecom', 'dingtalk', 'feishu']);
});
