"""docs/operations.md lists every setting of StationConfig with its default: generated from
the code (station_app.config_reference), and checked here so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from station_app.config import StationConfig
from station_app.config_reference import (
    END_MARKER,
    START_MARKER,
    main,
    reference,
    replace_between_markers,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
REGENERATE = "python -m station_app.config_reference --write docs/operations.md"


def _documented_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(START_MARKER) + len(START_MARKER), text.index(END_MARKER)
    return text[start:end].lstrip("\n")


def _leaf_settings(model: type[BaseModel], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaf_settings(annotation, (*path, name))
        else:
            yield (*path, name)


def test_operations_guide_has_the_generated_reference() -> None:
    assert _documented_block() == reference(), f"the reference is out of date: {REGENERATE}"


def test_every_setting_is_documented_with_its_variable_and_default() -> None:
    block = _documented_block()
    settings = list(_leaf_settings(StationConfig))
    assert len(settings) > 100
    for path in settings:
        variable = "STATION_" + "__".join(path).upper()
        rows = [line for line in block.splitlines() if f"| `{variable}` |" in line]
        assert len(rows) == 1, f"{'.'.join(path)} ({variable}) is not in docs/operations.md"
        assert rows[0].startswith(f"| `{path[-1]}` |")
    assert "| `batch_size` | int (≥ 1, ≤ 500) | `100` | `STATION_SYNC__BATCH_SIZE` |" in block


def test_write_replaces_only_the_block(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(f"# Title\n\n{START_MARKER}\nstale table\n{END_MARKER}\n\nAfter.\n")
    assert main(["--write", str(document)]) == 0
    text = document.read_text()
    assert text.startswith(f"# Title\n\n{START_MARKER}\n### Top level\n")
    assert text.endswith(f"{END_MARKER}\n\nAfter.\n")
    assert "stale table" not in text


def test_a_document_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="config-reference"):
        replace_between_markers("# no markers here\n", reference())
