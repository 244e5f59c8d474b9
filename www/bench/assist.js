// The assist engine in the browser, measured through the Worker API
// (src/linesman.js), plus the banned-phrase scan beside two npm peers.
// The result goes to window.__benchResult (run it headless with
// bench/run-assist-bench.mjs, which also opens fresh pages for the truly
// cold starts: sections=cold1&kind=...).
//
// Sections (in this order; ?sections=a,b picks some):
//   parts      the raw wasm in this page, first thing: fetch, compile,
//              instantiate, engine build without and with the model
//   cold       Linesman.create in fresh workers of this page, kinds rotated
//   latency    observe -> events on the main thread, corpus replayed
//              conversation by conversation, lanes interleaved
//   throughput a 1,000-message conversation, sequential and pipelined
//   scan       Engine.checkDraft (in the page) vs obscenity and mint-filter
//              on the same word lists and texts, interleaved; detection table
//
// Memory is measured by the runner in fresh pages, through the steps in
// window.__assist (create an engine, run the long conversation, call
// performance.measureUserAgentSpecificMemory): that call never answers once
// a worker of the page has been terminated (Chromium 156), and it does not
// count wasm memory, which the runner reads in the worker itself.
//
// Message corpus: bench/assist-messages.json (see make-assist-corpus.mjs for
// its provenance: the golden transcripts and the bundled sample chats).

import { Linesman } from '../src/linesman.js';
import { requireCjs } from './cjs.js';
import { median, now, publish, stats, timerResolutionUs } from './measure.js';

const params = new URLSearchParams(location.search);
const intParam = (name, dflt, min = 1) => {
  const v = Number(params.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min) throw new Error(`bad ?${name}=${params.get(name)}`);
  return v;
};
const ALL_SECTIONS = ['parts', 'cold', 'latency', 'throughput', 'scan'];
let config;
function readConfig() {
  const sections = (params.get('sections') ?? ALL_SECTIONS.join(',')).split(',').filter(Boolean);
  for (const s of sections) if (![...ALL_SECTIONS, 'cold1'].includes(s)) throw new Error(`bad section ${s}`);
  config = {
    sections,
    kind: params.get('kind') ?? 'rules',
    cold: intParam('cold', 7),
    rounds: intParam('rounds', 4),
    conv: intParam('conv', 1000),
    tput: intParam('tput', 7),
    scanRounds: intParam('scanRounds', 20),
    scanReps: intParam('scanReps', 10),
    scanBlock: intParam('scanBlock', 20),
    scanTexts: intParam('scanTexts', 60),
    workerScanRounds: intParam('workerScanRounds', 3),
    builtin: 'retail-zh',
    // parts: which engine the fresh page builds first (the first build pays
    // for the first run of the code it needs).
    partsFirst: params.get('partsFirst') ?? 'rules',
  };
  if (!['rules', 'model'].includes(config.partsFirst)) throw new Error(`bad ?partsFirst=${config.partsFirst}`);
}

const logEl = document.getElementById('log');
const lines = [];
function log(msg) {
  lines.push(msg);
  logEl.textContent = lines.join('\n');
  console.log(msg);
}

const PKG = new URL('../pkg/', import.meta.url);
const MODEL_URL = new URL('emotion.model', PKG).href;
const breathe = () => new Promise((r) => setTimeout(r, 0));

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------ inputs

let wasm = null; // the raw wasm package, initialised in this page
let retailJson = null;
let modelBytes = null;
let corpus = null;

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function pageWasm() {
  if (wasm) return wasm;
  wasm = await import(new URL('linesman_wasm.js', PKG).href);
  await wasm.default({ module_or_path: new URL('linesman_wasm_bg.wasm', PKG) });
  return wasm;
}

async function inputs() {
  await pageWasm();
  retailJson ??= wasm.builtinPlaybook(config.builtin);
  modelBytes ??= await fetchBytes(MODEL_URL);
  corpus ??= await fetch(new URL('./assist-messages.json', import.meta.url)).then((r) => r.json());
}

const isZh = (text) => /[\u3400-\u9fff\uf900-\ufaff]/.test(text);
const corpusMessages = () => corpus.conversations.flatMap((c) => c.messages);

/** The long conversation: the corpus messages in order, cycled, one every 3 s. */
function longConversation(n) {
  const all = corpusMessages();
  const base = 1763800000000;
  return Array.from({ length: n }, (_, i) => ({ role: all[i % all.length].role, text: all[i % all.length].text, ts: base + i * 3000 }));
}

// ------------------------------------------------- section: parts (in page)

