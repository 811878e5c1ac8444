"""The hub's certificate endpoints: the verification relay and certificate uses.

``POST /v1/certificates:verify`` relays a verification-URL e-COO to its issuing
authority. Stations never talk to authorities themselves: central holds the
connections (and whatever credentials each authority requires), and it sees
every presentation, so it can say where else a certificate number was used.

The reference hub knows each authority by a base URL (``--authority ID=URL``)
and speaks one small JSON protocol to it — real authorities each have their
own API, and central adapts to each; ``demo_authority`` serves this one::

    POST {base}/verify  {"reference_number": …, "reference_code": …}
    200 {"status": "valid"|"invalid"|"revoked"|"unknown",
         "reasons": [...], "certificate": {claims JSON} | null}

An authority that cannot be reached, times out, answers 5xx or answers
something unreadable gives **502** to the station (which then shows "could not
verify now", never valid). An authority the hub has no connection to gives 404.

``GET /v1/certificates/{number}/uses`` lists the parcels, at any station, a
certificate number was presented on, from the "certificate.verified" events
the stations delivered (invalid certificates do not count: their number
cannot be trusted). The relay answer carries the same list.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import httpx
from fastapi import FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.certificates.claims_json import claims_from_json
from station_app.certificates.payload import CertificateError
from station_app.sync.hub import Station
from station_app.sync.hub_store import AppliedResultRow, HubStore
from station_app.sync.schemas import (
    TOPIC_CERTIFICATE_VERIFIED,
    CertificateUse,
    CertificateUsesResponse,
    CertificateVerifyRequest,
    CertificateVerifyResponse,
)

log = logging.getLogger(__name__)

DEFAULT_AUTHORITY_TIMEOUT_S = 4.0  # below the station's online_timeout_s (5 s by default)
MAX_AUTHORITY_ANSWER_BYTES = 256 * 1024


class AuthorityVerifyRequest(BaseModel):
    """What the hub sends an issuing authority (reference protocol)."""

    reference_number: str
    reference_code: str


class AuthorityAnswer(BaseModel):
    """What an issuing authority answers (reference protocol)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: Literal["valid", "invalid", "revoked", "unknown"]
    reasons: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list)
    certificate: dict[str, Any] | None = None


class AuthorityUnavailable(Exception):  # noqa: N818 - a state, like CentralUnavailable
    """The authority did not give a usable answer; the message says how, in one line."""


class CertificateRelay:
    """Connections to issuing authorities by registry id (``kcs`` → base URL)."""

    def __init__(
        self, upstreams: Mapping[str, str], *, timeout_s: float = DEFAULT_AUTHORITY_TIMEOUT_S
    ) -> None:
        self.upstreams = {key: url.rstrip("/") for key, url in upstreams.items()}
        # One client for all requests: httpx.Client is safe to share between the
        # threads FastAPI runs sync endpoints in.
        self._http = httpx.Client(timeout=timeout_s, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def knows(self, authority: str) -> bool:
        return authority in self.upstreams

    def ask(self, authority: str, reference_number: str, reference_code: str) -> AuthorityAnswer:
        """The authority's answer; ``AuthorityUnavailable`` when there is none to trust."""
        url = f"{self.upstreams[authority]}/verify"
        body = AuthorityVerifyRequest(
            reference_number=reference_number, reference_code=reference_code
        )
        try:
            with self._http.stream("POST", url, json=body.model_dump()) as response:
                if response.status_code != 200:
                    raise AuthorityUnavailable(f"it answered HTTP {response.status_code}")
                raw = b""
                for chunk in response.iter_bytes():
                    raw += chunk
                    if len(raw) > MAX_AUTHORITY_ANSWER_BYTES:
                        raise AuthorityUnavailable("its answer is too long")
        except httpx.TimeoutException as exc:
            raise AuthorityUnavailable("it did not answer in time") from exc
        except httpx.TransportError as exc:
            raise AuthorityUnavailable(f"it cannot be reached ({type(exc).__name__})") from exc
        try:
            answer = AuthorityAnswer.model_validate_json(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            detail = f"{where}: {first['msg']}"
            raise AuthorityUnavailable(f"its answer is unreadable ({detail})") from exc
        if answer.certificate is not None:
            try:
                claims_from_json(answer.certificate)
            except CertificateError as exc:
                raise AuthorityUnavailable(f"its certificate data is unreadable ({exc})") from exc
        return answer


def certificate_uses(
    store: HubStore, certificate_number: str, *, exclude: tuple[str, str] | None = None
) -> list[CertificateUse]:
    """Parcels the number was presented on, newest check per (station, scan), oldest first;
    ``exclude`` = (station id, scan id) of the asking parcel."""
    number = AppliedResultRow.payload["certificate_number"].as_string()
    query = (
        select(AppliedResultRow)
        .where(AppliedResultRow.topic == TOPIC_CERTIFICATE_VERIFIED, number == certificate_number)
        .order_by(AppliedResultRow.id.desc())
    )
    newest: dict[tuple[str, str], CertificateUse] = {}
    with Session(store.engine) as session:
        for row in session.scalars(query):
            payload = row.payload
            key = (row.station_id, str(payload.get("scan_id")))
            if key == exclude or key in newest or payload.get("status") == "invalid":
                continue
            try:
                newest[key] = CertificateUse.model_validate(
                    {**payload, "station_id": row.station_id}
                )
            except ValidationError:  # checked when applied; a schema change must not break this
                log.warning("certificate event %s is not a readable use", row.idempotency_key)
    return sorted(newest.values(), key=lambda use: use.checked_at)


def register_certificate_routes(app: FastAPI, store: HubStore, relay: CertificateRelay) -> None:
    @app.post("/v1/certificates:verify")
    def verify_certificate(
        body: CertificateVerifyRequest, station: Station
    ) -> CertificateVerifyResponse:
        if not relay.knows(body.authority):
            raise HTTPException(
                404, f"central has no connection to issuing authority {body.authority!r}"
            )
        try:
            answer = relay.ask(body.authority, body.reference_number, body.reference_code)
        except AuthorityUnavailable as exc:
            log.warning("issuing authority %s: %s", body.authority, exc)
            raise HTTPException(
                502, f"issuing authority {body.authority!r} gave no usable answer: {exc}"
            ) from exc
        uses: list[CertificateUse] = []
        number = (answer.certificate or {}).get("certificate_number")
        if isinstance(number, str):
            exclude = (station, body.scan_id) if body.scan_id else None
            uses = certificate_uses(store, number, exclude=exclude)
        return CertificateVerifyResponse(
            status=answer.status,
            authority=body.authority,
            reasons=answer.reasons,
            certificate=answer.certificate,
            checked_at=datetime.now(UTC),
            uses=uses,
        )

    @app.get("/v1/certificates/{certificate_number}/uses")
    def uses_of(
        certificate_number: Annotated[str, Path(min_length=1, max_length=40)],
        station: Station,
        exclude_scan: Annotated[str | None, Query(max_length=200)] = None,
    ) -> CertificateUsesResponse:
        exclude = (station, exclude_scan) if exclude_scan else None
        return CertificateUsesResponse(
            certificate_number=certificate_number,
            uses=certificate_uses(store, certificate_number, exclude=exclude),
        )
