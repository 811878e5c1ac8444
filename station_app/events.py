"""Events the core publishes (psygnal: no Qt needed).

Signals are emitted from the pipeline thread. The GUI never connects widgets to
them directly: ``gui`` has one adapter that stores the newest state and a Qt
timer that polls it.
"""

from __future__ import annotations

from psygnal import Signal


class StationEvents:
    """One instance per running station."""

    parcel_processed = Signal(object)  # ParcelScan, after it was persisted
    parcel_failed = Signal(str, str)  # scan id, one-line reason (the raw scan was kept)
    decision_recorded = Signal(object)  # Decision
    pipeline_error = Signal(str)  # one-line message a user may need to act on
    pipeline_stopped = Signal()
