#!/usr/bin/env python3
"""refrank: a naive second implementation of ajsearch's default ranking
(README "Ranking": the proximity, heading and kind factors, and partial
matches), on top of refsearch's query language and BM25.

Written from the README, not from the engine's code.  Everything is
recomputed for every paragraph by looking at its terms: occurrences,
windows, section headings, which clauses a paragraph holds.  The only
inputs are refsearch's Corpus (the dump, whose records carry each
paragraph's document and kind, and the analyzer's tokens) and the parsed
query.

    hits = ranked(corpus, query, Params())   # [Hit], the complete ranking

As a command:

    python3 tests/reference/refrank.py --bin ./ajsearch --index index -- QUERY...

prints the expected hits as JSON Lines and exits like `ajsearch search`.
"""
import argparse
import json
import math
import sys

import refsearch

HEADING_SCAN = 64          # how far back a section heading is looked for
COMMON_DIV = 4             # a clause in more than 1/4 of the paragraphs is common
WEIGHT_SCALE = 2 ** 20     # weights are idf in whole 2^-20ths


class Params:
    """The default ranking's parameters (the engine's defaults)."""

    def __init__(self, k1=0.6, b=0.3, proximity=0.5, heading=0.0, heading_hit=0.5, partial=True):
        self.k1, self.b = k1, b
        self.w_prox, self.w_head, self.heading_hit = proximity, heading, heading_hit
        self.partial = partial


class Hit:
    def __init__(self, pid, bm25, held, clauses, share):
        self.id, self.bm25 = pid, bm25
        self.held = set(held)
        self.matched, self.clauses, self.share = len(self.held), clauses, share
        self.proximity = self.heading = 0.0
        self.kind = 1.0
        self.score = 0.0

    @property
    def partial(self):
        return self.matched < self.clauses

    def key(self):
        """Sort key: larger share, higher score, lower id."""
        return (-self.share, -self.score, self.id)


# ------------------------------------------------------------------ clauses

def clauses_of(tree):
    """The query's clauses: the positive children of a top-level AND, else
    the whole query."""
    if tree[0] == "and":
        return [k for k in tree[1] if k[0] != "not"]
    return [tree]


def negations_of(tree):
    return [k[1] for k in tree[1] if k[0] == "not"] if tree[0] == "and" else []


def positive_leaves(node):
    """The leaves of a clause outside any NOT (a NEAR is one leaf)."""
    kind = node[0]
    if kind == "not":
        return []
    if kind in ("and", "or"):
        return [leaf for k in node[1] for leaf in positive_leaves(k)]
    return [node]


def weight(corpus, node):
    """idf of a leaf; an OR weighs as its most common branch, an AND as its
    rarest part (NOTs aside)."""
    kind = node[0]
    if kind in ("and", "or"):
        ws = [weight(corpus, k) for k in node[1] if k[0] != "not"]
        return min(ws) if kind == "or" else max(ws)
    _, df = refsearch.leaf_stats(corpus, node)
    return math.log(1 + (corpus.n - df + 0.5) / (df + 0.5))


def common(corpus, node):
    kind = node[0]
    if kind in ("and", "or"):
        cs = [common(corpus, k) for k in node[1] if k[0] != "not"]
        return any(cs) if kind == "or" else all(cs)
    _, df = refsearch.leaf_stats(corpus, node)
    return df * COMMON_DIV > corpus.n


# --------------------------------------------------------------- proximity

def occurrences(corpus, clauses, held, pid):
    """(start, length, clause) of every term and phrase of every clause the
    paragraph holds."""
    terms = corpus.terms[pid]
    out = []
    for u, clause in enumerate(clauses):
        if u not in held:
            continue
        for leaf in positive_leaves(clause):
            if leaf[0] == "term":
                out += [(p, 1, u) for p, t in enumerate(terms) if t == leaf[1]]
            elif leaf[0] == "phrase":
                m = len(leaf[1])
                out += [(p, m, u) for p in range(len(terms) - m + 1)
                        if tuple(terms[p:p + m]) == leaf[1]]
    return sorted(out)


def proximity(corpus, clauses, held, pid):
    """README: the best run of occurrences (sorted by position, clause,
    length) holding every clause that occurs: smallest span, then ending
    first, then starting last; L over span, halved out of query order,
    times the share of clauses that occur."""
    n = len(clauses)
    occ = occurrences(corpus, clauses, held, pid)
    present = {u for _, _, u in occ}
    if n < 2 or len(present) < 2:
        return 0.0
    best = None  # (span, r, -l)
    for r in range(len(occ)):
        for l in range(r, -1, -1):
            if {u for _, _, u in occ[l:r + 1]} == present:
                cand = (occ[r][0] + occ[r][1] - occ[l][0], r, -l)
                if best is None or cand < best:
                    best = cand
                break  # the largest l for this r: the shortest run ending at r
    _, r, l = best
    l = -l
    first = {}
    for p, length, u in occ[l:r + 1]:
        if u not in first:
            first[u] = (p, length)
    order = sorted(first, key=lambda u: (first[u][0], u))
    in_order = order == sorted(order)
    span = best[0]
    total = sum(length for _, length in first.values())
    return min(1.0, total / span) * (1.0 if in_order else 0.5) * len(present) / n


