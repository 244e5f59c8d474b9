// The demo agent console and the supervisor view, in real Chromium: a
// scripted chat played back through <linesman-assist>, drafts checked as
// typed, suggestions inserted by click, flags live over BroadcastChannel
// with masked excerpts, and the link back to the chat.
//
// Widget hooks used (www/src/widget/linesman-assist.js, open shadow root):
// regions by their accessible name (the en UI strings), checklist rows
// li[data-rule][data-state], the emotion [data-label], suggestion cards
// li[data-rule] with an "Insert" button, flag cards li[data-severity] with a
// blockquote excerpt, the draft region's <mark>s; properties ready,
// emotionSource, compose; events linesman:event / linesman:suggestion.

import { test, expect } from '@playwright/test';

const FAST = 40; // playback speed: a 2.5 s pause becomes ~60 ms
const RAW_PII = ['13812345678', '11010519491231002X', '0912-345-678', 'A123456789', '(415) 555-2671'];

/** Records every widget event (they bubble out of the shadow root, composed)
 *  and every message on the flag channel. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    window.__suggestions = [];
    addEventListener('linesman:event', (e) => window.__events.push(e.detail));
    addEventListener('linesman:suggestion', (e) => window.__suggestions.push(e.detail));
  });
}

async function openSupervisor(context) {
  const sup = await context.newPage();
  await sup.addInitScript(() => {
    window.__channel = [];
    new BroadcastChannel('linesman-flags').onmessage = (e) => window.__channel.push(e.data);
  });
  await sup.goto('supervisor/index.html?lang=en');
  return sup;
}

async function openConsole(context, query, { waitReady = true } = {}) {
  const page = await context.newPage();
  await recordEvents(page);
  await page.goto(`demo/index.html?lang=en&speed=${FAST}&${query}`);
  const widget = page.locator('linesman-assist:not([hidden])');
  if (waitReady) await widget.evaluate((w) => w.ready);
  return { page, widget };
}

/** Plays the chat in view to its end and waits for every message's check. */
async function playToEnd(page, steps) {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.locator('#progress')).toHaveText(`Script ${steps}/${steps}`, { timeout: 30_000 });
  await expect(page.locator('#messages > li')).toHaveCount(steps);
  await expect(page.locator('#messages [aria-busy=true]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toHaveAttribute('aria-pressed', 'false');
}

const checklist = (widget) => widget.getByRole('region', { name: 'Compliance checklist' });

async function expectChecklist(widget, states) {
  for (const [rule, state] of Object.entries(states)) {
    await expect(checklist(widget).locator(`li[data-rule="${rule}"]`), rule).toHaveAttribute('data-state', state);
  }
}

const lastEvent = (page, conversation, kind) =>
  page.evaluate(
    ([c, k]) => window.__events.filter((d) => d.conversation === c && d.event.kind === k && !d.event.draft).at(-1)?.event,
    [conversation, kind],
  );

async function modelShipped(request) {
  const r = await request.head('pkg/emotion.model');
  return r.ok();
}

test('a zh-CN chat plays back: checklist, emotion, masked PII; its flags reach the supervisor live', async ({
  context,
  request,
}) => {
  const sup = await openSupervisor(context);
  const { page, widget } = await openConsole(context, 'conv=zh-shoes');
  // The model is used when the build shipped it; the lexicon otherwise.
  expect(await widget.evaluate((w) => w.emotionSource)).toBe((await modelShipped(request)) ? 'model' : 'lexicon');
  await expect(page.locator('#conv-list [aria-current="true"]')).toHaveAttribute('data-conv', 'zh-shoes');

  await playToEnd(page, 10);

  // The playbook's required statements, as the script says them: greeting
  // and recording notice at once, the apology after the deadline (late),
  // the refund policy in time, the closing at the end.
  await expectChecklist(widget, {
    greeting: 'met',
    'recording-notice': 'met',
    'defect-apology': 'late',
    'refund-policy': 'met',
    closing: 'met',
  });

  // The emotion on show is the engine's reading of the last customer message.
  const emo = await lastEvent(page, 'zh-shoes', 'emotion');
  expect(emo).toBeTruthy();
  const emotion = widget.getByRole('region', { name: 'Customer emotion' });
  await expect(emotion.locator('[data-label]')).toHaveAttribute('data-label', emo.label);
  await expect(emotion).toContainText(`intensity ${emo.intensity}/5`);
  await expect(page.locator('#messages > li[data-role=customer]').last().locator('[data-emotion]')).toHaveAttribute(
    'data-emotion',
    emo.label,
  );

  // The chat shows personal data masked (from the engine's spans) and the
  // agent's banned phrase marked.
  const log = page.locator('#messages');
  await expect(log.locator('mark.pii[data-pii=cn_mobile]')).toHaveText('138****5678');
  await expect(log.locator('mark.pii[data-pii=cn_id_card]')).toHaveText('110***********002X');
  await expect(log.locator('mark.banned[data-rule=blame-shifting]')).toHaveText('你自己使用不当');
  for (const raw of RAW_PII) expect(await log.innerText()).not.toContain(raw);

  // The flags, in the widget and in the supervisor view.
  const flags = await page.evaluate(() =>
    window.__events.filter((d) => d.conversation === 'zh-shoes' && d.event.kind === 'flag').map((d) => d.event),
  );
  expect(flags.map((f) => f.rule).sort()).toEqual(['banned-high', 'legal-threat', 'missed-required']);
  await expect(widget.getByRole('region', { name: 'Flags' }).locator('li[data-severity]')).toHaveCount(3);

  const legal = sup.locator('#flags > li[data-conversation="zh-shoes"]').filter({ hasText: '12315' });
  await expect(legal).toHaveCount(1);
  await expect(legal).toHaveAttribute('data-severity', 'high');
  await expect(legal.locator('blockquote')).toContainText('我手机138****5678，身份证110***********002X');
  await expect(legal).toContainText('Ms Wang');
  await expect(sup.locator('#count-high')).toHaveText('2');
  await expect(sup.locator('#count-medium')).toHaveText('0');
  await expect(sup.locator('#count-low')).toHaveText('1');
  // High first.
  expect(await sup.locator('#flags > li').evaluateAll((ls) => ls.map((l) => l.dataset.severity))).toEqual([
    'high',
    'high',
    'low',
  ]);
  // Nothing raw went over the channel, nor onto the supervisor's page.
  const wire = JSON.stringify(await sup.evaluate(() => window.__channel));
  for (const raw of RAW_PII) {
    expect(wire).not.toContain(raw);
    expect(await sup.locator('body').innerText()).not.toContain(raw);
  }
  // New flags are announced; a high one assertively.
  await expect(sup.locator('#announcer-urgent')).toContainText('New high flag: Ms Wang');
});

test('the link back opens the flagged chat; each chat keeps its state across switches', async ({ context }) => {
  const sup = await openSupervisor(context);
  const { page, widget } = await openConsole(context, 'conv=zh-delivery');
  await page.getByRole('button', { name: 'Play all' }).click();
  await expect
    .poll(() => page.evaluate(() => window.linesmanDemo.chats().every((c) => c.pos === c.steps && !c.playing)), {
      timeout: 45_000,
    })
    .toBe(true);
  await expect(page.locator('#messages [aria-busy=true]')).toHaveCount(0);

  // Three playbooks, one widget each; the two retail-zh chats share one.
  await expect(page.locator('linesman-assist')).toHaveCount(3);
  await expect(page.locator('linesman-assist:not([hidden])')).toHaveCount(1);

  // zh-delivery (in view while all played): no defect, so no apology due.
  await expectChecklist(widget, { greeting: 'met', 'recording-notice': 'met', 'defect-apology': 'inactive', closing: 'met' });
  await expect(page.locator('#messages mark.pii[data-pii=verification_code]')).toHaveText('******');

  // Switch by keyboard to the zh-TW chat: its own widget, its own checklist.
  await page.locator('#conv-list [data-conv="tw-bill"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#conv-list [aria-current="true"]')).toHaveAttribute('data-conv', 'tw-bill');
  const tw = page.locator('linesman-assist:not([hidden])');
  await expect(tw).toHaveAttribute('playbook', 'builtin:telecom-tw');
  expect(await tw.evaluate((w) => w.conversationKey)).toBe('tw-bill');
  await expect(page.locator('#messages > li')).toHaveCount(9);
  await expectChecklist(tw, {
    greeting: 'met',
    'recording-notice': 'met',
    'identity-verification': 'met',
    'refund-policy': 'late',
    closing: 'met',
  });
  await expect(page.locator('#messages mark.pii[data-pii=tw_mobile]')).toHaveText('0912-***-678');

  // Back to the other retail-zh chat on the shared widget: its state, not zh-delivery's.
  await page.locator('#conv-list [data-conv="zh-shoes"]').click();
  const zh = page.locator('linesman-assist:not([hidden])');
  expect(await zh.evaluate((w) => w.conversationKey)).toBe('zh-shoes');
  await expectChecklist(zh, { 'defect-apology': 'late', 'refund-policy': 'met' });
  await expect(page.locator('#messages > li')).toHaveCount(10);

  // In the supervisor view: flags of all four chats; the zh-TW legal threat
  // carries the masked phone number.
  const twLegal = sup.locator('#flags > li[data-conversation="tw-bill"]').filter({ hasText: 'NCC' });
  await expect(twLegal).toHaveCount(1);
  await expect(twLegal.locator('blockquote')).toContainText('0912-***-678');
  const enLegal = sup.locator('#flags > li[data-conversation="en-blender"]').filter({ hasText: 'chargeback' });
  await expect(enLegal.locator('blockquote')).toContainText('(***) ***-2671');
  const medium = sup.locator('#flags > li[data-conversation="zh-delivery"][data-severity=medium]');
  await expect(medium.locator('blockquote')).toContainText('验证码是******');
  const wire = JSON.stringify(await sup.evaluate(() => window.__channel));
  for (const raw of [...RAW_PII, '384920']) expect(wire).not.toContain(raw);
  const sev = await sup.locator('#flags > li').evaluateAll((ls) => ls.map((l) => l.dataset.severity));
  const rank = { high: 0, medium: 1, low: 2 };
  expect(sev.map((s) => rank[s])).toEqual([...sev.map((s) => rank[s])].sort((a, b) => a - b));

  // The link back opens the console on that chat (not the first one).
  const [opened] = await Promise.all([context.waitForEvent('page'), twLegal.getByRole('link').click()]);
  await opened.waitForLoadState();
  expect(new URL(opened.url()).searchParams.get('conv')).toBe('tw-bill');
  await expect(opened.locator('#conv-list [aria-current="true"]')).toHaveAttribute('data-conv', 'tw-bill');
  await expect(opened.locator('linesman-assist:not([hidden])')).toHaveAttribute('playbook', 'builtin:telecom-tw');
});

