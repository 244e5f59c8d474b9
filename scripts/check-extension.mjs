#!/usr/bin/env node
// Checks a built extension directory: the manifest parses, every file it
// names exists, every __MSG_x__ has a message in every locale, and every
// locale has the same keys. A broken package fails the build, not the user.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const problems = [];
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const files = [
  manifest.background?.service_worker,
  manifest.side_panel?.default_path,
  manifest.options_page,
  manifest.storage?.managed_schema,
  ...Object.values(manifest.icons ?? {}),
].filter(Boolean);
for (const f of files) if (!existsSync(join(dir, f))) problems.push(`manifest names ${f}, which is not in the package`);

const locales = existsSync(join(dir, '_locales')) ? readdirSync(join(dir, '_locales')) : [];
if (!locales.includes(manifest.default_locale)) problems.push(`default_locale ${manifest.default_locale} has no _locales folder`);
const keys = new Map(locales.map((l) => [l, new Set(Object.keys(JSON.parse(readFileSync(join(dir, '_locales', l, 'messages.json'), 'utf8'))))]));
const used = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]);
for (const [l, ks] of keys) {
  for (const k of used) if (!ks.has(k)) problems.push(`_locales/${l}: no message ${k} (used by the manifest)`);
  for (const k of keys.get(manifest.default_locale) ?? []) if (!ks.has(k)) problems.push(`_locales/${l}: no message ${k} (present in ${manifest.default_locale})`);
}
if (problems.length) {
  console.error(`check-extension: ${dir}\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
