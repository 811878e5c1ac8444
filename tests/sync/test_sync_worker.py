"""The sync worker against a real uvicorn hub on 127.0.0.1, with real faults on the wire."""

from __future__ import annotations

import logging
import random
import time
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import select
from sync_helpers import TOKEN, ConfigFactory, drain, outbox_keys, queue_results, wait_for

from station_app.storage import Database, ScanRepository
from station_app.storage.models import OutboxRow
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault
from station_app.sync.loopback import bind_loopback
from station_app.sync.outbox import REJECTED_PREFIX, SyncOutbox
from station_app.sync.worker import SyncWorker, backoff_delay

pytestmark = pytest.mark.timeout(30)


def _pending_rows(database: Database) -> list[OutboxRow]:
    with database.read_session() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.sent_at.is_(None))))


def _assert_applied_exactly_once(hub: HubServer, database: Database) -> None:
    applied = [r.idempotency_key for r in hub.store.applied_results()]
    assert len(applied) == len(set(applied))  # the hub's unique key makes this structural
    assert set(applied) == outbox_keys(database)
    assert _pending_rows(database) == []


def test_results_arrive_once(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    n = queue_results(repo, 30)
    worker = SyncWorker(database, make_config(hub.url))
    try:
        reports = drain(worker)
        assert sum(r.applied for r in reports) == n
        assert all(r.error is None for r in reports)
        _assert_applied_exactly_once(hub, database)
        status = worker.status()
        assert (status.state, status.outbox_depth) == ("online", 0)
        assert status.oldest_unsent_age_s is None
        assert status.last_success_at is not None
        assert worker.run_once().applied == 0  # nothing is sent twice
    finally:
        worker.close()
    topics = {r.topic for r in hub.store.applied_results()}
    assert topics == {"scan.processed", "scan.decided"}


def test_offline_by_configuration_keeps_everything(
    database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    n = queue_results(repo, 3)
    worker = SyncWorker(database, make_config(None))
    report = worker.run_once()
    status = worker.status()
    assert report.error is None and report.applied == 0
    assert (status.enabled, status.state, status.outbox_depth) == (False, "offline", n)
    assert status.oldest_unsent_age_s is not None and status.oldest_unsent_age_s >= 0


def test_central_down_then_up_everything_arrives_once(
    tmp_path: Path, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    sock = bind_loopback()  # bound, not listening: connections are refused (central down)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    n = queue_results(repo, 20)
    worker = SyncWorker(database, make_config(url, batch_size=15))
    worker.start()
    hub = None
    try:
        assert wait_for(lambda: worker.status().last_error is not None, 5)
        more = queue_results(repo, 10, first=100)  # the station keeps working offline
        worker.notify()
        time.sleep(0.5)
        status = worker.status()
        assert status.state == "offline"
        assert status.outbox_depth == n + more
        assert "ConnectError" in (status.last_error or "")
        assert any(row.attempts > 0 for row in _pending_rows(database))
        hub = HubServer(tmp_path / "hub.sqlite3", {TOKEN: "STATION-01"}, sock=sock).start()
        assert wait_for(lambda: worker.status().outbox_depth == 0, 15)
        assert worker.status().state == "online"
    finally:
        assert worker.stop(10)
        if hub is not None:
            hub.stop()
    assert hub is not None
    _assert_applied_exactly_once(hub, database)
    assert all(r.duplicates_seen == 0 for r in hub.store.applied_results())


def test_500_and_503_with_retry_after(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    n = queue_results(repo, 5)
    # backoff_max_s also caps Retry-After: 5 s lets the 1 s hint through.
    worker = SyncWorker(database, make_config(hub.url, backoff_max_s=5.0))
    try:
        hub.faults.inject(Fault(kind="status", status=500, count=2))
        hub.faults.inject(Fault(kind="status", status=503, retry_after_s=1))
        first, second, third = worker.run_once(), worker.run_once(), worker.run_once()
        assert first.error is not None and "500" in first.error and first.retry_after_s is None
        assert second.error is not None and "500" in second.error
        assert third.error is not None and "503" in third.error and third.retry_after_s == 1.0
        assert worker.status().state == "degraded"
        rows = _pending_rows(database)
        assert len(rows) == n and {r.attempts for r in rows} == {3}
        assert hub.store.count_applied() == 0
        # In the thread, a Retry-After of 1 s holds back the retry although backoff is 50 ms.
        hub.faults.inject(Fault(kind="status", status=503, retry_after_s=1))
        started = time.monotonic()
        worker.start()
        assert wait_for(lambda: worker.status().outbox_depth == 0, 10)
        assert time.monotonic() - started >= 0.95
    finally:
        assert worker.stop(10)
    _assert_applied_exactly_once(hub, database)


@pytest.mark.parametrize(
    ("kind", "applied_late"),
    [("sleep", False), ("delay_after_apply", True)],
    ids=["hang-before-apply", "hang-after-apply"],
)
def test_hang_past_client_timeout(
    hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    kind: Literal["sleep", "delay_after_apply"],
    applied_late: bool,
) -> None:
    n = queue_results(repo, 5)
    worker = SyncWorker(database, make_config(hub.url, read_timeout_s=0.5))
    try:
        hub.faults.inject(Fault(kind=kind, seconds=1.5))
        started = time.monotonic()
        report = worker.run_once()
        assert time.monotonic() - started < 1.4  # the client gave up at its timeout
        assert report.error is not None and "in time" in report.error
        assert worker.status().state == "offline"
        assert len(_pending_rows(database)) == n
        # The hung hub finds the client gone: before applying, uvicorn reports the
        # disconnect and nothing is applied; after applying, the rows are in.
        time.sleep(1.5)
        assert hub.store.count_applied() == (n if applied_late else 0)
        report = worker.run_once()
        expected = (0, n) if applied_late else (n, 0)
        assert (report.applied, report.duplicates, report.error) == (*expected, None)
    finally:
        worker.close()
    _assert_applied_exactly_once(hub, database)


def test_lost_response_resend_is_duplicate(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    n = queue_results(repo, 6)
    worker = SyncWorker(database, make_config(hub.url))
    try:
        hub.faults.inject(Fault(kind="drop_after_apply"))
        report = worker.run_once()
        assert report.error is not None and "RemoteProtocolError" in report.error
        assert hub.store.count_applied() == n  # central has them ...
        assert len(_pending_rows(database)) == n  # ... but the station never heard so
        report = worker.run_once()
        assert (report.applied, report.duplicates) == (0, n)
    finally:
        worker.close()
    _assert_applied_exactly_once(hub, database)
    assert {r.duplicates_seen for r in hub.store.applied_results()} == {1}


@pytest.mark.parametrize("token", ["wrong-token", None])
def test_bad_token_is_a_clear_error(
    hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    token: str | None,
) -> None:
    n = queue_results(repo, 2)
    worker = SyncWorker(database, make_config(hub.url, token=token))
    try:
        report = worker.run_once()
    finally:
        worker.close()
    assert report.error is not None
    assert "401" in report.error and "sync.token" in report.error
    assert worker.status().state == "degraded"
    assert len(_pending_rows(database)) == n
    assert hub.store.count_applied() == 0


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(kind="malformed"), "malformed JSON"),
        (Fault(kind="wrong_schema"), "unexpected answer"),
        (Fault(kind="huge", size_bytes=5_000_000), "refused"),
    ],
    ids=["malformed", "wrong-schema", "huge"],
)
def test_bad_answers_keep_rows_pending_and_worker_going(
    hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    message: str,
) -> None:
    n = queue_results(repo, 3)
    worker = SyncWorker(database, make_config(hub.url, max_response_bytes=1_000_000))
    try:
        hub.faults.inject(fault)
        with caplog.at_level(logging.WARNING, logger="station_app.sync"):
            report = worker.run_once()
        assert report.error is not None and message in report.error
        assert message in caplog.text  # logged, not only returned
        assert len(_pending_rows(database)) == n
        report = worker.run_once()  # the next batch goes through
        assert (report.applied, report.error) == (n, None)
    finally:
        worker.close()
    _assert_applied_exactly_once(hub, database)


def test_rejected_rows_are_parked_not_blocking(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    with database.write_session() as session:  # a row central will refuse, at the queue head
        session.add(
            OutboxRow(
                topic="scan.processed",
                aggregate_id="S-bad",
                payload={"station_id": "STATION-01", "scan_id": "S-bad"},
                idempotency_key="STATION-01/scan.processed/S-bad",
                attempts=0,
            )
        )
    n = queue_results(repo, 4)
    worker = SyncWorker(database, make_config(hub.url, batch_size=3))
    try:
        reports = drain(worker)
    finally:
        worker.close()
    assert sum(r.applied for r in reports) == n
    assert sum(r.rejected for r in reports) == 1
    (bad,) = _pending_rows(database)
    assert bad.last_error is not None and bad.last_error.startswith(REJECTED_PREFIX)
    assert "triage" in bad.last_error  # the reason names what was wrong
    assert SyncOutbox(database).next_batch(10) == []
    status = worker.status()
    assert (status.state, status.outbox_depth, status.parked) == ("degraded", 1, 1)


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(k, 1.0, 60.0, rng=rng) for k in range(1, 12)]
    for k, delay in enumerate(delays, start=1):
        ceiling = min(60.0, 2.0 ** (k - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(1, 1.0, 60.0, retry_after_s=30, rng=rng) >= 30
    assert backoff_delay(1, 1.0, 60.0, retry_after_s=3600, rng=rng) == 60.0  # capped
