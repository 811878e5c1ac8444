"""Physical-check results (``physical_checks``): recording them, and what is waiting.

``record`` checks the rules of ``station_app.physical_checks`` against the
database and writes the result, its audit entry (``check.recorded``) and its
outbox event (``parcel.checked``: central learns what was seized) in one
transaction, so none of the three exists without the others. The checks run
inside that transaction, so a decision or a result recorded meanwhile by
someone else is seen (SQLite takes the write lock up front; on PostgreSQL the
unique indexes refuse the second of two racing results).

The opening table's list (``pending``) is this station's parcels; results for
statistics (``results``) cover every station of the database, like the review
queue. Records out, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from station_app.domain import Verdict
from station_app.physical_checks import (
    CheckError,
    CheckOutcome,
    CheckResult,
    PendingCheck,
)
from station_app.storage.audit import ACTION_CHECK_RECORDED, AuditLog
from station_app.storage.db import Database, StorageError
from station_app.storage.models import DecisionRow, OutboxRow, PhysicalCheckRow, ScanRow, utcnow
from station_app.storage.repository import ensure_station

TOPIC_PARCEL_CHECKED = "parcel.checked"
MAX_PENDING_ROWS = 500  # more waiting than this is a backlog for a supervisor, not a list


def _result(row: PhysicalCheckRow) -> CheckResult:
    return CheckResult(
        scan_id=row.scan_id,
        decision_id=row.decision_id,
        outcome=CheckOutcome(row.outcome),
        note=row.note,
        operator=row.operator,
        checked_at=row.checked_at,
        check_id=row.id,
        corrects_check_id=row.corrects_check_id,
    )


def _newest_decision_ids() -> Any:
    """scan id → id of its newest decision (inspection or review), as a subquery."""
    return (
        select(DecisionRow.scan_id, func.max(DecisionRow.id).label("decision_id"))
        .group_by(DecisionRow.scan_id)
        .subquery()
    )


def _scanned_in(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """Conditions: the scan started in [start, end) (either bound may be open)."""
    conditions = []
    if start is not None:
        conditions.append(ScanRow.started_at >= start)
    if end is not None:
        conditions.append(ScanRow.started_at < end)
    return conditions


class CheckRepository:
    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id
        ensure_station(database, station_id)

    # ------------------------------------------------------------ writing

    def record(self, result: CheckResult) -> CheckResult:
        """Store ``result`` (its ``check_id`` None) with its audit entry and outbox event;
        returns it as stored. ``CheckError`` when the rules refuse it (nothing stored),
        ``StorageError`` when the database does."""
        if result.check_id is not None:
            raise CheckError(f"check {result.check_id} of {result.scan_id} is already stored")
        try:
            with self._db.write_session() as session:
                tracking_id, verdict = self._answerable(session, result)
                row = PhysicalCheckRow(
                    scan_id=result.scan_id,
                    decision_id=result.decision_id,
                    outcome=result.outcome.value,
                    note=result.note.strip(),
                    operator=result.operator,
                    checked_at=result.checked_at,
                    corrects_check_id=result.corrects_check_id,
                )
                session.add(row)
                session.flush()  # the id goes into the audit entry and the idempotency key
                stored = _result(row)
                AuditLog(self._db, self.station_id).append(
                    session,
                    result.operator,
                    ACTION_CHECK_RECORDED,
                    result.scan_id,
                    {
                        "check_id": row.id,
                        "decision_id": row.decision_id,
                        "verdict": verdict.value,
                        "outcome": row.outcome,
                        "note": row.note,
                        "checked_at": result.checked_at,
                        "corrects_check_id": row.corrects_check_id,
                    },
                )
                session.add(self._event(stored, tracking_id))
        except IntegrityError as exc:
            # The unique indexes: someone recorded a result for this parcel meanwhile.
            raise CheckError(
                f"check of {result.scan_id} not recorded: another result was recorded at the "
                "same time; refresh the list"
            ) from exc
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StorageError(f"check of {result.scan_id} was not recorded: {detail}") from exc
        return stored

    def _answerable(self, session: Session, result: CheckResult) -> tuple[str | None, Verdict]:
        """(tracking id, verdict of the decision answered) when ``result`` may be stored."""
        scan_id = result.scan_id
        scan = session.execute(
            select(ScanRow.tracking_id).where(ScanRow.id == scan_id)
        ).one_or_none()
        if scan is None:
            raise CheckError(f"no scan {scan_id!r} in the database: check not recorded")
        newest = session.execute(
            select(DecisionRow.id, DecisionRow.verdict)
            .where(DecisionRow.scan_id == scan_id)
            .order_by(DecisionRow.id.desc())
            .limit(1)
        ).one_or_none()
        if newest is None:
            raise CheckError(f"{scan_id} has no decision yet: nothing to check")
        if newest.id != result.decision_id:
            raise CheckError(
                f"{scan_id}: decision {result.decision_id} is not its newest decision "
                f"({newest.id}): the list is out of date, refresh it"
            )
        verdict = Verdict(newest.verdict)
        if verdict is Verdict.CLEAR:
            raise CheckError(f"{scan_id} was cleared: no physical check is due")
        latest = session.scalars(
            select(PhysicalCheckRow)
            .where(PhysicalCheckRow.scan_id == scan_id)
            .order_by(PhysicalCheckRow.id.desc())
            .limit(1)
        ).one_or_none()
        if result.corrects_check_id is None:
            if latest is not None:
                raise CheckError(
                    f"{scan_id} already has a check result ({latest.outcome}, by "
                    f"{latest.operator} at {latest.checked_at:%Y-%m-%d %H:%M} UTC): only a "
                    "supervisor's correction may follow it"
                )
        elif latest is None:
            raise CheckError(f"{scan_id} has no check result to correct")
        elif latest.id != result.corrects_check_id:
            raise CheckError(
                f"{scan_id}: check {result.corrects_check_id} is not its newest result "
                f"({latest.id}): correct the newest one"
            )
        return scan.tracking_id, verdict

    def _event(self, result: CheckResult, tracking_id: str | None) -> OutboxRow:
        return OutboxRow(
            topic=TOPIC_PARCEL_CHECKED,
            aggregate_id=result.scan_id,
            payload={
                "station_id": self.station_id,
                "scan_id": result.scan_id,
                "tracking_id": tracking_id,
                "check_id": result.check_id,
                "decision_id": result.decision_id,
                "outcome": result.outcome.value,
                "note": result.note,
                "operator": result.operator,
                "checked_at": result.checked_at.astimezone(UTC).isoformat(),
                "corrects_check_id": result.corrects_check_id,
            },
            idempotency_key=(
                f"{self.station_id}/{TOPIC_PARCEL_CHECKED}/{result.scan_id}/{result.check_id}"
            ),
            created_at=utcnow(),
            attempts=0,
        )

    # ------------------------------------------------------------ reading

    def pending(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PENDING_ROWS,
    ) -> list[PendingCheck]:
        """This station's parcels scanned in [start, end) whose newest decision is not
        CLEAR and that have no result yet, oldest decision first (the table's order)."""
        newest = _newest_decision_ids()
        checked = exists().where(PhysicalCheckRow.scan_id == ScanRow.id)
        query = (
            select(ScanRow.id, ScanRow.station_id, ScanRow.tracking_id, ScanRow.started_at,
                   DecisionRow.id.label("decision_id"), DecisionRow.verdict,
                   DecisionRow.operator, DecisionRow.decided_at, DecisionRow.kind)
            .join(newest, newest.c.scan_id == ScanRow.id)
            .join(DecisionRow, DecisionRow.id == newest.c.decision_id)
            .where(
                ScanRow.station_id == self.station_id,
                DecisionRow.verdict != Verdict.CLEAR.value,
                ~checked,
            )
        )
        query = query.where(*_scanned_in(start, end)).order_by(DecisionRow.id).limit(limit)
        with self._db.read_session() as session:
            return [
                PendingCheck(
                    scan_id=r.id,
                    station_id=r.station_id,
                    tracking_id=r.tracking_id,
                    started_at=r.started_at,
                    decision_id=r.decision_id,
                    verdict=Verdict(r.verdict),
                    operator=r.operator,
                    decided_at=r.decided_at,
                    by_supervisor=r.kind == "review",
                )
                for r in session.execute(query)
            ]

    def results(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        stations: Sequence[str] = (),
    ) -> list[CheckResult]:
        """Every result (corrections too, oldest first) on parcels *scanned* in
        [start, end), at every station unless ``stations`` names some: a shift's
        figures count the checks of its parcels, even one opened the next morning."""
        query = select(PhysicalCheckRow).join(ScanRow, ScanRow.id == PhysicalCheckRow.scan_id)
        if stations:
            query = query.where(ScanRow.station_id.in_(stations))
        query = query.where(*_scanned_in(start, end)).order_by(PhysicalCheckRow.id)
        with self._db.read_session() as session:
            return [_result(r) for r in session.scalars(query)]

    def results_for(self, scan_id: str) -> list[CheckResult]:
        """One parcel's results, oldest first (the newest counts)."""
        query = (
            select(PhysicalCheckRow)
            .where(PhysicalCheckRow.scan_id == scan_id)
            .order_by(PhysicalCheckRow.id)
        )
        with self._db.read_session() as session:
            return [_result(r) for r in session.scalars(query)]

    def recent_results(self, since: datetime, limit: int = MAX_PENDING_ROWS) -> list[CheckResult]:
        """This station's results recorded since ``since``, newest first (what a
        supervisor may correct)."""
        query = (
            select(PhysicalCheckRow)
            .join(ScanRow, ScanRow.id == PhysicalCheckRow.scan_id)
            .where(ScanRow.station_id == self.station_id, PhysicalCheckRow.checked_at >= since)
            .order_by(PhysicalCheckRow.id.desc())
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_result(r) for r in session.scalars(query)]
