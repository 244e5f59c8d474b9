// The extension on real consoles: our demo console (?assist=off, so only the
// extension reads it) and a console built with @chatscope/chat-ui-kit-react.
// Every case runs on every console. The side panel is opened as a page
// pinned to the console's tab (?tab=ID): tests cannot click the toolbar.
import { test, expect } from './fixtures.mjs';

const W = '#assist'; // <linesman-assist> in the side panel (open shadow root: CSS pierces it)

const CONSOLES = [
  {
    name: 'demo console',
    path: 'demo/?assist=off&lang=zh',
    first: 'zh-shoes',
    other: 'zh-delivery',
    compose: '#compose',
    async customerSays(page, text) {
      await page.fill('#customer-input', text);
      await page.press('#customer-input', 'Enter');
    },
    async switchTo(page, id) {
      await page.click(`#conv-list [data-conv="${id}"]`);
    },
    draft: (page) => page.locator('#compose').inputValue(),
    async type(page, text) {
      await page.locator('#compose').pressSequentially(text, { delay: 20 });
    },
  },
  {
    name: 'chatscope console',
    path: 'tests/consoles/chatscope/index.html',
    first: 'zh-retail',
    other: 'en-support',
    compose: '.cs-message-input__content-editor',
    async customerSays(page, text) {
      await page.evaluate((t) => window.__console.customerSays(t), text);
    },
    async switchTo(page, id) {
      await page.evaluate((i) => window.__console.switchTo(i), id);
    },
    draft: (page) => page.locator('.cs-message-input__content-editor').evaluate((e) => e.textContent),
    async type(page, text) {
      await page.locator('.cs-message-input__content-editor').click();
      await page.keyboard.type(text, { delay: 20 });
    },
  },
];

/**
 * Clicks a button inside the warning's *closed* shadow root, as a user would:
 * the page (and Playwright's selectors) cannot reach into it, DevTools can.
 */
async function clickInWarning(page, label) {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const find = (n, pred) => {
    if (pred(n)) return n;
    for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) {
      const f = find(c, pred);
      if (f) return f;
    }
    return null;
  };
  const attrs = (n) => Object.fromEntries((n.attributes ?? []).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v, all[i + 1]]]), []));
  const host = find(root, (n) => attrs(n)['data-linesman'] === 'warning');
  expect(host?.shadowRoots?.[0]).toBeTruthy();
  const text = (n) => (n.nodeType === 3 ? n.nodeValue : (n.children ?? []).map(text).join(''));
  const button = find(host.shadowRoots[0], (n) => n.nodeName === 'BUTTON' && text(n) === label);
  expect(button).toBeTruthy();
  const { model } = await cdp.send('DOM.getBoxModel', { nodeId: button.nodeId });
  const [x1, y1, , , x3, y3] = model.content;
  await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  await cdp.detach();
}

async function tabIdOf(sw, url) {
  return sw.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(u))?.id ?? null, url);
}

async function openConsole(extension, c) {
  await extension.enableSite();
  const page = await extension.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = extension.baseURL + c.path;
  await page.goto(url);
  const sw = await extension.serviceWorker();
  const tabId = await tabIdOf(sw, url.split('?')[0]);
  expect(tabId).not.toBeNull();
  const panel = await extension.openPage(`src/sidepanel.html?tab=${tabId}`);
  return { page, panel, tabId, errors };
}

