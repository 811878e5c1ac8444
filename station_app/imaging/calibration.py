"""Detector calibration: dark offset, air level, dead pixels → log attenuation.

A line-scan detector pixel reads ``raw = dark + gain · I/I0`` (plus noise). With
the X-rays off we average ``dark``; with the beam on and nothing on the belt we
average ``air = dark + gain``. A parcel line then gives the log attenuation

    A = -ln((raw - dark) / (air - dark))

per energy channel. ``CalibrationSet`` holds the per-pixel levels (one array per
channel, shape ``(pixels,)``), ``Calibrator`` applies them to whole parcels with
preallocated buffers.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app.config import CalibrationConfig
from station_app.errors import StationError

FORMAT_VERSION = 1

# The noise floor: counts above dark below which a pixel is "no signal". Three
# dark sigmas keep the log finite and put A_max where the signal disappears into
# the electronics noise; one count is the least an ADC can resolve.
FLOOR_SIGMAS = 3.0
MIN_FLOOR_COUNTS = 1.0

# Air levels this close to ADC full scale cannot be trusted (clipped in the ADC).
SATURATION_FRACTION = 0.98


class CalibrationError(StationError):
    """A calibration is missing, unusable for this scanner, or could not be built/read."""


@dataclass(frozen=True)
class CalibrationStats:
    """Summary numbers a technician reads on the calibration screen (all in ADC counts)."""

    dark_noise_high: float  # median over pixels of the per-pixel dark standard deviation
    dark_noise_low: float
    air_noise_high: float  # median over pixels of the per-pixel air standard deviation
    air_noise_low: float
    median_dark_high: float
    median_dark_low: float
    median_air_high: float
    median_air_low: float
    dead_pixels: int  # low gain, saturated or stuck (either channel)
    noisy_pixels: int  # noise far above the median (either channel)
    saturated_pixels: int  # air level at ADC full scale
    dark_lines: int
    air_lines: int

    @property
    def bad_pixels(self) -> int:
        return self.dead_pixels + self.noisy_pixels


@dataclass(frozen=True, eq=False)
class CalibrationSet:
    """Per-pixel calibration of one scanner.

    ``dark_*``, ``air_*``, ``dark_sigma_*``: float32 (pixels,), ADC counts.
    ``bad_mask``: bool (pixels,), True where the pixel is dead or noisy in either
    channel; its values are interpolated from good neighbours.
    """

    calibration_id: str
    scanner_serial: str
    pixels: int
    created_at: datetime  # UTC
    counts_max: int
    dark_high: NDArray[np.float32]
    dark_low: NDArray[np.float32]
    air_high: NDArray[np.float32]
    air_low: NDArray[np.float32]
    dark_sigma_high: NDArray[np.float32]
    dark_sigma_low: NDArray[np.float32]
    bad_mask: NDArray[np.bool_]
    stats: CalibrationStats

    @property
    def floor_high_counts(self) -> float:
        return _floor_counts(self.stats.dark_noise_high)

    @property
    def floor_low_counts(self) -> float:
        return _floor_counts(self.stats.dark_noise_low)

    @property
    def a_max_high(self) -> float:
        """Largest meaningful high-energy attenuation: ln(median gain / noise floor)."""
        gain = float(np.median(self.air_high - self.dark_high))
        return float(np.log(max(gain, 2.0 * self.floor_high_counts) / self.floor_high_counts))

    @property
    def a_max_low(self) -> float:
        gain = float(np.median(self.air_low - self.dark_low))
        return float(np.log(max(gain, 2.0 * self.floor_low_counts) / self.floor_low_counts))

    def age_hours(self, now: datetime) -> float:
        return (now - self.created_at).total_seconds() / 3600.0

    # -- serialisation -------------------------------------------------------

    def to_bytes(self) -> bytes:
        """An ``.npz`` archive (arrays + JSON metadata) that a database column can hold."""
        meta = {
            "format": "station_app.calibration",
            "version": FORMAT_VERSION,
            "calibration_id": self.calibration_id,
            "scanner_serial": self.scanner_serial,
            "pixels": self.pixels,
            "created_at": self.created_at.isoformat(),
            "counts_max": self.counts_max,
            "stats": self.stats.__dict__,
        }
        arrays = {name: getattr(self, name) for name in _ARRAY_FIELDS}
        return _pack(meta, arrays)

    @classmethod
    def from_bytes(cls, payload: bytes) -> CalibrationSet:
        """Inverse of ``to_bytes``; raises ``CalibrationError`` on anything malformed."""
        meta, arrays = _unpack(payload, "station_app.calibration", _ARRAY_FIELDS)
        try:
            pixels = int(meta["pixels"])
            created_at = datetime.fromisoformat(str(meta["created_at"]))
            stats = CalibrationStats(**meta["stats"])
            calibration = cls(
                calibration_id=str(meta["calibration_id"]),
                scanner_serial=str(meta["scanner_serial"]),
                pixels=pixels,
                created_at=created_at,
                counts_max=int(meta["counts_max"]),
                dark_high=arrays["dark_high"].astype(np.float32),
                dark_low=arrays["dark_low"].astype(np.float32),
                air_high=arrays["air_high"].astype(np.float32),
                air_low=arrays["air_low"].astype(np.float32),
                dark_sigma_high=arrays["dark_sigma_high"].astype(np.float32),
                dark_sigma_low=arrays["dark_sigma_low"].astype(np.float32),
                bad_mask=arrays["bad_mask"].astype(bool),
                stats=stats,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"corrupt calibration payload: bad metadata ({exc})") from exc
        for name in _ARRAY_FIELDS:
            shape = getattr(calibration, name).shape
            if shape != (pixels,):
                raise CalibrationError(
                    f"corrupt calibration payload: {name} has shape {shape}, expected ({pixels},)"
                )
        if created_at.tzinfo is None:
            raise CalibrationError("corrupt calibration payload: created_at has no time zone")
        return calibration


_ARRAY_FIELDS = (
    "dark_high",
    "dark_low",
    "air_high",
    "air_low",
    "dark_sigma_high",
    "dark_sigma_low",
    "bad_mask",
)


def _pack(meta: dict[str, Any], arrays: dict[str, NDArray[Any]]) -> bytes:
    buffer = io.BytesIO()
    meta_bytes = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(buffer, __meta__=meta_bytes, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def _unpack(
    payload: bytes, expected_format: str, names: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """Read an archive written by ``_pack``; every failure becomes a ``CalibrationError``."""
    what = expected_format.rsplit(".", 1)[-1]
    if not isinstance(payload, bytes | bytearray | memoryview) or len(payload) == 0:
        raise CalibrationError(f"corrupt {what} payload: empty")
    try:
        # allow_pickle=False: a payload from a database must never execute code.
        with np.load(io.BytesIO(bytes(payload)), allow_pickle=False) as archive:
            meta = json.loads(archive["__meta__"].tobytes().decode("utf-8"))
            arrays = {name: np.asarray(archive[name]) for name in names}
    except KeyError as exc:
        raise CalibrationError(f"corrupt {what} payload: missing {exc}") from exc
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise CalibrationError(f"corrupt {what} payload: {type(exc).__name__}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != expected_format:
        raise CalibrationError(f"corrupt {what} payload: not a {expected_format} archive")
    if meta.get("version") != FORMAT_VERSION:
        raise CalibrationError(
            f"unsupported {what} format version {meta.get('version')}, expected {FORMAT_VERSION}"
        )
    return meta, arrays


def _floor_counts(dark_noise: float) -> float:
    return max(FLOOR_SIGMAS * dark_noise, MIN_FLOOR_COUNTS)


def _check_frames(name: str, frames: NDArray[Any], pixels: int | None) -> NDArray[np.float64]:
    if frames.ndim != 2 or frames.shape[0] < 2 or frames.shape[1] < 2:
        raise ValueError(
            f"{name}: expected a (lines, pixels) array with at least 2 lines, got shape "
            f"{frames.shape}"
        )
    if pixels is not None and frames.shape[1] != pixels:
        raise ValueError(f"{name}: expected {pixels} pixels, got shape {frames.shape}")
    if not np.issubdtype(frames.dtype, np.integer):
        raise ValueError(f"{name}: expected integer ADC counts, got dtype {frames.dtype}")
    return frames.astype(np.float64)


def build_calibration(
    dark_high: NDArray[np.uint16],
    dark_low: NDArray[np.uint16],
    air_high: NDArray[np.uint16],
    air_low: NDArray[np.uint16],
    *,
    serial: str,
    config: CalibrationConfig,
    counts_max: int = 65535,
    created_at: datetime | None = None,
) -> CalibrationSet:
    """Average dark and air lines (uint16, lines × pixels) into a ``CalibrationSet``.

    A pixel is marked bad when, in either channel, its gain (air − dark) is below
    ``config.dead_gain_ratio`` × the median gain, its air or dark noise is above
    ``config.dead_noise_ratio`` × the median noise, its air level is saturated,
    or it is stuck (no variation at all with the beam on).
    """
    pixels = int(dark_high.shape[1]) if dark_high.ndim == 2 else None
    frames = {
        "dark_high": _check_frames("dark_high", dark_high, pixels),
        "dark_low": _check_frames("dark_low", dark_low, pixels),
        "air_high": _check_frames("air_high", air_high, pixels),
        "air_low": _check_frames("air_low", air_low, pixels),
    }
    assert pixels is not None  # _check_frames rejected anything else
    mean = {name: f.mean(axis=0) for name, f in frames.items()}
    sigma = {name: f.std(axis=0) for name, f in frames.items()}
    peak = {name: f.max(axis=0) for name, f in frames.items()}

    dead = np.zeros(pixels, dtype=bool)
    noisy = np.zeros(pixels, dtype=bool)
    saturated = np.zeros(pixels, dtype=bool)
    for channel in ("high", "low"):
        gain = mean[f"air_{channel}"] - mean[f"dark_{channel}"]
        median_gain = float(np.median(gain))
        if median_gain <= 0:
            raise CalibrationError(
                f"air level not above dark in the {channel}-energy channel "
                f"(median gain {median_gain:.1f} counts): were the X-rays on during the air scan?"
            )
        dead |= gain < config.dead_gain_ratio * median_gain
        # Stuck: a pixel that never changes with the beam on cannot be measuring it.
        dead |= sigma[f"air_{channel}"] == 0
        sat = peak[f"air_{channel}"] >= SATURATION_FRACTION * counts_max
        saturated |= sat
        # Noise references floor at 0.5 count: an ideal simulated detector may have
        # (almost) no dark noise, and a ratio against zero would flag every pixel.
        for kind in ("air", "dark"):
            noise = sigma[f"{kind}_{channel}"]
            ref = max(float(np.median(noise)), 0.5)
            noisy |= noise > config.dead_noise_ratio * ref
    dead |= saturated
    noisy &= ~dead
    bad = dead | noisy
    if bad.mean() > config.max_bad_fraction:
        raise CalibrationError(
            f"{int(bad.sum())} of {pixels} pixels are dead or noisy "
            f"(limit {config.max_bad_fraction:.0%}): detector needs service"
        )
    good = ~bad
    stats = CalibrationStats(
        dark_noise_high=float(np.median(sigma["dark_high"][good])),
        dark_noise_low=float(np.median(sigma["dark_low"][good])),
        air_noise_high=float(np.median(sigma["air_high"][good])),
        air_noise_low=float(np.median(sigma["air_low"][good])),
        median_dark_high=float(np.median(mean["dark_high"][good])),
        median_dark_low=float(np.median(mean["dark_low"][good])),
        median_air_high=float(np.median(mean["air_high"][good])),
        median_air_low=float(np.median(mean["air_low"][good])),
        dead_pixels=int(dead.sum()),
        noisy_pixels=int(noisy.sum()),
        saturated_pixels=int(saturated.sum()),
        dark_lines=int(dark_high.shape[0]),
        air_lines=int(air_high.shape[0]),
    )
    return CalibrationSet(
        calibration_id=uuid.uuid4().hex,
        scanner_serial=serial,
        pixels=pixels,
        created_at=created_at if created_at is not None else datetime.now(UTC),
        counts_max=counts_max,
        dark_high=mean["dark_high"].astype(np.float32),
        dark_low=mean["dark_low"].astype(np.float32),
        air_high=mean["air_high"].astype(np.float32),
        air_low=mean["air_low"].astype(np.float32),
        dark_sigma_high=sigma["dark_high"].astype(np.float32),
        dark_sigma_low=sigma["dark_low"].astype(np.float32),
        bad_mask=bad,
        stats=stats,
    )


def check_usable(
    calibration: CalibrationSet | None,
    *,
    serial: str,
    pixels: int,
    now: datetime,
    max_age_hours: float,
) -> None:
    """Raise ``CalibrationError`` with a one-line reason when ``calibration`` must not be used."""
    if calibration is None:
        raise CalibrationError(
            f"no calibration for scanner {serial}: run dark/air calibration first"
        )
    if calibration.scanner_serial != serial:
        raise CalibrationError(
            f"calibration {calibration.calibration_id[:8]} is for scanner "
            f"{calibration.scanner_serial}, not {serial}"
        )
    if calibration.pixels != pixels:
        raise CalibrationError(
            f"calibration has {calibration.pixels} pixels, scanner has {pixels}"
        )
    age_h = calibration.age_hours(now)
    if age_h > max_age_hours:
        raise CalibrationError(
            f"calibration is stale: {age_h:.1f} h old, limit {max_age_hours:.1f} h"
        )
    if age_h < -0.25:  # 15 min of clock slack between machines
        raise CalibrationError(
            f"calibration is dated {-age_h:.1f} h in the future: check the station clock"
        )


def _interpolation_plan(
    bad: NDArray[np.bool_],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]:
    """For each bad pixel: its index, the nearest good pixel left and right, and the
    weight of the right one (distance-weighted; one-sided at the detector ends)."""
    pixels = bad.size
    index = np.arange(pixels)
    good_idx = index[~bad]
    bad_idx = index[bad]
    if bad_idx.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty, np.zeros(0, dtype=np.float32)
    # position of the first good pixel to the right of each bad one
    pos = np.searchsorted(good_idx, bad_idx)
    right = good_idx[np.minimum(pos, good_idx.size - 1)]
    left = good_idx[np.maximum(pos - 1, 0)]
    has_left = pos > 0
    has_right = pos < good_idx.size
    left = np.where(has_left, left, right)
    right = np.where(has_right, right, left)
    span = (right - left).astype(np.float64)
    w_right = np.where(span > 0, (bad_idx - left) / np.where(span > 0, span, 1.0), 0.0)
    return bad_idx, left, right, w_right.astype(np.float32)


class Calibrator:
    """Turns raw counts into log attenuation with one calibration; reuses its buffers.

    Not thread-safe: use one instance per processing thread.
    """

    def __init__(self, calibration: CalibrationSet) -> None:
        self.calibration = calibration
        self.pixels = calibration.pixels
        # Per-pixel constants as (1, pixels) rows so they broadcast along lines.
        self._dark = {
            "high": calibration.dark_high.reshape(1, -1).astype(np.float32),
            "low": calibration.dark_low.reshape(1, -1).astype(np.float32),
        }
        self._floor = {
            "high": np.float32(calibration.floor_high_counts),
            "low": np.float32(calibration.floor_low_counts),
        }
        self._ln_gain = {}
        for ch in ("high", "low"):
            gain = (
                getattr(calibration, f"air_{ch}") - getattr(calibration, f"dark_{ch}")
            ).astype(np.float64)
            # Bad pixels may have zero or negative gain; their values are replaced later,
            # this only keeps the log finite.
            gain = np.maximum(gain, 2.0 * float(self._floor[ch]))
            self._ln_gain[ch] = np.log(gain).astype(np.float32).reshape(1, -1)
        self.a_max_high = np.float32(calibration.a_max_high)
        self.a_max_low = np.float32(calibration.a_max_low)
        self._a_max = {"high": self.a_max_high, "low": self.a_max_low}
        self._bad_idx, self._left, self._right, self._w_right = _interpolation_plan(
            calibration.bad_mask
        )
        self._w_left = (1.0 - self._w_right).astype(np.float32)
        self._scratch = np.empty((0, self.pixels), dtype=np.float32)

    def _scratch_for(self, lines: int) -> NDArray[np.float32]:
        if self._scratch.shape[0] < lines:
            # Grow geometrically so a stream of slightly longer parcels does not reallocate.
            self._scratch = np.empty((max(lines, int(self._scratch.shape[0] * 1.5)), self.pixels),
                                     dtype=np.float32)
        return self._scratch[:lines]

    def _check(self, name: str, raw: NDArray[Any]) -> None:
        if raw.ndim != 2 or raw.shape[1] != self.pixels:
            raise ValueError(
                f"{name}: expected shape (lines, {self.pixels}), got {raw.shape}"
            )
        if raw.dtype != np.uint16:
            raise ValueError(f"{name}: expected dtype uint16, got {raw.dtype}")

    def apply(
        self,
        raw_high: NDArray[np.uint16],
        raw_low: NDArray[np.uint16],
        out: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None,
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Log attenuation (float32, lines × pixels) for both channels, clipped to [0, A_max].

        ``out``: optional preallocated float32 arrays of the same shape, written in place.
        """
        self._check("raw_high", raw_high)
        self._check("raw_low", raw_low)
        if raw_high.shape != raw_low.shape:
            raise ValueError(
                f"raw_high shape {raw_high.shape} differs from raw_low shape {raw_low.shape}"
            )
        shape = raw_high.shape
        if out is None:
            out = (np.empty(shape, dtype=np.float32), np.empty(shape, dtype=np.float32))
        for arr in out:
            if arr.shape != shape or arr.dtype != np.float32:
                raise ValueError(
                    f"out: expected float32 arrays of shape {shape}, got {arr.dtype} {arr.shape}"
                )
        scratch = self._scratch_for(shape[0])
        for ch, raw, dst in (("high", raw_high, out[0]), ("low", raw_low, out[1])):
            self._apply_channel(ch, raw, scratch, dst)
        return out

    def _apply_channel(
        self, ch: str, raw: NDArray[np.uint16], net: NDArray[np.float32], dst: NDArray[np.float32]
    ) -> None:
        np.subtract(raw, self._dark[ch], out=net)
        # Counts at or below the noise floor carry no information: clamping them keeps
        # the log finite (no NaN/inf for all-zero lines) and caps A at ~A_max.
        np.maximum(net, self._floor[ch], out=net)
        cv2.log(net, net)  # SIMD log, ~2× numpy's
        np.subtract(self._ln_gain[ch], net, out=dst)
        # Above air (noise, drift) is no attenuation; above A_max is no signal.
        np.maximum(dst, 0.0, out=dst)
        np.minimum(dst, self._a_max[ch], out=dst)
        if self._bad_idx.size:
            dst[:, self._bad_idx] = (
                dst[:, self._left] * self._w_left + dst[:, self._right] * self._w_right
            )

    def transmission_threshold_high(self, transmission: float) -> NDArray[np.float32]:
        """Raw high-energy counts per pixel below which transmission < ``transmission``.

        float32 (pixels,); bad pixels get -1 so they never count as occupied.
        """
        cal = self.calibration
        thr = cal.dark_high + np.float32(transmission) * (cal.air_high - cal.dark_high)
        return np.where(cal.bad_mask, np.float32(-1.0), thr).astype(np.float32)
