"""The Python face of libajsearch: errors, indexes, searching, building and
analysis.  Everything returned is made of plain Python objects copied out of
the library at once, so nothing returned refers to C memory and nothing
outlives the index or searcher it came from.
"""

import os
import threading
import weakref
from ctypes import (POINTER, addressof, byref, c_size_t, c_void_p, cast,
                    sizeof, string_at)
from dataclasses import dataclass, field
from typing import List, Optional

from . import _capi as C
from ._capi import lib

__all__ = ["Error", "Index", "Results", "build", "analyze", "version",
           "format_version"]

_RANK = {"full": C.AJ_RANK_FULL, "bm25": C.AJ_RANK_BM25}
_CORRECT = {"auto": C.AJ_CORRECT_AUTO, "propose": C.AJ_CORRECT_PROPOSE,
            "off": C.AJ_CORRECT_OFF}
# Span arrays start this big; a paragraph with more matches gets a second,
# exact-sized call (aj_search_highlight returns the full count).
_SPANS = 32


class Error(Exception):
    """A failure reported by libajsearch.

    code:        the error's symbolic name, e.g. "AJ_ESYNTAX", "AJ_ENOTFOUND"
    errnum:      its aj_err value
    description: aj_strerror()'s words for it, e.g. "query syntax error"
    message:     the library's one-line reason (aj_ctx.msg)
    pos:         for AJ_ESYNTAX and AJ_ELIMIT, the byte offset in the UTF-8
                 query; else None
    char_pos:    the same offset in characters when the query was a str,
                 else None
    warnings:    for a failed build(), the warnings reported before it failed
    """

    def __init__(self, errnum, message, pos=None, char_pos=None):
        self.errnum = int(errnum)
        if 0 <= self.errnum < len(C.ERROR_NAMES):
            self.code = C.ERROR_NAMES[self.errnum]
        else:
            self.code = "AJ_E%d" % self.errnum
        self.description = _text(lib.aj_strerror(self.errnum))
        self.message = message
        self.pos = pos
        self.char_pos = char_pos
        self.warnings = []
        where = "" if pos is None else " (at byte %d)" % pos
        super().__init__("%s: %s%s" % (self.description, message, where))

    def __reduce__(self):
        # The constructor's arguments are not Exception.args: pickle
        # (multiprocessing) needs to be told how to make one again.
        return (_remake_error, (self.errnum, self.message, self.pos,
                                self.char_pos, self.warnings))


def _remake_error(errnum, message, pos, char_pos, warnings):
    e = Error(errnum, message, pos, char_pos)
    e.warnings = warnings
    return e


def _text(b):
    """Decodes library text that may hold any bytes (titles, paragraphs)."""
    return None if b is None else b.decode("utf-8", "replace")


def _path(b):
    """Decodes a file name so that it round-trips to the same bytes."""
    return None if b is None else os.fsdecode(b)


def _error(rc, ctx, query=None):
    pos = char_pos = None
    if rc in (C.AJ_ESYNTAX, C.AJ_ELIMIT):
        pos = ctx.pos
        if isinstance(query, str):
            char_pos = len(query.encode("utf-8")[:pos].decode("utf-8",
                                                               "replace"))
    # The first error wins in a context, so msg explains rc unless the
    # function failed without writing one.
    msg = _text(ctx.msg) if ctx.err else ""
    return Error(rc, msg or _text(lib.aj_strerror(rc)), pos, char_pos)


def _u32(value, name):
    value = int(value)
    if not 0 <= value <= C.UINT32_MAX:
        raise ValueError("%s must be between 0 and %d, not %d"
                         % (name, C.UINT32_MAX, value))
    return value


def _char_spans(raw, text, spans):
    """Character offsets into text (raw decoded with "replace") of byte
    spans of raw.  Spans start and end on code point boundaries (they are
    words), so decoding the pieces between boundaries one by one counts
    the same characters as decoding the whole."""
    if len(raw) == len(text):  # ASCII: bytes are characters
        return [list(s) for s in spans]
    chars = {}
    at_byte = at_char = 0
    for b in sorted({x for s in spans for x in s}):
        at_char += len(raw[at_byte:b].decode("utf-8", "replace"))
        at_byte = b
        chars[b] = at_char
    return [[chars[s], chars[e]] for s, e in spans]


