"""Detector models received from central, on the station's disk, with atomic activation.

Layout of ``StationConfig.model_store_dir``::

    models/
      state.json                      {"active": "xcnet-1.1-3f2a…", "previous": "xcnet-1.0-…"}
      rejected.json                   {"<release id>": {"reason": "…", "at": "…"}}
      xcnet-1.1-3f2a9c0b17d4/         model.onnx, model.json, update.cose (signed manifest)
      xcnet-1.0-77e01a2b9c3d/         the previous good release, kept for rollback
      staging-k2j3h4/                 a download in progress (never loaded; removed at start)

A release's id is the sha256 of its ``model.json`` (the card pins ``model.onnx``
by its own sha256). ``state.json`` is the only thing that says which release is
active; it is replaced whole (temporary file, fsync, ``os.replace``, fsync of the
folder), so a power cut leaves either the old or the new pointer, never half of
one. A release folder is complete before the pointer names it: files are
downloaded into ``staging-*`` and the folder is renamed into place.

At start ``load_station_detector`` loads the active release; if it does not load
it rolls back to the previous one, then to the configured/shipped model, and
says so in the detector status. A release that failed is remembered in
``rejected.json`` so central's offer of the same release is not taken again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from station_app import core_texts as texts
from station_app.atomic_files import fsync_dir, write_atomic
from station_app.detection.detector import (
    DetectorStatus,
    OnnxDetector,
    load_detector,
    shipped_model_dir,
)
from station_app.detection.model_card import (
    CARD_FILE,
    ModelRejectedError,
    read_verified_model,
)
from station_app.file_digest import file_sha256

if TYPE_CHECKING:
    from station_app.config import DetectorConfig

log = logging.getLogger(__name__)

STATE_FILE: Final = "state.json"
REJECTED_FILE: Final = "rejected.json"
MANIFEST_FILE: Final = "update.cose"  # central's signed manifest, kept beside the release
STAGING_PREFIX: Final = "staging-"
_MAX_STATE_BYTES: Final = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def release_id(model_dir: Path) -> str:
    """The id central knows a model directory by: sha256 of its model.json."""
    return file_sha256(model_dir / CARD_FILE)


@dataclass(frozen=True)
class StoreState:
    active: Path | None
    previous: Path | None


class ModelStore:
    """The folders and pointer files under ``root``; one writer (the station) at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # ------------------------------------------------------------ pointer

    def state(self) -> StoreState:
        """The active and previous releases; a missing or unreadable state means none."""
        data = self._read_json(STATE_FILE)

        def folder(key: str) -> Path | None:
            name = data.get(key)
            if not isinstance(name, str) or not name or _UNSAFE.search(name) or name[0] == ".":
                return None
            return self.root / name

        return StoreState(folder("active"), folder("previous"))

    def active_dir(self) -> Path | None:
        return self.state().active

    def activate(self, release_dir: Path) -> StoreState:
        """Point ``active`` at ``release_dir`` (a folder of this store); the release that was
        active becomes ``previous``. Returns the new state."""
        if release_dir.parent != self.root or not release_dir.is_dir():
            raise ModelRejectedError(f"{release_dir} is not a release folder of {self.root}")
        old = self.state()
        previous = old.active if old.active not in (None, release_dir) else old.previous
        new = StoreState(release_dir, previous if previous != release_dir else None)
        self._write_state(new)
        return new

    def restore(self, state: StoreState) -> None:
        """Put back a state read earlier (an activation that could not be completed)."""
        self._write_state(state)

    def roll_back(self) -> StoreState:
        """Make the previous release active (none left: the configured/shipped model)."""
        old = self.state()
        new = StoreState(old.previous, None)
        self._write_state(new)
        return new

    def _write_state(self, state: StoreState) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        body = {
            "active": state.active.name if state.active else None,
            "previous": state.previous.name if state.previous else None,
            "updated_at": datetime.now(UTC).isoformat(),
        }
        write_atomic(self.root / STATE_FILE, json.dumps(body, indent=2).encode("utf-8"))

    # ------------------------------------------------------------ rejected releases

    def reject(self, release: str, reason: str) -> None:
        """Remember that ``release`` must not be taken again (until central offers another)."""
        data = self._read_json(REJECTED_FILE)
        data[release] = {"reason": reason[:500], "at": datetime.now(UTC).isoformat()}
        # Bounded: the newest 50 are enough to stop a retry loop.
        kept = dict(list(data.items())[-50:])
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / REJECTED_FILE, json.dumps(kept, indent=2).encode("utf-8"))

    def rejection(self, release: str) -> str | None:
        """Why ``release`` was refused before, or None."""
        entry = self._read_json(REJECTED_FILE).get(release)
        if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
            return str(entry["reason"])
        return None

    # ------------------------------------------------------------ folders

    def new_staging(self) -> Path:
        """An empty folder for one download; never loaded, removed by ``clean``."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root))

    def install(self, staging: Path, name: str, release: str) -> Path:
        """Rename a complete staging folder into place as release ``<name>-<id[:12]>``.

        The release being the previous one (central went back to it): the folder on
        disk is kept and the staging folder dropped.
        """
        target = self.root / f"{_UNSAFE.sub('_', name)[:80].lstrip('.')}-{release[:12]}"
        state = self.state()
        if target == state.active:
            raise ModelRejectedError(f"release {target.name} is already active")
        if target == state.previous and release_id(target) == release:
            shutil.rmtree(staging, ignore_errors=True)
            return target
        if target.exists():  # a leftover of a release refused earlier
            shutil.rmtree(target)
        for path in staging.iterdir():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        os.rename(staging, target)
        fsync_dir(self.root)
        return target

    def discard(self, folder: Path) -> None:
        """Remove a staging or refused release folder (never the active or previous one)."""
        state = self.state()
        if folder.parent == self.root and folder not in (state.active, state.previous):
            shutil.rmtree(folder, ignore_errors=True)

    def clean(self) -> list[Path]:
        """Remove staging folders (interrupted downloads) and releases no pointer names.

        Called at start, before anything is loaded; returns what was removed.
        """
        if not self.root.is_dir():
            return []
        state = self.state()
        keep = {state.active, state.previous}
        removed: list[Path] = []
        for path in sorted(self.root.iterdir()):
            if path.is_dir() and path not in keep:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            elif path.name.startswith(f".{STATE_FILE}.") or path.name.startswith(
                f".{REJECTED_FILE}."
            ):  # a temporary file of a write that was cut short
                path.unlink(missing_ok=True)
                removed.append(path)
        for path in removed:
            log.info("model store: removed %s (interrupted download or unused release)", path.name)
        return removed

    def _read_json(self, name: str) -> dict[str, Any]:
        path = self.root / name
        try:
            with path.open("rb") as handle:
                raw = handle.read(_MAX_STATE_BYTES + 1)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.error("model store: cannot read %s: %s", path, exc)
            return {}
        try:
            data = json.loads(raw) if len(raw) <= _MAX_STATE_BYTES else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            log.error("model store: %s is damaged; treating it as empty", path)
            return {}
        return data


# --------------------------------------------------------------------------- start-up


@dataclass(frozen=True)
class ModelRollback:
    """A release that did not load at start, and what the station runs instead."""

    failed: str  # release folder name
    reason: str
    now_running: str  # release folder name, or "configured model"


@dataclass(frozen=True)
class LoadedModel:
    detector: OnnxDetector | None
    status: DetectorStatus
    model_dir: Path | None  # where the running model came from (None: detector off)
    rollbacks: tuple[ModelRollback, ...] = ()


def load_model_dir(model_dir: Path, config: DetectorConfig) -> OnnxDetector:
    """Verify and load a model folder, warm-up run included; ``ModelRejectedError`` if not."""
    card, blob = read_verified_model(model_dir)
    return OnnxDetector(card, blob, config)


def load_station_detector(config: DetectorConfig, store: ModelStore) -> LoadedModel:
    """The detector a starting station runs: the store's active release, else the
    configured/shipped model. A release that does not load is rolled back (logged and
    named in the status warning); this never raises for a bad model."""
    if not config.enabled:
        return LoadedModel(None, DetectorStatus(False, "", ""), None)
    rollbacks: list[ModelRollback] = []
    while (active := store.active_dir()) is not None:
        try:
            detector = load_model_dir(active, config)
        except (ModelRejectedError, OSError) as exc:
            reason = str(exc)
            # model.json itself gone: nothing to remember the release by
            with contextlib.suppress(OSError):
                store.reject(release_id(active), reason)
            after = store.roll_back().active
            rollbacks.append(
                ModelRollback(active.name, reason,
                              after.name if after else texts.CONFIGURED_MODEL.render())
            )
            log.error("detector model %s did not load (%s); rolled back to %s",
                      active.name, reason, rollbacks[-1].now_running)
            continue
        status = _with_rollbacks(detector.status(), rollbacks)
        return LoadedModel(detector, status, active, tuple(rollbacks))
    fallback, status = load_detector(config)
    model_dir = (config.model_dir or shipped_model_dir()) if fallback is not None else None
    return LoadedModel(fallback, _with_rollbacks(status, rollbacks), model_dir, tuple(rollbacks))


def _with_rollbacks(status: DetectorStatus, rollbacks: list[ModelRollback]) -> DetectorStatus:
    if not rollbacks:
        return status
    first = rollbacks[0]
    said = {"failed": first.failed, "reason": first.reason,
            "now_running": rollbacks[-1].now_running}
    if status.warning is None:
        warning = texts.MODEL_ROLLED_BACK.render(**said)
    else:
        warning = texts.MODEL_ROLLED_BACK_AND_WARNING.render(**said, warning=status.warning)
    return replace(status, warning=warning)
