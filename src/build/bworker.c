/* bworker.c - see bworker.h. */
#include "build/bworker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "analysis/acronym.h"
#include "analysis/boilerplate.h"
#include "analysis/outline.h"
#include "analysis/segment.h"
#include "common/grow.h"

/* The worker's word table: every distinct word of at most WKEY bytes the
 * worker has seen, with its word id and term id, in open addressing with
 * the key inline.  A token then costs one probe into one 32-byte slot
 * (usually a single cache line) where the inverter's own table costs three
 * scattered reads (slot, entry, key bytes) and the word -> term array a
 * fourth; on corpora with hundreds of thousands of distinct words those
 * misses were about a quarter of the build.  Longer words (rare) take the
 * inverter's table.  The ids are the inverter's, so nothing downstream
 * changes. */
#define WKEY 19
/* How many tokens ahead index_tokens asks for the memory it will touch;
 * the terms' hashes it computes then wait in a ring of AHEAD_RING. */
#define TOKEN_AHEAD 8
#define AHEAD_RING 16
typedef struct {
    uint32_t hash, wid, tid;
    uint8_t len;             /* 0: empty slot (no word is empty) */
    char key[WKEY];
} wslot;
#define WTABLE_MIN (1u << 14)
/* Slots of a worker's table of the terms it knew (1 MiB): enough to
 * recognize the words a text repeats, which are its frequent ones. */
#define SEEN_SLOTS (1u << 18)

/* Analyzed paragraphs on their way to the indexing: each paragraph's
 * token count, and each token's word (hash, length, position, bytes) and,
 * when the analysis stemmed it, its term (TERM_ASK: the indexing asks
 * the analyzer, when the word is new to it).  A batch holds paragraphs
 * of one segment; seg_end says the segment ends with them, last that it
 * is the chunk's last. */
#define PIPE_BATCHES 2           /* batches on their way, at most */
#define BATCH_TOKENS (1u << 15)  /* a batch is sent past this many tokens */
#define TERM_ASK UINT32_MAX
#define TERM_SAME (UINT32_MAX - 1)  /* the term is the word itself */
typedef struct {
    aj_bseg *seg;
    int seg_end, last;
    uint32_t *ntok;
    size_t npara, cappara;
    uint32_t *hash, *len, *pos, *byte, *term;
    uint8_t *tlen;
    size_t n, cap;
    char *bytes;             /* words and terms, back to back */
    size_t nbytes, capbytes;
} batch;

typedef struct pipeline pipeline;

struct aj_bworker {
    aj_analyzer *an;
    uint64_t seg_tokens;
    uint32_t id;
    /* The worker's vocabulary lives as long as the worker: each distinct
     * word is stemmed and hashed into the global tables once per worker. */
    aj_inverter *terms, *words;
    uint32_t *w2t;           /* word id -> term id */
    size_t capw2t;
    wslot *wtab;             /* the word table (above) */
    uint64_t nwtab, wtab_used;
    /* The analysis fills a batch of paragraphs' tokens (fill); the
     * indexing resolves them to ids (index_tokens) into tids and wids,
     * room for the longest paragraph so far. */
    batch fill;
    uint32_t *tids, *wids;
    size_t capids;
    /* With a helper (aj_bworker_set_helper), the analysis has a thread of
     * its own (see "The pipeline" below); else it calls the indexing at
     * the end of each paragraph. */
    struct ahead {
        size_t tok;          /* the token (in its paragraph), SIZE_MAX: none */
        uint32_t hash;       /* its term's hash */
    } ahead[AHEAD_RING];
    int helper;
    pipeline *pipe;
    aj_bseg *iseg;           /* the indexing's segment (the analysis's
                                is seg) */
    const aj_store_dict *sdict;  /* for the texts' frames, or NULL */
    const volatile sig_atomic_t *cancel;  /* stop when non-zero, or NULL */
    const aj_docmap_opts *reading; /* how documents are read (docmap.h) */
    aj_docmap **pre;             /* documents read already, or NULL */
    const aj_docmap *doc;        /* the document being segmented */
    uint64_t limit;          /* bytes its tables may hold (0: no limit) */
    aj_bexport *cur;         /* the export being filled (its others) */
    /* Common-word pairs (pairs.h): the common terms, a class per term id
     * of the worker's inverter (aj_pairs_class), and the current paragraph's
     * pairs, resolved to term ids, with their positions. */
    const aj_pairs *common;
    uint8_t *tclass;
    size_t captclass;
    uint32_t *pids, *ppos;
    size_t cappairs;
    /* Pair ids by the pair's two term ids, in open addressing: a pair
     * costs one probe, not the key's bytes hashed and compared in the
     * inverter's table (a pair is as frequent as a word, and without
     * this table its interning was the largest share of the build). */
    struct pslot { uint64_t tids; uint32_t pid1; } *ptab;  /* pid1: id + 1, 0 empty */
    uint64_t nptab, ptab_used;
    /* The terms the worker knew before it last forgot its keys, as hashes
     * (a slot per hash, the newest kept; made at the first forgetting):
     * a term new to its tables is counted as recurring when it is there
     * (nrecur, since the last export), which tells the coordinator a
     * vocabulary that repeats from one that does not (aj_bexport). */
    uint32_t *seen;
    uint32_t nrecur;
    int fresh;               /* its last large hand-over was mostly new */
    /* state while segmenting one document (the analysis's), and the
     * contexts errors are told in: c the indexing's, ac the analysis's
     * (the same without a helper) */
    aj_ctx *c, *ac;
    aj_err err;
    aj_bseg *seg;
    uint32_t chunk, seq;
    aj_bseg_fn fn;
    void *arg;
    size_t corpus_doc;
    uint32_t ordinal;
    uint32_t pos;            /* tokens of the current paragraph */
    const char *src;         /* the mapped document */
    size_t src_len;
    uint32_t local_para;     /* paragraphs in the current segment */
    aj_block *blocks;        /* the current document's paragraphs, summed
                                up for the structure passes (block.h) */
    size_t nblocks, capblocks;
};

/* A zeroed word table of n slots.  Large ones ask for huge pages: the
 * table is read at random, one slot per token, and with 4 KiB pages
 * nearly every probe of a big vocabulary also misses the TLB. */
