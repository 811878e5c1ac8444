"""DICOS TIP Image module, and the TIP image of one presentation as DICOS files.

Threat Image Projection (TIP) images carry the TIP Image module (DICOS V03
section 14.2.8, as the Stratovan toolkit implements it) so that no reader can
take one for a real scan:

- TIP Image Type (4010,1039) CS, required: ``FTI`` (Fictitious Threat Image,
  an item alone, to be projected) or ``CTI`` (Composite Threat Image: a
  fictional item combined with a real parcel, which is what the station shows);
- TIP Library Name (4010,2041) ST, TIP Library Date (4010,2043) DT and TIP
  Image Identifier (4010,2045) ST, optional: where the item came from.

pydicom's dictionary knows (4010,1039) as ``TIPType`` but not the other three,
so they are written with an explicit VR (as ``tdr.py`` does for other DICOS
tags).

``write_tip_parcel`` writes one presentation as DX high, DX low, DX
presentation (the combined image the inspector saw) and a GROUND TRUTH Threat
Detection Report whose single PTO is the projected item, all four marked CTI.
Its UIDs are derived from (station, scan, "tip", presentation id): they never
meet the real parcel's, and its Study is another one (it is not that scan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

import station_app
from drivers.base import ScannerInfo
from station_app.dicos import dx, tdr, uids
from station_app.dicos.common import (
    DicosError,
    WrittenFile,
    file_stem,
    format_dt,
    now_utc,
    parse_dt,
    save,
    source_from,
)
from station_app.domain import TipImage

TIP_TYPE_TAG = 0x40101039  # TIP Image Type, CS ("TIPType" in pydicom)
TIP_LIBRARY_NAME_TAG = 0x40102041  # ST
TIP_LIBRARY_DATE_TAG = 0x40102043  # DT
TIP_IMAGE_IDENTIFIER_TAG = 0x40102045  # ST

FICTITIOUS_THREAT_IMAGE = "FTI"
COMPOSITE_THREAT_IMAGE = "CTI"
TIP_TYPES = (FICTITIOUS_THREAT_IMAGE, COMPOSITE_THREAT_IMAGE)
# TDR Type of a report that states what is known to be there (a DICOS defined
# term; the toolkit spells it with a space, V02's "TRUTH" became this in V03).
GROUND_TRUTH = "GROUND TRUTH"
ALGORITHM = ("station_app TIP projection", station_app.__version__)
_ST_MAX_CHARS = 1024


@dataclass(frozen=True)
class TipMarking:
    """The TIP Image module of one object: what kind of TIP image, from which item."""

    tip_type: str  # FTI or CTI
    library_name: str = ""  # "": not written
    library_date: datetime | None = None  # UTC
    image_identifier: str = ""  # the library's item id; "": not written

    def __post_init__(self) -> None:
        if self.tip_type not in TIP_TYPES:
            raise DicosError(f"TIP Image Type {self.tip_type!r} is neither FTI nor CTI")
        for name, value in (("library name", self.library_name),
                            ("image identifier", self.image_identifier)):
            if len(value) > _ST_MAX_CHARS:
                raise DicosError(f"TIP {name} longer than {_ST_MAX_CHARS} characters")


def add_tip_module(ds: Dataset, marking: TipMarking) -> None:
    """Mark ``ds`` as a TIP image (replacing any TIP Image module it had)."""
    ds.add(DataElement(TIP_TYPE_TAG, "CS", marking.tip_type))
    for tag in (TIP_LIBRARY_NAME_TAG, TIP_LIBRARY_DATE_TAG, TIP_IMAGE_IDENTIFIER_TAG):
        if tag in ds:
            del ds[tag]
    if marking.library_name:
        ds.add(DataElement(TIP_LIBRARY_NAME_TAG, "ST", marking.library_name))
    if marking.library_date is not None:
        ds.add(DataElement(TIP_LIBRARY_DATE_TAG, "DT",
                           format_dt(marking.library_date.astimezone(UTC))))
    if marking.image_identifier:
        ds.add(DataElement(TIP_IMAGE_IDENTIFIER_TAG, "ST", marking.image_identifier))


def _text(ds: Dataset, tag: int) -> str:
    element = ds.get(tag)
    if element is None or element.value is None:
        return ""
    value = element.value
    if isinstance(value, bytes):  # read without a dictionary entry and with implicit VR
        value = value.decode("utf-8", errors="replace")
    return str(value).strip(" \x00")


def tip_marking_of(ds: Dataset) -> TipMarking | None:
    """The TIP Image module of ``ds``; None for a real scan (no TIP Image Type).

    A TIP Image Type that is present but neither FTI nor CTI raises
    ``DicosError``: such a file is not a real scan either, and must not pass as one.
    """
    if TIP_TYPE_TAG not in ds:
        return None
    date_text = _text(ds, TIP_LIBRARY_DATE_TAG)
    library_date = parse_dt(date_text)
    if date_text and library_date is None:
        raise DicosError(f"TIP Library Date {date_text!r} is not a DICOS date-time")
    return TipMarking(
        tip_type=_text(ds, TIP_TYPE_TAG),
        library_name=_text(ds, TIP_LIBRARY_NAME_TAG),
        library_date=None if library_date is None else library_date.replace(tzinfo=UTC),
        image_identifier=_text(ds, TIP_IMAGE_IDENTIFIER_TAG),
    )


@dataclass(frozen=True)
class TipDicosFiles:
    """The four files of one TIP presentation (all marked as TIP)."""

    study_uid: str
    dx_high: WrittenFile
    dx_low: WrittenFile
    dx_presentation: WrittenFile
    tdr_ground_truth: WrittenFile

    @property
    def all(self) -> tuple[WrittenFile, ...]:
        return (self.dx_high, self.dx_low, self.dx_presentation, self.tdr_ground_truth)


def tip_file_stem(scan_id: str, presentation_id: int) -> str:
    """``<scan>_tip<presentation id>``: beside a real parcel's files it cannot be taken
    for one of them."""
    return f"{file_stem(scan_id)}_tip{presentation_id}"


def write_tip_parcel(
    tip: TipImage,
    rendered_rgba: NDArray[np.uint8],
    directory: Path | str,
    *,
    library_name: str,
    library_date: datetime | None,
    station_id: str,
    scanner: ScannerInfo | None = None,
    carrier: str | None = None,
    route_id: str | None = None,
    institution: str = "",
    acquired_at: datetime | None = None,
) -> TipDicosFiles:
    """Write the TIP image ``tip.parcel`` (the real parcel with the item projected
    into it) and the ground truth of the item into ``directory``.

    Files: ``<scan>_tip<id>_dx_high.dcs``, ``_dx_low.dcs``, ``_dx_display.dcs`` and
    ``_tdr_ground_truth.dcs``; every one carries the TIP Image module (CTI).
    """
    marking = TipMarking(COMPOSITE_THREAT_IMAGE, library_name, library_date, tip.item_id)
    raw = tip.parcel.raw
    directory = Path(directory)
    src = source_from(station_id, scanner, carrier=carrier, route_id=route_id,
                      institution=institution, acquired_at=acquired_at, calibrated_at=None)
    when = src.acquired_at or now_utc()
    stem = tip_file_stem(raw.scan_id, tip.presentation_id)
    key = (station_id, raw.scan_id, "tip", str(tip.presentation_id))

    def mark(ds: Dataset) -> None:
        add_tip_module(ds, marking)

    images = dx.write_dx_files(raw, rendered_rgba, directory, stem=stem, uid_key=key,
                               source=src, when=when, module=mark)
    item = tdr.Pto(
        pto_id=1, box=tip.box, category=tdr.threat_category(tip.category),
        description=f"TIP item {tip.item_id} ({tip.category})", flag="THREAT", probability=1.0,
    )
    truth = tdr.tdr_dataset(
        tdr_type=GROUND_TRUTH, sop_uid=uids.derived_uid(*key, "tdr", "ground truth"),
        study_uid=images.study_uid, series_uid=uids.derived_uid(*key, "series", "tdr"),
        frame_of_reference_uid=images.frame_of_reference_uid, scan_id=raw.scan_id,
        tracking_id=raw.tracking_id, source=src, when=when, ptos=[item],
        referenced=images.referenced, alarm_decision="ALARM", processing_ms=0.0,
        algorithm=ALGORITHM,
    )
    mark(truth)
    written = save(truth, directory / f"{stem}_tdr_ground_truth.dcs")
    return TipDicosFiles(images.study_uid, images.high, images.low, images.display, written)
