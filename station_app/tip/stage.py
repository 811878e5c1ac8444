"""The pipeline's TIP step: after a real parcel is stored, maybe make its TIP image.

The real parcel is processed, stored and sent exactly as without TIP. Only
then, when the schedule says so, the item is projected into a copy of its raw
counts and that copy goes through the same processing (calibration, materials,
alarms, detector) to become the image the inspector is shown first. The copy
is never stored as a scan: its trace is the presentation row and, when the
station keeps them, the TIP image's own DICOS files, marked as TIP and kept on
this station only (``storage.tip_images``). A TIP image that cannot be written
is still shown: TIP never disturbs screening.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from station_app.domain import ParcelScan, RawScan, TipImage
from station_app.imaging.calibration import CalibrationSet
from station_app.storage.db import StorageError
from station_app.storage.tip import TipRepository
from station_app.storage.tip_images import TipImageStore
from station_app.tip.schedule import TipScheduler

log = logging.getLogger(__name__)


class TipStage:
    def __init__(
        self,
        scheduler: TipScheduler,
        calibration: CalibrationSet,
        presentations: TipRepository,
        images: TipImageStore | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._calibration = calibration
        self._presentations = presentations
        self._images = images  # None: TIP images are not kept as files

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
        tip = TipImage(
            presentation_id=presentation_id,
            item_id=projection.item.item_id,
            category=projection.item.category,
            box=projection.box,
            parcel=shown,
        )
        if self._images is not None:
            self._keep(tip)
        return tip

    def _keep(self, tip: TipImage) -> None:
        """Write the TIP image's DICOS files; a failure is logged, never raised."""
        assert self._images is not None
        try:
            self._images.write(tip, self._scheduler.library)
        except StorageError as exc:
            log.warning("TIP %d: TIP image not kept as DICOS, shown all the same: %s",
                        tip.presentation_id, exc)
        except Exception:  # an unexpected fault must not cost the inspector the TIP image
            log.warning("TIP %d: TIP image not kept as DICOS, shown all the same",
                        tip.presentation_id, exc_info=True)
