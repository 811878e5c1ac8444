"""Barcode reading: read rate and time per backend on one generated image set.

The image set is deterministic (seeded): each image holds one code (or three
for "multi") of QR (made by the independent ``qrcode`` encoder), DataMatrix,
PDF417 or Code 128 (zxing-cpp's writer), on a grey page with clutter, under
one distortion. Every backend reads the same images. Rates are percentages of
codes read with the right symbology and text; a decode with a wrong text is a
misread. Per-distortion rates count only the symbologies a backend supports
(ZBar reads no DataMatrix/PDF417: its per-symbology rate for them is 0, not
an error). ``python -m benchmarks.bench_barcodes`` prints the markdown table
of docs/barcodes.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import cv2
import numpy as np
import qrcode
import zxingcpp
from numpy.typing import NDArray

from station_app.certificates.barcodes import (
    BarcodeConfig,
    BarcodeError,
    ImageCodeReader,
    available_backends,
)

SYMBOLOGIES = ("qr", "datamatrix", "pdf417", "code128")
DISTORTIONS = (
    "clean",
    "rotation",
    "blur",
    "noise",
    "jpeg",
    "perspective",
    "low_contrast",
    "multi",
)
PAGE_SHAPE = (900, 1200)  # a document-camera crop around the certificate, H × W
PAPER = 232
_ALPHABET = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-./:"))
_ZX_FORMATS = {
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "code128": zxingcpp.BarcodeFormat.Code128,
}


@dataclass(frozen=True)
class Sample:
    image: NDArray[np.uint8]  # grey, PAGE_SHAPE
    codes: tuple[tuple[str, str], ...]  # (symbology, text) of every code on it
    distortion: str


def _payload(rng: np.random.Generator, symbology: str) -> str:
    length = int(rng.integers(10, 20)) if symbology == "code128" else int(rng.integers(20, 80))
    return "".join(rng.choice(_ALPHABET, length))


def _code_image(symbology: str, text: str, module_px: int) -> NDArray[np.uint8]:
    if symbology == "qr":
        qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(text)
        qr.make(fit=True)
        modules = np.array(qr.get_matrix(), dtype=bool)
        img = np.where(modules, 0, 255).astype(np.uint8)
        return np.asarray(
            cv2.resize(img, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST),
            np.uint8,
        )
    barcode = zxingcpp.create_barcode(text, _ZX_FORMATS[symbology])
    img = np.asarray(barcode.to_image(scale=module_px), np.uint8)
    return np.pad(img, 8 * module_px, constant_values=255)


def _paste(
    page: NDArray[np.uint8], code: NDArray[np.uint8], cx: float, cy: float, angle: float
) -> None:
    """Put ``code`` rotated by ``angle`` (degrees) centred at (cx, cy), white outside."""
    h, w = code.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[0, 2] += cx - w / 2
    m[1, 2] += cy - h / 2
    mask = cv2.warpAffine(np.full_like(code, 255), m, page.shape[::-1], flags=cv2.INTER_NEAREST)
    warped = cv2.warpAffine(code, m, page.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=255)
    inside = mask > 0
    page[inside] = np.minimum(warped[inside], PAPER)


def _clutter(rng: np.random.Generator, page: NDArray[np.uint8]) -> None:
    # Text lines and rules of a printed form: edges that are not a code.
    for _ in range(int(rng.integers(8, 16))):
        y = int(rng.integers(0, page.shape[0]))
        x0 = int(rng.integers(0, page.shape[1] // 2))
        x1 = x0 + int(rng.integers(100, page.shape[1] // 2))
        thickness = int(rng.integers(1, 4))
        cv2.line(page, (x0, y), (x1, y), int(rng.integers(40, 140)), thickness)


def make_sample(index: int, seed: int = 0) -> Sample:
    """Image ``index`` of the set: distortion cycles fastest, then symbology."""
    rng = np.random.default_rng([seed, index])
    distortion = DISTORTIONS[index % len(DISTORTIONS)]
    symbology = SYMBOLOGIES[(index // len(DISTORTIONS)) % len(SYMBOLOGIES)]
    page = np.full(PAGE_SHAPE, PAPER, np.uint8)
    _clutter(rng, page)
    h, w = PAGE_SHAPE
    codes: list[tuple[str, str]] = []
    if distortion == "multi":
        others = [s for s in SYMBOLOGIES if s != symbology]
        chosen = [symbology, *rng.choice(others, 2, replace=False).tolist()]
        centres = [(w * 0.22, h * 0.3), (w * 0.72, h * 0.3), (w * 0.45, h * 0.75)]
        for sym, (cx, cy) in zip(chosen, centres, strict=True):
            text = _payload(rng, sym)
            module = 2 if sym in ("pdf417", "code128") else 3
            _paste(page, _code_image(sym, text, module), cx, cy, float(rng.uniform(-10, 10)))
            codes.append((sym, text))
    else:
        text = _payload(rng, symbology)
        module = int(rng.integers(2, 5))
        code = _code_image(symbology, text, module)
        while max(code.shape) > 0.8 * min(h, w) and module > 1:  # keep rotations on the page
            module -= 1
            code = _code_image(symbology, text, module)
        angle = float(rng.uniform(0, 360)) if distortion == "rotation" else 0.0
        _paste(page, code, w / 2, h / 2, angle)
        codes.append((symbology, text))
    image: NDArray[np.float32] = page.astype(np.float32)
    if distortion == "blur":
        image = np.asarray(
            cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.8, 1.6))), np.float32
        )
    elif distortion == "noise":
        image += rng.normal(0, float(rng.uniform(15, 35)), image.shape).astype(np.float32)
    elif distortion == "low_contrast":
        levels = float(rng.uniform(20, 45))
        image = np.asarray(float(rng.uniform(80, 180)) + (image - 128) * (levels / 255), np.float32)
        image += rng.normal(0, 2, image.shape).astype(np.float32)
    elif distortion == "perspective":
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        jitter = rng.uniform(-0.15, 0.15, (4, 2)) * np.array([w, h])
        dst = np.asarray(src + jitter, dtype=np.float32)
        transform = cv2.getPerspectiveTransform(src, dst)
        image = np.asarray(
            cv2.warpPerspective(image, transform, (w, h), borderValue=PAPER), np.float32
        )
    out = np.clip(image, 0, 255).astype(np.uint8)
    if distortion == "jpeg":
        quality = int(rng.integers(5, 25))
        ok, buffer = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        out = np.asarray(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), np.uint8)
    return Sample(image=out, codes=tuple(codes), distortion=distortion)


def make_dataset(n: int, seed: int = 0) -> list[Sample]:
    return [make_sample(i, seed) for i in range(n)]


def _readers() -> dict[str, ImageCodeReader]:
    readers: dict[str, ImageCodeReader] = {}
    status = available_backends()
    backends: tuple[Literal["zxing-cpp", "zbar"], ...] = ("zxing-cpp", "zbar")
    for backend in backends:
        if status[backend] is not None:
            continue  # ZBar not installed here: its rows are left out
        readers[backend] = ImageCodeReader(BarcodeConfig(backend=backend))
        readers[f"{backend}/plain"] = ImageCodeReader(
            BarcodeConfig(backend=backend, fallback="off")
        )
    if "zxing-cpp" in readers:
        # All fallback passes even after a find: what "when_empty" misses on multi-code pages.
        readers["zxing-cpp/always"] = ImageCodeReader(BarcodeConfig(fallback="always"))
    return readers


def run(n: int = 200) -> dict[str, float]:
    """Keys ``<reader>.<figure>``; readers: zxing-cpp, zbar (+ "/plain": no fallback,
    "/always": every fallback pass within the budget).

    Figures: ``rate_<symbology>`` and ``rate_<distortion>`` (%), ``rate_all`` (%),
    ``median_ms`` and ``p95_ms`` per image, ``misreads`` (count).
    """
    previous_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # per-core figures, like the other benchmarks
    try:
        samples = make_dataset(n)
        figures: dict[str, float] = {"images": float(len(samples))}
        for name, reader in _readers().items():
            assert reader.backend is not None
            supported = reader.backend.supported
            hits: dict[str, list[bool]] = {}
            times: list[float] = []
            misreads = 0
            reader.read_image(samples[0].image)  # warm-up: first call loads tables
            for sample in samples:
                started = time.perf_counter()
                try:
                    found = reader.read_image(sample.image)
                except BarcodeError:
                    found = []
                times.append((time.perf_counter() - started) * 1000.0)
                got = {(c.symbology, c.text) for c in found}
                misreads += len(got - set(sample.codes))
                for symbology, text in sample.codes:
                    ok = (symbology, text) in got
                    hits.setdefault(f"rate_{symbology}", []).append(ok)
                    if symbology in supported:
                        hits.setdefault(f"rate_{sample.distortion}", []).append(ok)
                        hits.setdefault("rate_all", []).append(ok)
            for key, values in hits.items():
                figures[f"{name}.{key}"] = 100.0 * sum(values) / len(values)
            figures[f"{name}.median_ms"] = statistics.median(times)
            figures[f"{name}.p95_ms"] = float(np.percentile(times, 95))
            figures[f"{name}.misreads"] = float(misreads)
        return figures
    finally:
        cv2.setNumThreads(previous_threads)


def markdown_table(figures: dict[str, float]) -> str:
    readers = sorted({key.split(".")[0] for key in figures if "." in key})
    rows = [f"rate_{s}" for s in SYMBOLOGIES] + [f"rate_{d}" for d in DISTORTIONS]
    rows += ["rate_all", "misreads", "median_ms", "p95_ms"]
    lines = ["| figure | " + " | ".join(readers) + " |", "|---" * (len(readers) + 1) + "|"]
    for row in rows:
        cells = []
        for reader in readers:
            value = figures.get(f"{reader}.{row}")
            if value is None:
                cells.append("—")
            elif row.startswith("rate_") and row[5:] in SYMBOLOGIES and _unsupported(reader, row):
                cells.append("0 % (n/s)")
            elif row.startswith("rate_"):
                cells.append(f"{value:.0f} %")
            elif row == "misreads":
                cells.append(f"{value:.0f}")
            else:
                cells.append(f"{value:.1f}")
        label = row.removeprefix("rate_").replace("_", " ")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _unsupported(reader: str, row: str) -> bool:
    return reader.startswith("zbar") and row[5:] in ("datamatrix", "pdf417")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="images in the set")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run(args.n)
    import os

    print(
        f"{datetime.now(UTC).date()} — {platform.machine()} {os.cpu_count()} cores — "
        f"{int(figures['images'])} images — {time.perf_counter() - started:.0f} s"
    )
    print(markdown_table(figures))


if __name__ == "__main__":
    main()
