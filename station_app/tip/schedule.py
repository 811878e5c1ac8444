"""When a parcel gets a TIP item, and which one (the site's TIP rules).

A TIP image must be rare and unpredictable, or inspectors learn its rhythm:
each parcel gets one with probability ``rate``, never sooner than
``min_parcels_between`` parcels after the last. The category is drawn first
(so a library with many knives does not make knives the usual TIP), then an
item of it; an item with no room in the parcel gives way to another.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np

from station_app.config import TipConfig
from station_app.domain import RawScan
from station_app.imaging.calibration import CalibrationSet
from station_app.tip.library import (
    TipItem,
    TipLibrary,
    TipLibraryError,
    load_library,
    shipped_library_dir,
)
from station_app.tip.projection import (
    TipProjection,
    TipProjectionError,
    choose_placement,
    project,
)

log = logging.getLogger(__name__)

_ITEM_TRIES = 4  # items tried per parcel before giving the parcel up for TIP


class TipScheduler:
    """Decides per parcel whether to project, and projects. Not thread-safe: one
    pipeline thread calls it."""

    def __init__(
        self, config: TipConfig, library: TipLibrary, rng: np.random.Generator | None = None
    ) -> None:
        items = library.select(
            config.categories,
            min_length_mm=config.min_item_length_mm,
            max_length_mm=config.max_item_length_mm,
        )
        if not items:
            raise TipLibraryError(
                f"no item of TIP library {library.root} matches the TIP rules "
                f"(categories {config.categories}, {config.min_item_length_mm:g}-"
                f"{config.max_item_length_mm:g} mm)"
            )
        by_category: dict[str, list[TipItem]] = defaultdict(list)
        for item in items:
            by_category[item.category].append(item)
        self._by_category = dict(by_category)
        self._library = library
        self._config = config
        self._rng = rng or np.random.default_rng()
        # The first parcels of a shift are not TIP candidates either.
        self._since_last = 0

    @property
    def library(self) -> TipLibrary:
        """The library the items come from (its name and date mark the TIP images)."""
        return self._library

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_category))

    def due(self) -> bool:
        """Counts one parcel and says whether it is to carry a TIP item."""
        self._since_last += 1
        if not self._config.enabled or self._since_last <= self._config.min_parcels_between:
            return False
        return bool(self._rng.random() < self._config.rate)

    def project_into(self, raw: RawScan, calibration: CalibrationSet) -> TipProjection | None:
        """A projection into ``raw`` of a random allowed item; None if none has room."""
        categories = list(self._by_category)
        for _ in range(_ITEM_TRIES):
            category = categories[int(self._rng.integers(0, len(categories)))]
            pool = self._by_category[category]
            item = pool[int(self._rng.integers(0, len(pool)))]
            try:
                placement = choose_placement(raw, calibration, item, self._rng)
                projection = project(raw, calibration, item, placement, self._rng)
            except TipProjectionError as exc:
                log.debug("TIP: %s", exc)
                continue
            self._since_last = 0
            return projection
        log.info("TIP: parcel %s too small for the TIP items tried; next parcel", raw.scan_id)
        return None

    def maybe_project(self, raw: RawScan, calibration: CalibrationSet) -> TipProjection | None:
        """``due()`` and, if so, ``project_into()``: what the pipeline calls per parcel."""
        return self.project_into(raw, calibration) if self.due() else None


def build_tip_scheduler(config: TipConfig) -> TipScheduler | None:
    """The station's scheduler, or None with TIP off. A library that cannot be used
    turns TIP off with an error in the log: screening must go on without it."""
    if not config.enabled:
        return None
    root = config.library_dir or shipped_library_dir()
    try:
        return TipScheduler(config, load_library(root))
    except TipLibraryError as exc:
        log.error("threat image projection is OFF: %s", exc)
        return None
