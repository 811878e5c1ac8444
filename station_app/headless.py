"""Running the station without a GUI: parcels in, one JSON line per parcel out."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, TextIO

from station_app.config import StationConfig
from station_app.domain import ParcelScan
from station_app.station import build_station


def parcel_summary(parcel: ParcelScan) -> dict[str, Any]:
    lines, pixels = parcel.image.shape
    return {
        "scan_id": parcel.scan_id,
        "tracking_id": parcel.tracking_id,
        "lines": lines,
        "pixels": pixels,
        "length_mm": round(lines * parcel.image.line_pitch_mm, 1),
        "flags": sorted(parcel.raw.flags),
        "alarms": [
            {
                "kind": alarm.kind,
                "box": [alarm.box.line0, alarm.box.px0, alarm.box.line1, alarm.box.px1],
                "area_mm2": round(alarm.area_mm2, 1),
                "score": round(alarm.score, 3),
            }
            for alarm in parcel.alarms
        ],
        "detections": [
            {
                "class_name": det.class_name,
                "confidence": round(det.confidence, 3),
                "box": [det.box.line0, det.box.px0, det.box.line1, det.box.px1],
            }
            for det in parcel.detections
        ],
        "triage": parcel.triage.level.value,
        "reasons": list(parcel.triage.reasons),
        "timings_ms": {name: round(ms, 2) for name, ms in parcel.timings_ms.items()},
    }


def run_headless(
    config: StationConfig,
    *,
    parcels: int | None,
    as_json: bool,
    stop: threading.Event,
    out: TextIO | None = None,
) -> int:
    """Process parcels until ``parcels`` are done, the driver ends or ``stop`` is set."""
    stream = out if out is not None else sys.stdout
    if config.tip.enabled:
        # TIP tests an inspector; with nobody at the screen it would only leave
        # unanswered presentations behind.
        config = config.model_copy(update={"tip": config.tip.model_copy(update={"enabled": False})})
    station = build_station(config, max_parcels=parcels)
    detector = station.detector_status()
    print(f"station-app: {detector.summary}"
          + (f" — {detector.warning}" if detector.warning else ""), file=sys.stderr)

    def report(parcel: ParcelScan) -> None:
        if as_json:
            stream.write(json.dumps(parcel_summary(parcel), ensure_ascii=False) + "\n")
        else:
            stream.write(
                f"{parcel.scan_id} {parcel.tracking_id or '-':<13} "
                f"{parcel.triage.level.value.upper():<5} "
                f"{', '.join(a.kind for a in parcel.alarms) or 'no alarms'}; "
                f"{', '.join(d.class_name for d in parcel.detections) or 'no items found'}\n"
            )
        stream.flush()

    def failed(scan_id: str, reason: str) -> None:
        print(f"station-app: parcel {scan_id} kept unprocessed: {reason}", file=sys.stderr)

    station.events.parcel_processed.connect(report)
    station.events.parcel_failed.connect(failed)
    station.events.pipeline_error.connect(lambda message: print(message, file=sys.stderr))
    try:
        station.start()
        while not stop.is_set():
            if station.pipeline.wait(0.2):
                break
    finally:
        station.stop()
    counters = station.pipeline.counters
    return 0 if counters.parcels_failed == 0 else 1
