#!/usr/bin/env bash
# Build the station bundle (PyInstaller, one folder): dist/station-app/station-app.
# Usage: bash packaging/build.sh [--distpath DIR] [--workpath DIR]   (defaults: dist/, build/)
# Sets up .venv with the dev extra (PyInstaller) like test.sh, then builds from
# packaging/station-app.spec. The bundle runs on Linux x86-64 machines with the same
# or a newer glibc than the build machine: build on the oldest Debian/Ubuntu you ship to.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# PyInstaller reads shared-library dependencies with objdump (binutils).
# shellcheck source=setup-env.sh
source "$HERE/setup-env.sh" dev binutils
cd "$STATION_ROOT"

DISTPATH="$STATION_ROOT/dist"
WORKPATH="$STATION_ROOT/build"
while [ $# -gt 0 ]; do
    case "$1" in
        --distpath) DISTPATH="$2"; shift 2 ;;
        --workpath) WORKPATH="$2"; shift 2 ;;
        *) echo "build.sh: unknown argument $1 (use --distpath DIR, --workpath DIR)" >&2; exit 2 ;;
    esac
done

python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DISTPATH" --workpath "$WORKPATH" packaging/station-app.spec
BUNDLE="$DISTPATH/station-app"
"$BUNDLE/station-app" --version
echo "bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
