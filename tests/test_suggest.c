/* test_suggest.c - missing words and "did you mean" over a small built
 * index (the rule is in src/query/suggest.h): which words are missing, which get
 * a proposal, which proposals are automatic, what aj_search runs in each
 * correction mode, and that the rest of the query's bytes stay as written.
 * In the query suite (see test_highlight.c). */
#include "helpers.h"

#include "ajsearch.h"

typedef th_search fixture;

static void add(char *buf, size_t cap, const char *para, int times) {
    for (int i = 0; i < times; i++) {
        strncat(buf, para, cap - strlen(buf) - 1);
        strncat(buf, "\n\n", cap - strlen(buf) - 1);
    }
}

static fixture open_fixture(void) {
    static char text[32768];
    text[0] = 0;
    add(text, sizeof text, "Maritime security cooperation.", 12);
    add(text, sizeof text, "The maritima of old.", 1);     /* rare, close to maritime */
    add(text, sizeof text, "Climate change.", 2);
    add(text, sizeof text, "A charge was laid.", 5);       /* 2 edits from chnage */
    add(text, sizeof text, "A cart.", 2);
    add(text, sizeof text, "A card.", 2);
    add(text, sizeof text, "A bolt.", 1);
    add(text, sizeof text, "A boat.", 3);
    add(text, sizeof text, "Year 2024.", 1);
    /* real words the corpus lacks are one or two edits from these */
    add(text, sizeof text, "Several actions were taken.", 3); /* sanctions */
    add(text, sizeof text, "Prices are rising.", 2);          /* fishing */
    add(text, sizeof text, "A long meeting.", 4);             /* LNG, testing */
    add(text, sizeof text, "A harbour and a cage.", 2);       /* labour, cafe */
    /* found through expansion only */
    add(text, sizeof text, "Peacekeeping operations.", 2);
    add(text, sizeof text, "The Mekong river.", 2);
    /* acronyms and names */
    add(text, sizeof text, "The ASEAN summit.", 5);
    add(text, sizeof text, "The Philippines and the Philippine Sea.", 3);
    /* long words */
    add(text, sizeof text, "Quality infrastructure.", 2);
    add(text, sizeof text, "A decision was made.", 2);
    /* made-up words with rivals one edit apart: two equally frequent,
     * and one clearly more frequent than the other */
    add(text, sizeof text, "Quamba.", 3);
    add(text, sizeof text, "Quambo.", 3);
    add(text, sizeof text, "Vostri.", 9);
    add(text, sizeof text, "Vostru.", 1);
    return th_search_open(text);
}

static void close_fixture(fixture *f) { th_search_close(f); }

/* want NULL: no suggestion.  automatic: expected flag of every fix (-1:
 * do not check). */
static void suggests(fixture *f, const char *q, const char *want, int automatic) {
    aj_ctx c = {0};
    aj_suggestion *sg;
    cr_assert_eq(aj_suggest(&c, f->s, q, strlen(q), &sg), AJ_OK, "'%s': %s", q, c.msg);
    if (!want) {
        cr_assert_null(sg, "'%s' got '%s'", q, sg ? sg->query : "");
        return;
    }
    cr_assert_not_null(sg, "'%s': no suggestion, want '%s'", q, want);
    cr_assert_str_eq(sg->query, want, "'%s'", q);
    cr_assert_eq(sg->query_len, strlen(want));
    for (size_t i = 0; automatic >= 0 && i < sg->nfixes; i++)
        cr_assert_eq(sg->fixes[i].automatic, automatic, "'%s': fix %zu (%s) automatic %d",
                     q, i, sg->fixes[i].word, sg->fixes[i].automatic);
    aj_suggestion_free(sg);
}

