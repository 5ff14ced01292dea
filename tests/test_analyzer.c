/* test_analyzer.c - the analyzer: folding, word splitting, numbers,
 * apostrophes, stemming, byte offsets, invalid UTF-8, long words, and a
 * property test on random bytes. */
#include "helpers.h"

#include <libstemmer.h>

#include "analyzer.h"
#include "fold.h"
#include "stem.h"
#include "utf8.h"

typedef struct {
    char terms[64][AJ_MAX_WORD + 1];
    char words[64][AJ_MAX_WORD + 1];
    uint32_t pos[64], start[64], end[64];
    int n;
    int stop_after;
} toks;

static int collect(void *arg, const aj_token *t) {
    toks *k = arg;
    if (k->n < 64) {
        memcpy(k->terms[k->n], t->term, t->term_len);
        k->terms[k->n][t->term_len] = 0;
        memcpy(k->words[k->n], t->word, t->word_len);
        k->words[k->n][t->word_len] = 0;
        k->pos[k->n] = t->pos;
        k->start[k->n] = t->start;
        k->end[k->n] = t->end;
    }
    k->n++;
    return k->stop_after && k->n >= k->stop_after;
}


static toks run(const char *s, size_t n) {
    toks k;
    memset(&k, 0, sizeof k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), s, n, 0, collect, &k), AJ_OK);
    return k;
}

/* The terms of s joined by spaces. */
static char *terms_of(const char *s) {
    static char buf[4096];
    toks k = run(s, strlen(s));
    buf[0] = 0;
    for (int i = 0; i < k.n && i < 64; i++) {
        if (i) strcat(buf, " ");
        strcat(buf, k.terms[i]);
    }
    return buf;
}

static void same_terms(const char *a, const char *b) {
    char x[4096];
    snprintf(x, sizeof x, "%s", terms_of(a));
    cr_assert_str_eq(x, terms_of(b), "'%s' and '%s' differ", a, b);
}

Test(analyzer, ascii_words_positions_offsets) {
    toks k = run("  Maritime security, now!", 25);
    cr_assert_eq(k.n, 3);
    cr_assert_str_eq(k.terms[0], "maritim");
    cr_assert_str_eq(k.words[0], "maritime");
    cr_assert_str_eq(k.terms[1], "secur");
    cr_assert_str_eq(k.terms[2], "now");
    cr_assert_eq(k.pos[0], 0);
    cr_assert_eq(k.pos[2], 2);
    cr_assert_eq(k.start[0], 2);
    cr_assert_eq(k.end[0], 10);
    cr_assert_eq(k.start[1], 11);
    cr_assert_eq(k.end[1], 19);
}

Test(analyzer, pos_base_offsets_positions) {
    toks k;
    memset(&k, 0, sizeof k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a b", 3, 100, collect, &k), AJ_OK);
    cr_assert_eq(k.pos[0], 100);
    cr_assert_eq(k.pos[1], 101);
}

Test(analyzer, diacritics_and_case_fold) {
    cr_assert_str_eq(terms_of("Nguyễn Xuân Phúc"), "nguyen xuan phuc");
    same_terms("Nguyễn Xuân Phúc", "nguyen xuan phuc");
    same_terms("NGUYỄN", "nguyen");
    same_terms("Đà Nẵng", "da nang");
    same_terms("Ærø straße", "aero strasse");
    same_terms("ﬁnance", "finance");
    same_terms("ＡＳＥＡＮ", "asean");
    toks k = run("Phúc", strlen("Phúc"));
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.end[0], strlen("Phúc"), "offsets cover all bytes");
}

Test(analyzer, apostrophes) {
    same_terms("Japan’s", "Japan's");
    cr_assert_str_eq(terms_of("Japan's"), "japan");
    toks k = run("Japan’s", strlen("Japan’s"));
    cr_assert_str_eq(k.words[0], "japan's");
    /* Not between letters: a separator. */
    cr_assert_str_eq(terms_of("'quoted' Dato' Seri"), "quot dato seri");
}

