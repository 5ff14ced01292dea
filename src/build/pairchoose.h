/*
 * pairchoose.h - choosing the common terms of a corpus, whose pairs the
 * index keeps (format/pairs.h says what they are for and how they are
 * stored).
 */
#ifndef AJ_PAIRCHOOSE_H
#define AJ_PAIRCHOOSE_H

#include "format/pairs.h"

/* Chooses the want most frequent terms of the texts (n of them, sizes[i]
 * bytes each, back to back in bytes), as an analyzer with stemming makes
 * them, as the common terms, and the next partners ones as the partner
 * terms; ties go to the smaller term in byte order, so the choice depends
 * only on the texts.  Fewer when the texts hold fewer distinct terms.
 * *out is owned by the caller (aj_pairs_free).  AJ_ENOMEM. */
aj_err aj_pairs_choose(aj_ctx *c, const char *bytes, const size_t *sizes,
                       size_t n, uint32_t want, uint32_t partners, aj_pairs *out);

#endif
