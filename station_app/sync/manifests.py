"""Manifest pull-ahead from central, and on-demand lookup of a parcel's manifest.

Central announces manifests before their parcels reach the station; the
``ManifestPuller`` pages through ``GET /v1/manifests?since=`` from a cursor kept
in a small JSON file in the station data dir (written atomically), so a
restart resumes where the last pull ended. Every manifest is parsed at the
edge: a bad one is logged, counted and skipped — it never stops the pull. The
cursor only moves past a page once every good manifest of it is stored.

A parcel whose manifest was not pulled ahead is looked up on demand
(``lookup``) from the pipeline thread, bounded by the client timeouts; when
central is unreachable lookups are skipped for a while so an offline station
does not stall its belt waiting on the network.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from station_app.config import StationConfig
from station_app.manifests.model import Manifest, ManifestError
from station_app.manifests.parse import parse_manifest_obj
from station_app.storage.db import StorageError
from station_app.storage.manifests import ManifestRepository
from station_app.sync.client import CentralClient, CentralUnavailable, SyncError
from station_app.sync.schemas import ManifestEntry

log = logging.getLogger(__name__)

START_CURSOR = "0"
SOURCE_CENTRAL = "central"
_STATE_VERSION = 1


def manifest_state_path(config: StationConfig) -> Path:
    """Where a station keeps its manifest cursor (inside its data dir)."""
    return config.data_dir / "sync" / "manifest_cursor.json"


@dataclass(frozen=True)
class PullReport:
    """The outcome of one ``ManifestPuller.pull``."""

    pages: int = 0
    saved: int = 0
    skipped: int = 0  # manifests central sent that could not be parsed
    cursor: str = START_CURSOR
    has_more: bool = False  # stopped at max_pages: call again soon
    error: str | None = None  # the pull stopped early (the cursor kept what was stored)


class ManifestPuller:
    """Pulls manifests from central into the station database.

    Thread-safe: the worker thread pulls while the pipeline thread may look up;
    the HTTP client is used by one of them at a time.
    """

    def __init__(
        self,
        client: CentralClient,
        repository: ManifestRepository,
        state_path: Path,
        *,
        page_limit: int = 200,
        max_pages: int = 50,
        lookup_backoff_s: float = 30.0,
    ) -> None:
        if page_limit < 1 or max_pages < 1:
            raise ValueError("page_limit and max_pages must be at least 1")
        self._client = client
        self._repository = repository
        self.state_path = state_path
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.lookup_backoff_s = lookup_backoff_s
        self._http_lock = threading.Lock()  # one HTTP call at a time on the client
        self._pull_lock = threading.Lock()  # one pull at a time (the cursor)
        self._count_lock = threading.Lock()
        self._skipped_total = 0
        self._unreachable_until = 0.0  # monotonic: lookups skipped until then

    @property
    def skipped_total(self) -> int:
        """Bad manifests skipped since this puller was made (pulls and lookups)."""
        with self._count_lock:
            return self._skipped_total

    def close(self) -> None:
        with self._http_lock:
            self._client.close()

    # ------------------------------------------------------------ cursor

    def load_cursor(self) -> str:
        """The stored cursor; the beginning when there is none or it cannot be read."""
        try:
            text = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return START_CURSOR
        except OSError as exc:
            log.warning(
                "manifest cursor %s unreadable (%s): pulling from the start", self.state_path, exc
            )
            return START_CURSOR
        try:
            data = json.loads(text)
            cursor = data["cursor"]
            if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
                raise ValueError(f"bad cursor value {cursor!r}")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning(
                "manifest cursor file %s is corrupt (%s): pulling manifests from the start",
                self.state_path,
                exc,
            )
            return START_CURSOR
        return cursor

    def save_cursor(self, cursor: str) -> None:
        """Write the cursor atomically: a crash leaves the old file or the new one."""
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        state = {
            "version": _STATE_VERSION,
            "cursor": cursor,
            "saved_at": datetime.now(UTC).isoformat(),
        }
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)

    # ------------------------------------------------------------ pull-ahead

    def pull(self, should_stop: Callable[[], bool] | None = None) -> PullReport:
        """Pull pages since the stored cursor (at most ``max_pages``, fewer when
        ``should_stop`` turns true); never raises for central or storage trouble —
        the report's ``error`` says why it stopped."""
        with self._pull_lock:
            cursor = self.load_cursor()
            pages = saved = skipped = 0
            has_more = False
            try:
                while pages < self.max_pages:
                    with self._http_lock:
                        page = self._client.manifests_since(cursor, self.page_limit)
                    pages += 1
                    self._unreachable_until = 0.0
                    for entry in page.items:
                        manifest = self._parse(entry)
                        if manifest is None:
                            skipped += 1
                            continue
                        self._repository.save(manifest, source=SOURCE_CENTRAL)
                        saved += 1
                    if page.next_cursor != cursor:
                        cursor = page.next_cursor
                        self.save_cursor(cursor)
                    has_more = page.has_more and bool(page.items)
                    if not has_more or (should_stop is not None and should_stop()):
                        break
            except (SyncError, StorageError, OSError) as exc:
                if isinstance(exc, CentralUnavailable) and exc.status is None:
                    self._unreachable_until = time.monotonic() + self.lookup_backoff_s
                log.info("manifest pull stopped after %d page(s): %s", pages, exc)
                return PullReport(pages, saved, skipped, cursor, False, f"{exc}")
            if saved or skipped:
                log.info(
                    "manifest pull: %d stored, %d skipped, %d page(s), cursor %s",
                    saved,
                    skipped,
                    pages,
                    cursor,
                )
            return PullReport(pages, saved, skipped, cursor, has_more)

    # ------------------------------------------------------------ on demand

    def lookup(self, tracking_id: str) -> Manifest | None:
        """Ask central for one parcel's manifest and store it; None when central does
        not have it, cannot be reached (in time) or sent something unusable."""
        if time.monotonic() < self._unreachable_until:
            return None  # central was unreachable moments ago: do not stall the belt
        try:
            with self._http_lock:
                entry = self._client.manifest(tracking_id)
        except SyncError as exc:
            if isinstance(exc, CentralUnavailable) and exc.status is None:
                self._unreachable_until = time.monotonic() + self.lookup_backoff_s
            log.info("manifest lookup of %s failed: %s", tracking_id, exc)
            return None
        self._unreachable_until = 0.0
        if entry is None:
            return None
        manifest = self._parse(entry)
        if manifest is None:
            return None
        try:
            self._repository.save(manifest, source=SOURCE_CENTRAL)
        except StorageError as exc:  # still usable for this parcel
            log.warning("manifest %s looked up but not stored: %s", manifest.tracking_id, exc)
        return manifest

    # ------------------------------------------------------------ parsing

    def _parse(self, entry: ManifestEntry) -> Manifest | None:
        try:
            manifest = parse_manifest_obj(entry.manifest)
        except ManifestError as exc:
            log.warning("manifest %r from central skipped: %s", entry.tracking_id, exc)
            self._count_skipped()
            return None
        if _key(entry.tracking_id) != _key(manifest.tracking_id):
            log.warning(
                "manifest %r from central skipped: its body is for %r",
                entry.tracking_id,
                manifest.tracking_id,
            )
            self._count_skipped()
            return None
        return manifest

    def _count_skipped(self) -> None:
        with self._count_lock:
            self._skipped_total += 1


class CentralBackedManifests:
    """The pipeline's ``ManifestLookup``: the station database first, then central."""

    def __init__(self, repository: ManifestRepository, puller: ManifestPuller) -> None:
        self._repository = repository
        self._puller = puller

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        stored = self._repository.manifest_for(tracking_id)
        if stored is not None:
            return stored
        return self._puller.lookup(tracking_id)


def _key(tracking_id: str) -> str:
    return "".join(tracking_id.split()).upper()
