#!/usr/bin/env python3
"""End-to-end tests of the ajsearch command line on the real corpus.

Usage: e2e.py SCENARIO   (run from the repository root; $AJSEARCH_BIN names
the binary, default ./ajsearch). Each scenario builds its own index in a
temporary directory, so scenarios can run in parallel. Exit status 0 = pass;
on failure the reason is printed.
"""
import base64
import filecmp
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("AJSEARCH_BIN", os.path.abspath("ajsearch"))
CORPUS = os.path.abspath("corpus")
SUBCOMMANDS = {"search", "index", "analyze", "stats", "dump", "check", "acronyms", "show",
               "status", "export"}


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(*args, index=None, stdin=None, env=None):
    args = list(args)
    if index:
        # Options go before any "--"; after a subcommand name if there is one.
        at = 1 if args and args[0] in SUBCOMMANDS else 0
        args[at:at] = ["--index", index]
    cmd = [BIN] + args
    e = dict(os.environ)
    e.pop("AJSEARCH_INDEX", None)
    e["NO_COLOR"] = "1"
    if env:
        e.update(env)
    p = subprocess.run(cmd, input=stdin, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def build(tmp, corpus=CORPUS):
    index = os.path.join(tmp, "index")
    rc, out, err = run("index", "--corpus", corpus, index=index)
    check(rc == 0, f"index failed ({rc}): {err}")
    return index


def search_json(index, *query, n=10):
    rc, out, err = run("search", "--json", "-n", str(n), "--", *query, index=index)
    hits = [json.loads(line) for line in out.splitlines() if line.strip()]
    return rc, hits, err


def current(index):
    """The live generation's name: CURRENT is a file holding it."""
    with open(os.path.join(index, "CURRENT")) as f:
        return f.read().strip()


def gen_dir(index):
    return os.path.join(index, current(index))


# ---------------------------------------------------------------- scenarios

def s_maritime(tmp):
    index = build(tmp)
    rc, hits, err = search_json(index, "maritime security")
    check(rc == 0, f"exit {rc}: {err}")
    check(len(hits) >= 3, f"only {len(hits)} hits")
    top = hits[0]
    check("maritime security" in top["text"].lower(), f"top hit is not about maritime security: {top['text'][:200]}")
    # Paragraphs with both words first; then, when there are fewer than
    # asked for, paragraphs with one of them, marked partial.
    seen_partial = False
    for h in hits:
        t = h["text"].lower()
        if h.get("partial"):
            seen_partial = True
            check(h["matched"] == 1 and h["clauses"] == 2, f"hit {h['id']}: {h}")
            check("maritim" in t or "secur" in t, f"partial hit {h['id']} has neither word")
        else:
            check(not seen_partial, f"full hit {h['id']} after a partial one")
            check("maritim" in t and "secur" in t, f"hit {h['id']} lacks a term")
    rc, out, err = run("search", "--json", "--no-partial", "-n", "50", "--",
                       "maritime security", index=index)
    strict = [json.loads(line) for line in out.splitlines() if line.strip()]
    check(strict and all(not h.get("partial") for h in strict), "--no-partial gave partial hits")
    check(all("maritim" in h["text"].lower() and "secur" in h["text"].lower() for h in strict),
          "--no-partial hit lacks a term")
    # The human output names title, date and label.
    rc, out, err = run("maritime security", index=index)
    check(rc == 0, err)
    check("paragraphs match" in out.splitlines()[0], out[:200])
    check("Chairman's Statement of the 23rd ASEAN-Japan Summit" in out, out[:800])
    check("\u00b6 8" in out, "label of paragraph 8 shown")


def s_done_when_queries(tmp):
    index = build(tmp)
    cases = [
        (['"South China Sea"'], "south china sea"),
        (["cybersecurity OR \"cyber security\""], "cyber"),
        (["denuclear* NOT Korea"], "denuclear"),
        (["nguyen"], "nguy"),
    ]
    for q, needle in cases:
        rc, hits, err = search_json(index, *q)
        check(rc == 0, f"{q}: exit {rc}: {err}")
        for h in hits:
            check(needle in h["text"].lower() or needle == "nguy" and "nguy" in h["text"].lower(),
                  f"{q}: hit {h['id']} lacks {needle}: {h['text'][:120]}")
            check(h["title"], "hit has a title")
    rc, hits, _ = search_json(index, "denuclear* NOT Korea")
    check(rc == 0 and hits, "denuclear* NOT Korea finds paragraphs")
    for h in hits:
        # "Korean" is another stem; the word Korea itself must be absent.
        check(not re.search(r"\bkorea\b", h["text"].lower()), "NOT Korea respected")
    rc, hits, _ = search_json(index, "Nguyễn Xuân Phúc")
    check(rc == 0 and any("Nguyễn" in h["text"] for h in hits), "diacritics fold")
    rc, hits2, _ = search_json(index, "nguyen xuan phuc")
    check([h["id"] for h in hits] == [h["id"] for h in hits2], "folded query equals accented query")


def s_json_valid(tmp):
    index = build(tmp)
    for q in ["japan", "ASEAN-Japan", "cooperat*", '"comprehensive strategic partnership"']:
        rc, out, err = run("--json", "-n", "1000", q, index=index)
        check(rc == 0, f"{q}: {err}")
        prev = None
        for i, line in enumerate(out.splitlines()):
            h = json.loads(line)
            for k in ["rank", "score", "id", "doc", "title", "para", "label", "start", "end", "text"]:
                check(k in h, f"field {k} missing")
            check(h["rank"] == i + 1, "ranks count from 1")
            check(isinstance(h["label"], (str, type(None))), "label is string or null")
            if prev:
                check(prev["score"] > h["score"] or (prev["score"] == h["score"] and prev["id"] < h["id"]),
                      "sorted by score then id")
            prev = h
            # The byte range points at the paragraph in its source file.
            with open(os.path.join(CORPUS, h["doc"]), "rb") as f:
                src = f.read()
            check(0 <= h["start"] < h["end"] <= len(src), "byte range inside the file")
    rc, out, _ = run("stats", "--json", index=index)
    st = json.loads(out)
    check(st["documents"] == 5 and st["paragraphs"] > 100, out)
    rc, out, _ = run("dump", "--json", index=index)
    rows = [json.loads(l) for l in out.splitlines()]
    check(len(rows) == st["paragraphs"], "dump has every paragraph")
    check([r["id"] for r in rows] == list(range(len(rows))), "ids 0..N-1")
    rc, out, _ = run("analyze", "--json", "Japan’s COVID-19 241.1")
    toks = json.loads(out)
    check([t["term"] for t in toks] == ["japan", "covid", "19", "241.1"], out)


def s_exit_status(tmp):
    index = build(tmp)
    rc, out, err = run("zzzznotaword", index=index)
    check(rc == 1, f"no hits gives 1, got {rc}")
    rc, out, err = run("(maritime", index=index)
    check(rc == 2, f"syntax error gives 2, got {rc}")
    check("^" in err and "never closed" in err, err)
    rc, out, err = run("maritime", "OR", index=index)
    check(rc == 2 and "OR needs a term after it" in err, err)
    rc, out, err = run("--count", "japan", index=index)
    check(rc == 0 and out.strip().isdigit() and int(out) > 50, out)
    rc, out, err = run("japan", index=os.path.join(tmp, "noindex"))
    check(rc == 2 and "index" in err, f"missing index: {rc} {err}")
    rc, out, err = run("--bogus", "japan", index=index)
    check(rc == 2, "unknown option is an error")
    rc, out, err = run("--version")
    check(rc == 0 and "ajsearch" in out, out)
    for sub in ["search", "index", "analyze", "stats", "dump", "check"]:
        rc, out, err = run(sub, "--help")
        check(rc == 0 and "usage" in out, f"{sub} --help")
    # offset/limit page through the same ranking
    _, all_hits, _ = search_json(index, "japan", n=20)
    rc, out, _ = run("--json", "--offset", "5", "-n", "5", "japan", index=index)
    page = [json.loads(l) for l in out.splitlines()]
    check([h["id"] for h in page] == [h["id"] for h in all_hits[5:10]], "offset pages")
    # AJSEARCH_INDEX is honoured
    rc, out, err = run("--count", "japan", env={"AJSEARCH_INDEX": index})
    check(rc == 0, f"AJSEARCH_INDEX: {err}")


def s_expansion(tmp):
    """Acronyms and compounds (README "Acronyms and compounds"): UNCLOS finds
    the long form and the long form UNCLOS, both say so in the header and in
    JSON, --no-expand turns it off, `acronyms` lists UNCLOS with its source."""
    index = build(tmp)
    longf = '"United Nations Convention on the Law of the Sea"'

    def count(*q):
        rc, out, err = run("search", "--count", *q, index=index)
        check(rc in (0, 1), f"{q}: {rc} {err}")
        return int(out)

    rc, out, err = run("search", "-n", "3", "UNCLOS", index=index)
    check(rc == 0 and 'also searched: UNCLOS = "United Nations Convention on the Law of the Sea"'
          in out, out)
    plain, expanded = count("--no-expand", longf), count(longf)
    check(expanded > plain, f"long form: {expanded} with expansion, {plain} without")
    rc, hits, err = search_json(index, longf, n=20)
    check(all(h["also"] == [longf + " = UNCLOS"] for h in hits), hits[:1])
    check(any("UNCLOS" in h["text"] and "Convention on the Law" not in h["text"]
              for h in hits), "no paragraph found through the acronym alone")
    rc, out, err = run("search", "--no-expand", "UNCLOS", index=index)
    check(rc == 0 and "also searched" not in out, out)
    rc, out, err = run("search", "--json", "--no-expand", "UNCLOS", index=index)
    hits = [json.loads(line) for line in out.splitlines()]
    check(hits and all("also" not in h for h in hits), hits[:1])
    # compounds, decided from the corpus's own words
    check(count("cyber security") > count("--no-expand", "cyber security"), "cyber security")
    check(count("energy transition") > count("--no-expand", "energy transition"),
          "energy transition")
    # the list of acronyms, with the paragraph each came from
    rc, out, err = run("acronyms", "--json", index=index)
    check(rc == 0, err)
    rows = [json.loads(line) for line in out.splitlines()]
    un = [r for r in rows if r["acronym"] == "UNCLOS"]
    check(len(un) == 1 and un[0]["long_form"] == longf[1:-1] and un[0]["count"] == 2, un)
    rc, out, err = run("dump", "--json", index=index)
    para = [json.loads(line) for line in out.splitlines()][un[0]["id"]]
    check(para["doc"] == un[0]["doc"] and "(UNCLOS)" in para["text"], para)
    rc, out, err = run("acronyms", index=index)
    check(rc == 0 and "UNCLOS = United Nations Convention on the Law of the Sea  (2 paragraphs; "
          "first: 2023-12-17-joint-vision-statement-trusted-partners.txt paragraph" in out, out)


def flip_byte(path, at):
    with open(path, "r+b") as f:
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0x40]))


