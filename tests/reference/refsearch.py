"""A naive, independent implementation of ajsearch's query language and
BM25, used to check the engine's answers.

It reads the paragraphs with `ajsearch dump --json` and their tokens with
`ajsearch analyze --json` (the analyzer is shared with the engine by
design), and then evaluates a query by scanning every paragraph: no index,
no skipping, no cleverness. Everything here follows the README's
description of the query language, written without looking at the engine's
query code.
"""
import json
import math
import subprocess


class QueryError(Exception):
    pass


class Corpus:
    def __init__(self, binary, index):
        self.binary = binary
        self.index = index
        out = self._run(["dump", "--json", "--index", index])
        self.paras = [json.loads(line) for line in out.splitlines()]
        texts = "".join(p["text"] + "\n" for p in self.paras)
        toks = self._run(["analyze", "--json"], texts).splitlines()
        assert len(toks) == len(self.paras), "one analyze line per paragraph"
        self.terms = []   # per paragraph: list of terms by position
        self.words = []   # per paragraph: list of unstemmed words by position
        for p, line in zip(self.paras, toks):
            arr = json.loads(line)
            assert [t["pos"] for t in arr] == list(range(len(arr)))
            assert len(arr) == p["len"], f"paragraph {p['id']}: len {p['len']} != {len(arr)} tokens"
            self.terms.append([t["term"] for t in arr])
            self.words.append([t["word"] for t in arr])
        self.n = len(self.paras)
        self.avgdl = sum(p["len"] for p in self.paras) / self.n if self.n else 0.0
        self._cache = {}

    def _run(self, args, stdin=None):
        p = subprocess.run([self.binary] + args, input=stdin, capture_output=True,
                           text=True, check=True)
        return p.stdout

    def analyze_many(self, texts):
        """Tokens ({term, word, ...}) of each text, through the shared analyzer."""
        todo = [t for t in set(texts) if t not in self._cache]
        if todo:
            # One text per line: query fragments never contain newlines.
            out = self._run(["analyze", "--json"], "".join(t + "\n" for t in todo))
            for t, line in zip(todo, out.splitlines()):
                self._cache[t] = json.loads(line)
        return [self._cache[t] for t in texts]


# ------------------------------------------------------------------ parsing

SPACE = " \t\n\r\f\v"


def lex(q):
    """Raw tokens: ("(",i) (")",i) ("NEG",i) ("PHRASE",text,i) ("WORD",text,i)."""
    toks = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c in SPACE:
            i += 1
        elif c in "()":
            toks.append((c, i))
            i += 1
        elif c == "-" and i + 1 < n and q[i + 1] not in SPACE:
            toks.append(("NEG", i))
            i += 1
        elif c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                raise QueryError(f"unterminated phrase at {i}")
            toks.append(("PHRASE", q[i + 1:j], i))
            i = j + 1
        else:
            j = i
            while j < n and q[j] not in SPACE and q[j] not in '()"':
                j += 1
            toks.append(("WORD", q[i:j], i))
            i = j
    return toks


