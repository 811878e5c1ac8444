"""``station-app``: the entry point.

    station-app [gui]                      the desktop application (default)
    station-app run --headless ...         process parcels without a GUI, JSON lines out
    station-app calibrate ...              dark, air and step-wedge calibration
    station-app certs decode|verify ...    barcodes and e-COO certificates
    station-app audit verify|export ...    check the audit trail's hash chain, export it
    station-app hub --token STATION=TOKEN  reference central service on 127.0.0.1
    station-app bench [NAME ...]           performance benchmarks

Errors a user can act on end the command with one clear line and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station_app import __version__
from station_app.config import StationConfig, load_config
from station_app.errors import UserFacingError, describe_user_error

log = logging.getLogger("station_app")

EXIT_USER_ERROR = 2


def _parse_option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"driver option must be KEY=VALUE, got {text!r}")
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    return key.replace("-", "_"), parsed


def _add_station_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--driver", help="scanner driver name (default from config: simulator)")
    parser.add_argument(
        "--driver-option",
        action="append",
        type=_parse_option,
        default=[],
        metavar="KEY=VALUE",
        help="option passed to the driver (repeatable), e.g. realtime=true",
    )
    parser.add_argument("--seed", type=int, help="simulator seed (shortcut for --driver-option)")


def _parse_anchor(text: str) -> tuple[int, str]:
    from station_app.storage.audit import parse_anchor

    try:
        return parse_anchor(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="station-app", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"station-app {__version__}")
    parser.add_argument("--config", type=Path, help="TOML config file")
    parser.add_argument("--data-dir", type=Path, help="where the database and images live")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in the data dir)")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    commands = parser.add_subparsers(dest="command")

    gui = commands.add_parser("gui", help="desktop application (default)")
    _add_station_options(gui)

    run = commands.add_parser("run", help="run the station")
    run.add_argument("--headless", action="store_true", help="no GUI (required for now)")
    run.add_argument("--parcels", type=int, help="stop after N parcels (default: run until Ctrl-C)")
    run.add_argument("--json", action="store_true", help="one JSON line per parcel on stdout")
    run.add_argument(
        "--realtime", action="store_true", help="pace the simulator at the line rate"
    )
    _add_station_options(run)

    calibrate = commands.add_parser("calibrate", help="dark, air and step-wedge calibration")
    calibrate.add_argument(
        "--if-needed", action="store_true", help="only when no usable calibration exists"
    )
    calibrate.add_argument("--operator", default=os.environ.get("USER", "technician"))
    calibrate.add_argument("--json", action="store_true")
    _add_station_options(calibrate)

    certs = commands.add_parser("certs", help="barcodes and e-COO certificates")
    certs_commands = certs.add_subparsers(dest="certs_command", required=True)
    decode = certs_commands.add_parser("decode", help="read the barcodes in image files")
    decode.add_argument("files", nargs="+", type=Path)
    decode.add_argument("--json", action="store_true")
    verify = certs_commands.add_parser("verify", help="verify e-COO payloads offline")
    verify.add_argument("inputs", nargs="+", help="image file, text file, or the payload text")
    verify.add_argument("--trust-list", type=Path, help="trust list signed by central")
    verify.add_argument("--central-key", type=Path, help="central's public key (PEM or DER)")
    verify.add_argument("--prefix", default="COO1:", help="payload prefix (default COO1:)")
    verify.add_argument("--json", action="store_true")

    audit = commands.add_parser("audit", help="verify or export the audit trail (docs/audit.md)")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_verify = audit_commands.add_parser(
        "verify", help="check the hash chain: exit 0 intact, 1 with one line per problem"
    )
    audit_verify.add_argument("--station", help="only this station's chain (default: all)")
    audit_verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        type=_parse_anchor,
        metavar="SEQ:SHA256",
        help="an entry's hash noted earlier (e.g. printed by export) that must still hold; "
        "repeatable; of --station, else of this station",
    )
    audit_verify.add_argument("--json", action="store_true")
    audit_export = audit_commands.add_parser("export", help="write the trail to a CSV file")
    audit_export.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    audit_export.add_argument("--station", help="only this station's chain (default: all)")
    audit_export.add_argument("--operator", default=os.environ.get("USER", "supervisor"))

    hub = commands.add_parser("hub", help="reference central service (development, demos)")
    hub.add_argument("--host", default="127.0.0.1")
    hub.add_argument("--port", type=int, default=8765)
    hub.add_argument("--db", type=Path, help="hub database file (default: data dir/hub.sqlite3)")
    hub.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="STATION=TOKEN",
        help="a station's bearer token (repeatable)",
    )

    bench = commands.add_parser("bench", help="performance benchmarks")
    bench.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    bench.add_argument("--parcels", type=int, help="parcels per benchmark (default per bench)")
    bench.add_argument("--json", action="store_true")
    return parser


def _config_from_args(args: argparse.Namespace) -> StationConfig:
    overrides: dict[str, Any] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.database_url is not None:
        overrides["database_url"] = args.database_url
    config = load_config(args.config, **overrides)
    driver_name = getattr(args, "driver", None)
    options = dict(config.driver.options)
    for key, value in getattr(args, "driver_option", []):
        options[key] = value
    if getattr(args, "seed", None) is not None:
        options["seed"] = args.seed
    if getattr(args, "realtime", False):
        options["realtime"] = True
    driver = config.driver.model_copy(
        update={"name": driver_name or config.driver.name, "options": options}
    )
    return config.model_copy(update={"driver": driver})


def _display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return True
    if sys.platform == "win32" or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _install_stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def cmd_run(args: argparse.Namespace) -> int:
    from station_app.headless import run_headless

    if not args.headless:
        print("station-app: 'run' needs --headless (use 'station-app gui' for the desktop)")
        return EXIT_USER_ERROR
    config = _config_from_args(args)
    stop = threading.Event()
    _install_stop_on_signals(stop)
    return run_headless(config, parcels=args.parcels, as_json=args.json, stop=stop)


def _paced_simulator(config: StationConfig) -> StationConfig:
    """In front of a person the simulator runs at the belt's real line rate."""
    if config.driver.name != "simulator" or "realtime" in config.driver.options:
        return config
    driver = config.driver.model_copy(
        update={"options": {**config.driver.options, "realtime": True}}
    )
    return config.model_copy(update={"driver": driver})


