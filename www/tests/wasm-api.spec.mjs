// The wasm engine through the Worker API, in real Chromium: every golden
// conversation of the core (tests/golden/) gives the same events, step by
// step, as the native golden test; errors cross as LinesmanError; the
// model's tensor form gives the training pipeline's probabilities.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const goldenDir = join(repo, 'tests/golden');

function goldenCase(name) {
  const dir = join(goldenDir, name);
  const pb = existsSync(join(dir, 'playbook.json'))
    ? { playbook: readFileSync(join(dir, 'playbook.json'), 'utf8') }
    : { builtin: readFileSync(join(dir, 'builtin'), 'utf8').trim() };
  const lines = (f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  return { name, pb, steps: lines('transcript.jsonl'), expected: lines('expected.jsonl') };
}

const cases = readdirSync(goldenDir)
  .filter((n) => existsSync(join(goldenDir, n, 'transcript.jsonl')))
  .sort();

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/api.html');
});

test('the golden conversations are all here', () => {
  expect(cases.length).toBeGreaterThanOrEqual(50);
});

// Several cases per browser test: each starts its own worker and engine.
const CHUNK = 6;
for (let i = 0; i < cases.length; i += CHUNK) {
  const chunk = cases.slice(i, i + CHUNK);
  test(`golden conversations through the Worker API: ${chunk[0]} … ${chunk.at(-1)}`, async ({ page }) => {
    for (const name of chunk) {
      const c = goldenCase(name);
      const got = await page.evaluate(async ({ pb, steps }) => {
        const { Linesman } = await import('/src/linesman.js');
        const ls = await Linesman.create({ ...pb, model: null });
        const conv = await ls.conversation();
        const out = [];
        for (const s of steps) {
          if ('tick' in s) out.push(await conv.tick(s.tick));
          else if ('draft' in s) out.push(await ls.checkDraft(s.draft));
          else if ('end' in s) out.push(await conv.end(s.end));
          else out.push(await conv.observe({ role: s.role, text: s.text, ts: s.ts }));
        }
        const sum = await conv.summary();
        out.push({ summary: { score: sum.score, tags: sum.tags, checklist: sum.checklist } });
        ls.close();
        return out;
      }, c);
      expect(got.length, `${name}: steps`).toBe(c.expected.length);
      for (let k = 0; k < got.length; k++) {
        const note = c.steps[k]?.note ?? 'summary';
        expect(got[k], `${name} step ${k + 1}: ${note}`).toEqual(c.expected[k]);
      }
    }
  });
}

test('an invalid playbook is refused with every problem and its JSON path', async ({ page }) => {
  const err = await page.evaluate(async () => {
    const { Linesman, LinesmanError } = await import('/src/linesman.js');
    const bad = {
      playbook: 'broken',
      version: '1',
      locale: 'xx',
      banned: [{ id: 'b', severity: 'catastrophic', phrases: [] }],
    };
    try {
      await Linesman.create({ playbook: bad });
      return null;
    } catch (e) {
      return { isError: e instanceof Error, isLinesman: e instanceof LinesmanError, message: e.message, problems: e.problems };
    }
  });
  expect(err).not.toBeNull();
  expect(err.isError && err.isLinesman).toBe(true);
  expect(err.message).toContain('invalid playbook');
  const paths = err.problems.map((p) => p.path);
  expect(paths).toContain('/locale');
  expect(paths.some((p) => p.startsWith('/banned/0/'))).toBe(true);
  expect(err.problems.length).toBeGreaterThanOrEqual(2);
  for (const p of err.problems) expect(err.message).toContain(`${p.path}: ${p.message}`);
});

test('invalid JSON text names its line and column', async ({ page }) => {
  const msg = await page.evaluate(async () => {
    const { Linesman } = await import('/src/linesman.js');
    return Linesman.create({ playbook: '{\n  "playbook": "x",\n  oops\n}' }).then(
      () => null,
      (e) => e.message,
    );
  });
  expect(msg).toMatch(/line 3 column/);
});

