#!/usr/bin/env node
// Runs bench/assist.html in headless Debian Chromium (tests/chromium.mjs: no
// browser download, no network but 127.0.0.1), prints markdown tables and
// writes bench/results/assist-<date>[-label].json.
//
//   node bench/run-assist-bench.mjs [--cold-pages N] [--memory-pages N] [--sections a,b] [--cold N]
//        [--rounds N] [--conv N] [--tput N] [--scan-rounds N] [--scan-reps N]
//        [--scan-block N] [--scan-texts N] [--worker-scan-rounds N]
//        [--parts-first rules|model] [--label NAME] [--timeout SECONDS] [--no-write] [--chromium-arg ARG]...
//
// --chromium-arg: one more Chromium flag (repeatable), for experiments, e.g.
//   --chromium-arg --js-flags=--no-wasm-lazy-compilation; recorded in the result.
//
// First the truly cold starts: --cold-pages (default 5) fresh pages per kind
// (worker + wasm only, create rules only, create rules + model), each in its
// own browser context (own renderer process: nothing compiled or cached),
// kinds rotated. Then memory: --memory-pages (default 2) fresh pages per
// kind (rules only, rules + model): create the engine, run the 1,000-message
// conversation, and at each step read the worker's wasm memory size (in the
// worker itself, through the DevTools protocol: the module's own init()
// returns the instance's exports; nothing is posted to the worker) and
// performance.measureUserAgentSpecificMemory() (JS heaps by realm; it does
// not count wasm memory). Then one page runs every other section (assist.js).

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/chromium.mjs';
import { startServer } from '../tests/server.mjs';
import { gitHead, pkgStamp, readJson, wasmSha, writeResult } from './provenance.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const benchDir = dirname(fileURLToPath(import.meta.url));
const wwwDir = resolve(benchDir, '..');
const pkgDir = join(wwwDir, 'pkg');

const opts = { coldPages: 5, memoryPages: 2, label: '', timeout: 1800, write: true, chromiumArgs: [] };
const pageParams = new URLSearchParams();
const PAGE_INTS = {
  '--cold': 'cold',
  '--rounds': 'rounds',
  '--conv': 'conv',
  '--tput': 'tput',
  '--scan-rounds': 'scanRounds',
  '--scan-reps': 'scanReps',
  '--scan-block': 'scanBlock',
  '--scan-texts': 'scanTexts',
  '--worker-scan-rounds': 'workerScanRounds',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    return argv[++i];
  };
  if (PAGE_INTS[a]) pageParams.set(PAGE_INTS[a], val());
  else if (a === '--sections') pageParams.set('sections', val());
  else if (a === '--parts-first') pageParams.set('partsFirst', val());
  else if (a === '--cold-pages') opts.coldPages = Number(val());
  else if (a === '--memory-pages') opts.memoryPages = Number(val());
  else if (a === '--label') opts.label = val();
  else if (a === '--chromium-arg') opts.chromiumArgs.push(val());
  else if (a === '--timeout') opts.timeout = Number(val());
  else if (a === '--no-write') opts.write = false;
  else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}

for (const f of ['linesman_wasm_bg.wasm', 'linesman_wasm.js', 'emotion.model']) {
  if (!existsSync(join(pkgDir, f))) {
    console.error(`no ${f} in ${pkgDir}: run scripts/build-wasm.sh first`);
    process.exit(1);
  }
}

const wasmShaAtStart = wasmSha(pkgDir);

const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(d));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mib = (b) => (b == null ? '–' : (b / 2 ** 20).toFixed(1));

