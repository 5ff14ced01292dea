#!/usr/bin/env python3
"""Chooses ajsearch's ranking defaults on the judged needs, and shows how
well the choice carries over to needs it was not chosen on.

  python3 tests/relevance/tune.py [--bin ./ajsearch] [--json FILE]

The grid covers BM25's k1 and b, the weights of the proximity and
heading factors and the factor of a hit that is itself a heading
(--rank=full). Every point runs the whole query set once
(one ajsearch process in --stdin mode). The point with the best mean
nDCG@10 over the TUNING needs (held_out false) wins; ties go to the point
nearest the current defaults. The held-out needs are scored at every point
too but never used to choose: their figure at the chosen point, beside
their figure at the current defaults, says whether the choice generalises
or merely memorises the tuning needs.
"""
import argparse
import itertools
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import metrics  # noqa: E402
from eval import prepare, run_ajsearch  # noqa: E402

K1 = [0.6, 0.9, 1.2, 1.6, 2.0]
B = [0.3, 0.5, 0.75, 0.9]
PROX = [0.0, 0.25, 0.5, 1.0, 2.0]
HEAD = [0.0, 0.1, 0.25, 0.5, 1.0]
HIT = [1.0, 0.5, 0.25]
DEFAULT = (0.6, 0.3, 0.5, 0.0, 0.5)  # what ajsearch ships (src/ajsearch.h)
KEYS = ("k1", "b", "proximity", "heading", "heading_hit")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ajsearch"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "tune"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"))
    ap.add_argument("--json", default=None, help="write every grid point here")
    a = ap.parse_args()

    needs, index, _, grades = prepare(a.bin, a.corpus, a.out)
    tuning = [n for n in needs if not n["held_out"]]
    held = [n for n in needs if n["held_out"]]

    def mean_ndcg(ranked, subset):
        return metrics.mean([metrics.ndcg_at(ranked.get(n["id"], []), grades[n["id"]], 10)
                             for n in subset])

    points = []
    for k1, b, wp, wh, hh in itertools.product(K1, B, PROX, HEAD, HIT):
        ranked = run_ajsearch(a.bin, index, needs,
                              ["--k1", str(k1), "--b", str(b), "--proximity", str(wp),
                               "--heading", str(wh), "--heading-hit", str(hh)])
        points.append({"k1": k1, "b": b, "proximity": wp, "heading": wh, "heading_hit": hh,
                       "tuning": mean_ndcg(ranked, tuning),
                       "held_out": mean_ndcg(ranked, held)})
    bm25 = run_ajsearch(a.bin, index, needs, ["--rank=bm25"])

    def distance(p):
        return sum(abs(p[k] - d) for k, d in zip(KEYS, DEFAULT))

    best = max(points, key=lambda p: (round(p["tuning"], 4), -distance(p)))
    default = next(p for p in points if distance(p) == 0)
    print(f"{len(points)} grid points; {len(tuning)} tuning needs, {len(held)} held out\n")
    print("| point | k1 | b | proximity | heading | heading hit | nDCG@10 tuning | nDCG@10 held out |")
    print("|---|---|---|---|---|---|---|---|")
    top = sorted(points, key=lambda p: -p["tuning"])[:10]
    for name, p in [("chosen", best), ("current defaults", default)] + \
                   [(f"top {i + 1}", p) for i, p in enumerate(top)]:
        print(f"| {name} | {p['k1']} | {p['b']} | {p['proximity']} | {p['heading']} | "
              f"{p['heading_hit']} | {p['tuning']:.3f} | {p['held_out']:.3f} |")
    print(f"| --rank=bm25 (1.2, 0.75) | | | | | | {mean_ndcg(bm25, tuning):.3f} | "
          f"{mean_ndcg(bm25, held):.3f} |")
    # One factor at a time around the chosen point: how flat the optimum is.
    print("\nOne parameter at a time, the others at the chosen point (nDCG@10 tuning / held out):\n")
    for key, values in zip(KEYS, (K1, B, PROX, HEAD, HIT)):
        cells = []
        for v in values:
            p = next(q for q in points if q[key] == v and
                     all(q[o] == best[o] for o in KEYS if o != key))
            cells.append(f"{v}: {p['tuning']:.3f}/{p['held_out']:.3f}")
        print(f"- {key}: " + ", ".join(cells))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"chosen": best, "default": default, "points": points}, f, indent=1)


if __name__ == "__main__":
    main()
