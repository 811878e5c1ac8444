"""Independent readers: the Stratovan DICOS toolkit (pydicos) and DCMTK's dcmdump."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dicos_samples import SCANNER, WHEN, make_rgba

from station_app.dicos import DicosFiles, read_tdr, write_operator_tdr, write_parcel
from station_app.domain import Decision, ParcelScan, Verdict

try:
    import pydicos
except ImportError as exc:  # pragma: no cover - depends on the environment
    pydicos = None
    PYDICOS_MISSING = f"pydicos (Stratovan DICOS toolkit binding) not importable: {exc}"
else:
    PYDICOS_MISSING = ""

needs_pydicos = pytest.mark.skipif(pydicos is None, reason=PYDICOS_MISSING or "n/a")
DCMDUMP = shutil.which("dcmdump")
needs_dcmdump = pytest.mark.skipif(DCMDUMP is None,
                                   reason="dcmdump (DCMTK, apt package dcmtk) not on PATH")


@pytest.fixture
def files(parcel: ParcelScan, tmp_path: Path) -> tuple[DicosFiles, Path]:
    written = write_parcel(parcel, make_rgba(parcel.raw.shape), tmp_path, station_id="ST-1",
                           scanner=SCANNER, carrier="LaPoste", acquired_at=WHEN)
    op = write_operator_tdr(Decision("S-0001", Verdict.CLEAR, "jdoe", WHEN),
                            written.tdr_machine.path, tmp_path)
    return written, op


def _dx_pixels(path: Path, dtype: str) -> Any:
    # DXLoader.get_data() uses np.array(copy=False), which numpy 2 refuses for this
    # buffer; read the toolkit's Image2D through np.asarray instead.
    image = pydicos.DXLoader(str(path)).GetXRayData()
    buf = image.GetUnsigned16() if dtype == "u16" else image.GetUnsigned8()
    return np.asarray(buf).copy(), image.GetWidth(), image.GetHeight()


@needs_pydicos
def test_pydicos_loads_images(files: tuple[DicosFiles, Path], parcel: ParcelScan) -> None:
    written, _ = files
    for path, counts in ((written.dx_high.path, parcel.raw.high_counts),
                         (written.dx_low.path, parcel.raw.low_counts)):
        pixels, width, height = _dx_pixels(path, "u16")
        assert (height, width) == counts.shape
        np.testing.assert_array_equal(pixels, counts)
    rgb, width, height = _dx_pixels(written.dx_presentation.path, "u8")
    # The toolkit exposes interleaved RGB as one 8-bit plane three samples wide.
    assert (height, width) == (parcel.raw.shape[0], parcel.raw.shape[1] * 3)
    np.testing.assert_array_equal(rgb.reshape(height, width // 3, 3),
                                  make_rgba(parcel.raw.shape)[..., :3])


@needs_pydicos
def test_pydicos_loads_threats(files: tuple[DicosFiles, Path], parcel: ParcelScan) -> None:
    from pyDICOS import ALARM_DECISION, ASSESSMENT_FLAG, TDR_TYPE, THREAT_CATEGORY

    written, op = files
    data = pydicos.TDRLoader(str(written.tdr_machine.path)).get_data()
    assert data["TDRType"] == TDR_TYPE.enumMachine
    assert data["AlarmDecision"] == ALARM_DECISION.enumAlarm
    assert data["OOIID"] == "S-0001"
    boxes = [a.box for a in parcel.alarms] + [d.box for d in parcel.detections]
    assert [p["ID"] for p in data["PTOs"]] == [1, 2, 3]
    for pto, box in zip(data["PTOs"], boxes, strict=True):
        assert pto["Base"] == {"x": box.px0, "y": box.line0, "z": 0}
        assert pto["Extent"] == {"x": box.width, "y": box.height, "z": 1}
        corners = [(p["x"], p["y"]) for p in pto["Polygon"]]
        assert corners == [(box.px0, box.line0), (box.px1, box.line0), (box.px1, box.line1),
                           (box.px0, box.line1)]
        assert pto["Assessment"]["flag"] == ASSESSMENT_FLAG.enumThreat
    assert data["PTOs"][0]["Assessment"]["category"] == THREAT_CATEGORY.enumAnomaly
    assert data["PTOs"][2]["Assessment"]["category"] == THREAT_CATEGORY.enumProhibitedItem
    assert data["PTOs"][2]["Assessment"]["probability"] == pytest.approx(0.72)
    op_data = pydicos.TDRLoader(str(op)).get_data()
    assert op_data["TDRType"] == TDR_TYPE.enumOperator
    assert op_data["AlarmDecision"] == ALARM_DECISION.enumClear
    assert {p["Assessment"]["flag"] for p in op_data["PTOs"]} == {ASSESSMENT_FLAG.enumNoThreat}
    assert len(op_data["PTOs"]) == len(read_tdr(op).threats)


@needs_dcmdump
def test_dcmdump_parses_every_file(files: tuple[DicosFiles, Path]) -> None:
    written, op = files
    for path in (*written.paths, op):
        # +E: parser errors and warnings go to stderr, where the test looks for them.
        result = subprocess.run([str(DCMDUMP), "+E", str(path)], capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        problems = [line for line in result.stderr.splitlines() if line[:2] in ("E:", "W:", "F:")]
        assert problems == [], f"{path.name}: {problems}"
        assert "(4010,1031) CS" in result.stdout or "TDR" not in path.name
