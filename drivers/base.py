"""Protocols and frame types shared by every scanner driver.

A driver talks to one line-scan dual-energy X-ray scanner. It owns no threads:
``lines()`` blocks until the next block of detector lines is available and the
station decides which thread calls it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

ENTRY_POINT_GROUP = "station_app.drivers"


class DriverError(RuntimeError):
    """A driver could not do what was asked (link down, interlock open, bad frame)."""


class InterlockOpenError(DriverError):
    """X-ray generation was refused or stopped because a safety interlock is open."""


class DetectorLayout(StrEnum):
    """How the two energies are measured."""

    SANDWICH = "sandwich"  # thin front scintillator (low), filter, thick back scintillator (high)
    DUAL_ARRAY = "dual_array"  # two separate detector arrays with different filters


@dataclass(frozen=True)
class ScannerInfo:
    """Static facts about a scanner, read once after ``open()``."""

    vendor: str
    model: str
    serial: str
    pixels: int  # detector pixels per energy channel, across the belt
    pitch_mm: float  # detector pixel pitch across the belt
    line_rate_hz: float  # lines per second at nominal belt speed
    belt_speed_m_s: float  # nominal belt speed
    tube_kv: float
    tube_ma: float
    detector_layout: DetectorLayout
    counts_max: int = 65535  # ADC full scale
    firmware: str = ""

    @property
    def line_pitch_mm(self) -> float:
        """Belt travel between two detector lines, in mm."""
        return self.belt_speed_m_s * 1000.0 / self.line_rate_hz


@dataclass(frozen=True)
class Interlocks:
    """Safety chain. X-rays may only be on when every field is True."""

    tunnel_curtains_ok: bool = True
    covers_closed: bool = True
    emergency_stop_released: bool = True
    key_switch_on: bool = True

    @property
    def all_closed(self) -> bool:
        return (
            self.tunnel_curtains_ok
            and self.covers_closed
            and self.emergency_stop_released
            and self.key_switch_on
        )

    def open_names(self) -> tuple[str, ...]:
        return tuple(name for name, ok in self.__dict__.items() if not ok)


@dataclass(frozen=True)
class ScannerStatus:
    """Live state of a scanner, cheap to poll."""

    xray_on: bool
    belt_running: bool
    belt_speed_m_s: float
    tube_kv: float
    tube_ma: float
    interlocks: Interlocks
    tube_temperature_c: float | None = None
    detector_temperature_c: float | None = None
    faults: tuple[str, ...] = ()
    lines_acquired: int = 0
    lines_dropped: int = 0


@dataclass(frozen=True)
class LineBlock:
    """Consecutive detector lines, as counted by the scanner.

    ``high_counts`` and ``low_counts`` are uint16 arrays of shape (lines, pixels):
    raw ADC counts, before any dark or air correction. ``first_line_index`` counts
    lines since the driver was opened (gaps mean dropped lines). ``timestamp_ns``
    is ``time.monotonic_ns()`` when the first line was acquired.
    ``object_present`` (bool, shape (lines,)), when the scanner has a light
    barrier at the X-ray plane: True for lines acquired while it was interrupted.
    Nearly transparent parcels (postal bags) are found by it, not by the X-rays.
    A block may hold no lines (shape (0, pixels)): with ``xray_on=False`` it reports
    that X-rays went off before line ``first_line_index`` (an interlock trip), so the
    station can close the parcel under the beam even if no line follows.
    """

    first_line_index: int
    timestamp_ns: int
    high_counts: NDArray[np.uint16]
    low_counts: NDArray[np.uint16]
    xray_on: bool = True
    belt_running: bool = True
    object_present: NDArray[np.bool_] | None = None

    @property
    def n_lines(self) -> int:
        return int(self.high_counts.shape[0])

    @property
    def pixels(self) -> int:
        return int(self.high_counts.shape[1])


@dataclass(frozen=True)
class LabelRead:
    """A tracking id read at the tunnel entrance.

    ``line_index`` is the detector line that was being acquired at the moment of
    the read; the station adds the reader-to-X-ray-plane distance to place the
    label on a parcel.
    """

    tracking_id: str
    line_index: int
    timestamp_ns: int
    symbology: str = "code128"


@runtime_checkable
class ScannerDriver(Protocol):
    """What the station needs from a scanner."""

    @property
    def info(self) -> ScannerInfo: ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def lines(self) -> Iterator[LineBlock]:
        """Blocking iterator over detector lines; ends when the driver is closed
        or the source is exhausted."""
        ...

    def xray_on(self) -> None:
        """Raises ``InterlockOpenError`` when an interlock is open."""
        ...

    def xray_off(self) -> None: ...

    def belt_start(self) -> None: ...

    def belt_stop(self) -> None: ...

    def status(self) -> ScannerStatus: ...


@runtime_checkable
class LabelReader(Protocol):
    """Reads tracking ids (barcode / OCR) at the tunnel entrance."""

    def poll(self) -> list[LabelRead]:
        """Reads since the last call; never blocks."""
        ...


@runtime_checkable
class CalibrationTargetLoader(Protocol):
    """Optional: a scanner that can put a calibration target on its own belt.

    The simulator implements it; with a real scanner a technician places the
    target and the station waits for it.
    """

    def load_target(self, name: str) -> None:
        """Queue a target ('step_wedge', 'iq_test_piece', 'empty') for the next lines."""
        ...


@dataclass(frozen=True)
class DriverSpec:
    """A driver chosen by name with its options, as the config holds it."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


class DriverFactory(Protocol):
    """The object an entry point in ``station_app.drivers`` resolves to."""

    def __call__(self, **options: Any) -> ScannerDriver: ...
