#!/bin/sh
# valgrind.sh - runs end-to-end scenarios (tests/cli/e2e.py) with every
# ajsearch process under valgrind's memcheck; used by `make valgrind`.
#
#   sh tools/valgrind.sh BINARY SCENARIO...
#
# Each process writes its report to a log of its own in a fresh directory
# (not to stderr, which the scenarios inspect).  memcheck's exit status 99
# marks a process with errors or leaks; the logs are checked as well, since
# some scenarios kill their processes or accept any status.  Exit status 0
# when every scenario passed and no log holds an error.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
logs=$(mktemp -d /tmp/ajsearch-valgrind.XXXXXX)
# hostile_corpus runs the indexer as nobody, who must write its log here.
chmod 1777 "$logs"
wrapper=$logs/ajsearch
cat > "$wrapper" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect,possible \\
    --errors-for-leak-kinds=definite,indirect,possible \\
    --log-file=$logs/vg.%p.log "$bin" "\$@"
WRAP
chmod 755 "$wrapper"
failed=0
for s in "$@"; do
    start=$(date +%s)
    if AJSEARCH_BIN=$wrapper AJSEARCH_VALGRIND=1 python3 tests/cli/e2e.py "$s"; then
        echo "valgrind: $s passed in $(( $(date +%s) - start )) s"
    else
        echo "valgrind: $s FAILED"
        failed=1
    fi
done
nproc=$(ls "$logs" | grep -c '^vg\.')
bad=$(find "$logs" -name 'vg.*.log' -size +0c)
if [ -n "$bad" ]; then
    for f in $bad; do
        echo "== $f"
        head -n 60 "$f"
    done
    echo "valgrind: errors in $(echo "$bad" | wc -l) of $nproc processes (logs in $logs)"
    exit 1
fi
echo "valgrind: $nproc processes, no errors and no leaks"
rm -rf "$logs"
exit $failed
