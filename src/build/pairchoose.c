/* pairchoose.c - which terms are common (see pairchoose.h). */
#include "build/pairchoose.h"

#include <stdlib.h>
#include <string.h>

#include "build/invert.h"

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    aj_inverter *keys;       /* term -> dense id */
    uint64_t *counts;        /* by id */
    uint64_t cap;
    aj_err err;
} counter;

static int on_count(void *arg, const aj_token *t) {
    counter *k = arg;
    uint32_t id;
    int is_new;
    k->err = aj_inverter_intern(k->c, k->keys, t->term, t->term_len, &id, &is_new);
    if (k->err) return 1;
    if (id >= k->cap) {
        uint64_t cap = k->cap ? k->cap * 2 : 4096;
        uint64_t *v = realloc(k->counts, cap * sizeof *v);
        if (!v) {
            k->err = aj_fail(k->c, AJ_ENOMEM, "common terms");
            return 1;
        }
        memset(v + k->cap, 0, (cap - k->cap) * sizeof *v);
        k->counts = v;
        k->cap = cap;
    }
    k->counts[id]++;
    return 0;
}

typedef struct {
    const char *key;
    uint32_t len;
    uint64_t count;
} ranked;

/* Byte order, the shorter first on a common prefix. */
static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    return r ? r : (alen > blen) - (alen < blen);
}

/* Most frequent first; equal counts in byte order. */
static int cmp_ranked(const void *x, const void *y) {
    const ranked *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return cmp_bytes(a->key, a->len, b->key, b->len);
}

static int cmp_by_bytes(const void *x, const void *y) {
    const ranked *a = x, *b = y;
    return cmp_bytes(a->key, a->len, b->key, b->len);
}

aj_err aj_pairs_choose(aj_ctx *c, const char *bytes, const size_t *sizes,
                       size_t n, uint32_t want, uint32_t partners, aj_pairs *out) {
    counter k = {.c = c};
    memset(out, 0, sizeof *out);
    aj_err e = aj_analyzer_new(c, &k.an);
    if (!e) e = aj_inverter_new(c, 0, &k.keys);
    size_t at = 0;
    for (size_t i = 0; !e && i < n; i++) {
        e = aj_analyze(c, k.an, bytes + at, sizes[i], 0, on_count, &k);
        if (!e) e = k.err;
        at += sizes[i];
    }
    uint64_t nkeys = k.keys ? aj_inverter_nkeys(k.keys) : 0;
    ranked *v = !e && nkeys ? calloc(nkeys, sizeof *v) : NULL;
    if (!e && nkeys && !v) e = aj_fail(c, AJ_ENOMEM, "common terms");
    uint32_t m = 0, mp = 0;
    if (!e && nkeys) {
        for (uint64_t id = 0; id < nkeys; id++) {
            v[id].key = aj_inverter_key(k.keys, (uint32_t)id, &v[id].len);
            v[id].count = k.counts[id];
        }
        qsort(v, nkeys, sizeof *v, cmp_ranked);
        /* a term too long to pair with anything is of no use */
        uint64_t kept = 0;
        for (uint64_t i = 0; i < nkeys; i++)
            if (v[i].len < AJ_MAX_WORD - 1) v[kept++] = v[i];
        m = kept < want ? (uint32_t)kept : want;
        mp = kept - m < partners ? (uint32_t)(kept - m) : partners;
        qsort(v, m, sizeof *v, cmp_by_bytes);
        qsort(v + m, mp, sizeof *v, cmp_by_bytes);
    }
    const char **keys = !e ? malloc(((size_t)m + mp + 1) * sizeof *keys) : NULL;
    uint32_t *lens = !e ? malloc(((size_t)m + mp + 1) * sizeof *lens) : NULL;
    if (!e && (!keys || !lens)) e = aj_fail(c, AJ_ENOMEM, "common terms");
    for (uint32_t i = 0; !e && i < m + mp; i++) {
        keys[i] = v[i].key;
        lens[i] = v[i].len;
    }
    if (!e) e = aj_pairs_make(c, keys, lens, m, mp, out);
    free(keys);
    free(lens);
    free(v);
    free(k.counts);
    aj_inverter_free(k.keys);
    aj_analyzer_free(k.an);
    return e;
}

