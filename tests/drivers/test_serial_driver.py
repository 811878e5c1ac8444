"""The serial scanner driver against the emulator, end to end through a real pty."""

from __future__ import annotations

import fcntl
import itertools
import os
import struct
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sim_test_plans import simple_plan_factory

from drivers.base import (
    ENTRY_POINT_GROUP,
    CalibrationTargetLoader,
    DriverError,
    InterlockOpenError,
    LineBlock,
    ScannerDriver,
    ScannerInfo,
)
from drivers.serial_scanner import (
    CommandRejectedError,
    CommandTimeoutError,
    SerialLinkError,
    SerialScanner,
    SerialScannerWithTargets,
    create_driver,
)
from drivers.serial_scanner.emulator import FaultPlan, ScannerEmulator, build_parser
from drivers.serial_scanner.messages import Capability, EventCode
from drivers.serial_scanner.transport import SerialTransport
from drivers.simulator import SimulatedScanner
from drivers.simulator.physics import XrayPhysics

if TYPE_CHECKING:
    from station_app.imaging.assemble import ParcelAssembler

pytestmark = pytest.mark.timeout(60)

# Small and short: 128 pixels, one parcel of 120-300 lines behind 200 lines of air.
SIM = {
    "pixels": 128, "seed": 3, "parcels": 1, "gap_mm": (200.0, 200.0), "block_lines": 8,
    "label_reader_offset_mm": 50.0, "touching_probability": 0.0,
}
PARCEL_START = 200


def _sim(physics: XrayPhysics, **options: Any) -> SimulatedScanner:
    return SimulatedScanner(physics=physics, plan_factory=simple_plan_factory,
                            **{**SIM, **options})


@contextmanager
def _running(physics: XrayPhysics, *, faults: FaultPlan | None = None,
             capabilities: Capability | None = None, driver: dict[str, Any] | None = None,
             interlock_stops_belt: bool = False,
             **sim: Any) -> Iterator[tuple[ScannerEmulator, SerialScanner]]:
    kwargs: dict[str, Any] = {} if capabilities is None else {"capabilities": capabilities}
    emulator = ScannerEmulator(_sim(physics, **sim), faults=faults,
                               interlock_stops_belt=interlock_stops_belt, **kwargs)
    options: dict[str, Any] = {"target_changer": True, "command_timeout_s": 0.5}
    options.update(driver or {})
    with emulator:
        scanner = create_driver(emulator.port, **options)
        scanner.open()
        try:
            yield emulator, scanner
        finally:
            scanner.close()
    assert emulator.error is None


def _stack(blocks: list[LineBlock]) -> tuple[NDArray[np.uint16], NDArray[np.uint16]]:
    return (np.concatenate([b.high_counts for b in blocks]),
            np.concatenate([b.low_counts for b in blocks]))


def test_driver_protocols_and_identity(physics: XrayPhysics) -> None:
    with _running(physics) as (emulator, scanner):
        assert isinstance(scanner, ScannerDriver)
        assert isinstance(scanner, CalibrationTargetLoader)
        assert scanner.info == emulator.sim.info
        assert scanner.identity.capabilities & Capability.LIGHT_BARRIER
        status = scanner.status()
        assert not status.xray_on and not status.belt_running  # powers up safe
        assert status.tube_temperature_c == pytest.approx(42.0)


def test_lines_are_the_simulators_lines_bit_for_bit(physics: XrayPhysics) -> None:
    reference = _sim(physics)  # autostart: X-rays on from the first line
    reference.open()
    expected = list(reference.lines())
    reference.close()
    with _running(physics, driver={"block_lines": 16}) as (emulator, scanner):
        scanner.xray_on()
        scanner.belt_start()
        blocks = list(scanner.lines())
        stats = scanner.link_statistics
    high, low = _stack(blocks)
    exp_high, exp_low = _stack(expected)
    assert np.array_equal(high, exp_high) and np.array_equal(low, exp_low)
    presence = np.concatenate([b.object_present for b in blocks if b.object_present is not None])
    assert np.array_equal(presence, np.concatenate([b.object_present for b in expected
                                                    if b.object_present is not None]))
    assert presence.any() and not presence.all()
    assert all(b.xray_on and b.belt_running for b in blocks)
    assert [b.first_line_index for b in blocks] == list(range(0, len(high), 16))
    assert all(b.timestamp_ns < c.timestamp_ns for b, c in itertools.pairwise(blocks))
    assert stats.lines_received == len(high) == emulator.counters.lines_sent
    assert stats.lines_dropped == stats.crc_errors == stats.discarded_bytes == 0


