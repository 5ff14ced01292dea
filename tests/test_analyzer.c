/* test_analyzer.c - the analyzer and the modules under it: folding and
 * character classes (fold.c), the stem cache (stem.c), and the tokenizer
 * rules of analyzer.h, one test per rule, with a property test over random
 * bytes.  The UTF-8 decoder has its own file, test_utf8.c. */
#include "helpers.h"

#include <libstemmer.h>
#include <time.h>
#include <utf8proc.h>

#include "analysis/analyzer.h"
#include "analysis/fold.h"
#include "analysis/stem.h"
#include "analysis/variant.h"
#include "common/utf8.h"

/* ---- helpers --------------------------------------------------------- */

#define MAXTOK 64

typedef struct {
    int n;          /* tokens seen (may exceed MAXTOK; only those kept) */
    int stop_after; /* return non-zero from the callback at this count */
    char term[MAXTOK][AJ_MAX_WORD + 1];
    char word[MAXTOK][AJ_MAX_WORD + 1];
    uint32_t term_len[MAXTOK], word_len[MAXTOK];
    uint32_t pos[MAXTOK], start[MAXTOK], end[MAXTOK];
} toks;

static int collect(void *arg, const aj_token *t) {
    toks *k = arg;
    cr_assert(t->term_len >= 1 && t->term_len <= AJ_MAX_WORD);
    cr_assert(t->word_len >= 1 && t->word_len <= AJ_MAX_WORD);
    cr_assert_eq(t->term[t->term_len], 0, "term is NUL-terminated");
    cr_assert_eq(t->word[t->word_len], 0, "word is NUL-terminated");
    if (k->n < MAXTOK) {
        memcpy(k->term[k->n], t->term, t->term_len + 1);
        memcpy(k->word[k->n], t->word, t->word_len + 1);
        k->term_len[k->n] = t->term_len;
        k->word_len[k->n] = t->word_len;
        k->pos[k->n] = t->pos;
        k->start[k->n] = t->start;
        k->end[k->n] = t->end;
    }
    k->n++;
    return k->stop_after && k->n >= k->stop_after;
}

/* Analyzes s[0..n) into *k (which is cleared first). */
static void run_n(toks *k, const char *s, size_t n) {
    memset(k, 0, sizeof *k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), s, n, 0, collect, k), AJ_OK,
                 "%s", c.msg);
}

static void run(toks *k, const char *s) { run_n(k, s, strlen(s)); }

/* The terms (or words) of s, joined by single spaces, into out. */
static char *joined(const char *s, int words, char *out, size_t cap) {
    toks k;
    run(&k, s);
    size_t m = 0;
    out[0] = 0;
    for (int i = 0; i < k.n && i < MAXTOK; i++)
        m += (size_t)snprintf(out + m, cap - m, "%s%s", i ? " " : "",
                              words ? k.word[i] : k.term[i]);
    return out;
}

#define TERMS(s) joined((s), 0, (char[1024]){0}, 1024)
#define WORDS(s) joined((s), 1, (char[1024]){0}, 1024)

static void same_terms(const char *a, const char *b) {
    char x[1024], y[1024];
    joined(a, 0, x, sizeof x);
    joined(b, 0, y, sizeof y);
    cr_assert_str_eq(x, y, "'%s' -> '%s' but '%s' -> '%s'", a, x, b, y);
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static char *exact_copy(const char *s, size_t n) {
    char *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    memcpy(p, s, n);
    return p;
}

/* ---- plain ASCII ------------------------------------------------------ */

Test(analyzer, ascii_words_positions_offsets) {
    toks k;
    run(&k, "  The Maritime security, now!");
    cr_assert_eq(k.n, 4);
    cr_assert_str_eq(k.word[0], "the");
    cr_assert_str_eq(k.word[1], "maritime");
    cr_assert_str_eq(k.term[1], "maritim");
    cr_assert_str_eq(k.word[2], "security");
    cr_assert_str_eq(k.term[2], "secur");
    cr_assert_str_eq(k.term[3], "now");
    for (int i = 0; i < 4; i++) cr_assert_eq(k.pos[i], (uint32_t)i);
    cr_assert_eq(k.start[0], 2);
    cr_assert_eq(k.end[0], 5);
    cr_assert_eq(k.start[1], 6);
    cr_assert_eq(k.end[1], 14);
    cr_assert_eq(k.start[2], 15);
    cr_assert_eq(k.end[2], 23);
    cr_assert_eq(k.start[3], 25);
    cr_assert_eq(k.end[3], 28);
}

Test(analyzer, pos_base_is_added) {
    toks k;
    memset(&k, 0, sizeof k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a b c", 5, 1000, collect, &k),
                 AJ_OK);
    cr_assert_eq(k.n, 3);
    cr_assert_eq(k.pos[0], 1000);
    cr_assert_eq(k.pos[1], 1001);
    cr_assert_eq(k.pos[2], 1002);
}

Test(analyzer, empty_and_separator_only_input) {
    toks k;
    run(&k, "");
    cr_assert_eq(k.n, 0);
    run(&k, " ,.;-'\"()[]{}!?*/\\_=+<>|~`^@#$%&\t\r\n");
    cr_assert_eq(k.n, 0);
    memset(&k, 0, sizeof k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), NULL, 0, 0, collect, &k), AJ_OK);
    cr_assert_eq(k.n, 0);
}

Test(analyzer, no_stop_words_removed) {
    cr_assert_str_eq(TERMS("The of AND a to"), "the of and a to");
}

Test(analyzer, underscore_and_symbols_separate) {
    cr_assert_str_eq(WORDS("snake_case a+b x@y.com"), "snake case a b x y com");
}

/* ---- folding ---------------------------------------------------------- */

Test(analyzer, vietnamese_names_fold) {
    cr_assert_str_eq(WORDS("Nguyễn Xuân Phúc"), "nguyen xuan phuc");
    same_terms("Nguyễn Xuân Phúc", "nguyen xuan phuc");
    same_terms("NGUYỄN XUÂN PHÚC", "Nguyen Xuan Phuc");
    /* The same name, decomposed (NFD): base letters + combining marks. */
    same_terms("Nguye\xCC\x82\xCC\x83n Xua\xCC\x82n Phu\xCC\x81" "c",
               "nguyen xuan phuc");
    toks k;
    run(&k, "Nguyễn Xuân Phúc");
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 8); /* ễ is 3 bytes */
    cr_assert_eq(k.start[1], 9);
    cr_assert_eq(k.end[1], 14);
    cr_assert_eq(k.start[2], 15);
    cr_assert_eq(k.end[2], 20);
}

