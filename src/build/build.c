/*
 * build.c - the indexer's coordinator: corpus -> chunks -> workers ->
 * segments -> one global inversion -> index files.
 *
 * Workers (bworker.c) segment, analyze and compress chunks of documents in
 * parallel.  This thread takes their segments strictly in chunk order,
 * gives their paragraphs global ids, appends their compressed texts to
 * stor.aj and their paragraph records to temporary files, and absorbs
 * their small inversions into the global one.  When the global postings
 * pass the memory budget they go to a sorted run file.  At the end runs
 * and memory are merged key by key into post.aj/posn.aj, then the
 * dictionaries and meta.aj are written, all inside a private build
 * directory that gen.c switches in atomically.
 *
 * Output depends only on the corpus: chunks are cut by document sizes, run
 * boundaries do not show in the merged lists, so the files are
 * byte-identical for any number of threads or memory budget.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "index/fingerprint.h"

#include "common/io.h"
#include "analysis/acronym.h"
#include "ajsearch.h"
#include "build/build.h"
#include "build/bworker.h"
#include "common/bytes.h"
#include "common/grow.h"
#include "build/corpus.h"
#include "format/dict.h"
#include "format/file.h"
#include "index/gen.h"
#include "index/index.h"
#include "build/invert.h"
#include "build/listpipe.h"
#include "build/pairchoose.h"
#include "build/lex.h"
#include "build/shard.h"
#include "format/postings.h"
#include "analysis/segment.h"
#include "format/store.h"

#define DEFAULT_MEMORY (512ull << 20)
#define MAX_RUNS 4096

typedef struct {
    uint32_t path, title, date, source, first, n;
    uint64_t size, xxh3;     /* the source file's, as indexed */
    uint64_t cited_as;       /* hash of (title, date): documents that share
                                it are cited with their paths */
    uint32_t flags;          /* AJ_DOC_* but CITE_PATH (index.h) */
} doc_rec;

/* Extracted documents the sampling keeps for the workers (docmap.h), at
 * most this many bytes of their texts and files together. */
#define PRE_BYTES (256ull << 20)

/* The share of the memory budget each worker's tables of keys may hold
 * (bworker.h, aj_bworker_set_limit), between these bounds. */
#define WORKER_TABLES_MIN (1ull << 20)
#define WORKER_TABLES_MAX (128ull << 20)

/* An acronym definition as found (acronym.h), with the keys that group
 * the spellings of one definition; one allocation holds the four
 * strings. */
typedef struct {
    char *acr, *lf, *akey, *lkey;
    uint32_t para;
} acro_def;

/* Definitions kept at most (beyond, the rest are ignored: the limit is
 * far above what documents define, and keeps a hostile corpus's cost
 * bounded). */
#define MAX_ACRO_DEFS (1u << 20)

typedef struct builder {
    aj_ctx *c;
    const aj_build_opts *o;
    const aj_corpus *cp;
    aj_gen *g;
    /* global state */
    aj_inverter *terms, *words;
    /* per worker: its keys and their global ids */
    aj_inv_map *map_t, *map_w;
    int nworkers;
    int helpers;             /* workers given an analysis thread */
    uint32_t *lens;          /* paragraph lengths */
    uint64_t nparas;
    size_t caplens;
    uint8_t *kinds;          /* paragraph kinds, final once the paragraph's
                                document has ended */
    size_t capkinds;
    uint64_t nouts;          /* paragraphs whose document has ended */
    uint64_t nchrome;        /* chrome paragraphs (counted at the end) */
    FILE *cdf_tmp;           /* terms of chrome paragraphs (CHROMEDF
                                records), by term id */
    uint64_t ncdf;
    doc_rec *docs;
    uint64_t ndocs;
    int64_t *corpus_to_doc;  /* corpus index -> doc index, -1 if skipped */
    FILE *paras_tmp, *strings_tmp, *cites_tmp;
    uint64_t nstrings;
    aj_fwriter *stor;
    aj_store_writer *store;
    aj_store_dict sdict;     /* the texts' dictionary (store.h) */
    aj_pairs common;         /* the common terms, paired (pairs.h) */
    uint64_t npairs;         /* pair terms among the emitted terms */
    uint64_t npair_postings; /* and their postings */
    uint64_t ntokens, bytes_in;
    uint32_t nskipped;
    uint32_t nwarn[AJ_WARN_NKINDS]; /* warnings reported, by kind */
    aj_fp fp;                /* the corpus fingerprint (fingerprint.h) */
    uint64_t ndocs_seen;     /* documents taken in, skipped ones included */
    double t0, last_progress;
    uint64_t memory, seg_tokens, worker_limit;
    char *runs_t[MAX_RUNS], *runs_w[MAX_RUNS];
    size_t nruns;
    uint64_t npost_t, npost_w; /* postings written to runs straight from
                                  exports (absorb_export) */
    uint8_t *fresh;          /* per worker: its last large export was
                                mostly new to it (aj_bexport) */
    /* final writing: the lists, the TERMS dictionary as they are written,
     * the words' dictionary records for a pass of their own */
    aj_fwriter *post, *posn, *dict;
    aj_fwriter *postw;       /* the words' lists when written apart */
    aj_dict_writer dterms;
    FILE *dterms_idx, *dwords_idx;  /* the dictionaries' block indexes */
    char dterms_idx_path[2048];
    FILE *shared_tmp;        /* postings offset of every term a word shares */
    FILE *words_tmp;         /* the words' dictionary records */
    uint64_t nterms_out, nwords_out;
    acro_def *acros;
    size_t nacros, capacros;
    aj_xrun_opts xrun;       /* how to extract PDF, HTML and DOCX texts */
    aj_docmap_opts reading;  /* how to read documents (docmap.h) */
    char xprogram[4096];     /* the extractor's path, or why none */
    aj_docmap **pre;         /* per corpus document: read by the sampling */
    uint64_t pre_bytes;
    uint8_t (*pages)[8];     /* PAGES records (FORMAT.md "meta.aj") */
    size_t npages, cappages;
    uint32_t last_page;      /* the page of the last paragraph taken */
    const char *sub;         /* the subdirectory its files go to ("": none) */
    int whole;               /* an index_whole value */
} builder;

/* What build_index writes: a shard (CITE_PATH is lex.aj's to say), or the
 * whole corpus as one index, because it is small or because sharding was
 * turned off (which SUPER records, so that later builds keep it off). */
enum index_whole { AS_SHARD, WHOLE, WHOLE_SHARDING_OFF };

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether the caller asked the build to stop (aj_build_opts.cancel).  The
 * flag is polled at cheap points: before each paragraph of the workers,
 * each segment the coordinator absorbs, each document sampled, each
 * dictionary entry written and each step of the final writing. */
static int stop_asked(const aj_build_opts *o) { return o->cancel && *o->cancel; }

static aj_err stop_if_asked(aj_ctx *c, const aj_build_opts *o) {
    return stop_asked(o) ? aj_fail(c, AJ_ECANCELED, "the build was canceled") : AJ_OK;
}

static aj_err tmp_path(builder *b, const char *name, char *buf, size_t cap) {
    aj_gen_path(b->g, name, buf, cap);
    return AJ_OK;
}

static void remove_tmp(builder *b, const char *name);

/* A failed operation on a temporary file, named, with errno's reason. */
/* A temporary file's failure, told in c: the callbacks of the merges run
 * on threads of their own, each with its context. */
static aj_err tmp_fail_in(aj_ctx *c, builder *b, const char *name, const char *what) {
    int err = errno;
    char path[2048];
    tmp_path(b, name, path, sizeof path);
    return aj_fail(c, AJ_EIO, "%s: %s failed: %s", path, what, strerror(err));
}

static aj_err tmp_fail(builder *b, const char *name, const char *what) {
    return tmp_fail_in(b->c, b, name, what);
}

/* Appends a NUL-terminated string to the strings temp file. */
static aj_err add_string(builder *b, const char *s, uint32_t *off) {
    size_t n = strlen(s) + 1;
    if (b->nstrings + n > UINT32_MAX - 1)
        return aj_fail(b->c, AJ_ELIMIT, "string pool exceeds 4 GiB");
    if (aj_io_fwrite(s, 1, n, b->strings_tmp) != n)
        return tmp_fail(b, "strings.tmp", "write");
    *off = (uint32_t)b->nstrings;
    b->nstrings += n;
    return AJ_OK;
}



/* Every warning of a build passes here to be counted by kind. */
static void on_warning(void *arg, int kind, const char *path, const char *reason) {
    builder *b = arg;
    if (kind >= 0 && kind < AJ_WARN_NKINDS) b->nwarn[kind]++;
    if (b->o->warn) b->o->warn(b->o->warn_arg, kind, path, reason);
}

static aj_err start_doc(builder *b, const aj_bdoc *d) {
    const aj_corpus_doc *cd = &b->cp->docs[d->corpus_doc];
    b->ndocs_seen++;
    if (d->changed) on_warning(b, AJ_WARN_CHANGED, cd->rel, d->changed);
    int failed = d->skip && d->skip_kind == AJ_WARN_EXTRACT;
    if (d->skip) {
        b->nskipped++;
        on_warning(b, d->skip_kind, cd->rel, d->skip);
        /* A document whose text could not be extracted keeps a record
         * without paragraphs: `ajsearch status` compares the corpus with
         * the index without extracting anything, and these bytes would
         * fail again. */
        if (!failed) return AJ_OK;
    }
    doc_rec *r = &b->docs[b->ndocs];
    const char *title = cd->title ? cd->title : d->title ? d->title : "";
    const char *date = cd->date ? cd->date : d->date ? d->date : "";
    r->flags = (uint32_t)d->format << AJ_DOC_FORMAT_SHIFT;
    if (!cd->title && d->format != AJ_DOCFMT_TEXT) r->flags |= AJ_DOC_OWN_TITLE;
    if (!cd->date && *date) r->flags |= AJ_DOC_OWN_DATE;
    if (failed) r->flags |= AJ_DOC_FAILED;
    /* title and date, with the NUL between them, hashed */
    r->cited_as = XXH3_64bits_withSeed(date, strlen(date) + 1, XXH3_64bits(title, strlen(title) + 1));
    aj_err e = add_string(b, cd->rel, &r->path);
    if (!e) e = add_string(b, title, &r->title);
    if (!e) e = add_string(b, date, &r->date);
    if (!e) e = add_string(b, cd->source ? cd->source : "", &r->source);
    r->n = 0; /* first is computed from the counts when meta.aj is written */
    r->size = d->bytes;
    r->xxh3 = d->xxh3;
    /* The fingerprint takes metadata.tsv's title and date, not a
     * document's own: those follow from its bytes (fingerprint.h). */
    aj_fp_doc(&b->fp, cd->rel, r->flags & AJ_DOC_OWN_TITLE ? "" : title,
              r->flags & AJ_DOC_OWN_DATE ? "" : date, cd->source ? cd->source : "",
              d->bytes, d->xxh3);
    b->corpus_to_doc[d->corpus_doc] = (int64_t)b->ndocs++;
    b->bytes_in += d->bytes;
    return e;
}

