"""Benchmark of the serial scanner driver: lines/s decoded through a pty.

A scripted peer on the master side of a pty answers IDENTIFY/STATUS for a scanner
with the default geometry (1024 pixels, 240 lines/s) and, on BELT_START, writes
pre-encoded line frames as fast as the pty takes them; the real driver reads them
through pyserial, checks both CRCs and hands out ``LineBlock``s. A pty has no baud
limit, so this measures the decoder: the figure to compare with is 5 × the line rate
(``ratio_vs_5x_line_rate`` ≥ 1). The baud the wire itself would need is computed.
"""

from __future__ import annotations

import contextlib
import os
import select
import statistics
import threading
import time
import tty

import numpy as np

from drivers.base import DetectorLayout, Interlocks, ScannerInfo, ScannerStatus
from drivers.serial_scanner import create_driver
from drivers.serial_scanner.framing import FrameParser, encode_frame
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
    encode_ack,
    encode_event,
    encode_identify,
    encode_line,
    encode_status,
    line_frame_bytes,
    max_line_rate_hz,
    required_baud,
)

LINES = 3000

INFO = ScannerInfo(
    vendor="bench", model="scripted peer", serial="BENCH-1", pixels=DEFAULT_PIXELS,
    pitch_mm=1.0, line_rate_hz=DEFAULT_LINE_RATE_HZ, belt_speed_m_s=0.24, tube_kv=140.0,
    tube_ma=1.0, detector_layout=DetectorLayout.SANDWICH,
)
STATUS = ScannerStatus(xray_on=True, belt_running=True, belt_speed_m_s=0.24, tube_kv=140.0,
                       tube_ma=1.0, interlocks=Interlocks())


def _line_frames(lines: int) -> list[bytes]:
    rng = np.random.default_rng(0)
    high = rng.normal(50_000, 300, (64, DEFAULT_PIXELS)).astype("<u2")
    low = rng.normal(48_000, 300, (64, DEFAULT_PIXELS)).astype("<u2")
    period_ns = round(1e9 / DEFAULT_LINE_RATE_HZ)
    flags = LineFlag.XRAY_ON | LineFlag.BELT_RUNNING
    return [
        encode_frame(FrameType.LINE, 0, encode_line(i, i * period_ns, flags,
                                                    high[i % 64].tobytes(), low[i % 64].tobytes()))
        for i in range(lines)
    ]


class _Peer:
    """Answers every command with ACK; BELT_START starts the line burst, ended by an event."""

    def __init__(self, frames: list[bytes]) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.port = os.ttyname(self.slave)
        end = encode_event(1, EventCode.END_OF_STREAM, xray_on=True, belt_running=True,
                           interlocks=Interlocks(), line_index=len(frames))
        self._burst = [*frames, encode_frame(FrameType.EVENT, 0, end)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5.0)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _reply(self, code: int) -> bytes:
        if code == Command.IDENTIFY:
            return encode_ack(code, encode_identify(INFO, Capability.LIGHT_BARRIER))
        if code == Command.STATUS:
            return encode_ack(code, encode_status(STATUS))
        return encode_ack(code)

    def _run(self) -> None:
        parser = FrameParser()
        out: list[bytes] = []
        pending = memoryview(b"")
        while not self._stop.is_set():
            readable, writable, _ = select.select(
                [self.master], [self.master] if pending or out else [], [], 0.05)
            if readable:
                for frame in parser.feed(os.read(self.master, 4096)):
                    out.insert(0, encode_frame(FrameType.ACK, frame.seq,
                                               self._reply(frame.payload[0])))
                    if frame.payload[0] == Command.BELT_START:
                        out.extend(self._burst)
            if writable:
                if not pending and out:
                    pending = memoryview(out.pop(0))
                with contextlib.suppress(BlockingIOError):
                    pending = pending[os.write(self.master, pending):]


def _decode_once(frames: list[bytes]) -> float:
    """Seconds from BELT_START to the last line handed out by ``lines()``."""
    peer = _Peer(frames)
    try:
        driver = create_driver(peer.port, xray_off_on_close=False)
        driver.open()
        started = time.perf_counter()
        driver.belt_start()
        received = sum(block.n_lines for block in driver.lines())
        elapsed = time.perf_counter() - started
        stats = driver.link_statistics
        driver.close()
    finally:
        peer.close()
    if received != len(frames) or stats.lines_dropped or stats.crc_errors:
        raise RuntimeError(f"serial bench: {received} of {len(frames)} lines decoded, "
                           f"{stats.lines_dropped} dropped, {stats.crc_errors} CRC errors")
    return elapsed


def run(n: int = 3) -> dict[str, float]:
    """Median decode rate over ``n`` bursts of 3000 lines of 1024 pixels."""
    frames = _line_frames(LINES)
    seconds = [_decode_once(frames) for _ in range(max(1, n))]
    lines_per_s = LINES / statistics.median(seconds)
    target = REQUIRED_HEADROOM * DEFAULT_LINE_RATE_HZ
    frame_bytes = line_frame_bytes(DEFAULT_PIXELS)
    return {
        "decoded_lines_per_s": lines_per_s,
        "decoded_mbyte_per_s": lines_per_s * frame_bytes / 1e6,
        "target_lines_per_s_5x": target,
        "ratio_vs_5x_line_rate": lines_per_s / target,
        "required_baud_5x_mbaud": required_baud(DEFAULT_PIXELS, DEFAULT_LINE_RATE_HZ) / 1e6,
        "default_baud_mbaud": DEFAULT_BAUDRATE / 1e6,
        "default_baud_lines_per_s": max_line_rate_hz(DEFAULT_PIXELS, DEFAULT_BAUDRATE),
        "decoder_equivalent_mbaud": lines_per_s * frame_bytes * 10 / 1e6,
    }
