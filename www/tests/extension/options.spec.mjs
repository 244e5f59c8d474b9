// The options page of the packaged extension: playbook import validated by
// the real engine (a refused playbook shows every problem with its JSON
// path and leaves the active one in force, in storage and on the page), the
// flag destination's checks, sites, export/import, and the page itself
// (labels, no raw message keys, 320 px wide).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';

const SETTINGS = 'linesman.settings.v1';
const SITES = 'linesman.sites.v1';
const ADAPTERS = 'linesman.adapters.v1';

const GOOD = { playbook: 'team-x', version: '2.1.0', locale: 'zh-CN', banned: [{ id: 'rude', severity: 'high', phrases: ['爱买不买'] }] };
const BROKEN_JSON = '{\n  "playbook": "x",\n  "version": "1"\n  "banned": []\n}';
const BROKEN_SCHEMA = {
  playbook: 'x',
  version: '1',
  banned: [{ id: 'a', phrases: [] }, { id: 'a', phrases: ['ok'], severity: 'extreme' }],
  required: [{ id: 'g', phrases: ['hi'], deadline: { agent_messages: 0 } }],
  pii: { mask: ['passport'] },
};

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
const stored = async (ext, keys = [SETTINGS, SITES, ADAPTERS]) => (await ext.serviceWorker()).evaluate((k) => chrome.storage.local.get(k), keys);

