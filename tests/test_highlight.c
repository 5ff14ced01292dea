/* test_highlight.c - aj_search_highlight: which clauses are highlighted,
 * and its cost for queries with many clauses (found while fuzzing).
 * The tests sit in the query suite: one more suite makes libcriterion
 * (2.4) leak 48 bytes at exit, which fails the sanitizer pass. */
#include "helpers.h"

#include <time.h>

#include "ajsearch.h"

typedef th_search fixture;

static fixture open_fixture(void) {
    return th_search_open("Maritime security in the South China Sea.\n\n"
                          "Trade and maritime law.\n");
}

static void close_fixture(fixture *f) { th_search_close(f); }

static void run(fixture *f, const char *q) {
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "%s", c.msg);
}

Test(query, highlight_skips_negated_clauses) {
    fixture f = open_fixture();
    const char *text = "Maritime security in the South China Sea.";
    aj_span sp[8];
    run(&f, "maritime -(china OR trade) NOT law");
    size_t n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 0);
    cr_assert_eq(sp[0].end, 8);
    run(&f, "(security OR sea) -china");
    n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 2, "security and sea, not china: %zu", n);
    close_fixture(&f);
}

/* Each token used to look up, for every clause, whether a NOT was above
 * it by walking the tree again: quadratic in the clauses for each token
 * (31 s for 1000 clauses on a 60,000-word paragraph). */
Test(query, highlight_many_clauses_linear_time, .timeout = 60) {
    fixture f = open_fixture();
    size_t qcap = 16384, qn = 0;
    char *q = malloc(qcap);
    qn += (size_t)snprintf(q, qcap, "maritime");
    for (int i = 0; i < 1000; i++) {
        /* letter-only words: each is one clause */
        qn += (size_t)snprintf(q + qn, qcap - qn, " OR zq%c%c%c",
                               'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
    }
    run(&f, q);
    size_t tn = 0, tcap = 40000 * 9;
    char *text = malloc(tcap);
    for (int i = 0; i < 40000; i++)
        tn += (size_t)snprintf(text + tn, tcap - tn, "%s ",
                               i % 7 ? "harbour" : "maritime");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n = aj_search_highlight(f.s, text, tn, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_eq(n, 40000 / 7 + 1);
    cr_assert_lt(secs, 5.0, "highlighting took %.2f s", secs);
    free(text);
    free(q);
    close_fixture(&f);
}

Test(query, highlight_near_items_and_fuzzy_matches) {
    fixture f = open_fixture();
    const char *text = "Maritime security in the South China Sea.";
    aj_span sp[8];
    run(&f, "NEAR(maritime \"china sea\", 5)");
    size_t n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 3, "maritime, china, sea: %zu", n);
    run(&f, "securty~1 OR trade");
    n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 9);
    cr_assert_eq(sp[0].end, 17);
    run(&f, "law -securty~1");
    n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 0, "a negated fuzzy word is not highlighted");
    close_fixture(&f);
}
