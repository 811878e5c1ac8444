"""Helpers of the signed-update tests: central's keys, model releases, a station's model slot."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import STATION, TOKEN

from station_app.config import CertificatesConfig, DetectorConfig, StationConfig, SyncConfig
from station_app.detection.detector import DetectorStatus, OnnxDetector, shipped_model_dir
from station_app.station_models import StationModels


def write_public_key(key: Ed25519PrivateKey, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def write_private_key(key: Ed25519PrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def model_release(
    tmp_path: Path, version: str, edit: Callable[[dict[str, Any]], None] | None = None
) -> Path:
    """A copy of the shipped model whose model.json says ``version`` (the ONNX file is the
    shipped one, so read_verified_model accepts it); ``edit`` changes the card further."""
    target = tmp_path / "releases" / version
    shutil.copytree(shipped_model_dir(), target)
    path = target / "model.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    card["version"] = version
    if edit is not None:
        edit(card)
    path.write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def update_config(
    data_dir: Path, central_url: str | None, central_key_file: Path | None, **sync: Any
) -> StationConfig:
    """A station that checks central for updates; the detector on the CPU, one warm-up run."""
    return StationConfig(
        station_id=STATION,
        data_dir=data_dir,
        sync=SyncConfig(
            central_url=central_url,
            token=TOKEN,
            connect_timeout_s=2.0,
            read_timeout_s=5.0,
            **sync,
        ),
        detector=DetectorConfig(
            providers=["CPUExecutionProvider"], warmup_runs=1, intra_op_threads=1
        ),
        certificates=CertificatesConfig(central_key_file=central_key_file),
    )


class ModelSlot:
    """The model side of a running station (``Station.activate_model``) without a scanner:
    real ``StationModels``, and the detectors it handed over, in order."""

    def __init__(self, models: StationModels) -> None:
        self.models = models
        self.swapped: list[OnnxDetector] = []

    def current_model_release(self) -> str | None:
        return self.models.current_release()

    def activate_model(self, model_dir: Path) -> DetectorStatus:
        self.models.activate(model_dir, self.swapped.append)
        return self.models.status
