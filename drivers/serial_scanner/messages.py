"""Payloads of the serial scanner protocol (docs/serial-protocol.md): codes, layouts, encode/decode.

Pure code shared by the driver and the emulator. Physical quantities travel as
fixed-point integers (µm, mHz, µA, 0.1 kV, 0.1 °C) so a hex dump reads the same on
every machine and no NaN can cross the link. Every decoder checks lengths and
values and raises ``ProtocolError`` naming the field that was wrong.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields
from enum import IntEnum, IntFlag

from drivers.base import DetectorLayout, Interlocks, ScannerInfo, ScannerStatus
from drivers.serial_scanner.errors import ProtocolError
from drivers.serial_scanner.framing import MAX_PAYLOAD, OVERHEAD

PROTOCOL_VERSION = 1

# Defaults of the station's reference scanner (the simulator's defaults).
DEFAULT_PIXELS = 1024
DEFAULT_LINE_RATE_HZ = 240.0
# Asynchronous serial: start bit + 8 data bits + stop bit.
BITS_PER_BYTE = 10
# The link must carry this many times the nominal line rate (catch-up after a stall).
REQUIRED_HEADROOM = 5.0
# 1024-pixel lines at 5 × 240 Hz need 49.5 Mbit/s (see docs/serial-protocol.md, "Baud rate").
DEFAULT_BAUDRATE = 50_000_000


class FrameType(IntEnum):
    COMMAND = 0x01  # host → scanner
    ACK = 0x02  # scanner → host, reply: command done
    NAK = 0x03  # scanner → host, reply: command refused
    LINE = 0x10  # scanner → host, one detector line
    EVENT = 0x11  # scanner → host, unsolicited state change


class Command(IntEnum):
    IDENTIFY = 0x01
    STATUS = 0x02
    XRAY_ON = 0x10
    XRAY_OFF = 0x11
    BELT_START = 0x20
    BELT_STOP = 0x21
    BELT_SPEED = 0x22
    TARGET_LOAD = 0x30


class NakReason(IntEnum):
    UNKNOWN_COMMAND = 1
    BAD_ARGUMENT = 2
    INTERLOCK_OPEN = 3
    UNSUPPORTED = 4
    NOT_READY = 5
    DEVICE_FAULT = 6


class EventCode(IntEnum):
    XRAY_TRIPPED = 1  # X-rays were on and went off without a command (interlock, watchdog)
    INTERLOCK_CHANGED = 2
    STATE_CHANGED = 3  # X-ray or belt changed without a command (local panel, key switch)
    FAULT = 4
    END_OF_STREAM = 5  # the line source is exhausted (replay and emulator devices only)


class Capability(IntFlag):
    TARGET_CHANGER = 0x01  # can put its own calibration targets in the beam (TARGET_LOAD)
    LIGHT_BARRIER = 0x02  # line flag OBJECT_PRESENT is meaningful
    BELT_SPEED_CONTROL = 0x04  # BELT_SPEED is accepted


class LineFlag(IntFlag):
    XRAY_ON = 0x01
    BELT_RUNNING = 0x02
    OBJECT_PRESENT = 0x04


class StateFlag(IntFlag):
    XRAY_ON = 0x01
    BELT_RUNNING = 0x02


class Target(IntEnum):
    """Calibration targets of TARGET_LOAD; names are those of ``CalibrationTargetLoader``."""

    EMPTY = 0
    DARK = 1
    STEP_WEDGE = 2
    IQ_TEST_PIECE = 3

    @property
    def target_name(self) -> str:
        return self.name.lower()

    @classmethod
    def from_name(cls, name: str) -> Target:
        try:
            return cls[name.upper()]
        except KeyError:
            known = ", ".join(t.target_name for t in cls)
            raise ValueError(f"unknown calibration target {name!r} (known: {known})") from None


_DETECTOR_LAYOUTS = (DetectorLayout.SANDWICH, DetectorLayout.DUAL_ARRAY)
_INTERLOCK_FIELDS = tuple(f.name for f in fields(Interlocks))  # bit i = field i, 1 = closed
_NO_TEMPERATURE = -0x8000


# ------------------------------------------------------------------ line rate arithmetic
def line_frame_bytes(pixels: int) -> int:
    """Bytes on the wire for one line frame: framing + 16-byte line header + 2 × 2 bytes/pixel."""
    return OVERHEAD + LINE_HEADER.size + 4 * pixels


def required_baud(pixels: int, line_rate_hz: float, headroom: float = REQUIRED_HEADROOM) -> float:
    """Baud rate that carries ``headroom`` × the line rate at 10 bits per byte."""
    return line_frame_bytes(pixels) * BITS_PER_BYTE * line_rate_hz * headroom


def max_line_rate_hz(pixels: int, baudrate: float) -> float:
    """Lines per second a link of ``baudrate`` can carry (line frames only)."""
    return baudrate / (BITS_PER_BYTE * line_frame_bytes(pixels))


# ------------------------------------------------------------------ helpers
def _put_text(text: str, what: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > 255:
        raise ValueError(f"{what} is {len(raw)} bytes of UTF-8; at most 255 fit")
    return bytes((len(raw),)) + raw


class _Reader:
    """Walks a payload, naming the message and field in every error."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data, self.pos, self.what = data, 0, what

    def unpack(self, fmt: struct.Struct, field: str) -> tuple[int, ...]:
        if self.pos + fmt.size > len(self.data):
            raise ProtocolError(f"{self.what}: payload of {len(self.data)} bytes ends inside "
                                f"{field} (needs {self.pos + fmt.size})")
        values = fmt.unpack_from(self.data, self.pos)
        self.pos += fmt.size
        return tuple(int(v) for v in values)

    def text(self, field: str) -> str:
        (n,) = self.unpack(_U8, f"{field} length")
        if self.pos + n > len(self.data):
            raise ProtocolError(f"{self.what}: {field} claims {n} bytes, "
                                f"{len(self.data) - self.pos} left")
        raw = self.data[self.pos:self.pos + n]
        self.pos += n
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"{self.what}: {field} is not UTF-8 ({exc})") from None

    def done(self) -> None:
        if self.pos != len(self.data):
            raise ProtocolError(f"{self.what}: {len(self.data) - self.pos} unexpected bytes "
                                "after the last field")