async function sectionParts(result) {
  // First thing in the page: nothing has compiled this module in this
  // renderer yet (the runner opens the page in a fresh browser context).
  const wasmUrl = new URL('linesman_wasm_bg.wasm', PKG).href;
  let t0 = now();
  const glue = await import(new URL('linesman_wasm.js', PKG).href);
  const importMs = now() - t0;
  t0 = now();
  const bytes = await fetchBytes(wasmUrl);
  const fetchMs = now() - t0;
  t0 = now();
  const module = await WebAssembly.compile(bytes);
  const compileMs = now() - t0;
  t0 = now();
  await glue.default({ module_or_path: module });
  const instantiateMs = now() - t0;
  wasm = glue;
  t0 = now();
  const mBytes = await fetchBytes(MODEL_URL);
  const modelFetchMs = now() - t0;
  modelBytes = mBytes;
  retailJson = wasm.builtinPlaybook(config.builtin);

  const buildRules = [];
  const buildModel = [];
  for (let k = 0; k < 7; k++) {
    const pair = config.partsFirst === 'rules' ? ['rules', 'model'] : ['model', 'rules'];
    for (const kind of k % 2 ? [pair[1], pair[0]] : pair) {
      t0 = now();
      const e = kind === 'rules' ? new wasm.Engine(retailJson) : new wasm.Engine(retailJson, modelBytes);
      (kind === 'rules' ? buildRules : buildModel).push(now() - t0);
      e.free();
    }
  }
  result.parts = {
    note: 'raw wasm on the main thread of a fresh page: import of the JS glue, fetch of the .wasm, WebAssembly.compile, instantiate + start, model fetch; engine builds: median of 7 (first one included in the list); first = the very first build of the page when partsFirst names that kind',
    first: config.partsFirst,
    wasmBytes: bytes.length,
    modelBytes: mBytes.length,
    glueImportMs: importMs,
    wasmFetchMs: fetchMs,
    compileMs,
    instantiateMs,
    modelFetchMs,
    engineBuildRulesMs: { first: buildRules[0], median: median(buildRules), all: buildRules },
    engineBuildModelMs: { first: buildModel[0], median: median(buildModel), all: buildModel },
  };
  log(`parts: fetch ${fetchMs.toFixed(1)} ms, compile ${compileMs.toFixed(1)} ms, instantiate ${instantiateMs.toFixed(1)} ms, ` +
    `build rules ${median(buildRules).toFixed(1)} ms, build with model ${median(buildModel).toFixed(1)} ms (model fetch ${modelFetchMs.toFixed(1)} ms)`);
}

// ------------------------------------------------- section: cold (workers)

const createOptions = (kind) => (kind === 'model' ? { builtin: config.builtin, model: MODEL_URL } : { builtin: config.builtin });

/** One fresh worker: 'init' = worker + wasm only (Linesman.builtinPlaybooks), else Linesman.create. */
async function coldOnce(kind) {
  const t0 = now();
  if (kind === 'init') {
    const ids = await Linesman.builtinPlaybooks();
    const ms = now() - t0;
    if (!ids.includes(config.builtin)) throw new Error(`no built-in ${config.builtin}`);
    return { ms };
  }
  const lm = await Linesman.create(createOptions(kind));
  const ms = now() - t0;
  const source = lm.emotionSource;
  lm.close();
  if (source !== (kind === 'model' ? 'model' : 'lexicon')) throw new Error(`${kind}: emotionSource ${source}`);
  return { ms, source };
}

async function sectionCold1(result) {
  // One create in a fresh page: what a first visit pays (the runner opens
  // one page per sample in its own browser context).
  const r = await coldOnce(config.kind);
  result.cold1 = { kind: config.kind, ms: r.ms };
  log(`cold1 ${config.kind}: ${r.ms.toFixed(1)} ms`);
}

async function sectionCold(result) {
  const kinds = ['init', 'rules', 'model'];
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let k = 0; k < config.cold; k++) {
    const order = kinds.map((_, i) => kinds[(i + k) % kinds.length]);
    for (const kind of order) {
      samples[kind].push((await coldOnce(kind)).ms);
      await breathe();
    }
  }
  result.cold = {
    note: 'fresh worker per sample, in this page (the renderer may reuse the compiled wasm module across workers); init = worker start + wasm fetch/compile/instantiate (Linesman.builtinPlaybooks), rules/model = Linesman.create resolved',
    builtin: config.builtin,
  };
  for (const kind of kinds) result.cold[kind] = { medianMs: median(samples[kind]), all: samples[kind] };
  log(`cold (fresh workers, median of ${config.cold}): init ${result.cold.init.medianMs.toFixed(1)} ms, ` +
    `create rules ${result.cold.rules.medianMs.toFixed(1)} ms, create with model ${result.cold.model.medianMs.toFixed(1)} ms`);
}

