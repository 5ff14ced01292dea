#!/usr/bin/env python3
"""End-to-end tests of filters, facets and the timeline (README "Filters
and facets") on the seed corpus, whose metadata.tsv gives dates and
sources.

Usage: e2e_filter.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary).  Scenarios:

  filters    --since, --until, --doc and --source list exactly the
             unfiltered hits whose documents pass (same order, same
             scores), --count counts them, and the query fields
             (date:A..B, doc:GLOB, source:TEXT) give what the options give
  facets     --facet with --json: a last line of counts whose sums are the
             total, years in increasing order, documents by count; the
             counts equal those of the unfiltered hits, by document
  timeline   --timeline draws one bar per year, longest for the largest
             count; with --html an SVG chart and the facet lists, every
             value escaped
  errors     a bad date (option or field), an unknown facet, a misplaced
             field and --facet with --csv: exit 2 with a message naming it
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import build, check, main, run  # noqa: E402

QUERIES = ["japan", "maritime security", "cooperat*", "\"south china sea\"", "asean OR mekong"]


def hits(index, *args):
    rc, out, err = run("search", "--json", "-n", "100000", "--no-correct", *args, index=index)
    check(rc in (0, 1), f"{args}: exit {rc}: {err}")
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [h for h in rows if "rank" in h], rows


def count(index, *args):
    rc, out, err = run("search", "--count", "--no-correct", *args, index=index)
    check(rc in (0, 1), f"{args}: exit {rc}: {err}")
    return int(out.strip())


def day(d, last):
    y = int(d[:4])
    m = int(d[5:7]) if len(d) >= 7 else (12 if last else 1)
    if len(d) >= 10:
        dd = int(d[8:10])
    elif last:
        dd = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30,
              31, 31, 30, 31, 30, 31][m - 1]
    else:
        dd = 1
    return (y, m, dd)


def passes(h, since=None, until=None, doc=None):
    import fnmatch
    d = h.get("date") or ""
    if since or until:
        if not d:
            return False
        if since and day(d, True) < day(since, False):
            return False
        if until and day(d, False) > day(until, True):
            return False
    if doc and not fnmatch.fnmatchcase(h["doc"], doc):
        return False
    return True


def s_filters(tmp):
    index = build(tmp)
    cases = [({"since": "2024"}, ["--since", "2024"], "date:2024.."),
             ({"until": "2020-11"}, ["--until", "2020-11"], "date:..2020-11"),
             ({"since": "2023-12-17", "until": "2024-07-26"},
              ["--since", "2023-12-17", "--until", "2024-07-26"], "date:2023-12-17..2024-07-26"),
             ({"doc": "2025-*"}, ["--doc", "2025-*"], "doc:2025-*"),
             ({"doc": "*summit*", "since": "2021"}, ["--doc", "*summit*", "--since", "2021"],
              "doc:*summit* date:2021..")]
    checked = 0
    for q in QUERIES:
        every, _ = hits(index, "--no-partial", "--", q)
        check(every, f"{q}: no hits at all")
        for want_f, opts, field in cases:
            want = [h for h in every if passes(h, **want_f)]
            got, rows = hits(index, "--no-partial", *opts, "--", q)
            check([h["id"] for h in got] == [h["id"] for h in want],
                  f"{q} {opts}: ids {[h['id'] for h in got][:8]}, want {[h['id'] for h in want][:8]}")
            check([h["score"] for h in got] == [h["score"] for h in want],
                  f"{q} {opts}: a filter changed scores")
            check(count(index, *opts, "--", q) == len(want), f"{q} {opts}: --count")
            fielded, _ = hits(index, "--no-partial", "--", f"{q} {field}")
            check([h["id"] for h in fielded] == [h["id"] for h in want], f"{q} {field}: field")
            checked += len(want)
    check(checked > 50, f"only {checked} filtered hits compared")
    # the source filter: the seed's sources, case ignored
    every, _ = hits(index, "--no-partial", "--", "japan")
    total = count(index, "--", "japan")
    mofa = count(index, "--source", "foreign affairs", "--", "japan")
    other = count(index, "--source", "ASEAN", "--", "japan")
    check(0 < mofa < total and 0 < other < total, f"sources: {mofa}, {other} of {total}")
    check(count(index, "--", "japan source:\"Foreign AFFAIRS\"") == mofa, "source: as a field")
    # the text header says the filters kept it
    rc, out, err = run("--since", "2024", "-n", "1", "japan", index=index)
    check(re.search(r"paragraphs match in the documents the filters keep: japan", out), out[:200])


def s_facets(tmp):
    index = build(tmp)
    for q in QUERIES:
        every, _ = hits(index, "--no-partial", "--", q)
        got, rows = hits(index, "--no-partial", "--facet", "year,doc", "--facet", "source",
                         "--", q)
        last = rows[-1]
        check(set(last) == {"facets"}, f"{q}: last line {last}")
        f = last["facets"]
        check(list(f) == ["year", "doc", "source"], f"{q}: facets in bit order: {list(f)}")
        for name in f:
            check(sum(c for _, c in f[name]) == len(every), f"{q}: {name} counts sum")
        years = [v for v, _ in f["year"] if v]
        check(years == sorted(years), f"{q}: years in order {years}")
        per_year = {}
        per_doc = {}
        for h in every:
            per_year[(h.get("date") or "")[:4]] = per_year.get((h.get("date") or "")[:4], 0) + 1
            per_doc[h["doc"]] = per_doc.get(h["doc"], 0) + 1
        check(dict(f["year"]) == per_year, f"{q}: years {f['year']} against {per_year}")
        check(dict(f["doc"]) == per_doc, f"{q}: documents")
        counts = [c for _, c in f["doc"]]
        check(counts == sorted(counts, reverse=True), f"{q}: documents by count")
        # filtered facets count what passes
        got, rows = hits(index, "--no-partial", "--since", "2024", "--facet", "year", "--", q)
        fy = dict(rows[-1]["facets"]["year"])
        check(all(y >= "2024" for y in fy), f"{q}: filtered years {fy}")
        check(sum(fy.values()) == len(got), f"{q}: filtered sum")
    # --stdin: the facets line carries its query's number
    rc, out, err = run("search", "--stdin", "--json", "-n", "1", "--facet", "year", index=index,
                       stdin=b"japan\nmekong\n")
    lines = [json.loads(line) for line in out.splitlines()]
    tagged = [line for line in lines if "facets" in line]
    check([t.get("query") for t in tagged] == [1, 2], f"--stdin facets: {tagged}")


def s_timeline(tmp):
    index = build(tmp)
    rc, out, err = run("--timeline", "-n", "0", "japan", index=index)
    check(rc in (0, 1), err)
    _, rows = hits(index, "--no-partial", "--facet", "year", "--", "japan")
    years = rows[-1]["facets"]["year"]
    bars = re.findall(r"^(\S+)\s+([\u2588-\u258f]+) (\d+)$", out, re.M)
    check([(y, int(c)) for y, _, c in bars] == [(y or "(none)", c) for y, c in years],
          f"bars {bars} against {years}")
    longest = max(bars, key=lambda b: len(b[1]))
    check(int(longest[2]) == max(c for _, c in years), "the longest bar is the largest count")
    rc, out, err = run("--timeline=month", "-n", "0", "japan", index=index)
    check(re.search(r"^\d{4}-\d{2}\s+\u2588", out, re.M), f"months: {out[-400:]}")
    # HTML: an SVG chart and the lists, every value escaped
    rc, out, err = run("--html", "--timeline", "--facet", "doc", "-n", "1", "japan", index=index)
    check("<svg" in out and "<figure class=\"ajsearch-timeline\">" in out, out[-500:])
    check(out.count("<rect ") == len(years), "one bar per year")
    check("<ul class=\"ajsearch-facet\" data-facet=\"doc\">" in out, "the document facet")
    check(out.rstrip().endswith("</section>"), "the section closes after the facets")


def s_errors(tmp):
    index = build(tmp)
    for args, pattern in [
            (["--since", "2024-13", "japan"], r"since: '2024-13' is not a date"),
            (["--until", "yesterday", "japan"], r"until: 'yesterday' is not a date"),
            (["japan date:2024-02-30"], r"byte 11: date: '2024-02-30' is not a date"),
            (["(japan date:2024)"], r"whole query"),
            (["--facet", "colour", "japan"], r"'colour' is not one of year, month"),
            (["--timeline=week", "japan"], r"--timeline must be year or month"),
            (["--facet", "year", "--csv", "japan"], r"not\s+with --csv"),
            (["--timeline", "--count", "japan"], r"not\s+with --csv, --cite-list or --count")]:
        rc, out, err = run(*args, index=index)
        check(rc == 2, f"{args}: exit {rc}")
        check(re.search(pattern, err), f"{args}: {err}")
        check(out == "", f"{args}: output {out[:100]!r}")


if __name__ == "__main__":
    main("e2e_filter", globals())
