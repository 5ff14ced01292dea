"""Where the tests find what they need, from the environment:

AJSEARCH_LIB      the shared library (read by the package itself)
AJSEARCH_CORPUS   the corpus to index (default: corpus/ of the source tree)
AJSEARCH_INCLUDE  the directory of ajsearch.h (default: src/ of the tree)
AJSEARCH_BIN      the ajsearch command line, to compare answers with; the
                  comparisons are skipped without it
"""

import json
import os
import shutil
import subprocess

# python/tests/ -> the source tree's top.  When the tests run from a copy
# (tests/run.sh), the variables above say where things are.
TREE = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def corpus_dir():
    return os.environ.get("AJSEARCH_CORPUS") or os.path.join(TREE, "corpus")


def include_dir():
    return os.environ.get("AJSEARCH_INCLUDE") or os.path.join(TREE, "src")


def cli():
    """The command line's path, or None."""
    return os.environ.get("AJSEARCH_BIN") or None


def c_compiler():
    return os.environ.get("CC") or shutil.which("cc")


def run_cli(*args):
    """Runs the command line; returns its standard output.  Exit status 1
    (nothing found) is an answer, not a failure."""
    p = subprocess.run([cli(), *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if p.returncode not in (0, 1):
        raise AssertionError("%s %s failed (%d): %s" % (
            cli(), " ".join(args), p.returncode,
            p.stderr.decode("utf-8", "replace")))
    return p.stdout.decode("utf-8")


def run_cli_json_lines(*args):
    return [json.loads(line) for line in run_cli(*args).splitlines() if line]


def corpus_documents(corpus):
    """The documents a build indexes: files ending in .txt or .md."""
    n = 0
    for _root, _dirs, files in os.walk(corpus):
        n += sum(1 for f in files if f.endswith((".txt", ".md")))
    return n
