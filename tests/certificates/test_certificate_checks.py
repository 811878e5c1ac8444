"""Certificate checks on parcels: cross-checks, reuse, stored verdicts, triage, images.

Real SQLite files, real demo-signed documents, real QR pictures; the online
relay is tested against a real hub in tests/sync/test_certificate_relay.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import qrcode

from station_app.certificates import demo
from station_app.certificates.claims import CooItem
from station_app.certificates.crosscheck import (
    consumed_quantities,
    cross_check,
    party_key,
    reuse_findings,
)
from station_app.certificates.payload import PublicKey
from station_app.certificates.records import (
    CertificateKind,
    CertificateStatus,
    CertificateUse,
    MismatchKind,
    VerdictSource,
)
from station_app.certificates.service import (
    CertificateInputError,
    CertificateService,
    build_certificate_service,
)
from station_app.certificates.trust import TrustList, parse_trust_list
from station_app.config import StationConfig, TriageConfig
from station_app.detection.triage import Triage
from station_app.domain import MaterialImage, ParcelScan, RawScan, TriageLevel, TriageResult
from station_app.manifests.model import (
    Category,
    ContentLine,
    ExpressDetails,
    Manifest,
    ManifestKind,
    Party,
    Seller,
)
from station_app.storage import (
    Database,
    ImageStore,
    OutboxRepository,
    ScanRepository,
    open_database,
)
from station_app.storage.manifests import ManifestRepository
from station_app.sync.schemas import payload_problem

TRACKING = "EE123456785KR"
CLAIMS = demo.demo_claims(certificate_number="KCS-2025-000123")
SCANNED_AT = datetime.now(UTC)


def agreeing_manifest(**changes: object) -> Manifest:
    line = ContentLine
    manifest = Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id=TRACKING,
        category=Category.SALE_OF_GOODS,
        sender=Party("Hanbit Electronics Co Ltd", "7 Gasan-ro\nSeoul", "KR"),
        addressee=Party("NORDLICHT HANDELS GMBH", "Hafenstrasse 3\n20457 Hamburg", "DE"),
        lines=(
            line("Battery packs", 30, 9000.0, Decimal("800"), "EUR", "8507600000", "KR"),
            line("Wi-Fi routers", 120, 30000.0, Decimal("2000"), "EUR", "851762", "KR"),
            line("Face cream", 10, 35000.0, Decimal("300"), "EUR", "330499", None),
        ),
    )
    return replace(manifest, **changes)  # type: ignore[arg-type]


def kinds(mismatches: tuple[object, ...]) -> list[MismatchKind]:
    return [m.kind for m in mismatches]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- cross-checks


def test_agreeing_manifest_has_no_mismatch() -> None:
    assert cross_check(CLAIMS, agreeing_manifest(), parcel_date=SCANNED_AT) == ()
    assert consumed_quantities(CLAIMS, agreeing_manifest()) == {
        "850760": 30.0,
        "851762": 120.0,
        "330499": 35.0,  # kg from the declared net weight
    }


def test_party_names_compare_without_case_punctuation_or_legal_form() -> None:
    assert party_key("Hanbit Electronics Co., Ltd.") == party_key("HANBIT ELECTRONICS CO LTD")
    assert party_key("Nordlicht Handels GmbH") == "nordlicht handels"


def test_each_mismatch_is_named_with_a_clear_reason() -> None:
    base = agreeing_manifest()
    lines = list(base.lines)
    lines[0] = replace(lines[0], quantity=41)  # 40 certified
    lines[1] = replace(lines[1], hs_code="851713", origin_country="CN")  # other subheading
    lines[2] = replace(lines[2], net_weight_g=40_000.0, origin_country="CN")  # 35.5 kg certified
    manifest = replace(
        base,
        sender=Party("Li Wei Trading", "88 Export Road\nShenzhen", "CN"),
        addressee=Party("Anna Muster", "Bahnhofstrasse 1\n8001 Zürich", "CH"),
        lines=tuple(lines),
    )
    found = cross_check(CLAIMS, manifest, parcel_date=CLAIMS.expires_at + timedelta(days=2))
    by_kind = {m.kind: m.explanation for m in found}
    assert "'Li Wei Trading' (CN)" in by_kind[MismatchKind.EXPORTER]
    assert "'Anna Muster' (CH)" in by_kind[MismatchKind.IMPORTER]
    assert "HS 851762" in by_kind[MismatchKind.HS_NOT_DECLARED]
    assert "line 2 declares 851713" in by_kind[MismatchKind.HS_NOT_DECLARED]
    assert (
        "origin CN" in by_kind[MismatchKind.ORIGIN]
        and "certifies KR" in by_kind[MismatchKind.ORIGIN]
    )
    quantity = [m.explanation for m in found if m.kind is MismatchKind.QUANTITY]
    assert any("Declared 41 pcs under HS 850760" in q and "40 pcs" in q for q in quantity)
    assert any("Declared 40 kg under HS 330499" in q and "35.5 kg" in q for q in quantity)
    assert "expired on" in by_kind[MismatchKind.VALIDITY]
    assert all(m.severity == "amber" for m in found)


def test_express_seller_may_stand_for_the_exporter_and_missing_hs_is_said() -> None:
    manifest = agreeing_manifest(
        kind=ManifestKind.EXPRESS,
        tracking_id="HAWB12345",
        sender=Party("Fulfilment Hub Incheon", "1 Airport-ro\nIncheon", "KR"),
        express=ExpressDetails("HAWB12345", seller=Seller("Hanbit Electronics", "KR")),
    )
    assert cross_check(CLAIMS, manifest, parcel_date=SCANNED_AT) == ()
    no_hs = replace(manifest, lines=tuple(replace(ln, hs_code=None) for ln in manifest.lines))
    assert kinds(cross_check(CLAIMS, no_hs, parcel_date=SCANNED_AT)) == [
        MismatchKind.HS_UNCHECKABLE
    ]


def _use(scan: str, importer: str | None, consumed: dict[str, float]) -> CertificateUse:
    return CertificateUse("STATION-02", scan, f"T-{scan}", importer, consumed, SCANNED_AT)


def test_reuse_beyond_quantities_or_for_another_importer() -> None:
    mine = {"850760": 30.0, "851762": 10.0}
    ok = reuse_findings(
        CLAIMS,
        consumed=mine,
        importer="Nordlicht Handels GmbH",
        uses=[_use("A", "Nordlicht Handels", {"850760": 10.0})],
    )
    assert ok == ()
    over = reuse_findings(
        CLAIMS,
        consumed=mine,
        importer="Nordlicht Handels GmbH",
        uses=[_use("A", "Other Importer AG", {"850760": 20.0})],
    )
    assert kinds(over) == [MismatchKind.REUSED_IMPORTER, MismatchKind.REUSED_QUANTITY]
    assert "50 are claimed over 2 parcels" in over[1].explanation
    unknown = reuse_findings(CLAIMS, consumed={}, importer=None, uses=[_use("A", None, {})])
    assert kinds(unknown) == [MismatchKind.REUSED]
    assert "T-A at STATION-02" in unknown[0].explanation


def test_triage_is_raised_by_later_findings_without_losing_reasons() -> None:
    triage = Triage(TriageConfig())
    green = triage.assess(alarms=())
    finding = cross_check(CLAIMS, None, parcel_date=CLAIMS.expires_at + timedelta(days=1))
    raised = triage.raise_by(green, finding, label="Certificate")
    assert raised.level is TriageLevel.AMBER
    assert raised.reasons[0].startswith("AMBER: Certificate: Certificate KCS-2025-000123 expired")
    assert not any(r.startswith("GREEN: no alarm") for r in raised.reasons)
    red = TriageResult(TriageLevel.RED, ("RED: knife", "AMBER: battery"), 0.3)
    kept = triage.raise_by(red, finding, label="Certificate")
    assert kept.level is TriageLevel.RED and kept.risk_score == 0.3
    assert kept.reasons[0] == "RED: knife" and kept.reasons[1] == "AMBER: battery"
    assert triage.raise_by(red, (), label="Certificate") is red


# ---------------------------------------------------------------- the service, stored


def tiny_parcel(scan_id: str, tracking_id: str = TRACKING) -> ParcelScan:
    shape = (4, 8)
    counts = np.full(shape, 1000, dtype=np.uint16)
    zeros = np.zeros(shape, dtype=np.float32)
    return ParcelScan(
        raw=RawScan(
            scan_id, "SIM-1", 0, counts, counts, 1_000, 2_000, 2.5, 1.6, tracking_id=tracking_id
        ),
        image=MaterialImage(zeros, zeros, zeros, np.zeros(shape, np.uint8), 2.5, 1.6),
        alarms=(),
        detections=(),
        triage=TriageResult(
            TriageLevel.GREEN, ("GREEN: no alarm, detection or discrepancy needs a look",)
        ),
        timings_ms={},
        calibration_id="",
    )


@pytest.fixture(scope="module")
def issuer() -> demo.DemoIssuer:
    return demo.make_demo_issuer("ES256")


@pytest.fixture(scope="module")
def central() -> tuple[object, PublicKey]:
    key = demo.make_demo_central_key()
    return key, key.public_key()


@pytest.fixture
def trust(issuer: demo.DemoIssuer, central: tuple[object, PublicKey]) -> TrustList:
    key, public = central
    document = demo.demo_trust_list([issuer], key, revoked=["KCS-2025-000013"])  # type: ignore[arg-type]
    return parse_trust_list(document, public)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    yield db
    db.close()


@pytest.fixture
def scans(database: Database, tmp_path: Path) -> ScanRepository:
    repo = ScanRepository(database, ImageStore(tmp_path / "images"), "STATION-01")
    for scan_id in ("S-1", "S-2"):
        repo.save_parcel(tiny_parcel(scan_id))
    ManifestRepository(database).save(agreeing_manifest(), source="test")
    return repo


@pytest.fixture
def service(
    database: Database, scans: ScanRepository, trust: TrustList, tmp_path: Path
) -> Iterator[CertificateService]:
    config = StationConfig(data_dir=tmp_path)
    svc = build_certificate_service(config, database, scans, lambda: trust)
    yield svc
    svc.close()


def test_signed_certificate_offline_stored_with_its_event(
    service: CertificateService, issuer: demo.DemoIssuer, database: Database
) -> None:
    check = service.check_text(demo.demo_document(issuer, CLAIMS), scan_id="S-1")
    assert (check.kind, check.status, check.source) == (
        CertificateKind.SIGNED,
        CertificateStatus.VALID,
        VerdictSource.OFFLINE,
    )
    assert check.mismatches == () and check.tracking_id == TRACKING
    assert check.triage is not None and check.triage.level is TriageLevel.GREEN
    assert service.checks_for("S-1") == (check,)
    (event,) = [
        r for r in OutboxRepository(database).pending() if r.topic == "certificate.verified"
    ]
    assert event.idempotency_key == f"STATION-01/certificate.verified/S-1/{check.verdict_id}"
    assert payload_problem(event.topic, dict(event.payload)) is None
    assert event.payload["consumed"] == {"850760": 30.0, "851762": 120.0, "330499": 35.0}


def test_revoked_and_untrusted_certificates(
    service: CertificateService,
    issuer: demo.DemoIssuer,
    tmp_path: Path,
    database: Database,
    scans: ScanRepository,
) -> None:
    revoked = demo.demo_document(issuer, replace(CLAIMS, certificate_number="KCS-2025-000013"))
    check = service.check_text(revoked, scan_id="S-1")
    assert check.status is CertificateStatus.REVOKED
    assert check.triage is not None and check.triage.level is TriageLevel.AMBER
    assert "revoked by its issuer" in check.triage.reasons[0]
    no_trust = build_certificate_service(
        StationConfig(data_dir=tmp_path), database, scans, lambda: None
    )
    try:
        unverified = no_trust.check_text(demo.demo_document(issuer, CLAIMS), scan_id="S-2")
    finally:
        no_trust.close()
    assert unverified.status is CertificateStatus.UNVERIFIED
    forged = demo.sign_claims(CLAIMS, demo.make_demo_issuer().private_key, kid=issuer.kid)
    assert service.check_text(forged, scan_id="S-2").status is CertificateStatus.INVALID


def test_same_certificate_on_two_parcels_beyond_its_quantities(
    service: CertificateService, issuer: demo.DemoIssuer
) -> None:
    document = demo.demo_document(issuer, CLAIMS)
    assert service.check_text(document, scan_id="S-1").mismatches == ()
    again = service.check_text(document, scan_id="S-1")  # the same parcel twice: not reuse
    assert again.mismatches == ()
    second = service.check_text(document, scan_id="S-2")
    assert kinds(second.mismatches) == [MismatchKind.REUSED_QUANTITY] * 3  # all three HS codes
    assert "240 are claimed over 2 parcels" in second.mismatches[1].explanation
    assert second.triage is not None and second.triage.level is TriageLevel.AMBER


def test_bad_inputs_give_clear_errors_or_verdicts(
    service: CertificateService, issuer: demo.DemoIssuer, tmp_path: Path
) -> None:
    with pytest.raises(CertificateInputError, match="no scan 'S-404'"):
        service.check_text(demo.demo_document(issuer, CLAIMS), scan_id="S-404")
    lookalike = service.check_text(
        "https://unipass.customs.go.kr.evil.example/csp/coo/verify?refNo=A1234&code=B1234",
        scan_id="S-1",
    )
    assert (lookalike.kind, lookalike.status) == (CertificateKind.URL, CertificateStatus.INVALID)
    assert "not a registered issuing authority" in lookalike.reasons[0]
    garbage = service.check_text("COO1:%%%not-base45", scan_id="S-1")
    assert garbage.status is CertificateStatus.INVALID and garbage.reasons
    not_image = tmp_path / "note.png"
    not_image.write_bytes(b"not a picture")
    with pytest.raises(CertificateInputError, match=r"note\.png"):
        service.check_image(not_image, scan_id="S-1")
    assert len(service.checks_for("S-1")) == 2  # both verdicts kept, nothing lost


def _qr_png(path: Path, text: str) -> Path:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, box_size=4, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    qr.make_image().save(str(path))
    return path


def test_document_camera_image_and_scanner_text_through_the_worker(
    service: CertificateService, issuer: demo.DemoIssuer, tmp_path: Path
) -> None:
    document = demo.demo_document(issuer, CLAIMS)
    image = _qr_png(tmp_path / "document.png", document)
    (from_image,) = service.submit(image, scan_id="S-1").result(timeout=30)
    assert from_image.status is CertificateStatus.VALID
    (typed,) = service.submit("]Q1" + document + "\r\n", scan_id="S-2").result(timeout=30)
    assert typed.status is CertificateStatus.VALID  # AIM prefix and CR/LF of the scanner
    label_only = _qr_png(tmp_path / "label.png", "EE123456785KR")
    with pytest.raises(CertificateInputError, match="no e-COO certificate"):
        service.submit(label_only, scan_id="S-1").result(timeout=30)


def test_claims_lines_keep_several_items_per_hs_code() -> None:
    claims = replace(
        CLAIMS,
        items=(
            CooItem("851762", "Routers", 50.0, "CTH", "pcs"),
            CooItem("851762", "Access points", 70.0, "CTH", "pcs"),
        ),
    )
    manifest = agreeing_manifest(lines=(agreeing_manifest().lines[1],))
    assert cross_check(claims, manifest, parcel_date=SCANNED_AT) == ()  # 120 of 50 + 70
