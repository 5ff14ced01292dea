/* test_rank.c - the second ranking stage (rank.h): the proximity formula
 * on hand-computed cases, and through small indexes: words close together
 * and in order rank first, a section heading counts, partial matches
 * follow the full ones, and --rank=bm25 stays textbook BM25. */
#include "helpers.h"

#include <math.h>

#include "ajsearch.h"
#include "search/rank.h"

/* ---- the formula ---- */

static double prox2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {
    const uint32_t *occ[2] = {a, b};
    uint32_t nocc[2] = {na, nb}, len[2] = {1, 1};
    return aj_rank_proximity(2, occ, nocc, len);
}

Test(rank, proximity_by_hand) {
    uint32_t a[] = {3}, b[] = {4}, far[] = {9}, before[] = {2};
    /* side by side in order: L = 2 words over a span of 2 */
    cr_assert_float_eq(prox2(a, 1, b, 1), 1.0, 1e-12);
    /* in order, span 3..9 = 7 words */
    cr_assert_float_eq(prox2(a, 1, far, 1), 2.0 / 7.0, 1e-12);
    /* adjacent but reversed: half */
    cr_assert_float_eq(prox2(a, 1, before, 1), 0.5, 1e-12);
    /* the smallest window is chosen among many occurrences */
    uint32_t x[] = {1, 20, 40}, y[] = {10, 41, 60};
    cr_assert_float_eq(prox2(x, 3, y, 3), 1.0, 1e-12);
    /* one clause alone: no proximity */
    cr_assert_float_eq(prox2(a, 1, b, 0), 0.0, 1e-12);
}

Test(rank, proximity_counts_coverage_and_lengths) {
    /* three clauses, the third absent: coverage 2/3 */
    uint32_t a[] = {5}, b[] = {6};
    const uint32_t *occ[3] = {a, b, NULL};
    uint32_t nocc[3] = {1, 1, 0}, len[3] = {1, 1, 1};
    cr_assert_float_eq(aj_rank_proximity(3, occ, nocc, len), 2.0 / 3.0, 1e-12);
    /* a two-word phrase at 5 and a word at 7: L = 3, span 5..7 = 3 */
    uint32_t p[] = {5}, w[] = {7};
    const uint32_t *occ2[2] = {p, w};
    uint32_t nocc2[2] = {1, 1}, len2[2] = {2, 1};
    cr_assert_float_eq(aj_rank_proximity(2, occ2, nocc2, len2), 1.0, 1e-12);
    /* the same with the word two further: span 5 */
    uint32_t w2[] = {9};
    const uint32_t *occ3[2] = {p, w2};
    cr_assert_float_eq(aj_rank_proximity(2, occ3, nocc2, len2), 3.0 / 5.0, 1e-12);
}

/* ---- through an index ---- */

typedef struct {
    char *root, corpus[3000], index[3000];
    aj_index *ix;
    aj_searcher *s;
} tree;

static tree build_tree(const char *name, const char *text) {
    tree t;
    t.root = th_tmpdir();
    snprintf(t.corpus, sizeof t.corpus, "%s/corpus", t.root);
    snprintf(t.index, sizeof t.index, "%s/index", t.root);
    mkdir(t.corpus, 0755);
    th_write_str(t.corpus, name, text);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t.corpus, .index_dir = t.index};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, t.index, &t.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, t.ix, &t.s), AJ_OK);
    return t;
}

/* text followed by 20 paragraphs of other words, so that the query
 * words of a test are in few of the paragraphs, as in a real corpus
 * (a word in more than a quarter of them is common, see rank.h). */
static tree build_padded(const char *name, const char *text) {
    size_t n = strlen(text);
    char *buf = malloc(n + 20 * 64 + 1);
    cr_assert_not_null(buf);
    memcpy(buf, text, n);
    /* Sentences, not short lines: a run of short lines at the end of a
     * page is page chrome (README "Corpus and paragraphs"). */
    for (int i = 0; i < 20; i++)
        n += (size_t)sprintf(buf + n, "\nThis is filler paragraph number %d of the text.\n", i);
    tree t = build_tree(name, buf);
    free(buf);
    return t;
}

