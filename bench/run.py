#!/usr/bin/env python3
"""The benchmark suite: ajsearch against SQLite FTS5 and Xapian, in one run.

  python3 bench/run.py [--quick] [--corpora seed,kjv,NAME=PATH,...]
                       [--queries FILE] [--out DIR] [--data DIR] ...

For each corpus: make it (tools/mkcorpus.py for the built-in ones; a
directory or a JSONL file for a corpus of your own), build every engine on
the same paragraphs (ajsearch from the corpus files; the peers from the
paragraph texts ajsearch's segmenter produced, exported with `ajsearch
dump`), measure build time, peak RSS and index size, generate the query set
(tools/gen_bench_queries.py) unless --queries gives one, run every query
class at top-10 and top-100 in-process on every engine (warm page cache,
medians and tail percentiles of the per-query latencies, and the spread of
the class's median over the passes), check hit counts agree, and time the
command-line tools cold. The user's path: `ajsearch search --stdin`, text
and --json, default options, one process per class and format, against the
peers doing a search page's work in-process (top 10 with snippets and the
paragraph's text) and their ids-only top 10.

Nothing tracked is written: a run goes into its own folder,
bench/out/<run id>/ (ignored by git; bench/out/latest points to the newest),
with one JSON per corpus, run.json (the options, the machine and its load),
a RESULTS.md draft and the plots. bench/publish.py copies a run into
bench/results/ and bench/RESULTS.md, as a step of its own.

The machine's load is recorded before the run and sampled every second
during it; a corpus measured while other processes used more than
--load-limit cores is measured once more (--load-retries), and the quieter
attempt is kept, marked if it was still loaded.

Binaries are taken from build/ (make bench-build builds them). Nothing is
fetched from the network.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
BIN = {
    "ajsearch": os.path.join(BUILD, "bench", "aj_bench"),
    "fts5": os.path.join(BUILD, "bench", "fts5_bench"),
    "xapian": os.path.join(BUILD, "bench", "xapian_bench"),
}
CLI = os.path.join(BUILD, "ajsearch")
CLOCKED = os.path.join(BUILD, "bench", "ajsearch-clocked")
# Where runs go; AJ_BENCH_OUT moves it (tests/bench/suite.py, so that its
# runs never touch the checkout's bench/out/latest).
OUT = os.environ.get("AJ_BENCH_OUT") or os.path.join(ROOT, "bench", "out")
CLASSES = ["term", "and2", "and3", "or2", "or4", "phrase2", "phrase3", "phrase4s",
           "not", "prefix", "long"]
BOOLEAN = {"term", "and2", "and3", "or2", "or4", "not"}
# The corpora tools/mkcorpus.py makes; any other is NAME=DIR or NAME=FILE.jsonl.
BUILTIN = ["seed", "kjv", "synth-100M", "synth-flat-100M", "synth-1G"]
# The operators of a query file's second column (bench/README.md, "Queries").
OPS = {"term", "and", "or", "phrase", "not", "prefix", "long"}



def current_gen(index):
    """The live generation's directory name: CURRENT is a file naming it
    (a symbolic link in indexes built before)."""
    path = os.path.join(index, "CURRENT")
    if os.path.islink(path):
        return os.readlink(path)
    with open(path) as f:
        return f.read().strip()

def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


class Busy:
    """How much of the machine other processes used while the benchmark ran:
    the CPU time the whole machine spent busy (/proc/stat) minus this
    process's and its children's, over the wall time, in cores. On a shared
    machine a busy neighbour moves every figure, and not alike (a loaded
    machine flattered ajsearch's 10 µs medians more than the peers' 100 µs
    ones), so each corpus's run records it and bench/gate.py will not judge
    a run that shared the machine."""

    def __init__(self):
        self.wall, self.busy, self.own = time.perf_counter(), self._busy(), self._own()

    @staticmethod
    def _busy():
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        # user nice system idle iowait irq softirq steal: all but idle, iowait
        return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def others_cores(self):
        """Cores' worth of CPU used by other processes since construction."""
        busy = self._busy()
        wall = time.perf_counter() - self.wall
        if busy is None or self.busy is None or wall <= 0:
            return None
        return max(0.0, (busy - self.busy) - (self._own() - self.own)) / wall


def own_cpu_seconds():
    """CPU seconds used by this process and every child, living or reaped:
    /proc/self/stat's utime, stime, cutime, cstime plus the same fields of
    each live child (a child's time moves into cutime when it is reaped, so
    nothing is counted twice)."""
    tck = os.sysconf("SC_CLK_TCK")
    me = os.getpid()

    def fields(pid):
        with open(f"/proc/{pid}/stat") as f:
            v = f.read().rsplit(")", 1)[1].split()
        return int(v[1]), sum(int(x) for x in v[11:15])  # ppid, u+s+cu+cs

    try:
        total = fields(me)[1]
    except (OSError, ValueError, IndexError):
        return None
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != me:
            try:
                ppid, t = fields(d)
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                total += t
    return total / tck


