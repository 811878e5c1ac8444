"""write_parcel / write_operator_tdr round trips through our own reader and pydicom."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicos_samples import SCANNER, WHEN, make_parcel, make_raw, make_rgba
from pydicom.config import RAISE
from pydicom.dataset import Dataset, validate_file_meta
from pydicom.valuerep import validate_value

from station_app.dicos import (
    DicosError,
    read_dx,
    read_presentation,
    read_tdr,
    uids,
    write_operator_tdr,
    write_parcel,
)
from station_app.domain import Decision, ParcelScan, TriageLevel, Verdict
from station_app.errors import StationError


def _write(parcel: ParcelScan, directory: Path):  # type: ignore[no-untyped-def]
    return write_parcel(parcel, make_rgba(parcel.raw.shape), directory, station_id="ST-1",
                        scanner=SCANNER, carrier="LaPoste", acquired_at=WHEN)


def test_dx_round_trip(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    for path in (files.dx_high.path, files.dx_low.path):
        high, low, meta = read_dx(path)
        np.testing.assert_array_equal(high, parcel.raw.high_counts)
        np.testing.assert_array_equal(low, parcel.raw.low_counts)
    assert meta.scan_id == "S-0001"
    assert meta.tracking_id == "RA123456785FR"
    assert meta.carrier == "LaPoste"
    assert (meta.line_pitch_mm, meta.pixel_pitch_mm) == (1.0, 1.6)
    assert (meta.tube_kv, meta.tube_ma, meta.belt_speed_m_s) == (160.0, 1.2, 0.25)
    assert meta.manufacturer == "ACME" and meta.scanner_serial == "SN-42"
    assert meta.acquired_at == WHEN.replace(tzinfo=None)
    rgb = read_presentation(files.dx_presentation.path)
    np.testing.assert_array_equal(rgb, make_rgba(parcel.raw.shape)[..., :3])


def test_uids_hashes_and_itinerary(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    datasets = [pydicom.dcmread(p) for p in files.paths]
    assert {str(d.StudyInstanceUID) for d in datasets} == {files.study_uid}
    assert len({str(d.SOPInstanceUID) for d in datasets}) == 4
    assert datasets[0].SeriesInstanceUID == datasets[1].SeriesInstanceUID  # one DE series
    assert len({str(d.SeriesInstanceUID) for d in datasets}) == 3
    assert [d.SOPClassUID for d in datasets] == [
        uids.DX_FOR_PROCESSING, uids.DX_FOR_PROCESSING, uids.DX_FOR_PRESENTATION, uids.TDR]
    assert [list(d.ImageType) for d in datasets[:3]] == [
        ["ORIGINAL", "HIGH ENERGY"], ["ORIGINAL", "LOW ENERGY"], ["DERIVED", "MULTI ENERGY"]]
    for d in datasets:
        assert d.PatientID == "S-0001" and d.OOIType == "BAGGAGE"
        assert d.ItineraryID == "RA123456785FR" and d.CarrierID == "LaPoste"
        assert str(d.SOPInstanceUID).startswith("2.25.") and len(str(d.SOPInstanceUID)) <= 64
    for written in files.all:
        assert hashlib.sha256(written.path.read_bytes()).hexdigest() == written.sha256
    # Writing again gives the same UIDs (derived, not random).
    again = _write(parcel, tmp_path / "again")
    assert again.study_uid == files.study_uid
    assert again.tdr_machine.sop_instance_uid == files.tdr_machine.sop_instance_uid


def test_machine_tdr(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    tdr = read_tdr(files.tdr_machine.path)
    assert (tdr.tdr_type, tdr.alarm_decision, tdr.ooi_type) == ("MACHINE", "ALARM", "BAGGAGE")
    assert tdr.ooi_id == "S-0001" and tdr.tracking_id == "RA123456785FR"
    assert [t.box for t in tdr.threats] == [a.box for a in parcel.alarms] + [
        d.box for d in parcel.detections]
    assert [(t.category, t.flag, t.ability) for t in tdr.threats] == [
        ("ANOMALY", "THREAT", "SHIELD"), ("PI", "THREAT", "NO_INTERFERENCE"),
        ("PI", "THREAT", "NO_INTERFERENCE")]
    assert [round(t.probability, 3) for t in tdr.threats] == [0.9, 0.55, 0.72]
    assert {uid for _, uid in tdr.referenced_images} == {
        f.sop_instance_uid for f in (files.dx_high, files.dx_low, files.dx_presentation)}
    assert tdr.total_processing_ms == pytest.approx(25.5)
    ds = pydicom.dcmread(files.tdr_machine.path)
    polygon = list(ds.ThreatSequence[0].PTORepresentationSequence[0].BoundingPolygon)
    assert polygon == [30, 20, 0, 40, 20, 0, 40, 30, 0, 30, 30, 0]


@pytest.mark.parametrize(("level", "flags", "decision"), [
    (TriageLevel.GREEN, frozenset(), "CLEAR"),
    (TriageLevel.AMBER, frozenset(), "ALARM"),
    (TriageLevel.GREEN, frozenset({"incomplete"}), "UNKNOWN"),
])
def test_alarm_decision(level: TriageLevel, flags: frozenset[str], decision: str,
                        tmp_path: Path) -> None:
    parcel = make_parcel(replace(make_raw(), flags=flags), level)
    parcel = replace(parcel, alarms=(), detections=())
    tdr = read_tdr(_write(parcel, tmp_path).tdr_machine.path)
    assert tdr.alarm_decision == decision and tdr.threats == ()


@pytest.mark.parametrize(("verdict", "decision", "flag"), [
    (Verdict.CLEAR, "CLEAR", "NO_THREAT"),
    (Verdict.OPEN, "ALARM", "THREAT"),
    (Verdict.HOLD, "UNKNOWN", "UNKNOWN"),
])
def test_operator_tdr(parcel: ParcelScan, tmp_path: Path, verdict: Verdict, decision: str,
                      flag: str) -> None:
    files = _write(parcel, tmp_path)
    path = write_operator_tdr(Decision("S-0001", verdict, "jdoe", WHEN, "checked"),
                              files.tdr_machine.path, tmp_path)
    op = read_tdr(path)
    machine = read_tdr(files.tdr_machine.path)
    assert (op.tdr_type, op.alarm_decision, op.operator) == ("OPERATOR", decision, "jdoe")
    assert op.referenced_tdrs == (machine.sop_instance_uid,)
    assert op.study_uid == machine.study_uid
    assert [t.box for t in op.threats] == [t.box for t in machine.threats]
    assert {t.flag for t in op.threats} == {flag}


def test_operator_tdr_rejects_wrong_inputs(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    with pytest.raises(DicosError, match="is for scan"):
        write_operator_tdr(Decision("S-9", Verdict.CLEAR, "jdoe", WHEN), files.tdr_machine.path,
                           tmp_path)
    with pytest.raises(DicosError, match="expected DICOS Threat Detection Report"):
        write_operator_tdr(Decision("S-0001", Verdict.CLEAR, "jdoe", WHEN), files.dx_high.path,
                           tmp_path)
    op = write_operator_tdr(Decision("S-0001", Verdict.CLEAR, "jdoe", WHEN),
                            files.tdr_machine.path, tmp_path)
    with pytest.raises(DicosError, match="not a MACHINE"):
        write_operator_tdr(Decision("S-0001", Verdict.CLEAR, "jdoe", WHEN), op, tmp_path)


def test_bad_files_raise_dicos_error(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    junk = tmp_path / "junk.dcs"
    junk.write_text("not a DICOS file\n")
    truncated = tmp_path / "S-0001_trunc_dx_high.dcs"
    data = files.dx_high.path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    cases = [
        (read_dx, tmp_path / "missing.dcs", "no such file"),
        (read_dx, junk, "not a DICOM"),
        (read_dx, truncated, "truncated"),
        (read_dx, files.tdr_machine.path, "expected DICOS DX For Processing"),
        (read_tdr, files.dx_low.path, "expected DICOS Threat Detection Report"),
        (read_presentation, files.dx_high.path, "expected DICOS DX For Presentation"),
    ]
    for reader, path, message in cases:
        with pytest.raises(DicosError, match=message) as info:
            reader(path)
        assert isinstance(info.value, StationError)
        assert str(path) in str(info.value)
    files.dx_low.path.unlink()
    with pytest.raises(DicosError, match="no LOW ENERGY"):
        read_dx(files.dx_high.path)


def test_write_rejects_mismatched_render(parcel: ParcelScan, tmp_path: Path) -> None:
    with pytest.raises(DicosError, match="does not match"):
        write_parcel(parcel, make_rgba((5, 5)), tmp_path, station_id="ST-1")


def _check_values(ds: Dataset) -> int:
    """Validate every value against its VR (pydicom's own rules, raising); count them."""
    n = 0
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                n += _check_values(item)
        elif elem.tag != 0x7FE00010 and elem.value is not None:
            values = elem.value if isinstance(elem.value, list | pydicom.multival.MultiValue) \
                else [elem.value]
            for value in values:
                # DS/IS are validated as the strings that are written, not as numbers.
                text = str(value) if elem.VR in ("DS", "IS") else value
                validate_value(elem.VR, text, RAISE)
            n += 1
    return n


def test_pydicom_validation(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write(parcel, tmp_path)
    paths = [*files.paths, write_operator_tdr(
        Decision("S-0001", Verdict.OPEN, "jdoe", WHEN), files.tdr_machine.path, tmp_path)]
    for path in paths:
        assert path.read_bytes()[128:132] == b"DICM"  # Part 10 preamble + prefix
        ds = pydicom.dcmread(path)
        validate_file_meta(ds.file_meta, enforce_standard=True)
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID
        assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
        assert _check_values(ds) > 40
        for uid in (ds.SOPInstanceUID, ds.StudyInstanceUID, ds.SeriesInstanceUID):
            assert uid.is_valid
