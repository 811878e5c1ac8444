"""Settings central manages for a station: what it may set, and taking them in.

Central answers ``GET /v1/stations/{station_id}/config`` with
``{"version": N, "settings": {section: {field: value}}}``: a partial
``StationConfig`` with the names of station.toml. Only the keys in
``MANAGED_SETTINGS`` may appear: thresholds and rules that a customs
administration tunes for its whole fleet. Where the station talks to (``sync``),
who it is (``station_id``, ``data_dir``, ``database_url``), its hardware
(``driver``), its sign-in rules (``accounts``) and what it trusts
(``certificates``) are the station's own; central's document is authenticated
by TLS and the token but not signed, so it must never be able to move those.

The sync worker fetches the document with ``If-None-Match`` (the ETag is the
version) every ``sync.update_check_interval_s``. A new one is checked (shape,
allow-list, then ``StationConfig``'s own validation merged with the running
settings), written whole to ``<data_dir>/central-config.json`` and audited
("config.received"). It takes effect at the next start: ``load_config`` ranks
it above the TOML file and below the environment and the command line; the
station's start then records the new effective configuration ("config.changed").
A document that fails any check, or is older than the one kept, is refused with
one clear line (the status's ``last_error``), audited once ("config.rejected"),
and the kept document stays. See docs/central-config.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from station_app.atomic_files import write_atomic
from station_app.config import StationConfig
from station_app.errors import StationError
from station_app.storage import Database
from station_app.storage.audit import ACTION_CONFIG_RECEIVED, ACTION_CONFIG_REJECTED, AuditLog
from station_app.sync.client import CentralClient, CentralUnavailable, SyncError

log = logging.getLogger(__name__)

# "section.field", or "section.*" for every field of a section. Everything else is the
# station's own; tests/sync/test_central_config.py checks the never-managed ones stay out.
MANAGED_SETTINGS: Final[tuple[str, ...]] = (
    "triage.*",
    "alarms.*",
    "detector.score_threshold",
    # Not manifests.hs_table_path: a path on the station's disk is not central's to name.
    "manifests.min_confidence",
    "manifests.quantity_tolerance",
    "manifests.report_declared_not_seen",
    "manifests.battery_alarm_kinds",
    "manifests.min_value_usd",
    "manifests.usd_per_unit",
    "tip.enabled",
    "tip.rate",
    "tip.min_parcels_between",
    "tip.categories",
    "tip.hit_needs_mark",
    "tip.keep_images_days",
    "images.keep_days",
    "images.disk_budget_gb",
)
MAX_DOCUMENT_BYTES: Final = 256 * 1024
_ACTOR = "central"

Settings = dict[str, dict[str, Any]]  # section → field → value, as in station.toml


class CentralConfigError(StationError):
    """Settings from central that cannot be taken; the message names every problem."""


def is_managed(key: str) -> bool:
    """Whether central may set ``key`` ("section.field")."""
    section = key.split(".", 1)[0]
    return key in MANAGED_SETTINGS or f"{section}.*" in MANAGED_SETTINGS


def setting_keys(settings: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """``{"triage": {"red_risk_score": 0.7}}`` → ``["triage.red_risk_score"]``."""
    return sorted(f"{section}.{name}" for section, fields in settings.items() for name in fields)


def _section_model(section: str) -> type[BaseModel] | None:
    field = StationConfig.model_fields.get(section)
    model = None if field is None else field.annotation
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def check_settings(settings: object, base: StationConfig | None = None) -> Settings:
    """The settings as central may give them, normalised to plain JSON values.

    Every key must be a real setting on the allow-list, and each section must pass
    its own validation merged over ``base``'s (the defaults without one).
    ``CentralConfigError`` lists every problem found.
    """
    if not isinstance(settings, Mapping):
        raise CentralConfigError("settings must be an object of sections, as in station.toml")
    problems: list[str] = []
    checked: Settings = {}
    for section, fields in settings.items():
        model = _section_model(str(section))
        if model is None:
            known = str(section) in StationConfig.model_fields
            problems.append(
                f"{section}: {'not a setting central may manage' if known else 'no such setting'}"
            )
            continue
        if not isinstance(fields, Mapping):
            problems.append(f"{section}: must be a section of settings, not a single value")
            continue
        keys_ok = True
        for name in fields:
            key = f"{section}.{name}"
            if name not in model.model_fields:
                problems.append(f"{key}: no such setting")
                keys_ok = False
            elif not is_managed(key):
                problems.append(f"{key}: not a setting central may manage")
                keys_ok = False
        if not keys_ok or not fields:
            continue
        current = {} if base is None else getattr(base, section).model_dump()
        try:
            valid = model.model_validate({**current, **fields})
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in (section, *error["loc"]))
                problems.append(f"{where}: {error['msg']}")
            continue
        checked[str(section)] = valid.model_dump(mode="json", include=set(fields))
    if problems:
        raise CentralConfigError("; ".join(problems))
    return checked


@dataclass(frozen=True)
class CentralConfig:
    """One version of the settings central manages for a station."""

    version: int
    settings: Settings

    @property
    def keys(self) -> list[str]:
        return setting_keys(self.settings)


def parse_document(body: bytes, base: StationConfig | None = None) -> CentralConfig:
    """Central's answer (or the kept file) → a checked ``CentralConfig``."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CentralConfigError(f"malformed JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise CentralConfigError("not a settings document (a JSON object with version, settings)")
    version = document.get("version")
    # bool is an int in Python; "version": true is not a version.
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CentralConfigError(f"version must be a whole number from 1, not {version!r}")
    if "settings" not in document:
        raise CentralConfigError(f"version {version} has no settings")
    try:
        return CentralConfig(version, check_settings(document["settings"], base))
    except CentralConfigError as exc:
        raise CentralConfigError(f"version {version}: {exc}") from exc


