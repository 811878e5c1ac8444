"""HS tariff codes → detector classes, from an editable TOML table.

The packaged table is ``resources/manifests/hs_detector_classes.toml`` (its
header documents the format). A station may point ``MatchingConfig.hs_table_path``
at its own copy; a bad table stops loading with ``HsTableError`` naming the file
and the entry at fault, because a silently half-read table would hide items.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from station_app.errors import StationError
from station_app.manifests.model import ContentLine

TABLE_VERSION = 1
_PREFIX = re.compile(r"[0-9]{2,10}")
_CLASS_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class HsTableError(StationError):
    """The HS → class table cannot be used; the message names file and entry."""


@dataclass(frozen=True)
class ClassInfo:
    name: str
    restricted: bool  # needs a licence: undeclared → red
    contains_battery: bool  # explains a lithium-battery alarm/detection
    description: str = ""


@dataclass(frozen=True)
class HsRule:
    prefix: str  # 2–10 digits
    classes: frozenset[str]
    note: str = ""


@dataclass(frozen=True)
class KeywordRule:
    words: tuple[str, ...]  # lower case, matched as whole words
    classes: frozenset[str]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class HsClassTable:
    classes: Mapping[str, ClassInfo]
    hs_rules: tuple[HsRule, ...]  # longest prefix first
    keyword_rules: tuple[KeywordRule, ...]
    source: str  # file the table came from, for messages

    def classes_for_hs(self, hs_code: str) -> frozenset[str] | None:
        """Classes of the longest matching prefix; None when no rule matches."""
        for rule in self.hs_rules:
            if hs_code.startswith(rule.prefix):
                return rule.classes
        return None

    def classes_for_description(self, description: str) -> frozenset[str]:
        text = description.lower()
        found: set[str] = set()
        for rule in self.keyword_rules:
            if rule.pattern.search(text):
                found |= rule.classes
        return frozenset(found)

    def classes_for_line(self, line: ContentLine) -> frozenset[str]:
        """Detector classes a declared line may show up as.

        By HS code when the line has one (description keywords are not trusted
        then: "phone case" under 3926 must not cover a phone), else by keywords.
        """
        if line.hs_code is not None:
            return self.classes_for_hs(line.hs_code) or frozenset()
        return self.classes_for_description(line.description)

    def is_restricted(self, class_name: str) -> bool:
        info = self.classes.get(class_name)
        return info is not None and info.restricted

    def contains_battery(self, class_name: str) -> bool:
        info = self.classes.get(class_name)
        return info is not None and info.contains_battery


def default_table_text() -> tuple[str, str]:
    """(text, source name) of the packaged table."""
    res = resources.files("resources") / "manifests" / "hs_detector_classes.toml"
    return res.read_text(encoding="utf-8"), "resources/manifests/hs_detector_classes.toml"


def load_hs_table(path: Path | None = None) -> HsClassTable:
    """Load a table file (the packaged one when ``path`` is None)."""
    if path is None:
        text, source = default_table_text()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HsTableError(f"cannot read HS class table {path}: {exc}") from exc
        source = str(path)
    return parse_hs_table(text, source)


def _expect(value: Any, kind: type | tuple[type, ...], where: str, what: str) -> Any:
    # bool is an int subclass; TOML keeps them apart, so must we.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise HsTableError(f"{where}: {what}, got {type(value).__name__} {value!r}")
    return value


def _class_list(value: Any, known: Mapping[str, ClassInfo], where: str) -> frozenset[str]:
    items = _expect(value, list, where, "classes must be a list of class names")
    for name in items:
        _expect(name, str, where, "class names must be text")
        if name not in known:
            raise HsTableError(
                f"{where}: class {name!r} is not defined in [classes] "
                f"(known: {', '.join(sorted(known))})"
            )
    return frozenset(items)


def parse_hs_table(text: str, source: str = "<text>") -> HsClassTable:
    """Parse and check a table; ``HsTableError`` names ``source`` and the entry at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HsTableError(f"HS class table {source} is not valid TOML: {exc}") from exc
    where = f"HS class table {source}"
    unknown_top = set(data) - {"version", "classes", "hs", "keywords"}
    if unknown_top:
        raise HsTableError(f"{where}: unknown key(s) {', '.join(sorted(unknown_top))}")
    if data.get("version") != TABLE_VERSION:
        raise HsTableError(f"{where}: version must be {TABLE_VERSION}, got {data.get('version')!r}")

    classes: dict[str, ClassInfo] = {}
    raw_classes = _expect(data.get("classes"), dict, where, "[classes] table is required")
    for name, entry in raw_classes.items():
        at = f"{where} [classes.{name}]"
        if not _CLASS_NAME.fullmatch(name):
            raise HsTableError(f"{at}: class names are lower_snake_case")
        _expect(entry, dict, at, "must be a table")
        extra = set(entry) - {"restricted", "contains_battery", "description"}
        if extra:
            raise HsTableError(f"{at}: unknown key(s) {', '.join(sorted(extra))}")
        classes[name] = ClassInfo(
            name=name,
            restricted=_expect(entry.get("restricted"), bool, at, "restricted must be true/false"),
            contains_battery=_expect(
                entry.get("contains_battery"), bool, at, "contains_battery must be true/false"
            ),
            description=_expect(entry.get("description", ""), str, at, "description is text"),
        )

    rules: list[HsRule] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(_expect(data.get("hs", []), list, where, "[[hs]] must be a list")):
        at = f"{where} [[hs]] #{i + 1}"
        _expect(entry, dict, at, "must be a table")
        extra = set(entry) - {"prefix", "classes", "note"}
        if extra:
            raise HsTableError(f"{at}: unknown key(s) {', '.join(sorted(extra))}")
        prefix = _expect(entry.get("prefix"), str, at, "prefix must be a quoted string of digits")
        if not _PREFIX.fullmatch(prefix):
            raise HsTableError(f"{at}: prefix {prefix!r} must be 2 to 10 digits")
        at = f"{where} [[hs]] prefix {prefix}"
        if prefix in seen:
            raise HsTableError(f"{at}: duplicate of rule #{seen[prefix] + 1}")
        seen[prefix] = i
        rules.append(
            HsRule(
                prefix=prefix,
                classes=_class_list(entry.get("classes"), classes, at),
                note=_expect(entry.get("note", ""), str, at, "note is text"),
            )
        )
    rules.sort(key=lambda r: len(r.prefix), reverse=True)

    keyword_rules: list[KeywordRule] = []
    raw_kw = _expect(data.get("keywords", []), list, where, "[[keywords]] must be a list")
    for i, entry in enumerate(raw_kw):
        at = f"{where} [[keywords]] #{i + 1}"
        _expect(entry, dict, at, "must be a table")
        extra = set(entry) - {"words", "classes"}
        if extra:
            raise HsTableError(f"{at}: unknown key(s) {', '.join(sorted(extra))}")
        words = _expect(entry.get("words"), list, at, "words must be a list of text")
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise HsTableError(f"{at}: words must be a non-empty list of non-empty text")
        lowered = tuple(w.strip().lower() for w in words)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in lowered) + r")\b")
        keyword_rules.append(
            KeywordRule(lowered, _class_list(entry.get("classes"), classes, at), pattern)
        )
    return HsClassTable(classes, tuple(rules), tuple(keyword_rules), source)
