/* test_query.c - the query parser: trees of valid queries, and the
 * reason and byte position of every kind of error. */
#include "helpers.h"

#include "ajsearch.h"
#include "query/query.h"

/* Quotation marks and dashes, in UTF-8. */
#define LDQ "\xE2\x80\x9C"    /* “ */
#define RDQ "\xE2\x80\x9D"    /* ” */
#define LOW9 "\xE2\x80\x9E"   /* „ */
#define LGUIL "\xC2\xAB"       /* « */
#define RGUIL "\xC2\xBB"       /* » */
#define LSQ "\xE2\x80\x98"    /* ‘ */
#define RSQ "\xE2\x80\x99"    /* ’ */
#define LOWS "\xE2\x80\x9A"   /* ‚ */
#define ENDASH "\xE2\x80\x93" /* – */
#define EMDASH "\xE2\x80\x94" /* — */
#define E_HOOK "\xE1\xBB\x85" /* ễ */


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
    tree_is("a " ENDASH " b", "(AND a b)");   /* an en dash is punctuation */
    tree_is("a " EMDASH "b", "(AND a b)");    /* an em dash never negates */
}

/* A '-' negates what it is attached to; alone it is an error at its own
 * byte, whatever surrounds it. */
Test(query, lone_dash_is_an_error) {
    error_at("security - maritime", AJ_ESYNTAX, 9, "stands alone");
    error_at("a -", AJ_ESYNTAX, 2, "stands alone");
    error_at("- a", AJ_ESYNTAX, 0, "stands alone");
    error_at("-", AJ_ESYNTAX, 0, "stands alone");
    error_at("a -- b", AJ_ESYNTAX, 2, "stands alone");
    error_at("-----", AJ_ESYNTAX, 0, "stands alone");
    error_at("(a -) b", AJ_ESYNTAX, 3, "stands alone");
    error_at("a\t-\tb", AJ_ESYNTAX, 2, "stands alone");
    error_at("NEAR(a - b)", AJ_ESYNTAX, 7, "stands alone");
    /* the caret stays on the dash after multi-byte characters */
    error_at(LDQ "Nguy" E_HOOK "n" RDQ " - x", AJ_ESYNTAX, 15, "stands alone");
    /* attached, it is what it was */
    tree_is("a -b", "(AND a (NOT b))");
    tree_is("a -(b OR c)", "(AND a (NOT (OR b c)))");
    tree_is("a -\"b c\"", "(AND a (NOT \"b c\"))");
    tree_is("a-b", "\"a b\"");
    tree_is("a- b", "(AND a b)");
    tree_is("a -& b", "(AND a b)");
    error_at("a --b", AJ_ESYNTAX, 3, "double negation");
}