def read_stored(path: Path) -> CentralConfig | None:
    """The document kept in ``path`` (None when there is none), checked again."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CentralConfigError(f"{path}: {exc.strerror or exc}") from exc
    return parse_document(body)


def write_stored(path: Path, config: CentralConfig) -> None:
    """Replace the kept document whole (a power cut leaves the old one or the new one)."""
    document = {
        "version": config.version,
        "settings": config.settings,
        "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def version_etag(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True)
class CentralConfigReport:
    """One ``CentralConfigFetcher.check``."""

    # "received version 3", "unchanged" (304), "same version", "none published",
    # "unreachable", "failed"
    outcome: str
    error: str | None = None
    waiting_version: int | None = None  # kept, but not in force until the station restarts


class CentralConfigFetcher:
    """Fetches the settings central manages for this station. One thread (the worker's)."""

    def __init__(self, config: StationConfig, database: Database | None) -> None:
        self._config = config
        self._database = database
        self._path = config.central_config_file
        self._url_path = f"/v1/stations/{quote(config.station_id, safe='')}/config"
        self._client: CentralClient | None = None
        self._rejected_sha256: str | None = None  # the same bad document: one audit entry
        try:
            self._stored = read_stored(self._path)
        except CentralConfigError as exc:  # load_config left it out too; a new one replaces it
            log.error("%s cannot be used: %s", self._path, exc)
            self._stored = None
        # load_config applied the kept document when this station's settings were built.
        self._in_force = None if self._stored is None else self._stored.version

    @property
    def stored_version(self) -> int | None:
        return None if self._stored is None else self._stored.version

    @property
    def waiting_version(self) -> int | None:
        """A version received since start: it takes effect when the station restarts."""
        stored = self.stored_version
        return stored if stored != self._in_force else None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check(self) -> CentralConfigReport:
        """Fetch, check and keep a new version. Never raises."""
        try:
            outcome = self._check()
        except CentralUnavailable as exc:  # the next batch of results tells the real state
            log.info("central config: %s", exc)
            return CentralConfigReport("unreachable", None, self.waiting_version)
        except SyncError as exc:
            message = f"central configuration not fetched: {exc}"
        except CentralConfigError as exc:
            kept = self.stored_version
            stays = "the local settings stay" if kept is None else f"version {kept} stays"
            message = f"central configuration rejected, {stays}: {exc}"
        except Exception as exc:  # a bug must not end the worker thread
            log.exception("central config: unexpected error")
            message = f"central configuration: {type(exc).__name__}: {exc}"
        else:
            return CentralConfigReport(outcome, None, self.waiting_version)
        log.error("%s", message)
        return CentralConfigReport("failed", message, self.waiting_version)

    def _check(self) -> str:
        headers = None
        if self._stored is not None:
            headers = {"If-None-Match": version_etag(self._stored.version)}
        if self._client is None:
            self._client = CentralClient(self._config.sync, self._config.station_id)
        answer = self._client.fetch(self._url_path, headers=headers, max_bytes=MAX_DOCUMENT_BYTES)
        if answer.status == 304:
            return "unchanged"
        if answer.status in (204, 404):
            return "none published"
        try:
            received = parse_document(answer.body, self._config)
            self._check_newer(received)
        except CentralConfigError as exc:
            self._audit_rejected(answer.body, str(exc))
            raise
        if self._stored is not None and received == self._stored:
            return "same version"  # sent whole although the station named it: harmless
        write_stored(self._path, received)
        self._stored = received
        self._audit(
            ACTION_CONFIG_RECEIVED,
            f"version {received.version}",
            {"version": received.version, "keys": received.keys, "settings": received.settings},
        )
        log.warning(
            "central configuration version %d received (%s); it takes effect when the "
            "station restarts",
            received.version,
            ", ".join(received.keys) or "no settings",
        )
        return f"received version {received.version}"

    def _check_newer(self, received: CentralConfig) -> None:
        kept = self._stored
        if kept is None or received.version > kept.version:
            return
        if received.version < kept.version:
            raise CentralConfigError(
                f"version {received.version} is older than the kept version {kept.version} "
                "(a replayed answer, or central restored from an old backup)"
            )
        if received.settings != kept.settings:
            raise CentralConfigError(
                f"version {received.version} has other settings than the kept version "
                f"{kept.version} (central changed them without a new version)"
            )

    def _audit_rejected(self, body: bytes, reason: str) -> None:
        digest = hashlib.sha256(body).hexdigest()
        if digest == self._rejected_sha256:
            return
        self._rejected_sha256 = digest
        self._audit(ACTION_CONFIG_REJECTED, digest[:64], {"reason": reason})

    def _audit(self, action: str, subject: str, details: dict[str, object]) -> None:
        if self._database is None:
            return
        try:
            AuditLog(self._database, self._config.station_id).record(
                _ACTOR, action, subject, details
            )
        except StationError:  # the document is kept (or refused) all the same; say it, go on
            log.exception("central config: audit entry %s not recorded", action)
