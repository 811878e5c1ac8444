"""A scanner that speaks docs/serial-protocol.md on a pty, with the physics simulator behind it.

The emulator holds the master side of ``os.openpty()`` and serves it from one
thread; the driver opens the slave path (``emulator.port``) like any serial
device. Line data, X-ray, belt and interlocks come from a ``SimulatedScanner``;
faults are injected on the wire (bit flips, truncated frames, garbage bursts,
a device that goes silent, an interlock that opens at a given line).

Run ``python -m drivers.serial_scanner.emulator --help`` to put one on a pty for a
technician; the path it prints is the driver's ``port`` option.

Test and development code only: the station never imports this module.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import select
import sys
import threading
import time
import tty
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from drivers.base import InterlockOpenError, Interlocks, LineBlock, ScannerStatus
from drivers.serial_scanner.framing import SOF, Frame, FrameParser, encode_frame
from drivers.serial_scanner.messages import (
    BELT_SPEED_ARGS,
    TARGET_ARGS,
    Capability,
    Command,
    EventCode,
    FrameType,
    LineFlag,
    NakReason,
    Target,
    encode_ack,
    encode_event,
    encode_identify,
    encode_line,
    encode_nak,
    encode_status,
)
from drivers.simulator.scanner import SimulatedScanner

log = logging.getLogger(__name__)

Transcript = Callable[[str, bytes], None]
"""Called with ("host", bytes read) and ("device", bytes about to be written)."""

ALL_CAPABILITIES = Capability.TARGET_CHANGER | Capability.LIGHT_BARRIER | (
    Capability.BELT_SPEED_CONTROL)
# Without a line-rate clock (realtime=False) lines are made only while this few frames
# wait to be written: the host's reading paces the emulator and nothing is ever dropped.
_FLOW_QUEUE_FRAMES = 4
# At most this many overdue lines are made per loop turn, so commands are still served
# when a slow host makes the emulator fall behind its line clock.
_MAX_BURST_LINES = 64
_POLL_S = 0.05
_ARG_BYTES = {
    Command.IDENTIFY: 0, Command.STATUS: 0, Command.XRAY_ON: 0, Command.XRAY_OFF: 0,
    Command.BELT_START: 0, Command.BELT_STOP: 0, Command.BELT_SPEED: BELT_SPEED_ARGS.size,
    Command.TARGET_LOAD: TARGET_ARGS.size,
}
_INTERLOCK_NAMES = tuple(f.name for f in fields(Interlocks))


@dataclass(frozen=True)
class FaultPlan:
    """Faults the emulator injects. Rates are per line frame, drawn from ``seed``."""

    seed: int = 0
    bit_flip_rate: float = 0.0  # one random bit of the frame flipped
    truncate_rate: float = 0.0  # the frame cut short at a random byte
    garbage_rate: float = 0.0  # a burst of random bytes (sometimes with a fake start mark) first
    garbage_max_bytes: int = 64
    silent_after_line: int | None = None  # after this line: nothing sent, commands ignored
    interlock_open_at_line: int | None = None  # this interlock opens before this line
    interlock: str = "covers_closed"
    drop_replies: int = 0  # the first replies are lost on the wire (the commands were executed)

    def __post_init__(self) -> None:
        for name in ("bit_flip_rate", "truncate_rate", "garbage_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")
        if self.interlock not in _INTERLOCK_NAMES:
            raise ValueError(f"unknown interlock {self.interlock!r} (known: "
                             f"{', '.join(_INTERLOCK_NAMES)})")
        if self.garbage_max_bytes < 1 or self.drop_replies < 0:
            raise ValueError("garbage_max_bytes must be >= 1 and drop_replies >= 0")


@dataclass
class EmulatorCounters:
    lines_sent: int = 0
    lines_dropped: int = 0  # send buffer full (realtime only)
    events_sent: int = 0
    commands: int = 0
    commands_repeated: int = 0  # retries answered from the reply cache, not executed again
    replies_dropped: int = 0
    frames_bit_flipped: int = 0
    frames_truncated: int = 0
    garbage_bursts: int = 0


class ScannerEmulator:
    """One emulated scanner on a fresh pty; ``start()`` it, point the driver at ``port``."""

    def __init__(
        self,
        scanner: SimulatedScanner | None = None,
        *,
        faults: FaultPlan | None = None,
        realtime: bool = False,
        capabilities: Capability = ALL_CAPABILITIES,
        tx_buffer_lines: int = 256,
        watchdog_s: float | None = None,
        transcript: Transcript | None = None,
        interlock_stops_belt: bool = False,
        **sim_options: Any,
    ) -> None:
        if scanner is not None and sim_options:
            raise TypeError("give either a scanner or simulator options, not both")
        self.sim = scanner if scanner is not None else SimulatedScanner(**sim_options)
        self.faults = faults or FaultPlan()
        self.realtime = realtime
        self.capabilities = capabilities
        self.counters = EmulatorCounters()
        self._tx_limit = max(1, tx_buffer_lines)
        self._watchdog_ns = None if watchdog_s is None else round(watchdog_s * 1e9)
        # Scanners whose safety chain also stops the conveyor: after a trip no line comes.
        self.interlock_stops_belt = interlock_stops_belt
        self._transcript = transcript
        info = self.sim.info
        self._info = info
        self._period_ns = round(1e9 / info.line_rate_hz)
        self._speed_um_s = round(info.belt_speed_m_s * 1e6)
        self._rate_hz = info.line_rate_hz
        self._master = self._slave = self._wake_r = self._wake_w = -1
        self._port = ""
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._actions: deque[Callable[[], None]] = deque()
        self.error: BaseException | None = None
        # Device state; touched by the emulator thread only.
        self._parser = FrameParser()
        self._replies: deque[bytes] = deque()
        self._stream: deque[tuple[bytes, bool]] = deque()  # (bytes, is a line), in order
        self._stream_lines = 0
        self._current: memoryview | None = None
        self._source: Iterator[LineBlock] | None = None
        self._block: LineBlock | None = None
        self._block_pos = 0
        self._dark: tuple[int, NDArray[np.uint16], NDArray[np.uint16]] | None = None
        self._next_index = 0
        self._made = 0
        self._pace = (0, 0)  # (monotonic ns, lines made) at the last rate change
        self._xray = self._belt = False
        self._exhausted = self._silent = False
        self._planned_trip_done = False
        self._event_counter = 0
        self._last_command: tuple[int, bytes, bytes] | None = None
        self._drop_replies = self.faults.drop_replies
        self._last_command_ns = 0
        self._boot_ns = time.monotonic_ns()
        self._fault_rng = np.random.default_rng(self.faults.seed)
        self._noise_rng = np.random.default_rng([self.faults.seed, 1])

    # ------------------------------------------------------------------ lifecycle
    @property
    def port(self) -> str:
        """The pty slave path the driver opens."""
        if not self._port:
            raise RuntimeError("emulator not started")
        return self._port

    def start(self) -> ScannerEmulator:
        if self._thread is not None:
            raise RuntimeError("emulator already started")
        self._master, self._slave = os.openpty()
        # Raw before anyone opens it: no echo, no CR/LF translation, no ^C handling.
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self._port = os.ttyname(self._slave)
        self._wake_r, self._wake_w = os.pipe()
        self.sim.open()
        # A scanner powers up safe, whatever the simulator's autostart says.
        self.sim.xray_off()
        self.sim.belt_stop()
        self._thread = threading.Thread(target=self._run, name="scanner-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        self.sim.close()
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = self._wake_r = self._wake_w = -1

    def __enter__(self) -> ScannerEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ------------------------------------------------------------------ test/technician hooks
    def set_interlock(self, name: str, ok: bool) -> None:
        """Open or close an interlock now (thread-safe); X-rays trip if they were on."""
        if name not in _INTERLOCK_NAMES:
            raise ValueError(f"unknown interlock {name!r}")
        self._call(lambda: self._set_interlock(name, ok))

    def go_silent(self) -> None:
        """The device hangs: nothing more is sent, commands are ignored."""
        self._call(lambda: self._become_silent(drop_pending=True))

    def _call(self, action: Callable[[], None]) -> None:
        self._actions.append(action)
        self._wake()

    def _wake(self) -> None:
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")

    # ------------------------------------------------------------------ the loop
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._produce()
                self._check_watchdog()
                pending = self._current is not None or bool(self._replies or self._stream)
                readable, writable, _ = select.select(
                    [self._master, self._wake_r], [self._master] if pending else [], [],
                    self._timeout_s())
                if self._wake_r in readable:
                    os.read(self._wake_r, 4096)
                self._run_actions()
                if self._master in readable:
                    self._read()
                if writable:
                    self._write()
        except Exception as exc:  # surfaced to tests through .error; the driver sees silence
            self.error = exc
            log.exception("scanner emulator stopped")

    def _run_actions(self) -> None:
        while self._actions:
            self._actions.popleft()()

    def _timeout_s(self) -> float:
        if not self._producing():
            return _POLL_S
        if not self.realtime:
            return _POLL_S  # woken by the pty becoming writable
        due_ns = self._pace[0] + (self._made - self._pace[1] + 1) * 1e9 / self._rate_hz
        return min(_POLL_S, max(0.0, (due_ns - time.monotonic_ns()) / 1e9))

    def _producing(self) -> bool:
        return self._belt and not self._exhausted and not self._silent

    def _read(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: no process has the slave open any more
            return
        # A test that opens an interlock and then sends a command must see the command
        # meet the open interlock: actions queued before these bytes were written run first.
        self._run_actions()
        if self._transcript is not None:
            self._transcript("host", data)
        if self._silent:
            return
        for frame in self._parser.feed(data):
            self._handle(frame)

    def _write(self) -> None:
        while True:
            if self._current is None:
                if self._replies:
                    chunk = self._replies.popleft()
                elif self._stream:
                    chunk, is_line = self._stream.popleft()
                    self._stream_lines -= is_line
                else:
                    return
                if self._transcript is not None:
                    self._transcript("device", chunk)
                self._current = memoryview(chunk)
            try:
                written = os.write(self._master, self._current)
            except BlockingIOError:
                return
            if written < len(self._current):
                self._current = self._current[written:]
                return
            self._current = None

    # ------------------------------------------------------------------ commands
    def _handle(self, frame: Frame) -> None:
        if frame.type != FrameType.COMMAND or not frame.payload:
            return  # a scanner answers commands only
        self.counters.commands += 1
        self._last_command_ns = time.monotonic_ns()
        last = self._last_command
        if last is not None and last[0] == frame.seq and last[1] == frame.payload:
            reply = last[2]  # a retry: the command ran already, only the reply was lost
            self.counters.commands_repeated += 1
        else:
            kind, payload = self._execute(frame.payload)
            reply = encode_frame(kind, frame.seq, payload)
            self._last_command = (frame.seq, frame.payload, reply)
        if self._drop_replies > 0:
            self._drop_replies -= 1
            self.counters.replies_dropped += 1
            return
        self._replies.append(reply)

    def _execute(self, payload: bytes) -> tuple[FrameType, bytes]:
        code, args = payload[0], payload[1:]
        try:
            command = Command(code)
        except ValueError:
            return FrameType.NAK, encode_nak(code, NakReason.UNKNOWN_COMMAND,
                                             f"command 0x{code:02x}")
        if len(args) != _ARG_BYTES[command]:
            return FrameType.NAK, encode_nak(code, NakReason.BAD_ARGUMENT,
                                             f"{command.name} takes {_ARG_BYTES[command]} "
                                             f"argument bytes, got {len(args)}")
        handler = getattr(self, f"_cmd_{command.name.lower()}")
        result: tuple[FrameType, bytes] = handler(code, args)
        return result

    def _cmd_identify(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        return FrameType.ACK, encode_ack(code, encode_identify(self._info, self.capabilities))

    def _cmd_status(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        return FrameType.ACK, encode_ack(code, encode_status(
            self._status(), device_lines_dropped=self.counters.lines_dropped))

    def _cmd_xray_on(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        try:
            self.sim.xray_on()
        except InterlockOpenError:
            names = ", ".join(self.sim.status().interlocks.open_names())
            return FrameType.NAK, encode_nak(code, NakReason.INTERLOCK_OPEN, names)
        self._xray = True  # lines of the current block stay dark: the tube ramps up
        return FrameType.ACK, encode_ack(code)

    def _cmd_xray_off(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        self.sim.xray_off()
        self._xray_went_off()
        return FrameType.ACK, encode_ack(code)

    def _cmd_belt_start(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        if not self._belt:
            self.sim.belt_start()
            self._belt = True
            self._pace = (time.monotonic_ns(), self._made)
        return FrameType.ACK, encode_ack(code)

    def _cmd_belt_stop(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        self.sim.belt_stop()
        self._belt = False
        return FrameType.ACK, encode_ack(code)

    def _cmd_belt_speed(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        if not self.capabilities & Capability.BELT_SPEED_CONTROL:
            return FrameType.NAK, encode_nak(code, NakReason.UNSUPPORTED, "fixed belt speed")
        (um_s,) = BELT_SPEED_ARGS.unpack(args)
        nominal = round(self._info.belt_speed_m_s * 1e6)
        if not 0 < um_s <= nominal:
            return FrameType.NAK, encode_nak(code, NakReason.BAD_ARGUMENT,
                                             f"belt speed {um_s} um/s outside 1..{nominal}")
        self._speed_um_s = um_s
        self._rate_hz = self._info.line_rate_hz * um_s / nominal
        self._pace = (time.monotonic_ns(), self._made)
        return FrameType.ACK, encode_ack(code)

    def _cmd_target_load(self, code: int, args: bytes) -> tuple[FrameType, bytes]:
        if not self.capabilities & Capability.TARGET_CHANGER:
            return FrameType.NAK, encode_nak(code, NakReason.UNSUPPORTED, "no target changer")
        try:
            target = Target(args[0])
        except ValueError:
            return FrameType.NAK, encode_nak(code, NakReason.BAD_ARGUMENT,
                                             f"unknown target {args[0]}")
        self.sim.load_target(target.target_name)
        self._exhausted = False  # the belt carries something again
        return FrameType.ACK, encode_ack(code)

    def _status(self) -> ScannerStatus:
        status = self.sim.status()
        return replace(status, belt_speed_m_s=self._speed_um_s / 1e6 if self._belt else 0.0,
                       lines_acquired=self._next_index)

    # ------------------------------------------------------------------ state changes
    def _xray_went_off(self) -> None:
        if self._xray and self._block is not None:
            # The rest of the current block was imaged with the tube on; it is dark now.
            rest = self._block.n_lines - self._block_pos
            if rest > 0:
                high, low = self.sim.detector.dark(rest, self._noise_rng)
                self._dark = (self._block_pos, high, low)
        self._xray = False

    def _set_interlock(self, name: str, ok: bool) -> None:
        was_on = self._xray
        self.sim.set_interlock(name, ok)
        if not ok and self.interlock_stops_belt:
            self.sim.belt_stop()
            self._belt = False
        if was_on and not ok:
            self._xray_went_off()
            self._event(EventCode.XRAY_TRIPPED, f"interlock {name} opened")
        else:
            self._event(EventCode.INTERLOCK_CHANGED, f"{name} {'closed' if ok else 'open'}")

    def _become_silent(self, *, drop_pending: bool) -> None:
        self._silent = True
        if drop_pending:
            # Whatever was queued never leaves, a frame half-sent stays half-sent.
            self._replies.clear()
            self._stream.clear()
            self._stream_lines = 0
            self._current = None

    def _check_watchdog(self) -> None:
        if (self._watchdog_ns is not None and self._xray and not self._silent
                and time.monotonic_ns() - self._last_command_ns > self._watchdog_ns):
            self.sim.xray_off()
            self._xray_went_off()
            self._event(EventCode.XRAY_TRIPPED, "host watchdog: no command received")

    def _event(self, code: EventCode, detail: str) -> None:
        if self._silent:
            return
        self._event_counter = (self._event_counter + 1) & 0xFFFF
        status = self.sim.status()
        payload = encode_event(self._event_counter, code, xray_on=status.xray_on,
                               belt_running=self._belt, interlocks=status.interlocks,
                               line_index=self._next_index, detail=detail)
        self._stream.append((encode_frame(FrameType.EVENT, 0, payload), False))
        self.counters.events_sent += 1

    # ------------------------------------------------------------------ lines
    def _produce(self) -> None:
        if not self._producing():
            return
        if self.realtime:
            elapsed_ns = time.monotonic_ns() - self._pace[0]
            due = self._pace[1] + int(elapsed_ns * self._rate_hz / 1e9) - self._made
            for _ in range(min(due, _MAX_BURST_LINES)):
                if not self._emit_line():
                    return
        else:
            # The second bound stops a loop that only queues events and garbage bursts.
            while self._stream_lines < _FLOW_QUEUE_FRAMES and len(self._stream) < 64:
                if not self._emit_line():
                    return

    def _emit_line(self) -> bool:
        """Acquire one line and queue its frame; False when nothing more can be made."""
        faults = self.faults
        if faults.interlock_open_at_line == self._next_index and not self._planned_trip_done:
            # Once: with the belt stopped by it, the index stays here until the belt runs.
            self._planned_trip_done = True
            self._set_interlock(faults.interlock, False)
            if not self._producing():
                return False  # the belt stopped with it: this line is never acquired
        line = self._acquire()
        if line is None:
            self._exhausted = True
            self._event(EventCode.END_OF_STREAM, "line source exhausted")
            return False
        index, timestamp_ns, flags, high, low = line
        self._made += 1
        if self.realtime and self._stream_lines >= self._tx_limit:
            self.counters.lines_dropped += 1  # the send buffer is full: this line is lost
        else:
            self._queue_line(encode_frame(FrameType.LINE, 0,
                                          encode_line(index, timestamp_ns, flags, high, low)))
        if faults.silent_after_line is not None and index >= faults.silent_after_line:
            self._become_silent(drop_pending=False)  # what was queued still goes out
            return False
        return True

    def _acquire(self) -> tuple[int, int, int, bytes, bytes] | None:
        block = self._block
        if block is None or self._block_pos >= block.n_lines:
            if self._source is None:
                self._source = self.sim.lines()
            block = next(self._source, None)
            if block is None:
                self._source = None
                return None
            self._block, self._block_pos, self._dark = block, 0, None
        i = self._block_pos
        self._block_pos += 1
        xray = block.xray_on
        high_row, low_row = block.high_counts[i], block.low_counts[i]
        if self._dark is not None and i >= self._dark[0]:
            xray = False
            high_row, low_row = self._dark[1][i - self._dark[0]], self._dark[2][i - self._dark[0]]
        flags = (LineFlag.XRAY_ON if xray else 0) | LineFlag.BELT_RUNNING
        if (self.capabilities & Capability.LIGHT_BARRIER and block.object_present is not None
                and block.object_present[i]):
            flags |= LineFlag.OBJECT_PRESENT
        index = block.first_line_index + i
        self._next_index = index + 1
        if self.realtime:
            # The line clock, not the moment the simulator happened to image the block.
            t0_ns, made0 = self._pace
            timestamp_ns = t0_ns + round((self._made - made0) * 1e9 / self._rate_hz)
        else:
            timestamp_ns = block.timestamp_ns + i * self._period_ns
        timestamp_ns -= self._boot_ns
        return (index, max(0, timestamp_ns), int(flags),
                high_row.astype("<u2", copy=False).tobytes(),
                low_row.astype("<u2", copy=False).tobytes())

    def _queue_line(self, frame: bytes) -> None:
        faults, rng = self.faults, self._fault_rng
        if faults.garbage_rate and rng.random() < faults.garbage_rate:
            size = int(rng.integers(1, faults.garbage_max_bytes + 1))
            burst = rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()
            if rng.random() < 0.5:
                burst = SOF + burst  # a false start mark: the parser must not trust it
            self._stream.append((burst, False))
            self.counters.garbage_bursts += 1
        if faults.truncate_rate and rng.random() < faults.truncate_rate:
            frame = frame[:int(rng.integers(1, len(frame)))]
            self.counters.frames_truncated += 1
        if faults.bit_flip_rate and rng.random() < faults.bit_flip_rate:
            bit = int(rng.integers(0, 8 * len(frame)))
            flipped = bytearray(frame)
            flipped[bit // 8] ^= 1 << (bit % 8)
            frame = bytes(flipped)
            self.counters.frames_bit_flipped += 1
        self._stream.append((frame, True))
        self._stream_lines += 1
        self.counters.lines_sent += 1


# ---------------------------------------------------------------------- command line
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m drivers.serial_scanner.emulator",
        description="Emulated serial X-ray line scanner on a pty (physics simulator behind it).",
    )
    parser.add_argument("--pixels", type=int, default=1024)
    parser.add_argument("--line-rate", type=float, default=240.0, help="lines per second")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parcels", type=int, default=None, help="default: endless")
    parser.add_argument("--no-realtime", dest="realtime", action="store_false",
                        help="make lines as fast as the host reads them")
    parser.add_argument("--duration", type=float, default=None, help="seconds, default: Ctrl-C")
    parser.add_argument("--bit-flip-rate", type=float, default=0.0)
    parser.add_argument("--truncate-rate", type=float, default=0.0)
    parser.add_argument("--garbage-rate", type=float, default=0.0)
    parser.add_argument("--silent-after-line", type=int, default=None)
    parser.add_argument("--interlock-open-at-line", type=int, default=None)
    parser.add_argument("--watchdog", type=float, default=None, help="seconds without a command "
                        "after which X-rays trip")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    faults = FaultPlan(
        seed=args.seed, bit_flip_rate=args.bit_flip_rate, truncate_rate=args.truncate_rate,
        garbage_rate=args.garbage_rate, silent_after_line=args.silent_after_line,
        interlock_open_at_line=args.interlock_open_at_line,
    )
    emulator = ScannerEmulator(
        faults=faults, realtime=args.realtime, watchdog_s=args.watchdog, seed=args.seed,
        pixels=args.pixels, line_rate_hz=args.line_rate,
        belt_speed_m_s=args.line_rate / 1000.0, parcels=args.parcels,
    )
    with emulator:
        print(f"serial scanner emulator on {emulator.port}", flush=True)
        print(f"  station-app run --headless --driver serial --driver-option port={emulator.port}"
              " --driver-option target_changer=true", flush=True)
        try:
            deadline = None if args.duration is None else time.monotonic() + args.duration
            while deadline is None or time.monotonic() < deadline:
                if emulator.error is not None:
                    print(f"emulator failed: {emulator.error}", file=sys.stderr)
                    return 1
                time.sleep(0.1 if deadline is None else min(0.1, max(0.0, deadline -
                                                                     time.monotonic())))
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
