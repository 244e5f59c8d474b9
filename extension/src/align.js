// Which messages of a console's visible list are new, given the log already
// observed. Consoles re-render, reload and (some) drop old messages from the
// DOM, so the visible list is matched against the log rather than counted.

/** A message's identity for alignment: its side and its text, spaces collapsed. */
export function fingerprint(m) {
  return `${m.role}\u0000${String(m.text ?? '').replace(/\s+/g, ' ').trim()}`;
}

const WINDOW = 500; // only the log's tail can reappear at the top of the list

/**
 * Indexes (into `visible`) of the messages not yet in `log`: the visible list
 * is taken to start with the longest tail of the log it repeats; the rest is new.
 */
export function align(log, visible) {
  const L = log.length > WINDOW ? log.slice(log.length - WINDOW) : log;
  const max = Math.min(L.length, visible.length);
  for (let k = max; k > 0; k--) {
    let same = true;
    for (let j = 0; j < k && same; j++) same = L[L.length - k + j] === visible[j];
    if (same) return range(k, visible.length);
  }
  return range(0, visible.length);
}

function range(a, b) {
  const out = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}
