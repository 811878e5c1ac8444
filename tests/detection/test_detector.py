"""The shipped ONNX model run by onnxruntime, on CPU here (and on CUDA where a GPU is).

Only contracts are checked — providers, thresholds, box geometry, tiling, threads —
never what the model finds: the shipped model will be replaced by better ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
from numpy.typing import NDArray

from station_app.config import DetectorConfig, StationConfig
from station_app.detection.detector import OnnxDetector, load_detector
from station_app.detection.model_card import read_card
from station_app.detection.model_input import station_channels
from station_app.domain import Detection, MaterialImage

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
# Low enough that any sigmoid peak of the model comes out: boxes to check, whatever the model.
LOW_THRESHOLD = 1e-3


def _config(**changes: Any) -> DetectorConfig:
    values: dict[str, Any] = {"providers": [CPU], "warmup_runs": 0}
    values.update(changes)
    return DetectorConfig(**values)


def _load(config: DetectorConfig) -> OnnxDetector:
    detector, status = load_detector(config)
    assert detector is not None, status.warning
    return detector


@pytest.fixture(scope="module")
def detector() -> Iterator[OnnxDetector]:
    """The shipped model on CPU with a threshold that lets its weak peaks out."""
    yield _load(_config(score_threshold=LOW_THRESHOLD))


def _parcel(lines: int, pixels: int, pitch_mm: float = 1.0, seed: int = 0,
            block: int = 1) -> MaterialImage:
    """A synthetic parcel: a box wall, a dense bar, an organic slab, a metal ring.

    ``block`` > 1 makes every value constant over block×block squares, so halving
    the resolution by averaging is exact."""
    rng = np.random.default_rng(seed)
    bl, bp = -(-lines // block), -(-pixels // block)
    a_high = np.zeros((bl, bp), np.float32)
    zeff = np.zeros((bl, bp), np.float32)

    def put(r0: float, c0: float, r1: float, c1: float, a: float, z: float) -> None:
        rows = slice(int(r0 * bl), int(r1 * bl))
        cols = slice(int(c0 * bp), int(c1 * bp))
        a_high[rows, cols] += a
        zeff[rows, cols] = z

    put(0.05, 0.05, 0.95, 0.95, 0.15, 7.0)  # cardboard
    put(0.2, 0.2, 0.26, 0.6, 2.2, 26.0)  # steel bar
    put(0.5, 0.55, 0.75, 0.8, 0.9, 7.5)  # organic slab
    put(0.6, 0.15, 0.7, 0.25, 1.4, 29.0)
    put(0.62, 0.17, 0.68, 0.23, -1.2, 0.0)  # … a ring
    a_high += rng.normal(0, 0.01, a_high.shape).astype(np.float32) * (a_high > 0)
    if block > 1:
        a_high = np.kron(a_high, np.ones((block, block), np.float32))[:lines, :pixels]
        zeff = np.kron(zeff, np.ones((block, block), np.float32))[:lines, :pixels]
    return MaterialImage(
        a_high=a_high,
        a_low=a_high * np.float32(1.5),
        zeff=zeff,
        material_class=np.zeros(a_high.shape, np.uint8),
        line_pitch_mm=pitch_mm,
        pixel_pitch_mm=pitch_mm,
    )


def _check_inside(found: tuple[Detection, ...], image: MaterialImage, names: tuple[str, ...],
                  threshold: float) -> None:
    lines, pixels = image.shape
    for d in found:
        assert isinstance(d, Detection)
        assert 0 <= d.box.line0 < d.box.line1 <= lines, d
        assert 0 <= d.box.px0 < d.box.px1 <= pixels, d
        assert d.class_name in names
        assert threshold <= d.confidence <= 1.0


def _cuda_loads() -> tuple[OnnxDetector | None, str]:
    if CUDA not in ort.get_available_providers():
        return None, "this onnxruntime has no CUDA provider"
    detector, status = load_detector(_config(providers=[CUDA, CPU]))
    if detector is None or status.provider != "CUDA":
        return None, f"CUDA did not load here: {status.warning}"
    return detector, ""


# ---------------------------------------------------------------- providers


def test_default_providers_without_a_gpu_warn_and_run_on_cpu() -> None:
    config = DetectorConfig()  # as shipped: CUDA first, warm-up runs
    assert config.providers[0] == CUDA
    found, status = load_detector(config)
    assert found is not None and status.enabled
    if status.provider == "CUDA":
        pytest.skip("CUDA loads on this machine: there is nothing to warn about")
    assert status.provider == "CPU"
    assert status.warning is not None and "CUDA" in status.warning
    assert "CPU" in status.warning
    assert status.summary == f"{status.model} on CPU"
    assert found.status() == status


def test_cpu_only_has_no_warning(shipped_model: Path) -> None:
    found, status = load_detector(_config())
    assert found is not None
    card = read_card(shipped_model)
    assert status.provider == "CPU" and status.warning is None and status.enabled
    assert status.model == f"{card.name} {card.version}"
    assert status.summary == f"{card.name} {card.version} on CPU"


def test_unknown_provider_is_reported() -> None:
    found, status = load_detector(_config(providers=["NoSuchExecutionProvider", CPU]))
    assert found is not None and status.provider == "CPU"
    assert status.warning is not None and "NoSuch" in status.warning
    assert "not available" in status.warning


def test_model_dir_from_config(model_copy: Path) -> None:
    found, status = load_detector(_config(model_dir=model_copy))
    assert found is not None and status.warning is None
    assert found.card == read_card(model_copy)


# ---------------------------------------------------------------- detect


def test_detect_returns_detections_inside_the_image(detector: OnnxDetector) -> None:
    image = _parcel(700, 1024)
    found = detector.detect(image)
    assert isinstance(found, tuple)
    assert found, "at a threshold of 0.001 the model's peaks come out"
    _check_inside(found, image, detector.card.class_names, LOW_THRESHOLD)


@pytest.mark.parametrize(("lines", "pixels"), [(703, 1023), (97, 64), (1, 1)])
def test_detect_on_awkward_sizes_stays_inside(detector: OnnxDetector, lines: int,
                                              pixels: int) -> None:
    image = _parcel(lines, pixels, seed=4)
    _check_inside(detector.detect(image), image, detector.card.class_names, LOW_THRESHOLD)


def test_detect_is_repeatable(detector: OnnxDetector) -> None:
    image = _parcel(700, 1024, seed=1)
    assert detector.detect(image) == detector.detect(image)


def test_detect_does_not_touch_the_image(detector: OnnxDetector) -> None:
    image = _parcel(600, 800, seed=2)
    image.a_high[5, 5] = np.nan
    before = [c.copy() for c in (image.a_high, image.a_low, image.zeff)]
    detector.detect(image)
    for now, then in zip((image.a_high, image.a_low, image.zeff), before, strict=True):
        np.testing.assert_array_equal(now, then)


def test_boxes_come_back_in_parcel_pixels_whatever_the_pitch(detector: OnnxDetector) -> None:
    # the same parcel scanned at 1 mm and at 2 mm feeds the model the same planes
    fine = _parcel(800, 1024, pitch_mm=1.0, block=2)
    coarse_channels = station_channels(fine).reshape(400, 2, 512, 2, 3).mean(axis=(1, 3))
    found_fine = detector.detect_channels(station_channels(fine), 1.0, 1.0)
    found_coarse = detector.detect_channels(coarse_channels.astype(np.float32), 2.0, 2.0)
    assert len(found_fine) == len(found_coarse) > 0
    np.testing.assert_allclose(found_fine.scores, found_coarse.scores, rtol=1e-5)
    np.testing.assert_array_equal(found_fine.classes, found_coarse.classes)
    np.testing.assert_allclose(found_fine.xyxy, found_coarse.xyxy * 2.0, rtol=1e-5, atol=1e-3)


def test_threshold_from_config_overrides_the_card(detector: OnnxDetector,
                                                  shipped_model: Path) -> None:
    card = read_card(shipped_model)
    assert _load(_config()).score_threshold == card.score_threshold
    assert detector.score_threshold == LOW_THRESHOLD
    image = _parcel(700, 1024, seed=3)
    low = detector.detect(image)
    assert len(low) >= 2
    # a threshold taken from the detections themselves (a float32 value: no rounding doubt)
    middle = sorted(d.confidence for d in low)[len(low) // 2]
    high = _load(_config(score_threshold=middle))
    assert high.score_threshold == middle
    at_middle = high.detect(image)
    assert at_middle == tuple(d for d in low if d.confidence >= middle)
    assert 0 < len(at_middle) < len(low) or len({d.confidence for d in low}) == 1
    at_card = _load(_config()).detect(image)
    thresholds = card.thresholds()  # the card's operating point, per class
    assert at_card == tuple(d for d in low if d.confidence >= thresholds[d.class_name])


def test_class_thresholds_of_the_card_apply_per_class(detector: OnnxDetector,
                                                      edit_card: Callable[..., Path]) -> None:
    image = _parcel(700, 1024, seed=3)
    low = detector.detect(image)
    assert len({d.class_name for d in low}) >= 2, "two classes needed to tell them apart"
    ordered = sorted(d.confidence for d in low)
    high = ordered[-1]  # above nearly everything: one threshold for most classes
    favoured = low[0].class_name  # this class runs at the low threshold instead
    model_dir = edit_card(lambda data: data.update(
        {"score_threshold": min(high, 0.99), "class_score_thresholds": {favoured: 0.001}}))
    per_class = _load(_config(model_dir=model_dir))
    assert per_class.class_thresholds[favoured] == 0.001
    found = per_class.detect(image)
    assert found == tuple(d for d in low
                          if d.confidence >= (0.001 if d.class_name == favoured
                                              else min(high, 0.99)))
    assert {d.class_name for d in found} >= {favoured}
    # A configured threshold is one for every class: the card's per-class ones give way.
    flat = _load(_config(model_dir=model_dir, score_threshold=0.5))
    assert set(flat.class_thresholds.values()) == {0.5}


def test_config_threshold_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="score_threshold"):
        DetectorConfig(score_threshold=1.0)
    with pytest.raises(ValueError, match="score_threshold"):
        DetectorConfig(score_threshold=0.0)
    assert StationConfig().detector.score_threshold is None


def test_parcel_longer_than_the_model_input_is_tiled(
    detector: OnnxDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[tuple[int, ...]] = []
    run_model: Callable[[NDArray[np.float32]], Any] = detector._infer

    def counted(batch: NDArray[np.float32]) -> Any:
        runs.append(batch.shape)
        return run_model(batch)

    monkeypatch.setattr(detector, "_infer", counted)
    image = _parcel(1800, 1024, seed=5)  # 3.6 m at 1 mm: 900 model rows
    found = detector.detect(image)
    contract = detector.card.input
    assert len(runs) >= 2
    assert set(runs) == {(1, 3, contract.height_px, contract.width_px)}
    _check_inside(found, image, detector.card.class_names, LOW_THRESHOLD)
    assert found, "a long parcel gives boxes too"


def test_detect_from_two_threads(detector: OnnxDetector) -> None:
    images = [_parcel(700, 1024, seed=6), _parcel(1200, 1024, seed=7)]
    expected = [detector.detect(image) for image in images]
    # one after the other, each from a thread of its own
    got: list[tuple[Detection, ...]] = []
    for image in images:
        thread = threading.Thread(target=lambda im=image: got.append(detector.detect(im)))
        thread.start()
        thread.join(60)
    assert got == expected
    # and both at once: runs are serialised, no buffer is shared between them
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(detector.detect, images * 3))
    assert results == expected * 3


def test_run_model_returns_copies(detector: OnnxDetector) -> None:
    contract = detector.card.input
    batch = np.zeros((1, 3, contract.height_px, contract.width_px), np.float32)
    scores, boxes = detector.run_model(batch)
    assert scores.shape == (1, len(detector.card.classes), contract.height_px // 4,
                            contract.width_px // 4)
    assert boxes.shape == (1, 4, contract.height_px // 4, contract.width_px // 4)
    kept = scores.copy()
    batch[0, 0, 100:200, 100:200] = 1.0
    detector.run_model(batch)
    np.testing.assert_array_equal(scores, kept)  # not overwritten by the next run
    assert np.isfinite(scores).all() and (scores >= 0).all() and (scores <= 1).all()


# ---------------------------------------------------------------- GPU


@pytest.mark.gpu
def test_cuda_runs_the_model_with_device_input() -> None:
    gpu, why = _cuda_loads()
    if gpu is None:
        pytest.skip(why)
    status = gpu.status()
    assert status.provider == "CUDA" and status.warning is None
    # IOBinding: the input lives on the device, outputs come back into host buffers
    assert gpu._on_gpu
    assert gpu._input.device_name().lower() == "cuda"
    cpu = _load(_config(score_threshold=LOW_THRESHOLD))
    contract = cpu.card.input
    rng = np.random.default_rng(0)
    batch = rng.uniform(0, 1, (1, 3, contract.height_px, contract.width_px)).astype(np.float32)
    gpu_scores, gpu_boxes = gpu.run_model(batch)
    cpu_scores, cpu_boxes = cpu.run_model(batch)
    np.testing.assert_allclose(gpu_scores, cpu_scores, atol=2e-3)
    np.testing.assert_allclose(gpu_boxes, cpu_boxes, atol=0.5)
    image = _parcel(1800, 1024, seed=8)
    _check_inside(gpu.detect(image), image, gpu.card.class_names, gpu.score_threshold)
