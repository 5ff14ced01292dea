/*
 * fuzz_analyzer.c - any bytes through the analyzer.  Promises checked:
 * tokens in order with consecutive positions, byte ranges inside the input
 * and moving forward, terms and words of 1..AJ_MAX_WORD bytes of valid
 * UTF-8; a token's folded word analyzed alone is one token, itself
 * (folding is idempotent); stemming on or off gives the same tokens.
 */
#include "fuzz_common.h"

static aj_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    aj_ctx c = {0};
    if (aj_analyzer_new(&c, &an)) abort();
    return 0;
}

static int valid_utf8(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        size_t k = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n || b == 0) return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xC0) != 0x80) return 0;
        i += k;
    }
    return 1;
}

typedef struct {
    size_t len;
    uint32_t last_start, last_end, next_pos;
    int n;
} state;

static int on_token(void *arg, const aj_token *t) {
    state *st = arg;
    FUZZ_ASSERT(t->pos == st->next_pos);
    st->next_pos++;
    FUZZ_ASSERT(t->start < t->end && t->end <= st->len);
    /* One code point may fold into several tokens ("Â¼" is 1/4), which
     * then share its bytes, so ranges may overlap; they only move forward. */
    FUZZ_ASSERT(t->start >= st->last_start && t->end >= st->last_end);
    st->last_start = t->start;
    st->last_end = t->end;
    FUZZ_ASSERT(t->term_len >= 1 && t->term_len <= AJ_MAX_WORD);
    FUZZ_ASSERT(t->word_len >= 1 && t->word_len <= AJ_MAX_WORD);
    FUZZ_ASSERT(valid_utf8(t->term, t->term_len));
    FUZZ_ASSERT(valid_utf8(t->word, t->word_len));
    FUZZ_ASSERT(t->term[t->term_len] == 0 && t->word[t->word_len] == 0);
    st->n++;
    return 0;
}

typedef struct {
    const char *word;
    size_t len;
    int n;
} again;

static int on_again(void *arg, const aj_token *t) {
    again *a = arg;
    a->n++;
    FUZZ_ASSERT(t->word_len == a->len && !memcmp(t->word, a->word, a->len));
    return 0;
}

static int on_token_check(void *arg, const aj_token *t) {
    on_token(arg, t);
    /* A folded word analyzed alone is one token, itself. */
    char w[AJ_MAX_WORD + 1];
    memcpy(w, t->word, t->word_len);
    again a = {w, t->word_len, 0};
    aj_ctx c = {0};
    FUZZ_ASSERT(aj_analyze(&c, an, w, t->word_len, 0, on_again, &a) == AJ_OK);
    FUZZ_ASSERT(a.n == 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aj_ctx c = {0};
    state st = {size, 0, 0, 7, 0};
    aj_err e = aj_analyze(&c, an, (const char *)data, size, 7, on_token_check, &st);
    FUZZ_ASSERT(e == AJ_OK);
    /* Without stemming the same tokens come out, in the same places. */
    aj_analyzer_set_stemming(an, 0);
    state st2 = {size, 0, 0, 0, 0};
    e = aj_analyze(&c, an, (const char *)data, size, 0, on_token, &st2);
    aj_analyzer_set_stemming(an, 1);
    FUZZ_ASSERT(e == AJ_OK && st2.n == st.n);
    return 0;
}
