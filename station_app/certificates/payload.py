"""Decoding of signed e-COO payloads: prefix → base45 → zlib → COSE_Sign1 → CBOR/CWT.

This is the same stack as the EU digital COVID certificate (DGC, "HC1:" prefix);
e-COO documents use the prefix ``COO1:``. Everything here is generic: it knows
nothing about the claims of an e-COO (see ``claims.py``) nor about trust
(``trust.py``); it only turns untrusted text into typed structures, or raises a
``CertificateError`` subclass naming the layer that failed.

Every layer has a hard bound (``PayloadLimits``) because the text comes from a
barcode anyone can print: a short QR code can hold a zip bomb, a CBOR array
that claims 2**64 elements, or thousands of nested tags.

CBOR is decoded by the small decoder in this module instead of cbor2's
``loads``: cbor2 always applies its semantic tag decoders (dates, regexes,
shared references, MIME …), which would run attacker-chosen code paths and
change the data model under us. Ours keeps every tag as ``CborTag``, rejects
duplicate map keys and undefined values, and bounds depth and item count.
cbor2 is still used for *encoding* (demo documents, trust lists), where the
input is our own.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Final

import base45  # type: ignore[import-untyped]
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from station_app import core_texts as texts
from station_app.errors import StationError

ECOO_PREFIX: Final = "COO1:"
DGC_PREFIX: Final = "HC1:"

BASE45_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_SET: Final = frozenset(BASE45_ALPHABET)

# CBOR tags of the COSE/CWT envelope (RFC 9052 §2, RFC 8392 §6).
TAG_COSE_SIGN1: Final = 18
TAG_CWT: Final = 61

# COSE header labels (RFC 9052 §3.1).
HEADER_ALG: Final = 1
HEADER_CONTENT_TYPE: Final = 3
HEADER_KID: Final = 4

# CWT claim keys (RFC 8392 §3.1).
CLAIM_ISS: Final = 1
CLAIM_EXP: Final = 4
CLAIM_NBF: Final = 5
CLAIM_IAT: Final = 6
# The DGC's claim (hcert, IANA CWT registry); its value is {1: <DGC map>}.
CLAIM_HCERT: Final = -260

# COSE algorithm ids (IANA "COSE Algorithms") we accept, and their names.
ALG_ES256: Final = -7
ALG_EDDSA: Final = -8
ALG_PS256: Final = -37
ALGORITHM_NAMES: Final[Mapping[int, str]] = {
    ALG_ES256: "ES256",
    ALG_EDDSA: "EdDSA",
    ALG_PS256: "PS256",
}

# Epoch seconds accepted in CWT time claims: 1970 … 9999-12-31. Outside that
# range ``datetime`` raises OverflowError, which must not escape as a crash.
_MAX_EPOCH_S: Final = 253_402_300_799

CborKey = int | str | bytes
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey
PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey


# --------------------------------------------------------------------------- errors


class CertificateError(StationError):
    """A certificate payload could not be decoded or verified.

    ``layer`` names where it failed (prefix, base45, zlib, cbor, cose, cwt,
    claims, signature, trust list); the message starts with it so a log line or
    a verdict reason says where to look.
    """

    layer: ClassVar[str] = "certificate"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"{self.layer}: {detail}")


class PrefixError(CertificateError):
    layer = "prefix"


class Base45Error(CertificateError):
    layer = "base45"


class CompressionError(CertificateError):
    layer = "zlib"


class CborError(CertificateError):
    layer = "cbor"


class CoseError(CertificateError):
    layer = "cose"


class CwtError(CertificateError):
    layer = "cwt"


class SignatureError(CertificateError):
    layer = "signature"


# --------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class PayloadLimits:
    """Hard bounds for each decoding layer.

    The defaults fit a barcode: a version-40 QR code holds at most 4,296
    alphanumeric characters, so anything longer did not come from one.
    """

    max_text_chars: int = 6_000
    max_inflated_bytes: int = 64 * 1024
    max_cbor_bytes: int = 64 * 1024
    max_cbor_depth: int = 16
    max_cbor_items: int = 20_000


DEFAULT_LIMITS: Final = PayloadLimits()


# --------------------------------------------------------------------------- text layers


def strip_prefix(text: str, prefix: str = ECOO_PREFIX) -> str:
    """Return the base45 part of ``text`` after the context prefix (e.g. ``COO1:``)."""
    # Scanners in keyboard-wedge mode append CR/LF; a space is base45, so only
    # line endings are stripped.
    body = text.rstrip("\r\n")
    if body.startswith(prefix):
        return body[len(prefix) :]
    head, colon, _ = body[:8].partition(":")
    if colon:
        raise PrefixError(f"expected prefix {prefix!r}, found {head[:8] + ':'!r}")
    raise PrefixError(f"missing prefix {prefix!r}")


def base45_decode(text: str, *, limits: PayloadLimits = DEFAULT_LIMITS) -> bytes:
    """Decode RFC 9285 base45 text, naming the first bad character or group."""
    if len(text) > limits.max_text_chars:
        raise Base45Error(f"text of {len(text)} characters exceeds {limits.max_text_chars}")
    if not text:
        raise Base45Error("empty data")
    for index, char in enumerate(text):
        if char not in _BASE45_SET:
            raise Base45Error(f"character {char!r} at position {index} is not base45")
    if len(text) % 3 == 1:
        raise Base45Error(f"length {len(text)} is impossible for base45 (truncated?)")
    try:
        decoded: bytes = base45.b45decode(text)
    except ValueError as exc:
        # Only out-of-range groups reach here (e.g. "GGW" > 0xFFFF).
        raise Base45Error("a character group encodes a value out of range") from exc
    return decoded


def base45_encode(data: bytes) -> str:
    encoded: bytes = base45.b45encode(data)
    return encoded.decode("ascii")


def inflate(data: bytes, *, limits: PayloadLimits = DEFAULT_LIMITS) -> bytes:
    """Decompress a zlib stream, refusing to produce more than the limit (zip bombs)."""
    decompressor = zlib.decompressobj(wbits=15)  # zlib header required, as the DGC
    try:
        # max_length stops inflation one byte past the bound: memory stays bounded
        # however well the input compresses.
        out = decompressor.decompress(data, limits.max_inflated_bytes + 1)
    except zlib.error as exc:
        raise CompressionError(f"not a valid zlib stream ({exc})") from exc
    if len(out) > limits.max_inflated_bytes:
        raise CompressionError(
            f"inflates to more than {limits.max_inflated_bytes} bytes; refused (zip bomb?)"
        )
    if not decompressor.eof:
        raise CompressionError("zlib stream is truncated")
    if decompressor.unused_data:
        raise CompressionError(f"{len(decompressor.unused_data)} bytes after the zlib stream")
    return out


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, level=9)


# --------------------------------------------------------------------------- CBOR


@dataclass(frozen=True)
class CborTag:
    """A tagged CBOR item, kept as is: tags carry no meaning at this layer."""

    tag: int
    value: Any


class _CborReader:
    """Bounded recursive-descent CBOR decoder (RFC 8949), see the module docstring."""

    def __init__(self, data: bytes, limits: PayloadLimits) -> None:
        self.data = data
        self.pos = 0
        self.limits = limits
        self.items = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, count: int) -> bytes:
        if count > self.remaining():
            raise CborError(f"item needs {count} bytes, only {self.remaining()} left (truncated)")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def head(self) -> tuple[int, int, int | None]:
        """Return (major type, additional info, argument); argument None = indefinite."""
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if info < 24:
            return major, info, info
        if info <= 27:
            size = 1 << (info - 24)
            return major, info, int.from_bytes(self.take(size), "big")
        if info == 31:
            return major, info, None
        raise CborError(f"reserved additional information {info} at offset {self.pos - 1}")

    def count_item(self) -> None:
        self.items += 1
        if self.items > self.limits.max_cbor_items:
            raise CborError(f"more than {self.limits.max_cbor_items} items")

    def item(self, depth: int) -> Any:
        if depth > self.limits.max_cbor_depth:
            raise CborError(f"nesting deeper than {self.limits.max_cbor_depth}")
        self.count_item()
        start = self.pos
        major, info, arg = self.head()
        if major == 0:
            return self._definite(arg, start)
        if major == 1:
            return -1 - self._definite(arg, start)
        if major in (2, 3):
            return self.string(major, arg)
        if major == 4:
            return self.array(arg, depth)
        if major == 5:
            return self.map(arg, depth)
        if major == 6:
            return CborTag(self._definite(arg, start), self.item(depth + 1))
        return self.simple(info, arg, start)

    @staticmethod
    def _definite(arg: int | None, start: int) -> int:
        if arg is None:
            raise CborError(f"indefinite length not allowed for this item at offset {start}")
        return arg

    def string(self, major: int, arg: int | None) -> bytes | str:
        if arg is not None:
            raw = self.take(arg)
        else:
            chunks: list[bytes] = []
            while True:
                if self.remaining() and self.data[self.pos] == 0xFF:
                    self.pos += 1
                    break
                self.count_item()
                chunk_major, _, chunk_len = self.head()
                if chunk_major != major or chunk_len is None:
                    raise CborError("indefinite string chunk of the wrong type")
                chunks.append(self.take(chunk_len))
            raw = b"".join(chunks)
        if major == 2:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CborError(f"text string is not UTF-8 ({exc.reason})") from exc

    def _at_break(self) -> bool:
        if not self.remaining():
            raise CborError("indefinite container is not terminated (truncated)")
        if self.data[self.pos] == 0xFF:
            self.pos += 1
            return True
        return False

    def array(self, arg: int | None, depth: int) -> list[Any]:
        out: list[Any] = []
        if arg is None:
            while not self._at_break():
                out.append(self.item(depth + 1))
            return out
        # Each element takes at least one byte: a huge declared length with a
        # short input is refused before anything is allocated.
        if arg > self.remaining():
            raise CborError(f"array of {arg} items longer than the data (truncated)")
        for _ in range(arg):
            out.append(self.item(depth + 1))
        return out

    def map(self, arg: int | None, depth: int) -> dict[CborKey, Any]:
        out: dict[CborKey, Any] = {}
        if arg is not None and 2 * arg > self.remaining():
            raise CborError(f"map of {arg} pairs longer than the data (truncated)")
        index = 0
        while (not self._at_break()) if arg is None else index < arg:
            index += 1
            key = self.item(depth + 1)
            if not isinstance(key, int | str | bytes) or isinstance(key, bool):
                raise CborError(f"map key of type {type(key).__name__} not supported")
            if key in out:
                raise CborError(f"duplicate map key {key!r}")
            out[key] = self.item(depth + 1)
        return out

    def simple(self, info: int, arg: int | None, start: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 25 and arg is not None:
            return struct.unpack(">e", arg.to_bytes(2, "big"))[0]
        if info == 26 and arg is not None:
            return struct.unpack(">f", arg.to_bytes(4, "big"))[0]
        if info == 27 and arg is not None:
            return struct.unpack(">d", arg.to_bytes(8, "big"))[0]
        if info == 31:
            raise CborError(f"unexpected break at offset {start}")
        # undefined (23) and unassigned simple values have no place in a claim set.
        raise CborError(f"unsupported simple value {arg} at offset {start}")


def decode_cbor(data: bytes, *, limits: PayloadLimits = DEFAULT_LIMITS) -> Any:
    """Decode exactly one CBOR item; tags come back as ``CborTag``."""
    if len(data) > limits.max_cbor_bytes:
        raise CborError(f"{len(data)} bytes exceeds the limit of {limits.max_cbor_bytes}")
    if not data:
        raise CborError("empty data")
    reader = _CborReader(bytes(data), limits)
    value = reader.item(0)
    if reader.remaining():
        raise CborError(f"{reader.remaining()} bytes after the CBOR item")
    return value


def encode_cbor(value: Any) -> bytes:
    """Deterministic (RFC 8949 §4.2) encoding of our own structures."""
    return cbor2.dumps(value, canonical=True)


# --------------------------------------------------------------------------- COSE


@dataclass(frozen=True)
class CoseSign1:
    """A decoded COSE_Sign1 message (RFC 9052 §4.2); nothing verified yet."""

    protected_bytes: bytes
    protected: Mapping[CborKey, Any]
    unprotected: Mapping[CborKey, Any]
    payload: bytes
    signature: bytes
    tags: tuple[int, ...] = ()

    @property
    def kid(self) -> bytes | None:
        """Key id: the protected header wins; the unprotected one is a fallback.

        A kid in the protected header is signed, so when both are present the
        unprotected one is ignored (DGC vectors CO21/CO22).
        """
        for headers in (self.protected, self.unprotected):
            if HEADER_KID in headers:
                kid = headers[HEADER_KID]
                return kid if isinstance(kid, bytes) else None
        return None

    @property
    def algorithm(self) -> int | None:
        """COSE algorithm id; protected first. An unprotected alg is still safe
        because the verifier only runs the algorithm that fits the key's type."""
        for headers in (self.protected, self.unprotected):
            if HEADER_ALG in headers:
                alg = headers[HEADER_ALG]
                return alg if isinstance(alg, int) and not isinstance(alg, bool) else None
        return None

    @property
    def algorithm_name(self) -> str | None:
        alg = self.algorithm
        if alg is None:
            return None
        return ALGORITHM_NAMES.get(alg, f"COSE alg {alg}")

    def to_be_signed(self, external_aad: bytes = b"") -> bytes:
        return sig_structure(self.protected_bytes, self.payload, external_aad)


