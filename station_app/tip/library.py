"""The TIP library: fictional threat items as dual-energy transmission maps.

Each item is what the scanner would see of the item alone on an empty belt:
the noise-free attenuation A = -ln(I / I0) in both energy channels, rendered
by the physics simulator with the scanner's spectra (``station_app.tip.build``).
Projection multiplies a live parcel's signal by exp(-A), which is how
attenuation combines physically (Beer-Lambert: exp(-a - b) = exp(-a) exp(-b)).
Attenuation, not transmission, is what is stored and resampled: it is linear
in the material's thickness, and float16 keeps it to 0.1 % where transmission
of a steel part (1e-9) would underflow.

On disk a library is a directory::

    index.json          {"format": "station_app.tip_library/1", "pitch_mm": 1.0,
                         "spectrum": "...", "name": "...", "created": ISO 8601,
                         "items": [{"item_id", "category", "file", "sha256",
                         "shape", ...}]}
    <item_id>.npz       attenuation_high, attenuation_low: float16 (h, w), >= 0

Every file is checked against its sha256 before use; a damaged or unknown
file is refused with a message naming it, never projected. ``name`` and
``created`` (optional; the directory's name and no date when absent) say which
library a TIP image came from (DICOS TIP Library Name / Date, ``dicos.tip``).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

FORMAT: Final = "station_app.tip_library/1"
INDEX_FILE: Final = "index.json"
# Below this attenuation a pixel is not part of the item (blur tails, float16 steps).
ITEM_EDGE_ATTENUATION: Final = 0.005
MAX_ATTENUATION: Final = 30.0  # far beyond any scanner's dynamic range
_MAX_ITEM_PIXELS: Final = 4096  # an item map larger than this per side is refused
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

Float32Map = NDArray[np.float32]


class TipLibraryError(Exception):
    """A TIP library that cannot be used, with the reason and the file."""


@dataclass(frozen=True)
class TipItem:
    """One fictional threat: attenuation maps (-ln transmission), 0 outside the item.

    Maps are (rows along the belt, columns across it) with square pixels of
    ``pitch_mm``; projection resamples them to the scanner's pitches.
    """

    item_id: str
    category: str  # a detector class name, e.g. "handgun"
    variant: str
    pitch_mm: float
    attenuation_high: Float32Map = field(repr=False)
    attenuation_low: Float32Map = field(repr=False)

    def __post_init__(self) -> None:
        high, low = self.attenuation_high, self.attenuation_low
        if high.shape != low.shape or high.ndim != 2:
            raise TipLibraryError(f"TIP item {self.item_id}: the two maps differ in shape")
        if not (0 < high.shape[0] <= _MAX_ITEM_PIXELS and 0 < high.shape[1] <= _MAX_ITEM_PIXELS):
            raise TipLibraryError(f"TIP item {self.item_id}: map shape {high.shape} out of range")
        for name, t in (("high", high), ("low", low)):
            if not np.isfinite(t).all() or t.min() < 0 or t.max() > MAX_ATTENUATION:
                raise TipLibraryError(
                    f"TIP item {self.item_id}: {name}-energy attenuation outside "
                    f"[0, {MAX_ATTENUATION:g}]"
                )
        if self.pitch_mm <= 0:
            raise TipLibraryError(f"TIP item {self.item_id}: pitch must be positive")

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.attenuation_high.shape
        return int(rows), int(cols)

    @property
    def footprint(self) -> NDArray[np.bool_]:
        """Where the item attenuates (either channel)."""
        edge = np.float32(ITEM_EDGE_ATTENUATION)
        mask: NDArray[np.bool_] = (self.attenuation_low > edge) | (self.attenuation_high > edge)
        return mask

    @property
    def length_mm(self) -> float:
        """The longer side of the item's footprint box."""
        rows, cols = np.nonzero(self.footprint)
        if rows.size == 0:
            return 0.0
        extent = max(int(rows.max() - rows.min()) + 1, int(cols.max() - cols.min()) + 1)
        return extent * self.pitch_mm


@dataclass(frozen=True)
class TipLibrary:
    """The items of one library directory, all at one pitch and spectrum."""

    root: Path
    pitch_mm: float
    spectrum: str  # how the maps were rendered (tube kV, filter, detector), for the record
    items: tuple[TipItem, ...]
    name: str = ""  # index "name", else the directory's name
    created_at: datetime | None = None  # index "created" (UTC); None when not recorded

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({item.category for item in self.items}))

    def select(
        self,
        categories: Iterable[str],
        *,
        min_length_mm: float = 0.0,
        max_length_mm: float = float("inf"),
    ) -> tuple[TipItem, ...]:
        """The items a TIP rule allows: in one of ``categories`` and inside the size range."""
        wanted = set(categories)
        return tuple(
            item
            for item in self.items
            if item.category in wanted and min_length_mm <= item.length_mm <= max_length_mm
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _item_bytes(item: TipItem) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        attenuation_high=item.attenuation_high.astype(np.float16),
        attenuation_low=item.attenuation_low.astype(np.float16),
    )
    return buffer.getvalue()


