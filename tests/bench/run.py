#!/usr/bin/env python3
"""bench/run.py's two shortcuts for large corpora, on made-up files and
figures: a peer's database is reused only when the record beside it names
the very paragraphs it is asked to index (any byte changed, or no record,
means building again), and the user's path runs each class only on the
peer that was faster at top 10.  Then how corpora and query files of your
own are named and checked (a one-line error, never a traceback; the query
file only read), and the spread of a class's p50 over the passes."""
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import run  # noqa: E402

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


with tempfile.TemporaryDirectory() as tmp:
    paras = os.path.join(tmp, "paras.tsv")
    with open(paras, "w") as f:
        f.write("0\tthe first paragraph\n1\tthe second\n")
    db = os.path.join(tmp, "xapian.db")
    os.mkdir(db)
    fp = run.paras_fingerprint(paras)
    check(fp["bytes"] == os.path.getsize(paras) and len(fp["sha1"]) == 40, "fingerprint")

    check(run.reusable_build(db, fp) is None, "no record: built again")
    with open(db + ".build.json", "w") as f:
        json.dump({"paras": fp, "seconds": 12.5, "seconds_all": [12.5], "rss": 1 << 20,
                   "built": "2026-12-06 12:00:00"}, f)
    kept = run.reusable_build(db, fp)
    check(kept is not None and kept["seconds"] == 12.5 and kept["built"] == "2026-12-06 12:00:00",
          "a matching record is reused with its figures")

    # One byte changed, same size: the paragraphs differ, the database goes.
    with open(paras, "r+") as f:
        f.seek(3)
        f.write("F")
    fp2 = run.paras_fingerprint(paras)
    check(fp2["bytes"] == fp["bytes"] and fp2 != fp, "a changed byte changes the fingerprint")
    check(run.reusable_build(db, fp2) is None, "changed paragraphs: built again")

    # A record without its database, or an unreadable record.
    check(run.reusable_build(os.path.join(tmp, "gone.db"), fp) is None, "no database")
    with open(db + ".build.json", "w") as f:
        f.write("{not json")
    check(run.reusable_build(db, fp) is None, "a broken record: built again")

# By the mean (what the targets use), not the p50: in phrase2 FTS5 has the
# lower p50 but the higher mean.
lat = {"ajsearch": {"term": {"mean": 1.0}, "long": {"mean": 50.0}},
       "fts5": {"term": {"mean": 9.0}, "long": {"mean": 3000.0}, "and2": {"mean": 4.0},
                "phrase2": {"p50": 10.0, "mean": 90.0}},
       "xapian": {"term": {"mean": 5.0}, "long": {"mean": 100.0}, "and2": {"mean": 6.0},
                  "phrase2": {"p50": 20.0, "mean": 30.0}}}
by = run.faster_peer_classes(lat, ["ajsearch", "fts5", "xapian"])
check(by == {"fts5": {"and2"}, "xapian": {"term", "long", "phrase2"}},
      f"faster peer per class, ajsearch never counted: {by}")
by = run.faster_peer_classes(lat, ["ajsearch", "xapian"])
check(by == {"xapian": {"term", "long", "and2", "phrase2"}},
      f"one peer takes every class: {by}")

# Corpora by name: built-in names, NAME=PATH, a bare path; anything else
# is a UsageError that names the choices (never a traceback).
with tempfile.TemporaryDirectory() as tmp:
    docs = os.path.join(tmp, "docs")
    os.mkdir(docs)
    with open(os.path.join(docs, "a.txt"), "w") as f:
        f.write("Some text.\n")
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    jl = os.path.join(tmp, "notes.jsonl")
    with open(jl, "w") as f:
        f.write('{"text": "one"}\n')
    specs = run.resolve_corpora(f"seed,mine={docs},{jl}")
    check([(s["name"], s["kind"]) for s in specs] == [("seed", "builtin"), ("mine", "dir"),
                                                      ("notes", "jsonl")], f"specs: {specs}")
    for bad, why in [("mine", "unknown corpus"), (f"kjv={docs}", "built-in"),
                     (f"a={docs},a={docs}", "twice"), (f"x={tmp}/none", "neither"),
                     (f"e={empty}", "no .txt"), ("bad name=" + docs, "corpus name")]:
        try:
            run.resolve_corpora(bad)
            check(False, f"{bad!r} accepted")
        except run.UsageError as e:
            check(why in str(e), f"{bad!r}: {e}")

    # A query file of your own: checked line by line, copied, never written.
    q = os.path.join(tmp, "q.tsv")
    dest = os.path.join(tmp, "copy.tsv")
    for text, ok in [("# c\nterm\tterm\tship\n\nx\tor\ta  b\n", True),
                     ("term\tterm\n", False), ("t\tnear\ta b\n", False),
                     ("n\tnot\tonly\n", False), ("p\tphrase\t\"a b\"\n", False), ("# none\n", False)]:
        with open(q, "w") as f:
            f.write(text)
        try:
            info = run.load_query_file(q, dest)
            check(ok and info["queries"] == 2 and open(dest).read() ==
                  "term\tterm\tship\nx\tor\ta b\n", f"query file {text!r}: {info}")
        except run.UsageError as e:
            check(not ok and "q.tsv" in str(e), f"query file {text!r}: {e}")
        check(open(q).read() == text, "the query file is left as it was")

# The spread over passes: each query's k-th line is pass k.
rows = [{"i": i, "class": "term", "us": us} for us, i in
        [(1.0, 0), (2.0, 1), (3.0, 2), (10.0, 0), (20.0, 1), (30.0, 2)]]
s = run.summarize(rows)["term"]
check(s["passes"] == 2 and s["p50_spread"]["min"] == 2.0 and s["p50_spread"]["max"] == 20.0,
      f"per-pass p50s: {s}")
check(run.spread([]) is None and run.spread([5.0])["n"] == 1, "spread of none and one")
check(run.class_order({"zz", "long", "term"}) == ["term", "long", "zz"], "class order")

if failures:
    sys.exit(1)
print("bench/run.py shortcuts, corpora, query files, spread: ok")
