"""Replay of a recorded session: the driver must send exactly the recorded bytes and use
every byte the scanner sent (in the manner of pymeasure's ``expected_protocol``).

The scanner side is a plain pty peer that follows the script; no emulator, no mocks.
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from drivers.base import DriverError, InterlockOpenError
from drivers.serial_scanner import SerialScanner, create_driver
from drivers.serial_scanner.errors import CommandTimeoutError
from drivers.serial_scanner.framing import FrameParser

pytestmark = pytest.mark.timeout(30)

DATA = Path(__file__).with_name("data")
# How long the scripted scanner waits for the host bytes of one step before failing.
_HOST_WAIT_S = 10.0
# The replay checks bytes, not timing. A reply that missed the recorded 2 s command
# timeout on a starved machine would be retried, and the retry's bytes are not in the
# script, so the replay opens its driver with a timeout no reply comes near. A passing
# run never waits for it.
_REPLAY_COMMAND_TIMEOUT_S = 10.0
_ERRORS: dict[str, type[BaseException]] = {
    "InterlockOpenError": InterlockOpenError, "DriverError": DriverError,
}


def _load(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return records[0], records[1:]


class ScriptedScanner:
    """Plays the scanner's side of a script on a pty master.

    Host bytes are read and compared with the script as they come; scanner bytes are
    written once every host byte recorded before them has arrived.
    """

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.steps = [(k, bytes.fromhex(r[k])) for r in records for k in ("host", "device")
                      if k in r]
        self.master, self.slave = os.openpty()
        self.port = os.ttyname(self.slave)
        self.done = 0  # steps completed
        self.error: str | None = None
        self.device_bytes = sum(len(b) for k, b in self.steps if k == "device")
        scanner_bytes = b"".join(b for k, b in self.steps if k == "device")
        self.device_frames = len(FrameParser().feed(scanner_bytes))
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ScriptedScanner:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join(_HOST_WAIT_S + 5.0)
        os.close(self.master)
        os.close(self.slave)

    def finish(self) -> None:
        """Wait until the script has run to its end or stopped at a mismatch.

        ``done`` and ``error`` are only final then: the driver can hold the last reply
        while this thread, between ``os.write`` and ``done += 1``, is not yet scheduled.
        A driver that stops early leaves this thread waiting for host bytes until its
        deadline, which ends in ``error``, so the join is bounded.
        """
        self._thread.join(_HOST_WAIT_S + 5.0)
        assert not self._thread.is_alive(), "the scripted scanner is stuck"

    def _read_exactly(self, n: int, deadline: float) -> bytes:
        got = b""
        while len(got) < n:
            wait_s = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.master], [], [], wait_s)
            if not ready:
                break
            got += os.read(self.master, n - len(got))
        return got

    def _run(self) -> None:
        for kind, data in self.steps:
            if kind == "device":
                os.write(self.master, data)
            else:
                got = self._read_exactly(len(data), time.monotonic() + _HOST_WAIT_S)
                if got != data:
                    self.error = (f"step {self.done}: host sent {got.hex()} , script expects "
                                  f"{data.hex()}")
                    return
            self.done += 1

    def extra_host_bytes(self) -> bytes:
        """Anything the driver sent beyond the script."""
        ready, _, _ = select.select([self.master], [], [], 0.2)
        return os.read(self.master, 4096) if ready else b""


def _do(driver: SerialScanner, record: dict[str, Any]) -> None:
    name = record["call"]
    if "raises" in record:
        with pytest.raises(_ERRORS[record["raises"]], match=record["match"]):
            getattr(driver, name)()
        return
    if name == "open":
        driver.open()
        for key, value in record["info"].items():
            assert getattr(driver.info, key) == value, key
    elif name == "lines":
        got = [[b.first_line_index, b.n_lines, b.xray_on] for b in driver.lines()]
        assert got == record["blocks"]
    elif name == "status":
        status = driver.status()
        for key in ("xray_on", "belt_running", "lines_acquired"):
            assert getattr(status, key) == record[key], key
    else:
        getattr(driver, name)()


def test_recorded_session_replays_byte_for_byte() -> None:
    header, records = _load("serial_replay_session.jsonl")
    options = {**header["driver_options"], "command_timeout_s": _REPLAY_COMMAND_TIMEOUT_S}
    with ScriptedScanner(records) as scanner:
        driver = create_driver(scanner.port, **options)
        for record in records:
            if "call" in record:
                _do(driver, record)
        scanner.finish()
        assert scanner.error is None, scanner.error
        assert scanner.done == len(scanner.steps), "the driver stopped before the script ended"
        assert scanner.extra_host_bytes() == b""
        stats = driver.link_statistics
    # Every byte the scanner sent was read and parsed into a valid frame.
    assert stats.bytes_received == scanner.device_bytes
    assert stats.frames_ok == scanner.device_frames
    assert stats.discarded_bytes == stats.crc_errors == stats.malformed_frames == 0
    assert stats.stale_replies == stats.command_retries == stats.lines_dropped == 0


def test_a_tampered_reply_is_caught() -> None:
    """The replay can fail: one flipped bit in a recorded reply loses that reply."""
    header, records = _load("serial_replay_session.jsonl")
    belt = next(i for i, r in enumerate(records) if r.get("call") == "belt_start")
    reply = next(r for r in records[belt:] if "device" in r)
    broken = bytearray(bytes.fromhex(reply["device"]))
    broken[8] ^= 0x01  # the command code inside the ACK payload
    reply["device"] = broken.hex()
    # One try: the tampered reply never matches, so BELT_START always waits the whole
    # timeout. 1 s, not less: the setup commands' replies must come within it too, on a
    # loaded machine, because a retry would send bytes the script does not have.
    options = {**header["driver_options"], "command_timeout_s": 1.0, "command_tries": 1}
    with ScriptedScanner(records[:records.index(reply) + 1]) as scanner:
        driver = create_driver(scanner.port, **options)
        for record in records[:belt]:
            if "call" in record:
                _do(driver, record)
        with pytest.raises(CommandTimeoutError, match="BELT_START"):
            driver.belt_start()
        # On a slow machine the tampered reply may reach the port only after the
        # timeout. Once the script has written it, close() (its XRAY_OFF waits in vain)
        # reads the port, so the reply is parsed and rejected before the count is taken.
        scanner.finish()
        assert scanner.error is None, scanner.error
        driver.close()
        stats = driver.link_statistics
    assert stats.crc_errors == 1
    assert stats.frames_ok == scanner.device_frames  # the tampered frame is not among them
    assert stats.stale_replies == 0