/* A PAGES record (FORMAT.md "meta.aj", section 10) where a paragraph's
 * page differs from the one before it. */
static aj_err note_page(builder *b, uint32_t id, uint32_t page) {
    if (page == b->last_page) return AJ_OK;
    b->last_page = page;
    aj_err e = aj_grow(b->c, (void **)&b->pages, &b->cappages, b->npages + 1,
                       sizeof *b->pages, "page table");
    if (e) return e;
    aj_put_u32le(b->pages[b->npages], id);
    aj_put_u32le(b->pages[b->npages] + 4, page);
    b->npages++;
    return AJ_OK;
}

/* Names the next pair of run files (the terms', the words'). */
static aj_err new_runs(builder *b) {
    if (b->nruns == MAX_RUNS)
        return aj_fail(b->c, AJ_ELIMIT, "too many runs: raise --memory");
    char name[64], path[2048];
    snprintf(name, sizeof name, "run-t-%05zu.tmp", b->nruns);
    tmp_path(b, name, path, sizeof path);
    b->runs_t[b->nruns] = strdup(path);
    snprintf(name, sizeof name, "run-w-%05zu.tmp", b->nruns);
    tmp_path(b, name, path, sizeof path);
    b->runs_w[b->nruns] = strdup(path);
    if (!b->runs_t[b->nruns] || !b->runs_w[b->nruns])
        return aj_fail(b->c, AJ_ENOMEM, "run names");
    b->nruns++;
    return AJ_OK;
}

static aj_err flush_runs(builder *b) {
    aj_err e = new_runs(b);
    if (e) return e;
    /* Each inversion keeps the room of its table up to a quarter of the
     * budget: more would leave too little for the postings of the next
     * run. */
    e = aj_inverter_flush_run(b->c, b->terms, b->runs_t[b->nruns - 1], b->memory / 4);
    if (!e) e = aj_inverter_flush_run(b->c, b->words, b->runs_w[b->nruns - 1], b->memory / 4);
    /* The global keys are gone: the workers' ids name them again when
     * they next have postings. */
    for (int i = 0; i < b->nworkers; i++) {
        aj_inv_map_forget(&b->map_t[i]);
        aj_inv_map_forget(&b->map_w[i]);
    }
    return e;
}

/* Bytes the global inversions hold. */
static uint64_t held(const builder *b) {
    return aj_inverter_mem(b->terms) + aj_inverter_mem(b->words);
}

/* Absorbs one export of a worker into one global inverter, spilling
 * both inverters to runs whenever they pass the budget (in the middle of
 * the export if need be).  m has taken x's new keys. */
static aj_err absorb_one(builder *b, aj_inverter *iv, aj_inverter *other,
                         const aj_inv_export *x, aj_inv_map *m, uint32_t base) {
    aj_err e = AJ_OK;
    uint32_t next = 0;
    while (!e) {
        uint64_t o = aj_inverter_mem(other);
        e = aj_inverter_absorb(b->c, iv, x, base, m, &next, o < b->memory ? b->memory - o : 0);
        if (e || next == x->n) break;
        e = flush_runs(b);
    }
    return e;
}

/* A worker's export: both inversions, and the words' flags from the
 * terms of words spelled otherwise.
 *
 * The global inversion gathers the postings of keys that recur from
 * segment to segment, so that they reach the final merge in one piece.
 * Keys that do not recur gain nothing from it: each would be hashed into
 * a table of millions, held until the next spill and sorted there.  So a
 * large export whose keys are mostly new to its worker (aj_bexport's
 * fresh), after another such from the same worker, is written
 * straight to a pair of runs of its own (sorted by key, as a spill would
 * have written them), once what the global inversion holds has spilled
 * before it: runs keep the paragraph order of each key's postings.  The
 * index's bytes are the same either way. */
static aj_err absorb_export(builder *b, uint32_t wk, const aj_bexport *x, uint32_t base) {
    aj_inv_map *mt = &b->map_t[wk], *mw = &b->map_w[wk];
    aj_err e = aj_inv_map_update(b->c, mt, &x->terms);
    if (!e) e = aj_inv_map_update(b->c, mw, &x->words);
    if (e) return e;
    /* Small exports (the end of a segment cut by the worker's limit, say)
     * go to the global inversion and leave the worker's record alone. */
    int direct = 0;
    if (x->fresh != AJ_FRESH_UNKNOWN) {
        int fresh = x->fresh == AJ_FRESH_YES;
        direct = fresh && b->fresh[wk];
        b->fresh[wk] = (uint8_t)fresh;
    }
    if (direct) {
        if (aj_inverter_nkeys(b->terms) || aj_inverter_nkeys(b->words)) e = flush_runs(b);
        if (!e) e = new_runs(b);
        if (!e)
            e = aj_inv_export_run(b->c, &x->terms, mt, base, NULL, NULL, 0, 0,
                                  b->runs_t[b->nruns - 1], &b->npost_t);
        if (!e)
            e = aj_inv_export_run(b->c, &x->words, mw, base, x->others, x->olens, x->nothers,
                                  AJ_KEY_OTHER, b->runs_w[b->nruns - 1], &b->npost_w);
        return e;
    }
    e = absorb_one(b, b->terms, b->words, &x->terms, mt, base);
    if (!e) e = absorb_one(b, b->words, b->terms, &x->words, mw, base);
    const char *k = x->others;
    for (size_t i = 0; !e && i < x->nothers; k += x->olens[i++]) {
        e = aj_inverter_note(b->c, b->words, k, x->olens[i], AJ_KEY_OTHER);
        if (!e && (i + 1) % 1024 == 0 && held(b) > b->memory) e = flush_runs(b);
    }
    return e;
}

/* Keeps one definition found in paragraph para (segments arrive in
 * paragraph order, so the first definition kept is the earliest). */
static aj_err keep_acronym(builder *b, const char *acr, const char *lf,
                           uint32_t para) {
    if (b->nacros >= MAX_ACRO_DEFS) return AJ_OK;
    if (b->nacros == b->capacros) {
        size_t cap = b->capacros ? b->capacros * 2 : 64;
        acro_def *v = realloc(b->acros, cap * sizeof *v);
        if (!v) return aj_fail(b->c, AJ_ENOMEM, "acronyms");
        b->acros = v;
        b->capacros = cap;
    }
    size_t la = strlen(acr) + 1, ll = strlen(lf) + 1;
    char *m = malloc(2 * (la + ll));
    if (!m) return aj_fail(b->c, AJ_ENOMEM, "acronyms");
    acro_def *d = &b->acros[b->nacros++];
    d->acr = memcpy(m, acr, la);
    d->lf = memcpy(m + la, lf, ll);
    d->akey = m + la + ll;
    d->lkey = aj_acronym_key(acr, d->akey);
    aj_acronym_key(lf, d->lkey);
    d->para = para;
    return AJ_OK;
}

/* What the structure passes made of a document that has ended: its
 * paragraphs' final kinds, and the outline part of their PARAS records
 * (FORMAT.md "meta.aj", section 3), appended to cites.tmp in paragraph
 * order (documents end in order). */
static aj_err take_outline(builder *b, const aj_bdocout *o) {
    int64_t doc = b->corpus_to_doc[o->corpus_doc];
    if (doc < 0 || b->docs[doc].n != o->n || b->docs[doc].first != b->nouts)
        return aj_fail(b->c, AJ_EINVAL, "build: outline of document %zu does not fit",
                       o->corpus_doc);
    uint32_t first = b->docs[doc].first;
    for (size_t k = 0; k < o->n; k++) {
        const aj_block *x = &o->blocks[k];
        uint8_t r[AJ_CITE_BYTES];
        b->kinds[first + k] = x->kind;
        aj_put_u32le(r, x->parent == AJ_BK_NONE ? 0 : first + x->parent + 1);
        aj_put_u32le(r + 4, x->number);
        aj_put_u32le(r + 8, aj_cite_info(x->chrome, x->mark, x->q, x->by_number));
        if (aj_io_fwrite(r, 1, sizeof r, b->cites_tmp) != sizeof r)
            return tmp_fail(b, "cites.tmp", "write");
    }
    b->nouts += o->n;
    return AJ_OK;
}

/* Tells the caller how far the build is. */
static void progress(builder *b, const char *phase) {
    if (!b->o->progress) return;
    aj_build_progress p = {phase, b->ndocs_seen, b->cp->ndocs, b->bytes_in,
                           now() - b->t0};
    b->o->progress(b->o->progress_arg, &p);
}