test('bad calls reject with the reason and leave the engine usable', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { Linesman } = await import('/src/linesman.js');
    const ls = await Linesman.create({ builtin: 'retail-zh' });
    const conv = await ls.conversation();
    const reasons = [];
    for (const call of [
      () => conv.observe({ role: 'boss', text: 'hi' }),
      () => conv.observe({ role: 'agent', text: 'hi', ts: -5 }),
      () => conv.tick(Number.NaN),
    ]) {
      reasons.push(await call().then(() => 'accepted', (e) => e.message));
    }
    const after = await conv.observe({ role: 'agent', text: '爱买不买' });
    const unknown = await Linesman.create({ builtin: 'nope' }).then(() => 'accepted', (e) => e.message);
    const builtins = await Linesman.builtinPlaybooks();
    ls.close();
    const closed = await ls.checkDraft('x').then(() => 'accepted', (e) => e.message);
    return { reasons, after: after.map((e) => e.kind), unknown, builtins, closed };
  });
  expect(r.reasons[0]).toContain('role must be agent, customer or system');
  expect(r.reasons[1]).toContain('ts must be milliseconds');
  expect(r.reasons[2]).toContain('now must be milliseconds');
  expect(r.after).toContain('banned');
  expect(r.unknown).toContain('no built-in playbook "nope"');
  expect(r.builtins).toEqual(['retail-zh', 'bank-zh', 'telecom-tw', 'retail-en']);
  expect(r.closed).toContain('closed');
});

test('spans are UTF-16 offsets usable with String.slice', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { Linesman } = await import('/src/linesman.js');
    const ls = await Linesman.create({ builtin: 'retail-zh' });
    const text = '😀😀 您好，爱 买 不 买，电话13812345678';
    const events = await (await ls.conversation()).observe({ role: 'agent', text });
    ls.close();
    return events.filter((e) => 'start' in e).map((e) => ({ kind: e.kind, slice: text.slice(e.start, e.end) }));
  });
  expect(r).toContainEqual({ kind: 'banned', slice: '爱 买 不 买' });
  expect(r).toContainEqual({ kind: 'pii', slice: '13812345678' });
});

test('the emotion model (tensor form) in the browser gives the training pipeline its probabilities', async ({ page }) => {
  const golden = readFileSync(join(repo, 'models/emotion_golden.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((g) => g.text.trim());
  const got = await page.evaluate(async (texts) => {
    const { Linesman } = await import('/src/linesman.js');
    const ls = await Linesman.create({ builtin: 'retail-en', model: '/pkg/emotion.model' });
    const out = [];
    for (const text of texts) {
      const conv = await ls.conversation();
      const ev = (await conv.observe({ role: 'customer', text })).find((e) => e.kind === 'emotion');
      out.push(ev ? { source: ev.source, scores: ev.scores } : null);
      await conv.close();
    }
    const source = ls.emotionSource;
    ls.close();
    return { source, out };
  }, golden.map((g) => g.text));
  expect(got.source).toBe('model');
  const labels = ['angry', 'anxious', 'frustrated', 'confused', 'neutral', 'satisfied'];
  let compared = 0;
  golden.forEach((g, i) => {
    const r = got.out[i];
    if (!r) return; // a message the engine does not read for emotion
    expect(r.source).toBe('model');
    labels.forEach((l, k) => expect(Math.abs(r.scores[l] - g.probs[k]), `${g.text} ${l}`).toBeLessThan(0.0015));
    compared++;
  });
  expect(compared).toBeGreaterThanOrEqual(20);
});

test('a model file that is not the tensor form is refused with what to do', async ({ page }) => {
  const msgs = await page.evaluate(async () => {
    const { Linesman } = await import('/src/linesman.js');
    const tryModel = (model) => Linesman.create({ builtin: 'retail-zh', model }).then(() => 'accepted', (e) => e.message);
    return {
      onnx: await tryModel('/models/emotion.onnx'),
      garbage: await tryModel(new Uint8Array([1, 2, 3, 4])),
      missing: await tryModel('/pkg/no-such-model.tar'),
    };
  });
  expect(msgs.onnx).toContain("tensor form");
  expect(msgs.garbage).toContain('emotion model');
  expect(msgs.missing).toContain('HTTP 404');
});