def test_commands_change_the_scanner_state(physics: XrayPhysics) -> None:
    with _running(physics) as (emulator, scanner):
        scanner.xray_on()
        scanner.belt_start()
        status = scanner.status()
        assert status.xray_on and status.belt_running
        assert status.tube_kv == pytest.approx(140.0) and status.belt_speed_m_s == 0.24
        scanner.set_belt_speed(0.12)
        assert scanner.status().belt_speed_m_s == pytest.approx(0.12)
        with pytest.raises(CommandRejectedError, match=r"BAD_ARGUMENT.*outside") as refused:
            scanner.set_belt_speed(0.5)  # faster than the nominal 0.24 m/s
        assert refused.value.reason == 2
        scanner.belt_stop()
        scanner.xray_off()
        status = scanner.status()
        assert not status.xray_on and not status.belt_running and status.tube_kv == 0.0
        assert scanner.link_statistics.naks == 1
    assert not emulator.sim.status().xray_on


def test_an_open_interlock_refuses_xray_on(physics: XrayPhysics) -> None:
    with _running(physics) as (emulator, scanner):
        emulator.set_interlock("emergency_stop_released", False)
        with pytest.raises(InterlockOpenError, match="emergency_stop_released"):
            scanner.xray_on()
        status = scanner.status()
        assert not status.xray_on
        assert status.interlocks.open_names() == ("emergency_stop_released",)
        emulator.set_interlock("emergency_stop_released", True)
        scanner.xray_on()
        assert scanner.status().xray_on
        codes = [e.code for e in scanner.recent_events]
    assert codes == [EventCode.INTERLOCK_CHANGED, EventCode.INTERLOCK_CHANGED]


def test_a_scanner_without_target_changer_is_refused_when_one_is_configured(
    physics: XrayPhysics,
) -> None:
    with pytest.raises(DriverError, match="TARGET_CHANGER"), _running(
            physics, capabilities=Capability.LIGHT_BARRIER):
        pass
    with _running(physics, capabilities=Capability.LIGHT_BARRIER,
                  driver={"target_changer": False}) as (_, scanner):
        assert type(scanner) is SerialScanner
        assert isinstance(scanner, ScannerDriver)
        assert not isinstance(scanner, CalibrationTargetLoader)
        with pytest.raises(DriverError, match="belt speed"):
            scanner.set_belt_speed(0.1)


def test_faults_on_the_wire_lose_lines_but_never_corrupt_or_hide_them(
    physics: XrayPhysics,
) -> None:
    reference = _sim(physics)
    reference.open()
    exp_high, exp_low = _stack(list(reference.lines()))
    reference.close()
    faults = FaultPlan(seed=11, bit_flip_rate=0.04, truncate_rate=0.04, garbage_rate=0.05)
    with _running(physics, faults=faults) as (emulator, scanner):
        scanner.xray_on()
        scanner.belt_start()
        blocks = list(scanner.lines())
        stats = scanner.link_statistics
        counters = emulator.counters
    assert counters.frames_bit_flipped and counters.frames_truncated and counters.garbage_bursts
    received = sum(b.n_lines for b in blocks)
    # Every line the scanner sent is either here, intact, or counted as dropped.
    assert received == stats.lines_received
    assert received + stats.lines_dropped == counters.lines_sent == len(exp_high)
    assert 0 < stats.lines_dropped <= counters.frames_bit_flipped + counters.frames_truncated
    assert stats.crc_errors + stats.header_errors > 0
    assert stats.resyncs > 0 and stats.discarded_bytes > 0
    for block in blocks:
        rows = slice(block.first_line_index, block.first_line_index + block.n_lines)
        assert np.array_equal(block.high_counts, exp_high[rows])
        assert np.array_equal(block.low_counts, exp_low[rows])
    firsts = [b.first_line_index for b in blocks]
    assert firsts == sorted(firsts)