/* Takes one segment, in order: the heart of the coordinator. */
static aj_err take_segment(aj_ctx *c, void *arg, aj_bseg *s) {
    builder *b = arg;
    aj_err e = stop_if_asked(c, b->o);
    for (size_t i = 0; !e && i < s->ndocs; i++) e = start_doc(b, &s->docs[i]);
    if (!e) progress(b, "indexing");
    if (!e) e = aj_store_append(c, b->store, &s->store, (uint32_t)b->nparas);
    if (!e && b->nparas + s->nparas > UINT32_MAX - 1)
        e = aj_fail(c, AJ_ELIMIT, "more than 4 billion paragraphs");
    if (!e) e = aj_grow(c, (void **)&b->lens, &b->caplens, b->nparas + s->nparas,
                        sizeof *b->lens, "build tables");
    if (!e) e = aj_grow(c, (void **)&b->kinds, &b->capkinds, b->nparas + s->nparas,
                        sizeof *b->kinds, "build tables");
    uint32_t base = (uint32_t)b->nparas;
    for (size_t i = 0; !e && i < s->nparas; i++) {
        const aj_bpara *p = &s->paras[i];
        int64_t doc = b->corpus_to_doc[p->corpus_doc];
        uint32_t label = AJ_NO_LABEL;
        if (p->label) e = add_string(b, s->strings + p->label - 1, &label);
        if (!e && p->label && label >= AJ_NO_LABEL)
            e = aj_fail(c, AJ_ELIMIT, "labels exceed 1 GiB of strings");
        /* A PARAS record (FORMAT.md "meta.aj", section 3) but its
         * outline; the kind is final only when the outline is made. */
        uint8_t r[AJ_PARA_BYTES - AJ_CITE_BYTES]; /* the outline comes later */
        aj_put_u64le(r, p->start);
        aj_put_u32le(r + 8, p->srclen);
        aj_put_u32le(r + 12, p->textlen);
        aj_put_u32le(r + 16, p->kind << 30 | label);
        if (!e && aj_io_fwrite(r, 1, sizeof r, b->paras_tmp) != sizeof r)
            e = tmp_fail(b, "paras.tmp", "write");
        if (!e) e = note_page(b, (uint32_t)b->nparas, p->page);
        if (!b->docs[doc].n) b->docs[doc].first = (uint32_t)b->nparas;
        b->kinds[b->nparas] = (uint8_t)p->kind;
        b->lens[b->nparas++] = p->len;
        b->docs[doc].n++;
    }
    for (size_t i = 0; !e && i < s->nouts; i++) e = take_outline(b, &s->outs[i]);
    for (size_t i = 0; !e && i < s->nacros; i++)
        e = keep_acronym(b, s->strings + s->acros[i].acr - 1,
                         s->strings + s->acros[i].lf - 1, base + s->acros[i].para);
    b->ntokens += s->ntokens;
    for (size_t i = 0; !e && i < s->nexps; i++) e = absorb_export(b, s->worker, &s->exps[i], base);
    if (!e && held(b) > b->memory) e = flush_runs(b);
    aj_bseg_free(s);
    return e;
}

/* ---- threads ---- */

typedef struct {
    builder *b;
    const aj_bchunk *chunks;
    size_t nchunks;
    pthread_mutex_t m;
    pthread_cond_t cv;
    size_t next_chunk;
    aj_bseg *ready;          /* sorted by (chunk, seq) */
    size_t nready, limit;
    uint32_t want_chunk, want_seq;
    int failed;
    aj_ctx err;              /* the first worker error */
} pool;

typedef struct {
    pool *p;
    aj_bworker *w;
} worker_arg;

static int is_next(const pool *p, const aj_bseg *s) {
    return s->chunk == p->want_chunk && s->seq == p->want_seq;
}

/* Worker side: queue a segment in order; wait while too many are queued
 * unless this one is what the coordinator needs next (no deadlock). */
static aj_err post(aj_ctx *c, void *arg, aj_bseg *s) {
    pool *p = arg;
    (void)c;
    /* Once queued, s belongs to the coordinator (it may be freed at any
     * time): only its chunk number is used below. */
    uint32_t chunk = s->chunk;
    pthread_mutex_lock(&p->m);
    aj_bseg **at = &p->ready;
    while (*at && ((*at)->chunk < s->chunk ||
                   ((*at)->chunk == s->chunk && (*at)->seq < s->seq)))
        at = &(*at)->next;
    s->next = *at;
    *at = s;
    p->nready++;
    pthread_cond_broadcast(&p->cv);
    while (!p->failed && p->nready > p->limit && chunk != p->want_chunk)
        pthread_cond_wait(&p->cv, &p->m);
    int failed = p->failed;
    pthread_mutex_unlock(&p->m);
    return failed ? AJ_EIO : AJ_OK;
}

static void *worker_main(void *arg) {
    worker_arg *wa = arg;
    pool *p = wa->p;
    for (;;) {
        pthread_mutex_lock(&p->m);
        size_t ci = p->failed ? p->nchunks : p->next_chunk++;
        pthread_mutex_unlock(&p->m);
        if (ci >= p->nchunks) break;
        aj_ctx c = {0};
        aj_err e = aj_bworker_run(&c, wa->w, p->b->o->corpus_dir, p->b->cp,
                                  &p->chunks[ci], (uint32_t)ci, post, p);
        if (e) {
            pthread_mutex_lock(&p->m);
            if (!p->failed && c.err) p->err = c;
            p->failed = 1;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->m);
            break;
        }
    }
    return NULL;
}

static aj_err run_pool(builder *b, const aj_bchunk *chunks, size_t nchunks,
                       int threads) {
    aj_ctx *c = b->c;
    pool p = {.b = b, .chunks = chunks, .nchunks = nchunks,
              .limit = 2 * (size_t)threads};
    pthread_mutex_init(&p.m, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    worker_arg *args = calloc((size_t)threads, sizeof *args);
    aj_err e = (!tids || !args) ? aj_fail(c, AJ_ENOMEM, "threads") : AJ_OK;
    int started = 0;
    for (int i = 0; !e && i < threads; i++) {
        args[i].p = &p;
        e = aj_bworker_new(c, b->seg_tokens, (uint32_t)i, &args[i].w);
        if (!e) {
            aj_bworker_set_dict(args[i].w, &b->sdict);
            aj_bworker_set_pairs(args[i].w, &b->common);
            aj_bworker_set_cancel(args[i].w, b->o->cancel);
            aj_bworker_set_reading(args[i].w, &b->reading, b->pre);
            aj_bworker_set_limit(args[i].w, b->worker_limit);
            /* threads the chunks leave idle analyze for the workers */
            aj_bworker_set_helper(args[i].w, i < b->helpers);
        }
        if (!e && pthread_create(&tids[i], NULL, worker_main, &args[i]) != 0)
            e = aj_fail(c, AJ_ENOMEM, "cannot start a thread");
        if (!e) started++;
    }
    /* Coordinator: take the segments in order. */
    while (!e) {
        pthread_mutex_lock(&p.m);
        while (!p.failed && p.want_chunk < nchunks &&
               !(p.ready && is_next(&p, p.ready)))
            pthread_cond_wait(&p.cv, &p.m);
        if (p.failed || p.want_chunk >= nchunks) {
            pthread_mutex_unlock(&p.m);
            break;
        }
        aj_bseg *s = p.ready;
        p.ready = s->next;
        p.nready--;
        if (s->last) {
            p.want_chunk++;
            p.want_seq = 0;
        } else {
            p.want_seq++;
        }
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.m);
        e = take_segment(c, b, s);
    }
    pthread_mutex_lock(&p.m);
    if (e) p.failed = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.m);
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
    if (!e && p.failed) e = aj_fail(c, p.err.err ? p.err.err : AJ_EIO, "%s", p.err.msg);
    while (p.ready) {
        aj_bseg *s = p.ready;
        p.ready = s->next;
        aj_bseg_free(s);
    }
    for (int i = 0; args && i < threads; i++) aj_bworker_free(args[i].w);
    free(tids);
    free(args);
    pthread_mutex_destroy(&p.m);
    pthread_cond_destroy(&p.cv);
    return e;
}

/* How many workers share the chunks; the threads left over analyze for
 * them (aj_bworker_set_helper).  No more workers than chunks; and half
 * the threads when one chunk is more than a thread's share of the corpus
 * (a large document among small ones): its worker would otherwise
 * analyze and index it alone long after the others are done, where with
 * a helper it keeps two threads busy, and the other workers share the
 * rest.  The index does not depend on this. */
static int pool_workers(const aj_bchunk *chunks, size_t nchunks, int threads) {
    if (nchunks < (size_t)threads) return (int)nchunks;
    uint64_t total = 0, largest = 0;
    for (size_t i = 0; i < nchunks; i++) {
        total += chunks[i].bytes;
        if (chunks[i].bytes > largest) largest = chunks[i].bytes;
    }
    if (largest > total / (uint64_t)threads) return threads / 2;
    return threads;
}

static aj_err run_inline(builder *b, const aj_bchunk *chunks, size_t nchunks) {
    aj_bworker *w;
    aj_err e = aj_bworker_new(b->c, b->seg_tokens, 0, &w);
    if (!e) {
        aj_bworker_set_dict(w, &b->sdict);
        aj_bworker_set_pairs(w, &b->common);
        aj_bworker_set_cancel(w, b->o->cancel);
        aj_bworker_set_reading(w, &b->reading, b->pre);
        aj_bworker_set_limit(w, b->worker_limit);
    }
    for (size_t i = 0; !e && i < nchunks; i++)
        e = aj_bworker_run(b->c, w, b->o->corpus_dir, b->cp, &chunks[i],
                           (uint32_t)i, take_segment, b);
    aj_bworker_free(w);
    return e;
}

/* ---- the texts' dictionary ---- */

/* Documents sampled, at most, spread evenly over the corpus. */
#define SAMPLE_DOCS 64
/* Source bytes read from each sampled document, at most: its beginning
 * only, so a huge file costs no more than a small one. */
#define SAMPLE_SOURCE (256u << 10)

typedef struct {
    char *bytes;             /* the sampled texts, back to back */
    size_t n, cap, quota;    /* quota: bytes still wanted from this document */
    size_t *sizes;
    size_t nsizes, capsizes;
    int nomem;
} sampler;

static int on_sample(void *arg, const aj_seg_para *p) {
    sampler *s = arg;
    if (p->text_len < 8) return 0;  /* too short to teach anything */
    size_t take = p->text_len < s->quota ? p->text_len : s->quota;
    if (s->n + take > s->cap || s->nsizes == s->capsizes) {
        size_t cap = s->cap ? s->cap : AJ_STORE_SAMPLE + AJ_STORE_BLOCK;
        while (cap < s->n + take) cap *= 2;
        size_t capsz = s->capsizes ? 2 * s->capsizes : 4096;
        char *b = s->cap == cap ? s->bytes : realloc(s->bytes, cap);
        if (b) s->bytes = b, s->cap = cap;
        size_t *z = s->sizes;
        if (s->nsizes == s->capsizes) {
            /* realloc may grow the block in place: the capacity changes
             * whether or not the pointer does */
            z = realloc(s->sizes, capsz * sizeof *z);
            if (z) s->sizes = z, s->capsizes = capsz;
        }
        if (!b || !z) {
            s->nomem = 1;
            return 1;
        }
    }
    memcpy(s->bytes + s->n, p->text, take);
    s->n += take;
    s->sizes[s->nsizes++] = take;
    s->quota -= take;
    return s->quota == 0;
}

