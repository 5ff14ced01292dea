#!/usr/bin/env python3
"""End-to-end tests of highlighting (README "Output: snippets"): what the
command line marks, checked against an independent statement of the rule
in Python over the analyzer's tokens, and the agreement of --mark, --html,
JSON `text_matches` and the source ranges of `matches`.

Usage: e2e_highlight.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary). Exit status 0 = pass.
"""
import html
import json
import os
import random
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, Fail, build, check, fold_source, main, run  # noqa: E402

# The common words of src/search/highlight.c, stated again here: marked only
# where they join two marks, unless nothing else in the paragraph is.
COMMON = set("""a about after all am an and any are as at be been before being both
but by could did do does each for from had has have he her his i if in into
is me my nor not of on onto or other our per shall she should so some such
than that the their them these they this those to upon via was we were what
which while who whom whose with would you your""".split())


# ------------------------------------------------------------ reference

def analyze(index, texts):
    """Tokens of each text: [(term, start, end)], as the indexer makes them."""
    out = []
    for i in range(0, len(texts), 50):
        rc, o, err = run("analyze", "--json", "--", *texts[i:i + 50])
        check(rc == 0, f"analyze: {err}")
        out += [[(t["term"], t["start"], t["end"]) for t in json.loads(l)]
                for l in o.splitlines()]
    check(len(out) == len(texts), "one token list per text")
    return out


class Ref:
    """The highlighting rule over a paragraph's tokens, by brute force.
    A query is a list of clauses: ("word", w), ("phrase", [w...]) or
    ("near", [item...], n) with items ("word", w) or ("phrase", [w...])."""

    def __init__(self, index):
        self.index = index
        self.terms = {}

    def term_seq(self, words):
        key = tuple(words)
        if key not in self.terms:
            toks = analyze(self.index, [" ".join(words)])[0]
            self.terms[key] = [t[0] for t in toks]
        return self.terms[key]

    def occurrences(self, toks, item):
        terms = self.term_seq([item[1]] if item[0] == "word" else item[1])
        m = len(terms)
        return [(p, m) for p in range(len(toks) - m + 1)
                if [t[0] for t in toks[p:p + m]] == terms]

    def near_marks(self, toks, items, n):
        occ = [self.occurrences(toks, it) for it in items]
        w = n + sum(len(self.term_seq([it[1]] if it[0] == "word" else it[1])) for it in items)
        marks = []
        for oc in occ:
            for a, ln in oc:
                # a window [x, x + w) holding this occurrence and one of
                # every item
                if any(all(any(x <= b and b + lb <= x + w for b, lb in o2) for o2 in occ)
                       for x in range(a + ln - w, a + 1)):
                    marks.append((a, a + ln))
        return marks

    def spans(self, text, toks, query):
        strong, weak = [], []
        for c in query:
            if c[0] == "near":
                strong += self.near_marks(toks, c[1], c[2])
                continue
            iv = [(a, a + ln) for a, ln in self.occurrences(toks, c)]
            if c[0] == "word" and c[1].lower() in COMMON:
                weak += iv
            else:
                strong += iv
        if not strong:  # nothing else marked: the common words are the match
            strong, weak = weak, []
        covered = set()
        for a, b in strong:
            covered.update(range(a, b))
        wpos = sorted({a for a, _ in weak} - covered)
        raw = text.encode()
        joined = lambda p: re.fullmatch(rb"[ \t\r\n-]*", raw[toks[p][2]:toks[p + 1][1]]) is not None
        p = 0
        while p < len(wpos):
            q = p
            while q + 1 < len(wpos) and wpos[q + 1] == wpos[q] + 1:
                q += 1
            a, b = wpos[p], wpos[q]
            if a - 1 in covered and b + 1 in covered and all(joined(k) for k in range(a - 1, b + 1)):
                strong += [(k, k + 1) for k in range(a, b + 1)]
            p = q + 1
        merged = []
        for a, b in sorted(strong):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return [[toks[a][1], toks[b - 1][2]] for a, b in merged]


