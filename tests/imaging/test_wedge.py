"""Step-wedge datasheet parsing and step measurement on a synthetic wedge image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from station_app.imaging.wedge import (
    WedgeError,
    WedgeSpec,
    load_wedge_spec,
    locate_target,
    measure_steps,
    parse_wedge_spec,
)


@pytest.fixture(scope="module")
def spec() -> WedgeSpec:
    return load_wedge_spec("standard")


def test_standard_datasheet(spec: WedgeSpec) -> None:
    names = [m.name for m in spec.materials]
    assert names == ["pom", "aluminium", "iron", "tin"]
    assert spec.material("pom").zeff == pytest.approx(6.95, abs=0.02)
    assert spec.material("tin").zeff == pytest.approx(50.0)
    assert len(spec.steps) == 32
    assert spec.size_along_mm == 320.0 and spec.size_across_mm == 570.0


def _sheet() -> dict[str, Any]:
    return {
        "name": "t", "size_mm": {"along": 100.0, "across": 100.0},
        "strips": [
            {"material": "a", "formula": "Al", "density_g_cm3": 2.7, "across_mm": [0, 40],
             "steps": [{"thickness_mm": 1.0, "along_mm": [0, 100]}]},
            {"material": "b", "formula": "Fe", "density_g_cm3": 7.9, "across_mm": [60, 100],
             "steps": [{"thickness_mm": 1.0, "along_mm": [0, 100]}]},
        ],
    }


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: d.pop("size_mm"), "missing or malformed field 'size_mm'"),
        (lambda d: d["strips"][0].update(formula="Qq"), "unknown element 'Qq'"),
        (lambda d: d["strips"][0].update(across_mm=[50, 40]), "end 40.0 must be greater"),
        (lambda d: d["strips"][1].update(across_mm=[60, 140]), "outside the target width"),
        (lambda d: d["strips"][0]["steps"][0].update(thickness_mm=-1), "thickness -1.0"),
        (lambda d: d["strips"].pop(), "at least two reference materials"),
    ],
)
def test_bad_datasheets(mangle: Any, message: str) -> None:
    sheet = _sheet()
    mangle(sheet)
    with pytest.raises(WedgeError, match=message):
        parse_wedge_spec(sheet)


def test_load_by_path_and_bad_json(tmp_path: Path) -> None:
    good = tmp_path / "w.json"
    good.write_text(json.dumps(_sheet()))
    assert load_wedge_spec(good).name == "t"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(WedgeError, match="not JSON"):
        load_wedge_spec(bad)
    with pytest.raises(WedgeError, match="no wedge datasheet named 'nope'"):
        load_wedge_spec("nope")


def _render(spec: WedgeSpec, line0: int, px0: int, shape: tuple[int, int]) -> tuple[
        np.ndarray, np.ndarray]:
    """A_high/A_low of the wedge at (line0, px0), 1 mm pixels: A_high ∝ thickness,
    R = 1.2 + material index / 2."""
    rng = np.random.default_rng(0)
    a_high = rng.normal(0, 0.005, shape).astype(np.float32)
    a_low = rng.normal(0, 0.005, shape).astype(np.float32)
    index = {m.name: i for i, m in enumerate(spec.materials)}
    for st in spec.steps:
        sl = (slice(line0 + int(st.along_mm[0]), line0 + int(st.along_mm[1])),
              slice(px0 + int(st.across_mm[0]), px0 + int(st.across_mm[1])))
        a = 0.05 + 0.02 * st.thickness_mm * (1 + 10 * index[st.material])
        a_high[sl] += a
        a_low[sl] += a * (1.2 + index[st.material] / 2)
    return a_high, a_low


def test_measure_synthetic_wedge(spec: WedgeSpec) -> None:
    a_high, a_low = _render(spec, 37, 51, (420, 700))
    box = locate_target(a_high, spec, line_pitch_mm=1.0, pixel_pitch_mm=1.0)
    assert (box.line0, box.px0, box.line1, box.px1) == (37, 51, 357, 621)
    m = measure_steps(a_high, a_low, spec, line_pitch_mm=1.0, pixel_pitch_mm=1.0,
                      a_high_limit=5.0, a_low_limit=6.0)
    index = {mat.name: i for i, mat in enumerate(spec.materials)}
    for p in m.points:
        assert p.ratio == pytest.approx(1.2 + index[p.material] / 2, abs=0.01)
        assert p.pixels > 1000
    # the thick metal steps exceed the limits and are reported, not measured
    assert m.rejected and all("too thick" in r.reason for r in m.rejected)
    assert len(m.points) + len(m.rejected) == len(spec.steps)


def test_missing_or_wrong_target(spec: WedgeSpec) -> None:
    empty = np.zeros((300, 700), np.float32)
    with pytest.raises(WedgeError, match="not found"):
        locate_target(empty, spec, line_pitch_mm=1.0, pixel_pitch_mm=1.0)
    a_high, _ = _render(spec, 10, 10, (420, 700))
    with pytest.raises(WedgeError, match="datasheet says"):
        locate_target(a_high, spec, line_pitch_mm=2.0, pixel_pitch_mm=1.0)


def test_noisy_step_rejected_with_reason(spec: WedgeSpec) -> None:
    a_high, a_low = _render(spec, 37, 51, (420, 700))
    # the thickest iron step: low-energy pixels at the noise floor (σ of ln counts 0.5)
    thick = next(st for st in spec.steps if st.material == "iron" and st.thickness_mm == 15.0)
    sl = (slice(37 + int(thick.along_mm[0]), 37 + int(thick.along_mm[1])),
          slice(51 + int(thick.across_mm[0]), 51 + int(thick.across_mm[1])))
    a_low[sl] += np.random.default_rng(1).normal(0, 0.5, a_low[sl].shape).astype(np.float32)
    m = measure_steps(a_high, a_low, spec, line_pitch_mm=1.0, pixel_pitch_mm=1.0,
                      a_high_limit=50.0, a_low_limit=60.0)
    assert [(r.step.material, r.step.thickness_mm) for r in m.rejected] == [("iron", 15.0)]
    assert "low-energy per-pixel SNR 2.0 < 3" in m.rejected[0].reason
    refs = m.rejected_references
    assert (refs[0].material, refs[0].thickness_mm) == ("iron", 15.0)
    assert refs[0].reason == m.rejected[0].reason