/* The samples of a document's text src[0..avail), the first avail bytes
 * of whole: its paragraphs from its first SAMPLE_SOURCE bytes, the excerpt
 * ended at a line break when the text goes on, so that its last paragraph
 * is as the workers will see it (most often). */
static aj_err sample_text(builder *b, sampler *s, const char *src, size_t avail,
                          uint64_t whole) {
    size_t end = avail < SAMPLE_SOURCE ? avail : SAMPLE_SOURCE, cut = end;
    if (whole > end)
        while (cut > 0 && src[cut - 1] != '\n') cut--;
    if (cut == 0) cut = end;
    aj_err e = cut ? aj_segment(b->c, src, cut, on_sample, s) : AJ_OK;
    if (!e && s->nomem) e = aj_fail(b->c, AJ_ENOMEM, "text samples");
    return e;
}

/* The samples of a document too large to read whole (docmap.h): its first
 * SAMPLE_SOURCE bytes, the same bytes sample_doc takes from a document it
 * reads whole, when they are text. */
static aj_err sample_head(builder *b, sampler *s, int fd, uint64_t size) {
    char *head = malloc(SAMPLE_SOURCE);
    if (!head) return aj_fail(b->c, AJ_ENOMEM, "text samples");
    ssize_t n = pread(fd, head, SAMPLE_SOURCE, 0);
    aj_err e = AJ_OK;
    if (n > 0 && aj_extract_sniff(head, (size_t)n) == AJ_DOCFMT_TEXT &&
        !memchr(head, 0, (size_t)n < AJ_SNIFF_BYTES ? (size_t)n : AJ_SNIFF_BYTES))
        e = sample_text(b, s, head, (size_t)n, size);
    free(head);
    return e;
}

/* Paragraphs from the beginning of document di, up to s->quota bytes.
 * Files the workers will skip (unreadable, binary) give none. */
static aj_err sample_doc(builder *b, sampler *s, size_t di) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", b->o->corpus_dir, b->cp->docs[di].rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size > AJ_READ_WHOLE) {
        aj_err e = sample_head(b, s, fd, (uint64_t)st.st_size);
        close(fd);
        return e;
    }
    if (fd >= 0) close(fd);
    aj_docmap m;
    aj_docmap_open(b->o->corpus_dir, &b->cp->docs[di], &b->reading, &m);
    if (m.skipped && m.format == AJ_DOCFMT_TEXT) return AJ_OK;
    /* An extracted document is kept for its worker (within PRE_BYTES), so
     * that its extractor runs once; a skipped one too, for its warning. */
    if (m.format != AJ_DOCFMT_TEXT && b->pre_bytes + m.size + m.len <= PRE_BYTES) {
        aj_docmap *keep = malloc(sizeof *keep);
        if (!keep) {
            aj_docmap_close(&m);
            return aj_fail(b->c, AJ_ENOMEM, "text samples");
        }
        *keep = m;
        b->pre[di] = keep;
        b->pre_bytes += m.size + m.len;
        return m.skipped ? AJ_OK : sample_text(b, s, m.src, m.len, m.len);
    }
    aj_err e = m.skipped ? AJ_OK : sample_text(b, s, m.src, m.len, m.len);
    aj_docmap_close(&m);
    return e;
}

/* Trains the dictionary the workers compress texts with, from paragraphs
 * of up to SAMPLE_DOCS documents spread evenly over the corpus (by their
 * place in it), AJ_STORE_SAMPLE bytes in all.  Which paragraphs are
 * sampled depends only on the corpus, so the dictionary, and the index,
 * are the same for any number of threads. */
static aj_err train_dict(builder *b) {
    size_t nd = b->cp->ndocs, m = nd < SAMPLE_DOCS ? nd : SAMPLE_DOCS;
    sampler s = {0};
    aj_err e = AJ_OK;
    for (size_t k = 0; !e && k < m; k++) {
        /* what is left, shared by the documents still to sample */
        s.quota = (AJ_STORE_SAMPLE - s.n) / (m - k);
        e = stop_if_asked(b->c, b->o);
        if (!e && s.quota) e = sample_doc(b, &s, k * nd / m);
    }
    if (!e) e = aj_store_train(b->c, s.bytes, s.sizes, s.nsizes, &b->sdict);
    /* The same samples choose the common and partner terms: the most
     * frequent terms of a megabyte spread over the corpus are its most
     * frequent ones closely enough (a miss costs speed, never a
     * result). */
    if (!e) e = aj_pairs_choose(b->c, s.bytes, s.sizes, s.nsizes, AJ_PAIR_COMMON,
                                AJ_PAIR_PARTNERS, &b->common);
    free(s.bytes);
    free(s.sizes);
    return e;
}

/* ---- final writing ---- */

static FILE *open_tmp(builder *b, const char *name);

/* Counts the chrome paragraphs among a term's n postings; terms come in
 * TERMS order, so the one being written has id (rank) nterms_out. */
static aj_err count_chrome(aj_ctx *c, builder *b, const uint32_t *docs, uint32_t n) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) k += b->kinds[docs[i]] == AJ_PARA_CHROME;
    if (!k) return AJ_OK;
    uint8_t r[AJ_RUN_BYTES];
    aj_put_u32le(r, (uint32_t)b->nterms_out);
    aj_put_u32le(r + 4, k);
    if (aj_io_fwrite(r, 1, sizeof r, b->cdf_tmp) != sizeof r)
        return tmp_fail_in(c, b, "cdf.tmp", "write");
    b->ncdf++;
    return AJ_OK;
}

/* A term's list, then its dictionary entry, written as the merge hands
 * them out.  A term that a word shares (flags exactly AJ_KEY_SELF: the
 * word spelled as the term is its only word) leaves its postings offset
 * for the words' dictionary, in the same order as the words come. */
static aj_err on_term_list(aj_ctx *c, void *arg, uint8_t flags, const char *key,
                           uint32_t len, const uint32_t *docs, const uint32_t *tfs,
                           aj_pos_fn pos, void *pos_arg, uint32_t n) {
    builder *b = arg;
    aj_term_info info;
    if (stop_asked(b->o)) return stop_if_asked(c, b->o);
    if (b->nchrome) {
        aj_err e = count_chrome(c, b, docs, n);
        if (e) return e;
    }
    aj_err e = aj_postings_write_fn(c, b->post, b->posn, docs, tfs, pos, pos_arg, n,
                                    b->lens, &info);
    if (!e) e = aj_dict_writer_add(c, &b->dterms, key, len, &info);
    if (e) return e;
    if (flags == AJ_KEY_SELF) {
        uint8_t r[8];
        aj_put_u64le(r, info.post_off);
        if (aj_io_fwrite(r, 1, sizeof r, b->shared_tmp) != sizeof r)
            return tmp_fail_in(c, b, "shared.tmp", "write");
    }
    if (memchr(key, ' ', len)) {
        b->npairs++;
        b->npair_postings += info.df;
    }
    b->nterms_out++;
    return AJ_OK;
}

/* A word's dictionary record (words.tmp): u8 length, the bytes, u8 shared,
 * varint df, max tf, min length, and postings offset (in the file its
 * lists go to; 0 when shared). */
static aj_err word_record(aj_ctx *c, builder *b, const char *key, uint32_t len, int shared,
                          const aj_term_info *info) {
    uint8_t r[2 + 255 + 4 * 10];
    size_t k = 0;
    r[k++] = (uint8_t)len;
    memcpy(r + k, key, len);
    k += len;
    r[k++] = (uint8_t)shared;
    k += aj_put_varint(r + k, info->df);
    k += aj_put_varint(r + k, info->max_tf);
    k += aj_put_varint(r + k, info->min_len);
    k += aj_put_varint(r + k, shared ? 0 : info->post_off);
    if (aj_io_fwrite(r, 1, k, b->words_tmp) != k) return tmp_fail_in(c, b, "words.tmp", "write");
    b->nwords_out++;
    return AJ_OK;
}

/* A word that is its own term and the only word of that term has exactly
 * the term's postings: the dictionary points it at them instead of
 * storing a copy.  Its df and bounds are the term's, computed here; the
 * offset comes from the term (shared.tmp) when the dictionary is made. */
static aj_err on_word_list(aj_ctx *c, void *arg, uint8_t flags, const char *key,
                           uint32_t len, const uint32_t *docs, const uint32_t *tfs,
                           aj_pos_fn pos, void *pos_arg, uint32_t n) {
    builder *b = arg;
    if (stop_asked(b->o)) return stop_if_asked(c, b->o);
    aj_term_info info = {0};
    if (flags == AJ_KEY_SELF) {
        info.df = n;
        info.min_len = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++) {
            if (tfs[i] > info.max_tf) info.max_tf = tfs[i];
            if (b->lens[docs[i]] < info.min_len) info.min_len = b->lens[docs[i]];
        }
        return word_record(c, b, key, len, 1, &info);
    }
    /* The word dictionary has no positions (posn NULL). */
    aj_err e = aj_postings_write_fn(c, b->postw ? b->postw : b->post, NULL, docs, tfs,
                                    pos, pos_arg, n, b->lens, &info);
    return e ? e : word_record(c, b, key, len, 0, &info);
}

/* Bytes of run buffers each merge may take: the two merges run together
 * while the global inversions still hold what was not spilled. */
static uint64_t merge_limit(const builder *b) { return b->memory / 8; }

typedef struct {
    builder *b;
    aj_ctx c;                /* the thread's own error */
    aj_err e;
} words_job;

static void *emit_words(void *arg) {
    words_job *j = arg;
    builder *b = j->b;
    j->e = aj_inverter_emit(&j->c, b->words, (const char *const *)b->runs_w, b->nruns,
                            merge_limit(b), on_word_list, b);
    return NULL;
}

