"""Receipt labels: the QR on the printed label decodes (zxing-cpp) to the signed reference."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from station_app.certificates import demo
from station_app.certificates.barcodes import BarcodeConfig, ImageCodeReader
from station_app.certificates.receipt import (
    LABEL_DPI,
    LABEL_SIZE_MM,
    ReceiptError,
    ReceiptReference,
    load_or_create_key,
    verify_reference,
)
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateStatus,
    VerdictSource,
)
from station_app.cli import main
from station_app.domain import MaterialImage, ParcelScan, RawScan, TriageLevel, TriageResult
from station_app.storage import ImageStore, ScanRepository, open_database
from station_app.storage.certificates import CertificateVerdictRepository

STATION = "STATION-01"


def _store_check(data_dir: Path, scan_id: str = "S-2025-0001") -> CertificateCheck:
    """A stored VALID check on a stored parcel."""
    db = open_database(f"sqlite:///{data_dir / 'station.sqlite3'}")
    try:
        shape = (4, 8)
        counts = np.full(shape, 1000, dtype=np.uint16)
        zeros = np.zeros(shape, dtype=np.float32)
        ScanRepository(db, ImageStore(data_dir / "images"), STATION).save_parcel(
            ParcelScan(
                raw=RawScan(scan_id, "SIM-1", 0, counts, counts, 1, 2, 2.5, 1.6, "EE123456785KR"),
                image=MaterialImage(zeros, zeros, zeros, np.zeros(shape, np.uint8), 2.5, 1.6),
                alarms=(),
                detections=(),
                triage=TriageResult(TriageLevel.GREEN, ()),
                timings_ms={},
                calibration_id="",
            )
        )
        check = CertificateCheck(
            kind=CertificateKind.SIGNED,
            status=CertificateStatus.VALID,
            reasons=(),
            source=VerdictSource.OFFLINE,
            checked_at=datetime(2025, 6, 1, 9, 30, tzinfo=UTC),
            claims=demo.demo_claims(certificate_number="KCS-2025-000123"),
            scan_id=scan_id,
        )
        return CertificateVerdictRepository(db, STATION).save(check)
    finally:
        db.close()


def test_png_label_qr_decodes_to_the_signed_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = _store_check(tmp_path)
    out = tmp_path / "labels" / "receipt.png"
    assert (
        main(["--data-dir", str(tmp_path), "certs", "receipt", "S-2025-0001", "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    codes = ImageCodeReader(BarcodeConfig()).read_image(out)
    assert [c.symbology for c in codes] == ["qr"]
    reference = codes[0].text
    assert reference in printed
    key = load_or_create_key(tmp_path / "receipt-key.pem")  # the key the command made
    public = key.public_key()
    assert (tmp_path / "receipt-key.pem").stat().st_mode & 0o077 == 0
    parsed = verify_reference(reference, public)
    assert parsed == ReceiptReference.of(stored, STATION)
    assert parsed.scan_id == "S-2025-0001" and parsed.certificate_number == "KCS-2025-000123"
    # Altered or signed by someone else: refused.
    forged = reference.replace("/valid/", "/revoked/")
    with pytest.raises(ReceiptError, match="does not verify"):
        verify_reference(forged, public)
    with pytest.raises(ReceiptError, match="does not verify"):
        verify_reference(reference, ed25519.Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ReceiptError, match="not a signed receipt"):
        verify_reference("https://example.org", public)


def test_pdf_label_is_label_sized(tmp_path: Path) -> None:
    _store_check(tmp_path)
    out = tmp_path / "receipt.pdf"
    assert (
        main(["--data-dir", str(tmp_path), "certs", "receipt", "S-2025-0001", "--out", str(out)])
        == 0
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", data)
    assert box is not None
    points = [float(v) for v in box.groups()]
    expected = [mm / 25.4 * 72 for mm in LABEL_SIZE_MM]
    assert points == pytest.approx(expected, abs=72 / LABEL_DPI * 2)


def test_receipt_errors_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _store_check(tmp_path)
    base = ["--data-dir", str(tmp_path), "certs", "receipt"]
    assert main([*base, "S-404", "--out", str(tmp_path / "x.png")]) == 2
    assert "no stored certificate check for scan 'S-404'" in capsys.readouterr().err
    assert main([*base, "S-2025-0001", "--verdict-id", "99", "--out", str(tmp_path / "x.png")]) == 2
    assert "no stored check 99" in capsys.readouterr().err
    assert main([*base, "S-2025-0001", "--out", str(tmp_path / "x.jpg")]) == 2
    assert ".png or .pdf" in capsys.readouterr().err
    (tmp_path / "receipt-key.pem").write_text("not a key")
    assert main([*base, "S-2025-0001", "--out", str(tmp_path / "x.png")]) == 2
    assert "receipt key" in capsys.readouterr().err
