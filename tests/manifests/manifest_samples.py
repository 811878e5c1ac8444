"""Paths of the example manifests under ``data/`` (a module of its own: ``conftest``
is a name every test directory uses, so it cannot be imported by name)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
POSTAL_EXAMPLE = DATA / "postal_cn23_example.json"
EXPRESS_EXAMPLE = DATA / "express_example.json"
