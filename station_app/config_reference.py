"""The configuration reference of docs/operations.md, generated from ``StationConfig``.

    python -m station_app.config_reference                 print the reference (Markdown)
    python -m station_app.config_reference --write FILE    replace it between the markers

Every setting is listed with its TOML key, type, default, environment variable and
the comment beside it in config.py, so the document cannot drift from the code:
tests/packaging/test_config_reference.py fails when they differ.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import to_jsonable_python

from station_app.config import StationConfig

START_MARKER = "<!-- config-reference:start (python -m station_app.config_reference) -->"
END_MARKER = "<!-- config-reference:end -->"
ENV_PREFIX = "STATION_"
ENV_NESTED = "__"
# Defaults computed on the machine that runs the station, described instead of shown.
MACHINE_DEFAULTS = {
    "data_dir": "user data dir (Linux: `~/.local/share/station-app`)",
}
_FIELD_COMMENT = re.compile(r"^\s+(\w+)\s*:[^#]*#\s*(.+)$")
_FIELD_NAME = re.compile(r"^\s+(\w+)\s*:")
_LONGEST_SHOWN_DEFAULT = 200  # characters; longer defaults are summarised
_CONSTRAINTS: tuple[tuple[type[Any], str, str], ...] = (
    (annotated_types.Ge, "ge", "≥"),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "≤"),
    (annotated_types.Lt, "lt", "<"),
)


def _field_comments(model: type[BaseModel]) -> dict[str, str]:
    """The comment of each field in the class source: beside it, else the lines above it."""
    try:
        source = inspect.getsource(model)
    except (OSError, TypeError):  # no source (a frozen bundle): no descriptions
        return {}
    comments: dict[str, str] = {}
    above: list[str] = []  # a comment block speaks for the fields under it, up to a blank line
    after_comment = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            above = [*(above if after_comment else []), stripped.lstrip("#").strip()]
            after_comment = True
            continue
        after_comment = False
        beside = _FIELD_COMMENT.match(line)
        field = _FIELD_NAME.match(line)
        if beside:
            comments[beside.group(1)] = beside.group(2).strip()
        elif field and above:
            comments[field.group(1)] = " ".join(above)
        elif not stripped:
            above = []
    return comments


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin is not None:
        inner = ", ".join(_type_name(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _constraints(field: FieldInfo) -> str:
    parts = []
    for item in field.metadata:
        for kind, attribute, sign in _CONSTRAINTS:
            if isinstance(item, kind):
                parts.append(f"{sign} {getattr(item, attribute)}")
    return f" ({', '.join(parts)})" if parts else ""


def _default(name: str, field: FieldInfo) -> Any:
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return field.default


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Path):
        return f"`{value}`"
    text = json.dumps(to_jsonable_python(value), ensure_ascii=False)
    if len(text) > _LONGEST_SHOWN_DEFAULT and isinstance(value, list | dict):
        return f"{len(value)} entries (see `station_app/config.py`)"
    return f"`{text}`".replace("|", "\\|")


def _is_section(field: FieldInfo) -> bool:
    annotation = field.annotation
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _rows(model: type[BaseModel], path: tuple[str, ...]) -> Iterator[str]:
    comments = _field_comments(model)
    for name, field in model.model_fields.items():
        if _is_section(field):
            continue
        key = ".".join((*path, name))
        default = MACHINE_DEFAULTS.get(key) or _shown(_default(name, field))
        env = ENV_PREFIX + ENV_NESTED.join((*path, name)).upper()
        meaning = comments.get(name, "").replace("|", "\\|")
        yield (f"| `{name}` | {_type_name(field.annotation)}{_constraints(field)} | {default} "
               f"| `{env}` | {meaning} |")


def _table(model: type[BaseModel], path: tuple[str, ...]) -> list[str]:
    return [
        "| key | type | default | environment variable | meaning |",
        "|---|---|---|---|---|",
        *_rows(model, path),
    ]


def reference() -> str:
    """The whole reference as Markdown (no markers)."""
    lines = ["### Top level", "", *_table(StationConfig, ())]
    for name, field in StationConfig.model_fields.items():
        if not _is_section(field):
            continue
        section = field.annotation
        assert isinstance(section, type) and issubclass(section, BaseModel)
        own_doc = inspect.cleandoc(section.__dict__.get("__doc__") or "")  # not BaseModel's
        summary = own_doc.split("\n\n")[0].replace("\n", " ")
        lines += ["", f"### `[{name}]`", ""]
        if summary:
            lines += [summary, ""]
        lines += _table(section, (name,))
    return "\n".join(lines) + "\n"


def replace_between_markers(document: str, generated: str) -> str:
    """``document`` with the text between the reference markers replaced by ``generated``."""
    start = document.find(START_MARKER)
    end = document.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {START_MARKER} … {END_MARKER} block")
    return document[: start + len(START_MARKER)] + "\n" + generated + document[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m station_app.config_reference")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="replace the reference between the markers in FILE")
    args = parser.parse_args(argv)
    generated = reference()
    if args.write is None:
        sys.stdout.write(generated)
        return 0
    document = args.write.read_text(encoding="utf-8")
    args.write.write_text(replace_between_markers(document, generated), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
