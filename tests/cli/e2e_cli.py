#!/usr/bin/env python3
"""End-to-end tests of the command line's own rules (README "Using it",
"Commands", "Output", "Query language", "Reliability"): options as getopt
reads them, commands that reject what they do not take, typographic
quotation marks and lone dashes, the index found from a subdirectory,
invisible characters made visible, wrapping, --full and `show`; builds
stopped by signals, the leftovers `check` reports, metadata.tsv warnings.

Usage: e2e_cli.py SCENARIO   (from the repository root; $AJSEARCH_BIN names
the binary).  Each scenario builds what it needs in a temporary directory.
"""
import fcntl
import json
import os
import pty
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, Fail, build, check, current, gen_dir, main, run, search_json  # noqa: E402

TIMING = re.compile(r" \(\d+\.\d+ ms\)")
# Characters that must never reach a terminal raw: Unicode format
# characters (Cf) and the line and paragraph separators.
INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
                       "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
                       "\U000e0001\U000e0020-\U000e007f]")


def run_in(cwd, *args, env=None, stdin=None):
    """Runs the binary from directory cwd, without AJSEARCH_INDEX and
    AJSEARCH_CORPUS unless env sets them."""
    e = dict(os.environ)
    for k in ("AJSEARCH_INDEX", "AJSEARCH_CORPUS", "COLUMNS"):
        e.pop(k, None)
    e["NO_COLOR"] = "1"
    e.update(env or {})
    p = subprocess.run([BIN] + list(args), cwd=cwd, input=stdin, capture_output=True, env=e,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def ids(out):
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [r["id"] for r in rows if "rank" in r or "target" in r]


def usage_error(res, words, what):
    """res is a usage error: status 2, nothing on stdout, one line saying
    what is wrong (holding words) and one line of usage."""
    rc, out, err = res
    lines = err.splitlines()
    check(rc == 2 and not out, f"{what}: status {rc}, stdout {out[:200]!r}")
    check(len(lines) == 2 and words in lines[0] and lines[1].startswith("usage: ajsearch"),
          f"{what}: wanted '{words}' and a usage line, got {err!r}")


# ------------------------------------------------------------- options

def s_options(tmp):
    index = build(tmp)
    ref = run("--json", "-n", "10", "japan", index=index)
    check(ref[0] == 0 and len(ids(ref[1])) == 10, f"japan: {ref}")
    five = ids(ref[1])[:5]
    # every form of the limit, before or after the query
    for args in (["-n5", "japan"], ["-n", "5", "japan"], ["--limit=5", "japan"],
                 ["--limit", "5", "japan"], ["japan", "-n5"], ["japan", "--limit=5"],
                 ["japan", "-n", "5"]):
        rc, out, err = run("--json", *args, index=index)
        check(rc == 0 and ids(out) == five, f"{args}: {rc} {ids(out)} {err}")
    # a limit of 0 in every form: the same answer, no hit listed
    zero = [run("--json", *a, "japan", index=index) for a in
            (["-n0"], ["-n", "0"], ["--limit=0"], ["--limit", "0"])]
    check(all(z == zero[0] for z in zero) and ids(zero[0][1]) == [], f"limit 0: {zero}")
    # the last option wins, as in getopt
    rc, out, _ = run("--json", "-n", "2", "japan", "--limit=3", index=index)
    check(ids(out) == ids(ref[1])[:3], f"last limit: {ids(out)}")
    # values that are not whole numbers, and options without their value
    for args, words in ((["-n5x", "japan"], "-n needs a whole number"),
                        (["-n=5", "japan"], "-n needs a whole number"),
                        (["--limit=", "japan"], "--limit needs a whole number"),
                        (["--limit=-1", "japan"], "--limit needs a whole number"),
                        (["japan", "-n"], "-n needs a value"),
                        (["japan", "--limit"], "--limit needs a value"),
                        (["japan", "--offset"], "--offset needs a value"),
                        (["--json=1", "japan"], "--json takes no value"),
                        (["--bogus", "japan"], "unknown option '--bogus'"),
                        (["--lim=3", "japan"], "unknown option '--lim'"),
                        (["--rank=x", "japan"], "--rank must be full or bm25"),
                        (["--html", "--json", "japan"], "exclude each other")):
        usage_error(run(*args, index=index), words, str(args))
    # a word starting with '-' is a negated query word, -n followed by a
    # letter included; after "--" everything is a query word
    def count(*q):
        rc, out, err = run("--count", "--", *q, index=index)
        check(rc in (0, 1) and out.strip().isdigit(), f"{q}: {rc} {out} {err}")
        return int(out)
    n_japan = count("japan")
    check(count("japan", "-korea") == count("japan NOT korea") < n_japan, "-korea")
    check(count("japan", "-north") == count("japan NOT north") < n_japan, "-north")
    rc, out, _ = run("--count", "japan", "-north", index=index)
    check(int(out) == count("japan NOT north"), "-north before --")
    rc, out, _ = run("--json", "--", "-n5", "japan", index=index)
    check(rc == 0 and len(ids(out)) == 10, f"-- -n5 is a query word: {ids(out)}")
    rc, out, _ = run("--json", "--", "-korea", "japan", index=index)
    check(ids(out) == ids(run("--json", "japan NOT korea", index=index)[1]), "-- -korea japan")
    # -h is help only alone; -hanoi is a word
    rc, out, _ = run("japan", "-h", index=index)
    check(rc == 0 and out.startswith("usage: ajsearch [search]"), "-h after the query")
    rc, out, err = run("--count", "japan", "-hanoi", index=index)
    check(rc == 0 and int(out) == count("japan NOT hanoi"), f"-hanoi: {out} {err}")


def s_commands(tmp):
    index = build(tmp)
    # words a command does not take
    for args, words in ((["check", "points"], "check takes no arguments (got 'points')"),
                        (["stats", "on", "FDI"], "stats takes no arguments (got 'on')"),
                        (["dump", "sites"], "dump takes no arguments (got 'sites')"),
                        (["acronyms", "UN"], "acronyms takes no arguments"),
                        (["index", "corpus"], "index takes no arguments"),
                        (["show", "1", "2"], "show takes one argument (got '1' and '2')"),
                        (["show"], "show needs the id of a paragraph"),
                        (["stats", "--", "-x"], "stats takes no arguments (got '-x')"),
                        (["stats", "-x"], "unknown option '-x'"),
                        (["search"], "no query given")):
        usage_error(run(*args, index=index), words, str(args))
        check(args[0] == "search" or f"usage: ajsearch {args[0]}" in run(*args, index=index)[2],
              f"{args}: the usage line is the command's own")
    # options that do not apply to the command
    for args, words in ((["stats", "--limit", "3"], "--limit does not apply to stats"),
                        (["stats", "-n3"], "-n does not apply to stats"),
                        (["dump", "--count"], "--count does not apply to dump"),
                        (["check", "--json"], "--json does not apply to check"),
                        (["acronyms", "--offset=1"], "--offset does not apply to acronyms"),
                        (["show", "3", "--limit", "2"], "--limit does not apply to show"),
                        (["index", "--limit", "3"], "--limit does not apply to index"),
                        (["status", "--keep", "3"], "--keep does not apply to status"),
                        (["export", "x", "--json"], "--json does not apply to export"),
                        (["search", "--threads", "2", "japan"], "--threads does not apply to search"),
                        (["japan", "--context", "2"], "--context does not apply to search")):
        usage_error(run(*args, index=index), words, str(args))
    usage_error(run("analyze", "--index", index, "x"), "--index does not apply to analyze",
                "analyze --index")
    # and the commands still run with their own options
    for args in (["stats", "--json"], ["check"], ["acronyms", "--json"], ["dump", "--json"],
                 ["show", "0", "--context=0", "--json"]):
        rc, out, err = run(*args, index=index)
        check(rc == 0 and out and not err, f"{args}: {rc} {err}")
    rc, out, err = run("analyze", "-north", "--json", "--", "--x")
    check(rc == 0 and [t[0]["word"] for t in map(json.loads, out.splitlines())] == ["north", "x"],
          f"analyze takes words starting with '-': {out} {err}")
    # options before the command: the first word that is not an option or
    # an option's value names the command (a CI gate writes `ajsearch
    # --index IDX check`; it used to search for the word "check")
    def raw(*args):
        return run_in(tmp, *args)
    for cmd in (["check"], ["stats", "--json"], ["dump", "--json"], ["acronyms", "--json"]):
        after = raw(cmd[0], "--index", index, *cmd[1:])
        before = raw("--index", index, *cmd)
        check(after[0] == 0 and before == after, f"--index before {cmd}: {before[0]} {before[2]}")
    check(raw(f"--index={index}", "stats", "--json") == raw("stats", "--json", "--index", index),
          "--index=DIR before stats")
    # a damaged index fails its check whichever side the option is on
    bad = os.path.join(tmp, "bad-index")
    shutil.copytree(index, bad, symlinks=True)
    gen = gen_dir(bad)
    with open(os.path.join(gen, "post.aj"), "r+b") as f:
        f.seek(os.path.getsize(os.path.join(gen, "post.aj")) // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0xFF]))
    for args in (["--index", bad, "check"], ["check", "--index", bad]):
        rc, out, err = raw(*args)
        check(rc == 2 and "check" not in out, f"{args} on a damaged index: {rc} {out[:200]} {err}")
    # `--index DIR index --corpus C` builds DIR (it used to search for "index")
    fresh = os.path.join(tmp, "fresh-index")
    rc, out, err = raw("--index", fresh, "index", "--corpus", CORPUS)
    check(rc == 0 and os.path.exists(os.path.join(fresh, "CURRENT")),
          f"--index before index: {rc} {err}")
    # options of another command before it are refused, not applied
    usage_error(raw("-n", "5", "--index", index, "check"), "-n does not apply to check",
                "-n before check")
    usage_error(raw("--count", "--index", index, "index"), "--count does not apply to index",
                "--count before index")
    # only the first word can name a command; after -- or `search`, words are words
    q = raw("--index", index, "--count", "--", "check")
    s2 = raw("--index", index, "search", "--count", "check")
    check(q[0] in (0, 1) and q[1].strip().isdigit() and q == s2, f"-- check: {q} {s2}")
    m = raw("--index", index, "--count", "maritime", "check")
    check(m[0] in (0, 1) and m[1].strip().isdigit(), f"maritime check is a search: {m}")
    # an option's value is never taken for the command: an index named "check"
    odd = os.path.join(tmp, "check")
    shutil.copytree(index, odd, symlinks=True)
    rc, out, err = run_in(tmp, "--index", "check", "stats", "--json")
    check(rc == 0 and json.loads(out).get("paragraphs"), f"--index check stats: {rc} {err}")

    # ajsearch alone: a short usage on stderr, status 2
    rc, out, err = run()
    check(rc == 2 and not out and 2 <= len(err.splitlines()) <= 6 and "--help" in err,
          f"ajsearch alone: {rc} {err!r}")
    rc, out, err = run("--help")
    check(rc == 0 and "show ID" in out and len(out.splitlines()) > 60, "--help is the whole help")
    for sub in ("show", "stats", "index"):
        rc, out, _ = run("help", sub)
        check(rc == 0 and out.startswith(f"usage: ajsearch {sub}"), f"help {sub}")
        check(run(sub, "--help")[1] == out, f"{sub} --help = help {sub}")
    usage_error(run("help", "nope"), "no command 'nope'", "help nope")


# ------------------------------------------------------ query language

def s_quotes(tmp):
    index = build(tmp)
    ascii_ = run("--json", "-n", "50", '"Trusted Partners"', index=index)
    want = ids(ascii_[1])
    check(ascii_[0] == 0 and len(want) >= 3, f"ASCII phrase: {ascii_}")
    loose = ids(run("--json", "-n", "50", "Trusted Partners", index=index)[1])
    check(loose != want, "the phrase differs from the words")
    for q in ("\u201cTrusted Partners\u201d", "\u201eTrusted Partners\u201c",
              "\u00abTrusted Partners\u00bb", "\u00ab Trusted Partners \u00bb",
              "\u00bbTrusted Partners\u00ab", "\u201dTrusted Partners\u201d",
              "\u2018Trusted Partners\u2019", "\u201aTrusted Partners\u2018",
              "\u201cTrusted Partners\""):
        rc, out, err = run("--json", "-n", "50", q, index=index)
        check(rc == 0 and ids(out) == want, f"{q}: {ids(out)} != {want} {err}")
        # the same in every output: count, text (but the echoed query)
        c1 = run("--count", q, index=index)[1]
        check(c1 == run("--count", '"Trusted Partners"', index=index)[1], f"{q}: count")
    # apostrophes stay apostrophes, inside a phrase in single marks too
    for q, same in (("Japan\u2019s", "Japan's"),
                    ("\u2018Japan\u2019s post-pandemic recovery\u2019", '"Japan\'s post-pandemic recovery"'),
                    ("\u2018students\u2019", "students")):
        a, b = run("--json", "-n", "50", q, index=index), run("--json", "-n", "50", same, index=index)
        check(a[0] == b[0] and ids(a[1]) == ids(b[1]) and (a[0] == 1 or ids(a[1])), f"{q} vs {same}")
    # a quoted word is not corrected, whichever the marks
    plain = TIMING.sub("", run('"maritme security"', index=index)[1])
    typo = TIMING.sub("", run("\u201cmaritme security\u201d", index=index)[1])
    check("showing results for" not in typo and typo.split(":", 1)[0] == plain.split(":", 1)[0],
          f"quoted words are left alone: {typo!r}")
    # errors: the byte offset of the mark, the caret under it
    for q, byte, words in (("maritime \u201csecurity", 9, "unterminated phrase"),
                           ("\u00abNguy\u1ec5n\u00bb (x", 13, "never closed"),
                           ("\u201ca\u201d \u201cb\u201d \u201cc", 16, "unterminated phrase")):
        rc, out, err = run("--", q, index=index)
        lines = err.splitlines()
        check(rc == 2 and f"at byte {byte}:" in lines[0] and words in lines[0], f"{q}: {err!r}")
        excerpt, caret = lines[1][2:], lines[2][2:]
        col = caret.index("^")
        shown = q.encode()[:byte].decode()
        check(excerpt.startswith(shown) and col == len(shown), f"{q}: caret at {col}: {err!r}")


def s_lone_dash(tmp):
    index = build(tmp)
    rc, out, err = run("security", "-", "maritime", index=index)
    check(rc == 2 and "'-' stands alone" in err, f"argument '-': {err!r}")
    for args in (["security - maritime"], ["security", "-", "maritime"], ["security -"],
                 ["- security"], ["security -- maritime"], ["(security -) maritime"]):
        rc, out, err = run("--", *args, index=index)
        check(rc == 2 and not out and "'-' stands alone" in err, f"{args}: {rc} {err!r}")
        lines = err.splitlines()
        q = " ".join(args)
        byte = int(re.search(r"at byte (\d+)", lines[0]).group(1))
        check(q[byte] == "-" and lines[2].index("^") - 2 == byte, f"{args}: caret {err!r}")
    # in batch mode the line says which query
    rc, out, err = run("--count", "--stdin", stdin=b"security\nsecurity - maritime\n", index=index)
    check(rc == 2 and out.split() == [out.split()[0], "error"] and "line 2: query syntax error" in err,
          f"--stdin: {rc} {out!r} {err!r}")
    # attached, a dash negates; a typographic dash is punctuation
    neg = run("--json", "-n", "50", "security -maritime", index=index)
    check(neg[0] == 0 and ids(neg[1]) == ids(run("--json", "-n", "50", "security NOT maritime",
                                                 index=index)[1]), "-maritime is NOT maritime")
    for dash in ("\u2013", "\u2014"):
        a = run("--json", "-n", "50", f"security {dash} maritime", index=index)
        b = run("--json", "-n", "50", "security maritime", index=index)
        check(ids(a[1]) == ids(b[1]) and ids(a[1]), f"{dash!r} is punctuation")


# ------------------------------------------------------- finding the index

def s_locate(tmp):
    proj = os.path.join(tmp, "proj")
    corpus = os.path.join(proj, "corpus")
    shutil.copytree("corpus", corpus)
    index = os.path.join(proj, "index")
    rc, _, err = run("index", "--corpus", corpus, index=index)
    check(rc == 0, err)
    deep = os.path.join(proj, "a", "b")
    os.makedirs(os.path.join(deep, "index"))      # an index/ without CURRENT is passed over
    for cwd in (proj, deep):
        rc, out, err = run_in(cwd, "--json", "-n", "3", "maritime security")
        check(rc == 0 and len(ids(out)) == 3, f"from {cwd}: {rc} {err}")
        hit = json.loads(out.splitlines()[0])
        check(hit["matches"] is not None, f"from {cwd}: the corpus beside the index gives matches")
        rc, out, err = run_in(cwd, "stats", "--json")
        where = json.loads(out)["index"]
        check(where == ("index" if cwd == proj else index), f"from {cwd}: stats says {where}")
    # an explicit corpus wins over the one beside the index
    rc, out, _ = run_in(deep, "--json", "-n", "1", "--corpus", tmp, "maritime")
    check(json.loads(out.splitlines()[0])["matches"] is None, "--corpus is read, not corpus/")
    # the nearest index wins
    near = os.path.join(proj, "a")
    small = os.path.join(tmp, "small")
    os.makedirs(small)
    with open(os.path.join(small, "one.txt"), "w") as f:
        f.write("Only meerkats live here.\n")
    rc, _, err = run("index", "--corpus", small, index=os.path.join(near, "index"))
    check(rc == 0, err)
    rc, out, err = run_in(deep, "--count", "meerkats")
    check(rc == 0 and out.strip() == "1", f"nearest index: {out} {err}")
    check(run_in(deep, "--count", "japan")[1].strip() == "0", "not the farther one")
    # the index command does not look upwards
    before = current(index)
    rc, out, err = run_in(deep, "index")
    check(rc == 2 and current(index) == before, f"index from below: {err}")
    # nowhere: say where it looked and what to do
    lost = os.path.join(tmp, "lost", "dir")
    os.makedirs(lost)
    for args in (["japan"], ["stats"], ["show", "1"], ["dump"], ["check"], ["acronyms"]):
        rc, out, err = run_in(lost, *args)
        check(rc == 2 and not out and os.path.realpath(lost) in err and "--index" in err and
              "AJSEARCH_INDEX" in err and "ajsearch index" in err, f"{args} from nowhere: {err!r}")
    rc, out, err = run_in(lost, "japan", env={"AJSEARCH_INDEX": os.path.join(tmp, "none")})
    check(rc == 2 and "none" in err and "$AJSEARCH_INDEX" in err, f"bad AJSEARCH_INDEX: {err!r}")
    rc, out, err = run_in(lost, "--index", os.path.join(tmp, "none"), "japan")
    check(rc == 2 and "none" in err and "--index" in err, f"bad --index: {err!r}")
    # AJSEARCH_INDEX and --index win over the look-up
    rc, out, _ = run_in(deep, "--count", "japan", env={"AJSEARCH_INDEX": index})
    check(rc == 0 and int(out) > 50, "AJSEARCH_INDEX wins")


# ------------------------------------------------------ invisible characters

RLO, LRI, PDI, ZWSP, BOM = "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff"


def s_bidi(tmp):
    corpus = os.path.join(tmp, "corpus")
    os.makedirs(corpus)
    trojan = (f'Trojan meerkats: access_level != "user{RLO} {LRI}// Check if admin{PDI} {LRI}" '
              f"and the zero{ZWSP}width meerkats, a BOM{BOM} and a tag \U000e0041 and a line"
              "\u2028separator with \u200d\u200c\u200e\u200f\u061c\u2060\u00ad. ")
    with open(os.path.join(corpus, "trojan.txt"), "w") as f:
        f.write(trojan * 3 + "\n\nSecond paragraph about meerkats.\n")
    with open(os.path.join(corpus, f"name{RLO}txt.md"), "w") as f:
        f.write(f"# Heading {RLO}with override\n\nmeerkats in a file with an override in its name\n")
    with open(os.path.join(corpus, "metadata.tsv"), "w") as f:
        f.write(f"trojan.txt\t2024-01-01\tsrc\tTitle {RLO}reversed{PDI} end\n")
    index = os.path.join(tmp, "index")
    rc, _, err = run("index", "--corpus", corpus, index=index)
    check(rc == 0, err)
    dump = [json.loads(line) for line in run("dump", "--json", index=index)[1].splitlines()]
    first = next(d for d in dump if d["doc"] == "trojan.txt")
    human = [["-n", "10", "meerkats"], ["--full", "-n", "10", "meerkats"], ["--mark", "meerkats"],
             ["--explain", "meerkats"], ["--group", "meerkats"], ["dump"], ["show", str(first["id"])],
             ["analyze", "--", trojan], ["--html", "meerkats"], ["--html", "--full", "meerkats"],
             ["--", f"meerkats {RLO}"]]
    for args in human:
        rc, out, err = run(*args, index=None if args[0] == "analyze" else index)
        check(rc in (0, 1), f"{args}: {rc} {err}")
        bad = INVISIBLE.search(out + err)
        check(not bad, f"{args}: raw {bad and hex(ord(bad.group()))} in the output")
    # shown as escapes, in place, on the terminal and in HTML
    rc, out, _ = run("--full", "-n", "10", "meerkats", index=index)
    flat = " ".join(out.split())
    for want in ('"user<U+202E> <U+2066>// Check if admin<U+2069> <U+2066>"', "zero<U+200B>width",
                 "BOM<U+FEFF>", "<U+E0041>", "line<U+2028>separator",
                 "<U+200D><U+200C><U+200E><U+200F><U+061C><U+2060><U+00AD>",
                 "Title <U+202E>reversed<U+2069> end", "Heading <U+202E>with override"):
        check(want in flat, f"{want!r} not in {flat[:1500]!r}")
    md = next(d for d in dump if d["doc"] != "trojan.txt")
    rc, out, _ = run("show", str(md["id"]), index=index)
    check("name<U+202E>txt.md, id" in out, f"show names the file: {out!r}")
    rc, out, _ = run("--html", "--full", "meerkats", index=index)
    check("&quot;user&lt;U+202E&gt; &lt;U+2066&gt;// Check" in out and 'data-doc="name&lt;U+202E&gt;txt.md"' in out,
          f"HTML: {out[:1500]!r}")
    # JSON keeps the exact text, with escapes a terminal cannot obey
    rc, out, _ = run("--json", "-n", "10", "meerkats", index=index)
    check(not INVISIBLE.search(out) and "\\u202e" in out, "JSON escapes them")
    hits = [json.loads(line) for line in out.splitlines()]
    texts = [h["text"] for h in hits]
    check(any(trojan.strip() in t for t in texts), "JSON text is exact")
    check(any(h["title"] == f"Title {RLO}reversed{PDI} end" for h in hits), "JSON title is exact")
    check(first["text"].startswith(trojan[:40]), "dump --json is exact")
    # the caret of a query error counts the escapes
    rc, out, err = run("--", f"meerkats {RLO}(", index=index)
    lines = err.splitlines()
    check(rc == 2 and lines[1][2:].endswith("meerkats <U+202E>(") and
          lines[2].index("^") == lines[1].index("("), f"caret after an escape: {err!r}")
    # escapes count in the wrapping width
    rc, out, _ = run("--full", "-n", "10", "meerkats", index=index, env={"COLUMNS": "60"})
    lines = text_lines(out)
    over = [line for line in lines if len(line) > 60 and len(line.split()) > 1]
    check(lines and not over, f"wrapped at 60 (a word too long for a line stands alone): {over}")
    check(any(len(line) > 60 for line in lines), "the escapes of a run of invisible characters "
          "make one word wider than the line")


# ------------------------------------------------------- wrapping and --full

def text_lines(out):
    """The lines of paragraph text (indented 4), not --group's citations."""
    return [line for line in out.splitlines() if line.startswith("    ") and not line.startswith("    [")]


def s_wrap(tmp):
    index = build(tmp)
    q = ["-n", "10", "--full", "cooperation"]
    widths = {}
    for cols in ("60", "80", "133", "", "abc", "10", "0"):
        env = {"COLUMNS": cols} if cols else {}
        rc, out, err = run_in(os.getcwd(), "--index", index, *q, env=env)
        check(rc == 0, err)
        lines = text_lines(out)
        widths[cols] = (max(map(len, lines)), " ".join(" ".join(lines).split()))
    for cols, limit in (("60", 60), ("80", 80), ("133", 133), ("", 100), ("abc", 100),
                        ("10", 40), ("0", 100)):
        longest = widths[cols][0]
        check(limit - 12 <= longest <= limit, f"COLUMNS={cols!r}: longest line {longest}, wanted <= {limit}")
    check(len({w[1] for w in widths.values()}) == 1, "the same words at every width")
    # the width of the terminal itself, through a pseudo-terminal of 70 columns
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 70, 0, 0))
    e = dict(os.environ, NO_COLOR="1", COLUMNS="120")
    p = subprocess.Popen([BIN, "--index", index] + q, stdout=slave, stderr=subprocess.PIPE, env=e)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait()
    os.close(master)
    out = b"".join(chunks).decode().replace("\r\n", "\n")
    longest = max(map(len, text_lines(out)))
    check(p.returncode == 0 and 58 <= longest <= 70, f"terminal of 70 columns: longest {longest}")
    # --full: whole paragraphs, where the default shows a window
    rc, out, _ = run("--json", "-n", "10", "cooperation", index=index)
    hits = [json.loads(line) for line in out.splitlines()]
    long_hits = [h for h in hits if len(h["text"].encode()) > 400]
    check(long_hits, "a long paragraph among the hits")
    short = run("-n", "10", "cooperation", index=index)[1]
    full = run("-n", "10", "--full", "cooperation", index=index)[1]
    check("\u2026" in short and "\u2026" not in "".join(text_lines(full)), "--full has no ellipsis")
    flat = " ".join(full.split())
    check(all(" ".join(h["text"].split()) in flat for h in hits), "--full prints every text whole")
    html = run("--html", "--full", "-n", "10", "cooperation", index=index)[1]
    check(html.count("<blockquote") == len(hits) and "\u2026</blockquote>" not in html, "--html --full")
    grouped = run("--group", "--full", "cooperation", index=index)[1]
    check("\u2026" not in "".join(text_lines(grouped)), "--group --full")


# ---------------------------------------------------------------- show

def s_show(tmp):
    index = build(tmp)
    dump = [json.loads(line) for line in run("dump", "--json", index=index)[1].splitlines()]
    n = len(dump)
    rc, out, _ = run("--json", "-n", "5", "maritime security", index=index)
    hits = [json.loads(line) for line in out.splitlines()]
    for h in hits:
        # JSON: the paragraph's fields are the hit's, its citation included
        rc, out, err = run("show", str(h["id"]), "--json", "--context", "0", index=index)
        rows = [json.loads(line) for line in out.splitlines()]
        check(rc == 0 and len(rows) == 1 and rows[0]["target"] is True, f"show {h['id']}: {out} {err}")
        for k in ("id", "doc", "title", "para", "label", "start", "end", "text", "date", "heading", "cite"):
            check(rows[0][k] == h[k], f"show {h['id']}: {k} {rows[0][k]!r} != {h[k]!r}")
        # text: the first line is the hit's citation line
        rc, out, _ = run("show", str(h["id"]), "--context=0", index=index)
        search = run("-n", "5", "maritime security", index=index)[1]
        cite_line = out.splitlines()[0]
        check(any(line.endswith("] " + cite_line) for line in search.splitlines()),
              f"show {h['id']}: {cite_line!r} is not a search citation line")
        check(" ".join(h["text"].split()) in " ".join(out.split()), "the whole text")
    # neighbours: default 1, within the document, fewer at its edges
    docs = {}
    for d in dump:
        docs.setdefault(d["doc"], []).append(d["id"])
    for doc, pids in docs.items():
        if len(pids) < 5:
            continue
        for target, ctx, want in ((pids[0], 2, pids[:3]), (pids[-1], 2, pids[-3:]),
                                  (pids[2], None, pids[1:4]), (pids[2], 0, pids[2:3]),
                                  (pids[1], 1000, pids)):
            args = ["show", str(target), "--json"] + ([] if ctx is None else ["--context", str(ctx)])
            rc, out, err = run(*args, index=index)
            rows = [json.loads(line) for line in out.splitlines()]
            check(rc == 0 and [r["id"] for r in rows] == want, f"{args}: {[r['id'] for r in rows]} != {want}")
            check([r["target"] for r in rows] == [r["id"] == target for r in rows], f"{args}: target")
            check({r["doc"] for r in rows} == {doc}, f"{args}: another document")
            rc, out, _ = run("show", str(target), *([] if ctx is None else ["--context", str(ctx)]),
                             index=index)
            marks = [line for line in out.splitlines() if re.match(r"^[> ] id \d+ \u00b7 ", line)]
            check([int(m.split()[2 if m[0] == ">" else 1]) for m in marks] == want and
                  [m[0] for m in marks] == [">" if i == target else " " for i in want],
                  f"{args}: text marks {marks}")
    # ids that are no paragraph
    for bad, words in ((str(n), f"no paragraph {n}: the ids of this index go from 0 to {n - 1}"),
                       ("99999999999999999999999", "no paragraph"),
                       ("-1", "a whole number (got '-1')"), ("abc", "a whole number (got 'abc')"),
                       ("1e3", "a whole number"), ("", "a whole number")):
        rc, out, err = run("show", bad, index=index)
        check(rc == 2 and not out and words in err, f"show {bad!r}: {rc} {err!r}")
    usage_error(run("show", "3", "--context", "x", index=index), "--context needs a whole number",
                "--context x")



