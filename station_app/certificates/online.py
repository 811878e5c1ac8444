"""Online verification of verification-URL certificates through central's relay.

The station asks central (``POST /v1/certificates:verify``); central asks the
issuing authority. Every way this can fail ends in an explicit state, never in
VALID:

- central unreachable, too slow (``online_timeout_s``), answering 5xx, or the
  authority not answering (central says 502) → ``could_not_verify_now``;
- an answer that cannot be read (not JSON, wrong shape, unreadable claims) or a
  refused token → ``could_not_verify_now`` with the reason (a person may need
  to look at the link, but the certificate is not to blame);
- central has no connection to that authority, or the station has no central
  at all → ``unverified`` (it cannot be checked here, now or later).

``OnlineVerifier`` is not thread-safe: the station calls it from its one
certificate worker thread, which owns the HTTP client (built on first use).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from station_app import core_texts as texts
from station_app.certificates.claims import CooClaims
from station_app.certificates.claims_json import claims_from_json
from station_app.certificates.payload import CertificateError
from station_app.certificates.records import CertificateStatus, CertificateUse, VerdictSource
from station_app.certificates.url_payload import UrlPayload

if TYPE_CHECKING:
    from station_app.config import StationConfig
    from station_app.sync.schemas import (
        CertificateUse as CertificateUseWire,
    )
    from station_app.sync.schemas import (
        CertificateUsesResponse,
        CertificateVerifyRequest,
        CertificateVerifyResponse,
    )

log = logging.getLogger(__name__)

_STATUS_OF_ANSWER = {
    "valid": CertificateStatus.VALID,
    "invalid": CertificateStatus.INVALID,
    "revoked": CertificateStatus.REVOKED,
    "unknown": CertificateStatus.INVALID,  # the issuer does not know it: not genuine
}


class RelayClient(Protocol):
    """``sync.client.CentralClient``'s certificate methods."""

    def verify_certificate(
        self, request: CertificateVerifyRequest
    ) -> CertificateVerifyResponse | None: ...

    def certificate_uses(
        self, certificate_number: str, *, exclude_scan: str | None = None
    ) -> CertificateUsesResponse: ...

    def close(self) -> None: ...


RelayFactory = Callable[[], RelayClient]


@dataclass(frozen=True)
class OnlineAnswer:
    status: CertificateStatus
    reasons: tuple[str, ...]
    source: VerdictSource
    checked_at: datetime
    claims: CooClaims | None = None
    uses: tuple[CertificateUse, ...] = ()  # other parcels, at any station (from central)


def _use(wire: CertificateUseWire) -> CertificateUse:
    return CertificateUse(
        station_id=wire.station_id,
        scan_id=wire.scan_id,
        tracking_id=wire.tracking_id,
        importer=wire.importer,
        consumed=dict(wire.consumed),
        checked_at=wire.checked_at,
    )


def _problem(exc: Exception) -> str:
    """A one-line reason for a failed relay call (imported lazily: the sync client)."""
    from station_app.sync.client import (
        CentralAuthError,
        CentralProtocolError,
        CentralUnavailable,
    )

    if isinstance(exc, CentralUnavailable) and exc.status == 502:
        return texts.AUTHORITY_DID_NOT_ANSWER.render(error=str(exc))
    if isinstance(exc, CentralUnavailable):
        return texts.CENTRAL_UNREACHABLE.render(error=str(exc))
    if isinstance(exc, CentralAuthError):
        return texts.CENTRAL_REFUSED.render(error=str(exc))
    if isinstance(exc, CentralProtocolError):
        return texts.CENTRAL_ANSWER_UNREADABLE.render(error=str(exc))
    return texts.ONLINE_FAILED_UNEXPECTEDLY.render(error_type=type(exc).__name__, error=str(exc))


