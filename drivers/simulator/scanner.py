"""The simulated dual-energy line-scan scanner (ScannerDriver, LabelReader, target loader).

The belt is a timeline of segments — air gaps, parcels, calibration targets —
planned a little ahead of the X-ray plane (as far as the label reader sits
before it), so a parcel's label is read while the previous parcel may still be
under the beam, as on a real tunnel. A parcel is imaged once when its first
line is reached (physics LUT + blur); noise is drawn per block of lines.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from importlib import import_module
from pathlib import Path
from typing import Any, Literal, Protocol, cast

import numpy as np
from numpy.typing import NDArray

from drivers.base import (
    DetectorLayout,
    DriverError,
    InterlockOpenError,
    Interlocks,
    LabelRead,
    LineBlock,
    ScannerInfo,
    ScannerStatus,
)
from drivers.simulator.detector import DetectorModel, DetectorSpec, PixelFlaws
from drivers.simulator.groundtruth import (
    ParcelGroundTruth,
    is_valid_s10,
    s10_tracking_id,
    write_ground_truth,
)
from drivers.simulator.model import ItemTruth, ParcelPlan
from drivers.simulator.physics import TubeSpec, XrayPhysics
from drivers.simulator.scene import render_plan
from drivers.simulator.targets import Grid, build_target

Float32Array = NDArray[np.float32]
CountsArray = NDArray[np.uint16]

_TUBE_TEMPERATURE_C = 42.0
_DETECTOR_TEMPERATURE_C = 29.5


class PlanFactory(Protocol):
    """Makes one random parcel; ``drivers.simulator.parcels.generate_parcel`` by default."""

    def __call__(
        self, rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None
    ) -> ParcelPlan: ...


def _default_plan_factory(
    rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None
) -> ParcelPlan:
    # Imported on use: the parcel generator is large and only needed for streaming.
    generate = cast(PlanFactory, import_module("drivers.simulator.parcels").generate_parcel)
    return generate(rng, pixels=pixels, pitch_mm=pitch_mm, difficulty=difficulty)


@dataclass(frozen=True)
class SimulatorOptions:
    """Every option of the simulator driver (all have defaults)."""

    seed: int = 0
    pixels: int = 1024
    pitch_mm: float = 1.0
    line_rate_hz: float = 240.0
    belt_speed_m_s: float = 0.24
    tube_kv: float = 140.0
    tube_ma: float = 1.0
    realtime: bool = False
    block_lines: int = 32
    parcels: int | None = None  # None: endless
    difficulty: str | None = None
    gap_mm: tuple[float, float] = (150.0, 600.0)
    touching_probability: float = 0.05
    touching_gap_mm: tuple[float, float] = (0.0, 20.0)
    label_reader_offset_mm: float = 600.0
    label_read_rate: float = 1.0  # fraction of labels the reader manages to read
    ground_truth_dir: str | None = None
    serial: str = "SIM-0001"
    autostart: bool = True  # open() switches X-rays and belt on

    def __post_init__(self) -> None:
        if self.pixels < 16 or self.block_lines < 1:
            raise ValueError("pixels must be >= 16 and block_lines >= 1")
        if self.line_rate_hz <= 0 or self.belt_speed_m_s <= 0 or self.pitch_mm <= 0:
            raise ValueError("line_rate_hz, belt_speed_m_s and pitch_mm must be positive")
        if self.parcels is not None and self.parcels < 0:
            raise ValueError("parcels must be None or >= 0")
        for name in ("gap_mm", "touching_gap_mm"):
            lo, hi = getattr(self, name)
            if not 0 <= lo <= hi:
                raise ValueError(f"{name} must be (min, max) with 0 <= min <= max")

    @property
    def line_pitch_mm(self) -> float:
        return self.belt_speed_m_s * 1000.0 / self.line_rate_hz


@dataclass(frozen=True)
class RenderedParcel:
    """One parcel imaged without streaming: raw counts (lines, pixels) and its truth."""

    plan: ParcelPlan
    high_counts: CountsArray = field(repr=False)
    low_counts: CountsArray = field(repr=False)
    truth: tuple[ItemTruth, ...]


@dataclass(frozen=True)
class _Segment:
    first_line: int
    length: int
    kind: Literal["air", "parcel", "target"]
    plan: ParcelPlan | None = None
    xray_forced_off: bool = False

    @property
    def end_line(self) -> int:
        return self.first_line + self.length


class SimulatedScanner:
    """A physics-based dual-energy line-scan scanner with belt, tube, interlocks and reader."""

    def __init__(
        self,
        *,
        plan_factory: PlanFactory | None = None,
        physics: XrayPhysics | None = None,
        **options: Any,
    ) -> None:
        known = {f.name for f in fields(SimulatorOptions)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown simulator option(s): {', '.join(unknown)}")
        for name in ("gap_mm", "touching_gap_mm"):
            if name in options:  # config files give lists
                options[name] = tuple(options[name])
        self.options = SimulatorOptions(**options)
        self._plan_factory: PlanFactory = plan_factory or _default_plan_factory
        self._physics = physics
        if physics is not None and physics.tube.kv != self.options.tube_kv:
            raise ValueError("physics was built for another tube voltage")
        o = self.options
        self._info = ScannerInfo(
            vendor="station_app", model="Simulated DE line scanner", serial=o.serial,
            pixels=o.pixels, pitch_mm=o.pitch_mm, line_rate_hz=o.line_rate_hz,
            belt_speed_m_s=o.belt_speed_m_s, tube_kv=o.tube_kv, tube_ma=o.tube_ma,
            detector_layout=DetectorLayout.SANDWICH, firmware="sim-1",
        )
        self._detector = DetectorModel(
            DetectorSpec(), PixelFlaws.from_serial(DetectorSpec(), o.pixels, o.serial),
            tube_ma=o.tube_ma,
        )
        self._period_ns = round(1e9 / o.line_rate_hz)
        self._reader_offset_lines = round(o.label_reader_offset_mm / o.line_pitch_mm)
        self._cond = threading.Condition()
        self._closed = threading.Event()
        self._opened = False
        self._xray_on = False
        self._belt_running = False
        self._interlocks = Interlocks()
        self._tripped: tuple[str, ...] = ()
        self._targets: deque[str] = deque()
        self._label_reads: list[LabelRead] = []
        # Stream state, (re)set by _reset_stream on every open().
        self._next_line = 0
        self._next_timestamp_ns = 0
        self._pace_origin = (0, 0)
        self._segments: deque[_Segment] = deque()
        self._planned_end = 0
        self._parcels_planned = 0
        self._tail_added = False
        self._pending_reads: deque[tuple[int, str]] = deque()
        self._rendered: dict[int, tuple[Float32Array, Float32Array]] = {}
        self._noise_rng = np.random.default_rng()
        self._gap_rng = np.random.default_rng()
        self._reset_stream()

    # ------------------------------------------------------------------ driver
    @property
    def info(self) -> ScannerInfo:
        return self._info

    @property
    def physics(self) -> XrayPhysics:
        """Spectrum/LUT of this scanner, built on first use (about a second)."""
        if self._physics is None:
            self._physics = XrayPhysics(TubeSpec(kv=self.options.tube_kv))
        return self._physics

    @property
    def detector(self) -> DetectorModel:
        """The detector model (fixed flaws of this serial/seed, noise, blur)."""
        return self._detector

    @property
    def pixel_flaws(self) -> PixelFlaws:
        return self._detector.flaws

    def open(self) -> None:
        _ = self.physics
        with self._cond:
            self._reset_stream()
            self._closed.clear()
            self._opened = True
            if self.options.autostart:
                self._belt_running = True
                self._pace_origin = (time.monotonic_ns(), 0)
                if self._interlocks.all_closed:
                    self._xray_on = True

    def close(self) -> None:
        with self._cond:
            self._opened = False
            self._xray_on = False
            self._closed.set()
            self._cond.notify_all()

    def xray_on(self) -> None:
        with self._cond:
            if not self._interlocks.all_closed:
                names = ", ".join(self._interlocks.open_names())
                raise InterlockOpenError(f"X-ray refused: interlock open ({names})")
            self._xray_on = True
            self._tripped = ()

    def xray_off(self) -> None:
        with self._cond:
            self._xray_on = False

    def belt_start(self) -> None:
        with self._cond:
            if not self._belt_running:
                self._belt_running = True
                self._pace_origin = (time.monotonic_ns(), self._next_line)
                self._cond.notify_all()

    def belt_stop(self) -> None:
        with self._cond:
            self._belt_running = False

    def set_interlock(self, name: str, ok: bool) -> None:
        """Open or close one safety interlock (a field name of ``Interlocks``)."""
        if name not in {f.name for f in fields(Interlocks)}:
            raise ValueError(f"unknown interlock {name!r}")
        with self._cond:
            self._interlocks = replace(self._interlocks, **{name: ok})
            if not ok and self._xray_on:
                self._xray_on = False
                self._tripped = (f"X-ray tripped: interlock {name} opened",)

    def status(self) -> ScannerStatus:
        with self._cond:
            faults = tuple(f"interlock open: {n}" for n in self._interlocks.open_names())
            return ScannerStatus(
                xray_on=self._xray_on,
                belt_running=self._belt_running,
                belt_speed_m_s=self.options.belt_speed_m_s if self._belt_running else 0.0,
                tube_kv=self.options.tube_kv if self._xray_on else 0.0,
                tube_ma=self.options.tube_ma if self._xray_on else 0.0,
                interlocks=self._interlocks,
                tube_temperature_c=_TUBE_TEMPERATURE_C,
                detector_temperature_c=_DETECTOR_TEMPERATURE_C,
                faults=faults + self._tripped,
                lines_acquired=self._next_line,
            )

    def poll(self) -> list[LabelRead]:
        with self._cond:
            reads, self._label_reads = self._label_reads, []
        return reads

    def load_target(self, name: str) -> None:
        """Queue a target ('step_wedge', 'iq_test_piece', 'empty', 'dark').

        It goes on the belt behind whatever is already between the label reader
        and the X-ray plane.
        """
        build_target(name, self._grid())  # reject unknown names now, not mid-stream
        with self._cond:
            self._targets.append(name)

    # --------------------------------------------------------------- streaming
    def lines(self) -> Iterator[LineBlock]:
        if not self._is_open():
            raise DriverError("simulated scanner is not open")
        while True:
            with self._cond:
                while self._is_open() and not self._belt_running:
                    self._cond.wait(0.05)
                if not self._is_open():
                    return
                first = self._next_line
                xray = self._xray_on
                origin_ns, origin_line = self._pace_origin
            produced = self._produce_block(first, xray)
            if produced is None:
                return
            high, low, block_xray, presence = produced
            n = high.shape[0]
            if self.options.realtime:
                # Lines of a block exist only once its last line has been integrated.
                deadline_ns = origin_ns + (first + n - origin_line) * self._period_ns
                if self._closed.wait(max(0.0, (deadline_ns - time.monotonic_ns()) / 1e9)):
                    return
                timestamp_ns = origin_ns + (first - origin_line) * self._period_ns
            else:
                timestamp_ns = max(time.monotonic_ns(), self._next_timestamp_ns)
            self._next_timestamp_ns = timestamp_ns + n * self._period_ns
            with self._cond:
                if not self._is_open():
                    return
                self._next_line = first + n
                self._release_label_reads(first, n, timestamp_ns)
            yield LineBlock(
                first, timestamp_ns, high, low, xray_on=block_xray, object_present=presence
            )

    # ------------------------------------------------------- direct rendering
    def scan_plan(
        self, plan: ParcelPlan, rng: np.random.Generator | None = None
    ) -> tuple[CountsArray, CountsArray]:
        """Raw (high, low) counts of one plan with X-rays on, no streaming."""
        if rng is None:
            rng = np.random.default_rng(
                [self.options.seed, zlib.crc32(plan.tracking_id.encode()), plan.length_lines]
            )
        high_t, low_t, _ = self._expected(plan)
        return self._detector.counts(high_t, low_t, rng)

    def expected_transmission(self, plan: ParcelPlan) -> tuple[Float32Array, Float32Array]:
        """Noise-free blurred (T_high, T_low) of a plan, float32 (lines, pixels)."""
        high_t, low_t, _ = self._expected(plan)
        return high_t, low_t

    def make_plan(self, parcel_seed: int) -> ParcelPlan:
        """The random parcel of ``parcel_seed`` with a valid S10 tracking id."""
        rng = np.random.default_rng([self.options.seed, parcel_seed])
        plan = self._plan_factory(
            rng, pixels=self.options.pixels, pitch_mm=self.options.pitch_mm,
            difficulty=self.options.difficulty,
        )
        if not is_valid_s10(plan.tracking_id):
            plan = replace(plan, tracking_id=s10_tracking_id(rng))
        return plan

    def render_parcel(self, parcel_seed: int) -> RenderedParcel:
        """Plan and image parcel ``parcel_seed`` (for training data): counts plus truth."""
        plan = self.make_plan(parcel_seed)
        high_t, low_t, truth = self._expected(plan)
        rng = np.random.default_rng([self.options.seed, parcel_seed, 1])
        high, low = self._detector.counts(high_t, low_t, rng)
        return RenderedParcel(plan, high, low, truth)

    # ---------------------------------------------------------------- helpers
    def _is_open(self) -> bool:
        # A method, not the attribute: other threads flip it while lines() runs.
        return self._opened

    def _grid(self) -> Grid:
        o = self.options
        return Grid(pixels=o.pixels, pitch_mm=o.pitch_mm, line_pitch_mm=o.line_pitch_mm)

    def _expected(
        self, plan: ParcelPlan
    ) -> tuple[Float32Array, Float32Array, tuple[ItemTruth, ...]]:
        physics = self.physics
        scene = render_plan(plan, physics.coefficients, self.options.pixels)
        high_t, low_t = physics.lut.transmission(scene.t_low_mm, scene.t_high_mm)
        return self._detector.blur(high_t), self._detector.blur(low_t), scene.truth

    def _reset_stream(self) -> None:
        o = self.options
        self._next_line = 0
        self._next_timestamp_ns = 0
        self._pace_origin = (time.monotonic_ns(), 0)
        self._segments = deque()
        self._planned_end = 0
        self._parcels_planned = 0
        self._tail_added = False
        self._pending_reads = deque()
        self._rendered = {}
        self._noise_rng = np.random.default_rng([o.seed, zlib.crc32(o.serial.encode()), 3])
        self._gap_rng = np.random.default_rng([o.seed, 4])
        self._label_reads = []

    def _produce_block(
        self, first: int, xray: bool
    ) -> tuple[CountsArray, CountsArray, bool, NDArray[np.bool_]] | None:
        self._schedule(first + self.options.block_lines + self._reader_offset_lines)
        while self._segments and self._segments[0].end_line <= first:
            self._rendered.pop(self._segments.popleft().first_line, None)
        n = min(self.options.block_lines, self._planned_end - first)
        if n <= 0:
            return None
        overlapping = [s for s in self._segments if s.first_line < first + n]
        # A block has one X-ray flag, so it ends where a 'dark' target starts or stops.
        forced_off = overlapping[0].xray_forced_off
        for seg in overlapping[1:]:
            if seg.xray_forced_off != forced_off:
                n = seg.first_line - first
                break
        pixels = self.options.pixels
        high_t = np.ones((n, pixels), dtype=np.float32)
        low_t = np.ones((n, pixels), dtype=np.float32)
        # The tunnel's light barrier sees every object on the belt, however transparent.
        presence = np.zeros(n, dtype=bool)
        for seg in overlapping:
            if seg.plan is None or seg.first_line >= first + n:
                continue
            seg_high, seg_low = self._segment_transmission(seg)
            a = max(first, seg.first_line)
            b = min(first + n, seg.end_line)
            high_t[a - first:b - first] = seg_high[a - seg.first_line:b - seg.first_line]
            low_t[a - first:b - first] = seg_low[a - seg.first_line:b - seg.first_line]
            presence[a - first:b - first] = True
        block_xray = xray and not forced_off
        if block_xray:
            high, low = self._detector.counts(high_t, low_t, self._noise_rng)
        else:
            high, low = self._detector.dark(n, self._noise_rng)
        return high, low, block_xray, presence

    def _segment_transmission(self, seg: _Segment) -> tuple[Float32Array, Float32Array]:
        cached = self._rendered.get(seg.first_line)
        if cached is None:
            assert seg.plan is not None
            high_t, low_t, truth = self._expected(seg.plan)
            cached = (high_t, low_t)
            self._rendered[seg.first_line] = cached
            if seg.kind == "parcel" and self.options.ground_truth_dir is not None:
                self._write_truth(seg, truth)
        return cached

    def _write_truth(self, seg: _Segment, truth: tuple[ItemTruth, ...]) -> None:
        assert seg.plan is not None and self.options.ground_truth_dir is not None
        record = ParcelGroundTruth(
            tracking_id=seg.plan.tracking_id, first_line_index=seg.first_line,
            line_count=seg.length, offset_px=seg.plan.offset_px, width_px=seg.plan.width_px,
            difficulty=seg.plan.difficulty, items=truth,
        )
        write_ground_truth(Path(self.options.ground_truth_dir), record)

    def _schedule(self, until_line: int) -> None:
        """Plan belt segments until ``until_line`` is covered or the source runs dry."""
        o = self.options
        while self._planned_end <= until_line:
            with self._cond:
                target = self._targets.popleft() if self._targets else None
            more_parcels = o.parcels is None or self._parcels_planned < o.parcels
            if target is None and not more_parcels:
                if not self._tail_added:
                    self._append("air", self._gap_lines(), None)
                    self._tail_added = True
                return
            after_target = bool(self._segments) and self._segments[-1].kind == "target"
            gap = self._gap_lines(clear_belt=target is not None or after_target)
            if self._planned_end == 0:
                # Lead-in long enough for the first label to be read on the belt.
                gap = max(gap, self._reader_offset_lines + 1)
            self._append("air", gap, None)
            if target is not None:
                calib = build_target(target, self._grid())
                self._append("target", calib.plan.length_lines, calib.plan,
                             xray_forced_off=not calib.xray_on)
                self._tail_added = False
            else:
                self._plan_parcel()

    def _plan_parcel(self) -> None:
        parcel_seed = self._parcels_planned
        plan = self.make_plan(parcel_seed)
        self._parcels_planned += 1
        first = self._planned_end
        self._append("parcel", plan.length_lines, plan)
        read_rng = np.random.default_rng([self.options.seed, parcel_seed, 2])
        if read_rng.random() < self.options.label_read_rate:
            self._pending_reads.append((first - self._reader_offset_lines, plan.tracking_id))

    def _append(self, kind: Literal["air", "parcel", "target"], length: int,
                plan: ParcelPlan | None, *, xray_forced_off: bool = False) -> None:
        if length <= 0:
            return
        plan_or_none = None if plan is not None and not (plan.container or plan.contents) else plan
        self._segments.append(
            _Segment(self._planned_end, length, kind, plan_or_none, xray_forced_off)
        )
        self._planned_end += length

    def _gap_lines(self, *, clear_belt: bool = False) -> int:
        """Air before the next segment. ``clear_belt``: a technician puts a calibration
        target on an empty stretch of belt, so nothing touches it."""
        o = self.options
        rng = self._gap_rng
        touching = rng.random() < o.touching_probability
        lo, hi = o.touching_gap_mm if touching and not clear_belt else o.gap_mm
        return round(rng.uniform(lo, hi) / o.line_pitch_mm)

    def _release_label_reads(self, first: int, n: int, timestamp_ns: int) -> None:
        """Moves reads whose line has now been acquired to the poll queue (lock held)."""
        while self._pending_reads and self._pending_reads[0][0] < first + n:
            line, tracking_id = self._pending_reads.popleft()
            line = max(line, 0)
            ts = timestamp_ns + (line - first) * self._period_ns
            self._label_reads.append(LabelRead(tracking_id, line, ts))


def option_names() -> Sequence[str]:
    return tuple(f.name for f in fields(SimulatorOptions))
