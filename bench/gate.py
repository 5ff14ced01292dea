#!/usr/bin/env python3
"""The benchmark's regression gate: `make bench-quick` fails loudly when
build throughput or a query class got more than 20% worse than the figures
committed for this machine kind.

  python3 bench/gate.py            judge the latest run, bench/out/latest/*.json (exit 1
                                   on a regression, 2 when the run cannot be judged)
  python3 bench/gate.py --record   commit-ready baseline from those results
  --results DIR                    another run's folder, or bench/results (published)

What is compared.  A shared 2-core machine moves absolute figures by more
than 20% from one hour to the next, so the gate compares ratios measured in
one run: ajsearch's figure over the faster peer's on the same queries
(FTS5 and Xapian do not change between commits, so a ratio that grows is
ajsearch getting slower).  Per corpus of the quick run (seed, KJV):

  query <class>        top-10 p50 in process / the faster peer's p50
  text|json <class>    `search --stdin` mean per query / the faster peer's ids-only mean
  build 1 thread       ajsearch's seconds with one thread / FTS5's seconds
  build 2 threads      ajsearch's seconds with two threads / FTS5's seconds

A figure is a suspect when both its ratio and ajsearch's own figure are
more than 20% above the baseline's: a ratio alone moves when the peer's
speed does (Xapian's p50s on KJV differed by 30% between two idle runs of
2026-12-06, its database rebuilt in each, with ajsearch's within 5%), and
an absolute figure alone moves with the machine's load.  A suspect is not
yet a verdict: the gate measures it again, three times, ajsearch and the
peer alternating, and fails only if the medians of both are still more than
20% above (a single class's p50 of a few microseconds moves that much with
a cold cache now and then; a real regression does not go away when
measured again).  What this cannot see: a real slowdown measured on a
machine faster than the one of the baseline by as much.

What cannot be judged.  Results from a run during which other processes used
more than a quarter of a core (bench/run.py records it as others_cores),
results of another machine kind, and a machine kind without a baseline give
exit status 2 and say why: a gate that cannot judge never passes.

The baseline (bench/baseline/<machine kind>.json) is recorded from an idle
quick run with --record and committed with the change that moved it, so a
deliberate slowdown is visible in review.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: the drivers and the batch runner)

ROOT = run.ROOT
RES = os.path.join(ROOT, "bench", "results")
LATEST = os.path.join(run.OUT, "latest")
BASE = os.path.join(ROOT, "bench", "baseline")
CORPORA = ["seed", "kjv"]
PEERS = ["fts5", "xapian"]
LIMIT = 1.20          # more than 20% worse fails
BUSY = 0.25           # cores used by other processes during the run
CONFIRM = 3           # re-measurements of a suspect


def machine_kind():
    """CPU count, architecture and CPU model: figures are comparable only
    between machines that agree on these."""
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1]
                    break
    except OSError:
        pass
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "unknown"
    return f"{os.cpu_count()}cpu-{platform.machine()}-{slug}"


def faster(by_peer, cls, q):
    """(value, peer) of the faster peer for a class's figure q."""
    v = [(by_peer[p][cls][q], p) for p in PEERS
         if p in by_peer and cls in by_peer[p] and by_peer[p][cls].get(q)]
    return min(v) if v else (None, None)


def metrics(res):
    """name -> {ratio, value, peer, peer_value} for one corpus's results."""
    out = {}
    lat = res.get("latency_us", {}).get("10", {})
    for cls, v in sorted(lat.get("ajsearch", {}).items()):
        pv, peer = faster(lat, cls, "p50")
        if pv and v.get("p50"):
            out[f"query {cls}"] = {"value": v["p50"], "peer": peer, "peer_value": pv,
                                   "ratio": v["p50"] / pv, "unit": "µs p50"}
    up = res.get("user_path_us", {})
    for fmt, by_cls in sorted(up.get("ajsearch", {}).items()):
        for cls, v in sorted(by_cls.items()):
            pv, peer = faster(up.get("ids", {}), cls, "mean")
            if pv and v.get("mean"):
                out[f"{fmt} {cls}"] = {"value": v["mean"], "peer": peer, "peer_value": pv,
                                       "ratio": v["mean"] / pv, "unit": "µs mean"}
    b = res.get("build", {})
    fts = b.get("fts5", {}).get("seconds")
    aj = b.get("ajsearch", {})
    if fts:
        for name, key in (("build 1 thread", "seconds_1thread"), ("build 2 threads", "seconds")):
            if aj.get(key):
                out[name] = {"value": aj[key], "peer": "fts5", "peer_value": fts,
                             "ratio": aj[key] / fts, "unit": "s"}
    return out


