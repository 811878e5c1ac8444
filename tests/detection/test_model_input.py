"""What the detector model is fed: station channels, resampling to the model pitch,
normalisation, and the input contract of ``model.json``."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from station_app.detection.model_input import (
    CHANNELS,
    InputContract,
    ModelInputError,
    encode_channels,
    model_planes,
    station_channels,
)
from station_app.domain import MaterialImage


def _contract(**changes: Any) -> InputContract:
    values: dict[str, Any] = {
        "height_px": 512,
        "width_px": 384,
        "pitch_mm": 2.0,
        "attenuation_scale": 5.0,
        "attenuation_clip": 2.0,
    }
    values.update(changes)
    return InputContract(**values)


def _channels(lines: int, pixels: int, seed: int = 0) -> np.ndarray:
    """(lines, pixels, 3) float32 station channels with plausible values."""
    rng = np.random.default_rng(seed)
    out = np.empty((lines, pixels, 3), np.float32)
    out[..., 0] = rng.uniform(0.0, 6.0, (lines, pixels))
    out[..., 1] = rng.uniform(0.0, 9.0, (lines, pixels))
    out[..., 2] = rng.uniform(0.0, 1.0, (lines, pixels))
    return out


# ---------------------------------------------------------------- encode_channels


def test_encode_channels_stacks_and_scales_zeff() -> None:
    a_high = np.array([[0.5, 1.0], [2.0, 3.0], [0.0, 4.5]], np.float64)
    a_low = a_high * 2.0
    zeff = np.array([[7.5, 13.0], [26.0, 0.0], [30.0, 15.0]], np.float32)
    out = encode_channels(a_high, a_low, zeff)
    assert out.shape == (3, 2, 3)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0], a_high, rtol=1e-6)
    np.testing.assert_allclose(out[..., 1], a_low, rtol=1e-6)
    # Zeff / 30: 7.5 → 0.25, 13 → 0.4333…, 26 → 0.8666…, 30 → 1, 15 → 0.5
    np.testing.assert_allclose(
        out[..., 2], [[0.25, 13 / 30], [26 / 30, 0.0], [1.0, 0.5]], rtol=1e-6
    )


def test_encode_channels_replaces_non_finite_values_with_zero() -> None:
    a_high = np.array([[np.nan, 1.0], [np.inf, 2.0]], np.float32)
    a_low = np.array([[1.0, -np.inf], [3.0, np.nan]], np.float32)
    zeff = np.array([[np.nan, 6.0], [np.inf, -np.inf]], np.float32)
    out = encode_channels(a_high, a_low, zeff)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[..., 0], [[0.0, 1.0], [0.0, 2.0]])
    np.testing.assert_array_equal(out[..., 1], [[1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(out[..., 2], [[0.0, 0.2], [0.0, 0.0]], rtol=1e-6)
    # the caller's arrays are left as they were
    assert np.isnan(a_high[0, 0]) and np.isinf(zeff[1, 0])


@pytest.mark.parametrize(
    ("high", "low", "zeff"),
    [
        ((4, 5), (4, 5), (4, 6)),  # one channel of another size
        ((4, 5), (5, 4), (4, 5)),
        ((20,), (20,), (20,)),  # not an image
        ((2, 4, 5), (2, 4, 5), (2, 4, 5)),
    ],
)
def test_encode_channels_rejects_bad_shapes(
    high: tuple[int, ...], low: tuple[int, ...], zeff: tuple[int, ...]
) -> None:
    with pytest.raises(ModelInputError, match="2-D and of one shape"):
        encode_channels(np.zeros(high), np.zeros(low), np.zeros(zeff))


def test_station_channels_reads_a_material_image() -> None:
    rng = np.random.default_rng(3)
    shape = (40, 24)
    image = MaterialImage(
        a_high=rng.uniform(0, 3, shape).astype(np.float32),
        a_low=rng.uniform(0, 5, shape).astype(np.float32),
        zeff=rng.uniform(5, 29, shape).astype(np.float32),
        material_class=np.zeros(shape, np.uint8),
        line_pitch_mm=1.0,
        pixel_pitch_mm=1.0,
    )
    out = station_channels(image)
    assert out.shape == (*shape, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[..., 0], image.a_high)
    np.testing.assert_array_equal(out[..., 1], image.a_low)
    np.testing.assert_allclose(out[..., 2], image.zeff / 30.0, rtol=1e-6)


# ---------------------------------------------------------------- model_planes


@pytest.mark.parametrize(
    ("lines", "pixels", "line_pitch", "pixel_pitch", "rows", "cols"),
    [
        (1000, 1024, 1.0, 1.0, 500, 512),  # 1 mm → 2 mm: halves
        (300, 64, 2.0, 2.0, 300, 64),  # already at the model pitch
        (101, 63, 1.5, 0.8, 76, 25),  # 75.75 → 76 rows, 25.2 → 25 cols
        (7, 9, 0.5, 2.9, 2, 13),  # 1.75 → 2 rows; 13.05 → 13 cols
        (1, 1, 1.0, 1.0, 1, 1),  # never zero rows or columns
    ],
)
def test_model_planes_size_follows_the_pitches(
    lines: int, pixels: int, line_pitch: float, pixel_pitch: float, rows: int, cols: int
) -> None:
    planes = model_planes(_channels(lines, pixels), _contract(), line_pitch, pixel_pitch)
    assert planes.shape == (3, rows, cols)
    assert planes.dtype == np.float32
    assert planes.flags.c_contiguous


def test_model_planes_area_averages_when_halving() -> None:
    # 2×2 blocks at 1 mm become one 2 mm pixel holding their mean
    a_high = np.array([[0.0, 2.0, 1.0, 1.0], [4.0, 6.0, 1.0, 1.0]], np.float32)  # means 3, 1
    a_low = np.array([[8.0, 8.0, 0.0, 4.0], [8.0, 8.0, 0.0, 0.0]], np.float32)  # means 8, 1
    zeff = np.array([[6.0, 12.0, 0.0, 0.0], [18.0, 24.0, 0.0, 0.0]], np.float32)  # 15, 0
    channels = encode_channels(a_high, a_low, zeff)
    planes = model_planes(channels, _contract(), 1.0, 1.0)
    assert planes.shape == (3, 1, 2)
    np.testing.assert_allclose(planes[0, 0], [3.0 / 5.0, 1.0 / 5.0], rtol=1e-5)
    # 8 / 5 = 1.6 stays under the clip of 2
    np.testing.assert_allclose(planes[1, 0], [8.0 / 5.0, 1.0 / 5.0], rtol=1e-5)
    np.testing.assert_allclose(planes[2, 0], [0.5, 0.0], atol=1e-6)


def test_model_planes_normalises_and_clips_attenuation() -> None:
    channels = np.zeros((2, 3, 3), np.float32)
    channels[..., 0] = [[-1.0, 0.0, 2.5], [9.9, 10.0, 50.0]]
    channels[..., 1] = [[1.0, 5.0, 7.5], [-0.5, 12.0, 3.0]]
    channels[..., 2] = [[0.2, 0.9, 1.5], [0.0, 0.5, 2.0]]  # Zeff / 30, never clipped
    planes = model_planes(channels, _contract(attenuation_clip=2.0), 2.0, 2.0)
    np.testing.assert_allclose(planes[0], [[0.0, 0.0, 0.5], [1.98, 2.0, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(planes[1], [[0.2, 1.0, 1.5], [0.0, 2.0, 0.6]], rtol=1e-6)
    np.testing.assert_allclose(planes[2], channels[..., 2], rtol=1e-6)
    clipped = model_planes(channels, _contract(attenuation_scale=2.0, attenuation_clip=1.0),
                           2.0, 2.0)
    np.testing.assert_allclose(clipped[0], [[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(clipped[1], [[0.5, 1.0, 1.0], [0.0, 1.0, 1.0]], rtol=1e-6)


def test_model_planes_rescales_zeff_to_the_contract() -> None:
    channels = np.zeros((2, 2, 3), np.float32)
    channels[..., 2] = np.array([[6.0, 12.0], [15.0, 30.0]]) / 30.0  # stored as Zeff / 30
    planes = model_planes(channels, _contract(zeff_scale=15.0), 2.0, 2.0)
    np.testing.assert_allclose(planes[2], [[0.4, 0.8], [1.0, 2.0]], rtol=1e-6)


@pytest.mark.parametrize(("lines", "pixels", "pitch"), [(64, 48, 1.0), (64, 48, 2.0), (1, 1, 2.0)])
def test_model_planes_does_not_modify_its_input(lines: int, pixels: int, pitch: float) -> None:
    channels = _channels(lines, pixels, seed=5)
    channels[0, 0, 0] = 40.0  # would be clipped in place if planes shared memory
    before = channels.copy()
    planes = model_planes(channels, _contract(), pitch, pitch)
    np.testing.assert_array_equal(channels, before)
    assert not np.shares_memory(planes, channels)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((10, 10), "expected"),
        ((10, 10, 2), "expected"),
        ((10, 10, 4), "expected"),
        ((3, 10, 10, 1), "expected"),
        ((0, 10, 3), "empty"),
        ((10, 0, 3), "empty"),
    ],
)
def test_model_planes_rejects_bad_shapes(shape: tuple[int, ...], message: str) -> None:
    with pytest.raises(ModelInputError, match=message):
        model_planes(np.zeros(shape, np.float32), _contract(), 1.0, 1.0)


# ---------------------------------------------------------------- InputContract


def test_input_contract_json_round_trip() -> None:
    contract = _contract(height_px=448, width_px=640, pitch_mm=1.5, attenuation_scale=4.0,
                         attenuation_clip=3.0, zeff_scale=25.0)
    data = json.loads(json.dumps(contract.to_json()))
    assert data["channels"] == ["a_high", "a_low", "zeff"]
    assert data["layout"] == "NCHW float32"
    assert InputContract.from_json(data) == contract


def test_input_contract_zeff_scale_defaults_to_thirty() -> None:
    data = _contract().to_json()
    del data["zeff_scale"]
    assert InputContract.from_json(data).zeff_scale == 30.0


@pytest.mark.parametrize(
    "channels",
    [
        ["a_low", "a_high", "zeff"],  # swapped
        ["a_high", "a_low"],  # missing Zeff
        ["r", "g", "b"],  # the pseudo-colour display
        ["a_high", "a_low", "zeff", "material"],
    ],
)
def test_input_contract_rejects_other_channels(channels: list[str]) -> None:
    data = _contract().to_json()
    data["channels"] = channels
    with pytest.raises(ModelInputError, match="channels"):
        InputContract.from_json(data)
    with pytest.raises(ModelInputError, match="channels"):
        _contract(channels=tuple(channels))
    assert tuple(CHANNELS) == ("a_high", "a_low", "zeff")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"height_px": 31}, "too small"),
        ({"width_px": 16}, "too small"),
        ({"height_px": 0, "width_px": 0}, "too small"),
        ({"pitch_mm": 0.0}, "positive"),
        ({"attenuation_scale": -1.0}, "positive"),
        ({"attenuation_clip": 0.0}, "positive"),
    ],
)
def test_input_contract_rejects_unusable_sizes_and_scales(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ModelInputError, match=message):
        _contract(**changes)
    data = _contract().to_json()
    data.update(changes)
    with pytest.raises(ModelInputError, match=message):
        InputContract.from_json(data)


def test_input_contract_32_pixels_is_the_smallest_accepted() -> None:
    contract = _contract(height_px=32, width_px=32)
    assert (contract.height_px, contract.width_px) == (32, 32)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [512, 512],
        "512x512",
        {"width_px": 512, "pitch_mm": 2.0, "attenuation_scale": 5.0, "attenuation_clip": 2.0,
         "channels": ["a_high", "a_low", "zeff"]},  # no height
        {"height_px": "tall", "width_px": 512, "pitch_mm": 2.0, "attenuation_scale": 5.0,
         "attenuation_clip": 2.0, "channels": ["a_high", "a_low", "zeff"]},
        {"height_px": 512, "width_px": 512, "pitch_mm": 2.0, "attenuation_scale": 5.0,
         "attenuation_clip": 2.0, "channels": None},
    ],
)
def test_input_contract_from_json_rejects_malformed_data(data: Any) -> None:
    with pytest.raises(ModelInputError, match="model input"):
        InputContract.from_json(data)
