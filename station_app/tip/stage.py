"""The pipeline's TIP step: after a real parcel is stored, maybe make its TIP image.

The real parcel is processed, stored and sent exactly as without TIP. Only
then, when the schedule says so, the item is projected into a copy of its raw
counts and that copy goes through the same processing (calibration, materials,
alarms, detector) to become the image the inspector is shown first. The copy
is never stored as a scan: its only trace is the presentation row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from station_app.domain import ParcelScan, RawScan, TipImage
from station_app.imaging.calibration import CalibrationSet
from station_app.storage.tip import TipRepository
from station_app.tip.schedule import TipScheduler

log = logging.getLogger(__name__)


class TipStage:
    def __init__(
        self, scheduler: TipScheduler, calibration: CalibrationSet, presentations: TipRepository
    ) -> None:
        self._scheduler = scheduler
        self._calibration = calibration
        self._presentations = presentations

    def maybe_present(
        self, parcel: ParcelScan, process: Callable[[RawScan], ParcelScan]
    ) -> TipImage | None:
        """The parcel's TIP image when one is due and the parcel has room; else None."""
        if not self._scheduler.due():
            return None
        projection = self._scheduler.project_into(parcel.raw, self._calibration)
        if projection is None:
            return None
        shown = process(projection.raw)
        presentation_id = self._presentations.add_presentation(
            parcel.scan_id,
            projection.item.item_id,
            projection.item.category,
            projection.box,
            projection.placement.angle_deg,
        )
        log.info("TIP %d: %s projected into %s", presentation_id, projection.item.item_id,
                 parcel.scan_id)
        return TipImage(
            presentation_id=presentation_id,
            item_id=projection.item.item_id,
            category=projection.item.category,
            box=projection.box,
            parcel=shown,
        )
