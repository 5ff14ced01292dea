#!/usr/bin/env python3
"""The benchmark suite: ajsearch against SQLite FTS5 and Xapian, in one run.

  python3 bench/run.py [--quick] [--corpus seed,kjv,...] [--data DIR]

For each corpus: make it (tools/mkcorpus.py), build every engine on the same
paragraphs (ajsearch from the corpus files; the peers from the paragraph
texts ajsearch's segmenter produced, exported with `ajsearch dump`), measure
build time, peak RSS and index size, generate the query set
(tools/gen_bench_queries.py), run every query class at top-10 and top-100
in-process on every engine (warm page cache, medians and tail percentiles of
the per-query latencies), check hit counts agree, and time the command-line
tools cold. The user's path: `ajsearch search --stdin`, text and --json,
default options, one process per class and format, against the peers
doing a search page's work in-process (top 10 with snippets and the
paragraph's text) and their ids-only top 10. Results go to bench/results/<corpus>.json; bench/report.py turns
them into bench/RESULTS.md and the plots.

Binaries are taken from build/ (make bench builds them). Nothing is fetched
from the network.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
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
CLASSES = ["term", "and2", "and3", "or2", "or4", "phrase2", "phrase3", "phrase4s",
           "not", "prefix", "long"]
BOOLEAN = {"term", "and2", "and3", "or2", "or4", "not"}


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


def build_engines(name, work, corpus, quick, engines, reuse_peers=False):
    res = {}
    reps = 1 if quick or name.startswith("synth-1G") else 3
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
    gen = os.path.join(idx, os.readlink(os.path.join(idx, "CURRENT")))
    gen1 = os.path.join(one, os.readlink(os.path.join(one, "CURRENT")))
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
                       "rss": max(r[1] for r in runs), "bytes": sum(files.values()),
                       "files": files, "paragraphs": info["paragraphs"],
                       "bytes_in": info["bytes_in"], "index": idx,
                       "threads": info.get("threads"), "runs": info.get("runs"),
                       "seconds_1thread": secs1, "rss_1thread": rss1,
                       "identical_across_threads": identical, **res_acro}
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
        for r in range(1 if eng == "xapian" and not quick and name.startswith("synth") else reps):
            shutil.rmtree(db, ignore_errors=True)
            if os.path.exists(db):
                os.remove(db)
            out, wall, rss = run_rss([BIN[eng], "build", db, paras])
            runs.append((json.loads(out)["seconds"], rss))
        secs = statistics.median(r[0] for r in runs)
        res[eng] = {"seconds": secs, "seconds_all": [r[0] for r in runs],
                    "rss": max(r[1] for r in runs), "bytes": du(db), "index": db}
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
    by = {}
    for r in rows:
        by.setdefault(r["class"], []).append(r["us"])
    return {c: {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "p99": pct(v, 0.99),
                "mean": statistics.fmean(v), "n": len(v)}
            for c, v in by.items()}


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
    for cls in CLASSES:
        lines = by.get(cls)
        if not lines:
            continue
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
            }
        log(f"user path {cls}: text {out['text'][cls]['mean']:.0f} µs, "
            f"json {out['json'][cls]['mean']:.0f} µs per query")
    return out


def cold_cli(builds, queries_file, n):
    """Wall time of one command-line search (start, open, search, print 10)."""
    words = []
    with open(queries_file) as f:
        for line in f:
            cls, op, w = line.rstrip("\n").split("\t")
            if cls == "term":
                words.append(w)
    words = words[:n]
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
    for rep in range(3):
        for w in words:
            # The engines alternate query by query, so that a change in the
            # machine's load hits them alike.
            for eng, mk in cmds.items():
                t0 = time.perf_counter()
                subprocess.run(mk(w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if rep > 0:  # the first pass warms the page cache
                    times[eng].append((time.perf_counter() - t0) * 1e3)
    for eng, t in times.items():
        out[eng] = {"p50_ms": pct(t, 0.5), "p95_ms": pct(t, 0.95), "n": len(t)}
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
    for c in CLASSES:
        vals = [(latency10[e][c]["mean"], e) for e in out
                if c in latency10.get(e, {}) and latency10[e][c].get("mean") is not None]
        if vals:
            out[min(vals)[1]].add(c)
    return out


def measure_user_path(name, a, engines, builds, paras, work, corpus, one_batch,
                      latency10=None):
    """The user's path (user_path) and the peers' ids-only and page work on
    the same queries.  With latency10 (the run's top-10 figures), each
    class is run only on the peer that was faster there: on synth-1G the
    slower peer's passes would take over an hour (FTS5's long pasted
    queries take seconds each) and measure nothing the targets use."""
    uq = os.path.join(work, "user-queries.tsv")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_bench_queries.py"), paras,
                    uq, "--per-class", str(a.user_batch)], check=True)
    reps = a.user_repeat or (1 if one_batch else 3)
    user = {"ajsearch": user_path(builds, uq, corpus, work, reps), "ids": {}, "page": {},
            "batch": a.user_batch, "repeats": reps}
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


def bench_corpus(name, a, engines):
    work = os.path.join(a.data, name)
    os.makedirs(work, exist_ok=True)
    load_start = os.getloadavg()
    busy = Busy()
    log(f"{name}: preparing corpus")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkcorpus.py"), name, work],
                   check=True)
    corpus = os.path.join(work, "corpus")
    builds, paras = build_engines(name, work, corpus, a.quick, engines, a.reuse_peers)
    queries = os.path.join(work, "queries.tsv")
    big = name == "synth-1G"
    per_class = a.per_class or (60 if a.quick else 100 if big else 300)
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_bench_queries.py"), paras,
                    queries, "--per-class", str(per_class)], check=True)
    latency, raw = {}, {}
    for k in (10, 100):
        for eng in engines:
            if big and k == 100 and eng != "ajsearch":
                continue  # the peers' top-100 on 1 GB would take hours; top-10 is kept
            rows = run_queries(eng, builds[eng]["index"], queries, k,
                               1 if a.quick or big else 3,
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
                             latency.get("10") if big else None)
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
        rows = run_queries("ajsearch", builds["ajsearch"]["index"], queries, 10,
                           1 if a.quick or big else 3, mode)
        features[label] = summarize(rows)
        log(f"{name}: ajsearch {label} queries done")
    result = {
        "features_latency_us": features,
        "user_path_us": user,
        "corpus": name,
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
        # The machine is shared: its load during the run says how far the
        # figures can be trusted.
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()),
                    "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
                    "others_cores": busy.others_cores()},
        "time": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", f"{name}.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    return result


def user_path_only(name, a, engines):
    """Reruns only the user's path of a corpus whose whole run is in
    bench/results/<name>.json: ajsearch's index is rebuilt (the binary may
    be new), the peers' databases of that run are reused (building Xapian
    takes most of a corpus's time), and the figures replace the JSON's
    user_path_us, dated on their own."""
    work = os.path.join(a.data, name)
    res_path = os.path.join(ROOT, "bench", "results", f"{name}.json")
    paras = os.path.join(work, "paras.tsv")
    missing = [p for p in [res_path, paras] + [os.path.join(work, f"{e}.db") for e in engines
                                              if e != "ajsearch"] if not os.path.exists(p)]
    if missing:
        raise RuntimeError(f"{name}: --user-path-only needs a whole run first (missing {missing})")
    load_start = os.getloadavg()
    busy = Busy()
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkcorpus.py"), name, work],
                   check=True)
    corpus = os.path.join(work, "corpus")
    idx = os.path.join(work, "ajsearch.idx")
    shutil.rmtree(idx, ignore_errors=True)
    out, _, _ = run_rss([BIN["ajsearch"], "build", idx, corpus])
    nparas = json.loads(out)["paragraphs"]
    with open(paras) as f:
        if sum(1 for _ in f) != nparas:
            raise RuntimeError(f"{name}: the peers indexed other paragraphs; run the whole corpus")
    builds = {"ajsearch": {"index": idx}}
    for eng in engines:
        if eng != "ajsearch":
            builds[eng] = {"index": os.path.join(work, f"{eng}.db")}
    with open(res_path) as f:
        result = json.load(f)
    big = name == "synth-1G"
    user = measure_user_path(name, a, engines, builds, paras, work, corpus, a.quick or big,
                             result.get("latency_us", {}).get("10") if big else None)
    result["user_path_us"] = user
    result["user_path_run"] = {"time": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                               "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
                               "others_cores": busy.others_cores()}
    with open(res_path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)


def micro():
    """The micro-benchmarks: codec decode speed and analyzer throughput."""
    out = {}
    codec = os.path.join(BUILD, "bench", "micro_codec")
    if os.path.exists(codec):
        txt = subprocess.run([codec], capture_output=True, text=True).stdout
        out["codec"] = txt
    an = os.path.join(BUILD, "bench", "micro_analyzer")
    if os.path.exists(an):
        sample = os.path.join(ROOT, "bench", "data", "kjv", "corpus")
        files = sorted(os.path.join(sample, f) for f in os.listdir(sample))[:20] if os.path.isdir(sample) else []
        cat = os.path.join(ROOT, "bench", "data", "analyzer-sample.txt")
        with open(cat, "wb") as f:
            for src in files or sorted(os.path.join(ROOT, "corpus", n) for n in os.listdir(os.path.join(ROOT, "corpus"))):
                with open(src, "rb") as g:
                    f.write(g.read())
        out["analyzer"] = subprocess.run([an, cat], capture_output=True, text=True).stdout
    with open(os.path.join(ROOT, "bench", "results", "micro.json"), "w") as f:
        json.dump(out, f, indent=1)


def relevance():
    """The relevance test (make eval) on the same build, for the report."""
    script = os.path.join(ROOT, "tests", "relevance", "eval.py")
    if not os.path.exists(script):
        return
    out = os.path.join(ROOT, "bench", "results", "relevance.json")
    p = subprocess.run([sys.executable, script, "--bin", CLI, "--build", BUILD, "--json", out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        log(f"relevance test failed: {p.stderr[-500:]}")
    else:
        log("relevance test done")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--corpus", "--corpora", dest="corpora", default=None,
                    help="comma-separated: seed,kjv,synth-100M,synth-1G")
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--per-class", type=int, default=0)
    ap.add_argument("--engines", default="ajsearch,fts5,xapian")
    ap.add_argument("--user-path-only", action="store_true",
                    help="rerun only the user's path, reusing the peers' databases")
    ap.add_argument("--corpus-only", action="store_true",
                    help="skip the micro-benchmarks and the relevance test")
    ap.add_argument("--user-batch", type=int, default=200,
                    help="queries per class in one `search --stdin` process")
    ap.add_argument("--reuse-peers", action="store_true",
                    help="reuse a peer's database (and its recorded build figures) when it "
                         "was built from the same paragraphs (DB.build.json)")
    ap.add_argument("--user-repeat", type=int, default=0,
                    help="batches per class and output (default 1 with --quick, else 3)")
    a = ap.parse_args()
    corpora = (a.corpora or ("seed,kjv" if a.quick else
                             "seed,kjv,synth-100M,synth-flat-100M,synth-1G")).split(",")
    engines = [e for e in a.engines.split(",") if os.path.exists(BIN[e])]
    missing = set(a.engines.split(",")) - set(engines)
    if missing:
        log(f"missing drivers (not measured): {sorted(missing)}")
    for name in corpora:
        if a.user_path_only:
            user_path_only(name, a, engines)
        else:
            bench_corpus(name, a, engines)
    if not a.corpus_only and not a.user_path_only:
        micro()
        relevance()
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
