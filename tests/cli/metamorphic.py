#!/usr/bin/env python3
"""Metamorphic tests of the default ranking: one ranking whatever page is
asked for (README "Ranking").

Usage: metamorphic.py SCENARIO [--queries N] [--alone N] [--seed S]
(from the repository root; $AJSEARCH_BIN names the binary).  Scenarios:

  corpus   random queries on corpus/
  kjv      random queries on the King James Bible verses (Debian's
           bible-kjv, one verse per paragraph, made as bench/ makes them)
  issue    the cases that showed the ranking depending on the page

For every query the complete ranking is `--json -n BIG`; then:
  - paging tiles: the pages of -n P --offset O, for pages of 1, of 10 and
    of a size drawn from 2..9, put end to end, are the complete ranking
    (ids, scores, partial marks and shares, rank fields), and a page past
    the end, or of -n 0, lists nothing;
  - prefix stability: -n K is the first K of the complete ranking;
  - batch = single: `search --stdin` gives each line what its query gives
    alone;
  - formats agree: text, --json and --html list the same hits in the same
    order, with the same scores and partial marks;
  - exit status: 0 exactly when something is listed, for every run.
Most runs go through --stdin, all queries in one process per page; the
first --alone queries also run alone, every page and format, which checks
batch = single and each run's exit status.  Partial matches are part of
the complete ranking, so every check covers them too.  Queries are drawn
from the corpus: frequent, middling and rare words, alone and in ANDs
(several with few common paragraphs, so that partial matches follow),
ORs, NOTs, phrases, prefixes and NEARs.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, Fail, build, check, run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIG = 300                    # the complete ranking's head: pages look at 60 at most
PAGE_SIZES = (1, 10)         # and one drawn from 2..9, for each query
PAGES = 5                    # pages of each size put end to end
HIT_LINE = re.compile(r"^\s*(\d+)\. \[(-?[0-9.]+)\] (?:\((\d+) of (\d+)\) )?(.*)$")
HTML_HIT = re.compile(r'<li class="ajsearch-hit[^"]*" value="(\d+)" data-id="(\d+)" '
                      r'data-score="(-?[0-9.]+)"')


def hits_of(out):
    """The hit objects of JSON Lines output (a query that lists nothing
    prints one summary object without "rank" instead)."""
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [r for r in rows if "rank" in r]


def key(h):
    """What a hit must keep from page to page."""
    return (h["id"], h["score"], h.get("partial", False), h.get("matched"), h.get("share"))


def search(index, query, *opts):
    """One query alone: its hits, with the exit status checked."""
    rc, out, err = run("search", "--json", *opts, "--", query, index=index)
    check(rc in (0, 1), f"{query!r} {' '.join(opts)}: exit {rc}: {err}")
    hits = hits_of(out)
    check(rc == (0 if hits else 1),
          f"{query!r} {' '.join(opts)}: exit {rc} with {len(hits)} hits listed")
    return hits


def batch(index, queries, *opts):
    """All the queries through one `search --stdin --json`: hits by query."""
    rc, out, err = run("search", "--stdin", "--json", *opts, index=index,
                       stdin="".join(q + "\n" for q in queries).encode())
    check(rc in (0, 1), f"--stdin {' '.join(opts)}: exit {rc}: {err}")
    got = [[] for _ in queries]
    for h in hits_of(out):
        check("error" not in h, f"--stdin: line {h.get('query')}: {h.get('error')}")
        got[h["query"] - 1].append(h)
    check(rc == (0 if any(got) else 1), f"--stdin {' '.join(opts)}: exit {rc}")
    return got


def check_complete(query, full):
    ids = [h["id"] for h in full]
    check(len(set(ids)) == len(ids), f"{query!r}: a paragraph listed twice: {ids[:20]}")
    check([h["rank"] for h in full] == list(range(1, len(full) + 1)), f"{query!r}: ranks")
    seen_partial = False
    for h in full:
        seen_partial |= bool(h.get("partial"))
        check(not (seen_partial and not h.get("partial")),
              f"{query!r}: a full match after a partial one")


def check_page(query, full, page, n, offset, how):
    if len(full) == BIG and offset + n > BIG:
        return  # beyond the head of the ranking that is known
    want = full[offset:offset + n]
    check([h["rank"] for h in page] == list(range(offset + 1, offset + len(page) + 1)),
          f"{query!r} {how} -n {n} --offset {offset}: ranks {[h['rank'] for h in page]}")
    check([key(h) for h in page] == [key(h) for h in want],
          f"{query!r} {how} -n {n} --offset {offset}: {[h['id'] for h in page]}, the complete "
          f"ranking has {[h['id'] for h in want]} there")


def page_plan(rnd, longest):
    """(n, offset) pages: pages of 1, of 10 and of a size drawn from 2..9,
    each run end to end over the first PAGES pages, then past the end."""
    plan = []
    for p in PAGE_SIZES + (rnd.randint(2, 9),):
        plan += [(p, o) for o in range(0, min(longest, PAGES * p), p)]
    if longest < BIG:  # the whole ranking is known: a page past its end
        plan.append((5, longest))
    plan += [(0, 0), (rnd.randint(3, 30), 0)]
    return plan


def single_checks(index, query, full, rnd):
    """Every invariant for one query alone (each run's exit status too)."""
    check([key(h) for h in search(index, query, "-n", str(BIG))] == [key(h) for h in full],
          f"{query!r}: alone differs from --stdin")
    for n, offset in page_plan(rnd, len(full)):
        if len(full) == BIG and offset + n > BIG:
            continue
        page = search(index, query, "-n", str(n), "--offset", str(offset))
        check_page(query, full, page, n, offset, "alone")


def text_hits(out):
    """The hits of text output, by query (batch mode starts each query
    with `# query N`)."""
    by, cur = {}, 1
    for line in out.splitlines():
        m = re.match(r"^# query (\d+)$", line)
        if m:
            cur = int(m.group(1))
            continue
        m = HIT_LINE.match(line)
        if m:
            by.setdefault(cur, []).append(m)
    return by


def html_hits(out):
    by = {}
    for sec in re.split(r'<section class="ajsearch"', out)[1:]:
        m = re.search(r'data-line="(\d+)"', sec.split(">", 1)[0])
        by[int(m.group(1)) if m else 1] = HTML_HIT.findall(sec)
    return by


def check_formats(queries, fulls, offset, text_out, html_out):
    """Text and HTML list what JSON lists, for every query."""
    texts, htmls = text_hits(text_out), html_hits(html_out)
    for i, (query, full) in enumerate(zip(queries, fulls), 1):
        want = full[offset:offset + 10]
        text = texts.get(i, [])
        check(len(text) == len(want), f"{query!r} text lists {len(text)} hits, JSON {len(want)}")
        for m, h in zip(text, want):
            check(int(m.group(1)) == h["rank"], f"{query!r} text rank {m.group(1)} vs {h['rank']}")
            check(abs(float(m.group(2)) - h["score"]) < 0.0015,
                  f"{query!r} text score {m.group(2)} vs {h['score']}")
            check(bool(m.group(3)) == bool(h.get("partial")), f"{query!r}: partial mark differs")
            if m.group(3):
                check((int(m.group(3)), int(m.group(4))) == (h["matched"], h["clauses"]),
                      f"{query!r}: ({m.group(3)} of {m.group(4)}) vs {h['matched']} of "
                      f"{h['clauses']}")
            check(m.group(5) == h["cite"], f"{query!r}: text cites {m.group(5)!r}, JSON "
                                           f"{h['cite']!r}")
        html = htmls.get(i, [])
        check([(int(r), int(d)) for r, d, _ in html] == [(h["rank"], h["id"]) for h in want],
              f"{query!r}: HTML lists {html}, JSON {[(h['rank'], h['id']) for h in want]}")
        for (_, _, sc), h in zip(html, want):
            check(abs(float(sc) - h["score"]) < 0.0015, f"{query!r}: HTML score {sc} vs "
                                                        f"{h['score']}")


def run_queries(index, queries, seed, alone):
    """The invariants over many queries: the complete rankings, pages and
    formats through --stdin (one process for all queries), and for the
    first `alone` queries every run alone as well, which also checks that
    --stdin gives what a query gives alone."""
    rnd = random.Random(seed)
    fulls = batch(index, queries, "-n", str(BIG))
    for q, full in zip(queries, fulls):
        check_complete(q, full)
    longest = max(len(f) for f in fulls)
    for n, offset in page_plan(rnd, min(longest, 60)) + [(5, BIG)]:
        for q, full, page in zip(queries, fulls, batch(index, queries, "-n", str(n),
                                                       "--offset", str(offset))):
            check_page(q, full, page, n, offset, "--stdin")
    for offset in (0, rnd.randint(1, 15)):
        opts = ("-n", "10", "--offset", str(offset))
        text = run("search", "--stdin", "--color=never", *opts, index=index,
                   stdin="".join(q + "\n" for q in queries).encode())
        html = run("search", "--stdin", "--html", *opts, index=index,
                   stdin="".join(q + "\n" for q in queries).encode())
        check(text[0] in (0, 1) and html[0] in (0, 1), f"--stdin text/html: {text[2]} {html[2]}")
        check_formats(queries, fulls, offset, text[1], html[1])
    for q, full in list(zip(queries, fulls))[:alone]:
        single_checks(index, q, full, rnd)
        for offset in (0, rnd.randint(0, max(0, len(full) - 1))):
            opts = ("-n", "10", "--offset", str(offset))
            t = run("search", "--color=never", *opts, "--", q, index=index)
            h = run("search", "--html", *opts, "--", q, index=index)
            listed = bool(full[offset:offset + 10])
            check(t[0] == h[0] == (0 if listed else 1), f"{q!r} text/html exit {t[0]} {h[0]}")
            check_formats([q], [full], offset, t[1], h[1])


# ---------------------------------------------------------------- queries

def vocabulary(index):
    """Words of the paragraphs, by document frequency (lower case)."""
    rc, out, err = run("dump", "--json", index=index)
    check(rc == 0, f"dump: {err}")
    df = {}
    texts = []
    for line in out.splitlines():
        text = json.loads(line)["text"]
        words = re.findall(r"[a-z]{2,}", text.lower())
        texts.append(words)
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    return df, [t for t in texts if len(t) >= 3]


def make_queries(index, count, seed):
    df, texts = vocabulary(index)
    rnd = random.Random(seed)
    by_df = sorted(df, key=lambda w: (-df[w], w))
    frequent = by_df[:30]
    middle = [w for w in by_df if 3 <= df[w] <= len(texts) // 20] or by_df
    rare = [w for w in by_df if df[w] <= 2] or by_df

    def word():
        return rnd.choice(rnd.choice([frequent, middle, middle, rare]))

    def consecutive(n):
        t = rnd.choice([t for t in texts if len(t) >= n])
        i = rnd.randrange(len(t) - n + 1)
        return t[i:i + n]

    shapes = [
        lambda: word(),
        lambda: " ".join(consecutive(2)),
        lambda: " ".join(consecutive(3)),
        lambda: f"{word()} {word()}",
        lambda: f"{word()} {word()} {word()}",
        lambda: f"{rnd.choice(frequent)} {rnd.choice(rare)}",
        lambda: f"{rnd.choice(middle)} {rnd.choice(middle)} {rnd.choice(frequent)}",
        lambda: f'"{" ".join(consecutive(2))}" {word()}',
        lambda: f"{word()} OR {word()}",
        lambda: f"{word()} {word()} -{rnd.choice(frequent)}",
        lambda: f"{word()[:4]}* {word()}",
        lambda: f"{word()} NEAR/3 {word()} {word()}",
    ]
    out = []
    while len(out) < count:
        q = rnd.choice(shapes)()
        if q not in out:
            out.append(q)
    return out


# ---------------------------------------------------------------- scenarios

def kjv_index(tmp):
    """The KJV verses, made and indexed as bench/ does (tools/mkcorpus.py)."""
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkcorpus.py"), "kjv", tmp],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"making the KJV corpus (needs Debian's bible-kjv): "
                             f"{p.stdout}{p.stderr}")
    return build(tmp, os.path.join(tmp, "corpus"))


def s_corpus(tmp, a):
    index = build(tmp)
    run_queries(index, make_queries(index, a.queries, a.seed), a.seed, a.alone)


def s_kjv(tmp, a):
    index = kjv_index(tmp)
    rc, out, err = run("stats", "--json", index=index)
    check(rc == 0 and json.loads(out)["paragraphs"] == 31102, f"KJV: {out[:200]} {err}")
    run_queries(index, make_queries(index, a.queries, a.seed), a.seed, a.alone)


def s_issue(tmp, a):
    """The issue's own examples, each as the invariant it broke."""
    index = build(tmp)
    # Pages of 10 of 'set OR and' tile its first 60 hits, none twice.
    pages = []
    for o in range(0, 60, 10):
        pages += [h["id"] for h in search(index, "set OR and", "-n", "10", "--offset", str(o))]
    top60 = [h["id"] for h in search(index, "set OR and", "-n", "60")]
    check(pages == top60 and len(set(pages)) == 60, f"'set OR and' pages: {pages} vs {top60}")
    # A NOT no longer starves partial matches: -n 3 lists the first 3 of -n 10.
    three = search(index, "Office Affairs -Photo", "-n", "3")
    ten = search(index, "Office Affairs -Photo", "-n", "10")
    check(three and [key(h) for h in three] == [key(h) for h in ten[:3]],
          f"'Office Affairs -Photo': -n 3 {[h['id'] for h in three]}, -n 10 "
          f"{[h['id'] for h in ten]}")
    check(all("photo" not in h["text"].lower() for h in ten), "a NOT still excludes")
    # Partial matches are the same whatever -n.
    q = 'ASEAN "Commemorative Summit in December"'
    big = search(index, q, "-n", "100")
    for n in (1, 5, 10, 30):
        check([key(h) for h in search(index, q, "-n", str(n))] == [key(h) for h in big[:n]],
              f"{q!r}: -n {n} differs from -n 100")
    if a.kjv:
        kjv = kjv_index(os.path.join(tmp, "kjv"))
        one = search(kjv, "the saying", "-n", "1")
        hundred = search(kjv, "the saying", "-n", "100")
        check(one and key(one[0]) == key(hundred[0]),
              f"'the saying': -n 1 gives {one[0]['id'] if one else None}, -n 100 "
              f"{hundred[0]['id']}")
        ten = search(kjv, "and", "-n", "10")
        check([key(h) for h in ten] == [key(h) for h in search(kjv, "and", "-n", "100")[:10]],
              "'and': -n 10 is not the first 10 of -n 100")


SCENARIOS = {k[2:]: v for k, v in globals().items() if k.startswith("s_")}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--queries", type=int, default=60, help="random queries")
    ap.add_argument("--alone", type=int, default=6,
                    help="of them, run alone too (every page, every format)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-kjv", dest="kjv", action="store_false",
                    help="issue: skip the KJV examples")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        print(f"metamorphic: binary {BIN} not found")
        sys.exit(1)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ajsearch-meta-") as tmp:
        try:
            SCENARIOS[args.scenario](tmp, args)
        except Fail as e:
            print(f"metamorphic {args.scenario}: FAIL: {e}")
            sys.exit(1)
    print(f"metamorphic {args.scenario}: ok ({time.monotonic() - started:.1f} s)")
