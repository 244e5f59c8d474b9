// <linesman-assist> in real Chromium: what an agent sees and can do, on a
// normal page, a hostile one and a 320 px screen. The engine is the real
// wasm build (www/pkg); clock="manual" and explicit timestamps keep every
// deadline deterministic, model="none" (the lexicon) every emotion reading,
// except where a test is about the defaults.
import { test as base, expect } from '@playwright/test';

// Every test also checks that nothing was thrown into the host page (and
// nothing logged as an error, unless the test expects that very message).
const expectedConsole = new WeakMap();
const test = base.extend({
  page: async ({ page }, use) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    await use(page);
    const allowed = expectedConsole.get(page);
    expect(errors.filter((e) => !allowed?.test(e)), 'errors reaching the host page').toEqual([]);
  },
});

const T0 = 1_700_000_000_000;
const sec = (s) => T0 + s * 1000;
const PAGE = '/tests/pages/widget.html';
const W = '#w'; // the element; Playwright's CSS engine pierces its open shadow root

/** Opens the harness and adds <linesman-assist id=w> (manual clock, lexicon unless given). */
async function mount(page, { attrs = {}, playbookObject, compose = '#compose', url = PAGE, waitReady = true } = {}) {
  await page.goto(url);
  await page.waitForFunction(() => window.__widgetLoaded === true);
  const all = { playbook: 'builtin:retail-zh', model: 'none', clock: 'manual', ...attrs };
  await page.evaluate(
    ({ all, playbookObject, compose }) => {
      const el = document.createElement('linesman-assist');
      el.id = 'w';
      for (const [k, v] of Object.entries(all)) if (v != null) el.setAttribute(k, v);
      if (playbookObject !== undefined) el.playbookObject = playbookObject;
      if (compose) el.compose = document.querySelector(compose);
      document.getElementById('slot').append(el);
    },
    { all, playbookObject, compose },
  );
  if (waitReady) await page.evaluate(() => document.getElementById('w').ready);
}

/** el.observe(message, key) in the page; resolves with the events. */
function say(page, role, text, ts = null, key = null) {
  return page.evaluate(
    ([role, text, ts, key]) => document.getElementById('w').observe({ role, text, ts: ts ?? undefined }, key ?? undefined),
    [role, text, ts, key],
  );
}

const events = (page, type) => page.evaluate((type) => window.__events.filter((e) => !type || e.type === type), type);
const row = (page, rule) => page.locator(`${W} .check li[data-rule="${rule}"]`);
const shadowText = (page) => page.evaluate(() => document.getElementById('w').shadowRoot.textContent);

/** The element that has focus, looking into shadow roots. */
const deepFocus = (page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a ? { tag: a.tagName, cls: a.className, id: a.id, text: a.textContent } : null;
  });

