"""The sync worker's view of the station outbox.

Adds to ``OutboxRepository`` what a sender needs beyond pending/mark_sent:
failing a whole batch in one transaction (not one per row), parking rows that
central rejected so they cannot block the queue head forever, and the queue
figures for the status bar. Parked rows keep ``sent_at`` NULL — nothing is
dropped; they are retried now and then and are visible to a supervisor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, not_, or_, select, update

from station_app.storage import Database, OutboxRecord, OutboxRepository
from station_app.storage.models import OutboxRow

REJECTED_PREFIX = "rejected by central: "
_parked = and_(OutboxRow.last_error.is_not(None), OutboxRow.last_error.startswith(REJECTED_PREFIX))
_pending = OutboxRow.sent_at.is_(None)


@dataclass(frozen=True)
class QueueStats:
    depth: int  # unsent rows, parked included
    parked: int  # unsent rows central rejected
    oldest_created_at: datetime | None


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the station stores UTC.
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


class SyncOutbox:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._repo = OutboxRepository(database)

    def next_batch(self, limit: int, *, parked: bool = False) -> list[OutboxRecord]:
        """The oldest unsent rows: the normal queue, or (``parked``) only rejected ones."""
        where = _parked if parked else or_(OutboxRow.last_error.is_(None), not_(_parked))
        query = select(OutboxRow).where(_pending, where).order_by(OutboxRow.id).limit(limit)
        with self._db.read_session() as session:
            return [_record(r) for r in session.scalars(query)]

    def mark_sent(self, ids: Iterable[int]) -> None:
        self._repo.mark_sent(ids)

    def mark_failed(self, ids: Iterable[int], error: str) -> None:
        """One more attempt on every row of a batch that did not get through."""
        id_list = list(ids)
        if not id_list:
            return
        with self._db.write_session() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(id_list), _pending)
                .values(attempts=OutboxRow.attempts + 1, last_error=error[:2000])
            )

    def mark_rejected(self, reasons: Mapping[int, str]) -> None:
        if not reasons:
            return
        with self._db.write_session() as session:
            for outbox_id, reason in reasons.items():
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == outbox_id, _pending)
                    .values(
                        attempts=OutboxRow.attempts + 1,
                        last_error=(REJECTED_PREFIX + reason)[:2000],
                    )
                )

    def stats(self) -> QueueStats:
        with self._db.read_session() as session:
            depth, oldest = session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(_pending)
            ).one()
            parked = session.scalar(select(func.count()).where(_pending, _parked))
        return QueueStats(int(depth or 0), int(parked or 0), _aware(oldest))
