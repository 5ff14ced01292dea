#!/usr/bin/env python3
"""Turns a folder of results (one JSON per corpus, micro.json,
relevance.json) into a RESULTS.md and gnuplot plots.

  python3 bench/report.py [--results DIR] [--out FILE] [--plots DIR] [--no-plots]

bench/run.py runs it on its run's folder (bench/out/<run id>/RESULTS.md, a
draft); bench/publish.py on bench/results (bench/RESULTS.md, published).
The defaults are the published ones.

RESULTS.md is generated: which run measured each part and when, with the
machine's load; the tables, with the spread over repetitions beside the
medians; the targets with their measured ratios; and, at the end,
bench/CHANGELOG.md (the hand-written log of measured optimization steps)."""
import argparse
import json
import re
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "bench", "results")
ORDER = ["seed", "kjv", "synth-100M", "synth-flat-100M", "synth-1G"]
CLASSES = ["term", "and2", "and3", "or2", "or4", "phrase2", "phrase3", "phrase4s",
           "not", "prefix", "long"]
PEERS = ["fts5", "xapian"]


def load(res_dir=RES):
    """Every corpus's results in res_dir (a JSON with a "corpus" key): the
    built-in corpora in their usual order, then the others by name."""
    out = []
    for f in sorted(os.listdir(res_dir)) if os.path.isdir(res_dir) else []:
        if not f.endswith(".json"):
            continue
        try:
            with open(os.path.join(res_dir, f)) as g:
                r = json.load(g)
        except ValueError:
            continue
        if isinstance(r, dict) and "corpus" in r and "latency_us" in r:
            out.append(r)
    rank = {n: i for i, n in enumerate(ORDER)}
    out.sort(key=lambda r: (rank.get(r["corpus"], len(ORDER)), r["corpus"]))
    return out


def classes_of(r):
    """The corpus's query classes: the usual ones in their order, then any
    others a query file of your own named."""
    seen = set(r.get("latency_us", {}).get("10", {}).get("ajsearch", {}))
    for fmt_ in r.get("user_path_us", {}).get("ajsearch", {}).values():
        seen |= set(fmt_)
    return [c for c in CLASSES if c in seen] + sorted(seen - set(CLASSES))


def run_of(r):
    """(run id or None, quick, how quick is known) of a part's results.
    Results published before runs had ids carry none; a quick run is then
    recognized by its 60 generated queries per class."""
    run = r.get("run")
    if run:
        return run.get("id"), bool(run.get("quick")), "recorded"
    q = r.get("queries_per_class")
    return None, q == 60, "inferred from its 60 queries per class" if q == 60 else "inferred"



def run_label(r):
    rid, quick, how = run_of(r)
    kind = "quick run" if quick else "whole run"
    if rid is None:
        if "queries_per_class" not in r:
            return "run not recorded"
        return f"{kind}, {how}; run not recorded"
    return f"{kind}, run {rid}"


def load_line(r):
    """The machine's load around a corpus's measurement, in words."""
    ld = r.get("load")
    m = r.get("machine", {})
    if ld:
        before = ", ".join(f"{x:.2f}" for x in ld["loadavg_before"])
        oc = ld.get("others_cores")
        s = (f"load average (1, 5, 15 min) before: {before}; other processes used "
             f"{fmt(oc, 2)} cores on average during it (sampled every "
             f"{ld.get('every_seconds', 1):g} s: mean {fmt(ld.get('others_cores_mean'), 2)}, "
             f"max {fmt(ld.get('others_cores_max'), 2)}; 1-min load average up to "
             f"{fmt(ld.get('load1_max'), 2)}) on {m.get('cpus')} CPUs")
        att = ld.get("attempts", [])
        if len(att) > 1:
            s += ("; measured " + str(len(att)) + " times because the machine was loaded ("
                  + ", ".join(f"{a['started']}: {fmt(a['others_cores'], 2)} cores" for a in att)
                  + "), the quietest kept")
        if ld.get("loaded"):
            s += (f". **Measured on a loaded machine** (more than {ld['limit_cores']:.2f} "
                  "cores used by other processes): its figures are slower and noisier than "
                  "an idle run's")
        return s + "."
    if "loadavg_start" in m:
        oc = m.get("others_cores")
        return (f"load average (1, 5, 15 min) on {m.get('cpus')} CPUs: "
                f"{', '.join(f'{x:.1f}' for x in m['loadavg_start'])} at the start, "
                f"{', '.join(f'{x:.1f}' for x in m['loadavg_end'])} at the end"
                + (f"; other processes used {oc:.2f} cores on average" if oc is not None else "")
                + " (not sampled during the run).")
    return "the machine's load was not recorded."


