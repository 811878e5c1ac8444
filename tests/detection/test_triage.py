"""Triage paths: green, amber and red from each kind of input; reason ordering."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from station_app.config import TriageConfig
from station_app.detection.triage import Triage
from station_app.domain import Alarm, BoxPx, Detection, TriageLevel

BOX = BoxPx(10, 20, 60, 90)


def alarm(kind: str, score: float = 0.7) -> Alarm:
    return Alarm(kind, BOX, 1000.0, score, f"{kind} explanation")


def det(name: str, conf: float) -> Detection:
    return Detection(name, conf, BOX)


@dataclass(frozen=True)
class Disc:
    explanation: str
    severity: str | None = None


@pytest.fixture
def triage() -> Triage:
    return Triage(TriageConfig())


def test_green_when_nothing(triage: Triage) -> None:
    res = triage.assess(())
    assert res.level is TriageLevel.GREEN
    assert res.reasons and res.reasons[0].startswith("GREEN")
    assert res.risk_score is None


def test_green_with_low_risk_lists_score(triage: Triage) -> None:
    res = triage.assess((), (det("shoe", 0.9),), risk_score=0.1)
    assert res.level is TriageLevel.GREEN
    assert res.risk_score == 0.1
    assert any("risk score 0.10 (low)" in r for r in res.reasons)
    assert not any("shoe" in r for r in res.reasons)


def test_red_alarm(triage: Triage) -> None:
    res = triage.assess((alarm("dense_object", 0.9), alarm("organic_mass", 0.6)))
    assert res.level is TriageLevel.RED
    assert res.reasons[0].startswith("RED: dense_object explanation")
    assert res.reasons[1].startswith("AMBER: organic_mass explanation")


def test_amber_alarms_and_unknown_kind(triage: Triage) -> None:
    res = triage.assess((alarm("lithium_battery"),))
    assert res.level is TriageLevel.AMBER
    assert triage.assess((alarm("new_rule"),)).level is TriageLevel.AMBER


def test_detections(triage: Triage) -> None:
    assert triage.assess((), (det("handgun", 0.8),)).level is TriageLevel.RED
    # A red class with middling confidence asks for a look, not an opening.
    assert triage.assess((), (det("knife", 0.4),)).level is TriageLevel.AMBER
    assert triage.assess((), (det("knife", 0.1),)).level is TriageLevel.AMBER
    # a site that wants weak detections shown but not counted raises the floor
    strict = Triage(TriageConfig(amber_detection_min_confidence=0.3))
    assert strict.assess((), (det("knife", 0.1),)).level is TriageLevel.GREEN
    assert strict.assess((), (det("knife", 0.4),)).level is TriageLevel.AMBER
    res = triage.assess((), (det("liquid_bottle", 0.9),))
    assert res.level is TriageLevel.AMBER
    assert "liquid bottle (90% confidence)" in res.reasons[0]


def test_discrepancies(triage: Triage) -> None:
    res = triage.assess((), (), (Disc("declared 2 phones, seen 5"),))
    assert res.level is TriageLevel.AMBER
    assert res.reasons == ("AMBER: Manifest discrepancy: declared 2 phones, seen 5",)
    assert triage.assess((), (), (Disc("weapon undeclared", "red"),)).level is TriageLevel.RED
    assert triage.assess((), (), ("plain string mismatch",)).level is TriageLevel.AMBER
    strict = Triage(TriageConfig(discrepancy_level="red"))
    assert strict.assess((), (), (Disc("x"),)).level is TriageLevel.RED


def test_risk_score_levels(triage: Triage) -> None:
    assert triage.assess((), risk_score=0.85).level is TriageLevel.RED
    assert triage.assess((), risk_score=0.6).level is TriageLevel.AMBER
    with pytest.raises(ValueError, match="risk_score"):
        triage.assess((), risk_score=1.5)
    with pytest.raises(ValueError, match="risk_score"):
        triage.assess((), risk_score=float("nan"))


def test_reasons_sorted_most_severe_first(triage: Triage) -> None:
    res = triage.assess(
        (alarm("organic_mass", 0.5), alarm("dense_object", 0.6), alarm("dense_object", 0.95)),
        (det("pill_bottle", 0.7), det("ammunition", 0.9)),
        (Disc("value mismatch"),),
        risk_score=0.3,
    )
    assert res.level is TriageLevel.RED
    levels = [r.split(":", 1)[0] for r in res.reasons]
    assert levels == ["RED", "RED", "RED", "AMBER", "AMBER", "AMBER", "GREEN"]
    assert "score 0.95" in res.reasons[0]
    assert "ammunition" in res.reasons[1]
    assert len(res.reasons) == 7  # every contributor is listed


def test_configurable_classes() -> None:
    cfg = TriageConfig(red_detection_classes=["taser"], amber_detection_classes=[])
    t = Triage(cfg)
    assert t.assess((), (det("taser", 0.9),)).level is TriageLevel.RED
    assert t.assess((), (det("handgun", 0.9),)).level is TriageLevel.GREEN
