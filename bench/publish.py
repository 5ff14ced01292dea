#!/usr/bin/env python3
"""Publishes one run of bench/run.py: its results into bench/results/, then
bench/RESULTS.md and the plots made again from them.

  python3 bench/publish.py [RUN_DIR] [--replace | --mix] [--allow-loaded] [--dry-run]

RUN_DIR is a run's folder (default bench/out/latest, the latest run).
`make bench` and `make bench-quick` never write a tracked file; this is the
one step that does, so that what bench/RESULTS.md shows is a choice.

The rule.  A run is published whole: every corpus it measured, and its
micro-benchmarks and relevance figures when it ran them.  Parts already
published that the run did not measure would stay from another run, and
then bench/RESULTS.md would mix runs; publishing refuses (exit 2), naming
each such part with its run and date, unless told what to do with them:

  --replace   remove them: every figure in bench/RESULTS.md comes from
              this run;
  --mix       keep them: bench/RESULTS.md then says that its figures come
              from several runs and dates and marks (quick or whole, its
              load) every part, and the figures of two corpora should not
              be compared.

A corpus measured while the machine was loaded (bench/run.py measured it
again and it was still loaded) is refused too, unless --allow-loaded; it
is then marked "loaded" in bench/RESULTS.md.  An unfinished run (no
"finished" in its run.json) is never published.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import report  # noqa: E402

RES = os.path.join(ROOT, "bench", "results")
RESULTS_MD = os.path.join(ROOT, "bench", "RESULTS.md")
LATEST = os.path.join(os.environ.get("AJ_BENCH_OUT") or os.path.join(ROOT, "bench", "out"),
                      "latest")


def parts(folder):
    """{part: its results} of a folder: each corpus's JSON (one with a
    "corpus" key), micro.json, relevance.json and serve.json."""
    out = {r["corpus"]: r for r in report.load(folder)}
    for extra in ("micro", "relevance", "serve"):
        p = os.path.join(folder, f"{extra}.json")
        if os.path.exists(p):
            with open(p) as f:
                out[extra] = json.load(f)
    return out


def describe(name, r):
    when = f"{r['time']} UTC" if r.get("time") else "date not recorded"
    return f"{name} ({report.run_label(r)}, {when})"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", nargs="?", default=LATEST, help="the run's folder (bench/out/latest)")
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--replace", action="store_true",
                     help="remove the published parts this run did not measure")
    how.add_argument("--mix", action="store_true",
                     help="keep them; RESULTS.md dates and marks every part")
    ap.add_argument("--allow-loaded", action="store_true",
                    help="publish corpora measured on a loaded machine (marked)")
    ap.add_argument("--dry-run", action="store_true", help="say what would be done, do nothing")
    ap.add_argument("--results", default=RES, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=RESULTS_MD, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    def refuse(msg):
        print(f"bench/publish.py: {msg}", file=sys.stderr)
        return 2

    run_dir = os.path.realpath(a.run)
    try:
        with open(os.path.join(run_dir, "run.json")) as f:
            run = json.load(f)
    except (OSError, ValueError):
        return refuse(f"{a.run} is not a run's folder (no run.json): bench/run.py makes them "
                      "in bench/out/")
    if not run.get("finished"):
        return refuse(f"run {run.get('id')} did not finish: not published")
    new = parts(run_dir)
    if not new:
        return refuse(f"run {run.get('id')} has no results")
    old = parts(a.results)
    others = sorted(set(old) - set(new))
    if others and not (a.replace or a.mix):
        return refuse(
            f"run {run['id']} measured {', '.join(sorted(new))}; these published parts are "
            "from other runs and would be mixed with it: "
            + "; ".join(describe(n, old[n]) for n in others)
            + ". Publish with --replace (remove them: every figure from this run) or --mix "
              "(keep them, each part dated and marked in RESULTS.md).")
    loaded = [n for n, r in new.items() if (r.get("load") or {}).get("loaded")]
    if loaded and not a.allow_loaded:
        return refuse(
            f"measured on a loaded machine: " + "; ".join(
                f"{n} (other processes used {new[n]['load']['others_cores']:.2f} cores, limit "
                f"{new[n]['load']['limit_cores']:.2f})" for n in loaded)
            + ". Measure again on a quieter machine, or publish with --allow-loaded (marked).")
    plan = [f"publish run {run['id']} ({'quick' if run.get('quick') else 'whole'}, "
            f"{run.get('started')} – {run.get('finished')} UTC): {', '.join(sorted(new))}"]
    if others:
        plan.append(("remove " if a.replace else "keep, dated and marked: ")
                    + "; ".join(describe(n, old[n]) for n in others))
    for line in plan:
        print(f"bench/publish.py: {line}", file=sys.stderr)
    if a.dry_run:
        return 0
    os.makedirs(a.results, exist_ok=True)
    if a.replace:
        for n in others:
            for f in (f"{n}.json", f"{n}-latency.png", f"{n}-latency.dat"):
                p = os.path.join(a.results, f)
                if os.path.exists(p):
                    os.remove(p)
    for n in new:
        src = os.path.join(run_dir, f"{n}.json")
        shutil.copyfile(src, os.path.join(a.results, f"{n}.json"))
    corpora = [n for n in new if n not in ("micro", "relevance", "serve")]
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"),
                    "--results", a.results, "--out", a.out, "--only-plots", ",".join(corpora)],
                   check=True)
    print(f"bench/publish.py: {os.path.relpath(a.out, ROOT)} and "
          f"{os.path.relpath(a.results, ROOT)}/ written; review and commit them", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