def query_text(query):
    def item(it):
        return it[1] if it[0] == "word" else '"' + " ".join(it[1]) + '"'
    parts = []
    for c in query:
        if c[0] == "near":
            parts.append("NEAR(" + " ".join(item(i) for i in c[1]) + f", {c[2]})")
        else:
            parts.append(item(c))
    return " OR ".join(parts) if len(parts) > 1 and random.random() < 0.5 else " ".join(parts)


def random_queries(texts, rng, n):
    """Queries made of words and runs of words of the corpus: phrases,
    NEARs and plain words, common ones included."""
    operators = {"AND", "OR", "NOT", "NEAR"}
    letters = lambda t: [w for w in re.findall(r"[A-Za-z]+", t) if w not in operators]
    words = [w for t in texts for w in letters(t)]
    out = []
    for _ in range(n):
        t = rng.choice([t for t in texts if len(t.split()) > 8])
        ws = letters(t)
        i = rng.randrange(len(ws) - 4)
        q = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.35:
                q.append(("phrase", ws[i:i + rng.randint(2, 4)]))
            elif kind < 0.6:
                j = rng.randrange(len(ws))
                q.append(("near", [("word", ws[i]), ("word", rng.choice([ws[j], rng.choice(words)]))],
                          rng.choice([0, 1, 3, 10])))
            elif kind < 0.8:
                q.append(("word", rng.choice(sorted(COMMON & {w.lower() for w in ws}) or ["of"])))
            else:
                q.append(("word", rng.choice(ws)))
            i = rng.randrange(len(ws) - 4)
        out.append(q)
    return out


def s_reference(tmp):
    """Every hit's text_matches equal the rule computed by brute force."""
    index = build(tmp)
    rc, out, err = run("dump", "--json", index=index)
    paras = {d["id"]: d["text"] for d in map(json.loads, out.splitlines())}
    ids = sorted(paras)
    toks = dict(zip(ids, analyze(index, [paras[i] for i in ids])))
    ref = Ref(index)
    fixed = [
        [("phrase", ["rule", "of", "law"])],
        [("word", "rule"), ("word", "of"), ("word", "law")],
        [("phrase", ["South", "China", "Sea"])],
        [("word", "Code"), ("word", "of"), ("word", "Conduct")],
        [("near", [("word", "maritime"), ("word", "cooperation")], 3)],
        [("near", [("phrase", ["South", "China", "Sea"]), ("word", "law")], 10)],
        [("near", [("word", "Japan"), ("word", "ASEAN"), ("word", "summit")], 2)],
        [("word", "the")],
        [("word", "of"), ("word", "the")],
        [("phrase", ["of", "the"]), ("word", "sea")],
    ]
    rng = random.Random(11)
    checked = spans = 0
    for q in fixed + random_queries(list(paras.values()), rng, 60):
        qs = query_text(q)
        rc, out, err = run("search", "--json", "--no-expand", "--no-correct", "-n", "300", "--", qs,
                           index=index)
        check(rc in (0, 1), f"{qs}: exit {rc}: {err}")
        for h in map(json.loads, out.splitlines()):
            if "rank" not in h:
                continue  # the summary of a query that lists nothing
            want = ref.spans(h["text"], toks[h["id"]], q)
            got = h["text_matches"]
            text = h["text"].encode()
            show = lambda s: [text[a:b].decode() for a, b in s]
            check(got == want, f"{qs}: paragraph {h['id']}:\n  got  {show(got)}\n  want {show(want)}")
            checked += 1
            spans += len(got)
    check(checked > 300 and spans > 1000, f"only {checked} hits, {spans} spans checked")
    print(f"reference: {checked} hits, {spans} spans")


# ------------------------------------------------------------ the marks

WRAPPED = """Notes on the sea lanes

Freedom of navigation and overflight in the waters of the region, including
the East China Sea and the waters around it, matters to every country that
relies on trade by sea. The leaders said so again this year in the South
China Sea statement, recalling that the order of the region rests on the
rule of law and calling on all parties to settle their disputes in line
with international law and without the threat or use of force, as they
have done before in many statements on the situation in the South China
Sea over the years. They also stressed that cooperation between the coast
guards of the region must continue to grow in the coming years for the
good of all the peoples of the region and of the wider world beyond it.
"""

