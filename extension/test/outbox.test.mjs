// Tests for the flag outbox, over real HTTP to a receiver on 127.0.0.1.
// Run: node --test extension/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, writeFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  createOutbox, formatRequest, findUnmaskedPii, backoffDelay, normalizeFlag, BACKOFF, STORAGE_KEY,
} from '../src/outbox.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(await readFile(path.join(here, '../schema/flag.schema.json'), 'utf8'));
const SECRET = 'test-secret-Ω';

// ------------------------------------------------------------ helpers

function memStorage() {
  const m = new Map();
  return { get: async (k) => m.get(k), set: async (k, v) => { m.set(k, v); }, m };
}

// File-backed like chrome.storage.local: survives a "restart" (new outbox).
function fileStorage(file) {
  const readAll = async () => { try { return JSON.parse(await readFile(file, 'utf8')); } catch { return {}; } };
  return {
    get: async (k) => (await readAll())[k],
    set: async (k, v) => {
      const all = await readAll();
      all[k] = v;
      await writeFile(`${file}.tmp`, JSON.stringify(all));
      await rename(`${file}.tmp`, file); // atomic, like a real store
    },
  };
}

// Receiver that verifies the signature and dedupes by Idempotency-Key.
// mode: 'ok' | '503' | '400' | 'ack-lost' (records, then drops the socket:
// the sender never learns it arrived and must retry) | 'hang'.
async function startReceiver({ secret = SECRET, port = 0 } = {}) {
  const r = {
    mode: 'ok', clock: Date.now, accepted: new Map(), deliveries: 0, badSig: 0, requests: 0, raw: [], delayMs: 0,
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      r.requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      r.raw.push({ headers: req.headers, body, url: req.url });
      if (r.mode === 'hang') return; // never answers
      if (r.mode === '503') { res.writeHead(503).end('maintenance'); return; }
      if (r.mode === '400') { res.writeHead(400).end('bad token'); return; }
      const ts = req.headers['x-linesman-timestamp'];
      const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
      const fresh = Math.abs(r.clock() / 1000 - Number(ts)) < 300;
      if (req.headers['x-linesman-signature'] !== want || !fresh) { r.badSig++; res.writeHead(401).end('bad signature'); return; }
      const key = req.headers['idempotency-key'];
      r.deliveries++;
      if (!r.accepted.has(key)) r.accepted.set(key, JSON.parse(body));
      if (r.delayMs) await new Promise((s) => setTimeout(s, r.delayMs));
      if (r.mode === 'ack-lost') { req.socket.destroy(); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  r.port = server.address().port;
  r.url = `http://127.0.0.1:${r.port}/hook`;
  r.close = () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); });
  return r;
}

// A conversation with raw personal data; flags only ever quote its masked form.
const RAW = {
  mobile: '13812345678',
  id: '11010519491231002X',
  card: '6222020200112233446', // Luhn-valid, checked below
  email: 'zhang.san@example.com',
};
const MASKED = {
  mobile: '138****5678',
  id: '110***********002X',
  card: '6222***********3446',
  email: 'z***@example.com',
};
function flag(i = 0, over = {}) {
  return {
    conversation: `conv-${i}`,
    rule: 'no-blame',
    severity: 'high',
    reason: 'Agent blamed the customer',
    excerpt: `客户电话 ${MASKED.mobile}，卡号 ${MASKED.card}，邮箱 ${MASKED.email}，身份证 ${MASKED.id} (${i})`,
    msg: i,
    at: Date.UTC(2026, 10, 22, 3, 0, i),
    ...over,
  };
}
const dest = (url, kind = 'webhook', secret = SECRET) => ({ kind, url, secret });

// Hand validation against the schema's own keywords (no schema library).
function validate(body) {
  assert.equal(typeof body, 'object');
  for (const k of schema.required) assert.ok(Object.hasOwn(body, k), `missing ${k}`);
  for (const k of Object.keys(body)) assert.ok(Object.hasOwn(schema.properties, k), `extra ${k}`);
  for (const [k, s] of Object.entries(schema.properties)) {
    const v = body[k];
    if ('const' in s) assert.equal(v, s.const, k);
    if (s.enum) assert.ok(s.enum.includes(v), k);
    if (s.type) {
      const types = [].concat(s.type);
      const t = v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v;
      assert.ok(types.includes(t), `${k}: ${t} not in ${types}`);
    }
    if (s.pattern) assert.match(v, new RegExp(s.pattern), k);
    if (s.minLength) assert.ok(v.length >= s.minLength, k);
    if (s.minimum !== undefined && typeof v === 'number') assert.ok(v >= s.minimum, k);
    if (s.format === 'date-time') assert.equal(new Date(v).toISOString(), v, k);
  }
}

