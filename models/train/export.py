"""Export a trained XCNet checkpoint to ``OUT/model.onnx`` + ``OUT/model.json``.

    python -m models.train.export --checkpoint runs/xcnet/best.pt --out models/xcnet \
        --name xcnet --version 1.0

The graph has one static input (1, 3, H, W) float32 named ``channels`` (opset 17)
and decodes boxes itself (see ``net.py``). ``model.json`` gets the classes with
their English and Korean names, the input contract, the sha256 of the ONNX file
and the training record; ``models.train.evaluate --write-card`` later adds the
test metrics and the operating threshold (the sha256 stays valid: the ONNX file
is not touched).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from models.train.labels import detector_classes
from models.train.train import build_model
from station_app.detection.model_card import CARD_FILE, MODEL_FILE, ModelCard, ModelClass
from station_app.detection.model_input import InputContract

INPUT_NAME = "channels"
OUTPUT_NAMES = ("scores", "boxes")
OPSET = 17
PROVISIONAL_THRESHOLD = 0.3  # replaced by evaluate --write-card (chosen on the val split)


def onnx_bytes(checkpoint: dict[str, Any]) -> bytes:
    import onnx

    classes = checkpoint["classes"]
    contract = InputContract.from_json(checkpoint["input"])
    model = build_model(len(classes), checkpoint["architecture"])
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    model.deploy = True
    dummy = torch.zeros(1, len(contract.channels), contract.height_px, contract.width_px)
    # The TorchScript exporter (dynamo=False) gives a static, constant-folded opset-17
    # graph without onnxscript; move to torch.export when PyTorch drops it.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / MODEL_FILE
        torch.onnx.export(model, (dummy,), str(path), input_names=[INPUT_NAME],
                          output_names=list(OUTPUT_NAMES), opset_version=OPSET, dynamo=False,
                          do_constant_folding=True)
        proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    proto.producer_name = "station_app models.train.export"
    return bytes(proto.SerializeToString())


def export(checkpoint_path: Path, out: Path, name: str, version: str) -> ModelCard:
    checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=False)
    blob = onnx_bytes(checkpoint)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_bytes(blob)
    by_name = {c.name: c for c in detector_classes()}
    card = ModelCard(
        name=name,
        version=version,
        created=datetime.now(UTC).date().isoformat(),
        classes=tuple(ModelClass(n, by_name[n].en, by_name[n].ko) for n in checkpoint["classes"]),
        input=InputContract.from_json(checkpoint["input"]),
        input_name=INPUT_NAME,
        output_names=OUTPUT_NAMES,
        sha256=hashlib.sha256(blob).hexdigest(),
        score_threshold=PROVISIONAL_THRESHOLD,
        tile_overlap_px=int(checkpoint["tile_overlap_px"]),
        max_item_mm=round(float(checkpoint["max_item_mm"]), 1),
        output_stride=int(checkpoint["architecture"].get("stride", 4)),
        training={
            **checkpoint["training"],
            "architecture": {"name": "XCNet", **checkpoint["architecture"]},
            "checkpoint_step": checkpoint["step"],
            "previous_phases": checkpoint.get("history", []),
            "val_at_checkpoint": checkpoint["val"],
            "opset": OPSET,
            "torch": torch.__version__,
        },
    )
    (out / CARD_FILE).write_text(
        json.dumps(card.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return card


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m models.train.export", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", default="xcnet")
    p.add_argument("--version", default="1.0")
    args = p.parse_args(argv)
    card = export(args.checkpoint, args.out, args.name, args.version)
    size = (args.out / MODEL_FILE).stat().st_size
    print(f"{args.out / MODEL_FILE}: {size / 1e6:.2f} MB, sha256 {card.sha256}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