test('checklist follows a retail-zh conversation: met, due with counts and countdown, met or missed refund policy', async ({ page }) => {
  await mount(page);
  // Before any message: triggered rules are inactive, the others pending.
  await expect(row(page, 'greeting')).toHaveAttribute('data-state', 'pending');
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'inactive');
  await expect(row(page, 'refund-policy')).toContainText('退款政策说明');
  await expect(row(page, 'refund-policy')).toContainText('未触发');

  await say(page, 'customer', '你好，在吗', sec(0));
  await expect(row(page, 'greeting')).toHaveAttribute('data-state', 'due');
  await expect(row(page, 'greeting')).toContainText('即将到期');
  await expect(row(page, 'greeting')).toContainText('还剩 1 条坐席消息');
  // recording-notice: 3 agent messages or 120 s from the first message.
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'pending');
  await expect(row(page, 'recording-notice')).toContainText('还剩 3 条坐席消息');
  await expect(row(page, 'recording-notice')).toContainText('剩余 2:00');

  await say(page, 'agent', '亲，您好，很高兴为您服务', sec(5));
  await expect(row(page, 'greeting')).toHaveAttribute('data-state', 'met');
  await expect(row(page, 'greeting')).toContainText('已完成');
  await expect(row(page, 'recording-notice')).toContainText('剩余 1:55');
  await expect(row(page, 'recording-notice')).toContainText('还剩 2 条坐席消息');

  await say(page, 'agent', '温馨提示：本次对话会被记录用于服务质量改进', sec(10));
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'met');

  // A refund request arms the refund policy: 2 agent messages.
  const opening = [
    ['customer', '你好，在吗', sec(0)],
    ['agent', '亲，您好，很高兴为您服务', sec(5)],
    ['agent', '温馨提示：本次对话会被记录用于服务质量改进', sec(10)],
  ];
  await say(page, 'customer', '这个我不想要了，可以退款吗？', sec(20));
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'pending');
  await expect(row(page, 'refund-policy')).toContainText('还剩 2 条坐席消息');
  await say(page, 'agent', '好的亲，我帮您查一下订单', sec(30));
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'due');
  await expect(row(page, 'refund-policy')).toContainText('还剩 1 条坐席消息');

  // Conversation "b" gets the same start in the background; the view stays on "default".
  for (const [role, text, ts] of opening) await say(page, role, text, ts, 'b');
  await say(page, 'customer', '这个我不想要了，可以退款吗？', sec(20), 'b');
  await say(page, 'agent', '好的亲，我帮您查一下订单', sec(30), 'b');
  await say(page, 'agent', '好的，请稍等', sec(40), 'b');
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'due');
  expect(await page.evaluate(() => document.getElementById('w').conversationKey)).toBe('default');

  // "default": the agent states the policy in time → met.
  await say(page, 'agent', '支持七天无理由退货，退货寄回验收通过后，退款会原路退回', sec(40));
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'met');
  await expect(page.locator(`${W} .flags li`)).toHaveCount(0);

  // "b": the agent never said it → missed, with the playbook's flag.
  await page.evaluate(() => document.getElementById('w').switchConversation('b'));
  expect(await page.evaluate(() => document.getElementById('w').conversationKey)).toBe('b');
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'missed');
  await expect(row(page, 'refund-policy')).toContainText('已遗漏');
  await expect(page.locator(`${W} .flags li[data-severity="medium"]`)).toContainText('顾客提出退款/退货后，坐席未及时说明退款政策');
  await expect(page.locator(`${W} .flags li[data-severity="medium"]`)).toContainText('中风险');

  // Back to "default": its own state, untouched by "b"; ending it misses the closing.
  await page.evaluate(() => document.getElementById('w').switchConversation('default'));
  await expect(row(page, 'refund-policy')).toHaveAttribute('data-state', 'met');
  await expect(page.locator(`${W} .flags li`)).toHaveCount(0);
  await page.evaluate((t) => document.getElementById('w').end(t), sec(60));
  await expect(row(page, 'closing')).toHaveAttribute('data-state', 'missed');
  const summary = await page.evaluate(() => document.getElementById('w').summary());
  expect(summary.checklist.map((i) => [i.rule, i.state])).toEqual([
    ['greeting', 'met'],
    ['recording-notice', 'met'],
    ['refund-policy', 'met'],
    ['defect-apology', 'inactive'],
    ['closing', 'missed'],
  ]);

  // A brand-new conversation starts clean.
  await page.evaluate(() => document.getElementById('w').switchConversation('c'));
  await expect(row(page, 'greeting')).toHaveAttribute('data-state', 'pending');
  await expect(page.locator(`${W} .sugs li.card`)).toHaveCount(0);
});

test('a late statement shows as late; the countdown follows clock ticks', async ({ page }) => {
  await mount(page);
  await say(page, 'customer', '你好，在吗', sec(0));
  await page.evaluate((t) => document.getElementById('w').tick(t), sec(100));
  await expect(row(page, 'recording-notice')).toContainText('剩余 0:20');
  // warn_before_seconds 30: due from 90 s on.
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'due');
  await page.evaluate((t) => document.getElementById('w').tick(t), sec(121));
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'missed');
  await say(page, 'agent', '您好，很高兴为您服务。温馨提示：本次对话会被记录用于服务质量改进', sec(130));
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'late');
  await expect(row(page, 'recording-notice')).toContainText('已完成（超时）');
});

test('emotion of an angry customer: label, intensity, sparkline with an aria-label', async ({ page }) => {
  await mount(page);
  await expect(page.locator(`${W} .emo`)).toContainText('暂无顾客消息');
  await say(page, 'customer', '你好，我想问一下订单', sec(0));
  await say(page, 'customer', '气死我了！！！你们什么垃圾服务！！！', sec(10));
  const emo = page.locator(`${W} .emo`);
  await expect(emo).toHaveAttribute('data-label', 'angry');
  await expect(emo.locator('.now')).toHaveText('愤怒');
  await expect(emo).toContainText('强度 5/5');
  await expect(emo.locator('.dots i.on')).toHaveCount(5);
  const spark = emo.locator('svg.spark');
  await expect(spark).toHaveAttribute('role', 'img');
  await expect(spark).toHaveAttribute('aria-label', '情绪走势（最近 2 条顾客消息）：平静 1，愤怒 5');
  // Two points: calm on the zero line (y 20), angry 5 at the bottom (y 20 + 5 × 3.6).
  await expect(spark.locator('polyline')).toHaveAttribute('points', '0.0,20.0 100.0,38.0');
  await expect(page.locator(`${W} header .meta`)).toContainText('情绪词典');
});

