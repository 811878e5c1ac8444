"""Signed trust lists: verified against the pinned central key, old list kept on failure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station_app.certificates import demo
from station_app.certificates.payload import decode_cose_sign1, encode_cbor, sign_cose_sign1
from station_app.certificates.trust import (
    TrustedKey,
    TrustListError,
    TrustStore,
    key_id,
    load_public_key,
    load_trust_list,
    parse_trust_list,
)
from station_app.certificates.verify import VerdictStatus, verify


@pytest.fixture(scope="module")
def issuer() -> demo.DemoIssuer:
    return demo.make_demo_issuer("ES256")


@pytest.fixture(scope="module")
def central() -> Ed25519PrivateKey:
    return demo.make_demo_central_key()


def test_kid_is_dgc_style(issuer: demo.DemoIssuer) -> None:
    der = issuer.trusted_key.certificate_der
    assert issuer.kid == key_id(der) and len(issuer.kid) == 8
    again = TrustedKey.from_certificate(der)
    assert again.country == "KR"  # from the certificate subject
    assert again.not_before < datetime.now(UTC) < again.not_after


def test_signed_list_installs_and_verifies(
    issuer: demo.DemoIssuer, central: Ed25519PrivateKey
) -> None:
    document = demo.demo_trust_list([issuer], central, revoked=["X-1"], sequence=3)
    store = TrustStore(demo.make_demo_central_key().public_key())
    with pytest.raises(TrustListError):
        store.update(document)  # another central key: refused
    assert store.current is None
    store = TrustStore(central.public_key())
    trust = store.update(document)
    assert store.current is trust
    assert trust.sequence == 3 and trust.is_revoked("X-1") and trust.key(issuer.kid)
    verdict = verify(demo.demo_document(issuer), trust=trust, now=datetime.now(UTC))
    assert verdict.status is VerdictStatus.VALID


def test_forged_list_is_rejected_and_old_kept(
    issuer: demo.DemoIssuer, central: Ed25519PrivateKey
) -> None:
    store = TrustStore(central.public_key())
    old = store.update(demo.demo_trust_list([issuer], central, sequence=1))
    attacker = demo.make_demo_issuer("ES256")
    forged = demo.demo_trust_list([attacker], demo.make_demo_central_key(), sequence=9)
    with pytest.raises(TrustListError, match="not signed by central"):
        store.update(forged)
    assert store.current is old

    # Same signature, altered body (the attacker's key spliced in).
    message = decode_cose_sign1(forged)
    genuine = decode_cose_sign1(demo.demo_trust_list([issuer], central, sequence=2))
    spliced = cbor2.dumps(
        cbor2.CBORTag(18, [genuine.protected_bytes, {}, message.payload, genuine.signature])
    )
    with pytest.raises(TrustListError, match="signature does not verify"):
        store.update(spliced)
    assert store.current is old
    for garbage in (b"", b"\x00" * 10, b"\xd2\x84" + bytes(50)):
        with pytest.raises(TrustListError):
            store.update(garbage)
    assert store.current is old


def test_other_signed_document_is_not_a_trust_list(central: Ed25519PrivateKey) -> None:
    # Signed by central, but not declared a trust list (content type missing).
    body = encode_cbor({"v": 1, "seq": 5, "iat": 0, "keys": [], "revoked": []})
    document = sign_cose_sign1(body, central)
    with pytest.raises(TrustListError, match="wrong content type"):
        parse_trust_list(document, central.public_key())


def test_rollback_is_refused(issuer: demo.DemoIssuer, central: Ed25519PrivateKey) -> None:
    store = TrustStore(central.public_key())
    newer = store.update(demo.demo_trust_list([issuer], central, sequence=7))
    older = demo.demo_trust_list([issuer], central, revoked=[], sequence=6)
    with pytest.raises(TrustListError, match="older than the one in use"):
        store.update(older)
    assert store.current is newer


def test_load_from_file(
    tmp_path: Path, issuer: demo.DemoIssuer, central: Ed25519PrivateKey
) -> None:
    path = tmp_path / "trust-list.cose"
    path.write_bytes(demo.demo_trust_list([issuer], central, sequence=2))
    pem = central.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    central_key = load_public_key(pem)
    assert load_trust_list(path, central_key).key(issuer.kid) is not None
    store = TrustStore(central_key)
    assert store.load_file(path).sequence == 2
    with pytest.raises(TrustListError, match="cannot read"):
        store.load_file(tmp_path / "missing.cose")
    path.write_bytes(b"\x00garbage")
    with pytest.raises(TrustListError):
        store.load_file(path)
    assert store.current is not None and store.current.sequence == 2
    with pytest.raises(TrustListError, match="central key"):
        load_public_key(b"not a key")


def test_bad_certificate_in_signed_list_is_rejected(central: Ed25519PrivateKey) -> None:
    body = encode_cbor(
        {"v": 1, "seq": 1, "iat": 0, "keys": [{"cert": b"\x30\x03junk"}], "revoked": []}
    )
    document = sign_cose_sign1(
        body,
        central,
        extra_protected={3: "application/vnd.station-app.trust-list+cbor"},
    )
    with pytest.raises(TrustListError, match=r"not valid DER X\.509"):
        parse_trust_list(document, central.public_key())