def load_results(res_dir):
    out = {}
    for name in CORPORA:
        p = os.path.join(res_dir, f"{name}.json")
        if os.path.exists(p):
            with open(p) as f:
                out[name] = json.load(f)
    return out


def busy_of(res):
    """Cores other processes used during the corpus's run (and during a
    rerun of its user's path), or None when the run did not record it."""
    vals = [res.get("machine", {}).get("others_cores"),
            res.get("user_path_run", {}).get("others_cores") if "user_path_run" in res else 0.0]
    if any(v is None for v in vals):
        return None
    return max(vals)


# ---- confirming a suspect ------------------------------------------------

def class_queries(path, cls, work):
    """The lines of a query file for one class, in a file of their own."""
    out = os.path.join(work, f"gate-{cls}.tsv")
    with open(path) as f, open(out, "w") as g:
        g.writelines(l for l in f if l.split("\t", 1)[0] == cls)
    return out


def remeasure(corpus, name, m):
    """CONFIRM fresh (ratio, ajsearch's figure) pairs of metric `name`
    (ajsearch and the same peer, alternating), or None when it cannot be
    measured again here."""
    work = os.path.join(run.ROOT, "bench", "data", corpus)
    idx = os.path.join(work, "ajsearch.idx")
    db = os.path.join(work, f"{m['peer']}.db")
    if not (os.path.isdir(idx) and os.path.exists(db)):
        return None
    kind, _, cls = name.partition(" ")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(CONFIRM):
            if kind == "query":
                q = class_queries(os.path.join(work, "queries.tsv"), cls, tmp)
                a = run.summarize(run.run_queries("ajsearch", idx, q, 10, 1, run.PEER_MODE))
                p = run.summarize(run.run_queries(m["peer"], db, q, 10, 1))
                ratios.append((a[cls]["p50"] / p[cls]["p50"], a[cls]["p50"]))
            elif kind in ("text", "json"):
                q = class_queries(os.path.join(work, "user-queries.tsv"), cls, tmp)
                with open(q) as f:
                    lines = [run.cli_query(*l.rstrip("\n").split("\t")[1:]) for l in f]
                wall, _, _ = run.user_path_batch(idx, os.path.join(work, "corpus"), lines,
                                                 kind, tmp)
                p = run.summarize(run.run_queries(m["peer"], db, q, 10, 1, "ids"))
                mean = wall / len(lines) * 1e6
                ratios.append((mean / p[cls]["mean"], mean))
            elif kind == "build":
                one = name.endswith("1 thread")
                out = os.path.join(tmp, "aj.idx")
                cmd = [run.BIN["ajsearch"], "build", out, os.path.join(work, "corpus")]
                aj = json.loads(run.run_rss(cmd + (["1"] if one else []))[0])["seconds"]
                fdb = os.path.join(tmp, "fts5.db")
                if os.path.exists(fdb):
                    os.remove(fdb)
                ft = json.loads(run.run_rss([run.BIN["fts5"], "build", fdb,
                                             os.path.join(work, "paras.tsv")])[0])["seconds"]
                subprocess.run(["rm", "-rf", out, fdb])
                ratios.append((aj / ft, aj))
            else:
                return None
    return ratios


# ---- the verdict ---------------------------------------------------------