Test(analyzer, combining_marks_join_and_extend) {
    toks k;
    /* A trailing mark belongs to the letter before it. */
    run(&k, "cafe\xCC\x81 x");
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.word[0], "cafe");
    cr_assert_eq(k.end[0], 6);
    cr_assert_eq(k.start[1], 7);
    /* A mark inside a word does not split it. */
    cr_assert_str_eq(WORDS("Phu\xCC\x81" "c"), "phuc");
    /* A mark with no word before it is ignored. */
    run(&k, "a \xCC\x81" "b");
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.word[1], "b");
    cr_assert_eq(k.start[1], 4);
    /* Spacing marks (Mc) fold away too. */
    cr_assert_eq(strlen(WORDS("\xE0\xA4\xBE")), 0); /* U+093E alone */
}

Test(analyzer, case_and_compatibility_folding) {
    same_terms("ﬁnance", "finance");
    same_terms("ＡＳＥＡＮ", "asean");
    same_terms("ÉCOLE", "ecole");
    same_terms("İstanbul", "istanbul");
    cr_assert_str_eq(WORDS("x²"), "x 2");
    cr_assert_str_eq(WORDS("㎒"), "mhz");
    cr_assert_str_eq(WORDS("Ⅻ"), "xii");
    cr_assert_str_eq(WORDS("Ⓐ"), "a");
    cr_assert_str_eq(WORDS("ΣΊΣΥΦΟΣ"), "σισυφοσ");
}

Test(analyzer, letters_folded_by_hand) {
    cr_assert_str_eq(WORDS("Đà Nẵng đ"), "da nang d");
    cr_assert_str_eq(WORDS("ð Ð"), "d d");
    cr_assert_str_eq(WORDS("Ø ø Søren"), "o o soren");
    cr_assert_str_eq(WORDS("Łódź ł"), "lodz l");
    cr_assert_str_eq(WORDS("ı"), "i");
    cr_assert_str_eq(WORDS("Æsir æ"), "aesir ae");
    cr_assert_str_eq(WORDS("Œuvre œ"), "oeuvre oe");
    cr_assert_str_eq(WORDS("Þór þ"), "thor th");
    cr_assert_str_eq(WORDS("Straße STRAẞE"), "strasse strasse");
    /* Accented forms of these letters decompose to them first. */
    cr_assert_str_eq(WORDS("ǿ ǽ"), "o ae");
}

Test(analyzer, folded_offsets_cover_source_bytes) {
    toks k;
    run(&k, "Ａ");
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 3);
    run(&k, "ﬁx");
    cr_assert_str_eq(k.word[0], "fix");
    cr_assert_eq(k.end[0], 4);
    run(&k, "x²");
    cr_assert_eq(k.start[1], 1);
    cr_assert_eq(k.end[1], 3);
    /* One code point that folds to a digit and a letter makes two words
     * sharing its bytes (U+33E0, "1日"). */
    run(&k, "\xE3\x8F\xA0");
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.word[0], "1");
    cr_assert_str_eq(k.word[1], "日");
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 3);
    cr_assert_eq(k.start[1], 0);
    cr_assert_eq(k.end[1], 3);
}

/* ---- apostrophes ------------------------------------------------------ */

Test(analyzer, apostrophe_forms_are_one) {
    static const char *forms[] = {"Japan's", "Japan’s", "Japan‘s", "Japanʼs",
                                  "Japan＇s"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        toks k;
        run(&k, forms[i]);
        cr_assert_eq(k.n, 1, "%s", forms[i]);
        cr_assert_str_eq(k.word[0], "japan's", "%s", forms[i]);
        cr_assert_str_eq(k.term[0], "japan", "%s", forms[i]);
        cr_assert_eq(k.end[0], strlen(forms[i]));
    }
    same_terms("Japan’s", "Japan's");
    cr_assert_str_eq(WORDS("O’Neill don't"), "o'neill don't");
}

Test(analyzer, apostrophe_elsewhere_separates) {
    cr_assert_str_eq(WORDS("'quoted'"), "quoted");
    cr_assert_str_eq(WORDS("Leaders’ Vision"), "leaders vision");
    cr_assert_str_eq(WORDS("’90s"), "90 s");
    cr_assert_str_eq(WORDS("1990's"), "1990 s"); /* digit before it */
    cr_assert_str_eq(WORDS("a'1"), "a 1");       /* digit after it */
    cr_assert_str_eq(WORDS("rock 'n' roll"), "rock n roll");
    cr_assert_str_eq(WORDS("a''b"), "a b");
    cr_assert_str_eq(WORDS("a' b"), "a b");
    cr_assert_str_eq(WORDS("ʼa"), "a");
    cr_assert_str_eq(WORDS("a’"), "a");
    toks k;
    run(&k, "Leaders’ x");
    cr_assert_eq(k.end[0], 7, "a trailing apostrophe is not in the range");
}

/* ---- hyphens and letter/digit switches ------------------------------- */

Test(analyzer, hyphens_separate) {
    same_terms("ASEAN-Japan", "ASEAN Japan");
    same_terms("ASEAN-Japan", "asean japan");
    cr_assert_str_eq(TERMS("ASEAN-Japan"), "asean japan");
    toks k;
    run(&k, "ASEAN-Japan");
    cr_assert_eq(k.pos[1], k.pos[0] + 1);
    cr_assert_eq(k.end[0], 5);
    cr_assert_eq(k.start[1], 6);
    /* Every kind: hyphen, non-breaking hyphen, en and em dash, minus,
     * soft hyphen, fullwidth hyphen-minus. */
    static const char *dashes[] = {"\xE2\x80\x90", "\xE2\x80\x91",
                                   "\xE2\x80\x93", "\xE2\x80\x94",
                                   "\xE2\x88\x92", "\xC2\xAD", "\xEF\xBC\x8D"};
    for (size_t i = 0; i < sizeof dashes / sizeof *dashes; i++) {
        char s[32];
        snprintf(s, sizeof s, "ab%scd", dashes[i]);
        cr_assert_str_eq(WORDS(s), "ab cd", "dash %zu", i);
    }
}

