"""The signed model update manifest: what central says a detector model release is.

A release is one model directory (``model.onnx`` + ``model.json``). Its id is the
sha256 of its ``model.json``: the card holds the sha256 of ``model.onnx``, so the
card's hash pins both files. Central signs a manifest naming the release::

    {"v": 1,
     "name": "xcnet", "version": "1.1",     # from the card, for people and the log
     "card_sha256": "…64 hex…",             # the release id
     "card_size": 10031,
     "model_sha256": "…64 hex…",            # sha256 of model.onnx (= the card's "sha256")
     "model_size": 2971067,
     "iat": 1767225600}                     # issue time, epoch seconds

as a COSE_Sign1 (tagged 18) with the same central key that signs trust lists
and the helpers of ``station_app.certificates.payload``, but with its own content
type in the protected header (``MODEL_UPDATE_CONTENT_TYPE``): a trust list can
never be taken for a model update, nor the other way round. A detached signature
would have needed a second key format and a second verifier; COSE keeps one.

The JSON offer of ``GET /v1/models/latest`` (``ModelOffer``) carries the signed
manifest base64-encoded; its other fields are unsigned conveniences and must
agree with the manifest, or the offer is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

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
from station_app.errors import StationError

MODEL_UPDATE_CONTENT_TYPE: Final = "application/vnd.station-app.model-update+cbor"
MODEL_UPDATE_VERSION: Final = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")
# A manifest is a few hundred bytes; these bounds stop anything else early.
MANIFEST_LIMITS: Final = PayloadLimits(
    max_text_chars=0,
    max_inflated_bytes=0,
    max_cbor_bytes=16 * 1024,
    max_cbor_depth=4,
    max_cbor_items=64,
)
_MAX_EPOCH_S: Final = 253_402_300_799


class ModelUpdateError(StationError):
    """A model update from central was refused; the message says why, in one line."""


@dataclass(frozen=True)
class ModelManifest:
    """An authenticated model release (only ``parse_model_manifest`` makes one from bytes)."""

    name: str
    version: str
    card_sha256: str  # the release id
    card_size: int  # bytes of model.json
    model_sha256: str
    model_size: int  # bytes of model.onnx
    issued_at: datetime

    @property
    def release(self) -> str:
        return f"{self.name} {self.version}"

    def to_cbor_map(self) -> dict[str, Any]:
        return {
            "v": MODEL_UPDATE_VERSION,
            "name": self.name,
            "version": self.version,
            "card_sha256": self.card_sha256,
            "card_size": self.card_size,
            "model_sha256": self.model_sha256,
            "model_size": self.model_size,
            "iat": int(self.issued_at.timestamp()),
        }


class ModelOffer(BaseModel):
    """Answer of ``GET /v1/models/latest`` (200): the release central wants this station to run."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(max_length=200)
    version: str = Field(max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # the release id (sha256 of model.json)
    manifest: str = Field(max_length=32 * 1024)  # base64 COSE_Sign1, MODEL_UPDATE_CONTENT_TYPE


def sign_model_manifest(manifest: ModelManifest, central_key: PrivateKey) -> bytes:
    """Central's side: the COSE_Sign1 document of ``manifest``."""
    return sign_cose_sign1(
        encode_cbor(manifest.to_cbor_map()),
        central_key,
        extra_protected={HEADER_CONTENT_TYPE: MODEL_UPDATE_CONTENT_TYPE},
    )


def _text(body: dict[Any, Any], name: str, max_len: int = 200) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise ModelUpdateError(f"model update manifest: {name!r} is missing or not text")
    return value


def _count(body: dict[Any, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ModelUpdateError(f"model update manifest: {name!r} is missing or not a size")
    return value


def _digest(body: dict[Any, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ModelUpdateError(f"model update manifest: {name!r} is not 64 lower-case hex digits")
    return value


def parse_model_manifest(document: bytes, central_key: PublicKey) -> ModelManifest:
    """Verify ``document`` against the pinned central key, then read it; ``ModelUpdateError``
    for anything wrong. Nothing of an unverified document is used."""
    try:
        message = decode_cose_sign1(document, limits=MANIFEST_LIMITS)
        if TAG_COSE_SIGN1 not in message.tags:
            raise ModelUpdateError("model update manifest is not a tagged COSE_Sign1")
        verify_signature(message, central_key)
    except CertificateError as exc:
        raise ModelUpdateError(
            f"model update manifest rejected, not signed by central ({exc})"
        ) from exc
    if message.protected.get(HEADER_CONTENT_TYPE) != MODEL_UPDATE_CONTENT_TYPE:
        raise ModelUpdateError("signed document is not a model update (wrong content type)")
    try:
        body = decode_cbor(message.payload, limits=MANIFEST_LIMITS)
    except CertificateError as exc:
        raise ModelUpdateError(f"model update manifest body is not CBOR ({exc.detail})") from exc
    if not isinstance(body, dict):
        raise ModelUpdateError("model update manifest body is not a map")
    if body.get("v") != MODEL_UPDATE_VERSION:
        raise ModelUpdateError(f"model update manifest version {body.get('v')!r} not supported")
    issued = _count(body, "iat")
    if issued > _MAX_EPOCH_S:
        raise ModelUpdateError("model update manifest: 'iat' is out of range")
    return ModelManifest(
        name=_text(body, "name"),
        version=_text(body, "version"),
        card_sha256=_digest(body, "card_sha256"),
        card_size=_count(body, "card_size"),
        model_sha256=_digest(body, "model_sha256"),
        model_size=_count(body, "model_size"),
        issued_at=datetime.fromtimestamp(issued, tz=UTC),
    )


def manifest_of_offer(offer: ModelOffer, central_key: PublicKey) -> tuple[ModelManifest, bytes]:
    """The verified manifest of an offer (and its signed bytes, kept as evidence)."""
    try:
        document = base64.b64decode(offer.manifest, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ModelUpdateError("model offer: 'manifest' is not base64") from exc
    manifest = parse_model_manifest(document, central_key)
    if (offer.sha256, offer.name, offer.version) != (
        manifest.card_sha256,
        manifest.name,
        manifest.version,
    ):
        raise ModelUpdateError(
            "model offer does not match its signed manifest "
            f"(offer {offer.name} {offer.version} {offer.sha256[:12]}…, "
            f"signed {manifest.release} {manifest.card_sha256[:12]}…)"
        )
    return manifest, document