class OnlineVerifier:
    """Asks central about verification URLs and certificate uses."""

    def __init__(self, relay_factory: RelayFactory | None) -> None:
        self._factory = relay_factory
        self._client: RelayClient | None = None

    @property
    def connected(self) -> bool:
        """Whether this station has a central to ask at all."""
        return self._factory is not None

    def _relay(self) -> RelayClient | None:
        if self._client is None and self._factory is not None:
            self._client = self._factory()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def verify_url(
        self, payload: UrlPayload, *, scan_id: str | None, tracking_id: str | None
    ) -> OnlineAnswer:
        """The authority's verdict through central; never raises."""
        from station_app.sync.schemas import CertificateVerifyRequest

        now = datetime.now(UTC)
        authority = payload.authority
        relay = self._relay()
        if relay is None:
            return OnlineAnswer(
                CertificateStatus.UNVERIFIED,
                (texts.NO_CENTRAL_SERVICE.render(authority=authority.name),),
                VerdictSource.ONLINE,
                now,
            )
        request = CertificateVerifyRequest(
            authority=authority.id,
            reference_number=payload.reference_number,
            reference_code=payload.reference_code,
            scan_id=scan_id,
            tracking_id=tracking_id,
        )
        try:
            answer = relay.verify_certificate(request)
        except Exception as exc:  # every failure is "not now", never valid
            log.warning("online verification with %s failed: %s", authority.id, exc)
            return OnlineAnswer(
                CertificateStatus.COULD_NOT_VERIFY_NOW,
                (texts.COULD_NOT_VERIFY_NOW.render(problem=_problem(exc)),),
                VerdictSource.ONLINE,
                now,
            )
        if answer is None:
            return OnlineAnswer(
                CertificateStatus.UNVERIFIED,
                (texts.CENTRAL_NOT_CONNECTED.render(authority=authority.name),),
                VerdictSource.ONLINE,
                now,
            )
        if answer.authority != authority.id:
            return OnlineAnswer(
                CertificateStatus.COULD_NOT_VERIFY_NOW,
                (
                    texts.COULD_NOT_VERIFY_NOW.render(
                        problem=texts.CENTRAL_ANSWERED_OTHER_AUTHORITY.render(
                            answered=repr(answer.authority), asked=repr(authority.id)
                        )
                    ),
                ),
                VerdictSource.ONLINE,
                now,
            )
        return self._read_answer(answer, authority.name)

    def _read_answer(self, answer: CertificateVerifyResponse, name: str) -> OnlineAnswer:
        checked_at = answer.checked_at
        if checked_at.tzinfo is None:
            checked_at = checked_at.replace(tzinfo=UTC)
        claims: CooClaims | None = None
        if answer.certificate is not None:
            try:
                claims = claims_from_json(answer.certificate)
            except CertificateError as exc:
                return OnlineAnswer(
                    CertificateStatus.COULD_NOT_VERIFY_NOW,
                    (
                        texts.COULD_NOT_VERIFY_NOW.render(
                            problem=texts.CENTRAL_DATA_UNREADABLE.render(error=str(exc))
                        ),
                    ),
                    VerdictSource.ONLINE,
                    checked_at,
                )
        status = _STATUS_OF_ANSWER[answer.status]
        # The authority's own words, as it gave them (not a core text: never translated).
        reasons = [f"{name}: {reason}" for reason in answer.reasons]
        if answer.status == "unknown":
            reasons.insert(0, texts.AUTHORITY_DOES_NOT_KNOW.render(authority=name))
        elif status is CertificateStatus.REVOKED:
            reasons.insert(0, texts.AUTHORITY_REVOKED.render(authority=name))
        elif status is CertificateStatus.INVALID and not reasons:
            reasons.append(texts.AUTHORITY_SAYS_INVALID.render(authority=name))
        if status is CertificateStatus.VALID and claims is None:
            reasons.append(texts.AUTHORITY_DISCLOSED_NOTHING.render(authority=name))
        return OnlineAnswer(
            status,
            tuple(reasons),
            VerdictSource.ONLINE,
            checked_at,
            claims=claims,
            uses=tuple(_use(use) for use in answer.uses),
        )

    def uses(
        self, certificate_number: str, *, exclude_scan: str | None
    ) -> tuple[tuple[CertificateUse, ...], str | None]:
        """Uses central knows of, and a one-line problem when it could not be asked."""
        relay = self._relay()
        if relay is None:
            return (), None
        try:
            answer = relay.certificate_uses(certificate_number, exclude_scan=exclude_scan)
        except Exception as exc:
            return (), texts.USES_NOT_ASKED.render(problem=_problem(exc))
        return tuple(_use(use) for use in answer.uses), None


def central_relay_factory(config: StationConfig) -> RelayFactory | None:
    """A factory of central clients bounded by ``certificates.online_timeout_s`` per
    phase (connect, read); None for a station without central."""
    if not config.sync.central_url:
        return None
    timeout = config.certificates.online_timeout_s
    sync = config.sync.model_copy(
        update={
            "connect_timeout_s": min(config.sync.connect_timeout_s, timeout),
            "read_timeout_s": min(config.sync.read_timeout_s, timeout),
        }
    )
    station_id = config.station_id

    def make() -> RelayClient:
        from station_app.sync.client import CentralClient

        return CentralClient(sync, station_id)

    return make