const noRawIn = (s) => { for (const v of Object.values(RAW)) assert.ok(!s.includes(v), `raw ${v} leaked`); };

// ------------------------------------------------------------ tests

test('flags arrive signed, with the documented body', async () => {
  const rx = await startReceiver();
  try {
    const ob = createOutbox({ storage: memStorage(), destination: dest(rx.url) });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await ob.enqueue(flag(i)));
    assert.equal((await ob.pending()).length, 3, 'stored before any send');
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
    assert.deepEqual(await ob.flush(), { sent: 3, failed: 0, pending: 0 });
    assert.equal(rx.badSig, 0);
    assert.deepEqual([...rx.accepted.keys()].sort(), [...ids].sort());
    for (const { headers, body } of rx.raw) {
      assert.equal(headers['content-type'], 'application/json');
      assert.match(headers['x-linesman-timestamp'], /^\d{10}$/);
      const b = JSON.parse(body);
      validate(b);
      assert.equal(b.id, headers['idempotency-key']);
      noRawIn(body);
    }
    const first = rx.accepted.get(ids[0]);
    assert.deepEqual(first, {
      type: 'linesman.flag', version: 1, id: ids[0], conversation: 'conv-0', rule: 'no-blame', severity: 'high',
      reason: 'Agent blamed the customer', excerpt: flag(0).excerpt, msg: 0, at: '2026-11-22T03:00:00.000Z',
    });
    assert.equal(await ob.nextDueAt(), null);
  } finally { await rx.close(); }
});

test('a wrong secret is caught by the receiver and the flag is kept', async () => {
  const rx = await startReceiver();
  try {
    const ob = createOutbox({ storage: memStorage(), destination: dest(rx.url, 'webhook', 'other') });
    await ob.enqueue(flag());
    assert.deepEqual(await ob.flush(), { sent: 0, failed: 1, pending: 1 });
    assert.equal(rx.badSig, 1);
    const [it] = await ob.pending();
    assert.match(it.lastError, /^HTTP 401 \(client error.*kept and retried\): bad signature/);
  } finally { await rx.close(); }
});

