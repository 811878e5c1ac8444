"""Rendering: colour convention, display modes, buffers, input checks, reference images.

Reference images live in ``tests/imaging/reference/``. After an intended change
of the look, regenerate them with

    STATION_UPDATE_REFERENCE_IMAGES=1 .venv/bin/pytest tests/imaging/test_render.py

and LOOK at the PNGs before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from station_app.config import MaterialsConfig
from station_app.domain import MaterialClass, MaterialImage
from station_app.imaging.render import DisplayMode, DisplaySettings, Renderer, thumbnail

REFERENCE_DIR = Path(__file__).parent / "reference"
UPDATE_ENV = "STATION_UPDATE_REFERENCE_IMAGES"
# Max per-channel difference and fraction of pixels allowed to exceed it: small
# numeric differences between OpenCV builds (blur, CLAHE) must not fail the test.
PIXEL_TOLERANCE = 3
BAD_PIXEL_FRACTION = 0.002

CFG = MaterialsConfig()

# Regions of the synthetic scene (line0, px0, line1, px1), (a_high, zeff).
REGIONS: dict[str, tuple[tuple[int, int, int, int], tuple[float, float]]] = {
    "thin_organic": ((40, 40, 90, 120), (0.15, 7.0)),
    "organic": ((40, 140, 90, 220), (1.2, 7.2)),
    "dense_organic": ((40, 240, 90, 320), (2.6, 7.4)),
    "inorganic": ((110, 40, 160, 120), (1.4, 13.0)),
    "dense_inorganic": ((110, 140, 160, 220), (3.0, 13.5)),
    "metal": ((110, 240, 160, 320), (2.2, 26.0)),
    "dense_metal": ((180, 40, 230, 120), (5.0, 26.0)),
    "impenetrable": ((180, 140, 230, 220), (8.5, 0.0)),
    "air": ((180, 330, 230, 380), (0.0, 0.0)),
}


def classify(a: NDArray[np.float32], z: NDArray[np.float32]) -> NDArray[np.uint8]:
    cls = np.full(a.shape, MaterialClass.ORGANIC, np.uint8)
    cls[z > CFG.organic_max_zeff] = MaterialClass.INORGANIC
    cls[z > CFG.inorganic_max_zeff] = MaterialClass.METAL
    cls[a < CFG.air_max_attenuation] = MaterialClass.AIR
    cls[a >= CFG.impenetrable_min_attenuation] = MaterialClass.IMPENETRABLE
    return cls


def make_image(a: NDArray[np.float32], z: NDArray[np.float32]) -> MaterialImage:
    a = a.astype(np.float32)
    z = z.astype(np.float32)
    z[a < CFG.air_max_attenuation] = 0.0
    return MaterialImage(
        a_high=a,
        a_low=(a * 1.4).astype(np.float32),
        zeff=z,
        material_class=classify(a, z),
        line_pitch_mm=1.0,
        pixel_pitch_mm=1.0,
    )


def scene() -> MaterialImage:
    """256 x 400 synthetic parcel: patches of each material, wedges and overlaps.

    Deterministic (fixed seed) so reference images are stable.
    """
    h, w = 256, 400
    a = np.zeros((h, w), np.float32)
    z = np.zeros((h, w), np.float32)
    # Cardboard box walls and a thin base so the parcel has an outline like a real one.
    a[20:245, 20:390] = 0.08
    z[20:245, 20:390] = 6.8
    for (l0, p0, l1, p1), (att, zeff) in REGIONS.values():
        a[l0:l1, p0:p1] = att
        z[l0:l1, p0:p1] = zeff
    # An attenuation wedge of organic material and one of metal (left to right denser).
    ramp = np.linspace(0.05, 6.9, 120, dtype=np.float32)
    a[236:244, 240:360] = ramp
    z[236:244, 240:360] = 7.0
    a[172:178, 240:360] = ramp
    z[172:178, 240:360] = 26.0
    # A Zeff sweep at constant attenuation shows the hue transitions.
    a[182:230, 240:320] = 1.6
    z[182:230, 240:320] = np.linspace(5.0, 30.0, 80, dtype=np.float32)
    # A key and a pen spring inside the clothes: small metal objects with edges.
    cv2.rectangle(a, (60, 60), (100, 70), 2.8, -1)
    z[60:71, 60:101] = 25.0
    rng = np.random.default_rng(7)
    # Detector noise only on the clothes patch: noise everywhere would make the
    # reference PNGs incompressible, and one patch is enough to see how modes treat it.
    noise = rng.normal(0.0, 0.01, (50, 80)).astype(np.float32)
    a[40:90, 40:120] += noise
    np.clip(a, 0.0, None, out=a)
    return make_image(a, z)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(CFG)


@pytest.fixture(scope="module")
def image() -> MaterialImage:
    return scene()


def region_mean(rgba: NDArray[np.uint8], name: str) -> NDArray[np.float64]:
    (l0, p0, l1, p1), _ = REGIONS[name]
    # Stay away from the region edges (edge enhancement rims, blur).
    patch = rgba[l0 + 6 : l1 - 6, p0 + 6 : p1 - 6, :3].astype(np.float64)
    mean: NDArray[np.float64] = patch.reshape(-1, 3).mean(axis=0)
    return mean


def saturation(rgb: NDArray[np.float64]) -> float:
    return float(rgb.max() - rgb.min())


# ------------------------------------------------------------------ colour convention


def test_colour_convention(renderer: Renderer, image: MaterialImage) -> None:
    rgba = renderer.render(image, DisplaySettings())
    r, g, b = region_mean(rgba, "organic")
    assert r > g > b, f"organic should be orange, got {(r, g, b)}"
    r, g, b = region_mean(rgba, "inorganic")
    assert g > r and g > b, f"inorganic should be green, got {(r, g, b)}"
    r, g, b = region_mean(rgba, "metal")
    assert b > r and b > g, f"metal should be blue, got {(r, g, b)}"
    assert np.all(region_mean(rgba, "impenetrable") == 0.0)
    assert np.all(region_mean(rgba, "air") == 255.0)
    assert np.all(rgba[..., 3] == 255)


def test_denser_is_darker(renderer: Renderer, image: MaterialImage) -> None:
    rgba = renderer.render(image)
    for thin, dense in (
        ("thin_organic", "organic"),
        ("organic", "dense_organic"),
        ("inorganic", "dense_inorganic"),
        ("metal", "dense_metal"),
    ):
        assert region_mean(rgba, dense).sum() < region_mean(rgba, thin).sum(), (thin, dense)
    # Along the organic wedge brightness never increases.
    wedge = rgba[240, 242:358, :3].astype(np.float64).sum(axis=1)
    assert np.all(np.diff(wedge) <= 12.0)
    assert wedge[0] > wedge[-1] + 400


def test_hue_blends_smoothly_with_zeff(renderer: Renderer, image: MaterialImage) -> None:
    rgba = renderer.render(image)
    sweep = rgba[205, 240:320, :3].astype(np.float64)
    steps = np.abs(np.diff(sweep, axis=0)).max()
    assert steps < 40, f"hue jumps by {steps} between neighbouring Zeff values"


def test_material_class_overrides_attenuation(renderer: Renderer) -> None:
    a = np.full((8, 8), 1.0, np.float32)
    z = np.full((8, 8), 7.0, np.float32)
    img = make_image(a, z)
    cls = img.material_class.copy()
    cls[:4] = MaterialClass.IMPENETRABLE
    cls[4:, :4] = MaterialClass.AIR
    forced = MaterialImage(img.a_high, img.a_low, img.zeff, cls, 1.0, 1.0)
    rgba = renderer.render(forced)
    assert np.all(rgba[:4, :, :3] == 0)
    assert np.all(rgba[4:, :4, :3] == 255)


# ----------------------------------------------------------------------------- modes


@pytest.mark.parametrize("mode", list(DisplayMode))
def test_every_mode_shape_dtype(
    renderer: Renderer, image: MaterialImage, mode: DisplayMode
) -> None:
    rgba = renderer.render(image, DisplaySettings(mode=mode))
    assert rgba.shape == (*image.shape, 4)
    assert rgba.dtype == np.uint8
    assert rgba.flags.c_contiguous
    assert np.all(rgba[..., 3] == 255)
    if mode is DisplayMode.LOCAL_CONTRAST:
        # CLAHE leaves flat patches nearly alone; it shows in textured ones.
        colour = renderer.render(image, DisplaySettings())
        patch = (slice(45, 85), slice(105, 118))  # noisy clothes, away from the key
        assert rgba[patch][..., 1].std() > 1.5 * colour[patch][..., 1].std()
    elif mode is not DisplayMode.COLOUR:
        colour = renderer.render(image, DisplaySettings())
        diff = np.abs(rgba.astype(np.int16) - colour.astype(np.int16))
        assert diff.mean() > 2.0, f"{mode} looks the same as COLOUR"


def test_grey_and_inverse(renderer: Renderer, image: MaterialImage) -> None:
    grey = renderer.render(image, DisplaySettings(mode=DisplayMode.GREY))
    assert np.array_equal(grey[..., 0], grey[..., 1])
    assert np.array_equal(grey[..., 0], grey[..., 2])
    inv = renderer.render(image, DisplaySettings(mode=DisplayMode.INVERSE))
    assert np.array_equal(inv[..., :3].astype(np.int16), 255 - grey[..., :3].astype(np.int16))
    # Same attenuation, different Zeff: grey ignores material.
    assert abs(region_mean(grey, "organic")[0] - region_mean(grey, "inorganic")[0]) < 15


def test_organic_stripping_suppresses_organics(renderer: Renderer, image: MaterialImage) -> None:
    colour = renderer.render(image)
    strip = renderer.render(image, DisplaySettings(mode=DisplayMode.ORGANIC_STRIPPING))
    for name in ("organic", "dense_organic"):
        before, after = region_mean(colour, name), region_mean(strip, name)
        assert after.sum() > before.sum() + 150, f"{name} not faded"
        assert saturation(after) < 0.35 * saturation(before)
    for name in ("inorganic", "metal", "dense_metal"):
        assert np.allclose(region_mean(strip, name), region_mean(colour, name), atol=2)


def test_inorganic_stripping_suppresses_inorganics(
    renderer: Renderer, image: MaterialImage
) -> None:
    colour = renderer.render(image)
    strip = renderer.render(image, DisplaySettings(mode=DisplayMode.INORGANIC_STRIPPING))
    for name in ("inorganic", "dense_inorganic", "metal", "dense_metal"):
        before, after = region_mean(colour, name), region_mean(strip, name)
        assert after.sum() > before.sum() + 150, f"{name} not faded"
    for name in ("organic", "dense_organic"):
        assert np.allclose(region_mean(strip, name), region_mean(colour, name), atol=2)
    assert np.all(region_mean(strip, "impenetrable") == 0.0)  # never hide what X-rays can't see


def test_penetration_windows(renderer: Renderer, image: MaterialImage) -> None:
    colour = renderer.render(image)
    high = renderer.render(image, DisplaySettings(mode=DisplayMode.HIGH_PENETRATION))
    low = renderer.render(image, DisplaySettings(mode=DisplayMode.LOW_PENETRATION))
    # High penetration: dense metal is brighter (we see into it), thin stuff washes out.
    assert region_mean(high, "dense_metal").sum() > region_mean(colour, "dense_metal").sum() + 60
    assert region_mean(high, "thin_organic").sum() > region_mean(colour, "thin_organic").sum() + 30
    # Low penetration: thin organics get darker / more contrast.
    assert region_mean(low, "thin_organic").sum() < region_mean(colour, "thin_organic").sum() - 60


def test_variable_density_follows_slider(renderer: Renderer, image: MaterialImage) -> None:
    sums = []
    for dens in (0.2, 0.75, 1.0):
        rgba = renderer.render(image, DisplaySettings(DisplayMode.VARIABLE_DENSITY, dens))
        sums.append(region_mean(rgba, "dense_inorganic").sum())
    # Moving the band up makes a fixed object go from dark (above band) to light (below).
    assert sums[0] < sums[1] < sums[2]
    assert sums[2] - sums[0] > 300


def test_density_is_brightness_offset(renderer: Renderer, image: MaterialImage) -> None:
    darker = renderer.render(image, DisplaySettings(density=0.8))
    neutral = renderer.render(image, DisplaySettings())
    assert region_mean(darker, "organic").sum() < region_mean(neutral, "organic").sum()


def test_edge_enhancement_sharpens_edges(renderer: Renderer, image: MaterialImage) -> None:
    colour = renderer.render(image).astype(np.float64)
    edge = renderer.render(image, DisplaySettings(mode=DisplayMode.EDGE_ENHANCEMENT))
    lap_c = np.abs(cv2.Laplacian(colour[..., 1], cv2.CV_64F)).sum()
    lap_e = np.abs(cv2.Laplacian(edge[..., 1].astype(np.float64), cv2.CV_64F)).sum()
    assert lap_e > 1.3 * lap_c
    # Flat interiors keep their colour.
    assert np.allclose(
        region_mean(edge, "organic"), region_mean(colour.astype(np.uint8), "organic"), atol=3
    )


def test_local_contrast_keeps_hue(renderer: Renderer, image: MaterialImage) -> None:
    lc = renderer.render(image, DisplaySettings(mode=DisplayMode.LOCAL_CONTRAST))
    r, g, b = region_mean(lc, "organic")
    assert r > g > b
    r, g, b = region_mean(lc, "metal")
    assert b > r and b > g
    assert np.all(region_mean(lc, "impenetrable") == 0.0)


def test_settings_defaults_and_validation() -> None:
    s = DisplaySettings()
    assert s.mode is DisplayMode.COLOUR and s.density == 0.5
    assert DisplaySettings(mode="grey").mode is DisplayMode.GREY  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="density"):
        DisplaySettings(density=1.5)


# --------------------------------------------------------------------- buffers, input


def test_out_buffer_reuse(renderer: Renderer, image: MaterialImage) -> None:
    out = np.zeros((*image.shape, 4), np.uint8)
    res = renderer.render(image, DisplaySettings(), out=out)
    assert res is out
    expected = renderer.render(image, DisplaySettings())
    assert np.array_equal(out, expected)
    renderer.render(image, DisplaySettings(mode=DisplayMode.GREY), out=out)
    assert not np.array_equal(out, expected)
    # Without out, each render returns a fresh array: the previous one is untouched.
    first = renderer.render(image)
    renderer.render(image, DisplaySettings(mode=DisplayMode.INVERSE))
    assert np.array_equal(first, expected)


def test_shape_change_reallocates(renderer: Renderer, image: MaterialImage) -> None:
    small = make_image(image.a_high[:50, :70].copy(), image.zeff[:50, :70].copy())
    assert renderer.render(small).shape == (50, 70, 4)
    assert renderer.render(image).shape == (*image.shape, 4)


def test_bad_out_rejected(renderer: Renderer, image: MaterialImage) -> None:
    with pytest.raises(ValueError, match="out"):
        renderer.render(image, out=np.zeros((*image.shape, 3), np.uint8))
    with pytest.raises(ValueError, match="out"):
        renderer.render(image, out=np.zeros((*image.shape, 4), np.float32))
    big = np.zeros((image.shape[0], image.shape[1] * 2, 4), np.uint8)
    with pytest.raises(ValueError, match="C-contiguous"):
        renderer.render(image, out=big[:, ::2])


def test_bad_input_rejected(renderer: Renderer, image: MaterialImage) -> None:
    bad_shape = MaterialImage(
        image.a_high, image.a_low, image.zeff[:-1], image.material_class, 1.0, 1.0
    )
    with pytest.raises(ValueError, match="zeff has shape"):
        renderer.render(bad_shape)
    bad_dtype = MaterialImage(
        image.a_high.astype(np.float64),
        image.a_low,
        image.zeff,
        image.material_class,
        1.0,
        1.0,
    )
    with pytest.raises(ValueError, match="a_high has dtype float64"):
        renderer.render(bad_dtype)
    bad_cls = MaterialImage(
        image.a_high,
        image.a_low,
        image.zeff,
        image.material_class.astype(np.int32),
        1.0,
        1.0,
    )
    with pytest.raises(ValueError, match="material_class"):
        renderer.render(bad_cls)
    empty = np.zeros((0, 5), np.float32)
    with pytest.raises(ValueError, match="non-empty"):
        renderer.render(MaterialImage(empty, empty, empty, empty.astype(np.uint8), 1.0, 1.0))


def test_non_contiguous_input_is_accepted(renderer: Renderer, image: MaterialImage) -> None:
    view = MaterialImage(
        image.a_high[:, ::2],
        image.a_low[:, ::2],
        image.zeff[:, ::2],
        image.material_class[:, ::2],
        1.0,
        2.0,
    )
    rgba = renderer.render(view)
    expected = renderer.render(image)[:, ::2]
    assert np.array_equal(rgba, expected)


def test_thumbnail() -> None:
    rgba = np.zeros((300, 600, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[..., 3] = 255
    small = thumbnail(rgba, 120)
    assert small.shape == (60, 120, 4) and small.dtype == np.uint8
    assert np.all(small[..., 0] == 200)
    assert thumbnail(rgba, 1000).shape == rgba.shape
    with pytest.raises(ValueError):
        thumbnail(rgba[..., :3], 100)


# ------------------------------------------------------------------ reference images


@pytest.mark.parametrize("mode", list(DisplayMode))
def test_reference_image(renderer: Renderer, image: MaterialImage, mode: DisplayMode) -> None:
    rgba = renderer.render(image, DisplaySettings(mode=mode))
    assert_image_approved(rgba, f"scene_{mode.value}")


def assert_image_approved(rgba: NDArray[np.uint8], name: str) -> None:
    """Compare with ``reference/<name>.png`` (pyqtgraph ``assertImageApproved`` style)."""
    path = REFERENCE_DIR / f"{name}.png"
    bgra = cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA)
    if os.environ.get(UPDATE_ENV) == "1":
        REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), bgra), f"could not write {path}"
        return
    if not path.is_file():
        pytest.fail(
            f"reference image {path} is missing. Render it with "
            f"{UPDATE_ENV}=1 .venv/bin/pytest {Path(__file__).name}, look at it, and commit it."
        )
    ref = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert ref is not None, f"could not read {path}"
    assert ref.shape == bgra.shape, f"{name}: shape {bgra.shape} != reference {ref.shape}"
    diff = np.abs(ref.astype(np.int16) - bgra.astype(np.int16)).max(axis=2)
    bad = float((diff > PIXEL_TOLERANCE).mean())
    if bad > BAD_PIXEL_FRACTION:
        failed = path.with_name(f"{name}.failed.png")
        cv2.imwrite(str(failed), bgra)
        pytest.fail(
            f"{name}: {bad:.2%} of pixels differ by more than {PIXEL_TOLERANCE} from {path} "
            f"(max diff {int(diff.max())}); the new render is in {failed}. If the change is "
            f"intended, rerun with {UPDATE_ENV}=1 and look at the new reference."
        )
