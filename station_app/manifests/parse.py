"""Manifests from JSON, checked at the edge.

JSON arrives from central (pulled ahead of the parcel) or from a file. It is
validated by the strict pydantic models below (no silent coercion: ``"2"`` is
not a quantity, ``851713`` is not an HS code because a number loses leading
zeros), cross-checked, and turned into the frozen dataclasses of ``model.py``.
Every failure is a ``ManifestError`` whose one-line message names the JSON
path, e.g. ``$.lines[1].hs_code: HS code '85A7' must contain only digits``.

``docs/manifest.schema.json`` is generated from ``ManifestIn`` (``python -m
station_app.manifests.parse > docs/manifest.schema.json``); a test keeps them in sync.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from station_app.manifests.model import (
    Category,
    ContentLine,
    ExpressDetails,
    Manifest,
    ManifestError,
    ManifestKind,
    Party,
    Seller,
    check_country,
    check_currency,
    check_phone,
    normalise_hs_code,
    normalise_tracking_id,
)

FORMAT_VERSION = 1
# Far above any real manifest (999 lines of ~300 bytes), far below what hurts:
# a runaway or hostile payload is refused before it is parsed.
MAX_MANIFEST_BYTES = 1 << 20
MAX_LINES = 999  # ITMATT / CN23 content pieces per item
_ERRORS_SHOWN = 3

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

Text = Annotated[str, Field(min_length=1, max_length=200)]
Country = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code"),
    AfterValidator(check_country),
]
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code"),
    AfterValidator(check_currency),
]
HsCode = Annotated[
    str,
    Field(
        min_length=6,
        max_length=16,
        description="HS tariff code, 6 to 10 digits as text; dots and spaces are ignored",
        examples=["851713", "8517.13.00"],
    ),
    AfterValidator(normalise_hs_code),
]
Phone = Annotated[str, Field(max_length=32), AfterValidator(check_phone)]
WeightG = Annotated[float, Field(ge=0, lt=1e9, description="grams")]


class PartyIn(BaseModel):
    """Sender or addressee."""

    model_config = _STRICT
    name: Text
    address: Annotated[str, Field(min_length=1, max_length=500)]
    country: Country
    phone: Phone | None = None


class ContentLineIn(BaseModel):
    """One CN22/CN23 content line; weight and value are for the whole line."""

    model_config = _STRICT
    description: Annotated[str, Field(min_length=1, max_length=300)]
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    net_weight_g: WeightG
    value: Annotated[
        Decimal,
        Field(ge=0, max_digits=15, decimal_places=4, description="amount in `currency`"),
    ]
    currency: Currency
    hs_code: HsCode | None = None
    origin_country: Country | None = None


class SellerIn(BaseModel):
    model_config = _STRICT
    name: Text
    country: Country
    seller_id: Text | None = None


class ExpressIn(BaseModel):
    """Express/courier additions."""

    model_config = _STRICT
    house_waybill: Annotated[str, Field(min_length=5, max_length=40)]
    master_waybill: Annotated[str, Field(min_length=5, max_length=40)] | None = None
    seller: SellerIn | None = None
    platform: Text | None = None
    order_reference: Text | None = None
    payment_reference: Text | None = None


class ManifestIn(BaseModel):
    """A parcel manifest as exchanged with central (format version 1)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="Station parcel manifest",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )
    version: Literal[1]
    kind: ManifestKind
    tracking_id: Annotated[
        str,
        Field(
            min_length=5,
            max_length=64,
            description="UPU S10 id for postal items (spaces and case forgiven), "
            "house waybill number for express items",
        ),
    ]
    category: Category
    category_explanation: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    sender: PartyIn
    addressee: PartyIn
    gross_weight_g: WeightG | None = None
    lines: Annotated[list[ContentLineIn], Field(min_length=1, max_length=MAX_LINES)]
    express: ExpressIn | None = None


# ---------------------------------------------------------------- errors


def _path(loc: tuple[int | str, ...]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _describe(exc: ValidationError) -> str:
    parts = []
    errors = exc.errors(include_url=False)
    for err in errors[:_ERRORS_SHOWN]:
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] in ("json_invalid", "json_type"):
            return f"manifest is not valid JSON: {err.get('ctx', {}).get('error', msg)}"
        where = _path(tuple(err["loc"]))
        shown = ""
        if err["type"] not in ("missing", "value_error") and "input" in err:
            text = repr(err["input"])
            shown = f" (got {text if len(text) <= 40 else text[:40] + '…'})"
        parts.append(f"{where}: {msg}{shown}")
    more = len(errors) - _ERRORS_SHOWN
    suffix = f" (+{more} more)" if more > 0 else ""
    return "invalid manifest: " + "; ".join(parts) + suffix


# ---------------------------------------------------------------- entry points


