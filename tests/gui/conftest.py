"""Fixtures for the GUI tests: real widgets, offscreen, the real Renderer.

The station is ``gui_fakes.FakeStation`` (real events and renderer, no
scanner) so widget tests need no hardware; ``test_gui_end_to_end.py`` uses the
real Station.
"""

from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_fakes import FakeStation, make_parcel

from station_app.config import StationConfig
from station_app.domain import ParcelScan
from station_app.imaging.render import Renderer


@pytest.fixture
def config(tmp_path: Path) -> StationConfig:
    return StationConfig(data_dir=tmp_path)


@pytest.fixture
def renderer(config: StationConfig) -> Renderer:
    return Renderer(config.materials)


@pytest.fixture
def station(config: StationConfig) -> FakeStation:
    return FakeStation(config)


@pytest.fixture
def parcel_factory() -> Callable[..., ParcelScan]:
    return make_parcel


@pytest.fixture
def styled_app(qapp: object) -> Iterator[object]:
    """The application configured like ``gui.app`` does (style + sheet)."""
    from station_app.gui.app import create_application
    from station_app.gui.style import STYLE_SHEET

    app = create_application()
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    yield app
