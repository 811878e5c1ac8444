"""TIP images as DICOS: the TIP Image module, the GROUND TRUTH report, and a replay
that refuses them. A TIP image must never be taken for a scan of a real parcel."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicos_samples import SCANNER, WHEN, make_parcel, make_raw, make_rgba
from pydicom.config import RAISE
from pydicom.dataset import Dataset
from pydicom.valuerep import validate_value

from drivers.base import DriverError
from drivers.dicos_replay import create_driver
from station_app.dicos import DicosError, read_dx, read_presentation, read_tdr, write_parcel
from station_app.dicos.tip import (
    TIP_IMAGE_IDENTIFIER_TAG,
    TIP_LIBRARY_DATE_TAG,
    TIP_LIBRARY_NAME_TAG,
    TIP_TYPE_TAG,
    TipDicosFiles,
    TipMarking,
    add_tip_module,
    tip_marking_of,
    write_tip_parcel,
)
from station_app.domain import BoxPx, ParcelScan, TipImage

LIBRARY = "station_app simulator library 140 kV"
LIBRARY_DATE = datetime(2026, 11, 23, 15, 4, 59, 123456, tzinfo=UTC)
ITEM_BOX = BoxPx(line0=22, px0=40, line1=50, px1=58)


def _tip(real: ParcelScan, presentation_id: int = 7) -> TipImage:
    # The combined image: the real parcel with a (here: drawn) item in ITEM_BOX.
    high = real.raw.high_counts.copy()
    low = real.raw.low_counts.copy()
    region = (slice(ITEM_BOX.line0, ITEM_BOX.line1), slice(ITEM_BOX.px0, ITEM_BOX.px1))
    high[region] //= 4
    low[region] //= 8
    combined = make_parcel(replace(real.raw, high_counts=high, low_counts=low,
                                   flags=real.raw.flags | {"tip"}))
    return TipImage(presentation_id, "knife-03", "knife", ITEM_BOX, combined)


def _write_tip(tip: TipImage, directory: Path) -> TipDicosFiles:
    return write_tip_parcel(tip, make_rgba(tip.parcel.raw.shape, seed=5), directory,
                            library_name=LIBRARY, library_date=LIBRARY_DATE, station_id="ST-1",
                            scanner=SCANNER, carrier="LaPoste", acquired_at=WHEN)


def _write_real(parcel: ParcelScan, directory: Path):  # type: ignore[no-untyped-def]
    return write_parcel(parcel, make_rgba(parcel.raw.shape), directory, station_id="ST-1",
                        scanner=SCANNER, carrier="LaPoste", acquired_at=WHEN)


# --------------------------------------------------------------- the module


@pytest.mark.parametrize("marking", [
    TipMarking("CTI", LIBRARY, LIBRARY_DATE, "knife-03"),
    TipMarking("FTI", "", None, ""),
    TipMarking("CTI", "Bibliothèque d'essai ✓", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), "x"),
])
def test_marking_round_trips_through_a_file(marking: TipMarking, tmp_path: Path) -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientID = "S-1"
    add_tip_module(ds, marking)
    path = tmp_path / "tip.dcm"
    ds.save_as(path, implicit_vr=False, little_endian=True)
    back = pydicom.dcmread(path, force=True)
    assert back[TIP_TYPE_TAG].VR == "CS" and back.TIPType == marking.tip_type
    assert tip_marking_of(back) == marking
    # Optional attributes are left out, not written empty.
    assert (TIP_LIBRARY_NAME_TAG in back) == bool(marking.library_name)
    assert (TIP_LIBRARY_DATE_TAG in back) == (marking.library_date is not None)
    assert (TIP_IMAGE_IDENTIFIER_TAG in back) == bool(marking.image_identifier)


def test_marking_is_replaced_not_mixed() -> None:
    ds = Dataset()
    add_tip_module(ds, TipMarking("CTI", LIBRARY, LIBRARY_DATE, "knife-03"))
    add_tip_module(ds, TipMarking("FTI"))
    assert tip_marking_of(ds) == TipMarking("FTI")


def test_a_dataset_without_the_module_is_no_tip_image() -> None:
    ds = Dataset()
    ds.PatientID = "S-1"
    assert tip_marking_of(ds) is None


def test_bad_tip_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DicosError, match="neither FTI nor CTI"):
        TipMarking("TIP")
    with pytest.raises(DicosError, match="longer than 1024"):
        TipMarking("CTI", library_name="x" * 1025)
    ds = Dataset()
    ds.TIPType = "XYZ"  # marked, but not as either kind: still not a real scan
    with pytest.raises(DicosError, match="'XYZ' is neither"):
        tip_marking_of(ds)
    ds.TIPType = "CTI"
    with pytest.warns(UserWarning, match="Invalid value for VR DT"):
        ds.add_new(TIP_LIBRARY_DATE_TAG, "DT", "yesterday")
    with pytest.raises(DicosError, match="not a DICOS date-time"):
        tip_marking_of(ds)


# ------------------------------------------------------------ the file set


def test_tip_files_are_marked_cti_with_the_library(parcel: ParcelScan, tmp_path: Path) -> None:
    tip = _tip(parcel)
    files = _write_tip(tip, tmp_path)
    expected = TipMarking("CTI", LIBRARY, LIBRARY_DATE, "knife-03")
    assert [f.path.name for f in files.all] == [
        "S-0001_tip7_dx_high.dcs", "S-0001_tip7_dx_low.dcs", "S-0001_tip7_dx_display.dcs",
        "S-0001_tip7_tdr_ground_truth.dcs"]
    for written in files.all:
        ds = pydicom.dcmread(written.path)
        assert ds.TIPType == "CTI"
        assert ds[TIP_LIBRARY_NAME_TAG].value == LIBRARY
        assert ds[TIP_LIBRARY_DATE_TAG].value == "20261123150459.123456"
        assert ds[TIP_IMAGE_IDENTIFIER_TAG].value == "knife-03"
        for tag in (TIP_TYPE_TAG, TIP_LIBRARY_NAME_TAG, TIP_LIBRARY_DATE_TAG,
                    TIP_IMAGE_IDENTIFIER_TAG):
            validate_value(ds[tag].VR, ds[tag].value, RAISE)
        assert tip_marking_of(ds) == expected
    high, low, meta = read_dx(files.dx_high.path)
    np.testing.assert_array_equal(high, tip.parcel.raw.high_counts)
    np.testing.assert_array_equal(low, tip.parcel.raw.low_counts)
    assert meta.tip == expected and meta.scan_id == "S-0001"
    np.testing.assert_array_equal(read_presentation(files.dx_presentation.path),
                                  make_rgba(parcel.raw.shape, seed=5)[..., :3])


def test_ground_truth_report_holds_the_projected_item(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write_tip(_tip(parcel), tmp_path)
    report = read_tdr(files.tdr_ground_truth.path)
    assert report.tdr_type == "GROUND TRUTH"
    assert report.tip == TipMarking("CTI", LIBRARY, LIBRARY_DATE, "knife-03")
    (item,) = report.threats
    assert item.box == ITEM_BOX
    assert (item.category, item.flag, item.probability) == ("PI", "THREAT", 1.0)
    assert "knife-03" in item.description and "knife" in item.description
    assert report.alarm_decision == "ALARM"
    assert set(report.referenced_images) == {
        (f.sop_class_uid, f.sop_instance_uid)
        for f in (files.dx_high, files.dx_low, files.dx_presentation)}
    assert report.study_uid == files.study_uid


def test_tip_uids_never_meet_the_real_parcels(parcel: ParcelScan, tmp_path: Path) -> None:
    real = _write_real(parcel, tmp_path / "real")
    tip7 = _write_tip(_tip(parcel, 7), tmp_path / "tip")
    tip8 = _write_tip(_tip(parcel, 8), tmp_path / "tip")
    assert len({real.study_uid, tip7.study_uid, tip8.study_uid}) == 3  # not the same scan
    instances = [f.sop_instance_uid for f in (*real.all, *tip7.all, *tip8.all)]
    assert len(set(instances)) == len(instances) == 12
    series = {pydicom.dcmread(f.path, stop_before_pixels=True).SeriesInstanceUID
              for f in (*real.all, *tip7.all)}
    assert len(series) == 6
    # Derived, so writing the same presentation again gives the same UIDs.
    again = _write_tip(_tip(parcel, 7), tmp_path / "again")
    assert [f.sop_instance_uid for f in again.all] == [f.sop_instance_uid for f in tip7.all]


def test_real_parcel_files_carry_no_tip_marking(parcel: ParcelScan, tmp_path: Path) -> None:
    real = _write_real(parcel, tmp_path)
    for written in real.all:
        assert TIP_TYPE_TAG not in pydicom.dcmread(written.path, stop_before_pixels=True)
    assert read_dx(real.dx_high.path)[2].tip is None
    assert read_tdr(real.tdr_machine.path).tip is None


def test_a_bad_tip_type_in_a_file_is_named(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write_tip(_tip(parcel), tmp_path)
    path = files.tdr_ground_truth.path
    ds = pydicom.dcmread(path)
    ds.TIPType = "ZZZ"
    ds.save_as(path)
    with pytest.raises(DicosError, match=rf"{path.name}.*'ZZZ' is neither"):
        read_tdr(path)


# ------------------------------------------------------------------ replay


def test_replay_refuses_tip_images(parcel: ParcelScan, tmp_path: Path) -> None:
    real_raw = make_raw("S-REAL", lines=60, seed=3)
    _write_real(make_parcel(real_raw), tmp_path)
    _write_tip(_tip(parcel), tmp_path)  # beside it, as a careless copy would put it
    driver = create_driver(str(tmp_path), gap_lines=10)
    assert [p.scan_id for p in driver.parcels] == ["S-REAL"]
    skipped = driver.skipped_files
    assert len(skipped) == 2  # the TIP image's two DX For Processing files
    for name in ("S-0001_tip7_dx_high.dcs", "S-0001_tip7_dx_low.dcs"):
        (reason,) = [s for s in skipped if name in s]
        assert "is a TIP image (TIP Image Type CTI), not a scan" in reason
    driver.open()
    high = np.concatenate([b.high_counts for b in driver.lines()])
    driver.close()
    assert high.shape[0] == 60 + 2 * 10  # the real parcel and its air gaps, nothing else
    assert "skipped 2" in driver.status().faults[0]

    only_tip = tmp_path / "only_tip"
    _write_tip(_tip(parcel), only_tip)
    with pytest.raises(DriverError, match="no playable"):
        create_driver(str(only_tip))


# ------------------------------------------------------ independent readers

try:
    import pydicos  # type: ignore[import-untyped]
except ImportError:  # the toolkit binding is optional where it cannot be installed
    pydicos = None
DCMDUMP = shutil.which("dcmdump")


@pytest.mark.skipif(pydicos is None, reason="pydicos (Stratovan DICOS toolkit) not importable")
def test_stratovan_toolkit_reads_tip_files(parcel: ParcelScan, tmp_path: Path) -> None:
    from pyDICOS import (  # type: ignore[import-not-found]
        ASSESSMENT_FLAG,
        TDR_TYPE,
        THREAT_CATEGORY,
    )

    tip = _tip(parcel)
    files = _write_tip(tip, tmp_path)
    image = pydicos.DXLoader(str(files.dx_high.path)).GetXRayData()
    pixels = np.asarray(image.GetUnsigned16()).copy()
    np.testing.assert_array_equal(pixels.reshape(image.GetHeight(), image.GetWidth()),
                                  tip.parcel.raw.high_counts)
    data = pydicos.TDRLoader(str(files.tdr_ground_truth.path)).get_data()
    assert data["TDRType"] == TDR_TYPE.enumGroundTruth
    (pto,) = data["PTOs"]
    assert pto["Base"] == {"x": ITEM_BOX.px0, "y": ITEM_BOX.line0, "z": 0}
    assert pto["Extent"] == {"x": ITEM_BOX.width, "y": ITEM_BOX.height, "z": 1}
    assert pto["Assessment"]["flag"] == ASSESSMENT_FLAG.enumThreat
    assert pto["Assessment"]["category"] == THREAT_CATEGORY.enumProhibitedItem


@pytest.mark.skipif(DCMDUMP is None, reason="dcmdump (DCMTK) not on PATH")
def test_dcmdump_parses_tip_files(parcel: ParcelScan, tmp_path: Path) -> None:
    files = _write_tip(_tip(parcel), tmp_path)
    for written in files.all:
        result = subprocess.run([str(DCMDUMP), "+E", str(written.path)], capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        problems = [line for line in result.stderr.splitlines() if line[:2] in ("E:", "W:", "F:")]
        assert problems == [], f"{written.path.name}: {problems}"
        assert "(4010,1039) CS [CTI]" in result.stdout
        assert "(4010,2045) ST [knife-03]" in result.stdout