def s_check_detects(tmp):
    index = build(tmp)
    rc, out, err = run("check", index=index)
    check(rc == 0 and out.startswith("ok"), f"{rc} {out} {err}")
    gen = gen_dir(index)
    for name in ["meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"]:
        # a flipped byte in the middle of the payload
        fresh = build(os.path.join(tmp, "f-" + name))
        path = os.path.join(gen_dir(fresh), name)
        size = os.path.getsize(path)
        flip_byte(path, 64 + (size - 64) // 3)
        rc, out, err = run("check", index=fresh)
        check(rc == 2 and name in err, f"flip in {name}: {rc} {out} {err}")
        # a truncated file is refused at open, by search too
        fresh = build(os.path.join(tmp, "t-" + name))
        path = os.path.join(gen_dir(fresh), name)
        os.truncate(path, os.path.getsize(path) - 5)
        rc, out, err = run("check", index=fresh)
        check(rc == 2 and name in err and "truncated" in err, f"truncated {name}: {rc} {err}")
        rc, out, err = run("japan", index=fresh)
        check(rc == 2, f"search on truncated {name} must fail, got {rc}")
    # another format version
    fresh = build(os.path.join(tmp, "v"))
    path = os.path.join(gen_dir(fresh), "meta.aj")
    with open(path, "r+b") as f:
        f.seek(8)
        f.write((99).to_bytes(4, "little"))
    rc, out, err = run("japan", index=fresh)
    check(rc == 2 and "version" in err, err)


def make_big_corpus(dst, copies):
    os.makedirs(dst)
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".txt"))
    for i in range(copies):
        d = os.path.join(dst, f"c{i:03d}")
        os.makedirs(d)
        for n in names:
            shutil.copy(os.path.join(CORPUS, n), os.path.join(d, n))


