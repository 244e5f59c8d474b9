#!/usr/bin/env node
// Screenshots for the docs: plays a demo chat in the agent console with the
// supervisor view open beside it, then writes
//   docs/screenshots/demo-console.png  (1280×800)
//   docs/screenshots/supervisor.png    (1280×800)
// Starts www/serve.mjs on a free port itself; Debian's Chromium, offline.
//
//   node www/tests/screenshots.mjs [--conv zh-shoes] [--lang zh|en] [--out DIR]

import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { launchOptions } from './chromium.mjs';
import { startServer } from './server.mjs';

const wwwRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const conv = opt('conv', 'zh-shoes');
const lang = opt('lang', 'zh');
const outDir = resolve(opt('out', join(wwwRoot, '..', 'docs', 'screenshots')));
const viewport = { width: 1280, height: 800 };

// Without a CJK font Chromium draws the Chinese UI as empty boxes.
try {
  const { execFileSync } = await import('node:child_process');
  if (!execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim()) {
    console.warn('warning: no CJK font (fc-list :lang=zh is empty); apt-get install fonts-noto-cjk');
  }
} catch {
  // no fontconfig tools: cannot tell, carry on
}

const { child, url } = await startServer();
const browser = await chromium.launch(launchOptions);
try {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  const supervisor = await context.newPage();
  await supervisor.goto(`${url}supervisor/index.html?lang=${lang}`);

  const demo = await context.newPage();
  await demo.goto(`${url}demo/index.html?conv=${conv}&lang=${lang}&speed=20`);
  await demo.locator('linesman-assist:not([hidden])').evaluate((w) => w.ready);
  // Other chats in the background give the supervisor view more than one
  // chat to show; the one on screen is played to the end.
  await demo.getByRole('button', { name: lang === 'zh' ? '全部播放' : 'Play all' }).click();
  await demo.waitForFunction(
    () => window.linesmanDemo.chats().every((c) => c.pos === c.steps && !c.playing),
    null,
    { timeout: 120_000 },
  );
  // Every message back from the engine (masked, marked), the widget settled.
  await demo.waitForFunction(() => !document.querySelector('#messages [aria-busy=true]'));
  await demo.waitForTimeout(500);
  // A draft with a banned phrase, so the shot shows the draft check too.
  // One banned phrase, so the warning leaves room for the checklist.
  const draft = lang === 'zh' ? '呵呵，退款已经在处理了' : 'lol, the refund is already on its way';
  const compose = demo.locator('#compose');
  await compose.fill(draft); // fill() fires input, as typing does
  await demo.locator('linesman-assist:not([hidden])').getByRole('region', { name: /草稿|Draft/ }).waitFor();
  await compose.blur();
  await demo.waitForTimeout(800);

  await mkdir(outDir, { recursive: true });
  await demo.screenshot({ path: join(outDir, 'demo-console.png') });
  await supervisor.bringToFront();
  await supervisor.waitForFunction(() => document.querySelectorAll('#flags > li').length > 0);
  await supervisor.screenshot({ path: join(outDir, 'supervisor.png') });
  console.log(`wrote ${join(outDir, 'demo-console.png')} and ${join(outDir, 'supervisor.png')}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
}
