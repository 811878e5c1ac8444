"""Shared by the accounts tests (and the GUI sign-in tests): cheap argon2id
parameters, a clock the tests move, a manifest with personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import Parameters, Type

STATION = "STATION-01"
ADMIN_PASSWORD = "correct horse battery"
# The smallest cost argon2-cffi accepts: the logic under test is the same, only the
# work factor differs from production.
CHEAP = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1, memory_cost=64, parallelism=1
)


@dataclass
class Clock:
    """Now, moved by the tests (lockouts last minutes)."""

    now: datetime = field(default_factory=lambda: datetime(2025, 3, 4, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