def rss_cell(rss, floor):
    """Peak RSS in MB, or "≤ F" when it is not above the floor wait4 puts
    under every child of the runner (bench/run.py rss_floor)."""
    if rss is None:
        return "–"
    if floor and rss <= floor * 1.02:
        return f"≤ {floor / 2**20:.0f}"
    return f"{rss / 2**20:.0f}"


def spread_cell(sp, nd=1):
    """min–max (median) of a spread, or "–" without repetitions."""
    if not sp or sp.get("n", 0) < 2:
        return "–"
    return f"{fmt(sp['min'], nd)}–{fmt(sp['max'], nd)}"


def fmt(x, nd=1):
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def ratio(a, b):
    return a / b if a is not None and b else None


def faster_peer(lat, cls, q):
    vals = [lat[p][cls][q] for p in PEERS if p in lat and cls in lat[p]]
    return min(vals) if vals else None


def mark(ok):
    return "met" if ok else "**not met**"


def best_peer(by_peer, cls, q):
    """(value, peer) of the peer with the lowest figure q for the class."""
    vals = [(by_peer[p][cls][q], p) for p in PEERS
            if p in by_peer and cls in by_peer[p] and by_peer[p][cls].get(q) is not None]
    return min(vals) if vals else (None, None)


# The "Done when" for the user's path, per class and output:
# (label, figure of ajsearch, peer figure it is compared with, limit).
USER_TARGETS = [
    ("mean ≤ 0.5× faster peer ids-only mean", "mean", "ids_mean", 0.5),
    ("mean ≤ 1/3 of the peer doing the same work", "mean", "same_mean", 1 / 3),
    ("p99 ≤ 1/2 of the peer doing the same work", "p99", "same_p99", 0.5),
]


