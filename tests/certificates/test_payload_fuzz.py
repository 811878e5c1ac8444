"""Property tests: the payload parser only ever returns a result or a CertificateError."""

from __future__ import annotations

import contextlib
import math
import zlib
from datetime import UTC, datetime
from typing import Any

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.certificates.payload import (
    BASE45_ALPHABET,
    ECOO_PREFIX,
    CertificateError,
    base45_decode,
    base45_encode,
    decode_cbor,
    decode_cose_sign1,
    decode_payload,
    inflate,
)
from station_app.certificates.trust import TrustList
from station_app.certificates.verify import VerdictStatus, verify

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 1, 1, tzinfo=UTC)
EMPTY_TRUST = TrustList.of([])


def _parses_or_refuses(text: str) -> None:
    try:
        decode_payload(text)
    except CertificateError as exc:
        assert exc.layer in {"prefix", "base45", "zlib", "cose", "cwt"}
        assert "\n" not in str(exc)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _parses_or_refuses(text)
    assert verify(text, trust=EMPTY_TRUST, now=NOW).status is not VerdictStatus.VALID


@FUZZ
@given(st.text(alphabet=BASE45_ALPHABET, max_size=600))
def test_random_base45_after_prefix(body: str) -> None:
    _parses_or_refuses(ECOO_PREFIX + body)


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_through_every_layer(data: bytes) -> None:
    for text in (
        ECOO_PREFIX + base45_encode(data),
        ECOO_PREFIX + base45_encode(zlib.compress(data)),
    ):
        _parses_or_refuses(text)
        assert verify(text, trust=EMPTY_TRUST, now=NOW).status is VerdictStatus.INVALID
    for step in (decode_cbor, decode_cose_sign1, inflate):
        with contextlib.suppress(CertificateError):
            step(data)


@FUZZ
@given(st.binary(max_size=300))
def test_base45_round_trip(data: bytes) -> None:
    if data:
        assert base45_decode(base45_encode(data)) == data


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.binary(max_size=20)
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.integers(-1000, 1000) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) and type(a) is type(b)


@FUZZ
@given(_values)
def test_our_cbor_decoder_agrees_with_cbor2(value: Any) -> None:
    """cbor2 (canonical and not) encodes; our bounded decoder must read it back."""
    for canonical in (False, True):
        assert _same(decode_cbor(cbor2.dumps(value, canonical=canonical)), value)
