#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system libraries, virtual environment, install.
# Usage: source packaging/setup-env.sh <extra|base> <apt packages...>
set -euo pipefail

STATION_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${STATION_VENV:-$STATION_ROOT/.venv}"
EXTRA="$1"; shift
APT_PACKAGES=("$@")

say() { printf '[station-app setup] %s\n' "$*" >&2; }

missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

install_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian/Ubuntu system: install Qt's runtime libraries yourself"; return; }
    local missing=()
    mapfile -t missing < <(missing_packages "$@")
    [ "${#missing[@]}" -eq 0 ] && return
    if [ "$(id -u)" -eq 0 ]; then
        say "installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        say "installing system packages with sudo: ${missing[*]}"
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        say "missing system packages; install them as root: apt-get install ${missing[*]}"
        exit 1
    fi
}

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Python >= 3.11 is required (found: $("$PYTHON" --version 2>&1 || echo none))"
    exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    APT_PACKAGES+=("python3-venv")
fi
install_system_packages "${APT_PACKAGES[@]}"

if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
# Re-install only when the project's requirements changed since the last install.
STAMP="$VENV/.station-app-installed-$EXTRA"
if [ ! -f "$STAMP" ] || [ "$STATION_ROOT/pyproject.toml" -nt "$STAMP" ]; then
    say "installing station-app[$EXTRA] into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    if [ "$EXTRA" = base ]; then spec="$STATION_ROOT"; else spec="${STATION_ROOT}[${EXTRA}]"; fi
    "$VENV/bin/python" -m pip install -q -e "$spec"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
