#!/usr/bin/env python3
"""Creates a benchmark corpus directory, deterministically.

  tools/mkcorpus.py NAME DEST [--synth PATH]

NAME is one of:
  seed        a copy of corpus/ (the ASEAN-Japan documents)
  kjv         the King James Bible from Debian's bible-kjv-text, one file per
              book, one verse per paragraph (31,102 paragraphs)
  synth-100M  100 MB of English-like text (tools/synth, vocabulary learned
  synth-1G    from the KJV and the seed documents), 1 GB for synth-1G
  synth-flat-100M  100 MB with a flat vocabulary, as in collections of
              names, numbers and codes (tools/synth --flat)
DEST/corpus/ receives the documents; an existing DEST/corpus is kept if its
stamp file says it was made the same way.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZES = {"synth-100M": 100_000_000, "synth-1G": 1_000_000_000, "synth-flat-100M": 100_000_000}


def kjv_text():
    p = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout:
        sys.exit("mkcorpus: the `bible` command (Debian package bible-kjv) failed")
    return p.stdout


def make_kjv(dest):
    books = []  # (abbrev, [verses])
    for line in kjv_text().splitlines():
        m = re.match(r"^([1-3]?[A-Za-z]+)(\d+):(\d+) (.*)$", line)
        if not m:
            continue
        book = m.group(1)
        if not books or books[-1][0] != book:
            books.append((book, []))
        books[-1][1].append(m.group(4).strip())
    for i, (book, verses) in enumerate(books):
        with open(os.path.join(dest, f"{i + 1:02d}-{book.lower()}.txt"), "w") as f:
            f.write("\n\n".join(verses) + "\n")
    return sum(len(v) for _, v in books)


def make_synth(dest, size, synth, flat=False):
    learn = os.path.join(dest, "..", "learn-kjv.txt")
    with open(learn, "w") as f:
        f.write(kjv_text())
    seeds = sorted(os.path.join(ROOT, "corpus", n) for n in os.listdir(os.path.join(ROOT, "corpus"))
                   if n.endswith(".txt"))
    subprocess.run([synth, "--bytes", str(size), "--out", dest] + (["--flat"] if flat else [])
                   + [learn] + seeds, check=True)
    os.remove(learn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=["seed", "kjv"] + list(SIZES))
    ap.add_argument("dest")
    ap.add_argument("--synth", default=os.path.join(ROOT, "build", "tools", "synth"))
    a = ap.parse_args()
    corpus = os.path.join(a.dest, "corpus")
    stamp = os.path.join(a.dest, "corpus.stamp")
    want = f"{a.name} v2\n"
    if os.path.isdir(corpus) and os.path.exists(stamp) and open(stamp).read() == want:
        return 0
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus)
    if a.name == "seed":
        for n in os.listdir(os.path.join(ROOT, "corpus")):
            shutil.copy(os.path.join(ROOT, "corpus", n), corpus)
    elif a.name == "kjv":
        make_kjv(corpus)
    else:
        make_synth(corpus, SIZES[a.name], a.synth, flat=a.name.startswith("synth-flat"))
    with open(stamp, "w") as f:
        f.write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main())