test('a banned phrase typed into the compose box is highlighted before sending; suggestions insert by click', async ({
  context,
}) => {
  const { page, widget } = await openConsole(context, 'conv=en-blender');
  const compose = page.locator('#compose');

  // Typed key by key, as an agent would: the draft check runs on input.
  await compose.pressSequentially("Calm down, that's not our fault.");
  const draft = widget.getByRole('region', { name: 'Draft warning' });
  await expect(draft).toBeVisible();
  await expect(draft.locator('mark')).toHaveText(['Calm down', "that's not our fault"]);
  await expect(draft.locator('li[data-rule="blame-shifting"]')).toBeVisible();
  // Nothing was sent.
  await expect(page.locator('#messages > li')).toHaveCount(0);

  // A better wording from the draft warning replaces the banned span.
  const better = draft.locator('li[data-rule="impatient"]').getByRole('button', { name: 'Insert' }).first();
  await better.click();
  await expect(compose).not.toHaveValue(/Calm down/);
  await expect(draft.locator('mark')).toHaveText(["that's not our fault"]);
  await compose.fill('');
  await expect(draft).toBeHidden();

  // One step of the script: the customer's first message brings the
  // damaged-item suggestions; Insert puts one into the empty compose box.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.locator('#messages > li')).toHaveCount(1);
  const card = widget.getByRole('region', { name: 'Suggested replies' }).locator('li[data-rule="damage-script"]');
  await expect(card).toBeVisible();
  const option = card.locator('li').first();
  const text = (await option.locator('p').innerText()).trim();
  await option.getByRole('button', { name: 'Insert' }).click();
  await expect(compose).toHaveValue(text);
  await expect(compose).toBeFocused();
  expect(
    await page.evaluate(() => window.__suggestions.filter((s) => s.action === 'insert').map((s) => [s.rule, s.choice])),
  ).toContainEqual(['damage-script', text]);

  // Enter sends it as the agent's message.
  await compose.press('Enter');
  await expect(page.locator('#messages > li[data-role=agent] .bubble')).toHaveText(text);
  await expect(compose).toHaveValue('');
});

