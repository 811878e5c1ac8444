#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and run the whole test suite:
# ruff, mypy, import-linter contracts, then pytest (Qt runs offscreen; the storage tests
# run on SQLite and on a throwaway PostgreSQL server, see postgres-test-server.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Qt's offscreen platform still loads libEGL/libGL/fontconfig/xkbcommon; libzbar0 is
# for the optional ZBar barcode backend, which the suite tests beside zxing-cpp;
# dcmtk's dcmdump must parse every DICOS file the station writes; binutils (objdump) is
# how PyInstaller reads library dependencies when the smoke test builds the bundle;
# fonts-noto-cjk draws Hangul (the Korean GUI, its screenshots and the PDF reports).
QT_TEST_LIBS=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libzbar0
    dcmtk binutils fonts-noto-cjk)
# shellcheck source=setup-env.sh
source "$HERE/setup-env.sh" dev "${QT_TEST_LIBS[@]}"
cd "$STATION_ROOT"
echo "== ruff"; ruff check .
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== postgresql"
# A throwaway server for the storage tests (SQLite always, PostgreSQL too when it runs);
# an EXIT trap stops and deletes it however pytest ends, so pytest must not be exec'd.
# shellcheck source=postgres-test-server.sh
source "$HERE/postgres-test-server.sh"
start_test_postgres
echo "== pytest"; pytest "$@"
