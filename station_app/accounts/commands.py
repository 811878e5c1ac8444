"""``station-app accounts``: account recovery and scripting without the GUI.

    station-app accounts list [--json]
    station-app accounts create-admin USERNAME --display-name NAME [--password-stdin]
    station-app accounts add USERNAME --display-name NAME --role ROLE [--password-stdin]
    station-app accounts unlock USERNAME
    station-app accounts reset-password USERNAME [--password-stdin]

For the person at the station's console when no administrator can sign in
(forgotten password, everyone locked out) and for installation scripts. The
commands act as the administrator ``cli:<os user>`` (``recovery_principal``):
whoever can run them can open the database anyway, and the audit trail names
them. Passwords are asked twice on the terminal (never echoed, never an
argument: arguments show in ``ps`` and shell history) or read as one line from
standard input with ``--password-stdin``.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from station_app.accounts.errors import AccountError
from station_app.accounts.service import Account, AccountService
from station_app.config import StationConfig
from station_app.storage import open_database
from station_app.storage.models import utcnow


class PasswordInputError(AccountError):
    """No password could be read (mismatch, no terminal, empty input)."""


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service/container setups
        return "unknown"


def read_new_password(
    *,
    from_stdin: bool,
    stdin: TextIO | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> str:
    """One line of ``stdin`` (newline removed), or the same password typed twice."""
    stream = stdin if stdin is not None else sys.stdin
    if from_stdin:
        line = stream.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise PasswordInputError("no password on standard input (one line expected)")
        return password
    if not stream.isatty():
        raise PasswordInputError(
            "standard input is not a terminal: pass the password with --password-stdin"
        )
    first = prompt("New password: ")
    if prompt("Repeat the password: ") != first:
        raise PasswordInputError("the two passwords differ; nothing was changed")
    return first


def _status(account: Account, now: datetime) -> str:
    if not account.enabled:
        return "disabled"
    if account.locked_at(now):
        assert account.locked_until is not None
        return f"locked until {account.locked_until:%Y-%m-%d %H:%M} UTC"
    return "must change password" if account.must_change_password else "active"


def _as_json(account: Account, now: datetime) -> dict[str, Any]:
    return {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role.value,
        "source": account.source,
        "external_id": account.external_id,
        "enabled": account.enabled,
        "locked_until": None if not account.locked_at(now) else account.locked_until,
        "must_change_password": account.must_change_password,
        "failed_attempts": account.failed_attempts,
        "last_sign_in_at": account.last_sign_in_at,
    }


def _print_list(accounts: list[Account], *, as_json: bool, out: TextIO) -> None:
    now = utcnow()
    if as_json:
        rows = [_as_json(a, now) for a in accounts]
        print(json.dumps(rows, default=lambda v: v.isoformat(), ensure_ascii=False), file=out)
        return
    if not accounts:
        print("no accounts yet: create the administrator with 'accounts create-admin'", file=out)
        return
    for a in accounts:
        last = f"{a.last_sign_in_at:%Y-%m-%d %H:%M}" if a.last_sign_in_at else "never"
        print(
            f"{a.username:<20} {a.role.value:<14} {_status(a, now):<34} last sign-in {last:<16} "
            f"{a.display_name}",
            file=out,
        )


def accounts_command(
    config: StationConfig,
    command: str,
    *,
    username: str | None = None,
    display_name: str | None = None,
    role: str | None = None,
    password_stdin: bool = False,
    as_json: bool = False,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Run one ``accounts`` sub-command; errors are raised (the CLI prints them)."""
    stream = out if out is not None else sys.stdout
    database = open_database(config.resolved_database_url)
    try:
        service = AccountService(database, config.station_id, config.accounts)
        actor = service.recovery_principal(_os_user())
        if command == "list":
            _print_list(service.list_accounts(actor), as_json=as_json, out=stream)
            return 0
        if username is None:
            raise AccountError(f"accounts {command} needs a user name")
        if command == "unlock":
            account = service.unlock(actor, username)
            print(f"{account.username} unlocked", file=stream)
            return 0
        password = read_new_password(from_stdin=password_stdin, stdin=stdin)
        if command == "reset-password":
            account = service.reset_password(actor, username, password)
            print(
                f"password of {account.username} reset (and unlocked); "
                "it must be changed at the next sign-in",
                file=stream,
            )
            return 0
        if display_name is None:
            raise AccountError(f"accounts {command} needs --display-name")
        if command == "create-admin":
            if service.first_run_needed():
                account = service.create_first_administrator(username, display_name, password)
            else:
                account = service.create_account(
                    actor,
                    username=username,
                    display_name=display_name,
                    role="administrator",
                    password=password,
                    must_change_password=False,  # chosen by the person at the console
                )
            print(f"administrator {account.username} created", file=stream)
            return 0
        if command == "add":
            if role is None:
                raise AccountError("accounts add needs --role")
            account = service.create_account(
                actor, username=username, display_name=display_name, role=role, password=password
            )
            print(
                f"{account.role.value} {account.username} created; "
                "the password must be changed at the first sign-in",
                file=stream,
            )
            return 0
        raise AccountError(f"unknown accounts command {command!r}")
    finally:
        database.close()
