"""Local operator accounts: roles, sign-in, lockout, sessions, personal-data masking.

Qt-free. ``AccountService`` is the door (sign-in, account management, each
change audited); ``Principal`` is who is signed in and what the role allows;
``require`` is the check the core services make. See docs/accounts.md.
"""

from station_app.accounts.errors import (
    AccountDisabledError,
    AccountError,
    AccountLockedError,
    PermissionDeniedError,
    SignInFailedError,
)
from station_app.accounts.masking import manifest_for_principal, mask_personal_data
from station_app.accounts.passwords import PasswordHashing, PasswordPolicy, PasswordProblem
from station_app.accounts.principal import LANGUAGES, Principal, require
from station_app.accounts.roles import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    Workspace,
    workspaces_for,
)
from station_app.accounts.service import Account, AccountService

__all__ = [
    "LANGUAGES",
    "ROLE_PERMISSIONS",
    "Account",
    "AccountDisabledError",
    "AccountError",
    "AccountLockedError",
    "AccountService",
    "PasswordHashing",
    "PasswordPolicy",
    "PasswordProblem",
    "Permission",
    "PermissionDeniedError",
    "Principal",
    "Role",
    "SignInFailedError",
    "Workspace",
    "manifest_for_principal",
    "mask_personal_data",
    "require",
    "workspaces_for",
]
