#!/usr/bin/env python3
"""Brute-force reference test: for hundreds of random queries over the real
corpus, the engine's result set, order and scores must equal a naive scan
(refsearch.py) over `ajsearch dump` and `ajsearch analyze` output.

Usage (from the repository root):
  python3 tests/reference/run.py [--bin PATH] [--corpus DIR] [--count N] [--seed S]
       [--k1 X --b X]
$AJSEARCH_BIN is the default binary. Exit status 0 iff every query agrees.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_queries  # noqa: E402
import refsearch  # noqa: E402


def engine(binary, index, query, k1, b):
    p = subprocess.run([binary, "search", "--index", index, "--json", "-n", "1000000",
                        "--k1", str(k1), "--b", str(b), "--", query],
                       capture_output=True, text=True)
    hits = [json.loads(line) for line in p.stdout.splitlines()]
    return p.returncode, hits, p.stderr


def close(a, b):
    return abs(a - b) <= 1e-4 * max(1.0, abs(a), abs(b))


def compare(query, want, rc, got, err):
    """Returns a failure description, or None."""
    if rc == 2:
        return f"engine error: {err.strip()}"
    if rc != (0 if want else 1):
        return f"exit status {rc} with {len(want)} expected hits"
    want_ids = [i for _, i in want]
    got_ids = [h["id"] for h in got]
    if set(want_ids) != set(got_ids):
        missing = sorted(set(want_ids) - set(got_ids))[:10]
        extra = sorted(set(got_ids) - set(want_ids))[:10]
        return f"result sets differ: missing {missing}, extra {extra} ({len(want_ids)} vs {len(got_ids)})"
    scores = dict((i, s) for s, i in want)
    for rank, h in enumerate(got):
        if not close(h["score"], scores[h["id"]]):
            return f"score of {h['id']}: engine {h['score']:.6f}, reference {scores[h['id']]:.6f}"
        if h["rank"] != rank + 1:
            return f"rank field {h['rank']} at position {rank + 1}"
    for a, b in zip(got, got[1:]):
        sa, sb = scores[a["id"]], scores[b["id"]]
        # Better scores first; exact ties (same tf, df and dl) by id.
        if sa < sb - 1e-9 or (abs(sa - sb) < 1e-12 and a["id"] > b["id"]):
            return f"order: {a['id']} ({sa:.6f}) before {b['id']} ({sb:.6f})"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("AJSEARCH_BIN", "./ajsearch"))
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--k1", type=float, default=1.2)
    ap.add_argument("--b", type=float, default=0.75)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.path.exists(binary):
        print(f"reference: binary {binary} not found (build it first)")
        return 1
    tmp = tempfile.mkdtemp(prefix="ajsearch-ref-")
    try:
        index = os.path.join(tmp, "index")
        subprocess.run([binary, "index", "--corpus", args.corpus, "--index", index],
                       check=True, capture_output=True)
        corpus = refsearch.Corpus(binary, index)
        queries = gen_queries.generate(corpus.paras, args.count, args.seed)
        failures = compared = nonempty = 0
        for q in queries:
            try:
                want = refsearch.search(corpus, q, args.k1, args.b)
            except refsearch.QueryError as e:
                want = e
            rc, got, err = engine(binary, index, q, args.k1, args.b)
            if isinstance(want, refsearch.QueryError):
                problem = None if rc == 2 else f"reference rejects it ({want}), engine exit {rc}"
            else:
                problem = compare(q, want, rc, got, err)
                compared += len(want)
                nonempty += bool(want)
            if problem:
                failures += 1
                print(f"FAIL {q!r}: {problem}")
        for q in gen_queries.INVALID:
            rc, got, err = engine(binary, index, q, args.k1, args.b)
            try:
                refsearch.search(corpus, q)
                ref_ok = True
            except refsearch.QueryError:
                ref_ok = False
            if rc != 2 or ref_ok:
                failures += 1
                print(f"FAIL invalid query {q!r}: engine exit {rc}, reference accepts: {ref_ok}")
        print(f"reference: {len(queries)} queries ({nonempty} with hits) and "
              f"{len(gen_queries.INVALID)} invalid ones, {compared} hits compared, "
              f"{failures} failures")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
