#!/usr/bin/env python3
"""Unit checks of the reference implementation itself (refsearch.py and
gen_queries.py), with a toy analyzer: no ajsearch binary needed.

    python3 tests/reference/self_test.py

The toy analyzer: words are runs of ASCII letters or runs of digits,
lower-cased; the "stem" drops one final 's' (so a prefix, which matches the
unstemmed word, can be told apart from a term).
"""
import json
import math
import os
import re
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_queries  # noqa: E402
import refsearch  # noqa: E402
from refsearch import QueryError  # noqa: E402

TOY_ANALYZER_SOURCE = r'''
import re
def toy_analyze(text):
    out = []
    data = text.encode("utf-8")
    for m in re.finditer(rb"[A-Za-z]+|[0-9]+", data):
        word = m.group().decode().lower()
        term = word[:-1] if len(word) > 1 and word.endswith("s") else word
        out.append({"term": term, "word": word, "pos": len(out),
                    "start": m.start(), "end": m.end()})
    return out
'''
exec(TOY_ANALYZER_SOURCE)


class ToyAnalyzer:
    def analyze(self, text):
        return toy_analyze(text)  # noqa: F821 (defined by exec above)


def toy_corpus(texts):
    paragraphs = []
    token_lists = []
    for i, text in enumerate(texts):
        toks = toy_analyze(text)  # noqa: F821
        paragraphs.append({"id": i, "doc": "d", "title": "t", "para": i + 1, "label": None,
                           "start": 0, "end": len(text), "len": len(toks), "text": text})
        token_lists.append(toks)
    return refsearch.Corpus(paragraphs, token_lists, ToyAnalyzer())


# N = 4 paragraphs, lengths 3, 2, 4, 2: avgdl = 11 / 4 = 2.75
TEXTS = ["cats and dogs",          # terms cat and dog
         "the cat",                # terms the cat
         "dogs dogs dogs bark",    # terms dog dog dog bark
         "the cat"]


def tree(query):
    return refsearch.show(refsearch.parse(query, toy_analyze))  # noqa: F821


