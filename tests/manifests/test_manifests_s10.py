"""UPU S10 ids: the check digit, normalisation, and one clear error per fault."""

from __future__ import annotations

import pytest

from station_app.errors import StationError
from station_app.manifests.s10 import (
    ISO_3166_ALPHA2,
    S10Error,
    S10Id,
    ServiceKind,
    check_digit,
    is_valid,
    validate,
)


def test_upu_example() -> None:
    sid = validate("RR473124829GB")
    assert sid == S10Id("RR", "47312482", 9, "GB")
    assert str(sid) == "RR473124829GB"
    assert sid.service_kind is ServiceKind.REGISTERED
    assert check_digit("47312482") == 9


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("00001006", 0),  # 11 - (45 mod 11) = 10 → 0
        ("00001025", 0),
        ("00001009", 5),  # 11 - (66 mod 11) = 11 → 5
        ("00000000", 5),  # sum 0 → 11 → 5
        ("12345678", 5),
    ],
)
def test_check_digit_special_cases(serial: str, expected: int) -> None:
    assert check_digit(serial) == expected
    assert is_valid(f"CP{serial}{expected}KR")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("EE123456785CN", ServiceKind.EMS),
        ("CP000010060DE", ServiceKind.PARCEL),
        ("LX000010095US", ServiceKind.LETTER_TRACKED),
        ("VV473124829JP", ServiceKind.INSURED),
        ("UA473124829FR", ServiceKind.LETTER_OTHER),
        ("ZZ473124829VN", ServiceKind.OTHER),
    ],
)
def test_service_kinds(text: str, kind: ServiceKind) -> None:
    assert validate(text).service_kind is kind


def test_spaces_and_case_are_forgiven() -> None:
    assert str(validate(" rr 473 124 829 gb\n")) == "RR473124829GB"
    assert str(validate("Rr4731\t24829Gb")) == "RR473124829GB"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("RR47312482GB", "12 characters"),
        ("RR4731248299GB", "14 characters"),
        ("", "0 characters"),
        ("R1473124829GB", "service indicator 'R1' must be 2 letters"),
        ("RR47312A829GB", "serial number '47312A82' must be 8 digits"),
        ("RR47312482XGB", "check digit 'X' must be a digit"),
        ("RR4731248291B", "country code '1B' must be 2 letters"),
        ("RR473124828GB", "check digit is 8, expected 9 for serial 47312482"),
        ("RR473124829QQ", "unknown country code 'QQ'"),
        ("RR473124829ÄB", "non-ASCII"),
        ("RR４７３124829GB", "non-ASCII"),  # full-width digits are not digits here
    ],
)
def test_invalid_ids_name_the_fault(text: str, words: str) -> None:
    with pytest.raises(S10Error) as info:
        validate(text)
    message = str(info.value)
    assert words in message
    assert "\n" not in message
    assert isinstance(info.value, StationError)
    assert not is_valid(text)


def test_wrong_check_digit_is_never_fixed() -> None:
    for wrong in range(10):
        if wrong != 9:
            assert not is_valid(f"RR47312482{wrong}GB")


def test_not_text() -> None:
    with pytest.raises(S10Error, match="must be text"):
        validate(12345)  # type: ignore[arg-type]


def test_country_list_is_iso_3166() -> None:
    assert len(ISO_3166_ALPHA2) == 249
    assert {"KR", "CN", "US", "JP", "DE", "GB", "FR", "VN", "CH"} <= ISO_3166_ALPHA2
    assert "UK" not in ISO_3166_ALPHA2  # the UK is GB


def test_agrees_with_the_simulator_generator() -> None:
    # The simulator (drivers) has its own S10 helper; both must agree on every id.
    import numpy as np

    from drivers.simulator.groundtruth import is_valid_s10, s10_tracking_id

    rng = np.random.default_rng(7)
    for _ in range(200):
        tid = s10_tracking_id(rng)
        assert is_valid(tid) and is_valid_s10(tid)
