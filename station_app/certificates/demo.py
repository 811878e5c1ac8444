"""Demo e-COO documents: issuer keys, signed barcode texts, trust lists, URL payloads.

For tests and the demo mode only — the keys are generated on the fly and
nothing here is trusted by a production station (its trust list is signed by
central's real key, which this module never has).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

from station_app.certificates.claims import CooClaims, CooItem, Party, to_cwt_map
from station_app.certificates.payload import (
    ECOO_PREFIX,
    PrivateKey,
    encode_cbor,
    encode_payload,
    sign_cose_sign1,
)
from station_app.certificates.trust import TrustedKey, TrustList, encode_trust_list
from station_app.certificates.url_payload import DEFAULT_AUTHORITIES, Authority

DemoAlgorithm = Literal["ES256", "EdDSA"]


@dataclass(frozen=True)
class DemoIssuer:
    """An issuing authority's signing key with its self-signed certificate."""

    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    trusted_key: TrustedKey

    @property
    def kid(self) -> bytes:
        return self.trusted_key.kid


def make_demo_issuer(
    algorithm: DemoAlgorithm = "ES256",
    *,
    country: str = "KR",
    name: str = "Korea Customs Service (demo)",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> DemoIssuer:
    """A fresh key pair and a self-signed X.509 certificate (default: valid 2 years)."""
    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    if algorithm == "ES256":
        private_key = ec.generate_private_key(ec.SECP256R1())
    else:
        private_key = ed25519.Ed25519PrivateKey.generate()
    start = not_before or datetime.now(UTC) - timedelta(days=30)
    end = not_after or start + timedelta(days=730)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        # Ed25519 signs without a separate hash; ECDSA needs one.
        .sign(private_key, None if algorithm == "EdDSA" else hashes.SHA256())
    )
    der = cert.public_bytes(encoding=Encoding.DER)
    return DemoIssuer(private_key, TrustedKey.from_certificate(der, country=country))


def demo_claims(
    *,
    certificate_number: str = "KCS-2025-000123",
    issuer: str = "KR:KCS",
    issued_at: datetime | None = None,
    valid_for: timedelta = timedelta(days=365),
    items: Sequence[CooItem] | None = None,
) -> CooClaims:
    """A plausible KR → EU certificate with three lines of goods."""
    issued = (issued_at or datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    return CooClaims(
        issuer=issuer,
        issued_at=issued,
        expires_at=issued + valid_for,
        certificate_number=certificate_number,
        fta="KR-EU",
        exporter=Party("Hanbit Electronics Co., Ltd.", "KR", "124-81-00998"),
        importer=Party("Nordlicht Handels GmbH", "DE", "DE123456789"),
        origin_country="KR",
        items=tuple(
            items
            or (
                CooItem("850760", "Lithium-ion battery packs", 40.0, "PSR", "pcs"),
                CooItem("851762", "Wireless routers", 120.0, "CTH", "pcs"),
                CooItem("330499", "Skin care preparations", 35.5, "RVC40", "kg"),
            )
        ),
    )


def sign_claims(
    claims: CooClaims,
    key: PrivateKey,
    *,
    kid: bytes | None,
    prefix: str = ECOO_PREFIX,
) -> str:
    """Barcode text for ``claims`` signed with ``key`` (any key: tests forge with this)."""
    cose = sign_cose_sign1(encode_cbor(to_cwt_map(claims)), key, kid=kid)
    return encode_payload(cose, prefix=prefix)


def demo_document(issuer: DemoIssuer, claims: CooClaims | None = None) -> str:
    """A signed e-COO barcode text (``COO1:…``) from ``issuer``."""
    claims = claims or demo_claims()
    if claims.issuer[:2] != issuer.trusted_key.country:
        claims = replace(claims, issuer=f"{issuer.trusted_key.country}:DEMO")
    return sign_claims(claims, issuer.private_key, kid=issuer.kid)


def make_demo_central_key() -> ed25519.Ed25519PrivateKey:
    """Stands in for central's trust-list signing key."""
    return ed25519.Ed25519PrivateKey.generate()


def demo_trust_list(
    issuers: Iterable[DemoIssuer],
    central_key: PrivateKey,
    *,
    revoked: Iterable[str] = (),
    sequence: int = 1,
) -> bytes:
    """A trust list document signed with ``central_key``."""
    trust = TrustList.of(
        (issuer.trusted_key for issuer in issuers),
        revoked=revoked,
        sequence=sequence,
        issued_at=datetime.now(UTC).replace(microsecond=0),
    )
    return encode_trust_list(trust, central_key)


def demo_url_payload(authority: Authority, reference_number: str, reference_code: str) -> str:
    """A verification-URL barcode text as the authority would print it."""
    query = urlencode(
        {authority.reference_param: reference_number, authority.code_param: reference_code}
    )
    return f"https://{authority.host}{authority.path}?{query}"


def write_demo_set(out_dir: Path) -> dict[str, Path]:
    """A self-contained set to try the checks with (``station-app certs demo``):

    ``central-key.pem`` (central's public key), ``trust-list.cose`` (signed by it,
    revoking ``KCS-2025-000999``), ``ecoo-valid.png`` / ``.txt`` (a signed
    certificate), ``ecoo-revoked.txt``, ``ecoo-forged.txt`` (signed by a key the
    trust list does not hold) and ``ecoo-url.txt`` (an authority's verification URL).
    """
    import qrcode

    out_dir.mkdir(parents=True, exist_ok=True)
    issuer = make_demo_issuer()
    central = make_demo_central_key()
    files = {
        "central_key": out_dir / "central-key.pem",
        "trust_list": out_dir / "trust-list.cose",
        "valid_png": out_dir / "ecoo-valid.png",
        "valid": out_dir / "ecoo-valid.txt",
        "revoked": out_dir / "ecoo-revoked.txt",
        "forged": out_dir / "ecoo-forged.txt",
        "url": out_dir / "ecoo-url.txt",
    }
    files["central_key"].write_bytes(
        central.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    files["trust_list"].write_bytes(
        demo_trust_list([issuer], central, revoked=["KCS-2025-000999"])
    )
    valid = demo_document(issuer)
    files["valid"].write_text(valid + "\n", encoding="ascii")
    qrcode.make(valid, border=4).save(files["valid_png"])
    revoked = demo_document(issuer, demo_claims(certificate_number="KCS-2025-000999"))
    files["revoked"].write_text(revoked + "\n", encoding="ascii")
    impostor = make_demo_issuer(name="Not a real authority")
    forged = sign_claims(demo_claims(), impostor.private_key, kid=issuer.kid)
    files["forged"].write_text(forged + "\n", encoding="ascii")
    authority = DEFAULT_AUTHORITIES[0]
    files["url"].write_text(
        demo_url_payload(authority, "KCS-2025-000777", "7D3F9A") + "\n", encoding="ascii"
    )
    return files
