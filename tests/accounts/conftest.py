"""Fixtures for the accounts tests: real SQLite files (PostgreSQL when configured),
cheap argon2id parameters, and a clock the tests move.

``STATION_TEST_POSTGRES_URL`` runs the ``db_url`` tests on PostgreSQL too, like
tests/storage (``bash packaging/test.sh`` starts a throwaway server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from accounts_helpers import ADMIN_PASSWORD, CHEAP, STATION, Clock

from station_app.accounts import AccountService, PasswordHashing, Principal
from station_app.config import AccountsConfig
from station_app.storage import Database, open_database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config() -> AccountsConfig:
    return AccountsConfig(max_failed_attempts=3, lockout_minutes=15, min_password_length=10)


ServiceFactory = Callable[..., AccountService]


@pytest.fixture
def open_service(clock: Clock, config: AccountsConfig) -> Iterator[Callable[..., AccountService]]:
    """Opens the database at a URL and an AccountService on it; all closed at the end."""
    opened: list[Database] = []

    def factory(
        url: str, *, hashing: PasswordHashing | None = None, settings: AccountsConfig | None = None
    ) -> AccountService:
        database = open_database(url)
        opened.append(database)
        return AccountService(
            database,
            STATION,
            settings or config,
            hashing=hashing or PasswordHashing(CHEAP),
            clock=clock,
        )

    yield factory
    for database in opened:
        database.close()


@pytest.fixture
def service(open_service: ServiceFactory, db_url: str) -> AccountService:
    return open_service(db_url)


@pytest.fixture
def admin(service: AccountService) -> Principal:
    """The first administrator, signed in."""
    service.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    return service.sign_in("admin", ADMIN_PASSWORD)
