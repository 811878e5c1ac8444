"""The reference central service (`station-app hub`): FastAPI + its own SQLite store.

It implements the implemented part of docs/api/openapi.yaml so stations can be
developed, tested and benchmarked without the real customs back end. Each
station has its own bearer token (``tokens`` maps token → station id).
"""

from __future__ import annotations

import hmac
import logging
import socket
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from station_app.sync.hub_faults import Fault, FaultInjector, FaultMiddleware
from station_app.sync.hub_store import HubStore
from station_app.sync.loopback import LoopbackServer
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
    store: HubStore,
    tokens: Mapping[str, str],
    faults: FaultInjector | None = None,
    authorities: Mapping[str, str] | None = None,
) -> FastAPI:
    """The hub's ASGI app; ``faults`` set turns on fault injection (tests only);
    ``authorities``: issuing authority id → base URL for the certificate relay."""
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

    # Signed model and trust-list updates, served from files beside the hub database.
    # Imported here: hub_updates needs this module's ``station_for``.
    from station_app.sync.hub_updates import HubUpdates, add_update_routes

    add_update_routes(app, HubUpdates.of_store(store))

    # The e-COO verification relay (docs/certificates.md); also needs ``station_for``.
    from station_app.sync.hub_certificates import CertificateRelay, register_certificate_routes

    register_certificate_routes(app, store, CertificateRelay(authorities or {}))

    # Resumable DICOS image uploads; files in a directory beside the hub database.
    from station_app.sync.hub_image_store import HubImageStore
    from station_app.sync.hub_images import add_image_routes

    add_image_routes(app, HubImageStore.beside(store.engine), station_for)

    # The settings central manages per station (docs/central-config.md).
    from station_app.sync.hub_config import add_config_routes

    add_config_routes(app, store, station_for)

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
    ssl_client_ca: Path | None = None,
    log_level: str = "info",
    authorities: Mapping[str, str] | None = None,
) -> None:
    """Serve the hub until interrupted (blocks; Ctrl-C / SIGTERM stop it cleanly).

    ``ssl_client_ca`` set: every connection must present a client certificate issued
    by that CA (mTLS), or the TLS handshake fails before any HTTP is read.
    """
    store = HubStore(db_path)
    faults = FaultInjector() if fault_injection else None
    if faults is not None:
        log.warning("hub fault injection is ON: POST /_faults can break answers on purpose")
    try:
        uvicorn.run(
            create_app(store, tokens, faults, authorities),
            host=host,
            port=port,
            log_level=log_level,
            timeout_graceful_shutdown=5,
            **tls_options(ssl_certfile, ssl_keyfile, ssl_client_ca),
        )
    finally:
        store.close()


def tls_options(
    certfile: Path | None, keyfile: Path | None, client_ca: Path | None
) -> dict[str, Any]:
    """uvicorn's TLS settings: server certificate, and client certificates required
    (issued by ``client_ca``) when that is given. Plain HTTP when ``certfile`` is None."""
    if certfile is None:
        if keyfile is not None or client_ca is not None:
            raise ValueError("a TLS key or client CA needs the hub's TLS certificate too")
        return {}
    for what, path in (("certificate", certfile), ("key", keyfile), ("client CA", client_ca)):
        if path is not None and not path.is_file():
            raise FileNotFoundError(f"hub TLS {what} {path} does not exist")
    options: dict[str, Any] = {
        "ssl_certfile": str(certfile),
        "ssl_keyfile": str(keyfile) if keyfile else None,
    }
    if client_ca is not None:
        options.update(ssl_ca_certs=str(client_ca), ssl_cert_reqs=ssl.CERT_REQUIRED)
    return options


class HubServer(LoopbackServer):
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
        authorities: Mapping[str, str] | None = None,
        ssl_certfile: Path | None = None,
        ssl_keyfile: Path | None = None,
        ssl_client_ca: Path | None = None,
    ) -> None:
        tls = tls_options(ssl_certfile, ssl_keyfile, ssl_client_ca)
        self.store = HubStore(db_path)
        self.faults = FaultInjector()
        app = create_app(
            self.store, tokens, self.faults if fault_injection else None, authorities
        )
        super().__init__(
            app,
            name="hub",
            sock=sock,
            log_level=log_level,
            scheme="https" if tls else "http",
            **tls,
        )

    def stop(self, timeout_s: float = 10.0) -> None:
        super().stop(timeout_s)
        self.store.close()
