"""The sync worker's view of the station outbox, and the supervisor's.

Every row has an explicit ``state`` (``OutboxRow``, migration 0005)::

    pending --sent--> sent
       |  ^
       |  +---- requeue (supervisor) or a later retry that central applies
       v
    rejected --acknowledge (supervisor)--> acknowledged --requeue--> pending

Adds to ``OutboxRepository`` what a sender needs beyond pending/mark_sent: failing
a whole batch in one transaction (not one per row), parking rows that central
rejected so they cannot block the queue head forever, and the queue figures for
the status bar. Nothing is ever dropped: rejected rows keep ``sent_at`` NULL, are
offered to central again now and then (``SyncConfig.rejected_retry_s``, the
worker's clock) and are counted as ``parked`` until a supervisor requeues or
acknowledges them (``OutboxReview``). An acknowledged row is kept for the record
but no longer sent nor counted in the queue depth: a person decided central will
not take it. Both supervisor actions go into the audit trail with the row change,
in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from station_app.errors import StationError
from station_app.storage import Database, OutboxRecord, OutboxRepository
from station_app.storage.audit import (
    ACTION_OUTBOX_ACKNOWLEDGED,
    ACTION_OUTBOX_REQUEUED,
    AuditLog,
)
from station_app.storage.models import NAME_LEN, OutboxRow, utcnow

OutboxState = Literal["pending", "sent", "rejected", "acknowledged"]
PENDING: Final = "pending"
SENT: Final = "sent"
REJECTED: Final = "rejected"
ACKNOWLEDGED: Final = "acknowledged"
# Still the start of ``last_error`` after a refusal (a readable last outcome); since
# migration 0005 the state column, not this text, says that a row is parked.
REJECTED_PREFIX: Final = "rejected by central: "
_ERROR_LEN = 2000
_QUEUED = (PENDING, REJECTED)  # what the station still means to send
# Every query names the unsent predicate literally: it is the partial index's.
_unsent = OutboxRow.sent_at.is_(None)


class OutboxError(StationError):
    """A supervisor action on the outbox that cannot be done (unknown row, wrong state)."""


@dataclass(frozen=True)
class QueueStats:
    depth: int  # rows still to send: pending and rejected (acknowledged ones are settled)
    parked: int  # rows central rejected that no supervisor has settled yet
    oldest_created_at: datetime | None  # of the rows counted in depth


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as a supervisor sees it (the payload stays in the database)."""

    id: int
    topic: str
    aggregate_id: str  # the scan id the event is about
    idempotency_key: str
    state: OutboxState
    created_at: datetime
    attempts: int
    last_error: str | None
    rejected_reason: str | None
    rejected_at: datetime | None  # None for rows rejected before migration 0005
    acknowledged_by: str | None
    acknowledged_at: datetime | None


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates (min) bypass the UTC column type: SQLite hands back naive UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _record(row: OutboxRow) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        topic=row.topic,
        aggregate_id=row.aggregate_id,
        payload=dict(row.payload),
        idempotency_key=row.idempotency_key,
        created_at=_aware(row.created_at) or row.created_at,
        attempts=row.attempts,
        last_error=row.last_error,
    )


def _entry(row: OutboxRow) -> OutboxEntry:
    state: Any = row.state
    return OutboxEntry(
        id=row.id,
        topic=row.topic,
        aggregate_id=row.aggregate_id,
        idempotency_key=row.idempotency_key,
        state=state,
        created_at=_aware(row.created_at) or row.created_at,
        attempts=row.attempts,
        last_error=row.last_error,
        rejected_reason=row.rejected_reason,
        rejected_at=_aware(row.rejected_at),
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=_aware(row.acknowledged_at),
    )