async function openOptions(extension) {
  const page = await extension.openPage('src/options.html');
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

test('a broken playbook is refused with every problem and its path; the active playbook stays', async ({ extension }) => {
  const page = await openOptions(extension);
  const result = page.locator('#pb-result');
  await expect(page.locator('#pb-active')).toContainText('retail-zh');

  // Not JSON: the line and column.
  await page.setInputFiles('#pb-file', file('broken.json', BROKEN_JSON));
  await expect(result).toHaveAttribute('data-kind', 'error');
  await expect(result.locator('.problems li')).toHaveCount(1);
  await expect(result.locator('.problems li')).toContainText('line 4 column 3');
  expect((await stored(extension))[SETTINGS]).toBeUndefined();
  await expect(page.locator('#pb-active')).toContainText('retail-zh');

  // Valid JSON, invalid playbook: every problem, each with its JSON path.
  await page.setInputFiles('#pb-file', file('schema.json', JSON.stringify(BROKEN_SCHEMA)));
  await expect(result.locator('.problems li')).toHaveCount(5);
  const paths = await result.locator('.problems code.path').allTextContents();
  expect(paths.sort()).toEqual(['/banned/0/phrases', '/banned/1/id', '/banned/1/severity', '/pii/mask/0', '/required/0/deadline/agent_messages']);
  expect((await stored(extension))[SETTINGS]).toBeUndefined();

  // A valid one is saved, with its id and version.
  await page.setInputFiles('#pb-file', file('team-x.json', JSON.stringify(GOOD)));
  await expect(result).toHaveAttribute('data-kind', 'ok');
  await expect(result).toContainText('team-x');
  await expect(result).toContainText('2.1.0');
  await expect(page.locator('#pb-active')).toContainText('team-x');
  const saved = (await stored(extension))[SETTINGS].playbook;
  expect(saved).toMatchObject({ source: 'file', name: 'team-x.json', playbookId: 'team-x', version: '2.1.0' });
  expect(JSON.parse(saved.json)).toEqual(GOOD);

  // A broken one after it leaves it in force.
  await page.setInputFiles('#pb-file', file('broken.json', BROKEN_JSON));
  await expect(result).toHaveAttribute('data-kind', 'error');
  expect((await stored(extension))[SETTINGS].playbook).toEqual(saved);
  await expect(page.locator('#pb-active')).toContainText('team-x');

  // A built-in replaces it.
  await page.selectOption('#pb-builtin', 'retail-en');
  await page.click('#pb-builtin-use');
  await expect(result).toHaveAttribute('data-kind', 'ok');
  expect((await stored(extension))[SETTINGS].playbook).toEqual({ source: 'builtin', id: 'retail-en' });
  await expect(page.locator('#pb-active')).toContainText('retail-en');
});

test('a playbook address: http refused, an https download that fails is reported, nothing changes', async ({ extension }) => {
  const page = await openOptions(extension);
  const result = page.locator('#pb-result');
  await page.fill('#pb-url', 'http://127.0.0.1:1/playbook.json');
  await page.click('#pb-url-import');
  await expect(result).toHaveAttribute('data-kind', 'error');
  await expect(result).toContainText('https://');

  // Chrome would ask the agent for access to the playbook's host; a test
  // cannot answer that prompt, so the grant is made the way
  // chrome://extensions' "site access" does it.
  const url = 'https://playbooks.invalid/team.json';
  const admin = await extension.context.newPage();
  await admin.goto('chrome://extensions/');
  await admin.evaluate(([id, pattern]) => chrome.developerPrivate.addHostPermission(id, pattern), [extension.id, 'https://playbooks.invalid/*']);
  await admin.close();
  await page.fill('#pb-url', url);
  await page.click('#pb-url-import');
  await expect(result).toHaveAttribute('data-kind', 'error', { timeout: 20_000 });
  await expect(result).toContainText(url);
  expect((await stored(extension))[SETTINGS]).toBeUndefined();
  await expect(page.locator('#pb-active')).toContainText('retail-zh');
});

test('the flag destination is validated; a local receiver gets the test flag', async ({ extension }) => {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => { requests.push({ headers: req.headers, body }); res.writeHead(200).end('ok'); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const page = await openOptions(extension);
    const result = page.locator('#dest-result');

    // Plain http to anything but this machine: refused, nothing stored.
    await page.selectOption('#dest-kind', 'webhook');
    await page.fill('#dest-url', 'http://hooks.example.com/linesman');
    await page.click('#dest-save');
    await expect(result).toHaveAttribute('data-kind', 'error');
    await expect(result.locator('code.path')).toHaveText('/destination/url');
    await expect(result).toContainText('https');
    // Not a URL at all.
    await page.fill('#dest-url', 'hooks');
    await page.click('#dest-save');
    await expect(result.locator('code.path')).toHaveText('/destination/url');
    expect((await stored(extension))[SETTINGS]).toBeUndefined();

    // The kind's hint follows the choice.
    await page.selectOption('#dest-kind', 'dingtalk');
    await expect(page.locator('#dest-hint')).toContainText('oapi.dingtalk.com');

    // A local receiver (http is allowed for 127.0.0.1), with a secret.
    const url = `http://127.0.0.1:${server.address().port}/hook`;
    await page.selectOption('#dest-kind', 'webhook');
    await page.fill('#dest-url', url);
    await page.fill('#dest-secret', 'shh-0123456789');
    await page.click('#dest-save');
    await expect(result).toHaveAttribute('data-kind', 'ok');
    expect((await stored(extension))[SETTINGS].destination).toEqual({ kind: 'webhook', url, secret: 'shh-0123456789' });
    // The secret is never shown back; saving again with the field empty keeps it.
    await expect(page.locator('#dest-secret')).toHaveValue('');
    await expect(page.locator('#dest-secret-hint')).toBeVisible();
    await page.click('#dest-save');
    await expect(result).toHaveAttribute('data-kind', 'ok');
    expect((await stored(extension))[SETTINGS].destination.secret).toBe('shh-0123456789');
    await expect(page.locator('#dest-active')).toContainText(new URL(url).origin);

    await page.click('#dest-test');
    await expect(result).toContainText('delivered', { timeout: 20_000 });
    await expect(result).toHaveAttribute('data-kind', 'ok');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0].headers['x-linesman-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    await page.click('#outbox-refresh');
    await expect(page.locator('#outbox-status')).toContainText('nothing waiting');

    await page.click('#dest-off');
    await expect(result).toHaveAttribute('data-kind', 'ok');
    expect((await stored(extension))[SETTINGS].destination).toBeNull();
  } finally {
    server.close();
  }
});

test('the model choice and the site list are stored', async ({ extension }) => {
  const page = await openOptions(extension);
  await page.check('input[name="model"][value="none"]');
  await expect.poll(async () => (await stored(extension))[SETTINGS]?.model).toBe('none');

  await page.fill('#site-origin', 'not a site');
  await page.click('#site-add');
  await expect(page.locator('#sites-result')).toHaveAttribute('data-kind', 'error');

  await page.fill('#site-origin', `${extension.origin}/demo/`);
  await page.click('#site-add');
  const row = page.locator(`#sites-list li[data-origin="${extension.origin}"]`);
  await expect(row).toBeVisible();
  expect((await stored(extension))[SITES]).toEqual({ [extension.origin]: { enabled: true, adapter: 'auto' } });
  // The service worker follows: the content script is registered for that site.
  const sw = await extension.serviceWorker();
  await expect
    .poll(() => sw.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((c) => c.matches[0])))
    .toEqual([`${extension.origin}/*`]);
  await row.locator('select').selectOption('demo');
  await expect.poll(async () => (await stored(extension))[SITES][extension.origin].adapter).toBe('demo');
  await row.locator('input[type="checkbox"]').uncheck();
  await expect.poll(async () => (await stored(extension))[SITES][extension.origin].enabled).toBe(false);
  await row.locator('button.remove').click();
  await expect(row).toHaveCount(0);
  expect((await stored(extension))[SITES]).toEqual({});
});

