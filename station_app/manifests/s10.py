"""UPU S10 item identifiers (the 13-character tracking id on a postal label).

Format (UPU standard S10)::

    RR 47312482 9 GB
    ^^ ^^^^^^^^ ^ ^^
    |  |        | country of the posting operator, ISO 3166-1 alpha-2
    |  |        check digit over the serial
    |  serial number, 8 digits
    service indicator, 2 letters

Check digit: multiply the serial digits by the weights 8 6 4 2 3 5 9 7, sum,
``c = 11 - (sum mod 11)``; ``c == 10`` gives 0 and ``c == 11`` gives 5.

The first letter of the service indicator names the kind of item. Implemented
here (``ServiceKind``), from the UPU S10 allocation of first letters:

- ``E``  EMS (express mail service)
- ``C``  parcels (ordinary and insured postal parcels)
- ``H``  e-commerce parcels / tracked packets (allocated in later S10 editions)
- ``L``  letter-post items with tracking (tracked packets)
- ``R``  registered letter-post items
- ``U``  letter-post items bar-coded for other purposes (untracked packets)
- ``V``  insured letter-post items (letters with declared value)
- ``Q``  International Business Reply Service
- anything else: ``OTHER`` — still a valid id (operators use other letters for
  domestic and bilateral services); only the meaning is unknown.

Labels are read by scanners and typed by people, so ``validate`` forgives case
and whitespace (``"rr 473 124 829 gb"``) but never repairs anything else: a
wrong check digit is an error, because "fixing" it would attach the parcel to
somebody else's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from station_app.errors import StationError

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
S10_LENGTH = 13

# ISO 3166-1 alpha-2, all officially assigned codes (249). Kept inline rather than
# pulling in a country package: the list changes a few times a decade.
_ISO_3166_ALPHA2_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
    """
ISO_3166_ALPHA2: frozenset[str] = frozenset(_ISO_3166_ALPHA2_TEXT.split())


class S10Error(StationError, ValueError):
    """An invalid S10 id; the message names what is wrong in one line.

    Also a ``ValueError`` so that pydantic validators report it as a field error.
    """


class ServiceKind(StrEnum):
    EMS = "ems"
    PARCEL = "parcel"
    ECOMMERCE_PARCEL = "ecommerce_parcel"
    LETTER_TRACKED = "letter_tracked"
    REGISTERED = "registered"
    LETTER_OTHER = "letter_other"
    INSURED = "insured"
    BUSINESS_REPLY = "business_reply"
    OTHER = "other"


_SERVICE_BY_FIRST_LETTER: dict[str, ServiceKind] = {
    "E": ServiceKind.EMS,
    "C": ServiceKind.PARCEL,
    "H": ServiceKind.ECOMMERCE_PARCEL,
    "L": ServiceKind.LETTER_TRACKED,
    "R": ServiceKind.REGISTERED,
    "U": ServiceKind.LETTER_OTHER,
    "V": ServiceKind.INSURED,
    "Q": ServiceKind.BUSINESS_REPLY,
}


@dataclass(frozen=True)
class S10Id:
    """A checked S10 id. ``str()`` gives the canonical 13-character form."""

    service_indicator: str  # 2 upper-case letters
    serial: str  # 8 digits (a string: leading zeros matter)
    check_digit: int
    country: str  # ISO 3166-1 alpha-2

    def __str__(self) -> str:
        return f"{self.service_indicator}{self.serial}{self.check_digit}{self.country}"

    @property
    def service_kind(self) -> ServiceKind:
        return _SERVICE_BY_FIRST_LETTER.get(self.service_indicator[0], ServiceKind.OTHER)


def check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial."""
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise S10Error(f"S10 serial must be 8 digits, got {serial!r}")
    c = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def normalise(text: str) -> str:
    """Upper case, whitespace removed; nothing else is changed."""
    return "".join(text.split()).upper()


def validate(text: str) -> S10Id:
    """Parse and check an S10 id; raises ``S10Error`` naming the first thing wrong."""
    if not isinstance(text, str):
        raise S10Error(f"S10 id must be text, got {type(text).__name__}")
    shown = text if len(text) <= 40 else text[:40] + "…"
    tid = normalise(text)
    if len(tid) != S10_LENGTH:
        raise S10Error(f"S10 id {shown!r} has {len(tid)} characters (without spaces), expected 13")
    if not tid.isascii():
        raise S10Error(f"S10 id {shown!r} contains non-ASCII characters")
    service, serial, check, country = tid[:2], tid[2:10], tid[10], tid[11:]
    if not service.isalpha():
        raise S10Error(f"S10 id {tid!r}: service indicator {service!r} must be 2 letters")
    if not serial.isdigit():
        raise S10Error(f"S10 id {tid!r}: serial number {serial!r} must be 8 digits")
    if not check.isdigit():
        raise S10Error(f"S10 id {tid!r}: check digit {check!r} must be a digit")
    if not country.isalpha():
        raise S10Error(f"S10 id {tid!r}: country code {country!r} must be 2 letters")
    expected = check_digit(serial)
    if int(check) != expected:
        raise S10Error(
            f"S10 id {tid!r}: check digit is {check}, expected {expected} for serial {serial}"
        )
    if country not in ISO_3166_ALPHA2:
        raise S10Error(f"S10 id {tid!r}: unknown country code {country!r} (not ISO 3166-1)")
    return S10Id(service, serial, expected, country)


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except S10Error:
        return False
    return True