Test(query, suggest_only_for_missing_misspellings) {
    fixture f = open_fixture();
    suggests(&f, "maritine security", "maritime security", 1);
    suggests(&f, "maritime security", NULL, 0);
    suggests(&f, "climate chnage", "climate change", 1); /* 1 edit beats a commoner 2 */
    suggests(&f, "boxt", "boat", 0);                     /* more paragraphs; short */
    suggests(&f, "carx", "card", 0);                     /* equal df: byte order */
    suggests(&f, "maritima", NULL, 0);                   /* found as written, however rare */
    suggests(&f, "2025", NULL, 0);                       /* numbers stay */
    suggests(&f, "boat~1 cooperat* \"maritine security\"", NULL, 0);
    suggests(&f, "ab", NULL, 0);                         /* too short to guess */
    close_fixture(&f);
}

Test(query, suggest_never_replaces_real_words) {
    fixture f = open_fixture();
    /* Each is an English word one or two edits from a word of the corpus:
     * proposed only when close (9 letters, 2 edits), never automatic. */
    suggests(&f, "sanctions", "actions", 0);
    suggests(&f, "testing", NULL, 0);
    suggests(&f, "fishing", NULL, 0);
    suggests(&f, "near", NULL, 0);
    suggests(&f, "rare earths", NULL, 0);
    /* inflected forms and British spellings are words too */
    suggests(&f, "sanctioned", NULL, 0);
    suggests(&f, "labour", NULL, 0);                    /* harbour, 2 edits */
    /* diacritics fold away before the look-up */
    suggests(&f, "café", NULL, 0);                      /* cage, 1 edit */
    suggests(&f, "CAFÉ", NULL, 0);
    /* a misspelling with an accent is still a misspelling */
    suggests(&f, "mâritme", "maritime", 1);
    close_fixture(&f);
}

Test(query, suggest_acronyms_and_short_words) {
    fixture f = open_fixture();
    suggests(&f, "LNG", NULL, 0);          /* LONG is one edit away, but short */
    suggests(&f, "ASAEN", "ASEAN", 0);     /* close, yet typed on purpose */
    suggests(&f, "ASAEN summit", "ASEAN summit", 0);
    suggests(&f, "Asaen", "Asean", 1);     /* not in capitals: a misspelling */
    suggests(&f, "boxt", "boat", 0);       /* 4 letters: a different short word */
    close_fixture(&f);
}

Test(query, suggest_long_and_ambiguous_words) {
    fixture f = open_fixture();
    suggests(&f, "Phillipines", "Philippines", 1);    /* 11 letters, 2 edits */
    suggests(&f, "infrastucture", "infrastructure", 1);
    suggests(&f, "desicion", "decision", 1);          /* 8 letters, 2 edits */
    suggests(&f, "quambe", "quamba", 0);              /* quambo as frequent */
    suggests(&f, "vostre", "vostri", 1);              /* 9 paragraphs against 1 */
    close_fixture(&f);
}

Test(query, suggest_skips_words_found_by_expansion) {
    fixture f = open_fixture();
    suggests(&f, "peace keeping", NULL, 0);  /* glued: peacekeeping */
    suggests(&f, "Mê Kông", NULL, 0);        /* glued: mekong */
    suggests(&f, "peace keepng", NULL, 0);   /* nothing glues; peace is a word */
    suggests(&f, "peacekeepng", "peacekeeping", 1);
    close_fixture(&f);
}

Test(query, suggest_several_words) {
    fixture f = open_fixture();
    /* two misspellings */
    suggests(&f, "maritme secuirty", "maritime security", 1);
    /* a real word and a misspelling: both proposed, only the
     * misspelling's fix automatic */
    aj_ctx c = {0};
    aj_suggestion *sg;
    const char *q = "sanctions maritme";
    cr_assert_eq(aj_suggest(&c, f.s, q, strlen(q), &sg), AJ_OK);
    cr_assert_str_eq(sg->query, "actions maritime");
    cr_assert_eq(sg->nfixes, 2);
    cr_assert_eq(sg->fixes[0].pos, 0);
    cr_assert(!sg->fixes[0].automatic);
    cr_assert_eq(sg->fixes[1].pos, 10);
    cr_assert(sg->fixes[1].automatic);
    aj_suggestion_free(sg);
    /* a real word whose proposal is not close, beside a misspelling */
    suggests(&f, "testing maritme", "testing maritime", 1);
    close_fixture(&f);
}

