"""Trust list: which issuer keys may sign e-COO documents, and which are revoked.

Keys are found by ``kid`` as in the DGC: the first 8 bytes of the SHA-256 of
the issuer's DER X.509 certificate. Each key carries its validity period (from
the certificate) and the issuer country it may sign for.

The trust list document comes from central and is itself signed: a
COSE_Sign1 (tagged 18) whose protected header holds the algorithm and the
content type ``TRUST_LIST_CONTENT_TYPE``, over a CBOR map::

    {"v": 1,                       # format version
     "seq": 42,                    # increases with every list central publishes
     "iat": 1767225600,            # issue time, epoch seconds
     "keys": [{"cert": h'30…',     # issuer certificate, DER
               "c": "KR"}, …],     # country the key signs for (ISO 3166-1 alpha-2)
     "revoked": ["KCS-2025-000013", …]}   # revoked certificate numbers

It is verified against the central key pinned in the station's configuration
before anything in it is used; the content type keeps another document signed
by the same key from being taken for a trust list. ``TrustStore`` keeps the list
in use and replaces it only with a verified list of equal or higher ``seq``
(no rollback to an older list that still trusts a withdrawn key).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from station_app import core_texts as texts
from station_app.certificates.payload import (
    HEADER_CONTENT_TYPE,
    TAG_COSE_SIGN1,
    CertificateError,
    PayloadLimits,
    PrivateKey,
    PublicKey,
    decode_cbor,
    decode_cose_sign1,
    encode_cbor,
    sign_cose_sign1,
    verify_signature,
)

log = logging.getLogger(__name__)

TRUST_LIST_CONTENT_TYPE: Final = "application/vnd.station-app.trust-list+cbor"
TRUST_LIST_VERSION: Final = 1
KID_LENGTH: Final = 8
# A trust list of a few hundred issuer certificates is ~200 KB; 8 MiB is a
# generous bound that still stops a corrupt or hostile file early.
TRUST_LIMITS: Final = PayloadLimits(
    max_text_chars=0,
    max_inflated_bytes=0,
    max_cbor_bytes=8 * 1024 * 1024,
    max_cbor_depth=8,
    max_cbor_items=500_000,
)


class TrustListError(CertificateError):
    layer = "trust list"


def key_id(certificate_der: bytes) -> bytes:
    """DGC-style kid: first 8 bytes of SHA-256 over the DER certificate."""
    return hashlib.sha256(certificate_der).digest()[:KID_LENGTH]


def _country_of(cert: x509.Certificate) -> str | None:
    values = cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    value = values[0].value if values else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class TrustedKey:
    """An issuer key: public key, validity (UTC) and the country it signs for."""

    kid: bytes
    public_key: PublicKey
    not_before: datetime
    not_after: datetime
    country: str | None
    certificate_der: bytes = field(repr=False, default=b"")
    subject: str = ""

    @classmethod
    def from_certificate(cls, der: bytes, *, country: str | None = None) -> TrustedKey:
        """Key from a DER X.509 certificate; ``country`` defaults to the subject's C."""
        try:
            cert = x509.load_der_x509_certificate(der)
            public_key = cert.public_key()
        except (ValueError, TypeError) as exc:
            raise TrustListError(f"issuer certificate is not valid DER X.509 ({exc})") from exc
        if not isinstance(
            public_key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey
        ):
            raise TrustListError(f"issuer key type {type(public_key).__name__} not supported")
        return cls(
            kid=key_id(der),
            public_key=public_key,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            country=country or _country_of(cert),
            certificate_der=der,
            subject=cert.subject.rfc4514_string(),
        )

    def validity_problem(self, when: datetime) -> str | None:
        if when < self.not_before:
            return texts.KEY_NOT_YET_VALID.render(time=self.not_before.isoformat())
        if when > self.not_after:
            return texts.KEY_EXPIRED.render(time=self.not_after.isoformat())
        return None


@dataclass(frozen=True)
class TrustList:
    """An immutable, already-authenticated trust list."""

    keys: Mapping[bytes, TrustedKey]
    revoked: frozenset[str] = frozenset()
    sequence: int = 0
    issued_at: datetime | None = None

    @classmethod
    def of(
        cls,
        keys: Iterable[TrustedKey],
        *,
        revoked: Iterable[str] = (),
        sequence: int = 0,
        issued_at: datetime | None = None,
    ) -> TrustList:
        by_kid: dict[bytes, TrustedKey] = {}
        for key in keys:
            if key.kid in by_kid:
                raise TrustListError(f"kid {key.kid.hex()} appears twice")
            by_kid[key.kid] = key
        return cls(by_kid, frozenset(revoked), sequence, issued_at)

    def key(self, kid: bytes) -> TrustedKey | None:
        return self.keys.get(kid)

    def is_revoked(self, certificate_number: str) -> bool:
        return certificate_number in self.revoked


# --------------------------------------------------------------------------- document