function watch(page, quiet) {
  page.on('console', (m) => {
    // bench/cjs.js probes X.js before X/index.js for require('./X'): expected 404s.
    if (/status of 404/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}] ${m.text()}`);
    else if (!quiet) console.error(`[page] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
}

/** Memory around one engine in a fresh page (see the header). */
async function memoryPage(browser, base, kind, messages) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    watch(page, true);
    await page.goto(`${base}bench/assist.html?sections=`);
    await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 60000, polling: 100 });
    const glue = `${base}pkg/linesman_wasm.js`;
    const wasmBytes = async () => {
      const w = page.workers().find((x) => x.url().endsWith('/src/worker.js'));
      if (!w) return null;
      return w.evaluate(async (u) => (await (await import(u)).default()).memory.buffer.byteLength, glue);
    };
    const steps = [];
    const step = async (name) => {
      const ua = await page.evaluate(() => window.__assist.measureUA());
      steps.push({ step: name, wasmMemoryBytes: await wasmBytes(), ...ua });
    };
    await step('page loaded, no worker');
    const source = await page.evaluate((k) => window.__assist.create(k), kind);
    await step('engine created');
    const events = await page.evaluate((n) => window.__assist.runConversation(n), messages);
    await step(`after a ${messages}-message conversation (still open)`);
    return { kind, emotionSource: source, events, steps };
  } finally {
    await context.close();
  }
}

/** Opens assist.html with `params` in a fresh context; returns window.__benchResult. */
async function runPage(browser, base, params, quiet) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    watch(page, quiet);
    await page.goto(`${base}bench/assist.html?${params}`);
    await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: opts.timeout * 1000, polling: 250 });
    const result = await page.evaluate(() => window.__benchResult);
    if (result.error) throw new Error(`benchmark failed in the page (${params}):\n${result.error}`);
    return result;
  } finally {
    await context.close();
  }
}