class LoadSampler:
    """Samples the machine's load every `every` seconds in a thread: the
    1-minute load average (/proc/loadavg) and the cores' worth of CPU that
    other processes used since the previous sample (Busy's measure, with
    this process's live children counted as they run).  window(mark)
    summarizes the samples since a mark()."""

    def __init__(self, every=1.0):
        self.every = every
        self.samples = []  # (seconds since start, load1, others' cores)
        self.t0 = time.perf_counter()
        self._stop = threading.Event()
        self._last = (self.t0, Busy._busy(), own_cpu_seconds())
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        while not self._stop.wait(self.every):
            self.sample()

    def sample(self):
        now, busy, own = time.perf_counter(), Busy._busy(), own_cpu_seconds()
        t, b, o = self._last
        others = None
        if None not in (busy, own, b, o) and now > t:
            others = max(0.0, (busy - b) - (own - o)) / (now - t)
        self._last = (now, busy, own)
        self.samples.append((now - self.t0, os.getloadavg()[0], others))

    def mark(self):
        return len(self.samples)

    def window(self, mark):
        """Summary of the samples since mark: the 1-minute load average's
        maximum, other processes' mean and maximum cores, the count, and
        the samples themselves (at most 120, averaged in groups)."""
        v = self.samples[mark:]
        others = [x[2] for x in v if x[2] is not None]
        step = max(1, -(-len(v) // 120))
        kept = []
        for i in range(0, len(v), step):
            g = v[i:i + step]
            o = [x[2] for x in g if x[2] is not None]
            kept.append([round(g[0][0], 1), round(max(x[1] for x in g), 2),
                         round(statistics.fmean(o), 3) if o else None])
        return {"samples": len(v), "every_seconds": self.every,
                "load1_max": max((x[1] for x in v), default=None),
                "others_cores_mean": statistics.fmean(others) if others else None,
                "others_cores_max": max(others, default=None),
                "trace": kept}


def spread(v):
    """min, p25, median, p75, max of the values (None when empty): the
    spread over repetitions that RESULTS.md reports beside a median."""
    if not v:
        return None
    return {"min": min(v), "p25": pct(v, 0.25), "median": statistics.median(v),
            "p75": pct(v, 0.75), "max": max(v), "n": len(v)}


def run_rss(cmd):
    """Runs cmd, returning (stdout, wall seconds, peak RSS bytes) via wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({p.returncode}): {err.decode()[-2000:]}")
    return out.decode(), wall, ru.ru_maxrss * 1024


def rss_floor():
    """The peak RSS wait4 reports for /bin/true started the same way.  On
    Linux a child's peak RSS starts from this process's own (exec carries
    the forked image's high-water mark into the new program's), so a
    build's figure at or below the floor says only that it stayed under
    it."""
    try:
        return run_rss(["/bin/true"])[2]
    except (OSError, RuntimeError):
        return None


def du(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total


def pct(v, q):
    v = sorted(v)
    if not v:
        return None
    i = min(len(v) - 1, max(0, int(round(q * (len(v) - 1)))))
    return v[i]


def corpus_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def build_engines(name, work, corpus, reps, engines, reuse_peers=False):
    """Builds every engine reps times (the median counts, the spread is
    kept); Xapian once on the synth corpora of a whole run (reps > 1 there
    would take hours)."""
    res = {}
    floor = rss_floor()
    # ajsearch: from the corpus files, with one thread, then with as many as
    # the machine has (the default); the files must be identical.
    idx = os.path.join(work, "ajsearch.idx")
    one = os.path.join(work, "ajsearch-1t.idx")
    shutil.rmtree(one, ignore_errors=True)
    out, wall, rss1 = run_rss([BIN["ajsearch"], "build", one, corpus, "1"])
    secs1 = json.loads(out)["seconds"]
    runs = []
    for r in range(reps):
        shutil.rmtree(idx, ignore_errors=True)
        out, wall, rss = run_rss([BIN["ajsearch"], "build", idx, corpus])
        info = json.loads(out)
        runs.append((info["seconds"], rss))
    gen = os.path.join(idx, current_gen(idx))
    gen1 = os.path.join(one, current_gen(one))
    files = {f: os.path.getsize(os.path.join(gen, f)) for f in sorted(os.listdir(gen))}
    identical = all(open(os.path.join(gen, f), "rb").read() == open(os.path.join(gen1, f), "rb").read()
                    for f in files)
    shutil.rmtree(one, ignore_errors=True)
    # What the mined acronyms add to the index (the one index-size cost of
    # the search-quality features: spelling variants make the dictionary
    # smaller, compounds and did-you-mean are decided at query time).
    st = json.loads(subprocess.run([CLI, "stats", "--json", "--index", idx], capture_output=True,
                                   text=True, check=True).stdout)
    res_acro = {"acronyms": st.get("acronyms", 0), "acronym_bytes": st.get("acronym_bytes", 0)}
    secs = statistics.median(r[0] for r in runs)
    res["ajsearch"] = {"seconds": secs, "seconds_all": [r[0] for r in runs],
                       "seconds_spread": spread([r[0] for r in runs]),
                       "rss": max(r[1] for r in runs), "bytes": sum(files.values()),
                       "files": files, "paragraphs": info["paragraphs"],
                       "bytes_in": info["bytes_in"], "index": idx,
                       "threads": info.get("threads"), "runs": info.get("runs"),
                       "seconds_1thread": secs1, "rss_1thread": rss1,
                       "identical_across_threads": identical, "rss_floor": floor,
                       **res_acro}
    log(f"{name}: ajsearch build {secs:.2f}s ({secs1:.2f}s with 1 thread), "
        f"{sum(files.values())/1e6:.1f} MB, identical: {identical}")
    # The paragraphs ajsearch indexed, for the peers.
    paras = os.path.join(work, "paras.tsv")
    if not os.path.exists(paras) or os.path.getmtime(paras) < os.path.getmtime(gen):
        with open(paras + ".tmp", "w") as f:
            p = subprocess.Popen([CLI, "dump", "--json", "--index", idx], stdout=subprocess.PIPE,
                                 text=True)
            for line in p.stdout:
                d = json.loads(line)
                f.write(f"{d['id']}\t{d['text']}\n")
            if p.wait() != 0:
                raise RuntimeError("dump failed")
        os.replace(paras + ".tmp", paras)
    fingerprint = paras_fingerprint(paras)
    for eng in engines:
        if eng == "ajsearch":
            continue
        db = os.path.join(work, f"{eng}.db")
        if reuse_peers:
            kept = reusable_build(db, fingerprint)
            if kept:
                res[eng] = {**kept, "index": db, "bytes": du(db), "reused": True}
                log(f"{name}: {eng} database reused (built {kept.get('built')})")
                continue
        runs = []
        for r in range(1 if eng == "xapian" and name.startswith("synth") else reps):
            shutil.rmtree(db, ignore_errors=True)
            if os.path.exists(db):
                os.remove(db)
            out, wall, rss = run_rss([BIN[eng], "build", db, paras])
            runs.append((json.loads(out)["seconds"], rss))
        secs = statistics.median(r[0] for r in runs)
        res[eng] = {"seconds": secs, "seconds_all": [r[0] for r in runs],
                    "seconds_spread": spread([r[0] for r in runs]),
                    "rss": max(r[1] for r in runs), "bytes": du(db), "index": db,
                    "rss_floor": floor}
        with open(db + ".build.json", "w") as f:
            json.dump({"paras": fingerprint, "seconds": secs, "seconds_all": res[eng]["seconds_all"],
                       "rss": res[eng]["rss"],
                       "built": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}, f)
        log(f"{name}: {eng} build {secs:.2f}s, {du(db)/1e6:.1f} MB")
    return res, paras


def paras_fingerprint(paras):
    """Size and SHA-1 of the paragraphs file the peers index."""
    h = hashlib.sha1()
    with open(paras, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"bytes": os.path.getsize(paras), "sha1": h.hexdigest()}


def reusable_build(db, fingerprint):
    """The build figures recorded beside a peer's database (DB.build.json,
    written when a build finishes) if it was built from these very
    paragraphs; None if it must be built again."""
    try:
        with open(db + ".build.json") as f:
            rec = json.load(f)
    except (OSError, ValueError):
        return None
    if rec.get("paras") != fingerprint or not os.path.exists(db):
        return None
    return {k: rec.get(k) for k in ("seconds", "seconds_all", "rss", "built")}


# (label, aj_bench MODE): the rankings whose cost make bench reports.
FEATURE_MODES = [
    ("bm25", "prune,noexpand"),
    ("bm25 + expansion", "prune"),
    ("full ranking", "prune,full,noexpand"),
    ("full ranking, no partial matches", "prune,full,nopartial,noexpand"),
    ("default: full ranking + expansion", "prune,full"),
]
# The peers' work: textbook BM25 of the query as written.
PEER_MODE = "prune,noexpand"


def run_queries(eng, index, queries, k, repeat, mode=None):
    cmd = [BIN[eng], "query", index, queries, str(k), str(repeat)] + ([mode] if mode else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = [json.loads(l) for l in out.splitlines()]
    return [r for r in rows if not r.get("error")]


def summarize(rows):
    """Per class: p50, p95, p99 and mean over every query and pass, and
    the spread of the class's p50 over the passes (a driver prints each
    query once per pass, in order, so the k-th line of query i is pass k)."""
    by, passes, seen = {}, {}, {}
    for r in rows:
        k = seen[r["i"]] = seen.get(r["i"], -1) + 1
        by.setdefault(r["class"], []).append(r["us"])
        passes.setdefault(r["class"], {}).setdefault(k, []).append(r["us"])
    out = {}
    for c, v in by.items():
        per_pass = [pct(x, 0.5) for _, x in sorted(passes[c].items())]
        out[c] = {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "p99": pct(v, 0.99),
                  "mean": statistics.fmean(v), "n": len(v), "passes": len(per_pass),
                  "p50_spread": spread(per_pass)}
    return out


def class_order(classes):
    """The benchmark's classes in their usual order, then any others (a
    query file of your own may name its own) in sorted order."""
    classes = set(classes)
    return [c for c in CLASSES if c in classes] + sorted(classes - set(CLASSES))


def cli_query(op, words):
    """The ajsearch query a user types for one CLASS/OP/WORDS line (the
    same translation as bench/aj_bench.c)."""
    w = words.split()
    if op == "phrase":
        return '"' + " ".join(w) + '"'
    if op in ("or", "long"):
        return " OR ".join(w)
    if op == "not":
        return w[0] + "".join(" -" + x for x in w[1:])
    if op == "prefix":
        return " ".join([w[0] + "*"] + w[1:])
    return " ".join(w)  # term, and


def user_path_batch(index, corpus, lines, fmt, work):
    """One `ajsearch search --stdin` process over the lines (one query
    each), default options, answers written to a file. Returns the batch
    wall time (process start to exit, seconds), the per-query times (µs)
    or None, and the output's size. The binary is build/bench/ajsearch-clocked:
    build/ajsearch's objects and static link with a clock on each line read
    (bench/stdin_clock.c)."""
    qpath = os.path.join(work, "user-queries.txt")
    opath = os.path.join(work, "user-out.txt")
    cpath = os.path.join(work, "user-clock.txt")
    with open(qpath, "w") as f:
        f.write("".join(l + "\n" for l in lines))
    for p in (cpath,):
        if os.path.exists(p):
            os.remove(p)
    cli = CLOCKED if os.path.exists(CLOCKED) else CLI
    cmd = [cli, "search", "--stdin", "--index", index, "--corpus", corpus]
    if fmt == "json":
        cmd.append("--json")
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env["AJ_STDIN_CLOCK"] = cpath
    with open(qpath, "rb") as fin, open(opath, "wb") as fout:
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE, env=env)
        wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):  # 1: no query listed anything
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-1000:]}")
    out_bytes = os.path.getsize(opath)
    if fmt == "json":
        # Every query answered: each line of --stdin --json starts with its
        # query's line number.
        seen = set()
        with open(opath) as f:
            for line in f:
                seen.add(json.loads(line)["query"])
        if seen != set(range(1, len(lines) + 1)):
            raise RuntimeError(f"--stdin --json answered {len(seen)} of {len(lines)} queries")
    per_query = None
    if os.path.exists(cpath):
        with open(cpath) as f:
            st = [int(x) for x in f.read().split()]
        if len(st) >= len(lines) + 1:
            per_query = [(st[i + 1] - st[i]) / 1e3 for i in range(len(lines))]
    return wall, per_query, out_bytes


def user_path(builds, queries_file, corpus, work, repeats):
    """The command line's batch path per class and output format: mean per
    query = batch wall time / queries (process start amortized over the
    batch), p50/p99 of the per-query times inside the process. The batches
    of the two formats alternate, class by class, so that a change in the
    machine's load hits both alike."""
    by = {}
    with open(queries_file) as f:
        for line in f:
            cls, op, w = line.rstrip("\n").split("\t")
            by.setdefault(cls, []).append(cli_query(op, w))
    out = {}
    for cls in class_order(by):
        lines = by[cls]
        walls = {"text": [], "json": []}
        times = {"text": [], "json": []}
        nbytes = {}
        for rep in range(repeats):
            for fmt in ("text", "json"):
                wall, per_query, nb = user_path_batch(builds["ajsearch"]["index"], corpus,
                                                      lines, fmt, work)
                walls[fmt].append(wall)
                nbytes[fmt] = nb
                if per_query is None:
                    times[fmt] = None
                elif times[fmt] is not None:
                    times[fmt] += per_query
        for fmt in ("text", "json"):
            n = len(lines)
            v = times[fmt]
            out.setdefault(fmt, {})[cls] = {
                # the median batch of the repeats
                "mean": statistics.median(walls[fmt]) / n * 1e6,
                "mean_in_process": statistics.fmean(v) if v else None,
                "p50": pct(v, 0.5) if v else None,
                "p95": pct(v, 0.95) if v else None,
                "p99": pct(v, 0.99) if v else None,
                "n": n, "batches": repeats, "bytes_per_query": nbytes[fmt] / n,
                # each batch's mean per query, µs: the spread over batches
                "mean_spread": spread([w / n * 1e6 for w in walls[fmt]]),
            }
        log(f"user path {cls}: text {out['text'][cls]['mean']:.0f} µs, "
            f"json {out['json'][cls]['mean']:.0f} µs per query")
    return out


