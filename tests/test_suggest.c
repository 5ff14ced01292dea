/* test_suggest.c - "did you mean" over a small built index: which words
 * are corrected, which proposal wins, and that the rest of the query's
 * bytes stay as written.  In the query suite (see test_highlight.c). */
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
    static char text[16384];
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
    return th_search_open(text);
}

static void close_fixture(fixture *f) { th_search_close(f); }

/* want NULL: no suggestion. */
static void suggests(fixture *f, const char *q, const char *want) {
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
    aj_suggestion_free(sg);
}

Test(query, suggest_corrects_unknown_words_only) {
    fixture f = open_fixture();
    suggests(&f, "maritine security", "maritime security");
    suggests(&f, "maritime security", NULL);
    suggests(&f, "climate chnage", "climate change"); /* 1 edit beats a commoner 2 */
    suggests(&f, "carx", "card");                    /* equal df: byte order */
    suggests(&f, "boxt", "boat");                    /* more paragraphs */
    suggests(&f, "maritima", "maritime");            /* rare, and 12 >= 10 x 1 */
    suggests(&f, "2025", NULL);                      /* numbers stay */
    suggests(&f, "boat~1 cooperat* \"maritine security\"", NULL);
    suggests(&f, "ab", NULL);                        /* too short to guess */
    close_fixture(&f);
}

Test(query, suggest_keeps_every_other_byte) {
    fixture f = open_fixture();
    suggests(&f, "(Maritine OR  \"maritine\")  -SECURTY,",
             "(Maritime OR  \"maritine\")  -SECURITY,");
    suggests(&f, "NEAR(maritine security, 3)", "NEAR(maritime security, 3)");
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
