"""Image files: atomic writes, sha256 computed while writing, verification on read."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from station_app.domain import ParcelScan
from station_app.storage import ImageStore, StorageError

ParcelFactory = Callable[..., ParcelScan]


def _store(root: Path) -> ImageStore:
    return ImageStore(root, clock=lambda: datetime(2025, 3, 4, 23, 59, tzinfo=UTC))


def test_write_read_round_trip(tmp_path: Path, make_parcel: ParcelFactory) -> None:
    raw = make_parcel().raw
    store = _store(tmp_path)
    stored = store.write(raw)
    assert stored.relative_path == "2025/03/04/S-0001.npz"
    path = tmp_path / "2025" / "03" / "04" / "S-0001.npz"
    data = path.read_bytes()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()  # hash taken while writing
    assert stored.n_bytes == len(data)
    high, low, meta = store.read(stored.relative_path, stored.sha256)
    np.testing.assert_array_equal(high, raw.high_counts)
    np.testing.assert_array_equal(low, raw.low_counts)
    assert high.dtype == np.uint16
    assert meta["scan_id"] == "S-0001"
    assert meta["tracking_id"] == raw.tracking_id
    assert meta["line_pitch_mm"] == raw.line_pitch_mm
    assert meta["pixel_pitch_mm"] == raw.pixel_pitch_mm
    # atomic write: nothing but the final file in the day directory
    assert [p.name for p in path.parent.iterdir()] == ["S-0001.npz"]


def test_sha256_mismatch_detected(tmp_path: Path, make_parcel: ParcelFactory) -> None:
    store = _store(tmp_path)
    stored = store.write(make_parcel().raw)
    path = tmp_path / stored.relative_path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside the pixel data
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged") as info:
        store.read(stored.relative_path, stored.sha256)
    assert str(path) in str(info.value)


def test_corrupt_file_with_matching_hash_is_a_storage_error(tmp_path: Path) -> None:
    store = _store(tmp_path)
    path = tmp_path / "2025" / "01" / "01" / "x.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a zip file at all")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StorageError, match="cannot be decoded"):
        store.read("2025/01/01/x.npz", digest)


def test_missing_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot read"):
        _store(tmp_path).read("2025/01/01/gone.npz", "0" * 64)


def test_failed_write_leaves_no_files(
    tmp_path: Path, make_parcel: ParcelFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StorageError, match="No space left"):
        _store(tmp_path).write(make_parcel().raw)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_never_overwrites_and_refuses_unsafe_names(
    tmp_path: Path, make_parcel: ParcelFactory
) -> None:
    store = _store(tmp_path)
    stored = store.write(make_parcel(seed=1).raw)
    with pytest.raises(StorageError, match="already exists"):
        store.write(make_parcel(seed=2).raw)
    store.read(stored.relative_path, stored.sha256)  # the first file is intact
    with pytest.raises(StorageError, match="file name"):
        store.write(make_parcel(scan_id="../../etc/passwd").raw)
    with pytest.raises(StorageError, match="not inside"):
        store.read("../outside.npz", "0" * 64)


def test_delete(tmp_path: Path, make_parcel: ParcelFactory) -> None:
    store = _store(tmp_path)
    stored = store.write(make_parcel().raw)
    store.delete(stored.relative_path)
    assert not (tmp_path / stored.relative_path).exists()
    store.delete(stored.relative_path)  # already gone: fine
