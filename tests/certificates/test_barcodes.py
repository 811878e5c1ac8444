"""Barcode reading: real zxing-cpp / ZBar on generated codes, scanner text, bad inputs.

QR codes are made with the independent ``qrcode`` encoder, the others with
zxing-cpp's writer. ZBar tests are skipped where pyzbar or libzbar0 is missing.
"""

from __future__ import annotations

import math
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from pydantic import ValidationError

from station_app.certificates.barcodes import (
    GS,
    BarcodeConfig,
    BarcodeError,
    BarcodeReader,
    DecodedCode,
    ImageCodeReader,
    available_backends,
    capture_frames,
    make_backend,
    parse_scanner_text,
    prepare_image,
    read_image,
    scan_camera,
)
from station_app.errors import StationError

ZBAR_OK = available_backends()["zbar"] is None
BACKENDS = [
    "zxing-cpp",
    pytest.param("zbar", marks=pytest.mark.skipif(not ZBAR_OK, reason="pyzbar/libzbar0 missing")),
]
PAYLOADS = {
    "qr": "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N",
    "datamatrix": "COO/KR/2024/000123",
    "pdf417": "https://coo.example.org/v?ref=KR-2024-000123&code=7Q4K",
    "code128": "EE123456785KR",
}
_ZX_FORMATS = {
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "qr": zxingcpp.BarcodeFormat.QRCode,
}


def code_image(symbology: str, payload: str | bytes, module_px: int = 4) -> NDArray[np.uint8]:
    """Black-on-white code with its quiet zone, uint8 grey."""
    if symbology == "qr" and isinstance(payload, str):
        qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(payload)
        qr.make(fit=True)
        modules = np.array(qr.get_matrix(), dtype=bool)
        img = np.where(modules, 0, 255).astype(np.uint8)
        return np.asarray(
            cv2.resize(img, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST),
            np.uint8,
        )
    barcode = zxingcpp.create_barcode(payload, _ZX_FORMATS[symbology])
    img = np.asarray(barcode.to_image(scale=module_px), dtype=np.uint8)
    return np.pad(img, 10 * module_px, constant_values=255)


def on_page(code: NDArray[np.uint8], size: tuple[int, int] = (900, 1200)) -> NDArray[np.uint8]:
    page = np.full(size, 235, np.uint8)  # paper is not pure white
    y, x = (size[0] - code.shape[0]) // 2, (size[1] - code.shape[1]) // 2
    page[y : y + code.shape[0], x : x + code.shape[1]] = code
    return page


def rotate(img: NDArray[np.uint8], angle: float) -> NDArray[np.uint8]:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return np.asarray(cv2.warpAffine(img, m, (w, h), borderValue=235), np.uint8)


def texts(codes: list[DecodedCode]) -> set[tuple[str, str]]:
    return {(c.symbology, c.text) for c in codes}


@pytest.fixture(scope="module")
def readers() -> dict[str, ImageCodeReader]:
    out = {"zxing-cpp": ImageCodeReader(BarcodeConfig())}
    if ZBAR_OK:
        out["zbar"] = ImageCodeReader(BarcodeConfig(backend="zbar"))
    return out


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("symbology", list(PAYLOADS))
def test_round_trip(readers: dict[str, ImageCodeReader], backend: str, symbology: str) -> None:
    reader = readers[backend]
    image = on_page(code_image(symbology, PAYLOADS[symbology]))
    codes = reader.read_image(image)
    assert reader.backend is not None
    if symbology not in reader.backend.supported:
        # ZBar has no DataMatrix / PDF417 decoder: nothing found, no error.
        assert codes == []
        return
    assert texts(codes) == {(symbology, PAYLOADS[symbology])}
    code = codes[0]
    assert code.backend == backend
    assert code.raw_bytes is None
    assert code.corners_px is not None
    cx, cy = code.center_px or (0, 0)
    assert abs(cx - 600) < 40 and abs(cy - 450) < 40


def test_zxing_reports_aim_ids_and_binary_content() -> None:
    reader = ImageCodeReader()
    payload = bytes(range(256))[::7] + b"\x00\xff"
    codes = reader.read_image(on_page(code_image("datamatrix", payload)))
    assert len(codes) == 1
    assert codes[0].raw_bytes == payload
    assert codes[0].payload == payload
    assert codes[0].aim_id is not None and codes[0].aim_id.startswith("]d")
    qr = reader.read_image(on_page(code_image("qr", PAYLOADS["qr"])))
    assert qr[0].aim_id == "]Q1"


def test_bgr_bgra_and_single_channel_inputs() -> None:
    grey = on_page(code_image("qr", PAYLOADS["qr"]))
    for image in (
        cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR),
        cv2.cvtColor(grey, cv2.COLOR_GRAY2BGRA),
        grey[:, :, None],
        np.asfortranarray(grey),  # non-contiguous layout is copied, not misread
    ):
        assert texts(read_image(image)) == {("qr", PAYLOADS["qr"])}


