/*
 * stem.c - see stem.h.
 *
 * The cache is an array of slots of 64 bytes, one cache line each,
 * holding the word and its stem inline, so a hit touches one line and
 * allocates nothing.  A word goes to slot XXH3(word) mod the number of
 * slots and evicts whatever was there (direct mapping: no chains, no LRU
 * bookkeeping; the frequent words of a text keep coming back to their
 * slot).  Words longer than SLOT_BYTES bypass the cache (they are rare);
 * Porter2 never lengthens a word, so a word that fits has a stem that fits.
 *
 * Size: up to 16384 slots, 1 MiB per stemmer.  Replaying the words of the
 * King James Bible (13,000 distinct words) through the cache misses 7.9%
 * of the time with 4096 slots, 4.9% with 8192, 3.5% with 16384 and 2.5%
 * with 32768.  A hit costs about 20 ns, a miss (a libstemmer call) about
 * 200.
 *
 * The cache starts at 256 slots (16 KiB) and grows fourfold, keeping its
 * words, each time it has missed as many times as it has slots, until it
 * has 16384.  A command-line search stems a few hundred distinct words
 * and would otherwise touch nearly every page of 1 MiB: clearing it (or
 * faulting in its zero pages) was a fifth of a cold search.  The indexer
 * reaches the full size after about 5,000 misses, a few milliseconds of
 * its work.  A failed growth keeps the smaller cache.
 */
#include "analysis/stem.h"

#include "analysis/variant.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MIN_SLOTS 256    /* powers of two, MAX_SLOTS / MIN_SLOTS a power */
#define MAX_SLOTS 16384  /*   of four */
#define SLOT_BYTES 31   /* longest word (and stem) a slot holds */

typedef struct {
    uint8_t word_len; /* 0: the slot is empty (no word is empty) */
    uint8_t stem_len;
    char word[SLOT_BYTES];
    char stem[SLOT_BYTES];
} stem_slot;

_Static_assert(sizeof(stem_slot) == 64, "a slot is one cache line");

struct aj_stemmer {
    struct sb_stemmer *sb;
    stem_slot *slots;
    size_t nslots;  /* a power of two */
    size_t misses;  /* since the cache last grew */
    char us[72];  /* the American spelling of the word being stemmed */
};

/* A zeroed table of n slots, each one cache line; NULL if out of memory. */
static stem_slot *new_slots(size_t n) {
    void *p;
    if (posix_memalign(&p, 64, n * sizeof(stem_slot)) != 0) return NULL;
    memset(p, 0, n * sizeof(stem_slot));
    return p;
}

/* Moves the cache to four times as many slots, keeping its words. */
static void grow(aj_stemmer *s) {
    size_t n = s->nslots * 4;
    stem_slot *t = new_slots(n);
    s->misses = 0;
    if (!t) return;
    for (size_t i = 0; i < s->nslots; i++) {
        const stem_slot *o = &s->slots[i];
        if (o->word_len) t[XXH3_64bits(o->word, o->word_len) & (n - 1)] = *o;
    }
    free(s->slots);
    s->slots = t;
    s->nslots = n;
}

aj_err aj_stemmer_new(aj_ctx *c, aj_stemmer **out) {
    aj_stemmer *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "stemmer: out of memory");
    s->sb = sb_stemmer_new("english", "UTF_8");
    if (!s->sb) {
        aj_stemmer_free(s);
        return aj_fail(c, AJ_ENOMEM,
                       "stemmer: libstemmer could not create 'english'");
    }
    s->slots = new_slots(MIN_SLOTS);
    if (!s->slots) {
        aj_stemmer_free(s);
        return aj_fail(c, AJ_ENOMEM, "stemmer: out of memory for the cache");
    }
    s->nslots = MIN_SLOTS;
    *out = s;
    return AJ_OK;
}

void aj_stemmer_free(aj_stemmer *s) {
    if (!s) return;
    if (s->sb) sb_stemmer_delete(s->sb);
    free(s->slots);
    free(s);
}

/* Runs libstemmer on w[0..n) and applies the fallbacks documented in
 * stem.h; *res points at the stem (libstemmer's buffer, or w itself). */
static aj_err stem_direct(aj_ctx *c, aj_stemmer *s, const char *w, size_t n,
                          size_t cap, const char **res, size_t *res_len) {
    /* British spellings become American first, so that both spellings of
     * a word share its term (variant.h).  Never longer than the word. */
    if (n < sizeof s->us) {
        size_t m = aj_variant_us(w, n, s->us);
        if (m) {
            w = s->us;
            n = m;
        }
    }
    /* n <= cap, and callers pass small caps, so the int cast is safe. */
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);
    if (!r) return aj_fail(c, AJ_ENOMEM, "stemmer: out of memory");
    int k = sb_stemmer_length(s->sb);
    if (k <= 0 || (size_t)k > cap) {
        *res = w;
        *res_len = n;
    } else {
        *res = (const char *)r;
        *res_len = (size_t)k;
    }
    return AJ_OK;
}

