"""What supervisors read: the review queue and the facts behind shift statistics.

Queries run across every station of the database, since a centre's stations
share one PostgreSQL database and its supervisors review all of them; filters
narrow it. Results are frozen records, never ORM rows.

A parcel is in the review queue when the system or the inspector raised it:
triage AMBER or RED, an inspector's verdict other than CLEAR, a
declared-vs-seen discrepancy, or a certificate that was invalid, revoked or
disagreed with the manifest. It stays there, marked reviewed, after a
supervisor's review (``unreviewed_only`` hides those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from station_app.domain import BoxPx, TriageLevel, Verdict
from station_app.marks import marks_from_text
from station_app.storage.db import Database
from station_app.storage.models import (
    CertificateVerdictRow,
    DecisionRow,
    DetectionRow,
    DiscrepancyRow,
    ScanRow,
)

KIND_INSPECTION = "inspection"
KIND_REVIEW = "review"
# Certificate verdicts a supervisor must see (certificates.records.CertificateStatus values).
CERTIFICATE_PROBLEMS = ("invalid", "revoked")
MAX_QUEUE_ROWS = 2000  # a queue longer than this is narrowed with filters, not scrolled
_LEVEL_RANK = case(
    (ScanRow.triage_level == TriageLevel.RED.value, 0),
    (ScanRow.triage_level == TriageLevel.AMBER.value, 1),
    else_=2,
)


@dataclass(frozen=True)
class DecisionFact:
    operator: str
    verdict: Verdict
    decided_at: datetime
    decision_time_ms: float | None
    by_supervisor: bool  # a review (confirmation or override), not the first decision
    decision_id: int = 0
    comment: str = ""
    marks: tuple[BoxPx, ...] = ()  # where the decider pointed on the image (parcel pixels)


@dataclass(frozen=True)
class ScanFact:
    scan_id: str
    station_id: str
    started_at: datetime  # aware
    triage_level: str  # TriageLevel value: "green", "amber", "red"
    detected_classes: tuple[str, ...] = ()
    decisions: tuple[DecisionFact, ...] = ()  # oldest first

    @property
    def inspector_decision(self) -> DecisionFact | None:
        return next((d for d in self.decisions if not d.by_supervisor), None)

    @property
    def supervisor_decision(self) -> DecisionFact | None:
        """The latest review, which is the one in force."""
        reviews = [d for d in self.decisions if d.by_supervisor]
        return reviews[-1] if reviews else None


SortKey = Literal["newest", "oldest", "level", "station", "inspector"]


@dataclass(frozen=True)
class ReviewFilter:
    start: datetime | None = None  # scans started at or after (aware)
    end: datetime | None = None  # ... and before
    stations: tuple[str, ...] = ()  # empty: all
    inspectors: tuple[str, ...] = ()  # operator of the first decision; empty: all
    reason: str = ""  # text found in a triage reason or discrepancy (case-insensitive)
    levels: tuple[str, ...] = ()  # TriageLevel values; empty: all
    unreviewed_only: bool = False
    sort: SortKey = "newest"


@dataclass(frozen=True)
class ReviewItem:
    scan: ScanFact
    tracking_id: str | None
    triage_reasons: tuple[str, ...]
    discrepancies: tuple[str, ...]
    held: bool  # the inspector did not clear it

    @property
    def reviewed(self) -> bool:
        return self.scan.supervisor_decision is not None


def _facts(session: Session, rows: Sequence[ScanRow]) -> dict[str, ScanFact]:
    ids = [r.id for r in rows]
    decisions: dict[str, list[DecisionFact]] = {i: [] for i in ids}
    classes: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        for d in session.scalars(
            select(DecisionRow).where(DecisionRow.scan_id.in_(ids)).order_by(DecisionRow.id)
        ):
            decisions[d.scan_id].append(
                DecisionFact(
                    operator=d.operator,
                    verdict=Verdict(d.verdict),
                    decided_at=d.decided_at,
                    decision_time_ms=d.decision_time_ms,
                    by_supervisor=d.kind == KIND_REVIEW,
                    decision_id=d.id,
                    comment=d.comment,
                    marks=marks_from_text(d.marks),
                )
            )
        for scan_id, class_name in session.execute(
            select(DetectionRow.scan_id, DetectionRow.class_name)
            .where(DetectionRow.scan_id.in_(ids))
            .order_by(DetectionRow.id)
        ):
            classes[scan_id].append(class_name)
    return {
        r.id: ScanFact(
            scan_id=r.id,
            station_id=r.station_id,
            started_at=r.started_at,
            triage_level=r.triage_level,
            detected_classes=tuple(classes[r.id]),
            decisions=tuple(decisions[r.id]),
        )
        for r in rows
    }


def _first_decision_operator() -> Select[str]:
    """Operator of the scan's first inspection (correlated to the outer ScanRow)."""
    earlier = aliased(DecisionRow)
    first_id = (
        select(func.min(earlier.id))
        .where(earlier.scan_id == ScanRow.id, earlier.kind == KIND_INSPECTION)
        .correlate(ScanRow)
        .scalar_subquery()
    )
    return select(DecisionRow.operator).where(DecisionRow.id == first_id).correlate(ScanRow)


class ReviewRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def scan_facts(
        self, start: datetime, end: datetime, stations: Sequence[str] = ()
    ) -> list[ScanFact]:
        """Every scan started in [start, end), with its decisions and detected classes."""
        query = select(ScanRow).where(ScanRow.started_at >= start, ScanRow.started_at < end)
        if stations:
            query = query.where(ScanRow.station_id.in_(stations))
        with self._db.read_session() as session:
            rows = list(session.scalars(query.order_by(ScanRow.started_at)))
            facts = _facts(session, rows)
        return [facts[r.id] for r in rows]

    def scan_facts_for(self, scan_id: str) -> ScanFact | None:
        """One scan's facts (its decisions, oldest first), or None if there is no such scan."""
        with self._db.read_session() as session:
            row = session.get(ScanRow, scan_id)
            return None if row is None else _facts(session, [row])[scan_id]

    def queue(self, flt: ReviewFilter) -> list[ReviewItem]:
        """Flagged parcels matching ``flt``, sorted; at most ``MAX_QUEUE_ROWS``."""
        not_cleared = exists().where(
            DecisionRow.scan_id == ScanRow.id,
            DecisionRow.kind == KIND_INSPECTION,
            DecisionRow.verdict != Verdict.CLEAR.value,
        )
        has_discrepancy = exists().where(DiscrepancyRow.scan_id == ScanRow.id)
        # A certificate that failed its check, or disagrees with the manifest, needs a
        # person even on a parcel the image alone would have released.
        certificate_problem = exists().where(
            CertificateVerdictRow.scan_id == ScanRow.id,
            or_(
                CertificateVerdictRow.status.in_(CERTIFICATE_PROBLEMS),
                # json_array_length: SQLite's JSON1 and PostgreSQL's json type both have it.
                func.coalesce(func.json_array_length(CertificateVerdictRow.mismatches), 0) > 0,
            ),
        )
        query = select(ScanRow).where(
            or_(
                ScanRow.triage_level.in_((TriageLevel.AMBER.value, TriageLevel.RED.value)),
                not_cleared,
                has_discrepancy,
                certificate_problem,
            )
        )
        if flt.start is not None:
            query = query.where(ScanRow.started_at >= flt.start)
        if flt.end is not None:
            query = query.where(ScanRow.started_at < flt.end)
        if flt.stations:
            query = query.where(ScanRow.station_id.in_(flt.stations))
        if flt.levels:
            query = query.where(ScanRow.triage_level.in_(flt.levels))
        if flt.inspectors:
            query = query.where(_first_decision_operator().scalar_subquery().in_(flt.inspectors))
        if flt.unreviewed_only:
            query = query.where(
                ~exists().where(DecisionRow.scan_id == ScanRow.id, DecisionRow.kind == KIND_REVIEW)
            )
        order = {
            "newest": (ScanRow.started_at.desc(),),
            "oldest": (ScanRow.started_at.asc(),),
            "level": (_LEVEL_RANK, ScanRow.started_at.desc()),
            "station": (ScanRow.station_id, ScanRow.started_at.desc()),
            "inspector": (_first_decision_operator().scalar_subquery(), ScanRow.started_at.desc()),
        }[flt.sort]
        with self._db.read_session() as session:
            rows = list(session.scalars(query.order_by(*order).limit(MAX_QUEUE_ROWS)))
            facts = _facts(session, rows)
            found: dict[str, list[str]] = {r.id: [] for r in rows}
            if rows:
                for scan_id, explanation in session.execute(
                    select(DiscrepancyRow.scan_id, DiscrepancyRow.explanation)
                    .where(DiscrepancyRow.scan_id.in_(found))
                    .order_by(DiscrepancyRow.id)
                ):
                    found[scan_id].append(explanation)
        items = []
        needle = flt.reason.casefold().strip()
        for r in rows:
            reasons = tuple(str(x) for x in r.triage_reasons)
            if needle and not any(needle in t.casefold() for t in (*reasons, *found[r.id])):
                continue
            fact = facts[r.id]
            first = fact.inspector_decision
            items.append(
                ReviewItem(
                    scan=fact,
                    tracking_id=r.tracking_id,
                    triage_reasons=reasons,
                    discrepancies=tuple(found[r.id]),
                    held=first is not None and first.verdict is not Verdict.CLEAR,
                )
            )
        return items