function tables(r, info) {
  const out = [];
  const P = r.parts;
  const C = r.coldPages;
  const W = r.cold;
  if (C || W) {
    out.push(`### Cold start (built-in ${r.config.builtin}; model ${info.modelBytes} B tensor form; wasm ${info.build.sizes?.wasm ?? '?'} B)`);
    out.push('');
    out.push(`| | fresh page, first create (median of ${C?.init?.all.length ?? 0}; range) | fresh worker in a warm page (median of ${W?.init?.all.length ?? 0}) |`);
    out.push('|---|---:|---:|');
    const row = (label, k) =>
      out.push(`| ${label} | ${C ? `${fmt(C[k].medianMs)} ms (${fmt(Math.min(...C[k].all))}–${fmt(Math.max(...C[k].all))})` : '–'} | ${W ? `${fmt(W[k].medianMs)} ms` : '–'} |`);
    row('worker + wasm fetch/compile/instantiate (`Linesman.builtinPlaybooks()`)', 'init');
    row('`Linesman.create`, rules only', 'rules');
    row('`Linesman.create`, rules + emotion model', 'model');
    out.push('');
    if (C) out.push(`Goal ≤ 300 ms for create with the model in a fresh page: **${C.model.medianMs <= 300 ? 'met' : 'NOT met'}** (${fmt(C.model.medianMs)} ms).`);
  }
  if (P) {
    out.push(`Parts (${P.first ?? 'rules'} built first), raw wasm on the main thread of a fresh page: glue import ${fmt(P.glueImportMs)} ms, wasm fetch ${fmt(P.wasmFetchMs)} ms, ` +
      `compile ${fmt(P.compileMs)} ms, instantiate ${fmt(P.instantiateMs)} ms, model fetch ${fmt(P.modelFetchMs)} ms, engine build rules only ` +
      `${fmt(P.engineBuildRulesMs.median)} ms (first ${fmt(P.engineBuildRulesMs.first)}), with the model ${fmt(P.engineBuildModelMs.median)} ms ` +
      `(first ${fmt(P.engineBuildModelMs.first)}).`);
  }
  const L = r.latency;
  if (L) {
    out.push('');
    out.push(`### Per message: observe → events on the main thread (${L.corpus.messages} messages × ${L.rounds} rounds, ${L.corpus.conversations} conversations, built-in ${L.builtin})`);
    out.push('');
    out.push('| lane | median µs | p90 µs | p99 µs | mean µs | customer median / p99 µs | agent median / p99 µs | events/msg |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const names = { workerRules: 'Worker API, rules only', workerModel: 'Worker API, rules + model', pageRules: 'raw Engine in the page, rules only (reference)', pageModel: 'raw Engine in the page, rules + model (reference)' };
    for (const [k, label] of Object.entries(names)) {
      const s = L.lanes[k];
      if (!s) continue;
      const c = s.byRole.customer;
      const a = s.byRole.agent;
      out.push(`| ${label} | ${fmt(s.medianUs, 0)} | ${fmt(s.p90Us, 0)} | ${fmt(s.p99Us, 0)} | ${fmt(s.meanUs, 0)} | ${fmt(c?.medianUs, 0)} / ${fmt(c?.p99Us, 0)} | ${fmt(a?.medianUs, 0)} / ${fmt(a?.p99Us, 0)} | ${fmt(s.eventsPerMessage, 2)} |`);
    }
  }
  const T = r.throughput;
  if (T) {
    out.push('');
    out.push(`### Throughput: one ${T.messages}-message conversation (median of ${T.reps})`);
    out.push('');
    out.push('| engine | Worker API, sequential awaits | Worker API, pipelined | raw Engine in the page (reference) |');
    out.push('|---|---:|---:|---:|');
    for (const kind of ['rules', 'model']) {
      const g = (mode) => T.lanes[`${kind}-${mode}`];
      out.push(`| ${kind === 'rules' ? 'rules only' : 'rules + model'} | ${fmt(g('sequential').msgsPerSec, 0)} msgs/s | ${fmt(g('pipelined').msgsPerSec, 0)} msgs/s | ${fmt(g('page').msgsPerSec, 0)} msgs/s |`);
    }
  }
  const M = r.memory;
  if (M) {
    out.push('');
    out.push(`### Memory (one worker per fresh page; ${M.samples.length} pages)`);
    out.push('');
    out.push('| engine | step | worker wasm memory MiB | worker JS heap MiB (measureUserAgentSpecificMemory) | page total MiB (same) |');
    out.push('|---|---|---:|---:|---:|');
    for (const m of M.samples) {
      for (const s of m.steps) out.push(`| ${m.kind === 'model' ? 'rules + model' : 'rules only'} | ${s.step} | ${mib(s.wasmMemoryBytes)} | ${mib(s.workerBytes)} | ${mib(s.bytes)} |`);
    }
  }
  const S = r.scan;
  if (S) {
    const v = S.versions;
    out.push('');
    out.push(`### Banned-phrase scan (obscenity ${v.obscenity}, mint-filter ${v['mint-filter']}; ${S.texts.n} texts, median ${S.texts.medianChars} chars; ` +
      `${S.config.rounds} rounds × ${S.config.reps} calls per sample, interleaved in blocks of ${S.config.block})`);
    out.push('');
    out.push(`Word lists: English = ${S.wordLists.en} phrases (obscenity: ${S.wordLists.obscenityPatterns} patterns, rejected ${S.wordLists.obscenityRejected.length}), ` +
      `all = ${S.wordLists.all} phrases (${S.wordLists.zh} Chinese).`);
    out.push('');
    out.push('| word list | library | median µs | p99 µs | mean µs | clean median | hit median | disguised median | build ms |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    const label = { linesmanEn: 'Linesman checkDraft', obscenity: 'obscenity (recommended transformers)', obscenitySkip: 'obscenity + skipNonAlphabetic', mintEn: 'mint-filter', linesmanAll: 'Linesman checkDraft', mintAll: 'mint-filter' };
    for (const [g, gl] of [['en', `English (${S.wordLists.en}), English texts`], ['all', `all (${S.wordLists.all}), all texts`]]) {
      for (const [lane, s] of Object.entries(S.timing[g].lanes)) {
        out.push(`| ${gl} | ${label[lane]} | ${fmt(s.all.medianUs, 2)} | ${fmt(s.all.p99Us, 2)} | ${fmt(s.all.meanUs, 2)} | ${fmt(s.clean?.medianUs, 2)} | ${fmt(s.hit?.medianUs, 2)} | ${fmt(s.disguised?.medianUs, 2)} | ${fmt(S.buildMs[lane].median, 1)} |`);
      }
    }
    out.push('');
    out.push('| ratio (Linesman / peer; < 1 = Linesman faster) | median | p99 | mean | clean median | hit median | disguised median |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    const rl = { linesmanEnVsObscenity: 'vs obscenity (English list)', linesmanEnVsObscenitySkip: 'vs obscenity + skipNonAlphabetic (English list)', linesmanEnVsMintEn: 'vs mint-filter (English list)', linesmanAllVsMintAll: 'vs mint-filter (all phrases)' };
    for (const [k, l] of Object.entries(rl)) {
      const x = S.ratios[k];
      out.push(`| ${l} | **${fmt(x.all.median, 2)}** | ${fmt(x.all.p99, 2)} | ${fmt(x.all.mean, 2)} | ${fmt(x.clean.median, 2)} | ${fmt(x.hit.median, 2)} | ${fmt(x.disguised.median, 2)} |`);
    }
    out.push('');
    out.push(`Through the worker (\`await lm.checkDraft(text)\`, all phrases, all texts): median ${fmt(S.worker.all.medianUs, 0)} µs, p99 ${fmt(S.worker.all.p99Us, 0)} µs.`);
    out.push('');
    out.push('Detection: texts where the library reports a match over the inserted phrase (clean: texts with any match = false positives).');
    out.push('');
    const lanes = Object.keys(S.detection);
    out.push(`| texts | ${lanes.map((l) => `${label[l]}${l.endsWith('All') ? ' (all)' : l === 'linesmanEn' || l === 'mintEn' ? ' (English)' : ''}`).join(' | ')} |`);
    out.push(`|---|${lanes.map(() => '---:').join('|')}|`);
    const keys = [...new Set(lanes.flatMap((l) => Object.keys(S.detection[l])))];
    const order = ['clean', 'none', 'spaces', 'symbols', 'zeroWidth', 'fullWidth', 'case'];
    keys.sort((a, b) => a.split(':')[0].localeCompare(b.split(':')[0]) * -1 || order.indexOf(a.split(':')[1]) - order.indexOf(b.split(':')[1]));
    for (const k of keys) {
      const [lang, d] = k.split(':');
      const name = d === 'clean' ? `${lang} clean (false positives)` : `${lang} ${d === 'none' ? 'plain hit' : d}`;
      out.push(`| ${name} | ${lanes.map((l) => {
        const c = S.detection[l][k];
        if (!c) return '';
        return d === 'clean' ? `${c.any}/${c.n}` : `${c.caught}/${c.n}`;
      }).join(' | ')} |`);
    }
  }
  out.push('');
  out.push(`Machine: ${info.cpu} × ${info.cores}, ${mib(info.mem)} MiB; load average ${info.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ` +
    `${info.loadAfter.map((x) => x.toFixed(2)).join(' ')} after. ${info.browser}, timer resolution ${fmt(r.env.timerResolutionUs)} µs, crossOriginIsolated=${r.env.crossOriginIsolated}. ` +
    `Commit ${gitHead()}; pkg .stamp ${pkgStamp(pkgDir)?.slice(0, 12) ?? '?'}. Build: profile ${info.build.profile ?? '?'}, wasm-opt ${info.build.wasmOpt ?? '?'} (binaryen ${info.build.binaryen ?? '?'}), simd128=${info.build.simd128}, ` +
    `wasm ${info.build.sizes?.wasm ?? '?'} B / ${info.build.sizes?.wasmGzip ?? '?'} B gzip.`);
  return out.join('\n');
}

const loadBefore = loadavg();
const { url, child } = await startServer();
let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({
    ...launchOptions,
    headless: true,
    // measureUserAgentSpecificMemory answers at once instead of after the next GC.
    args: [...launchOptions.args, '--enable-blink-features=ForceEagerMeasureMemory', ...opts.chromiumArgs],
  });
  console.error(`serving ${url}; ${browser.version()}`);

  // Truly cold starts: one create per fresh context.
  const kinds = ['init', 'rules', 'model'];
  const coldPages = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let i = 0; i < opts.coldPages; i++) {
    for (const kind of kinds.map((_, j) => kinds[(i + j) % kinds.length])) {
      const r = await runPage(browser, url, new URLSearchParams({ sections: 'cold1', kind }), true);
      coldPages[kind].push(r.cold1.ms);
    }
  }
  if (opts.coldPages > 0) console.error(`cold pages: ${kinds.map((k) => `${k} ${coldPages[k].map((x) => x.toFixed(0)).join('/')} ms`).join(', ')}`);

  const memory = [];
  const convLength = Number(pageParams.get('conv') ?? 1000);
  for (let i = 0; i < opts.memoryPages; i++) {
    for (const kind of i % 2 ? ['model', 'rules'] : ['rules', 'model']) {
      const m = await memoryPage(browser, url, kind, convLength);
      memory.push(m);
      console.error(`memory ${kind}: ${m.steps.map((s) => `${s.step}: wasm ${mib(s.wasmMemoryBytes)} MiB, worker JS ${mib(s.workerBytes)} MiB`).join('; ')}`);
    }
  }

  const result = await runPage(browser, url, pageParams, false);
  if (memory.length) {
    result.memory = {
      note: 'fresh page per sample; wasmMemoryBytes = the worker\'s WebAssembly.Memory size (read in the worker through the DevTools protocol); bytes/workerBytes/windowBytes = performance.measureUserAgentSpecificMemory() (JS heaps and DOM by realm, no wasm memory; Chromium launched with ForceEagerMeasureMemory)',
      samples: memory,
    };
  }
  if (opts.coldPages > 0) {
    result.coldPages = {
      note: 'one Linesman.create (or, for init, Linesman.builtinPlaybooks) per fresh browser context and page: first visit, nothing compiled or cached (serve.mjs sends no-store)',
      ...Object.fromEntries(kinds.map((k) => [k, { medianMs: median(coldPages[k]), all: coldPages[k] }])),
    };
  }

  const build = existsSync(join(pkgDir, 'build-info.json')) ? await readJson(join(pkgDir, 'build-info.json')) : {};
  const model = await readFile(join(pkgDir, 'emotion.model'));
  const wasmFile = await readFile(join(pkgDir, 'linesman_wasm_bg.wasm'));
  const info = {
    browser: `Chromium ${browser.version()}`,
    playwright: (await readJson(join(wwwDir, 'node_modules/@playwright/test/package.json'))).version,
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    mem: totalmem(),
    loadBefore,
    loadAfter: loadavg(),
    build,
    modelBytes: model.length,
    modelGzip: gzipSync(model, { level: 9 }).length,
    wasmBytes: wasmFile.length,
  };
  result.runner = { ...info, label: opts.label, chromiumArgs: opts.chromiumArgs, commit: gitHead(), pkgStamp: pkgStamp(pkgDir), wasmSha256: wasmShaAtStart, wasmUnchanged: wasmSha(pkgDir) === wasmShaAtStart };
  if (!result.runner.wasmUnchanged) console.error('WARNING: pkg/linesman_wasm_bg.wasm changed during the run');
  const text = tables(result, info);
  console.log(text);

  if (opts.write) console.error(`wrote ${await writeResult('assist', result, text, opts.label)}`);
} catch (e) {
  console.error(e?.stack ?? e);
  exitCode = 1;
} finally {
  await browser?.close();
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
}
process.exit(exitCode);
