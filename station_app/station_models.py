"""The detector model a station runs: chosen at start from the model store, replaced by updates.

``StationModels.start`` cleans the model store (interrupted downloads), loads
the active release (rolling back to the previous one, then to the configured or
shipped model, when it does not load) and writes one audit entry per rollback.
``activate`` is the only way a release becomes active while the station runs:
trial load (verified files, onnxruntime session, warm-up run), then the store's
pointer, then the audit entry, then the swap — so a model that does not load
never becomes active, and the pointer and the audit trail agree.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from station_app.config import StationConfig
from station_app.detection.detector import DetectorStatus, OnnxDetector
from station_app.detection.model_card import ModelRejectedError
from station_app.detection.model_store import (
    LoadedModel,
    ModelStore,
    load_model_dir,
    load_station_detector,
    release_id,
)
from station_app.errors import StationError
from station_app.storage import Database
from station_app.storage.audit import (
    ACTION_MODEL_ACTIVATED,
    ACTION_MODEL_ROLLED_BACK,
    AuditLog,
)

log = logging.getLogger(__name__)


class StationModels:
    """The running detector model and the store it comes from. Thread-safe."""

    def __init__(
        self, config: StationConfig, database: Database, store: ModelStore, loaded: LoadedModel
    ) -> None:
        self._config = config
        self._audit = AuditLog(database, config.station_id)
        self.store = store
        self._detector = loaded.detector
        self._status = loaded.status
        self._model_dir = loaded.model_dir
        self._lock = threading.Lock()

    @classmethod
    def start(cls, config: StationConfig, database: Database) -> StationModels:
        """Clean the store, load the active release (or roll back), audit the rollbacks."""
        store = ModelStore(config.model_store_dir)
        try:
            store.clean()
        except OSError as exc:  # a leftover folder is harmless: it is never loaded
            log.error("model store %s: cannot remove leftovers: %s", store.root, exc)
        loaded = load_station_detector(config.detector, store)
        models = cls(config, database, store, loaded)
        for rollback in loaded.rollbacks:
            models._audit.record(
                "system",
                ACTION_MODEL_ROLLED_BACK,
                rollback.failed[:128],
                {"reason": rollback.reason, "now_running": rollback.now_running,
                 "when": "start"},
            )
        return models

    @property
    def detector(self) -> OnnxDetector | None:
        return self._detector

    @property
    def status(self) -> DetectorStatus:
        return self._status

    @property
    def model_dir(self) -> Path | None:
        return self._model_dir

    def current_release(self) -> str | None:
        """Release id (sha256 of model.json) of the running model; None when none runs."""
        if self._detector is None or self._model_dir is None:
            return None
        try:
            return release_id(self._model_dir)
        except OSError:
            return None  # its card is gone from disk: any release central offers is newer

    def activate(
        self,
        model_dir: Path,
        swap: Callable[[OnnxDetector], None],
        *,
        actor: str = "central",
    ) -> OnnxDetector:
        """Trial-load ``model_dir`` (a folder of the store), make it active, hand it to
        ``swap``. ``ModelRejectedError`` when it does not load: nothing changes."""
        if not self._config.detector.enabled:
            raise ModelRejectedError("the detector is off by configuration")
        with self._lock:
            detector = load_model_dir(model_dir, self._config.detector)
            before = self.store.state()
            after = self.store.activate(model_dir)
            card = detector.card
            try:
                self._audit.record(
                    actor,
                    ACTION_MODEL_ACTIVATED,
                    f"{card.name} {card.version}"[:128],
                    {
                        "release": release_id(model_dir),
                        "folder": model_dir.name,
                        "model_sha256": card.sha256,
                        "previous": after.previous.name if after.previous else None,
                        "provider": detector.provider,
                    },
                )
            except (StationError, OSError):
                self.store.restore(before)  # no activation without its audit entry
                raise
            self._detector, self._status, self._model_dir = detector, detector.status(), model_dir
            swap(detector)
        log.info("detector model %s %s active (%s)", card.name, card.version, model_dir.name)
        return detector
