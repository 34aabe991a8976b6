# Shared steps of build-aux/run-tests and build-aux/run-demo: install what is
# missing, prepare the locales and the test peer, configure and build.
# Sourced, not run.  Every step is a function so a script picks the ones it
# needs.
#
# Environment:
#   RAPPORT_BUILDDIR       build directory (default: <source>/_build)
#   RAPPORT_MESON_OPTIONS  extra options for `meson setup`
#   RAPPORT_SKIP_INSTALL   set to 1 to never call apt-get
#
# SPDX-License-Identifier: GPL-3.0-or-later

RP_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RP_BUILDDIR=${RAPPORT_BUILDDIR:-$RP_SRCDIR/_build}
case $RP_BUILDDIR in
  /*) ;;
  *) RP_BUILDDIR=$PWD/$RP_BUILDDIR ;;
esac
RP_POUCHDB_DIR=$RP_SRCDIR/build-aux/pouchdb
RP_POUCHDB_VERSION=4.2.0

export DEBIAN_FRONTEND=noninteractive
# CI runners sometimes start us without HOME; npm and GLib need one.
if [ -z "${HOME:-}" ]; then
  HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
  export HOME=${HOME:-/root}
fi

# Everything the build, the tests and the demo need on Debian 12.
RP_PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libglib2.0-bin libsqlite3-dev sqlite3 libjson-glib-dev gettext
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libsecret-1-dev libnotify-dev
  xvfb xauth fonts-noto-cjk fonts-cantarell
  desktop-file-utils appstream locales dbus dbus-x11 imagemagick
  nodejs npm python3-dbusmock gnome-keyring valgrind
)

RP_LOCALES=(ja_JP en_US)

rp_log ()
{
  printf '\n==> %s\n' "$*"
}

rp_warn ()
{
  printf 'warning: %s\n' "$*" >&2
}

# Runs a command as root: directly when we are root, through a sudo that
# does not ask for a password otherwise.
rp_as_root ()
{
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    rp_warn "need root for: $*"
    return 1
  fi
}

rp_package_installed ()
{
  case $1 in
    # NodeSource's nodejs bundles npm and conflicts with Debian's: any
    # working npm will do.
    npm) command -v npm >/dev/null 2>&1 && return 0 ;;
  esac
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

rp_install_packages ()
{
  local missing=() pkg
  for pkg in "${RP_PACKAGES[@]}"; do
    rp_package_installed "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  if [ "${RAPPORT_SKIP_INSTALL:-0}" = 1 ]; then
    rp_warn "missing packages, not installing them: ${missing[*]}"
    return 0
  fi

  rp_log "Installing ${missing[*]}"
  rp_as_root apt-get update -q || return 1
  rp_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}" || return 1
}

rp_have_locale ()
{
  # `locale -a` spells them ja_JP.utf8
  locale -a 2>/dev/null | grep -q -i -x -E "$1\\.utf-?8"
}

# ja_JP.UTF-8 for the Japanese UI and its tests, en_US.UTF-8 for the English
# one.  Generated through /etc/locale.gen so they survive a reconfiguration.
rp_ensure_locales ()
{
  local missing=() loc
  for loc in "${RP_LOCALES[@]}"; do
    rp_have_locale "$loc" || missing+=("$loc")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  rp_log "Generating the locales ${missing[*]}"
  if [ -f /etc/locale.gen ] && command -v locale-gen >/dev/null 2>&1; then
    for loc in "${missing[@]}"; do
      if grep -q -E "^#? *$loc\\.UTF-8 UTF-8" /etc/locale.gen; then
        rp_as_root sed -i -E "s/^# *($loc\\.UTF-8 UTF-8)/\\1/" /etc/locale.gen || return 1
      else
        echo "$loc.UTF-8 UTF-8" | rp_as_root tee -a /etc/locale.gen >/dev/null || return 1
      fi
    done
    rp_as_root locale-gen || return 1
  else
    for loc in "${missing[@]}"; do
      rp_as_root localedef -i "$loc" -c -f UTF-8 "$loc.UTF-8" || return 1
    done
  fi
}

# PouchDB Server, the CouchDB-protocol peer of the sync suite and the demo,
# pinned by package-lock.json into build-aux/pouchdb/node_modules.
rp_pouchdb_server ()
{
  echo "$RP_POUCHDB_DIR/node_modules/.bin/pouchdb-server"
}

rp_ensure_pouchdb ()
{
  local installed
  installed=$(node -p "require('$RP_POUCHDB_DIR/node_modules/pouchdb-server/package.json').version" 2>/dev/null)
  if [ "$installed" = "$RP_POUCHDB_VERSION" ] && [ -x "$(rp_pouchdb_server)" ]; then
    return 0
  fi

  rp_log "Installing PouchDB Server $RP_POUCHDB_VERSION into build-aux/pouchdb"
  # No install scripts: the in-memory server needs no native module, and the
  # optional ones would try to download binaries.
  (cd "$RP_POUCHDB_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || return 1
}

rp_configure ()
{
  rp_log "Configuring $RP_BUILDDIR"
  # shellcheck disable=SC2086 # RAPPORT_MESON_OPTIONS is a list of options
  if [ -f "$RP_BUILDDIR/meson-private/coredata.dat" ]; then
    meson setup --reconfigure ${RAPPORT_MESON_OPTIONS:-} "$RP_BUILDDIR" "$RP_SRCDIR"
  else
    meson setup ${RAPPORT_MESON_OPTIONS:-} "$RP_BUILDDIR" "$RP_SRCDIR"
  fi
}

rp_build ()
{
  rp_log "Building"
  ninja -C "$RP_BUILDDIR"
}

# Names of the test suites that exist in the configured build.
rp_test_suites ()
{
  meson introspect --tests "$RP_BUILDDIR" 2>/dev/null | python3 -c '
import json, sys
suites = set()
for test in json.load(sys.stdin):
    for suite in test.get("suite", []):
        suites.add(suite.split(":", 1)[-1])
print("\n".join(sorted(suites)))
'
}
