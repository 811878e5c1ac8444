"""The item detector in the station: an ONNX model run by onnxruntime(-gpu).

Tuned for a workstation that also draws the GUI: providers in the configured
order (CUDA, then CPU), a thread cap and no spin-waiting, one fixed input shape,
buffers bound once (IOBinding: on a GPU the input lives on the device and only
the small outputs come back), and warm-up runs at start so the first parcel
is not slow. A GPU that was asked for but did not load is reported as a warning
in the status, never a silent fallback.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from station_app import core_texts as texts
from station_app.detection.decode import Boxes, detect_planes, keep_above
from station_app.detection.model_card import (
    ModelCard,
    ModelRejectedError,
    read_verified_model,
)
from station_app.detection.model_input import model_planes, station_channels
from station_app.domain import BoxPx, Detection, MaterialImage

if TYPE_CHECKING:
    from station_app.config import DetectorConfig

log = logging.getLogger(__name__)

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
SHIPPED_MODEL = "xcnet"


def shipped_model_dir() -> Path:
    """The model that comes with the station (``models/xcnet``)."""
    return Path(str(resources.files("models").joinpath(SHIPPED_MODEL)))


@dataclass(frozen=True)
class DetectorStatus:
    """What the status bar and the log say about the detector."""

    enabled: bool
    model: str  # "xcnet 1.0", or "" when none is loaded
    provider: str  # the provider that runs the model: "CUDA", "CPU", or "" when off
    warning: str | None = None  # a requested GPU that did not load, or why the detector is off

    @property
    def summary(self) -> str:
        if not self.enabled:
            return "detector off"
        if not self.model:
            return "detector unavailable"
        return f"{self.model} on {self.provider}"


def _short(provider: str) -> str:
    return provider.removesuffix("ExecutionProvider")


class OnnxDetector:
    """Runs a verified model over whole parcels; thread-safe (one run at a time)."""

    def __init__(self, card: ModelCard, model_bytes: bytes, config: DetectorConfig) -> None:
        import onnxruntime as ort

        self.card = card
        self._config = config
        # A configured threshold is one for every class; else the card's, per class.
        per_class = card.thresholds()
        if config.score_threshold is not None:
            per_class = dict.fromkeys(per_class, config.score_threshold)
        self.class_thresholds: dict[str, float] = per_class
        self._class_threshold_array = np.asarray(
            [per_class[n] for n in card.class_names], np.float32)
        self.score_threshold = (config.score_threshold if config.score_threshold is not None
                                else card.score_threshold)
        available = set(ort.get_available_providers())
        requested = list(config.providers) or [CPU]
        unknown = [p for p in requested if p not in available]
        providers: list[Any] = []
        for p in requested:
            if p not in available:
                continue
            providers.append((p, {"device_id": config.cuda_device_id}) if p == CUDA else p)
        if CPU not in requested:
            providers.append(CPU)  # last resort; reported below if it is the one that runs
        options = ort.SessionOptions()
        options.intra_op_num_threads = config.intra_op_threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # spinning threads would take a core from the GUI between parcels
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(model_bytes, options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelRejectedError(
                f"detector model {card.name}: onnxruntime cannot load it ({exc})") from exc
        self._check_contract()
        active = self._session.get_providers()
        self.provider = active[0] if active else CPU
        warning = None
        if requested[0] != self.provider:
            text = (texts.PROVIDER_NOT_AVAILABLE if requested[0] in unknown
                    else texts.PROVIDER_FAILED_TO_LOAD)
            warning = text.render(requested=_short(requested[0]),
                                  provider=_short(self.provider))
            log.warning("detector: %s", warning)
        self.warning = warning
        self._lock = threading.Lock()
        self._bind(ort)
        for _ in range(config.warmup_runs):
            self._infer(np.zeros(self._input_shape, np.float32))
        lower = {n: t for n, t in per_class.items() if t != self.score_threshold}
        log.info("detector %s %s on %s (threshold %.2f%s, %d threads)", card.name, card.version,
                 _short(self.provider), self.score_threshold,
                 "".join(f", {n} {t:.2f}" for n, t in lower.items()), config.intra_op_threads)

    # ------------------------------------------------------------------ contract

    @property
    def _input_shape(self) -> tuple[int, int, int, int]:
        c = self.card.input
        return (1, len(c.channels), c.height_px, c.width_px)

    def _check_contract(self) -> None:
        card = self.card
        inputs = self._session.get_inputs()
        if len(inputs) != 1:
            raise ModelRejectedError(
                f"detector model {card.name}: expected 1 input, has {len(inputs)}")
        x = inputs[0]
        if x.name != card.input_name or list(x.shape) != list(self._input_shape) or (
            x.type != "tensor(float)"
        ):
            raise ModelRejectedError(
                f"detector model {card.name}: input {x.name} {x.shape} {x.type} does not match "
                f"model.json ({card.input_name} {list(self._input_shape)} float32)"
            )
        stride = card.output_stride
        h, w = card.input.height_px // stride, card.input.width_px // stride
        expected = {card.output_names[0]: [1, len(card.classes), h, w],
                    card.output_names[1]: [1, 4, h, w]}
        found = {o.name: list(o.shape) for o in self._session.get_outputs()}
        if found != expected:
            raise ModelRejectedError(
                f"detector model {card.name}: outputs {found} do not match model.json {expected}"
            )

    # ------------------------------------------------------------------ running

    def _bind(self, ort: Any) -> None:
        card = self.card
        on_gpu = self.provider == CUDA
        device = "cuda" if on_gpu else "cpu"
        self._host_input = np.zeros(self._input_shape, np.float32)
        self._input = (
            ort.OrtValue.ortvalue_from_shape_and_type(
                self._input_shape, np.float32, device, self._config.cuda_device_id)
            if on_gpu else ort.OrtValue.ortvalue_from_numpy(self._host_input)
        )
        stride = card.output_stride
        h, w = card.input.height_px // stride, card.input.width_px // stride
        self._scores = np.zeros((1, len(card.classes), h, w), np.float32)
        self._boxes = np.zeros((1, 4, h, w), np.float32)
        self._binding = self._session.io_binding()
        self._binding.bind_ortvalue_input(card.input_name, self._input)
        # outputs are small: always into host buffers we own (no per-run allocation)
        for name, array in ((card.output_names[0], self._scores),
                            (card.output_names[1], self._boxes)):
            self._binding.bind_ortvalue_output(name, ort.OrtValue.ortvalue_from_numpy(array))
        self._on_gpu = on_gpu

    def _infer(self, batch: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        if self._on_gpu:
            self._input.update_inplace(batch)
        else:
            np.copyto(self._host_input, batch)
        self._session.run_with_iobinding(self._binding)
        return self._scores, self._boxes

    def run_model(self, batch: NDArray[np.float32]
                  ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """One model run on a (1, 3, H, W) input (benchmarks); returns copies."""
        with self._lock:
            scores, boxes = self._infer(batch)
            return scores.copy(), boxes.copy()

    def detect_channels(self, channels: NDArray[np.float32], line_pitch_mm: float,
                        pixel_pitch_mm: float, min_score: float | None = None) -> Boxes:
        """Boxes (xyxy, parcel pixels) for (lines, pixels, 3) station channels."""
        contract = self.card.input
        planes = model_planes(channels, contract, line_pitch_mm, pixel_pitch_mm)
        threshold = (float(self._class_threshold_array.min()) if min_score is None
                     else min_score)
        with self._lock:
            found = detect_planes(planes, (contract.height_px, contract.width_px), self._infer,
                                  threshold, self.card.tile_overlap_px)
        if min_score is None:  # the operating point: each class at its own threshold
            found = keep_above(found, self._class_threshold_array)
        # the exact resampling ratio (rows and columns were rounded), not the nominal pitches
        _, rows, cols = planes.shape
        scale = np.asarray([channels.shape[1] / cols, channels.shape[0] / rows] * 2, np.float32)
        return Boxes(found.xyxy * scale, found.scores, found.classes)

    def detect(self, image: MaterialImage) -> tuple[Detection, ...]:
        found = self.detect_channels(station_channels(image), image.line_pitch_mm,
                                     image.pixel_pitch_mm)
        lines, pixels = image.shape
        names = self.card.class_names
        out: list[Detection] = []
        for (x0, y0, x1, y1), score, cls in zip(found.xyxy, found.scores, found.classes,
                                                 strict=True):
            box = BoxPx(
                line0=int(np.clip(np.floor(y0), 0, lines - 1)),
                px0=int(np.clip(np.floor(x0), 0, pixels - 1)),
                line1=int(np.clip(np.ceil(y1), 1, lines)),
                px1=int(np.clip(np.ceil(x1), 1, pixels)),
            )
            if box.line1 <= box.line0 or box.px1 <= box.px0:
                continue
            out.append(Detection(class_name=names[int(cls)], confidence=float(score), box=box))
        return tuple(out)

    def status(self) -> DetectorStatus:
        return DetectorStatus(True, f"{self.card.name} {self.card.version}",
                              _short(self.provider), self.warning)


def load_detector(config: DetectorConfig) -> tuple[OnnxDetector | None, DetectorStatus]:
    """The configured detector, or ``None`` with the reason in the status (never raises
    for a bad model: the station runs on with rule alarms and says the detector is off)."""
    if not config.enabled:
        return None, DetectorStatus(False, "", "")
    model_dir = config.model_dir or shipped_model_dir()
    try:
        card, blob = read_verified_model(model_dir)
        detector = OnnxDetector(card, blob, config)
    except ModelRejectedError as exc:
        log.error("detector off: %s", exc)
        return None, DetectorStatus(True, "", "", warning=str(exc))
    return detector, detector.status()
