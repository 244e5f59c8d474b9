#!/usr/bin/env node
// Writes bench/assist-messages.json, the message corpus of bench/assist.html.
//
// Provenance: every message is copied verbatim (role, text, ts) from
//   - tests/golden/*/transcript.jsonl: the 40 golden conversations (zh-CN,
//     zh-TW and en; agent, customer and system messages; many of them written
//     to exercise disguised banned phrases, PII, deadlines and triggers). Their
//     "tick", "end" and "draft" lines and the "note" fields are left out.
//   - crate/samples/chats.jsonl: the 24 bundled sample chats that
//     run-demo.sh inspects (the demo's conversations; realistic retail, bank,
//     telecom and English chats).
// One entry per conversation, in file order, so the benchmark can replay
// conversations in a fresh Conversation each, as a chat would be.
//
//   node bench/make-assist-corpus.mjs      (re-run when those files change)

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '../..');

const jsonl = (text) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const pick = (m) => ({ role: m.role, text: m.text, ...(m.ts != null ? { ts: m.ts } : {}) });

const conversations = [];
const goldenDir = join(repoRoot, 'tests/golden');
for (const name of (await readdir(goldenDir)).sort()) {
  const source = `tests/golden/${name}/transcript.jsonl`;
  const lines = jsonl(await readFile(join(goldenDir, name, 'transcript.jsonl'), 'utf8'));
  const messages = lines.filter((l) => typeof l.role === 'string' && typeof l.text === 'string').map(pick);
  if (messages.length) conversations.push({ source, messages });
}
for (const chat of jsonl(await readFile(join(repoRoot, 'crate/samples/chats.jsonl'), 'utf8'))) {
  conversations.push({ source: `crate/samples/chats.jsonl#${chat.id}`, messages: chat.messages.map(pick) });
}

const messages = conversations.flatMap((c) => c.messages);
const cjk = messages.filter((m) => /[\u3400-\u9fff]/.test(m.text)).length;
const out = {
  provenance:
    'Verbatim messages (role, text, ts) of tests/golden/*/transcript.jsonl (tick/end/draft lines and notes left out) ' +
    'and of crate/samples/chats.jsonl (the sample chats run-demo.sh inspects); written by bench/make-assist-corpus.mjs.',
  stats: {
    conversations: conversations.length,
    messages: messages.length,
    byRole: Object.fromEntries(['agent', 'customer', 'system'].map((r) => [r, messages.filter((m) => m.role === r).length])),
    withChinese: cjk,
    withoutChinese: messages.length - cjk,
  },
  conversations,
};
const file = join(benchDir, 'assist-messages.json');
await writeFile(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${file}: ${JSON.stringify(out.stats)}`);
