"""Small malformed emotion models for the Rust refusal tests (crate/tests/data/).

    models/.venv/bin/python -m pipeline.fixtures   (run from models/)
"""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from . import features
from .model import LABELS

OUT = Path(__file__).resolve().parents[2] / "crate" / "tests" / "data"
META = {"linesman.features": f"fnv1a64-v{features.VERSION}:{features.BUCKETS}", "linesman.labels": ",".join(LABELS)}


def _save(name: str, nodes, inputs, outputs, inits) -> None:
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = helper.make_model(g, producer_name="linesman-fixtures", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    helper.set_model_props(m, META)
    onnx.checker.check_model(m)
    onnx.save(m, str(OUT / name))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    E = numpy_helper.from_array(np.zeros((4, 1), dtype=np.float32), "E")
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["N"])
    weights = helper.make_tensor_value_info("weights", TensorProto.FLOAT, [1, "N"])
    # Five classes instead of six.
    W = numpy_helper.from_array(np.zeros((1, 5), dtype=np.float32), "W")
    _save(
        "emotion_five_outputs.onnx",
        [helper.make_node("Gather", ["E", "ids"], ["rows"], axis=0),
         helper.make_node("MatMul", ["weights", "rows"], ["mean"]),
         helper.make_node("MatMul", ["mean", "W"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)],
        [ids, weights],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 5])],
        [E, W],
    )
    # No weights input.
    W6 = numpy_helper.from_array(np.zeros((1, 6), dtype=np.float32), "W")
    _save(
        "emotion_one_input.onnx",
        [helper.make_node("Gather", ["E", "ids"], ["rows"], axis=0),
         helper.make_node("ReduceMean", ["rows"], ["mean"], axes=[0], keepdims=1),
         helper.make_node("MatMul", ["mean", "W"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)],
        [ids],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 6])],
        [E, W6],
    )
    print(f"wrote fixtures to {OUT}")


if __name__ == "__main__":
    main()
