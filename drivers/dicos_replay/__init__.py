"""Replay driver: plays recorded DICOS DX For Processing parcels as a scanner's line stream.

Registered as the ``dicos`` entry point of ``station_app.drivers``. See
docs/dicos.md ("Replay driver") for the options and how air gaps are made.
"""

from __future__ import annotations

from drivers.dicos_replay.catalog import ReplayParcel
from drivers.dicos_replay.driver import DicosReplayScanner


def create_driver(
    path: str,
    loop: bool = False,
    block_lines: int = 32,
    realtime: bool = False,
    line_rate_hz: float | None = None,
    gap_lines: int = 64,
    air_counts: tuple[int, int] | list[int] | None = None,
    reader_offset_lines: int = 0,
    autostart: bool = True,
) -> DicosReplayScanner:
    """Entry-point factory: a not yet opened replay of the DICOS files in ``path``."""
    air = None if air_counts is None else (int(air_counts[0]), int(air_counts[1]))
    return DicosReplayScanner(
        path, loop=loop, block_lines=block_lines, realtime=realtime, line_rate_hz=line_rate_hz,
        gap_lines=gap_lines, air_counts=air, reader_offset_lines=reader_offset_lines,
        autostart=autostart,
    )


__all__ = ["DicosReplayScanner", "ReplayParcel", "create_driver"]