test('receiver down, outbox restarted: nothing lost, each flag exactly once', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'linesman-outbox-'));
  const file = path.join(dir, 'storage.json');
  let t = Date.now();
  const now = () => t;
  const rx = await startReceiver();
  rx.clock = now; // the receiver's clock moves with the test's
  const port = rx.port;
  let rx2;
  try {
    // 1. Receiver answers 503.
    rx.mode = '503';
    const a = createOutbox({ storage: fileStorage(file), destination: dest(rx.url), now });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await a.enqueue(flag(i)));
    assert.deepEqual(await a.flush(), { sent: 0, failed: 4, pending: 4 });
    assert.match((await a.pending())[0].lastError, /^HTTP 503: maintenance/);
    // Not due yet: a second flush right away sends nothing.
    assert.deepEqual(await a.flush(), { sent: 0, failed: 0, pending: 4 });

    // 2. Receiver takes the flag but the answer is lost: must be retried
    //    and deduped by the receiver on the Idempotency-Key.
    rx.mode = 'ack-lost';
    t = Math.max(...(await a.pending()).map((i) => i.nextAt));
    assert.deepEqual(await a.flush(), { sent: 0, failed: 4, pending: 4 });
    assert.equal(rx.accepted.size, 4);

    // 3. Receiver gone entirely; the service worker restarts (new outbox
    //    over the same file) and more flags come in meanwhile.
    await rx.close();
    const b = createOutbox({ storage: fileStorage(file), destination: dest(rx.url), now });
    assert.equal((await b.pending()).length, 4, 'resumed from storage');
    for (let i = 4; i < 6; i++) ids.push(await b.enqueue(flag(i)));
    t += 60 * 60_000;
    assert.deepEqual(await b.flush(), { sent: 0, failed: 6, pending: 6 });
    for (const it of await b.pending()) assert.match(it.lastError, /^network: /);

    // 4. Back up on the same port, another restart: all delivered.
    rx2 = await startReceiver({ port });
    rx2.accepted = rx.accepted; // same receiver database
    rx2.clock = now;
    const c = createOutbox({ storage: fileStorage(file), destination: dest(rx2.url), now });
    t += 60 * 60_000;
    assert.deepEqual(await c.flush(), { sent: 6, failed: 0, pending: 0 });
    assert.deepEqual(await c.pending(), []);
    assert.equal(rx2.accepted.size, ids.length, 'unique keys = enqueued');
    assert.deepEqual([...rx2.accepted.keys()].sort(), [...ids].sort());
    for (const [key, body] of rx2.accepted) assert.equal(body.id, key);
    assert.equal(rx.deliveries + rx2.deliveries, ids.length + 4, 'the 4 lost acks were retried once each');
    assert.equal(rx2.badSig, 0);
    const stored = JSON.parse(await readFile(file, 'utf8'))[STORAGE_KEY];
    assert.deepEqual(stored.items, []);
  } finally {
    await rx2?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('backoff grows with jitter and is capped', async () => {
  assert.equal(backoffDelay(1, 0), 1_000);
  assert.equal(backoffDelay(1, 1), 2_000);
  assert.equal(backoffDelay(2, 1), 4_000);
  assert.equal(backoffDelay(30, 1), BACKOFF.capMs);
  assert.equal(backoffDelay(1000, 0.999999), BACKOFF.capMs);

  for (const r of [0, 0x7fffffff, 0xffffffff]) {
    let t = 1_000_000;
    const storage = memStorage();
    const ob = createOutbox({
      storage,
      destination: dest('https://hooks.invalid/x'),
      now: () => t,
      fetchImpl: async () => { throw new TypeError('fetch failed'); },
      random: (arr) => (arr instanceof Uint32Array ? arr.fill(r) : globalThis.crypto.getRandomValues(arr)),
    });
    await ob.enqueue(flag());
    const delays = [];
    for (let n = 1; n <= 16; n++) {
      assert.deepEqual(await ob.flush(), { sent: 0, failed: 1, pending: 1 });
      const [it] = await ob.pending();
      assert.equal(it.attempts, n);
      assert.equal(it.lastAttemptAt, t);
      assert.match(it.lastError, /fetch failed/);
      delays.push(it.nextAt - t);
      assert.equal(await ob.nextDueAt(), it.nextAt);
      t = it.nextAt - 1;
      assert.deepEqual(await ob.flush(), { sent: 0, failed: 0, pending: 1 }, 'not due before nextAt');
      t = it.nextAt;
    }
    const frac = r / 2 ** 32;
    for (let n = 0; n < delays.length; n++) {
      const d = Math.min(BACKOFF.capMs, 2_000 * 2 ** n);
      assert.equal(delays[n], Math.round(d / 2 + (frac * d) / 2));
      assert.ok(delays[n] <= BACKOFF.capMs);
      if (n) assert.ok(delays[n] >= delays[n - 1], 'never shrinks');
    }
    assert.ok(delays.at(-1) >= BACKOFF.capMs / 2 && delays.at(-1) <= BACKOFF.capMs);
  }
});

test('timeout aborts a hanging request and reschedules', async () => {
  const rx = await startReceiver();
  rx.mode = 'hang';
  try {
    const ob = createOutbox({ storage: memStorage(), destination: dest(rx.url), timeoutMs: 150 });
    await ob.enqueue(flag());
    const t0 = Date.now();
    assert.deepEqual(await ob.flush(), { sent: 0, failed: 1, pending: 1 });
    assert.ok(Date.now() - t0 < 5_000);
    const [it] = await ob.pending();
    assert.match(it.lastError, /timeout after 150 ms/);
    assert.ok(it.nextAt > it.lastAttemptAt);
  } finally { await rx.close(); }
});

test('4xx is kept and retried with a note; 429 is plain', async () => {
  const rx = await startReceiver();
  rx.mode = '400';
  try {
    let t = Date.now(); // the receiver rejects stale signed timestamps
    const ob = createOutbox({ storage: memStorage(), destination: dest(rx.url), now: () => t });
    const id = await ob.enqueue(flag());
    await ob.flush();
    let [it] = await ob.pending();
    assert.equal(it.id, id);
    assert.match(it.lastError, /^HTTP 400 \(client error: check the destination URL\/secret; kept and retried\)/);
    rx.mode = 'ok';
    t = it.nextAt;
    assert.deepEqual(await ob.flush(), { sent: 1, failed: 0, pending: 0 });

    const seq = [429, 408];
    const ob2 = createOutbox({
      storage: memStorage(), destination: dest('https://hooks.invalid/x'), now: () => t,
      fetchImpl: async () => new Response('slow down', { status: seq.shift() }),
    });
    await ob2.enqueue(flag());
    await ob2.flush();
    [it] = await ob2.pending();
    assert.equal(it.lastError, 'HTTP 429: slow down');
    t = it.nextAt;
    await ob2.flush();
    [it] = await ob2.pending();
    assert.equal(it.lastError, 'HTTP 408: slow down');
  } finally { await rx.close(); }
});

test('unmasked personal data is refused; masked passes; no raw number leaves', async () => {
  assert.ok(require_luhn(RAW.card));
  const ob = createOutbox({ storage: memStorage(), destination: dest('https://hooks.invalid/x') });
  const bad = [
    ['cn_mobile', `电话 ${RAW.mobile}`],
    ['cn_mobile', '电话+86 138-1234-5678'],
    ['cn_mobile', '电话１３８１２３４５６７８'], // full-width digits
    ['cn_id_card', `身份证${RAW.id}`],
    ['cn_id_card', '110105 19491231 002X'],
    ['bank_card', `卡号 ${RAW.card}`],
    ['bank_card', '4111 1111 1111 1111'],
    ['email', `mail ${RAW.email}`],
    ['email', 'a@b.cn'],
  ];
  for (const [kind, text] of bad) {
    assert.equal(findUnmaskedPii(text), kind, text);
    await assert.rejects(ob.enqueue(flag(0, { excerpt: text })), new RegExp(`unmasked personal data \\(${kind}\\)`), text);
  }
  await assert.rejects(ob.enqueue(flag(0, { reason: `called ${RAW.mobile}` })), /reason contains unmasked/);
  assert.deepEqual(await ob.pending(), [], 'refused flags are not stored');

  const good = [
    ...Object.values(MASKED),
    '订单号 2023110512345678 已退款', // 16 digits, not Luhn-valid: an order number
    '金额 128.00 元, 工号 10086',
    'code ****',
  ];
  for (const text of good) assert.equal(findUnmaskedPii(text), null, text);
  await ob.enqueue(flag(0));

  // Every payload of every kind, for a flag from a conversation that did
  // contain the raw numbers, carries only their masked forms.
  const [it] = await ob.pending();
  for (const kind of ['webhook', 'slack', 'teams', 'wecom', 'dingtalk', 'feishu']) {
    const req = await formatRequest(it.flag, dest('https://hooks.invalid/x?access_token=t', kind), Date.now());
    noRawIn(req.url + req.body + JSON.stringify(req.headers));
    assert.ok(req.body.includes(MASKED.mobile), kind);
  }
});

function require_luhn(d) {
  let s = 0;
  [...d].reverse().forEach((c, i) => { let v = +c; if (i % 2) { v *= 2; if (v > 9) v -= 9; } s += v; });
  return s % 10 === 0;
}

test('destinations: only https, or http on the local machine', async () => {
  const storage = memStorage();
  for (const url of ['http://example.com/hook', 'http://10.0.0.2/hook', 'ftp://127.0.0.1/x', 'file:///etc/passwd', 'not a url', 'https://u:p@example.com/']) {
    assert.throws(() => createOutbox({ storage, destination: dest(url) }), /outbox: /, url);
  }
  assert.throws(() => createOutbox({ storage, destination: dest('http://example.com/hook') }), /only https: URLs are allowed/);
  await assert.rejects(formatRequest({ ...normalizeFlag(flag()), id: 'a'.repeat(32) }, dest('http://example.com/'), 0), /only https/);
  assert.throws(() => createOutbox({ storage, destination: { kind: 'email', url: 'https://x.invalid' } }), /unknown destination kind/);
  for (const url of ['https://example.com/hook', 'http://127.0.0.1:8080/x', 'http://localhost/x']) {
    assert.doesNotThrow(() => createOutbox({ storage, destination: dest(url) }), url);
  }
});

test('concurrent flush calls do not double-send', async () => {
  const rx = await startReceiver();
  rx.delayMs = 50;
  try {
    const storage = memStorage();
    const ob = createOutbox({ storage, destination: dest(rx.url) });
    for (let i = 0; i < 3; i++) await ob.enqueue(flag(i));
    const p1 = ob.flush();
    const p2 = ob.flush();
    // An enqueue during the flush is not lost by the flush's writes.
    const late = ob.enqueue(flag(9));
    const [r1, r2] = await Promise.all([p1, p2, late]);
    assert.equal(p1, p2, 'the second call shares the running flush');
    assert.deepEqual(r1, r2);
    assert.equal(rx.deliveries, 3);
    assert.equal(r1.sent, 3);
    assert.equal((await ob.pending()).length, 1);
    assert.deepEqual(await ob.flush(), { sent: 1, failed: 0, pending: 0 });
    assert.equal(rx.deliveries, 4);
    assert.equal(rx.accepted.size, 4);
  } finally { await rx.close(); }
});

// ------------------------------------------------------------ presets

const FIXED = {
  ...normalizeFlag(flag(3)), id: '0123456789abcdef0123456789abcdef',
};
const NOW = Date.UTC(2026, 10, 22, 3, 30, 0, 123); // 1795318200123 ms
const TS_S = String(Math.floor(NOW / 1000));
const TEXT = [
  'Linesman flag [HIGH] no-blame',
  'Conversation: conv-3',
  'Rule: no-blame',
  'Severity: high',
  'Reason: Agent blamed the customer',
  'Message: #3',
  'At: 2026-11-22T03:00:03.000Z',
  'Id: 0123456789abcdef0123456789abcdef',
  `Excerpt: ${FIXED.excerpt}`,
].join('\n');
const MD = [
  '### Linesman flag [HIGH] no-blame',
  '**Conversation:** conv-3\n',
  '**Rule:** no-blame\n',
  '**Severity:** high\n',
  '**Reason:** Agent blamed the customer\n',
  '**Message:** #3\n',
  '**At:** 2026-11-22T03:00:03.000Z\n',
  '**Id:** 0123456789abcdef0123456789abcdef\n',
  `> ${FIXED.excerpt}`,
].join('\n');
const BASE_HEADERS = { 'Content-Type': 'application/json', 'Idempotency-Key': FIXED.id };

test('preset: webhook', async () => {
  const req = await formatRequest(FIXED, dest('https://example.com/hook'), NOW);
  const sig = createHmac('sha256', SECRET).update(`${TS_S}.${req.body}`).digest('hex');
  assert.deepEqual(req.headers, { ...BASE_HEADERS, 'X-Linesman-Timestamp': TS_S, 'X-Linesman-Signature': `sha256=${sig}` });
  assert.equal(req.url, 'https://example.com/hook');
  validate(JSON.parse(req.body));
  const unsigned = await formatRequest(FIXED, { kind: 'webhook', url: 'https://example.com/hook' }, NOW);
  assert.deepEqual(unsigned.headers, { ...BASE_HEADERS, 'X-Linesman-Timestamp': TS_S });
  assert.equal(unsigned.body, req.body);
});

test('preset: slack', async () => {
  const req = await formatRequest({ ...FIXED, reason: 'a <b> & c' }, { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' }, NOW);
  assert.deepEqual(req.headers, BASE_HEADERS);
  assert.deepEqual(JSON.parse(req.body), { text: TEXT.replace('Agent blamed the customer', 'a &lt;b&gt; &amp; c') });
});

test('preset: teams', async () => {
  const req = await formatRequest(FIXED, { kind: 'teams', url: 'https://example.webhook.office.com/webhookb2/x' }, NOW);
  assert.deepEqual(req.headers, BASE_HEADERS);
  assert.deepEqual(JSON.parse(req.body), {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.2',
        body: [
          { type: 'TextBlock', text: 'Linesman flag [HIGH] no-blame', weight: 'Bolder', size: 'Medium', wrap: true },
          {
            type: 'FactSet',
            facts: [
              { title: 'Conversation', value: 'conv-3' },
              { title: 'Rule', value: 'no-blame' },
              { title: 'Severity', value: 'high' },
              { title: 'Reason', value: 'Agent blamed the customer' },
              { title: 'Message', value: '#3' },
              { title: 'At', value: '2026-11-22T03:00:03.000Z' },
              { title: 'Id', value: FIXED.id },
            ],
          },
          { type: 'TextBlock', text: FIXED.excerpt, wrap: true, isSubtle: true },
        ],
      },
    }],
  });
});

