/* Tests of the common terms and their pairs (pairs.h): the choice, the
 * keys, the COMMON section's bytes, and the pair terms a build writes. */
#include <criterion/criterion.h>

#include "helpers.h"

#include <string.h>

#include "format/dict.h"
#include "search/eval.h"
#include "index/index.h"
#include "build/pairchoose.h"
#include "query/query.h"

static aj_pairs choose_with(const char *const *texts, size_t n, uint32_t want,
                           uint32_t partners) {
    size_t sizes[16], total = 0;
    char buf[4096];
    for (size_t i = 0; i < n; i++) {
        sizes[i] = strlen(texts[i]);
        memcpy(buf + total, texts[i], sizes[i]);
        total += sizes[i];
    }
    aj_ctx c = {0};
    aj_pairs p;
    cr_assert_eq(aj_pairs_choose(&c, buf, sizes, n, want, partners, &p), AJ_OK, "%s", c.msg);
    return p;
}

static aj_pairs choose(const char *const *texts, size_t n, uint32_t want) {
    return choose_with(texts, n, want, 0);
}

Test(pairs, most_frequent_terms_ties_by_bytes) {
    /* the x4, of x3, king x2 (stemmed from "kings"), then a tie at one
     * between land and zeal: land comes first in byte order */
    const char *t[] = {"The king of the land, of the kings", "zeal of THE"};
    aj_pairs p = choose(t, 2, 4);
    cr_assert_eq(p.n, 4);
    /* kept sorted by bytes */
    cr_assert_str_eq(p.terms[0], "king");
    cr_assert_str_eq(p.terms[1], "land");
    cr_assert_str_eq(p.terms[2], "of");
    cr_assert_str_eq(p.terms[3], "the");
    cr_assert(aj_pairs_is_common(&p, "of", 2));
    cr_assert(!aj_pairs_is_common(&p, "zeal", 4));
    cr_assert(!aj_pairs_is_common(&p, "o", 1));
    cr_assert(!aj_pairs_is_common(&p, "ofx", 3));
    aj_pairs_free(&p);
    /* fewer distinct terms than asked for: all of them */
    p = choose(t, 2, 100);
    cr_assert_eq(p.n, 5);
    aj_pairs_free(&p);
    p = choose(t, 0, 10);
    cr_assert_eq(p.n, 0);
    cr_assert(!aj_pairs_is_common(&p, "the", 3));
    aj_pairs_free(&p);
}

/* The partners are the terms that come next by frequency, in a list of
 * their own; a pair needs a common term and a common or partner one. */
Test(pairs, partners_follow_the_common_terms) {
    /* the x4, of x3, king x2, then land, zeal (1 each) */
    const char *t[] = {"The king of the land, of the kings", "zeal of THE"};
    aj_pairs p = choose_with(t, 2, 2, 2);
    cr_assert_eq(p.n, 2);
    cr_assert_eq(p.np, 2);
    cr_assert_str_eq(p.terms[0], "of");
    cr_assert_str_eq(p.terms[1], "the");
    cr_assert_str_eq(p.terms[2], "king");
    cr_assert_str_eq(p.terms[3], "land");
    cr_assert_eq(aj_pairs_class(&p, "the", 3), AJ_PAIR_IS_COMMON | AJ_PAIR_IS_PARTNER);
    cr_assert_eq(aj_pairs_class(&p, "land", 4), AJ_PAIR_IS_PARTNER);
    cr_assert_eq(aj_pairs_class(&p, "zeal", 4), 0);
    cr_assert(!aj_pairs_is_common(&p, "king", 4));
    unsigned the = aj_pairs_class(&p, "the", 3), of = aj_pairs_class(&p, "of", 2);
    unsigned king = aj_pairs_class(&p, "king", 4), zeal = aj_pairs_class(&p, "zeal", 4);
    cr_assert(aj_pairs_pairable(the, of));
    cr_assert(aj_pairs_pairable(the, king));
    cr_assert(aj_pairs_pairable(king, of));
    cr_assert(!aj_pairs_pairable(king, king)); /* no common term */
    cr_assert(!aj_pairs_pairable(the, zeal));  /* zeal is rare */
    cr_assert(!aj_pairs_pairable(zeal, of));
    aj_pairs_free(&p);
    /* fewer terms left than partners asked for */
    p = choose_with(t, 2, 4, 100);
    cr_assert_eq(p.n, 4);
    cr_assert_eq(p.np, 1);
    cr_assert_str_eq(p.terms[4], "zeal");
    aj_pairs_free(&p);
}

