"""Quality of the rule alarms on simulated parcels with ground truth.

One simulated scanner is calibrated the way a technician does it (dark, air,
step wedge: ``station_calibration.run_calibration``), then ``n`` random parcels
are rendered from fixed seeds, turned into ``MaterialImage`` s by the station's
own calibration and materials code, and every rule alarm is matched against
the simulator's ground truth. The station never reads ground truth; only this
evaluation does.

What counts as what (see docs/alarm-rules.md):

* ``organic_mass`` targets ``powder_packet`` items (cocaine / heroin bricks,
  pouches, pellets). An alarm on another threat-class item (liquid bottle,
  pill bottle, cigarette carton …) is counted apart ("other threat"), not as a
  false alarm and not as a hit.
* ``lithium_battery`` targets ``lithium_battery`` items (loose cells, packs,
  power banks, pouch cells). Laptops and smartphones contain cells: an alarm on
  them is an *expected* fire (reported as a rate, neither required nor false).
* ``dense_object`` targets what X-rays truly cannot see through: regions of the
  noise-free scene whose high-energy attenuation is above the station's
  impenetrable limit (``dense_min_area_mm2`` or larger). An alarm is correct
  when at least half of its pixels are truly impenetrable.

An alarm matches an item when most of the alarm box lies in the item box
(≥ 50 %) or the two boxes overlap with IoU ≥ 0.3. Everything else is a false
alarm. ``run(n)`` returns flat figures (rates in 0..1, alarms per parcel).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from drivers.simulator import SimulatedScanner
from drivers.simulator.model import ItemTruth, ParcelPlan
from drivers.simulator.parcels import generate_parcel
from drivers.simulator.scanner import PlanFactory
from drivers.simulator.scene import render_plan
from station_app.config import AlarmConfig, StationConfig
from station_app.detection.alarms import BATTERY, DENSE, ORGANIC, AlarmRules
from station_app.domain import Alarm, MaterialImage, RawScan
from station_app.imaging.calibration import Calibrator
from station_app.imaging.materials import MaterialAnalyzer, impenetrable_threshold
from station_app.station_calibration import run_calibration

PIXELS = 640
SCANNER_SEED = 3
DIFFICULTIES = ("easy", "hard", "hidden")
TARGETS: dict[str, tuple[str, ...]] = {ORGANIC: ("powder_packet",), BATTERY: ("lithium_battery",)}
EXPECTED: dict[str, tuple[str, ...]] = {ORGANIC: (), BATTERY: ("laptop", "smartphone")}
MATCH_IN_ITEM = 0.5
MATCH_IOU = 0.3
DENSE_TRUE_FRACTION = 0.5
_MAX_REDRAWS = 500


@dataclass(frozen=True)
class EvalParcel:
    """One rendered parcel as the station sees it, plus what is really in it."""

    seed: int
    difficulty: str
    image: MaterialImage
    items: tuple[ItemTruth, ...]
    truly_impenetrable: NDArray[np.bool_]  # noise-free A_high above the impenetrable limit

    @property
    def clutter_only(self) -> bool:
        return not any(item.is_threat_class for item in self.items)


@dataclass(frozen=True)
class ParcelSet:
    """Which parcels to image: ``seeds`` of the default generator, or parcels of one
    ``difficulty`` that each hold at least one item of class ``holding``."""

    seeds: Sequence[int]
    holding: str | None = None
    difficulty: str | None = None


def _holding(cls: str, difficulty: str | None) -> PlanFactory:
    """Parcels of the default generator, redrawn until one holds an item of ``cls``."""

    def factory(
        rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None
    ) -> ParcelPlan:
        for _ in range(_MAX_REDRAWS):
            plan = generate_parcel(rng, pixels=pixels, pitch_mm=pitch_mm, difficulty=wanted)
            if any(p.item.class_name == cls for p in plan.contents):
                return plan
        raise RuntimeError(f"no parcel with a {cls} in {_MAX_REDRAWS} draws")

    wanted = difficulty
    return factory


def enriched_sets(per_difficulty: int, first_seed: int = 0) -> list[ParcelSet]:
    """``per_difficulty`` parcels per difficulty holding a powder packet, and as many
    holding a lithium battery: enough targets to measure hit rates."""
    seeds = range(first_seed, first_seed + per_difficulty)
    return [
        ParcelSet(seeds, holding=cls, difficulty=d)
        for cls in ("powder_packet", "lithium_battery")
        for d in DIFFICULTIES
    ]


def render_parcels(
    sets: Iterable[ParcelSet], *, pixels: int = PIXELS, scanner_seed: int = SCANNER_SEED
) -> list[EvalParcel]:
    """Calibrate one simulated scanner once, then image every parcel of every set."""
    config = StationConfig()
    scanner = SimulatedScanner(seed=scanner_seed, pixels=pixels, parcels=0)
    scanner.open()
    try:
        detector, model, _ = run_calibration(config, scanner)
    finally:
        scanner.close()
    calibrator = Calibrator(detector)
    analyzer = MaterialAnalyzer(calibrator, model, config.materials)
    limit = impenetrable_threshold(calibrator, config.materials)
    physics = scanner.physics
    out: list[EvalParcel] = []
    for parcel_set in sets:
        # Same seed, serial and physics: the same detector, so the calibration holds.
        if parcel_set.holding is None:
            source = scanner
        else:
            source = SimulatedScanner(
                seed=scanner_seed + 1000,
                pixels=pixels,
                parcels=0,
                physics=physics,
                plan_factory=_holding(parcel_set.holding, parcel_set.difficulty),
            )
        out += [_image(source, seed, analyzer, limit, pixels) for seed in parcel_set.seeds]
    return out


def _image(
    scanner: SimulatedScanner, seed: int, analyzer: MaterialAnalyzer, limit: float, pixels: int
) -> EvalParcel:
    physics, info = scanner.physics, scanner.info
    rendered = scanner.render_parcel(seed)
    raw = RawScan(
        f"EVAL{seed}",
        info.serial,
        0,
        rendered.high_counts,
        rendered.low_counts,
        0,
        0,
        info.line_pitch_mm,
        info.pitch_mm,
    )
    # Ground truth for dense_object: the noise-free scene's high-energy attenuation.
    scene = render_plan(rendered.plan, physics.coefficients, pixels)
    high_t, _ = physics.lut.transmission(scene.t_low_mm, scene.t_high_mm)
    a_true = -np.log(np.maximum(np.asarray(high_t, np.float64), 1e-12))
    return EvalParcel(
        seed=seed,
        difficulty=rendered.plan.difficulty,
        image=analyzer.process(raw),
        items=tuple(rendered.truth),
        truly_impenetrable=a_true >= limit,
    )


# ------------------------------------------------------------------ matching


def _box_area(b: tuple[int, int, int, int]) -> int:
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def _inter(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return _box_area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def matches(alarm: Alarm, item: ItemTruth) -> bool:
    """The alarm points at the item: mostly inside its box, or overlapping it well."""
    a = (alarm.box.line0, alarm.box.px0, alarm.box.line1, alarm.box.px1)
    inter = _inter(a, item.box)
    area_a, area_i = _box_area(a), _box_area(item.box)
    if area_a == 0:
        return False
    return inter / area_a >= MATCH_IN_ITEM or inter / max(area_a + area_i - inter, 1) >= MATCH_IOU


@dataclass
class _Tally:
    hits: int = 0
    targets: int = 0
    false: int = 0
    false_clutter_only: int = 0
    expected_fired: int = 0
    expected: int = 0
    other_threat: int = 0


def _dense_regions(p: EvalParcel, min_px: float) -> list[NDArray[np.bool_]]:
    mask = p.truly_impenetrable.astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [labels == i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_px]


def evaluate(
    parcels: Sequence[EvalParcel], rules: AlarmRules, cfg: AlarmConfig
) -> dict[str, float]:
    """Hit rates, expected-fire rates and false alarms per parcel, overall and per difficulty."""
    groups = ("all", *DIFFICULTIES)
    tallies = {(kind, g): _Tally() for kind in (ORGANIC, BATTERY, DENSE) for g in groups}
    parcels_in = dict.fromkeys(groups, 0)
    clutter_only_in = dict.fromkeys(groups, 0)
    for p in parcels:
        alarms = rules.evaluate(p.image)
        px_mm2 = p.image.line_pitch_mm * p.image.pixel_pitch_mm
        for g in ("all", p.difficulty):
            parcels_in[g] += 1
            clutter_only_in[g] += int(p.clutter_only)
        for kind in (ORGANIC, BATTERY):
            of_kind = [al for al in alarms if al.kind == kind]
            for g in ("all", p.difficulty):
                t = tallies[(kind, g)]
                for item in p.items:
                    hit = any(matches(al, item) for al in of_kind)
                    if item.class_name in TARGETS[kind]:
                        t.targets += 1
                        t.hits += int(hit)
                    elif item.class_name in EXPECTED[kind]:
                        t.expected += 1
                        t.expected_fired += int(hit)
                for al in of_kind:
                    on = [item for item in p.items if matches(al, item)]
                    if any(i.class_name in TARGETS[kind] + EXPECTED[kind] for i in on):
                        continue
                    if any(i.is_threat_class for i in on):
                        t.other_threat += 1
                        continue
                    t.false += 1
                    t.false_clutter_only += int(p.clutter_only)
        dense = [al for al in alarms if al.kind == DENSE]
        regions = _dense_regions(p, cfg.dense_min_area_mm2 / px_mm2)
        for g in ("all", p.difficulty):
            t = tallies[(DENSE, g)]
            t.targets += len(regions)
            for region in regions:
                t.hits += int(any(region[_slices(al)].any() for al in dense))
            for al in dense:
                inside = p.truly_impenetrable[_slices(al)]
                if inside.mean() < DENSE_TRUE_FRACTION:
                    t.false += 1
                    t.false_clutter_only += int(p.clutter_only)
    out: dict[str, float] = {}
    for (kind, g), t in tallies.items():
        key = f"{kind}_{g}"
        out[f"{key}_targets"] = float(t.targets)
        out[f"{key}_hit_rate"] = t.hits / t.targets if t.targets else float("nan")
        out[f"{key}_false_per_parcel"] = t.false / max(parcels_in[g], 1)
        out[f"{key}_false_per_clutter_only_parcel"] = t.false_clutter_only / max(
            clutter_only_in[g], 1
        )
        if kind == BATTERY:
            out[f"{key}_expected_fire_rate"] = (
                t.expected_fired / t.expected if t.expected else float("nan")
            )
        if kind != DENSE:
            out[f"{key}_other_threat_per_parcel"] = t.other_threat / max(parcels_in[g], 1)
    for g in groups:
        out[f"parcels_{g}"] = float(parcels_in[g])
        out[f"clutter_only_parcels_{g}"] = float(clutter_only_in[g])
    return out


def _slices(al: Alarm) -> tuple[slice, slice]:
    return slice(al.box.line0, al.box.line1), slice(al.box.px0, al.box.px1)


def run(n: int = 200) -> dict[str, float]:
    """Alarm quality on parcels 0 … n-1 of the simulated scanner (640 px, seed 3), plus
    n/10 parcels per difficulty holding a powder packet and as many holding a battery."""
    config = StationConfig()
    parcels = render_parcels([ParcelSet(range(n)), *enriched_sets(max(1, n // 10))])
    return evaluate(parcels, AlarmRules(config.alarms, config.materials), config.alarms)


def format_table(results: dict[str, float]) -> str:
    """The figures as a small text table: one row per rule and difficulty."""
    rows = [
        f"{'rule':<16}{'group':<8}{'targets':>8}{'hit %':>8}{'FA/parcel':>10}"
        f"{'FA/clutter-only':>16}{'expected %':>11}"
    ]
    for kind in (ORGANIC, BATTERY, DENSE):
        for g in ("all", *DIFFICULTIES):
            key = f"{kind}_{g}"
            exp = results.get(f"{key}_expected_fire_rate")
            rows.append(
                f"{kind:<16}{g:<8}{results[f'{key}_targets']:>8.0f}"
                f"{100 * results[f'{key}_hit_rate']:>8.1f}"
                f"{results[f'{key}_false_per_parcel']:>10.2f}"
                f"{results[f'{key}_false_per_clutter_only_parcel']:>16.2f}"
                + (f"{100 * exp:>11.1f}" if exp is not None else "")
            )
    parcels = ", ".join(
        f"{g} {results[f'parcels_{g}']:.0f} ({results[f'clutter_only_parcels_{g}']:.0f} "
        "clutter-only)"
        for g in ("all", *DIFFICULTIES)
    )
    return "\n".join([*rows, f"parcels: {parcels}"])


if __name__ == "__main__":
    import sys

    print(format_table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
