#!/usr/bin/env python3
"""End-to-end tests of page chrome and citations (README "Corpus and
paragraphs" and "Output"), as a user meets them on corpus/.

Usage: e2e_struct.py SCENARIO (from the repository root; $AJSEARCH_BIN
names the binary). Each scenario builds its own index in a temporary
directory."""
import json
import os

from e2e import BIN, Fail, build, check, gen_dir, main, run, search_json  # noqa: E402

JVS = "2023-12-17-joint-vision-statement-trusted-partners.txt"
SUMMIT = "2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt"


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Fail(f"a JSON object repeats a key: {sorted(k for k in keys if keys.count(k) > 1)}")
    return dict(pairs)


def loads_strict(line):
    return json.loads(line, object_pairs_hook=no_duplicate_keys)


def s_page_chrome(tmp):
    """Chrome is stored, dumped with its kind, counted by stats, not searched
    unless --chrome, and leaves no hole in the numbers."""
    index = build(tmp)
    rc, out, err = run("stats", "--json", index=index)
    st = json.loads(out)
    ch = st["chrome"]
    check(ch["paragraphs"] == 79 and ch["navigation"] == 68 and ch["caption"] == 6 and
          ch["date"] == 2 and ch["links"] == 3 and ch["contents"] == 0, ch)
    rc, out, err = run("stats", index=index)
    check("79 page chrome, 68 navigation, 6 caption, 2 date, 3 links" in out, out)
    rc, out, err = run("dump", "--json", index=index)
    rows = [loads_strict(line) for line in out.splitlines()]
    check(len(rows) == st["paragraphs"], "dump lists chrome too")
    kinds = {r["kind"] for r in rows}
    check(kinds == {"body", "heading", "item", "chrome:navigation", "chrome:caption",
                    "chrome:date", "chrome:links"}, kinds)
    lao = [r for r in rows if r["text"] == "Lao Cai"][0]
    check(lao["kind"] == "chrome:navigation" and lao["para"] is None and lao["section"] == []
          and lao["cite"] == "page chrome (navigation), block 37", lao)
    # numbers count what is not chrome, with no hole
    for doc in {r["doc"] for r in rows}:
        nums = [r["para"] for r in rows if r["doc"] == doc and r["para"] is not None]
        check(nums == list(range(1, len(nums) + 1)), f"{doc}: numbers {nums[:10]}...")
    rc, out, err = run("dump", index=index)
    line = [l for l in out.splitlines() if l.endswith("\tLao Cai")][0]
    check(line.split("\t")[2:5] == ["-", "", "chrome:navigation"], line)
    # not searched by default, searched with --chrome, counted alike
    rc, hits, err = search_json(index, "Cai")
    # nothing listed: one summary object saying the word is only in chrome
    check(rc == 1 and len(hits) == 1 and "rank" not in hits[0] and
          hits[0]["missing"] == ["Cai"] and hits[0]["in_chrome"] == ["Cai"] and
          hits[0]["suggestion"] is None, f"Cai: {rc} {hits[:1]}")
    rc, out, err = run("Cai", index=index)
    check(rc == 1 and "No paragraph contains «Cai» outside page chrome" in out, f"Cai: {out!r}")
    rc, out, err = run("--count", "Cai", index=index)
    check(rc == 1 and out.strip() == "0", f"--count Cai: {rc} {out!r}")
    rc, out, err = run("--chrome", "--count", "Cai", index=index)
    check(rc == 0 and out.strip() == "1", f"--chrome --count Cai: {rc} {out!r}")
    rc, out, err = run("--chrome", "--json", "Lao Cai", index=index)
    hits = [loads_strict(line) for line in out.splitlines()]
    check(rc == 0 and hits[0]["text"] == "Lao Cai" and hits[0]["para"] is None and
          hits[0]["cite"].endswith("\u00b7 page chrome (navigation), block 37"), hits[:1])
    rc, out, err = run("--chrome", "Lao Cai", index=index)
    check(rc == 0 and "page chrome (navigation), block 37" in out, out)
    # "Laos" no longer answers with the province list
    rc, hits, err = search_json(index, "Laos", n=20)
    check(rc == 0 and all("Lao Cai" != h["text"] for h in hits), [h["text"] for h in hits][:3])
    # the captions and the page's date are not found either
    rc, out, err = run("--count", '"Cabinet Public Affairs Office"', index=index)
    check(out.strip() == "0", out)
    rc, out, err = run("--chrome", "--count", '"Cabinet Public Affairs Office"', index=index)
    check(out.strip() == "3", out)


