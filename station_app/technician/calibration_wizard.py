"""The calibration wizard: dark, air, step wedge, verification; then accept or reject.

A Qt-free state machine a GUI (or a test) drives one step at a time:

1. ``run_calibration`` — dark, air and step wedge through the station's procedure
   (``station_calibration.run_calibration``); its progress messages tell which of
   the three is running, so each gets its own status. Each then gets its checks:
   dark offset and noise, gain and bad pixels, the wedge fit (steps accepted, the
   worst leave-one-out Zeff error: how well the model predicts a step it did not
   see).
2. ``run_verification`` — the new calibration judged on fresh scans: an air check
   (flat-field residual: fresh air lines through the new calibration must read
   A ≈ 0 on every pixel) and the image-quality test piece (``imaging.iq_test``).
3. ``proposal`` — accept when every check passed, reject otherwise, with reasons.
   ``accept`` stores the calibration (and its verification run) and refuses when
   the proposal is to reject; ``reject`` keeps the current calibration, records
   the rejection in the audit trail and keeps the verification run for the history.

Thresholds are ``WizardLimits`` (documented in docs/technician.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from drivers.base import DriverError, ScannerDriver
from station_app import core_texts as texts
from station_app.config import StationConfig
from station_app.errors import StationError
from station_app.imaging.calibration import CalibrationError, CalibrationSet, Calibrator
from station_app.imaging.iq_test import IqPieceSpec, IqReport, IqTestError
from station_app.imaging.materials import MaterialModel, MaterialModelError, Residual
from station_app.imaging.wedge import WedgeError, WedgeMeasurement
from station_app.station_calibration import run_calibration, store_calibration
from station_app.storage import Database
from station_app.storage.audit import ACTION_CALIBRATION_REJECTED, AuditLog
from station_app.storage.image_quality import ImageQualityRepository
from station_app.technician.acquire import collect_air_lines
from station_app.technician.image_quality import run_iq_test

Progress = Callable[[str], None]


class WizardError(StationError):
    """A wizard action was asked for out of order, or is refused (failed checks)."""


class StepName(StrEnum):
    DARK = "dark"
    AIR = "air"
    WEDGE = "wedge"
    VERIFICATION = "verification"


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class WizardLimits:
    """What a calibration must reach to be proposed for acceptance."""

    max_dark_offset_fraction: float = 0.10  # median dark level / ADC full scale
    max_dark_noise_counts: float = 20.0  # median per-pixel dark sigma, either channel
    min_gain_fraction: float = 0.20  # median (air − dark) / ADC full scale, either channel
    max_bad_pixel_fraction: float = 0.01  # dead + noisy pixels / all pixels
    max_saturated_pixels: int = 0
    min_wedge_points: int = 8  # wedge steps accepted into the materials fit
    max_wedge_loo_error: float = 0.10  # worst |leave-one-out Zeff error| / nominal Zeff
    max_flat_field_residual: float = 0.005  # std over good pixels of mean A in air
    max_flat_field_offset: float = 0.005  # |median| over good pixels of mean A in air
    air_check_lines: int = 256


@dataclass(frozen=True)
class Check:
    """One number against its limit; ``at_most``: passes when value ≤ limit (else ≥)."""

    name: str
    value: float
    limit: float
    unit: str
    at_most: bool = True

    @property
    def passed(self) -> bool:
        if not np.isfinite(self.value):
            return False
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def describe(self) -> str:
        params = {"name": self.name, "value": f"{self.value:.4g}",
                  "relation": "≤" if self.at_most else "≥", "limit": f"{self.limit:.4g}"}
        if self.unit:
            text = texts.CHECK_UNIT_OK if self.passed else texts.CHECK_UNIT_FAILED
            return text.render(unit=self.unit, **params)
        return (texts.CHECK_OK if self.passed else texts.CHECK_FAILED).render(**params)


@dataclass(frozen=True)
class StepReport:
    step: StepName
    status: StepStatus = StepStatus.PENDING
    checks: tuple[Check, ...] = ()
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.status is StepStatus.DONE and all(c.passed for c in self.checks)


@dataclass(frozen=True)
class Proposal:
    accept: bool
    reasons: tuple[str, ...]  # why not (empty when accept)


@dataclass(frozen=True)
class AcceptedCalibration:
    detector_id: str
    materials_id: str
    iq_run_id: str | None


@dataclass
class _Outcome:
    detector: CalibrationSet
    materials: MaterialModel
    wedge: WedgeMeasurement
    loo: tuple[Residual, ...]


@dataclass
class _Verification:
    flat_field: NDArray[np.float32]  # mean A_high per pixel in air (NaN at bad pixels)
    iq: IqReport | None
    iq_error: str = ""


_PROGRESS_STEP = {"dark": StepName.DARK, "air": StepName.AIR, "step wedge": StepName.WEDGE}


class CalibrationWizard:
    """One calibration attempt of one opened scanner. Steps run on any one thread at
    a time (a GUI worker); ``steps`` and ``proposal`` may be read from another."""

    def __init__(
        self,
        config: StationConfig,
        driver: ScannerDriver,
        database: Database,
        *,
        limits: WizardLimits | None = None,
        iq_spec: IqPieceSpec | None = None,
    ) -> None:
        self.config = config
        self.driver = driver
        self.database = database
        self.limits = limits or WizardLimits()
        self.iq_spec = iq_spec
        self._lock = threading.Lock()
        self._steps: dict[StepName, StepReport] = {s: StepReport(s) for s in StepName}
        self._outcome: _Outcome | None = None
        self._verification: _Verification | None = None
        self._closed = False

    # ----------------------------------------------------------------- state

    @property
    def steps(self) -> tuple[StepReport, ...]:
        with self._lock:
            return tuple(self._steps[s] for s in StepName)

    def step(self, name: StepName) -> StepReport:
        with self._lock:
            return self._steps[name]

    @property
    def detector(self) -> CalibrationSet | None:
        return None if self._outcome is None else self._outcome.detector

    @property
    def materials(self) -> MaterialModel | None:
        return None if self._outcome is None else self._outcome.materials

    @property
    def wedge_residuals(self) -> tuple[Residual, ...]:
        """Leave-one-out residual of every accepted wedge step (empty before step 1)."""
        return () if self._outcome is None else self._outcome.loo

    @property
    def flat_field_residual(self) -> NDArray[np.float32] | None:
        """Mean A_high per pixel of fresh air lines (≈ 0 when calibrated; NaN at bad pixels)."""
        return None if self._verification is None else self._verification.flat_field

    @property
    def iq_report(self) -> IqReport | None:
        return None if self._verification is None else self._verification.iq

    @property
    def closed(self) -> bool:
        """Accepted or rejected: nothing more to do with this attempt."""
        return self._closed

    def _set(self, report: StepReport) -> None:
        with self._lock:
            self._steps[report.step] = report

    # ----------------------------------------------------------------- steps

    def run_calibration(self, progress: Progress = lambda _m: None) -> None:
        """Dark, air and step wedge; each step's checks afterwards. Never raises for a
        scanner problem: the step that was running is marked failed with the reason."""
        if self._closed:
            raise WizardError("this calibration attempt is finished: start a new one")
        for step in (StepName.DARK, StepName.AIR, StepName.WEDGE, StepName.VERIFICATION):
            self._set(StepReport(step))
        self._outcome = None
        self._verification = None
        running: list[StepName] = []

        def on_progress(message: str) -> None:
            for prefix, step in _PROGRESS_STEP.items():
                if message.startswith(prefix):
                    if running:
                        self._set(StepReport(running[-1], StepStatus.DONE,
                                             message=texts.STEP_MEASURED.render()))
                    running.append(step)
                    self._set(StepReport(step, StepStatus.RUNNING, message=message))
            progress(message)

        try:
            detector, materials, wedge = run_calibration(self.config, self.driver,
                                                         prompt=on_progress)
            loo = materials.leave_one_out()
        except (CalibrationError, WedgeError, MaterialModelError, StationError, DriverError,
                OSError) as exc:
            failed = running[-1] if running else StepName.DARK
            self._set(StepReport(failed, StepStatus.FAILED, message=str(exc)))
            progress(texts.STEP_FAILED_BECAUSE.render(step=failed.value, error=str(exc)))
            return
        self._outcome = _Outcome(detector, materials, wedge, loo)
        self._set(StepReport(StepName.DARK, StepStatus.DONE, self._dark_checks(detector)))
        self._set(StepReport(StepName.AIR, StepStatus.DONE, self._air_checks(detector)))
        self._set(StepReport(StepName.WEDGE, StepStatus.DONE, self._wedge_checks(materials, loo),
                             message=texts.WEDGE_STEPS_MEASURED.render(
                                 measured=str(len(wedge.points)),
                                 rejected=str(len(wedge.rejected)))))

    def run_verification(self, progress: Progress = lambda _m: None) -> None:
        """Air check and image-quality scan with the new calibration."""
        if self._outcome is None:
            raise WizardError("run the calibration (dark, air, step wedge) first")
        if self._closed:
            raise WizardError("this calibration attempt is finished: start a new one")
        self._set(StepReport(StepName.VERIFICATION, StepStatus.RUNNING,
                             message=texts.AIR_CHECK.render()))
        detector, materials = self._outcome.detector, self._outcome.materials
        try:
            high, low = collect_air_lines(self.driver, self.limits.air_check_lines,
                                          prompt=progress)
            a_high, _ = Calibrator(detector).apply(high, low)
            flat = a_high.mean(axis=0).astype(np.float32)
            flat[detector.bad_mask] = np.nan
            progress(texts.PROGRESS_VERIFICATION.render())
            iq: IqReport | None = None
            iq_error = ""
            try:
                iq = run_iq_test(self.config, self.driver, detector, materials,
                                 spec=self.iq_spec, prompt=progress)
            except (CalibrationError, IqTestError) as exc:
                iq_error = str(exc)
        except (CalibrationError, StationError, DriverError, OSError) as exc:
            self._set(StepReport(StepName.VERIFICATION, StepStatus.FAILED, message=str(exc)))
            progress(texts.STEP_FAILED_BECAUSE.render(step=StepName.VERIFICATION.value,
                                                      error=str(exc)))
            return
        self._verification = _Verification(flat, iq, iq_error)
        good = flat[np.isfinite(flat)]
        checks = [
            Check(texts.CHECK_FLAT_RESIDUAL.render(), float(np.std(good)),
                  self.limits.max_flat_field_residual, "A"),
            Check(texts.CHECK_FLAT_OFFSET.render(), abs(float(np.median(good))),
                  self.limits.max_flat_field_offset, "A"),
        ]
        if iq is not None:
            checks.append(Check(texts.CHECK_IQ_PASSED.render(),
                                float(sum(r.passed for r in iq.results)),
                                float(len(iq.results)), "", at_most=False))
        else:
            checks.append(Check(texts.CHECK_IQ_SCANNED.render(), 0.0, 1.0, "", at_most=False))
        verdict = texts.IMAGE_QUALITY_PASSED if iq is not None and iq.passed else (
            texts.IMAGE_QUALITY_FAILED)
        self._set(StepReport(StepName.VERIFICATION, StepStatus.DONE, tuple(checks),
                             message=iq_error or verdict.render()))

    # ---------------------------------------------------------------- checks

    def _dark_checks(self, detector: CalibrationSet) -> tuple[Check, ...]:
        s, lim = detector.stats, self.limits
        offset = max(s.median_dark_high, s.median_dark_low) / detector.counts_max
        return (
            Check(texts.CHECK_DARK_OFFSET.render(), offset, lim.max_dark_offset_fraction, ""),
            Check(texts.CHECK_DARK_NOISE_HIGH.render(), s.dark_noise_high,
                  lim.max_dark_noise_counts, texts.UNIT_COUNTS.render()),
            Check(texts.CHECK_DARK_NOISE_LOW.render(), s.dark_noise_low,
                  lim.max_dark_noise_counts, texts.UNIT_COUNTS.render()),
        )

    def _air_checks(self, detector: CalibrationSet) -> tuple[Check, ...]:
        s, lim = detector.stats, self.limits
        gain = min(s.median_air_high - s.median_dark_high, s.median_air_low - s.median_dark_low)
        return (
            Check(texts.CHECK_GAIN.render(), gain / detector.counts_max,
                  lim.min_gain_fraction, "", at_most=False),
            Check(texts.CHECK_BAD_PIXELS.render(), float(s.bad_pixels),
                  lim.max_bad_pixel_fraction * detector.pixels, texts.UNIT_PIXELS.render()),
            Check(texts.CHECK_SATURATED.render(), float(s.saturated_pixels),
                  float(lim.max_saturated_pixels), texts.UNIT_PIXELS.render()),
        )

    def _wedge_checks(
        self, materials: MaterialModel, loo: tuple[Residual, ...]
    ) -> tuple[Check, ...]:
        worst = max((abs(r.relative_error) for r in loo), default=float("inf"))
        return (
            Check(texts.CHECK_WEDGE_STEPS.render(), float(len(materials.points)),
                  float(self.limits.min_wedge_points), "", at_most=False),
            Check(texts.CHECK_WEDGE_ERROR.render(), worst, self.limits.max_wedge_loo_error, ""),
        )

    # -------------------------------------------------------------- decision

    def proposal(self) -> Proposal:
        reasons: list[str] = []
        for report in self.steps:
            if report.status is not StepStatus.DONE:
                step, status = report.step.value, report.status.value
                reasons.append(
                    texts.STEP_NOT_DONE_BECAUSE.render(step=step, status=status,
                                                       message=report.message)
                    if report.message else texts.STEP_NOT_DONE.render(step=step, status=status)
                )
                continue
            reasons += [texts.STEP_CHECK_FAILED.render(step=report.step.value,
                                                       check=c.describe())
                        for c in report.checks if not c.passed]
        iq = self.iq_report
        if iq is not None:
            reasons += [texts.IQ_TEST_FAILED.render(title=r.title, summary=r.summary())
                        for r in iq.results if not r.passed]
        return Proposal(accept=not reasons, reasons=tuple(reasons))

    def accept(self, operator: str) -> AcceptedCalibration:
        """Store the calibration and its verification run; refused unless proposed."""
        proposal = self.proposal()
        if not proposal.accept:
            raise WizardError("calibration not accepted: " + "; ".join(proposal.reasons))
        if self._closed or self._outcome is None:
            raise WizardError("nothing to accept")
        detector_id, materials_id = store_calibration(
            self.config, self.database, self._outcome.detector, self._outcome.materials,
            operator=operator,
        )
        iq_id = None
        if self.iq_report is not None:
            iq_id = ImageQualityRepository(self.database, self.config.station_id).save(
                self.iq_report, operator=operator, calibration_id=detector_id,
                purpose="verification",
            )
        self._closed = True
        return AcceptedCalibration(detector_id, materials_id, iq_id)

    def reject(self, operator: str, reason: str = "") -> str | None:
        """Keep the current calibration; record why. Returns the stored IQ run's id, if any."""
        if self._closed:
            raise WizardError("this calibration attempt is already finished")
        proposal = self.proposal()
        details: Mapping[str, object] = {
            "scanner_serial": self.driver.info.serial,
            "reason": reason or "; ".join(proposal.reasons) or "rejected by the technician",
            "failed_checks": list(proposal.reasons),
            "steps": {r.step.value: r.status.value for r in self.steps},
        }
        subject = None if self._outcome is None else self._outcome.detector.calibration_id
        iq_id = None
        AuditLog(self.database, self.config.station_id).record(
            operator, ACTION_CALIBRATION_REJECTED, subject, details
        )
        if self.iq_report is not None:
            iq_id = ImageQualityRepository(self.database, self.config.station_id).save(
                self.iq_report, operator=operator, calibration_id=None, purpose="verification"
            )
        self._closed = True
        return iq_id


@dataclass(frozen=True)
class StepSummary:
    """A step as the GUI lists it (plain values, safe across threads)."""

    step: str
    status: str
    passed: bool
    lines: tuple[str, ...] = field(default_factory=tuple)


def summarize(wizard: CalibrationWizard) -> tuple[StepSummary, ...]:
    return tuple(
        StepSummary(r.step.value, r.status.value, r.passed,
                    tuple(c.describe() for c in r.checks) + ((r.message,) if r.message else ()))
        for r in wizard.steps
    )