Test(pairs, keys_fit_a_word) {
    char k[AJ_MAX_WORD + 1];
    cr_assert_eq(aj_pair_key("of", 2, "the", 3, k), 6);
    cr_assert_str_eq(k, "of the");
    char a[AJ_MAX_WORD + 1];
    memset(a, 'a', sizeof a);
    /* 61 + 1 + 2 = 64 bytes fit, 65 do not */
    cr_assert_eq(aj_pair_key(a, 61, "of", 2, k), AJ_MAX_WORD);
    cr_assert_eq(k[61], ' ');
    cr_assert_eq(aj_pair_key(a, 62, "of", 2, k), 0);
}

Test(pairs, section_round_trip_and_damage) {
    const char *t[] = {"the king of the land and the people of the land"};
    aj_pairs p = choose_with(t, 1, 3, 2), q;
    size_t n = aj_pairs_size(&p);
    uint8_t buf[256];
    cr_assert_leq(n, sizeof buf);
    aj_pairs_encode(&p, buf);
    aj_ctx c = {0};
    cr_assert_eq(aj_pairs_decode(&c, buf, n, &q), AJ_OK, "%s", c.msg);
    cr_assert_eq(q.n, p.n);
    cr_assert_eq(q.np, 2);
    for (uint32_t i = 0; i < p.n + p.np; i++) cr_assert_str_eq(q.terms[i], p.terms[i]);
    aj_pairs_free(&q);
    /* "land", "of", "the", then the partners "and", "king": damage each
     * rule (the bytes: 8 of header, "land" at 8, "of" at 13, "the" at
     * 16, "and" at 20, "king" at 24) */
    cr_assert_eq(n, 29);
    uint8_t v[256];
    struct {
        size_t at;
        uint8_t byte;
        size_t len;
    } cases[] = {
        {0, 9, 0},        /* count beyond the terms */
        {4, 3, 0},        /* partner count beyond the terms */
        {4, 0, 0},        /* partner count short of them */
        {8, 0, 0},        /* an empty term */
        {9, ' ', 0},      /* a term with a space */
        {8, 'z', 0},      /* out of order */
        {24, 'a', 0},     /* partners out of order ("aing" before "and") */
        {0, 0, 3},        /* truncated */
        {0, 0, 1},        /* shorter than its header */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(v, buf, n);
        size_t len = n - cases[i].len;
        if (!cases[i].len) v[cases[i].at] = cases[i].byte;
        if (cases[i].len == 1) len = 7;
        aj_ctx d = {0};
        cr_assert_eq(aj_pairs_decode(&d, v, len, &q), AJ_ECORRUPT, "case %zu", i);
        cr_assert(strstr(d.msg, "meta.aj") && strstr(d.msg, " term"), "%s", d.msg);
    }
    /* a partner that is also common: "of" in both lists */
    static const uint8_t both[] = {1, 0, 0, 0, 1, 0, 0, 0, 'o', 'f', 0, 'o', 'f', 0};
    aj_ctx b = {0};
    cr_assert_eq(aj_pairs_decode(&b, both, sizeof both, &q), AJ_ECORRUPT);
    cr_assert(strstr(b.msg, "partner term 0 is also common"), "%s", b.msg);
    /* trailing bytes after the last term */
    memcpy(v, buf, n);
    v[n] = 'x';
    aj_ctx d = {0};
    cr_assert_eq(aj_pairs_decode(&d, v, n + 1, &q), AJ_ECORRUPT);
    aj_pairs_free(&p);
}

/* The df and tf of a term of the index, or df 0 when it is absent. */
static uint32_t df_of(aj_index *ix, const char *key) {
    aj_ctx c = {0};
    int64_t id;
    aj_term_info info;
    cr_assert_eq(aj_dict_find(&c, &ix->terms, key, strlen(key), &id, &info), AJ_OK);
    return id < 0 ? 0 : info.df;
}

