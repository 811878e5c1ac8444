"""What the station puts into its audit trail beyond single database writes, and the
``station-app audit`` commands.

The trail itself (hash chain, verification, export) is ``station_app.storage.audit``;
decisions and calibrations are appended by their repositories inside their own
transactions. Here: the configuration check at start-up, and verify/export for
the command line. See docs/audit.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from station_app.config import StationConfig
from station_app.storage import Database, StorageError, open_database
from station_app.storage.audit import (
    ACTION_AUDIT_EXPORTED,
    ACTION_CONFIG_CHANGED,
    ACTION_SCREENING_PAUSED,
    ACTION_SCREENING_RESUMED,
    AuditEntry,
    AuditLog,
    VerifyReport,
    canonical_json,
    export_audit_csv,
    verify_audit_log,
)

EXIT_INTACT = 0
EXIT_TAMPERED = 1
REDACTED = "<redacted>"
# Settings whose value must never reach the trail (it is exported and read by others).
_SECRET_KEY = re.compile(r"token|password|passwd|secret|api_?key|private_?key", re.IGNORECASE)
_MISSING = object()


# ---------------------------------------------------------------- configuration


def _without_password(key: str, url: str) -> str:
    if key == "database_url":
        try:
            return make_url(url).render_as_string(hide_password=True)
        except Exception:  # unparsable: it cannot be shown safely at all
            return REDACTED
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _redact(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        return {str(k): _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key) for v in value]
    if value is not None and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str) and key.endswith("_url"):
        return _without_password(key, value)
    return value


def config_snapshot(config: StationConfig) -> dict[str, Any]:
    """The effective configuration as plain JSON values, secrets redacted.

    A redacted secret reads the same whatever its value, so changing only a token
    is not a configuration change here (rotating credentials is not audited yet).
    """
    snapshot = _redact(config.model_dump(mode="json"))
    assert isinstance(snapshot, dict)
    plain: dict[str, Any] = json.loads(canonical_json(snapshot))
    return plain


def config_sha256(snapshot: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"triage": {"red_risk_score": 0.8}}`` → ``{"triage.red_risk_score": 0.8}``.

    An empty mapping adds no key, so setting a first driver option reads as that
    one key appearing, not as the whole ``driver.options`` changing.
    """
    if not isinstance(value, Mapping):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    old_flat, new_flat = _flatten(old), _flatten(new)
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(old_flat.keys() | new_flat.keys()):
        before, after = old_flat.get(key, _MISSING), new_flat.get(key, _MISSING)
        if before != after:
            changes[key] = {
                "from": None if before is _MISSING else before,
                "to": None if after is _MISSING else after,
            }
    return changes


def record_config_change(
    database: Database, config: StationConfig, *, actor: str = "system"
) -> AuditEntry | None:
    """Append "config.changed" when the effective config differs from the last one recorded.

    Called when a station starts. The entry keeps the whole (redacted) snapshot, so
    the next start can name the keys that changed, with their old and new values.
    Returns the new entry, or None when nothing changed.
    """
    snapshot = config_snapshot(config)
    digest = config_sha256(snapshot)
    audit = AuditLog(database, config.station_id)
    with database.write_session() as session:
        audit.lock(session)  # two stations starting at once must not both miss the change
        last = audit.last(ACTION_CONFIG_CHANGED, session)
        previous = last.details if last is not None else None
        if previous is not None and previous.get("config_sha256") == digest:
            return None
        changes: dict[str, dict[str, Any]] = {}
        if previous is not None:
            old = previous.get("config")
            changes = _changes(old if isinstance(old, Mapping) else {}, snapshot)
        return audit.append(
            session,
            actor,
            ACTION_CONFIG_CHANGED,
            None,
            {
                "config_sha256": digest,
                "previous_sha256": None if previous is None else previous.get("config_sha256"),
                "changed_keys": sorted(changes),
                "changes": changes,
                "config": snapshot,
            },
        )


