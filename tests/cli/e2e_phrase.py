#!/usr/bin/env python3
"""End-to-end tests of phrases read through common-word pairs (README
"Phrases"): the engine's answers against the brute-force reference
(tests/reference/refsearch.py), on corpora where the pairs matter.

Usage: e2e_phrase.py SCENARIO (from the repository root; $AJSEARCH_BIN
names the binary). Each scenario builds its own index in a temporary
directory."""
import json
import os
import random
import sys

from e2e import BIN, Fail, check, main, run  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import refsearch  # noqa: E402

COMMON = ["the", "of", "and", "to", "in", "a", "that", "he"]
RARE = ["king", "land", "gate", "city", "house", "tyre", "zeal", "river", "stone", "bread",
        "kings", "lands", "housing", "rivers"]
# more words than the build pairs (README "Phrases"), so that some
# adjacent words are no pair and a phrase mixes pairs and single words
RARE += ["q" + a + b for a in "aeiou" for b in "klmnrst"]


def paragraph(rng, n):
    # about half common words, as in English prose, with runs of them
    return " ".join(rng.choice(COMMON) if rng.random() < 0.55 else rng.choice(RARE)
                    for _ in range(n))


def write_corpus(tmp, seed):
    rng = random.Random(seed)
    corpus = os.path.join(tmp, "corpus")
    os.makedirs(corpus)
    for f in range(4):
        paras = [paragraph(rng, rng.randint(1, 40)) for _ in range(60)]
        # paragraphs that end with a common word before one that starts
        # with one: a phrase must not join them
        paras += ["stone of", "the city", "the the the the", "of the of the of",
                  "king of the", "the", "and"]
        # sentences, so that the segmenter keeps the paragraphs apart
        text = "\n\n".join(p[0].upper() + p[1:] + "." for p in paras)
        with open(os.path.join(corpus, f"d{f}.txt"), "w") as fh:
            fh.write(text + "\n")
    return corpus


def engine(index, query):
    rc, out, err = run("search", "--json", "--rank=bm25", "--no-expand", "--no-correct",
                       "-n", "100000", "--", query, index=index)
    if rc == 1:  # nothing matched
        return 0, [], err
    if rc != 0:
        return rc, None, err
    hits = [json.loads(line) for line in out.splitlines() if line.strip()]
    if len(hits) == 1 and "rank" not in hits[0]:
        hits = []
    return rc, hits, err


def compare(index, corpus, queries):
    for q in queries:
        try:
            want = refsearch.search(corpus, q)
        except refsearch.QueryError:
            rc, _, err = engine(index, q)
            check(rc == 2, f"{q!r}: the reference rejects it, the engine says {rc}: {err}")
            continue
        rc, got, err = engine(index, q)
        check(rc == 0 and got is not None, f"{q!r}: status {rc}: {err}")
        check([h["id"] for h in got] == [pid for _, pid in want],
              f"{q!r}: ids {[h['id'] for h in got][:12]} want {[p for _, p in want][:12]}")
        for h, (score, _) in zip(got, want):
            check(abs(h["score"] - score) <= 1e-6 * max(1.0, abs(score)),
                  f"{q!r}: paragraph {h['id']} score {h['score']} want {score}")


FIXED = [
    '"of the"', '"the of"', '"the the"', '"the the the"', '"of the of"',
    '"king of"', '"of king"', '"king of the"', '"the king of the land"',
    '"and the king"', '"stone of the city"', '"of the city"', '"stone of"',
    '"zeal river"', '"the"', '"a a"', '"to in a that he"',
    '"of the" land', '"of the" OR "the king"', '"of the" -"the king"',
    'NEAR("of the" king, 3)', '"the king" NEAR/2 "of the"', '"of the" NEAR "the of"',
    '"kings of the"', '"of the hous*"', 'hous* "the king"',
]


def s_pairs_equal_reference(tmp):
    """Phrases of common words only, a common word at either end, repeated
    words, paragraph ends, NEAR with phrases: the same ids and scores as the
    brute-force reference."""
    corpus_dir = write_corpus(tmp, 7)
    index = os.path.join(tmp, "index")
    rc, out, err = run("index", "--corpus", corpus_dir, index=index)
    check(rc == 0, err)
    rc, out, err = run("check", index=index)
    check(rc == 0, f"check: {err}")
    corpus = refsearch.Corpus.load(BIN, index)
    rng = random.Random(11)
    queries = list(FIXED)
    # random phrases of 2 to 5 words taken from the paragraphs, and the
    # same with one word replaced
    for _ in range(150):
        pid = rng.randrange(len(corpus.words))
        words = corpus.words[pid]
        if len(words) < 2:
            continue
        n = rng.randint(2, min(5, len(words)))
        at = rng.randrange(len(words) - n + 1)
        ph = words[at:at + n]
        if rng.random() < 0.3:
            ph[rng.randrange(n)] = rng.choice(COMMON + RARE)
        queries.append('"' + " ".join(ph) + '"')
    compare(index, corpus, queries)
    # the phrase of a paragraph's last word and the next one's first word
    rc, hits, err = engine(index, '"stone of the city"')
    check(rc == 0 and not any("stone of the city" in h.get("text", "") for h in hits or []),
          f"a phrase joined two paragraphs: {hits}")


if __name__ == "__main__":
    main("e2e_phrase", globals())
