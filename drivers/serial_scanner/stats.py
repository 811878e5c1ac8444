"""Link statistics of the serial scanner driver, for the technician's diagnostics page."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class LinkStatistics:
    """A snapshot of counters since ``open()``; every field only grows while the link is open.

    ``lines_dropped`` is measured from gaps in the line index, so it covers lines lost
    anywhere: in the scanner's send buffer, to CRC errors on the wire, or to this
    driver's own queue overflowing (``lines_overflowed`` says how many of those).
    """

    bytes_received: int = 0
    bytes_sent: int = 0
    frames_ok: int = 0
    crc_errors: int = 0
    header_errors: int = 0
    truncated_frames: int = 0
    discarded_bytes: int = 0  # garbage and the bytes of bad frames
    resyncs: int = 0
    malformed_frames: int = 0  # CRC fine but payload wrong (bad length, unknown type)
    lines_received: int = 0
    lines_dropped: int = 0
    lines_overflowed: int = 0  # dropped by this driver: nobody read lines() for too long
    commands_sent: int = 0  # retries included
    command_retries: int = 0
    command_timeouts: int = 0  # attempts that got no reply in time
    naks: int = 0
    stale_replies: int = 0  # replies to an attempt already given up
    events_received: int = 0
    events_lost: int = 0  # gaps in the event counter
    link_losses: int = 0  # the scanner stopped answering altogether
    scanner_restarts: int = 0  # the line index went backwards

    @property
    def frame_errors(self) -> int:
        return self.crc_errors + self.header_errors + self.truncated_frames + self.malformed_frames

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}
