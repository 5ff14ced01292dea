#!/usr/bin/env python3
"""Deterministic random queries for the reference test, drawn from the
corpus itself (paragraph texts from `ajsearch dump --json` and their tokens
from `ajsearch analyze --json`).

They cover: single words (frequent and rare), bare multi-word AND, explicit
AND / OR / NOT with parentheses, `-word` / `-"phrase"` / `-(group)`, quoted
phrases of 2-4 consecutive tokens cut from real paragraphs (so they match),
phrases of random words (which mostly do not), prefixes `abc*` made of the
first 3-7 letters of real words, hyphenated and letter-digit words
(`ASEAN-Japan`, `COVID-19`, `12th`), case changes and added or removed
diacritics, lower-case `and`/`or`/`not`, words with nothing to search for
(`&`), repeated clauses, words absent from the corpus, typo-tolerant
words (`chnage~1`, real words with a letter swapped, dropped or changed, and
`~`, `~1` or `~2`), and proximity: `NEAR(a b c, N)` and `a NEAR/N b` over
words that occur close together in a paragraph, with phrases, prefixes and
typo-tolerant words among the items.

Every generated query is meant to be valid; the reference decides anyway
(a query it rejects must make the engine exit with status 2).  INVALID
lists queries that must be rejected, EXAMPLES fixed valid ones.

    python3 tests/reference/gen_queries.py --bin ./ajsearch --index index --seed 1 --count 20
prints the queries, one per line.
"""
import argparse
import random
import sys
import unicodedata

OPERATORS = ("AND", "OR", "NOT")
# Characters a generated word must not hold: they would change the query's
# structure (delimiters, prefix star, token separators).
STRUCTURAL = set(' \t\n\r\f\v()"*')
EDGE_PUNCT = ".,;:!?()[]{}\"'“”‘’*<>"

ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íîï", "o": "óôö", "u": "úùûü",
           "c": "ç", "n": "ñ", "y": "ý",
           "A": "ÁÀÂÄ", "E": "ÉÈÊË", "I": "ÍÎÏ", "O": "ÓÔÖ", "U": "ÚÙÛÜ",
           "C": "Ç", "N": "Ñ"}

# Fixed valid queries, run besides the random ones.
EXAMPLES = [
    "maritime security",
    '"South China Sea" NOT Taiwan',
    "Nguyễn Xuân Phúc",
    "nguyen XUAN phuc",
    "ASEAN-Japan",
    '"ASEAN Japan"',
    "COVID-19",
    "COVID19",
    "covid 19",
    "12th summit",
    "cooperat*",
    "Cooperat* -security",
    "japan and korea",
    "japan or korea",
    "japan not korea",
    "japan OR korea summit",
    "(japan OR korea) summit",
    "japan japan",
    "japan OR japan",
    "asean & japan",
    "asean \u2013 japan",
    "\u201cSouth China Sea\u201d NOT Taiwan",
    "\u201eSouth China\u201c Sea",
    "\u00abSouth China Sea\u00bb",
    "\u2018South China Sea\u2019 japan",
    "Japan\u2019s partner*",
    "\u2018Japan\u2019s role\u2019",
    "NEAR(\u201csouth china\u201d sea, 3)",
    "(-japan) asean",
    "asean (NOT korea)",
    "asean -(japan -korea)",
    "NOT japan asean",
    '"the the"',
    '"of the"',
    '""  asean',
    "AND*",
    "zzqxjv",
    "zzqxjv OR asean",
    "(" * 64 + "asean" + ")" * 64,      # the deepest nesting allowed
    "NEAR(maritime security)",
    "NEAR(maritime security, 0)",
    "maritime NEAR/0 security",
    "security NEAR/0 maritime",
    'NEAR("south china" sea, 3)',
    "NEAR(cooperat* japan, 2)",
    "NEAR(japan japan, 0)",
    "NEAR(securty~1 maritime law, 5) OR japan",
    "japan -NEAR(korea china, 1)",
    "maritime NEAR security NEAR cooperation",
    "NEAR(asean & japan, 1000)",
    "chnage~1",
    "chnage~",
    "climate chnage~2",
    "Phillipines~2",
    "sea~2",
    "of~2",
    "change~1 -charge",
    "a~b",
]


