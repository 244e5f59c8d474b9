// The element picker: teaches Linesman a chat console it does not know.
// Injected into a tab by the service worker (chrome.scripting.executeScript,
// on the options page's request). A classic script, safe to inject twice: a
// second injection while it runs only brings its bar back into focus.
//
// The user clicks (1) the message list, (2) a customer message, (3) an agent
// message, (4) the compose box, (5) optionally what names the conversation.
// From those clicks it derives CSS selectors (the adapter format of
// adapters/README.md), checks them against the page, shows the counts, and
// on Save sends {type: 'adapter:save', origin, adapter} to the worker.
//
// The pure part, globalThis.__linesmanSelectors, only reads the DOM; the
// browser tests load this file into a plain page to test it directly.
(() => {
  'use strict';

  // ================================================================ selectors
  const S = (globalThis.__linesmanSelectors ??= (() => {
    const esc = (s) => (globalThis.CSS?.escape ? CSS.escape(s) : String(s).replace(/[^\w-]/g, (c) => `\\${c}`));
    const quote = (v) => `"${String(v).replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ')}"`;

    // Class names a build tool generated (CSS modules, CSS-in-JS, scoped
    // styles) change with every deploy; ids baked into names differ per item.
    function isHashy(name) {
      if (name.length > 48) return true;
      if (/^(css|sc|jsx|emotion|svelte|styled|jss|tw|astro|ng-c|ng-tns)-/i.test(name) && /\d/.test(name)) return true;
      if (/\d{3,}/.test(name)) return true;
      const tail = /[_-]{1,2}([A-Za-z0-9]{4,})$/.exec(name)?.[1] ?? (/^[A-Za-z0-9]{5,}$/.test(name) ? name : null);
      if (tail && /\d/.test(tail) && /[A-Za-z]/.test(tail) && !/^[a-z]+\d$/.test(tail)) return true;
      if (/^_?[a-zA-Z0-9]{5,8}$/.test(name) && /[A-Z]/.test(name) && /[a-z]/.test(name) && /\d/.test(name)) return true;
      return false;
    }
    // Classes that come and go with interaction say nothing about structure.
    const STATE = /^(is-|has-)?(active|selected|hover(ed)?|focus(ed)?|focus-visible|open(ed)?|visible|hidden|show(n)?|new|unread|seen|highlight(ed)?|animat\w*|fade\w*|enter\w*|leave\w*|current|first|last|odd|even|loading|loaded|ng-\w+)$/i;
    const stableClass = (c) => !!c && !isHashy(c) && !STATE.test(c);
    const SKIP_ATTR = /^data-(v-|reactid|react|testid-\d|ved|hveid|lpm|tooltip|original-title|bs-|toggle|target|placement)/i;
    const idLike = (v) => /\d{2,}/.test(v) || /^[0-9a-f-]{8,}$/i.test(v) || v.length > 40;
    const SEMANTIC = /(^|[-_ ])(in|out|incoming|outgoing|inbound|outbound|customer|client|visitor|guest|user|agent|staff|operator|support|admin|me|mine|self|own|other|them|their|sent|received|left|right|remote|local|bot|human|from|to)($|[-_ ])|incoming|outgoing|customer|visitor|agent|operator/i;

    /** Simple selectors describing one element, best first. `values`: include [attr="value"] forms. */
    function tokens(el, { values = true, ids = false } = {}) {
      const out = [];
      if (ids && el.id && !isHashy(el.id) && !idLike(el.id)) out.push(`#${esc(el.id)}`);
      for (const c of el.classList) if (stableClass(c)) out.push(`.${esc(c)}`);
      for (const a of el.attributes) {
        const n = a.name;
        if (!n.startsWith('data-') || SKIP_ATTR.test(n) || isHashy(n)) continue;
        const v = a.value.trim();
        if (values && v && !idLike(v) && v.length <= 40 && !/\s/.test(v)) out.push(`[${n}=${quote(v)}]`);
        out.push(`[${n}]`);
      }
      const role = el.getAttribute('role');
      if (role && /^[a-z]+$/.test(role)) out.push(`[role=${quote(role)}]`);
      if (el.localName.includes('-')) out.unshift(el.localName); // a custom element's name is its API
      else out.push(el.localName);
      return out;
    }

    const qa = (sel, root) => { try { return [...root.querySelectorAll(sel)]; } catch { return []; } };
    const matches = (el, sel) => { try { return el.matches(sel); } catch { return false; } };
    const chainIn = (el, root) => { const c = []; for (let x = el; x && x !== root; x = x.parentElement) c.push(x); return c; };
    const depthIn = (el, root) => chainIn(el, root).length;

    /** Whether a message is the side's: the element, or an ancestor inside the list, matches. */
    function sideMatch(el, sel, list) {
      for (let x = el; x && x !== list; x = x.parentElement) if (matches(x, sel)) return true;
      return false;
    }

    /** A selector that matches `el` and nothing else in `doc`. */
    function uniqueSelector(el, doc = el.ownerDocument) {
      const unique = (sel) => { const m = qa(sel, doc); return m.length === 1 && m[0] === el; };
      const own = tokens(el, { ids: true });
      for (const t of own) if (unique(t)) return t;
      const tag = el.localName;
      for (const t of own) if (!t.startsWith('#') && t !== tag && unique(`${tag}${t}`)) return `${tag}${t}`;
      for (let i = 0; i < own.length; i++) for (let j = i + 1; j < own.length; j++) {
        if (own[i] === tag || own[j] === tag || own[i].startsWith('#')) continue;
        const s = `${own[i]}${own[j]}`;
        if (unique(s)) return s;
      }
      // Anchored on an ancestor that is itself unique.
      let p = el.parentElement;
      for (let depth = 0; p && p !== doc.documentElement && depth < 6; depth++, p = p.parentElement) {
        const anchor = p;
        const anchors = tokens(p, { ids: true }).filter((t) => { const m = qa(t, doc); return m.length === 1 && m[0] === anchor; });
        for (const a of anchors) for (const t of own) if (unique(`${a} ${t}`)) return `${a} ${t}`;
      }
      // Last resort: a structural path (breaks when the page's layout does).
      const parts = [];
      for (let x = el; x && x !== doc.documentElement; x = x.parentElement) {
        const stableId = x.id && !isHashy(x.id) && !idLike(x.id) && qa(`#${esc(x.id)}`, doc).length === 1;
        if (stableId) { parts.unshift(`#${esc(x.id)}`); break; }
        const same = x.parentElement ? [...x.parentElement.children].filter((c) => c.localName === x.localName) : [x];
        parts.unshift(same.length > 1 ? `${x.localName}:nth-of-type(${same.indexOf(x) + 1})` : x.localName);
        if (x.localName === 'body') break;
      }
      return parts.join(' > ');
    }

    /** No match contains another (a message is never inside a message). */
    function flat(list) {
      for (let i = 1; i < list.length; i++) if (list[i - 1].contains(list[i])) return false;
      return true;
    }

    /**
     * The message selector from one sample of each side: the outermost
     * elements (below the list) the two have in common that still match one
     * per message. Returns {selector, customerEl, agentEl, count} or null.
     */
    function deriveMessage(list, listSel, customerClick, agentClick) {
      const cands = [];
      const cc = chainIn(customerClick, list);
      const ca = chainIn(agentClick, list);
      for (const x of cc) {
        for (const y of ca) {
          if (x === y || x.contains(y) || y.contains(x)) continue;
          const ty = new Set(tokens(y, { values: false }));
          const common = tokens(x, { values: false }).filter((t) => ty.has(t));
          common.forEach((tok, rank) => {
            // A bare tag is only safe as a direct child of the list.
            const bare = /^[a-z][a-z0-9]*$/.test(tok) && !tok.includes('-');
            if (bare && (x.parentElement !== list || y.parentElement !== list)) return;
            const sel = bare ? `${listSel} > ${tok}` : tok;
            const found = qa(sel, list);
            if (!found.includes(x) || !found.includes(y) || !flat(found)) return;
            cands.push({ selector: sel, customerEl: x, agentEl: y, count: found.length, depth: Math.max(depthIn(x, list), depthIn(y, list)), rank, bare });
          });
        }
      }
      if (!cands.length) return null;
      const max = Math.max(...cands.map((c) => c.count));
      // Outermost level that still has (nearly) one match per message: not a
      // group of messages, not a line or a word inside one.
      const ok = cands.filter((c) => c.count >= 0.75 * max);
      ok.sort((a, b) => a.depth - b.depth || a.bare - b.bare || a.rank - b.rank || a.selector.length - b.selector.length);
      return ok[0];
    }

    /** Tokens (with values) of an element and its ancestors inside the list. */
    function sideTokens(el, list) {
      const s = new Set();
      for (const x of chainIn(el, list)) for (const t of tokens(x)) if (t !== x.localName && !/^\[[\w-]+\]$/.test(t)) s.add(t);
      return s;
    }

    function classify(list, messageSel, customerSel, agentSel) {
      const msgs = qa(messageSel, list);
      let customer = 0, agent = 0, both = 0, none = 0;
      for (const m of msgs) {
        const c = sideMatch(m, customerSel, list);
        const a = sideMatch(m, agentSel, list);
        if (c && a) both++; else if (c) customer++; else if (a) agent++; else none++;
      }
      return { messages: msgs.length, customer, agent, both, none };
    }

    /**
     * Customer and agent selectors telling the two samples apart: what one
     * side's message (or its wrapper) has and the other's does not. Prefers
     * pairs that give every message exactly one side.
     */
    function deriveSides(list, messageSel, customerEl, agentEl) {
      const tc = sideTokens(customerEl, list);
      const ta = sideTokens(agentEl, list);
      const onlyC = [...tc].filter((t) => !ta.has(t));
      const onlyA = [...ta].filter((t) => !tc.has(t));
      const best = [];
      const consider = (c, a) => {
        const customer = c ?? `${messageSel}:not(${a}):not(${a} *)`;
        const agent = a ?? `${messageSel}:not(${c}):not(${c} *)`;
        if (!sideMatch(customerEl, customer, list) || sideMatch(customerEl, agent, list)) return;
        if (!sideMatch(agentEl, agent, list) || sideMatch(agentEl, customer, list)) return;
        const k = classify(list, messageSel, customer, agent);
        const semantic = (c && SEMANTIC.test(c) ? 1 : 0) + (a && SEMANTIC.test(a) ? 1 : 0);
        best.push({ customer, agent, score: k.customer + k.agent - 2 * k.both, semantic, pair: c && a ? 1 : 0, len: customer.length + agent.length });
      };
      for (const c of onlyC) for (const a of onlyA) consider(c, a);
      for (const c of onlyC) consider(c, null);
      for (const a of onlyA) consider(null, a);
      if (!best.length) return null;
      best.sort((x, y) => y.score - x.score || y.pair - x.pair || y.semantic - x.semantic || x.len - y.len);
      return { customer: best[0].customer, agent: best[0].agent };
    }

    /**
     * The element inside a message that holds its text (not the sender's
     * name or the time), when there is one. The clicks say where the text is:
     * the innermost element around the customer click, below the message,
     * whose class (or data attribute) the agent message has exactly once,
     * around the agent click too. Else the tightest such element holding at
     * least half of both messages' text. Else null: the whole message.
     */
    function deriveText(customerMsg, agentMsg, customerClick = null, agentClick = null) {
      const named = (el) => tokens(el, { values: false }).filter((t) => t.startsWith('.') || t.startsWith('['));
      const once = (t, root) => { const m = qa(t, root); return m.length === 1 ? m[0] : null; };
      if (customerClick && agentClick && customerMsg.contains(customerClick) && agentMsg.contains(agentClick)) {
        for (let x = customerClick; x && x !== customerMsg; x = x.parentElement) {
          for (const tok of named(x)) {
            if (once(tok, customerMsg) !== x) continue;
            const y = once(tok, agentMsg);
            if (y && y.contains(agentClick)) return tok;
          }
        }
      }
      const len = (e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim().length;
      const lc = len(customerMsg), la = len(agentMsg);
      let best = null;
      for (const d of customerMsg.querySelectorAll('*')) {
        for (const tok of named(d)) {
          const y = once(tok, agentMsg);
          if (!y || once(tok, customerMsg) !== d) continue;
          const l1 = len(d), l2 = len(y);
          if (l1 === 0 || l1 < 0.5 * lc || l2 < 0.5 * la) continue;
          if (!best || l1 < best.l) best = { tok, l: l1 };
        }
      }
      return best ? best.tok : null;
    }

    /** `<time datetime>` inside both samples, the commonest way consoles carry it. */
    function deriveTime(customerEl, agentEl) {
      for (const sel of ['time[datetime]', '[datetime]']) {
        const a = customerEl.querySelector(sel), b = agentEl.querySelector(sel);
        if (a && b && Number.isFinite(Date.parse(a.getAttribute('datetime'))) && Number.isFinite(Date.parse(b.getAttribute('datetime')))) {
          return { selector: sel, attr: 'datetime' };
        }
      }
      return null;
    }

    const EDITABLE = 'textarea, input:not([type]), input[type="text"], input[type="search"], [contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"]';
    /** The editable element a click on the compose area meant, or null. */
    function editableFor(el) {
      if (!el) return null;
      const up = el.closest(EDITABLE);
      if (up) {
        // The editor's root, not a paragraph inside it.
        let root = up;
        while (root.parentElement?.isContentEditable && root.parentElement.closest(EDITABLE)) root = root.parentElement.closest(EDITABLE);
        return root;
      }
      const inside = el.querySelectorAll(EDITABLE);
      return inside.length === 1 ? inside[0] : null;
    }

    /** {selector, attr} for what names the conversation: an id-like data attribute, else its text. */
    function deriveConversation(el, doc = el.ownerDocument) {
      const selector = uniqueSelector(el, doc);
      for (const a of el.attributes) {
        if (/^data-[\w-]*(id|conv|conversation|ticket|chat|session|thread)[\w-]*$/i.test(a.name) && a.value.trim()) return { selector, attr: a.name };
      }
      return { selector, attr: null };
    }

    /**
     * The whole adapter from the picked elements, or {problem}. `picked` =
     * {list, customer, agent, compose, conversation?} (elements).
     */
    function deriveAdapter(picked, { name = '' } = {}) {
      const doc = picked.list.ownerDocument;
      const listSel = uniqueSelector(picked.list, doc);
      const msg = deriveMessage(picked.list, listSel, picked.customer, picked.agent);
      if (!msg) return { problem: 'noMessage' };
      const sides = deriveSides(picked.list, msg.selector, msg.customerEl, msg.agentEl);
      if (!sides) return { problem: 'noSides' };
      const text = deriveText(msg.customerEl, msg.agentEl, picked.customer, picked.agent);
      const time = deriveTime(msg.customerEl, msg.agentEl);
      const compose = editableFor(picked.compose);
      if (!compose) return { problem: 'notEditable' };
      const adapter = {
        id: 'custom',
        name,
        detect: listSel,
        list: listSel,
        message: msg.selector,
        customer: sides.customer,
        agent: sides.agent,
        text,
        ignore: text && time && qa(time.selector, msg.customerEl.querySelector(text) ?? msg.customerEl).length ? time.selector : null,
        time,
        compose: uniqueSelector(compose, doc),
        conversation: picked.conversation ? deriveConversation(picked.conversation, doc) : null,
      };
      return { adapter, samples: { customer: msg.customerEl, agent: msg.agentEl } };
    }

    /**
     * Checks an adapter against the page as the content script reads it:
     * the list found once, each sample on its side, a message of each side.
     */
    function checkAdapter(adapter, doc, samples = null) {
      const problems = [];
      const lists = qa(adapter.list, doc);
      if (lists.length !== 1) problems.push(lists.length ? 'listNotUnique' : 'listMissing');
      const list = lists[0];
      const counts = list ? classify(list, adapter.message, adapter.customer, adapter.agent) : { messages: 0, customer: 0, agent: 0, both: 0, none: 0 };
      if (list && samples) {
        if (!sideMatch(samples.customer, adapter.customer, list) || sideMatch(samples.customer, adapter.agent, list)) problems.push('customerSample');
        if (!sideMatch(samples.agent, adapter.agent, list) || sideMatch(samples.agent, adapter.customer, list)) problems.push('agentSample');
      }
      if (list && (counts.customer < 1 || counts.agent < 1)) problems.push('needBothSides');
      const composeCount = qa(adapter.compose, doc).length;
      if (composeCount !== 1) problems.push('composeMissing');
      let conversation = null;
      if (adapter.conversation) {
        const c = qa(adapter.conversation.selector, doc)[0];
        conversation = c ? (adapter.conversation.attr ? c.getAttribute(adapter.conversation.attr) : c.textContent.trim()) : null;
        if (!conversation) problems.push('conversationMissing');
      }
      return { ok: problems.length === 0, problems, lists: lists.length, ...counts, compose: composeCount, conversation };
    }

    return { isHashy, stableClass, tokens, uniqueSelector, deriveMessage, deriveSides, deriveText, deriveTime, editableFor, deriveConversation, deriveAdapter, checkAdapter, classify, sideMatch };
  })());

  // ================================================================ the picker UI
  if (typeof chrome === 'undefined' || !chrome.runtime?.id) return; // loaded by a test page: selectors only
  const running = globalThis.__linesmanPicker;
  if (running?.alive && !running.done()) { running.focus(); return; }
  running?.stop(); // a finished picker still showing its result: start afresh

  const t = (key, ...subs) => {
    try { return chrome.i18n.getMessage(key, subs.map(String)) || key; } catch { return key; } // the extension was reloaded
  };

  const STEPS = ['list', 'customer', 'agent', 'compose', 'conversation'];
  const STEP_TEXT = { list: 'pickerStepList', customer: 'pickerStepCustomer', agent: 'pickerStepAgent', compose: 'pickerStepCompose', conversation: 'pickerStepConversation' };
  const COLOURS = { hover: '#0b57d0', list: '#0b57d0', customer: '#c55a00', agent: '#1a7f37', compose: '#8250df', conversation: '#6e7781' };

  const picked = {};
  let step = 0; // index in STEPS; STEPS.length = review; -1 = done
  let result = null;
  let atBottom = false;

  // ---- the shadow UI (closed: the page can neither style nor read it)
  const host = document.createElement('linesman-picker');
  for (const [k, v] of Object.entries({ all: 'initial', position: 'fixed', inset: '0', 'z-index': '2147483647', 'pointer-events': 'none', display: 'block' })) host.style.setProperty(k, v, 'important');
  const root = host.attachShadow({ mode: 'closed' });
  const sheet = new CSSStyleSheet();
  // Constructed style sheets are not blocked by the page's style-src CSP.
  sheet.replaceSync(`
    :host { all: initial; }
    * { box-sizing: border-box; }
    .bar { position: fixed; left: 50%; transform: translateX(-50%); top: 8px; width: min(36rem, calc(100vw - 16px));
      pointer-events: auto; background: #fff; color: #1f2328; border: 2px solid #0b57d0; border-radius: 10px;
      box-shadow: 0 6px 24px rgba(0,0,0,.25); padding: 10px 12px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
      text-align: left; direction: ltr; max-height: 50vh; overflow: auto; }
    .bar.bottom { top: auto; bottom: 8px; }
    h2 { font-size: 14px; font-weight: 700; margin: 0 0 4px; }
    p { margin: 4px 0; }
    .err { color: #b3261e; font-weight: 600; }
    .ok { color: #116329; font-weight: 600; }
    ul { margin: 4px 0; padding-left: 18px; }
    .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
    button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 1px solid #0b57d0; background: #fff; color: #0b57d0; cursor: pointer; }
    button.primary { background: #0b57d0; color: #fff; }
    button:focus-visible { outline: 3px solid #c55a00; outline-offset: 2px; }
    .box { position: fixed; pointer-events: none; border: 2px solid; border-radius: 3px; display: none; }
    .box.on { display: block; }
    .tag { position: absolute; left: -2px; top: -20px; font: 11px/16px ui-monospace, monospace; color: #fff; padding: 1px 4px; border-radius: 3px; white-space: nowrap; max-width: 60vw; overflow: hidden; text-overflow: ellipsis; }
  `);
  root.adoptedStyleSheets = [sheet];

  const mk = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const boxes = {};
  for (const k of Object.keys(COLOURS)) {
    const b = mk('div', 'box');
    b.style.setProperty('border-color', COLOURS[k]);
    b.style.setProperty('background', `${COLOURS[k]}1a`);
    const tag = mk('span', 'tag');
    tag.style.setProperty('background', COLOURS[k]);
    b.append(tag);
    root.append(b);
    boxes[k] = b;
  }
  const bar = mk('div', 'bar');
  bar.setAttribute('role', 'dialog');
  bar.setAttribute('aria-label', t('pickerTitle'));
  const title = mk('h2', null, t('pickerTitle'));
  const live = mk('div');
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  const buttons = mk('div', 'buttons');
  bar.append(title, live, buttons);
  root.append(bar);
  document.documentElement.append(host);

  const describe = (el) => {
    if (!el) return '';
    const cls = [...el.classList].filter(S.stableClass).slice(0, 2).map((c) => `.${c}`).join('');
    return `${el.localName}${el.id ? `#${el.id}` : ''}${cls}`;
  };
  function place(kind, el) {
    const b = boxes[kind];
    if (!el || !el.isConnected) { b.classList.remove('on'); return; }
    const r = el.getBoundingClientRect();
    for (const [k, v] of Object.entries({ left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` })) b.style.setProperty(k, v);
    b.firstChild.textContent = kind === 'hover' ? describe(el) : `${STEPS.indexOf(kind) + 1} ${describe(el)}`;
    b.classList.add('on');
  }
  let hovered = null;
  const relayout = () => {
    for (const k of STEPS) place(k, picked[k]);
    place('hover', step >= 0 && step < STEPS.length ? hovered : null);
  };

  function button(label, onClick, primary = false) {
    const b = mk('button', primary ? 'primary' : null, label);
    b.type = 'button';
    b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
    return b;
  }

  function render(note = null, noteKind = 'err') {
    live.replaceChildren();
    buttons.replaceChildren();
    if (step >= 0 && step < STEPS.length) {
      live.append(mk('p', null, t(STEP_TEXT[STEPS[step]])));
      if (note) live.append(mk('p', noteKind, note));
      if (step > 0) buttons.append(button(t('pickerBack'), back));
      if (STEPS[step] === 'conversation') buttons.append(button(t('pickerSkip'), () => { picked.conversation = null; review(); }));
    } else if (step === STEPS.length && result) {
      const c = result.check;
      live.append(mk('p', null, t('pickerReview')));
      const ul = mk('ul');
      ul.append(mk('li', null, t('pickerFound', c.messages, c.customer, c.agent)));
      ul.append(mk('li', null, t('pickerFoundCompose')));
      ul.append(mk('li', null, result.adapter.conversation ? t('pickerFoundConversation', c.conversation ?? '') : t('pickerNoConversation')));
      live.append(ul);
      for (const p of c.problems) live.append(mk('p', 'err', t(`pickerProblem_${p}`)));
      if (note) live.append(mk('p', noteKind, note));
      const save = button(t('pickerSave'), saveAdapter, true);
      save.disabled = !c.ok;
      buttons.append(save, button(t('pickerRestart'), restart));
    } else if (step === -1) {
      if (note) live.append(mk('p', noteKind, note));
      buttons.append(button(t('pickerClose'), stop, true));
    }
    if (step !== -1) buttons.append(button(t('pickerMove'), () => { atBottom = !atBottom; bar.classList.toggle('bottom', atBottom); }), button(t('pickerCancel'), stop));
    // Where the picker is, for tests and page scripts (the shadow root is closed).
    host.dataset.step = step === -1 ? 'done' : STEPS[step] ?? 'review';
    // Review and done: the keyboard lands on what comes next (Save, Close).
    if (step === -1 || step === STEPS.length) buttons.querySelector('button.primary:not(:disabled)')?.focus();
    relayout();
  }

  function back() {
    if (step <= 0) return;
    if (step === STEPS.length) result = null;
    step--;
    picked[STEPS[step]] = undefined;
    render();
  }
  function restart() {
    for (const k of STEPS) picked[k] = undefined;
    result = null;
    step = 0;
    render();
  }

  const commonAncestor = (a, b) => { for (let x = a; x; x = x.parentElement) if (x.contains(b)) return x; return null; };

  function pick(el) {
    const kind = STEPS[step];
    if (kind === 'list') {
      picked.list = el;
      step++;
      return render();
    }
    if (kind === 'customer' || kind === 'agent') {
      if (!picked.list.contains(el)) {
        // The "list" click may have landed on one message: widen it, but
        // never to the whole page.
        const wider = commonAncestor(picked.list, el);
        if (!wider || wider === document.body || wider === document.documentElement) return render(t('pickerOutside'));
        picked.list = wider;
      }
      if (kind === 'agent' && (el === picked.customer || el.contains(picked.customer) || picked.customer.contains(el))) return render(t('pickerSame'));
      picked[kind] = el;
      if (kind === 'agent') {
        const d = S.deriveAdapter({ list: picked.list, customer: picked.customer, agent: picked.agent, compose: picked.list });
        if (d.problem === 'noMessage' || d.problem === 'noSides') {
          picked.agent = undefined;
          return render(t(d.problem === 'noMessage' ? 'pickerNoMessage' : 'pickerNoSides'));
        }
      }
      step++;
      return render();
    }
    if (kind === 'compose') {
      const ed = S.editableFor(el);
      if (!ed) return render(t('pickerNotEditable'));
      picked.compose = ed;
      step++;
      return render();
    }
    if (kind === 'conversation') {
      picked.conversation = el;
      return review();
    }
  }

  function review() {
    const d = S.deriveAdapter(picked, { name: location.host });
    step = STEPS.length;
    if (d.problem) {
      result = null;
      step = d.problem === 'notEditable' ? 3 : 1;
      return render(t(d.problem === 'notEditable' ? 'pickerNotEditable' : d.problem === 'noMessage' ? 'pickerNoMessage' : 'pickerNoSides'));
    }
    result = { adapter: d.adapter, check: S.checkAdapter(d.adapter, document, d.samples) };
    render();
  }

  async function saveAdapter() {
    if (!result?.check.ok) return;
    render(t('pickerSaving'), 'ok');
    let r;
    try {
      r = await chrome.runtime.sendMessage({ type: 'adapter:save', origin: location.origin, adapter: result.adapter });
    } catch (err) {
      return render(t('pickerSaveFailed', err?.message ?? err));
    }
    const value = r && 'value' in r ? r.value : r;
    if (!r || r.ok === false || value?.saved === false) {
      const why = r?.error?.message ?? (value?.problems ?? []).map((p) => `${p.path}: ${p.message}`).join('; ') ?? '?';
      return render(t('pickerSaveFailed', why || '?'));
    }
    step = -1;
    render(t('pickerSaved'), 'ok');
  }

  // ---- page events: hover highlights, clicks pick; nothing reaches the page meanwhile
  const ours = (e) => e.target === host;
  const picking = () => step >= 0 && step < STEPS.length;
  function block(e) {
    if (ours(e) || !picking()) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  }
  function onClick(e) {
    if (ours(e) || !picking()) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    if (e.target instanceof Element) pick(e.target);
  }
  function onMove(e) {
    if (ours(e) || !picking()) return;
    hovered = e.target instanceof Element ? e.target : null;
    relayout();
  }
  function onKey(e) {
    if (e.key === 'Escape') { e.preventDefault(); e.stopImmediatePropagation(); stop(); }
  }
  let raf = 0;
  const onScroll = () => { if (!raf) raf = requestAnimationFrame(() => { raf = 0; relayout(); }); };
  const BLOCKED = ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'auxclick', 'contextmenu', 'touchstart', 'touchend', 'submit'];
  for (const type of BLOCKED) window.addEventListener(type, block, true);
  window.addEventListener('click', onClick, true);
  window.addEventListener('mousemove', onMove, { capture: true, passive: true });
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('scroll', onScroll, { capture: true, passive: true });
  window.addEventListener('resize', onScroll, { passive: true });

  function stop() {
    for (const type of BLOCKED) window.removeEventListener(type, block, true);
    window.removeEventListener('click', onClick, true);
    window.removeEventListener('mousemove', onMove, true);
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('scroll', onScroll, true);
    window.removeEventListener('resize', onScroll);
    host.remove();
    state.alive = false;
  }

  const state = {
    alive: true,
    done: () => step === -1,
    stop,
    focus() { bar.querySelector('button')?.focus(); },
  };
  globalThis.__linesmanPicker = state;
  render();
  state.focus();
})();
