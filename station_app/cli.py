"""``station-app``: the entry point.

    station-app [gui]                      the desktop application (default)
    station-app run --headless ...         process parcels without a GUI, JSON lines out
    station-app calibrate ...              dark, air and step-wedge calibration
    station-app iq-test ...                image-quality test piece, pass/fail per test
    station-app certs decode|verify ...    barcodes and e-COO certificates
    station-app audit verify|export ...    check the audit trail's hash chain, export it
    station-app hub --token STATION=TOKEN  reference central service on 127.0.0.1
    station-app accounts list|add|unlock|reset-password|create-admin   operator accounts
    station-app outbox list|requeue|ack    rows central rejected: list, send again, settle
    station-app backup DEST | restore SRC  data dir: database snapshot, images, manifest
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
from contextlib import AbstractContextManager, nullcontext
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


def _add_demo_central(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo-central",
        action="store_true",
        help="run the reference central service in this process on 127.0.0.1 and sync "
        "with it (ignored when sync.central_url is configured)",
    )


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
    _add_demo_central(gui)

    run = commands.add_parser("run", help="run the station")
    run.add_argument("--headless", action="store_true", help="no GUI (required for now)")
    run.add_argument("--parcels", type=int, help="stop after N parcels (default: run until Ctrl-C)")
    run.add_argument("--json", action="store_true", help="one JSON line per parcel on stdout")
    run.add_argument(
        "--realtime", action="store_true", help="pace the simulator at the line rate"
    )
    _add_station_options(run)
    _add_demo_central(run)

    calibrate = commands.add_parser("calibrate", help="dark, air and step-wedge calibration")
    calibrate.add_argument(
        "--if-needed", action="store_true", help="only when no usable calibration exists"
    )
    calibrate.add_argument("--operator", default=os.environ.get("USER", "technician"))
    calibrate.add_argument("--json", action="store_true")
    _add_station_options(calibrate)

    iq_test = commands.add_parser(
        "iq-test", help="image-quality test (ASTM F792-style piece); exit 1 when it fails"
    )
    iq_test.add_argument("--operator", default=os.environ.get("USER", "technician"))
    iq_test.add_argument("--json", action="store_true")
    _add_station_options(iq_test)

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
    demo = certs_commands.add_parser(
        "demo", help="write demo e-COO documents, a trust list and central's key to try"
    )
    demo.add_argument("--out", type=Path, required=True, metavar="DIR")
    receipt = certs_commands.add_parser(
        "receipt", help="print the receipt label (PNG/PDF) of a stored certificate check"
    )
    receipt.add_argument("scan_id")
    receipt.add_argument("--verdict-id", type=int, help="which check (default: the newest)")
    receipt.add_argument("--out", type=Path, required=True, metavar="LABEL.png|LABEL.pdf")

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

    outbox = commands.add_parser("outbox", help="outbox rows central rejected (supervisor)")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_list = outbox_commands.add_parser("list", help="rows central rejected, oldest first")
    outbox_list.add_argument("--all", action="store_true", help="acknowledged rows too")
    outbox_list.add_argument("--json", action="store_true")
    for name, text in (
        ("requeue", "send rejected or acknowledged rows again (audited)"),
        ("ack", "acknowledge rejected rows: kept, no longer sent (audited)"),
    ):
        change = outbox_commands.add_parser(name, help=text)
        change.add_argument("ids", nargs="+", type=int, metavar="ID")
        change.add_argument("--operator", default=os.environ.get("USER", "supervisor"))
        change.add_argument("--comment", default="", help="why (goes into the audit trail)")

    _add_accounts_parser(commands)

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
    hub.add_argument(
        "--authority",
        action="append",
        default=[],
        metavar="ID=URL",
        help="an issuing authority for the e-COO relay, e.g. kcs=https://… (repeatable)",
    )
    # TLS and mTLS (docs/sync-security.md).
    hub.add_argument("--tls-cert", type=Path, metavar="PEM", help="serve HTTPS with this cert")
    hub.add_argument("--tls-key", type=Path, metavar="PEM", help="its private key")
    hub.add_argument(
        "--client-ca",
        type=Path,
        metavar="PEM",
        help="require client certificates issued by this CA (mTLS)",
    )
    # Without a sub-command the hub serves; these publish into its files (docs/updates.md).
    hub_commands = hub.add_subparsers(dest="hub_command")
    publish_model = hub_commands.add_parser(
        "publish-model", help="sign a detector model release and offer it to the stations"
    )
    publish_model.add_argument("model_dir", type=Path, metavar="DIR", help="model.onnx, model.json")
    publish_model.add_argument(
        "--signing-key", type=Path, required=True, metavar="KEY.pem",
        help="central's private key (unencrypted PEM) that the stations pin",
    )
    publish_trust = hub_commands.add_parser(
        "publish-trust-list", help="offer a signed trust list (COSE) to the stations"
    )
    publish_trust.add_argument("file", type=Path, metavar="FILE.cose")
    publish_trust.add_argument(
        "--central-key", type=Path, metavar="KEY.pem",
        help="central's public key: refuse a list whose signature does not verify",
    )
    set_config = hub_commands.add_parser(
        "set-config",
        help="publish the settings central manages for a station (docs/central-config.md)",
    )
    set_config.add_argument("station_id", metavar="STATION_ID")
    set_config.add_argument(
        "file", type=Path, metavar="FILE", help="settings as in station.toml (.json or .toml)"
    )

    backup = commands.add_parser(
        "backup", help="copy the database (online) and the data dir's files to a new folder"
    )
    backup.add_argument("destination", type=Path, metavar="DEST", help="a folder not yet there")
    backup.add_argument("--json", action="store_true")
    restore = commands.add_parser(
        "restore", help="make the data dir a copy of a backup (the station must be stopped)"
    )
    restore.add_argument("source", type=Path, metavar="SRC", help="a folder made by backup")
    restore.add_argument(
        "--force", action="store_true", help="replace existing data (it is moved aside, kept)"
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
    stop = threading.Event()
    _install_stop_on_signals(stop)
    with _with_central(args, _config_from_args(args)) as config:
        return run_headless(config, parcels=args.parcels, as_json=args.json, stop=stop)


def _paced_simulator(config: StationConfig) -> StationConfig:
    """In front of a person the simulator runs at the belt's real line rate."""
    if config.driver.name != "simulator" or "realtime" in config.driver.options:
        return config
    driver = config.driver.model_copy(
        update={"options": {**config.driver.options, "realtime": True}}
    )
    return config.model_copy(update={"driver": driver})


