"""The shift report: charts (matplotlib figures), a PDF and a CSV.

The same figure builders feed the supervisor's statistics view (on a Qt
canvas) and the PDF, so the screen and the paper never disagree. Only
``matplotlib.figure.Figure`` is used, never pyplot: no global state, safe off
the GUI thread. Texts come in a ``ReportTexts`` (English and Korean here; the
GUI passes its own from its translations).
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import tzinfo
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from station_app.physical_checks import CheckOutcome
from station_app.supervision.statistics import TRIAGE_LEVELS, ShiftStatistics

# Hangul needs a CJK font (fonts-noto-cjk or fonts-nanum on Debian); matplotlib falls
# back from DejaVu Sans to it glyph by glyph.
_HANGUL_FONTS = ("Noto Sans CJK KR", "NanumGothic", "Noto Sans KR", "Malgun Gothic")


@functools.cache
def _font_family() -> list[str]:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    hangul = [name for name in _HANGUL_FONTS if name in installed][:1]
    return ["DejaVu Sans", *hangul]


FONT_FAMILY = _font_family()
TRIAGE_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828"}
A4_INCHES = (8.27, 11.69)


@dataclass(frozen=True)
class ReportTexts:
    title: str = "Shift report"
    station: str = "Station"
    period: str = "Period"
    parcels: str = "Parcels"
    parcels_per_hour: str = "Parcels per hour"
    hour: str = "Hour"
    triage_mix: str = "Triage mix"
    decided: str = "Decided"
    flag_rate: str = "Flag rate (not cleared / decided)"
    flags_checked: str = "Flagged parcels checked"
    hit_rate: str = "Hit rate (check found something / flagged parcels checked)"
    false_alarms: str = "False alarms (check found nothing)"
    awaiting_check: str = "Flagged parcels without a check result"
    confirmation_rate: str = "Review confirmation rate (kept flagged / reviewed flags)"
    overrides: str = "Supervisor overrides"
    decision_times: str = "Decision time per inspector (s)"
    inspector: str = "Inspector"
    decisions: str = "Decisions"
    flagged: str = "Flagged"
    median_s: str = "Median (s)"
    p90_s: str = "90th percentile (s)"
    detected_classes: str = "Detector classes seen"
    detections: str = "Detections"
    tip: str = "Threat image projection"
    tip_presented: str = "TIP shown"
    tip_hits: str = "Hits"
    tip_hit_rate: str = "Hit rate"
    # Hits whose mark was on the item (tip.scoring.TipStats.located_hits), over TIP shown.
    tip_located_hit_rate: str = "Located hit rate (marked on the item)"
    physical_checks: str = "Physical checks"
    checked: str = "Checked"
    false_alarms_column: str = "False alarms"
    false_alarm_rate: str = "False-alarm rate"  # false alarms / decisions (tip.scoring)
    outcome_nothing_found: str = "Nothing found"
    outcome_prohibited_item: str = "Prohibited item"
    outcome_undeclared_goods: str = "Undeclared goods"
    outcome_other: str = "Other"
    none: str = "none"


KOREAN = ReportTexts(
    title="근무 교대 보고서",
    station="검사대",
    period="기간",
    parcels="소포",
    parcels_per_hour="시간당 소포 수",
    hour="시각",
    triage_mix="위험 분류 분포",
    decided="판정 완료",
    flag_rate="적발 지정률 (통과 아님 / 판정)",
    flags_checked="개봉 검사된 지정 소포",
    hit_rate="적중률 (검사에서 발견 / 개봉 검사된 지정)",
    false_alarms="오경보 (개봉 검사 이상 없음)",
    awaiting_check="검사 결과가 없는 지정 소포",
    confirmation_rate="검토 확인률 (지정 유지 / 검토된 지정)",
    overrides="감독자 번복",
    decision_times="검사관별 판정 시간 (초)",
    inspector="검사관",
    decisions="판정",
    flagged="지정",
    median_s="중앙값 (초)",
    p90_s="90 백분위 (초)",
    detected_classes="탐지된 물품 종류",
    detections="탐지 수",
    tip="위협 이미지 투영 (TIP)",
    tip_presented="TIP 제시",
    tip_hits="적중",
    tip_hit_rate="적중률",
    tip_located_hit_rate="위치 적중률 (물품에 표시)",
    physical_checks="개봉 검사",
    checked="검사됨",
    false_alarms_column="오경보",
    false_alarm_rate="오경보율",
    outcome_nothing_found="이상 없음",
    outcome_prohibited_item="금지 물품",
    outcome_undeclared_goods="미신고 물품",
    outcome_other="기타",
    none="없음",
)

TEXTS = {"en": ReportTexts(), "ko": KOREAN}


def _figure(size: tuple[float, float] = (8.0, 3.2)) -> Figure:
    figure = Figure(figsize=size, layout="constrained")
    return figure


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _seconds(value_ms: float | None) -> str:
    return "—" if value_ms is None else f"{value_ms / 1000:.1f}"


def parcels_per_hour_figure(stats: ShiftStatistics, texts: ReportTexts) -> Figure:
    figure = _figure()
    axes = figure.add_subplot()
    labels = [hour.strftime("%H:%M") for hour, _ in stats.parcels_per_hour]
    axes.bar(range(len(labels)), [n for _, n in stats.parcels_per_hour], color="#1565c0")
    axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 12 else 0)
    axes.set_title(texts.parcels_per_hour, fontfamily=FONT_FAMILY)
    axes.set_xlabel(texts.hour, fontfamily=FONT_FAMILY)
    axes.set_ylabel(texts.parcels, fontfamily=FONT_FAMILY)
    return figure


def triage_mix_figure(stats: ShiftStatistics, texts: ReportTexts) -> Figure:
    figure = _figure()
    axes = figure.add_subplot()
    counts = [stats.triage_mix[level] for level in TRIAGE_LEVELS]
    names = [level.upper() for level in TRIAGE_LEVELS]
    bars = axes.barh(names, counts, color=[TRIAGE_COLOURS[lv] for lv in TRIAGE_LEVELS])
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_title(texts.triage_mix, fontfamily=FONT_FAMILY)
    axes.set_xlabel(texts.parcels, fontfamily=FONT_FAMILY)
    return figure


def decision_times_figure(stats: ShiftStatistics, texts: ReportTexts) -> Figure:
    figure = _figure()
    axes = figure.add_subplot()
    names = [i.operator for i in stats.inspectors]
    medians = [(i.median_ms or 0.0) / 1000 for i in stats.inspectors]
    p90 = [(i.p90_ms or 0.0) / 1000 for i in stats.inspectors]
    positions = range(len(names))
    axes.bar([p - 0.2 for p in positions], medians, width=0.4, label=texts.median_s)
    axes.bar([p + 0.2 for p in positions], p90, width=0.4, label=texts.p90_s)
    axes.set_xticks(list(positions), names)
    axes.set_title(texts.decision_times, fontfamily=FONT_FAMILY)
    axes.legend(prop={"family": FONT_FAMILY})
    return figure


def detected_classes_figure(
    stats: ShiftStatistics, texts: ReportTexts, label: dict[str, str] | None = None
) -> Figure:
    figure = _figure()
    axes = figure.add_subplot()
    classes = list(stats.detected_classes)
    if not classes:  # an empty bar chart reads as broken: say there were none
        axes.axis("off")
        axes.text(0.5, 0.5, texts.none, ha="center", va="center", fontfamily=FONT_FAMILY)
        axes.set_title(texts.detected_classes, fontfamily=FONT_FAMILY)
        return figure
    names = [(label or {}).get(c, c.replace("_", " ")) for c in classes]
    bars = axes.barh(names, [stats.detected_classes[c] for c in classes], color="#6a1b9a")
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_yticks(range(len(names)), names, fontfamily=FONT_FAMILY)
    axes.set_title(texts.detected_classes, fontfamily=FONT_FAMILY)
    axes.set_xlabel(texts.detections, fontfamily=FONT_FAMILY)
    return figure


def tip_figure(stats: ShiftStatistics, texts: ReportTexts) -> Figure:
    """Per inspector: the hit rate, and beside it the located-hit rate (hits whose
    mark was on the item), each labelled count/presented."""
    figure = _figure()
    axes = figure.add_subplot()
    names = list(stats.tip)
    positions = range(len(names))
    rates = [(stats.tip[n].hit_rate or 0.0) * 100 for n in names]
    located = [(stats.tip[n].located_hit_rate or 0.0) * 100 for n in names]
    bars = axes.bar([p - 0.2 for p in positions], rates, width=0.4, color="#00838f",
                    label=texts.tip_hit_rate)
    axes.bar_label(bars, labels=[f"{stats.tip[n].hits}/{stats.tip[n].presented}" for n in names])
    marked = axes.bar([p + 0.2 for p in positions], located, width=0.4, color="#ad1457",
                      label=texts.tip_located_hit_rate)
    axes.bar_label(
        marked, labels=[f"{stats.tip[n].located_hits}/{stats.tip[n].presented}" for n in names]
    )
    axes.set_xticks(list(positions), names)
    axes.set_ylim(0, 120)  # room for the labels and the legend above 100 %
    axes.set_ylabel("%", fontfamily=FONT_FAMILY)
    axes.set_title(texts.tip, fontfamily=FONT_FAMILY)
    axes.legend(prop={"family": FONT_FAMILY}, loc="upper right")
    return figure


def outcome_text(outcome: CheckOutcome, texts: ReportTexts) -> str:
    return str(getattr(texts, f"outcome_{outcome.value}"))


CHECK_COLOURS = {
    CheckOutcome.NOTHING_FOUND: "#9e9e9e",
    CheckOutcome.PROHIBITED_ITEM: "#c62828",
    CheckOutcome.UNDECLARED_GOODS: "#ef6c00",
    CheckOutcome.OTHER: "#5d4037",
}


def check_outcomes_figure(stats: ShiftStatistics, texts: ReportTexts) -> Figure:
    """Physical-check results in force, per outcome (every checked parcel)."""
    figure = _figure()
    axes = figure.add_subplot()
    outcomes = list(CheckOutcome)
    bars = axes.barh(
        [outcome_text(o, texts) for o in outcomes],
        [stats.check_outcomes.get(o.value, 0) for o in outcomes],
        color=[CHECK_COLOURS[o] for o in outcomes],
    )
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_yticks(range(len(outcomes)), [outcome_text(o, texts) for o in outcomes],
                    fontfamily=FONT_FAMILY)
    axes.set_title(texts.physical_checks, fontfamily=FONT_FAMILY)
    axes.set_xlabel(texts.parcels, fontfamily=FONT_FAMILY)
    return figure


def summary_rows(stats: ShiftStatistics, texts: ReportTexts, zone: tzinfo) -> list[tuple[str, str]]:
    period = (
        f"{stats.start.astimezone(zone):%Y-%m-%d %H:%M} – {stats.end.astimezone(zone):%H:%M %Z}"
    )
    return [
        (texts.period, period),
        (texts.parcels, str(stats.parcels)),
        (texts.decided, str(stats.decided)),
        (texts.flag_rate, _rate(stats.flag_rate)),
        (texts.flags_checked, str(stats.checked_flags)),
        (texts.hit_rate, _rate(stats.hit_rate)),
        (texts.false_alarms, str(stats.false_alarms)),
        (texts.awaiting_check, str(stats.unchecked_flags)),
        (texts.confirmation_rate, _rate(stats.confirmation_rate)),
        (texts.overrides, str(stats.overrides)),
    ]


def _summary_page(stats: ShiftStatistics, texts: ReportTexts, station: str, zone: tzinfo
                  ) -> Figure:
    figure = Figure(figsize=A4_INCHES)
    figure.text(0.08, 0.94, f"{texts.title} — {texts.station} {station}", fontsize=16,
                fontfamily=FONT_FAMILY, weight="bold")
    rows = summary_rows(stats, texts, zone)
    rows += [(level.upper(), str(stats.triage_mix[level])) for level in TRIAGE_LEVELS]
    table = figure.add_axes((0.08, 0.55, 0.84, 0.35))
    table.axis("off")
    drawn = table.table(cellText=[list(r) for r in rows], loc="upper left", cellLoc="left",
                        colWidths=[0.62, 0.38])
    drawn.scale(1, 1.5)
    inspectors = figure.add_axes((0.08, 0.08, 0.84, 0.42))
    inspectors.axis("off")
    header = [texts.inspector, texts.decisions, texts.flagged, texts.checked,
              texts.false_alarms_column, texts.false_alarm_rate, texts.median_s, texts.p90_s]
    body = [[i.operator, str(i.decisions), str(i.flagged), str(i.flags_checked),
             str(i.false_alarms), _rate(i.false_alarm_rate), _seconds(i.median_ms),
             _seconds(i.p90_ms)]
            for i in stats.inspectors] or [[texts.none, "", "", "", "", "", "", ""]]
    drawn = inspectors.table(cellText=body, colLabels=header, loc="upper left", cellLoc="left")
    # Eight columns: a fixed size, or matplotlib shrinks every cell to the longest header.
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(6.5)
    drawn.scale(1, 1.4)
    for cell in (*table.tables[0].get_celld().values(), *drawn.get_celld().values()):
        cell.get_text().set_fontfamily(FONT_FAMILY)
    return figure


def write_pdf(
    path: Path,
    stats: ShiftStatistics,
    *,
    station: str,
    zone: tzinfo,
    texts: ReportTexts | None = None,
    class_labels: dict[str, str] | None = None,
) -> Path:
    """Write the report as a multi-page PDF (atomically: a reader never sees half a file)."""
    texts = texts or ReportTexts()
    pages: list[Figure] = [
        _summary_page(stats, texts, station, zone),
        parcels_per_hour_figure(stats, texts),
        triage_mix_figure(stats, texts),
        decision_times_figure(stats, texts),
    ]
    if stats.detected_classes:
        pages.append(detected_classes_figure(stats, texts, class_labels))
    if stats.check_outcomes:
        pages.append(check_outcomes_figure(stats, texts))
    if stats.tip:
        pages.append(tip_figure(stats, texts))
    tmp = path.with_name(f".{path.name}.tmp")
    with PdfPages(tmp, metadata={"Title": f"{texts.title} {station}", "Creator": "station-app"}
                  ) as pdf:
        for page in pages:
            pdf.savefig(page)
    os.replace(tmp, path)
    return path


def csv_text(stats: ShiftStatistics, texts: ReportTexts, zone: tzinfo) -> str:
    """The report's figures as CSV sections (section, key, value...) for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "value", "extra1", "extra2", "extra3"])
    for key, value in summary_rows(stats, texts, zone):
        writer.writerow(["summary", key, value])
    for level in TRIAGE_LEVELS:
        writer.writerow(["triage", level.upper(), stats.triage_mix[level]])
    for hour, count in stats.parcels_per_hour:
        writer.writerow(["parcels_per_hour", hour.isoformat(), count])
    for i in stats.inspectors:
        writer.writerow(["inspector", i.operator, i.decisions, i.flagged, _seconds(i.median_ms),
                         _seconds(i.p90_ms)])
    for name, count in stats.detected_classes.items():
        writer.writerow(["detections", name, count])
    for outcome, count in stats.check_outcomes.items():
        writer.writerow(["check_outcomes", outcome, count])
    for i in stats.inspectors:
        writer.writerow(["inspector_checks", i.operator, i.flagged, i.flags_checked,
                         i.false_alarms, _rate(i.false_alarm_rate)])
    for name, tip in stats.tip.items():
        writer.writerow(["tip", name, tip.presented, tip.hits, _rate(tip.hit_rate),
                         tip.located_hits])
    return out.getvalue()


def write_csv(path: Path, stats: ShiftStatistics, *, zone: tzinfo,
              texts: ReportTexts | None = None) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    # utf-8-sig: spreadsheet programs then read Hangul correctly.
    tmp.write_text(csv_text(stats, texts or ReportTexts(), zone), encoding="utf-8-sig")
    os.replace(tmp, path)
    return path


def all_texts() -> Sequence[str]:
    """Every field of ReportTexts (for tests that check both languages are complete)."""
    return [f.name for f in fields(ReportTexts)]
