#!/usr/bin/env python3
"""End-to-end tests of incremental builds (README "Incremental builds"): a
corpus of at least four shard sizes is indexed in shards, and `ajsearch
index` indexes again only the shards whose documents were added, changed
or removed.

Usage: e2e_incremental.py SCENARIO   (from the repository root;
$AJSEARCH_BIN names the binary).  Scenarios:

  random_edits   random sequences of additions, changes (of bytes and of
                 metadata.tsv lines) and removals, each followed by an
                 incremental build of the index in place and a build from
                 nothing into a new directory: the two generations are
                 byte-identical, file by file; most builds index few of
                 their shards; and the sharded index answers twenty
                 queries exactly as an unsharded index of the same corpus
                 does (hits, scores, places, totals, suggestions)
  searches       searches running without pause while incremental builds
                 switch generations: every answer is the old index's or the
                 new one's, never an error
  builds_at_once two incremental builds started together with --wait: both
                 succeed, and the index is the one a build from nothing
                 writes
  damaged        a byte flipped in lex.aj of the live generation: `check`
                 names it, and the next build starts lex.aj's sums from
                 nothing and writes what a build from nothing writes; a
                 byte flipped in a shard's file: `check` names the shard
                 and the file, and once that shard's directory is removed
                 the next build indexes it again
  export         `ajsearch export` of a sharded index: lex.aj and the
                 shards' directories, an index that answers as the live one
  keeps_size     a build without --shard-size keeps the sharded index's
                 shard size (and reuses its shards); --shard-size off makes
                 one unsharded index again, whose answers are the same
  default_size   with no --shard-size, a corpus of 32 MiB or more is cut
                 in shards of 8 MiB (one of 31 MiB is one index), a change
                 indexes one or two of them again, `off` is kept by the
                 builds that follow however large the corpus, and a build
                 from nothing writes what the incremental one wrote
"""
import filecmp
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, check, flip_byte, main, run  # noqa: E402

SHARD = "24K"  # every build names it: a sharded index also keeps it
QUERIES = ["maritime security", "ASEAN Outlook on the Indo-Pacific", "AOIP", '"of the"',
           "clim*", "energy NEAR/5 transition", "japan -china", "mariitme",
           "cyber OR digital", '"people-to-people"', "disaster management",
           "food security", "Mekong", "digital economy", '"rule of law"',
           "Kishida", "vaccine", "supply chain*", "youth exchange", "Vientiane"]


def index(corpus, idx, *more):
    p = subprocess.run([BIN, "index", "--corpus", corpus, "--index", idx, "--json", *more],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"index failed: {p.stderr}")
    return json.loads(p.stdout)


def gen_dir(idx):
    with open(os.path.join(idx, "CURRENT")) as f:
        return os.path.join(idx, f.read().strip())


def same_tree(a, b):
    """The two generation directories hold the same names and bytes."""
    ea, eb = sorted(os.listdir(a)), sorted(os.listdir(b))
    check(ea == eb, f"{a} and {b} hold different entries: {ea} / {eb}")
    for n in ea:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if os.path.isdir(pa):
            same_tree(pa, pb)
        else:
            check(filecmp.cmp(pa, pb, shallow=False), f"{pa} and {pb} differ")


def make_corpus(dst, rnd):
    """Fifty documents from the seeds: copies with a paragraph of their own
    each, in three directories, with metadata.tsv lines for some."""
    os.makedirs(dst)
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".txt"))
    meta = []
    for i in range(50):
        sub = ["a", "b", "c"][i % 3]
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
        rel = f"{sub}/doc-{i:03d}.txt"
        with open(os.path.join(CORPUS, names[i % len(names)]), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(dst, rel), "w", encoding="utf-8") as f:
            f.write(text + f"\n\nDocument {i} closes with word{rnd.randrange(10**6)}.\n")
        if i % 4 == 0:
            meta.append(f"{rel}\t20{10 + i % 15}-0{1 + i % 9}-1{i % 9}\tSource {i % 5}\tTitle {i}\n")
    with open(os.path.join(dst, "metadata.tsv"), "w", encoding="utf-8") as f:
        f.writelines(meta)


def edit(corpus, rnd, step):
    """One random change: add, change bytes, change metadata or remove."""
    docs = sorted(os.path.relpath(os.path.join(r, n), corpus)
                  for r, _, ns in os.walk(corpus) for n in ns if n != "metadata.tsv")
    what = rnd.choice(["add", "add", "change", "change", "meta", "remove"])
    if what == "add":
        src = os.path.join(corpus, rnd.choice(docs))
        rel = f"{rnd.choice('abcd')}/new-{step:03d}.txt"
        os.makedirs(os.path.join(corpus, os.path.dirname(rel)), exist_ok=True)
        with open(src, encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(corpus, rel), "w", encoding="utf-8") as f:
            f.write(f"Added {step}: maritime cooperation and word{rnd.randrange(10**6)}.\n\n" + text)
    elif what == "change":
        rel = rnd.choice(docs)
        with open(os.path.join(corpus, rel), "a", encoding="utf-8") as f:
            f.write(f"\nChanged {step}: a new paragraph on disaster management.\n")
    elif what == "meta":
        rel = rnd.choice(docs)
        with open(os.path.join(corpus, "metadata.tsv"), "a", encoding="utf-8") as f:
            f.write(f"{rel}\t2024-0{1 + step % 9}-01\tEdited source\tEdited title {step}\n")
    else:
        rel = rnd.choice(docs)
        os.remove(os.path.join(corpus, rel))
    return f"{what} {rel}"