def _with_central(args: argparse.Namespace, config: StationConfig) -> AbstractContextManager[
    StationConfig
]:
    """``config`` as it is, or pointed at an in-process demo central (``--demo-central``)."""
    if not getattr(args, "demo_central", False):
        return nullcontext(config)
    from station_app.sync.demo import demo_central

    return demo_central(config)


def cmd_gui(args: argparse.Namespace) -> int:
    with _with_central(args, _paced_simulator(_config_from_args(args))) as config:
        return _run_gui(config)


def _run_gui(config: StationConfig) -> int:
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


def cmd_iq_test(args: argparse.Namespace) -> int:
    from station_app.technician.image_quality import iq_test_command

    return iq_test_command(_config_from_args(args), operator=args.operator, as_json=args.json)


def cmd_certs(args: argparse.Namespace) -> int:
    from station_app.certificates.commands import decode_files, receipt_command, verify_inputs

    if args.certs_command == "decode":
        return decode_files(args.files, as_json=args.json)
    if args.certs_command == "demo":
        from station_app.certificates.demo import write_demo_set

        for name, path in write_demo_set(args.out).items():
            print(f"{name:12} {path}")
        return 0
    if args.certs_command == "receipt":
        return receipt_command(
            _config_from_args(args), args.scan_id, verdict_id=args.verdict_id, out=args.out
        )
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


