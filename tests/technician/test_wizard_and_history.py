"""Calibration wizard (accept / reject / failed step), history with trends, storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from technician_helpers import calibrated_scanner, sim_config

from drivers.simulator.scanner import SimulatedScanner
from station_app.station_calibration import store_calibration
from station_app.storage import CalibrationRepository, Database, StorageError, open_database
from station_app.storage.audit import (
    ACTION_CALIBRATION_REJECTED,
    ACTION_IQ_TEST_RECORDED,
    AuditLog,
    verify_audit_log,
)
from station_app.storage.image_quality import ImageQualityRepository
from station_app.technician.calibration_wizard import (
    CalibrationWizard,
    StepName,
    StepStatus,
    WizardError,
    WizardLimits,
)
from station_app.technician.history import load_history


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    yield db
    db.close()


@pytest.fixture
def scanner(tmp_path: Path) -> Iterator[SimulatedScanner]:
    driver = SimulatedScanner(parcels=0)
    driver.open()
    yield driver
    driver.close()


def test_wizard_runs_every_step_and_accept_stores(
    tmp_path: Path, database: Database, scanner: SimulatedScanner
) -> None:
    config = sim_config(tmp_path)
    wizard = CalibrationWizard(config, scanner, database)
    assert not wizard.proposal().accept  # nothing done yet
    with pytest.raises(WizardError, match="run the calibration"):
        wizard.run_verification()
    messages: list[str] = []
    wizard.run_calibration(messages.append)
    assert [m.split(":")[0] for m in messages] == ["dark", "air", "step wedge"]
    for step in (StepName.DARK, StepName.AIR, StepName.WEDGE):
        report = wizard.step(step)
        assert report.status is StepStatus.DONE and report.passed, report
    assert wizard.step(StepName.VERIFICATION).status is StepStatus.PENDING
    assert len(wizard.wedge_residuals) >= 8
    wizard.run_verification(messages.append)
    flat = wizard.flat_field_residual
    assert flat is not None and flat.shape == (scanner.info.pixels,)
    assert wizard.iq_report is not None and wizard.iq_report.passed
    proposal = wizard.proposal()
    assert proposal.accept, proposal.reasons
    stored = wizard.accept("tech1")
    latest = CalibrationRepository(database, config.station_id).latest("detector", "SIM-0001")
    assert latest is not None and latest.id == stored.detector_id
    runs = ImageQualityRepository(database, config.station_id).history("SIM-0001")
    assert [r.id for r in runs] == [stored.iq_run_id]
    assert runs[0].calibration_id == stored.detector_id and runs[0].purpose == "verification"
    assert runs[0].passed and len(runs[0].results) == 6
    with pytest.raises(WizardError):
        wizard.reject("tech1")  # finished


def test_failed_checks_propose_reject_and_reject_keeps_current(
    tmp_path: Path, database: Database, scanner: SimulatedScanner
) -> None:
    config = sim_config(tmp_path)
    # A flat-field limit no detector meets: the verification must fail.
    wizard = CalibrationWizard(config, scanner, database,
                               limits=WizardLimits(max_flat_field_residual=1e-9))
    wizard.run_calibration()
    wizard.run_verification()
    proposal = wizard.proposal()
    assert not proposal.accept
    assert any("flat-field residual" in r for r in proposal.reasons)
    with pytest.raises(WizardError, match="not accepted"):
        wizard.accept("tech1")
    iq_id = wizard.reject("tech1", "flat field out of limits")
    assert CalibrationRepository(database, config.station_id).latest("detector",
                                                                     "SIM-0001") is None
    runs = ImageQualityRepository(database, config.station_id).history("SIM-0001")
    assert [r.id for r in runs] == [iq_id] and runs[0].calibration_id is None
    entries = list(AuditLog(database, config.station_id).entries())
    rejected = [e for e in entries if e.action == ACTION_CALIBRATION_REJECTED]
    assert len(rejected) == 1 and rejected[0].details["reason"] == "flat field out of limits"
    assert any(e.action == ACTION_IQ_TEST_RECORDED for e in entries)
    assert verify_audit_log(database).ok


def test_open_interlock_fails_the_calibration_with_the_reason(
    tmp_path: Path, database: Database, scanner: SimulatedScanner
) -> None:
    scanner.set_interlock("covers_closed", False)
    wizard = CalibrationWizard(sim_config(tmp_path), scanner, database)
    wizard.run_calibration()
    # Dark needs no X-rays; switching them on for the air step is refused.
    failed = [r for r in wizard.steps if r.status is StepStatus.FAILED]
    assert len(failed) == 1 and "interlock open (covers_closed)" in failed[0].message
    assert wizard.step(StepName.WEDGE).status is StepStatus.PENDING
    assert not wizard.proposal().accept
    with pytest.raises(WizardError):
        wizard.run_verification()


def test_history_pairs_calibrations_and_shows_trends(tmp_path: Path, database: Database) -> None:
    cal = calibrated_scanner(tmp_path)
    cal.scanner.close()
    config = cal.config
    start = datetime(2025, 3, 1, tzinfo=UTC)
    from dataclasses import replace

    for day in range(3):
        detector = replace(cal.detector, created_at=start + timedelta(days=day),
                           stats=replace(cal.detector.stats, dead_pixels=3 + 2 * day))
        store_calibration(config, database, detector, cal.materials, operator="tech1")
    history = load_history(database, config.station_id, "SIM-0001")
    assert len(history.calibrations) == 3
    assert [p.values["dead_pixels"] for p in history.calibrations] == [3.0, 5.0, 7.0]
    assert history.trend_per_day("dead_pixels") == pytest.approx(2.0)
    worst = history.calibrations[-1].values["wedge_worst_error"]
    assert 0.0 <= worst < 0.05  # the table reproduces its references
    assert history.trend_per_day("iq:wire_display") is None
    with pytest.raises(KeyError):
        history.series("nonsense")


def test_iq_repository_refuses_bad_input(database: Database, tmp_path: Path) -> None:
    from station_app.imaging.iq_test import IqReport

    repo = ImageQualityRepository(database, "STATION-01")
    empty = IqReport("astm_f792_style", 1, "SIM-0001", datetime.now(UTC), ())
    with pytest.raises(StorageError, match="without results"):
        repo.save(empty, operator="tech1", calibration_id=None)
    with pytest.raises(StorageError, match="purpose"):
        repo.save(empty, operator="tech1", calibration_id=None, purpose="bogus")  # type: ignore[arg-type]
    assert repo.history("SIM-0001") == []
