"""Errors of the serial scanner driver; all are ``DriverError``s so the station handles them."""

from __future__ import annotations

from drivers.base import DriverError


class ProtocolError(DriverError):
    """A frame passed its CRC but its payload does not follow docs/serial-protocol.md."""


class SerialLinkError(DriverError):
    """The serial link itself failed: port missing, unplugged, or the scanner went quiet."""


class CommandTimeoutError(SerialLinkError):
    """No reply to a command within its timeout, after every retry."""


class CommandRejectedError(DriverError):
    """The scanner answered a command with NAK (reason and detail are in the message)."""

    def __init__(self, message: str, *, reason: int, detail: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail
