#!/usr/bin/env python3
"""End-to-end tests of what leaves ajsearch for other tools (README
"Whole paragraphs", "CSV", "Citation lists"): `show` by citation, search
--csv and search --cite-list.

Usage: e2e_export.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary).  Each scenario builds what it needs in a temporary
directory.  Scenarios:

  show_citation  every paragraph of the seed corpus, named by DOCUMENT#PLACE
                 and by its whole citation (as dump, search --json and
                 --csv give them), in the short forms (#28, #¶ iv, #(2),
                 #paragraph N) and with the lenient spellings (case,
                 straight quotes, >, no "under "), is shown exactly as
                 `show ID` shows it, text and --json, with --context
  show_errors    an unknown document names the closest paths, an unknown
                 citation the closest heads, a number out of range the
                 document's numbers, a repeated label its paragraphs, an
                 unknown place the closest places: exit 2, nothing on
                 standard output; words that are no id keep their usage
                 error
  show_hostile   paths holding '#', ',' and '"', a path that is another's
                 plus '#...', documents of the same title and date (whose
                 citations name their paths): every paragraph resolves
  csv_fields     --csv parsed back with Python's csv module equals --json
                 hit by hit and field by field, on the seed corpus and on a
                 corpus of hostile names, titles and texts (quotes, commas,
                 newlines, control and invisible characters, invalid
                 UTF-8); CRLF after every record and nowhere else outside
                 quotes; -n, --offset and --group
  cite_list      --cite-list rendered by a CommonMark renderer (cmark, else
                 pandoc): one list item per hit, numbered from --offset,
                 each reading exactly as the hit's citation and holding its
                 text as a block quote; Markdown characters in titles and
                 texts (* _ # > at a line start, backticks, HTML tags, $ ~
                 & \\) render as written; --group nests the hits
  stdin          --stdin with --csv (one table, one header, query and
                 query_text) and --cite-list (a heading per query, "No
                 paragraph listed.", "Error: ..."), the notes on standard
                 error and the exit statuses
  exclusive      --csv, --cite-list, --json and --html exclude each other,
                 --count and --explain go with neither of the first two;
                 all usage errors (exit 2)
"""
import csv
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, Fail, build, check, main, run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLUMNS = ["rank", "score", "cite", "doc", "title", "date", "label", "id", "matched", "clauses",
           "text"]
PILCROW = "\u00b6"


# ------------------------------------------------------------ helpers

def dump(index):
    rc, out, err = run("dump", "--json", index=index)
    check(rc == 0, f"dump: {rc} {err}")
    return [json.loads(line) for line in out.splitlines()]


