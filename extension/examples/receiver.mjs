#!/usr/bin/env node
// An example flag receiver for the extension's `webhook` destination (no
// dependencies). Verifies the signature over the raw body, refuses stale
// timestamps, dedupes on Idempotency-Key and answers 2xx only once the flag
// is stored — the extension retries anything else.
//
//   LINESMAN_SECRET=... node extension/examples/receiver.mjs [port]
// In production put it behind HTTPS (the extension sends to https: only,
// plain http: only to 127.0.0.1/localhost).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync } from 'node:fs';

const secret = process.env.LINESMAN_SECRET ?? '';
const port = Number(process.argv[2] ?? 8787);
const MAX_SKEW_S = 300;
const MAX_BODY = 64 * 1024;
const seen = new Set(); // a real receiver keeps this in its database (unique key)

createServer((req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const ts = String(req.headers['x-linesman-timestamp'] ?? '');
    if (secret) {
      const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex')}`);
      const got = Buffer.from(String(req.headers['x-linesman-signature'] ?? ''));
      if (got.length !== want.length || !timingSafeEqual(got, want)) return res.writeHead(401).end('bad signature');
      if (Math.abs(Date.now() / 1000 - Number(ts)) > MAX_SKEW_S) return res.writeHead(401).end('stale timestamp');
    }
    let flag;
    try {
      flag = JSON.parse(raw.toString('utf8'));
    } catch {
      return res.writeHead(400).end('not JSON');
    }
    const key = String(req.headers['idempotency-key'] ?? flag.id);
    if (!seen.has(key)) {
      seen.add(key);
      appendFileSync('flags.jsonl', `${JSON.stringify(flag)}\n`); // store first, then acknowledge
      console.log(`[${flag.severity}] ${flag.conversation} ${flag.rule ?? ''}: ${flag.reason} — ${flag.excerpt}`);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}).listen(port, '127.0.0.1', () => console.log(`receiving flags on http://127.0.0.1:${port}/`));
