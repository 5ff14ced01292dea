#!/usr/bin/env python3
"""Compares the answers of two ajsearch binaries on the user's path.

  python3 tools/userpath_compare.py OLD_BIN NEW_BIN [--index IDX] [--corpus DIR]
                                    [--queries TSV] [--per-class N]

For every class of a benchmark query file (lines CLASS<TAB>OP<TAB>WORDS, by
default bench/data/kjv/user-queries.tsv), runs `search --stdin` once per
class and output format (text, --json) with each binary, default options,
and checks the outputs are the same bytes once the query's timing, the one
thing allowed to differ, is blanked.  Exits 1 on the first difference and
shows it.  Used to check that a change meant to make answering cheaper
leaves every answer as it was.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import cli_query  # noqa: E402  (the query a user types per line)

TIMING = re.compile(rb"\(\d+\.\d+ ms\)")
JSON_TIMING = re.compile(rb'"(seconds|ms|took_ms|elapsed_ms)":[0-9.e+-]+')


def normalize(out):
    out = TIMING.sub(b"(T ms)", out)
    return JSON_TIMING.sub(rb'"\1":T', out)


def answers(binary, index, corpus, lines, json_out):
    cmd = [binary, "search", "--stdin", "--index", index, "--corpus", corpus]
    if json_out:
        cmd.append("--json")
    p = subprocess.run(cmd, input="".join(l + "\n" for l in lines).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, normalize(p.stdout), p.stderr


def first_diff(a, b):
    al, bl = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return i + 1, x, y
    return min(len(al), len(bl)) + 1, b"<end>", b"<end>"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    data = os.path.join(ROOT, "bench", "data", "kjv")
    if not os.path.isdir(data):
        data = "/work/main/bench/data/kjv"
    ap.add_argument("--index", default=os.path.join(data, "ajsearch.idx"))
    ap.add_argument("--corpus", default=os.path.join(data, "corpus"))
    ap.add_argument("--queries", default=os.path.join(data, "user-queries.tsv"))
    ap.add_argument("--per-class", type=int, default=200)
    a = ap.parse_args()

    classes = {}
    with open(a.queries, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            q = classes.setdefault(parts[0], [])
            if len(q) < a.per_class:
                q.append(cli_query(parts[1], parts[2]))
    nbytes = 0
    for cls, lines in classes.items():
        for json_out in (False, True):
            what = "%s %s" % (cls, "json" if json_out else "text")
            ro, old, eo = answers(a.old, a.index, a.corpus, lines, json_out)
            rn, new, en = answers(a.new, a.index, a.corpus, lines, json_out)
            if (ro, old, eo) != (rn, new, en):
                print("DIFFERENT: %s (exit %d vs %d)" % (what, ro, rn))
                if eo != en:
                    print("  stderr old: %r\n  stderr new: %r" % (eo[:300], en[:300]))
                ln, x, y = first_diff(old, new)
                print("  line %d\n  old: %r\n  new: %r" % (ln, x[:400], y[:400]))
                return 1
            nbytes += len(new)
            print("same: %-14s %4d queries, %8d bytes" % (what, len(lines), len(new)))
    print("all same (%d bytes compared)" % nbytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