test('with the default model the emotion model reads an angry customer', async ({ page }) => {
  await mount(page);
  expect(await page.evaluate(() => document.getElementById('w').emotionSource)).toBe('lexicon');
  await say(page, 'customer', '你好', sec(0));
  // Dropping model="none" rebuilds with the default model; the conversation starts again.
  await page.evaluate(() => document.getElementById('w').removeAttribute('model'));
  await page.evaluate(() => document.getElementById('w').ready);
  expect(await page.evaluate(() => document.getElementById('w').emotionSource)).toBe('model');
  expect((await events(page, 'linesman:ready')).map((e) => e.detail.emotionSource)).toEqual(['lexicon', 'model']);
  expect((await page.evaluate(() => document.getElementById('w').summary())).messages).toBe(0);
  await expect(page.locator(`${W} header .meta`)).toContainText('情绪模型');
  const evs = await say(page, 'customer', '气死我了！！！你们什么垃圾服务！！！我要投诉！', sec(0));
  const emotion = evs.find((e) => e.kind === 'emotion');
  expect(emotion.source).toBe('model');
  expect(['angry', 'frustrated']).toContain(emotion.label);
  expect(emotion.intensity).toBeGreaterThanOrEqual(3);
  const shown = { angry: '愤怒', frustrated: '不满' }[emotion.label];
  await expect(page.locator(`${W} .emo .now`)).toHaveText(shown);
  await expect(page.locator(`${W} .emo`)).toContainText(`强度 ${emotion.intensity}/5`);
});

test('a suggestion inserted into the textarea by clicking Insert, with linesman:suggestion events', async ({ page }) => {
  await mount(page);
  await say(page, 'customer', '这个我不想要了，可以退款吗？', sec(0));
  const card = page.locator(`${W} .sugs li.card[data-rule="refund-script"]`);
  await expect(card).toBeVisible();
  const first = '亲，这款支持七天无理由退货，商品和吊牌、包装完好就可以退';
  await expect(card.locator('.opt').first()).toContainText(first);
  const shown = await events(page, 'linesman:suggestion');
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatchObject({ target: 'w', bubbles: true, composed: true });
  expect(shown[0].detail).toMatchObject({ conversation: 'default', rule: 'refund-script', action: 'shown' });
  expect(shown[0].detail.text[0]).toBe(first);

  // Empty box: the text goes in; the box gets focus and an input event.
  await page.evaluate(() => {
    window.__inputs = 0;
    document.getElementById('compose').addEventListener('input', () => window.__inputs++);
  });
  await card.locator('.opt').first().getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#compose')).toHaveValue(first);
  await expect(page.locator('#compose')).toBeFocused();
  expect(await page.evaluate(() => window.__inputs)).toBe(1);
  const inserted = (await events(page, 'linesman:suggestion')).filter((e) => e.detail.action === 'insert');
  expect(inserted).toHaveLength(1);
  expect(inserted[0].detail).toMatchObject({ conversation: 'default', rule: 'refund-script', action: 'insert', choice: first });
  expect(inserted[0].detail.text).toEqual(shown[0].detail.text);

  // A selection is replaced; without one the text is appended.
  await page.evaluate(() => {
    const c = document.getElementById('compose');
    c.value = '您好，XXX。';
    c.setSelectionRange(3, 6);
  });
  const second = card.locator('.opt').nth(1);
  const secondText = await second.locator('p').textContent();
  await second.getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#compose')).toHaveValue(`您好，${secondText}。`);
  await page.evaluate(() => document.getElementById('compose').setSelectionRange(0, 0));
  await second.getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#compose')).toHaveValue(`您好，${secondText}。${secondText}`);
});