# ------------------------------------------------ interrupted builds, leftovers

def make_synthetic_corpus(dst, ndocs, doc_bytes, seed=13):
    """ndocs documents of about doc_bytes each, of sentences drawn from a
    40,000-word vocabulary: a corpus whose build takes seconds, made in a
    fraction of one."""
    rnd = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rnd.choice(letters) for _ in range(rnd.randint(3, 10))) for _ in range(40000)]
    sentences = [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(8, 30))).capitalize() + "."
                 for _ in range(4000)]
    os.makedirs(dst)
    for i in range(ndocs):
        parts, n = [], 0
        while n < doc_bytes:
            parts.append(" ".join(rnd.choice(sentences) for _ in range(rnd.randint(2, 6))))
            n += len(parts[-1]) + 2
        with open(os.path.join(dst, f"doc{i:04d}.txt"), "w") as f:
            f.write("\n\n".join(parts) + "\n")


# 20 MB of synthetic documents, indexed with a memory budget small enough
# to spill a run: a build of a second or more, with a final merge.
BIG_DOCS = 200
BIG_BUILD = ["--memory", "16M"]


def default_stop_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start_build(corpus, index, **kw):
    """Starts `ajsearch index` and returns it once its .build-PID exists.
    The build starts with SIGINT, SIGTERM and SIGHUP at their defaults,
    whatever the test run's own (`nohup make test` ignores SIGHUP, which
    a build started so rightly keeps ignoring), unless kw says otherwise."""
    kw.setdefault("preexec_fn", default_stop_signals)
    p = subprocess.Popen([BIN, "index", "--corpus", corpus, "--index", index] + BIG_BUILD,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    mine = os.path.join(index, f".build-{p.pid}")
    stop = time.time() + 60
    while not os.path.isdir(mine):
        if p.poll() is not None:
            raise Fail(f"the build ended ({p.returncode}) before its .build-{p.pid} was seen: "
                       f"{p.stderr.read().decode()!r}")
        check(time.time() < stop, "no build directory after 60 s")
        time.sleep(0.002)
    return p


def hold(p, what):
    """Stops process p (SIGSTOP), which must still be building."""
    p.send_signal(signal.SIGSTOP)
    time.sleep(0.05)
    check(p.poll() is None, f"{what}: the build finished before the signal; the synthetic "
          f"corpus needs to be bigger on this machine")


def entries(index):
    return sorted(os.listdir(index))


def wait_for(p, path, what):
    """Waits until path exists while p builds (a phase of the build)."""
    stop = time.time() + 120
    while not os.path.exists(path):
        check(p.poll() is None, f"{what}: the build ended before {os.path.basename(path)} "
              f"appeared")
        check(time.time() < stop, f"{what}: no {path} after 120 s")
        time.sleep(0.002)


def s_interrupted_build(tmp):
    """SIGINT, SIGTERM and SIGHUP stop a build in each of its phases (as it
    starts, while the workers index and spill runs, in the final merge):
    within a fraction of a second, one line saying what was removed and
    which index is still there, exit status 128 + the signal, nothing left
    behind, the old index answering as before and check clean.  (A cancel
    at each single operation of a build is test_fault's.)"""
    index = build(tmp)
    gen = current(index)
    before = run("--json", "-n", "50", "maritime security", index=index)
    listing = entries(index)
    big = os.path.join(tmp, "big")
    make_synthetic_corpus(big, BIG_DOCS, 100000)
    # The phases, told by the files of the build directory.
    phases = {"start": None, "runs": "run-t-00000.tmp", "merge": "post.aj"}
    times = []
    late = 0
    for sig, phase in ((signal.SIGINT, "start"), (signal.SIGINT, "runs"),
                       (signal.SIGINT, "merge"), (signal.SIGTERM, "runs"),
                       (signal.SIGHUP, "merge")):
        marker = phases[phase]
        what = f"{sig.name} at {phase}"
        for attempt in range(5):
            p = start_build(big, index)
            if marker:
                wait_for(p, os.path.join(index, f".build-{p.pid}", marker), what)
            hold(p, what)
            # meta.aj is opened after the build's last look at the signal
            # flag but one (then it switches the index in, which a signal
            # no longer stops): a build held past it was held too late,
            # which a loaded machine can make happen.  It is let finish,
            # the old corpus indexed again, and the phase tried anew.
            if phase != "merge" or not os.path.exists(
                    os.path.join(index, f".build-{p.pid}", "meta.aj")):
                break
            p.send_signal(signal.SIGCONT)
            p.communicate(timeout=120)
            check(p.returncode == 0, f"{what}: a build let finish: exit status {p.returncode}")
            late += 1
            build(tmp)
            gen = current(index)
            before = run("--json", "-n", "50", "maritime security", index=index)
            listing = entries(index)
        else:
            raise Fail(f"{what}: held too late five times (after meta.aj)")
        p.send_signal(sig)
        t0 = time.time()
        p.send_signal(signal.SIGCONT)
        out, err = p.communicate(timeout=120)
        took = time.time() - t0
        times.append(took)
        want = (f"ajsearch: interrupted by {sig.name}: removed the unfinished build "
                f"{index}/.build-{p.pid}; the index there is unchanged ({gen})\n")
        check(p.returncode == 128 + sig, f"{what}: exit status {p.returncode}: {err!r}")
        check(err.decode() == want and not out, f"{what}: {err!r}, wanted {want!r}")
        check(took < 2, f"{what}: {took:.2f} s to stop")
        check(entries(index) == listing, f"{what}: {entries(index)} != {listing}")
        check(run("--json", "-n", "50", "maritime security", index=index) == before,
              f"{what}: the old index answers differently")
        rc, out, err = run("check", "--strict", index=index)
        check(rc == 0 and out.startswith("ok: ") and not err,
              f"{what}: check: {rc} {out} {err}")
    print(f"stopped in {min(times):.3f}-{max(times):.3f} s ({late} builds held too late, "
          f"tried again)")


def s_leftovers(tmp):
    """check reports what builds left (a build killed by a second signal,
    fabricated stale directories and links) and a build in progress; the
    next build removes the leftovers."""
    index = build(tmp)
    gen = current(index)
    before = run("--json", "-n", "50", "maritime security", index=index)
    big = os.path.join(tmp, "big")
    make_synthetic_corpus(big, BIG_DOCS, 100000)
    # A build in progress is a note, not a warning, even for --strict.
    p = start_build(big, index)
    hold(p, "in progress")
    rc, out, err = run("check", "--strict", index=index)
    want = f"ajsearch: note: {index}/.build-{p.pid}: a build in progress (process {p.pid} is running), "
    check(rc == 0 and out.startswith("ok: ") and err.startswith(want) and err.endswith(" so far\n")
          and err.count("\n") == 1, f"in progress: {rc} {out!r} {err!r}")
    # A second signal ends the build at once: its directory stays.
    p.send_signal(signal.SIGINT)
    p.send_signal(signal.SIGTERM)
    p.send_signal(signal.SIGCONT)
    out, err = p.communicate(timeout=60)
    check(p.returncode in (-signal.SIGINT, -signal.SIGTERM) and not err,
          f"second signal: {p.returncode} {err!r}")
    left = os.path.join(index, f".build-{p.pid}")
    check(os.path.isdir(left), f"second signal: {entries(index)}")
    check(run("--json", "-n", "50", "maritime security", index=index) == before, "old index")
    # Leftovers as a SIGKILL at the wrong moment would leave them: a build
    # directory of a process that is gone, a CURRENT.PID file, a generation
    # never switched in.
    dead = 999999
    while os.path.exists(f"/proc/{dead}"):
        dead -= 1
    fake = os.path.join(index, f".build-{dead}")
    os.mkdir(fake)
    with open(os.path.join(fake, "post.aj"), "wb") as f:
        f.write(b"\0" * 2_345_678)
    with open(os.path.join(index, f"CURRENT.{dead}"), "w") as f:
        f.write(os.path.basename(gen) + "\n")
    newer = os.path.join(index, "gen-9999999999")
    os.mkdir(newer)
    with open(os.path.join(newer, "meta.aj"), "wb") as f:
        f.write(b"x" * 12_345)
    tail = "; readers ignore it and the next 'ajsearch index' removes it"
    wants = sorted([
        f"ajsearch: warning: {index}/.build-{dead}: an unfinished build left by process "
        f"{dead}, which is gone (2.3 MB){tail}",
        f"ajsearch: warning: {index}/.build-{p.pid}: an unfinished build left by process "
        f"{p.pid}, which is gone (",
        f"ajsearch: warning: {index}/CURRENT.{dead}: a file left by process {dead}, which is "
        f"gone, while switching generations{tail}",
        f"ajsearch: warning: {index}/gen-9999999999: a generation newer than the current one, "
        f"never switched in (12.3 kB){tail}"])
    for strict in (False, True):
        rc, out, err = run("check", *(["--strict"] if strict else []), index=index)
        lines = sorted(err.splitlines())
        check(rc == (1 if strict else 0) and out.startswith(f"ok: {index} ({gen}): "),
              f"check {strict}: {rc} {out!r} {err!r}")
        check(len(lines) == 4 and all(l.startswith(w) for l, w in zip(lines, wants)),
              f"check: {lines}\nwanted {wants}")
    # Damage is still exit status 2, leftovers or not.
    os.truncate(os.path.join(index, gen, "meta.aj"), 100)
    rc, out, err = run("check", index=index)
    check(rc == 2 and "meta.aj" in err and err.count("warning: ") == 4, f"damaged: {rc} {err!r}")
    # No index at all: the leftovers are reported, then the missing index.
    bare = os.path.join(tmp, "bare")
    os.mkdir(bare)
    os.mkdir(os.path.join(bare, f".build-{dead}"))
    rc, out, err = run("check", index=bare)
    check(rc == 2 and f"warning: {bare}/.build-{dead}: an unfinished build" in err
          and "not found" in err, f"bare: {rc} {err!r}")
    # The next build removes every leftover.  Started with SIGINT ignored
    # (nohup, a background job), it keeps ignoring it and completes.
    p = start_build(big, index, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    hold(p, "ignored SIGINT")
    p.send_signal(signal.SIGINT)
    p.send_signal(signal.SIGCONT)
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0 and b"interrupted" not in err, f"ignored SIGINT: {p.returncode} {err!r}")
    check(not [n for n in entries(index) if n.startswith((".build-", "CURRENT."))]
          and "gen-9999999999" not in entries(index), f"after a build: {entries(index)}")
    rc, out, err = run("check", "--strict", index=index)
    check(rc == 0 and not err, f"clean: {rc} {err!r}")


def s_metadata_warnings(tmp):
    """metadata.tsv: a repeated document and dates that are no dates are
    warnings naming the line; the later line is used, the date dropped."""
    corpus = os.path.join(tmp, "corpus")
    os.makedirs(corpus)
    for name in ("a.txt", "b.txt", "c.txt"):
        with open(os.path.join(corpus, name), "w") as f:
            f.write(f"Wombats of {name} in the maritime sense.\n")
    with open(os.path.join(corpus, "metadata.tsv"), "w") as f:
        f.write("# file\tdate\tsource\ttitle\n"
                "a.txt\t2024-01-05\tsrc\tFirst title\n"
                "b.txt\tnot-a-date\tsrc\tB title\n"
                "a.txt\t2023\tsrc\tSecond title\n"
                "c.txt\t2023-02-29\t\tC title\n")
    index = os.path.join(tmp, "index")
    rc, out, err = run("index", "--corpus", corpus, index=index)
    m = f"ajsearch: warning: {corpus}/metadata.tsv: "
    want = [m + "line 3: the date 'not-a-date' is not YYYY, YYYY-MM or YYYY-MM-DD; b.txt is "
            "indexed without a date",
            m + "line 4 repeats the document of line 2 (a.txt); line 4 is used",
            m + "line 5: the date '2023-02-29' is not a day of the calendar; c.txt is indexed "
            "without a date"]
    got = [l for l in err.splitlines() if "warning:" in l]
    check(rc == 0 and got == want, f"{rc}: {got}")
    rc, out, err = run("--json", "-n", "10", "wombats", index=index)
    hits = {h["doc"]: h for h in map(json.loads, out.splitlines())}
    check((hits["a.txt"]["title"], hits["a.txt"]["date"]) == ("Second title", "2023"), hits["a.txt"])
    check((hits["b.txt"]["title"], hits["b.txt"]["date"]) == ("B title", ""), hits["b.txt"])
    check((hits["c.txt"]["title"], hits["c.txt"]["date"]) == ("C title", ""), hits["c.txt"])


if __name__ == "__main__":
    main("e2e_cli", globals())