// ------------------------------------------------------- section: latency

async function sectionLatency(result, shared) {
  await inputs();
  const workers = {
    rules: await Linesman.create(createOptions('rules')),
    model: await Linesman.create(createOptions('model')),
  };
  shared.workers = workers;
  const pageEngines = { rules: new wasm.Engine(retailJson), model: new wasm.Engine(retailJson, modelBytes) };
  const lanes = {
    workerRules: { kind: 'rules', worker: true },
    workerModel: { kind: 'model', worker: true },
    pageRules: { kind: 'rules', worker: false },
    pageModel: { kind: 'model', worker: false },
  };
  const names = Object.keys(lanes);
  for (const name of names) Object.assign(lanes[name], { samples: [], byRole: {}, byLang: { zh: [], en: [] }, events: 0, convMs: 0, convMsgs: 0 });
  const convs = corpus.conversations;
  const firstEvents = {}; // lane -> JSON of every event list in round 0 (agreement check)

  for (let round = 0; round <= config.rounds; round++) {
    const record = round > 0; // round 0 warms up (and checks agreement)
    for (let c = 0; c < convs.length; c++) {
      const order = names.map((_, i) => names[(i + c + round) % names.length]);
      for (const name of order) {
        const lane = lanes[name];
        const msgs = convs[c].messages;
        const got = [];
        const tc = now();
        if (lane.worker) {
          const conv = await workers[lane.kind].conversation();
          for (const m of msgs) {
            const t = now();
            const ev = await conv.observe(m);
            const dt = now() - t;
            if (record) push(lane, m, dt, ev);
            else got.push(ev);
          }
          await conv.close();
        } else {
          const conv = pageEngines[lane.kind].conversation();
          for (const m of msgs) {
            const t = now();
            const ev = JSON.parse(conv.observe(m.role, m.text, m.ts));
            const dt = now() - t;
            if (record) push(lane, m, dt, ev);
            else got.push(ev);
          }
          conv.free();
        }
        if (record) {
          lane.convMs += now() - tc;
          lane.convMsgs += msgs.length;
        } else {
          (firstEvents[name] ??= []).push(JSON.stringify(got));
        }
      }
      if (c % 8 === 7) await breathe();
    }
    log(`latency: round ${round}/${config.rounds} done`);
  }
  function push(lane, m, dt, ev) {
    lane.samples.push(dt);
    (lane.byRole[m.role] ??= []).push(dt);
    lane.byLang[isZh(m.text) ? 'zh' : 'en'].push(dt);
    lane.events += ev.length;
  }
  // The worker and the page must say the same thing.
  const agree = {};
  for (const kind of ['rules', 'model']) {
    const a = firstEvents[`worker${kind[0].toUpperCase()}${kind.slice(1)}`];
    const b = firstEvents[`page${kind[0].toUpperCase()}${kind.slice(1)}`];
    agree[kind] = a.every((x, i) => x === b[i]);
    if (!agree[kind]) throw new Error(`latency: worker and page events differ (${kind})`);
  }
  const modelEvents = firstEvents.workerModel.join('').match(/"source":"model"/g)?.length ?? 0;
  if (!modelEvents) throw new Error('latency: the model lane produced no model emotion events');

  result.latency = {
    note: 'worker lanes: await conversation.observe(message) through src/linesman.js (post, worker observe + JSON, structured clone back, promise resolved); page lanes: the raw Engine on the main thread (observe + JSON.parse), for reference. Corpus replayed conversation by conversation, each in a fresh Conversation, lanes rotated per conversation; round 0 is warm-up.',
    builtin: config.builtin,
    corpus: corpus.stats,
    rounds: config.rounds,
    workerPageAgree: agree,
    modelEmotionEventsRound0: modelEvents,
    lanes: {},
  };
  for (const name of names) {
    const lane = lanes[name];
    result.latency.lanes[name] = {
      ...stats(lane.samples),
      convMeanUs: (lane.convMs * 1000) / lane.convMsgs,
      eventsPerMessage: lane.events / lane.samples.length,
      byRole: Object.fromEntries(Object.entries(lane.byRole).map(([k, v]) => [k, stats(v)])),
      byLang: Object.fromEntries(Object.entries(lane.byLang).map(([k, v]) => [k, stats(v)])),
    };
    const s = result.latency.lanes[name];
    log(`latency ${name}: median ${s.medianUs.toFixed(0)} µs, p99 ${s.p99Us.toFixed(0)} µs, mean ${s.meanUs.toFixed(0)} µs (n=${s.n})`);
  }
  pageEngines.rules.free();
  pageEngines.model.free();
}