Test(pairs, build_indexes_adjacent_pairs_with_a_common_term) {
    aj_index *ix;
    char *root = th_index_text("The king of the land came to the gate of the city.\n\n"
                               "The the the the.\n\n"
                               "Zeal and zest went out of\n\n"
                               "the house, and the king of Tyre saw the land.\n",
                               &ix);
    cr_assert(aj_pairs_is_common(&ix->common, "the", 3));
    cr_assert(aj_pairs_is_common(&ix->common, "of", 2));
    /* adjacent in paragraphs 0 and 3; "of" ending paragraph 2 and "the"
     * starting 3 are not a pair */
    cr_assert_eq(df_of(ix, "of the"), 1);
    cr_assert_eq(df_of(ix, "king of"), 2);
    cr_assert_eq(df_of(ix, "the the"), 1);
    /* pairs are no words: the stats leave them out */
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    cr_assert_eq(st.nterms + ix->npairs, ix->nterms);
    cr_assert_gt(ix->npairs, 0);
    aj_ctx c = {0};
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
    th_rmtree(root);
    free(root);
}

/* A consonant-only word of four letters, the i-th (no stemmer step
 * touches a word without vowels). */
static void filler(unsigned i, char out[5]) {
    static const char cons[] = "bcdfghjklmnpqrtvwxz"; /* 19 */
    out[0] = 'w';
    out[1] = cons[i / (19 * 19) % 19];
    out[2] = cons[i / 19 % 19];
    out[3] = cons[i % 19];
    out[4] = 0;
}

/* Only pairable pairs are indexed (a common term and a common or partner
 * one): in a corpus of more distinct frequent words than the common and
 * partner terms, a common word's pairs with the rarer words are not
 * terms, and a phrase over them still finds every occurrence, from the
 * two words' own lists. */
Test(pairs, only_pairable_pairs_are_indexed) {
    enum { NF = AJ_PAIR_COMMON + AJ_PAIR_PARTNERS + 200 };
    size_t cap = (size_t)NF * 3 * 6 + 4096, n = 0;
    char *text = malloc(cap), w[5];
    cr_assert(text);
    /* each filler 3 times, "the" before every tenth token */
    unsigned tok = 0;
    for (unsigned r = 0; r < 3; r++)
        for (unsigned i = 0; i < NF; i++, tok++) {
            filler(i, w);
            n += (size_t)snprintf(text + n, cap - n, "%s%s%s", tok % 10 ? " " : "The ", w,
                                  tok % 10 == 9 ? ".\n\n" : "");
        }
    n += (size_t)snprintf(text + n, cap - n, ".\n\nOnce the xqzt came.\n");
    th_search f = th_search_open(text);
    free(text);
    aj_index *ix = f.ix;
    cr_assert_eq(ix->common.n, AJ_PAIR_COMMON);
    cr_assert_eq(ix->common.np, AJ_PAIR_PARTNERS);
    cr_assert(aj_pairs_is_common(&ix->common, "the", 3));
    cr_assert_eq(aj_pairs_class(&ix->common, "xqzt", 4), 0);
    aj_ctx c = {0};
    unsigned partners = 0, rare = 0;
    tok = 0;
    for (unsigned r = 0; r < 3; r++)
        for (unsigned i = 0; i < NF; i++, tok++) {
            if (tok % 10) continue; /* not after "the" */
            filler(i, w);
            char key[16], q[32];
            snprintf(key, sizeof key, "the %s", w);
            unsigned cl = aj_pairs_class(&ix->common, w, 4);
            partners += cl != 0;
            rare += cl == 0;
            cr_assert_eq(df_of(ix, key) != 0, cl != 0, "%s: class %u", key, cl);
            /* the phrase finds its paragraph either way */
            snprintf(q, sizeof q, "\"the %s\"", w);
            aj_search_opts o;
            aj_search_opts_init(&o);
            o.partial = 0;
            const aj_results *res;
            cr_assert_eq(aj_search(&c, f.s, q, strlen(q), &o, &res), AJ_OK, "%s", c.msg);
            cr_assert_eq(res->total, 1, "%s: %llu", q, (unsigned long long)res->total);
        }
    cr_assert_gt(partners, 0);
    cr_assert_gt(rare, 0);
    cr_assert_eq(df_of(ix, "the xqzt"), 0);
    const aj_results *res;
    aj_search_opts o;
    aj_search_opts_init(&o);
    cr_assert_eq(aj_search(&c, f.s, "\"the xqzt\"", 10, &o, &res), AJ_OK, "%s", c.msg);
    cr_assert_eq(res->total, 1);
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    th_search_close(&f);
}

/* A phrase that is one pair reads the pair's postings only, not those of
 * its two words (the point of the pairs); a phrase of a rare word and a
 * common one reads the pair and nothing else either. */
