#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and run the station:
# simulator driver, SQLite database under the user data dir, no network needed;
# a demo central service runs in the same process on 127.0.0.1 so sync is seen
# working (a configured sync.central_url replaces it).
# Extra arguments go to `station-app gui` (e.g. --seed 7).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Qt's xcb platform plugin needs these on a desktop; a bare Debian lacks some of them.
QT_DESKTOP_LIBS=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
    libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 fonts-noto-cjk)
# shellcheck source=setup-env.sh
source "$HERE/setup-env.sh" base "${QT_DESKTOP_LIBS[@]}"
station-app calibrate --if-needed
exec station-app gui --demo-central "$@"
