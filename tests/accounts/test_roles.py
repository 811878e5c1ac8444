"""The role → permission table and the check every protected core call makes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from station_app.accounts import (
    ROLE_PERMISSIONS,
    Permission,
    PermissionDeniedError,
    Principal,
    Role,
    Workspace,
    require,
    workspaces_for,
)


def _principal(role: Role) -> Principal:
    return Principal(7, "kim", "Kim", role, "en", "s-7", datetime.now(UTC))


def test_every_role_has_an_entry_and_every_permission_a_holder() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    held = set().union(*ROLE_PERMISSIONS.values())
    assert held == set(Permission)


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            Role.INSPECTOR,
            {Permission.INSPECT, Permission.DECIDE},
            {Permission.VIEW_PERSONAL_DATA, Permission.OVERRIDE, Permission.MANAGE_ACCOUNTS},
        ),
        (
            Role.SUPERVISOR,
            {Permission.DECIDE, Permission.OVERRIDE, Permission.VIEW_PERSONAL_DATA},
            {Permission.MANAGE_ACCOUNTS, Permission.CALIBRATE, Permission.CONFIGURE},
        ),
        (
            Role.TECHNICIAN,
            {Permission.CALIBRATE, Permission.DIAGNOSTICS},
            {Permission.INSPECT, Permission.DECIDE, Permission.VIEW_PERSONAL_DATA},
        ),
        (
            # Separation of duties: who hands out rights does not use them on parcels.
            Role.ADMINISTRATOR,
            {Permission.MANAGE_ACCOUNTS, Permission.CONFIGURE},
            {
                Permission.INSPECT,
                Permission.DECIDE,
                Permission.OVERRIDE,
                Permission.VIEW_PERSONAL_DATA,
            },
        ),
    ],
)
def test_role_permissions(role: Role, allowed: set[Permission], refused: set[Permission]) -> None:
    principal = _principal(role)
    for permission in allowed:
        assert principal.can(permission)
        assert require(principal, permission) is principal
    for permission in refused:
        assert not principal.can(permission)
        with pytest.raises(PermissionDeniedError, match=permission.value) as info:
            require(principal, permission)
        assert info.value.role == role.value and info.value.username == "kim"


def test_nobody_signed_in_is_refused() -> None:
    with pytest.raises(PermissionDeniedError, match="nobody"):
        require(None, Permission.DECIDE)


def test_workspaces_per_role() -> None:
    assert workspaces_for(Role.INSPECTOR) == (Workspace.INSPECTION,)
    assert workspaces_for(Role.SUPERVISOR) == (Workspace.INSPECTION, Workspace.REVIEW)
    assert workspaces_for(Role.TECHNICIAN) == (Workspace.TECHNICIAN, Workspace.STATION_STATUS)
    assert workspaces_for(Role.ADMINISTRATOR) == (Workspace.STATION_STATUS, Workspace.ACCOUNTS)
    assert _principal(Role.TECHNICIAN).workspaces == (
        Workspace.TECHNICIAN,
        Workspace.STATION_STATUS,
    )
