"""Shift statistics for supervisors, computed from plain facts (no database here).

What a supervisor reads at the end of a shift, and what the shift report and
the statistics charts show:

- parcels per hour (by scan start, in the station's local time zone);
- triage mix: green / amber / red counts;
- flag rate: parcels the inspector did not clear, over parcels decided;
- hit rate: of the flagged parcels a supervisor reviewed, the share the
  supervisor confirmed (not overridden to CLEAR);
- decision times per inspector: count, median and 90th percentile;
- detector classes seen: detections per class;
- TIP: per-inspector figures from ``station_app.tip.scoring``.

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
from station_app.storage.review import ScanFact
from station_app.tip.scoring import RealDecision, TipResponse, TipStats, summarize


@dataclass(frozen=True)
class InspectorTimes:
    operator: str
    decisions: int
    flagged: int
    median_ms: float | None
    p90_ms: float | None


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

    @property
    def flag_rate(self) -> float | None:
        return self.flagged / self.decided if self.decided else None

    @property
    def hit_rate(self) -> float | None:
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
) -> ShiftStatistics:
    """The statistics of the scans started in [start, end)."""
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
    decided = flagged = reviewed = confirmed = overrides = 0
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
        real.append(RealDecision(first.operator, first.verdict))
        if first.decision_time_ms is not None:
            times.setdefault(first.operator, []).append(first.decision_time_ms)
        review = fact.supervisor_decision
        if review is not None and review.verdict is not first.verdict:
            overrides += 1
        if first.verdict is Verdict.CLEAR:
            continue
        flagged += 1
        flags[first.operator] += 1
        if review is not None:
            reviewed += 1
            confirmed += review.verdict is not Verdict.CLEAR
    inspectors = tuple(
        InspectorTimes(
            operator=name,
            decisions=counts[name],
            flagged=flags[name],
            median_ms=_percentile(times.get(name, []), 50),
            p90_ms=_percentile(times.get(name, []), 90),
        )
        for name in sorted(counts)
    )
    responses = [r for r in tip_responses if start <= r.presented_at < end]
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
        tip=summarize(responses, real) if responses else {},
    )
