"""Image retention under a disk budget: delete only what central confirmed, warn loudly.

Rules (docs/images.md):

- a file central has not confirmed is never deleted, whatever the budget says;
- a scan's files go together, and only once the scan is decided, every one of its
  files is confirmed by central and none failed (an undecided scan is still on the
  inspector's screen; a damaged file needs a person);
- such scans are deleted ``keep_days`` after their newest file was written, and
  earlier, oldest first, while the files on disk exceed ``disk_budget_gb``;
- when what is left still reaches the budget (unsynced files alone, or a station
  without central, which never deletes anything) the status says so and a warning
  is logged on every pass, so the GUI and the logs both show it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from station_app.config import ImagesConfig
from station_app.storage.db import StorageError
from station_app.storage.image_files import ImageFileRepository, ImageUsage
from station_app.storage.images import ImageStore

log = logging.getLogger(__name__)
_BATCH_SCANS = 200
GB = 1_000_000_000


@dataclass(frozen=True)
class ImageStoreStatus:
    """The image disk as the status bar shows it; a snapshot, safe for any thread."""

    used_bytes: int  # image files on disk
    budget_bytes: int
    unsynced_bytes: int  # on disk, not yet confirmed by central
    unsynced_files: int
    failed_files: int  # damaged or refused by central: a person must look
    over_budget: bool  # used_bytes reached the budget
    unsynced_over_budget: bool  # unsynced files alone reached it: nothing may be freed
    central: bool  # False: offline station, never deletes
    message: str | None  # English, one line; None when all is well
    checked_at: datetime

    @property
    def used_fraction(self) -> float:
        return self.used_bytes / self.budget_bytes


@dataclass(frozen=True)
class RetentionReport:
    deleted_files: int
    freed_bytes: int
    status: ImageStoreStatus


def _gb(n_bytes: int) -> str:
    return f"{n_bytes / GB:.2f} GB"


def image_store_status(
    usage: ImageUsage, budget_bytes: int, *, central: bool, now: datetime
) -> ImageStoreStatus:
    over = usage.on_disk_bytes >= budget_bytes
    unsynced_over = usage.unsynced_bytes >= budget_bytes
    message: str | None = None
    if over and not central:
        message = (
            f"Image disk budget reached: {_gb(usage.on_disk_bytes)} on disk (budget "
            f"{_gb(budget_bytes)}). This station has no central service, so images are never "
            "deleted automatically: archive them and free disk space."
        )
    elif unsynced_over:
        message = (
            f"Image disk budget reached: {_gb(usage.unsynced_bytes)} of images are not yet "
            f"confirmed by central (budget {_gb(budget_bytes)}). They are all kept; check the "
            "connection to central and free disk space."
        )
    elif over:
        message = (
            f"Image disk budget reached: {_gb(usage.on_disk_bytes)} on disk (budget "
            f"{_gb(budget_bytes)}); only images of undecided scans, not yet confirmed by "
            "central or damaged are left, and they are kept."
        )
    elif usage.failed_files:
        message = (
            f"{usage.failed_files} image file(s) need attention: damaged, or refused by "
            "central (see the log). They are kept."
        )
    return ImageStoreStatus(
        used_bytes=usage.on_disk_bytes,
        budget_bytes=budget_bytes,
        unsynced_bytes=usage.unsynced_bytes,
        unsynced_files=usage.unsynced_files,
        failed_files=usage.failed_files,
        over_budget=over,
        unsynced_over_budget=unsynced_over,
        central=central,
        message=message,
        checked_at=now,
    )


class ImageRetention:
    def __init__(
        self,
        images: ImageStore,
        files: ImageFileRepository,
        config: ImagesConfig,
        *,
        central: bool,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.images = images
        self.files = files
        self.budget_bytes = int(config.disk_budget_gb * GB)
        self.keep = timedelta(days=config.keep_days)
        self.central = central
        self._clock = clock or (lambda: datetime.now(UTC))

    def status(self) -> ImageStoreStatus:
        return image_store_status(
            self.files.usage(), self.budget_bytes, central=self.central, now=self._clock()
        )

    def run(self) -> RetentionReport:
        """One pass: expired scans, then oldest scans while over budget; then the status."""
        deleted = freed = 0
        if self.central:  # an offline station never knows a file is safe elsewhere
            tried: set[str] = set()
            cutoff = self._clock() - self.keep
            while batch := [
                s for s in self.files.deletable_scans(newest_before=cutoff, limit=_BATCH_SCANS)
                if s.scan_id not in tried
            ]:
                for scan in batch:
                    tried.add(scan.scan_id)
                    n_files, n_bytes = self._delete_scan(scan.scan_id)
                    deleted, freed = deleted + n_files, freed + n_bytes
            used = self.files.usage().on_disk_bytes
            while used > self.budget_bytes and (
                batch := [
                    s for s in self.files.deletable_scans(limit=_BATCH_SCANS)
                    if s.scan_id not in tried
                ]
            ):
                for scan in batch:
                    if used <= self.budget_bytes:
                        break
                    tried.add(scan.scan_id)
                    n_files, n_bytes = self._delete_scan(scan.scan_id)
                    deleted, freed, used = deleted + n_files, freed + n_bytes, used - n_bytes
        status = self.status()
        if deleted:
            log.info("image retention: %d file(s) deleted, %s freed", deleted, _gb(freed))
        if status.message is not None and (status.over_budget or status.failed_files):
            log.warning("image store: %s", status.message)
        return RetentionReport(deleted, freed, status)

    def _delete_scan(self, scan_id: str) -> tuple[int, int]:
        # Looked at again right before deleting: a decision may have made a report due.
        rows = [f for f in self.files.files_of(scan_id) if f.deleted_at is None]
        if any(f.uploaded_at is None or f.failed_at is not None for f in rows):
            return 0, 0
        removed: list[int] = []
        n_bytes = 0
        for f in rows:
            if f.relative_path is None:
                continue
            try:
                self.images.delete(f.relative_path)
            except StorageError as exc:  # left for the next pass; the row still says on disk
                log.warning("image retention: %s", exc)
                continue
            removed.append(f.id)
            n_bytes += f.n_bytes or 0
        self.files.mark_deleted(removed, self._clock())
        return len(removed), n_bytes
