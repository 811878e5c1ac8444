"""Scene rendering, targets and ground-truth records of the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sim_test_plans import slab_item

from drivers.simulator.catalog import material
from drivers.simulator.groundtruth import (
    ParcelGroundTruth,
    is_valid_s10,
    read_ground_truth,
    s10_check_digit,
    s10_tracking_id,
    write_ground_truth,
)
from drivers.simulator.model import ParcelPlan, PlacedItem, Placement
from drivers.simulator.physics import XrayPhysics
from drivers.simulator.scene import mask_to_rle, render_plan, rle_to_mask
from drivers.simulator.targets import (
    AWG_DIAMETER_MM,
    Grid,
    build_target,
    iq_test_piece_plan,
    load_step_wedge_spec,
    step_wedge_spec_path,
)

HELD_OUT = {"water", "polyethylene", "glass", "copper"}


def _plan(*contents: PlacedItem, container: tuple[PlacedItem, ...] = ()) -> ParcelPlan:
    return ParcelPlan(200, 300, 50, container, contents, "easy", "")


def test_rotated_item_keeps_its_material_and_truth(physics: XrayPhysics) -> None:
    item = slab_item("aluminium", 40, 80, 5.0, threat=True, name="knife")
    placed = PlacedItem(item, Placement(100.0, 150.0, angle_deg=33.0, flip=True))
    wall = PlacedItem(slab_item("cardboard", 200, 300, 4.0, name="box"), Placement(99.5, 149.5))
    scene = render_plan(_plan(placed, container=(wall,)), physics.coefficients, 512)
    c_al = physics.coefficients("aluminium")
    c_card = physics.coefficients("cardboard")
    expected_low = (40 * 80 * 5.0) * c_al.low + (200 * 300 * 4.0) * c_card.low
    assert scene.t_low_mm.sum() == pytest.approx(expected_low, rel=0.01)
    assert scene.t_low_mm[:, :50].max() == 0.0  # the parcel starts at offset_px
    assert len(scene.truth) == 1  # the container has no truth
    truth = scene.truth[0]
    assert truth.is_threat_class and truth.class_name == "knife"
    assert truth.materials == ("aluminium",)
    line0, px0, line1, px1 = truth.box
    assert 50 + 150 - 70 < px0 < 200 < px1 < 50 + 150 + 70
    mask = rle_to_mask(truth.mask_rle, (line1 - line0, px1 - px0))
    assert mask.sum() == pytest.approx(40 * 80, rel=0.05)


def test_rle_round_trip() -> None:
    rng = np.random.default_rng(3)
    for first in (False, True):
        mask = rng.random((7, 9)) < 0.5
        mask[0, 0] = first
        runs = mask_to_rle(mask)
        assert runs[0] == (0 if first else runs[0])
        assert np.array_equal(rle_to_mask(runs, mask.shape), mask)


def test_item_outside_the_scene_has_no_truth(physics: XrayPhysics) -> None:
    placed = PlacedItem(slab_item("steel", 10, 10, 1.0), Placement(-100.0, 10.0))
    assert render_plan(_plan(placed), physics.coefficients, 512).truth == ()


def test_s10_ids() -> None:
    assert s10_check_digit("12345678") == 5
    assert s10_check_digit("00000000") == 5  # 11 - 0 = 11 → 5
    rng = np.random.default_rng(0)
    ids = {s10_tracking_id(rng) for _ in range(50)}
    assert len(ids) == 50 and all(is_valid_s10(i) for i in ids)
    assert not is_valid_s10("RR123456784GB")


def test_ground_truth_round_trip(tmp_path: Path, physics: XrayPhysics) -> None:
    placed = PlacedItem(slab_item("steel", 10, 20, 1.0, threat=True), Placement(50.0, 60.0, 10.0))
    scene = render_plan(_plan(placed), physics.coefficients, 512)
    record = ParcelGroundTruth("RR123456785GB", 1200, 200, 50, 300, "easy", scene.truth)
    path = write_ground_truth(tmp_path, record)
    assert path.name == "RR123456785GB.json"
    assert read_ground_truth(path) == record


def test_step_wedge_datasheet_is_consistent() -> None:
    spec = load_step_wedge_spec()
    raw = json.loads(step_wedge_spec_path().read_text("utf-8"))
    assert raw["name"] == spec.name
    names = [s.material for s in spec.strips]
    assert not HELD_OUT & set(names)
    assert {"pom", "aluminium", "iron"} <= set(names)
    for strip in spec.strips:
        assert strip.formula == material(strip.material).formula
        assert strip.density_g_cm3 == material(strip.material).density_g_cm3
        thicknesses = [s.thickness_mm for s in strip.steps]
        assert thicknesses == sorted(thicknesses) and len(thicknesses) >= 5
        assert 0 <= strip.across_start_mm < strip.across_end_mm <= spec.width_mm
        assert all(0 <= s.along_start_mm < s.along_end_mm <= spec.length_mm for s in strip.steps)


def test_step_wedge_target_is_built_from_the_datasheet() -> None:
    spec = load_step_wedge_spec()
    target = build_target("step_wedge", Grid(pixels=1024))
    plan = target.plan
    assert plan.contents == () and target.xray_on
    layers = {layer.material: layer.thickness_mm for layer in plan.container[0].item.layers}
    for strip in spec.strips:
        for step in strip.steps:
            line = int((step.along_start_mm + step.along_end_mm) / 2)
            px = int((strip.across_start_mm + strip.across_end_mm) / 2)
            assert layers[strip.material][line, px] == pytest.approx(step.thickness_mm)
    assert plan.length_lines == round(spec.length_mm)
    assert plan.offset_px == (1024 - round(spec.width_mm)) // 2


def test_iq_test_piece_wires_carry_their_cross_section() -> None:
    plan = iq_test_piece_plan(Grid(pixels=512, pitch_mm=1.0, line_pitch_mm=1.0))
    copper = next(
        layer.thickness_mm for layer in plan.container[0].item.layers if layer.material == "copper"
    )
    # AWG 40 wire across the belt in the wire display: 110 mm long at along = 122 mm.
    d_mm = AWG_DIAMETER_MM[40]
    along = 10 + 14 * 8
    section = copper[along - 2:along + 3, 50].sum()  # mm² per mm of wire = area
    assert section == pytest.approx(np.pi * d_mm**2 / 4, rel=1e-3)


def test_unknown_target_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown calibration target"):
        build_target("phantom", Grid(pixels=256))