# Queries that must be rejected (exit status 2), whatever the corpus.
INVALID = [
    "(a",
    "a)",
    "(asean OR japan",
    '"unterminated',
    'asean "south china',
    "a OR",
    "OR a",
    "a AND",
    "AND a",
    "AND",
    "OR",
    "NOT",
    "a AND OR b",
    "a OR OR b",
    "a AND & OR b",
    "NOT a",
    "-a",
    "-asean -japan",
    "NOT asean NOT japan",
    "-(asean OR japan)",
    '-"south china"',
    "asean OR -japan",
    "asean OR NOT japan",
    "asean OR (NOT japan)",
    "asean (-japan -korea)",
    "asean (japan OR -korea)",
    "asean -(japan OR -korea)",
    "asean NOT NOT japan",
    "asean --japan",
    "asean NOT -japan",
    "asean -AND japan",
    "asean -)",
    "()",
    "asean ()",
    "asean ( )",
    "asean (&)",
    "*",
    "asean *",
    "a*b*",
    "a*b",
    "asean**",
    "&*",
    "covid-1*",
    '"south chin*"',
    'asean "*"',
    "",
    "   ",
    "&",
    "& %",
    '"&"',
    '""',
    "(" * 65 + "asean" + ")" * 65,      # one level too deep
    "NEAR(a b",
    "NEAR(a b, 1001)",
    "NEAR(a b, x)",
    "NEAR(a b,)",
    "NEAR(a b, 5 c)",
    "NEAR(a)",
    "NEAR(a (b))",
    "NEAR(a OR b)",
    "NEAR(a -b)",
    "a NEAR",
    "NEAR a",
    "(a) NEAR b",
    "a NEAR (b)",
    "a NEAR/x b",
    "a NEAR/1001 b",
    "a NEAR/5 b NEAR/6 c",
    "a~3",
    "asean~0",
    "covid-19~1",
    "asean - japan",
    "asean -",
    "- asean",
    "asean -- japan",
    "NEAR(asean - japan)",
    "\u201cunterminated",
    "asean \u00absouth china",
]


def usable(w):
    """A word that stays one ordinary word token in a query."""
    return (w != "" and not (set(w) & STRUCTURAL) and not w.startswith("-")
            and w not in OPERATORS and w != "NEAR" and not w.startswith("NEAR/")
            and "~" not in w and any(c.isalnum() for c in w))


def strip_marks(w):
    return "".join(c for c in unicodedata.normalize("NFD", w)
                   if not unicodedata.combining(c))


