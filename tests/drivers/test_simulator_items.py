"""Item builders of the simulator: shapes, materials, physical sizes, variants."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.simulator.catalog import MATERIALS
from drivers.simulator.items import CLUTTER_BUILDERS, THREAT_BUILDERS, Builder
from drivers.simulator.items.containers import build_cardboard_box, build_postal_bag
from drivers.simulator.model import ItemModel

SEEDS = range(12)
ALL_BUILDERS: dict[str, Builder] = {**THREAT_BUILDERS, **CLUTTER_BUILDERS}

# longest footprint side in mm, per class: what such things measure in real life
SIZE_RANGES_MM: dict[str, tuple[float, float]] = {
    "handgun": (130.0, 260.0),
    "knife": (100.0, 400.0),
    "scissors": (110.0, 260.0),
    "ammunition": (15.0, 160.0),
    "lithium_battery": (40.0, 200.0),
    "laptop": (280.0, 410.0),
    "smartphone": (135.0, 170.0),
    "liquid_bottle": (150.0, 345.0),
    "cigarette_carton": (265.0, 295.0),
    "pill_bottle": (45.0, 115.0),
    "powder_packet": (40.0, 240.0),
}


def _extent_mm(item: ItemModel, pitch_mm: float) -> tuple[float, float]:
    """(short, long) side of the footprint's bounding box in mm."""
    fp = item.footprint()
    rows = np.flatnonzero(fp.any(axis=1))
    cols = np.flatnonzero(fp.any(axis=0))
    h = (rows[-1] - rows[0] + 1) * pitch_mm
    w = (cols[-1] - cols[0] + 1) * pitch_mm
    return float(min(h, w)), float(max(h, w))


def test_threat_classes_are_the_detector_classes() -> None:
    assert set(THREAT_BUILDERS) == {
        "handgun", "knife", "scissors", "ammunition", "lithium_battery", "laptop",
        "smartphone", "liquid_bottle", "cigarette_carton", "pill_bottle", "powder_packet",
    }
    assert not set(THREAT_BUILDERS) & set(CLUTTER_BUILDERS)


@pytest.mark.parametrize("name", sorted(ALL_BUILDERS))
def test_builder_output_is_well_formed(name: str) -> None:
    build = ALL_BUILDERS[name]
    variants = set()
    for seed in SEEDS:
        item = build(np.random.default_rng(seed), 1.0)
        assert item.class_name == name
        assert item.is_threat_class == (name in THREAT_BUILDERS)
        assert item.layers
        shape = item.layers[0].thickness_mm.shape
        materials = [layer.material for layer in item.layers]
        assert len(set(materials)) == len(materials)  # one layer per material
        for layer in item.layers:
            t = layer.thickness_mm
            assert layer.material in MATERIALS
            assert t.dtype == np.float32 and t.shape == shape and t.ndim == 2
            assert np.isfinite(t).all() and (t >= 0).all()
            assert t.max() > 0
            # nothing in a parcel is thicker along the beam than ~40 cm
            assert t.max() < 400.0
        assert item.footprint().any()
        variants.add(item.variant)
    # one class of everyday goods (umbrella) has one form; the rest vary
    if name != "umbrella":
        assert len(variants) >= 2, variants


@pytest.mark.parametrize("name", sorted(SIZE_RANGES_MM))
def test_threat_sizes_are_realistic(name: str) -> None:
    lo, hi = SIZE_RANGES_MM[name]
    for seed in SEEDS:
        short, long = _extent_mm(THREAT_BUILDERS[name](np.random.default_rng(seed), 1.0), 1.0)
        assert lo <= long <= hi, (name, seed, long)
        assert short <= long


def test_18650_cell_is_65_by_18_mm() -> None:
    seen = 0
    for seed in range(60):
        item = THREAT_BUILDERS["lithium_battery"](np.random.default_rng(seed), 1.0)
        if item.variant != "cell_18650":
            continue
        seen += 1
        short, long = _extent_mm(item, 1.0)
        assert 63.0 <= long <= 68.0 and 16.0 <= short <= 21.0, (short, long)
        materials = {layer.material for layer in item.layers}
        assert {"nickel", "copper", "aluminium", "graphite", "lco", "li_electrolyte"} <= materials
    assert seen >= 3


