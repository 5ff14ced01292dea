/*
 * bworker.h - the indexing worker: turns a chunk of documents into
 * segments (paragraph records, compressed text frames, and a small
 * inverted index with paragraph ids counted from 0).
 *
 * A chunk is a run of whole documents, fixed before any thread starts, so
 * what a chunk produces does not depend on how many threads there are.  A
 * long chunk is cut into several segments (every AJ_SEG_TOKENS tokens) so
 * that a worker's memory stays bounded whatever the shape of the input.
 * The coordinator (build.c) takes segments strictly in (chunk, seq) order.
 */
#ifndef AJ_BWORKER_H
#define AJ_BWORKER_H

#include <stddef.h>
#include <stdint.h>

#include "ajsearch.h"
#include "analysis/block.h"
#include "build/corpus.h"
#include "build/docmap.h"
#include "build/invert.h"
#include "format/pairs.h"
#include "format/store.h"

#define AJ_CHUNK_BYTES (1u << 20)     /* documents are grouped up to this */
#define AJ_CHUNK_MIN (64u << 10)      /* ... or down to this for small corpora */
#define AJ_SEG_TOKENS (1u << 20)      /* a segment holds about this many */
/* A document that begins in a segment. */
typedef struct aj_bdoc {
    size_t corpus_doc;       /* index in the corpus list */
    char *title;             /* its title if metadata has none: the
                                document's own (extracted), else its first
                                line; NULL with metadata's */
    char *date;              /* its own date (extracted) if metadata has
                                none, or NULL */
    char *skip;              /* why it was skipped, or NULL */
    int skip_kind;           /* AJ_WARN_* when skipped */
    char *changed;           /* it changed while it was read (a warning,
                                AJ_WARN_CHANGED), or NULL */
    uint64_t bytes;          /* source bytes indexed: the file's size */
    uint64_t xxh3;           /* XXH3-64 of those bytes (source.c tells a
                                changed file by it) */
    int format;              /* aj_docfmt */
    uint32_t pages;          /* PDF: its pages */
} aj_bdoc;

typedef struct aj_bpara {
    size_t corpus_doc;
    uint32_t ordinal;
    uint64_t start;
    uint32_t srclen, label, block, off, textlen, kind, len;
    uint32_t page;           /* PDF: the page it starts on; 0 otherwise */
} aj_bpara;                  /* label: offset in strings + 1, 0 = none */

/* A document that ends in the segment, with what the page-chrome and
 * outline passes made of all its paragraphs (those of earlier segments
 * too): final kinds, sections, numbers, citations. */
typedef struct aj_bdocout {
    size_t corpus_doc;
    aj_block *blocks;        /* owned */
    size_t n;
} aj_bdocout;

/* What a key's flags (aj_inverter_flag) say, the same for a term and for
 * a word of the same bytes: a word spelled as the key has the key as its
 * term (SELF), a word spelled otherwise has the key as its term (OTHER).
 * A word whose flags are exactly SELF is its own term and the only word of
 * that term, so its postings are the term's (build.c stores them once);
 * both dictionaries learn it from the flags alone, key by key, without a
 * table from words to terms. */
#define AJ_KEY_SELF 1u
#define AJ_KEY_OTHER 2u

/* A hand-over of at least AJ_FRESH_KEYS terms says whether most of them
 * are new to its worker: named for the first time, and not among the
 * terms it knew before it last forgot its keys.  A vocabulary that does
 * not repeat (random tokens, encoded data) is all such terms; prose
 * repeats its words from segment to segment, large vocabularies
 * included.  The coordinator writes such hand-overs to runs of their own
 * (build.c); what a worker knows does not depend on what the coordinator
 * did with its earlier hand-overs, so that choice cannot feed on itself. */
#define AJ_FRESH_KEYS 16384
#define AJ_FRESH_UNKNOWN 0   /* fewer terms: no evidence either way */
#define AJ_FRESH_YES 1
#define AJ_FRESH_NO 2

/* One hand-over of a worker's inversions: a segment has one, or more when
 * the worker's tables outgrew its share of memory in the middle of the
 * segment (it then hands over what it has and forgets its keys). */
typedef struct aj_bexport {
    aj_inv_export terms, words;  /* postings, ids of the worker's keys */
    char *others;            /* terms of words spelled otherwise (flag
                                AJ_KEY_OTHER for the word of those bytes),
                                back to back */
    uint8_t *olens;
    size_t nothers, nobytes, capothers, capobytes;
    int fresh;               /* AJ_FRESH_*: whether most of its terms are
                                new to the worker (for a hand-over of at
                                least AJ_FRESH_KEYS terms) */
} aj_bexport;

