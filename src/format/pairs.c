/* pairs.c - see pairs.h. */
#include "format/pairs.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    return r ? r : (alen > blen) - (alen < blen);
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

aj_err aj_pairs_make(aj_ctx *c, const char *const *keys, const uint32_t *lens, uint32_t n,
                     uint32_t np, aj_pairs *out) {
    memset(out, 0, sizeof *out);
    uint32_t all = n + np;
    out->terms = calloc(all ? all : 1, sizeof *out->terms);
    out->lens = calloc(all ? all : 1, sizeof *out->lens);
    if (!out->terms || !out->lens) {
        aj_pairs_free(out);
        return aj_fail(c, AJ_ENOMEM, "common terms");
    }
    for (uint32_t i = 0; i < all; i++) {
        out->terms[i] = strndup(keys[i], lens[i]);
        if (!out->terms[i]) {
            aj_pairs_free(out);
            return aj_fail(c, AJ_ENOMEM, "common terms");
        }
        out->lens[i] = (uint8_t)lens[i];
        uint32_t b = filter_bit(keys[i], lens[i]);
        out->filter[b / 64] |= 1ull << (b % 64);
        if (i < n) out->n = i + 1;
        else out->np = i + 1 - n;
    }
    return AJ_OK;
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
    const char **keys = calloc(all ? all : 1, sizeof *keys);
    uint32_t *lens = calloc(all ? all : 1, sizeof *lens);
    aj_err e = !keys || !lens ? aj_fail(c, AJ_ENOMEM, "common terms") : AJ_OK;
    uint64_t at = 8;
    for (uint32_t i = 0; !e && i < all; i++) {
        const uint8_t *s = p + at;
        const uint8_t *z = at < len ? memchr(s, 0, len - at) : NULL;
        size_t l = z ? (size_t)(z - s) : 0;
        if (!z || l == 0 || l > AJ_MAX_WORD || memchr(s, ' ', l) ||
            (i > 0 && i != n && cmp_bytes(keys[i - 1], lens[i - 1], (const char *)s, l) >= 0))
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: %s term %u is invalid",
                        i < n ? "common" : "partner", i < n ? i : i - n);
        keys[i] = (const char *)s;
        lens[i] = (uint32_t)l;
        at += l + 1;
    }
    if (!e && at != len)
        e = aj_fail(c, AJ_ECORRUPT,
                    "meta.aj: common term table size does not match %u + %u terms", n, np);
    if (!e) e = aj_pairs_make(c, keys, lens, n, np, out);
    free(keys);
    free(lens);
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