test('step mode stages the agent line in the compose box; the agent can fix it before it goes out', async ({
  context,
}) => {
  const { page, widget } = await openConsole(context, 'conv=zh-shoes');
  const step = page.getByRole('button', { name: 'Step', exact: true });
  await step.click(); // customer
  await step.click(); // agent greeting: staged
  await expect(page.locator('#compose')).toHaveValue(/很高兴为您服务/);
  await step.click(); // sent
  await step.click(); // the blame-shifting line: staged, not sent
  await expect(page.locator('#messages > li')).toHaveCount(2);
  const draft = widget.getByRole('region', { name: 'Draft warning' });
  await expect(draft.locator('mark')).toHaveText(['你自己使用不当']);
  await draft.getByRole('button', { name: 'Insert' }).first().click();
  await expect(draft).toBeHidden();
  await step.click(); // what is in the compose box now goes out
  await expect(page.locator('#messages > li')).toHaveCount(3);
  await expect(page.locator('#messages [aria-busy=true]')).toHaveCount(0);
  await expect(page.locator('#messages > li').last().locator('.bubble')).not.toContainText('你自己使用不当');
  await expect(page.locator('#messages > li').last().locator('mark.banned')).toHaveCount(0);
  expect(
    await page.evaluate(() => window.__events.filter((d) => d.event.kind === 'flag' && d.event.rule === 'banned-high').length),
  ).toBe(0);
});

