"""Find the playable parcels of a directory of DICOS DX For Processing files.

Drivers may not import ``station_app``, so this reads the files with pydicom
directly. A parcel is the pair of DX For Processing instances of one series
whose Image Type value 2 is "HIGH ENERGY" and "LOW ENERGY" (how the station's
DICOS export, and DICOS generally, stores a dual-energy scan).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydicom import dcmread
from pydicom.dataset import Dataset

from drivers.base import DriverError

log = logging.getLogger(__name__)

DX_FOR_PROCESSING = "1.2.840.10008.5.1.4.1.1.501.2.2"
HIGH, LOW = "HIGH ENERGY", "LOW ENERGY"
# TIP Image Type (4010,1039) of the DICOS TIP Image module: present only on threat
# image projection images (a fictional item, alone or in a real parcel). Such an
# image must never come back as a scan of a real parcel.
TIP_TYPE_TAG = 0x40101039


class ReplayFileError(DriverError):
    """One file (or pair) could not be played; the driver skips it and counts it."""


@dataclass(frozen=True)
class ReplayParcel:
    high_path: Path
    low_path: Path
    series_uid: str
    scan_id: str
    tracking_id: str | None
    acquired: str  # Acquisition DateTime as written (sorts chronologically), "" if absent
    rows: int
    columns: int
    line_pitch_mm: float
    pixel_pitch_mm: float
    tube_kv: float
    tube_ma: float
    belt_speed_mm_s: float
    manufacturer: str
    model: str
    serial: str
    software: str

    @property
    def sort_key(self) -> tuple[int, str, str]:
        # Files with an acquisition time first, in time order; the rest by name.
        return (0 if self.acquired else 1, self.acquired, self.high_path.name)


@dataclass
class Catalog:
    parcels: list[ReplayParcel] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)  # "path: reason" of every skipped file


def _float(ds: Dataset, keyword: str) -> float:
    try:
        return float(ds.get(keyword) or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _header(path: Path) -> Dataset | None:
    """The file's header, or None when it is DICOM but not DX For Processing."""
    try:
        ds = dcmread(path, stop_before_pixels=True)
    except Exception as exc:  # pydicom raises many types on junk; all mean "not playable"
        raise ReplayFileError(f"{path}: not a readable DICOM file ({exc})") from exc
    if str(ds.get("SOPClassUID", "")) != DX_FOR_PROCESSING:
        return None  # a TDR or display image of the same export: not an error
    if TIP_TYPE_TAG in ds:
        tip_type = ds[TIP_TYPE_TAG].value
        raise ReplayFileError(f"{path}: is a TIP image (TIP Image Type {tip_type}), not a scan")
    return ds


def _energy(ds: Dataset) -> str:
    image_type = list(ds.get("ImageType", []))
    return str(image_type[1]) if len(image_type) > 1 else ""


def _parcel(high: tuple[Path, Dataset], low: tuple[Path, Dataset]) -> ReplayParcel:
    (hp, h), (lp, lo) = high, low
    try:
        spacing = [float(v) for v in h.ImagerPixelSpacing]
        shape_h, shape_l = (int(h.Rows), int(h.Columns)), (int(lo.Rows), int(lo.Columns))
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        raise ReplayFileError(f"{hp}: no image geometry ({exc})") from exc
    if shape_h != shape_l:
        raise ReplayFileError(f"{hp}: high {shape_h} and low {shape_l} images differ in size")
    if int(h.get("BitsAllocated", 0)) != 16 or int(h.get("SamplesPerPixel", 1)) != 1:
        raise ReplayFileError(f"{hp}: not 16-bit single-channel counts")
    return ReplayParcel(
        high_path=hp, low_path=lp, series_uid=str(h.SeriesInstanceUID),
        scan_id=str(h.get("PatientID", hp.stem)),
        tracking_id=str(h.ItineraryID) if h.get("ItineraryID") else None,
        acquired=str(h.get("AcquisitionDateTime", "")),
        rows=shape_h[0], columns=shape_h[1], line_pitch_mm=spacing[0], pixel_pitch_mm=spacing[1],
        tube_kv=_float(h, "KVP"), tube_ma=_float(h, "XRayTubeCurrentInuA") / 1000.0,
        belt_speed_mm_s=_float(h, "TableSpeed"),
        manufacturer=str(h.get("Manufacturer", "")), model=str(h.get("ManufacturerModelName", "")),
        serial=str(h.get("DeviceSerialNumber", "")), software=str(h.get("SoftwareVersions", "")),
    )


def scan_directory(directory: Path) -> Catalog:
    """Pair the DX For Processing files of ``directory``; list what could not be used."""
    if not directory.is_dir():
        raise DriverError(f"DICOS replay: {directory} is not a directory")
    catalog = Catalog()
    series: dict[str, dict[str, tuple[Path, Dataset]]] = defaultdict(dict)
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix == ".part":
            continue
        try:
            ds = _header(path)
        except ReplayFileError as exc:
            catalog.bad.append(str(exc))
            continue
        if ds is None:
            continue
        energy = _energy(ds)
        uid = str(ds.get("SeriesInstanceUID", ""))
        if energy not in (HIGH, LOW) or not uid or energy in series[uid]:
            catalog.bad.append(f"{path}: Image Type {list(ds.get('ImageType', []))} of series "
                               f"{uid or '?'} is not a (new) HIGH/LOW ENERGY image")
            continue
        series[uid][energy] = (path, ds)
    for uid, pair in series.items():
        if set(pair) != {HIGH, LOW}:
            (path, _), = pair.values()
            catalog.bad.append(f"{path}: series {uid} lacks its {HIGH if LOW in pair else LOW} "
                               "image")
            continue
        try:
            catalog.parcels.append(_parcel(pair[HIGH], pair[LOW]))
        except ReplayFileError as exc:
            catalog.bad.append(str(exc))
    catalog.parcels.sort(key=lambda p: p.sort_key)
    for reason in catalog.bad:
        log.warning("DICOS replay skips %s", reason)
    return catalog


def load_counts(parcel: ReplayParcel) -> tuple[NDArray[np.uint16], NDArray[np.uint16]]:
    """The parcel's high and low counts (lines, pixels); ``ReplayFileError`` if unreadable."""
    out: list[NDArray[np.uint16]] = []
    for path in (parcel.high_path, parcel.low_path):
        try:
            arr = np.asarray(dcmread(path).pixel_array)
        except Exception as exc:  # truncated, compressed without a decoder, vanished, ...
            raise ReplayFileError(f"{path}: pixel data unreadable ({exc})") from exc
        if arr.dtype != np.uint16 or arr.shape != (parcel.rows, parcel.columns):
            raise ReplayFileError(f"{path}: expected uint16 {(parcel.rows, parcel.columns)}, "
                                  f"got {arr.dtype} {arr.shape}")
        out.append(arr)
    return out[0], out[1]
