"""Account management: only administrators, checked in the service, each change audited."""

from __future__ import annotations

import pytest
from accounts_helpers import ADMIN_PASSWORD

from station_app.accounts import (
    AccountService,
    PermissionDeniedError,
    Principal,
    Role,
    SignInFailedError,
)
from station_app.accounts.errors import (
    AccountLockedError,
    InvalidAccountDataError,
    LastAdministratorError,
    OwnAccountError,
    UnknownAccountError,
    UsernameTakenError,
)
from station_app.storage.audit import verify_audit_log

PASSWORD = "a good long password"


def _create(service: AccountService, admin: Principal, username: str, role: Role) -> None:
    service.create_account(
        admin, username=username, display_name=username.title(), role=role, password=PASSWORD
    )


def test_administrator_manages_accounts_with_audit(
    service: AccountService, admin: Principal
) -> None:
    _create(service, admin, "kim", Role.INSPECTOR)
    (kim,) = [a for a in service.list_accounts(admin) if a.username == "kim"]
    assert kim.role is Role.INSPECTOR and kim.must_change_password and kim.source == "local"

    service.change_role(admin, "kim", Role.SUPERVISOR)
    assert service.get_account(admin, "kim").role is Role.SUPERVISOR
    service.disable(admin, "KIM")
    assert not service.get_account(admin, "kim").enabled
    service.enable(admin, "kim")
    service.reset_password(admin, "kim", "another long password")
    assert service.sign_in("kim", "another long password").must_change_password

    entries = [
        (e.actor, e.action, e.subject)
        for e in service.audit.entries()
        if e.action.startswith("account.")
    ]
    assert entries == [
        ("admin", "account.created", "admin"),
        ("admin", "account.created", "kim"),
        ("admin", "account.role_changed", "kim"),
        ("admin", "account.disabled", "kim"),
        ("admin", "account.enabled", "kim"),
        ("admin", "account.password_reset", "kim"),
    ]
    role_change = service.audit.entries(action="account.role_changed")[0]
    assert role_change.details == {"from": "inspector", "to": "supervisor"}
    for entry in service.audit.entries():
        assert PASSWORD not in entry.details_json and "another long" not in entry.details_json
    assert verify_audit_log(service.audit._db).ok


def test_unlock_clears_a_lockout(service: AccountService, admin: Principal) -> None:
    _create(service, admin, "kim", Role.INSPECTOR)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            service.sign_in("kim", "wrong password!")
    with pytest.raises(AccountLockedError):
        service.sign_in("kim", "wrong password!")
    assert service.get_account(admin, "kim").locked_until is not None
    service.unlock(admin, "kim")
    assert service.sign_in("kim", PASSWORD).username == "kim"
    entry = service.audit.last("account.unlocked")
    assert entry is not None and entry.details["was_locked_until"] is not None


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERVISOR, Role.TECHNICIAN])
def test_other_roles_cannot_manage_accounts(
    service: AccountService, admin: Principal, role: Role
) -> None:
    _create(service, admin, "someone", role)
    someone = service.sign_in("someone", PASSWORD)
    before = len(service.audit.entries())
    attempts = (
        lambda: service.list_accounts(someone),
        lambda: service.create_account(
            someone, username="x2", display_name="X", role=Role.ADMINISTRATOR, password=PASSWORD
        ),
        lambda: service.change_role(someone, "someone", Role.ADMINISTRATOR),
        lambda: service.disable(someone, "admin"),
        lambda: service.unlock(someone, "admin"),
        lambda: service.reset_password(someone, "admin", "taken over password"),
    )
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError, match="manage_accounts"):
            attempt()
    assert len(service.audit.entries()) == before  # nothing changed
    assert service.sign_in("admin", ADMIN_PASSWORD).role is Role.ADMINISTRATOR


def test_station_keeps_an_enabled_administrator(service: AccountService, admin: Principal) -> None:
    with pytest.raises(OwnAccountError):
        service.disable(admin, "admin")
    with pytest.raises(OwnAccountError):
        service.change_role(admin, "admin", Role.INSPECTOR)
    console = service.recovery_principal("root")
    with pytest.raises(LastAdministratorError):
        service.disable(console, "admin")
    with pytest.raises(LastAdministratorError):
        service.change_role(console, "admin", Role.TECHNICIAN)
    assert service.get_account(admin, "admin").enabled

    _create(service, admin, "second", Role.ADMINISTRATOR)
    service.disable(admin, "second")  # another one is left: fine
    with pytest.raises(LastAdministratorError):
        service.disable(console, "admin")


def test_bad_input_is_refused_clearly(service: AccountService, admin: Principal) -> None:
    _create(service, admin, "kim", Role.INSPECTOR)
    with pytest.raises(UsernameTakenError, match="'kim'"):
        _create(service, admin, " Kim", Role.SUPERVISOR)
    for name in ("k", "kim lee", "kim:x", "system", "x" * 33, "-kim"):
        with pytest.raises(InvalidAccountDataError) as info:
            _create(service, admin, name, Role.INSPECTOR)
        assert info.value.field == "username"
    with pytest.raises(InvalidAccountDataError, match="role 'boss'"):
        service.create_account(
            admin, username="lee", display_name="Lee", role="boss", password=PASSWORD
        )
    with pytest.raises(InvalidAccountDataError, match="display name"):
        service.create_account(
            admin, username="lee", display_name="  ", role="inspector", password=PASSWORD
        )
    with pytest.raises(UnknownAccountError):
        service.unlock(admin, "ghost")
    assert [a.username for a in service.list_accounts(admin)] == ["admin", "kim"]
