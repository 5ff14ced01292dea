#!/usr/bin/env python3
"""End-to-end tests of JSON `matches` read from each hit's own lines
(README "Output", JSON; src/index/source.c): on a large file made of the seed
documents over and over (hard-wrapped PDF text, web text, markdown), every
match's source bytes are the matched text, to the last paragraph; a file
changed in place or grown gives null and "source_changed": true, a
missing one null alone.

Usage: e2e_source.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary). Exit status 0 = pass.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import CORPUS, build, check, fold_source, main, run  # noqa: E402

LAST = (b"12<sup>th</sup> Zanzibar &amp; Kiribati partners closed the file with\n"
        b"a people-to-\npeople exchange on maritime law.\n")


def check_hits(q, corpus, out, want_min):
    n = 0
    for line in out.splitlines():
        h = json.loads(line)
        tm, sm = h["text_matches"], h["matches"]
        check(sm is not None and len(sm) == len(tm), f"{q}: hit {h['id']}: source matches {sm}")
        with open(os.path.join(corpus, h["doc"]), "rb") as f:
            f.seek(h["start"])
            src = f.read(h["end"] - h["start"])
        text = h["text"].encode()
        for (ts, te), (ss, se) in zip(tm, sm):
            check(h["start"] <= ss < se <= h["end"], f"{q}: {ss},{se} outside the paragraph")
            got = fold_source(src[ss - h["start"]:se - h["start"]])
            check(got == text[ts:te].decode().casefold(),
                  f"{q}: source {got!r} at {ss},{se} is not {text[ts:te]!r}")
            n += 1
    check(n >= want_min, f"{q}: only {n} matches checked")
    return n


def s_big_file(tmp):
    corpus = os.path.join(tmp, "corpus")
    os.mkdir(corpus)
    seeds = [open(os.path.join(CORPUS, f), "rb").read()
             for f in sorted(os.listdir(CORPUS)) if f.endswith((".txt", ".md"))]
    with open(os.path.join(corpus, "big.txt"), "wb") as f:
        size = 0
        while size < 12_000_000:  # the seed shapes, about 12 MB
            for s in seeds:
                f.write(s + b"\n\n")
                size += len(s) + 2
        f.write(LAST)
    index = build(tmp, corpus)
    for q, want in (('"South China Sea"', 100), ("maritime security", 300), ("28th", 50)):
        rc, out, err = run("--json", "--corpus", corpus, "-n", "300", "--", q, index=index)
        check(rc == 0, f"{q}: exit {rc}: {err}")
        check_hits(q, corpus, out, want)
    # the last paragraph of the file: markup and an entity at its start,
    # a hyphen joined across a line break
    q = "zanzibar 12th kiribati people-to-people"
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1", "--", q, index=index)
    check(rc == 0 and check_hits(q, corpus, out, 4) >= 4, out)
    h = json.loads(out)
    big = os.path.getsize(os.path.join(corpus, "big.txt"))
    check(h["end"] > big - len(LAST), f"the hit is the last paragraph: {h['start']},{h['end']}")
    # changed in place (same length): null, the text offsets stay
    with open(os.path.join(corpus, "big.txt"), "r+b") as f:
        f.seek(big - len(LAST) + LAST.index(b"Kiribati"))
        f.write(b"KIRIBATI")
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1", "--", q, index=index)
    h = json.loads(out)
    check(rc == 0 and h["matches"] is None and h["text_matches"], f"changed file: {out}")
    check(h.get("source_changed") is True, f"changed file: said so: {out}")
    # grown by a line at its end: the size tells
    with open(os.path.join(corpus, "big.txt"), "ab") as f:
        f.write(b"One more line.\n")
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1", "--", q, index=index)
    h = json.loads(out)
    check(h["matches"] is None and h.get("source_changed") is True, f"grown file: {out}")
    # gone: null, and not called changed
    os.rename(os.path.join(corpus, "big.txt"), os.path.join(corpus, "big.bak"))
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1", "--", q, index=index)
    h = json.loads(out)
    check(rc == 0 and h["matches"] is None and "source_changed" not in h, f"missing file: {out}")
    # an unchanged hit in the same search says nothing
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1", "--", "maritime", index=index)
    check("source_changed" not in out, out)


if __name__ == "__main__":
    main("e2e_source", globals())
