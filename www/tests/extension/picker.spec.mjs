// The element picker (extension/src/picker.js).
//
// First its selector derivation, loaded into plain pages (no extension):
// consoles with stable class names, hashed class names and data attributes,
// sides marked on a wrapper or on one side only, and the real chatscope
// console. Then the whole path with the packaged extension: the options
// page starts the picker in the console's tab, five clicks, Save, and the
// adapter is stored for that origin.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PICKER = readFileSync(join(repo, 'extension/src/picker.js'), 'utf8');

/** Loads picker.js into the page (evaluated by DevTools: pages with a strict CSP refuse a script tag). */
const load = (page) => page.evaluate(PICKER);

/** Runs the picker's derivation on the current page with the elements the selectors name. */
async function derive(page, clicks) {
  await load(page);
  return page.evaluate((c) => {
    const S = globalThis.__linesmanSelectors;
    // A selector, or [selector, index] (negative: from the end).
    const q = (s) => (!s ? null : Array.isArray(s) ? [...document.querySelectorAll(s[0])].at(s[1]) ?? null : document.querySelector(s));
    const picked = { list: q(c.list), customer: q(c.customer), agent: q(c.agent), compose: q(c.compose), conversation: q(c.conversation) };
    for (const [k, v] of Object.entries(picked)) if (c[k] && !v) throw new Error(`fixture: ${k} ${c[k]} not found`);
    const r = S.deriveAdapter(picked, { name: 'test' });
    if (r.problem) return { problem: r.problem };
    return { adapter: r.adapter, check: S.checkAdapter(r.adapter, document, r.samples) };
  }, clicks);
}

