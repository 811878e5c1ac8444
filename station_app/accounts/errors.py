"""What can go wrong signing in and managing accounts.

Each error has a one-line English message for logs and the command line; the
GUI shows its own translated text chosen by the error's type and attributes,
so nothing here has to be parsed.
"""

from __future__ import annotations

from datetime import datetime

from station_app.errors import StationError


class AccountError(StationError):
    """Base of the accounts errors."""


class SignInFailedError(AccountError):
    """Unknown user name or wrong password: deliberately one message for both."""

    MESSAGE = "unknown user name or wrong password"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class AccountLockedError(AccountError):
    def __init__(self, username: str, locked_until: datetime) -> None:
        super().__init__(
            f"account {username} is locked after too many failed sign-ins until "
            f"{locked_until:%Y-%m-%d %H:%M} UTC (or until an administrator unlocks it)"
        )
        self.username = username
        self.locked_until = locked_until


class AccountDisabledError(AccountError):
    def __init__(self, username: str) -> None:
        super().__init__(f"account {username} is disabled; ask an administrator")
        self.username = username


class PermissionDeniedError(AccountError):
    def __init__(self, username: str, role: str, permission: str) -> None:
        super().__init__(f"{username} ({role}) does not have the permission {permission!r}")
        self.username = username
        self.role = role
        self.permission = permission


class PasswordPolicyError(AccountError, ValueError):
    def __init__(self, problems: tuple[str, ...], describe: str) -> None:
        super().__init__(f"password refused: {describe}")
        self.problems = problems  # passwords.PasswordProblem values


class WrongPasswordError(AccountError):
    """The current password given to change it (or to unlock the screen) is wrong."""

    def __init__(self) -> None:
        super().__init__("the password is wrong")


class InvalidAccountDataError(AccountError, ValueError):
    """A bad user name, display name, role or language; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UsernameTakenError(AccountError):
    def __init__(self, username: str) -> None:
        super().__init__(f"an account named {username!r} exists already")
        self.username = username


class UnknownAccountError(AccountError, LookupError):
    def __init__(self, username: str) -> None:
        super().__init__(f"no account named {username!r}")
        self.username = username


class FirstRunDoneError(AccountError):
    def __init__(self) -> None:
        super().__init__(
            "accounts exist already: the first administrator is created only once "
            "(an administrator creates further accounts)"
        )


class LastAdministratorError(AccountError):
    def __init__(self, username: str) -> None:
        super().__init__(
            f"{username} is the last enabled administrator: disabling or demoting it "
            "would leave the station without one"
        )
        self.username = username


class OwnAccountError(AccountError):
    """An administrator may not disable or change the role of the account in use."""

    def __init__(self, action: str) -> None:
        super().__init__(f"you cannot {action} your own account; ask another administrator")
        self.action = action


class CentralManagedError(AccountError):
    def __init__(self, username: str, what: str) -> None:
        super().__init__(f"the {what} of {username} is managed by central, not at the station")
        self.username = username
        self.what = what
