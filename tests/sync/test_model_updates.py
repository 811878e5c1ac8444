"""Signed detector model updates from a real hub on 127.0.0.1: verify, activate, roll back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import STATION, TOKEN
from update_helpers import (
    ModelSlot,
    model_release,
    update_config,
    write_private_key,
    write_public_key,
)

from station_app.certificates.payload import HEADER_CONTENT_TYPE, encode_cbor, sign_cose_sign1
from station_app.certificates.trust import TRUST_LIST_CONTENT_TYPE
from station_app.cli import main
from station_app.config import DriverConfig, StationConfig
from station_app.detection.detector import shipped_model_dir
from station_app.detection.model_card import ModelRejectedError
from station_app.detection.model_store import STAGING_PREFIX, ModelStore
from station_app.file_digest import file_sha256
from station_app.station import build_station
from station_app.station_models import StationModels
from station_app.storage import Database, open_database
from station_app.storage.audit import (
    ACTION_MODEL_ACTIVATED,
    ACTION_MODEL_REJECTED,
    ACTION_MODEL_ROLLED_BACK,
    AuditLog,
)
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault
from station_app.sync.hub_updates import HubUpdates
from station_app.sync.update_manifest import (
    ModelManifest,
    ModelUpdateError,
    parse_model_manifest,
    sign_model_manifest,
)
from station_app.sync.updates import SignedUpdates
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(120)
SHIPPED_RELEASE = file_sha256(shipped_model_dir() / "model.json")


@pytest.fixture(scope="module")
def central() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@dataclass
class Rig:
    """A station's model slot, its database and its updater, against the hub."""

    config: StationConfig
    database: Database
    slot: ModelSlot
    updates: SignedUpdates
    hub_updates: HubUpdates

    @property
    def store(self) -> ModelStore:
        return self.slot.models.store

    def restart(self) -> StationModels:
        """What a station does at start with its model store."""
        models = StationModels.start(self.config, self.database)
        self.slot = ModelSlot(models)
        self.updates = SignedUpdates(
            self.config, self.database, store=models.store, trust=None, models=self.slot
        )
        return models

    def actions(self) -> list[tuple[str, str | None, dict[str, Any]]]:
        entries = AuditLog(self.database, STATION).entries()
        return [(e.action, e.subject, e.details) for e in entries if e.action.startswith("model.")]


@pytest.fixture
def rig(tmp_path: Path, hub: HubServer, central: Ed25519PrivateKey) -> Iterator[Rig]:
    key_file = write_public_key(central, tmp_path / "keys" / "central.pem")
    config = update_config(tmp_path / "station", hub.url, key_file)
    database = open_database(config.resolved_database_url)
    models = StationModels.start(config, database)
    slot = ModelSlot(models)
    updates = SignedUpdates(config, database, store=models.store, trust=None, models=slot)
    rig = Rig(config, database, slot, updates, HubUpdates.of_store(hub.store))
    yield rig
    rig.updates.close()
    database.close()


def _folders(store: ModelStore) -> list[str]:
    return sorted(p.name for p in store.root.iterdir() if p.is_dir()) if store.root.exists() else []


# ---------------------------------------------------------------- the good path


