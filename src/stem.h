/*
 * stem.h - Snowball English stemming (libstemmer) behind a cache.
 *
 * Stemming every token would cap indexing near the stemmer's own speed;
 * natural text repeats a small vocabulary, so a direct-mapped cache of
 * recent words answers most look-ups without calling the stemmer.  The
 * cache only ever returns what the stemmer returned for the same word.
 */
#ifndef AJ_STEM_H
#define AJ_STEM_H

#include <stddef.h>

#include "error.h"

typedef struct aj_stemmer aj_stemmer;

aj_err aj_stemmer_new(aj_ctx *c, aj_stemmer **out);
void aj_stemmer_free(aj_stemmer *s);

/* Stems the folded word w[0..n).  The result (*len bytes, not terminated)
 * is owned by the stemmer and valid until its next call.  Returns NULL
 * only when the stemmer runs out of memory. */
const char *aj_stem(aj_stemmer *s, const char *w, size_t n, size_t *len);

#endif
