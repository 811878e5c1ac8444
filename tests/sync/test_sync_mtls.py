"""TLS and mTLS between a station and a real hub on 127.0.0.1, with a throwaway PKI.

The hub requires client certificates issued by the stations' CA; central's own
certificate comes from another CA that the station pins with ``sync.ca_file``.
"""

from __future__ import annotations

import logging
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sync_helpers import STATION, TOKEN, ConfigFactory, drain, queue_results
from tls_pki import CA, Issued, make_ca, write_key

from station_app.cli import main
from station_app.config import SyncConfig
from station_app.storage import Database, ScanRepository
from station_app.sync.client import CentralAuthError, CentralClient, CentralTLSError, SyncError
from station_app.sync.hub import HubServer, tls_options
from station_app.sync.outbox import SyncOutbox
from station_app.sync.worker import SyncWorker


@dataclass(frozen=True)
class PKI:
    central_ca: CA  # issues the hub's server certificate
    stations_ca: CA  # issues the stations' client certificates; the hub trusts it
    other_ca: CA  # trusted by nobody
    server: Issued
    station: Issued
    stranger: Issued  # a client certificate from other_ca


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    directory = tmp_path_factory.mktemp("pki")
    central, stations, other = (
        make_ca(directory, name) for name in ("central-ca", "stations-ca", "other-ca")
    )
    return PKI(
        central_ca=central,
        stations_ca=stations,
        other_ca=other,
        server=central.issue(directory, "hub", server=True),
        station=stations.issue(directory, STATION, server=False),
        stranger=other.issue(directory, "STATION-X", server=False),
    )


@pytest.fixture
def mtls_hub(tmp_path: Path, pki: PKI) -> Iterator[HubServer]:
    server = HubServer(
        tmp_path / "hub" / "hub.sqlite3",
        {TOKEN: STATION},
        ssl_certfile=pki.server.cert_file,
        ssl_keyfile=pki.server.key_file,
        ssl_client_ca=pki.stations_ca.cert_file,
    )
    server.start()
    yield server
    server.stop()


def _sync(url: str, **options: Any) -> SyncConfig:
    return SyncConfig(
        central_url=url, token=TOKEN, connect_timeout_s=2.0, read_timeout_s=3.0, **options
    )


def _pending(database: Database) -> int:
    return SyncOutbox(database).stats().depth


def test_station_with_its_client_certificate_gets_through(
    mtls_hub: HubServer,
    pki: PKI,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
) -> None:
    assert mtls_hub.url.startswith("https://127.0.0.1:")
    n = queue_results(repo, 3)
    config = make_config(
        mtls_hub.url,
        ca_file=pki.central_ca.cert_file,
        client_cert_file=pki.station.cert_file,
        client_key_file=pki.station.key_file,
    )
    worker = SyncWorker(database, config)
    try:
        reports = drain(worker)
    finally:
        worker.close()
    assert sum(r.applied for r in reports) == n
    assert [r.error for r in reports if r.error] == []
    assert _pending(database) == 0
    assert worker.status().state == "online"


