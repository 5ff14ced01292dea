/* pairs.c - see pairs.h. */
#include "pairs.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "invert.h"

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

/* The filter's bit of a term: its length and first and last two bytes,
 * mixed. */
static uint32_t filter_bit(const char *term, size_t len) {
    const uint8_t *t = (const uint8_t *)term;
    uint32_t h = (uint32_t)len;
    if (len) h = h * 0x9e3779b1u ^ (uint32_t)(t[0] | t[len > 1 ? 1 : 0] << 8);
    if (len) h = h * 0x85ebca6bu ^ (uint32_t)(t[len - 1] | t[len > 1 ? len - 2 : 0] << 8);
    h ^= h >> 15;
    h *= 0xc2b2ae35u;
    h ^= h >> 13;
    return h & (AJ_PAIR_FILTER_BITS - 1);
}

/* Copies v[0..n) (the common terms, sorted by bytes) and then
 * v[n..n + np) (the partners, likewise) into out. */
static aj_err keep(aj_ctx *c, const ranked *v, uint32_t n, uint32_t np, aj_pairs *out) {
    memset(out, 0, sizeof *out);
    uint32_t all = n + np;
    out->terms = calloc(all ? all : 1, sizeof *out->terms);
    out->lens = calloc(all ? all : 1, sizeof *out->lens);
    if (!out->terms || !out->lens) {
        aj_pairs_free(out);
        return aj_fail(c, AJ_ENOMEM, "common terms");
    }
    for (uint32_t i = 0; i < all; i++) {
        out->terms[i] = strndup(v[i].key, v[i].len);
        if (!out->terms[i]) {
            aj_pairs_free(out);
            return aj_fail(c, AJ_ENOMEM, "common terms");
        }
        out->lens[i] = (uint8_t)v[i].len;
        uint32_t b = filter_bit(v[i].key, v[i].len);
        out->filter[b / 64] |= 1ull << (b % 64);
        if (i < n) out->n = i + 1;
        else out->np = i + 1 - n;
    }
    return AJ_OK;
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
    if (!e) e = keep(c, v, m, mp, out);
    free(v);
    free(k.counts);
    aj_inverter_free(k.keys);
    aj_analyzer_free(k.an);
    return e;
}

/* Whether term is among the sorted terms[0..n). */
static int find(char *const *terms, const uint8_t *lens, uint32_t n, const char *term,
                size_t len) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int r = cmp_bytes(terms[mid], lens[mid], term, len);
        if (r == 0) return 1;
        if (r < 0) lo = mid + 1; else hi = mid;
    }
    return 0;
}

static int maybe_listed(const aj_pairs *p, const char *term, size_t len) {
    uint32_t b = filter_bit(term, len);
    return (int)(p->filter[b / 64] >> (b % 64) & 1);
}

int aj_pairs_is_common(const aj_pairs *p, const char *term, size_t len) {
    return p->n && maybe_listed(p, term, len) && find(p->terms, p->lens, p->n, term, len);
}

unsigned aj_pairs_class(const aj_pairs *p, const char *term, size_t len) {
    if (!maybe_listed(p, term, len)) return 0;
    if (aj_pairs_is_common(p, term, len)) return AJ_PAIR_IS_COMMON | AJ_PAIR_IS_PARTNER;
    if (p->np && find(p->terms + p->n, p->lens + p->n, p->np, term, len))
        return AJ_PAIR_IS_PARTNER;
    return 0;
}

int aj_pairs_terms_pairable(const aj_pairs *p, const char *a, size_t alen, const char *b,
                            size_t blen) {
    return aj_pairs_pairable(aj_pairs_class(p, a, alen), aj_pairs_class(p, b, blen));
}

size_t aj_pair_key(const char *a, size_t alen, const char *b, size_t blen,
                   char *out) {
    if (alen + 1 + blen > AJ_MAX_WORD) return 0;
    memcpy(out, a, alen);
    out[alen] = ' ';
    memcpy(out + alen + 1, b, blen);
    out[alen + 1 + blen] = 0;
    return alen + 1 + blen;
}

size_t aj_pairs_size(const aj_pairs *p) {
    size_t n = 8;
    for (uint32_t i = 0; i < p->n + p->np; i++) n += (size_t)p->lens[i] + 1;
    return n;
}

void aj_pairs_encode(const aj_pairs *p, uint8_t *out) {
    aj_put_u32le(out, p->n);
    aj_put_u32le(out + 4, p->np);
    out += 8;
    for (uint32_t i = 0; i < p->n + p->np; i++) {
        memcpy(out, p->terms[i], p->lens[i]);
        out[p->lens[i]] = 0;
        out += p->lens[i] + 1;
    }
}

aj_err aj_pairs_decode(aj_ctx *c, const uint8_t *p, uint64_t len, aj_pairs *out) {
    memset(out, 0, sizeof *out);
    if (len < 8 || aj_get_u32le(p) > AJ_PAIR_COMMON_MAX ||
        aj_get_u32le(p + 4) > AJ_PAIR_PARTNERS_MAX)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: bad common term table header");
    uint32_t n = aj_get_u32le(p), np = aj_get_u32le(p + 4), all = n + np;
    ranked *v = calloc(all ? all : 1, sizeof *v);
    if (!v) return aj_fail(c, AJ_ENOMEM, "common terms");
    uint64_t at = 8;
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < all; i++) {
        const uint8_t *s = p + at;
        const uint8_t *z = at < len ? memchr(s, 0, len - at) : NULL;
        size_t l = z ? (size_t)(z - s) : 0;
        if (!z || l == 0 || l > AJ_MAX_WORD || memchr(s, ' ', l) ||
            (i > 0 && i != n && cmp_bytes(v[i - 1].key, v[i - 1].len, (const char *)s, l) >= 0))
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: %s term %u is invalid",
                        i < n ? "common" : "partner", i < n ? i : i - n);
        v[i] = (ranked){(const char *)s, (uint32_t)l, 0};
        at += l + 1;
    }
    if (!e && at != len)
        e = aj_fail(c, AJ_ECORRUPT,
                    "meta.aj: common term table size does not match %u + %u terms", n, np);
    if (!e) e = keep(c, v, n, np, out);
    free(v);
    /* a partner that is also common would make the lists disagree */
    for (uint32_t i = 0; !e && i < np; i++)
        if (aj_pairs_is_common(out, out->terms[n + i], out->lens[n + i]))
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: partner term %u is also common", i);
    if (e) aj_pairs_free(out);
    return e;
}

void aj_pairs_free(aj_pairs *p) {
    for (uint32_t i = 0; p->terms && i < p->n + p->np; i++) free(p->terms[i]);
    free(p->terms);
    free(p->lens);
    memset(p, 0, sizeof *p);
}
