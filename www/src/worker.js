// The Linesman engine in a module Web Worker. linesman.js talks to it with
// {id, op, args} messages and gets {id, ok, value} or {id, ok: false, error}.
// One engine per worker; conversations are kept here by id.

import init, * as wasm from '../pkg/linesman_wasm.js';

// The wasm starts loading as soon as the worker does.
const ready = init();
ready.catch(() => {}); // reported to every call that awaits it
let engine = null;
const conversations = new Map();
let nextId = 1;

async function load(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`emotion model: ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function conv(id) {
  const c = conversations.get(id);
  if (!c) throw new Error(`no open conversation ${id}`);
  return c;
}

const ops = {
  async builtins() {
    return wasm.builtinPlaybooks();
  },
  async create({ playbook, builtin, model }, modelBytes) {
    let json = playbook;
    if (builtin != null) {
      json = wasm.builtinPlaybook(builtin);
      if (json == null) throw new Error(`no built-in playbook ${JSON.stringify(builtin)} (have: ${wasm.builtinPlaybooks().join(', ')})`);
    } else if (json != null && typeof json !== 'string') {
      json = JSON.stringify(json);
    }
    if (json == null) throw new Error('a playbook (object or JSON) or a built-in playbook id is required');
    let bytes;
    if (typeof model === 'string') bytes = await modelBytes;
    else if (model instanceof ArrayBuffer) bytes = new Uint8Array(model);
    else if (model instanceof Uint8Array) bytes = model;
    // Build first: a refused playbook or model leaves the old engine as it was.
    const built = new wasm.Engine(json, bytes);
    for (const c of conversations.values()) c.free();
    conversations.clear();
    engine?.free();
    engine = built;
    return { info: JSON.parse(engine.info()), emotionSource: engine.emotionSource() };
  },
  async conversation() {
    if (!engine) throw new Error('no engine');
    const id = nextId++;
    conversations.set(id, engine.conversation());
    return id;
  },
  async observe({ conv: id, message }) {
    const m = message ?? {};
    return JSON.parse(conv(id).observe(m.role, m.text, m.ts ?? undefined));
  },
  async tick({ conv: id, now }) {
    return JSON.parse(conv(id).tick(now));
  },
  async end({ conv: id, now }) {
    return JSON.parse(conv(id).end(now ?? undefined));
  },
  async summary({ conv: id }) {
    return JSON.parse(conv(id).summary());
  },
  async close({ conv: id }) {
    conversations.get(id)?.free();
    conversations.delete(id);
  },
  async checkDraft({ text }) {
    if (!engine) throw new Error('no engine');
    return JSON.parse(engine.checkDraft(text));
  },
};

self.onmessage = async (e) => {
  const { id, op, args } = e.data;
  // The model downloads while the wasm compiles, not after.
  const modelBytes = op === 'create' && typeof args?.model === 'string' ? load(args.model) : null;
  modelBytes?.catch(() => {}); // awaited (and reported) by create
  try {
    await ready;
    const fn = ops[op];
    if (!fn) throw new Error(`unknown operation ${op}`);
    const value = await fn(args ?? {}, modelBytes);
    self.postMessage({ id, ok: true, value });
  } catch (err) {
    const error = { message: String(err?.message ?? err) };
    if (Array.isArray(err?.problems)) error.problems = err.problems;
    self.postMessage({ id, ok: false, error });
  }
};