class Parsing(unittest.TestCase):
    def check(self, query, expected):
        self.assertEqual(tree(query), expected, f"query {query!r}")

    def test_juxtaposition_and_operators(self):
        self.check("a", "a")
        self.check("a b", "AND(a, b)")
        self.check("a AND b", "AND(a, b)")
        self.check("a b AND c", "AND(a, b, c)")
        self.check("a OR b", "OR(a, b)")
        self.check("a OR b OR c", "OR(a, b, c)")

    def test_precedence(self):
        self.check("a OR b c", "OR(a, AND(b, c))")
        self.check("a b OR c", "OR(AND(a, b), c)")
        self.check("a AND b OR c AND d", "OR(AND(a, b), AND(c, d))")
        self.check("a NOT b OR c", "OR(AND(a, NOT(b)), c)")
        self.check("(a OR b) c", "AND(OR(a, b), c)")
        self.check("((a))", "a")
        self.check("a (b)", "AND(a, b)")
        self.check("(a OR b) AND (c OR d)", "AND(OR(a, b), OR(c, d))")

    def test_lower_case_operators_are_words(self):
        self.check("a and b", "AND(a, and, b)")
        self.check("a or b", "AND(a, or, b)")
        self.check("a not b", "AND(a, not, b)")
        self.check("a And b", "AND(a, and, b)")

    def test_negation(self):
        self.check("a NOT b", "AND(a, NOT(b))")
        self.check("a AND NOT b", "AND(a, NOT(b))")
        self.check("a -b", "AND(a, NOT(b))")
        self.check("-a b", "AND(NOT(a), b)")
        self.check("NOT a b", "AND(NOT(a), b)")
        self.check('a -"b c"', 'AND(a, NOT("b c"))')
        self.check("a -(b OR c)", "AND(a, NOT(OR(b, c)))")
        self.check("a -(b -c)", "AND(a, NOT(AND(b, NOT(c))))")
        self.check("(-a) b", "AND(NOT(a), b)")
        self.check("a (NOT b)", "AND(a, NOT(b))")
        self.check("a -b*", "AND(a, NOT(b*))")
        self.check("(a)-b", "AND(a, NOT(b))")

    def test_dash_not_attached(self):
        for query in ("a - b", "a -", "- a", "a -- b", "(a -) b", "NEAR(a - b)"):
            with self.assertRaises(QueryError, msg=f"query {query!r}"):
                tree(query)                   # a lone '-' negates nothing: an error
        self.check("a-b", '"a b"')            # inside a word it only separates
        self.check("a- b", "AND(a, b)")
        self.check("a \u2013 b", "AND(a, b)")  # an en dash is punctuation

    def test_typographic_quotes(self):
        for q in ('\u201cb c\u201d', '\u201eb c\u201c', '\u00abb c\u00bb', '\u00bbb c\u00ab',
                  '\u201db c\u201d', '\u201cb c"', '\u2018b c\u2019', '\u201ab c\u2018'):
            self.check("a " + q, 'AND(a, "b c")')
        self.check('a\u201cb c\u201dd', 'AND(a, "b c", d)')
        self.check("b\u2019s c", "AND(\"b s\", c)")        # an apostrophe in a word
        self.check("\u2018b\u2019s c\u2019", '"b s c"')
        self.check("\u2018b c", "AND(b, c)")               # no closing mark: punctuation
        self.check("\u2018b \u2019c", "AND(b, c)")        # closing after a space: no
        with self.assertRaises(QueryError):
            tree("a \u201cb c")

    def test_words_analyzing_to_several_or_no_tokens(self):
        self.check("asean-japan", '"asean japan"')
        self.check("covid19", '"covid 19"')
        self.check("a & b", "AND(a, b)")
        self.check("a OR & b", "OR(a, b)")
        self.check('a ""', "a")
        self.check('a "&"', "a")

    def test_phrases(self):
        self.check('"b c"', '"b c"')
        self.check('"cats"', "cat")                    # one token: a plain term
        self.check('"Dogs, dogs!"', '"dog dog"')
        self.check('a"b c"d', 'AND(a, "b c", d)')      # '"' always delimits
        self.check('"x (y"', '"x y"')                  # inside quotes: text to analyze
        self.check('"a OR b"', '"a or b"')             # no operators inside quotes

    def test_prefixes(self):
        self.check("Cats*", "cats*")        # the folded word, not the stem 'cat'
        self.check("AND*", "and*")
        self.check("(co*)", "co*")
        self.check("-co* a", "AND(NOT(co*), a)")

    def test_invalid(self):
        extra = ["a*b", "(" * 65 + "a" + ")" * 65]
        for query in gen_queries.INVALID + extra:
            with self.assertRaises(QueryError, msg=f"query {query!r}"):
                tree(query)
        # A dash attached to something with nothing to search for is
        # ignored together with it, like the word alone.
        self.check("-& a", "a")
        self.check('a -"&" b', "AND(a, b)")
        # 64 levels of parentheses are allowed, 65 are not
        self.check("(" * 64 + "a" + ")" * 64, "a")

    def test_lexer(self):
        self.assertEqual(refsearch.lex('-a (b) "c d" OR NOT x*'),
                         [("-", 0), ("word", "a", 1), ("(", 3), ("word", "b", 4), (")", 5),
                          ("quoted", "c d", 7), ("OR", 13), ("NOT", 16), ("word", "x*", 20)])
        self.assertEqual(refsearch.texts_to_analyze('ab* "c d" OR e'), ["ab", "c d", "e"])