class SyncOutbox:
    """What the sync worker reads and writes; one short transaction per call."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._repo = OutboxRepository(database)

    def next_batch(self, limit: int, *, parked: bool = False) -> list[OutboxRecord]:
        """The oldest pending rows, or (``parked``) the oldest rejected ones."""
        state = REJECTED if parked else PENDING
        query = (
            select(OutboxRow)
            .where(_unsent, OutboxRow.state == state)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_record(r) for r in session.scalars(query)]

    def mark_sent(self, ids: Iterable[int]) -> None:
        self._repo.mark_sent(ids)

    def mark_failed(self, ids: Iterable[int], error: str) -> None:
        """One more attempt on every row of a batch that did not get through; the
        state stays (a rejected row offered again stays rejected)."""
        id_list = list(ids)
        if not id_list:
            return
        with self._db.write_session() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(id_list), _unsent, OutboxRow.state.in_(_QUEUED))
                .values(attempts=OutboxRow.attempts + 1, last_error=error[:_ERROR_LEN])
            )

    def mark_rejected(self, reasons: Mapping[int, str]) -> None:
        """Park rows central refused, with its reason; one transaction for all."""
        if not reasons:
            return
        now = utcnow()
        with self._db.write_session() as session:
            for outbox_id, reason in reasons.items():
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == outbox_id, _unsent, OutboxRow.state.in_(_QUEUED))
                    .values(
                        state=REJECTED,
                        attempts=OutboxRow.attempts + 1,
                        rejected_reason=reason[:_ERROR_LEN],
                        rejected_at=now,
                        last_error=(REJECTED_PREFIX + reason)[:_ERROR_LEN],
                    )
                )

    def stats(self) -> QueueStats:
        queued = (_unsent, OutboxRow.state.in_(_QUEUED))
        with self._db.read_session() as session:
            depth, oldest = session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(*queued)
            ).one()
            parked = session.scalar(
                select(func.count()).where(_unsent, OutboxRow.state == REJECTED)
            )
        return QueueStats(int(depth or 0), int(parked or 0), _aware(oldest))


class OutboxReview:
    """The supervisor's side: list parked rows, requeue or acknowledge one (audited).

    ``station_id`` is the station whose audit chain records the actions.
    """

    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id

    def parked(self, *, include_acknowledged: bool = False, limit: int = 500) -> list[OutboxEntry]:
        """Rows central rejected, oldest first (``include_acknowledged``: settled ones too)."""
        states = (REJECTED, ACKNOWLEDGED) if include_acknowledged else (REJECTED,)
        query = (
            select(OutboxRow)
            .where(_unsent, OutboxRow.state.in_(states))
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_entry(r) for r in session.scalars(query)]

    def get(self, outbox_id: int) -> OutboxEntry | None:
        with self._db.read_session() as session:
            row = session.get(OutboxRow, outbox_id)
            return None if row is None else _entry(row)

    def requeue(self, outbox_id: int, actor: str, comment: str = "") -> OutboxEntry:
        """Send a rejected (or acknowledged) row again with the normal queue, e.g. after
        central was fixed. Its last refusal goes into the audit entry, not lost."""
        return self._change(
            outbox_id,
            actor,
            comment,
            allowed=(REJECTED, ACKNOWLEDGED),
            action=ACTION_OUTBOX_REQUEUED,
            values={
                "state": PENDING,
                "rejected_reason": None,
                "rejected_at": None,
                "acknowledged_by": None,
                "acknowledged_at": None,
            },
        )

    def acknowledge(self, outbox_id: int, actor: str, comment: str = "") -> OutboxEntry:
        """Settle a rejected row: kept for the record, no longer sent nor counted."""
        return self._change(
            outbox_id,
            actor,
            comment,
            allowed=(REJECTED,),
            action=ACTION_OUTBOX_ACKNOWLEDGED,
            values={"state": ACKNOWLEDGED, "acknowledged_by": actor, "acknowledged_at": utcnow()},
        )

    def _change(
        self,
        outbox_id: int,
        actor: str,
        comment: str,
        *,
        allowed: tuple[str, ...],
        action: str,
        values: Mapping[str, Any],
    ) -> OutboxEntry:
        if not actor.strip() or len(actor) > NAME_LEN:
            raise OutboxError(f"operator name must be 1 to {NAME_LEN} characters, got {actor!r}")
        try:
            with self._db.write_session() as session:
                row = session.get(OutboxRow, outbox_id, with_for_update=True)
                if row is None:
                    raise OutboxError(f"no outbox row {outbox_id}")
                if row.state not in allowed:
                    raise OutboxError(
                        f"outbox row {outbox_id} is {row.state}; only a row that is "
                        f"{' or '.join(allowed)} can be {action.split('.')[-1]}"
                    )
                before = _entry(row)
                for name, value in values.items():
                    setattr(row, name, value)
                AuditLog(self._db, self.station_id).append(
                    session,
                    actor,
                    action,
                    row.aggregate_id[:NAME_LEN],
                    {
                        "outbox_id": row.id,
                        "topic": row.topic,
                        "idempotency_key": row.idempotency_key,
                        "from_state": before.state,
                        "to_state": row.state,
                        "rejected_reason": before.rejected_reason,
                        "rejected_at": before.rejected_at,
                        "attempts": row.attempts,
                        "comment": comment,
                    },
                )
                session.flush()
                return _entry(row)
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise OutboxError(f"outbox row {outbox_id} was not changed: {detail}") from exc
