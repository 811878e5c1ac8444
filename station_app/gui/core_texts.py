"""Texts the core wrote in English (alarm explanations, triage reasons, discrepancies,
certificate reasons and findings), shown in the GUI's language.

The core keeps and sends these texts in English (``station_app.core_texts``);
the GUI reads each one back into its template and parameters and looks the
template up in the "CoreTexts" context of the catalogue, which
``translations`` fills from the core's catalogue itself. A text that is not a
core text (stored by an older version, an exception message, an issuing
authority's own words) is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from station_app import core_texts

CONTEXT = "CoreTexts"


def _template(text: core_texts.CoreText) -> str:
    return QCoreApplication.translate(CONTEXT, text.template)


def core_text(text: str) -> str:
    """``text`` in the GUI's language when the core made it, else unchanged."""
    return core_texts.localise(text, _template)