def test_without_a_client_certificate_the_station_is_told_why(
    mtls_hub: HubServer,
    pki: PKI,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    n = queue_results(repo, 1)
    worker = SyncWorker(database, make_config(mtls_hub.url, ca_file=pki.central_ca.cert_file))
    try:
        with caplog.at_level(logging.WARNING, logger="station_app.sync"):
            report = worker.run_once()
    finally:
        worker.close()
    assert report.error is not None
    assert "refused this station's client certificate" in report.error
    assert "none is configured: set sync.client_cert_file" in report.error
    assert any(
        r.levelno == logging.ERROR and "client certificate" in r.getMessage()
        for r in caplog.records
    )  # a person must act: logged as an error
    status = worker.status()
    assert status.state == "degraded"  # not "offline": central is there, it refuses us
    assert status.last_error == report.error
    assert _pending(database) == n  # nothing lost, nothing marked sent


def test_client_certificate_of_another_ca_is_refused(mtls_hub: HubServer, pki: PKI) -> None:
    client = CentralClient(
        _sync(
            mtls_hub.url,
            ca_file=pki.central_ca.cert_file,
            client_cert_file=pki.stranger.cert_file,
            client_key_file=pki.stranger.key_file,
        ),
        STATION,
    )
    try:
        with pytest.raises(CentralTLSError) as info:
            client.health()
    finally:
        client.close()
    message = str(info.value)
    assert "GET /v1/health" in message
    assert "refused this station's client certificate" in message
    assert "station-x.crt is issued by a CA central trusts" in message
    assert isinstance(info.value, CentralAuthError)  # the worker treats it as one


@pytest.mark.parametrize("pinned", ["other", "system store"])
def test_central_certificate_from_an_untrusted_ca_fails_clearly(
    mtls_hub: HubServer, pki: PKI, pinned: str
) -> None:
    options: dict[str, Any] = {
        "client_cert_file": pki.station.cert_file,
        "client_key_file": pki.station.key_file,
    }
    if pinned == "other":
        options["ca_file"] = pki.other_ca.cert_file
    client = CentralClient(_sync(mtls_hub.url, **options), STATION)
    try:
        with pytest.raises(CentralTLSError) as info:
            client.health()
    finally:
        client.close()
    message = str(info.value)
    assert "central's TLS certificate is not trusted" in message
    assert "check sync.ca_file" in message
    where = str(pki.other_ca.cert_file) if pinned == "other" else "the system CA store"
    assert where in message


def test_central_certificate_for_another_host_fails_clearly(tmp_path: Path, pki: PKI) -> None:
    elsewhere = pki.central_ca.issue(
        tmp_path, "elsewhere", server=True, dns_names=("central.example",), ip_addresses=()
    )
    with HubServer(
        tmp_path / "hub.sqlite3",
        {TOKEN: STATION},
        ssl_certfile=elsewhere.cert_file,
        ssl_keyfile=elsewhere.key_file,
    ) as hub:
        client = CentralClient(_sync(hub.url, ca_file=pki.central_ca.cert_file), STATION)
        try:
            with pytest.raises(CentralTLSError) as info:
                client.health()
        finally:
            client.close()
    message = str(info.value)
    assert "central's TLS certificate does not name this host" in message
    assert "127.0.0.1" in message
    assert "check sync.central_url" in message


def test_plain_https_hub_and_pinned_ca_without_client_certificates(
    tmp_path: Path, pki: PKI
) -> None:
    with HubServer(
        tmp_path / "hub.sqlite3",
        {TOKEN: STATION},
        ssl_certfile=pki.server.cert_file,
        ssl_keyfile=pki.server.key_file,
    ) as hub:
        client = CentralClient(_sync(hub.url, ca_file=pki.central_ca.cert_file), STATION)
        try:
            assert client.health().status == "ok"
        finally:
            client.close()


# ---------------------------------------------------------------- bad settings


def test_unusable_tls_settings_stop_the_client_with_the_file_named(
    tmp_path: Path, pki: PKI, make_config: ConfigFactory, database: Database
) -> None:
    url = "https://127.0.0.1:9"
    missing = tmp_path / "nope.crt"
    missing_named = rf"sync\.client_cert_file {re.escape(str(missing))}: .*No such file"
    with pytest.raises(SyncError, match=missing_named):
        CentralClient(_sync(url, client_cert_file=missing), STATION)
    with pytest.raises(SyncError, match=r"KEY_VALUES_MISMATCH|key values mismatch"):
        CentralClient(
            _sync(
                url, client_cert_file=pki.station.cert_file, client_key_file=pki.stranger.key_file
            ),
            STATION,
        )
    encrypted = tmp_path / "encrypted.key"
    write_key(ec.generate_private_key(ec.SECP256R1()), encrypted, pass_phrase=b"secret")
    with pytest.raises(SyncError, match=r"encrypted\.key: the key is encrypted"):
        CentralClient(
            _sync(url, client_cert_file=pki.station.cert_file, client_key_file=encrypted),
            STATION,
        )
    with pytest.raises(SyncError, match=r"client_key_file is set but sync\.client_cert_file"):
        CentralClient(_sync(url, client_key_file=pki.station.key_file), STATION)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    junk_named = rf"sync\.ca_file {re.escape(str(junk))}: cannot load CA certificates"
    with pytest.raises(SyncError, match=junk_named):
        CentralClient(_sync(url, ca_file=junk), STATION)
    # A station builds its clients when it starts: a bad setting stops it there.
    with pytest.raises(SyncError, match=r"sync\.client_cert_file"):
        SyncWorker(database, make_config(url, client_cert_file=missing))


def test_hub_tls_options_are_checked(tmp_path: Path, pki: PKI) -> None:
    with pytest.raises(ValueError, match="needs the hub's TLS certificate"):
        tls_options(None, None, pki.stations_ca.cert_file)
    with pytest.raises(FileNotFoundError, match=r"client CA .*missing\.pem"):
        tls_options(pki.server.cert_file, pki.server.key_file, tmp_path / "missing.pem")


# ---------------------------------------------------------------- command line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_hub_command_requires_client_certificates(tmp_path: Path, pki: PKI) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station_app.cli",
            "--data-dir",
            str(tmp_path),
            "hub",
            "--port",
            str(port),
            "--token",
            f"{STATION}={TOKEN}",
            "--tls-cert",
            str(pki.server.cert_file),
            "--tls-key",
            str(pki.server.key_file),
            "--client-ca",
            str(pki.stations_ca.cert_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"https://127.0.0.1:{port}"
    good = _sync(
        url,
        ca_file=pki.central_ca.cert_file,
        client_cert_file=pki.station.cert_file,
        client_key_file=pki.station.key_file,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            client = CentralClient(good, STATION)
            try:
                assert client.health().status == "ok"
                break
            except SyncError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
            finally:
                client.close()
        trust_central = ssl.create_default_context(cafile=str(pki.central_ca.cert_file))
        with pytest.raises(httpx.TransportError):  # no client certificate: no HTTP at all
            httpx.get(f"{url}/v1/health", verify=trust_central, timeout=5)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_hub_command_refuses_client_ca_without_server_certificate(
    tmp_path: Path, pki: PKI, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--data-dir",
        str(tmp_path),
        "hub",
        "--token",
        f"{STATION}={TOKEN}",
        "--client-ca",
        str(pki.stations_ca.cert_file),
    ]
    assert main(argv) == 2
    assert "needs the hub's TLS certificate" in capsys.readouterr().err
