"""The supervisor's services: review queue, reviews, statistics — each checked.

Every method takes the signed-in ``Principal`` and checks the permission in
the core (``accounts.require``), so a hidden button is never the only guard:

- reading the queue, opening a parcel and the statistics need REVIEW;
- a review that keeps the inspector's verdict (confirmation) needs REVIEW,
  one that changes it (override) needs OVERRIDE too;
- a review needs a reason; both the inspector's decision and the review are
  kept, and the audit trail says "confirmed" or "overridden".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from station_app.accounts import Permission, Principal, manifest_for_principal, require
from station_app.config import MaterialsConfig
from station_app.domain import Decision, ParcelScan, Verdict
from station_app.manifests.model import Manifest
from station_app.physical_checks import CheckResult
from station_app.storage import CalibrationRepository, Database, ImageStore, ScanRepository
from station_app.storage.checks import CheckRepository
from station_app.storage.manifests import ManifestRepository
from station_app.storage.review import ReviewFilter, ReviewItem, ReviewRepository
from station_app.supervision.parcel_loader import StoredParcelLoader
from station_app.supervision.statistics import ShiftStatistics, compute
from station_app.tip.scoring import TipResponse

MIN_REASON_CHARS = 5


class ReviewError(ValueError):
    """A review that cannot be recorded as asked (no reason, nothing to review)."""


@dataclass(frozen=True)
class SupervisionPorts:
    """What the service needs from the rest of the station."""

    reviews: ReviewRepository
    record_decision: Callable[[Decision], None]  # ScanRepository.record_decision
    load_parcel: Callable[[str], ParcelScan]  # stored scan back as a displayable parcel
    manifest_for: Callable[[str], Manifest | None]
    tip_responses: Callable[[datetime, datetime], Sequence[TipResponse]] = lambda _s, _e: ()
    # Physical-check results on parcels scanned in the period (CheckRepository.results).
    check_results: Callable[[datetime, datetime], Sequence[CheckResult]] = lambda _s, _e: ()


class SupervisionService:
    def __init__(self, ports: SupervisionPorts, zone: tzinfo | None = None) -> None:
        self._ports = ports
        self._zone = zone

    @property
    def zone(self) -> tzinfo:
        """The station's local time zone (hours of the statistics)."""
        if self._zone is not None:
            return self._zone
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC

    def review_queue(self, principal: Principal | None, flt: ReviewFilter) -> list[ReviewItem]:
        require(principal, Permission.REVIEW)
        return self._ports.reviews.queue(flt)

    def load_parcel(self, principal: Principal | None, scan_id: str) -> ParcelScan:
        require(principal, Permission.REVIEW)
        return self._ports.load_parcel(scan_id)

    def manifest_for_principal(self, principal: Principal | None, tracking_id: str
                               ) -> Manifest | None:
        reader = require(principal, Permission.REVIEW)
        manifest = self._ports.manifest_for(tracking_id)
        return None if manifest is None else manifest_for_principal(manifest, reader)

    def review_decision(
        self, principal: Principal | None, scan_id: str, verdict: Verdict, reason: str
    ) -> Decision:
        """Confirm or override the inspector's decision on ``scan_id``, with a reason."""
        reviewer = require(principal, Permission.REVIEW)
        reason = reason.strip()
        if len(reason) < MIN_REASON_CHARS:
            raise ReviewError(
                f"a review needs a reason of at least {MIN_REASON_CHARS} characters"
            )
        facts = self._ports.reviews.scan_facts_for(scan_id)
        if facts is None:
            raise ReviewError(f"no scan {scan_id!r} in the database")
        first = facts.inspector_decision
        if first is None:
            raise ReviewError(
                f"{scan_id} has no inspector's decision yet: nothing to review"
            )
        if verdict is not first.verdict:
            require(reviewer, Permission.OVERRIDE)
        decision = Decision(
            scan_id=scan_id,
            verdict=verdict,
            operator=reviewer.username,
            decided_at=datetime.now(UTC),
            comment=reason,
            kind="review",
            reviewed_decision_id=first.decision_id,
        )
        self._ports.record_decision(decision)
        return decision

    def shift_statistics(
        self, principal: Principal | None, start: datetime, end: datetime
    ) -> ShiftStatistics:
        require(principal, Permission.REVIEW)
        facts = self._ports.reviews.scan_facts(start, end)
        return compute(
            facts,
            start,
            end,
            self.zone,
            self._ports.tip_responses(start, end),
            self._ports.check_results(start, end),
        )


def build_supervision_service(
    database: Database,
    scans: ScanRepository,
    images: ImageStore,
    station_id: str,
    materials: MaterialsConfig,
    decision_recorded: Callable[[Decision], None],
    tip_responses: Callable[[datetime, datetime], Sequence[TipResponse]] | None = None,
) -> SupervisionService:
    """The service over a station's database; ``decision_recorded`` hears each review."""
    manifests = ManifestRepository(database)
    loader = StoredParcelLoader(
        scans, images, CalibrationRepository(database, station_id), manifests, materials
    )

    def record(decision: Decision) -> None:
        scans.record_decision(decision)
        decision_recorded(decision)

    return SupervisionService(
        SupervisionPorts(
            reviews=ReviewRepository(database),
            record_decision=record,
            load_parcel=loader.load,
            manifest_for=manifests.manifest_for,
            tip_responses=tip_responses or (lambda _start, _end: ()),
            check_results=CheckRepository(database, station_id).results,
        )
    )