static wslot *wtab_alloc(uint64_t n) {
    size_t bytes = n * sizeof(wslot), huge = 2u << 20;
    if (bytes < huge) return calloc(n, sizeof(wslot));
    void *p = NULL;
    if (posix_memalign(&p, huge, bytes)) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

aj_err aj_bchunks(aj_ctx *c, const char *root, const aj_corpus *cp,
                  uint64_t chunk_bytes, aj_bchunk **out, size_t *n) {
    aj_bchunk *v = calloc(cp->ndocs + 1, sizeof *v);
    uint64_t *sizes = calloc(cp->ndocs + 1, sizeof *sizes), total = 0;
    if (!v || !sizes) {
        free(v);
        free(sizes);
        return aj_fail(c, AJ_ENOMEM, "chunks");
    }
    for (size_t i = 0; i < cp->ndocs; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", root, cp->docs[i].rel);
        if (stat(path, &st) == 0) sizes[i] = (uint64_t)st.st_size;
        total += sizes[i];
    }
    /* Without a fixed size, chunks are a 64th of the corpus, between
     * 64 KiB and 1 MiB: small corpora still spread over the threads.  The
     * size depends only on the corpus, never on the thread count. */
    if (!chunk_bytes) {
        chunk_bytes = total / 64;
        if (chunk_bytes < AJ_CHUNK_MIN) chunk_bytes = AJ_CHUNK_MIN;
        if (chunk_bytes > AJ_CHUNK_BYTES) chunk_bytes = AJ_CHUNK_BYTES;
    }
    size_t nc = 0, i = 0;
    while (i < cp->ndocs) {
        uint64_t bytes = 0;
        size_t first = i;
        do bytes += sizes[i++];
        while (i < cp->ndocs && bytes < chunk_bytes);
        v[nc++] = (aj_bchunk){first, i, bytes};
    }
    free(sizes);
    *out = v;
    *n = nc;
    return AJ_OK;
}

aj_err aj_bworker_new(aj_ctx *c, uint64_t seg_tokens, uint32_t id,
                      aj_bworker **out) {
    aj_bworker *w = calloc(1, sizeof *w);
    if (!w) return aj_fail(c, AJ_ENOMEM, "worker");
    w->seg_tokens = seg_tokens;
    w->id = id;
    aj_err e = aj_analyzer_new(c, &w->an);
    if (!e) e = aj_inverter_new(c, 1, &w->terms);
    if (!e) e = aj_inverter_new(c, 0, &w->words);
    w->nwtab = WTABLE_MIN;
    if (!e && !(w->wtab = wtab_alloc(w->nwtab)))
        e = aj_fail(c, AJ_ENOMEM, "word table");
    if (e) {
        aj_bworker_free(w);
        return e;
    }
    /* Each distinct word is stemmed once, when first seen (word_term). */
    aj_analyzer_set_stemming(w->an, 0);
    *out = w;
    return AJ_OK;
}

void aj_bworker_set_dict(aj_bworker *w, const aj_store_dict *d) { w->sdict = d; }
void aj_bworker_set_pairs(aj_bworker *w, const aj_pairs *p) { w->common = p; }
void aj_bworker_set_cancel(aj_bworker *w, const volatile sig_atomic_t *cancel) {
    w->cancel = cancel;
}

void aj_bworker_set_reading(aj_bworker *w, const aj_docmap_opts *o, aj_docmap **pre) {
    w->reading = o;
    w->pre = pre;
}

static int canceled(const aj_bworker *w) { return w->cancel && *w->cancel; }
void aj_bworker_set_limit(aj_bworker *w, uint64_t bytes) { w->limit = bytes; }

static void batch_free(batch *b) {
    free(b->ntok);
    free(b->hash);
    free(b->len);
    free(b->pos);
    free(b->byte);
    free(b->term);
    free(b->tlen);
    free(b->bytes);
    memset(b, 0, sizeof *b);
}

void aj_bworker_free(aj_bworker *w) {
    if (!w) return;
    aj_analyzer_free(w->an);
    aj_bseg_free(w->seg);
    aj_inverter_free(w->terms);
    aj_inverter_free(w->words);
    free(w->w2t);
    free(w->wtab);
    batch_free(&w->fill);
    free(w->tids);
    free(w->wids);
    free(w->tclass);
    free(w->ptab);
    free(w->seen);
    free(w->pids);
    free(w->ppos);
    free(w->blocks);
    free(w);
}

void aj_bseg_free(aj_bseg *s) {
    if (!s) return;
    for (size_t i = 0; i < s->ndocs; i++) {
        free(s->docs[i].title);
        free(s->docs[i].date);
        free(s->docs[i].skip);
        free(s->docs[i].changed);
    }
    free(s->docs);
    free(s->paras);
    free(s->strings);
    free(s->acros);
    for (size_t i = 0; i < s->nouts; i++) free(s->outs[i].blocks);
    free(s->outs);
    aj_store_packer_free(&s->store);
    for (size_t i = 0; i < s->nexps; i++) {
        aj_inv_export_free(&s->exps[i].terms);
        aj_inv_export_free(&s->exps[i].words);
        free(s->exps[i].others);
        free(s->exps[i].olens);
    }
    free(s->exps);
    free(s);
}

static aj_err seg_new(aj_ctx *c, uint32_t worker, uint32_t chunk, uint32_t seq,
                      const aj_store_dict *sdict, aj_bseg **out) {
    aj_bseg *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "segment");
    s->worker = worker;
    s->chunk = chunk;
    s->seq = seq;
    aj_err e = aj_store_packer_init(c, &s->store, sdict);
    if (e) {
        aj_bseg_free(s);
        return e;
    }
    *out = s;
    return AJ_OK;
}

/* Grows an array to hold n + 1 elements of size sz. */
static int grow(void **p, size_t *cap, size_t n, size_t sz) {
    return aj_grow(NULL, p, cap, n + 1, sz, NULL) ? -1 : 0;
}

/* The export of the current segment that is being filled, made when
 * needed. */
static aj_bexport *cur_export(aj_bworker *w) {
    aj_bseg *s = w->iseg;
    if (!w->cur) {
        if (grow((void **)&s->exps, &s->capexps, s->nexps, sizeof *s->exps)) return NULL;
        w->cur = &s->exps[s->nexps++];
        memset(w->cur, 0, sizeof *w->cur);
    }
    return w->cur;
}

/* Hands the postings held so far over, into the segment. */
static aj_err export_now(aj_bworker *w) {
    aj_bexport *x = cur_export(w);
    if (!x) return aj_fail(w->c, AJ_ENOMEM, "segment exports");
    aj_err e = aj_inverter_export(w->c, w->terms, &x->terms);
    if (!e) e = aj_inverter_export(w->c, w->words, &x->words);
    if (!e && x->terms.n >= AJ_FRESH_KEYS) {
        /* new to the worker: named for the first time in x, and not known
         * before it last forgot its keys */
        uint32_t unseen = 0;
        for (uint32_t k = 0; k < x->terms.n; k++)
            unseen += x->terms.ids[k] >= x->terms.nkeys_before;
        unseen = unseen > w->nrecur ? unseen - w->nrecur : 0;
        x->fresh = unseen > x->terms.n / 2 ? AJ_FRESH_YES : AJ_FRESH_NO;
        w->fresh = x->fresh == AJ_FRESH_YES;
    }
    w->nrecur = 0;
    w->cur = NULL;
    return e;
}

