#!/usr/bin/env python3
"""refsearch: a deliberately naive second implementation of ajsearch's
query language and BM25 ranking, used to check the engine's answers.

Nothing here looks at the engine's query code.  The only things taken from
the engine are its *data*:

  * `ajsearch dump --json`     every paragraph: id, text, length (dl), ...
  * `ajsearch analyze --json`  the tokens of a text (the analyzer is shared
                               by indexing and querying by design)

Evaluating a query scans every token of every paragraph: no index, no
skipping, no pruning.  The code favours being obviously right over being
fast.

As a command:

    python3 tests/reference/refsearch.py --bin ./ajsearch --index index [--k1 X] [--b X] [--tree] -- QUERY...

prints the expected hits as JSON Lines {"rank","score","id","doc","para","text"}
and exits like `ajsearch search`: 0 with hits, 1 without, 2 on a bad query.
"""
import argparse
import json
import math
import subprocess
import sys
import unicodedata

WHITESPACE = " \t\n\r\f\v"
OPERATORS = ("AND", "OR", "NOT")
# README "Query language": every double quotation mark delimits as '"' does
# and any of them closes a phrase any of them opened; single marks open
# (SINGLE_OPEN) before a letter or digit at the start of a token and close
# (SINGLE_CLOSE) after a non-space, when no letter or digit follows.
DOUBLE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
SINGLE_OPEN = "\u2018\u201a"
SINGLE_CLOSE = "\u2019\u2018"
MAX_DEPTH = 64          # the README's limit on nested parentheses
NEAR_DEFAULT = 10       # NEAR without a distance
NEAR_MAX = 1000         # the largest distance NEAR accepts
FUZZY_WEIGHT = {0: 1.0, 1: 0.5, 2: 0.25}   # score factor by number of edits

DEFAULT_K1 = 1.2
DEFAULT_B = 0.75


class QueryError(Exception):
    """The query is invalid: the engine must answer it with exit status 2."""


class SetupError(Exception):
    """The engine's dump/analyze output could not be read or is inconsistent."""


# --------------------------------------------------------------- the analyzer

