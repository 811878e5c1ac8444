"""Fixtures of the detection tests: the shipped detector model and private copies of it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from station_app.detection.detector import shipped_model_dir

CardEdit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def shipped_model() -> Path:
    """``models/xcnet`` as installed: model.onnx and model.json."""
    path = shipped_model_dir()
    assert (path / "model.onnx").is_file() and (path / "model.json").is_file()
    return path


@pytest.fixture
def model_copy(shipped_model: Path, tmp_path: Path) -> Path:
    """A private copy of the shipped model directory, free to damage."""
    target = tmp_path / "model"
    shutil.copytree(shipped_model, target)
    return target


@pytest.fixture
def edit_card(model_copy: Path) -> Callable[[CardEdit], Path]:
    """Rewrites the copy's model.json through ``edit(card_dict)``; returns the model dir."""

    def edit(change: CardEdit) -> Path:
        path = model_copy / "model.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return model_copy

    return edit
