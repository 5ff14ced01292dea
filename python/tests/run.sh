#!/bin/sh
# Installs the package into a new virtual environment, offline, and runs
# its tests with that environment's Python from a directory outside the
# source tree, so that they exercise the installed copy.  Exits non-zero
# when anything fails.  Arguments go to unittest (-v, -k NAME).
#
# Environment (relative paths are taken from the current directory):
#   PYTHON            the Python to make the environment with (default: the
#                     first of python3, /usr/bin/python3 that can build it)
#   AJSEARCH_LIB      the shared library (default: build/libajsearch.so.2)
#   AJSEARCH_BIN      the command line to compare with (default:
#                     build/ajsearch when it exists, else no comparisons)
#   AJSEARCH_CORPUS   the corpus the tests index (default: corpus/)
#   AJSEARCH_INCLUDE  where ajsearch.h is (default: src/)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pkg=$(dirname "$here")
tree=$(dirname "$pkg")

# pip builds the package with the base Python's setuptools (offline, no
# build isolation), whose bdist_wheel comes from the wheel package before
# setuptools 70.1.  Unless PYTHON says which, take the first Python that
# has both: python3 may be one without wheel (a pyenv or a fresh build)
# while Debian's has python3-wheel.
can_build() {
    "$1" -c '
import sys
from importlib.util import find_spec as has
sys.exit(not (has("setuptools") and (has("wheel") or has("setuptools.command.bdist_wheel"))
              and (has("pip") or has("ensurepip"))))' 2>/dev/null
}
if [ -z "${PYTHON:-}" ]; then
    for p in python3 /usr/bin/python3; do
        if can_build "$p"; then PYTHON=$p; break; fi
    done
    if [ -z "${PYTHON:-}" ]; then
        echo "$0: no Python here has setuptools, wheel and pip to install the package with" >&2
        echo "$0: (Debian: apt-get install python3-setuptools python3-wheel python3-pip python3-venv)" >&2
        exit 2
    fi
fi

# The tests run elsewhere: every path they are given must be absolute.
abspath() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}
AJSEARCH_LIB=$(abspath "${AJSEARCH_LIB:-$tree/build/libajsearch.so.2}")
AJSEARCH_CORPUS=$(abspath "${AJSEARCH_CORPUS:-$tree/corpus}")
AJSEARCH_INCLUDE=$(abspath "${AJSEARCH_INCLUDE:-$tree/src}")
export AJSEARCH_LIB AJSEARCH_CORPUS AJSEARCH_INCLUDE
if [ -n "${AJSEARCH_BIN:-}" ]; then
    AJSEARCH_BIN=$(abspath "$AJSEARCH_BIN")
    export AJSEARCH_BIN
elif [ -x "$tree/build/ajsearch" ]; then
    AJSEARCH_BIN=$tree/build/ajsearch
    export AJSEARCH_BIN
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ajsearch-python.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# With a pip the base Python can already run, the environment needs none of
# its own: making one with ensurepip takes seconds, and Debian's Python
# lacks ensurepip unless python3-venv is installed.
if "$PYTHON" -m pip --version >/dev/null 2>&1; then
    "$PYTHON" -m venv --system-site-packages --without-pip "$tmp/venv"
else
    "$PYTHON" -m venv --system-site-packages "$tmp/venv"
fi
py=$tmp/venv/bin/python

# pip builds in the source directory: build from a copy of what the package
# is made of, which leaves the tree clean.
mkdir "$tmp/src"
cp -R "$pkg/pyproject.toml" "$pkg/README.md" "$pkg/ajsearch" "$tmp/src/"
rm -rf "$tmp/src/ajsearch/__pycache__"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
    "$py" -m pip install --quiet --no-index --no-build-isolation "$tmp/src"

mkdir "$tmp/run"
cp -R "$here" "$tmp/run/tests"
rm -rf "$tmp/run/tests/__pycache__"
cd "$tmp/run"
"$py" -c '
import sys, ajsearch
if not ajsearch.__file__.startswith(sys.prefix):
    sys.exit("ajsearch was imported from %s, not from the environment" % ajsearch.__file__)
print("testing %s %s with %s" % (ajsearch.__file__, ajsearch.version(), ajsearch.library_path))
'
"$py" -m unittest discover -s tests -t . "$@"
