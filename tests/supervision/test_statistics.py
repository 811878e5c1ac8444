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
    assert stats.hit_rate == pytest.approx(0.5)
    kim = next(i for i in stats.inspectors if i.operator == "kim")
    assert (kim.decisions, kim.flagged, kim.median_ms) == (2, 1, 5000.0)
    assert stats.detected_classes == {"knife": 2, "smartphone": 2, "laptop": 1}
    assert stats.tip["kim"].hits == 1 and stats.tip["kim"].real_decisions == 2


def test_empty_shift_and_bad_periods() -> None:
    stats = compute([], START, END, SEOUL)
    assert stats.parcels == 0 and stats.flag_rate is None and stats.hit_rate is None
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
