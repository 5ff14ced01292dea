#!/usr/bin/env python3
"""The README's examples are real output.

Every fenced block of README.md that holds lines starting with `$ ` is a
transcript: each such line is a shell command run from the top of a
checkout whose corpus/ is indexed (the binary under test first on PATH
and as ./ajsearch), and the lines after it, up to the next command or the end of the block,
are what it printed (standard error first, then standard output, as a
terminal shows a command whose output is piped).  This test runs them all
and fails on the first example whose output differs.

What may differ: the timings of the header, "(0.660 ms)", which are
compared as "(N ms)"; and what the README leaves out on purpose, marked
"..." (a line of its own stands for any number of lines, inside a line for
any text).

    readme.py            check every example
    readme.py --write    rewrite, in README.md, the output of every example
                         that has no "..." with what the binary prints; the
                         timing shown is the fastest of 15 runs
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(ROOT, "README.md")
TIMING = re.compile(r"\((\d+\.\d+) ms\)")


def binary():
    return os.environ.get("AJSEARCH_BIN", os.path.join(ROOT, "build", "ajsearch"))


def transcripts(lines):
    """(command, first output line index, end index) for every `$ ` line."""
    out = []
    fence = None
    cmd = None
    for i, line in enumerate(lines):
        if line.startswith("```"):
            if fence is None:
                fence = i
                continue
            if cmd is not None:
                out.append((cmd[0], cmd[1], i))
            fence = None
            cmd = None
            continue
        if fence is None:
            continue
        if line.startswith("$ "):
            if cmd is not None:
                out.append((cmd[0], cmd[1], i))
            cmd = (line[2:], i + 1)
    return out


def run(command, bindir, work):
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    for k in ("COLUMNS", "AJSEARCH_INDEX", "AJSEARCH_CORPUS", "NO_COLOR"):
        env.pop(k, None)
    # ./ajsearch in the examples is the binary under test.
    command = command.replace("./ajsearch", os.path.join(bindir, "ajsearch"))
    p = subprocess.run(["bash", "-c", command], cwd=work, env=env,
                       capture_output=True, timeout=120)
    text = (p.stderr + p.stdout).decode("utf-8", "replace")
    return text.rstrip("\n").split("\n") if text.strip() else []


def pattern(expected):
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        pieces = []
        for piece in line.split("..."):
            # a timing is any timing: escape the text around each one
            bits = TIMING.split(piece)
            pieces.append(r"\(\d+\.\d+ ms\)".join(re.escape(b) for b in bits[::2]))
        body = "[^\n]*?".join(pieces)
        parts.append(body + "\n")
    return re.compile("".join(parts) + r"\Z")


def trim(block):
    while block and block[-1] == "":
        block = block[:-1]
    return block


def main():
    write = "--write" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as bindir:
        os.symlink(binary(), os.path.join(bindir, "ajsearch"))
        # The examples run as in a fresh checkout after `ajsearch index`:
        # in a directory holding the corpus and an index built from it.
        work = os.path.join(bindir, "top")
        os.mkdir(work)
        os.symlink(os.path.join(ROOT, "corpus"), os.path.join(work, "corpus"))
        # (and the test tools, which an example uses to make a PDF)
        os.symlink(os.path.join(ROOT, "tests"), os.path.join(work, "tests"))
        built = subprocess.run([binary(), "index"], cwd=work, capture_output=True)
        if built.returncode != 0:
            print("readme: `ajsearch index` failed: " + built.stderr.decode("utf-8", "replace"))
            return 1
        with open(README, encoding="utf-8") as f:
            lines = f.read().split("\n")
        examples = transcripts(lines)
        if not examples:
            print("readme: no examples found in README.md")
            return 1
        failed = 0
        edits = []
        for command, start, end in examples:
            expected = trim(lines[start:end])
            got = run(command, bindir, work)
            ok = pattern(expected).match("".join(l + "\n" for l in got)) is not None
            elided = any("..." in l for l in expected)
            if write and not elided:
                if any(TIMING.search(l) for l in got):
                    best = None
                    for _ in range(15):
                        t = [float(x) for l in got for x in TIMING.findall(l)]
                        if best is None or sum(t) < best[0]:
                            best = (sum(t), got)
                        got = run(command, bindir, work)
                    got = best[1]
                gap = lines[start + len(expected):end]
                edits.append((start, start + len(expected), got))
                continue
            if not ok:
                failed += 1
                print("readme: the example `$ %s` (README.md line %d) prints:" % (command, start))
                print("\n".join("    " + l for l in got))
                print("  where the README says:")
                print("\n".join("    " + l for l in expected))
        if write:
            for a, b, new in reversed(edits):
                lines[a:b] = new
            with open(README, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print("readme: rewrote %d examples (%d with '...' left to check)" %
                  (len(edits), len(examples) - len(edits)))
        if failed:
            print("readme: %d of %d examples differ" % (failed, len(examples)))
            return 1
        print("readme: %d examples agree" % len(examples))
        return 0


if __name__ == "__main__":
    sys.exit(main())
