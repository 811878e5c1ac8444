"""A station process that only runs the sync worker (test_sync_kill kills it with SIGKILL).

Usage: python station_child.py DB_URL CENTRAL_URL TOKEN BATCH_SIZE
Runs until killed, or at most 60 s (a bound, in case the test dies first).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from station_app.config import StationConfig, SyncConfig
from station_app.storage import open_database
from station_app.sync.worker import SyncWorker


def main(argv: list[str]) -> int:
    db_url, central_url, token, batch_size = argv[1], argv[2], argv[3], int(argv[4])
    database = open_database(db_url)
    config = StationConfig(
        station_id="STATION-01",
        data_dir=Path(tempfile.gettempdir()),
        sync=SyncConfig(
            central_url=central_url,
            token=token,
            batch_size=batch_size,
            backoff_base_s=0.05,
            backoff_max_s=0.5,
            idle_poll_s=0.1,
        ),
    )
    worker = SyncWorker(database, config)
    worker.start()
    print("started", flush=True)
    time.sleep(60)
    worker.stop(5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