@pytest.mark.parametrize("backend", BACKENDS)
def test_several_codes_per_image(readers: dict[str, ImageCodeReader], backend: str) -> None:
    reader = readers[backend]
    assert reader.backend is not None
    page = np.full((1400, 1800), 235, np.uint8)
    placed: dict[str, tuple[float, float]] = {}
    spots = {"qr": (60, 60), "datamatrix": (60, 1100), "pdf417": (800, 60), "code128": (800, 900)}
    for symbology, (y, x) in spots.items():
        img = code_image(symbology, PAYLOADS[symbology], module_px=3)
        page[y : y + img.shape[0], x : x + img.shape[1]] = img
        placed[symbology] = (x + img.shape[1] / 2, y + img.shape[0] / 2)
    codes = reader.read_image(page)
    expected = {(s, PAYLOADS[s]) for s in spots if s in reader.backend.supported}
    assert texts(codes) == expected
    for code in codes:
        cx, cy = code.center_px or (0, 0)
        px, py = placed[code.symbology]
        assert math.hypot(cx - px, cy - py) < 60, code


@pytest.mark.parametrize("symbology", ["qr", "datamatrix"])
def test_2d_codes_at_any_rotation(symbology: str) -> None:
    reader = ImageCodeReader()
    page = on_page(code_image(symbology, PAYLOADS[symbology]))
    for angle in range(0, 360, 37):
        codes = reader.read_image(rotate(page, angle))
        assert texts(codes) == {(symbology, PAYLOADS[symbology])}, angle


@pytest.mark.parametrize("symbology", ["code128", "pdf417"])
@pytest.mark.parametrize("angle", [30, 135, 200])
def test_linear_and_stacked_codes_rotated_need_the_fallback(symbology: str, angle: int) -> None:
    page = on_page(code_image(symbology, PAYLOADS[symbology], module_px=3))
    turned = rotate(page, angle)
    result = ImageCodeReader(BarcodeConfig(time_budget_ms=5000)).read(turned)
    assert texts(result.codes) == {(symbology, PAYLOADS[symbology])}
    assert result.passes[0] == "plain"


def test_fallback_off_reads_only_once() -> None:
    turned = rotate(on_page(code_image("code128", PAYLOADS["code128"], module_px=3)), 30)
    result = ImageCodeReader(BarcodeConfig(fallback="off")).read(turned)
    assert result.passes == ("plain",)


@pytest.mark.parametrize("symbology", ["qr", "datamatrix", "pdf417"])
def test_perspective_warp(symbology: str) -> None:
    page = on_page(code_image(symbology, PAYLOADS[symbology]))
    h, w = page.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = np.array([[80, 40], [w - 20, 110], [w - 120, h - 10], [30, h - 90]], dtype=np.float32)
    warped = cv2.warpPerspective(
        page, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=235
    )
    codes = read_image(np.asarray(warped, np.uint8))
    assert texts(codes) == {(symbology, PAYLOADS[symbology])}


def test_low_contrast_blur_and_noise() -> None:
    rng = np.random.default_rng(1)
    page = on_page(code_image("qr", PAYLOADS["qr"])).astype(np.float64)
    page = 110 + page * (40 / 255)  # 40 grey levels of contrast
    noisy = cv2.GaussianBlur(page, (0, 0), 1.2) + rng.normal(0, 6, page.shape)
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    assert texts(read_image(image)) == {("qr", PAYLOADS["qr"])}


# ------------------------------------------------------------------ big images


def test_50_megapixel_array_is_downscaled_within_bounds() -> None:
    config = BarcodeConfig()
    big = np.full((5000, 10000), 235, np.uint8)  # 50 MP
    code = code_image("qr", PAYLOADS["qr"], module_px=12)
    big[2000 : 2000 + code.shape[0], 6000 : 6000 + code.shape[1]] = code
    work = prepare_image(big, config)
    assert work.grey.size <= config.max_pixels
    started = time.perf_counter()
    result = ImageCodeReader(config).read(big)
    assert time.perf_counter() - started < 10
    assert result.downscaled
    assert texts(result.codes) == {("qr", PAYLOADS["qr"])}
    cx, cy = result.codes[0].center_px or (0, 0)  # corners in the input's pixels
    assert abs(cx - (6000 + code.shape[1] / 2)) < 30
    assert abs(cy - (2000 + code.shape[0] / 2)) < 30


