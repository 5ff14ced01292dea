/*
 * fuzz_analyzer.c - any bytes through the analyzer, checking what
 * analyzer.h promises about every token:
 *  - term and word are 1..AJ_MAX_WORD bytes and NUL-terminated there;
 *  - positions count up from pos_base with no gaps;
 *  - byte ranges lie inside the input, are non-empty and ordered, and
 *    overlap only inside one code point that folds to several words;
 *  - aj_analyzer_term(word) gives the token's term; with stemming off the
 *    term is the word; analysing twice gives the same tokens;
 *  - a callback returning non-zero stops the analysis at once;
 *  - a position that would pass UINT32_MAX is AJ_ELIMIT, not a wrap.
 * aj_fold_word is also run on the input (and each token's bytes).
 */
#include "fuzz_common.h"
#include "analysis/analyzer.h"

static aj_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    aj_ctx c = {0};
    FZ_CHECK(aj_analyzer_new(&c, &an) == AJ_OK, "%s", c.msg);
    return 0;
}

#define MAXTOK 4096

typedef struct {
    uint32_t start, end, pos;
    uint8_t term_len, word_len;
    char term[AJ_MAX_WORD + 1], word[AJ_MAX_WORD + 1];
} tok;

typedef struct {
    const uint8_t *src;
    size_t len;
    uint32_t base;
    tok *toks;
    size_t n;          /* tokens seen */
    uint32_t prev_start, prev_end; /* range of the previous token */
    size_t stop_after; /* return non-zero on this token (1-based); 0 never */
    int stemming;
} run_state;

static int on_token(void *arg, const aj_token *t) {
    run_state *r = arg;
    FZ_CHECK(t->term_len >= 1 && t->term_len <= AJ_MAX_WORD, "term_len %u",
             t->term_len);
    FZ_CHECK(t->word_len >= 1 && t->word_len <= AJ_MAX_WORD, "word_len %u",
             t->word_len);
    FZ_CHECK(t->term[t->term_len] == 0 && t->word[t->word_len] == 0,
             "term or word not NUL-terminated");
    FZ_CHECK(memchr(t->term, 0, t->term_len) == NULL &&
                 memchr(t->word, 0, t->word_len) == NULL,
             "NUL inside a term or word");
    FZ_CHECK(t->pos == r->base + (uint32_t)r->n, "position %u, expected %u",
             t->pos, r->base + (uint32_t)r->n);
    FZ_CHECK(t->start < t->end && t->end <= r->len, "range [%u,%u) of %zu",
             t->start, t->end, r->len);
    /* Ranges are ordered; they overlap only when one code point folds
     * into two words ("\u3360" is "8" and a letter, both from its bytes). */
    FZ_CHECK(r->n == 0 || (t->start >= r->prev_start && t->end >= r->prev_end &&
                           (t->start >= r->prev_end || t->start + 4 >= r->prev_end)),
             "token %zu [%u,%u) after [%u,%u)", r->n, t->start, t->end,
             r->prev_start, r->prev_end);
    r->prev_start = t->start;
    r->prev_end = t->end;
    if (!r->stemming)
        FZ_CHECK(t->term_len == t->word_len &&
                     memcmp(t->term, t->word, t->word_len) == 0,
                 "stemming off but term differs from word");
    /* The analyzer may be re-entered from a callback (analyzer.h): the
     * word's term must be the token's term. */
    aj_ctx c = {0};
    const char *term;
    size_t term_len;
    aj_err e = aj_analyzer_term(&c, an, t->word, t->word_len, &term, &term_len);
    FZ_CHECK(e == AJ_OK, "aj_analyzer_term: %s", c.msg);
    if (r->stemming)
        FZ_CHECK(term_len == t->term_len && memcmp(term, t->term, term_len) == 0,
                 "term of word '%s' is '%.*s', token says '%s'", t->word,
                 (int)term_len, term, t->term);
    if (r->n < MAXTOK) {
        tok *k = &r->toks[r->n];
        k->start = t->start;
        k->end = t->end;
        k->pos = t->pos;
        k->term_len = (uint8_t)t->term_len;
        k->word_len = (uint8_t)t->word_len;
        memcpy(k->term, t->term, t->term_len + 1);
        memcpy(k->word, t->word, t->word_len + 1);
    }
    r->n++;
    return r->stop_after && r->n == r->stop_after;
}