def _add_accounts_parser(commands: Any) -> None:
    accounts = commands.add_parser(
        "accounts", help="operator accounts: recovery and scripting (docs/accounts.md)"
    )
    sub = accounts.add_subparsers(dest="accounts_command", required=True)
    listing = sub.add_parser("list", help="every account with its role and state")
    listing.add_argument("--json", action="store_true")
    roles = ("inspector", "supervisor", "technician", "administrator")
    for name, text in (
        ("create-admin", "create an administrator (the first one, or a recovery one)"),
        ("add", "create an account (its password must be changed at the first sign-in)"),
        ("unlock", "clear a lockout after failed sign-ins"),
        ("reset-password", "set a new password (also unlocks; must be changed at sign-in)"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("username")
        if name in ("create-admin", "add"):
            command.add_argument("--display-name", required=True)
        if name == "add":
            command.add_argument("--role", required=True, choices=roles)
        if name != "unlock":
            command.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password as one line from standard input (scripts)",
            )


def cmd_accounts(args: argparse.Namespace) -> int:
    from station_app.accounts.commands import accounts_command

    return accounts_command(
        _config_from_args(args),
        args.accounts_command,
        username=getattr(args, "username", None),
        display_name=getattr(args, "display_name", None),
        role=getattr(args, "role", None),
        password_stdin=getattr(args, "password_stdin", False),
        as_json=getattr(args, "json", False),
    )


def cmd_hub(args: argparse.Namespace) -> int:
    from station_app.sync.hub import run_hub

    if getattr(args, "hub_command", None):
        from station_app.sync.hub_updates import publish_model_command, publish_trust_list_command

        db_path = args.db or _config_from_args(args).data_dir / "hub.sqlite3"
        if args.hub_command == "publish-model":
            return publish_model_command(db_path, args.model_dir, args.signing_key)
        if args.hub_command == "set-config":
            from station_app.sync.hub_config import set_config_command

            return set_config_command(db_path, args.station_id, args.file)
        return publish_trust_list_command(db_path, args.file, args.central_key)
    tokens: dict[str, str] = {}
    for item in args.token:
        station, sep, token = item.partition("=")
        if not sep or not station or not token:
            raise ValueError(f"--token must be STATION=TOKEN, got {item!r}")
        tokens[token] = station
    if not tokens:
        raise ValueError("the hub needs at least one --token STATION=TOKEN")
    authorities: dict[str, str] = {}
    for item in args.authority:
        authority, sep, url = item.partition("=")
        if not sep or not authority or not url.startswith(("http://", "https://")):
            raise ValueError(f"--authority must be ID=http(s)://…, got {item!r}")
        authorities[authority] = url
    db_path = args.db or _config_from_args(args).data_dir / "hub.sqlite3"
    run_hub(
        args.host,
        args.port,
        db_path,
        tokens,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        ssl_client_ca=args.client_ca,
        authorities=authorities,
    )
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from station_app.sync.outbox_commands import change_command, list_command

    config = _config_from_args(args)
    if args.outbox_command == "list":
        return list_command(config, include_acknowledged=args.all, as_json=args.json)
    return change_command(
        config,
        action=args.outbox_command,
        ids=args.ids,
        operator=args.operator,
        comment=args.comment,
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from station_app.backup import backup_command

    return backup_command(_config_from_args(args), args.destination, as_json=args.json)


def cmd_restore(args: argparse.Namespace) -> int:
    from station_app.backup import restore_command

    return restore_command(_config_from_args(args), args.source, force=args.force)


def cmd_bench(args: argparse.Namespace) -> int:
    from station_app.bench import run_benchmarks

    try:
        return run_benchmarks(args.names, parcels=args.parcels, as_json=args.json)
    except ModuleNotFoundError as exc:
        # The installed bundle leaves out the training code some benchmarks need.
        if not (exc.name or "").startswith(("benchmarks", "models.train", "torch")):
            raise
        print(
            f"station-app: error: this benchmark needs {exc.name}, which this installation "
            "does not include; run it from a source checkout",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR


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
        "iq-test": cmd_iq_test,
        "certs": cmd_certs,
        "audit": cmd_audit,
        "hub": cmd_hub,
        "accounts": cmd_accounts,
        "outbox": cmd_outbox,
        "backup": cmd_backup,
        "restore": cmd_restore,
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
