"""Shift statistics and the shift report (PDF, CSV) from hand-made facts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from station_app.domain import Verdict
from station_app.physical_checks import CheckOutcome, CheckResult
from station_app.storage.review import DecisionFact, ScanFact
from station_app.supervision.shift_report import (
    KOREAN,
    ReportTexts,
    all_texts,
    csv_text,
    write_csv,
    write_pdf,
)
from station_app.supervision.statistics import compute
from station_app.tip.scoring import TipResponse

SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2026, 11, 23, 9, 0, tzinfo=SEOUL)
END = START + timedelta(hours=3)


def _decision(operator: str, verdict: Verdict, minute: int, ms: float | None = 3000.0,
              supervisor: bool = False) -> DecisionFact:
    return DecisionFact(operator, verdict, START + timedelta(minutes=minute), ms, supervisor)


def _facts() -> list[ScanFact]:
    kim, lee, boss = "kim", "lee", "park"
    return [
        ScanFact("a", "S1", START + timedelta(minutes=5), "green", (),
                 (_decision(kim, Verdict.CLEAR, 6, 2000.0),)),
        ScanFact("b", "S1", START + timedelta(minutes=20), "red", ("knife",),
                 (_decision(kim, Verdict.HOLD, 21, 8000.0),
                  _decision(boss, Verdict.HOLD, 40, None, supervisor=True))),
        ScanFact("c", "S1", START + timedelta(minutes=70), "amber", ("smartphone", "knife"),
                 (_decision(lee, Verdict.OPEN, 71, 5000.0),
                  _decision(boss, Verdict.CLEAR, 90, None, supervisor=True))),
        ScanFact("d", "S2", START + timedelta(minutes=75), "green", ("smartphone",),
                 (_decision(lee, Verdict.CLEAR, 76, 1000.0),)),
        ScanFact("e", "S2", START + timedelta(minutes=130), "amber", ("laptop",), ()),
        # Before and after the shift: left out.
        ScanFact("early", "S1", START - timedelta(minutes=1), "red", ("handgun",), ()),
        ScanFact("late", "S1", END, "red", ("handgun",), ()),
    ]


def test_figures_of_a_shift() -> None:
    tip = [TipResponse("t1", "knife-00", "knife", "kim", Verdict.HOLD, 4000.0,
                       (START + timedelta(minutes=30)).astimezone(UTC))]
    stats = compute(_facts(), START, END, SEOUL, tip)
    assert stats.parcels == 5
    assert [n for _, n in stats.parcels_per_hour] == [2, 2, 1]
    assert [h.hour for h, _ in stats.parcels_per_hour] == [9, 10, 11]  # local hours
    assert stats.triage_mix == {"green": 2, "amber": 2, "red": 1}
    assert (stats.decided, stats.flagged) == (4, 2)
    assert stats.flag_rate == pytest.approx(0.5)
    # b confirmed by the supervisor, c overridden to CLEAR.
    assert (stats.reviewed_flags, stats.confirmed_flags, stats.overrides) == (2, 1, 1)
    assert stats.confirmation_rate == pytest.approx(0.5)
    assert stats.hit_rate is None and stats.unchecked_flags == 2  # no check recorded yet
    kim = next(i for i in stats.inspectors if i.operator == "kim")
    assert (kim.decisions, kim.flagged, kim.median_ms) == (2, 1, 5000.0)
    assert stats.detected_classes == {"knife": 2, "smartphone": 2, "laptop": 1}
    assert stats.tip["kim"].hits == 1 and stats.tip["kim"].real_decisions == 2


def test_empty_shift_and_bad_periods() -> None:
    stats = compute([], START, END, SEOUL)
    assert stats.parcels == 0 and stats.flag_rate is None and stats.hit_rate is None
    assert stats.confirmation_rate is None and stats.check_outcomes == {}
    with pytest.raises(ValueError, match="timezone-aware"):
        compute([], START.replace(tzinfo=None), END, SEOUL)
    with pytest.raises(ValueError, match="ends before"):
        compute([], END, START, SEOUL)


def test_pdf_and_csv_reports(tmp_path: Path) -> None:
    stats = compute(_facts(), START, END, SEOUL)
    pdf = write_pdf(tmp_path / "shift.pdf", stats, station="S1", zone=SEOUL, texts=KOREAN)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 5  # summary, per hour, triage, times, classes (no TIP)
    first = reader.pages[0].extract_text()
    assert "근무 교대 보고서" in first and "kim" in first and "50.0 %" in first
    assert not list(tmp_path.glob(".*.tmp"))

    path = write_csv(tmp_path / "shift.csv", stats, zone=SEOUL)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert ["triage", "RED", "1"] in rows
    assert ["inspector", "lee", "2", "1", "3.0", "4.6"] in rows
    assert csv_text(stats, ReportTexts(), SEOUL).startswith("section,key,value")


def test_korean_texts_are_complete() -> None:
    english = ReportTexts()
    for name in all_texts():
        assert getattr(KOREAN, name) != getattr(english, name), name


# ------------------------------------------------------------------- physical checks


def _check(scan_id: str, outcome: CheckOutcome, check_id: int, corrects: int | None = None,
           note: str = "") -> CheckResult:
    return CheckResult(scan_id, 1, outcome, note or ("why" if corrects else ""), "officer",
                       (START + timedelta(hours=2)).astimezone(UTC), check_id, corrects)


def _flagged_facts() -> list[ScanFact]:
    kim, lee, boss = "kim", "lee", "park"
    return [
        ScanFact("a", "S1", START + timedelta(minutes=1), "green", (),
                 (_decision(kim, Verdict.CLEAR, 2),)),
        ScanFact("b", "S1", START + timedelta(minutes=3), "red", (),
                 (_decision(kim, Verdict.HOLD, 4),)),
        ScanFact("c", "S1", START + timedelta(minutes=5), "amber", (),
                 (_decision(lee, Verdict.OPEN, 6),)),
        # Cleared by lee, reopened by a supervisor: checked, but not lee's flag.
        ScanFact("d", "S1", START + timedelta(minutes=7), "amber", (),
                 (_decision(lee, Verdict.CLEAR, 8),
                  _decision(boss, Verdict.OPEN, 9, None, supervisor=True))),
        ScanFact("f", "S1", START + timedelta(minutes=10), "amber", (),
                 (_decision(kim, Verdict.OPEN, 11),)),
        ScanFact("g", "S1", START + timedelta(minutes=12), "red", (),
                 (_decision(lee, Verdict.HOLD, 13),)),  # flagged, not checked yet
    ]


def test_hit_rate_and_false_alarms_from_physical_checks() -> None:
    checks = [
        _check("b", CheckOutcome.NOTHING_FOUND, 1),
        _check("c", CheckOutcome.UNDECLARED_GOODS, 2),
        _check("d", CheckOutcome.PROHIBITED_ITEM, 3),
        _check("f", CheckOutcome.NOTHING_FOUND, 4),
        # A supervisor's correction of b: the knife was found after all; the newest counts.
        _check("b", CheckOutcome.PROHIBITED_ITEM, 5, corrects=1),
        _check("elsewhere", CheckOutcome.NOTHING_FOUND, 6),  # a scan outside the period
    ]
    # kim's TIP image answered HOLD: a hit, never a real flag or a false alarm.
    tip = [TipResponse("f", "knife-00", "knife", "kim", Verdict.HOLD, 2000.0,
                       (START + timedelta(minutes=10)).astimezone(UTC))]
    stats = compute(_flagged_facts(), START, END, SEOUL, tip, checks)
    assert (stats.flagged, stats.checked_flags, stats.unchecked_flags) == (4, 3, 1)
    assert (stats.finds, stats.false_alarms) == (2, 1)  # b (corrected) and c; f
    assert stats.hit_rate == pytest.approx(2 / 3)
    assert stats.check_outcomes == {"nothing_found": 1, "prohibited_item": 2,
                                    "undeclared_goods": 1, "other": 0}
    kim = next(i for i in stats.inspectors if i.operator == "kim")
    lee = next(i for i in stats.inspectors if i.operator == "lee")
    assert (kim.decisions, kim.flagged, kim.flags_checked, kim.false_alarms) == (3, 2, 2, 1)
    assert kim.false_alarm_rate == pytest.approx(1 / 3)
    assert (lee.decisions, lee.flagged, lee.flags_checked, lee.false_alarms) == (3, 2, 1, 0)
    scored = stats.tip["kim"]
    assert (scored.presented, scored.hits) == (1, 1)
    assert (scored.real_decisions, scored.real_alarms, scored.false_alarms) == (3, 2, 1)
    assert scored.false_alarm_rate == pytest.approx(1 / 3)


def test_false_alarm_counted_only_after_a_nothing_found_check() -> None:
    unchecked = compute(_flagged_facts(), START, END, SEOUL)
    assert (unchecked.false_alarms, unchecked.checked_flags, unchecked.hit_rate) == (0, 0, None)
    assert unchecked.unchecked_flags == 4
    assert all(i.false_alarms == 0 for i in unchecked.inspectors)
    found = compute(_flagged_facts(), START, END, SEOUL, (),
                    [_check("b", CheckOutcome.PROHIBITED_ITEM, 1)])
    assert (found.false_alarms, found.finds, found.hit_rate) == (0, 1, 1.0)
    # "other" is checked, neither a find nor a false alarm.
    other = compute(_flagged_facts(), START, END, SEOUL, (),
                    [_check("b", CheckOutcome.OTHER, 1, note="parcel empty, torn open")])
    assert (other.checked_flags, other.finds, other.false_alarms) == (1, 0, 0)
    assert other.hit_rate == 0.0
    nothing = compute(_flagged_facts(), START, END, SEOUL, (),
                      [_check("b", CheckOutcome.NOTHING_FOUND, 1)])
    assert nothing.false_alarms == 1
    assert next(i for i in nothing.inspectors if i.operator == "kim").false_alarms == 1


def test_report_shows_checks(tmp_path: Path) -> None:
    checks = [_check("b", CheckOutcome.NOTHING_FOUND, 1),
              _check("c", CheckOutcome.UNDECLARED_GOODS, 2)]
    stats = compute(_flagged_facts(), START, END, SEOUL, (), checks)
    rows = list(csv.reader(io.StringIO(csv_text(stats, ReportTexts(), SEOUL))))
    summary = {r[1]: r[2] for r in rows if r[0] == "summary"}
    texts = ReportTexts()
    assert summary[texts.hit_rate] == "50.0 %"
    assert summary[texts.false_alarms] == "1" and summary[texts.flags_checked] == "2"
    assert summary[texts.awaiting_check] == "2"
    assert summary[texts.confirmation_rate] == "—"  # nothing reviewed
    assert ["check_outcomes", "undeclared_goods", "1"] in rows
    assert ["inspector_checks", "kim", "2", "1", "1", "33.3 %"] in rows
    pdf = write_pdf(tmp_path / "shift.pdf", stats, station="S1", zone=SEOUL)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 5  # summary, per hour, triage, times, checks (no classes)
    assert "Physical checks" in reader.pages[4].extract_text()
    assert "False alarms" in reader.pages[0].extract_text()
