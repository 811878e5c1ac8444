"""A scanner that plays back recorded DICOS DX For Processing parcels as detector lines."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from drivers.base import (
    DetectorLayout,
    DriverError,
    Interlocks,
    LabelRead,
    LineBlock,
    ScannerInfo,
    ScannerStatus,
)
from drivers.dicos_replay.catalog import (
    Catalog,
    ReplayFileError,
    ReplayParcel,
    load_counts,
    scan_directory,
)
from drivers.dicos_replay.stream import Segment, air_segment, parcel_segments

log = logging.getLogger(__name__)


class DicosReplayScanner:
    """Plays a directory of parcels (sorted by acquisition time, then file name).

    The belt carries: ``gap_lines`` of air, parcel 1, ``gap_lines`` of air,
    parcel 2, ..., ``gap_lines`` of air, then the stream ends (or, with
    ``loop``, starts again with parcel 1). Files that cannot be played are
    logged, counted (``skipped_files``, ``status().faults``) and skipped.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        loop: bool = False,
        block_lines: int = 32,
        realtime: bool = False,
        line_rate_hz: float | None = None,
        gap_lines: int = 64,
        air_counts: tuple[int, int] | None = None,
        reader_offset_lines: int = 0,
        autostart: bool = True,
    ) -> None:
        if block_lines < 1 or gap_lines < 1 or reader_offset_lines < 0:
            raise DriverError("DICOS replay: block_lines and gap_lines must be >= 1, "
                              "reader_offset_lines >= 0")
        if line_rate_hz is not None and line_rate_hz <= 0:
            raise DriverError(f"DICOS replay: line_rate_hz must be > 0, got {line_rate_hz}")
        self._dir = Path(path)
        self._loop, self._block, self._realtime = loop, block_lines, realtime
        self._gap, self._air = gap_lines, air_counts
        self._reader_offset = min(reader_offset_lines, gap_lines)
        self._autostart = autostart
        self._lock = threading.Condition()
        self._closed = threading.Event()
        self._opened = False
        self._xray = self._belt = False
        self._next_line = 0
        self._reads: list[LabelRead] = []
        self._load_failures: list[str] = []
        self._catalog = self._scan()
        self._info = self._make_info(self._catalog.parcels, line_rate_hz)

    # ---------------------------------------------------------------- set-up
    def _scan(self) -> Catalog:
        catalog = scan_directory(self._dir)
        if not catalog.parcels:
            raise DriverError(f"DICOS replay: no playable DX For Processing high/low pairs in "
                              f"{self._dir} ({len(catalog.bad)} unusable files)")
        pixels = catalog.parcels[0].columns
        for p in [p for p in catalog.parcels if p.columns != pixels]:
            catalog.parcels.remove(p)
            catalog.bad.append(f"{p.high_path}: {p.columns} pixels per line, the first "
                               f"parcel has {pixels}")
            log.warning("DICOS replay skips %s", catalog.bad[-1])
        return catalog

    def _make_info(self, parcels: list[ReplayParcel], line_rate_hz: float | None) -> ScannerInfo:
        first = parcels[0]
        if line_rate_hz is None:
            if first.belt_speed_mm_s <= 0:
                raise DriverError(f"DICOS replay: {first.high_path} has no belt speed (Table "
                                  "Speed); pass line_rate_hz")
            line_rate_hz = first.belt_speed_mm_s / first.line_pitch_mm
        return ScannerInfo(
            vendor=first.manufacturer or "unknown", model=first.model or "unknown",
            serial=first.serial or "unknown", pixels=first.columns, pitch_mm=first.pixel_pitch_mm,
            line_rate_hz=line_rate_hz,
            # Keep line pitch = belt speed / line rate equal to the recorded pitch.
            belt_speed_m_s=line_rate_hz * first.line_pitch_mm / 1000.0,
            tube_kv=first.tube_kv, tube_ma=first.tube_ma,
            detector_layout=DetectorLayout.SANDWICH, firmware=f"replay of {self._dir}",
        )

    @property
    def info(self) -> ScannerInfo:
        return self._info

    @property
    def parcels(self) -> tuple[ReplayParcel, ...]:
        return tuple(self._catalog.parcels)

    @property
    def skipped_files(self) -> tuple[str, ...]:
        """'path: reason' of every file that was skipped (at scan time or while playing)."""
        return tuple(self._catalog.bad + self._load_failures)

    # -------------------------------------------------------------- controls
    def open(self) -> None:
        with self._lock:
            self._catalog = self._scan()  # pick up files added since construction
            self._closed.clear()
            self._opened, self._next_line, self._reads = True, 0, []
            if self._autostart:
                self._belt = self._xray = True

    def close(self) -> None:
        with self._lock:
            self._opened = self._xray = False
            self._closed.set()
            self._lock.notify_all()

    def xray_on(self) -> None:
        with self._lock:
            self._xray = True  # a recording has no interlocks to open

    def xray_off(self) -> None:
        with self._lock:
            self._xray = False

    def belt_start(self) -> None:
        with self._lock:
            self._belt = True
            self._lock.notify_all()

    def belt_stop(self) -> None:
        with self._lock:
            self._belt = False

    def status(self) -> ScannerStatus:
        with self._lock:
            skipped = len(self.skipped_files)
            return ScannerStatus(
                xray_on=self._xray, belt_running=self._belt,
                belt_speed_m_s=self._info.belt_speed_m_s if self._belt else 0.0,
                tube_kv=self._info.tube_kv if self._xray else 0.0,
                tube_ma=self._info.tube_ma if self._xray else 0.0,
                interlocks=Interlocks(),
                faults=(f"DICOS replay skipped {skipped} unplayable files",) if skipped else (),
                lines_acquired=self._next_line,
            )

    def poll(self) -> list[LabelRead]:
        """Tracking ids of the parcels, read ``reader_offset_lines`` before each parcel."""
        with self._lock:
            reads, self._reads = self._reads, []
        return reads

    # ------------------------------------------------------------- streaming
    def _segments(self) -> Iterator[Segment]:
        last: Segment | None = None
        while True:
            played = 0
            for parcel in list(self._catalog.parcels):
                try:
                    high, low = load_counts(parcel)
                except ReplayFileError as exc:
                    log.warning("DICOS replay skips %s", exc)
                    if str(exc) not in self._load_failures:
                        self._load_failures.append(str(exc))
                    continue
                gap, body = parcel_segments(high, low, self._gap, parcel.tracking_id, self._air)
                yield gap
                yield body
                last, played = body, played + 1
            if not self._loop or played == 0:
                break
        if last is not None:  # trailing air, so the last parcel leaves the tunnel
            first, end = _extent_of(last)
            yield air_segment(last.high, last.low, first, end, self._gap, self._air)

    def _is_open(self) -> bool:
        return self._opened and not self._closed.is_set()

    def lines(self) -> Iterator[LineBlock]:
        if not self._is_open():
            raise DriverError("DICOS replay is not open")
        period_ns = round(1e9 / self._info.line_rate_hz)
        origin_ns = time.monotonic_ns()
        next_ts = origin_ns
        for high, low, present, reads in _blocks(self._segments(), self._block):
            with self._lock:
                while self._is_open() and not self._belt:
                    self._lock.wait(0.05)
                if not self._is_open():
                    return
                first, xray = self._next_line, self._xray
            n = high.shape[0]
            if self._realtime:
                # A block exists only once its last line has been integrated.
                deadline = origin_ns + (first + n) * period_ns
                if self._closed.wait(max(0.0, (deadline - time.monotonic_ns()) / 1e9)):
                    return
                ts = origin_ns + first * period_ns
            else:
                ts = max(time.monotonic_ns(), next_ts)
            next_ts = ts + n * period_ns
            if not xray:  # belt moves, the tube is off: the detector sees dark
                high, low = np.zeros_like(high), np.zeros_like(low)
            with self._lock:
                if not self._is_open():
                    return
                self._next_line = first + n
                self._reads += [
                    LabelRead(tid, max(0, first + offset - self._reader_offset),
                              ts + offset * period_ns)
                    for offset, tid in reads
                ]
            yield LineBlock(first, ts, high, low, xray_on=xray, belt_running=True,
                            object_present=present)