/* Bytes held by the worker's tables of keys. */
/* What the worker's tables hold for the keys they know (their room, kept
 * from one set of keys to the next, is at most about twice it). */
static uint64_t tables_used(const aj_bworker *w) {
    return aj_inverter_used(w->terms) + aj_inverter_used(w->words) +
           2 * w->wtab_used * sizeof *w->wtab + aj_inverter_nkeys(w->words) * sizeof *w->w2t +
           aj_inverter_nkeys(w->terms) + 2 * w->ptab_used * sizeof *w->ptab;
}

/* Forgets every key (after an export), keeping the tables' room: a
 * worker whose vocabulary outgrows its share forgets its keys again and
 * again, and tables started small each time would grow anew (page faults,
 * copies, rehashing) every time.  Ids restart, which the next export
 * tells the coordinator. */
static aj_err forget_keys(aj_bworker *w) {
    if (!w->seen && !(w->seen = calloc(SEEN_SLOTS, sizeof *w->seen)))
        return aj_fail(w->c, AJ_ENOMEM, "known terms");
    for (uint32_t id = 0; id < aj_inverter_nkeys(w->terms); id++) {
        uint32_t h = aj_inverter_key_hash(w->terms, id);
        w->seen[h & (SEEN_SLOTS - 1)] = h | 1;
    }
    aj_inverter_clear(w->terms);
    aj_inverter_clear(w->words);
    /* w2t and tclass are written for every new id before they are read */
    if (w->ptab) memset(w->ptab, 0, w->nptab * sizeof *w->ptab);
    w->ptab_used = 0;
    memset(w->wtab, 0, w->nwtab * sizeof *w->wtab);
    w->wtab_used = 0;
    return AJ_OK;
}

/* A worker forgets its keys past half its limit in keys, when its tables
 * have room for at most about the limit, or past a quarter of it while its
 * vocabulary does not repeat: there larger tables only miss the cache
 * more, while a vocabulary that repeats is learned again after each
 * forgetting.  (Measured 2026-12-06: forgetting at a quarter was 3-5%
 * faster on 28 MB of base64 and 10-15% slower on synth-100M.) */
static int over_limit(const aj_bworker *w) {
    return w->limit && (w->fresh ? 4 : 2) * tables_used(w) > w->limit;
}

/* Hands the segment's exports over now, as a piece of their own that
 * comes before the rest of the segment (it takes the segment's number,
 * and the segment the next): the coordinator gives the piece the base
 * the segment will have, since nothing comes between them.  The texts'
 * blocks stay with the segment, so where pieces are cut does not show in
 * stor.aj either. */
static aj_err hand_piece(aj_bworker *w) {
    aj_bseg *s = w->iseg, *piece = calloc(1, sizeof *piece);
    if (!piece) return aj_fail(w->c, AJ_ENOMEM, "segment");
    piece->worker = s->worker;
    piece->chunk = s->chunk;
    piece->seq = w->seq++;
    piece->exps = s->exps;
    piece->nexps = s->nexps;
    piece->capexps = s->capexps;
    s->exps = NULL;
    s->nexps = s->capexps = 0;
    return w->fn(w->c, w->arg, piece);
}

/* Past its limit in the middle of a segment, the worker hands over what
 * it holds and forgets its keys.  Where that happens does not show in the
 * index: a key's postings join in paragraph order whichever exports they
 * come in. */
static aj_err check_limit(aj_bworker *w) {
    if (!over_limit(w)) return AJ_OK;
    aj_err e = export_now(w);
    if (!e) e = hand_piece(w);
    return e ? e : forget_keys(w);
}

/* Hands the indexing's segment over (its texts were packed by the
 * analysis).  Segments and pieces are numbered in the order handed. */
static aj_err finish_seg(aj_bworker *w, int last) {
    aj_bseg *s = w->iseg;
    aj_err e = export_now(w);
    if (!e && over_limit(w)) e = forget_keys(w);
    if (e) return e;
    s->last = last;
    s->seq = w->seq++;
    w->iseg = NULL;
    w->local_para = 0;
    return w->fn(w->c, w->arg, s);
}

/* Notes that a word spelled otherwise has term as its term. */
static aj_err note_other(aj_bworker *w, const char *term, size_t tl) {
    aj_bexport *x = cur_export(w);
    if (!x) return aj_fail(w->c, AJ_ENOMEM, "segment exports");
    if (grow((void **)&x->olens, &x->capothers, x->nothers, 1))
        return aj_fail(w->c, AJ_ENOMEM, "word terms");
    while (x->nobytes + tl > x->capobytes) {
        size_t cap = x->capobytes ? 2 * x->capobytes : 4096;
        char *v = realloc(x->others, cap);
        if (!v) return aj_fail(w->c, AJ_ENOMEM, "word terms");
        x->others = v;
        x->capobytes = cap;
    }
    memcpy(x->others + x->nobytes, term, tl);
    x->nobytes += tl;
    x->olens[x->nothers++] = (uint8_t)tl;
    return AJ_OK;
}

/* Maps a word to its term the first time the worker sees it, and flags
 * both (AJ_KEY_SELF, AJ_KEY_OTHER). */
/* Counts term tid, new to the worker's tables, when the worker knew it
 * before it last forgot its keys. */
static void note_new_term(aj_bworker *w, uint32_t tid) {
    if (!w->seen) return;
    uint32_t h = aj_inverter_key_hash(w->terms, tid);
    w->nrecur += w->seen[h & (SEEN_SLOTS - 1)] == (h | 1);
}

/* term: the word's term when the analysis found it, else NULL (the
 * analyzer is asked, which only the thread analyzing may do). */
