// Linesman in the browser: the promise-based main-thread API (types in
// linesman.d.ts). Every call is a message to the engine's Web Worker.

export class LinesmanError extends Error {
  constructor(message, problems) {
    super(message);
    this.name = 'LinesmanError';
    if (problems) this.problems = problems;
  }
}

const defaultWorker = new URL('./worker.js', import.meta.url);

/** A worker and the promises of the calls waiting for it. */
class Channel {
  constructor(workerUrl) {
    this.worker = new Worker(workerUrl ?? defaultWorker, { type: 'module', name: 'linesman' });
    this.pending = new Map();
    this.next = 1;
    this.closed = false;
    this.worker.onmessage = (e) => {
      const { id, ok, value, error } = e.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (ok) p.resolve(value);
      else p.reject(new LinesmanError(error.message, error.problems));
    };
    // A worker that fails to load (bad URL, wasm refused) rejects everything.
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.fail(new LinesmanError(`linesman worker: ${e.message || 'failed to load'}`));
    };
  }

  call(op, args, transfer) {
    if (this.closed) return Promise.reject(new LinesmanError('linesman: engine closed'));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args }, transfer ?? []);
    });
  }

  fail(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  close() {
    this.closed = true;
    this.worker.terminate();
    this.fail(new LinesmanError('linesman: engine closed'));
  }
}

export class Linesman {
  /** @param {import('./linesman').EngineOptions} options */
  static async create(options = {}) {
    const { playbook, builtin, workerUrl } = options;
    let { model } = options;
    if (model instanceof URL) model = model.href;
    // A relative model URL is relative to the page, not to the worker.
    if (typeof model === 'string') model = new URL(model, document.baseURI).href;
    const channel = new Channel(workerUrl);
    try {
      const r = await channel.call('create', { playbook, builtin, model });
      return new Linesman(channel, r.info, r.emotionSource);
    } catch (err) {
      channel.close();
      throw err;
    }
  }

  static async builtinPlaybooks(options = {}) {
    const channel = new Channel(options.workerUrl);
    try {
      return await channel.call('builtins');
    } finally {
      channel.close();
    }
  }

  constructor(channel, info, emotionSource) {
    this.channel = channel;
    this.info = info;
    this.emotionSource = emotionSource;
  }

  async conversation() {
    const id = await this.channel.call('conversation');
    return new Conversation(this.channel, id);
  }

  checkDraft(text) {
    return this.channel.call('checkDraft', { text: String(text ?? '') });
  }

  close() {
    this.channel.close();
  }
}

export class Conversation {
  constructor(channel, id) {
    this.channel = channel;
    this.id = id;
  }

  observe(message) {
    return this.channel.call('observe', { conv: this.id, message });
  }

  tick(now) {
    return this.channel.call('tick', { conv: this.id, now });
  }

  end(now) {
    return this.channel.call('end', { conv: this.id, now: now ?? null });
  }

  summary() {
    return this.channel.call('summary', { conv: this.id });
  }

  close() {
    return this.channel.call('close', { conv: this.id });
  }
}
