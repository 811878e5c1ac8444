"""Rule alarms on synthetic material images (1 mm square pixels unless stated)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from station_app.config import AlarmConfig, MaterialsConfig
from station_app.detection.alarms import BATTERY, DENSE, ORGANIC, AlarmRules
from station_app.domain import Alarm, BoxPx, MaterialClass, MaterialImage

MAT = MaterialsConfig()
H, W = 320, 400


class Scene:
    """A parcel of cardboard (thin organic) on air, with noise, to draw items into."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.a = np.zeros((H, W), np.float32)
        self.z = np.zeros((H, W), np.float32)
        self.a[10:-10, 10:-10] = 0.08
        self.z[10:-10, 10:-10] = 6.8

    def box(self, l0: int, p0: int, l1: int, p1: int, a: float, z: float) -> None:
        self.a[l0:l1, p0:p1] = a
        self.z[l0:l1, p0:p1] = z

    def shape(self, mask: NDArray[np.bool_], a: float, z: float) -> None:
        self.a[mask] = a
        self.z[mask] = z

    def image(self, line_pitch_mm: float = 1.0, pixel_pitch_mm: float = 1.0) -> MaterialImage:
        a = self.a + self.rng.normal(0, 0.02, self.a.shape).astype(np.float32) * (self.a > 0)
        z = self.z + self.rng.normal(0, 0.15, self.z.shape).astype(np.float32) * (self.z > 0)
        a = np.clip(a, 0, None).astype(np.float32)
        cls = np.full(a.shape, MaterialClass.ORGANIC, np.uint8)
        cls[z > MAT.organic_max_zeff] = MaterialClass.INORGANIC
        cls[z > MAT.inorganic_max_zeff] = MaterialClass.METAL
        cls[a < MAT.air_max_attenuation] = MaterialClass.AIR
        cls[a >= MAT.impenetrable_min_attenuation] = MaterialClass.IMPENETRABLE
        z = z.astype(np.float32)
        z[cls == MaterialClass.AIR] = 0
        return MaterialImage(a, (a * 1.4).astype(np.float32), z, cls, line_pitch_mm, pixel_pitch_mm)


def rotated_rect(
    cx: float, cy: float, long_px: float, short_px: float, deg: float
) -> NDArray[np.bool_]:
    m = np.zeros((H, W), np.uint8)
    pts = cv2.boxPoints(((cx, cy), (long_px, short_px), deg)).astype(np.int32)
    cv2.fillConvexPoly(m, pts, 1)
    return m.astype(bool)


@pytest.fixture(scope="module")
def rules() -> AlarmRules:
    return AlarmRules(AlarmConfig(), MAT)


def of_kind(alarms: tuple[Alarm, ...], kind: str) -> list[Alarm]:
    return [al for al in alarms if al.kind == kind]


def assert_box(box: BoxPx, expected: tuple[int, int, int, int], tol: int = 3) -> None:
    got = (box.line0, box.px0, box.line1, box.px1)
    assert all(abs(g - e) <= tol for g, e in zip(got, expected, strict=True)), (got, expected)


# --------------------------------------------------------------------------- dense


def test_dense_object_fires_with_box_and_sentence(rules: AlarmRules) -> None:
    s = Scene()
    s.box(100, 50, 184, 90, 9.0, 26.0)  # 84 mm along the belt x 40 mm across
    alarms = of_kind(rules.evaluate(s.image()), DENSE)
    assert len(alarms) == 1
    al = alarms[0]
    assert_box(al.box, (100, 50, 184, 90))
    assert al.area_mm2 == pytest.approx(84 * 40, rel=0.05)
    assert al.explanation == "Dense object 84 × 40 mm: X-rays cannot see through it"
    assert 0.5 <= al.score <= 1.0
    assert al.details["length_mm"] == pytest.approx(84, abs=2)


def test_dense_object_uses_pitch(rules: AlarmRules) -> None:
    s = Scene()
    s.box(100, 50, 184, 90, 9.0, 26.0)
    al = of_kind(rules.evaluate(s.image(line_pitch_mm=0.5, pixel_pitch_mm=2.0)), DENSE)[0]
    assert al.area_mm2 == pytest.approx(84 * 40, rel=0.05)
    assert al.explanation.startswith("Dense object 42 × 80 mm")


def test_dense_ignores_small_items_and_speckle(rules: AlarmRules) -> None:
    s = Scene()
    s.box(100, 50, 125, 75, 9.0, 26.0)  # 625 mm² < 1200
    speckle = s.rng.random((H, W)) < 0.02
    s.shape(speckle & (s.a > 0), 9.0, 26.0)
    assert of_kind(rules.evaluate(s.image()), DENSE) == []


# ------------------------------------------------------------------------- organic


@pytest.mark.parametrize(("zeff", "drug"), [(6.5, "heroin base"), (8.8, "cocaine HCl")])
def test_organic_brick_fires(rules: AlarmRules, zeff: float, drug: str) -> None:
    s = Scene()
    s.box(60, 100, 220, 210, 0.6, zeff)  # 160 x 110 mm brick of powder (as measured)
    alarms = of_kind(rules.evaluate(s.image()), ORGANIC)
    assert len(alarms) == 1, drug
    # The evenness window (10 mm) cannot judge the brick's outer ~5 mm: the box is inset.
    assert_box(alarms[0].box, (60, 100, 220, 210), tol=6)
    assert alarms[0].area_mm2 == pytest.approx(160 * 110, rel=0.15)
    assert "organic mass" in alarms[0].explanation
    assert alarms[0].details["zeff_median"] == pytest.approx(zeff, abs=0.2)
    assert alarms[0].details["short_mm"] == pytest.approx(110, abs=10)