Test(query, suggest_keeps_every_other_byte) {
    fixture f = open_fixture();
    suggests(&f, "(Maritine OR  \"maritine\")  -SECURTY,",
             "(Maritime OR  \"maritine\")  -SECURITY,", -1);
    suggests(&f, "NEAR(maritine security, 3)", "NEAR(maritime security, 3)", 1);
    aj_ctx c = {0};
    aj_suggestion *sg;
    const char *q = "x maritine chnage";
    cr_assert_eq(aj_suggest(&c, f.s, q, strlen(q), &sg), AJ_OK);
    cr_assert_eq(sg->nfixes, 2);
    cr_assert_eq(sg->fixes[0].pos, 2);
    cr_assert_eq(sg->fixes[0].len, 8);
    cr_assert_str_eq(sg->fixes[0].original, "maritine");
    cr_assert_str_eq(sg->fixes[0].word, "maritime");
    cr_assert_eq(sg->fixes[0].edits, 1);
    cr_assert_eq(sg->fixes[0].df_original, 0);
    cr_assert_eq(sg->fixes[0].df_word, 12);
    cr_assert_eq(sg->fixes[1].pos, 11);
    cr_assert_str_eq(sg->fixes[1].word, "change");
    aj_suggestion_free(sg);
    cr_assert_eq(aj_suggest(&c, f.s, "(maritine", 9, &sg), AJ_ESYNTAX);
    cr_assert_eq(c.pos, 0);
    close_fixture(&f);
}

/* ---- what aj_search runs ---- */

static const aj_results *search(fixture *f, const char *q, aj_correct_mode mode,
                                uint32_t offset, uint32_t limit) {
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.correct = mode;
    o.offset = offset;
    o.limit = limit;
    aj_ctx c = {0};
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "'%s': %s", q, c.msg);
    return r;
}

static void missing_is(const aj_results *r, const char *q, const char *want) {
    char got[256] = "";
    for (size_t i = 0; i < r->nmissing; i++) {
        if (i) strcat(got, ",");
        strncat(got, q + r->missing[i].pos, r->missing[i].len);
    }
    cr_assert_str_eq(got, want, "'%s': missing '%s', want '%s'", q, got, want);
}

Test(query, search_runs_close_corrections_of_misspellings) {
    fixture f = open_fixture();
    const char *q = "maritme secuirty";
    const aj_results *r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(r->corrected);
    cr_assert_str_eq(r->query, "maritime security");
    cr_assert_eq(r->query_len, strlen("maritime security"));
    cr_assert_eq(r->total, 12);
    cr_assert_eq(r->nhits, 10);
    missing_is(r, q, "maritme,secuirty");
    cr_assert_str_eq(r->suggestion->query, "maritime security");
    /* The decision is the query's, not the page's: with no hit asked
     * for, or a page past the end, the same query runs. */
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 0);
    cr_assert(r->corrected && r->total == 12 && r->nhits == 0);
    r = search(&f, q, AJ_CORRECT_AUTO, 100, 10);
    cr_assert(r->corrected && r->total == 12 && r->nhits == 0);
    /* Propose: the query as written runs, the proposal is given. */
    r = search(&f, q, AJ_CORRECT_PROPOSE, 0, 10);
    cr_assert(!r->corrected && r->total == 0 && r->nhits == 0);
    cr_assert_eq(r->query, q);
    cr_assert_str_eq(r->suggestion->query, "maritime security");
    missing_is(r, q, "maritme,secuirty");
    /* Off: no proposal, the missing words are still listed. */
    r = search(&f, q, AJ_CORRECT_OFF, 0, 10);
    cr_assert(!r->corrected && !r->suggestion);
    missing_is(r, q, "maritme,secuirty");
    close_fixture(&f);
}

