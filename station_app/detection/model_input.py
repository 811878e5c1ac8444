"""What the item detector is fed: physical channels resampled to the model's pitch.

One module for training and for the station, so the model sees at inference
exactly what it saw in training. The channels are the calibrated high- and
low-energy log attenuations and Zeff, never the pseudo-colour display.

Two steps:

1. :func:`station_channels` — a parcel's ``MaterialImage`` as float32
   ``(lines, pixels, 3)``: ``A_high``, ``A_low``, ``Zeff / ZEFF_SCALE`` (0 where air,
   non-finite values 0). Datasets store exactly this (as float16).
2. :func:`model_planes` — resample that to the model's pitch (area average; the
   simulator and most scanners are 1 mm per pixel, the shipped model works at
   2 mm) and normalise to the contract's scales, channel-first float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app.domain import MaterialImage

ZEFF_SCALE = 30.0
CHANNELS: tuple[str, ...] = ("a_high", "a_low", "zeff")


class ModelInputError(ValueError):
    """Channels or a contract that cannot be used as model input."""


@dataclass(frozen=True)
class InputContract:
    """The fixed input a detector model was trained for (``model.json`` ``input``)."""

    height_px: int  # model input rows (along the belt)
    width_px: int  # model input columns (across the belt)
    pitch_mm: float  # one model pixel on the belt, both axes
    attenuation_scale: float  # A_high and A_low are divided by this …
    attenuation_clip: float  # … and clipped to [0, clip]
    channels: tuple[str, ...] = CHANNELS
    zeff_scale: float = ZEFF_SCALE

    def __post_init__(self) -> None:
        if self.height_px < 32 or self.width_px < 32:
            raise ModelInputError(f"model input {self.height_px}×{self.width_px} is too small")
        if self.pitch_mm <= 0 or self.attenuation_scale <= 0 or self.attenuation_clip <= 0:
            raise ModelInputError("model input pitch and scales must be positive")
        if tuple(self.channels) != CHANNELS:
            raise ModelInputError(
                f"model input channels {list(self.channels)} are not the station's {list(CHANNELS)}"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "height_px": self.height_px,
            "width_px": self.width_px,
            "pitch_mm": self.pitch_mm,
            "channels": list(self.channels),
            "attenuation_scale": self.attenuation_scale,
            "attenuation_clip": self.attenuation_clip,
            "zeff_scale": self.zeff_scale,
            "layout": "NCHW float32",
        }

    @classmethod
    def from_json(cls, data: Any) -> InputContract:
        if not isinstance(data, dict):
            raise ModelInputError("model input: expected an object")
        try:
            return cls(
                height_px=int(data["height_px"]),
                width_px=int(data["width_px"]),
                pitch_mm=float(data["pitch_mm"]),
                attenuation_scale=float(data["attenuation_scale"]),
                attenuation_clip=float(data["attenuation_clip"]),
                channels=tuple(str(c) for c in data["channels"]),
                zeff_scale=float(data.get("zeff_scale", ZEFF_SCALE)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelInputError(f"model input: {exc!s}") from exc


def encode_channels(
    a_high: NDArray[np.floating[Any]], a_low: NDArray[np.floating[Any]],
    zeff: NDArray[np.floating[Any]],
) -> NDArray[np.float32]:
    """float32 (lines, pixels, 3): A_high, A_low, Zeff / ZEFF_SCALE; non-finite values → 0."""
    if not a_high.shape == a_low.shape == zeff.shape or a_high.ndim != 2:
        raise ModelInputError(f"channels must be 2-D and of one shape, got "
                              f"{a_high.shape}, {a_low.shape}, {zeff.shape}")
    stack = np.empty((*a_high.shape, 3), dtype=np.float32)
    stack[..., 0] = a_high
    stack[..., 1] = a_low
    np.multiply(zeff, np.float32(1.0 / ZEFF_SCALE), out=stack[..., 2], casting="unsafe")
    np.nan_to_num(stack, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return stack


def station_channels(image: MaterialImage) -> NDArray[np.float32]:
    """A parcel's calibrated channels, as datasets store them."""
    return encode_channels(image.a_high, image.a_low, image.zeff)


def model_planes(
    channels: NDArray[np.floating[Any]],
    contract: InputContract,
    line_pitch_mm: float,
    pixel_pitch_mm: float,
) -> NDArray[np.float32]:
    """(lines, pixels, 3) station channels → (3, rows, cols) float32 at the model's pitch.

    The output covers the whole parcel (any size); tiling to the model's fixed
    input is the detector's job. ``rows = round(lines · line_pitch / pitch)``.
    """
    if channels.ndim != 3 or channels.shape[2] != 3:
        raise ModelInputError(f"expected (lines, pixels, 3) channels, got {channels.shape}")
    lines, pixels = int(channels.shape[0]), int(channels.shape[1])
    if lines == 0 or pixels == 0:
        raise ModelInputError("empty image")
    rows = max(1, round(lines * line_pitch_mm / contract.pitch_mm))
    cols = max(1, round(pixels * pixel_pitch_mm / contract.pitch_mm))
    src = np.ascontiguousarray(channels, dtype=np.float32)
    resized = src if (rows, cols) == (lines, pixels) else cv2.resize(
        src, (cols, rows), interpolation=cv2.INTER_AREA
    )
    planes = np.array(resized.transpose(2, 0, 1), dtype=np.float32, order="C")  # own copy
    a = planes[:2]
    np.multiply(a, np.float32(1.0 / contract.attenuation_scale), out=a)
    np.clip(a, 0.0, contract.attenuation_clip, out=a)
    if contract.zeff_scale != ZEFF_SCALE:
        planes[2] *= np.float32(ZEFF_SCALE / contract.zeff_scale)
    return planes