# The keys of a hit, in order (also the DataFrame's columns).
HIT_KEYS = (
    "rank", "id", "score", "bm25", "partial", "matched", "clauses",
    "proximity", "share",
    "doc", "doc_id", "title", "date", "source", "cite", "place", "heading",
    "section", "kind", "label", "ordinal", "tokens", "format", "page", "file_range", "text",
    "spans", "char_spans",
)


_FACETS = {"year": 1, "month": 2, "date": 4, "doc": 8, "source": 16}
_FACET_NAMES = {v: k for k, v in _FACETS.items()}


@dataclass
class Results:
    """What a search found: a sequence of hits (len(), iteration and
    indexing go to .hits) with what the library says about the query.

    hits:        the page of hits, best first: dicts (see Index.search)
    total:       paragraphs matching the query that ran (full matches)
    total_exact: False when total is only a lower bound
    npartial:    of the hits, partial matches (they come last)
    clauses:     the query's positive top-level clauses (see ajsearch.h)
    given:       the query as passed
    query:       the query that ran: given, or the correction (corrected)
    corrected:   True when the correction ran in place of the given query
    suggestion:  the proposed corrected query, or None
    corrections: the corrected words: dicts with original, word, pos and len
                 (bytes of given), df_original, df_word, edits, automatic
    missing:     the words of the given query that no paragraph contains
    missing_in_chrome: those of them that occur, but only in page chrome
    also:        the expansions that matched, readable ("cyber security =
                 cybersecurity")
    took:        seconds the library spent evaluating
    decoded:     postings decoded
    groups:      with group > 0, the page of documents: dicts with rank,
                 doc (path), doc_id, title, date, source, matches, score and
                 hits (the hit dicts of that document, also in .hits);
                 None without grouping
    total_groups: with groups, the documents that match in all
    filtered:    True when a filter (argument or query field) was in force
    facets:      {name: [(value, count), ...]} for the facets asked for
    """

    hits: List[dict] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True
    npartial: int = 0
    clauses: int = 1
    given: str = ""
    query: str = ""
    corrected: bool = False
    suggestion: Optional[str] = None
    corrections: List[dict] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    missing_in_chrome: List[str] = field(default_factory=list)
    also: List[str] = field(default_factory=list)
    took: float = 0.0
    decoded: int = 0
    groups: Optional[List[dict]] = None
    total_groups: int = 0
    filtered: bool = False
    facets: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def to_dataframe(self):
        """The hits as a pandas DataFrame, one row per hit (with grouping,
        a "group" column holds the rank of the hit's document).  Raises
        ImportError when pandas cannot be imported: the package itself
        needs only the standard library."""
        try:
            import pandas
        except ImportError as e:
            raise ImportError(
                "ajsearch: Results.to_dataframe() needs pandas, which could "
                "not be imported (%s).  Install pandas, or use the hits as "
                "plain dicts (Results.hits)." % e) from None
        columns = list(HIT_KEYS)
        if self.groups is not None:
            columns.append("group")
        return pandas.DataFrame(self.hits, columns=columns)


def _release(ix, s):
    # A searcher refers to its index: free it first.
    if s:
        lib.aj_searcher_free(s)
    if ix:
        lib.aj_index_close(ix)