def test_organic_ignores_paper_food_and_strips(rules: AlarmRules) -> None:
    s = Scene()
    s.box(20, 20, 200, 150, 0.6, 6.85)  # a book: cellulose, even and rectangular
    s.box(20, 170, 150, 280, 0.8, 7.1)  # rice / sugar: in the excluded band
    s.box(170, 170, 210, 380, 0.6, 6.5)  # 210 x 40 mm strip of heroin-like Zeff (a sole)
    s.box(230, 20, 300, 150, 0.6, 8.8)  # 70 x 130 mm: fine ...
    s.a[230:300:6, 20:150] += 0.4  # ... but ribbed (uneven thickness)
    assert of_kind(rules.evaluate(s.image()), ORGANIC) == []


def test_organic_ignores_thin_small_uneven_and_inorganic(rules: AlarmRules) -> None:
    s = Scene()
    s.box(30, 30, 200, 200, 0.2, 7.0)  # a large layer of clothes: too thin
    s.box(220, 30, 250, 60, 0.6, 6.5)  # 900 mm² packet: too small
    s.box(220, 250, 300, 330, 1.2, 13.0)  # salt/glass brick: inorganic
    # Folded clothes thick enough but uneven (folds): a_high swings 0.4 .. 2.2.
    yy, xx = np.mgrid[0:H, 0:W]
    folds = (1.3 + 0.9 * np.sin(xx / 3.0) * np.sin(yy / 4.0)).astype(np.float32)
    region = np.zeros((H, W), bool)
    region[40:180, 240:380] = True
    s.a[region] = folds[region]
    s.z[region] = 7.0
    assert of_kind(rules.evaluate(s.image()), ORGANIC) == []


# ------------------------------------------------------------------------- battery


@pytest.mark.parametrize("angle", [0.0, 30.0, 90.0])
def test_cylindrical_cell_fires(rules: AlarmRules, angle: float) -> None:
    s = Scene()
    mask = rotated_rect(200, 150, 65, 18, angle)
    s.shape(mask, 1.8, 22.0)  # 18650: ~0.1 A_high per mm of diameter
    alarms = of_kind(rules.evaluate(s.image()), BATTERY)
    assert len(alarms) == 1, alarms
    al = alarms[0]
    ys, xs = np.nonzero(mask)
    assert_box(al.box, (ys.min(), xs.min(), ys.max() + 1, xs.max() + 1))
    assert "Cylindrical lithium cell" in al.explanation
    assert al.details["long_mm"] == pytest.approx(65, abs=3)
    assert al.details["short_mm"] == pytest.approx(18, abs=3)


def test_power_bank_fires_as_pack(rules: AlarmRules) -> None:
    s = Scene()
    s.box(100, 100, 165, 154, 1.9, 22.0)  # three 18650s side by side
    alarms = of_kind(rules.evaluate(s.image()), BATTERY)
    assert len(alarms) == 1
    assert "3 cylindrical cells" in alarms[0].explanation
    assert alarms[0].details["cells"] == 3


def test_pouch_cell_fires(rules: AlarmRules) -> None:
    s = Scene()
    s.box(100, 100, 170, 145, 0.7, 21.0)  # phone battery 70 x 45 mm, flat
    alarms = of_kind(rules.evaluate(s.image()), BATTERY)
    assert len(alarms) == 1
    assert "Flat lithium cell" in alarms[0].explanation


def test_battery_ignores_steel_bar_coins_and_noise(rules: AlarmRules) -> None:
    s = Scene()
    s.box(40, 40, 105, 58, 4.8, 26.0)  # steel rod 65 x 18 mm: far too dense per mm
    yy, xx = np.mgrid[0:H, 0:W]
    for cx in (150, 200, 250):  # coins
        s.shape((yy - 200) ** 2 + (xx - cx) ** 2 <= 12.5**2, 1.2, 27.0)
    s.box(250, 40, 262, 160, 1.5, 26.0)  # long thin steel strip 120 x 12 mm
    speckle = (s.rng.random((H, W)) < 0.03) & (s.a > 0)
    s.shape(speckle, 1.5, 24.0)
    assert of_kind(rules.evaluate(s.image()), BATTERY) == []


# ------------------------------------------------------------------------- general


def test_empty_parcel_has_no_alarms(rules: AlarmRules) -> None:
    assert rules.evaluate(Scene().image()) == ()


def test_alarms_sorted_by_score(rules: AlarmRules) -> None:
    s = Scene()
    s.box(20, 20, 60, 60, 9.0, 26.0)
    s.box(100, 50, 250, 150, 9.0, 26.0)
    s.box(60, 200, 170, 280, 0.6, 6.5)  # heroin-like brick
    alarms = rules.evaluate(s.image())
    assert len(alarms) == 3
    assert [al.score for al in alarms] == sorted((al.score for al in alarms), reverse=True)


def test_bad_input(rules: AlarmRules) -> None:
    img = Scene().image()
    with pytest.raises(ValueError, match="zeff has shape"):
        rules.evaluate(MaterialImage(img.a_high, img.a_low, img.zeff[1:], img.material_class, 1, 1))
    with pytest.raises(ValueError, match="a_high has dtype float64"):
        rules.evaluate(
            MaterialImage(
                img.a_high.astype(np.float64),
                img.a_low,
                img.zeff,
                img.material_class,
                1,
                1,
            )
        )
    with pytest.raises(ValueError, match="pitch"):
        rules.evaluate(MaterialImage(img.a_high, img.a_low, img.zeff, img.material_class, 0, 1))
