#!/usr/bin/env python3
"""End-to-end tests of documents in PDF, HTML and DOCX (README "PDF, HTML
and DOCX documents"): `ajsearch index` tells each file's format by its
bytes and reads PDF, HTML and DOCX through ajsearch-extract.

Usage: e2e_formats.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary, ajsearch-extract is found beside it).  Scenarios:

  same_answers   the seed documents as PDF, as saved web pages with site
                 chrome and as DOCX, made here by public tools (pandoc and
                 python3-reportlab, tests/tools/mkpdf.py), each format a
                 corpus of its own: the same paragraphs with the same
                 labels and kinds as the text corpus, the title and date
                 metadata.tsv gives the text (read from the documents
                 themselves), and twenty queries answered with the same
                 hits, scores and places; a PDF's paragraphs carry the page
                 they begin on (checked against the pages drawn), in
                 --json and in citations, and `show` finds them by a place
                 with or without the page
  by_content     formats are told by content: a PDF named .txt, an HTML
                 page without an ending, a text file named .pdf; files in
                 no format (binary) are skipped with a warning each
  failures       a truncated PDF, a PDF that is not one, a zip bomb named
                 .docx, an HTML page nested 100,000 deep and a missing
                 extractor: one warning each naming the file and why, the
                 other documents indexed, exit 0 (2 with --strict);
                 `status` is up to date afterwards (a failed document is
                 remembered by its bytes) and sees a repaired one change
  changing       files rewritten and truncated over and over while they are
                 indexed, read whole (10 MB) or through a copy (70 MB):
                 never a crash (SIGBUS, which the mapped reading of version
                 0.2 died of), every build exits 0 with an index `check`
                 passes
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, Fail, check, main, run, zip_bomb  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKPDF = os.path.join(ROOT, "tests", "tools", "mkpdf.py")
TOOLS_APT = "apt-get install pandoc python3-reportlab fonts-dejavu-core"
# Debian's interpreter sees python3-reportlab; a virtual environment's may not.
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else "python3"

# Site chrome around a saved page: none of these words may be indexed.
CHROME_TOP = (
    '<nav class="site-nav"><ul><li><a href="/">Quokkahome</a></li>'
    '<li><a href="/news">Zebranews</a></li></ul></nav>\n'
    '<div id="cookie-banner" class="consent-box"><p>Biscuitpolicy: we store '
    "crumbstuff.</p><button>Acceptulate</button></div>\n"
    '<div class="breadcrumb"><a href="/">Trailcrumb</a> &gt; Crumbpage</div>\n'
    "<aside><p>Asidewidget related links</p></aside>\n")
CHROME_BOTTOM = (
    '<div class="share-buttons"><a href="#">Sharethingy</a></div>\n'
    '<footer><p>Copyright Snarkwidget Ministry</p></footer>\n'
    '<script>var tracker = "Scriptobble";</script>\n')
CHROME_WORDS = ["quokkahome", "zebranews", "biscuitpolicy", "acceptulate", "trailcrumb",
                "asidewidget", "sharethingy", "snarkwidget", "scriptobble"]

QUERIES = [
    "maritime security", "climate change", "ASEAN Outlook on the Indo-Pacific",
    '"comprehensive strategic partnership"', "UNCLOS", "Nguyen Xuan Phuc",
    "digital economy", "disaster management", "people-to-people exchange",
    "Mekong", "energy transition", "rule of law", "supply chain resilience",
    "cybersecurity", "health", "Japan-ASEAN Integration Fund", "connectivity",
    "women peace security", "North Korea", "food security",
]


def tool(argv, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    try:
        p = subprocess.run(argv, capture_output=True, env=e, timeout=300)
    except FileNotFoundError:
        raise Fail(f"{argv[0]} is missing: {TOOLS_APT}")
    check(p.returncode == 0, f"{' '.join(argv[:3])}: {p.stderr.decode(errors='replace')}")


def metadata():
    """(file, date, source, title) of corpus/metadata.tsv."""
    rows = []
    for line in open(os.path.join(CORPUS, "metadata.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        rows.append((f + ["", "", "", ""])[:4])
    return rows


def dump(index):
    rc, out, err = run("dump", "--json", index=index)
    check(rc == 0, f"dump: {rc} {err}")
    return [json.loads(line) for line in out.splitlines()]


def index_of(tmp, name, corpus, *extra):
    index = os.path.join(tmp, "idx-" + name)
    rc, out, err = run("index", "--corpus", corpus, *extra, index=index)
    check(rc == 0, f"index {name} ({rc}): {err}")
    return index, err


MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def label_as_written(p):
    """A paragraph's label as its citation shows it written: "1.", "(ii)",
    "1" (a numbered title), "-" (a bullet), or ""."""
    place = p["cite"]
    if p["kind"] == "heading":
        m = re.match(r"heading (\S+) \u201c", place)
        return m.group(1) if m and p["label"] else ""
    if p["kind"] == "item":
        if not p["label"]:
            return "-"
        return f"({p['label']})" if place.endswith(f"(\u00b6 ({p['label']})") or \
            place.endswith(f"\u00b6 ({p['label']})") else p["label"] + "."
    return ""


def blocks(paras, markdown):
    """A document as one block per paragraph of the text index (its label
    as written before its text, a heading marked "##" or "###" by its
    depth): what pandoc (markdown, its special characters escaped) and
    mkpdf.py (plain) read as the document's structure."""
    out = []
    for p in paras:
        text = p["text"]
        if markdown:
            text = MD_SPECIAL.sub(r"\\\1", text)
            text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)  # not a list
        label = label_as_written(p)
        if markdown and label == "-":
            label = "-"
        if label:
            text = label + " " + text
        if p["kind"] == "heading":
            text = "#" * min(2 + len(p["section"]), 4) + " " + text
        out.append(text)
    return "\n\n".join(out) + "\n"


