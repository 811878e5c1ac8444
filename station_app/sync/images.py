"""Uploading the station's image files to central: chunked, resumable, sha256-checked.

The sync worker calls ``ImageUploader.run_once`` only when the results queue is
drained, and the uploader stops between chunks as soon as the worker has results
again (``should_yield``): images never hold results up.

Per file (protocol in docs/api/openapi.yaml, ``/v1/images``): hash the local file
and compare with the hash recorded when it was written (a damaged file is
reported and never sent as good); create the upload (central answers its
offset, or "complete" when it already holds the file); append chunks at
central's offset. After a broken connection nothing is guessed: the next try
creates the same upload again and goes on from the offset central reports. The
row is marked uploaded only after central answered "complete", i.e. it checked
the sha256 of all the bytes. Nothing the uploader needs survives in memory: a
restart resumes from the database and central's offsets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from station_app.config import StationConfig
from station_app.storage import Database, StorageError
from station_app.storage.image_files import ImageFileRecord, ImageFileRepository
from station_app.storage.images import ImageStore
from station_app.sync.client import (
    CentralClient,
    CentralConflict,
    CentralProtocolError,
    SyncError,
)
from station_app.sync.image_schemas import ImageUpload, ImageUploadRequest

log = logging.getLogger(__name__)
MAX_PROTOCOL_FAILURES = 5  # then the file needs a person (central keeps refusing it)
_MAX_OFFSET_RESYNCS = 5  # per file and pass: central's offset moved under us this often
Outcome = Literal["uploaded", "duplicate", "failed", "paused"]


@dataclass(frozen=True)
class ImageUploadReport:
    uploaded: int = 0
    duplicates: int = 0  # central already held the file
    failed: int = 0  # taken out of the queue: damaged locally, or refused by central
    bytes_sent: int = 0
    more: bool = False  # files still wait (paused for results, or more than one pass holds)
    error: str | None = None  # central unreachable or misbehaving: retried after a backoff


class _Paused(Exception):  # noqa: N818 - control flow, not an error
    pass


class ImageUploader:
    """Not thread-safe: the sync worker's thread owns it (one long-lived client)."""

    def __init__(
        self,
        database: Database,
        images: ImageStore,
        config: StationConfig,
        *,
        files_per_pass: int = 50,
    ) -> None:
        self.files = ImageFileRepository(database)
        self.images = images
        self.sync = config.sync
        self.station_id = config.station_id
        self.files_per_pass = files_per_pass
        self._client: CentralClient | None = None
        self._failures = 0
        self._not_before = 0.0  # monotonic: no try before this after a failure
        self._bytes_sent = 0

    @property
    def enabled(self) -> bool:
        return bool(self.sync.central_url) and self.sync.upload_images

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _central(self) -> CentralClient:
        if self._client is None:
            self._client = CentralClient(self.sync, self.station_id)
        return self._client

    def run_once(self, should_yield: Callable[[], bool] = lambda: False) -> ImageUploadReport:
        """Upload waiting files, oldest first, until done, paused or central fails.

        Never raises for central or file trouble (a bug or a database failure does).
        """
        if not self.enabled or time.monotonic() < self._not_before:
            return ImageUploadReport()
        counts = {"uploaded": 0, "duplicate": 0, "failed": 0, "paused": 0}
        self._bytes_sent = 0
        rows = self.files.next_to_upload(self.files_per_pass)
        error: str | None = None
        for row in rows:
            if should_yield():
                counts["paused"] += 1
                break
            try:
                counts[self._upload(row, should_yield)] += 1
            except SyncError as exc:
                error = self._central_failed(row, exc)
                break
            if counts["paused"]:
                break
        if error is None:
            self._failures = 0
        return ImageUploadReport(
            uploaded=counts["uploaded"],
            duplicates=counts["duplicate"],
            failed=counts["failed"],
            bytes_sent=self._bytes_sent,
            more=error is None and (bool(counts["paused"]) or len(rows) == self.files_per_pass),
            error=error,
        )

    # ------------------------------------------------------------ one file

    def _upload(self, row: ImageFileRecord, should_yield: Callable[[], bool]) -> Outcome:
        what = f"image {row.kind} of scan {row.scan_id}"
        request = self._checked_request(row, what)
        if request is None:
            return "failed"
        try:
            upload = self._start(request)
        except CentralConflict as exc:  # central holds another file under this name
            return self._give_up(row, f"{what} refused by central: {exc}")
        resyncs = 0
        path = self.images.path(str(row.relative_path))
        try:
            with path.open("rb") as f:
                while upload.status == "open":
                    if should_yield():
                        raise _Paused
                    f.seek(upload.offset)
                    want = min(self.sync.image_chunk_bytes, upload.chunk_max_bytes,
                               upload.size_bytes - upload.offset)
                    chunk = f.read(want)
                    if len(chunk) != want:
                        return self._give_up(row, f"{what}: local file shorter than recorded")
                    try:
                        upload = self._append(request, upload, chunk)
                    except CentralConflict as exc:
                        # Central's offset is not ours (a cut request it partly kept, a
                        # late retry): ask again where it stands and go on from there.
                        resyncs += 1
                        if resyncs > _MAX_OFFSET_RESYNCS:
                            raise CentralProtocolError(
                                f"{what}: offset keeps moving: {exc}"
                            ) from exc
                        upload = self._start(request)
                    else:
                        self._bytes_sent += len(chunk)
        except _Paused:
            return "paused"
        except OSError as exc:
            return self._give_up(row, f"{what}: local file unreadable: {exc}")
        self.files.mark_uploaded(row.id)
        log.info("sync: %s confirmed by central%s", what,
                 " (it had it already)" if upload.duplicate else "")
        return "duplicate" if upload.duplicate else "uploaded"

    def _checked_request(self, row: ImageFileRecord, what: str) -> ImageUploadRequest | None:
        """The upload request for the file as it is on disk, if it is what was written."""
        try:
            sha256, n_bytes = self.images.digest(str(row.relative_path))
        except StorageError as exc:
            self._give_up(row, f"{what} not sent: {exc}")
            return None
        if (sha256, n_bytes) != (row.sha256, row.n_bytes):
            self._give_up(
                row,
                f"{what} is damaged and was not sent: sha256 {sha256[:12]}… / {n_bytes} bytes "
                f"on disk, {str(row.sha256)[:12]}… / {row.n_bytes} bytes when written",
            )
            return None
        try:
            return ImageUploadRequest(
                scan_id=row.scan_id, kind=row.kind, size_bytes=n_bytes, sha256=sha256
            )
        except ValidationError as exc:
            self._give_up(row, f"{what} cannot be named to central: {exc.errors()[0]['msg']}")
            return None

    def _start(self, request: ImageUploadRequest) -> ImageUpload:
        upload = self._central().start_image_upload(request)
        _check_answer(request, upload)
        return upload

    def _append(
        self, request: ImageUploadRequest, upload: ImageUpload, chunk: bytes
    ) -> ImageUpload:
        answer = self._central().append_image_chunk(upload.upload_id, upload.offset, chunk)
        _check_answer(request, answer)
        if answer.status == "open" and answer.offset <= upload.offset:
            raise CentralProtocolError(
                f"central took a chunk at {upload.offset} but reports offset {answer.offset}"
            )
        return answer

    # ------------------------------------------------------------ outcomes

    def _give_up(self, row: ImageFileRecord, message: str) -> Outcome:
        log.error("sync: %s", message)
        self.files.mark_failed(row.id, message)
        return "failed"

    def _central_failed(self, row: ImageFileRecord, exc: SyncError) -> str:
        """Central unreachable or answering what we cannot use: retry later, bounded."""
        from station_app.sync.worker import backoff_delay  # the worker imports this module

        message = str(exc)
        refused = isinstance(exc, CentralProtocolError)
        if refused and row.upload_attempts + 1 >= MAX_PROTOCOL_FAILURES:
            self._give_up(row, f"image {row.kind} of scan {row.scan_id}: central keeps refusing "
                               f"it ({message})")
        else:
            log.warning("sync: image %s of scan %s not uploaded now: %s", row.kind, row.scan_id,
                        message)
            self.files.mark_attempt_failed(row.id, message)
        self._failures += 1
        self._not_before = time.monotonic() + backoff_delay(
            self._failures, self.sync.backoff_base_s, self.sync.backoff_max_s,
            getattr(exc, "retry_after_s", None),
        )
        return message


def _check_answer(request: ImageUploadRequest, upload: ImageUpload) -> None:
    """Central's answer must be about the file we named, with an offset inside it."""
    if (upload.scan_id, upload.kind, upload.sha256, upload.size_bytes) != (
        request.scan_id, request.kind, request.sha256, request.size_bytes
    ) or upload.offset > upload.size_bytes:
        raise CentralProtocolError(
            f"central answered about another file ({upload.scan_id} {upload.kind} "
            f"{upload.sha256[:12]}… offset {upload.offset}/{upload.size_bytes})"
        )
