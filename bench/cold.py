#!/usr/bin/env python3
"""The cold command line: one whole process per query, as a user runs it.

  python3 bench/cold.py [--runs N] [--query Q] [--index DIR] [--bin AJSEARCH]
                        [--base OLD_AJSEARCH] [--json OUT]

Times, alternating within every round (the order rotates from round to
round, so no command always runs after the same one):

  ajsearch Q              the default text output: ten hits with snippets
                          and citations
  ajsearch --version      process start alone (loader, relocations, libc)
  sqlite3 DB "SELECT ... snippet() ... MATCH Q ... LIMIT 10"
                          the sqlite3 shell doing the same work on an FTS5
                          table of the same paragraphs
  /bin/true               the cost of starting any process here

and with --base, the same two ajsearch commands with another binary (an
older build), so that a change is measured against its predecessor in the
same run.  The FTS5 table is made from `ajsearch dump --json` of the index
(every paragraph, its title and citation beside the text, tokenizer
`porter unicode61 remove_diacritics 2` as in bench/peers/fts5_bench.c), in
build/cold/ unless --db says where.

Every process is started with posix_spawn, its output sent to /dev/null,
and timed from the spawn to the end of waitpid, so Python's own cost per
run is a few microseconds and the same for every command.  The first
rounds (--warmup) warm the page cache and are not counted.  Reports the
median, the 10th and 90th percentiles of each command's wall time, the
median of its CPU time (user + system, from wait4: steadier than the wall
time when other work shares the machine) and the ratio of the wall-time
medians ajsearch / sqlite3.
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(round(q * (len(v) - 1)))))]


def make_fts5(ajsearch, index, db):
    """The FTS5 table of the paragraphs ajsearch indexed, rebuilt when the
    index is newer than the table."""
    cur = os.path.join(index, "CURRENT")
    if os.path.islink(cur):
        gen = os.path.realpath(cur)
    else:
        with open(cur) as f:
            gen = os.path.join(index, f.read().strip())
    if os.path.exists(db) and os.path.getmtime(db) >= os.path.getmtime(gen):
        return
    os.makedirs(os.path.dirname(db) or ".", exist_ok=True)
    out = subprocess.run([ajsearch, "dump", "--json", "--index", index], capture_output=True,
                         text=True, check=True).stdout
    rows = [json.loads(l) for l in out.splitlines()]
    tmp = db + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    con.execute("CREATE VIRTUAL TABLE p USING fts5(title UNINDEXED, cite UNINDEXED, text, "
                "tokenize='porter unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO p(rowid, title, cite, text) VALUES (?, ?, ?, ?)",
                    [(r["id"], r["title"], r["cite"], r["text"]) for r in rows])
    con.execute("INSERT INTO p(p) VALUES ('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, db)


def fts5_match(query):
    """The query as an FTS5 MATCH string: the words ANDed, as ajsearch's
    all-words matches are (quotes make each word a string, not syntax)."""
    words = [w for w in query.replace('"', " ").split() if w]
    return " ".join('"' + w + '"' for w in words)


def spawn_time(argv, devnull):
    """Wall and CPU (user + system) seconds of one process, spawn to
    reaped; raises on failure."""
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
    _, status, ru = os.wait4(pid, 0)
    t = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return t, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=300, help="counted rounds (default 300)")
    ap.add_argument("--warmup", type=int, default=20, help="uncounted first rounds")
    ap.add_argument("--query", default="maritime security")
    ap.add_argument("--index", default=os.path.join(ROOT, "index"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ajsearch"))
    ap.add_argument("--base", help="another ajsearch binary, timed alternately with --bin")
    ap.add_argument("--db", default=os.path.join(ROOT, "build", "cold", "fts5.db"))
    ap.add_argument("--sqlite3", default="/usr/bin/sqlite3")
    ap.add_argument("--json", help="write the figures here too")
    a = ap.parse_args()

    ajsearch = os.path.abspath(a.bin)
    index = os.path.abspath(a.index)
    if not os.path.exists(os.path.join(index, "CURRENT")):
        sys.exit(f"cold: no index in {index} (run `./ajsearch index` first)")
    if not os.path.exists(a.sqlite3):
        sys.exit(f"cold: no sqlite3 shell at {a.sqlite3} (`make bench-deps` installs it)")
    make_fts5(ajsearch, index, a.db)
    sql = ("SELECT title, cite, snippet(p, 2, '[', ']', '…', 32) FROM p "
           f"WHERE p MATCH '{fts5_match(a.query)}' ORDER BY rank LIMIT 10")
    # As a user runs it: from the directory that holds index/, which
    # ajsearch finds by itself.
    if os.path.basename(index) == "index":
        os.chdir(os.path.dirname(index))
        where = []
    else:
        where = ["--index", index]
    cmds = {
        "ajsearch": [ajsearch] + where + [a.query],
        "ajsearch --version": [ajsearch, "--version"],
        "sqlite3 fts5 snippet": [a.sqlite3, a.db, sql],
        "/bin/true": ["/bin/true"],
    }
    if a.base:
        base = os.path.abspath(a.base)
        cmds["base ajsearch"] = [base] + where + [a.query]
        cmds["base ajsearch --version"] = [base, "--version"]
    # Both must answer: a command that fails fast would look fast.
    for name, argv in cmds.items():
        r = subprocess.run(argv, capture_output=True)
        if r.returncode != 0 or (name != "/bin/true" and not name.endswith("--version")
                                 and not r.stdout.strip()):
            sys.exit(f"cold: {name} gave no answer: {r.stderr.decode()[-500:]}")

    # What each answers: ajsearch's paragraphs with every word, FTS5's rows.
    matched = {
        "ajsearch": int(subprocess.run([ajsearch] + where + ["--count", a.query],
                                       capture_output=True, text=True).stdout.split()[0]),
        "fts5": int(subprocess.run([a.sqlite3, a.db, "SELECT count(*) FROM p WHERE p MATCH '"
                                    + fts5_match(a.query) + "'"],
                                   capture_output=True, text=True).stdout.split()[0]),
    }

    names = list(cmds)
    times = {n: [] for n in names}
    cpu = {n: [] for n in names}
    devnull = os.open(os.devnull, os.O_WRONLY)
    for rnd in range(a.warmup + a.runs):
        k = rnd % len(names)
        for n in names[k:] + names[:k]:
            t, c = spawn_time(cmds[n], devnull)
            if rnd >= a.warmup:
                times[n].append(t * 1e3)
                cpu[n].append(c * 1e3)
    os.close(devnull)

    res = {n: {"p50_ms": statistics.median(v), "p10_ms": pct(v, 0.1), "p90_ms": pct(v, 0.9),
               "cpu_p50_ms": statistics.median(cpu[n]), "n": len(v)}
           for n, v in times.items()}
    ratio = res["ajsearch"]["p50_ms"] / res["sqlite3 fts5 snippet"]["p50_ms"]
    cpu_ratio = res["ajsearch"]["cpu_p50_ms"] / res["sqlite3 fts5 snippet"]["cpu_p50_ms"]
    out = {"query": a.query, "index": index, "runs": a.runs, "commands": res,
           "matches": matched, "sql": sql,
           "ratio_ajsearch_to_sqlite3": ratio, "cpu_ratio_ajsearch_to_sqlite3": cpu_ratio,
           "time": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
           "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()),
                       "loadavg": os.getloadavg()}}
    if a.base:
        out["ratio_base_to_sqlite3"] = (res["base ajsearch"]["p50_ms"]
                                        / res["sqlite3 fts5 snippet"]["p50_ms"])
    print(f"cold command line, {a.runs} alternating rounds, {out['time']} UTC, "
          f"query {a.query!r} ({matched['ajsearch']} paragraphs with every word; FTS5 "
          f"{matched['fts5']} rows), load {os.getloadavg()[0]:.2f}")
    for n in names:
        r = res[n]
        print(f"  {n:26s} median {r['p50_ms']:6.2f} ms   p10 {r['p10_ms']:6.2f}   "
              f"p90 {r['p90_ms']:6.2f}   cpu median {r['cpu_p50_ms']:5.2f} ms")
    print(f"  ajsearch / sqlite3 FTS5 snippet: {ratio:.2f} (target <= 0.5; CPU time "
          f"{cpu_ratio:.2f})")
    if a.base:
        print(f"  base ajsearch / sqlite3 FTS5 snippet: {out['ratio_base_to_sqlite3']:.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
