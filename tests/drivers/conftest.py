"""Fixtures of the driver tests."""

from __future__ import annotations

import pytest

from drivers.simulator.physics import XrayPhysics


@pytest.fixture(scope="session")
def physics() -> XrayPhysics:
    # Building the spectrum and LUT takes ~2 s; every simulator test shares one.
    return XrayPhysics()
