"""Fixtures of the DICOS tests; the sample builders live in dicos_samples.py."""

from __future__ import annotations

import pytest
from dicos_samples import make_parcel, make_raw

from station_app.domain import ParcelScan


@pytest.fixture
def parcel() -> ParcelScan:
    return make_parcel(make_raw())
