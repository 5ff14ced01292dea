"""Deterministic random queries drawn from the corpus, for the reference
test: words frequent and rare, explicit operators, negations, groups,
phrases cut from real paragraphs (which match) and made of random words
(which mostly do not), prefixes, hyphenated and accented words, and words
absent from the corpus."""
import random
import re

WORD = re.compile(r"[^\s()\"*]+")


def raw_words(text):
    return [w.strip(".,;:!?“”‘’'") for w in WORD.findall(text)]


def generate(paras, count, seed):
    rnd = random.Random(seed)
    words = []
    for p in paras:
        words.extend(w for w in raw_words(p["text"]) if re.search(r"\w", w))
    # NOT/AND/OR written in capitals would turn into operators.
    words = [w for w in words if w not in ("AND", "OR", "NOT") and not w.startswith("-")]
    freq = {}
    for w in words:
        freq[w.lower()] = freq.get(w.lower(), 0) + 1
    common = [w for w in words if freq[w.lower()] >= 5]
    rare = [w for w in words if freq[w.lower()] <= 2]
    hyphenated = [w for w in words if "-" in w.strip("-")]
    texts = [p["text"] for p in paras if len(p["text"].split()) >= 4]

    def word():
        pool = rnd.choice([common, common, rare, words])
        w = rnd.choice(pool)
        r = rnd.random()
        if r < 0.1:
            return w.upper()
        if r < 0.2:
            return w.lower()
        return w

    def phrase():
        t = rnd.choice(texts).split()
        n = rnd.randint(2, 4)
        i = rnd.randrange(0, max(1, len(t) - n))
        chunk = " ".join(t[i:i + n]).replace('"', "").replace("*", "")
        return '"' + chunk + '"'

    def prefix():
        w = re.sub(r"[^A-Za-z]", "", rnd.choice(words))
        if len(w) < 3:
            w = "coop"
        return w[: rnd.randint(3, min(7, len(w)))] + "*"

    def clause():
        r = rnd.random()
        if r < 0.55:
            return word()
        if r < 0.75:
            return phrase()
        if r < 0.9:
            return prefix()
        return rnd.choice(hyphenated) if hyphenated else word()

    shapes = [
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: f"{word()} {word()} {word()}",
        lambda: f"{word()} AND {word()}",
        lambda: f"{word()} OR {word()}",
        lambda: f"{clause()} OR {clause()} OR {clause()}",
        lambda: f"{word()} -{word()}",
        lambda: f"{clause()} NOT {clause()}",
        lambda: f"({word()} OR {word()}) {clause()}",
        lambda: f"{clause()} ({word()} OR {phrase()}) -{word()}",
        lambda: phrase(),
        lambda: '"' + f"{word()} {word()}" + '"',
        lambda: prefix(),
        lambda: f"{prefix()} {word()}",
        lambda: f"{prefix()} OR {prefix()}",
        lambda: rnd.choice(hyphenated) if hyphenated else word(),
        lambda: f"{word()} zzyzxqv",
        lambda: "zzyzxqv OR " + word(),
        lambda: f"{word()} OR {word()} {word()} OR {word()}",
        lambda: f"({clause()} OR ({word()} {word()})) -({word()} OR {word()})",
        lambda: "Nguyễn Xuân Phúc" if rnd.random() < 0.5 else "nguyen XUAN phuc",
        lambda: f"{word()} & {word()}",
    ]
    out = []
    while len(out) < count:
        out.append(rnd.choice(shapes)())
    return out


INVALID = [
    "(maritime",
    "maritime)",
    '"unterminated phrase',
    "maritime OR",
    "OR maritime",
    "maritime AND",
    "AND",
    "NOT maritime",
    "-maritime",
    "maritime OR -security",
    "maritime NOT NOT security",
    "()",
    "maritime ()",
    "*",
    "mari*time*",
    '"south chin*"',
    "covid-1*",
    "",
    "   ",
    "& %",
]
