"""``model.json``: what a detector model is, what it expects, and proof it is the same file.

A model directory holds ``model.onnx`` and ``model.json``. The station loads a
model only when the file's sha256 matches the card and the graph's inputs and
outputs match the card's contract; anything else is refused with a message that
says which of the two failed (a damaged or swapped file, or a model built for
another input).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station_app.detection.model_input import InputContract, ModelInputError
from station_app.errors import StationError

CARD_FILE = "model.json"
MODEL_FILE = "model.onnx"
CARD_FORMAT = 1


class ModelRejectedError(StationError):
    """The detector model cannot be used; the message says why."""


@dataclass(frozen=True)
class ModelClass:
    name: str
    en: str
    ko: str

    def label(self, language: str) -> str:
        return self.ko if language == "ko" else self.en


@dataclass(frozen=True)
class ModelCard:
    name: str
    version: str
    created: str
    classes: tuple[ModelClass, ...]
    input: InputContract
    input_name: str
    output_names: tuple[str, str]  # scores, boxes
    sha256: str
    score_threshold: float  # the shipped operating point
    tile_overlap_px: int  # model pixels; at least the largest item
    max_item_mm: float
    output_stride: int = 4  # input pixels per output cell
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    # Classes whose operating point differs from ``score_threshold``: the costly misses
    # (handgun, knife) run lower where that finds more within the clutter budget
    # (models.train.evaluate).
    class_score_thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.classes)

    def thresholds(self) -> dict[str, float]:
        """The operating threshold of every class."""
        return {n: self.class_score_thresholds.get(n, self.score_threshold)
                for n in self.class_names}

    def label(self, class_name: str, language: str) -> str:
        """The user's name for a class (the identifier itself if the model lacks it)."""
        for c in self.classes:
            if c.name == class_name:
                return c.label(language)
        return class_name

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CARD_FORMAT,
            "name": self.name,
            "version": self.version,
            "created": self.created,
            "file": MODEL_FILE,
            "sha256": self.sha256,
            "classes": [{"name": c.name, "en": c.en, "ko": c.ko} for c in self.classes],
            "input": {"name": self.input_name, **self.input.to_json()},
            "outputs": {
                "names": list(self.output_names),
                "stride": self.output_stride,
                "scores": "(1, classes, H/stride, W/stride) sigmoid, zero except at 3x3 "
                          "local maxima",
                "boxes": "(1, 4, H/stride, W/stride) x0 y0 x1 y1 in input pixels",
            },
            "score_threshold": self.score_threshold,
            **({"class_score_thresholds": dict(self.class_score_thresholds)}
               if self.class_score_thresholds else {}),
            "tile_overlap_px": self.tile_overlap_px,
            "max_item_mm": self.max_item_mm,
            "metrics": self.metrics,
            "training": self.training,
        }


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ModelRejectedError(f"{CARD_FILE}: '{key}' is missing or not a {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def parse_card(data: Any) -> ModelCard:
    if not isinstance(data, dict):
        raise ModelRejectedError(f"{CARD_FILE}: expected a JSON object")
    fmt = data.get("format")
    if isinstance(fmt, bool) or fmt != CARD_FORMAT:
        raise ModelRejectedError(f"{CARD_FILE}: format {data.get('format')!r} is not {CARD_FORMAT}")
    classes: list[ModelClass] = []
    for i, entry in enumerate(_get(data, "classes", list)):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) and entry[k] for k in ("name", "en", "ko")
        ):
            raise ModelRejectedError(f"{CARD_FILE}: classes[{i}] needs name, en and ko")
        classes.append(ModelClass(entry["name"], entry["en"], entry["ko"]))
    if not classes or len({c.name for c in classes}) != len(classes):
        raise ModelRejectedError(f"{CARD_FILE}: classes must be a non-empty list of distinct names")
    input_data = _get(data, "input", dict)
    try:
        contract = InputContract.from_json(input_data)
    except ModelInputError as exc:
        raise ModelRejectedError(f"{CARD_FILE}: {exc}") from exc
    outputs = _get(data, "outputs", dict)
    names = outputs.get("names")
    if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise ModelRejectedError(
            f"{CARD_FILE}: outputs.names must list the scores and boxes outputs")
    stride = outputs.get("stride")
    if not isinstance(stride, int) or isinstance(stride, bool) or stride < 1 or (
        contract.height_px % stride or contract.width_px % stride
    ):
        raise ModelRejectedError(
            f"{CARD_FILE}: outputs.stride must be a whole divisor of the input")
    sha = _get(data, "sha256", str).lower()
    if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
        raise ModelRejectedError(f"{CARD_FILE}: sha256 is not 64 hex digits")
    threshold = float(_get(data, "score_threshold", (int, float)))
    if not 0.0 < threshold < 1.0:
        raise ModelRejectedError(f"{CARD_FILE}: score_threshold {threshold} is not in (0, 1)")
    per_class = data.get("class_score_thresholds") or {}
    known = {c.name for c in classes}
    if not isinstance(per_class, dict) or not all(
        name in known and isinstance(t, int | float) and not isinstance(t, bool) and 0.0 < t < 1.0
        for name, t in per_class.items()
    ):
        raise ModelRejectedError(
            f"{CARD_FILE}: class_score_thresholds must map the model's classes to values in "
            f"(0, 1), got {per_class!r}")
    overlap = int(_get(data, "tile_overlap_px", int))
    if not 0 <= overlap < min(contract.height_px, contract.width_px):
        raise ModelRejectedError(f"{CARD_FILE}: tile_overlap_px {overlap} does not fit the input")
    return ModelCard(
        name=_get(data, "name", str),
        version=_get(data, "version", str),
        created=_get(data, "created", str),
        classes=tuple(classes),
        input=contract,
        input_name=str(input_data.get("name", "channels")),
        output_names=(names[0], names[1]),
        sha256=sha,
        score_threshold=threshold,
        tile_overlap_px=overlap,
        max_item_mm=float(_get(data, "max_item_mm", (int, float))),
        output_stride=stride,
        metrics=dict(data.get("metrics") or {}),
        training=dict(data.get("training") or {}),
        class_score_thresholds={str(n): float(t) for n, t in per_class.items()},
    )


def read_card(model_dir: Path) -> ModelCard:
    path = model_dir / CARD_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelRejectedError(f"detector model: {path} not found") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelRejectedError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    return parse_card(data)


def read_verified_model(model_dir: Path) -> tuple[ModelCard, bytes]:
    """The card and the ONNX bytes, after checking the bytes against the card's sha256."""
    card = read_card(model_dir)
    path = model_dir / MODEL_FILE
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise ModelRejectedError(f"detector model: {path} not found") from None
    actual = hashlib.sha256(blob).hexdigest()
    if actual != card.sha256:
        raise ModelRejectedError(
            f"detector model {path}: sha256 {actual[:12]}… does not match {CARD_FILE} "
            f"({card.sha256[:12]}…); the file is damaged or was replaced — reinstall the model"
        )
    return card, blob
