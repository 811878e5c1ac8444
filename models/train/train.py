"""Train XCNet from scratch on a dataset written by ``models.train.dataset``.

    python -m models.train.train --data data/det-v1 --out runs/xcnet \
        --iterations 6000 --batch 16 --crop 320

Uses CUDA when PyTorch sees a GPU (``--device auto``), otherwise the CPU
(slowly: see models/README.md for the shipped run). Every ``--val-every``
iterations the model is scored on the validation split through the station's
own tiling and peak picking (``station_app.detection.decode``); the best
checkpoint by mAP@0.5 is kept as ``OUT/best.pt``. ``OUT/log.jsonl`` holds the curve.
Export with ``python -m models.train.export``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from models.train.data import (
    CropSampler,
    Sample,
    largest_item_mm,
    load_split,
    make_targets,
)
from models.train.labels import class_names
from models.train.net import XCNet
from station_app.detection.decode import detect_planes
from station_app.detection.evaluation import EvalImage, score_subset
from station_app.detection.model_input import InputContract

DEFAULT_CONTRACT = InputContract(
    height_px=512, width_px=512, pitch_mm=2.0, attenuation_scale=5.0, attenuation_clip=2.0
)
ARCHITECTURE: dict[str, Any] = {"widths": [16, 32, 64, 128, 192], "neck": 64, "head": 32,
                                "stride": 4, "head_pointwise": False}


def build_model(num_classes: int, arch: dict[str, Any] | None = None) -> XCNet:
    a = arch or ARCHITECTURE
    w = tuple(int(v) for v in a["widths"])
    return XCNet(num_classes, widths=(w[0], w[1], w[2], w[3], w[4]), neck=int(a["neck"]),
                 head=int(a["head"]), stride=int(a.get("stride", 4)),
                 head_pointwise=bool(a.get("head_pointwise", False)))


def focal_loss(logits: Tensor, heat: Tensor) -> Tensor:
    """CenterNet's penalty-reduced focal loss, normalised by the number of centres."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = heat.eq(1.0).float()
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * (1 - heat) ** 4 * (1 - pos)
    return -(pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1.0)


