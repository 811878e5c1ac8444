"""Parcel image files on disk, verified by sha256: DICOS for the station, .npz of old.

A station stores each parcel as DICOS (``ImageStore(root, dicos=DicosSettings(...))``):
DX For Processing high and low (the raw counts, loadable again for re-display and
re-processing), DX For Presentation (the colour image) and the MACHINE Threat
Detection Report; an OPERATOR report per decision follows later. Files live
under ``root/YYYY/MM/DD/`` (UTC date of writing), named ``<scan>_<role>.dcs``
(docs/dicos.md). A store built without ``dicos`` writes the older single raw
``.npz`` per scan; both formats are read, so databases from before DICOS keep
working. Which files a scan has, and their upload and retention, are rows of the
``image_files`` table (``storage.image_files``); this class only touches files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from numpy.typing import NDArray

from drivers.base import ScannerInfo
from station_app.atomic_files import fsync_dir
from station_app.dicos import DicosError, read_dx, write_operator_tdr, write_parcel
from station_app.domain import Decision, ParcelScan, RawScan
from station_app.storage.db import StorageError

FORMAT = "station_app.raw_npz/1"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HASH_BLOCK_BYTES = 1 << 20

# Kinds of image files (``image_files.kind``), in the order a parcel's files are written.
KIND_DX_HIGH = "dx_high"
KIND_DX_LOW = "dx_low"
KIND_DX_PRESENTATION = "dx_presentation"
KIND_TDR_MACHINE = "tdr_machine"
KIND_RAW_NPZ = "raw_npz"
OPERATOR_KIND_PREFIX = "tdr_operator_"  # + the decision id: one report per decision
# Kind -> file name suffix (after the scan id) of the DICOS files of one parcel.
DICOS_SUFFIXES = {
    KIND_DX_HIGH: "_dx_high.dcs",
    KIND_DX_LOW: "_dx_low.dcs",
    KIND_DX_PRESENTATION: "_dx_display.dcs",
    KIND_TDR_MACHINE: "_tdr_machine.dcs",
}


def operator_kind(decision_id: int) -> str:
    return f"{OPERATOR_KIND_PREFIX}{decision_id}"


@dataclass(frozen=True)
class StoredImage:
    relative_path: str  # '/'-separated, relative to the store root
    sha256: str  # hex
    n_bytes: int


@dataclass(frozen=True)
class StoredFile:
    """One written file of a scan and what it is (an ``image_files.kind``)."""

    kind: str
    relative_path: str  # '/'-separated, relative to the store root
    sha256: str  # hex, of the file as written
    n_bytes: int


@dataclass(frozen=True)
class StoredParcel:
    """All files written for one parcel; the first one is the scan's primary image.

    The primary image (DX high, or the .npz of a store without DICOS) is what
    ``scans.image_path`` / ``image_sha256`` / ``image_bytes`` and the
    ``scan.processed`` event's ``image_sha256`` name; ``ImageStore.read`` loads
    both energies from it.
    """

    files: tuple[StoredFile, ...]

    @property
    def primary(self) -> StoredFile:
        return self.files[0]

    @property
    def relative_path(self) -> str:
        return self.primary.relative_path

    @property
    def sha256(self) -> str:
        return self.primary.sha256

    @property
    def n_bytes(self) -> int:
        return self.primary.n_bytes


PresentationRenderer = Callable[[ParcelScan], NDArray[np.uint8]]


@dataclass(frozen=True)
class DicosSettings:
    """What a DICOS-writing store needs beyond the parcel itself.

    ``render`` makes the DX For Presentation image (RGBA uint8, same lines ×
    pixels as the scan); it runs on the thread that stores parcels, so it must not
    share a ``Renderer`` with the GUI. ``scanner`` is asked at each write (the
    driver opens after the store is built).
    """

    station_id: str
    render: PresentationRenderer | None = None
    scanner: Callable[[], ScannerInfo | None] = lambda: None
    institution: str = ""
    carrier: str | None = None


class _HashingWriter:
    """Write-only file wrapper hashing every byte on its way to disk.

    It deliberately has no ``seek``: ``zipfile`` then streams sequentially (data
    descriptors instead of patching headers), so the hash of what passed through
    equals the hash of the file, without reading it back.
    """

    def __init__(self, raw: io.BufferedWriter) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self._n = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._hash.update(data)
        n = self._raw.write(data)
        self._n += n
        return n

    def read(self, _size: int = -1) -> bytes:
        # Present only because numpy treats objects with ``read`` as open files.
        raise io.UnsupportedOperation("write-only")

    def tell(self) -> int:
        return self._n

    def flush(self) -> None:
        self._raw.flush()

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()

    @property
    def n_bytes(self) -> int:
        return self._n


class ImageStore:
    """Image files under ``root/YYYY/MM/DD/`` (UTC date of writing): DICOS or .npz."""

    def __init__(
        self,
        root: Path,
        clock: Callable[[], datetime] | None = None,
        *,
        dicos: DicosSettings | None = None,
    ) -> None:
        self.root = Path(root)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.dicos = dicos

    def _resolve(self, relative_path: str) -> Path:
        rel = PurePosixPath(relative_path)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise StorageError(f"image path {relative_path!r} is not inside the image store")
        return self.root.joinpath(*rel.parts)

    def path(self, relative_path: str) -> Path:
        """The file's absolute path (refuses paths that leave the store)."""
        return self._resolve(relative_path)

    def presentation_image(self, parcel: ParcelScan) -> NDArray[np.uint8]:
        """The DX For Presentation image this store writes for ``parcel`` (RGBA): its
        renderer's, else grey from the raw high counts (``storage.tip_images`` uses it
        for TIP images)."""
        return _presentation(parcel, None if self.dicos is None else self.dicos.render)

    def _day_dir(self) -> PurePosixPath:
        day = self._clock().astimezone(UTC)
        return PurePosixPath(f"{day:%Y}", f"{day:%m}", f"{day:%d}")

    # ------------------------------------------------------------ writing

    def write_parcel(self, parcel: ParcelScan, acquired_at: datetime | None = None) -> StoredParcel:
        """Write the parcel's files: DICOS when the store has ``dicos`` settings, else .npz.

        Never replaces an existing file; on any failure the files written so far
        are removed again and ``StorageError`` names the reason.
        """
        if self.dicos is None:
            stored = self.write(parcel.raw)
            return StoredParcel(
                (StoredFile(KIND_RAW_NPZ, stored.relative_path, stored.sha256, stored.n_bytes),)
            )
        return self._write_dicos(parcel, self.dicos, acquired_at)

    def _write_dicos(
        self, parcel: ParcelScan, settings: DicosSettings, acquired_at: datetime | None
    ) -> StoredParcel:
        scan_id = parcel.scan_id
        if not _SAFE_ID.fullmatch(scan_id) or scan_id.endswith("."):
            raise StorageError(f"scan id {scan_id!r} cannot be used as a file name")
        day = self._day_dir()
        rels = {kind: str(day / f"{scan_id}{suffix}") for kind, suffix in DICOS_SUFFIXES.items()}
        for rel in rels.values():
            if self._resolve(rel).exists():
                # Never clobber: the existing file belongs to an already-stored scan.
                raise StorageError(f"image file {self._resolve(rel)} already exists "
                                   "(scan id reused?)")
        directory = self._resolve(str(day))
        try:
            written = write_parcel(
                parcel,
                _presentation(parcel, settings.render),
                directory,
                station_id=settings.station_id,
                scanner=settings.scanner(),
                carrier=settings.carrier,
                institution=settings.institution,
                acquired_at=acquired_at,
            )
        except (DicosError, OSError, ValueError) as exc:
            self._remove_quietly(rels.values())
            raise StorageError(f"DICOS files of scan {scan_id} not written: {exc}") from exc
        except BaseException:
            self._remove_quietly(rels.values())
            raise
        by_kind = {
            KIND_DX_HIGH: written.dx_high,
            KIND_DX_LOW: written.dx_low,
            KIND_DX_PRESENTATION: written.dx_presentation,
            KIND_TDR_MACHINE: written.tdr_machine,
        }
        files = []
        for kind, rel in rels.items():
            done = by_kind[kind]
            if done.path != self._resolve(rel):  # the writer's naming changed under us
                self._remove_quietly(rels.values())
                raise StorageError(f"DICOS writer put {kind} at {done.path}, expected {rel}")
            files.append(StoredFile(kind, rel, done.sha256, done.path.stat().st_size))
        return StoredParcel(tuple(files))

    def write_operator_tdr(
        self, decision: Decision, decision_id: int, machine_tdr_path: str
    ) -> StoredFile:
        """The OPERATOR TDR of one decision, beside the parcel's MACHINE TDR.

        Its content is fixed by the decision and the machine report (UIDs and times
        are derived from them), so writing it again after a crash that lost the
        database update gives the same bytes: replacing such a file is safe.
        """
        machine = self._resolve(machine_tdr_path)
        kind = operator_kind(decision_id)
        rel = str(PurePosixPath(machine_tdr_path).parent / f"{decision.scan_id}_{kind}.dcs")
        try:
            write_operator_tdr(
                decision, machine, machine.parent, file_name=PurePosixPath(rel).name
            )
        except (DicosError, OSError, ValueError) as exc:
            raise StorageError(
                f"operator report of decision {decision_id} on {decision.scan_id} not written: "
                f"{exc}"
            ) from exc
        sha256, n_bytes = self.digest(rel)
        return StoredFile(kind, rel, sha256, n_bytes)

    def write(self, raw: RawScan) -> StoredImage:
        """Write the raw counts as one .npz, atomically; refuses to replace an existing file."""
        if not _SAFE_ID.fullmatch(raw.scan_id):
            raise StorageError(f"scan id {raw.scan_id!r} cannot be used as a file name")
        rel = self._day_dir() / f"{raw.scan_id}.npz"
        final = self._resolve(str(rel))
        if final.exists():
            # Never clobber: the existing file belongs to an already-stored scan.
            raise StorageError(f"image file {final} already exists (scan id reused?)")
        final.parent.mkdir(parents=True, exist_ok=True)
        metadata = {
            "format": FORMAT,
            "scan_id": raw.scan_id,
            "scanner_serial": raw.scanner_serial,
            "tracking_id": raw.tracking_id,
            "first_line_index": raw.first_line_index,
            "line_pitch_mm": raw.line_pitch_mm,
            "pixel_pitch_mm": raw.pixel_pitch_mm,
            "started_ns": raw.started_ns,
            "ended_ns": raw.ended_ns,
            "flags": sorted(raw.flags),
        }
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        try:
            with tmp.open("wb") as f:
                writer = _HashingWriter(f)
                np.savez(
                    writer,
                    high_counts=np.ascontiguousarray(raw.high_counts, dtype=np.uint16),
                    low_counts=np.ascontiguousarray(raw.low_counts, dtype=np.uint16),
                    metadata=np.array(json.dumps(metadata)),
                )
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
            fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise StorageError(f"cannot write image {final}: {exc}") from exc
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return StoredImage(str(rel), writer.hexdigest, writer.n_bytes)

    def read(
        self, relative_path: str, expected_sha256: str, *, low_sha256: str | None = None
    ) -> tuple[NDArray[np.uint16], NDArray[np.uint16], dict[str, Any]]:
        """Load ``(high_counts, low_counts, metadata)`` after checking the file's sha256.

        ``relative_path`` is a scan's primary image: a DX For Processing file (its
        partner of the other energy is found beside it; ``low_sha256`` checks that
        one too) or an old ``.npz``.
        """
        path = self._resolve(relative_path)
        data = self._verified_bytes(path, expected_sha256)
        if path.suffix == ".dcs":
            return self._read_dicos(path, low_sha256)
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                high = np.asarray(npz["high_counts"], dtype=np.uint16)
                low = np.asarray(npz["low_counts"], dtype=np.uint16)
                metadata = json.loads(str(npz["metadata"][()]))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise StorageError(f"image {path} cannot be decoded: {exc}") from exc
        if not isinstance(metadata, dict):
            raise StorageError(f"image {path} has no metadata record")
        return high, low, metadata

    @staticmethod
    def _verified_bytes(path: Path, expected_sha256: str) -> bytes:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StorageError(f"cannot read image {path}: {exc.strerror or exc}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected_sha256.lower():
            raise StorageError(
                f"image {path} is damaged: sha256 {actual[:12]}… does not match the "
                f"recorded {expected_sha256[:12]}…"
            )
        return data

    def _read_dicos(
        self, path: Path, low_sha256: str | None
    ) -> tuple[NDArray[np.uint16], NDArray[np.uint16], dict[str, Any]]:
        if low_sha256 is not None and path.name.endswith(DICOS_SUFFIXES[KIND_DX_HIGH]):
            stem = path.name[: -len(DICOS_SUFFIXES[KIND_DX_HIGH])]
            self._verified_bytes(path.with_name(stem + DICOS_SUFFIXES[KIND_DX_LOW]), low_sha256)
        try:
            high, low, meta = read_dx(path)
        except DicosError as exc:
            raise StorageError(f"image {path} cannot be decoded: {exc}") from exc
        metadata: dict[str, Any] = {
            "format": "dicos",
            "scan_id": meta.scan_id,
            "station_id": meta.station_id,
            "scanner_serial": meta.scanner_serial,
            "tracking_id": meta.tracking_id,
            "line_pitch_mm": meta.line_pitch_mm,
            "pixel_pitch_mm": meta.pixel_pitch_mm,
            "acquired_at": meta.acquired_at.isoformat() if meta.acquired_at else None,
            "acquisition_status": meta.acquisition_status,
            "study_uid": meta.study_uid,
        }
        return high, low, metadata

    def digest(self, relative_path: str) -> tuple[str, int]:
        """``(sha256 hex, size in bytes)`` of a file as it is on disk now (read in blocks)."""
        path = self._resolve(relative_path)
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("rb") as f:
                while block := f.read(_HASH_BLOCK_BYTES):
                    digest.update(block)
                    size += len(block)
        except OSError as exc:
            raise StorageError(f"cannot read image {path}: {exc.strerror or exc}") from exc
        return digest.hexdigest(), size

    def delete(self, relative_path: str) -> None:
        """Remove one image file; a file already gone is not an error."""
        path = self._resolve(relative_path)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete image {path}: {exc.strerror or exc}") from exc

    def delete_parcel(self, stored: StoredParcel) -> None:
        """Remove every file of a parcel whose database rows never committed."""
        self._remove_quietly(f.relative_path for f in stored.files)

    def _remove_quietly(self, relative_paths: Iterable[str]) -> None:
        for rel in relative_paths:
            with contextlib.suppress(StorageError):
                self.delete(rel)
            with contextlib.suppress(OSError, StorageError):
                part = self._resolve(rel)
                part.with_name(part.name + ".part").unlink(missing_ok=True)


def _presentation(parcel: ParcelScan, render: PresentationRenderer | None) -> NDArray[np.uint8]:
    """The display image for DX For Presentation: the renderer's, else grey from raw high.

    A parcel whose processing failed has no material image to render; its raw
    high-energy counts, scaled so the brightest percentile is white, still show
    the inspector what was on the belt.
    """
    if render is not None and parcel.image.zeff.shape == parcel.raw.shape:
        return render(parcel)
    high = parcel.raw.high_counts.astype(np.float32)
    top = float(np.percentile(high, 99.5)) if high.size else 0.0
    grey = np.clip(high * (255.0 / top), 0, 255) if top > 0 else np.zeros_like(high)
    rgba = np.empty((*parcel.raw.shape, 4), dtype=np.uint8)
    rgba[..., :3] = grey.astype(np.uint8)[..., None]
    rgba[..., 3] = 255
    return rgba