def jsonl(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def run_bytes(*args, index=None, stdin=None):
    """Like run, with standard output as bytes."""
    args = list(args)
    if index:
        args[0:0] = ["--index", index]
    env = dict(os.environ)
    env.pop("AJSEARCH_INDEX", None)
    env["NO_COLOR"] = "1"
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def show(index, arg, *opts):
    return run("show", *opts, "--", arg, index=index)


def shown_id(index, arg, what):
    """The id `show ARG --json --context 0` marks as its target."""
    rc, out, err = show(index, arg, "--json", "--context", "0")
    check(rc == 0, f"{what}: show {arg!r}: status {rc}: {err.strip()}")
    rows = jsonl(out)
    targets = [r["id"] for r in rows if r["target"]]
    check(len(rows) == 1 and len(targets) == 1, f"{what}: show {arg!r}: {out[:300]}")
    return targets[0]


def show_error(index, arg, words, what):
    """show ARG fails: status 2, nothing on stdout, a message holding each
    of words.  Returns the message."""
    rc, out, err = show(index, arg)
    check(rc == 2 and out == "", f"{what}: show {arg!r}: status {rc}, stdout {out[:200]!r}")
    for w in words:
        check(w in err, f"{what}: show {arg!r}: {w!r} not in {err!r}")
    return err


def closest_named(err):
    """The names after "the closest:" in a show error, in order."""
    m = re.search(r"the closest: (.*)$", err.strip(), re.S)
    check(m, f"no closest names in {err!r}")
    return re.findall("\u00ab(.*?)\u00bb", m.group(1))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# Text that the cleaner keeps with the characters Markdown reads as markup,
# at the start of a paragraph and inside it; every paragraph holds
# "wombat", so one query lists them all.
HOSTILE_TEXTS = [
    "#hashtag wombat at the start",
    "-- double dash wombat",
    "1986. A year of wombats",
    "*emphasis* wombat and _under_ wombat",
    "Costs $5 and $10 wombat ~~strike~~ ~tilde~",
    "back\\slash wombat \\* escaped [x](y) `tick`",
    "| table | wombat |",
    "=== wombat",
    "A & B wombat &copy; &#38; <U+202E> literal",
    "He said \"wombats, yes\", and left; 'single' wombat",
]


def hostile_corpus(tmp):
    """A corpus of hostile file names, titles and texts; returns its
    index."""
    c = os.path.join(tmp, "hostile")
    write(os.path.join(c, "texts.txt"), "\n\n".join(HOSTILE_TEXTS) + "\n")
    write(os.path.join(c, "a.txt"), "First wombat of a.\n\nSecond wombat of a.\n")
    write(os.path.join(c, "a.txt#b.txt"), "A wombat in a file whose name holds a hash.\n")
    write(os.path.join(c, "dir#1", "x#2.txt"), "Another hash wombat.\n\nAnd its second wombat.\n")
    write(os.path.join(c, 'quotes, "commas".txt'), 'He said "wombats, yes", and left\n')
    write(os.path.join(c.encode(), b"new\nline\x1b.txt"), "A wombat in a file with a newline in its name.\n")
    write(os.path.join(c, "same1.txt"), "1. Same title wombat one.\n\n2. Same title wombat two.\n")
    write(os.path.join(c, "same2.txt"), "1. Same title wombat three.\n")
    # two headings whose places differ only in case
    write(os.path.join(c, "case.md"), "# Case wombats\n\n## Trusted Partners\n\nA wombat here.\n\n"
          "## TRUSTED PARTNERS\n\nAnother wombat there.\n")
    write(os.path.join(c, "ctrl.txt"),
          b"Control wombat \xc2\x85 next line \xe2\x80\xae bidi \xe2\x80\x8b zero width, bad \xff byte\n")
    write(os.path.join(c, "metadata.tsv"), "\n".join([
        "texts.txt\t2024-01-01\tsrc\t> Quoted *title* _under_ `code` <b>html</b> &amp; $5 ~x~ \\back [l](x) #hash",
        "a.txt\t2024-01-02\tsrc\t# Hash title",
        "a.txt#b.txt\t2024-01-03\tsrc\t1. Numbered title",
        "dir#1/x#2.txt\t2024-01-04\tsrc\t+ Plus title, with a comma",
        "same1.txt\t2024-02-02\tsrc\tSame \"title\", same date",
        "same2.txt\t2024-02-02\tsrc\tSame \"title\", same date",
        'quotes, "commas".txt\t\t\t- dash title "quoted"',
    ]) + "\n")
    index = os.path.join(tmp, "hindex")
    rc, out, err = run("index", "--corpus", c, index=index)
    check(rc == 0, f"hostile index: {rc} {err}")
    return index


# ------------------------------------------------------------ show

def forms_of_place(place):
    """Spellings of a place that show must read as it: upper case, straight
    quotes, > for ›, no "under ", doubled spaces, no space after ¶."""
    out = {place.upper(), place.replace("\u201c", '"').replace("\u201d", '"'),
           place.replace("\u203a", ">"), "  ".join(place.split(" ")),
           place.replace(PILCROW + " ", PILCROW)}
    if place.startswith("under "):
        out.add(place[len("under "):])
    return out - {place}


def expected_short(rows, token):
    """What #token names in the document of rows (dump rows), by README's
    rule: the paragraph labelled so, else the heading numbered so, else
    (a number, in a document that numbers none of its paragraphs) its
    paragraph of that number.  A list of ids (several: ambiguous; none:
    an error)."""
    t = token.lower()
    body = [r for r in rows if r["kind"] not in ("heading",) and not r["kind"].startswith("chrome")]
    got = [r["id"] for r in body if (r["label"] or "").lower() == t]
    if got:
        return got
    got = [r["id"] for r in rows if r["kind"] == "heading" and (r["label"] or "").lower() == t]
    if got:
        return got
    numbered = any((r["label"] or "").isdigit() for r in body)
    if t.isdigit() and not numbered:
        return [r["id"] for r in rows if r["para"] == int(t)]
    return []


def s_show_citation(tmp):
    index = build(tmp)
    rows = dump(index)
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r["doc"], []).append(r)
    checked = 0
    for r in rows:
        ref = r["doc"] + "#" + r["cite"]
        check(shown_id(index, ref, "DOCUMENT#PLACE") == r["id"], f"{ref!r} is not id {r['id']}")
        # the whole citation, as show --json gives it
        rc, out, _ = run("show", str(r["id"]), "--json", "--context", "0", index=index)
        cite = jsonl(out)[0]["cite"]
        check(cite.endswith(" \u00b7 " + r["cite"]), f"{cite!r} does not end in the place {r['cite']!r}")
        check(shown_id(index, cite, "citation") == r["id"], f"{cite!r} is not id {r['id']}")
        for form in forms_of_place(r["cite"]):
            check(shown_id(index, r["doc"] + "#" + form, "spelling") == r["id"],
                  f"{r['doc']}#{form!r} is not id {r['id']}")
        check(shown_id(index, cite.upper(), "citation in capitals") == r["id"], cite)
        # the same output as by id, text and JSON, with neighbours
        for opts in ([], ["--context", "2"], ["--json"], ["--json", "--context", "0"]):
            by_id = run("show", *opts, str(r["id"]), index=index)
            for arg in (ref, cite):
                got = show(index, arg, *opts)
                check(got == by_id, f"show {arg!r} {opts} differs from show {r['id']}:\n{got[1][:400]}\n"
                      f"---\n{by_id[1][:400]}")
        # numbers: #paragraph N always, the "para" of --json
        if r["para"]:
            check(shown_id(index, f"{r['doc']}#paragraph {r['para']}", "#paragraph N") == r["id"],
                  f"{r['doc']}#paragraph {r['para']}")
        checked += 1
    # short forms, as README's rule predicts them
    short = 0
    for doc, drows in by_doc.items():
        tokens = {(r["label"] or "") for r in drows} | {str(r["para"]) for r in drows if r["para"]}
        tokens.discard("")
        for tok in sorted(tokens):
            want = expected_short(drows, tok)
            forms = [tok, PILCROW + tok, PILCROW + " " + tok] if not tok.isdigit() or any(
                r["label"] == tok for r in drows) else [tok]
            forms += ["(" + tok + ")"] if any(r["label"] == tok for r in drows) else []
            for f in forms:
                arg = doc + "#" + f
                if len(want) == 1:
                    check(shown_id(index, arg, "short form") == want[0], f"{arg!r}: wanted {want[0]}")
                    short += 1
                elif len(want) > 1:
                    err = show_error(index, arg, ["names %d paragraphs" % len(want)], "repeated label")
                    for i in want:
                        check(f"(id {i})" in err, f"{arg!r}: id {i} not listed: {err}")
                    short += 1
    check(short > 100, f"only {short} short forms checked")
    # the example: the paragraph cited "¶ 28"
    doc = "2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt"
    want = [r for r in by_doc[doc] if r["cite"] == PILCROW + " 28"]
    check(len(want) == 1 and shown_id(index, doc + "#28", "issue") == want[0]["id"], "#28")
    rc, out, _ = show(index, doc + "#28", "--context", "0")
    lines = out.splitlines()
    check(lines[0].endswith(" \u00b7 \u00b6 28") and lines[1].startswith("section: ") and
          lines[2] == f"{doc}, id {want[0]['id']}", f"show {doc}#28: {lines[:3]}")
    # every hit of a search: its citation from --json and from --csv
    for q in ("maritime security", "supply chain resilience", "cooperation", "Korea"):
        rc, out, _ = run("--json", "-n", "30", "--", q, index=index)
        hits = jsonl(out)
        check(hits, q)
        rc, out, _ = run("--csv", "-n", "30", "--", q, index=index)
        rows_csv = list(csv.DictReader(io.StringIO(out, newline="")))
        check([int(x["id"]) for x in rows_csv] == [h["id"] for h in hits], f"{q}: csv ids")
        for h, c in zip(hits, rows_csv):
            check(shown_id(index, h["cite"], "hit citation") == h["id"], h["cite"])
            check(shown_id(index, c["cite"], "csv citation") == h["id"], c["cite"])
    # the section line: the enclosing headings, outermost first
    for r in rows[::7]:
        rc, out, _ = run("show", str(r["id"]), "--context", "0", index=index)
        lines = out.splitlines()
        if r["section"]:
            check(lines[1] == "section: " + " \u203a ".join(r["section"]), f"{r['id']}: {lines[1]!r}")
        else:
            check(not lines[1].startswith("section:"), f"{r['id']}: {lines[1]!r}")
    print(f"  {checked} paragraphs, {short} short forms")


