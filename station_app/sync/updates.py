"""Signed updates from central, on the sync worker's thread: the trust list and the detector model.

Trust list: ``GET /v1/trust-list`` with ``If-None-Match`` (304: nothing to do);
a new document goes to ``TrustListKeeper.install``, which verifies it against the
pinned central key and the ``seq`` of the list in force before anything changes.

Model: ``GET /v1/models/latest?current_sha256=<release id of the running model>``
(204: it is current). The offer's manifest is verified against the same key
(its own COSE content type), then ``model.json`` and ``model.onnx`` are streamed
into a staging folder of the model store, each bounded by the signed size and
checked against the signed sha256; the card is verified against the ONNX file,
the folder is renamed into place, and the station loads it for a trial (one
warm-up run) before it points ``active`` at it and swaps the detector between
parcels (``ModelActivator.activate_model``). Anything that fails leaves the
running model in place; a release that verified but would not load is
remembered and not taken again.

Nothing here raises into the worker: ``check()`` returns what happened and the
errors, one clear line each. Without a central key configured nothing is fetched
(an unverifiable update is worth nothing), and the log says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from station_app.certificates.payload import PublicKey
from station_app.certificates.trust import TRUST_LIMITS, TrustListError
from station_app.certificates.trust_keeper import (
    TrustListKeeper,
    document_etag,
    load_central_key,
)
from station_app.config import StationConfig
from station_app.detection.detector import DetectorStatus
from station_app.detection.model_card import (
    CARD_FILE,
    MODEL_FILE,
    ModelRejectedError,
    read_verified_model,
)
from station_app.detection.model_store import MANIFEST_FILE, ModelStore
from station_app.errors import StationError
from station_app.file_digest import file_sha256
from station_app.storage import Database
from station_app.storage.audit import (
    ACTION_MODEL_REJECTED,
    ACTION_TRUST_LIST_INSTALLED,
    ACTION_TRUST_LIST_REJECTED,
    AuditLog,
)
from station_app.sync.client import CentralClient, SyncError
from station_app.sync.update_manifest import (
    ModelManifest,
    ModelOffer,
    ModelUpdateError,
    manifest_of_offer,
    parse_model_manifest,
)

log = logging.getLogger(__name__)

_OFFER_MAX_BYTES = 64 * 1024
_ACTOR = "central"


class ModelActivator(Protocol):
    """The running station's side of a model update (``station_app.station.Station``)."""

    def current_model_release(self) -> str | None:
        """Release id (sha256 of model.json) of the model running now; None: none runs."""
        ...

    def activate_model(self, model_dir: Path) -> DetectorStatus:
        """Trial-load ``model_dir``, make it active, run it from the next parcel on.
        ``ModelRejectedError``: it did not load, the running model stays."""
        ...


@dataclass(frozen=True)
class UpdateReport:
    """One ``SignedUpdates.check``: what happened to each kind, and the errors."""

    trust_list: str  # "installed seq 4", "unchanged", "none published", "off", "failed"
    model: str  # "activated xcnet 1.1", "current", "skipped", "off", "failed"
    errors: tuple[str, ...] = ()

    @property
    def error(self) -> str | None:
        return "; ".join(self.errors) if self.errors else None


class UpdateRefusedError(StationError):
    """An update that was refused; the message is what the technician reads."""