test('insert into a contenteditable box or through a compose function; copy to the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await mount(page, { compose: '#ce' });
  await say(page, 'customer', '这个我不想要了，可以退款吗？', sec(0));
  const opt = page.locator(`${W} .sugs li.card[data-rule="refund-script"] .opt`).first();
  const text = await opt.locator('p').textContent();
  await page.locator('#ce').evaluate((ce) => (ce.textContent = '您好，'));
  await opt.getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#ce')).toHaveText(`您好，${text}`);

  // Draft checking follows the contenteditable box too.
  await page.locator('#ce').evaluate((ce) => (ce.textContent = ''));
  await page.locator('#ce').click();
  await page.keyboard.type('爱买不买');
  await expect(page.locator(`${W} section.draft mark`)).toHaveText('爱买不买');

  // A function receives the text; the vendor checks drafts itself.
  await page.evaluate(() => {
    window.__got = [];
    document.getElementById('w').compose = (t) => window.__got.push(t);
  });
  await opt.getByRole('button', { name: '插入' }).click();
  expect(await page.evaluate(() => window.__got)).toEqual([text]);

  await opt.getByRole('button', { name: '复制' }).click();
  await expect(opt.getByRole('button', { name: '已复制' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  const copied = (await events(page, 'linesman:suggestion')).filter((e) => e.detail.action === 'copy');
  expect(copied).toHaveLength(1);
  expect(copied[0].detail).toMatchObject({ action: 'copy', choice: text, rule: 'refund-script' });
});

test('a banned phrase in the draft is highlighted before sending, with the better wordings', async ({ page }) => {
  await mount(page);
  const draft = page.locator(`${W} section.draft`);
  await expect(draft).toBeHidden();
  await page.locator('#compose').fill('亲，爱-买-不-买哦');
  await expect(draft).toBeVisible();
  await expect(draft.locator('h2')).toHaveText('草稿提醒');
  // The highlighted span is exactly the banned phrase as typed (UTF-16 start/end).
  await expect(draft.locator('.text mark')).toHaveText('爱-买-不-买');
  await expect(draft.locator('.text')).toHaveText('亲，爱-买-不-买哦');
  const hit = draft.locator('.hits li[data-rule="dismissive"]');
  await expect(hit).toContainText('轻慢顾客/赶客');
  await expect(hit).toContainText('高风险');
  await expect(hit).toContainText('建议改用：');
  const wording = '我来帮您想想办法，您看这样处理可以吗';
  await expect(hit.locator('.opt p')).toContainText([wording]);
  const drafted = (await events(page, 'linesman:event')).filter((e) => e.detail.event.draft);
  expect(drafted.at(-1).detail.event).toMatchObject({ kind: 'banned', rule: 'dismissive', start: 2, end: 9 });

  // el.checkDraft answers too, and a clean draft clears the warning.
  const evs = await page.evaluate(() => document.getElementById('w').checkDraft('您好，请问有什么可以帮您'));
  expect(evs).toEqual([]);
  await expect(draft).toBeHidden();

  // Inserting a wording replaces the banned span in the unchanged draft.
  await page.locator('#compose').fill('亲，爱-买-不-买哦');
  await expect(draft).toBeVisible();
  await hit.locator('.opt').filter({ hasText: wording }).getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#compose')).toHaveValue(`亲，${wording}哦`);
  await expect(draft).toBeHidden();
  const ins = (await events(page, 'linesman:suggestion')).filter((e) => e.detail.action === 'insert');
  expect(ins.at(-1).detail).toMatchObject({ rule: 'dismissive', choice: wording, source: 'draft' });

  // Two phrases, two marks; typing fast only shows the latest draft; empty clears.
  await page.locator('#compose').fill('不归我管，爱买不买');
  await expect(draft.locator('.text mark')).toHaveText(['不归我管', '爱买不买']);
  for (const t of ['随', '随便', '随便你', '好的']) await page.locator('#compose').fill(t);
  await expect(draft).toBeHidden();
  await page.locator('#compose').fill('随便你');
  await expect(draft.locator('.text mark')).toHaveText('随便你');
  await page.locator('#compose').fill('');
  await expect(draft).toBeHidden();
});

test('flags show severity, reason and a masked excerpt; linesman:flag never carries the phone number', async ({ page }) => {
  await mount(page);
  await say(page, 'customer', '我电话13812345678，我要去12315投诉你们！', sec(0));
  const flag = page.locator(`${W} .flags li[data-severity="high"]`);
  await expect(flag).toBeVisible();
  await expect(flag).toContainText('高风险');
  await expect(flag).toContainText('顾客提及投诉、监管部门或法律途径，请主管关注并介入');
  await expect(flag.locator('blockquote')).toHaveText('我电话138****5678，我要去12315投诉你们！');
  expect(await shadowText(page)).not.toContain('13812345678');

  const flags = await events(page, 'linesman:flag');
  expect(flags).toHaveLength(1);
  expect(flags[0]).toMatchObject({ target: 'w', bubbles: true, composed: true });
  expect(flags[0].detail).toMatchObject({ conversation: 'default', flag: { kind: 'flag', severity: 'high', rule: 'legal-threat' } });
  expect(flags[0].detail.flag.excerpt).toContain('138****5678');
  expect(JSON.stringify(await events(page))).not.toContain('13812345678');

  // A banned phrase the agent sent: listed, and flagged by the playbook.
  await say(page, 'agent', '随便你，投诉也没用', sec(10));
  await expect(page.locator(`${W} .bans li`)).toHaveCount(2);
  await expect(page.locator(`${W} .bans li mark`)).toHaveText(['随便你', '投诉也没用']);
  await expect(page.locator(`${W} .bans li`).first()).toContainText('轻慢顾客/赶客');
  await expect(page.locator(`${W} .flags li`).first()).toContainText('坐席使用了高危禁语');
  await expect(page.locator(`${W} ul.flags`)).toHaveAttribute('aria-live', 'polite');
});

test('a hostile page cannot hide, restyle or be restyled by the widget', async ({ page }) => {
  await page.goto('/tests/pages/hostile.html');
  await page.waitForFunction(() => window.__widgetLoaded === true);
  await page.evaluate(() => document.getElementById('w').ready);
  const host = page.locator('#w');
  await expect(host).toBeVisible();
  expect(await host.evaluate((el) => getComputedStyle(el).display)).toBe('block');
  const box = await host.boundingBox();
  expect(box.width).toBeGreaterThan(200);
  expect(box.height).toBeGreaterThan(100);

  await page.evaluate(() => document.getElementById('w').observe({ role: 'customer', text: '我要退款，不然投诉你们', ts: 1700000000000 }));
  const greeting = page.locator(`${W} .check li[data-rule="greeting"]`);
  await expect(greeting).toBeVisible();
  const style = await greeting.evaluate((li) => {
    const s = getComputedStyle(li);
    return { fontSize: s.fontSize, color: s.color, letterSpacing: s.letterSpacing, textTransform: s.textTransform, fontStyle: s.fontStyle, visibility: s.visibility };
  });
  expect(style).toEqual({ fontSize: '14px', color: 'rgb(31, 35, 40)', letterSpacing: 'normal', textTransform: 'none', fontStyle: 'normal', visibility: 'visible' });
  await expect(page.locator(`${W} .flags li`).first()).toBeVisible();
  await expect(page.locator(`${W} .flags li`).first()).toContainText('高风险');

  // Buttons still show and work (the page set el.compose before the element was defined).
  const insert = page.locator(`${W} .sugs li.card[data-rule="refund-script"] .opt`).first().getByRole('button', { name: '插入' });
  await expect(insert).toBeVisible();
  expect(await insert.evaluate((b) => getComputedStyle(b).fontSize)).toBe('12px');
  await insert.click();
  await expect(page.locator('#compose')).toHaveValue(/七天无理由退货/);

  // Draft marks are the widget's own.
  await page.locator('#compose').fill('爱买不买');
  const mark = page.locator(`${W} section.draft mark`);
  await expect(mark).toBeVisible();
  expect(await mark.evaluate((m) => getComputedStyle(m).backgroundColor)).toBe('rgb(255, 215, 181)');

  // Nothing leaked out: the page's own .flag element and document are as before.
  const after = await page.evaluate(() => {
    const s = getComputedStyle(document.getElementById('pageflag'));
    return ['color', 'outline', 'background-color', 'font-size', 'display', 'letter-spacing'].map((p) => s.getPropertyValue(p));
  });
  expect(after).toEqual(await page.evaluate(() => window.__flagBefore));
  expect(after[0]).toBe('rgb(1, 2, 3)');
  expect(await page.evaluate(() => ({ styleSheets: document.styleSheets.length, nodes: document.querySelectorAll('*').length }))).toEqual(
    await page.evaluate(() => window.__docBefore),
  );
  expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0);
});

test('a playbook full of HTML is shown as text and never runs', async ({ page }) => {
  await mount(page, { attrs: { playbook: '/tests/pages/xss-playbook.json' } });
  const payload = '<img src=x onerror="window.__xss=1">';
  await expect(page.locator(`${W} .check li[data-rule="greet"] .lab`)).toHaveText('<img src=x onerror="window.__xss=\'required\'">问候');
  await expect(page.locator(`${W} header .meta`)).toContainText('xss<b>test</b>');
  await say(page, 'customer', '我要退款', sec(0));
  const card = page.locator(`${W} .sugs li.card[data-rule="evil-trigger"]`);
  await expect(card.locator('.opt p')).toHaveText(payload);
  await expect(card.locator('.sub').first()).toHaveText('<i>trigger</i>');
  await expect(page.locator(`${W} .flags li`).first()).toContainText(`<script>window.__xss='reason'</script><svg onload="window.__xss='svg'"></svg>`);
  await page.locator('#compose').fill('爱买不买');
  const hit = page.locator(`${W} section.draft .hits > li`);
  await expect(hit).toContainText('<b onmouseover="window.__xss=\'label\'">禁语</b>');
  await expect(hit.locator('.opt p')).toHaveText(payload);
  await hit.locator('.opt').getByRole('button', { name: '插入' }).click();
  await expect(page.locator('#compose')).toHaveValue(payload);

  await page.waitForTimeout(300);
  const injected = await page.evaluate(() => {
    const root = document.getElementById('w').shadowRoot;
    // The widget's own <b> (state) and <i> (intensity dots) and the harness's module script aside.
    const evil = 'img, script:not([type=module]), [onerror], [onload], [onmouseover], i:not(.dots i), b:not(.st > b), svg:not(.spark)';
    return [...root.querySelectorAll(evil), ...document.querySelectorAll(evil)].map((e) => e.outerHTML.slice(0, 80));
  });
  expect(injected).toEqual([]);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
});

test('readable at 320 px: no horizontal overflow with long content', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 700 });
  await mount(page);
  const long = 'https://example.com/order/' + 'a1b2c3d4'.repeat(30);
  await say(page, 'customer', `气死我了！！！订单 ${long} 我电话13812345678，我要去12315投诉你们，还要退款！`, sec(0));
  await say(page, 'agent', `随便你，投诉也没用 ${long}`, sec(5));
  await page.locator('#compose').fill(`爱买不买${'长'.repeat(80)}${long}`);
  await expect(page.locator(`${W} section.draft mark`)).toBeVisible();
  await expect(page.locator(`${W} .flags li`).first()).toBeVisible();
  const overflow = await page.evaluate(() => {
    const el = document.getElementById('w');
    const bad = [];
    const walk = (root) => {
      for (const n of root.querySelectorAll('*')) {
        const r = n.getBoundingClientRect();
        if (r.width && (r.right > innerWidth + 0.5 || r.left < -0.5)) bad.push(`${n.tagName}.${n.getAttribute('class')}: ${r.left}–${r.right}`);
      }
    };
    walk(el.shadowRoot);
    return { doc: document.documentElement.scrollWidth, inner: innerWidth, host: [el.scrollWidth, el.clientWidth], bad };
  });
  expect(overflow.bad).toEqual([]);
  expect(overflow.doc).toBeLessThanOrEqual(overflow.inner);
  expect(overflow.host[0]).toBeLessThanOrEqual(overflow.host[1]);
});

