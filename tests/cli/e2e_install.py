#!/usr/bin/env python3
"""End-to-end test of `make install` as a C library's installation (README
"Commands", the paragraph on `make install`; examples/README.md): the files
and links it puts under DESTDIR, the soname, the pkg-config file, the
example programs built against the installed copy (dynamically and
statically) and compared with the command line, the manual pages, and
`make uninstall` removing exactly what was installed.

Usage: e2e_install.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary, $AJSEARCH_BUILD the build directory it comes from,
default build/).  The installation goes into a temporary DESTDIR; nothing
is compiled in the checkout: `make install` depends on `all`, which the
build the tests run on has just made.  Under the sanitizers
($AJSEARCH_BUILD is build-san) the scenario is skipped: programs linked
against an instrumented library need its runtime loaded first, and the
normal pass of `make test` installs the normal build.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, Fail, check, main  # noqa: E402

ROOT = os.getcwd()
BUILD = os.path.abspath(os.environ.get("AJSEARCH_BUILD") or os.path.join(ROOT, "build"))
PREFIX = "/usr"

# Variables of the parent make (`make test` runs the test runner from a
# recipe) and directory settings that would redirect the install: the
# scenario says on the command line everything it means.
MAKE_ENV_DROP = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "MAKEOVERRIDES", "DESTDIR",
                 "PREFIX", "BINDIR", "LIBDIR", "INCLUDEDIR", "DATADIR", "MANDIR",
                 "PKGCONFIGDIR", "BASHCOMPDIR", "ZSHCOMPDIR", "BUILD", "SAN")

# The corpus the example indexes: three documents whose words are known,
# and a file that is not a document, for a warning.
DOCS = {
    "alpha.txt": "Wombat burrows\n\nThe wombat digs a burrow near the river.\n\n"
                 "Quokkas smile at visitors on the island.\n",
    "beta.md": "# Platypus\n\nThe platypus lays eggs and hunts by electroreception, "
               "its bill held shut under water.\n",
    "gamma.txt": "Echidna notes\n\n1. Echidnas eat ants and termites.\n\n"
                 "2. A wombat may share its burrow with an echidna in winter.\n",
}
NOT_A_DOC = "photo.jpg"  # binary: skipped with a warning


def sh(cmd, cwd=None, env=None, timeout=300):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def make_env():
    e = dict(os.environ)
    for k in MAKE_ENV_DROP:
        e.pop(k, None)
    return e


def make_args(destdir):
    """make's arguments for install and uninstall.  BUILD only when the
    build under test is not build/ (the Makefile's default); `-o ajsearch`,
    `-o ajsearch-extract` and `-o ajsearch-serve` keep `all` from refreshing
    the checkout's top-level copies of the binaries, which other tests may
    be running at the same moment (and which a clean checkout's `make
    test` never makes)."""
    args = ["make", "--no-print-directory", "-o", "ajsearch", "-o", "ajsearch-extract",
            "-o", "ajsearch-serve", "DESTDIR=" + destdir, "PREFIX=" + PREFIX]
    if os.path.realpath(BUILD) != os.path.realpath(os.path.join(ROOT, "build")):
        args.append("BUILD=" + BUILD)
    return args


def header_version():
    """(major, minor, patch) from src/ajsearch.h, read independently of
    the Makefile's own reading."""
    text = open(os.path.join(ROOT, "src", "ajsearch.h"), encoding="utf-8").read()
    parts = []
    for name in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(r"^#define AJ_VERSION_%s (\d+)\s*$" % name, text, re.M)
        check(m, f"src/ajsearch.h has no AJ_VERSION_{name}")
        parts.append(m.group(1))
    m = re.search(r'^#define AJ_VERSION_STRING "([^"]*)"', text, re.M)
    check(m and m.group(1) == ".".join(parts),
          f"AJ_VERSION_STRING {m and m.group(1)!r} is not {'.'.join(parts)}")
    return parts


def files_under(top):
    """Every entry under top that is not a directory, relative to top."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            out.add(os.path.relpath(os.path.join(dirpath, name), top))
    return out


def same_bytes(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


def stamp(path):
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def marked(text, spans):
    """text with the byte ranges of spans between [[ and ]]."""
    b = text.encode("utf-8")
    out, at = [], 0
    for s, e in spans:
        out += [b[at:s], b"[[", b[s:e], b"]]"]
        at = e
    out.append(b[at:])
    return b"".join(out).decode("utf-8")


def parse_search(out):
    """The hits search.c printed: (rank, score, citation line, text)."""
    lines = out.split("\n")
    hits = []
    for i, line in enumerate(lines):
        m = re.match(r"^ *(\d+)\. \[(\d+\.\d{3})\] (.*)$", line)
        if m:
            check(i + 1 < len(lines) and lines[i + 1].startswith("    "),
                  f"search.c: no text line after {line!r}")
            hits.append((int(m.group(1)), float(m.group(2)), m.group(3), lines[i + 1][4:]))
    return hits


def cli(*args):
    e = dict(os.environ)
    e.pop("AJSEARCH_INDEX", None)
    e["NO_COLOR"] = "1"
    return sh([BIN] + list(args), env=e, timeout=120)


# ---------------------------------------------------------------- scenario

def s_install_examples(tmp):
    if os.path.basename(BUILD) == "build-san":
        print("e2e_install install_examples: skipped under the sanitizers (see the docstring)")
        return
    pkg = os.environ.get("PKG_CONFIG", "pkg-config")
    for tool in ("make", "readelf", "ldd", "man", pkg):
        check(shutil.which(tool), f"{tool} is not installed (man comes with man-db, readelf "
                                  "with binutils)")
    major, minor, patch = header_version()
    version = f"{major}.{minor}.{patch}"
    realname, soname = f"libajsearch.so.{version}", f"libajsearch.so.{major}"
    dest = os.path.join(tmp, "dest")
    root = dest + PREFIX

    # ---- install, without compiling anything
    built = {n: os.path.join(BUILD, n) for n in ("ajsearch", soname, "libajsearch.a")}
    for p in built.values():
        check(os.path.isfile(p), f"{p} is missing: build first (make all)")
    # A stale build is the caller's business (make test has just built);
    # compiling during install is the Makefile's fault, checked after it.
    rc, out, err = sh(make_args(dest) + ["-q", "all"], cwd=ROOT, env=make_env())
    check(rc == 0, f"{BUILD} is not up to date with the sources (make -q all: {rc}): "
                   f"build it first {err.strip()[:500]}")
    before = {n: stamp(p) for n, p in built.items()}
    rc, out, err = sh(make_args(dest) + ["install"], cwd=ROOT, env=make_env())
    check(rc == 0, f"make install failed ({rc}):\n{out[-2000:]}\n{err[-2000:]}")
    after = {n: stamp(p) for n, p in built.items()}
    check(before == after, f"make install rebuilt {sorted(n for n in before if before[n] != after[n])}")

    # ---- the files, their kinds, modes and contents
    src = {
        "bin/ajsearch": (BIN, 0o755),
        "bin/ajsearch-extract": (os.path.join(BUILD, "ajsearch-extract"), 0o755),
        "bin/ajsearch-serve": (os.path.join(BUILD, "ajsearch-serve"), 0o755),
        f"lib/{realname}": (built[soname], 0o755),
        "lib/libajsearch.a": (built["libajsearch.a"], 0o644),
        "include/ajsearch/ajsearch.h": (os.path.join(ROOT, "src", "ajsearch.h"), 0o644),
        "lib/pkgconfig/ajsearch.pc": (None, 0o644),
        "share/man/man1/ajsearch.1": (os.path.join(ROOT, "docs", "ajsearch.1"), 0o644),
        "share/man/man3/libajsearch.3": (os.path.join(ROOT, "docs", "libajsearch.3"), 0o644),
        "share/bash-completion/completions/ajsearch":
            (os.path.join(ROOT, "tools", "completion", "ajsearch.bash"), 0o644),
        "share/zsh/vendor-completions/_ajsearch":
            (os.path.join(ROOT, "tools", "completion", "_ajsearch"), 0o644),
    }
    links = {f"lib/{soname}": realname, "lib/libajsearch.so": soname}
    want = {os.path.join(PREFIX.lstrip("/"), p) for p in list(src) + list(links)}
    got = files_under(dest)
    check(got == want, f"installed files: missing {sorted(want - got)}, unexpected {sorted(got - want)}")
    for rel, (origin, mode) in src.items():
        p = os.path.join(root, rel)
        st = os.lstat(p)
        check(stat.S_ISREG(st.st_mode), f"{rel} is not a regular file")
        check(stat.S_IMODE(st.st_mode) == mode,
              f"{rel}: mode {stat.S_IMODE(st.st_mode):o}, wanted {mode:o}")
        if origin:
            check(same_bytes(p, origin), f"{rel} is not a copy of {origin}")
    for rel, target in links.items():
        p = os.path.join(root, rel)
        check(os.path.islink(p), f"{rel} is not a symbolic link")
        check(os.readlink(p) == target, f"{rel} -> {os.readlink(p)}, wanted {target}")
    check(os.path.realpath(os.path.join(root, "lib/libajsearch.so")) ==
          os.path.realpath(os.path.join(root, "lib", realname)), "libajsearch.so does not reach the library")

    rc, out, err = sh(["readelf", "-d", os.path.join(root, "lib", realname)])
    check(rc == 0, f"readelf: {err}")
    sonames = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]*)\]", out)
    check(sonames == [soname], f"SONAME {sonames}, wanted {soname}")

    # ---- pkg-config against the staged tree: the sysroot prefixes its
    # paths, the system's own .pc files (libzstd, ...) resolve as usual.
    pcdir = os.path.join(root, "lib", "pkgconfig")
    env = dict(os.environ, PKG_CONFIG_SYSROOT_DIR=dest, PKG_CONFIG_PATH=pcdir)
    for k in MAKE_ENV_DROP:
        env.pop(k, None)

    def pc(*args):
        rc, out, err = sh([pkg] + list(args) + ["ajsearch"], env=env)
        check(rc == 0, f"pkg-config {' '.join(args)} ajsearch: {err.strip()}")
        return out.split()

    check(pc("--variable=pcfiledir") == [pcdir], f"pkg-config reads {pc('--variable=pcfiledir')}")
    check(pc("--modversion") == [version], f"Version: {pc('--modversion')}, wanted {version}")
    pc("--validate")
    cflags, libs, static = pc("--cflags"), pc("--libs"), pc("--static", "--libs")
    check("-I" + os.path.join(root, "include", "ajsearch") in cflags, f"Cflags: {cflags}")
    check("-L" + os.path.join(root, "lib") in libs and "-lajsearch" in libs, f"Libs: {libs}")
    check(not {"-lstemmer", "-lzstd"} & set(libs), f"Libs names private libraries: {libs}")
    for lib in ("-lajsearch", "-lstemmer", "-lpthread", "-lm", "-lzstd", "-lxxhash", "-lutf8proc"):
        check(lib in static, f"--static --libs lacks {lib}: {static}")

    # ---- the examples, built out of tree against the installed copy,
    # warning-free (-Werror on top of the Makefile's -std=c99 -pedantic)
    exmake = os.path.join(ROOT, "examples", "Makefile")
    exdir = os.path.join(tmp, "examples")
    os.mkdir(exdir)
    rc, out, err = sh(["make", "-f", exmake, "CFLAGS=-O2 -g -Werror"], cwd=exdir, env=env)
    check(rc == 0, f"examples failed to build ({rc}):\n{out[-3000:]}\n{err[-3000:]}")
    progs = {n: os.path.join(exdir, n) for n in ("search", "build", "paragraphs")}
    for n, p in progs.items():
        check(os.access(p, os.X_OK), f"examples: no {n} built")
    run_env = dict(env, LD_LIBRARY_PATH=os.path.join(root, "lib"))
    rc, out, err = sh(["ldd", progs["search"]], env=run_env)
    m = re.search(r"^\s*(\S+) => (\S+)", "\n".join(l for l in out.splitlines() if "libajsearch" in l), re.M)
    check(m and m.group(1) == soname and
          os.path.realpath(m.group(2)) == os.path.realpath(os.path.join(root, "lib", realname)),
          f"search does not load the installed library: {out}")

    # build.c: the corpus, its warning, its progress line, its figures
    corpus = os.path.join(tmp, "corpus")
    os.mkdir(corpus)
    for name, text in DOCS.items():
        with open(os.path.join(corpus, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(corpus, NOT_A_DOC), "wb") as f:
        f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    index = os.path.join(tmp, "index")
    rc, out, err = sh([progs["build"], corpus, index], env=run_env)
    check(rc == 0, f"build: {rc}: {err}")
    figures = dict(re.findall(r"^(\w[\w ]*?) +(\d+(?:\.\d+)?)(?: .*)?$", out, re.M))
    check(figures.get("documents") == "3", f"build: documents {figures.get('documents')}:\n{out}")
    warned = [l for l in err.split("\n") if "warning:" in l]
    check(len(warned) == 1 and NOT_A_DOC in warned[0] and "binary" in warned[0],
          f"build: warnings {warned}")
    # (the skipped file counts among those taken in)
    check(re.search(r"4/4 documents", err), f"build: no progress line: {err!r}")

    # the installed ajsearch reads an HTML page through the extractor
    # installed beside it (not the build's: AJSEARCH_EXTRACT unset, PATH
    # without the build directory)
    pages = os.path.join(tmp, "pages")
    os.mkdir(pages)
    with open(os.path.join(pages, "page"), "w") as f:
        f.write("<!DOCTYPE html><html><head><title>Okapi page</title></head><body>"
                "<nav>Menu</nav><main><p>The okapi browses in the rainforest.</p></main>"
                "</body></html>")
    env_x = {k: v for k, v in run_env.items() if k != "AJSEARCH_EXTRACT"}
    env_x["PATH"] = "/usr/bin:/bin"
    rc, out, err = sh([os.path.join(root, "bin", "ajsearch"), "index", "--corpus", pages,
                       "--index", os.path.join(tmp, "pages-index")], env=env_x)
    check(rc == 0 and "warning" not in err, f"installed ajsearch on an HTML page: {rc} {err}")
    rc, out, err = sh([os.path.join(root, "bin", "ajsearch"), "--json", "--index",
                       os.path.join(tmp, "pages-index"), "okapi"], env=env_x)
    hit = json.loads(out.splitlines()[0]) if rc == 0 and out.strip() else {}
    check(hit.get("format") == "html" and hit.get("title") == "Okapi page",
          f"installed ajsearch: the HTML page's hit {rc} {out[:300]} {err}")
    # the installed `ajsearch serve` runs the installed ajsearch-serve
    srv = subprocess.Popen([os.path.join(root, "bin", "ajsearch"), "serve", "--index",
                            os.path.join(tmp, "pages-index"), "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_x, text=True)
    try:
        line = srv.stdout.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        body = urllib.request.urlopen(m.group(1) + "/api/search?q=okapi", timeout=30).read() \
            if m else b"{}"
        check(json.loads(body).get("total") == 1,
              f"installed ajsearch serve: {line!r} {body[:200]!r}")
    finally:
        srv.terminate()
        srv.wait(timeout=10)

    rc, out_dump, err = cli("dump", "--json", "--index", index)
    check(rc == 0, f"ajsearch dump of the example's index: {rc}: {err}")
    dump = [json.loads(l) for l in out_dump.splitlines() if l.strip()]
    check(figures.get("paragraphs") == str(len(dump)),
          f"build says {figures.get('paragraphs')} paragraphs, dump lists {len(dump)}")
    check({d["doc"] for d in dump} == set(DOCS), f"dump documents {sorted({d['doc'] for d in dump})}")

    # paragraphs.c: exactly dump's paragraphs
    rc, out, err = sh([progs["paragraphs"], index], env=run_env)
    check(rc == 0, f"paragraphs: {rc}: {err}")
    rows = [l.split("\t") for l in out.split("\n") if l]
    check(all(len(r) == 5 for r in rows), f"paragraphs: not 5 fields a line: {out!r}")
    check([(int(r[0]), r[1]) for r in rows] == [(d["id"], d["doc"]) for d in dump],
          f"paragraphs lists {[(r[0], r[1]) for r in rows]}, dump {[(d['id'], d['doc']) for d in dump]}")
    for r, d in zip(rows, dump):
        check((r[2], r[3]) == (d["kind"], d["label"] if d["label"] is not None else "-"),
              f"paragraph {d['id']}: kind/label {r[2:4]}, dump {d['kind']}/{d['label']}")
        t, full = r[4].encode("utf-8"), d["text"].encode("utf-8")
        check(full.startswith(t) and len(t) <= 60 and (len(t) == len(full) or len(t) > 56),
              f"paragraph {d['id']}: text {r[4]!r}, dump {d['text']!r}")

    # search.c: the command line's hits, marks and citations
    def example_search(prog, *query, env=run_env):
        return sh([prog, index] + list(query), env=env)

    rc, out, err = example_search(progs["search"], "wombat")
    check(rc == 0, f"search wombat: {rc}: {err}")
    hits = parse_search(out)
    rc2, ref, err2 = cli("search", "--json", "-n", "10", "--index", index, "--", "wombat")
    check(rc2 == 0, f"ajsearch wombat: {rc2}: {err2}")
    ref = [json.loads(l) for l in ref.splitlines() if l.strip()]
    check(len(hits) == len(ref) == 3, f"search wombat: {len(hits)} hits, ajsearch {len(ref)}:\n{out}")
    for (rank, score, cite, text), h in zip(hits, ref):
        check(rank == h["rank"] and abs(score - h["score"]) < 0.0006,
              f"search wombat: [{rank}] {score}, ajsearch [{h['rank']}] {h['score']}")
        check(cite == h["cite"], f"search wombat: citation {cite!r}, ajsearch {h['cite']!r}")
        check(text == marked(h["text"], h["text_matches"]),
              f"search wombat: {text!r}, ajsearch marks {marked(h['text'], h['text_matches'])!r}")
        check(re.search(r"\[\[wombat\]\]", text, re.I), f"search wombat: no mark in {text!r}")
    dynamic_out = out

    rc, out, err = example_search(progs["search"], "xylophonequartz")
    check(rc == 1 and not parse_search(out), f"search of a missing word: {rc}: {out} {err}")

    query = "(wombat AND platypus"
    rc, out, err = example_search(progs["search"], query)
    rc2, _, err2 = cli("search", "--index", index, "--", query)
    m = re.search(r"at byte (\d+): (.*)", err2)
    check(rc2 == 2 and m, f"ajsearch {query!r}: {rc2} {err2!r}")
    check(rc == 2 and not out and f"at byte {m.group(1)}: {m.group(2)}" in err,
          f"search {query!r}: {rc}, stdout {out!r}, stderr {err!r}; wanted at byte {m.group(1)}: {m.group(2)}")

    # search.c linked statically, as `pkg-config --static` says
    stdir = os.path.join(tmp, "static")
    os.mkdir(stdir)
    rc, out, err = sh(["make", "-f", exmake, "STATIC=1", "CFLAGS=-O2 -g -Werror", "search"],
                      cwd=stdir, env=env)
    check(rc == 0, f"static search failed to build ({rc}):\n{out[-3000:]}\n{err[-3000:]}")
    check("-lstemmer" in out and "-static" in out, f"static link: {out}")
    static_search = os.path.join(stdir, "search")
    rc, out, err = sh(["readelf", "-d", static_search])
    check("libajsearch" not in out and "NEEDED" not in out, f"static search is dynamic: {out}")
    plain = dict(env)
    plain.pop("LD_LIBRARY_PATH", None)
    rc, out, err = example_search(static_search, "wombat", env=plain)
    check(rc == 0 and out == dynamic_out, f"static search: {rc}: {err}\n{out}\nwanted\n{dynamic_out}")

    # ---- the manual pages render without a warning
    man_env = dict(os.environ, MANROFFOPT="-ww", MANWIDTH="80", LC_ALL="C.UTF-8")
    for rel, name in (("share/man/man1/ajsearch.1", "ajsearch"),
                      ("share/man/man3/libajsearch.3", "libajsearch")):
        rc, out, err = sh(["man", "-l", os.path.join(root, rel)], env=man_env)
        check(rc == 0 and not err.strip(), f"man -l {rel}: {rc}: {err.strip()[:1000]}")
        check(re.search(r"^NAME\s*\n\s+" + name + r"\b", out, re.M), f"man -l {rel}: no NAME {name}")

    # ---- uninstall: exactly what install put, and the emptied include/ajsearch
    foreign = ["lib/libother.so.1", "include/other.h", "share/man/man1/other.1"]
    for rel in foreign:
        with open(os.path.join(root, rel), "w") as f:
            f.write("not ours\n")
    rc, out, err = sh(make_args(dest) + ["uninstall"], cwd=ROOT, env=make_env())
    check(rc == 0, f"make uninstall failed ({rc}):\n{out[-2000:]}\n{err[-2000:]}")
    left = files_under(dest)
    want = {os.path.join(PREFIX.lstrip("/"), rel) for rel in foreign}
    check(left == want, f"after uninstall: left {sorted(left - want)}, removed others' {sorted(want - left)}")
    check(not os.path.exists(os.path.join(root, "include", "ajsearch")), "include/ajsearch is still there")


if __name__ == "__main__":
    main("e2e_install", globals())
