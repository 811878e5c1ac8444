"""Physical checks: what opening a flagged parcel found.

A parcel the X-ray inspector did not clear (open or hold) goes to the opening
table, where an officer (an inspector or a supervisor signed in at the
station) opens it and records what was found. The result is what turns an
inspector's *alarm* into a confirmed find or a *false alarm*
(``station_app.tip.scoring``) and what the supervisor's hit rate counts
(``station_app.supervision.statistics``).

Rules (enforced by ``storage.checks.CheckRepository``, in one transaction):

- a result answers one decision: the scan's newest decision, which must not be
  CLEAR (a supervisor who cleared it on review took it off the table);
- one result per parcel; a second one is refused, unless it is a supervisor's
  *correction* of the newest result, kept beside it: both stay, the newest
  counts (``newest_per_scan``);
- ``other`` needs a note saying what, and a correction a note saying why.

A TIP image is never checked: the response to it is kept in
``tip_presentations``, not as a decision, so no result can answer it.
Plain records here (no database, no Qt): storage, scoring and the GUI share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from station_app.domain import Verdict
from station_app.errors import StationError

MAX_NOTE_CHARS: Final = 2000


class CheckOutcome(StrEnum):
    NOTHING_FOUND = "nothing_found"
    PROHIBITED_ITEM = "prohibited_item"  # a threat or prohibited item
    UNDECLARED_GOODS = "undeclared_goods"  # undeclared or misdeclared goods (customs)
    OTHER = "other"  # anything else; the note says what

    @property
    def found_something(self) -> bool:
        """The check confirmed the flag: a seizure or a customs finding."""
        return self in FINDS


FINDS: Final = frozenset({CheckOutcome.PROHIBITED_ITEM, CheckOutcome.UNDECLARED_GOODS})


class CheckError(StationError):
    """A check result that cannot be recorded as asked; the message says why."""


@dataclass(frozen=True)
class CheckResult:
    """One recorded result (or, with ``check_id`` None, one about to be recorded).

    ``corrects_check_id``: this is a supervisor's correction of that earlier result.
    """

    scan_id: str
    decision_id: int  # the decision it answers (decisions.id)
    outcome: CheckOutcome
    note: str
    operator: str
    checked_at: datetime  # aware
    check_id: int | None = None  # physical_checks.id once stored
    corrects_check_id: int | None = None

    def __post_init__(self) -> None:
        # Records are built from GUI input: refuse what could never be stored.
        where = f"check of {self.scan_id}"
        if not self.scan_id:
            raise CheckError("a check result needs a scan id")
        if self.checked_at.tzinfo is None or self.checked_at.utcoffset() is None:
            raise CheckError(f"{where}: checked_at has no time zone")
        if not isinstance(self.outcome, CheckOutcome):
            raise CheckError(f"{where}: outcome {self.outcome!r} is not one of "
                             f"{', '.join(o.value for o in CheckOutcome)}")
        if len(self.note) > MAX_NOTE_CHARS:
            raise CheckError(f"{where}: the note is longer than {MAX_NOTE_CHARS} characters")
        if self.outcome is CheckOutcome.OTHER and not self.note.strip():
            raise CheckError(f"{where}: outcome 'other' needs a note saying what was found")
        if self.corrects_check_id is not None and not self.note.strip():
            raise CheckError(f"{where}: a correction needs a note saying why")

    @property
    def is_correction(self) -> bool:
        return self.corrects_check_id is not None


def parse_outcome(text: str) -> CheckOutcome:
    """An outcome from its value (``nothing_found`` ...); ``CheckError`` naming the choices."""
    try:
        return CheckOutcome(text.strip().lower())
    except ValueError:
        choices = ", ".join(o.value for o in CheckOutcome)
        raise CheckError(f"unknown check outcome {text!r}: one of {choices}") from None


def newest_per_scan(results: Iterable[CheckResult]) -> dict[str, CheckResult]:
    """The result in force per scan: the newest (highest id; a correction comes later)."""
    newest: dict[str, CheckResult] = {}
    for result in results:
        held = newest.get(result.scan_id)
        if held is None or (result.check_id or 0) > (held.check_id or 0):
            newest[result.scan_id] = result
    return newest


@dataclass(frozen=True)
class PendingCheck:
    """A parcel waiting at the opening table: its newest decision is not CLEAR and
    no result is recorded yet."""

    scan_id: str
    station_id: str
    tracking_id: str | None
    started_at: datetime
    decision_id: int  # the newest decision, the one a result will answer
    verdict: Verdict  # OPEN or HOLD
    operator: str  # who made that decision
    decided_at: datetime
    by_supervisor: bool  # the decision is a supervisor's review
