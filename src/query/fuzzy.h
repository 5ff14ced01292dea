/*
 * fuzzy.h - edit distance between words, and a scan of a word dictionary
 * for every word within a few edits of a given one.
 *
 * The distance is Damerau-Levenshtein in its "optimal string alignment"
 * form: an insertion, a deletion, a substitution of one code point or a
 * transposition of two adjacent ones costs 1, and no substring is edited
 * twice (so "ca" -> "abc" is 3, not 2).  Typing errors are mostly one of
 * these four, and the restricted form keeps the table to three rows.
 * Distances count code points, not bytes, so "é" for "e" is one edit
 * (folded words rarely hold either).
 */
#ifndef AJ_FUZZY_H
#define AJ_FUZZY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "format/dict.h"
#include "common/error.h"

#define AJ_FUZZY_MAX_EDITS 2

/* The most edits a word of ncp code points may be matched with, whatever
 * the query asks: 0 up to 2 code points, 1 from 3 to 5, 2 from 6 on.  A
 * short word is a few edits away from hundreds of unrelated ones ("sea"
 * is two edits from "the"), so it gets fewer. */
int aj_fuzzy_cap(size_t ncp);

/* Decodes the UTF-8 word s[0..n) into at most cap code points; returns
 * how many were written (invalid bytes become U+FFFD). */
size_t aj_fuzzy_decode(const char *s, size_t n, uint32_t *out, size_t cap);

/* The OSA distance of a[0..na) and b[0..nb) when it is at most k, else
 * k + 1 (the computation stops as soon as a row exceeds k).  na and nb are
 * at most AJ_MAX_WORD. */
int aj_fuzzy_distance(const uint32_t *a, size_t na, const uint32_t *b,
                      size_t nb, int k);

/* Called for each dictionary word within the distance; it->buf and
 * it->info describe the word.  Returns non-zero to stop the scan. */
typedef int (*aj_fuzzy_fn)(void *arg, const aj_dict_iter *it, int dist);

/* Calls fn for every word of d within k edits (0 <= k <=
 * AJ_FUZZY_MAX_EDITS) of word[0..len), in dictionary order.  The scan
 * reads the whole dictionary once, but shares the distance table between
 * words with a common prefix (the dictionary is sorted) and abandons a
 * prefix as soon as no extension of it can come within k.  Errors: those
 * of reading the dictionary. */
aj_err aj_fuzzy_scan(aj_ctx *c, const aj_dict *d, const char *word,
                     size_t len, int k, aj_fuzzy_fn fn, void *arg);

#endif
