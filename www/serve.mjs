#!/usr/bin/env node
// A tiny static server for www/ (no dependencies), bound to 127.0.0.1.
//
//   node www/serve.mjs [port] [--models-dir DIR]
//
// Port: first argument, else $PORT, else 8080; 0 picks a free port. The URL
// is printed as the first line on stdout ("serving http://127.0.0.1:PORT/").
// Serves www/ at /, and /models/*.onnx from models/ (or --models-dir /
// $LINESMAN_MODELS_DIR). Every response is cross-origin isolated
// (COOP/COEP/CORP), so performance.now() is precise and SharedArrayBuffer
// exists.

import { createServer } from 'node:http';
import { stat, open } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const wwwRoot = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(wwwRoot, '..');

const args = process.argv.slice(2);
let port = process.env.PORT ?? '8080';
let modelsDir = process.env.LINESMAN_MODELS_DIR ?? join(repoRoot, 'models');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--models-dir') modelsDir = args[++i];
  else if (/^\d+$/.test(args[i])) port = args[i];
  else {
    console.error(`usage: serve.mjs [port] [--models-dir DIR] (unknown argument ${args[i]})`);
    process.exit(2);
  }
}
modelsDir = resolve(modelsDir);

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.model': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** The file a URL path maps to, or null if it is outside the served roots. */
function resolvePath(urlPath) {
  let root = wwwRoot;
  let rel = urlPath;
  if (urlPath.startsWith('/models/')) {
    if (!urlPath.endsWith('.onnx')) return null;
    root = modelsDir;
    rel = urlPath.slice('/models'.length);
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = resolve(join(root, rel));
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

function reply(res, status, text) {
  res.writeHead(status, { ...ISOLATION, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed');
  let urlPath;
  let csp = null;
  try {
    const u = new URL(req.url, 'http://localhost');
    urlPath = decodeURIComponent(u.pathname);
    // ?csp=self: the page as a console with a strict policy serves it (extension tests).
    if (u.searchParams.get('csp') === 'self') csp = { 'Content-Security-Policy': "script-src 'self'" };
  } catch {
    return reply(res, 400, 'bad request');
  }
  if (urlPath.includes('\0')) return reply(res, 400, 'bad request');
  const file = resolvePath(urlPath);
  if (!file) return reply(res, 404, 'not found');
  let fh;
  try {
    const st = await stat(file);
    if (!st.isFile()) return reply(res, 404, 'not found');
    fh = await open(file, 'r');
    res.writeHead(200, {
      ...ISOLATION,
      ...csp,
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': st.size,
    });
    if (req.method === 'HEAD') {
      await fh.close();
      return res.end();
    }
    const stream = fh.createReadStream();
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  } catch {
    await fh?.close();
    return reply(res, 404, 'not found');
  }
});

server.listen(Number(port), '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`serving http://127.0.0.1:${actual}/ (www: ${wwwRoot}, models: ${modelsDir})`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
