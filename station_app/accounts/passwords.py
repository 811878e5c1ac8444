"""Password hashing (argon2id) and the password policy.

Hashes are argon2id PHC strings (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``) made
by argon2-cffi with RFC 9106's "low memory" parameters (64 MiB, 3 passes, 4
lanes: about 0.1–0.2 s on a station PC). The parameters live in each hash, so a
hash made with older parameters still verifies; ``needs_rehash`` tells the
sign-in to store a new hash with the current ones while it has the password.

Passwords are NFC-normalised first: a Korean input method may send composed or
decomposed Hangul for the same keys, and both must give the same hash.

``verify_dummy`` checks a password against a hash of nothing in particular, at
the full cost: a sign-in with an unknown user name then takes as long as one
with a wrong password, so the timing does not tell which names exist.

The policy follows NIST SP 800-63B: length over composition rules. A password
must have ``min_length`` characters (``AccountsConfig.min_password_length``),
at most ``MAX_PASSWORD_CHARS`` (bounds the work one attempt causes), must not
contain the user name and must not be one or two characters repeated.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from station_app.accounts.errors import PasswordPolicyError

MAX_PASSWORD_CHARS: Final = 256
MIN_DISTINCT_CHARS: Final = 3
DEFAULT_PARAMETERS: Final = profiles.RFC_9106_LOW_MEMORY


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


class PasswordHashing:
    """argon2id hashing with one parameter set (``argon2.Parameters``)."""

    def __init__(self, parameters: Parameters = DEFAULT_PARAMETERS) -> None:
        if parameters.type is not Type.ID:
            raise ValueError("passwords are hashed with argon2id only")
        self._hasher = PasswordHasher.from_parameters(parameters)
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(_normalise(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False for a mismatch or an unusable hash."""
        try:
            return self._hasher.verify(password_hash, _normalise(password))
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError):
            # A damaged or foreign hash never lets anyone in; the account needs a reset.
            return False

    def verify_dummy(self, password: str) -> None:
        """Spend the time of one real verification, for a user name that does not exist."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CONTAINS_USERNAME = "contains_username"
    TOO_FEW_DISTINCT = "too_few_distinct_characters"


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int
    max_length: int = MAX_PASSWORD_CHARS

    def problems(self, password: str, *, username: str = "") -> tuple[PasswordProblem, ...]:
        """Everything wrong with ``password``, in a fixed order; () when it is fine."""
        text = _normalise(password)
        found: list[PasswordProblem] = []
        if len(text) < self.min_length:
            found.append(PasswordProblem.TOO_SHORT)
        if len(text) > self.max_length:
            found.append(PasswordProblem.TOO_LONG)
        name = username.strip().casefold()
        if len(name) >= 3 and name in text.casefold():
            found.append(PasswordProblem.CONTAINS_USERNAME)
        if text and len(set(text)) < MIN_DISTINCT_CHARS:
            found.append(PasswordProblem.TOO_FEW_DISTINCT)
        return tuple(found)

    def describe(self, problems: tuple[PasswordProblem, ...]) -> str:
        texts = {
            PasswordProblem.TOO_SHORT: f"shorter than {self.min_length} characters",
            PasswordProblem.TOO_LONG: f"longer than {self.max_length} characters",
            PasswordProblem.CONTAINS_USERNAME: "contains the user name",
            PasswordProblem.TOO_FEW_DISTINCT: (
                f"fewer than {MIN_DISTINCT_CHARS} different characters"
            ),
        }
        return "; ".join(texts[p] for p in problems)

    def check(self, password: str, *, username: str = "") -> None:
        """Raise ``PasswordPolicyError`` naming every problem, or return."""
        problems = self.problems(password, username=username)
        if problems:
            raise PasswordPolicyError(tuple(p.value for p in problems), self.describe(problems))