// ---------------------------------------------------- section: throughput

async function sectionThroughput(result, shared) {
  await inputs();
  const workers = shared.workers ?? {
    rules: await Linesman.create(createOptions('rules')),
    model: await Linesman.create(createOptions('model')),
  };
  shared.workers = workers;
  const msgs = longConversation(config.conv);
  const lanes = [];
  for (const kind of ['rules', 'model']) for (const mode of ['sequential', 'pipelined']) lanes.push({ kind, mode, ms: [], events: 0 });
  const pageLanes = ['rules', 'model'].map((kind) => ({ kind, ms: [] }));
  const pageEngines = { rules: new wasm.Engine(retailJson), model: new wasm.Engine(retailJson, modelBytes) };
  for (let rep = 0; rep <= config.tput; rep++) {
    const order = lanes.map((_, i) => lanes[(i + rep) % lanes.length]);
    for (const lane of order) {
      const conv = await workers[lane.kind].conversation();
      let events = 0;
      const t0 = now();
      if (lane.mode === 'sequential') {
        for (const m of msgs) events += (await conv.observe(m)).length;
      } else {
        const all = await Promise.all(msgs.map((m) => conv.observe(m)));
        for (const ev of all) events += ev.length;
      }
      const ms = now() - t0;
      await conv.close();
      if (rep > 0) lane.ms.push(ms); // rep 0 warms up
      lane.events = events;
      await breathe();
    }
    for (const lane of pageLanes) {
      const conv = pageEngines[lane.kind].conversation();
      const t0 = now();
      for (const m of msgs) JSON.parse(conv.observe(m.role, m.text, m.ts));
      const ms = now() - t0;
      conv.free();
      if (rep > 0) lane.ms.push(ms);
    }
  }
  pageEngines.rules.free();
  pageEngines.model.free();
  result.throughput = {
    note: `one ${msgs.length}-message conversation (corpus cycled) per sample, fresh Conversation each; sequential = await each observe before the next, pipelined = all posted then awaited (Promise.all); page = raw Engine on the main thread for reference; rep 0 warms up; lanes rotated`,
    messages: msgs.length,
    reps: config.tput,
    lanes: {},
  };
  for (const lane of [...lanes, ...pageLanes.map((l) => ({ ...l, mode: 'page' }))]) {
    const med = median(lane.ms);
    result.throughput.lanes[`${lane.kind}-${lane.mode}`] = {
      kind: lane.kind,
      mode: lane.mode,
      medianMs: med,
      all: lane.ms,
      msgsPerSec: (msgs.length / med) * 1000,
      ...(lane.events != null ? { events: lane.events } : {}),
    };
    log(`throughput ${lane.kind} ${lane.mode}: ${((msgs.length / med) * 1000).toFixed(0)} msgs/s (${med.toFixed(0)} ms for ${msgs.length})`);
  }
}

// ---------------------------------------------------------- section: scan

/** Word lists from the built-in playbooks' banned rules (every rule, both speakers), deduplicated. */
function wordLists() {
  const all = [];
  const seen = new Set();
  for (const id of wasm.builtinPlaybooks()) {
    const pb = JSON.parse(wasm.builtinPlaybook(id));
    for (const rule of pb.banned ?? []) {
      for (const p of rule.phrases) {
        if (!seen.has(p)) {
          seen.add(p);
          all.push(p);
        }
      }
    }
  }
  const en = all.filter((p) => /^[\x20-\x7e]+$/.test(p));
  const zh = all.filter((p) => !/^[\x20-\x7e]+$/.test(p));
  return { all, en, zh };
}

/** A playbook with one banned rule holding the word list (speaker any, no allow list). */
const benchPlaybook = (id, locale, phrases) =>
  JSON.stringify({
    playbook: id,
    version: '1',
    locale,
    description: 'Generated by bench/assist.js: one banned rule with a word list of the built-in playbooks',
    banned: [{ id: 'words', severity: 'high', speaker: 'any', phrases }],
  });

