"""Searching an index built from the corpus: answers checked against the
paragraphs' text and, when AJSEARCH_BIN is set, against the command line."""

import os
import pickle
import json
import shutil
import sys
import tempfile
import unittest
from unittest import mock

import ajsearch

from . import support

INDEX = None
_tmp = None


def setUpModule():
    global INDEX, _tmp
    _tmp = tempfile.mkdtemp(prefix="ajsearch-py-")
    INDEX = os.path.join(_tmp, "index")
    ajsearch.build(support.corpus_dir(), INDEX)


def tearDownModule():
    shutil.rmtree(_tmp, ignore_errors=True)


def needs_cli(test):
    return unittest.skipUnless(support.cli(), "AJSEARCH_BIN is not set: no "
                               "command line to compare with")(test)


class SearchTest(unittest.TestCase):
    def setUp(self):
        self.ix = ajsearch.Index(INDEX)
        self.addCleanup(self.ix.close)

    def test_maritime_security(self):
        r = self.ix.search("maritime security", n=50)
        self.assertGreater(r.total, 0)
        self.assertEqual(r.query, "maritime security")
        self.assertFalse(r.corrected)
        self.assertIsNone(r.suggestion)
        self.assertEqual(r.missing, [])
        full = [h for h in r if not h["partial"]]
        self.assertEqual(len(full), min(r.total, 50))
        for h in r:
            low = h["text"].lower()
            if h["partial"]:
                self.assertTrue("maritime" in low or "secur" in low, h["text"])
                self.assertLess(h["matched"], h["clauses"])
            else:
                self.assertIn("maritime", low)
                self.assertIn("secur", low)
                self.assertEqual(h["matched"], h["clauses"])
            self.assertTrue(h["spans"], "no spans in hit %d" % h["id"])
            raw = h["text"].encode("utf-8")
            last = 0
            for (s, e), (cs, ce) in zip(h["spans"], h["char_spans"]):
                self.assertLessEqual(last, s)  # sorted, disjoint
                self.assertLess(s, e)
                last = e
                word = raw[s:e].decode("utf-8")
                self.assertRegex(word.lower(), r"^(maritime|secur\w*)$")
                self.assertEqual(h["text"][cs:ce], word)

    def test_hit_fields(self):
        r = self.ix.search("maritime security", n=5, offset=0)
        self.assertEqual([h["rank"] for h in r], list(range(1, len(r) + 1)))
        h = r[0]
        self.assertEqual(list(h.keys()), list(ajsearch.HIT_KEYS))
        self.assertTrue(h["doc"].endswith((".txt", ".md")), h["doc"])
        self.assertTrue(h["title"])
        self.assertTrue(h["cite"].startswith(h["title"]), h["cite"])
        self.assertTrue(h["cite"].endswith(h["place"]), h["cite"])
        self.assertIsInstance(h["section"], list)
        # Scores rank the full matches.
        scores = [x["score"] for x in r if not x["partial"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIsInstance(r.took, float)
        self.assertTrue(r.total_exact)

    def test_text_matches_source_file(self):
        # file_range and doc locate the paragraph in its source file.
        h = self.ix.search("maritime security", n=1)[0]
        with open(os.path.join(support.corpus_dir(), h["doc"]), "rb") as f:
            data = f.read()
        start, end = h["file_range"]
        words = h["text"].split()
        source = data[start:end].decode("utf-8", "replace")
        self.assertIn(words[0], source)
        self.assertIn(words[-1], source)

    def test_results_sequence(self):
        r = self.ix.search("maritime security", n=3)
        self.assertEqual(len(r), len(r.hits))
        self.assertIs(r[0], r.hits[0])
        self.assertEqual(list(r), r.hits)

    def test_offset(self):
        whole = self.ix.search("maritime security", n=6)
        page = self.ix.search("maritime security", n=3, offset=2)
        self.assertEqual([h["id"] for h in page],
                         [h["id"] for h in whole[2:5]])
        self.assertEqual([h["rank"] for h in page], [3, 4, 5])

    def test_bm25_and_partial(self):
        r = self.ix.search("maritime security", n=50, rank="bm25")
        for h in r:
            self.assertAlmostEqual(h["score"], h["bm25"])
        r = self.ix.search("maritime security", n=50, partial=False)
        self.assertEqual(r.npartial, 0)
        self.assertEqual(len(r), r.total)
        self.assertFalse(any(h["partial"] for h in r))
        r = self.ix.search("maritime security", n=50, partial=True)
        self.assertGreater(r.npartial, 0)

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            self.ix.search("x", rank="tfidf")
        with self.assertRaises(ValueError):
            self.ix.search("x", correct="always")
        with self.assertRaises(ValueError):
            self.ix.search("x", n=-1)

    @needs_cli
    def test_count_matches_cli(self):
        for q in ["maritime security", '"South China Sea" NOT Taiwan',
                  "cooperat*", "maritine security", "nonexistentwordzz"]:
            with self.subTest(query=q):
                count = int(support.run_cli("--index", INDEX, "search",
                                            "--count", "--", q).strip())
                self.assertEqual(self.ix.search(q, n=0).total, count)

    @needs_cli
    def test_hits_match_cli(self):
        q = "supply chain resilience"
        cli = support.run_cli_json_lines("--index", INDEX, "search", "--json",
                                         "-n", "8", "--", q)
        mine = self.ix.search(q, n=8)
        self.assertEqual([(h["id"], h["rank"]) for h in mine],
                         [(o["id"], o["rank"]) for o in cli])
        for h, o in zip(mine, cli):
            self.assertEqual(h["text"], o["text"])
            self.assertEqual(h["cite"], o["cite"])
            self.assertEqual(h["spans"], o["text_matches"])
            self.assertAlmostEqual(h["score"], o["score"], places=5)
            self.assertEqual((h["format"], h["page"]), (o["format"], o["page"]))
            self.assertEqual(h["file_range"], [o["start"], o["end"]])

    def test_syntax_error(self):
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.search('"maritime')
        e = cm.exception
        self.assertEqual(e.code, "AJ_ESYNTAX")
        self.assertEqual(e.pos, 0)
        self.assertTrue(e.message)
        self.assertIn(e.message, str(e))
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.search('maritime "security')
        self.assertEqual((cm.exception.code, cm.exception.pos),
                         ("AJ_ESYNTAX", 9))
        # pos counts bytes, char_pos characters (’ is three bytes).
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.search('Japan’s "security')
        self.assertEqual((cm.exception.pos, cm.exception.char_pos), (10, 8))

    def test_error_pickles(self):
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.search('maritime "security')
        e = pickle.loads(pickle.dumps(cm.exception))
        self.assertEqual((e.code, e.pos, e.message, str(e)),
                         (cm.exception.code, 9, cm.exception.message,
                          str(cm.exception)))

    def test_limit_error(self):
        q = "(" * 100 + "maritime" + ")" * 100
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.search(q)
        self.assertEqual(cm.exception.code, "AJ_ELIMIT")
        self.assertIsNotNone(cm.exception.pos)
        self.assertLess(cm.exception.pos, 100)

    def test_misspelling_corrected(self):
        right = self.ix.search("maritime security", n=5)
        r = self.ix.search("maritine security", n=5)
        self.assertTrue(r.corrected)
        self.assertEqual(r.given, "maritine security")
        self.assertEqual(r.query, "maritime security")
        self.assertEqual(r.suggestion, "maritime security")
        self.assertEqual(r.missing, ["maritine"])
        self.assertEqual(r.total, right.total)
        self.assertEqual([h["id"] for h in r], [h["id"] for h in right])
        fix = r.corrections[0]
        self.assertEqual((fix["original"], fix["word"], fix["pos"], fix["len"]),
                         ("maritine", "maritime", 0, 8))
        self.assertTrue(fix["automatic"])

    def test_misspelling_proposed_or_off(self):
        r = self.ix.search("maritine security", correct="propose",
                           partial=False)
        self.assertFalse(r.corrected)
        self.assertEqual(r.total, 0)
        self.assertEqual(r.query, "maritine security")
        self.assertEqual(r.suggestion, "maritime security")
        r = self.ix.search("maritine security", correct="off")
        self.assertFalse(r.corrected)
        self.assertIsNone(r.suggestion)
        self.assertEqual(r.missing, ["maritine"])

    def test_bytes_query(self):
        a = self.ix.search("maritime security", n=3)
        b = self.ix.search(b"maritime security", n=3)
        self.assertEqual([h["id"] for h in a], [h["id"] for h in b])

    def test_groups(self):
        r = self.ix.search("maritime security", n=3, group=2)
        if r.groups is None:
            self.skipTest("the library did not fill results.groups: "
                          "grouping (aj_search_opts.group) is not "
                          "implemented in this build of libajsearch")
        self.assertTrue(r.groups)
        self.assertLessEqual(len(r.groups), 3)
        self.assertGreaterEqual(r.total_groups, len(r.groups))
        scores = [g["score"] for g in r.groups]
        self.assertEqual(scores, sorted(scores, reverse=True))
        flat = []
        for i, g in enumerate(r.groups):
            self.assertEqual(g["rank"], i + 1)
            self.assertTrue(1 <= len(g["hits"]) <= 2)
            self.assertGreaterEqual(g["matches"], len(g["hits"]))
            self.assertAlmostEqual(g["score"], g["hits"][0]["score"])
            for j, h in enumerate(g["hits"]):
                self.assertEqual(h["doc"], g["doc"])
                self.assertEqual(h["rank"], j + 1)
                self.assertFalse(h["partial"])
                flat.append(h["id"])
        self.assertEqual(flat, [h["id"] for h in r])
        if support.cli():
            cli = support.run_cli_json_lines("--index", INDEX, "search",
                                             "--group", "--json", "-n", "3",
                                             "--", "maritime security")
            self.assertEqual(
                [(g["doc"], g["matches"]) for g in r.groups],
                [(o["doc"], o["matching_paragraphs"]) for o in cli])

    def test_dataframe_without_pandas(self):
        r = self.ix.search("maritime security", n=2)
        # A None entry makes `import pandas` fail as if it were absent.
        with mock.patch.dict(sys.modules, {"pandas": None}):
            with self.assertRaises(ImportError) as cm:
                r.to_dataframe()
        self.assertIn("pandas", str(cm.exception))
        self.assertIn("to_dataframe", str(cm.exception))

    def test_dataframe(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed")
        r = self.ix.search("maritime security", n=4)
        df = r.to_dataframe()
        self.assertEqual(len(df), len(r))
        self.assertEqual(list(df["id"]), [h["id"] for h in r])


class ParagraphTest(unittest.TestCase):
    def setUp(self):
        self.ix = ajsearch.Index(INDEX)
        self.addCleanup(self.ix.close)

    def test_paragraph_is_the_hit(self):
        h = self.ix.search("maritime security", n=1)[0]
        p = self.ix.paragraph(h["id"])
        for k in p:
            self.assertEqual(p[k], h[k], k)
        for k in ("score", "rank", "spans", "bm25"):
            self.assertNotIn(k, p)

    def test_paragraph_out_of_range(self):
        n = self.ix.stats()["nparas"]
        self.ix.paragraph(n - 1)
        with self.assertRaises(ajsearch.Error) as cm:
            self.ix.paragraph(n)
        self.assertEqual(cm.exception.code, "AJ_EINVAL")
        with self.assertRaises(ValueError):
            self.ix.paragraph(-1)

    def test_stats(self):
        st = self.ix.stats()
        self.assertEqual(st["ndocs"],
                         support.corpus_documents(support.corpus_dir()))
        self.assertGreater(st["nparas"], st["ndocs"])
        self.assertGreater(st["avgdl"], 0)
        self.assertTrue(st["generation"])
        names = [f["name"] for f in st["files"]]
        self.assertIn("meta.aj", names)
        if support.cli():
            o = json.loads(support.run_cli("--index", INDEX, "stats", "--json"))
            self.assertEqual(
                (st["ndocs"], st["nparas"], st["nterms"], st["nwords"],
                 st["npostings"], st["ntokens"], st["nacronyms"],
                 st["generation"]),
                (o["documents"], o["paragraphs"], o["terms"], o["words"],
                 o["postings"], o["positions"], o["acronyms"],
                 o["generation"]))
            self.assertEqual({f["name"]: f["nbytes"] for f in st["files"]},
                             o["files"])

    def test_check(self):
        self.assertIsNone(self.ix.check())

    def test_check_finds_damage(self):
        tmp = tempfile.mkdtemp(prefix="ajsearch-py-")
        self.addCleanup(shutil.rmtree, tmp, True)
        copy = os.path.join(tmp, "index")
        shutil.copytree(INDEX, copy, symlinks=True)
        gen = os.path.join(copy, self.ix.stats()["generation"])
        path = os.path.join(gen, "post.aj")
        with open(path, "r+b") as f:
            size = f.seek(0, 2)
            f.seek(size // 2)
            b = f.read(1)
            f.seek(size // 2)
            f.write(bytes([b[0] ^ 0xFF]))
        with self.assertRaises(ajsearch.Error) as cm:
            with ajsearch.Index(copy) as ix:
                ix.check()
        self.assertEqual(cm.exception.code, "AJ_ECORRUPT")

    def test_missing_index(self):
        with self.assertRaises(ajsearch.Error) as cm:
            ajsearch.Index(os.path.join(_tmp, "no-such-index"))
        self.assertEqual(cm.exception.code, "AJ_ENOTFOUND")
        self.assertTrue(cm.exception.message)
        self.assertIsNone(cm.exception.pos)

    def test_close(self):
        ix = ajsearch.Index(INDEX)
        with ix:
            self.assertFalse(ix.closed)
        self.assertTrue(ix.closed)
        ix.close()  # twice is fine
        with self.assertRaises(ValueError):
            ix.search("maritime")
        with self.assertRaises(ValueError):
            ix.stats()


if __name__ == "__main__":
    unittest.main()


class FiltersAndFacets(unittest.TestCase):
    """Filters apply inside the search and facets count what passes."""

    def test_a_filter_keeps_the_documents_that_pass(self):
        with ajsearch.Index(INDEX) as ix:
            everything = ix.search("japan", n=100000, partial=False, correct="off")
            some = ix.search("japan", n=100000, partial=False, correct="off",
                             since="2023", until="2024")
            self.assertTrue(some.filtered)
            self.assertFalse(everything.filtered)
            want = [h["id"] for h in everything
                    if h["date"] and "2023" <= h["date"][:4] <= "2024"]
            self.assertEqual([h["id"] for h in some], want)
            self.assertEqual(some.total, len(want))
            self.assertGreater(len(want), 0)
            self.assertLess(len(want), len(everything))
            # the same as a field of the query
            fielded = ix.search("japan date:2023..2024", n=100000, partial=False,
                                correct="off")
            self.assertEqual([h["id"] for h in fielded], want)

    def test_facets_count_by_year(self):
        with ajsearch.Index(INDEX) as ix:
            r = ix.search("japan", n=0, facets=("year", "doc"), correct="off")
            years = dict(r.facets["year"])
            self.assertEqual(sum(years.values()), r.total)
            self.assertEqual(sum(c for _, c in r.facets["doc"]), r.total)
            with self.assertRaises(ValueError):
                ix.search("japan", facets=("colour",))
