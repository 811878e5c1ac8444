"""Score a shipped ONNX detector on a dataset split — through the station's own
inference path (onnxruntime, resampling, tiling, merging), not PyTorch.

    python -m models.train.evaluate --model models/xcnet --data data/det-v1 --split test
    python -m models.train.evaluate --model models/xcnet --data data/det-v1 --write-card

``--write-card`` chooses the operating threshold on the validation split (the
lowest score at which clutter-only parcels get at most ``--max-false`` false
detections each, all classes together), then lowers it for the classes whose
miss costs most (``--priority``: handgun, knife) one by one, to the highest
threshold that reaches the best recall that same budget allows; it scores the
test split at those thresholds and writes all of it into ``model.json`` (the
ONNX file and its sha256 stay as they are).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from models.train.coco import LabelledParcel, load_coco_split
from station_app.config import DetectorConfig
from station_app.detection.detector import OnnxDetector
from station_app.detection.evaluation import (
    EvalImage,
    operating_point,
    score_subset,
    subsets,
)
from station_app.detection.model_card import CARD_FILE, read_verified_model

EVAL_MIN_SCORE = 0.01  # AP needs the whole precision-recall curve
SUBSET_TAGS = ("easy", "hard", "hidden", "hard+hidden")
THREAT_CLASSES = ("handgun", "knife")  # recall and false-alarm targets of the issue


def tags_for(difficulty: str) -> frozenset[str]:
    tags = {difficulty}
    if difficulty in ("hard", "hidden"):
        tags.add("hard+hidden")
    return frozenset(tags)


def run_detector(detector: OnnxDetector, parcels: Iterable[LabelledParcel]
                 ) -> tuple[list[EvalImage], list[float]]:
    """Detections at a low threshold for every parcel, and ms per parcel."""
    images: list[EvalImage] = []
    times_ms: list[float] = []
    for p in parcels:
        channels = np.asarray(p.channels, np.float32)
        started = time.perf_counter()
        found = detector.detect_channels(channels, p.line_pitch_mm, p.pixel_pitch_mm,
                                         min_score=EVAL_MIN_SCORE)
        times_ms.append((time.perf_counter() - started) * 1e3)
        images.append(EvalImage(p.name, p.truth, found, tags_for(p.difficulty)))
    return images, times_ms


PRIORITY_CLASSES = ("handgun", "knife")  # the recall targets: a miss costs most


def choose_class_thresholds(images: Sequence[EvalImage], class_names: Sequence[str],
                            threshold: float, priority: Sequence[str],
                            max_false_per_clutter: float) -> dict[str, float]:
    """Lower thresholds for the ``priority`` classes, in that order: for each, of the
    thresholds below ``threshold`` (0.01 steps) that keep all classes together within
    ``max_false_per_clutter`` false detections per clutter-only parcel, the highest
    one that reaches the best recall. Lower than that finds nothing more, and only
    adds weak boxes for the inspector to look at."""
    chosen: dict[str, float] = {}
    for name in priority:
        if name not in class_names:
            continue
        base = operating_point(images, class_names, threshold, class_thresholds=chosen)
        best_recall = base.recall[name] or 0.0
        best: float | None = None
        for t in np.arange(threshold - 0.01, 0.045, -0.01):
            trial = {**chosen, name: round(float(t), 2)}
            point = operating_point(images, class_names, threshold, class_thresholds=trial)
            if sum(point.false_per_clutter_image.values()) > max_false_per_clutter:
                continue
            recall = point.recall[name] or 0.0
            if recall > best_recall + 1e-9:
                best_recall, best = recall, round(float(t), 2)
        if best is not None:
            chosen[name] = best
    return chosen


def choose_threshold(images: Sequence[EvalImage], class_names: Sequence[str],
                     max_false_per_clutter: float) -> float:
    """The lowest threshold (0.01 steps) with at most ``max_false_per_clutter`` false
    detections (all classes) per clutter-only parcel."""
    for t in np.arange(0.05, 0.96, 0.01):
        point = operating_point(images, class_names, float(t))
        if sum(point.false_per_clutter_image.values()) <= max_false_per_clutter:
            return round(float(t), 2)
    return 0.95


def report(images: Sequence[EvalImage], class_names: Sequence[str], threshold: float,
           class_thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    """Everything the model card and the table show, as plain JSON."""
    out: dict[str, Any] = {"subsets": {}}
    for name, subset in subsets(images, SUBSET_TAGS).items():
        score = score_subset(subset, class_names)
        out["subsets"][name] = {
            "images": score.images,
            "map50": round(score.map50, 4),
            "map50_95": round(score.map50_95, 4),
            "ap50": {c: (None if s.ap50 is None else round(s.ap50, 4))
                     for c, s in score.per_class.items()},
            "ap50_95": {c: (None if s.ap50_95 is None else round(s.ap50_95, 4))
                        for c, s in score.per_class.items()},
            "objects": {c: s.truth for c, s in score.per_class.items()},
        }
    point = operating_point(images, class_names, threshold, class_thresholds=class_thresholds)
    out["operating_point"] = {
        "threshold": threshold,
        "class_thresholds": dict(class_thresholds or {}),
        "recall": {c: (None if r is None else round(r, 4)) for c, r in point.recall.items()},
        "false_per_clutter_parcel": {c: round(v, 4)
                                     for c, v in point.false_per_clutter_image.items()},
        "false_per_clutter_parcel_all": round(sum(point.false_per_clutter_image.values()), 4),
        "clutter_parcels": point.clutter_images,
    }
    return out


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def format_table(result: dict[str, Any], class_names: Sequence[str]) -> str:
    """The per-class, per-difficulty table (AP@0.5), the summary and the operating point."""
    names = list(result["subsets"])
    lines = [f"{'class':<18}" + "".join(f"{n:>12}" for n in names)
             + f"{'recall@op':>11}{'false/clutter':>15}"]
    op = result["operating_point"]
    for c in class_names:
        row = f"{c:<18}" + "".join(f"{_fmt(result['subsets'][n]['ap50'][c]):>12}" for n in names)
        row += f"{_fmt(op['recall'][c]):>11}{op['false_per_clutter_parcel'][c]:>15.3f}"
        lines.append(row)
    lines.append(f"{'mAP@0.5':<18}" + "".join(
        f"{result['subsets'][n]['map50']:>12.3f}" for n in names))
    lines.append(f"{'mAP@0.5:0.95':<18}" + "".join(
        f"{result['subsets'][n]['map50_95']:>12.3f}" for n in names))
    lines.append(f"{'parcels':<18}" + "".join(
        f"{result['subsets'][n]['images']:>12d}" for n in names))
    lower = "".join(f", {c} {t:.2f}" for c, t in op.get("class_thresholds", {}).items())
    lines.append(
        f"operating threshold {op['threshold']:.2f}{lower}: "
        f"{op['false_per_clutter_parcel_all']:.3f} false detections per clutter-only parcel "
        f"({op['clutter_parcels']} parcels)"
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m models.train.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True, help="directory with model.onnx + .json")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--split", default="test")
    p.add_argument("--threshold", type=float, default=None,
                   help="operating threshold (default: the model card's)")
    p.add_argument("--write-card", action="store_true",
                   help="choose the threshold on --threshold-split, write metrics to model.json")
    p.add_argument("--threshold-split", default="val")
    p.add_argument("--max-false", type=float, default=0.1,
                   help="false detections per clutter-only parcel allowed at the threshold")
    p.add_argument("--priority", default=",".join(PRIORITY_CLASSES),
                   help="classes whose threshold --write-card lowers within the budget "
                        "(comma-separated; empty: one threshold for all)")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--providers", default="CPUExecutionProvider",
                   help="comma-separated onnxruntime providers")
    p.add_argument("--json", type=Path, default=None, help="also write the result here")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    card, blob = read_verified_model(args.model)
    config = DetectorConfig(providers=args.providers.split(","), warmup_runs=1)
    detector = OnnxDetector(card, blob, config)
    names = card.class_names
    threshold = args.threshold if args.threshold is not None else card.score_threshold
    # An explicit --threshold is one for every class; else the card's own, per class.
    class_thresholds = {} if args.threshold is not None else dict(card.class_score_thresholds)
    if args.write_card:
        val_images, _ = run_detector(
            detector, load_coco_split(args.data, args.threshold_split, names, args.limit))
        threshold = choose_threshold(val_images, names, args.max_false)
        priority = [c for c in args.priority.split(",") if c]
        class_thresholds = choose_class_thresholds(val_images, names, threshold, priority,
                                                   args.max_false)
        print(f"threshold {threshold:.2f} chosen on {args.threshold_split} "
              f"({len(val_images)} parcels); lower for {class_thresholds}", file=sys.stderr)
    images, times_ms = run_detector(detector, load_coco_split(args.data, args.split, names,
                                                               args.limit))
    result = report(images, names, threshold, class_thresholds)
    result["split"] = args.split
    result["ms_per_parcel_median"] = round(float(np.median(times_ms)), 1)
    result["provider"] = detector.provider
    print(f"{card.name} {card.version} on {args.split} ({len(images)} parcels, "
          f"{detector.provider}, median {result['ms_per_parcel_median']} ms per parcel)")
    print(format_table(result, names))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.write_card:
        path = args.model / CARD_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
        data["score_threshold"] = threshold
        data.pop("class_score_thresholds", None)
        if class_thresholds:
            data["class_score_thresholds"] = class_thresholds
        data["metrics"] = {
            "evaluated": datetime.now(UTC).date().isoformat(),
            "data": str(args.data), "split": args.split,
            "threshold_chosen_on": args.threshold_split,
            "max_false_per_clutter_parcel": args.max_false,
            **{k: v for k, v in result.items() if k != "provider"},
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote metrics and threshold {threshold:.2f} to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
