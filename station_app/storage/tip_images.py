"""TIP images as DICOS files, kept on this station only (docs/tip.md).

The image an inspector was shown for a TIP presentation (the real parcel with
the fictional item projected into it) is written as four DICOS files, every
one marked with the TIP Image module (``dicos.tip``, TIP Image Type CTI)::

    <image dir>/tip/YYYY/MM/DD/<scan>_tip<presentation id>_dx_high.dcs
                                                          _dx_low.dcs
                                                          _dx_display.dcs
                                                          _tdr_ground_truth.dcs

They are deliberately *not* rows of ``image_files``: that table is what the
uploader sends to central and what image retention counts against the disk
budget, so a TIP image can neither reach central nor pass for a parcel's image.
Its only record is its presentation row (the DX high file and its sha256). The
image housekeeping pass deletes the files ``tip.keep_images_days`` after the
presentation and marks the row; files under ``tip/`` that no row records (a
crash between writing them and recording them) go by their age alone.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from station_app.dicos import DicosError
from station_app.dicos.tip import tip_file_stem, write_tip_parcel
from station_app.domain import TipImage
from station_app.storage.db import StorageError
from station_app.storage.images import ImageStore
from station_app.storage.tip import TipRepository
from station_app.tip.library import TipLibrary

log = logging.getLogger(__name__)

TIP_DIR = "tip"  # under the image store's root, beside the YYYY/ directories of real parcels
DX_HIGH_SUFFIX = "_dx_high.dcs"
# After ``<scan>_tip<presentation id>``, in the order the files are written.
ROLE_SUFFIXES = (DX_HIGH_SUFFIX, "_dx_low.dcs", "_dx_display.dcs", "_tdr_ground_truth.dcs")
_BATCH = 200


def tip_image_files(dx_high_path: str) -> tuple[str, ...]:
    """The four files of a TIP image, from its recorded DX high file."""
    if not dx_high_path.endswith(DX_HIGH_SUFFIX):
        raise StorageError(f"TIP image path {dx_high_path!r} does not name a DX high file")
    stem = dx_high_path[: -len(DX_HIGH_SUFFIX)]
    return tuple(stem + suffix for suffix in ROLE_SUFFIXES)


class TipImageStore:
    """Writes TIP images through the station's image store and deletes them when old.

    Uses the store's DICOS settings (renderer, station id, scanner, institution),
    so a TIP image is written exactly like a parcel's, only marked and elsewhere.
    """

    def __init__(
        self,
        images: ImageStore,
        presentations: TipRepository,
        *,
        keep_days: int,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._images = images
        self._presentations = presentations
        self.keep = timedelta(days=keep_days)
        self._clock = clock or (lambda: datetime.now(UTC))

    def write(self, tip: TipImage, library: TipLibrary) -> str:
        """Write the TIP image of one presentation and record it on the presentation.

        Returns the DX high file's relative path. Never replaces a file; on any
        failure the files written so far are removed and ``StorageError`` says why.
        """
        settings = self._images.dicos
        if settings is None:
            raise StorageError("this image store writes no DICOS: TIP images are not kept")
        presentation_id = tip.presentation_id
        now = self._clock().astimezone(UTC)
        directory = PurePosixPath(TIP_DIR, f"{now:%Y}", f"{now:%m}", f"{now:%d}")
        stem = tip_file_stem(tip.parcel.scan_id, presentation_id)
        rels = [str(directory / f"{stem}{suffix}") for suffix in ROLE_SUFFIXES]
        for rel in rels:
            if self._images.path(rel).exists():
                raise StorageError(
                    f"TIP image file {self._images.path(rel)} already exists "
                    f"(presentation {presentation_id} written before?)"
                )
        try:
            written = write_tip_parcel(
                tip,
                self._images.presentation_image(tip.parcel),
                self._images.path(str(directory)),
                library_name=library.name,
                library_date=library.created_at,
                station_id=settings.station_id,
                scanner=settings.scanner(),
                carrier=settings.carrier,
                institution=settings.institution,
                acquired_at=now,
            )
            actual = [f.path for f in written.all]
            if actual != [self._images.path(rel) for rel in rels]:  # the writer's naming changed
                raise StorageError(f"DICOS writer put the TIP image at {actual}, expected {rels}")
            self._presentations.record_image(presentation_id, rels[0], written.dx_high.sha256)
        except StorageError:
            self._remove_quietly(rels)
            raise
        except (DicosError, OSError, ValueError) as exc:
            self._remove_quietly(rels)
            raise StorageError(
                f"TIP image of presentation {presentation_id} not written: {exc}"
            ) from exc
        except BaseException:
            self._remove_quietly(rels)
            raise
        return rels[0]

    def delete_expired(self) -> int:
        """Delete the TIP images shown more than ``keep`` ago; returns how many.

        A TIP image that cannot be deleted now (logged) keeps its row as on disk
        and is tried again at the next pass.
        """
        cutoff = self._clock() - self.keep
        deleted = 0
        tried: set[int] = set()
        while batch := [
            image
            for image in self._presentations.images_on_disk(cutoff, _BATCH)
            if image.presentation_id not in tried
        ]:
            done: list[int] = []
            for image in batch:
                tried.add(image.presentation_id)
                try:
                    for rel in tip_image_files(image.image_path):
                        self._images.delete(rel)
                except StorageError as exc:
                    log.warning("TIP image of presentation %d not deleted: %s",
                                image.presentation_id, exc)
                    continue
                done.append(image.presentation_id)
            self._presentations.mark_images_deleted(done, self._clock())
            deleted += len(done)
        self._sweep_unrecorded(cutoff)
        if deleted:
            log.info("TIP images: %d deleted (older than %s)", deleted, self.keep)
        return deleted

    def _sweep_unrecorded(self, cutoff: datetime) -> None:
        """Delete files under ``tip/`` older than ``cutoff`` that the pass above left:
        everything there is a TIP image, and a recorded one that old is gone already."""
        root = self._images.path(TIP_DIR)
        if not root.is_dir():
            return
        for path in root.rglob("*"):
            try:
                if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
                    path.unlink()
                    log.warning("TIP images: unrecorded file %s deleted (older than %s)",
                                path, self.keep)
            except OSError as exc:
                log.warning("TIP images: %s not deleted: %s", path, exc)

    def _remove_quietly(self, relative_paths: list[str]) -> None:
        for rel in relative_paths:
            with contextlib.suppress(StorageError):
                self._images.delete(rel)
