// Extension tests: Debian Chromium with the *packaged* extension
// (dist/linesman-extension.zip from scripts/build-extension.sh, unzipped),
// never the sources. Each test gets a fresh profile.
//
// Host access: Chrome asks the agent before granting an optional host
// permission, and that prompt cannot be answered from a test (no switch or
// DevTools method does it; chrome://extensions' developerPrivate
// .addHostPermission did not grant http://127.0.0.1/* in our runs). So the
// profile is prepared as it is after the agent clicked "Allow" once for
// http://127.0.0.1: a first launch installs
// the extension, then its preferences get that origin as granted.
// `chrome.permissions.request` for it then resolves true without a prompt,
// and the rest of the path (enable site → content scripts) is real.
import { test as base, expect } from '@playwright/test';
import { chromium } from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, OFFLINE_ARGS } from '../chromium.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ZIP = process.env.LINESMAN_EXTENSION_ZIP ?? join(repo, 'dist/linesman-extension.zip');
export const GRANTED = ['http://127.0.0.1/*'];

/** The id Chrome gives an unpacked extension: sha256 of its path, a–p. */
export function unpackedId(path) {
  const hex = createHash('sha256').update(path).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

export function launchArgs(dir) {
  return [...OFFLINE_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`];
}

export async function launch(profile, dir) {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: launchArgs(dir) });
}

export async function serviceWorkerOf(context, id) {
  const url = `chrome-extension://${id}/src/background.js`;
  const found = context.serviceWorkers().find((w) => w.url() === url);
  if (found) return found;
  return context.waitForEvent('serviceworker', { predicate: (w) => w.url() === url, timeout: 15_000 });
}

/** Unzips the package and makes a profile template with 127.0.0.1 granted. */
async function prepare(root) {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run scripts/build-extension.sh`);
  const dir = join(root, 'ext');
  execFileSync('python3', ['-m', 'zipfile', '-e', ZIP, dir]);
  const id = unpackedId(dir);
  const template = join(root, 'profile');
  const ctx = await launch(template, dir);
  await serviceWorkerOf(ctx, id);
  await ctx.close();
  const prefsFile = join(template, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(prefsFile, 'utf8'));
  const s = prefs.extensions?.settings?.[id];
  if (!s) throw new Error(`extension ${id} not found in the profile (was it loaded?)`);
  for (const k of ['active_permissions', 'granted_permissions']) {
    s[k] ??= {};
    s[k].explicit_host = [...new Set([...(s[k].explicit_host ?? []), ...GRANTED])];
  }
  writeFileSync(prefsFile, JSON.stringify(prefs));
  return { dir, id, template };
}

export const test = base.extend({
  packaged: [
    async ({}, use) => {
      const root = mkdtempSync(join(tmpdir(), 'linesman-ext-'));
      try {
        await use(await prepare(root));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],

  extension: async ({ packaged, baseURL }, use) => {
    const profile = mkdtempSync(join(tmpdir(), 'linesman-profile-'));
    cpSync(packaged.template, profile, { recursive: true });
    const context = await launch(profile, packaged.dir);
    const { id, dir } = packaged;
    const ext = {
      id,
      dir,
      context,
      baseURL,
      origin: new URL(baseURL).origin,
      url: (path) => `chrome-extension://${id}/${path}`,
      serviceWorker: () => serviceWorkerOf(context, id),
      async openPage(path) {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${id}/${path}`);
        return page;
      },
      /** What the panel's "Enable" does after the grant: the SW registers the content script. */
      async enableSite(origin = ext.origin, adapter = 'auto') {
        const sw = await ext.serviceWorker();
        await sw.evaluate(
          async ([o, a]) => {
            const k = 'linesman.sites.v1';
            const cur = (await chrome.storage.local.get(k))[k] ?? {};
            cur[o] = { enabled: true, adapter: a };
            await chrome.storage.local.set({ [k]: cur });
          },
          [origin, adapter],
        );
        // Registration follows the storage change; wait until it is there.
        await expect
          .poll(() => sw.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).length), { timeout: 10_000 })
          .toBeGreaterThan(0);
      },
    };
    try {
      await use(ext);
    } finally {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    }
  },
});

export { expect };