def cold_cli(builds, queries_file, n):
    """Wall time of one command-line search (start, open, search, print 10),
    one process per query word: the term class's words (the first word of
    each query when a query file has no term class)."""
    words, firsts = [], []
    with open(queries_file) as f:
        for line in f:
            cls, op, w = line.rstrip("\n").split("\t")
            if cls == "term":
                words.append(w)
            firsts.append(w.split()[0])
    words = (words or firsts)[:n]
    out = {}
    cmds = {
        "ajsearch": lambda w: [CLI, "--index", builds["ajsearch"]["index"], "-n", "10", w],
    }
    if "fts5" in builds and shutil.which("sqlite3"):
        cmds["fts5"] = lambda w: ["sqlite3", builds["fts5"]["index"],
                                  f"SELECT rowid FROM p WHERE p MATCH '{w}' ORDER BY rank LIMIT 10"]
        # What ajsearch's command line does: the top 10 with a snippet
        # (issue 12's cold start target compares with this one).
        cmds["fts5-snippet"] = lambda w: [
            "sqlite3", builds["fts5"]["index"],
            f"SELECT rowid, snippet(p, 0, '[[', ']]', '...', 48) FROM p WHERE p MATCH '{w}' "
            "ORDER BY rank LIMIT 10"]
    if "xapian" in builds and shutil.which("quest"):
        cmds["xapian"] = lambda w: ["quest", "-d", builds["xapian"]["index"], "-m", "10", w]
    times = {eng: [] for eng in cmds}
    passes = {eng: [] for eng in cmds}
    for rep in range(3):
        this = {eng: [] for eng in cmds}
        for w in words:
            # The engines alternate query by query, so that a change in the
            # machine's load hits them alike.
            for eng, mk in cmds.items():
                t0 = time.perf_counter()
                subprocess.run(mk(w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                this[eng].append((time.perf_counter() - t0) * 1e3)
        if rep > 0:  # the first pass warms the page cache
            for eng, t in this.items():
                times[eng] += t
                passes[eng].append(pct(t, 0.5))
    for eng, t in times.items():
        out[eng] = {"p50_ms": pct(t, 0.5), "p95_ms": pct(t, 0.95), "n": len(t),
                    "p50_ms_spread": spread(passes[eng]),
                    # what ran, with WORD standing for the query word
                    "command": " ".join(cmds[eng]("WORD"))}
    return out


def agreement(results):
    """Per boolean class, the share of queries where the peers' hit counts
    equal ajsearch's, with examples of differences."""
    out = {}
    aj = {r["i"]: r for r in results.get("ajsearch", [])}
    for eng, rows in results.items():
        if eng == "ajsearch":
            continue
        same, total, diffs = {}, {}, []
        for r in rows:
            a = aj.get(r["i"])
            if not a:
                continue
            c = r["class"]
            total[c] = total.get(c, 0) + 1
            if a["hits"] == r["hits"]:
                same[c] = same.get(c, 0) + 1
            elif len(diffs) < 12:
                diffs.append({"i": r["i"], "class": c, "ajsearch": a["hits"], eng: r["hits"]})
        out[eng] = {"share_equal": {c: same.get(c, 0) / total[c] for c in total}, "examples": diffs}
    return out


def faster_peer_classes(latency10, engines):
    """{peer: the classes where it had the lower top-10 mean in this run}
    (the mean, as the user's path targets use the peers' means; the run of
    2026-12-06 14:18 chose by p50, which put phrase2 on FTS5)."""
    out = {e: set() for e in engines if e != "ajsearch"}
    for c in class_order({c for e in out for c in latency10.get(e, {})}):
        vals = [(latency10[e][c]["mean"], e) for e in out
                if c in latency10.get(e, {}) and latency10[e][c].get("mean") is not None]
        if vals:
            out[min(vals)[1]].add(c)
    return out


def measure_user_path(name, a, engines, builds, paras, work, corpus, one_batch,
                      latency10=None, queries=None):
    """The user's path (user_path) and the peers' ids-only and page work on
    the same queries: a set of its own made by the generator (a.user_batch
    per class), or, with a query file of your own (queries), that file,
    each class's lines one batch.  With latency10 (the run's top-10
    figures), each class is run only on the peer that was faster there: on
    synth-1G the slower peer's passes would take over an hour (FTS5's long
    pasted queries take seconds each) and measure nothing the targets use."""
    if queries:
        uq = queries
    else:
        uq = os.path.join(work, "user-queries.tsv")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_bench_queries.py"),
                        paras, uq, "--per-class", str(a.user_batch)], check=True)
    reps = a.user_repeat or (1 if one_batch else 3)
    user = {"ajsearch": user_path(builds, uq, corpus, work, reps), "ids": {}, "page": {},
            "batch": None if queries else a.user_batch, "repeats": reps}
    only = faster_peer_classes(latency10, engines) if latency10 else None
    if only:
        user["peer_classes"] = {e: sorted(v) for e, v in only.items()}
    for eng in engines:
        if eng == "ajsearch":
            continue
        qf = uq
        if only is not None:
            if not only[eng]:
                log(f"{name}: {eng} slower at top 10 in every class: not run on the user's path")
                continue
            qf = os.path.join(work, f"user-queries-{eng}.tsv")
            with open(uq) as fin, open(qf, "w") as fout:
                fout.writelines(l for l in fin if l.split("\t", 1)[0] in only[eng])
        for mode in ("ids", "page"):
            rows = run_queries(eng, builds[eng]["index"], qf, 10, reps,
                               "snippets" if mode == "page" else "ids")
            user[mode][eng] = summarize(rows)
        log(f"{name}: {eng} top-10 ids only and with snippets done")
    return user