static aj_err word_term(aj_bworker *w, const char *word, uint32_t len, uint32_t wid,
                        const char *term, size_t tl, uint32_t thash) {
    uint32_t tid;
    int is_new;
    aj_err e = AJ_OK;
    if (!term) {
        e = aj_analyzer_term(w->c, w->an, word, len, &term, &tl);
        thash = aj_inverter_hash(term, (uint32_t)tl);
    }
    if (!e) e = aj_inverter_intern_hashed(w->c, w->terms, term, (uint32_t)tl, thash, &tid, &is_new);
    if (e) return e;
    if (is_new) note_new_term(w, tid);
    if (tl == len && !memcmp(term, word, len)) {
        aj_inverter_flag(w->terms, tid, AJ_KEY_SELF);
        aj_inverter_flag(w->words, wid, AJ_KEY_SELF);
    } else {
        aj_inverter_flag(w->terms, tid, AJ_KEY_OTHER);
        e = note_other(w, term, tl);
        if (e) return e;
    }
    if (grow((void **)&w->w2t, &w->capw2t, wid, sizeof *w->w2t))
        return aj_fail(w->c, AJ_ENOMEM, "word table");
    w->w2t[wid] = tid;
    if (is_new && w->common && w->common->n) {
        /* pair terms take ids too, so a new term's id may be far ahead */
        if (tid >= w->captclass) {
            size_t cap = w->captclass ? w->captclass : 1024;
            while (cap <= tid) cap *= 2;
            uint8_t *v = realloc(w->tclass, cap);
            if (!v) return aj_fail(w->c, AJ_ENOMEM, "common terms");
            memset(v + w->captclass, 0, cap - w->captclass);
            w->tclass = v;
            w->captclass = cap;
        }
        w->tclass[tid] = (uint8_t)aj_pairs_class(w->common, term, tl);
    }
    return AJ_OK;
}

/* Doubles the pair table (or makes its first one). */
static aj_err ptab_grow(aj_bworker *w) {
    uint64_t n = w->nptab ? w->nptab * 2 : 4096, mask = n - 1;
    struct pslot *t = calloc(n, sizeof *t);
    if (!t) return aj_fail(w->c, AJ_ENOMEM, "pair table");
    for (uint64_t i = 0; i < w->nptab; i++) {
        if (!w->ptab[i].pid1) continue;
        uint64_t h = (w->ptab[i].tids * 0x9E3779B97F4A7C15ull) >> 20 & mask;
        while (t[h].pid1) h = (h + 1) & mask;
        t[h] = w->ptab[i];
    }
    free(w->ptab);
    w->ptab = t;
    w->nptab = n;
    return AJ_OK;
}

/* The id of the pair (x, y) in the worker's term inverter, interned when
 * new; *pid = UINT32_MAX when its key is too long to index. */
static aj_err pair_id(aj_bworker *w, uint32_t x, uint32_t y, uint32_t *pid) {
    if (w->ptab_used * 2 >= w->nptab) {
        aj_err e = ptab_grow(w);
        if (e) return e;
    }
    uint64_t k = (uint64_t)x << 32 | y, mask = w->nptab - 1;
    uint64_t h = (k * 0x9E3779B97F4A7C15ull) >> 20 & mask;
    while (w->ptab[h].pid1) {
        if (w->ptab[h].tids == k) {
            *pid = w->ptab[h].pid1 - 1;
            return AJ_OK;
        }
        h = (h + 1) & mask;
    }
    uint32_t xl, yl;
    const char *xk = aj_inverter_key(w->terms, x, &xl);
    const char *yk = aj_inverter_key(w->terms, y, &yl);
    char key[AJ_MAX_WORD + 1];
    size_t kl = aj_pair_key(xk, xl, yk, yl, key);
    int is_new;
    aj_err e;
    *pid = UINT32_MAX;
    if (!kl) return AJ_OK;  /* too long (rare): not remembered, not indexed */
    e = aj_inverter_intern(w->c, w->terms, key, (uint32_t)kl, pid, &is_new);
    if (e) return e;
    if (is_new) note_new_term(w, *pid);
    w->ptab[h] = (struct pslot){k, *pid + 1};
    w->ptab_used++;
    return AJ_OK;
}

static unsigned pair_class(const aj_bworker *w, uint32_t tid) {
    return tid < w->captclass ? w->tclass[tid] : 0;
}

/* Indexes the pairs of adjacent tokens of the paragraph that are
 * pairable (pairs.h), at the position of the first token.  Their
 * positions rise with the tokens', as the inverter wants. */
static aj_err flush_pairs(aj_bworker *w, const uint32_t *tpos, size_t ntok) {
    size_t np = 0;
    if (!w->captclass || ntok < 2) return AJ_OK;
    if (w->cappairs < ntok) {
        uint32_t *a = realloc(w->pids, ntok * sizeof *a);
        if (a) w->pids = a;
        uint32_t *b = a ? realloc(w->ppos, ntok * sizeof *b) : NULL;
        if (b) w->ppos = b;
        if (!a || !b) return aj_fail(w->c, AJ_ENOMEM, "paragraph pairs");
        w->cappairs = ntok;
    }
    for (size_t i = 0; i + 1 < ntok; i++) {
        if (i + TOKEN_AHEAD + 1 < ntok && w->ptab) {
            /* the pair table is read at random: its slot is asked for a
             * few pairs ahead */
            uint64_t k = (uint64_t)w->tids[i + TOKEN_AHEAD] << 32 | w->tids[i + TOKEN_AHEAD + 1];
            __builtin_prefetch(&w->ptab[(k * 0x9E3779B97F4A7C15ull) >> 20 & (w->nptab - 1)]);
        }
        uint32_t x = w->tids[i], y = w->tids[i + 1];
        if (tpos[i + 1] != tpos[i] + 1 ||
            !aj_pairs_pairable(pair_class(w, x), pair_class(w, y)))
            continue;
        aj_err e = pair_id(w, x, y, &w->pids[np]);
        if (e) return e;
        if (w->pids[np] != UINT32_MAX) w->ppos[np++] = tpos[i];
    }
    return aj_inverter_add_many(w->c, w->terms, w->pids, w->ppos, np);
}

/* Doubles the word table, keeping every slot (each holds its hash). */
static aj_err wtab_grow(aj_bworker *w) {
    uint64_t n = w->nwtab * 2, mask = n - 1;
    wslot *t = wtab_alloc(n);
    if (!t) return aj_fail(w->c, AJ_ENOMEM, "word table");
    for (uint64_t i = 0; i < w->nwtab; i++) {
        if (!w->wtab[i].len) continue;
        uint64_t h = w->wtab[i].hash & mask;
        while (t[h].len) h = (h + 1) & mask;
        t[h] = w->wtab[i];
    }
    free(w->wtab);
    w->wtab = t;
    w->nwtab = n;
    return AJ_OK;
}

/* The word's slot in the word table: its own, or the empty one where it
 * belongs. */
static inline wslot *wtab_find(const aj_bworker *w, const char *word, uint32_t len,
                               uint32_t hash) {
    uint64_t mask = w->nwtab - 1, h = hash & mask;
    for (;;) {
        wslot *ws = &w->wtab[h];
        if (!ws->len || (ws->hash == hash && ws->len == len && aj_key_eq(ws->key, word, len)))
            return ws;
        h = (h + 1) & mask;
    }
}

