/*
 * ajsearch.h - the public interface of the ajsearch library.
 *
 * ajsearch indexes the paragraphs of a directory of text documents and
 * answers BM25-ranked boolean, phrase and prefix queries from memory-mapped,
 * checksummed index files.  This header is the manual: every function says
 * what it returns, how it fails, and who owns the memory it hands out.
 *
 * Conventions
 *  - Every function that can fail returns an aj_err and describes the failure
 *    in the caller's aj_ctx (see error.h).  Nothing here prints or exits.
 *  - Handles are opaque.  Strings returned from an open index point into its
 *    mapped files and stay valid until aj_index_close().
 *  - An aj_index is read-only after opening and may be shared by threads that
 *    each use their own aj_ctx and aj_searcher.
 */
#ifndef AJSEARCH_H
#define AJSEARCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* The library's version.  MAJOR changes when a program built against an
 * older version could misbehave with this one: a function removed or its
 * signature changed, a public struct's layout or an enum value changed.
 * Adding a field to a struct the caller allocates or the library fills
 * (aj_search_opts, aj_build_opts, aj_build_stats, ...) changes its layout,
 * so it too is a MAJOR change once a version with a shared object is out.
 * The shared object's soname carries it (libajsearch.so.MAJOR), so such a
 * program keeps loading the old library.  MINOR changes when functions,
 * constants or new values of an enumeration are added (what a program
 * built against the older version never sees), PATCH for fixes.  The index format version
 * (aj_format_version) is independent of these: an index is readable by any
 * library that reads its format, whatever the library's version. */
#define AJ_VERSION_MAJOR 2
#define AJ_VERSION_MINOR 0
#define AJ_VERSION_PATCH 0
#define AJ_VERSION_NUMBER (AJ_VERSION_MAJOR * 10000 + AJ_VERSION_MINOR * 100 + AJ_VERSION_PATCH)
#define AJ_VERSION_STRING "2.0.0"

/* Every function of this header is marked AJ_API: the shared library is
 * built with -fvisibility=hidden and exports these, no other
 * (tests/test_api.c compares its dynamic symbols with this header). */
#if defined(__GNUC__) || defined(__clang__)
#define AJ_API __attribute__((visibility("default")))
#else
#define AJ_API
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* Every function that can fail returns an aj_err and, on failure, writes
 * a one-line reason into the caller's aj_ctx (the first error wins: once
 * err is set, the message of the root cause is kept).  The library never
 * prints and never exits. */
typedef enum {
    AJ_OK = 0,
    AJ_ENOMEM,    /* allocation failed */
    AJ_EIO,       /* a system call failed (open, read, write, mmap, rename) */
    AJ_ECORRUPT,  /* index bytes fail a checksum or a structural check */
    AJ_EVERSION,  /* index file from another format version or program */
    AJ_ESYNTAX,   /* query syntax error; ctx->pos holds the byte offset */
    AJ_ELIMIT,    /* a documented limit was exceeded (query length, depth) */
    AJ_EINVAL,    /* bad argument or bad input file */
    AJ_ENOTFOUND, /* no index where one was expected */
    AJ_EBUSY,     /* another build holds the index lock */
    AJ_EWARN,     /* a strict build had warnings (aj_build_opts.strict) */
    AJ_ECANCELED, /* the caller asked a build to stop (aj_build_opts.cancel) */
    AJ_ERR_COUNT
} aj_err;

/* The context a call reports its error in: zero it before use (or
 * aj_ctx_reset), one per thread.  msg is NUL-terminated, at most 511
 * bytes; pos is the query byte offset for AJ_ESYNTAX and AJ_ELIMIT. */
typedef struct aj_ctx {
    aj_err err;
    size_t pos;
    char msg[512];
} aj_ctx;

/* Clears a context so it can be reused. */
AJ_API void aj_ctx_reset(aj_ctx *c);

/* A static, never-NULL name for an error code. */
AJ_API const char *aj_strerror(aj_err e);

/* Frees memory the library handed over for the caller to free
 * (aj_para_text's text); NULL is fine.  For bindings, which cannot tell
 * which C library's free() matches the library's allocations. */
AJ_API void aj_free(void *p);

/* The longest word, in bytes once folded: longer runs of letters are cut. */
#define AJ_MAX_WORD 64

/* A paragraph's kind (aj_para_info.kind, aj_hit's paragraph). */
enum { AJ_PARA_BODY = 0, AJ_PARA_HEADING = 1, AJ_PARA_ITEM = 2, AJ_PARA_CHROME = 3 };

/* The version of the library a program runs with (AJ_VERSION_NUMBER and
 * AJ_VERSION_STRING are those it was compiled with). */
AJ_API unsigned aj_version_number(void);
AJ_API const char *aj_version_string(void);

/* The index format version this library reads and writes. */
AJ_API unsigned aj_format_version(void);

/* The longest paragraph, in bytes of cleaned text: a longer run of text is
 * cut into paragraphs of at most this many bytes. */
#define AJ_MAX_PARA_BYTES (1u << 20)

/* ------------------------------------------------------------------ */
/* Analysis                                                            */
/* ------------------------------------------------------------------ */

/* Text -> tokens, as the index and every query see them (README
 * "Analysis"): UTF-8 decoded safely, each character folded (case,
 * diacritics, compatibility forms), words split at separators and at
 * letter/digit switches, a word longer than AJ_MAX_WORD cut, and a letter
 * word's term its Snowball English stem (British spellings made
 * American).  `ajsearch analyze` prints what this gives. */

typedef struct aj_analyzer aj_analyzer;

