"""Display-mode toolbar: one checkable action per ``DisplayMode``.

Shortcuts: F1..F10 select the modes in toolbar order, ``R`` / ``Home`` reset to
``DisplaySettings()``, ``[`` / ``]`` step the variable-density slider (only
active in VARIABLE_DENSITY). The toolbar only edits a ``DisplaySettings``
value and announces it; the canvas does the re-rendering.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QSlider, QToolBar, QWidget

from station_app.imaging.render import DisplayMode, DisplaySettings

_CONTEXT = "DisplayToolBar"


def _noop(text: str) -> str:
    """Marks a string for translation extraction; translated at use."""
    return text


# (button text, tooltip) per mode, in toolbar order. Short texts keep the
# toolbar one row wide at 1080p; the tooltip says what the mode is for.
MODE_TEXTS: dict[DisplayMode, tuple[str, str]] = {
    DisplayMode.COLOUR: (
        _noop("Colour"),
        _noop("Material colours: orange organic, green inorganic, blue metal"),
    ),
    DisplayMode.GREY: (_noop("Grey"), _noop("Black-and-white attenuation")),
    DisplayMode.INVERSE: (_noop("Inverse"), _noop("Inverted grey: dense items light")),
    DisplayMode.ORGANIC_STRIPPING: (
        _noop("Organic strip"),
        _noop("Hide organic material, show inorganic and metal"),
    ),
    DisplayMode.INORGANIC_STRIPPING: (
        _noop("Inorganic strip"),
        _noop("Hide inorganic and metal, show organic material"),
    ),
    DisplayMode.HIGH_PENETRATION: (
        _noop("High pen."),
        _noop("High penetration: see into dense regions"),
    ),
    DisplayMode.LOW_PENETRATION: (
        _noop("Low pen."),
        _noop("Low penetration: bring out thin, light material"),
    ),
    DisplayMode.EDGE_ENHANCEMENT: (_noop("Edges"), _noop("Edge enhancement")),
    DisplayMode.LOCAL_CONTRAST: (_noop("Local contrast"), _noop("Adaptive local contrast")),
    DisplayMode.VARIABLE_DENSITY: (
        _noop("Var. density"),
        _noop("Variable density: choose the attenuation window with the slider"),
    ),
}

DENSITY_STEPS = 100  # slider resolution for DisplaySettings.density in [0, 1]


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class DisplayToolBar(QToolBar):
    """Emits ``settings_changed(DisplaySettings)`` whenever the inspector changes it."""

    settings_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_tr("Display"), parent)
        self.setObjectName("displayToolBar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._settings = DisplaySettings()
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.mode_actions: dict[DisplayMode, QAction] = {}
        for index, mode in enumerate(DisplayMode):
            text, tip = MODE_TEXTS.get(mode, (str(mode), str(mode)))
            action = QAction(_tr(text), self)
            action.setCheckable(True)
            action.setData(mode.value)
            key = QKeySequence(f"F{index + 1}") if index < 12 else QKeySequence()
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            key_text = key.toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{_tr(tip)} ({key_text})" if key_text else _tr(tip))
            action.triggered.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self._group.addAction(action)
            self.addAction(action)
            self.mode_actions[mode] = action

        self.addSeparator()
        self._density_label = QLabel(_tr("Density"), self)
        self.addWidget(self._density_label)
        self.density_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.density_slider.setRange(0, DENSITY_STEPS)
        self.density_slider.setPageStep(DENSITY_STEPS // 10)
        # Sized in font units so it reads the same at 1080p and 4K.
        self.density_slider.setMinimumWidth(self.fontMetrics().averageCharWidth() * 16)
        self.density_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.density_slider.setToolTip(_tr("Variable density window ([ and ])"))
        self.density_slider.valueChanged.connect(self._on_density_slider)
        self.addWidget(self.density_slider)

        self.density_down_action = self._small_action(
            _tr("Density down"), "[", lambda: self._step_density(-1)
        )
        self.density_up_action = self._small_action(
            _tr("Density up"), "]", lambda: self._step_density(+1)
        )

        self.shortcut_actions = [self.density_down_action, self.density_up_action]

        self.addSeparator()
        self.reset_action = QAction(_tr("Reset"), self)
        self.reset_action.setShortcuts([QKeySequence("R"), QKeySequence(Qt.Key.Key_Home)])
        self.reset_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.reset_action.setToolTip(_tr("Back to colour, default density (R, Home)"))
        self.reset_action.triggered.connect(self.reset)
        self.addAction(self.reset_action)

        self._sync_widgets()

    def _small_action(self, text: str, key: str, slot: object) -> QAction:
        # Shortcut-only action: a QToolBar makes a button for every action
        # added to it, so the window adds these (see ``shortcut_actions``).
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    @property
    def settings(self) -> DisplaySettings:
        return self._settings

    def set_settings(self, settings: DisplaySettings, *, emit: bool = True) -> None:
        if settings == self._settings:
            self._sync_widgets()
            return
        self._settings = settings
        self._sync_widgets()
        if emit:
            self.settings_changed.emit(settings)

    def set_mode(self, mode: DisplayMode) -> None:
        self.set_settings(replace(self._settings, mode=mode))

    def reset(self) -> None:
        self.set_settings(DisplaySettings())

    def _step_density(self, direction: int) -> None:
        if self._settings.mode is not DisplayMode.VARIABLE_DENSITY:
            return
        self.density_slider.setValue(
            self.density_slider.value() + direction * self.density_slider.pageStep()
        )

    def _on_density_slider(self, value: int) -> None:
        density = value / DENSITY_STEPS
        if abs(density - self._settings.density) > 1e-9:
            self.set_settings(replace(self._settings, density=density))

    def _sync_widgets(self) -> None:
        action = self.mode_actions.get(self._settings.mode)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        variable = self._settings.mode is DisplayMode.VARIABLE_DENSITY
        self.density_slider.setEnabled(variable)
        self._density_label.setEnabled(variable)
        value = round(self._settings.density * DENSITY_STEPS)
        if self.density_slider.value() != value:
            self.density_slider.blockSignals(True)
            self.density_slider.setValue(value)
            self.density_slider.blockSignals(False)
