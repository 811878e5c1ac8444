"""The certificate panel: real widget, offscreen; checks from a real service or
from Futures the test completes itself (to see the panel wait without blocking)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import qrcode
from gui_fakes import FakeStation, make_manifest, make_parcel, make_principal
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station_app.certificates import demo
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateMismatch,
    CertificateStatus,
    MismatchKind,
    VerdictSource,
)
from station_app.certificates.service import build_certificate_service
from station_app.certificates.trust import parse_trust_list
from station_app.domain import MaterialImage, ParcelScan, RawScan, TriageLevel, TriageResult
from station_app.gui.canvas import Severity
from station_app.gui.certificate_panel import VALID_BACKGROUND, CertificatePanel
from station_app.gui.main_window import MainWindow
from station_app.gui.manifest_panel import SEVERITY_BACKGROUNDS
from station_app.manifests.model import ContentLine
from station_app.storage import ImageStore, ScanRepository, open_database
from station_app.storage.manifests import ManifestRepository

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "certificate_panel.png"
CLAIMS = demo.demo_claims(certificate_number="KCS-2025-000123")


def _check(status: CertificateStatus, *mismatches: CertificateMismatch) -> CertificateCheck:
    return CertificateCheck(
        kind=CertificateKind.SIGNED,
        status=status,
        reasons=()
        if status is CertificateStatus.VALID
        else ("could not verify now: central down",),
        source=VerdictSource.OFFLINE,
        checked_at=datetime.now(UTC),
        claims=CLAIMS,
        mismatches=mismatches,
        scan_id="S-0001",
        verdict_id=1,
    )


MISMATCH = CertificateMismatch(
    MismatchKind.IMPORTER,
    "amber",
    "Certificate importer 'Nordlicht Handels GmbH' (DE) is not the manifest addressee "
    "'Anna Muster' (CH).",
)


@pytest.fixture
def panel(qtbot: QtBot, station: FakeStation) -> CertificatePanel:
    widget = CertificatePanel(station)
    qtbot.addWidget(widget)
    widget.resize(420, 640)
    widget.show()
    return widget


def _row_background(panel: CertificatePanel, row: int) -> int:
    item = panel.checks_list.item(row)
    assert item is not None
    return item.background().color().rgb()


def test_stored_checks_show_status_claims_and_mismatches(
    panel: CertificatePanel, station: FakeStation
) -> None:
    assert panel.state_label.text() == "No parcel" and not panel.scan_input.isEnabled()
    station.certificate_checks_by_scan["S-0001"] = (_check(CertificateStatus.VALID, MISMATCH),)
    panel.set_parcel(make_parcel("S-0001"))
    assert panel.checks_list.count() == 1
    first = panel.checks_list.item(0)
    assert first is not None and first.text().startswith(
        "VALID · KCS-2025-000123 (signed, offline)"
    )
    assert _row_background(panel, 0) == VALID_BACKGROUND.rgb()
    claims = panel.claims_label.text()
    assert "Exporter: Hanbit Electronics Co., Ltd. (KR)" in claims
    assert "Importer: Nordlicht Handels GmbH (DE)" in claims
    assert "Origin: KR · FTA KR-EU" in claims and "HS 850760  40 pcs" in claims
    mismatch = panel.mismatch_list.item(0)
    assert mismatch is not None and "Anna Muster" in mismatch.text()
    assert mismatch.background().color().rgb() == SEVERITY_BACKGROUNDS[Severity.AMBER].rgb()
    panel.set_parcel(make_parcel("S-0002"))  # another parcel: its own (no) checks
    assert panel.checks_list.count() == 0
    assert panel.state_label.text() == "No certificate presented"


def test_scanner_text_is_checked_off_the_gui_thread(
    qtbot: QtBot, panel: CertificatePanel, station: FakeStation
) -> None:
    panel.set_parcel(make_parcel("S-0001"))
    qtbot.keyClicks(panel.scan_input, "COO1:ABC")
    qtbot.keyClick(panel.scan_input, Qt.Key.Key_Return)
    ((source, scan_id, future),) = station.certificate_submissions
    assert (source, scan_id) == ("COO1:ABC", "S-0001")
    assert panel.scan_input.text() == "" and panel.busy
    assert panel.state_label.text() == "Verifying…"
    qtbot.wait(120)  # the panel keeps polling; nothing shown until the check is done
    assert panel.checks_list.count() == 0
    future.set_result((_check(CertificateStatus.COULD_NOT_VERIFY_NOW),))
    qtbot.waitUntil(lambda: panel.checks_list.count() == 1, timeout=2000)
    assert not panel.busy
    row = panel.checks_list.item(0)
    assert row is not None and row.text().startswith("COULD NOT VERIFY NOW")
    assert _row_background(panel, 0) != VALID_BACKGROUND.rgb()  # never shown as valid


def test_an_unreadable_document_says_why(
    qtbot: QtBot, panel: CertificatePanel, station: FakeStation, tmp_path: Path
) -> None:
    panel.set_parcel(make_parcel("S-0001"))
    panel.verify_image(tmp_path / "photo.png")
    (_, _, future) = station.certificate_submissions[0]
    future.set_exception(ValueError("photo.png: no barcode, no e-COO certificate"))
    qtbot.waitUntil(lambda: not panel.busy, timeout=2000)
    assert panel.state_label.text() == "Not checked: photo.png: no barcode, no e-COO certificate"
    assert panel.checks_list.count() == 0


@pytest.fixture
def real_station(station: FakeStation, tmp_path: Path) -> Iterator[tuple[FakeStation, str]]:
    """The fake station with a real certificate service on a real SQLite file."""
    db = open_database(station.config.resolved_database_url)
    scans = ScanRepository(db, ImageStore(tmp_path / "images"), station.config.station_id)
    shape = (4, 8)
    counts = np.full(shape, 1000, dtype=np.uint16)
    zeros = np.zeros(shape, dtype=np.float32)
    scans.save_parcel(
        ParcelScan(
            raw=RawScan("S-0001", "SIM-1", 0, counts, counts, 1, 2, 2.5, 1.6, "RR123456785CH"),
            image=MaterialImage(zeros, zeros, zeros, np.zeros(shape, np.uint8), 2.5, 1.6),
            alarms=(),
            detections=(),
            triage=TriageResult(TriageLevel.GREEN, ()),
            timings_ms={},
            calibration_id="",
        )
    )
    # gui_fakes' manifest: another sender and addressee, other goods
    manifest = make_manifest()
    lines = (*manifest.lines, ContentLine("Routers", 130, 1.0, Decimal(9), "EUR", "851762", "CN"))
    ManifestRepository(db).save(replace(manifest, lines=lines), source="test")
    issuer = demo.make_demo_issuer("EdDSA")
    central = demo.make_demo_central_key()
    trust = parse_trust_list(demo.demo_trust_list([issuer], central), central.public_key())
    service = build_certificate_service(station.config, db, scans, lambda: trust)
    station.certificate_service = service
    yield station, demo.demo_document(issuer, CLAIMS)
    service.close()
    db.close()


def _qr_image(path: Path, text: str) -> Path:
    qr = qrcode.QRCode(box_size=4, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    qr.make_image().save(str(path))
    return path


def test_document_image_checked_by_the_real_service(
    qtbot: QtBot, real_station: tuple[FakeStation, str], tmp_path: Path, styled_app: object
) -> None:
    station, document = real_station
    panel = CertificatePanel(station)
    qtbot.addWidget(panel)
    panel.resize(460, 760)
    panel.show()
    panel.set_parcel(make_parcel("S-0001"))
    panel.verify_image(_qr_image(tmp_path / "coo.png", document))
    qtbot.waitUntil(lambda: panel.checks_list.count() == 1, timeout=20_000)
    (check,) = panel.checks
    assert check.status is CertificateStatus.VALID  # authentic ...
    assert _row_background(panel, 0) == VALID_BACKGROUND.rgb()
    kinds = {m.kind for m in check.mismatches}  # ... but not this parcel's paperwork
    assert {MismatchKind.EXPORTER, MismatchKind.IMPORTER, MismatchKind.ORIGIN} <= kinds
    assert MismatchKind.QUANTITY in kinds and MismatchKind.HS_NOT_DECLARED in kinds
    assert panel.mismatch_list.count() == len(check.mismatches)
    assert check.triage is not None and check.triage.level is TriageLevel.AMBER
    # Stored: the parcel shown again reads it back from the database.
    panel.set_parcel(make_parcel("S-0001"))
    assert [c.verdict_id for c in panel.checks] == [check.verdict_id]
    qtbot.wait(50)  # let the layout settle before the picture
    image = panel.grab()
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOT))


def test_main_window_shows_the_parcels_certificates(qtbot: QtBot, station: FakeStation) -> None:
    station.certificate_checks_by_scan["S-0002"] = (_check(CertificateStatus.REVOKED),)
    window = MainWindow(station, principal=make_principal())
    qtbot.addWidget(window)
    window.add_parcel(make_parcel("S-0001"))
    assert window.certificate_panel.checks == ()
    window.show_parcel(make_parcel("S-0002"))
    assert [c.status for c in window.certificate_panel.checks] == [CertificateStatus.REVOKED]
    assert window.certificate_panel.parentWidget() is window.manifest_panel.parentWidget()
