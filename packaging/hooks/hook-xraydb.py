"""PyInstaller hook: xraydb keeps its element data in an SQLite file and a materials table."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("xraydb", excludes=["**/__pycache__"])
