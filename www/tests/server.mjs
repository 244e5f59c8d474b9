// Starts www/serve.mjs on a free port for scripts that drive a browser
// themselves (benchmarks, screenshots); Playwright tests use the config's
// webServer instead.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const wwwDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves with `{url, child}` once serve.mjs prints its URL; `args` are extra serve.mjs arguments. */
export function startServer(args = []) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [join(wwwDir, 'serve.mjs'), '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolveStart({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code} before listening`)));
  });
}
