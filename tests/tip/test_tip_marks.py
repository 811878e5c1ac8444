"""TIP scoring with the inspector's marks: located, hit_needs_mark, located hits in the
per-inspector figures and in the supervisor's shift report (CSV and PDF)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from station_app.config import StationConfig, TipConfig
from station_app.domain import BoxPx, Verdict
from station_app.supervision.shift_report import KOREAN, ReportTexts, csv_text, write_pdf
from station_app.supervision.statistics import compute
from station_app.tip.scoring import (
    TipOutcome,
    TipResponse,
    located_on_item,
    mark_on_item,
    score,
    summarize,
)

SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2026, 11, 23, 9, 0, tzinfo=SEOUL)
END = START + timedelta(hours=3)
ITEM = BoxPx(100, 40, 160, 70)  # a knife, 60 lines × 30 pixels
LOOSE = BoxPx(90, 30, 170, 90)  # a generous box around it
CLICK_BESIDE = BoxPx(150, 68, 165, 80)  # touches the item's corner, mostly beside it
ELSEWHERE = BoxPx(0, 0, 20, 20)


def _response(operator: str, verdict: Verdict, marks: tuple[BoxPx, ...] = (),
              outcome: TipOutcome | None = None, minute: int = 10) -> TipResponse:
    return TipResponse("t", "knife-00", "knife", operator, verdict, 3000.0,
                       (START + timedelta(minutes=minute)).astimezone(UTC), ITEM, marks, outcome)


def test_a_mark_is_on_the_item_when_it_covers_enough_of_it() -> None:
    assert mark_on_item([LOOSE], ITEM)
    assert mark_on_item([BoxPx(120, 50, 125, 55)], ITEM)  # small, inside the item
    # 10 × 2 px of overlap, a 15 × 12 px mark: under a quarter of the smaller box.
    assert not mark_on_item([CLICK_BESIDE], ITEM)
    assert not mark_on_item([ELSEWHERE], ITEM)
    assert not mark_on_item([BoxPx(160, 40, 170, 70)], ITEM)  # adjoining: half-open boxes
    assert mark_on_item([ELSEWHERE, LOOSE], ITEM)  # any mark will do


def test_located_says_none_without_a_mark() -> None:
    assert located_on_item((), ITEM) is None
    assert located_on_item((LOOSE,), None) is None  # item place unknown
    assert located_on_item((ELSEWHERE,), ITEM) is False
    assert located_on_item((ELSEWHERE, LOOSE), ITEM) is True
    assert _response("kim", Verdict.OPEN, (LOOSE,)).located is True
    assert _response("kim", Verdict.OPEN, (ELSEWHERE,)).located is False
    assert _response("kim", Verdict.OPEN).located is None
    # A hand-made response without the item's box cannot be located.
    bare = TipResponse("t", "knife-00", "knife", "kim", Verdict.OPEN, 1.0, START, marks=(LOOSE,))
    assert bare.located is None


def test_score_with_and_without_hit_needs_mark() -> None:
    # Off (the default): the verdict alone decides, marks or not.
    assert score(Verdict.OPEN) is TipOutcome.HIT
    assert score(Verdict.HOLD, (ELSEWHERE,), ITEM) is TipOutcome.HIT
    assert score(Verdict.CLEAR, (LOOSE,), ITEM) is TipOutcome.MISS
    # On: a flag must point at the item; "flagged elsewhere" is a miss.
    assert score(Verdict.OPEN, (LOOSE,), ITEM, hit_needs_mark=True) is TipOutcome.HIT
    assert score(Verdict.HOLD, (ELSEWHERE, LOOSE), ITEM, hit_needs_mark=True) is TipOutcome.HIT
    assert score(Verdict.OPEN, (ELSEWHERE,), ITEM, hit_needs_mark=True) is TipOutcome.MISS
    assert score(Verdict.OPEN, (), ITEM, hit_needs_mark=True) is TipOutcome.MISS
    assert score(Verdict.OPEN, (LOOSE,), None, hit_needs_mark=True) is TipOutcome.MISS
    assert score(Verdict.CLEAR, (LOOSE,), ITEM, hit_needs_mark=True) is TipOutcome.MISS


def test_stored_outcome_wins_over_the_verdict() -> None:
    # Scored a miss under hit_needs_mark when answered: the verdict alone would say hit.
    assert _response("kim", Verdict.OPEN, (ELSEWHERE,), TipOutcome.MISS).outcome is TipOutcome.MISS
    assert _response("kim", Verdict.OPEN, (ELSEWHERE,)).outcome is TipOutcome.HIT


def test_config_has_hit_needs_mark_off_by_default() -> None:
    assert TipConfig().hit_needs_mark is False
    config = StationConfig.model_validate({"tip": {"hit_needs_mark": True}})
    assert config.tip.hit_needs_mark is True


def _responses() -> list[TipResponse]:
    return [
        _response("kim", Verdict.OPEN, (LOOSE,)),  # located hit
        _response("kim", Verdict.HOLD, (ELSEWHERE,)),  # hit, flagged elsewhere
        _response("kim", Verdict.OPEN),  # hit, no mark
        _response("kim", Verdict.CLEAR, (LOOSE,)),  # miss, even with the mark on it
        _response("lee", Verdict.OPEN, (ELSEWHERE,), TipOutcome.MISS),  # rule on: a miss
        _response("lee", Verdict.HOLD, (ELSEWHERE, LOOSE), TipOutcome.HIT),  # rule on: a hit
    ]


def test_per_inspector_located_hits() -> None:
    stats = summarize(_responses())
    kim, lee = stats["kim"], stats["lee"]
    assert (kim.presented, kim.hits, kim.located_hits) == (4, 3, 1)
    assert kim.located_hit_rate == 0.25
    assert (lee.presented, lee.hits, lee.located_hits) == (2, 1, 1)
    assert summarize([]) == {}


def test_shift_report_shows_located_hits_beside_hits(tmp_path: Path) -> None:
    stats = compute([], START, END, SEOUL, _responses())
    assert stats.tip["kim"].located_hits == 1
    rows = list(csv.reader(io.StringIO(csv_text(stats, ReportTexts(), SEOUL))))
    tip_rows = [r for r in rows if r[0] == "tip"]
    # section, inspector, shown, hits, hit rate, located hits
    assert tip_rows == [["tip", "kim", "4", "3", "75.0 %", "1"],
                        ["tip", "lee", "2", "1", "50.0 %", "1"]]

    reader = PdfReader(write_pdf(tmp_path / "shift.pdf", stats, station="S1", zone=SEOUL))
    tip_page = reader.pages[-1].extract_text()
    assert "Threat image projection" in tip_page
    assert ReportTexts().tip_located_hit_rate in tip_page
    assert "1/4" in tip_page and "3/4" in tip_page  # located hits beside hits, kim

    korean = PdfReader(write_pdf(tmp_path / "shift-ko.pdf", stats, station="S1", zone=SEOUL,
                                 texts=KOREAN))
    assert "위치 적중률" in korean.pages[-1].extract_text().replace("\n", " ")
