"""Inspectors' marks: the one codec between ``BoxPx`` marks and their stored/sent form.

A mark is a box the inspector drew on the parcel image, in parcel pixels
(``domain.BoxPx``, half-open). Marks travel as a JSON list of
``[line0, px0, line1, px1]`` lists, in the order drawn: the same shape as the
detections' boxes in "scan.decided"'s sibling "scan.processed". The database
keeps that JSON text (``decisions.marks``, ``tip_presentations.marks``, NULL when
nothing was marked), the outbox payload the list itself.

Everything that stores, loads or receives marks goes through ``check_marks``, so a
malformed list (not four integers, negative, empty or inverted, too many) is
refused with one clear message wherever it comes from, and nothing half-valid is
kept. Parcel size is not known here: a mark beyond the image is the GUI's to
prevent; here it would only fail to overlap anything.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from station_app.domain import BoxPx
from station_app.errors import StationError

MAX_MARKS = 20  # an inspector points at a few things; more is a runaway tool, not a finding
MAX_COORDINATE_PX = 1_000_000  # far beyond any parcel (lines of 1 mm: a kilometre)


class MarksError(StationError, ValueError):
    """Marks that cannot be stored or sent (the message says which and why).

    A ``ValueError`` too, so pydantic models that check marks report it as a
    validation problem."""


def _box(index: int, value: Any) -> BoxPx:
    where = f"mark {index + 1}"
    if isinstance(value, BoxPx):
        coords: Sequence[Any] = (value.line0, value.px0, value.line1, value.px1)
    elif isinstance(value, list | tuple):
        coords = value
    else:
        raise MarksError(f"{where}: expected [line0, px0, line1, px1], got {value!r}")
    # numpy integers are integers; bools and floats (1.5 px?) are not coordinates.
    if len(coords) != 4 or not all(
        isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in coords
    ):
        raise MarksError(f"{where}: expected four integers [line0, px0, line1, px1], got "
                         f"{list(coords)!r}")
    coords = [int(c) for c in coords]
    line0, px0, line1, px1 = coords
    if min(coords) < 0 or max(coords) > MAX_COORDINATE_PX:
        raise MarksError(f"{where}: coordinates must lie in 0..{MAX_COORDINATE_PX}, got "
                         f"{list(coords)!r}")
    if line1 <= line0 or px1 <= px0:
        raise MarksError(f"{where}: empty or inverted box {list(coords)!r} (needs line0 < line1 "
                         "and px0 < px1)")
    return BoxPx(line0, px0, line1, px1)


def check_marks(marks: Iterable[Any]) -> tuple[BoxPx, ...]:
    """The marks as ``BoxPx``, in order; ``MarksError`` for anything malformed.

    Accepts ``BoxPx`` or ``[line0, px0, line1, px1]`` items (booleans and floats are
    not coordinates)."""
    if isinstance(marks, str | bytes | dict):
        raise MarksError(f"marks must be a list of boxes, got {type(marks).__name__}")
    items = list(marks)
    if len(items) > MAX_MARKS:
        raise MarksError(f"{len(items)} marks: at most {MAX_MARKS} are kept per decision")
    return tuple(_box(i, item) for i, item in enumerate(items))


def marks_to_list(marks: Iterable[BoxPx]) -> list[list[int]]:
    """The wire form (JSON-ready), after checking."""
    return [[b.line0, b.px0, b.line1, b.px1] for b in check_marks(marks)]


def marks_to_text(marks: Iterable[BoxPx]) -> str | None:
    """The stored form: JSON text, or None when nothing was marked."""
    listed = marks_to_list(marks)
    return json.dumps(listed, separators=(",", ":")) if listed else None


def marks_from_text(text: str | None) -> tuple[BoxPx, ...]:
    """Marks from their stored form (None or "" → no marks); ``MarksError`` if damaged."""
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise MarksError(f"stored marks are not JSON: {exc}") from exc
    if not isinstance(value, list):
        raise MarksError(f"stored marks are not a list: {text[:80]!r}")
    return check_marks(value)
