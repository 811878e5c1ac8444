"""Errors a user can act on.

Each carries a one-line message that names what was wrong; the CLI prints it
and exits non-zero, the GUI shows it in the user's language.
"""

from __future__ import annotations

from pydantic import ValidationError

from drivers.base import DriverError


class StationError(Exception):
    """Base of the station's own user-facing errors."""


UserFacingError: tuple[type[BaseException], ...] = (
    StationError,
    DriverError,
    LookupError,  # unknown driver name
    FileNotFoundError,
    ValueError,  # includes pydantic's ValidationError for a bad config
)


def describe_user_error(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(item) for item in error["loc"])
            parts.append(f"{where}: {error['msg']}")
        return "invalid configuration: " + "; ".join(parts)
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