const FULLWIDTH = (s) => s.replace(/[\x21-\x7e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const SYMBOLS = ['-', '.', '*', '_', '·', '/'];
const DISGUISES = {
  spaces: { langs: ['zh', 'en'], apply: (p) => [...p].join(' ') },
  symbols: {
    langs: ['zh', 'en'],
    apply: (p, i) => p.split(' ').map((w) => [...w].join(SYMBOLS[i % SYMBOLS.length])).join(' '),
  },
  zeroWidth: { langs: ['zh', 'en'], apply: (p) => [...p].join('\u200b') },
  fullWidth: { langs: ['en'], apply: (p) => FULLWIDTH(p) },
  case: {
    langs: ['en'],
    apply: (p) => {
      let k = 0;
      return [...p].map((c) => (/[a-z]/i.test(c) ? (k++ % 2 ? c.toLowerCase() : c.toUpperCase()) : c)).join('');
    },
  },
};

/** Clean base texts, then hits and disguised hits built on them. */
function scanTexts(lists, linesmanAll) {
  const r = rng(20261122);
  const seen = new Set();
  const clean = { zh: [], en: [] };
  const msgs = corpusMessages().map((m) => m.text);
  // Deterministic shuffle, then the first N clean ones per language.
  for (let i = msgs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [msgs[i], msgs[j]] = [msgs[j], msgs[i]];
  }
  for (const text of msgs) {
    if (seen.has(text) || text.length < 12 || text.length > 300 || text.includes('\u0007')) continue;
    seen.add(text);
    const lang = isZh(text) ? 'zh' : /[a-z]/i.test(text) ? 'en' : null;
    if (!lang || clean[lang].length >= config.scanTexts) continue;
    if (JSON.parse(linesmanAll.checkDraft(text)).length) continue; // not clean for Linesman
    clean[lang].push(text);
  }
  const texts = [];
  for (const lang of ['zh', 'en']) {
    const phrases = lang === 'zh' ? lists.zh : lists.en;
    clean[lang].forEach((base, i) => {
      texts.push({ lang, category: 'clean', disguise: 'none', text: base, span: null });
      const phrase = phrases[Math.floor(r() * phrases.length)];
      // Where to insert: at a word start (en) or after punctuation / at either end (zh).
      const spots = [0, base.length];
      for (let k = 1; k < base.length; k++) {
        if (lang === 'en' ? base[k - 1] === ' ' && /\w/.test(base[k]) : /[，。！？、,.!?~～]/.test(base[k - 1])) spots.push(k);
      }
      const at = spots[Math.floor(r() * spots.length)];
      const make = (p, disguise) => {
        const before = base.slice(0, at);
        const after = base.slice(at);
        const pre = lang === 'en' && at > 0 && !before.endsWith(' ') ? ' ' : '';
        const post = lang === 'en' && after && !after.startsWith(' ') ? ' ' : '';
        const start = before.length + pre.length;
        return {
          lang,
          category: disguise === 'none' ? 'hit' : 'disguised',
          disguise,
          text: before + pre + p + post + after,
          span: [start, start + p.length],
          phrase,
        };
      };
      texts.push(make(phrase, 'none'));
      for (const [name, d] of Object.entries(DISGUISES)) {
        if (d.langs.includes(lang)) texts.push(make(d.apply(phrase, i), name));
      }
    });
  }
  return texts;
}

const overlaps = (span, s, e) => span && s < span[1] && e > span[0];

async function sectionScan(result) {
  await inputs();
  const lists = wordLists();
  const nodeModules = new URL('../node_modules/', import.meta.url).href;

  // Peers, straight from node_modules.
  let t0 = now();
  const obs = await requireCjs(nodeModules + 'obscenity/dist/index.js');
  const obsLoadMs = now() - t0;
  t0 = now();
  const { Mint } = await import(nodeModules + 'mint-filter/dist/module/index.js');
  const mintLoadMs = now() - t0;
  const versions = {};
  for (const name of ['obscenity', 'mint-filter']) versions[name] = (await fetch(nodeModules + name + '/package.json').then((r) => r.json())).version;

  // obscenity: its patterns are matched against the text after its
  // transformers, so they are written in that alphabet; each English phrase
  // goes through the same transformers (as a careful user would write it:
  // "dammit" -> "damit", "sh1t" -> "shit") and gets word boundaries (|...|,
  // Linesman's Latin words match whole words too), except with
  // skipNonAlphabetic: that one drops spaces before matching, so a boundary
  // could never be seen (and its patterns lose their spaces too).
  // Pattern syntax ([, ], ?, |, \) escaped.
  const recommended = obs.englishRecommendedTransformers.blacklistMatcherTransformers;
  const withSkip = [...recommended.slice(0, -1), obs.skipNonAlphabeticTransformer(), recommended[recommended.length - 1]];
  const transformPhrase = (p, transformers) => {
    const state = transformers.map((t) => (t.type === 1 ? t.factory() : null));
    let out = '';
    for (const ch of p) {
      let c = ch.codePointAt(0);
      for (let i = 0; i < transformers.length && c !== undefined; i++) c = transformers[i].type === 0 ? transformers[i].transform(c) : state[i].transform(c);
      if (c !== undefined) out += String.fromCodePoint(c);
    }
    return out;
  };
  const obsTerms = (transformers, bounded) => {
    const terms = [];
    const rejected = [];
    lists.en.forEach((p, id) => {
      const t = transformPhrase(p, transformers).trim();
      if (!t) return rejected.push(p);
      try {
        const escaped = t.replace(/[\\[\]?|]/g, (c) => '\\' + c);
        terms.push({ id, pattern: obs.parseRawPattern(bounded ? `|${escaped}|` : escaped) });
      } catch (e) {
        rejected.push(p);
      }
    });
    return { terms, rejected };
  };
  const obsRec = obsTerms(recommended, true);
  const obsSkip = obsTerms(withSkip, false);
  const MASK = '\u0007';
  const engines = {};
  const buildFns = {
    linesmanEn: () => new wasm.Engine(benchPlaybook('bench-en', 'en', lists.en)),
    linesmanAll: () => new wasm.Engine(benchPlaybook('bench-all', 'zh-CN', lists.all)),
    obscenity: () =>
      new obs.RegExpMatcher({ blacklistedTerms: obsRec.terms, blacklistMatcherTransformers: recommended, whitelistMatcherTransformers: obs.englishRecommendedTransformers.whitelistMatcherTransformers }),
    obscenitySkip: () =>
      new obs.RegExpMatcher({ blacklistedTerms: obsSkip.terms, blacklistMatcherTransformers: withSkip, whitelistMatcherTransformers: obs.englishRecommendedTransformers.whitelistMatcherTransformers }),
    mintEn: () => new Mint(lists.en, { customCharacter: MASK }),
    mintAll: () => new Mint(lists.all, { customCharacter: MASK }),
  };
  const buildMs = Object.fromEntries(Object.keys(buildFns).map((k) => [k, []]));
  const buildNames = Object.keys(buildFns);
  for (let k = 0; k < 5; k++) {
    for (const name of buildNames.map((_, i) => buildNames[(i + k) % buildNames.length])) {
      t0 = now();
      const e = buildFns[name]();
      buildMs[name].push(now() - t0);
      engines[name]?.free?.();
      engines[name] = e;
    }
  }

  // What each one does with a text (the timed call) and where it found something.
  const lanes = {
    linesmanEn: { run: (t) => JSON.parse(engines.linesmanEn.checkDraft(t)), spans: (r) => r.map((e) => [e.start, e.end]) },
    obscenity: { run: (t) => engines.obscenity.getAllMatches(t), spans: (r) => r.map((m) => [m.startIndex, m.endIndex + 1]) },
    obscenitySkip: { run: (t) => engines.obscenitySkip.getAllMatches(t), spans: (r) => r.map((m) => [m.startIndex, m.endIndex + 1]) },
    mintEn: { run: (t) => engines.mintEn.filter(t), spans: maskSpans },
    linesmanAll: { run: (t) => JSON.parse(engines.linesmanAll.checkDraft(t)), spans: (r) => r.map((e) => [e.start, e.end]) },
    mintAll: { run: (t) => engines.mintAll.filter(t), spans: maskSpans },
  };
  function maskSpans(r) {
    const out = [];
    for (let i = 0; i < r.text.length; i++) if (r.text[i] === MASK) out.push([i, i + 1]);
    return out;
  }
  const groups = {
    en: { lanes: ['linesmanEn', 'obscenity', 'obscenitySkip', 'mintEn'], lang: ['en'] },
    all: { lanes: ['linesmanAll', 'mintAll'], lang: ['zh', 'en'] },
  };

  const texts = scanTexts(lists, engines.linesmanAll);
  const count = (pred) => texts.filter(pred).length;
  log(`scan: ${lists.en.length} English phrases, ${lists.all.length} in all; ${texts.length} texts ` +
    `(${count((t) => t.category === 'clean')} clean, ${count((t) => t.category === 'hit')} hits, ${count((t) => t.category === 'disguised')} disguised)`);

  // Detection (untimed): does each one report something over the inserted phrase?
  const detection = {};
  for (const [gname, g] of Object.entries(groups)) {
    for (const lane of g.lanes) {
      const d = (detection[lane] = {});
      for (const t of texts) {
        if (!g.lang.includes(t.lang)) continue;
        const key = `${t.lang}:${t.category === 'clean' ? 'clean' : t.disguise}`;
        const cell = (d[key] ??= { n: 0, caught: 0, any: 0, examples: [] });
        const spans = lanes[lane].spans(lanes[lane].run(t.text));
        cell.n++;
        if (spans.length) cell.any++;
        const caught = t.span && spans.some(([s, e]) => overlaps(t.span, s, e));
        if (caught) cell.caught++;
        // A few of the misses (and of the false positives on clean texts).
        const wrong = t.span ? !caught : spans.length > 0;
        if (wrong && cell.examples.length < 8) {
          // Misses with a little context; false positives as the matched text.
          cell.examples.push(
            t.span ? t.text.slice(Math.max(0, t.span[0] - 12), t.span[1] + 12) : spans.map(([s, e]) => t.text.slice(s, e)).join(' | '),
          );
        }
      }
    }
    void gname;
  }

  // Timing: per group, blocks of texts, lane order rotated per block; one
  // sample = the mean of scanReps back-to-back calls on one text.
  let sink = 0;
  const timing = {};
  for (const [gname, g] of Object.entries(groups)) {
    const gTexts = texts.filter((t) => g.lang.includes(t.lang));
    const samples = Object.fromEntries(g.lanes.map((l) => [l, { all: [], clean: [], hit: [], disguised: [], zh: [], en: [] }]));
    const reps = config.scanReps;
    const warm = 2;
    for (let round = 0; round < config.scanRounds + warm; round++) {
      for (let b = 0, blk = 0; b < gTexts.length; b += config.scanBlock, blk++) {
        const block = gTexts.slice(b, b + config.scanBlock);
        const order = g.lanes.map((_, i) => g.lanes[(i + blk + round) % g.lanes.length]);
        for (const lane of order) {
          const run = lanes[lane].run;
          const s = samples[lane];
          for (const t of block) {
            const t1 = now();
            for (let k = 0; k < reps; k++) sink += run(t.text) ? 1 : 0;
            const dt = (now() - t1) / reps;
            if (round >= warm) {
              s.all.push(dt);
              s[t.category].push(dt);
              s[t.lang].push(dt);
            }
          }
        }
      }
      await breathe();
    }
    timing[gname] = { texts: gTexts.length, lanes: {} };
    for (const lane of g.lanes) {
      timing[gname].lanes[lane] = Object.fromEntries(Object.entries(samples[lane]).filter(([, v]) => v.length).map(([k, v]) => [k, stats(v)]));
    }
    log(`scan timing ${gname}: ${g.lanes.map((l) => `${l} ${timing[gname].lanes[l].all.medianUs.toFixed(1)} µs`).join(', ')}`);
  }
  const ratio = (a, b, g) => {
    const A = timing[g].lanes[a];
    const B = timing[g].lanes[b];
    const r = (k) => Object.fromEntries(['medianUs', 'p99Us', 'meanUs'].map((q) => [q.replace('Us', ''), A[k][q] / B[k][q]]));
    return { all: r('all'), clean: r('clean'), hit: r('hit'), disguised: r('disguised') };
  };
  const ratios = {
    note: 'Linesman / peer: below 1 means Linesman is faster',
    linesmanEnVsObscenity: ratio('linesmanEn', 'obscenity', 'en'),
    linesmanEnVsObscenitySkip: ratio('linesmanEn', 'obscenitySkip', 'en'),
    linesmanEnVsMintEn: ratio('linesmanEn', 'mintEn', 'en'),
    linesmanAllVsMintAll: ratio('linesmanAll', 'mintAll', 'all'),
  };

  // For reference: the same scan through the worker (await lm.checkDraft).
  const lm = await Linesman.create({ playbook: benchPlaybook('bench-all', 'zh-CN', lists.all) });
  const wSamples = { all: [], clean: [], hit: [], disguised: [] };
  for (let round = 0; round <= config.workerScanRounds; round++) {
    for (const t of texts) {
      const t1 = now();
      const ev = await lm.checkDraft(t.text);
      const dt = now() - t1;
      sink += ev.length;
      if (round > 0) {
        wSamples.all.push(dt);
        wSamples[t.category].push(dt);
      }
    }
    await breathe();
  }
  lm.close();
  const worker = Object.fromEntries(Object.entries(wSamples).map(([k, v]) => [k, stats(v)]));
  log(`scan through the worker (bench-all): median ${worker.all.medianUs.toFixed(0)} µs, p99 ${worker.all.p99Us.toFixed(0)} µs`);

  for (const e of Object.values(engines)) e.free?.();
  result.scan = {
    note: 'Same word lists and texts for every library, in the same page and thread, interleaved in blocks; a sample is the mean of scanReps back-to-back calls on one text; Linesman = Engine.checkDraft + JSON.parse (the raw wasm in the page), obscenity = RegExpMatcher.getAllMatches, mint-filter = Mint.filter (replace on, its default)',
    versions,
    load: { obscenityCjsMs: obsLoadMs, mintEsmMs: mintLoadMs },
    wordLists: {
      en: lists.en.length,
      all: lists.all.length,
      zh: lists.zh.length,
      obscenityPatterns: obsRec.terms.length,
      obscenityRejected: obsRec.rejected,
      obscenitySkipPatterns: obsSkip.terms.length,
      obscenitySkipRejected: obsSkip.rejected,
      obscenityExamples: lists.en.slice(0, 400).filter((p) => transformPhrase(p, recommended) !== p.toLowerCase()).slice(0, 12).map((p) => [p, transformPhrase(p, recommended)]),
    },
    config: { rounds: config.scanRounds, reps: config.scanReps, block: config.scanBlock, baseTextsPerLanguage: config.scanTexts },
    texts: {
      n: texts.length,
      byKey: texts.reduce((a, t) => ((a[`${t.lang}:${t.category === 'clean' ? 'clean' : t.disguise}`] = (a[`${t.lang}:${t.category === 'clean' ? 'clean' : t.disguise}`] ?? 0) + 1), a), {}),
      medianChars: median(texts.map((t) => t.text.length)),
      examples: Object.keys(DISGUISES).concat(['none']).flatMap((d) => ['zh', 'en'].map((lang) => texts.find((t) => t.disguise === d && t.lang === lang && t.category !== 'clean')).filter(Boolean).map((t) => ({ lang: t.lang, disguise: d, text: t.text, phrase: t.phrase }))),
    },
    buildMs: Object.fromEntries(Object.entries(buildMs).map(([k, v]) => [k, { median: median(v), all: v }])),
    detection,
    timing,
    ratios,
    worker,
    sink,
  };
}

// ------------------------------------------ memory steps, for the runner

async function measureUA() {
  const t0 = now();
  const r = await Promise.race([
    performance.measureUserAgentSpecificMemory(),
    new Promise((_, rej) => setTimeout(() => rej(new Error('measureUserAgentSpecificMemory: no answer in 30 s')), 30000)),
  ]);
  const sum = (scope) => r.breakdown.filter((b) => b.attribution.some((a) => a.scope === scope)).reduce((a, b) => a + b.bytes, 0);
  return {
    bytes: r.bytes,
    workerBytes: sum('DedicatedWorkerGlobalScope'),
    windowBytes: sum('Window'),
    breakdown: r.breakdown.filter((b) => b.bytes > 0).map((b) => ({ bytes: b.bytes, types: b.types, scopes: b.attribution.map((a) => a.scope) })),
    tookMs: now() - t0,
  };
}

const memoryState = {};
window.__assist = {
  async create(kind) {
    if (!config) readConfig();
    memoryState.lm = await Linesman.create(createOptions(kind));
    return memoryState.lm.emotionSource;
  },
  async runConversation(n) {
    corpus ??= await fetch(new URL('./assist-messages.json', import.meta.url)).then((r) => r.json());
    const conv = await memoryState.lm.conversation();
    let events = 0;
    for (const m of longConversation(n)) events += (await conv.observe(m)).length;
    memoryState.conv = conv; // kept open
    return events;
  },
  measureUA,
};

// ------------------------------------------------------------------- main

async function main() {
  readConfig();
  const result = { schema: 1, date: new Date().toISOString(), config };
  result.env = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    timerResolutionUs: timerResolutionUs(),
  };
  if (!self.crossOriginIsolated) throw new Error('the page is not cross-origin isolated (serve it with serve.mjs)');
  log(`crossOriginIsolated=${self.crossOriginIsolated}, timer resolution ${result.env.timerResolutionUs.toFixed(1)} µs`);
  const shared = {};
  const run = {
    cold1: sectionCold1,
    parts: sectionParts,
    cold: sectionCold,
    latency: sectionLatency,
    throughput: sectionThroughput,
    scan: sectionScan,
  };
  for (const name of ['cold1', ...ALL_SECTIONS]) {
    if (!config.sections.includes(name)) continue;
    const t0 = now();
    await run[name](result, shared);
    (result.sectionMs ??= {})[name] = now() - t0;
    await breathe();
  }
  for (const lm of Object.values(shared.workers ?? {})) lm.close();
  return result;
}

publish(main(), log);
