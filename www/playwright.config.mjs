// Browser tests: real headless Chromium from Debian (/usr/bin/chromium),
// against www/ served by serve.mjs on 127.0.0.1 (cross-origin isolated).
// Needs the wasm package: scripts/build-wasm.sh (run-tests.sh does it).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './tests/chromium.mjs';

const port = Number(process.env.LINESMAN_TEST_PORT ?? 8791);

export default defineConfig({
  testDir: './tests',
  testMatch: /.*\.spec\.mjs$/,
  // Two cores: the wasm engine compiles per page; keep it to two workers.
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    browserName: 'chromium',
    headless: true,
    launchOptions,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node serve.mjs ${port}`,
    url: `http://127.0.0.1:${port}/src/linesman.js`,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
