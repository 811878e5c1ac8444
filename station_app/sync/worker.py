"""The sync worker: a thread that drains the outbox to central, batch by batch.

Everything it must remember lives in the outbox table (``state``, ``sent_at``,
``attempts``, ``last_error``; states in ``sync.outbox``), so a crash or restart
resumes where the database says; a row is
marked sent only after central answered "applied" or "duplicate" for its key.
If the answer is lost after central applied a batch, the rows are simply sent
again and central answers "duplicate" — at-least-once sending plus idempotent
applying is exactly-once in effect.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from station_app.config import StationConfig
from station_app.storage import Database, ImageStore, OutboxRecord
from station_app.storage.manifests import ManifestRepository
from station_app.sync.central_config import CentralConfigFetcher, CentralConfigReport
from station_app.sync.client import (
    CentralAuthError,
    CentralClient,
    CentralUnavailable,
    SyncError,
)
from station_app.sync.images import ImageUploader, ImageUploadReport
from station_app.sync.manifests import ManifestPuller, PullReport, manifest_state_path
from station_app.sync.outbox import SyncOutbox
from station_app.sync.schemas import HeartbeatRequest, ResultItem
from station_app.sync.updates import SignedUpdates, UpdateReport

log = logging.getLogger(__name__)

SyncState = Literal["online", "offline", "degraded"]


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; a snapshot, safe to hand to any thread."""

    state: SyncState
    enabled: bool  # False: no central_url, the station is offline by configuration
    outbox_depth: int
    parked: int  # rows central rejected (kept, retried rarely; a supervisor should look)
    oldest_unsent_age_s: float | None
    last_success_at: datetime | None
    last_error: str | None
    last_manifest_pull_at: datetime | None = None  # last pull that reached the end
    manifests_skipped: int = 0  # bad manifests from central, skipped (since start)
    # Settings from central received since start: in force when the station restarts.
    config_waiting_version: int | None = None


@dataclass(frozen=True)
class RunReport:
    """The outcome of one ``run_once``: counts of rows, and the error if the batch failed."""

    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed: int = 0  # rows left pending because the batch did not get through
    drained: bool = False  # the queue had fewer rows than a batch: nothing more to send now
    error: str | None = None
    retry_after_s: float | None = None