test('keyboard: Tab reaches an Insert button with a visible focus ring and Enter inserts', async ({ page }) => {
  await mount(page);
  await say(page, 'customer', '这个我不想要了，可以退款吗？', sec(0));
  const first = '亲，这款支持七天无理由退货，商品和吊牌、包装完好就可以退';
  await expect(page.locator(`${W} .sugs .opt`).first()).toContainText(first);
  await page.locator('#compose').focus();
  let focused = null;
  for (let i = 0; i < 10 && !(focused?.tag === 'BUTTON' && focused.text === '插入'); i++) {
    await page.keyboard.press('Tab');
    focused = await deepFocus(page);
  }
  expect(focused).toMatchObject({ tag: 'BUTTON', text: '插入' });
  const ring = await page.evaluate(() => {
    const b = document.getElementById('w').shadowRoot.activeElement;
    const s = getComputedStyle(b);
    return [s.outlineStyle, s.outlineWidth, b.getAttribute('aria-describedby') && b.getRootNode().getElementById(b.getAttribute('aria-describedby')).textContent];
  });
  expect(ring).toEqual(['solid', '2px', first]);
  await page.keyboard.press('Enter');
  await expect(page.locator('#compose')).toHaveValue(first);
  await expect(page.locator('#compose')).toBeFocused();
  // Regions are labelled for assistive technology.
  for (const name of ['合规清单', '顾客情绪', '推荐话术', '风险标记']) await expect(page.getByRole('region', { name })).toBeVisible();
});