def strip_took(s):
    return re.sub(r'"took_us":\d+', "", s)


def start(tmp, seed):
    """A corpus of fifty documents and its sharded index: (random source,
    corpus, index directory, the first build's summary)."""
    rnd = random.Random(seed)
    corpus = os.path.join(tmp, "corpus")
    make_corpus(corpus, rnd)
    inc = os.path.join(tmp, "inc")
    return rnd, corpus, inc, index(corpus, inc, "--shard-size", SHARD)


def s_random_edits(tmp):
    rnd, corpus, inc, first = start(tmp, 15)
    check(first["shards"] >= 8, f"the corpus is cut into shards: {first['shards']}")
    partial = 0
    for step in range(14):
        what = edit(corpus, rnd, step)
        st = index(corpus, inc, "--shard-size", SHARD)
        full = os.path.join(tmp, f"full-{step}")
        fst = index(corpus, full, "--shard-size", SHARD)
        check(fst["shards_indexed"] == fst["shards"], "a build from nothing indexes every shard")
        same_tree(gen_dir(inc), gen_dir(full))
        check(st["fingerprint"] == fst["fingerprint"] and st["documents"] == fst["documents"]
              and st["paragraphs"] == fst["paragraphs"] and st["terms"] == fst["terms"],
              f"after {what}: the two builds report the same index")
        if st["shards_indexed"] <= 2:
            partial += 1
        rc, out, err = run("check", index=inc)
        check(rc == 0, f"after {what}: check: {err}")
        rc, out, err = run("status", "--corpus", corpus, index=inc)
        check(rc == 0, f"after {what}: status says the index is up to date: {out} {err}")
        if step % 5 == 4:
            # the same answers as one unsharded index of the same corpus
            flat = os.path.join(tmp, f"flat-{step}")
            fl = index(corpus, flat)
            check(fl["shards"] == 1, "a large shard size leaves the corpus unsharded")
            for q in QUERIES:
                a = run("--json", "-n", "30", q, index=inc)
                b = run("--json", "-n", "30", q, index=flat)
                check(a[0] == b[0] and strip_took(a[1]) == strip_took(b[1]),
                      f"after {what}: '{q}' answers differ between the sharded and the "
                      f"unsharded index")
            shutil.rmtree(flat)
        shutil.rmtree(full)
    check(partial >= 10, f"most builds indexed at most two shards ({partial} of 14)")


def s_searches(tmp):
    rnd, corpus, inc, _ = start(tmp, 3)
    seen = set()
    errors = []
    stop = threading.Event()

    def searcher():
        while not stop.is_set():
            rc, out, err = run("--count", "maritime", index=inc)
            if rc != 0:
                errors.append(err)
            else:
                seen.add(int(out))

    counts = {int(run("--count", "maritime", index=inc)[1])}
    t = threading.Thread(target=searcher)
    t.start()
    try:
        for step in range(8):
            edit(corpus, rnd, step)
            index(corpus, inc, "--shard-size", SHARD)
            counts.add(int(run("--count", "maritime", index=inc)[1]))
    finally:
        stop.set()
        t.join()
    check(not errors, f"searches failed during the builds: {errors[:3]}")
    check(seen <= counts, f"every answer is one of an index's: {sorted(seen - counts)}")


