"""`station-app hub` as a developer starts it: a real process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from station_app.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_hub_needs_a_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "hub"]) == 2
    assert "at least one --token" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "hub", "--token", "no-equals-sign"]) == 2
    assert "STATION=TOKEN" in capsys.readouterr().err


def test_hub_serves_health_and_checks_tokens(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "station_app.cli", "--data-dir", str(tmp_path), "hub",
         "--port", str(port), "--token", "STATION-01=s3cret"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        assert health.status_code == 200
        denied = httpx.post(f"{base}/v1/stations/STATION-01/heartbeat", json={}, timeout=5)
        assert denied.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert (tmp_path / "hub.sqlite3").is_file()
