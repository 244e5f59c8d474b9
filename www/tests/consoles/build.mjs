#!/usr/bin/env node
// Builds the third-party test consoles (real UI kits from npm) that the
// extension's adapters are tested against:
//
//   node tests/consoles/build.mjs     (npm run build:consoles, in www/)
//
// Each console: <name>/main.jsx → <name>/dist/app.js (+ app.css from the
// CSS it imports). One bundled, minified ES module per console, no runtime
// code generation, so the pages run under `script-src 'self'`. Offline: only
// node_modules.

import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const consoles = ['chatscope'];

const started = performance.now();
for (const name of consoles) {
  const dir = join(here, name);
  const result = await build({
    entryPoints: [join(dir, 'main.jsx')],
    outfile: join(dir, 'dist', 'app.js'), // the imported CSS lands in dist/app.css
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'chrome120',
    jsx: 'automatic',
    // React's production build; the kit's propTypes checks are dropped too.
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'eof', // keep the bundled packages' licence notices
    logLevel: 'warning',
    metafile: true,
  });
  const sizes = Object.entries(result.metafile.outputs)
    .map(([file, { bytes }]) => `${file.replace(/^.*\/dist\//, 'dist/')} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
  console.log(`${name}: ${sizes}`);
}
console.log(`built ${consoles.length} console(s) in ${Math.round(performance.now() - started)} ms`);
