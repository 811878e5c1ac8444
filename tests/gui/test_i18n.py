"""The GUI in Korean: a complete catalogue, compiled, and nothing left in English.

Three layers, each able to fail on its own:

- the catalogue: every text the GUI sources ask for (``translations.extract``) has a
  finished Korean translation in resources/i18n/station_ko.ts, with the same
  placeholders, and the .ts holds nothing the sources no longer ask for;
- the compiled file: the committed station_ko.qm is what ``pyside6-lrelease`` makes
  of the committed .ts (its output is deterministic, so the bytes are compared);
- run time: the real widgets are built in Korean with a ``RecordingTranslator`` in
  front of the station's catalogue. It answers nothing itself (Qt then asks the
  next translator) but records every lookup in a station context that the Korean
  catalogue cannot answer, so a text the extraction missed (``tr(variable)``, a
  table not wrapped in ``_noop``, a ``_tr`` context that differs from where the
  text was declared) fails the workflow that shows it. Qt's own contexts
  (QDialogButtonBox, QShortcut, ...) are not ours and are left out.

Every test that installs Korean puts English back, so the other GUI tests are
unaffected. ``STATION_SAVE_SCREENSHOTS=1`` also saves
docs/screenshots/inspector_ko.png (as ``test_gui_screenshot.py`` does).
"""

from __future__ import annotations

import ast
import os
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gui_fakes import (
    FakeStation,
    FakeStatus,
    make_discrepancies,
    make_manifest,
    make_parcel,
    make_principal,
)
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from station_app import core_texts
from station_app.accounts import Role
from station_app.certificates import demo
from station_app.certificates.crosscheck import cross_check
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateMismatch,
    CertificateStatus,
    MismatchKind,
    VerdictSource,
)
from station_app.config import (
    AlarmConfig,
    DriverConfig,
    GuiConfig,
    MatchingConfig,
    MaterialsConfig,
    StationConfig,
    TriageConfig,
)
from station_app.detection.alarms import AlarmRules
from station_app.detection.detector import DetectorStatus
from station_app.detection.triage import Triage
from station_app.domain import (
    Alarm,
    BoxPx,
    Decision,
    Detection,
    ParcelScan,
    TriageLevel,
    TriageResult,
    Verdict,
)
from station_app.gui import translations
from station_app.gui.certificate_panel import CertificatePanel
from station_app.gui.core_texts import CONTEXT as CORE_TEXTS_CONTEXT
from station_app.gui.core_texts import core_text
from station_app.gui.decision_panel import DecisionPanel
from station_app.gui.i18n import catalogue_file, install_language
from station_app.gui.main_window import MainWindow
from station_app.gui.manifest_panel import ManifestPanel
from station_app.gui.shell import Shell
from station_app.gui.sign_in import FirstRunDialog, SignInDialog
from station_app.gui.status_bar import StationStatusBar
from station_app.gui.status_workspace import StationStatusWorkspace
from station_app.gui.supervisor_workspace import ReviewQueueView, SupervisorWorkspace
from station_app.gui.technician_workspace import TechnicianWorkspace
from station_app.manifests.matching import match
from station_app.manifests.model import Manifest
from station_app.storage import ImageStore, ScanRepository
from station_app.storage.review import ReviewItem, ScanFact
from station_app.sync.worker import SyncState, SyncStatus

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = translations.I18N_DIR / "station_ko.ts"
QM_FILE = translations.I18N_DIR / "station_ko.qm"
SCREENSHOT = ROOT / "docs" / "screenshots" / "inspector_ko.png"
# {0}, {1:.2f}, {2:%Y-%m-%d} (str.format), {name} (the core's templates, CoreTexts) and
# %1 (Qt style, filled with .replace).
PLACEHOLDER = re.compile(r"\{\d+(?::[^{}]*)?\}|\{[A-Za-z_]\w*\}|%\d+")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")  # natural language, not an id like "URL"
PASSWORD = "keeper of keys 1"


def _catalogue() -> translations.Catalogue:
    return translations.station_catalogue(root=ROOT)


def station_contexts() -> frozenset[str]:
    """The catalogue's contexts plus every class of the GUI package (a ``self.tr`` in a
    class with no catalogued text is still ours)."""
    classes = {
        node.name
        for path in translations.gui_sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    return frozenset(classes | {m.context for m in _catalogue().messages})


class RecordingTranslator(QTranslator):
    """Installed last (so asked first); answers nothing, records what Korean lacks."""

    def __init__(self, contexts: frozenset[str]) -> None:
        super().__init__()
        self._contexts = contexts
        self._korean = QTranslator()
        if not self._korean.load(str(catalogue_file("ko"))):
            raise FileNotFoundError(catalogue_file("ko"))
        self.answered: list[tuple[str, str]] = []
        self.missed: list[tuple[str, str]] = []

    # None, not "": an empty string would end Qt's search with an empty text.
    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context in self._contexts:
            found = self._korean.translate(context, source_text, disambiguation, n)
            (self.answered if found else self.missed).append((context, source_text))
        return None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt override)
        return False