_U8 = struct.Struct("<B")


def interlocks_to_bits(interlocks: Interlocks) -> int:
    return sum(1 << i for i, name in enumerate(_INTERLOCK_FIELDS) if getattr(interlocks, name))


def interlocks_from_bits(bits: int) -> Interlocks:
    return Interlocks(**{name: bool(bits >> i & 1) for i, name in enumerate(_INTERLOCK_FIELDS)})


def _temperature(raw: int) -> float | None:
    return None if raw == _NO_TEMPERATURE else raw / 10.0


def _temperature_raw(value: float | None) -> int:
    return _NO_TEMPERATURE if value is None else max(-0x7FFF, min(0x7FFF, round(value * 10)))


# ------------------------------------------------------------------ commands and replies
def encode_command(command: Command, args: bytes = b"") -> bytes:
    return bytes((command,)) + args


def encode_ack(command: int, data: bytes = b"") -> bytes:
    return bytes((command,)) + data


def encode_nak(command: int, reason: NakReason, detail: str = "") -> bytes:
    return bytes((command, reason)) + _put_text(detail[:200], "NAK detail")


@dataclass(frozen=True)
class Nak:
    command: int
    reason: int
    detail: str

    @property
    def reason_name(self) -> str:
        try:
            return NakReason(self.reason).name
        except ValueError:
            return f"reason {self.reason}"


def decode_nak(payload: bytes) -> Nak:
    r = _Reader(payload, "NAK")
    command, reason = r.unpack(_NAK_HEAD, "command and reason")
    detail = r.text("detail")
    r.done()
    return Nak(command, reason, detail)


_NAK_HEAD = struct.Struct("<BB")
BELT_SPEED_ARGS = struct.Struct("<I")  # µm/s
TARGET_ARGS = struct.Struct("<B")


