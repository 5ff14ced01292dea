#!/usr/bin/env python3
"""bench/gate.py's verdicts on made-up results: a figure 20% worse than the
baseline fails unless measuring it again clears it; a busy or unrecorded
machine, or no baseline, cannot be judged (exit 2, never 0); a recorded
baseline judges its own results as passing.  The re-measurement is
replaced by a stub here (the real one runs the drivers)."""
import contextlib
import copy
import io
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import gate  # noqa: E402

CLASSES = ["term", "and2", "phrase2"]


def result(name, scale=1.0, others=0.05, peer_scale=1.0):
    """A corpus's results: ajsearch's figures times scale, the peers'
    times peer_scale, others_cores used by other processes."""
    lat = {"ajsearch": {c: {"p50": 10.0 * scale} for c in CLASSES},
           "fts5": {c: {"p50": 200.0 * peer_scale} for c in CLASSES},
           "xapian": {c: {"p50": 100.0 * peer_scale} for c in CLASSES}}
    up = {"ajsearch": {f: {c: {"mean": 300.0 * scale} for c in CLASSES}
                       for f in ("text", "json")},
          "ids": {"xapian": {c: {"mean": 120.0 * peer_scale} for c in CLASSES},
                  "fts5": {c: {"mean": 500.0 * peer_scale} for c in CLASSES}}}
    return {"corpus": name, "time": "2026-12-06 07:00:00",
            "latency_us": {"10": lat}, "user_path_us": up,
            "build": {"ajsearch": {"seconds": 0.5 * scale, "seconds_1thread": 0.6 * scale},
                      "fts5": {"seconds": 0.3 * peer_scale}},
            "machine": {"others_cores": others}}


def run_gate(tmp, results, extra=(), remeasured=None):
    """Writes results, runs the gate, returns (exit status, stderr)."""
    rdir = os.path.join(tmp, "results")
    os.makedirs(rdir, exist_ok=True)
    for f in os.listdir(rdir):
        os.remove(os.path.join(rdir, f))
    for r in results:
        with open(os.path.join(rdir, r["corpus"] + ".json"), "w") as f:
            json.dump(r, f)
    calls = []

    def stub(corpus, name, m):
        calls.append((corpus, name))
        return None if remeasured is None else remeasured(corpus, name, m)

    gate.remeasure = stub
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = gate.main(["--results", rdir, "--baseline", os.path.join(tmp, "base"), *extra])
    return rc, err.getvalue(), calls