def s_killed_build(tmp):
    """SIGKILL a build at many moments: the previous index keeps answering
    exactly as before and passes check."""
    index = build(tmp)
    rc, before, _ = run("--json", "-n", "50", "maritime security", index=index)
    big = os.path.join(tmp, "big")
    make_big_corpus(big, 60)
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    t0 = time.time()
    p = subprocess.run([BIN, "index", "--corpus", big, "--index", os.path.join(tmp, "probe")],
                       capture_output=True)
    full = time.time() - t0
    check(p.returncode == 0, p.stderr)
    rnd = random.Random(7)
    survived = 0
    for i in range(12):
        delay = rnd.uniform(0, full * 1.1)
        proc = subprocess.Popen([BIN, "index", "--corpus", big, "--index", index],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        rc, out, err = run("check", index=index)
        check(rc == 0, f"after kill at {delay:.3f}s: check failed: {err}")
        rc, now, err = run("--json", "-n", "50", "maritime security", index=index)
        # Either the old index (identical answers) or, if the build finished
        # before the kill, the new one (60 copies: many more hits).
        if now != before:
            rc2, cnt, _ = run("--count", "maritime security", index=index)
            check(int(cnt) > 60, f"after kill at {delay:.3f}s answers changed")
            # rebuild the small one for the next round
            build(tmp)
            rc, before, _ = run("--json", "-n", "50", "maritime security", index=index)
        survived += 1
    check(survived == 12, "all kill points survived")
    leftovers = [n for n in os.listdir(index) if n.startswith(".build-")]
    build(tmp)
    check(not [n for n in os.listdir(index) if n.startswith(".build-")],
          f"stale build directories removed: {leftovers}")


def s_deterministic(tmp):
    a = build(os.path.join(tmp, "a"))
    b = build(os.path.join(tmp, "b"))
    for name in ["meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"]:
        with open(os.path.join(gen_dir(a), name), "rb") as f1, open(os.path.join(gen_dir(b), name), "rb") as f2:
            check(f1.read() == f2.read(), f"{name} differs between two builds")


def s_new_document(tmp):
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    with open(os.path.join(corpus, "notes.md"), "w") as f:
        f.write("# Field notes on xylophones\n\nThe xylophone ensemble visited Hanoi.\n")
    index = build(tmp, corpus)
    rc, hits, err = search_json(index, "xylophone")
    check(rc == 0 and len(hits) == 2, f"{rc} {hits} {err}")
    check(all(h["title"] == "Field notes on xylophones" for h in hits), hits[0]["title"])
    check(all(h["doc"] == "notes.md" for h in hits), "doc path relative to corpus")


def s_search_during_build(tmp):
    """Searches while builds switch generations answer from a whole index."""
    index = build(tmp)
    rc, want, _ = run("--count", "japan", index=index)
    stop = time.time() + 3
    builds = 0
    while time.time() < stop:
        proc = subprocess.Popen([BIN, "index", "--corpus", CORPUS, "--index", index],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(5):
            rc, got, err = run("--count", "japan", index=index)
            check(rc == 0 and got == want, f"during a build: {rc} {got} {err}")
        proc.wait()
        builds += 1
    check(builds > 0, "at least one build")


def s_batch_stdin(tmp):
    index = build(tmp)
    queries = ["maritime security", "(broken", "zzzznotaword", "japan"]
    stdin = ("\n".join(queries) + "\n").encode()
    rc, out, err = run("search", "--stdin", "--count", index=index, stdin=stdin)
    check(rc == 2, f"a bad line makes the status 2, got {rc}")
    lines = out.splitlines()
    check(len(lines) == 4 and lines[1] == "error" and lines[2] == "0", out)
    for i in (0, 3):
        rc1, one, _ = run("--count", queries[i], index=index)
        check(one.strip() == lines[i], f"batch count of {queries[i]!r} equals a single run")
    check("line 2" in err, err)
    rc, out, err = run("--stdin", "--json", "-n", "3", index=index, stdin=stdin)
    rows = [json.loads(l) for l in out.splitlines()]
    check({r["query"] for r in rows} == {1, 2, 3, 4}, out[:300])
    check(all("error" in r for r in rows if r["query"] == 2), "error object for line 2")
    # a line that lists nothing gets one object without "rank"
    check([r for r in rows if r["query"] == 3] ==
          [{"query": 3, "total": 0, "listed": 0, "corrected": False, "suggestion": None,
            "missing": ["zzzznotaword"]}], out[:600])
    first = [r["id"] for r in rows if r["query"] == 1]
    _, single, _ = search_json(index, "maritime security", n=3)
    check(first == [h["id"] for h in single], "same hits as a single query")
    rc, out, err = run("--stdin", "--count", index=index, stdin=b"japan\nzzzznotaword\n")
    check(rc == 0, "hits in some query: 0")
    rc, out, err = run("--stdin", "--count", index=index, stdin=b"zzzznotaword\n")
    check(rc == 1, "no hits at all: 1")


def s_did_you_mean(tmp):
    """Misspelt words (not English words, not in capitals) with a close
    correction: run in place of a query no paragraph matches, unless
    --no-correct; never in place of a query with hits. More cases, real
    words among them, in e2e_correct.py."""
    index = build(tmp)
    cases = {
        "maritine security": ("maritime security", "maritine"),
        "smart citeis": ("smart cities", "citeis"),
        "climate chnage": ("climate change", "chnage"),
        "terorism transnational crime": ("terrorism transnational crime", "terorism"),
        "Phillipines peace process": ("Philippines peace process", "Phillipines"),
    }
    for typo, (fixed, word) in cases.items():
        rc, out, err = run(typo, index=index)
        check(rc == 0, f"{typo!r}: the corrected query finds hits, exit {rc}: {err}")
        first = out.splitlines()[0]
        check(first == f"No paragraph contains \u00ab{word}\u00bb; showing results for \u00ab{fixed}\u00bb",
              f"{typo!r}: header {first!r}")
        rc, corrected, _ = search_json(index, typo)
        rc2, direct, _ = search_json(index, fixed)
        check([h["id"] for h in corrected] == [h["id"] for h in direct] and direct,
              f"{typo!r}: not the hits of {fixed!r}")
        check(all(h.get("suggestion") == fixed and h.get("corrected") is True
                  and h.get("missing") == [word] for h in corrected),
              f"{typo!r}: JSON hits lack the suggestion")
        # --no-correct: no paragraph has every word, the suggestion shown;
        # only partial matches (the words spelt right) are listed, so with
        # --no-partial too nothing is listed, status 1, and JSON says why.
        rc, out, err = run("--no-correct", typo, index=index)
        check(out.startswith(f"No paragraph contains \u00ab{word}\u00bb\nNo paragraph matches all words: {typo} ("),
              f"--no-correct {typo!r}: {out[:300]!r}")
        check(f"Did you mean: {fixed}?" in out, f"--no-correct {typo!r}: {out[:300]!r}")
        rc, out, err = run("--no-correct", "--json", typo, index=index)
        hits = [json.loads(l) for l in out.splitlines()]
        check(hits and all(h.get("partial") and h["suggestion"] == fixed for h in hits),
              f"--no-correct --json {typo!r}: {out[:300]!r}")
        check(rc == 0, f"--no-correct --json {typo!r}: exit {rc}")
        rc, out, err = run("--no-correct", "--no-partial", "--json", typo, index=index)
        check(rc == 1 and [json.loads(l) for l in out.splitlines()] ==
              [{"total": 0, "listed": 0, "corrected": False, "suggestion": fixed,
                "missing": [word]}],
              f"--no-correct --no-partial --json {typo!r}: {rc} {out[:200]!r}")
        # --count counts what ran, and says so on standard error.
        rc, out, err = run("--count", typo, index=index)
        rc2, out2, _ = run("--count", fixed, index=index)
        check(rc == 0 and rc2 == 0 and out == out2, f"--count {typo!r}: {out!r}, {fixed!r}: {out2!r}")
        check(f"counted \u00ab{fixed}\u00bb in place of \u00ab{typo}\u00bb" in err, err)
        rc, out, err = run("--count", "--no-correct", typo, index=index)
        check(rc == 1 and out.strip() == "0", f"--count --no-correct {typo!r}: {out!r}")
    # A query with hits is only given the proposal.
    rc, out, err = run("maritine OR security", index=index)
    check(rc == 0 and "Did you mean: maritime OR security?" in out
          and "showing results for" not in out, out[:300])
    rc, hits, err = search_json(index, "maritine OR security")
    check(hits and all(h.get("suggestion") == "maritime OR security" and "corrected" not in h
                       for h in hits), "suggestion on hits of a query that matched")
    # Correct words, numbers, quoted phrases and typo-tolerant words are
    # left alone; the other bytes of the query are kept.
    for q in ["maritime security", "2031", '"maritine security"', "maritine~1", "japan"]:
        rc, hits, err = search_json(index, q)
        check(all(h.get("suggestion") is None for h in hits), f"{q!r} got a suggestion")
        rc, out, err = run(q, index=index)
        check("Did you mean" not in out and "showing results for" not in out, f"{q!r}: {out[:200]!r}")
    rc, out, err = run('(Maritine OR  "maritine")  -terorism', index=index)
    check('showing results for \u00ab(Maritime OR  "maritine")  -terrorism\u00bb' in out,
          out[:300])
    # Batch mode corrects line by line.
    rc, out, err = run("--stdin", "--json", "-n", "1", index=index,
                       stdin=b"maritine security\nzzzznotaword\njapan\n")
    rows = [json.loads(l) for l in out.splitlines()]
    check([r["query"] for r in rows] == [1, 2, 3] and rows[0].get("corrected") is True
          and rows[1].get("listed") == 0 and "suggestion" not in rows[2], out[:400])


def s_near_and_fuzzy(tmp):
    """NEAR and word~N from the command line, against plain queries."""
    index = build(tmp)
    _, phrase, _ = search_json(index, '"maritime security"', n=100)
    _, near0, _ = search_json(index, "maritime NEAR/0 security", n=100)
    _, near10, _ = search_json(index, "NEAR(maritime security)", n=100)
    _, both, _ = search_json(index, "maritime security", n=100)
    ids = lambda hs: {h["id"] for h in hs}
    check(ids(phrase) <= ids(near0) <= ids(near10) <= ids(both),
          "phrase within NEAR/0 within NEAR/10 within AND")
    check(ids(near10) < ids(both), "NEAR/10 is narrower than AND on this corpus")
    rc, hits, err = search_json(index, "chnage~1", n=100)
    _, change, _ = search_json(index, "change", n=100)
    check(rc == 0 and ids(change) <= ids(hits), f"chnage~1 finds what change finds: {err}")
    rc, out, err = run("NEAR(maritime security, 1001)", index=index)
    check(rc == 2 and "at most 1000" in err and "^" in err, err)
    rc, out, err = run("maritime~3", index=index)
    check(rc == 2 and "1 or 2" in err, err)
    rc, out, err = run("--color=always", "-n", "1", "securty~1 NEAR/2 maritime", index=index)
    check(rc == 0 and "\033[1;31msecurity" in out.lower(),
          f"fuzzy match highlighted: {out[:400]!r}")


# ------------------------------------------------------- hostile input

# Under valgrind (make valgrind) the binary is some 30-50 times slower and
# its memory is valgrind's: big inputs shrink and memory bounds are not
# checked there.
VALGRIND = os.environ.get("AJSEARCH_VALGRIND") == "1"
# AddressSanitizer's shadow memory and quarantine inflate the peak RSS:
# memory bounds are checked on the normal build only.
SANITIZED = os.path.basename(os.environ.get("AJSEARCH_BUILD", "")) == "build-san"
CHECK_RSS = not VALGRIND and not SANITIZED


def time_cap(normal, valgrind):
    """Seconds a hostile input may take: a guard against work that grows
    out of bounds (quadratic, unbounded), not a speed figure.  Sanitizer
    builds run several times slower, and more so on a loaded machine."""
    return valgrind if VALGRIND else normal * 3 if SANITIZED else normal
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def run_measured(args, stdin=b"", timeout=120, user=None, env=None):
    """Runs the binary with args; returns (status, stdout, stderr, peak RSS
    in KiB, seconds).  The peak RSS is this child's, from wait4; it counts
    this script's resident memory at the fork too, so callers keep big
    inputs in files rather than in memory (stdin may be bytes or a path).
    With user=65534 it runs unprivileged through setpriv."""
    cmd = [BIN] + list(args)
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + cmd
    e = dict(os.environ)
    e.pop("AJSEARCH_INDEX", None)
    e["NO_COLOR"] = "1"
    if env:
        e.update(env)
    with (open(stdin, "rb") if isinstance(stdin, str) else tempfile.TemporaryFile()) as fin, \
            tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        if not isinstance(stdin, str):
            fin.write(stdin)
            fin.seek(0)
        t0 = time.time()
        p = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=ferr, env=e)
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() - t0 > timeout:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = -9
                raise Fail(f"{args[:3]}... still running after {timeout} s")
            time.sleep(0.005)
        p.returncode = os.waitstatus_to_exitcode(status)
        secs = time.time() - t0
        fout.seek(0)
        ferr.seek(0)
        return p.returncode, fout.read(), ferr.read(), ru.ru_maxrss, secs


def query_cases():
    """(name, query bytes, expected): expected is 'ok' (0 or 1), 'hits' (0),
    or the words an error (2) must mention."""
    every = b" OR ".join(bytes([c]) + b"*" for c in b"abcdefghijklmnopqrstuvwxyz0123456789")
    return [
        ("empty", b"", "empty query"),
        ("whitespace", b" \t \t  ", "empty query"),
        ("1 MiB", b"japan " * ((1 << 20) // 6) + b"japan", "longer than 65536 bytes"),
        ("1 MiB one word", b"x" * (1 << 20), "longer than 65536 bytes"),
        ("just under 64 KiB", b"japan " + b" " * 65000 + b"korea", "ok"),
        ("10000 nested (", b"(" * 10000 + b"japan" + b")" * 10000, "nested deeper than 64"),
        ("10000 open (", b"(" * 10000, "nested deeper than 64"),
        ("10000 )", b")" * 10000, "without a matching"),
        ("64 nested", b"(" * 64 + b"japan" + b")" * 64, "hits"),
        ("thousands of AND", b"japan " + b"AND " * 5000 + b"korea", "AND needs a term"),
        ("thousands of OR", b" OR ".join([b"japan"] * 3000), "more than 1024 terms"),
        ("1024 OR", b" OR ".join([b"japan"] * 1024), "hits"),
        ("thousands of NOT", b"japan " + b"NOT " * 3000 + b"korea", "double negation"),
        ("thousands of -", b"japan " + b"-" * 5000 + b"korea", "double negation"),
        ("dashes only", b"-" * 5000, "stands alone"),
        ("lone dashes", b"japan " + b"- " * 5000 + b"korea", "stands alone"),
        ("typographic quotes", "\u201c".encode() * 3001, "unterminated phrase"),
        ("single quotes", "\u2018a ".encode() * 1000 + b" " * 50000, "ok"),
        ("quotes", b'"' * 1001, "unterminated phrase"),
        ("operators only", b"AND OR NOT " * 1000, "needs a term"),
        ("invalid UTF-8", b"jap\xff\xfean \xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 japan", "ok"),
        ("lone continuation bytes", b"\x80\x81\xbf japan", "hits"),
        ("4096 continuation bytes", b"\x82" * 4096, "empty query"),
        ("NUL bytes", b"japan\x00korea \x00\x00 japan", "ok"),
        ("NUL only", b"\x00" * 100, "empty query"),
        ("control bytes", bytes(range(1, 32)).replace(b"\n", b"") + b" japan \x1b[31m", "ok"),
        ("star alone", b"*", "'*'"),
        ("stars", b"*" * 1000, "'*'"),
        ("star in phrase", b'"japan*"', "'*'"),
        ("prefix of everything", every, "hits"),
        ("a* 1000 times", b" OR ".join([b"a*"] * 1000), "hits"),
        ("prefix and phrase", b'a* "south china sea" c*', "ok"),
        ("long word", b"y" * 60000, "ok"),
    ]


def s_hostile_queries(tmp):
    index = build(tmp)
    worst_rss = worst_t = 0
    tried = 0
    qfile = os.path.join(tmp, "q")

    def expect(name, how, q, want, rc, out, err, rss, secs, lineno=0):
        nonlocal worst_rss, worst_t, tried
        tried += 1
        worst_rss, worst_t = max(worst_rss, rss), max(worst_t, secs)
        what = f"{name!r} via {how}"
        check(rc in (0, 1, 2), f"{what}: status {rc}: {err[-300:]!r}")
        check(not RAW_CONTROL.search(out) and not RAW_CONTROL.search(err),
              f"{what}: raw control bytes in the output")
        out.decode("utf-8")
        err.decode("utf-8")
        check(secs < time_cap(10, 60), f"{what}: took {secs:.1f} s")
        check(not CHECK_RSS or rss < 64 * 1024, f"{what}: peak RSS {rss} KiB")
        check(len(out) < 200_000, f"{what}: {len(out)} bytes of output")
        if want in ("ok", "hits"):
            check(rc in ((0,) if want == "hits" else (0, 1)), f"{what}: status {rc}: {err[-300:]!r}")
            check(not err, f"{what}: {err[-300:]!r}")
        else:
            check(rc == 2, f"{what}: status {rc}, wanted an error")
            msg = err.decode()
            line = f"line {lineno}: " if lineno else ""
            check(re.search(rf"^ajsearch: {line}(query syntax error|limit exceeded) at byte \d+: ", msg, re.M),
                  f"{what}: no position in {msg[:300]!r}")
            check(want in msg, f"{what}: {want!r} not in {msg[:300]!r}")
            check(len(msg) < 1000, f"{what}: the excerpt stays short: {len(msg)} bytes")
            check(msg.count("\n") == 3 and msg.rstrip("\n").endswith("^"),
                  f"{what}: message, excerpt and caret: {msg[:400]!r}")

    for name, q, want in query_cases():
        # argv: a word at most 64 KiB, NUL impossible; a long query is split
        # into arguments, which the command line joins with spaces.
        if b"\x00" not in q:
            parts = [q[i:i + 65536] for i in range(0, len(q), 65536)] or [b""]
            r = run_measured(["--index", index, "-n", "3", "--"] + parts)
            expect(name, "argv", q, want, *r)
        with open(qfile, "wb") as f:
            f.write(q + b"\n")
        r = run_measured(["--index", index, "-n", "3", "--query-file", qfile])
        expect(name, "--query-file", q, want, *r)
        r = run_measured(["--index", index, "-n", "3", "--query-file", "-"], stdin=q)
        expect(name, "--query-file -", q, want, *r)
        if b"\n" not in q:
            r = run_measured(["--index", index, "-n", "3", "--stdin"], stdin=q + b"\n")
            expect(name, "--stdin", q, want, *r, lineno=1)
            r = run_measured(["--index", index, "-n", "3", "--json", "--stdin"],
                             stdin=b"japan\n" + q + b"\r\n")
            rc, out, err = r[0], r[1], r[2]
            rows = [json.loads(l) for l in out.decode().splitlines()]
            check({x["query"] for x in rows} <= {1, 2} and rows[0]["query"] == 1,
                  f"{name!r} via --stdin --json: {out[:300]!r}")
            if want not in ("ok", "hits"):
                check(rc == 2 and [x for x in rows if x["query"] == 2 and "error" in x],
                      f"{name!r} via --stdin --json: error object for line 2")
        # analyze sees the same bytes, with and without --json
        for js in ([], ["--json"]):
            if b"\x00" not in q and len(q) < 100000:
                r = run_measured(["analyze"] + js + ["--", q])
            else:
                r = run_measured(["analyze"] + js, stdin=q.replace(b"\n", b" ") + b"\n")
            rc, out, err, rss, secs = r
            what = f"analyze {' '.join(js)} {name!r}"
            tried += 1
            if len(q) > 1 << 20:
                check(rc == 2 and b"limit exceeded at byte 1048576" in err, f"{what}: {rc} {err[:300]!r}")
                continue
            check(rc == 0 and not err, f"{what}: {rc} {err[:300]!r}")
            check(not RAW_CONTROL.search(out), f"{what}: raw control bytes")
            check(secs < time_cap(10, 60) and (not CHECK_RSS or rss < 64 * 1024), f"{what}: {secs} s, {rss} KiB")
            if js:
                toks = json.loads(out)
                check(all(t["start"] < t["end"] <= len(q) for t in toks), f"{what}: offsets")
    # a line too long for analyze, and an endless one for --stdin
    r = run_measured(["analyze"], stdin=b"word " * 300000)
    check(r[0] == 2 and b"line 1: limit exceeded at byte 1048576" in r[2], f"analyze 1.5 MB line: {r[2]!r}")
    bigin = os.path.join(tmp, "big.in")
    with open(bigin, "wb") as f:        # a 20 MB line
        f.write(b"japan\n")
        for _ in range(20):
            f.write(b"japan " * (1 << 20 >> 3))
        f.write(b"\nkorea\n")
    japan = run_measured(["--index", index, "--count", "japan"])[1].split()[0]
    r = run_measured(["--index", index, "--stdin", "--count"], stdin=bigin)
    rc, out, err, rss, secs = r
    check(rc == 2 and out.split() == [japan, b"error", out.split()[2]] and b"line 2: limit exceeded at byte 65536" in err,
          f"20 MB line in --stdin: {rc} {out!r} {err[:300]!r}")
    check(not CHECK_RSS or rss < 64 * 1024, f"20 MB line in --stdin: peak RSS {rss} KiB")
    # a batch of every case at once
    batch = b"\n".join(q for _, q, _ in query_cases() if b"\n" not in q) + b"\n"
    r = run_measured(["--index", index, "--stdin", "--count"], stdin=batch)
    n = len([1 for _, q, _ in query_cases() if b"\n" not in q])
    check(r[0] == 2 and len(r[1].splitlines()) == n, f"batch: {r[0]} {r[1][:300]!r}")
    print(f"hostile_queries: {tried} runs, slowest {worst_t:.3f} s, peak RSS {worst_rss} KiB")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def repeat_words(path, nbytes, first, last, line=None):
    """Writes about nbytes of English-like words, first and last words
    given; every `line` bytes a newline (None: no newline at all)."""
    words = (b"the quick brown fox jumps over the lazy dog while seven "
             b"wizards quietly judge boxing matches near old harbours ").split()
    chunk = bytearray()
    col = 0
    for i in range(40000):
        w = words[(i * 7 + i // 13) % len(words)]
        chunk += w
        col += len(w) + 1
        if line and col >= line:
            chunk += b"\n"
            col = 0
        else:
            chunk += b" "
    with open(path, "wb") as f:
        f.write(first + b" ")
        left = nbytes
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
        f.write(b" " + last + b"\n")


def zip_bomb():
    """A DOCX whose document part inflates to 300 MiB of spaces."""
    import io
    import zipfile
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        # written a MiB at a time: this script's memory is part of the
        # indexer's measured peak (run_measured)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document>")
            mib = b" " * (1 << 20)
            for _ in range(300):
                part.write(mib)
            part.write(b"</w:document>")
    return b.getvalue()


def s_hostile_corpus(tmp):
    big, para = (20 << 20, 5 << 20) if VALGRIND else (200 << 20, 50 << 20)
    os.chmod(tmp, 0o777)   # the indexer runs as nobody
    corpus = os.path.join(tmp, "corpus")
    skipped = {}           # file -> what its warning must say
    write(os.path.join(corpus, "good.txt"), b"Zebras graze on the savanna.\n\nThe okapi hides.\n")
    write(os.path.join(corpus, "sub/deep/notes.md"), b"# Notes\n\nA wombat dug a burrow.\n")
    write(os.path.join(corpus, "binary.txt"), b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64)
    skipped["binary.txt"] = "binary file"
    write(os.path.join(corpus, "late-nul.txt"), b"aardwolf text " * 10 + b"\x00" + b"more")
    skipped["late-nul.txt"] = "binary file"
    write(os.path.join(corpus, "latin1.txt"), b"Caf\xe9 cr\xe8me br\xfbl\xe9e and a quokka \xff\xfe\xc0\x80\n")
    write(os.path.join(corpus, "empty.txt"), b"")
    write(os.path.join(corpus, "blank.md"), b"\n\n  \n\t\n")
    write(os.path.join(corpus, "controls.txt"), bytes(range(1, 32)) + b" numbat \x7f\x1b[2J\n")
    write(os.path.join(corpus, "dir.txt/inside.txt"), b"The platypus lives in dir.txt.\n")
    os.makedirs(os.path.join(corpus, "emptydir.md"))
    write(os.path.join(corpus, b"name-\xff\xfe-latin\xe9.txt".decode("utf-8", "surrogateescape")),
          b"The pangolin's file name is not UTF-8.\n")
    write(os.path.join(corpus, "unreadable.txt"), b"secret tapir\n")
    os.chmod(os.path.join(corpus, "unreadable.txt"), 0)
    skipped["unreadable.txt"] = "cannot read: Permission denied"
    os.makedirs(os.path.join(corpus, "locked"))
    write(os.path.join(corpus, "locked/hidden.txt"), b"hidden capybara\n")
    os.chmod(os.path.join(corpus, "locked"), 0)
    skipped["locked"] = "cannot read directory: Permission denied"
    os.symlink("loop.txt", os.path.join(corpus, "loop.txt"))
    skipped["loop.txt"] = "Too many levels of symbolic links"
    os.symlink("cycle-b.txt", os.path.join(corpus, "cycle-a.txt"))
    os.symlink("cycle-a.txt", os.path.join(corpus, "cycle-b.txt"))
    skipped["cycle-a.txt"] = skipped["cycle-b.txt"] = "Too many levels of symbolic links"
    os.symlink("nowhere.txt", os.path.join(corpus, "dangling.txt"))
    skipped["dangling.txt"] = "No such file or directory"
    os.symlink(".", os.path.join(corpus, "dirloop"))        # not followed
    skipped["dirloop"] = "symbolic link to a directory (not followed)"
    os.symlink("sub", os.path.join(corpus, "subdir-link"))
    skipped["subdir-link"] = "symbolic link to a directory (not followed)"
    os.symlink("sub", os.path.join(corpus, "sublink.txt"))
    skipped["sublink.txt"] = "symbolic link to a directory (not followed)"
    os.mkfifo(os.path.join(corpus, "fifo.txt"))
    skipped["fifo.txt"] = "not a regular file"
    os.symlink("good.txt", os.path.join(corpus, "alias.txt"))  # indexed again
    write(os.path.join(corpus, "metadata.tsv"),
          b"good.txt\t2024\t\t" + b"T" * 100000 + b"\nlatin1.txt\t2023\t\tLatin \xe9 \x1b[1m\r\n")
    # big files: one line of `big` bytes, and one hard-wrapped paragraph of
    # `para` bytes (80-byte lines, no blank line)
    repeat_words(os.path.join(corpus, "big-one-line.txt"), big, b"firstaardvark", b"lastaardvark")
    repeat_words(os.path.join(corpus, "one-paragraph.txt"), para, b"firstbison", b"lastbison", line=80)
    write(os.path.join(corpus, "no-space.txt"), b"x" * (3 << 20) + b" lastchinchilla\n")
    # hostile documents for ajsearch-extract, which the indexer runs for
    # them: one warning each, the rest indexed, the indexer's memory
    # untouched (the extractor is a process of its own, under limits;
    # tests/test_extract.c gives it more, a PDF of 100,001 pages included)
    write(os.path.join(corpus, "bomb.docx"), zip_bomb())
    skipped["bomb.docx"] = "DOCX document: zip: word/document.xml is too large"
    write(os.path.join(corpus, "deep.html"),
          b"<!DOCTYPE html><html><body>" + b"<div>" * 200000 + b"x" + b"</div>" * 200000)
    skipped["deep.html"] = "HTML document: HTML elements nested deeper than 512"
    write(os.path.join(corpus, "cut.pdf"), b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"0" * 5000)
    skipped["cut.pdf"] = "PDF document: truncated PDF"

    write(os.path.join(corpus, "one-word.txt"), b"a " * ((big // 10) >> 1) + b"\n")
    for root, dirs, files in os.walk(tmp):
        for d in dirs:
            if not d.startswith("locked"):
                os.chmod(os.path.join(root, d), 0o777)
    index = os.path.join(tmp, "index")
    # As root every file is readable: the indexer runs as nobody so that
    # the unreadable file and directory really are unreadable.
    rc, out, err, rss, secs = run_measured(["index", "--corpus", corpus, "--index", index],
                                           user=65534 if os.geteuid() == 0 else None, timeout=300)
    text = err.decode("utf-8")
    check(rc == 0, f"index failed ({rc}): {text[-2000:]}")
    check(not RAW_CONTROL.search(err), "raw control bytes in the warnings")
    check(f"warning: {corpus}/metadata.tsv: line 1 is longer than 65536 bytes, ignored" in text, text[-2000:])
    warns = [l for l in text.splitlines() if l.startswith("ajsearch: warning: ") and "metadata.tsv" not in l]
    for name, why in skipped.items():
        mine = [l for l in warns if l.startswith(f"ajsearch: warning: {corpus}/{name}: ")]
        check(len(mine) == 1, f"{name}: {len(mine)} warnings in {text[-2000:]}")
        check(why in mine[0] and mine[0].endswith("skipped"), f"{name}: {mine[0]}")
    check(len(warns) == len(skipped), f"{len(warns)} warnings for {len(skipped)} skipped files:\n" + "\n".join(warns))
    check(f"skipped {len(skipped)} files" in text, text[-500:])
    # 164 MB before format 7, 252-264 MB since: a paragraph of common words
    # holds a pair term per token besides its words (README, Reliability).
    limit_kib = 320 * 1024
    print(f"hostile_corpus: indexed {big >> 20} MB line + {para >> 20} MB paragraph in {secs:.1f} s, "
          f"peak RSS {rss} KiB")
    check(not CHECK_RSS or rss < limit_kib, f"index peak RSS {rss} KiB, over {limit_kib} KiB")
    # everything that is text is searchable, whatever its name
    for word, doc in [("zebras", "good.txt"), ("wombat", "sub/deep/notes.md"), ("quokka", "latin1.txt"),
                      ("numbat", "controls.txt"), ("platypus", "dir.txt/inside.txt"),
                      ("pangolin", "name-\ufffd\ufffd-latin\ufffd.txt"),
                      ("firstaardvark", "big-one-line.txt"), ("lastaardvark", "big-one-line.txt"),
                      ("firstbison", "one-paragraph.txt"), ("lastbison", "one-paragraph.txt"),
                      ("lastchinchilla", "no-space.txt"), ("okapi", "alias.txt")]:
        rc, out, err, rss, secs = run_measured(["--index", index, "--json", "-n", "5", "--", word])
        check(rc == 0, f"{word}: {rc} {err!r}")
        hits = [json.loads(l) for l in out.decode().splitlines()]
        check(doc in [h["doc"] for h in hits], f"{word}: not found in {doc}: {[h['doc'] for h in hits]}")
        check(secs < time_cap(10, 60) and (not CHECK_RSS or rss < 64 * 1024), f"{word}: {secs} s, {rss} KiB")
        for h in hits:
            check(h["end"] - h["start"] <= 1 << 20 and len(h["text"].encode()) <= 1 << 20,
                  f"{word}: a paragraph over 1 MiB")
        rc, out, err, rss, secs = run_measured(["--index", index, "--color=never", "-n", "3", "--", word])
        check(rc == 0 and len(out) < 4000 and not RAW_CONTROL.search(out), f"{word}: human output {out[:500]!r}")
    # highlighting 1 MiB paragraphs for a query of a thousand clauses
    many = " OR ".join(f"q{a}{b}{c}" for a in "bcdfghkl" for b in "bcdfghkl" for c in "bcdfghklmnpr") + " OR fox OR qu*"
    rc, out, err, rss, secs = run_measured(["--index", index, "--color=always", "-n", "20", "--", many])
    check(rc == 0 and secs < time_cap(10, 120) and b"\x1b[1;31mfox" in out, f"1000 clauses: {rc} {secs:.1f} s {err[:300]!r}")
    # a phrase of a word that fills whole 1 MiB paragraphs
    rc, out, err, rss, secs = run_measured(["--index", index, "--count", '"a a a"'])
    check(rc == 0 and int(out) >= big // 10 >> 20 and secs < time_cap(10, 120),
          f'"a a a": {rc} {out!r} {secs:.1f} s')
    print(f'hostile_corpus: "a a a" over {int(out)} paragraphs in {secs:.2f} s, peak RSS {rss} KiB')
    for word in ["tapir", "capybara", "aardwolf"]:
        rc, out, err, rss, secs = run_measured(["--index", index, "--count", word])
        check(rc == 1, f"{word} comes from a skipped file")
    # the long inputs became many paragraphs, each at most 1 MiB
    rc, out, err, rss, secs = run_measured(["stats", "--index", index, "--json"])
    st = json.loads(out)
    check(st["paragraphs"] >= big // (1 << 20) + para // (1 << 20), f"{st['paragraphs']} paragraphs")
    rc, out, err, rss, secs = run_measured(["--index", index, "--count", "quick brown fox"])
    check(rc == 0 and int(out) >= (big + para) // (1 << 20), out)
    rc, out, err, rss, secs = run_measured(["check", "--index", index], timeout=300)
    check(rc == 0, f"check: {err!r}")


def random_text(path, nbytes, seed, kind):
    """Writes about nbytes of tokens that hardly ever repeat: "base64" is
    random bytes in base64, 76 characters a line (a mail archive's
    attachments, a data dump); "words" is random lower-case words of a few
    letters, 80-byte lines, a blank line every 20 lines."""
    rnd = random.Random(seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        if kind == "base64":
            f.write(base64.encodebytes(rnd.randbytes(nbytes * 3 // 4)))
            return
        # 26 letters and a space in every 256 byte values: words of about
        # 9 letters
        table = bytes(b"abcdefghijklmnopqrstuvwxyz"[i % 26] if i % 10 else 32 for i in range(256))
        lines = []
        for i in range(nbytes // 81):
            lines.append(rnd.randbytes(80).translate(table) + (b"\n\n" if i % 20 == 19 else b"\n"))
        f.write(b"".join(lines))


def s_random_tokens(tmp):
    """A vocabulary as large as the text: memory follows --memory, not the
    number of distinct words (README, Reliability, "Hostile corpora")."""
    size = (1 << 20) if VALGRIND else (8 << 20)
    corpus = os.path.join(tmp, "corpus")
    random_text(os.path.join(corpus, "base64.txt"), size, 1, "base64")
    random_text(os.path.join(corpus, "words.txt"), size, 2, "words")
    small, dflt = os.path.join(tmp, "index-16M"), os.path.join(tmp, "index")
    rc, out, err, rss, secs = run_measured(["index", "--corpus", corpus, "--index", small,
                                            "--memory", "16M", "--threads", "2"], timeout=600)
    check(rc == 0, f"index --memory 16M failed ({rc}): {err[-2000:]!r}")
    summary = (out + err).decode(errors="replace").strip().splitlines()[-1:]
    print(f"random_tokens: {2 * size >> 20} MB of random tokens, --memory 16M, 2 threads: "
          f"{secs:.1f} s, peak RSS {rss} KiB; {summary}")
    # the budget plus two threads' worth of tables (a worker hands its keys
    # over between paragraphs, and a paragraph may hold 1 MiB of distinct
    # words): 220 MB measured; before the keys spilled with the postings,
    # 954 MB (README, Reliability)
    limit_kib = 320 * 1024
    check(not CHECK_RSS or rss < limit_kib, f"index --memory 16M peak RSS {rss} KiB, over {limit_kib} KiB")
    rc, out, err, rss, secs = run_measured(["index", "--corpus", corpus, "--index", dflt], timeout=600)
    check(rc == 0, f"index failed ({rc}): {err[-2000:]!r}")
    print(f"random_tokens: default settings: {secs:.1f} s, peak RSS {rss} KiB")
    # the default budget holds the whole build, workers' tables included
    # (issue 13's target: 580 MB measured before the workers kept their
    # tables' room and exports of new keys went straight to runs)
    check(not CHECK_RSS or rss < 512 * 1024, f"index peak RSS {rss} KiB, over the default budget")
    # the same bytes whatever the budget (the small one spilled keys to runs)
    for name in ["meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"]:
        a = os.path.join(small, current(small), name)
        b = os.path.join(dflt, current(dflt), name)
        check(filecmp.cmp(a, b, shallow=False), f"{name} differs between --memory 16M and the default")
    # a word from the middle of each file is found there
    for name in ["base64.txt", "words.txt"]:
        with open(os.path.join(corpus, name), "rb") as f:
            f.seek(size // 2)
            f.readline()
            line = f.readline().decode()
        word = max(re.findall(r"[a-z]+", line.lower()), key=len)
        rc, out, err, rss, secs = run_measured(["--index", small, "--json", "-n", "50", "--", word])
        docs = [json.loads(l)["doc"] for l in out.decode().splitlines()] if rc == 0 else []
        check(name in docs, f"{word} from {name}: {rc} {docs} {err[:300]!r}")
    rc, out, err, rss, secs = run_measured(["check", "--index", small], timeout=300)
    check(rc == 0, f"check: {err!r}")


def s_output_safety(tmp):
    corpus = os.path.join(tmp, "corpus")
    evil = b"\x1b]0;owned\x07\x1b[2J\x1b[31m"
    docs = {
        b"esc.txt": b"Escape " + evil + b"red\x1b[0m text about meerkats\n\n"
                    b"bell\x07 backspace\x08\x08 cr\r del\x7f meerkats again\n",
        b"c1.txt": b"C1 controls \xc2\x9b31m and \xc2\x85 raw \x9b31m about meerkats\n",
        b"quotes.md": b"# \"Quoted\" \\title\\ of meerkats\n\n\"double\" 'single' back\\slash \\u0041 \\n meerkats\n",
        b"invalid.txt": b"Invalid \xff\xfe \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80 meerkats\n",
        b"name-\xff\xfe.txt": b"a file name that is not UTF-8, about meerkats\n",
        b"esc-\x1b[31m-\x07-name.txt": b"a file name with escapes, about meerkats\n",
        b"new\nline.txt": b"a file name with a newline, about meerkats\n",
        b"bin-\x1b[1m.txt": b"\x00binary",
    }
    os.makedirs(corpus)
    for name, data in docs.items():
        write(os.path.join(corpus.encode(), name), data)
    write(os.path.join(corpus, "metadata.tsv"),
          b"esc.txt\t2024-01-01\tsrc\x1b[5m\tTitle \x1b[1mbold\x1b[0m\x07 and \xff\xfe\n"
          b"c1.txt\t\xc2\x9b2J\t\t\"Quoted\" \\ title\x7f\n")
    index = os.path.join(tmp, "index")
    rc, out, err, _, _ = run_measured(["index", "--corpus", corpus, "--index", index])
    check(rc == 0, f"index: {err!r}")
    check(b"bin-\xef\xbf\xbd[1m.txt: binary file" in err, f"warning names the file safely: {err!r}")
    outputs = [(["index", "--corpus", corpus, "--index", index], "index")]
    human = [["--color=never", "-n", "20", "meerkats"], ["--color=never", "--explain", "-n", "20", "meerkats OR file*"],
             ["dump"], ["stats"], ["check"], ["analyze", "--", evil.decode("latin-1")],
             ["--color=never", "--", "meerkats " + evil.decode("latin-1")]]
    for args in human:
        sub = args[0] in SUBCOMMANDS and args[0] != "analyze"
        full = ([args[0], "--index", index] + args[1:]) if sub else (args if args[0] == "analyze" else ["--index", index] + args)
        rc, out, err, _, _ = run_measured(full)
        check(rc in (0, 1), f"{args}: {rc} {err!r}")
        allowed_tab = args[0] == "dump"
        for stream, data in (("stdout", out), ("stderr", err)):
            bad = RAW_CONTROL.search(data.replace(b"\t", b"") if allowed_tab else data)
            check(not bad, f"{args}: raw control byte {bad and bad.group()!r} in {stream}: {data[:400]!r}")
            txt = data.decode("utf-8")     # strict: the output is valid UTF-8
            c1 = re.search("[\u0080-\u009f]", txt)
            check(not c1, f"{args}: C1 control in {stream}")
    # the human output shows the documents' readable parts
    rc, out, err, _, _ = run_measured(["--index", index, "--color=never", "-n", "20", "meerkats"])
    txt = out.decode()
    for want in ["Title \ufffd[1mbold\ufffd[0m\ufffd and \ufffd\ufffd", '"Quoted" \\ title\ufffd',
                 '"double" \'single\' back\\slash \\u0041 \\n meerkats', "Invalid \ufffd\ufffd"]:
        check(want in txt, f"{want!r} not in {txt[:3000]!r}")
    # --json: every line parses, whatever the corpus holds
    for args in (["--json", "-n", "100", "meerkats"], ["--json", "--explain", "-n", "100", "meerkats OR file*"],
                 ["dump", "--json"], ["stats", "--json"], ["--stdin", "--json"]):
        sub = args[0] in SUBCOMMANDS
        full = ([args[0], "--index", index] + args[1:]) if sub else ["--index", index] + args
        rc, out, err, _, _ = run_measured(full, stdin=b"meerkats\n(bad \x1b[31m\xff\nfile*\n")
        check(rc in (0, 2), f"{args}: {rc} {err!r}")
        check(not RAW_CONTROL.search(out.replace(b"\n", b"")), f"{args}: raw control bytes in JSON")
        rows = [json.loads(l) for l in out.decode("utf-8").splitlines()]
        check(rows, f"{args}: no output")
        if args[0] == "dump":
            by_doc = {}
            for r in rows:
                by_doc.setdefault(r["doc"], []).append(r)
            check(set(by_doc) == {"esc.txt", "c1.txt", "quotes.md", "invalid.txt", "name-\ufffd\ufffd.txt",
                                  "esc-\x1b[31m-\x07-name.txt", "new\nline.txt"}, sorted(by_doc))
            texts = " ".join(r["text"] for r in rows)
            for want in ["\"double\" 'single' back\\slash \\u0041 \\n meerkats", "Invalid \ufffd\ufffd",
                         "\u009b31m and \u0085 raw \ufffd31m", "[31mred [0m text about meerkats"]:
                check(want in texts, f"dump --json: {want!r} not in {texts!r}")
            check(by_doc["esc.txt"][0]["title"] == "Title \x1b[1mbold\x1b[0m\x07 and \ufffd\ufffd",
                  by_doc["esc.txt"][0]["title"])
            check(by_doc["c1.txt"][0]["title"] == "\"Quoted\" \\ title\x7f", by_doc["c1.txt"][0]["title"])
    # deterministic: the same index dumps the same bytes twice
    a = run_measured(["dump", "--json", "--index", index])[1]
    b = run_measured(["dump", "--json", "--index", index])[1]
    check(a == b, "dump --json is deterministic")


# ------------------------------------------------------- output formats

def fold_source(b):
    """What a stretch of source bytes reads as: markup out, entities decoded,
    whitespace collapsed, case folded."""
    import html
    t = b.decode("utf-8", "replace")
    t = re.sub(r"<[^>]*>", "", t).replace("**", "")
    # a hyphen at a line's end joins the next line's word ("people-to-" /
    # "people"), with no space
    t = re.sub(r"(?<=[A-Za-z]-)[ \t]*\r?\n\s*(?=[a-z])", "", t)
    return re.sub(r"\s+", " ", html.unescape(t)).casefold()


def s_output_formats(tmp):
    index = build(tmp)
    queries = ["maritime security", '"South China Sea"', "cooperat*", "ASEAN-Japan 28th",
               "organization", "defense OR programme", "centre", "japan", "summit NOT 2020"]
    nmatch = 0
    for q in queries:
        rc, out, err = run("--json", "--corpus", CORPUS, "-n", "1000", "--", q, index=index)
        check(rc == 0, f"{q}: exit {rc}: {err}")
        for line in out.splitlines():
            h = json.loads(line)
            for k in ("date", "heading", "cite", "text_matches", "matches"):
                check(k in h, f"{q}: field {k} missing")
            tm, sm = h["text_matches"], h["matches"]
            check(tm, f"{q}: hit {h['id']} has no match: {h['text'][:200]}")
            check(sm is not None and len(sm) == len(tm), f"{q}: hit {h['id']}: source matches {sm}")
            text = h["text"].encode()
            with open(os.path.join(CORPUS, h["doc"]), "rb") as f:
                src = f.read()
            prev = -1
            for (ts, te), (ss, se) in zip(tm, sm):
                check(0 <= ts < te <= len(text) and ts >= prev, f"{q}: text range {ts},{te}")
                prev = te
                check(h["start"] <= ss < se <= h["end"], f"{q}: source range {ss},{se} outside the paragraph")
                word = text[ts:te].decode().casefold()
                check(fold_source(src[ss:se]) == word,
                      f"{q}: source {src[ss:se]!r} at {ss},{se} is not the match {word!r}")
                nmatch += 1
            check(h["cite"].startswith(h["title"] + " \u00b7 "), h["cite"])
    check(nmatch > 300, f"only {nmatch} matches checked")
    # citations: a label, else the position under the section heading
    # (README "Output"; tests/cli/e2e_struct.py has the rules' own cases)
    rc, hits, err = search_json(index, '"South China Sea" NOT Taiwan', n=1)
    check(hits[0]["cite"].endswith("\u00b7 2020-11-12 \u00b7 \u00b6 28"), hits[0]["cite"])
    rc, hits, err = search_json(index, "cybersecurity patrol vessels", n=1)
    h = hits[0]
    check(h["label"] is None and h["heading"] == "\u201cPartners for Peace and Stability.\u201d",
          f"heading {h['heading']!r}")
    check(h["section"] == ["1 Review of ASEAN-Japan Cooperation and its Future Direction",
                           "(iii) \u201cPartners for Peace and Stability.\u201d"], h["section"])
    check(h["cite"].endswith("under (iii) \u201cPartners for Peace and Stability.\u201d, paragraph 1"),
          h["cite"])
    rc, out, err = run("-n", "1", "cybersecurity patrol vessels", index=index)
    check("under (iii) \u201cPartners for Peace" in out, out)
    # a changed or missing source: text offsets stay, source offsets are null
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    index2 = os.path.join(tmp, "index2")
    check(run("index", "--corpus", corpus, index=index2)[0] == 0, "index of the copy")
    chairman = "2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt"
    vision = "2023-12-17-joint-vision-statement-trusted-partners.txt"
    with open(os.path.join(corpus, chairman), "r+b") as f:
        data = f.read()
        f.seek(0)
        f.write(b"X" + data)
    os.unlink(os.path.join(corpus, vision))
    rc, out, err = run("--json", "--corpus", corpus, "-n", "1000", "maritime OR security", index=index2)
    check(rc == 0, err)
    seen = set()
    for line in out.splitlines():
        h = json.loads(line)
        check(h["text_matches"], "text matches are kept")
        if h["doc"] in (chairman, vision):
            check(h["matches"] is None, f"{h['doc']}: source matches {h['matches']} from a changed file")
        else:
            check(h["matches"] is not None, f"{h['doc']}: source matches lost")
        seen.add(h["doc"])
    check({chairman, vision} <= seen and len(seen) >= 4, sorted(seen))
    env = {"AJSEARCH_CORPUS": corpus}
    rc, out, err = run("--json", "-n", "1", "maritime", index=index2, env=env)
    check(json.loads(out)["matches"] is not None, "$AJSEARCH_CORPUS names the corpus")
    # --mark: matches visible without colour; not without --mark
    rc, out, err = run("--mark", "-n", "3", "maritime security", index=index)
    check("[[maritime]] [[security]]" in out, out)
    check("[[" not in run("-n", "3", "maritime security", index=index)[1], "markers only with --mark")
    rc, out, err = run("--mark", "-n", "1", "Defense", index=index)
    check("[[Defence]]" in out or "[[defence]]" in out, f"the British spelling is marked: {out}")
    rc, out, err = run("--mark", "-n", "1", "cooperat*", index=index)
    check(re.search(r"\[\[[Cc]ooperat\w*\]\]", out), out)
    # --group: documents by best paragraph, counts over all matches
    for q in ["japan", "maritime security", "cooperat*"]:
        rc, flat, err = search_json(index, q, n=100000)
        # groups hold paragraphs that match the query, not partial matches
        flat = [h for h in flat if not h.get("partial")]
        rc, out, err = run("--group", "--json", "-n", "100", "--", q, index=index)
        check(rc == 0, err)
        groups = [json.loads(l) for l in out.splitlines()]
        docs = []
        for h in flat:
            if h["doc"] not in docs:
                docs.append(h["doc"])
        check([g["doc"] for g in groups] == docs, f"{q}: documents in order of their best paragraph")
        check(sum(g["matching_paragraphs"] for g in groups) == len(flat), f"{q}: counts")
        for i, g in enumerate(groups):
            check(g["group"] == i + 1, "groups count from 1")
            want = [h for h in flat if h["doc"] == g["doc"]]
            check(g["matching_paragraphs"] == len(want), f"{q}: {g['doc']} count")
            check([h["id"] for h in g["hits"]] == [h["id"] for h in want[:3]], f"{q}: best 3 of {g['doc']}")
            check(g["score"] == g["hits"][0]["score"], "a group's score is its best paragraph's")
    rc, out, err = run("--group", "-n", "2", "--offset", "1", "japan", index=index)
    check(re.search(r"paragraphs match in 5 documents: japan .*showing documents 2-3", out), out[:300])
    check(re.search(r"^ 2\. .*\u00b7 \d+ matching paragraphs?$", out, re.M), out[:600])
    check(not re.search(r"^ 1\. ", out, re.M) and not re.search(r"^ 4\. ", out, re.M), "offset and limit count documents")


def s_html_escaping(tmp):
    from html.parser import HTMLParser
    corpus = os.path.join(tmp, "corpus")
    os.makedirs(corpus)
    hostile = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    write(os.path.join(corpus, "evil.txt"),
          ("Wombats " + hostile + " &quot;quoted&quot; & a < b > c ' d \" e wombats\n\n"
           "&lt;img src=x onerror=alert(1)&gt; wombat attributes\n").encode())
    write(os.path.join(corpus.encode(), b"we<i>rd&'\".txt"), b"A file name with markup, wombats\n")
    write(os.path.join(corpus, "metadata.tsv"),
          b"evil.txt\t2024-01-01\tsrc\tTitle <b onclick=\"x\">&amp; 'bold'</b>\n")
    index = os.path.join(tmp, "index")
    check(run("index", "--corpus", corpus, index=index)[0] == 0, "index")
    allowed_tags = {"section", "p", "q", "ol", "li", "cite", "blockquote", "mark", "ul", "code"}
    allowed_attrs = {"class", "data-query", "data-line", "start", "value", "data-id", "data-score", "data-doc"}

    class Checker(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.text, self.attrs, self.marks, self.stack = [], [], [], []

        def handle_starttag(self, tag, attrs):
            check(tag in allowed_tags, f"tag <{tag}> from the corpus or the query")
            for k, v in attrs:
                check(k in allowed_attrs, f"attribute {k}={v!r} from the corpus or the query")
                self.attrs.append(v)
            self.stack.append(tag)

        def handle_endtag(self, tag):
            check(self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}")
            self.stack.pop()

        def handle_data(self, data):
            self.text.append(data)
            if self.stack and self.stack[-1] == "mark":
                self.marks.append(data)

    for args in (["--html", "-n", "50"], ["--html", "--group"], ["--html", "--explain"]):
        for q in ["wombats", "wombat* OR script", "\"wombats\" OR <script>'&amp;"]:
            rc, out, err = run(*args, "--", q, index=index)
            check(rc == 0, f"{args} {q!r}: {rc} {err}")
            p = Checker()
            p.feed(out)
            p.close()
            check(not p.stack, f"unclosed {p.stack}")
            text = "".join(p.text)
            check("<script>alert('x')</script>" in text, f"{args}: the corpus text survives as text: {text[:500]}")
            check("\"quoted\" & a < b > c ' d \" e" in text, text[:500])
            if "--group" not in args:
                # metadata titles are kept as written, entities included
                check("Title <b onclick=\"x\">&amp; 'bold'</b>" in text, f"title as text: {text[:800]}")
            check(q in p.attrs, f"the query is an attribute value: {p.attrs}")
            check(p.marks and all(m.casefold().startswith(("wombat", "script")) for m in p.marks), p.marks)
        # the file name arrives in data-doc intact
        rc, out, err = run(*args, "--", "markup", index=index)
        p = Checker()
        p.feed(out)
        check("we<i>rd&'\".txt" in p.attrs, p.attrs)
    check(run("--html", "--json", "wombats", index=index)[0] == 2, "--html with --json is an error")



def main(name, namespace):
    """Runs the scenario named on the command line: one of the functions
    s_NAME of `namespace` (a test script's globals()), given a fresh
    temporary directory; exit status 0 when it passes."""
    scenarios = {k[2:]: v for k, v in namespace.items() if k.startswith("s_")}
    if len(sys.argv) != 2 or sys.argv[1] not in scenarios:
        print(f"usage: {name}.py SCENARIO\nscenarios: " + " ".join(sorted(scenarios)))
        sys.exit(2)
    if not os.path.exists(BIN):
        print(f"{name}: binary {BIN} not found")
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix=f"ajsearch-{name}-")
    try:
        scenarios[sys.argv[1]](tmp)
    except Fail as e:
        print(f"{name} {sys.argv[1]}: FAIL: {e}")
        sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{name} {sys.argv[1]}: ok")


if __name__ == "__main__":
    main("e2e", globals())