def test_dropped_lines_show_in_status(physics: XrayPhysics) -> None:
    faults = FaultPlan(seed=5, bit_flip_rate=0.1)
    with _running(physics, faults=faults) as (_, scanner):
        scanner.xray_on()
        scanner.belt_start()
        list(scanner.lines())
        dropped = scanner.link_statistics.lines_dropped
        assert dropped > 0
        assert scanner.status().lines_dropped == dropped


def test_a_host_that_stops_reading_sees_the_scanners_lost_lines_as_gaps(
    physics: XrayPhysics,
) -> None:
    sim = _sim(physics, line_rate_hz=4000.0, belt_speed_m_s=4.0)  # 1 mm per line, fast
    emulator = ScannerEmulator(sim, realtime=True, tx_buffer_lines=8)
    with emulator:
        scanner = create_driver(emulator.port, heartbeat_s=30.0)
        scanner.open()
        scanner.xray_on()
        scanner.belt_start()
        time.sleep(0.6)  # ~2400 lines due, the whole stream is made while nobody reads
        blocks = list(scanner.lines())
        stats = scanner.link_statistics
        scanner.close()
    counters = emulator.counters
    assert counters.lines_dropped > 0  # the scanner's send buffer overflowed
    assert stats.lines_dropped == counters.lines_dropped
    assert sum(b.n_lines for b in blocks) + stats.lines_dropped == (
        counters.lines_sent + counters.lines_dropped)
    assert stats.crc_errors == stats.discarded_bytes == 0


@pytest.mark.timeout(20)
def test_a_silent_scanner_ends_the_stream_with_a_link_error(physics: XrayPhysics) -> None:
    faults = FaultPlan(silent_after_line=60)
    driver = {"heartbeat_s": 0.3, "command_timeout_s": 0.2, "command_tries": 2}
    blocks: list[LineBlock] = []
    with _running(physics, faults=faults, driver=driver) as (_, scanner):
        scanner.xray_on()
        scanner.belt_start()
        with pytest.raises(CommandTimeoutError, match=r"did not answer STATUS.*2 tries"):
            for block in scanner.lines():
                blocks.append(block)
        stats = scanner.link_statistics
    assert sum(b.n_lines for b in blocks) == 61  # everything sent before it fell silent
    assert stats.link_losses == 1 and stats.command_timeouts == 2


def test_a_lost_reply_is_retried_and_not_executed_twice(physics: XrayPhysics) -> None:
    with _running(physics, faults=FaultPlan(drop_replies=1)) as (emulator, scanner):
        stats = scanner.link_statistics
        assert stats.command_timeouts == 1 and stats.command_retries == 1
        assert scanner.info.serial == "SIM-0001"
        assert emulator.counters.commands_repeated == 1


def _bytes_waiting(fd: int) -> int:
    """Bytes in the input queue of the tty that ``fd`` is open on (FIONREAD)."""
    (count,) = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))
    return int(count)


