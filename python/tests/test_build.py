"""ajsearch.build on small corpora made here."""

import os
import shutil
import signal
import tempfile
import unittest

import ajsearch

from . import support


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


class BuildTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ajsearch-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.corpus = os.path.join(self.tmp, "corpus")
        write(os.path.join(self.corpus, "zebra.txt"),
              b"Zebras graze on the savanna.\n\nOkapis hide in the forest.\n")
        write(os.path.join(self.corpus, "deep", "notes.md"),
              "# Notes\n\nThe okapi’s stripes.\n".encode("utf-8"))
        write(os.path.join(self.corpus, "blob.txt"), b"GIF89a\x00\x01\x02")

    def test_warnings_and_stats(self):
        index = os.path.join(self.tmp, "index")
        st = ajsearch.build(self.corpus, index, threads=1)
        self.assertEqual(st["ndocs"], 2)
        self.assertEqual(st["nskipped"], 1)
        self.assertEqual(st["threads"], 1)
        self.assertEqual(st["format"], ajsearch.format_version())
        self.assertGreater(st["nparas"], 2)
        self.assertEqual(len(st["warnings"]), 1)
        kind, path, reason = st["warnings"][0]
        self.assertEqual((kind, path), ("binary", "blob.txt"))
        self.assertIn("NUL", reason)
        self.assertEqual(st["warning_counts"]["binary"], 1)
        self.assertEqual(sum(st["warning_counts"].values()), 1)
        with ajsearch.Index(index) as ix:
            self.assertEqual(ix.stats()["ndocs"], 2)
            hits = ix.search("okapi", partial=False)
            self.assertEqual(sorted(h["doc"] for h in hits),
                             ["deep/notes.md", "zebra.txt"])

    def test_offsets_with_invalid_utf8(self):
        # Stored text keeps invalid bytes; text shows them as U+FFFD, spans
        # count stored bytes and char_spans characters of text.
        line = "Café naïve ".encode("utf-8") + b"\xff\xfe okapi stripes\n"
        write(os.path.join(self.corpus, "odd.txt"), line)
        index = os.path.join(self.tmp, "index")
        ajsearch.build(self.corpus, index)
        with ajsearch.Index(index) as ix:
            hits = [h for h in ix.search("okapi stripes", partial=False)
                    if h["doc"] == "odd.txt"]
        self.assertEqual(len(hits), 1)
        h = hits[0]
        self.assertEqual(h["text"], "Café naïve \ufffd\ufffd okapi stripes")
        at = line.index(b"okapi")
        self.assertEqual(h["spans"], [[at, at + 5], [at + 6, at + 13]])
        at = h["text"].index("okapi")
        self.assertEqual(h["char_spans"], [[at, at + 5], [at + 6, at + 13]])

    def test_strict(self):
        index = os.path.join(self.tmp, "index")
        with self.assertRaises(ajsearch.Error) as cm:
            ajsearch.build(self.corpus, index, strict=True)
        e = cm.exception
        self.assertEqual(e.code, "AJ_EWARN")
        self.assertEqual([w[:2] for w in e.warnings], [("binary", "blob.txt")])
        with self.assertRaises(ajsearch.Error) as cm:
            ajsearch.Index(index)
        self.assertEqual(cm.exception.code, "AJ_ENOTFOUND")

    def test_rebuild_replaces(self):
        index = os.path.join(self.tmp, "index")
        ajsearch.build(self.corpus, index)
        os.remove(os.path.join(self.corpus, "blob.txt"))
        write(os.path.join(self.corpus, "third.txt"), b"Giraffes too.\n")
        st = ajsearch.build(self.corpus, index, memory=1 << 20)
        self.assertEqual((st["ndocs"], st["nskipped"], st["warnings"]),
                         (3, 0, []))
        with ajsearch.Index(index) as ix:
            self.assertEqual(ix.search("giraffe").total, 1)

    def test_missing_corpus(self):
        with self.assertRaises(ajsearch.Error) as cm:
            ajsearch.build(os.path.join(self.tmp, "nowhere"),
                           os.path.join(self.tmp, "index"))
        self.assertEqual(cm.exception.code, "AJ_ENOTFOUND")

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            ajsearch.build(self.corpus, os.path.join(self.tmp, "i"), threads=-1)

    @unittest.skipUnless(hasattr(signal, "setitimer"), "no setitimer")
    def test_interrupt_cancels(self):
        # Ctrl-C during a build: KeyboardInterrupt once the library has
        # stopped and removed what it wrote; the previous index stays.
        big = os.path.join(self.tmp, "big")
        os.mkdir(big)
        corpus = support.corpus_dir()
        docs = [f for f in sorted(os.listdir(corpus)) if f.endswith(".txt")]
        for i in range(100):
            for f in docs:
                shutil.copyfile(os.path.join(corpus, f),
                                os.path.join(big, "%03d-%s" % (i, f)))
        index = os.path.join(self.tmp, "index")
        ajsearch.build(self.corpus, index)
        before = sorted(os.listdir(index))

        def interrupt(*_):
            raise KeyboardInterrupt

        old = signal.signal(signal.SIGALRM, interrupt)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, 0.03)
        try:
            ajsearch.build(big, index, threads=1)
        except KeyboardInterrupt:
            pass
        else:
            self.skipTest("the build was over before the interrupt came")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        self.assertEqual(sorted(os.listdir(index)), before)
        with ajsearch.Index(index) as ix:
            self.assertEqual(ix.stats()["ndocs"], 2)

    def test_real_corpus(self):
        index = os.path.join(self.tmp, "index")
        st = ajsearch.build(support.corpus_dir(), index)
        self.assertEqual(st["ndocs"],
                         support.corpus_documents(support.corpus_dir()))
        self.assertEqual(st["warnings"], [])


if __name__ == "__main__":
    unittest.main()
