"""What the accounts errors and password rules say on screen, in the user's language.

The core's errors carry English one-liners for logs and the command line; the
GUI picks its own translated sentence by the error's type and attributes, so
a Korean inspector never reads an English exception text. Literal
``QCoreApplication.translate`` calls, so lupdate finds every string.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale, QTime

from station_app.accounts import PasswordPolicy, PasswordProblem, Role
from station_app.accounts import errors as account_errors
from station_app.accounts.passwords import MIN_DISTINCT_CHARS

_CONTEXT = "AccountTexts"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def local_time(moment: datetime) -> str:
    """A time as the station's clock shows it, in the current locale's short format."""
    local = moment.astimezone()
    shown = QTime(local.hour, local.minute, local.second)
    return str(QLocale().toString(shown, QLocale.FormatType.ShortFormat))


def role_text(role: Role) -> str:
    texts = {
        Role.INSPECTOR: _tr("Inspector"),
        Role.SUPERVISOR: _tr("Supervisor"),
        Role.TECHNICIAN: _tr("Technician"),
        Role.ADMINISTRATOR: _tr("Administrator"),
    }
    return texts[role]


def password_problem_texts(
    problems: tuple[PasswordProblem, ...] | tuple[str, ...], policy: PasswordPolicy
) -> list[str]:
    texts = {
        PasswordProblem.TOO_SHORT.value: _tr("At least {0} characters").format(policy.min_length),
        PasswordProblem.TOO_LONG.value: _tr("At most {0} characters").format(policy.max_length),
        PasswordProblem.CONTAINS_USERNAME.value: _tr("Must not contain the user name"),
        PasswordProblem.TOO_FEW_DISTINCT.value: _tr("At least {0} different characters").format(
            MIN_DISTINCT_CHARS
        ),
        "same_as_current": _tr("Must differ from the current password"),
    }
    return [texts.get(str(p), str(p)) for p in problems]


def account_error_text(exc: Exception, policy: PasswordPolicy | None = None) -> str:
    """One translated sentence for an accounts error (the English text as a last resort)."""
    if isinstance(exc, account_errors.SignInFailedError):
        return _tr("Unknown user name or wrong password.")
    if isinstance(exc, account_errors.AccountLockedError):
        return _tr(
            "Too many failed attempts: this account is locked until {0}, "
            "or until an administrator unlocks it."
        ).format(local_time(exc.locked_until))
    if isinstance(exc, account_errors.AccountDisabledError):
        return _tr("This account is disabled. Ask an administrator.")
    if isinstance(exc, account_errors.WrongPasswordError):
        return _tr("The password is wrong.")
    if isinstance(exc, account_errors.PermissionDeniedError):
        return _tr("Your role may not do this.")
    if isinstance(exc, account_errors.PasswordPolicyError):
        rules = password_problem_texts(exc.problems, policy or PasswordPolicy(min_length=8))
        return _tr("Password refused: {0}").format("; ".join(rules))
    if isinstance(exc, account_errors.UsernameTakenError):
        return _tr("An account named {0} exists already.").format(exc.username)
    if isinstance(exc, account_errors.UnknownAccountError):
        return _tr("There is no account named {0}.").format(exc.username)
    if isinstance(exc, account_errors.LastAdministratorError):
        return _tr("{0} is the last enabled administrator and must stay one.").format(exc.username)
    if isinstance(exc, account_errors.OwnAccountError):
        return _tr("You cannot do this to your own account. Ask another administrator.")
    if isinstance(exc, account_errors.FirstRunDoneError):
        return _tr("The administrator exists already. Sign in.")
    if isinstance(exc, account_errors.CentralManagedError):
        return _tr("This is managed by central, not at the station.")
    if isinstance(exc, account_errors.InvalidAccountDataError):
        field_texts = {
            "username": _tr(
                "User name: 2 to 32 lower-case letters, digits, '.', '_' or '-', "
                "starting with a letter or digit."
            ),
            "display_name": _tr("Display name: 1 to 128 characters, no control characters."),
        }
        return field_texts.get(exc.field, str(exc))
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
