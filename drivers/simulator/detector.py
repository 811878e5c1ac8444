"""Detector electronics of the simulated scanner: expected transmission → raw counts.

A real line-scan detector has fixed per-pixel flaws (gain spread, dark offset,
dead or noisy photodiodes) that calibration must remove, plus noise that is new
on every line. The flaws come from the scanner's serial and seed and stay fixed
for a driver; the noise comes from the caller's generator.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

Float32Array = NDArray[np.float32]
CountsArray = NDArray[np.uint16]

COUNTS_MAX = 65535
# Below this many quanta the normal approximation of Poisson noise is visibly wrong.
_POISSON_EXACT_BELOW = 30.0


@dataclass(frozen=True)
class DetectorSpec:
    """Noise and flaw model of both channels (index 0 = high, 1 = low energy)."""

    blur_sigma_px: float = 0.6
    # Effective quanta per pixel-line in air at 1 mA: sets the air noise (~1 %).
    air_quanta: tuple[float, float] = (2.0e4, 1.2e4)
    # Counts above dark offset in air at 1 mA (gain 1).
    air_counts: tuple[float, float] = (48_000.0, 46_000.0)
    gain_sd: float = 0.02
    gain_limit: float = 0.05
    offset_mean_counts: float = 1000.0
    offset_sd_counts: float = 100.0
    electronic_noise_counts: float = 6.0
    dead_at_offset: int = 2  # photodiodes that only give their dark level
    dead_at_zero: int = 1  # broken channels that read 0
    noisy_pixels: int = 1
    noisy_extra_sd_counts: float = 400.0


@dataclass(frozen=True)
class PixelFlaws:
    """Fixed per-pixel properties of one detector, arrays of shape (2, pixels).

    Row 0 is the high-energy channel, row 1 the low-energy channel.
    """

    gain: Float32Array = field(repr=False)
    offset_counts: Float32Array = field(repr=False)
    dead_at_offset: NDArray[np.bool_] = field(repr=False)
    dead_at_zero: NDArray[np.bool_] = field(repr=False)
    noisy: NDArray[np.bool_] = field(repr=False)

    @property
    def pixels(self) -> int:
        return int(self.gain.shape[1])

    def dead(self) -> NDArray[np.bool_]:
        """bool (2, pixels): pixels whose output carries no image."""
        return self.dead_at_offset | self.dead_at_zero

    @classmethod
    def from_serial(cls, spec: DetectorSpec, pixels: int, serial: str) -> PixelFlaws:
        # The flaws belong to the detector (its serial), not to the parcel stream's
        # seed: a calibration must stay valid when the simulator is re-seeded.
        # crc32, not hash(): the flaws of a detector must not change between runs.
        rng = np.random.default_rng([zlib.crc32(serial.encode()), 0x5EED])
        gain = np.clip(
            rng.normal(1.0, spec.gain_sd, (2, pixels)), 1 - spec.gain_limit, 1 + spec.gain_limit
        ).astype(np.float32)
        offset = rng.normal(spec.offset_mean_counts, spec.offset_sd_counts, (2, pixels))
        flawed = spec.dead_at_offset + spec.dead_at_zero + spec.noisy_pixels
        masks = [np.zeros((2, pixels), dtype=bool) for _ in range(3)]
        # Keep the outermost pixels clean: edge pixels are often under the belt guides.
        for channel in range(2):
            chosen = rng.choice(np.arange(4, pixels - 4), size=flawed, replace=False)
            bounds = np.cumsum([spec.dead_at_offset, spec.dead_at_zero])
            for mask, idx in zip(masks, np.split(chosen, bounds), strict=True):
                mask[channel, idx] = True
        return cls(
            gain=gain,
            offset_counts=offset.astype(np.float32),
            dead_at_offset=masks[0],
            dead_at_zero=masks[1],
            noisy=masks[2],
        )


class DetectorModel:
    """Turns expected transmission maps into raw uint16 counts of both channels."""

    def __init__(self, spec: DetectorSpec, flaws: PixelFlaws, *, tube_ma: float = 1.0) -> None:
        self.spec = spec
        self.flaws = flaws
        self.tube_ma = tube_ma
        # Per channel: counts per quantum, so signal = quanta * counts_per_quantum * gain.
        self._air_quanta = np.array(spec.air_quanta, dtype=np.float32) * np.float32(tube_ma)
        self._counts_per_quantum = np.array(
            [c / q for c, q in zip(spec.air_counts, spec.air_quanta, strict=True)],
            dtype=np.float32,
        )

    def blur(self, transmission: Float32Array) -> Float32Array:
        """Scintillator light spread and line integration, float32 (lines, pixels)."""
        if self.spec.blur_sigma_px <= 0 or transmission.shape[0] < 2:
            return transmission
        blurred = cv2.GaussianBlur(
            transmission, (0, 0), sigmaX=self.spec.blur_sigma_px,
            sigmaY=self.spec.blur_sigma_px, borderType=cv2.BORDER_REPLICATE,
        )
        return np.asarray(blurred, dtype=np.float32)

    def counts(
        self,
        transmission_high: Float32Array,
        transmission_low: Float32Array,
        rng: np.random.Generator,
        *,
        xray_on: bool = True,
    ) -> tuple[CountsArray, CountsArray]:
        """Raw counts (high, low), uint16 (lines, pixels), from already blurred maps."""
        return (
            self._channel(0, transmission_high, rng, xray_on),
            self._channel(1, transmission_low, rng, xray_on),
        )

    def dark(self, lines: int, rng: np.random.Generator) -> tuple[CountsArray, CountsArray]:
        """Counts with the X-ray off: offset plus electronic noise."""
        zeros = np.zeros((lines, self.flaws.pixels), dtype=np.float32)
        return self.counts(zeros, zeros, rng, xray_on=False)

    def _channel(
        self, channel: int, transmission: Float32Array, rng: np.random.Generator, xray_on: bool
    ) -> CountsArray:
        spec = self.spec
        shape = transmission.shape
        electronic_sd = np.float32(spec.electronic_noise_counts)
        # One normal draw carries quantum and electronic noise together (their
        # variances add); it halves the cost of the noise stage.
        normal = rng.standard_normal(shape, dtype=np.float32)
        if xray_on:
            counts_per_quantum = self._counts_per_quantum[channel] * self.flaws.gain[channel]
            quanta = transmission * self._air_quanta[channel]
            sd = quanta * counts_per_quantum**2
            sd += electronic_sd**2
            np.sqrt(sd, out=sd)
            signal: Float32Array = quanta * counts_per_quantum
            signal += normal * sd
            few = quanta < _POISSON_EXACT_BELOW
            if few.any():
                # The normal approximation of Poisson noise fails for few quanta.
                rows, cols = np.nonzero(few)
                signal[rows, cols] = (
                    rng.poisson(quanta[rows, cols]) * counts_per_quantum[cols]
                    + normal[rows, cols] * electronic_sd
                )
        else:
            signal = normal * electronic_sd
        signal += self.flaws.offset_counts[channel]
        noisy = self.flaws.noisy[channel]
        if noisy.any():
            extra = rng.standard_normal((shape[0], int(noisy.sum())), dtype=np.float32)
            signal[:, noisy] += extra * np.float32(spec.noisy_extra_sd_counts)
        stuck = self.flaws.dead_at_offset[channel]
        signal[:, stuck] = self.flaws.offset_counts[channel, stuck]
        signal[:, self.flaws.dead_at_zero[channel]] = 0.0
        np.clip(signal, 0.0, COUNTS_MAX, out=signal)
        signal += np.float32(0.5)  # round half up on the truncating cast
        counts: CountsArray = signal.astype(np.uint16)
        return counts