test('preset: wecom', async () => {
  const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc';
  const req = await formatRequest(FIXED, { kind: 'wecom', url }, NOW);
  assert.equal(req.url, url);
  assert.deepEqual(req.headers, BASE_HEADERS);
  assert.deepEqual(JSON.parse(req.body), { msgtype: 'markdown', markdown: { content: MD } });
});

test('preset: dingtalk, unsigned and signed', async () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=tok';
  const expectBody = { msgtype: 'markdown', markdown: { title: 'Linesman flag [HIGH] no-blame', text: MD } };
  const plain = await formatRequest(FIXED, { kind: 'dingtalk', url }, NOW);
  assert.equal(plain.url, url);
  assert.deepEqual(plain.headers, BASE_HEADERS);
  assert.deepEqual(JSON.parse(plain.body), expectBody);

  const secret = 'SECabc123+/=';
  const signed = await formatRequest(FIXED, { kind: 'dingtalk', url, secret }, NOW);
  const ts = String(NOW);
  const sign = encodeURIComponent(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  assert.equal(signed.url, `${url}&timestamp=${ts}&sign=${sign}`);
  const q = new URL(signed.url).searchParams;
  assert.equal(q.get('access_token'), 'tok');
  assert.equal(q.get('sign'), createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  assert.deepEqual(JSON.parse(signed.body), expectBody);
});

test('preset: feishu, unsigned and signed', async () => {
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/uuid';
  const plain = await formatRequest(FIXED, { kind: 'feishu', url }, NOW);
  assert.equal(plain.url, url);
  assert.deepEqual(plain.headers, BASE_HEADERS);
  assert.deepEqual(JSON.parse(plain.body), { msg_type: 'text', content: { text: TEXT } });

  const secret = 'feishu-secret';
  const signed = await formatRequest(FIXED, { kind: 'feishu', url, secret }, NOW);
  const sign = createHmac('sha256', `${TS_S}\n${secret}`).update('').digest('base64');
  assert.equal(signed.url, url);
  assert.deepEqual(JSON.parse(signed.body), { timestamp: TS_S, sign, msg_type: 'text', content: { text: TEXT } });
});

test('presets deliver over HTTP with the Idempotency-Key', async () => {
  const rx = await startReceiver();
  try {
    for (const kind of ['slack', 'teams', 'wecom', 'dingtalk', 'feishu']) {
      rx.raw.length = 0;
      // Presets carry no X-Linesman-Signature, so answer from the raw log.
      rx.mode = '503';
      const ob = createOutbox({ storage: memStorage(), destination: { kind, url: `${rx.url}?access_token=t`, secret: 's' } });
      const id = await ob.enqueue(flag());
      await ob.flush();
      assert.equal(rx.raw.length, 1, kind);
      assert.equal(rx.raw[0].headers['idempotency-key'], id, kind);
      assert.equal(rx.raw[0].headers['content-type'], 'application/json', kind);
      JSON.parse(rx.raw[0].body);
    }
  } finally { await rx.close(); }
});

test('an item that cannot be formatted is kept with its error, not dropped', async () => {
  const storage = memStorage();
  let t = 1_000;
  const ob = createOutbox({
    storage, destination: dest('https://hooks.invalid/x'), now: () => t,
    fetchImpl: async () => new Response('ok', { status: 200 }),
  });
  await ob.enqueue(flag(1));
  const s = await storage.get(STORAGE_KEY);
  s.items[0].flag.id = 'broken'; // e.g. an older storage format
  await storage.set(STORAGE_KEY, s);
  await ob.enqueue(flag(2));
  assert.deepEqual(await ob.flush(), { sent: 1, failed: 1, pending: 1 });
  const [it] = await ob.pending();
  assert.match(it.lastError, /^format: /);
  assert.equal(it.attempts, 1);
});
