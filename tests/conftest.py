"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_ENV = "STATION_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def calibrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose SQLite database holds a fresh calibration of scanner SIM-0001,
    made once per session the way a technician would: `station-app calibrate`."""
    from station_app.cli import main

    data_dir = tmp_path_factory.mktemp("calibrated")
    assert main(["--data-dir", str(data_dir), "calibrate", "--driver-option", "parcels=0"]) == 0
    return data_dir


@pytest.fixture
def calibrated_data_dir(calibrated_template: Path, tmp_path: Path) -> Path:
    """A private copy of the calibrated data dir, so tests do not see each other's scans."""
    target = tmp_path / "calibrated-station"
    shutil.copytree(calibrated_template, target)
    return target


def _reset_postgres(url: str) -> None:
    """An empty schema: every test on the shared server starts from migrations."""
    from station_app.storage.models import Base

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh SQLite file, and (when ``STATION_TEST_POSTGRES_URL`` is set, as
    ``bash packaging/test.sh`` does) an emptied PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'station.sqlite3'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ENV} not set: PostgreSQL run skipped "
            "(bash packaging/test.sh starts a throwaway server and sets it)"
        )
    _reset_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'station.sqlite3'}"
