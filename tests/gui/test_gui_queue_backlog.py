"""A long backlog: no undecided parcel ever leaves the inspector's queue.

The strip keeps at most ``gui.queue_thumbnails`` parcels' images in memory. In a
backlog longer than that, the newest undecided parcels let their images go
(thumbnail and place stay) and come back from the station's store when their
turn comes; parcels with a TIP image go last; a parcel that cannot be loaded now
is said so, stays in the queue and is tried again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gui_fakes import FakeStation, make_parcel, make_principal
from pytestqt.qtbot import QtBot

from station_app.config import GuiConfig, StationConfig
from station_app.domain import BoxPx, ParcelScan, TipImage, TriageLevel, Verdict
from station_app.gui.main_window import MainWindow

IN_MEMORY = 3


def _station(tmp_path: Path) -> FakeStation:
    return FakeStation(StationConfig(data_dir=tmp_path,
                                     gui=GuiConfig(queue_thumbnails=IN_MEMORY)))


def _window(qtbot: QtBot, station: FakeStation) -> MainWindow:
    window = MainWindow(station, principal=make_principal("inspector1"))
    qtbot.addWidget(window)
    return window


def _parcels(count: int) -> list[ParcelScan]:
    return [make_parcel(f"S-{i:04d}", lines=40, pixels=60, level=TriageLevel.GREEN, seed=i,
                        alarms=(), detections=()) for i in range(count)]


def test_every_undecided_parcel_stays_and_comes_back_in_belt_order(
    qtbot: QtBot, tmp_path: Path
) -> None:
    station = _station(tmp_path)
    window = _window(qtbot, station)
    parcels = _parcels(8)
    station.stored = {p.scan_id: p for p in parcels}
    for parcel in parcels:
        window.add_parcel(parcel)
    strip = window.queue_strip
    ids = [p.scan_id for p in parcels]
    assert strip.scan_ids() == ids  # all eight wait, none dropped
    assert strip.undecided_ids() == ids
    in_memory = [s for s in ids if strip.in_memory(s)]
    assert len(in_memory) == IN_MEMORY and in_memory[0] == "S-0000"  # the next one stays
    assert station.stored_loads == []

    decided = []
    for _ in range(len(parcels)):
        current = window.current_parcel
        assert current is not None
        decided.append(current.scan_id)
        assert window.decide(Verdict.CLEAR) is not None
        assert sum(strip.in_memory(s) for s in strip.scan_ids()) <= IN_MEMORY
    assert decided == ids  # belt order, every one of them
    assert [d.scan_id for d in station.decisions] == ids
    assert set(station.stored_loads) == set(ids) - set(in_memory)  # loaded back once each
    assert len(station.stored_loads) == len(set(station.stored_loads))


def test_a_parcel_that_cannot_be_loaded_stays_and_is_said(
    qtbot: QtBot, tmp_path: Path
) -> None:
    station = _station(tmp_path)
    window = _window(qtbot, station)
    parcels = _parcels(5)
    for parcel in parcels:
        window.add_parcel(parcel)
    strip = window.queue_strip
    let_go = [p.scan_id for p in parcels if not strip.in_memory(p.scan_id)]
    assert let_go  # five parcels, three in memory
    station.stored = {p.scan_id: p for p in parcels if p.scan_id != let_go[0]}

    for _ in range(IN_MEMORY):
        assert window.decide(Verdict.CLEAR) is not None
    # The missing one is passed over with a message, never dropped from the queue.
    assert let_go[0] in window.status_bar.error_label.text()
    assert "could not be loaded again" in window.status_bar.error_label.text()
    assert let_go[0] in strip.undecided_ids()
    current = window.current_parcel
    assert current is not None and current.scan_id != let_go[0]
    assert window.decide(Verdict.CLEAR) is not None
    # Stored again (e.g. the disk came back): its turn comes at the next decision.
    station.stored[let_go[0]] = next(p for p in parcels if p.scan_id == let_go[0])
    window.show_parcel_by_id(let_go[0])
    shown = window.current_parcel
    assert shown is not None and shown.scan_id == let_go[0]
    assert window.decide(Verdict.OPEN) is not None
    assert strip.undecided_ids() == []


def test_parcels_with_a_tip_image_keep_theirs_and_a_new_window_loads_nothing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    station = _station(tmp_path)
    window = _window(qtbot, station)
    parcels = _parcels(6)
    newest = parcels[-1]
    tip = TipImage(7, "knife-01", "knife", BoxPx(5, 5, 20, 30), newest)
    parcels[-1] = replace(newest, tip=tip)
    station.stored = {p.scan_id: p for p in parcels}
    for parcel in parcels:
        window.add_parcel(parcel)
    strip = window.queue_strip
    assert strip.in_memory(parcels[-1].scan_id)  # the TIP image lives only here

    # The window is rebuilt (another language): the let-go parcels are adopted as
    # they are, nothing is loaded for that.
    rebuilt = _window(qtbot, station)
    rebuilt.start()
    rebuilt.take_over(window)
    assert rebuilt.queue_strip.scan_ids() == [p.scan_id for p in parcels]
    assert station.stored_loads == []
    for parcel in parcels:
        assert rebuilt.queue_strip.in_memory(parcel.scan_id) == strip.in_memory(parcel.scan_id)
    decided = []
    while (current := rebuilt.current_parcel) is not None and rebuilt.queue_strip.undecided_ids():
        decided.append(current.scan_id)
        rebuilt.decide(Verdict.CLEAR)
    # Belt order; the last one twice: first its TIP image, then the real parcel.
    assert decided == [p.scan_id for p in parcels] + [parcels[-1].scan_id]
    assert station.tip_responses and station.tip_responses[0][0] == 7  # answered, not lost