Test(analyzer, letter_digit_switch_splits) {
    same_terms("COVID-19", "COVID19");
    same_terms("COVID-19", "covid 19");
    cr_assert_str_eq(TERMS("COVID19"), "covid 19");
    toks k;
    run(&k, "COVID19");
    cr_assert_eq(k.n, 2);
    cr_assert_eq(k.pos[1], k.pos[0] + 1);
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 5);
    cr_assert_eq(k.start[1], 5);
    cr_assert_eq(k.end[1], 7);
    cr_assert_str_eq(WORDS("12th"), "12 th");
    cr_assert_str_eq(WORDS("4IR"), "4 ir");
    cr_assert_str_eq(WORDS("a1b2"), "a 1 b 2");
}

/* ---- numbers ---------------------------------------------------------- */

Test(analyzer, decimal_point_stays_between_digits) {
    toks k;
    run(&k, "241.1");
    cr_assert_eq(k.n, 1);
    cr_assert_str_eq(k.word[0], "241.1");
    cr_assert_str_eq(k.term[0], "241.1");
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 5);
    cr_assert_str_eq(TERMS("USD 241.1 billion"), "usd 241.1 billion");
    cr_assert_str_eq(WORDS("version 2.0"), "version 2.0");
    cr_assert_str_eq(WORDS("1.2.3"), "1.2.3");
    cr_assert_str_eq(WORDS(".5"), "5");
    cr_assert_str_eq(WORDS("1..2"), "1 2");
    cr_assert_str_eq(WORDS("a.5"), "a 5");
    cr_assert_str_eq(WORDS("1.a"), "1 a");
    cr_assert_str_eq(WORDS("１．５"), "1.5"); /* fullwidth, folded first */
}

Test(analyzer, trailing_point_or_comma_separates) {
    toks k;
    run(&k, "in 2019.");
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.word[1], "2019");
    cr_assert_eq(k.end[1], 7);
    cr_assert_str_eq(WORDS("in 2019, and"), "in 2019 and");
    cr_assert_str_eq(WORDS("version 2.0."), "version 2.0");
    cr_assert_str_eq(WORDS("3,000,"), "3000");
}

Test(analyzer, thousands_commas_are_dropped) {
    toks k;
    run(&k, "3,000 people");
    cr_assert_str_eq(k.word[0], "3000");
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], 5);
    cr_assert_str_eq(WORDS("1,000,000"), "1000000");
    cr_assert_str_eq(WORDS("1,000.5"), "1000.5");
    cr_assert_str_eq(WORDS("1,000a"), "1000 a");
}

Test(analyzer, other_commas_separate) {
    cr_assert_str_eq(WORDS("1,0000"), "1 0000");
    cr_assert_str_eq(WORDS("1,00"), "1 00");
    cr_assert_str_eq(WORDS("2019,2020"), "2019 2020");
    cr_assert_str_eq(WORDS("1, 000"), "1 000");
    cr_assert_str_eq(WORDS("a,000"), "a 000");
    cr_assert_str_eq(WORDS(",000"), "000");
    cr_assert_str_eq(WORDS("1,2"), "1 2");
}

Test(analyzer, numbers_are_not_stemmed) {
    toks k;
    run(&k, "1990s 2.50 3,000");
    cr_assert_eq(k.n, 4);
    for (int i = 0; i < k.n; i++) cr_assert_str_eq(k.term[i], k.word[i]);
    cr_assert_str_eq(k.word[1], "s");
}

Test(analyzer, other_digit_forms) {
    cr_assert_str_eq(WORDS("１２３"), "123");   /* fullwidth */
    cr_assert_str_eq(WORDS("x²³"), "x 23");     /* superscripts */
    cr_assert_str_eq(WORDS("٣٤"), "٣٤");        /* Arabic-Indic: Nd */
    cr_assert_str_eq(WORDS("①②"), "12");        /* circled: compat digits */
}

/* ---- stemming --------------------------------------------------------- */

Test(analyzer, stems) {
    same_terms("exchanges", "exchange");
    cr_assert_str_eq(TERMS("exchanges"), "exchang");
    same_terms("abductions", "abduction");
    cr_assert_str_eq(TERMS("Japan's"), "japan");
    cr_assert_str_eq(TERMS("running ran"), "run ran");
    same_terms("cooperation", "cooperative");
}

Test(analyzer, prefix_words_keep_their_stem_letters) {
    static const char *w[] = {"cooperation", "cooperating", "cooperative",
                              "Cooperatives"};
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
        toks k;
        run(&k, w[i]);
        cr_assert_eq(k.n, 1);
        cr_assert_eq(strncmp(k.word[0], "cooperat", 8), 0, "%s", k.word[0]);
        cr_assert_str_eq(k.term[0], "cooper");
    }
}

Test(analyzer, stemming_can_be_switched_off) {
    aj_ctx c = {0};
    aj_analyzer *a;
    cr_assert_eq(aj_analyzer_new(&c, &a), AJ_OK);
    aj_analyzer_set_stemming(a, 0);
    toks k;
    memset(&k, 0, sizeof k);
    cr_assert_eq(aj_analyze(&c, a, "Exchanges", 9, 0, collect, &k), AJ_OK);
    cr_assert_str_eq(k.term[0], "exchanges");
    aj_analyzer_set_stemming(a, 1);
    memset(&k, 0, sizeof k);
    cr_assert_eq(aj_analyze(&c, a, "Exchanges", 9, 0, collect, &k), AJ_OK);
    cr_assert_str_eq(k.term[0], "exchang");
    aj_analyzer_free(a);
    aj_analyzer_free(NULL);
}

Test(analyzer, analyzer_term_matches_tokens) {
    aj_ctx c = {0};
    const char *t;
    size_t n;
    cr_assert_eq(aj_analyzer_term(&c, th_analyzer(), "exchanges", 9, &t, &n),
                 AJ_OK);
    cr_assert_eq(n, 7);
    cr_assert_eq(memcmp(t, "exchang", 7), 0);
    const char *num = "241.1";
    cr_assert_eq(aj_analyzer_term(&c, th_analyzer(), num, 5, &t, &n), AJ_OK);
    cr_assert_eq(t, num, "a number is its own term");
    cr_assert_eq(n, 5);
    cr_assert_eq(aj_analyzer_term(&c, th_analyzer(), "x", 0, &t, &n),
                 AJ_EINVAL);
    aj_ctx c2 = {0};
    char big[AJ_MAX_WORD + 1];
    memset(big, 'a', sizeof big);
    cr_assert_eq(aj_analyzer_term(&c2, th_analyzer(), big, sizeof big, &t, &n),
                 AJ_EINVAL);
}

/* A callback that calls aj_analyzer_term and aj_analyze on the same
 * analyzer must find its own token unchanged afterwards. */