@pytest.fixture
def korean(styled_app: object) -> Iterator[RecordingTranslator]:
    app = QCoreApplication.instance()
    assert app is not None
    install_language(app, "ko")
    recorder = RecordingTranslator(station_contexts())
    app.installTranslator(recorder)
    try:
        yield recorder
    finally:
        app.removeTranslator(recorder)
        install_language(app, "en")


def english_sources() -> set[str]:
    """Catalogue texts a Korean screen must never show as they are."""
    finished = translations.read_ts(TS_FILE)
    return {
        m.source
        for m, text in finished.items()
        if text != m.source and ENGLISH_WORD.search(m.source) and not PLACEHOLDER.search(m.source)
    }


def shown_texts(root: QWidget) -> list[str]:
    """The texts of ``root`` and its widgets a person can read (labels, buttons,
    titles, tabs, headers, list rows, combo entries, placeholders, tooltips, actions)."""
    texts: list[str] = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        texts.append(widget.toolTip())
        texts += [t for a in widget.actions() for t in (a.text(), a.toolTip(), a.iconText())]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        if isinstance(widget, QTableWidget):
            for column in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(column)
                if header is not None:
                    texts += [header.text(), header.toolTip()]
    return [t for t in texts if t]


def assert_all_korean(recorder: RecordingTranslator, root: QWidget) -> None:
    assert recorder.missed == [], "texts without a Korean translation"
    english = english_sources()
    left = sorted({t for t in shown_texts(root) if t in english})
    assert left == [], "English catalogue texts on a Korean screen"


# ------------------------------------------------------------------ the catalogue


def test_every_gui_text_has_a_finished_korean_translation() -> None:
    catalogue = _catalogue()
    assert catalogue.problems == []
    assert len(catalogue.messages) > 300  # the extraction found the GUI, not nothing
    finished = translations.read_ts(TS_FILE)
    missing = sorted((m.context, m.source) for m in catalogue.messages if m not in finished)
    assert missing == [], "run python -m station_app.gui.translations and translate"
    stale = sorted((m.context, m.source) for m in finished if m not in catalogue.messages)
    assert stale == [], "the .ts holds texts the GUI no longer asks for: run the update"


