/* listpipe.c - see listpipe.h. */
#include "build/listpipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RING 2 /* batches handed over and not yet written, at most */

/* A key of a batch: its bytes in keys, then in vals its n ids, its n
 * tfs and (with positions) the positions of each posting in turn. */
typedef struct {
    uint32_t key_off, n;
    uint8_t len, flags;
    size_t vals_off;
} rec;

typedef struct {
    rec *recs;
    size_t nrecs, caprecs;
    char *keys;
    size_t nkeys, capkeys;
    uint32_t *vals;
    size_t nvals, capvals;
} batch;

struct aj_listpipe {
    aj_inverted_fn fn;
    void *arg;
    int with_positions;
    pthread_t t;
    pthread_mutex_t m;
    pthread_cond_t cv;
    batch ring[RING];
    size_t head, nfull;      /* batches to write: ring[head ..] */
    int busy;                /* the writer is writing one */
    int done;                /* no more batches will come */
    int failed;              /* the writer failed: err, ctx.msg */
    aj_err err;
    aj_ctx ctx;
    batch fill;              /* the merge's, being filled */
};

/* Positions of a batch's key, handed out a posting at a time. */
typedef struct {
    const uint32_t *p;
} reader;

static aj_err next_positions(aj_ctx *c, void *arg, uint32_t tf, uint32_t *out) {
    (void)c;
    reader *r = arg;
    memcpy(out, r->p, tf * sizeof *out);
    r->p += tf;
    return AJ_OK;
}

static aj_err write_batch(aj_listpipe *p, const batch *b) {
    aj_err e = AJ_OK;
    for (size_t i = 0; !e && i < b->nrecs; i++) {
        const rec *k = &b->recs[i];
        const uint32_t *docs = b->vals + k->vals_off, *tfs = docs + k->n;
        reader r = {tfs + k->n};
        e = p->fn(&p->ctx, p->arg, k->flags, b->keys + k->key_off, k->len, docs, tfs,
                  p->with_positions ? next_positions : NULL, &r, k->n);
    }
    return e;
}

static void clear(batch *b) { b->nrecs = b->nkeys = b->nvals = 0; }

static void batch_free(batch *b) {
    free(b->recs);
    free(b->keys);
    free(b->vals);
}

static void *writer_main(void *arg) {
    aj_listpipe *p = arg;
    pthread_mutex_lock(&p->m);
    for (;;) {
        while (!p->nfull && !p->done) pthread_cond_wait(&p->cv, &p->m);
        if (!p->nfull) break;
        batch *b = &p->ring[p->head];
        int skip = p->failed;
        p->busy = 1;
        pthread_mutex_unlock(&p->m);
        aj_err e = skip ? AJ_OK : write_batch(p, b);
        pthread_mutex_lock(&p->m);
        if (e && !p->failed) {
            p->err = e;
            __atomic_store_n(&p->failed, 1, __ATOMIC_RELEASE);
        }
        clear(b);
        p->head = (p->head + 1) % RING;
        p->nfull--;
        p->busy = 0;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->m);
    return NULL;
}

aj_err aj_listpipe_start(aj_ctx *c, aj_inverted_fn fn, void *arg, int with_positions,
                         aj_listpipe **out) {
    aj_listpipe *p = calloc(1, sizeof *p);
    if (!p) return aj_fail(c, AJ_ENOMEM, "list pipe");
    p->fn = fn;
    p->arg = arg;
    p->with_positions = with_positions;
    pthread_mutex_init(&p->m, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->t, NULL, writer_main, p) != 0) {
        pthread_mutex_destroy(&p->m);
        pthread_cond_destroy(&p->cv);
        free(p);
        return aj_fail(c, AJ_ENOMEM, "cannot start a thread");
    }
    *out = p;
    return AJ_OK;
}

/* The writer's failure, told to the merge; its message goes into the
 * merge's context at aj_listpipe_finish (a context keeps the first one
 * it is told). */
static aj_err writer_failed(aj_ctx *c, const aj_listpipe *p) {
    (void)c;
    return p->err;
}

