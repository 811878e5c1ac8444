"""Manifests pulled ahead from central, and the discrepancies found on scans.

Manifests arrive before their parcels (central pushes what is on its way), are
stored by tracking id and looked up when the label reader reads the id. A newer
copy of the same manifest replaces the older one (upsert): central corrects
declarations, and the station must judge by the latest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from station_app.domain import Discrepancy, DiscrepancyKind
from station_app.manifests.model import Manifest, ManifestError
from station_app.manifests.parse import manifest_to_json, parse_manifest_obj
from station_app.storage.db import Database, StorageError
from station_app.storage.models import DiscrepancyRow, ManifestRow, ScanRow, utcnow


@dataclass(frozen=True)
class StoredManifest:
    manifest: Manifest
    received_at: datetime
    source: str  # where it came from: "central", "file", ...


def _key(tracking_id: str) -> str:
    # Same forgiveness as the S10 parser: a label reader may add spaces or read lower case.
    return "".join(tracking_id.split()).upper()


class ManifestRepository:
    """Save (upsert) and look up manifests; save and read a scan's discrepancies."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # ------------------------------------------------------------ manifests

    def save(self, manifest: Manifest, *, source: str, received_at: datetime | None = None) -> None:
        """Insert, or replace the stored manifest with the same tracking id."""
        payload = manifest_to_json(manifest)
        when = received_at or utcnow()
        # Two writers inserting the same new id at once: the loser's INSERT fails on
        # the unique index, and its second attempt finds the row and updates it.
        for attempt in range(2):
            try:
                with self._db.write_session() as session:
                    row = session.scalars(
                        select(ManifestRow).where(ManifestRow.tracking_id == manifest.tracking_id)
                    ).one_or_none()
                    if row is None:
                        session.add(
                            ManifestRow(
                                tracking_id=manifest.tracking_id,
                                payload=payload,
                                received_at=when,
                                source=source,
                            )
                        )
                    else:
                        row.payload = payload
                        row.received_at = when
                        row.source = source
                return
            except IntegrityError as exc:
                if attempt == 1:
                    raise StorageError(
                        f"manifest {manifest.tracking_id} was not stored: {exc.orig}"
                    ) from exc
            except (SQLAlchemyError, ValueError) as exc:
                raise StorageError(
                    f"manifest {manifest.tracking_id} was not stored: {exc}"
                ) from exc

    def get(self, tracking_id: str) -> StoredManifest | None:
        """The latest manifest for ``tracking_id`` (spaces and case forgiven), or None."""
        key = _key(tracking_id)
        with self._db.read_session() as session:
            row = session.scalars(
                select(ManifestRow).where(ManifestRow.tracking_id == key)
            ).one_or_none()
            if row is None:
                return None
            payload, received_at, source = row.payload, row.received_at, row.source
        try:
            manifest = parse_manifest_obj(payload)
        except ManifestError as exc:
            raise StorageError(f"stored manifest {key} is unreadable: {exc}") from exc
        return StoredManifest(manifest, received_at, source)

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        """The manifest the pipeline matches a parcel against (None when not pulled yet)."""
        stored = self.get(tracking_id)
        return None if stored is None else stored.manifest

    def delete_older_than(self, cutoff: datetime) -> int:
        """Forget manifests received before ``cutoff``; returns how many."""
        with self._db.write_session() as session:
            result = session.execute(delete(ManifestRow).where(ManifestRow.received_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)

    # ------------------------------------------------------------ discrepancies

    @staticmethod
    def add_discrepancies(
        session: Session, scan_id: str, discrepancies: Sequence[Discrepancy]
    ) -> None:
        """Replace a scan's discrepancies inside the caller's transaction.

        For the pipeline: store them in the same transaction as the scan row.
        """
        session.execute(delete(DiscrepancyRow).where(DiscrepancyRow.scan_id == scan_id))
        session.add_all(
            DiscrepancyRow(
                scan_id=scan_id,
                kind=d.kind.value,
                severity=d.severity,
                explanation=d.explanation,
                declared_line=d.declared_line,
                detected_class=d.detected_class,
            )
            for d in discrepancies
        )

    def save_discrepancies(self, scan_id: str, discrepancies: Sequence[Discrepancy]) -> None:
        """Replace the stored discrepancies of a stored scan (idempotent)."""
        try:
            with self._db.write_session() as session:
                if session.get(ScanRow, scan_id) is None:
                    raise StorageError(
                        f"no scan {scan_id!r} in the database: discrepancies not stored"
                    )
                self.add_discrepancies(session, scan_id, discrepancies)
        except SQLAlchemyError as exc:
            raise StorageError(f"discrepancies of scan {scan_id} not stored: {exc}") from exc

    def discrepancies(self, scan_id: str) -> tuple[Discrepancy, ...]:
        """A scan's discrepancies in the order they were saved."""
        query = (
            select(DiscrepancyRow)
            .where(DiscrepancyRow.scan_id == scan_id)
            .order_by(DiscrepancyRow.id)
        )
        with self._db.read_session() as session:
            rows = list(session.scalars(query))
            out = []
            for r in rows:
                if r.severity not in ("red", "amber"):
                    raise StorageError(f"discrepancy {r.id} has unknown severity {r.severity!r}")
                out.append(
                    Discrepancy(
                        kind=DiscrepancyKind(r.kind),
                        severity="red" if r.severity == "red" else "amber",
                        explanation=r.explanation,
                        declared_line=r.declared_line,
                        detected_class=r.detected_class,
                    )
                )
        return tuple(out)
