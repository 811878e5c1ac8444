"""Barcode reading for certificates of origin (e-COO) and parcel labels.

Three ways a code reaches the station, all ending in the same ``DecodedCode``:

* an image (document camera frame, file, or bytes of an encoded file) →
  ``ImageCodeReader.read_image`` / ``read_image`` with a ``BarcodeReader`` backend:
  zxing-cpp (default) or ZBar through pyzbar (optional extra ``zbar``);
* the text a handheld 2D scanner types (keyboard wedge) or sends (serial) →
  ``parse_scanner_text``, which understands AIM symbology identifiers;
* a document camera → ``capture_frames`` / ``scan_camera`` (OpenCV VideoCapture).

Every input is checked at this edge: bad images (corrupt, empty, wrong dtype,
too big) raise ``BarcodeError`` with a message naming what was wrong, never a
crash or an unbounded allocation. Symbology names are normalised ("qr",
"datamatrix", "pdf417", "code128", …) so callers never see backend spellings.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import os
import re
import struct
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field, field_validator

from station_app.errors import StationError

log = logging.getLogger(__name__)

Point = tuple[float, float]
Corners = tuple[Point, Point, Point, Point]
GreyImage = NDArray[np.uint8]
ImageSource = NDArray[Any] | str | os.PathLike[str] | bytes

GS = "\x1d"  # ASCII group separator: GS1 / ISO 15434 element separator (FNC1 in data)

# Normalised symbology names, in the order the docs list them.
SYMBOLOGIES: tuple[str, ...] = (
    "qr",
    "micro_qr",
    "rmqr",
    "datamatrix",
    "pdf417",
    "micro_pdf417",
    "aztec",
    "maxicode",
    "code128",
    "code39",
    "code93",
    "codabar",
    "itf",
    "ean13",
    "ean8",
    "upca",
    "upce",
    "ean_upc",
    "databar",
    "databar_expanded",
    "databar_limited",
    "unknown",
)

# zxing-cpp BarcodeFormat member name → normalised name (and back, for the format filter).
_ZXING_NAMES: dict[str, str] = {
    "QRCode": "qr",
    "QRCodeModel1": "qr",
    "QRCodeModel2": "qr",
    "MicroQRCode": "micro_qr",
    "RMQRCode": "rmqr",
    "DataMatrix": "datamatrix",
    "PDF417": "pdf417",
    "CompactPDF417": "pdf417",
    "MicroPDF417": "micro_pdf417",
    "Aztec": "aztec",
    "AztecCode": "aztec",
    "MaxiCode": "maxicode",
    "Code128": "code128",
    "Code39": "code39",
    "Code39Std": "code39",
    "Code39Ext": "code39",
    "Code93": "code93",
    "Codabar": "codabar",
    "ITF": "itf",
    "EAN13": "ean13",
    "EAN8": "ean8",
    "UPCA": "upca",
    "UPCE": "upce",
    "DataBar": "databar",
    "DataBarOmni": "databar",
    "DataBarExpanded": "databar_expanded",
    "DataBarExp": "databar_expanded",
    "DataBarLimited": "databar_limited",
    "DataBarLtd": "databar_limited",
}
_ZXING_FILTER: dict[str, str] = {
    "qr": "QRCode",
    "micro_qr": "MicroQRCode",
    "rmqr": "RMQRCode",
    "datamatrix": "DataMatrix",
    "pdf417": "PDF417",
    "micro_pdf417": "MicroPDF417",
    "aztec": "Aztec",
    "maxicode": "MaxiCode",
    "code128": "Code128",
    "code39": "Code39",
    "code93": "Code93",
    "codabar": "Codabar",
    "itf": "ITF",
    "ean13": "EAN13",
    "ean8": "EAN8",
    "upca": "UPCA",
    "upce": "UPCE",
    "ean_upc": "EAN13,EAN8,UPCA,UPCE",
    "databar": "DataBar",
    "databar_expanded": "DataBarExpanded",
    "databar_limited": "DataBarLimited",
}

# ZBar symbol type name → normalised name. ZBar has no DataMatrix/Aztec/MaxiCode
# decoder, and its PDF417 decoder is incomplete and disabled in distribution
# builds (libzbar0 0.23 reads nothing), so PDF417 is listed as unsupported too.
_ZBAR_NAMES: dict[str, str] = {
    "QRCODE": "qr",
    "CODE128": "code128",
    "CODE39": "code39",
    "CODE93": "code93",
    "CODABAR": "codabar",
    "I25": "itf",
    "EAN13": "ean13",
    "EAN8": "ean8",
    "UPCA": "upca",
    "UPCE": "upce",
    "DATABAR": "databar",
    "DATABAR_EXP": "databar_expanded",
}
_ZBAR_ORIENTATION_DEG = {"UP": 0.0, "RIGHT": 90.0, "DOWN": 180.0, "LEFT": 270.0}

# AIM symbology identifiers (ISO/IEC 15424): "]" + code character + modifier.
# Code characters are case-sensitive ("d" Data Matrix, "D" Code One).
_AIM_CODES: dict[str, str] = {
    "Q": "qr",
    "d": "datamatrix",
    "L": "pdf417",  # modifiers 3-5: MicroPDF417, see _aim_symbology
    "z": "aztec",
    "U": "maxicode",
    "C": "code128",
    "A": "code39",
    "G": "code93",
    "F": "codabar",
    "I": "itf",
    "E": "ean_upc",  # E0: EAN-13/UPC-A/UPC-E, E4: EAN-8
    "e": "databar",
    "X": "unknown",  # "other" symbology
    "Z": "unknown",  # not from a barcode (keyboard, OCR)
}
# GS1 symbology identifiers: the data is a GS1 element string (GS1 General Specifications 5.1).
_GS1_AIM_IDS = frozenset({"]C1", "]e0", "]E0", "]E4", "]d2", "]Q3", "]J1", "]z1"})
_AIM_RE = re.compile(r"\]([A-Za-z])([0-9A-Za-z])")

_MAX_SCAN_CHARS = 65_536  # far above any 2D symbol's capacity (QR ≤ 7,089 digits)


class BarcodeError(StationError):
    """A barcode input could not be used; the message names what was wrong."""


@dataclass(frozen=True, slots=True)
class DecodedCode:
    """One decoded barcode.

    ``corners_px`` are the code's own top-left, top-right, bottom-right and
    bottom-left corners (x, y) in pixels of the image as given (before any
    downscaling the reader did); None for scanner text. ``orientation_deg``
    is the code's rotation as the backend reports it (zxing-cpp: degrees;
    ZBar: multiples of 90), None when unknown. ``raw_bytes`` is set only
    when the content is binary (not valid text); ``text`` is then the
    Latin-1 reading of the bytes so it is never lossy.
    """

    symbology: str
    text: str
    raw_bytes: bytes | None = None
    corners_px: Corners | None = None
    orientation_deg: float | None = None
    aim_id: str | None = None  # "]Q1" etc. when known
    backend: str = ""  # "zxing-cpp", "zbar" or "scanner"

    @property
    def payload(self) -> bytes:
        """The content as bytes: ``raw_bytes`` if binary, else the UTF-8 text."""
        if self.raw_bytes is not None:
            return self.raw_bytes
        try:
            return self.text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # lone surrogates typed into a str: keep, don't crash
            return self.text.encode("utf-8", "surrogatepass")

    @property
    def is_gs1(self) -> bool:
        """True when the AIM identifier says the data is a GS1 element string."""
        return self.aim_id in _GS1_AIM_IDS

    @property
    def center_px(self) -> Point | None:
        if self.corners_px is None:
            return None
        return (
            sum(p[0] for p in self.corners_px) / 4.0,
            sum(p[1] for p in self.corners_px) / 4.0,
        )


class BarcodeConfig(BaseModel):
    """Barcode reading settings (becomes ``StationConfig.barcodes``)."""

    backend: Literal["zxing-cpp", "zbar"] = "zxing-cpp"
    # Restricting the symbologies makes reading faster and avoids false linear
    # reads in clutter; e-COO uses QR / DataMatrix / PDF417, S10 labels Code 128.
    symbologies: tuple[str, ...] = ("qr", "datamatrix", "pdf417", "code128")
    # Fallback passes (other binarizer, CLAHE, upscale, rotations) start only while
    # the time spent is under this budget; a native decode call cannot be interrupted,
    # so one pass may overrun it.
    time_budget_ms: float = Field(default=1500.0, gt=0)
    fallback: Literal["off", "when_empty", "always"] = "when_empty"
    # Images above this are downscaled (INTER_AREA) before decoding: bounds time and
    # memory. 12 MP keeps a 4000 × 3000 document-camera frame at full resolution.
    max_pixels: int = Field(default=12_000_000, ge=10_000)
    # Larger inputs are refused: a decompression bomb must not take the station down.
    max_input_pixels: int = Field(default=250_000_000, ge=10_000)
    max_file_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    camera_timeout_s: float = Field(default=5.0, gt=0)
    camera_warmup_frames: int = Field(default=3, ge=0)  # auto-exposure settles first

    @field_validator("symbologies")
    @classmethod
    def _known_symbologies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in _ZXING_FILTER]
        if unknown:
            raise ValueError(
                f"unknown symbolog{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
                f"known: {', '.join(_ZXING_FILTER)}"
            )
        if not value:
            raise ValueError("at least one symbology is needed")
        return value


# --------------------------------------------------------------------------- backends


@runtime_checkable
class BarcodeReader(Protocol):
    """A decoding backend: finds and decodes codes in one 8-bit grey image."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> frozenset[str]:
        """Normalised symbologies this backend can decode at all."""
        ...

    @property
    def has_thorough_mode(self) -> bool:
        """Whether ``thorough=True`` does something different (worth a fallback pass)."""
        ...

    def decode(self, grey: GreyImage, *, thorough: bool = False) -> list[DecodedCode]:
        """Codes in ``grey`` (uint8, H × W, C-contiguous); corners in its pixels."""
        ...