def record_screening_change(
    database: Database, station_id: str, actor: str, screening: bool
) -> AuditEntry:
    """Append "screening.paused" / "screening.resumed" (a technician's maintenance)."""
    action = ACTION_SCREENING_RESUMED if screening else ACTION_SCREENING_PAUSED
    audit = AuditLog(database, station_id)
    with database.write_session() as session:
        return audit.append(session, actor, action, None, {})


# ---------------------------------------------------------------- commands


def _open_existing(url: str) -> Database:
    """The database as it is: verifying must neither create nor migrate the evidence."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_file():
            raise StorageError(f"no station database at {path}")
    database = open_database(url, migrate=False)
    if not inspect(database.engine).has_table("audit_log"):
        database.close()
        raise StorageError(
            "this database has no audit log yet (it was last opened by a station_app "
            "without one); start the station once to add it"
        )
    return database


def _report_json(report: VerifyReport) -> str:
    return json.dumps(
        {
            "ok": report.ok,
            "chains": [
                {
                    "station_id": c.station_id,
                    "rows": c.rows,
                    "last_sequence": c.last_sequence,
                    "last_hash": c.last_hash,
                    "head_sequence": None if c.head is None else c.head.sequence,
                    "head_hash": None if c.head is None else c.head.row_hash,
                }
                for c in report.chains
            ],
            "problems": [
                {
                    "kind": p.kind,
                    "station_id": p.station_id,
                    "row_id": p.row_id,
                    "sequence": p.sequence,
                    "message": p.message,
                }
                for p in report.problems
            ],
        },
        ensure_ascii=False,
    )


def verify_command(
    config: StationConfig,
    *,
    station_id: str | None,
    anchors: Iterable[tuple[int, str]] = (),
    as_json: bool = False,
) -> int:
    """``station-app audit verify``: 0 when every chain is intact, 1 (one line per problem)
    when not."""
    anchor_list = list(anchors)
    if anchor_list and station_id is None:
        station_id = config.station_id  # an anchor is a point of this station's chain
    database = _open_existing(config.resolved_database_url)
    try:
        report = verify_audit_log(database, station_id, anchors=anchor_list)
    finally:
        database.close()
    if as_json:
        print(_report_json(report))
        return EXIT_INTACT if report.ok else EXIT_TAMPERED
    for problem in report.problems:
        print(problem.message)
    if not report.ok:
        print(
            f"station-app: audit log NOT intact: {len(report.problems)} problem(s) "
            f"in {report.rows} entries",
            file=sys.stderr,
        )
        return EXIT_TAMPERED
    if not report.chains:
        print("audit log is empty")
    for chain in report.chains:
        print(
            f"station {chain.station_id}: {chain.rows} entries intact; "
            f"head seq {chain.last_sequence} {chain.last_hash}"
        )
    return EXIT_INTACT


def export_command(
    config: StationConfig, *, out: Path, station_id: str | None, operator: str
) -> int:
    """``station-app audit export``: the chain(s) as CSV; the export itself is audited."""
    database = open_database(config.resolved_database_url)
    try:
        result = export_audit_csv(database, out, station_id)
        try:
            AuditLog(database, config.station_id).record(
                operator,
                ACTION_AUDIT_EXPORTED,
                out.name[:128],
                {
                    "file": str(out.resolve()),
                    "sha256": result.sha256,
                    "rows": result.rows,
                    "stations": station_id or "all",
                    "last": {
                        sid: {"sequence": seq, "row_hash": digest}
                        for sid, (seq, digest) in sorted(result.last.items())
                    },
                },
            )
        except BaseException:
            out.unlink(missing_ok=True)  # no export without its audit entry
            raise
    finally:
        database.close()
    print(f"exported {result.rows} audit entries to {out} (sha256 {result.sha256})")
    for sid, (seq, digest) in sorted(result.last.items()):
        print(f"  station {sid}: last seq {seq}; anchor for later checks: {seq}:{digest}")
    return EXIT_INTACT
