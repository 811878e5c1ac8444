"""Names of the rule alarms in the GUI's language (canvas labels, the alarm list).

The core names alarms by kind (``station_app.detection.alarms``); the GUI shows
them through this one table, so every widget says the same words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_CONTEXT = "FindingTexts"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _noop(text: str) -> str:
    """Marks a table's text for the translation catalogue; translated where shown."""
    return text


ALARM_TEXTS: dict[str, str] = {
    "dense_object": _noop("dense object"),
    "organic_mass": _noop("organic mass"),
    "lithium_battery": _noop("lithium battery"),
}


def alarm_text(kind: str) -> str:
    """An alarm kind in the GUI's language (an unknown kind is shown as it is named)."""
    text = ALARM_TEXTS.get(kind)
    return _tr(text) if text is not None else kind.replace("_", " ")
