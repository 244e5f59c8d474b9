// Emotion model benchmark: tract compiled to wasm (our pkg) against
// onnxruntime-web (wasm backend, one thread) on the same model and the same
// inputs, in the same page. The result goes to window.__benchResult (run it
// headless with bench/run-emotion-bench.mjs).
//
// Model files: the wasm build reads the model in tensor form only
// (pkg/emotion.model, made from models/emotion.onnx by the native
// `linesman convert-model` in scripts/build-wasm.sh), so tract loads that;
// onnxruntime-web loads the ONNX file (/models/emotion.onnx). Same weights:
// the page fails unless both agree on every input.
//
// Features: if the wasm package exports the Rust featuriser
// (EmotionBench.prototype.feature_ids / feature_weights / run_text), both
// engines get the Rust features and the "tract + features" lane calls
// run_text. Until then the features come from featurizeJs below (character
// bigrams hashed into 32768 buckets: a stand-in, not the model's real
// featuriser), and that lane times featurizeJs + tract.

import { median, now, publish, stats, timerResolutionUs } from './measure.js';

const params = new URLSearchParams(location.search);
const intParam = (name, dflt, min = 1) => {
  const v = Number(params.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min) throw new Error(`bad ?${name}=${params.get(name)}`);
  return v;
};
let config;
function readConfig() {
  config = {
    runs: intParam('runs', 10000),
    block: intParam('block', 50),
    warmup: intParam('warmup', 400, 0),
    cold: intParam('cold', 5),
    model: params.get('model') ?? '/models/emotion.onnx',
    pkg: params.get('pkg') ?? 'pkg',
  };
  if (!/^[\w.-]+$/.test(config.pkg)) throw new Error(`bad ?pkg=${config.pkg}`);
  config.tractModel = params.get('tractModel') ?? `/${config.pkg}/emotion.model`;
}

const logEl = document.getElementById('log');
const lines = [];
function log(msg) {
  lines.push(msg);
  logEl.textContent = lines.join('\n');
  console.log(msg);
}

const BUCKETS = 32768;