# ---- corpora and query sets ----------------------------------------------

class UsageError(Exception):
    """A corpus or query file the run cannot use: reported in one line,
    before anything is measured."""


NAME_RE = r"[A-Za-z0-9][A-Za-z0-9._-]*"


def resolve_corpora(text):
    """The --corpora list as specs {name, kind, path}: a built-in name
    (kind "builtin"), NAME=DIR or NAME=FILE.jsonl, or a bare existing DIR
    or FILE.jsonl (named after it).  Raises UsageError naming what is
    wrong."""
    specs, names = [], set()
    for item in (x.strip() for x in text.split(",")):
        if not item:
            continue
        if "=" in item:
            name, path = (x.strip() for x in item.split("=", 1))
        elif item in BUILTIN:
            name, path = item, None
        elif os.path.exists(item):
            path = item
            name = os.path.basename(os.path.normpath(item))
            if name.endswith(".jsonl"):
                name = name[:-len(".jsonl")]
        else:
            raise UsageError(
                f"unknown corpus {item!r}: the built-in corpora are {', '.join(BUILTIN)}; "
                "a corpus of your own is NAME=DIR (a directory of .txt or .md documents) or "
                "NAME=FILE.jsonl (one JSON object a line with a \"text\" string and "
                "optionally a \"title\"); see bench/README.md, \"Your own corpus\"")
        if not re.fullmatch(NAME_RE, name):
            raise UsageError(f"corpus name {name!r}: use letters, digits, '.', '_' and '-'")
        if name in names:
            raise UsageError(f"corpus {name!r} named twice")
        names.add(name)
        if path is None:
            specs.append({"name": name, "kind": "builtin", "path": None})
            continue
        if name in BUILTIN:
            raise UsageError(f"{name!r} is a built-in corpus; give yours another name")
        path = os.path.abspath(path)
        if os.path.isdir(path):
            docs = [f for _, _, fs in os.walk(path) for f in fs
                    if f.endswith((".txt", ".md")) and not f.startswith(".")]
            if not docs:
                raise UsageError(f"corpus {name}: no .txt or .md document under {path}")
            specs.append({"name": name, "kind": "dir", "path": path})
        elif os.path.isfile(path) and path.endswith(".jsonl"):
            specs.append({"name": name, "kind": "jsonl", "path": path})
        else:
            raise UsageError(f"corpus {name}: {path} is neither a directory nor a .jsonl file")
    if not specs:
        raise UsageError("no corpus named")
    return specs


