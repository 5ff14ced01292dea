#!/usr/bin/env python3
"""Generates the benchmark query set of a corpus, deterministically.

  tools/gen_bench_queries.py PARAS.tsv OUT.tsv [--per-class N] [--seed S]

PARAS.tsv holds ID<TAB>TEXT lines (the paragraphs every engine indexes).
OUT.tsv gets CLASS<TAB>OP<TAB>WORDS lines (see bench/README.md). Words are
lowercase ASCII words of 2+ letters as they occur in the text. The mix:

  term      one word                         (1/3 frequent, 1/3 mid, 1/3 rare)
  and2/3    2/3 words; half from one paragraph (so they co-occur), half drawn freely
  or2/or4   2/4 words drawn freely
  phrase2/3 2/3 consecutive words of a random paragraph (they match)
  phrase4s  4 consecutive words with at least 2 of the 20 most frequent words
            (stop-word-heavy, like "the lord of the")
  not       a NOT b: a drawn freely, b a frequent word
  prefix    the first 3-6 letters of a mid or frequent word
  long      15-30 consecutive words of a paragraph, OR semantics (a pasted text)

"frequent" = the 200 words with the highest document frequency, "mid" =
df between 0.05% and 2% of the paragraphs, "rare" = df 2 to 10.
"""
import argparse
import random
import re
import sys

WORD = re.compile(r"[A-Za-z]+")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paras")
    ap.add_argument("out")
    ap.add_argument("--per-class", type=int, default=300)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--sample", type=int, default=200000,
                    help="paragraphs read (evenly spaced) to learn words from")
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    with open(a.paras, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    step = max(1, len(lines) // a.sample)
    texts = []
    for line in lines[::step]:
        _, _, text = line.rstrip("\n").partition("\t")
        words = [w.lower() for w in WORD.findall(text)]
        if words:
            texts.append(words)
    del lines
    if not texts:
        sys.exit(f"gen_bench_queries: no words in {a.paras}")
    n = len(texts)
    df = {}
    for words in texts:
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    cand = [w for w in df if len(w) >= 2]
    cand.sort(key=lambda w: (-df[w], w))
    frequent = cand[:200]
    mid = [w for w in cand if n * 0.0005 <= df[w] <= n * 0.02] or cand[200:2000] or cand
    rare = [w for w in cand if 2 <= df[w] <= 10] or cand[-1000:]
    top20 = set(cand[:20])

    def word():
        return rnd.choice(rnd.choice([frequent, mid, rare]))

    longest = max(texts, key=len)

    def para(minlen=1):
        # A small corpus of your own may have no paragraph that long: then
        # its longest paragraph.
        for _ in range(1000):
            t = rnd.choice(texts)
            if len(t) >= minlen:
                return t
        return longest

    def cooccurring(k):
        for _ in range(1000):
            t = sorted({w for w in para(k) if len(w) >= 2})
            if len(t) >= k:
                return rnd.sample(t, k)
        return [word() for _ in range(k)]

    def span(k, pred=None):
        for _ in range(1000):
            t = para(k)
            if len(t) < k:
                break  # no paragraph that long
            i = rnd.randrange(0, len(t) - k + 1)
            s = t[i:i + k]
            if all(len(w) >= 2 for w in s) and (pred is None or pred(s)):
                return s
        return [word() for _ in range(k)]

    def prefix():
        for _ in range(1000):
            w = rnd.choice(rnd.choice([frequent, mid]))
            if len(w) >= 4:
                break
        else:
            w = max(cand, key=len)
        return [w[: max(2, rnd.randint(3, min(6, max(3, len(w) - 1))))]]

    gens = {
        "term": ("term", lambda: [word()]),
        "and2": ("and", lambda: cooccurring(2) if rnd.random() < 0.5 else [word(), word()]),
        "and3": ("and", lambda: cooccurring(3) if rnd.random() < 0.5 else [word(), word(), word()]),
        "or2": ("or", lambda: [word(), word()]),
        "or4": ("or", lambda: [word() for _ in range(4)]),
        "phrase2": ("phrase", lambda: span(2)),
        "phrase3": ("phrase", lambda: span(3)),
        "phrase4s": ("phrase", lambda: span(4, lambda s: sum(w in top20 for w in s) >= 2)),
        "not": ("not", lambda: [word(), rnd.choice(frequent)]),
        "prefix": ("prefix", prefix),
        "long": ("long", lambda: span(rnd.randint(15, 30))),
    }
    with open(a.out, "w") as out:
        for cls, (op, g) in gens.items():
            for _ in range(a.per_class):
                words = g()
                if op == "not" and words[0] == words[1]:
                    words[1] = frequent[0] if words[0] != frequent[0] else frequent[1]
                out.write(f"{cls}\t{op}\t{' '.join(words)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
