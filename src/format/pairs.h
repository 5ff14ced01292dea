/*
 * pairs.h - common-word pairs: the terms a phrase reads instead of the
 * position lists of very common words.
 *
 * A phrase such as "of the" intersects two of the longest position lists
 * of the index and checks positions in every paragraph that holds both
 * words: thousands of paragraphs for a handful of hits per paragraph.
 * The build chooses the corpus's most frequent terms (the common terms)
 * and indexes, besides each token, every pair of adjacent tokens of a
 * paragraph in which at least one term is common, as one extra term of
 * the TERMS dictionary: "of the" with the positions of its first token.
 * A phrase then reads the pair's list, whose paragraphs all hold the two
 * words side by side.
 *
 * Only pairs whose other term is frequent too are indexed: the other
 * term is common or one of the partner terms (the next most frequent
 * terms of the same samples).  A phrase "of hushathite" needs no pair: the
 * rare word's short list drives it and the common word's positions are
 * read in a handful of paragraphs.  Pairing a common term with every
 * word of a large vocabulary made most pair terms pairs of a rare word
 * (1.24 million of them on synth-100M, for 222 thousand words), which
 * doubled the build's time and tripled its memory; with the partners
 * there are at most 2 * common * (common + partners) pair terms, whatever
 * the corpus.
 *
 * A pair's key is its two terms joined by one space (no term holds a
 * space, so no pair key is ever a term of the text), and a pair is
 * indexed only when its key fits in AJ_MAX_WORD bytes.  Every adjacent
 * occurrence of a pairable pair (aj_pairs_pairable) is indexed, so a
 * pairable key that the dictionary lacks means the two words are never
 * adjacent.  The common and partner terms are stored in the index
 * (meta.aj, section COMMON), so searches know which pairs exist.  The
 * bytes: FORMAT.md "meta.aj" (COMMON) and "dict.aj" (Pair terms).
 */
#ifndef AJ_PAIRS_H
#define AJ_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "common/error.h"

/* How many common terms the build chooses (README, "Phrases"): measured
 * on KJV against index size and phrase latency. */
#define AJ_PAIR_COMMON 32
/* How many partner terms (README, "Phrases"): measured on KJV and
 * synth-100M against build time, memory and phrase latency. */
#define AJ_PAIR_PARTNERS 1024
/* At most this many common, and partner, terms in an index (a reader's
 * sanity bound). */
#define AJ_PAIR_COMMON_MAX 4096
#define AJ_PAIR_PARTNERS_MAX 65536

/* What a term is to pairing (aj_pairs_class): bits. */
#define AJ_PAIR_IS_PARTNER 1u  /* common terms are partners too */
#define AJ_PAIR_IS_COMMON 2u

/* The common terms, then the partner terms, each list sorted by bytes:
 * terms[0..n) and terms[n..n + np).  Owns its memory. */
#define AJ_PAIR_FILTER_BITS (1u << 14)

typedef struct aj_pairs {
    char **terms;
    uint8_t *lens;
    uint32_t n, np;
    /* A bit per hash of a term's length and end bytes, set for every term
     * of the lists: most terms are in neither, and this tells most of
     * them so without a search (a build asks it of every new term). */
    uint64_t filter[AJ_PAIR_FILTER_BITS / 64];
} aj_pairs;

/* Makes *out of the common terms keys[0..n) and their partners
 * keys[n..n + np), each group sorted by bytes (lens[i] bytes each, less
 * than AJ_MAX_WORD - 1).  *out is owned by the caller (aj_pairs_free).
 * AJ_ENOMEM.  Which terms are common is the build's choice
 * (build/pairchoose.h). */
aj_err aj_pairs_make(aj_ctx *c, const char *const *keys, const uint32_t *lens, uint32_t n,
                     uint32_t np, aj_pairs *out);

/* 1 when term[0..len) is one of the common terms. */
int aj_pairs_is_common(const aj_pairs *p, const char *term, size_t len);

/* AJ_PAIR_IS_COMMON | AJ_PAIR_IS_PARTNER for a common term,
 * AJ_PAIR_IS_PARTNER for a partner term, else 0. */
unsigned aj_pairs_class(const aj_pairs *p, const char *term, size_t len);

/* Whether terms of classes ca and cb (aj_pairs_class), adjacent, make a
 * pair that is indexed: one is common, the other common or a partner. */
static inline int aj_pairs_pairable(unsigned ca, unsigned cb) {
    return ((ca & AJ_PAIR_IS_COMMON) && (cb & AJ_PAIR_IS_PARTNER)) ||
           ((cb & AJ_PAIR_IS_COMMON) && (ca & AJ_PAIR_IS_PARTNER));
}

/* aj_pairs_pairable of the terms a[0..alen) and b[0..blen) themselves. */
int aj_pairs_terms_pairable(const aj_pairs *p, const char *a, size_t alen, const char *b,
                            size_t blen);

/* Writes the key of the pair (a, b) into out (room for AJ_MAX_WORD + 1
 * bytes, NUL-terminated) and returns its length, or 0 when the key would
 * be longer than AJ_MAX_WORD (such pairs are not indexed). */
size_t aj_pair_key(const char *a, size_t alen, const char *b, size_t blen,
                   char *out);

/* The COMMON section's bytes (FORMAT.md "meta.aj", section 9):
 * aj_pairs_size gives their length; aj_pairs_encode writes them to out. */
size_t aj_pairs_size(const aj_pairs *p);
void aj_pairs_encode(const aj_pairs *p, uint8_t *out);

/* Reads a COMMON section (untrusted bytes): AJ_ECORRUPT when a count,
 * the order, a term in both lists, a term's length (1..AJ_MAX_WORD, no
 * space) or the section's length is wrong; AJ_ENOMEM. */
aj_err aj_pairs_decode(aj_ctx *c, const uint8_t *p, uint64_t len, aj_pairs *out);

void aj_pairs_free(aj_pairs *p);

#endif