Test(query, search_never_replaces_real_words) {
    fixture f = open_fixture();
    const char *real[] = {"sanctions", "testing", "fishing", "near", "LNG", "labour"};
    for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
        const aj_results *r = search(&f, real[i], AJ_CORRECT_AUTO, 0, 10);
        cr_assert(!r->corrected && r->total == 0 && r->nhits == 0, "'%s' replaced", real[i]);
        /* only sanctions has a close proposal (actions); it is not run */
        if (i == 0) cr_assert_str_eq(r->suggestion->query, "actions");
        else cr_assert_null(r->suggestion, "'%s' got a proposal", real[i]);
        missing_is(r, real[i], real[i]);
    }
    /* A query that matches is never replaced, even with a misspelling. */
    const char *q = "maritme OR security";
    const aj_results *r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(!r->corrected && r->total == 12);
    cr_assert_str_eq(r->suggestion->query, "maritime OR security");
    /* A real word beside a misspelling: nothing runs in place of it. */
    q = "sanctions maritme";
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(!r->corrected && r->total == 0);
    missing_is(r, q, "sanctions,maritme");
    cr_assert_str_eq(r->suggestion->query, "actions maritime");
    /* Nor beside an acronym with a proposal. */
    q = "ASAEN maritme";
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(!r->corrected);
    cr_assert_str_eq(r->suggestion->query, "ASEAN maritime");
    close_fixture(&f);
}

Test(query, search_missing_words_once_and_not_found_ones) {
    fixture f = open_fixture();
    const char *q = "sanctions OR sanctions OR maritime OR \"rare earths\" OR 2031";
    const aj_results *r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    /* phrases and numbers are not words to spell */
    missing_is(r, q, "sanctions");
    cr_assert(!r->corrected && r->total == 12);
    r = search(&f, "peace keeping", AJ_CORRECT_AUTO, 0, 10);
    cr_assert(r->nmissing == 0 && !r->suggestion && r->total == 2);
    r = search(&f, "Mê Kông", AJ_CORRECT_AUTO, 0, 10);
    cr_assert(r->nmissing == 0 && !r->suggestion && r->total == 2);
    r = search(&f, "maritime security", AJ_CORRECT_AUTO, 0, 10);
    cr_assert(r->nmissing == 0 && !r->suggestion && !r->corrected && r->clauses == 2);
    r = search(&f, "maritime", AJ_CORRECT_AUTO, 0, 10);
    cr_assert_eq(r->clauses, 1);
    r = search(&f, "maritime OR security", AJ_CORRECT_AUTO, 0, 10);
    cr_assert_eq(r->clauses, 1);
    /* An excluded real word that nothing holds excludes nothing, as
     * meant: not missing.  An excluded misspelling is, and gets a
     * proposal, but never runs in place of what was written. */
    q = "maritime -sanctions NOT cafes";
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(r->nmissing == 0 && !r->suggestion && !r->corrected && r->total == 12, "%s", q);
    q = "maritime NOT secuirty";
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    missing_is(r, q, "secuirty");
    cr_assert(!r->corrected && r->total == 12 && r->suggestion, "%s", q);
    q = "maritme -security";
    r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    missing_is(r, q, "maritme");
    cr_assert(r->corrected && r->total == 0);
    close_fixture(&f);
}

Test(query, suggest_scans_at_most_32_words) {
    fixture f = open_fixture();
    char q[1024] = "";
    for (int i = 0; i < 40; i++) strcat(q, i ? " OR maritme" : "maritme");
    aj_ctx c = {0};
    aj_suggestion *sg;
    cr_assert_eq(aj_suggest(&c, f.s, q, strlen(q), &sg), AJ_OK);
    cr_assert_eq(sg->nfixes, 32);
    aj_suggestion_free(sg);
    /* Words without a proposal: nothing runs in place of the query. */
    const aj_results *r = search(&f, q, AJ_CORRECT_AUTO, 0, 10);
    cr_assert(!r->corrected && r->total == 0 && r->nmissing == 1);
    /* Short real words and short words cost no scan. */
    char q2[1024] = "";
    for (int i = 0; i < 40; i++) strcat(q2, "near ab ");
    strcat(q2, "maritme");
    cr_assert_eq(aj_suggest(&c, f.s, q2, strlen(q2), &sg), AJ_OK);
    cr_assert_eq(sg->nfixes, 1);
    aj_suggestion_free(sg);
    close_fixture(&f);
}
