// The size budget a vendor pays (gzip, as served): the wasm ≤ 1.5 MB and all
// of our JavaScript ≤ 30 kB; the emotion model is counted apart.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const www = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;

function jsFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return jsFiles(p);
    return n.endsWith('.js') ? [p] : [];
  });
}

test('wasm ≤ 1.5 MB gzip', () => {
  const wasm = gz(join(www, 'pkg/linesman_wasm_bg.wasm'));
  console.log(`wasm: ${wasm} bytes gzip`);
  expect(wasm).toBeLessThanOrEqual(1_500_000);
});

test('JavaScript (wasm glue, API, worker, widget) ≤ 30 kB gzip', () => {
  const files = [join(www, 'pkg/linesman_wasm.js'), ...jsFiles(join(www, 'src'))];
  const sizes = files.map((f) => [relative(www, f), gz(f)]);
  const total = sizes.reduce((a, [, n]) => a + n, 0);
  console.log(sizes.map(([f, n]) => `${f}: ${n}`).join('\n') + `\ntotal: ${total} bytes gzip`);
  expect(files.some((f) => f.includes('widget'))).toBe(true);
  expect(total).toBeLessThanOrEqual(30_000);
});
