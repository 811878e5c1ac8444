"""Inspectors' marks: the codec, and marks stored with decisions and TIP responses.

Real database files (SQLite, and PostgreSQL when the test command started one),
through the real repositories, the audit trail and the OPERATOR report writer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from drivers.base import DetectorLayout, ScannerInfo
from station_app.config import MaterialsConfig
from station_app.dicos import read_tdr
from station_app.domain import BoxPx, Decision, ParcelScan, Verdict
from station_app.errors import StationError
from station_app.imaging.render import Renderer
from station_app.marks import (
    MAX_MARKS,
    MarksError,
    check_marks,
    marks_from_text,
    marks_to_list,
    marks_to_text,
)
from station_app.storage import Database, ScanRepository, StorageError
from station_app.storage.audit import AuditLog
from station_app.storage.db import alembic_config
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.images import DicosSettings, ImageStore
from station_app.storage.models import DecisionRow, OutboxRow, TipPresentationRow
from station_app.storage.operator_reports import OperatorReportWriter
from station_app.storage.review import ReviewFilter, ReviewRepository
from station_app.storage.tip import TipRepository
from station_app.tip.scoring import TipOutcome, TipResponse

ParcelFactory = Callable[..., ParcelScan]
STATION = "STATION-M"
KNIFE = BoxPx(10, 20, 30, 60)  # where the (TIP) item is
ON_KNIFE = BoxPx(12, 25, 28, 55)
BESIDE = BoxPx(40, 80, 50, 100)
WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SCANNER = ScannerInfo(
    vendor="ACME", model="DE-6040", serial="SN-42", pixels=128, pitch_mm=1.6,
    line_rate_hz=250.0, belt_speed_m_s=0.25, tube_kv=160.0, tube_ma=1.2,
    detector_layout=DetectorLayout.SANDWICH,
)


# ---------------------------------------------------------------- codec


def test_codec_round_trip_keeps_order() -> None:
    marks = (ON_KNIFE, BESIDE, BoxPx(0, 0, 1, 1))
    text_form = marks_to_text(marks)
    assert text_form == "[[12,25,28,55],[40,80,50,100],[0,0,1,1]]"
    assert marks_from_text(text_form) == marks
    assert marks_to_list(marks) == [[12, 25, 28, 55], [40, 80, 50, 100], [0, 0, 1, 1]]
    assert check_marks([[12, 25, 28, 55]]) == (ON_KNIFE,)
    assert check_marks([[np.int64(1), np.int32(2), 3, 4]]) == (BoxPx(1, 2, 3, 4),)
    # Nothing marked: no stored text at all, and NULL / "" read back as no marks.
    assert marks_to_text(()) is None
    assert marks_from_text(None) == () and marks_from_text("") == ()


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ([[1, 2, 3]], "mark 1: expected four integers"),
        ([[1, 2, 3, 4, 5]], "mark 1: expected four integers"),
        ([[0, 0, 4, 4], [1.5, 2, 3, 4]], "mark 2: expected four integers"),
        ([[True, 2, 3, 4]], "expected four integers"),
        ([["1", 2, 3, 4]], "expected four integers"),
        ([[-1, 2, 3, 4]], "must lie in 0.."),
        ([[0, 0, 2_000_000, 4]], "must lie in 0.."),
        ([[5, 2, 5, 4]], "empty or inverted"),
        ([[6, 2, 5, 4]], "empty or inverted"),
        ([[1, 9, 5, 4]], "empty or inverted"),
        ([BoxPx(3, 3, 1, 1)], "empty or inverted"),
        ([{"line0": 1}], "expected [line0, px0, line1, px1]"),
        ("[[1,2,3,4]]", "must be a list"),
        ([[0, 0, 1, 1]] * (MAX_MARKS + 1), f"at most {MAX_MARKS}"),
    ],
)
def test_codec_refuses_malformed_marks(marks: Any, message: str) -> None:
    with pytest.raises(MarksError, match=message.replace("[", r"\[").replace("(", r"\(")):
        check_marks(marks)


def test_codec_refuses_damaged_stored_text() -> None:
    with pytest.raises(MarksError, match="not JSON"):
        marks_from_text("[[1,2,3,4]")
    with pytest.raises(MarksError, match="not a list"):
        marks_from_text('{"a": 1}')
    with pytest.raises(MarksError, match="inverted"):
        marks_from_text("[[4,4,1,1]]")
    assert issubclass(MarksError, StationError) and issubclass(MarksError, ValueError)
    assert len(check_marks([[0, 0, 1, 1]] * MAX_MARKS)) == MAX_MARKS  # the limit itself is fine


# ---------------------------------------------------------------- schema


def test_migration_0013_adds_and_removes_the_columns(
    database: Database, make_parcel: ParcelFactory, image_store: ImageStore
) -> None:
    scans = ScanRepository(database, image_store, STATION)
    scans.save_parcel(make_parcel("S-1", tracking_id=None))
    scans.record_decision(Decision("S-1", Verdict.OPEN, "kim", WHEN, marks=(ON_KNIFE,)))
    for table in ("decisions", "tip_presentations"):
        column = {c["name"]: c for c in inspect(database.engine).get_columns(table)}["marks"]
        assert column["nullable"]
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0012")
    for table in ("decisions", "tip_presentations"):
        assert "marks" not in {c["name"] for c in inspect(database.engine).get_columns(table)}
    with database.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    record = scans.get_scan("S-1")  # the decision survived; its marks went with the column
    assert record is not None and [(d.verdict, d.marks) for d in record.decisions] == [
        (Verdict.OPEN, ())]


# ---------------------------------------------------------------- decisions


@pytest.fixture
def store(tmp_path: Path) -> ImageStore:
    renderer = Renderer(MaterialsConfig())
    return ImageStore(
        tmp_path / "images",
        dicos=DicosSettings(
            station_id=STATION, render=lambda p: renderer.render(p.image), scanner=lambda: SCANNER
        ),
    )


@pytest.fixture
def scans(database: Database, store: ImageStore) -> ScanRepository:
    return ScanRepository(database, store, STATION)


def _decided_event(database: Database, scan_id: str) -> dict[str, Any]:
    with database.read_session() as session:
        payloads = [
            dict(p)
            for p in session.scalars(
                select(OutboxRow.payload)
                .where(OutboxRow.topic == "scan.decided", OutboxRow.aggregate_id == scan_id)
                .order_by(OutboxRow.id)
            )
        ]
    return payloads[-1]


def test_decision_marks_are_stored_and_come_back_everywhere(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel("S-1", tracking_id=None))
    scans.save_parcel(make_parcel("S-2", tracking_id=None))
    scans.record_decision(Decision("S-1", Verdict.OPEN, "kim", WHEN, "", 1200.0,
                                   marks=(ON_KNIFE, BESIDE)))
    scans.record_decision(Decision("S-2", Verdict.HOLD, "kim", WHEN))

    # History (ScanRecord), in the order drawn; an unmarked decision has none.
    record = scans.get_scan("S-1")
    assert record is not None and record.decisions[0].marks == (ON_KNIFE, BESIDE)
    other = scans.get_scan("S-2")
    assert other is not None and other.decisions[0].marks == ()
    with database.read_session() as session:
        stored = {scan: marks for scan, marks in session.execute(
            select(DecisionRow.scan_id, DecisionRow.marks))}
    assert stored == {"S-1": "[[12,25,28,55],[40,80,50,100]]", "S-2": None}

    # The supervisor's review queue and statistics facts.
    queue = {i.scan.scan_id: i for i in ReviewRepository(database).queue(ReviewFilter())}
    first = queue["S-1"].scan.inspector_decision
    assert first is not None and first.marks == (ON_KNIFE, BESIDE)
    held = queue["S-2"].scan.inspector_decision
    assert held is not None and held.marks == ()

    # The event for central and the audit entry.
    event = _decided_event(database, "S-1")
    assert event["marks"] == [[12, 25, 28, 55], [40, 80, 50, 100]]
    assert _decided_event(database, "S-2")["marks"] == []
    entries = AuditLog(database, STATION).entries(action="decision.recorded")
    assert [e.details.get("marks") for e in entries] == [
        [[12, 25, 28, 55], [40, 80, 50, 100]], None]

    # The OPERATOR report: the machine's PTOs, then one per mark, same pixel grid.
    files = ImageFileRepository(database)
    assert OperatorReportWriter(files, store).write_due() == 2
    reports = {
        f.scan_id: read_tdr(store.path(str(f.relative_path)))
        for f in files.files_of("S-1") + files.files_of("S-2")
        if f.kind.startswith("tdr_operator_")
    }
    machine = [t for t in reports["S-1"].threats if not t.description.startswith("operator mark")]
    marked = [t for t in reports["S-1"].threats if t.description.startswith("operator mark")]
    assert [t.box for t in marked] == [ON_KNIFE, BESIDE]
    assert {(t.category, t.flag) for t in marked} == {("ANOMALY", "THREAT")}
    assert [t.pto_id for t in marked] == [len(machine) + 1, len(machine) + 2]
    assert not any(t.description.startswith("operator mark") for t in reports["S-2"].threats)


def test_malformed_decision_marks_are_refused_and_nothing_is_recorded(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel("S-1", tracking_id=None))
    with pytest.raises(StorageError, match=r"S-1 was not recorded: mark 2: empty or inverted"):
        scans.record_decision(Decision("S-1", Verdict.OPEN, "kim", WHEN,
                                       marks=(ON_KNIFE, BoxPx(9, 9, 3, 3))))
    with pytest.raises(StorageError, match="at most 20"):
        scans.record_decision(Decision("S-1", Verdict.OPEN, "kim", WHEN, marks=(ON_KNIFE,) * 21))
    record = scans.get_scan("S-1")
    assert record is not None and record.decisions == ()
    assert AuditLog(database, STATION).entries(action="decision.recorded") == []
    with database.read_session() as session:
        assert list(session.scalars(select(OutboxRow.topic))) == ["scan.processed"]


def test_damaged_stored_marks_are_named_not_guessed(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel("S-1", tracking_id=None))
    scans.record_decision(Decision("S-1", Verdict.OPEN, "kim", WHEN, marks=(ON_KNIFE,)))
    with database.write_session() as session:
        session.execute(text("UPDATE decisions SET marks = '[[5,5,1,1]]'"))
    with pytest.raises(MarksError, match="inverted"):
        scans.get_scan("S-1")


# ---------------------------------------------------------------- TIP responses


@pytest.fixture
def tips(database: Database, scans: ScanRepository, make_parcel: ParcelFactory) -> TipRepository:
    scans.save_parcel(make_parcel("S-T", tracking_id=None))
    return TipRepository(database, STATION)


def test_tip_response_marks_are_stored_scored_and_audited(
    tips: TipRepository, database: Database
) -> None:
    located = tips.add_presentation("S-T", "knife-00", "knife", KNIFE, 0.0)
    elsewhere = tips.add_presentation("S-T", "knife-01", "knife", KNIFE, 0.0)
    unmarked = tips.add_presentation("S-T", "knife-02", "knife", KNIFE, 0.0)
    # Rule off: the verdict decides, the marks are kept and judged all the same.
    assert tips.record_response(located, "kim", Verdict.OPEN, 900.0, (BESIDE, ON_KNIFE)) == "hit"
    assert tips.record_response(elsewhere, "kim", Verdict.HOLD, 800.0, (BESIDE,)) == "hit"
    assert tips.record_response(unmarked, "kim", Verdict.OPEN, 700.0) == "hit"

    responses: dict[int, TipResponse] = {}
    for presentation in (located, elsewhere, unmarked):
        record = tips.get(presentation)
        assert record is not None and record.response is not None
        responses[presentation] = record.response
    assert responses[located].marks == (BESIDE, ON_KNIFE)
    assert responses[located].item_box == KNIFE and responses[located].located is True
    assert responses[elsewhere].located is False
    assert responses[unmarked].located is None and responses[unmarked].marks == ()
    with database.read_session() as session:
        query = select(TipPresentationRow.id, TipPresentationRow.marks)
        stored = {pid: marks for pid, marks in session.execute(query)}
    assert stored[unmarked] is None and stored[elsewhere] == "[[40,80,50,100]]"
    details = [e.details for e in AuditLog(database, STATION).entries(action="tip.responded")]
    assert [(d.get("marks"), d.get("located")) for d in details] == [
        ([[40, 80, 50, 100], [12, 25, 28, 55]], True), ([[40, 80, 50, 100]], False), (None, None)]


def test_hit_needs_mark_scores_and_keeps_the_outcome(tips: TipRepository) -> None:
    ids = [tips.add_presentation("S-T", f"knife-{i:02d}", "knife", KNIFE, 0.0) for i in range(4)]
    rule = {"hit_needs_mark": True}
    assert tips.record_response(ids[0], "kim", Verdict.OPEN, 900.0, (ON_KNIFE,), **rule) == "hit"
    assert tips.record_response(ids[1], "kim", Verdict.OPEN, 900.0, (BESIDE,), **rule) == "miss"
    assert tips.record_response(ids[2], "kim", Verdict.HOLD, 900.0, (), **rule) == "miss"
    assert tips.record_response(ids[3], "kim", Verdict.CLEAR, 900.0, (ON_KNIFE,), **rule) == "miss"
    # The stored outcome is what counts: read back without the rule, it stays a miss.
    now = datetime.now(UTC)
    responses = tips.responses(now - timedelta(hours=1), now + timedelta(minutes=1))
    assert [r.outcome for r in responses] == [TipOutcome.HIT, TipOutcome.MISS, TipOutcome.MISS,
                                              TipOutcome.MISS]
    assert [r.located for r in responses] == [True, False, None, True]


def test_malformed_tip_marks_are_refused_and_the_presentation_stays_open(
    tips: TipRepository,
) -> None:
    presentation = tips.add_presentation("S-T", "knife-00", "knife", KNIFE, 0.0)
    with pytest.raises(StorageError, match=f"TIP response {presentation} not stored: mark 1"):
        tips.record_response(presentation, "kim", Verdict.OPEN, 900.0, (BoxPx(-1, 0, 4, 4),))
    record = tips.get(presentation)
    assert record is not None and record.response is None
    assert tips.record_response(presentation, "kim", Verdict.OPEN, 900.0, (ON_KNIFE,)) == "hit"
