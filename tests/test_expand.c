/* test_expand.c - query rewriting (expand.h) over a small built index:
 * which alternatives each rule adds, what they find, and that queries with
 * nothing to expand are left exactly as they were. */
#include "helpers.h"

#include "ajsearch.h"
#include "query/expand.h"
#include "index/index.h"
#include "query/query.h"

static const char corpus_text[] =
    "The United Nations Convention on the Law of the Sea (UNCLOS) governs the oceans.\n\n"
    "Disputes shall be settled under UNCLOS by every party.\n\n"
    "The united nations convention on the law of the sea is old, said a delegate.\n\n"
    "Cybersecurity training for officials.\n\n"
    "Cyber security is a shared concern of every party.\n\n"
    "Exchanges built peopleto-people ties through schools.\n\n"
    "People-to-people exchanges grow through sports.\n\n"
    "We support energy transitionsthrough many pathways.\n\n"
    "Trade flows through ports and through airports.\n\n"
    "The ASEANJapan Transport Partnership met.\n\n"
    "The ASEAN Japan summit and the ASEAN Japan dialogue.\n\n"
    "Delegates met at the Senior Officials Meeting on Energy (SOME).\n\n"
    "Some progress was made without delay.\n\n"
    "Work with partners on maritime security.\n\n"
    "The people of the region and their people.\n\n"
    "Open to all people.\n\n"
    "The 12th MekongJapan Economic Ministers met.\n\n"
    "Mekong cooperation and the Mekong-Japan framework.\n\n"
    "Japan supports the region.\n\n"
    "Lasting peace on a denuclearised Korean Peninsula.\n\n"
    "North Korea launched a missile.\n\n"
    "The situation in Myanmar worries the leaders.\n\n"
    "Viet Nam chaired the meeting.\n";

typedef struct {
    char *root, corpus[1024], index[1024];
    aj_index *ix;
    aj_searcher *s;
} fixture;

static fixture fx;

static void setup(void) {
    fx.root = th_tmpdir();
    snprintf(fx.corpus, sizeof fx.corpus, "%s/corpus", fx.root);
    snprintf(fx.index, sizeof fx.index, "%s/index", fx.root);
    mkdir(fx.corpus, 0755);
    th_write_str(fx.corpus, "a.txt", corpus_text);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = fx.corpus, .index_dir = fx.index};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, fx.index, &fx.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, fx.ix, &fx.s), AJ_OK);
}

static void teardown(void) {
    aj_searcher_free(fx.s);
    aj_index_close(fx.ix);
    th_rmtree(fx.root);
    free(fx.root);
}

TestSuite(expand, .init = setup, .fini = teardown);

/* The rewritten tree of q and the "also" descriptions, joined by '|'. */
static void rewrite(const char *q, char *tree, size_t tcap, char *also, size_t acap) {
    aj_ctx c = {0};
    aj_query *query;
    aj_expander *x;
    cr_assert_eq(aj_query_parse(&c, th_analyzer(), q, strlen(q), &query), AJ_OK);
    cr_assert_eq(aj_expander_new(&c, fx.ix, &x), AJ_OK);
    cr_assert_eq(aj_expand(&c, x, th_analyzer(), query), AJ_OK, "%s", c.msg);
    aj_query_format(query, tree, tcap);
    const aj_expansion *xs;
    size_t n = aj_expand_list(x, &xs), k = 0;
    also[0] = 0;
    for (size_t i = 0; i < n; i++)
        if (xs[i].desc)
            k += (size_t)snprintf(also + k, acap - k, "%s%s", k ? "|" : "", xs[i].desc);
    /* Leaves are numbered again, in query order. */
    for (uint32_t i = 0; i < query->nleaves; i++) cr_assert_eq(query->leaves[i]->leaf, i);
    aj_expander_free(x);
    aj_query_free(query);
}

static void rewrites(const char *q, const char *want_tree, const char *want_also) {
    char tree[2048], also[2048];
    rewrite(q, tree, sizeof tree, also, sizeof also);
    cr_assert_str_eq(tree, want_tree, "query '%s': tree %s", q, tree);
    cr_assert_str_eq(also, want_also, "query '%s': also %s", q, also);
}

/* Total and the "also" line of a search with expansion on or off. */
static uint64_t total(const char *q, int expand, char *also, size_t cap) {
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.expand = expand;
    const aj_results *r;
    cr_assert_eq(aj_search(&c, fx.s, q, strlen(q), &o, &r), AJ_OK, "%s", c.msg);
    size_t k = 0;
    if (also) also[0] = 0;
    for (size_t i = 0; also && i < r->nalso; i++)
        k += (size_t)snprintf(also + k, cap - k, "%s%s", i ? "|" : "", r->also[i]);
    return r->total;
}

