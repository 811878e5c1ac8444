"""Image-quality test runs per scanner, kept beside the calibration history.

A run is stored whole (its per-test results as JSON, in the form of
``IqTestResult.to_dict``) with its audit entry in the same transaction, so the
trail says who tested which scanner with which calibration and whether it passed.
Rows are never updated: the history is what happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from station_app.imaging.iq_test import IqReport, IqTestResult
from station_app.storage.audit import ACTION_IQ_TEST_RECORDED, AuditLog
from station_app.storage.db import Database, StorageError
from station_app.storage.models import ImageQualityTestRow
from station_app.storage.repository import _jsonable, ensure_station

IqPurpose = Literal["routine", "verification"]
IQ_PURPOSES: tuple[str, ...] = ("routine", "verification")


@dataclass(frozen=True)
class IqRecord:
    """A stored test run (never an ORM row)."""

    id: str
    scanner_serial: str
    calibration_id: str | None
    purpose: str
    created_at: datetime
    piece: str
    piece_version: int
    passed: bool
    operator: str
    results: tuple[IqTestResult, ...]


class ImageQualityRepository:
    """Save and read image-quality test runs of this station's scanners."""

    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id
        ensure_station(database, station_id)

    def save(
        self,
        report: IqReport,
        *,
        operator: str,
        calibration_id: str | None,
        purpose: IqPurpose = "routine",
    ) -> str:
        """Store one run with its audit entry, in one transaction; returns its id."""
        if purpose not in IQ_PURPOSES:
            raise StorageError(f"image-quality purpose {purpose!r} is not one of {IQ_PURPOSES}")
        if not report.results:
            raise StorageError("an image-quality report without results is not stored")
        run_id = uuid.uuid4().hex
        results = [_jsonable(r.to_dict()) for r in report.results]
        try:
            with self._db.write_session() as session:
                session.add(
                    ImageQualityTestRow(
                        id=run_id,
                        station_id=self.station_id,
                        scanner_serial=report.scanner_serial,
                        calibration_id=calibration_id,
                        purpose=purpose,
                        created_at=report.created_at,
                        piece=report.piece,
                        piece_version=report.piece_version,
                        passed=report.passed,
                        operator=operator,
                        results=results,
                    )
                )
                AuditLog(self._db, self.station_id).append(
                    session,
                    operator,
                    ACTION_IQ_TEST_RECORDED,
                    run_id,
                    {
                        "scanner_serial": report.scanner_serial,
                        "calibration_id": calibration_id,
                        "purpose": purpose,
                        "piece": f"{report.piece} v{report.piece_version}",
                        "passed": report.passed,
                        "tests": {r.test: {"passed": r.passed, "achieved": r.achieved}
                                  for r in report.results},
                    },
                )
        except (SQLAlchemyError, ValueError) as exc:
            raise StorageError(
                f"image-quality test of {report.scanner_serial} not saved: {exc}"
            ) from exc
        return run_id

    def history(self, scanner_serial: str, limit: int = 50) -> Sequence[IqRecord]:
        """Runs of a scanner, newest first."""
        query = (
            select(ImageQualityTestRow)
            .where(ImageQualityTestRow.scanner_serial == scanner_serial)
            .order_by(ImageQualityTestRow.created_at.desc())
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_record(row) for row in session.scalars(query)]

    def latest(self, scanner_serial: str) -> IqRecord | None:
        runs = self.history(scanner_serial, limit=1)
        return runs[0] if runs else None


def _record(row: ImageQualityTestRow) -> IqRecord:
    results: list[Mapping[str, Any]] = list(row.results or [])
    return IqRecord(
        id=row.id,
        scanner_serial=row.scanner_serial,
        calibration_id=row.calibration_id,
        purpose=row.purpose,
        created_at=row.created_at,
        piece=row.piece,
        piece_version=row.piece_version,
        passed=row.passed,
        operator=row.operator,
        results=tuple(IqTestResult.from_dict(r) for r in results),
    )
