"""Threat image projection in the inspector window: the TIP image is shown first,
the response is scored, the item revealed, then the real parcel is decided."""

from __future__ import annotations

from dataclasses import replace

import pytest
from gui_fakes import FakeStation, make_parcel
from gui_windows import shown_inspector_window
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station_app.domain import BoxPx, Detection, TipImage, Verdict
from station_app.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, station: FakeStation, styled_app: object) -> MainWindow:
    return shown_inspector_window(qtbot, station, "kim")


def _parcel_with_tip(presentation_id: int = 7):
    real = make_parcel("S-TIP", detections=())
    projected = make_parcel(
        "S-TIP", detections=(Detection("handgun", 0.4, BoxPx(20, 30, 80, 120)),), seed=3
    )
    tip = TipImage(presentation_id, "handgun-02", "handgun", BoxPx(20, 30, 80, 120), projected)
    return replace(real, tip=tip), projected


@pytest.mark.parametrize(("key", "verdict", "outcome_text"), [
    (Qt.Key.Key_H, Verdict.HOLD, "hit"),
    (Qt.Key.Key_C, Verdict.CLEAR, "miss"),
])
def test_tip_image_first_then_reveal_then_the_real_parcel(
    qtbot: QtBot, window: MainWindow, station: FakeStation, key: Qt.Key, verdict: Verdict,
    outcome_text: str,
) -> None:
    parcel, projected = _parcel_with_tip()
    window.add_parcel(parcel)
    # The inspector sees the projected image, with nothing that tells it apart.
    assert window.canvas.parcel is projected
    assert window.canvas.reveal_text is None

    qtbot.keyClick(window, key)
    # Scored as a TIP response, never recorded as a decision on the real parcel.
    assert [(pid, v) for pid, v, _ms in station.tip_responses] == [(7, verdict)]
    assert station.decisions == []
    assert window.queue_strip.verdict("S-TIP") is None
    message = window.tip_message
    assert message is not None and outcome_text in message.text()
    assert window.canvas.reveal_text is not None and "handgun" in window.canvas.reveal_text

    message.accept()
    qtbot.waitUntil(lambda: window.tip_message is None)
    # The real parcel, decided as usual.
    assert window.canvas.parcel is parcel
    assert window.canvas.reveal_text is None
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert [(d.scan_id, d.verdict) for d in station.decisions] == [("S-TIP", Verdict.CLEAR)]
    assert len(station.tip_responses) == 1


def test_tip_response_refused_without_sign_in(
    qtbot: QtBot, window: MainWindow, station: FakeStation
) -> None:
    parcel, projected = _parcel_with_tip()
    window.set_principal(None)
    window.add_parcel(parcel)
    qtbot.keyClick(window, Qt.Key.Key_H)
    assert station.tip_responses == [] and window.tip_message is None
    assert window.canvas.parcel is projected  # still the TIP image, still unanswered