def marked(out):
    """The [[...]] of --mark output, line breaks of the wrapping undone."""
    flat = re.sub(r"\n    ", " ", out)
    return [re.sub(r"\s+", " ", m) for m in re.findall(r"\[\[(.*?)\]\]", flat, re.S)]


def s_marks(tmp):
    """What --mark shows on the corpus for each kind of clause."""
    index = build(tmp)

    def marks(q, *opts, n=100):
        rc, out, err = run("search", "--mark", "-n", str(n), *opts, "--", q, index=index)
        check(rc == 0, f"{q}: exit {rc}: {err}")
        return out, marked(out)

    out, m = marks('"rule of law"')
    check(m and all(x.casefold() == "rule of law" for x in m), m)
    check("[[of]]" not in out, "no lone 'of'")
    out, m = marks('"South China Sea"')
    check(m and all(x.casefold() == "south china sea" for x in m), m)
    check("East China Sea" in out and "East [[" not in out and "[[East" not in out,
          "East China Sea is not marked")
    out, m = marks("UNCLOS")
    long_form = "united nations convention on the law of the sea"
    check({x.casefold() for x in m} == {"unclos", long_form}, sorted(set(m)))
    check("[[the]]" not in out and "[[of]]" not in out and "[[and]]" not in out,
          "the expansion marks no lone small word")
    # a phrase across a line break of the source; its acronym, by expansion
    out, m = marks('"ASEAN Outlook on the Indo-Pacific"')
    check({x.casefold() for x in m} == {"asean outlook on the indo-pacific", "aoip"}, sorted(set(m)))
    # unquoted: "of" only between two marks, where the others are marked
    out, m = marks("rule of law", "--no-partial")
    flat = re.sub(r"\n    ", " ", out)
    for at in [x.start() for x in re.finditer(r"\[\[of\]\]", flat)]:
        check(flat[:at].endswith("]] ") and flat[at + 6:].startswith(" [["),
              f"a lone 'of': {flat[max(0, at - 60):at + 60]!r}")
    check(any(x.casefold() == "law" for x in m) and any(x.casefold() == "of" for x in m), m)
    # a partial match that shares only "of" shows its "of"s: what it matched
    rc, out, err = run("--json", "--no-expand", "-n", "100", "--", "Code of Conduct", index=index)
    only_of = [h for h in map(json.loads, out.splitlines())
               if {h["text"].encode()[a:b].decode().casefold() for a, b in h["text_matches"]} == {"of"}]
    check(all(h.get("partial") for h in only_of), "only partial matches share only 'of'")
    # negated clauses never
    out, m = marks('security -"South China Sea"')  # every word of the stem secur
    check(m and all(re.fullmatch(r"secur\w*", x.casefold()) for x in m), sorted(set(m)))
    out, m = marks("maritime NOT law")
    check(m and all(x.casefold() == "maritime" for x in m), m)
    # prefix, typo-tolerant word, variants
    out, m = marks("cooperat*")
    check(m and all(x.casefold().startswith("cooperat") for x in m), sorted(set(m)))
    out, m = marks("securty~1")
    check(m and all(x.casefold().startswith("secur") for x in m), sorted(set(m)))
    out, m = marks("defense")
    check({x.casefold() for x in m} == {"defence", "defense"}, sorted(set(m)))
    # NEAR: items outside every window stay unmarked
    out, m = marks("maritime NEAR/0 security")
    check(m and all(x.casefold() in ("maritime", "security") for x in m), m)
    check(re.search(r"\[\[[Mm]aritime\]\] \[\[[Ss]ecurity\]\]", out), out[:500])
    check(re.search(r"(?<!\[\[)\b[Ss]ecurity\b(?!\]\])", out), "some 'security' is outside the windows")
    # OR branches
    out, m = marks("terrorism OR pandemic")
    check({x.casefold() for x in m} == {"pandemic", "terrorism"}, sorted(set(m)))


