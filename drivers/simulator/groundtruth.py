"""Parcel identities and the ground-truth records written beside simulated scans.

Ground truth is for evaluating and training the station's detector; the station
itself never reads it. One JSON file per parcel, named by its tracking id.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from drivers.simulator.model import ItemTruth

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
S10_SERVICE_LETTERS = ("C", "E", "L", "R", "U", "V")  # parcel, EMS, letter-post, registered …
S10_COUNTRIES = ("KR", "CN", "US", "JP", "DE", "GB", "FR", "VN")
GROUND_TRUTH_VERSION = 1


def s10_check_digit(serial_digits: str) -> int:
    """UPU S10 check digit of the 8-digit serial number."""
    if len(serial_digits) != 8 or not serial_digits.isdigit():
        raise ValueError(f"S10 serial must be 8 digits, got {serial_digits!r}")
    check = 11 - sum(int(d) * w for d, w in zip(serial_digits, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_tracking_id(rng: np.random.Generator, countries: tuple[str, ...] = S10_COUNTRIES) -> str:
    """A random valid S10 item id, e.g. ``CP123456785KR``."""
    service = str(rng.choice(S10_SERVICE_LETTERS)) + chr(ord("A") + int(rng.integers(0, 26)))
    digits = "".join(str(d) for d in rng.integers(0, 10, size=8))
    return f"{service}{digits}{s10_check_digit(digits)}{rng.choice(countries)}"


def is_valid_s10(tracking_id: str) -> bool:
    if len(tracking_id) != 13:
        return False
    prefix, digits, check, country = (
        tracking_id[:2], tracking_id[2:10], tracking_id[10], tracking_id[11:]
    )
    return (
        prefix.isalpha() and prefix.isupper() and country.isalpha() and country.isupper()
        and digits.isdigit() and check.isdigit() and s10_check_digit(digits) == int(check)
    )


@dataclass(frozen=True)
class ParcelGroundTruth:
    """Where a parcel is in the line stream and what it contains.

    Item boxes are (line0, px0, line1, px1) with lines counted from
    ``first_line_index`` and pixels across the whole detector.
    """

    tracking_id: str
    first_line_index: int
    line_count: int
    offset_px: int
    width_px: int
    difficulty: str
    items: tuple[ItemTruth, ...]

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["version"] = GROUND_TRUTH_VERSION
        record["items"] = [asdict(item) for item in self.items]
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> ParcelGroundTruth:
        items = tuple(
            ItemTruth(
                class_name=str(i["class_name"]),
                variant=str(i["variant"]),
                is_threat_class=bool(i["is_threat_class"]),
                box=(int(i["box"][0]), int(i["box"][1]), int(i["box"][2]), int(i["box"][3])),
                mask_rle=tuple(int(r) for r in i["mask_rle"]),
                materials=tuple(str(m) for m in i["materials"]),
                angle_deg=float(i["angle_deg"]),
            )
            for i in record["items"]
        )
        return cls(
            tracking_id=str(record["tracking_id"]),
            first_line_index=int(record["first_line_index"]),
            line_count=int(record["line_count"]),
            offset_px=int(record["offset_px"]),
            width_px=int(record["width_px"]),
            difficulty=str(record["difficulty"]),
            items=items,
        )


def ground_truth_path(directory: Path, tracking_id: str) -> Path:
    return directory / f"{tracking_id}.json"


def write_ground_truth(directory: Path, truth: ParcelGroundTruth) -> Path:
    """Writes ``<tracking id>.json`` atomically (readers never see half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = ground_truth_path(directory, truth.tracking_id)
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(truth.to_json(), separators=(",", ":")), encoding="utf-8")
    partial.replace(path)
    return path


def read_ground_truth(path: Path) -> ParcelGroundTruth:
    return ParcelGroundTruth.from_json(json.loads(path.read_text(encoding="utf-8")))
