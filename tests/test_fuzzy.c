/* test_fuzzy.c - OSA edit distance against a plain full-table version,
 * the length rule, and the dictionary scan against a pass over every word.
 * In the query suite: one more suite makes libcriterion (2.4) leak at
 * exit, which fails the sanitizer pass (see test_highlight.c). */
#include "helpers.h"

#include "ajsearch.h"
#include "query/fuzzy.h"
#include "index/index.h"

/* The textbook OSA recurrence over the whole table, no cut-off. */
static int naive_osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
    int d[AJ_MAX_WORD + 1][AJ_MAX_WORD + 1];
    for (size_t i = 0; i <= na; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[na][nb];
}

static int dist(const char *a, const char *b, int k) {
    uint32_t x[AJ_MAX_WORD], y[AJ_MAX_WORD];
    size_t nx = aj_fuzzy_decode(a, strlen(a), x, AJ_MAX_WORD);
    size_t ny = aj_fuzzy_decode(b, strlen(b), y, AJ_MAX_WORD);
    return aj_fuzzy_distance(x, nx, y, ny, k);
}

Test(query, fuzzy_known_distances) {
    cr_assert_eq(dist("maritime", "maritime", 2), 0);
    cr_assert_eq(dist("maritine", "maritime", 2), 1);
    cr_assert_eq(dist("chnage", "change", 2), 1, "a transposition is one edit");
    cr_assert_eq(dist("citeis", "cities", 2), 1);
    cr_assert_eq(dist("terorism", "terrorism", 2), 1);
    cr_assert_eq(dist("phillipines", "philippines", 2), 2);
    cr_assert_eq(dist("ca", "abc", 5), 3, "OSA edits no substring twice");
    cr_assert_eq(dist("", "abc", 5), 3);
    cr_assert_eq(dist("abc", "", 5), 3);
    cr_assert_eq(dist("nguyễn", "nguyen", 2), 1, "code points, not bytes");
    /* Beyond k the answer is k + 1, however far. */
    cr_assert_eq(dist("security", "maritime", 2), 3);
    cr_assert_eq(dist("a", "abcdefgh", 1), 2);
}

Test(query, fuzzy_matches_full_table) {
    uint64_t seed = 42;
    for (int round = 0; round < 20000; round++) {
        uint32_t a[12], b[12];
        size_t na = th_rand(&seed) % 9, nb = th_rand(&seed) % 9;
        /* A small alphabet, so that transpositions and repeats are common. */
        for (size_t i = 0; i < na; i++) a[i] = 'a' + (uint32_t)(th_rand(&seed) % 3);
        for (size_t i = 0; i < nb; i++) b[i] = 'a' + (uint32_t)(th_rand(&seed) % 3);
        int want = naive_osa(a, na, b, nb);
        for (int k = 0; k <= 3; k++) {
            int got = aj_fuzzy_distance(a, na, b, nb, k);
            cr_assert_eq(got, want <= k ? want : k + 1, "round %d k %d: %d, want %d",
                         round, k, got, want);
        }
    }
}

Test(query, fuzzy_length_rule) {
    cr_assert_eq(aj_fuzzy_cap(1), 0);
    cr_assert_eq(aj_fuzzy_cap(2), 0);
    cr_assert_eq(aj_fuzzy_cap(3), 1);
    cr_assert_eq(aj_fuzzy_cap(5), 1);
    cr_assert_eq(aj_fuzzy_cap(6), 2);
    cr_assert_eq(aj_fuzzy_cap(64), 2);
}

typedef struct {
    char words[256][AJ_MAX_WORD + 1];
    int dists[256];
    size_t n;
} found;

static int on_found(void *arg, const aj_dict_iter *it, int d) {
    found *f = arg;
    cr_assert_lt(f->n, 256);
    memcpy(f->words[f->n], it->buf, it->len);
    f->words[f->n][it->len] = 0;
    f->dists[f->n++] = d;
    return 0;
}

/* The scan shares rows between words with a common prefix and abandons
 * dead prefixes: it must find exactly what a distance per word finds. */
Test(query, fuzzy_scan_equals_every_word) {
    aj_index *ix;
    char *root = th_index_text(
        "Maritime maritim marine marines mariner maritimes maritime.\n\n"
        "Change changes chance charge chang chinage hcange cahnge.\n\n"
        "Cities citizen cite sites city citeis seat sea tea the a ab ba.\n",
        &ix);
    aj_ctx c = {0};
    const char *queries[] = {"maritine", "change", "citeis", "sea", "a", "ba", "zzzz", ""};
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
        for (int k = 0; k <= 2; k++) {
            const char *q = queries[qi];
            found *f = calloc(1, sizeof *f);
            cr_assert_eq(aj_fuzzy_scan(&c, &ix->words, q, strlen(q), k, on_found, f),
                         AJ_OK, "%s", c.msg);
            /* Every word, one at a time. */
            aj_dict_iter it;
            size_t want = 0;
            cr_assert_eq(aj_dict_iter_seek(&c, &ix->words, 0, &it), AJ_OK);
            while (it.id < ix->words.nterms) {
                char w[AJ_MAX_WORD + 1];
                memcpy(w, it.buf, it.len);
                w[it.len] = 0;
                int d = dist(q, w, k);
                if (d <= k) {
                    cr_assert_lt(want, f->n, "'%s' k %d: %s missed", q, k, w);
                    cr_assert_str_eq(f->words[want], w, "'%s' k %d", q, k);
                    cr_assert_eq(f->dists[want], d, "'%s' k %d: %s", q, k, w);
                    want++;
                }
                cr_assert_eq(aj_dict_iter_next(&c, &it), AJ_OK);
            }
            cr_assert_eq(f->n, want, "'%s' k %d: %zu found, %zu expected", q, k, f->n,
                         want);
            free(f);
        }
    aj_index_close(ix);
    th_rmtree(root);
    free(root);
}