def expect(cond, what, out):
    if not cond:
        print(f"FAIL: {what}\n{out}")
        sys.exit(1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        base = [result("seed"), result("kjv")]
        # No baseline: cannot judge.
        rc, out, _ = run_gate(tmp, base)
        expect(rc == 2 and "no baseline" in out, "no baseline gives 2", out)
        # A busy machine is not a baseline.
        rc, out, _ = run_gate(tmp, [result("seed", others=0.9), result("kjv")], ["--record"])
        expect(rc == 2 and "busy" in out, "busy run refused as a baseline", out)
        rc, out, _ = run_gate(tmp, base, ["--record"])
        expect(rc == 0, "record", out)
        kind = gate.machine_kind()
        with open(os.path.join(tmp, "base", kind + ".json")) as f:
            b = json.load(f)
        n = len(b["corpora"]["kjv"]["metrics"])
        expect(n == 3 + 6 + 2, f"11 figures per corpus, got {n}", json.dumps(b)[:400])
        expect(abs(b["corpora"]["kjv"]["metrics"]["query term"]["ratio"] - 0.1) < 1e-9,
               "ratio to the faster peer", json.dumps(b)[:400])
        # The same results pass, with nothing measured again.
        rc, out, calls = run_gate(tmp, base)
        expect(rc == 0 and not calls, "same figures pass", out)
        # The whole machine twice as slow: the ratios hold, it passes.
        rc, out, calls = run_gate(tmp, [result("seed", 2.0, peer_scale=2.0),
                                        result("kjv", 2.0, peer_scale=2.0)])
        expect(rc == 0 and not calls, "a slower machine is not a regression", out)
        # 19% slower passes; 30% slower is measured again.
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", 1.19)])
        expect(rc == 0 and not calls, "19% passes", out)
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", 1.3)])
        expect(rc == 1 and "BENCHMARK REGRESSION" in out and len(calls) == 11,
               "30% worse, not measurable again: fails", out)
        # Measured again within bounds: a noisy reading, passes.
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", 1.3)],
                                  remeasured=lambda c, n, m: [(m["ratio"] / 1.3,
                                                               m["value"] / 1.3)] * 3)
        expect(rc == 0 and "noisy reading" in out and len(calls) == 11,
               "cleared by re-measurement", out)
        # The peer faster by 30% while ajsearch's own figures hold: not
        # ajsearch's regression, nothing measured again.
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", peer_scale=0.7)])
        expect(rc == 0 and not calls, "a faster peer is not a regression", out)
        # Re-measured: the ratio still worse but ajsearch's figure back
        # within bounds (the peer sped up meanwhile): passes.
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", 1.3)],
                                  remeasured=lambda c, n, m: [(m["ratio"],
                                                               m["value"] / 1.3)] * 3)
        expect(rc == 0 and len(calls) == 11, "ratio alone does not confirm", out)
        # Measured again and still worse: fails, naming the figure.
        rc, out, calls = run_gate(tmp, [result("seed"), result("kjv", 1.3)],
                                  remeasured=lambda c, n, m: [(m["ratio"], m["value"])] * 3)
        expect(rc == 1 and "kjv query phrase2" in out and "kjv build 1 thread" in out,
               "confirmed regression fails", out)
        # One class only.
        one = result("kjv")
        one["latency_us"]["10"]["ajsearch"]["and2"]["p50"] = 13.0
        rc, out, calls = run_gate(tmp, [result("seed"), one],
                                  remeasured=lambda c, n, m: [(m["ratio"], m["value"])] * 3)
        expect(rc == 1 and calls == [("kjv", "query and2")] and "+30%" in out,
               "one class regressed", out)
        # Busy during the run: cannot judge, even when the figures look fine.
        rc, out, _ = run_gate(tmp, [result("seed"), result("kjv", others=0.5)])
        expect(rc == 2 and "CANNOT JUDGE" in out, "busy run not judged", out)
        # An unrecorded load (an older runner): cannot judge.
        old = copy.deepcopy(result("kjv"))
        del old["machine"]["others_cores"]
        rc, out, _ = run_gate(tmp, [result("seed"), old])
        expect(rc == 2, "unrecorded load not judged", out)
        # A figure of the baseline missing from the run fails.
        gone = result("kjv")
        del gone["user_path_us"]["ajsearch"]["json"]
        rc, out, _ = run_gate(tmp, [result("seed"), gone])
        expect(rc == 1 and "missing from this run" in out, "missing figure fails", out)
        # Without --results it judges the latest run in bench/out; none: exit 2.
        gate.LATEST = os.path.join(tmp, "no-such-run")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = gate.main(["--baseline", os.path.join(tmp, "base")])
        expect(rc == 2 and "make" in err.getvalue() and "bench-quick" in err.getvalue(),
               "no run to judge", err.getvalue())
        gate.LATEST = os.path.join(tmp, "results")
        run_gate(tmp, base)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = gate.main(["--baseline", os.path.join(tmp, "base")])
        expect(rc == 0, "the latest run judged by default", err.getvalue())
        # A run on a query file of its own is not comparable with the baseline.
        own = result("kjv")
        own["queries"] = {"file": "/tmp/mine.tsv", "queries": 6}
        rc, out, _ = run_gate(tmp, [result("seed"), own])
        expect(rc == 2 and "query file of its own" in out, "own queries not judged", out)
    print("bench gate: all verdicts as expected")


if __name__ == "__main__":
    main()
