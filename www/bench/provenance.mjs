// What a benchmark result records about the code it measured.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const benchDir = dirname(fileURLToPath(import.meta.url));

export const readJson = async (p) => JSON.parse(await readFile(p, 'utf8'));

/** The commit checked out (the bench files' and the core's; the wasm in pkg/ is only as new as its build: see pkgStamp). */
export function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** sha256 of the wasm in a package directory: checked before and after a run. */
export const wasmSha = (dir) => createHash('sha256').update(readFileSync(join(dir, 'linesman_wasm_bg.wasm'))).digest('hex');

/** pkg/.stamp: the cargo output's sha256 and the build options of the wasm measured. */
export const pkgStamp = (dir) => (existsSync(join(dir, '.stamp')) ? readFileSync(join(dir, '.stamp'), 'utf8').trim() : null);

/** Writes bench/results/KIND-<date>[-label].json (the result and its printed table); returns the path. */
export async function writeResult(kind, result, table, label) {
  const dir = join(benchDir, 'results');
  await mkdir(dir, { recursive: true });
  const stamp = result.date.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `${kind}-${stamp}${label ? '-' + label : ''}.json`);
  await writeFile(file, JSON.stringify({ ...result, table }, null, 2) + '\n');
  return file;
}