/* Every double quotation mark opens and closes a phrase as '"' does. */
Test(query, typographic_double_quotes_make_phrases) {
    const char *same[] = {
        "\"South China Sea\"",
        LDQ "South China Sea" RDQ,          /* “…” */
        LOW9 "South China Sea" LDQ,         /* „…“ */
        LOW9 "South China Sea" RDQ,         /* „…” */
        LGUIL "South China Sea" RGUIL,      /* «…» */
        LGUIL " South China Sea " RGUIL,    /* « … » */
        RGUIL "South China Sea" LGUIL,      /* »…« */
        RDQ "South China Sea" RDQ,          /* ”…” */
        LDQ "South China Sea\"",            /* “…" */
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        tree_is(same[i], "\"south china sea\"");
    /* they delimit inside a token, as '"' does */
    tree_is("a" LDQ "b c" RDQ "d", "(AND a \"b c\" d)");
    tree_is("japan -" LDQ "South Korea" RDQ, "(AND japan (NOT \"south korea\"))");
    tree_is("NEAR(" LGUIL "south china" RGUIL " sea, 3)", "(NEAR/3 \"south china\" sea)");
    tree_is(LDQ "Sea" RDQ, "sea");
    tree_is("a " LDQ "&" RDQ, "a");
    tree_is("a -" LDQ "&" RDQ " b", "(AND a b)");
    tree_is(LDQ "a OR b" RDQ, "\"a or b\"");
    /* errors name the byte of the mark, whatever its length */
    error_at(LDQ "south china", AJ_ESYNTAX, 0, "unterminated");
    error_at("a " LGUIL "b", AJ_ESYNTAX, 2, "unterminated");
    error_at(LDQ "a" RDQ " (b", AJ_ESYNTAX, 8, "never closed");
    error_at(LDQ "a" RDQ " " LDQ "b", AJ_ESYNTAX, 8, "unterminated");
    error_at(LDQ "south chin*" RDQ, AJ_ESYNTAX, 13, "inside a phrase");
    /* a mark cut short is not a mark */
    tree_is("a \xE2\x80", "a");
}

/* Single marks are apostrophes too: they delimit only where one opens
 * before a word and one closes after a word's end. */
Test(query, typographic_single_quotes_by_position) {
    tree_is(LSQ "South China Sea" RSQ, "\"south china sea\"");  /* ‘…’ */
    tree_is(LOWS "South China Sea" LSQ, "\"south china sea\"");  /* ‚…‘ */
    tree_is(LSQ "rule of law." RSQ, "\"rule of law\"");
    tree_is("(" LSQ "a b" RSQ ")", "\"a b\"");
    tree_is("x -" LSQ "a b" RSQ, "(AND x (NOT \"a b\"))");
    /* an apostrophe inside a word neither opens nor closes */
    tree_is("Japan" RSQ "s role", "(AND japan role)");
    tree_is(LSQ "Japan" RSQ "s role" RSQ, "\"japan role\"");
    /* the first mark after a word's end closes: students’ is ambiguous
     * and ends the phrase */
    tree_is(LSQ "students" RSQ " union" RSQ, "(AND student union)");
    /* without a closing mark, or before a space, the mark is punctuation */
    tree_is(LSQ "90s music", "(AND \"90 s\" music)");
    tree_is(LSQ "a b", "(AND a b)");
    tree_is(LSQ " a b" RSQ, "(AND a b)");
    tree_is("a " LSQ "b " RSQ "c", "(AND a b c)");
    /* ’ never opens */
    tree_is(RSQ "a b" RSQ, "(AND a b)");
    error_at(LSQ "a" RSQ " )", AJ_ESYNTAX, 8, "')'");
}

/* Opening marks without a closing one, many of them before a long tail
 * the lexer must look through for a closing mark. */
Test(query, many_unclosed_single_marks, .timeout = 20) {
    size_t n = 1000, tail = 60000, at = 0;
    char *q = malloc(n * 5 + tail + 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(q + at, LSQ "a ", 5);
        at += 5;
    }
    memset(q + at, ' ', tail);
    at += tail;
    aj_ctx c = {0};
    aj_query *query = NULL;
    cr_assert_eq(aj_query_parse(&c, th_analyzer(), q, at, &query), AJ_OK, "%s", c.msg);
    cr_assert_eq(query->nleaves, n);
    aj_query_free(query);
    free(q);
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

/* Quoted leaves are marked, whatever the marks, so that suggestions leave
 * them alone; a word or an apostrophe is not quoted. */
Test(query, quoted_leaves_are_marked) {
    const char *quoted[] = {"\"maritme security\"", LDQ "maritme security" RDQ,
                            LSQ "maritme" RSQ, LGUIL "maritme" RGUIL};
    for (size_t i = 0; i < sizeof quoted / sizeof *quoted; i++) {
        aj_ctx c = {0};
        aj_query *q;
        cr_assert_eq(aj_query_parse(&c, th_analyzer(), quoted[i], strlen(quoted[i]), &q), AJ_OK);
        cr_assert_eq(q->nleaves, 1);
        cr_assert(q->leaves[0]->quoted, "%s", quoted[i]);
        aj_query_free(q);
    }
    const char *plain = "maritme" RSQ "s";
    aj_ctx c = {0};
    aj_query *q;
    cr_assert_eq(aj_query_parse(&c, th_analyzer(), plain, strlen(plain), &q), AJ_OK);
    cr_assert(!q->leaves[0]->quoted);
    aj_query_free(q);
}
