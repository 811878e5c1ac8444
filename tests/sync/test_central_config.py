"""Settings central manages for a station, against a real hub on 127.0.0.1.

Publish at the hub → the station's worker fetches and keeps the document → the
next ``load_config`` (the next start) runs on it; 304, refusals at both ends,
another station's token, an older version, a damaged kept file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session
from sync_helpers import STATION, TOKEN, wait_for

from station_app.audit import record_config_change
from station_app.cli import main
from station_app.config import StationConfig, TipConfig, load_config
from station_app.detection.triage import Triage
from station_app.domain import TriageLevel
from station_app.storage import Database, open_database
from station_app.storage.audit import ACTION_CONFIG_RECEIVED, ACTION_CONFIG_REJECTED, AuditLog
from station_app.sync.central_config import (
    MANAGED_SETTINGS,
    CentralConfigError,
    CentralConfigFetcher,
    is_managed,
    read_stored,
)
from station_app.sync.hub import HubServer
from station_app.sync.hub_config import ConfigPublishError, publish_station_config
from station_app.sync.hub_faults import Fault
from station_app.sync.hub_store import StationConfigRow
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(60)

OTHER_STATION = "STATION-02"
OTHER_TOKEN = "station-02-secret-token"
CONFIG_PATH = f"/v1/stations/{STATION}/config"
# The station's own settings: never central's, whatever central sends.
NEVER_MANAGED = (
    "station_id",
    "data_dir",
    "database_url",
    "driver.name",
    "driver.options",
    "sync.central_url",
    "sync.token",
    "sync.verify_tls",
    "sync.ca_file",
    "sync.client_cert_file",
    "accounts.max_failed_attempts",
    "accounts.min_password_length",
    "certificates.central_key_file",
    "certificates.trust_list_file",
    "manifests.hs_table_path",
    "tip.library_dir",
    "detector.model_dir",
)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    tokens = {TOKEN: STATION, OTHER_TOKEN: OTHER_STATION}
    server = HubServer(tmp_path / "hub" / "hub.sqlite3", tokens)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def toml_file(tmp_path: Path, hub: HubServer) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(
        f'station_id = "{STATION}"\n'
        f'data_dir = "{(tmp_path / "station").as_posix()}"\n'
        "[sync]\n"
        f'central_url = "{hub.url}"\n'
        f'token = "{TOKEN}"\n'
        "connect_timeout_s = 2.0\n"
        "read_timeout_s = 3.0\n"
        "[triage]\n"
        "red_risk_score = 0.8\n"
        "amber_risk_score = 0.45\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(toml_file: Path) -> StationConfig:
    return load_config(toml_file)


@pytest.fixture
def database(config: StationConfig) -> Iterator[Database]:
    db = open_database(config.resolved_database_url)
    yield db
    db.close()


@pytest.fixture
def worker(database: Database, config: StationConfig) -> Iterator[SyncWorker]:
    sync = SyncWorker(database, config)
    yield sync
    sync.close()


def _audit(database: Database, action: str) -> list[tuple[str | None, dict[str, Any]]]:
    entries = AuditLog(database, STATION).entries()
    return [(e.subject, e.details) for e in entries if e.action == action]


def _insert_raw(hub: HubServer, version: int, settings: dict[str, Any]) -> None:
    """A document central should never have served (written past the hub's checks)."""
    with Session(hub.store.engine) as session, session.begin():
        session.add(StationConfigRow(station_id=STATION, version=version, settings=settings))


# ---------------------------------------------------------------- the allow-list


def test_allow_list_names_real_settings_and_never_the_stations_own() -> None:
    for entry in MANAGED_SETTINGS:
        section, _, name = entry.partition(".")
        model = StationConfig.model_fields[section].annotation
        assert isinstance(model, type), entry
        assert name == "*" or name in model.model_fields, f"{entry} is not a setting"
    for key in NEVER_MANAGED:
        assert not is_managed(key), key
    assert is_managed("triage.red_risk_score") and is_managed("alarms.battery_zeff_min")
    assert is_managed("tip.rate") and not is_managed("tip.max_item_length_mm")


# ---------------------------------------------------------------- the good path


def test_published_settings_reach_the_station_at_its_next_start(
    hub: HubServer, toml_file: Path, config: StationConfig, database: Database,
    worker: SyncWorker,
) -> None:
    assert worker.check_central_config().outcome == "none published"  # type: ignore[union-attr]
    published = publish_station_config(
        hub.store, STATION, {"triage": {"red_risk_score": 0.65}, "tip": {"enabled": True}}
    )
    assert published.version == 1

    report = worker.check_central_config()

    assert report is not None and report.error is None
    assert report.outcome == "received version 1"
    kept = json.loads(config.central_config_file.read_text(encoding="utf-8"))
    assert kept["version"] == 1
    assert kept["settings"] == {"triage": {"red_risk_score": 0.65}, "tip": {"enabled": True}}
    status = worker.status()
    assert status.config_waiting_version == 1 and status.last_error is None
    assert config.triage.red_risk_score == 0.8  # the running station is not changed under it
    [(subject, details)] = _audit(database, ACTION_CONFIG_RECEIVED)
    assert subject == "version 1"
    assert details["keys"] == ["tip.enabled", "triage.red_risk_score"]

    restarted = load_config(toml_file)

    assert restarted.triage.red_risk_score == 0.65  # central beats the TOML file
    assert restarted.triage.amber_risk_score == 0.45  # the file's other keys stay
    assert restarted.tip.enabled is True
    assert restarted.tip.rate == TipConfig().rate
    # Components built from it use it: a risk score of 0.7 is RED now, AMBER before.
    assert Triage(config.triage).assess([], risk_score=0.7).level is TriageLevel.AMBER
    assert Triage(restarted.triage).assess([], risk_score=0.7).level is TriageLevel.RED
    # What the station's start records: the change, key by key.
    assert record_config_change(database, config) is not None
    entry = record_config_change(database, restarted)
    assert entry is not None
    assert {"triage.red_risk_score", "tip.enabled"} <= set(entry.details["changed_keys"])
    assert entry.details["changes"]["triage.red_risk_score"] == {"from": 0.8, "to": 0.65}
    # After the restart the kept version is in force: nothing waits any more.
    fresh = SyncWorker(database, restarted)
    try:
        assert fresh.check_central_config().outcome == "unchanged"  # type: ignore[union-attr]
        assert fresh.status().config_waiting_version is None
    finally:
        fresh.close()


def test_environment_and_command_line_beat_central(
    hub: HubServer, toml_file: Path, worker: SyncWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.65}})
    assert worker.check_central_config().outcome == "received version 1"  # type: ignore[union-attr]

    monkeypatch.setenv("STATION_TRIAGE__RED_RISK_SCORE", "0.9")
    assert load_config(toml_file).triage.red_risk_score == 0.9
    explicit = load_config(toml_file, triage={"red_risk_score": 0.95})
    assert explicit.triage.red_risk_score == 0.95


