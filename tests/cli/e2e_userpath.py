#!/usr/bin/env python3
"""End-to-end tests of the user's path, `search --stdin` (README
"Performance", the command line's own work): a batch answers each query
exactly as a search of that query alone does, in text and in JSON, and a
paragraph with more matches than a hit keeps inline shows every one of
them, in the snippet, in `text_matches` and in `matches`.

Usage: e2e_userpath.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary). Exit status 0 = pass.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import build, check, main, run  # noqa: E402

TIMING = re.compile(r"\(\d+\.\d+ ms\)")

# One query of each class the benchmark runs, a typo, a miss, and a
# query whose words are written with markup and entities in the corpus.
QUERIES = [
    "maritime security", "japan", "ASEAN Japan summit", "coast OR guard",
    '"South China Sea"', '"rule of law"', "cooperation -economic", "marit* law",
    "maritme securty", "zzyzzq", "disaster OR relief OR humanitarian OR assistance",
    "Kiribati partners",
]


def chunks(out):
    """The batch's answers by query number: the lines after each
    "# query N" header, timings blanked."""
    got, cur = {}, None
    for line in out.split("\n"):
        m = re.match(r"# query (\d+)$", line)
        if m:
            cur = int(m.group(1))
            got[cur] = []
        elif cur is not None:
            got[cur].append(TIMING.sub("(T ms)", line))
    return {k: "\n".join(v).strip("\n") for k, v in got.items()}


def s_batch_same_as_single(tmp):
    index = build(tmp)
    stdin = "".join(q + "\n" for q in QUERIES).encode()
    rc, out, err = run("search", "--stdin", stdin=stdin, index=index)
    check(rc == 0, f"text batch: exit {rc}: {err}")
    got = chunks(out)
    check(sorted(got) == list(range(1, len(QUERIES) + 1)), f"answers for {sorted(got)}")
    for i, q in enumerate(QUERIES, 1):
        _, one, _ = run("search", "--", q, index=index)
        one = TIMING.sub("(T ms)", one).strip("\n")
        check(got[i] == one, f"{q}: batch answer differs from the query alone:\n"
                             f"{got[i][:600]}\n---\n{one[:600]}")
    rc, out, err = run("search", "--stdin", "--json", stdin=stdin, index=index)
    check(rc == 0, f"json batch: exit {rc}: {err}")
    batch = {}
    for line in out.splitlines():
        h = json.loads(line)
        batch.setdefault(h.pop("query"), []).append(h)
    nhits = 0
    for i, q in enumerate(QUERIES, 1):
        _, one, _ = run("search", "--json", "--", q, index=index)
        alone = [json.loads(line) for line in one.splitlines() if line.strip()]
        for a in alone:
            a.pop("seconds", None)
            a.pop("ms", None)
        check(batch.get(i) == alone, f"{q}: JSON batch answer differs from the query alone")
        nhits += sum(1 for a in alone if "rank" in a)
    check(nhits >= 60, f"only {nhits} hits compared")


def s_many_matches(tmp):
    corpus = os.path.join(tmp, "corpus")
    os.mkdir(corpus)
    # 40 matches in one paragraph (more than a hit holds inline), some
    # inside markup and entities, so the source bytes differ from the text
    words = []
    for i in range(40):
        words.append(["zebra", "<b>zebra</b>", "zebra&amp;co"][i % 3] + f" w{i}")
    para = " ".join(words)
    with open(os.path.join(corpus, "many.md"), "w") as f:
        f.write("# Stripes\n\nA zebra alone here.\n\n" + para + "\n\nNo match in this one.\n")
    index = build(tmp, corpus)
    rc, out, err = run("search", "--stdin", "--json", "--corpus", corpus,
                       stdin=b"zebra\n", index=index)
    check(rc == 0, f"exit {rc}: {err}")
    hits = [json.loads(line) for line in out.splitlines()]
    big = [h for h in hits if len(h["text_matches"]) > 3]
    check(len(big) == 1, f"hits: {[len(h['text_matches']) for h in hits]}")
    h = big[0]
    tm, sm = h["text_matches"], h["matches"]
    check(len(tm) == 40, f"{len(tm)} text matches")
    text = h["text"].encode()
    check(all(text[s:e] == b"zebra" for s, e in tm), f"text matches {tm}")
    check(sm is not None and len(sm) == 40, f"source matches {sm}")
    src = open(os.path.join(corpus, "many.md"), "rb").read()
    check(all(src[s:e] == b"zebra" for s, e in sm), f"source matches {sm}")
    # the terminal shows every one of them with --full --mark
    rc, out, err = run("search", "--stdin", "--full", "--mark", "--corpus", corpus,
                       stdin=b"zebra\n", index=index)
    check(rc == 0, f"exit {rc}: {err}")
    check(out.count("[[zebra]]") == 41, f"{out.count('[[zebra]]')} marks:\n{out[:800]}")


if __name__ == "__main__":
    main("e2e_userpath", globals())
