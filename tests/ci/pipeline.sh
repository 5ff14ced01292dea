#!/bin/sh
# The CI recipe of README "Using ajsearch in CI", run as a CI service would
# run it: a cache directory stands for the CI cache, keyed as the README's
# jobs key it.  Runs the pipeline three times: cold (builds), warm (the
# cache restores an up-to-date index: no build), and after a corpus change
# (builds again); then checks that a warning fails the pipeline and leaves
# the cached index alone.  $AJSEARCH_BIN names the binary.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
AJSEARCH=${AJSEARCH_BIN:-$root/ajsearch}
export AJSEARCH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/corpus" "$work/corpus"
cd "$work"

fail() { echo "pipeline: FAIL: $*"; exit 1; }

# One pipeline run: restore, ci-index.sh, save; prints what it did.
pipeline() {
    version=$("$AJSEARCH" --version | cut -d' ' -f2)
    key="ajsearch-$version-$("$AJSEARCH" status --fingerprint --corpus corpus)"
    rm -rf index public
    if [ -d "cache/$key" ]; then cp -r "cache/$key" index; echo "cache hit $key"; fi
    sh "$root/tools/ci-index.sh" corpus index public
    if [ ! -d "cache/$key" ]; then mkdir -p cache; cp -r index "cache/$key"; fi
}

out=$(pipeline) || fail "cold run: $out"
echo "$out" | grep -q "built index" || fail "cold run did not build: $out"
[ -f index.build.json ] || fail "no build summary"
grep -q '"warnings":{.*"total":0}' index.build.json || fail "summary: $(cat index.build.json)"
"$AJSEARCH" --index public --count "maritime security" | grep -qx '[1-9][0-9]*' ||
    fail "the published index does not answer"
ls public | tr '\n' ' ' | grep -qx 'dict.aj meta.aj posn.aj post.aj stor.aj ' ||
    fail "published: $(ls public)"

out=$(pipeline) || fail "warm run: $out"
echo "$out" | grep -q "cache hit" || fail "warm run missed the cache: $out"
echo "$out" | grep -q "up to date" || fail "warm run rebuilt: $out"

printf 'Penguins patrol the maritime frontier.\n' > corpus/zz-new.txt
out=$(pipeline) || fail "changed corpus: $out"
echo "$out" | grep -q "cache hit" && fail "a changed corpus hit the cache: $out"
echo "$out" | grep -q "built index" || fail "a changed corpus was not rebuilt: $out"
[ "$("$AJSEARCH" --index public --count penguins)" = 1 ] || fail "new document not published"

# A change that brings a warning: the rebuild fails under --strict.  (A
# stray binary file alone does not change what is indexed, so it changes
# neither the fingerprint nor status: README "Using ajsearch in CI".)
printf '\0x' > corpus/stray.bin
printf 'Albatrosses glide.\n' > corpus/zz-other.txt
if out=$(pipeline 2>&1); then fail "a warning passed the strict pipeline: $out"; fi
echo "$out" | grep -q "stray.bin" || fail "the warning is not shown: $out"
[ ! -e index/CURRENT ] || fail "the failed build was switched in"
[ ! -e public ] || fail "the failed pipeline published"
[ "$(ls cache | wc -l)" = 2 ] || fail "the failed pipeline was cached: $(ls cache)"
echo "pipeline: ok (cold build, warm cache hit, rebuild on change, strict failure)"
