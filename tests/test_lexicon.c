/* test_lexicon.c - the compiled English word table: the words it must
 * know (both spellings, inflections, folded diacritics, possessives),
 * the strings it must not, and the layout itself (every stored word is
 * found, in strictly increasing order, blocks as lexicon.h says). */
#include "helpers.h"

#include "analysis/lexicon.h"

static int has(const char *w) { return aj_lexicon_has(w, strlen(w)); }

/* The folded word the analyzer makes of text (one token). */
static int has_text(const char *text) {
    aj_ctx c = {0};
    aj_analyzer *an;
    cr_assert_eq(aj_analyzer_new(&c, &an), AJ_OK);
    char word[AJ_MAX_WORD + 1];
    size_t n;
    cr_assert_eq(aj_fold_word(&c, an, text, strlen(text), word, sizeof word, &n), AJ_OK,
                 "%s", text);
    aj_analyzer_free(an);
    return aj_lexicon_has(word, n);
}

Test(lexicon, knows_real_words_in_both_spellings) {
    const char *yes[] = {
        /* the words the issue saw replaced */
        "sanctions", "testing", "fishing", "near", "rare", "earths",
        /* inflections */
        "sanctioned", "sanctioning", "meetings", "rising", "earthier",
        /* American and British */
        "organization", "organisation", "color", "colour", "defense", "defence",
        "traveled", "travelled", "labor", "labour", "harbour", "center", "centre",
        /* proper nouns and acronyms the lists hold */
        "philippines", "mekong", "japan", "covid",
        /* contractions keep their apostrophe */
        "can't", "o'clock",
        /* single letters are words of the lists too */
        "a", "i"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        cr_assert(has(yes[i]), "'%s' should be a word", yes[i]);
}

Test(lexicon, rejects_misspellings_and_junk) {
    const char *no[] = {"maritme", "secuirty", "phillipines", "terorism", "chnage",
                        "lng", "asean", "zzzz", "sanction's'", "japan'", "'s",
                        "maritime ", " maritime", "Maritime" /* not folded */};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert(!has(no[i]), "'%s' should not be a word", no[i]);
    cr_assert(!aj_lexicon_has("", 0));
    cr_assert(!aj_lexicon_has("maritime", 0));
    char longw[AJ_MAX_WORD + 2];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    cr_assert(!has(longw), "a word longer than AJ_MAX_WORD");
    /* A prefix or an extension of a word is not that word. */
    cr_assert(has("abandon") && !has("abando") && !has("abandonx"));
}

Test(lexicon, possessives_and_folding) {
    cr_assert(has("japan's") && has("sanctions's") && has("philippines's"));
    cr_assert(!has("maritme's"));
    /* Stored as the analyzer folds: case and diacritics go. */
    cr_assert(has("cafe") && has("bogota") && has("angstrom") && has("dusseldorf"));
    cr_assert(has_text("Café") && has_text("CAFÉ") && has_text("Bogotá"));
    cr_assert(has_text("Ångström") && has_text("Düsseldorf"));
    cr_assert(has_text("Japan\xE2\x80\x99s")); /* typographic apostrophe */
    cr_assert(!has_text("Mâritme"));
}

/* Decodes the table as lexicon.h describes it and checks every word:
 * strictly increasing, found by the look-up, and as many as announced. */
Test(lexicon, layout_round_trip) {
    uint32_t nb = aj_lexicon_nblocks, n = 0;
    cr_assert_gt(aj_lexicon_size(), 50000);
    cr_assert_eq(nb, (aj_lexicon_size() + AJ_LEXICON_BLOCK - 1) / AJ_LEXICON_BLOCK);
    char prev[AJ_MAX_WORD + 1] = "", cur[AJ_MAX_WORD + 1];
    for (uint32_t b = 0; b < nb; b++) {
        const char *p = aj_lexicon_bytes + aj_lexicon_block_off[b];
        const char *end = aj_lexicon_bytes + aj_lexicon_block_off[b + 1];
        cr_assert_lt(aj_lexicon_block_off[b], aj_lexicon_block_off[b + 1]);
        size_t len = strlen(p);
        memcpy(cur, p, len + 1);
        p += len + 1;
        for (uint32_t k = 0;; k++) {
            cr_assert(len > 0 && len <= AJ_MAX_WORD);
            cr_assert(strcmp(prev, cur) < 0, "'%s' after '%s'", cur, prev);
            cr_assert(aj_lexicon_has(cur, len), "stored '%s' not found", cur);
            n++;
            memcpy(prev, cur, len + 1);
            if (p == end) {
                cr_assert(k + 1 == AJ_LEXICON_BLOCK || b + 1 == nb, "short block %u", b);
                break;
            }
            size_t shared = (unsigned char)*p++, rest = strlen(p);
            cr_assert_leq(shared, len);
            memcpy(cur + shared, p, rest + 1);
            len = shared + rest;
            p += rest + 1;
        }
    }
    cr_assert_eq(n, aj_lexicon_size());
    /* Before the first word and after the last. */
    cr_assert(!has("\x01") && !has("\xff\xff"));
}

/* Look-ups cost a binary search: a million of them well under a second
 * even with the sanitizers. */
Test(lexicon, lookups_are_cheap) {
    static const char *const w[] = {"sanctions", "maritme", "organisation", "zzzz"};
    int found = 0;
    for (int i = 0; i < 1000000; i++) found += has(w[i & 3]);
    cr_assert_eq(found, 500000);
}
