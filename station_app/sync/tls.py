"""TLS of the link to central: how the station checks central, how it proves itself
(mTLS client certificate), and what to tell a person when a handshake fails.

Central is verified by default (system/certifi store, or ``sync.ca_file`` to pin a
private CA). With ``sync.client_cert_file`` the station presents its certificate.
A key that needs a pass phrase is refused with a clear error, never prompted for:
the station runs unattended.

Why a handshake failed is not always visible to a client: a TLS 1.3 server that
refuses the client's certificate (none, unknown CA, expired) checks it *after* the
client's side of the handshake is done and, with Python's asyncio server (uvicorn),
simply closes the connection. The client then sees "server disconnected without
sending a response". ``HandshakeTrace`` records (through httpx's ``trace`` request
extension) whether this request opened a new TLS connection, so that case can be
named as what it almost surely is instead of a generic network error.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import httpx

from station_app.config import SyncConfig
from station_app.errors import StationError

_TLS_DONE = "connection.start_tls.complete"
_RESPONSE_HEADERS = (
    "http11.receive_response_headers.complete",
    "http2.receive_response_headers.complete",
)
# How a connection closed by the server right after the handshake shows: a clean EOF,
# or a reset when our request was still unread there.
_CLOSED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class TLSSetupError(StationError):
    """The TLS settings cannot be used (missing file, bad PEM, key not matching)."""


def _refuse_pass_phrase() -> bytes:
    raise TLSSetupError("the key is encrypted; the station needs an unencrypted key file")


def client_tls(config: SyncConfig) -> ssl.SSLContext | bool:
    """What httpx gets as ``verify``: a bool when the defaults do, else an SSLContext
    with the pinned CA and/or this station's client certificate loaded."""
    if config.client_key_file is not None and config.client_cert_file is None:
        raise TLSSetupError("sync.client_key_file is set but sync.client_cert_file is not")
    if config.ca_file is None and config.client_cert_file is None:
        return config.verify_tls
    try:
        if config.ca_file is not None:  # a pinned CA is always checked against
            context = ssl.create_default_context(cafile=str(config.ca_file))
        else:  # the same store (certifi) and rules plain httpx would use
            context = httpx.create_ssl_context(verify=config.verify_tls)
    except OSError as exc:  # ssl.SSLError is an OSError too
        raise TLSSetupError(
            f"sync.ca_file {config.ca_file}: cannot load CA certificates: {_reason(exc)}"
        ) from exc
    cert = config.client_cert_file
    if cert is not None:
        key = config.client_key_file
        names = f"sync.client_cert_file {cert}" + (f" / sync.client_key_file {key}" if key else "")
        try:
            context.load_cert_chain(cert, key, password=_refuse_pass_phrase)
        except TLSSetupError as exc:
            raise TLSSetupError(f"{names}: {exc}") from exc
        except OSError as exc:
            raise TLSSetupError(
                f"{names}: cannot load this station's certificate and key: {_reason(exc)}"
            ) from exc
    return context


def _reason(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return f"{exc.reason} ({exc.library or 'ssl'})"
    return exc.strerror or str(exc)


class HandshakeTrace:
    """httpx ``trace`` extension callback: did this request open a new TLS connection,
    and did an answer start?"""

    def __init__(self) -> None:
        self.new_tls_connection = False
        self.answered = False

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == _TLS_DONE:
            self.new_tls_connection = True
        elif event in _RESPONSE_HEADERS:
            self.answered = True


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def explain_tls_failure(
    exc: httpx.TransportError, trace: HandshakeTrace, config: SyncConfig
) -> str | None:
    """A one-line cause and fix for a TLS failure, or None when ``exc`` is not one."""
    error = _ssl_error(exc)
    if isinstance(error, ssl.SSLCertVerificationError):
        if "mismatch" in (error.verify_message or "").lower():  # "Hostname/IP address mismatch"
            return (
                f"central's TLS certificate does not name this host ({error.verify_message}); "
                "check sync.central_url"
            )
        where = f"sync.ca_file {config.ca_file}" if config.ca_file else "the system CA store"
        return (
            f"central's TLS certificate is not trusted ({error.verify_message}): it is not "
            f"issued by a CA in {where}; check sync.ca_file"
        )
    if error is not None:
        reason = error.reason or str(error)
        if "ALERT" in reason.upper() or "CERTIFICATE" in reason.upper():
            return f"TLS handshake with central failed ({reason}); {_client_cert_hint(config)}"
        return f"TLS handshake with central failed: {reason}"
    if isinstance(exc, _CLOSED) and trace.new_tls_connection and not trace.answered:
        return (
            "central closed the connection right after the TLS handshake, before any "
            f"answer: it refused this station's client certificate; {_client_cert_hint(config)}"
        )
    return None


def _client_cert_hint(config: SyncConfig) -> str:
    if config.client_cert_file is None:
        return (
            "none is configured: set sync.client_cert_file and sync.client_key_file "
            "if central requires mTLS"
        )
    return (
        f"check that sync.client_cert_file {Path(config.client_cert_file).name} is issued by "
        "a CA central trusts, is not expired, and matches sync.client_key_file"
    )