class SignedUpdates:
    """Checks central for a newer trust list and detector model. One thread (the worker's)."""

    def __init__(
        self,
        config: StationConfig,
        database: Database | None,
        *,
        store: ModelStore,
        trust: TrustListKeeper | None,
        models: ModelActivator | None,
        central_key: PublicKey | None = None,
    ) -> None:
        self._sync = config.sync
        self._station_id = config.station_id
        self._database = database
        self._store = store
        self._trust = trust
        self._models = models if config.detector.enabled else None
        self._client: CentralClient | None = None
        self._rejected_trust_etag: str | None = None
        key = central_key
        if key is None:
            try:
                key = load_central_key(config)
            except TrustListError as exc:
                log.error("signed updates off: %s", exc)
        self._central_key = key
        if key is None:
            log.warning(
                "signed updates off: no certificates.central_key_file configured, so no "
                "trust list or detector model is fetched from central (nothing could be verified)"
            )
        elif trust is None:
            log.warning("trust list updates off: the station keeps no trust list")
        if not config.detector.enabled:
            log.info("detector model updates off: the detector is off by configuration")

    @property
    def enabled(self) -> bool:
        return self._central_key is not None and bool(self._sync.central_url)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check(self) -> UpdateReport:
        """Look for a new trust list, then a new model. Never raises."""
        if not self.enabled:
            return UpdateReport("off", "off")
        errors: list[str] = []
        trust = self._guarded(self.check_trust_list, errors, "trust list")
        model = self._guarded(self.check_model, errors, "detector model")
        return UpdateReport(trust, model, tuple(errors))

    def _guarded(self, step: Callable[[], str], errors: list[str], what: str) -> str:
        try:
            return step()
        except (UpdateRefusedError, SyncError) as exc:
            message = str(exc)
        except Exception as exc:  # a bug must not end the worker thread
            log.exception("updates: unexpected error checking the %s", what)
            message = f"{what} update: {type(exc).__name__}: {exc}"
        log.error("%s", message)
        errors.append(message)
        return "failed"

    def _http(self) -> CentralClient:
        if self._client is None:
            self._client = CentralClient(self._sync, self._station_id)
        return self._client

    # ------------------------------------------------------------ trust list

    def check_trust_list(self) -> str:
        """Fetch and install a newer trust list (``UpdateRefusedError``/``SyncError``)."""
        if self._trust is None:
            return "off"
        headers = {"If-None-Match": self._trust.etag} if self._trust.etag else None
        answer = self._http().fetch(
            "/v1/trust-list", headers=headers, max_bytes=TRUST_LIMITS.max_cbor_bytes
        )
        if answer.status == 304:
            return "unchanged"
        if answer.status in (204, 404):
            return "none published"
        etag = document_etag(answer.body)
        try:
            installed = self._trust.install(answer.body)
        except TrustListError as exc:
            message = f"trust list from central rejected, the current list stays in force: {exc}"
            if etag != self._rejected_trust_etag:  # the same bad document: one audit entry
                self._rejected_trust_etag = etag
                self._audit(ACTION_TRUST_LIST_REJECTED, etag.strip('"')[:64], {"reason": str(exc)})
            raise UpdateRefusedError(message) from exc
        self._audit(
            ACTION_TRUST_LIST_INSTALLED,
            f"seq {installed.sequence}",
            {
                "seq": installed.sequence,
                "issued_at": installed.issued_at.isoformat() if installed.issued_at else None,
                "keys": len(installed.keys),
                "revoked": len(installed.revoked),
                "sha256": etag.strip('"'),
            },
        )
        log.info("trust list seq %d from central is in force", installed.sequence)
        return f"installed seq {installed.sequence}"

    # ------------------------------------------------------------ model

    def check_model(self) -> str:
        """Fetch, verify, trial-load and activate a newer model.

        Raises ``UpdateRefusedError`` or ``SyncError``; the running model stays then.
        """
        if self._models is None or self._central_key is None:
            return "off"
        current = self._models.current_model_release()
        params = {"current_sha256": current} if current else None
        answer = self._http().fetch("/v1/models/latest", params=params, max_bytes=_OFFER_MAX_BYTES)
        if answer.status in (204, 404):
            return "current"
        try:
            offer = ModelOffer.model_validate_json(answer.body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise UpdateRefusedError(
                f"model update from central rejected: unreadable offer ({where}: {first['msg']})"
            ) from exc
        try:
            manifest, document = manifest_of_offer(offer, self._central_key)
        except ModelUpdateError as exc:
            raise UpdateRefusedError(f"model update from central rejected: {exc}") from exc
        release = manifest.card_sha256
        if release == current:
            return "current"
        refused = self._store.rejection(release)
        if refused is not None:
            log.info("model %s was refused before (%s); waiting for another release",
                     manifest.release, refused)
            return "skipped"
        self._check_not_older(manifest)
        if manifest.model_size + manifest.card_size > self._sync.model_update_max_bytes:
            raise UpdateRefusedError(
                f"model update {manifest.release} rejected: {manifest.model_size} bytes is more "
                f"than sync.model_update_max_bytes ({self._sync.model_update_max_bytes})"
            )
        release_dir = self._download(manifest, document)
        try:
            status = self._models.activate_model(release_dir)
        except ModelRejectedError as exc:
            reason = str(exc)
            self._store.discard(release_dir)
            self._store.reject(release, reason)
            self._audit(ACTION_MODEL_REJECTED, manifest.release, {
                "release": release, "reason": reason, "stage": "trial load"})
            raise UpdateRefusedError(
                f"model update {manifest.release} does not load, the running model stays: {reason}"
            ) from exc
        log.info("detector model %s from central is active (%s)", manifest.release, status.summary)
        return f"activated {manifest.release}"

    def _check_not_older(self, manifest: ModelManifest) -> None:
        """A replayed older manifest must not take the station back to an older release."""
        active = self._store.active_dir()
        if active is None or self._central_key is None:
            return
        try:
            running = parse_model_manifest(
                (active / MANIFEST_FILE).read_bytes(), self._central_key
            )
        except (OSError, ModelUpdateError):
            return  # no usable evidence of the running release: nothing to compare with
        if manifest.issued_at < running.issued_at:
            raise UpdateRefusedError(
                f"model update {manifest.release} rejected: issued {manifest.issued_at.isoformat()}"
                f", before the running {running.release} ({running.issued_at.isoformat()})"
            )

    def _download(self, manifest: ModelManifest, document: bytes) -> Path:
        """Both files into a staging folder, checked, then renamed into the store."""
        staging = self._store.new_staging()
        try:
            base = f"/v1/models/{manifest.card_sha256}"
            self._fetch_file(f"{base}/{CARD_FILE}", staging / CARD_FILE,
                             manifest.card_size, manifest.card_sha256, manifest)
            self._fetch_file(f"{base}/{MODEL_FILE}", staging / MODEL_FILE,
                             manifest.model_size, manifest.model_sha256, manifest)
            (staging / MANIFEST_FILE).write_bytes(document)
            try:
                card, _ = read_verified_model(staging)
            except ModelRejectedError as exc:
                message = f"model update {manifest.release} rejected: {exc}"
                raise UpdateRefusedError(message) from exc
            if (card.name, card.version) != (manifest.name, manifest.version):
                raise UpdateRefusedError(
                    f"model update {manifest.release} rejected: its model.json names "
                    f"{card.name} {card.version}"
                )
            return self._store.install(staging, f"{card.name}-{card.version}",
                                       manifest.card_sha256)
        except BaseException:
            self._store.discard(staging)
            raise

    def _fetch_file(
        self, path: str, target: Path, size: int, sha256: str, manifest: ModelManifest
    ) -> None:
        with target.open("wb") as out:
            answer = self._http().fetch(path, max_bytes=size, into=out)
        if answer.status != 200:
            raise UpdateRefusedError(
                f"model update {manifest.release}: central has no {target.name} "
                f"for it ({answer.status})"
            )
        if answer.size != size:
            raise UpdateRefusedError(
                f"model update {manifest.release} rejected: {target.name} is {answer.size} "
                f"bytes, the signed manifest says {size} (cut or altered download)"
            )
        actual = file_sha256(target)
        if actual != sha256:
            raise UpdateRefusedError(
                f"model update {manifest.release} rejected: sha256 of {target.name} is "
                f"{actual[:12]}…, the signed manifest says {sha256[:12]}… "
                "(damaged or replaced on the way)"
            )

    # ------------------------------------------------------------ audit

    def _audit(self, action: str, subject: str, details: dict[str, object]) -> None:
        if self._database is None:
            return
        try:
            AuditLog(self._database, self._station_id).record(_ACTOR, action, subject, details)
        except StationError:  # the update itself is done (or refused); say it, go on
            log.exception("updates: audit entry %s not recorded", action)
