"""Manifest JSON at the edge: good files, every kind of bad input, schema sync, fuzzing."""

from __future__ import annotations

import contextlib
import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_samples import EXPRESS_EXAMPLE, POSTAL_EXAMPLE

from station_app.manifests.model import (
    Category,
    ContentLine,
    Manifest,
    ManifestError,
    ManifestKind,
    Party,
)
from station_app.manifests.parse import (
    MAX_MANIFEST_BYTES,
    load_manifest,
    manifest_to_json,
    parse_manifest,
    parse_manifest_obj,
    schema_text,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "docs" / "manifest.schema.json"


def test_postal_example() -> None:
    m = load_manifest(POSTAL_EXAMPLE)
    assert m.kind is ManifestKind.POSTAL
    assert m.tracking_id == "EE123456785CN"  # spaces from the label reader removed
    assert m.s10 is not None and m.s10.country == "CN"
    assert m.category is Category.SALE_OF_GOODS
    assert m.sender.country == "CN" and m.addressee.phone == "+82 10-1234-5678"
    assert [line.hs_code for line in m.lines] == ["85171300", "850760", "392690"]
    assert m.lines[2].hs_heading == "3926"
    assert m.currency == "USD"
    assert m.declared_value_total == Decimal("209.50")
    assert m.declared_net_weight_total_g == pytest.approx(510.0)
    assert m.gross_weight_g == 742
    assert m.express is None


def test_express_example() -> None:
    m = load_manifest(EXPRESS_EXAMPLE)
    assert m.kind is ManifestKind.EXPRESS
    assert m.tracking_id == "771920453381"
    assert m.s10 is None
    assert m.express is not None
    assert m.express.house_waybill == "771920453381"
    assert m.express.seller is not None and m.express.seller.seller_id == "BH-20931"
    assert m.express.platform == "AliExpress"
    assert m.declared_value_total == Decimal("32.70")  # decimal strings stay exact


@pytest.mark.parametrize("example", [POSTAL_EXAMPLE, EXPRESS_EXAMPLE])
def test_json_round_trip(example: Path) -> None:
    m = load_manifest(example)
    again = parse_manifest_obj(json.loads(json.dumps(manifest_to_json(m))))
    assert again == m


def _error(obj: Any) -> str:
    with pytest.raises(ManifestError) as info:
        parse_manifest_obj(obj)
    message = str(info.value)
    assert "\n" not in message
    return message


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("lines", 0, "quantity"),
            -2,
            "$.lines[0].quantity: Input should be greater than or equal to 1",
        ),
        (("lines", 0, "quantity"), 0, "$.lines[0].quantity"),
        (("lines", 1, "quantity"), "2", "$.lines[1].quantity: Input should be a valid integer"),
        (("lines", 1, "quantity"), 1.5, "$.lines[1].quantity"),
        (("lines", 1, "quantity"), True, "$.lines[1].quantity"),
        (
            ("lines", 1, "hs_code"),
            "85A7.60",
            "$.lines[1].hs_code: HS code '85A7.60' must contain only digits",
        ),
        (("lines", 1, "hs_code"), "8507", "$.lines[1].hs_code"),
        (
            ("lines", 1, "hs_code"),
            "85076012345",
            "$.lines[1].hs_code: HS code '85076012345' has 11 digits",
        ),
        (("lines", 1, "hs_code"), 850760, "$.lines[1].hs_code: Input should be a valid string"),
        (("lines", 1, "hs_code"), "000000", "chapter 00"),
        (("lines", 2, "net_weight_g"), -1, "$.lines[2].net_weight_g"),
        (("lines", 2, "value"), -0.01, "$.lines[2].value"),
        (("lines", 2, "value"), "NaN", "$.lines[2].value"),
        (("lines", 2, "value"), "lots", "$.lines[2].value"),
        (("lines", 2, "currency"), "usd", "$.lines[2].currency: String should match pattern"),
        (("lines", 2, "currency"), "ABC", "$.lines[2].currency: currency 'ABC' is not an ISO 4217"),
        (
            ("lines", 2, "currency"),
            "EUR",
            "$.lines[2].currency: 'EUR' differs from $.lines[0].currency",
        ),
        (("lines", 0, "origin_country"), "XX", "$.lines[0].origin_country: country 'XX'"),
        (("lines", 0, "description"), "", "$.lines[0].description"),
        (("lines", 0, "hs_cod"), "850760", "$.lines[0].hs_cod: Extra inputs are not permitted"),
        (("lines", 0, "currency"), _DELETE, "$.lines[0].currency: Field required"),
        (("lines",), [], "$.lines: List should have at least 1 item"),
        (("lines",), {"a": 1}, "$.lines: Input should be a valid array"),
        (
            ("tracking_id",),
            "EE123456784CN",
            "$.tracking_id: S10 id 'EE123456784CN': check digit is 4, expected 5",
        ),
        (
            ("tracking_id",),
            "EE12345678CN",
            "$.tracking_id: S10 id 'EE12345678CN' has 12 characters",
        ),
        (("tracking_id",), 123456785, "$.tracking_id: Input should be a valid string"),
        (("kind",), "letter", "$.kind: Input should be 'postal' or 'express'"),
        (("category",), "present", "$.category"),
        (("version",), 2, "$.version: Input should be 1"),
        (("sender", "country"), "China", "$.sender.country"),
        (("sender", "phone"), "call me", "$.sender.phone: phone 'call me'"),
        (("addressee",), "Seoul", "$.addressee: Input should be an object"),
        (("addressee", "name"), _DELETE, "$.addressee.name: Field required"),
        (("gross_weight_g",), "742 g", "$.gross_weight_g"),
        (
            ("express",),
            {"house_waybill": "12345"},
            "$.express: only allowed when kind is 'express'",
        ),
    ],
)
def test_bad_fields_name_the_json_path(
    postal_json: dict[str, Any], path: tuple[str | int, ...], value: Any, expected: str
) -> None:
    message = _error(_set(postal_json, path, value))
    assert expected in message


