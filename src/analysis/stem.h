/*
 * stem.h - Snowball English (Porter2) stemming through libstemmer, behind
 * a cache.
 *
 * Running the stemmer on every token would make it the slowest step of
 * indexing.  Text repeats a small vocabulary, so a direct-mapped table of
 * recently stemmed words answers most calls with one hash and one compare.
 * The cache is invisible: every answer is byte for byte what libstemmer
 * gives for the same word (tests compare the two on generated words).
 *
 * One aj_stemmer per thread: neither libstemmer's state nor the cache is
 * safe to share.
 */
#ifndef AJ_STEM_H
#define AJ_STEM_H

#include <stddef.h>

#include "common/error.h"

typedef struct aj_stemmer aj_stemmer;

/* Creates a stemmer for English, UTF-8, with an empty cache.  The caller
 * owns *out (free with aj_stemmer_free).  AJ_ENOMEM on allocation failure
 * (libstemmer also reports an unknown language that way). */
aj_err aj_stemmer_new(aj_ctx *c, aj_stemmer **out);

/* Frees s and its cache; NULL is fine. */
void aj_stemmer_free(aj_stemmer *s);

/* Stems the word w[0..n) (folded UTF-8, as the analyzer makes it) and
 * copies the stem into out[0..cap); *out_len gets its length.  Requires
 * n <= cap.  The stem is never empty for a non-empty word: should the
 * stemmer return nothing, or more than cap bytes (Snowball English only
 * shortens words, so neither is expected), the word itself is the stem.
 * out is not NUL-terminated.  AJ_ENOMEM if libstemmer fails to allocate;
 * AJ_EINVAL if n > cap. */
aj_err aj_stem(aj_ctx *c, aj_stemmer *s, const char *w, size_t n, char *out,
               size_t cap, size_t *out_len);

/* For a caller that knows its next words: aj_stem_ahead asks for word
 * w[0..n)'s cache slot from memory and returns a key; aj_stem_at is
 * aj_stem given that key for the same word (the cache, read at random,
 * misses the processor's caches on a text of many distinct words). */
uint64_t aj_stem_ahead(const aj_stemmer *s, const char *w, size_t n);
aj_err aj_stem_at(aj_ctx *c, aj_stemmer *s, const char *w, size_t n, uint64_t key,
                  char *out, size_t cap, size_t *out_len);

/* The same as aj_stem but always calls libstemmer and leaves the cache
 * alone: for tests and for measuring what the cache saves. */
aj_err aj_stem_uncached(aj_ctx *c, aj_stemmer *s, const char *w, size_t n,
                        char *out, size_t cap, size_t *out_len);

#endif