def s_show_errors(tmp):
    index = build(tmp)
    rows = dump(index)
    docs = sorted({r["doc"] for r in rows})
    chair = "2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt"
    vision = "2023-12-17-joint-vision-statement-trusted-partners.txt"
    summit = "2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt"
    last = {d: max(r["para"] or 0 for r in rows if r["doc"] == d) for d in docs}
    # unknown documents: the closest paths, at most 3, the likely one first
    for typed, first in (("chairmans-statement.txt", chair), ("overview.txt", docs[3]),
                         ("2020-11-12-chairmans-statement-23rd-asean-japan-summit", chair),
                         ("2025-10-26-28th-asean-japan-summit-kuala-lumpur.TXT", summit)):
        check("overview" in docs[3], docs)
        err = show_error(index, typed + "#28", [f"no document \u00ab{typed}\u00bb"], "unknown document")
        names = closest_named(err)
        check(1 <= len(names) <= 3 and names[0] == first and set(names) <= set(docs),
              f"{typed}: closest {names}")
    # an unknown citation head: the closest heads
    err = show_error(index, "The 28th ASEAN Summit \u00b7 2025-10-26 \u00b7 \u00b6 iv",
                     ["no document's citations begin"], "unknown citation")
    names = closest_named(err)
    check(len(names) == 3 and names[0] == "The 28th ASEAN-Japan Summit (Kuala Lumpur) \u00b7 2025-10-26",
          f"closest heads {names}")
    # numbers out of range: the document's range
    show_error(index, f"{chair}#paragraph {last[chair] + 1}",
               [f"no paragraph {last[chair] + 1} in {chair}", f"numbered 1 to {last[chair]}"], "range")
    show_error(index, f"{chair}#30",
               [f"no paragraph \u00b6 30 in {chair}", "go from \u00b6 1 to \u00b6 29",
                f"1 to {last[chair]}"], "labels")
    show_error(index, f"{vision}#{last[vision] + 1}", [f"numbered 1 to {last[vision]}"], "range")
    show_error(index, f"{vision}#0", ["numbered 1 to"], "zero")
    show_error(index, f"{vision}#paragraph 0", ["numbered 1 to"], "paragraph 0")
    show_error(index, f"{chair}#\u00b6 99", ["no paragraph \u00b6 99", "\u00b6 1 to \u00b6 29"], "label")
    # a label used in several sections
    iv = [r["id"] for r in rows if r["doc"] == summit and r["label"] == "iv" and r["kind"] == "item"]
    check(len(iv) == 2, f"iv: {iv}")
    err = show_error(index, f"{summit}#iv", ["\u00abiv\u00bb names 2 paragraphs"], "repeated")
    check(all(f"(id {i})" in err for i in iv), err)
    # nothing after '#'; a place no paragraph has: the closest places
    show_error(index, f"{chair}#", ["no place after the document"], "empty place")
    err = show_error(index, f"{vision}#Partners for Co-creation, \u00b6 iv", ["is cited"], "place")
    names = closest_named(err)
    check(names and names[0] == "under \u201cPartners for Co-creation of Economy and Society of the "
          "Future\u201d, \u00b6 iv", f"closest places {names}")
    err = show_error(index, f"{summit}#Closing Remarks \u00b6 iv", ["is cited"], "place")
    check(closest_named(err)[0] == "under 3. \u201cClosing Remarks\u201d, \u00b6 iv", err)
    # words that are no id and no citation: the usage error, as before
    for bad in ("abc", "-1", "1e3", "", "maritime security"):
        rc, out, err = show(index, bad)
        lines = err.splitlines()
        check(rc == 2 and not out and len(lines) == 2 and "a whole number (got " in lines[0] and
              lines[1].startswith("usage: ajsearch show"), f"show {bad!r}: {rc} {err!r}")
    # an id still says which ids exist
    show_error(index, str(len(rows)), [f"the ids of this index go from 0 to {len(rows) - 1}"], "id")


