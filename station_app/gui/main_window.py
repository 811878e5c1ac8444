"""The inspector workspace.

Layout: display toolbar on top; the image canvas fills the centre; on the
right the decision panel over the manifest panel; the parcel queue strip
along the bottom; the station status bar below it.

Flow: a parcel arrives (through the adapter) and joins the queue strip; it is
shown at once when nothing undecided is on screen, otherwise it waits so the
image never changes under an inspector who is looking at it. A decision is
timed from the moment the image was shown, recorded through the station, and
the oldest undecided parcel in the strip is shown next.

Marks: the boxes the inspector drew on the canvas (``M``) go with the decision
(or the TIP response); a decided parcel shown again draws its decision's marks,
read-only. After a TIP response the reveal says whether a mark was on the item.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from station_app.accounts import Principal, manifest_for_principal
from station_app.domain import BoxPx, Decision, ParcelScan, TipImage, Verdict
from station_app.gui.adapter import StationAdapter
from station_app.gui.canvas import ImageCanvas
from station_app.gui.certificate_panel import CertificatePanel
from station_app.gui.check_panel import add_check_dock
from station_app.gui.core_texts import core_text
from station_app.gui.decision_panel import DecisionPanel
from station_app.gui.manifest_panel import ManifestPanel
from station_app.gui.protocols import StationLike, StationStatusLike
from station_app.gui.queue_strip import QueueStrip, ThumbnailFn
from station_app.gui.status_bar import StationStatusBar
from station_app.gui.toolbar import DisplayToolBar
from station_app.imaging.render import DisplaySettings
from station_app.manifests.model import Manifest
from station_app.tip.scoring import mark_on_item

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        station: StationLike,
        *,
        principal: Principal | None,
        thumbnail_fn: ThumbnailFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorWindow")
        self._station = station
        # Who decides, in which language; None while nobody is signed in (parcels
        # still queue, decisions are refused, manifests are masked).
        self._principal = principal
        config = station.config
        self._red_alarm_kinds = frozenset(config.triage.red_alarm_kinds)
        self._current: ParcelScan | None = None
        self._shown_ns: int | None = None
        self._tip_pending: set[int] = set()  # TIP images not yet answered (presentation ids)
        # The marks of each decided parcel in the strip, drawn when it is shown again.
        self._decision_marks: dict[str, tuple[BoxPx, ...]] = {}
        self.tip_message: QMessageBox | None = None  # the reveal after a TIP response
        self._update_title()

        self.toolbar = DisplayToolBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.addActions(self.toolbar.shortcut_actions)

        self.canvas = ImageCanvas(
            station.renderer,
            red_alarm_kinds=self._red_alarm_kinds,
            item_label=self._item_label,
        )
        self.toolbar.addSeparator()
        for action in (
            self.canvas.zoom_out_action,
            self.canvas.fit_action,
            self.canvas.zoom_in_action,
            self.canvas.overlay_action,
            self.canvas.mark_action,
        ):
            self.toolbar.addAction(action)

        self.decision_panel = DecisionPanel(item_label=self._item_label)
        self.manifest_panel = ManifestPanel()
        side = QWidget()
        side.setObjectName("sidePanel")
        side_layout = QVBoxLayout(side)
        em = self.fontMetrics().height()
        side_layout.setContentsMargins(em // 2, em // 2, em // 2, em // 2)
        side_layout.addWidget(self.decision_panel, 3)
        side_layout.addWidget(self.manifest_panel, 1)
        self.certificate_panel = CertificatePanel(station)
        side_layout.addWidget(self.certificate_panel, 1)
        # Width in font units: the panel reads the same at 1080p and 4K.
        side.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.canvas)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)

        self.queue_strip = QueueStrip(
            station.renderer, max_items=config.gui.queue_thumbnails, thumbnail_fn=thumbnail_fn,
            loader=self._load_stored_parcel,
        )
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(splitter, 1)
        central_layout.addWidget(self.queue_strip)
        self.setCentralWidget(central)

        self.status_bar = StationStatusBar(
            calibration_max_age_h=config.calibration.max_age_hours, parent=self
        )
        self.setStatusBar(self.status_bar)
        # Refreshed with each status poll: a model update or rollback changes it.
        self._detector_status = station.detector_status()
        self.status_bar.set_detector_status(self._detector_status)

        self.adapter = StationAdapter(station, parent=self)
        self.adapter.parcel_arrived.connect(self.add_parcel)
        self.adapter.parcel_failed.connect(self._on_parcel_failed)
        self.queue_strip.load_failed.connect(self._on_parcel_not_loaded)
        self.adapter.error_raised.connect(self.status_bar.show_error)
        self.adapter.status_changed.connect(self._on_status)
        self.adapter.sync_status_changed.connect(self.status_bar.update_sync)
        self.adapter.decision_recorded.connect(self._on_decision_recorded)
        self.adapter.pipeline_stopped.connect(
            lambda: self.status_bar.show_info(self.tr("Pipeline stopped"))
        )

        self.toolbar.settings_changed.connect(self.canvas.set_display_settings)
        self.decision_panel.decision_requested.connect(self.decide)
        # Canvas and panel list share the jump order, so an index is a row.
        self.canvas.overlay_selected.connect(self.decision_panel.select_overlay_row)
        self.decision_panel.overlay_requested.connect(self.canvas.select_overlay)
        self.queue_strip.parcel_activated.connect(self.show_parcel_by_id)
        self.certificate_panel.scan_entered.connect(self.canvas.setFocus)

        # Physical checks of flagged parcels (check_panel): a dock shown to roles that may
        # record them, refreshed after every decision; None for a core without them.
        self.check_dock = add_check_dock(self, station)
        if self.check_dock is not None:
            self.adapter.decision_recorded.connect(self.check_dock.panel.request_refresh)
            self.check_dock.panel.leave_requested.connect(self.canvas.setFocus)
            self.check_dock.set_principal(principal)

        self.resize(em * 90, em * 52)
        self.canvas.setFocus()

    # -- who is signed in ------------------------------------------------------

    @property
    def principal(self) -> Principal | None:
        return self._principal

    def set_principal(self, principal: Principal | None) -> None:
        """Hand the workspace to another signed-in person (or to nobody).

        The parcel on screen is shown again: its manifest as the new person may see
        it, item names in their language, and their decision time from now.
        """
        self._principal = principal
        self._update_title()
        if self.check_dock is not None:
            self.check_dock.set_principal(principal)
        if self._current is not None:
            self.show_parcel(self._current)

    def _update_title(self) -> None:
        who = self._principal.display_name if self._principal is not None else self.tr("nobody")
        self.setWindowTitle(
            self.tr("Inspection station {0} — {1}").format(self._station.config.station_id, who)
        )

    def _item_label(self, class_name: str) -> str:
        language = self._principal.language if self._principal is not None else None
        return self._station.item_label(class_name, language)

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Begin receiving the station's events (the station is started by the app)."""
        self.adapter.start()

    def closeEvent(self, event: QCloseEvent, /) -> None:  # noqa: N802 (Qt override)
        # No more GUI updates from the core once the window is going away.
        self.adapter.stop()
        super().closeEvent(event)

    # -- parcels -----------------------------------------------------------------

    @property
    def current_parcel(self) -> ParcelScan | None:
        return self._current

    def add_parcel(self, parcel: ParcelScan) -> None:
        if parcel.tip is not None:
            self._tip_pending.add(parcel.tip.presentation_id)
        self.queue_strip.add_parcel(parcel)
        current = self._current
        if current is None or self.queue_strip.verdict(current.scan_id) is not None:
            self.show_parcel(parcel)

    def take_over(self, previous: MainWindow) -> None:
        """Continue ``previous``'s queue (its parcels, verdicts and unanswered TIP images):
        the window is rebuilt when the language changes, since widgets read their texts
        when they are made. ``previous`` stops listening to the station here; call
        after this window's ``start()`` so no parcel falls between the two."""
        previous.adapter.stop()
        previous.adapter.poll()  # what it had queued but not yet shown
        self._tip_pending |= previous._tip_pending
        for scan_id in previous.queue_strip.scan_ids():
            if not previous.queue_strip.in_memory(scan_id):
                self.queue_strip.adopt(scan_id, previous.queue_strip)  # loaded at its turn
            elif (parcel := previous.queue_strip.parcel(scan_id)) is not None:
                self.add_parcel(parcel)
            else:
                continue
            verdict = previous.queue_strip.verdict(scan_id)
            if verdict is not None:
                self._mark_decided(scan_id, verdict, previous._decision_marks.get(scan_id, ()))
        current = previous.current_parcel
        if current is not None and self.queue_strip.parcel(current.scan_id) is not None:
            self.show_parcel(current)
        elif (following := self.queue_strip.next_undecided()) is not None:
            self.show_parcel(following)

    def show_parcel_by_id(self, scan_id: str) -> None:
        parcel = self.queue_strip.parcel(scan_id)
        if parcel is not None:
            self.show_parcel(parcel)

    def _pending_tip(self, parcel: ParcelScan) -> TipImage | None:
        tip = parcel.tip
        return tip if tip is not None and tip.presentation_id in self._tip_pending else None

    def show_parcel(self, parcel: ParcelScan) -> None:
        # A TIP image is shown in place of the parcel until the inspector decided on it;
        # nothing on screen tells them apart (that is the point of TIP).
        tip = self._pending_tip(parcel)
        shown = tip.parcel if tip is not None else parcel
        # Every new parcel starts in the reset display state.
        self.toolbar.set_settings(DisplaySettings(), emit=False)
        self.canvas.set_parcel(shown, DisplaySettings())
        self._current = parcel
        verdict = self.queue_strip.verdict(parcel.scan_id)
        if verdict is not None:  # decided: its marks, as they were, not to be edited
            self.canvas.set_marks(self._decision_marks.get(parcel.scan_id, ()), read_only=True)
        self.decision_panel.set_parcel(
            shown,
            verdict=verdict,
            red_alarm_kinds=self._red_alarm_kinds,
        )
        self.manifest_panel.set_parcel(parcel, self._lookup_manifest(parcel))
        self.certificate_panel.set_parcel(parcel)
        self.queue_strip.set_current(parcel.scan_id)
        # Decision time runs from here: the image is on screen at the next paint.
        self._shown_ns = time.perf_counter_ns()

    def _lookup_manifest(self, parcel: ParcelScan) -> Manifest | None:
        # Once per parcel shown, never per repaint: the panel keeps what it is given.
        if not parcel.tracking_id:
            return None
        try:
            manifest = self._station.manifest_for(parcel.tracking_id)
            # Personal data only for roles that need it (accounts.masking).
            return None if manifest is None else manifest_for_principal(manifest, self._principal)
        except Exception as exc:  # a lookup failure must not stop the inspection
            log.exception("manifest lookup for %s failed", parcel.tracking_id)
            self.status_bar.show_error(
                self.tr("Manifest for {0} could not be read: {1}").format(parcel.tracking_id, exc)
            )
            return None

    # -- decisions -----------------------------------------------------------

    def decide(self, verdict: Verdict) -> Decision | None:
        parcel = self._current
        if parcel is None or self.queue_strip.verdict(parcel.scan_id) is not None:
            return None
        if self._principal is None:
            self.status_bar.show_error(self.tr("Sign in to decide"))
            return None
        elapsed_ms = (
            (time.perf_counter_ns() - self._shown_ns) / 1e6 if self._shown_ns is not None else None
        )
        marks = self.canvas.marks()
        tip = self._pending_tip(parcel)
        if tip is not None:
            self._answer_tip(parcel, tip, verdict, elapsed_ms, marks)
            return None
        try:
            # The core checks the permission too: this window is not the protection.
            decision = self._station.record_decision(
                parcel.scan_id, verdict, self._principal, decision_time_ms=elapsed_ms,
                marks=marks,
            )
        except Exception as exc:  # the decision is not stored: say so, stay on the parcel
            log.exception("recording the decision for %s failed", parcel.scan_id)
            self.status_bar.show_error(
                self.tr("Decision not saved for {0}: {1}").format(parcel.scan_id, exc)
            )
            return None
        self._mark_decided(parcel.scan_id, verdict, decision.marks)
        self._advance()
        # The undecided count lives in the database: refresh it now, not at the next poll.
        self.adapter.poll_status()
        return decision

    def _answer_tip(
        self,
        parcel: ParcelScan,
        tip: TipImage,
        verdict: Verdict,
        elapsed_ms: float | None,
        marks: tuple[BoxPx, ...],
    ) -> None:
        """Score the response to a TIP image, reveal the item, then show the real parcel."""
        try:
            outcome = self._station.record_tip_response(
                self._principal, tip.presentation_id, verdict, elapsed_ms, marks=marks
            )
        except Exception as exc:  # not recorded: stay on the image, say why
            log.exception("TIP response %d not recorded", tip.presentation_id)
            self.status_bar.show_error(self.tr("TIP response not saved: {0}").format(exc))
            return
        self._tip_pending.discard(tip.presentation_id)
        item = self._item_label(tip.category)
        hit = outcome == "hit"
        # The marks stay beside the magenta outline, fixed, to compare with it.
        self.canvas.set_marks(marks, read_only=True)
        self.canvas.reveal(tip.box, self.tr("TIP: {0}").format(item))
        message = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Threat image projection"),
            (
                self.tr(
                    "This image held a projected {0}. You stopped the parcel: a hit.\n\n"
                    "The real parcel is shown next: decide on it as usual."
                )
                if hit
                else self.tr(
                    "This image held a projected {0}. You cleared it: a miss.\n\n"
                    "The real parcel is shown next: decide on it as usual."
                )
            ).format(item),
            QMessageBox.StandardButton.Ok,
            self,
        )
        message.setObjectName("tipReveal")
        if marks:
            message.setInformativeText(
                self.tr("A mark of yours is on the item (magenta outline).")
                if mark_on_item(marks, tip.box)
                else self.tr("No mark of yours is on the item: compare with the magenta outline.")
            )
        message.finished.connect(lambda _result: self._after_reveal(parcel.scan_id))
        self.tip_message = message
        message.open()

    def _after_reveal(self, scan_id: str) -> None:
        self.tip_message = None
        current = self._current
        if current is not None and current.scan_id == scan_id:
            self.show_parcel(current)  # now the real image; its decision time starts here

    def _mark_decided(
        self, scan_id: str, verdict: Verdict, marks: tuple[BoxPx, ...] = ()
    ) -> None:
        self.queue_strip.set_verdict(scan_id, verdict)
        # Only parcels still in the strip can be shown again: forget the others'.
        in_strip = set(self.queue_strip.scan_ids())
        self._decision_marks = {s: m for s, m in self._decision_marks.items() if s in in_strip}
        self._decision_marks[scan_id] = marks
        if self._current is not None and self._current.scan_id == scan_id:
            self.decision_panel.set_verdict(verdict)
            self.canvas.set_marks(marks, read_only=True)

    def _advance(self) -> None:
        following = self.queue_strip.next_undecided()
        if following is not None:
            self.show_parcel(following)

    def _on_decision_recorded(self, decision: Decision) -> None:
        # Decisions made elsewhere (e.g. a supervisor) also update the strip.
        if (
            self.queue_strip.verdict(decision.scan_id) is None
            and self.queue_strip.holds(decision.scan_id)
        ):
            self._mark_decided(decision.scan_id, decision.verdict, decision.marks)

    def _load_stored_parcel(self, scan_id: str) -> ParcelScan:
        """A parcel the queue let go of in a long backlog, back from the station."""
        return self._station.stored_parcel(self._principal, scan_id)

    def _on_parcel_not_loaded(self, scan_id: str, reason: str) -> None:
        self.status_bar.show_error(
            self.tr("Parcel {0} could not be loaded again (it stays in the queue): {1}").format(
                scan_id, reason
            )
        )

    def _on_parcel_failed(self, scan_id: str, reason: str) -> None:
        self.status_bar.show_error(
            self.tr("Parcel {0} could not be processed (raw scan kept): {1}").format(
                scan_id, core_text(reason)
            )
        )

    def _on_status(self, status: StationStatusLike) -> None:
        self.status_bar.update_status(status)
        # A model update or rollback changes it while the window is open.
        detector = self._station.detector_status()
        if detector != self._detector_status:
            self._detector_status = detector
            self.status_bar.set_detector_status(detector)
