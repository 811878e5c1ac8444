"""Offline verification of a signed e-COO barcode → ``CertificateVerdict``.

``verify`` never raises: whatever the text, the inspector gets a verdict with
one-line English reasons (``core_texts`` templates, or a decoding error's own
message; the GUI translates the templates, the log keeps the English). VALID
needs every check to pass with a trust list loaded; UNVERIFIED means nothing
is wrong but the signature could not be checked (no trust list, or a
verification-URL barcode that central must check online); INVALID means
something is definitely wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from station_app import core_texts as texts
from station_app.certificates.claims import CooClaims, parse_coo_claims
from station_app.certificates.payload import (
    DEFAULT_LIMITS,
    ECOO_PREFIX,
    CertificateError,
    CoseSign1,
    PayloadLimits,
    check_cwt_times,
    decode_payload,
    verify_signature,
)
from station_app.certificates.trust import KID_LENGTH, TrustedKey, TrustList
from station_app.certificates.url_payload import is_url_payload

log = logging.getLogger(__name__)


class VerdictStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class CertificateVerdict:
    status: VerdictStatus
    reasons: tuple[str, ...] = ()
    claims: CooClaims | None = None
    kid: bytes | None = None
    algorithm: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status is VerdictStatus.VALID


def check_signature(
    cose: CoseSign1, trust: TrustList, *, now: datetime | None = None
) -> tuple[list[str], TrustedKey | None]:
    """Find the issuer key by kid and check the signature (and, given ``now``,
    the key's validity). Returns the failure reasons and the key if found."""
    kid = cose.kid
    if kid is None:
        return [texts.NO_KID.render()], None
    if len(kid) != KID_LENGTH:
        # DGC CO25/CO26: a kid of another length can never name a trusted key.
        return [texts.KID_LENGTH.render(length=str(len(kid)), expected=str(KID_LENGTH))], None
    key = trust.key(kid)
    if key is None:
        return [texts.UNKNOWN_ISSUER_KEY.render(kid=kid.hex())], None
    try:
        verify_signature(cose, key.public_key)
    except CertificateError as exc:
        return [str(exc)], key
    reasons: list[str] = []
    if now is not None and (problem := key.validity_problem(now)):
        reasons.append(problem)
    return reasons, key


def _utc(now: datetime) -> datetime:
    # A naive datetime is taken as UTC rather than raising: verify must not fail.
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def verify(
    text: str,
    *,
    trust: TrustList | None,
    now: datetime,
    prefix: str = ECOO_PREFIX,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> CertificateVerdict:
    """Verify the text of an e-COO barcode offline. Never raises."""
    try:
        return _verify(text, trust=trust, now=_utc(now), prefix=prefix, limits=limits)
    except Exception as exc:  # the last guard: a bug must give INVALID, not a crash
        log.exception("e-COO verification failed unexpectedly")
        return CertificateVerdict(
            VerdictStatus.INVALID, (texts.INTERNAL_ERROR.render(error=type(exc).__name__),)
        )


def _verify(
    text: str, *, trust: TrustList | None, now: datetime, prefix: str, limits: PayloadLimits
) -> CertificateVerdict:
    untyped: object = text  # callers outside mypy's reach may pass bytes from a scanner
    if not isinstance(untyped, str):
        return CertificateVerdict(VerdictStatus.INVALID, (texts.PAYLOAD_NOT_TEXT.render(),))
    if is_url_payload(text):
        return CertificateVerdict(VerdictStatus.UNVERIFIED, (texts.URL_CHECKED_ONLINE.render(),))
    try:
        decoded = decode_payload(text, prefix=prefix, limits=limits)
    except CertificateError as exc:
        return CertificateVerdict(VerdictStatus.INVALID, (str(exc),))

    cose = decoded.cose
    failures: list[str] = []
    claims: CooClaims | None = None
    try:
        claims = parse_coo_claims(decoded.claims)
    except CertificateError as exc:
        failures.append(str(exc))
    failures.extend(check_cwt_times(decoded.claims, now))

    notes: list[str] = []
    if trust is None:
        notes.append(texts.NO_TRUST_LIST.render())
    else:
        signature_failures, key = check_signature(cose, trust, now=now)
        failures.extend(signature_failures)
        if key is not None and not signature_failures and claims is not None:
            if problem := key.validity_problem(claims.issued_at):
                failures.append(texts.SIGNED_OUTSIDE_KEY_VALIDITY.render(problem=problem))
            if key.country is not None and key.country != claims.issuer_country:
                failures.append(
                    texts.ISSUER_COUNTRY_MISMATCH.render(
                        issuer=claims.issuer, country=key.country
                    )
                )
        if claims is not None and trust.is_revoked(claims.certificate_number):
            failures.append(texts.REVOKED_BY_TRUST_LIST.render(number=claims.certificate_number))

    if failures:
        status = VerdictStatus.INVALID
    elif notes:
        status = VerdictStatus.UNVERIFIED
    else:
        status = VerdictStatus.VALID
    return CertificateVerdict(
        status=status,
        reasons=tuple(failures + notes),
        claims=claims,
        kid=cose.kid,
        algorithm=cose.algorithm_name,
    )
