"""Featuriser of the emotion model: text -> (hashed feature ids, weights).

This is the specification; ``crate/src/emotion/features.rs`` implements the
same function in Rust for the engine (native and wasm). The two must agree
exactly: ``python3 -m pipeline.features --golden`` writes
``models/features_golden.jsonl`` and a Rust test compares itself with it.

Steps (version 1):

1. Take the first ``MAX_CHARS`` code points, NFKC.
2. Cut into units: a CJK character (folded Traditional->Simplified with
   ``crate/src/t2s.txt``), a Latin/Greek/Cyrillic word (letters and digits,
   an apostrophe between two of them kept, lowercased char by char), or a
   symbol (any other visible char; a run of one symbol is kept up to three
   copies, so "???" and "??????" read alike). Whitespace separates units;
   zero-width and variation-selector chars and skin-tone modifiers vanish.
3. Features: unit unigrams, bigrams (with start/end markers), trigrams; char
   trigrams of each Latin word of three or more chars inside ``<`` ``>`` (typos,
   inflections); ``caps`` once per shouted word (two or more ASCII capitals,
   no lowercase); one length bucket.
4. id = FNV-1a 64 of the feature's UTF-8 bytes mod ``BUCKETS``. Repeated ids
   are merged in order of first appearance; weight = count / total features
   (so the model sees the mean of its embeddings).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

VERSION = 1
BUCKETS = 1 << 15
MAX_CHARS = 2000

MODELS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = MODELS_DIR.parent
T2S_TABLE = REPO_DIR / "crate" / "src" / "t2s.txt"
GOLDEN = MODELS_DIR / "features_golden.jsonl"

_SPACE = set(" \t\n\r\x0b\x0c\u3000\u00a0")
_VANISH = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufe0e\ufe0f")


def _load_t2s() -> dict[str, str]:
    table = {}
    for line in T2S_TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = line.split()
            table[a] = b
    return table


_T2S = _load_t2s()


def is_cjk(c: str) -> bool:
    o = ord(c)
    return (
        0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FFFF
        or 0x3040 <= o <= 0x30FF  # kana
        or 0xAC00 <= o <= 0xD7AF  # hangul
    )


def is_word(c: str) -> bool:
    o = ord(c)
    return (
        ("a" <= c <= "z")
        or ("A" <= c <= "Z")
        or ("0" <= c <= "9")
        or (0xC0 <= o <= 0x24F and o not in (0xD7, 0xF7))
        or 0x370 <= o <= 0x4FF
    )


def _vanishes(c: str) -> bool:
    o = ord(c)
    return c in _VANISH or 0x1F3FB <= o <= 0x1F3FF or (o < 0x20 and c not in _SPACE) or o == 0x7F


def _lower(word: str) -> str:
    return "".join(c.lower() for c in word)


def _shouted(word: str) -> bool:
    caps = sum(1 for c in word if "A" <= c <= "Z")
    return caps >= 2 and not any("a" <= c <= "z" for c in word)


def units(text: str) -> tuple[list[str], int]:
    """The unit sequence and the number of shouted words."""
    s = [c for c in unicodedata.normalize("NFKC", text[:MAX_CHARS]) if not _vanishes(c)]
    out: list[str] = []
    shouted = 0
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _SPACE:
            i += 1
        elif is_cjk(c):
            out.append(_T2S.get(c, c))
            i += 1
        elif is_word(c):
            j = i + 1
            while j < n and (is_word(s[j]) or (s[j] == "'" and j + 1 < n and is_word(s[j + 1]))):
                j += 1
            word = "".join(s[i:j])
            shouted += _shouted(word)
            out.append(_lower(word))
            i = j
        else:
            j = i + 1
            while j < n and s[j] == c:
                j += 1
            out.append(c * min(j - i, 3))
            i = j
    return out, shouted


def _length_bucket(n: int) -> int:
    for b, limit in enumerate((2, 5, 10, 20, 40)):
        if n <= limit:
            return b
    return 5


def feature_strings(text: str) -> list[str]:
    u, shouted = units(text)
    if not u:
        return ["x|empty"]
    feats = ["1|" + a for a in u]
    seq = ["^"] + u + ["$"]
    feats += ["2|" + a + "\x01" + b for a, b in zip(seq, seq[1:])]
    feats += ["3|" + a + "\x01" + b + "\x01" + c for a, b, c in zip(u, u[1:], u[2:])]
    for w in u:
        if len(w) >= 3 and is_word(w[0]):
            padded = "<" + w + ">"
            feats += ["c|" + padded[k : k + 3] for k in range(len(padded) - 2)]
    feats += ["x|caps"] * shouted
    feats.append("L|%d" % _length_bucket(len(u)))
    return feats


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1
_ID_CACHE: dict[str, int] = {}


def feature_id(feature: str) -> int:
    got = _ID_CACHE.get(feature)
    if got is None:
        h = _FNV_OFFSET
        for b in feature.encode("utf-8"):
            h = ((h ^ b) * _FNV_PRIME) & _MASK
        got = h % BUCKETS
        if len(_ID_CACHE) < 2_000_000:
            _ID_CACHE[feature] = got
    return got


def featurize(text: str) -> tuple[list[int], list[float]]:
    """(ids, weights): ids in order of first appearance, weights as float32 values."""
    import numpy as np

    feats = feature_strings(text)
    counts: dict[int, int] = {}
    for f in feats:
        i = feature_id(f)
        counts[i] = counts.get(i, 0) + 1
    total = len(feats)
    return list(counts), [float(np.float32(c / total)) for c in counts.values()]


GOLDEN_TEXTS = [
    "",
    "   ",
    "你好",
    "你们这是什么破店？发的货跟图片完全是两样东西，骗子！",
    "太棒了，又坏了",
    "不是很满意",
    "没有不满意",
    "還沒收到貨？？？",
    "為什麼一直沒人處理！！！",
    "still nothing?!",
    "This is RIDICULOUS!!! I want my money back NOW",
    "Can't log in, it says 'invalid token'...",
    "ＦＵＬＬ　ＷＩＤＴＨ ｔｅｘｔ １２３",
    "thx 👍🏻👍🏻 great service 😊",
    "退款到底什么时候到账啊😭😭😭",
    "订单号 GP2024061700321 查一下",
    "Ça ne marche pas, déçu",
    "Это ужасно",
    "a'b 'quoted' don't",
    "zero\u200bwidth\ufe0f and\ttabs\nnewline",
    "ｗｈｙ？？！！",
    "ⅫⅣ ① ㈠ ㎏",
    "İstanbul ΣΟΦΙΑ",
    "a" * 2100,
    "我" * 30 + "!" * 10,
]


def write_golden(path: Path = GOLDEN) -> None:
    with path.open("w", encoding="utf-8") as f:
        for t in GOLDEN_TEXTS:
            ids, weights = featurize(t)
            f.write(json.dumps({"text": t, "ids": ids, "weights": weights}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", action="store_true", help=f"write {GOLDEN.relative_to(REPO_DIR)}")
    ap.add_argument("text", nargs="*")
    args = ap.parse_args(argv)
    if args.golden:
        write_golden()
        print(f"wrote {GOLDEN}")
    for t in args.text:
        print(json.dumps({"units": units(t)[0], "features": feature_strings(t), "ids": featurize(t)[0]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
