#!/usr/bin/env python3
"""The benchmark suite run by someone else, on a corpus and a query file
of their own, in seconds: bench/run.py on a tiny directory corpus and a
tiny JSONL corpus (ajsearch, and FTS5 when its driver is built).  Checks,
one defect of issue 13 each:

  - a run changes no tracked file (git status and the published files'
    bytes before and after) and lands in the ignored bench/out/;
  - an unknown corpus name is a one-line error, not a traceback;
  - a query file of your own is used as given (its own class names too)
    and never written;
  - a quick run is marked quick, every corpus is dated;
  - the machine's load is recorded before and sampled during the run, and
    a corpus measured over the load limit is measured again and marked;
  - the spread over repetitions is recorded and reported;
  - publishing refuses to mix runs (and loaded or unfinished runs) unless
    told, and says so in RESULTS.md when told to mix.

Publishing writes into a temporary folder here, never bench/results."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "bench", "run.py")
PUBLISH = os.path.join(ROOT, "bench", "publish.py")
failures = 0


def check(cond, what, out=""):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n{out[-3000:]}", file=sys.stderr)


def sh(*args, env=None):
    p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    return p.returncode, p.stdout + p.stderr


def tracked_state():
    """git status of the whole checkout and the bytes of the published
    results: what a run must leave as it found it."""
    st = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=all"],
                        capture_output=True, text=True).stdout
    h = hashlib.sha1()
    res = os.path.join(ROOT, "bench", "results")
    for f in sorted(os.listdir(res)) + ["../RESULTS.md"]:
        with open(os.path.join(res, f), "rb") as g:
            h.update(f.encode() + g.read())
    return st, h.hexdigest()


def binaries():
    """build/bench/aj_bench, build/ajsearch and the clocked command line
    (bench/stdin_clock.c), built when missing or older than their sources
    (run.py refuses stale ones); False when they cannot be."""
    need = [os.path.join("build", "bench", "aj_bench"), os.path.join("build", "ajsearch"),
            os.path.join("build", "bench", "ajsearch-clocked")]
    # `make test` runs the sanitizer build's tests first, maybe before build/
    # exists; the plain build's pass that follows runs this test.
    if not os.path.exists(os.path.join(ROOT, "build", "libajsearch.a")):
        return False
    rc, out = sh("make", "--no-print-directory", "-s", "SAN=", *need)
    return rc == 0


def make_corpora(tmp):
    docs = os.path.join(tmp, "docs")
    os.makedirs(docs)
    words = ("ship harbour cargo port sea captain crew anchor storm wind sail trade fish net "
             "coast island river bridge market town").split()
    for d in range(3):
        with open(os.path.join(docs, f"doc{d}.txt"), "w") as f:
            f.write(f"Voyage {d}\n\n")
            for p in range(12):
                f.write(" ".join(words[(d * 7 + p * 3 + i) % len(words)]
                                 for i in range(8 + p)).capitalize() + ".\n\n")
    jsonl = os.path.join(tmp, "notes.jsonl")
    with open(jsonl, "w") as f:
        for i in range(6):
            f.write(json.dumps({"title": f"Note {i}", "text": f"The {words[i]} and the "
                                f"{words[i + 1]} of the harbour.\n\nA storm over the sea."}) + "\n")
    queries = os.path.join(tmp, "mine.tsv")
    with open(queries, "w") as f:
        f.write("# my queries: CLASS, OP, WORDS\n"
                "term\tterm\tship\nterm\tterm\tharbour\n\n"
                "and2\tand\tship sea\nphrase2\tphrase\tthe harbour\n"
                "mywide\tor\tstorm wind sail\nnot\tnot\tport ship\n")
    return docs, jsonl, queries


def main():
    if not binaries():
        print("bench suite: skipped (no build/ yet: `make` first; make test's plain pass runs it)")
        return 0
    check(subprocess.run(["git", "-C", ROOT, "check-ignore", "-q", "bench/out/x"]).returncode == 0,
          "bench/out/ is ignored by git")
    before = tracked_state()

    # An unknown corpus: one line, exit 2, the built-in names and the forms
    # of a corpus of your own.
    rc, out = sh(sys.executable, RUN, "--corpora", "mine")
    check(rc == 2 and "Traceback" not in out and "unknown corpus 'mine'" in out
          and "NAME=DIR" in out and "kjv" in out, "--corpora mine: a clear error", out)
    rc, out = sh(sys.executable, RUN, "--corpora", "kjv", "--queries", "/nonexistent.tsv")
    check(rc == 2 and "Traceback" not in out, "a missing query file: a clear error", out)

    # A driver older than the sources is refused: a run would measure an
    # earlier engine than the checkout's.
    stale = os.path.join(tempfile.mkdtemp(prefix="bench-stale-"), "aj_bench")
    shutil.copy(os.path.join(ROOT, "build", "bench", "aj_bench"), stale)
    os.utime(stale, (1, 1))
    rc, out = sh(sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import run; "
                 "print(run.stale_binaries([sys.argv[2]]))", os.path.join(ROOT, "bench"), stale)
    check(rc == 0 and stale in out, "a stale driver is found", out)
    shutil.rmtree(os.path.dirname(stale))

    engines = "ajsearch,fts5" if os.path.exists(os.path.join(ROOT, "build", "bench",
                                                             "fts5_bench")) else "ajsearch"
    tmp = tempfile.mkdtemp(prefix="bench-suite-")
    # The runs go into a folder of the test's own under bench/out (ignored
    # like the rest of it), so the checkout's bench/out/latest is not moved.
    out_root = os.path.join(ROOT, "bench", "out", f"test-suite-{os.getpid()}")
    env = dict(os.environ, AJ_BENCH_OUT=out_root)
    latest = os.path.join(out_root, "latest")
    made = [out_root]
    try:
        docs, jsonl, queries = make_corpora(tmp)
        qstat = (os.stat(queries).st_mtime_ns, open(queries, "rb").read())
        data = os.path.join(tmp, "data")
        common = ["--data", data, "--engines", engines, "--corpus-only", "--repeat", "2",
                  "--user-repeat", "2"]

        # Run A: quick, the directory corpus and the query file, the load
        # limit below zero so that it counts as loaded and is measured again.
        run_a = os.path.join(out_root, "run-a")
        rc, out = sh(sys.executable, RUN, "--quick", "--out", run_a, "--corpora",
                     f"mydocs={docs}", "--queries", queries, "--load-limit", "-1",
                     "--load-retries", "1", *common, env=env)
        check(not os.path.exists(latest), "--out leaves bench/out/latest alone")
        check(rc == 0, "run A", out)
        check("measuring again" in out and "Traceback" not in out, "run A warns of the load", out)
        with open(os.path.join(run_a, "mydocs.json")) as f:
            a = json.load(f)
        with open(os.path.join(run_a, "run.json")) as f:
            ra = json.load(f)
        check(ra.get("finished") and ra.get("quick") is True and a["run"]["quick"] is True,
              "run A recorded as quick and finished", json.dumps(ra)[:500])
        ld = a.get("load", {})
        check(len(ld.get("loadavg_before", [])) == 3 and ld.get("samples", 0) >= 1
              and ld.get("others_cores") is not None and "load1_max" in ld,
              "load recorded before and sampled during", json.dumps(ld)[:800])
        check(ld.get("loaded") is True and len(ld.get("attempts", [])) == 2,
              "a loaded corpus measured twice and marked", json.dumps(ld)[:800])
        check(len(ra.get("loadavg_before", [])) == 3 and ra.get("load", {}).get("samples", 0) >= 1,
              "the run's load in run.json", json.dumps(ra)[:800])
        lat = a["latency_us"]["10"]["ajsearch"]
        check(set(lat) == {"term", "and2", "phrase2", "mywide", "not"},
              "the query file's classes, its own included", str(sorted(lat)))
        check(a["queries"].get("file") == queries and a["queries"]["queries"] == 6,
              "the query file recorded", json.dumps(a["queries"]))
        sp = lat["term"].get("p50_spread") or {}
        check(lat["term"].get("passes") == 2 and sp.get("n") == 2 and sp["min"] <= sp["max"],
              "spread over the passes", json.dumps(lat["term"]))
        check((a["build"]["ajsearch"].get("seconds_spread") or {}).get("n") == 2,
              "spread over the builds", json.dumps(a["build"]["ajsearch"])[:500])
        up = a["user_path_us"]["ajsearch"]["text"]["term"]
        check((up.get("mean_spread") or {}).get("n") == 2, "spread over the batches",
              json.dumps(up))
        md = open(os.path.join(run_a, "RESULTS.md")).read()
        check("one **quick** run" in md and "Measured " + a["started"] in md,
              "RESULTS.md marks the quick run and dates the corpus", md[:1500])
        check("**Measured on a loaded machine**" in md and "Spread over repetitions" in md
              and "| mywide |" in md, "RESULTS.md: load, spread, own class", md)
        check(qstat == (os.stat(queries).st_mtime_ns, open(queries, "rb").read()),
              "the query file is not written")

        # Run B: the JSONL corpus, into bench/out/<run id> as make bench does.
        # A run's id is the second it starts in: B must not share A's (two
        # runs of real corpora are minutes apart; these take a second).
        while time.strftime("%Y%m%d-%H%M%SZ", time.gmtime()) <= ra["id"][:16]:
            time.sleep(0.05)
        rc, out = sh(sys.executable, RUN, "--corpora", f"notes={jsonl}", "--per-class", "3",
                     "--user-batch", "3", "--load-retries", "0", "--load-limit", "1000", *common,
                     env=env)
        check(rc == 0, "run B", out)
        run_b = os.path.realpath(latest)
        check(os.path.dirname(run_b) == os.path.realpath(out_root)
              and os.path.exists(os.path.join(run_b, "notes.json")),
              "run B in bench/out/<run id>, bench/out/latest points to it", run_b)
        with open(os.path.join(run_b, "notes.json")) as f:
            b = json.load(f)
        check(b["paragraphs"] >= 12 and b["source"]["kind"] == "jsonl",
              "the JSONL corpus: a document per line, its paragraphs", json.dumps(b["source"]))

        check(tracked_state() == before, "no tracked file changed by the runs",
              subprocess.run(["git", "-C", ROOT, "status", "--porcelain"], capture_output=True,
                             text=True).stdout)

        # Publishing, into a folder of the test's own.
        pub = os.path.join(tmp, "results")
        dest = ["--results", pub, "--out", os.path.join(tmp, "RESULTS.md")]
        rc, out = sh(sys.executable, PUBLISH, run_a, *dest)
        check(rc == 2 and "loaded" in out, "a loaded run is refused", out)
        rc, out = sh(sys.executable, PUBLISH, run_a, "--allow-loaded", *dest)
        check(rc == 0 and os.path.exists(os.path.join(pub, "mydocs.json")), "publish run A", out)
        md = open(os.path.join(tmp, "RESULTS.md")).read()
        check("Every figure below comes from one **quick** run" in md and "(**loaded**)" in md,
              "published: one quick run, loaded marked", md[:1500])
        rc, out = sh(sys.executable, PUBLISH, run_b, *dest)
        check(rc == 2 and "mydocs" in out and "--replace" in out and "--mix" in out,
              "publishing another run's corpus beside it is refused", out)
        rc, out = sh(sys.executable, PUBLISH, run_b, "--mix", *dest)
        md = open(os.path.join(tmp, "RESULTS.md")).read()
        check(rc == 0 and "come from 2 different runs" in md and ra["id"] in md
              and b["run"]["id"] in md, "--mix: both runs named and dated", md[:2000])
        rc, out = sh(sys.executable, PUBLISH, run_b, "--replace", *dest)
        md = open(os.path.join(tmp, "RESULTS.md")).read()
        check(rc == 0 and not os.path.exists(os.path.join(pub, "mydocs.json"))
              and "Every figure below comes from one run" in md, "--replace: one run", md[:1500])
        unfinished = os.path.join(tmp, "unfinished")
        shutil.copytree(run_b, unfinished)
        with open(os.path.join(unfinished, "run.json")) as f:
            r = json.load(f)
        r["finished"] = None
        with open(os.path.join(unfinished, "run.json"), "w") as f:
            json.dump(r, f)
        rc, out = sh(sys.executable, PUBLISH, unfinished, "--replace", *dest)
        check(rc == 2 and "did not finish" in out, "an unfinished run is refused", out)
        check(tracked_state() == before, "no tracked file changed by publishing elsewhere")
        # The gate with no --results judges the latest run, run B here: it
        # measured neither seed nor kjv, so there is nothing to judge.
        rc, out = sh(sys.executable, os.path.join(ROOT, "bench", "gate.py"), env=env)
        check(rc == 2 and "Traceback" not in out, "the gate on a run of your own: exit 2", out)
    finally:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        return 1
    print("bench suite: a run of your own, its output, load, spread and publishing: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
