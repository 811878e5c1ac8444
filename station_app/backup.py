"""Backup and restore of a station's data dir: the SQLite database and the files beside it.

A backup is a folder::

    manifest.json        what is in it: one line per file with its size and SHA-256
    station.sqlite3      the database, a consistent snapshot (SQLite's online backup API)
    images/YYYY/MM/DD/…  every other file of the data dir (images, trust list, models)

``backup`` may run while the station runs. Every SQLite file is copied first,
through the online backup API, so the copy is one transaction-consistent
snapshot; the other files are copied afterwards. A scan's image file is written
before its row commits, so every image the snapshot names is already on disk when
it is copied (files written later are harmless extras; a file that retention
deletes in between is left out and counted). The folder is written as
``DEST.partial`` and renamed at the end: an interrupted backup never looks whole.

``restore`` checks the whole backup against its manifest before touching
anything, refuses a schema newer than this software, refuses a database that a
running station holds open, and replaces existing data only with ``force``; the
data it replaces is moved aside (``DATA_DIR.before-restore-<time>``), never
deleted. Migrations to this software's schema run at the next start, as after an
upgrade.

PostgreSQL (a centre's database) is backed up with its own tools (pg_dump); see
docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.engine import make_url

from station_app import __version__
from station_app.atomic_files import fsync_dir
from station_app.config import StationConfig
from station_app.errors import StationError
from station_app.file_digest import file_sha256

MANIFEST_NAME = "manifest.json"
BACKUP_FORMAT = "station-app-backup"
BACKUP_FORMAT_VERSION = 1
SQLITE_SUFFIX = ".sqlite3"
_COPY_CHUNK_BYTES = 1 << 20
# SQLite's side files belong to the live database; the snapshot replaces them.
_SQLITE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


class BackupError(StationError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupFile:
    path: str  # relative to the backup folder, POSIX separators
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class BackupManifest:
    created_at: str  # ISO 8601, UTC
    station_id: str
    software_version: str
    schema_revision: str | None  # alembic revision of the database snapshot
    database: str  # the station database's file name in the backup
    files: tuple[BackupFile, ...]
    vanished: int = 0  # files deleted by the station while the backup ran

    @property
    def total_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": BACKUP_FORMAT,
            "format_version": BACKUP_FORMAT_VERSION,
            "created_at": self.created_at,
            "station_id": self.station_id,
            "software_version": self.software_version,
            "schema_revision": self.schema_revision,
            "database": self.database,
            "vanished": self.vanished,
            "files": [
                {"path": f.path, "bytes": f.size_bytes, "sha256": f.sha256} for f in self.files
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> BackupManifest:
        if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
            raise BackupError(f"not a station-app backup ({MANIFEST_NAME} has no format tag)")
        if data.get("format_version") != BACKUP_FORMAT_VERSION:
            raise BackupError(
                f"backup format version {data.get('format_version')!r} is not supported "
                f"(this station_app reads version {BACKUP_FORMAT_VERSION})"
            )
        try:
            files = tuple(
                BackupFile(str(f["path"]), int(f["bytes"]), str(f["sha256"]))
                for f in data["files"]
            )
            return cls(
                created_at=str(data["created_at"]),
                station_id=str(data["station_id"]),
                software_version=str(data["software_version"]),
                schema_revision=data["schema_revision"],
                database=str(data["database"]),
                files=files,
                vanished=int(data.get("vanished", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"{MANIFEST_NAME} is damaged: {exc!r}") from exc


def _station_database(config: StationConfig) -> Path:
    """The SQLite file of the station, which must live in the data dir."""
    url = make_url(config.resolved_database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"the database is {url.get_backend_name()}, not SQLite: back it up with its own "
            "tools (PostgreSQL: pg_dump, see docs/operations.md)"
        )
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("the station database is not an SQLite file")
    path = Path(database).resolve()
    data_dir = config.data_dir.resolve()
    if not path.is_relative_to(data_dir):
        raise BackupError(
            f"the database {path} is outside the data dir {data_dir}; "
            "backup and restore handle a data dir that holds its database"
        )
    return path


def _is_side_file(path: Path) -> bool:
    return path.name.endswith(_SQLITE_SIDE_SUFFIXES) and SQLITE_SUFFIX in path.name


def _is_in_flight(path: Path) -> bool:
    # The image store writes ".<name>.<uuid>.tmp" and renames it when complete.
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _data_files(data_dir: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(data_dir):
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file() and not _is_side_file(path) and not _is_in_flight(path):
                yield path


def _copy_file(source: Path, target: Path) -> tuple[int, str]:
    """Copy with one read; returns (bytes, sha256). The copy is on disk when this returns."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("xb") as dst:
        while chunk := src.read(_COPY_CHUNK_BYTES):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return size, digest.hexdigest()


