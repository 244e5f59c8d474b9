#!/usr/bin/env node
// Runs bench/emotion.html in headless Debian Chromium (no browser download,
// no network but 127.0.0.1), prints a markdown table and writes
// bench/results/emotion-<date>[-label].json.
//
//   node bench/run-emotion-bench.mjs [--runs N] [--block N] [--warmup N] [--cold N]
//        [--pkg DIR] [--label NAME] [--models-dir DIR] [--timeout SECONDS] [--no-write]
//
// --pkg: the wasm package directory under www/ (default pkg; e.g. pkg-nosimd).
//   tract (our wasm) loads the model from PKG/emotion.model (the build's
//   tensor-form conversion); onnxruntime-web loads emotion.onnx from --models-dir.
// --models-dir: where emotion.onnx is (default the repo's models/, or $LINESMAN_MODELS_DIR).

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/chromium.mjs';
import { startServer } from '../tests/server.mjs';
import { gitHead, pkgStamp, readJson, wasmSha, writeResult } from './provenance.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const benchDir = dirname(fileURLToPath(import.meta.url));
const wwwDir = resolve(benchDir, '..');
const repoRoot = resolve(wwwDir, '..');

const opts = { pkg: 'pkg', label: '', timeout: 900, write: true, modelsDir: process.env.LINESMAN_MODELS_DIR ?? join(repoRoot, 'models') };
const pageParams = new URLSearchParams();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    return argv[++i];
  };
  if (['--runs', '--block', '--warmup', '--cold'].includes(a)) pageParams.set(a.slice(2), val());
  else if (a === '--pkg') opts.pkg = val();
  else if (a === '--label') opts.label = val();
  else if (a === '--models-dir') opts.modelsDir = val();
  else if (a === '--timeout') opts.timeout = Number(val());
  else if (a === '--no-write') opts.write = false;
  else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}
pageParams.set('pkg', opts.pkg);

const modelFile = join(resolve(opts.modelsDir), 'emotion.onnx');
if (!existsSync(modelFile)) {
  console.error(`no model at ${modelFile} (use --models-dir DIR or LINESMAN_MODELS_DIR)`);
  process.exit(1);
}
const pkgDir = join(wwwDir, opts.pkg);
if (!existsSync(join(pkgDir, 'linesman_wasm_bg.wasm'))) {
  console.error(`no wasm package in ${pkgDir}: run scripts/build-wasm.sh first`);
  process.exit(1);
}
const tractModelFile = join(pkgDir, 'emotion.model');
if (!existsSync(tractModelFile)) {
  console.error(`no ${tractModelFile} (the tensor form tract loads): run scripts/build-wasm.sh first`);
  process.exit(1);
}
const wasmShaAtStart = wasmSha(pkgDir);

const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(d));