def test_expected_variants_appear() -> None:
    def variants(name: str, n: int = 40) -> set[str]:
        return {THREAT_BUILDERS[name](np.random.default_rng(s), 1.0).variant for s in range(n)}

    gun = variants("handgun")
    assert any(v.startswith("pistol") for v in gun) and any(v.startswith("revolver") for v in gun)
    assert {"kitchen", "combat"} <= variants("knife")
    assert any(v.startswith("folding") for v in variants("knife"))
    ammo = variants("ammunition", 60)
    assert {v.split("_")[-1] for v in ammo} >= {"9mm", ".22lr", "5.56"}
    assert any(v.startswith("loose") for v in ammo) and any(v.startswith("boxed") for v in ammo)
    bat = variants("lithium_battery")
    assert any(v.startswith("power_bank") for v in bat) and "pouch" in bat
    bottles = variants("liquid_bottle")
    assert any("glass" in v for v in bottles) and any("pet" in v for v in bottles)
    assert any("spirits" in v for v in bottles) and any("water" in v for v in bottles)


def test_threat_materials_match_the_object() -> None:
    rng = np.random.default_rng(3)
    checks = {
        "handgun": {"steel"},
        "ammunition": {"brass", "lead", "smokeless_powder"},
        "cigarette_carton": {"tobacco", "cardboard", "aluminium"},
        "pill_bottle": {"pill_mass"},
        "smartphone": {"glass", "aluminium", "lco", "fr4"},
        "laptop": {"fr4", "copper", "lco", "glass"},
    }
    for name, must in checks.items():
        materials = {layer.material for layer in THREAT_BUILDERS[name](rng, 1.0).layers}
        assert must <= materials, (name, materials)
    packet = {layer.material for layer in THREAT_BUILDERS["powder_packet"](rng, 1.0).layers}
    assert packet & {"cocaine_hcl", "heroin"}


def test_same_rng_state_gives_the_same_item() -> None:
    for name, build in ALL_BUILDERS.items():
        a = build(np.random.default_rng(7), 1.0)
        b = build(np.random.default_rng(7), 1.0)
        assert a.variant == b.variant, name
        for la, lb in zip(a.layers, b.layers, strict=True):
            assert la.material == lb.material
            np.testing.assert_array_equal(la.thickness_mm, lb.thickness_mm)


@pytest.mark.parametrize("name", ["handgun", "lithium_battery", "knife", "cables"])
def test_pitch_changes_sampling_not_the_object(name: str) -> None:
    """Volume per material (Σ thickness × pitch²) and size stay put across pitches."""
    build = ALL_BUILDERS[name]

    def volumes(pitch: float) -> tuple[dict[str, float], float]:
        item = build(np.random.default_rng(11), pitch)
        vol = {layer.material: float(layer.thickness_mm.sum()) * pitch**2 for layer in item.layers}
        return vol, _extent_mm(item, pitch)[1]

    fine, fine_len = volumes(0.5)
    coarse, coarse_len = volumes(1.6)
    assert abs(fine_len - coarse_len) <= 4.0
    total = sum(fine.values())
    for material, v in fine.items():
        if v > 0.02 * total:  # compare the parts that matter for the image
            assert coarse.get(material, 0.0) == pytest.approx(v, rel=0.15), material


def test_containers_cover_the_parcel_footprint() -> None:
    rng = np.random.default_rng(0)
    box = build_cardboard_box(rng, 1.0, length_mm=400.0, width_mm=300.0, height_mm=200.0)
    bag = build_postal_bag(rng, 1.0, length_mm=350.0, width_mm=250.0)
    assert box.shape == (400, 300) and bag.shape == (350, 250)
    assert not box.is_threat_class and not bag.is_threat_class
    t = box.layers[0].thickness_mm
    # side walls seen edge-on are far thicker along the beam than top + bottom
    assert t[200, 1] > 20 * t[200, 150]
    assert bag.footprint().all()


def test_items_build_fast() -> None:
    import time

    rng = np.random.default_rng(5)
    times = []
    for build in ALL_BUILDERS.values():
        t0 = time.perf_counter()
        for _ in range(3):
            build(rng, 1.0)
        times.append((time.perf_counter() - t0) / 3)
    # generous for a loaded CI machine; typical is 1–3 ms, laptops ~9 ms
    assert float(np.mean(times)) < 0.02