@dataclass(frozen=True)
class Identity:
    """IDENTIFY reply: static facts about the scanner."""

    protocol_version: int
    capabilities: Capability
    info: ScannerInfo


_IDENTIFY = struct.Struct("<BBHIIIHHBH")


def encode_identify(info: ScannerInfo, capabilities: Capability,
                    protocol_version: int = PROTOCOL_VERSION) -> bytes:
    layout = _DETECTOR_LAYOUTS.index(info.detector_layout)
    head = _IDENTIFY.pack(
        protocol_version, int(capabilities), info.pixels, round(info.pitch_mm * 1000),
        round(info.line_rate_hz * 1000), round(info.belt_speed_m_s * 1e6),
        round(info.tube_kv * 10), round(info.tube_ma * 1000), layout, info.counts_max,
    )
    texts = (info.vendor, info.model, info.serial, info.firmware)
    names = ("vendor", "model", "serial", "firmware")
    return head + b"".join(_put_text(t, n) for t, n in zip(texts, names, strict=True))


def decode_identify(data: bytes) -> Identity:
    """``data``: the ACK payload after its command byte."""
    r = _Reader(data, "IDENTIFY reply")
    (version, caps, pixels, pitch_um, rate_mhz, belt_um_s, kv10, tube_ua, layout,
     counts_max) = r.unpack(_IDENTIFY, "fixed fields")
    vendor, model, serial, firmware = (r.text(n) for n in ("vendor", "model", "serial",
                                                             "firmware"))
    r.done()
    if not 1 <= pixels <= MAX_LINE_PIXELS:
        raise ProtocolError(f"IDENTIFY reply: {pixels} pixels is outside 1..{MAX_LINE_PIXELS}")
    if pitch_um == 0 or rate_mhz == 0 or belt_um_s == 0:
        raise ProtocolError("IDENTIFY reply: pixel pitch, line rate and belt speed must be > 0")
    if layout >= len(_DETECTOR_LAYOUTS):
        raise ProtocolError(f"IDENTIFY reply: unknown detector layout {layout}")
    info = ScannerInfo(
        vendor=vendor, model=model, serial=serial, pixels=pixels, pitch_mm=pitch_um / 1000,
        line_rate_hz=rate_mhz / 1000, belt_speed_m_s=belt_um_s / 1e6, tube_kv=kv10 / 10,
        tube_ma=tube_ua / 1000, detector_layout=_DETECTOR_LAYOUTS[layout],
        counts_max=counts_max, firmware=firmware,
    )
    return Identity(version, Capability(caps & 0xFF), info)


_STATUS = struct.Struct("<BBHHIhhIIB")


def encode_status(status: ScannerStatus, *, device_lines_dropped: int = 0) -> bytes:
    state = (StateFlag.XRAY_ON if status.xray_on else 0) | (
        StateFlag.BELT_RUNNING if status.belt_running else 0)
    head = _STATUS.pack(
        int(state), interlocks_to_bits(status.interlocks), round(status.tube_kv * 10),
        round(status.tube_ma * 1000), round(status.belt_speed_m_s * 1e6),
        _temperature_raw(status.tube_temperature_c),
        _temperature_raw(status.detector_temperature_c),
        status.lines_acquired & 0xFFFFFFFF, device_lines_dropped & 0xFFFFFFFF,
        min(len(status.faults), 16),
    )
    return head + b"".join(_put_text(f[:200], "fault") for f in status.faults[:16])


@dataclass(frozen=True)
class DeviceStatus:
    """STATUS reply. ``lines_dropped`` counts lines the scanner itself could not send."""

    status: ScannerStatus
    lines_dropped: int