def user_path_section(r, targets):
    """The command line's batch path against the peers (bench/run.py
    user_path): figures, ratios and the targets met or not per class."""
    u = r.get("user_path_us")
    if not u or "ajsearch" not in u or "ids" not in u:
        return []
    name = r["corpus"]
    ids = u.get("ids", {})
    page = u.get("page", {})
    aj = u["ajsearch"]
    n = u.get("batch")
    reps = u.get("repeats", 1)
    run = r.get("user_path_run")
    L = [f"### {name}: the user's path, µs per query (top 10)", ""]
    if run:
        L += [f"Rerun alone (`bench/run.py --user-path-only`) {run['time']} UTC, load average "
              f"{', '.join(f'{x:.1f}' for x in run['loadavg_start'])} at the start, "
              f"{', '.join(f'{x:.1f}' for x in run['loadavg_end'])} at the end; the peers' "
              "databases reused from the corpus's last whole run.", ""]
    L += [
         f"`ajsearch search --stdin`, default options (snippets, citations, highlighting,",
         f"expansion, the default ranking, the exact count), answers written to a file; one",
         f"process per class and output with its {n} queries ({reps} batch{'es' if reps > 1 else ''}"
         " each, alternating the outputs), so the process start and the index's opening are",
         "amortized over the batch: **mean** = batch wall time / queries (median batch);",
         "**p50/p99** are of each query's time inside the process (from finishing reading its",
         "line to finishing reading the next, `build/bench/ajsearch-clocked`). Peers in-process on",
         "the same paragraphs: **ids** = top 10 ids and scores (the yardstick); **page** =",
         "top 10 with a snippet with marks and the paragraph's text, written to a buffer",
         "(FTS5 `snippet()`, Xapian document data and `MSet::snippet`). The peer shown is",
         "the faster one per class (f = fts5, x = xapian).", ""]
    pc = u.get("peer_classes")
    if pc:
        L += ["On this corpus each class ran on the user's path only on the peer that was "
              "faster at top 10 in the same run (" + "; ".join(
                  f"{e}: {', '.join(v) if v else 'none'}" for e, v in sorted(pc.items())) +
              "): the slower peer's passes would take over an hour.", ""]
    L += [
         "| class | peer ids mean | peer page mean / p50 / p99 | text mean / p50 / p99 | "
         "--json mean / p50 / p99 | text bytes/query | json bytes/query |",
         "|---|---|---|---|---|---|---|"]
    rows = {}
    for c in classes_of(r):
        t = aj.get("text", {}).get(c)
        j = aj.get("json", {}).get(c)
        if not t or not j:
            continue
        im, ip = best_peer(ids, c, "mean")
        sm, sp = best_peer(page, c, "mean")
        s50, _ = best_peer(page, c, "p50")
        s99, _ = best_peer(page, c, "p99")
        rows[c] = {"ids_mean": im, "same_mean": sm, "same_p99": s99, "text": t, "json": j}
        tag = lambda p: f" ({p[0]})" if p else ""
        L.append(f"| {c} | {fmt(im)}{tag(ip)} | {fmt(sm)} / {fmt(s50)} / {fmt(s99)}{tag(sp)} | "
                 f"{fmt(t['mean'])} / {fmt(t['p50'])} / {fmt(t['p99'])} | "
                 f"{fmt(j['mean'])} / {fmt(j['p50'])} / {fmt(j['p99'])} | "
                 f"{t['bytes_per_query']:,.0f} | {j['bytes_per_query']:,.0f} |")
    L += ["", f"Ratios (ajsearch / peer; below 1 is faster) and the targets of the issue: "
          "mean ≤ 0.5 of the faster peer's ids-only mean, ≤ 1/3 of the peer doing the same "
          "work; p99 ≤ 1/2 of the same-work peer's p99. ✓ met, ✗ not met.", "",
          "| class | text mean / ids | text mean / page | text p99 / page p99 | "
          "json mean / ids | json mean / page | json p99 / page p99 |",
          "|---|---|---|---|---|---|---|"]
    summary = {}
    for c, v in rows.items():
        cells = []
        for out in ("text", "json"):
            for label, mine, theirs, lim in USER_TARGETS:
                x = ratio(v[out][mine], v[theirs])
                ok = x is not None and x <= lim
                cells.append(f"{fmt(x, 2)} {'✓' if ok else '✗'}" if x is not None else "–")
                s_ = summary.setdefault((out, label), {"met": 0, "n": 0, "worst": None})
                if x is not None:
                    s_["n"] += 1
                    s_["met"] += ok
                    if s_["worst"] is None or x > s_["worst"][0]:
                        s_["worst"] = (x, c)
        L.append(f"| {c} | " + " | ".join(cells) + " |")
    L.append("")
    for (out, label), s_ in summary.items():
        if not s_["worst"]:
            continue
        x, c = s_["worst"]
        what = "--json" if out == "json" else "text"
        targets.append((name, f"user's path, {what}: {label} (worst class: {c}; "
                              f"{s_['met']} of {s_['n']} classes met)", x, s_["met"] == s_["n"]))
    return L


def spread_section(r):
    """The spread over repetitions: each engine's top-10 p50 per pass
    (min–max over the passes), the user's path mean per batch, for the
    classes measured more than once."""
    lat = r["latency_us"].get("10", {})
    passes = max((v.get("passes", 1) for e in lat.values() for v in e.values()), default=1)
    up = r.get("user_path_us", {})
    batches = up.get("repeats", 1)
    if passes < 2 and batches < 2:
        return ["One pass per query and one batch per class on the user's path: no spread "
                "over repetitions to report.", ""]
    engines = [e for e in ["ajsearch"] + PEERS if e in lat]
    L = [f"### Spread over repetitions (top 10, µs)", "",
         f"In process: the class's p50 in each of the {passes} passes over the queries, "
         "min–max" + (f"; the user's path: the mean per query of each of the {batches} "
                      "batches, min–max." if batches > 1 else
                      "; the user's path ran one batch per class and output."), "",
         "| class | " + " | ".join(f"{e} p50" for e in engines)
         + (" | text mean | --json mean |" if batches > 1 else " |"),
         "|---|" + "---|" * len(engines) + ("---|---|" if batches > 1 else "")]
    aj = up.get("ajsearch", {})
    seen = set()
    for c in classes_of(r):
        cells = [spread_cell(lat.get(e, {}).get(c, {}).get("p50_spread")) for e in engines]
        if batches > 1:
            cells += [spread_cell(aj.get(f, {}).get(c, {}).get("mean_spread"))
                      for f in ("text", "json")]
        L.append(f"| {c} | " + " | ".join(cells) + " |")
        seen |= {x for x in cells if x != "–"}
    if not seen:
        return ["The spread over repetitions was not recorded in this run (it predates it).", ""]
    return L + [""]


