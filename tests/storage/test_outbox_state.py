"""Outbox row states (migration 0005), the worker's queue figures and the supervisor's
review actions, on real SQLite files and PostgreSQL when configured."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from station_app.cli import EXIT_USER_ERROR, main
from station_app.storage import Database, open_database
from station_app.storage.audit import (
    ACTION_OUTBOX_ACKNOWLEDGED,
    ACTION_OUTBOX_REQUEUED,
    AuditLog,
    verify_audit_log,
)
from station_app.storage.db import alembic_config
from station_app.storage.models import OutboxRow
from station_app.sync.outbox import REJECTED_PREFIX, OutboxError, OutboxReview, SyncOutbox

STATION = "STATION-01"
T0 = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def _add_rows(database: Database, n: int) -> list[int]:
    with database.write_session() as session:
        rows = [
            OutboxRow(
                topic="scan.processed",
                aggregate_id=f"S-{i:04d}",
                payload={"scan_id": f"S-{i:04d}"},
                idempotency_key=f"{STATION}/scan.processed/S-{i:04d}",
                created_at=T0 + timedelta(minutes=i),
                attempts=0,
            )
            for i in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def _states(database: Database) -> dict[int, str]:
    with database.read_session() as session:
        return {i: s for i, s in session.execute(select(OutboxRow.id, OutboxRow.state))}


# ---------------------------------------------------------------- migration


def test_migration_0005_carries_existing_rows_over_and_back(db_url: str) -> None:
    database = open_database(db_url, migrate=False)
    legacy = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("topic", sa.String()),
        sa.column("aggregate_id", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("idempotency_key", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("attempts", sa.Integer()),
        sa.column("last_error", sa.Text()),
        sa.column("sent_at", sa.DateTime(timezone=True)),
    )
    rows = {  # id: (last_error, sent_at) as the pre-0005 code wrote them
        1: (None, None),
        2: (REJECTED_PREFIX + "triage: field required", None),
        3: ("ConnectError: connection refused", None),
        4: (None, T0),
        5: (REJECTED_PREFIX + "old refusal, later applied", T0),  # sent wins
        6: ("not rejected by central: x", None),  # the prefix must start the text
    }
    try:
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
            conn.execute(
                legacy.insert(),
                [
                    {
                        "id": i,
                        "topic": "scan.processed",
                        "aggregate_id": f"S-{i}",
                        "payload": {},
                        "idempotency_key": f"k{i}",
                        "created_at": T0,
                        "attempts": 1,
                        "last_error": error,
                        "sent_at": sent,
                    }
                    for i, (error, sent) in rows.items()
                ],
            )
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with database.read_session() as session:
            after = {r.id: r for r in session.scalars(select(OutboxRow))}
        assert {i: r.state for i, r in after.items()} == {
            1: "pending",
            2: "rejected",
            3: "pending",
            4: "sent",
            5: "sent",
            6: "pending",
        }
        assert after[2].rejected_reason == "triage: field required"
        assert after[2].rejected_at is None  # never recorded before 0005: not made up
        assert after[3].last_error == "ConnectError: connection refused"  # kept as it was
        assert SyncOutbox(database).stats().parked == 1

        OutboxReview(database, STATION).acknowledge(2, "kim")
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0004")
        with database.engine.connect() as conn:
            back = {i: e for i, e in conn.execute(select(legacy.c.id, legacy.c.last_error))}
            columns = {c["name"] for c in sa.inspect(conn).get_columns("outbox")}
        # The old code parks by this text: the row stays parked, nothing is resent blindly.
        assert back[2] == REJECTED_PREFIX + "triage: field required"
        assert back[3] == "ConnectError: connection refused"
        assert "state" not in columns
    finally:
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        database.close()


def test_check_constraints_refuse_unknown_and_inconsistent_states(database: Database) -> None:
    def insert(**values: object) -> None:
        with database.write_session() as session:
            session.add(
                OutboxRow(
                    topic="t",
                    aggregate_id="a",
                    payload={},
                    idempotency_key=f"k-{len(values)}-{values}",
                    **values,
                )
            )

    with pytest.raises(IntegrityError, match="ck_outbox_state"):
        insert(state="lost")
    with pytest.raises(IntegrityError, match="ck_outbox_state_sent_at"):
        insert(sent_at=T0)  # sent time on a pending row
    with pytest.raises(IntegrityError, match="ck_outbox_state_sent_at"):
        insert(state="sent")  # sent without a time
    insert(state="sent", sent_at=T0)
    assert list(_states(database).values()) == ["sent"]


# ---------------------------------------------------------------- worker's view


def test_rejected_rows_leave_the_queue_but_stay_counted(database: Database) -> None:
    outbox = SyncOutbox(database)
    ids = _add_rows(database, 4)
    outbox.mark_rejected({ids[0]: "triage: field required"})
    outbox.mark_failed(ids[:2], "ConnectError: refused")  # a later batch that did not get through
    assert [r.id for r in outbox.next_batch(10)] == ids[1:]
    assert [r.id for r in outbox.next_batch(10, parked=True)] == [ids[0]]
    stats = outbox.stats()
    assert (stats.depth, stats.parked, stats.oldest_created_at) == (4, 1, T0)

    (parked,) = OutboxReview(database, STATION).parked()
    assert (parked.id, parked.state, parked.rejected_reason) == (
        ids[0],
        "rejected",
        "triage: field required",
    )
    assert parked.rejected_at is not None and parked.rejected_at.tzinfo is not None
    assert parked.attempts == 2  # the refusal and the failed retry
    assert parked.last_error == "ConnectError: refused"

    outbox.mark_sent([ids[0], ids[1]])  # a retry central applied after all
    assert _states(database) == {
        ids[0]: "sent",
        ids[1]: "sent",
        ids[2]: "pending",
        ids[3]: "pending",
    }
    assert outbox.stats().parked == 0


# ---------------------------------------------------------------- supervisor


def test_acknowledge_and_requeue_are_audited(database: Database) -> None:
    outbox = SyncOutbox(database)
    review = OutboxReview(database, STATION)
    ids = _add_rows(database, 3)
    outbox.mark_rejected({ids[0]: "unknown station", ids[1]: "bad payload"})

    acknowledged = review.acknowledge(ids[1], "supervisor-lee", "known bad scan, reported")
    assert (acknowledged.state, acknowledged.acknowledged_by) == ("acknowledged", "supervisor-lee")
    stats = outbox.stats()
    assert (stats.depth, stats.parked) == (2, 1)  # settled: neither sent nor counted
    assert [e.id for e in review.parked()] == [ids[0]]
    assert [e.id for e in review.parked(include_acknowledged=True)] == ids[:2]
    assert outbox.next_batch(10, parked=True)[0].id == ids[0]  # only the unsettled one

    requeued = review.requeue(ids[0], "supervisor-lee", "central fixed the station list")
    assert (requeued.state, requeued.rejected_reason, requeued.rejected_at) == (
        "pending",
        None,
        None,
    )
    assert [r.id for r in outbox.next_batch(10)] == [ids[0], ids[2]]
    review.requeue(ids[1], "supervisor-lee")  # an acknowledged row can go back too
    assert outbox.stats() == type(stats)(3, 0, T0)

    audit = AuditLog(database, STATION)
    entries = audit.entries()
    assert [e.action for e in entries] == [
        ACTION_OUTBOX_ACKNOWLEDGED,
        ACTION_OUTBOX_REQUEUED,
        ACTION_OUTBOX_REQUEUED,
    ]
    first_requeue = entries[1]
    assert (first_requeue.actor, first_requeue.subject) == ("supervisor-lee", "S-0000")
    details = first_requeue.details
    assert details["outbox_id"] == ids[0]
    assert (details["from_state"], details["to_state"]) == ("rejected", "pending")
    assert details["rejected_reason"] == "unknown station"  # the refusal is not lost
    assert details["comment"] == "central fixed the station list"
    assert entries[2].details["from_state"] == "acknowledged"
    assert verify_audit_log(database, STATION).ok


def test_review_refuses_what_it_cannot_do_and_changes_nothing(database: Database) -> None:
    outbox = SyncOutbox(database)
    review = OutboxReview(database, STATION)
    ids = _add_rows(database, 2)
    outbox.mark_rejected({ids[0]: "bad"})
    before = _states(database)
    with pytest.raises(OutboxError, match="no outbox row 999"):
        review.requeue(999, "kim")
    with pytest.raises(OutboxError, match=f"row {ids[1]} is pending"):
        review.requeue(ids[1], "kim")
    with pytest.raises(OutboxError, match=f"row {ids[1]} is pending.*rejected"):
        review.acknowledge(ids[1], "kim")
    with pytest.raises(OutboxError, match="operator name"):
        review.acknowledge(ids[0], "  ")
    review.acknowledge(ids[0], "kim")
    with pytest.raises(OutboxError, match="is acknowledged"):
        review.acknowledge(ids[0], "kim")
    assert _states(database) == {**before, ids[0]: "acknowledged"}
    assert [e.action for e in AuditLog(database, STATION).entries()] == [ACTION_OUTBOX_ACKNOWLEDGED]


# ---------------------------------------------------------------- command line


def test_outbox_commands(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(sqlite_url)
    try:
        ids = _add_rows(database, 3)
        SyncOutbox(database).mark_rejected({ids[0]: "triage: field required", ids[2]: "other"})
    finally:
        database.close()
    base = ["--data-dir", str(tmp_path), "--database-url", sqlite_url, "outbox"]

    assert main([*base, "list"]) == 0
    text = capsys.readouterr().out
    assert f"#{ids[0]} rejected scan.processed S-0000" in text
    assert "triage: field required" in text
    assert f"#{ids[1]} " not in text

    assert main([*base, "ack", str(ids[2]), "--operator", "lee", "--comment", "dup"]) == 0
    assert "acknowledged" in capsys.readouterr().out
    assert main([*base, "requeue", str(ids[0]), "--operator", "lee"]) == 0
    assert f"#{ids[0]} (scan.processed S-0000) requeued" in capsys.readouterr().out

    assert main([*base, "list", "--all", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["id"], e["state"], e["acknowledged_by"]) for e in listed] == [
        (ids[2], "acknowledged", "lee")
    ]

    assert main([*base, "requeue", str(ids[1])]) == EXIT_USER_ERROR  # pending: nothing to do
    err = capsys.readouterr().err
    assert f"outbox row {ids[1]} is pending" in err
    assert "\n" not in err.strip()
    assert main([*base, "list"]) == 0
    assert "no rejected outbox rows" in capsys.readouterr().out
