/*
 * analyzer.h - text -> tokens.  The same analyzer runs over documents when
 * indexing and over queries when searching; the two sides match only
 * because they share every rule below.
 *
 * The rules, in the order they apply:
 *
 *  1. UTF-8 is decoded safely (utf8.h): an ill-formed sequence becomes one
 *     U+FFFD covering its maximal subpart, so the character after a broken
 *     one is never lost.  U+FFFD is a separator.
 *  2. Each code point is folded (fold.h): case, diacritics, compatibility
 *     forms, and đ ð ø ł ı æ œ þ ß by hand.  Then each folded code point is
 *     classified: a letter (L*), a digit (Nd), a combining mark (M*,
 *     ignored: it neither ends a word nor adds to it) or a separator
 *     (everything else: spaces, punctuation, symbols, hyphens of every
 *     kind, controls, NUL, U+FFFD).
 *  3. A word is a maximal run of letters or a maximal run of digits; a
 *     switch between the two ends one word and starts the next, so
 *     "COVID-19", "COVID19" and "covid 19" are all "covid" "19".
 *  4. An apostrophe (' U+2019 U+2018 U+02BC U+FF07) with a letter on both
 *     sides stays in the word as an ASCII ': "Japan’s" -> "japan's".
 *     Elsewhere it is a separator.
 *  5. In a digit run, '.' followed by a digit stays ("241.1", "1.2.3");
 *     ',' followed by exactly three digits and then a non-digit is
 *     dropped ("3,000" -> "3000"); any other '.' or ',' separates.
 *  6. A word longer than AJ_MAX_WORD bytes (folded) is cut after the last
 *     whole code point that fits, and the rest of its run is skipped; an
 *     apostrophe or '.' left dangling at the cut is dropped too.  It is
 *     still one token, and its byte range covers the whole run.
 *  7. The term of a letter word is its Snowball English stem (libstemmer,
 *     cached: stem.h); a digit word is its own term.  No stop words.
 *
 * Analysis is linear in the input, reads only text[0..len), allocates
 * nothing per call, and accepts any bytes.
 */
#ifndef AJ_ANALYZER_H
#define AJ_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* aj_analyzer, aj_token, aj_token_fn, aj_analyzer_new, aj_analyzer_free
 * and aj_analyze are public (ajsearch.h, "Analysis"): the rules above are
 * what a caller sees there. */

/* Turns stemming off (on == 0) or back on (the default).  Off, tokens
 * carry term == word; the indexer uses this to stem each distinct word
 * once itself, through aj_analyzer_term(). */
void aj_analyzer_set_stemming(aj_analyzer *a, int on);

/* The term the analyzer makes of a word it produced (a token's word):
 * a digit word is its own term, a letter word is stemmed.  *term points
 * either at word or into the analyzer, valid until the next call of
 * aj_analyzer_term() on a; it does not disturb a token being delivered.
 * Errors: AJ_EINVAL when len is 0 or above AJ_MAX_WORD; AJ_ENOMEM. */
aj_err aj_analyzer_term(aj_ctx *c, aj_analyzer *a, const char *word,
                        size_t len, const char **term, size_t *term_len);

/* For a caller that knows its next words (stem.h, aj_stem_ahead): asks
 * for what aj_analyzer_term will read for word, returning a key, and
 * aj_analyzer_term given that key for the same word.  Same answers. */
uint64_t aj_analyzer_term_ahead(const aj_analyzer *a, const char *word, size_t len);
aj_err aj_analyzer_term_at(aj_ctx *c, aj_analyzer *a, const char *word, size_t len,
                           uint64_t key, const char **term, size_t *term_len);

/* Folds text as aj_analyze would, without stemming, and writes the single
 * word it makes into out (NUL-terminated; *out_len excludes the NUL).
 * Used for prefix queries: "Cooperat" -> "cooperat".  Errors: AJ_EINVAL
 * when the text makes no word or more than one ("a-b"), or when out
 * cannot hold the word and its NUL (cap >= AJ_MAX_WORD + 1 always
 * suffices); AJ_ENOMEM.  out is untouched on error. */
aj_err aj_fold_word(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                    char *out, size_t cap, size_t *out_len);

#endif
