#!/bin/sh
# ci-index.sh CORPUS INDEX PUBLISH - the index step of a CI pipeline
# (README "Using ajsearch in CI"): rebuild INDEX from CORPUS when it is not
# up to date (a restored cache may already be), failing on any warning;
# gate on a full check; export the live generation, flat, into PUBLISH.
# $AJSEARCH names the binary (default: ajsearch on the PATH).
# Exit status: that of the first step that fails (2 error or warnings,
# 3 another build holds INDEX), else 0.
set -eu
AJ=${AJSEARCH:-ajsearch}
corpus=$1 index=$2 publish=$3

if "$AJ" status --corpus "$corpus" --index "$index" >/dev/null; then
    echo "ci-index: $index is up to date with $corpus; not rebuilt"
else
    "$AJ" index --strict --json --keep 0 --corpus "$corpus" --index "$index" >"$index.build.json"
    echo "ci-index: built $index (summary in $index.build.json)"
fi
"$AJ" check --index "$index"
rm -rf "$publish"
"$AJ" export "$publish" --index "$index"