static aj_err check_args(aj_ctx *c, size_t n, size_t cap) {
    if (n > cap || cap > INT32_MAX)
        return aj_fail(c, AJ_EINVAL,
                       "stemmer: a %zu-byte word and a %zu-byte buffer", n,
                       cap);
    return AJ_OK;
}

aj_err aj_stem_uncached(aj_ctx *c, aj_stemmer *s, const char *w, size_t n,
                        char *out, size_t cap, size_t *out_len) {
    aj_err e = check_args(c, n, cap);
    if (e) return e;
    if (n == 0) {
        *out_len = 0;
        return AJ_OK;
    }
    const char *r = w;
    size_t k = n;
    e = stem_direct(c, s, w, n, cap, &r, &k);
    if (e) return e;
    memmove(out, r, k); /* memmove: out may be w itself */
    *out_len = k;
    return AJ_OK;
}

/* Letters no suffix of Porter2 English ends in (the suffixes of steps 0
 * to 5 and the exceptional words end in s, d, g, y, i, l, r, n, m, e, c,
 * t or an apostrophe), as a bit per letter 'a' + i. */
#define KEPT_LAST                                                                     \
    (1u << ('a' - 'a') | 1u << ('b' - 'a') | 1u << ('f' - 'a') | 1u << ('h' - 'a') | \
     1u << ('j' - 'a') | 1u << ('k' - 'a') | 1u << ('o' - 'a') | 1u << ('p' - 'a') | \
     1u << ('q' - 'a') | 1u << ('u' - 'a') | 1u << ('v' - 'a') | 1u << ('w' - 'a') | \
     1u << ('x' - 'a') | 1u << ('z' - 'a'))

/* 1 when Porter2 English returns w as it is: letters a-z only (no 'Y' or
 * apostrophe for its prelude and postlude to touch), ending in a letter
 * no rule removes or changes.  A text whose words are mostly new to the
 * cache (identifiers, codes, random tokens) spends most of its analysis
 * stemming; about half such words end so.  tests/test_analyzer.c checks
 * the rule against libstemmer on every word of the word lists and on
 * millions of random ones. */
static int porter2_keeps(const char *w, size_t n) {
    unsigned last = (unsigned char)w[n - 1] - 'a';
    if (last >= 26 || !(KEPT_LAST >> last & 1)) return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned)((unsigned char)w[i] - 'a') >= 26) return 0;
    return 1;
}

/* aj_stem, with the word's hash already computed when key is not NULL. */
static aj_err stem_cached(aj_ctx *c, aj_stemmer *s, const char *w, size_t n,
                          const uint64_t *key, char *out, size_t cap, size_t *out_len) {
    if (n == 0 || n > SLOT_BYTES)
        return aj_stem_uncached(c, s, w, n, out, cap, out_len);
    aj_err e = check_args(c, n, cap);
    if (e) return e;
    /* British spellings are mapped first (stem_direct), so a word with
     * an American form takes the long way. */
    if (porter2_keeps(w, n) && !aj_variant_us(w, n, s->us)) {
        memmove(out, w, n);
        *out_len = n;
        return AJ_OK;
    }
    uint64_t h = key ? *key : XXH3_64bits(w, n);
    stem_slot *sl = &s->slots[h & (s->nslots - 1)];
    if (sl->word_len == n && memcmp(sl->word, w, n) == 0) {
        memcpy(out, sl->stem, sl->stem_len);
        *out_len = sl->stem_len;
        return AJ_OK;
    }
    if (++s->misses > s->nslots && s->nslots < MAX_SLOTS) {
        grow(s);
        sl = &s->slots[h & (s->nslots - 1)];
    }
    const char *r = w;
    size_t k = n;
    e = stem_direct(c, s, w, n, cap, &r, &k);
    if (e) return e;
    if (k <= SLOT_BYTES) {
        /* Fill the slot before copying out: out may alias w. */
        memcpy(sl->word, w, n);
        memcpy(sl->stem, r, k);
        sl->word_len = (uint8_t)n;
        sl->stem_len = (uint8_t)k;
        memcpy(out, sl->stem, k);
    } else {
        memmove(out, r, k);
    }
    *out_len = k;
    return AJ_OK;
}

aj_err aj_stem(aj_ctx *c, aj_stemmer *s, const char *w, size_t n, char *out,
               size_t cap, size_t *out_len) {
    return stem_cached(c, s, w, n, NULL, out, cap, out_len);
}

uint64_t aj_stem_ahead(const aj_stemmer *s, const char *w, size_t n) {
    if (n == 0 || n > SLOT_BYTES || porter2_keeps(w, n)) return 0;
    uint64_t h = XXH3_64bits(w, n);
    __builtin_prefetch(&s->slots[h & (s->nslots - 1)]);
    return h;
}

aj_err aj_stem_at(aj_ctx *c, aj_stemmer *s, const char *w, size_t n, uint64_t key,
                  char *out, size_t cap, size_t *out_len) {
    /* a word aj_stem_ahead passed over needs no hash, or is not cached */
    if (n == 0 || n > SLOT_BYTES || porter2_keeps(w, n))
        return stem_cached(c, s, w, n, NULL, out, cap, out_len);
    return stem_cached(c, s, w, n, &key, out, cap, out_len);
}
