"""Random parcel plans: sizes, placements inside the parcel, difficulty, S10 ids."""

from __future__ import annotations

import re

import numpy as np
import pytest

from drivers.simulator.model import ParcelPlan
from drivers.simulator.parcels import (
    DIFFICULTIES,
    generate_parcel,
    placement_matrix,
    rasterise_footprint,
    s10_check_digit,
)

PIXELS, PITCH_MM = 768, 1.0


def _plans(difficulty: str | None, n: int, seed0: int = 0) -> list[ParcelPlan]:
    return [generate_parcel(np.random.default_rng(seed0 + s), pixels=PIXELS, pitch_mm=PITCH_MM,
                            difficulty=difficulty) for s in range(n)]


@pytest.fixture(scope="module")
def plans_by_difficulty() -> dict[str, list[ParcelPlan]]:
    return {d: _plans(d, 24, 1000) for d in DIFFICULTIES}


def test_parcel_size_and_position(plans_by_difficulty: dict[str, list[ParcelPlan]]) -> None:
    for plans in plans_by_difficulty.values():
        for plan in plans:
            assert 200 <= plan.length_lines * PITCH_MM <= 1000
            assert plan.width_px * PITCH_MM >= 150
            assert plan.offset_px >= 20 and plan.offset_px + plan.width_px <= PIXELS - 20
            (box,) = plan.container
            assert box.item.shape == (plan.length_lines, plan.width_px)
            assert box.item.class_name in {"cardboard_box", "postal_bag"}
            assert not box.item.is_threat_class


def test_every_item_lies_inside_the_parcel(plans_by_difficulty: dict[str, list[ParcelPlan]]
                                           ) -> None:
    for plans in plans_by_difficulty.values():
        for plan in plans:
            assert plan.contents
            for placed in plan.contents:
                h, w = placed.item.shape
                corners = np.array([[-0.5, w - 0.5, -0.5, w - 0.5],
                                    [-0.5, -0.5, h - 0.5, h - 0.5], [1, 1, 1, 1]])
                xy = placement_matrix(placed.item.shape, placed.placement) @ corners
                assert xy[0].min() >= -0.5 - 1e-6 and xy[0].max() <= plan.width_px - 0.5 + 1e-6
                assert xy[1].min() >= -0.5 - 1e-6
                assert xy[1].max() <= plan.length_lines - 0.5 + 1e-6


def test_placements_are_rotated_and_flipped(plans_by_difficulty: dict[str, list[ParcelPlan]]
                                            ) -> None:
    placements = [p.placement for plans in plans_by_difficulty.values() for plan in plans
                  for p in plan.contents]
    angles = np.array([p.angle_deg for p in placements])
    assert angles.min() >= 0.0 and angles.max() < 360.0
    assert np.histogram(angles, bins=4, range=(0, 360))[0].min() > 0.1 * len(angles)
    assert 0.25 < np.mean([p.flip for p in placements]) < 0.75


def _threat_cover(plan: ParcelPlan) -> float | None:
    """Fraction of threat pixels that also lie under clutter (None: no threat)."""
    shape = (plan.length_lines, plan.width_px)
    threat = np.zeros(shape, bool)
    clutter = np.zeros(shape, bool)
    for placed in plan.contents:
        mask = rasterise_footprint(placed, *shape)
        if placed.item.is_threat_class:
            threat |= mask
        else:
            clutter |= mask
    if not threat.any():
        return None
    return float((threat & clutter).sum() / threat.sum())


def test_difficulty_steers_how_hidden_threats_are(
    plans_by_difficulty: dict[str, list[ParcelPlan]],
) -> None:
    cover = {}
    counts = {}
    for d, plans in plans_by_difficulty.items():
        values = [c for c in map(_threat_cover, plans) if c is not None]
        assert len(values) >= 6, d
        cover[d] = float(np.mean(values))
        counts[d] = float(np.mean([sum(not p.item.is_threat_class for p in plan.contents)
                                   for plan in plans]))
        assert all(plan.difficulty == d for plan in plans)
    assert cover["hidden"] > cover["easy"] + 0.3, cover
    assert cover["hard"] > cover["easy"] + 0.2, cover
    assert counts["hard"] > 2 * counts["easy"], counts


def test_threat_counts_and_clutter_only_parcels() -> None:
    plans = _plans(None, 60, 5000)
    n_threats = [sum(p.item.is_threat_class for p in plan.contents) for plan in plans]
    clutter_only = np.mean([n == 0 for n in n_threats])
    assert 0.2 < clutter_only < 0.65
    assert max(n_threats) <= 6  # hidden parcels may add a laptop as a host
    assert {plan.difficulty for plan in plans} == set(DIFFICULTIES)


def _s10_valid(tracking_id: str) -> bool:
    m = re.fullmatch(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})", tracking_id)
    if m is None:
        return False
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    c = 11 - sum(int(d) * w for d, w in zip(m.group(2), weights, strict=True)) % 11
    return int(m.group(3)) == {10: 0, 11: 5}.get(c, c)


def test_tracking_ids_are_valid_s10(plans_by_difficulty: dict[str, list[ParcelPlan]]) -> None:
    ids = [plan.tracking_id for plans in plans_by_difficulty.values() for plan in plans]
    assert all(_s10_valid(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    # the UPU's own example RR 47312482 9 GB, and the 10 → 0 / 11 → 5 special cases
    assert s10_check_digit("47312482") == 9
    assert s10_check_digit("00000008") == 0  # 56 mod 11 = 1 → c = 10 → 0
    assert s10_check_digit("00000000") == 5  # c = 11 → 5
    with pytest.raises(ValueError):
        s10_check_digit("1234")


def test_same_rng_state_gives_the_same_plan() -> None:
    a = generate_parcel(np.random.default_rng(42), pixels=PIXELS, pitch_mm=PITCH_MM)
    b = generate_parcel(np.random.default_rng(42), pixels=PIXELS, pitch_mm=PITCH_MM)
    assert (a.length_lines, a.width_px, a.offset_px, a.difficulty, a.tracking_id) == (
        b.length_lines, b.width_px, b.offset_px, b.difficulty, b.tracking_id)
    for pa, pb in zip((*a.container, *a.contents), (*b.container, *b.contents), strict=True):
        assert pa.placement == pb.placement
        assert pa.item.class_name == pb.item.class_name and pa.item.variant == pb.item.variant
        for la, lb in zip(pa.item.layers, pb.item.layers, strict=True):
            np.testing.assert_array_equal(la.thickness_mm, lb.thickness_mm)


def test_other_detectors_and_bad_input() -> None:
    narrow = generate_parcel(np.random.default_rng(1), pixels=400, pitch_mm=0.8)
    assert narrow.offset_px + narrow.width_px <= 400
    with pytest.raises(ValueError):
        generate_parcel(np.random.default_rng(1), pixels=PIXELS, pitch_mm=1.0, difficulty="x")
    with pytest.raises(ValueError):
        generate_parcel(np.random.default_rng(1), pixels=100, pitch_mm=1.0)


def test_plans_build_fast() -> None:
    import time

    rng = np.random.default_rng(9)
    t0 = time.perf_counter()
    for _ in range(10):
        generate_parcel(rng, pixels=PIXELS, pitch_mm=PITCH_MM)
    assert (time.perf_counter() - t0) / 10 < 0.15  # typically ~16 ms
