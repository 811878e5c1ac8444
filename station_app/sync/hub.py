"""The reference central service (`station-app hub`): FastAPI + its own SQLite store.

It implements the implemented part of docs/api/openapi.yaml so stations can be
developed, tested and benchmarked without the real customs back end. Each
station has its own bearer token (``tokens`` maps token → station id).
"""

from __future__ import annotations

import hmac
import logging
import socket
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from station_app.sync.hub_faults import Fault, FaultInjector, FaultMiddleware
from station_app.sync.hub_store import HubStore
from station_app.sync.schemas import (
    HealthResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    ManifestEntry,
    ManifestPage,
    ResultsBatchRequest,
    ResultsBatchResponse,
)

log = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def station_for(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The station a request's bearer token belongs to; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "missing bearer token", headers=_UNAUTHORIZED)
    offered = credentials.credentials.encode()
    known: dict[str, str] = request.app.state.tokens
    # Compare against every token in constant time: no timing hint which one is close.
    station = None
    for token, station_id in known.items():
        if hmac.compare_digest(token.encode(), offered):
            station = station_id
    if station is None:
        raise HTTPException(401, "invalid bearer token", headers=_UNAUTHORIZED)
    return station


# Module level: FastAPI resolves these (string) annotations in the module's globals.
Station = Annotated[str, Depends(station_for)]


def create_app(
    store: HubStore, tokens: Mapping[str, str], faults: FaultInjector | None = None
) -> FastAPI:
    """The hub's ASGI app; ``faults`` set turns on fault injection (tests only)."""
    if not tokens:
        raise ValueError("the hub needs at least one station token")
    app = FastAPI(title="station_app reference central service", version="1")
    app.state.tokens = dict(tokens)

    @app.get("/v1/health")
    def health() -> HealthResponse:
        return HealthResponse(status="ok", server_time=datetime.now(UTC))

    @app.post("/v1/stations/{station_id}/heartbeat")
    def heartbeat(station_id: str, body: HeartbeatRequest, station: Station) -> HeartbeatResponse:
        if station_id != station:
            raise HTTPException(403, f"token is for station {station!r}, not {station_id!r}")
        received = store.record_heartbeat(station, body.model_dump(mode="json"))
        return HeartbeatResponse(server_time=received)

    @app.post("/v1/results:batch")
    def results_batch(body: ResultsBatchRequest, station: Station) -> ResultsBatchResponse:
        return ResultsBatchResponse(results=store.apply_batch(station, body.items))

    @app.get("/v1/manifests")
    def manifests(
        _station: Station,
        since: Annotated[str, Query(max_length=40)] = "0",
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> ManifestPage:
        if not since.isdigit():
            raise HTTPException(400, f"invalid cursor {since!r}")
        items, cursor, has_more = store.manifests_since(int(since), limit)
        return ManifestPage(items=items, next_cursor=str(cursor), has_more=has_more)

    @app.get("/v1/manifests/{tracking_id}")
    def manifest(tracking_id: str, _station: Station) -> ManifestEntry:
        entry = store.manifest(tracking_id)
        if entry is None:
            raise HTTPException(404, f"no manifest for {tracking_id!r}")
        return entry

    if faults is not None:
        _add_fault_endpoints(app, faults)
        app.add_middleware(FaultMiddleware, faults=faults)
    return app


def _add_fault_endpoints(app: FastAPI, faults: FaultInjector) -> None:
    # Lets a test drive a hub running in another process; not in the public API.
    @app.post("/_faults", include_in_schema=False)
    def add_fault(fault: Fault) -> dict[str, int]:
        faults.inject(fault)
        return {"pending": faults.pending()}

    @app.delete("/_faults", include_in_schema=False)
    def clear_faults() -> dict[str, int]:
        faults.clear()
        return {"pending": 0}


def run_hub(
    host: str,
    port: int,
    db_path: Path,
    tokens: Mapping[str, str],
    *,
    fault_injection: bool = False,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
    log_level: str = "info",
) -> None:
    """Serve the hub until interrupted (blocks; Ctrl-C / SIGTERM stop it cleanly)."""
    store = HubStore(db_path)
    faults = FaultInjector() if fault_injection else None
    if faults is not None:
        log.warning("hub fault injection is ON: POST /_faults can break answers on purpose")
    try:
        uvicorn.run(
            create_app(store, tokens, faults),
            host=host,
            port=port,
            log_level=log_level,
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
            timeout_graceful_shutdown=5,
        )
    finally:
        store.close()


class HubServer:
    """A real uvicorn hub in a background thread (tests, benchmarks), on loopback.

    Pass ``sock`` — a socket already bound, not yet listening — to know the port
    before the hub starts: connections until then are refused, as by a central
    service that is down.
    """

    def __init__(
        self,
        db_path: Path,
        tokens: Mapping[str, str],
        *,
        sock: socket.socket | None = None,
        fault_injection: bool = True,
        log_level: str = "warning",
    ) -> None:
        self.store = HubStore(db_path)
        self.faults = FaultInjector()
        app = create_app(self.store, tokens, self.faults if fault_injection else None)
        self.sock = sock if sock is not None else bind_loopback()
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level=log_level, timeout_graceful_shutdown=1, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.sock]}, name="hub", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 10.0) -> HubServer:
        self._thread.start()
        stop_at = threading.Event()
        for _ in range(int(timeout_s / 0.02)):
            if self._server.started or not self._thread.is_alive():
                break
            stop_at.wait(0.02)
        if not self._server.started:
            raise RuntimeError("hub did not start")
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.sock.close()
        self.store.close()

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()


def bind_loopback() -> socket.socket:
    """A socket on 127.0.0.1 with an ephemeral port, bound but not listening yet."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock
