#!/usr/bin/env python3
"""Brute-force reference test of ajsearch.

For hundreds of seeded random queries (gen_queries.py) plus fixed examples,
the engine's answer (`ajsearch search --json -n 1000000 -- QUERY`) must have
exactly the result set, order and BM25 scores that the naive scan of
refsearch.py computes from `ajsearch dump --json` and `ajsearch analyze --json`.
Also checked per query: `--count`, one page (`-n 7 --offset 3`), the exit
status, the rank fields and the hit metadata (equal to the dump's); and a
list of invalid queries must exit with status 2 (and be rejected by the
reference too).

With --expand, the engine runs with its query expansion on (compounds,
acronyms, country names: README "Acronyms and compounds") and the
reference expands the query the same way (refexpand.py); besides the
random queries, queries made to set off every rule are run, and the first
hit's "also" list must be the reference's.

Usage (from anywhere):
  python3 tests/reference/test_reference.py --bin ./ajsearch --index DIR
        [--count 300] [--seed 1] [--k1 1.2 --b 0.75] [--expand] [--max-failures 50]
or, with --corpus DIR instead of --index, on a fresh index of DIR built into
a temporary directory.

Prints one line per failure and ends with
  reference: N queries, M hits compared, F failures
Exit status 0 iff F == 0 (2 when it cannot run at all, e.g. no binary).
"""
import argparse
import json
import os
import subprocess
import zlib
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_queries  # noqa: E402
import refexpand  # noqa: E402
import refrank  # noqa: E402
import refsearch  # noqa: E402

SCORE_TOLERANCE = 1e-4      # relative or absolute, whichever is larger
TIE = 1e-9                  # hits whose reference scores differ less may come in either order
PAGE_N, PAGE_OFFSET = 7, 3  # the page checked besides the full list
HIT_FIELDS = ("doc", "title", "para", "label", "start", "end", "text")


def scores_close(a, b):
    return abs(a - b) <= SCORE_TOLERANCE * max(1.0, abs(a), abs(b))


