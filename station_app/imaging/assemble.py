"""Cutting the detector line stream into one ``RawScan`` per parcel.

A line is *occupied* when at least ``occupied_min_pixels`` good pixels see a
high-energy transmission below ``occupied_transmission`` (computed per block,
vectorised, against the calibration's dark/air levels), or when the scanner's
light barrier reports an object there (``LineBlock.object_present``). A parcel opens after
``start_lines`` consecutive occupied lines and closes after ``end_gap_lines``
consecutive empty ones; ``margin_lines`` of air are kept on either side.

Decisions (documented here because operators see their effects):

* Parcels whose gap is shorter than ``end_gap_lines`` (touching parcels) come out
  as **one** scan; nothing is split at a narrowing. A missed split costs the
  inspector a second look, a wrong split could cut an item in two. When two
  labels fall on one scan it is flagged ``"multiple_labels"``.
* A parcel longer than ``max_length_mm`` is cut there (flag ``"cut_at_max_length"``)
  and the rest starts a new scan at the next line (flag ``"continued"``, same
  tracking id).
* Time does not close a parcel: a stopped belt delivers no lines (or blocks with
  ``belt_running=False``, which are skipped so the image is not stretched), and
  the parcel stays open until lines show its end.
* A dark block (``xray_on=False``) ends an open parcel at once with flag
  ``"incomplete"``; what was seen is kept, not dropped. That includes an empty one
  (no lines): how a driver reports an X-ray trip when no line follows it.
* Missing line indices are counted (``lines_dropped_total``) and flag the open
  parcel ``"lines_dropped"``; the image is not padded.
* A line index that goes backwards means the driver restarted: the open parcel is
  closed ``"incomplete"`` and counting starts again.
* All-zero lines (detector read-out glitch) are never occupied; inside a parcel
  they flag it ``"bad_lines"``. Saturated lines read as air.

Memory is bounded: while idle only the last ``margin_lines + start_lines`` lines
are kept, an open parcel at most ``max_length`` + ``end_gap_lines`` + one block.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from drivers.base import LabelRead, LineBlock, ScannerInfo
from station_app.config import AssemblyConfig
from station_app.domain import RawScan
from station_app.imaging.calibration import CalibrationSet

# Labels whose expected leading-edge line is this far behind the stream are stale
# (the parcel never showed up, e.g. taken off the belt): dropped and counted.
_MAX_PENDING_LABELS = 256


@dataclass
class _Chunk:
    """Consecutive accepted lines; ``pos0`` is the stream position of the first one."""

    pos0: int
    first_line_index: int
    timestamp_ns: int
    high: NDArray[np.uint16]
    low: NDArray[np.uint16]

    @property
    def end(self) -> int:
        return self.pos0 + int(self.high.shape[0])


@dataclass
class _OpenParcel:
    scan_start: int  # stream position of the first line of the scan (margin included)
    leading: int  # stream position of the first occupied line
    last_occupied: int
    gap: int = 0  # consecutive empty lines since last_occupied
    seen: bool = True  # any occupied line yet (a continuation may have none)
    flags: set[str] = field(default_factory=set)
    tracking_id: str | None = None


class ParcelAssembler:
    """Feed ``LineBlock``s, get ``RawScan``s. Not thread-safe (one driver thread)."""

    def __init__(
        self,
        config: AssemblyConfig,
        calibration: CalibrationSet,
        *,
        serial: str,
        line_pitch_mm: float,
        pixel_pitch_mm: float,
        label_reader_offset_mm: float,
        label_tolerance_mm: float = 150.0,
        line_rate_hz: float | None = None,
    ) -> None:
        if line_pitch_mm <= 0 or pixel_pitch_mm <= 0:
            raise ValueError(
                f"pitches must be positive, got line {line_pitch_mm} mm, pixel {pixel_pitch_mm} mm"
            )
        if config.start_lines < 1 or config.end_gap_lines < 1:
            raise ValueError("start_lines and end_gap_lines must be at least 1")
        self.config = config
        self.calibration = calibration
        self.serial = serial
        self.pixels = calibration.pixels
        self.line_pitch_mm = line_pitch_mm
        self.pixel_pitch_mm = pixel_pitch_mm
        self.label_offset_lines = round(label_reader_offset_mm / line_pitch_mm)
        self.label_tolerance_lines = max(round(label_tolerance_mm / line_pitch_mm), 1)
        self.max_lines = max(int(config.max_length_mm / line_pitch_mm), config.start_lines + 1)
        # Margin after the parcel must already be in the buffer when the gap closes it.
        self._margin = min(config.margin_lines, config.end_gap_lines)
        self._line_period_ns: float | None = 1e9 / line_rate_hz if line_rate_hz else None
        # Raw high counts below this threshold mean transmission < occupied_transmission;
        # bad pixels get -1 so they never vote.
        thr = calibration.dark_high + np.float32(config.occupied_transmission) * (
            calibration.air_high - calibration.dark_high
        )
        self._threshold = np.where(calibration.bad_mask, np.float32(-1.0), thr).astype(np.float32)
        self._chunks: list[_Chunk] = []
        self._pos = 0  # stream position of the next accepted line
        self._next_line_index: int | None = None
        self._last_block: tuple[int, int] | None = None  # (line index, timestamp) for the period
        self._occ_run = 0  # consecutive occupied lines while idle
        self._open: _OpenParcel | None = None
        self._labels: list[LabelRead] = []
        self.lines_dropped_total = 0
        self.labels_unmatched_total = 0
        self.blocks_rejected_total = 0

    @classmethod
    def for_scanner(
        cls,
        config: AssemblyConfig,
        calibration: CalibrationSet,
        info: ScannerInfo,
        *,
        label_reader_offset_mm: float,
    ) -> ParcelAssembler:
        return cls(
            config,
            calibration,
            serial=info.serial,
            line_pitch_mm=info.line_pitch_mm,
            pixel_pitch_mm=info.pitch_mm,
            label_reader_offset_mm=label_reader_offset_mm,
            line_rate_hz=info.line_rate_hz,
        )

    @property
    def is_open(self) -> bool:
        return self._open is not None

    # -- input ---------------------------------------------------------------

    def add_label(self, read: LabelRead) -> None:
        """Remember a tracking-id read; it is matched when its parcel is emitted."""
        self._labels.append(read)
        if len(self._labels) > _MAX_PENDING_LABELS:
            self._labels.pop(0)
            self.labels_unmatched_total += 1

    def _validate(self, block: LineBlock) -> None:
        high, low = block.high_counts, block.low_counts
        if high.ndim != 2 or low.ndim != 2:
            raise ValueError(
                f"line block {block.first_line_index}: expected 2-D (lines, pixels) arrays, "
                f"got high {high.shape}, low {low.shape}"
            )
        if high.shape != low.shape:
            raise ValueError(
                f"line block {block.first_line_index}: high shape {high.shape} differs from "
                f"low shape {low.shape}"
            )
        if high.shape[1] != self.pixels:
            raise ValueError(
                f"line block {block.first_line_index}: expected {self.pixels} pixels, "
                f"got {high.shape[1]}"
            )
        if block.object_present is not None and block.object_present.shape != (high.shape[0],):
            raise ValueError(
                f"line block {block.first_line_index}: object_present has shape "
                f"{block.object_present.shape}, expected ({high.shape[0]},)"
            )
        if high.dtype != np.uint16 or low.dtype != np.uint16:
            raise ValueError(
                f"line block {block.first_line_index}: expected uint16 counts, got "
                f"{high.dtype}/{low.dtype}"
            )

    def feed(self, block: LineBlock) -> list[RawScan]:
        """Take one block; return the scans it completed (usually none)."""
        try:
            self._validate(block)
        except ValueError:
            self.blocks_rejected_total += 1
            raise
        out: list[RawScan] = []
        n = block.n_lines
        if n == 0:
            if not block.xray_on:
                # X-rays went off between lines (an interlock trip, reported by the driver
                # as an empty dark block): lines may not come again for a long time (a
                # belt that stops with the interlock), so the parcel closes now, not with
                # the next line. No index tracking: a block without lines has no span.
                self._close_incomplete(out)
            return out
        self._track_line_index(block, out)
        if not block.xray_on:
            self._close_incomplete(out)
            return out
        if not block.belt_running:
            return out  # same slice of belt again: nothing new to image

        high = np.array(block.high_counts, copy=True)  # the driver may reuse its buffers
        low = np.array(block.low_counts, copy=True)
        self._chunks.append(_Chunk(self._pos, block.first_line_index, block.timestamp_ns,
                                   high, low))
        occupied_px = np.count_nonzero(high < self._threshold, axis=1)
        bad_line: NDArray[np.bool_] = ~np.any(high, axis=1)  # all-zero read-out glitch
        occupied = (occupied_px >= self.config.occupied_min_pixels) & ~bad_line
        if block.object_present is not None:
            # The light barrier also sees what X-rays hardly attenuate (a postal bag's film
            # between two items), so a bag is never cut in two at an empty stretch.
            occupied |= block.object_present
        if self._open is not None and bad_line.any():
            self._open.flags.add("bad_lines")

        # Walk the runs of equal occupancy: a handful per block, never one per line.
        change = np.flatnonzero(np.diff(occupied.view(np.int8))) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [n]))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            self._advance(bool(occupied[s]), self._pos + s, e - s, out)
            if self._open is not None and bad_line[s:e].any():
                self._open.flags.add("bad_lines")
        self._pos += n
        self._trim()
        return out

    def flush(self) -> list[RawScan]:
        """End of stream: emit the open parcel (``"incomplete"`` if still in the beam)."""
        out: list[RawScan] = []
        if self._open is not None and self._open.seen:
            if self._open.gap == 0:
                self._open.flags.add("incomplete")
            end = min(self._open.last_occupied + self._margin, self._pos - 1)
            out.append(self._emit(self._open, end))
            self._open = None
        self._reset_idle()
        return out

    # -- state machine -------------------------------------------------------

    def _track_line_index(self, block: LineBlock, out: list[RawScan]) -> None:
        idx = block.first_line_index
        expected = self._next_line_index
        if expected is not None and idx < expected:
            # The driver restarted its count: whatever was open cannot be continued.
            self._close_incomplete(out)
            self._last_block = None
        elif expected is not None and idx > expected:
            self.lines_dropped_total += idx - expected
            if self._open is not None:
                self._open.flags.add("lines_dropped")
        if self._last_block is not None and idx > self._last_block[0]:
            period = (block.timestamp_ns - self._last_block[1]) / (idx - self._last_block[0])
            if period > 0:
                self._line_period_ns = period
        self._last_block = (idx, block.timestamp_ns)
        self._next_line_index = idx + block.n_lines

    def _advance(self, occupied: bool, pos: int, length: int, out: list[RawScan]) -> None:
        """Apply ``length`` lines of equal occupancy starting at stream position ``pos``."""
        cfg = self.config
        while length > 0:
            parcel = self._open
            if parcel is None:
                if not occupied:
                    self._occ_run = 0
                    return
                need = cfg.start_lines - self._occ_run
                if length < need:
                    self._occ_run += length
                    return
                leading = pos - self._occ_run
                first_kept = self._chunks[0].pos0 if self._chunks else leading
                self._open = _OpenParcel(
                    scan_start=max(leading - cfg.margin_lines, first_kept),
                    leading=leading,
                    last_occupied=pos + need - 1,
                )
                self._occ_run = 0
                pos += need
                length -= need
                continue
            room = parcel.scan_start + self.max_lines - pos  # lines left before the cut
            take = min(length, room)
            if occupied:
                parcel.last_occupied = pos + take - 1
                parcel.gap = 0
                parcel.seen = True
            else:
                to_close = cfg.end_gap_lines - parcel.gap
                if to_close <= take:
                    if parcel.seen:  # a continuation of pure air is no parcel
                        out.append(self._emit(parcel, min(parcel.last_occupied + self._margin,
                                                          pos + to_close - 1)))
                    self._open = None
                    self._occ_run = 0
                    pos += to_close
                    length -= to_close
                    continue
                parcel.gap += take
            pos += take
            length -= take
            if take == room:
                parcel.flags.add("cut_at_max_length")
                out.append(self._emit(parcel, pos - 1))
                self._open = _OpenParcel(
                    scan_start=pos,
                    leading=pos,
                    last_occupied=pos - 1,
                    gap=parcel.gap,
                    seen=False,
                    flags={"continued"},
                    tracking_id=parcel.tracking_id,
                )

    def _close_incomplete(self, out: list[RawScan]) -> None:
        """End the open parcel now (beam off, driver restart): keep what was seen."""
        parcel = self._open
        if parcel is not None and parcel.seen:
            parcel.flags.add("incomplete")
            out.append(self._emit(parcel, min(parcel.last_occupied + self._margin, self._pos - 1)))
        self._open = None
        self._reset_idle()

    def _reset_idle(self) -> None:
        self._chunks.clear()
        self._occ_run = 0

    def _trim(self) -> None:
        """Drop lines that no future scan can include."""
        if self._open is not None:
            keep_from = self._open.scan_start
        else:
            keep_from = self._pos - (self.config.margin_lines + self.config.start_lines)
        while self._chunks and self._chunks[0].end <= keep_from:
            self._chunks.pop(0)
        if self._chunks and self._chunks[0].pos0 < keep_from:
            c = self._chunks[0]
            k = keep_from - c.pos0
            self._chunks[0] = _Chunk(keep_from, c.first_line_index + k,
                                     c.timestamp_ns + self._lines_ns(k), c.high[k:], c.low[k:])

    def _lines_ns(self, lines: int) -> int:
        return round(lines * self._line_period_ns) if self._line_period_ns else 0

    # -- output --------------------------------------------------------------

    def _line_index_at(self, pos: int) -> tuple[int, int]:
        """(line index, timestamp ns) of stream position ``pos``."""
        for c in self._chunks:
            if c.pos0 <= pos < c.end:
                return c.first_line_index + pos - c.pos0, c.timestamp_ns + self._lines_ns(
                    pos - c.pos0)
        raise LookupError(f"stream position {pos} is no longer buffered")

    def _emit(self, parcel: _OpenParcel, end: int) -> RawScan:
        start = max(parcel.scan_start, self._chunks[0].pos0)
        end = max(end, start)
        parts_h: list[NDArray[Any]] = []
        parts_l: list[NDArray[Any]] = []
        for c in self._chunks:
            lo, hi = max(start, c.pos0), min(end + 1, c.end)
            if lo < hi:
                parts_h.append(c.high[lo - c.pos0 : hi - c.pos0])
                parts_l.append(c.low[lo - c.pos0 : hi - c.pos0])
        high = np.concatenate(parts_h) if len(parts_h) > 1 else parts_h[0].copy()
        low = np.concatenate(parts_l) if len(parts_l) > 1 else parts_l[0].copy()
        first_index, started_ns = self._line_index_at(start)
        _, ended_ns = self._line_index_at(end)
        leading_index, _ = self._line_index_at(max(parcel.leading, start))
        tracking_id = parcel.tracking_id
        flags = set(parcel.flags)
        if "continued" not in flags:
            trailing_index, _ = self._line_index_at(max(min(parcel.last_occupied, end), start))
            tracking_id, n_candidates = self._match_label(leading_index, trailing_index)
            if n_candidates > 1:
                flags.add("multiple_labels")
            parcel.tracking_id = tracking_id
        self._expire_labels(leading_index)
        return RawScan(
            scan_id=uuid.uuid4().hex,
            scanner_serial=self.serial,
            first_line_index=first_index,
            high_counts=high,
            low_counts=low,
            started_ns=started_ns,
            ended_ns=ended_ns,
            line_pitch_mm=self.line_pitch_mm,
            pixel_pitch_mm=self.pixel_pitch_mm,
            tracking_id=tracking_id,
            flags=frozenset(flags),
        )

    def _match_label(self, leading_index: int, trailing_index: int) -> tuple[str | None, int]:
        """The label whose predicted arrival at the X-ray plane is closest to the leading
        edge (within tolerance), and how many labels predict arrival anywhere on the scan.

        Every label on the scan is consumed: touching parcels merged into one scan must
        not hand their second label to the next parcel.
        """
        tol = self.label_tolerance_lines
        best: LabelRead | None = None
        best_err = tol + 1
        on_scan: list[LabelRead] = []
        for read in self._labels:
            arrival = read.line_index + self.label_offset_lines
            # The trailing side gets no tolerance: the next parcel may follow closely.
            if leading_index - tol <= arrival <= trailing_index:
                on_scan.append(read)
            err = abs(arrival - leading_index)
            if err <= tol and err < best_err:
                best, best_err = read, err
        for read in on_scan:
            self._labels.remove(read)
        return (best.tracking_id if best is not None else None), len(on_scan)

    def _expire_labels(self, leading_index: int) -> None:
        keep = [
            r for r in self._labels
            if r.line_index + self.label_offset_lines >= leading_index - self.label_tolerance_lines
        ]
        self.labels_unmatched_total += len(self._labels) - len(keep)
        self._labels = keep
