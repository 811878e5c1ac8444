"""Scoring inspectors' responses to TIP images, and their per-inspector figures.

A TIP presentation is a HIT when the inspector did not clear the parcel (open
or hold: the item would have been found), a MISS when they cleared it. With
``tip.hit_needs_mark`` on, a hit must also point at the item: a response not
cleared whose marks are not on the item (none drawn, or drawn elsewhere) is a
MISS, "flagged elsewhere". Either way a response is **located** when one of its
marks is on the item (``mark_on_item``), and ``TipStats.located_hits`` counts
the hits that were. The outcome is scored once, under the rule in force when
the inspector answered, and stored: changing the setting never rescores the past.

False alarms are counted on the real parcels (a TIP response is never one): a
real parcel the inspector did not clear is an *alarm*; once the physical check at
the opening table found nothing in it (``station_app.physical_checks``), it is
a **false alarm**. A flag whose check found something, or whose check is still
to come, is not one; an alarm not yet checked stays an alarm.

The false-alarm rate is false alarms over **real parcels decided** by the
inspector, not over flags checked. That is the TIP literature's false-alarm
rate (non-TIP images judged as threats over non-TIP images shown), so it sits
beside the TIP hit rate on the same footing and does not reward an inspector
for flagging more: over flags checked it would be a share of their own flags
(that share is the supervisor's hit rate turned round). Until every flag of the
period is checked it is a lower bound; ``unchecked_alarms`` says by how much.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from station_app.domain import BoxPx, Verdict
from station_app.physical_checks import CheckOutcome


class TipOutcome(StrEnum):
    HIT = "hit"
    MISS = "miss"


# A mark "is on the item" when it covers at least this share of the smaller of the
# two boxes: a loose box around a knife counts, a click-sized box beside it does not.
MARK_OVERLAP_MIN = 0.25


def mark_on_item(marks: Sequence[BoxPx], item: BoxPx) -> bool:
    """Whether any of the inspector's marks points at the projected item."""
    for mark in marks:
        lines = min(mark.line1, item.line1) - max(mark.line0, item.line0)
        pixels = min(mark.px1, item.px1) - max(mark.px0, item.px0)
        if lines <= 0 or pixels <= 0:
            continue
        smaller = min(mark.height * mark.width, item.height * item.width)
        if smaller > 0 and lines * pixels >= MARK_OVERLAP_MIN * smaller:
            return True
    return False


def located_on_item(marks: Sequence[BoxPx], item: BoxPx | None) -> bool | None:
    """Whether the inspector pointed at the item: None when they drew no mark (or the
    item's place is unknown), else whether a mark is on it."""
    if not marks or item is None:
        return None
    return mark_on_item(marks, item)


def score(
    verdict: Verdict,
    marks: Sequence[BoxPx] = (),
    item: BoxPx | None = None,
    *,
    hit_needs_mark: bool = False,
) -> TipOutcome:
    """The outcome of an inspector's verdict (and marks) on a TIP image.

    ``hit_needs_mark``: a verdict other than CLEAR is a HIT only when a mark is on
    ``item`` (an unknown item box can then never be hit)."""
    if verdict is Verdict.CLEAR:
        return TipOutcome.MISS
    if hit_needs_mark and not located_on_item(marks, item):
        return TipOutcome.MISS
    return TipOutcome.HIT


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
    item_box: BoxPx | None = None  # where the item was projected (parcel pixels)
    marks: tuple[BoxPx, ...] = ()  # where the inspector pointed, in the order drawn
    # The outcome stored when the response was scored (under the ``hit_needs_mark``
    # rule then in force); None: scored from the verdict alone.
    scored: TipOutcome | None = None

    @property
    def outcome(self) -> TipOutcome:
        return self.scored if self.scored is not None else score(self.verdict)

    @property
    def located(self) -> bool | None:
        """A mark on the item: True; marks elsewhere: False; no mark drawn: None."""
        return located_on_item(self.marks, self.item_box)


@dataclass(frozen=True)
class RealDecision:
    """An inspector's decision on a real parcel, and what its physical check found
    (the result in force; None while unchecked or when no check was due)."""

    operator: str
    verdict: Verdict
    check: CheckOutcome | None = None

    @property
    def flagged(self) -> bool:
        return self.verdict is not Verdict.CLEAR

    @property
    def false_alarm(self) -> bool:
        """Flagged, opened, and nothing was found."""
        return self.flagged and self.check is CheckOutcome.NOTHING_FOUND


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
    flags_checked: int = 0  # real alarms with a physical-check result
    false_alarms: int = 0  # of those, checks that found nothing
    located_hits: int = 0  # hits with a mark on the item

    @property
    def located_hit_rate(self) -> float | None:
        """Located hits over TIP images presented (the stricter hit rate)."""
        return self.located_hits / self.presented if self.presented else None

    @property
    def misses(self) -> int:
        return self.presented - self.hits

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.presented if self.presented else None

    @property
    def alarm_rate(self) -> float | None:
        return self.real_alarms / self.real_decisions if self.real_decisions else None

    @property
    def unchecked_alarms(self) -> int:
        """Flags whose check result is not recorded (yet): still alarms."""
        return self.real_alarms - self.flags_checked

    @property
    def false_alarm_rate(self) -> float | None:
        """False alarms over real parcels decided (see the module docstring)."""
        return self.false_alarms / self.real_decisions if self.real_decisions else None


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
            real_alarms=sum(d.flagged for d in others),
            mean_hit_time_ms=sum(times) / len(times) if times else None,
            hits_by_category=dict(sorted(by_category.items())),
            flags_checked=sum(d.flagged and d.check is not None for d in others),
            false_alarms=sum(d.false_alarm for d in others),
            located_hits=sum(r.located is True for r in hits),
        )
    return stats
