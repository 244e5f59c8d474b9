// A tiny CommonJS loader for the benchmark pages, so a CommonJS-only npm
// package (obscenity ships dist/*.js with require() and an index.mjs that
// only re-exports the CommonJS build) runs in the page straight from
// node_modules, with no bundler.
//
// It fetches the entry file and, recursively, every file it require()s with
// a relative string literal (Node's rules: X.js, X/index.js), then runs the
// modules on demand like Node does (module, exports, require, `this` =
// exports). Anything else (a bare package name, a dynamic require) is an
// error: enough for packages with no dependencies, which is all it is for.

const REQUIRE = /\brequire\(\s*(["'])([^"']+)\1\s*\)/g;

async function fetchText(url) {
  const res = await fetch(url);
  return res.ok ? res.text() : null;
}

/** Loads the CommonJS module at `entryUrl` (and what it needs); returns its exports. */
export async function requireCjs(entryUrl) {
  const sources = new Map(); // file URL -> source
  const resolved = new Map(); // `${parent}\n${spec}` -> file URL

  async function resolveFile(spec, parent) {
    const base = new URL(spec, parent).href;
    const candidates = base.endsWith('.js') ? [base] : [base + '.js', base + '/index.js'];
    for (const url of candidates) {
      if (sources.has(url)) return url;
      const text = await fetchText(url);
      if (text != null) {
        sources.set(url, text);
        await scan(url, text);
        return url;
      }
    }
    throw new Error(`cjs.js: cannot resolve ${spec} from ${parent}`);
  }

  async function scan(url, text) {
    // Only relative specifiers are followed (a bare name, say in a comment,
    // is an error only if the code really require()s it).
    const specs = [...new Set(Array.from(text.matchAll(REQUIRE), (m) => m[2]))].filter((s) => /^\.\.?\//.test(s));
    await Promise.all(
      specs.map(async (spec) => {
        resolved.set(`${url}\n${spec}`, await resolveFile(spec, url));
      }),
    );
  }

  const entry = new URL(entryUrl, location.href).href;
  const text = await fetchText(entry);
  if (text == null) throw new Error(`cjs.js: cannot fetch ${entry}`);
  sources.set(entry, text);
  await scan(entry, text);

  const cache = new Map(); // file URL -> module
  function load(url) {
    let module = cache.get(url);
    if (module) return module.exports;
    module = { exports: {}, id: url, loaded: false };
    cache.set(url, module);
    const require = (spec) => {
      const target = resolved.get(`${url}\n${spec}`);
      if (!target) throw new Error(`cjs.js: cannot require ${spec} from ${url} (only relative paths are loaded)`);
      return load(target);
    };
    // eslint-disable-next-line no-new-func
    const fn = new Function('exports', 'require', 'module', '__filename', '__dirname', `${sources.get(url)}\n//# sourceURL=${url}`);
    fn.call(module.exports, module.exports, require, module, url, new URL('.', url).href);
    module.loaded = true;
    return module.exports;
  }
  return load(entry);
}