def test_50_megapixel_jpeg_file_uses_a_reduced_decode(tmp_path: Path) -> None:
    big = np.full((5000, 10000), 235, np.uint8)
    code = code_image("datamatrix", PAYLOADS["datamatrix"], module_px=24)
    big[1000 : 1000 + code.shape[0], 1000 : 1000 + code.shape[1]] = code
    path = tmp_path / "page.jpg"
    assert cv2.imwrite(str(path), big, [cv2.IMWRITE_JPEG_QUALITY, 90])
    config = BarcodeConfig()
    work = prepare_image(path, config)
    assert work.grey.size <= config.max_pixels
    assert work.input_size == (10000, 5000)
    codes = read_image(path, config)
    assert texts(codes) == {("datamatrix", PAYLOADS["datamatrix"])}
    cx, _ = codes[0].center_px or (0, 0)
    assert abs(cx - (1000 + code.shape[1] / 2)) < 40


def test_decompression_bomb_is_refused_before_decoding() -> None:
    # A valid PNG header claiming 100,000 × 100,000 pixels (10 GP).
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + b"IHDR"
        + ihdr
        + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    )
    with pytest.raises(BarcodeError, match="above the 250 MP limit"):
        read_image(png)


def test_too_many_pixels_in_an_array_is_refused() -> None:
    config = BarcodeConfig(max_input_pixels=1_000_000)
    with pytest.raises(BarcodeError, match="MP limit"):
        read_image(np.zeros((1001, 1000), np.uint8), config)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((0, 10), np.uint8), "empty"),
        (np.zeros((10, 0, 3), np.uint8), "empty"),
        (np.zeros((100, 100), np.float32), "dtype float32"),
        (np.zeros((100, 100), np.uint16), "dtype uint16"),
        (np.zeros((100, 100), bool), "dtype bool"),
        (np.zeros((100, 100, 2), np.uint8), "shape"),
        (np.zeros((2, 100, 100, 3), np.uint8), "shape"),
        (np.zeros(100, np.uint8), "shape"),
        ([[0, 255], [255, 0]], "list"),
        (None, "NoneType"),
        (b"", "empty"),
        (b"not an image at all", "not a readable image"),
    ],
)
def test_bad_images_raise_barcode_error(image: object, message: str) -> None:
    with pytest.raises(BarcodeError, match=message):
        read_image(image)  # type: ignore[arg-type]


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(BarcodeError, match="does not exist"):
        read_image(tmp_path / "missing.png")
    with pytest.raises(BarcodeError, match="not a regular file"):
        read_image(tmp_path)
    ok, png = cv2.imencode(".png", on_page(code_image("qr", "X")))
    assert ok
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(png.tobytes()[:200])
    with pytest.raises(BarcodeError, match="not a readable image"):
        read_image(truncated)
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 10)
    with pytest.raises(BarcodeError):
        read_image(garbage)
    big = tmp_path / "big.png"
    big.write_bytes(png.tobytes())
    with pytest.raises(BarcodeError, match="max_file_bytes"):
        read_image(big, BarcodeConfig(max_file_bytes=1024))


def test_tiny_and_blank_images_give_no_codes() -> None:
    assert read_image(np.zeros((1, 1), np.uint8)) == []
    assert read_image(np.full((300, 300), 255, np.uint8)) == []
    noise = np.random.default_rng(0).integers(0, 256, (400, 400), dtype=np.uint8)
    assert read_image(noise, BarcodeConfig(time_budget_ms=200)) == []


def test_errors_are_station_errors_and_config_is_checked() -> None:
    assert issubclass(BarcodeError, StationError)
    with pytest.raises(BarcodeError, match="unknown barcode backend"):
        make_backend("zxing")
    with pytest.raises(ValidationError, match="unknown symbology"):
        BarcodeConfig(symbologies=("qr", "qrcode"))
    with pytest.raises(ValidationError):
        BarcodeConfig.model_validate({"backend": "quagga"})
    assert isinstance(make_backend("zxing-cpp"), BarcodeReader)


@pytest.mark.skipif(ZBAR_OK, reason="only where ZBar is missing")
def test_missing_zbar_says_what_to_install() -> None:
    with pytest.raises(BarcodeError, match=r"libzbar0|pyzbar"):
        make_backend("zbar")


# ------------------------------------------------------------------ scanner text