typedef struct aj_token {
    const char *term;    /* stemmed folded form: what the index stores and
                            queries match */
    uint32_t term_len;   /* 1..AJ_MAX_WORD */
    const char *word;    /* folded, unstemmed form: what prefix queries
                            (cooperat*) match */
    uint32_t word_len;   /* 1..AJ_MAX_WORD */
    uint32_t pos;        /* pos_base + index of this token in this call */
    uint32_t start, end; /* byte range [start, end) of the token in the
                            input: from the first byte of its first code
                            point to the end of its last one, including a
                            cut tail and combining marks attached to it */
} aj_token;
/* term and word are NUL-terminated for convenience (the lengths are
 * authoritative) and point into buffers that are valid only during the
 * callback that receives the token. */

/* Called once per token, in text order.  Returns non-zero to stop the
 * analysis early (aj_analyze then returns AJ_OK). */
typedef int (*aj_token_fn)(void *arg, const aj_token *t);

/* Creates an analyzer: a stemmer, its cache and the settings.  Use one
 * per thread; an analyzer is not thread-safe.  The caller owns *out and
 * frees it with aj_analyzer_free().  AJ_ENOMEM on allocation failure. */
AJ_API aj_err aj_analyzer_new(aj_ctx *c, aj_analyzer **out);

/* Frees a; NULL is fine. */
AJ_API void aj_analyzer_free(aj_analyzer *a);

/* Calls fn(arg, token) for every token of text[0..len), in order, with
 * positions pos_base, pos_base + 1, ...  Any bytes are accepted (NUL,
 * invalid UTF-8); text may be NULL when len is 0.  The callback may call
 * aj_analyze() on the same analyzer (the tokens' buffers live in each
 * call's frame).
 * Errors: AJ_EINVAL for a NULL analyzer/callback, NULL text with len > 0,
 * or len > UINT32_MAX (offsets are 32-bit); AJ_ELIMIT when a position
 * would pass UINT32_MAX; AJ_ENOMEM if the stemmer fails to allocate.
 * Tokens delivered before an error stay delivered. */
