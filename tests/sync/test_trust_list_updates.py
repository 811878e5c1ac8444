"""Trust-list updates from a real hub on 127.0.0.1: verified, kept on disk, 304, rejections."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import STATION, TOKEN, wait_for
from update_helpers import update_config, write_public_key

from station_app.certificates import demo
from station_app.certificates.trust_keeper import (
    TrustListKeeper,
    document_etag,
    open_trust_keeper,
)
from station_app.cli import main
from station_app.config import StationConfig
from station_app.detection.model_store import ModelStore
from station_app.storage import Database, open_database
from station_app.storage.audit import (
    ACTION_TRUST_LIST_INSTALLED,
    ACTION_TRUST_LIST_REJECTED,
    AuditLog,
)
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault
from station_app.sync.hub_updates import HubUpdates, PublishError
from station_app.sync.updates import SignedUpdates
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def central() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def issuer() -> demo.DemoIssuer:
    return demo.make_demo_issuer("ES256")


@dataclass
class Rig:
    config: StationConfig
    database: Database
    keeper: TrustListKeeper
    updates: SignedUpdates
    hub_updates: HubUpdates

    def publish(self, document: bytes) -> None:
        self.hub_updates.publish_trust_list(document)

    def actions(self) -> list[tuple[str, str | None]]:
        entries = AuditLog(self.database, STATION).entries()
        return [(e.action, e.subject) for e in entries if e.action.startswith("trust_list.")]


@pytest.fixture
def rig(tmp_path: Path, hub: HubServer, central: Ed25519PrivateKey) -> Iterator[Rig]:
    key_file = write_public_key(central, tmp_path / "keys" / "central.pem")
    config = update_config(tmp_path / "station", hub.url, key_file)
    database = open_database(config.resolved_database_url)
    keeper = open_trust_keeper(config)
    assert keeper is not None and keeper.current is None
    updates = SignedUpdates(
        config, database, store=ModelStore(config.model_store_dir), trust=keeper, models=None
    )
    rig = Rig(config, database, keeper, updates, HubUpdates.of_store(hub.store))
    yield rig
    updates.close()
    database.close()


def test_new_list_is_installed_kept_on_disk_and_then_unchanged(
    rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    assert rig.updates.check().trust_list == "none published"  # 404 from the hub
    first = demo.demo_trust_list([issuer], central, sequence=1)
    rig.publish(first)

    report = rig.updates.check()
    assert report.errors == () and report.trust_list == "installed seq 1"
    assert rig.keeper.current is not None and rig.keeper.current.key(issuer.kid) is not None
    assert rig.config.resolved_trust_list_file.read_bytes() == first
    assert rig.actions() == [(ACTION_TRUST_LIST_INSTALLED, "seq 1")]
    assert rig.keeper.etag == document_etag(first)

    assert rig.updates.check().trust_list == "unchanged"  # If-None-Match → 304

    second = demo.demo_trust_list([issuer], central, sequence=2, revoked=["KCS-2026-1"])
    rig.publish(second)
    assert rig.updates.check().trust_list == "installed seq 2"
    assert rig.keeper.current is not None and rig.keeper.current.is_revoked("KCS-2026-1")
    assert rig.config.resolved_trust_list_file.read_bytes() == second
    assert rig.keeper.previous_path.read_bytes() == first  # the one it replaced, kept

    # a restarting station reads the list it kept
    again = open_trust_keeper(rig.config)
    assert again is not None and again.current is not None and again.current.sequence == 2


def _install_first(rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer) -> bytes:
    document = demo.demo_trust_list([issuer], central, sequence=5)
    rig.publish(document)
    assert rig.updates.check().trust_list == "installed seq 5"
    return document


def _still_in_force(rig: Rig, document: bytes) -> None:
    assert rig.keeper.current is not None and rig.keeper.current.sequence == 5
    assert rig.config.resolved_trust_list_file.read_bytes() == document


def test_forged_list_is_rejected(
    rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    kept = _install_first(rig, central, issuer)
    attacker = demo.make_demo_issuer("ES256")
    rig.publish(demo.demo_trust_list([attacker], Ed25519PrivateKey.generate(), sequence=9))

    report = rig.updates.check()
    assert report.trust_list == "failed" and report.error is not None
    assert "current list stays in force" in report.error
    assert "not signed by central" in report.error
    _still_in_force(rig, kept)
    assert rig.keeper.current is not None and rig.keeper.current.key(attacker.kid) is None
    assert rig.actions()[-1][0] == ACTION_TRUST_LIST_REJECTED
    rig.updates.check()  # the same bad document again: still an error, one audit entry
    assert [a for a, _ in rig.actions()].count(ACTION_TRUST_LIST_REJECTED) == 1


def test_older_list_is_rejected(
    rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    kept = _install_first(rig, central, issuer)
    rig.publish(demo.demo_trust_list([issuer], central, sequence=4))
    report = rig.updates.check()
    assert report.error is not None and "seq 4 is older than the one in use (seq 5)" in report.error
    _still_in_force(rig, kept)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(kind="malformed", path_prefix="/v1/trust-list"), "not a CBOR item"),
        (Fault(kind="wrong_schema", path_prefix="/v1/trust-list"), "rejected"),
        (Fault(kind="huge", path_prefix="/v1/trust-list", size_bytes=9_000_000), "refused"),
        (Fault(kind="status", path_prefix="/v1/trust-list", status=503), "503"),
    ],
)
def test_bad_answers_leave_the_list_in_force(
    rig: Rig, hub: HubServer, central: Ed25519PrivateKey, issuer: demo.DemoIssuer,
    fault: Fault, message: str,
) -> None:
    kept = _install_first(rig, central, issuer)
    rig.publish(demo.demo_trust_list([issuer], central, sequence=6))
    hub.faults.inject(fault)
    report = rig.updates.check()
    assert report.trust_list == "failed"
    assert report.error is not None and message in report.error
    _still_in_force(rig, kept)
    assert rig.updates.check().trust_list == "installed seq 6"  # central answers well again


def test_damaged_file_falls_back_to_the_previous_one(
    rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    rig.publish(demo.demo_trust_list([issuer], central, sequence=1))
    rig.updates.check()
    rig.publish(demo.demo_trust_list([issuer], central, sequence=2))
    assert rig.updates.check().trust_list == "installed seq 2"
    rig.config.resolved_trust_list_file.write_bytes(b"\xd2\x84 cut short")
    keeper = open_trust_keeper(rig.config)
    assert keeper is not None and keeper.current is not None and keeper.current.sequence == 1


def test_no_central_key_means_no_fetch(
    tmp_path: Path, hub: HubServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = update_config(tmp_path / "station", hub.url, None)
    assert open_trust_keeper(config) is None
    with caplog.at_level(logging.WARNING, logger="station_app.sync.updates"):
        updates = SignedUpdates(
            config, None, store=ModelStore(config.model_store_dir), trust=None, models=None
        )
    assert "no certificates.central_key_file configured" in caplog.text
    assert updates.check().trust_list == "off"
    assert not updates.enabled


def test_hub_trust_list_route_uses_etags(
    rig: Rig, hub: HubServer, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    document = demo.demo_trust_list([issuer], central, sequence=1)
    rig.publish(document)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=5) as http:
        answer = http.get("/v1/trust-list")
        assert answer.status_code == 200 and answer.content == document
        assert answer.headers["etag"] == document_etag(document)
        again = http.get("/v1/trust-list", headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    assert httpx.get(f"{hub.url}/v1/trust-list", timeout=5).status_code == 401


def test_publish_trust_list_command_checks_the_document(
    tmp_path: Path, hub: HubServer, central: Ed25519PrivateKey, issuer: demo.DemoIssuer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = Path(str(hub.store.engine.url.database))
    key = write_public_key(central, tmp_path / "central.pem")
    good = tmp_path / "list.cose"
    good.write_bytes(demo.demo_trust_list([issuer], central, sequence=3))
    assert main(["hub", "--db", str(db), "publish-trust-list", str(good),
                 "--central-key", str(key)]) == 0
    assert "seq 3, signature verified" in capsys.readouterr().out
    assert HubUpdates.of_store(hub.store).trust_list() == good.read_bytes()

    forged = tmp_path / "forged.cose"
    forged.write_bytes(demo.demo_trust_list([issuer], Ed25519PrivateKey.generate(), sequence=4))
    assert main(["hub", "--db", str(db), "publish-trust-list", str(forged),
                 "--central-key", str(key)]) == 2
    assert "not signed by central" in capsys.readouterr().err
    junk = tmp_path / "junk.cose"
    junk.write_bytes(b"{}")
    with pytest.raises(PublishError, match="not a signed trust list"):
        HubUpdates.of_store(hub.store).publish_trust_list(junk.read_bytes())
    assert HubUpdates.of_store(hub.store).trust_list() == good.read_bytes()  # still served


def test_worker_thread_checks_at_start(
    rig: Rig, central: Ed25519PrivateKey, issuer: demo.DemoIssuer
) -> None:
    """The worker's own loop looks for updates right after it starts, not an interval later."""
    rig.publish(demo.demo_trust_list([issuer], central, sequence=7))
    config = rig.config.model_copy(
        update={"sync": rig.config.sync.model_copy(update={"update_check_interval_s": 3600.0,
                                                           "idle_poll_s": 0.1})}
    )
    worker = SyncWorker(rig.database, config, updates=rig.updates)
    worker.start()
    try:
        assert wait_for(lambda: rig.keeper.current is not None, 15)
        assert rig.keeper.current is not None and rig.keeper.current.sequence == 7
    finally:
        assert worker.stop(10)