def s_builds_at_once(tmp):
    rnd, corpus, inc, _ = start(tmp, 4)
    for step in range(3):
        edit(corpus, rnd, step)
    procs = [subprocess.Popen([BIN, "index", "--corpus", corpus, "--index", inc, "--wait",
                               "--shard-size", SHARD], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        _, err = p.communicate()
        check(p.returncode == 0, f"a build failed: {err.decode()}")
    full = os.path.join(tmp, "full")
    index(corpus, full, "--shard-size", SHARD)
    same_tree(gen_dir(inc), gen_dir(full))


def s_damaged(tmp):
    rnd, corpus, inc, first = start(tmp, 6)
    full = os.path.join(tmp, "full")
    # lex.aj damaged, and a document changed: the sums start from nothing
    lex = os.path.join(gen_dir(inc), "lex.aj")
    flip_byte(lex, 64 + os.path.getsize(lex) // 2)
    rc, out, err = run("check", index=inc)
    check(rc == 2 and "lex.aj" in err, f"check names lex.aj: {err}")
    edit(corpus, rnd, 1)
    index(corpus, inc)
    index(corpus, full, "--shard-size", SHARD)
    same_tree(gen_dir(inc), gen_dir(full))
    # a shard's file damaged: check names it; without its directory the
    # next build indexes it again
    g = gen_dir(inc)
    shard = sorted(n for n in os.listdir(g) if n.startswith("s-"))[1]
    post = os.path.join(g, shard, "post.aj")
    flip_byte(post, 64 + os.path.getsize(post) // 3)
    rc, out, err = run("check", index=inc)
    check(rc == 2 and f"{shard}/post.aj" in err, f"check names the damaged file: {err}")
    shutil.rmtree(os.path.join(g, shard))
    st = index(corpus, inc)
    check(st["shards_indexed"] == 1, f"the removed shard is indexed again: {st}")
    same_tree(gen_dir(inc), gen_dir(full))
    rc, out, err = run("check", index=inc)
    check(rc == 0, f"the new index is sound: {err}")


def s_export(tmp):
    rnd, corpus, inc, first = start(tmp, 7)
    out = os.path.join(tmp, "published")
    rc, o, err = run("export", out, index=inc)
    check(rc == 0, f"export failed: {err}")
    same_tree(gen_dir(inc), out)
    for q in QUERIES[:8]:
        a = run("--json", q, index=inc)
        b = run("--json", q, index=out)
        check(a[0] == b[0] and strip_took(a[1]) == strip_took(b[1]).replace(out, inc),
              f"the export answers '{q}' as the index does")
    rc, o, err = run("check", index=out)
    check(rc == 0, f"check of the export: {err}")


def s_keeps_size(tmp):
    rnd, corpus, inc, first = start(tmp, 5)
    edit(corpus, rnd, 0)
    st = index(corpus, inc)
    check(st["shards"] > 1 and st["shards_indexed"] < st["shards"],
          f"the shard size is kept and shards reused: {st['shards']} / {st['shards_indexed']}")
    full = os.path.join(tmp, "full")
    index(corpus, full, "--shard-size", SHARD)
    same_tree(gen_dir(inc), gen_dir(full))
    before = [strip_took(run("--json", q, index=inc)[1]) for q in QUERIES[:8]]
    off = index(corpus, inc, "--shard-size", "off")
    check(off["shards"] == 1 and not os.path.exists(os.path.join(gen_dir(inc), "lex.aj")),
          "--shard-size off makes one unsharded index")
    after = [strip_took(run("--json", q, index=inc)[1]) for q in QUERIES[:8]]
    check(before == after, "the unsharded index answers as the sharded one did")
    again = index(corpus, inc)
    check(again["shards"] == 1, "and stays unsharded")
    check(first["shards"] > 1, "the first build was sharded")


def big_corpus(dst, mib):
    """Documents of about 512 KiB from the seeds, mib MiB in all, each with
    words of its own."""
    os.makedirs(dst)
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".txt"))
    texts = []
    for n in names:
        with open(os.path.join(CORPUS, n), encoding="utf-8") as f:
            texts.append(f.read())
    i = total = 0
    while total < mib << 20:
        body = []
        while sum(map(len, body)) < 512 << 10:
            body.append(texts[(i + len(body)) % len(texts)])
        body.append(f"Document {i} closes with word{i}x.\n")
        data = "\n\n".join(body).encode()
        with open(os.path.join(dst, f"doc-{i:04d}.txt"), "wb") as f:
            f.write(data[:(mib << 20) - total] if total + len(data) > mib << 20 else data)
        total += min(len(data), (mib << 20) - total)
        i += 1


def s_default_size(tmp):
    small = os.path.join(tmp, "small")
    big_corpus(small, 31)
    st = index(small, os.path.join(tmp, "small-idx"))
    check(st["shards"] == 1, f"31 MiB is one index: {st['shards']} shards")
    corpus = os.path.join(tmp, "corpus")
    big_corpus(corpus, 40)
    inc = os.path.join(tmp, "inc")
    first = index(corpus, inc)
    check(first["shards"] >= 4 and os.path.exists(os.path.join(gen_dir(inc), "lex.aj")),
          f"40 MiB is sharded by default: {first['shards']} shards")
    with open(os.path.join(corpus, "doc-0003.txt"), "a", encoding="utf-8") as f:
        f.write("\nChanged: a new paragraph on maritime security.\n")
    st = index(corpus, inc)
    check(st["shards"] == first["shards"] and 1 <= st["shards_indexed"] <= 2,
          f"a change indexes one or two shards again: {st['shards_indexed']} of {st['shards']}")
    full = os.path.join(tmp, "full")
    index(corpus, full)
    same_tree(gen_dir(inc), gen_dir(full))
    off = index(corpus, inc, "--shard-size", "off")
    check(off["shards"] == 1, "--shard-size off makes one index")
    again = index(corpus, inc)
    check(again["shards"] == 1 and not os.path.exists(os.path.join(gen_dir(inc), "lex.aj")),
          f"a build without --shard-size keeps it off: {again['shards']} shards")
    on = index(corpus, inc, "--shard-size", "8M")
    check(on["shards"] == first["shards"], "--shard-size 8M is the default's size")
    same_tree(gen_dir(inc), gen_dir(full))


if __name__ == "__main__":
    main("e2e_incremental", globals())
