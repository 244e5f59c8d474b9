// Flags reach a real HTTP receiver on 127.0.0.1: signed, masked, and exactly
// once even when the receiver is down for a while and the service worker is
// stopped in between.
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { test, expect } from './fixtures.mjs';

const SECRET = 'test-secret-0123456789';

/** A webhook receiver that records every request; `up` decides 200 or 503. */
function receiver() {
  const r = { up: false, requests: [], delivered: new Map() };
  r.server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      r.requests.push({ headers: req.headers, body, up: r.up });
      if (!r.up) {
        res.writeHead(503).end('down for maintenance');
        return;
      }
      const key = req.headers['idempotency-key'];
      // A real receiver dedupes on the key; here we count to prove it is needed rarely.
      r.delivered.set(key, (r.delivered.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve) => r.server.listen(0, '127.0.0.1', () => resolve(r)));
}

function verify(req) {
  const ts = req.headers['x-linesman-timestamp'];
  const sig = createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex');
  return req.headers['x-linesman-signature'] === `sha256=${sig}`;
}

test('flags arrive signed and masked, exactly once, across a receiver outage and a service worker stop', async ({ extension }) => {
  test.setTimeout(150_000);
  const rx = await receiver();
  try {
    const url = `http://127.0.0.1:${rx.server.address().port}/hook`;
    let sw = await extension.serviceWorker();
    await sw.evaluate(async (u) => {
      const k = 'linesman.settings.v1';
      const cur = (await chrome.storage.local.get(k))[k] ?? {};
      await chrome.storage.local.set({ [k]: { ...cur, destination: { kind: 'webhook', url: u, secret: 'test-secret-0123456789' } } });
    }, url);
    await extension.enableSite();
    const page = await extension.context.newPage();
    await page.goto(`${extension.baseURL}demo/?assist=off&lang=zh`);
    const say = async (text) => {
      await page.fill('#customer-input', text);
      await page.press('#customer-input', 'Enter');
    };
    // A legal threat (high) with a phone number, an ID number and an email in it.
    await say('再不给我解决我就去法院起诉你们！我电话13812345678，身份证110101199003078515，邮箱wang.li@example.com');
    await say('我要投诉，我要找律师告你们！');
    // The receiver is down: the flags wait in the outbox.
    await expect.poll(() => rx.requests.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const pending = await sw.evaluate(async () => ((await chrome.storage.local.get('linesman.outbox.v1'))['linesman.outbox.v1']?.items ?? []).length);
    expect(pending).toBeGreaterThan(0);

    // Stop the service worker (as Chrome does when it is idle). A marker
    // in its global scope tells the old worker from a new one.
    await sw.evaluate(() => (globalThis.__beforeStop = true));
    const cdp = await extension.context.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.endsWith('/src/background.js'));
    expect(target).toBeTruthy();
    await cdp.send('Target.closeTarget', { targetId: target.targetId });

    // The receiver comes back; nothing else happens in the browser. The
    // outbox alarm wakes a new service worker, which delivers.
    rx.up = true;
    await expect.poll(() => rx.delivered.size, { timeout: 90_000, intervals: [1000] }).toBe(pending);
    sw = await extension.serviceWorker();
    expect(await sw.evaluate(() => globalThis.__beforeStop ?? false)).toBe(false);
    await expect
      .poll(async () => sw.evaluate(async () => ((await chrome.storage.local.get('linesman.outbox.v1'))['linesman.outbox.v1']?.items ?? []).length))
      .toBe(0);
    // A little longer: nothing arrives twice.
    await page.waitForTimeout(3000);
    for (const n of rx.delivered.values()) expect(n).toBe(1);

    for (const req of rx.requests) {
      expect(verify(req)).toBe(true);
      const body = JSON.parse(req.body);
      expect(body.type).toBe('linesman.flag');
      expect(req.headers['idempotency-key']).toBe(body.id);
      for (const raw of ['13812345678', '110101199003078515', 'wang.li@example.com']) expect(req.body).not.toContain(raw);
    }
    const bodies = rx.requests.filter((q) => q.up).map((q) => JSON.parse(q.body));
    expect(bodies.some((b) => b.severity === 'high')).toBe(true);
    // Same key on every retry: the keys seen while down are the keys delivered.
    const keysDown = new Set(rx.requests.filter((q) => !q.up).map((q) => q.headers['idempotency-key']));
    for (const k of keysDown) expect(rx.delivered.has(k)).toBe(true);
  } finally {
    rx.server.close();
  }
});