def s_show_hostile(tmp):
    index = hostile_corpus(tmp)
    rows = dump(index)
    docs = {r["doc"] for r in rows}
    check({"a.txt", "a.txt#b.txt", "dir#1/x#2.txt", 'quotes, "commas".txt'} <= docs, sorted(docs))
    for r in rows:
        ref = r["doc"] + "#" + r["cite"]
        check(shown_id(index, ref, "hostile DOCUMENT#PLACE") == r["id"], f"{ref!r} != {r['id']}")
        rc, out, _ = run("show", str(r["id"]), "--json", "--context", "0", index=index)
        cite = jsonl(out)[0]["cite"]
        check(shown_id(index, cite, "hostile citation") == r["id"], f"{cite!r} != {r['id']}")
    # the longest path followed by '#': a.txt#b.txt is not a.txt's place
    ab = [r for r in rows if r["doc"] == "a.txt#b.txt"]
    check(shown_id(index, "a.txt#b.txt#paragraph 1", "prefix path") == ab[0]["id"], "a.txt#b.txt")
    a = [r for r in rows if r["doc"] == "a.txt"]
    check(shown_id(index, "a.txt#paragraph 2", "prefix path") == a[1]["id"], "a.txt#paragraph 2")
    # the same title and date: citations name the path, and show tells them apart
    same = [r for r in rows if r["doc"] in ("same1.txt", "same2.txt")]
    for r in same:
        rc, out, _ = run("show", str(r["id"]), "--json", "--context", "0", index=index)
        cite = jsonl(out)[0]["cite"]
        check(r["doc"] in cite, f"{cite!r} names no path")
        check(shown_id(index, cite, "same title") == r["id"], cite)
    # a short form in a document whose citations name its path
    check(shown_id(index, "same2.txt#1", "same title, #1") == same[-1]["id"], "same2.txt#1")
    # places equal but for case: each as written is its own, either in
    # lower case names both
    case = [r for r in rows if r["doc"] == "case.md"]
    heads = [r for r in case if r["kind"] == "heading" and r["cite"].lower() == "heading \u201ctrusted partners\u201d"]
    check(len(heads) == 2 and heads[0]["cite"] != heads[1]["cite"], f"case.md: {[r['cite'] for r in case]}")
    err = show_error(index, "case.md#heading trusted partners", ["names 2 paragraphs"], "case")
    check(all(f"(id {r['id']})" in err for r in heads), err)
    err = show_error(index, "case.md#trusted partners, paragraph 1", ["names 2 paragraphs"], "case")


