"""Fixtures of the manifest tests."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from manifest_samples import POSTAL_EXAMPLE


@pytest.fixture
def postal_json() -> dict[str, Any]:
    """A fresh copy of the postal example, to modify."""
    return copy.deepcopy(json.loads(POSTAL_EXAMPLE.read_text(encoding="utf-8")))
