"""The inspector's marks in the OPERATOR TDR: one PTO per mark after the machine's, in
the same pixel coordinates; read back with our reader, pydicom, the Stratovan
toolkit and DCMTK."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest
from dicos_samples import SCANNER, WHEN, make_rgba
from pydicom.config import RAISE
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.valuerep import validate_value

from station_app.dicos import read_tdr, write_operator_tdr, write_parcel
from station_app.domain import BoxPx, Decision, ParcelScan, Verdict
from station_app.marks import MarksError

try:
    import pydicos  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - depends on the environment
    pydicos = None

MARKS = (BoxPx(line0=21, px0=31, line1=29, px1=39), BoxPx(line0=2, px0=100, line1=12, px1=126))
DCMDUMP = shutil.which("dcmdump")


def _machine(parcel: ParcelScan, directory: Path) -> Path:
    written = write_parcel(parcel, make_rgba(parcel.raw.shape), directory, station_id="ST-1",
                           scanner=SCANNER, carrier="LaPoste", acquired_at=WHEN)
    return written.tdr_machine.path


@pytest.mark.parametrize(("verdict", "flag", "probability", "alarm_objects"), [
    (Verdict.OPEN, "THREAT", 1.0, 3 + 2),  # the machine's three and both marks
    (Verdict.HOLD, "UNKNOWN", 0.5, 0),
    (Verdict.CLEAR, "NO_THREAT", 1.0, 0),  # looked at and judged harmless: kept
])
def test_each_mark_is_one_operator_pto(parcel: ParcelScan, tmp_path: Path, verdict: Verdict,
                                       flag: str, probability: float, alarm_objects: int) -> None:
    machine_path = _machine(parcel, tmp_path)
    machine = read_tdr(machine_path)
    path = write_operator_tdr(Decision("S-0001", verdict, "jdoe", WHEN, "seen", marks=MARKS),
                              machine_path, tmp_path)
    report = read_tdr(path)
    n = len(machine.threats)
    assert n == 3
    assert [t.box for t in report.threats[:n]] == [t.box for t in machine.threats]
    marked = report.threats[n:]
    assert [t.box for t in marked] == list(MARKS)
    assert [t.pto_id for t in marked] == [n + 1, n + 2]
    assert {(t.category, t.flag, t.ability) for t in marked} == {
        ("ANOMALY", flag, "NO_INTERFERENCE")}
    assert {round(t.probability, 3) for t in marked} == {probability}
    assert all(t.description.startswith("operator mark | operator jdoe: ") for t in marked)
    ds = pydicom.dcmread(path)
    assert int(ds.NumberOfTotalObjects) == n + 2
    assert int(ds.NumberOfAlarmObjects) == alarm_objects
    # Located exactly like the machine's PTOs: ROI base/extents and the bounding polygon.
    item = ds.ThreatSequence[n].PTORepresentationSequence[0]
    box = MARKS[0]
    assert list(item.ThreatROIVoxelSequence[0].ThreatROIBase) == [box.px0, box.line0, 0]
    assert list(item.ThreatROIVoxelSequence[0].ThreatROIExtents) == [box.width, box.height, 1]
    assert list(item.BoundingPolygon) == [31, 21, 0, 39, 21, 0, 39, 29, 0, 31, 29, 0]
    assert {r.ReferencedSOPInstanceUID for r in item.ReferencedInstanceSequence} == {
        uid for _, uid in machine.referenced_images}


def test_without_marks_the_report_is_as_before(parcel: ParcelScan, tmp_path: Path) -> None:
    machine_path = _machine(parcel, tmp_path)
    path = write_operator_tdr(Decision("S-0001", Verdict.OPEN, "jdoe", WHEN), machine_path,
                              tmp_path)
    machine = read_tdr(machine_path)
    assert [t.box for t in read_tdr(path).threats] == [t.box for t in machine.threats]


def test_marks_on_a_parcel_without_machine_findings_start_at_pto_1(
    parcel: ParcelScan, tmp_path: Path
) -> None:
    machine_path = _machine(replace(parcel, alarms=(), detections=()), tmp_path)
    path = write_operator_tdr(Decision("S-0001", Verdict.OPEN, "jdoe", WHEN, marks=MARKS[:1]),
                              machine_path, tmp_path)
    (only,) = read_tdr(path).threats
    assert (only.pto_id, only.box, only.flag) == (1, MARKS[0], "THREAT")


def test_malformed_marks_write_no_report(parcel: ParcelScan, tmp_path: Path) -> None:
    machine_path = _machine(parcel, tmp_path)
    out = tmp_path / "op"
    with pytest.raises(MarksError, match="mark 2: empty or inverted"):
        write_operator_tdr(
            Decision("S-0001", Verdict.OPEN, "jdoe", WHEN, marks=(MARKS[0], BoxPx(5, 5, 5, 9))),
            machine_path, out)
    assert not out.exists() or list(out.iterdir()) == []


def test_values_are_valid_and_toolkits_read_the_marks(parcel: ParcelScan, tmp_path: Path) -> None:
    machine_path = _machine(parcel, tmp_path)
    path = write_operator_tdr(Decision("S-0001", Verdict.OPEN, "jdoe", WHEN, marks=MARKS),
                              machine_path, tmp_path)

    def check(ds: Dataset) -> None:
        for element in ds:
            if element.VR == "SQ":
                for child in element.value:
                    check(child)
            elif element.value is not None:
                values = element.value if isinstance(element.value, list | MultiValue) \
                    else [element.value]
                for value in values:
                    # DS/IS are validated as the strings written, not as numbers.
                    validate_value(element.VR, str(value) if element.VR in ("DS", "IS")
                                   else value, RAISE)

    check(pydicom.dcmread(path))
    if pydicos is not None:
        data = pydicos.TDRLoader(str(path)).get_data()
        ptos = data["PTOs"]
        assert [p["ID"] for p in ptos] == [1, 2, 3, 4, 5]
        for pto, box in zip(ptos[3:], MARKS, strict=True):
            assert pto["Base"] == {"x": box.px0, "y": box.line0, "z": 0}
            assert pto["Extent"] == {"x": box.width, "y": box.height, "z": 1}
    if DCMDUMP is not None:
        result = subprocess.run([DCMDUMP, "+E", str(path)], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        assert [ln for ln in result.stderr.splitlines() if ln[:2] in ("E:", "W:", "F:")] == []
