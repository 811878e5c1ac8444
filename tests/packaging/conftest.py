"""Fixtures of the packaging tests: the built bundle, a clean environment to run it in."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "station-app.spec"
BUILD_TIMEOUT_S = 900  # about 2 minutes on a 2-core machine; the rest is headroom


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The station bundle: ``$STATION_BUNDLE_DIR`` when given, else built once per session.

    Built from the working tree into a temporary folder, never dist/: a stale
    dist/ from last week must not pass for today's code.
    """
    given = os.environ.get("STATION_BUNDLE_DIR")
    if given:
        path = Path(given)
        if not (path / "station-app").is_file():
            pytest.fail(f"STATION_BUNDLE_DIR={given} holds no station-app executable")
        return path
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (it comes with the dev extra)")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        pytest.skip("PyInstaller needs objdump on Linux: apt-get install binutils")
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"the bundle did not build:\n{result.stderr[-6000:]}")
    return work / "dist" / "station-app"


@pytest.fixture
def bundle_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh workstation: no STATION_* settings, its own HOME, no display.

    HOME and the XDG dirs point into the test's folder so no user config file is
    read; the station is offline by default (no central URL), so nothing is sent.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STATION_", "XDG_", "QT_")) and k not in {"DISPLAY",
                                                                          "WAYLAND_DISPLAY"}}
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env