test('a supervisor view opened later gets the flags already raised; Reset withdraws them', async ({ context }) => {
  const { page } = await openConsole(context, 'conv=tw-bill&model=none');
  await playToEnd(page, 9);
  // Read without the model, emotion comes from the lexicon: playback does not need it.
  expect(await lastEvent(page, 'tw-bill', 'emotion')).toMatchObject({ source: 'lexicon' });
  const n = await page.evaluate(() => window.__events.filter((d) => d.event.kind === 'flag').length);
  expect(n).toBeGreaterThan(0);

  const sup = await openSupervisor(context);
  await expect(sup.locator('#flags > li[data-conversation="tw-bill"]')).toHaveCount(n);
  await expect(sup.locator('#console-count')).toHaveText('1');

  // Ending the chat closes it for input; Reset starts it afresh.
  await page.getByRole('button', { name: 'End chat' }).click();
  await expect(page.locator('#messages > li[data-role=system]')).toHaveCount(1);
  await expect(page.locator('#compose')).toBeDisabled();

  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(sup.locator('#flags > li')).toHaveCount(0);
  await expect(sup.locator('#empty')).toBeVisible();
  await expect(page.locator('#messages > li')).toHaveCount(0);
  await expect(page.locator('#compose')).toBeEnabled();

  // Chinese UI in the supervisor view.
  await sup.getByRole('button', { name: '中文' }).click();
  await expect(sup.locator('h1')).toContainText('主管视图');
  await expect(sup.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('at 320 px the panes stack and nothing scrolls sideways; the UI switches to Chinese', async ({ context }) => {
  const { page, widget } = await openConsole(context, 'conv=zh-shoes');
  await page.setViewportSize({ width: 320, height: 720 });
  await playToEnd(page, 10);
  const box = async (sel) => (await page.locator(sel).boundingBox()) ?? { y: NaN, x: NaN, width: NaN };
  const [inbox, chat, assist] = [await box('.inbox'), await box('.chat'), await box('#assist')];
  expect(inbox.y).toBeLessThan(chat.y);
  expect(chat.y).toBeLessThan(assist.y);
  for (const b of [inbox, chat, assist]) expect(b.x + b.width).toBeLessThanOrEqual(320);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expect(checklist(widget)).toBeVisible();

  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('button', { name: '播放', exact: true })).toBeVisible();
  await expect(widget).toHaveAttribute('locale', 'zh-CN');
  await expect(widget.getByRole('region', { name: '合规清单' })).toBeVisible();
  const sup = await openSupervisor(context);
  await sup.setViewportSize({ width: 320, height: 720 });
  await expect(sup.locator('#flags > li')).toHaveCount(3);
  expect(await sup.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

test('a model that cannot be loaded does not stop the demo: the widget is rebuilt with the lexicon', async ({ context }) => {
  // Same origin and present, so the console tries it, but not a model.
  // Autoplay: the first message goes out while the failing build is under way.
  const { page, widget } = await openConsole(context, 'conv=en-blender&autoplay=1&model=../index.html', {
    waitReady: false,
  });
  // The first build fails on the bad model; the console asks for a second without it.
  await expect.poll(() => widget.evaluate((w) => w.emotionSource), { timeout: 20_000 }).toBe('lexicon');
  await expect(widget).toHaveAttribute('model', 'none');
  await expect(page.locator('#progress')).toHaveText('Script 9/9', { timeout: 30_000 });
  await expect(page.locator('#messages [aria-busy=true]')).toHaveCount(0);
  await expect(page.locator('#messages > li')).toHaveCount(9);
  await expect(page.locator('#messages .unchecked')).toHaveCount(0);
  await expectChecklist(widget, { greeting: 'met', 'refund-policy': 'met', closing: 'met' });
  await expect(page.locator('#messages mark.pii[data-pii=intl_phone]')).toHaveText('(***) ***-2671');
});
