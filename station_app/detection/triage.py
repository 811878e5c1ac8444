"""Triage: combine rule alarms, detections, manifest discrepancies and the central
risk score into GREEN (release), AMBER (look closer) or RED (open).

Every input that raised the level is listed as one human-readable reason, most
severe first, so the inspector sees why a parcel was flagged. Reasons are English
``core_texts`` templates (stored and sent as they are; the GUI translates them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from station_app import core_texts as texts
from station_app.config import TriageConfig
from station_app.domain import Alarm, Detection, TriageLevel, TriageResult
from station_app.manifests.matching import Discrepancy

_RANK = {TriageLevel.GREEN: 0, TriageLevel.AMBER: 1, TriageLevel.RED: 2}
_NOTHING_NEEDS_A_LOOK = texts.TRIAGE_REASON.render(
    level="GREEN", reason=texts.NOTHING_NEEDS_A_LOOK.render()
)


@dataclass(frozen=True)
class _Reason:
    level: TriageLevel
    strength: float  # orders reasons of the same level: stronger first
    text: str


class Triage:
    """Decides the triage level of one parcel; stateless apart from its config."""

    def __init__(self, triage_config: TriageConfig) -> None:
        self._cfg = triage_config
        self._red_alarms = frozenset(triage_config.red_alarm_kinds)
        self._amber_alarms = frozenset(triage_config.amber_alarm_kinds)
        self._red_classes = frozenset(triage_config.red_detection_classes)
        self._amber_classes = frozenset(triage_config.amber_detection_classes)

    def assess(
        self,
        alarms: Sequence[Alarm],
        detections: Sequence[Detection] = (),
        discrepancies: Sequence[Discrepancy] = (),
        risk_score: float | None = None,
        detector_error: str | None = None,
    ) -> TriageResult:
        """Triage level and reasons.

        ``discrepancies`` are declared-vs-seen mismatches from
        ``manifests.matching.match``; each raises the level to its own severity.
        Other objects are still accepted (described by an ``explanation`` or
        ``description`` attribute, else ``str()``, with an optional
        ``severity``/``level``); without a severity, ``TriageConfig.discrepancy_level``
        applies.
        """
        if risk_score is not None and not (math.isfinite(risk_score) and 0 <= risk_score <= 1):
            raise ValueError(f"risk_score must be in 0..1, got {risk_score}")
        reasons: list[_Reason] = []
        reasons.extend(self._alarm(al) for al in alarms)
        reasons.extend(r for d in detections if (r := self._detection(d)) is not None)
        reasons.extend(self._discrepancy(d) for d in discrepancies)
        if risk_score is not None:
            reasons.append(self._risk(risk_score))
        if detector_error is not None:
            # nobody looked for items: a person must
            reasons.append(_Reason(TriageLevel.AMBER, 1.0,
                                   texts.DETECTOR_DID_NOT_RUN.render(error=detector_error)))
        level = max((r.level for r in reasons), key=_RANK.__getitem__, default=TriageLevel.GREEN)
        reasons.sort(key=lambda r: (_RANK[r.level], r.strength), reverse=True)
        shown = tuple(_level_text(r) for r in reasons)
        if level is TriageLevel.GREEN and not any(
            r.level is not TriageLevel.GREEN for r in reasons
        ):
            shown = (_NOTHING_NEEDS_A_LOOK, *shown)
        return TriageResult(level=level, reasons=shown, risk_score=risk_score)

    def raise_by(
        self, result: TriageResult, findings: Sequence[object], *, label: str
    ) -> TriageResult:
        """``result`` with later ``findings`` added (e.g. certificate cross-checks made
        while the parcel is on screen), read like discrepancies and named by ``label``.
        The level only rises; existing reasons keep their text and order."""
        added = [self._discrepancy(f, label=label) for f in findings]
        if not added:
            return result
        level = max((result.level, *(r.level for r in added)), key=_RANK.__getitem__)
        added.sort(key=lambda r: _RANK[r.level], reverse=True)
        old = [t for t in result.reasons if t != _NOTHING_NEEDS_A_LOOK]
        new = [_level_text(r) for r in added]
        # Merge by level (a stable sort keeps each source's own order within a level).
        rank = {lv.value.upper(): _RANK[lv] for lv in TriageLevel}
        merged = sorted(old + new, key=lambda t: rank.get(t.partition(":")[0], 0), reverse=True)
        return TriageResult(level=level, reasons=tuple(merged), risk_score=result.risk_score)

    # ------------------------------------------------------------------ inputs

    def _alarm(self, alarm: Alarm) -> _Reason:
        # A rule kind in neither list still fired on something: look, don't release.
        level = TriageLevel.RED if alarm.kind in self._red_alarms else TriageLevel.AMBER
        return _Reason(
            level,
            alarm.score,
            texts.ALARM_REASON.render(
                explanation=alarm.explanation, rule=alarm.kind, score=f"{alarm.score:.2f}"
            ),
        )

    def _detection(self, det: Detection) -> _Reason | None:
        cfg = self._cfg
        if det.confidence < cfg.amber_detection_min_confidence:
            return None
        if det.class_name in self._red_classes:
            level = (
                TriageLevel.RED
                if det.confidence >= cfg.red_detection_min_confidence
                else TriageLevel.AMBER
            )
        elif det.class_name in self._amber_classes:
            level = TriageLevel.AMBER
        else:
            return None  # everyday item: shown on the image, not a reason to stop
        name = det.class_name.replace("_", " ")
        box = det.box
        return _Reason(
            level,
            det.confidence,
            texts.DETECTION_REASON.render(
                item=name, confidence=f"{det.confidence:.0%}",
                line0=str(box.line0), line1=str(box.line1), px0=str(box.px0), px1=str(box.px1),
            ),
        )

    def _discrepancy(
        self, disc: Discrepancy | object, label: str = texts.MANIFEST_DISCREPANCY_LABEL.render()
    ) -> _Reason:
        if isinstance(disc, Discrepancy):
            # A red one (restricted item undeclared) must stay red whatever the default.
            return _Reason(
                TriageLevel(disc.severity),
                0.5,
                texts.DISCREPANCY_REASON.render(label=label, explanation=disc.explanation),
            )
        text = getattr(disc, "explanation", None) or getattr(disc, "description", None)
        if not isinstance(text, str) or not text:
            text = str(disc)
        severity = getattr(disc, "severity", None) or getattr(disc, "level", None)
        try:
            level = TriageLevel(str(severity).lower()) if severity else None
        except ValueError:
            level = None
        if level is None or level is TriageLevel.GREEN:
            level = TriageLevel(self._cfg.discrepancy_level)
        return _Reason(level, 0.5, texts.DISCREPANCY_REASON.render(label=label, explanation=text))

    def _risk(self, score: float) -> _Reason:
        cfg = self._cfg
        if score >= cfg.red_risk_score:
            level, text = TriageLevel.RED, texts.RISK_HIGH
        elif score >= cfg.amber_risk_score:
            level, text = TriageLevel.AMBER, texts.RISK_ELEVATED
        else:
            level, text = TriageLevel.GREEN, texts.RISK_LOW
        return _Reason(level, score, text.render(score=f"{score:.2f}"))


def _level_text(reason: _Reason) -> str:
    """A reason as stored and shown: "RED: …"."""
    return texts.TRIAGE_REASON.render(level=reason.level.value.upper(), reason=reason.text)
