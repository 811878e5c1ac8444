"""Stored certificate checks: the ``certificate_verdicts`` table and its outbox events.

A check is stored with the "certificate.verified" event that reports it to
central in one transaction (like a scan and its "scan.processed"), so central
learns of every certificate presentation — which is how it can tell another
station that a certificate number was already used. The same rows answer the
station's own questions: the checks of a parcel (certificate panel), the other
parcels a number was presented on (reuse), and a recent online answer for a
verification URL (the cache, ``CertificatesConfig.online_cache_hours``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from station_app.certificates.claims_json import claims_from_json, claims_to_json
from station_app.certificates.payload import CertificateError
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateMismatch,
    CertificateStatus,
    CertificateUse,
    MismatchKind,
    VerdictSource,
)
from station_app.domain import TriageLevel, TriageResult
from station_app.storage.db import Database, StorageError
from station_app.storage.models import CertificateVerdictRow, OutboxRow, ScanRow, utcnow

TOPIC_CERTIFICATE_VERIFIED = "certificate.verified"
# A number presented on a parcel counts as used unless the check found it fake:
# an INVALID certificate's claims (its number included) cannot be trusted.
_USE_STATUSES = tuple(s.value for s in CertificateStatus if s is not CertificateStatus.INVALID)
# Definite answers of an authority; "could not verify now" is never cached.
_CACHEABLE = (
    CertificateStatus.VALID.value,
    CertificateStatus.INVALID.value,
    CertificateStatus.REVOKED.value,
)


def _mismatch_json(m: CertificateMismatch) -> dict[str, Any]:
    return {
        "kind": m.kind.value,
        "severity": m.severity,
        "explanation": m.explanation,
        "hs_code": m.hs_code,
        "declared_line": m.declared_line,
    }


def _mismatch(data: Mapping[str, Any]) -> CertificateMismatch:
    severity = data.get("severity")
    return CertificateMismatch(
        kind=MismatchKind(data["kind"]),
        severity="red" if severity == "red" else "amber",
        explanation=str(data["explanation"]),
        hs_code=data.get("hs_code"),
        declared_line=data.get("declared_line"),
    )


def _consumed(value: Mapping[str, Any]) -> dict[str, float]:
    return {str(hs): float(qty) for hs, qty in value.items()}


def _check(row: CertificateVerdictRow) -> CertificateCheck:
    try:
        claims = None if row.claims is None else claims_from_json(row.claims)
        mismatches = tuple(_mismatch(m) for m in row.mismatches)
        triage = (
            None
            if row.triage_level is None
            else TriageResult(
                TriageLevel(row.triage_level), tuple(str(r) for r in row.triage_reasons or ())
            )
        )
        return CertificateCheck(
            kind=CertificateKind(row.kind),
            status=CertificateStatus(row.status),
            reasons=tuple(str(r) for r in row.reasons),
            source=VerdictSource(row.source),
            checked_at=row.checked_at,
            claims=claims,
            authority=row.authority,
            reference_number=row.reference_number,
            mismatches=mismatches,
            scan_id=row.scan_id,
            tracking_id=row.tracking_id,
            importer=row.importer,
            consumed=_consumed(row.consumed),
            triage=triage,
            verdict_id=row.id,
        )
    except (CertificateError, KeyError, ValueError, TypeError) as exc:
        raise StorageError(f"stored certificate verdict {row.id} is unreadable: {exc}") from exc


class CertificateVerdictRepository:
    """Save and read certificate checks; all SQL about them lives here."""

    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id

    def save(
        self, check: CertificateCheck, *, reference_digest: str | None = None
    ) -> CertificateCheck:
        """Store ``check`` and its outbox event; returns it with ``verdict_id`` set."""
        if check.scan_id is None:
            raise StorageError("a certificate check without a scan id cannot be stored")
        if check.checked_at.tzinfo is None:
            raise StorageError(f"certificate check on {check.scan_id}: checked_at has no zone")
        number = check.certificate_number
        try:
            with self._db.write_session() as session:
                tracking = session.execute(
                    select(ScanRow.tracking_id).where(ScanRow.id == check.scan_id)
                ).one_or_none()
                if tracking is None:
                    raise StorageError(
                        f"no scan {check.scan_id!r} in the database: certificate check not stored"
                    )
                tracking_id = check.tracking_id or tracking[0]
                row = CertificateVerdictRow(
                    scan_id=check.scan_id,
                    tracking_id=tracking_id,
                    certificate_number=number,
                    kind=check.kind.value,
                    status=check.status.value,
                    source=check.source.value,
                    reasons=list(check.reasons),
                    mismatches=[_mismatch_json(m) for m in check.mismatches],
                    claims=None if check.claims is None else claims_to_json(check.claims),
                    authority=check.authority,
                    reference_number=check.reference_number,
                    reference_digest=reference_digest,
                    importer=check.importer,
                    consumed=dict(check.consumed),
                    triage_level=None if check.triage is None else check.triage.level.value,
                    triage_reasons=None if check.triage is None else list(check.triage.reasons),
                    checked_at=check.checked_at,
                )
                session.add(row)
                session.flush()  # the row id goes into the event and its key
                session.add(self._event(row))
                stored = _check(row)
        except SQLAlchemyError as exc:
            raise StorageError(
                f"certificate check on {check.scan_id} was not stored: {exc}"
            ) from exc
        return stored

    def _event(self, row: CertificateVerdictRow) -> OutboxRow:
        triage = None
        if row.triage_level is not None:
            triage = {"level": row.triage_level, "reasons": list(row.triage_reasons or ())}
        return OutboxRow(
            topic=TOPIC_CERTIFICATE_VERIFIED,
            aggregate_id=row.scan_id,
            payload={
                "station_id": self.station_id,
                "scan_id": row.scan_id,
                "tracking_id": row.tracking_id,
                "verdict_id": row.id,
                "kind": row.kind,
                "status": row.status,
                "source": row.source,
                "certificate_number": row.certificate_number,
                "authority": row.authority,
                "reasons": list(row.reasons),
                "mismatches": [
                    {k: m[k] for k in ("kind", "severity", "explanation")} for m in row.mismatches
                ],
                "importer": row.importer,
                "consumed": dict(row.consumed),
                "checked_at": row.checked_at.astimezone(UTC).isoformat(),
                "triage": triage,
            },
            idempotency_key=(
                f"{self.station_id}/{TOPIC_CERTIFICATE_VERIFIED}/{row.scan_id}/{row.id}"
            ),
            created_at=utcnow(),
            attempts=0,
        )

    # ------------------------------------------------------------ queries

    def for_scan(self, scan_id: str) -> tuple[CertificateCheck, ...]:
        """Every check stored for a scan, oldest first."""
        query = (
            select(CertificateVerdictRow)
            .where(CertificateVerdictRow.scan_id == scan_id)
            .order_by(CertificateVerdictRow.id)
        )
        with self._db.read_session() as session:
            return tuple(_check(row) for row in session.scalars(query))

    def uses(self, certificate_number: str, *, exclude_scan: str | None) -> list[CertificateUse]:
        """The other parcels at this station the number was presented on (newest check
        per parcel; checks that found the certificate INVALID do not count)."""
        query = (
            select(CertificateVerdictRow)
            .where(
                CertificateVerdictRow.certificate_number == certificate_number,
                CertificateVerdictRow.status.in_(_USE_STATUSES),
            )
            .order_by(CertificateVerdictRow.id.desc())
        )
        if exclude_scan is not None:
            query = query.where(CertificateVerdictRow.scan_id != exclude_scan)
        newest: dict[str, CertificateUse] = {}
        with self._db.read_session() as session:
            for row in session.scalars(query):
                if row.scan_id in newest:
                    continue
                newest[row.scan_id] = CertificateUse(
                    station_id=self.station_id,
                    scan_id=row.scan_id,
                    tracking_id=row.tracking_id,
                    importer=row.importer,
                    consumed=_consumed(row.consumed),
                    checked_at=row.checked_at,
                )
        return sorted(newest.values(), key=lambda use: use.checked_at)

    def cached_online(self, reference_digest: str, since: datetime) -> CertificateCheck | None:
        """The newest definite online answer for a verification URL checked after ``since``."""
        query = (
            select(CertificateVerdictRow)
            .where(
                CertificateVerdictRow.reference_digest == reference_digest,
                CertificateVerdictRow.source == VerdictSource.ONLINE.value,
                CertificateVerdictRow.status.in_(_CACHEABLE),
                CertificateVerdictRow.checked_at >= since,
            )
            .order_by(CertificateVerdictRow.id.desc())
            .limit(1)
        )
        with self._db.read_session() as session:
            row = session.scalars(query).one_or_none()
            return None if row is None else _check(row)