def s_citations(tmp):
    """Distinct citations in text, JSON and HTML; the section path; the
    --explain factors under their own key."""
    index = build(tmp)
    rc, out, err = run("--color=never", "-n", "10", "FOIP", index=index)
    check(rc == 0, err)
    check("under 1. \u201cASEAN-Japan cooperation\u201d, \u00b6 iv" in out and
          "under 3. \u201cClosing Remarks\u201d, \u00b6 iv" in out, out)
    # every hit of broad queries, every format: no two citations alike
    for q in ["japan OR asean OR cooperation OR the", "partners", "i OR ii OR iii"]:
        rc, out, err = run("--json", "-n", "1000", "--", q, index=index)
        hits = [loads_strict(line) for line in out.splitlines()]
        cites = [h["cite"] for h in hits]
        check(len(cites) == len(set(cites)), f"{q}: repeated citations")
        check(all(h["cite"].startswith(h["title"] + " \u00b7 ") for h in hits), "cite starts with title")
        check(all(isinstance(h["section"], list) for h in hits), "section is a list")
    rc, hits, err = search_json(index, '"East China Sea" provocative')
    h = hits[0]
    check(h["section"] == ["The 28th ASEAN Japan Summit", "2. Regional and International Issues",
                           "ii. The East China Sea, the South China Sea, Taiwan:"], h["section"])
    check(h["heading"] == "The East China Sea, the South China Sea, Taiwan:", h["heading"])
    check(h["cite"].endswith("\u00b7 under ii. \u201cThe East China Sea, the South China Sea, "
                             "Taiwan\u201d, paragraph 1"), h["cite"])
    rc, hits, err = search_json(index, "Political and Security Cooperation")
    check(any(h["cite"].endswith("\u00b7 heading \u201cPolitical and Security Cooperation\u201d")
              for h in hits), [h["cite"] for h in hits])
    rc, out, err = run("--html", "-n", "10", "FOIP", index=index)
    check("under 3. \u201cClosing Remarks\u201d, \u00b6 iv</p>" in out, out)
    # --explain: the factors are nested; "heading" appears once per object
    rc, out, err = run("--json", "--explain", "-n", "5", "maritime security", index=index)
    for line in out.splitlines():
        h = loads_strict(line)
        f = h["factors"]
        check(set(f) == {"bm25", "proximity", "heading", "kind"} and isinstance(f["heading"], float), f)
        check(h["heading"] is None or isinstance(h["heading"], str), h["heading"])
    # the preamble's numbers start under its heading
    rc, hits, err = search_json(index, "Our vision is for a world")
    check(hits[0]["doc"] == JVS and hits[0]["cite"].endswith(
        "\u00b7 under \u201cTrusted Partners\u201d, paragraph 7"), hits[0]["cite"])


def s_old_format(tmp):
    """An index of the previous format is refused with a request to rebuild."""
    index = build(tmp)
    meta = os.path.join(gen_dir(index), "meta.aj")
    with open(meta, "r+b") as f:
        head = bytearray(f.read(64))
        head[8:12] = (6).to_bytes(4, "little")
        f.seek(0)
        f.write(head)
    rc, out, err = run("japan", index=index)
    check(rc == 2 and "version 6" in err and "rebuild the index" in err, err)
    rc, out, err = run("index", "--corpus", os.path.abspath("corpus"), index=index)
    check(rc == 0, err)
    rc, out, err = run("--count", "japan", index=index)
    check(rc == 0, err)



if __name__ == "__main__":
    main("e2e_struct", globals())
