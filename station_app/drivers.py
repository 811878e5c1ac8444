"""Finding and creating scanner drivers by name (entry-point group ``station_app.drivers``).

Installed packages register drivers as entry points. A frozen bundle (PyInstaller)
carries no package metadata, so the drivers that ship with the station are also
listed in ``BUILTIN_DRIVERS`` and loaded by module path when no entry point names
them; tests/packaging checks that this table matches pyproject's entry points.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any, cast

from drivers.base import ENTRY_POINT_GROUP, DriverFactory, ScannerDriver


class UnknownDriverError(LookupError):
    pass


# name -> "module:factory", exactly as in pyproject's [project.entry-points."station_app.drivers"]
BUILTIN_DRIVERS: dict[str, str] = {
    "simulator": "drivers.simulator:create_driver",
    "dicos": "drivers.dicos_replay:create_driver",
    "serial": "drivers.serial_scanner:create_driver",
}


def available_drivers() -> list[str]:
    registered = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(registered | BUILTIN_DRIVERS.keys())


def load_builtin_factory(name: str) -> DriverFactory:
    """The factory of a driver shipped with the station, found without package metadata."""
    module_name, _, attribute = BUILTIN_DRIVERS[name].partition(":")
    return cast(DriverFactory, getattr(importlib.import_module(module_name), attribute))


def create_driver(name: str, options: dict[str, Any]) -> ScannerDriver:
    """Instantiate the driver registered as ``name`` with its options (not yet opened)."""
    matches = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if matches:
        factory = cast(DriverFactory, matches[0].load())
    elif name in BUILTIN_DRIVERS:
        factory = load_builtin_factory(name)
    else:
        known = ", ".join(available_drivers())
        raise UnknownDriverError(f"unknown scanner driver {name!r} (available: {known})")
    try:
        return factory(**options)
    except TypeError as exc:
        raise ValueError(f"bad options for driver {name!r}: {exc}") from exc