def make_formats(tmp):
    """The text corpus, its index, and the corpora pdf/, html/, docx/ of the
    same documents: {format: corpus dir}, the text index, the pages drawn."""
    txt = os.path.join(tmp, "txt")
    shutil.copytree(CORPUS, txt)
    tindex, _ = index_of(tmp, "txt", txt)
    by_doc = {}
    for p in dump(tindex):
        by_doc.setdefault(p["doc"], []).append(p)
    dirs = {k: os.path.join(tmp, k) for k in ("pdf", "html", "docx")}
    for d in dirs.values():
        os.makedirs(d)
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    pages = {}
    for f, date, source, title in metadata():
        stem = os.path.splitext(f)[0]
        md = os.path.join(work, stem + ".md")
        with open(md, "w", encoding="utf-8") as out:
            out.write(blocks(by_doc[f], True))
        plain = os.path.join(work, stem + ".txt")
        with open(plain, "w", encoding="utf-8") as out:
            out.write(blocks(by_doc[f], False))
        day = date + "-01-01"[len(date) - 4:] if date else "2000-01-01"
        epoch = subprocess.run(["date", "-u", "-d", day, "+%s"], capture_output=True,
                               text=True).stdout.strip()
        env = {"SOURCE_DATE_EPOCH": epoch}
        page = os.path.join(work, stem + ".html")
        tool(["pandoc", "-f", "markdown-smart", "-t", "html5", "-s", "-M", "title=" + title,
              "-M", "date=" + date, "-o", page, md])
        html = open(page, encoding="utf-8").read()
        # pandoc writes "2024" as "2024-01-01"; the page says what it says
        html = re.sub(r'(<meta name="dcterms.date" content=")[^"]*', lambda m: m.group(1) + date,
                      html)
        b, e = html.index("<body>") + 6, html.index("</body>")
        with open(os.path.join(dirs["html"], stem + ".html"), "w", encoding="utf-8") as out:
            out.write(html[:b] + CHROME_TOP + html[b:e] + CHROME_BOTTOM + html[e:])
        # DOCX: from the page without its title block (pandoc would set the
        # title as a first paragraph the text does not have).
        body = os.path.join(work, stem + ".body.html")
        tool(["pandoc", "-f", "markdown-smart", "-t", "html5", "-o", body, md])
        docx = os.path.join(dirs["docx"], stem + ".docx")
        tool(["pandoc", "-f", "html", "-t", "docx", "-o", docx, body], env)
        set_docx_props(docx, title, date)
        side = os.path.join(work, stem + ".pages")
        tool([PYTHON, MKPDF, plain, os.path.join(dirs["pdf"], stem + ".pdf"), title, side], env)
        lines = open(side, encoding="utf-8").read().split("\n")
        pages[stem] = lines[1:1 + int(lines[0])]
    # The source column only: titles and dates must come from the documents.
    for k, d in dirs.items():
        with open(os.path.join(d, "metadata.tsv"), "w", encoding="utf-8") as out:
            for f, date, source, title in metadata():
                out.write(f"{os.path.splitext(f)[0]}.{k}\t\t{source}\t\n")
    return dirs, tindex, pages