test('settings export and import round-trip; a bad file is refused with its paths and changes nothing', async ({ extension }) => {
  const sw = await extension.serviceWorker();
  const origin = 'https://desk.example.com';
  const before = {
    [SETTINGS]: {
      playbook: { source: 'file', name: 'team-x.json', json: JSON.stringify(GOOD), playbookId: 'team-x', version: '2.1.0', savedAt: 1 },
      model: 'none',
      destination: { kind: 'webhook', url: 'https://flags.example.com/in', secret: 'top-secret-42' },
    },
    [SITES]: { [origin]: { enabled: true, adapter: 'custom' } },
    [ADAPTERS]: {
      [origin]: {
        id: 'custom', name: 'desk', detect: '[role="log"]', list: '[role="log"]', message: '.row', customer: '.row--in', agent: '.row--out',
        text: '.row__text', ignore: null, time: null, compose: '#reply', conversation: { selector: '.peer', attr: 'data-id' },
      },
    },
  };
  await sw.evaluate((items) => chrome.storage.local.set(items), before);
  const page = await openOptions(extension);
  const result = page.locator('#backup-result');

  const exportFile = async (withSecret) => {
    await page.setChecked('#export-secret', withSecret);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).toMatch(/^linesman-settings-\d{4}-\d\d-\d\d\.json$/);
    return readFileSync(await download.path(), 'utf8');
  };
  const withoutSecret = await exportFile(false);
  expect(withoutSecret).not.toContain('top-secret-42');
  const withSecret = await exportFile(true);
  expect(JSON.parse(withSecret).settings.destination.secret).toBe('top-secret-42');

  // Into an empty profile: everything comes back.
  await sw.evaluate(() => chrome.storage.local.clear());
  await page.setInputFiles('#import-file', file('settings.json', withSecret));
  await expect(result).toHaveAttribute('data-kind', 'ok');
  expect(await stored(extension)).toEqual(before);
  await expect(page.locator('#pb-active')).toContainText('team-x');

  // Without the secret, over the same destination: the stored secret is kept.
  await page.setInputFiles('#import-file', file('settings.json', withoutSecret));
  await expect(result).toHaveAttribute('data-kind', 'ok');
  expect(await stored(extension)).toEqual(before);

  // A bad file: every problem with its path, nothing written.
  const bad = JSON.parse(withSecret);
  bad.version = 2;
  bad.settings.model = 'huge';
  bad.settings.destination.url = 'http://flags.example.com/in';
  bad.sites['https://other.example.com/path'] = { enabled: true, adapter: 'auto' };
  bad.adapters[origin].message = '.row >';
  await page.setInputFiles('#import-file', file('bad.json', JSON.stringify(bad)));
  await expect(result).toHaveAttribute('data-kind', 'error');
  expect(await result.locator('code.path').allTextContents()).toEqual([
    '/version', '/settings/model', '/settings/destination/url', '/sites/https:~1~1other.example.com~1path', '/adapters/https:~1~1desk.example.com/message',
  ]);
  // A playbook inside the file that the engine refuses: its problems, under the file's path.
  const badPlaybook = JSON.parse(withSecret);
  badPlaybook.settings.playbook.json = JSON.stringify(BROKEN_SCHEMA);
  await page.setInputFiles('#import-file', file('bad-playbook.json', JSON.stringify(badPlaybook)));
  await expect(result.locator('code.path')).toHaveCount(5);
  await expect(result.locator('code.path').first()).toContainText('/settings/playbook/json/');
  // Not JSON at all.
  await page.setInputFiles('#import-file', file('junk.json', '{"type": "linesman.settings",\n "version": 1,,}'));
  await expect(result.locator('.problems li')).toContainText('line 2 column 15');
  expect(await stored(extension)).toEqual(before);
});

