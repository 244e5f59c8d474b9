// <linesman-assist>: the live-assist panel of an agent's chat console.
// Compliance checklist, customer emotion, script suggestions, draft and
// sent banned phrases, flags, for the conversation in view. The engine runs
// in linesman.js's worker; this file only renders and routes.
//
// Everything from the playbook, the engine or the chat is put in the DOM as
// text nodes (append(string) / textContent), never parsed as HTML: a
// playbook is configuration a vendor may not fully control.

import { Linesman, LinesmanError } from '../linesman.js';
import { STRINGS, matchLocale } from './i18n.js';
import { CSS } from './style.js';

const TAG = 'linesman-assist';
const DEFAULT_MODEL = new URL('../../pkg/emotion.model', import.meta.url).href;
const KEEP_SUGGESTIONS = 3;
const KEEP_FLAGS = 20;
const KEEP_BANNED = 10;
const SPARK_POINTS = 30;
const SEVERITIES = ['high', 'medium', 'low'];
// Plain symbols every CJK/Latin font has (no emoji), beside the state in words.
const ICONS = { met: '✓', late: '⚠', due: '!', missed: '✗', pending: '○', inactive: '–' };
const NEGATIVE = ['angry', 'frustrated', 'anxious']; // the core's EmotionLabel::is_negative

// Sparkline scale (y, from -5 to +5), one point per customer message:
//   angry / frustrated / anxious → -intensity (the engine's "negative" labels)
//   confused                     → -intensity / 2 (lost, not hostile: a dip, never as low as anger)
//   neutral                      → 0
//   satisfied                    → +intensity
function valence({ label, intensity }) {
  const i = Number(intensity) || 0;
  if (NEGATIVE.includes(label)) return -i;
  if (label === 'confused') return -i / 2;
  return label === 'satisfied' ? i : 0;
}

const TEMPLATE = `<style>${CSS}</style><div class="root" part="root">
<header><span class="title"></span><span class="meta"></span></header>
<div class="alert" role="alert" hidden></div>
<p class="empty loading" hidden></p>
<div class="body" hidden>
<section class="draft" role="region" aria-labelledby="h-draft" hidden><h2 id="h-draft"></h2><p class="sub intro"></p><p class="text"></p><ul class="hits"></ul></section>
<section role="region" aria-labelledby="h-check"><h2 id="h-check"></h2><ul class="check"></ul></section>
<section role="region" aria-labelledby="h-emo"><h2 id="h-emo"></h2><div class="emo"></div></section>
<section role="region" aria-labelledby="h-sug"><h2 id="h-sug"></h2><ul class="sugs" aria-live="polite"></ul><p class="empty nosug"></p></section>
<section role="region" aria-labelledby="h-flags"><h2 id="h-flags"></h2><ul class="flags" aria-live="polite"></ul><p class="empty noflag"></p></section>
<section class="bansec" role="region" aria-labelledby="h-ban" hidden><h2 id="h-ban"></h2><ul class="bans"></ul></section>
</div>
<div class="sr status" role="status"></div>
</div>`;

/** An element with text children (strings become text nodes, never markup). */
function h(tag, cls, ...kids) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...kids.filter((k) => k != null && k !== false));
  return e;
}

const isElement = (v) => v != null && typeof v === 'object' && v.nodeType === 1;
const readText = (el) => (typeof el.value === 'string' ? el.value : (el.innerText ?? el.textContent ?? ''));
// Latin text needs a space when appended; Chinese does not.
const needsSpace = (before, text) => /[A-Za-z0-9.,!?;:]$/.test(before) && /^[A-Za-z0-9]/.test(text);

const toError = (err) => (err instanceof LinesmanError ? err : new LinesmanError(String(err?.message ?? err), err?.problems));

/** A Range over [start, end) of el's text (UTF-16 offsets into textContent). */
function rangeAt(el, start, end) {
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const r = document.createRange();
  let pos = 0;
  let began = false;
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const len = n.data.length;
    if (!began && start <= pos + len) {
      r.setStart(n, start - pos);
      began = true;
    }
    if (began && end <= pos + len) {
      r.setEnd(n, end - pos);
      return r;
    }
    pos += len;
  }
  return null;
}

/** Puts text into a compose box: over the draft's banned span when the draft is
 *  unchanged, else over the selection, else at the end; then tells the page. */
