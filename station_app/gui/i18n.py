"""Switching the GUI's language: the station's catalogue plus Qt's own.

The language is chosen at sign-in, before a workspace is built, so widgets
simply read their texts through ``tr()`` when they are made. English is the
source language and needs no translator. Qt's ``qtbase_<lang>.qm`` translates
the standard dialog buttons (OK, Cancel, ...).
"""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("en", "ko")
_installed: list[QTranslator] = []


def catalogue_file(language: str) -> Path:
    return Path(str(importlib.resources.files("resources") / "i18n" / f"station_{language}.qm"))


def install_language(app: QCoreApplication, language: str) -> None:
    """Make ``language`` the GUI's language (replacing any earlier choice).

    Raises ``ValueError`` for a language the station has no catalogue for and
    ``FileNotFoundError`` when its catalogue file is missing or unreadable.
    """
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {SUPPORTED_LANGUAGES}")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return
    station = QTranslator(app)
    path = catalogue_file(language)
    if not station.load(str(path)):
        raise FileNotFoundError(f"GUI translations {path} missing or unreadable")
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    else:  # standard buttons stay English; the station's own texts are what matters
        log.warning("Qt's own %s translations not found in %s", language, qt_dir)
    app.installTranslator(station)
    _installed.append(station)