/* The lists of post.aj and posn.aj: every term's, then every word's, and
 * the TERMS dictionary as the terms' are written.  With more than one
 * thread the words' are made by a thread of their own while this one
 * makes the terms', into a file apart (postw.tmp) that is then appended
 * to post.aj: their offsets move by *base, where they land.  The bytes
 * are those of one thread. */
static aj_err emit_lists(builder *b, uint64_t *base) {
    aj_ctx *c = b->c;
    const char *const *runs_t = (const char *const *)b->runs_t;
    tmp_path(b, "dict-t-index.tmp", b->dterms_idx_path, sizeof b->dterms_idx_path);
    aj_err e = aj_dict_writer_begin(c, &b->dterms, b->dict, AJ_DICT_TERMS, b->dterms_idx,
                                    b->dterms_idx_path);
    *base = 0;
    if (e) return e;
    if (b->nworkers < 2) {
        e = aj_inverter_emit(c, b->terms, runs_t, b->nruns, merge_limit(b), on_term_list, b);
        if (!e) e = aj_inverter_emit(c, b->words, (const char *const *)b->runs_w, b->nruns,
                                     merge_limit(b), on_word_list, b);
        return e ? e : aj_dict_writer_end(c, &b->dterms);
    }
    char path[2048];
    tmp_path(b, "postw.tmp", path, sizeof path);
    e = aj_fw_open(c, path, AJ_KIND_POST, &b->postw);
    if (e) return e;
    words_job j = {.b = b};
    pthread_t t;
    int apart = pthread_create(&t, NULL, emit_words, &j) == 0;
    if (!apart) emit_words(&j);
    /* The terms' merge hands their lists to a thread that writes them
     * (listpipe.h): three threads share the two halves of the work. */
    aj_listpipe *lp = NULL;
    e = aj_listpipe_start(c, on_term_list, b, 1, &lp);
    if (!e) e = aj_inverter_emit(c, b->terms, runs_t, b->nruns, merge_limit(b), aj_listpipe_fn, lp);
    if (lp) e = aj_listpipe_finish(c, lp, e);
    if (apart) pthread_join(t, NULL);
    if (!e && j.e) e = aj_fail(c, j.e, "%s", j.c.msg);
    if (!e) e = aj_dict_writer_end(c, &b->dterms);
    *base = aj_fw_tell(b->post);
    if (!e) e = aj_fw_append_payload(c, b->post, b->postw);
    else aj_fw_abort(b->postw);
    b->postw = NULL;
    remove_tmp(b, "postw.tmp");
    return e;
}

static aj_err rec_varint(builder *b, FILE *f, uint64_t *v) {
    uint64_t x = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
        int ch = getc_unlocked(f);
        if (ch == EOF) break;
        x |= (uint64_t)(ch & 0x7f) << shift;
        if (ch < 0x80) {
            *v = x;
            return AJ_OK;
        }
    }
    return tmp_fail(b, "words.tmp", "read");
}

/* The WORDS dictionary from words.tmp, in key order: a shared word takes
 * its term's postings offset from shared.tmp (both files are in key
 * order, and a word is shared exactly when its term was written there),
 * any other word its own, moved by base. */
static aj_err write_words_dict(builder *b, uint64_t base) {
    aj_ctx *c = b->c;
    aj_dict_writer d;
    if (aj_io_fflush(b->words_tmp) != 0 || fseek(b->words_tmp, 0, SEEK_SET) != 0)
        return tmp_fail(b, "words.tmp", "write");
    if (aj_io_fflush(b->shared_tmp) != 0 || fseek(b->shared_tmp, 0, SEEK_SET) != 0)
        return tmp_fail(b, "shared.tmp", "write");
    char spill[2048];
    tmp_path(b, "dict-w-index.tmp", spill, sizeof spill);
    aj_err e = aj_dict_writer_begin(c, &d, b->dict, AJ_DICT_WORDS, b->dwords_idx, spill);
    for (uint64_t i = 0; !e && i < b->nwords_out; i++) {
        char key[256];
        int len = getc_unlocked(b->words_tmp);
        if (len == EOF || len == 0 || fread(key, 1, (size_t)len, b->words_tmp) != (size_t)len) {
            e = tmp_fail(b, "words.tmp", "read");
            break;
        }
        int shared = getc_unlocked(b->words_tmp);
        uint64_t df = 0, max_tf = 0, min_len = 0, off = 0;
        e = rec_varint(b, b->words_tmp, &df);
        if (!e) e = rec_varint(b, b->words_tmp, &max_tf);
        if (!e) e = rec_varint(b, b->words_tmp, &min_len);
        if (!e) e = rec_varint(b, b->words_tmp, &off);
        if (e) break;
        aj_term_info info = {off + base, UINT64_MAX, (uint32_t)df, (uint32_t)max_tf,
                             (uint32_t)min_len};
        if (shared) {
            uint8_t r[8];
            if (fread(r, 1, 8, b->shared_tmp) != 8) {
                e = aj_fail(c, AJ_EINVAL, "build: a shared word has no term");
                break;
            }
            info.post_off = aj_get_u64le(r);
        }
        e = aj_dict_writer_add(c, &d, key, (uint32_t)len, &info);
    }
    if (!e && getc_unlocked(b->shared_tmp) != EOF)
        e = aj_fail(c, AJ_EINVAL, "build: a shared term has no word");
    if (e) {
        aj_dict_writer_free(&d);
        return e;
    }
    return aj_dict_writer_end(c, &d);
}

/* Copies a temporary file into the writer. */
static aj_err copy_file(builder *b, FILE *f, const char *name, aj_fwriter *w) {
    char buf[1 << 16];
    size_t n;
    if (aj_io_fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
        return tmp_fail(b, name, "write");
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        aj_err e = aj_fw_write(b->c, w, buf, n);
        if (e) return e;
    }
    if (ferror(f)) return tmp_fail(b, name, "read");
    return AJ_OK;
}

static int cmp_def(const void *a, const void *b) {
    const acro_def *x = a, *y = b;
    int k = strcmp(x->akey, y->akey);
    if (!k) k = strcmp(x->lkey, y->lkey);
    if (!k) k = x->para < y->para ? -1 : x->para > y->para;
    return k;
}

/* One (acronym, long form) pair: its first definition and how many. */
typedef struct {
    const acro_def *first;
    uint32_t count;
} acro_group;

static int cmp_group(const void *a, const void *b) {
    const acro_group *x = a, *y = b;
    int k = strcmp(x->first->akey, y->first->akey);
    if (!k) k = x->count > y->count ? -1 : x->count < y->count;
    if (!k) k = strcmp(x->first->lkey, y->first->lkey);
    return k;
}

/* ACRONYMS, its records and their order: FORMAT.md "meta.aj", section 6.
 * The strings are added to STRINGS, so this runs before STRINGS is
 * copied. */
