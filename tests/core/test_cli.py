"""The command line as a user runs it: real simulator, real SQLite file, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from station_app.cli import main
from station_app.storage.models import OutboxRow, ScanRow

EXPECTED_KEYS = {
    "scan_id",
    "tracking_id",
    "lines",
    "pixels",
    "length_mm",
    "flags",
    "detections",
    "alarms",
    "triage",
    "reasons",
    "timings_ms",
}


def _run_json(data_dir: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    code = main(["--data-dir", str(data_dir), "run", "--headless", "--json", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _count(data_dir: Path, table: type) -> int:
    engine = create_engine(f"sqlite:///{data_dir / 'station.sqlite3'}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def test_headless_run_prints_one_json_line_per_parcel(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _run_json(data_dir, "--driver", "simulator", "--parcels", "4", "--seed", "5",
                     capsys=capsys)
    assert len(rows) == 4
    for row in rows:
        assert set(row) == EXPECTED_KEYS
        assert row["pixels"] == 1024
        assert 150 <= row["length_mm"] <= 1100  # 0.2–1.0 m parcels plus air margins
        assert row["triage"] in {"green", "amber", "red"}
        assert row["reasons"], "triage must always say why"
        assert {"calibrate", "materials", "alarms", "triage", "persist"} <= set(row["timings_ms"])
        assert len(row["tracking_id"]) == 13
    assert len({row["scan_id"] for row in rows}) == 4
    # every parcel persisted with its outbox event, in the same database file
    assert _count(data_dir, ScanRow) == 4
    assert _count(data_dir, OutboxRow) == 4


def test_same_seed_gives_the_same_parcels(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _run_json(data_dir, "--parcels", "3", "--seed", "11", capsys=capsys)
    second = _run_json(data_dir, "--parcels", "3", "--seed", "11", capsys=capsys)
    def key(rows: list[dict]) -> list[tuple]:
        return [(r["tracking_id"], r["lines"], r["triage"], [a["kind"] for a in r["alarms"]])
                for r in rows]
    assert key(first) == key(second)
    other = _run_json(data_dir, "--parcels", "3", "--seed", "12", capsys=capsys)
    assert [r["tracking_id"] for r in other] != [r["tracking_id"] for r in first]


def test_missing_calibration_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(tmp_path), "run", "--headless", "--parcels", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no calibration for scanner SIM-0001" in err
    assert "station-app calibrate" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_driver_names_the_known_ones(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(data_dir), "run", "--headless", "--driver", "nope"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown scanner driver 'nope'" in err and "simulator" in err


def test_corrupt_database_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "station.sqlite3"
    garbage = os.urandom(8192)
    db_file.write_bytes(garbage)
    code = main(["--data-dir", str(tmp_path), "run", "--headless", "--parcels", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(db_file) in err
    assert db_file.read_bytes() == garbage  # never overwritten: a backup may still save it


def test_bad_config_value_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[assembly]\nstart_lines = "many"\n')
    code = main(["--config", str(config), "--data-dir", str(tmp_path), "run", "--headless"])
    err = capsys.readouterr().err
    assert code == 2
    assert "assembly.start_lines" in err


def test_calibrate_if_needed_skips_a_usable_calibration(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "calibrate", "--if-needed"]) == 0
    assert "is usable" in capsys.readouterr().out


def test_calibrate_prints_fit_and_residuals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "calibrate", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scanner_serial"] == "SIM-0001"
    assert report["reference_points"] >= 24
    materials = {r["material"] for r in report["residuals"]}
    assert {"pom", "aluminium", "iron"} <= materials
    assert report["statistics"]["dead_pixels"] >= 1  # the simulated detector has flaws


def test_headless_core_never_loads_qt(data_dir: Path) -> None:
    code = (
        "import sys\n"
        "from station_app.cli import main\n"
        f"rc = main(['--data-dir', {str(data_dir)!r}, 'run', '--headless', '--parcels', '1'])\n"
        "assert rc == 0, rc\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_bench_prints_figures_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "imaging", "render", "--parcels", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["machine"] and report["date"]
    assert report["results"]["imaging"]["total_ms"] > 0
    assert report["results"]["render"]["render_colour_ms"] > 0


def test_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "warp-drive"]) == 2
    assert "unknown benchmark(s) warp-drive" in capsys.readouterr().err


def test_environment_overrides_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[driver]\nname = "simulator"\n')
    monkeypatch.setenv("STATION_DRIVER__NAME", "vendor-x")
    code = main(["--config", str(config), "--data-dir", str(tmp_path), "run", "--headless"])
    assert code == 2
    assert "unknown scanner driver 'vendor-x'" in capsys.readouterr().err


def test_stale_calibration_is_refused_with_its_age(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STATION_CALIBRATION__MAX_AGE_HOURS", "0.00001")
    code = main(["--data-dir", str(data_dir), "run", "--headless", "--parcels", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "calibration is stale" in err and "station-app calibrate" in err


def test_calibration_of_another_scanner_is_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(data_dir), "run", "--headless", "--parcels", "1",
                 "--driver-option", "serial=SIM-9999"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no calibration for scanner SIM-9999" in err