# ------------------------------------------------------------ --csv

BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def csv_value(v):
    """A --json string as --csv writes it: control characters other than
    tab, LF and CR as U+FFFD (JSON already gives invalid UTF-8 so)."""
    return "" if v is None else BAD.sub("\ufffd", v)


def records(raw):
    """Checks that every record of raw CSV bytes ends in CRLF and that a
    line break outside quotes is never bare; returns the decoded text."""
    text = raw.decode("utf-8")  # strict: the output is UTF-8
    check("\x1b" not in text, "an ESC reached the CSV")
    inq = False
    ends = 0
    for i, ch in enumerate(text):
        if ch == '"':
            inq = not inq
        elif not inq and ch == "\n":
            check(i > 0 and text[i - 1] == "\r", f"a bare LF ends a record at {i}: {text[max(0, i - 60):i]!r}")
            ends += 1
        elif not inq and ch == "\r":
            check(text[i + 1:i + 2] == "\n", f"a bare CR at {i}")
    check(not inq and text.endswith("\r\n"), "the CSV does not end in CRLF")
    return text, ends


def compare_csv(text, hits, what, prefix=()):
    """text (CSV) against hits (--json objects), field by field; prefix:
    the leading columns and a function giving their values for a hit."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    head = [p[0] for p in prefix] + COLUMNS
    check(rows and rows[0] == head, f"{what}: header {rows[:1]} != {head}")
    rows = rows[1:]
    check(len(rows) == len(hits), f"{what}: {len(rows)} rows for {len(hits)} hits")
    for row, h in zip(rows, hits):
        check(len(row) == len(head), f"{what}: a row of {len(row)} fields: {row}")
        got = dict(zip(head, row))
        for name, value in prefix:
            check(got[name] == str(value(h)), f"{what}: {name} {got[name]!r} != {value(h)!r}")
        check(got["rank"] == str(h["rank"]) and got["score"] == "%.6f" % h["score"] and
              got["id"] == str(h["id"]), f"{what}: rank, score, id {got} vs {h}")
        for k in ("cite", "doc", "title", "date", "label", "text"):
            check(got[k] == csv_value(h[k]), f"{what}: hit {h['id']} {k}: {got[k]!r} != {h[k]!r}")
        if h.get("partial"):
            check((got["matched"], got["clauses"]) == (str(h["matched"]), str(h["clauses"])),
                  f"{what}: partial {got}")
        else:
            check(got["matched"] == got["clauses"] and int(got["clauses"]) >= 1, f"{what}: {got}")
    return rows


def s_csv_fields(tmp):
    seed = build(tmp)
    hostile = hostile_corpus(tmp)
    cases = [(seed, ["-n", "40", "maritime security"]), (seed, ["-n", "25", "supply chain resilience"]),
             (seed, ["-n", "5", "--offset", "7", "cooperation"]), (seed, ["--rank=bm25", "Korea"]),
             (seed, ["-n", "30", "--chrome", "Japan"]), (hostile, ["-n", "100", "wombat OR wombats"]),
             (hostile, ["-n", "100", "--chrome", "wombat"])]
    partial = 0
    for index, args in cases:
        rc, raw, err = run_bytes("--csv", *args, index=index)
        rcj, out, _ = run("--json", *args, index=index)
        hits = [h for h in jsonl(out) if "rank" in h]
        check(rc == rcj == 0 and hits, f"{args}: {rc} {rcj} {err}")
        text, ends = records(raw)
        check(ends == len(hits) + 1, f"{args}: {ends} records for {len(hits)} hits")
        compare_csv(text, hits, f"{args}")
        partial += sum(1 for h in hits if h.get("partial"))
    check(partial > 0, "no partial match was compared")
    # the hostile fields did reach the table
    rc, raw, _ = run_bytes("--csv", "-n", "100", "wombat", index=hostile)
    text, _ = records(raw)
    fields = [f for row in csv.reader(io.StringIO(text, newline="")) for f in row]
    for needle in ("new\nline\ufffd.txt", 'quotes, "commas".txt', "\u202e", "\ufffd next line",
                   '"wombats, yes",', "> Quoted *title*", "a.txt#b.txt"):
        check(any(needle in f for f in fields), f"no field holds {needle!r}")
    check('"new\nline' in text and '""commas"".txt' in text, "quoting of newlines and quotes")
    # --group: a "group" column first, the hits of each document
    for index, q in ((seed, "maritime law"), (seed, "cooperation"), (hostile, "wombat")):
        rc, raw, _ = run_bytes("--csv", "--group", "-n", "4", q, index=index)
        _, out, _ = run("--json", "--group", "-n", "4", q, index=index)
        hits = []
        for g in jsonl(out):
            for h in g["hits"]:
                hits.append(dict(h, group=g["group"]))
        text, _ = records(raw)
        compare_csv(text, hits, f"--group {q}", prefix=(("group", lambda h: h["group"]),))
        check(len({h["group"] for h in hits}) > 1, f"--group {q}: one document")
    # nothing listed: the header alone, status 1
    rc, raw, err = run_bytes("--csv", "zzqxnotaword", index=seed)
    check(rc == 1 and raw == (",".join(COLUMNS) + "\r\n").encode(), f"no hits: {rc} {raw!r}")
    check("no paragraph contains \u00abzzqxnotaword\u00bb" in err, err)
    rc, raw, _ = run_bytes("--csv", "-n", "0", "japan", index=seed)
    check(rc == 1 and raw.count(b"\r\n") == 1, f"-n 0: {rc} {raw!r}")
    # a correction is said on standard error
    rc, raw, err = run_bytes("--csv", "-n", "1", "maritine security", index=seed)
    check(rc == 0 and "listed \u00abmaritime security\u00bb in place of \u00abmaritine security\u00bb" in err,
          f"correction: {err!r}")


# ------------------------------------------------------------ --cite-list

def renderer():
    """A CommonMark renderer: cmark, else pandoc; installs cmark through
    tools/deps.sh when there is neither."""
    for tool in (["cmark"], ["pandoc", "-f", "commonmark", "-t", "html"]):
        if shutil.which(tool[0]):
            return tool
    p = subprocess.run(["sh", os.path.join(ROOT, "tools", "deps.sh"), "cmark"], capture_output=True)
    check(p.returncode == 0 and shutil.which("cmark"),
          "no CommonMark renderer (cmark or pandoc) and tools/deps.sh cmark failed: "
          + p.stderr.decode("utf-8", "replace")[:300])
    return ["cmark"]


class Node:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.kids = tag, dict(attrs), []

    def text(self):
        return "".join(k if isinstance(k, str) else k.text() for k in self.kids)

    def elements(self, tag=None):
        return [k for k in self.kids if isinstance(k, Node) and (tag is None or k.tag == tag)]

    def walk(self):
        for k in self.kids:
            if isinstance(k, Node):
                yield k
                yield from k.walk()


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs)
        self.stack[-1].kids.append(n)
        self.stack.append(n)

    def handle_endtag(self, tag):
        check(self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>")
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].kids.append(data)

    def handle_comment(self, data):
        raise Fail(f"the renderer left a comment (raw HTML passed through?): {data}")


def render(md):
    p = subprocess.run(renderer(), input=md.encode("utf-8"), capture_output=True, timeout=60)
    check(p.returncode == 0, f"renderer: {p.stderr[:300]}")
    t = Tree()
    t.feed(p.stdout.decode("utf-8"))
    t.close()
    allowed = {"ol", "li", "p", "blockquote", "h2"}
    tags = {n.tag for n in t.root.walk()}
    check(tags <= allowed, f"markup in the rendering: {sorted(tags - allowed)}")
    return t.root


def terminal(s):
    """A string as the terminal shows it (out_safe): tab a space, control
    characters U+FFFD, invisible ones <U+XXXX>."""
    out = []
    for ch in s:
        cp = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif cp < 0x20 or cp == 0x7F or 0x80 <= cp < 0xA0:
            out.append("\ufffd")
        elif cp >= 0xA0 and unicodedata.category(ch) in ("Cf", "Zl", "Zp"):
            out.append("<U+%04X>" % cp)
        else:
            out.append(ch)
    return "".join(out).strip(" ")


def item_parts(li, what):
    """The text of an item's first paragraph and of its block quote."""
    ps, qs = li.elements("p"), li.elements("blockquote")
    check(len(ps) == 1 and len(qs) == 1 and len(qs[0].elements("p")) == 1,
          f"{what}: an item is not a paragraph and a block quote: {[k.tag for k in li.elements()]}")
    return ps[0].text(), qs[0].elements("p")[0].text()


