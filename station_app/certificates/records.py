"""What one check of one certificate on one parcel produced: ``CertificateCheck``.

The offline verdict (``verify.CertificateVerdict``) says whether a signed
payload is authentic. A check adds what the station learnt around it: the
kind (signed / verification URL), the status in five words the inspector and
central both use, where the verdict came from (offline, online relay, or the
cache of an earlier online answer), the cross-check mismatches against the
parcel's manifest, the parcel's triage raised by them, and the stored row id.

Statuses:

- ``valid``: every check passed (signature or the issuing authority).
- ``invalid``: something is definitely wrong (forged, expired, unknown to the authority…).
- ``revoked``: authentic, but the issuer withdrew it.
- ``unverified``: nothing wrong found, but it cannot be checked here at all
  (no trust list; a verification URL on a station without central).
- ``could_not_verify_now``: central or the authority did not answer; try again
  later. Never shown or counted as valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from station_app.certificates.claims import CooClaims
from station_app.domain import TriageResult

Severity = Literal["amber", "red"]


class CertificateKind(StrEnum):
    SIGNED = "signed"  # COO1: base45/zlib/COSE_Sign1, verified offline
    URL = "url"  # verification URL of an issuing authority, verified through central


class CertificateStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    REVOKED = "revoked"
    UNVERIFIED = "unverified"
    COULD_NOT_VERIFY_NOW = "could_not_verify_now"


class VerdictSource(StrEnum):
    OFFLINE = "offline"  # the station's own signature check
    ONLINE = "online"  # the issuing authority, through central, just now
    CACHE = "cache"  # an earlier online answer, younger than online_cache_hours


class MismatchKind(StrEnum):
    EXPORTER = "exporter_mismatch"
    IMPORTER = "importer_mismatch"
    ORIGIN = "origin_mismatch"
    HS_NOT_DECLARED = "hs_not_declared"
    HS_UNCHECKABLE = "hs_uncheckable"
    QUANTITY = "quantity_exceeded"
    VALIDITY = "outside_validity"
    REUSED_QUANTITY = "reused_beyond_quantity"
    REUSED_IMPORTER = "reused_other_importer"
    REUSED = "reused"
    STATUS = "certificate_status"  # the certificate itself is not valid


@dataclass(frozen=True)
class CertificateMismatch:
    """One finding about a certificate; ``triage.Triage.raise_by`` reads
    ``severity`` and ``explanation`` like a manifest discrepancy's."""

    kind: MismatchKind
    severity: Severity
    explanation: str  # one English sentence for the inspector
    hs_code: str | None = None  # the certificate item it is about
    declared_line: int | None = None  # index into Manifest.lines


@dataclass(frozen=True)
class CertificateUse:
    """A parcel a certificate number was presented on (here or, via central, elsewhere)."""

    station_id: str
    scan_id: str
    tracking_id: str | None
    importer: str | None  # the parcel's consignee as its manifest names it
    consumed: Mapping[str, float]  # HS6 → quantity that parcel drew; {} unknown
    checked_at: datetime


@dataclass(frozen=True)
class CertificateCheck:
    kind: CertificateKind
    status: CertificateStatus
    reasons: tuple[str, ...]
    source: VerdictSource
    checked_at: datetime
    claims: CooClaims | None = None
    authority: str | None = None  # URL kind: the registry id ("kcs")
    reference_number: str | None = None  # URL kind: the authority's reference
    mismatches: tuple[CertificateMismatch, ...] = ()
    scan_id: str | None = None
    tracking_id: str | None = None
    importer: str | None = None
    consumed: Mapping[str, float] = field(default_factory=dict)
    triage: TriageResult | None = None  # the parcel's triage raised by this check
    verdict_id: int | None = None  # row id once stored

    @property
    def certificate_number(self) -> str | None:
        return None if self.claims is None else self.claims.certificate_number

    @property
    def is_valid(self) -> bool:
        return self.status is CertificateStatus.VALID
