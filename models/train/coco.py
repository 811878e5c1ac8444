"""Reading a dataset split written by ``models.train.dataset`` (COCO + channel files)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from station_app.detection.decode import Boxes


@dataclass(frozen=True)
class LabelledParcel:
    """One labelled parcel: channels (lines, pixels, 3) and truth boxes in parcel pixels."""

    name: str
    channels: NDArray[np.floating[Any]]
    line_pitch_mm: float
    pixel_pitch_mm: float
    truth: Boxes
    difficulty: str


def load_coco_split(root: Path, split: str, class_names: Sequence[str],
                    limit: int | None = None) -> Iterable[LabelledParcel]:
    """Parcels of a dataset split, one at a time (full-resolution channels are large)."""
    coco: dict[str, Any] = json.loads(
        (root / "annotations" / f"instances_{split}.json").read_text(encoding="utf-8")
    )
    index = {name: i for i, name in enumerate(class_names)}
    category = {int(c["id"]): index[c["name"]] for c in coco["categories"]}
    anns: dict[int, list[dict[str, Any]]] = {}
    for a in coco["annotations"]:
        anns.setdefault(int(a["image_id"]), []).append(a)
    for image in coco["images"][:limit]:
        own = anns.get(int(image["id"]), [])
        xyxy = np.asarray([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2],
                            a["bbox"][1] + a["bbox"][3]] for a in own], np.float32).reshape(-1, 4)
        yield LabelledParcel(
            name=Path(image["file_name"]).stem,
            channels=np.load(root / "images" / image["file_name"]),
            line_pitch_mm=float(image.get("line_pitch_mm", 1.0)),
            pixel_pitch_mm=float(image.get("pixel_pitch_mm", 1.0)),
            truth=Boxes(xyxy, np.ones(len(own), np.float32),
                        np.asarray([category[int(a["category_id"])] for a in own], np.int64)),
            difficulty=str(image.get("difficulty", "")),
        )