/* A word the table does not hold: interned in the worker's word inverter
 * (stemmed and interned as a term when new), and kept in the table when
 * it fits there. */
static aj_err word_miss(aj_bworker *w, const char *word, uint32_t len, uint32_t hash,
                        const char *term, size_t tl, uint32_t thash, wslot *ws,
                        uint32_t *wid, uint32_t *tid) {
    int is_new = 0;
    aj_err e = aj_inverter_intern_hashed(w->c, w->words, word, len, hash, wid, &is_new);
    if (!e && is_new) e = word_term(w, word, len, *wid, term, tl, thash);
    if (e) return e;
    *tid = w->w2t[*wid];
    if (!ws) return AJ_OK;
    ws->hash = hash;
    ws->wid = *wid;
    ws->tid = *tid;
    ws->len = (uint8_t)len;
    memcpy(ws->key, word, len);
    if (++w->wtab_used * 2 > w->nwtab) return wtab_grow(w);
    return AJ_OK;
}

/* Room in b for one more paragraph and one more token of wl + tl bytes;
 * non-zero when out of memory. */
static int batch_room(batch *b, size_t wl, size_t tl) {
    if (b->npara == b->cappara) {
        size_t cap = b->cappara ? b->cappara * 2 : 256;
        uint32_t *q = realloc(b->ntok, cap * sizeof *q);
        if (!q) return -1;
        b->ntok = q;
        b->cappara = cap;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        uint32_t **arrays[] = {&b->hash, &b->len, &b->pos, &b->byte, &b->term};
        for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
            uint32_t *q = realloc(*arrays[i], cap * sizeof **arrays[i]);
            if (!q) return -1;
            *arrays[i] = q;
        }
        uint8_t *q = realloc(b->tlen, cap);
        if (!q) return -1;
        b->tlen = q;
        b->cap = cap;
    }
    if (b->nbytes + wl + tl > b->capbytes) {
        size_t cap = b->capbytes ? b->capbytes * 2 : 4096;
        while (cap < b->nbytes + wl + tl) cap *= 2;
        char *q = realloc(b->bytes, cap);
        if (!q) return -1;
        b->bytes = q;
        b->capbytes = cap;
    }
    return 0;
}

/* Queues a token of the paragraph being analyzed for the indexing.
 * Without a helper, the indexing follows the paragraph at once: the
 * token's slot of the word table is asked for from memory now, to be in
 * cache then.  (With one, stem_tokens finds its term.) */
static int on_token(void *arg, const aj_token *t) {
    aj_bworker *w = arg;
    batch *b = &w->fill;
    /* (a paragraph's entry was made room for when it began) */
    if ((b->n == b->cap || b->nbytes + t->word_len > b->capbytes) &&
        batch_room(b, t->word_len, 0)) {
        w->err = aj_fail(w->ac, AJ_ENOMEM, "paragraph tokens");
        return 1;
    }
    size_t n = b->n;
    uint32_t hash = aj_inverter_hash(t->word, t->word_len);
    if (!w->helper && t->word_len <= WKEY) __builtin_prefetch(&w->wtab[hash & (w->nwtab - 1)]);
    b->hash[n] = hash;
    b->len[n] = t->word_len;
    b->pos[n] = t->pos;
    b->byte[n] = (uint32_t)b->nbytes;
    memcpy(b->bytes + b->nbytes, t->word, t->word_len);
    b->nbytes += t->word_len;
    b->term[n] = TERM_ASK;
    b->n = n + 1;
    b->ntok[b->npara]++;
    w->pos = t->pos + 1;
    return 0;
}

/* With a helper, the analysis stems: every token of the paragraph that
 * ends the batch, from token `from` on, gets its term (the same word is
 * stemmed for each of its tokens, mostly from the stemmer's cache, so
 * that the indexing thread never stems).  Done after the paragraph, not
 * token by token, so that the cache slot of the word STEM_AHEAD tokens on
 * is asked for from memory first. */
#define STEM_AHEAD 8
#define STEM_RING 16

static aj_err stem_tokens(aj_bworker *w, batch *b, size_t from) {
    uint64_t keys[STEM_RING];
    size_t n = b->n;
    for (size_t k = from; k < n && k < from + STEM_AHEAD; k++)
        keys[k % STEM_RING] = aj_analyzer_term_ahead(w->an, b->bytes + b->byte[k], b->len[k]);
    for (size_t k = from; k < n; k++) {
        size_t a = k + STEM_AHEAD;
        if (a < n)
            keys[a % STEM_RING] = aj_analyzer_term_ahead(w->an, b->bytes + b->byte[a], b->len[a]);
        /* room first: the word is read from the bytes that may move */
        if (b->nbytes + AJ_MAX_WORD > b->capbytes && batch_room(b, 0, AJ_MAX_WORD))
            return aj_fail(w->ac, AJ_ENOMEM, "paragraph tokens");
        const char *word = b->bytes + b->byte[k], *term;
        size_t tl;
        aj_err e = aj_analyzer_term_at(w->ac, w->an, word, b->len[k], keys[k % STEM_RING],
                                       &term, &tl);
        if (e) return e;
        if (tl == b->len[k] && aj_key_eq(term, word, (uint32_t)tl)) {
            b->term[k] = TERM_SAME;
        } else {
            b->term[k] = (uint32_t)b->nbytes;
            b->tlen[k] = (uint8_t)tl;
            memcpy(b->bytes + b->nbytes, term, tl);
            b->nbytes += tl;
        }
    }
    return AJ_OK;
}

/* Indexes tokens [from, from + n) of batch b, one paragraph: word and
 * term ids in token order (so ids are given in order of first
 * appearance, as one token at a time would give them), then their
 * occurrences. */
