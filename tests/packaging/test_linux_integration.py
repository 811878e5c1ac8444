"""The desktop entry and the systemd units of packaging/linux, checked by the tools that read
them (desktop-file-validate, systemd-analyze verify) where they exist, and by the rules
of the desktop-entry specification here in any case."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
DESKTOP_FILE = LINUX / "station-app.desktop"
UNITS = sorted((LINUX / "systemd").glob("*.service"))
INSTALLED_EXECUTABLE = "/opt/station-app/station-app"
# Keys of the desktop-entry specification 1.5 (localised variants as Key[xx]).
DESKTOP_KEYS = {
    "Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden",
    "OnlyShowIn", "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal",
    "Actions", "MimeType", "Categories", "Implements", "Keywords", "StartupNotify",
    "StartupWMClass", "URL", "PrefersNonDefaultGPU", "SingleMainWindow",
}
MAIN_CATEGORIES = {
    "AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
    "Network", "Office", "Science", "Settings", "System", "Utility",
}


def _desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(DESKTOP_FILE.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_desktop_entry_follows_the_specification() -> None:
    entry = _desktop_entry()
    for key in entry:
        assert re.sub(r"\[[A-Za-z_@.]+\]$", "", key) in DESKTOP_KEYS, f"unknown key {key}"
    assert entry["Type"] == "Application"
    assert entry["Name"] and entry["Exec"]
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert MAIN_CATEGORIES & set(entry["Categories"].split(";"))
    assert entry["Exec"].split()[0] == entry["TryExec"] == INSTALLED_EXECUTABLE
    assert entry["StartupWMClass"] == "station-app"  # QApplication.applicationName


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_units_name_the_installed_bundle() -> None:
    assert {unit.name for unit in UNITS} == {"station-app-gui.service",
                                             "station-app-hub.service"}
    for unit in UNITS:
        exec_start = re.search(r"^ExecStart=(.+)$", unit.read_text(), re.MULTILINE)
        assert exec_start and INSTALLED_EXECUTABLE in exec_start.group(1), unit.name
    gui = (LINUX / "systemd" / "station-app-gui.service").read_text()
    assert "PAMName=station-kiosk" in gui
    assert (LINUX / "pam.d" / "station-kiosk").is_file()


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    # verify also wants every ExecStart program to exist: stand-ins for cage and the bundle
    for unit in UNITS:
        text = unit.read_text().replace(INSTALLED_EXECUTABLE, sys.executable)
        (tmp_path / unit.name).write_text(text.replace("/usr/bin/cage", sys.executable))
    result = subprocess.run(
        [tool, "verify", "--man=no", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    # Unknown keys and bad values are only warnings for systemd: any output is a failure.
    assert result.returncode == 0, result.stderr
    problems = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert not problems, "\n".join(problems)