/* An acronym definition found in a paragraph of the segment. */
typedef struct aj_bacro {
    uint32_t para;           /* index in the segment's paras */
    uint32_t acr, lf;        /* offsets in strings + 1 */
} aj_bacro;

typedef struct aj_bseg {
    uint32_t chunk, seq;
    uint32_t worker;         /* which worker made it (its key ids) */
    int last;                /* the last segment of its chunk */
    struct aj_bseg *next;    /* in the coordinator's ready list */
    aj_bdoc *docs;
    size_t ndocs, capdocs;
    aj_bpara *paras;
    size_t nparas, capparas;
    char *strings;           /* labels and acronyms, NUL-terminated */
    size_t nstrings, capstrings;
    aj_bdocout *outs;        /* documents that end here */
    size_t nouts, capouts;
    aj_bacro *acros;         /* acronym definitions (acronym.h) */
    size_t nacros, capacros;
    int acro_nomem;
    aj_store_packer store;
    aj_bexport *exps;        /* in the order made */
    size_t nexps, capexps;
    uint64_t ntokens;
} aj_bseg;

typedef struct aj_bchunk {
    size_t first, end;       /* corpus documents [first, end) */
    uint64_t bytes;          /* their size when the corpus was scanned */
} aj_bchunk;

/* Splits the corpus into chunks of about chunk_bytes (0: chosen from the
 * corpus size), deterministically, by document sizes. */
aj_err aj_bchunks(aj_ctx *c, const char *root, const aj_corpus *cp,
                  uint64_t chunk_bytes, aj_bchunk **out, size_t *n);

/* Receives each finished segment (ownership passes to the callee). */
typedef aj_err (*aj_bseg_fn)(aj_ctx *c, void *arg, aj_bseg *s);

typedef struct aj_bworker aj_bworker;

/* seg_tokens: hand a segment over after about this many tokens; id: the
 * worker's number, copied into its segments. */
aj_err aj_bworker_new(aj_ctx *c, uint64_t seg_tokens, uint32_t id,
                      aj_bworker **out);
/* The dictionary its segments compress their texts with (store.h); it
 * must outlive the worker.  None by default. */
void aj_bworker_set_dict(aj_bworker *w, const aj_store_dict *d);
/* The common terms whose adjacent pairs the worker indexes as terms too
 * (pairs.h); they must outlive the worker.  None by default. */
void aj_bworker_set_pairs(aj_bworker *w, const aj_pairs *p);
/* A flag that, once non-zero, makes aj_bworker_run stop at the next
 * paragraph with AJ_ECANCELED (aj_build_opts.cancel).  NULL by default. */
void aj_bworker_set_cancel(aj_bworker *w, const volatile sig_atomic_t *cancel);
/* How the worker reads documents (docmap.h: extracting the text of PDF,
 * HTML and DOCX, copying large files), and documents already read (by the
 * sampling of build.c):
 * pre[i], when not NULL, is corpus document i, which the worker takes
 * (and frees) instead of reading it again.  Both must outlive the
 * worker; a chunk's documents are one worker's alone. */
void aj_bworker_set_reading(aj_bworker *w, const aj_docmap_opts *o, aj_docmap **pre);
/* The bytes the worker's tables of keys may hold (about) before it hands
 * its postings over and forgets its keys; 0: no limit. */
void aj_bworker_set_limit(aj_bworker *w, uint64_t bytes);
/* With on, aj_bworker_run analyzes on a thread of its own (segmenting,
 * packing texts, tokenizing, stemming) while the calling thread indexes:
 * for a thread the build would leave idle, as when a corpus has fewer
 * chunks than threads.  The index is the same either way.  Off by
 * default. */
void aj_bworker_set_helper(aj_bworker *w, int on);
void aj_bworker_free(aj_bworker *w);

/* Segments chunk `ci` of the corpus and hands its segments to fn. */
aj_err aj_bworker_run(aj_ctx *c, aj_bworker *w, const char *root,
                      const aj_corpus *cp, const aj_bchunk *chunk,
                      uint32_t ci, aj_bseg_fn fn, void *arg);

void aj_bseg_free(aj_bseg *s);

#endif
