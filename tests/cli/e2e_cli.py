#!/usr/bin/env python3
"""End-to-end tests of the command line's own rules (README "Using it",
"Commands", "Output", "Query language", "Reliability"): options as getopt
reads them, commands that reject what they do not take, typographic
quotation marks and lone dashes, the index found from a subdirectory,
invisible characters made visible, wrapping, --full and `show`.

Usage: e2e_cli.py SCENARIO   (from the repository root; $AJSEARCH_BIN names
the binary).  Each scenario builds what it needs in a temporary directory.
"""
import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios

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



if __name__ == "__main__":
    main("e2e_cli", globals())
