/*
 * analyzer.h - text -> tokens: the one analyzer used both to index and to
 * query, so that both sides always agree.
 *
 * Rules (README.md, "Analysis"): UTF-8 decoded safely; case, diacritics and
 * compatibility forms folded; words are runs of letters or runs of digits
 * (a change between the two splits a word, hyphens and punctuation
 * separate); an apostrophe between letters stays in the word; '.' between
 * digits stays in a number and a thousands comma is dropped; letter words
 * are stemmed with Snowball English; words are cut at AJ_MAX_WORD bytes.
 */
#ifndef AJ_ANALYZER_H
#define AJ_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define AJ_MAX_WORD 64  /* bytes of a folded word; longer runs are cut */

typedef struct aj_analyzer aj_analyzer;

typedef struct aj_token {
    const char *term;    /* stemmed folded form: what the index stores */
    uint32_t term_len;
    const char *word;    /* folded, unstemmed form: what prefixes match */
    uint32_t word_len;
    uint32_t pos;        /* pos_base + index of the token in this call */
    uint32_t start, end; /* byte range [start, end) in the input */
} aj_token;              /* term and word are valid during the callback only */

/* Returns non-zero to stop early (aj_analyze then returns AJ_OK). */
typedef int (*aj_token_fn)(void *arg, const aj_token *t);

/* An analyzer holds a stemmer and buffers: one per thread.  The caller
 * owns *out and frees it with aj_analyzer_free(). */
aj_err aj_analyzer_new(aj_ctx *c, aj_analyzer **out);
void aj_analyzer_free(aj_analyzer *a);

/* Calls fn for every token of text[0..len), in order.  Any bytes are
 * accepted (NUL, invalid UTF-8); the work is linear in len and the memory
 * constant.  Fails only with AJ_ENOMEM. */
aj_err aj_analyze(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                  uint32_t pos_base, aj_token_fn fn, void *arg);

/* With stemming off, tokens carry term == word (the indexer stems each
 * distinct word once itself, through aj_analyzer_term()).  On by default. */
void aj_analyzer_set_stemming(aj_analyzer *a, int on);

/* The term of a folded word, as the analyzer would make it: words with a
 * digit are their own term, letter words are stemmed.  *term points into
 * the analyzer and is valid until its next call.  AJ_ENOMEM only. */
aj_err aj_analyzer_term(aj_ctx *c, aj_analyzer *a, const char *word,
                        size_t len, const char **term, size_t *term_len);

/* Folds text (without stemming) into the single word it makes, written to
 * out (NUL-terminated, cap >= AJ_MAX_WORD + 1).  AJ_EINVAL when the text
 * makes no word or more than one.  Used for prefix queries. */
aj_err aj_fold_word(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                    char *out, size_t cap, size_t *out_len);

#endif
