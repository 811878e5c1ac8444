"""The image housekeeping thread: operator reports after decisions, retention, disk status.

It writes due OPERATOR reports at start (those a crash left behind) and whenever
``notify()`` says a decision was recorded, runs retention every
``images.housekeeping_interval_s`` (and, with it, deletes TIP images older than
``tip.keep_images_days``: they are no ``image_files`` rows, so retention never
sees them), and keeps the latest ``ImageStoreStatus`` for the GUI (``status()``
never touches the database).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from station_app.config import StationConfig
from station_app.storage.db import Database
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.image_retention import ImageRetention, ImageStoreStatus
from station_app.storage.images import ImageStore
from station_app.storage.operator_reports import OperatorReportWriter
from station_app.storage.tip import TipRepository
from station_app.storage.tip_images import TipImageStore

log = logging.getLogger(__name__)


class ImageHousekeeper:
    def __init__(self, database: Database, images: ImageStore, config: StationConfig) -> None:
        files = ImageFileRepository(database)
        self.reports = OperatorReportWriter(files, images)
        self.retention = ImageRetention(
            images, files, config.images, central=bool(config.sync.central_url)
        )
        self.tip_images = TipImageStore(
            images,
            TipRepository(database, config.station_id),
            keep_days=config.tip.keep_images_days,
        )
        self.interval_s = config.images.housekeeping_interval_s
        self._lock = threading.Lock()
        self._status: ImageStoreStatus | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="image-housekeeping", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> bool:
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def notify(self, *_args: Any) -> None:
        """A decision was recorded: write its operator report now (connects to
        ``StationEvents.decision_recorded``)."""
        self._wake.set()

    def status(self) -> ImageStoreStatus:
        with self._lock:
            status = self._status
        if status is None:  # before the first pass: one query, then cached
            status = self._set_status(self.retention.status())
        return status

    def write_reports(self) -> int:
        """Write due operator reports now; never raises."""
        try:
            return self.reports.write_due()
        except Exception:  # a database problem must not end the thread
            log.exception("image housekeeping: operator reports not written")
            return 0

    def run_retention(self) -> ImageStoreStatus | None:
        """One retention pass now; None when it failed (logged)."""
        try:
            return self._set_status(self.retention.run().status)
        except Exception:
            log.exception("image housekeeping: retention pass failed")
            return None

    def delete_old_tip_images(self) -> int:
        """Delete TIP images past ``tip.keep_images_days`` now; never raises."""
        try:
            return self.tip_images.delete_expired()
        except Exception:
            log.exception("image housekeeping: old TIP images not deleted")
            return 0

    def _set_status(self, status: ImageStoreStatus) -> ImageStoreStatus:
        with self._lock:
            self._status = status
        return status

    def _run(self) -> None:
        next_retention = time.monotonic()
        while not self._stop.is_set():
            while self.write_reports():  # more than one batch may be due after a crash
                if self._stop.is_set():
                    return
            if time.monotonic() >= next_retention:
                self.run_retention()
                self.delete_old_tip_images()
                next_retention = time.monotonic() + self.interval_s
            self._wake.wait(max(0.0, next_retention - time.monotonic()))
            self._wake.clear()