def set_docx_props(path, title, date):
    """The title, and the date as metadata.tsv writes it (W3CDTF allows
    "2024" and "2024-01"), in the document's properties, where Word keeps
    them."""
    from xml.sax.saxutils import escape
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                xml = data.decode("utf-8")
                check("<dc:title></dc:title>" in xml, f"pandoc's core.xml: {xml}")
                xml = xml.replace("<dc:title></dc:title>",
                                  f"<dc:title>{escape(title)}</dc:title>")
                xml = re.sub(r"(<dcterms:created[^>]*>)[^<]*", lambda m: m.group(1) + date, xml)
                data = xml.encode("utf-8")
            z.writestr(info, data)
    os.replace(path + ".tmp", path)


def stem(doc):
    return os.path.splitext(doc)[0]


def paragraphs(index):
    """{stem: [(label, kind, text)]} of the paragraphs that are not chrome."""
    out = {}
    for p in dump(index):
        if not p["kind"].startswith("chrome"):
            out.setdefault(stem(p["doc"]), []).append((p["label"], p["kind"], p["text"]))
    return out


def hits(index, q):
    rc, out, err = run("search", "--json", "-n", "10", "--", q, index=index)
    check(rc in (0, 1), f"search {q}: {rc} {err}")
    rows = []
    for line in out.splitlines():
        h = json.loads(line)
        if "rank" not in h:
            continue
        place = re.sub(r"^p\. \d+, ", "", h["cite"].split(" \u00b7 ")[-1])
        rows.append((stem(h["doc"]), h["para"], h["label"], h["text"], round(h["score"], 4),
                     place, h["title"], h["date"]))
    return rows


def s_same_answers(tmp):
    dirs, tindex, drawn = make_formats(tmp)
    want = paragraphs(tindex)
    meta = {stem(f): (title, date) for f, date, source, title in metadata()}
    for fmt, corpus in sorted(dirs.items()):
        # A PDF's creation date is a moment: "2024" is drawn as 2024-01-01.
        day = {s: (t, d + "-01-01"[len(d) - 4:] if fmt == "pdf" else d)
               for s, (t, d) in meta.items()}
        index, err = index_of(tmp, fmt, corpus, "--strict")
        got = paragraphs(index)
        check(sorted(got) == sorted(want), f"{fmt}: documents {sorted(got)}")
        for s in want:
            w, g = want[s], got[s]
            for i, (a, b) in enumerate(zip(w, g)):
                check(a == b, f"{fmt} {s}: paragraph {i + 1}:\n  text: {a}\n  {fmt}: {b}")
            check(len(w) == len(g), f"{fmt} {s}: {len(g)} paragraphs, the text has {len(w)}")
        text = json.dumps(dump(index)).lower()
        for word in CHROME_WORDS:
            check(word not in text, f"{fmt}: site chrome '{word}' was indexed")
        for p in dump(index):
            check(p["title"] == meta[stem(p["doc"])][0],
                  f"{fmt} {p['doc']}: title {p['title']!r}")
        for q in QUERIES:
            a, b = hits(tindex, q), hits(index, q)
            a = [r[:7] + (day[r[0]][1],) for r in a]
            diff = [(x, y) for x, y in zip(a, b) if x != y]
            check(a == b, f"{fmt}: {q}: the answers differ ({len(a)} and {len(b)} hits):\n"
                  f"  text: {diff[0][0] if diff else a}\n  {fmt}: {diff[0][1] if diff else b}")
            check(all(r[7] == day[r[0]][1] for r in b), f"{fmt}: {q}: dates {b}")
        rc, out, err = run("check", index=index)
        check(rc == 0, f"{fmt}: check: {out} {err}")
        rc, out, err = run("status", "--corpus", corpus, index=index)
        check(rc == 0 and "up to date" in out, f"{fmt}: status ({rc}): {out} {err}")
        check_formats_json(fmt, index)
        if fmt == "pdf":
            check_pages(index, drawn)


