"""Display image of a parcel: standard colour convention and operator display modes.

Every mode except edge enhancement and local contrast is one 2D colour table
indexed by quantised (Zeff, high-energy attenuation); a render is then a few
saturating OpenCV conversions to build a uint16 index and one ``np.take`` into
packed RGBA8888. Tables are built once per (mode, slider position) and cached,
so dragging the density slider costs one table build (a few ms) per step.

The renderer keeps scratch buffers between calls and is therefore not
thread-safe: give each thread its own ``Renderer``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app.config import MaterialsConfig
from station_app.domain import MaterialClass, MaterialImage
from station_app.imaging import colour as c

# OpenCV's bundled stubs reject Python scalars and dst= keywords that the C++
# bindings accept (saturating scalar ops are the point here), so calls go
# through an untyped alias; results are annotated where they are used.
cv: Any = cv2


class DisplayMode(StrEnum):
    COLOUR = "colour"
    GREY = "grey"
    INVERSE = "inverse"
    ORGANIC_STRIPPING = "organic_stripping"  # organics faint: inorganics/metals stand out
    INORGANIC_STRIPPING = "inorganic_stripping"  # inorganics/metals faint: organics stand out
    HIGH_PENETRATION = "high_penetration"
    LOW_PENETRATION = "low_penetration"
    EDGE_ENHANCEMENT = "edge_enhancement"
    LOCAL_CONTRAST = "local_contrast"
    VARIABLE_DENSITY = "variable_density"


@dataclass(frozen=True)
class DisplaySettings:
    """What the operator chose for the current parcel; ``DisplaySettings()`` is the reset state.

    ``density`` (0..1) is the variable-density slider; in the other modes it
    acts as a brightness offset, neutral at 0.5 (higher shows material denser,
    i.e. darker).
    """

    mode: DisplayMode = DisplayMode.COLOUR
    density: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.density <= 1.0:
            raise ValueError(f"DisplaySettings.density must be in 0..1, got {self.density}")
        # Accept plain strings from config files / the GUI but store the enum.
        object.__setattr__(self, "mode", DisplayMode(self.mode))


# Windows (attenuation, -ln T) of the penetration modes. High penetration spends
# the whole grey range on what lies above HIGH_PEN_FROM, so the inside of dense
# objects shows structure; low penetration spends it below LOW_PEN_TO, so thin
# organics (paper, powder in an envelope) stand out.
HIGH_PEN_FROM = 1.5
LOW_PEN_TO = 1.0
# Width of the variable-density band in the log-like density space (0..1).
VD_BAND = 0.22
# How much stripping leaves of the stripped material: 0 is invisible, 1 unchanged.
STRIP_KEEP = 0.12
EDGE_SIGMA_PX = 2.0
EDGE_AMOUNT = 1.2
CLAHE_CLIP = 2.0
CLAHE_TILES = (8, 8)
_LUT_CACHE_SIZE = 12


class Renderer:
    """Turns a ``MaterialImage`` into RGBA8888 for display."""

    def __init__(self, materials_config: MaterialsConfig) -> None:
        self._cfg = materials_config
        self._att_max = float(materials_config.impenetrable_min_attenuation)
        if self._att_max <= 0:
            raise ValueError("impenetrable_min_attenuation must be > 0")
        self._att_scale = (c.ATT_BINS - 1) / self._att_max
        self._att_axis = c.attenuation_axis(self._att_max)
        self._hue = c.material_hue(
            c.zeff_centres(), materials_config.organic_max_zeff, materials_config.inorganic_max_zeff
        )
        self._organic_weight = self._organic_weights()
        self._luts: OrderedDict[tuple[DisplayMode, float], NDArray[np.uint32]] = OrderedDict()
        self._clahe: Any = cv.createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=CLAHE_TILES)
        # CLAHE works on 8-bit luminance; these two tables go column -> luminance and back.
        d0 = c.density_curve(self._att_axis, self._att_max)
        lum = np.rint(255.0 * (1.0 - d0))
        lum[c.ATT_BLACK] = 0
        self._col_to_lum = lum.astype(np.uint8)
        targets = 1.0 - np.arange(256, dtype=np.float64) / 255.0
        cols = np.searchsorted(d0, targets).clip(0, c.ATT_BLACK - 1)
        cols[0] = c.ATT_BLACK - 1  # luminance 0 after CLAHE is dense, not impenetrable
        self._lum_to_col = cols.astype(np.uint16)
        self._shape: tuple[int, int] | None = None
        self._zq = np.empty((0, 0), np.uint8)
        self._aq = np.empty((0, 0), np.uint16)
        self._idx = np.empty((0, 0), np.uint16)
        self._mask_imp = np.empty((0, 0), np.uint8)
        self._mask_air = np.empty((0, 0), np.uint8)
        self._lum = np.empty((0, 0), np.uint8)
        self._blur = np.empty((0, 0, 4), np.uint8)

    # ------------------------------------------------------------------ public

    def render(
        self,
        image: MaterialImage,
        settings: DisplaySettings | None = None,
        out: NDArray[np.uint8] | None = None,
    ) -> NDArray[np.uint8]:
        """RGBA8888 uint8 (lines, pixels, 4), C-contiguous, opaque.

        Without ``out`` a new array is returned (safe to keep while the next
        parcel renders); pass the previous result as ``out`` to reuse it.
        """
        settings = settings if settings is not None else DisplaySettings()
        shape = _validate(image)
        self._ensure_buffers(shape)
        dst = self._check_out(out, shape)
        dst32 = dst.view(np.uint32).reshape(shape)
        mode = settings.mode

        self._quantise(image)
        if mode is DisplayMode.LOCAL_CONTRAST:
            self._local_contrast()
        self._combine_index()
        lut = self._lut(mode, settings.density)
        np.take(lut, self._idx, out=dst32, mode="clip")
        if mode is DisplayMode.EDGE_ENHANCEMENT:
            # Unsharp mask on the finished colour picture: edges of items get a
            # dark/light rim, alpha stays 255 because 255*(1+k) - 255*k = 255.
            cv.GaussianBlur(dst, (0, 0), EDGE_SIGMA_PX, dst=self._blur)
            cv.addWeighted(dst, 1.0 + EDGE_AMOUNT, self._blur, -EDGE_AMOUNT, 0.0, dst=dst)
        return dst

    def lut(self, settings: DisplaySettings) -> NDArray[np.uint32]:
        """The packed colour table used for ``settings`` (rows Zeff, columns attenuation)."""
        return self._lut(settings.mode, settings.density).reshape(c.ZEFF_BINS, c.ATT_BINS)

    # ------------------------------------------------------------ render steps

    def _quantise(self, image: MaterialImage) -> None:
        # Saturating OpenCV conversions do scale + round + clamp in one pass each,
        # far cheaper than the equivalent numpy float expression.
        cv.convertScaleAbs(_c(image.zeff), self._zq, 1.0 / c.ZEFF_STEP)
        cv.min(self._zq, c.ZEFF_BINS - 1, dst=self._zq)
        cv.multiply(_c(image.a_high), self._att_scale, dst=self._aq, dtype=cv2.CV_16U)
        cv.min(self._aq, c.ATT_BLACK, dst=self._aq)
        # The materials step has the final word on air and impenetrable pixels,
        # whatever their attenuation says (it may use the low-energy channel).
        cls = _c(image.material_class)
        cv.compare(cls, int(MaterialClass.IMPENETRABLE), cv2.CMP_EQ, dst=self._mask_imp)
        cv.compare(cls, int(MaterialClass.AIR), cv2.CMP_EQ, dst=self._mask_air)
        self._force_classes()

    def _force_classes(self) -> None:
        cv.bitwise_or(self._aq, c.ATT_BLACK, dst=self._aq, mask=self._mask_imp)
        cv.bitwise_and(self._aq, 0, dst=self._aq, mask=self._mask_air)

    def _local_contrast(self) -> None:
        np.take(self._col_to_lum, self._aq, out=self._lum, mode="clip")
        self._clahe.apply(self._lum, self._lum)
        np.take(self._lum_to_col, self._lum, out=self._aq, mode="clip")
        self._force_classes()

    def _combine_index(self) -> None:
        np.left_shift(self._zq, c.ATT_SHIFT, out=self._idx, dtype=np.uint16)
        np.bitwise_or(self._idx, self._aq, out=self._idx)

    # ------------------------------------------------------------------ tables

    def _lut(self, mode: DisplayMode, density: float) -> NDArray[np.uint32]:
        # Modes whose table ignores the slider share one cache entry per slider
        # step; quantising the slider keeps the cache from growing while dragging.
        key = (mode, round(density, 3))
        lut = self._luts.get(key)
        if lut is None:
            lut = self._build_lut(mode, density)
            self._luts[key] = lut
            if len(self._luts) > _LUT_CACHE_SIZE:
                self._luts.popitem(last=False)
        else:
            self._luts.move_to_end(key)
        return lut

    def _build_lut(self, mode: DisplayMode, density: float) -> NDArray[np.uint32]:
        d = self._display_density(mode, density)
        if mode in (DisplayMode.GREY, DisplayMode.INVERSE):
            g = c.grey_levels(d)
            g[c.ATT_WHITE], g[c.ATT_BLACK] = 255.0, 0.0
            if mode is DisplayMode.INVERSE:
                g = 255.0 - g
            rgb = np.broadcast_to(g[None, :, None], (c.ZEFF_BINS, c.ATT_BINS, 3))
        else:
            rgb = c.shade(self._hue, d)
            if mode is DisplayMode.ORGANIC_STRIPPING:
                rgb = _fade(rgb, self._organic_weight)
            elif mode is DisplayMode.INORGANIC_STRIPPING:
                rgb = _fade(rgb, 1.0 - self._organic_weight)
            rgb[:, c.ATT_WHITE, :] = 255.0
            rgb[:, c.ATT_BLACK, :] = 0.0
        return np.ascontiguousarray(c.pack_rgba(rgb).reshape(-1))

    def _display_density(self, mode: DisplayMode, density: float) -> NDArray[np.float64]:
        """Per attenuation column, the 0..1 density that drives brightness."""
        a = self._att_axis
        amax = self._att_max
        if mode is DisplayMode.VARIABLE_DENSITY:
            # The slider moves a band over the log-like density axis; material in
            # the band gets the full brightness range, lighter material washes
            # out to white, denser material goes dark.
            d0 = c.density_curve(a, amax)
            lo = density * (1.0 - VD_BAND)
            return np.clip((d0 - lo) / VD_BAND, 0.0, 1.0)
        gain = 2.0 ** ((density - 0.5) * 1.5)  # brightness offset, neutral at 0.5
        a = a * gain
        if mode is DisplayMode.HIGH_PENETRATION:
            # Skip the log-like curve, which compresses exactly the dense range
            # this mode is for; a mild power law instead spreads it further.
            # A quarter of the normal curve is kept so thin items stay faintly
            # visible for orientation instead of vanishing.
            t = np.clip((a - HIGH_PEN_FROM) / (amax - HIGH_PEN_FROM), 0.0, 1.0)
            hp: NDArray[np.float64] = np.maximum(t**1.4, 0.25 * c.density_curve(a, amax))
            return hp
        if mode is DisplayMode.LOW_PENETRATION:
            a = a * (amax / LOW_PEN_TO)
        return c.density_curve(a, amax)

    def _organic_weights(self) -> NDArray[np.float64]:
        """Per Zeff row, 1 for organic .. 0 for inorganic, blended across the boundary."""
        z = c.zeff_centres()
        b = self._cfg.organic_max_zeff
        w: NDArray[np.float64] = np.clip((b + 0.75 - z) / 1.5, 0.0, 1.0)
        return w

    # ----------------------------------------------------------------- buffers

    def _ensure_buffers(self, shape: tuple[int, int]) -> None:
        if self._shape == shape:
            return
        self._zq = np.empty(shape, np.uint8)
        self._aq = np.empty(shape, np.uint16)
        self._idx = np.empty(shape, np.uint16)
        self._mask_imp = np.empty(shape, np.uint8)
        self._mask_air = np.empty(shape, np.uint8)
        self._lum = np.empty(shape, np.uint8)
        self._blur = np.empty((*shape, 4), np.uint8)
        self._shape = shape

    @staticmethod
    def _check_out(out: NDArray[np.uint8] | None, shape: tuple[int, int]) -> NDArray[np.uint8]:
        want = (*shape, 4)
        if out is None:
            return np.empty(want, np.uint8)
        if out.dtype != np.uint8 or out.shape != want:
            raise ValueError(
                f"render out must be uint8 of shape {want}, got {out.dtype} {out.shape}"
            )
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("render out must be a writeable C-contiguous array")
        return out


def thumbnail(rgba: NDArray[np.uint8], max_side_px: int) -> NDArray[np.uint8]:
    """Shrink an RGBA8888 image so its longer side is at most ``max_side_px`` (area average)."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"thumbnail needs uint8 (h, w, 4), got {rgba.dtype} {rgba.shape}")
    if max_side_px < 1:
        raise ValueError(f"max_side_px must be >= 1, got {max_side_px}")
    h, w = int(rgba.shape[0]), int(rgba.shape[1])
    scale = max_side_px / max(h, w)
    if scale >= 1.0:
        return np.ascontiguousarray(rgba).copy()
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # cv2 wants (width, height)
    small: NDArray[np.uint8] = cv.resize(
        np.ascontiguousarray(rgba), size, interpolation=cv2.INTER_AREA
    )
    return small


