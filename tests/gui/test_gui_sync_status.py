"""The sync section of the status bar: real widgets, the real adapter, and a real
SyncWorker talking to a real hub on 127.0.0.1 (first stopped, then started)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from gui_fakes import FakeStation
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from station_app.config import StationConfig, SyncConfig
from station_app.gui.adapter import StationAdapter
from station_app.gui.status_bar import SYNC_STATE_COLOURS, StationStatusBar, age_text
from station_app.storage import open_database
from station_app.storage.models import OutboxRow
from station_app.sync.hub import HubServer
from station_app.sync.loopback import bind_loopback
from station_app.sync.worker import SyncStatus, SyncWorker

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
TOKEN = "gui-test-token"


def _status(**changes: object) -> SyncStatus:
    values: dict[str, object] = {
        "state": "online",
        "enabled": True,
        "outbox_depth": 0,
        "parked": 0,
        "oldest_unsent_age_s": None,
        "last_success_at": NOW - timedelta(seconds=5),
        "last_error": None,
        "last_manifest_pull_at": NOW - timedelta(seconds=40),
    }
    values.update(changes)
    return SyncStatus(**values)  # type: ignore[arg-type]


@pytest.fixture
def bar(qtbot: QtBot, styled_app: object) -> StationStatusBar:
    widget = StationStatusBar()
    qtbot.addWidget(widget)
    widget.resize(1800, 40)
    widget.show()
    return widget


def _has_colour(image: QImage, hex_colour: str, tolerance: int = 12) -> bool:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    pixels = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.sizeInBytes())
    pixels = pixels.reshape(height, rgba.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    distance = np.abs(pixels[..., :3].astype(int) - target).max(axis=-1)
    return bool((distance <= tolerance).any())


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "0 s"),
        (0, "0 s"),
        (59.9, "59 s"),
        (60, "1 min"),
        (185, "3 min"),
        (2 * 3600 - 1, "119 min"),
        (2 * 3600, "2 h"),
        (47 * 3600, "47 h"),
        (2 * 86400, "2 d"),
        (30 * 86400 + 5, "30 d"),
    ],
)
def test_ages_read_as_a_person_would_say_them(seconds: float, text: str) -> None:
    assert age_text(seconds) == text


def test_not_configured(bar: StationStatusBar) -> None:
    assert bar.sync_label.text() == "Central: —"  # until the first poll, never blank
    bar.update_sync(None)
    assert bar.sync_label.text() == "● Central: not configured"
    assert bar.sync_label.property("syncState") == "disabled"
    assert "local outbox" in bar.sync_label.toolTip()


def test_offline_with_a_queue_names_depth_and_oldest_age(bar: StationStatusBar) -> None:
    bar.update_sync(
        _status(
            state="offline",
            outbox_depth=12,
            oldest_unsent_age_s=185.0,
            last_success_at=NOW - timedelta(hours=3),
            last_error="POST /v1/results:batch: ConnectError: connection refused",
        ),
        now=NOW,
    )
    assert bar.sync_label.text() == "● Central: offline · 12 queued, oldest 3 min"
    assert bar.sync_label.property("syncState") == "offline"
    tooltip = bar.sync_label.toolTip().splitlines()
    assert tooltip == [
        "Central service: offline",
        "Outbox: 12 waiting, 0 rejected by central",
        "Oldest unsent item: 3 min old",
        "Last successful send: 3 h ago",
        "Last manifest pull: 40 s ago",
        "Last error: POST /v1/results:batch: ConnectError: connection refused",
    ]


def test_degraded_with_rejected_rows_points_to_the_supervisor(bar: StationStatusBar) -> None:
    bar.update_sync(
        _status(
            state="degraded",
            outbox_depth=2,
            parked=2,
            oldest_unsent_age_s=7200.0,
            last_manifest_pull_at=None,
        ),
        now=NOW,
    )
    assert bar.sync_label.text() == "● Central: degraded · 2 queued, oldest 2 h · 2 rejected"
    tooltip = bar.sync_label.toolTip()
    assert "Last manifest pull: never" in tooltip
    assert "station-app outbox list" in tooltip


def test_online_and_empty_is_short(bar: StationStatusBar) -> None:
    bar.update_sync(_status(), now=NOW)
    assert bar.sync_label.text() == "● Central: online"
    assert "Oldest unsent item: none" in bar.sync_label.toolTip()
    assert "Last error" not in bar.sync_label.toolTip()


@pytest.mark.parametrize("state", ["online", "degraded", "offline"])
def test_the_state_shows_in_its_colour(qtbot: QtBot, bar: StationStatusBar, state: str) -> None:
    bar.update_sync(_status(state=state), now=NOW)
    qtbot.waitExposed(bar)
    image = bar.sync_label.grab().toImage()
    assert _has_colour(image, SYNC_STATE_COLOURS[state])
    for other, colour in SYNC_STATE_COLOURS.items():
        if other != state:
            assert not _has_colour(image, colour), other


# ---------------------------------------------------------------- polled by the adapter


def test_adapter_polls_sync_status_with_the_station_status(
    qtbot: QtBot, station: FakeStation
) -> None:
    station.sync_status_value = _status(outbox_depth=3)
    adapter = StationAdapter(station, poll_interval_ms=10, status_every=1)
    with qtbot.waitSignal(adapter.sync_status_changed, timeout=2000) as blocker:
        adapter.start()
    adapter.stop()
    assert blocker.args == [station.sync_status_value]

    station.sync_status_value = None  # offline by configuration is a value, not silence
    with qtbot.waitSignal(adapter.sync_status_changed, timeout=2000) as blocker:
        adapter.poll()
    assert blocker.args == [None]


def test_a_failing_sync_status_read_is_reported_not_raised(
    qtbot: QtBot, station: FakeStation
) -> None:
    @dataclass
    class Broken(FakeStation):
        def sync_status(self) -> SyncStatus | None:
            raise RuntimeError("worker gone")

    broken = Broken(station.config)
    adapter = StationAdapter(broken, poll_interval_ms=10, status_every=1)
    with qtbot.waitSignal(adapter.error_raised, timeout=2000) as blocker:
        adapter.poll()
    assert blocker.args == ["Cannot read the sync status: worker gone"]


@dataclass
class _StationWithSync(FakeStation):
    """The fake station's GUI side with a real sync worker behind ``sync_status``."""

    worker: SyncWorker | None = field(default=None)

    def sync_status(self) -> SyncStatus | None:
        return None if self.worker is None else self.worker.status()


