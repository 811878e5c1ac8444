"""What the GUI needs from the core, as structural types.

Widgets take the core as a constructor parameter (pymmcore-widgets style) and
type it with these Protocols, so the GUI never imports ``station_app.station``
at module level and tests can pass the real ``Station`` or a small fake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from station_app.config import StationConfig
    from station_app.detection.detector import DetectorStatus
    from station_app.domain import Decision, MaterialImage, Verdict
    from station_app.events import StationEvents
    from station_app.imaging.render import DisplaySettings
    from station_app.manifests.model import Manifest

RGBA8 = NDArray[np.uint8]  # (lines, pixels, 4) RGBA8888, C-contiguous


class RendererLike(Protocol):
    """``station_app.imaging.render.Renderer``."""

    def render(
        self,
        image: MaterialImage,
        settings: DisplaySettings,
        out: RGBA8 | None = None,
    ) -> RGBA8: ...


class StationStatusLike(Protocol):
    """``station_app.station.StationStatus`` (read-only attributes)."""

    @property
    def scanner_state(self) -> str: ...
    @property
    def xray_on(self) -> bool: ...
    @property
    def belt_running(self) -> bool: ...
    @property
    def belt_speed_m_s(self) -> float: ...
    @property
    def calibration_age_h(self) -> float | None: ...
    @property
    def queue_depth(self) -> int: ...
    @property
    def parcels_processed(self) -> int: ...
    @property
    def parcels_failed(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def driver_name(self) -> str: ...


class StationLike(Protocol):
    """``station_app.station.Station``: the Qt-free core the GUI drives."""

    @property
    def config(self) -> StationConfig: ...
    @property
    def events(self) -> StationEvents: ...
    @property
    def renderer(self) -> RendererLike: ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def status(self) -> StationStatusLike: ...

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        operator: str,
        comment: str = "",
        decision_time_ms: float | None = None,
    ) -> Decision: ...

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        """The stored manifest for a tracking id, or None (reads the database)."""
        ...

    def detector_status(self) -> DetectorStatus:
        """Model, provider and any warning; fixed while the station runs."""
        ...

    def item_label(self, class_name: str) -> str:
        """A detector class name in the user's language (``config.gui.language``)."""
        ...
