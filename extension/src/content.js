// Content script: reads the chat console through an adapter and writes only
// into its compose box. No engine here (a host page's CSP may forbid wasm);
// every check goes to the extension (service worker → offscreen engine).
// A classic script; injecting it twice into one page is harmless.
(() => {
  // After the extension is reloaded or updated, the old copy in this page is
  // orphaned (its chrome.runtime is gone): then a new copy takes over.
  if (globalThis.__linesmanContent?.alive()) return;

  const SCAN_DELAY_MS = 60; // coalesces a console's burst of DOM mutations
  const DRAFT_DELAY_MS = 120;
  const msg = (k, ...subs) => {
    try {
      return chrome.i18n.getMessage(k, subs) || k;
    } catch {
      return k;
    }
  };
  const alive = () => {
    try {
      return !!chrome.runtime?.id;
    } catch {
      return false;
    }
  };

  globalThis.__linesmanContent = { alive };

  let adapter = null;
  let candidates = [];
  let observer = null;
  let scanTimer = 0;
  let lastSent = ''; // signature of the last list sent, per conversation
  let convKey = '';
  let draftTimer = 0;
  let draftSeq = 0;
  let warning = null;

  const send = async (m) => {
    if (!alive()) return stop();
    try {
      return await chrome.runtime.sendMessage(m);
    } catch (err) {
      if (!alive()) stop();
      return { ok: false, error: { message: String(err?.message ?? err) } };
    }
  };

  function q(sel, root = document) {
    try {
      return sel ? root.querySelector(sel) : null;
    } catch {
      return null;
    }
  }
  function qa(sel, root = document) {
    try {
      return sel ? [...root.querySelectorAll(sel)] : [];
    } catch {
      return [];
    }
  }
  /** The element or an ancestor up to (not beyond) `stop` matches `sel`. */
  function sideMatch(el, sel, stop) {
    if (!sel) return false;
    try {
      for (let n = el; n && n !== stop; n = n.parentElement) if (n.matches(sel)) return true;
      return !!el.querySelector(sel);
    } catch {
      return false;
    }
  }

  function textOf(el, a) {
    const t = (a.text && q(a.text, el)) || el;
    if (!a.ignore || !qa(a.ignore, t).length) return t.innerText ?? t.textContent ?? '';
    // Read a copy without the console's own notes (sender names, "sent" marks).
    const c = t.cloneNode(true);
    for (const x of qa(a.ignore, c)) x.remove();
    return c.textContent ?? '';
  }

  function timeOf(el, a) {
    if (!a.time?.selector) return undefined;
    const t = q(a.time.selector, el);
    const raw = t && (a.time.attr ? t.getAttribute(a.time.attr) : t.textContent);
    const ms = raw ? Date.parse(raw) : NaN;
    return Number.isFinite(ms) ? ms : undefined;
  }

  function conversationOf(a) {
    const c = a.conversation;
    const el = c?.selector ? q(c.selector) : null;
    const id = el ? (c.attr ? el.getAttribute(c.attr) : el.textContent) : null;
    const named = (c?.title && q(c.title)) || el;
    const name = (named?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
    return { id: (id ?? '').trim() || location.pathname, title: name || document.title };
  }

  function readMessages(a) {
    const list = q(a.list);
    if (!list) return null;
    const out = [];
    for (const el of qa(a.message, list)) {
      const role = sideMatch(el, a.agent, list) ? 'agent' : sideMatch(el, a.customer, list) ? 'customer' : null;
      if (!role) continue;
      const text = textOf(el, a).replace(/\s+/g, ' ').trim();
      if (!text) continue;
      out.push({ role, text, ts: timeOf(el, a) });
    }
    return out;
  }

  function schedule() {
    if (!scanTimer) scanTimer = setTimeout(scan, SCAN_DELAY_MS);
  }

  async function scan() {
    scanTimer = 0;
    if (!adapter) {
      adapter = candidates.find((a) => q(a.detect || a.list)) ?? null;
      if (!adapter) return;
      send({ type: 'cs:attached', adapter: adapter.id ?? 'custom' });
    }
    compose(); // found once per scan: consoles replace their compose box
    const { id, title } = conversationOf(adapter);
    const messages = readMessages(adapter);
    if (!messages) return;
    const sig = `${id}\u0001${messages.length}\u0001${messages.map((m) => m.role[0] + m.text).join('\u0002')}`;
    if (sig === lastSent) return;
    const switched = id !== convKey;
    convKey = id;
    lastSent = sig;
    if (switched) hideWarning();
    await send({ type: 'cs:sync', conv: id, title, messages });
    if (switched) checkDraft();
  }

  // ---- the compose box ---------------------------------------------------------

  let composeEl = null;
  function compose() {
    if (composeEl?.isConnected) return composeEl;
    composeEl = adapter ? q(adapter.compose) : null;
    return composeEl;
  }
  const isField = (el) => typeof el?.value === 'string';
  const readDraft = (el) => (isField(el) ? el.value : (el?.textContent ?? ''));

  // Inputs are caught on the document: consoles replace their compose box.
  document.addEventListener(
    'input',
    (e) => {
      const c = compose();
      if (c && (e.target === c || c.contains(e.target))) {
        clearTimeout(draftTimer);
        draftTimer = setTimeout(checkDraft, DRAFT_DELAY_MS);
      }
    },
    true,
  );

  async function checkDraft() {
    const c = compose();
    if (!c) return;
    const text = readDraft(c);
    const seq = ++draftSeq;
    const r = text.trim() ? await send({ type: 'cs:draft', conv: convKey, text }) : { ok: true, value: [] };
    if (seq !== draftSeq || !r?.ok) return;
    const hits = (r.value ?? []).filter((e) => e.kind === 'banned');
    if (hits.length && readDraft(c) === text) showWarning(c, text, hits);
    else hideWarning();
  }

  /** Puts `text` into the compose box the way typing would (undo, frameworks' input events). */
  function insert(text, span) {
    const c = compose();
    if (!c) return false;
    c.focus();
    if (isField(c)) {
      const [a, b] = span ? [span.start, span.end] : [c.value.length, c.value.length];
      const pre = !span && c.value && !/\s$/.test(c.value) ? ' ' : '';
      c.setSelectionRange(a, b);
      if (!document.execCommand('insertText', false, pre + text)) {
        c.setRangeText(pre + text, a, b, 'end');
        c.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
      }
      return true;
    }
    const sel = getSelection();
    const range = document.createRange();
    if (span) {
      const s = locate(c, span.start);
      const e = locate(c, span.end);
      if (!s || !e) return false;
      range.setStart(s.node, s.offset);
      range.setEnd(e.node, e.offset);
    } else {
      range.selectNodeContents(c);
      range.collapse(false);
    }
    sel.removeAllRanges();
    sel.addRange(range);
    if (!document.execCommand('insertText', false, text)) {
      range.deleteContents();
      range.insertNode(document.createTextNode(text));
      c.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
    }
    return true;
  }

  /** The text node and offset at UTF-16 offset `at` of el.textContent. */
  function locate(el, at) {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n = 0;
    let last = null;
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      const len = t.data.length;
      if (at <= n + len) return { node: t, offset: at - n };
      n += len;
      last = t;
    }
    return last ? { node: last, offset: last.data.length } : null;
  }

  // ---- the pre-send warning (text only, in a closed shadow root) ----------------

  const CSS = `
    :host { all: initial; position: fixed; z-index: 2147483647; display: block; }
    .box { font: 13px/1.4 system-ui, "Noto Sans CJK SC", sans-serif; color: #3b1d00; background: #fff7e6;
      border: 1px solid #d97706; border-left: 4px solid #b45309; border-radius: 6px; padding: 6px 8px;
      box-shadow: 0 2px 8px rgba(0,0,0,.15); max-width: 520px; }
    .title { font-weight: 600; margin: 0 0 2px; }
    .said { background: #fde68a; padding: 0 2px; border-radius: 2px; }
    .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; margin-top: 4px; }
    button { font: inherit; cursor: pointer; border: 1px solid #b45309; background: #fff; color: #7c2d12; border-radius: 4px; padding: 1px 8px; }
    button:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 1px; }
    .more { color: #6b4b16; }
  `;

  function showWarning(c, text, hits) {
    if (!warning) {
      const host = document.createElement('div');
      host.setAttribute('data-linesman', 'warning');
      const root = host.attachShadow({ mode: 'closed' });
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet]; // not subject to the page's style-src
      } catch {
        const st = document.createElement('style');
        st.textContent = CSS;
        root.append(st);
      }
      const box = document.createElement('div');
      box.className = 'box';
      box.setAttribute('role', 'alert');
      root.append(box);
      warning = { host, box, raf: 0, dismissed: '' };
    }
    const sig = hits.map((h) => `${h.rule}:${h.start}`).join(',');
    if (warning.dismissed === sig) return;
    const h = hits[0];
    const el = (tag, cls, t) => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      if (t != null) e.textContent = t;
      return e;
    };
    const said = text.slice(h.start, h.end) || h.phrase || '';
    const title = el('p', 'title', `${msg('warnTitle')}: `);
    title.append(el('span', 'said', said));
    const parts = [title];
    if (h.suggest?.length) {
      const row = el('div', 'row', null);
      row.append(el('span', null, msg('warnSayInstead')));
      for (const w of h.suggest.slice(0, 2)) {
        row.append(el('span', null, `“${w}”`));
        const b = el('button', null, msg('warnReplace'));
        b.type = 'button';
        b.dataset.wording = w;
        b.addEventListener('click', () => {
          insert(w, { start: h.start, end: h.end });
          checkDraft();
        });
        row.append(b);
      }
      parts.push(row);
    }
    const tail = el('div', 'row', null);
    if (hits.length > 1) tail.append(el('span', 'more', msg('warnMore', String(hits.length - 1))));
    const dismiss = el('button', null, msg('warnDismiss'));
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => {
      warning.dismissed = sig;
      hideWarning(true);
    });
    tail.append(dismiss);
    parts.push(tail);
    warning.box.replaceChildren(...parts);
    warning.box.dataset.rule = h.rule ?? '';
    warning.host.dataset.rule = h.rule ?? '';
    warning.host.dataset.said = said;
    // What the agent is offered, readable by tests and assistive tooling.
    warning.host.dataset.suggest = (h.suggest ?? []).slice(0, 2).join('\n');
    if (!warning.host.isConnected) document.documentElement.append(warning.host);
    place(c);
  }

  // Under the compose box (above it when there is no room), following scrolls.
  function place(c) {
    if (!warning?.host.isConnected) return;
    const r = c.getBoundingClientRect();
    const hb = warning.host.getBoundingClientRect();
    const below = r.bottom + 4 + hb.height <= innerHeight;
    warning.host.style.left = `${Math.max(4, Math.min(r.left, innerWidth - hb.width - 4))}px`;
    warning.host.style.top = `${below ? r.bottom + 4 : Math.max(4, r.top - hb.height - 4)}px`;
    warning.raf = requestAnimationFrame(() => place(c));
  }

  function hideWarning(keepDismissed) {
    if (!warning) return;
    cancelAnimationFrame(warning.raf);
    warning.host.remove();
    if (!keepDismissed) warning.dismissed = '';
  }

  // ---- wiring --------------------------------------------------------------------

  function stop() {
    observer?.disconnect();
    clearTimeout(scanTimer);
    hideWarning();
  }

  chrome.runtime.onMessage.addListener((m, sender, respond) => {
    if (sender.id !== chrome.runtime.id) return false;
    if (m?.type === 'cs:insert') {
      respond({ ok: insert(String(m.text ?? ''), m.span ?? null) });
      return false;
    }
    if (m?.type === 'cs:ping') {
      respond({ ok: true, adapter: adapter?.id ?? null, conv: convKey || null });
      return false;
    }
    if (m?.type === 'cs:resync') {
      lastSent = '';
      schedule();
      respond({ ok: true });
    }
    return false;
  });

  async function start() {
    const r = await send({ type: 'cs:hello', url: location.href });
    if (!r?.ok || !r.value?.enabled) return;
    candidates = r.value.adapters ?? [];
    observer = new MutationObserver(schedule);
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-current', 'class', 'data-conv'] });
    schedule();
  }
  start();
})();
