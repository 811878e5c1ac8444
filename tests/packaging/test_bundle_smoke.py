"""The PyInstaller bundle as a workstation runs it: built from packaging/station-app.spec,
started headless on a fresh machine (own HOME, no settings, no network), then upgraded in
place: a database an older version left behind is migrated and keeps its data.

The bundle is built once per session (about two minutes; tests/packaging/conftest.py).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine

from station_app import __version__
from station_app.storage.db import alembic_config

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]  # the first test builds
RUN_TIMEOUT_S = 300
ROOT = Path(__file__).resolve().parents[2]
OLD_SCHEMA = "0001"  # the first release's schema: every later migration runs on upgrade


def _run(bundle: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "station-app"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-4000:]}"
    return result


def _scans(database: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT id, image_path, image_sha256 FROM scans").fetchall()
    finally:
        conn.close()
    return {scan_id: (path, sha) for scan_id, path, sha in rows}


def _schema(database: Path) -> set[str]:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    finally:
        conn.close()


def _bundle_alembic(bundle: Path, connection: Connection | None = None) -> Config:
    """Alembic on the migrations the bundle carries (the tree may be ahead of a given bundle)."""
    config: Config = alembic_config(connection)
    config.set_main_option(
        "script_location", str(bundle / "_internal" / "station_app" / "storage" / "migrations")
    )
    return config


def _downgrade(bundle: Path, database: Path, revision: str) -> None:
    """Turn the database back into what an older station_app left behind."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            command.downgrade(_bundle_alembic(bundle, conn), revision)
    finally:
        engine.dispose()


def test_bundle_reports_its_version(bundle_dir: Path, bundle_env: dict[str, str]) -> None:
    result = _ok(_run(bundle_dir, bundle_env, "--version"))
    assert result.stdout.strip() == f"station-app {__version__}"


def test_bundle_processes_parcels_headless_and_keeps_data_across_an_upgrade(
    bundle_dir: Path, bundle_env: dict[str, str]
) -> None:
    env = bundle_env
    data_dir = Path(env["XDG_DATA_HOME"]) / "station-app"  # the default: platformdirs
    database = data_dir / "station.sqlite3"

    _ok(_run(bundle_dir, env, "calibrate", "--driver-option", "parcels=0"))
    first = _ok(_run(bundle_dir, env, "run", "--headless", "--json", "--parcels", "3",
                     "--seed", "7"))
    parcels = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(parcels) == 3
    # the detector shipped inside the bundle ran (built-in driver found without metadata)
    assert "xcnet" in first.stderr
    assert all("detections" in p and p["triage"] in {"green", "amber", "red"} for p in parcels)
    before = _scans(database)
    assert set(before) == {p["scan_id"] for p in parcels}
    for image_path, _sha in before.values():
        assert (data_dir / "images" / image_path).is_file()

    _downgrade(bundle_dir, database, OLD_SCHEMA)
    assert _schema(database) == {OLD_SCHEMA}

    second = _ok(_run(bundle_dir, env, "run", "--headless", "--json", "--parcels", "2",
                      "--seed", "8"))
    assert len(second.stdout.splitlines()) == 2
    heads = set(ScriptDirectory.from_config(_bundle_alembic(bundle_dir)).get_heads())
    assert _schema(database) == heads, "the bundle did not migrate the old database"
    after = _scans(database)
    assert len(after) == 5
    assert {k: after[k] for k in before} == before, "scans of the old version changed"


def test_bundle_refuses_bad_input_with_one_clear_line(
    bundle_dir: Path, bundle_env: dict[str, str]
) -> None:
    result = _run(bundle_dir, bundle_env, "run", "--headless", "--driver", "nosuch")
    assert result.returncode == 2
    assert "unknown scanner driver 'nosuch' (available: dicos, serial, simulator)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_bundle_gui_starts_on_the_offscreen_platform(
    bundle_dir: Path, bundle_env: dict[str, str], tmp_path: Path
) -> None:
    """Qt, its platform plugin and the inspector window load from inside the bundle."""
    env = {**bundle_env, "QT_DEBUG_PLUGINS": "1"}
    _ok(_run(bundle_dir, env, "calibrate", "--driver-option", "parcels=0"))
    stderr_path = tmp_path / "gui.stderr"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [str(bundle_dir / "station-app"), "gui"], env=env, stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 120
        loaded = False
        while time.monotonic() < deadline and process.poll() is None and not loaded:
            time.sleep(0.5)
            text = stderr_path.read_text(errors="replace")
            loaded = 'platforms/libqoffscreen.so" loaded library' in text
        assert loaded, f"Qt's offscreen plugin did not load:\n{stderr_path.read_text()[-4000:]}"
        time.sleep(5)  # the window and the station come up after the platform
        assert process.poll() is None, (
            f"the GUI exited with {process.returncode}:\n{stderr_path.read_text()[-4000:]}"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in stderr_path.read_text(errors="replace")


def test_bundle_carries_what_the_station_needs_and_nothing_it_must_not(
    bundle_dir: Path,
) -> None:
    internal = bundle_dir / "_internal"
    platforms = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    for plugin in ("libqoffscreen.so", "libqxcb.so", "libqwayland.so"):
        assert (platforms / plugin).is_file(), plugin
    for required in (
        "models/xcnet/model.onnx",
        "models/xcnet/model.json",
        "resources/calibration/step_wedge_standard.json",
        "resources/manifests/hs_detector_classes.toml",
        "station_app/storage/migrations/env.py",
        "onnxruntime/capi/libonnxruntime_providers_shared.so",
        "xraydb/xraydb.sqlite",
    ):
        assert (internal / required).is_file(), required
    resources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*")
                 if p.is_file() and p.suffix not in {".py", ".pyc"}}
    missing = sorted(r for r in resources if not (internal / r).is_file())
    assert not missing, f"resources left out of the bundle: {missing}"
    migrations = "station_app/storage/migrations/versions"
    assert {p.name for p in (internal / migrations).glob("*.py")} == {
        p.name for p in (ROOT / migrations).glob("*.py")
    }
    files = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    for folder in ("torch", "models/train", "tests", "cv2/qt", "_pytest"):
        assert not any(f == folder or f.startswith(folder + "/") for f in files), folder
    assert not any("onnxruntime_providers_tensorrt" in f for f in files)
    assert not (internal / "spekpy/data/tables/advanced/KQP.npz").exists()

    modules = _frozen_modules(bundle_dir / "station-app")
    assert {"station_app.gui.app", "station_app.backup", "drivers.simulator",
            "drivers.serial_scanner", "drivers.dicos_replay"} <= modules
    for package in ("torch", "models.train", "pytest", "onnx", "tests", "tkinter"):
        assert not any(m == package or m.startswith(package + ".") for m in modules), package


def _frozen_modules(executable: Path) -> set[str]:
    """Names of the Python modules frozen into the bundle's archive."""
    readers = pytest.importorskip("PyInstaller.archive.readers")
    archive = readers.CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz")
    return set(archive.toc)