def s_formats(tmp):
    """--mark, --html and JSON show the same spans; each source range
    reads as its matched text, through markup, entities and line breaks."""
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    # A hard-wrapped document (so the line breaks are joined) and one with
    # markup and entities inside the phrase.
    with open(os.path.join(corpus, "zz-wrapped.txt"), "w") as f:
        f.write(WRAPPED)
    with open(os.path.join(corpus, "zz-markup.md"), "w") as f:
        f.write("# Patrols\n\nPatrols in the **South China** Sea &amp; the <b>rule</b> of\n"
                "  law; the South&nbsp;China Sea.\n")
    index = build(tmp, corpus)
    queries = ['"South China Sea"', '"rule of law"', "rule of law", "UNCLOS",
               '"12th ASEAN-Japan Summit"', '"ASEAN Outlook on the Indo-Pacific"',
               "NEAR(maritime security, 3)", "cooperat* Japan", "defense OR Defence",
               '"peace and stability" -Taiwan']
    nspans = 0
    for q in queries:
        rc, out, err = run("--json", "--corpus", corpus, "-n", "1000", "--", q, index=index)
        check(rc == 0, f"{q}: exit {rc}: {err}")
        hits = [json.loads(l) for l in out.splitlines()]
        for h in hits:
            text = h["text"].encode()
            tm, sm = h["text_matches"], h["matches"]
            check(sm is not None and len(sm) == len(tm), f"{q}: {h['id']}: source matches {sm}")
            with open(os.path.join(corpus, h["doc"]), "rb") as f:
                src = f.read()
            prev = 0
            for (ts, te), (ss, se) in zip(tm, sm):
                check(prev <= ts < te <= len(text), f"{q}: spans sorted and disjoint: {tm}")
                prev = te
                want = re.sub(r"\s+", " ", text[ts:te].decode()).casefold()
                check(fold_source(src[ss:se]) == want,
                      f"{q}: source {src[ss:se]!r} is not the match {want!r}")
                nspans += 1
        # the terminal's marks, for paragraphs shown whole
        rc, out, err = run("--mark", "-n", "1000", "--", q, index=index)
        blocks = re.split(r"\n\n", out.strip())[1:]
        short = [h for h in hits if len(h["text"].encode()) <= 300]
        for h in short:
            want = [re.sub(r"\s+", " ", h["text"].encode()[a:b].decode()) for a, b in h["text_matches"]]
            block = blocks[h["rank"] - 1]
            check(marked(block.split("\n", 1)[1]) == want, f"{q}: --mark of {h['id']}: {block!r} vs {want}")
        # --html: the <mark>s of whole paragraphs
        rc, out, err = run("--html", "-n", "1000", "--", q, index=index)
        for h in short:
            li = re.search(r'data-id="%d".*?<blockquote class="ajsearch-text">(.*?)</blockquote>' % h["id"],
                           out, re.S)
            check(li, f"{q}: hit {h['id']} in --html")
            got = [html.unescape(x) for x in re.findall(r"<mark>(.*?)</mark>", li.group(1), re.S)]
            want = [h["text"].encode()[a:b].decode() for a, b in h["text_matches"]]
            check(got == want, f"{q}: --html of {h['id']}: {got} vs {want}")
    check(nspans > 150, f"only {nspans} spans")
    # phrases over a line break, markup and entities: the source bytes
    def source_matches(q):
        rc, out, err = run("--json", "--corpus", corpus, "-n", "100", "--", q, index=index)
        found = {}
        for h in map(json.loads, out.splitlines()):
            if h["doc"].startswith("zz-"):
                with open(os.path.join(corpus, h["doc"]), "rb") as f:
                    src = f.read()
                found[h["doc"]] = [src[s:e] for s, e in h["matches"]]
        return found
    seen = source_matches('"South China Sea"')
    check(seen == {"zz-wrapped.txt": [b"South\nChina Sea", b"South China\nSea"],
                   "zz-markup.md": [b"South China** Sea", b"South&nbsp;China Sea"]}, seen)
    seen = source_matches("rule of law")
    check(seen == {"zz-wrapped.txt": [b"rule", b"of", b"law", b"law"],
                   "zz-markup.md": [b"rule", b"of", b"law"]}, seen)



if __name__ == "__main__":
    main("e2e_highlight", globals())
