"""The inspection receipt label of a certificate check: PNG or PDF at label size.

The label carries, in words, the tracking id, the certificate number, the
verdict, the station and the time, and a QR code of a compact **signed
reference** to the stored check::

    SAR1:<station>/<scan id>/<verdict id>/<status>/<certificate number or ->/<epoch s>~<sig>

Fields are percent-encoded (so a "/" inside an id cannot shift them); ``sig``
is the station's Ed25519 signature over everything before "~", base64url
without padding. Anyone holding the station's public key can check that a
label was printed by that station for that stored verdict
(``verify_reference``); the key is made on first use and kept beside the
station database (``receipt-key.pem``, owner-only).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import quote, unquote

import qrcode
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from PIL import Image, ImageDraw, ImageFont

from station_app.certificates.records import CertificateCheck, CertificateStatus
from station_app.errors import StationError

RECEIPT_PREFIX: Final = "SAR1:"
LABEL_SIZE_MM: Final = (100.0, 50.0)  # a common thermal label; width × height
LABEL_DPI: Final = 300  # thermal label printers print at 203 or 300 dpi
_MM_PER_INCH: Final = 25.4
_STATUS_TEXT: Final = {
    CertificateStatus.VALID: "VALID",
    CertificateStatus.INVALID: "INVALID",
    CertificateStatus.REVOKED: "REVOKED",
    CertificateStatus.UNVERIFIED: "UNVERIFIED",
    CertificateStatus.COULD_NOT_VERIFY_NOW: "NOT VERIFIED (retry)",
}


class ReceiptError(StationError):
    """A receipt reference or label could not be made or checked."""


@dataclass(frozen=True)
class ReceiptReference:
    station_id: str
    scan_id: str
    verdict_id: int
    status: CertificateStatus
    certificate_number: str | None
    checked_at: datetime

    @classmethod
    def of(cls, check: CertificateCheck, station_id: str) -> ReceiptReference:
        if check.scan_id is None or check.verdict_id is None:
            raise ReceiptError("only a stored certificate check gets a receipt")
        return cls(
            station_id,
            check.scan_id,
            check.verdict_id,
            check.status,
            check.certificate_number,
            check.checked_at,
        )

    def unsigned_text(self) -> str:
        fields = (
            self.station_id,
            self.scan_id,
            str(self.verdict_id),
            self.status.value,
            self.certificate_number or "-",
            str(int(self.checked_at.timestamp())),
        )
        return RECEIPT_PREFIX + "/".join(quote(f, safe="") for f in fields)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_reference(reference: ReceiptReference, key: ed25519.Ed25519PrivateKey) -> str:
    text = reference.unsigned_text()
    return f"{text}~{_b64(key.sign(text.encode('utf-8')))}"


def verify_reference(text: str, public_key: ed25519.Ed25519PublicKey) -> ReceiptReference:
    """The reference a label's QR holds, if the station's signature over it is good."""
    body, sep, signature = text.strip().partition("~")
    if not body.startswith(RECEIPT_PREFIX) or not sep:
        raise ReceiptError("not a signed receipt reference (SAR1:…~signature)")
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        public_key.verify(raw, body.encode("utf-8"))
    except (ValueError, InvalidSignature) as exc:
        raise ReceiptError(
            "receipt signature does not verify: altered or not this station's"
        ) from exc
    fields = [unquote(f) for f in body[len(RECEIPT_PREFIX) :].split("/")]
    if len(fields) != 6:
        raise ReceiptError(f"receipt reference has {len(fields)} fields, expected 6")
    station, scan, verdict_id, status, number, epoch = fields
    try:
        return ReceiptReference(
            station,
            scan,
            int(verdict_id),
            CertificateStatus(status),
            None if number == "-" else number,
            datetime.fromtimestamp(int(epoch), tz=UTC),
        )
    except ValueError as exc:
        raise ReceiptError(f"receipt reference field is malformed ({exc})") from exc


def load_or_create_key(path: Path) -> ed25519.Ed25519PrivateKey:
    """The station's receipt signing key (PEM, PKCS#8), made owner-only on first use."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError) as exc:
            raise ReceiptError(f"receipt key {path} is unreadable ({exc})") from exc
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ReceiptError(f"receipt key {path} is not an Ed25519 key")
        return key
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def _px(mm: float, dpi: int) -> int:
    return round(mm / _MM_PER_INCH * dpi)


def render_label(
    check: CertificateCheck,
    *,
    station_id: str,
    reference: str,
    dpi: int = LABEL_DPI,
    size_mm: tuple[float, float] = LABEL_SIZE_MM,
) -> Image.Image:
    """A 1-bit-friendly label image: QR on the left, the facts on the right."""
    width, height = _px(size_mm[0], dpi), _px(size_mm[1], dpi)
    label = Image.new("L", (width, height), 255)
    margin = _px(3.0, dpi)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(reference)
    qr.make(fit=True)
    modules = qr.modules_count + 2 * qr.border
    box = max(1, (height - 2 * margin) // modules)  # whole pixels per module: crisp edges
    code = qr.make_image(fill_color="black", back_color="white").get_image()
    code = code.convert("L").resize((modules * box, modules * box), Image.Resampling.NEAREST)
    label.paste(code, (margin, (height - code.height) // 2))

    draw = ImageDraw.Draw(label)
    left = margin + code.width + margin
    big_px, small_px = max(10, _px(4.2, dpi)), max(8, _px(2.8, dpi))
    big = ImageFont.load_default(size=big_px)
    small = ImageFont.load_default(size=small_px)
    lines = [
        (f"e-COO {_STATUS_TEXT[check.status]}", big, big_px),
        (f"Parcel {check.tracking_id or check.scan_id or '-'}", small, small_px),
        (
            f"Certificate {check.certificate_number or check.reference_number or '-'}",
            small,
            small_px,
        ),
        (f"Station {station_id}", small, small_px),
        (f"Checked {check.checked_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC", small, small_px),
        (f"Scan {check.scan_id or '-'} · verdict {check.verdict_id or '-'}", small, small_px),
    ]
    y = margin
    for text, font, size_px in lines:
        draw.text((left, y), text, fill=0, font=font)
        y += int(size_px * 1.35)
    return label


def save_label(image: Image.Image, path: Path, *, dpi: int = LABEL_DPI) -> Path:
    """PNG or PDF by the file's suffix; the PDF page is exactly the label size."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ReceiptError(f"{path.name}: a receipt is written as .png or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        image.save(path, "PNG", dpi=(dpi, dpi))
    else:
        image.convert("RGB").save(path, "PDF", resolution=float(dpi))
    return path