class Parser:
    def __init__(self, corpus, q):
        self.corpus = corpus
        raw = lex(q)
        # Analyze every word and phrase in one batch.
        texts = []
        for t in raw:
            if t[0] == "PHRASE":
                texts.append(t[1])
            elif t[0] == "WORD" and t[1] not in ("AND", "OR", "NOT"):
                texts.append(t[1][:-1] if t[1].endswith("*") else t[1])
        analyzed = dict(zip(texts, corpus.analyze_many(texts))) if texts else {}
        self.toks = []
        for t in raw:
            if t[0] == "WORD" and t[1] in ("AND", "OR", "NOT"):
                self.toks.append((t[1], t[2]))
            elif t[0] == "WORD":
                w = t[1]
                if "*" in w[:-1]:
                    raise QueryError("'*' inside a word")
                if w.endswith("*"):
                    toks = analyzed[w[:-1]] if w[:-1] else []
                    if len(toks) != 1:
                        raise QueryError("prefix must be one word")
                    self.toks.append(("LEAF", ("prefix", toks[0]["word"]), t[2]))
                else:
                    leaf = make_leaf(analyzed[w])
                    if leaf:
                        self.toks.append(("LEAF", leaf, t[2]))
            elif t[0] == "PHRASE":
                if "*" in t[1]:
                    raise QueryError("'*' inside a phrase")
                leaf = make_leaf(analyzed[t[1]])
                if leaf:
                    self.toks.append(("LEAF", leaf, t[2]))
            else:
                self.toks.append(t)
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.toks[self.i][0] if self.i < len(self.toks) else "END"

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self):
        node = self.parse_or()
        if self.peek() != "END":
            raise QueryError("unexpected token")
        if node is None:
            raise QueryError("empty query")
        check_negation(node, False)
        return node

    def parse_or(self):
        kids = []
        first = self.parse_and()
        if first is None:
            if self.peek() == "OR":
                raise QueryError("OR needs a term before it")
            return None
        kids.append(first)
        while self.peek() == "OR":
            self.take()
            k = self.parse_and()
            if k is None:
                raise QueryError("OR needs a term after it")
            kids.append(k)
        return kids[0] if len(kids) == 1 else ("or", kids)

    def parse_and(self):
        kids = []
        while self.peek() not in ("END", ")", "OR"):
            if self.peek() == "AND":
                if not kids:
                    raise QueryError("AND needs a term before it")
                self.take()
                if self.peek() in ("END", ")", "OR", "AND"):
                    raise QueryError("AND needs a term after it")
            kids.append(self.parse_unary())
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else ("and", kids)

    def parse_unary(self):
        if self.peek() in ("NOT", "NEG"):
            self.take()
            if self.peek() in ("NOT", "NEG"):
                raise QueryError("double negation")
            if self.peek() not in ("LEAF", "("):
                raise QueryError("negation needs a term")
            return ("not", [self.parse_primary()])
        return self.parse_primary()

    def parse_primary(self):
        k = self.peek()
        if k == "LEAF":
            return self.take()[1]
        if k == "(":
            self.take()
            self.depth += 1
            if self.depth > 64:
                raise QueryError("too deep")
            node = self.parse_or()
            if self.peek() != ")":
                raise QueryError("unclosed (")
            if node is None:
                raise QueryError("empty ()")
            self.take()
            self.depth -= 1
            return node
        raise QueryError(f"expected a term, found {k}")


def make_leaf(tokens):
    terms = [t["term"] for t in tokens]
    if not terms:
        return None
    if len(terms) == 1:
        return ("term", terms[0])
    return ("phrase", terms)


def check_negation(node, parent_is_and):
    kind = node[0]
    if kind == "not" and not parent_is_and:
        raise QueryError("negation without a positive sibling")
    if kind == "and" and all(k[0] == "not" for k in node[1]):
        raise QueryError("only negated clauses")
    if kind in ("and", "or"):
        for k in node[1]:
            check_negation(k, kind == "and")
    elif kind == "not":
        check_negation(node[1][0], False)


# --------------------------------------------------------------- evaluation

def leaf_tf(corpus, leaf, pid):
    kind = leaf[0]
    terms = corpus.terms[pid]
    if kind == "term":
        return terms.count(leaf[1])
    if kind == "prefix":
        return sum(1 for w in corpus.words[pid] if w.startswith(leaf[1]))
    seq = leaf[1]
    m = len(seq)
    return sum(1 for p in range(len(terms) - m + 1) if terms[p:p + m] == seq)


def leaves(node):
    if node[0] in ("term", "phrase", "prefix"):
        yield node
    elif node[0] in ("and", "or", "not"):
        for k in node[1]:
            yield from leaves(k)


def search(corpus, query, k1=1.2, b=0.75):
    """[(score, id)] of every matching paragraph, best first."""
    root = Parser(corpus, query).parse()
    # tf of every leaf (by identity of its tuple content) in every paragraph
    tfs = {}
    for leaf in leaves(root):
        key = repr(leaf)
        if key not in tfs:
            tfs[key] = [leaf_tf(corpus, leaf, i) for i in range(corpus.n)]
    df = {key: sum(1 for x in v if x) for key, v in tfs.items()}

    def matches(node, i):
        kind = node[0]
        if kind in ("term", "phrase", "prefix"):
            return tfs[repr(node)][i] > 0
        if kind == "and":
            return all((not matches(k[1][0], i)) if k[0] == "not" else matches(k, i)
                       for k in node[1])
        if kind == "or":
            return any(matches(k, i) for k in node[1])
        raise AssertionError(kind)

    def score(node, i):
        if not matches(node, i):
            return 0.0
        kind = node[0]
        if kind in ("term", "phrase", "prefix"):
            key = repr(node)
            tf, d = tfs[key][i], df[key]
            idf = math.log(1 + (corpus.n - d + 0.5) / (d + 0.5))
            dl = corpus.paras[i]["len"]
            return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / corpus.avgdl))
        return sum(score(k, i) for k in node[1] if k[0] != "not")

    hits = [(score(root, i), i) for i in range(corpus.n) if matches(root, i)]
    hits.sort(key=lambda h: (-h[0], h[1]))
    return hits