static int reenter(void *arg, const aj_token *t) {
    int *ok = arg;
    char term[AJ_MAX_WORD + 1], word[AJ_MAX_WORD + 1];
    memcpy(term, t->term, t->term_len + 1);
    memcpy(word, t->word, t->word_len + 1);
    aj_ctx c = {0};
    const char *x;
    size_t n;
    aj_analyzer_term(&c, th_analyzer(), "nationalities", 13, &x, &n);
    toks k;
    memset(&k, 0, sizeof k);
    aj_analyze(&c, th_analyzer(), "Running quickly everywhere", 26, 0, collect,
               &k);
    *ok &= strcmp(term, t->term) == 0 && strcmp(word, t->word) == 0;
    return 0;
}

Test(analyzer, reentrant_from_callback) {
    int ok = 1;
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "Exchanges abductions", 20, 0,
                            reenter, &ok),
                 AJ_OK);
    cr_assert(ok);
}

/* ---- invalid UTF-8, NUL, controls ------------------------------------- */

Test(analyzer, broken_sequence_keeps_next_letter) {
    char *s = exact_copy("\xE2\x82" "A", 3);
    toks k;
    run_n(&k, s, 3);
    cr_assert_eq(k.n, 1);
    cr_assert_str_eq(k.term[0], "a");
    cr_assert_eq(k.start[0], 2);
    cr_assert_eq(k.end[0], 3);
    free(s);
    cr_assert_str_eq(WORDS("ab\xE2\x82" "cd"), "ab cd");
    /* A truncated sequence before a valid é: the é survives. */
    cr_assert_str_eq(WORDS("\xC3\xC3\xA9t\xC3\xA9"), "ete");
}

Test(analyzer, truncated_sequence_at_end_is_safe) {
    static const char *cases[] = {"ab\xC3", "ab\xE2\x82", "ab\xF0\x9F\x98",
                                  "\xC3", "\xF0"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = strlen(cases[i]);
        char *s = exact_copy(cases[i], n);
        toks k;
        run_n(&k, s, n);
        if (n > 2 && cases[i][0] == 'a') {
            cr_assert_eq(k.n, 1);
            cr_assert_str_eq(k.word[0], "ab");
            cr_assert_eq(k.end[0], 2);
        } else {
            cr_assert_eq(k.n, 0);
        }
        free(s);
    }
}

Test(analyzer, each_kind_of_invalid_utf8_separates) {
    cr_assert_str_eq(WORDS("a\xFFz"), "a z");             /* bad lead */
    cr_assert_str_eq(WORDS("a\xF8\x88\x80\x80\x80z"), "a z");
    cr_assert_str_eq(WORDS("a\x80z"), "a z");             /* stray cont. */
    cr_assert_str_eq(WORDS("a\xE2\x82z"), "a z");         /* truncated */
    cr_assert_str_eq(WORDS("a\xC0\xAFz"), "a z");         /* overlong */
    cr_assert_str_eq(WORDS("a\xE0\x80\xAFz"), "a z");
    cr_assert_str_eq(WORDS("a\xED\xA0\x80z"), "a z");     /* surrogate */
    cr_assert_str_eq(WORDS("a\xF4\x90\x80\x80z"), "a z"); /* > U+10FFFF */
    /* U+FFFD itself, written out, separates too. */
    cr_assert_str_eq(WORDS("a\xEF\xBF\xBDz"), "a z");
}

Test(analyzer, invalid_bytes_inside_numbers_and_apostrophes) {
    cr_assert_str_eq(WORDS("1\x80" "000"), "1 000");
    cr_assert_str_eq(WORDS("1,\x80" "000"), "1 000");
    cr_assert_str_eq(WORDS("a'\xC3"), "a");
    cr_assert_str_eq(WORDS("a\xE2\x80s"), "a s"); /* a cut-off ’ */
}

Test(analyzer, nul_bytes_separate) {
    toks k;
    run_n(&k, "mari\0time", 9);
    cr_assert_eq(k.n, 2);
    cr_assert_str_eq(k.word[0], "mari");
    cr_assert_str_eq(k.word[1], "time");
    cr_assert_eq(k.start[1], 5);
    run_n(&k, "\0\0ab\0", 5);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.start[0], 2);
    cr_assert_eq(k.end[0], 4);
    run_n(&k, "3\0" "000", 5);
    cr_assert_eq(k.n, 2);
}

Test(analyzer, controls_symbols_emoji_separate) {
    cr_assert_str_eq(WORDS("a\tb\nc\x7f" "d€e😀f\xC2\xA0g"), "a b c d e f g");
    cr_assert_str_eq(WORDS("a\xE2\x80\x8Bz"), "a z"); /* zero-width space */
}

/* ---- long words -------------------------------------------------------- */

Test(analyzer, megabyte_run_is_one_cut_token) {
    size_t n = 1 << 20;
    char *s = malloc(n);
    memset(s, 'a', n);
    toks k;
    run_n(&k, s, n);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.word_len[0], AJ_MAX_WORD);
    cr_assert_eq(strspn(k.word[0], "a"), AJ_MAX_WORD);
    cr_assert_eq(k.start[0], 0);
    cr_assert_eq(k.end[0], n);
    free(s);
}

Test(analyzer, token_after_a_long_word) {
    char s[200];
    memset(s, 'B', 100);
    memcpy(s + 100, " xyz", 5);
    toks k;
    run(&k, s);
    cr_assert_eq(k.n, 2);
    cr_assert_eq(k.end[0], 100);
    cr_assert_eq(k.pos[1], 1);
    cr_assert_eq(k.start[1], 101);
    cr_assert_str_eq(k.word[1], "xyz");
}

Test(analyzer, cut_falls_on_code_point_boundary) {
    char s[256];
    size_t m = 0;
    for (int i = 0; i < 33; i++) m += (size_t)sprintf(s + m, "ж"); /* 2 B */
    toks k;
    run_n(&k, s, m);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.word_len[0], 64);
    cr_assert_eq(k.end[0], m);
    /* 3-byte letters: 21 fit (63 bytes); the 22nd does not, and the rest
     * of the run is skipped even where a 1-byte letter would fit. */
    m = 0;
    for (int i = 0; i < 22; i++) m += (size_t)sprintf(s + m, "中");
    m += (size_t)sprintf(s + m, "a");
    run_n(&k, s, m);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.word_len[0], 63);
    cr_assert_eq(k.end[0], m);
    uint32_t cp;
    size_t i = 0;
    while (i < k.word_len[0]) { /* still valid UTF-8 */
        i += aj_utf8_decode((const uint8_t *)k.word[0] + i,
                            k.word_len[0] - i, &cp);
        cr_assert_neq(cp, AJ_UTF8_REPLACEMENT);
    }
    cr_assert_eq(i, 63);
}