def corpus_section(r, targets):
    name = r["corpus"]
    mb = r["bytes"] / 1e6
    L = [f"## {name}: {mb:.1f} MB, {r['paragraphs']:,} paragraphs", ""]
    when = (f"Measured {r['started']}–{r['time'][11:]} UTC" if r.get("started")
            else f"Run finished {r.get('time')} UTC")
    src = r.get("source", {})
    own = (f" Corpus of your own: {src['kind']} {src['path']}." if src.get("kind") in
           ("dir", "jsonl") else "")
    q = r.get("queries", {})
    qs = (f" Queries: {q['file']} ({q['queries']} lines)." if q.get("file") else "")
    L += [f"{when} ({run_label(r)}); {load_line(r)}{own}{qs}", ""]
    b = r["build"]
    L += ["### Build", "",
          "| engine | seconds (median) | min–max | MB/s | vs faster peer | peak RSS MB | index MB | index / text |",
          "|---|---|---|---|---|---|---|---|"]
    peer_secs = [b[p]["seconds"] for p in PEERS if p in b]
    fastest = min(peer_secs) if peer_secs else None
    for eng in ["ajsearch"] + PEERS:
        if eng not in b:
            continue
        e = b[eng]
        speed = ratio(fastest, e["seconds"]) if eng == "ajsearch" else None
        rss = rss_cell(e.get("rss"), e.get("rss_floor"))
        when = f" (database reused, built {e['built']} UTC)" if e.get("reused") else ""
        sp = e.get("seconds_spread") or (
            {"min": min(e["seconds_all"]), "max": max(e["seconds_all"]), "n": len(e["seconds_all"])}
            if e.get("seconds_all") else None)
        L.append(f"| {eng}{when} | {e['seconds']:.2f} | {spread_cell(sp, 2)} | "
                 f"{mb / e['seconds']:.1f} | "
                 f"{fmt(speed, 2) + '×' if speed else ''} | {rss} | "
                 f"{e['bytes'] / 1e6:.1f} | {e['bytes'] / r['bytes']:.2f} |")
    aj = b["ajsearch"]
    if aj.get("seconds_1thread"):
        L += ["", f"ajsearch with 1 thread: {aj['seconds_1thread']:.2f} s "
              f"({mb / aj['seconds_1thread']:.1f} MB/s, peak RSS "
              f"{rss_cell(aj['rss_1thread'], aj.get('rss_floor'))} MB); "
              f"with {aj.get('threads')} threads: {aj['seconds']:.2f} s, "
              f"{aj['seconds_1thread'] / aj['seconds']:.2f}× faster; "
              f"runs spilled: {aj.get('runs')}; files identical for 1 and "
              f"{aj.get('threads')} threads: {'yes' if aj.get('identical_across_threads') else '**no**'}."]
    files = b["ajsearch"].get("files", {})
    if files:
        L += ["", "ajsearch files: " + ", ".join(
            f"{f} {v / 1e6:.2f} MB ({100 * v / r['bytes']:.1f}% of the text)"
            for f, v in files.items()), ""]
    lat = r["latency_us"]
    for k in ["10", "100"]:
        if k not in lat:
            continue
        l = lat[k]
        L += [f"### Query latency, top-{k}, µs (p50 / p95 / p99)", "",
              "| class | ajsearch | fts5 | xapian | p50 ratio | p99 ratio |",
              "|---|---|---|---|---|---|"]
        for c in classes_of(r):
            if c not in l.get("ajsearch", {}):
                continue
            a = l["ajsearch"][c]
            cells = []
            for eng in ["ajsearch"] + PEERS:
                v = l.get(eng, {}).get(c)
                cells.append(f"{fmt(v['p50'])} / {fmt(v['p95'])} / {fmt(v['p99'])}" if v else "–")
            r50 = ratio(a["p50"], faster_peer(l, c, "p50"))
            r99 = ratio(a["p99"], faster_peer(l, c, "p99"))
            L.append(f"| {c} | {' | '.join(cells)} | {fmt(r50, 3)} | {fmt(r99, 3)} |")
            if k == "10" and r50 is not None:
                targets.append((name, f"p50 {c} ≤ 1/3 of faster peer", r50, r50 <= 1 / 3))
                targets.append((name, f"p99 {c} ≤ 1/2 of faster peer", r99, r99 <= 0.5))
            if k == "10" and name == "synth-1G" and c != "long":
                ms = a["p99"] / 1000
                targets.append((name, f"p99 {c} ≤ 1 ms (ms)", ms, ms <= 1))
        L.append("")
    L += spread_section(r)
    ag = r.get("agreement", {})
    if ag:
        L += ["### Hit counts compared with ajsearch (share of queries with equal counts)", "",
              "| class | " + " | ".join(ag) + " |", "|---|" + "---|" * len(ag)]
        for c in classes_of(r):
            row = [fmt(ag[p]["share_equal"].get(c), 2) for p in ag]
            L.append(f"| {c} | {' | '.join(row)} |")
        L.append("")
        for p in ag:
            ex = ag[p]["examples"][:5]
            if ex:
                L.append(f"Examples of different counts ({p}): " + "; ".join(
                    f"query {e['i']} ({e['class']}): ajsearch {e['ajsearch']}, {p} {e[p]}" for e in ex))
        L.append("")
    cc = r.get("cold_cli", {})
    if cc:
        L += ["### Command line, cold process (start, open, search, print 10), ms", "",
              "One process per query word, the engines alternating word by word; p50 and p95",
              "over two passes after a warm-up pass, and the p50 of each pass (min–max).", "",
              "| engine | p50 | p50 per pass, min–max | p95 | command (WORD: the query word) |",
              "|---|---|---|---|---|"]
        for eng, v in cc.items():
            cmd = v.get("command", "").replace(ROOT + "/", "")
            L.append(f"| {eng} | {fmt(v['p50_ms'], 2)} | {spread_cell(v.get('p50_ms_spread'), 2)} | "
                     f"{fmt(v['p95_ms'], 2)} | {'`' + cmd + '`' if cmd else '–'} |")
        L.append("")
    dq = r.get("decoded_per_query", {})
    dx = r.get("decoded_per_query_exact", {})
    lx = r.get("latency_exact_us", {})
    if dq:
        L += ["### Postings decoded per query (median, top-10) and the effect of pruning", "",
              "| class | with pruning | scoring every match | p50 µs with pruning | p50 µs without |",
              "|---|---|---|---|---|"]
        for c in classes_of(r):
            if c in dq:
                a = lat.get("10", {}).get("ajsearch", {}).get(c, {})
                L.append(f"| {c} | {int(dq[c]):,} | {int(dx.get(c, 0)):,} | {fmt(a.get('p50'))} | "
                         f"{fmt(lx.get(c, {}).get('p50'))} |")
        L.append("")
    # targets from this corpus
    if "ajsearch" in b and fastest:
        sp = fastest / b["ajsearch"]["seconds"]
        targets.append((name, "build ≥ 5× faster peer", sp, sp >= 5))
        one = b["ajsearch"].get("seconds_1thread")
        if one:
            targets.append((name, "build ≥ 30 MB/s with 1 thread", mb / one, mb / one >= 30))
            sp2 = one / b["ajsearch"]["seconds"]
            targets.append((name, "2 threads ≥ 1.7× 1 thread", sp2, sp2 >= 1.7))
            # Issue 12's build targets, against FTS5 in the same run.
            if "fts5" in b:
                x = b["fts5"]["seconds"] / one
                targets.append((name, "build, 1 thread ≥ 3× FTS5's throughput", x, x >= 3))
            targets.append((name, "build, 2 threads ≥ 1.8× 1 thread", sp2, sp2 >= 1.8))
            targets.append((name, "same bytes for any thread count",
                            1.0 if b["ajsearch"].get("identical_across_threads") else 0.0,
                            bool(b["ajsearch"].get("identical_across_threads"))))
    if "fts5" in b:
        x = b["ajsearch"]["bytes"] / b["fts5"]["bytes"]
        targets.append((name, "index ≤ 0.5× FTS5", x, x <= 0.5))
    if "xapian" in b:
        x = b["ajsearch"]["bytes"] / b["xapian"]["bytes"]
        targets.append((name, "index ≤ Xapian", x, x <= 1))
    if files:
        core = sum(files.get(f, 0) for f in ["post.aj", "posn.aj", "dict.aj"]) / r["bytes"]
        targets.append((name, "postings+positions+dictionary ≤ 35% of text", core, core <= 0.35))
        st = files.get("stor.aj", 0) / r["bytes"]
        targets.append((name, "stored text ≤ 30% of text", st, st <= 0.30))
    if name == "synth-1G":
        targets.append((name, "build peak RSS ≤ 1 GiB", b["ajsearch"]["rss"] / 2**30,
                        b["ajsearch"]["rss"] <= 2**30))
    if cc.get("ajsearch") and cc.get("fts5-snippet"):
        x = ratio(cc["ajsearch"]["p50_ms"], cc["fts5-snippet"]["p50_ms"])
        if name == "seed":
            targets.append((name, "cold CLI ≤ 0.5× the sqlite3 shell's FTS5 snippet query (p50)",
                            x, x is not None and x <= 0.5))
    if cc.get("ajsearch"):
        lim = 3 if name == "seed" else 10 if name == "synth-1G" else None
        if lim:
            targets.append((name, f"cold CLI ≤ {lim} ms", cc["ajsearch"]["p50_ms"],
                            cc["ajsearch"]["p50_ms"] <= lim))
    L += user_path_section(r, targets)
    inc = r.get("incremental")
    if inc and "add_s" in inc:
        L += [f"### {name}: incremental build (command line, shards of {inc['shard_size']})", "",
              (f"{inc['shards']} shards" if inc["shards"] > 1 else
               "one index (the corpus is under four shard sizes)") +
              f", indexed from nothing in {inc['full_build_s']:.2f} s; a "
              f"document of {inc['added_bytes']:,} bytes added: {inc['add_s']:.2f} s (median of "
              f"{len(inc['add_s_all'])}: {', '.join(f'{x:.2f}' for x in inc['add_s_all'])}; "
              f"shards indexed {inc['shards_indexed']}); nothing changed: "
              f"{inc['no_change_s']:.2f} s.", ""]
        if name == "synth-1G":
            targets.append((name, "adding a 50 KB document ≤ 2 s", inc["add_s"], inc["add_s"] <= 2))
    feats = r.get("features_latency_us")
    dflt = "default: full ranking + expansion"
    if feats and "bm25" in feats and dflt in feats:
        # Issue 12: the default ranking within 2x textbook BM25 in every class (p50).
        rs = {c: ratio(feats[dflt][c]["p50"], feats["bm25"][c]["p50"]) for c in classes_of(r)
              if c in feats[dflt] and c in feats["bm25"]}
        rs = {c: x for c, x in rs.items() if x is not None}
        if rs:
            worst = max(rs, key=rs.get)
            met = sum(1 for x in rs.values() if x <= 2)
            targets.append((name, f"default ranking ≤ 2× textbook BM25, p50 (worst class: "
                            f"{worst}; {met} of {len(rs)} classes met)", rs[worst], rs[worst] <= 2))
    if feats and "bm25" in feats:
        labels = [k for k in feats if k != "bm25"]
        L += [f"### {name}: cost of the search-quality features (ajsearch only, top 10, p50 µs)", "",
              "Each configuration against textbook BM25 of the query as written, over the same",
              "queries (the work the peers do); ratio = feature / bm25. The command line's default",
              "is the last column.", "",
              "| class | bm25 | " + " | ".join(f"{l} | ratio" for l in labels) + " |",
              "|---|---|" + "---|---|" * len(labels)]
        for cls, base in feats["bm25"].items():
            row = [cls, fmt(base["p50"])]
            for l in labels:
                v = feats[l].get(cls, {}).get("p50")
                row += [fmt(v) if v is not None else "-", fmt(ratio(v, base["p50"]), 2)
                        if v is not None else "-"]
            L.append("| " + " | ".join(row) + " |")
        L.append("")
        aj = r["build"].get("ajsearch", {})
        if "acronym_bytes" in aj:
            L += [f"Index size: the {aj['acronyms']} acronym definitions mined take about "
                  f"{aj['acronym_bytes']:,} bytes of {aj['bytes']:,} "
                  f"({100 * aj['acronym_bytes'] / max(aj['bytes'], 1):.2f}%); the other features "
                  "add nothing to the index.", ""]
    return L