def check_formats_json(fmt, index):
    rc, out, err = run("search", "--json", "-n", "50", "--", "ASEAN", index=index)
    check(rc == 0, f"{fmt}: search: {err}")
    for line in out.splitlines():
        h = json.loads(line)
        check(h["format"] == fmt, f"{fmt}: format {h['format']}")
        check(h["matches"] is None, f"{fmt}: source ranges {h['matches']} for an extracted text")
        if fmt == "pdf":
            check(isinstance(h["page"], int) and h["page"] >= 1, f"pdf: page {h['page']}")
            check(h["cite"].split(" \u00b7 ")[-1].startswith(f"p. {h['page']}, "),
                  f"pdf: citation {h['cite']} without page {h['page']}")
        else:
            check(h["page"] is None, f"{fmt}: page {h['page']}")


def words(s):
    return re.findall(r"\w+", s.lower())


def check_pages(index, drawn):
    """Each page drawn starts in a paragraph of that page: the paragraph
    holding a page's first line begins on that page or, when the line goes
    on a paragraph of the page before, on that one; pages never go back."""
    paras = {}
    for p in dump(index):
        rc, out, err = run("show", "--json", str(p["id"]), index=index)
        check(rc == 0, f"show {p['id']}: {err}")
        h = [x for x in map(json.loads, out.splitlines()) if x.get("target")][0]
        paras.setdefault(stem(p["doc"]), []).append((h["page"], words(p["text"])))
    for s, firsts in drawn.items():
        ps = paras[s]
        check(all(ps[i][0] <= ps[i + 1][0] for i in range(len(ps) - 1)), f"{s}: pages go back")
        check(ps[0][0] == 1 and ps[-1][0] in (len(firsts), len(firsts) - 1),
              f"{s}: pages {ps[0][0]}..{ps[-1][0]}, drawn 1..{len(firsts)}")
        for n, line in enumerate(firsts, 1):
            # without the label a paragraph's text does not hold
            w = words(re.sub(r"^(\(?[0-9a-z]+[.)]|-)\s+", "", line))
            found = [pg for pg, pw in ps
                     if any(pw[i:i + len(w)] == w for i in range(len(pw) - len(w) + 1))]
            check(found and found[0] in (n, n - 1), f"{s}: page {n} ({line!r}) is in a "
                  f"paragraph of page {found[:1]}")
    # show by a place with and without its page
    rc, out, err = run("search", "--json", "-n", "1", "--", "climate change", index=index)
    h = json.loads(out.splitlines()[0])
    place = h["cite"].split(" \u00b7 ")[-1]
    for ref in (place, re.sub(r"^p\. \d+, ", "", place)):
        rc, out, err = run("show", "--json", f"{h['doc']}#{ref}", index=index)
        shown = [json.loads(x) for x in out.splitlines()]
        check(rc == 0 and [x["id"] for x in shown if x.get("target")] == [h["id"]],
              f"show {h['doc']}#{ref}: {rc} {err} {out[:300]}")


