"""Physics-based simulated dual-energy scanner (entry point ``simulator``).

Importing this package is cheap: spectra and lookup tables are built when a
driver is opened or first images something.
"""

from __future__ import annotations

from typing import Any

from drivers.simulator.scanner import SimulatedScanner, SimulatorOptions


def create_driver(**options: Any) -> SimulatedScanner:
    """Entry-point factory: a not yet opened simulator with the given options."""
    return SimulatedScanner(**options)


__all__ = ["SimulatedScanner", "SimulatorOptions", "create_driver"]