class Analyzer:
    """Tokens of texts, from `ajsearch analyze --json`, remembered per text.

    Each token is a dict {"term","word","pos","start","end"}.  Many texts are
    sent through one process (stdin mode: one text per line)."""

    def __init__(self, binary):
        self.binary = binary
        self.cache = {}

    def _run(self, args, stdin_text):
        try:
            proc = subprocess.run([self.binary] + args, input=stdin_text.encode("utf-8"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            raise SetupError(f"cannot run {self.binary}: {e}")
        if proc.returncode != 0:
            raise SetupError(f"`{self.binary} {' '.join(args)}` exited with {proc.returncode}: "
                             f"{proc.stderr.decode('utf-8', 'replace').strip()}")
        return proc.stdout.decode("utf-8")

    def analyze_many(self, texts):
        """A list of token lists, one per text (in order)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        by_line = [t for t in todo if "\n" not in t and "\r" not in t]
        by_arg = [t for t in todo if t not in by_line]
        if by_line:
            out = self._run(["analyze", "--json"], "".join(t + "\n" for t in by_line))
            lines = out.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            if len(lines) != len(by_line):
                raise SetupError(f"analyze printed {len(lines)} lines for {len(by_line)} texts")
            for t, line in zip(by_line, lines):
                self.cache[t] = json.loads(line)
        for t in by_arg:  # a text holding a line break cannot go through stdin
            out = self._run(["analyze", "--json", "--", t], "")
            self.cache[t] = json.loads(out.split("\n")[0])
        return [self.cache[t] for t in texts]

    def analyze(self, text):
        return self.analyze_many([text])[0]


# ---------------------------------------------------------------- the corpus

def is_chrome(p):
    """Page chrome (README "Corpus and paragraphs"): the dump's kind says."""
    return p.get("kind", "body").startswith("chrome")


class Corpus:
    """The paragraphs, each as the list of its terms and of its words by
    position, with its length.  `analyzer` has a method analyze(text) ->
    tokens (an Analyzer, or a stand-in in the self test).

    The paragraphs searched are those a search sees: all of them with
    chrome=True (`ajsearch --chrome`), else all but page chrome, which is
    then neither matched nor counted in N, df and avgdl."""

    def __init__(self, paragraphs, token_lists, analyzer, chrome=False):
        self.paragraphs = paragraphs          # dicts from `dump --json`, by id
        self.analyzer = analyzer
        self.tokens = token_lists             # tokens[id]: analyze output
        self.terms = []                       # terms[id][pos]
        self.words = []                       # words[id][pos]
        for i, (p, toks) in enumerate(zip(paragraphs, token_lists)):
            if p["id"] != i:
                raise SetupError(f"dump: paragraph number {i} has id {p['id']}")
            if [t["pos"] for t in toks] != list(range(len(toks))):
                raise SetupError(f"paragraph {i}: positions are not 0..{len(toks) - 1}")
            if len(toks) != p["len"]:
                raise SetupError(f"paragraph {i}: dump says len {p['len']} but its text "
                                 f"analyzes to {len(toks)} tokens")
            self.terms.append([t["term"] for t in toks])
            self.words.append([t["word"] for t in toks])
        self.searched = [i for i, p in enumerate(paragraphs) if chrome or not is_chrome(p)]
        self.n = len(self.searched)
        self.total_len = sum(paragraphs[i]["len"] for i in self.searched)
        self.avgdl = self.total_len / self.n if self.n else 0.0
        self.tf_cache = {}

    @classmethod
    def load(cls, binary, index, chrome=False):
        """Reads `dump --json` and analyzes every paragraph text in one process."""
        analyzer = Analyzer(binary)
        out = analyzer._run(["dump", "--json", "--index", index], "")
        paragraphs = [json.loads(line) for line in out.split("\n") if line.strip()]
        for p in paragraphs:
            if "\n" in p["text"] or "\r" in p["text"]:
                raise SetupError(f"paragraph {p['id']}: text holds a line break")
        texts = [p["text"] for p in paragraphs]
        # Not through the cache: paragraph texts are not query words.
        out = analyzer._run(["analyze", "--json"], "".join(t + "\n" for t in texts))
        lines = out.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(texts):
            raise SetupError(f"analyze printed {len(lines)} lines for {len(texts)} paragraphs")
        token_lists = [json.loads(line) for line in lines]
        return cls(paragraphs, token_lists, analyzer, chrome)


# ------------------------------------------------------------------- parsing
#
# Stage 1 (lex) cuts the query into tokens:
#   ("(", pos) (")", pos) ("-", pos) ("AND"|"OR"|"NOT", pos)
#   ("word", text, pos) ("quoted", text, pos)
# Stage 2 (resolve) analyzes words and quoted texts into leaves:
#   ("leaf", leaf, pos), dropping the ones with no token.
# Stage 3 (Parser) builds the tree by recursive descent:
#   ("term", t)  ("phrase", (t1, t2, ...))  ("prefix", w)
#   ("and", [kids])  ("or", [kids])  ("not", kid)
# Stage 4 (check_negations) enforces "a NOT needs a positive AND sibling".

def is_word_char(c):
    return unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")


def single_close(query, i):
    """When query[i] opens a phrase with a single mark, the index of its
    closing mark, else -1."""
    n = len(query)
    if query[i] not in SINGLE_OPEN or i + 1 >= n or not is_word_char(query[i + 1]):
        return -1
    for j in range(i + 2, n):
        if query[j] in SINGLE_CLOSE and query[j - 1] not in WHITESPACE and \
                not (j + 1 < n and is_word_char(query[j + 1])):
            return j
    return -1


def opens_phrase(query, i):
    return query[i] in DOUBLE_MARKS or single_close(query, i) >= 0


def check_dash(query, i):
    """A run of '-' at i followed by a space, ')' or the end negates
    nothing: an error, never dropped."""
    j = i
    while j < len(query) and query[j] == "-":
        j += 1
    if j == len(query) or query[j] in WHITESPACE or query[j] == ")":
        raise QueryError(f"char {i}: '-' stands alone")


def lex(query):
    tokens = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c in WHITESPACE:
            i += 1
        elif c in "()":
            tokens.append((c, i))
            i += 1
        elif opens_phrase(query, i):
            tok, i = lex_quoted(query, i)
            tokens.append(tok)
        elif c == "-":
            # A dash at the start of a token, directly attached to what follows.
            check_dash(query, i)
            tokens.append(("-", i))
            i += 1
        else:
            j = i
            while j < n and query[j] not in WHITESPACE and query[j] not in "()" + DOUBLE_MARKS:
                j += 1
            text = query[i:j]
            if text == "NEAR" and j < n and query[j] == "(":
                tok, i = lex_near_group(query, i, j)
                tokens.append(tok)
                continue
            if text == "NEAR" or text.startswith("NEAR/"):
                distance = NEAR_DEFAULT
                if text != "NEAR":
                    digits = text[5:]
                    if not digits or not digits.isdigit() or not digits.isascii():
                        raise QueryError(f"char {i}: NEAR/ needs a whole number")
                    distance = int(digits)
                    if distance > NEAR_MAX:
                        raise QueryError(f"char {i}: NEAR distance above {NEAR_MAX}")
                tokens.append(("NEAR", distance, i))
            elif text in OPERATORS:
                tokens.append((text, i))
            else:
                tokens.append(("word", text, i))
            i = j
    return tokens


def lex_quoted(query, i):
    """The quoted text whose opening mark is at i: (token, index after it)."""
    if query[i] in DOUBLE_MARKS:
        close = next((j for j in range(i + 1, len(query)) if query[j] in DOUBLE_MARKS), -1)
    else:
        close = single_close(query, i)
    if close < 0:
        raise QueryError(f"char {i}: unterminated quoted phrase")
    return ("quoted", query[i + 1:close], i), close + 1


def lex_near_group(query, start, open_at):
    """NEAR( item ... [, N] ) with its '(' at open_at: (token, next index).
    The token is ("neargroup", [word and quoted tokens], N, start)."""
    i, n = open_at + 1, len(query)
    items, distance = [], NEAR_DEFAULT
    while True:
        while i < n and query[i] in WHITESPACE:
            i += 1
        if i >= n:
            raise QueryError(f"char {open_at}: 'NEAR(' is never closed")
        c = query[i]
        if c == ")":
            i += 1
            break
        if c == ",":
            i += 1
            while i < n and query[i] in WHITESPACE:
                i += 1
            j = i
            while j < n and query[j] in "0123456789":
                j += 1
            if j == i:
                raise QueryError(f"char {i}: NEAR needs a number after ','")
            distance = int(query[i:j])
            if distance > NEAR_MAX:
                raise QueryError(f"char {i}: NEAR distance above {NEAR_MAX}")
            i = j
            while i < n and query[i] in WHITESPACE:
                i += 1
            if i >= n:
                raise QueryError(f"char {open_at}: 'NEAR(' is never closed")
            if query[i] != ")":
                raise QueryError(f"char {i}: expected ')' after the NEAR distance")
            i += 1
            break
        if opens_phrase(query, i):
            tok, i = lex_quoted(query, i)
            items.append(tok)
        elif c == "(":
            raise QueryError(f"char {i}: NEAR( ) takes no groups")
        else:
            if c == "-":
                check_dash(query, i)
            j = i
            while j < n and query[j] not in WHITESPACE and query[j] not in "()," + DOUBLE_MARKS:
                j += 1
            text = query[i:j]
            if text in OPERATORS or text == "NEAR" or text.startswith("NEAR/") or \
                    (text.startswith("-") and len(text) > 1):
                raise QueryError(f"char {i}: NEAR( ) takes no operators")
            items.append(("word", text, i))
            i = j
    return ("neargroup", items, distance, start), i


def fuzzy_suffix(text):
    """For "word~", "word~1", "word~2": (base, edits); None when text is no
    typo-tolerant word; QueryError for "word~0", "word~3", "word~12"."""
    t = text.rfind("~")
    if t <= 0:
        return None
    digits = text[t + 1:]
    if digits and not (digits.isdigit() and digits.isascii()):
        return None
    if digits not in ("", "1", "2"):
        raise QueryError("'~' allows 1 or 2 edits")
    return text[:t], int(digits or "1")


def fuzzy_cap(word):
    """The most edits a word may be matched with (by its length)."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def texts_to_analyze(query):
    """The texts resolve() will analyze for this query (to batch analysis);
    [] for a query that does not even lex."""
    try:
        tokens = lex(query)
    except QueryError:
        return []
    out = []
    for tok in tokens:
        for t in (tok[1] if tok[0] == "neargroup" else [tok]):
            if t[0] == "quoted":
                out.append(t[1])
            elif t[0] == "word":
                text = t[1][:-1] if t[1].endswith("*") else t[1]
                try:
                    fz = fuzzy_suffix(text)
                except QueryError:
                    fz = None
                out.append(fz[0] if fz else text)
    return out


def leaf_from_tokens(tokens):
    """0 tokens: None (dropped); 1: a term; 2 or more: a phrase."""
    if not tokens:
        return None
    if len(tokens) == 1:
        return ("term", tokens[0]["term"])
    return ("phrase", tuple(t["term"] for t in tokens))


def word_leaf(text, pos, analyze):
    """The leaf of a word as written (None when it has no token)."""
    if "*" in text[:-1]:
        raise QueryError(f"char {pos}: '*' is only allowed at the end of a word")
    if text.endswith("*"):
        toks = analyze(text[:-1]) if text[:-1] else []
        if len(toks) != 1:
            raise QueryError(f"char {pos}: a prefix must be exactly one word")
        return ("prefix", toks[0]["word"])
    fz = fuzzy_suffix(text)
    if fz:
        toks = analyze(fz[0])
        if len(toks) != 1:
            raise QueryError(f"char {pos}: a typo-tolerant word must be exactly one word")
        word = toks[0]["word"]
        return ("fuzzy", word, toks[0]["term"], min(fz[1], fuzzy_cap(word)))
    return leaf_from_tokens(analyze(text))


def quoted_leaf(text, pos, analyze):
    if "*" in text:
        raise QueryError(f"char {pos}: '*' inside a phrase")
    return leaf_from_tokens(analyze(text))


def resolve(tokens, analyze):
    out = []
    for tok in tokens:
        kind = tok[0]
        if kind == "word":
            leaf = word_leaf(tok[1], tok[2], analyze)
            pos = tok[2]
        elif kind == "quoted":
            leaf = quoted_leaf(tok[1], tok[2], analyze)
            pos = tok[2]
        elif kind == "neargroup":
            items = []
            for t in tok[1]:
                item = (word_leaf if t[0] == "word" else quoted_leaf)(t[1], t[2], analyze)
                if item is not None:
                    items.append(item)
            pos = tok[3]
            if len(items) < 2:
                raise QueryError(f"char {pos}: NEAR needs at least two items")
            leaf = ("near", tok[2], tuple(items))
        else:
            out.append(tok)
            continue
        if leaf is not None:
            out.append(("leaf", leaf, pos))
        elif out and out[-1][0] == "-":
            # The dash was attached to something that holds nothing to search
            # for ("-&"): the two are ignored together, like the word alone.
            out.pop()
        # else: the word is ignored entirely
    return out


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else "end"

    def where(self):
        return f"char {self.tokens[self.i][-1]}" if self.i < len(self.tokens) else "end"

    def take(self):
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self):
        if self.peek() == "end":
            raise QueryError("empty query")
        node = self.parse_or()
        if self.peek() != "end":
            raise QueryError(f"{self.where()}: unexpected {self.peek()!r}")
        return node

    # or := and ('OR' and)*
    def parse_or(self):
        kids = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            kids.append(self.parse_and())
        return kids[0] if len(kids) == 1 else ("or", kids)

    # and := unary (['AND'] unary)*
    def parse_and(self):
        kids = [self.parse_unary()]
        while True:
            if self.peek() == "AND":
                self.take()
                kids.append(self.parse_unary())
            elif self.peek() in ("leaf", "(", "-", "NOT"):
                kids.append(self.parse_unary())
            else:
                break
        return kids[0] if len(kids) == 1 else ("and", kids)

    # unary := 'NOT' unary | '-' primary | primary
    def parse_unary(self):
        if self.peek() == "NOT":
            self.take()
            return ("not", self.parse_unary())
        if self.peek() == "-":
            self.take()
            return ("not", self.parse_primary())
        return self.parse_primary()

    # primary := '(' or ')' | leaf
    def parse_primary(self):
        kind = self.peek()
        if kind == "leaf":
            leaf = self.take()[1]
            if self.peek() != "NEAR":
                return leaf
            if leaf[0] == "near":
                raise QueryError(f"{self.where()}: NEAR( ) cannot be an item of NEAR")
            items, distance = [leaf], self.tokens[self.i][1]
            while self.peek() == "NEAR":
                op = self.take()
                if op[1] != distance:
                    raise QueryError(f"char {op[2]}: a chain of NEARs needs one distance")
                if self.peek() != "leaf" or self.tokens[self.i][1][0] == "near":
                    raise QueryError(f"char {op[2]}: NEAR needs a word after it")
                items.append(self.take()[1])
            return ("near", distance, tuple(items))
        if kind == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"more than {MAX_DEPTH} levels of parentheses")
            if self.peek() == ")":
                raise QueryError(f"{self.where()}: nothing to search for inside '( )'")
            node = self.parse_or()
            if self.peek() != ")":
                raise QueryError(f"{self.where()}: '(' is never closed")
            self.take()
            self.depth -= 1
            return node
        raise QueryError(f"{self.where()}: expected a word, phrase or '(', found {kind!r}")


def check_negations(node, parent=None):
    """Every NOT must be a child of an AND that has a child which is not a NOT."""
    kind = node[0]
    if kind == "not":
        if parent is None or parent[0] != "and" or all(k[0] == "not" for k in parent[1]):
            raise QueryError("a negation must be combined by AND with a positive clause")
        check_negations(node[1], node)
    elif kind in ("and", "or"):
        for kid in node[1]:
            check_negations(kid, node)


def parse(query, analyze):
    """The query's tree, or QueryError."""
    tree = Parser(resolve(lex(query), analyze)).parse()
    check_negations(tree)
    return tree


def show(node):
    """A compact, unambiguous text form of a tree (for messages and tests)."""
    kind = node[0]
    if kind == "term":
        return node[1]
    if kind == "phrase":
        return '"' + " ".join(node[1]) + '"'
    if kind == "prefix":
        return node[1] + "*"
    if kind == "fuzzy":
        return f"{node[1]}~{node[3]}"
    if kind == "near":
        return f"NEAR/{node[1]}(" + ", ".join(show(k) for k in node[2]) + ")"
    if kind == "not":
        return "NOT(" + show(node[1]) + ")"
    return kind.upper() + "(" + ", ".join(show(k) for k in node[1]) + ")"


# ---------------------------------------------------------------- evaluation

def osa(a, b):
    """Optimal string alignment distance, the whole table."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def word_terms(corpus):
    """Every folded word of the corpus with its term."""
    if not hasattr(corpus, "word_term"):
        corpus.word_term = {}
        for words, terms in zip(corpus.words, corpus.terms):
            for w, t in zip(words, terms):
                corpus.word_term[w] = t
    return corpus.word_term


def fuzzy_terms(corpus, leaf):
    """{term: fewest edits} of a typo-tolerant word: its own term at 0 and
    the term of every corpus word within its edits (remembered)."""
    key = ("fuzzy terms", leaf)
    if key not in corpus.tf_cache:
        corpus.tf_cache[key] = compute_fuzzy_terms(corpus, leaf)
    return corpus.tf_cache[key]


def compute_fuzzy_terms(corpus, leaf):
    _, word, own, k = leaf
    out = {own: 0}
    for w, t in word_terms(corpus).items():
        if abs(len(w) - len(word)) <= k:
            d = osa(word, w)
            if d <= k and d < out.get(t, 99):
                out[t] = d
    return out


def item_starts(corpus, item, pid):
    """(start positions, length) of a NEAR item in one paragraph.  A prefix
    or typo-tolerant word stands for the terms of the words it matches."""
    terms = corpus.terms[pid]
    kind = item[0]
    if kind == "term":
        return [p for p, t in enumerate(terms) if t == item[1]], 1
    if kind == "phrase":
        m = len(item[1])
        return [p for p in range(len(terms) - m + 1) if tuple(terms[p:p + m]) == item[1]], m
    if kind == "prefix":
        key = ("prefix terms", item)
        if key not in corpus.tf_cache:
            corpus.tf_cache[key] = {t for w, t in word_terms(corpus).items()
                                    if w.startswith(item[1])}
        want = corpus.tf_cache[key]
    else:
        want = fuzzy_terms(corpus, item)
    return [p for p, t in enumerate(terms) if t in want], 1


def near_tf(corpus, leaf, pid):
    """Start positions s of an item such that, taking each item's first
    occurrence starting at s or later, the window from s to the last
    position they cover is at most N + (total length of the items) wide."""
    _, distance, items = leaf
    occ = [item_starts(corpus, it, pid) for it in items]
    width = distance + sum(m for _, m in occ)
    starts = sorted({p for ps, _ in occ for p in ps})
    tf = 0
    for s in starts:
        chosen = []
        for ps, m in occ:
            later = [p for p in ps if p >= s]
            if not later:
                break
            chosen.append(min(later) + m - 1)
        else:
            if max(chosen) - s + 1 <= width:
                tf += 1
    return tf


def count_in_paragraph(corpus, leaf, pid):
    """tf of a leaf in one paragraph, by looking at every position.  For a
    typo-tolerant word: the tuple of tfs of its terms 0, 1 and 2 edits away."""
    kind = leaf[0]
    if kind == "near":
        return near_tf(corpus, leaf, pid)
    if kind == "fuzzy":
        dist = fuzzy_terms(corpus, leaf)
        tfs = [0, 0, 0]
        for t in corpus.terms[pid]:
            if t in dist:
                tfs[dist[t]] += 1
        return tuple(tfs) if any(tfs) else 0
    if kind == "term":
        return sum(1 for t in corpus.terms[pid] if t == leaf[1])
    if kind == "prefix":
        return sum(1 for w in corpus.words[pid] if w.startswith(leaf[1]))
    if kind == "phrase":
        terms, phrase = corpus.terms[pid], list(leaf[1])
        m = len(phrase)
        return sum(1 for p in range(len(terms) - m + 1) if terms[p:p + m] == phrase)
    raise AssertionError(leaf)


def leaf_stats(corpus, leaf):
    """(tf in every paragraph, df) of a leaf; remembered, as leaves repeat."""
    key = ("stats", leaf)
    if key not in corpus.tf_cache:
        tfs = [count_in_paragraph(corpus, leaf, pid) for pid in range(len(corpus.paragraphs))]
        df = sum(1 for pid in corpus.searched if tfs[pid])
        corpus.tf_cache[key] = (tfs, df)
    return corpus.tf_cache[key]


def bm25(tf, df, dl, n, avgdl, k1, b):
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def evaluate(corpus, node, pid, k1, b):
    """(matches, score) of a node in paragraph pid."""
    kind = node[0]
    if kind in ("term", "phrase", "prefix", "near", "fuzzy"):
        tfs, df = leaf_stats(corpus, node)
        tf = tfs[pid]
        if not tf:
            return False, 0.0
        dl = corpus.paragraphs[pid]["len"]
        if kind == "fuzzy":
            # The best class of matches, each edit halving the score.
            return True, max(FUZZY_WEIGHT[d] * bm25(t, df, dl, corpus.n, corpus.avgdl, k1, b)
                             for d, t in enumerate(tf) if t)
        return True, bm25(tf, df, dl, corpus.n, corpus.avgdl, k1, b)
    if kind == "not":
        matched, _ = evaluate(corpus, node[1], pid, k1, b)
        return not matched, 0.0
    results = [evaluate(corpus, kid, pid, k1, b) for kid in node[1]]
    if kind == "and":
        matched = all(m for m, _ in results)
    else:
        matched = any(m for m, _ in results)
    if not matched:
        return False, 0.0
    # A NOT child reports score 0; so does an OR child that does not match.
    return True, sum(s for m, s in results if m)


def search(corpus, query, k1=DEFAULT_K1, b=DEFAULT_B, parse_fn=None):
    """Every matching paragraph as (score, id), best first, ties by id.
    Raises QueryError for an invalid query.  parse_fn(query) -> tree
    replaces parse (refexpand.py passes the expanded tree)."""
    tree = parse_fn(query) if parse_fn else parse(query, corpus.analyzer.analyze)
    hits = []
    for pid in corpus.searched:
        matched, score = evaluate(corpus, tree, pid, k1, b)
        if matched:
            hits.append((score, pid))
    hits.sort(key=lambda h: (-h[0], h[1]))
    return hits


# ---------------------------------------------------------------------- CLI

def main(argv=None):
    ap = argparse.ArgumentParser(description="Naive reference evaluation of an ajsearch query.")
    ap.add_argument("--bin", default="./ajsearch", help="the ajsearch binary (for dump/analyze)")
    ap.add_argument("--index", default="index", help="index directory")
    ap.add_argument("--k1", type=float, default=DEFAULT_K1)
    ap.add_argument("--b", type=float, default=DEFAULT_B)
    ap.add_argument("--tree", action="store_true", help="print the parse tree on stderr")
    ap.add_argument("--chrome", action="store_true", help="search page chrome too")
    ap.add_argument("query", nargs="+", help="the query (several arguments are joined by spaces)")
    args = ap.parse_args(argv)
    query = " ".join(args.query)
    try:
        corpus = Corpus.load(args.bin, args.index, args.chrome)
    except SetupError as e:
        print(f"refsearch: {e}", file=sys.stderr)
        return 2
    try:
        if args.tree:
            print(show(parse(query, corpus.analyzer.analyze)), file=sys.stderr)
        hits = search(corpus, query, args.k1, args.b)
    except QueryError as e:
        print(f"refsearch: invalid query: {e}", file=sys.stderr)
        return 2
    for rank, (score, pid) in enumerate(hits, 1):
        p = corpus.paragraphs[pid]
        print(json.dumps({"rank": rank, "score": round(score, 6), "id": pid, "doc": p["doc"],
                          "para": p["para"], "text": p["text"]}, ensure_ascii=False))
    return 0 if hits else 1


if __name__ == "__main__":
    sys.exit(main())