@pytest.mark.parametrize(
    ("raw", "symbology", "aim", "text"),
    [
        ("]Q1HC1:ABC\r\n", "qr", "]Q1", "HC1:ABC"),
        ("]Q3010123456789012815\x1d10ABC\r", "qr", "]Q3", "010123456789012815\x1d10ABC"),
        (b"]d2\x1d0104012345012345\x1d21XYZ\n", "datamatrix", "]d2", "0104012345012345\x1d21XYZ"),
        ("]d1COO-1", "datamatrix", "]d1", "COO-1"),
        ("]L2https://coo.example/v?r=1\r\n", "pdf417", "]L2", "https://coo.example/v?r=1"),
        ("]L4MICRO", "micro_pdf417", "]L4", "MICRO"),
        ("]C0EE123456785KR\r\n", "code128", "]C0", "EE123456785KR"),
        ("]C1~0109501101020917~17250101", "code128", "]C1", "0109501101020917\x1d17250101"),
        ("]E09501101020917", "ean13", "]E0", "9501101020917"),
        ("]E412345670", "ean8", "]E4", "12345670"),
        ("]zAaztec", "aztec", "]zA", "aztec"),
        ("\x02]Q1framed\x03", "qr", "]Q1", "framed"),
        ("no prefix here\r\n", "unknown", None, "no prefix here"),
        ("]!Q not an AIM id", "unknown", None, "]!Q not an AIM id"),
        ("]Y1unknown letter", "unknown", None, "]Y1unknown letter"),
    ],
)
def test_parse_scanner_text(raw: str | bytes, symbology: str, aim: str | None, text: str) -> None:
    code = parse_scanner_text(raw, gs_alias="~" if isinstance(raw, str) and "~" in raw else None)
    assert (code.symbology, code.aim_id, code.text) == (symbology, aim, text)
    assert code.backend == "scanner"
    assert code.corners_px is None
    assert code.is_gs1 == (aim in {"]Q3", "]d2", "]C1", "]E0", "]E4"})


def test_parse_scanner_binary_bytes() -> None:
    code = parse_scanner_text(b"]Q1\xff\xfe\x00data\r\n")
    assert code.raw_bytes == b"\xff\xfe\x00data"
    assert code.payload == b"\xff\xfe\x00data"
    assert code.text == "\xff\xfe\x00data"


@pytest.mark.parametrize("raw", ["", "\r\n", b"\r\n", "]Q1", "]Q1\r\n", "]d2\x1d"])
def test_empty_scans_are_errors(raw: str | bytes) -> None:
    with pytest.raises(BarcodeError, match="empty scan"):
        parse_scanner_text(raw)


def test_oversized_and_wrong_type_scans() -> None:
    with pytest.raises(BarcodeError, match="above"):
        parse_scanner_text("A" * 100_000)
    with pytest.raises(BarcodeError, match="bytes or str"):
        parse_scanner_text(12345)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_parse_scanner_text_never_crashes(raw: bytes | str) -> None:
    try:
        code = parse_scanner_text(raw)
    except BarcodeError:
        return
    assert code.text
    assert not code.text.endswith(("\r", "\n"))
    assert isinstance(code.payload, bytes)
    if code.raw_bytes is not None:
        assert code.raw_bytes.decode("latin-1") == code.text


_AIM_IDS = st.sampled_from(["]Q1", "]Q3", "]d1", "]d2", "]L2", "]C0", "]C1", "]z0"])
_PAYLOAD = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x02\x03\x1d"),
    min_size=1,
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(_AIM_IDS, _PAYLOAD, st.sampled_from(["", "\r", "\n", "\r\n"]), st.booleans())
def test_parse_scanner_text_round_trip(aim: str, payload: str, ending: str, as_bytes: bool) -> None:
    text = aim + payload + ending
    raw: str | bytes = text.encode("utf-8") if as_bytes else text
    code = parse_scanner_text(raw)
    assert code.aim_id == aim
    assert code.text == payload
    assert code.raw_bytes is None
    assert GS not in code.text


# ------------------------------------------------------------------ camera


def test_camera_that_cannot_be_opened() -> None:
    with pytest.raises(BarcodeError, match="cannot open camera 97"):
        capture_frames(97)
    with pytest.raises(BarcodeError, match="cannot open camera '/dev/video-none'"):
        capture_frames("/dev/video-none")
    with pytest.raises(BarcodeError, match="cannot open camera"):
        scan_camera(98, ImageCodeReader())
    with pytest.raises(BarcodeError, match="at least 1"):
        capture_frames(0, count=0)


def test_capture_and_scan_from_a_video_source(tmp_path: Path) -> None:
    # No camera here: a video file goes through the same cv2.VideoCapture path.
    frame = cv2.cvtColor(on_page(code_image("qr", PAYLOADS["qr"]), (480, 640)), cv2.COLOR_GRAY2BGR)
    path = tmp_path / "camera.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (640, 480))
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write MJPG video")
    for _ in range(8):
        writer.write(frame)
    writer.release()
    frames = capture_frames(str(path), count=2, warmup_frames=2)
    assert len(frames) == 2 and frames[0].shape == (480, 640, 3)
    codes = scan_camera(str(path), ImageCodeReader(), timeout_s=5)
    assert texts(codes) == {("qr", PAYLOADS["qr"])}
    with pytest.raises(BarcodeError, match="stopped delivering"):
        capture_frames(str(path), count=20, warmup_frames=0)