def cmd_gui(args: argparse.Namespace) -> int:
    config = _paced_simulator(_config_from_args(args))
    if not _display_available():
        print(
            "station-app: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
            "running headless instead. Press Ctrl-C to stop.",
            file=sys.stderr,
        )
        from station_app.headless import run_headless

        stop = threading.Event()
        _install_stop_on_signals(stop)
        return run_headless(config, parcels=None, as_json=True, stop=stop)
    # The GUI is loaded by name so the core never imports Qt (import-linter contract).
    gui_app = importlib.import_module("station_app.gui.app")
    result: int = gui_app.run_gui(config)
    return result


def cmd_calibrate(args: argparse.Namespace) -> int:
    from station_app.station_calibration import calibrate_command

    config = _config_from_args(args)
    return calibrate_command(
        config, operator=args.operator, if_needed=args.if_needed, as_json=args.json
    )


def cmd_certs(args: argparse.Namespace) -> int:
    from station_app.certificates.commands import decode_files, verify_inputs

    if args.certs_command == "decode":
        return decode_files(args.files, as_json=args.json)
    return verify_inputs(
        args.inputs,
        trust_list=args.trust_list,
        central_key=args.central_key,
        prefix=args.prefix,
        as_json=args.json,
    )


def cmd_audit(args: argparse.Namespace) -> int:
    from station_app.audit import export_command, verify_command

    config = _config_from_args(args)
    if args.audit_command == "verify":
        return verify_command(
            config, station_id=args.station, anchors=args.anchor, as_json=args.json
        )
    return export_command(config, out=args.out, station_id=args.station, operator=args.operator)


def cmd_hub(args: argparse.Namespace) -> int:
    from station_app.sync.hub import run_hub

    tokens: dict[str, str] = {}
    for item in args.token:
        station, sep, token = item.partition("=")
        if not sep or not station or not token:
            raise ValueError(f"--token must be STATION=TOKEN, got {item!r}")
        tokens[token] = station
    if not tokens:
        raise ValueError("the hub needs at least one --token STATION=TOKEN")
    db_path = args.db or _config_from_args(args).data_dir / "hub.sqlite3"
    run_hub(args.host, args.port, db_path, tokens)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from station_app.bench import run_benchmarks

    return run_benchmarks(args.names, parcels=args.parcels, as_json=args.json)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    command = args.command or "gui"
    if args.command is None:
        args.driver, args.driver_option, args.seed = None, [], None
    handlers = {
        "gui": cmd_gui,
        "run": cmd_run,
        "calibrate": cmd_calibrate,
        "certs": cmd_certs,
        "audit": cmd_audit,
        "hub": cmd_hub,
        "bench": cmd_bench,
    }
    try:
        return handlers[command](args)
    except UserFacingError as exc:
        print(f"station-app: error: {describe_user_error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