/* Hands the batch being filled over, waiting for room. */
static aj_err send(aj_ctx *c, aj_listpipe *p) {
    if (!p->fill.nrecs) return AJ_OK;
    pthread_mutex_lock(&p->m);
    while (!p->failed && p->nfull == RING) pthread_cond_wait(&p->cv, &p->m);
    if (p->failed) {
        pthread_mutex_unlock(&p->m);
        clear(&p->fill);
        return writer_failed(c, p);
    }
    batch *slot = &p->ring[(p->head + p->nfull) % RING];
    batch t = *slot;         /* empty, its room kept */
    *slot = p->fill;
    p->fill = t;
    p->nfull++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->m);
    return AJ_OK;
}

/* Room for more elements in an array; non-zero when out of memory. */
static int reserve(void **v, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need) n *= 2;
    void *q = realloc(*v, n * size);
    if (!q) return -1;
    *v = q;
    *cap = n;
    return 0;
}

aj_err aj_listpipe_fn(aj_ctx *c, void *pipe, uint8_t flags, const char *key, uint32_t len,
                      const uint32_t *docs, const uint32_t *tfs, aj_pos_fn pos, void *pos_arg,
                      uint32_t n) {
    aj_listpipe *p = pipe;
    if (__atomic_load_n(&p->failed, __ATOMIC_ACQUIRE)) return writer_failed(c, p);
    uint64_t npos = 0;
    if (p->with_positions)
        for (uint32_t i = 0; i < n; i++) npos += tfs[i];
    uint64_t values = 2 * (uint64_t)n + npos;
    if (values * sizeof(uint32_t) + len > AJ_LISTPIPE_BYTES) {
        /* Too large to copy: written here, in its turn, once the writer
         * has written everything before it. */
        aj_err e = send(c, p);
        if (e) return e;
        pthread_mutex_lock(&p->m);
        while (!p->failed && (p->nfull || p->busy)) pthread_cond_wait(&p->cv, &p->m);
        int failed = p->failed;
        pthread_mutex_unlock(&p->m);
        if (failed) return writer_failed(c, p);
        return p->fn(c, p->arg, flags, key, len, docs, tfs, pos, pos_arg, n);
    }
    batch *b = &p->fill;
    if (b->nvals + values > AJ_LISTPIPE_BYTES / sizeof(uint32_t)) {
        aj_err e = send(c, p);
        if (e) return e;
    }
    if (reserve((void **)&b->recs, &b->caprecs, b->nrecs + 1, sizeof *b->recs) ||
        reserve((void **)&b->keys, &b->capkeys, b->nkeys + len, 1) ||
        reserve((void **)&b->vals, &b->capvals, b->nvals + values, sizeof *b->vals))
        return aj_fail(c, AJ_ENOMEM, "list pipe");
    rec *k = &b->recs[b->nrecs];
    *k = (rec){(uint32_t)b->nkeys, n, (uint8_t)len, flags, b->nvals};
    memcpy(b->keys + b->nkeys, key, len);
    uint32_t *v = b->vals + b->nvals;
    memcpy(v, docs, n * sizeof *v);
    memcpy(v + n, tfs, n * sizeof *v);
    v += 2 * (size_t)n;
    for (uint32_t i = 0; p->with_positions && i < n; i++) {
        aj_err e = pos(c, pos_arg, tfs[i], v);
        if (e) return e;
        v += tfs[i];
    }
    b->nrecs++;
    b->nkeys += len;
    b->nvals += values;
    return AJ_OK;
}

aj_err aj_listpipe_finish(aj_ctx *c, aj_listpipe *p, aj_err e) {
    if (!e) e = send(c, p);
    pthread_mutex_lock(&p->m);
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->m);
    pthread_join(p->t, NULL);
    if (p->failed) e = aj_fail(c, p->err, "%s", p->ctx.msg);
    for (size_t i = 0; i < RING; i++) batch_free(&p->ring[i]);
    batch_free(&p->fill);
    pthread_mutex_destroy(&p->m);
    pthread_cond_destroy(&p->cv);
    free(p);
    return e;
}