def test_a_reply_that_came_while_the_host_was_stalled_is_no_timeout(
    physics: XrayPhysics, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A timeout means a silent scanner, not a host thread that was not scheduled.

    The first read after BELT_START finds nothing; then the thread is "descheduled"
    until the reply waits in the port and the command timeout has passed. The driver
    must take that reply, not time out and retry.
    """
    timeout_s = 0.3
    ack_bytes = 13  # an ACK frame without data
    with _running(physics, driver={"command_timeout_s": timeout_s}) as (emulator, scanner):
        # A second descriptor on the driver's tty, only to look at its input queue.
        watch = os.open(emulator.port, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        stalls: list[float] = []
        real_read = SerialTransport.read

        def read_then_stall(transport: SerialTransport) -> bytes:
            if stalls:
                return real_read(transport)
            started = time.monotonic()
            while (time.monotonic() - started < timeout_s
                   or _bytes_waiting(watch) < ack_bytes):
                time.sleep(0.005)
            stalls.append(time.monotonic() - started)
            return b""  # what the read had found before the thread was stalled

        try:
            before = scanner.link_statistics
            monkeypatch.setattr(SerialTransport, "read", read_then_stall)
            scanner.belt_start()
            monkeypatch.undo()
            after = scanner.link_statistics
        finally:
            os.close(watch)
    assert stalls and stalls[0] >= timeout_s
    assert after.command_timeouts == before.command_timeouts
    assert after.command_retries == before.command_retries
    assert after.commands_sent == before.commands_sent + 1


def _assembler(dark: list[LineBlock], lit: list[LineBlock], info: ScannerInfo,
               ) -> ParcelAssembler:
    """A parcel assembler calibrated on the dark blocks and the air among the lit ones."""
    from station_app.config import AssemblyConfig, CalibrationConfig
    from station_app.imaging.assemble import ParcelAssembler
    from station_app.imaging.calibration import build_calibration

    air = [b for b in lit if b.xray_on and b.object_present is not None
           and not b.object_present.any()]
    calibration = build_calibration(*_stack(dark), *_stack(air), serial=info.serial,
                                    config=CalibrationConfig(), counts_max=info.counts_max)
    return ParcelAssembler.for_scanner(AssemblyConfig(), calibration, info,
                                       label_reader_offset_mm=50.0)


def test_an_interlock_opening_mid_parcel_makes_it_incomplete(physics: XrayPhysics) -> None:
    trip_line = PARCEL_START + 60
    faults = FaultPlan(interlock_open_at_line=trip_line, interlock="covers_closed")
    with _running(physics, faults=faults, pixels=256, driver={"block_lines": 8}) as (_, scanner):
        scanner.belt_start()
        stream = scanner.lines()
        dark = [next(stream) for _ in range(6)]  # 48 lines with the tube off
        scanner.xray_on()
        blocks = list(stream)
        status = scanner.status()
        events = scanner.recent_events
        with pytest.raises(InterlockOpenError, match="covers_closed"):
            scanner.xray_on()
        info = scanner.info
    assert not any(b.xray_on for b in dark)
    # The trip itself is an empty dark block, between the last lit line and the dark ones.
    trips = [b for b in blocks if b.n_lines == 0]
    assert [(b.first_line_index, b.xray_on) for b in trips] == [(trip_line, False)]
    assembler = _assembler(dark, blocks, info)
    scans = [scan for block in blocks for scan in assembler.feed(block)]
    scans += assembler.flush()
    assert len(scans) == 1
    scan = scans[0]
    assert "incomplete" in scan.flags
    assert scan.first_line_index + scan.shape[0] == trip_line  # cut at the trip, nothing after
    assert scan.first_line_index < PARCEL_START
    lit = [b for b in blocks if b.xray_on]
    assert lit[-1].first_line_index + lit[-1].n_lines == trip_line
    assert all(not b.xray_on for b in blocks if b.first_line_index >= trip_line)
    assert not status.xray_on and any("covers_closed" in f for f in status.faults)
    trip = next(e for e in events if e.code == EventCode.XRAY_TRIPPED)
    assert trip.line_index == trip_line and trip.interlocks.open_names() == ("covers_closed",)


def test_a_trip_with_no_line_after_it_closes_the_parcel_at_once(physics: XrayPhysics) -> None:
    """The interlock opens mid-parcel and stops the belt with it, so no line follows the
    trip: the parcel is closed as incomplete by the trip, not by lines that may never come."""
    trip_line = PARCEL_START + 60
    faults = FaultPlan(interlock_open_at_line=trip_line, interlock="covers_closed")
    blocks: list[LineBlock] = []
    with _running(physics, faults=faults, pixels=256, driver={"block_lines": 8},
                  interlock_stops_belt=True) as (_, scanner):
        # lines() waits for lines that never come: a driver that hands out no trip block
        # fails the assertions below once this ends its stream, instead of hanging.
        guard = threading.Timer(20.0, scanner.close)
        guard.start()
        try:
            scanner.belt_start()
            stream = scanner.lines()
            dark = [next(stream) for _ in range(6)]
            scanner.xray_on()
            for block in stream:
                blocks.append(block)
                if block.n_lines == 0:
                    break
            status = scanner.status()
        finally:
            guard.cancel()
        info = scanner.info
    trip = blocks[-1]
    assert (trip.n_lines, trip.first_line_index, trip.xray_on, trip.belt_running) == (
        0, trip_line, False, False)
    assert trip.pixels == info.pixels and trip.object_present is not None
    assert blocks[-2].first_line_index + blocks[-2].n_lines == trip_line
    assert not status.xray_on and not status.belt_running
    assembler = _assembler(dark, blocks, info)
    fed = [assembler.feed(block) for block in blocks]
    assert not any(fed[:-1]) and assembler.is_open is False
    (scan,) = fed[-1]  # closed by the trip block itself
    assert "incomplete" in scan.flags
    assert scan.first_line_index < PARCEL_START < trip_line
    assert scan.first_line_index + scan.shape[0] == trip_line
    assert assembler.flush() == []


def test_calibration_targets_and_refill_after_the_stream_ends(physics: XrayPhysics) -> None:
    with _running(physics, parcels=0, gap_mm=(40.0, 40.0)) as (_, scanner):
        assert isinstance(scanner, SerialScannerWithTargets)
        with pytest.raises(ValueError, match="unknown calibration target"):
            scanner.load_target("teapot")
        scanner.xray_on()
        scanner.belt_start()
        first = list(scanner.lines())  # air only, then the source is exhausted
        assert first and all(b.xray_on for b in first)
        scanner.load_target("dark")  # how station_calibration refills a finished stream
        second = list(scanner.lines())
    assert second[0].first_line_index == sum(b.n_lines for b in first)
    assert any(not b.xray_on for b in second) and any(b.xray_on for b in second)
    assert all(b.high_counts.mean() < 2000 for b in second if not b.xray_on)


def test_the_station_calibrates_unattended_through_the_link(physics: XrayPhysics) -> None:
    from station_app.config import StationConfig
    from station_app.station_calibration import run_calibration

    emulator = ScannerEmulator(SimulatedScanner(seed=1, parcels=0, pixels=640, physics=physics))
    with emulator:
        scanner = create_driver(emulator.port, target_changer=True)
        scanner.open()
        try:
            detector, materials, wedge = run_calibration(StationConfig(), scanner)
        finally:
            scanner.close()
    assert detector.scanner_serial == "SIM-0001"
    assert detector.stats.air_lines == StationConfig().calibration.air_lines
    assert len(wedge.points) + len(wedge.rejected) == 32
    assert {"pom", "aluminium", "iron"} <= set(materials.materials)


def test_close_unblocks_lines_waiting_for_a_stopped_belt(physics: XrayPhysics) -> None:
    emulator = ScannerEmulator(_sim(physics))
    with emulator:
        scanner = create_driver(emulator.port, heartbeat_s=0.2)
        scanner.open()
        scanner.xray_on()
        got: list[LineBlock] = []
        errors: list[BaseException] = []

        def read() -> None:
            try:
                got.extend(scanner.lines())
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=read)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and got == []  # belt stopped: waiting, heartbeats going
        scanner.close()
        worker.join(3.0)
        assert not worker.is_alive() and errors == []
        assert not emulator.sim.status().xray_on  # close() switched X-rays off
    with pytest.raises(DriverError, match="not open"):
        scanner.status()


def test_opening_a_missing_port_or_a_mute_one_fails_clearly() -> None:
    with pytest.raises(SerialLinkError, match="/dev/no-such-scanner"):
        create_driver("/dev/no-such-scanner").open()
    master, slave = os.openpty()
    try:
        mute = create_driver(os.ttyname(slave), command_timeout_s=0.1, command_tries=2)
        with pytest.raises(CommandTimeoutError, match="IDENTIFY"):
            mute.open()
        assert not mute.is_open
    finally:
        os.close(master)
        os.close(slave)


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="port"):
        create_driver("")
    with pytest.raises(ValueError, match="block_lines"):
        create_driver("/dev/null", block_lines=0)
    with pytest.raises(DriverError, match="not open"):
        _ = create_driver("/dev/null").info


def test_entry_point() -> None:
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == "serial"]
    if not found:
        pytest.skip("entry point 'serial' not registered in pyproject.toml yet")
    assert found[0].load() is create_driver


def test_emulator_command_line_options() -> None:
    args = build_parser().parse_args(["--pixels", "64", "--no-realtime", "--bit-flip-rate",
                                      "0.01", "--interlock-open-at-line", "500"])
    assert (args.pixels, args.realtime, args.bit_flip_rate, args.interlock_open_at_line) == (
        64, False, 0.01, 500)
    with pytest.raises(ValueError, match="bit_flip_rate"):
        FaultPlan(bit_flip_rate=2.0)