test('an invalid playbook object shows every problem with its JSON path; a valid one recovers', async ({ page }) => {
  const bad = {
    playbook: 'bad',
    version: '1',
    locale: 'fr',
    banned: [{ id: 'a', phrases: [] }, { id: 'b', phrases: ['x'], severity: 'huge' }],
    required: [{ id: 'r', phrases: ['hi there'] }],
  };
  await mount(page, { playbookObject: bad, waitReady: false });
  const err = await page.evaluate(() => document.getElementById('w').ready.then(() => null, (e) => ({ name: e.name, message: e.message, problems: e.problems })));
  expect(err.name).toBe('LinesmanError');
  expect(err.problems.map((p) => p.path)).toEqual(['/locale', '/banned/0/phrases', '/banned/1/severity', '/required/0/deadline']);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Linesman 无法启动');
  await expect(alert).toContainText('话术手册有以下问题：');
  await expect(alert.locator('li')).toHaveCount(4);
  await expect(alert.locator('li code')).toHaveText(['/locale', '/banned/0/phrases', '/banned/1/severity', '/required/0/deadline']);
  await expect(alert.locator('li').nth(2)).toContainText('huge');
  await expect(page.locator(`${W} .check`)).toBeHidden();
  const errs = await events(page, 'linesman:error');
  expect(errs).toHaveLength(1);
  expect(errs[0].detail.error.problems).toHaveLength(4);
  // Calls reject instead of throwing.
  expect(await page.evaluate(() => document.getElementById('w').observe({ role: 'customer', text: 'hi' }).then(() => 'ok', (e) => e.name))).toBe('LinesmanError');

  await page.evaluate(() => {
    document.getElementById('w').playbookObject = {
      playbook: 'tiny',
      version: '1',
      locale: 'en',
      required: [{ id: 'hello', label: 'Say hello', phrases: ['hello there'], deadline: { agent_messages: 1 } }],
    };
  });
  await page.evaluate(() => document.getElementById('w').ready);
  await expect(alert).toBeHidden();
  await expect(row(page, 'hello')).toContainText('Say hello');
  await expect(page.locator(`${W} #h-check`)).toHaveText('Compliance checklist');
});

