#!/usr/bin/env python3
"""End-to-end tests of ajsearch as a CI pipeline uses it: the index as an
artifact (CURRENT a file, copies that follow links, --keep, export), the
summary of `index --json`, --strict, the busy index, the progress line,
and `status`.

Usage: e2e_ci.py SCENARIO (from the repository root; $AJSEARCH_BIN names
the binary).
"""
import fcntl
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, build, check, current, main, run  # noqa: E402


def gens(index):
    return sorted(n for n in os.listdir(index) if n.startswith("gen-"))


def answers(index, *queries):
    """The ids and scores of a few searches: what must not change."""
    out = []
    for q in queries or ("maritime security", "japan", "\"south china sea\""):
        rc, o, err = run("search", "--json", "-n", "20", "--", q, index=index)
        check(rc in (0, 1), f"search {q} on {index}: {rc} {err}")
        out.append([(h.get("id"), h.get("score")) for h in map(json.loads, o.splitlines())])
    return out


def small_corpus(tmp, name="corpus", files=None):
    corpus = os.path.join(tmp, name)
    os.makedirs(corpus, exist_ok=True)
    for rel, text in (files or {"a.txt": "Zebras graze on the savanna.\n",
                                "b.md": "# Okapi\n\nThe okapi hides in the forest.\n"}).items():
        path = os.path.join(corpus, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
    return corpus


def s_artifact(tmp):
    """CURRENT is a regular file: a copy that follows links, or does not,
    is an index; indexes whose CURRENT is a link (older builds) and copies
    of them that followed the link are read and rebuilt."""
    index = build(tmp)
    cur = os.path.join(index, "CURRENT")
    check(os.path.isfile(cur) and not os.path.islink(cur), "CURRENT is not a regular file")
    with open(cur) as f:
        text = f.read()
    check(text == current(index) + "\n" and text.startswith("gen-"), f"CURRENT holds {text!r}")
    want = answers(index)
    for follow in (True, False):
        copy = os.path.join(tmp, f"copy-{follow}")
        shutil.copytree(index, copy, symlinks=not follow)
        check(answers(copy) == want, f"a copy (symlinks={not follow}) answers differently")
        rc, out, err = run("check", index=copy)
        check(rc == 0, f"check of a copy: {err}")
    # an index from before: CURRENT a symbolic link; then copied following it
    legacy = os.path.join(tmp, "legacy")
    shutil.copytree(index, legacy)
    os.unlink(os.path.join(legacy, "CURRENT"))
    os.symlink(current(index), os.path.join(legacy, "CURRENT"))
    check(answers(legacy) == want, "an index whose CURRENT is a link")
    followed = os.path.join(tmp, "followed")
    subprocess.run(["cp", "-rL", legacy, followed], check=True)
    check(os.path.isdir(os.path.join(followed, "CURRENT")), "cp -rL made no directory")
    check(answers(followed) == want, "a copy that followed CURRENT's link")
    rc, out, err = run("index", "--corpus", CORPUS, index=followed)
    check(rc == 0 and os.path.isfile(os.path.join(followed, "CURRENT")), f"rebuild: {rc} {err}")
    check(answers(followed) == want, "rebuilt from a followed copy")
    check(len(gens(followed)) == 2, f"generations after the rebuild: {gens(followed)}")
    # a CURRENT that names no generation is an error naming the file
    with open(cur, "w") as f:
        f.write("../../etc\n")
    rc, out, err = run("check", index=index)
    check(rc == 2 and "CURRENT" in err and "does not name a generation" in err, f"bad CURRENT: {err}")


def s_keep(tmp):
    """Each build keeps one older generation by default; --keep N keeps N,
    --keep 0 none; the newest are the ones kept."""
    index = os.path.join(tmp, "index")
    corpus = small_corpus(tmp)

    def idx(*extra):
        rc, out, err = run("index", "--corpus", corpus, *extra, index=index)
        check(rc == 0, f"index {extra}: {err}")
    for _ in range(4):
        idx()
    check(gens(index) == ["gen-0000000003", "gen-0000000004"], f"default keep: {gens(index)}")
    for _ in range(3):
        idx("--keep", "2")
    check(gens(index) == ["gen-0000000005", "gen-0000000006", "gen-0000000007"],
          f"--keep 2: {gens(index)}")
    idx("--keep", "0")
    check(gens(index) == ["gen-0000000008"] and current(index) == "gen-0000000008",
          f"--keep 0: {gens(index)}")
    rc, out, err = run("index", "--corpus", corpus, "--keep", "-1", index=index)
    check(rc == 2 and "--keep" in err, f"--keep -1: {rc} {err}")
    rc, out, err = run("index", "--corpus", corpus, "--keep", "101", index=index)
    check(rc == 2 and "--keep" in err, f"--keep 101: {rc} {err}")


def s_export(tmp):
    """export writes one flat, verified generation that --index reads; it
    never writes into a directory that holds anything."""
    index = build(tmp)
    out_dir = os.path.join(tmp, "published")
    rc, out, err = run("export", out_dir, index=index)
    check(rc == 0 and "verified" in err, f"export: {rc} {err}")
    check(sorted(os.listdir(out_dir)) == ["dict.aj", "meta.aj", "posn.aj", "post.aj", "stor.aj"],
          f"exported: {os.listdir(out_dir)}")
    gen = os.path.join(index, current(index))
    for name in os.listdir(out_dir):
        with open(os.path.join(out_dir, name), "rb") as a, open(os.path.join(gen, name), "rb") as b:
            check(a.read() == b.read(), f"{name} differs from the generation's")
    check(answers(out_dir) == answers(index), "the export answers differently")
    rc, o, err = run("check", index=out_dir)
    check(rc == 0 and o.startswith("ok:"), f"check of the export: {err}")
    # a directory in the way is refused, and left as it was
    busy = os.path.join(tmp, "busy")
    os.makedirs(busy)
    with open(os.path.join(busy, "keep.txt"), "w") as f:
        f.write("mine")
    rc, o, err = run("export", busy, index=index)
    check(rc == 2 and "not an empty directory" in err, f"export into a full dir: {rc} {err}")
    check(os.listdir(busy) == ["keep.txt"], f"export touched {os.listdir(busy)}")
    check(not [n for n in os.listdir(tmp) if ".export-" in n], "a partial export was left")
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    rc, o, err = run("export", empty, index=index)
    check(rc == 0 and answers(empty) == answers(index), f"export into an empty dir: {err}")
    rc, o, err = run("export", index=index)
    check(rc == 2 and "usage" in err, f"export without a directory: {rc} {err}")
    rc, o, err = run("export", os.path.join(tmp, "x"), index=os.path.join(tmp, "nothing"))
    check(rc == 2 and not os.path.exists(os.path.join(tmp, "x")), f"export of no index: {rc} {err}")


def s_index_json(tmp):
    """index --json: one object whose counts agree with stats --json and
    whose warnings are counted by kind; the fingerprint is status's."""
    corpus = small_corpus(tmp, files={
        "a.txt": "Zebras graze on the savanna.\n",
        "b.md": "# Okapi\n\nThe okapi hides.\n",
        "image.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "bad.pdf": b"%PDF-1.4\n\x00 not a PDF\n%%EOF\n",
        "bin.txt": b"\x00\x01binary",
        "sub/c.txt": "Capybaras swim.\n"})
    os.symlink("sub", os.path.join(corpus, "dirlink"))
    with open(os.path.join(corpus, "metadata.tsv"), "w") as f:
        f.write("missing.txt\t2024-01-01\t\tT\n")
    index = os.path.join(tmp, "index")
    rc, out, err = run("index", "--json", "--corpus", corpus, index=index)
    check(rc == 0, f"index --json: {rc} {err}")
    check(err.count("warning:") == 5, f"the warnings go to stderr: {err}")
    lines = out.splitlines()
    check(len(lines) == 1, f"one line of JSON, got {out!r}")
    s = json.loads(lines[0])
    for k in ("documents", "paragraphs", "terms", "words", "tokens", "postings", "bytes_in",
              "bytes_out", "seconds", "mb_per_s", "threads", "runs_spilled", "peak_rss_bytes",
              "warnings", "format", "fingerprint", "index", "corpus"):
        check(k in s, f"no {k} in {s}")
    rc, o, err = run("stats", "--json", index=index)
    st = json.loads(o)
    # the PDF whose text could not be extracted has a record, no paragraph
    check(s["documents"] == 4 and st["documents"] == 4, f"documents {s['documents']} {st}")
    check(s["paragraphs"] == st["paragraphs"], f"paragraphs {s['paragraphs']} vs {st['paragraphs']}")
    w = s["warnings"]
    check(w["binary"] == 2 and w["extract"] == 1 and w["link"] == 1 and w["metadata"] == 1
          and w["not_indexed"] == 0 and w["total"] == 5, f"warnings {w}")
    check(s["bytes_out"] == sum(os.path.getsize(os.path.join(index, current(index), n))
                                for n in os.listdir(os.path.join(index, current(index)))),
          "bytes_out is not the generation's size")
    check(s["peak_rss_bytes"] > 1 << 20 and s["format"] >= 8, f"rss/format {s}")
    rc, fp, err = run("status", "--fingerprint", "--corpus", corpus)
    check(rc == 0 and fp.strip() == s["fingerprint"], f"fingerprints {fp!r} {s['fingerprint']}")


def s_strict(tmp):
    """--strict: warnings fail the build after all were reported, and the
    index in place stays; a clean corpus passes; an empty corpus fails."""
    corpus = small_corpus(tmp)
    index = os.path.join(tmp, "index")
    rc, out, err = run("index", "--strict", "--corpus", corpus, index=index)
    check(rc == 0, f"strict on a clean corpus: {rc} {err}")
    before = current(index)
    want = answers(index, "okapi")
    with open(os.path.join(corpus, "c.txt"), "w") as f:
        f.write("A new tapir.\n")
    for bad in ("x.html", "y.pdf"):  # binary, whatever their names
        with open(os.path.join(corpus, bad), "wb") as f:
            f.write(b"\x00x")
    rc, out, err = run("index", "--strict", "--corpus", corpus, index=index)
    check(rc == 2 and err.count("warning:") == 2 and "strict" in err, f"strict with warnings: {rc} {err}")
    check(current(index) == before and answers(index, "okapi") == want, "the index was replaced")
    check(run("--count", "tapir", index=index)[1].strip() == "0", "the new document went in")
    check(not [n for n in os.listdir(index) if n.startswith(".build")], "a build directory was left")
    rc, out, err = run("index", "--corpus", corpus, index=index)
    check(rc == 0 and "2 warnings" in err, f"without --strict: {rc} {err}")
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    rc, out, err = run("index", "--strict", "--corpus", empty, index=os.path.join(tmp, "i2"))
    check(rc == 2 and "the corpus has no document" in err, f"strict on an empty corpus: {rc} {err}")
    rc, out, err = run("index", "--corpus", empty, index=os.path.join(tmp, "i3"))
    check(rc == 0 and "the corpus has no document" in err, f"an empty corpus warns: {rc} {err}")


def s_busy(tmp):
    """A build that finds the lock held exits 3 at once; with --wait it
    waits for the lock and builds."""
    corpus = small_corpus(tmp)
    index = build(tmp, corpus)
    fd = os.open(os.path.join(index, "LOCK"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    t0 = time.monotonic()
    rc, out, err = run("index", "--corpus", corpus, index=index)
    check(rc == 3 and "another build" in err, f"busy: {rc} {err}")
    check(time.monotonic() - t0 < 5, "a busy build waited")
    # a build waiting for the lock stops at SIGINT, like any build
    before = current(index)
    e = dict(os.environ, NO_COLOR="1")
    e.pop("AJSEARCH_INDEX", None)
    p = subprocess.Popen([BIN, "index", "--wait", "--corpus", corpus, "--index", index],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    out, err = p.communicate(timeout=30)
    err = err.decode()
    check(p.returncode == 130 and "interrupted by SIGINT" in err and "waiting" in err,
          f"SIGINT while waiting: {p.returncode} {err}")
    check(time.monotonic() - t0 < 2 and current(index) == before, "stopping a wait")
    threading.Timer(1.5, lambda: os.close(fd)).start()
    t0 = time.monotonic()
    rc, out, err = run("index", "--wait", "--corpus", corpus, index=index)
    waited = time.monotonic() - t0
    check(rc == 0 and waited >= 1.2, f"--wait: {rc} after {waited:.1f} s: {err}")


def s_progress(tmp):
    """The progress line appears on a terminal only."""
    index = os.path.join(tmp, "index")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("AJSEARCH_INDEX", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BIN, [BIN, "index", "--corpus", CORPUS, "--index", index], env)
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    _, status = os.waitpid(pid, 0)
    text = data.decode("utf-8", "replace")
    check(os.waitstatus_to_exitcode(status) == 0, f"index on a terminal: {text}")
    check("\rajsearch: indexing: " in text and "documents (" in text and "\x1b[K" in text,
          f"no progress line on a terminal: {text!r}")
    check(text.rstrip().splitlines()[-1].startswith("read "), f"the summary ends: {text!r}")
    rc, out, err = run("index", "--corpus", CORPUS, index=index)
    check(rc == 0 and "\r" not in err and "indexing:" not in err and "\x1b" not in err,
          f"progress in a log: {err!r}")


def s_status(tmp):
    """status: 0 when up to date; 1 with each added, removed, changed and
    re-described document named; 1 without an index; the fingerprint
    follows the corpus, not the index."""
    corpus = small_corpus(tmp, files={"a.txt": "Zebras graze.\n", "b.txt": "Okapis hide.\n",
                                      "c.txt": "Tapirs swim.\n", "d.txt": "Ibises fly.\n"})
    index = os.path.join(tmp, "index")
    rc, out, err = run("status", "--corpus", corpus, index=index)
    check(rc == 1 and "no index" in out, f"status without an index: {rc} {out} {err}")
    rc, out, err = run("status", "--json", "--corpus", corpus, index=index)
    check(rc == 1 and json.loads(out)["index_fingerprint"] is None, f"--json without index: {out}")
    run("index", "--corpus", corpus, index=index)
    rc, out, err = run("status", "--corpus", corpus, index=index)
    check(rc == 0 and out.startswith("up to date"), f"fresh index: {rc} {out} {err}")
    fp0 = run("status", "--fingerprint", "--corpus", corpus)[1].strip()
    os.utime(os.path.join(corpus, "a.txt"), (0, 0))    # a touch is no change
    check(run("status", "--corpus", corpus, index=index)[0] == 0, "a touched file changed status")
    with open(os.path.join(corpus, "b.txt"), "a") as f:
        f.write("More.\n")
    os.unlink(os.path.join(corpus, "c.txt"))
    with open(os.path.join(corpus, "e.txt"), "w") as f:
        f.write("Egrets wade.\n")
    with open(os.path.join(corpus, "metadata.tsv"), "w") as f:
        f.write("d.txt\t2020-02-02\t\tIbis notes\n")
    with open(os.path.join(corpus, "z.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\x00 not a document")
    rc, out, err = run("status", "--json", "--corpus", corpus, index=index)
    s = json.loads(out)
    check(rc == 1 and not s["up_to_date"], f"changed corpus: {rc} {out}")
    check(s["added"] == ["e.txt"] and s["removed"] == ["c.txt"] and s["changed"] == ["b.txt"]
          and s["metadata"] == ["d.txt"], f"changes: {s}")
    fp1 = run("status", "--fingerprint", "--corpus", corpus)[1].strip()
    check(fp1 == s["fingerprint"] and fp1 != fp0 and s["index_fingerprint"] == fp0,
          f"fingerprints {fp0} {fp1} {s}")
    rc, out, err = run("status", "--corpus", corpus, index=index)
    check(rc == 1 and "not up to date" in out and "  added     e.txt" in out, f"text: {out}")
    rc, out, err = run("index", "--json", "--corpus", corpus, index=index)
    check(json.loads(out)["fingerprint"] == fp1, "the build's fingerprint is not status's")
    check(run("status", "--corpus", corpus, index=index)[0] == 0, "not up to date after a build")
    # a binary file is not indexed, so it does not make the index stale
    with open(os.path.join(corpus, "f.txt"), "wb") as f:
        f.write(b"\x00binary")
    check(run("status", "--corpus", corpus, index=index)[0] == 0, "a binary file made it stale")
    rc, out, err = run("status", "--corpus", os.path.join(tmp, "nowhere"), index=index)
    check(rc == 2 and "nowhere" in err, f"no corpus: {rc} {err}")


if __name__ == "__main__":
    main("e2e_ci", globals())
