"""The byte pipe under the driver: a pyserial port (device path or pyserial URL).

Kept apart from the codec and the driver so the same driver runs over a real
UART, a USB CDC-ACM port, a pty (the emulator) or ``socket://host:port`` of a
serial-to-Ethernet converter — anything ``serial.serial_for_url`` opens.
"""

from __future__ import annotations

import contextlib
from typing import Protocol, cast

import serial

from drivers.serial_scanner.errors import SerialLinkError

# How long one read waits for a first byte. Short, so a thread that reads on behalf of
# others hands over quickly and close() never waits long; reads are by FIONREAD size.
POLL_INTERVAL_S = 0.02
_MAX_CHUNK = 1 << 20


class _Port(Protocol):
    """What is used of the object ``serial_for_url`` returns (its class depends on the URL)."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class SerialTransport:
    """Opens, reads, writes and closes one port; every failure becomes ``SerialLinkError``."""

    def __init__(self, port: str, baudrate: int, *, exclusive: bool = True) -> None:
        self.port = port
        self.baudrate = baudrate
        self._exclusive = exclusive
        self._serial: _Port | None = None

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> None:
        try:
            # exclusive: a second station process on the same port would steal frames.
            ser = cast(_Port, serial.serial_for_url(
                self.port, baudrate=self.baudrate, timeout=POLL_INTERVAL_S,
                write_timeout=2.0, exclusive=self._exclusive,
            ))
        except (serial.SerialException, OSError, ValueError) as exc:
            raise SerialLinkError(f"cannot open serial port {self.port!r} at "
                                  f"{self.baudrate} baud: {exc}") from exc
        try:
            # Bytes queued before we opened belong to nobody's command.
            ser.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            ser.close()
            raise SerialLinkError(f"cannot flush serial port {self.port!r}: {exc}") from exc
        self._serial = ser

    def close(self) -> None:
        ser, self._serial = self._serial, None
        if ser is not None:
            # Closing a port that is already gone must not raise.
            with contextlib.suppress(serial.SerialException, OSError):
                ser.close()

    def _port(self) -> _Port:
        if self._serial is None:
            raise SerialLinkError(f"serial port {self.port!r} is not open")
        return self._serial

    def read(self) -> bytes:
        """What has arrived, waiting at most ``POLL_INTERVAL_S`` for a first byte."""
        ser = self._port()
        try:
            waiting = ser.in_waiting
            data = bytes(ser.read(min(waiting, _MAX_CHUNK) if waiting else 1))
            if len(data) == 1 and not waiting:
                more = ser.in_waiting
                if more:
                    data += bytes(ser.read(min(more, _MAX_CHUNK)))
        except (serial.SerialException, OSError, TypeError) as exc:
            # TypeError: pyserial on a port closed under it by another thread.
            raise SerialLinkError(f"serial port {self.port!r} failed while reading: "
                                  f"{exc}") from exc
        return data

    def write(self, data: bytes) -> None:
        ser = self._port()
        try:
            # No flush(): tcdrain could block on a peer that stopped reading.
            ser.write(data)
        except (serial.SerialException, OSError, TypeError) as exc:
            raise SerialLinkError(f"serial port {self.port!r} failed while writing: "
                                  f"{exc}") from exc