class QueryMaker:
    def __init__(self, paragraphs, token_lists, seed):
        self.rnd = random.Random(seed)
        occurrences = []        # one surface word per token: frequent words weigh more
        self.folded = set()     # folded words of the corpus (to make absent ones)
        self.sources = []       # (text bytes, tokens) of paragraphs with 2+ tokens
        long_words = set()      # words with 3+ leading letters, for prefixes
        compound = set()        # whitespace words the analyzer splits: ASEAN-Japan, 12th
        for p, toks in zip(paragraphs, token_lists):
            data = p["text"].encode("utf-8")
            for t in toks:
                self.folded.add(t["word"])
                w = data[t["start"]:t["end"]].decode("utf-8", "replace")
                if usable(w):
                    occurrences.append(w)
                    if len(w) >= 3 and w[:3].isalpha():
                        long_words.add(w)
            if len(toks) >= 2:
                self.sources.append((data, toks))
            for raw in p["text"].split():
                w = raw.strip(EDGE_PUNCT)
                inner = any(w[i] == "-" and w[i - 1].isalnum() and w[i + 1].isalnum()
                            for i in range(1, len(w) - 1))
                mixed = any(c.isalpha() for c in w) and any(c.isdigit() for c in w)
                if usable(w) and (inner or mixed):
                    compound.add(w)
        if not occurrences:
            raise ValueError("the corpus has no words to build queries from")
        self.occurrences = occurrences
        self.vocabulary = sorted(set(occurrences))
        self.long_words = sorted(long_words) or ["coop"]
        self.compound = sorted(compound) or ["ASEAN-Japan"]
        self.alpha_words = [w for w in self.long_words if w.isalpha()] or ["coop"]

    # ---- atoms

    def plain_word(self):
        if self.rnd.random() < 0.5:
            return self.rnd.choice(self.occurrences)   # frequent words often
        return self.rnd.choice(self.vocabulary)        # rare words often

    def variant(self, w):
        """Case changes, added or removed diacritics: the same terms."""
        r = self.rnd.random()
        if r < 0.2:
            v = w.upper()
        elif r < 0.4:
            v = w.lower()
        elif r < 0.5:
            v = w.title()
        elif r < 0.65:
            v = "".join(c.upper() if self.rnd.random() < 0.5 else c.lower() for c in w)
        elif r < 0.85:
            spots = [i for i, c in enumerate(w) if c in ACCENTS]
            if spots:
                i = self.rnd.choice(spots)
                v = w[:i] + self.rnd.choice(ACCENTS[w[i]]) + w[i + 1:]
            else:
                v = w.upper()
        else:
            v = strip_marks(w)
        return v if usable(v) else w

    def word(self):
        w = self.plain_word()
        return self.variant(w) if self.rnd.random() < 0.25 else w

    def absent_word(self):
        while True:
            w = "".join(self.rnd.choice("bcdfghjklmnpqrstvwxz" if i % 2 == 0 else "aeiouy")
                        for i in range(self.rnd.randint(5, 9)))
            if w not in self.folded and not any(f.startswith(w) for f in self.folded):
                return w if self.rnd.random() < 0.7 else w.capitalize()

    def real_phrase(self):
        """2-4 consecutive tokens of a paragraph, as written there."""
        data, toks = self.rnd.choice(self.sources)
        n = self.rnd.randint(2, min(4, len(toks)))
        i = self.rnd.randrange(len(toks) - n + 1)
        text = data[toks[i]["start"]:toks[i + n - 1]["end"]].decode("utf-8", "replace")
        for c in '"*()':  # keep it a plain phrase: no quote, star or parenthesis inside
            text = text.replace(c, " ")
        if self.rnd.random() < 0.2:
            text = text.lower()
        return '"' + text + '"'

    def random_phrase(self):
        n = self.rnd.randint(2, 3)
        return '"' + " ".join(self.plain_word() for _ in range(n)) + '"'

    def prefix(self):
        w = self.rnd.choice(self.long_words)
        letters = 0
        while letters < len(w) and w[letters].isalpha():
            letters += 1
        p = w[:self.rnd.randint(3, min(7, letters))]
        r = self.rnd.random()
        if r < 0.15:
            p = p.upper()
        elif r < 0.3:
            p = p.lower()
        return p + "*"

    def fuzzy(self):
        """A real word, perhaps with one typing error, and a '~' suffix."""
        w = self.rnd.choice(self.alpha_words)
        r = self.rnd.random()
        if len(w) > 3 and r < 0.6:
            i = self.rnd.randrange(len(w) - 1)
            op = self.rnd.choice(["swap", "drop", "change", "double"])
            if op == "swap":
                w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            elif op == "drop":
                w = w[:i] + w[i + 1:]
            elif op == "change":
                w = w[:i] + self.rnd.choice("aeiorstn") + w[i + 1:]
            else:
                w = w[:i] + w[i] + w[i:]
        return w + self.rnd.choice(["~", "~1", "~2", "~2"])

    def near(self):
        """2-3 words that stand close together in a paragraph (sometimes
        one of them a prefix or typo-tolerant), as NEAR(...) or infix."""
        data, toks = self.rnd.choice(self.sources)
        i = self.rnd.randrange(len(toks))
        span = toks[i:i + 8]
        items = []
        for t in self.rnd.sample(span, min(len(span), self.rnd.randint(2, 3))):
            w = data[t["start"]:t["end"]].decode("utf-8", "replace").replace(",", "")
            if not usable(w):
                w = t["word"]
            items.append(w)
        if len(items) < 2:
            items.append(self.plain_word().replace(",", ""))
        r = self.rnd.random()
        if r < 0.15:
            items[0] = self.prefix()
        elif r < 0.3:
            items[-1] = self.fuzzy()
        elif r < 0.4:
            items[0] = self.real_phrase()
        n = self.rnd.choice([0, 0, 1, 2, 3, 5, 10, 20])
        if self.rnd.random() < 0.6:
            inside = " ".join(items)
            return f"NEAR({inside})" if self.rnd.random() < 0.2 else f"NEAR({inside}, {n})"
        op = "NEAR" if self.rnd.random() < 0.2 else f"NEAR/{n}"
        return f" {op} ".join(items)

    def compound_word(self):
        w = self.rnd.choice(self.compound)
        return self.variant(w) if self.rnd.random() < 0.2 else w

    def atom(self):
        r = self.rnd.random()
        if r < 0.05:
            return self.fuzzy()
        if r < 0.10:
            return self.near()
        r = self.rnd.random()
        if r < 0.50:
            return self.word()
        if r < 0.65:
            return self.real_phrase()
        if r < 0.70:
            return self.random_phrase()
        if r < 0.82:
            return self.prefix()
        if r < 0.92:
            return self.compound_word()
        if r < 0.96:
            return self.absent_word()
        return self.rnd.choice(["and", "or", "not", "And"])

    # ---- expressions, as (text, level); level: 0 OR, 1 AND, 2 unary, 3 primary

    def wrap(self, text, level, need):
        if level < need or (level < 3 and self.rnd.random() < 0.15):
            return "(" + text + ")", 3
        return text, level

    def negation(self, depth):
        r = self.rnd.random()
        if depth > 0 and r < 0.25:
            inner, _ = self.expr(depth - 1)
            target = "(" + inner + ")"
        elif r < 0.45:
            target = self.real_phrase()
        else:
            target = self.atom()
        return ("-" if self.rnd.random() < 0.6 else "NOT ") + target

    def expr(self, depth):
        """A valid expression with at least one positive clause."""
        if depth <= 0 or self.rnd.random() < 0.3:
            return self.atom(), 3
        if self.rnd.random() < 0.45:
            parts = [self.wrap(*self.expr(depth - 1), need=1)[0]
                     for _ in range(self.rnd.randint(2, 3))]
            return " OR ".join(parts), 0
        parts = [self.wrap(*self.expr(depth - 1), need=2)[0]
                 for _ in range(self.rnd.randint(1, 3))]
        for _ in range(self.rnd.choice([0, 0, 1, 1, 2])):
            parts.insert(self.rnd.randint(0, len(parts)), self.negation(depth - 1))
        if len(parts) == 1:
            return parts[0], 3 if parts[0].startswith("(") else 2
        text = parts[0]
        for part in parts[1:]:
            text += " AND " if self.rnd.random() < 0.3 else " "
            text += part
        return text, 1

    def query(self):
        rnd, w = self.rnd, self.word
        r = rnd.random()
        if r < 0.10:
            return w()
        if r < 0.16:
            return rnd.choice([self.real_phrase, self.random_phrase])()
        if r < 0.21:
            return rnd.choice([self.prefix, self.compound_word])()
        if r < 0.33:
            return " ".join(self.atom() for _ in range(rnd.randint(2, 4)))
        if r < 0.70:
            return self.expr(rnd.randint(1, 3))[0]
        shapes = [
            lambda: f"{w()} -{w()}",
            lambda: f"{w()} NOT {w()}",
            lambda: f"{w()} AND NOT {self.atom()}",
            lambda: f"-{w()} {w()}",
            lambda: f"{self.atom()} -{self.real_phrase()}",
            lambda: f"{w()} -({w()} OR {self.atom()})",
            lambda: f"{w()} OR {w()} {w()}",
            lambda: f"({w()} OR {w()}) {w()}",
            lambda: f"({self.atom()} OR {self.atom()}) AND ({self.atom()} OR {self.atom()})",
            lambda: f"{self.prefix()} {w()}",
            lambda: f"{self.prefix()} OR {self.prefix()}",
            lambda: f"{self.prefix()} -{self.prefix()}",
            lambda: self.absent_word(),
            lambda: f"{self.absent_word()} OR {w()}",
            lambda: f"{w()} {self.absent_word()}",
            lambda: f"{w()} -{self.absent_word()}",
            lambda: f"{w()} & {w()}",
            lambda: f"{w()} {rnd.choice(['and', 'or', 'not'])} {w()}",
            lambda: (lambda x: f"{x} {x}")(self.atom()),
            lambda: (lambda x: f"{x} OR {x}")(self.atom()),
            lambda: f"{self.variant(self.plain_word())} {self.variant(self.plain_word())}",
        ]
        return rnd.choice(shapes)()


def generate(paragraphs, token_lists, count, seed):
    """`count` queries, the same ones for the same corpus and seed."""
    maker = QueryMaker(paragraphs, token_lists, seed)
    return [maker.query() for _ in range(count)]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Print deterministic random queries over the corpus.")
    ap.add_argument("--bin", default="./ajsearch")
    ap.add_argument("--index", default="index")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args(argv)
    import refsearch
    try:
        corpus = refsearch.Corpus.load(args.bin, args.index)
    except refsearch.SetupError as e:
        print(f"gen_queries: {e}", file=sys.stderr)
        return 2
    for q in generate(corpus.paragraphs, corpus.tokens, args.count, args.seed):
        print(q)
    return 0


if __name__ == "__main__":
    sys.exit(main())
