#!/usr/bin/env python3
"""refexpand: a second, naive implementation of ajsearch's query expansion
(README "Acronyms and compounds"), on top of refsearch.py's parser and
evaluation, to check what the engine answers with expansion on.

Like refsearch, it takes only data from the engine:

  * the paragraphs and their tokens (refsearch.Corpus: `dump --json` and
    `analyze --json`): the word dictionary is the set of the tokens'
    words, a word's df the number of paragraphs holding it, a term's df
    likewise, a term's postings the paragraphs holding it;
  * `ajsearch acronyms --json`: the mined definitions;
  * `ajsearch analyze --json` for any other text (a query's words, the
    halves of a word, the acronyms and long forms), since the analyzer is
    shared by indexing and querying by design;
  * the country table, read as data from src/analysis/country.c.

The rules are applied in the engine's documented order: first runs of
words in every AND (a long form spelled by consecutive words becomes its
acronym, else two neighbours glued), then every word or phrase on its own
(acronym -> long forms, phrase -> acronym, split, glued to the next word,
country forms, a phrase's damaged word split, a phrase's neighbours glued).
An alternative is OR-ed with its clause (under an OR it becomes a sibling),
so the evaluation is refsearch's.  `also` lists what the engine reports:
"QUERY TEXT = ALTERNATIVE" for each alternative that matches a paragraph,
each description once, the alternative as the corpus writes it.

    python3 tests/reference/refexpand.py --bin ./ajsearch --index index -- QUERY
prints the expanded tree and the "also" list;
    python3 tests/reference/refexpand.py --self-test
checks the rules on a toy corpus (no binary needed).
"""
import argparse
import bisect
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refsearch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The words a long form may have or lack, and that a split may not make
# of a word (unless the word looks damaged).
SMALL = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
MAX_ALTS = 64             # alternatives of one query
MAX_CLAUSES = 1024        # terms of a query, alternatives included
MAX_LONG_FORMS = 3        # long forms of one acronym
MAX_RUN = 12              # query words a long form may span
MAX_RUN_TERMS = 48
MIN_HALF = 3              # bytes of each half of a split
MIN_GLUE = 2              # bytes of each word glued to another
MAX_WORD = 64             # bytes of a word
SPLIT_MAX_DF = 10         # a word in more paragraphs than this and
SPLIT_SHARE = 1000        # than 1/1000 of them is not split
MAX_GLUED_DF = 2          # a "damaged" word: in at most this many paragraphs
MIN_TAIL_DF = 3           # the common half of a damaged word
MIN_TAIL = 4              # bytes of a word found glued after another
GLUED_SHARE = 20
MAX_SCAN = 256            # dictionary words looked at for words glued to the next
GLUED_CAP = 3
FORM_PARAS = 8            # paragraphs read for an alternative's written form
FORMS = 8                 # distinct written forms counted
FORM_BYTES = 256


def blen(s):
    return len(s.encode("utf-8"))


class TextLeaf(tuple):
    """A leaf of refsearch's tree that also keeps the query text it was
    written as (a word, or a quoted phrase with its quotes)."""

    def __new__(cls, leaf, text):
        obj = super().__new__(cls, leaf)
        obj.text = text
        return obj


class Node:
    """A mutable tree node: inner ("and", "or", "not") or a leaf."""

    def __init__(self, kind, kids=None, leaf=None, text=None, alt=False):
        self.kind, self.kids, self.leaf, self.text, self.alt = kind, kids or [], leaf, text, alt

    def terms(self):
        return [self.leaf[1]] if self.kind == "term" else list(self.leaf[1])


def to_nodes(t):
    if t[0] in ("and", "or"):
        return Node(t[0], [to_nodes(k) for k in t[1]])
    if t[0] == "not":
        return Node("not", [to_nodes(t[1])])
    return Node(t[0], leaf=tuple(t), text=getattr(t, "text", None))


def to_tree(n):
    if n.kind in ("and", "or"):
        return (n.kind, [to_tree(k) for k in n.kids])
    if n.kind == "not":
        return ("not", to_tree(n.kids[0]))
    return n.leaf


def count_terms(n):
    if n.kind in ("and", "or", "not"):
        return sum(count_terms(k) for k in n.kids)
    k = n.leaf[0]
    if k == "term" or k == "prefix":
        return 1
    if k == "phrase":
        return len(n.leaf[1])
    if k == "fuzzy":
        return 2                       # its word and its own term
    return sum(count_terms(Node(i[0], leaf=i)) for i in n.leaf[2])   # near


