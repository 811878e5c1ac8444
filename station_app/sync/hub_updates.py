"""The reference hub's signed updates: detector model releases and the trust list.

What the hub offers lives in files beside its database (``<db>-updates/``), so
``station-app hub publish-model`` / ``publish-trust-list`` can publish while a hub
is serving; every request reads the current pointer::

    hub-updates/
      models/latest                 release id (sha256 of model.json) of the latest release
      models/<release id>/          model.onnx, model.json, update.cose (signed manifest)
      trust-list.cose               the latest trust list central was given

Publishing a model signs its manifest (``update_manifest``) with central's
private key; the hub never needs that key to serve. A trust list arrives
already signed; the hub checks that it is a COSE_Sign1 trust list and, when it
is given central's public key, that the signature verifies, so an operator's
mistake is caught before any station sees it. The stations verify everything
again themselves.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from fastapi.responses import FileResponse

from station_app.atomic_files import write_atomic
from station_app.certificates.payload import (
    HEADER_CONTENT_TYPE,
    CertificateError,
    PrivateKey,
    PublicKey,
    decode_cbor,
    decode_cose_sign1,
)
from station_app.certificates.trust import (
    TRUST_LIMITS,
    TRUST_LIST_CONTENT_TYPE,
    TrustListError,
    load_public_key,
    parse_trust_list,
)
from station_app.certificates.trust_keeper import document_etag
from station_app.detection.model_card import CARD_FILE, MODEL_FILE, read_verified_model
from station_app.errors import StationError
from station_app.sync.hub import station_for
from station_app.sync.hub_store import HubStore
from station_app.sync.update_manifest import ModelManifest, ModelOffer, sign_model_manifest

log = logging.getLogger(__name__)

MANIFEST_FILE = "update.cose"
COSE_MEDIA_TYPE = "application/cose; cose-type=cose-sign1"
_RELEASE = re.compile(r"[0-9a-f]{64}")
_RELEASE_PATTERN = r"^[0-9a-f]{64}$"

# Module level: FastAPI resolves these (string) annotations in the module's globals.
Station = Annotated[str, Depends(station_for)]


class PublishError(StationError):
    """Something given to the hub to publish was refused; the message says why."""


@dataclass(frozen=True)
class PublishedModel:
    manifest: ModelManifest
    document: bytes  # the signed manifest


def load_signing_key(path: Path) -> PrivateKey:
    """Central's private signing key from an unencrypted PEM (PKCS#8 or traditional) file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublishError(f"signing key {path}: {exc.strerror or exc}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise PublishError(f"signing key {path} is not an unencrypted PEM private key") from exc
    if not isinstance(
        key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
    ):
        raise PublishError(f"signing key type {type(key).__name__} is not supported")
    return key