AJ_API aj_err aj_analyze(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                         uint32_t pos_base, aj_token_fn fn, void *arg);

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* What a build warning is about (aj_warn_fn's kind).  Every warning means
 * that something in the corpus directory was not indexed as it stands. */
enum {
    AJ_WARN_UNREADABLE = 0,  /* a file or directory that cannot be read */
    AJ_WARN_BINARY = 1,      /* neither PDF, HTML, DOCX nor text: a NUL
                                byte in the first 64 KiB */
    AJ_WARN_LINK = 2,        /* a dangling link, a loop of links, a link to
                                a directory or to something not a file */
    AJ_WARN_NOT_FILE = 3,    /* a FIFO, socket or device */
    AJ_WARN_PATH = 4,        /* a path too long or nested too deeply */
    AJ_WARN_NOT_INDEXED = 5, /* no longer given: every file is a document
                                whose format its bytes tell, whatever its
                                name (version 0.2 took .txt and .md only) */
    AJ_WARN_METADATA = 6,    /* a metadata.tsv line that was not used */
    AJ_WARN_EMPTY = 7,       /* the corpus has no document */
    AJ_WARN_EXTRACT = 8,     /* a PDF, HTML or DOCX document whose text
                                could not be extracted (damaged, encrypted,
                                over a limit, the extractor missing) */
    AJ_WARN_CHANGED = 9,     /* a file that changed while it was read: it
                                is indexed as it was read */
    AJ_WARN_NKINDS = 10
};

/* "unreadable", "binary", "link", "not_a_file", "path", "not_indexed",
 * "metadata", "empty_corpus", "extract", "changed": a kind's name in
 * `index --json`. */
AJ_API const char *aj_warn_kind_name(int kind);

/* Called for every warning of a build, in document order: kind is an
 * AJ_WARN_* value, path is relative to the corpus directory, reason is one
 * line. */
typedef void (*aj_warn_fn)(void *arg, int kind, const char *path,
                           const char *reason);

/* How far a build is, for a progress display (aj_build_opts.progress). */
typedef struct aj_build_progress {
    const char *phase;       /* "indexing", then "writing" (the merge and
                                the dictionaries) */
    uint64_t docs_done, docs_total;  /* documents taken in (skipped ones
                                count), out of those found */
    uint64_t bytes_done;     /* source bytes indexed so far */
    double seconds;          /* since the build began */
} aj_build_progress;

typedef void (*aj_progress_fn)(void *arg, const aj_build_progress *p);

typedef struct aj_build_opts {
    const char *corpus_dir;  /* directory of documents: text, PDF, HTML,
                                DOCX (README "Corpus and paragraphs") */
    const char *index_dir;   /* index directory (created if missing) */
    aj_warn_fn warn;         /* may be NULL; called in document order */
    void *warn_arg;
    int threads;             /* indexing threads; 0 = one per CPU */
    uint64_t memory;         /* keys and postings held in memory before
                                they spill to a sorted run on disk (an
                                eighth of it, 1 to 128 MiB, is each
                                worker's share); 0 = 512 MiB */
    int keep;                /* older generations kept after the switch
                                (readers may still be using them): 0 = the
                                default, 1; a negative value keeps none */
    int wait;                /* another build holds the lock: 0 = fail with
                                AJ_EBUSY at once, 1 = wait for it */
    int strict;              /* any warning fails the build (AJ_EWARN) after
                                every warning was reported; the index in
                                place is not replaced */
    aj_progress_fn progress; /* may be NULL; called from the building
                                thread after each piece of work (often:
                                the caller decides how often to show it) */
    void *progress_arg;
    /* May be NULL.  When *cancel becomes non-zero (a signal handler may set
     * it), the build stops at its next check (every paragraph, segment,
     * sample and dictionary entry, so within a fraction of a second),
     * removes its unfinished generation and fails with AJ_ECANCELED; the
     * previous index is untouched.  Once the new generation is being
     * switched in the build completes. */
    const volatile sig_atomic_t *cancel;
    /* PDF, HTML and DOCX documents are read by the program
     * ajsearch-extract (docs/EXTRACT.md), one process per document.
     * extractor: its path; NULL = $AJSEARCH_EXTRACT, else beside the
     * running program, else where `make install` puts it, else on $PATH.
     * extract_memory: its address space in bytes (0 = 2 GiB, UINT64_MAX =
     * no limit); extract_seconds: its CPU time (0 = 60), the wall clock
     * allowing twice that plus 10 s.  A document it fails on is skipped
     * with an AJ_WARN_EXTRACT warning. */
    const char *extractor;
    uint64_t extract_memory;
    unsigned extract_seconds;
    /* A corpus of at least four times shard_bytes is indexed in shards of
     * about that many source bytes (README "Incremental builds"), and a
     * build reuses every shard of the live generation whose documents are
     * unchanged.  0 = the live index's setting (its shard size, or off),
     * else 8 MiB; UINT64_MAX = off: one unsharded index, which later builds
     * with 0 keep. */
    uint64_t shard_bytes;
} aj_build_opts;

typedef struct aj_build_stats {
    uint32_t ndocs;          /* documents indexed (those whose text could
                                not be extracted count, with no paragraph) */
    uint32_t nparas;         /* paragraphs indexed */
    uint32_t nskipped;       /* files skipped (each reported through warn) */
    uint64_t nterms;         /* distinct stemmed terms */
    uint64_t nwords;         /* distinct folded words (prefix dictionary) */
    uint64_t ntokens;        /* tokens = positions */
    uint64_t npostings;      /* (term, paragraph) pairs */
    uint64_t bytes_in;       /* source bytes read */
    uint64_t bytes_out;      /* index bytes written */
    uint32_t threads;        /* threads used */
    uint32_t nruns;          /* runs spilled to disk (0: all in memory) */
    double seconds;          /* wall time of the build */
    uint32_t warnings[AJ_WARN_NKINDS]; /* warnings reported, by kind */
    uint64_t fingerprint;    /* of the corpus as indexed (aj_corpus_status) */
    unsigned format;         /* index format version written */
    uint32_t nshards;        /* shards of the index (1: unsharded) */
    uint32_t shards_built;   /* of them, indexed by this build (the others
                                were the live generation's, unchanged) */
} aj_build_stats;

/* The default number of indexing threads: the number of CPUs. */
AJ_API int aj_build_default_threads(void);

/* Builds a new index of opts->corpus_dir and atomically replaces the one in
 * opts->index_dir.  The new generation is written beside the old one and
 * switched in with rename(2); on any failure (or if the process is killed)
 * the previous index stays in place and usable.  Fails with AJ_EBUSY if
 * another build holds the index lock, and with AJ_ECANCELED when
 * opts->cancel asked it to stop: then the message says what was removed
 * and which generation is still current.  stats may be NULL. */
AJ_API aj_err aj_build(aj_ctx *c, const aj_build_opts *opts, aj_build_stats *stats);

/* ------------------------------------------------------------------ */
/* Opening an index                                                    */
/* ------------------------------------------------------------------ */

typedef struct aj_index aj_index;

/* Maps the current generation of the index in dir.  Cost is independent of
 * the index size: headers and checksum tables are checked here, the pages
 * of each file are verified against their checksums the first time they are
 * touched (see FORMAT.md).  AJ_ENOTFOUND if dir holds no index, AJ_EVERSION
 * for another format version, AJ_ECORRUPT for damaged files.  On success
 * the caller owns *out and frees it with aj_index_close(). */
AJ_API aj_err aj_index_open(aj_ctx *c, const char *dir, aj_index **out);
AJ_API void aj_index_close(aj_index *ix);

/* ---- Is an index up to date with its corpus? ---- */

/* How a document differs between an index and its corpus now. */
enum {
    AJ_CHANGE_ADDED = 0,     /* in the corpus, not in the index */
    AJ_CHANGE_REMOVED = 1,   /* in the index, no longer in the corpus (or
                                now skipped, e.g. binary) */
    AJ_CHANGE_CONTENT = 2,   /* its bytes changed */
    AJ_CHANGE_METADATA = 3   /* its title, date or source changed */
};

/* Called for each document that differs, in path order. */
typedef void (*aj_change_fn)(void *arg, int change, const char *path);

typedef struct aj_status {
    uint64_t index_fingerprint;  /* of what the index holds */
    uint64_t corpus_fingerprint; /* of what a build would index now: the
                                    CI cache key (README "Using ajsearch in
                                    CI") */
    uint32_t index_docs, corpus_docs;
    uint64_t corpus_bytes;       /* bytes of the documents read */
    uint32_t changes[4];         /* documents by AJ_CHANGE_* */
    int up_to_date;              /* the fingerprints are equal */
} aj_status;

/* The fingerprint of corpus_dir as a build would index it now: reads
 * every document (as fast as the disk gives them: one hash per byte).
 * out->corpus_* are set, the rest zeroed. */
AJ_API aj_err aj_corpus_fingerprint(aj_ctx *c, const char *corpus_dir, aj_status *out);

/* Compares the index with corpus_dir document by document (fn may be
 * NULL) and fills *out. */
AJ_API aj_err aj_index_status(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                       aj_change_fn fn, void *arg, aj_status *out);

/* What aj_index_export copied. */
typedef struct aj_export_info {
    char generation[64];     /* the generation it came from, NUL-terminated
                                (a generation's name is at most 62 bytes:
                                FORMAT.md "Directory") */
    uint64_t bytes;          /* bytes copied */
} aj_export_info;

/* Copies the live generation of the index in index_dir into dest, flat
 * (the index files and nothing else), for publishing: any copy tool keeps
 * it whole and aj_index_open reads it.  dest must not exist or be an
 * empty directory.  The copy is written beside dest, synced, verified
 * like aj_index_check, then renamed to dest: dest is complete or absent.
 * Errors: those of aj_index_open, AJ_EINVAL (dest in the way), AJ_EIO,
 * AJ_ECORRUPT (the copy failed its check). info may be NULL. */
AJ_API aj_err aj_index_export(aj_ctx *c, const char *index_dir, const char *dest,
                       aj_export_info *info);

/* Verifies every page checksum and every structural invariant of the index
 * (sorted dictionary, postings decode, ids in range, positions consistent,
 * stored text decompresses).  AJ_OK or AJ_ECORRUPT with a message naming
 * the file, the section and the offset. */
AJ_API aj_err aj_index_check(aj_ctx *c, aj_index *ix);

/* What builds left in an index directory (see `ajsearch check`).  A build
 * that fails or is canceled removes what it wrote; one that is killed
 * (SIGKILL, a crash, a power cut) may leave one of these, which readers
 * ignore and the next build removes. */
enum {
    AJ_LEFTOVER_BUILD = 0,   /* .build-PID: a generation being written */
    AJ_LEFTOVER_CURRENT = 1, /* CURRENT.PID: the file a build was renaming
                                over CURRENT */
    AJ_LEFTOVER_GEN = 2      /* gen-N newer than the one CURRENT names: a
                                generation that was never switched in */
};

typedef struct aj_leftover {
    int kind;                /* AJ_LEFTOVER_* */
    const char *name;        /* in the index directory; valid during the
                                callback */
    long pid;                /* the build's process, from the name (0 for
                                AJ_LEFTOVER_GEN) */
    int running;             /* that process exists (kill(pid, 0)): a build
                                in progress rather than a leftover, unless
                                the process id was reused */
    uint64_t bytes;          /* the size of its files (0 for a link) */
} aj_leftover;

typedef void (*aj_leftover_fn)(void *arg, const aj_leftover *l);

/* Calls fn for each leftover of a build in the index directory dir, in
 * byte order of their names.  Reads names and sizes only, takes no lock
 * and changes nothing.  AJ_ENOTFOUND if dir does not exist, AJ_EIO if it
 * cannot be read. */
AJ_API aj_err aj_index_leftovers(aj_ctx *c, const char *dir, aj_leftover_fn fn, void *arg);

typedef struct aj_file_info {
    const char *name;        /* "meta.aj", "dict.aj", ... */
    uint64_t nbytes;         /* size on disk */
} aj_file_info;

/* The most files a generation can have: room for a future format's. */
#define AJ_MAX_INDEX_FILES 8

typedef struct aj_index_stats {
    uint32_t ndocs, nparas;
    uint32_t nchrome;        /* of the paragraphs, page chrome */
    uint64_t chrome_tokens;  /* tokens of the chrome paragraphs */
    uint64_t nterms, nwords, npostings, ntokens;
    double avgdl;
    uint32_t nacronyms;      /* acronym definitions mined by the build */
    const char *generation;  /* directory name of the mapped generation */
    size_t nfiles;           /* files of the generation (5 in format 8), at
                                most AJ_MAX_INDEX_FILES */
    aj_file_info files[AJ_MAX_INDEX_FILES];
} aj_index_stats;

AJ_API void aj_index_stats_get(const aj_index *ix, aj_index_stats *st);

/* The chrome paragraphs by kind: counts[k] for AJ_CHROME_* k (8 entries).
 * Reads the records of the chrome paragraphs only. */
AJ_API aj_err aj_index_chrome_counts(aj_ctx *c, const aj_index *ix, uint32_t counts[8]);

/* What the acronym definitions take in meta.aj: the ACRONYMS section and
 * their strings (an upper bound: strings shared with titles count too).
 * Reads every definition, so it is apart from aj_index_stats_get. */
AJ_API uint64_t aj_index_acronym_bytes(const aj_index *ix);

typedef struct aj_doc_info {
    const char *path;        /* relative to the corpus directory */
    const char *title, *date, *source;  /* "" when unknown */
    uint32_t first_para, nparas;
    int cite_path;           /* another document has the same title and
                                date: citations name this one's path */
    uint64_t size, xxh3;     /* the source file's size and XXH3-64 (seed 0)
                                when it was indexed */
    const char *format;      /* how its text was read: "text", or "pdf",
                                "html", "docx" (extracted: paragraph byte
                                ranges are then in the text that
                                `ajsearch-extract FILE` prints, and a PDF's
                                paragraphs have pages) */
    int own_title, own_date; /* title, date: the document's own (extracted
                                from it), not metadata.tsv's */
    int failed;              /* its text could not be extracted: it has no
                                paragraph (the build warned) */
} aj_doc_info;

/* Kinds of page chrome (aj_para_info.chrome; README "Corpus and
 * paragraphs" gives the rules): paragraphs of kind AJ_PARA_CHROME are the
 * site around a page's content, stored and shown by `dump`, but left out
 * of searches (unless aj_search_opts.chrome), of BM25's statistics and of
 * the numbers paragraphs are cited by. */
enum {
    AJ_CHROME_NONE = 0,
    AJ_CHROME_NAVIGATION = 1, /* site navigation, breadcrumbs, "Back to ..." */
    AJ_CHROME_CAPTION = 2,    /* photo captions and credits */
    AJ_CHROME_DATE = 3,       /* the page's date and time of publication */
    AJ_CHROME_LINKS = 4,      /* link lists, attached files ("(PDF)") */
    AJ_CHROME_CONTENTS = 5    /* a table of contents */
};

typedef struct aj_para_info {
    uint32_t id;             /* 0..nparas-1, document order */
    uint32_t doc;            /* index of the document */
    uint32_t ordinal;        /* 1-based among the document's paragraphs that
                                are not chrome (headings count); 0 for
                                chrome.  "paragraph N" in a citation. */
    uint32_t block;          /* 1-based among all of the document's
                                paragraphs, chrome included */
    const char *label;       /* the document's own number for it, or NULL */
    int mark;                /* how the label is written: AJ_MARK_DOT "8.",
                                _CLOSE "8)", _PARENS "(8)", _BARE "1 Title",
                                _BULLET (no label) (segment.h) */
    uint64_t start, end;     /* byte range of its text in the source file
                                (an extracted document's: in its text,
                                aj_doc_info.format) */
    uint32_t len;            /* number of tokens (BM25 dl) */
    int kind;                /* AJ_PARA_BODY / _HEADING / _ITEM / _CHROME
                                (segment.h) */
    int chrome;              /* AJ_CHROME_* (AJ_CHROME_NONE unless chrome) */
    uint32_t section;        /* the heading of the section it is in (the
                                innermost enclosing heading), or AJ_NO_PARA */
    uint32_t page;           /* PDF: the page it begins on (1-based); 0 for
                                other formats */
} aj_para_info;

/* "body", "heading", "item", "chrome:navigation", "chrome:caption", ...:
 * the kind of a paragraph as `dump` shows it (a static string). */
AJ_API const char *aj_para_kind_name(int kind, int chrome);

AJ_API aj_err aj_doc_get(aj_ctx *c, const aj_index *ix, uint32_t doc, aj_doc_info *out);
AJ_API aj_err aj_para_get(aj_ctx *c, const aj_index *ix, uint32_t id, aj_para_info *out);

/* No paragraph (aj_para_heading's answer for a paragraph before any
 * heading of its document). */
#define AJ_NO_PARA UINT32_MAX

/* The section paragraph id falls under: sets *heading_id to the heading
 * of the innermost section that holds it (aj_para_info.section; the
 * outline is README "Corpus and paragraphs"), or to AJ_NO_PARA when it is
 * in none.  Errors: AJ_EINVAL for an id out of range, AJ_ECORRUPT. */
AJ_API aj_err aj_para_heading(aj_ctx *c, const aj_index *ix, uint32_t id,
                       uint32_t *heading_id);

/* ---- Citations ---- */

/* Heading texts in a citation are cut to this many bytes (then "…"); in
 * aj_cite.section to AJ_SECTION_BYTES. */
#define AJ_CITE_HEADING_BYTES 80
#define AJ_SECTION_BYTES 160

/* How a paragraph is cited (README "Output", citations): the document's
 * title and date, then the place within it.  No two paragraphs of an
 * index that are not chrome share a citation: the place names the
 * paragraph's label ("¶ iv"), a heading by its text ("heading “Economic
 * Cooperation”"), a paragraph without a label by its position in its
 * section ("under “Trusted Partners”, paragraph 3") or in the document
 * ("paragraph 15"), and adds the enclosing headings a repeated label needs
 * ("under 3. “Closing Remarks”, ¶ iv").  The index stores how much of the
 * outline each paragraph's citation names, decided at build time so that
 * the citations of each document are distinct. */
typedef struct aj_cite {
    const char *cite;        /* the whole citation: "Title · date · place"
                                (with the document's path after the date
                                when another document has the same title
                                and date) */
    const char *place;       /* the place within the document (a suffix of
                                cite) */
    const char *title, *date;/* the document's (date "" when unknown) */
    const char *path;        /* the document's path when the citation names
                                it, else NULL */
    const char *heading;     /* the text of the innermost enclosing
                                heading, or NULL */
    size_t nsection;         /* enclosing headings, outermost first: */
    const char *const *section; /* each as the page shows it, with its
                                number ("1. ASEAN-Japan cooperation"), cut
                                to AJ_SECTION_BYTES */
    const uint32_t *section_ids; /* their paragraph ids */
    uint32_t position;       /* for "paragraph N" places: N, else 0 */
    void *mem;               /* everything above lives here: free with
                                aj_cite_free() */
} aj_cite;

/* Fills *out with the citation of paragraph id.  Reads the paragraph's
 * record and those of its enclosing headings and their texts: the cost
 * depends on the depth of the outline, not on the size of the document.
 * Errors: AJ_EINVAL for an id out of range, AJ_ECORRUPT, AJ_ENOMEM; *out
 * then holds nothing to free. */
AJ_API aj_err aj_para_cite(aj_ctx *c, aj_index *ix, uint32_t id, aj_cite *out);
AJ_API void aj_cite_free(aj_cite *cite);

/* Decompresses paragraph id's text (exactly the text that was analyzed).
 * *text is NUL-terminated and owned by the caller, who frees it with
 * aj_free() (or free(), from a C program using the same C library).  Threads share
 * the index's cache of decompressed blocks under a lock; a searcher has
 * its own (aj_search_para_text). */
AJ_API aj_err aj_para_text(aj_ctx *c, aj_index *ix, uint32_t id, char **text,
                    size_t *len);

/* An acronym the build found defined in the corpus ("Long Form (ACR)" or
 * "ACR (Long Form)"), one per distinct (acronym, long form) pair. */
typedef struct aj_acronym {
    const char *acronym;     /* as written where it was first defined */
    const char *long_form;   /* likewise */
    uint32_t count;          /* paragraphs defining it with this long form */
    uint32_t first_para;     /* id of the first of them */
} aj_acronym;

/* Number of acronym definitions in the index, sorted by acronym (folded),
 * then long form. */
AJ_API uint32_t aj_acronym_count(const aj_index *ix);

/* Definition i (< aj_acronym_count); strings point into the index.
 * AJ_ECORRUPT if its record is damaged. */
AJ_API aj_err aj_acronym_get(aj_ctx *c, const aj_index *ix, uint32_t i,
                      aj_acronym *out);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

/* Limits on queries; exceeding one is AJ_ELIMIT with the position. */
#define AJ_MAX_QUERY_BYTES   (64u * 1024)
#define AJ_MAX_QUERY_DEPTH   64     /* nested parentheses */
#define AJ_MAX_QUERY_CLAUSES 1024   /* leaves (terms, phrases, prefixes) */
#define AJ_MAX_PREFIX_TERMS  50000  /* words one prefix may expand to */
/* Postings the prefixes of one query may read plus paragraphs its phrases
 * may examine, in all: bounds the time and the memory (8 bytes a match)
 * of the lists these clauses are evaluated into. */
#define AJ_MAX_QUERY_EXPANSION (1u << 25)

/* How hits are ordered (README "Ranking"). */
typedef enum {
    AJ_RANK_FULL = 0,        /* BM25 times proximity, heading and kind
                                factors, then partial matches (the default;
                                exact for every offset and limit) */
    AJ_RANK_BM25 = 1         /* exact BM25 of the boolean matches only */
} aj_rank_mode;

/* What aj_search does about the words of a query that no paragraph
 * contains (README "Did you mean"; the rule is in suggest.h). */
typedef enum {
    AJ_CORRECT_AUTO = 0,     /* propose corrections, and when no paragraph
                                matches the query as written and every
                                missing word is a misspelling with a close
                                correction, run the corrected query instead
                                (results.corrected) */
    AJ_CORRECT_PROPOSE = 1,  /* propose corrections, run only the query as
                                written */
    AJ_CORRECT_OFF = 2       /* no proposals (missing words are still
                                listed) */
} aj_correct_mode;

/* A word of a query: its bytes [pos, pos + len).  For a missing word,
 * chrome is 1 when the word does occur, but only in page chrome, which
 * the search left out (aj_search_opts.chrome searches it). */
typedef struct aj_qword {
    size_t pos, len;
    int chrome;
} aj_qword;

typedef struct aj_suggestion aj_suggestion;

typedef struct aj_search_opts {
    double k1, b;            /* BM25 parameters; negative: the ranking
                                mode's default (AJ_FULL_K1/_B or
                                AJ_BM25_K1/_B) */
    uint32_t offset, limit;  /* hits to skip and to return */
    int explain;             /* fill aj_hit.explain */
    int exact_total;         /* count every match (default 1); 0 lets the
                                search skip paragraphs that cannot reach the
                                top offset+limit (dynamic pruning), and
                                results.total is then a lower bound */
    aj_rank_mode rank;       /* AJ_RANK_FULL (default) or AJ_RANK_BM25 */
    double w_prox, w_head;   /* AJ_RANK_FULL: weights of the proximity and
                                heading factors (defaults AJ_W_PROX,
                                AJ_W_HEAD) */
    double heading_hit;      /* AJ_RANK_FULL: factor (0..1) of a hit that is
                                itself a heading (default AJ_HEADING_HIT) */
    int partial;             /* AJ_RANK_FULL: after the paragraphs matching
                                a query whose top level is an AND, list those
                                that match some of its clauses (default 1) */
    int doc_counts;          /* fill results.doc_matches: the number of
                                matching paragraphs of every document, over
                                all matches (implies exact_total) */
    int expand;              /* add compound and acronym alternatives
                                (default 1; see README "Acronyms and
                                compounds") */
    aj_correct_mode correct; /* spelling: AJ_CORRECT_AUTO (default),
                                _PROPOSE or _OFF; see "Did you mean" below */
    int chrome;              /* also search page chrome (AJ_PARA_CHROME):
                                it then matches, counts and takes part in
                                BM25's statistics like any paragraph
                                (default 0: chrome is neither found nor
                                counted in N, df and avgdl) */
    uint32_t group;          /* 0 (default): hits are paragraphs.  n > 0:
                                results by document (results.groups):
                                documents in order of their best
                                paragraph, each with its n best paragraphs;
                                offset and limit then count documents.
                                Only paragraphs matching the whole query
                                are grouped (no partial matches), and
                                results.doc_matches is filled.  Exact,
                                without ranking every match: see README
                                "Grouping". */
    /* Filters (README "Filters and facets"; NULL: none).  Only the
     * paragraphs of the documents that pass all of them are found,
     * counted, ranked, grouped and faceted, inside the evaluation, so
     * totals and pages are exact; BM25's statistics stay the whole
     * index's, so a filter never changes a score.  The query may carry
     * the same as fields (date:2024..2025, doc:2025-*, source:MOFA), which
     * apply too. */
    const char *since, *until; /* dates YYYY, YYYY-MM or YYYY-MM-DD: a
                                document passes when the span of days its
                                date names meets [since, until]; one
                                without a date does not */
    const char *doc;         /* glob on the document's path (fnmatch(3),
                                '*' also crosses '/') */
    const char *source;      /* text its source contains (ASCII case
                                ignored) */
    unsigned facets;         /* AJ_FACET_* bits: matching paragraphs
                                counted by value (results.facets) */
} aj_search_opts;

/* What aj_search_opts.facets counts by (aj_facet.kind). */
enum {
    AJ_FACET_YEAR = 1,       /* the date's year ("2024") */
    AJ_FACET_MONTH = 2,      /* its year and month ("2024-03"), or the
                                year alone for a date without a month */
    AJ_FACET_DATE = 4,       /* the date as the document gives it */
    AJ_FACET_DOC = 8,        /* the document's path */
    AJ_FACET_SOURCE = 16     /* the document's source */
};

/* A facet: the values of one kind among the matching paragraphs' documents,
 * each with the number of matching paragraphs (full matches, after the
 * filters).  Dates (year, month, date) come in increasing order, for a
 * timeline; documents and sources by count, highest first, then by value.
 * A value "" gathers the documents without one (no date, no source).
 * Strings are owned by the searcher or the index. */
typedef struct aj_facet_value {
    const char *value;
    uint64_t count;
} aj_facet_value;

typedef struct aj_facet {
    unsigned kind;           /* one AJ_FACET_* */
    const aj_facet_value *values;
    size_t n;
} aj_facet;

/* Defaults, chosen on the relevance judgments (tests/relevance/tune.py,
 * README "Ranking"); AJ_RANK_BM25 keeps the textbook parameters. */
#define AJ_FULL_K1 0.6
#define AJ_FULL_B 0.3
#define AJ_W_PROX 0.5
#define AJ_W_HEAD 0.0
#define AJ_HEADING_HIT 0.5
#define AJ_BM25_K1 1.2
#define AJ_BM25_B 0.75

/* The k1 and b a search with these options uses. */
AJ_API double aj_search_k1(const aj_search_opts *o);
AJ_API double aj_search_b(const aj_search_opts *o);

AJ_API void aj_search_opts_init(aj_search_opts *o);

/* One contribution to a hit's score, for --explain. */
typedef struct aj_explain {
    const char *clause;      /* the clause as written ("maritime", "\"south china sea\"") */
    uint32_t tf, df, dl;
    double idf, score;
} aj_explain;

typedef struct aj_hit {
    uint32_t id;             /* paragraph id */
    double score;            /* what it is ranked by (see below) */
    /* AJ_RANK_FULL: score = bm25 * (1 + w_prox * proximity)
     *                     * (1 + w_head * heading) * kind * share.
     * AJ_RANK_BM25: score = bm25 and the other factors are 0. */
    double bm25;             /* BM25 of the clauses it matches */
    double proximity;        /* 0..1, see rank.h */
    double heading;          /* 0..1, see rank.h */
    double kind;             /* heading_hit for a heading paragraph, else 1 */
    double share;            /* 1 for a full match; for a partial one, the
                                idf-weighted share of the clauses it matches
                                (rank.h), by which partial hits rank first */
    uint32_t matched, clauses; /* top-level clauses matched / in the query;
                                matched < clauses: a partial match */
    aj_explain *explain;     /* nexplain entries when opts.explain, else NULL */
    size_t nexplain;
} aj_hit;

/* A highlightable match: byte offsets into the paragraph text of what
 * satisfied a positive clause of the query: a word, or a whole phrase
 * occurrence from its first word's start to its last word's end. */
typedef struct aj_span {
    uint32_t start, end;
    uint32_t term;           /* which clause it matched (query word, phrase,
                                prefix): equal for spans of the same one,
                                so a snippet can count distinct matches */
} aj_span;

/* A document of grouped results (aj_search_opts.group). */
typedef struct aj_group {
    uint32_t doc;            /* document id (aj_doc_get) */
    uint32_t matches;        /* its paragraphs that match the query */
    double score;            /* its best paragraph's score */
    const aj_hit *hits;      /* its best paragraphs (at most opts.group),
                                best first: a slice of results.hits */
    size_t nhits;
} aj_group;

typedef struct aj_results {
    uint64_t total;          /* paragraphs matching the query */
    int total_exact;         /* 0 when total is only a lower bound */
    size_t nhits;            /* hits returned (after offset/limit) */
    size_t npartial;         /* of them, partial matches (at the end) */
    aj_hit *hits;
    double seconds;          /* time spent evaluating */
    uint64_t decoded;        /* postings decoded to answer it */
    const uint32_t *doc_matches; /* with opts.doc_counts: ndocs counts of
                                matching paragraphs, by document; else NULL */
    /* Alternatives the query was expanded with that match something,
     * readable ("UNCLOS = \"United Nations Convention on the Law of the
     * Sea\"", "cyber security = cybersecurity"); owned by the searcher. */
    const char *const *also;
    size_t nalso;
    /* The query's positive top-level clauses when it is an AND of two or
     * more (partial matches then match some of them: aj_hit.clauses), else
     * 1.  A header says "match all words" only when this is 2 or more. */
    uint32_t clauses;
    /* Words and spelling (README "Did you mean"; all owned by the
     * searcher).  missing: the plain words of the query as given that no
     * paragraph contains, neither as written nor through an expansion
     * ("sanctions"), each once, in query order; set whatever opts.correct
     * is.  suggestion: the proposed corrections of the missing words, or
     * NULL.  corrected: 1 when the hits, total and everything else above
     * are those of suggestion->query, run in place of the query as given
     * (AJ_CORRECT_AUTO); then every missing word had an automatic
     * correction.  given: the query passed to aj_search (the caller's
     * bytes, which missing[] positions index).  query: the query that
     * ran (given, or suggestion->query). */
    const aj_qword *missing;
    size_t nmissing;
    const aj_suggestion *suggestion;
    int corrected;
    const char *given, *query;
    size_t given_len, query_len;
    /* With opts.group: the documents of the page (after offset and limit)
     * in rank order, their hits together making up hits[0..nhits), and
     * the number of documents that match in all; else NULL, 0, 0. */
    const aj_group *groups;
    size_t ngroups;
    uint64_t total_groups;
    /* With opts.facets: one facet per bit set, in bit order; else NULL,
     * 0.  filtered: 1 when some filter (options or query fields) was in
     * force. */
    const aj_facet *facets;
    size_t nfacets;
    int filtered;
} aj_results;

typedef struct aj_searcher aj_searcher;

/* A searcher holds per-query state (arena, analyzer).  One per thread. */
AJ_API aj_err aj_searcher_new(aj_ctx *c, aj_index *ix, aj_searcher **out);
AJ_API void aj_searcher_free(aj_searcher *s);

/* Paragraph id's stored text, like aj_para_text, but through the
 * searcher's own zstd context and cache of decompressed blocks: no lock
 * and, once warm, no allocation.  *text points into the searcher (len
 * bytes, not NUL-terminated) and stays valid until the searcher's next
 * call of this function or its free.  Errors as aj_para_text's. */
AJ_API aj_err aj_search_para_text(aj_ctx *c, aj_searcher *s, uint32_t id, const char **text,
                           size_t *len);

/* Parses and runs query q (q_len bytes, any bytes allowed).  Syntax errors
 * are AJ_ESYNTAX with ctx->pos at the offending byte.  The results are
 * owned by the searcher and valid until its next search or free. */
AJ_API aj_err aj_search(aj_ctx *c, aj_searcher *s, const char *q, size_t q_len,
                 const aj_search_opts *opts, const aj_results **out);

/* Finds the spans of paragraph text that satisfied the last query's
 * positive clauses (README "Output: snippets"): each word clause's
 * occurrences, each phrase occurrence as one span, a NEAR's item
 * occurrences that lie in a qualifying window, never a negated clause,
 * and a common word (of, the, ...) only where it joins two other marks,
 * unless nothing else in the paragraph is marked.  Overlapping matches merge, so the spans are
 * sorted and disjoint.  Writes up to cap of them into out and returns how
 * many there are in all (which may exceed cap); 0 when memory runs out. */
AJ_API size_t aj_search_highlight(aj_searcher *s, const char *text, size_t len,
                           aj_span *out, size_t cap);

/* A byte range [start, end) of a source file. */
typedef struct aj_range {
    uint64_t start, end;
} aj_range;

/* Where spans of paragraph id's text lie in its source file: text[0..len)
 * is the paragraph's stored text (aj_para_text) and corpus_dir the
 * directory the index was built from (the index does not record it).
 * The paragraph's own lines are read and cleaned again with a map (its
 * document is read from the start only when they cannot give its text:
 * README "Output", JSON), and out[i] receives the source bytes of spans[i]: for a word
 * with markup, entities or a line break inside, all of them.  Errors:
 * AJ_ENOTFOUND when the file is missing or no longer yields exactly the
 * indexed text (changed since indexing), or when its text was extracted
 * (a PDF, HTML or DOCX document: aj_doc_info.format; its paragraphs' byte
 * ranges are in that text, and a PDF's have pages), AJ_EIO, AJ_ENOMEM;
 * out is then not (entirely) written. */
AJ_API aj_err aj_para_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                             uint32_t id, const char *text, size_t len,
                             const aj_span *spans, size_t n, aj_range *out);