static aj_err analyze(const uint8_t *d, size_t n, uint32_t base, tok *toks,
                      size_t stop_after, int stemming, size_t *ntok) {
    run_state r = {d, n, base, toks, 0, 0, 0, stop_after, stemming};
    aj_ctx c = {0};
    aj_analyzer_set_stemming(an, stemming);
    aj_err e = aj_analyze(&c, an, (const char *)d, n, base, on_token, &r);
    aj_analyzer_set_stemming(an, 1);
    if (e) FZ_CHECK(c.msg[0], "error without a message");
    *ntok = r.n;
    return e;
}

static tok toks1[MAXTOK], toks2[MAXTOK];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t n1 = 0, n2 = 0;
    aj_err e = analyze(data, size, 0, toks1, 0, 1, &n1);
    FZ_CHECK(e == AJ_OK, "aj_analyze failed (%d)", e);

    /* Deterministic: a second pass gives the same tokens. */
    e = analyze(data, size, 0, toks2, 0, 1, &n2);
    FZ_CHECK(e == AJ_OK && n1 == n2, "second pass: %zu tokens, first %zu", n2,
             n1);
    for (size_t i = 0; i < n1 && i < MAXTOK; i++)
        FZ_CHECK(toks1[i].start == toks2[i].start &&
                     toks1[i].end == toks2[i].end &&
                     strcmp(toks1[i].term, toks2[i].term) == 0,
                 "second pass differs at token %zu", i);

    /* Stemming off: same words and ranges. */
    e = analyze(data, size, 0, toks2, 0, 0, &n2);
    FZ_CHECK(e == AJ_OK && n1 == n2, "unstemmed: %zu tokens, stemmed %zu", n2,
             n1);
    for (size_t i = 0; i < n1 && i < MAXTOK; i++)
        FZ_CHECK(toks1[i].start == toks2[i].start &&
                     strcmp(toks1[i].word, toks2[i].word) == 0,
                 "unstemmed pass differs at token %zu", i);

    /* Early stop after the first token. */
    if (n1 > 0) {
        e = analyze(data, size, 7, toks2, 1, 1, &n2);
        FZ_CHECK(e == AJ_OK && n2 == 1, "stop after 1: %zu tokens", n2);
    }

    /* Positions near the top of the range: the last allowed position is
     * UINT32_MAX itself, anything beyond is AJ_ELIMIT. */
    if (n1 > 1 && n1 < MAXTOK) {
        uint32_t base = UINT32_MAX - (uint32_t)(n1 - 1);
        e = analyze(data, size, base, toks2, 0, 1, &n2);
        FZ_CHECK(e == AJ_OK && n2 == n1, "base %u: error %d, %zu tokens", base,
                 e, n2);
        e = analyze(data, size, base + 1, toks2, 0, 1, &n2);
        FZ_CHECK(e == AJ_ELIMIT, "positions wrapped (error %d)", e);
    }

    /* Folding: the whole input, and each token's own bytes, which must
     * fold to exactly the token's word. */
    char out[AJ_MAX_WORD + 1];
    size_t olen = 0;
    aj_ctx c = {0};
    e = aj_fold_word(&c, an, (const char *)data, size, out, sizeof out, &olen);
    FZ_CHECK(e == AJ_OK || e == AJ_EINVAL, "aj_fold_word error %d", e);
    if (e == AJ_OK) {
        FZ_CHECK(n1 == 1, "fold_word accepted %zu words", n1);
        FZ_CHECK(olen == toks1[0].word_len &&
                     memcmp(out, toks1[0].word, olen) == 0,
                 "fold_word gave '%s', analyzer '%s'", out, toks1[0].word);
    } else {
        FZ_CHECK(n1 != 1, "fold_word rejected a one-word input");
    }
    for (size_t i = 0; i < n1 && i < 8; i++) {
        aj_ctx c2 = {0};
        const tok *t = &toks1[i];
        e = aj_fold_word(&c2, an, (const char *)data + t->start,
                         t->end - t->start, out, sizeof out, &olen);
        /* A token's own bytes may lose context (an apostrophe or '.' at
         * its edge); when they make one word it must be the same one. */
        if (e == AJ_OK && olen == t->word_len)
            FZ_CHECK(memcmp(out, t->word, olen) == 0,
                     "token %zu refolds to '%s', was '%s'", i, out, t->word);
    }
    return 0;
}