def file_sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def jsonl_corpus(path, work):
    """DIR/corpus made from a JSONL file, one document per line ({"text":
    ..., "title": ...}; the title becomes the document's first line, which
    ajsearch takes as its title), named by line number so that the order
    of the file is the order of the ids.  Kept while the file's SHA-1 is
    the one in its stamp."""
    corpus = os.path.join(work, "corpus")
    stamp = os.path.join(work, "corpus.stamp")
    want = f"jsonl {file_sha1(path)}\n"
    if os.path.isdir(corpus) and os.path.exists(stamp) and open(stamp).read() == want:
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus)
    n = 0
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except ValueError as e:
                raise UsageError(f"{path}:{lineno}: not JSON ({e})")
            if not isinstance(d, dict) or not isinstance(d.get("text"), str):
                raise UsageError(f"{path}:{lineno}: an object with a \"text\" string expected")
            title = d.get("title")
            n += 1
            with open(os.path.join(corpus, f"{n:07d}.txt"), "w", encoding="utf-8") as g:
                g.write((f"{title}\n\n" if isinstance(title, str) and title.strip() else "")
                        + d["text"].rstrip("\n") + "\n")
    if not n:
        raise UsageError(f"{path}: no document")
    with open(stamp, "w") as f:
        f.write(want)
    return corpus


def prepare_corpus(spec, work):
    """The directory of documents ajsearch indexes for a corpus spec."""
    if spec["kind"] == "builtin":
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkcorpus.py"),
                        spec["name"], work], check=True)
        return os.path.join(work, "corpus")
    if spec["kind"] == "jsonl":
        return jsonl_corpus(spec["path"], work)
    return spec["path"]  # a directory of your own is read where it is, never written


def load_query_file(path, dest):
    """Checks a query file of your own (CLASS<TAB>OP<TAB>WORDS lines; blank
    lines and lines starting with # are skipped) and writes its queries to
    dest, which the drivers read: the file itself is only read.  Raises
    UsageError at the first bad line."""
    out = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"query file {path}: {e.strerror}")
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            where = f"{path}:{lineno}"
            if len(parts) != 3 or not parts[0] or not parts[2].strip():
                raise UsageError(f"{where}: expected CLASS<TAB>OP<TAB>WORDS")
            cls, op, words = parts[0], parts[1], " ".join(parts[2].split())
            if op not in OPS:
                raise UsageError(f"{where}: operator {op!r} is not one of {', '.join(sorted(OPS))}")
            if op == "not" and len(words.split()) < 2:
                raise UsageError(f"{where}: not takes a word and at least one word to exclude")
            if any(c in words for c in "\"'*()") or "\t" in cls:
                raise UsageError(f"{where}: words only (the operator says how they combine)")
            out.append(f"{cls}\t{op}\t{words}\n")
    if not out:
        raise UsageError(f"query file {path}: no query")
    with open(dest, "w") as g:
        g.writelines(out)
    return {"file": os.path.abspath(path), "sha1": file_sha1(path), "queries": len(out)}


# ---- one corpus ----------------------------------------------------------

INCREMENTAL_SHARD = "8M"  # the default shard size, which the measurement uses
INCREMENTAL_BYTES = 50_000  # the document it adds


