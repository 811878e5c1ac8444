"""The console's dark style sheet.

Dark surroundings so the X-ray image is the brightest thing on screen (as on
every inspection console); sizes in ``em`` so the layout scales with the font
at 1080p and 4K rather than with fixed pixels.
"""

from __future__ import annotations

STYLE_SHEET = """
QMainWindow, QWidget { background: #1e1f22; color: #e6e6e6; }
QToolTip { background: #2b2d31; color: #f0f0f0; border: 1px solid #555; }
QToolBar { background: #26282c; border-bottom: 1px solid #3a3c42; spacing: 0.25em;
           padding: 0.2em; }
QToolBar QToolButton { background: #2f3136; border: 1px solid #44474e; border-radius: 0.2em;
                       padding: 0.3em 0.5em; }
QToolBar QToolButton:hover { background: #3a3d44; }
QToolBar QToolButton:checked { background: #2d5d9f; border-color: #5a8fd6; color: white; }
QToolBar QLabel:disabled, QSlider:disabled { color: #6b6e75; }
QLabel#parcelLabel { color: #c8c8c8; padding: 0.2em 0; }
QLabel#triageBanner { font-size: 150%; font-weight: bold; padding: 0.5em;
                      border-radius: 0.25em; background: #3a3c42; color: #d0d0d0; }
QLabel#triageBanner[level="green"] { background: #1f8a4c; color: white; }
QLabel#triageBanner[level="amber"] { background: #e0a800; color: #1a1a1a; }
QLabel#triageBanner[level="red"] { background: #c62834; color: white; }
QLabel#reasonsLabel { padding: 0.3em 0.1em; }
QLabel#sectionHeading { color: #9ea3ab; font-weight: bold; padding-top: 0.4em; }
QLabel#decidedLabel { color: #9ed89e; font-weight: bold; }
QListWidget { background: #17181a; border: 1px solid #3a3c42; }
QListWidget#alarmList::item { padding: 0.25em; border-bottom: 1px solid #2a2c30; }
QListWidget#alarmList::item:selected { background: #2b3442; border-left: 0.25em solid #e6e6e6; }
QListWidget#queueStrip { background: #141517; border: none; border-top: 1px solid #3a3c42; }
QListWidget#queueStrip::item:selected { background: #2d5d9f; color: white; }
QToolButton#decision_clear, QToolButton#decision_open, QToolButton#decision_hold {
    font-size: 120%; font-weight: bold; border-radius: 0.25em; padding: 0.4em; }
QToolButton#decision_clear { background: #1f7a45; border: 1px solid #2fa862; }
QToolButton#decision_open { background: #a8232e; border: 1px solid #d94452; }
QToolButton#decision_hold { background: #8a6a00; border: 1px solid #c99a00; }
QToolButton#decision_clear:hover, QToolButton#decision_open:hover,
QToolButton#decision_hold:hover { border-color: white; }
QToolButton:disabled, QToolButton#decision_clear:disabled, QToolButton#decision_open:disabled,
QToolButton#decision_hold:disabled { background: #2a2b2f; color: #6b6e75; border-color: #3a3c42; }
QGroupBox { border: 1px solid #3a3c42; border-radius: 0.25em; margin-top: 1.2em;
            padding: 0.5em; font-weight: bold; }
QGroupBox::title { subcontrol-origin: margin; left: 0.6em; padding: 0 0.3em; color: #9ea3ab; }
QLabel#emptyState { color: #8b9098; font-weight: normal; padding: 1em; }
QStatusBar { background: #26282c; border-top: 1px solid #3a3c42; }
QStatusBar QLabel { padding: 0.1em 0.6em; border-left: 1px solid #3a3c42; }
QLabel#xrayState[on="true"] { background: #f2c200; color: #111; font-weight: bold; }
QLabel#scannerState[fault="true"], QLabel#lastError[error="true"] {
    color: #ff6b6b; font-weight: bold; }
QLabel#calibrationAge[warn="true"], QLabel#detectorState[warn="true"] {
    color: #ffb347; font-weight: bold; }
QSplitter::handle { background: #3a3c42; }
"""