test.describe('selector derivation', () => {
  test('a console with its own classes, generated ids and classes, a day separator', async ({ page }) => {
    await page.goto('/tests/pages/generic-console.html');
    const r = await derive(page, {
      list: '[role="log"]',
      customer: '[data-mid="m-81725"] .bubble__text',
      agent: '[data-mid="m-81726"] .bubble__text',
      compose: '.composer__input',
      conversation: '.chat-head__name',
    });
    expect(r.adapter).toEqual({
      id: 'custom',
      name: 'test',
      detect: '[role="log"]',
      list: '[role="log"]',
      message: '.bubble-row',
      customer: '.from-visitor',
      agent: '.from-staff',
      text: '.bubble__text',
      ignore: null,
      time: { selector: 'time[datetime]', attr: 'datetime' },
      compose: '.composer__input',
      conversation: { selector: '.chat-head__name', attr: 'data-ticket-id' },
    });
    expect(r.check).toMatchObject({ ok: true, lists: 1, messages: 5, customer: 3, agent: 2, both: 0, none: 0, compose: 1, conversation: 'T-1001' });
  });

  test('clicking one message as the "list" widens to the list; clicks on inner text still find the message', async ({ page }) => {
    await page.goto('/tests/pages/generic-console.html');
    // What the picker does when step 2 lands outside the step-1 element.
    await load(page);
    const r = await page.evaluate(() => {
      const S = globalThis.__linesmanSelectors;
      const q = (s) => document.querySelector(s);
      let list = q('.day-sep');
      const customer = q('[data-mid="m-81723"] .who');
      for (let x = list; x; x = x.parentElement) if (x.contains(customer)) { list = x; break; }
      const d = S.deriveAdapter({ list, customer, agent: q('[data-mid="m-81724"] time'), compose: q('.composer__input') });
      return d.adapter;
    });
    expect(r).toMatchObject({ list: '[role="log"]', message: '.bubble-row', customer: '.from-visitor', agent: '.from-staff' });
  });

  const CASES = [
    {
      name: 'sides marked on a group of messages',
      html: `<div class="chat"><div class="messages">
        <div class="group group--them"><div class="msg"><span class="txt">你好</span></div><div class="msg"><span class="txt">在吗</span></div><div class="msg"><span class="txt">我的快递呢</span></div></div>
        <div class="group group--me"><div class="msg"><span class="txt">您好</span></div><div class="msg"><span class="txt">请稍等</span></div></div>
        <div class="group group--them"><div class="msg"><span class="txt">好</span></div><div class="msg"><span class="txt">谢谢</span></div></div>
        </div><textarea id="reply"></textarea></div>`,
      clicks: { list: '.messages', customer: '.group--them .msg:nth-child(2) .txt', agent: '.group--me .msg .txt', compose: '#reply' },
      want: { list: '.messages', message: '.msg', customer: '.group--them', agent: '.group--me', text: '.txt', compose: '#reply', conversation: null },
      counts: { messages: 7, customer: 5, agent: 2 },
    },
    {
      name: 'generated class names everywhere, data attributes to go by, a contenteditable editor',
      html: `<main><ul class="css-1x2y3z" data-testid="message-list">
        <li class="sc-abc123 xYz12" data-author="customer" data-testid="message"><div class="css-9kq">where is my order</div></li>
        <li class="sc-abc123 xYz12" data-author="agent" data-testid="message"><div class="css-9kq">let me check</div></li>
        <li class="sc-abc123 xYz12" data-author="customer" data-testid="message"><div class="css-9kq">thanks</div></li>
        </ul><div class="css-ed1" contenteditable="true" data-testid="composer"><p>draft</p></div></main>`,
      clicks: { list: '[data-testid="message-list"]', customer: 'li:nth-child(1) div', agent: 'li:nth-child(2) div', compose: '[data-testid="composer"] p' },
      want: { list: '[data-testid="message-list"]', message: '[data-author]', customer: '[data-author="customer"]', agent: '[data-author="agent"]', text: null, compose: '[data-testid="composer"]' },
      counts: { messages: 3, customer: 2, agent: 1 },
    },
    {
      name: 'only the agent side is marked',
      html: `<div id="log"><div class="m">hi</div><div class="m mine">hello, how can I help?</div><div class="m">refund please</div><div class="m mine">sure</div></div><input id="box">`,
      clicks: { list: '#log', customer: '#log > .m:nth-child(3)', agent: '#log > .m:nth-child(2)', compose: '#box' },
      want: { list: '#log', message: '.m', customer: '.m:not(.mine):not(.mine *)', agent: '.mine', compose: '#box' },
      counts: { messages: 4, customer: 2, agent: 2 },
    },
  ];
  for (const c of CASES) {
    test(c.name, async ({ page }) => {
      await page.setContent(c.html);
      const r = await derive(page, c.clicks);
      expect(r.problem).toBeUndefined();
      expect(r.adapter).toMatchObject(c.want);
      expect(r.check).toMatchObject({ ok: true, both: 0, none: 0, ...c.counts });
    });
  }

  test('refusals: the same side twice, and a compose click on something not editable', async ({ page }) => {
    await page.setContent(`<div id="log"><p class="m a">x</p><p class="m a">y</p></div><div id="not-editable">z</div>`);
    await load(page);
    const r = await page.evaluate(() => {
      const S = globalThis.__linesmanSelectors;
      const q = (s) => document.querySelector(s);
      return [
        S.deriveAdapter({ list: q('#log'), customer: q('#log p:nth-child(1)'), agent: q('#log p:nth-child(2)'), compose: q('#not-editable') }).problem,
        S.editableFor(q('#not-editable')),
      ];
    });
    expect(r).toEqual(['noSides', null]);
  });

  test('the real chatscope console: the derived adapter reads it like the built-in one', async ({ page }) => {
    test.skip(!existsSync(join(repo, 'www/tests/consoles/chatscope/dist/app.js')), 'chatscope console not built (npm run build:consoles)');
    await page.goto('/tests/consoles/chatscope/index.html');
    await page.waitForFunction(() => window.__console);
    await page.evaluate(() => {
      window.__console.customerSays('你好，我要退款');
      window.__console.agentSays('您好，请问订单号是多少？');
      window.__console.customerSays('20261118-5521');
    });
    await page.locator('.cs-message--outgoing').first().waitFor();
    const r = await derive(page, {
      list: '.cs-message-list',
      customer: ['.cs-message--incoming .cs-message__content', -1],
      agent: '.cs-message--outgoing .cs-message__content',
      compose: '.cs-message-input__content-editor',
      conversation: '.cs-conversation-header__user-name',
    });
    expect(r.problem).toBeUndefined();
    const builtin = await page.evaluate(() => globalThis.__linesmanSelectors.checkAdapter({
      list: '.cs-message-list', message: '.cs-message', customer: '.cs-message--incoming', agent: '.cs-message--outgoing',
      compose: '.cs-message-input__content-editor', conversation: { selector: '.cs-conversation-header__user-name', attr: null },
    }, document));
    expect(r.check.ok).toBe(true);
    for (const k of ['messages', 'customer', 'agent', 'conversation']) expect(r.check[k], k).toBe(builtin[k]);
    expect(r.adapter).toMatchObject({ customer: '.cs-message--incoming', agent: '.cs-message--outgoing' });
  });
});

