"""Opening, migrating and refusing databases (real SQLite files, PostgreSQL when configured)."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import StatementError

from station_app.storage import StorageError, open_database
from station_app.storage.models import Base, StationRow

TABLES = {"stations", "calibrations", "scans", "alarms", "detections", "decisions", "outbox"}
TABLES |= {"manifests", "discrepancies"}  # migration 0002
TABLES |= {"audit_log", "audit_head"}  # migration 0003
TABLES |= {"image_files"}  # migration 0004
TABLES |= {"accounts", "sign_in_sessions"}  # migration 0007
TABLES |= {"certificate_verdicts"}  # migration 0006
TABLES |= {"image_quality_tests"}  # migration 0008
TABLES |= {"tip_presentations"}  # migration 0010
TABLES |= {"physical_checks"}  # migration 0012
HEAD = ("0013",)  # the newest migration


def test_migration_creates_schema_in_new_directory(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "station.sqlite3"
    db = open_database(f"sqlite:///{path}")
    try:
        assert path.is_file()
        names = set(inspect(db.engine).get_table_names())
        assert TABLES | {"alembic_version"} <= names
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == HEAD
    finally:
        db.close()


def test_migrations_match_models(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="station_app.storage.db"):
        db = open_database(db_url)
    assert "migrating database" in caplog.text
    try:
        assert TABLES | {"alembic_version"} <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == HEAD
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("outbox")}
        where = indexes["ix_outbox_pending"]["dialect_options"][f"{db.engine.dialect.name}_where"]
        assert "sent_at IS NULL" in str(where)  # the index stays partial on both backends
    finally:
        db.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="station_app.storage.db"):
        open_database(db_url).close()
    assert "migrating database" not in caplog.text  # already at head: nothing to do


def test_sqlite_pragmas(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) > 0
        assert db.integrity_check() == []
    finally:
        db.close()


def test_aware_datetimes_round_trip(db_url: str) -> None:
    # The PostgreSQL test server's session time zone is Asia/Seoul, not UTC.
    db = open_database(db_url)
    seoul = datetime(2025, 3, 4, 21, 30, 15, 123456, tzinfo=timezone(timedelta(hours=9)))
    try:
        with db.write_session() as session:
            session.add(StationRow(id="S1", name="one", created_at=seoul))
        with db.read_session() as session:
            back = session.scalars(select(StationRow.created_at)).one()
        assert back == seoul
        assert back.tzinfo is UTC
        assert back.hour == 12
        with pytest.raises(StatementError, match="naive"), db.write_session() as session:
            session.add(StationRow(id="S2", name="two", created_at=datetime(2025, 1, 1)))
            session.flush()
    finally:
        db.close()


@pytest.mark.parametrize("content", [os.urandom(8192), b"", b"SQLite format 3\x00" + b"\x00" * 20])
def test_corrupt_file_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "station.sqlite3"
    if not content:  # an empty file is a valid new database for SQLite; use junk instead
        content = b"\xff" * 100
    path.write_bytes(content)
    with pytest.raises(StorageError) as info:
        open_database(f"sqlite:///{path}")
    message = str(info.value)
    assert str(path) in message
    assert "backup" in message
    assert "\n" not in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["station.sqlite3"]


def test_truncated_file_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    open_database(f"sqlite:///{path}").close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    content = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(content)
    with pytest.raises(StorageError, match="truncated") as info:
        open_database(f"sqlite:///{path}")
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_newer_schema_refused(db_url: str) -> None:
    open_database(db_url).close()
    db = open_database(db_url, migrate=False)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.close()
    with pytest.raises(StorageError, match="newer"):
        open_database(db_url)


def test_unreachable_database_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="cannot open database"):
        open_database("sqlite:////proc/definitely/not/here.sqlite3")


def test_unreachable_postgres_is_a_storage_error_without_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg (dev extra) not installed")
    url = f"postgresql+psycopg://station:s3cret@/station?host={tmp_path / 'no-server'}"
    with pytest.raises(StorageError, match="cannot open database") as info:
        open_database(url)
    assert "s3cret" not in str(info.value)
