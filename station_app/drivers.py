"""Finding and creating scanner drivers by name (entry-point group ``station_app.drivers``)."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, cast

from drivers.base import ENTRY_POINT_GROUP, DriverFactory, ScannerDriver


class UnknownDriverError(LookupError):
    pass


def available_drivers() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def create_driver(name: str, options: dict[str, Any]) -> ScannerDriver:
    """Instantiate the driver registered as ``name`` with its options (not yet opened)."""
    matches = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not matches:
        known = ", ".join(available_drivers()) or "none installed"
        raise UnknownDriverError(f"unknown scanner driver {name!r} (available: {known})")
    factory = cast(DriverFactory, matches[0].load())
    try:
        return factory(**options)
    except TypeError as exc:
        raise ValueError(f"bad options for driver {name!r}: {exc}") from exc