def check_list(md, hits, first, what):
    """md renders as one ordered list of hits, numbered from first, each
    item reading as the hit's citation and quoting its text."""
    root = render(md)
    ols = root.elements("ol")
    check(len(ols) == 1 and not root.elements("p") and not root.elements("h2"),
          f"{what}: not one list: {[k.tag for k in root.elements()]}")
    check(int(ols[0].attrs.get("start", "1")) == first, f"{what}: starts at {ols[0].attrs}")
    items = ols[0].elements("li")
    check(len(items) == len(hits), f"{what}: {len(items)} items for {len(hits)} hits")
    for li, h in zip(items, hits):
        cite, text = item_parts(li, what)
        check(cite == terminal(h["cite"]), f"{what}: item reads {cite!r}, the citation is {h['cite']!r}")
        check(text == terminal(h["text"]), f"{what}: quote reads {text!r}, the text is {h['text']!r}")


def s_cite_list(tmp):
    seed = build(tmp)
    hostile = hostile_corpus(tmp)
    for index, args in ((seed, ["-n", "10", "maritime security"]), (seed, ["-n", "30", "cooperation"]),
                        (seed, ["-n", "4", "--offset", "10", "Japan"]),
                        (seed, ["-n", "12", "--offset", "95", "Japan"]),
                        (hostile, ["-n", "100", "wombat OR wombats"]),
                        (hostile, ["-n", "100", "--chrome", "wombat"])):
        rc, md, err = run("--cite-list", *args, index=index)
        _, out, _ = run("--json", *args, index=index)
        hits = [h for h in jsonl(out) if "rank" in h]
        check(rc == 0 and hits, f"{args}: {rc} {err}")
        offset = int(args[args.index("--offset") + 1]) if "--offset" in args else 0
        check_list(md, hits, offset + 1, str(args))
        # the raw layout: "N. citation", blank, "   > text", blank
        lines = md.split("\n")
        for k, h in enumerate(hits):
            n = f"{offset + k + 1}. "
            at = lines.index(next(l for l in lines if l.startswith(n)))
            check(lines[at + 1] == "" and lines[at + 2].startswith(" " * len(n) + "> ") and
                  lines[at + 3] == "", f"{args}: layout of item {n}: {lines[at:at + 4]}")
    # what the hostile corpus holds was escaped, not interpreted
    rc, md, _ = run("--cite-list", "-n", "100", "wombat", index=hostile)
    for raw in ("> \\#hashtag", "> 1986\\. A year", "> \\-- double dash", "\\*emphasis\\* wombat and \\_under\\_",
                "\\$5", "\\~\\~strike\\~\\~", "back\\\\slash", "\\&copy;", "\\<U+202E> literal", "\\<U+202E> bidi",
                ". \\> Quoted \\*title\\* \\_under\\_ \\`code\\` \\<b>html\\</b> \\&amp; \\$5 \\~x\\~ \\\\back \\[l\\](x) \\#hash",
                ". \\# Hash title", ". 1\\. Numbered title", ". \\+ Plus title", ". \\- dash title"):
        check(raw in md, f"{raw!r} not in the list:\n{md[:3000]}")
    # --group: documents, each with the list of its hits cited by place
    for index, q in ((seed, "maritime law"), (seed, "cooperation"), (hostile, "wombat")):
        places = {r["id"]: r["cite"] for r in dump(index)}  # each hit's place
        rc, md, _ = run("--cite-list", "--group", "-n", "3", "--offset", "1", q, index=index)
        _, out, _ = run("--json", "--group", "-n", "3", "--offset", "1", q, index=index)
        groups = jsonl(out)
        root = render(md)
        ol = root.elements("ol")
        check(len(ol) == 1 and ol[0].attrs.get("start") == "2", f"--group {q}: {ol and ol[0].attrs}")
        items = ol[0].elements("li")
        check(len(items) == len(groups) > 0, f"--group {q}: {len(items)} items, {len(groups)} groups")
        for li, g in zip(items, groups):
            ps, inner = li.elements("p"), li.elements("ol")
            n = g["matching_paragraphs"]
            head = g["hits"][0]["cite"][:-len(" \u00b7 ") - len(places[g["hits"][0]["id"]])]
            check(len(ps) == 1 and ps[0].text() == terminal(head) + " \u00b7 %d matching paragraph%s"
                  % (n, "" if n == 1 else "s"), f"--group {q}: {ps and ps[0].text()!r} / {head!r}")
            check(len(inner) == 1 and len(inner[0].elements("li")) == len(g["hits"]), f"--group {q}")
            for sub, h in zip(inner[0].elements("li"), g["hits"]):
                place, text = item_parts(sub, f"--group {q}")
                check(place == terminal(places[h["id"]]) and text == terminal(h["text"]),
                      f"--group {q}: {place!r} {text[:60]!r}")