def test_the_worker_loop_checks_with_the_update_checks(
    hub: HubServer, config: StationConfig, worker: SyncWorker
) -> None:
    publish_station_config(hub.store, STATION, {"images": {"keep_days": 3}})
    worker.start()
    try:
        assert wait_for(lambda: worker.status().config_waiting_version == 1, 10)
    finally:
        assert worker.stop(10)
    stored = read_stored(config.central_config_file)
    assert stored is not None and stored.settings == {"images": {"keep_days": 3.0}}


def test_an_unchanged_version_is_a_304(hub: HubServer, worker: SyncWorker) -> None:
    publish_station_config(hub.store, STATION, {"alarms": {"dense_min_area_mm2": 900}})
    assert worker.check_central_config().outcome == "received version 1"  # type: ignore[union-attr]
    assert worker.check_central_config().outcome == "unchanged"  # type: ignore[union-attr]

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=5) as http:
        same = http.get(CONFIG_PATH, headers={"If-None-Match": '"1"'})
        other = http.get(CONFIG_PATH, headers={"If-None-Match": '"7"'})
    assert (same.status_code, same.headers["etag"], same.content) == (304, '"1"', b"")
    assert other.status_code == 200 and other.headers["etag"] == '"1"'
    assert other.json() == {"version": 1, "settings": {"alarms": {"dense_min_area_mm2": 900.0}}}


