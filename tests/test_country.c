/* test_country.c - the table of country names and adjectives (country.h):
 * every form makes words, no form belongs to two countries, and the
 * forms the expansion relies on are there. */
#include "helpers.h"

#include "analysis/country.h"

typedef struct {
    char terms[256];
    size_t n;
} joined;

static int join(void *arg, const aj_token *t) {
    joined *j = arg;
    j->n += (size_t)snprintf(j->terms + j->n, sizeof j->terms - j->n, "%s%.*s", j->n ? " " : "",
                             (int)t->term_len, t->term);
    return 0;
}

static void terms_of(const char *form, joined *j) {
    aj_ctx c = {0};
    j->n = 0;
    j->terms[0] = 0;
    cr_assert_eq(aj_analyze(&c, th_analyzer(), form, strlen(form), 0, join, j), AJ_OK);
}

Test(country, forms_are_distinct_words) {
    size_t n = aj_country_count();
    cr_assert_gt(n, 10);
    cr_assert_null(aj_country_forms(n));
    for (size_t i = 0; i < n; i++) {
        const char *const *f = aj_country_forms(i);
        cr_assert(f[0] && f[1], "country %zu needs a name and another form", i);
        for (; *f; f++) {
            joined a;
            terms_of(*f, &a);
            cr_assert(a.n > 0, "%s makes no word", *f);
            /* No other country has a form with the same terms. */
            for (size_t k = 0; k < n; k++) {
                if (k == i) continue;
                for (const char *const *g = aj_country_forms(k); *g; g++) {
                    joined b;
                    terms_of(*g, &b);
                    cr_assert_str_neq(a.terms, b.terms, "%s and %s", *f, *g);
                }
            }
        }
    }
}

static int has_pair(const char *name, const char *adjective) {
    for (size_t i = 0; i < aj_country_count(); i++) {
        int a = 0, b = 0;
        for (const char *const *f = aj_country_forms(i); *f; f++) {
            a |= !strcmp(*f, name);
            b |= !strcmp(*f, adjective);
        }
        if (a && b) return 1;
    }
    return 0;
}

Test(country, the_pairs_readers_expect) {
    cr_assert(has_pair("Korea", "Korean"));
    cr_assert(has_pair("Philippines", "Filipino"));
    cr_assert(has_pair("Philippines", "Philippine"));
    cr_assert(has_pair("Japan", "Japanese"));
    cr_assert(has_pair("Viet Nam", "Vietnamese"));
    cr_assert(has_pair("Vietnam", "Vietnamese"));
    cr_assert(has_pair("Laos", "Lao"));
    cr_assert(has_pair("Myanmar", "Burmese"));
    cr_assert(has_pair("Thailand", "Thai"));
    cr_assert(!has_pair("Korea", "Japanese"));
}
