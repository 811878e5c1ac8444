"""The e-COO claim set: typed, frozen, parsed at the edge.

A signed e-COO is a CWT (RFC 8392). The standard claims carry who and when:

====  ==========  ===============================================
key   name        e-COO meaning
====  ==========  ===============================================
1     iss         issuing authority: ``CC`` or ``CC:AUTHORITY``
                  (ISO 3166-1 alpha-2 country, e.g. ``KR:KCS``)
6     iat         issue time (epoch seconds)
4     exp         end of validity (epoch seconds)
====  ==========  ===============================================

and the private claim ``ECOO_CLAIM_KEY`` (-65537, the first private-use CWT
key: values below -65536 are never assigned by IANA) holds the certificate
itself as a map with short text keys, like the DGC's -260 claim. The full
table is in docs/certificates.md; ``to_cwt_map`` is the exact inverse of
``parse_coo_claims``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from station_app.certificates.payload import (
    CLAIM_EXP,
    CLAIM_IAT,
    CLAIM_ISS,
    CertificateError,
    CwtClaims,
)

ECOO_CLAIM_KEY: Final = -65537
SCHEMA_VERSION: Final = "1.0"

# Keys inside the e-COO map (documented in docs/certificates.md).
KEY_VERSION: Final = "v"
KEY_NUMBER: Final = "no"
KEY_FTA: Final = "fta"
KEY_EXPORTER: Final = "ex"
KEY_IMPORTER: Final = "im"
KEY_ORIGIN: Final = "oc"
KEY_ITEMS: Final = "it"
PARTY_NAME: Final = "n"
PARTY_COUNTRY: Final = "c"
PARTY_ID: Final = "id"
ITEM_HS: Final = "hs"
ITEM_DESCRIPTION: Final = "d"
ITEM_QUANTITY: Final = "q"
ITEM_UNIT: Final = "u"
ITEM_CRITERION: Final = "oc"

MAX_ITEMS: Final = 200
_COUNTRY = re.compile(r"[A-Z]{2}")
_ISSUER = re.compile(r"(?P<country>[A-Z]{2})(?::[A-Za-z0-9._-]{1,32})?")
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}")
_FTA = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}")
_HS6 = re.compile(r"[0-9]{6}")
# Origin criteria differ by agreement (WO, PE, PSR, CTH, RVC40, "A"…), so only
# the shape is checked: short, upper-case letters, digits and a few marks.
_CRITERION = re.compile(r"[A-Z0-9][A-Z0-9 ()%/.-]{0,15}")


class ClaimsError(CertificateError):
    layer = "claims"


@dataclass(frozen=True)
class Party:
    """Exporter or importer as printed on the certificate."""

    name: str
    country: str
    identifier: str | None = None


@dataclass(frozen=True)
class CooItem:
    """One line of goods. ``hs_code`` is the 6-digit HS subheading."""

    hs_code: str
    description: str
    quantity: float
    origin_criterion: str
    unit: str | None = None


@dataclass(frozen=True)
class CooClaims:
    """A decoded e-COO; times are timezone-aware UTC."""

    issuer: str
    issued_at: datetime
    expires_at: datetime
    certificate_number: str
    fta: str
    exporter: Party
    importer: Party
    origin_country: str
    items: tuple[CooItem, ...]
    schema_version: str = SCHEMA_VERSION

    @property
    def issuer_country(self) -> str:
        return self.issuer[:2]


def _text(data: Mapping[Any, Any], key: str, where: str, *, max_len: int = 200) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ClaimsError(f"{where}.{key} is missing or not text")
    value = value.strip()
    if not value or len(value) > max_len:
        raise ClaimsError(f"{where}.{key} must be 1–{max_len} characters")
    if any(ord(ch) < 0x20 for ch in value):
        raise ClaimsError(f"{where}.{key} contains control characters")
    return value


def _match(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ClaimsError(f"{what} {value[:40]!r} is malformed")
    return value


def _map(value: Any, where: str) -> Mapping[Any, Any]:
    if not isinstance(value, dict):
        raise ClaimsError(f"{where} is missing or not a map")
    return value


def _party(value: Any, where: str) -> Party:
    data = _map(value, where)
    identifier = data.get(PARTY_ID)
    if identifier is not None:
        identifier = _text(data, PARTY_ID, where, max_len=40)
    return Party(
        name=_text(data, PARTY_NAME, where),
        country=_match(_COUNTRY, _text(data, PARTY_COUNTRY, where), f"{where} country"),
        identifier=identifier,
    )


def _item(value: Any, index: int) -> CooItem:
    where = f"items[{index}]"
    data = _map(value, where)
    quantity = data.get(ITEM_QUANTITY)
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int | float)
        or not math.isfinite(quantity)
        or quantity <= 0
    ):
        raise ClaimsError(f"{where}.q must be a positive number")
    unit = data.get(ITEM_UNIT)
    if unit is not None:
        unit = _text(data, ITEM_UNIT, where, max_len=16)
    return CooItem(
        hs_code=_match(_HS6, _text(data, ITEM_HS, where), f"{where} HS code (6 digits)"),
        description=_text(data, ITEM_DESCRIPTION, where),
        quantity=float(quantity),
        origin_criterion=_match(
            _CRITERION, _text(data, ITEM_CRITERION, where), f"{where} origin criterion"
        ),
        unit=unit,
    )


def parse_coo_claims(cwt: CwtClaims) -> CooClaims:
    """Typed e-COO claims from a generic CWT claim set, or ``ClaimsError``."""
    if cwt.issuer is None:
        raise ClaimsError("iss (1) is missing")
    issuer = _match(_ISSUER, cwt.issuer, "issuer")
    if cwt.issued_at is None:
        raise ClaimsError("iat (6) is missing")
    if cwt.expires_at is None:
        raise ClaimsError("exp (4) is missing")
    if cwt.expires_at <= cwt.issued_at:
        raise ClaimsError("exp is not after iat")
    data = _map(cwt.claim(ECOO_CLAIM_KEY), f"e-COO claim ({ECOO_CLAIM_KEY})")
    version = _text(data, KEY_VERSION, "e-COO", max_len=8)
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ClaimsError(f"unsupported e-COO schema version {version!r}")
    raw_items = data.get(KEY_ITEMS)
    if not isinstance(raw_items, list) or not raw_items:
        raise ClaimsError("items are missing or empty")
    if len(raw_items) > MAX_ITEMS:
        raise ClaimsError(f"{len(raw_items)} items, more than {MAX_ITEMS}")
    return CooClaims(
        issuer=issuer,
        issued_at=cwt.issued_at,
        expires_at=cwt.expires_at,
        certificate_number=_match(
            _NUMBER, _text(data, KEY_NUMBER, "e-COO", max_len=40), "certificate number"
        ),
        fta=_match(_FTA, _text(data, KEY_FTA, "e-COO", max_len=32), "FTA"),
        exporter=_party(data.get(KEY_EXPORTER), "exporter"),
        importer=_party(data.get(KEY_IMPORTER), "importer"),
        origin_country=_match(
            _COUNTRY, _text(data, KEY_ORIGIN, "e-COO", max_len=2), "origin country"
        ),
        items=tuple(_item(item, index) for index, item in enumerate(raw_items)),
        schema_version=version,
    )


def _party_map(party: Party) -> dict[str, str]:
    out = {PARTY_NAME: party.name, PARTY_COUNTRY: party.country}
    if party.identifier is not None:
        out[PARTY_ID] = party.identifier
    return out


def _item_map(item: CooItem) -> dict[str, Any]:
    # Whole quantities go out as CBOR integers: shorter, and exact.
    value = float(item.quantity)
    quantity: int | float = int(value) if value.is_integer() else value
    out: dict[str, Any] = {
        ITEM_HS: item.hs_code,
        ITEM_DESCRIPTION: item.description,
        ITEM_QUANTITY: quantity,
        ITEM_CRITERION: item.origin_criterion,
    }
    if item.unit is not None:
        out[ITEM_UNIT] = item.unit
    return out


def to_cwt_map(claims: CooClaims) -> dict[int, Any]:
    """The CWT claim map for ``claims`` (the inverse of ``parse_coo_claims``)."""
    return {
        CLAIM_ISS: claims.issuer,
        CLAIM_IAT: int(claims.issued_at.timestamp()),
        CLAIM_EXP: int(claims.expires_at.timestamp()),
        ECOO_CLAIM_KEY: {
            KEY_VERSION: claims.schema_version,
            KEY_NUMBER: claims.certificate_number,
            KEY_FTA: claims.fta,
            KEY_EXPORTER: _party_map(claims.exporter),
            KEY_IMPORTER: _party_map(claims.importer),
            KEY_ORIGIN: claims.origin_country,
            KEY_ITEMS: [_item_map(item) for item in claims.items],
        },
    }
