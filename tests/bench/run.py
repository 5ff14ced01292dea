#!/usr/bin/env python3
"""bench/run.py's two shortcuts for large corpora, on made-up files and
figures: a peer's database is reused only when the record beside it names
the very paragraphs it is asked to index (any byte changed, or no record,
means building again), and the user's path runs each class only on the
peer that was faster at top 10."""
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

if failures:
    sys.exit(1)
print("bench/run.py shortcuts: ok")