Test(analyzer, cut_drops_dangling_connector) {
    char s[128];
    memset(s, 'x', 63);
    memcpy(s + 63, "'s more", 8);
    toks k;
    run(&k, s);
    cr_assert_eq(k.n, 2);
    cr_assert_eq(k.word_len[0], 63, "the apostrophe alone would be kept");
    cr_assert_eq(k.end[0], 65);
    memset(s, '7', 63);
    memcpy(s + 63, ".5", 3);
    run(&k, s);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(k.word_len[0], 63);
    cr_assert_eq(k.end[0], 65);
}

Test(analyzer, long_number_is_cut_too) {
    char s[300];
    size_t m = 0;
    for (int i = 0; i < 40; i++) m += (size_t)sprintf(s + m, "1,000");
    toks k;
    run_n(&k, s, m); /* "1,0001,000...": only the last comma groups */
    cr_assert(k.n >= 1);
    for (int i = 0; i < k.n; i++) cr_assert_leq(k.word_len[i], AJ_MAX_WORD);
    cr_assert_eq(k.end[k.n - 1], m);
}

/* ---- callback control and arguments ------------------------------------ */

Test(analyzer, early_stop) {
    toks k;
    memset(&k, 0, sizeof k);
    k.stop_after = 2;
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a b c d", 7, 0, collect, &k),
                 AJ_OK);
    cr_assert_eq(k.n, 2);
    cr_assert_eq(c.err, AJ_OK);
    /* Stopping on the last token, which is emitted at the end of text. */
    memset(&k, 0, sizeof k);
    k.stop_after = 1;
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a", 1, 0, collect, &k), AJ_OK);
    cr_assert_eq(k.n, 1);
}

Test(analyzer, bad_arguments) {
    aj_ctx c = {0};
    toks k;
    memset(&k, 0, sizeof k);
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a", 1, 0, NULL, NULL),
                 AJ_EINVAL);
    cr_assert_str_neq(c.msg, "");
    aj_ctx c2 = {0};
    cr_assert_eq(aj_analyze(&c2, th_analyzer(), NULL, 3, 0, collect, &k),
                 AJ_EINVAL);
    aj_ctx c3 = {0};
    cr_assert_eq(aj_analyze(&c3, NULL, "a", 1, 0, collect, &k), AJ_EINVAL);
    cr_assert_eq(k.n, 0);
}

Test(analyzer, positions_must_fit_32_bits) {
    toks k;
    memset(&k, 0, sizeof k);
    aj_ctx c = {0};
    cr_assert_eq(aj_analyze(&c, th_analyzer(), "a", 1, UINT32_MAX, collect, &k),
                 AJ_OK);
    cr_assert_eq(k.pos[0], UINT32_MAX);
    memset(&k, 0, sizeof k);
    cr_assert_eq(
        aj_analyze(&c, th_analyzer(), "a b", 3, UINT32_MAX, collect, &k),
        AJ_ELIMIT);
    cr_assert_eq(k.n, 1, "the first token was delivered");
}

/* ---- aj_fold_word -------------------------------------------------------- */

Test(analyzer, fold_word_single_words) {
    char out[AJ_MAX_WORD + 1];
    size_t n;
    aj_ctx c = {0};
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "Cooperat", 8, out,
                              sizeof out, &n),
                 AJ_OK);
    cr_assert_str_eq(out, "cooperat");
    cr_assert_eq(n, 8);
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "  Phúc ", 8, out,
                              sizeof out, &n),
                 AJ_OK);
    cr_assert_str_eq(out, "phuc");
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "Japan’s", 9, out,
                              sizeof out, &n),
                 AJ_OK);
    cr_assert_str_eq(out, "japan's", "folded, not stemmed");
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "3,000", 5, out, sizeof out,
                              &n),
                 AJ_OK);
    cr_assert_str_eq(out, "3000");
}

Test(analyzer, fold_word_rejects_zero_or_many_words) {
    static const char *bad[] = {"a-b", "", "--", "COVID19", "a b", "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char out[AJ_MAX_WORD + 1] = "unchanged";
        size_t n = 99;
        aj_ctx c = {0};
        cr_assert_eq(aj_fold_word(&c, th_analyzer(), bad[i], strlen(bad[i]),
                                  out, sizeof out, &n),
                     AJ_EINVAL, "'%s'", bad[i]);
        cr_assert_str_neq(c.msg, "");
        cr_assert_str_eq(out, "unchanged");
        cr_assert_eq(n, 99);
    }
}

Test(analyzer, fold_word_buffer_capacity) {
    char out[6];
    size_t n;
    aj_ctx c = {0};
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), "HELLO", 5, out, 6, &n),
                 AJ_OK);
    cr_assert_str_eq(out, "hello");
    aj_ctx c2 = {0};
    cr_assert_eq(aj_fold_word(&c2, th_analyzer(), "HELLOS", 6, out, 6, &n),
                 AJ_EINVAL);
}

/* ---- fold.c ---------------------------------------------------------- */

/* Folds one code point; returns the count. */
static int fold1(uint32_t cp, uint32_t *out) {
    int n = aj_fold(cp, out);
    cr_assert(n >= 0 && n <= AJ_FOLD_MAX, "U+%04X: %d", cp, n);
    return n;
}

static void fold_is(uint32_t cp, const char *want) {
    uint32_t out[AJ_FOLD_MAX];
    int n = fold1(cp, out);
    char got[AJ_FOLD_MAX * 4 + 1];
    size_t m = 0;
    for (int i = 0; i < n; i++) m += aj_utf8_encode(out[i], got + m);
    got[m] = 0;
    cr_assert_str_eq(got, want, "U+%04X", cp);
}

