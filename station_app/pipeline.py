"""driver → assemble → calibrate → materials → detect → triage → persist → events.

``ParcelProcessor`` is the pure, synchronous per-parcel part; ``Pipeline`` owns
the thread that reads the driver. A failure in one parcel never stops the belt:
the raw scan is persisted with the reason and processing goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from drivers.base import LabelReader, LineBlock, ScannerDriver
from station_app import core_texts as texts
from station_app.config import MatchingConfig
from station_app.detection.alarms import AlarmRules
from station_app.detection.triage import Triage
from station_app.domain import (
    Alarm,
    Detection,
    Discrepancy,
    MaterialImage,
    ParcelScan,
    RawScan,
    TipImage,
)
from station_app.events import StationEvents
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.materials import MaterialAnalyzer
from station_app.manifests.hs_classes import load_hs_table
from station_app.manifests.matching import match
from station_app.manifests.model import Manifest

log = logging.getLogger(__name__)


class ManifestLookup(Protocol):
    """Where the pipeline finds a parcel's declared contents (pulled ahead from central)."""

    def manifest_for(self, tracking_id: str) -> Manifest | None: ...


class ItemDetector(Protocol):
    """The item detector (``station_app.detection.detector.OnnxDetector``)."""

    def detect(self, image: MaterialImage) -> tuple[Detection, ...]: ...


class ParcelSink(Protocol):
    """Where processed parcels go (the scan repository)."""

    def save_parcel(self, parcel: ParcelScan) -> None: ...

    def save_unprocessed(self, raw: RawScan, reason: str) -> None: ...


class TipPresenter(Protocol):
    """Threat image projection after a real parcel is stored (``station_app.tip.stage``)."""

    def maybe_present(
        self, parcel: ParcelScan, process: Callable[[RawScan], ParcelScan]
    ) -> TipImage | None: ...


