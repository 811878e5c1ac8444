"""HTTP client for central: one long-lived httpx.Client, every answer parsed at the edge.

Failures come out as three kinds, because the worker reacts differently:
``CentralUnavailable`` (network, timeout, 5xx, 429: retry later, honouring
Retry-After), ``CentralAuthError`` (401/403: a person must fix the token) and
``CentralProtocolError`` (an answer we cannot trust: malformed, wrong schema,
too big). None of them marks a row as sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from station_app.config import SyncConfig
from station_app.errors import StationError
from station_app.sync.image_schemas import (
    CHUNK_CONTENT_TYPE,
    OFFSET_HEADER,
    ImageUpload,
    ImageUploadRequest,
)
from station_app.sync.schemas import (
    CertificateUsesResponse,
    CertificateVerifyRequest,
    CertificateVerifyResponse,
    HealthResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    ItemResult,
    ManifestEntry,
    ManifestPage,
    ResultItem,
    ResultsBatchRequest,
    ResultsBatchResponse,
)
from station_app.sync.tls import HandshakeTrace, TLSSetupError, client_tls, explain_tls_failure

M = TypeVar("M", bound=BaseModel)
_DETAIL_BYTES = 4096
_RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


class SyncError(StationError):
    """Talking to central failed; the message is one line naming what went wrong."""


class CentralUnavailable(SyncError):  # noqa: N818 - reads as a state, like TimeoutError
    """Try again later. ``status`` is None when central could not be reached at all."""

    def __init__(
        self, message: str, retry_after_s: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.status = status


class CentralAuthError(SyncError):
    pass


class CentralProtocolError(SyncError):
    pass


class CentralTLSError(CentralAuthError):
    """The TLS handshake failed: central's certificate is not trusted, or central refused
    this station's client certificate. A person must fix certificates or settings."""


