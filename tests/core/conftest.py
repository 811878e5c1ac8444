"""Fixtures of the core tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(calibrated_data_dir: Path) -> Path:
    """A calibrated station data dir of this test's own (see tests/conftest.py)."""
    return calibrated_data_dir