Test(fold, ascii_fast_path_agrees_with_utf8proc) {
    for (uint32_t cp = 0; cp < 0x80; cp++) {
        uint32_t out[AJ_FOLD_MAX];
        utf8proc_int32_t ref[8];
        int bc = 0;
        utf8proc_ssize_t r = utf8proc_decompose_char(
            (utf8proc_int32_t)cp, ref, 8,
            UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                UTF8PROC_STRIPMARK,
            &bc);
        cr_assert_eq(fold1(cp, out), 1);
        cr_assert_eq(r, 1);
        cr_assert_eq(out[0], (uint32_t)ref[0], "U+%02X", cp);
        cr_assert_eq(aj_fold_class(cp),
                     cp >= '0' && cp <= '9'   ? AJ_FOLD_DIGIT
                     : (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z' ? AJ_FOLD_LETTER
                                                                 : AJ_FOLD_SEP);
    }
}

Test(fold, specific_code_points) {
    fold_is(0x1EC5, "e");     /* ễ */
    fold_is(0xDA, "u");       /* Ú */
    fold_is(0xDF, "ss");      /* ß */
    fold_is(0x1E9E, "ss");    /* ẞ */
    fold_is(0xFB01, "fi");    /* ﬁ */
    fold_is(0xFF21, "a");     /* Ａ */
    fold_is(0xB2, "2");       /* ² */
    fold_is(0x130, "i");      /* İ */
    fold_is(0x3392, "mhz");   /* ㎒ */
    fold_is(0x301, "");       /* combining acute */
    fold_is(0x2019, "’");     /* kept: the analyzer decides */
    fold_is(0xFF07, "'");
    fold_is(0xFFFD, "\xEF\xBF\xBD");
    fold_is(0x4E2D, "中");
}

Test(fold, letters_by_hand) {
    static const struct {
        uint32_t cp;
        const char *want;
    } t[] = {{0x110, "d"}, {0x111, "d"}, {0xD0, "d"},   {0xF0, "d"},
             {0xD8, "o"},  {0xF8, "o"},  {0x141, "l"},  {0x142, "l"},
             {0x131, "i"}, {0xC6, "ae"}, {0xE6, "ae"},  {0x152, "oe"},
             {0x153, "oe"}, {0xDE, "th"}, {0xFE, "th"}, {0x1FF, "o"},
             {0x1FD, "ae"}, {0x1D2D, "ae"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) fold_is(t[i].cp, t[i].want);
}

Test(fold, non_scalars_fold_to_replacement) {
    fold_is(0xD800, "\xEF\xBF\xBD");
    fold_is(0xDFFF, "\xEF\xBF\xBD");
    fold_is(0x110000, "\xEF\xBF\xBD");
    fold_is(0xFFFFFFFF, "\xEF\xBF\xBD");
}

/* Over every scalar value: the expansion fits AJ_FOLD_MAX, and folding
 * is idempotent (what it writes folds to itself), so a folded word
 * analyzed again stays the same word. */
Test(fold, all_code_points_bounded_and_idempotent) {
    int longest = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        uint32_t out[AJ_FOLD_MAX];
        int n = fold1(cp, out);
        if (n > longest) longest = n;
        for (int i = 0; i < n; i++) {
            uint32_t again[AJ_FOLD_MAX];
            int m = fold1(out[i], again);
            cr_assert(m == 1 && again[0] == out[i],
                      "U+%04X -> U+%04X, which folds again", cp, out[i]);
            cr_assert_neq(aj_fold_class(out[i]), AJ_FOLD_MARK,
                          "U+%04X leaves a mark", cp);
        }
    }
    cr_assert_eq(longest, AJ_FOLD_MAX, "AJ_FOLD_MAX is tight");
}

Test(fold, classes) {
    cr_assert_eq(aj_fold_class('a'), AJ_FOLD_LETTER);
    cr_assert_eq(aj_fold_class(0x1C5), AJ_FOLD_LETTER);  /* ǅ, Lt */
    cr_assert_eq(aj_fold_class(0x2B0), AJ_FOLD_LETTER);  /* ʰ, Lm */
    cr_assert_eq(aj_fold_class(0x4E2D), AJ_FOLD_LETTER); /* 中, Lo */
    cr_assert_eq(aj_fold_class(0x3B1), AJ_FOLD_LETTER);  /* α */
    cr_assert_eq(aj_fold_class('7'), AJ_FOLD_DIGIT);
    cr_assert_eq(aj_fold_class(0x663), AJ_FOLD_DIGIT);   /* ٣ */
    cr_assert_eq(aj_fold_class(0xB2), AJ_FOLD_SEP, "² is No until folded");
    cr_assert_eq(aj_fold_class(0x301), AJ_FOLD_MARK);
    cr_assert_eq(aj_fold_class(0x93E), AJ_FOLD_MARK);    /* Mc */
    cr_assert_eq(aj_fold_class(0x20DD), AJ_FOLD_MARK);   /* Me */
    cr_assert_eq(aj_fold_class(0), AJ_FOLD_SEP);
    cr_assert_eq(aj_fold_class(0xFFFD), AJ_FOLD_SEP);
    cr_assert_eq(aj_fold_class(0x2019), AJ_FOLD_SEP);
    cr_assert_eq(aj_fold_class(0x2010), AJ_FOLD_SEP);
    cr_assert_eq(aj_fold_class(0x1F600), AJ_FOLD_SEP);
    cr_assert_eq(aj_fold_class(0xE000), AJ_FOLD_SEP);    /* private use */
    cr_assert_eq(aj_fold_class(0x110000), AJ_FOLD_SEP);
}

/* ---- stem.c ----------------------------------------------------------- */

/* A few thousand distinct words: syllables, suffixes, some apostrophes,
 * some non-ASCII letters, a few longer than a cache slot. */
#define NWORDS 6000

#define WCAP 64 /* bytes per generated word, NUL included */

static char (*make_words(uint64_t seed))[WCAP] {
    static const char *syl[] = {"ab", "duc", "tion", "ex", "chang", "co",
                                "oper", "at", "na", "liz", "ing", "ful",
                                "ness", "ment", "re", "pro", "é", "ß", "y",
                                "e", "ies", "ly", "ous", "ive", "s"};
    static const char *sfx[] = {"", "s", "es", "ed", "ing", "ation", "ally",
                                "'s", "ness", "izer", "fulness", "ies"};
    char (*w)[WCAP] = calloc(NWORDS, sizeof *w);
    cr_assert_not_null(w);
    for (int i = 0; i < NWORDS; i++) {
        /* At most 9 syllables of <= 5 bytes, a suffix of <= 7 and a
         * 3-letter code: under WCAP.  Every 97th word has 9 syllables,
         * longer than a cache slot holds. */
        int nsyl = i % 97 == 0 ? 9 : 1 + (int)(th_rand(&seed) % 5);
        size_t m = 0;
        for (int j = 0; j < nsyl; j++)
            m += (size_t)snprintf(w[i] + m, WCAP - m, "%s",
                                  syl[th_rand(&seed) % 25]);
        m += (size_t)snprintf(w[i] + m, WCAP - m, "%s",
                              sfx[th_rand(&seed) % 12]);
        /* A code unique to i keeps the words distinct. */
        snprintf(w[i] + m, WCAP - m, "%c%c%c", 'a' + i % 26,
                 'a' + i / 26 % 26, 'a' + i / 676 % 26);
        cr_assert_lt(strlen(w[i]), WCAP - 1);
    }
    return w;
}

static void check_stem(aj_stemmer *st, struct sb_stemmer *sb, const char *w,
                       int cached) {
    size_t n = strlen(w), k;
    char out[AJ_MAX_WORD];
    aj_ctx c = {0};
    /* cached 2: through aj_stem_ahead and aj_stem_at */
    aj_err e = cached == 2 ? aj_stem_at(&c, st, w, n, aj_stem_ahead(st, w, n), out, sizeof out, &k)
               : cached    ? aj_stem(&c, st, w, n, out, sizeof out, &k)
                           : aj_stem_uncached(&c, st, w, n, out, sizeof out, &k);
    cr_assert_eq(e, AJ_OK, "%s", c.msg);
    /* The reference: libstemmer on the word's American spelling. */
    char us[AJ_MAX_WORD + 2];
    size_t m = n <= AJ_MAX_WORD ? aj_variant_us(w, n, us) : 0;
    const char *x = m ? us : w;
    size_t xn = m ? m : n;
    const sb_symbol *r = sb_stemmer_stem(sb, (const sb_symbol *)x, (int)xn);
    cr_assert_not_null(r);
    size_t rl = (size_t)sb_stemmer_length(sb);
    cr_assert(rl >= 1 && rl <= n, "'%s': Porter2 only shortens", w);
    cr_assert_eq(k, rl, "'%s': %zu bytes, libstemmer %zu", w, k, rl);
    cr_assert_eq(memcmp(out, r, k), 0, "'%s'", w);
}

Test(stem, cache_agrees_with_libstemmer) {
    aj_ctx c = {0};
    aj_stemmer *st;
    cr_assert_eq(aj_stemmer_new(&c, &st), AJ_OK);
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
    cr_assert_not_null(sb);
    char(*w)[WCAP] = make_words(7);
    /* 6000 words: the cache grows from 256 slots to 16384 while they
     * come (each growth moving the words it holds), and about a thousand
     * pairs share a slot in the end, so this replays hits, misses,
     * evictions and growths in a random order. */
    uint64_t s = 99;
    for (int i = 0; i < 60000; i++) {
        /* Half the draws from a small hot set, half from everything. */
        int j = (int)(th_rand(&s) % (i & 1 ? NWORDS : 300));
        check_stem(st, sb, w[j], 1 + (i % 3 == 0));
    }
    for (int j = 0; j < NWORDS; j++) check_stem(st, sb, w[j], 0);
    free(w);
    sb_stemmer_delete(sb);
    aj_stemmer_free(st);
}

/* aj_stem leaves words that Porter2 cannot change without calling it
 * (stem.c, porter2_keeps): checked against libstemmer on every word of
 * the word lists (lowercased, as the analyzer folds them) and on a
 * million random words made of Porter2's own suffixes, each followed by
 * any letter, so that every rule meets every last letter. */
Test(stem, words_porter2_keeps_are_kept, .timeout = 120) {
    aj_ctx c = {0};
    aj_stemmer *st;
    cr_assert_eq(aj_stemmer_new(&c, &st), AJ_OK);
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
    cr_assert_not_null(sb);
    static const char *lists[] = {"/usr/share/dict/american-english",
                                  "/usr/share/dict/british-english"};
    size_t nlisted = 0;
    for (int l = 0; l < 2; l++) {
        FILE *f = fopen(lists[l], "r");
        cr_assert_not_null(f, "%s (Debian wamerican, wbritish)", lists[l]);
        char line[256];
        while (fgets(line, sizeof line, f)) {
            size_t n = strcspn(line, "\n");
            line[n] = 0;
            for (size_t i = 0; i < n; i++)
                if (line[i] >= 'A' && line[i] <= 'Z') line[i] = (char)(line[i] - 'A' + 'a');
            if (n && n <= AJ_MAX_WORD) {
                check_stem(st, sb, line, 1);
                nlisted++;
            }
        }
        fclose(f);
    }
    cr_assert_gt(nlisted, 150000);
    static const char *sfx[] = {"s", "ss", "sses", "ied", "ies", "us", "eed", "eedly", "ed",
                                "edly", "ing", "ingly", "y", "tional", "enci", "anci", "abli",
                                "entli", "izer", "ization", "ational", "ation", "ator", "alism",
                                "aliti", "alli", "fulness", "ousli", "ousness", "iveness",
                                "iviti", "biliti", "bli", "ogi", "fulli", "lessli", "li",
                                "alize", "icate", "iciti", "ical", "ful", "ness", "ative", "al",
                                "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
                                "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
                                "sion", "tion", "e", "l", "ll", "at", "bl", "iz", "ski", "sky",
                                "y", "ey", "ay", "gener", "commun", "arsen"};
    size_t nsfx = sizeof sfx / sizeof *sfx, kept = 0;
    uint64_t seed = 2026;
    for (int i = 0; i < 1000000; i++) {
        char w[64];
        size_t n = 0, stem = th_rand(&seed) % 8;
        for (size_t k = 0; k < stem; k++) w[n++] = "aeiouybcdlmnrst"[th_rand(&seed) % 15];
        for (int k = (int)(th_rand(&seed) % 3); k > 0; k--) {
            const char *x = sfx[th_rand(&seed) % nsfx];
            memcpy(w + n, x, strlen(x));
            n += strlen(x);
        }
        if (th_rand(&seed) % 4) w[n++] = (char)('a' + th_rand(&seed) % 26);
        if (n == 0) continue;
        w[n] = 0;
        check_stem(st, sb, w, 1 + (i & 1));
        kept += n >= 3 && strchr("abfhjkopquvwxz", w[n - 1]) != NULL;
    }
    cr_assert_gt(kept, 200000, "words ending in a letter no rule removes: %zu", kept);
    sb_stemmer_delete(sb);
    aj_stemmer_free(st);
}

Test(stem, known_stems) {
    aj_ctx c = {0};
    aj_stemmer *st;
    cr_assert_eq(aj_stemmer_new(&c, &st), AJ_OK);
    static const char *pairs[][2] = {
        {"exchanges", "exchang"}, {"exchange", "exchang"},
        {"abductions", "abduct"}, {"abduction", "abduct"},
        {"japan's", "japan"},     {"cooperation", "cooper"},
        {"running", "run"},       {"a", "a"}};
    for (int round = 0; round < 2; round++) /* a miss, then a hit */
        for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
            char out[AJ_MAX_WORD];
            size_t k;
            cr_assert_eq(aj_stem(&c, st, pairs[i][0], strlen(pairs[i][0]), out,
                                 sizeof out, &k),
                         AJ_OK);
            cr_assert_eq(k, strlen(pairs[i][1]), "%s", pairs[i][0]);
            cr_assert_eq(memcmp(out, pairs[i][1], k), 0, "%s", pairs[i][0]);
        }
    aj_stemmer_free(st);
}