Test(analyzer, hyphens_and_compounds) {
    same_terms("ASEAN-Japan", "ASEAN Japan");
    same_terms("ASEAN-Japan", "asean japan");
    cr_assert_str_eq(terms_of("ASEAN-Japan"), "asean japan");
    same_terms("COVID-19", "COVID19");
    same_terms("COVID-19", "covid 19");
    cr_assert_str_eq(terms_of("COVID19"), "covid 19");
    cr_assert_str_eq(terms_of("12th"), "12 th");
    cr_assert_str_eq(terms_of("4IR"), "4 ir");
    toks k = run("ASEAN-Japan", 11);
    cr_assert_eq(k.pos[1], k.pos[0] + 1, "consecutive positions");
}

Test(analyzer, numbers) {
    cr_assert_str_eq(terms_of("USD 241.1 billion"), "usd 241.1 billion");
    toks k = run("241.1", 5);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.end[0], 5);
    cr_assert_str_eq(terms_of("3,000 people"), "3000 peopl");
    cr_assert_str_eq(terms_of("1,000,000"), "1000000");
    cr_assert_str_eq(terms_of("in 2019."), "in 2019");
    cr_assert_str_eq(terms_of("2019,2020"), "2019 2020");
    cr_assert_str_eq(terms_of("1,2"), "1 2");
    cr_assert_str_eq(terms_of("version 2.0."), "version 2.0");
    cr_assert_str_eq(terms_of("1.2.3"), "1.2.3");
}

Test(analyzer, stemming) {
    same_terms("exchanges", "exchange");
    same_terms("abduction", "abductions");
    same_terms("cooperation", "cooperative");
    /* Prefix queries use words, not stems. */
    const char *w[] = {"cooperation", "cooperating", "cooperative"};
    for (int i = 0; i < 3; i++) {
        toks k = run(w[i], strlen(w[i]));
        cr_assert(strncmp(k.words[0], "cooperat", 8) == 0, "%s", k.words[0]);
    }
    /* Words with digits are not stemmed. */
    cr_assert_str_eq(terms_of("2020s"), "2020 s");
}

Test(analyzer, invalid_utf8) {
    /* A broken 3-byte sequence must not swallow the 'A' after it. */
    toks k = run("\xE2\x82" "A", 3);
    cr_assert_eq(k.n, 1);
    cr_assert_str_eq(k.terms[0], "a");
    cr_assert_eq(k.start[0], 2);
    /* Truncated at the very end: no read past the buffer. */
    char *tail = malloc(4);
    memcpy(tail, "ab\xC3", 3);
    k = run(tail, 3);
    cr_assert_eq(k.n, 1);
    cr_assert_str_eq(k.words[0], "ab");
    free(tail);
    /* Overlong, surrogate, out of range, stray continuation: separators. */
    cr_assert_str_eq(terms_of("a\xC0\xAFz"), "a z");
    cr_assert_str_eq(terms_of("a\xED\xA0\x80z"), "a z");
    cr_assert_str_eq(terms_of("a\xF4\x90\x80\x80z"), "a z");
    cr_assert_str_eq(terms_of("a\x80z"), "a z");
    cr_assert_str_eq(terms_of("a\xFFz"), "a z");
    uint32_t cp;
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xE2\x82\x41", 3, &cp), 2);
    cr_assert_eq(cp, AJ_REPLACEMENT);
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xF0\x9F\x98\x80", 4, &cp), 4);
    cr_assert_eq(cp, 0x1F600);
}

Test(analyzer, nul_bytes_separate) {
    toks k = run("mari\0time", 9);
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.words[0], "mari");
    cr_assert_str_eq(k.words[1], "time");
}

Test(analyzer, long_words_are_cut) {
    size_t n = 1 << 20;
    char *s = malloc(n);
    memset(s, 'a', n);
    toks k = run(s, n);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(strlen(k.words[0]), AJ_MAX_WORD);
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], n);
    free(s);
    /* Multi-byte letters are cut on a code point boundary. */
    char buf[200];
    size_t m = 0;
    /* 33 two-byte letters: 66 bytes, cut to 32 letters (64 bytes). */
    for (int i = 0; i < 33; i++) m += (size_t)snprintf(buf + m, sizeof buf - m, "ж");
    k = run(buf, m);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(strlen(k.words[0]), 64);
    cr_assert_eq(k.end[0], m);
    /* 65 ASCII letters after an accented one: the cut falls inside ASCII. */
    m = (size_t)snprintf(buf, sizeof buf, "é%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    k = run(buf, m);
    cr_assert_eq(strlen(k.words[0]), AJ_MAX_WORD);
}

