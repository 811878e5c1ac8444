"""Driver for a line-scan scanner on a serial link (entry point ``serial``).

Protocol: docs/serial-protocol.md. ``framing`` and ``messages`` are the pure codec,
``transport`` the pyserial port, ``driver`` the ``ScannerDriver``. ``emulator``
(a scanner on a pty, for tests and technicians) is never imported from here.
"""

from __future__ import annotations

from drivers.serial_scanner.driver import SerialScanner, SerialScannerWithTargets
from drivers.serial_scanner.errors import (
    CommandRejectedError,
    CommandTimeoutError,
    ProtocolError,
    SerialLinkError,
)
from drivers.serial_scanner.messages import DEFAULT_BAUDRATE
from drivers.serial_scanner.stats import LinkStatistics


def create_driver(
    port: str,
    baudrate: int = DEFAULT_BAUDRATE,
    target_changer: bool = False,
    block_lines: int = 32,
    command_timeout_s: float = 0.5,
    command_tries: int = 3,
    heartbeat_s: float = 1.0,
    queue_lines: int = 16384,
    frame_timeout_s: float | None = None,
    autostart: bool = False,
    xray_off_on_close: bool = True,
    exclusive: bool = True,
) -> SerialScanner:
    """Entry-point factory: a not yet opened driver for the scanner on ``port``.

    ``target_changer``: the scanner has a built-in calibration target changer, so the
    station can calibrate unattended; ``open()`` checks that the scanner agrees.
    """
    cls = SerialScannerWithTargets if target_changer else SerialScanner
    return cls(
        str(port), baudrate=int(baudrate), block_lines=int(block_lines),
        command_timeout_s=float(command_timeout_s), command_tries=int(command_tries),
        heartbeat_s=float(heartbeat_s), queue_lines=int(queue_lines),
        frame_timeout_s=None if frame_timeout_s is None else float(frame_timeout_s),
        autostart=bool(autostart), xray_off_on_close=bool(xray_off_on_close),
        exclusive=bool(exclusive),
    )


__all__ = [
    "CommandRejectedError",
    "CommandTimeoutError",
    "LinkStatistics",
    "ProtocolError",
    "SerialLinkError",
    "SerialScanner",
    "SerialScannerWithTargets",
    "create_driver",
]