class HubUpdates:
    """The files the hub serves updates from. Publishing replaces the pointer atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.models_dir = directory / "models"

    @classmethod
    def beside(cls, db_path: Path) -> HubUpdates:
        return cls(db_path.with_name(f"{db_path.stem}-updates"))

    @classmethod
    def of_store(cls, store: HubStore) -> HubUpdates:
        return cls.beside(Path(str(store.engine.url.database)))

    # ------------------------------------------------------------ models

    def publish_model(
        self, model_dir: Path, signing_key: PrivateKey, *, issued_at: datetime | None = None
    ) -> PublishedModel:
        """Sign a release of ``model_dir`` (model.onnx + model.json) and make it the latest."""
        card, blob = read_verified_model(model_dir)  # a damaged model is never published
        card_bytes = (model_dir / CARD_FILE).read_bytes()
        release = hashlib.sha256(card_bytes).hexdigest()
        manifest = ModelManifest(
            name=card.name,
            version=card.version,
            card_sha256=release,
            card_size=len(card_bytes),
            model_sha256=card.sha256,
            model_size=len(blob),
            issued_at=(issued_at or datetime.now(UTC)).replace(microsecond=0),
        )
        document = sign_model_manifest(manifest, signing_key)
        self.models_dir.mkdir(parents=True, exist_ok=True)
        target = self.models_dir / release
        if target.exists():  # published before: re-signed with a new issue time
            shutil.rmtree(target)
        staging = Path(tempfile.mkdtemp(prefix=".publish-", dir=self.models_dir))
        try:
            (staging / MODEL_FILE).write_bytes(blob)
            (staging / CARD_FILE).write_bytes(card_bytes)
            (staging / MANIFEST_FILE).write_bytes(document)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        write_atomic(self.models_dir / "latest", release.encode("ascii"))
        log.info("hub: published model %s (%s…)", manifest.release, release[:12])
        return PublishedModel(manifest, document)

    def latest_release(self) -> str | None:
        try:
            text = (self.models_dir / "latest").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text if _RELEASE.fullmatch(text) else None

    def release_dir(self, release: str) -> Path:
        if not _RELEASE.fullmatch(release):
            raise ValueError(f"{release!r} is not a release id")
        return self.models_dir / release

    def latest_offer(self) -> ModelOffer | None:
        release = self.latest_release()
        if release is None:
            return None
        try:
            document = (self.release_dir(release) / MANIFEST_FILE).read_bytes()
        except OSError:
            return None
        # The hub's own file, decoded without a key only to fill the offer's plain fields.
        body = decode_cbor(decode_cose_sign1(document).payload)
        if not isinstance(body, dict):
            return None
        return ModelOffer(
            name=str(body.get("name")),
            version=str(body.get("version")),
            sha256=release,
            manifest=base64.b64encode(document).decode("ascii"),
        )

    # ------------------------------------------------------------ trust list

    @property
    def trust_list_path(self) -> Path:
        return self.directory / "trust-list.cose"

    def publish_trust_list(self, document: bytes, central_key: PublicKey | None = None) -> int:
        """Serve ``document`` from now on; returns its seq (0 when not checked with a key)."""
        if len(document) > TRUST_LIMITS.max_cbor_bytes:
            raise PublishError(f"trust list of {len(document)} bytes is too large")
        try:
            message = decode_cose_sign1(document, limits=TRUST_LIMITS)
        except CertificateError as exc:
            raise PublishError(f"not a signed trust list: {exc}") from exc
        if message.protected.get(HEADER_CONTENT_TYPE) != TRUST_LIST_CONTENT_TYPE:
            raise PublishError("not a trust list (wrong COSE content type)")
        sequence = 0
        if central_key is not None:
            try:
                sequence = parse_trust_list(document, central_key).sequence
            except TrustListError as exc:
                raise PublishError(str(exc)) from exc
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self.trust_list_path, document)
        log.info("hub: published trust list (%d bytes)", len(document))
        return sequence

    def trust_list(self) -> bytes | None:
        try:
            return self.trust_list_path.read_bytes()
        except FileNotFoundError:
            return None


def add_update_routes(app: FastAPI, updates: HubUpdates) -> None:
    """``/v1/models/latest``, ``/v1/models/{sha256}/model.onnx|model.json``, ``/v1/trust-list``."""

    @app.get(
        "/v1/models/latest",
        response_model=ModelOffer,
        responses={204: {"description": "the station already runs the latest model"}},
    )
    def latest_model(
        _station: Station,
        current_sha256: Annotated[str | None, Query(pattern=_RELEASE_PATTERN)] = None,
    ) -> ModelOffer | Response:
        offer = updates.latest_offer()
        if offer is None or offer.sha256 == current_sha256:
            return Response(status_code=204)
        return offer

    def release_file(sha256: str, name: str) -> FileResponse:
        if not _RELEASE.fullmatch(sha256):
            raise HTTPException(400, f"invalid release id {sha256[:80]!r}")
        path = updates.release_dir(sha256) / name
        if not path.is_file():
            raise HTTPException(404, f"no release {sha256[:12]}… on this hub")
        return FileResponse(path, media_type="application/octet-stream")

    @app.get("/v1/models/{sha256}/model.onnx")
    def model_onnx(sha256: str, _station: Station) -> FileResponse:
        return release_file(sha256, MODEL_FILE)

    @app.get("/v1/models/{sha256}/model.json")
    def model_json(sha256: str, _station: Station) -> FileResponse:
        return release_file(sha256, CARD_FILE)

    @app.get("/v1/trust-list", response_class=Response)
    def trust_list(
        _station: Station,
        if_none_match: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Response:
        document = updates.trust_list()
        if document is None:
            raise HTTPException(404, "no trust list published on this hub")
        etag = document_etag(document)
        if if_none_match is not None and etag in (t.strip() for t in if_none_match.split(",")):
            return Response(status_code=304, headers={"ETag": etag})
        return Response(document, media_type=COSE_MEDIA_TYPE, headers={"ETag": etag})



# --------------------------------------------------------------------------- commands


def publish_model_command(db_path: Path, model_dir: Path, signing_key: Path) -> int:
    """``station-app hub publish-model DIR --signing-key KEY``."""
    published = HubUpdates.beside(db_path).publish_model(model_dir, load_signing_key(signing_key))
    manifest = published.manifest
    print(
        f"published model {manifest.release}: release {manifest.card_sha256} "
        f"({manifest.model_size} bytes), issued {manifest.issued_at.isoformat()}"
    )
    return 0


def publish_trust_list_command(db_path: Path, document: Path, central_key: Path | None) -> int:
    """``station-app hub publish-trust-list FILE [--central-key KEY]``."""
    try:
        data = document.read_bytes()
    except OSError as exc:
        raise PublishError(f"trust list {document}: {exc.strerror or exc}") from exc
    key = None
    if central_key is not None:
        try:
            key = load_public_key(central_key.read_bytes())
        except OSError as exc:
            raise PublishError(f"central key {central_key}: {exc.strerror or exc}") from exc
    sequence = HubUpdates.beside(db_path).publish_trust_list(data, key)
    checked = f"seq {sequence}, signature verified" if key is not None else "signature not checked"
    print(f"published trust list {document.name} ({len(data)} bytes, {checked})")
    return 0