static aj_err index_tokens(aj_bworker *w, const batch *b, size_t from, size_t n) {
    aj_err e = AJ_OK;
    if (n > w->capids) {
        size_t cap = w->capids ? w->capids : 256;
        while (cap < n) cap *= 2;
        uint32_t *t = realloc(w->tids, cap * sizeof *t);
        if (t) w->tids = t;
        uint32_t *v = t ? realloc(w->wids, cap * sizeof *v) : NULL;
        if (v) w->wids = v;
        if (!t || !v) return aj_fail(w->c, AJ_ENOMEM, "paragraph tokens");
        w->capids = cap;
    }
    const uint32_t *hash = b->hash + from, *lens = b->len + from;
    for (size_t i = 0; i < AHEAD_RING; i++) w->ahead[i].tok = SIZE_MAX;
    for (size_t i = 0; !e && i < n; i++) {
        if (i + 4 * TOKEN_AHEAD < n) {
            /* A long paragraph's slots, asked for as its tokens came, are
             * long gone from the cache: ask again some tokens ahead (far
             * enough for the look below to find the slot arrived). */
            size_t a = i + 4 * TOKEN_AHEAD;
            if (lens[a] <= WKEY) __builtin_prefetch(&w->wtab[hash[a] & (w->nwtab - 1)]);
        }
        if (i + TOKEN_AHEAD < n) {
            /* A word whose first slot is empty is new to the word table:
             * its slots in the words' inverter, and in the terms' and the
             * table of known terms when the analysis found its term, are
             * asked for too (the term's hash is kept for its turn). */
            size_t a = i + TOKEN_AHEAD;
            if (lens[a] > WKEY || !w->wtab[hash[a] & (w->nwtab - 1)].len) {
                aj_inverter_prefetch(w->words, hash[a]);
                uint32_t t = b->term[from + a];
                if (t != TERM_ASK) {
                    uint32_t th = t == TERM_SAME ? hash[a]
                                                 : aj_inverter_hash(b->bytes + t, b->tlen[from + a]);
                    aj_inverter_prefetch(w->terms, th);
                    if (w->seen) __builtin_prefetch(&w->seen[th & (SEEN_SLOTS - 1)]);
                    w->ahead[a % AHEAD_RING] = (struct ahead){a, th};
                }
            }
        }
        size_t k = from + i;
        const char *word = b->bytes + b->byte[k];
        uint32_t len = lens[i];
        wslot *ws = len <= WKEY ? wtab_find(w, word, len, hash[i]) : NULL;
        if (ws && ws->len) {
            w->wids[i] = ws->wid;
            w->tids[i] = ws->tid;
        } else {
            const char *term = NULL;
            size_t tl = 0;
            uint32_t th = 0;
            if (b->term[k] == TERM_SAME) {
                term = word;
                tl = len;
                th = hash[i];
            } else if (b->term[k] != TERM_ASK) {
                term = b->bytes + b->term[k];
                tl = b->tlen[k];
                /* hashed ahead, unless the word looked known then */
                const struct ahead *ah = &w->ahead[i % AHEAD_RING];
                th = ah->tok == i ? ah->hash : aj_inverter_hash(term, (uint32_t)tl);
            }
            e = word_miss(w, word, len, hash[i], term, tl, th, ws, &w->wids[i], &w->tids[i]);
        }
    }
    const uint32_t *pos = b->pos + from;
    if (!e) e = aj_inverter_add_many(w->c, w->terms, w->tids, pos, n);
    if (!e) e = flush_pairs(w, pos, n);
    if (!e) e = aj_inverter_add_many(w->c, w->words, w->wids, pos, n);
    return e;
}

/* Indexes batch b's paragraphs, and hands its segment over when it ends
 * there.  The indexing's side of a worker: everything it does depends on
 * the tokens only, never on when a batch was cut. */
static aj_err index_batch(aj_bworker *w, const batch *b) {
    aj_err e = AJ_OK;
    w->iseg = b->seg;
    size_t from = 0;
    for (size_t k = 0; !e && k < b->npara; k++) {
        /* asked again here: with a helper, batches analyzed before the
         * request would otherwise still be indexed */
        if (canceled(w)) return aj_fail(w->c, AJ_ECANCELED, "the build was canceled");
        e = index_tokens(w, b, from, b->ntok[k]);
        from += b->ntok[k];
        if (!e) e = aj_inverter_end_doc(w->c, w->terms, w->local_para);
        if (!e) e = aj_inverter_end_doc(w->c, w->words, w->local_para);
        if (!e) e = check_limit(w);
        w->local_para++;
    }
    if (!e && b->seg_end) e = finish_seg(w, b->last);
    return e;
}

static void batch_clear(batch *b) {
    b->seg = NULL;
    b->seg_end = b->last = 0;
    b->npara = b->n = b->nbytes = 0;
}

/* Appends s[0..n) and a NUL to the segment's strings; *off = its offset
 * + 1 (0 means none).  Non-zero when out of memory. */
static int seg_string(aj_bseg *seg, const char *s, size_t n, uint32_t *off) {
    while (seg->nstrings + n + 1 > seg->capstrings) {
        size_t cap = seg->capstrings ? seg->capstrings * 2 : 256;
        char *q = realloc(seg->strings, cap);
        if (!q) return -1;
        seg->strings = q;
        seg->capstrings = cap;
    }
    memcpy(seg->strings + seg->nstrings, s, n);
    seg->strings[seg->nstrings + n] = 0;
    *off = (uint32_t)seg->nstrings + 1;
    seg->nstrings += n + 1;
    return 0;
}

/* Keeps an acronym definition of the paragraph being indexed (the last
 * of the segment's paras, not yet counted). */
static int on_acronym(void *arg, const aj_acro_def *d) {
    aj_bseg *s = arg;
    if (grow((void **)&s->acros, &s->capacros, s->nacros, sizeof *s->acros)) {
        s->acro_nomem = 1;
        return 1;
    }
    aj_bacro *a = &s->acros[s->nacros];
    a->para = (uint32_t)s->nparas;
    if (seg_string(s, d->acr, d->acr_len, &a->acr) ||
        seg_string(s, d->lf, d->lf_len, &a->lf)) {
        s->acro_nomem = 1;
        return 1;
    }
    s->nacros++;
    return 0;
}

static aj_err submit(aj_bworker *w);
static int pipe_stopped(const aj_bworker *w);

/* The analysis's side of a paragraph: its record, texts, acronyms and
 * tokens go into the analysis's segment and batch; the batch goes to the
 * indexing when the segment is full (the analysis starts the next), when
 * it is large, or at once without a helper. */