static aj_err write_acronyms(builder *b, aj_fwriter *w) {
    aj_ctx *c = b->c;
    if (b->nacros) qsort(b->acros, b->nacros, sizeof *b->acros, cmp_def);
    acro_group *g = calloc(b->nacros + 1, sizeof *g);
    if (!g) return aj_fail(c, AJ_ENOMEM, "acronyms");
    size_t n = 0;
    for (size_t i = 0; i < b->nacros; i++) {
        const acro_def *d = &b->acros[i];
        if (n && !strcmp(g[n - 1].first->akey, d->akey) &&
            !strcmp(g[n - 1].first->lkey, d->lkey)) {
            g[n - 1].count++;
            continue;
        }
        g[n++] = (acro_group){d, 1};
    }
    qsort(g, n, sizeof *g, cmp_group);
    uint64_t off = aj_fw_tell(w);
    uint8_t head[8] = {0};
    aj_put_u32le(head, (uint32_t)n);
    aj_err e = aj_fw_write(c, w, head, sizeof head);
    for (size_t i = 0; !e && i < n; i++) {
        uint8_t r[AJ_ACRO_BYTES];
        uint32_t as = 0, ls = 0;
        e = add_string(b, g[i].first->acr, &as);
        if (!e) e = add_string(b, g[i].first->lf, &ls);
        aj_put_u32le(r, as);
        aj_put_u32le(r + 4, ls);
        aj_put_u32le(r + 8, g[i].count);
        aj_put_u32le(r + 12, g[i].first->para);
        if (!e) e = aj_fw_write(c, w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, w, AJ_SEC_ACRONYMS, off, 8 + n * AJ_ACRO_BYTES);
    free(g);
    return e;
}

/* PARAS (FORMAT.md "meta.aj", section 3): the records of paras.tmp and
 * cites.tmp side by side, with the final kinds. */
static aj_err write_paras(builder *b, aj_fwriter *w) {
    enum { BASE = AJ_PARA_BYTES - AJ_CITE_BYTES, CHUNK = 2048 };
    uint8_t rec[AJ_PARA_BYTES];
    if (aj_io_fflush(b->paras_tmp) != 0 || fseek(b->paras_tmp, 0, SEEK_SET) != 0)
        return tmp_fail(b, "paras.tmp", "write");
    if (aj_io_fflush(b->cites_tmp) != 0 || fseek(b->cites_tmp, 0, SEEK_SET) != 0)
        return tmp_fail(b, "cites.tmp", "write");
    uint8_t *base = malloc(CHUNK * BASE), *cite = malloc(CHUNK * AJ_CITE_BYTES);
    aj_err e = !base || !cite ? aj_fail(b->c, AJ_ENOMEM, "paragraph records") : AJ_OK;
    for (uint64_t id = 0; !e && id < b->nparas;) {
        size_t want = b->nparas - id < CHUNK ? (size_t)(b->nparas - id) : CHUNK;
        if (fread(base, BASE, want, b->paras_tmp) != want)
            e = tmp_fail(b, "paras.tmp", "read");
        else if (fread(cite, AJ_CITE_BYTES, want, b->cites_tmp) != want)
            e = tmp_fail(b, "cites.tmp", "read");
        for (size_t k = 0; !e && k < want; k++, id++) {
            memcpy(rec, base + k * BASE, BASE);
            uint32_t lk = aj_get_u32le(rec + 16) & AJ_NO_LABEL;
            aj_put_u32le(rec + 16, (uint32_t)b->kinds[id] << 30 | lk);
            memcpy(rec + BASE, cite + k * AJ_CITE_BYTES, AJ_CITE_BYTES);
            e = aj_fw_write(b->c, w, rec, sizeof rec);
        }
    }
    free(base);
    free(cite);
    return e;
}

/* CHROME, the runs of chrome paragraphs, and CHROMEDF, whose records
 * cdf.tmp holds already: FORMAT.md "meta.aj", sections 7 and 8. */
static aj_err write_chrome(builder *b, aj_fwriter *w) {
    uint64_t off = aj_fw_tell(w);
    uint8_t head[8] = {0}, r[AJ_RUN_BYTES];
    uint32_t n = 0;
    for (uint64_t i = 0; i < b->nparas; i++)
        n += b->kinds[i] == AJ_PARA_CHROME && (i == 0 || b->kinds[i - 1] != AJ_PARA_CHROME);
    aj_put_u32le(head, n);
    aj_err e = aj_fw_write(b->c, w, head, sizeof head);
    for (uint64_t i = 0; !e && i < b->nparas;) {
        if (b->kinds[i] != AJ_PARA_CHROME) {
            i++;
            continue;
        }
        uint64_t j = i;
        while (j < b->nparas && b->kinds[j] == AJ_PARA_CHROME) j++;
        aj_put_u32le(r, (uint32_t)i);
        aj_put_u32le(r + 4, (uint32_t)(j - i));
        e = aj_fw_write(b->c, w, r, sizeof r);
        i = j;
    }
    if (!e) e = aj_fw_section(b->c, w, AJ_SEC_CHROME, off, 8 + (uint64_t)n * AJ_RUN_BYTES);
    if (e) return e;
    off = aj_fw_tell(w);
    aj_put_u32le(head, (uint32_t)b->ncdf);
    e = aj_fw_write(b->c, w, head, sizeof head);
    if (!e) e = copy_file(b, b->cdf_tmp, "cdf.tmp", w);
    if (!e) e = aj_fw_section(b->c, w, AJ_SEC_CHROMEDF, off, 8 + (uint64_t)b->ncdf * AJ_RUN_BYTES);
    return e;
}

/* COMMON, the common and partner terms: FORMAT.md "meta.aj", section 9. */
static aj_err write_common(builder *b, aj_fwriter *w) {
    size_t n = aj_pairs_size(&b->common);
    uint8_t *buf = malloc(n);
    if (!buf) return aj_fail(b->c, AJ_ENOMEM, "common terms");
    aj_pairs_encode(&b->common, buf);
    uint64_t off = aj_fw_tell(w);
    aj_err e = aj_fw_write(b->c, w, buf, n);
    free(buf);
    return e ? e : aj_fw_section(b->c, w, AJ_SEC_COMMON, off, n);
}

/* PAGES, the runs of paragraphs by page: FORMAT.md "meta.aj", section 10. */
static aj_err write_pages(builder *b, aj_fwriter *w) {
    uint64_t off = aj_fw_tell(w);
    uint8_t head[8] = {0};
    aj_put_u32le(head, (uint32_t)b->npages);
    aj_err e = aj_fw_write(b->c, w, head, sizeof head);
    if (!e && b->npages) e = aj_fw_write(b->c, w, b->pages, b->npages * sizeof *b->pages);
    return e ? e : aj_fw_section(b->c, w, AJ_SEC_PAGES, off, 8 + (uint64_t)b->npages * 8);
}

static int cmp_cited_as(const void *a, const void *b) {
    const doc_rec *x = *(doc_rec *const *)a, *y = *(doc_rec *const *)b;
    if (x->cited_as != y->cited_as) return x->cited_as < y->cited_as ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Flags (AJ_DOC_CITE_PATH) by document: those sharing their title and
 * date with another.  NULL when out of memory. */
static uint8_t *doc_flags(builder *b) {
    uint8_t *f = calloc(b->ndocs + 1, 1);
    doc_rec **v = malloc((b->ndocs + 1) * sizeof *v);
    if (!f || !v) {
        free(f);
        free(v);
        return NULL;
    }
    for (uint64_t i = 0; i < b->ndocs; i++) v[i] = &b->docs[i];
    if (b->ndocs) qsort(v, b->ndocs, sizeof *v, cmp_cited_as);
    for (uint64_t i = 0; i + 1 < b->ndocs; i++)
        if (v[i]->cited_as == v[i + 1]->cited_as) {
            f[v[i] - b->docs] = AJ_DOC_CITE_PATH;
            f[v[i + 1] - b->docs] = AJ_DOC_CITE_PATH;
        }
    free(v);
    return f;
}

/* meta.aj, its sections in the order FORMAT.md "meta.aj" gives; SUPER
 * (section 1) and DOCS (section 2) are made here. */
static aj_err write_meta(builder *b, aj_fwriter *w) {
    aj_ctx *c = b->c;
    uint8_t sup[AJ_SUPER_BYTES] = {0};
    if (b->nouts != b->nparas)
        return aj_fail(c, AJ_EINVAL, "build: %llu paragraphs have no outline",
                       (unsigned long long)(b->nparas - b->nouts));
    uint64_t chrome_tokens = 0;
    for (uint64_t i = 0; i < b->nparas; i++)
        if (b->kinds[i] == AJ_PARA_CHROME) chrome_tokens += b->lens[i];
    aj_put_u32le(sup, (uint32_t)b->ndocs);
    aj_put_u32le(sup + 4, (uint32_t)b->nparas);
    aj_put_u64le(sup + 8, b->ntokens);
    aj_put_u64le(sup + 16, b->nterms_out);
    aj_put_u64le(sup + 24, b->nwords_out);
    aj_put_u64le(sup + 32, aj_inverter_npostings(b->terms) + b->npost_t);
    aj_put_u64le(sup + 40, aj_inverter_npostings(b->words) + b->npost_w);
    aj_put_u32le(sup + 48, (uint32_t)b->nchrome);
    aj_put_u32le(sup + 52, b->whole == WHOLE_SHARDING_OFF ? AJ_SUPER_SHARDING_OFF : 0);
    aj_put_u64le(sup + 56, chrome_tokens);
    aj_put_u64le(sup + 64, b->npairs);
    aj_put_u64le(sup + 72, b->npair_postings);
    /* a shard's documents are cited by path as lex.aj says (lex.h) */
    uint8_t *flags = b->whole == AS_SHARD ? calloc(b->ndocs + 1, 1) : doc_flags(b);
    if (!flags) return aj_fail(c, AJ_ENOMEM, "document flags");
    uint64_t off = aj_fw_tell(w);
    aj_err e = aj_fw_write(c, w, sup, sizeof sup);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_SUPER, off, sizeof sup);
    off = aj_fw_tell(w);
    uint32_t first = 0;
    for (uint64_t i = 0; !e && i < b->ndocs; i++) {
        uint8_t r[AJ_DOC_BYTES];
        doc_rec *d = &b->docs[i];
        d->first = first; /* paragraphs come in document order */
        first += d->n;
        aj_put_u32le(r, d->path);
        aj_put_u32le(r + 4, d->title);
        aj_put_u32le(r + 8, d->date);
        aj_put_u32le(r + 12, d->source);
        aj_put_u32le(r + 16, d->first);
        aj_put_u32le(r + 20, d->n);
        aj_put_u32le(r + 24, flags[i] | d->flags);
        aj_put_u64le(r + 28, d->size);
        aj_put_u64le(r + 36, d->xxh3);
        e = aj_fw_write(c, w, r, sizeof r);
    }
    free(flags);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_DOCS, off, b->ndocs * AJ_DOC_BYTES);
    off = aj_fw_tell(w);
    if (!e) e = write_paras(b, w);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_PARAS, off, b->nparas * AJ_PARA_BYTES);
    off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < b->nparas; i++) {
        uint8_t r[4];
        aj_put_u32le(r, b->lens[i]);
        e = aj_fw_write(c, w, r, 4);
    }
    if (!e) e = aj_fw_section(c, w, AJ_SEC_LENS, off, b->nparas * 4);
    if (!e) e = write_acronyms(b, w);
    if (!e) e = write_chrome(b, w);
    if (!e) e = write_common(b, w);
    if (!e) e = write_pages(b, w);
    off = aj_fw_tell(w);
    if (!e) e = copy_file(b, b->strings_tmp, "strings.tmp", w);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_STRINGS, off, b->nstrings);
    return e;
}

static aj_err open_out(builder *b, int i, aj_fwriter **w) {
    char path[2048], name[256];
    snprintf(name, sizeof name, "%s%s%s", b->sub ? b->sub : "", b->sub && b->sub[0] ? "/" : "",
             aj_file_names[i]);
    aj_gen_path(b->g, name, path, sizeof path);
    return aj_fw_open(b->c, path, aj_file_kinds[i], w);
}

static aj_err close_out(builder *b, aj_fwriter **w, uint64_t *total) {
    uint64_t n = 0;
    aj_err e = aj_fw_close(b->c, *w, &n);
    *w = NULL;
    *total += n;
    return e;
}