class Scoring(unittest.TestCase):
    # Hand computation, k1 = 1.2, b = 0.75, avgdl = 2.75:
    #  K(dl) = k1 * (1 - b + b * dl / avgdl):
    #    K(2) = 1.2 * (0.25 + 0.75 * 2 / 2.75) = 0.954545...
    #    K(3) = 1.2 * (0.25 + 0.75 * 3 / 2.75) = 1.281818...
    #    K(4) = 1.2 * (0.25 + 0.75 * 4 / 2.75) = 1.609090...
    #  "cat":  df 3, idf = ln(1 + 1.5 / 3.5) = ln(10/7) = 0.356675
    #    para 0 (tf 1, dl 3): 0.356675 * 2.2 / (1 + 1.281818) = 0.343886
    #    para 1 and 3 (tf 1, dl 2): 0.356675 * 2.2 / (1 + 0.954545) = 0.401467
    #  "dog":  df 2, idf = ln(1 + 2.5 / 2.5) = ln 2 = 0.693147
    #    para 0 (tf 1, dl 3): 0.693147 * 2.2 / 2.281818 = 0.668293
    #    para 2 (tf 3, dl 4): 0.693147 * 6.6 / (3 + 1.609091) = 0.992554
    #  "bark": df 1, idf = ln(1 + 3.5 / 1.5) = ln(10/3) = 1.203973
    #    para 2 (tf 1, dl 4): 1.203973 * 2.2 / 2.609091 = 1.015197
    #  "dogs dogs" (phrase, overlapping starts 0 and 1): df 1, tf 2 in para 2
    #    1.203973 * 4.4 / (2 + 1.609091) = 1.467816
    CAT0, CAT1, DOG0, DOG2 = 0.343886, 0.401467, 0.668293, 0.992554
    BARK2, DOGDOG2 = 1.015197, 1.467816

    def setUp(self):
        self.corpus = toy_corpus(TEXTS)

    def check(self, query, expected, k1=1.2, b=0.75):
        got = refsearch.search(self.corpus, query, k1, b)
        self.assertEqual([pid for _, pid in got], [pid for _, pid in expected], f"query {query!r}")
        for (gs, _), (ws, pid) in zip(got, expected):
            self.assertAlmostEqual(gs, ws, places=5, msg=f"query {query!r}, paragraph {pid}")

    def test_corpus_statistics(self):
        self.assertEqual(self.corpus.n, 4)
        self.assertAlmostEqual(self.corpus.avgdl, 2.75)

    def test_single_terms_and_tie_order(self):
        # Paragraphs 1 and 3 are identical: equal scores, lower id first.
        self.check("cat", [(self.CAT1, 1), (self.CAT1, 3), (self.CAT0, 0)])
        self.check("cats", [(self.CAT1, 1), (self.CAT1, 3), (self.CAT0, 0)])  # same stem
        self.check("dog", [(self.DOG2, 2), (self.DOG0, 0)])
        self.check("zebra", [])

    def test_and_or_not(self):
        self.check("cat dog", [(self.CAT0 + self.DOG0, 0)])
        self.check("cat AND dog", [(self.CAT0 + self.DOG0, 0)])
        # OR: only the branches that match add up
        self.check("cat OR bark", [(self.BARK2, 2), (self.CAT1, 1), (self.CAT1, 3), (self.CAT0, 0)])
        self.check("dog OR cat", [(self.DOG0 + self.CAT0, 0), (self.DOG2, 2),
                                  (self.CAT1, 1), (self.CAT1, 3)])
        # NOT children filter and add nothing
        self.check("dog -bark", [(self.DOG0, 0)])
        self.check("dog NOT bark", [(self.DOG0, 0)])
        self.check("dog -(bark OR the)", [(self.DOG0, 0)])
        self.check("cat -zebra", [(self.CAT1, 1), (self.CAT1, 3), (self.CAT0, 0)])

    def test_duplicates_count_each_time(self):
        self.check("bark bark", [(2 * self.BARK2, 2)])
        self.check("bark OR bark", [(2 * self.BARK2, 2)])
        self.check("bark OR (bark dog)", [(2 * self.BARK2 + self.DOG2, 2)])

    def test_phrase(self):
        self.check('"dogs dogs"', [(self.DOGDOG2, 2)])
        self.check('"dogs dogs dogs dogs"', [])
        self.check('"cat and dog"', [(refsearch.bm25(1, 1, 3, 4, 2.75, 1.2, 0.75), 0)])
        self.check('"and cats"', [])

    def test_prefix_matches_words_not_stems(self):
        # "cat*" matches the words cats and cat (df 3, tf 1 each): as the term
        self.check("cat*", [(self.CAT1, 1), (self.CAT1, 3), (self.CAT0, 0)])
        # "cats*" only the word "cats", although its stem is "cat": df 1
        # (idf ln(10/3) = 1.203973, tf 1, dl 3: 1.203973 * 2.2 / 2.281818 = 1.160802)
        self.check("cats*", [(1.160802, 0)])
        # "dog*" counts every matching token: tf 3 in paragraph 2
        self.check("dog*", [(self.DOG2, 2), (self.DOG0, 0)])
        self.check("ba*", [(self.BARK2, 2)])

    def test_other_parameters(self):
        # k1 = 2, b = 0: no length normalization; "dog" idf ln 2
        self.check("dog", [(math.log(2) * 3 * 3 / (3 + 2), 2), (math.log(2) * 3 / 3, 0)], k1=2, b=0)


