"""``station-app accounts``: headless recovery through the real CLI entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from station_app.accounts import AccountError, AccountService, Role
from station_app.accounts.commands import PasswordInputError, read_new_password
from station_app.cli import main
from station_app.config import StationConfig
from station_app.storage import open_database

PASSWORD = "console chosen password"


def _run(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data_dir), "accounts", *args])


def test_create_admin_add_unlock_reset_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, monkeypatch, "list") == 0
    assert "no accounts yet" in capsys.readouterr().out
    assert (
        _run(
            tmp_path,
            monkeypatch,
            "create-admin",
            "boss",
            "--display-name",
            "The Boss",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    assert (
        _run(
            tmp_path,
            monkeypatch,
            "add",
            "kim",
            "--display-name",
            "Kim",
            "--role",
            "inspector",
            "--password-stdin",
            stdin="inspector password 1\n",
        )
        == 0
    )
    database = open_database(StationConfig(data_dir=tmp_path).resolved_database_url)
    try:
        accounts = AccountService(database, "STATION-01", StationConfig().accounts)
        assert accounts.sign_in("boss", PASSWORD).role is Role.ADMINISTRATOR
        for _ in range(5):
            with pytest.raises(AccountError, match=r"wrong password|locked"):
                accounts.sign_in("kim", "not the password")
    finally:
        database.close()
    capsys.readouterr()
    assert _run(tmp_path, monkeypatch, "unlock", "kim") == 0
    assert (
        _run(
            tmp_path,
            monkeypatch,
            "reset-password",
            "kim",
            "--password-stdin",
            stdin="a reset password 22\n",
        )
        == 0
    )
    capsys.readouterr()
    assert _run(tmp_path, monkeypatch, "list", "--json") == 0
    rows = {r["username"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["boss"]["role"] == "administrator" and not rows["boss"]["must_change_password"]
    assert rows["kim"]["must_change_password"] and rows["kim"]["locked_until"] is None

    database = open_database(StationConfig(data_dir=tmp_path).resolved_database_url)
    try:
        accounts = AccountService(database, "STATION-01", StationConfig().accounts)
        assert accounts.sign_in("kim", "a reset password 22").must_change_password
        actors = {(e.actor, e.action) for e in accounts.audit.entries()}
    finally:
        database.close()
    assert ("boss", "account.created") in actors  # the first run: created by themselves
    assert any(a.startswith("cli:") and act == "account.password_reset" for a, act in actors)


def test_errors_are_one_line_and_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _run(
            tmp_path,
            monkeypatch,
            "create-admin",
            "boss",
            "--display-name",
            "B",
            "--password-stdin",
            stdin="short\n",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "shorter than 10 characters" in err and err.count("\n") == 1
    assert _run(tmp_path, monkeypatch, "unlock", "ghost") == 2
    assert "no account named 'ghost'" in capsys.readouterr().err
    assert _run(tmp_path, monkeypatch, "create-admin", "boss", "--display-name", "B") == 2
    assert "not a terminal" in capsys.readouterr().err  # no tty and no --password-stdin
    assert _run(tmp_path, monkeypatch, "list") == 0
    assert "no accounts yet" in capsys.readouterr().out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_password_typed_twice_must_match() -> None:
    answers = iter(["first password!", "other password!"])
    with pytest.raises(PasswordInputError, match="differ"):
        read_new_password(from_stdin=False, stdin=_Tty(), prompt=lambda _: next(answers))
    same = iter(["same password!!", "same password!!"])
    assert read_new_password(from_stdin=False, stdin=_Tty(), prompt=lambda _: next(same)) == (
        "same password!!"
    )
    with pytest.raises(PasswordInputError, match="no password"):
        read_new_password(from_stdin=True, stdin=io.StringIO(""))
