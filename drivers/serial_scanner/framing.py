"""Binary framing of the serial scanner protocol: CRCs, frame encoding, a resynchronising parser.

Pure code, no I/O and no clock: the transport feeds bytes in, the driver decides
when a half-received frame has waited too long (``FrameParser.flush_partial``).
Layout (docs/serial-protocol.md, "Frames"), little-endian::

    A5 5A | type u8 | seq u8 | length u16 | header CRC-16 u16 | payload | CRC-32 u32

The header has its own CRC so that a corrupted length is caught before the parser
waits for a frame that never ends; the CRC-32 covers header and payload.
"""

from __future__ import annotations

import binascii
import struct
import zlib
from dataclasses import dataclass, fields

SOF = b"\xa5\x5a"
_HEAD = struct.Struct("<2sBBH")  # SOF, type, seq, payload length
_HCRC = struct.Struct("<H")
_TRAILER = struct.Struct("<I")
HEADER_SIZE = _HEAD.size + _HCRC.size  # 8
TRAILER_SIZE = _TRAILER.size  # 4
OVERHEAD = HEADER_SIZE + TRAILER_SIZE  # 12 bytes around every payload
MAX_PAYLOAD = 0xFFFF


def crc16_ccitt(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor).

    ``binascii.crc_hqx`` is this CRC computed in C; check value of b"123456789" is 0x29B1.
    """
    return binascii.crc_hqx(data, 0xFFFF)


def crc32(data: bytes | bytearray | memoryview, value: int = 0) -> int:
    """CRC-32 of IEEE 802.3 / zlib (reflected poly 0xEDB88320); check value 0xCBF43926."""
    return zlib.crc32(data, value)


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame that passed both CRCs. ``payload`` is a private copy."""

    type: int
    seq: int
    payload: bytes


def encode_frame(frame_type: int, seq: int, payload: bytes | bytearray | memoryview) -> bytes:
    """The bytes of one frame on the wire."""
    length = len(payload)
    if length > MAX_PAYLOAD:
        raise ValueError(f"payload of {length} bytes exceeds the frame limit of {MAX_PAYLOAD}")
    if not (0 <= frame_type <= 0xFF and 0 <= seq <= 0xFF):
        raise ValueError(f"frame type {frame_type} and seq {seq} must fit in one byte each")
    head = _HEAD.pack(SOF, frame_type, seq, length)
    head += _HCRC.pack(crc16_ccitt(head))
    crc = crc32(payload, crc32(head))
    return b"".join((head, payload, _TRAILER.pack(crc)))


@dataclass
class ParserCounters:
    """What the parser saw since it was created (monotonic counts)."""

    bytes_in: int = 0
    frames_ok: int = 0
    crc_errors: int = 0  # header fine, CRC-32 over the frame wrong
    header_errors: int = 0  # a start-of-frame mark whose header CRC was wrong
    truncated_frames: int = 0  # partial frames given up by flush_partial()
    discarded_bytes: int = 0  # bytes delivered in no valid frame
    resyncs: int = 0  # times the parser lost step and hunted for the next frame

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


class FrameParser:
    """Incremental parser: ``feed`` bytes in any chunking, get whole, CRC-checked frames.

    After a bad header or a bad CRC the parser steps one byte past the start mark and
    searches again, so a frame that begins inside a truncated one is still found.
    """

    def __init__(self, max_payload: int = MAX_PAYLOAD) -> None:
        if not 0 <= max_payload <= MAX_PAYLOAD:
            raise ValueError(f"max_payload must be within 0..{MAX_PAYLOAD}")
        self.max_payload = max_payload
        self.counters = ParserCounters()
        self._buf = bytearray()
        self._hunting = False

    @property
    def pending_bytes(self) -> int:
        """Bytes held back, waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        self.counters.bytes_in += len(data)
        self._buf += data
        return self._parse()

    def flush_partial(self) -> list[Frame]:
        """Give up on the frame at the head of the buffer (the line went quiet mid-frame).

        Whatever follows its start mark is searched again, so a reply that arrived
        behind a truncated line frame is not lost.
        """
        if not self._buf:
            return []
        if len(self._buf) >= HEADER_SIZE and self._header_ok(0) is not None:
            self.counters.truncated_frames += 1
        self._discard(1)
        del self._buf[:1]
        frames = self._parse()
        if self._buf and len(self._buf) < HEADER_SIZE:
            # Too short to ever be checked: nothing more is coming for it.
            self._discard(len(self._buf))
            self._buf.clear()
        return frames

    def reset(self) -> None:
        """Forget buffered bytes (after the port was flushed); counters are kept."""
        self._buf.clear()
        self._hunting = False

    # -------------------------------------------------------------- helpers
    def _discard(self, n: int) -> None:
        if n <= 0:
            return
        self.counters.discarded_bytes += n
        if not self._hunting:
            self._hunting = True
            self.counters.resyncs += 1

    def _header_ok(self, pos: int) -> int | None:
        """Payload length of a valid header at ``pos``, else None."""
        buf = self._buf
        _, _, _, length = _HEAD.unpack_from(buf, pos)
        (hcrc,) = _HCRC.unpack_from(buf, pos + _HEAD.size)
        if length > self.max_payload:
            return None
        with memoryview(buf) as view:
            ok = crc16_ccitt(view[pos:pos + _HEAD.size]) == hcrc
        return length if ok else None

    def _parse(self) -> list[Frame]:
        buf = self._buf
        out: list[Frame] = []
        pos = 0
        n = len(buf)
        while True:
            start = buf.find(SOF, pos)
            if start < 0:
                # A trailing A5 may be the first half of the next start mark.
                keep = n - 1 if n > pos and buf[n - 1] == SOF[0] else n
                self._discard(keep - pos)
                pos = keep
                break
            self._discard(start - pos)
            pos = start
            if n - pos < HEADER_SIZE:
                break
            length = self._header_ok(pos)
            if length is None:
                self.counters.header_errors += 1
                self._discard(1)
                pos += 1
                continue
            end = pos + HEADER_SIZE + length + TRAILER_SIZE
            if end > n:
                break
            (crc,) = _TRAILER.unpack_from(buf, end - TRAILER_SIZE)
            with memoryview(buf) as view:
                ok = crc32(view[pos:end - TRAILER_SIZE]) == crc
            if not ok:
                self.counters.crc_errors += 1
                self._discard(1)
                pos += 1
                continue
            _, ftype, seq, _ = _HEAD.unpack_from(buf, pos)
            out.append(Frame(ftype, seq, bytes(buf[pos + HEADER_SIZE:end - TRAILER_SIZE])))
            self.counters.frames_ok += 1
            self._hunting = False
            pos = end
        del buf[:pos]
        return out
