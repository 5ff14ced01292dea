#!/usr/bin/env python3
"""End-to-end tests of the ajsearch command line on the real corpus.

Usage: e2e.py SCENARIO   (run from the repository root; $AJSEARCH_BIN names
the binary, default ./ajsearch). Each scenario builds its own index in a
temporary directory, so scenarios can run in parallel. Exit status 0 = pass;
on failure the reason is printed.
"""
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
SUBCOMMANDS = {"search", "index", "analyze", "stats", "dump", "check"}


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


def gen_dir(index):
    return os.path.join(index, os.readlink(os.path.join(index, "CURRENT")))


# ---------------------------------------------------------------- scenarios

def s_maritime(tmp):
    index = build(tmp)
    rc, hits, err = search_json(index, "maritime security")
    check(rc == 0, f"exit {rc}: {err}")
    check(len(hits) >= 3, f"only {len(hits)} hits")
    top = hits[0]
    check("maritime security" in top["text"].lower(), f"top hit is not about maritime security: {top['text'][:200]}")
    for h in hits:
        t = h["text"].lower()
        check("maritim" in t and "secur" in t, f"hit {h['id']} lacks a term")
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
    check({r["query"] for r in rows} == {1, 2, 4}, out[:300])
    check(all("error" in r for r in rows if r["query"] == 2), "error object for line 2")
    first = [r["id"] for r in rows if r["query"] == 1]
    _, single, _ = search_json(index, "maritime security", n=3)
    check(first == [h["id"] for h in single], "same hits as a single query")
    rc, out, err = run("--stdin", "--count", index=index, stdin=b"japan\nzzzznotaword\n")
    check(rc == 0, "hits in some query: 0")
    rc, out, err = run("--stdin", "--count", index=index, stdin=b"zzzznotaword\n")
    check(rc == 1, "no hits at all: 1")


SCENARIOS = {k[2:]: v for k, v in globals().items() if k.startswith("s_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print("usage: e2e.py SCENARIO\nscenarios: " + " ".join(sorted(SCENARIOS)))
        sys.exit(2)
    if not os.path.exists(BIN):
        print(f"e2e: binary {BIN} not found")
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix="ajsearch-e2e-")
    try:
        SCENARIOS[sys.argv[1]](tmp)
    except Fail as e:
        print(f"e2e {sys.argv[1]}: FAIL: {e}")
        sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"e2e {sys.argv[1]}: ok")