def measure_incremental(name, spec, corpus, work, reps):
    """The command line's incremental build (README "Incremental builds"):
    the corpus indexed with the default options (shards of INCREMENTAL_SHARD
    from four of them on), then, reps times, a
    document of INCREMENTAL_BYTES added beside the middle document (a
    paragraph-cut head of it, so that it sorts, and lands, among the
    others), indexed, removed and indexed again; and a build with nothing
    changed.  Seconds of wall time, medians.  Only a generated corpus is
    written to: a directory of your own is never changed."""
    if spec["kind"] != "builtin":
        return {"skipped": "a corpus directory of your own is never written to"}
    idx = os.path.join(work, "ajsearch-sharded.idx")
    shutil.rmtree(idx, ignore_errors=True)

    def index():
        t0 = time.monotonic()
        p = subprocess.run([CLI, "index", "--corpus", corpus, "--index", idx, "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{name}: incremental build failed: {p.stderr.strip()}")
        return time.monotonic() - t0, json.loads(p.stdout)

    full_s, first = index()
    docs = sorted(os.path.relpath(os.path.join(r, n), corpus) for r, _, ns in os.walk(corpus)
                  for n in ns if n != "metadata.tsv" and not n.startswith("."))
    mid = docs[len(docs) // 2]
    with open(os.path.join(corpus, mid), "rb") as f:
        text = f.read()
    while len(text) < INCREMENTAL_BYTES:
        text += b"\n\n" + text
    cut = text.rfind(b"\n\n", 0, INCREMENTAL_BYTES)
    added = os.path.join(corpus, mid + "-added.txt")
    add, same, indexed = [], [], []
    try:
        for _ in range(reps):
            with open(added, "wb") as f:
                f.write(text[:cut if cut > 0 else INCREMENTAL_BYTES] + b"\n")
            secs, st = index()
            add.append(secs)
            indexed.append(st["shards_indexed"])
            os.remove(added)
            index()
            same.append(index()[0])
    finally:
        if os.path.exists(added):
            os.remove(added)
    shutil.rmtree(idx, ignore_errors=True)
    return {"shard_size": INCREMENTAL_SHARD, "shards": first["shards"],
            "full_build_s": round(full_s, 3), "added_bytes": cut if cut > 0 else INCREMENTAL_BYTES,
            "add_s": round(statistics.median(add), 3), "add_s_all": [round(x, 3) for x in add],
            "shards_indexed": indexed, "no_change_s": round(statistics.median(same), 3)}


def bench_corpus(spec, a, engines, run):
    """Measures one corpus; returns its results (not yet written)."""
    name = spec["name"]
    work = os.path.join(a.data, name)
    os.makedirs(work, exist_ok=True)
    log(f"{name}: preparing corpus")
    corpus = prepare_corpus(spec, work)
    big = name == "synth-1G"
    reps = a.repeat or (1 if big else 3)
    builds, paras = build_engines(name, work, corpus, reps, engines, a.reuse_peers)
    incremental = measure_incremental(name, spec, corpus, work, 3)
    log(f"{name}: incremental build measured")
    if run.get("queries"):
        queries = run["queries_path"]
        per_class = None
    else:
        queries = os.path.join(work, "queries.tsv")
        per_class = a.per_class or (60 if a.quick else 100 if big else 300)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_bench_queries.py"),
                        paras, queries, "--per-class", str(per_class)], check=True)
    latency, raw = {}, {}
    for k in (10, 100):
        for eng in engines:
            if big and k == 100 and eng != "ajsearch":
                continue  # the peers' top-100 on 1 GB would take hours; top-10 is kept
            rows = run_queries(eng, builds[eng]["index"], queries, k, reps,
                               PEER_MODE if eng == "ajsearch" else None)
            latency.setdefault(str(k), {})[eng] = summarize(rows)
            if k == 10:
                raw[eng] = rows
            log(f"{name}: {eng} top-{k} queries done")
    # The user's path: the command line's batch mode, and the peers doing a
    # search page's work (top 10, snippets, the paragraph's text) and their
    # ids-only top 10, on a query set of its own: a batch of a.user_batch
    # queries per class and process, as a script or a benchmark suite runs
    # it (the query set above is smaller in --quick).
    user = measure_user_path(name, a, engines, builds, paras, work, corpus, a.quick or big,
                             latency.get("10") if big else None,
                             queries if run.get("queries") else None)
    decoded = {}
    for r in raw.get("ajsearch", []):
        decoded.setdefault(r["class"], []).append(r.get("decoded", 0))
    # The same queries scored exhaustively: postings decoded without pruning.
    exact_rows = run_queries("ajsearch", builds["ajsearch"]["index"], queries, 10, 1,
                             "exact,noexpand")
    decoded_exact = {}
    for r in exact_rows:
        decoded_exact.setdefault(r["class"], []).append(r.get("decoded", 0))
    # What the search-quality features cost: the same queries, top 10,
    # under each ranking (README "Ranking"); the peers' work is "bm25".
    features = {}
    for label, mode in FEATURE_MODES:
        rows = run_queries("ajsearch", builds["ajsearch"]["index"], queries, 10, reps, mode)
        features[label] = summarize(rows)
        log(f"{name}: ajsearch {label} queries done")
    return {
        "features_latency_us": features,
        "incremental": incremental,
        "user_path_us": user,
        "corpus": name,
        "source": {"kind": spec["kind"], "path": spec["path"]},
        "bytes": corpus_bytes(corpus),
        "paragraphs": builds["ajsearch"]["paragraphs"],
        "build": {e: {k: v for k, v in b.items() if k != "index"} for e, b in builds.items()},
        "latency_us": latency,
        "agreement": agreement(raw),
        "cold_cli": cold_cli(builds, queries, 20 if a.quick else 50),
        "decoded_per_query": {c: statistics.median(v) for c, v in decoded.items()},
        "decoded_per_query_exact": {c: statistics.median(v) for c, v in decoded_exact.items()},
        "latency_exact_us": summarize(exact_rows),
        "queries_per_class": per_class,
        "queries": run.get("queries") or {"generated": os.path.relpath(queries, ROOT),
                                          "per_class": per_class},
        "passes": reps,
    }


def now_utc():
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def measured(name, a, run, sampler, measure):
    """Runs measure() (one corpus's measurement, returning its results)
    with the machine's load recorded around it: the load average before,
    other processes' CPU over the whole measurement (Busy) and sampled
    every second (LoadSampler).  When other processes used more than the
    load limit, it warns and measures again, up to a.load_retries times,
    and keeps the quietest attempt; the result says whether it was still
    loaded and lists every attempt's load."""
    cpus = os.cpu_count() or 1
    limit = a.load_limit if a.load_limit is not None else 0.25 * cpus
    attempts = []
    for attempt in range(1 + max(0, a.load_retries)):
        started, before, mark = now_utc(), os.getloadavg(), sampler.mark()
        busy = Busy()
        res = measure()
        sampler.sample()
        others = busy.others_cores()
        win = sampler.window(mark)
        loaded = others is not None and others > limit
        res["started"], res["time"] = started, now_utc()
        res["machine"] = {"cpus": cpus, "uname": " ".join(os.uname()),
                          "loadavg_start": before, "loadavg_end": os.getloadavg(),
                          "others_cores": others}
        res["load"] = {"loadavg_before": before, "others_cores": others, "limit_cores": limit,
                       "loaded": loaded, **win}
        attempts.append(res)
        if not loaded:
            break
        more = attempt < a.load_retries
        log(f"WARNING: {name}: the machine was loaded: other processes used {others:.2f} cores "
            f"(limit {limit:.2f}; 1-min load average up to {win['load1_max']})"
            + ("; measuring again" if more else "; keeping the quietest attempt, marked loaded"))
    best = min(attempts, key=lambda r: r["load"]["others_cores"] or 0.0)
    best["load"]["attempts"] = [{"started": r["started"], "time": r["time"],
                                 "others_cores": r["load"]["others_cores"],
                                 "loaded": r["load"]["loaded"]} for r in attempts]
    best["run"] = {k: run[k] for k in ("id", "quick", "started", "options")}
    return best