def plots(results, out_dir, only=None):
    """The plots in out_dir: each corpus's latency (only those named in
    `only` are drawn again, when given; the others' plots are left as they
    are), build throughput and index size of every corpus.  Returns the
    paths of the plots present."""
    if not shutil.which("gnuplot") or not results:
        return []
    made = []
    engines = ["ajsearch"] + PEERS
    for r in results:
        png = os.path.join(out_dir, f"{r['corpus']}-latency.png")
        if only is not None and r["corpus"] not in only:
            if os.path.exists(png):
                made.append(png)
            continue
        lat = r["latency_us"].get("10", {})
        dat = os.path.join(out_dir, f"{r['corpus']}-latency.dat")
        with open(dat, "w") as f:
            f.write("class " + " ".join(engines) + "\n")
            for c in classes_of(r):
                f.write(c + " " + " ".join(
                    str(lat.get(e, {}).get(c, {}).get("p50") or "NaN") for e in engines) + "\n")
        script = f"""set terminal png size 900,480
set output '{png}'
set title 'Query latency p50, top-10, {r['corpus']} (µs, log scale)'
set style data histograms
set style fill solid 0.8
set logscale y
set key top left
set xtics rotate by -30
plot for [i=2:4] '{dat}' using i:xtic(1) title columnheader(i)
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=False,
                       stderr=subprocess.DEVNULL)
        made.append(png)
    for what, key, unit in [("build", "mbps", "MB/s"), ("size", "bytes", "index / text")]:
        dat = os.path.join(out_dir, f"{what}.dat")
        with open(dat, "w") as f:
            f.write("corpus " + " ".join(engines) + "\n")
            for r in results:
                vals = []
                for e in engines:
                    b = r["build"].get(e)
                    if not b:
                        vals.append("NaN")
                    elif what == "build":
                        vals.append(f"{r['bytes'] / 1e6 / b['seconds']:.3f}")
                    else:
                        vals.append(f"{b['bytes'] / r['bytes']:.3f}")
                f.write(r["corpus"] + " " + " ".join(vals) + "\n")
        png = os.path.join(out_dir, f"{what}.png")
        script = f"""set terminal png size 800,420
