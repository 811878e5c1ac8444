"""PySide6 inspector GUI. The only package of ``station_app`` that imports Qt.

Entry point: ``station_app.gui.app.main(station_factory)``; widgets take the
station (``protocols.StationLike``) as a constructor parameter.
"""
