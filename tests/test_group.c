/* test_group.c - results by document (aj_search_opts.group, group.h)
 * against the flat ranking they must agree with: for many queries, both
 * rankings, several hits per document and pages, the documents come in
 * the order of their best paragraphs in the flat list, each with its best
 * paragraphs (same ids, same scores) and its count of matches. */
#include "helpers.h"

#include <sys/stat.h>

#include "ajsearch.h"

/* Few words, so that many paragraphs match and scores tie. */
static const char *WORDS[] = {"harbour", "patrol", "maritime", "security", "fisheries",
                              "coast",   "guard",  "ocean",    "law",      "trade",
                              "summit",  "port",   "vessel",   "navy",     "sea"};
#define NWORDS (sizeof WORDS / sizeof *WORDS)

typedef struct {
    char *root;
    aj_index *ix;
    aj_searcher *s;
} fixture;

/* 40 documents of 1 to 25 paragraphs, some under headings, some
 * repeated word for word (equal scores, so the order of ties shows). */
static fixture build(void) {
    fixture f;
    f.root = th_tmpdir();
    char corpus[1100], index[1100];
    snprintf(corpus, sizeof corpus, "%s/corpus", f.root);
    snprintf(index, sizeof index, "%s/index", f.root);
    mkdir(corpus, 0755);
    uint64_t seed = 0x5eed;
    static char text[1 << 16];
    for (int d = 0; d < 40; d++) {
        size_t at = 0;
        int nparas = 1 + (int)(th_rand(&seed) % 25);
        for (int p = 0; p < nparas; p++) {
            if (th_rand(&seed) % 6 == 0)
                at += (size_t)snprintf(text + at, sizeof text - at, "## %s %s\n\n",
                                       WORDS[th_rand(&seed) % NWORDS],
                                       WORDS[th_rand(&seed) % NWORDS]);
            if (p > 0 && th_rand(&seed) % 8 == 0) {
                at += (size_t)snprintf(text + at, sizeof text - at,
                                       "The harbour patrol met the coast guard.\n\n");
                continue;
            }
            int nw = 3 + (int)(th_rand(&seed) % 20);
            for (int w = 0; w < nw; w++)
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s",
                                       w ? " " : "", WORDS[th_rand(&seed) % NWORDS]);
            at += (size_t)snprintf(text + at, sizeof text - at, ".\n\n");
        }
        char name[32];
        snprintf(name, sizeof name, "d%02d.md", d);
        th_write(corpus, name, text, at);
    }
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, &f.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, f.ix, &f.s), AJ_OK, "%s", c.msg);
    return f;
}

static void done(fixture *f) {
    aj_searcher_free(f->s);
    aj_index_close(f->ix);
    th_rmtree(f->root);
    free(f->root);
}

typedef struct {
    uint32_t id, doc;
    double score;
} flat_hit;

/* The flat ranking of every full match, copied out of the searcher. */
static size_t flat(fixture *f, const char *q, aj_rank_mode rank, flat_hit **out) {
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.rank = rank;
    o.partial = 0;
    o.limit = UINT32_MAX;
    o.correct = AJ_CORRECT_OFF;
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "%s: %s", q, c.msg);
    cr_assert_eq(r->nhits, r->total, "%s: every match listed", q);
    flat_hit *v = malloc((r->nhits + 1) * sizeof *v);
    for (size_t i = 0; i < r->nhits; i++) {
        aj_para_info p;
        cr_assert_eq(aj_para_get(&c, f->ix, r->hits[i].id, &p), AJ_OK);
        v[i] = (flat_hit){r->hits[i].id, p.doc, r->hits[i].score};
    }
    *out = v;
    return r->nhits;
}

