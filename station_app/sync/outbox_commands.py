"""``station-app outbox list|requeue|ack``: the supervisor's view of rows central rejected.

Thin printing around ``station_app.sync.outbox.OutboxReview``; the actions are
audited there, in the transaction that changes the row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from station_app.config import StationConfig
from station_app.storage import open_database
from station_app.sync.outbox import OutboxEntry, OutboxReview

EXIT_OK = 0


def _when(moment: datetime | None) -> str:
    return "unknown" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def entry_json(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "topic": entry.topic,
        "aggregate_id": entry.aggregate_id,
        "idempotency_key": entry.idempotency_key,
        "state": entry.state,
        "created_at": entry.created_at.isoformat(),
        "attempts": entry.attempts,
        "rejected_reason": entry.rejected_reason,
        "rejected_at": None if entry.rejected_at is None else entry.rejected_at.isoformat(),
        "acknowledged_by": entry.acknowledged_by,
        "acknowledged_at": (
            None if entry.acknowledged_at is None else entry.acknowledged_at.isoformat()
        ),
    }


def _describe(entry: OutboxEntry) -> str:
    line = (
        f"#{entry.id} {entry.state} {entry.topic} {entry.aggregate_id} "
        f"(queued {_when(entry.created_at)}, {entry.attempts} attempt(s))\n"
        f"    rejected {_when(entry.rejected_at)}: {entry.rejected_reason or 'no reason given'}"
    )
    if entry.acknowledged_by is not None:
        line += f"\n    acknowledged by {entry.acknowledged_by} {_when(entry.acknowledged_at)}"
    return line


def list_command(config: StationConfig, *, include_acknowledged: bool, as_json: bool) -> int:
    database = open_database(config.resolved_database_url)
    try:
        entries = OutboxReview(database, config.station_id).parked(
            include_acknowledged=include_acknowledged
        )
    finally:
        database.close()
    if as_json:
        print(json.dumps([entry_json(e) for e in entries], ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print("no rejected outbox rows")
    for entry in entries:
        print(_describe(entry))
    return EXIT_OK


def change_command(
    config: StationConfig, *, action: str, ids: Sequence[int], operator: str, comment: str
) -> int:
    """``requeue`` or ``ack`` each row; the first row that cannot be changed stops the
    command with its error (rows before it stay changed, each with its audit entry)."""
    database = open_database(config.resolved_database_url)
    try:
        review = OutboxReview(database, config.station_id)
        for outbox_id in ids:
            if action == "requeue":
                entry = review.requeue(outbox_id, operator, comment)
                print(f"outbox row #{entry.id} ({entry.topic} {entry.aggregate_id}) requeued")
            else:
                entry = review.acknowledge(outbox_id, operator, comment)
                print(f"outbox row #{entry.id} ({entry.topic} {entry.aggregate_id}) acknowledged")
    finally:
        database.close()
    return EXIT_OK
