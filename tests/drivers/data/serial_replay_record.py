"""Records ``serial_replay_session.jsonl``: a driver session with the emulator, byte for byte.

Run from the repository root when the protocol changes (and review the diff)::

    python tests/drivers/data/serial_replay_record.py

Each record is one of ``{"call": name, ...expectations}`` (what the test does and
what it must observe), ``{"host": hex}`` (bytes the driver wrote) or
``{"device": hex}`` (bytes the scanner wrote), in the order they happened.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

from drivers.base import InterlockOpenError
from drivers.serial_scanner import create_driver
from drivers.serial_scanner.emulator import ScannerEmulator

OUT = Path(__file__).with_name("serial_replay_session.jsonl")
# Options the replay test must open its driver with (no heartbeat: it would add bytes
# at times that depend on the machine's speed).
DRIVER_OPTIONS = {"block_lines": 4, "heartbeat_s": 3600.0, "command_timeout_s": 2.0}


def main() -> int:
    records: list[dict[str, Any]] = []
    lock = threading.Lock()

    def tap(direction: str, data: bytes) -> None:
        with lock:
            if records and direction in records[-1]:
                records[-1][direction] += data.hex()  # merge consecutive chunks
            else:
                records.append({direction: data.hex()})

    def call(name: str, **expect: Any) -> dict[str, Any]:
        """Note a call before it runs; what it returned is filled in afterwards."""
        record = {"call": name, **expect}
        with lock:
            records.append(record)
        return record

    emulator = ScannerEmulator(transcript=tap, pixels=16, seed=9, parcels=0, gap_mm=(8.0, 8.0),
                               label_reader_offset_mm=0.0, block_lines=4)
    with emulator:
        driver = create_driver(emulator.port, **DRIVER_OPTIONS)
        call("open", info={"serial": "SIM-0001", "pixels": 16, "line_rate_hz": 240.0})
        driver.open()
        emulator.set_interlock("covers_closed", False)
        call("xray_on", raises="InterlockOpenError", match="covers_closed")
        try:
            driver.xray_on()
        except InterlockOpenError:
            pass
        else:
            raise SystemExit("expected the interlock to refuse X-rays")
        emulator.set_interlock("covers_closed", True)
        call("xray_on")
        driver.xray_on()
        call("belt_start")
        driver.belt_start()
        lines = call("lines")
        lines["blocks"] = [[b.first_line_index, b.n_lines, b.xray_on] for b in driver.lines()]
        status_record = call("status")
        status = driver.status()
        status_record.update(xray_on=status.xray_on, belt_running=status.belt_running,
                             lines_acquired=status.lines_acquired)
        call("belt_stop")
        driver.belt_stop()
        call("close")
        driver.close()
    header = {"comment": "recorded by serial_replay_record.py: driver <-> emulator on a pty",
              "driver_options": DRIVER_OPTIONS}
    OUT.write_text("\n".join(json.dumps(r) for r in [header, *records]) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT} ({len(records)} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
