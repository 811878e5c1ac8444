"""Fixtures of the sync tests: a real station SQLite file and a real uvicorn hub on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sync_helpers import STATION, TOKEN, ConfigFactory

from station_app.config import StationConfig, SyncConfig
from station_app.storage import Database, ImageStore, ScanRepository, open_database
from station_app.sync.hub import HubServer


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station' / 'station.sqlite3'}"


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.close()


@pytest.fixture
def repo(database: Database, tmp_path: Path) -> ScanRepository:
    return ScanRepository(database, ImageStore(tmp_path / "station" / "images"), STATION)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    server = HubServer(tmp_path / "hub" / "hub.sqlite3", {TOKEN: STATION})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_config(tmp_path: Path) -> ConfigFactory:
    def factory(central_url: str | None, **sync: Any) -> StationConfig:
        options: dict[str, Any] = {
            "token": TOKEN,
            "batch_size": 25,
            "connect_timeout_s": 2.0,
            "read_timeout_s": 3.0,
            "backoff_base_s": 0.05,
            "backoff_max_s": 0.5,
            "idle_poll_s": 0.1,
        }
        options.update(sync)
        return StationConfig(
            station_id=STATION,
            data_dir=tmp_path / "station",
            sync=SyncConfig(central_url=central_url, **options),
        )

    return factory


@pytest.fixture
def http(hub: HubServer) -> Iterator[httpx.Client]:
    """A plain HTTP client of the hub, authenticated as the test station."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=5) as client:
        yield client