def s_by_content(tmp):
    dirs, tindex, drawn = make_formats(tmp)
    c = os.path.join(tmp, "mixed")
    os.makedirs(c)
    metas = metadata()
    pdf0 = os.path.join(dirs["pdf"], stem(metas[0][0]) + ".pdf")
    shutil.copy(pdf0, os.path.join(c, "a-pdf-named.txt"))
    shutil.copy(os.path.join(dirs["html"], stem(metas[1][0]) + ".html"),
                os.path.join(c, "a-page-without-ending"))
    shutil.copy(os.path.join(CORPUS, metas[2][0]), os.path.join(c, "a-text-named.pdf"))
    with open(os.path.join(c, "image.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200))
    index, err = index_of(tmp, "mixed", c)
    warned = [x for x in err.splitlines() if x.startswith("ajsearch: warning:")]
    check(len(warned) == 1 and "image.png: binary file" in warned[0], f"warnings: {err}")
    docs = {p["doc"]: p for p in dump(index)}
    check(sorted(docs) == ["a-page-without-ending", "a-pdf-named.txt", "a-text-named.pdf"],
          f"documents: {sorted(docs)}")
    rc, out, err = run("search", "--json", "-n", "100", "--", "ASEAN", index=index)
    fmts = {json.loads(line)["doc"]: json.loads(line)["format"] for line in out.splitlines()}
    check(fmts == {"a-pdf-named.txt": "pdf", "a-page-without-ending": "html",
                   "a-text-named.pdf": "text"}, f"formats: {fmts}")


def s_failures(tmp):
    c = os.path.join(tmp, "c")
    os.makedirs(c)
    good = os.path.join(CORPUS, metadata()[0][0])
    shutil.copy(good, os.path.join(c, "good.txt"))
    tool([PYTHON, MKPDF, good, os.path.join(tmp, "whole.pdf"), "Whole", os.path.join(tmp, "s")])
    whole = open(os.path.join(tmp, "whole.pdf"), "rb").read()
    with open(os.path.join(c, "truncated.pdf"), "wb") as f:
        f.write(whole[:len(whole) // 2])
    with open(os.path.join(c, "fake.pdf"), "wb") as f:
        f.write(b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")
    with open(os.path.join(c, "bomb.docx"), "wb") as f:
        f.write(zip_bomb())  # tests/cli/e2e.py's: 300 MiB of spaces
    with open(os.path.join(c, "deep.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>" + "<div>" * 100000 + "deep" + "</div>" * 100000
                + "</body></html>")
    index, err = index_of(tmp, "c", c)
    lines = [x for x in err.splitlines() if x.startswith("ajsearch: warning:")]
    for name, why in (("truncated.pdf", "PDF document: truncated PDF"),
                      ("fake.pdf", "PDF document: damaged PDF"),
                      ("bomb.docx", "DOCX document: zip: word/document.xml is too large"),
                      ("deep.html", "HTML document: HTML elements nested deeper than 512")):
        mine = [x for x in lines if name in x]
        check(len(mine) == 1 and why in mine[0] and mine[0].endswith(", skipped"),
              f"{name}: warnings {mine} (all: {lines})")
    check(len(lines) == 4, f"warnings: {lines}")
    docs = {p["doc"] for p in dump(index)}
    check(docs == {"good.txt"}, f"documents with paragraphs: {docs}")
    rc, out, err = run("status", "--corpus", c, index=index)
    check(rc == 0 and "up to date" in out, f"status after failures ({rc}): {out} {err}")
    rc, out, err = run("index", "--corpus", c, "--strict", index=index)
    check(rc == 2 and "4 warnings" in err, f"--strict: {rc} {err}")
    # a repaired document is a change
    shutil.copy(os.path.join(tmp, "whole.pdf"), os.path.join(c, "truncated.pdf"))
    rc, out, err = run("status", "--corpus", c, index=index)
    check(rc == 1 and "truncated.pdf" in out, f"status after repair ({rc}): {out} {err}")
    index, err = index_of(tmp, "c", c)
    check("truncated.pdf" not in err, f"repaired: {err}")
    check(any(p["doc"] == "truncated.pdf" for p in dump(index)), "the repaired PDF is indexed")
    # no extractor: each extracted document skipped, the text indexed
    rc, out, err = run("index", "--corpus", c, index=os.path.join(tmp, "none"),
                       env={"AJSEARCH_EXTRACT": "/nonexistent/ajsearch-extract"})
    check(rc == 0 and err.count("AJSEARCH_EXTRACT=/nonexistent") == 4, f"no extractor: {err}")


def s_changing(tmp):
    c = os.path.join(tmp, "c")
    os.makedirs(c)
    base = open(os.path.join(CORPUS, metadata()[0][0]), "rb").read()
    big = base * 400  # about 10 MB per file: read whole
    huge = base * 2800  # about 70 MB: over AJ_READ_WHOLE, copied and mapped
    names = [os.path.join(c, f"doc{i}.txt") for i in range(4)]
    for n in names:
        open(n, "wb").write(big)
    open(os.path.join(c, "huge.txt"), "wb").write(huge)
    stop = threading.Event()

    def churn():
        k = 0
        while not stop.is_set():
            for n, data in [(n, big) for n in names] + [(os.path.join(c, "huge.txt"), huge)]:
                k += 1
                with open(n, "r+b") as f:
                    f.truncate((k * 7919) % len(data))  # shrinks under a reader
                    f.seek(0)
                    f.write(data[:len(data) - k % 5])
            time.sleep(0.001)

    t = threading.Thread(target=churn)
    t.start()
    try:
        for round_ in range(6):
            index = os.path.join(tmp, "idx")
            rc, out, err = run("index", "--corpus", c, index=index)
            check(rc == 0, f"round {round_}: index exited {rc}: {err}")
            rc, out, err = run("check", index=index)
            check(rc == 0, f"round {round_}: check: {out} {err}")
    finally:
        stop.set()
        t.join()


if __name__ == "__main__":
    main("e2e_formats", globals())
