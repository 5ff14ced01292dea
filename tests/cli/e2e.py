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


# ------------------------------------------------------ hostile input

def run_measured(args, stdin=None, preexec=None, timeout=120):
    """Runs the binary; returns (status, stdout bytes, stderr text, seconds,
    peak RSS in MiB) using wait4, so the RSS is this child's alone."""
    env = dict(os.environ)
    env.pop("AJSEARCH_INDEX", None)
    env["NO_COLOR"] = "1"
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + args, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         preexec_fn=preexec)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Fail(f"{args[:4]} did not finish in {timeout} s")
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN only
    # cumulatively, so take the RSS from /proc-free wait4 via a re-run is not
    # possible: use the maximum over children, which only grows.
    import resource
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return p.returncode, out, err.decode("utf-8", "replace"), time.monotonic() - t0, rss


def s_hostile_queries(tmp):
    """Any byte string as a query: hits, no hits, or exit 2 with a reason
    and a byte position; never a crash, a hang or a memory blow-up."""
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    # 60,000 distinct words starting with "zq": a prefix past the limit.
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for i in range(60000):
        w, n = "", i
        for _ in range(4):
            w += letters[n % 26]
            n //= 26
        words.append("zq" + w)
    with open(os.path.join(corpus, "many-words.txt"), "w") as f:
        for i in range(0, len(words), 20):
            f.write(" ".join(words[i:i + 20]) + "\n\n")
    index = build(tmp, corpus)
    mib = 1 << 20
    cases = [
        ("empty", b""), ("spaces", b"   \t  "), ("newlines", b"\n\n\n"),
        ("1 MiB of words", b"maritime " * (mib // 9)),
        ("1 MiB of one word", b"a" * mib),
        ("10000 nested parentheses", b"(" * 10000 + b"japan" + b")" * 10000),
        ("10000 unclosed parentheses", b"(" * 10000),
        ("10000 closing parentheses", b")" * 10000),
        ("thousands of ORs", b" OR ".join([b"japan"] * 3000)),
        ("thousands of operators", b"AND OR NOT " * 2000),
        ("thousands of NOTs", b"japan " + b"NOT x " * 2000),
        ("thousands of dashes", b"japan " + b"-" * 5000),
        ("thousands of quotes", b'"' * 5001),
        ("invalid UTF-8", b"mari\xff\xfetime \xc3 \xe2\x82 japan"),
        ("overlong UTF-8", b"\xc0\xaf\xe0\x80\xaf japan"),
        ("NUL bytes", b"japan\x00maritime\x00"),
        ("only NULs", b"\x00" * 100),
        ("control characters", b"\x1b[2J\x07japan\x08\x7f"),
        ("star alone", b"*"), ("stars", b"* * ***"), ("star in a phrase", b'"*"'),
        ("prefix over the limit", b"zq*"), ("prefix under the limit", b"zqaa*"),
        ("prefixes of everything", b"a* OR b* OR c* OR d* OR e* OR s* OR t* OR z*"),
        ("long phrase", b'"' + b"the " * 2000 + b'"'),
        ("lone operators", b"AND"), ("NOT alone", b"NOT japan"),
        ("lower-case operators", b"and or not"),
        ("random bytes", bytes(random.Random(5).randbytes(4096))),
        ("continuation bytes", b"\x82" * 4096),
    ]
    worst = (0.0, "")
    for name, q in cases:
        for how in ("query-file", "stdin", "argv"):
            if how == "argv":
                if b"\x00" in q or len(q) > 100000:
                    continue  # argv cannot carry NUL bytes or a MiB
                rc, out, err, secs, _ = run_measured(["search", "--index", index, "--count", "--", q.decode("latin-1")
                                                     if False else os.fsdecode(q)])
            elif how == "query-file":
                qf = os.path.join(tmp, "q")
                with open(qf, "wb") as f:
                    f.write(q)
                rc, out, err, secs, _ = run_measured(["search", "--index", index, "--count", "--query-file", qf])
            else:
                if b"\n" in q:
                    continue  # one line per query
                rc, out, err, secs, _ = run_measured(["search", "--index", index, "--count", "--stdin"],
                                                     stdin=q + b"\n")
            check(rc in (0, 1, 2), f"{name} via {how}: status {rc} {err[-300:]}")
            if rc == 2:
                check(re.search(r"(byte \d+|line \d+)", err) and len(err) < 4000,
                      f"{name} via {how}: the error names a position: {err[:300]!r}")
            else:
                check(out.strip().isdigit() or (how == "stdin" and out.strip() == "error"),
                      f"{name} via {how}: a count: {out[:100]!r} {err[:200]}")
            worst = max(worst, (secs, f"{name} via {how}"))
            check(secs < 10, f"{name} via {how} took {secs:.1f} s")
    # The same queries through analyze: tokens or nothing, never a crash.
    for name, q in cases:
        if b"\x00" in q or len(q) > 100000:
            rc, out, err, _, _ = run_measured(["analyze", "--json"], stdin=q)
        else:
            rc, out, err, _, _ = run_measured(["analyze", "--json", os.fsdecode(q)])
        check(rc == 0, f"analyze {name}: {rc} {err[:200]}")
        for line in out.decode("utf-8").splitlines():
            check(isinstance(json.loads(line), list), f"analyze {name}: one JSON array per line")
    # Specific answers.
    rc, out, err, _, _ = run_measured(["search", "--index", index, "--count", "zq*"])
    check(rc == 2 and "50000" in err.replace(",", "") and "byte 0" in err, f"prefix limit: {err}")
    rc, out, err, _, _ = run_measured(["search", "--index", index, "--count", "zqaa*"])
    check(rc == 0 and int(out) > 0, f"zqaa*: {out} {err}")
    rc, out, err, _, _ = run_measured(["search", "--index", index, "--count", "(" * 10000 + "japan" + ")" * 10000])
    check(rc == 2 and "byte 64" in err and "nested" in err, err[:300])
    import resource
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    check(rss < 256, f"peak RSS of any query {rss:.0f} MiB")
    print(f"hostile queries: {len(cases)} cases x argv/query-file/stdin + analyze; slowest {worst[0]*1000:.0f} ms ({worst[1]}); peak RSS {rss:.0f} MiB")


def s_hostile_corpus(tmp):
    """A corpus of everything that is not a nice text file: what is text is
    indexed, each skipped file gets one warning naming it and why."""
    os.chmod(tmp, 0o755)
    c = os.path.join(tmp, "corpus")
    os.mkdir(c)

    def put(name, data):
        with open(os.path.join(os.fsencode(c), name if isinstance(name, bytes) else name.encode()), "wb") as f:
            f.write(data)

    put("good.txt", b"Maritime security in the region.\n\nA second paragraph about fisheries.\n")
    put("binary.txt", bytes(range(256)) * 64)
    put("elf.md", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200)
    put("invalid-utf8.txt", b"caf\xe9 au lait \xff\xfe harbourmaster \xc3\x28 ok\n")
    put("empty.txt", b"")
    put("blank.txt", b"\n\n   \n\t\n")
    put("crlf.txt", b"windows line endings\r\nstill one paragraph\r\n\r\nsecond crlfpara\r\n")
    os.mkdir(os.path.join(c, "folder.txt"))
    put("folder.txt/inside.md", b"nested lighthouse text\n")
    os.symlink("loop-b.txt", os.path.join(c, "loop-a.txt"))
    os.symlink("loop-a.txt", os.path.join(c, "loop-b.txt"))
    os.symlink("nowhere.txt", os.path.join(c, "dangling.txt"))
    os.symlink(".", os.path.join(c, "self-dir.md"))
    os.mkfifo(os.path.join(c, "fifo.txt"))
    put(b"latin1-\xe9\xff.txt", b"non utf8 filename albatross\n")
    put("unreadable.txt", b"secret words nobody reads\n")
    os.chmod(os.path.join(c, "unreadable.txt"), 0)
    # 200 MB without a newline and a 50 MB paragraph (one line wrapped at
    # 70 columns without blank lines).
    chunk = (" ".join(f"w{chr(97 + i % 26)}{chr(97 + (i // 26) % 26)}" for i in range(4096)) + " ").encode()
    with open(os.path.join(c, "no-newline.txt"), "wb") as f:
        f.write(b"zebrafish opening words ")
        n = 24
        while n < 200 * 10**6:
            f.write(chunk)
            n += len(chunk)
    with open(os.path.join(c, "one-paragraph.txt"), "wb") as f:
        line = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do\n"
        f.write(b"pelican " + line * (50 * 10**6 // len(line)))
    index = os.path.join(tmp, "index")
    os.mkdir(index)
    os.chmod(index, 0o777)
    preexec = None
    if os.geteuid() == 0:
        # Root reads any file, so build as nobody to make chmod 000 bite.
        def preexec():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
    rc, out, err, secs, rss = run_measured(["index", "--corpus", c, "--index", index], preexec=preexec,
                                          timeout=300)
    check(rc == 0, f"index of a hostile corpus: {rc} {err[-800:]}")
    warns = [l for l in err.splitlines() if ": warning: " in l]
    expect = {"binary.txt": "binary", "elf.md": "binary", "loop-a.txt": "symbolic link loop",
              "loop-b.txt": "symbolic link loop", "dangling.txt": "broken symbolic link",
              "unreadable.txt": "ermission", "self-dir.md": "symbolic link to a non-file",
              "fifo.txt": "not a regular file"}
    for name, why in expect.items():
        mine = [w for w in warns if f"/{name}:" in w]
        check(len(mine) == 1, f"one warning for {name}: {mine} (all: {warns})")
        check(why in mine[0], f"{name}: reason {why!r} in {mine[0]!r}")
    check(len(warns) == len(expect), f"no other warnings: {warns}")
    check(not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err), "stderr carries no control bytes")
    for word, want in [("maritime", 1), ("harbourmaster", 1), ("crlfpara", 1), ("lighthouse", 1),
                       ("albatross", 1), ("zebrafish", 1), ("pelican", 1), ("secret", 0), ("elf", 0)]:
        rc2, got, e2 = run("--count", word, index=index)
        check(rc2 in (0, 1) and int(got) == want, f"{word}: {got} {e2}")
    # The long inputs are cut into paragraphs of at most 1 MiB.
    rc2, got, _ = run("--count", "wzz", index=index)
    check(int(got) >= 190, f"200 MB line cut into >= 190 paragraphs, got {got}")
    rc2, got, _ = run("--count", "lorem", index=index)
    check(int(got) >= 48, f"50 MB paragraph cut into >= 48 paragraphs, got {got}")
    rc2, out2, _ = run("--json", "-n", "100", "albatross", "OR", "harbourmaster", index=index)
    for l in out2.splitlines():
        json.loads(l)
    check(rss < 512 + 160, f"peak RSS {rss:.0f} MiB: more than the memory budget (512M) + 160 MiB")
    rc2, _, e2 = run("check", index=index)
    check(rc2 == 0, e2)
    print(f"hostile corpus: 250 MB indexed in {secs:.1f} s, peak RSS {rss:.0f} MiB, {len(warns)} warnings")


def s_output_safety(tmp):
    """Bytes from documents never reach the terminal as control sequences,
    and --json stays valid whatever the documents hold."""
    c = os.path.join(tmp, "corpus")
    os.mkdir(c)
    evil = (b"Title \x1b]0;owned\x07 \x1b[2J\x1b[31mred\x1b[0m bell\x07 back\x08space\r"
            b" quote\" back\\slash \xc2\x9b31m c1 \xff\xfe bad \xed\xa0\x80 surrogate tab\there\n\n"
            b"second kraken paragraph \x1b[1m\"\\\" \x00\n")
    with open(os.path.join(c, "evil.txt"), "wb") as f:
        f.write(evil.replace(b"\x00", b""))
    with open(os.path.join(os.fsencode(c), b"name-\x1b[31m-\xff.txt"), "wb") as f:
        f.write(b"kraken in a file with a hostile name\n")
    with open(os.path.join(c, "metadata.tsv"), "wb") as f:
        f.write(b"evil.txt\t2020-01-01\tsrc\x1b[5m\tTitle with \x1b[31m escape\n")
    index = build(tmp, c)
    ctrl = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
    for args in (["--color=never", "kraken"], ["--color=never", "--explain", "kraken OR red OR owned"],
                 ["--color=never", "owned"], ["stats"], ["dump"], ["--color=never", "-n", "50", "slash OR kraken"]):
        p = subprocess.run([BIN] + args[:1] + ["--index", index] + args[1:], capture_output=True)
        check(p.returncode in (0, 1), f"{args}: {p.returncode} {p.stderr[:200]}")
        m = ctrl.search(p.stdout) or ctrl.search(p.stderr)
        check(not m, f"{args}: raw control byte {m and m.group()!r} in output")
        p.stdout.decode("utf-8")  # valid UTF-8 throughout
    for args in (["--json", "-n", "50", "kraken OR slash OR red"], ["dump", "--json"], ["stats", "--json"]):
        p = subprocess.run([BIN] + args[:1] + ["--index", index] + args[1:], capture_output=True)
        text = p.stdout.decode("utf-8")
        rows = [json.loads(l) for l in text.splitlines() if l.strip()]
        check(rows, f"{args}: output")
        if args[0] == "--json":
            docs = {r["doc"] for r in rows}
            check(any(d.startswith("name-") for d in docs), f"hostile file name in JSON: {docs}")
            for r in rows:
                if "quote" in r["text"]:
                    check('quote"' in r["text"] and "back\\slash" in r["text"], r["text"])
                    check("\x1b" in r["text"] or "\ufffd" in r["text"] or "owned" in r["text"],
                          "JSON keeps the text (escaped), it does not drop it")
    # Color output: only our own SGR sequences.
    p = subprocess.run([BIN, "--index", index, "--color=always", "kraken OR red"], capture_output=True)
    for m in re.finditer(rb"\x1b(.)", p.stdout):
        check(m.group(1) == b"[", "only CSI")
    for m in re.finditer(rb"\x1b\[([0-9;]*)([A-Za-z])", p.stdout):
        check(m.group(2) == b"m", f"only SGR sequences, got {m.group()!r}")


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