Test(pairs, phrase_reads_the_pair) {
    aj_index *ix;
    char buf[8192] = "";
    /* 40 paragraphs with "of" and "the" apart, 5 with them adjacent */
    for (int i = 0; i < 45; i++)
        strcat(buf, i < 40 ? "The king went out of town.\n\n" : "A word of the king.\n\n");
    char *root = th_index_text(buf, &ix);
    aj_ctx c = {0};
    aj_analyzer *an = th_analyzer();
    const char *qs[] = {"\"of the\"", "\"word of\""};
    uint32_t want_df[] = {5, 5};
    for (int k = 0; k < 2; k++) {
        aj_query *q;
        cr_assert_eq(aj_query_parse(&c, an, qs[k], strlen(qs[k]), &q), AJ_OK, "%s", c.msg);
        aj_eval ev;
        cr_assert_eq(aj_eval_open(&c, &ev, ix, an, q, 1.2, 0.75, 1), AJ_OK, "%s", c.msg);
        uint32_t n = 0;
        for (; aj_eval_doc(&ev) != AJ_DOC_END; n++) {
            cr_assert_geq(aj_eval_doc(&ev), 40);
            cr_assert_eq(aj_eval_next(&c, &ev), AJ_OK);
        }
        cr_assert_eq(n, want_df[k], "%s", qs[k]);
        aj_eval_close(&ev);
        /* 5 postings of the pair, not the 45 of "of" and the 45 of "the" */
        cr_assert_eq(ev.decoded, 5, "%s: %llu postings read", qs[k],
                     (unsigned long long)ev.decoded);
        aj_query_free(q);
    }
    aj_index_close(ix);
    th_rmtree(root);
    free(root);
}

/* A phrase that is one pair is a term leaf, so the top k's pruning
 * (block-max alone, MaxScore in an OR, the default ranking's partial
 * matches) reaches it: the pruned top k must equal the exhaustive one. */
Test(pairs, pruning_is_exact_with_pair_phrases, .timeout = 120) {
    static const char *words[] = {"the", "of", "and", "sea", "lord", "king", "land",
                                  "south", "china", "gate", "city", "a"};
    size_t cap = 1u << 20, n = 0;
    char *text = malloc(cap);
    cr_assert(text);
    uint64_t rs = 5;
    for (int p = 0; p < 3000; p++) {
        int len = 1 + (int)(th_rand(&rs) % 30);
        for (int i = 0; i < len; i++) {
            const char *w = words[th_rand(&rs) % 12];
            if (i == 0) n += (size_t)snprintf(text + n, cap - n, "%c%s", w[0] - 32, w + 1);
            else n += (size_t)snprintf(text + n, cap - n, " %s", w);
        }
        n += (size_t)snprintf(text + n, cap - n, ".\n\n");
    }
    th_search f = th_search_open(text);
    free(text);
    static const char *clauses[] = {"\"of the\"", "\"the sea\"", "\"the the\"", "\"sea of\"",
                                    "\"south china\"", "\"of the sea\"", "lord", "the",
                                    "\"king and\"", "\"a a\""};
    uint32_t ks[] = {1, 3, 10, 50};
    aj_ctx c = {0};
    for (int q = 0; q < 200; q++) {
        char query[256] = "";
        int m = 1 + (int)(th_rand(&rs) % 3);
        for (int i = 0; i < m; i++) {
            if (i) strcat(query, q % 2 ? " OR " : " ");
            strcat(query, clauses[th_rand(&rs) % 10]);
        }
        aj_search_opts o;
        aj_search_opts_init(&o);
        o.limit = ks[q % 4];
        if (q % 3 == 0) o.rank = AJ_RANK_BM25;
        const aj_results *r;
        cr_assert_eq(aj_search(&c, f.s, query, strlen(query), &o, &r), AJ_OK, "%s", c.msg);
        size_t nh = r->nhits;
        uint32_t ids[64];
        double sc[64];
        for (size_t i = 0; i < nh; i++) ids[i] = r->hits[i].id, sc[i] = r->hits[i].score;
        o.exact_total = 0;
        cr_assert_eq(aj_search(&c, f.s, query, strlen(query), &o, &r), AJ_OK, "%s", c.msg);
        cr_assert_eq(r->nhits, nh, "'%s': %zu hits pruned, %zu exact", query, r->nhits, nh);
        for (size_t i = 0; i < nh; i++) {
            cr_assert_eq(r->hits[i].id, ids[i], "'%s' rank %zu", query, i);
            cr_assert_eq(r->hits[i].score, sc[i], "'%s' rank %zu score", query, i);
        }
    }
    th_search_close(&f);
}
