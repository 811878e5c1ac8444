"""The ``image_files`` table: which files each scan has, their upload and their retention.

One row per file (``storage.images`` kinds). Its life: written with the scan (or,
for an operator report, recorded as *due* in the decision's transaction and
written afterwards) -> ``uploaded_at`` once central confirmed the exact bytes ->
``deleted_at`` when retention removed it from disk. ``failed_at`` takes a file out
of both the upload and the retention path until a person looks at it.
All SQL on the table is here; callers get frozen records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from station_app.domain import Decision, Verdict
from station_app.marks import marks_from_text
from station_app.storage.db import Database, StorageError
from station_app.storage.images import (
    KIND_TDR_MACHINE,
    OPERATOR_KIND_PREFIX,
    StoredFile,
    StoredParcel,
    operator_kind,
)
from station_app.storage.models import DecisionRow, ImageFileRow, utcnow

_ERROR_CHARS = 2000


@dataclass(frozen=True)
class ImageFileRecord:
    id: int
    scan_id: str
    kind: str
    relative_path: str | None  # None: an operator report that is due, not yet written
    sha256: str | None
    n_bytes: int | None
    created_at: datetime
    uploaded_at: datetime | None
    upload_attempts: int
    last_error: str | None
    failed_at: datetime | None
    deleted_at: datetime | None


@dataclass(frozen=True)
class DueOperatorReport:
    """A decision whose OPERATOR TDR still has to be written."""

    file_id: int
    decision_id: int
    decision: Decision
    machine_tdr_path: str | None  # None: the machine report is gone (deleted or never written)


@dataclass(frozen=True)
class ImageUsage:
    """Image files on disk as the database knows them."""

    on_disk_bytes: int
    on_disk_files: int
    unsynced_bytes: int  # on disk and not (yet) confirmed by central
    unsynced_files: int
    failed_files: int  # need a person: damaged, or refused by central
    due_reports: int  # operator reports recorded but not written yet


@dataclass(frozen=True)
class DeletableScan:
    """A scan whose files may all go: decided, every file confirmed by central."""

    scan_id: str
    newest_file_at: datetime
    n_bytes: int


def _record(row: ImageFileRow) -> ImageFileRecord:
    return ImageFileRecord(
        id=row.id,
        scan_id=row.scan_id,
        kind=row.kind,
        relative_path=row.relative_path,
        sha256=row.sha256,
        n_bytes=row.n_bytes,
        created_at=row.created_at,
        uploaded_at=row.uploaded_at,
        upload_attempts=row.upload_attempts,
        last_error=row.last_error,
        failed_at=row.failed_at,
        deleted_at=row.deleted_at,
    )


def _on_disk() -> list[ColumnElement[bool]]:
    return [ImageFileRow.deleted_at.is_(None), ImageFileRow.relative_path.is_not(None)]


class ImageFileRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    # ------------------------------------------------------------ inside other transactions

    @staticmethod
    def rows_for(scan_id: str, stored: StoredParcel, now: datetime) -> list[ImageFileRow]:
        """The rows of a parcel's freshly written files (added in the scan's transaction)."""
        return [
            ImageFileRow(
                scan_id=scan_id,
                kind=f.kind,
                relative_path=f.relative_path,
                sha256=f.sha256,
                n_bytes=f.n_bytes,
                created_at=now,
                written_at=now,
                upload_attempts=0,
            )
            for f in stored.files
        ]

    @staticmethod
    def add_operator_report_due(
        session: Session, scan_id: str, decision_id: int, now: datetime | None = None
    ) -> bool:
        """Record, in the decision's own transaction, that its OPERATOR TDR is due.

        Only scans stored as DICOS have a machine report to refer to; for others
        (old .npz scans) nothing is due and False is returned.
        """
        machine = session.scalar(
            select(ImageFileRow.id).where(
                ImageFileRow.scan_id == scan_id,
                ImageFileRow.kind == KIND_TDR_MACHINE,
                *_on_disk(),
            )
        )
        if machine is None:
            return False
        session.add(
            ImageFileRow(
                scan_id=scan_id,
                kind=operator_kind(decision_id),
                decision_id=decision_id,
                created_at=now or utcnow(),
                upload_attempts=0,
            )
        )
        return True

    # ------------------------------------------------------------ queries

    def files_of(self, scan_id: str) -> list[ImageFileRecord]:
        query = select(ImageFileRow).where(ImageFileRow.scan_id == scan_id).order_by(
            ImageFileRow.id
        )
        with self._db.read_session() as session:
            return [_record(r) for r in session.scalars(query)]

    def get(self, file_id: int) -> ImageFileRecord | None:
        with self._db.read_session() as session:
            row = session.get(ImageFileRow, file_id)
            return None if row is None else _record(row)

    def due_operator_reports(self, limit: int = 50) -> list[DueOperatorReport]:
        """Operator reports recorded as due and not written (oldest first)."""
        query = (
            select(ImageFileRow, DecisionRow)
            .join(DecisionRow, DecisionRow.id == ImageFileRow.decision_id)
            .where(
                ImageFileRow.relative_path.is_(None),
                ImageFileRow.failed_at.is_(None),
                ImageFileRow.kind.startswith(OPERATOR_KIND_PREFIX, autoescape=True),
            )
            .order_by(ImageFileRow.id)
            .limit(limit)
        )
        with self._db.read_session() as session:
            due = list(session.execute(query))
            machine = {
                scan_id: path
                for scan_id, path in session.execute(
                    select(ImageFileRow.scan_id, ImageFileRow.relative_path).where(
                        ImageFileRow.scan_id.in_({f.scan_id for f, _ in due}),
                        ImageFileRow.kind == KIND_TDR_MACHINE,
                        *_on_disk(),
                    )
                )
            }
            return [
                DueOperatorReport(
                    file_id=f.id,
                    decision_id=d.id,
                    decision=Decision(
                        scan_id=d.scan_id,
                        verdict=Verdict(d.verdict),
                        operator=d.operator,
                        decided_at=d.decided_at,
                        comment=d.comment,
                        decision_time_ms=d.decision_time_ms,
                        marks=marks_from_text(d.marks),  # operator PTOs in the report
                    ),
                    machine_tdr_path=machine.get(f.scan_id),
                )
                for f, d in due
            ]

    def next_to_upload(self, limit: int = 50, after_id: int = 0) -> list[ImageFileRecord]:
        """Written files central has not confirmed, oldest first (failed ones left out)."""
        query = (
            select(ImageFileRow)
            .where(
                ImageFileRow.uploaded_at.is_(None),
                ImageFileRow.failed_at.is_(None),
                ImageFileRow.id > after_id,
                *_on_disk(),
            )
            .order_by(ImageFileRow.id)
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_record(r) for r in session.scalars(query)]

    def usage(self) -> ImageUsage:
        unsynced = ImageFileRow.uploaded_at.is_(None)
        query = select(
            func.coalesce(func.sum(ImageFileRow.n_bytes), 0),
            func.count(ImageFileRow.id),
            func.coalesce(func.sum(case((unsynced, ImageFileRow.n_bytes), else_=0)), 0),
            func.coalesce(func.sum(case((unsynced, 1), else_=0)), 0),
        ).where(*_on_disk())
        failed = select(func.count()).select_from(ImageFileRow).where(
            ImageFileRow.failed_at.is_not(None), ImageFileRow.deleted_at.is_(None)
        )
        due = select(func.count()).select_from(ImageFileRow).where(
            ImageFileRow.relative_path.is_(None), ImageFileRow.failed_at.is_(None)
        )
        with self._db.read_session() as session:
            on_disk_bytes, on_disk_files, unsynced_bytes, unsynced_files = session.execute(
                query
            ).one()
            return ImageUsage(
                on_disk_bytes=int(on_disk_bytes),
                on_disk_files=int(on_disk_files),
                unsynced_bytes=int(unsynced_bytes),
                unsynced_files=int(unsynced_files),
                failed_files=int(session.scalar(failed) or 0),
                due_reports=int(session.scalar(due) or 0),
            )

    def deletable_scans(
        self, *, newest_before: datetime | None = None, limit: int = 200
    ) -> list[DeletableScan]:
        """Scans retention may empty, oldest first.

        A scan qualifies when it has a decision (the inspector no longer needs its
        image), every file still on disk is confirmed by central, none failed, and
        no operator report is still due (it needs the machine report on disk).
        """
        newest = func.max(ImageFileRow.created_at)
        decided = exists().where(DecisionRow.scan_id == ImageFileRow.scan_id)
        query = (
            select(ImageFileRow.scan_id, newest, func.coalesce(func.sum(ImageFileRow.n_bytes), 0))
            .where(ImageFileRow.deleted_at.is_(None), decided)
            .group_by(ImageFileRow.scan_id)
            .having(
                func.count(ImageFileRow.id) == func.count(ImageFileRow.uploaded_at),
                func.count(ImageFileRow.failed_at) == 0,
            )
            .order_by(newest, ImageFileRow.scan_id)
            .limit(limit)
        )
        if newest_before is not None:
            query = query.having(newest < newest_before)
        with self._db.read_session() as session:
            return [
                DeletableScan(scan_id, at, int(n_bytes or 0))
                for scan_id, at, n_bytes in session.execute(query)
            ]

    def on_disk_files_of(self, scan_id: str) -> list[ImageFileRecord]:
        query = (
            select(ImageFileRow)
            .where(ImageFileRow.scan_id == scan_id, *_on_disk())
            .order_by(ImageFileRow.id)
        )
        with self._db.read_session() as session:
            return [_record(r) for r in session.scalars(query)]

    # ------------------------------------------------------------ outcomes

    def record_written(self, file_id: int, stored: StoredFile, now: datetime | None = None) -> None:
        self._update(
            [file_id],
            relative_path=stored.relative_path,
            sha256=stored.sha256,
            n_bytes=stored.n_bytes,
            written_at=now or utcnow(),
            last_error=None,
        )

    def mark_uploaded(self, file_id: int, now: datetime | None = None) -> None:
        self._update([file_id], uploaded_at=now or utcnow(), last_error=None)

    def mark_attempt_failed(self, file_id: int, error: str) -> None:
        """A try that may work later (central down, disk busy): counted, error kept."""
        self._update(
            [file_id],
            upload_attempts=ImageFileRow.upload_attempts + 1,
            last_error=error[:_ERROR_CHARS],
        )

    def mark_failed(self, file_id: int, error: str, now: datetime | None = None) -> None:
        """Needs a person: never sent, never deleted until someone clears ``failed_at``."""
        self._update(
            [file_id],
            upload_attempts=ImageFileRow.upload_attempts + 1,
            last_error=error[:_ERROR_CHARS],
            failed_at=now or utcnow(),
        )

    def mark_deleted(self, file_ids: Iterable[int], now: datetime | None = None) -> None:
        self._update(list(file_ids), deleted_at=now or utcnow())

    def _update(self, file_ids: Sequence[int], **values: object) -> None:
        if not file_ids:
            return
        try:
            with self._db.write_session() as session:
                session.execute(
                    update(ImageFileRow).where(ImageFileRow.id.in_(file_ids)).values(**values)
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"image file rows {list(file_ids)[:5]} not updated: {exc}") from exc