# ----------------------------------------------------------------- headings

def section_heading(corpus, pid):
    """The nearest heading paragraph before pid in its document, at most
    HEADING_SCAN paragraphs back, or None."""
    doc = corpus.paragraphs[pid]["doc"]
    for h in range(pid - 1, max(-1, pid - HEADING_SCAN - 1), -1):
        p = corpus.paragraphs[h]
        if p["doc"] != doc:
            return None
        if p["kind"] == "heading":
            return h
    return None


def heading_share(corpus, clauses, pid):
    """The fraction of clauses with a term, or all the words of a phrase,
    in the paragraph's section heading."""
    h = section_heading(corpus, pid)
    if h is None:
        return 0.0
    words = set(corpus.terms[h])
    inside = 0
    for clause in clauses:
        for leaf in positive_leaves(clause):
            if (leaf[0] == "term" and leaf[1] in words) or \
                    (leaf[0] == "phrase" and all(t in words for t in leaf[1])):
                inside += 1
                break
    return inside / len(clauses)


# ------------------------------------------------------------------ ranking

def factors(corpus, clauses, hit, prm):
    # A factor whose weight is 0 is not computed, and shows 0 (README).
    hit.proximity = proximity(corpus, clauses, hit.held, hit.id) if prm.w_prox else 0.0
    hit.heading = heading_share(corpus, clauses, hit.id) if prm.w_head else 0.0
    hit.kind = prm.heading_hit if corpus.paragraphs[hit.id]["kind"] == "heading" else 1.0
    hit.score = hit.bm25 * (1 + prm.w_prox * hit.proximity) * (1 + prm.w_head * hit.heading) \
        * hit.kind * hit.share


def ranked(corpus, query, prm, parse=refsearch.parse):
    """The complete default ranking: full matches by score, then partial
    matches by share and score.  Raises refsearch.QueryError.  parse(query,
    analyze) gives the tree to rank (a reference of query rewriting, such
    as expansion, passes its own)."""
    tree = parse(query, corpus.analyzer.analyze)
    clauses, negs = clauses_of(tree), negations_of(tree)
    full, partial = [], []
    weights = [math.floor(weight(corpus, u) * WEIGHT_SCALE + 0.5) for u in clauses]
    commons = [common(corpus, u) for u in clauses]
    for pid in corpus.searched:
        matched, score = refsearch.evaluate(corpus, tree, pid, prm.k1, prm.b)
        if matched:
            full.append(Hit(pid, score, range(len(clauses)), len(clauses), 1.0))
            continue
        if not (prm.partial and tree[0] == "and" and len(clauses) >= 2):
            continue
        if any(refsearch.evaluate(corpus, neg, pid, prm.k1, prm.b)[0] for neg in negs):
            continue
        held = [refsearch.evaluate(corpus, u, pid, prm.k1, prm.b) for u in clauses]
        have = [i for i, (m, _) in enumerate(held) if m]
        if not have or len(have) == len(clauses) or all(commons[i] for i in have):
            continue
        share = sum(weights[i] for i in have) / sum(weights)
        partial.append(Hit(pid, sum(held[i][1] for i in have), have, len(clauses), share))
    for h in full + partial:
        factors(corpus, clauses, h, prm)
    full.sort(key=Hit.key)
    partial.sort(key=Hit.key)
    return (full + partial)[:corpus.n]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Naive reference of the default ranking.")
    ap.add_argument("--bin", default="./ajsearch")
    ap.add_argument("--index", default="index")
    ap.add_argument("query", nargs="+")
    args = ap.parse_args(argv)
    query = " ".join(args.query)
    try:
        corpus = refsearch.Corpus.load(args.bin, args.index)
        hits = ranked(corpus, query, Params())
    except refsearch.SetupError as e:
        print(f"refrank: {e}", file=sys.stderr)
        return 2
    except refsearch.QueryError as e:
        print(f"refrank: invalid query: {e}", file=sys.stderr)
        return 2
    for rank, h in enumerate(hits, 1):
        out = {"rank": rank, "score": round(h.score, 6), "id": h.id,
               "factors": {"bm25": round(h.bm25, 6), "proximity": round(h.proximity, 6),
                           "heading": round(h.heading, 6), "kind": h.kind}}
        if h.partial:
            out.update(partial=True, matched=h.matched, clauses=h.clauses, share=round(h.share, 6))
        print(json.dumps(out))
    return 0 if hits else 1


if __name__ == "__main__":
    sys.exit(main())