def test_signed_update_is_verified_activated_and_used(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    assert rig.slot.models.status.model == "xcnet 1.1"  # the shipped model, nothing stored
    assert rig.slot.current_model_release() == SHIPPED_RELEASE
    assert rig.updates.check().model == "current"  # the hub offers nothing yet (204)

    published = rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    report = rig.updates.check()

    assert report.errors == () and report.model == "activated xcnet 1.1"
    active = rig.store.active_dir()
    assert active is not None and active.name.startswith("xcnet-1.1-")
    assert rig.slot.models.status.model == "xcnet 1.1"
    assert [d.card.version for d in rig.slot.swapped] == ["1.1"]  # handed to the pipeline
    assert rig.slot.current_model_release() == published.manifest.card_sha256
    assert _folders(rig.store) == [active.name]  # no staging folder left
    # the signed manifest is kept beside the release as evidence
    kept = parse_model_manifest((active / "update.cose").read_bytes(), central.public_key())
    assert kept == published.manifest
    action, subject, details = rig.actions()[-1]
    assert (action, subject) == (ACTION_MODEL_ACTIVATED, "xcnet 1.1")
    assert details["release"] == published.manifest.card_sha256 and details["previous"] is None

    assert rig.updates.check().model == "current"  # 204: the station runs the latest
    # the next start runs the stored release, not the shipped one
    assert rig.restart().status.model == "xcnet 1.1"


def test_a_second_update_keeps_the_first_for_rollback(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    assert rig.updates.check().model == "activated xcnet 1.1"
    rig.hub_updates.publish_model(model_release(tmp_path, "1.2"), central)
    assert rig.updates.check().model == "activated xcnet 1.2"
    state = rig.store.state()
    assert state.active is not None and state.active.name.startswith("xcnet-1.2-")
    assert state.previous is not None and state.previous.name.startswith("xcnet-1.1-")
    assert rig.actions()[-1][2]["previous"] == state.previous.name


# ---------------------------------------------------------------- refused updates


def test_forged_signature_is_rejected(rig: Rig, tmp_path: Path) -> None:
    rig.hub_updates.publish_model(model_release(tmp_path, "6.6"), Ed25519PrivateKey.generate())
    report = rig.updates.check()
    assert report.model == "failed"
    assert report.error is not None and "not signed by central" in report.error
    assert "signature does not verify" in report.error
    assert rig.store.active_dir() is None and _folders(rig.store) == []  # nothing downloaded
    assert rig.slot.models.status.model == "xcnet 1.1" and rig.slot.swapped == []


def test_a_trust_list_signed_by_central_is_no_model_update(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    """Same key, other content type: a trust list can never pass for a model manifest."""
    published = rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    body = encode_cbor(published.manifest.to_cbor_map())
    disguised = sign_cose_sign1(
        body, central, extra_protected={HEADER_CONTENT_TYPE: TRUST_LIST_CONTENT_TYPE}
    )
    with pytest.raises(ModelUpdateError, match="not a model update"):
        parse_model_manifest(disguised, central.public_key())
    release = rig.hub_updates.release_dir(published.manifest.card_sha256)
    (release / "update.cose").write_bytes(disguised)  # central's store serves the wrong one
    report = rig.updates.check()
    assert report.error is not None and "wrong content type" in report.error
    assert rig.store.active_dir() is None


def test_sha256_mismatch_is_rejected(rig: Rig, tmp_path: Path, central: Ed25519PrivateKey) -> None:
    published = rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    served = rig.hub_updates.release_dir(published.manifest.card_sha256) / "model.onnx"
    data = bytearray(served.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte altered on central's disk
    served.write_bytes(bytes(data))

    report = rig.updates.check()
    assert report.error is not None
    assert "sha256 of model.onnx" in report.error and "damaged or replaced" in report.error
    assert rig.store.active_dir() is None and _folders(rig.store) == []
    assert rig.slot.models.status.model == "xcnet 1.1"


def test_truncated_download_is_rejected_then_retried(
    rig: Rig, hub: HubServer, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    published = rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    path = f"/v1/models/{published.manifest.card_sha256}/model.onnx"
    hub.faults.inject(Fault(kind="drop_after_apply", path_prefix=path))

    report = rig.updates.check()
    assert report.error is not None and path in report.error  # the cut answer, named
    assert rig.store.active_dir() is None and _folders(rig.store) == []
    assert rig.store.rejection(published.manifest.card_sha256) is None  # may be tried again

    assert rig.updates.check().model == "activated xcnet 1.1"  # the next check gets it


def test_model_that_does_not_load_is_rejected_and_not_taken_again(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    def wrong_input(card: dict[str, Any]) -> None:
        card["input"]["name"] = "not_the_graph_input"  # sha256 fine, the graph does not match

    published = rig.hub_updates.publish_model(model_release(tmp_path, "2.0", wrong_input), central)
    report = rig.updates.check()
    assert report.error is not None
    assert "xcnet 2.0 does not load, the running model stays" in report.error
    assert "does not match model.json" in report.error
    assert rig.store.active_dir() is None and _folders(rig.store) == []
    assert rig.slot.models.status.model == "xcnet 1.1" and rig.slot.swapped == []
    release = published.manifest.card_sha256
    assert rig.store.rejection(release) is not None
    action, subject, details = rig.actions()[-1]
    assert (action, subject, details["release"]) == (ACTION_MODEL_REJECTED, "xcnet 2.0", release)

    again = rig.updates.check()  # the same release is not downloaded again
    assert again.model == "skipped" and again.errors == ()


def test_replayed_older_manifest_is_refused(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    now = datetime.now(UTC)
    rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central, issued_at=now)
    assert rig.updates.check().model == "activated xcnet 1.1"
    older = now - timedelta(days=30)
    rig.hub_updates.publish_model(model_release(tmp_path, "1.0b"), central, issued_at=older)
    report = rig.updates.check()
    assert report.error is not None and "before the running xcnet 1.1" in report.error
    assert rig.slot.models.status.model == "xcnet 1.1"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(kind="malformed", path_prefix="/v1/models/latest"), "unreadable offer"),
        (Fault(kind="wrong_schema", path_prefix="/v1/models/latest"), "unreadable offer"),
        (Fault(kind="huge", path_prefix="/v1/models/latest", size_bytes=5_000_000), "refused"),
    ],
)
def test_bad_offers_are_rejected(
    rig: Rig, hub: HubServer, tmp_path: Path, central: Ed25519PrivateKey,
    fault: Fault, message: str,
) -> None:
    rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    hub.faults.inject(fault)
    report = rig.updates.check()
    assert report.model == "failed" and report.error is not None and message in report.error
    assert rig.store.active_dir() is None


def test_model_bigger_than_allowed_is_not_downloaded(
    hub: HubServer, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    key_file = write_public_key(central, tmp_path / "central.pem")
    config = update_config(tmp_path / "small", hub.url, key_file, model_update_max_bytes=1024)
    database = open_database(config.resolved_database_url)
    try:
        models = StationModels.start(config, database)
        updates = SignedUpdates(config, database, store=models.store, trust=None,
                                models=ModelSlot(models))
        HubUpdates.of_store(hub.store).publish_model(model_release(tmp_path, "1.1"), central)
        report = updates.check()
        updates.close()
        assert report.error is not None and "model_update_max_bytes" in report.error
        assert _folders(models.store) == []
    finally:
        database.close()


# ---------------------------------------------------------------- start, kill, rollback


def test_interrupted_download_is_cleaned_at_start(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    assert rig.updates.check().model == "activated xcnet 1.1"
    active = rig.store.active_dir()
    # what a kill in the middle of a download and of a pointer write leaves behind
    staging = rig.store.new_staging()
    (staging / "model.onnx").write_bytes(b"\x08\x07half a model")
    (rig.store.root / ".state.json.tmp123").write_bytes(b'{"active": "half')
    stray = rig.store.root / "xcnet-9.9-000000000000"
    stray.mkdir()

    models = rig.restart()
    assert models.status.model == "xcnet 1.1" and models.status.warning is None
    assert rig.store.active_dir() == active
    names = sorted(p.name for p in rig.store.root.iterdir())
    assert not any(n.startswith(STAGING_PREFIX) for n in names)
    assert stray.name not in names and ".state.json.tmp123" not in names


def test_release_that_no_longer_loads_is_rolled_back_at_start(
    rig: Rig, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    assert rig.updates.check().model == "activated xcnet 1.1"
    rig.hub_updates.publish_model(model_release(tmp_path, "1.2"), central)
    assert rig.updates.check().model == "activated xcnet 1.2"
    broken = rig.store.active_dir()
    assert broken is not None
    (broken / "model.onnx").write_bytes(b"damaged on disk")

    models = rig.restart()
    assert models.status.model == "xcnet 1.1"  # the previous good release
    assert models.status.warning is not None
    assert f"model {broken.name} did not load" in models.status.warning
    assert "rolled back to xcnet-1.1-" in models.status.warning
    action, subject, details = rig.actions()[-1]
    assert (action, subject) == (ACTION_MODEL_ROLLED_BACK, broken.name)
    assert "sha256" in details["reason"] and details["now_running"].startswith("xcnet-1.1-")
    # central still offers 1.2: it is not taken again
    assert rig.updates.check().model == "skipped"

    # the previous one breaks too: back to the shipped model
    previous = rig.store.active_dir()
    assert previous is not None
    (previous / "model.json").write_text("{not json", encoding="utf-8")
    models = rig.restart()
    assert models.status.model == "xcnet 1.1"
    assert models.status.warning is not None and "configured model" in models.status.warning
    assert rig.store.active_dir() is None


def test_damaged_pointer_falls_back_to_the_shipped_model(rig: Rig) -> None:
    rig.store.root.mkdir(parents=True, exist_ok=True)
    (rig.store.root / "state.json").write_text('{"active": "../../etc"', encoding="utf-8")
    assert rig.restart().status.model == "xcnet 1.1"
    (rig.store.root / "state.json").write_text('{"active": "../../etc"}', encoding="utf-8")
    assert rig.store.active_dir() is None  # a name outside the store is never followed


# ---------------------------------------------------------------- hub and CLI


def test_hub_routes_need_a_token_and_a_release_id(
    rig: Rig, hub: HubServer, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    published = rig.hub_updates.publish_model(model_release(tmp_path, "1.1"), central)
    release = published.manifest.card_sha256
    assert httpx.get(f"{hub.url}/v1/models/latest", timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=5) as http:
        offer = http.get("/v1/models/latest").json()
        assert (offer["name"], offer["version"], offer["sha256"]) == ("xcnet", "1.1", release)
        current = http.get("/v1/models/latest", params={"current_sha256": release})
        assert current.status_code == 204
        card = http.get(f"/v1/models/{release}/model.json")
        assert card.status_code == 200 and json.loads(card.content)["version"] == "1.1"
        onnx = http.get(f"/v1/models/{release}/model.onnx")
        assert len(onnx.content) == published.manifest.model_size
        assert http.get(f"/v1/models/{'0' * 64}/model.onnx").status_code == 404
        assert http.get("/v1/models/..%2F..%2Fetc/model.json").status_code in (400, 404)


def test_hub_refuses_to_publish_a_damaged_model(tmp_path: Path, central: Ed25519PrivateKey
                                                ) -> None:
    model = model_release(tmp_path, "1.1")
    (model / "model.onnx").write_bytes(b"not the model the card names")
    with pytest.raises(ModelRejectedError, match="does not match"):
        HubUpdates(tmp_path / "hub-updates").publish_model(model, central)
    assert HubUpdates(tmp_path / "hub-updates").latest_release() is None


def test_publish_model_command(tmp_path: Path, hub: HubServer, central: Ed25519PrivateKey,
                               capsys: pytest.CaptureFixture[str]) -> None:
    key = write_private_key(central, tmp_path / "central-private.pem")
    db = Path(str(hub.store.engine.url.database))
    model = model_release(tmp_path, "1.3")
    assert main(["hub", "--db", str(db), "publish-model", str(model), "--signing-key", str(key)]
                ) == 0
    assert "published model xcnet 1.3" in capsys.readouterr().out
    assert HubUpdates.of_store(hub.store).latest_release() == file_sha256(model / "model.json")
    # a public key is no signing key: one clear line, exit 2
    public = write_public_key(central, tmp_path / "central.pem")
    assert main(["hub", "--db", str(db), "publish-model", str(model), "--signing-key",
                 str(public)]) == 2
    assert "not an unencrypted PEM private key" in capsys.readouterr().err


def test_manifest_round_trip_and_bad_fields(central: Ed25519PrivateKey) -> None:
    manifest = ModelManifest("xcnet", "1.1", "a" * 64, 10, "b" * 64, 20,
                             datetime(2026, 1, 1, tzinfo=UTC))
    document = sign_model_manifest(manifest, central)
    assert parse_model_manifest(document, central.public_key()) == manifest
    bad = sign_cose_sign1(
        encode_cbor({**manifest.to_cbor_map(), "model_sha256": "XYZ"}), central,
        extra_protected={HEADER_CONTENT_TYPE: "application/vnd.station-app.model-update+cbor"},
    )
    with pytest.raises(ModelUpdateError, match="'model_sha256' is not 64"):
        parse_model_manifest(bad, central.public_key())
    with pytest.raises(ModelUpdateError, match="not signed by central"):
        parse_model_manifest(b"\xd2\x84garbage", central.public_key())


# ---------------------------------------------------------------- a whole station


def test_running_station_takes_the_update_between_parcels(
    hub: HubServer, calibrated_data_dir: Path, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    key_file = write_public_key(central, tmp_path / "central.pem")
    config = update_config(calibrated_data_dir, hub.url, key_file, idle_poll_s=0.2,
                           stop_timeout_s=10.0)
    config = config.model_copy(update={"driver": DriverConfig(options={"parcels": 2})})
    HubUpdates.of_store(hub.store).publish_model(model_release(tmp_path, "1.1"), central)

    station = build_station(config, max_parcels=2)
    try:
        assert station.detector_status().model == "xcnet 1.1"
        assert station.sync is not None
        report = station.sync.check_updates()
        assert report is not None and report.model == "activated xcnet 1.1"
        assert station.detector_status().summary == "xcnet 1.1 on CPU"
        assert station.detector is not None and station.detector.card.version == "1.1"
        # the pipeline's processor holds the new detector (the swap the parcels see)
        assert station.pipeline._processor._detector is station.detector
        station.start()
        assert station.pipeline.wait(90)
        assert station.pipeline.counters.parcels_processed == 2
        assert station.pipeline.counters.parcels_failed == 0
    finally:
        station.stop()

    again = build_station(config, max_parcels=0)
    try:
        assert again.detector_status().model == "xcnet 1.1"  # the active release, from disk
    finally:
        again.stop()


def test_refused_update_is_the_sync_status_error(
    hub: HubServer, database: Database, tmp_path: Path, central: Ed25519PrivateKey
) -> None:
    key_file = write_public_key(central, tmp_path / "central.pem")
    config = update_config(tmp_path / "station", hub.url, key_file)
    models = StationModels.start(config, database)
    updates = SignedUpdates(config, database, store=models.store, trust=None,
                            models=ModelSlot(models))
    worker = SyncWorker(database, config, updates=updates)
    try:
        HubUpdates.of_store(hub.store).publish_model(
            model_release(tmp_path, "6.6"), Ed25519PrivateKey.generate()
        )
        report = worker.check_updates()
        assert report is not None and report.model == "failed"
        status = worker.status()
        assert status.last_error is not None and "not signed by central" in status.last_error
        assert status.state == "offline"  # an update refused is no reason to change the state
    finally:
        worker.close()
