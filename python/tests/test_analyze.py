"""ajsearch.analyze against known answers and the command line."""

import json
import unittest

import ajsearch

from . import support

KEYS = ("term", "word", "pos", "start", "end")


class AnalyzeTest(unittest.TestCase):
    def test_folded_and_stemmed(self):
        toks = ajsearch.analyze("Japan’s Defence")
        self.assertEqual([tuple(t[k] for k in KEYS) for t in toks],
                         [("japan", "japan's", 0, 0, 9),
                          ("defens", "defence", 1, 10, 17)])

    def test_offsets(self):
        text = "Nguyễn Xuân Phúc met the Japan’s PM"
        raw = text.encode("utf-8")
        toks = ajsearch.analyze(text)
        self.assertEqual([t["word"] for t in toks][:3],
                         ["nguyen", "xuan", "phuc"])
        for t in toks:
            self.assertEqual(raw[t["start"]:t["end"]].decode(),
                             text[t["char_start"]:t["char_end"]])
        self.assertEqual([t["pos"] for t in toks], list(range(len(toks))))

    def test_any_bytes(self):
        toks = ajsearch.analyze(b"caf\xc3\xa9\xff\x00bar")
        self.assertEqual([(t["word"], t["start"], t["end"]) for t in toks],
                         [("cafe", 0, 5), ("bar", 7, 10)])
        self.assertEqual(ajsearch.analyze(""), [])

    @unittest.skipUnless(support.cli(), "AJSEARCH_BIN is not set: no command "
                         "line to compare with")
    def test_same_as_cli(self):
        for text in ["Japan’s Defence", "ASEAN-Japan COVID19 12th",
                     "Organisation CO-OPERATION naïve ﬁnance"]:
            with self.subTest(text=text):
                cli = json.loads(support.run_cli("analyze", "--json", text))
                mine = [{k: t[k] for k in KEYS} for t in ajsearch.analyze(text)]
                self.assertEqual(mine, cli)


if __name__ == "__main__":
    unittest.main()
