"""The e-COO claim set as JSON: what the relay, the database and the CLI carry.

A verification-URL certificate has no signed CBOR: its claims come back from
the issuing authority through central as JSON, and stored verdicts keep the
claims the inspector saw. One JSON shape serves all of them::

    {"certificate_number": "KCS-2025-000123", "issuer": "KR:KCS",
     "issued_at": "2025-03-01T00:00:00+00:00", "expires_at": "2026-03-01T00:00:00+00:00",
     "fta": "KR-EU", "origin_country": "KR",
     "exporter": {"name": …, "country": "KR", "id": …|null},
     "importer": {"name": …, "country": "DE", "id": …|null},
     "items": [{"hs_code": "850760", "description": …, "quantity": 40,
                "unit": "pcs"|null, "origin_criterion": "PSR"}]}

``claims_from_json`` checks it with exactly the rules of the signed claims
(``claims.parse_coo_claims``) by going through the CWT map, so a relayed
certificate cannot carry what a signed one could not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from station_app.certificates.claims import (
    ECOO_CLAIM_KEY,
    ITEM_CRITERION,
    ITEM_DESCRIPTION,
    ITEM_HS,
    ITEM_QUANTITY,
    ITEM_UNIT,
    KEY_EXPORTER,
    KEY_FTA,
    KEY_IMPORTER,
    KEY_ITEMS,
    KEY_NUMBER,
    KEY_ORIGIN,
    KEY_VERSION,
    PARTY_COUNTRY,
    PARTY_ID,
    PARTY_NAME,
    SCHEMA_VERSION,
    ClaimsError,
    CooClaims,
    Party,
    parse_coo_claims,
)
from station_app.certificates.payload import CborKey, CwtClaims


def _party_json(party: Party) -> dict[str, Any]:
    return {"name": party.name, "country": party.country, "id": party.identifier}


def claims_to_json(claims: CooClaims) -> dict[str, Any]:
    """JSON-ready dict of ``claims`` (the inverse of ``claims_from_json``)."""
    return {
        "certificate_number": claims.certificate_number,
        "issuer": claims.issuer,
        "issued_at": claims.issued_at.isoformat(),
        "expires_at": claims.expires_at.isoformat(),
        "fta": claims.fta,
        "origin_country": claims.origin_country,
        "exporter": _party_json(claims.exporter),
        "importer": _party_json(claims.importer),
        "items": [
            {
                "hs_code": item.hs_code,
                "description": item.description,
                "quantity": item.quantity,
                "unit": item.unit,
                "origin_criterion": item.origin_criterion,
            }
            for item in claims.items
        ],
        "schema_version": claims.schema_version,
    }


def _time(data: Mapping[str, Any], key: str) -> datetime:
    value = data.get(key)
    if not isinstance(value, str):
        raise ClaimsError(f"{key} is missing or not an ISO 8601 text")
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ClaimsError(f"{key} {value[:40]!r} is not an ISO 8601 time") from exc
    if when.tzinfo is None:
        raise ClaimsError(f"{key} {value[:40]!r} has no time zone")
    return when.astimezone(UTC)


def _party_map(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value  # parse_coo_claims names the problem
    out = {PARTY_NAME: value.get("name"), PARTY_COUNTRY: value.get("country")}
    if value.get("id") is not None:
        out[PARTY_ID] = value.get("id")
    return out


def _item_map(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    out = {
        ITEM_HS: value.get("hs_code"),
        ITEM_DESCRIPTION: value.get("description"),
        ITEM_QUANTITY: value.get("quantity"),
        ITEM_CRITERION: value.get("origin_criterion"),
    }
    if value.get("unit") is not None:
        out[ITEM_UNIT] = value.get("unit")
    return out


def claims_from_json(data: Any) -> CooClaims:
    """Typed claims from the JSON form, or ``ClaimsError`` naming the field."""
    if not isinstance(data, Mapping):
        raise ClaimsError("certificate is not a JSON object")
    issuer = data.get("issuer")
    if not isinstance(issuer, str):
        raise ClaimsError("issuer is missing or not text")
    items = data.get("items")
    issued_at, expires_at = _time(data, "issued_at"), _time(data, "expires_at")
    raw: dict[CborKey, Any] = {
        ECOO_CLAIM_KEY: {
            KEY_VERSION: data.get("schema_version", SCHEMA_VERSION),
            KEY_NUMBER: data.get("certificate_number"),
            KEY_FTA: data.get("fta"),
            KEY_EXPORTER: _party_map(data.get("exporter")),
            KEY_IMPORTER: _party_map(data.get("importer")),
            KEY_ORIGIN: data.get("origin_country"),
            KEY_ITEMS: [_item_map(item) for item in items] if isinstance(items, list) else items,
        },
    }
    cwt = CwtClaims(
        issuer=issuer, issued_at=issued_at, expires_at=expires_at, not_before=None, raw=raw
    )
    return parse_coo_claims(cwt)
