/* test_query.c - the query parser: trees of valid queries, and the
 * reason and byte position of every kind of error. */
#include "helpers.h"

#include "ajsearch.h"
#include "query.h"


static void tree_is(const char *q, const char *want) {
    aj_ctx c = {0};
    aj_query *query;
    aj_err e = aj_query_parse(&c, th_analyzer(), q, strlen(q), &query);
    cr_assert_eq(e, AJ_OK, "'%s' failed: %s at %zu", q, c.msg, c.pos);
    char buf[1024];
    aj_query_format(query, buf, sizeof buf);
    cr_assert_str_eq(buf, want, "query '%s'", q);
    aj_query_free(query);
}

static void error_at(const char *q, aj_err want, size_t pos, const char *words) {
    aj_ctx c = {0};
    aj_query *query = NULL;
    aj_err e = aj_query_parse(&c, th_analyzer(), q, strlen(q), &query);
    cr_assert_eq(e, want, "'%s' gave %d (%s)", q, e, c.msg);
    cr_assert_null(query);
    cr_assert_eq(c.pos, pos, "'%s': error at %zu, expected %zu (%s)", q, c.pos,
                 pos, c.msg);
    if (words)
        cr_assert(strstr(c.msg, words) != NULL, "'%s': message '%s' lacks '%s'",
                  q, c.msg, words);
}

Test(query, terms_are_analyzed_and_anded) {
    tree_is("maritime security", "(AND maritim secur)");
    tree_is("Security", "secur");
    tree_is("exchanges", "exchang");
    tree_is("Nguyễn", "nguyen");
}

Test(query, operators_and_precedence) {
    tree_is("a OR b c", "(OR a (AND b c))");
    tree_is("a b OR c", "(OR (AND a b) c)");
    tree_is("a AND b OR c AND d", "(OR (AND a b) (AND c d))");
    tree_is("(a OR b) c", "(AND (OR a b) c)");
    tree_is("japan NOT korea", "(AND japan (NOT korea))");
    tree_is("japan -korea", "(AND japan (NOT korea))");
    tree_is("japan -(korea OR china)", "(AND japan (NOT (OR korea china)))");
    tree_is("japan -\"south korea\"", "(AND japan (NOT \"south korea\"))");
    tree_is("a OR b NOT c", "(OR a (AND b (NOT c)))");
}

Test(query, lowercase_operators_are_words) {
    tree_is("peace and stability", "(AND peac and stabil)");
    tree_is("this or that", "(AND this or that)");
    tree_is("not", "not");
}

Test(query, phrases_and_compound_words) {
    tree_is("\"South China Sea\"", "\"south china sea\"");
    tree_is("\"Sea\"", "sea");
    tree_is("ASEAN-Japan", "\"asean japan\"");
    tree_is("COVID19", "\"covid 19\"");
    tree_is("COVID-19 vaccine", "(AND \"covid 19\" vaccin)");
}

Test(query, prefixes_are_folded_not_stemmed) {
    tree_is("cooperat*", "cooperat*");
    tree_is("Coopérat*", "cooperat*");
    tree_is("denuclear* NOT Korea", "(AND denuclear* (NOT korea))");
}

Test(query, words_without_letters_are_dropped) {
    tree_is("maritime & security", "(AND maritim secur)");
    tree_is("a - b", "(AND a b)");
}

Test(query, syntax_errors_with_positions) {
    error_at("", AJ_ESYNTAX, 0, "empty");
    error_at("   ", AJ_ESYNTAX, 0, "empty");
    error_at("&&", AJ_ESYNTAX, 0, "empty");
    error_at("(a", AJ_ESYNTAX, 0, "never closed");
    error_at("a (b c", AJ_ESYNTAX, 2, "never closed");
    error_at("a)", AJ_ESYNTAX, 1, "')'");
    error_at("\"south china", AJ_ESYNTAX, 0, "unterminated");
    error_at("a OR", AJ_ESYNTAX, 2, "OR needs a term after");
    error_at("OR a", AJ_ESYNTAX, 0, "OR needs a term before");
    error_at("a OR OR b", AJ_ESYNTAX, 2, "OR needs a term after");
    error_at("AND a", AJ_ESYNTAX, 0, "AND needs a term before");
    error_at("a AND", AJ_ESYNTAX, 2, "AND needs a term after");
    error_at("NOT a", AJ_ESYNTAX, 0, "positive");
    error_at("-a", AJ_ESYNTAX, 0, "positive");
    error_at("a OR -b", AJ_ESYNTAX, 5, "positive");
    error_at("-a -b", AJ_ESYNTAX, 0, "only negated");
    error_at("a NOT NOT b", AJ_ESYNTAX, 6, "double negation");
    error_at("a ()", AJ_ESYNTAX, 2, "nothing to search");
    error_at("*", AJ_ESYNTAX, 0, "'*'");
    error_at("a*b*", AJ_ESYNTAX, 1, "end of a word");
    error_at("covid-1*", AJ_ESYNTAX, 0, "one word");
    error_at("\"south chin*\"", AJ_ESYNTAX, 11, "inside a phrase");
}