Test(expand, acronym_to_long_form_and_back) {
    rewrites("UNCLOS", "(OR unclo \"unit nation convent on the law of the sea\")",
             "UNCLOS = \"United Nations Convention on the Law of the Sea\"");
    rewrites("\"united nations convention on the law of the sea\"",
             "(OR \"unit nation convent on the law of the sea\" unclo)",
             "\"united nations convention on the law of the sea\" = UNCLOS");
    /* Words in a row, without the small words. */
    rewrites("United Nations Convention Law Sea",
             "(OR (AND unit nation convent law sea) unclo)",
             "United Nations Convention Law Sea = UNCLOS");
    char also[512];
    cr_assert_eq(total("UNCLOS", 0, NULL, 0), 2);
    cr_assert_eq(total("UNCLOS", 1, also, sizeof also), 3);
    cr_assert_str_eq(also, "UNCLOS = \"United Nations Convention on the Law of the Sea\"");
}

Test(expand, acronyms_need_capitals) {
    rewrites("unclos", "unclo", "");
    /* "Some" has one capital: the word, not Senior Officials Meeting ... */
    rewrites("Some progress", "(AND some progress)", "");
    rewrites("SOME", "(OR some \"senior offici meet on energi\")",
             "SOME = \"Senior Officials Meeting on Energy\"");
}

Test(expand, split_glued_words) {
    /* Shown as the corpus writes the halves together. */
    rewrites("cybersecurity", "(OR cybersecur \"cyber secur\")",
             "cybersecurity = \"Cyber security\"");
    rewrites("ASEANJapan", "(OR aseanjapan \"asean japan\")", "ASEANJapan = \"ASEAN Japan\"");
    char also[512];
    cr_assert_eq(total("cybersecurity", 0, NULL, 0), 1);
    cr_assert_eq(total("cybersecurity", 1, also, sizeof also), 2);
}

Test(expand, split_damaged_words_with_a_small_half) {
    /* "peopleto" is in one paragraph (a lost line-end hyphen) and "people"
     * in four: the damaged form typed as a query also finds the phrase. */
    rewrites("peopleto-people", "(OR \"peopleto peopl\" \"peopl to peopl\")",
             "peopleto-people = \"People-to-people\"");
    cr_assert_eq(total("peopleto-people", 0, NULL, 0), 1);
    cr_assert_eq(total("peopleto-people", 1, NULL, 0), 2);
    /* A word in more paragraphs is not taken for damage, and a small half
     * needs a common other half: "without" is not "with out". */
    rewrites("without", "without", "");
    rewrites("people", "peopl", "");
}

Test(expand, glue_adjacent_words) {
    rewrites("cyber security", "(OR (AND cyber secur) cybersecur)",
             "cyber security = Cybersecurity");
    rewrites("people-to-people", "(OR \"peopl to peopl\" \"peopleto peopl\")",
             "people-to-people = \"peopleto-people\"");
    rewrites("ASEAN-Japan transport", "(AND (OR \"asean japan\" aseanjapan) transport)",
             "ASEAN-Japan = ASEANJapan");
    cr_assert_eq(total("cyber security", 0, NULL, 0), 1);
    cr_assert_eq(total("cyber security", 1, NULL, 0), 2);
    cr_assert_eq(total("people-to-people", 0, NULL, 0), 1);
    cr_assert_eq(total("people-to-people", 1, NULL, 0), 2);
}

Test(expand, words_glued_to_the_next) {
    rewrites("energy transition", "(AND energi (OR transit transitionsthrough))",
             "transition = transitionsthrough");
    cr_assert_eq(total("energy transition", 0, NULL, 0), 0);
    cr_assert_eq(total("energy transition", 1, NULL, 0), 1);
    /* A common word keeps away from its real compounds. */
    rewrites("with", "with", "");
}

Test(expand, nothing_to_expand_is_unchanged) {
    const char *qs[] = {"maritime security", "trade OR ports", "partners -maritime",
                        "\"shared concern\"", "deleg*", "(trade ports) OR security"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char before[512], tree[512], also[512];
        aj_ctx c = {0};
        aj_query *q;
        cr_assert_eq(aj_query_parse(&c, th_analyzer(), qs[i], strlen(qs[i]), &q), AJ_OK);
        aj_query_format(q, before, sizeof before);
        aj_query_free(q);
        rewrite(qs[i], tree, sizeof tree, also, sizeof also);
        cr_assert_str_eq(tree, before);
        cr_assert_str_eq(also, "");
    }
}

