"""The technician's workspace: calibration wizard, detector diagnostics, image quality.

Three tabs over the Qt-free core (``station_app.technician``):

* **Calibration** — the wizard's steps (dark, air, step wedge, verification) with
  each check against its limit, the flat-field residual per pixel and the wedge's
  leave-one-out Zeff errors as plots with their limits, the proposal, Accept /
  Reject; below, the scanner's calibration history with trend plots.
* **Diagnostics** — offset, gain and noise per pixel (both channels) with the
  dead/noisy thresholds drawn, the dead and noisy pixel list, and a live panel
  (X-ray, belt, tube, temperatures, interlocks, faults, line counters and rate,
  link statistics) refreshed by a timer.
* **Image quality** — run the ASTM F792-style test, its per-test table (select a
  test for its measurements) and the scanner's test history.

Scans take seconds to minutes: they run on a worker thread (``QThreadPool``); the
buttons are disabled meanwhile and the GUI stays responsive. Errors are shown in
the workspace's message line, never swallowed. Plots are matplotlib figures on a
``FigureCanvasQTAgg`` (never pyplot: no global state, no extra windows).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.accounts import Principal
from station_app.gui.core_texts import core_text
from station_app.gui.protocols import TechnicianStationLike
from station_app.imaging.iq_test import IqReport, IqTestResult
from station_app.supervision.shift_report import FONT_FAMILY
from station_app.technician.calibration_wizard import CalibrationWizard, StepName, StepStatus
from station_app.technician.diagnostics import DetectorDiagnostics, LiveStatus
from station_app.technician.history import ScannerHistory

log = logging.getLogger(__name__)

LIVE_POLL_MS = 1000
_FIG_BG = "#1e1f22"
_FG = "#e6e6e6"
_PASS, _FAIL = "#2fa862", "#d94452"
_HIGH, _LOW = "#5a8fd6", "#e0a800"


class _JobSignals(QObject):
    progress = Signal(str)
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    """Runs ``work(progress)`` on a pool thread; results come back as queued signals."""

    def __init__(self, work: Callable[[Callable[[str], None]], object]) -> None:
        super().__init__()
        self.signals = _JobSignals()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.signals.progress.emit)
        except Exception as exc:  # shown to the technician, with the reason
            log.exception("technician job failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))
            return
        self.signals.finished.emit(result)


class _Plot(FigureCanvasQTAgg):
    """A dark matplotlib figure sized in lines of text (readable at 1080p and 4K)."""

    def __init__(self, parent: QWidget, rows: int, height_lines: int = 16) -> None:
        figure = Figure(facecolor=_FIG_BG, layout="constrained")
        super().__init__(figure)  # type: ignore[no-untyped-call]  # matplotlib is untyped here
        self.setParent(parent)
        self.rows = rows
        self.setMinimumHeight(self.fontMetrics().height() * height_lines)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)
        self.font_pt = max(self.font().pointSizeF(), 8.0)

    def axes(self) -> list[Any]:
        self.figure.clear()
        axes = [self.figure.add_subplot(self.rows, 1, i + 1) for i in range(self.rows)]
        for ax in axes:
            ax.set_facecolor("#17181a")
            ax.tick_params(colors=_FG, labelsize=self.font_pt * 0.85)
            for spine in ax.spines.values():
                spine.set_color("#55585f")
            ax.title.set_color(_FG)
            ax.title.set_fontsize(self.font_pt)
            ax.xaxis.label.set_color(_FG)
            ax.yaxis.label.set_color(_FG)
            # Translated titles and labels: Hangul comes from a CJK font (DejaVu has none).
            for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
                text.set_fontfamily(FONT_FAMILY)
        return axes

    def redraw(self) -> None:
        self.draw_idle()  # type: ignore[no-untyped-call]

    def style_legend(self, ax: Any) -> None:
        legend = ax.legend(prop={"family": FONT_FAMILY, "size": self.font_pt * 0.8},
                           facecolor="#2b2d31", edgecolor="#55585f")
        for text in legend.get_texts():
            text.set_color(_FG)


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(
    table: QTableWidget, rows: list[list[str]], colours: Sequence[str | None] | None = None
) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if colours is not None and colours[r] is not None and c == 1:
                item.setForeground(_qcolor(colours[r]))
            table.setItem(r, c, item)


def _qcolor(name: str | None) -> Any:
    from PySide6.QtGui import QColor

    return QColor(name or _FG)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


class TechnicianWorkspace(QWidget):
    """Standalone widget; the sign-in shell hosts it for the technician role."""

    def __init__(
        self,
        station: TechnicianStationLike,
        principal: Principal | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("technicianWorkspace")
        self._station = station
        self._principal = principal
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one scanner: one technician job at a time
        self._jobs: set[_Job] = set()
        self.wizard: CalibrationWizard | None = None
        self.last_iq_report: IqReport | None = None
        self.diagnostics: DetectorDiagnostics | None = None

        layout = QVBoxLayout(self)
        # Calibration and tests need the scanner to themselves: screening pauses first.
        screening_row = QHBoxLayout()
        self.screening_label = QLabel(self)
        self.screening_label.setObjectName("screeningState")
        self.screening_button = QPushButton(self)
        self.screening_button.setObjectName("screeningButton")
        self.screening_button.clicked.connect(self.toggle_screening)
        screening_row.addWidget(self.screening_label, 1)
        screening_row.addWidget(self.screening_button)
        layout.addLayout(screening_row)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("technicianMessage")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_calibration_tab(), self.tr("Calibration"))
        self.tabs.addTab(self._build_diagnostics_tab(), self.tr("Diagnostics"))
        self.tabs.addTab(self._build_iq_tab(), self.tr("Image quality"))
        layout.addWidget(self.tabs)

        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_POLL_MS)
        self._live_timer.timeout.connect(self.refresh_live)
        self._live_timer.start()
        self._show_screening()
        self._render_steps()
        self.refresh_history()
        self.refresh_diagnostics()
        self.refresh_live()

    # ------------------------------------------------------------- screening

    def _show_screening(self) -> None:
        screening = self._station.screening
        self.screening_label.setText(
            self.tr("Screening parcels: the scanner is in use.")
            if screening
            else self.tr("Screening paused: the scanner is free for calibration and tests.")
        )
        self.screening_button.setText(
            self.tr("Pause screening") if screening else self.tr("Resume screening")
        )
        self.screening_button.setEnabled(not self.busy)

    def toggle_screening(self) -> None:
        """Pause screening for maintenance, or resume it (with the newest calibration)."""
        try:
            if self._station.screening:
                self._station.pause_screening(self._principal)
                self.show_message(self.tr("Screening paused."))
            else:
                self._station.resume_screening(self._principal)
                self.show_message(self.tr("Screening resumed."))
        except Exception as exc:  # refused or failed: the technician must see why
            log.exception("screening change failed")
            self.show_message(str(exc), error=True)
        self._show_screening()

    # ------------------------------------------------------------- messages

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("error", error)
        colour = _FAIL if error else _FG
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: {600 if error else 400};")

    def _run(
        self,
        work: Callable[[Callable[[str], None]], object],
        done: Callable[[Any], None],
        start_text: str,
    ) -> None:
        if self.busy:
            self.show_message(self.tr("Another scan is still running."), error=True)
            return
        job = _Job(work)
        self._jobs.add(job)

        def finished(result: object) -> None:
            self._jobs.discard(job)
            self._update_buttons()
            try:
                done(result)
            except Exception as exc:  # a display problem must not hide the result silently
                log.exception("technician result display failed")
                self.show_message(str(exc), error=True)

        def failed(message: str) -> None:
            self._jobs.discard(job)
            self._update_buttons()
            self.show_message(self.tr("Failed: %1").replace("%1", message), error=True)
            self._render_steps()

        job.signals.progress.connect(lambda text: self.show_message(core_text(text)))
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.show_message(start_text)
        self._update_buttons(running=True)
        self._pool.start(job)

    def _update_buttons(self, running: bool | None = None) -> None:
        running = self.busy if running is None else running
        wizard = self.wizard
        calibrated = wizard is not None and wizard.detector is not None and not wizard.closed
        verified = calibrated and wizard is not None and wizard.iq_report is not None
        self.screening_button.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.verify_button.setEnabled(not running and calibrated)
        self.accept_button.setEnabled(
            not running and verified and wizard is not None and wizard.proposal().accept
        )
        self.reject_button.setEnabled(not running and wizard is not None and not wizard.closed)
        self.iq_button.setEnabled(not running)

    # ----------------------------------------------------------- calibration

    def _build_calibration_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("1. Calibrate (dark, air, step wedge)"), tab)
        self.start_button.setObjectName("startCalibration")
        self.start_button.clicked.connect(self.start_calibration)
        self.verify_button = QPushButton(self.tr("2. Verify (air check, test piece)"), tab)
        self.verify_button.setObjectName("verifyCalibration")
        self.verify_button.clicked.connect(self.verify_calibration)
        self.accept_button = QPushButton(self.tr("Accept"), tab)
        self.accept_button.setObjectName("acceptCalibration")
        self.accept_button.clicked.connect(self.accept_calibration)
        self.reject_button = QPushButton(self.tr("Reject"), tab)
        self.reject_button.setObjectName("rejectCalibration")
        self.reject_button.clicked.connect(lambda: self.reject_calibration())
        for b in (self.start_button, self.verify_button, self.accept_button, self.reject_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.proposal_label = QLabel(tab)
        self.proposal_label.setObjectName("proposalLabel")
        self.proposal_label.setWordWrap(True)
        outer.addWidget(self.proposal_label)

        splitter = QSplitter(tab)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        self.steps_table = _table(left, [self.tr("Step"), self.tr("Status"), self.tr("Result")],
                                  "wizardSteps")
        left_layout.addWidget(self.steps_table)
        self.checks_text = QPlainTextEdit(left)
        self.checks_text.setObjectName("wizardChecks")
        self.checks_text.setReadOnly(True)
        left_layout.addWidget(self.checks_text)
        self.residual_plot = _Plot(splitter, rows=2)
        splitter.addWidget(left)
        splitter.addWidget(self.residual_plot)
        outer.addWidget(splitter, 3)

        history = QGroupBox(self.tr("Calibration history"), tab)
        h_layout = QHBoxLayout(history)
        self.history_table = _table(
            history,
            [self.tr("Date"), self.tr("Operator"), self.tr("Dead"), self.tr("Noisy"),
             self.tr("Dark noise"), self.tr("Gain"), self.tr("Wedge worst")],
            "calibrationHistory",
        )
        h_layout.addWidget(self.history_table, 1)
        self.trend_plot = _Plot(history, rows=3, height_lines=14)
        h_layout.addWidget(self.trend_plot, 1)
        outer.addWidget(history, 2)
        return tab

    def start_calibration(self) -> None:
        try:
            self.wizard = self._station.calibration_wizard(self._principal)
        except Exception as exc:
            self.show_message(str(exc), error=True)
            return
        wizard = self.wizard
        self._render_steps()

        def work(progress: Callable[[str], None]) -> object:
            wizard.run_calibration(progress)
            return None

        self._run(work, lambda _r: self._after_step(), self.tr("Calibrating…"))

    def verify_calibration(self) -> None:
        wizard = self.wizard
        if wizard is None:
            return

        def work(progress: Callable[[str], None]) -> object:
            wizard.run_verification(progress)
            return None

        self._run(work, lambda _r: self._after_step(), self.tr("Verifying…"))

    def _after_step(self) -> None:
        self._render_steps()
        failed = [s for s in self.wizard.steps if s.status is StepStatus.FAILED] if (
            self.wizard is not None) else []
        if failed:
            self.show_message(
                self.tr("Step %1 failed: %2").replace("%1", self._step_text(failed[0].step))
                .replace("%2", core_text(failed[0].message)), error=True)
        else:
            self.show_message(self.tr("Step finished."))

    def accept_calibration(self) -> None:
        if self.wizard is None or self._principal is None:
            return
        try:
            stored = self.wizard.accept(self._principal.username)
        except Exception as exc:
            self.show_message(str(exc), error=True)
            return
        self.show_message(self.tr("Calibration %1 accepted and stored.")
                          .replace("%1", stored.detector_id[:8]))
        self._render_steps()
        self.refresh_history()
        self.refresh_diagnostics()

    def reject_calibration(self, reason: str | None = None) -> None:
        """Reject the attempt; the reason (asked for when not given) goes to the audit trail."""
        if self.wizard is None or self._principal is None:
            return
        if reason is None:
            reason, confirmed = QInputDialog.getText(
                self, self.tr("Reject calibration"), self.tr("Reason (kept in the audit trail):")
            )
            if not confirmed:
                return
        try:
            self.wizard.reject(self._principal.username, reason.strip())
        except Exception as exc:
            self.show_message(str(exc), error=True)
            return
        self.show_message(self.tr("Calibration rejected; the current one stays in use."))
        self._render_steps()
        self.refresh_history()

    def _step_text(self, step: StepName) -> str:
        texts = {
            StepName.DARK: self.tr("dark"),
            StepName.AIR: self.tr("air"),
            StepName.WEDGE: self.tr("wedge"),
            StepName.VERIFICATION: self.tr("verification"),
        }
        return texts.get(step, str(step))

    def _status_text(self, status: StepStatus) -> str:
        texts = {
            StepStatus.PENDING: self.tr("pending"),
            StepStatus.RUNNING: self.tr("running"),
            StepStatus.DONE: self.tr("done"),
            StepStatus.FAILED: self.tr("failed"),
        }
        return texts.get(status, str(status))

    def _render_steps(self) -> None:
        wizard = self.wizard
        self._update_buttons()
        if wizard is None:
            self.steps_table.setRowCount(0)
            self.proposal_label.setText(self.tr("Start a calibration to see its checks."))
            self._plot_residuals()
            return
        rows, colours, lines = [], [], []
        for report in wizard.steps:
            verdict = (self.tr("pass") if report.passed else self.tr("fail")) if (
                report.status is StepStatus.DONE) else ""
            rows.append([self._step_text(report.step), self._status_text(report.status),
                         verdict])
            colours.append(_PASS if report.passed else _FAIL if report.status in (
                StepStatus.FAILED, StepStatus.DONE) else None)
            lines.append(f"[{self._step_text(report.step)}] {core_text(report.message)}")
            lines += [f"    {core_text(c.describe())}" for c in report.checks]
        _fill(self.steps_table, rows, colours)
        if wizard.iq_report is not None:  # the CLI's table, in the GUI's language
            lines += [f"{core_text(r.title)}: {self.tr('PASS') if r.passed else self.tr('FAIL')}"
                      f" — {core_text(r.summary())}" for r in wizard.iq_report.results]
        self.checks_text.setPlainText("\n".join(lines))
        proposal = wizard.proposal()
        if wizard.closed:
            text = self.tr("This attempt is finished.")
        elif proposal.accept:
            text = self.tr("Proposal: ACCEPT — every check passed.")
        else:
            text = self.tr("Proposal: REJECT — %1").replace(
                "%1", "; ".join(core_text(reason) for reason in proposal.reasons[:3]))
        self.proposal_label.setText(text)
        self._plot_residuals()

    def _plot_residuals(self) -> None:
        flat_ax, wedge_ax = self.residual_plot.axes()
        wizard = self.wizard
        flat_ax.set_title(self.tr("Flat-field residual per pixel (A in air)"))
        wedge_ax.set_title(self.tr("Step wedge: leave-one-out Zeff error (%)"))
        if wizard is not None and wizard.flat_field_residual is not None:
            flat = wizard.flat_field_residual
            limit = wizard.limits.max_flat_field_residual
            flat_ax.plot(np.arange(flat.size), flat, color=_HIGH, linewidth=0.8)
            for y in (-3 * limit, 3 * limit):
                flat_ax.axhline(y, color=_FAIL, linestyle="--", linewidth=0.8)
            flat_ax.set_xlabel(self.tr("pixel"))
        if wizard is not None and wizard.wedge_residuals:
            residuals = wizard.wedge_residuals
            errors = [100 * r.relative_error for r in residuals]
            limit_pct = 100 * wizard.limits.max_wedge_loo_error
            colours = [_PASS if abs(e) <= limit_pct else _FAIL for e in errors]
            wedge_ax.bar(np.arange(len(errors)), errors, color=colours)
            for y in (-limit_pct, limit_pct):
                wedge_ax.axhline(y, color=_FAIL, linestyle="--", linewidth=0.8)
            wedge_ax.set_xticks(np.arange(len(errors)))
            wedge_ax.set_xticklabels([f"{r.material[:4]} {r.thickness_mm:g}" for r in residuals],
                                     rotation=90, fontsize=self.residual_plot.font_pt * 0.7)
        self.residual_plot.redraw()

    def refresh_history(self) -> None:
        try:
            history = self._station.scanner_history(self._principal)
        except Exception as exc:
            self.show_message(self.tr("History unavailable: %1").replace("%1", str(exc)),
                              error=True)
            return
        self.history = history
        rows = []
        for point in reversed(history.calibrations):
            v = point.values
            rows.append([_when(point.created_at), point.operator, _fmt(v["dead_pixels"]),
                         _fmt(v["noisy_pixels"]), _fmt(v["dark_noise_counts"]),
                         _fmt(v["gain_counts"], 5), f"{100 * v['wedge_worst_error']:.2f} %"
                         if math.isfinite(v["wedge_worst_error"]) else "—"])
        _fill(self.history_table, rows)
        self._plot_trends(history)
        self._fill_iq_history(history)

    def _plot_trends(self, history: ScannerHistory) -> None:
        axes = self.trend_plot.axes()
        for ax, (name, title) in zip(axes, (
            ("dead_pixels", self.tr("Dead pixels")),
            ("dark_noise_counts", self.tr("Dark noise (counts)")),
            ("gain_counts", self.tr("Gain (counts)")),
        ), strict=True):
            times, values = history.series(name)
            ax.plot(times, values, marker="o", color=_HIGH, linewidth=1)
            slope = history.trend_per_day(name)
            ax.set_title(title if slope is None else self.tr("%1 — %2/day")
                         .replace("%1", title).replace("%2", f"{slope:+.3g}"))
            ax.tick_params(axis="x", labelrotation=20)
        self.trend_plot.redraw()

    # ----------------------------------------------------------- diagnostics

    def _build_diagnostics_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QHBoxLayout(tab)
        left = QVBoxLayout()
        refresh = QPushButton(self.tr("Reload from the stored calibration"), tab)
        refresh.setObjectName("refreshDiagnostics")
        refresh.clicked.connect(self.refresh_diagnostics)
        left.addWidget(refresh)
        self.maps_plot = _Plot(tab, rows=3, height_lines=24)
        left.addWidget(self.maps_plot, 3)
        self.bad_pixel_label = QLabel(tab)
        self.bad_pixel_label.setObjectName("badPixelSummary")
        left.addWidget(self.bad_pixel_label)
        self.bad_pixel_table = _table(
            tab, [self.tr("Pixel"), self.tr("Kind"), self.tr("Channel"), self.tr("Reason")],
            "badPixels")
        left.addWidget(self.bad_pixel_table, 1)
        outer.addLayout(left, 3)

        live = QGroupBox(self.tr("Scanner (live)"), tab)
        self.live_form = QFormLayout(live)
        self.live_labels: dict[str, QLabel] = {}
        for key, text in (
            ("xray", self.tr("X-rays")), ("belt", self.tr("Belt")), ("tube", self.tr("Tube")),
            ("temps", self.tr("Temperatures")), ("interlocks", self.tr("Interlocks")),
            ("faults", self.tr("Faults")), ("lines", self.tr("Lines acquired / dropped")),
            ("rate", self.tr("Line rate (measured / nominal)")), ("link", self.tr("Serial link")),
        ):
            label = QLabel("—", live)
            label.setObjectName(f"live_{key}")
            label.setWordWrap(True)
            self.live_labels[key] = label
            self.live_form.addRow(text, label)
        outer.addWidget(live, 1)
        return tab

    def refresh_diagnostics(self) -> None:
        try:
            diag = self._station.detector_diagnostics(self._principal)
        except Exception as exc:
            self.show_message(self.tr("Diagnostics unavailable: %1").replace("%1", str(exc)),
                              error=True)
            return
        self.diagnostics = diag
        axes = self.maps_plot.axes()
        pixels = np.arange(diag.pixels)
        for ax, (attr, title, level_attr) in zip(axes, (
            ("offset", self.tr("Dark offset (counts)"), None),
            ("gain", self.tr("Gain: air − dark (counts)"), "dead_gain_level"),
            ("noise", self.tr("Dark noise (counts)"), "noisy_noise_level"),
        ), strict=True):
            for channel, colour in (("high", _HIGH), ("low", _LOW)):
                maps = diag.channel(channel)  # type: ignore[arg-type]
                ax.plot(pixels, getattr(maps, attr), color=colour, linewidth=0.7,
                        label=self.tr("high energy") if channel == "high" else self.tr(
                            "low energy"))
                if level_attr is not None:
                    ax.axhline(getattr(maps, level_attr), color=colour, linestyle="--",
                               linewidth=0.8)
            ax.set_title(title)
        axes[-1].set_xlabel(self.tr("pixel"))
        self.maps_plot.style_legend(axes[0])
        self.maps_plot.redraw()
        self.bad_pixel_label.setText(
            self.tr("%1 dead, %2 noisy (dead: gain < %3 × median; noisy: noise > %4 × median)")
            .replace("%1", str(len(diag.dead_pixels))).replace("%2", str(len(diag.noisy_pixels)))
            .replace("%3", f"{diag.dead_gain_ratio:g}").replace("%4", f"{diag.dead_noise_ratio:g}")
        )
        _fill(self.bad_pixel_table,
              [[str(f.pixel), f.kind, f.channel, f.reason] for f in diag.flags])

    def refresh_live(self) -> None:
        if self.busy:
            return  # the worker owns the scanner link while it scans
        try:
            live = self._station.live_scanner_status(self._principal)
        except Exception as exc:
            self.live_labels["faults"].setText(str(exc))
            return
        self.show_live(live)

    def show_live(self, live: LiveStatus) -> None:
        s = live.status
        on, off = self.tr("on"), self.tr("off")
        self.live_labels["xray"].setText(on if s.xray_on else off)
        self.live_labels["belt"].setText(
            f"{on if s.belt_running else off}, {s.belt_speed_m_s:.2f} m/s")
        self.live_labels["tube"].setText(f"{s.tube_kv:.0f} kV, {s.tube_ma:.2f} mA")
        self.live_labels["temps"].setText(self.tr("tube %1 °C, detector %2 °C")
                                          .replace("%1", _fmt(s.tube_temperature_c))
                                          .replace("%2", _fmt(s.detector_temperature_c)))
        self.live_labels["interlocks"].setText(", ".join(
            f"{name}: {self.tr('closed') if ok else self.tr('OPEN')}"
            for name, ok in live.interlocks))
        self.live_labels["interlocks"].setStyleSheet(
            f"color: {_PASS if s.interlocks.all_closed else _FAIL};")
        self.live_labels["faults"].setText("; ".join(s.faults) or self.tr("none"))
        self.live_labels["lines"].setText(
            f"{s.lines_acquired} / {s.lines_dropped} ({100 * live.dropped_fraction:.3f} %)")
        self.live_labels["rate"].setText(
            f"{_fmt(live.measured_line_rate_hz, 4)} / {live.nominal_line_rate_hz:g} Hz")
        self.live_labels["link"].setText(
            self.tr("no serial link") if live.link is None else
            ", ".join(f"{k} {v}" for k, v in live.link.items() if v))

    # ---------------------------------------------------------- image quality

    def _build_iq_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        self.iq_button = QPushButton(self.tr("Run image-quality test"), tab)
        self.iq_button.setObjectName("runIqTest")
        self.iq_button.clicked.connect(self.run_iq_test)
        outer.addWidget(self.iq_button)
        self.iq_overall = QLabel(tab)
        self.iq_overall.setObjectName("iqOverall")
        outer.addWidget(self.iq_overall)
        split = QSplitter(tab)
        self.iq_table = _table(split, [self.tr("Test"), self.tr("Result"), self.tr("Achieved"),
                                       self.tr("Required")], "iqResults")
        self.iq_table.itemSelectionChanged.connect(self._show_iq_measurements)
        self.iq_measurements = _table(split, [self.tr("Element"), self.tr("OK"),
                                              self.tr("Value")], "iqMeasurements")
        split.addWidget(self.iq_table)
        split.addWidget(self.iq_measurements)
        outer.addWidget(split, 2)
        group = QGroupBox(self.tr("Image-quality history"), tab)
        g = QVBoxLayout(group)
        self.iq_history_table = _table(
            group, [self.tr("Date"), self.tr("Result"), self.tr("Operator"), self.tr("Purpose"),
                    self.tr("Failed tests")], "iqHistory")
        g.addWidget(self.iq_history_table)
        outer.addWidget(group, 1)
        return tab

    def run_iq_test(self) -> None:
        principal, station = self._principal, self._station

        def work(progress: Callable[[str], None]) -> object:
            return station.run_image_quality_test(principal, progress)

        self._run(work, self._after_iq, self.tr("Scanning the test piece…"))

    def _after_iq(self, result: tuple[IqReport, str]) -> None:
        report, _run_id = result
        self.last_iq_report = report
        self._show_iq(report.results)
        text = self.tr("PASS") if report.passed else self.tr("FAIL")
        self.iq_overall.setText(self.tr("Overall: %1").replace("%1", text))
        self.iq_overall.setStyleSheet(
            f"color: {_PASS if report.passed else _FAIL}; font-weight: bold; font-size: 130%;")
        self.show_message(self.tr("Image-quality test stored."), error=not report.passed)
        self.refresh_history()

    def _show_iq(self, results: tuple[IqTestResult, ...]) -> None:
        self._iq_results = results
        rows = [[core_text(r.title), self.tr("PASS") if r.passed else self.tr("FAIL"),
                 "—" if r.achieved is None else f"{r.achieved:g} {core_text(r.unit)}",
                 f"{'≥' if r.higher_is_better else '≤'} {r.required:g} {core_text(r.unit)}"]
                for r in results]
        _fill(self.iq_table, rows, [_PASS if r.passed else _FAIL for r in results])
        if results:
            self.iq_table.selectRow(0)

    def _show_iq_measurements(self) -> None:
        row = self.iq_table.currentRow()
        results = getattr(self, "_iq_results", ())
        if not 0 <= row < len(results):
            return
        ms = results[row].measurements
        _fill(self.iq_measurements,
              [[core_text(m.label), self.tr("yes") if m.ok else self.tr("no"),
                f"{m.value:.3g} {core_text(m.unit)}"]
               for m in ms], [_PASS if m.ok else _FAIL for m in ms])

    def _purpose_text(self, purpose: str) -> str:
        texts = {"routine": self.tr("routine"), "verification": self.tr("verification")}
        return texts.get(purpose, purpose)

    def _fill_iq_history(self, history: ScannerHistory) -> None:
        rows, colours = [], []
        for run in reversed(history.iq_runs):
            rows.append([_when(run.created_at),
                         self.tr("PASS") if run.passed else self.tr("FAIL"), run.operator,
                         self._purpose_text(run.purpose),
                         ", ".join(core_text(r.title) for r in run.results if not r.passed)])
            colours.append(_PASS if run.passed else _FAIL)
        _fill(self.iq_history_table, rows, colours)