test('the picker, started from the options page, saves an adapter for the console\'s origin', async ({ extension }) => {
  const { context, origin } = extension;
  const sw = await extension.serviceWorker();
  const options = await extension.openPage('src/options.html');
  await options.locator('body[data-ready="true"]').waitFor();

  // Enable the site the way an agent does (the profile already has access to 127.0.0.1).
  await options.fill('#site-origin', `${origin}/tests/pages/generic-console.html`);
  await options.click('#site-add');
  await expect(options.locator('#sites-list li')).toHaveAttribute('data-origin', origin);

  const consolePage = await context.newPage();
  await consolePage.goto(`${extension.baseURL}tests/pages/generic-console.html`);
  await options.bringToFront();
  await options.click('#teach-refresh');
  await expect(options.locator('#teach-tab option')).toHaveCount(1);
  await expect(options.locator('#teach-tab option')).toContainText('Acme Desk');
  await options.click('#teach-start');
  await expect(options.locator('#teach-result')).toHaveAttribute('data-kind', 'ok');

  const picker = consolePage.locator('linesman-picker');
  await expect(picker).toHaveAttribute('data-step', 'list');
  // A second injection (a double click on Start) leaves one picker.
  await options.click('#teach-start');
  await expect(consolePage.locator('linesman-picker')).toHaveCount(1);

  // 1: the list, on its padding; 2–5: a customer message, an agent message, the compose box, the conversation's name.
  const box = await consolePage.locator('[role="log"]').boundingBox();
  await consolePage.mouse.click(box.x + 4, box.y + box.height - 4);
  await expect(picker).toHaveAttribute('data-step', 'customer');
  await consolePage.locator('[data-mid="m-81725"] .bubble__text').click();
  await expect(picker).toHaveAttribute('data-step', 'agent');
  await consolePage.locator('[data-mid="m-81726"] .bubble__text').click();
  await expect(picker).toHaveAttribute('data-step', 'compose');
  await consolePage.locator('.composer__input').click();
  await expect(picker).toHaveAttribute('data-step', 'conversation');
  // The page saw none of these clicks: its compose box never got focus.
  expect(await consolePage.evaluate(() => document.activeElement?.className ?? '')).not.toContain('composer__input');
  // Its left end: the picker's bar sits over the middle of the header.
  await consolePage.locator('.chat-head__name').click({ position: { x: 8, y: 8 } });
  await expect(picker).toHaveAttribute('data-step', 'review');
  // Save has the focus on the review step.
  await consolePage.keyboard.press('Enter');
  await expect(picker).toHaveAttribute('data-step', 'done');

  const stored = await sw.evaluate(() => chrome.storage.local.get(['linesman.adapters.v1', 'linesman.sites.v1']));
  expect(stored['linesman.adapters.v1'][origin]).toMatchObject({
    id: 'custom',
    list: '[role="log"]',
    message: '.bubble-row',
    customer: '.from-visitor',
    agent: '.from-staff',
    text: '.bubble__text',
    compose: '.composer__input',
    conversation: { selector: '.chat-head__name', attr: 'data-ticket-id' },
  });
  expect(stored['linesman.sites.v1'][origin]).toEqual({ enabled: true, adapter: 'custom' });

  // The options page shows the taught console and offers the custom adapter for the site.
  await expect(options.locator('#taught-list li')).toHaveAttribute('data-origin', origin);
  await expect(options.locator('#sites-list select')).toHaveValue('custom');

  // The console is read with it: after a reload the content script takes the
  // taught adapter, and the conversation (by its ticket id) reaches the engine.
  await consolePage.reload();
  const logOf = () => sw.evaluate(async () => Object.values(await chrome.storage.session.get(null)).find((v) => v?.meta?.conv === 'T-1001') ?? null);
  await expect.poll(async () => (await logOf())?.log?.length ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
  // Only the text element (no sender name, no time), the side, and the time from <time datetime>.
  expect((await logOf()).log.slice(0, 5)).toEqual([
    { role: 'customer', text: '你好，我上周买的吹风机还没到', ts: Date.parse('2026-11-22T10:00:00+08:00') },
    { role: 'agent', text: '您好，我帮您查一下物流', ts: Date.parse('2026-11-22T10:00:30+08:00') },
    { role: 'customer', text: '都等了五天了，太慢了', ts: Date.parse('2026-11-22T10:01:10+08:00') },
    { role: 'agent', text: '非常抱歉让您久等了，包裹明天送达', ts: Date.parse('2026-11-22T10:01:40+08:00') },
    { role: 'customer', text: '好的', ts: Date.parse('2026-11-22T10:02:00+08:00') },
  ]);

  // Esc ends a picker without saving anything.
  await options.click('#teach-start');
  await expect(consolePage.locator('linesman-picker')).toHaveAttribute('data-step', 'list');
  await consolePage.bringToFront();
  await consolePage.keyboard.press('Escape');
  await expect(consolePage.locator('linesman-picker')).toHaveCount(0);
});