def _order_clockwise(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """4 points ordered clockwise (image y down) starting at the top-left-most."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]
    start = int(np.argmin(ordered[:, 0] + ordered[:, 1]))
    return np.roll(ordered, -start, axis=0)


def _as_corners(points: NDArray[np.float64]) -> Corners:
    p = [(float(x), float(y)) for x, y in points[:4]]
    return (p[0], p[1], p[2], p[3])


def _text_or_bytes(data: bytes) -> tuple[str, bytes | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so the text keeps all information.
        return data.decode("latin-1"), data


class ZxingReader:
    """zxing-cpp backend (default): QR, Micro QR, DataMatrix, PDF417, Aztec, linear codes."""

    name = "zxing-cpp"
    has_thorough_mode = True

    def __init__(self, symbologies: Sequence[str] = BarcodeConfig().symbologies) -> None:
        try:
            import zxingcpp
        except ImportError as exc:  # a broken install, it is a core dependency
            raise BarcodeError(
                "the zxing-cpp backend needs the zxing-cpp package: pip install 'zxing-cpp>=3,<4'"
            ) from exc
        self._zx = zxingcpp
        self.supported: frozenset[str] = frozenset(_ZXING_FILTER)
        wanted = [_ZXING_FILTER[s] for s in symbologies if s in _ZXING_FILTER]
        self._formats = zxingcpp.barcode_formats_from_str(",".join(wanted))

    def decode(self, grey: GreyImage, *, thorough: bool = False) -> list[DecodedCode]:
        zx = self._zx
        # Plain text mode: GS1 data keeps its GS separators (as a handheld scanner
        # sends it) instead of zxing's default "(01)…" human-readable rendering.
        binarizers = (
            [zx.Binarizer.GlobalHistogram, zx.Binarizer.FixedThreshold]
            if thorough
            else [zx.Binarizer.LocalAverage]
        )
        found: list[DecodedCode] = []
        for binarizer in binarizers:
            results = zx.read_barcodes(
                grey,
                formats=self._formats,
                try_rotate=True,
                try_downscale=True,
                try_invert=True,
                text_mode=zx.TextMode.Plain,
                binarizer=binarizer,
            )
            found = [self._convert(r) for r in results if r.valid]
            if found:
                break
        return found

    def _convert(self, result: Any) -> DecodedCode:
        zx = self._zx
        fmt = getattr(result, "symbology", None) or result.format
        name = _ZXING_NAMES.get(fmt.name, fmt.name.lower())
        data: bytes = result.bytes
        binary = result.content_type in (zx.ContentType.Binary, zx.ContentType.Mixed)
        if binary:
            text, raw = data.decode("latin-1"), data
        else:
            text, raw = result.text, None
        pos = result.position
        corners: Corners = tuple(  # type: ignore[assignment]
            (float(p.x), float(p.y))
            for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        )
        return DecodedCode(
            symbology=name,
            text=text,
            raw_bytes=raw,
            corners_px=corners,
            orientation_deg=float(result.orientation),
            aim_id=result.symbology_identifier or None,
            backend=self.name,
        )


def _zbar_install_hint() -> str:
    return (
        "the 'zbar' barcode backend needs the pyzbar package "
        "(pip install 'station-app[zbar]' or 'pyzbar>=0.1.9') and the ZBar C library "
        "(Debian/Ubuntu: apt-get install libzbar0; Fedora: dnf install zbar; "
        "macOS: brew install zbar)"
    )


class ZbarReader:
    """ZBar backend through pyzbar: QR and linear codes; no DataMatrix, PDF417 or Aztec."""

    name = "zbar"
    has_thorough_mode = False

    def __init__(self, symbologies: Sequence[str] = BarcodeConfig().symbologies) -> None:
        if importlib.util.find_spec("pyzbar") is None:
            raise BarcodeError(f"pyzbar is not installed: {_zbar_install_hint()}")
        try:
            pyzbar = importlib.import_module("pyzbar.pyzbar")
        except (ImportError, OSError) as exc:  # pyzbar raises ImportError without libzbar
            raise BarcodeError(
                f"the ZBar library could not be loaded ({exc}): {_zbar_install_hint()}"
            ) from exc
        self._pyzbar = pyzbar
        self.supported = frozenset(_ZBAR_NAMES.values())
        by_name = {v: k for k, v in _ZBAR_NAMES.items()}
        self._symbols = [pyzbar.ZBarSymbol[by_name[s]] for s in symbologies if s in by_name]
        for s in symbologies:
            if s not in self.supported:
                log.info("zbar backend cannot read %s; it is skipped", s)

    def decode(self, grey: GreyImage, *, thorough: bool = False) -> list[DecodedCode]:
        if not self._symbols:  # nothing it can read was asked for
            return []
        height, width = grey.shape
        # The (bytes, width, height) form avoids pyzbar's own numpy/PIL sniffing.
        results = self._pyzbar.decode((grey.tobytes(), width, height), symbols=self._symbols)
        codes: list[DecodedCode] = []
        for r in results:
            name = _ZBAR_NAMES.get(r.type, str(r.type).lower())
            text, raw = _text_or_bytes(bytes(r.data))
            points = np.array([(p.x, p.y) for p in r.polygon], dtype=np.float64)
            orientation = _ZBAR_ORIENTATION_DEG.get(r.orientation) if r.orientation else None
            corners: Corners | None = None
            if len(points) >= 1:
                # Linear codes come back as the scan-line hits; the enclosing rotated
                # box gives four corners like zxing's.
                box = cv2.boxPoints(cv2.minAreaRect(points.astype(np.float32)))
                ordered = _order_clockwise(np.asarray(box, dtype=np.float64))
                if orientation is not None:
                    # ZBar's orientation says where the code's top points; start the
                    # corner list at the code's own top-left like zxing does.
                    ordered = np.roll(ordered, -int(orientation // 90), axis=0)
                corners = _as_corners(ordered)
            codes.append(
                DecodedCode(
                    symbology=name,
                    text=text,
                    raw_bytes=raw,
                    corners_px=corners,
                    orientation_deg=orientation,
                    backend=self.name,
                )
            )
        return codes


def make_backend(
    name: str, symbologies: Sequence[str] = BarcodeConfig().symbologies
) -> BarcodeReader:
    """Build the named backend; ``BarcodeError`` says what to install if it can't."""
    if name == "zxing-cpp":
        return ZxingReader(symbologies)
    if name == "zbar":
        return ZbarReader(symbologies)
    raise BarcodeError(f"unknown barcode backend {name!r}; known: zxing-cpp, zbar")


def available_backends() -> dict[str, str | None]:
    """Backend name → None if usable here, else why not (for diagnostics screens)."""
    status: dict[str, str | None] = {}
    for name in ("zxing-cpp", "zbar"):
        try:
            make_backend(name)
            status[name] = None
        except BarcodeError as exc:
            status[name] = str(exc)
    return status


# --------------------------------------------------------------------------- images


def _probe_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, BMP or GIF header without decoding; None if unknown.

    Lets the reader refuse a decompression bomb (a tiny PNG of a gigapixel) before
    OpenCV allocates it, and pick a reduced JPEG decode for very large photos.
    """
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            w, h = struct.unpack(">II", data[16:24])
            return int(w), int(h)
        if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
            w, h = struct.unpack("<HH", data[6:10])
            return int(w), int(h)
        if data[:2] == b"BM" and len(data) >= 26:
            w, h = struct.unpack("<ii", data[18:26])
            return abs(int(w)), abs(int(h))
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    return None
                marker = data[i + 1]
                if marker == 0xFF:  # fill byte
                    i += 1
                    continue
                (length,) = struct.unpack(">H", data[i + 2 : i + 4])
                # SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return int(w), int(h)
                i += 2 + length
    except struct.error:
        return None
    return None


def _decode_file_bytes(
    data: bytes, what: str, config: BarcodeConfig
) -> tuple[NDArray[np.uint8], tuple[int, int]]:
    """(grey image, (width, height) of the file's full-size image)."""
    if not data:
        raise BarcodeError(f"{what} is empty")
    size = _probe_size(data)
    flags = cv2.IMREAD_GRAYSCALE  # one byte per pixel: a third of BGR's memory
    if size is not None:
        w, h = size
        pixels = w * h
        if pixels == 0:
            raise BarcodeError(f"{what} has no pixels ({w} × {h})")
        if pixels > config.max_input_pixels:
            raise BarcodeError(
                f"{what} is {w} × {h} = {pixels / 1e6:.0f} MP, above the "
                f"{config.max_input_pixels / 1e6:.0f} MP limit (barcodes.max_input_pixels)"
            )
        # JPEG can be decoded at 1/2, 1/4, 1/8 scale directly (DCT scaling): a
        # 50 MP photo never exists at full size. Keep at least max_pixels.
        if data[:2] == b"\xff\xd8":
            for factor, flag in (
                (8, cv2.IMREAD_REDUCED_GRAYSCALE_8),
                (4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
                (2, cv2.IMREAD_REDUCED_GRAYSCALE_2),
            ):
                if pixels / (factor * factor) >= config.max_pixels:
                    flags = flag
                    break
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        image = cv2.imdecode(buffer, flags)
    except cv2.error as exc:
        raise BarcodeError(f"{what} could not be decoded as an image: {exc}") from exc
    if image is None or image.size == 0:
        raise BarcodeError(f"{what} is not a readable image (corrupt or unsupported format)")
    if image.shape[0] * image.shape[1] > config.max_input_pixels:  # unknown header kinds
        raise BarcodeError(
            f"{what} is {image.shape[1]} × {image.shape[0]}, above the "
            f"{config.max_input_pixels / 1e6:.0f} MP limit (barcodes.max_input_pixels)"
        )
    full_size = size if size is not None else (int(image.shape[1]), int(image.shape[0]))
    if (image.shape[1] > image.shape[0]) != (full_size[0] > full_size[1]):
        full_size = (full_size[1], full_size[0])  # EXIF orientation turned it by 90°
    return np.asarray(image, dtype=np.uint8), full_size


def _load_path(path: Path, config: BarcodeConfig) -> tuple[NDArray[np.uint8], tuple[int, int]]:
    what = f"image file {str(path)!r}"
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise BarcodeError(f"{what} does not exist") from exc
    except OSError as exc:
        raise BarcodeError(f"{what} cannot be read: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise BarcodeError(f"{what} is not a regular file")
    if size > config.max_file_bytes:
        raise BarcodeError(
            f"{what} is {size / 2**20:.0f} MiB, above the "
            f"{config.max_file_bytes / 2**20:.0f} MiB limit (barcodes.max_file_bytes)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BarcodeError(f"{what} cannot be read: {exc.strerror or exc}") from exc
    return _decode_file_bytes(data, what, config)


@dataclass(frozen=True, slots=True)
class WorkingImage:
    """The grey image the backends see and the scale back to the input's pixels."""

    grey: GreyImage  # uint8, H × W, C-contiguous
    scale_x: float  # working px = input px × scale
    scale_y: float
    input_size: tuple[int, int]  # (width, height) of the image as given


def prepare_image(image: ImageSource, config: BarcodeConfig) -> WorkingImage:
    """Validate any accepted input and turn it into a bounded uint8 grey image.

    Accepts a numpy array (uint8; H × W, H × W × 1, BGR H × W × 3 or BGRA
    H × W × 4), a path, or the bytes of an encoded image file. Images above
    ``config.max_pixels`` are downscaled with area averaging (aspect kept).
    """
    full_size: tuple[int, int] | None = None  # a reduced JPEG decode is smaller than this
    if isinstance(image, bytes):
        array: NDArray[Any]
        array, full_size = _decode_file_bytes(image, "image data", config)
    elif isinstance(image, str | os.PathLike):
        array, full_size = _load_path(Path(image), config)
    elif isinstance(image, np.ndarray):
        array = image
    else:
        raise BarcodeError(
            f"cannot read barcodes from a {type(image).__name__}: "
            "give a numpy array, a path or encoded image bytes"
        )
    if array.dtype != np.uint8:
        raise BarcodeError(
            f"image dtype {array.dtype} is not supported: barcode reading needs uint8 (0-255); "
            "scale it first, e.g. cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX, cv2.CV_8U)"
        )
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        raise BarcodeError(
            f"image shape {array.shape} is not supported: need H × W grey, "
            "H × W × 3 BGR or H × W × 4 BGRA"
        )
    height, width = int(array.shape[0]), int(array.shape[1])
    if height == 0 or width == 0:
        raise BarcodeError(f"image is empty (shape {array.shape})")
    pixels = height * width
    if pixels > config.max_input_pixels:
        raise BarcodeError(
            f"image is {width} × {height} = {pixels / 1e6:.0f} MP, above the "
            f"{config.max_input_pixels / 1e6:.0f} MP limit (barcodes.max_input_pixels)"
        )
    scale = min(1.0, math.sqrt(config.max_pixels / pixels))
    if scale < 1.0:
        # Resize before colour conversion so no full-size grey copy is made.
        new_w, new_h = max(1, int(width * scale)), max(1, int(height * scale))
        array = cv2.resize(array, (new_w, new_h), interpolation=cv2.INTER_AREA)
        log.debug("barcode image %d × %d downscaled to %d × %d", width, height, new_w, new_h)
    if array.ndim == 3:
        code = cv2.COLOR_BGR2GRAY if array.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        array = cv2.cvtColor(array, code)
    grey = np.ascontiguousarray(array, dtype=np.uint8)
    in_w, in_h = full_size if full_size is not None else (width, height)
    return WorkingImage(
        grey=grey,
        scale_x=grey.shape[1] / in_w,
        scale_y=grey.shape[0] / in_h,
        input_size=(in_w, in_h),
    )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class ReadResult:
    codes: list[DecodedCode]
    passes: tuple[str, ...]  # names of the passes run, "plain" first
    elapsed_ms: float
    downscaled: bool  # the input was above max_pixels


_IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float64)


def _fallback_passes(
    grey: GreyImage, backend: BarcodeReader
) -> Iterator[tuple[str, GreyImage, NDArray[np.float64], bool]]:
    """(name, image, affine back to ``grey`` pixels, thorough) in order of benefit per ms.

    Lazy: each variant is only computed if the previous ones found nothing and
    time is left. The order follows the benchmark (docs/barcodes.md).
    """
    if backend.has_thorough_mode:
        # Global-histogram / fixed thresholds: better on blur and low contrast than
        # zxing's default local-average binarizer.
        yield "thorough", grey, _IDENTITY, True
    clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))
    yield "clahe", np.asarray(clahe.apply(grey), dtype=np.uint8), _IDENTITY, False
    h, w = grey.shape
    # Linear and stacked codes (Code 128, PDF417) are read along rows; zxing's
    # try_rotate covers 90° steps only, so a skewed code needs a deskewed copy.
    # The skew comes from the gradient directions (mod 90°), a fixed 45° turn
    # is the last resort. Residual skew is what makes PDF417 misread.
    angles = [*_dominant_skews(grey), 45.0]
    for angle in angles:
        forward = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
        cos, sin = abs(forward[0, 0]), abs(forward[0, 1])
        new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
        forward[0, 2] += new_w / 2.0 - w / 2.0
        forward[1, 2] += new_h / 2.0 - h / 2.0
        rotated = cv2.warpAffine(
            grey, forward, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=255
        )
        back = cv2.invertAffineTransform(forward)
        yield (
            f"rotate{angle:+.0f}",
            np.asarray(rotated, np.uint8),
            np.asarray(back, np.float64),
            False,
        )
    if min(h, w) < 1200:
        # Small modules (distant or downscaled codes): a 2× cubic upscale gives the
        # detectors more pixels per module.
        up = cv2.resize(grey, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC)
        half = np.array([[0.5, 0.0, 0.0], [0.0, 0.5, 0.0]], dtype=np.float64)
        yield "upscale2", np.asarray(up, np.uint8), half, False
    # Sensor noise: a median filter keeps edges while removing speckle.
    yield "median3", np.asarray(cv2.medianBlur(grey, 3), np.uint8), _IDENTITY, False


def _dominant_skews(grey: GreyImage, max_peaks: int = 2) -> list[float]:
    """Rotations (degrees, cv2 sign) that square up the strongest edge directions.

    Histogram of gradient angles times 4 (so bars, grids and their 90° turns
    vote together), weighted by gradient magnitude over the strongest edges;
    up to ``max_peaks`` peaks at least 10° apart. Skews under 2° are left out
    (the plain pass saw them). Computed on a ≤ 0.5 MP copy: it only needs angles.
    """
    h, w = grey.shape
    factor = min(1.0, math.sqrt(500_000 / (h * w)))
    small = (
        grey
        if factor >= 1.0
        else cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    gx = cv2.Scharr(small, cv2.CV_32F, 1, 0)
    gy = cv2.Scharr(small, cv2.CV_32F, 0, 1)
    magnitude = np.hypot(gx, gy)
    strong = magnitude > np.percentile(magnitude, 90)
    if not strong.any():
        return []
    quad = (np.degrees(np.arctan2(gy[strong], gx[strong])) * 4.0) % 360.0
    bins = 72  # 5° of quadrupled angle = 1.25° of skew
    weights = magnitude[strong]
    hist = np.bincount(
        (quad / (360.0 / bins)).astype(np.int64) % bins, weights=weights, minlength=bins
    )
    hist = hist + np.roll(hist, 1) + np.roll(hist, -1)  # smooth across bin edges
    peaks: list[float] = []
    for index in np.argsort(hist)[::-1]:
        if hist[index] < 0.25 * hist.max() or len(peaks) >= max_peaks:
            break
        # Refine with the weighted circular mean of the votes near the peak.
        centre = (index + 0.5) * (360.0 / bins)
        offset = (quad - centre + 180.0) % 360.0 - 180.0
        near = np.abs(offset) < 10.0
        refined = centre + float(np.average(offset[near], weights=weights[near]))
        skew = (refined / 4.0 + 45.0) % 90.0 - 45.0  # in [-45, 45)
        if abs(skew) < 2.0 or any(abs(skew - p) < 10.0 for p in peaks):
            continue
        peaks.append(float(skew))
    return peaks


def _map_code(code: DecodedCode, affine: NDArray[np.float64], sx: float, sy: float) -> DecodedCode:
    if code.corners_px is None:
        return code
    pts = np.array(code.corners_px, dtype=np.float64)
    pts = pts @ affine[:, :2].T + affine[:, 2]
    pts[:, 0] /= sx
    pts[:, 1] /= sy
    orientation = code.orientation_deg
    if orientation is not None:
        # A pass on a rotated copy sees the code turned; add the copy's rotation
        # back (image y points down, so atan2 gives clockwise degrees like zxing).
        delta = math.degrees(math.atan2(affine[1, 0], affine[0, 0]))
        orientation = (orientation + delta + 180.0) % 360.0 - 180.0
    return replace(code, corners_px=_as_corners(pts), orientation_deg=orientation)


def _is_duplicate(code: DecodedCode, kept: list[DecodedCode]) -> bool:
    for other in kept:
        if (code.symbology, code.payload) != (other.symbology, other.payload):
            continue
        a, b = code.center_px, other.center_px
        if a is None or b is None or other.corners_px is None:
            return True
        xs = [p[0] for p in other.corners_px]
        ys = [p[1] for p in other.corners_px]
        size = max(max(xs) - min(xs), max(ys) - min(ys), 10.0)
        if math.hypot(a[0] - b[0], a[1] - b[1]) < size / 2:
            return True  # same code found again by another pass
    return False


@dataclass
class ImageCodeReader:
    """Reads all codes in an image with one backend, fallback passes and bounds.

    Construct once (the backend is loaded then) and call ``read_image`` per image.
    Thread-safe for concurrent calls: it keeps no per-call state.
    """

    config: BarcodeConfig = field(default_factory=BarcodeConfig)
    backend: BarcodeReader | None = None

    def __post_init__(self) -> None:
        if self.backend is None:
            self.backend = make_backend(self.config.backend, self.config.symbologies)

    def read_image(self, image: ImageSource) -> list[DecodedCode]:
        """All codes found; [] if none. Raises ``BarcodeError`` for unusable input."""
        return self.read(image).codes

    def read(self, image: ImageSource) -> ReadResult:
        backend = self.backend
        assert backend is not None  # set in __post_init__
        config = self.config
        started = time.perf_counter()
        work = prepare_image(image, config)
        passes = ["plain"]
        pass_start = time.perf_counter()
        codes = [
            _map_code(c, _IDENTITY, work.scale_x, work.scale_y)
            for c in self._decode(backend, work.grey, thorough=False)
        ]
        last_pass_ms = (time.perf_counter() - pass_start) * 1000.0
        if config.fallback == "always" or (config.fallback == "when_empty" and not codes):
            for name, variant, back, thorough in _fallback_passes(work.grey, backend):
                elapsed_ms = (time.perf_counter() - started) * 1000.0
                # Don't start a pass that would likely end past the budget.
                if elapsed_ms + last_pass_ms > config.time_budget_ms:
                    break
                pass_start = time.perf_counter()
                passes.append(name)
                for code in self._decode(backend, variant, thorough=thorough):
                    mapped = _map_code(code, back, work.scale_x, work.scale_y)
                    if not _is_duplicate(mapped, codes):
                        codes.append(mapped)
                last_pass_ms = (time.perf_counter() - pass_start) * 1000.0
                if codes and config.fallback == "when_empty":
                    break
        return ReadResult(
            codes=codes,
            passes=tuple(passes),
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            downscaled=work.scale_x < 1.0 or work.scale_y < 1.0,
        )

    @staticmethod
    def _decode(backend: BarcodeReader, grey: GreyImage, *, thorough: bool) -> list[DecodedCode]:
        try:
            return backend.decode(grey, thorough=thorough)
        except BarcodeError:
            raise
        except Exception as exc:
            # A native decoder error on odd input must not take the station down.
            raise BarcodeError(f"{backend.name} failed to decode the image: {exc}") from exc


def read_image(image: ImageSource, config: BarcodeConfig | None = None) -> list[DecodedCode]:
    """One-shot convenience: ``ImageCodeReader(config).read_image(image)``."""
    return ImageCodeReader(config or BarcodeConfig()).read_image(image)


# --------------------------------------------------------------------------- scanner text


def _aim_symbology(code: str, modifier: str) -> str:
    if code == "L" and modifier in "345":
        return "micro_pdf417"
    if code == "E":
        return {"0": "ean13", "4": "ean8"}.get(modifier, "ean_upc")
    if code == "e":
        return "databar"
    return _AIM_CODES[code]


def parse_scanner_text(raw: bytes | str, *, gs_alias: str | None = None) -> DecodedCode:
    """One scan from a handheld scanner (keyboard wedge or serial) as a ``DecodedCode``.

    Handles, in this order: STX/ETX framing and CR/LF at either end (the
    scanner's suffix), an AIM symbology identifier prefix ``]Xm`` (ISO/IEC
    15424; e.g. ]Q1 QR, ]d2 GS1 DataMatrix, ]L2 PDF417, ]C0 Code 128), and
    GS (0x1D) separators, which are kept in the text. Keyboard wedges often
    cannot type GS; if the scanner is set to send a substitute (e.g. "~"),
    pass it as ``gs_alias`` and it is turned back into GS. A leading GS
    (FNC1 in first position sent as data) is dropped: the AIM id says GS1.
    Bytes that are not UTF-8 are kept in ``raw_bytes``. Without an AIM
    prefix the symbology is "unknown".
    """
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
        if len(data) > _MAX_SCAN_CHARS:
            raise BarcodeError(f"scanner input is {len(data)} bytes, above {_MAX_SCAN_CHARS}")
        text, binary = _text_or_bytes(data)
    elif isinstance(raw, str):
        if len(raw) > _MAX_SCAN_CHARS:
            raise BarcodeError(f"scanner input is {len(raw)} characters, above {_MAX_SCAN_CHARS}")
        text, binary = raw, None
    else:
        raise BarcodeError(f"scanner input must be bytes or str, not {type(raw).__name__}")
    # Non-UTF-8 bytes were read as Latin-1 (one character per byte), so the text
    # edits below map back to bytes exactly at the end.
    text = text.strip("\r\n\x02\x03")
    symbology = "unknown"
    aim_id: str | None = None
    match = _AIM_RE.match(text)
    if match and match.group(1) in _AIM_CODES:
        aim_id = match.group(0)
        symbology = _aim_symbology(match.group(1), match.group(2))
        text = text[3:]
    if gs_alias:
        text = text.replace(gs_alias, GS)
    if aim_id is not None and text.startswith(GS):
        text = text[1:]
    if not text:
        raise BarcodeError("empty scan: no data after removing the line ending and AIM identifier")
    raw_bytes = text.encode("latin-1") if binary is not None else None
    return DecodedCode(
        symbology=symbology,
        text=text,
        raw_bytes=raw_bytes,
        aim_id=aim_id,
        backend="scanner",
    )


# --------------------------------------------------------------------------- camera


def _open_camera(device: int | str, width: int | None, height: int | None) -> Any:
    if isinstance(device, bool) or not isinstance(device, int | str):
        raise BarcodeError(f"camera device must be an index or a path/URL, not {device!r}")
    try:
        capture = cv2.VideoCapture(device)
    except cv2.error as exc:
        raise BarcodeError(f"cannot open camera {device!r}: {exc}") from exc
    if not capture.isOpened():
        capture.release()
        hint = (
            "check that it is connected and that this user may use it "
            "(Linux: member of group 'video'; /dev/video* exists)"
            if isinstance(device, int) or str(device).startswith("/dev/")
            else "check the path or URL"
        )
        raise BarcodeError(f"cannot open camera {device!r}: {hint}")
    if width is not None:
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    if height is not None:
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return capture


def capture_frames(
    device: int | str,
    *,
    count: int = 1,
    warmup_frames: int = 3,
    timeout_s: float = 5.0,
    width: int | None = None,
    height: int | None = None,
) -> list[NDArray[np.uint8]]:
    """Grab ``count`` BGR frames (uint8, H × W × 3) from a document camera.

    ``device`` is a camera index, a device path (/dev/video0) or anything
    cv2.VideoCapture opens (a video file, a stream URL). The first
    ``warmup_frames`` are dropped so auto-exposure and focus settle. The
    timeout is checked between frames: a single blocking read (e.g. a stalled
    network stream) is not interrupted. Raises ``BarcodeError`` if the device
    cannot be opened or delivers no frame in time.
    """
    if count < 1:
        raise BarcodeError(f"frame count must be at least 1, not {count}")
    capture = _open_camera(device, width, height)
    frames: list[NDArray[np.uint8]] = []
    deadline = time.monotonic() + timeout_s
    try:
        skipped = 0
        while len(frames) < count:
            if time.monotonic() > deadline:
                raise BarcodeError(
                    f"camera {device!r} gave {len(frames)} of {count} frames in {timeout_s:g} s"
                )
            ok, frame = capture.read()
            if not ok or frame is None:
                raise BarcodeError(f"camera {device!r} stopped delivering frames")
            if skipped < warmup_frames:
                skipped += 1
                continue
            frames.append(np.asarray(frame, dtype=np.uint8).copy())
    finally:
        capture.release()
    return frames


def scan_camera(
    device: int | str,
    reader: ImageCodeReader,
    *,
    timeout_s: float | None = None,
) -> list[DecodedCode]:
    """Read frames until one has codes or the timeout passes ([] then)."""
    config = reader.config
    timeout = config.camera_timeout_s if timeout_s is None else timeout_s
    capture = _open_camera(device, None, None)
    deadline = time.monotonic() + timeout
    try:
        index = 0
        while time.monotonic() < deadline:
            ok, frame = capture.read()
            if not ok or frame is None:
                break
            index += 1
            if index <= config.camera_warmup_frames:
                continue
            codes = reader.read_image(np.asarray(frame, dtype=np.uint8))
            if codes:
                return codes
    finally:
        capture.release()
    return []