def write_json(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    os.replace(path + ".tmp", path)


def user_path_only(spec, a, engines, run):
    """Reruns only the user's path of a corpus whose whole run is in
    BASE/<name>.json (--base, default the published bench/results):
    ajsearch's index is rebuilt (the binary may be new), the peers'
    databases of that run are reused (building Xapian takes most of a
    corpus's time), and the figures replace the JSON's user_path_us, dated
    on their own (user_path_run); the result goes into this run's folder."""
    name = spec["name"]
    work = os.path.join(a.data, name)
    res_path = os.path.join(a.base, f"{name}.json")
    paras = os.path.join(work, "paras.tsv")
    missing = [p for p in [res_path, paras] + [os.path.join(work, f"{e}.db") for e in engines
                                              if e != "ajsearch"] if not os.path.exists(p)]
    if missing:
        raise UsageError(f"{name}: --user-path-only needs a whole run first (missing {missing})")
    load_start = os.getloadavg()
    busy = Busy()
    corpus = prepare_corpus(spec, work)
    idx = os.path.join(work, "ajsearch.idx")
    shutil.rmtree(idx, ignore_errors=True)
    out, _, _ = run_rss([BIN["ajsearch"], "build", idx, corpus])
    nparas = json.loads(out)["paragraphs"]
    with open(paras) as f:
        if sum(1 for _ in f) != nparas:
            raise UsageError(f"{name}: the peers indexed other paragraphs; run the whole corpus")
    builds = {"ajsearch": {"index": idx}}
    for eng in engines:
        if eng != "ajsearch":
            builds[eng] = {"index": os.path.join(work, f"{eng}.db")}
    with open(res_path) as f:
        result = json.load(f)
    big = name == "synth-1G"
    user = measure_user_path(name, a, engines, builds, paras, work, corpus, a.quick or big,
                             result.get("latency_us", {}).get("10") if big else None,
                             run["queries_path"] if run.get("queries") else None)
    result["user_path_us"] = user
    result["user_path_run"] = {"time": now_utc(), "run": run["id"], "quick": a.quick,
                               "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
                               "others_cores": busy.others_cores()}
    return result


def micro(run_dir):
    """The micro-benchmarks: codec decode speed and analyzer throughput."""
    out = {"time": now_utc()}
    codec = os.path.join(BUILD, "bench", "micro_codec")
    if os.path.exists(codec):
        txt = subprocess.run([codec], capture_output=True, text=True).stdout
        out["codec"] = txt
    an = os.path.join(BUILD, "bench", "micro_analyzer")
    if os.path.exists(an):
        sample = os.path.join(ROOT, "bench", "data", "kjv", "corpus")
        files = sorted(os.path.join(sample, f) for f in os.listdir(sample))[:20] if os.path.isdir(sample) else []
        cat = os.path.join(run_dir, "analyzer-sample.txt")
        with open(cat, "wb") as f:
            for src in files or sorted(os.path.join(ROOT, "corpus", n) for n in os.listdir(os.path.join(ROOT, "corpus"))):
                with open(src, "rb") as g:
                    f.write(g.read())
        out["analyzer"] = subprocess.run([an, cat], capture_output=True, text=True).stdout
        os.remove(cat)
    return out


def serve_load(run_dir, data):
    """`ajsearch serve` under wrk (bench/serve_load.py: 1, 8 and 64
    connections, 10 s each) on the indexes of seed and kjv this run made;
    None when wrk or both indexes are missing."""
    if not shutil.which("wrk"):
        log("server load skipped: wrk is not installed (make bench-deps)")
        return None
    out = {}
    for name in ("seed", "kjv"):
        idx = os.path.join(data, name, "ajsearch.idx")
        if not os.path.isdir(idx):
            continue
        path = os.path.join(run_dir, f"serve-{name}.tmp.json")
        p = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "serve_load.py"), idx,
                            "--out", path], capture_output=True, text=True, cwd=ROOT)
        if p.returncode != 0:
            log(f"server load on {name} failed: {p.stderr[-500:]}")
            continue
        with open(path) as f:
            out[name] = json.load(f)
        os.remove(path)
        log(f"server load on {name} done")
    return out or None


def relevance(run_dir):
    """The relevance test (make eval) on the same build, for the report;
    its figures, or None when it did not run."""
    script = os.path.join(ROOT, "tests", "relevance", "eval.py")
    if not os.path.exists(script):
        return None
    out = os.path.join(run_dir, "relevance.json")
    p = subprocess.run([sys.executable, script, "--bin", CLI, "--build", BUILD, "--json", out],
                       capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out):
        log(f"relevance test failed: {p.stderr[-500:]}")
        return None
    log("relevance test done")
    with open(out) as f:
        return json.load(f)


def git_describe():
    """The commit measured, with "+changes" when the work tree differs."""
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "bench", "Makefile")
    return (head or "unknown") + ("+changes" if dirty else "")


def new_run_dir(a, run_id):
    """(folder, run id) of this run: --out, or bench/out/<run id> with
    bench/out/latest pointed at it."""
    if a.out:
        d = os.path.abspath(a.out)
        os.makedirs(d, exist_ok=True)
        return d, run_id
    d = os.path.join(OUT, run_id)
    n = 1
    while True:  # two runs started in the same second get -2, -3...
        try:
            os.makedirs(d)
            break
        except FileExistsError:
            n += 1
            d = os.path.join(OUT, f"{run_id}-{n}")
    run_id = os.path.basename(d)
    tmp = os.path.join(OUT, f".latest-{os.getpid()}")
    os.symlink(run_id, tmp)
    os.replace(tmp, os.path.join(OUT, "latest"))
    return d, run_id