class Engine:
    def __init__(self, binary, index, k1, b, expand=False, chrome=False, full=None):
        self.binary, self.index = binary, index
        self.expand = expand
        # Textbook BM25 over the boolean matches (refsearch): --rank=bm25
        # turns off the proximity, heading and kind factors and the partial
        # matches.  The default ranking (refrank) with full = its Params,
        # every parameter given, so that the test does not lean on the
        # engine's defaults.
        if full:
            self.bm25 = ["--rank=full", "--k1", repr(full.k1), "--b", repr(full.b),
                         "--proximity", repr(full.w_prox), "--heading", repr(full.w_head),
                         "--heading-hit", repr(full.heading_hit)]
        else:
            self.bm25 = ["--rank=bm25"]
            if k1 is not None:
                self.bm25 += ["--k1", repr(k1)]
            if b is not None:
                self.bm25 += ["--b", repr(b)]
        if chrome:
            self.bm25 += ["--chrome"]
        self.runs = 0

    def run(self, options, query):
        self.runs += 1
        # --no-correct: a query without hits must stay without hits, not
        # be answered by its spelling correction; --no-expand unless the
        # reference expands too (refexpand.py).
        expand = [] if self.expand else ["--no-expand"]
        proc = subprocess.run([self.binary, "search", "--index", self.index, "--no-correct"] +
                              expand + self.bm25 + options + ["--", query],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace").strip())

    def hits(self, query, options=()):
        """(status, hits or None when the output is not JSON Lines, stderr)."""
        rc, out, err = self.run(["--json"] + list(options), query)
        try:
            hits = [json.loads(line) for line in out.split("\n") if line.strip()]
        except ValueError as e:
            return rc, None, f"output is not JSON Lines ({e}): {out[:200]!r}"
        # A query that lists nothing prints one object without "rank"
        # (README "Did you mean"), which is not a hit.
        if len(hits) == 1 and isinstance(hits[0], dict) and "rank" not in hits[0] \
                and hits[0].get("listed") == 0:
            hits = []
        return rc, hits, err


def fmt_ids(ids, limit=10):
    ids = sorted(ids)
    more = f" ... ({len(ids)} in all)" if len(ids) > limit else ""
    return "[" + ", ".join(map(str, ids[:limit])) + "]" + more


def field_diff(got, want):
    """A short description of how two field values differ."""
    if isinstance(got, str) and isinstance(want, str):
        i = 0
        while i < min(len(got), len(want)) and got[i] == want[i]:
            i += 1
        return (f"from character {i}: search {got[max(0, i - 10):i + 30]!r}, "
                f"dump {want[max(0, i - 10):i + 30]!r}")
    return f"search {got!r:.60}, dump {want!r:.60}"


def compare_full(want, got, paragraphs):
    """Problems (strings) between the reference's [(score, id)] and the
    engine's hit objects; [] when they agree."""
    problems = []
    want_score = {pid: s for s, pid in want}
    got_ids = []
    for h in got:
        if not isinstance(h, dict) or not isinstance(h.get("id"), int) \
                or not isinstance(h.get("score"), (int, float)):
            return [f"malformed hit {h!r:.200}"]
        got_ids.append(h["id"])
    if len(set(got_ids)) != len(got_ids):
        dup = sorted({i for i in got_ids if got_ids.count(i) > 1})
        problems.append(f"ids listed more than once: {fmt_ids(dup)}")
    missing = set(want_score) - set(got_ids)
    extra = set(got_ids) - set(want_score)
    if missing or extra:
        problems.append(f"result set: reference {len(want)} hits, engine {len(got)}; "
                        f"missing {fmt_ids(missing)}, extra {fmt_ids(extra)}")
    ranks = [h.get("rank") for h in got]
    if ranks != list(range(1, len(got) + 1)):
        problems.append(f"rank fields are not 1..{len(got)}: {ranks[:10]}")
    bad_scores = []
    for h in got:
        pid = h["id"]
        if pid in want_score and not scores_close(h["score"], want_score[pid]):
            bad_scores.append((abs(h["score"] - want_score[pid]), pid, h["score"], want_score[pid]))
    if bad_scores:
        bad_scores.sort(reverse=True)
        shown = "; ".join(f"id {pid}: engine {g:.6f} reference {w:.6f} (diff {d:.2e})"
                          for d, pid, g, w in bad_scores[:5])
        problems.append(f"{len(bad_scores)} scores differ: {shown}")
    # Order, judged with the reference's scores: better first, then lower id.
    # Scores closer than TIE count as equal both ways: a mathematical tie
    # (say tf 2, dl 44 and tf 3, dl 66 when b = 1) may come out of floating
    # point one ulp apart, differently in each implementation.
    common = [h["id"] for h in got if h["id"] in want_score]
    for r, (x, y) in enumerate(zip(common, common[1:]), 1):
        sx, sy = want_score[x], want_score[y]
        in_order = sx > sy or (sx == sy and x < y) or abs(sx - sy) < TIE
        if not in_order:
            problems.append(f"first order mismatch at rank {r}: id {x} ({sx:.6f}) before "
                            f"id {y} ({sy:.6f})")
            break
    for h in got:
        pid = h["id"]
        if 0 <= pid < len(paragraphs):
            p = paragraphs[pid]
            wrong = [f for f in HIT_FIELDS if h.get(f) != p.get(f)]
            if wrong:
                problems.append(f"hit {pid}: {'/'.join(wrong)} not as in the dump "
                                f"({field_diff(h.get(wrong[0]), p.get(wrong[0]))})")
                break
    return problems


def compare_page(want, got, offset):
    """The engine's page must be want[offset:offset+n], up to near-ties."""
    want_score = {pid: s for s, pid in want}
    expect = want[offset:offset + PAGE_N]
    got_ids = [h.get("id") for h in got]
    if len(got) != len(expect):
        return [f"page -n {PAGE_N} --offset {offset}: {len(got)} hits, reference {len(expect)}"]
    for j, (h, (ws, wid)) in enumerate(zip(got, expect)):
        gid = h.get("id")
        if gid != wid and (gid not in want_score or abs(want_score[gid] - ws) >= TIE):
            return [f"page -n {PAGE_N} --offset {offset}: ids {got_ids}, reference "
                    f"{[pid for _, pid in expect]} (first difference at position {j})"]
        if h.get("rank") != offset + j + 1:
            return [f"page -n {PAGE_N} --offset {offset}: rank field {h.get('rank')} at "
                    f"position {offset + j + 1}"]
        if gid in want_score and not scores_close(h.get("score", float("nan")), want_score[gid]):
            return [f"page -n {PAGE_N} --offset {offset}: score of id {gid} "
                    f"{h.get('score')} vs reference {want_score[gid]:.6f}"]
    return []


# ------------------------------------------------------ the default ranking

# --json --explain nests the factors under "factors" ("heading" alone is
# the hit's section heading).
FACTORS = ("bm25", "proximity", "heading", "kind")


def ranks_before(x, y):
    """Whether reference hit x may come before y: a larger share, or the
    same share and a score not lower beyond a near-tie, or the same score
    and a lower id."""
    if abs(x.share - y.share) > 1e-12:
        return x.share > y.share
    if abs(x.score - y.score) >= TIE:
        return x.score > y.score
    return True


def compare_ranked(want, got, paragraphs):
    """Problems between refrank's complete ranking [Hit] and the engine's
    `--json --explain` hit objects."""
    problems = []
    by_id = {h.id: h for h in want}
    got_ids = [h.get("id") for h in got]
    if len(set(got_ids)) != len(got_ids):
        problems.append("ids listed more than once")
    missing, extra = set(by_id) - set(got_ids), set(got_ids) - set(by_id)
    if missing or extra:
        problems.append(f"result set: reference {len(want)} hits, engine {len(got)}; "
                        f"missing {fmt_ids(missing)}, extra {fmt_ids(extra)}")
    ranks = [h.get("rank") for h in got]
    if ranks != list(range(1, len(got) + 1)):
        problems.append(f"rank fields are not 1..{len(got)}: {ranks[:10]}")
    bad = []
    for h in got:
        w = by_id.get(h.get("id"))
        if w is None:
            continue
        if bool(h.get("partial")) != w.partial or \
                (w.partial and (h.get("matched"), h.get("clauses")) != (w.matched, w.clauses)):
            bad.append(f"id {w.id}: partial {h.get('partial')} {h.get('matched')} of "
                       f"{h.get('clauses')}, reference {w.matched} of {w.clauses}")
        elif w.partial and not scores_close(h.get("share", -1), w.share):
            bad.append(f"id {w.id}: share {h.get('share')}, reference {w.share:.6f}")
        got_f = dict(h.get("factors", {}), score=h.get("score"))
        for f, v in zip(("score",) + FACTORS, (w.score, w.bm25, w.proximity, w.heading, w.kind)):
            if not scores_close(got_f.get(f, float("nan")), v):
                bad.append(f"id {w.id}: {f} engine {h.get(f)} reference {v:.6f}")
    if bad:
        problems.append(f"{len(bad)} differences: " + "; ".join(bad[:5]))
    common = [by_id[i] for i in got_ids if i in by_id]
    for r, (x, y) in enumerate(zip(common, common[1:]), 1):
        if not ranks_before(x, y):
            problems.append(f"first order mismatch at rank {r}: id {x.id} (share {x.share:.4f}, "
                            f"{x.score:.6f}) before id {y.id} (share {y.share:.4f}, {y.score:.6f})")
            break
    for h in got:
        pid = h.get("id")
        if isinstance(pid, int) and 0 <= pid < len(paragraphs):
            wrong = [f for f in HIT_FIELDS if h.get(f) != paragraphs[pid].get(f)]
            if wrong:
                problems.append(f"hit {pid}: {'/'.join(wrong)} not as in the dump")
                break
    return problems


def check_ranked(engine, corpus, query, prm, expander=None):
    """check_query for the default ranking (of the expanded query, with an
    expander)."""
    also = []
    try:
        if expander:
            def parse(q, analyze):
                tree, alts = expander.expand(expander.parse(q))
                also[:] = [d for d, leaf in alts if d and refsearch.leaf_stats(corpus, leaf)[1]]
                return tree
            want = refrank.ranked(corpus, query, prm, parse=parse)
        else:
            want = refrank.ranked(corpus, query, prm)
    except refsearch.QueryError as e:
        rc, _, err = engine.run(["--count"], query)
        if rc != 2:
            return [f"the reference rejects it ({e}) but the engine exits with {rc}"], 0
        return [], 0
    rc, got, err = engine.hits(query, ["-n", "1000000", "--explain"])
    if rc == 2:
        return [f"engine error (exit 2) but the reference finds {len(want)} hits: {err}"], 0
    if got is None:
        return [err], 0
    problems = []
    if rc != (0 if want else 1):
        problems.append(f"exit status {rc} with {len(want)} expected hits")
    problems += compare_ranked(want, got, corpus.paragraphs)
    if got and got[0].get("also", []) != also:
        problems.append(f"also searched: engine {got[0].get('also', [])}, reference {also}")
    nfull = sum(1 for h in want if not h.partial)
    rc, out, err = engine.run(["--count"], query)
    if out.strip() != str(nfull):
        problems.append(f"--count printed {out.strip()!r}, reference {nfull} full matches")
    if len(want) > PAGE_OFFSET:
        rc, page, err = engine.hits(query, ["-n", str(PAGE_N), "--offset", str(PAGE_OFFSET)])
        expect = want[PAGE_OFFSET:PAGE_OFFSET + PAGE_N]
        if rc != 0 or page is None or len(page) != len(expect):
            problems.append(f"page -n {PAGE_N} --offset {PAGE_OFFSET}: exit {rc}, "
                            f"{len(page or [])} hits for {len(expect)}")
        else:
            by_id = {h.id: h for h in want}
            for j, (h, w) in enumerate(zip(page, expect)):
                x = by_id.get(h.get("id"))
                if h.get("id") != w.id and (x is None or not (ranks_before(x, w) and
                                                              ranks_before(w, x))):
                    problems.append(f"page -n {PAGE_N} --offset {PAGE_OFFSET}: ids "
                                    f"{[g.get('id') for g in page]}, reference "
                                    f"{[v.id for v in expect]}")
                    break
    return problems, len(want)


def check_query(engine, corpus, query, k1, b, expander=None):
    """(problems, number of hits compared)."""
    try:
        if expander:
            want, also = refexpand.search(corpus, expander, query, k1, b)
        else:
            want, also = refsearch.search(corpus, query, k1, b), []
    except refsearch.QueryError as e:
        rc, _, err = engine.run(["--count"], query)
        if rc != 2:
            return [f"the reference rejects it ({e}) but the engine exits with {rc}"], 0
        return [], 0
    rc, got, err = engine.hits(query, ["-n", "1000000"])
    if rc == 2:
        return [f"engine error (exit 2) but the reference finds {len(want)} hits: {err}"], 0
    if got is None:
        return [err], 0
    problems = []
    if rc != (0 if want else 1):
        problems.append(f"exit status {rc} with {len(want)} expected hits")
    problems += compare_full(want, got, corpus.paragraphs)
    if got and got[0].get("also", []) != also:
        problems.append(f"also searched: engine {got[0].get('also', [])}, reference {also}")

    rc, out, err = engine.run(["--count"], query)
    if out.strip() != str(len(want)) or rc != (0 if want else 1):
        problems.append(f"--count printed {out.strip()!r} (exit {rc}), reference {len(want)}")
    if want and got:
        problems += check_filtered(engine, corpus, query, want, got)

    if len(want) > PAGE_OFFSET:
        rc, page, err = engine.hits(query, ["-n", str(PAGE_N), "--offset", str(PAGE_OFFSET)])
        if rc != 0 or page is None:
            problems.append(f"page -n {PAGE_N} --offset {PAGE_OFFSET}: exit {rc} {err}")
        else:
            problems += compare_page(want, page, PAGE_OFFSET)
    return problems, len(want)


def check_filtered(engine, corpus, query, want, got):
    """A filter (README "Filters and facets") keeps the reference's hits
    whose documents pass, with the same scores: the year of a hit's date
    onwards, or the documents whose path starts as a hit's does, by the
    query's own hash.  The documents' dates and paths are the ones the
    unfiltered hits carry."""
    meta = {h.get("id"): (h.get("doc") or "", h.get("date") or "") for h in got}
    dated = [m for m in meta.values() if m[1]]
    if zlib.crc32(query.encode("utf-8", "surrogateescape")) % 2 and dated:
        year = dated[len(dated) // 2][1][:4]
        options = ["--since", year]
        keep = lambda doc, date: bool(date) and date[:4] >= year  # noqa: E731
    else:
        head = next(iter(meta.values()))[0][:4]
        options = ["--doc", glob_escape(head) + "*"]
        keep = lambda doc, date: doc.startswith(head)  # noqa: E731
    expect = [(s, pid) for s, pid in want if pid in meta and keep(*meta[pid])]
    rc, part, err = engine.hits(query, ["-n", "1000000"] + options)
    if part is None or rc not in (0, 1):
        return [f"{' '.join(options)}: exit {rc} {err}"]
    problems = [f"{' '.join(options)}: {p}" for p in compare_full(expect, part, corpus.paragraphs)]
    rc, out, err = engine.run(["--count"] + options, query)
    if out.strip() != str(len(expect)):
        problems.append(f"{' '.join(options)}: --count printed {out.strip()!r}, reference "
                        f"{len(expect)}")
    return problems


def glob_escape(text):
    return "".join("[" + ch + "]" if ch in "*?[]" else ch for ch in text)


def check_invalid(engine, corpus, query):
    problems = []
    try:
        refsearch.parse(query, corpus.analyzer.analyze)
        problems.append("the reference accepts it (this list is wrong, or the reference is)")
    except refsearch.QueryError:
        pass
    rc, out, err = engine.run(["--json"], query)
    if rc != 2:
        problems.append(f"engine exits with {rc}, not 2 (output {out[:100]!r})")
    elif not err:
        problems.append("engine exits with 2 but prints no reason on stderr")
    elif out.strip():
        problems.append(f"engine exits with 2 but prints hits: {out[:100]!r}")
    return problems


def run(binary, index, args):
    """The whole comparison on one index; the exit status."""
    k1 = refsearch.DEFAULT_K1 if args.k1 is None else args.k1
    b = refsearch.DEFAULT_B if args.b is None else args.b
    started = time.monotonic()
    try:
        corpus = refsearch.Corpus.load(binary, index, args.chrome)
    except (refsearch.SetupError, ValueError) as e:
        print(f"reference: FAIL: cannot read the paragraphs: {e}")
        return 2
    if corpus.n == 0:
        print("reference: FAIL: the index has no paragraphs")
        return 2
    queries = gen_queries.EXAMPLES + gen_queries.generate(
        corpus.paragraphs, corpus.tokens, args.count, args.seed)
    expander = None
    if args.expand:
        try:
            expander = refexpand.load(binary, index, corpus)
        except (refsearch.SetupError, ValueError, OSError) as e:
            print(f"reference: FAIL: cannot read the acronyms or the country table: {e}")
            return 2
        queries += refexpand.queries(corpus, expander, args.seed, args.expand_count)
    # Analyze every query word in one process rather than one per query.
    texts = []
    for q in queries + gen_queries.INVALID:
        texts += refsearch.texts_to_analyze(q)
    corpus.analyzer.analyze_many(texts)

    prm = None
    if args.rank == "full":
        prm = refrank.Params(k1=0.6 if args.k1 is None else args.k1,
                             b=0.3 if args.b is None else args.b, proximity=args.proximity,
                             heading=args.heading, heading_hit=args.heading_hit)
        k1, b = prm.k1, prm.b
    engine = Engine(binary, index, args.k1, args.b, args.expand, args.chrome, prm)
    failures = compared = with_hits = printed = expanded = 0

    def fail(kind, query, problems):
        nonlocal failures, printed
        failures += 1
        if printed < args.max_failures:
            printed += 1
            print(f"FAIL {kind} {query!r}: " + " | ".join(problems), flush=True)

    for query in queries:
        try:
            if prm:
                problems, n = check_ranked(engine, corpus, query, prm, expander)
            else:
                problems, n = check_query(engine, corpus, query, k1, b, expander)
        except subprocess.TimeoutExpired:
            problems, n = ["the engine took more than 60 s"], 0
        compared += n
        with_hits += n > 0
        if expander and n:
            expanded += bool(expander.list)
        if problems:
            fail("query", query, problems)
    for query in gen_queries.INVALID:
        try:
            problems = check_invalid(engine, corpus, query)
        except subprocess.TimeoutExpired:
            problems = ["the engine took more than 60 s"]
        if problems:
            fail("invalid query", query, problems)
    if printed < failures:
        print(f"... {failures - printed} more failures not shown")

    total = len(queries) + len(gen_queries.INVALID)
    mode = (f"default ranking, proximity {prm.w_prox}, heading {prm.w_head}, heading hit "
            f"{prm.heading_hit}, " if prm else "")
    print(f"({mode}paragraphs searched {corpus.n} of {len(corpus.paragraphs)}, avgdl {corpus.avgdl:.4f}, k1 {k1}, b {b}, seed {args.seed}, "
          f"expansion {'on' if args.expand else 'off'}; "
          f"{len(queries)} valid queries ({with_hits} with hits"
          f"{f', {expanded} of them expanded' if expander else ''}), {len(gen_queries.INVALID)} "
          f"invalid; {engine.runs} engine runs in {time.monotonic() - started:.1f} s)")
    print(f"reference: {total} queries, {compared} hits compared, {failures} failures")
    return 0 if failures == 0 else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("AJSEARCH_BIN", "./ajsearch"))
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--index", default=os.environ.get("AJSEARCH_INDEX", "index"),
                       help="the index to test (default $AJSEARCH_INDEX or ./index)")
    where.add_argument("--corpus", help="instead: index this corpus directory into a "
                                        "temporary directory and test that")
    ap.add_argument("--count", type=int, default=300, help="random queries (besides the fixed ones)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--k1", type=float, default=None, help="BM25 k1 (default: the engine's, 1.2)")
    ap.add_argument("--b", type=float, default=None, help="BM25 b (default: the engine's, 0.75)")
    ap.add_argument("--expand", action="store_true",
                    help="expansion on in the engine and in the reference (refexpand.py)")
    ap.add_argument("--expand-count", type=int, default=250,
                    help="with --expand: queries made to set off the rules (each also "
                         "run again with another word)")
    ap.add_argument("--chrome", action="store_true",
                    help="search page chrome too (the engine's --chrome)")
    ap.add_argument("--rank", choices=("bm25", "full"), default="bm25",
                    help="bm25: textbook BM25 (refsearch); full: the default ranking (refrank)")
    ap.add_argument("--proximity", type=float, default=0.5, help="--rank full: its weight")
    ap.add_argument("--heading", type=float, default=0.0, help="--rank full: its weight")
    ap.add_argument("--heading-hit", type=float, default=0.5,
                    help="--rank full: the factor of a heading hit")
    ap.add_argument("--max-failures", type=int, default=50,
                    help="stop printing (not checking) after this many failure lines")
    args = ap.parse_args(argv)
    # The sanitizer pass of `make test` runs every engine process about ten
    # times slower; it sets AJ_TEST_SCALE to run a share of the random
    # queries (the fixed ones all run).
    scale = float(os.environ.get("AJ_TEST_SCALE", "1"))
    if scale < 1:
        args.count = max(10, int(args.count * scale))
        args.expand_count = max(10, int(args.expand_count * scale))

    binary = os.path.abspath(args.bin)
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        print(f"reference: FAIL: no executable engine at {binary} (build it first: make)")
        return 2
    if args.corpus is None:
        if not os.path.isdir(args.index):
            print(f"reference: FAIL: no index directory {args.index} (run: {args.bin} index)")
            return 2
        return run(binary, args.index, args)
    with tempfile.TemporaryDirectory(prefix="ajsearch-reference-") as tmp:
        index = os.path.join(tmp, "index")
        proc = subprocess.run([binary, "index", "--corpus", args.corpus, "--index", index],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            print(f"reference: FAIL: `ajsearch index --corpus {args.corpus}` exited with "
                  f"{proc.returncode}: {proc.stderr.decode('utf-8', 'replace').strip()}")
            return 2
        return run(binary, index, args)


if __name__ == "__main__":
    sys.exit(main())