def _extent_of(segment: Segment) -> tuple[int, int]:
    idx = np.flatnonzero(segment.present)
    return (int(idx[0]), int(idx[-1]) + 1) if idx.size else (0, segment.n_lines)


def _blocks(
    segments: Iterator[Segment], block_lines: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, str]]]]:
    """Cut the segment stream into blocks of ``block_lines`` (the last one may be shorter).

    Also yields, per block, (offset in block, tracking id) of parcels starting in it.
    """
    hs: list[np.ndarray] = []
    ls: list[np.ndarray] = []
    ps: list[np.ndarray] = []
    reads: list[tuple[int, str]] = []
    have = 0
    for seg in segments:
        pos = 0
        if seg.tracking_id:
            reads.append((have, seg.tracking_id))
        while pos < seg.n_lines:
            take = min(block_lines - have, seg.n_lines - pos)
            hs.append(seg.high[pos:pos + take])
            ls.append(seg.low[pos:pos + take])
            ps.append(seg.present[pos:pos + take])
            have, pos = have + take, pos + take
            if have == block_lines:
                yield np.concatenate(hs), np.concatenate(ls), np.concatenate(ps), reads
                hs, ls, ps, reads, have = [], [], [], [], 0
    if have:
        yield np.concatenate(hs), np.concatenate(ls), np.concatenate(ps), reads