def test_translations_keep_placeholders_and_are_korean() -> None:
    finished = translations.read_ts(TS_FILE)
    wrong = [
        (m.context, m.source, text)
        for m, text in finished.items()
        if sorted(PLACEHOLDER.findall(m.source)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []
    copied = [
        (m.context, m.source)
        for m, text in finished.items()
        if ENGLISH_WORD.search(PLACEHOLDER.sub("", m.source)) and not HANGUL.search(text)
    ]
    assert copied == [], "English sentences 'translated' without any Korean"


def test_decision_keys_stay_as_they_are_on_the_keyboard() -> None:
    finished = translations.read_ts(TS_FILE)
    tip = finished[translations.Message("DecisionPanel", "Click a row to show it in the "
                                        "image. Next / previous item: N / Shift+N or P")]
    assert "N / Shift+N" in tip and " P" in tip
    assert finished[translations.Message("DecisionPanel", "Clear")] == "통과"
    assert finished[translations.Message("DecisionPanel", "Open for inspection")] == "개장 검사"
    assert finished[translations.Message("DecisionPanel", "Hold for supervisor")] == (
        "감독자 보류"
    )


def test_update_keeps_finished_translations_and_marks_new_texts(tmp_path: Path) -> None:
    source = tmp_path / "panel.py"
    source.write_text(
        "class Panel:\n"
        "    def texts(self):\n"
        "        return self.tr('Kept'), self.tr('New {0}')\n",
        encoding="utf-8",
    )
    ts = tmp_path / "station_ko.ts"
    kept, new = translations.Message("Panel", "Kept"), translations.Message("Panel", "New {0}")
    gone = translations.Message("Panel", "Gone")
    catalogue = translations.extract([source], root=tmp_path)
    assert set(catalogue.messages) == {kept, new}
    missing = translations.write_ts(ts, "ko", catalogue, {kept: "유지", gone: "삭제됨"})
    assert missing == [new]
    assert translations.read_ts(ts) == {kept: "유지"}  # unfinished left out, vanished dropped
    assert 'type="unfinished"' in ts.read_text(encoding="utf-8")


def test_untranslatable_calls_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "widget.py"
    source.write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        "def text(context):\n"
        "    return QCoreApplication.translate(context, 'Hello')\n"
        "def other():\n"
        "    return _tr('no helper here')\n",
        encoding="utf-8",
    )
    problems = translations.extract([source], root=tmp_path).problems
    assert [p.split(": ", 1)[1] for p in problems] == [
        "translate() with a non-literal context",
        "_tr() in a module without a _tr helper over translate()",
    ]


def test_committed_qm_is_the_compiled_ts(tmp_path: Path) -> None:
    first, second = tmp_path / "first.qm", tmp_path / "second.qm"
    translations.compile_ts(TS_FILE, first)
    translations.compile_ts(TS_FILE, second)
    assert first.read_bytes() == second.read_bytes()  # lrelease is deterministic
    assert QM_FILE.read_bytes() == first.read_bytes(), (
        "station_ko.qm is stale: run python -m station_app.gui.translations"
    )


def test_unknown_language_is_refused_and_english_needs_no_catalogue(styled_app: object) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    with pytest.raises(ValueError, match="fr"):
        install_language(app, "fr")
    install_language(app, "ko")
    try:
        assert QCoreApplication.translate("DecisionPanel", "Clear") == "통과"
    finally:
        install_language(app, "en")
    assert QCoreApplication.translate("DecisionPanel", "Clear") == "Clear"


# ------------------------------------------------------------------ run time


def _red_parcel_with_everything(scan_id: str = "S-2024-0003") -> ParcelScan:
    return make_parcel(
        scan_id,
        lines=520,
        pixels=360,
        level=TriageLevel.RED,
        alarms=(
            Alarm("dense_object", BoxPx(260, 180, 312, 288), 7300.0, 0.93,
                  "Dense object of 7300 mm² hides what is behind it"),
            Alarm("organic_mass", BoxPx(104, 72, 260, 180), 44900.0, 0.64,
                  "Organic mass with Zeff 7.2 in the range of explosives"),
        ),
        detections=(Detection("knife", 0.82, BoxPx(250, 170, 320, 300)),),
        discrepancies=make_discrepancies(),
        risk_score=0.87,
    )


def _certificate_check(
    status: CertificateStatus,
    source: VerdictSource = VerdictSource.OFFLINE,
    *,
    with_claims: bool = True,
    scan_id: str = "S-2024-0003",
) -> CertificateCheck:
    mismatch = CertificateMismatch(
        MismatchKind.IMPORTER, "amber",
        "Certificate importer 'Nordlicht Handels GmbH' (DE) is not the manifest addressee.",
    )
    return CertificateCheck(
        kind=CertificateKind.SIGNED if with_claims else CertificateKind.URL,
        status=status,
        reasons=(),
        source=source,
        checked_at=datetime.now(UTC),
        claims=demo.demo_claims(certificate_number="KCS-2025-000123") if with_claims else None,
        mismatches=(mismatch,) if status is CertificateStatus.VALID else (),
        scan_id=scan_id,
        verdict_id=1,
    )


def _sync_offline() -> SyncStatus:
    now = datetime.now(UTC)
    return SyncStatus(
        state="offline", enabled=True, outbox_depth=12, parked=1, oldest_unsent_age_s=200.0,
        last_success_at=now - timedelta(hours=1), last_error="connection refused",
        last_manifest_pull_at=None,
    )


def test_inspector_window_in_korean(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    station.status_value = FakeStatus(
        queue_depth=3, parcels_processed=128, parcels_failed=1, calibration_age_h=3.4
    )
    station.sync_status_value = _sync_offline()
    station.manifests["RR123456785CH"] = make_manifest()
    station.certificate_checks_by_scan["S-2024-0003"] = (
        _certificate_check(CertificateStatus.VALID),
    )
    window = MainWindow(station, principal=make_principal("inspector1", language="ko"))
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    for index, level in enumerate((TriageLevel.GREEN, TriageLevel.GREEN, TriageLevel.AMBER)):
        window.add_parcel(make_parcel(f"S-2024-{index:04d}", level=level, seed=index,
                                      alarms=(), detections=()))
        window.decide(Verdict.CLEAR)
    window.add_parcel(_red_parcel_with_everything())
    window.add_parcel(make_parcel("S-2024-0004", level=TriageLevel.AMBER, seed=9))
    window.adapter.poll_status()
    window.adapter.poll_sync_status()
    qtbot.wait(50)

    panel = window.decision_panel
    assert panel.buttons[Verdict.CLEAR].text().startswith("통과")
    assert "[Space / C]" in panel.buttons[Verdict.CLEAR].text()  # key names stay
    assert panel.buttons[Verdict.OPEN].text().startswith("개장 검사")
    assert panel.buttons[Verdict.HOLD].text().startswith("감독자 보류")
    assert panel.banner.text() == "RED — 개장 검사 필요"
    assert panel.parcel_label.text().startswith("소포 S-2024-0003\n운송장 번호: RR123456785CH")
    assert "칼 82%" in [panel.alarm_list.item(i).text() for i in range(panel.alarm_list.count())]
    assert window.manifest_panel.title() == "적하목록"
    assert window.manifest_panel.discrepancy_heading.text() == "불일치"
    assert "\n발송인: " in window.manifest_panel.text  # names masked for an inspector
    assert window.certificate_panel.title() == "원산지증명서"
    first_check = window.certificate_panel.checks_list.item(0).text()
    assert first_check.startswith("유효 · KCS-2025-000123 (전자서명, 오프라인)")
    assert window.toolbar.mode_actions[next(iter(window.toolbar.mode_actions))].text() == "컬러"
    bar = window.status_bar
    assert bar.scanner_label.text() == "simulator: 가동 중"
    assert bar.xray_label.text() == "엑스레이 조사 중"
    assert bar.belt_label.text() == "컨베이어 0.25 m/s"
    assert bar.calibration_label.text() == "교정 후 3.4 h 경과"
    assert bar.queue_label.text() == "미판정: 3"
    assert bar.sync_label.text() == "● 중앙 서버: 오프라인 · 12건 대기, 최장 3분 · 1건 거부"
    assert "송신 대기함: 12건 대기, 중앙 서버 거부 1건" in bar.sync_label.toolTip()
    assert bar.detector_label.text() == "xcnet 1.0 (CPU)"
    strip = window.queue_strip
    assert strip.item(0).text().endswith("\n통과")
    image = window.grab()  # the RED parcel undecided, as the inspector first sees it
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        # A saved screenshot with boxes for Hangul would be worse than none.
        assert QFontDatabase.families(QFontDatabase.WritingSystem.Korean), "no Hangul font"
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOT))
    # A decision, and what the panel says then.
    window.decide(Verdict.HOLD)
    window.show_parcel_by_id("S-2024-0003")
    assert panel.decided_label.text() == "판정: 감독자 보류"

    assert ("DecisionPanel", "Clear") in korean.answered  # the recorder did see lookups
    assert_all_korean(korean, window)


