"""The serial protocol's pure codec: CRCs, frames, resynchronisation, payload layouts."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import DetectorLayout, Interlocks, ScannerInfo, ScannerStatus
from drivers.serial_scanner.errors import ProtocolError
from drivers.serial_scanner.framing import (
    OVERHEAD,
    Frame,
    FrameParser,
    crc16_ccitt,
    crc32,
    encode_frame,
)
from drivers.serial_scanner.messages import (
    DEFAULT_BAUDRATE,
    DEFAULT_LINE_RATE_HZ,
    DEFAULT_PIXELS,
    REQUIRED_HEADROOM,
    Capability,
    Command,
    EventCode,
    FrameType,
    LineFlag,
    NakReason,
    decode_event,
    decode_identify,
    decode_line_header,
    decode_nak,
    decode_status,
    encode_ack,
    encode_command,
    encode_event,
    encode_identify,
    encode_line,
    encode_nak,
    encode_status,
    line_frame_bytes,
    max_line_rate_hz,
    required_baud,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "serial-protocol.md"


def _frames() -> list[bytes]:
    """A command, a line frame (long: a truncated one makes the parser wait), a reply."""
    return [
        encode_frame(FrameType.COMMAND, 1, encode_command(Command.STATUS)),
        encode_frame(FrameType.LINE, 0, encode_line(5, 1000, LineFlag.XRAY_ON,
                                                    bytes(range(8)), bytes(range(8, 16)))),
        encode_frame(FrameType.ACK, 1, encode_ack(Command.XRAY_ON)),
    ]


def test_crc_check_values() -> None:
    assert crc16_ccitt(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE
    assert crc32(b"123456789") == 0xCBF43926  # CRC-32/ISO-HDLC


def test_frame_layout_is_as_documented() -> None:
    frame = encode_frame(FrameType.COMMAND, 7, b"\x10")
    assert frame[:2] == b"\xa5\x5a" and frame[2] == 0x01 and frame[3] == 7
    assert frame[4:6] == b"\x01\x00"
    assert int.from_bytes(frame[6:8], "little") == crc16_ccitt(frame[:6])
    assert int.from_bytes(frame[-4:], "little") == crc32(frame[:-4])
    assert len(frame) == OVERHEAD + 1


@settings(max_examples=60, deadline=None)
@given(
    payloads=st.lists(st.binary(max_size=300), min_size=1, max_size=8),
    garbage=st.lists(st.binary(max_size=40).filter(lambda b: 0xA5 not in b), min_size=9,
                     max_size=9),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=12),
)
def test_any_chunking_and_garbage_without_start_marks_loses_nothing(
    payloads: list[bytes], garbage: list[bytes], cuts: list[int]
) -> None:
    frames = [encode_frame(FrameType.LINE, i, p) for i, p in enumerate(payloads)]
    used = [*garbage[:len(frames)], garbage[-1]]  # before each frame, and a tail
    stream = b"".join(g + f for g, f in zip(used, frames, strict=False)) + used[-1]
    parser = FrameParser()
    got: list[Frame] = []
    bounds = [0, *sorted(c % (len(stream) + 1) for c in cuts), len(stream)]
    for a, b in itertools.pairwise(bounds):
        got += parser.feed(stream[a:b])
    assert [(f.seq, f.payload) for f in got] == list(enumerate(payloads))
    junk = sum(len(g) for g in used)
    assert parser.counters.discarded_bytes == junk
    assert parser.counters.crc_errors == parser.counters.header_errors == 0


def test_garbage_with_false_start_marks_is_skipped() -> None:
    good = _frames()
    fake = b"\xa5\x5a\x10\x00\xff\xff\x00\x00" + b"\xa5" + b"\xa5\x5a\x01"
    parser = FrameParser()
    got = parser.feed(good[0] + fake + good[1] + b"\xa5\x5a" + good[2])
    assert [f.payload for f in got] == [g[8:-4] for g in good]
    assert parser.counters.header_errors >= 1
    assert parser.counters.resyncs == 2
    assert parser.counters.discarded_bytes == len(fake) + 2


def test_a_bit_flip_anywhere_loses_exactly_that_frame() -> None:
    first, middle, last = _frames()
    for bit in range(8 * len(middle)):
        broken = bytearray(middle)
        broken[bit // 8] ^= 1 << (bit % 8)
        parser = FrameParser()
        got = parser.feed(first + bytes(broken) + last)
        got += parser.flush_partial()  # a flipped length may leave the parser waiting
        assert [f.payload for f in got] == [first[8:-4], last[8:-4]], f"bit {bit}"
        c = parser.counters
        assert c.frames_ok == 2 and c.discarded_bytes == len(middle), f"bit {bit}"


def test_a_truncated_frame_never_hides_the_next_one() -> None:
    first, middle, last = _frames()
    for cut in range(1, len(middle)):
        parser = FrameParser()
        got = parser.feed(first + middle[:cut] + last)
        while parser.pending_bytes:  # the line goes quiet: the driver gives up the partial
            got += parser.flush_partial()
        assert [f.payload for f in got] == [first[8:-4], last[8:-4]], f"cut {cut}"
        assert parser.counters.discarded_bytes == cut


def test_flush_partial_counts_a_truncated_frame() -> None:
    parser = FrameParser()
    frame = _frames()[1]
    assert parser.feed(frame[:-3]) == []
    assert parser.pending_bytes == len(frame) - 3
    assert parser.flush_partial() == []
    assert parser.counters.truncated_frames == 1
    assert parser.pending_bytes == 0


def test_a_length_above_the_limit_is_a_header_error() -> None:
    parser = FrameParser(max_payload=16)
    big = encode_frame(FrameType.LINE, 0, bytes(17))
    small = encode_frame(FrameType.ACK, 3, b"\x02")
    got = parser.feed(big + small)
    assert [f.seq for f in got] == [3]
    assert parser.counters.header_errors == 1


def test_encode_refuses_what_does_not_fit() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        encode_frame(FrameType.LINE, 0, bytes(0x10000))
    with pytest.raises(ValueError, match="one byte"):
        encode_frame(FrameType.LINE, 256, b"")


INFO = ScannerInfo(
    vendor="ACME", model="LS-100", serial="A1-0042", pixels=640, pitch_mm=1.6,
    line_rate_hz=312.5, belt_speed_m_s=0.5, tube_kv=160.0, tube_ma=0.7,
    detector_layout=DetectorLayout.DUAL_ARRAY, counts_max=16383, firmware="2.4.1",
)


def test_identify_round_trip() -> None:
    caps = Capability.LIGHT_BARRIER | Capability.TARGET_CHANGER
    identity = decode_identify(encode_identify(INFO, caps))
    assert identity.info == INFO
    assert identity.capabilities == caps and identity.protocol_version == 1


def test_identify_errors_name_the_field() -> None:
    data = encode_identify(INFO, Capability(0))
    with pytest.raises(ProtocolError, match=r"IDENTIFY reply.*fixed fields"):
        decode_identify(data[:10])
    with pytest.raises(ProtocolError, match="serial"):
        decode_identify(data[:-len("2.4.1") - 1 - len("A1-0042")])
    with pytest.raises(ProtocolError, match="unexpected bytes"):
        decode_identify(data + b"\x00")
    zero_pixels = data[:2] + b"\x00\x00" + data[4:]
    with pytest.raises(ProtocolError, match="0 pixels"):
        decode_identify(zero_pixels)


def test_status_round_trip() -> None:
    status = ScannerStatus(
        xray_on=True, belt_running=False, belt_speed_m_s=0.0, tube_kv=140.0, tube_ma=1.0,
        interlocks=Interlocks(covers_closed=False), tube_temperature_c=-3.5,
        detector_temperature_c=None, faults=("interlock open: covers_closed", "fan 2 stalled"),
        lines_acquired=123456, lines_dropped=7,
    )
    device = decode_status(encode_status(status, device_lines_dropped=7))
    assert device.status == status and device.lines_dropped == 7


def test_event_and_nak_round_trip() -> None:
    payload = encode_event(65535, EventCode.XRAY_TRIPPED, xray_on=False, belt_running=True,
                           interlocks=Interlocks(emergency_stop_released=False),
                           line_index=2**32 - 1, detail="e-stop")
    event = decode_event(payload)
    assert (event.counter, event.code, event.line_index, event.detail) == (
        65535, EventCode.XRAY_TRIPPED, 2**32 - 1, "e-stop")
    assert event.interlocks.open_names() == ("emergency_stop_released",)
    assert not event.xray_on and event.belt_running and event.code_name == "XRAY_TRIPPED"
    nak = decode_nak(encode_nak(Command.XRAY_ON, NakReason.INTERLOCK_OPEN, "covers_closed"))
    assert (nak.command, nak.reason_name, nak.detail) == (0x10, "INTERLOCK_OPEN",
                                                           "covers_closed")


def test_line_payload_layout() -> None:
    high = np.array([1, 2, 65535], dtype="<u2")
    low = np.array([4, 5, 6], dtype="<u2")
    flags = LineFlag.XRAY_ON | LineFlag.OBJECT_PRESENT
    payload = encode_line(2**32 + 9, 77, flags, high.tobytes(), low.tobytes())
    header = decode_line_header(payload, 3)
    assert (header.index, header.timestamp_ns, header.pixels, header.flags) == (9, 77, 3, flags)
    assert np.array_equal(np.frombuffer(payload, "<u2", 3, 16), high)
    assert np.array_equal(np.frombuffer(payload, "<u2", 3, 22), low)
    with pytest.raises(ProtocolError, match="3 pixels, the scanner announced 4"):
        decode_line_header(payload, 4)
    with pytest.raises(ProtocolError, match="expected 28"):
        decode_line_header(payload[:-2], 3)


def test_default_baud_carries_five_times_the_default_line_rate() -> None:
    assert line_frame_bytes(DEFAULT_PIXELS) == 12 + 16 + 4 * 1024 == 4124
    needed = required_baud(DEFAULT_PIXELS, DEFAULT_LINE_RATE_HZ)
    assert needed == pytest.approx(4124 * 10 * 240 * 5)
    assert needed <= DEFAULT_BAUDRATE
    assert max_line_rate_hz(DEFAULT_PIXELS, DEFAULT_BAUDRATE) >= (
        REQUIRED_HEADROOM * DEFAULT_LINE_RATE_HZ)


def _doc_hex_blocks() -> list[bytes]:
    blocks = re.findall(r"```hex\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    out = []
    for block in blocks:
        # Each dump line: offset, then hex bytes, then an optional '|' comment.
        rows = [line.split("|")[0].split()[1:] for line in block.strip().splitlines()]
        out.append(bytes(int(b, 16) for row in rows for b in row))
    return out


def test_the_hex_dumps_in_the_protocol_document_are_what_the_codec_makes() -> None:
    dumps = _doc_hex_blocks()
    expected = [
        encode_frame(FrameType.COMMAND, 7, encode_command(Command.XRAY_ON)),
        encode_frame(FrameType.NAK, 7, encode_nak(Command.XRAY_ON, NakReason.INTERLOCK_OPEN,
                                                  "covers_closed")),
        encode_frame(FrameType.LINE, 0, encode_line(
            1000, 4_166_666, LineFlag.XRAY_ON | LineFlag.BELT_RUNNING | LineFlag.OBJECT_PRESENT,
            np.array([50000, 49800, 1200, 50100], "<u2").tobytes(),
            np.array([48000, 47500, 900, 48200], "<u2").tobytes())),
    ]
    assert dumps == expected
    for dump in dumps:  # and each is a valid frame on its own
        assert len(FrameParser().feed(dump)) == 1