set output '{png}'
set title '{"Build throughput (MB/s, log scale)" if what == "build" else "Index size / text size"}'
set style data histograms
set style fill solid 0.8
{"set logscale y" if what == "build" else ""}
set key top left
plot for [i=2:4] '{dat}' using i:xtic(1) title columnheader(i)
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=False,
                       stderr=subprocess.DEVNULL)
        made.append(png)
    return made


def parts_of(res_dir, results):
    """(part, results) for every corpus and for micro.json and
    relevance.json when present: what a published set is made of."""
    out = [(r["corpus"], r) for r in results]
    for extra in ("micro", "relevance"):
        p = os.path.join(res_dir, f"{extra}.json")
        if os.path.exists(p):
            with open(p) as f:
                out.append((extra, json.load(f)))
    return out


def runs_section(res_dir, results):
    """Which run measured each part, when, quick or whole, and the load;
    the claim that every figure comes from one run only when it is so."""
    parts = parts_of(res_dir, results)
    ids = {run_of(r)[0] for _, r in parts}
    # each part without a recorded run counts as a run of its own
    nruns = len(ids - {None}) + sum(1 for _, r in parts if run_of(r)[0] is None)
    L = []
    if len(ids) == 1 and None not in ids:
        _, quick, _ = run_of(parts[0][1])
        L += [f"Every figure below comes from one {'**quick** ' if quick else ''}run, "
              f"{ids.pop()}" + (" (`--quick`: 60 generated queries per class, one batch per "
                                "class and output on the user's path)" if quick else "") + ".", ""]
    else:
        L += [f"**These figures come from {nruns} different runs**"
              + (" (some published before runs were recorded)" if None in ids else "")
              + ": compare figures within one corpus's section, not across corpora. "
              "Each part's run and date:", ""]
    L += ["| part | run | measured (UTC) | other processes' CPU, cores |", "|---|---|---|---|"]
    for name, r in parts:
        when = (f"{r['started']} – {r['time']}" if r.get("started") else r.get("time") or
                "not recorded")
        oc = (r.get("load") or {}).get("others_cores", r.get("machine", {}).get("others_cores"))
        loaded = " (**loaded**)" if (r.get("load") or {}).get("loaded") else ""
        L.append(f"| {name} | {run_label(r)} | {when} | {fmt(oc, 2)}{loaded} |")
    return L + [""]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", default=RES, help="the folder of JSON results (bench/results)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    ap.add_argument("--plots", default=None, help="where the plots go (default: --results)")
    ap.add_argument("--no-plots", action="store_true", help="leave the plots as they are")
    ap.add_argument("--only-plots", default=None,
                    help="comma-separated corpora whose latency plots are drawn again")
    a = ap.parse_args(argv)
    res_dir = os.path.abspath(a.results)
    plot_dir = os.path.abspath(a.plots or res_dir)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    results = load(res_dir)
    targets = []
    body = []
    for r in results:
        body += corpus_section(r, targets)
    only = set(a.only_plots.split(",")) if a.only_plots is not None else None
    if a.no_plots:
        pngs = sorted(os.path.join(plot_dir, f) for f in os.listdir(plot_dir)
                      if f.endswith(".png")) if os.path.isdir(plot_dir) else []
    else:
        pngs = plots(results, plot_dir, only)
    L = ["# ajsearch benchmark results", "",
         f"Generated by bench/report.py from {os.path.relpath(res_dir, ROOT)}/*.json "
         "(bench/README.md says what each engine runs and how to publish a run).",
         "Latencies are in-process, warm page cache, per-query wall time (µs) unless a table",
         "says otherwise; ratios are ajsearch / faster peer (below 1 is faster).", ""]
    if results:
        m = results[-1].get("machine", {})
        L += [f"Machine: {m.get('cpus')} CPUs, {m.get('uname', '')}.", ""]
    L += runs_section(res_dir, results)
    # Targets of the hot paths, from the micro-benchmarks.
    mp = os.path.join(res_dir, "micro.json")
    if os.path.exists(mp):
        with open(mp) as f:
            m = json.load(f)
        g = re.search(r"decode\+delta min ([0-9.]+)", m.get("codec", ""))
        if g:
            targets.append(("micro", "postings decode ≥ 1 G integers/s (slowest width, with d-gaps, G/s)",
                            float(g.group(1)), float(g.group(1)) >= 1))
        g = re.search(r"with stemming\s+([0-9.]+) MB/s", m.get("analyzer", ""))
        if g:
            targets.append(("micro", "analyzer ≥ 50 MB/s per core incl. stemming (MB/s)",
                            float(g.group(1)), float(g.group(1)) >= 50))
    L += ["## Targets", "", "| corpus | target | measured | |", "|---|---|---|---|"]
    for corpus, what, val, ok in targets:
        L.append(f"| {corpus} | {what} | {fmt(val, 3)} | {mark(ok)} |")
    L.append("")
    if pngs:
        L += ["Plots: " + ", ".join(f"[{os.path.basename(p)}]({os.path.relpath(p, out_dir)})"
                                    for p in pngs), ""]
    L += body
    mp = os.path.join(res_dir, "micro.json")
    if os.path.exists(mp):
        with open(mp) as f:
            m = json.load(f)
        L += ["## Micro-benchmarks", ""]
        if m.get("codec"):
            L += ["Postings codec (`bench/micro_codec`): decoding 128-integer blocks, integers per second.",
                  "", "```", m["codec"].rstrip(), "```", ""]
        if m.get("analyzer"):
            L += ["Analyzer (`bench/micro_analyzer`) on KJV text: tokenize, fold, stem.", "",
                  "```", m["analyzer"].rstrip(), "```", ""]
    sp = os.path.join(res_dir, "serve.json")
    if os.path.exists(sp):
        with open(sp) as f:
            srv = json.load(f)
        L += ["## Server under load (`bench/serve_load.py`)", "",
              "`ajsearch serve` with its default threads, wrk on the same machine, each request "
              "the search page's (a query from a list of 16, 10 hits, three facets).", "",
              "| index | connections | requests/s | p50 ms | p90 ms | p99 ms | errors |",
              "|---|---|---|---|---|---|---|"]
        for name in ("seed", "kjv"):
            for r in srv.get(name, {}).get("runs", []):
                L.append(f"| {name} | {r['connections']} | {r['requests_per_s']:,.0f} | "
                         f"{r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['p99_ms']:.2f} | "
                         f"{r['non_2xx']} |")
        L.append("")
    rp = os.path.join(res_dir, "relevance.json")
    if os.path.exists(rp):
        with open(rp) as f:
            rel = json.load(f)["figures"]
        L += ["## Relevance (`make eval`, tests/relevance/)", "",
              "Means over the judged information needs; each engine as typed by an analyst "
              "(ajsearch: all words; FTS5: implicit AND; Xapian: OR).", "",
              "| needs | engine | nDCG@10 | P@5 | Recall@10 | MRR |", "|---|---|---|---|---|---|"]
        for group, rows in rel.items():
            for eng, m in rows.items():
                L.append(f"| {group} | {eng} | {m['ndcg10']:.3f} | {m['p5']:.3f} | "
                         f"{m['r10']:.3f} | {m['mrr']:.3f} |")
        L.append("")
    log = os.path.join(ROOT, "bench", "CHANGELOG.md")
    if os.path.exists(log):
        L += ["", open(log).read()]
    with open(a.out + ".tmp", "w") as f:
        f.write("\n".join(L) + "\n")
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