def save_library(
    root: Path,
    items: Sequence[TipItem],
    *,
    pitch_mm: float,
    spectrum: str,
    name: str | None = None,
    created_at: datetime | None = None,
) -> TipLibrary:
    """Write ``items`` as a library directory (replacing its index last, atomically).

    ``name`` defaults to the directory's name, ``created_at`` to now.
    """
    library_name = name or root.name
    created = (created_at or datetime.now(UTC)).astimezone(UTC)
    root.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    for item in items:
        if not _SAFE_ID.fullmatch(item.item_id):
            raise TipLibraryError(f"TIP item id {item.item_id!r} cannot be a file name")
        if abs(item.pitch_mm - pitch_mm) > 1e-9:
            raise TipLibraryError(f"TIP item {item.item_id} is not at the library pitch")
        data = _item_bytes(item)
        file_name = f"{item.item_id}.npz"
        (root / file_name).write_bytes(data)
        entries.append(
            {
                "item_id": item.item_id,
                "category": item.category,
                "variant": item.variant,
                "file": file_name,
                "sha256": _sha256(data),
                "shape": list(item.shape),
            }
        )
    index = {
        "format": FORMAT,
        "pitch_mm": pitch_mm,
        "spectrum": spectrum,
        "name": library_name,
        "created": created.isoformat(),
        "items": entries,
    }
    tmp = root / f".{INDEX_FILE}.tmp"
    tmp.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / INDEX_FILE)
    return load_library(root)


def _read_index(root: Path) -> dict[str, Any]:
    path = root / INDEX_FILE
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TipLibraryError(f"no TIP library in {root} ({INDEX_FILE} missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TipLibraryError(f"TIP library index {path} cannot be read: {exc}") from exc
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise TipLibraryError(f"{path} is not a TIP library index ({FORMAT})")
    if not isinstance(index.get("items"), list):
        raise TipLibraryError(f"{path} lists no items")
    return index


def _load_item(root: Path, entry: Any, pitch_mm: float) -> TipItem:
    if not isinstance(entry, dict):
        raise TipLibraryError(f"TIP library {root}: an index entry is not an object")
    item_id = str(entry.get("item_id", ""))
    if not _SAFE_ID.fullmatch(item_id) or entry.get("file") != f"{item_id}.npz":
        raise TipLibraryError(f"TIP library {root}: bad item entry {item_id!r}")
    path = root / f"{item_id}.npz"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TipLibraryError(f"TIP item file {path} cannot be read: {exc.strerror}") from exc
    if _sha256(data) != str(entry.get("sha256", "")).lower():
        raise TipLibraryError(f"TIP item file {path} is damaged (sha256 does not match the index)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            high = np.asarray(npz["attenuation_high"], dtype=np.float32)
            low = np.asarray(npz["attenuation_low"], dtype=np.float32)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise TipLibraryError(f"TIP item file {path} cannot be decoded: {exc}") from exc
    return TipItem(
        item_id=item_id,
        category=str(entry.get("category", "")),
        variant=str(entry.get("variant", "")),
        pitch_mm=pitch_mm,
        attenuation_high=high,
        attenuation_low=low,
    )


def load_library(root: Path) -> TipLibrary:
    """Read and check a library directory; raises ``TipLibraryError`` naming the bad file."""
    root = Path(root)
    index = _read_index(root)
    try:
        pitch_mm = float(index["pitch_mm"])
    except (KeyError, TypeError, ValueError):
        raise TipLibraryError(f"TIP library {root}: index has no valid pitch_mm") from None
    if pitch_mm <= 0:
        raise TipLibraryError(f"TIP library {root}: pitch_mm must be positive")
    items = tuple(_load_item(root, entry, pitch_mm) for entry in index["items"])
    if not items:
        raise TipLibraryError(f"TIP library {root} holds no items")
    return TipLibrary(
        root,
        pitch_mm,
        str(index.get("spectrum", "")),
        items,
        name=str(index.get("name") or root.name),
        created_at=_created_at(root, index.get("created")),
    )


def _created_at(root: Path, value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        created = datetime.fromisoformat(str(value))
    except ValueError:
        raise TipLibraryError(
            f"TIP library {root / INDEX_FILE}: created {value!r} is not an ISO 8601 date-time"
        ) from None
    # A date without a zone is taken as UTC, as the station writes it.
    return created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)


def shipped_library_dir() -> Path:
    """The library that ships with the station (``resources/tip``)."""
    return Path(str(importlib.resources.files("resources") / "tip"))
