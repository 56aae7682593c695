#!/usr/bin/env bash
# Strata's one set-up script. Installs what is missing from Debian's packages, builds, then:
#   scripts/setup.sh run    opens Strata's window on the bundled demo project
#   scripts/setup.sh test   runs every test suite (ctest)
#   scripts/setup.sh build  only builds
#   scripts/setup.sh deps   only installs the packages
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

# Each package for one job; see README.md ("Dependencies").
packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libqt6sql6-sqlite
  libsqlitecpp-dev libsqlite3-dev sqlite3 libtomlplusplus-dev
  libgl-dev
  libgraphviz-dev graphviz
  postgresql libpqxx-dev libpg-query-dev postgresql-server-dev-15 qtkeychain-qt6-dev
  dbus gnome-keyring
  libssl-dev
  xvfb xauth
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: every package is installed"
    return
  fi
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  cmake --preset default >/dev/null
  cmake --build --preset default
}

run_window() {
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "setup: no display here; running Strata inside a virtual X server (xvfb-run)"
    exec xvfb-run -a -s "-screen 0 1600x1000x24" build/bin/strata --demo
  fi
  exec build/bin/strata --demo
}

run_tests() {
  # Every test gets its own temporary HOME inside the suite; the GUI ones run offscreen. The
  # PostgreSQL suites share a throw-away server that ctest starts (tests/pg/pgserver.sh, on
  # 127.0.0.1 at a free port) and stops after the last of them, also when tests fail; the trap
  # stops it even if ctest itself is interrupted.
  trap 'bash tests/pg/pgserver.sh stop build/pgtest >/dev/null 2>&1 || true' EXIT
  QT_QPA_PLATFORM=offscreen ctest --preset default -j2
}

case "${1:-}" in
  deps) install_deps ;;
  build) install_deps; build ;;
  run) install_deps; build; run_window ;;
  test) install_deps; build; run_tests ;;
  *) echo "usage: scripts/setup.sh run|test|build|deps" >&2; exit 2 ;;
esac
