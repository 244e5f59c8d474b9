// Timing and statistics shared by the benchmark pages (assist.js, emotion.js).

export const now = () => performance.now();

/** Quantiles of samples in ms, reported in µs. */
export function stats(samplesMs) {
  const us = Float64Array.from(samplesMs, (x) => x * 1000).sort();
  const n = us.length;
  if (!n) return { n: 0 };
  const q = (p) => us[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  const mean = us.reduce((a, b) => a + b, 0) / n;
  return { n, medianUs: q(0.5), p90Us: q(0.9), p99Us: q(0.99), meanUs: mean, minUs: us[0], maxUs: us[n - 1] };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Smallest non-zero step of performance.now(), in microseconds. */
export function timerResolutionUs() {
  let best = Infinity;
  for (let k = 0; k < 200; k++) {
    const a = now();
    let b = now();
    while (b === a) b = now();
    best = Math.min(best, b - a);
  }
  return best * 1000;
}

/** Hands a page's result (or its error) to the runner, which polls window.__benchResult. */
export function publish(run, log) {
  run.then(
    (r) => {
      window.__benchResult = r;
    },
    (e) => {
      log(`ERROR: ${e?.stack ?? e}`);
      window.__benchResult = { error: String(e?.stack ?? e) };
    },
  );
}
