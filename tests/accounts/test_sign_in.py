"""First run, sign-in, lockout, sessions and what the audit trail records of them.

Real databases (SQLite files; PostgreSQL when configured), real argon2id at
the cheapest parameters, a clock the tests move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from accounts_helpers import ADMIN_PASSWORD, CHEAP, STATION, Clock
from argon2 import Parameters, Type
from sqlalchemy import select

from station_app.accounts import (
    AccountDisabledError,
    AccountLockedError,
    AccountService,
    PasswordHashing,
    Principal,
    Role,
    SignInFailedError,
)
from station_app.accounts.errors import (
    FirstRunDoneError,
    PasswordPolicyError,
    WrongPasswordError,
)
from station_app.storage.audit import verify_audit_log
from station_app.storage.models import AccountRow, SignInSessionRow

ServiceFactory = Callable[..., AccountService]
INSPECTOR_PASSWORD = "inspector password 1"


def _actions(service: AccountService) -> list[tuple[str, str, str | None]]:
    return [(e.actor, e.action, e.subject) for e in service.audit.entries()]


def _stored_hash(service: AccountService, username: str) -> str:
    with service.audit._db.read_session() as session:
        value = session.scalar(
            select(AccountRow.password_hash).where(AccountRow.username == username)
        )
    assert value is not None
    return value


def _add_inspector(service: AccountService, admin: Principal) -> None:
    service.create_account(
        admin,
        username="kim",
        display_name="Kim Min-ji",
        role=Role.INSPECTOR,
        password=INSPECTOR_PASSWORD,
        must_change_password=False,
    )


# ---------------------------------------------------------------- first run


def test_first_run_creates_the_administrator_once(service: AccountService) -> None:
    assert service.first_run_needed()
    account = service.create_first_administrator(" Admin ", "Station  Admin", ADMIN_PASSWORD)
    assert (account.username, account.display_name, account.role) == (
        "admin",
        "Station Admin",
        Role.ADMINISTRATOR,
    )
    assert not account.must_change_password  # they chose it themselves
    assert not service.first_run_needed()
    with pytest.raises(FirstRunDoneError):
        service.create_first_administrator("second", "Second Admin", ADMIN_PASSWORD)
    (created,) = service.audit.entries(action="account.created")
    assert (created.actor, created.subject) == ("admin", "admin")
    assert created.details == {"first_run": True, "role": "administrator", "source": "local"}
    assert ADMIN_PASSWORD not in created.details_json


def test_first_run_refuses_a_weak_password_and_stores_nothing(service: AccountService) -> None:
    with pytest.raises(PasswordPolicyError, match="shorter than 10"):
        service.create_first_administrator("admin", "Admin", "short")
    with pytest.raises(PasswordPolicyError, match="user name"):
        service.create_first_administrator("admin", "Admin", "admin-is-me-123")
    assert service.first_run_needed()
    assert service.audit.entries() == []


def test_stored_password_is_an_argon2id_hash(service: AccountService, admin: Principal) -> None:
    stored = _stored_hash(service, "admin")
    assert stored.startswith("$argon2id$")
    assert ADMIN_PASSWORD not in stored


# ---------------------------------------------------------------- sign-in


def test_sign_in_gives_a_principal_and_a_session(service: AccountService) -> None:
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    principal = service.sign_in("ADMIN ", ADMIN_PASSWORD, language="ko")
    assert principal.username == "admin" and principal.role is Role.ADMINISTRATOR
    assert principal.language == "ko" and len(principal.session_id) == 32
    entry = service.audit.last("user.signed_in")
    assert entry is not None and entry.actor == "admin"
    assert entry.details["session_id"] == principal.session_id
    assert entry.details["role"] == "administrator" and entry.details["language"] == "ko"

    service.sign_out(principal)
    service.sign_out(principal)  # twice: recorded once
    signed_out = service.audit.entries(action="user.signed_out")
    assert len(signed_out) == 1 and signed_out[0].details["reason"] == "signed_out"
    with service.audit._db.read_session() as session:
        row = session.get(SignInSessionRow, principal.session_id)
        assert row is not None and row.ended_at is not None and row.end_reason == "signed_out"


def test_unknown_user_and_wrong_password_read_the_same(service: AccountService) -> None:
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    with pytest.raises(SignInFailedError) as unknown:
        service.sign_in("nobody-here", ADMIN_PASSWORD)
    with pytest.raises(SignInFailedError) as wrong:
        service.sign_in("admin", "wrong password!")
    assert type(unknown.value) is type(wrong.value)
    assert str(unknown.value) == str(wrong.value) == "unknown user name or wrong password"

    failures = service.audit.entries(action="user.sign_in_failed")
    assert [(e.actor, e.details["reason"]) for e in failures] == [
        ("unknown", "unknown_user"),
        ("admin", "wrong_password"),
    ]
    # The typed name of an unknown user is not recorded: it may be a mistyped password.
    assert "nobody-here" not in failures[0].details_json and failures[0].subject is None


class CountingHashing(PasswordHashing):
    """Real hashing that counts how many verifications it ran."""

    def __init__(self, parameters: Parameters) -> None:
        super().__init__(parameters)
        self.verifications = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return super().verify(password_hash, password)


def test_unknown_user_costs_one_full_verification(
    open_service: ServiceFactory, sqlite_url: str
) -> None:
    hashing = CountingHashing(CHEAP)
    service = open_service(sqlite_url, hashing=hashing)
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    for name in ("nobody-here", "x", "not a valid name at all!"):
        before = hashing.verifications
        with pytest.raises(SignInFailedError):
            service.sign_in(name, ADMIN_PASSWORD)
        assert hashing.verifications == before + 1  # same work as a wrong password


def test_lockout_survives_a_restart_and_runs_out(
    open_service: ServiceFactory, sqlite_url: str, clock: Clock
) -> None:
    service = open_service(sqlite_url)
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            service.sign_in("admin", "wrong password!")

    # The station restarts: a new database connection, the count is in the file.
    service = open_service(sqlite_url)
    with pytest.raises(AccountLockedError) as locked:
        service.sign_in("admin", "wrong password!")  # the third: locks
    until = clock.now + timedelta(minutes=15)
    assert locked.value.locked_until == until
    assert "locked" in str(locked.value) and f"{until:%H:%M}" in str(locked.value)

    service = open_service(sqlite_url)
    with pytest.raises(AccountLockedError):
        service.sign_in("admin", ADMIN_PASSWORD)  # even the right password, while locked
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLockedError):
        service.sign_in("admin", ADMIN_PASSWORD)
    clock.advance(seconds=2)
    principal = service.sign_in("admin", ADMIN_PASSWORD)
    assert principal.username == "admin"

    actions = [a for _, a, _ in _actions(service)]
    assert actions.count("user.locked_out") == 1
    (lockout,) = service.audit.entries(action="user.locked_out")
    assert lockout.details["failed_attempts"] == 3 and lockout.details["lockout_minutes"] == 15
    reasons = [e.details["reason"] for e in service.audit.entries(action="user.sign_in_failed")]
    assert reasons == ["wrong_password"] * 3 + ["locked"] * 2
    assert verify_audit_log(service.audit._db).ok


def test_a_success_resets_the_count(service: AccountService) -> None:
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            service.sign_in("admin", "wrong password!")
    service.sign_in("admin", ADMIN_PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            service.sign_in("admin", "wrong password!")
    service.sign_in("admin", ADMIN_PASSWORD)  # 2 + 2 failures never reached 3 in a row


def test_disabled_account_is_told_only_with_the_right_password(
    service: AccountService, admin: Principal
) -> None:
    _add_inspector(service, admin)
    service.disable(admin, "kim")
    with pytest.raises(SignInFailedError):
        service.sign_in("kim", "wrong password!")
    with pytest.raises(AccountDisabledError, match="disabled"):
        service.sign_in("kim", INSPECTOR_PASSWORD)
    service.enable(admin, "kim")
    assert service.sign_in("kim", INSPECTOR_PASSWORD).role is Role.INSPECTOR


def test_sign_in_rehashes_with_new_parameters(
    open_service: ServiceFactory, sqlite_url: str
) -> None:
    old = open_service(sqlite_url)
    old.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    assert _stored_hash(old, "admin").startswith("$argon2id$v=19$m=64,t=1,p=1$")
    stronger = Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=256,
        parallelism=1,
    )
    new = open_service(sqlite_url, hashing=PasswordHashing(stronger))
    new.sign_in("admin", ADMIN_PASSWORD)
    assert _stored_hash(new, "admin").startswith("$argon2id$v=19$m=256,t=2,p=1$")
    entry = new.audit.last("user.signed_in")
    assert entry is not None and entry.details["password_rehashed"] is True
    new.sign_in("admin", ADMIN_PASSWORD)  # the new hash verifies
    entry = new.audit.last("user.signed_in")
    assert entry is not None and entry.details["password_rehashed"] is False


def test_unknown_language_is_refused(service: AccountService, admin: Principal) -> None:
    with pytest.raises(ValueError, match="language 'fr'"):
        service.sign_in("admin", ADMIN_PASSWORD, language="fr")


# ---------------------------------------------------------------- screen lock, own password


def test_screen_lock_resume_counts_wrong_passwords(
    service: AccountService, admin: Principal
) -> None:
    _add_inspector(service, admin)
    kim = service.sign_in("kim", INSPECTOR_PASSWORD)
    service.screen_locked(kim, idle_minutes=10)
    with pytest.raises(SignInFailedError):
        service.resume(kim, "wrong password!")
    service.resume(kim, INSPECTOR_PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            service.resume(kim, "wrong password!")
    with pytest.raises(AccountLockedError):
        service.resume(kim, "wrong password!")
    with pytest.raises(AccountLockedError):
        service.resume(kim, INSPECTOR_PASSWORD)
    actions = [a for actor, a, _ in _actions(service) if actor == "kim"]
    assert actions[:4] == [
        "user.signed_in",
        "user.screen_locked",
        "user.sign_in_failed",
        "user.screen_unlocked",
    ]
    assert "user.locked_out" in actions


def test_change_own_password(service: AccountService, admin: Principal) -> None:
    service.create_account(
        admin, username="kim", display_name="Kim", role="inspector", password=INSPECTOR_PASSWORD
    )
    kim = service.sign_in("kim", INSPECTOR_PASSWORD)
    assert kim.must_change_password  # an administrator chose it
    with pytest.raises(WrongPasswordError):
        service.change_own_password(kim, "not my password", "a brand new password")
    with pytest.raises(PasswordPolicyError, match="same as the current"):
        service.change_own_password(kim, INSPECTOR_PASSWORD, INSPECTOR_PASSWORD)
    with pytest.raises(PasswordPolicyError, match="shorter"):
        service.change_own_password(kim, INSPECTOR_PASSWORD, "short")
    service.change_own_password(kim, INSPECTOR_PASSWORD, "a brand new password")
    with pytest.raises(SignInFailedError):
        service.sign_in("kim", INSPECTOR_PASSWORD)
    again = service.sign_in("kim", "a brand new password")
    assert not again.must_change_password
    entry = service.audit.last("account.password_changed")
    assert entry is not None and (entry.actor, entry.subject) == ("kim", "kim")
    assert "a brand new password" not in str(_actions(service))
    assert service.audit.station_id == STATION