def _fade(rgb: NDArray[np.float64], weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """Blend rows towards white by ``weight`` (per Zeff row) so that material fades out."""
    k = (1.0 - STRIP_KEEP) * weight[:, None, None]
    result: NDArray[np.float64] = rgb + k * (255.0 - rgb)
    return result


def _c(a: NDArray[Any]) -> NDArray[Any]:
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _validate(image: MaterialImage) -> tuple[int, int]:
    expected = {
        "a_high": np.float32,
        "a_low": np.float32,
        "zeff": np.float32,
        "material_class": np.uint8,
    }
    ref = getattr(image, "a_high", None)
    if not isinstance(ref, np.ndarray) or ref.ndim != 2 or ref.size == 0:
        raise ValueError("MaterialImage.a_high must be a non-empty 2D array (lines, pixels)")
    shape = (int(ref.shape[0]), int(ref.shape[1]))
    for name, dtype in expected.items():
        arr = getattr(image, name)
        if not isinstance(arr, np.ndarray):
            raise ValueError(
                f"MaterialImage.{name} must be a numpy array, got {type(arr).__name__}"
            )
        if arr.shape != shape:
            raise ValueError(
                f"MaterialImage.{name} has shape {arr.shape}, expected {shape} like a_high"
            )
        if arr.dtype != dtype:
            raise ValueError(
                f"MaterialImage.{name} has dtype {arr.dtype}, expected {np.dtype(dtype).name}"
            )
    return shape