def test_express_kind_needs_express_details(postal_json: dict[str, Any]) -> None:
    postal_json["kind"] = "express"
    postal_json["tracking_id"] = "771920453381"
    assert "$.express: required when kind is 'express'" in _error(postal_json)


def test_several_errors_are_summarised(postal_json: dict[str, Any]) -> None:
    for line in postal_json["lines"]:
        line["quantity"] = -1
    postal_json["sender"]["country"] = "cn"
    postal_json["category"] = "x"
    message = _error(postal_json)
    assert message.startswith("invalid manifest: $.")
    assert "(+2 more)" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{", "manifest is not valid JSON"),
        (b"", "manifest is not valid JSON"),
        (b"\xff\xfe{}", "manifest is not valid JSON"),
        (b"[1, 2]", "$: Input should be an object"),
        (b"null", "$: Input should be an object"),
        (b'{"version": 1, "lines": [1e999]}', "invalid manifest"),
        (b"[" * 100_000 + b"]" * 100_000, "manifest is not valid JSON"),
    ],
)
def test_malformed_json(data: bytes, expected: str) -> None:
    with pytest.raises(ManifestError) as info:
        parse_manifest(data)
    assert expected in str(info.value)


def test_huge_input_is_refused_before_parsing(tmp_path: Path) -> None:
    big = b" " * (MAX_MANIFEST_BYTES + 1)
    with pytest.raises(ManifestError, match="larger than the 1048576 byte limit"):
        parse_manifest(big)
    path = tmp_path / "huge.json"
    with path.open("wb") as f:  # sparse: 1 GiB on paper, nothing on disk
        f.seek(1 << 30)
        f.write(b"}")
    with pytest.raises(ManifestError, match=r"huge\.json: manifest is 1048577 bytes"):
        load_manifest(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read manifest"):
        load_manifest(tmp_path / "nope.json")


def test_not_json_data() -> None:
    with pytest.raises(ManifestError, match="not JSON data"):
        parse_manifest_obj({"value": object()})
    with pytest.raises(ManifestError, match="not JSON data"):
        parse_manifest_obj({"value": float("nan")})


def test_dataclasses_check_themselves() -> None:
    party = Party("A", "B", "KR")
    line = ContentLine("phone", 1, 200.0, Decimal("10"), "USD", "851713", "CN")
    with pytest.raises(ManifestError, match="quantity"):
        ContentLine("phone", 0, 200.0, Decimal("10"), "USD")
    with pytest.raises(ManifestError, match="normalise first"):
        ContentLine("phone", 1, 200.0, Decimal("10"), "USD", "8517.13")
    with pytest.raises(ManifestError, match="canonical"):
        Manifest(ManifestKind.POSTAL, "ee123456785cn", Category.GIFT, party, party, (line,))
    with pytest.raises(ManifestError, match="at least one content line"):
        Manifest(ManifestKind.POSTAL, "EE123456785CN", Category.GIFT, party, party, ())
    with pytest.raises(ManifestError, match="express details"):
        Manifest(ManifestKind.EXPRESS, "771920453381", Category.GIFT, party, party, (line,))


# ---------------------------------------------------------------- schema


def test_schema_file_is_in_sync() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "docs/manifest.schema.json is stale: regenerate with "
        "`python -m station_app.manifests.parse > docs/manifest.schema.json`"
    )


@pytest.mark.parametrize("example", [POSTAL_EXAMPLE, EXPRESS_EXAMPLE])
def test_examples_follow_the_schema(example: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(example.read_text(encoding="utf-8")), schema)


# ---------------------------------------------------------------- fuzzing

_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "EE123456785CN", "USD", "KR", "851713", "postal", "gift", "1.5"])
)
_json = st.recursive(
    _json_leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_json)
def test_fuzz_random_json_only_raises_manifest_error(obj: Any) -> None:
    with contextlib.suppress(ManifestError):
        parse_manifest_obj(obj)


def _paths(doc: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


_EXAMPLE = json.loads(POSTAL_EXAMPLE.read_text(encoding="utf-8"))
_EXAMPLE_PATHS = _paths(_EXAMPLE)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_EXAMPLE_PATHS), _json)
def test_fuzz_mutated_example_only_raises_manifest_error(
    path: tuple[str | int, ...], value: Any
) -> None:
    # Random values in real places reach far deeper than random documents do.
    doc = _set(copy.deepcopy(_EXAMPLE), path, value)
    try:
        parse_manifest_obj(doc)
    except ManifestError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(data: bytes) -> None:
    with contextlib.suppress(ManifestError):
        parse_manifest(data)