# ------------------------------------------------------------ --stdin

def s_stdin(tmp):
    index = build(tmp)
    queries = ["maritime security", "zzqxnotaword", "(maritime", "maritine law", "patrol vessels"]
    stdin = ("\n".join(queries) + "\n").encode()
    rc, raw, err = run_bytes("--stdin", "--csv", "-n", "3", index=index, stdin=stdin)
    check(rc == 2, f"--stdin --csv: status {rc} (a bad line makes it 2)")
    _, out, _ = run("--stdin", "--json", "-n", "3", index=index, stdin=stdin)
    hits = [h for h in jsonl(out) if "rank" in h]
    text, _ = records(raw)
    check(text.count("rank,score") == 1, "one header row for the batch")
    compare_csv(text, hits, "--stdin --csv",
                prefix=(("query", lambda h: h["query"]),
                        ("query_text", lambda h: queries[h["query"] - 1])))
    check({h["query"] for h in hits} == {1, 4, 5}, {h["query"] for h in hits})
    for words in ("line 2: no paragraph contains \u00abzzqxnotaword\u00bb", "line 3: query syntax error",
                  "line 4: listed \u00abmaritime law\u00bb in place of \u00abmaritine law\u00bb"):
        check(words in err, f"--stdin --csv: {words!r} not in {err!r}")
    # --cite-list: a heading per query, then its list, or what happened
    rc, md, err = run("--stdin", "--cite-list", "-n", "3", index=index, stdin=stdin)
    check(rc == 2, f"--stdin --cite-list: status {rc}")
    check("line 4: listed \u00abmaritime law\u00bb" in err, err)
    root = render(md)
    blocks = root.elements()
    heads = [b for b in blocks if b.tag == "h2"]
    check([h.text() for h in heads] == queries, f"headings {[h.text() for h in heads]}")
    sections = {}
    cur = None
    for b in blocks:
        if b.tag == "h2":
            cur = b.text()
            sections[cur] = []
        else:
            sections[cur].append(b)
    check([b.tag for b in sections["zzqxnotaword"]] == ["p"] and
          sections["zzqxnotaword"][0].text() == "No paragraph listed.", "a query without hits")
    check([b.tag for b in sections["(maritime"]] == ["p"] and
          sections["(maritime"][0].text().startswith("Error: "), "a bad query")
    for k, q in enumerate(queries, 1):
        mine = [h for h in hits if h["query"] == k]
        if not mine:
            continue
        check([b.tag for b in sections[q]] == ["ol"], f"{q}: {[b.tag for b in sections[q]]}")
        items = sections[q][0].elements("li")
        check(len(items) == len(mine), f"{q}: {len(items)} items")
        for li, h in zip(items, mine):
            cite, text = item_parts(li, q)
            check(cite == terminal(h["cite"]) and text == terminal(h["text"]), f"{q}: {cite!r}")
    # every line listing something: status 0; nothing anywhere: 1
    for fmt in ("--csv", "--cite-list"):
        rc, _, _ = run("--stdin", fmt, index=index, stdin=b"japan\nkorea\n")
        check(rc == 0, f"{fmt}: status {rc}")
        rc, out, _ = run("--stdin", fmt, index=index, stdin=b"zzqxnotaword\n")
        check(rc == 1, f"{fmt} nothing: status {rc}")
    # a query written with Markdown in it is a heading that reads as typed
    q = "*rule* of `law` # 1."
    rc, md, _ = run("--stdin", "--cite-list", "-n", "1", index=index, stdin=(q + "\n").encode())
    heads = render(md).elements("h2")
    check(len(heads) == 1 and heads[0].text() == q, f"heading {heads and heads[0].text()!r}")