static void drop_tree(tree *t) {
    aj_searcher_free(t->s);
    aj_index_close(t->ix);
    th_rmtree(t->root);
    free(t->root);
}

static const aj_results *run(tree *t, const char *q, aj_search_opts *o) {
    aj_ctx c = {0};
    const aj_results *r;
    cr_assert_eq(aj_search(&c, t->s, q, strlen(q), o, &r), AJ_OK, "'%s': %s", q, c.msg);
    return r;
}

Test(rank, close_and_in_order_ranks_first) {
    /* Both paragraphs hold each word once and have the same length, so
     * BM25 ties them; only proximity tells them apart. */
    tree t = build_tree("d.txt",
                        "supply one two three four five six chain\n\n"
                        "one two three supply chain four five six\n\n"
                        "one two three chain supply four five six\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r = run(&t, "supply chain", &o);
    cr_assert_eq(r->nhits, 3);
    cr_assert_eq(r->hits[0].id, 1, "adjacent and in order first");
    cr_assert_float_eq(r->hits[0].proximity, 1.0, 1e-12);
    cr_assert_eq(r->hits[1].id, 2, "adjacent but reversed second");
    cr_assert_float_eq(r->hits[1].proximity, 0.5, 1e-12);
    cr_assert_eq(r->hits[2].id, 0);
    cr_assert_float_eq(r->hits[2].proximity, 2.0 / 8.0, 1e-12);
    cr_assert_float_eq(r->hits[0].bm25, r->hits[2].bm25, 1e-12);
    cr_assert_float_eq(r->hits[0].score,
                       r->hits[0].bm25 * (1 + o.w_prox) * (1 + o.w_head * r->hits[0].heading),
                       1e-9);
    /* Exact BM25: a tie, broken by id. */
    o.rank = AJ_RANK_BM25;
    r = run(&t, "supply chain", &o);
    cr_assert_eq(r->hits[0].id, 0);
    cr_assert_eq(r->hits[0].score, r->hits[0].bm25);
    cr_assert_eq(r->hits[0].proximity, 0.0);
    drop_tree(&t);
}

Test(rank, phrase_unit_has_its_length) {
    tree t = build_tree("d.txt",
                        "south china sea disputes one two three\n\n"
                        "south china sea one two three disputes\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r = run(&t, "\"south china sea\" disputes", &o);
    cr_assert_eq(r->nhits, 2);
    cr_assert_eq(r->hits[0].id, 0);
    cr_assert_float_eq(r->hits[0].proximity, 1.0, 1e-12);
    cr_assert_float_eq(r->hits[1].proximity, 4.0 / 7.0, 1e-12);
    drop_tree(&t);
}

Test(rank, section_heading_counts) {
    /* The first line is the document's title: it must not hold a query
     * word, or every paragraph would have it in its "heading". */
    tree t = build_padded("d.md",
                        "Notes\n\n"
                        "# Maritime cooperation\n\n"
                        "We agreed to work together on patrols and training.\n\n"
                        "# Other matters\n\n"
                        "Cooperation on training of officials continues.\n\n"
                        "We agreed to work together on patrols and training.\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.w_head = 0.1; /* off by default (README "Ranking") */
    const aj_results *r = run(&t, "maritime patrols", &o);
    /* "maritime" is only in a heading, so no paragraph has both words;
     * the partial matches hold the heading and the two patrols
     * paragraphs. */
    cr_assert_eq(r->total, 0);
    cr_assert_geq(r->nhits, 3);
    cr_assert_eq(r->npartial, r->nhits);
    /* The two identical "patrols" paragraphs: the one under "Maritime
     * cooperation" has heading 1/2 and ranks above its twin. */
    int first = -1, second = -1;
    for (size_t i = 0; i < r->nhits; i++) {
        aj_ctx c = {0};
        char *text;
        size_t len;
        cr_assert_eq(aj_para_text(&c, t.ix, r->hits[i].id, &text, &len), AJ_OK);
        if (strstr(text, "patrols")) {
            if (first < 0)
                first = (int)i;
            else
                second = (int)i;
            cr_assert_eq(r->hits[i].matched, 1);
            cr_assert_eq(r->hits[i].clauses, 2);
        }
        free(text);
    }
    cr_assert(first >= 0 && second > first);
    cr_assert_float_eq(r->hits[first].heading, 0.5, 1e-12);
    cr_assert_float_eq(r->hits[second].heading, 0.0, 1e-12);
    cr_assert_lt(r->hits[first].id, r->hits[second].id);
    drop_tree(&t);
}

Test(rank, partial_matches_follow_full_ones) {
    tree t = build_padded("d.txt",
                        "alpha beta gamma\n\n"
                        "alpha beta\n\n"
                        "alpha\n\n"
                        "gamma delta\n\n"
                        "beta gamma epsilon\n\n"
                        "zeta\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r = run(&t, "alpha beta gamma", &o);
    cr_assert_eq(r->total, 1);
    cr_assert_eq(r->nhits, 5, "one full match and four partial ones");
    cr_assert_eq(r->npartial, 4);
    cr_assert_eq(r->hits[0].id, 0);
    cr_assert_eq(r->hits[0].matched, 3);
    /* two of three words before one of three */
    cr_assert_eq(r->hits[1].matched, 2);
    cr_assert_eq(r->hits[2].matched, 2);
    cr_assert_eq(r->hits[3].matched, 1);
    cr_assert_eq(r->hits[4].matched, 1);
    for (size_t i = 0; i < r->nhits; i++) cr_assert_neq(r->hits[i].id, 5);
    /* A NOT still excludes, partial or not. */
    r = run(&t, "alpha beta gamma -epsilon", &o);
    for (size_t i = 0; i < r->nhits; i++) cr_assert_neq(r->hits[i].id, 4);
    cr_assert_eq(r->nhits, 4);
    /* offset runs across both lists */
    o.offset = 2;
    o.limit = 2;
    r = run(&t, "alpha beta gamma", &o);
    cr_assert_eq(r->nhits, 2);
    cr_assert_eq(r->npartial, 2);
    cr_assert_eq(r->hits[0].matched, 2);
    /* switched off */
    o.offset = 0;
    o.limit = 10;
    o.partial = 0;
    r = run(&t, "alpha beta gamma", &o);
    cr_assert_eq(r->nhits, 1);
    cr_assert_eq(r->npartial, 0);
    /* not for an OR, nor under --rank=bm25 */
    o.partial = 1;
    r = run(&t, "alpha OR zeta", &o);
    cr_assert_eq(r->npartial, 0);
    cr_assert_eq(r->nhits, 4);
    o.rank = AJ_RANK_BM25;
    r = run(&t, "alpha beta gamma", &o);
    cr_assert_eq(r->nhits, 1);
    drop_tree(&t);
}

Test(rank, explain_covers_partial_hits) {
    tree t = build_padded("d.txt", "alpha beta\n\nalpha\n\nbeta beta\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.explain = 1;
    o.limit = 5;
    const aj_results *r = run(&t, "alpha beta", &o);
    cr_assert_eq(r->nhits, 3);
    cr_assert_eq(r->hits[0].nexplain, 2);
    for (size_t i = 1; i < 3; i++) {
        cr_assert_eq(r->hits[i].nexplain, 1, "a partial hit explains the clause it has");
        cr_assert_float_eq(r->hits[i].explain[0].score, r->hits[i].bm25, 1e-9);
    }
    drop_tree(&t);
}

Test(rank, bad_options_are_refused) {
    tree t = build_tree("d.txt", "alpha\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    aj_ctx c = {0};
    const aj_results *r;
    o.w_prox = -1;
    cr_assert_eq(aj_search(&c, t.s, "alpha", 5, &o, &r), AJ_EINVAL);
    aj_search_opts_init(&o);
    o.rank = (aj_rank_mode)7;
    cr_assert_eq(aj_search(&c, t.s, "alpha", 5, &o, &r), AJ_EINVAL);
    aj_search_opts_init(&o);
    cr_assert_float_eq(aj_search_k1(&o), AJ_FULL_K1, 0);
    o.rank = AJ_RANK_BM25;
    cr_assert_float_eq(aj_search_k1(&o), 1.2, 0);
    cr_assert_float_eq(aj_search_b(&o), 0.75, 0);
    drop_tree(&t);
}

/* ---- what a partial match shares ---- */

static double idf(double n, double df) { return log(1 + (n - df + 0.5) / (df + 0.5)); }

Test(rank, partial_matches_rank_by_idf_share) {
    /* "disaster" is in 2 paragraphs, "management" in 4: a paragraph with
     * only the rarer word shares more of the query, and ranks first even
     * where BM25 prefers the short "management" ones. */
    tree t = build_padded("d.txt",
                          "Relief and risk reduction after the storm, with a disaster plan for "
                          "the coast and the towns along it, funded by the states and the "
                          "donors together.\n\n"
                          "Floods and a disaster in the region last year again, with the river "
                          "over its banks for weeks and the roads cut off from the towns.\n\n"
                          "Management team\n\n"
                          "Water management\n\n"
                          "Management of funds\n\n"
                          "Disaster management\n\n"
                          "Management board\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r = run(&t, "disaster management", &o);
    cr_assert_eq(r->total, 1);
    cr_assert_eq(r->nhits, 7);
    double n = 27, wd = idf(n, 3), wm = idf(n, 5);
    for (size_t i = 1; i < 7; i++) {
        cr_assert_eq(r->hits[i].matched, 1);
        int dis = r->hits[i].id <= 1;
        cr_assert_eq(dis, i <= 2, "the disaster paragraphs come first (hit %zu is %u)", i,
                     r->hits[i].id);
        cr_assert_float_eq(r->hits[i].share, (dis ? wd : wm) / (wd + wm), 1e-6);
        cr_assert_float_eq(r->hits[i].score, r->hits[i].bm25 * r->hits[i].share, 1e-9);
    }
    cr_assert_lt(r->hits[1].bm25, r->hits[3].bm25, "not by BM25");
    drop_tree(&t);
}

Test(rank, common_words_alone_make_no_partial_match) {
    /* "of" is in more than a quarter of the paragraphs: a paragraph with
     * only "of" is no hit of "code of conduct", one with "conduct" is. */
    tree t = build_padded("d.txt",
                          "the code of conduct in the sea\n\n"
                          "a matter of time\n\n"
                          "rule of law\n\n"
                          "out of reach\n\n"
                          "one of them\n\n"
                          "the conduct of parties\n\n"
                          "head of state\n\n"
                          "full of words\n\n"
                          "kind of blue\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.limit = 20;
    const aj_results *r = run(&t, "code of conduct", &o);
    cr_assert_eq(r->total, 1);
    cr_assert_eq(r->nhits, 2, "the full match and the conduct paragraph only");
    cr_assert_eq(r->hits[1].id, 5);
    cr_assert_eq(r->hits[1].matched, 2);
    /* Common words still count in a full match, and a partial match
     * holding a rare word may hold common ones too. */
    r = run(&t, "matter of code", &o);
    cr_assert_eq(r->total, 0);
    for (size_t i = 0; i < r->nhits; i++) cr_assert(r->hits[i].id == 0 || r->hits[i].id == 1);
    drop_tree(&t);
}

Test(rank, heading_hit_counts_less) {
    /* The heading and the paragraph under it have the same words; the
     * heading is shorter, so BM25 and proximity favour it; as a hit it
     * counts heading_hit, and --heading-hit 1 puts it back first. */
    tree t = build_padded("d.md",
                          "Notes\n\n"
                          "# Disaster relief\n\n"
                          "Disaster relief for the region, delivered in the first days after the storm.\n");
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r = run(&t, "disaster relief", &o);
    cr_assert_eq(r->nhits, 2);
    cr_assert_eq(r->hits[0].id, 2, "the paragraph first");
    cr_assert_float_eq(r->hits[0].kind, 1.0, 0);
    cr_assert_float_eq(r->hits[1].kind, AJ_HEADING_HIT, 0);
    cr_assert_gt(r->hits[1].bm25, r->hits[0].bm25);
    o.heading_hit = 1.0;
    r = run(&t, "disaster relief", &o);
    cr_assert_eq(r->hits[0].id, 1, "the heading first when it counts fully");
    o.heading_hit = 1.5;
    aj_ctx c = {0};
    cr_assert_eq(aj_search(&c, t.s, "x", 1, &o, &r), AJ_EINVAL);
    drop_tree(&t);
}

/* ---- one ranking for every page ---- */

Test(rank, every_page_is_a_slice_of_one_ranking) {
    /* 300 paragraphs with "alpha" and "beta" at every distance and order,
     * lengths varying: BM25 and proximity disagree all along, and the
     * paragraph with the words side by side is far down by BM25. */
    size_t cap = 300 * 200, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    uint64_t x = 12345;
    for (int i = 0; i < 300; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int len = 8 + (int)(x >> 59), a = (int)((x >> 40) % (uint64_t)len),
            b = (int)((x >> 20) % (uint64_t)len);
        if (b == a || b == a + 1) b = (a + 2) % len; /* never side by side in order */
        if (i == 250) { /* long, so low by BM25, but side by side in order */
            len = 30;
            a = 20;
            b = 21;
        }
        /* A capital and a full stop: a paragraph of its own. */
        n += (size_t)sprintf(text + n, "Text");
        for (int w = 0; w < len; w++)
            n += (size_t)sprintf(text + n, " %s", w == a ? "alpha" : w == b ? "beta" : "word");
        n += (size_t)sprintf(text + n, ".\n\n");
    }
    tree t = build_tree("d.txt", text);
    free(text);
    const char *queries[] = {"alpha beta", "beta alpha", "alpha OR beta", "alpha beta -gamma",
                             "alpha", "\"alpha beta\" word"};
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
        aj_search_opts o;
        aj_search_opts_init(&o);
        o.limit = 1000;
        const aj_results *r = run(&t, queries[qi], &o);
        size_t nall = r->nhits;
        uint32_t *ids = malloc((nall + 1) * sizeof *ids);
        double *sc = malloc((nall + 1) * sizeof *sc);
        for (size_t i = 0; i < nall; i++) {
            ids[i] = r->hits[i].id;
            sc[i] = r->hits[i].score;
        }
        if (qi == 0) {
            cr_assert_eq(ids[0], 250, "the adjacent pair first");
            /* ... though BM25 puts it beyond the first pass's depth. */
            o.rank = AJ_RANK_BM25;
            o.k1 = AJ_FULL_K1;
            o.b = AJ_FULL_B;
            r = run(&t, queries[qi], &o);
            size_t at = 0;
            while (at < r->nhits && r->hits[at].id != 250) at++;
            cr_assert_gt(at, 50, "BM25 rank %zu", at);
        }
        for (int pruned = 0; pruned < 2; pruned++)
            for (uint32_t lim = 1; lim <= 60; lim += 7)
                for (uint32_t off = 0; off < nall + 2; off += 23) {
                    aj_search_opts_init(&o);
                    o.limit = lim;
                    o.offset = off;
                    o.exact_total = !pruned;
                    r = run(&t, queries[qi], &o);
                    size_t want = off < nall ? nall - off : 0;
                    if (want > lim) want = lim;
                    cr_assert_eq(r->nhits, want, "'%s' %u+%u", queries[qi], off, lim);
                    for (size_t i = 0; i < want; i++) {
                        cr_assert_eq(r->hits[i].id, ids[off + i], "'%s' %u+%u at %zu",
                                     queries[qi], off, lim, i);
                        cr_assert_eq(r->hits[i].score, sc[off + i]);
                    }
                }
        free(ids);
        free(sc);
    }
    drop_tree(&t);
}

/* ---- counting apart from ranking ---- */

/* A word, a phrase, a prefix or an OR of them is ranked in one pruned
 * pass and counted apart (search.c); opts.doc_counts takes the other
 * path, which scores and counts every match.  Both must give the same
 * total and the same hits with the same scores, with the page chrome
 * left out (its words are in the chrome of the seed corpus, so the
 * count must drop them) and searched. */
Test(rank, flat_queries_count_and_rank_as_scoring_everything, .timeout = 120) {
    char *root = th_tmpdir(), index[1024];
    snprintf(index, sizeof index, "%s/index", root);
    aj_ctx c = {0};
    aj_build_opts bo = {.corpus_dir = "corpus", .index_dir = index};
    cr_assert_eq(aj_build(&c, &bo, NULL), AJ_OK, "build: %s", c.msg);
    tree t = {.root = root};
    cr_assert_eq(aj_index_open(&c, index, &t.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, t.ix, &t.s), AJ_OK);
    const char *queries[] = {
        "Binh", "Public", "Affairs", "ASEAN", "the", "maritime", "nosuchword",
        "Binh OR Cabinet", "Public OR Affairs OR maritime", "the OR of OR and",
        "maritime OR security OR nosuchword", "\"maritime security\" OR disaster",
        "cooperat*", "cooperat* OR Binh", "\"Japan-ASEAN\" OR Quang OR summit",
        "Japan AND ASEAN", "maritime security cooperation", "Public -Affairs"};
    size_t total_hits = 0;
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
        for (int chrome = 0; chrome < 2; chrome++)
            for (uint32_t lim = 1; lim <= 41; lim += 20) {
                aj_search_opts all;
                aj_search_opts_init(&all);
                all.limit = lim;
                all.chrome = chrome;
                all.doc_counts = 1; /* every match scored and counted */
                const aj_results *r = run(&t, queries[qi], &all);
                uint64_t total = r->total;
                size_t n = r->nhits;
                aj_hit *want = malloc((n + 1) * sizeof *want);
                cr_assert_not_null(want);
                if (n) memcpy(want, r->hits, n * sizeof *want);
                for (int exact = 0; exact < 2; exact++) {
                    aj_search_opts o = all;
                    o.doc_counts = 0;
                    o.exact_total = exact;
                    r = run(&t, queries[qi], &o);
                    if (exact) {
                        cr_assert(r->total_exact);
                        cr_assert_eq(r->total, total, "'%s' chrome %d: %llu matches, not %llu",
                                     queries[qi], chrome, (unsigned long long)r->total,
                                     (unsigned long long)total);
                    }
                    cr_assert_eq(r->nhits, n, "'%s' chrome %d -n %u exact %d", queries[qi],
                                 chrome, lim, exact);
                    for (size_t i = 0; i < n; i++) {
                        cr_assert_eq(r->hits[i].id, want[i].id, "'%s' hit %zu", queries[qi], i);
                        cr_assert_eq(r->hits[i].score, want[i].score, "'%s' hit %zu",
                                     queries[qi], i);
                        cr_assert_eq(r->hits[i].share, want[i].share);
                    }
                }
                total_hits += n;
                free(want);
            }
    cr_assert_gt(total_hits, 300, "the queries list something (%zu hits)", total_hits);
    drop_tree(&t);
}