static void check_query(fixture *f, const char *q, aj_rank_mode rank) {
    flat_hit *fl;
    size_t n = flat(f, q, rank, &fl);
    /* documents in order of first appearance */
    uint32_t docs[64], ndocs = 0, count[64] = {0};
    for (size_t i = 0; i < n; i++) {
        uint32_t k = 0;
        while (k < ndocs && docs[k] != fl[i].doc) k++;
        if (k == ndocs) docs[ndocs++] = fl[i].doc;
        count[k]++;
    }
    static const uint32_t per[] = {1, 3, 7};
    static const uint32_t pages[][2] = {{0, 1}, {0, 5}, {2, 3}, {0, 1000}, {39, 5}, {5, 0}};
    for (size_t a = 0; a < sizeof per / sizeof *per; a++) {
        for (size_t b = 0; b < sizeof pages / sizeof *pages; b++) {
            aj_ctx c = {0};
            aj_search_opts o;
            aj_search_opts_init(&o);
            o.rank = rank;
            o.correct = AJ_CORRECT_OFF;
            o.group = per[a];
            o.offset = pages[b][0];
            o.limit = pages[b][1];
            const aj_results *r;
            cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "%s", c.msg);
            cr_assert_eq(r->total, n, "%s: total", q);
            cr_assert_eq(r->total_groups, ndocs, "%s: documents", q);
            cr_assert_not_null(r->doc_matches, "%s: counts by document", q);
            size_t from = o.offset < ndocs ? o.offset : ndocs;
            size_t to = ndocs - from > o.limit ? from + o.limit : ndocs;
            cr_assert_eq(r->ngroups, to - from, "%s (group %u, offset %u, limit %u): page",
                         q, o.group, o.offset, o.limit);
            size_t nh = 0;
            for (size_t g = 0; g < r->ngroups; g++) {
                const aj_group *gr = &r->groups[g];
                size_t k = from + g;
                cr_assert_eq(gr->doc, docs[k], "%s (group %u, offset %u): document %zu is %u, "
                             "want %u", q, o.group, o.offset, k, gr->doc, docs[k]);
                cr_assert_eq(gr->matches, count[k], "%s: matches of document %u", q, gr->doc);
                cr_assert_eq(r->doc_matches[gr->doc], count[k]);
                size_t want = count[k] < per[a] ? count[k] : per[a];
                cr_assert_eq(gr->nhits, want, "%s: hits of document %u", q, gr->doc);
                cr_assert_eq(gr->hits, r->hits + nh, "%s: groups share results.hits", q);
                size_t j = 0;
                for (size_t i = 0; i < n && j < want; i++) {
                    if (fl[i].doc != gr->doc) continue;
                    cr_assert_eq(gr->hits[j].id, fl[i].id, "%s (%s, group %u): hit %zu of "
                                 "document %u is %u, want %u", q,
                                 rank == AJ_RANK_FULL ? "full" : "bm25", o.group, j, gr->doc,
                                 gr->hits[j].id, fl[i].id);
                    cr_assert_eq(gr->hits[j].score, fl[i].score, "%s: score", q);
                    j++;
                }
                cr_assert_eq(gr->score, gr->hits[0].score, "%s: a document's score", q);
                nh += gr->nhits;
            }
            cr_assert_eq(r->nhits, nh, "%s: hits", q);
            cr_assert_eq(r->npartial, 0, "%s: no partial matches", q);
        }
    }
    free(fl);
}

static const char *QUERIES[] = {
    "harbour",          "patrol guard",         "maritime security", "sea OR ocean",
    "\"coast guard\"",  "NEAR(harbour patrol, 3)", "port*",           "law -trade",
    "vessel navy sea",  "fisheries",            "summit trade law",  "guard",
};

Test(group, agrees_with_the_flat_ranking, .timeout = 120) {
    fixture f = build();
    for (size_t i = 0; i < sizeof QUERIES / sizeof *QUERIES; i++) {
        check_query(&f, QUERIES[i], AJ_RANK_FULL);
        check_query(&f, QUERIES[i], AJ_RANK_BM25);
    }
    done(&f);
}

Test(group, explain_and_no_match) {
    fixture f = build();
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.group = 2;
    o.explain = 1;
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f.s, "harbour patrol", 14, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_gt(r->nhits, 0);
    for (size_t i = 0; i < r->nhits; i++)
        cr_assert_gt(r->hits[i].nexplain, 0, "hit %zu has its explanation", i);
    o.correct = AJ_CORRECT_OFF;
    cr_assert_eq(aj_search(&c, f.s, "zzyzx", 5, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_eq(r->total, 0);
    cr_assert_eq(r->total_groups, 0);
    cr_assert_eq(r->ngroups, 0);
    cr_assert_eq(r->nhits, 0);
    /* and back to paragraphs: no groups */
    o.group = 0;
    cr_assert_eq(aj_search(&c, f.s, "harbour", 7, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_null(r->groups);
    cr_assert_eq(r->ngroups, 0);
    done(&f);
}