Test(expand, negated_and_or_clauses) {
    rewrites("party -UNCLOS",
             "(AND parti (NOT (OR unclo \"unit nation convent on the law of the sea\")))",
             "UNCLOS = \"United Nations Convention on the Law of the Sea\"");
    /* Under an OR the alternatives become siblings. */
    rewrites("trade OR cybersecurity", "(OR trade cybersecur \"cyber secur\")",
             "cybersecurity = \"Cyber security\"");
}

Test(expand, highlights_alternatives) {
    const char *q = "UNCLOS";
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r;
    cr_assert_eq(aj_search(&c, fx.s, q, strlen(q), &o, &r), AJ_OK);
    const char *text = "The united nations convention on the law of the sea is old.";
    aj_span sp[16];
    /* The long form is one span where it occurs; "The" before it is not
     * marked although the phrase has "the". */
    size_t n = aj_search_highlight(fx.s, text, strlen(text), sp, 16);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 4);
    cr_assert_eq(sp[0].end, strlen("The united nations convention on the law of the sea"));
}

Test(expand, repeated_words_expand_each_time) {
    rewrites("UNCLOS OR (UNCLOS party)",
             "(OR unclo (AND (OR unclo \"unit nation convent on the law of the sea\") parti) "
             "\"unit nation convent on the law of the sea\")",
             "UNCLOS = \"United Nations Convention on the Law of the Sea\"");
    char also[512];
    total("UNCLOS OR (UNCLOS party)", 1, also, sizeof also);
    cr_assert_str_eq(also, "UNCLOS = \"United Nations Convention on the Law of the Sea\"");
}

/* What the "also" line shows is never a folded, internal form: every
 * alternative reads as the corpus writes it (here: as it occurs, byte for
 * byte, in the corpus text), whatever case or spelling the query used. */
Test(expand, shown_as_the_corpus_writes_it) {
    rewrites("Mekong", "(OR mekong mekongjapan)", "Mekong = MekongJapan");
    rewrites("MEKONG", "(OR mekong mekongjapan)", "MEKONG = MekongJapan");
    rewrites("Transition", "(OR transit transitionsthrough)",
             "Transition = transitionsthrough");
    rewrites("CYBER SECURITY", "(OR (AND cyber secur) cybersecur)",
             "CYBER SECURITY = Cybersecurity");
    rewrites("aseanjapan", "(OR aseanjapan \"asean japan\")", "aseanjapan = \"ASEAN Japan\"");
    const char *qs[] = {"Mekong", "transition", "cybersecurity", "CyberSecurity", "cyber security",
                        "ASEANJapan", "ASEAN-Japan", "people-to-people", "peopleto-people",
                        "\"people to people\"", "UNCLOS", "SOME",
                        "united nations convention law sea", "energy transitions"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char tree[2048], also[2048];
        rewrite(qs[i], tree, sizeof tree, also, sizeof also);
        cr_assert(also[0], "%s: no alternative", qs[i]);
        for (char *d = strtok(also, "|"); d; d = strtok(NULL, "|")) {
            char *rhs = strstr(d, " = ");
            cr_assert_not_null(rhs);
            rhs += 3;
            size_t n = strlen(rhs);
            if (rhs[0] == '"') rhs++, n -= 2;
            char form[512];
            snprintf(form, sizeof form, "%.*s", (int)n, rhs);
            cr_assert_not_null(strstr(corpus_text, form), "%s: %s is not how the corpus writes it",
                               qs[i], form);
        }
    }
}

Test(expand, country_names_and_adjectives) {
    /* A name finds its adjective and back (country.h), as the table
     * writes them; forms the corpus lacks are not added. */
    rewrites("Korea", "(OR korea korean)", "Korea = Korean");
    rewrites("korean", "(OR korean korea)", "korean = Korea");
    rewrites("Burma", "(OR burma myanmar)", "Burma = Myanmar");
    rewrites("Burmese", "(OR burmes myanmar)", "Burmese = Myanmar");
    rewrites("Vietnamese", "(OR vietnames \"viet nam\")", "Vietnamese = \"Viet Nam\"");
    rewrites("Korea missile", "(AND (OR korea korean) missil)", "Korea = Korean");
    /* Only a word on its own: not in a phrase, not in a hyphenated word. */
    rewrites("\"Korean Peninsula\"", "\"korean peninsula\"", "");
    rewrites("Korea-Japan", "\"korea japan\"", "");
    /* Not in an exclusion: an adjective is another word. */
    rewrites("peace -Korea", "(AND peac (NOT korea))", "");
    rewrites("peace -(Korea OR missile)", "(AND peac (NOT (OR korea missil)))", "");
    /* Nothing to add: Thailand is not in the corpus, Thai neither. */
    rewrites("Thailand", "thailand", "");
    char also[512];
    cr_assert_eq(total("Korea", 0, NULL, 0), 1);
    cr_assert_eq(total("Korea", 1, also, sizeof also), 2);
    cr_assert_str_eq(also, "Korea = Korean");
    cr_assert_eq(total("Burma", 0, NULL, 0), 0);
    cr_assert_eq(total("Burma", 1, NULL, 0), 1);
}