def box_loss(params: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    m = mask.unsqueeze(1)
    return (torch.abs(params - target) * m).sum() / (m.sum() * 4).clamp(min=1.0)


def make_batch(sampler: CropSampler, crop: int, batch: int, rng: np.random.Generator,
               num_classes: int, stride: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    images, heats, boxes, masks = [], [], [], []
    for _ in range(batch):
        image, truth = sampler.crop(crop, rng)
        t = make_targets(truth, (crop, crop), num_classes, stride)
        images.append(image)
        heats.append(t.heat)
        boxes.append(t.box)
        masks.append(t.box_mask)
    return (torch.from_numpy(np.stack(images)), torch.from_numpy(np.stack(heats)),
            torch.from_numpy(np.stack(boxes)), torch.from_numpy(np.stack(masks)))


def torch_infer(model: XCNet, device: torch.device
                ) -> Any:
    def infer(batch: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        with torch.no_grad():
            scores, boxes = model(torch.from_numpy(batch).to(device))
        return scores.cpu().numpy(), boxes.cpu().numpy()
    return infer


def validate(model: XCNet, samples: Sequence[Sample], contract: InputContract,
             overlap_px: int, device: torch.device) -> dict[str, float]:
    model.eval()
    model.deploy = True
    infer = torch_infer(model, device)
    images = [
        EvalImage(s.name, s.truth,
                  detect_planes(s.planes.astype(np.float32),
                                (contract.height_px, contract.width_px), infer, 0.01, overlap_px),
                  frozenset({s.difficulty}))
        for s in samples
    ]
    model.deploy = False
    model.train()
    score = score_subset(images, class_names())
    return {"map50": score.map50, "map50_95": score.map50_95}


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m models.train.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--iterations", type=int, default=6000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=320, help="training crop, model pixels")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--sampling", default="balanced", choices=CropSampler.MODES,
                   help="where crops come from (see models/train/data.py)")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--val-every", type=int, default=500)
    p.add_argument("--stop-after", type=int, default=None,
                   help="stop after this many steps of the --iterations schedule")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    p.add_argument("--init", type=Path, default=None,
                   help="start from this checkpoint's weights (a second, fine-tuning run)")
    p.add_argument("--limit-train", type=int, default=None)
    p.add_argument("--limit-val", type=int, default=None)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(
        ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    )
    contract = DEFAULT_CONTRACT
    names = class_names()
    t0 = time.perf_counter()
    train = load_split(args.data, "train", contract, args.limit_train)
    val = load_split(args.data, "val", contract, args.limit_val)
    max_item_mm = largest_item_mm(train, contract.pitch_mm)
    overlap_px = min(math.ceil(max_item_mm / contract.pitch_mm) + 8,
                     contract.height_px // 2)
    print(f"loaded {len(train)} train / {len(val)} val parcels in "
          f"{time.perf_counter() - t0:.0f} s; largest item {max_item_mm:.0f} mm; "
          f"device {device}", file=sys.stderr)

    model = build_model(len(names))
    history: list[dict[str, Any]] = []
    if args.init is not None:
        start = torch.load(args.init, map_location="cpu", weights_only=False)
        same_arch = {**ARCHITECTURE, **start["architecture"]} == ARCHITECTURE
        if list(start["classes"]) != list(names) or not same_arch:
            raise SystemExit(f"--init {args.init}: other classes or architecture")
        model.load_state_dict(start["state_dict"])
        history = [*start.get("history", []), {k: start["training"][k] for k in
                                               ("iterations", "lr", "seconds", "data")}]
    model = model.to(device)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    args.out.mkdir(parents=True, exist_ok=True)
    log = (args.out / "log.jsonl").open("a", encoding="utf-8")
    best = -1.0
    started = time.perf_counter()
    running: list[float] = []
    sampler = CropSampler(train, args.sampling)
    steps = min(args.iterations, args.stop_after or args.iterations)
    for step in range(steps):
        for group in optimiser.param_groups:
            group["lr"] = lr_at(step, args.iterations, args.lr, args.warmup)
        images, heat, box, mask = (t.to(device) for t in make_batch(
            sampler, args.crop, args.batch, rng, len(names), model.stride))
        logits, params = model.raw(images)
        loss_heat = focal_loss(logits, heat)
        loss_box = box_loss(params, box, mask)
        loss = loss_heat + loss_box
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimiser.step()
        running.append(float(loss.detach()))
        last = step + 1 == steps
        if (step + 1) % 50 == 0:
            print(f"step {step + 1}/{args.iterations} loss {np.mean(running):.3f} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
            running.clear()
        if (step + 1) % args.val_every == 0 or last:
            metrics = validate(model, val, contract, overlap_px, device)
            record = {"step": step + 1, "seconds": round(time.perf_counter() - started, 1),
                      "loss": float(loss.detach()), **metrics}
            log.write(json.dumps(record) + "\n")
            log.flush()
            print(f"val {record}", file=sys.stderr, flush=True)
            if metrics["map50"] > best:
                best = metrics["map50"]
                torch.save({
                    "state_dict": model.state_dict(), "architecture": ARCHITECTURE,
                    "classes": list(names), "input": contract.to_json(),
                    "max_item_mm": max_item_mm, "tile_overlap_px": overlap_px,
                    "step": step + 1, "val": metrics,
                    "training": {
                        "data": str(args.data), "iterations": args.iterations,
                        "batch": args.batch, "crop": args.crop, "lr": args.lr,
                        "sampling": args.sampling, "warmup": args.warmup,
                        "seed": args.seed, "device": str(device),
                        "threads": torch.get_num_threads(),
                        "seconds": round(time.perf_counter() - started, 1),
                        "train_parcels": len(train), "val_parcels": len(val),
                        "init": None if args.init is None else str(args.init),
                    },
                    "history": history,
                }, args.out / "best.pt")
    log.close()
    print(f"best val mAP@0.5 {best:.3f}; checkpoint {args.out / 'best.pt'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    raise SystemExit(main())