/** Stand-in featuriser: lower-cased code points, bigrams over ^text$, FNV-1a (32-bit), 32768 buckets. */
function featurizeJs(text) {
  const cps = Array.from('\u0002' + text.toLowerCase() + '\u0003', (c) => c.codePointAt(0));
  const counts = new Map();
  for (let i = 0; i + 1 < cps.length; i++) {
    let h = 0x811c9dc5;
    for (const cp of [cps[i], cps[i + 1]]) {
      for (let s = 0; s < 32; s += 8) {
        h ^= (cp >>> s) & 0xff;
        h = Math.imul(h, 0x01000193);
      }
    }
    const id = (h >>> 0) & (BUCKETS - 1);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  // Like the real features: ids in order of first appearance, weight =
  // count / number of bigrams (so the model takes the mean embedding).
  const total = cps.length - 1;
  const ids = new BigInt64Array(counts.size);
  const weights = new Float32Array(counts.size);
  let k = 0;
  for (const [id, c] of counts) {
    ids[k] = BigInt(id);
    weights[k++] = c / total;
  }
  return { ids, weights };
}




async function main() {
  readConfig();
  const result = { schema: 1, date: new Date().toISOString(), config };
  result.env = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    timerResolutionUs: timerResolutionUs(),
  };
  log(`crossOriginIsolated=${self.crossOriginIsolated}, timer resolution ${result.env.timerResolutionUs.toFixed(1)} µs`);

  // Inputs first (not timed). modelBytes: the ONNX file (ort);
  // tractBytes: the tensor form of the same model (tract).
  const bytesOf = (url) =>
    fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return r.arrayBuffer();
    }).then((b) => new Uint8Array(b));
  const [modelBytes, tractBytes, messages] = await Promise.all([
    bytesOf(config.model),
    bytesOf(config.tractModel),
    fetch(new URL('./emotion-messages.json', import.meta.url)).then((r) => r.json()),
  ]);
  config.modelBytes = modelBytes.length;
  config.tractModelBytes = tractBytes.length;
  config.messages = messages.length;
  log(`models: ort ${config.model} ${modelBytes.length} bytes, tract ${config.tractModel} ${tractBytes.length} bytes; ${messages.length} messages`);

  // Runtimes: glue import + wasm fetch/compile/instantiate. ort's wasm is
  // only instantiated by the first session, so its "first create" includes it.
  const ortBase = new URL('../node_modules/onnxruntime-web/dist/', import.meta.url).href;
  let t0 = now();
  const wasmPkg = await import(new URL(`../${config.pkg}/linesman_wasm.js`, import.meta.url).href);
  await wasmPkg.default({ module_or_path: new URL(`../${config.pkg}/linesman_wasm_bg.wasm`, import.meta.url) });
  const tractRuntimeMs = now() - t0;
  const { EmotionBench } = wasmPkg;

  t0 = now();
  const ort = await import(ortBase + 'ort.wasm.min.mjs');
  const ortImportMs = now() - t0;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = ortBase; // local files, never a CDN
  ort.env.logLevel = 'warning';
  const ortOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  result.versions = { onnxruntimeWeb: ort.env.versions?.web ?? null };

  // Cold start: model bytes -> ready to run (load + optimise).
  t0 = now();
  let tract = new EmotionBench(tractBytes);
  const tractFirstMs = now() - t0;
  t0 = now();
  let session = await ort.InferenceSession.create(modelBytes.slice(), ortOptions);
  const ortFirstMs = now() - t0;
  for (const name of ['ids', 'weights']) {
    if (!session.inputNames.includes(name)) throw new Error(`ort: model has no input ${name} (${session.inputNames})`);
  }
  const outName = session.outputNames.includes('probs') ? 'probs' : session.outputNames[0];
  tract.free();
  await session.release();

  const coldTract = [];
  const coldOrt = [];
  for (let k = 0; k < config.cold; k++) {
    const order = k % 2 ? ['ort', 'tract'] : ['tract', 'ort'];
    for (const which of order) {
      if (which === 'tract') {
        t0 = now();
        const b = new EmotionBench(tractBytes);
        coldTract.push(now() - t0);
        b.free();
      } else {
        const copy = modelBytes.slice();
        t0 = now();
        const s = await ort.InferenceSession.create(copy, ortOptions);
        coldOrt.push(now() - t0);
        await s.release();
      }
    }
  }
  result.coldStart = {
    tract: { runtimeInitMs: tractRuntimeMs, firstCreateMs: tractFirstMs, createMs: coldTract, medianMs: median(coldTract) },
    ort: { runtimeImportMs: ortImportMs, firstCreateInclRuntimeMs: ortFirstMs, createMs: coldOrt, medianMs: median(coldOrt) },
  };
  log(`cold start (median of ${config.cold}): tract ${median(coldTract).toFixed(2)} ms, ort ${median(coldOrt).toFixed(2)} ms`);

  tract = new EmotionBench(tractBytes);
  session = await ort.InferenceSession.create(modelBytes.slice(), ortOptions);

  // Features for every message.
  const rustFeatures = typeof tract.feature_ids === 'function' && typeof tract.feature_weights === 'function';
  const rustText = typeof tract.run_text === 'function';
  config.featureSource = rustFeatures ? 'rust' : 'js-bigram-standin';
  const inputs = messages.map((text) =>
    rustFeatures ? { text, ids: tract.feature_ids(text), weights: tract.feature_weights(text) } : { text, ...featurizeJs(text) },
  );
  const nFeat = inputs.map((x) => x.ids.length);
  config.featuresPerMessage = { min: Math.min(...nFeat), median: median(nFeat), max: Math.max(...nFeat) };

  const runTract = (x) => tract.run(x.ids, x.weights);
  const hasReuse = typeof tract.run_reusing_state === 'function';
  const runTractReuse = (x) => tract.run_reusing_state(x.ids, x.weights);
  const runOrt = async (x) => {
    const n = x.ids.length;
    const out = await session.run({
      ids: new ort.Tensor('int64', x.ids, [n]),
      weights: new ort.Tensor('float32', x.weights, [1, n]),
    });
    return out[outName].data;
  };
  const runTractText = rustText
    ? (x) => tract.run_text(x.text)
    : (x) => {
      const f = featurizeJs(x.text);
      return tract.run(f.ids, f.weights);
    };

  // Agreement on every input.
  let maxAbsDiff = 0;
  let argmaxAgree = 0;
  let worst = -1;
  const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);
  for (let i = 0; i < inputs.length; i++) {
    const a = runTract(inputs[i]);
    const b = await runOrt(inputs[i]);
    if (a.length !== 6 || b.length !== 6) throw new Error(`output length: tract ${a.length}, ort ${b.length}`);
    for (let k = 0; k < 6; k++) {
      const d = Math.abs(a[k] - b[k]);
      if (!(d <= maxAbsDiff)) {
        maxAbsDiff = Number.isNaN(d) ? Infinity : d;
        worst = i;
      }
    }
    if (argmax(a) === argmax(b)) argmaxAgree++;
    if (hasReuse) {
      const c = runTractReuse(inputs[i]);
      if (c.some((v, k) => v !== a[k])) throw new Error(`tract: run_reusing_state differs from run on input ${i}`);
    }
  }
  result.agreement = { inputs: inputs.length, maxAbsDiff, worstInput: worst, argmaxAgree, tolerance: 1e-4, pass: maxAbsDiff <= 1e-4 };
  log(`agreement: max |tract - ort| = ${maxAbsDiff.toExponential(2)} over ${inputs.length} inputs; argmax agrees on ${argmaxAgree}`);

  // Warm-up, then timed runs in interleaved blocks (order rotated per block).
  const lanes = {
    tract: { run: runTract, async: false, samples: [], blockMs: 0 },
    ort: { run: runOrt, async: true, samples: [], blockMs: 0 },
    tractWithFeatures: { run: runTractText, async: false, samples: [], blockMs: 0 },
  };
  if (hasReuse) lanes.tractReusingState = { run: runTractReuse, async: false, samples: [], blockMs: 0 };
  const names = Object.keys(lanes);
  let sink = 0; // keeps results alive
  for (const name of names) {
    const lane = lanes[name];
    for (let k = 0; k < config.warmup; k++) {
      const x = inputs[k % inputs.length];
      const out = lane.async ? await lane.run(x) : lane.run(x);
      sink += out[0];
    }
  }
  const blocks = Math.ceil(config.runs / config.block);
  let cursor = 0;
  for (let b = 0; b < blocks; b++) {
    const order = names.map((_, k) => names[(k + b) % names.length]);
    const start = cursor;
    for (const name of order) {
      const lane = lanes[name];
      const s = lane.samples;
      const tb = now();
      if (lane.async) {
        for (let k = 0; k < config.block; k++) {
          const x = inputs[(start + k) % inputs.length];
          const t = now();
          const out = await lane.run(x);
          s.push(now() - t);
          sink += out[0];
        }
      } else {
        for (let k = 0; k < config.block; k++) {
          const x = inputs[(start + k) % inputs.length];
          const t = now();
          const out = lane.run(x);
          s.push(now() - t);
          sink += out[0];
        }
      }
      lane.blockMs += now() - tb;
    }
    cursor += config.block;
    if (b % 20 === 19) {
      log(`  ${(b + 1) * config.block} / ${blocks * config.block} runs per engine`);
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe
    }
  }
  result.latency = {};
  for (const name of names) {
    const lane = lanes[name];
    result.latency[name] = { ...stats(lane.samples), blockMeanUs: (lane.blockMs * 1000) / lane.samples.length };
  }
  const L = result.latency;
  result.ratio = {
    note: 'tract / ort: below 1 means tract is faster',
    median: L.tract.medianUs / L.ort.medianUs,
    p99: L.tract.p99Us / L.ort.p99Us,
    mean: L.tract.meanUs / L.ort.meanUs,
    blockMean: L.tract.blockMeanUs / L.ort.blockMeanUs,
    coldStart: result.coldStart.tract.medianMs / result.coldStart.ort.medianMs,
  };
  result.goal = {
    statement: 'tract at least as fast as onnxruntime-web (per-message median and p99)',
    met: result.ratio.median <= 1 && result.ratio.p99 <= 1,
  };
  result.sink = sink;
  tract.free();
  await session.release();

  for (const name of names) {
    const s = L[name];
    log(`${name}: median ${s.medianUs.toFixed(1)} µs, p99 ${s.p99Us.toFixed(1)} µs, mean ${s.meanUs.toFixed(1)} µs (n=${s.n})`);
  }
  log(`ratio tract/ort: median ${result.ratio.median.toFixed(3)}, p99 ${result.ratio.p99.toFixed(3)}, cold start ${result.ratio.coldStart.toFixed(3)}`);
  return result;
}

publish(main(), log);
