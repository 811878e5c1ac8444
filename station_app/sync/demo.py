"""Demo central: the reference hub in this process, and the station pointed at it.

``station-app gui --demo-central`` (what ``packaging/run.sh`` starts) shows sync
working on a machine with no network: results, images and heartbeats go to a
hub on 127.0.0.1 with its own SQLite file in the data dir. A configured
``sync.central_url`` (a real central) always wins over the demo.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from station_app.config import StationConfig
from station_app.sync.hub import HubServer

log = logging.getLogger(__name__)

DEMO_HUB_FILE = "demo-central.sqlite3"


@contextmanager
def demo_central(config: StationConfig) -> Iterator[StationConfig]:
    """``config`` sending to a hub running here for as long as the block lasts."""
    if config.sync.central_url:
        log.info("a central URL is configured (%s): no demo central", config.sync.central_url)
        yield config
        return
    token = secrets.token_urlsafe(24)  # a fresh one each run: nothing to leak or rotate
    config.data_dir.mkdir(parents=True, exist_ok=True)
    hub = HubServer(
        config.data_dir / DEMO_HUB_FILE, {token: config.station_id}, fault_injection=False
    )
    hub.start()
    log.info("demo central running at %s", hub.url)
    try:
        sync = config.sync.model_copy(update={"central_url": hub.url, "token": token})
        yield config.model_copy(update={"sync": sync})
    finally:
        hub.stop()
