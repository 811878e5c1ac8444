"""The detector's classes: fixed order, category ids, English and Korean display names.

The order is the contract between datasets, trained weights and the station:
COCO ``category_id`` is ``index + 1`` (COCO reserves 0), the YOLO class number
is ``index``. The names and their order live in ``classes.json`` beside this
module; new classes are appended, never inserted or reordered, so old weights
keep their meaning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LABEL_FILE = "classes.json"


class LabelError(ValueError):
    """The label file is malformed or a class name is unknown."""


@dataclass(frozen=True)
class DetectorClass:
    index: int  # YOLO class number
    name: str  # identifier, as the simulator's ItemTruth.class_name
    en: str
    ko: str

    @property
    def category_id(self) -> int:
        """COCO category id (1-based)."""
        return self.index + 1


def parse_label_file(data: Any) -> tuple[DetectorClass, ...]:
    """Validate the decoded JSON of a label file; raise :class:`LabelError` with the reason."""
    if not isinstance(data, dict) or not isinstance(data.get("classes"), list):
        raise LabelError("label file: expected an object with a 'classes' list")
    out: list[DetectorClass] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["classes"]):
        if not isinstance(entry, dict):
            raise LabelError(f"label file: classes[{i}] is not an object")
        values = {key: entry.get(key) for key in ("name", "en", "ko")}
        missing = [k for k, v in values.items() if not isinstance(v, str) or not v.strip()]
        if missing:
            raise LabelError(f"label file: classes[{i}] lacks {', '.join(missing)}")
        name = str(values["name"])
        if name in seen:
            raise LabelError(f"label file: class {name!r} listed twice")
        seen.add(name)
        out.append(DetectorClass(i, name, str(values["en"]), str(values["ko"])))
    if not out:
        raise LabelError("label file: no classes")
    return tuple(out)


@cache
def detector_classes() -> tuple[DetectorClass, ...]:
    """The packaged classes, in category order."""
    text = resources.files("models.train").joinpath(LABEL_FILE).read_text(encoding="utf-8")
    return parse_label_file(json.loads(text))


def class_names() -> tuple[str, ...]:
    return tuple(c.name for c in detector_classes())


def class_by_name(name: str) -> DetectorClass:
    for c in detector_classes():
        if c.name == name:
            return c
    raise LabelError(f"unknown detector class {name!r}; known: {', '.join(class_names())}")


def coco_categories() -> list[dict[str, Any]]:
    """The ``categories`` list of a COCO file (names in English and Korean as extra keys)."""
    return [
        {"id": c.category_id, "name": c.name, "supercategory": "item",
         "name_en": c.en, "name_ko": c.ko}
        for c in detector_classes()
    ]


def label_file_text() -> str:
    """The packaged label file, verbatim (copied into every dataset)."""
    return resources.files("models.train").joinpath(LABEL_FILE).read_text(encoding="utf-8")
