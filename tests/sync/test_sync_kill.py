"""SIGKILL a station while it sends: after a restart every result is applied exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sync_helpers import TOKEN, outbox_keys, queue_results, wait_for

from station_app.storage import Database, ScanRepository
from station_app.storage.models import OutboxRow
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault

CHILD = Path(__file__).with_name("station_child.py")
pytestmark = [pytest.mark.timeout(60), pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]


def _pending(database: Database) -> int:
    with database.read_session() as session:
        query = select(func.count()).where(OutboxRow.sent_at.is_(None))
        return int(session.scalar(query) or 0)


def _start_station(db_url: str, hub: HubServer) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen(
        [sys.executable, str(CHILD), db_url, hub.url, TOKEN, "10"],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def test_sigkill_while_sending_then_restart_applies_each_result_once(
    hub: HubServer, database: Database, repo: ScanRepository, db_url: str
) -> None:
    n = queue_results(repo, 100)  # 200 rows, 20 batches of 10
    # Every batch: the hub commits, then takes 0.3 s to answer — the window in which
    # a kill leaves rows applied on central but unconfirmed on the station.
    hub.faults.inject(Fault(kind="delay_after_apply", seconds=0.3, count=10_000))
    child = _start_station(db_url, hub)
    try:
        assert wait_for(lambda: hub.store.count_applied() >= 50, 20, step_s=0.01)
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    applied_at_kill = hub.store.count_applied()
    pending_at_kill = _pending(database)
    unconfirmed = applied_at_kill + pending_at_kill - n  # applied, yet still queued
    assert 0 < applied_at_kill < n
    assert unconfirmed > 0, "the kill should land between the hub's commit and its answer"

    hub.faults.clear()
    child = _start_station(db_url, hub)  # nothing but the database carries over
    try:
        assert wait_for(lambda: _pending(database) == 0, 30, step_s=0.05)
    finally:
        child.kill()
        child.wait(10)

    applied = hub.store.applied_results()
    assert len(applied) == n
    assert {r.idempotency_key for r in applied} == outbox_keys(database)
    assert sum(r.duplicates_seen for r in applied) == unconfirmed
