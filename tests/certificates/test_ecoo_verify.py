"""Offline e-COO verification end to end with demo documents (no mocks)."""

from __future__ import annotations

import os
import tracemalloc
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import cbor2
import pytest

from station_app.certificates import demo
from station_app.certificates.claims import ECOO_CLAIM_KEY, parse_coo_claims, to_cwt_map
from station_app.certificates.payload import (
    ECOO_PREFIX,
    CborError,
    CompressionError,
    base45_decode,
    base45_encode,
    decode_cbor,
    decode_cose_sign1,
    decode_cwt_claims,
    encode_cbor,
    encode_payload,
    inflate,
    sign_cose_sign1,
    strip_prefix,
)
from station_app.certificates.trust import TrustList
from station_app.certificates.verify import CertificateVerdict, VerdictStatus, verify

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def es_issuer() -> demo.DemoIssuer:
    return demo.make_demo_issuer("ES256")


@pytest.fixture(scope="module")
def ed_issuer() -> demo.DemoIssuer:
    return demo.make_demo_issuer("EdDSA", name="Korea Chamber of Commerce and Industry (demo)")


@pytest.fixture(scope="module")
def trust(es_issuer: demo.DemoIssuer, ed_issuer: demo.DemoIssuer) -> TrustList:
    return TrustList.of([es_issuer.trusted_key, ed_issuer.trusted_key], revoked=["KCS-2025-000666"])


def _check(text: str, trust: TrustList | None, now: datetime = NOW) -> CertificateVerdict:
    verdict = verify(text, trust=trust, now=now)
    assert all(isinstance(reason, str) and "\n" not in reason for reason in verdict.reasons)
    return verdict


def _reasons(verdict: CertificateVerdict) -> str:
    return " | ".join(verdict.reasons)


def _rewrap(text: str, *, payload: bytes | None = None, tag: int = 18) -> str:
    """Re-encode a document's COSE with another payload or tag, keeping the signature."""
    cose = decode_cose_sign1(inflate(base45_decode(strip_prefix(text))))
    body = [
        cose.protected_bytes,
        dict(cose.unprotected),
        cose.payload if payload is None else payload,
        cose.signature,
    ]
    return encode_payload(cbor2.dumps(cbor2.CBORTag(tag, body)))


@pytest.mark.parametrize("which", ["es_issuer", "ed_issuer"])
def test_demo_documents_round_trip_valid(
    which: str, request: pytest.FixtureRequest, trust: TrustList
) -> None:
    issuer: demo.DemoIssuer = request.getfixturevalue(which)
    claims = demo.demo_claims()
    text = demo.demo_document(issuer, claims)
    assert text.startswith("COO1:") and len(text) < 4296  # fits one QR code
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.VALID, _reasons(verdict)
    assert verdict.reasons == ()
    assert verdict.claims == claims
    assert verdict.kid == issuer.kid
    assert verdict.algorithm == ("ES256" if which == "es_issuer" else "EdDSA")


def test_claims_map_round_trip() -> None:
    claims = demo.demo_claims()
    cwt_map = to_cwt_map(claims)
    assert ECOO_CLAIM_KEY in cwt_map
    assert parse_coo_claims(decode_cwt_claims(encode_cbor(cwt_map))) == claims


def test_no_trust_list_is_unverified(es_issuer: demo.DemoIssuer) -> None:
    verdict = _check(demo.demo_document(es_issuer), None)
    assert verdict.status is VerdictStatus.UNVERIFIED
    assert "no trust list" in _reasons(verdict)
    assert verdict.claims is not None  # still shown to the inspector