def country_table(path=os.path.join(ROOT, "src", "analysis", "country.c")):
    """The rows of src/analysis/country.c's table: lists of written forms."""
    with open(path, encoding="utf-8") as f:
        body = f.read().split("countries[][", 1)[1].split("};", 1)[0]
    return [re.findall(r'"([^"]*)"', row) for row in re.findall(r"\{([^{}]*)\}", body)]


class Acronym:
    def __init__(self, shown, long_shown, count, acr, lf):
        self.shown, self.long_shown, self.count = shown, long_shown, count
        self.key = " ".join(t["word"] for t in acr)
        self.acr_terms = [t["term"] for t in acr]
        self.lf_terms = [t["term"] for t in lf]
        self.content = [t["term"] for t in lf if t["word"] not in SMALL]

    def order(self):
        """Most frequent first, then by long form and acronym."""
        return (-self.count, self.long_shown, self.shown)


class Expander:
    def __init__(self, corpus, acronyms, countries, analyze_many):
        self.corpus = corpus
        self.analyze_many = analyze_many
        self.analyze = lambda t: analyze_many([t])[0]
        self.word_df, self.term_df, self.post = {}, {}, {}
        self.word_term = {}
        for pid, (words, terms) in enumerate(zip(corpus.words, corpus.terms)):
            for w in set(words):
                self.word_df[w] = self.word_df.get(w, 0) + 1
            for t in set(terms):
                self.term_df[t] = self.term_df.get(t, 0) + 1
                self.post.setdefault(t, []).append(pid)
            for w, t in zip(words, terms):
                self.word_term[w] = t
        self.sorted_words = sorted(self.word_df)
        texts = [a["acronym"] for a in acronyms] + [a["long_form"] for a in acronyms]
        texts += [f for row in countries for f in row]
        analyze_many(texts)
        self.acros = []
        for a in acronyms:
            acr, lf = self.analyze(a["acronym"]), self.analyze(a["long_form"])
            r = Acronym(a["acronym"], a["long_form"], a["count"], acr, lf)
            if acr and len(lf) >= 2 and r.content:
                self.acros.append(r)
        self.by_key = {}
        for r in self.acros:
            self.by_key.setdefault(r.key, []).append(r)
        for rs in self.by_key.values():
            rs.sort(key=Acronym.order)
        self.forms = []              # (row, written form, terms)
        for i, row in enumerate(countries):
            for f in row:
                self.forms.append((i, f, [t["term"] for t in self.analyze(f)]))
        self.term_cache = {}
        # Words glued to the next one are looked for among rare words: the
        # terms of their beginnings, asked of the analyzer at once.
        heads = []
        for g in self.sorted_words:
            if self.word_df[g] <= MAX_GLUED_DF:
                gb = g.encode("utf-8")
                heads += [gb[:p].decode("utf-8") for p in range(1, len(gb))
                          if not 0x80 <= gb[p] < 0xC0]
        self.terms_of(heads)

    # ---- the corpus

    def terms_of(self, words):
        todo = [w for w in words if w not in self.word_term and w not in self.term_cache]
        for w, toks in zip(todo, self.analyze_many(todo) if todo else []):
            self.term_cache[w] = toks[0]["term"] if len(toks) == 1 else None

    def term_of(self, word):
        """The term the analyzer makes of a folded word."""
        if word in self.word_term:
            return self.word_term[word]
        self.terms_of([word])
        return self.term_cache[word]

    def wdf(self, word):
        return self.word_df.get(word, 0) if 0 < blen(word) <= MAX_WORD else 0

    def tdf(self, term):
        return self.term_df.get(term, 0)

    def written(self, terms):
        """The most frequent written form of terms in sequence among the
        first FORM_PARAS paragraphs of the rarest one, or None."""
        if not terms or len(terms) > MAX_RUN * 4 or any(not self.tdf(t) for t in terms):
            return None
        rare = min(terms, key=self.tdf)          # the first of the rarest
        counts = {}
        n = len(terms)
        for pid in self.post[rare][:FORM_PARAS]:
            toks = self.corpus.tokens[pid]
            text = self.corpus.paragraphs[pid]["text"].encode("utf-8")
            for k in range(n - 1, len(toks)):
                if [t["term"] for t in toks[k - n + 1:k + 1]] != terms:
                    continue
                out = bytearray()
                for ch in text[toks[k - n + 1]["start"]:toks[k]["end"]]:
                    if len(out) + 1 >= FORM_BYTES:
                        break
                    if ch in b" \t\n\r":
                        if out and out[-1] != 0x20:
                            out.append(0x20)
                    else:
                        out.append(ch)
                form = bytes(out)
                if form in counts or len(counts) < FORMS:
                    counts[form] = counts.get(form, 0) + 1
        if not counts:
            return None
        best = max(counts.values())
        return next(f for f, c in counts.items() if c == best).decode("utf-8", "replace")

    def shown(self, terms):
        q = '"' if len(terms) > 1 else ""
        form = self.written(terms)
        if form is None:
            form = " ".join(self.written([t]) or t for t in terms)
        return q + form + q

    # ---- the rules' look-ups

    def glued(self, a, b):
        """The glued form of words a and b when the corpus has it."""
        if blen(a) < MIN_GLUE or blen(b) < MIN_GLUE or blen(a) + blen(b) > MAX_WORD:
            return None
        return a + b if self.wdf(a + b) else None

    def best_split(self, w, damaged):
        """The number of characters of the first half, or 0."""
        best, cut = 0, 0
        for i in range(1, len(w)):
            head, tail = w[:i], w[i:]
            sh, st = head in SMALL, tail in SMALL
            if (blen(head) < MIN_HALF and not sh) or (blen(tail) < MIN_HALF and not st):
                continue
            if (sh or st) and (not damaged or (sh and st)):
                continue
            d1 = self.wdf(head)
            d2 = self.wdf(tail) if d1 else 0
            if (sh or st) and (d2 if sh else d1) < MIN_TAIL_DF:
                continue
            if min(d1, d2) > best:
                best, cut = min(d1, d2), i
        return cut

    def glued_into(self, t, tdf):
        """Rare words that are a word with term t glued to a common word."""
        if tdf >= GLUED_SHARE * MAX_GLUED_DF:
            return []
        tb = t.encode("utf-8")
        out = []
        i = bisect.bisect_left(self.sorted_words, t)
        for g in self.sorted_words[i:i + MAX_SCAN]:
            gb = g.encode("utf-8")
            if len(out) >= GLUED_CAP or not gb.startswith(tb):
                break
            df = self.word_df[g]
            if df > MAX_GLUED_DF or len(gb) < len(tb) + MIN_HALF or tdf >= GLUED_SHARE * df:
                continue
            if self.term_of(g) == t:
                continue
            for p in range(len(tb), len(gb) - MIN_TAIL + 1):
                if 0x80 <= gb[p] < 0xC0:
                    continue
                if self.term_of(gb[:p].decode("utf-8")) != t:
                    continue
                if self.wdf(gb[p:].decode("utf-8")) < MIN_TAIL_DF:
                    continue
                out.append(g)
                break
        return out

    def find_long(self, ct):
        """The definition whose long form's content terms are ct, or start
        with ct (3 or more)."""
        if not ct:
            return None
        found = [r for r in self.acros if r.content[0] == ct[0] and len(ct) <= len(r.content)
                 and (len(ct) == len(r.content) or len(ct) >= 3)
                 and r.content[:len(ct)] == ct]
        return min(found, key=lambda r: (r.order(), r.key)) if found else None

    # ---- expansion

    def leaf_words(self, n):
        """[(word, term)] of a term or phrase leaf, [] when its text does not
        analyze back into its terms."""
        if n.kind not in ("term", "phrase") or n.text is None:
            return []
        # A quoted phrase's quotes separate nothing: analyzing its inside
        # gives the same tokens, and finds them among those analyzed already.
        quoted = len(n.text) >= 2 and n.text[0] == n.text[-1] == '"'
        toks = self.analyze(n.text[1:-1] if quoted else n.text)
        if [t["term"] for t in toks] != n.terms():
            return []
        return [(t["word"], t["term"]) for t in toks]

    def make(self, frm, terms, shown):
        if len(self.list) >= MAX_ALTS or len(terms) > self.budget:
            return None
        desc = f"{frm} = {shown}"
        seen = any(d == desc for d, _ in self.list)
        leaf = Node("phrase" if len(terms) > 1 else "term",
                    leaf=("phrase", tuple(terms)) if len(terms) > 1 else ("term", terms[0]),
                    alt=True)
        self.list.append((None if seen else desc, leaf))
        self.budget -= len(terms)
        return leaf

    def long_run(self, kids, ws, i):
        if not ws[i] or ws[i][0][0] in SMALL:
            return None
        ct, found = [], None
        for k in range(i, min(len(kids), i + MAX_RUN)):
            w = ws[k]
            if not w or len(ct) + len(w) > MAX_RUN_TERMS:
                break
            ct += [t for word, t in w if word not in SMALL]
            if k == i or w[-1][0] in SMALL:
                continue
            r = self.find_long(ct)
            if r and len(ct) >= 2:
                found = (k, r)
        return found

    def runs(self, n):
        """Runs of words in every AND; returns the node that replaces n."""
        if n.kind == "and":
            kids = n.kids
            ws = [self.leaf_words(k) for k in kids]
            i = 0
            while i < len(kids):
                if ws[i]:
                    leaf, j = None, None
                    found = self.long_run(kids, ws, i) if self.acros else None
                    frm = lambda j: " ".join(k.text for k in kids[i:j + 1])  # noqa: E731
                    if found:
                        j, r = found
                        leaf = self.make(frm(j), r.acr_terms, r.shown)
                    elif i + 1 < len(kids) and len(ws[i]) == 1 and len(ws[i + 1]) == 1:
                        j = i + 1
                        g = self.glued(ws[i][0][0], ws[j][0][0])
                        if g:
                            t = self.term_of(g)
                            leaf = self.make(frm(j), [t], self.shown([t]))
                    if leaf:
                        kids[i:j + 1] = [Node("or", [Node("and", kids[i:j + 1]), leaf])]
                        ws[i:j + 1] = [[]]
                i += 1
            for i, k in enumerate(kids):
                if not (k.kind == "or" and len(k.kids) == 2 and k.kids[1].alt):
                    kids[i] = self.runs(k)
            return kids[0] if len(kids) == 1 else n
        if n.kind in ("or", "not"):
            n.kids = [k if k.alt else self.runs(k) for k in n.kids]
        return n

    def leaf_alts(self, n, negated):
        w = self.leaf_words(n)
        out = []
        if not w:
            return out

        def add(frm, terms, shown):
            leaf = self.make(frm, terms, shown)
            if leaf:
                out.append(leaf)

        words, terms = [x[0] for x in w], [x[1] for x in w]
        if sum(1 for ch in n.text if "A" <= ch <= "Z") >= 2 and self.acros:
            for r in self.by_key.get(" ".join(words), [])[:MAX_LONG_FORMS]:
                add(n.text, r.lf_terms, f'"{r.long_shown}"')
        if n.kind == "phrase" and self.acros:
            ct = [t for word, t in w if word not in SMALL]
            r = self.find_long(ct) if len(ct) >= 2 else None
            if r:
                add(n.text, r.acr_terms, r.shown)
        tdf = self.tdf(terms[0]) if n.kind == "term" else 0
        if n.kind == "term" and (tdf <= SPLIT_MAX_DF or tdf <= self.corpus.n // SPLIT_SHARE):
            wd = words[0]
            # a number is not split, but the later rules still apply to it
            cut = 0 if wd[0] in "0123456789" else self.best_split(wd, tdf <= MAX_GLUED_DF)
            if cut:
                ts = [self.term_of(wd[:cut]), self.term_of(wd[cut:])]
                add(n.text, ts, self.shown(ts))
        if n.kind == "term" and blen(words[0]) >= 4:
            for g in self.glued_into(terms[0], tdf):
                t = [self.term_of(g)]
                add(n.text, t, self.shown(t))
        if n.kind == "term" and not negated:    # an adjective is another word
            self.country(n, terms[0], out)
        for i, wd in enumerate(words if n.kind == "phrase" else []):
            if wd[0] in "0123456789" or self.wdf(wd) > MAX_GLUED_DF:
                continue
            cut = self.best_split(wd, True)
            if cut:
                ts = terms[:i] + [self.term_of(wd[:cut]), self.term_of(wd[cut:])] + terms[i + 1:]
                add(n.text, ts, self.shown(ts))
        for i in range(len(words) - 1 if n.kind == "phrase" else 0):
            g = self.glued(words[i], words[i + 1])
            if g:
                ts = terms[:i] + [self.term_of(g)] + terms[i + 2:]
                add(n.text, ts, self.shown(ts))
        return out

    def country(self, n, t, out):
        row = next((r for r, _, ts in self.forms if ts == [t]), None)
        if row is None:
            return
        for r, form, ts in self.forms:
            if r != row or not ts or ts == [t]:
                continue
            if any(a.terms() == ts for a in out) or any(not self.tdf(x) for x in ts):
                continue
            leaf = self.make(n.text, ts, f'"{form}"' if len(ts) > 1 else form)
            if leaf:
                out.append(leaf)

    def leaves(self, n, siblings=None, negated=False):
        """Every word or phrase leaf with its alternatives."""
        if n.kind in ("term", "phrase"):
            if n.alt:
                return n
            alts = self.leaf_alts(n, negated)
            if siblings is not None:
                siblings += alts
                return n
            return Node("or", [n] + alts) if alts else n
        if n.kind in ("and", "or", "not"):
            more = []
            n.kids = [self.leaves(k, more if n.kind == "or" else None, negated or n.kind == "not")
                      for k in n.kids]
            n.kids += more
        return n

    def expand(self, tree):
        """(the expanded tree, [(description or None, alternative leaf)])."""
        self.list = []
        root = to_nodes(tree)
        self.budget = max(0, MAX_CLAUSES - count_terms(root))
        root = self.leaves(self.runs(root))
        return to_tree(root), [(d, to_tree(leaf)) for d, leaf in self.list]

    def parse(self, query):
        """refsearch's tree of the query, its word and phrase leaves
        knowing their text."""
        tokens = refsearch.lex(query)
        texts = {}
        for tok in tokens:
            if tok[0] == "word":
                texts[tok[2]] = tok[1]
            elif tok[0] == "quoted":
                texts[tok[2]] = '"' + tok[1] + '"'
        resolved = [("leaf", TextLeaf(t[1], texts.get(t[2])), t[2])
                    if t[0] == "leaf" and t[1][0] in ("term", "phrase") else t
                    for t in refsearch.resolve(tokens, self.analyze)]
        tree = refsearch.Parser(resolved).parse()
        refsearch.check_negations(tree)
        return tree


def search(corpus, expander, query, k1=refsearch.DEFAULT_K1, b=refsearch.DEFAULT_B):
    """(hits as refsearch.search gives them, the "also" list)."""
    result = {}

    def parse_expanded(q):
        tree, alts = expander.expand(expander.parse(q))
        result["also"] = [d for d, leaf in alts if d and refsearch.leaf_stats(corpus, leaf)[1]]
        return tree

    hits = refsearch.search(corpus, query, k1, b, parse_fn=parse_expanded)
    return hits, result["also"]


def load(binary, index, corpus):
    """An Expander over the index's acronyms and the country table."""
    proc = subprocess.run([binary, "acronyms", "--json", "--index", index],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise refsearch.SetupError(f"acronyms --json: {proc.stderr.decode().strip()}")
    acronyms = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    return Expander(corpus, acronyms, country_table(), corpus.analyzer.analyze_many)


def queries(corpus, expander, seed, count=None):
    """Queries that set off every rule, from the corpus's own words: each
    acronym (as written and in lower case) and long form (juxtaposed,
    quoted, without small words, its first 3 content words), rare words
    and their halves, neighbours whose concatenation is a word, words
    glued to the next one, the country table (count of them at most, drawn
    with the seed), and each of these again inside AND, OR or NOT with
    another word."""
    import random
    rnd = random.Random(seed)
    out = []
    for r in expander.acros:
        out += [r.shown, r.shown.lower(), r.long_shown, '"' + r.long_shown + '"',
                " ".join(w for w in r.long_shown.split() if w.lower() not in SMALL)]
        words = [w for w in r.long_shown.split() if w.lower() not in SMALL]
        if len(words) > 3:
            out.append(" ".join(words[:3]))
    rare = [w for w in expander.sorted_words if expander.word_df[w] <= SPLIT_MAX_DF
            and not w[0].isdigit()]
    for w in rare:
        if expander.best_split(w, expander.word_df[w] <= MAX_GLUED_DF):
            cut = expander.best_split(w, expander.word_df[w] <= MAX_GLUED_DF)
            out += [w, w.upper(), f"{w[:cut]} {w[cut:]}", f'"{w[:cut]} {w[cut:]}"',
                    f"{w[:cut]}-{w[cut:]}"]
    for toks in corpus.tokens:
        for a, b in zip(toks, toks[1:]):
            if expander.glued(a["word"], b["word"]):
                out += [f"{a['word']} {b['word']}", f'"{a["word"]} {b["word"]}"']
    for w in expander.sorted_words:
        if 4 <= blen(w) and expander.glued_into(expander.term_of(w), expander.tdf(expander.term_of(w))):
            out.append(w)
    for row in country_table():
        out += row + [f.lower() for f in row]
    out = list(dict.fromkeys(out))
    if count is not None and len(out) > count:
        out = rnd.sample(out, count)
    plain = [w for w in expander.sorted_words if expander.word_df[w] >= 3 and w.isalpha()]
    mixed = []
    for q in out:
        other = rnd.choice(plain)
        kind = rnd.randrange(5)
        mixed.append([f"{q} {other}", f"{other} OR {q}", f"{other} -({q})",
                      f"({q}) OR ({other} {q})", f"{q} AND NOT {other}"][kind])
    return [q for q in out + mixed if '"' not in q[1:-1] or q.count('"') % 2 == 0]


# ---------------------------------------------------------------- self test

def self_test():
    """The rules on a toy corpus and analyzer (lower-case runs of letters or
    digits; the term drops a final 's')."""
    def analyze(text):
        out = []
        for m in re.finditer(rb"[A-Za-z]+|[0-9]+", text.encode("utf-8")):
            word = m.group().decode().lower()
            term = word[:-1] if len(word) > 1 and word.endswith("s") else word
            out.append({"term": term, "word": word, "pos": len(out),
                        "start": m.start(), "end": m.end()})
        return out

    class Toy:
        def analyze(self, text):
            return analyze(text)

        def analyze_many(self, texts):
            return [analyze(t) for t in texts]

    texts = ["Cybersecurity training", "cyber security talks", "Korean Peninsula peace",
             "The Code of Conduct in the South China Sea (COC) talks", "Mekong Japan",
             "MekongJapan ministers", "Japan plans", "Japan again", "japan more"]
    paras = [{"id": i, "doc": "d", "title": "t", "para": i + 1, "label": None, "start": 0,
              "end": len(t), "len": len(analyze(t)), "text": t} for i, t in enumerate(texts)]
    corpus = refsearch.Corpus(paras, [analyze(t) for t in texts], Toy())
    acr = [{"acronym": "COC", "long_form": "Code of Conduct in the South China Sea", "count": 1}]
    x = Expander(corpus, acr, [["Korea", "Korean"]], Toy().analyze_many)

    def check(query, tree, also):
        got_tree, alts = x.expand(x.parse(query))
        got_also = [d for d, _ in alts if d]
        assert refsearch.show(got_tree) == tree, (query, refsearch.show(got_tree))
        assert got_also == also, (query, got_also)

    check("COC", 'OR(coc, "code of conduct in the south china sea")',
          ['COC = "Code of Conduct in the South China Sea"'])
    check("coc", "coc", [])
    check("code conduct south", "OR(AND(code, conduct, south), coc)", ["code conduct south = COC"])
    check("cybersecurity", 'OR(cybersecurity, "cyber security")',
          ['cybersecurity = "cyber security"'])
    check("cyber security", "OR(AND(cyber, security), cybersecurity)",
          ["cyber security = Cybersecurity"])
    check("Mekong", "OR(mekong, mekongjapan)", ["Mekong = MekongJapan"])
    check("korea", "OR(korea, korean)", ["korea = Korean"])
    check('"Korean Peninsula"', '"korean peninsula"', [])
    check("peace -korea", "AND(peace, NOT(korea))", [])
    check("peace OR cybersecurity", 'OR(peace, cybersecurity, "cyber security")',
          ['cybersecurity = "cyber security"'])
    hits, also = search(corpus, x, "korea")
    assert [pid for _, pid in hits] == [2] and also == ["korea = Korean"], (hits, also)
    print("refexpand self test: ok")


def main(argv=None):
    ap = argparse.ArgumentParser(description="The reference's expansion of a query.")
    ap.add_argument("--bin", default="./ajsearch")
    ap.add_argument("--index", default="index")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("query", nargs="*")
    a = ap.parse_args(argv)
    if a.self_test:
        self_test()
        return 0
    corpus = refsearch.Corpus.load(a.bin, a.index)
    x = load(a.bin, a.index, corpus)
    tree, alts = x.expand(x.parse(" ".join(a.query)))
    print(refsearch.show(tree))
    for d, leaf in alts:
        print(f"  {d!r}: {refsearch.show(leaf)} df {refsearch.leaf_stats(corpus, leaf)[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