class CentralConflict(CentralProtocolError):  # noqa: N818 - named like its siblings
    """409: the request does not fit central's state (an upload's offset moved, another
    file is stored under the same name)."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class CentralClient:
    """The station's side of docs/api/openapi.yaml. Not thread-safe: one per worker thread."""

    def __init__(self, config: SyncConfig, station_id: str) -> None:
        if not config.central_url:
            raise SyncError("no central_url configured: this station runs offline")
        self.station_id = station_id
        self.max_response_bytes = config.max_response_bytes
        self._config = config
        try:
            tls = client_tls(config)
        except TLSSetupError as exc:
            raise SyncError(str(exc)) from exc
        headers = {"User-Agent": f"station-app/{station_id}", "Accept": "application/json"}
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        self._http = httpx.Client(
            base_url=config.central_url.rstrip("/"),
            headers=headers,
            verify=tls,
            timeout=httpx.Timeout(
                connect=config.connect_timeout_s,
                read=config.read_timeout_s,
                write=config.read_timeout_s,
                pool=config.connect_timeout_s,
            ),
            # One connection is enough (one worker thread) and is kept alive between batches.
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False,  # a redirect would resend the token somewhere else
        )

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------ endpoints

    def health(self) -> HealthResponse:
        return self._call("GET", "/v1/health", HealthResponse)

    def heartbeat(self, report: HeartbeatRequest) -> HeartbeatResponse:
        path = f"/v1/stations/{quote(self.station_id, safe='')}/heartbeat"
        return self._call("POST", path, HeartbeatResponse, json=report.model_dump(mode="json"))

    def send_results(self, items: list[ResultItem]) -> dict[str, ItemResult]:
        """Outcomes by idempotency key; keys central did not answer for are missing."""
        body = ResultsBatchRequest(items=items).model_dump(mode="json")
        answer = self._call("POST", "/v1/results:batch", ResultsBatchResponse, json=body)
        sent = {item.idempotency_key for item in items}
        stray = [r.idempotency_key for r in answer.results if r.idempotency_key not in sent]
        if stray:
            # An answer about rows we did not send means we cannot trust any of it.
            raise CentralProtocolError(
                f"central answered for {len(stray)} key(s) that were not sent, e.g. {stray[0]!r}"
            )
        return {r.idempotency_key: r for r in answer.results}

    def manifests_since(self, cursor: str = "0", limit: int = 200) -> ManifestPage:
        params = {"since": cursor, "limit": str(limit)}
        return self._call("GET", "/v1/manifests", ManifestPage, params=params)

    def manifest(self, tracking_id: str) -> ManifestEntry | None:
        path = f"/v1/manifests/{quote(tracking_id, safe='')}"
        try:
            return self._call("GET", path, ManifestEntry)
        except _NotFoundError:
            return None

    def verify_certificate(
        self, request: CertificateVerifyRequest
    ) -> CertificateVerifyResponse | None:
        """The issuing authority's answer through central's relay; None when central has
        no connection to that authority (404). An authority that did not answer comes
        back from central as 502: ``CentralUnavailable``."""
        body = request.model_dump(mode="json")
        try:
            return self._call(
                "POST", "/v1/certificates:verify", CertificateVerifyResponse, json=body
            )
        except _NotFoundError:
            return None

    def certificate_uses(
        self, certificate_number: str, *, exclude_scan: str | None = None
    ) -> CertificateUsesResponse:
        """Parcels, at any station, a certificate number was presented on."""
        path = f"/v1/certificates/{quote(certificate_number, safe='')}/uses"
        params = {"exclude_scan": exclude_scan} if exclude_scan else None
        return self._call("GET", path, CertificateUsesResponse, params=params)

    def fetch(
        self,
        path: str,
        *,
        max_bytes: int,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        into: BinaryIO | None = None,
    ) -> Fetched:
        """A GET whose answer is not JSON (signed documents, model files), at most
        ``max_bytes`` long; streamed into ``into`` when given (``body`` is then empty).

        200, 204, 304 and 404 come back as a ``Fetched``; any other status, a cut
        answer or a longer one raises like the JSON endpoints do.
        """
        what = f"GET {path}"
        try:
            with self._http.stream("GET", path, params=params, headers=headers) as response:
                if response.status_code in (204, 304, 404):
                    return Fetched(response.status_code, dict(response.headers), b"", 0)
                self._check_status(what, response)
                body, size = self._stream_limited(what, response, max_bytes, into)
                return Fetched(response.status_code, dict(response.headers), body, size)
        except httpx.TimeoutException as exc:
            raise CentralUnavailable(f"{what}: central did not answer in time ({exc!r})") from exc
        except httpx.TransportError as exc:  # refused, reset, TLS, cut answer
            raise CentralUnavailable(f"{what}: {type(exc).__name__}: {exc}") from exc

    def _stream_limited(
        self, what: str, response: httpx.Response, max_bytes: int, into: BinaryIO | None
    ) -> tuple[bytes, int]:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise CentralProtocolError(
                f"{what}: answer of {int(declared)} bytes refused (limit {max_bytes})"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(1 << 16):
            size += len(chunk)
            if size > max_bytes:  # no or a lying Content-Length
                raise CentralProtocolError(f"{what}: answer longer than {max_bytes} bytes refused")
            if into is None:
                chunks.append(chunk)
            else:
                into.write(chunk)
        return b"".join(chunks), size

    def start_image_upload(self, request: ImageUploadRequest) -> ImageUpload:
        """Create, or find again, the upload of one image file (``sync.images``): an open
        upload at central's offset, or complete (``duplicate``: central had the file).
        ``CentralConflict``: central holds another file under this scan and kind."""
        body = request.model_dump(mode="json")
        return self._call("POST", "/v1/images/uploads", ImageUpload, json=body)

    def append_image_chunk(self, upload_id: str, offset: int, chunk: bytes) -> ImageUpload:
        """Send ``chunk`` at ``offset``. ``CentralConflict``: central's offset is another
        one or the upload is gone; start the upload again to learn where it stands."""
        path = f"/v1/images/uploads/{quote(upload_id, safe='')}"
        headers = {OFFSET_HEADER: str(offset), "Content-Type": CHUNK_CONTENT_TYPE}
        try:
            return self._call("PATCH", path, ImageUpload, content=chunk, headers=headers)
        except _NotFoundError as exc:
            raise CentralConflict(f"PATCH {path}: the upload is no longer open") from exc

    # ------------------------------------------------------------ plumbing

    def _call(self, method: str, path: str, model: type[M], **kwargs: Any) -> M:
        what = f"{method} {path}"
        trace = HandshakeTrace()
        try:
            with self._http.stream(
                method, path, extensions={"trace": trace}, **kwargs
            ) as response:
                self._check_status(what, response)
                body = self._read_limited(what, response)
        except httpx.TimeoutException as exc:
            raise CentralUnavailable(f"{what}: central did not answer in time ({exc!r})") from exc
        except httpx.TransportError as exc:  # refused, reset, TLS, cut answer
            tls_failure = explain_tls_failure(exc, trace, self._config)
            if tls_failure is not None:
                raise CentralTLSError(f"{what}: {tls_failure}") from exc
            raise CentralUnavailable(f"{what}: {type(exc).__name__}: {exc}") from exc
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            kind = "malformed JSON" if first["type"] == "json_invalid" else "unexpected answer"
            raise CentralProtocolError(
                f"{what}: {kind} from central: {where}: {first['msg']}"
            ) from exc

    def _check_status(self, what: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300:
            return
        detail = _short_detail(response)
        if status in (401, 403):
            raise CentralAuthError(
                f"{what}: central refused this station's token ({status}: {detail}); "
                "check sync.token"
            )
        if status == 404:
            raise _NotFoundError(f"{what}: not found")
        if status in _RETRYABLE_STATUS:
            retry = parse_retry_after(response.headers.get("retry-after"))
            raise CentralUnavailable(f"{what}: central answered {status}: {detail}", retry, status)
        if status == 409:
            raise CentralConflict(f"{what}: central answered 409: {detail}")
        raise CentralProtocolError(f"{what}: central answered {status}: {detail}")

    def _read_limited(self, what: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise CentralProtocolError(
                f"{what}: answer of {int(declared)} bytes refused (limit {self.max_response_bytes})"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_response_bytes:  # no or a lying Content-Length
                raise CentralProtocolError(
                    f"{what}: answer longer than {self.max_response_bytes} bytes refused"
                )
            chunks.append(chunk)
        return b"".join(chunks)


class _NotFoundError(SyncError):
    pass


@dataclass(frozen=True)
class Fetched:
    """The answer of ``CentralClient.fetch``."""

    status: int  # 200, 204, 304 or 404
    headers: dict[str, str]  # lower-case names
    body: bytes  # empty when streamed into a file, and for 204/304/404
    size: int  # bytes received


def _short_detail(response: httpx.Response) -> str:
    """The server's ``detail`` (or the start of its body) for an error message, never huge."""
    raw = b""
    try:
        for chunk in response.iter_bytes():
            raw += chunk
            if len(raw) > _DETAIL_BYTES:  # an error page is not worth reading further
                break
    except httpx.HTTPError:
        return "no details"
    try:
        detail = json.loads(raw)["detail"]
    except (ValueError, KeyError, TypeError):
        text = raw[:300].decode("utf-8", "replace")
        return " ".join(text.split()) or "no details"
    return str(detail)[:300]