Test(expand, off_switch) {
    char also[512];
    cr_assert_eq(total("UNCLOS cybersecurity", 0, also, sizeof also), 0);
    cr_assert_str_eq(also, "");
}

/* The tables are analyzed when a query first needs them (expand.c): one
 * expander that meets the rules in any order rewrites every query as a
 * fresh one does, whichever table it had loaded before. */
Test(expand, tables_loaded_on_first_need) {
    static const char *const qs[] = {
        "maritime security",                                 /* no long form starts so */
        "\"maritime security\"",                             /* nor a phrase */
        "Korea",                                             /* countries only */
        "United Nations Convention Law Sea",                 /* a run: the whole table */
        "\"united nations convention on the law of the sea\"", /* a phrase */
        "SOME",                                              /* capitals */
        "partners maritime", "unclos",
    };
    size_t n = sizeof qs / sizeof *qs;
    char want[8][2][2048];
    for (size_t i = 0; i < n; i++) rewrite(qs[i], want[i][0], 2048, want[i][1], 2048);
    /* Forwards, backwards and from the middle, on one expander each. */
    for (size_t order = 0; order < 3; order++) {
        aj_ctx c = {0};
        aj_expander *x;
        cr_assert_eq(aj_expander_new(&c, fx.ix, &x), AJ_OK);
        for (size_t k = 0; k < n; k++) {
            size_t i = order == 0 ? k : order == 1 ? n - 1 - k : (k + n / 2) % n;
            aj_query *query;
            char tree[2048], also[2048];
            cr_assert_eq(aj_query_parse(&c, th_analyzer(), qs[i], strlen(qs[i]), &query),
                         AJ_OK);
            cr_assert_eq(aj_expand(&c, x, th_analyzer(), query), AJ_OK, "%s", c.msg);
            aj_query_format(query, tree, sizeof tree);
            const aj_expansion *xs;
            size_t nx = aj_expand_list(x, &xs), m = 0;
            also[0] = 0;
            for (size_t j = 0; j < nx; j++)
                if (xs[j].desc)
                    m += (size_t)snprintf(also + m, sizeof also - m, "%s%s", m ? "|" : "",
                                          xs[j].desc);
            cr_assert_str_eq(tree, want[i][0], "order %zu, '%s'", order, qs[i]);
            cr_assert_str_eq(also, want[i][1], "order %zu, '%s'", order, qs[i]);
            aj_query_free(query);
        }
        aj_expander_free(x);
    }
    /* The rules still apply (the table was not skipped). */
    cr_assert_str_eq(want[3][1], "United Nations Convention Law Sea = UNCLOS");
    cr_assert_str_eq(want[4][1], "\"united nations convention on the law of the sea\" = UNCLOS");
    cr_assert_str_eq(want[5][1], "SOME = \"Senior Officials Meeting on Energy\"");
    cr_assert_str_eq(want[2][1], "Korea = Korean");
}

/* A number is never split into two numbers, but like any word it matches
 * the rare word it is glued to ("2019" finds "20192020"), however rare
 * the number itself is. */
Test(expand_numbers, glued_to_the_next_word) {
    char text[2048];
    size_t k = 0;
    for (int i = 0; i < 5; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "In 2019 the council met, session %c.\n\n",
                              'a' + i);
    for (int i = 0; i < 3; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "In 2020 the council met, sitting %c.\n\n",
                              'a' + i);
    snprintf(text + k, sizeof text - k, "The 20192020 budget was approved by the council.\n");
    th_search f = th_search_open(text);
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f.s, "2019", 4, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_eq(r->total, 6, "2019 and 20192020: %llu", (unsigned long long)r->total);
    cr_assert_eq(r->nalso, 1);
    cr_assert_str_eq(r->also[0], "2019 = 20192020");
    /* and never split: 20192020 is not "2019 2020" */
    cr_assert_eq(aj_search(&c, f.s, "20192020", 8, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_eq(r->total, 1);
    cr_assert_eq(r->nalso, 0);
    th_search_close(&f);
}
