#!/usr/bin/env python3
"""End-to-end tests of spelling correction, missing words, the results
header and the exit status (README "Did you mean", "Using it",
"Commands"): a real word is never replaced, a close correction of a
misspelling runs when nothing matches, and text, --count, --json, --html
and --stdin agree on what ran and on the exit status.

Usage: e2e_correct.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary). Each scenario builds its own index in a temporary
directory.
"""
import html
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, Fail, build, check, main, run  # noqa: E402

L, R = "\u00ab", "\u00bb"


def rows(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def quoted(words):
    """«a», «b» or «c», as the header lists missing words."""
    q = [f"{L}{w}{R}" for w in words]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " or " + q[-1]


class Answer:
    """One query asked in every format: what each says ran, and its exit
    status."""

    def __init__(self, index, query, *opts):
        self.query = query
        self.text = run("-n", "100", *opts, "--", query, index=index)
        self.json = run("--json", "-n", "100", *opts, "--", query, index=index)
        self.html = run("--html", "-n", "100", *opts, "--", query, index=index)
        self.count = run("--count", *opts, "--", query, index=index)
        self.count_json = run("--count", "--json", *opts, "--", query, index=index)
        self.stdin = run("--stdin", "--json", "-n", "100", *opts, index=index,
                         stdin=("japan\n" + query + "\n").encode())
        self.stdin_count = run("--stdin", "--count", "--json", *opts, index=index,
                               stdin=("japan\n" + query + "\n").encode())

    def check_agree(self):
        """Every format tells the same story; returns (corrected, query
        that ran, missing words, suggestion, total)."""
        q = self.query
        jrc, jout, jerr = self.json
        objs = rows(jout)
        check(objs, f"{q!r}: --json printed nothing: {jerr}")
        hits = [o for o in objs if "rank" in o]
        if hits:
            check(len(hits) == len(objs), f"{q!r}: hits and a summary object: {jout[:300]}")
            first = hits[0]
            corrected = first.get("corrected", False)
            suggestion = first.get("suggestion")
            missing = first.get("missing", [])
            for h in hits:
                check((h.get("corrected", False), h.get("suggestion"), h.get("missing", []))
                      == (corrected, suggestion, missing), f"{q!r}: hits disagree")
        else:
            check(len(objs) == 1 and objs[0]["listed"] == 0, f"{q!r}: {jout[:300]}")
            corrected, suggestion, missing = (objs[0]["corrected"], objs[0]["suggestion"],
                                              objs[0]["missing"])
        listed = len(hits)
        ran = suggestion if corrected else q
        # exit status: 0 exactly when something is listed
        check(jrc == (0 if listed else 1), f"{q!r}: --json exit {jrc}, {listed} listed")
        trc, tout, _ = self.text
        check(trc == jrc, f"{q!r}: text exit {trc}, --json {jrc}")
        hrc, hout, _ = self.html
        check(hrc == jrc, f"{q!r}: --html exit {hrc}, --json {jrc}")
        # what ran, in words
        lines = tout.splitlines()
        if corrected:
            check(lines[0] == f"No paragraph contains {quoted(missing)}; showing results "
                  f"for {L}{ran}{R}", f"{q!r}: text header {lines[:2]}")
            check("ajsearch-corrected" in hout and f"<q>{html.escape(ran, False)}</q>" in hout,
                  f"{q!r}: HTML does not say what ran: {hout[:400]}")
        else:
            check("showing results for" not in tout and "ajsearch-corrected" not in hout,
                  f"{q!r}: a correction ran: {tout[:300]}")
            if missing:
                check(lines[0].startswith(f"No paragraph contains {quoted(missing)}"),
                      f"{q!r}: text header {lines[:2]}")
                check("ajsearch-missing" in hout, f"{q!r}: HTML lacks the missing words")
        if suggestion and not corrected:
            check(f"Did you mean: {suggestion}?" in tout, f"{q!r}: {tout[:300]}")
            check(f"Did you mean: <q>{html.escape(suggestion, False)}</q>?" in hout,
                  f"{q!r}: {hout[:300]}")
        else:
            check("Did you mean" not in tout and "ajsearch-suggestion" not in hout,
                  f"{q!r}: a proposal: {tout[:300]}")
        # the hits listed are the same in text and HTML
        text_ranks = re.findall(r"^ *(\d+)\. \[", tout, re.M)
        check(len(text_ranks) == listed, f"{q!r}: text lists {len(text_ranks)}, JSON {listed}")
        check(len(re.findall(r'class="ajsearch-hit[ "]', hout)) == listed,
              f"{q!r}: HTML lists another number")
        # --count counts what ran, with the same status rule as grep -c
        crc, cout, cerr = self.count
        total = int(cout)
        check(crc == (0 if total else 1), f"{q!r}: --count {total} exit {crc}")
        check((f"counted {L}{ran}{R} in place of {L}{q}{R}" in cerr) == bool(corrected),
              f"{q!r}: --count's note: {cerr!r}")
        cj = rows(self.count_json[1])
        check(cj == [{"count": total, "corrected": corrected, "suggestion": suggestion,
                      "missing": missing}], f"{q!r}: --count --json {cj}")
        check(self.count_json[0] == crc, f"{q!r}: --count --json exit")
        # --stdin: line 2 answers exactly as the query alone
        src, sout, _ = self.stdin
        two = [o for o in rows(sout) if o["query"] == 2]
        check([{k: v for k, v in o.items() if k != "query"} for o in two] == objs,
              f"{q!r}: --stdin line 2 differs: {two[:1]} vs {objs[:1]}")
        check(list(two[0])[0] == "query", f"{q!r}: \"query\" is not first")
        check(src == 0, f"{q!r}: --stdin with japan exits {src}")
        scj = rows(self.stdin_count[1])
        check(scj[1] == {"query": 2, "count": total, "corrected": corrected,
                         "suggestion": suggestion, "missing": missing}, f"{q!r}: {scj}")
        return corrected, ran, missing, suggestion, total, listed


def expect(index, query, *opts, corrected=False, ran=None, missing=(), suggestion=None,
           listed=None):
    a = Answer(index, query, *opts)
    got = a.check_agree()
    want_ran = ran if ran is not None else query
    check(got[0] == corrected and got[1] == want_ran and got[2] == list(missing)
          and got[3] == suggestion,
          f"{query!r}: ran {got[1]!r} corrected {got[0]} missing {got[2]} suggestion "
          f"{got[3]!r}; wanted ran {want_ran!r} corrected {corrected} missing "
          f"{list(missing)} suggestion {suggestion!r}")
    if listed is not None:
        check((got[5] > 0) == listed, f"{query!r}: listed {got[5]}")
    return a


def s_issue_examples(tmp):
    """The queries of the issue: real words are answered as written, with
    status 1; misspellings are corrected in every format; words found
    through expansion get no proposal."""
    index = build(tmp)
    # A real word gets a proposal only when it is close (9 letters, 2
    # edits, the only word that near): never for a short word or one two
    # edits from a word of 7 letters or fewer.
    for q, miss, sug in [("sanctions", ["sanctions"], "actions"),
                         ("testing", ["testing"], None), ("fishing", ["fishing"], None),
                         ("LNG", ["LNG"], None), ("rare earths", ["rare", "earths"], None),
                         ("near", ["near"], None)]:
        a = expect(index, q, missing=miss, suggestion=sug, listed=False)
        check(a.text[1].splitlines()[0].startswith(f"No paragraph contains {quoted(miss)} ("),
              f"{q!r}: {a.text[1][:200]!r}")
    # A quoted phrase is not a word to spell: nothing is missing.
    expect(index, '"rare earths"', listed=False)
    for typo, fixed in [("maritme", "maritime"), ("secuirty", "security"),
                        ("Phillipines", "Philippines")]:
        expect(index, typo, corrected=True, ran=fixed, missing=[typo], suggestion=fixed,
               listed=True)
        # the hits are those of the corrected query
        j1, j2 = rows(run("--json", typo, index=index)[1]), rows(run("--json", fixed, index=index)[1])
        check([h["id"] for h in j1] == [h["id"] for h in j2], typo)
    for q in ["peace keeping", "Mê Kông"]:
        a = expect(index, q, listed=True)
        check("also searched" in a.text[1], f"{q!r}: {a.text[1][:300]}")


def s_own_cases(tmp):
    """Cases beyond the issue's: inflected real words, British spellings,
    diacritics, acronyms, long misspellings, two misspellings, a real word
    beside a misspelling, --no-correct."""
    index = build(tmp)
    # inflected and accented real words the corpus lacks
    for q in ["sanctioned", "café", "embargoes"]:
        expect(index, q, missing=[q], listed=False)
    # a British spelling is found as the American one, and proposes nothing
    expect(index, "labour", listed=True)
    expect(index, "defence cooperation", listed=True)
    # acronyms: proposed when close, never run
    expect(index, "ASAEN", missing=["ASAEN"], suggestion="ASEAN", listed=False)
    expect(index, "FOIPP", missing=["FOIPP"], suggestion="FOIP", listed=False)
    a = expect(index, "ASAEN summit", missing=["ASAEN"], suggestion="ASEAN summit",
               listed=True)
    out = run("ASAEN summit", index=index)[1]
    check(re.fullmatch(r"No paragraph contains «ASAEN»\nNo paragraph matches all words: "
                       r"ASAEN summit \(\d+\.\d+ ms\); showing 1-10 \(hits 1-10 match only some "
                       r"words\)\nDid you mean: ASEAN summit\?", "\n".join(out.splitlines()[:3])),
          out[:400])
    # short misspellings are proposed, not run
    expect(index, "Japn", missing=["Japn"], suggestion="Japan", listed=False)
    # long misspellings, one and two edits
    expect(index, "infrastucture", corrected=True, ran="infrastructure",
           missing=["infrastucture"], suggestion="infrastructure", listed=True)
    expect(index, "Philipines", corrected=True, ran="Philippines", missing=["Philipines"],
           suggestion="Philippines", listed=True)
    expect(index, "Brunei Darussalem", corrected=True, ran="Brunei Darussalam",
           missing=["Darussalem"], suggestion="Brunei Darussalam", listed=True)
    # accents fold away: an accented word is found, an accented
    # misspelling is corrected
    expect(index, "maritíme", listed=True)
    expect(index, "marítme secuirty", corrected=True, ran="maritime security",
           missing=["marítme", "secuirty"], suggestion="maritime security", listed=True)
    # two misspellings
    expect(index, "maritme secuirty", corrected=True, ran="maritime security",
           missing=["maritme", "secuirty"], suggestion="maritime security", listed=True)
    # a real word beside a misspelling: nothing runs in place of the query
    expect(index, "sanctions maritme", missing=["sanctions", "maritme"],
           suggestion="actions maritime", listed=False)
    # the same word twice is missing once
    expect(index, "maritme OR maritme", corrected=True, ran="maritime OR maritime",
           missing=["maritme"], suggestion="maritime OR maritime", listed=True)
    # a query that matches keeps its proposal only
    expect(index, "maritme OR security", missing=["maritme"],
           suggestion="maritime OR security", listed=True)
    # grouped: each document object says what ran
    out = run("--group", "--json", "maritme", index=index)[1]
    groups = rows(out)
    check(groups and all(g["corrected"] is True and g["suggestion"] == "maritime"
                         and g["missing"] == ["maritme"] and "group" in g for g in groups),
          out[:300])
    rc, out, err = run("--group", "--json", "sanctions", index=index)
    check(rc == 1 and rows(out) == [{"total": 0, "listed": 0, "corrected": False,
                                     "suggestion": "actions", "missing": ["sanctions"]}],
          out)
    # --no-correct: proposed, not run
    expect(index, "maritme", "--no-correct", missing=["maritme"], suggestion="maritime",
           listed=False)
    expect(index, "maritme secuirty", "--no-correct", missing=["maritme", "secuirty"],
           suggestion="maritime security", listed=False)


def s_header_numbers(tmp):
    """The header's numbers add up, and the exit status is 0 exactly when
    something is listed (-n 0 and --offset past the end list nothing)."""
    index = build(tmp)
    T = r" \(\d+\.\d+ ms\)"

    def head(*args):
        rc, out, err = run(*args, index=index)
        return rc, out.splitlines()[0] if out else "", out

    rc, h, out = head("-n", "10", "security")
    check(rc == 0 and re.fullmatch(r"23 paragraphs match: security" + T + "; showing 1-10", h), h)
    # all full matches, then partial ones: their ranks are named
    rc, h, out = head("-n", "10", "maritime security cooperation")
    m = re.fullmatch(r"(\d+) paragraphs match all words: maritime security cooperation" + T +
                     r"; showing 1-10 \(hits (\d+)-10 match only some words\)", h)
    check(rc == 0 and m, h)
    full, first_partial = int(m.group(1)), int(m.group(2))
    check(first_partial == full + 1, h)
    marks = re.findall(r"^ *(\d+)\. \[[\d.]+\] (\(\d of 3\) )?", out, re.M)
    check(len(marks) == 10 and [int(r) for r, p in marks if p] == list(range(first_partial, 11)),
          marks)
    # a page inside the partial matches
    rc, h, out = head("-n", "2", "--offset", str(full + 1), "maritime security cooperation")
    check(re.fullmatch(rf"{full} paragraphs match all words: maritime security cooperation" + T +
                       rf"; showing {full + 2}-{full + 3} \(hits {full + 2}-{full + 3} match only "
                       r"some words\)", h), h)
    # one partial match
    rc, h, out = head("-n", str(full + 1), "maritime security cooperation")
    check(re.fullmatch(rf"{full} paragraphs match all words: maritime security cooperation" + T +
                       rf"; showing 1-{full + 1} \(hit {full + 1} matches only some words\)", h), h)
    # only full matches on the page
    rc, h, out = head("-n", "2", "maritime security cooperation")
    check(re.fullmatch(rf"{full} paragraphs match all words: maritime security cooperation" + T +
                       r"; showing 1-2", h), h)
    # no full match
    rc, h, out = head("-n", "3", "Mekong terrorism")
    check(rc == 0 and re.fullmatch(r"No paragraph matches all words: Mekong terrorism" + T +
                                   r"; showing 1-3 \(hits 1-3 match only some words\)", h), h)
    rc, h, out = head("--no-partial", "Mekong terrorism")
    check(rc == 1 and re.fullmatch(r"No paragraph matches all words: Mekong terrorism" + T,
                                   h), h)
    # nothing listed: -n 0 and --offset past the end, in every format
    japan = int(run("--count", "japan", index=index)[1])
    for args in (["-n", "0", "japan"], ["--offset", "1000", "japan"],
                 ["--group", "-n", "0", "japan"], ["--group", "--offset", "100", "japan"]):
        rc, h, out = head(*args)
        check(rc == 1 and h.endswith("; showing none"), f"{args}: {rc} {h!r}")
        rc, out, err = run("--json", *args, index=index)
        o = rows(out)
        check(rc == 1 and len(o) == 1 and o[0]["listed"] == 0 and o[0]["total"] == japan,
              f"--json {args}: {rc} {out[:200]}")
        rc, out, err = run("--html", *args, index=index)
        check(rc == 1 and "; showing none</p>" in out and "ajsearch-hit" not in out,
              f"--html {args}: {rc} {out[:300]}")
    rc, out, err = run("--stdin", "-n", "0", index=index, stdin=b"japan\nsecurity\n")
    check(rc == 1, f"--stdin -n 0: {rc}")
    # --count: as grep -c, 0 when the count is not 0
    check(run("--count", "japan", index=index)[0] == 0, "--count japan")
    check(run("--count", "--offset", "1000", "japan", index=index)[0] == 0, "--count --offset")
    check(run("--count", "zzzznotaword", index=index)[0] == 1, "--count zzzznotaword")
    # grouped: documents
    rc, h, out = head("--group", "-n", "2", "maritime law")
    check(re.fullmatch(r"3 paragraphs match all words in 3 documents: maritime law" + T +
                       "; showing documents 1-2", h), h)
    # HTML's summary states the same facts
    rc, out, err = run("--html", "-n", "10", "maritime security cooperation", index=index)
    check(re.search(rf'<p class="ajsearch-summary">{full} paragraphs match all words: '
                    rf'<q>maritime security cooperation</q>; showing 1-10 \(hits {full + 1}-10 match '
                    r'only some words\)</p>', out), out[:500])



if __name__ == "__main__":
    main("e2e_correct", globals())
