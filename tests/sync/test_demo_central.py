"""``--demo-central``: the reference hub in the station's process, results arriving there."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from station_app.cli import main
from station_app.storage import open_database
from station_app.storage.models import OutboxRow
from station_app.sync.demo import DEMO_HUB_FILE
from station_app.sync.hub_store import HubStore


def test_headless_run_syncs_with_the_demo_central(
    calibrated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "--data-dir", str(calibrated_data_dir), "run", "--headless", "--demo-central",
        "--parcels", "2", "--json", "--driver-option", "parcels=2",
    ])
    assert code == 0, capsys.readouterr().err
    hub = HubStore(calibrated_data_dir / DEMO_HUB_FILE)
    try:
        applied = hub.count_applied()
    finally:
        hub.close()
    database = open_database(f"sqlite:///{calibrated_data_dir / 'station.sqlite3'}")
    try:
        with database.read_session() as session:
            rows = list(session.scalars(select(OutboxRow)))
    finally:
        database.close()
    assert len(rows) == 2
    sent = [r for r in rows if r.sent_at is not None]
    # At least the first result got through before the run ended; none was lost: what
    # central applied was marked sent, the rest waits for the next start.
    assert applied >= 1 and len(sent) == applied


def test_a_configured_central_wins_over_the_demo(
    calibrated_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_SYNC__CENTRAL_URL", "http://127.0.0.1:9")  # nothing listens
    code = main([
        "--data-dir", str(calibrated_data_dir), "run", "--headless", "--demo-central",
        "--parcels", "1", "--driver-option", "parcels=1",
    ])
    assert code == 0
    assert not (calibrated_data_dir / DEMO_HUB_FILE).exists()