# ------------------------------------------------------------ exclusions

def s_exclusive(tmp):
    index = build(tmp)
    formats = ["--json", "--html", "--csv", "--cite-list"]
    for i, a in enumerate(formats):
        for b in formats[i + 1:]:
            rc, out, err = run(a, b, "japan", index=index)
            lines = err.splitlines()
            check(rc == 2 and not out and len(lines) == 2 and "exclude each other" in lines[0] and
                  a in lines[0] and b in lines[0] and lines[1].startswith("usage: ajsearch"),
                  f"{a} {b}: {rc} {err!r}")
    for fmt in ("--csv", "--cite-list"):
        for other, words in (("--count", "--count prints a number"), ("--explain", "--explain does not apply")):
            rc, out, err = run(fmt, other, "japan", index=index)
            check(rc == 2 and not out and words in err and fmt in err, f"{fmt} {other}: {rc} {err!r}")
        # a search option, so no other command takes it
        for cmd in (["show", "1"], ["dump"], ["stats"]):
            rc, out, err = run(*cmd, fmt, index=index)
            check(rc == 2 and f"{fmt} does not apply to {cmd[0]}" in err, f"{cmd} {fmt}: {err!r}")
    # --mark, --full and --color change nothing in them (as in --json)
    for fmt in ("--csv", "--cite-list"):
        plain = run(fmt, "-n", "5", "maritime security", index=index)
        for extra in (["--mark"], ["--full"], ["--color=always"]):
            check(run(fmt, *extra, "-n", "5", "maritime security", index=index) == plain, f"{fmt} {extra}")


if __name__ == "__main__":
    main("e2e_export", globals())
