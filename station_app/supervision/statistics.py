"""Shift statistics for supervisors, computed from plain facts (no database here).

What a supervisor reads at the end of a shift, and what the shift report and
the statistics charts show:

- parcels per hour (by scan start, in the station's local time zone);
- triage mix: green / amber / red counts;
- flag rate: parcels the inspector did not clear, over parcels decided;
- hit rate: of the flagged parcels whose physical check is recorded, the
  share where opening them found something (a prohibited item or undeclared
  goods, ``physical_checks.FINDS``); a result "other" counts as checked but
  not as a find. Flags still waiting for a check are left out, and counted;
- false alarms: flagged parcels whose check found nothing;
- review confirmation rate: of the flagged parcels a supervisor reviewed, the
  share the supervisor kept flagged (not overridden to CLEAR). A supervisor
  agreeing with the image is not a find, so it is not called a hit rate;
- physical checks: results in force per outcome, on every checked parcel;
- decision times per inspector: count, median and 90th percentile, with each
  inspector's flags checked and false alarms;
- detector classes seen: detections per class;
- TIP: per-inspector figures from ``station_app.tip.scoring``, the located
  hits (hits whose mark was on the item) beside the hits.

A parcel's check result in force is its newest (a supervisor's correction
replaces the result it corrects). TIP responses are never decisions, so a TIP
image is never a flag, never checked and never a false alarm.

The repository turns rows into ``ScanFact``s; everything here is pure, so it
is tested with hand-made facts and gives the same figures on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

import numpy as np

from station_app.domain import TriageLevel, Verdict
from station_app.physical_checks import CheckOutcome, CheckResult, newest_per_scan
from station_app.storage.review import ScanFact
from station_app.tip.scoring import RealDecision, TipResponse, TipStats, summarize


@dataclass(frozen=True)
class InspectorTimes:
    operator: str
    decisions: int
    flagged: int
    median_ms: float | None
    p90_ms: float | None
    flags_checked: int = 0  # flags with a physical-check result
    false_alarms: int = 0  # of those, checks that found nothing

    @property
    def false_alarm_rate(self) -> float | None:
        """False alarms over decisions, as ``tip.scoring.TipStats.false_alarm_rate``."""
        return self.false_alarms / self.decisions if self.decisions else None


@dataclass(frozen=True)
class ShiftStatistics:
    start: datetime
    end: datetime
    parcels: int
    parcels_per_hour: tuple[tuple[datetime, int], ...]  # hour start (local), count
    triage_mix: dict[str, int]
    decided: int
    flagged: int
    reviewed_flags: int
    confirmed_flags: int
    overrides: int  # reviews that changed the inspector's verdict
    inspectors: tuple[InspectorTimes, ...]
    detected_classes: dict[str, int]
    tip: dict[str, TipStats] = field(default_factory=dict)
    checked_flags: int = 0  # flagged parcels with a physical-check result
    finds: int = 0  # of those, checks that found a prohibited item or undeclared goods
    false_alarms: int = 0  # of those, checks that found nothing
    check_outcomes: dict[str, int] = field(default_factory=dict)  # every checked parcel

    @property
    def flag_rate(self) -> float | None:
        return self.flagged / self.decided if self.decided else None

    @property
    def hit_rate(self) -> float | None:
        """Flags whose check found something, over flags checked."""
        return self.finds / self.checked_flags if self.checked_flags else None

    @property
    def unchecked_flags(self) -> int:
        """Flagged parcels with no check result (yet)."""
        return self.flagged - self.checked_flags

    @property
    def confirmation_rate(self) -> float | None:
        """Reviewed flags the supervisor kept flagged, over reviewed flags."""
        return self.confirmed_flags / self.reviewed_flags if self.reviewed_flags else None


TRIAGE_LEVELS = tuple(level.value for level in TriageLevel)  # green, amber, red


def _hours(start: datetime, end: datetime, zone: tzinfo) -> list[datetime]:
    first = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    hours = []
    hour = first
    while hour < end:
        hours.append(hour)
        # Via UTC: a local hour can repeat or vanish when clocks change.
        hour = datetime.fromtimestamp(hour.timestamp() + 3600, zone)
    return hours


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def compute(
    facts: Iterable[ScanFact],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    tip_responses: Iterable[TipResponse] = (),
    checks: Iterable[CheckResult] = (),
) -> ShiftStatistics:
    """The statistics of the scans started in [start, end); ``checks``: physical-check
    results (corrections too: the newest per scan counts; others are ignored)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("the period ends before it starts")
    scans = [f for f in facts if start <= f.started_at < end]
    hours = _hours(start, end, zone)
    per_hour: Counter[datetime] = Counter()
    for fact in scans:
        per_hour[fact.started_at.astimezone(zone).replace(minute=0, second=0, microsecond=0)] += 1
    mix = Counter(f.triage_level for f in scans)
    classes: Counter[str] = Counter(c for f in scans for c in f.detected_classes)
    in_force = newest_per_scan(checks)
    outcomes: Counter[str] = Counter(
        in_force[f.scan_id].outcome.value for f in scans if f.scan_id in in_force
    )
    decided = flagged = reviewed = confirmed = overrides = 0
    checked = finds = false_alarms = 0
    times: dict[str, list[float]] = {}
    counts: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    real: list[RealDecision] = []
    for fact in scans:
        first = fact.inspector_decision
        if first is None:
            continue
        decided += 1
        counts[first.operator] += 1
        check = in_force.get(fact.scan_id)
        outcome = check.outcome if check is not None else None
        real.append(RealDecision(first.operator, first.verdict, outcome))
        if first.decision_time_ms is not None:
            times.setdefault(first.operator, []).append(first.decision_time_ms)
        review = fact.supervisor_decision
        if review is not None and review.verdict is not first.verdict:
            overrides += 1
        if first.verdict is Verdict.CLEAR:
            continue
        flagged += 1
        flags[first.operator] += 1
        if outcome is not None:
            checked += 1
            finds += outcome.found_something
            false_alarms += outcome is CheckOutcome.NOTHING_FOUND
        if review is not None:
            reviewed += 1
            confirmed += review.verdict is not Verdict.CLEAR
    responses = [r for r in tip_responses if start <= r.presented_at < end]
    # One source for the per-inspector check figures: the TIP scoring's.
    scores = summarize(responses, real)
    inspectors = tuple(
        InspectorTimes(
            operator=name,
            decisions=counts[name],
            flagged=flags[name],
            median_ms=_percentile(times.get(name, []), 50),
            p90_ms=_percentile(times.get(name, []), 90),
            flags_checked=scores[name].flags_checked,
            false_alarms=scores[name].false_alarms,
        )
        for name in sorted(counts)
    )
    return ShiftStatistics(
        start=start,
        end=end,
        parcels=len(scans),
        parcels_per_hour=tuple((hour, per_hour.get(hour, 0)) for hour in hours),
        triage_mix={level: mix.get(level, 0) for level in TRIAGE_LEVELS},
        decided=decided,
        flagged=flagged,
        reviewed_flags=reviewed,
        confirmed_flags=confirmed,
        overrides=overrides,
        inspectors=inspectors,
        detected_classes=dict(classes.most_common()),
        tip=scores if responses else {},
        checked_flags=checked,
        finds=finds,
        false_alarms=false_alarms,
        check_outcomes={o.value: outcomes.get(o.value, 0) for o in CheckOutcome}
        if outcomes
        else {},
    )
