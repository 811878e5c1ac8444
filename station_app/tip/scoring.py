"""Scoring inspectors' responses to TIP images, and their per-inspector figures.

A TIP presentation is a HIT when the inspector did not clear the parcel (open
or hold: the item would have been found), a MISS when they cleared it. False
alarms are counted on the other parcels: a parcel without a TIP item that the
inspector did not clear and that a physical check then found clean. Until a
check result exists (the station has none yet) a non-cleared real parcel is
an *alarm*, and the alarm rate is reported, not called a false-alarm rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from station_app.domain import Verdict


class TipOutcome(StrEnum):
    HIT = "hit"
    MISS = "miss"


def score(verdict: Verdict) -> TipOutcome:
    """The outcome of an inspector's verdict on a TIP image."""
    return TipOutcome.MISS if verdict is Verdict.CLEAR else TipOutcome.HIT


@dataclass(frozen=True)
class TipResponse:
    """One TIP image and what the inspector did with it."""

    scan_id: str
    item_id: str
    category: str
    operator: str
    verdict: Verdict
    response_time_ms: float | None
    presented_at: datetime

    @property
    def outcome(self) -> TipOutcome:
        return score(self.verdict)


@dataclass(frozen=True)
class RealDecision:
    """A decision on a parcel without TIP item (for the alarm rate)."""

    operator: str
    verdict: Verdict


@dataclass(frozen=True)
class TipStats:
    """One inspector's TIP figures over a period."""

    operator: str
    presented: int
    hits: int
    real_decisions: int
    real_alarms: int  # real parcels not cleared
    mean_hit_time_ms: float | None
    hits_by_category: dict[str, tuple[int, int]]  # category -> (hits, presented)

    @property
    def misses(self) -> int:
        return self.presented - self.hits

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.presented if self.presented else None

    @property
    def alarm_rate(self) -> float | None:
        return self.real_alarms / self.real_decisions if self.real_decisions else None


def summarize(
    responses: Iterable[TipResponse], real: Iterable[RealDecision] = ()
) -> dict[str, TipStats]:
    """Per-inspector figures, keyed by operator, sorted by name."""
    tip: dict[str, list[TipResponse]] = {}
    for response in responses:
        tip.setdefault(response.operator, []).append(response)
    decided: dict[str, list[RealDecision]] = {}
    for decision in real:
        decided.setdefault(decision.operator, []).append(decision)
    stats = {}
    for operator in sorted(set(tip) | set(decided)):
        mine = tip.get(operator, [])
        hits = [r for r in mine if r.outcome is TipOutcome.HIT]
        times = [r.response_time_ms for r in hits if r.response_time_ms is not None]
        by_category: dict[str, tuple[int, int]] = {}
        for r in mine:
            h, n = by_category.get(r.category, (0, 0))
            by_category[r.category] = (h + (r.outcome is TipOutcome.HIT), n + 1)
        others = decided.get(operator, [])
        stats[operator] = TipStats(
            operator=operator,
            presented=len(mine),
            hits=len(hits),
            real_decisions=len(others),
            real_alarms=sum(d.verdict is not Verdict.CLEAR for d in others),
            mean_hit_time_ms=sum(times) / len(times) if times else None,
            hits_by_category=dict(sorted(by_category.items())),
        )
    return stats