def stale_binaries(paths):
    """The binaries among paths that are older than a source they are built
    from (src/ and its layers, bench/*.c and *.h): `make bench-build` was
    not run after a change."""
    newest = 0.0
    for top in [os.path.join(ROOT, "src"), os.path.join(ROOT, "bench")]:
        for d, _, names in os.walk(top):
            for name in names:
                if name.endswith((".c", ".h")):
                    newest = max(newest, os.path.getmtime(os.path.join(d, name)))
    return [p for p in paths if os.path.exists(p) and os.path.getmtime(p) < newest]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="The benchmark suite (bench/README.md). Writes bench/out/<run id>/; "
                    "bench/publish.py publishes a run.")
    ap.add_argument("--quick", action="store_true",
                    help="seed and kjv by default, 60 queries per class, one batch per class "
                         "on the user's path")
    ap.add_argument("--corpus", "--corpora", dest="corpora", default=None,
                    help="comma-separated: built-in names (" + ", ".join(BUILTIN) + "), "
                         "NAME=DIR (a directory of .txt/.md documents) or NAME=FILE.jsonl")
    ap.add_argument("--queries", default=None,
                    help="a query file of your own (CLASS<TAB>OP<TAB>WORDS lines) used for "
                         "every corpus instead of the generated sets; only read")
    ap.add_argument("--out", default=None,
                    help="this run's folder (default bench/out/<run id>, and bench/out/latest)")
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"),
                    help="where corpora, indexes and generated query sets are kept")
    ap.add_argument("--per-class", type=int, default=0,
                    help="generated queries per class (default 300, 60 with --quick, 100 on "
                         "synth-1G)")
    ap.add_argument("--repeat", type=int, default=0,
                    help="builds and in-process query passes (default 3, 1 on synth-1G)")
    ap.add_argument("--engines", default="ajsearch,fts5,xapian")
    ap.add_argument("--user-path-only", action="store_true",
                    help="rerun only the user's path, reusing the peers' databases")
    ap.add_argument("--base", default=os.path.join(ROOT, "bench", "results"),
                    help="with --user-path-only: where the corpus's whole run is "
                         "(default the published bench/results)")
    ap.add_argument("--corpus-only", action="store_true",
                    help="skip the micro-benchmarks and the relevance test")
    ap.add_argument("--user-batch", type=int, default=200,
                    help="queries per class in one `search --stdin` process")
    ap.add_argument("--reuse-peers", action="store_true",
                    help="reuse a peer's database (and its recorded build figures) when it "
                         "was built from the same paragraphs (DB.build.json)")
    ap.add_argument("--user-repeat", type=int, default=0,
                    help="batches per class and output (default 1 with --quick, else 3)")
    ap.add_argument("--load-limit", type=float, default=None,
                    help="cores other processes may use during a corpus before it counts as "
                         "loaded (default a quarter of the CPUs)")
    ap.add_argument("--load-retries", type=int, default=1,
                    help="times a loaded corpus is measured again (default 1)")
    a = ap.parse_args(argv)
    if "ajsearch" not in a.engines.split(","):
        ap.error("--engines must include ajsearch (every figure is relative to it)")
    try:
        specs = resolve_corpora(a.corpora or ("seed,kjv" if a.quick else ",".join(BUILTIN)))
        if a.queries and not os.path.isfile(a.queries):
            raise UsageError(f"query file {a.queries}: no such file")
    except UsageError as e:
        print(f"bench/run.py: {e}", file=sys.stderr)
        return 2
    engines = [e for e in a.engines.split(",") if e in BIN and os.path.exists(BIN[e])]
    missing = set(a.engines.split(",")) - set(engines)
    if "ajsearch" not in engines:
        print(f"bench/run.py: {BIN['ajsearch']} is missing: run `make bench-build`",
              file=sys.stderr)
        return 2
    stale = stale_binaries([BIN["ajsearch"], CLI, CLOCKED])
    if stale:
        print(f"bench/run.py: {', '.join(stale)} older than the sources: run `make bench-build`"
              " (a run would measure an earlier engine)", file=sys.stderr)
        return 2
    if missing:
        log(f"missing drivers (not measured): {sorted(missing)}")
    run_id = time.strftime("%Y%m%d-%H%M%SZ", time.gmtime())
    run_dir, run_id = new_run_dir(a, run_id)
    cpus = os.cpu_count() or 1
    run = {"id": run_id, "quick": a.quick, "started": now_utc(), "finished": None,
           "commit": git_describe(), "engines": engines,
           "corpora": [s["name"] for s in specs],
           "options": {k: v for k, v in vars(a).items() if k not in ("out", "data", "base")},
           "machine": {"cpus": cpus, "uname": " ".join(os.uname())},
           "loadavg_before": os.getloadavg()}
    try:
        if a.queries:
            run["queries_path"] = os.path.join(run_dir, "queries.tsv")
            run["queries"] = load_query_file(a.queries, run["queries_path"])
    except UsageError as e:
        print(f"bench/run.py: {e}", file=sys.stderr)
        return 2
    write_json(os.path.join(run_dir, "run.json"), run)
    log(f"run {run_id} into {os.path.relpath(run_dir, ROOT)}"
        f"{' (quick)' if a.quick else ''}: {', '.join(run['corpora'])}")
    if run["loadavg_before"][0] > 0.5 * cpus:
        log(f"WARNING: the machine is loaded before the run (1-min load average "
            f"{run['loadavg_before'][0]:.2f} on {cpus} CPUs): the figures may be slower and "
            "noisier than on an idle machine")
    sampler = LoadSampler().start()
    try:
        for spec in specs:
            name = spec["name"]
            if a.user_path_only:
                res = user_path_only(spec, a, engines, run)
            else:
                res = measured(name, a, run, sampler, lambda: bench_corpus(spec, a, engines, run))
            write_json(os.path.join(run_dir, f"{name}.json"), res)
        if not a.corpus_only and not a.user_path_only:
            mark = sampler.mark()
            m = micro(run_dir)
            m["run"] = {k: run[k] for k in ("id", "quick", "started")}
            write_json(os.path.join(run_dir, "micro.json"), m)
            if not a.quick:
                srv = serve_load(run_dir, a.data)
                if srv is not None:
                    srv["time"] = now_utc()
                    srv["run"] = m["run"]
                    write_json(os.path.join(run_dir, "serve.json"), srv)
            rel = relevance(run_dir)
            if rel is not None:
                rel["time"] = now_utc()
                rel["run"] = m["run"]
                write_json(os.path.join(run_dir, "relevance.json"), rel)
    except UsageError as e:
        print(f"bench/run.py: {e}", file=sys.stderr)
        return 2
    finally:
        sampler.sample()
        sampler.stop()
    run["finished"] = now_utc()
    run["load"] = {k: v for k, v in sampler.window(0).items()}
    write_json(os.path.join(run_dir, "run.json"), run)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"),
                    "--results", run_dir, "--out", os.path.join(run_dir, "RESULTS.md")],
                   check=True)
    rel = os.path.relpath(run_dir, ROOT)
    log(f"results in {rel}/ (RESULTS.md, one JSON per corpus); nothing tracked was written. "
        f"To publish them into bench/results and bench/RESULTS.md: python3 bench/publish.py {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