static FILE *open_tmp(builder *b, const char *name) {
    char path[2048];
    tmp_path(b, name, path, sizeof path);
    FILE *f = aj_io_fopen(path, "w+bx");
    if (f) setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static void remove_tmp(builder *b, const char *name) {
    char path[2048];
    tmp_path(b, name, path, sizeof path);
    unlink(path);
}

/* The temporary files of the final writing, made when it starts. */
static const char *const FINAL_TMP[] = {"cdf.tmp", "shared.tmp", "words.tmp",
                                        "dict-t-index.tmp", "dict-w-index.tmp"};
#define NFINAL_TMP (sizeof FINAL_TMP / sizeof *FINAL_TMP)

static FILE **final_tmp(builder *b, size_t i) {
    FILE **f[] = {&b->cdf_tmp, &b->shared_tmp, &b->words_tmp, &b->dterms_idx, &b->dwords_idx};
    return f[i];
}

static void close_final_tmp(builder *b) {
    for (size_t i = 0; i < NFINAL_TMP; i++) {
        FILE **f = final_tmp(b, i);
        if (*f) fclose(*f);
        *f = NULL;
        remove_tmp(b, FINAL_TMP[i]);
    }
}

static aj_err finish(builder *b, uint64_t *bytes_out) {
    aj_ctx *c = b->c;
    aj_fwriter *meta = NULL;
    uint64_t base = 0;
    aj_err e = stop_if_asked(c, b->o);
    if (e) return e;
    e = aj_store_finish(c, b->store);
    b->store = NULL;
    if (!e) e = close_out(b, &b->stor, bytes_out);
    for (size_t i = 0; !e && i < NFINAL_TMP; i++)
        if (!(*final_tmp(b, i) = open_tmp(b, FINAL_TMP[i]))) e = tmp_fail(b, FINAL_TMP[i], "create");
    if (!e) e = open_out(b, AJ_F_POST, &b->post);
    if (!e) e = open_out(b, AJ_F_POSN, &b->posn);
    if (!e) e = open_out(b, AJ_F_DICT, &b->dict);
    for (uint64_t i = 0; i < b->nparas; i++) b->nchrome += b->kinds[i] == AJ_PARA_CHROME;
    if (!e) e = emit_lists(b, &base);
    for (size_t i = 0; i < b->nruns; i++) {
        unlink(b->runs_t[i]);
        unlink(b->runs_w[i]);
    }
    if (!e) e = close_out(b, &b->post, bytes_out);
    if (!e) e = close_out(b, &b->posn, bytes_out);
    if (!e) e = stop_if_asked(c, b->o);
    if (!e) e = write_words_dict(b, base);
    if (!e) e = close_out(b, &b->dict, bytes_out);
    if (!e) e = stop_if_asked(c, b->o);
    if (!e) e = open_out(b, AJ_F_META, &meta);
    if (!e) e = write_meta(b, meta);
    if (!e) e = close_out(b, &meta, bytes_out);
    aj_fw_abort(meta);
    close_final_tmp(b);
    return e;
}

static void builder_free(builder *b) {
    aj_inverter_free(b->terms);
    aj_inverter_free(b->words);
    aj_store_writer_free(b->store);
    aj_store_dict_free(&b->sdict);
    aj_pairs_free(&b->common);
    aj_fw_abort(b->stor);
    aj_fw_abort(b->post);
    aj_fw_abort(b->posn);
    aj_fw_abort(b->postw);
    aj_fw_abort(b->dict);
    aj_dict_writer_free(&b->dterms);
    close_final_tmp(b);
    if (b->paras_tmp) fclose(b->paras_tmp);
    if (b->strings_tmp) fclose(b->strings_tmp);
    if (b->cites_tmp) fclose(b->cites_tmp);
    free(b->kinds);
    for (int i = 0; b->map_t && b->map_w && i < b->nworkers; i++) {
        aj_inv_map_free(&b->map_t[i]);
        aj_inv_map_free(&b->map_w[i]);
    }
    free(b->map_t);
    free(b->fresh);
    free(b->map_w);
    free(b->lens);
    free(b->docs);
    free(b->corpus_to_doc);
    for (size_t i = 0; b->pre && b->cp && i < b->cp->ndocs; i++)
        if (b->pre[i]) {
            aj_docmap_close(b->pre[i]);
            free(b->pre[i]);
        }
    free(b->pre);
    free(b->pages);
    for (size_t i = 0; i < b->nacros; i++) free(b->acros[i].acr);
    free(b->acros);
    for (size_t i = 0; i < b->nruns; i++) {
        free(b->runs_t[i]);
        free(b->runs_w[i]);
    }
}

/* Tells a canceled build's caller, in place of the message of the check
 * that stopped it, what became of the unfinished generation (tmpname,
 * "" when none was created) and which generation is still current. */
static void say_canceled(aj_ctx *c, const char *index_dir, const char *tmpname) {
    char what[1200] = "stopped before writing anything", path[1100], live[128];
    if (tmpname[0]) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", index_dir, tmpname);
        snprintf(what, sizeof what,
                 lstat(path, &st) == 0 ? "could not remove the unfinished build %s "
                                         "(the next build removes it)"
                                       : "removed the unfinished build %s",
                 path);
    }
    int dfd = open(index_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    aj_ctx ignored = {0};
    if (dfd < 0 || aj_index_current(&ignored, dfd, index_dir, live) != AJ_OK) live[0] = 0;
    if (dfd >= 0) close(dfd);
    c->err = AJ_OK; /* the same error, told in full */
    if (live[0])
        aj_fail(c, AJ_ECANCELED, "%s; the index there is unchanged (%s)", what, live);
    else
        aj_fail(c, AJ_ECANCELED, "%s; there is still no index in %s", what, index_dir);
}

int aj_build_default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

aj_err aj_build(aj_ctx *c, const aj_build_opts *o, aj_build_stats *stats) {
    return aj_build_units(c, o, 0, 0, stats);
}

/* Indexes the documents of cp into the build directory of g, or into its
 * subdirectory sub (a shard's) when sub is not empty.  Its warnings,
 * skipped files, runs and bytes are added to st, and its counts and
 * fingerprint set there (a sharded build sets them again, for the whole
 * index: aj_lex_write); *xxh3 gets the hash of each document of cp as indexed
 * (0: skipped), to be freed. */
static aj_err build_index(aj_ctx *c, const aj_build_opts *o, aj_gen *g, const aj_corpus *cp,
                          const char *sub, int threads, uint32_t chunk_bytes,
                          uint32_t segment_tokens, int whole, aj_build_stats *st,
                          uint64_t **xxh3) {
    builder b = {.c = c, .o = o};
    aj_bchunk *chunks = NULL;
    size_t nchunks = 0;
    uint64_t bytes_out = 0;
    b.memory = o->memory ? o->memory : DEFAULT_MEMORY;
    /* Each worker's tables take an eighth of the budget, within bounds:
     * what they hold is the words of recent text, which a small table
     * learns again quickly after forgetting them. */
    b.worker_limit = b.memory / 8;
    if (b.worker_limit < WORKER_TABLES_MIN) b.worker_limit = WORKER_TABLES_MIN;
    if (b.worker_limit > WORKER_TABLES_MAX) b.worker_limit = WORKER_TABLES_MAX;
    b.seg_tokens = segment_tokens ? segment_tokens : AJ_SEG_TOKENS;
    b.t0 = now();
    b.sub = sub;
    b.whole = whole;
    if (aj_fp_init(&b.fp) != 0) return aj_fail(c, AJ_ENOMEM, "fingerprint");
    b.cp = cp;
    b.g = g;
    aj_err e = AJ_OK;
    b.docs = calloc(cp->ndocs + 1, sizeof *b.docs);
    b.corpus_to_doc = calloc(cp->ndocs + 1, sizeof *b.corpus_to_doc);
    b.pre = calloc(cp->ndocs + 1, sizeof *b.pre);
    if (!b.docs || !b.corpus_to_doc || !b.pre) e = aj_fail(c, AJ_ENOMEM, "document table");
    if (aj_xrun_find(o->extractor, b.xprogram, sizeof b.xprogram) == 0)
        b.xrun.program = b.xprogram;
    else
        b.xrun.missing = b.xprogram;
    b.xrun.memory = o->extract_memory == UINT64_MAX ? 0
                    : o->extract_memory                ? o->extract_memory
                                                       : AJ_XRUN_MEMORY;
    b.xrun.seconds = o->extract_seconds ? o->extract_seconds : AJ_XRUN_SECONDS;
    b.reading = (aj_docmap_opts){&b.xrun, g->tmpfd};
    for (size_t i = 0; !e && i < cp->ndocs; i++) b.corpus_to_doc[i] = -1;
    if (!e) e = aj_inverter_new(c, 1, &b.terms);
    if (!e) e = aj_inverter_new(c, 0, &b.words);
    b.nworkers = threads;
    b.map_t = calloc((size_t)threads, sizeof *b.map_t);
    b.map_w = calloc((size_t)threads, sizeof *b.map_w);
    b.fresh = calloc((size_t)threads, 1);
    if (!e && (!b.map_t || !b.map_w || !b.fresh)) e = aj_fail(c, AJ_ENOMEM, "key maps");
    if (!e) {
        b.paras_tmp = open_tmp(&b, "paras.tmp");
        b.strings_tmp = open_tmp(&b, "strings.tmp");
        b.cites_tmp = open_tmp(&b, "cites.tmp");
        if (!b.paras_tmp || !b.strings_tmp || !b.cites_tmp)
            e = tmp_fail(&b, !b.paras_tmp ? "paras.tmp" : !b.strings_tmp ? "strings.tmp" : "cites.tmp",
                         "create");
    }
    if (!e) e = train_dict(&b);
    if (!e) e = open_out(&b, AJ_F_STOR, &b.stor);
    if (!e) e = aj_store_writer_new(c, b.stor, &b.sdict, &b.store);
    if (!e)
        e = aj_bchunks(c, o->corpus_dir, cp, chunk_bytes, &chunks, &nchunks);
    /* With more than one thread, the coordinator always has a thread of
     * its own, even for a single chunk (one large document): absorbing
     * and spilling then overlap with the worker's analysis instead of
     * following it (pool_workers says how many workers). */
    if (!e && threads > 1 && nchunks > 0) {
        int workers = pool_workers(chunks, nchunks, threads);
        b.helpers = threads - workers < workers ? threads - workers : workers;
        e = run_pool(&b, chunks, nchunks, workers);
    } else if (!e) {
        e = run_inline(&b, chunks, nchunks);
    }
    if (!e) progress(&b, "writing");
    if (!e) e = finish(&b, &bytes_out);
    if (b.paras_tmp) fclose(b.paras_tmp);
    if (b.strings_tmp) fclose(b.strings_tmp);
    if (b.cites_tmp) fclose(b.cites_tmp);
    b.paras_tmp = b.strings_tmp = b.cites_tmp = NULL;
    remove_tmp(&b, "paras.tmp");
    remove_tmp(&b, "strings.tmp");
    remove_tmp(&b, "cites.tmp");
    for (int k = 0; k < AJ_WARN_NKINDS; k++) st->warnings[k] += b.nwarn[k];
    *xxh3 = NULL;
    if (!e) {
        st->ndocs = (uint32_t)b.ndocs;
        st->nparas = (uint32_t)b.nparas;
        st->nterms = b.nterms_out - b.npairs;
        st->nwords = b.nwords_out;
        st->ntokens = b.ntokens;
        st->npostings = aj_inverter_npostings(b.terms) + b.npost_t - b.npair_postings;
        st->fingerprint = aj_fp_value(&b.fp);
        st->nskipped += b.nskipped;
        st->bytes_in += b.bytes_in;
        st->bytes_out += bytes_out;
        st->nruns += (uint32_t)b.nruns;
        st->shards_built++;
        *xxh3 = calloc(cp->ndocs + 1, sizeof **xxh3);
        if (!*xxh3) e = aj_fail(c, AJ_ENOMEM, "document table");
        for (size_t i = 0; !e && i < cp->ndocs; i++)
            if (b.corpus_to_doc[i] >= 0) (*xxh3)[i] = b.docs[b.corpus_to_doc[i]].xxh3;
    }
    aj_fp_free(&b.fp);
    free(chunks);
    builder_free(&b);
    return e;
}

/* The live generation's directory in the index directory (for the shards
 * a build may reuse), or -1. */
static int live_generation(const aj_gen *g, char live[64]) {
    aj_ctx ignored = {0};
    if (aj_index_current(&ignored, g->dirfd, g->dir, live) != AJ_OK) return -1;
    return openat(g->dirfd, live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Links the five files of shard dir name from the live generation (lfd)
 * into the build directory: 1 when done, 0 when the live generation has
 * no such shard (the build then indexes it), -1 on failure (described in
 * c; what it made is removed).  The files are not read: verifying a GB of
 * shards would take most of an incremental build's time, and `ajsearch
 * check` does it (README "Incremental builds" says how a damaged shard is
 * indexed again). */
static int reuse_shard(aj_ctx *c, const aj_gen *g, int lfd, const char *name) {
    if (lfd < 0) return 0;
    int from = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (from < 0) return 0;
    const char *what = "mkdir";
    int ok = aj_io_mkdirat(g->tmpfd, name, 0755) == 0;
    int to = ok ? openat(g->tmpfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (ok && to < 0) ok = 0, what = "open";
    for (int i = 0; ok && i < AJ_NFILES; i++)
        if (linkat(from, aj_file_names[i], to, aj_file_names[i], 0) != 0) ok = 0, what = "link";
    if (ok && aj_io_fsync(to) != 0) ok = 0, what = "fsync";
    if (!ok) {
        aj_fail(c, AJ_EIO, "%s/%s/%s: %s: %s", g->dir, g->tmpname, name, what, strerror(errno));
        for (int i = 0; to >= 0 && i < AJ_NFILES; i++) unlinkat(to, aj_file_names[i], 0);
        unlinkat(g->tmpfd, name, AT_REMOVEDIR);
    }
    if (to >= 0) close(to);
    close(from);
    return ok ? 1 : -1;
}

/* The sharded generation: each shard of the plan indexed, or linked from
 * the live generation when it has the shard already, then lex.aj. */
static aj_err build_shards(aj_ctx *c, const aj_build_opts *o, aj_gen *g, const aj_corpus *cp,
                           aj_shard_doc *sd, const uint32_t *ends, uint32_t nshards,
                           uint64_t shard_bytes, int threads, uint32_t chunk_bytes,
                           uint32_t segment_tokens, aj_build_stats *st) {
    uint64_t *ids = calloc(nshards, sizeof *ids);
    if (!ids) return aj_fail(c, AJ_ENOMEM, "shards");
    char live[64], prev[2200] = "";
    int lfd = live_generation(g, live);
    if (lfd >= 0) snprintf(prev, sizeof prev, "%s/%s", g->dir, live);
    aj_err e = AJ_OK;
    for (uint32_t k = 0, lo = 0; !e && k < nshards; lo = ends[k++]) {
        uint32_t hi = ends[k];
        aj_shard_hash(o->corpus_dir, cp, sd, lo, hi);
        uint64_t id = aj_shard_name(cp, sd, lo, hi);
        char name[32];
        snprintf(name, sizeof name, "%s%016llx", AJ_SHARD_PREFIX, (unsigned long long)id);
        e = stop_if_asked(c, o);
        if (e) break;
        int reused = reuse_shard(c, g, lfd, name);
        if (reused < 0) {
            e = AJ_EIO;
            break;
        }
        if (reused) {
            ids[k] = id;
            continue;
        }
        /* indexed under a name of its own, then renamed */
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%s%u.tmp", AJ_SHARD_PREFIX, k);
        if (aj_io_mkdirat(g->tmpfd, tmp, 0755) != 0) {
            e = aj_fail(c, AJ_EIO, "%s/%s/%s: %s", g->dir, g->tmpname, tmp, strerror(errno));
            break;
        }
        aj_corpus sub = {cp->docs + lo, hi - lo, 0};
        uint64_t *xxh3;
        e = build_index(c, o, g, &sub, tmp, threads, chunk_bytes, segment_tokens, AS_SHARD, st,
                        &xxh3);
        if (!e) {
            /* A document that changed between its hash and its reading
             * was indexed as read: the shard is named by what was read (the
             * name chained with each document's hash as indexed), so that
             * no build takes it for the documents as hashed, and a name in
             * two generations still means the same contents (lex.aj's sums
             * carry over by name). */
            int changed = 0;
            for (uint32_t i = lo; i < hi; i++)
                changed |= xxh3[i - lo] && xxh3[i - lo] != sd[i].xxh3;
            for (uint32_t i = lo; changed && i < hi; i++) {
                uint8_t b[8];
                aj_put_u64le(b, xxh3[i - lo]);
                id = XXH3_64bits_withSeed(b, sizeof b, id);
            }
            snprintf(name, sizeof name, "%s%016llx", AJ_SHARD_PREFIX, (unsigned long long)id);
            if (aj_io_renameat(g->tmpfd, tmp, g->tmpfd, name) != 0)
                e = aj_fail(c, AJ_EIO, "%s/%s/%s: %s", g->dir, g->tmpname, name,
                            strerror(errno));
        }
        free(xxh3);
        int sfd = e ? -1 : openat(g->tmpfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!e && (sfd < 0 || aj_io_fsync(sfd) != 0))
            e = aj_fail(c, AJ_EIO, "%s/%s/%s: fsync: %s", g->dir, g->tmpname, name,
                        strerror(errno));
        if (sfd >= 0) close(sfd);
        ids[k] = id;
    }
    if (lfd >= 0) close(lfd);
    char path[2048];
    aj_gen_path(g, "", path, sizeof path);
    if (!e) e = stop_if_asked(c, o);
    if (!e) e = aj_lex_write(c, path, ids, nshards, shard_bytes, prev[0] ? prev : NULL, st);
    free(ids);
    return e;
}

aj_err aj_build_units(aj_ctx *c, const aj_build_opts *o, uint32_t chunk_bytes,
                      uint32_t segment_tokens, aj_build_stats *stats) {
    double t0 = now();
    aj_corpus cp;
    aj_gen g;
    aj_build_stats st;
    memset(&st, 0, sizeof st);
    int threads = o->threads > 0 ? o->threads : aj_build_default_threads();
    builder w = {.c = c, .o = o}; /* counts the scan's warnings */
    aj_err e = aj_corpus_scan(c, o->corpus_dir, on_warning, &w, &cp);
    if (!e && stop_asked(o)) {
        aj_corpus_free(&cp);
        e = AJ_ECANCELED;
        say_canceled(c, o->index_dir, "");
    }
    if (e) return e;
    memcpy(st.warnings, w.nwarn, sizeof w.nwarn);
    st.nskipped = (uint32_t)cp.nskipped;
    e = aj_gen_begin(c, o->index_dir, o->wait, o->cancel, &g);
    if (e) {
        aj_corpus_free(&cp);
        return e;
    }
    /* the shard plan */
    /* the shard size asked for, else the live index's, else the default;
     * UINT64_MAX: sharding off */
    uint64_t want = o->shard_bytes;
    if (!want) {
        char live[64], path[2200];
        int lfd = live_generation(&g, live);
        if (lfd >= 0) {
            close(lfd);
            snprintf(path, sizeof path, "%s/%s", g.dir, live);
            want = aj_lex_shard_bytes(path);
        }
        if (!want) want = AJ_SHARD_DEFAULT_BYTES;
    }
    uint64_t shard_bytes = want == UINT64_MAX ? 0 : want;
    aj_shard_doc *sd = calloc(cp.ndocs + 1, sizeof *sd);
    uint32_t *ends = NULL, nshards = 0;
    if (!sd) e = aj_fail(c, AJ_ENOMEM, "document table");
    if (!e && shard_bytes) aj_shard_sizes(o->corpus_dir, &cp, sd);
    if (!e) e = aj_shard_plan(c, &cp, sd, shard_bytes, &ends, &nshards);
    if (!e && nshards == 1) {
        uint64_t *xxh3;
        e = build_index(c, o, &g, &cp, "", threads, chunk_bytes, segment_tokens,
                        shard_bytes ? WHOLE : WHOLE_SHARDING_OFF, &st, &xxh3);
        free(xxh3);
    } else if (!e) {
        e = build_shards(c, o, &g, &cp, sd, ends, nshards, shard_bytes, threads, chunk_bytes,
                         segment_tokens, &st);
    }
    free(sd);
    free(ends);
    uint32_t nwarn = 0;
    for (int k = 0; k < AJ_WARN_NKINDS; k++) nwarn += st.warnings[k];
    if (!e && o->strict && nwarn)
        e = aj_fail(c, AJ_EWARN, "%u warning%s in a strict build: the index in %s "
                    "was not replaced", nwarn, nwarn == 1 ? "" : "s", o->index_dir);
    /* The last moment to stop: once the switch begins, the build ends it. */
    if (!e) e = stop_if_asked(c, o);
    if (!e) e = aj_gen_commit(c, &g, o->keep == 0 ? 1 : o->keep < 0 ? 0 : o->keep);
    char tmpname[sizeof g.tmpname];
    memcpy(tmpname, g.tmpname, sizeof tmpname);
    aj_gen_end(&g);
    if (e == AJ_ECANCELED) say_canceled(c, o->index_dir, tmpname);
    if (!e && stats) {
        st.nshards = nshards;
        st.threads = (uint32_t)threads;
        st.seconds = now() - t0;
        st.format = AJ_FORMAT_VERSION;
        *stats = st;
    }
    aj_corpus_free(&cp);
    return e;
}