/* aj_para_source_ranges for many hits at once, each file opened once for
 * all its hits.  For each hit, found is set to 1 when
 * out (nspans entries) was filled, else 0 (file missing or changed:
 * changed is then set when the file's size or checksum differs from what
 * the index recorded; or its text was extracted); that is not an error.  Errors: AJ_ENOMEM, AJ_EINVAL for a bad id. */
typedef struct aj_source_hit {
    uint32_t id;             /* paragraph */
    const char *text;        /* its stored text */
    size_t len;
    const aj_span *spans;    /* ranges of text to map */
    size_t nspans;
    aj_range *out;           /* receives nspans source ranges */
    int found;
    int changed;             /* not found because the file's size or
                                checksum is no longer what was indexed
                                (found = changed = 0: missing, unreadable) */
} aj_source_hit;

AJ_API aj_err aj_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                        aj_source_hit *hits, size_t n);

/* ---- Did you mean ---- */

/* One corrected word: query bytes [pos, pos + len) held `original`, a
 * word no paragraph contains, for which `word` is proposed (in the
 * original's case: "Maritine" -> "Maritime"); df of the original's term
 * (0) and of the proposed word; `automatic`: the original is not an
 * English word, not written in capitals, and the proposal is close (see
 * suggest.h), so AJ_CORRECT_AUTO may run it. */
