#!/usr/bin/env python3
"""CPU time of the user's path, per class, for one or more ajsearch binaries.

  python3 tools/userpath_time.py BIN [BIN...] [--runs 5] [--json] [--classes a,b]

One `search --stdin` process per class and binary over that class's queries
(user-queries.tsv, 200 per class), default options, output to /dev/null.
The binaries take turns run after run, so a change in the machine's load
falls on all of them; the figure is the median over the runs of the
process's user+sys CPU time, divided by the number of queries (µs per
query, the process start included).
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "bench"))
from run import cli_query  # noqa: E402

DATA = "/work/main/bench/data/kjv"


def cpu_seconds(cmd, stdin_path):
    with open(stdin_path, "rb") as fin, open(os.devnull, "wb") as fout:
        p = subprocess.Popen(cmd, stdin=fin, stdout=fout)
        _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        raise SystemExit("%s failed (%d)" % (cmd[0], status))
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--classes", default="")
    ap.add_argument("--index", default=os.path.join(DATA, "ajsearch.idx"))
    ap.add_argument("--corpus", default=os.path.join(DATA, "corpus"))
    ap.add_argument("--queries", default=os.path.join(DATA, "user-queries.tsv"))
    a = ap.parse_args()
    classes = {}
    with open(a.queries, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                classes.setdefault(parts[0], []).append(cli_query(parts[1], parts[2]))
    want = [c for c in a.classes.split(",") if c] or list(classes)
    tmp = "/tmp/userpath_time.%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    print("load average %.2f %.2f %.2f; %s; µs CPU per query, median of %d"
          % (os.getloadavg() + ("json" if a.json else "text", a.runs)))
    print("%-9s" % "class" + "".join("%12s" % os.path.basename(os.path.dirname(os.path.abspath(b)))[-11:] for b in a.bins))
    for cls in want:
        lines = classes[cls]
        qpath = os.path.join(tmp, cls)
        with open(qpath, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        times = [[] for _ in a.bins]
        for _ in range(a.runs):
            for i, b in enumerate(a.bins):
                cmd = [b, "search", "--stdin", "--index", a.index, "--corpus", a.corpus]
                if a.json:
                    cmd.append("--json")
                times[i].append(cpu_seconds(cmd, qpath) / len(lines) * 1e6)
        print("%-9s" % cls + "".join("%12.0f" % statistics.median(t) for t in times), flush=True)


if __name__ == "__main__":
    main()
