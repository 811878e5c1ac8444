"""Fault injection for the reference hub: real misbehaviour on the wire, for tests.

The hub can be told to fail its next N matching requests in the ways a real
central service fails: 500, 503 with Retry-After, hanging past the client's
timeout, applying a batch and then dropping the connection (the station never
hears the answer), malformed JSON, a wrong schema, a huge body. This is an ASGI
middleware in the served app, so the station's real HTTP client meets real
sockets — no mock. It is only installed when the hub is started with fault
injection on (tests, benchmarks), never by default.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FaultKind = Literal[
    "status",  # answer `status` (with Retry-After when given); the request is not handled
    "sleep",  # wait `seconds`, then handle normally (a hang past the client timeout)
    "delay_after_apply",  # handle, then wait `seconds` before answering
    "drop_after_apply",  # handle (commit), then cut the connection mid-answer
    "malformed",  # 200 with a body that is not JSON
    "wrong_schema",  # 200 with JSON of the wrong shape
    "huge",  # 200 with `size_bytes` of JSON-looking filler
    "cut_request",  # the app gets the first `size_bytes` of the body, then the link breaks
]


class Fault(BaseModel):
    kind: FaultKind
    count: int = Field(1, ge=1, le=100_000)  # the next N matching requests
    path_prefix: str = "/v1/results"  # only requests whose path starts with this
    status: int = Field(500, ge=400, le=599)
    retry_after_s: int | None = Field(None, ge=0)
    seconds: float = Field(0.0, ge=0, le=120)
    size_bytes: int = Field(8_000_000, ge=1, le=200_000_000)


class DroppedConnection(Exception):  # noqa: N818 - it is what happens, not an error kind
    """Raised after the answer started: uvicorn then closes the socket, mid-body."""


@dataclass
class _Armed:
    fault: Fault
    left: int


class FaultInjector:
    """Faults waiting for requests; shared by the test (or the /_faults endpoint) and the app."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[_Armed] = deque()
        self.fired = 0  # how many requests a fault was applied to

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._queue.append(_Armed(fault, fault.count))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(armed.left for armed in self._queue)

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for armed in self._queue:
                if path.startswith(armed.fault.path_prefix):
                    armed.left -= 1
                    if armed.left == 0:
                        self._queue.remove(armed)
                    self.fired += 1
                    return armed.fault
        return None


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _answer_huge(send: Send, size: int) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    chunk = b" " * 65536
    left = size
    while left > 0:
        part = chunk[: min(left, len(chunk))]
        left -= len(part)
        await send({"type": "http.response.body", "body": part, "more_body": left > 0})


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: FaultInjector) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fault = self.faults.take(scope["path"]) if scope["type"] == "http" else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        json_type = [(b"content-type", b"application/json")]
        match fault.kind:
            case "status":
                headers = list(json_type)
                if fault.retry_after_s is not None:
                    headers.append((b"retry-after", str(fault.retry_after_s).encode()))
                body = json.dumps({"detail": f"injected fault: {fault.status}"}).encode()
                await _answer(send, fault.status, body, headers)
            case "malformed":
                await _answer(send, 200, b'{"results": [ this is not json', json_type)
            case "wrong_schema":
                await _answer(send, 200, b'{"results": "all good", "items": 3}', json_type)
            case "huge":
                await _answer_huge(send, fault.size_bytes)
            case "cut_request":
                await self._cut_request(fault, scope, receive, send)
            case "sleep":
                await asyncio.sleep(fault.seconds)
                await self.app(scope, receive, send)
            case "delay_after_apply" | "drop_after_apply":
                await self._after_apply(fault, scope, receive, send)

    async def _cut_request(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        """A connection reset in the middle of an upload: the app sees `size_bytes` of the
        body and then the client gone; the client sees its connection cut, no answer."""
        left = fault.size_bytes
        cut = False

        async def partial_receive() -> Message:
            nonlocal left, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            body = message.get("body", b"")
            if len(body) < left or (len(body) == left and not message.get("more_body")):
                left -= len(body)
                return message
            cut = True
            return {"type": "http.request", "body": body[:left], "more_body": True}

        async def swallow(_message: Message) -> None:
            return None

        await self.app(scope, partial_receive, swallow)  # keeps what arrived (tus-like)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"100")]})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise DroppedConnection("injected fault: connection reset in the middle of the body")

    async def _after_apply(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)  # the hub commits here
        if fault.kind == "delay_after_apply":
            await asyncio.sleep(fault.seconds)
            for message in captured:
                await send(message)
            return
        # Start the real answer (its Content-Length promises the full body), send one
        # byte, then fail: uvicorn closes the socket and the client sees a cut answer.
        await send(captured[0])
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise DroppedConnection("injected fault: connection dropped after the batch was applied")
