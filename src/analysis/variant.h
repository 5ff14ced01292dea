/*
 * variant.h - British and American spellings of one word made one.
 *
 * Before a word is stemmed, a British spelling is rewritten the American
 * way (organisation -> organization, defence -> defense, colour -> color,
 * centre -> center, programme -> program, travelled -> traveled,
 * catalogue -> catalog, analyse -> analyze, centred -> centered,
 * paediatric -> pediatric, grey -> gray), so both spellings get the same
 * term in the index and in queries; the index keeps one posting list, not
 * two.  Rules work on suffixes; lists of bases keep them off words that
 * only look alike (exercise, promise, four, genre, filled, ...).  Only
 * lower-case ASCII words are touched.
 */
#ifndef AJ_VARIANT_H
#define AJ_VARIANT_H

#include <stddef.h>

/* Writes the American spelling of w[0..n) into out (room for n + 2 bytes:
 * centred -> centered is one longer, no rule adds more) and returns its
 * length, or returns 0 when w has no British spelling this module knows.
 * Suffix rules, Greek ae/oe at the start of some words (paediatric,
 * oestrogen) and a short list of whole words (grey, tyre, manoeuvre,
 * judgement, ...). */
size_t aj_variant_us(const char *w, size_t n, char *out);

#endif