function insertInto(el, text, ctx, saved) {
  const span = ctx.span && readText(el) === ctx.draftText ? ctx.span : null;
  if (typeof el.value === 'string') {
    const v = el.value;
    let s = null;
    let e = null;
    try {
      s = el.selectionStart;
      e = el.selectionEnd;
    } catch {}
    if (span) [s, e] = [span.start, span.end];
    else if (s == null || s === e) {
      if (needsSpace(v, text)) text = ' ' + text;
      s = e = v.length;
    }
    try {
      el.setRangeText(text, s, e, 'end');
    } catch {
      el.value = v.slice(0, s) + text + v.slice(e);
    }
    el.focus();
  } else {
    let range = null;
    if (span && el.textContent === ctx.draftText) range = rangeAt(el, span.start, span.end);
    else if (saved && !saved.collapsed && el.contains(saved.commonAncestorContainer)) range = saved;
    if (!range && needsSpace(el.textContent, text)) text = ' ' + text;
    const node = document.createTextNode(text);
    if (range) {
      range.deleteContents();
      range.insertNode(node);
    } else el.append(node);
    el.focus();
    const sel = getSelection();
    const caret = document.createRange();
    caret.setStartAfter(node);
    sel?.removeAllRanges();
    sel?.addRange(caret);
  }
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: text }));
}

function sevBadge(t, severity) {
  const s = SEVERITIES.includes(severity) ? severity : 'low';
  return h('span', `sev sev-${s}`, t.severity[s]);
}

