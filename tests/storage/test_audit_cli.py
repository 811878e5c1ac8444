"""``station-app audit verify|export`` as a user runs them (``station_app.cli.main``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from station_app.cli import main
from station_app.storage import Database, open_database
from station_app.storage.audit import AuditLog
from station_app.storage.db import alembic_config

STATION = "STATION-A"


@pytest.fixture
def args(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("STATION_STATION_ID", STATION)
    return ["--data-dir", str(tmp_path / "data"), "--database-url", db_url]


@pytest.fixture
def filled(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    audit = AuditLog(database, STATION)
    for k in range(1, 4):
        audit.record(f"inspector-{k}", "decision.recorded", f"S-{k}", {"verdict": "clear"})
    yield database
    database.close()  # the tests close it before running the CLI; closing twice is fine


def _tamper(database: Database) -> int:
    """Edit seq 2's actor behind the triggers' back; returns that row's id."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 2"))
        return int(conn.execute(text("SELECT id FROM audit_log WHERE sequence = 2")).scalar_one())


def test_verify_intact_exits_0_and_prints_the_head(
    args: list[str], filled: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    head = AuditLog(filled, STATION).head()
    filled.close()
    assert head is not None
    assert main([*args, "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out == f"station {STATION}: 3 entries intact; head seq 3 {head.row_hash}\n"


def test_verify_tampered_exits_1_with_one_line_per_problem(
    args: list[str], filled: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    row_id = _tamper(filled)
    filled.close()
    assert main([*args, "audit", "verify"]) == 1
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert line.startswith(f"row {row_id} (seq 2, decision.recorded on S-2): edited — stored hash ")
    assert "≠ computed" in line
    assert "audit log NOT intact: 1 problem(s) in 3 entries" in captured.err

    assert main([*args, "audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["kind"], p["sequence"], p["row_id"]) for p in report["problems"]] == [
        ("edited", 2, row_id)
    ]
    assert main([*args, "audit", "verify", "--station", "NOBODY"]) == 0  # another chain


def test_verify_with_anchors(
    args: list[str], filled: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = AuditLog(filled, STATION).entries()
    filled.close()
    good = f"2:{entries[1].row_hash}"
    assert main([*args, "audit", "verify", "--anchor", good]) == 0
    capsys.readouterr()
    assert main([*args, "audit", "verify", "--anchor", f"2:{'0' * 64}"]) == 1
    assert "the chain up to here was rewritten" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main([*args, "audit", "verify", "--anchor", "2:nothex"])
    assert exc.value.code == 2
    assert "anchor must be SEQ:SHA256HEX" in capsys.readouterr().err


def test_export_is_audited_and_gives_an_anchor(
    args: list[str], filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "export" / "audit.csv"
    out_file.parent.mkdir()
    assert main([*args, "audit", "export", "--out", str(out_file), "--operator", "lee"]) == 0
    printed = capsys.readouterr().out
    digest = hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert f"exported 3 audit entries to {out_file} (sha256 {digest})" in printed
    event = AuditLog(filled, STATION).entries()[-1]
    filled.close()
    assert (event.actor, event.action, event.subject) == ("lee", "audit.exported", "audit.csv")
    assert event.details["sha256"] == digest and event.details["rows"] == 3
    anchor = printed.rsplit("anchor for later checks: ", 1)[1].strip()
    assert anchor == f"3:{event.details['last'][STATION]['row_hash']}"
    assert main([*args, "audit", "verify", "--anchor", anchor]) == 0
    assert "4 entries intact" in capsys.readouterr().out


def test_verify_never_creates_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing" / "station.sqlite3"
    assert main(["--database-url", f"sqlite:///{missing}", "audit", "verify"]) == 2
    assert f"no station database at {missing}" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_verify_does_not_migrate_an_older_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    database = open_database(url)
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    database.close()
    assert main(["--database-url", url, "audit", "verify"]) == 2
    assert "no audit log yet" in capsys.readouterr().err
    database = open_database(url, migrate=False)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    finally:
        database.close()