def judge(a):
    kind = machine_kind()
    path = os.path.join(a.baseline, f"{kind}.json")
    results = load_results(a.results)
    if not results:
        print(f"bench gate: no results in {a.results}: run `make bench-quick` first",
              file=sys.stderr)
        return 2
    cannot = []
    for name, res in results.items():
        b = busy_of(res)
        if b is None:
            cannot.append(f"{name}: the run did not record the machine's load (an older bench/run.py)")
        elif b > BUSY:
            cannot.append(f"{name}: other processes used {b:.2f} cores during the run "
                          f"(at most {BUSY} for a verdict)")
        if res.get("queries", {}).get("file"):
            cannot.append(f"{name}: measured on a query file of its own "
                          f"({res['queries']['file']}), not the generated set of the baseline")
    if not os.path.exists(path):
        cannot.append(f"no baseline for this machine kind ({kind}); record one from an idle "
                      f"quick run: python3 bench/gate.py --record")
    if cannot:
        print("bench gate: CANNOT JUDGE this run:", file=sys.stderr)
        for c in cannot:
            print(f"  - {c}", file=sys.stderr)
        return 2
    with open(path) as f:
        base = json.load(f)
    failed, checked = [], 0
    for corpus, res in results.items():
        old = base["corpora"].get(corpus)
        if not old:
            continue
        now = metrics(res)
        for name, m0 in sorted(old["metrics"].items()):
            m = now.get(name)
            if not m:
                failed.append(f"{corpus} {name}: measured in the baseline, missing from this run")
                continue
            checked += 1
            if m["ratio"] <= m0["ratio"] * LIMIT or m["value"] <= m0["value"] * LIMIT:
                continue
            again = remeasure(corpus, name, m)
            line = (f"{corpus} {name}: {m['value']:.4g} {m['unit']}, {m['ratio']:.3f}× "
                    f"{m['peer']}; baseline {m0['value']:.4g}, {m0['ratio']:.3f}× "
                    f"({base['time']}): {(m['ratio'] / m0['ratio'] - 1) * 100:+.0f}%")
            if again is None:
                failed.append(line + " (could not measure again)")
                continue
            med = statistics.median(r for r, _ in again)
            med_value = statistics.median(v for _, v in again)
            verdict = ", ".join(f"{r:.3f}× ({v:.4g})" for r, v in again)
            if med > m0["ratio"] * LIMIT and med_value > m0["value"] * LIMIT:
                failed.append(line + f"; measured again: {verdict} (medians "
                              f"{(med / m0['ratio'] - 1) * 100:+.0f}% and "
                              f"{(med_value / m0['value'] - 1) * 100:+.0f}%)")
            else:
                print(f"bench gate: {line}; measured again: {verdict}: within {LIMIT - 1:.0%}, "
                      f"a noisy reading", file=sys.stderr)
    if failed:
        print("", file=sys.stderr)
        print("=" * 72, file=sys.stderr)
        print(f"BENCHMARK REGRESSION: {len(failed)} figure(s) more than "
              f"{LIMIT - 1:.0%} worse than {path}", file=sys.stderr)
        for f_ in failed:
            print(f"  - {f_}", file=sys.stderr)
        print("(a deliberate change: record a new baseline with python3 bench/gate.py "
              "--record and commit it with the change)", file=sys.stderr)
        print("=" * 72, file=sys.stderr)
        return 1
    print(f"bench gate: {checked} figures within {LIMIT - 1:.0%} of the baseline "
          f"({kind}, {base['time']})", file=sys.stderr)
    return 0


def record(a):
    kind = machine_kind()
    results = load_results(a.results)
    missing = [c for c in CORPORA if c not in results]
    if missing:
        print(f"bench gate: no results for {missing}: run `make bench-quick` first",
              file=sys.stderr)
        return 2
    for name, res in results.items():
        b = busy_of(res)
        if b is None or b > BUSY:
            print(f"bench gate: {name} was measured on a busy machine "
                  f"({'unknown' if b is None else f'{b:.2f} cores'} used by others): "
                  f"not a baseline", file=sys.stderr)
            return 2
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    out = {"machine_kind": kind, "time": max(r["time"] for r in results.values()),
           "commit": commit, "limit": LIMIT,
           "corpora": {n: {"time": r["time"], "metrics": metrics(r)} for n, r in results.items()}}
    os.makedirs(a.baseline, exist_ok=True)
    path = os.path.join(a.baseline, f"{kind}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    n = sum(len(c["metrics"]) for c in out["corpora"].values())
    print(f"bench gate: {n} figures recorded in {path}", file=sys.stderr)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", default=None,
                    help="the run's folder (default bench/out/latest, the latest run; "
                         "bench/results for the published figures)")
    ap.add_argument("--baseline", default=BASE, help="where baselines are (bench/baseline)")
    ap.add_argument("--record", action="store_true",
                    help="write bench/baseline/<machine kind>.json from the run's results")
    a = ap.parse_args(argv)
    if a.results is None:
        if not os.path.isdir(LATEST):
            print(f"bench gate: no run in {os.path.relpath(run.OUT, ROOT)}/: run `make "
                  "bench-quick` first (or judge the published figures: --results bench/results)",
                  file=sys.stderr)
            return 2
        a.results = LATEST
    return record(a) if a.record else judge(a)


if __name__ == "__main__":
    sys.exit(main())