class Index:
    """An open index (aj_index_open) and a searcher on it.

    Use it as a context manager or call close(); the index files stay
    mapped until then.  Calls on one Index are serialized by a lock (the
    library's searcher is single-threaded); open one Index per thread to
    search in parallel.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        ctx = C.aj_ctx()
        ix = c_void_p()
        rc = lib.aj_index_open(byref(ctx), os.fsencode(self.path), byref(ix))
        if rc:
            raise _error(rc, ctx)
        s = c_void_p()
        rc = lib.aj_searcher_new(byref(ctx), ix, byref(s))
        if rc:
            lib.aj_index_close(ix)
            raise _error(rc, ctx)
        self._ix, self._s = ix.value, s.value
        self._lock = threading.RLock()
        self._docs = {}
        self._finalizer = weakref.finalize(self, _release, self._ix, self._s)

    def close(self):
        """Frees the searcher and unmaps the index; further calls raise
        ValueError.  Closing twice is fine."""
        with self._lock:
            self._finalizer()
            self._ix = self._s = None

    @property
    def closed(self):
        return self._ix is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<ajsearch.Index %r%s>" % (self.path,
                                          " closed" if self.closed else "")

    def _open(self):
        if self._ix is None:
            raise ValueError("operation on a closed ajsearch.Index")

    # ---- what every paragraph dict holds ----

    def _doc(self, doc):
        d = self._docs.get(doc)
        if d is None:
            ctx = C.aj_ctx()
            info = C.aj_doc_info()
            rc = lib.aj_doc_get(byref(ctx), self._ix, doc, byref(info))
            if rc:
                raise _error(rc, ctx)
            d = {"doc": _path(info.path), "doc_id": doc,
                 "title": _text(info.title), "date": _text(info.date),
                 "source": _text(info.source), "format": _text(info.format)}
            self._docs[doc] = d
        return d

    def _paragraph(self, pid, raw):
        ctx = C.aj_ctx()
        p = C.aj_para_info()
        rc = lib.aj_para_get(byref(ctx), self._ix, pid, byref(p))
        if rc:
            raise _error(rc, ctx)
        rec = {"id": pid}
        rec.update(self._doc(p.doc))
        ct = C.aj_cite()
        rc = lib.aj_para_cite(byref(ctx), self._ix, pid, byref(ct))
        if rc:
            raise _error(rc, ctx)  # *out holds nothing to free then
        try:
            rec["cite"] = _text(ct.cite)
            rec["place"] = _text(ct.place)
            rec["heading"] = _text(ct.heading)
            rec["section"] = [_text(ct.section[i]) for i in range(ct.nsection)]
        finally:
            lib.aj_cite_free(byref(ct))
        rec["kind"] = _text(lib.aj_para_kind_name(p.kind, p.chrome))
        rec["label"] = _text(p.label)
        rec["ordinal"] = p.ordinal
        rec["tokens"] = p.len
        rec["page"] = p.page or None
        rec["file_range"] = [p.start, p.end]
        rec["text"] = _text(raw)
        return rec

    # ---- public ----

    def paragraph(self, id):
        """Paragraph id: a dict with the keys of a hit but those of the
        search (rank, score, bm25, partial, matched, clauses, proximity,
        share, spans, char_spans).  Error AJ_EINVAL for an id out of
        range."""
        pid = _u32(id, "id")
        with self._lock:
            self._open()
            ctx = C.aj_ctx()
            ptr, n = c_void_p(), c_size_t()
            rc = lib.aj_para_text(byref(ctx), self._ix, pid, byref(ptr),
                                  byref(n))
            if rc:
                raise _error(rc, ctx)
            try:
                raw = string_at(ptr.value, n.value)
            finally:
                C.free(ptr)  # aj_para_text's text is malloc'ed and ours
            return self._paragraph(pid, raw)

    def search(self, query, n=10, offset=0, rank="full", correct="auto",
               partial=True, expand=True, chrome=False, group=0, since=None,
               until=None, doc=None, source=None, facets=()):
        """Runs query (str, or bytes taken as they are) and returns Results.

        n, offset:  hits to return and to skip (documents with group > 0)
        rank:       "full" (BM25 with proximity and kind factors, then
                    partial matches) or "bm25"
        correct:    "auto" (run the correction when nothing matches and
                    every missing word is a misspelling), "propose" or "off"
        partial:    list paragraphs matching only some words after the rest
        expand:     add compound and acronym alternatives
        chrome:     also search page chrome
        group:      0, or results by document with up to group hits each
        since, until: dates "YYYY", "YYYY-MM" or "YYYY-MM-DD": only documents
                    whose date meets [since, until] (filters apply inside the
                    search: totals and pages are exact, scores unchanged)
        doc:        a glob on the document's path ("2025-*")
        source:     text the document's source contains (case ignored)
        facets:     names among "year", "month", "date", "doc", "source":
                    Results.facets maps each to a list of (value, count)

        Each hit is a dict:
          rank        1-based position in the ranking (offset counted); with
                      group > 0, position within its document
          id          paragraph id (for paragraph())
          score, bm25, proximity, share: as aj_hit
          partial     True when it matches only some of the query's clauses
          matched, clauses: top-level clauses matched / in the query
          doc, doc_id, title, date, source: its document (doc: the path
                      relative to the corpus)
          cite, place, heading, section: its citation (aj_para_cite): the
                      whole string, the place within the document, the
                      innermost heading (or None) and the enclosing headings
          kind, label, ordinal, tokens: the paragraph's kind ("body",
                      "heading", ...), own number or None, position in its
                      document, and length in tokens
          format      how its document was read: "text", "pdf", "html", "docx"
          page        a PDF paragraph's page (1-based), else None
          file_range  [start, end): its bytes in the source file (for "pdf",
                      "html", "docx": in the text ajsearch-extract gives)
          text        the paragraph's stored text, decoded from UTF-8
          spans       [start, end) pairs: byte offsets, into the UTF-8 bytes
                      of the stored text, of what matched (sorted, disjoint)
          char_spans  the same as character offsets into text
        The stored bytes are text.encode() unless the source held invalid
        UTF-8 (shown as U+FFFD in text): spans then still index the stored
        bytes and char_spans text.

        Raises Error: AJ_ESYNTAX or AJ_ELIMIT with .pos for a bad query.
        """
        q = query if isinstance(query, bytes) else query.encode("utf-8")
        if rank not in _RANK:
            raise ValueError("rank must be 'full' or 'bm25', not %r" % (rank,))
        if correct not in _CORRECT:
            raise ValueError("correct must be 'auto', 'propose' or 'off', "
                             "not %r" % (correct,))
        opts = C.aj_search_opts()
        lib.aj_search_opts_init(byref(opts))
        opts.limit = _u32(n, "n")
        opts.offset = _u32(offset, "offset")
        opts.rank = _RANK[rank]
        opts.correct = _CORRECT[correct]
        opts.partial = 1 if partial else 0
        opts.expand = 1 if expand else 0
        opts.chrome = 1 if chrome else 0
        opts.group = _u32(group, "group")
        keep = []  # the filters' bytes, alive during the call
        for name, value in (("since", since), ("until", until), ("doc", doc),
                            ("source", source)):
            if value is not None:
                b = value if isinstance(value, bytes) else str(value).encode("utf-8")
                keep.append(b)
                setattr(opts, name, b)
        for name in facets:
            if name not in _FACETS:
                raise ValueError("facets are among %s, not %r" % (sorted(_FACETS), name))
            opts.facets |= _FACETS[name]
        with self._lock:
            self._open()
            ctx = C.aj_ctx()
            out = POINTER(C.aj_results)()
            rc = lib.aj_search(byref(ctx), self._s, q, len(q), byref(opts),
                               byref(out))
            if rc:
                raise _error(rc, ctx, query)
            # The results live in the searcher until its next search: copy
            # everything now, under the lock.
            return self._results(out.contents, opts)

    def _results(self, r, opts):
        hits = [self._hit(r.hits[i], opts.offset + i + 1)
                for i in range(r.nhits)]
        res = Results(hits=hits, total=r.total,
                      total_exact=bool(r.total_exact),
                      npartial=r.npartial, clauses=r.clauses,
                      given=_text(string_at(r.given, r.given_len)),
                      query=_text(string_at(r.query, r.query_len)),
                      corrected=bool(r.corrected), took=r.seconds,
                      decoded=r.decoded)
        res.also = [_text(r.also[i]) for i in range(r.nalso)]
        res.filtered = bool(r.filtered)
        for i in range(r.nfacets):
            f = r.facets[i]
            name = _FACET_NAMES[f.kind]
            res.facets[name] = [(_text(f.values[j].value), f.values[j].count)
                                for j in range(f.n)]
        given = string_at(r.given, r.given_len)
        for i in range(r.nmissing):
            w = r.missing[i]
            word = _text(given[w.pos:w.pos + w.len])
            res.missing.append(word)
            if w.chrome:
                res.missing_in_chrome.append(word)
        if r.suggestion:
            sg = r.suggestion.contents
            res.suggestion = _text(string_at(sg.query, sg.query_len))
            for i in range(sg.nfixes):
                f = sg.fixes[i]
                res.corrections.append({
                    "original": _text(f.original), "word": _text(f.word),
                    "pos": f.pos, "len": f.len, "df_original": f.df_original,
                    "df_word": f.df_word, "edits": f.edits,
                    "automatic": bool(f.automatic)})
        if opts.group:
            res.total_groups = r.total_groups
            if r.groups:
                res.groups = self._groups(r, hits, opts.offset)
            elif not r.nhits:
                res.groups = []
            # else: hits without groups, from a library that does not
            # group; groups stays None to say so.
        return res

    def _groups(self, r, hits, offset):
        base = cast(r.hits, c_void_p).value
        size = sizeof(C.aj_hit)
        groups = []
        for gi in range(r.ngroups):
            g = r.groups[gi]
            # g.hits is a slice of r.hits: reuse the dicts made of them.
            first = 0
            if g.nhits:
                first = (cast(g.hits, c_void_p).value - base) // size
            ghits = hits[first:first + g.nhits]
            for j, h in enumerate(ghits):
                h["rank"] = j + 1
                h["group"] = offset + gi + 1
            d = self._doc(g.doc)
            groups.append({"rank": offset + gi + 1, "doc": d["doc"],
                           "doc_id": g.doc, "title": d["title"],
                           "date": d["date"], "source": d["source"],
                           "matches": g.matches, "score": g.score,
                           "hits": ghits})
        return groups

    def _hit(self, h, rank):
        ctx = C.aj_ctx()
        ptr, n = c_void_p(), c_size_t()
        rc = lib.aj_search_para_text(byref(ctx), self._s, h.id, byref(ptr),
                                     byref(n))
        if rc:
            raise _error(rc, ctx)
        raw = string_at(ptr.value, n.value)  # valid only until the next call
        spans = self._highlight(raw)
        rec = self._paragraph(h.id, raw)
        out = {"rank": rank, "id": h.id, "score": h.score, "bm25": h.bm25,
               "partial": h.matched < h.clauses, "matched": h.matched,
               "clauses": h.clauses, "proximity": h.proximity, "share": h.share}
        for k in HIT_KEYS:
            if k in rec:
                out[k] = rec[k]
        out["spans"] = spans
        out["char_spans"] = _char_spans(raw, rec["text"], spans)
        return out

    def _highlight(self, raw):
        # Spans of the last query, which is the one being converted.
        cap = _SPANS
        buf = (C.aj_span * cap)()
        n = lib.aj_search_highlight(self._s, raw, len(raw), buf, cap)
        if n > cap:
            cap = n
            buf = (C.aj_span * cap)()
            n = min(lib.aj_search_highlight(self._s, raw, len(raw), buf, cap),
                    cap)
        return [[buf[i].start, buf[i].end] for i in range(n)]

    def stats(self):
        """aj_index_stats as a dict; files is a list of {name, nbytes}."""
        with self._lock:
            self._open()
            st = C.aj_index_stats()
            lib.aj_index_stats_get(self._ix, byref(st))
            out = {k: getattr(st, k) for k, _ in C.aj_index_stats._fields_
                   if k not in ("generation", "nfiles", "files")}
            out["generation"] = _path(st.generation)
            out["files"] = [{"name": _path(st.files[i].name),
                             "nbytes": st.files[i].nbytes}
                            for i in range(min(st.nfiles, len(st.files)))]
            return out

    def check(self):
        """Verifies every checksum and invariant of the index (it reads all
        of it).  Returns None, or raises Error (AJ_ECORRUPT)."""
        with self._lock:
            self._open()
            ctx = C.aj_ctx()
            rc = lib.aj_index_check(byref(ctx), self._ix)
            if rc:
                raise _error(rc, ctx)


def _kind_name(kind):
    return _text(lib.aj_warn_kind_name(kind))


def build(corpus_dir, index_dir, threads=0, memory=0, strict=False):
    """Builds an index of corpus_dir into index_dir (aj_build: the old index
    is replaced atomically, or kept when the build fails).

    threads: indexing threads, 0 = one per CPU; memory: bytes of postings
    held before spilling to disk, 0 = the default; strict: any warning
    fails the build (Error AJ_EWARN) and keeps the index in place.
    KeyboardInterrupt (or any exception raised in the calling thread while
    it waits) cancels the build, leaving the previous index in place, and
    propagates once the build has stopped.

    Returns the aj_build_stats fields as a dict, with warnings, the
    list of (kind, path, reason) the build reported (kind as named by
    aj_warn_kind_name: "binary", "not_indexed", ...), and warning_counts,
    the stats' counts by kind name.  A failed build's Error carries the
    warnings reported before it failed in .warnings.
    """
    threads = int(threads)
    memory = int(memory)
    if threads < 0 or threads > 0x7FFFFFFF:
        raise ValueError("threads must be 0 (one per CPU) or more")
    if not 0 <= memory < 1 << 64:
        raise ValueError("memory must be 0 (the default) or a byte count")
    warnings = []
    failure = []

    def on_warn(_arg, kind, path, reason):
        # An exception must not unwind into C: keep it for after the build.
        try:
            warnings.append((_kind_name(kind), _path(path) or "",
                             _text(reason) or ""))
        except BaseException as e:  # noqa: B036
            failure.append(e)

    callback = C.aj_warn_fn(on_warn)  # alive until aj_build returns
    cancel = C.c_sig_atomic(0)
    corpus_b = os.fsencode(os.fspath(corpus_dir))
    index_b = os.fsencode(os.fspath(index_dir))
    opts = C.aj_build_opts(corpus_dir=corpus_b, index_dir=index_b,
                           warn=callback, threads=threads, memory=memory,
                           strict=1 if strict else 0,
                           cancel=addressof(cancel))
    st = C.aj_build_stats()
    ctx = C.aj_ctx()
    outcome = []

    # What C holds pointers to stays alive with the thread's target, even
    # if this frame is left early (a second Ctrl-C while waiting below).
    done = threading.Event()

    def run(_keep=(callback, cancel, corpus_b, index_b, opts, st, ctx)):
        try:
            outcome.append(lib.aj_build(byref(ctx), byref(opts), byref(st)))
        except BaseException as e:  # noqa: B036
            failure.append(e)
        finally:
            done.set()

    # Python runs signal handlers only between bytecodes of the main
    # thread, so a build called from it could not be interrupted: the
    # build runs in a thread of its own, and Ctrl-C here asks it to stop
    # (aj_build_opts.cancel), which leaves the previous index in place.
    # The wait is on an Event, not Thread.join: a join interrupted by a
    # signal handler's exception can mark the thread finished while it
    # still runs (CPython 3.11), and the build would then be abandoned
    # half-way instead of cleaned up.
    threading.Thread(target=run, name="ajsearch-build", daemon=True).start()
    try:
        while not done.wait(0.25):
            pass
    except BaseException:
        cancel.value = 1
        while not done.wait(0.25):
            pass
        raise
    if failure:
        raise failure[0]
    rc = outcome[0]
    if rc:
        e = _error(rc, ctx)
        e.warnings = warnings
        raise e
    out = {}
    for k, _ in C.aj_build_stats._fields_:
        if k == "warnings":
            out["warning_counts"] = {_kind_name(i): st.warnings[i]
                                     for i in range(C.AJ_WARN_NKINDS)}
        else:
            out[k] = getattr(st, k)
    out["warnings"] = warnings
    return out


def analyze(text):
    """The tokens of text as the index and queries see them (aj_analyze):
    a list of dicts with term (stemmed, folded: what is indexed), word
    (folded, unstemmed: what prefixes match), pos, start and end (byte
    offsets into the UTF-8 text) and char_start, char_end (the same in
    characters of text; of the text decoded with "replace" when text is
    bytes)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    found = []
    failure = []

    def on_token(_arg, tp):
        try:
            t = tp.contents
            found.append((string_at(t.term, t.term_len),
                          string_at(t.word, t.word_len),
                          t.pos, t.start, t.end))
            return 0
        except BaseException as e:  # noqa: B036
            failure.append(e)
            return 1  # stops the analysis

    callback = C.aj_token_fn(on_token)
    ctx = C.aj_ctx()
    an = c_void_p()
    rc = lib.aj_analyzer_new(byref(ctx), byref(an))
    if rc:
        raise _error(rc, ctx)
    try:
        rc = lib.aj_analyze(byref(ctx), an, raw, len(raw), 0, callback, None)
    finally:
        lib.aj_analyzer_free(an)
    if failure:
        raise failure[0]
    if rc:
        raise _error(rc, ctx)
    decoded = raw.decode("utf-8", "replace")
    chars = _char_spans(raw, decoded, [[t[3], t[4]] for t in found])
    return [{"term": _text(term), "word": _text(word), "pos": pos,
             "start": start, "end": end,
             "char_start": cs, "char_end": ce}
            for (term, word, pos, start, end), (cs, ce) in zip(found, chars)]


def version():
    """The version string of the library in use (aj_version_string)."""
    return _text(lib.aj_version_string())


def format_version():
    """The index format version the library reads and writes."""
    return int(lib.aj_format_version())