def encode_trust_list(trust: TrustList, central_key: PrivateKey) -> bytes:
    """Sign a trust list document (central's side; used by tests and the demo)."""
    issued = trust.issued_at or datetime.now(UTC)
    body = {
        "v": TRUST_LIST_VERSION,
        "seq": trust.sequence,
        "iat": int(issued.timestamp()),
        "keys": [
            {"cert": key.certificate_der, **({"c": key.country} if key.country else {})}
            for key in trust.keys.values()
        ],
        "revoked": sorted(trust.revoked),
    }
    return sign_cose_sign1(
        encode_cbor(body),
        central_key,
        extra_protected={HEADER_CONTENT_TYPE: TRUST_LIST_CONTENT_TYPE},
    )


def _field(body: Mapping[Any, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TrustListError(f"field {name!r} is missing or of the wrong type")
    return value


def parse_trust_list(document: bytes, central_key: PublicKey) -> TrustList:
    """Verify ``document`` against the pinned central key, then parse it.

    Any failure raises ``TrustListError``; nothing of an unverified document
    is looked at beyond what is needed to check its signature.
    """
    try:
        message = decode_cose_sign1(document, limits=TRUST_LIMITS)
        if TAG_COSE_SIGN1 not in message.tags:
            raise TrustListError("document is not a tagged COSE_Sign1")
        verify_signature(message, central_key)
    except TrustListError:
        raise
    except CertificateError as exc:
        raise TrustListError(f"rejected, not signed by central ({exc})") from exc
    if message.protected.get(HEADER_CONTENT_TYPE) != TRUST_LIST_CONTENT_TYPE:
        raise TrustListError("signed document is not a trust list (wrong content type)")
    try:
        body = decode_cbor(message.payload, limits=TRUST_LIMITS)
    except CertificateError as exc:
        raise TrustListError(f"body is not CBOR ({exc.detail})") from exc
    if not isinstance(body, dict):
        raise TrustListError("body is not a map")
    if body.get("v") != TRUST_LIST_VERSION:
        raise TrustListError(f"unsupported trust list version {body.get('v')!r}")
    sequence = _field(body, "seq", int)
    issued_epoch = _field(body, "iat", int)
    try:
        issued_at = datetime.fromtimestamp(issued_epoch, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise TrustListError("field 'iat' is out of range") from exc
    keys: list[TrustedKey] = []
    for index, entry in enumerate(_field(body, "keys", list)):
        if not isinstance(entry, dict) or not isinstance(entry.get("cert"), bytes):
            raise TrustListError(f"keys[{index}] has no certificate")
        country = entry.get("c")
        if country is not None and not (isinstance(country, str) and len(country) == 2):
            raise TrustListError(f"keys[{index}] country {country!r} is not ISO 3166 alpha-2")
        keys.append(TrustedKey.from_certificate(entry["cert"], country=country))
    revoked = _field(body, "revoked", list)
    if not all(isinstance(number, str) for number in revoked):
        raise TrustListError("revoked certificate numbers must be text")
    return TrustList.of(keys, revoked=revoked, sequence=sequence, issued_at=issued_at)


def load_trust_list(path: str | os.PathLike[str], central_key: PublicKey) -> TrustList:
    data = _read_bounded(Path(path))
    return parse_trust_list(data, central_key)


def _read_bounded(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(TRUST_LIMITS.max_cbor_bytes + 1)
    except OSError as exc:
        raise TrustListError(f"cannot read {path} ({exc.strerror or exc})") from exc
    if len(data) > TRUST_LIMITS.max_cbor_bytes:
        raise TrustListError(f"{path} is larger than {TRUST_LIMITS.max_cbor_bytes} bytes")
    return data


def load_public_key(data: bytes) -> PublicKey:
    """The pinned central key from PEM or DER SubjectPublicKeyInfo."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(data)
    except (ValueError, TypeError) as exc:
        raise TrustListError(f"central key is not a PEM/DER public key ({exc})") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey):
        raise TrustListError(f"central key type {type(key).__name__} not supported")
    return key


# --------------------------------------------------------------------------- store


class TrustStore:
    """The trust list in use. A rejected update leaves the current list in place."""

    def __init__(self, central_key: PublicKey, current: TrustList | None = None) -> None:
        self._central_key = central_key
        self._current = current

    @property
    def current(self) -> TrustList | None:
        return self._current

    def update(self, document: bytes) -> TrustList:
        """Verify and install ``document``; raise ``TrustListError`` and keep the old list."""
        try:
            new = parse_trust_list(document, self._central_key)
            old = self._current
            if old is not None and new.sequence < old.sequence:
                raise TrustListError(
                    f"list seq {new.sequence} is older than the one in use (seq {old.sequence})"
                )
        except TrustListError as exc:
            log.warning("trust list update rejected, keeping the current list: %s", exc)
            raise
        self._current = new  # a single reference swap: readers see old or new, never half
        log.info(
            "trust list seq %d installed: %d keys, %d revoked",
            new.sequence,
            len(new.keys),
            len(new.revoked),
        )
        return new

    def load_file(self, path: str | os.PathLike[str]) -> TrustList:
        try:
            data = _read_bounded(Path(path))
        except TrustListError as exc:
            log.warning("trust list update rejected, keeping the current list: %s", exc)
            raise
        return self.update(data)
