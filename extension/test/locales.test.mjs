// Tests for _locales: the three locales carry the same keys and
// placeholders, every key the extension's code asks for exists, and the
// store's length limits hold. Run: node --test extension/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCALES = ['en', 'zh_CN', 'zh_TW'];
const messages = Object.fromEntries(await Promise.all(LOCALES.map(async (l) => [l, JSON.parse(await readFile(path.join(ext, '_locales', l, 'messages.json'), 'utf8'))])));

test('the shipped locales are en, zh_CN and zh_TW', async () => {
  assert.deepEqual((await readdir(path.join(ext, '_locales'))).sort(), [...LOCALES].sort());
});

test('every locale has the same keys and placeholders, each used in its message', () => {
  const keys = Object.keys(messages.en).sort();
  for (const l of LOCALES) {
    assert.deepEqual(Object.keys(messages[l]).sort(), keys, l);
    for (const [k, m] of Object.entries(messages[l])) {
      assert.match(k, /^[A-Za-z0-9_]+$/, `${l}/${k}: Chrome allows [A-Za-z0-9_] in names`);
      assert.equal(typeof m.message, 'string', `${l}/${k}`);
      assert.ok(m.message.trim(), `${l}/${k} is empty`);
      const used = [...m.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((x) => x[1].toLowerCase()).sort();
      const declared = Object.keys(m.placeholders ?? {}).sort();
      assert.deepEqual([...new Set(used)], declared, `${l}/${k}: placeholders used vs declared`);
      assert.deepEqual(declared, Object.keys(messages.en[k].placeholders ?? {}).sort(), `${l}/${k}: same placeholders as en`);
      for (const [n, p] of Object.entries(m.placeholders ?? {})) assert.equal(p.content, messages.en[k].placeholders[n].content, `${l}/${k}/${n}`);
      // A lone $ would be read as a placeholder reference.
      assert.equal(/\$(?![A-Za-z0-9_]+\$)/.test(m.message.replace(/\$[A-Za-z0-9_]+\$/g, '')), false, `${l}/${k}: stray $`);
    }
  }
});

test('the name and description fit the Chrome Web Store limits', () => {
  for (const l of LOCALES) {
    assert.ok([...messages[l].extName.message].length <= 75, `${l}: name over 75 characters`);
    assert.ok([...messages[l].extDescription.message].length <= 132, `${l}: description over 132 characters`);
  }
});

test('every message the code asks for exists', async () => {
  const src = path.join(ext, 'src');
  const files = (await readdir(src, { recursive: true })).filter((f) => /\.(js|html)$/.test(f));
  const wanted = new Set();
  for (const f of files) {
    const text = await readFile(path.join(src, f), 'utf8');
    for (const m of text.matchAll(/data-i18n(?:-[a-z]+)?="([A-Za-z0-9_]+)"/g)) wanted.add(m[1]);
    for (const m of text.matchAll(/\b(?:t|msg|getMessage)\('([A-Za-z0-9_]+)'/g)) wanted.add(m[1]);
    // Keys picked from tables: { webhook: 'kindWebhook', … } and `pickerProblem_${p}`.
    for (const m of text.matchAll(/:\s*'((?:kind|hint|adapter|pb|picker)[A-Z][A-Za-z]+)'/g)) wanted.add(m[1]);
  }
  const manifest = await readFile(path.join(ext, 'manifest.json'), 'utf8').catch(() => '');
  for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) wanted.add(m[1]);
  const picker = await readFile(path.join(src, 'picker.js'), 'utf8');
  for (const m of picker.matchAll(/problems\.push\('([A-Za-z]+)'\)/g)) wanted.add(`pickerProblem_${m[1]}`);
  const missing = [...wanted].filter((k) => !(k in messages.en)).sort();
  assert.deepEqual(missing, []);
  assert.ok(wanted.size > 100, `found ${wanted.size} keys in the code`);
});