def _snapshot_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, as one self-contained file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Opened read-write (a WAL reader needs the -shm file) but only read; the backup
    # API copies the database as of one read transaction, whatever writers do.
    src = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # no -wal beside the copy
            problems = [row[0] for row in dst.execute("PRAGMA quick_check")]
        finally:
            dst.close()
    finally:
        src.close()
    if problems != ["ok"]:
        raise BackupError(
            f"the database {source} fails SQLite's check ({problems[0]}); "
            "the backup was not written — see docs/operations.md on a damaged database"
        )


def _schema_revision(database: Path) -> str | None:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        return None  # no alembic_version table: never migrated
    finally:
        conn.close()
    return ",".join(sorted(str(r[0]) for r in rows)) or None


def _need_space(folder: Path, needed_bytes: int, what: str) -> None:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed_bytes:
        raise BackupError(
            f"not enough disk space for the {what}: {needed_bytes / 1e6:.1f} MB needed, "
            f"{free / 1e6:.1f} MB free under {probe}"
        )


def backup_station(config: StationConfig, destination: Path) -> BackupManifest:
    """Write a backup of the data dir to ``destination`` (which must not exist yet)."""
    database = _station_database(config)
    data_dir = config.data_dir.resolve()
    destination = destination.resolve()
    if not database.is_file():
        raise BackupError(f"no station database at {database}: nothing to back up")
    if destination.exists():
        raise BackupError(f"{destination} exists already; give a new folder for the backup")
    if destination.is_relative_to(data_dir):
        raise BackupError(f"the backup {destination} must be outside the data dir {data_dir}")
    sources = list(_data_files(data_dir))
    _need_space(destination.parent, sum(p.stat().st_size for p in sources), "backup")

    partial = destination.with_name(destination.name + ".partial")
    if partial.exists():
        raise BackupError(
            f"{partial} exists: the remains of an interrupted backup; delete it and repeat"
        )
    partial.mkdir(parents=True)
    files: list[BackupFile] = []
    # Databases first: the files they name exist before their rows commit.
    databases = [p for p in sources if p.name.endswith(SQLITE_SUFFIX)]
    for source in databases:
        relative = source.relative_to(data_dir)
        _snapshot_sqlite(source, partial / relative)
        copied = partial / relative
        files.append(BackupFile(relative.as_posix(), copied.stat().st_size, file_sha256(copied)))
    vanished = 0
    for source in sources:
        if source in databases:
            continue
        relative = source.relative_to(data_dir)
        try:
            size, sha256 = _copy_file(source, partial / relative)
        except FileNotFoundError:
            vanished += 1  # deleted by image retention after the listing
            continue
        files.append(BackupFile(relative.as_posix(), size, sha256))
    manifest = BackupManifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        station_id=config.station_id,
        software_version=__version__,
        schema_revision=_schema_revision(partial / database.relative_to(data_dir)),
        database=database.relative_to(data_dir).as_posix(),
        files=tuple(files),
        vanished=vanished,
    )
    (partial / MANIFEST_NAME).write_text(json.dumps(manifest.to_json(), indent=1) + "\n")
    fsync_dir(partial)
    partial.rename(destination)
    return manifest


def read_manifest(backup: Path) -> BackupManifest:
    path = backup / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(f"{backup} is not a station-app backup (no {MANIFEST_NAME})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is damaged: {exc}") from exc
    return BackupManifest.from_json(data)


def _safe_relative(text: str) -> Path:
    relative = PurePosixPath(text)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"backup manifest names an unsafe path {text!r}")
    return Path(*relative.parts)


