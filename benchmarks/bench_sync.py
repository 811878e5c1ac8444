"""Sync benchmark: ``n`` queued results drained to the reference hub over loopback.

The station side is real (SQLite outbox, ``SyncWorker`` with its httpx client),
and so is the hub (uvicorn + FastAPI + its own SQLite file, in a thread of this
process — both ends share the 2 cores, so the figure is pessimistic). The issue's
target: 10,000 results in at most 60 s. ``run()`` works in a temporary directory.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from station_app.config import StationConfig, SyncConfig
from station_app.storage import Database, open_database
from station_app.storage.models import OutboxRow
from station_app.sync.hub import HubServer
from station_app.sync.worker import SyncWorker

STATION = "BENCH-01"
TOKEN = "bench-token"
MAX_ROUNDS_PER_ROW = 2  # a bound on run_once calls, far above what a clean run needs


def _queue(database: Database, n: int) -> None:
    """n "scan.processed" rows shaped as ScanRepository writes them (bulk, not timed)."""
    now = datetime.now(UTC)
    with database.write_session() as session:
        session.add_all(
            OutboxRow(
                topic="scan.processed",
                aggregate_id=f"S-{i:07d}",
                payload={
                    "station_id": STATION,
                    "scan_id": f"S-{i:07d}",
                    "tracking_id": "EE123456785KR",
                    "triage": {"level": "green", "reasons": [], "risk_score": 0.1},
                    "alarm_kinds": [],
                    "image_sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                },
                idempotency_key=f"{STATION}/scan.processed/S-{i:07d}",
                created_at=now,
                attempts=0,
            )
            for i in range(n)
        )


def run(n: int = 10000, batch_size: int = 200) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        database = open_database(f"sqlite:///{root / 'station.sqlite3'}")
        _queue(database, n)
        hub = HubServer(root / "hub.sqlite3", {TOKEN: STATION}, fault_injection=False).start()
        config = StationConfig(
            station_id=STATION,
            data_dir=root,
            sync=SyncConfig(central_url=hub.url, token=TOKEN, batch_size=batch_size),
        )
        worker = SyncWorker(database, config)
        try:
            started = time.perf_counter()
            errors = 0
            for _ in range(MAX_ROUNDS_PER_ROW * n // batch_size + 10):
                report = worker.run_once()
                errors += report.error is not None
                if report.drained and report.error is None:
                    break
            seconds = time.perf_counter() - started
            applied = hub.store.count_applied()
        finally:
            worker.close()
            hub.stop()
            database.close()
    return {
        "n": float(n),
        "batch_size": float(batch_size),
        "seconds": seconds,
        "rows_per_s": applied / seconds if seconds > 0 else 0.0,
        "applied": float(applied),
        "errors": float(errors),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.3f}")
