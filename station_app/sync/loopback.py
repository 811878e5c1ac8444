"""A uvicorn server in a background thread on 127.0.0.1 (tests, benchmarks, demos).

The reference hub and the demo issuing authority both run this way; a real
deployment runs them as processes (``station-app hub``).
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Self

import uvicorn

_POLL_S = 0.02


def bind_loopback() -> socket.socket:
    """A socket on 127.0.0.1 with an ephemeral port, bound but not listening yet."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LoopbackServer:
    """Serve an ASGI ``app`` on ``sock`` (or a fresh loopback socket) in a daemon thread.

    A socket passed in is bound but not listening: its port is known before the
    server starts, and connections until then are refused, as by a service that
    is down.
    """

    def __init__(
        self,
        app: Any,
        *,
        name: str,
        sock: socket.socket | None = None,
        log_level: str = "warning",
        scheme: str = "http",
        **uvicorn_options: Any,
    ) -> None:
        self.name = name
        self.scheme = scheme
        self.sock = sock if sock is not None else bind_loopback()
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level=log_level,
            timeout_graceful_shutdown=1,
            lifespan="off",
            **uvicorn_options,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.sock]}, name=name, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 10.0) -> Self:
        self._thread.start()
        waiter = threading.Event()
        for _ in range(int(timeout_s / _POLL_S)):
            if self._server.started or not self._thread.is_alive():
                break
            waiter.wait(_POLL_S)
        if not self._server.started:
            raise RuntimeError(f"{self.name} did not start")
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