def verify_backup(backup: Path) -> BackupManifest:
    """Check every file against the manifest; raise ``BackupError`` naming the first fault."""
    manifest = read_manifest(backup)
    if manifest.database not in {f.path for f in manifest.files}:
        raise BackupError(f"backup manifest lists no database file {manifest.database!r}")
    for entry in manifest.files:
        path = backup / _safe_relative(entry.path)
        if not path.is_file():
            raise BackupError(f"backup file {entry.path} is missing")
        if path.stat().st_size != entry.size_bytes:
            raise BackupError(
                f"backup file {entry.path} has {path.stat().st_size} bytes, "
                f"the manifest says {entry.size_bytes}"
            )
        if file_sha256(path) != entry.sha256:
            raise BackupError(f"backup file {entry.path} does not match its SHA-256")
    return manifest


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from station_app.storage.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def database_in_use(database: Path) -> bool:
    """True when another connection (a running station) has the SQLite file open.

    Leaving WAL mode needs the only connection to the database, so a refusal means
    someone else holds it; the mode is put back when nobody does.
    """
    if not database.is_file():
        return False
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
        if mode != "wal":
            try:
                conn.execute("BEGIN EXCLUSIVE")  # rollback journal: a reader blocks this
            except sqlite3.OperationalError:
                return True
            conn.execute("ROLLBACK")
            return False
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            return True
        conn.execute("PRAGMA journal_mode = WAL")
        return False
    finally:
        conn.close()


def _has_data(data_dir: Path) -> bool:
    return data_dir.is_dir() and any(data_dir.iterdir())


def restore_station(config: StationConfig, backup: Path, *, force: bool = False) -> Path | None:
    """Make the data dir a copy of ``backup``; returns where the replaced data was moved.

    Nothing changes unless the backup is whole, its schema is known to this
    software, the station is stopped and, where data exists, ``force`` is given.
    """
    database = _station_database(config)
    data_dir = config.data_dir.resolve()
    backup = backup.resolve()
    manifest = verify_backup(backup)
    if manifest.database != database.relative_to(data_dir).as_posix():
        raise BackupError(
            f"the backup's database is {manifest.database}, this station's is "
            f"{database.relative_to(data_dir).as_posix()} (database_url differs)"
        )
    unknown = set((manifest.schema_revision or "").split(",")) - {""} - _known_revisions()
    if unknown:
        raise BackupError(
            f"the backup has schema revision {', '.join(sorted(unknown))}, newer than this "
            f"station_app {__version__} knows; restore it with the version that made it "
            f"({manifest.software_version})"
        )
    if _has_data(data_dir) and not force:
        raise BackupError(
            f"{data_dir} holds station data; restoring replaces it (it is moved aside, not "
            "deleted): stop the station and repeat with --force"
        )
    if database_in_use(database):
        raise BackupError(
            f"the database {database} is open in a running station; stop it "
            "(systemctl stop station-app-gui) and restore again"
        )
    _need_space(data_dir.parent, manifest.total_bytes, "restore")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    staging = data_dir.with_name(f"{data_dir.name}.restoring-{stamp}")
    staging.mkdir(parents=True)
    try:
        for entry in manifest.files:
            relative = _safe_relative(entry.path)
            size, sha256 = _copy_file(backup / relative, staging / relative)
            if (size, sha256) != (entry.size_bytes, entry.sha256):
                raise BackupError(f"backup file {entry.path} changed while it was restored")
        fsync_dir(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    moved_aside: Path | None = None
    if data_dir.exists():
        moved_aside = data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}")
        data_dir.rename(moved_aside)
    staging.rename(data_dir)
    return moved_aside


def backup_command(config: StationConfig, destination: Path, *, as_json: bool) -> int:
    """``station-app backup DEST``: one summary line (or the manifest's header as JSON)."""
    manifest = backup_station(config, destination)
    if as_json:
        header = {k: v for k, v in manifest.to_json().items() if k != "files"}
        print(json.dumps({**header, "path": str(destination.resolve()),
                          "file_count": len(manifest.files),
                          "total_bytes": manifest.total_bytes}))
    else:
        print(
            f"backup written to {destination.resolve()}: {len(manifest.files)} files, "
            f"{manifest.total_bytes / 1e6:.1f} MB, schema {manifest.schema_revision or 'none'}"
            + (f"; {manifest.vanished} files deleted meanwhile" if manifest.vanished else "")
        )
    return 0


def restore_command(config: StationConfig, source: Path, *, force: bool) -> int:
    """``station-app restore SRC [--force]``: says what was restored and where old data went."""
    moved_aside = restore_station(config, source, force=force)
    manifest = read_manifest(source)
    print(
        f"restored {config.data_dir.resolve()} from {source.resolve()} "
        f"(backup of {manifest.station_id}, {manifest.created_at}, "
        f"schema {manifest.schema_revision or 'none'}); "
        "migrations to this version run at the next start"
    )
    if moved_aside is not None:
        print(f"the data it replaced is kept in {moved_aside}")
    return 0
