"""The manifest of one parcel: what the sender declared it contains.

Postal items carry the CN22/CN23 customs declaration, sent ahead electronically
in UPU ITMATT messages: per content line a description, quantity, net weight,
value + currency, HS tariff code and country of origin, plus the category of
item and the sender and addressee. Express items add the house waybill, the
seller, the marketplace platform and the order and payment references.

Units: weights are grams (``*_g``), values are ``Decimal`` amounts in the
ISO 4217 currency named beside them. One manifest uses one currency — the
CN23 has a single "total value" box — so totals are well defined.

The dataclasses check their own invariants (``__post_init__``) so a manifest
built in code is as trustworthy as one parsed from JSON (``parse.py``); the
check functions raise ``ManifestError``, which is also a ``ValueError`` so the
pydantic edge models can reuse them as field validators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from station_app.errors import StationError
from station_app.manifests.s10 import ISO_3166_ALPHA2, S10Error, S10Id
from station_app.manifests.s10 import validate as validate_s10

# ISO 4217 active currency codes, without precious metals, testing and
# bond-market units (a declared value must be money). XDR stays: the UPU accounts in SDR.
_ISO_4217_CURRENCIES_TEXT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV
    BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE
    CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV
    MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
    RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF
    XCD XCG XDR XOF XPF YER ZAR ZMW ZWG ZWL
    """
ISO_4217_CURRENCIES: frozenset[str] = frozenset(_ISO_4217_CURRENCIES_TEXT.split())

HS_CODE_MIN_DIGITS = 6  # the international Harmonized System part
HS_CODE_MAX_DIGITS = 10  # national tariff extensions go up to 10 digits
_HS_SEPARATORS = re.compile(r"[.\s]")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{3,30}")
_EXPRESS_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{4,39}")


class ManifestError(StationError, ValueError):
    """Invalid manifest data; the one-line message names the field (JSON path) at fault."""


class Category(StrEnum):
    """Category of item, the check boxes of CN22/CN23."""

    GIFT = "gift"
    DOCUMENTS = "documents"
    COMMERCIAL_SAMPLE = "commercial_sample"
    RETURNED_GOODS = "returned_goods"
    SALE_OF_GOODS = "sale_of_goods"
    OTHER = "other"


class ManifestKind(StrEnum):
    POSTAL = "postal"  # UPU item, S10 tracking id, CN22/CN23 data
    EXPRESS = "express"  # express/courier item, house waybill as tracking id


# ---------------------------------------------------------------- field checks


def normalise_hs_code(code: str) -> str:
    """HS code as 6–10 digits; dots and spaces ("8517.13 00") are dropped.

    Codes must be text: a JSON number loses the leading zero of chapters 01–09.
    """
    if not isinstance(code, str):
        raise ManifestError(f"HS code must be text, got {type(code).__name__}")
    digits = _HS_SEPARATORS.sub("", code)
    if not (digits.isascii() and digits.isdigit()):
        raise ManifestError(f"HS code {code!r} must contain only digits (dots/spaces allowed)")
    if not HS_CODE_MIN_DIGITS <= len(digits) <= HS_CODE_MAX_DIGITS:
        raise ManifestError(
            f"HS code {code!r} has {len(digits)} digits, expected "
            f"{HS_CODE_MIN_DIGITS} to {HS_CODE_MAX_DIGITS}"
        )
    if digits[:2] == "00":
        raise ManifestError(f"HS code {code!r}: chapter 00 does not exist")
    return digits


def check_country(code: str) -> str:
    if code not in ISO_3166_ALPHA2:
        raise ManifestError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
    return code


def check_currency(code: str) -> str:
    if code not in ISO_4217_CURRENCIES:
        raise ManifestError(f"currency {code!r} is not an ISO 4217 currency code")
    return code


def check_phone(phone: str) -> str:
    if not _PHONE.fullmatch(phone):
        raise ManifestError(
            f"phone {phone!r} must be digits with optional leading '+' and spaces/dashes"
        )
    return phone


def normalise_tracking_id(kind: ManifestKind, tracking_id: str) -> str:
    """Canonical tracking id: a checked S10 id for postal items, else upper-case waybill."""
    if kind is ManifestKind.POSTAL:
        try:
            return str(validate_s10(tracking_id))
        except S10Error as exc:
            raise ManifestError(str(exc)) from exc
    tid = "".join(tracking_id.split()).upper()
    if not _EXPRESS_ID.fullmatch(tid):
        raise ManifestError(
            f"waybill number {tracking_id!r} must be 5 to 40 letters, digits or dashes"
        )
    return tid