test('a playbook URL that does not load is an error state, not an exception', async ({ page }) => {
  // Chromium itself logs the failed fetch; that is the only console error allowed here.
  expectedConsole.set(page, /^console: Failed to load resource: .* 404 \(Not Found\)$/);
  await mount(page, { attrs: { playbook: '/tests/pages/no-such-playbook.json' }, waitReady: false });
  const msg = await page.evaluate(() => document.getElementById('w').ready.then(() => null, (e) => e.message));
  expect(msg).toContain('HTTP 404');
  await expect(page.getByRole('alert')).toContainText('HTTP 404');
  expect((await events(page, 'linesman:error')).length).toBe(1);
});

test('UI strings: English for retail-en, Traditional Chinese for telecom-tw, the locale attribute overrides', async ({ page }) => {
  await mount(page, { attrs: { playbook: 'builtin:retail-en' } });
  await expect(page.locator(`${W} #h-check`)).toHaveText('Compliance checklist');
  await expect(page.locator(`${W} #h-sug`)).toHaveText('Suggested replies');
  await say(page, 'customer', 'Hi, my order arrived damaged and I want a refund!', sec(0));
  await expect(row(page, 'greeting')).toContainText('Due soon');
  await expect(row(page, 'greeting')).toContainText('1 agent message left');
  await expect(page.locator(`${W} .sugs .opt button.ins`).first()).toHaveText('Insert');
  await expect(page.locator(`${W} .sugs .opt button.cp`).first()).toHaveText('Copy');

  // Rebuilt on a new playbook: conversations reset, strings follow the playbook's locale.
  await page.evaluate(() => document.getElementById('w').setAttribute('playbook', 'builtin:telecom-tw'));
  await page.evaluate(() => document.getElementById('w').ready);
  expect((await events(page, 'linesman:ready')).map((e) => e.detail.info.playbook)).toEqual(['retail-en', 'telecom-tw']);
  await expect(page.locator(`${W} #h-check`)).toHaveText('合規檢查清單');
  await expect(page.locator(`${W} #h-emo`)).toHaveText('顧客情緒');
  await expect(page.locator(`${W} #h-sug`)).toHaveText('建議話術');
  await expect(page.locator(`${W} .sugs li`)).toHaveCount(0);
  await expect(page.locator(`${W} .emo`)).toContainText('尚無顧客訊息');
  await expect(row(page, 'refund-policy')).toContainText('退費說明');
  await expect(row(page, 'refund-policy')).toContainText('未觸發');
  await say(page, 'customer', '你好，我要退費', sec(0));
  await expect(row(page, 'greeting')).toContainText('還剩 1 則客服訊息');

  // locale attribute: English UI over a Chinese playbook, switched live.
  await page.evaluate(() => document.getElementById('w').setAttribute('locale', 'en'));
  await expect(page.locator(`${W} #h-check`)).toHaveText('Compliance checklist');
  await expect(row(page, 'greeting')).toContainText('開場問候');
  await expect(row(page, 'greeting')).toContainText('1 agent message left');
  await page.evaluate(() => (document.getElementById('w').locale = 'zh-CN'));
  await expect(page.locator(`${W} #h-check`)).toHaveText('合规清单');
  expect(await page.evaluate(() => document.getElementById('w').locale)).toBe('zh-CN');
});

