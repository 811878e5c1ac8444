"""The HS code → detector class table: the packaged file, lookups, and bad tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from station_app.manifests.hs_classes import HsTableError, load_hs_table, parse_hs_table
from station_app.manifests.model import ContentLine

DETECTOR_CLASSES = {
    "handgun", "knife", "scissors", "ammunition", "lithium_battery", "laptop",
    "smartphone", "liquid_bottle", "cigarette_carton", "pill_bottle", "powder_packet",
}  # fmt: skip


def test_packaged_table() -> None:
    table = load_hs_table()
    assert set(table.classes) == DETECTOR_CLASSES
    assert {c for c in table.classes if table.is_restricted(c)} == {
        "handgun",
        "knife",
        "ammunition",
    }
    assert {c for c in table.classes if table.contains_battery(c)} == {
        "lithium_battery", "laptop", "smartphone",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("hs_code", "classes"),
    [
        ("851713", {"smartphone"}),
        ("8517130000", {"smartphone"}),
        ("851762", None),  # routers: not a detector class, no rule
        ("847130", {"laptop"}),
        ("850760", {"lithium_battery"}),
        ("850710", set()),  # lead-acid: 8507 maps to nothing detectable
        ("930200", {"handgun"}),
        ("930390", {"handgun"}),
        ("930630", {"ammunition"}),
        ("821191", {"knife"}),
        ("821300", {"scissors"}),
        ("240220", {"cigarette_carton"}),
        ("300490", {"pill_bottle"}),
        ("220830", {"liquid_bottle"}),
        ("220210", {"liquid_bottle"}),
        ("170199", {"powder_packet"}),
        ("210610", {"powder_packet"}),
        ("610910", None),  # T-shirts
    ],
)
def test_hs_lookup(hs_code: str, classes: set[str] | None) -> None:
    found = load_hs_table().classes_for_hs(hs_code)
    assert (None if found is None else set(found)) == classes


def _line(description: str, hs_code: str | None = None) -> ContentLine:
    return ContentLine(description, 1, 100.0, Decimal("10"), "USD", hs_code)


def test_keywords_only_without_hs_code() -> None:
    table = load_hs_table()
    assert table.classes_for_line(_line("Old iPhone for my sister")) == {"smartphone"}
    assert table.classes_for_line(_line("Vitamin tablets")) == {"pill_bottle"}
    assert table.classes_for_line(_line("Android tablet")) == {"laptop"}
    assert table.classes_for_line(_line("Cotton socks")) == set()
    # With an HS code the description is not trusted.
    assert table.classes_for_line(_line("Phone case for iPhone", "392690")) == set()


GOOD = """
version = 1
[classes.knife]
restricted = true
contains_battery = false
[[hs]]
prefix = "8211"
classes = ["knife"]
"""


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("version = 1\n[classes", "not valid TOML"),
        (GOOD.replace("version = 1", "version = 2"), "version must be 1"),
        (
            GOOD.replace('classes = ["knife"]', 'classes = ["sword"]'),
            "class 'sword' is not defined",
        ),
        (
            GOOD.replace('prefix = "8211"', "prefix = 8211"),
            "[[hs]] #1: prefix must be a quoted string",
        ),
        (
            GOOD.replace('prefix = "8211"', 'prefix = "82.11"'),
            "prefix '82.11' must be 2 to 10 digits",
        ),
        (
            GOOD.replace("restricted = true", 'restricted = "yes"'),
            "[classes.knife]: restricted must be true/false",
        ),
        (GOOD.replace("contains_battery = false\n", ""), "contains_battery must be true/false"),
        (GOOD + '[[hs]]\nprefix = "8211"\nclasses = []\n', "prefix 8211: duplicate of rule #1"),
        (GOOD + '[[hs]]\nprefix = "8213"\nclases = []\n', "unknown key(s) clases"),
        (GOOD + "[[keywords]]\nwords = []\nclasses = []\n", "words must be a non-empty list"),
        (GOOD.replace("[classes.knife]", "[classes.Knife]"), "lower_snake_case"),
        ("version = 1\n", "[classes] table is required"),
        (GOOD + "extra = 1\n", "unknown key(s) extra"),
    ],
)
def test_bad_tables_name_the_entry(text: str, words: str) -> None:
    with pytest.raises(HsTableError) as info:
        parse_hs_table(text, "my.toml")
    assert "my.toml" in str(info.value)
    assert words in str(info.value)


def test_custom_table_file(tmp_path: Path) -> None:
    path = tmp_path / "table.toml"
    path.write_text(GOOD, encoding="utf-8")
    table = load_hs_table(path)
    assert table.classes_for_hs("821191") == frozenset({"knife"})
    with pytest.raises(HsTableError, match="cannot read HS class table"):
        load_hs_table(tmp_path / "missing.toml")
