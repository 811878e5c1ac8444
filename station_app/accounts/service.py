"""Sign-in, sessions and account management: the one door to the accounts table.

``AccountService`` holds the policy; ``storage.accounts.AccountRepository``
holds the SQL and writes each change with its audit entry. Every method that
changes someone else's account takes the acting ``Principal`` and checks its
permission here, in the core: the GUI hiding a button is a convenience, not the
protection.

Sign-in, in order:

1. unknown user name (or an account without a local password): a dummy argon2
   verification (same time as a real one), ``user.sign_in_failed`` with actor
   ``unknown`` (the typed name is not recorded: it may be a password typed into
   the wrong field), ``SignInFailedError``;
2. locked account: ``AccountLockedError`` saying until when (no password check,
   not counted again, recorded);
3. wrong password: counted (persisted); the ``max_failed_attempts``-th locks the
   account for ``lockout_minutes`` and says so; otherwise ``SignInFailedError`` —
   the same message as for an unknown name;
4. disabled account: ``AccountDisabledError``, only once the password was right,
   so the message does not tell strangers which names exist;
5. success: a session row, ``user.signed_in``, a fresh hash when the argon2
   parameters changed, and a frozen ``Principal``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NoReturn

from station_app.accounts import errors
from station_app.accounts.passwords import PasswordHashing, PasswordPolicy
from station_app.accounts.principal import LANGUAGES, Principal, require
from station_app.accounts.roles import Permission, Role
from station_app.config import AccountsConfig
from station_app.storage import Database
from station_app.storage import accounts as store
from station_app.storage.audit import (
    ACTION_ACCOUNT_CREATED,
    ACTION_ACCOUNT_DISABLED,
    ACTION_ACCOUNT_ENABLED,
    ACTION_ACCOUNT_PASSWORD_CHANGED,
    ACTION_ACCOUNT_PASSWORD_RESET,
    ACTION_ACCOUNT_ROLE_CHANGED,
    ACTION_ACCOUNT_UNLOCKED,
    ACTION_USER_SCREEN_LOCKED,
    ACTION_USER_SCREEN_UNLOCKED,
    ACTION_USER_SIGN_IN_FAILED,
    AuditLog,
)
from station_app.storage.models import NAME_LEN, USERNAME_LEN, utcnow

USERNAME_PATTERN: Final = re.compile(rf"[a-z0-9][a-z0-9._-]{{1,{USERNAME_LEN - 1}}}")
UNKNOWN_ACTOR: Final = "unknown"
RECOVERY_PREFIX: Final = "cli:"
RESERVED_USERNAMES: Final = frozenset({"system", UNKNOWN_ACTOR, "nobody"})
SOURCE_LOCAL: Final = "local"
SOURCE_CENTRAL: Final = "central"

# Why a session ended (sign_in_sessions.end_reason, user.signed_out details).
END_SIGNED_OUT: Final = "signed_out"
END_REPLACED: Final = "replaced"  # another user signed in at the lock screen
END_CLOSED: Final = "closed"  # the application was closed


@dataclass(frozen=True)
class Account:
    """An account as the administrator sees it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    source: str  # "local" | "central"
    external_id: str | None
    enabled: bool
    must_change_password: bool
    has_password: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    last_sign_in_at: datetime | None

    def locked_at(self, moment: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > moment


def _account(record: store.AccountRecord) -> Account:
    return Account(
        id=record.id,
        username=record.username,
        display_name=record.display_name,
        role=Role(record.role),
        source=record.source,
        external_id=record.external_id,
        enabled=record.enabled,
        must_change_password=record.must_change_password,
        has_password=record.password_hash is not None,
        failed_attempts=record.failed_attempts,
        locked_until=record.locked_until,
        created_at=record.created_at,
        last_sign_in_at=record.last_sign_in_at,
    )


# ---------------------------------------------------------------- field checks


def normalise_username(text: str) -> str:
    """User names are compared without case and surrounding spaces."""
    return text.strip().lower()


def check_username(text: str) -> str:
    name = normalise_username(text)
    if not USERNAME_PATTERN.fullmatch(name):
        raise errors.InvalidAccountDataError(
            "username",
            f"user name {text!r}: 2 to {USERNAME_LEN} characters, lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or digit",
        )
    if name in RESERVED_USERNAMES:
        # These name the system itself in the audit trail; nobody may sign in as them.
        raise errors.InvalidAccountDataError("username", f"user name {text!r} is reserved")
    return name


def check_display_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > NAME_LEN:
        raise errors.InvalidAccountDataError(
            "display_name", f"display name must be 1 to {NAME_LEN} characters"
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise errors.InvalidAccountDataError(
            "display_name", "display name must not contain control characters"
        )
    return name


def check_role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise errors.InvalidAccountDataError("role", f"role {value!r}: one of {roles}") from None


def check_language(value: str) -> str:
    if value not in LANGUAGES:
        raise errors.InvalidAccountDataError(
            "language", f"language {value!r}: one of {', '.join(LANGUAGES)}"
        )
    return value


# ---------------------------------------------------------------- the service


class AccountService:
    """Accounts of one station database, acting for one station (``station_id``)."""

    def __init__(
        self,
        database: Database,
        station_id: str,
        config: AccountsConfig,
        *,
        hashing: PasswordHashing | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._station_id = station_id
        self._config = config
        self._audit = AuditLog(database, station_id)
        self._repo = store.AccountRepository(database, self._audit)
        self._hashing = hashing or PasswordHashing()
        self._clock = clock
        self.policy = PasswordPolicy(config.min_password_length)

    @property
    def config(self) -> AccountsConfig:
        return self._config

    @property
    def audit(self) -> AuditLog:
        return self._audit

    # ------------------------------------------------------------ first run

    def first_run_needed(self) -> bool:
        """True while no account exists at all: the first-run flow creates the administrator."""
        return self._repo.count() == 0

    def create_first_administrator(
        self, username: str, display_name: str, password: str
    ) -> Account:
        """The station's first account, an administrator; refused once any account exists."""
        name = check_username(username)
        display = check_display_name(display_name)
        self.policy.check(password, username=name)
        new = store.NewAccount(
            name, display, Role.ADMINISTRATOR.value, self._hashing.hash(password)
        )
        details = {"role": Role.ADMINISTRATOR.value, "source": SOURCE_LOCAL, "first_run": True}
        try:
            record = self._repo.create(
                new,
                at=self._clock(),
                actor=name,
                action=ACTION_ACCOUNT_CREATED,
                details=details,
                only_if_empty=True,
            )
        except store.AccountsExistError as exc:
            raise errors.FirstRunDoneError() from exc
        return _account(record)

    # ------------------------------------------------------------ sign-in

    def sign_in(self, username: str, password: str, *, language: str = "en") -> Principal:
        """A Principal for a correct user name and password (see the module docstring)."""
        check_language(language)
        now = self._clock()
        name = normalise_username(username)
        record = self._repo.find(name) if USERNAME_PATTERN.fullmatch(name) else None
        if record is None or record.password_hash is None:
            self._hashing.verify_dummy(password)
            reason = "unknown_user" if record is None else "no_local_password"
            actor = UNKNOWN_ACTOR if record is None else record.username
            self._audit.record(actor, ACTION_USER_SIGN_IN_FAILED, details={"reason": reason})
            raise errors.SignInFailedError()
        self._refuse_locked(record, now)
        if not self._hashing.verify(record.password_hash, password):
            self._count_failure(record, now)
        if not record.enabled:
            self._audit.record(
                record.username,
                ACTION_USER_SIGN_IN_FAILED,
                record.username,
                {"reason": "disabled"},
            )
            raise errors.AccountDisabledError(record.username)
        rehashed = None
        if self._hashing.needs_rehash(record.password_hash):
            rehashed = self._hashing.hash(password)
        session_id = uuid.uuid4().hex
        record = self._repo.record_sign_in(
            record.id,
            at=now,
            session_id=session_id,
            station_id=self._station_id,
            language=language,
            new_password_hash=rehashed,
        )
        return Principal(
            user_id=record.id,
            username=record.username,
            display_name=record.display_name,
            role=Role(record.role),
            language=language,
            session_id=session_id,
            signed_in_at=now,
            must_change_password=record.must_change_password,
        )

    def sign_out(self, principal: Principal, *, reason: str = END_SIGNED_OUT) -> None:
        """End the principal's session (recorded once; a second sign-out does nothing)."""
        if principal.user_id == 0:
            return  # the command line's recovery principal has no session row
        try:
            self._repo.end_session(principal.session_id, at=self._clock(), reason=reason)
        except store.AccountNotFoundError as exc:
            raise errors.UnknownAccountError(principal.username) from exc

    def screen_locked(self, principal: Principal, *, idle_minutes: float) -> None:
        self._audit.record(
            principal.username,
            ACTION_USER_SCREEN_LOCKED,
            principal.username,
            {"session_id": principal.session_id, "idle_minutes": round(idle_minutes, 2)},
        )

    def resume(self, principal: Principal, password: str) -> None:
        """Unlock the screen for the signed-in principal: their password, checked like a
        sign-in (a wrong one counts towards the lockout)."""
        now = self._clock()
        record = self._repo.get(principal.user_id)
        if record is None or record.password_hash is None:
            raise errors.UnknownAccountError(principal.username)
        self._refuse_locked(record, now)
        if not self._hashing.verify(record.password_hash, password):
            self._count_failure(record, now)
        if not record.enabled:
            raise errors.AccountDisabledError(record.username)
        # A success ends a run of failures, as a sign-in does.
        self._update(
            record,
            {"failed_attempts": 0},
            actor=principal.username,
            action=ACTION_USER_SCREEN_UNLOCKED,
            details={"session_id": principal.session_id},
        )

    def _refuse_locked(self, record: store.AccountRecord, now: datetime) -> None:
        if record.locked_until is not None and record.locked_until > now:
            self._audit.record(
                record.username,
                ACTION_USER_SIGN_IN_FAILED,
                record.username,
                {"reason": "locked", "locked_until": record.locked_until},
            )
            raise errors.AccountLockedError(record.username, record.locked_until)

    def _count_failure(self, record: store.AccountRecord, now: datetime) -> NoReturn:
        after = self._repo.record_failed_sign_in(
            record.id,
            at=now,
            max_failed_attempts=self._config.max_failed_attempts,
            lockout=timedelta(minutes=self._config.lockout_minutes),
            reason="wrong_password",
        )
        if after.locked_until is not None and after.locked_until > now:
            raise errors.AccountLockedError(after.username, after.locked_until)
        raise errors.SignInFailedError()

    # ------------------------------------------------------------ own password

    def change_own_password(self, principal: Principal, current: str, new: str) -> None:
        """Any signed-in person: the current password (counted when wrong), then the new one."""
        now = self._clock()
        record = self._repo.get(principal.user_id)
        if record is None or record.password_hash is None:
            raise errors.UnknownAccountError(principal.username)
        self._refuse_locked(record, now)
        if not self._hashing.verify(record.password_hash, current):
            try:
                self._count_failure(record, now)
            except errors.SignInFailedError:
                raise errors.WrongPasswordError() from None
        self.policy.check(new, username=record.username)
        if self._hashing.verify(record.password_hash, new):
            raise errors.PasswordPolicyError(("same_as_current",), "the same as the current one")
        self._update(
            record,
            {
                "password_hash": self._hashing.hash(new),
                "must_change_password": False,
                "password_changed_at": now,
                "failed_attempts": 0,
            },
            actor=principal.username,
            action=ACTION_ACCOUNT_PASSWORD_CHANGED,
            details={"session_id": principal.session_id},
        )

    # ------------------------------------------------------------ administration

    def recovery_principal(self, os_user: str) -> Principal:
        """The administrator the ``station-app accounts`` command acts as.

        Whoever can run the command can open the database anyway; the audit trail
        names them as ``cli:<os user>``.
        """
        return Principal(
            user_id=0,
            username=f"{RECOVERY_PREFIX}{os_user}"[:NAME_LEN],
            display_name=os_user,
            role=Role.ADMINISTRATOR,
            language="en",
            session_id="cli",
            signed_in_at=self._clock(),
        )

    def list_accounts(self, principal: Principal) -> list[Account]:
        require(principal, Permission.MANAGE_ACCOUNTS)
        return [_account(r) for r in self._repo.all()]

    def get_account(self, principal: Principal, username: str) -> Account:
        require(principal, Permission.MANAGE_ACCOUNTS)
        return _account(self._target(username))

    def create_account(
        self,
        principal: Principal,
        *,
        username: str,
        display_name: str,
        role: str | Role,
        password: str,
        must_change_password: bool = True,
    ) -> Account:
        """A local account; its holder must change the password at the first sign-in
        (the administrator knows it) unless ``must_change_password`` is False."""
        require(principal, Permission.MANAGE_ACCOUNTS)
        name = check_username(username)
        display = check_display_name(display_name)
        checked_role = check_role(role)
        self.policy.check(password, username=name)
        new = store.NewAccount(
            name,
            display,
            checked_role.value,
            self._hashing.hash(password),
            must_change_password=must_change_password,
        )
        try:
            record = self._repo.create(
                new,
                at=self._clock(),
                actor=principal.username,
                action=ACTION_ACCOUNT_CREATED,
                details={"role": checked_role.value, "source": SOURCE_LOCAL},
            )
        except store.UsernameTakenError as exc:
            raise errors.UsernameTakenError(name) from exc
        return _account(record)

    def disable(self, principal: Principal, username: str) -> Account:
        require(principal, Permission.MANAGE_ACCOUNTS)
        record = self._target(username)
        if record.id == principal.user_id:
            raise errors.OwnAccountError("disable")
        return self._update(
            record,
            {"enabled": False},
            actor=principal.username,
            action=ACTION_ACCOUNT_DISABLED,
            details={},
        )

    def enable(self, principal: Principal, username: str) -> Account:
        require(principal, Permission.MANAGE_ACCOUNTS)
        record = self._target(username)
        return self._update(
            record,
            {"enabled": True},
            actor=principal.username,
            action=ACTION_ACCOUNT_ENABLED,
            details={},
        )

    def unlock(self, principal: Principal, username: str) -> Account:
        require(principal, Permission.MANAGE_ACCOUNTS)
        record = self._target(username)
        return self._update(
            record,
            {"failed_attempts": 0, "locked_until": None},
            actor=principal.username,
            action=ACTION_ACCOUNT_UNLOCKED,
            details={"was_locked_until": record.locked_until},
        )

    def reset_password(
        self,
        principal: Principal,
        username: str,
        new_password: str,
        *,
        must_change_password: bool = True,
    ) -> Account:
        """A new password set by an administrator; also unlocks the account."""
        require(principal, Permission.MANAGE_ACCOUNTS)
        record = self._target(username)
        self.policy.check(new_password, username=record.username)
        return self._update(
            record,
            {
                "password_hash": self._hashing.hash(new_password),
                "must_change_password": must_change_password,
                "password_changed_at": self._clock(),
                "failed_attempts": 0,
                "locked_until": None,
            },
            actor=principal.username,
            action=ACTION_ACCOUNT_PASSWORD_RESET,
            details={"must_change_password": must_change_password},
        )

    def change_role(self, principal: Principal, username: str, role: str | Role) -> Account:
        require(principal, Permission.MANAGE_ACCOUNTS)
        new_role = check_role(role)
        record = self._target(username)
        if record.id == principal.user_id:
            raise errors.OwnAccountError("change the role of")
        if record.source == SOURCE_CENTRAL:
            raise errors.CentralManagedError(record.username, "role")
        if record.role == new_role.value:
            return _account(record)
        return self._update(
            record,
            {"role": new_role.value},
            actor=principal.username,
            action=ACTION_ACCOUNT_ROLE_CHANGED,
            details={"from": record.role, "to": new_role.value},
        )

    # ------------------------------------------------------------ helpers

    def _target(self, username: str) -> store.AccountRecord:
        record = self._repo.find(normalise_username(username))
        if record is None:
            raise errors.UnknownAccountError(normalise_username(username))
        return record

    def _update(
        self,
        record: store.AccountRecord,
        changes: Mapping[str, Any],
        *,
        actor: str,
        action: str,
        details: Mapping[str, Any],
    ) -> Account:
        try:
            updated = self._repo.update(
                record.id, changes, at=self._clock(), actor=actor, action=action, details=details
            )
        except store.NoAdministratorLeftError as exc:
            raise errors.LastAdministratorError(record.username) from exc
        except store.AccountNotFoundError as exc:
            raise errors.UnknownAccountError(record.username) from exc
        return _account(updated)