def test_status_bar_in_korean(qtbot: QtBot, korean: RecordingTranslator) -> None:
    bar = StationStatusBar(calibration_max_age_h=24.0)
    qtbot.addWidget(bar)
    assert bar.scanner_label.text() == "스캐너: —"
    assert bar.sync_label.text() == "중앙 서버: —"
    bar.update_status(FakeStatus(scanner_state="fault: tube arc", xray_on=False,
                                 belt_running=False, calibration_age_h=None,
                                 last_error="detector link lost"))
    assert bar.scanner_label.text() == "simulator: 고장: tube arc"
    assert bar.xray_label.text() == "엑스레이 꺼짐"
    assert bar.belt_label.text() == "컨베이어 정지"
    assert bar.calibration_label.text() == "교정 안 됨"
    assert bar.processed_label.text() == "처리 0, 실패 0"
    assert bar.error_label.text() == "⚠ detector link lost"
    bar.update_status(FakeStatus(scanner_state="stopped"))
    assert bar.scanner_label.text() == "simulator: 정지"
    bar.update_sync(None)
    assert bar.sync_label.text() == "● 중앙 서버: 설정 안 됨"
    now = datetime.now(UTC)
    states: tuple[tuple[SyncState, str], ...] = (
        ("online", "온라인"), ("degraded", "불안정"), ("offline", "오프라인")
    )
    for state, word in states:
        status = replace(_sync_offline(), state=state, last_manifest_pull_at=now)
        bar.update_sync(status, now=now)
        assert bar.sync_label.text().startswith(f"● 중앙 서버: {word}")
        assert "마지막 적하목록 수신: 0초 전" in bar.sync_label.toolTip()
    for detector, text in (
        (DetectorStatus(enabled=False, model="", provider=""), "탐지기 꺼짐"),
        (DetectorStatus(enabled=True, model="", provider="", warning="model missing"),
         "⚠ 탐지기 사용 불가"),
    ):
        bar.set_detector_status(detector)
        assert bar.detector_label.text() == text
    assert_all_korean(korean, bar)