Test(query, limits) {
    /* Nesting deeper than the limit. */
    char deep[400];
    int n = AJ_MAX_QUERY_DEPTH + 1;
    for (int i = 0; i < n; i++) deep[i] = '(';
    deep[n] = 'a';
    for (int i = 0; i < n; i++) deep[n + 1 + i] = ')';
    deep[2 * n + 1] = 0;
    error_at(deep, AJ_ELIMIT, AJ_MAX_QUERY_DEPTH, "nested");
    /* At the limit it parses. */
    deep[0] = ' ';
    deep[2 * n] = ' ';
    aj_ctx c = {0};
    aj_query *q;
    cr_assert_eq(aj_query_parse(&c, th_analyzer(), deep, strlen(deep), &q), AJ_OK, "%s",
                 c.msg);
    aj_query_free(q);
    /* 10,000 nested parentheses fail cleanly. */
    size_t big = 20001;
    char *huge = malloc(big + 1);
    memset(huge, '(', 10000);
    huge[10000] = 'a';
    memset(huge + 10001, ')', 10000);
    huge[big] = 0;
    aj_ctx c2 = {0};
    cr_assert_eq(aj_query_parse(&c2, th_analyzer(), huge, big, &q), AJ_ELIMIT);
    free(huge);
    /* Too long. */
    size_t len = AJ_MAX_QUERY_BYTES + 1;
    char *lng = malloc(len);
    memset(lng, 'a', len);
    aj_ctx c3 = {0};
    cr_assert_eq(aj_query_parse(&c3, th_analyzer(), lng, len, &q), AJ_ELIMIT);
    free(lng);
    /* Too many clauses. */
    char *many = malloc(4 * (AJ_MAX_QUERY_CLAUSES + 10));
    size_t at = 0;
    for (unsigned i = 0; i < AJ_MAX_QUERY_CLAUSES + 5; i++) {
        memcpy(many + at, "ab ", 3);
        at += 3;
    }
    aj_ctx c4 = {0};
    cr_assert_eq(aj_query_parse(&c4, th_analyzer(), many, at, &q), AJ_ELIMIT);
    free(many);
}

Test(query, nul_bytes_and_invalid_utf8_do_not_crash) {
    const char q[] = "mari\0time \xff\xfe secu\xc3rity";
    aj_ctx c = {0};
    aj_query *query = NULL;
    aj_err e = aj_query_parse(&c, th_analyzer(), q, sizeof q - 1, &query);
    cr_assert(e == AJ_OK || e == AJ_ESYNTAX);
    aj_query_free(query);
}

Test(query, near_forms) {
    tree_is("NEAR(maritime security)", "(NEAR/10 maritim secur)");
    tree_is("NEAR(maritime security, 3)", "(NEAR/3 maritim secur)");
    tree_is("NEAR( maritime \"south china\" cooperat*,0 )",
            "(NEAR/0 maritim \"south china\" cooperat*)");
    tree_is("maritime NEAR security", "(NEAR/10 maritim secur)");
    tree_is("maritime NEAR/5 security NEAR/5 law", "(NEAR/5 maritim secur law)");
    tree_is("japan maritime NEAR/2 security", "(AND japan (NEAR/2 maritim secur))");
    tree_is("a OR b NEAR/1 c", "(OR a (NEAR/1 b c))");
    tree_is("japan -(maritime NEAR/2 law)", "(AND japan (NOT (NEAR/2 maritim law)))");
    tree_is("NEAR(chnage~1 security)", "(NEAR/10 chnage~1 secur)");
    tree_is("NEAR(a & b)", "(NEAR/10 a b)");
    tree_is("near security", "(AND near secur)");
}

Test(query, fuzzy_forms) {
    tree_is("chnage~1", "chnage~1");
    tree_is("chnage~", "chnage~1");
    tree_is("Phillipines~2", "phillipines~2");
    tree_is("sea~2", "sea~1");      /* 3 letters: at most 1 edit */
    tree_is("of~2", "of~0");        /* 2 letters: exact only */
    tree_is("a~b", "\"a b\"");      /* '~' inside a word still separates */
    tree_is("~2", "2");
}

Test(query, near_and_fuzzy_errors) {
    error_at("NEAR(a b", AJ_ESYNTAX, 4, "never closed");
    error_at("x NEAR(a b, 5", AJ_ESYNTAX, 6, "never closed");
    error_at("NEAR(a b, 1001)", AJ_ESYNTAX, 10, "at most 1000");
    error_at("NEAR(a b, x)", AJ_ESYNTAX, 10, "number");
    error_at("NEAR(a b,)", AJ_ESYNTAX, 9, "number");
    error_at("NEAR(a b, 5 c)", AJ_ESYNTAX, 12, "expected ')'");
    error_at("NEAR(a)", AJ_ESYNTAX, 0, "at least two");
    error_at("NEAR(a (b))", AJ_ESYNTAX, 7, "not groups");
    error_at("NEAR(a OR b)", AJ_ESYNTAX, 7, "operators");
    error_at("NEAR(a -b)", AJ_ESYNTAX, 7, "operators");
    error_at("a NEAR", AJ_ESYNTAX, 2, "after it");
    error_at("a NEAR (b)", AJ_ESYNTAX, 2, "after it");
    error_at("NEAR a", AJ_ESYNTAX, 0, "found NEAR");
    error_at("(a) NEAR b", AJ_ESYNTAX, 4, "found NEAR");
    error_at("a NEAR/x b", AJ_ESYNTAX, 7, "number");
    error_at("a NEAR/12x b", AJ_ESYNTAX, 9, "NEAR/5");
    error_at("a NEAR/2000 b", AJ_ESYNTAX, 7, "at most 1000");
    error_at("a NEAR/5 b NEAR/6 c", AJ_ESYNTAX, 11, "one distance");
    error_at("a~3", AJ_ESYNTAX, 2, "1 or 2");
    error_at("abc~12", AJ_ESYNTAX, 4, "1 or 2");
    error_at("covid-19~1", AJ_ESYNTAX, 0, "one word");
}