Test(stem, arguments_and_aliasing) {
    aj_ctx c = {0};
    aj_stemmer *st;
    cr_assert_eq(aj_stemmer_new(&c, &st), AJ_OK);
    char buf[16] = "exchanges";
    size_t k;
    /* out may be the word itself */
    cr_assert_eq(aj_stem(&c, st, buf, 9, buf, sizeof buf, &k), AJ_OK);
    cr_assert_eq(k, 7);
    cr_assert_eq(memcmp(buf, "exchang", 7), 0);
    cr_assert_eq(aj_stem(&c, st, "", 0, buf, sizeof buf, &k), AJ_OK);
    cr_assert_eq(k, 0);
    cr_assert_eq(aj_stem(&c, st, "exchanges", 9, buf, 4, &k), AJ_EINVAL);
    aj_stemmer_free(st);
    aj_stemmer_free(NULL);
}

/* ---- properties over random bytes ------------------------------------- */

typedef struct {
    size_t len;
    uint64_t next_pos;
    uint32_t last_start;
    int ntok;
} inv_state;

static int check_invariants(void *arg, const aj_token *t) {
    inv_state *st = arg;
    cr_assert_lt(t->start, t->end);
    cr_assert_leq(t->end, st->len);
    cr_assert_eq(t->pos, st->next_pos, "positions are consecutive");
    cr_assert_geq(t->start, st->last_start, "starts never go back");
    cr_assert(t->term_len > 0 && t->term_len <= AJ_MAX_WORD);
    cr_assert(t->word_len > 0 && t->word_len <= AJ_MAX_WORD);
    /* The word is a fixed point: folding it again gives it back, and its
     * term is what aj_analyzer_term makes of it. */
    char again[AJ_MAX_WORD + 1];
    size_t n;
    aj_ctx c = {0};
    cr_assert_eq(aj_fold_word(&c, th_analyzer(), t->word, t->word_len, again,
                              sizeof again, &n),
                 AJ_OK, "'%s': %s", t->word, c.msg);
    cr_assert_eq(n, t->word_len, "'%s' -> '%s'", t->word, again);
    cr_assert_eq(memcmp(again, t->word, n), 0);
    const char *term;
    cr_assert_eq(aj_analyzer_term(&c, th_analyzer(), t->word, t->word_len,
                                  &term, &n),
                 AJ_OK);
    cr_assert_eq(n, t->term_len);
    cr_assert_eq(memcmp(term, t->term, n), 0);
    st->next_pos = (uint64_t)t->pos + 1;
    st->last_start = t->start;
    st->ntok++;
    return 0;
}

