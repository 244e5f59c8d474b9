#!/usr/bin/env node
// First visit vs returning visit: `Linesman.create` (built-in retail-zh +
// the model) in a fresh browser context, then again in new pages of the same
// context — what an agent sees the next time the console opens, with the
// same browser profile. serve.mjs sends `no-store`; a run with cacheable,
// revalidated responses (ETag → 304) measured no difference beyond noise,
// so caching is not what the first-visit gap needs (BENCHMARKS.md).
//
//   node bench/run-revisit.mjs [--contexts N] [--visits N]

import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/chromium.mjs';
import { startServer } from '../tests/server.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const contexts = arg('contexts', 5);
const visits = arg('visits', 3);

const { url: base, child: server } = await startServer();

const browser = await chromium.launch(launchOptions);
const times = Array.from({ length: visits }, () => []);
try {
  for (let c = 0; c < contexts; c++) {
    const ctx = await browser.newContext();
    for (let v = 0; v < visits; v++) {
      const page = await ctx.newPage();
      await page.goto(`${base}tests/api.html`);
      const ms = await page.evaluate(async () => {
        const t0 = performance.now();
        const { Linesman } = await import('/src/linesman.js');
        const ls = await Linesman.create({ builtin: 'retail-zh', model: '/pkg/emotion.model' });
        const t = performance.now() - t0;
        await (await ls.conversation()).observe({ role: 'customer', text: '你好' });
        ls.close();
        return t;
      });
      times[v].push(ms);
      await page.close();
      // Chrome writes the code cache after the module ran; give it a moment.
      await new Promise((r) => setTimeout(r, 2000));
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  server.kill();
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`| visit | create with the model, median of ${contexts} ms | range |`);
console.log('|---|---:|---:|');
times.forEach((t, v) =>
  console.log(`| ${v === 0 ? 'first (empty cache)' : `returning #${v}`} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)} |`),
);