def test_real_worker_offline_then_online_against_a_real_hub(
    qtbot: QtBot, tmp_path: Path, styled_app: object
) -> None:
    sock = bind_loopback()  # bound, not listening: central is down
    port = sock.getsockname()[1]
    config = StationConfig(
        data_dir=tmp_path / "station",
        sync=SyncConfig(
            central_url=f"http://127.0.0.1:{port}",
            token=TOKEN,
            connect_timeout_s=2.0,
            read_timeout_s=3.0,
        ),
    )
    database = open_database(config.resolved_database_url)
    created = datetime.now(UTC) - timedelta(minutes=4)
    with database.write_session() as session:
        session.add_all(
            OutboxRow(
                topic="scan.decided",
                aggregate_id=f"S-{i}",
                payload={
                    "station_id": config.station_id,
                    "scan_id": f"S-{i}",
                    "tracking_id": None,
                    "decision_id": i + 1,
                    "verdict": "clear",
                    "operator": "kim",
                    "decided_at": created.isoformat(),
                    "comment": "",
                    "decision_time_ms": 800.0,
                },
                idempotency_key=f"{config.station_id}/scan.decided/S-{i}/{i + 1}",
                created_at=created,
                attempts=0,
            )
            for i in range(3)
        )
    worker = SyncWorker(database, config)
    station = _StationWithSync(config, worker=worker)
    bar = StationStatusBar()
    qtbot.addWidget(bar)
    adapter = StationAdapter(station, poll_interval_ms=10, status_every=1)
    adapter.sync_status_changed.connect(bar.update_sync)
    hub: HubServer | None = None
    try:
        report = worker.run_once()
        assert report.error is not None
        adapter.poll()
        assert bar.sync_label.text() == "● Central: offline · 3 queued, oldest 4 min"
        assert bar.sync_label.property("syncState") == "offline"
        assert "Connect" in bar.sync_label.toolTip()  # the cause, in the details

        hub = HubServer(tmp_path / "hub.sqlite3", {TOKEN: config.station_id}, sock=sock)
        hub.start()
        report = worker.run_once()
        assert (report.applied, report.error) == (3, None)
        adapter.poll()
        assert bar.sync_label.text() == "● Central: online"
        assert bar.sync_label.property("syncState") == "online"
        assert re.search(r"Last successful send: \d+ s ago", bar.sync_label.toolTip())
    finally:
        adapter.stop()
        worker.close()
        if hub is not None:
            hub.stop()
        else:
            sock.close()
        database.close()


def test_settings_from_central_waiting_for_a_restart_are_shown(
    qtbot: QtBot, styled_app: object
) -> None:
    bar = StationStatusBar()
    qtbot.addWidget(bar)
    bar.update_sync(_status(state="online", config_waiting_version=4))
    assert "new settings v4 at restart" in bar.sync_label.text()
    bar.update_sync(_status(state="online"))
    assert "new settings" not in bar.sync_label.text()
