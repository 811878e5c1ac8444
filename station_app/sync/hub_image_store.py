"""The reference hub's image files: resumable uploads and the files they became.

Tables live in the hub's SQLite file (their own declarative base, created on the
hub's engine); bytes live in a directory beside it: ``partial/<upload id>`` while
an upload is open, ``stored/<station>/<scan>/<kind>`` once its sha256 checked
out. The offset in the database is the truth: bytes past it in a partial file (a
crash between writing and recording) are cut off by the next append.

An upload a station abandoned (the station was replaced, its disk died, the file
was deleted there) would hold its partial file for ever: uploads with no new bytes
for ``abandoned_after_s`` (the partial file's modification time, which every
append moves) are discarded, at start and at most once an hour after. A station
that comes back later simply starts that file again from byte 0.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Engine, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from station_app.atomic_files import fsync_dir
from station_app.file_digest import file_sha256
from station_app.sync.image_schemas import (
    ImageUpload,
    ImageUploadRequest,
    ScanImages,
    StoredImageInfo,
)

DEFAULT_MAX_IMAGE_BYTES = 1 << 30  # 1 GiB: far above any parcel's DICOS file
DEFAULT_CHUNK_MAX_BYTES = 64 << 20
DEFAULT_ABANDONED_AFTER_S = 7 * 86400.0  # a week without a byte: the station gave up
_EXPIRY_INTERVAL_S = 3600.0

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class HubImageBase(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


class HubUploadRow(HubImageBase):
    __tablename__ = "image_uploads"
    __table_args__ = (UniqueConstraint("station_id", "scan_id", "kind"),)  # one open per file

    upload_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    scan_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)


class HubImageRow(HubImageBase):
    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("station_id", "scan_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(64))
    scan_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    relative_path: Mapped[str] = mapped_column(String(512))
    stored_at: Mapped[datetime] = mapped_column(default=_utcnow)
    duplicates_seen: Mapped[int] = mapped_column(Integer, default=0)


class ImageUploadError(Exception):
    """A request the hub refuses; ``status`` is the HTTP answer."""

    def __init__(self, status: int, detail: str, offset: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.offset = offset


@dataclass(frozen=True)
class StoredImageFile:
    station_id: str
    scan_id: str
    kind: str
    sha256: str
    size_bytes: int
    path: Path
    duplicates_seen: int


class HubImageStore:
    """Thread-safe: every state change holds one lock (the hub is a reference service)."""

    def __init__(
        self,
        engine: Engine,
        directory: Path,
        *,
        max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
        chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES,
        abandoned_after_s: float = DEFAULT_ABANDONED_AFTER_S,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.directory = directory
        self.max_image_bytes = max_image_bytes
        self.chunk_max_bytes = chunk_max_bytes
        self.abandoned_after_s = abandoned_after_s
        self._clock = clock
        (directory / "partial").mkdir(parents=True, exist_ok=True)
        (directory / "stored").mkdir(parents=True, exist_ok=True)
        HubImageBase.metadata.create_all(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock = threading.Lock()
        self._next_expiry_monotonic = 0.0
        self._expire_if_due()

    @classmethod
    def beside(cls, engine: Engine, **options: Any) -> HubImageStore:
        """The store whose directory lies beside the hub's SQLite file (``<db>_images``)."""
        database = engine.url.database
        if not database:
            raise ValueError("the hub's image store needs a file-backed SQLite database")
        db_path = Path(database)
        return cls(engine, db_path.with_name(db_path.stem + "_images"), **options)

    # ------------------------------------------------------------ paths

    def partial_path(self, upload_id: str) -> Path:
        return self.directory / "partial" / upload_id

    def _stored_relative(self, station_id: str, scan_id: str, kind: str) -> str:
        # The ids were checked against SCAN_ID_PATTERN / KIND_PATTERN / the token map.
        return f"stored/{station_id}/{scan_id}/{kind}"

    # ------------------------------------------------------------ uploads

    def _upload(self, row: HubUploadRow) -> ImageUpload:
        return ImageUpload(
            upload_id=row.upload_id, scan_id=row.scan_id, kind=row.kind,
            size_bytes=row.size_bytes, sha256=row.sha256, offset=row.offset, status="open",
            chunk_max_bytes=self.chunk_max_bytes,
        )

    def _complete(self, row: HubImageRow, upload_id: str, duplicate: bool) -> ImageUpload:
        return ImageUpload(
            upload_id=upload_id, scan_id=row.scan_id, kind=row.kind, size_bytes=row.size_bytes,
            sha256=row.sha256, offset=row.size_bytes, status="complete",
            chunk_max_bytes=self.chunk_max_bytes, duplicate=duplicate,
        )

    def create(self, station_id: str, request: ImageUploadRequest) -> tuple[ImageUpload, bool]:
        """Start (or find) the upload of a file; ``(upload, created)``.

        The same file already stored: complete, ``duplicate``. Another file stored for
        the scan and kind: 409. An open upload of the same file: returned as it is
        (its offset is where the station goes on). An open upload of another file:
        discarded (nothing of it was confirmed) and a new one started.
        """
        if request.size_bytes > self.max_image_bytes:
            raise ImageUploadError(
                413, f"{request.size_bytes} bytes: files over {self.max_image_bytes} are refused"
            )
        self._expire_if_due()
        key = (station_id, request.scan_id, request.kind)
        with self._lock, self._sessions.begin() as session:
            stored = session.scalar(select(HubImageRow).filter_by(
                station_id=station_id, scan_id=request.scan_id, kind=request.kind))
            if stored is not None:
                if (stored.sha256, stored.size_bytes) != (request.sha256, request.size_bytes):
                    raise ImageUploadError(
                        409, f"central already holds another {request.kind} file for scan "
                        f"{request.scan_id} (sha256 {stored.sha256[:12]}…)")
                stored.duplicates_seen += 1
                return self._complete(stored, f"stored-{stored.id}", duplicate=True), False
            upload = session.scalar(select(HubUploadRow).filter_by(
                station_id=key[0], scan_id=key[1], kind=key[2]))
            if upload is not None:
                if (upload.sha256, upload.size_bytes) == (request.sha256, request.size_bytes):
                    return self._upload(upload), False
                self.partial_path(upload.upload_id).unlink(missing_ok=True)
                session.delete(upload)
                session.flush()
            upload = HubUploadRow(
                upload_id=uuid.uuid4().hex, station_id=station_id, scan_id=request.scan_id,
                kind=request.kind, size_bytes=request.size_bytes, sha256=request.sha256,
                offset=0,
            )
            self.partial_path(upload.upload_id).touch()
            session.add(upload)
            return self._upload(upload), True

    def get(self, station_id: str, upload_id: str) -> ImageUpload:
        """An open upload of this station; 404 for unknown ids and other stations' uploads."""
        with self._sessions() as session:
            row = session.get(HubUploadRow, upload_id)
            if row is None or row.station_id != station_id:
                raise ImageUploadError(404, f"no open upload {upload_id!r}")
            return self._upload(row)

    def advance(self, station_id: str, upload_id: str, offset: int, new_offset: int) -> ImageUpload:
        """Record that the partial file now holds ``new_offset`` bytes; verify at the end.

        The caller wrote bytes ``offset..new_offset`` while holding the upload's lock.
        At the last byte the file's sha256 decides: it becomes the stored file, or
        the upload is discarded (422) and the station has to start over.
        """
        with self._lock, self._sessions.begin() as session:
            row = session.get(HubUploadRow, upload_id)
            if row is None or row.station_id != station_id:
                raise ImageUploadError(404, f"no open upload {upload_id!r}")
            if row.offset != offset:
                raise ImageUploadError(409, f"offset moved to {row.offset}", row.offset)
            row.offset = new_offset
            if new_offset < row.size_bytes:
                return self._upload(row)
            partial = self.partial_path(upload_id)
            actual = file_sha256(partial)
            session.delete(row)
            if actual != row.sha256:
                partial.unlink(missing_ok=True)
                # Committed (the upload is gone) before the refusal is raised below.
                refused = ImageUploadError(
                    422, f"sha256 of the received bytes is {actual}, not the declared "
                    f"{row.sha256}: upload discarded, start again")
            else:
                return self._store(session, row)
        raise refused

    def _store(self, session: Session, row: HubUploadRow) -> ImageUpload:
        """The verified partial file becomes the stored file (same transaction as its row)."""
        rel = self._stored_relative(row.station_id, row.scan_id, row.kind)
        final = self.directory / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.partial_path(row.upload_id), final)
        fsync_dir(final.parent)
        stored = HubImageRow(
            station_id=row.station_id, scan_id=row.scan_id, kind=row.kind,
            size_bytes=row.size_bytes, sha256=row.sha256, relative_path=rel, duplicates_seen=0,
        )
        session.add(stored)
        return self._complete(stored, row.upload_id, duplicate=False)

    # ------------------------------------------------------------ stored files

    def scan_images(self, station_id: str, scan_id: str) -> ScanImages:
        query = select(HubImageRow).filter_by(station_id=station_id, scan_id=scan_id).order_by(
            HubImageRow.id)
        with self._sessions() as session:
            return ScanImages(scan_id=scan_id, images=[
                StoredImageInfo(scan_id=r.scan_id, kind=r.kind, size_bytes=r.size_bytes,
                                sha256=r.sha256, stored_at=_aware(r.stored_at))
                for r in session.scalars(query)
            ])

    def stored_files(self, station_id: str | None = None) -> list[StoredImageFile]:
        """Every stored file (tests, audits)."""
        query = select(HubImageRow).order_by(HubImageRow.id)
        if station_id is not None:
            query = query.where(HubImageRow.station_id == station_id)
        with self._sessions() as session:
            return [
                StoredImageFile(r.station_id, r.scan_id, r.kind, r.sha256, r.size_bytes,
                                self.directory / r.relative_path, r.duplicates_seen)
                for r in session.scalars(query)
            ]

    def open_uploads(self) -> list[ImageUpload]:
        with self._sessions() as session:
            return [self._upload(r) for r in session.scalars(select(HubUploadRow))]

    # ------------------------------------------------------------ abandoned uploads

    def _expire_if_due(self) -> None:
        if time.monotonic() < self._next_expiry_monotonic:
            return
        self._next_expiry_monotonic = time.monotonic() + _EXPIRY_INTERVAL_S
        try:
            self.expire_abandoned()
        except OSError:
            # Housekeeping must never cost a station its upload; tried again in an hour.
            log.exception("hub: discarding abandoned uploads failed")

    def expire_abandoned(self) -> int:
        """Discard uploads without a new byte for ``abandoned_after_s``, and partial
        files no upload owns (a crash between creating one and recording it).

        Returns how many uploads were discarded.
        """
        cutoff = self._clock() - timedelta(seconds=self.abandoned_after_s)
        discarded = 0
        with self._lock, self._sessions.begin() as session:
            owned: set[str] = set()
            for row in session.scalars(select(HubUploadRow)):
                partial = self.partial_path(row.upload_id)
                last_byte_at = _modified_at(partial) or _aware(row.created_at)
                if last_byte_at >= cutoff or _aware(row.created_at) >= cutoff:
                    owned.add(row.upload_id)
                    continue
                log.warning(
                    "hub: discarding upload %s (%s %s of station %s, %d of %d bytes): no new "
                    "bytes since %s", row.upload_id, row.scan_id, row.kind, row.station_id,
                    row.offset, row.size_bytes, last_byte_at.isoformat(timespec="seconds"))
                partial.unlink(missing_ok=True)
                session.delete(row)
                discarded += 1
            for orphan in (self.directory / "partial").iterdir():
                modified = _modified_at(orphan)
                if orphan.name not in owned and modified is not None and modified < cutoff:
                    orphan.unlink(missing_ok=True)
        return discarded


def _modified_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


