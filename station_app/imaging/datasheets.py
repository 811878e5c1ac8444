"""Reading a test-object datasheet: a bundled JSON resource by name, or a JSON file.

The step wedge (calibration) and the image-quality test piece are described
the same way; each caller names its resource folder and its own error type.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def read_datasheet(
    name_or_path: str | Path,
    *,
    folder: str,
    file_name: str,
    what: str,
    error: type[Exception],
) -> dict[str, Any]:
    """The JSON object of ``name_or_path``: a ``.json`` path, or the bundled
    ``resources/<folder>/<file_name>`` (``file_name`` may use ``{name}``).

    Raises ``error`` with a message naming ``what`` for a missing, unreadable,
    non-JSON or non-object datasheet.
    """
    path = Path(name_or_path)
    if path.suffix == ".json":
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise error(f"{what} {path}: {exc}") from exc
    else:
        res = resources.files("resources") / folder / file_name.format(name=name_or_path)
        if not res.is_file():
            raise error(f"no {what} named {name_or_path!r} (looked for {res})")
        text = res.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{what} {name_or_path}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise error(f"{what} {name_or_path}: expected a JSON object")
    return data
