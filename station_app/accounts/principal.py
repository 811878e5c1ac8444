"""Who is signed in: the Principal every protected core call takes.

A Principal is made only by ``AccountService.sign_in`` (or, for the command
line's recovery commands, ``AccountService.recovery_principal``) and is frozen:
the role it carries is the role at sign-in. A role change made by an
administrator takes effect at the person's next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from station_app.accounts.errors import PermissionDeniedError
from station_app.accounts.roles import Permission, Role, Workspace, permissions_of, workspaces_for

LANGUAGES: Final = ("en", "ko")


@dataclass(frozen=True)
class Principal:
    user_id: int  # accounts.id; 0 for the command line's recovery principal
    username: str
    display_name: str
    role: Role
    language: str  # "en" | "ko", chosen at sign-in; the GUI shows everything in it
    session_id: str
    signed_in_at: datetime
    must_change_password: bool = False

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role)

    @property
    def workspaces(self) -> tuple[Workspace, ...]:
        return workspaces_for(self.role)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def require(principal: Principal | None, permission: Permission) -> Principal:
    """The principal, if it holds ``permission``; else ``PermissionDeniedError``.

    ``None`` (nobody signed in) is refused like a role without the permission.
    """
    if principal is None:
        raise PermissionDeniedError("nobody", "not signed in", permission.value)
    if permission not in principal.permissions:
        raise PermissionDeniedError(principal.username, principal.role.value, permission.value)
    return principal
