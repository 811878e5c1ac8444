"""Manifest pull-ahead and on-demand lookup against a real uvicorn hub on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import STATION, TOKEN, ConfigFactory, postal_manifest, s10_id, wait_for

from station_app.config import SyncConfig
from station_app.storage import Database
from station_app.storage.manifests import ManifestRepository
from station_app.sync.client import CentralClient
from station_app.sync.hub import HubServer
from station_app.sync.loopback import bind_loopback
from station_app.sync.manifests import (
    CentralBackedManifests,
    ManifestPuller,
    manifest_state_path,
)
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def manifests(database: Database) -> ManifestRepository:
    return ManifestRepository(database)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "station" / "sync" / "manifest_cursor.json"


def _client(url: str) -> CentralClient:
    config = SyncConfig(central_url=url, token=TOKEN, connect_timeout_s=2.0, read_timeout_s=3.0)
    return CentralClient(config, STATION)


@pytest.fixture
def make_puller(manifests: ManifestRepository, state_path: Path) -> Iterator[Any]:
    made: list[ManifestPuller] = []

    def factory(url: str, **kwargs: Any) -> ManifestPuller:
        puller = ManifestPuller(_client(url), manifests, state_path, **kwargs)
        made.append(puller)
        return puller

    yield factory
    for puller in made:
        puller.close()


def _seed(hub: HubServer, serials: range, value: float = 189.0) -> list[str]:
    ids = [s10_id(n) for n in serials]
    hub.store.seed_manifests((tid, postal_manifest(tid, value)) for tid in ids)
    return ids


def test_pull_pages_store_and_cursor_survives_restart(
    hub: HubServer, manifests: ManifestRepository, state_path: Path, make_puller: Any
) -> None:
    ids = _seed(hub, range(1, 6))
    report = make_puller(hub.url, page_limit=2).pull()
    assert (report.pages, report.saved, report.skipped, report.error) == (3, 5, 0, None)
    assert not report.has_more
    for tid in ids:
        stored = manifests.get(tid)
        assert stored is not None and stored.source == "central"
    cursor = json.loads(state_path.read_text(encoding="utf-8"))["cursor"]
    assert cursor == report.cursor
    assert not list(state_path.parent.glob("*.tmp"))  # written via tmp + os.replace

    # A restart (a new puller, a new client) resumes from the stored cursor.
    restarted = make_puller(hub.url, page_limit=2)
    assert restarted.load_cursor() == cursor
    again = restarted.pull()
    assert (again.pages, again.saved, again.cursor) == (1, 0, cursor)

    # Central corrects a declaration and adds a parcel: only those two come.
    hub.store.seed_manifests([(ids[0], postal_manifest(ids[0], value=250.0))])
    new = _seed(hub, range(6, 7))
    later = restarted.pull()
    assert (later.saved, later.skipped, later.error) == (2, 0, None)
    corrected = manifests.manifest_for(ids[0])
    assert corrected is not None and float(corrected.lines[0].value) == 250.0
    assert manifests.manifest_for(new[0]) is not None


def test_max_pages_bounds_one_pull(hub: HubServer, make_puller: Any) -> None:
    _seed(hub, range(1, 8))
    puller = make_puller(hub.url, page_limit=2, max_pages=2)
    first = puller.pull()
    assert (first.pages, first.saved, first.has_more) == (2, 4, True)
    rest = puller.pull()
    assert (rest.saved, rest.has_more) == (3, False)


def test_malformed_manifests_are_skipped_counted_and_do_not_stop_the_pull(
    hub: HubServer,
    manifests: ManifestRepository,
    make_puller: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good_a, bad_digit, good_b, wrong_body, missing = (s10_id(n) for n in range(10, 15))
    bad_check = bad_digit[:10] + str((int(bad_digit[10]) + 1) % 10) + bad_digit[11:]
    broken = postal_manifest(missing)
    del broken["addressee"]
    hub.store.seed_manifests(
        [
            (good_a, postal_manifest(good_a)),
            (bad_check, postal_manifest(bad_check)),  # S10 check digit wrong
            (good_b, postal_manifest(good_b)),
            (wrong_body, postal_manifest(good_a)),  # a body for another parcel
            (missing, broken),  # a required field missing
            ("EE000000000XX", {"not": "a manifest"}),
        ]
    )
    puller = make_puller(hub.url, page_limit=2)
    with caplog.at_level(logging.WARNING, logger="station_app.sync.manifests"):
        report = puller.pull()
    assert (report.saved, report.skipped, report.error) == (2, 4, None)
    assert puller.skipped_total == 4
    assert manifests.manifest_for(good_a) is not None
    assert manifests.manifest_for(good_b) is not None
    for tid in (bad_check, wrong_body, missing):
        assert manifests.get(tid) is None
    assert sum("skipped" in r.getMessage() for r in caplog.records) == 4
    # The cursor moved past them: they are not fetched again and again.
    assert puller.pull().skipped == 0


def test_corrupt_cursor_file_starts_from_the_beginning(
    hub: HubServer,
    state_path: Path,
    make_puller: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _seed(hub, range(20, 23))
    state_path.parent.mkdir(parents=True)
    state_path.write_text('{"cursor": 12', encoding="utf-8")  # torn write
    with caplog.at_level(logging.WARNING, logger="station_app.sync.manifests"):
        report = make_puller(hub.url).pull()
    assert report.saved == 3
    assert any("corrupt" in r.getMessage() for r in caplog.records)
    assert json.loads(state_path.read_text(encoding="utf-8"))["cursor"] == report.cursor

    state_path.write_text('{"cursor": 7}', encoding="utf-8")  # the wrong type
    assert make_puller(hub.url).load_cursor() == "0"


def test_lookup_on_demand_stores_the_manifest(
    hub: HubServer, manifests: ManifestRepository, make_puller: Any
) -> None:
    (tid,) = _seed(hub, range(30, 31))
    puller = make_puller(hub.url)
    lookup = CentralBackedManifests(manifests, puller)
    assert manifests.get(tid) is None
    found = lookup.manifest_for(tid)
    assert found is not None and found.tracking_id == tid
    stored = manifests.get(tid)
    assert stored is not None and stored.source == "central"
    assert lookup.manifest_for(s10_id(31)) is None  # central has none: 404 → None


def test_lookup_and_pull_offline_return_quickly(
    manifests: ManifestRepository, state_path: Path, make_puller: Any
) -> None:
    sock = bind_loopback()  # bound, never listening: connections are refused
    try:
        puller = make_puller(f"http://127.0.0.1:{sock.getsockname()[1]}")
        started = time.monotonic()
        assert puller.lookup(s10_id(40)) is None
        assert puller.lookup(s10_id(41)) is None  # skipped: central was unreachable just now
        report = puller.pull()
        assert time.monotonic() - started < 5.0
    finally:
        sock.close()
    assert report.error is not None and report.saved == 0
    assert not state_path.exists()  # nothing pulled: the cursor is not touched


def test_worker_pulls_manifests_at_its_interval(
    hub: HubServer, database: Database, manifests: ManifestRepository, make_config: ConfigFactory
) -> None:
    (first,) = _seed(hub, range(50, 51))
    config = make_config(hub.url, manifest_pull_interval_s=0.2)
    worker = SyncWorker(database, config)
    assert worker.status().last_manifest_pull_at is None
    worker.start()
    try:
        assert wait_for(lambda: manifests.get(first) is not None, 10)
        assert wait_for(lambda: worker.status().last_manifest_pull_at is not None, 5)
        (second,) = _seed(hub, range(51, 52))
        hub.store.seed_manifests([("EE000000000XX", {"not": "a manifest"})])
        assert wait_for(lambda: manifests.get(second) is not None, 10)
        assert wait_for(lambda: worker.status().manifests_skipped == 1, 5)
    finally:
        assert worker.stop(10)
    assert manifest_state_path(config).is_file()


def test_offline_worker_has_no_puller(database: Database, make_config: ConfigFactory) -> None:
    worker = SyncWorker(database, make_config(None))
    assert worker.manifests is None
    assert worker.pull_manifests() is None
    assert worker.status().last_manifest_pull_at is None