def _require_text(name: str, value: str, max_len: int) -> None:
    if not value.strip():
        raise ManifestError(f"{name} must not be empty")
    if len(value) > max_len:
        raise ManifestError(f"{name} is {len(value)} characters, at most {max_len} allowed")


# ---------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Party:
    """Sender or addressee as on the CN23."""

    name: str
    address: str  # street, city and postcode as printed; lines joined with '\n'
    country: str  # ISO 3166-1 alpha-2
    phone: str | None = None

    def __post_init__(self) -> None:
        _require_text("name", self.name, 200)
        _require_text("address", self.address, 500)
        check_country(self.country)
        if self.phone is not None:
            check_phone(self.phone)


@dataclass(frozen=True)
class ContentLine:
    """One content line of a CN22/CN23 (an ITMATT content piece).

    ``net_weight_g`` and ``value`` are for the whole line (all ``quantity`` items).
    """

    description: str
    quantity: int
    net_weight_g: float
    value: Decimal
    currency: str  # ISO 4217
    hs_code: str | None = None  # 6–10 digits; optional on a CN22 for non-commercial items
    origin_country: str | None = None  # ISO 3166-1 alpha-2

    def __post_init__(self) -> None:
        _require_text("description", self.description, 300)
        if isinstance(self.quantity, bool) or self.quantity < 1:
            raise ManifestError(f"quantity must be a whole number ≥ 1, got {self.quantity}")
        if not (0 <= self.net_weight_g < 1e9):  # also refuses NaN
            raise ManifestError(f"net_weight_g must be ≥ 0 g, got {self.net_weight_g}")
        if not self.value.is_finite() or self.value < 0:
            raise ManifestError(f"value must be ≥ 0, got {self.value}")
        check_currency(self.currency)
        if self.hs_code is not None and normalise_hs_code(self.hs_code) != self.hs_code:
            raise ManifestError(f"HS code {self.hs_code!r} must be digits only (normalise first)")
        if self.origin_country is not None:
            check_country(self.origin_country)

    @property
    def hs_heading(self) -> str | None:
        """The 4-digit HS heading, e.g. "8517"."""
        return None if self.hs_code is None else self.hs_code[:4]


@dataclass(frozen=True)
class Seller:
    """The merchant on an e-commerce platform (express manifests)."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    seller_id: str | None = None  # the platform's own seller id

    def __post_init__(self) -> None:
        _require_text("seller name", self.name, 200)
        check_country(self.country)


@dataclass(frozen=True)
class ExpressDetails:
    """What an express/courier manifest adds to the customs data."""

    house_waybill: str  # HAWB: the courier's id of this one parcel
    master_waybill: str | None = None  # MAWB of the consolidated air shipment
    seller: Seller | None = None
    platform: str | None = None  # e-commerce marketplace, e.g. "AliExpress"
    order_reference: str | None = None
    payment_reference: str | None = None


@dataclass(frozen=True)
class Manifest:
    """The declared contents of one parcel."""

    kind: ManifestKind
    tracking_id: str  # canonical: S10 for postal items, waybill for express
    category: Category
    sender: Party
    addressee: Party
    lines: tuple[ContentLine, ...]
    category_explanation: str | None = None  # free text when category is "other"
    gross_weight_g: float | None = None  # the whole parcel, as declared
    express: ExpressDetails | None = None

    def __post_init__(self) -> None:
        if normalise_tracking_id(self.kind, self.tracking_id) != self.tracking_id:
            raise ManifestError(f"tracking id {self.tracking_id!r} is not in canonical form")
        if not self.lines:
            raise ManifestError("a manifest needs at least one content line")
        currencies = {line.currency for line in self.lines}
        if len(currencies) > 1:
            raise ManifestError(
                f"all content lines must use one currency, got {', '.join(sorted(currencies))}"
            )
        if self.gross_weight_g is not None and not 0 <= self.gross_weight_g < 1e9:
            raise ManifestError(f"gross_weight_g must be ≥ 0 g, got {self.gross_weight_g}")
        if (self.kind is ManifestKind.EXPRESS) != (self.express is not None):
            raise ManifestError("express details are required for, and only for, express items")

    @property
    def currency(self) -> str:
        return self.lines[0].currency

    @property
    def declared_value_total(self) -> Decimal:
        """Sum of the line values, in ``currency`` (the CN23 "total value")."""
        return sum((line.value for line in self.lines), Decimal(0))

    @property
    def declared_net_weight_total_g(self) -> float:
        return float(sum(line.net_weight_g for line in self.lines))

    @property
    def s10(self) -> S10Id | None:
        """The parsed S10 id of a postal item."""
        return validate_s10(self.tracking_id) if self.kind is ManifestKind.POSTAL else None