def parse_manifest(data: bytes | str) -> Manifest:
    """Parse one manifest from JSON text; ``ManifestError`` names what is wrong."""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError(
            f"manifest is {size} bytes, larger than the {MAX_MANIFEST_BYTES} byte limit"
        )
    try:
        model = ManifestIn.model_validate_json(data)
    except ValidationError as exc:
        raise ManifestError(_describe(exc)) from None
    except (ValueError, RecursionError) as exc:  # e.g. undecodable bytes in odd corners
        raise ManifestError(f"manifest is not valid JSON: {exc}") from None
    return _to_domain(model)


def parse_manifest_obj(obj: Any) -> Manifest:
    """Parse already-decoded JSON (e.g. ``response.json()``) with the same rules."""
    try:
        text = json.dumps(obj, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ManifestError(f"manifest is not JSON data: {exc}") from None
    return parse_manifest(text)


def load_manifest(path: Path) -> Manifest:
    """Read and parse a manifest file, refusing oversized files before reading them."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_MANIFEST_BYTES + 1)  # never read a huge file whole
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror or exc}") from exc
    try:
        return parse_manifest(data)
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc}") from None


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _at(path: str, check: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Run a domain check, prefixing its error with the JSON path."""
    try:
        return check(*args, **kwargs)
    except ManifestError as exc:
        raise ManifestError(f"invalid manifest: {path}: {exc}") from None


def _party(p: PartyIn) -> Party:
    return Party(name=p.name, address=p.address, country=p.country, phone=p.phone)


def _to_domain(m: ManifestIn) -> Manifest:
    tracking_id = _at("$.tracking_id", normalise_tracking_id, m.kind, m.tracking_id)
    first_currency = m.lines[0].currency
    for i, line in enumerate(m.lines):
        if line.currency != first_currency:
            raise ManifestError(
                f"invalid manifest: $.lines[{i}].currency: {line.currency!r} differs from "
                f"$.lines[0].currency {first_currency!r}; one manifest uses one currency"
            )
    if m.kind is ManifestKind.EXPRESS and m.express is None:
        raise ManifestError("invalid manifest: $.express: required when kind is 'express'")
    if m.kind is ManifestKind.POSTAL and m.express is not None:
        raise ManifestError("invalid manifest: $.express: only allowed when kind is 'express'")
    express = None
    if m.express is not None:
        e = m.express
        express = ExpressDetails(
            house_waybill=_at(
                "$.express.house_waybill", normalise_tracking_id, m.kind, e.house_waybill
            ),
            master_waybill=e.master_waybill,
            seller=None
            if e.seller is None
            else Seller(e.seller.name, e.seller.country, e.seller.seller_id),
            platform=e.platform,
            order_reference=e.order_reference,
            payment_reference=e.payment_reference,
        )
    lines = tuple(
        _at(
            f"$.lines[{i}]",
            ContentLine,
            line.description,
            line.quantity,
            line.net_weight_g,
            line.value,
            line.currency,
            line.hs_code,
            line.origin_country,
        )
        for i, line in enumerate(m.lines)
    )
    return _at(
        "$",
        Manifest,
        m.kind,
        tracking_id,
        m.category,
        _at("$.sender", _party, m.sender),
        _at("$.addressee", _party, m.addressee),
        lines,
        m.category_explanation,
        m.gross_weight_g,
        express,
    )


# ---------------------------------------------------------------- back to JSON


def _party_json(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "address": p.address, "country": p.country}
    if p.phone is not None:
        out["phone"] = p.phone
    return out


def manifest_to_json(m: Manifest) -> dict[str, Any]:
    """The JSON form ``parse_manifest_obj`` reads back to an equal ``Manifest``.

    Values are written as strings so Decimal amounts survive exactly.
    """
    out: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "kind": m.kind.value,
        "tracking_id": m.tracking_id,
        "category": m.category.value,
        "sender": _party_json(m.sender),
        "addressee": _party_json(m.addressee),
        "lines": [
            {
                k: v
                for k, v in {
                    "description": line.description,
                    "quantity": line.quantity,
                    "net_weight_g": line.net_weight_g,
                    "value": str(line.value),
                    "currency": line.currency,
                    "hs_code": line.hs_code,
                    "origin_country": line.origin_country,
                }.items()
                if v is not None
            }
            for line in m.lines
        ],
    }
    if m.category_explanation is not None:
        out["category_explanation"] = m.category_explanation
    if m.gross_weight_g is not None:
        out["gross_weight_g"] = m.gross_weight_g
    if m.express is not None:
        e = m.express
        express: dict[str, Any] = {"house_waybill": e.house_waybill}
        for key in ("master_waybill", "platform", "order_reference", "payment_reference"):
            if (value := getattr(e, key)) is not None:
                express[key] = value
        if e.seller is not None:
            express["seller"] = {"name": e.seller.name, "country": e.seller.country}
            if e.seller.seller_id is not None:
                express["seller"]["seller_id"] = e.seller.seller_id
        out["express"] = express
    return out


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of the manifest format (what ``docs/manifest.schema.json`` holds)."""
    return ManifestIn.model_json_schema(mode="validation")


def schema_text() -> str:
    return json.dumps(manifest_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())