# ---------------------------------------------------------------- refused at the hub


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"sync": {"central_url": "http://elsewhere"}}, "sync.central_url: not a setting central"),
        ({"certificates": {"central_key_file": "/tmp/k.pem"}}, "certificates.central_key_file"),
        ({"station_id": "X"}, "station_id: not a setting central may manage"),
        ({"triage": {"red_risk": 0.5}}, "triage.red_risk: no such setting"),
        ({"tip": {"rate": 5}}, "tip.rate: Input should be less than or equal to 1"),
        ({"triage": {"discrepancy_level": "purple"}}, "triage.discrepancy_level: Input should"),
        ({"triage": 0.5}, "triage: must be a section of settings"),
        (["triage"], "settings must be an object of sections"),
    ],
)
def test_the_hub_refuses_settings_a_station_would_refuse(
    hub: HubServer, settings: Any, expected: str
) -> None:
    with pytest.raises(ConfigPublishError, match="refused") as refused:
        publish_station_config(hub.store, STATION, settings)
    assert expected in str(refused.value)
    assert hub.store.station_config(STATION) is None  # nothing published


def test_set_config_command(
    tmp_path: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "hub" / "hub.sqlite3")
    good = tmp_path / "fleet.toml"
    good.write_text("[triage]\nred_risk_score = 0.7\n[tip]\nrate = 0.05\n", encoding="utf-8")
    assert main(["hub", "--db", db, "set-config", STATION, str(good)]) == 0
    out = capsys.readouterr().out
    assert "version 1 for STATION-01: tip.rate, triage.red_risk_score" in out
    record = hub.store.station_config(STATION)  # the serving hub sees it at once
    assert record is not None and record.settings["tip"] == {"rate": 0.05}

    forbidden = tmp_path / "evil.json"
    forbidden.write_text(json.dumps({"sync": {"token": "x"}}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    for bad, message in (
        (forbidden, "sync.token: not a setting central may manage"),
        (broken, "is not valid"),
        (tmp_path / "missing.toml", "No such file"),
        (good.with_suffix(".yaml"), "must end in .json or .toml"),
    ):
        if bad.suffix == ".yaml":
            bad.write_text("triage: {}", encoding="utf-8")
        assert main(["hub", "--db", db, "set-config", STATION, str(bad)]) == 2
        assert message in capsys.readouterr().err
    assert hub.store.station_config(STATION) == record  # still version 1


# ---------------------------------------------------------------- refused at the station


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"sync": {"central_url": "http://elsewhere"}}, "sync.central_url: not a setting central"),
        ({"accounts": {"min_password_length": 8}}, "accounts.min_password_length: not a setting"),
        ({"tip": {"rate": 5}}, "tip.rate: Input should be less than or equal to 1"),
        ({"triage": {"no_such": 1}}, "triage.no_such: no such setting"),
    ],
)
def test_the_station_refuses_what_central_may_not_send(
    hub: HubServer, config: StationConfig, database: Database, worker: SyncWorker,
    settings: dict[str, Any], expected: str,
) -> None:
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.7}})
    assert worker.check_central_config().outcome == "received version 1"  # type: ignore[union-attr]
    kept = config.central_config_file.read_bytes()
    _insert_raw(hub, 2, settings)

    report = worker.check_central_config()
    again = worker.check_central_config()

    assert report is not None and report.outcome == "failed" and report.error is not None
    assert "central configuration rejected, version 1 stays: version 2: " in report.error
    assert expected in report.error
    assert again is not None and again.error == report.error
    assert worker.status().last_error == report.error
    assert config.central_config_file.read_bytes() == kept
    assert load_config_red_risk(config) == 0.7
    [(_, details)] = _audit(database, ACTION_CONFIG_REJECTED)  # once for the same document
    assert expected in details["reason"]