function table(r, info) {
  const L = r.latency;
  const C = r.coldStart;
  const out = [];
  out.push(`Emotion model (tract: tensor form ${r.config.tractModelBytes ?? '?'} B; ort: ONNX ${r.config.modelBytes} B), ` +
    `${r.config.messages} messages (zh+en), features: ${r.config.featureSource} ` +
    `(${r.config.featuresPerMessage.min}–${r.config.featuresPerMessage.max} per message, median ${r.config.featuresPerMessage.median}); ` +
    `${L.tract.n} timed runs per engine in interleaved blocks of ${r.config.block}; one thread each.`);
  out.push('');
  out.push('| engine | median µs | p99 µs | mean µs | block mean µs | cold start ms (median of ' + C.tract.createMs.length + ') |');
  out.push('|---|---:|---:|---:|---:|---:|');
  out.push(`| tract wasm (inference) | ${fmt(L.tract.medianUs)} | ${fmt(L.tract.p99Us)} | ${fmt(L.tract.meanUs)} | ${fmt(L.tract.blockMeanUs)} | ${fmt(C.tract.medianMs, 2)} |`);
  out.push(`| tract wasm (features + inference) | ${fmt(L.tractWithFeatures.medianUs)} | ${fmt(L.tractWithFeatures.p99Us)} | ${fmt(L.tractWithFeatures.meanUs)} | ${fmt(L.tractWithFeatures.blockMeanUs)} | |`);
  if (L.tractReusingState) {
    const R = L.tractReusingState;
    out.push(`| tract wasm (inference, one state kept) | ${fmt(R.medianUs)} | ${fmt(R.p99Us)} | ${fmt(R.meanUs)} | ${fmt(R.blockMeanUs)} | |`);
  }
  out.push(`| onnxruntime-web ${r.versions.onnxruntimeWeb ?? ''} wasm (inference) | ${fmt(L.ort.medianUs)} | ${fmt(L.ort.p99Us)} | ${fmt(L.ort.meanUs)} | ${fmt(L.ort.blockMeanUs)} | ${fmt(C.ort.medianMs, 2)} |`);
  out.push(`| **ratio tract / ort** | **${fmt(r.ratio.median, 3)}** | **${fmt(r.ratio.p99, 3)}** | ${fmt(r.ratio.mean, 3)} | ${fmt(r.ratio.blockMean, 3)} | **${fmt(r.ratio.coldStart, 3)}** |`);
  out.push('');
  out.push(`First use: tract runtime init ${fmt(C.tract.runtimeInitMs, 1)} ms + first create ${fmt(C.tract.firstCreateMs, 1)} ms; ` +
    `ort import ${fmt(C.ort.runtimeImportMs, 1)} ms + first create incl. runtime init ${fmt(C.ort.firstCreateInclRuntimeMs, 1)} ms.`);
  out.push(`Agreement: max |tract − ort| = ${r.agreement.maxAbsDiff.toExponential(2)} over ${r.agreement.inputs} inputs ` +
    `(${r.agreement.pass ? 'within' : 'NOT within'} 1e-4), argmax agrees on ${r.agreement.argmaxAgree}/${r.agreement.inputs}.`);
  out.push(`Goal (tract median and p99 ≤ ort): ${r.goal.met ? 'met' : 'NOT met'}. Timer resolution ${fmt(r.env.timerResolutionUs)} µs, ` +
    `crossOriginIsolated=${r.env.crossOriginIsolated}.`);
  out.push(`Versions: ${info.browser}, onnxruntime-web ${info.ortWeb}, wasm-bindgen ${info.build.wasmBindgen ?? '?'}, ` +
    `binaryen ${info.build.binaryen ?? '?'} (${info.build.wasmOpt ?? '?'}), ${info.build.rustc ?? ''}, simd128=${info.build.simd128}; ` +
    `wasm ${info.build.sizes?.wasm ?? '?'} B raw / ${info.build.sizes?.wasmGzip ?? '?'} B gzip ` +
    `(ort-wasm-simd-threaded.wasm ${info.ortWasm.bytes} B / ${info.ortWasm.gzip} B gzip). Commit ${gitHead()}; pkg .stamp ${pkgStamp(pkgDir)?.slice(0, 12) ?? '?'}.`);
  return out.join('\n');
}

const loadBefore = loadavg();
const { url, child } = await startServer(['--models-dir', resolve(opts.modelsDir)]);
let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({ ...launchOptions, headless: true });
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}] ${m.text()}`);
    else console.error(`[page] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  const pageUrl = `${url}bench/emotion.html?${pageParams}`;
  console.error(`opening ${pageUrl}`);
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: opts.timeout * 1000, polling: 500 });
  const result = await page.evaluate(() => window.__benchResult);
  if (result.error) throw new Error(`benchmark failed in the page:\n${result.error}`);

  const build = existsSync(join(pkgDir, 'build-info.json')) ? await readJson(join(pkgDir, 'build-info.json')) : {};
  const info = {
    browser: `Chromium ${browser.version()}`,
    ortWeb: (await readJson(join(wwwDir, 'node_modules/onnxruntime-web/package.json'))).version,
    playwright: (await readJson(join(wwwDir, 'node_modules/@playwright/test/package.json'))).version,
    build,
  };
  const ortWasm = await readFile(join(wwwDir, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'));
  info.ortWasm = { bytes: ortWasm.length, gzip: gzipSync(ortWasm, { level: 9 }).length };
  const sha256 = async (f) => createHash('sha256').update(await readFile(f)).digest('hex');
  const modelSha256 = await sha256(modelFile);
  result.runner = {
    ...info,
    commit: gitHead(),
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    loadBefore,
    loadAfter: loadavg(),
    pkgStamp: pkgStamp(pkgDir),
    wasmSha256: wasmShaAtStart,
    wasmUnchanged: wasmSha(pkgDir) === wasmShaAtStart,
    pkg: opts.pkg,
    label: opts.label,
    model: modelFile,
    modelSha256,
    tractModel: tractModelFile,
    tractModelSha256: await sha256(tractModelFile),
  };
  if (!result.runner.wasmUnchanged) console.error('WARNING: the wasm changed during the run');
  const text = table(result, info);
  console.log(text);
  if (!result.agreement.pass) exitCode = 1;

  if (opts.write) console.error(`wrote ${await writeResult('emotion', result, text, opts.label)}`);
} catch (e) {
  console.error(e?.stack ?? e);
  exitCode = 1;
} finally {
  await browser?.close();
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
}
process.exit(exitCode);