class LoadingFromABinary(unittest.TestCase):
    """Corpus.load against a stand-in binary answering `dump --json` and
    `analyze --json` as the spec says, including a text with U+2028 (not a
    line break for ajsearch, but one for str.splitlines)."""

    def test_load(self):
        texts = ["cats and dogs", "the cat\u2028sat", "dogs dogs dogs bark"]
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, "fake-ajsearch")
            dump = "".join(json.dumps({"id": i, "doc": "d", "title": "t", "para": i + 1,
                                       "label": None, "start": 0, "end": 1,
                                       "len": len(toy_analyze(t)), "text": t},  # noqa: F821
                                      ensure_ascii=False) + "\n" for i, t in enumerate(texts))
            with open(fake, "w", encoding="utf-8") as f:
                f.write(f"#!{sys.executable}\n"
                        "import sys, json\n"
                        "sys.stdin.reconfigure(encoding='utf-8', newline='\\n')\n"
                        "sys.stdout.reconfigure(encoding='utf-8')\n"
                        + TOY_ANALYZER_SOURCE +
                        f"DUMP = {dump!r}\n"
                        "if sys.argv[1] == 'dump':\n"
                        "    sys.stdout.write(DUMP)\n"
                        "else:\n"
                        "    args = sys.argv[3:] if sys.argv[2:3] == ['--json'] else []\n"
                        "    if args[:1] == ['--']: args = args[1:]\n"
                        "    lines = args or sys.stdin.read().split('\\n')[:-1]\n"
                        "    for line in lines:\n"
                        "        print(json.dumps(toy_analyze(line), ensure_ascii=False))\n")
            os.chmod(fake, os.stat(fake).st_mode | stat.S_IXUSR)
            corpus = refsearch.Corpus.load(fake, tmp)
            self.assertEqual(corpus.n, 3)
            self.assertEqual(corpus.terms[1], ["the", "cat", "sat"])
            got = refsearch.search(corpus, "cat OR sat")
            self.assertEqual([pid for _, pid in got], [1, 0])
            # query words through the batched analyzer, one with a line break
            toks = corpus.analyzer.analyze_many(["Dogs", "a\nb", "Dogs"])
            self.assertEqual([[t["term"] for t in ts] for ts in toks], [["dog"], ["a", "b"], ["dog"]])


class Generator(unittest.TestCase):
    def test_deterministic_and_valid(self):
        corpus = toy_corpus(["ASEAN-Japan cooperation on maritime security, 12th summit",
                             "Cooperating and cooperative partners (ODA) in Viet Nam",
                             "the cat and the dogs"] * 3)
        a = gen_queries.generate(corpus.paragraphs, corpus.tokens, 300, 5)
        b = gen_queries.generate(corpus.paragraphs, corpus.tokens, 300, 5)
        c = gen_queries.generate(corpus.paragraphs, corpus.tokens, 300, 6)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)
        self.assertEqual(len(a), 300)
        rejected = []
        for q in a:
            self.assertNotIn("\n", q)
            try:
                refsearch.search(corpus, q)
            except QueryError as e:
                rejected.append((q, str(e)))
        self.assertEqual(rejected, [])
        self.assertTrue(any("*" in q for q in a))
        self.assertTrue(any('"' in q for q in a))
        self.assertTrue(any(" OR " in q for q in a))
        self.assertTrue(any(re.search(r"(^| )-\S", q) for q in a))

    def test_examples_are_valid(self):
        corpus = toy_corpus(TEXTS)
        for q in gen_queries.EXAMPLES:
            refsearch.search(corpus, q)   # must not raise


if __name__ == "__main__":
    unittest.main(verbosity=1)