def load_config_red_risk(config: StationConfig) -> float:
    stored = read_stored(config.central_config_file)
    assert stored is not None
    return float(stored.settings["triage"]["red_risk_score"])


def test_malformed_json_from_central_is_refused_and_the_kept_document_stays(
    hub: HubServer, config: StationConfig, worker: SyncWorker
) -> None:
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.7}})
    assert worker.check_central_config().outcome == "received version 1"  # type: ignore[union-attr]
    kept = config.central_config_file.read_bytes()
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.6}})
    hub.faults.inject(Fault(kind="malformed", path_prefix=CONFIG_PATH))

    report = worker.check_central_config()

    assert report is not None and report.error is not None
    assert "rejected, version 1 stays: malformed JSON" in report.error
    assert config.central_config_file.read_bytes() == kept
    # The fault is spent: the real version 2 comes next.
    assert worker.check_central_config().outcome == "received version 2"  # type: ignore[union-attr]


def test_an_older_version_is_refused(
    hub: HubServer, config: StationConfig, worker: SyncWorker
) -> None:
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.7}})
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.6}})
    assert worker.check_central_config().outcome == "received version 2"  # type: ignore[union-attr]
    # Central restored from a backup taken before version 2: it serves version 1 again.
    with Session(hub.store.engine) as session, session.begin():
        session.execute(delete(StationConfigRow).where(StationConfigRow.version == 2))

    report = worker.check_central_config()

    assert report is not None and report.error is not None
    assert "version 1 is older than the kept version 2" in report.error
    stored = read_stored(config.central_config_file)
    assert stored is not None and stored.version == 2


def test_another_stations_token_gets_403(hub: HubServer, tmp_path: Path) -> None:
    publish_station_config(hub.store, STATION, {"triage": {"red_risk_score": 0.7}})
    headers = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    with httpx.Client(base_url=hub.url, headers=headers, timeout=5) as http:
        assert http.get(CONFIG_PATH).status_code == 403
        assert http.get(f"/v1/stations/{OTHER_STATION}/config").status_code == 404
    assert httpx.get(f"{hub.url}{CONFIG_PATH}", timeout=5).status_code == 401

    # A station configured with another station's token: a clear error, nothing kept.
    wrong = StationConfig(
        station_id=STATION,
        data_dir=tmp_path / "wrong",
        sync={"central_url": hub.url, "token": OTHER_TOKEN},
    )
    fetcher = CentralConfigFetcher(wrong, None)
    try:
        report = fetcher.check()
    finally:
        fetcher.close()
    assert report.error is not None and "403" in report.error and "sync.token" in report.error
    assert not wrong.central_config_file.exists()


# ---------------------------------------------------------------- the kept file at start


@pytest.mark.parametrize(
    "content",
    [
        b"{half a document",
        json.dumps({"version": 3, "settings": {"sync": {"central_url": "http://x"}}}).encode(),
        json.dumps({"version": True, "settings": {}}).encode(),
    ],
)
def test_a_kept_file_that_cannot_be_used_is_left_out_at_start(
    toml_file: Path, config: StationConfig, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    config.central_config_file.parent.mkdir(parents=True, exist_ok=True)
    config.central_config_file.write_bytes(content)
    with pytest.raises(CentralConfigError):
        read_stored(config.central_config_file)

    with caplog.at_level(logging.ERROR, logger="station_app.config"):
        loaded = load_config(toml_file)

    assert loaded.triage.red_risk_score == 0.8
    assert loaded.sync.central_url == config.sync.central_url
    assert "central-config.json left out, the local settings apply" in caplog.text