def test_pipeline_failures_and_detector_warnings_in_korean(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    """The core's English (as the pipeline and the model store write it) reads Korean in
    the status bar and the station status; the exception text inside stays as it is."""
    failure = core_texts.PARCEL_ERROR.render(
        scan_id="S-0009",
        reason=core_texts.PROCESSING_FAILED.render(error_type="RuntimeError", error="disk full"),
    )
    warning = core_texts.MODEL_ROLLED_BACK_AND_WARNING.render(
        failed="xcnet-1.2-3f2a9c0b17d4", reason="model.onnx: sha256 mismatch",
        now_running=core_texts.CONFIGURED_MODEL.render(),
        warning=core_texts.PROVIDER_FAILED_TO_LOAD.render(requested="CUDA", provider="CPU"),
    )
    bar = StationStatusBar()
    qtbot.addWidget(bar)
    bar.update_status(FakeStatus(last_error=failure))
    assert bar.error_label.text() == "⚠ 소포 S-0009: 처리 실패: RuntimeError: disk full"
    bar.show_error(core_texts.DRIVER_STOPPED.render(error="serial link lost"))
    assert bar.error_label.text() == "⚠ 스캐너 드라이버가 멈췄습니다: serial link lost"
    bar.set_detector_status(DetectorStatus(True, "xcnet 1.0", "CPU", warning=warning))
    assert bar.detector_label.text() == "⚠ xcnet 1.0 (CPU)"
    korean_warning = (
        "모델 xcnet-1.2-3f2a9c0b17d4을(를) 불러오지 못했습니다(model.onnx: sha256 mismatch). "
        "설정된 모델(으)로 되돌렸습니다; 탐지기에 CUDA을(를) 지정했으나 불러오지 못했습니다"
        "(드라이버 또는 CUDA 라이브러리). CPU에서 실행 중"
    )
    assert bar.detector_label.toolTip() == korean_warning
    assert_all_korean(korean, bar)

    station.status_value = FakeStatus(last_error=failure)
    station.detector_status_value = DetectorStatus(True, "xcnet 1.0", "CPU", warning=warning)
    workspace = StationStatusWorkspace(station)
    qtbot.addWidget(workspace)
    workspace.refresh()
    assert workspace.text("last_error") == "소포 S-0009: 처리 실패: RuntimeError: disk full"
    assert workspace.text("detector").endswith(" — " + korean_warning)
    _assert_no_core_english([workspace.text("last_error"), workspace.text("detector")])
    assert_all_korean(korean, workspace)


def test_certificate_panel_in_korean(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    parcel = make_parcel("S-0001")
    station.certificate_checks_by_scan["S-0001"] = (
        _certificate_check(CertificateStatus.VALID, scan_id="S-0001"),
        _certificate_check(CertificateStatus.REVOKED, VerdictSource.ONLINE, scan_id="S-0001"),
        _certificate_check(CertificateStatus.INVALID, VerdictSource.CACHE, scan_id="S-0001"),
        _certificate_check(CertificateStatus.UNVERIFIED, scan_id="S-0001"),
        _certificate_check(CertificateStatus.COULD_NOT_VERIFY_NOW, VerdictSource.ONLINE,
                           with_claims=False, scan_id="S-0001"),
    )
    panel = CertificatePanel(station)
    qtbot.addWidget(panel)
    panel.resize(420, 640)
    panel.show()
    assert panel.state_label.text() == "소포 없음"
    panel.set_parcel(parcel)
    rows = [panel.checks_list.item(i).text() for i in range(panel.checks_list.count())]
    assert [row.split(" · ")[0] for row in rows] == [
        "유효", "취소됨", "무효", "미검증", "지금 검증 불가"
    ]
    assert rows[1].endswith("(전자서명, 온라인)") and rows[2].endswith("(전자서명, 캐시)")
    assert rows[4] == "지금 검증 불가 · (번호 없음) (URL, 온라인)"
    assert panel.claims_label.text() == "증명서 세부 정보 없음"  # the newest: no claims
    assert panel.mismatch_list.item(0).text() == "적하목록과 불일치 없음"
    panel.checks_list.setCurrentRow(0)
    assert panel.claims_label.text().startswith("수출자: ")
    assert "원산지: " in panel.claims_label.text()
    assert panel.mismatch_heading.text() == "대조 결과"
    panel.verify_text("HC1:not-a-certificate")
    assert panel.state_label.text() == "검증 중…"
    assert panel.scan_input.placeholderText() == "원산지증명서 바코드를 스캔하십시오…"
    _source, _scan, future = station.certificate_submissions[-1]
    future.set_exception(ValueError("no e-COO in the text"))
    qtbot.waitUntil(lambda: not panel.busy)
    assert panel.state_label.text() == "검증하지 못했습니다: no e-COO in the text"
    assert_all_korean(korean, panel)


def test_sign_in_and_first_run_in_korean(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    accounts = station.accounts
    try:
        first = FirstRunDialog(accounts, station_id="S1")
        qtbot.addWidget(first)
        first.show()
        assert first.windowTitle() == "최초 시작 — 검사대 S1"
        first.username_edit.setText("admin")
        first.display_name_edit.setText("Station Admin")
        first.password_fields.password_edit.setText("short")
        assert "자 이상" in first.password_fields.rules_label.text()
        first.password_fields.password_edit.setText(PASSWORD)
        assert first.password_fields.rules_label.text() == "두 비밀번호가 다릅니다"
        first.password_fields.repeat_edit.setText(PASSWORD)
        assert first.password_fields.rules_label.text() == "사용할 수 있는 비밀번호입니다"
        assert first.create_button.text() == "관리자 만들기"
        assert_all_korean(korean, first)
        assert first.try_create()

        admin = accounts.sign_in("admin", PASSWORD)
        accounts.create_account(admin, username="kim", display_name="Kim", role=Role.INSPECTOR,
                                password="given by admin 1", must_change_password=True)
        dialog = SignInDialog(accounts, station_id="S1", language="ko")
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.windowTitle() == "로그인 — 검사대 S1"
        assert dialog.sign_in_button.text() == "로그인"
        dialog.username_edit.setText("admin")
        dialog.password_edit.setText("wrong password")
        assert dialog.try_sign_in() is None
        assert dialog.message == "사용자 이름 또는 비밀번호가 올바르지 않습니다."
        dialog.username_edit.setText("kim")
        dialog.password_edit.setText("given by admin 1")
        assert dialog.try_sign_in() is None  # a password set by the administrator
        assert dialog.pages.currentIndex() == 1
        assert dialog.change_heading.text().startswith("관리자가 설정한 비밀번호입니다.")
        dialog.new_password.password_edit.setText("kim")
        assert "사용자 이름을 포함할 수 없습니다" in dialog.new_password.rules_label.text()
        assert_all_korean(korean, dialog)
        dialog.reject()
    finally:
        station.close()


def _store_reviewable_scans(station: FakeStation) -> None:
    """A held RED parcel and an AMBER one in the fake's database, as the pipeline stores them."""
    _ = station.accounts  # opens the database
    database = station._database
    assert database is not None
    scans = ScanRepository(database, ImageStore(station.config.data_dir / "images"), "S1")
    for minute, (scan_id, level) in enumerate((("red", TriageLevel.RED),
                                                ("amber", TriageLevel.AMBER))):
        parcel = make_parcel(scan_id, lines=60, pixels=80, tracking_id=None)
        started_ns = time.monotonic_ns() - 3_600_000_000_000 + minute * 60_000_000_000
        raw = replace(parcel.raw, started_ns=started_ns, ended_ns=started_ns + 1_000_000)
        scans.save_parcel(replace(parcel, raw=raw,
                                  triage=TriageResult(level, ("dense_object",))))
    scans.record_decision(Decision("red", Verdict.HOLD, "kim", datetime.now(UTC),
                                   decision_time_ms=2500.0))


def test_supervisor_workspace_in_korean(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    try:
        _store_reviewable_scans(station)
        principal = make_principal("park", Role.SUPERVISOR, language="ko")
        workspace = SupervisorWorkspace(station, principal, station_id="S1")
        qtbot.addWidget(workspace)
        workspace.resize(1600, 1000)
        workspace.show()
        workspace.start()
        assert [workspace.tabText(i) for i in range(workspace.count())] == ["검토 대기열", "통계"]
        queue = workspace.review.queue
        headers = [queue.table.horizontalHeaderItem(c).text()
                   for c in range(queue.table.columnCount())]
        assert headers == ["검색 시각", "검사대", "운송장 번호", "위험 분류", "사유", "검사관",
                           "판정", "검토"]
        assert queue.table.rowCount() == 2
        assert queue.count_label.text() == "소포 2건"
        verdicts = {queue.table.item(r, 6).text() for r in range(queue.table.rowCount())}
        assert verdicts == {"감독자 보류", "미판정"}
        presets = workspace.statistics.preset_combo
        assert [presets.itemText(i) for i in range(presets.count())] == [
            "최근 8시간", "오늘", "최근 24시간", "최근 7일", "직접 지정"
        ]
        # The fake keeps no images: opening says so, with the decisions so far.
        workspace.review.open_scan("red")
        form = workspace.review.form
        assert form.message.text().startswith("영상을 불러올 수 없습니다: ")
        assert form.history.item(0).text().endswith("검사: kim — 감독자 보류")
        form._submit()
        assert form.message.text() == "사유를 5자 이상 입력해야 합니다."
        summary = workspace.statistics.summary
        labels = [summary.itemAt(row, summary.ItemRole.LabelRole).widget().text()
                  for row in range(summary.rowCount())]
        assert labels[:3] == ["기간", "소포", "판정 완료"]
        assert_all_korean(korean, workspace)
    finally:
        station.close()


def test_shell_of_a_korean_station_is_korean_before_and_after_sign_in(
    qtbot: QtBot, tmp_path: Path, korean: RecordingTranslator
) -> None:
    station = FakeStation(StationConfig(data_dir=tmp_path, gui=GuiConfig(language="ko")))
    station.accounts.create_first_administrator("admin", "Station Admin", PASSWORD)
    admin = station.accounts.sign_in("admin", PASSWORD)
    station.accounts.create_account(admin, username="kim", display_name="Kim",
                                    role=Role.INSPECTOR, password="given by admin 1",
                                    must_change_password=False)
    shell = Shell(station, screen_lock_ms=60_000)
    qtbot.addWidget(shell)
    try:
        shell.start()
        dialog = shell.sign_in_dialog
        assert dialog is not None
        assert dialog.windowTitle().startswith("로그인 — 검사대")
        assert dialog.language == "ko"
        dialog.username_edit.setText("kim")
        dialog.password_edit.setText("given by admin 1")
        assert dialog.try_sign_in() is not None
        assert shell.lock_action.text() == "화면 잠금"
        assert shell.sign_out_action.text() == "로그아웃"
        assert shell.user_label.text() == "Kim (kim, 검사관)"
        assert [shell.tabs.tabText(i) for i in range(shell.tabs.count())] == ["검사"]
        window = shell.inspector_window
        assert window.decision_panel.buttons[Verdict.CLEAR].text().startswith("통과")
        shell.lock_screen()
        assert shell.screen_lock.unlock_button.text() == "잠금 해제"
        assert_all_korean(korean, shell)
    finally:
        shell.shutdown()
        station.close()


def test_korean_sign_in_at_an_english_station_rebuilds_the_inspector_in_korean(
    qtbot: QtBot, tmp_path: Path, korean: RecordingTranslator
) -> None:
    """Widgets read their texts when made: the shell makes the inspector window again
    in the signed-in person's language and carries the queue over."""
    station = FakeStation(StationConfig(data_dir=tmp_path, gui=GuiConfig(language="en")))
    station.accounts.create_first_administrator("admin", "Station Admin", PASSWORD)
    admin = station.accounts.sign_in("admin", PASSWORD)
    station.accounts.create_account(admin, username="kim", display_name="Kim",
                                    role=Role.INSPECTOR, password="given by admin 1",
                                    must_change_password=False)
    shell = Shell(station, screen_lock_ms=60_000)
    qtbot.addWidget(shell)
    try:
        shell.start()
        english = shell.inspector_window
        assert english.decision_panel.buttons[Verdict.CLEAR].text().startswith("Clear")
        english.add_parcel(make_parcel("S-1"))
        english.add_parcel(make_parcel("S-2"))
        dialog = shell.sign_in_dialog
        assert dialog is not None
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ko"))
        dialog.username_edit.setText("kim")
        dialog.password_edit.setText("given by admin 1")
        assert dialog.try_sign_in() is not None
        window = shell.inspector_window
        assert window is not english
        assert window.decision_panel.buttons[Verdict.CLEAR].text().startswith("통과")
        assert window.queue_strip.scan_ids() == ["S-1", "S-2"]
        assert window.current_parcel is not None and window.current_parcel.scan_id == "S-1"
        assert_all_korean(korean, window)
    finally:
        shell.shutdown()
        station.close()


def test_recorder_reports_a_station_text_the_catalogue_lacks(
    korean: RecordingTranslator,
) -> None:
    assert QCoreApplication.translate("SupervisorWorkspace", "Not in the catalogue") == (
        "Not in the catalogue"
    )
    QCoreApplication.translate("QDialogButtonBox", "&Yes")  # Qt's own: not ours
    assert QCoreApplication.translate("SupervisorWorkspace", "Review queue") == "검토 대기열"
    assert korean.missed == [("SupervisorWorkspace", "Not in the catalogue")]
    assert korean.answered == [("SupervisorWorkspace", "Review queue")]


# ------------------------------------------------------------------ the core's texts


def test_every_core_text_has_a_korean_translation_with_its_placeholders() -> None:
    finished = translations.read_ts(TS_FILE)
    names = re.compile(r"\{(\w+)\}")
    for text in core_texts.CATALOGUE:
        korean = finished.get(translations.Message(CORE_TEXTS_CONTEXT, text.template))
        assert korean is not None, f"no finished translation of {text.key}"
        assert sorted(names.findall(korean)) == sorted(names.findall(text.template)), text.key
        korean_words = names.sub("", korean)
        assert HANGUL.search(korean_words) or not ENGLISH_WORD.search(
            names.sub("", text.template)
        ), text.key


def _real_findings_parcel() -> tuple[ParcelScan, Manifest]:
    """A parcel whose alarms, discrepancies and triage the core made: the alarm rules on
    its image, the matcher against its manifest, triage over everything."""
    parcel = make_parcel("S-2024-0007", lines=520, pixels=360, alarms=(), detections=())
    alarms = AlarmRules(AlarmConfig(), MaterialsConfig()).evaluate(parcel.image)
    assert alarms, "the fake parcel's image no longer raises a rule alarm"
    detections = (Detection("knife", 0.82, BoxPx(250, 170, 320, 300)),
                  Detection("smartphone", 0.9, BoxPx(60, 40, 120, 90)))
    manifest = make_manifest()
    discrepancies = match(manifest, detections, alarms, config=MatchingConfig())
    assert len(discrepancies) >= 2
    triage = Triage(TriageConfig()).assess(alarms, detections, discrepancies, risk_score=0.87,
                                           detector_error=None)
    parcel = replace(parcel, alarms=alarms, detections=detections, triage=triage,
                     discrepancies=discrepancies)
    return parcel, manifest


def _assert_no_core_english(texts: list[str]) -> None:
    """No line (or "; "-joined piece, or "• " bullet) a person reads is a core text the
    installed language would have said otherwise ("RED: …" alone is the same in Korean)."""
    pieces = [piece.removeprefix("• ") for text in texts for line in text.split("\n")
              for piece in line.split("; ")]
    left = [piece for piece in pieces if core_text(piece) != piece]
    assert left == [], "core texts shown in English"


def test_core_texts_of_a_real_parcel_are_korean_in_every_panel(
    qtbot: QtBot, station: FakeStation, korean: RecordingTranslator
) -> None:
    parcel, manifest = _real_findings_parcel()
    english = [*parcel.triage.reasons, *(a.explanation for a in parcel.alarms),
               *(d.explanation for d in parcel.discrepancies)]
    assert all(core_texts.parse(text) is not None for text in english)

    decision = DecisionPanel()
    qtbot.addWidget(decision)
    decision.set_parcel(parcel, red_alarm_kinds=frozenset({"dense_object"}))
    reasons = decision.reasons_label.text()
    assert "RED: 적하목록 불일치: 탐지기가 knife 1개를 찾았으나(제한 물품: 허가 필요)" in reasons
    assert "AMBER: 평판형 리튬 전지 " in reasons and "(규칙 lithium_battery, 점수 " in reasons
    assert "RED: 중앙 위험도 점수 0.87 (높음)" in reasons
    rows = [decision.alarm_list.item(i).text() for i in range(decision.alarm_list.count())]
    assert any(row.endswith("mm: 금속 성분이 많고 투과되며 리튬이온 배터리 모양입니다")
               for row in rows)
    _assert_no_core_english(shown_texts(decision))
    assert_all_korean(korean, decision)

    panel = ManifestPanel()
    qtbot.addWidget(panel)
    panel.set_parcel(parcel, manifest)
    listed = [panel.discrepancy_list.item(i).text()
              for i in range(panel.discrepancy_list.count())]
    assert any("이를 포함하는 신고 품목이 없습니다." in row for row in listed)
    tooltips = [panel.lines_table.item(r, 0).toolTip() for r in range(panel.lines_table.rowCount())]
    _assert_no_core_english(shown_texts(panel) + tooltips)
    assert_all_korean(korean, panel)

    check = _certificate_check(CertificateStatus.VALID, scan_id=parcel.scan_id)
    mismatches = cross_check(check.claims, manifest,  # type: ignore[arg-type]
                             parcel_date=datetime.now(UTC))
    station.certificate_checks_by_scan[parcel.scan_id] = (
        replace(check, mismatches=mismatches, reasons=(core_texts.NO_MANIFEST.render(),)),
        replace(check, status=CertificateStatus.COULD_NOT_VERIFY_NOW, claims=None,
                mismatches=(), reasons=(core_texts.COULD_NOT_VERIFY_NOW.render(
                    problem=core_texts.CENTRAL_UNREACHABLE.render(error="timed out")),)),
    )
    certificates = CertificatePanel(station)
    qtbot.addWidget(certificates)
    certificates.set_parcel(parcel)
    rows = [certificates.checks_list.item(i).text()
            for i in range(certificates.checks_list.count())]
    assert rows[1].endswith("\n지금 검증 불가: 중앙 서버에 연결할 수 없습니다 (timed out)")
    certificates.checks_list.setCurrentRow(0)
    found = [certificates.mismatch_list.item(i).text()
             for i in range(certificates.mismatch_list.count())]
    assert len(found) == len(mismatches) >= 2
    assert any(row.startswith("증명서의 수출자 'Hanbit Electronics Co., Ltd.' (KR)")
               for row in found)
    _assert_no_core_english(shown_texts(certificates))
    assert_all_korean(korean, certificates)

    queue = ReviewQueueView()
    qtbot.addWidget(queue)
    fact = ScanFact(parcel.scan_id, "S1", datetime.now(UTC), parcel.triage.level.value)
    queue.set_items([ReviewItem(fact, parcel.tracking_id, parcel.triage.reasons,
                                tuple(d.explanation for d in parcel.discrepancies), held=True)])
    cell = queue.table.item(0, 4).text()
    assert cell.startswith("RED: 중앙 위험도 점수 0.87 (높음); ")
    assert "RED: 적하목록 불일치: " in cell
    _assert_no_core_english([*shown_texts(queue), cell, queue.table.item(0, 4).toolTip()])
    assert_all_korean(korean, queue)


def test_core_text_unknown_and_older_texts_pass_through(korean: RecordingTranslator) -> None:
    older = "Dense object of 7300 mm² hides what is behind it"
    assert core_text(older) == older
    assert core_text("KCS: cancelled by the exporter") == "KCS: cancelled by the exporter"
    assert core_text("RED: rule alarm: dense_object") == "RED: rule alarm: dense_object"
    assert core_text(core_texts.NOTHING_NEEDS_A_LOOK.render()) == (
        "확인이 필요한 경보, 탐지 또는 불일치가 없습니다"
    )
    assert korean.missed == []


def test_core_text_in_english_is_the_english(styled_app: object) -> None:
    text = core_texts.TRIAGE_REASON.render(level="AMBER", reason=core_texts.RISK_ELEVATED.render(
        score="0.61"))
    assert core_text(text) == text == "AMBER: Central risk score 0.61 (elevated)"


# Symbols and abbreviations that stay as they are in Korean (units, gauges, plastics),
# and the technician's user name (history tables).
_TECHNICIAN_SYMBOLS = {"AWG", "CNR", "mm", "A", "POM", "PMMA", "LOO", "Zeff", "tech"}


def _english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in _TECHNICIAN_SYMBOLS]


@pytest.mark.slow
def test_technician_workspace_shows_the_cores_calibration_and_iq_texts_in_korean(
    qtbot: QtBot, calibrated_data_dir: Path, korean: RecordingTranslator
) -> None:
    """A real station on the simulator: the image-quality test and the calibration
    wizard run, and their titles, results, measurements, checks, step messages and
    proposal (made in English by the core) read in Korean."""
    from station_app.station import build_station

    station = build_station(StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(name="simulator", options={"parcels": 0}),
    ))
    try:
        workspace = TechnicianWorkspace(station, make_principal("tech1", Role.TECHNICIAN))
        qtbot.addWidget(workspace)
        for button in (workspace.iq_button, workspace.start_button, workspace.verify_button):
            button.click()
            qtbot.waitUntil(lambda: not workspace.busy, timeout=120_000)
        report, wizard = workspace.last_iq_report, workspace.wizard
        assert report is not None and wizard is not None and wizard.iq_report is not None
        assert workspace.message_label.text() == "단계를 마쳤습니다."

        cells = [
            item.text()
            for table in (workspace.iq_table, workspace.iq_measurements,
                          workspace.iq_history_table, workspace.steps_table)
            for row in range(table.rowCount()) for column in range(table.columnCount())
            if (item := table.item(row, column)) is not None
        ]
        assert workspace.iq_table.item(0, 0).text() == "와이어 표시"  # type: ignore[union-attr]
        assert workspace.iq_measurements.item(0, 0).text() == "AWG 24 가로"  # type: ignore[union-attr]
        checks = workspace.checks_text.toPlainText()
        assert "다크 오프셋 (중앙값, 풀스케일 대비): " in checks
        assert "화질 시험 합격" in checks and "유효 투과력: 합격 — " in checks
        shown = [*cells, *checks.splitlines(), workspace.proposal_label.text()]
        assert [t for t in shown if _english_words(t)] == []
    finally:
        station.stop()
    assert_all_korean(korean, workspace)