def test_tampered_payload_is_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    text = demo.demo_document(es_issuer)
    cwt_map = to_cwt_map(demo.demo_claims())
    cwt_map[ECOO_CLAIM_KEY]["it"][0]["q"] = 4  # 40 battery packs declared as 4
    verdict = _check(_rewrap(text, payload=encode_cbor(cwt_map)), trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "signature" in _reasons(verdict)
    assert verdict.claims is not None and verdict.claims.items[0].quantity == 4


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_forged_signature_is_invalid(
    algorithm: demo.DemoAlgorithm,
    es_issuer: demo.DemoIssuer,
    ed_issuer: demo.DemoIssuer,
    trust: TrustList,
) -> None:
    victim = es_issuer if algorithm == "ES256" else ed_issuer
    forger = demo.make_demo_issuer(algorithm)
    text = demo.sign_claims(demo.demo_claims(), forger.private_key, kid=victim.kid)
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "does not verify" in _reasons(verdict)


def test_algorithm_not_fitting_key_is_invalid(
    es_issuer: demo.DemoIssuer, ed_issuer: demo.DemoIssuer, trust: TrustList
) -> None:
    # Signed with the Ed25519 key but naming the ES256 key's kid.
    text = demo.sign_claims(demo.demo_claims(), ed_issuer.private_key, kid=es_issuer.kid)
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "does not fit the key" in _reasons(verdict)


def test_wrong_cose_tag_is_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    verdict = _check(_rewrap(demo.demo_document(es_issuer), tag=17), trust)  # COSE_Mac0
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.reasons == ("cose: wrong COSE tag 17 (expected 18, COSE_Sign1)",)


def test_unknown_kid_is_invalid(trust: TrustList) -> None:
    stranger = demo.make_demo_issuer("ES256")
    verdict = _check(demo.demo_document(stranger), trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "unknown issuer key" in _reasons(verdict)
    assert verdict.kid == stranger.kid


def test_missing_and_short_kid_are_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    no_kid = demo.sign_claims(demo.demo_claims(), es_issuer.private_key, kid=None)
    assert "no key id" in _reasons(_check(no_kid, trust))
    short = demo.sign_claims(demo.demo_claims(), es_issuer.private_key, kid=es_issuer.kid[:4])
    assert "key id of 4 bytes" in _reasons(_check(short, trust))


def test_expired_key_is_invalid() -> None:
    old = demo.make_demo_issuer(
        "ES256", not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=1)
    )
    claims = demo.demo_claims(issued_at=NOW - timedelta(days=10))
    verdict = _check(demo.demo_document(old, claims), TrustList.of([old.trusted_key]))
    assert verdict.status is VerdictStatus.INVALID
    assert "issuer key expired" in _reasons(verdict)


def test_signed_before_key_validity_is_invalid() -> None:
    young = demo.make_demo_issuer("EdDSA", not_before=NOW - timedelta(days=1))
    claims = demo.demo_claims(issued_at=NOW - timedelta(days=5))
    verdict = _check(demo.demo_document(young, claims), TrustList.of([young.trusted_key]))
    assert verdict.status is VerdictStatus.INVALID
    assert "signed outside the key's validity" in _reasons(verdict)


def test_expired_and_future_certificates_are_invalid(
    es_issuer: demo.DemoIssuer, trust: TrustList
) -> None:
    text = demo.demo_document(es_issuer, demo.demo_claims(valid_for=timedelta(days=10)))
    later = _check(text, trust, now=NOW + timedelta(days=20))
    assert later.status is VerdictStatus.INVALID
    assert "certificate expired on" in _reasons(later)
    earlier = _check(text, trust, now=NOW - timedelta(days=3))
    assert "issued in the future" in _reasons(earlier)


def test_revoked_number_is_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    claims = demo.demo_claims(certificate_number="KCS-2025-000666")
    verdict = _check(demo.demo_document(es_issuer, claims), trust)
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.reasons == ("certificate KCS-2025-000666 is revoked",)


def test_issuer_country_must_match_key(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    claims = replace(demo.demo_claims(), issuer="US:CBP")
    text = demo.sign_claims(claims, es_issuer.private_key, kid=es_issuer.kid)
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "does not match the key's country KR" in _reasons(verdict)


def test_bad_claims_named(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    cwt_map = to_cwt_map(demo.demo_claims())
    cwt_map[ECOO_CLAIM_KEY]["it"][1]["hs"] = "8517"  # a 4-digit heading, not a subheading
    cose = sign_cose_sign1(encode_cbor(cwt_map), es_issuer.private_key, kid=es_issuer.kid)
    verdict = _check(encode_payload(cose), trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "claims: items[1] HS code (6 digits) '8517' is malformed" in verdict.reasons
    assert verdict.claims is None


def test_truncated_base45_is_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    text = demo.demo_document(es_issuer)
    body = text[len(ECOO_PREFIX) :]
    cut = len(body) - (len(body) % 3) - 2  # leaves a length ≡ 1 (mod 3)
    verdict = _check(ECOO_PREFIX + body[:cut], trust)
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.reasons[0].startswith("base45: length")
    half = _check(text[: len(text) // 3 * 3 - 3], trust)  # valid base45, cut zlib stream
    assert half.status is VerdictStatus.INVALID
    assert half.reasons[0].startswith(("zlib:", "base45:"))


def test_non_base45_characters_are_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    text = demo.demo_document(es_issuer)
    verdict = _check(text[:20] + "a" + text[21:], trust)
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.reasons == ("base45: character 'a' at position 15 is not base45",)


def test_wrong_prefix_is_invalid(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    body = demo.demo_document(es_issuer)[len(ECOO_PREFIX) :]
    assert _check("HC1:" + body, trust).reasons == (
        "prefix: expected prefix 'COO1:', found 'HC1:'",
    )
    assert _check(body, trust).reasons == ("prefix: missing prefix 'COO1:'",)


def test_zip_bomb_is_bounded(trust: TrustList) -> None:
    bomb = zlib.compress(bytes(100 * 1024 * 1024), level=9)  # 100 MB of zeros, ~100 KB
    tracemalloc.start()
    try:
        with pytest.raises(CompressionError, match="inflates to more than 65536 bytes"):
            inflate(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes while refusing a zip bomb"
    # Whole: far too long for a barcode, refused before inflating.
    verdict = _check(ECOO_PREFIX + base45_encode(bomb), trust)
    assert verdict.status is VerdictStatus.INVALID
    # A bomb small enough for a QR code: refused by the inflate bound.
    small = zlib.compress(bytes(1024 * 1024), level=9)  # 1 MB → ~1 KB
    verdict = _check(ECOO_PREFIX + base45_encode(small), trust)
    assert verdict.reasons == ("zlib: inflates to more than 65536 bytes; refused (zip bomb?)",)


def test_huge_cbor_is_bounded(trust: TrustList) -> None:
    # An array claiming 2**32 elements in 5 bytes must not allocate anything.
    with pytest.raises(CborError, match="longer than the data"):
        decode_cbor(b"\x9a\xff\xff\xff\xff\x00")
    with pytest.raises(CborError, match="needs 4294967295 bytes"):
        decode_cbor(b"\x5a\xff\xff\xff\xff")
    with pytest.raises(CborError, match="exceeds the limit"):
        decode_cbor(cbor2.dumps(bytes(100_000)))
    # Through verify: a COSE whose payload is 60 KB of claims inflates fine but
    # is refused by the item bound.
    payload = cbor2.dumps({1: "KR", -65537: [0] * 30_000})  # compresses to a QR-sized text
    key = demo.make_demo_issuer("EdDSA")
    text = encode_payload(sign_cose_sign1(payload, key.private_key, kid=key.kid))
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.INVALID
    assert "more than 20000 items" in _reasons(verdict)


def test_deep_nesting_is_bounded(trust: TrustList) -> None:
    deep = b"\x81" * 10_000 + b"\x00"
    with pytest.raises(CborError, match="nesting deeper than 16"):
        decode_cbor(deep)
    tags = b"\xd8\x18" * 1000 + b"\x00"
    with pytest.raises(CborError, match="nesting deeper than 16"):
        decode_cbor(tags)
    key = demo.make_demo_issuer("ES256")
    text = encode_payload(sign_cose_sign1(b"\x81" * 40 + b"\x00", key.private_key, kid=key.kid))
    verdict = _check(text, trust)
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.reasons[0].startswith("cwt: claim set is not CBOR (nesting deeper")


@pytest.mark.parametrize("seed", range(20))
def test_binary_garbage_gives_a_verdict(seed: int, trust: TrustList) -> None:
    garbage = os.urandom(64 + seed * 50)
    for text in (
        garbage.decode("latin-1"),
        ECOO_PREFIX + garbage.decode("latin-1"),
        ECOO_PREFIX + base45_encode(garbage),
        ECOO_PREFIX + base45_encode(zlib.compress(garbage)),
        ECOO_PREFIX + base45_encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, [garbage] * 4)))),
    ):
        verdict = _check(text, trust)
        assert verdict.status is VerdictStatus.INVALID
        assert verdict.reasons and not verdict.reasons[0].startswith("internal error")


def test_non_text_input_gives_a_verdict(trust: TrustList) -> None:
    verdict = verify(b"COO1:ABC", trust=trust, now=NOW)  # type: ignore[arg-type]
    assert verdict.status is VerdictStatus.INVALID


def test_url_payload_is_left_to_online_verification(trust: TrustList) -> None:
    verdict = _check("https://unipass.customs.go.kr/csp/coo/verify?refNo=A1&code=B", trust)
    assert verdict.status is VerdictStatus.UNVERIFIED
    assert "online" in verdict.reasons[0]


def test_naive_now_is_taken_as_utc(es_issuer: demo.DemoIssuer, trust: TrustList) -> None:
    naive = datetime.now(UTC).replace(tzinfo=None)
    assert verify(demo.demo_document(es_issuer), trust=trust, now=naive).is_valid