static int on_para(void *arg, const aj_seg_para *p) {
    aj_bworker *w = arg;
    aj_ctx *c = w->ac;
    aj_bseg *s = w->seg;
    batch *b = &w->fill;
    aj_err e = AJ_OK;
    if (canceled(w)) {
        w->err = aj_fail(c, AJ_ECANCELED, "the build was canceled");
        return 1;
    }
    if (pipe_stopped(w)) {
        w->err = aj_fail(c, AJ_ECANCELED, "the indexing stopped");
        return 1;
    }
    if (grow((void **)&s->paras, &s->capparas, s->nparas, sizeof *s->paras)) {
        w->err = aj_fail(c, AJ_ENOMEM, "paragraph table");
        return 1;
    }
    if (grow((void **)&w->blocks, &w->capblocks, w->nblocks, sizeof *w->blocks)) {
        w->err = aj_fail(c, AJ_ENOMEM, "paragraph summaries");
        return 1;
    }
    aj_block_make(&w->blocks[w->nblocks++], p, w->src, w->src_len);
    aj_bpara *r = &s->paras[s->nparas];
    memset(r, 0, sizeof *r);
    r->corpus_doc = w->corpus_doc;
    r->ordinal = ++w->ordinal;
    r->start = p->start;
    r->srclen = (uint32_t)(p->end - p->start);
    r->kind = (uint32_t)p->kind;
    r->textlen = (uint32_t)p->text_len;
    r->page = aj_docmap_page(w->doc, p->start);
    if (p->label && seg_string(s, p->label, strlen(p->label), &r->label)) {
        w->err = aj_fail(c, AJ_ENOMEM, "labels");
        return 1;
    }
    e = aj_store_pack(c, &s->store, p->text, p->text_len, &r->block, &r->off);
    if (!e) {
        aj_acronym_find(p->text, p->text_len, on_acronym, s);
        if (s->acro_nomem) e = aj_fail(c, AJ_ENOMEM, "acronyms");
    }
    if (!e && batch_room(b, 0, 0)) e = aj_fail(c, AJ_ENOMEM, "paragraph tokens");
    if (!e) {
        b->seg = s;
        b->ntok[b->npara] = 0;
        w->pos = 0;
        e = aj_analyze(c, w->an, p->text, p->text_len, 0, on_token, w);
        if (!e && w->err) e = w->err;
        if (!e && w->helper) e = stem_tokens(w, b, b->n - b->ntok[b->npara]);
    }
    if (e) {
        w->err = e;
        return 1;
    }
    b->npara++;
    r->len = w->pos;
    s->ntokens += w->pos;
    s->nparas++;
    if (s->ntokens >= w->seg_tokens) {
        /* the segment's texts are packed here; the batch takes it over */
        e = aj_store_pack_flush(c, &s->store);
        if (!e) {
            b->seg_end = 1;
            w->seg = NULL;
            e = submit(w);
        }
        if (!e) e = seg_new(c, w->id, w->chunk, 0, w->sdict, &w->seg);
    } else if (!w->helper || b->n >= BATCH_TOKENS) {
        e = submit(w);
    }
    if (e) {
        w->err = e;
        return 1;
    }
    return 0;
}

/* The segmenter is done with [from, below) of the document for now.  When
 * the document is mapped from a file (a large one's copy, docmap.h), its
 * whole pages there leave this process (the mapping reads them back if
 * they are touched again), so a huge file costs a bounded amount of
 * resident memory.  Memory read into is kept: dropping it would lose it. */
static void on_seg_done(void *arg, uint64_t from, uint64_t below) {
    aj_bworker *w = arg;
    if (!w->doc || !w->doc->map || w->src != w->doc->map) return;
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    from = (from + page - 1) / page * page;
    below = below / page * page;
    if (below > from && below <= w->src_len)
        madvise((void *)(w->src + from), below - from, MADV_DONTNEED);
}

static aj_err add_doc(aj_bworker *w, const aj_bdoc *d) {
    aj_bseg *s = w->seg;
    if (grow((void **)&s->docs, &s->capdocs, s->ndocs, sizeof *s->docs)) {
        free(d->title);
        free(d->date);
        free(d->skip);
        free(d->changed);
        return aj_fail(w->ac, AJ_ENOMEM, "documents");
    }
    s->docs[s->ndocs++] = *d;
    return AJ_OK;
}

/* The document's paragraphs are all known: the page-chrome and outline
 * passes run over their summaries, which go with the segment the document
 * ends in (the coordinator applies them to paragraphs it may already have
 * taken from earlier segments). */
static aj_err finish_doc(aj_bworker *w, size_t di) {
    aj_boilerplate_mark(w->blocks, w->nblocks);
    aj_outline_build(w->blocks, w->nblocks);
    aj_bseg *s = w->seg;
    if (grow((void **)&s->outs, &s->capouts, s->nouts, sizeof *s->outs))
        return aj_fail(w->ac, AJ_ENOMEM, "document outlines");
    s->outs[s->nouts++] = (aj_bdocout){di, w->blocks, w->nblocks};
    w->blocks = NULL;
    w->nblocks = w->capblocks = 0;
    return AJ_OK;
}

/* Indexes one document.  Files that cannot be read are recorded as
 * skipped (the coordinator warns, in document order); so are documents
 * whose text cannot be extracted, with their size and checksum (the
 * coordinator keeps a record of them, so that `ajsearch status` sees the
 * same corpus). */
static aj_err index_doc(aj_bworker *w, const char *root, const aj_corpus *cp,
                     size_t di) {
    const aj_corpus_doc *d = &cp->docs[di];
    aj_docmap m;
    if (w->pre && w->pre[di]) {
        m = *w->pre[di];
        free(w->pre[di]);
        w->pre[di] = NULL;
    } else {
        aj_docmap_open(root, d, w->reading, &m);
    }
    aj_bdoc bd = {.corpus_doc = di, .bytes = m.size, .xxh3 = m.xxh3,
                  .format = (int)m.format, .pages = m.pages};
    int nomem = 0;
    if (m.changed && !(bd.changed = strdup(m.changed_why))) nomem = 1;
    if (m.skipped) {
        if (!nomem && !(bd.skip = strdup(m.why))) nomem = 1;
        bd.skip_kind = m.skip_kind;
        if (nomem) {
            free(bd.changed);
            return aj_fail(w->ac, AJ_ENOMEM, "skip");
        }
        return add_doc(w, &bd);
    }
    if (!d->title && !(bd.title = aj_docmap_title(d, &m))) nomem = 1;
    if (!d->date && m.date[0] && !(bd.date = strdup(m.date))) nomem = 1;
    if (nomem) {
        free(bd.title);
        free(bd.date);
        free(bd.changed);
        aj_docmap_close(&m);
        return aj_fail(w->ac, AJ_ENOMEM, "title");
    }
    /* The file's checksum, kept with its size in the index: a search that
     * maps matches back to the file tells a changed file by them without
     * segmenting it again (source.c). */
    aj_err e = add_doc(w, &bd);
    w->corpus_doc = di;
    w->ordinal = 0;
    w->err = AJ_OK;
    w->nblocks = 0;
    if (!e && m.len) {
        w->src = m.src;
        w->src_len = m.len;
        w->doc = &m;
        e = aj_segment_ex(w->ac, m.src, m.len, on_para, w, on_seg_done);
        w->src = NULL;
        w->doc = NULL;
        if (!e && w->err) e = w->err;
    }
    aj_docmap_close(&m);
    if (!e && w->nblocks) e = finish_doc(w, di);
    return e;
}

/* The analysis of a chunk: its documents, then its last segment, which
 * the last batch takes to the indexing. */
