"""The drivers a frozen bundle finds without package metadata are the ones pyproject registers."""

from __future__ import annotations

import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from drivers.base import ENTRY_POINT_GROUP
from station_app.drivers import (
    BUILTIN_DRIVERS,
    UnknownDriverError,
    available_drivers,
    create_driver,
    load_builtin_factory,
)

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_builtin_table_matches_the_entry_points_in_pyproject() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    assert project["entry-points"][ENTRY_POINT_GROUP] == BUILTIN_DRIVERS


@pytest.mark.parametrize("name", sorted(BUILTIN_DRIVERS))
def test_builtin_factory_is_the_entry_point_target(name: str) -> None:
    (registered,) = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    assert load_builtin_factory(name) is registered.load()


def test_unknown_driver_names_the_known_ones() -> None:
    assert set(BUILTIN_DRIVERS) <= set(available_drivers())
    with pytest.raises(UnknownDriverError, match=r"'nosuch' \(available: dicos, serial, simulator"):
        create_driver("nosuch", {})