test('clock="auto" stamps messages and ticks every second', async ({ page }) => {
  await mount(page, { attrs: { clock: null } });
  expect(await page.evaluate(() => document.getElementById('w').clock)).toBe('auto');
  // No ts given: stamped now, so the 120 s notice counts down from about 2:00.
  await say(page, 'customer', '你好，在吗，我想退款');
  await expect(row(page, 'recording-notice')).toContainText(/剩余 (2:00|1:5\d)/);
  await expect(page.locator(`${W} .sugs li.card`)).not.toHaveCount(0);
  // Ticks redraw the countdown but never touch the live regions (no announcement per second).
  const { live, countdowns } = await page.evaluate(async () => {
    const root = document.getElementById('w').shadowRoot;
    let live = 0;
    const mo = new MutationObserver((records) => (live += records.length));
    for (const el of root.querySelectorAll('[aria-live], [role=status], [role=alert]')) {
      mo.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
    }
    const left = root.querySelector('.check li[data-rule="recording-notice"] .left');
    const countdowns = new Set([left.textContent]);
    for (let i = 0; i < 26; i++) {
      await new Promise((r) => setTimeout(r, 100));
      countdowns.add(left.textContent);
    }
    mo.disconnect();
    return { live, countdowns: [...countdowns] };
  });
  expect(live).toBe(0);
  expect(countdowns.length).toBeGreaterThanOrEqual(2);
  // A conversation whose notice deadline passes in about a second: the timer's tick misses it.
  await page.evaluate(() => document.getElementById('w').switchConversation('late'));
  await page.evaluate(() => document.getElementById('w').observe({ role: 'customer', text: '你好，在吗', ts: Date.now() - 119_000 }));
  await expect(row(page, 'recording-notice')).toHaveAttribute('data-state', 'missed', { timeout: 5000 });
  const missed = (await events(page, 'linesman:event')).filter((e) => e.detail.conversation === 'late' && e.detail.event.kind === 'required_missed');
  expect(missed.map((e) => e.detail.event.rule)).toContain('recording-notice');
  // Regression: a conversation out of view is ticked too, so its deadline is
  // missed on time (and its flag raised) while the agent is in another chat.
  await page.evaluate(async () => {
    const w = document.getElementById('w');
    await w.observe({ role: 'customer', text: '你好，在吗', ts: Date.now() - 119_000 }, 'background');
    await w.switchConversation('late');
  });
  await expect
    .poll(async () =>
      (await events(page, 'linesman:event')).some(
        (e) => e.detail.conversation === 'background' && e.detail.event.kind === 'required_missed' && e.detail.event.rule === 'recording-notice',
      ),
    { timeout: 5000 })
    .toBe(true);
});

test('defined once, survives a move, hides with the hidden attribute', async ({ page }) => {
  await mount(page);
  // A second copy of the module (another URL) does not throw on customElements.define.
  const same = await page.evaluate(async () => {
    const before = customElements.get('linesman-assist');
    const mod = await import('/src/widget/linesman-assist.js?again');
    return mod.LinesmanAssistElement === before;
  });
  expect(same).toBe(true);
  // Moved in one task (remove + insert): same engine, same conversation.
  await say(page, 'customer', '你好，在吗', sec(0));
  await page.evaluate(() => document.body.prepend(document.getElementById('w')));
  await page.waitForTimeout(100);
  expect((await page.evaluate(() => document.getElementById('w').summary())).messages).toBe(1);
  await expect(row(page, 'greeting')).toHaveAttribute('data-state', 'due');
  // The hidden attribute still hides it (display is pinned only against page CSS).
  await page.evaluate(() => (document.getElementById('w').hidden = true));
  await expect(page.locator(W)).toBeHidden();
  await page.evaluate(() => (document.getElementById('w').hidden = false));
  await expect(row(page, 'greeting')).toBeVisible();
});