def decode_status(data: bytes) -> DeviceStatus:
    r = _Reader(data, "STATUS reply")
    (state, bits, kv10, tube_ua, belt_um_s, tube_t, det_t, acquired, dropped,
     n_faults) = r.unpack(_STATUS, "fixed fields")
    faults = tuple(r.text(f"fault {i + 1}") for i in range(n_faults))
    r.done()
    status = ScannerStatus(
        xray_on=bool(state & StateFlag.XRAY_ON), belt_running=bool(state & StateFlag.BELT_RUNNING),
        belt_speed_m_s=belt_um_s / 1e6, tube_kv=kv10 / 10, tube_ma=tube_ua / 1000,
        interlocks=interlocks_from_bits(bits), tube_temperature_c=_temperature(tube_t),
        detector_temperature_c=_temperature(det_t), faults=faults, lines_acquired=acquired,
        lines_dropped=dropped,
    )
    return DeviceStatus(status, dropped)


# ------------------------------------------------------------------ lines
LINE_HEADER = struct.Struct("<IQHBB")  # line index, timestamp ns, pixels, flags, reserved
MAX_LINE_PIXELS = (MAX_PAYLOAD - LINE_HEADER.size) // 4  # 16379


def encode_line(index: int, timestamp_ns: int, flags: int, high: bytes, low: bytes) -> bytes:
    """``high``/``low``: the line's counts as little-endian uint16 bytes (numpy ``'<u2'``)."""
    pixels = len(high) // 2
    if len(high) != len(low) or len(high) % 2:
        raise ValueError("high and low must hold the same whole number of uint16 counts")
    return b"".join((LINE_HEADER.pack(index & 0xFFFFFFFF, timestamp_ns & 0xFFFFFFFFFFFFFFFF,
                                      pixels, flags, 0), high, low))


@dataclass(frozen=True, slots=True)
class LineHeader:
    index: int  # uint32, wraps
    timestamp_ns: int  # scanner clock
    pixels: int
    flags: LineFlag


def decode_line_header(payload: bytes, pixels: int) -> LineHeader:
    """Header of a LINE payload whose detector has ``pixels`` pixels per energy."""
    if len(payload) < LINE_HEADER.size:
        raise ProtocolError(f"LINE: payload of {len(payload)} bytes is shorter than its header")
    index, ts, n, flags, _ = LINE_HEADER.unpack_from(payload)
    if n != pixels:
        raise ProtocolError(f"LINE {index}: {n} pixels, the scanner announced {pixels}")
    if len(payload) != LINE_HEADER.size + 4 * n:
        raise ProtocolError(f"LINE {index}: payload of {len(payload)} bytes, expected "
                            f"{LINE_HEADER.size + 4 * n} for {n} pixels")
    return LineHeader(index, ts, n, LineFlag(flags & 0x07))


# ------------------------------------------------------------------ events
_EVENT = struct.Struct("<HBBBI")  # counter, code, state flags, interlocks, line index


@dataclass(frozen=True)
class DeviceEvent:
    counter: int  # uint16, +1 per event: a gap means an event frame was lost
    code: int
    xray_on: bool
    belt_running: bool
    interlocks: Interlocks
    line_index: int  # the next line the scanner will acquire (uint32)
    detail: str

    @property
    def code_name(self) -> str:
        try:
            return EventCode(self.code).name
        except ValueError:
            return f"event {self.code}"


def encode_event(counter: int, code: EventCode, *, xray_on: bool, belt_running: bool,
                 interlocks: Interlocks, line_index: int, detail: str = "") -> bytes:
    state = (StateFlag.XRAY_ON if xray_on else 0) | (StateFlag.BELT_RUNNING if belt_running else 0)
    return _EVENT.pack(counter & 0xFFFF, code, int(state), interlocks_to_bits(interlocks),
                       line_index & 0xFFFFFFFF) + _put_text(detail[:200], "event detail")


def decode_event(payload: bytes) -> DeviceEvent:
    r = _Reader(payload, "EVENT")
    counter, code, state, bits, line_index = r.unpack(_EVENT, "fixed fields")
    detail = r.text("detail")
    r.done()
    return DeviceEvent(counter, code, bool(state & StateFlag.XRAY_ON),
                       bool(state & StateFlag.BELT_RUNNING), interlocks_from_bits(bits),
                       line_index, detail)
