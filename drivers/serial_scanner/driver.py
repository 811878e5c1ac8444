"""The serial scanner driver: ``ScannerDriver`` over the protocol of docs/serial-protocol.md.

Threads: the driver owns none. Line frames and command replies share one byte
stream, so whichever caller is waiting — ``lines()`` on the pipeline thread, a
command from the GUI thread — becomes the *pump*: it reads the port, parses, and
files every frame where it belongs (replies to the command that waits for them,
lines to a bounded queue, events to the state), then wakes the others. Only one
thread reads at a time; a waiting thread takes over when the pump hands back,
after at most one short read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np

from drivers.base import DriverError, InterlockOpenError, LineBlock, ScannerInfo, ScannerStatus
from drivers.serial_scanner.errors import (
    CommandRejectedError,
    CommandTimeoutError,
    ProtocolError,
)
from drivers.serial_scanner.framing import Frame, FrameParser, encode_frame
from drivers.serial_scanner.messages import (
    BELT_SPEED_ARGS,
    DEFAULT_BAUDRATE,
    LINE_HEADER,
    PROTOCOL_VERSION,
    TARGET_ARGS,
    Capability,
    Command,
    DeviceEvent,
    EventCode,
    FrameType,
    Identity,
    LineFlag,
    NakReason,
    Target,
    decode_event,
    decode_identify,
    decode_line_header,
    decode_nak,
    decode_status,
    encode_command,
    max_line_rate_hz,
)
from drivers.serial_scanner.stats import LinkStatistics
from drivers.serial_scanner.transport import SerialTransport

log = logging.getLogger(__name__)

# A block never mixes lines taken with and without X-rays, or on a moving and a stopped belt.
_BLOCK_FLAGS = LineFlag.XRAY_ON | LineFlag.BELT_RUNNING
_RECENT_EVENTS = 64
# close() waits this long for a thread that is reading the port to hand it back.
_CLOSE_WAIT_S = 1.0


class _Mark(Enum):
    END = "end"  # the scanner's line source is exhausted


@dataclass(frozen=True, slots=True)
class _Trip:
    """X-rays tripped (XRAY_TRIPPED) before line ``index``: ends the block, then is handed
    out as an empty block with ``xray_on=False``."""

    index: int  # the next line, counted as ``_Line.index``
    timestamp_ns: int  # host monotonic clock when the event arrived
    belt_running: bool


@dataclass(frozen=True, slots=True)
class _Line:
    index: int  # since open(), unwrapped from the scanner's uint32
    timestamp_ns: int  # host monotonic clock
    flags: int
    payload: bytes


class _ClosedError(Exception):
    """The driver was closed while this thread waited."""


_PARSER_FIELDS = {
    "bytes_in": "bytes_received", "frames_ok": "frames_ok", "crc_errors": "crc_errors",
    "header_errors": "header_errors", "truncated_frames": "truncated_frames",
    "discarded_bytes": "discarded_bytes", "resyncs": "resyncs",
}
_DRIVER_FIELDS = tuple(
    name for name in LinkStatistics.__dataclass_fields__ if name not in _PARSER_FIELDS.values()
)


class SerialScanner:
    """A dual-energy line scanner on a serial link (device path or pyserial URL).

    ``info`` is read from the scanner by ``open()`` (IDENTIFY). ``autostart`` is off
    by default: a real tube must not switch on because software connected; the
    station calls ``xray_on()`` and ``belt_start()`` itself. ``close()`` switches
    X-rays off first (best effort) so a workstation never leaves a tube running.
    """

    _required_capabilities = Capability(0)

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        block_lines: int = 32,
        command_timeout_s: float = 0.5,
        command_tries: int = 3,
        heartbeat_s: float = 1.0,
        queue_lines: int = 16384,
        frame_timeout_s: float | None = None,
        autostart: bool = False,
        xray_off_on_close: bool = True,
        exclusive: bool = True,
    ) -> None:
        if not port:
            raise ValueError("serial scanner: 'port' (device path or pyserial URL) is required")
        if baudrate <= 0 or block_lines < 1 or command_tries < 1 or queue_lines < block_lines:
            raise ValueError("serial scanner: baudrate > 0, block_lines >= 1, command_tries >= 1 "
                             "and queue_lines >= block_lines are required")
        if command_timeout_s <= 0 or heartbeat_s <= 0:
            raise ValueError("serial scanner: command_timeout_s and heartbeat_s must be > 0")
        self.port = port
        self.baudrate = int(baudrate)
        self._block_lines = int(block_lines)
        self._timeout_s = float(command_timeout_s)
        self._tries = int(command_tries)
        self._heartbeat_ns = round(heartbeat_s * 1e9)
        self._queue_lines = int(queue_lines)
        self._frame_timeout_s = frame_timeout_s
        self._autostart = autostart
        self._xray_off_on_close = xray_off_on_close
        self._exclusive = exclusive

        self._cond = threading.Condition()
        self._cmd_lock = threading.Lock()
        self._transport: SerialTransport | None = None
        self._closing = False
        self._pumping = False
        self._pump_passes = 0  # pump passes ended, ever (see _wait_for)
        self._reset_session()

    def _reset_session(self) -> None:
        """State of one open() ... close() session."""
        self._parser = FrameParser()
        self._counts = dict.fromkeys(_DRIVER_FIELDS, 0)
        self._identity: Identity | None = None
        self._queue: deque[_Line | _Trip | _Mark] = deque()
        self._queued_lines = 0
        self._seq = 0
        self._awaiting: tuple[int, int] | None = None  # (seq, command) of the command in flight
        self._reply: Frame | None = None
        self._last_dev_index: int | None = None  # unwrapped scanner line index
        self._index_base = 0
        self._clock_offset_ns: int | None = None
        self._last_rx_ns = time.monotonic_ns()
        self._last_command_ns = 0
        self._last_event_counter: int | None = None
        self._events: deque[DeviceEvent] = deque(maxlen=_RECENT_EVENTS)
        self._link_error: DriverError | None = None  # raised by lines() once drained
        self._line_dtype: np.dtype[np.void] | None = None
        self._flush_ns = 0
        self._frame_timeout_ns = 0

    # ------------------------------------------------------------------ properties
    @property
    def info(self) -> ScannerInfo:
        return self._require_identity().info

    @property
    def identity(self) -> Identity:
        """Protocol version, capabilities and info as the scanner announced them."""
        return self._require_identity()

    @property
    def link_statistics(self) -> LinkStatistics:
        """Counters of this session (for the technician's diagnostics page)."""
        with self._cond:
            values = dict(self._counts)
            parser = self._parser.counters.as_dict()
        for src, dst in _PARSER_FIELDS.items():
            values[dst] = parser[src]
        return LinkStatistics(**values)

    @property
    def recent_events(self) -> tuple[DeviceEvent, ...]:
        """The scanner's last events (interlocks, trips, faults), oldest first."""
        with self._cond:
            return tuple(self._events)

    @property
    def is_open(self) -> bool:
        return self._transport is not None and not self._closing

    # ------------------------------------------------------------------ open / close
    def open(self) -> None:
        if self._transport is not None:
            raise DriverError(f"serial scanner on {self.port} is already open")
        self._reset_session()
        transport = SerialTransport(self.port, self.baudrate, exclusive=self._exclusive)
        transport.open()
        with self._cond:
            self._closing = False
            self._transport = transport
        try:
            self._handshake()
            if self._autostart:
                self.belt_start()
                self.xray_on()
        except BaseException:
            self._shutdown()
            raise

    def _handshake(self) -> None:
        identity = decode_identify(self._command(Command.IDENTIFY))
        if identity.protocol_version != PROTOCOL_VERSION:
            raise ProtocolError(f"scanner on {self.port} speaks protocol version "
                                f"{identity.protocol_version}; this driver speaks "
                                f"{PROTOCOL_VERSION}")
        missing = self._required_capabilities & ~identity.capabilities
        if missing:
            raise DriverError(f"scanner {identity.info.serial} on {self.port} lacks "
                              f"{missing.name or int(missing)}: set target_changer=false "
                              "unless its target changer is fitted and enabled")
        info = identity.info
        pixels = info.pixels
        period_s = 1.0 / info.line_rate_hz
        with self._cond:
            self._identity = identity
            self._line_dtype = np.dtype([
                ("index", "<u4"), ("timestamp", "<u8"), ("pixels", "<u2"), ("flags", "u1"),
                ("reserved", "u1"), ("high", "<u2", (pixels,)), ("low", "<u2", (pixels,)),
            ])
            # Hold a partly filled block for two block periods before handing it out.
            self._flush_ns = round((2 * self._block_lines * period_s + 0.1) * 1e9)
            frame_s = self._frame_timeout_s
            if frame_s is None:
                wire_s = (LINE_HEADER.size + 4 * pixels + 12) * 10 / self.baudrate
                frame_s = max(0.05, 3 * wire_s)
            self._frame_timeout_ns = round(frame_s * 1e9)
        carried = max_line_rate_hz(pixels, self.baudrate)
        if carried < info.line_rate_hz:
            log.warning(
                "serial scanner %s: %d baud carries %.0f lines/s of %d pixels, the scanner makes "
                "%.0f; lines will be dropped unless the link ignores the baud rate (USB CDC-ACM)",
                info.serial, self.baudrate, carried, pixels, info.line_rate_hz,
            )
        self.status()

    def close(self) -> None:
        with self._cond:
            if self._transport is None or self._closing:
                return
        if self._xray_off_on_close:
            try:
                self._command(Command.XRAY_OFF, tries=1)
            except DriverError as exc:
                log.warning("serial scanner on %s: X-ray off on close failed: %s", self.port, exc)
        self._shutdown()

    def _shutdown(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            deadline = time.monotonic() + _CLOSE_WAIT_S
            while self._pumping and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    # ------------------------------------------------------------------ controls
    def xray_on(self) -> None:
        self._command(Command.XRAY_ON)

    def xray_off(self) -> None:
        self._command(Command.XRAY_OFF)

    def belt_start(self) -> None:
        self._command(Command.BELT_START)

    def belt_stop(self) -> None:
        self._command(Command.BELT_STOP)

    def set_belt_speed(self, belt_speed_m_s: float) -> None:
        """Line rate follows the belt (encoder-triggered), so the line pitch stays fixed."""
        if not self.identity.capabilities & Capability.BELT_SPEED_CONTROL:
            raise DriverError(f"scanner {self.info.serial} does not accept belt speed commands")
        um_s = round(belt_speed_m_s * 1e6)
        if not 0 < um_s <= 0xFFFFFFFF:
            raise ValueError(f"belt speed {belt_speed_m_s} m/s is out of range")
        self._command(Command.BELT_SPEED, BELT_SPEED_ARGS.pack(um_s))

    def status(self) -> ScannerStatus:
        device = decode_status(self._command(Command.STATUS))
        with self._cond:
            dropped = self._counts["lines_dropped"]
        # Gaps seen here include the lines the scanner itself dropped.
        return replace(device.status, lines_dropped=dropped)

    # ------------------------------------------------------------------ streaming
    def lines(self) -> Iterator[LineBlock]:
        self._require_transport()
        while True:
            try:
                block = self._next_block()
            except _ClosedError:
                return
            if block is None:
                return
            yield block

    def _next_block(self) -> LineBlock | None:
        rows: list[_Line] = []
        started_ns = 0
        # Once per block too, not only when idle: a consumer that lags behind a busy
        # stream must still feed the scanner's watchdog.
        self._heartbeat_if_due()
        while True:
            with self._cond:
                outcome = self._take(rows)
            if isinstance(outcome, _Trip):
                return self._trip_block(outcome)
            if outcome == "end" and not rows:
                return None
            if outcome != "more":
                break
            if self._link_error is not None:
                # Hand out every line that arrived before the link died, then say so.
                if rows:
                    break
                error, self._link_error = self._link_error, None
                raise error
            now = time.monotonic_ns()
            if rows:
                started_ns = started_ns or now
                wait_ns = self._flush_ns - (now - started_ns)
                if wait_ns <= 0:
                    break
            else:
                wait_ns = self._heartbeat_ns
            if self._heartbeat_if_due():
                continue
            self._wait_for(lambda: bool(self._queue),
                           min(wait_ns, self._heartbeat_ns) / 1e9)
        return self._build(rows)

    def _heartbeat_if_due(self) -> bool:
        """STATUS when none was sent for ``heartbeat_s``: feeds the scanner's watchdog and
        finds a dead link while the belt stands. True when it ran (or failed)."""
        if time.monotonic_ns() - self._last_command_ns < self._heartbeat_ns:
            return False
        try:
            self.status()
        except DriverError as exc:
            if self._closing:
                raise _ClosedError from None
            self._link_error = exc
        return True

    def _take(self, rows: list[_Line]) -> str | _Trip:
        """Move queued lines into ``rows`` (lock held): 'full', 'cut', 'end' or 'more', or
        the trip at the head of the queue when ``rows`` is empty."""
        queue = self._queue
        while queue and len(rows) < self._block_lines:
            item = queue[0]
            if isinstance(item, _Trip):
                if rows:
                    return "cut"  # the lines before the trip first, the trip next time
                queue.popleft()
                return item
            if isinstance(item, _Mark):
                if not rows:
                    queue.popleft()
                return "end"
            if rows and (item.index != rows[-1].index + 1
                         or (item.flags ^ rows[0].flags) & _BLOCK_FLAGS):
                return "cut"
            rows.append(item)
            queue.popleft()
            self._queued_lines -= 1
        return "full" if len(rows) >= self._block_lines else "more"

    def _trip_block(self, trip: _Trip) -> LineBlock:
        """The empty dark block of an X-ray trip. Without it a parcel under the beam
        would stay open until lines come again, which may be long: a belt that stops
        with the interlock, or a scanner that sends no lines while X-rays are off."""
        identity = self._require_identity()
        none = np.empty((0, identity.info.pixels), dtype=np.uint16)
        presence = None
        if identity.capabilities & Capability.LIGHT_BARRIER:
            presence = np.empty(0, dtype=np.bool_)
        return LineBlock(trip.index, trip.timestamp_ns, none, none.copy(), xray_on=False,
                         belt_running=trip.belt_running, object_present=presence)

    def _build(self, rows: list[_Line]) -> LineBlock:
        identity = self._require_identity()
        assert self._line_dtype is not None
        records = np.frombuffer(b"".join(r.payload for r in rows), dtype=self._line_dtype)
        high = np.ascontiguousarray(records["high"], dtype=np.uint16)
        low = np.ascontiguousarray(records["low"], dtype=np.uint16)
        presence = None
        if identity.capabilities & Capability.LIGHT_BARRIER:
            presence = (records["flags"] & LineFlag.OBJECT_PRESENT) != 0
        first = rows[0]
        return LineBlock(
            first.index, first.timestamp_ns, high, low,
            xray_on=bool(first.flags & LineFlag.XRAY_ON),
            belt_running=bool(first.flags & LineFlag.BELT_RUNNING),
            object_present=presence,
        )

    # ------------------------------------------------------------------ commands
    def _command(self, command: Command, args: bytes = b"", *, tries: int | None = None) -> bytes:
        """Send one command and return its ACK data; retries reuse the sequence number,
        so a scanner that already executed it only repeats its reply."""
        tries = tries or self._tries
        with self._cmd_lock:
            transport = self._require_transport()
            self._seq = self._seq % 255 + 1  # 0 is never used by commands
            seq = self._seq
            frame = encode_frame(FrameType.COMMAND, seq, encode_command(command, args))
            reply: Frame | None = None
            try:
                for attempt in range(tries):
                    with self._cond:
                        self._awaiting, self._reply = (seq, int(command)), None
                        self._counts["commands_sent"] += 1
                        self._counts["command_retries"] += int(attempt > 0)
                        self._counts["bytes_sent"] += len(frame)
                    transport.write(frame)
                    self._last_command_ns = time.monotonic_ns()
                    if self._wait_for(lambda: self._reply is not None, self._timeout_s):
                        reply = self._reply
                        break
                    with self._cond:
                        self._counts["command_timeouts"] += 1
            except _ClosedError:
                raise DriverError(f"serial scanner on {self.port} was closed while waiting for "
                                  f"the reply to {command.name}") from None
            finally:
                with self._cond:
                    self._awaiting, self._reply = None, None
        if reply is None:
            with self._cond:
                self._counts["link_losses"] += 1
            raise CommandTimeoutError(
                f"scanner on {self.port} did not answer {command.name} ({tries} tries, "
                f"{self._timeout_s:.2f} s each): link lost or scanner switched off"
            )
        if reply.type == FrameType.NAK:
            nak = decode_nak(reply.payload)
            with self._cond:
                self._counts["naks"] += 1
            if nak.reason == NakReason.INTERLOCK_OPEN:
                raise InterlockOpenError(f"X-ray refused: interlock open ({nak.detail})")
            detail = f": {nak.detail}" if nak.detail else ""
            raise CommandRejectedError(
                f"scanner refused {command.name} ({nak.reason_name}){detail}",
                reason=nak.reason, detail=nak.detail,
            )
        return reply.payload[1:]

    # ------------------------------------------------------------------ the pump
    def _wait_for(self, ready: Callable[[], bool], timeout_s: float) -> bool:
        """Until ``ready()`` (checked under the lock) or timeout; pumps when nobody else does.

        A timeout must mean the scanner was silent, not that this thread was: one that
        is scheduled again only after its deadline (a loaded station) would otherwise
        give up without reading the reply or the lines that wait in the port, and retry
        a command or cut a block short for nothing. So the verdict is "timed out" only
        once a pump pass that began after the deadline has ended, by whichever thread.
        """
        deadline = time.monotonic() + timeout_s
        last_pass: int | None = None  # _pump_passes value that makes a timeout final
        while True:
            with self._cond:
                while True:
                    if ready():
                        return True
                    if self._closing or self._transport is None:
                        raise _ClosedError
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        if last_pass is None:
                            # A pass in progress may have read before the deadline; the
                            # one after it began later. Passes never overlap.
                            last_pass = self._pump_passes + (2 if self._pumping else 1)
                        elif self._pump_passes >= last_pass:
                            return False
                    if not self._pumping:
                        self._pumping = True
                        transport = self._transport
                        break
                    # Past the deadline: until the other thread's pass ends (one short read).
                    self._cond.wait(remaining if remaining > 0 else _CLOSE_WAIT_S)
            try:
                self._pump_once(transport)
            finally:
                with self._cond:
                    self._pumping = False
                    self._pump_passes += 1
                    self._cond.notify_all()

    def _pump_once(self, transport: SerialTransport) -> None:
        data = transport.read()
        now = time.monotonic_ns()
        if data:
            self._last_rx_ns = now
            frames = self._parser.feed(data)
        elif self._parser.pending_bytes and now - self._last_rx_ns >= self._frame_timeout_ns:
            # The line went quiet inside a frame: it will never be completed.
            frames = self._parser.flush_partial()
            self._last_rx_ns = now
        else:
            return
        if frames:
            with self._cond:
                for frame in frames:
                    self._dispatch(frame, now)

    def _dispatch(self, frame: Frame, now_ns: int) -> None:
        """File one frame (lock held)."""
        kind = frame.type
        if kind == FrameType.LINE:
            self._on_line(frame.payload, now_ns)
        elif kind in (FrameType.ACK, FrameType.NAK):
            awaiting = self._awaiting
            if (awaiting is not None and frame.seq == awaiting[0] and frame.payload
                    and frame.payload[0] == awaiting[1]):
                self._reply = frame
            else:
                self._counts["stale_replies"] += 1
        elif kind == FrameType.EVENT:
            self._on_event(frame.payload, now_ns)
        else:
            self._counts["malformed_frames"] += 1
            log.warning("serial scanner on %s: unexpected frame type 0x%02x", self.port, kind)

    def _on_line(self, payload: bytes, now_ns: int) -> None:
        identity = self._identity
        if identity is None:
            return  # streaming from before this session's IDENTIFY: no geometry to check it
        try:
            header = decode_line_header(payload, identity.info.pixels)
        except ProtocolError as exc:
            self._counts["malformed_frames"] += 1
            log.warning("serial scanner on %s: %s", self.port, exc)
            return
        last = self._last_dev_index
        if last is None:
            index = self._index_base = header.index
        else:
            step = (header.index - last) & 0xFFFFFFFF
            if step == 0:
                self._counts["malformed_frames"] += 1  # a repeated line: keep the first
                return
            if step >= 1 << 31:
                # Backwards: the scanner restarted. Lines count from 0 again, which the
                # station reads as a restart and closes any open parcel as incomplete.
                log.error("serial scanner on %s: line index went back from %d to %d "
                          "(scanner restarted?)", self.port, last & 0xFFFFFFFF, header.index)
                self._counts["scanner_restarts"] += 1
                index = self._index_base = header.index
            else:
                index = last + step
                self._counts["lines_dropped"] += step - 1
        self._last_dev_index = index
        self._counts["lines_received"] += 1
        # The scanner clock maps to ours by the smallest seen delay (the least queued frame).
        offset = now_ns - header.timestamp_ns
        if self._clock_offset_ns is None or offset < self._clock_offset_ns:
            self._clock_offset_ns = offset
        if self._queued_lines >= self._queue_lines:
            self._counts["lines_overflowed"] += 1
            self._counts["lines_dropped"] += 1
            return
        self._queue.append(_Line(index - self._index_base,
                                 header.timestamp_ns + self._clock_offset_ns,
                                 int(header.flags), payload))
        self._queued_lines += 1

    def _on_event(self, payload: bytes, now_ns: int) -> None:
        try:
            event = decode_event(payload)
        except ProtocolError as exc:
            self._counts["malformed_frames"] += 1
            log.warning("serial scanner on %s: %s", self.port, exc)
            return
        self._counts["events_received"] += 1
        if self._last_event_counter is not None:
            self._counts["events_lost"] += (event.counter - self._last_event_counter - 1) & 0xFFFF
        self._last_event_counter = event.counter
        self._events.append(event)
        last = self._last_dev_index
        if last is not None:
            # Every line before event.line_index was sent ahead of the event, so lines
            # lost just before it (the tail of a stream) are counted here, not never.
            missing = (event.line_index - last - 1) & 0xFFFFFFFF
            if 0 < missing < 1 << 31:
                self._counts["lines_dropped"] += missing
                self._last_dev_index = last + missing
        if event.code == EventCode.XRAY_TRIPPED:
            opened = ", ".join(event.interlocks.open_names()) or "none open"
            log.warning("serial scanner on %s: X-rays tripped at line %d (%s; interlocks: %s)",
                        self.port, event.line_index, event.detail, opened)
            # Lines are counted from the first one of the session; none yet: it is line 0.
            last = self._last_dev_index
            index = 0 if last is None else last + 1 - self._index_base
            self._queue.append(_Trip(index, now_ns, event.belt_running))
        elif event.code == EventCode.END_OF_STREAM:
            self._queue.append(_Mark.END)
        else:
            log.info("serial scanner on %s: %s %s", self.port, event.code_name, event.detail)
        self._cond.notify_all()

    # ------------------------------------------------------------------ helpers
    def _require_transport(self) -> SerialTransport:
        transport = self._transport
        if transport is None or self._closing:
            raise DriverError(f"serial scanner on {self.port} is not open")
        return transport

    def _require_identity(self) -> Identity:
        identity = self._identity
        if identity is None:
            raise DriverError(f"serial scanner on {self.port} is not open: its info is read "
                              "from the scanner by open()")
        return identity


class SerialScannerWithTargets(SerialScanner):
    """A serial scanner with a built-in calibration target changer (TARGET_LOAD).

    A separate class because the station asks ``isinstance(driver,
    CalibrationTargetLoader)`` to decide whether it can calibrate unattended.
    """

    _required_capabilities = Capability.TARGET_CHANGER

    def load_target(self, name: str) -> None:
        """Queue a target ('empty', 'dark', 'step_wedge', 'iq_test_piece') for the next lines."""
        target = Target.from_name(name)
        self._command(Command.TARGET_LOAD, TARGET_ARGS.pack(target))