def sig_structure(protected_bytes: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """The Sig_structure for COSE_Sign1 (RFC 9052 §4.4)."""
    return encode_cbor(["Signature1", protected_bytes, external_aad, payload])


def _header_map(value: Any, where: str) -> dict[CborKey, Any]:
    if not isinstance(value, dict):
        raise CoseError(f"{where} header is not a map")
    for key in value:
        if not isinstance(key, int | str):
            raise CoseError(f"{where} header label {key!r} is not an integer or text")
    return value


def decode_cose_sign1(data: bytes, *, limits: PayloadLimits = DEFAULT_LIMITS) -> CoseSign1:
    """Parse a COSE_Sign1, tagged 18, tagged 61(18(...)) (CWT), or untagged."""
    try:
        item = decode_cbor(data, limits=limits)
    except CborError as exc:
        raise CoseError(f"not a CBOR item ({exc.detail})") from exc
    tags: list[int] = []
    while isinstance(item, CborTag):
        tags.append(item.tag)
        item = item.value
    if tags not in ([], [TAG_COSE_SIGN1], [TAG_CWT, TAG_COSE_SIGN1]):
        shown = "(".join(str(tag) for tag in tags)
        raise CoseError(f"wrong COSE tag {shown} (expected 18, COSE_Sign1)")
    if not isinstance(item, list) or len(item) != 4:
        raise CoseError("COSE_Sign1 must be an array of 4 items")
    protected_bytes, unprotected, payload, signature = item
    if not isinstance(protected_bytes, bytes):
        raise CoseError("protected header is not a byte string")
    if payload is None:
        raise CoseError("detached payload is not supported")
    if not isinstance(payload, bytes):
        raise CoseError("payload is not a byte string")
    if not isinstance(signature, bytes):
        raise CoseError("signature is not a byte string")
    if protected_bytes:
        try:
            protected_value = decode_cbor(protected_bytes, limits=limits)
        except CborError as exc:
            raise CoseError(f"protected header is not CBOR ({exc.detail})") from exc
        protected = _header_map(protected_value, "protected")
    else:
        protected = {}
    return CoseSign1(
        protected_bytes=protected_bytes,
        protected=protected,
        unprotected=_header_map(unprotected, "unprotected"),
        payload=payload,
        signature=signature,
        tags=tuple(tags),
    )


def _key_type(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return "Ed25519"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return f"RSA {key.key_size}"
    return type(key).__name__


def verify_signature(message: CoseSign1, key: PublicKey) -> None:
    """Check the COSE_Sign1 signature with ``key``; raise ``SignatureError`` if it fails.

    The algorithm must fit the key's type: a header naming RSA over an EC key
    is refused rather than "tried" (DGC CO27).
    """
    alg = message.algorithm
    if alg is None:
        raise SignatureError("no algorithm in the COSE headers")
    if alg not in ALGORITHM_NAMES:
        raise SignatureError(f"unsupported algorithm (COSE alg {alg})")
    name = ALGORITHM_NAMES[alg]
    data = message.to_be_signed()
    signature = message.signature
    try:
        if alg == ALG_ES256 and isinstance(key, ec.EllipticCurvePublicKey):
            # ES256 is ECDSA with SHA-256; RFC 9053 only *suggests* P-256, and DGC
            # vectors ES/401-403 sign ES256 with a P-384 key and expect success.
            if not isinstance(key.curve, ec.SECP256R1 | ec.SECP384R1):
                raise SignatureError(f"ES256 with curve {key.curve.name} is not accepted")
            # COSE carries r||s (RFC 9053 §2.1), cryptography wants DER.
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                raise SignatureError(
                    f"ES256 signature of {len(signature)} bytes, expected {2 * size}"
                )
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        elif alg == ALG_EDDSA and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif alg == ALG_PS256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(
                signature,
                data,
                # RFC 8230 §2: salt length equals the hash length.
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                hashes.SHA256(),
            )
        else:
            raise SignatureError(f"algorithm {name} does not fit the key ({_key_type(key)})")
    except InvalidSignature as exc:
        raise SignatureError(f"{name} signature does not verify (forged or altered)") from exc


def _algorithm_for(key: PrivateKey) -> int:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise SignatureError(f"ES256 needs a P-256 key, not {key.curve.name}")
        return ALG_ES256
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return ALG_EDDSA
    return ALG_PS256


def sign_cose_sign1(
    payload: bytes,
    key: PrivateKey,
    *,
    kid: bytes | None = None,
    extra_protected: Mapping[int, Any] | None = None,
    tag: bool = True,
) -> bytes:
    """Make a COSE_Sign1 over ``payload`` (for demo documents and trust lists)."""
    alg = _algorithm_for(key)
    header: dict[int, Any] = {HEADER_ALG: alg}
    if kid is not None:
        header[HEADER_KID] = kid
    header.update(extra_protected or {})
    protected_bytes = encode_cbor(header)
    data = sig_structure(protected_bytes, payload)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(data)
    else:
        signature = key.sign(
            data,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
    body = [protected_bytes, {}, payload, signature]
    return encode_cbor(cbor2.CBORTag(TAG_COSE_SIGN1, body) if tag else body)


# --------------------------------------------------------------------------- CWT


@dataclass(frozen=True)
class CwtClaims:
    """The CWT claim set (RFC 8392) with the standard time claims typed.

    ``raw`` keeps every claim, so a profile's private claim (the e-COO map,
    or the DGC's -260) is reached with ``claim(key)`` without this layer
    knowing its schema.
    """

    issuer: str | None
    issued_at: datetime | None
    expires_at: datetime | None
    not_before: datetime | None
    raw: Mapping[CborKey, Any] = field(default_factory=dict)

    def claim(self, key: CborKey) -> Any:
        return self.raw.get(key)


def _epoch(value: Any, name: str) -> datetime:
    # Floats are allowed by RFC 8392 (NumericDate); NaN/inf and out-of-range
    # values would make datetime raise, so they are refused here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CwtError(f"{name} is not a number of seconds")
    if isinstance(value, float) and not math.isfinite(value):
        raise CwtError(f"{name} is not a finite number")
    if not 0 <= value <= _MAX_EPOCH_S:
        raise CwtError(f"{name} {value} is out of range")
    return datetime.fromtimestamp(value, tz=UTC)


def decode_cwt_claims(payload: bytes, *, limits: PayloadLimits = DEFAULT_LIMITS) -> CwtClaims:
    try:
        raw = decode_cbor(payload, limits=limits)
    except CborError as exc:
        raise CwtError(f"claim set is not CBOR ({exc.detail})") from exc
    if isinstance(raw, CborTag) and raw.tag == TAG_CWT:  # a CWT tag inside is tolerated
        raw = raw.value
    if not isinstance(raw, dict):
        raise CwtError("claim set is not a map")
    issuer = raw.get(CLAIM_ISS)
    if issuer is not None and not isinstance(issuer, str):
        raise CwtError("iss (1) is not text")
    times = {
        key: _epoch(raw[key], name) if key in raw else None
        for key, name in ((CLAIM_IAT, "iat (6)"), (CLAIM_EXP, "exp (4)"), (CLAIM_NBF, "nbf (5)"))
    }
    return CwtClaims(
        issuer=issuer,
        issued_at=times[CLAIM_IAT],
        expires_at=times[CLAIM_EXP],
        not_before=times[CLAIM_NBF],
        raw=raw,
    )


def check_cwt_times(claims: CwtClaims, now: datetime) -> list[str]:
    """Reasons the claim set is not valid at ``now`` (empty list: it is), e.g.
    "certificate expired on 2025-01-01T00:00:00+00:00"."""
    reasons: list[str] = []
    if claims.issued_at is not None and now < claims.issued_at:
        reasons.append(texts.CWT_ISSUED_IN_FUTURE.render(time=claims.issued_at.isoformat()))
    if claims.not_before is not None and now < claims.not_before:
        reasons.append(texts.CWT_NOT_YET_VALID.render(time=claims.not_before.isoformat()))
    # Valid up to and including the exp second, as DGC verifiers do (vector
    # ES/1501 is checked exactly at exp and expected valid); RFC 8392 would say ">=".
    if claims.expires_at is not None and now > claims.expires_at:
        reasons.append(texts.CWT_EXPIRED.render(time=claims.expires_at.isoformat()))
    return reasons


# --------------------------------------------------------------------------- pipeline


@dataclass(frozen=True)
class DecodedPayload:
    """A payload decoded through every layer; the signature is not checked yet."""

    cose: CoseSign1
    claims: CwtClaims


def decode_payload(
    text: str, *, prefix: str = ECOO_PREFIX, limits: PayloadLimits = DEFAULT_LIMITS
) -> DecodedPayload:
    """Text of a barcode → COSE_Sign1 + CWT claims, or a ``CertificateError``."""
    if len(text) > limits.max_text_chars + len(prefix) + 2:
        raise PrefixError(f"text of {len(text)} characters is longer than any barcode payload")
    compressed = base45_decode(strip_prefix(text, prefix), limits=limits)
    cose = decode_cose_sign1(inflate(compressed, limits=limits), limits=limits)
    return DecodedPayload(cose=cose, claims=decode_cwt_claims(cose.payload, limits=limits))


def encode_payload(cose_bytes: bytes, *, prefix: str = ECOO_PREFIX) -> str:
    """COSE bytes → barcode text (zlib, base45, prefix)."""
    return prefix + base45_encode(deflate(cose_bytes))
