"""Raw parcel images on disk, one file per scan, verified by sha256.

The file format (uncompressed ``.npz`` with the raw high/low counts and a little
metadata) sits behind this class; DICOS replaces it later behind the same seam.
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from numpy.typing import NDArray

from station_app.domain import RawScan
from station_app.storage.db import StorageError

FORMAT = "station_app.raw_npz/1"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True)
class StoredImage:
    relative_path: str  # '/'-separated, relative to the store root
    sha256: str  # hex
    n_bytes: int


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


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories.
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ImageStore:
    """Image files under ``root/YYYY/MM/DD/<scan_id>.npz`` (UTC date of writing)."""

    def __init__(self, root: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.root = Path(root)
        self._clock = clock or (lambda: datetime.now(UTC))

    def _resolve(self, relative_path: str) -> Path:
        rel = PurePosixPath(relative_path)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise StorageError(f"image path {relative_path!r} is not inside the image store")
        return self.root.joinpath(*rel.parts)

    def write(self, raw: RawScan) -> StoredImage:
        """Write the raw counts atomically; refuses to replace an existing scan's file."""
        if not _SAFE_ID.fullmatch(raw.scan_id):
            raise StorageError(f"scan id {raw.scan_id!r} cannot be used as a file name")
        day = self._clock().astimezone(UTC)
        rel = PurePosixPath(f"{day:%Y}", f"{day:%m}", f"{day:%d}", f"{raw.scan_id}.npz")
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
            _fsync_dir(final.parent)
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
        self, relative_path: str, expected_sha256: str
    ) -> tuple[NDArray[np.uint16], NDArray[np.uint16], dict[str, Any]]:
        """Load ``(high_counts, low_counts, metadata)`` after checking the file's sha256."""
        path = self._resolve(relative_path)
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

    def delete(self, relative_path: str) -> None:
        """Remove one image file; a file already gone is not an error."""
        path = self._resolve(relative_path)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete image {path}: {exc.strerror or exc}") from exc