for (const c of CONSOLES) {
  test.describe(c.name, () => {
    test('messages reach the side panel: checklist, emotion, suggestion; Insert lands in the compose box', async ({ extension }) => {
      const { page, panel, errors } = await openConsole(extension, c);
      await c.customerSays(page, '你好，我上周买的电饭煲用了两天就坏了，我要退款！气死我了！');
      await expect(panel.locator(W)).toBeVisible({ timeout: 20_000 });
      // The retail-zh playbook's checklist, with the greeting still due.
      await expect(panel.locator(`${W} .check li[data-rule="greeting"]`)).toBeVisible();
      await expect(panel.locator(`${W} .check li[data-rule="refund-policy"]`)).not.toHaveAttribute('data-state', 'inactive');
      // Emotion of the customer's message, and the refund script suggested.
      await expect(panel.locator(`${W} .emo`)).not.toHaveAttribute('data-label', '');
      const card = panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`);
      await expect(card).toBeVisible();
      const first = (await card.locator('.opt p').first().textContent()).trim();
      await card.locator('.opt').first().getByRole('button').first().click();
      await expect.poll(() => c.draft(page)).toContain(first);
      expect(errors).toEqual([]);
    });

    test('a banned phrase typed in the compose box is warned about before sending, with the better wording', async ({ extension }) => {
      const { page, errors } = await openConsole(extension, c);
      await c.customerSays(page, '东西坏了');
      await c.type(page, '这不是我们的问题');
      const warn = page.locator('[data-linesman="warning"]');
      await expect(warn).toHaveAttribute('data-said', '这不是我们的问题');
      // Nothing was sent: the warning is about the draft.
      await expect.poll(() => c.draft(page)).toContain('这不是我们的问题');
      // Its shadow root is closed: the host page cannot read or restyle it.
      expect(await warn.evaluate((h) => h.shadowRoot)).toBeNull();
      // The playbook's better wording, and Replace puts it in place of the phrase.
      const wording = (await warn.getAttribute('data-suggest')).split('\n')[0];
      expect(wording).toBeTruthy();
      await clickInWarning(page, 'Replace');
      await expect.poll(() => c.draft(page)).toContain(wording);
      expect(await c.draft(page)).not.toContain('这不是我们的问题');
      // The draft is clean now: the warning goes away.
      await expect(warn).toHaveCount(0);
      expect(errors).toEqual([]);
    });

    test('switching conversations switches the panel, without mixing them', async ({ extension }) => {
      const { page, panel } = await openConsole(extension, c);
      await c.customerSays(page, '我要退款，太气人了！');
      await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toBeVisible({ timeout: 20_000 });
      const before = await panel.locator('#conv').textContent();
      await c.switchTo(page, c.other);
      await expect(panel.locator('#conv')).not.toHaveText(before);
      // The other conversation has none of the first one's state…
      await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toHaveCount(0);
      // …and coming back shows it again.
      await c.switchTo(page, c.first);
      await expect(panel.locator('#conv')).toHaveText(before);
      await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toBeVisible();
    });
  });
}

test('a page served with Content-Security-Policy: script-src \'self\' still gets live assist', async ({ extension }) => {
  const c = CONSOLES[0];
  const { page, panel } = await openConsole(extension, { ...c, path: `${c.path}&csp=self` });
  const res = await page.request.get(extension.baseURL + `${c.path}&csp=self`);
  expect(res.headers()['content-security-policy']).toBe("script-src 'self'");
  await c.customerSays(page, '我要退款');
  await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toBeVisible({ timeout: 20_000 });
  await c.type(page, '不归我管');
  await expect(page.locator('[data-linesman="warning"]')).toHaveAttribute('data-said', '不归我管');
});

test('the side panel on a site that is not enabled offers to enable it, and enabling starts live assist', async ({ extension }) => {
  const page = await extension.context.newPage();
  const url = `${extension.baseURL}demo/?assist=off&lang=zh`;
  await page.goto(url);
  const sw = await extension.serviceWorker();
  const tabId = await tabIdOf(sw, url.split('?')[0]);
  const panel = await extension.openPage(`src/sidepanel.html?tab=${tabId}`);
  await expect(panel.locator('#enable')).toBeVisible();
  // The origin was granted before (see fixtures.mjs), so Chrome does not prompt again.
  await panel.locator('#enable').click();
  await expect.poll(() => sw.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.matches[0]))).toEqual([
    `${extension.origin}/*`,
  ]);
  // The open page got the content script without a reload.
  await CONSOLES[0].customerSays(page, '我要退款');
  await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toBeVisible({ timeout: 20_000 });
});

test('the conversation survives the service worker being stopped and the engine document being closed', async ({ extension }) => {
  const c = CONSOLES[0];
  const { page, panel } = await openConsole(extension, c);
  await c.customerSays(page, '你好，我要退款');
  await page.fill('#compose', '您好，很高兴为您服务！');
  await page.press('#compose', 'Enter');
  await expect(panel.locator(`${W} .check li[data-rule="greeting"]`)).toHaveAttribute('data-state', 'met', { timeout: 20_000 });
  await expect(panel.locator(`${W} .sugs li.card[data-rule="refund-script"]`)).toBeVisible();

  // Stop the service worker and close the offscreen document (what Chrome may do).
  const cdp = await extension.context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.endsWith('/src/background.js'));
  const doc = targetInfos.find((t) => t.url.endsWith('/src/offscreen.html'));
  expect(sw && doc).toBeTruthy();
  await cdp.send('Target.closeTarget', { targetId: doc.targetId });
  await cdp.send('Target.closeTarget', { targetId: sw.targetId });

  // The next message wakes a new worker, which recreates the engine document
  // and replays the conversation kept in chrome.storage.session.
  await c.customerSays(page, '你们这什么破服务！太气人了！');
  const fresh = await extension.openPage(panel.url().replace(/^chrome-extension:\/\/[^/]+\//, ''));
  await expect(fresh.locator(`${W} .check li[data-rule="greeting"]`)).toHaveAttribute('data-state', 'met', { timeout: 20_000 });
  await expect(fresh.locator(`${W} .emo`)).toHaveAttribute('data-label', /angry|frustrated/);
  // A new engine document, not the old one left standing.
  const after = (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.url.endsWith('/src/offscreen.html'));
  expect(after.map((t) => t.targetId)).not.toContain(doc.targetId);
  expect(after).toHaveLength(1);
  // Before and after: one conversation, three messages, none twice.
  const log = await (await extension.serviceWorker()).evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    return Object.entries(all).filter(([k]) => k.startsWith('log:')).map(([, v]) => v.log.length);
  });
  expect(log).toEqual([3]);
});

/** Evaluates in the real side panel (a browser-UI page Playwright does not list) over DevTools. */
async function sidePanel(extension, page) {
  const cdp = await extension.context.newCDPSession(page);
  let target;
  await expect
    .poll(async () => {
      target = (await cdp.send('Target.getTargets')).targetInfos.find((t) => t.url.endsWith('/src/sidepanel.html'));
      return !!target;
    })
    .toBe(true);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let next = 0;
  const waiting = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m);
  });
  return async (expression) => {
    const id = ++next;
    const answer = new Promise((res) => waiting.set(id, res));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }) });
    return (await answer).result?.result?.value;
  };
}