function clockText(ms) {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

class LinesmanAssist extends HTMLElement {
  static observedAttributes = ['playbook', 'model', 'locale', 'clock'];

  #q = {};
  #engine = null;
  #external = null; // an engine the page owns (the `engine` property); never closed here
  #gen = 0;
  #readyP = null; // the promise `ready` returns; null until a build is asked for
  #pending = null; // {p, res, rej} of the build(s) under way
  #buildQueued = false;
  #playbookObject = null;
  #labels = new Map(); // rule id → label, when the playbook's JSON is at hand
  #convs = new Map(); // conversation key → panel state
  #key = 'default';
  #queue = Promise.resolve(); // engine steps run one at a time, in call order
  #compose = null;
  #saved = null; // last selection inside a contenteditable compose
  #raf = 0;
  #draftSeq = 0;
  #timer = 0;
  #ticking = false;
  #error = null; // the build failed
  #stepError = null; // a later call failed
  #nodes = new Map(); // list element → (item id → li), so unchanged items keep focus
  #ids = 0;
  #checkSig = '';
  #emoSig = '';
  #draftSig = '';

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = TEMPLATE; // static markup only
    const $ = (s) => root.querySelector(s);
    this.#q = {
      root: $('.root'),
      title: $('.title'),
      meta: $('.meta'),
      alert: $('.alert'),
      loading: $('.loading'),
      body: $('.body'),
      draft: $('.draft'),
      intro: $('.intro'),
      text: $('.draft .text'),
      hits: $('.hits'),
      check: $('.check'),
      emo: $('.emo'),
      sugs: $('.sugs'),
      nosug: $('.nosug'),
      flags: $('.flags'),
      noflag: $('.noflag'),
      bansec: $('.bansec'),
      bans: $('.bans'),
      status: $('.status'),
      heads: [
        ['draft', $('#h-draft')],
        ['checklist', $('#h-check')],
        ['emotion', $('#h-emo')],
        ['suggestions', $('#h-sug')],
        ['flags', $('#h-flags')],
        ['banned', $('#h-ban')],
      ],
    };
    // Properties set before the element was defined sit on the instance and
    // would hide the accessors: move them through the setters.
    for (const k of ['engine', 'playbookObject', 'compose', 'playbook', 'model', 'locale', 'clock']) {
      if (Object.hasOwn(this, k)) {
        const v = this[k];
        delete this[k];
        this[k] = v;
      }
    }
  }

  // ---- attributes and properties -------------------------------------------

  connectedCallback() {
    this.#safe(() => {
      this.#ensureBuild();
      this.#startClock();
      this.#bindCompose(this.#compose);
      this.#renderAll(true);
    });
  }

  disconnectedCallback() {
    this.#safe(() => {
      this.#stopClock();
      this.#unbindCompose();
      // A move (remove + append in one task) keeps everything; a removal frees the worker.
      setTimeout(() => this.isConnected || this.#teardown(), 0);
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    this.#safe(() => {
      if (name === 'locale') this.#renderAll(true);
      else if (name === 'clock') {
        if (this.isConnected) this.#startClock();
        this.#renderCountdowns();
      } else if (this.#readyP) this.#scheduleBuild();
    });
  }

  get playbook() {
    return this.getAttribute('playbook') || 'builtin:retail-zh';
  }
  set playbook(v) {
    this.setAttribute('playbook', String(v));
  }
  get model() {
    return this.getAttribute('model') || DEFAULT_MODEL;
  }
  set model(v) {
    if (v == null) this.removeAttribute('model');
    else this.setAttribute('model', String(v));
  }
  /** The UI language in use (the attribute, else the playbook's locale). */
  get locale() {
    return this.#loc();
  }
  set locale(v) {
    if (v == null) this.removeAttribute('locale');
    else this.setAttribute('locale', String(v));
  }
  get clock() {
    return this.getAttribute('clock') === 'manual' ? 'manual' : 'auto';
  }
  set clock(v) {
    this.setAttribute('clock', String(v));
  }
  get playbookObject() {
    return this.#playbookObject;
  }
  set playbookObject(v) {
    this.#playbookObject = v ?? null;
    this.#safe(() => this.#readyP && this.#scheduleBuild());
  }
  get compose() {
    return this.#compose;
  }
  /**
   * An engine that lives elsewhere (another worker, an extension's offscreen
   * document) with the Linesman API: `info`, `emotionSource`,
   * `conversation(key)`, `checkDraft(text)`. It replaces the widget's own
   * build; the widget never closes it, and leaves ticking to its owner (the
   * countdowns still run on the live clock). Results computed there are shown
   * with `feed()`. Set null to go back to building from the attributes.
   */
  get engine() {
    return this.#external;
  }
  set engine(v) {
    this.#safe(() => {
      this.#external = v && typeof v === 'object' && typeof v.conversation === 'function' ? v : null;
      this.#scheduleBuild();
    });
  }
  set compose(v) {
    this.#safe(() => {
      this.#unbindCompose();
      this.#compose = isElement(v) || typeof v === 'function' ? v : null;
      if (this.isConnected) this.#bindCompose(this.#compose);
    });
  }

  /** Resolves with the playbook info when the engine is built; rejects with the LinesmanError. */
  get ready() {
    this.#ensureBuild();
    return this.#readyP;
  }
  /** {playbook, version, locale, required} of the built engine, or null. */
  get info() {
    return this.#engine?.info ?? null;
  }
  /** "model" or "lexicon", or null before the engine is built. */
  get emotionSource() {
    return this.#engine?.emotionSource ?? null;
  }
  get conversationKey() {
    return this.#key;
  }

  // ---- the engine API -------------------------------------------------------

  /** One chat message ({role, text, ts?}) of a conversation (default: the one in view). */
  observe(message, conversationKey) {
    const m = message ?? {};
    const msg = { role: m.role, text: m.text };
    // Deadlines in seconds need times: on the live clock, stamp unstamped messages.
    const ts = m.ts ?? (this.clock === 'auto' ? Date.now() : undefined);
    if (ts != null) msg.ts = ts;
    return this.#step(this.#keyOf(conversationKey), (c) => c.observe(msg), msg, ts).then((r) => r.events);
  }

  tick(now, conversationKey) {
    return this.#step(this.#keyOf(conversationKey), (c) => c.tick(now), null, now).then((r) => r.events);
  }

  end(now, conversationKey) {
    return this.#step(this.#keyOf(conversationKey), (c) => c.end(now), null, now).then((r) => r.events);
  }

  summary(conversationKey) {
    return this.#step(this.#keyOf(conversationKey), () => []).then((r) => r.summary);
  }

  /**
   * Shows the outcome of a step the engine took elsewhere ({events, summary,
   * message?, at?}) for a conversation, as if `observe`/`tick` had returned
   * it here: the checklist, emotion, suggestions, flags and DOM events follow.
   */
  feed(conversationKey, step) {
    this.#safe(() => {
      const st = this.#state(this.#keyOf(conversationKey));
      const s = step ?? {};
      this.#absorb(st, Array.isArray(s.events) ? s.events : [], s.summary ?? null, s.message ?? null, s.at ?? null);
    });
  }

  /** Banned phrases in an unsent draft; also shown as the draft warning. */
  checkDraft(text) {
    return this.#draft(text);
  }

  /** Shows another conversation (created on first use). Resolves when it is shown; never rejects. */
  switchConversation(key) {
    return this.#safeAsync(async () => {
      const k = this.#keyOf(key);
      if (k !== this.#key) {
        this.#key = k;
        this.#state(k);
        this.#renderConv(true);
        // The compose box now holds this conversation's draft.
        if (isElement(this.#compose)) this.#onInput();
      }
      if (!this.#convs.get(k)?.loaded) await this.#step(k, () => []);
    });
  }

  // ---- building -------------------------------------------------------------

  #ensureBuild() {
    if (!this.#readyP) this.#scheduleBuild();
  }

  #scheduleBuild() {
    this.#gen++;
    this.#dropEngine();
    if (!this.#pending) {
      const d = {};
      d.p = new Promise((res, rej) => Object.assign(d, { res, rej }));
      d.p.catch(() => {}); // a failed build is shown and evented; never an unhandled rejection
      this.#pending = d;
    }
    this.#readyP = this.#pending.p;
    if (!this.#buildQueued) {
      this.#buildQueued = true;
      // Attributes and properties set in the same task make one build.
      queueMicrotask(() => {
        this.#buildQueued = false;
        this.#build();
      });
    }
    this.#renderAll(true);
  }

  #dropEngine() {
    if (this.#engine !== this.#external) this.#engine?.close();
    this.#engine = null;
    this.#convs = new Map();
    this.#error = this.#stepError = null;
    this.#checkSig = this.#emoSig = this.#draftSig = '';
  }

  #teardown() {
    this.#gen++;
    this.#dropEngine();
    const d = this.#pending;
    this.#pending = this.#readyP = null;
    d?.rej(new LinesmanError('linesman-assist: removed from the document'));
  }

  async #build() {
    const gen = this.#gen;
    const d = this.#pending;
    let engine;
    let options;
    try {
      if (this.#external) {
        options = {};
        engine = this.#external;
        await engine.ready;
      } else {
        options = await this.#options();
        if (gen !== this.#gen) return;
        engine = await Linesman.create(options);
      }
    } catch (err) {
      if (gen !== this.#gen) return;
      const e = toError(err);
      this.#pending = null;
      this.#error = e;
      this.#safe(() => this.#renderAll(true));
      this.#emit('linesman:error', { error: e });
      d.rej(e);
      return;
    }
    if (gen !== this.#gen) {
      if (engine !== this.#external) engine.close();
      return;
    }
    this.#engine = engine;
    this.#pending = null;
    // Rule labels for suggestions and flags from the playbook JSON (see #label).
    this.#labels = new Map();
    try {
      const o = typeof options.playbook === 'string' ? JSON.parse(options.playbook) : options.playbook;
      for (const list of [o?.banned, o?.required, o?.triggers]) {
        for (const r of Array.isArray(list) ? list : []) {
          if (typeof r?.id === 'string' && typeof r.label === 'string') this.#labels.set(r.id, r.label);
        }
      }
    } catch {}
    this.#safe(() => this.#renderAll(true));
    this.#emit('linesman:ready', { info: engine.info, emotionSource: engine.emotionSource });
    d.res(engine.info);
    this.#step(this.#key, () => []).catch(() => {});
    if (isElement(this.#compose)) this.#onInput();
  }

  async #options() {
    const model = this.getAttribute('model');
    const options = { model: model === 'none' ? null : model || DEFAULT_MODEL };
    const pb = this.#playbookObject;
    if (pb != null) {
      options.playbook = pb;
    } else {
      const attr = this.playbook.trim();
      if (attr.startsWith('builtin:')) options.builtin = attr.slice(8);
      else {
        const url = new URL(attr, document.baseURI);
        let res;
        try {
          res = await fetch(url, { credentials: 'same-origin' });
        } catch (err) {
          throw new LinesmanError(`playbook ${url.href}: ${err?.message ?? err}`);
        }
        if (!res.ok) throw new LinesmanError(`playbook ${url.href}: HTTP ${res.status}`);
        options.playbook = await res.text();
      }
    }
    return options;
  }

  /** The engine, once the current build is done (waits through rebuilds). */
  async #engineNow() {
    for (;;) {
      this.#ensureBuild();
      const p = this.#readyP;
      await p;
      if (p === this.#readyP && this.#engine) return this.#engine;
    }
  }

  // ---- conversations --------------------------------------------------------

  #keyOf(key) {
    return key == null ? this.#key : String(key);
  }

  #state(key) {
    let s = this.#convs.get(key);
    if (!s) {
      s = { key, conv: null, loaded: false, checklist: [], trajectory: [], suggestions: [], flags: [], banned: [], draft: null, now: null };
      this.#convs.set(key, s);
    }
    return s;
  }

  /** One engine call on a conversation, then its summary; the panel follows. */
  #step(key, call, msg = null, at = null) {
    const run = async () => {
      const eng = await this.#engineNow();
      const st = this.#state(key);
      // The key lets an engine hosted elsewhere find its own conversation.
      st.conv ??= eng.conversation(key).catch((e) => {
        st.conv = null;
        throw e;
      });
      let events;
      let summary;
      try {
        const conv = await st.conv;
        // The worker answers in order, so this summary follows the call.
        [events, summary] = await Promise.all([call(conv), conv.summary()]);
      } catch (err) {
        if (eng === this.#engine) this.#stepFailed(err, key);
        throw err;
      }
      if (eng === this.#engine && this.#convs.get(key) === st) this.#absorb(st, events, summary, msg, at);
      return { events, summary };
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => {});
    return p;
  }

  #absorb(st, events, summary, msg, at) {
    const at_ = Number(at);
    if (at != null && Number.isFinite(at_) && !(st.now >= at_)) st.now = at_;
    st.loaded = true;
    if (summary) {
      st.checklist = summary.checklist ?? [];
      st.trajectory = summary.trajectory ?? [];
    }
    // Newest step first; within a step, the engine's order.
    const fresh = { suggestion: [], flag: [], banned: [] };
    for (const ev of events) {
      const item = { id: ++this.#ids, ev };
      if (ev.kind === 'banned') {
        if (msg?.role !== 'agent') continue;
        item.said = String(msg.text ?? '').slice(ev.start, ev.end) || ev.phrase;
      }
      fresh[ev.kind]?.push(item);
    }
    // A rule suggesting again replaces its older card.
    const rules = new Set(fresh.suggestion.map((s) => s.ev.rule));
    st.suggestions = [...fresh.suggestion, ...st.suggestions.filter((s) => !rules.has(s.ev.rule))].slice(0, KEEP_SUGGESTIONS);
    st.flags = [...fresh.flag, ...st.flags].slice(0, KEEP_FLAGS);
    st.banned = [...fresh.banned, ...st.banned].slice(0, KEEP_BANNED);
    if (this.#stepError) {
      this.#stepError = null;
      this.#renderAlert();
    }
    if (st.key === this.#key) this.#safe(() => this.#renderConv(false));
    const conversation = st.key;
    for (const event of events) {
      this.#emit('linesman:event', { conversation, event });
      if (event.kind === 'flag') this.#emit('linesman:flag', { conversation, flag: event });
      if (event.kind === 'suggestion') {
        this.#emit('linesman:suggestion', { conversation, text: event.text, rule: event.rule, action: 'shown' });
      }
    }
  }

  #stepFailed(err, conversation) {
    this.#stepError = toError(err);
    try {
      this.#renderAlert();
    } catch {}
    this.#emit('linesman:error', { error: this.#stepError, conversation });
  }

  // ---- drafts and the compose box ---------------------------------------------

  async #draft(text) {
    text = String(text ?? '');
    const seq = ++this.#draftSeq;
    const key = this.#key;
    let eng = this.#engine;
    let events = [];
    if (text.trim()) {
      try {
        eng = await this.#engineNow();
        events = await eng.checkDraft(text);
      } catch (err) {
        if (seq === this.#draftSeq && eng === this.#engine) this.#stepFailed(err, key);
        throw err;
      }
    }
    // A newer draft (or a rebuild) came in meanwhile: this answer is stale.
    if (seq !== this.#draftSeq || eng !== this.#engine) return events;
    const st = this.#state(key);
    st.draft = events.length ? { text, events } : null;
    if (key === this.#key) this.#safe(() => this.#renderDraft(false));
    for (const event of events) this.#emit('linesman:event', { conversation: key, event });
    return events;
  }

  #onInput = () => {
    if (this.#raf) return;
    // One check per frame however fast the agent types.
    this.#raf = requestAnimationFrame(() => {
      this.#raf = 0;
      if (isElement(this.#compose)) this.#draft(readText(this.#compose)).catch(() => {});
    });
  };

  #onSelection = () => {
    const c = this.#compose;
    const sel = getSelection();
    if (isElement(c) && sel?.rangeCount && c.contains(sel.anchorNode)) this.#saved = sel.getRangeAt(0).cloneRange();
  };

  #bindCompose(c) {
    if (!isElement(c)) return;
    c.addEventListener('input', this.#onInput);
    if (typeof c.value !== 'string') document.addEventListener('selectionchange', this.#onSelection);
    if (this.#engine && readText(c)) this.#onInput();
  }

  #unbindCompose() {
    const c = this.#compose;
    if (isElement(c)) c.removeEventListener('input', this.#onInput);
    document.removeEventListener('selectionchange', this.#onSelection);
    this.#saved = null;
  }

  #use(text, ctx) {
    const c = this.#compose;
    try {
      if (typeof c === 'function') c(text);
      else if (isElement(c)) insertInto(c, text, ctx, this.#saved);
    } catch (err) {
      globalThis.reportError?.(err);
    }
    this.#emit('linesman:suggestion', { ...this.#sugDetail(text, ctx), action: 'insert' });
  }

  async #copy(text, ctx, button) {
    const t = this.#t();
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // No clipboard permission (or an old browser): a selected textarea and execCommand.
      const ta = h('textarea', 'sr');
      ta.value = text;
      ta.setAttribute('aria-hidden', 'true');
      this.#q.root.append(ta);
      ta.select();
      try {
        ok = document.execCommand('copy');
      } catch {}
      ta.remove();
      button.focus();
    }
    this.#q.status.textContent = ok ? t.copied : t.copyFailed;
    if (!ok) return;
    button.textContent = t.copied;
    setTimeout(() => (button.textContent = this.#t().copy), 1500);
    this.#emit('linesman:suggestion', { ...this.#sugDetail(text, ctx), action: 'copy' });
  }

  #sugDetail(choice, ctx) {
    return { conversation: this.#key, text: ctx.texts, rule: ctx.rule, choice, source: ctx.source };
  }

  // ---- clock ------------------------------------------------------------------

  #startClock() {
    this.#stopClock();
    if (this.clock === 'auto') this.#timer = setInterval(() => this.#safe(() => this.#autoTick()), 1000);
  }

  #stopClock() {
    clearInterval(this.#timer);
    this.#timer = 0;
  }

  // Every open conversation, not only the one in view: a chat in the
  // background still misses its deadlines (and raises its flags) on time.
  #autoTick() {
    this.#renderCountdowns();
    if (!this.#engine || this.#ticking || this.#engine === this.#external) return;
    const keys = [...this.#convs].filter(([, s]) => s.loaded).map(([k]) => k);
    if (!keys.length) return;
    this.#ticking = true;
    const now = Date.now();
    Promise.allSettled(keys.map((k) => this.#step(k, (c) => c.tick(now), null, now))).finally(
      () => (this.#ticking = false),
    );
  }

  // ---- rendering ----------------------------------------------------------------

  #loc() {
    const pb = this.#playbookObject;
    return (
      matchLocale(this.getAttribute('locale')) ??
      matchLocale(this.#engine?.info?.locale) ??
      (pb && typeof pb === 'object' ? matchLocale(pb.locale) : null) ??
      matchLocale(document.documentElement.lang) ??
      'zh-CN'
    );
  }

  #t() {
    return STRINGS[this.#loc()];
  }

  #label(rule) {
    // info.labels (newer engine builds) covers built-in playbooks too; the
    // playbook's own JSON, when we fetched or were given it, is the fallback.
    const labels = this.#engine?.info?.labels;
    if (labels && typeof labels === 'object' && Object.hasOwn(labels, rule)) return String(labels[rule]);
    return this.#labels.get(rule) ?? rule ?? '';
  }

  #safe(fn) {
    try {
      return fn();
    } catch (err) {
      // Never into the host page: a bug here shows as an error and an event.
      try {
        this.#stepFailed(err, this.#key);
      } catch {}
    }
  }

  async #safeAsync(fn) {
    try {
      await fn();
    } catch {}
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #renderAll(force) {
    const q = this.#q;
    const t = this.#t();
    q.root.lang = this.#loc();
    q.title.textContent = t.title;
    for (const [k, el] of q.heads) el.textContent = t[k];
    q.intro.textContent = t.draftIntro;
    q.nosug.textContent = t.noSuggestions;
    q.noflag.textContent = t.noFlags;
    const info = this.#engine?.info;
    const src = this.#engine?.emotionSource;
    q.meta.textContent = info ? [info.playbook, info.version, t.source[src] ?? src].filter(Boolean).join(' · ') : '';
    q.loading.textContent = t.loading;
    q.loading.hidden = !!(this.#engine || this.#error);
    q.body.hidden = !this.#engine;
    this.#renderAlert();
    this.#renderConv(force);
  }

  #renderAlert() {
    const t = this.#t();
    const err = this.#error ?? this.#stepError;
    const a = this.#q.alert;
    a.hidden = !err;
    if (!err) return a.replaceChildren();
    const problems = Array.isArray(err.problems) ? err.problems : [];
    // With problems listed, the message's first line is the summary.
    const message = problems.length ? String(err.message).split('\n')[0] : String(err.message);
    a.replaceChildren(h('strong', null, this.#error ? t.errorTitle : t.stepError), h('p', null, message));
    if (problems.length) {
      const ul = h('ul');
      for (const p of problems) ul.append(h('li', null, h('code', null, p?.path || '/'), ' ', String(p?.message ?? '')));
      a.append(h('p', null, t.problems), ul);
    }
  }

  /** The panel for the conversation in view; `force` redraws everything (locale, switch). */
  #renderConv(force) {
    if (!this.#engine) return;
    const st = this.#state(this.#key);
    const t = this.#t();
    const q = this.#q;
    if (force) {
      this.#checkSig = this.#emoSig = this.#draftSig = '';
      // A full redraw is not news: keep live regions quiet while it happens.
      for (const ul of [q.sugs, q.flags]) ul.setAttribute('aria-live', 'off');
      requestAnimationFrame(() => {
        for (const ul of [q.sugs, q.flags]) ul.setAttribute('aria-live', 'polite');
      });
    }
    this.#renderDraft(force);
    this.#renderCheck(st, t);
    this.#renderEmotion(st, t);
    this.#keyed(q.sugs, st.suggestions, (it) => this.#sugCard(it.ev, t), force);
    q.nosug.hidden = st.suggestions.length > 0;
    this.#keyed(q.flags, st.flags, (it) => this.#flagCard(it.ev, t), force);
    q.noflag.hidden = st.flags.length > 0;
    this.#keyed(q.bans, st.banned, (it) => this.#banCard(it, t), force);
    q.bansec.hidden = st.banned.length === 0;
  }

  /** Lists whose items keep their nodes (and focus) while they stay. */
  #keyed(ul, items, make, force) {
    const old = force ? new Map() : (this.#nodes.get(ul) ?? new Map());
    const next = new Map();
    let ref = ul.firstChild;
    for (const it of items) {
      const li = old.get(it.id) ?? make(it);
      next.set(it.id, li);
      if (li === ref) ref = ref.nextSibling;
      else ul.insertBefore(li, ref);
    }
    while (ref) {
      const n = ref.nextSibling;
      ref.remove();
      ref = n;
    }
    this.#nodes.set(ul, next);
  }

  #renderCheck(st, t) {
    const sig = JSON.stringify(st.checklist);
    if (sig === this.#checkSig) return this.#renderCountdowns();
    this.#checkSig = sig;
    const rows = st.checklist.map((it) => {
      const state = it.state === 'met' && it.late ? 'late' : it.state;
      const li = h('li');
      li.dataset.state = state;
      li.dataset.rule = it.rule;
      const icon = h('span', 'ico', ICONS[state] ?? '•');
      icon.setAttribute('aria-hidden', 'true');
      const left = h('span', 'left');
      if (it.remaining_messages != null) left.dataset.msgs = it.remaining_messages;
      if (it.deadline_ts != null) left.dataset.deadline = it.deadline_ts;
      li.append(icon, h('span', 'lab', it.label ?? it.rule), h('span', 'st', h('b', null, t.state[state] ?? state), left));
      return li;
    });
    this.#q.check.replaceChildren(...rows);
    this.#renderCountdowns();
  }

  /** Messages left and time left; redrawn every second on the live clock. */
  #renderCountdowns() {
    if (!this.#engine) return;
    const t = this.#t();
    const st = this.#convs.get(this.#key);
    const now = this.clock === 'auto' ? Date.now() : st?.now;
    for (const el of this.#q.check.querySelectorAll('.left')) {
      const parts = [];
      if (el.dataset.msgs) parts.push(t.msgsLeft(Number(el.dataset.msgs)));
      if (el.dataset.deadline && now != null) {
        const ms = Number(el.dataset.deadline) - now;
        parts.push(ms > 0 ? t.timeLeft(clockText(ms)) : t.overdue);
      }
      const text = parts.length ? ` · ${parts.join(' · ')}` : '';
      if (el.textContent !== text) el.textContent = text;
    }
  }

  #renderEmotion(st, t) {
    const emo = this.#q.emo;
    const pts = st.trajectory;
    const sig = JSON.stringify(pts);
    if (sig === this.#emoSig) return;
    this.#emoSig = sig;
    const last = pts.at(-1);
    emo.className = 'emo';
    emo.dataset.label = last?.label ?? '';
    if (!last) return emo.replaceChildren(h('p', 'empty', t.noEmotion));
    if (NEGATIVE.includes(last.label)) emo.classList.add('neg');
    const dots = h('span', 'dots');
    dots.setAttribute('aria-hidden', 'true');
    for (let i = 1; i <= 5; i++) dots.append(h('i', i <= last.intensity ? 'on' : null));
    emo.replaceChildren(h('span', 'now', t.emotions[last.label] ?? last.label), dots, h('span', 'sub', t.intensity(last.intensity)), this.#spark(pts, t));
  }

  #spark(all, t) {
    const pts = all.slice(-SPARK_POINTS);
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const el = (name, attrs) => {
      const e = document.createElementNS('http://www.w3.org/2000/svg', name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      svg.append(e);
    };
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 100 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    const said = pts.slice(-6).map((p) => `${t.emotions[p.label] ?? p.label} ${p.intensity}`);
    svg.setAttribute('aria-label', t.trend(said.length, said.join(t.sep)));
    const y = (p) => (20 - valence(p) * 3.6).toFixed(1);
    const xy = pts.map((p, i) => `${pts.length > 1 ? ((i * 100) / (pts.length - 1)).toFixed(1) : i},${y(p)}`);
    if (pts.length === 1) xy.push(`100,${y(pts[0])}`);
    el('line', { class: 'zero', x1: 0, y1: 20, x2: 100, y2: 20, 'vector-effect': 'non-scaling-stroke' });
    el('polyline', { points: xy.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke', 'stroke-linejoin': 'round' });
    return svg;
  }

  #choices(texts, ctx, t) {
    const ol = h('ol');
    for (const text of Array.isArray(texts) ? texts : []) {
      const p = h('p', null, String(text));
      p.id = `o${++this.#ids}`;
      const ins = h('button', 'ins', t.insert);
      const cp = h('button', 'cp', t.copy);
      for (const b of [ins, cp]) {
        b.type = 'button';
        b.setAttribute('aria-describedby', p.id);
      }
      ins.addEventListener('click', () => this.#use(String(text), ctx));
      cp.addEventListener('click', () => this.#copy(String(text), ctx, cp));
      ol.append(h('li', 'opt', p, h('div', 'acts', ins, cp)));
    }
    return ol;
  }

  #sugCard(ev, t) {
    const li = h('li', 'card', h('p', 'sub', this.#label(ev.rule)));
    li.dataset.rule = ev.rule ?? '';
    li.append(this.#choices(ev.text, { rule: ev.rule, texts: ev.text, source: 'suggestion' }, t));
    return li;
  }

  #flagCard(ev, t) {
    const li = h('li', 'card', h('p', null, sevBadge(t, ev.severity), ev.reason || this.#label(ev.rule)));
    li.dataset.severity = ev.severity;
    if (ev.excerpt) li.append(h('blockquote', 'excerpt', ev.excerpt));
    const where = ev.msg != null ? t.msg(ev.msg + 1) : null;
    li.append(h('p', 'sub', [this.#label(ev.rule), where].filter(Boolean).join(' · ')));
    return li;
  }

  #banCard(it, t) {
    const ev = it.ev;
    return h(
      'li',
      'card',
      h('p', null, sevBadge(t, ev.severity), ev.label ?? this.#label(ev.rule)),
      h('p', 'sub', h('mark', null, it.said), ev.msg != null ? ` · ${t.msg(ev.msg + 1)}` : null),
    );
  }

  #renderDraft(force) {
    const q = this.#q;
    const t = this.#t();
    const d = this.#engine ? this.#convs.get(this.#key)?.draft : null;
    const sig = d ? JSON.stringify(d) : '';
    if (!force && sig === this.#draftSig) return;
    const wasShown = this.#draftSig;
    this.#draftSig = sig;
    q.draft.hidden = !d;
    if (!d) {
      q.text.replaceChildren();
      q.hits.replaceChildren();
      return;
    }
    // The draft with each banned span in a <mark> (overlaps merged), built from text pieces.
    const spans = d.events.map((e) => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
    const pieces = [];
    let pos = 0;
    for (let i = 0; i < spans.length; i++) {
      let [s, e] = spans[i];
      while (i + 1 < spans.length && spans[i + 1][0] <= e) e = Math.max(e, spans[++i][1]);
      s = Math.max(s, pos);
      if (s > pos) pieces.push(d.text.slice(pos, s));
      if (e > s) pieces.push(h('mark', null, d.text.slice(s, e)));
      pos = Math.max(pos, e);
    }
    pieces.push(d.text.slice(pos));
    q.text.replaceChildren(...pieces);
    q.hits.replaceChildren(
      ...d.events.map((ev) => {
        const li = h('li', 'card', h('p', null, sevBadge(t, ev.severity), ev.label ?? this.#label(ev.rule), ` “${d.text.slice(ev.start, ev.end)}”`));
        li.dataset.rule = ev.rule ?? '';
        if (Array.isArray(ev.suggest) && ev.suggest.length) {
          const ctx = { rule: ev.rule, texts: ev.suggest, source: 'draft', span: { start: ev.start, end: ev.end }, draftText: d.text };
          li.append(h('p', 'sub', t.useInstead), this.#choices(ev.suggest, ctx, t));
        }
        return li;
      }),
    );
    // Announce the warning when it appears, not on every keystroke.
    if (!wasShown) q.status.textContent = `${t.draft}: ${d.events.map((e) => e.label ?? this.#label(e.rule)).join(t.sep)}`;
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, LinesmanAssist);

export const LinesmanAssistElement = customElements.get(TAG);