def backoff_delay(
    failures: int,
    base_s: float,
    max_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff with jitter; a server's Retry-After is a floor (capped at max_s).

    The jitter (a uniform draw in the upper half) keeps a fleet of stations that
    lost central at the same moment from all coming back in the same second.
    """
    ceiling = min(max_s, base_s * 2.0 ** max(0, failures - 1))
    delay = (rng or random).uniform(ceiling / 2, ceiling)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, max_s))
    return delay


class SyncWorker:
    """Sends pending outbox rows to central off the GUI thread.

    ``start()`` / ``stop()`` run it as a daemon thread; tests call ``run_once()``.
    ``status()`` is cheap and never touches the database or the network.
    """

    def __init__(
        self,
        database: Database,
        config: StationConfig,
        *,
        manifests: ManifestPuller | None = None,
        updates: SignedUpdates | None = None,
        central_config: CentralConfigFetcher | None = None,
    ) -> None:
        self.config = config.sync
        self.station_id = config.station_id
        self.outbox = SyncOutbox(database)
        self._client: CentralClient | None = None
        if manifests is None and self.config.central_url:
            # Its own client: the pipeline thread may look manifests up meanwhile.
            manifests = ManifestPuller(
                CentralClient(self.config, self.station_id),
                ManifestRepository(database),
                manifest_state_path(config),
                page_limit=self.config.manifest_page_size,
                lookup_backoff_s=self.config.manifest_lookup_backoff_s,
            )
        self.manifests = manifests
        # Image files (DICOS) go after the results, never before (station_app.sync.images).
        self.images: ImageUploader | None = None
        if self.config.central_url and self.config.upload_images:
            self.images = ImageUploader(database, ImageStore(config.image_dir), config)
        self._next_pull: float | None = None  # monotonic; None: pull at the first chance
        self.updates = updates  # signed trust list / model updates (station_app.sync.updates)
        self._next_update_check: float | None = None  # monotonic; None: at the first chance
        # The settings central manages (station_app.sync.central_config), checked as often.
        if central_config is None and self.config.central_url:
            central_config = CentralConfigFetcher(config, database)
        self.central_config = central_config
        self._next_config_check: float | None = None  # monotonic; None: at the first chance
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._last_parked_sweep = time.monotonic()
        self._last_heartbeat: float | None = None
        self._status = SyncStatus(
            state="offline",
            enabled=bool(self.config.central_url),
            outbox_depth=0,
            parked=0,
            oldest_unsent_age_s=None,
            last_success_at=None,
            last_error=None if self.config.central_url else "no central_url configured",
        )
        self._oldest: datetime | None = None

    # ------------------------------------------------------------ thread control

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Ask the thread to stop and wait; True when it ended (an HTTP call in flight
        finishes first, bounded by the client timeouts)."""
        self._stop.set()
        self._wake.set()
        stopped = self.join(timeout_s)
        if stopped:
            self.close()
        return stopped

    def join(self, timeout_s: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    def notify(self) -> None:
        """New rows were queued: cut an idle wait short (never a backoff wait)."""
        self._wake.set()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.manifests is not None:
            self.manifests.close()
        if self.images is not None:
            self.images.close()
        if self.updates is not None:
            self.updates.close()
        if self.central_config is not None:
            self.central_config.close()

    def status(self) -> SyncStatus:
        with self._lock:
            status, oldest = self._status, self._oldest
        age = None if oldest is None else max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        if status.state == "online" and status.parked:  # rows central refused need a person
            status = replace(status, state="degraded")
        return replace(status, oldest_unsent_age_s=age)

    def _run(self) -> None:
        log.info("sync worker started (central %s)", self.config.central_url or "none")
        while not self._stop.is_set():
            self._maybe_pull_manifests()
            self._maybe_check_updates()
            self._maybe_check_central_config()
            if self._stop.is_set():
                break
            report = self.run_once()
            if report.error is not None:
                self._failures += 1
                delay = backoff_delay(
                    self._failures,
                    self.config.backoff_base_s,
                    self.config.backoff_max_s,
                    report.retry_after_s,
                )
                log.info("sync: retry in %.1f s (failure %d)", delay, self._failures)
                self._stop.wait(delay)  # a new parcel must not shorten a backoff
                continue
            self._failures = 0
            if report.drained:
                self._maybe_heartbeat()
                # Images only while no results wait: a notify() pauses them between chunks.
                if not self._wake.is_set() and self.upload_images().more:
                    continue  # results first again, then the next image files
                self._wake.wait(self.config.idle_poll_s)
                self._wake.clear()
        log.info("sync worker stopped")

    # ------------------------------------------------------------ one batch

    def run_once(self) -> RunReport:
        """Send one batch and record the outcome; never raises for central or DB trouble."""
        try:
            report = self._send_batch()
        except Exception as exc:  # a bug or a DB problem must not end the thread
            log.exception("sync: unexpected error")
            report = RunReport(error=f"{type(exc).__name__}: {exc}")
            self._set_state("degraded", report.error)
        self._refresh_queue_stats()
        return report

    def _send_batch(self) -> RunReport:
        if not self.config.central_url:
            return RunReport(drained=True, error=None)  # offline by configuration: keep all
        rows = self._rows_to_send()
        if not rows:
            return RunReport(drained=True)
        if self._client is None:
            self._client = CentralClient(self.config, self.station_id)
        items = [
            ResultItem(idempotency_key=r.idempotency_key, topic=r.topic, payload=dict(r.payload))
            for r in rows
        ]
        try:
            outcomes = self._client.send_results(items)
        except SyncError as exc:
            return self._batch_failed(rows, exc)
        sent, rejected, missing = [], {}, []
        applied = duplicates = 0
        for row in rows:
            outcome = outcomes.get(row.idempotency_key)
            if outcome is None:
                missing.append(row.id)
            elif outcome.outcome == "rejected":
                rejected[row.id] = outcome.reason or "no reason given"
            else:
                sent.append(row.id)
                applied += outcome.outcome == "applied"
                duplicates += outcome.outcome == "duplicate"
        # Order matters: once central confirmed, mark sent before anything else can fail.
        self.outbox.mark_sent(sent)
        self.outbox.mark_rejected(rejected)
        self.outbox.mark_failed(missing, "central gave no outcome for this row")
        for outbox_id, reason in rejected.items():
            log.warning("sync: central rejected outbox row %d: %s", outbox_id, reason)
        error = f"{len(rejected)} row(s) rejected by central" if rejected else None
        with self._lock:
            self._status = replace(
                self._status,
                state="degraded" if rejected else "online",
                last_success_at=datetime.now(UTC),
                last_error=error or self._status.last_error,
            )
        return RunReport(
            applied=applied,
            duplicates=duplicates,
            rejected=len(rejected),
            failed=len(missing),
            drained=len(rows) < self.config.batch_size,
        )

    def _rows_to_send(self) -> list[OutboxRecord]:
        limit = self.config.batch_size
        now = time.monotonic()
        if now - self._last_parked_sweep >= self.config.rejected_retry_s:
            # Rows central refused are offered again now and then (central may have
            # been fixed); the normal queue never waits behind them.
            self._last_parked_sweep = now
            parked = self.outbox.next_batch(limit, parked=True)
            if parked:
                return parked
        return self.outbox.next_batch(limit)

    def _batch_failed(self, rows: list[OutboxRecord], exc: SyncError) -> RunReport:
        message = str(exc)
        if isinstance(exc, CentralUnavailable) and exc.status is None:
            state: SyncState = "offline"
            log.info("sync: central unreachable: %s", message)
        else:
            state = "degraded"
            level = logging.ERROR if isinstance(exc, CentralAuthError) else logging.WARNING
            log.log(level, "sync: batch of %d not sent: %s", len(rows), message)
        self.outbox.mark_failed([r.id for r in rows], message)
        self._set_state(state, message)
        retry = exc.retry_after_s if isinstance(exc, CentralUnavailable) else None
        return RunReport(failed=len(rows), error=message, retry_after_s=retry)

    # ------------------------------------------------------------ images

    def upload_images(self) -> ImageUploadReport:
        """Image files, only while no results wait: the upload pauses between chunks as
        soon as ``notify()`` says new rows were queued. Never raises."""
        if self.images is None:
            return ImageUploadReport()
        try:
            return self.images.run_once(lambda: self._wake.is_set() or self._stop.is_set())
        except Exception as exc:  # a bug or a DB problem must not end the thread
            log.exception("sync: unexpected error uploading images")
            return ImageUploadReport(error=f"{type(exc).__name__}: {exc}")

    # ------------------------------------------------------------ manifests

    def _maybe_pull_manifests(self) -> None:
        now = time.monotonic()
        if self.manifests is None or (self._next_pull is not None and now < self._next_pull):
            return
        self.pull_manifests()

    def pull_manifests(self) -> PullReport | None:
        """One manifest pull now (the loop calls it every ``manifest_pull_interval_s``);
        None when this station has no central. Never raises."""
        if self.manifests is None:
            return None
        try:
            report = self.manifests.pull(self._stop.is_set)
        except Exception as exc:  # a bug must not end the thread
            log.exception("sync: unexpected error pulling manifests")
            report = PullReport(error=f"{type(exc).__name__}: {exc}")
        # More pages waiting: go on after the next batch of results, not in a minute.
        delay = 0.0 if report.has_more else self.config.manifest_pull_interval_s
        self._next_pull = time.monotonic() + delay
        with self._lock:
            self._status = replace(
                self._status,
                manifests_skipped=self.manifests.skipped_total,
                last_manifest_pull_at=(
                    datetime.now(UTC)
                    if report.error is None and not report.has_more
                    else self._status.last_manifest_pull_at
                ),
            )
        return report

    # ------------------------------------------------------------ signed updates

    def _maybe_check_updates(self) -> None:
        now = time.monotonic()
        if self.updates is None or (
            self._next_update_check is not None and now < self._next_update_check
        ):
            return
        self.check_updates()

    def check_updates(self) -> UpdateReport | None:
        """One look for a new trust list and detector model now (the loop does it every
        ``update_check_interval_s``); None without updates. Never raises; a refused
        update is the status's ``last_error`` (the state does not change for it)."""
        if self.updates is None:
            return None
        self._next_update_check = time.monotonic() + self.config.update_check_interval_s
        report = self.updates.check()
        if report.error is not None:
            with self._lock:
                self._status = replace(self._status, last_error=report.error)
        return report

    def _maybe_check_central_config(self) -> None:
        now = time.monotonic()
        if self.central_config is None or (
            self._next_config_check is not None and now < self._next_config_check
        ):
            return
        self.check_central_config()

    def check_central_config(self) -> CentralConfigReport | None:
        """One look for new settings from central now (the loop does it every
        ``update_check_interval_s``); None without a central. Never raises; a refused
        document is the status's ``last_error``, a kept one its ``config_waiting_version``."""
        if self.central_config is None:
            return None
        self._next_config_check = time.monotonic() + self.config.update_check_interval_s
        report = self.central_config.check()
        with self._lock:
            self._status = replace(
                self._status,
                config_waiting_version=report.waiting_version,
                last_error=report.error or self._status.last_error,
            )
        return report

    def _maybe_heartbeat(self) -> None:
        now = time.monotonic()
        interval = self.config.heartbeat_interval_s
        if self._client is None or (
            self._last_heartbeat is not None and now - self._last_heartbeat < interval
        ):
            return
        self._last_heartbeat = now
        status = self.status()
        try:
            self._client.heartbeat(
                HeartbeatRequest(
                    sent_at=datetime.now(UTC),
                    software_version=_software_version(),
                    sync_state=status.state,
                    outbox_depth=status.outbox_depth,
                    oldest_unsent_age_s=status.oldest_unsent_age_s,
                )
            )
        except SyncError as exc:  # the next batch will tell the real state
            log.info("sync: heartbeat failed: %s", exc)

    # ------------------------------------------------------------ status

    def _set_state(self, state: SyncState, error: str | None) -> None:
        with self._lock:
            self._status = replace(self._status, state=state, last_error=error)

    def _refresh_queue_stats(self) -> None:
        try:
            stats = self.outbox.stats()
        except Exception:  # status figures are not worth a crash
            log.exception("sync: cannot read outbox statistics")
            return
        with self._lock:
            self._oldest = stats.oldest_created_at
            self._status = replace(self._status, outbox_depth=stats.depth, parked=stats.parked)


def _software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("station-app")
    except PackageNotFoundError:  # a PyInstaller bundle carries no package metadata
        import station_app

        return station_app.__version__