typedef struct aj_correction {
    size_t pos, len;
    char *original, *word;
    uint32_t df_original, df_word;
    int edits;
    int automatic;
} aj_correction;

struct aj_suggestion {
    char *query;              /* the query with the corrected words
                                 replaced, every other byte as it was */
    size_t query_len;
    aj_correction *fixes;     /* in query order */
    size_t nfixes;
};

/* The proposals aj_search would make for query q (results.suggestion),
 * for callers that want them without searching: the query is parsed,
 * expanded (as opts.expand = 1) and its clauses looked up, and the
 * missing words get the proposals of the rule in suggest.h.  *out is
 * NULL when there is nothing to propose; else the caller owns it and
 * frees it with aj_suggestion_free().  Does not disturb the searcher's
 * last results.  Errors: those of aj_search (AJ_ESYNTAX, AJ_ELIMIT with
 * ctx->pos) and of reading the index. */
AJ_API aj_err aj_suggest(aj_ctx *c, aj_searcher *s, const char *q, size_t q_len,
                  aj_suggestion **out);
AJ_API void aj_suggestion_free(aj_suggestion *sg);

/* Chooses the passage of text[0..len) to display: at most max_bytes,
 * holding as many distinct matched words (aj_span.term) of the (sorted)
 * spans as possible, then as many spans, cut at spaces.
 * Writes its byte range to [*ws, *we). */
AJ_API void aj_snippet_window(const char *text, size_t len, const aj_span *spans,
                       size_t nspans, size_t max_bytes, size_t *ws,
                       size_t *we);

#endif