Test(property, random_bytes_keep_invariants) {
    static const char *frag[] = {
        "\xC3\xA9", "\xE2\x80\x99", "\xE1\xBB\x85", "\xF0\x9F\x98\x80",
        "\xF0\x9F\x98", "\xED\xA0", "\xE2\x82", "\xC3", "\x80", "\xCC\x81",
        "\xEF\xBC\xA1", "\xEF\xAC\x81", "\xC3\x9F", "\xE3\x8F\xA0", "-", "'",
        ".", ",", "0", "7", "A", "z", " ", "ʼ", "²", "ж", "中"};
    const size_t nfrag = sizeof frag / sizeof *frag;
    uint64_t seed = 20240611;
    int total = 0;
    for (int round = 0; round < 4000; round++) {
        char buf[400];
        size_t n = 0, target = (size_t)(th_rand(&seed) % 301);
        while (n < target) {
            uint64_t r = th_rand(&seed);
            if (r % 3 == 0) {
                buf[n++] = (char)(r >> 8); /* any byte, NUL included */
            } else if (r % 3 == 1) {
                buf[n++] = (char)('a' + (r >> 8) % 26);
            } else {
                const char *f = frag[(r >> 8) % nfrag];
                size_t k = strlen(f);
                if (n + k > target) break;
                memcpy(buf + n, f, k);
                n += k;
            }
        }
        char *s = exact_copy(buf, n);
        uint32_t base = (uint32_t)(th_rand(&seed) % 1000);
        inv_state st = {n, base, 0, 0};
        aj_ctx c = {0};
        cr_assert_eq(aj_analyze(&c, th_analyzer(), s, n, base,
                                check_invariants, &st),
                     AJ_OK, "%s", c.msg);
        total += st.ntok;
        free(s);
    }
    cr_assert_gt(total, 10000, "the inputs do make tokens");
}

/* Inputs built to defeat a careless look-ahead: if the analyzer were
 * quadratic these would take hours; linear, they take milliseconds. */
Test(property, adversarial_inputs_stay_linear) {
    size_t n = 3 << 20;
    char *s = malloc(n);
    static const char *unit[] = {"1,", "a'", "1.", "\xCC\x81", "a\xCC\x81'",
                                 "1,00"};
    for (size_t u = 0; u < sizeof unit / sizeof *unit; u++) {
        size_t k = strlen(unit[u]);
        for (size_t i = 0; i < n; i++) s[i] = unit[u][i % k];
        clock_t t0 = clock();
        toks tk;
        memset(&tk, 0, sizeof tk);
        aj_ctx c = {0};
        cr_assert_eq(aj_analyze(&c, th_analyzer(), s, n, 0, collect, &tk),
                     AJ_OK);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        cr_assert_lt(secs, 20.0, "unit %zu took %.1f s", u, secs);
    }
    /* An apostrophe followed by a long run of marks, then a letter. */
    size_t m = 0;
    memcpy(s, "a'", 2);
    for (m = 2; m + 3 <= n; m += 2) memcpy(s + m, "\xCC\x81", 2);
    s[m++] = 'b';
    toks tk;
    run_n(&tk, s, m);
    cr_assert_eq(tk.n, 1);
    cr_assert_eq(tk.end[0], m);
    cr_assert_str_eq(tk.word[0], "a'b");
    free(s);
}