test('the page: every control labelled, no raw message keys, usable at 320 px', async ({ extension }) => {
  const page = await openOptions(extension);
  await page.setViewportSize({ width: 320, height: 800 });
  const report = await page.evaluate(() => ({
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => !e.labels?.length && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.name),
    rawKeys: [...document.querySelectorAll('[data-i18n]')].filter((e) => e.textContent === e.dataset.i18n).map((e) => e.dataset.i18n),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    lang: document.documentElement.lang,
  }));
  expect(report.unlabelled).toEqual([]);
  expect(report.rawKeys).toEqual([]);
  expect(report.overflow).toBeLessThanOrEqual(0);
  expect(report.lang).not.toBe('');
  // Results are announced.
  for (const id of ['pb-result', 'model-result', 'dest-result', 'sites-result', 'teach-result', 'backup-result']) {
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-live', 'polite');
  }
});

test('settings set by the organisation are shown locked', async ({ extension }) => {
  // chrome.storage.managed is read-only and only a real enterprise policy
  // fills it; the page reads it through chrome.storage.managed.get, so the
  // policy is stood in for there. (Merging is unit-tested in settings.test.mjs.)
  const policy = {
    playbook: 'bank-zh',
    model: 'none',
    destination: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' },
    sites: ['https://desk.example.com'],
  };
  await extension.context.addInitScript((p) => {
    if (location.protocol === 'chrome-extension:' && globalThis.chrome?.storage?.managed) chrome.storage.managed.get = async () => structuredClone(p);
  }, policy);
  const page = await openOptions(extension);
  await expect(page.locator('#policy')).toBeVisible();
  await expect(page.locator('#pb-active')).toContainText('bank-zh');
  for (const id of ['#pb-locked', '#model-locked', '#dest-locked']) await expect(page.locator(id)).toBeVisible();
  for (const id of ['#pb-file', '#pb-url', '#pb-url-import', '#pb-builtin', '#pb-builtin-use', '#dest-url', '#dest-kind', '#dest-save']) await expect(page.locator(id)).toBeDisabled();
  await expect(page.locator('input[name="model"][value="none"]')).toBeChecked();
  await expect(page.locator('input[name="model"][value="bundled"]')).toBeDisabled();
  await expect(page.locator('#dest-active')).toContainText('https://hooks.slack.com');
  const row = page.locator('#sites-list li[data-origin="https://desk.example.com"]');
  await expect(row.locator('.locked')).toBeVisible();
  await expect(row.locator('button.remove')).toHaveCount(0);
  // What the organisation leaves open stays open.
  await expect(page.locator('#site-origin')).toBeEnabled();
  await expect(page.locator('#import-file')).toBeEnabled();
});
