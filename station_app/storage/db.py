"""Opening the station database: engine, SQLite pragmas, migrations on start.

SQLite is the default (one file beside the images); PostgreSQL works through the
same code because nothing here names a driver — SQLAlchemy picks it from the URL.
"""

from __future__ import annotations

import logging
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from station_app.errors import StationError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # a GUI read waits this long for the pipeline's write
_SQLITE_MAGIC = b"SQLite format 3\x00"
_CORRUPT_MARKERS = ("file is not a database", "malformed", "disk image", "not a database")


class StorageError(StationError):
    """A storage problem a person must act on; the message is one clear line."""


def _corrupt_message(path: Path, why: str) -> str:
    return (
        f"database file {path} is corrupt ({why}); it was left untouched — "
        "stop the station and restore it from backup"
    )


def _check_sqlite_file(path: Path) -> None:
    """Cheap sanity check of an existing SQLite file before SQLite touches it.

    Reading the 100-byte header costs nothing, whereas ``PRAGMA integrity_check``
    on a year of scans takes minutes; deeper damage is still caught when SQLite
    reports it (see ``_wrap_open_error``).
    """
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        return  # SQLite treats an empty file as a new database
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StorageError(_corrupt_message(path, "not an SQLite database"))
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, n_pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    wal = path.with_name(path.name + "-wal")
    wal_has_data = wal.exists() and wal.stat().st_size > 0
    # The in-header page count is only trustworthy when "version-valid-for" matches
    # the change counter; with a non-empty WAL, a checkpoint may still restore pages.
    expected = n_pages * page_size
    if change_counter == valid_for and not wal_has_data and size < expected:
        raise StorageError(_corrupt_message(path, f"truncated: {size} of {expected} bytes"))


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (pysqlite's own implicit BEGIN is
        # deferred and would let a read-then-write transaction fail with SQLITE_BUSY
        # instead of waiting); see the "begin" listener below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")  # GUI reads while the pipeline writes
            cursor.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoint, fast commit
            cursor.execute("PRAGMA foreign_keys = ON")  # off by default in SQLite
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front so busy_timeout applies to them.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _wrap_open_error(exc: SQLAlchemyError, url: str, path: Path | None) -> StorageError:
    message = str(getattr(exc, "orig", exc))
    corrupt = any(marker in message.lower() for marker in _CORRUPT_MARKERS)
    if path is not None and isinstance(exc, SADatabaseError) and corrupt:
        return StorageError(_corrupt_message(path, message))
    shown = make_url(url).render_as_string(hide_password=True)
    return StorageError(f"cannot open database {shown}: {message.splitlines()[0]}")


def alembic_config(connection: Connection | None = None) -> Any:
    """Alembic config built in code: the scripts ship inside the package, no alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection  # env.py runs on this connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Refuse a schema newer than the code, then apply missing migrations in one transaction."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.begin() as conn:
        config = alembic_config(conn)
        script = ScriptDirectory.from_config(config)
        known = {rev.revision for rev in script.walk_revisions()}
        current = MigrationContext.configure(conn).get_current_heads()
        unknown = [rev for rev in current if rev not in known]
        if unknown:
            shown = make_url(str(engine.url)).render_as_string(hide_password=True)
            raise StorageError(
                f"database {shown} has schema revision {', '.join(unknown)}, newer than this "
                "station_app knows; install the matching station_app version"
            )
        if set(current) != set(script.get_heads()):
            log.info("migrating database from %s to %s", current or "empty", script.get_heads())
            command.upgrade(config, "head")


class Database:
    """An engine plus a session factory; one per process, shared by all threads."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.is_sqlite = engine.dialect.name == "sqlite"
        # expire_on_commit=False: repositories return plain dataclasses built
        # inside the session, but keeping loaded rows usable avoids surprises.
        self.sessionmaker: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session in one write transaction, committed on success, rolled back on error."""
        with self.sessionmaker() as session:
            if self.is_sqlite:
                # Starts the session's transaction with BEGIN IMMEDIATE (see "begin" hook).
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A short session for queries; the transaction ends when the block ends."""
        with self.sessionmaker() as session, session.begin():
            yield session

    def integrity_check(self) -> list[str]:
        """Full SQLite integrity check (slow on big files: diagnostics only). [] when fine."""
        if not self.is_sqlite:
            return []
        with self.engine.connect() as conn:
            rows = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check"))]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``url`` and migrate it to the code's schema.

    Raises ``StorageError`` for a corrupt SQLite file (left untouched), a schema
    newer than this software, or a database that cannot be reached.
    """
    try:
        make_url(url)
    except SQLAlchemyError as exc:  # never echo the URL: it may hold a password
        raise StorageError(f"invalid database URL: {exc.__class__.__name__}") from exc
    path = _sqlite_path(url)
    connect_args: dict[str, Any] = {}
    if path is not None:
        _check_sqlite_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot open database {path}: cannot create {path.parent}: {exc.strerror}"
            ) from exc
    if make_url(url).get_backend_name() == "sqlite":
        # Sessions are short and never shared, but the pool hands a connection
        # to whichever thread (pipeline worker, GUI) asks next.
        connect_args["check_same_thread"] = False
    try:
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=path is None)
    except (ImportError, SQLAlchemyError) as exc:  # e.g. psycopg not installed, bad URL
        shown = make_url(url).render_as_string(hide_password=True)
        raise StorageError(f"cannot open database {shown}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine)
    try:
        if migrate:
            upgrade_to_head(engine)
        else:
            with engine.connect():
                pass
    except StorageError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _wrap_open_error(exc, url, path) from exc
    return Database(engine, url)