class ParcelProcessor:
    """Turns one raw scan into a ParcelScan. Stateless between parcels but for
    reused buffers, so one instance serves one thread."""

    def __init__(
        self,
        analyzer: MaterialAnalyzer,
        alarm_rules: AlarmRules,
        triage: Triage,
        calibration_id: str,
        *,
        manifests: ManifestLookup | None = None,
        matching: MatchingConfig | None = None,
        detector: ItemDetector | None = None,
    ) -> None:
        self._analyzer = analyzer
        self._alarm_rules = alarm_rules
        self._triage = triage
        self._calibration_id = calibration_id
        self._manifests = manifests
        self._matching_configured = matching or MatchingConfig()
        self._matching = self._matching_configured
        self._detector: ItemDetector | None = None
        self.set_detector(detector)
        # Loaded once: matching runs for every parcel that has a manifest.
        self._hs_table = load_hs_table(self._matching.hs_table_path) if manifests else None

    def set_detector(self, detector: ItemDetector | None) -> None:
        """Use ``detector`` from the next parcel on (a model update from central); a
        parcel in progress finishes with the detector it started with."""
        matching = self._matching_configured
        if detector is None:
            # Without a detector "declared but not seen" would flag every parcel with
            # a declared phone or laptop: only alarms can be compared then.
            matching = matching.model_copy(update={"report_declared_not_seen": False})
        self._matching = matching
        self._detector = detector  # one reference swap: a parcel sees the old or the new

    def _discrepancies(self, raw: RawScan, detections: tuple[Detection, ...],
                       alarms: tuple[Alarm, ...]) -> tuple[Discrepancy, ...]:
        if self._manifests is None or raw.tracking_id is None:
            return ()
        manifest = self._manifests.manifest_for(raw.tracking_id)
        if manifest is None:
            return ()
        return match(manifest, detections, alarms, config=self._matching, table=self._hs_table)

    def _detect(self, image: MaterialImage, detector: ItemDetector | None
                ) -> tuple[tuple[Detection, ...], str | None]:
        """Detections, or none and the reason when the detector failed on this parcel."""
        if detector is None:
            return (), None
        try:
            return detector.detect(image), None
        except Exception as exc:  # one parcel's failure must not stop the belt
            log.exception("detector failed on a parcel")
            return (), f"{type(exc).__name__}: {exc}"

    def process(self, raw: RawScan) -> ParcelScan:
        image = self._analyzer.process(raw)
        timings_ms = dict(self._analyzer.last_timings_ms)
        started = time.perf_counter()
        detector = self._detector  # read once: a model swap takes effect between parcels
        detections, detector_error = self._detect(image, detector)
        if detector is not None:
            timings_ms["detector"] = (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        alarms = self._alarm_rules.evaluate(image)
        timings_ms["alarms"] = (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        discrepancies = self._discrepancies(raw, detections, alarms)
        timings_ms["manifest"] = (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        triage = self._triage.assess(alarms, detections, discrepancies=discrepancies,
                                     detector_error=detector_error)
        timings_ms["triage"] = (time.perf_counter() - started) * 1e3
        return ParcelScan(
            raw=raw,
            image=image,
            alarms=alarms,
            detections=detections,
            triage=triage,
            timings_ms=timings_ms,
            calibration_id=self._calibration_id,
            discrepancies=discrepancies,
        )


@dataclass
class PipelineCounters:
    """Monotonic counters, read by the status bar and benchmarks (ints are atomic enough)."""

    blocks: int = 0
    lines: int = 0
    bad_blocks: int = 0
    parcels_processed: int = 0
    parcels_failed: int = 0
    last_error: str | None = None
    last_block_ns: int = 0
    errors: list[str] = field(default_factory=list)

    def note_error(self, message: str) -> None:
        self.last_error = message
        self.errors.append(message)
        del self.errors[:-50]  # keep the newest few for diagnostics, bounded


class Pipeline:
    """Reads the driver on its own thread and pushes each parcel through."""

    def __init__(
        self,
        driver: ScannerDriver,
        assembler: ParcelAssembler,
        processor: ParcelProcessor,
        sink: ParcelSink,
        events: StationEvents,
        label_reader: LabelReader | None = None,
        max_parcels: int | None = None,
        on_parcel: Callable[[ParcelScan], None] | None = None,
        tip: TipPresenter | None = None,
    ) -> None:
        self._driver = driver
        self._tip = tip
        self._assembler = assembler
        self._processor = processor
        self._sink = sink
        self._events = events
        self._label_reader = label_reader
        self._max_parcels = max_parcels
        self._on_parcel = on_parcel
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.counters = PipelineCounters()

    # -- threading -----------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("pipeline already started")
        self._thread = threading.Thread(target=self.run, name="station-pipeline", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        # Closing the driver unblocks a lines() that waits for the belt.
        self._driver.close()
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_item_detector(self, detector: ItemDetector | None) -> None:
        """Swap the item detector between parcels; safe from any thread."""
        self._processor.set_detector(detector)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the run to end (driver exhausted or parcel limit); True when it ended."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    # -- the loop ------------------------------------------------------------------
    def run(self) -> None:
        try:
            for block in self._driver.lines():
                if self._stop.is_set():
                    break
                self._consume(block)
                if self._limit_reached():
                    break
            if not self._stop.is_set() and not self._limit_reached():
                for raw in self._assembler.flush():
                    self._handle(raw)
        except Exception as exc:  # the driver itself failed: tell the user, keep what we have
            message = texts.DRIVER_STOPPED.render(error=str(exc))
            log.exception(message)
            self.counters.note_error(message)
            self._events.pipeline_error.emit(message)
            for raw in self._assembler.flush():
                self._handle(raw)
        finally:
            self._events.pipeline_stopped.emit()

    def _limit_reached(self) -> bool:
        if self._max_parcels is None:
            return False
        done = self.counters.parcels_processed + self.counters.parcels_failed
        return done >= self._max_parcels

    def _consume(self, block: LineBlock) -> None:
        self.counters.blocks += 1
        self.counters.last_block_ns = block.timestamp_ns
        if self._label_reader is not None:
            for read in self._label_reader.poll():
                self._assembler.add_label(read)
        try:
            raws = self._assembler.feed(block)
        except ValueError as exc:
            self.counters.bad_blocks += 1
            message = texts.BAD_LINE_BLOCK.render(line=str(block.first_line_index),
                                                  error=str(exc))
            log.warning(message)
            self.counters.note_error(message)
            return
        self.counters.lines += block.n_lines
        for raw in raws:
            self._handle(raw)
            if self._limit_reached():
                return

    def _handle(self, raw: RawScan) -> None:
        try:
            parcel = self._processor.process(raw)
            started = time.perf_counter()
            self._sink.save_parcel(parcel)
            persist_ms = (time.perf_counter() - started) * 1e3
            parcel = replace(parcel, timings_ms={**parcel.timings_ms, "persist": persist_ms})
        except Exception as exc:
            self._keep_unprocessed(raw, exc)
            return
        self.counters.parcels_processed += 1
        if self._on_parcel is not None:
            self._on_parcel(parcel)
        if self._tip is not None:
            parcel = self._with_tip(parcel)
        self._events.parcel_processed.emit(parcel)

    def _with_tip(self, parcel: ParcelScan) -> ParcelScan:
        """The parcel with its TIP image, when one is due; TIP trouble never costs the
        real parcel anything (it is already stored)."""
        assert self._tip is not None
        try:
            tip = self._tip.maybe_present(parcel, self._processor.process)
        except Exception:
            log.exception("TIP for parcel %s failed; the parcel is shown as it is", parcel.scan_id)
            return parcel
        return parcel if tip is None else replace(parcel, tip=tip)

    def _keep_unprocessed(self, raw: RawScan, exc: Exception) -> None:
        failure = {"error_type": type(exc).__name__, "error": str(exc)}
        reason = texts.PROCESSING_FAILED.render(**failure)
        log.exception("parcel %s: %s", raw.scan_id, reason)
        self.counters.parcels_failed += 1
        self.counters.note_error(texts.PARCEL_ERROR.render(scan_id=raw.scan_id, reason=reason))
        try:
            self._sink.save_unprocessed(raw, reason)
        except Exception:
            # Storage is gone too: nothing more can be kept here; the message says so.
            log.exception("parcel %s could not be stored", raw.scan_id)
            reason = texts.PROCESSING_FAILED_NOT_STORED.render(**failure)
        self._events.parcel_failed.emit(raw.scan_id, reason)
