#!/bin/sh
# Installs the Debian packages ajsearch needs to build and test, if any are
# missing: as root through apt-get, else through sudo; without either it
# prints the exact command to run and exits with status 2.
set -u
PKGS="gcc make pkg-config libc6-dev libstemmer-dev libxxhash-dev libzstd-dev libutf8proc-dev libpoppler-glib-dev libxml2-dev libzip-dev libmicrohttpd-dev wamerican wbritish libcriterion-dev python3 clang libclang-rt-dev"
[ $# -gt 0 ] && PKGS="$PKGS $*"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
else
    echo "deps: this is not a Debian system; install the equivalents of:$PKGS" >&2
    exit 2
fi
[ -z "$missing" ] && exit 0

echo "deps: installing missing packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: ajsearch needs these Debian packages. Install them with:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first (fast, offline-friendly);
# a fresh machine often has none, so update and retry.
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null &&
    $SUDO apt-get install -y -q --no-install-recommends $missing
} || {
    echo "deps: apt-get failed. Install them with:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 2
}
