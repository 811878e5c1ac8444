"""Operator accounts and sign-in sessions: the SQL behind ``station_app.accounts``.

Every change of an account is written together with its audit entry, in one
transaction (``AuditLog.append``): a failed sign-in counts and is on record, or
neither. Policy (who may do what, how passwords are checked, what a message
says) lives in ``station_app.accounts``; here only the rows and two invariants
of the table itself:

- there is always at least one enabled administrator once accounts exist (a
  change that would leave none is refused inside the transaction, with the
  administrator rows locked, so two concurrent demotions cannot both pass);
- the first account is created only into an empty table (``only_if_empty``),
  checked in the same write transaction as the insert.

Values go in and out as plain strings and frozen records; this module does not
know the Role enum, so storage stays below the accounts package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from station_app.storage.audit import (
    ACTION_USER_LOCKED_OUT,
    ACTION_USER_SIGN_IN_FAILED,
    ACTION_USER_SIGNED_IN,
    ACTION_USER_SIGNED_OUT,
    AuditLog,
)
from station_app.storage.db import Database, StorageError
from station_app.storage.models import AccountRow, SignInSessionRow

ADMINISTRATOR: Final = "administrator"  # accounts.roles.Role.ADMINISTRATOR's value
_EDITABLE: Final = frozenset(
    {
        "display_name",
        "role",
        "password_hash",
        "enabled",
        "must_change_password",
        "failed_attempts",
        "locked_until",
        "password_changed_at",
    }
)


class UsernameTakenError(StorageError):
    def __init__(self, username: str) -> None:
        super().__init__(f"an account named {username!r} exists already")
        self.username = username


class AccountsExistError(StorageError):
    def __init__(self) -> None:
        super().__init__("accounts exist already: the first administrator is created only once")


class NoAdministratorLeftError(StorageError):
    def __init__(self, username: str) -> None:
        super().__init__(
            f"{username} is the last enabled administrator: the change would leave none"
        )
        self.username = username


class AccountNotFoundError(StorageError):
    def __init__(self, what: str) -> None:
        super().__init__(f"no account {what}")


@dataclass(frozen=True)
class AccountRecord:
    """One stored account."""

    id: int
    username: str
    display_name: str
    role: str
    password_hash: str | None
    source: str  # "local" | "central"
    external_id: str | None
    enabled: bool
    must_change_password: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime
    password_changed_at: datetime | None
    last_sign_in_at: datetime | None

    def locked_at(self, moment: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > moment


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: str
    password_hash: str | None
    source: str = "local"
    external_id: str | None = None
    must_change_password: bool = False


@dataclass(frozen=True)
class SessionRecord:
    id: str
    account_id: int
    station_id: str
    language: str
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None


def _record(row: AccountRow) -> AccountRecord:
    return AccountRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        password_hash=row.password_hash,
        source=row.source,
        external_id=row.external_id,
        enabled=bool(row.enabled),
        must_change_password=bool(row.must_change_password),
        failed_attempts=int(row.failed_attempts),
        locked_until=row.locked_until,
        created_at=row.created_at,
        updated_at=row.updated_at,
        password_changed_at=row.password_changed_at,
        last_sign_in_at=row.last_sign_in_at,
    )


def _session_record(row: SignInSessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        account_id=row.account_id,
        station_id=row.station_id,
        language=row.language,
        started_at=row.started_at,
        ended_at=row.ended_at,
        end_reason=row.end_reason,
    )


def _failure(what: str, exc: SQLAlchemyError) -> StorageError:
    detail = getattr(exc, "orig", None) or exc
    return StorageError(f"{what}: {str(detail).splitlines()[0]}")


class AccountRepository:
    """Reads and writes accounts; every write appends its audit entry in its transaction."""

    def __init__(self, database: Database, audit: AuditLog) -> None:
        self._db = database
        self._audit = audit

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        with self._db.read_session() as session:
            return int(session.scalar(select(func.count()).select_from(AccountRow)) or 0)

    def find(self, username: str) -> AccountRecord | None:
        """The account with this (already normalised, lower-case) user name."""
        with self._db.read_session() as session:
            row = session.scalars(
                select(AccountRow).where(AccountRow.username == username)
            ).one_or_none()
            return None if row is None else _record(row)

    def get(self, account_id: int) -> AccountRecord | None:
        with self._db.read_session() as session:
            row = session.get(AccountRow, account_id)
            return None if row is None else _record(row)

    def all(self) -> list[AccountRecord]:
        with self._db.read_session() as session:
            rows = session.scalars(select(AccountRow).order_by(AccountRow.username)).all()
            return [_record(r) for r in rows]

    def session(self, session_id: str) -> SessionRecord | None:
        with self._db.read_session() as session:
            row = session.get(SignInSessionRow, session_id)
            return None if row is None else _session_record(row)

    def open_sessions(self, account_id: int) -> list[SessionRecord]:
        with self._db.read_session() as session:
            rows = session.scalars(
                select(SignInSessionRow)
                .where(
                    SignInSessionRow.account_id == account_id,
                    SignInSessionRow.ended_at.is_(None),
                )
                .order_by(SignInSessionRow.started_at)
            ).all()
            return [_session_record(r) for r in rows]

    # ------------------------------------------------------------ writing

    def create(
        self,
        new: NewAccount,
        *,
        at: datetime,
        actor: str,
        action: str,
        details: Mapping[str, Any],
        only_if_empty: bool = False,
    ) -> AccountRecord:
        """Insert an account and its audit entry; ``only_if_empty``: refuse unless none exist."""
        try:
            with self._db.write_session() as session:
                if only_if_empty:
                    # On PostgreSQL the unique index cannot stop two first-runs with two
                    # names; an advisory transaction lock on a fixed key serialises them.
                    if session.get_bind().dialect.name == "postgresql":
                        session.execute(select(func.pg_advisory_xact_lock(0x5A_C0_0007)))
                    if session.scalar(select(func.count()).select_from(AccountRow)):
                        raise AccountsExistError()
                if session.scalars(
                    select(AccountRow.id).where(AccountRow.username == new.username)
                ).first():
                    raise UsernameTakenError(new.username)
                row = AccountRow(
                    username=new.username,
                    display_name=new.display_name,
                    role=new.role,
                    password_hash=new.password_hash,
                    source=new.source,
                    external_id=new.external_id,
                    enabled=True,
                    must_change_password=new.must_change_password,
                    failed_attempts=0,
                    locked_until=None,
                    created_at=at,
                    updated_at=at,
                    password_changed_at=at if new.password_hash is not None else None,
                    last_sign_in_at=None,
                )
                session.add(row)
                session.flush()
                self._audit.append(session, actor, action, new.username, details, occurred_at=at)
                return _record(row)
        except IntegrityError as exc:  # a concurrent insert of the same name won
            raise UsernameTakenError(new.username) from exc
        except SQLAlchemyError as exc:
            raise _failure(f"account {new.username} was not created", exc) from exc

    def update(
        self,
        account_id: int,
        changes: Mapping[str, Any],
        *,
        at: datetime,
        actor: str,
        action: str,
        details: Mapping[str, Any],
    ) -> AccountRecord:
        """Apply ``changes`` (column → value) and append the audit entry, or neither."""
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValueError(f"account columns not editable here: {', '.join(sorted(unknown))}")
        try:
            with self._db.write_session() as session:
                guards_admins = "role" in changes or "enabled" in changes
                if guards_admins:
                    # Every administrator row first, in id order: two concurrent demotions
                    # then run one after the other, and the second sees the first.
                    session.execute(
                        select(AccountRow.id)
                        .where(AccountRow.role == ADMINISTRATOR)
                        .order_by(AccountRow.id)
                        .with_for_update()
                    ).all()
                row = self._locked(session, account_id)
                for column, value in changes.items():
                    setattr(row, column, value)
                row.updated_at = at
                session.flush()
                if guards_admins:
                    self._check_an_administrator_left(session, row.username)
                self._audit.append(session, actor, action, row.username, details, occurred_at=at)
                return _record(row)
        except SQLAlchemyError as exc:
            raise _failure(f"account {account_id} was not changed", exc) from exc

    def record_failed_sign_in(
        self,
        account_id: int,
        *,
        at: datetime,
        max_failed_attempts: int,
        lockout: timedelta,
        reason: str,
    ) -> AccountRecord:
        """Count a wrong password; the ``max_failed_attempts``-th locks the account.

        The count restarts after a lockout and after a successful sign-in, so a
        lock that has run out leaves the full number of attempts again.
        """
        try:
            with self._db.write_session() as session:
                row = self._locked(session, account_id)
                if row.locked_until is not None and row.locked_until > at:
                    # Locked meanwhile (another attempt): on record, not counted again.
                    details = {"reason": "locked", "locked_until": row.locked_until}
                    self._audit.append(
                        session,
                        row.username,
                        ACTION_USER_SIGN_IN_FAILED,
                        row.username,
                        details,
                        occurred_at=at,
                    )
                    return _record(row)
                attempts = row.failed_attempts + 1
                self._audit.append(
                    session,
                    row.username,
                    ACTION_USER_SIGN_IN_FAILED,
                    row.username,
                    {
                        "reason": reason,
                        "failed_attempts": attempts,
                        "max_failed_attempts": max_failed_attempts,
                    },
                    occurred_at=at,
                )
                if attempts >= max_failed_attempts:
                    row.failed_attempts = 0
                    row.locked_until = at + lockout
                    self._audit.append(
                        session,
                        row.username,
                        ACTION_USER_LOCKED_OUT,
                        row.username,
                        {
                            "failed_attempts": attempts,
                            "locked_until": row.locked_until,
                            "lockout_minutes": lockout.total_seconds() / 60.0,
                        },
                        occurred_at=at,
                    )
                else:
                    row.failed_attempts = attempts
                row.updated_at = at
                return _record(row)
        except SQLAlchemyError as exc:
            raise _failure("the failed sign-in was not recorded", exc) from exc

    def record_sign_in(
        self,
        account_id: int,
        *,
        at: datetime,
        session_id: str,
        station_id: str,
        language: str,
        new_password_hash: str | None = None,
    ) -> AccountRecord:
        """Open a session, clear the failure count, store a rehashed password if given."""
        try:
            with self._db.write_session() as session:
                row = self._locked(session, account_id)
                row.failed_attempts = 0
                row.locked_until = None
                row.last_sign_in_at = at
                row.updated_at = at
                if new_password_hash is not None:
                    row.password_hash = new_password_hash
                session.add(
                    SignInSessionRow(
                        id=session_id,
                        account_id=row.id,
                        station_id=station_id,
                        language=language,
                        started_at=at,
                        ended_at=None,
                        end_reason=None,
                    )
                )
                session.flush()
                self._audit.append(
                    session,
                    row.username,
                    ACTION_USER_SIGNED_IN,
                    row.username,
                    {
                        "session_id": session_id,
                        "role": row.role,
                        "language": language,
                        "password_rehashed": new_password_hash is not None,
                    },
                    occurred_at=at,
                )
                return _record(row)
        except SQLAlchemyError as exc:
            raise _failure("the sign-in was not recorded", exc) from exc

    def end_session(self, session_id: str, *, at: datetime, reason: str) -> bool:
        """Close a session and record the sign-out; False when it was closed already."""
        try:
            with self._db.write_session() as session:
                row = session.get(SignInSessionRow, session_id, with_for_update=True)
                if row is None:
                    raise AccountNotFoundError(f"with a session {session_id}")
                if row.ended_at is not None:
                    return False
                row.ended_at = at
                row.end_reason = reason
                account = session.get(AccountRow, row.account_id)
                username = account.username if account is not None else str(row.account_id)
                session.flush()
                self._audit.append(
                    session,
                    username,
                    ACTION_USER_SIGNED_OUT,
                    username,
                    {
                        "session_id": session_id,
                        "reason": reason,
                        "minutes": round((at - row.started_at).total_seconds() / 60.0, 2),
                    },
                    occurred_at=at,
                )
                return True
        except SQLAlchemyError as exc:
            raise _failure("the sign-out was not recorded", exc) from exc

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _locked(session: Session, account_id: int) -> AccountRow:
        row = session.get(AccountRow, account_id, with_for_update=True)
        if row is None:
            raise AccountNotFoundError(f"with id {account_id}")
        return row

    @staticmethod
    def _check_an_administrator_left(session: Session, username: str) -> None:
        admins = session.scalar(
            select(func.count())
            .select_from(AccountRow)
            .where(AccountRow.role == ADMINISTRATOR, AccountRow.enabled.is_(True))
        )
        if not admins:
            raise NoAdministratorLeftError(username)