Test(analyzer, early_stop) {
    toks k;
    memset(&k, 0, sizeof k);
    k.stop_after = 2;
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a b c d", 7, 0, collect, &k), AJ_OK);
    cr_assert_eq(k.n, 2);
}

Test(analyzer, fold_word) {
    char out[AJ_MAX_WORD + 1];
    size_t n;
    aj_ctx c = {0};
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "Cooperat", 8, out, sizeof out, &n), AJ_OK);
    cr_assert_str_eq(out, "cooperat");
    cr_assert_eq(n, 8);
    aj_ctx c2 = {0};
    cr_assert_eq(aj_fold_word(&c2, th_analyzer(), "a-b", 3, out, sizeof out, &n), AJ_EINVAL);
    aj_ctx c3 = {0};
    cr_assert_eq(aj_fold_word(&c3, th_analyzer(), "--", 2, out, sizeof out, &n), AJ_EINVAL);
}

Test(analyzer, stem_cache_matches_stemmer) {
    aj_ctx c = {0};
    aj_stemmer *st;
    cr_assert_eq(aj_stemmer_new(&c, &st), AJ_OK);
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
    uint64_t s = 5;
    static const char *sfx[] = {"", "s", "ing", "ed", "ation", "ness", "ly", "ies"};
    for (int t = 0; t < 20000; t++) {
        char w[40];
        int len = 2 + (int)(th_rand(&s) % 8);
        for (int i = 0; i < len; i++) w[i] = (char)('a' + th_rand(&s) % 5);
        w[len] = 0;
        strcat(w, sfx[th_rand(&s) % 8]);
        size_t n;
        const char *got = aj_stem(st, w, strlen(w), &n);
        const sb_symbol *want = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)strlen(w));
        cr_assert_eq(n, (size_t)sb_stemmer_length(sb), "%s", w);
        cr_assert_eq(memcmp(got, want, n), 0, "%s", w);
    }
    sb_stemmer_delete(sb);
    aj_stemmer_free(st);
}

static int check_invariants(void *arg, const aj_token *t) {
    size_t *st = arg; /* st[0] = len, st[1] = last pos + 1, st[2] = last start */
    cr_assert_lt(t->start, t->end);
    cr_assert_leq(t->end, st[0]);
    cr_assert_eq(t->pos, st[1]);
    cr_assert_geq(t->start, st[2]);
    cr_assert_gt(t->term_len, 0);
    cr_assert_gt(t->word_len, 0);
    cr_assert_leq(t->word_len, AJ_MAX_WORD);
    st[1] = t->pos + 1;
    st[2] = t->start;
    return 0;
}

Test(analyzer, random_bytes_property) {
    uint64_t s = 2024;
    static const char *frags[] = {"\xC3\xA9", "\xE2\x80\x99", "\xE1\xBB\x85", "\xF0\x9F\x98",
                                  "\xED\xA0", "-", "'", ".", ",", "1", "A", " ", "\0"};
    for (int t = 0; t < 4000; t++) {
        char buf[600];
        size_t n = 0, target = (size_t)(th_rand(&s) % 300);
        while (n < target) {
            if (th_rand(&s) % 2) {
                buf[n++] = (char)th_rand(&s);
            } else {
                const char *f = frags[th_rand(&s) % 13];
                size_t k = *f ? strlen(f) : 1;
                memcpy(buf + n, f, k);
                n += k;
            }
        }
        char *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        size_t st[3] = {n, 0, 0};
        aj_ctx c = {0};
        cr_assert_eq(aj_analyze(&c, th_analyzer(), exact, n, 0, check_invariants, st), AJ_OK);
        free(exact);
    }
}