test('the real side panel follows the active tab', async ({ extension }) => {
  await extension.enableSite();
  const demo = await extension.context.newPage();
  await demo.goto(`${extension.baseURL}${CONSOLES[0].path}`);
  const kit = await extension.context.newPage();
  await kit.goto(`${extension.baseURL}${CONSOLES[1].path}`);
  await demo.bringToFront();
  const sw = await extension.serviceWorker();
  const tabId = await tabIdOf(sw, `${extension.baseURL}demo/`);
  // The toolbar button cannot be clicked headless; chrome.sidePanel.open on a
  // user's click is the same opening (the button uses openPanelOnActionClick).
  const opener = await extension.openPage('src/options.html');
  await opener.evaluate((id) => {
    const b = document.createElement('button');
    b.id = 'open-panel';
    b.textContent = 'open';
    b.onclick = () => chrome.sidePanel.open({ tabId: id });
    document.body.prepend(b);
  }, tabId);
  await opener.click('#open-panel');
  await demo.bringToFront();
  const panel = await sidePanel(extension, demo);
  const sugs = `document.querySelector('#assist').shadowRoot.querySelectorAll('.sugs li.card[data-rule="refund-script"]').length`;

  await CONSOLES[0].customerSays(demo, '我要退款');
  await expect.poll(() => panel(sugs), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => panel(`document.querySelector('#conv').textContent`)).toContain('运动鞋');

  // Another tab, another console, another conversation.
  await kit.bringToFront();
  await CONSOLES[1].customerSays(kit, '你好');
  await expect.poll(() => panel(`document.querySelector('#conv').textContent`), { timeout: 20_000 }).toContain('王丽');
  expect(await panel(sugs)).toBe(0);
  await demo.bringToFront();
  await expect.poll(() => panel(`document.querySelector('#conv').textContent`)).toContain('运动鞋');
  await expect.poll(() => panel(sugs)).toBe(1);
});