static aj_err analyze_chunk(aj_bworker *w, const char *root, const aj_corpus *cp,
                            const aj_bchunk *chunk) {
    aj_err e = seg_new(w->ac, w->id, w->chunk, 0, w->sdict, &w->seg);
    for (size_t di = chunk->first; !e && di < chunk->end; di++)
        e = canceled(w) ? aj_fail(w->ac, AJ_ECANCELED, "the build was canceled")
                        : index_doc(w, root, cp, di);
    if (!e) e = aj_store_pack_flush(w->ac, &w->seg->store);
    if (!e) {
        batch *b = &w->fill;
        b->seg = w->seg;
        b->seg_end = b->last = 1;
        w->seg = NULL;
        e = submit(w);
    }
    aj_bseg_free(w->seg);
    w->seg = NULL;
    batch_clear(&w->fill);
    return e;
}

/* The indexing's side of a batch, or, once the indexing has failed (e),
 * the batch dropped: a segment that ends in it and was not handed over
 * is freed (one that has not ended is the analysis's to free). */
static aj_err take_batch(aj_bworker *w, const batch *b, aj_err e) {
    if (!e) e = index_batch(w, b);
    else w->iseg = b->seg;
    if (e && b->seg_end && w->iseg == b->seg) aj_bseg_free(b->seg);
    if (e) w->iseg = NULL;
    return e;
}

/* ---- The pipeline ----
 *
 * A worker with a helper analyzes on a second thread: segmenting,
 * cleaning, packing the texts, tokenizing and stemming go there, and its
 * batches of tokens come to the worker's thread, which indexes them (word
 * and term tables, postings, pairs, hand-overs).  One large document
 * then keeps two threads busy where it kept one.  The batches go through
 * a ring of PIPE_BATCHES, in order, and what the indexing does depends on
 * the tokens only (never on where a batch was cut), so the index is the
 * same bytes either way.  The segments are the analysis's until a batch
 * that ends one has gone, then the indexing's, until handed over. */
struct pipeline {
    pthread_mutex_t m;
    pthread_cond_t cv;
    batch ring[PIPE_BATCHES];
    size_t head, nfull;      /* full batches: ring[head ..] (nfull of them) */
    int stop;                /* the indexing failed: the analysis stops */
    int done;                /* the analysis has ended */
    aj_err err;              /* how it ended */
    aj_ctx ctx;              /* its error's message */
    aj_bworker *w;
    const char *root;
    const aj_corpus *cp;
    const aj_bchunk *chunk;
};

static int pipe_stopped(const aj_bworker *w) {
    return w->pipe && __atomic_load_n(&w->pipe->stop, __ATOMIC_RELAXED);
}

/* Sends the analysis's batch to the indexing: at once without a helper,
 * else into the ring (waiting for room), leaving an empty batch to fill.
 * A batch the indexing does not take frees the segment it ends. */
static aj_err submit(aj_bworker *w) {
    batch *b = &w->fill;
    pipeline *p = w->pipe;
    if (!p) {
        aj_err e = take_batch(w, b, AJ_OK);
        batch_clear(b);
        return e;
    }
    pthread_mutex_lock(&p->m);
    while (!p->stop && p->nfull == PIPE_BATCHES) pthread_cond_wait(&p->cv, &p->m);
    if (p->stop) {
        pthread_mutex_unlock(&p->m);
        if (b->seg_end) aj_bseg_free(b->seg);
        batch_clear(b);
        return aj_fail(w->ac, AJ_ECANCELED, "the indexing stopped");
    }
    batch *slot = &p->ring[(p->head + p->nfull) % PIPE_BATCHES];
    batch t = *slot;         /* an empty batch, its room kept */
    *slot = *b;
    *b = t;
    p->nfull++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->m);
    batch_clear(b);
    return AJ_OK;
}

static void *analysis_main(void *arg) {
    pipeline *p = arg;
    aj_err e = analyze_chunk(p->w, p->root, p->cp, p->chunk);
    pthread_mutex_lock(&p->m);
    p->err = e;
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->m);
    return NULL;
}

/* The indexing's loop: batches in order until the analysis has ended;
 * after an error (its own or the analysis's) the rest are dropped. */
static aj_err run_piped(aj_ctx *c, aj_bworker *w, pipeline *p) {
    pthread_t t;
    if (pthread_create(&t, NULL, analysis_main, p) != 0)
        return aj_fail(c, AJ_ENOMEM, "cannot start a thread");
    aj_err e = AJ_OK;
    for (;;) {
        pthread_mutex_lock(&p->m);
        while (!p->nfull && !p->done) pthread_cond_wait(&p->cv, &p->m);
        int failed = p->done && p->err;
        if (!p->nfull) {
            pthread_mutex_unlock(&p->m);
            break;
        }
        batch *b = &p->ring[p->head];
        pthread_mutex_unlock(&p->m);
        /* an analysis that failed leaves its batches undone */
        aj_err was = e;
        e = take_batch(w, b, e ? e : failed ? p->err : AJ_OK);
        pthread_mutex_lock(&p->m);
        if (e && !was && !failed) p->stop = 1;
        batch_clear(b);
        p->head = (p->head + 1) % PIPE_BATCHES;
        p->nfull--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->m);
    }
    pthread_join(t, NULL);
    /* The first failure is told: the indexing's (which stopped the
     * analysis), or else the analysis's. */
    if (!p->stop && p->err) e = aj_fail(c, p->err, "%s", p->ctx.msg);
    return e;
}

void aj_bworker_set_helper(aj_bworker *w, int on) { w->helper = on != 0; }

aj_err aj_bworker_run(aj_ctx *c, aj_bworker *w, const char *root,
                      const aj_corpus *cp, const aj_bchunk *chunk,
                      uint32_t ci, aj_bseg_fn fn, void *arg) {
    w->c = c;
    w->fn = fn;
    w->arg = arg;
    w->chunk = ci;
    w->seq = 0;
    w->local_para = 0;
    w->cur = NULL;
    w->iseg = NULL;
    w->err = AJ_OK;
    batch_clear(&w->fill);
    if (!w->helper) {
        w->ac = c;
        return analyze_chunk(w, root, cp, chunk);
    }
    pipeline *p = calloc(1, sizeof *p);
    if (!p) return aj_fail(c, AJ_ENOMEM, "pipeline");
    pthread_mutex_init(&p->m, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->w = w;
    p->root = root;
    p->cp = cp;
    p->chunk = chunk;
    w->ac = &p->ctx;
    w->pipe = p;
    aj_err e = run_piped(c, w, p);
    w->pipe = NULL;
    w->ac = c;
    for (size_t i = 0; i < PIPE_BATCHES; i++) batch_free(&p->ring[i]);
    pthread_mutex_destroy(&p->m);
    pthread_cond_destroy(&p->cv);
    free(p);
    return e;
}
