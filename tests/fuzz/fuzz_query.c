/*
 * fuzz_query.c - any byte string as a query: parse, evaluate, explain,
 * highlight and choose a snippet, against a small real index built once.
 *
 * Promises checked for every input:
 *  - aj_search returns results or AJ_ESYNTAX / AJ_ELIMIT with a message
 *    and a position inside the query; never another error on a sound
 *    index (AJ_ECORRUPT here would be a decoder bug), never a crash.
 *  - hits are valid paragraph ids, ordered by score, at most `limit`;
 *    with exact_total the total is the same whatever the offset and limit,
 *    and the pruned search (exact_total 0) finds the same top scores and a
 *    total that is a lower bound.
 *  - explanations sum to the score; highlight spans lie inside the text,
 *    sorted and disjoint; the snippet window lies inside the text.
 * Those are checked on the textbook ranking (AJ_RANK_BM25).  The default
 * ranking (AJ_RANK_FULL) is checked for its own promises: full matches
 * first, ordered by score, then partial matches ordered by their share
 * of the query and then by score, explanations summing to each hit's
 * bm25, factors within 0..1, its full matches exactly the textbook
 * ranking's matches, and every page (offset, limit, pruned or not) a
 * slice of the complete ranking.
 */
#include <math.h>

#include "fuzz_common.h"
#include "search/rank.h"

static aj_index *ix;
static aj_searcher *srch;
static uint32_t nparas;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    /* 3 documents of 100 generated paragraphs: "the" has about 300
     * postings, so three blocks with a skip table. */
    ix = fz_build_index("query", 3, 100, NULL);
    aj_ctx c = {0};
    FZ_CHECK(aj_searcher_new(&c, ix, &srch) == AJ_OK, "%s", c.msg);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    nparas = st.nparas;
    return 0;
}

typedef struct {
    uint64_t total;
    int total_exact;
    size_t nhits;
    uint32_t ids[64];
    double scores[64];
} summary;

static int close_enough(double a, double b) {
    return fabs(a - b) <= 1e-9 * (1.0 + fabs(a) + fabs(b));
}

static void check_spans(const char *text, size_t len) {
    aj_span spans[32];
    size_t n = aj_search_highlight(srch, text, len, spans, 32);
    size_t m = n < 32 ? n : 32;
    for (size_t i = 0; i < m; i++) {
        FZ_CHECK(spans[i].start < spans[i].end && spans[i].end <= len,
                 "span %zu [%u,%u) outside text of %zu bytes", i,
                 spans[i].start, spans[i].end, len);
        FZ_CHECK(i == 0 || spans[i].start >= spans[i - 1].end,
                 "spans %zu and %zu are unsorted or overlap", i - 1, i);
    }
    size_t caps[] = {0, 40, 120, 400};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        size_t ws = 99, we = 99;
        aj_snippet_window(text, len, spans, m, caps[k], &ws, &we);
        FZ_CHECK(ws <= we && we <= len, "snippet [%zu,%zu) of %zu bytes", ws,
                 we, len);
        FZ_CHECK(len <= caps[k] || we - ws <= caps[k],
                 "snippet of %zu bytes exceeds %zu", we - ws, caps[k]);
    }
}

/* Runs one search; returns 0 if the query was rejected. */
static int run(const uint8_t *q, size_t n, const aj_search_opts *o,
               summary *out, int highlight) {
    aj_ctx c = {0};
    const aj_results *r = NULL;
    aj_err e = aj_search(&c, srch, (const char *)q, n, o, &r);
    if (e) {
        FZ_CHECK(e == AJ_ESYNTAX || e == AJ_ELIMIT,
                 "unexpected error %s: %s", aj_strerror(e), c.msg);
        FZ_CHECK(c.msg[0] != 0, "error without a message");
        FZ_CHECK(c.pos <= n || (e == AJ_ELIMIT && c.pos <= AJ_MAX_QUERY_BYTES),
                 "error position %zu past the query (%zu bytes)", c.pos, n);
        return 0;
    }
    FZ_CHECK(r != NULL, "no results");
    FZ_CHECK(r->nhits <= o->limit, "%zu hits for limit %u", r->nhits,
             o->limit);
    FZ_CHECK(r->total <= nparas, "total %llu above %u paragraphs",
             (unsigned long long)r->total, nparas);
    FZ_CHECK(r->total >= (uint64_t)o->offset + r->nhits ||
                 r->nhits == 0,
             "total %llu below offset %u + %zu hits",
             (unsigned long long)r->total, o->offset, r->nhits);
    out->total = r->total;
    out->total_exact = r->total_exact;
    out->nhits = r->nhits;
    for (size_t i = 0; i < r->nhits; i++) {
        const aj_hit *h = &r->hits[i];
        FZ_CHECK(h->id < nparas, "hit id %u", h->id);
        FZ_CHECK(isfinite(h->score), "score %g", h->score);
        FZ_CHECK(i == 0 || h->score <= r->hits[i - 1].score + 1e-12,
                 "hits not sorted by score at %zu", i);
        if (i < 64) {
            out->ids[i] = h->id;
            out->scores[i] = h->score;
        }
        if (o->explain) {
            double sum = 0;
            for (size_t k = 0; k < h->nexplain; k++) {
                FZ_CHECK(h->explain[k].clause != NULL, "explain clause");
                FZ_CHECK(h->explain[k].tf > 0, "explain tf 0");
                sum += h->explain[k].score;
            }
            FZ_CHECK(close_enough(sum, h->score),
                     "explanations sum to %.17g, score %.17g", sum, h->score);
        } else {
            FZ_CHECK(h->explain == NULL && h->nexplain == 0,
                     "explanations without explain");
        }
    }
    if (highlight) {
        /* The results live until the next search, so copy the ids. */
        uint32_t ids[4];
        size_t k = r->nhits < 4 ? r->nhits : 4;
        for (size_t i = 0; i < k; i++) ids[i] = r->hits[i].id;
        for (size_t i = 0; i < k; i++) {
            char *text = NULL;
            size_t len = 0;
            aj_ctx tc = {0};
            FZ_CHECK(aj_para_text(&tc, ix, ids[i], &text, &len) == AJ_OK,
                     "%s", tc.msg);
            check_spans(text, len);
            free(text);
        }
        /* Highlighting arbitrary text (the query itself) is allowed too. */
        check_spans((const char *)q, n);
    }
    return 1;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The default ranking on a query the textbook ranking accepted; `all`
 * holds every match of the textbook ranking (sorted ids) when it found
 * them all. */
static void run_full(const uint8_t *q, size_t n, uint32_t *all, size_t nall) {
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.limit = UINT32_MAX;
    o.explain = 1;
    aj_ctx c = {0};
    const aj_results *r = NULL;
    FZ_CHECK(aj_search(&c, srch, (const char *)q, n, &o, &r) == AJ_OK,
             "full ranking rejected a query: %s", c.msg);
    FZ_CHECK(r->npartial <= r->nhits, "%zu partial of %zu hits", r->npartial, r->nhits);
    size_t nfull = r->nhits - r->npartial;
    FZ_CHECK(nfull <= r->total, "%zu full hits for total %llu", nfull,
             (unsigned long long)r->total);
    uint32_t *ids = malloc((nfull + 1) * sizeof *ids);
    FZ_CHECK(ids != NULL, "oom");
    for (size_t i = 0; i < r->nhits; i++) {
        const aj_hit *h = &r->hits[i];
        FZ_CHECK(h->id < nparas, "hit id %u", h->id);
        FZ_CHECK(isfinite(h->score) && isfinite(h->bm25), "score %g", h->score);
        FZ_CHECK(h->proximity >= 0 && h->proximity <= 1 && h->heading >= 0 &&
                     h->heading <= 1,
                 "factors %g %g", h->proximity, h->heading);
        int partial = i >= nfull;
        FZ_CHECK(partial ? h->matched < h->clauses : h->matched == h->clauses,
                 "hit %zu matches %u of %u clauses", i, h->matched, h->clauses);
        FZ_CHECK(h->kind >= 0 && h->kind <= 1 && h->share > 0 && h->share <= 1 &&
                     (partial || h->share == 1),
                 "kind %g share %g", h->kind, h->share);
        if (i && i != nfull) {
            const aj_hit *p = &r->hits[i - 1];
            FZ_CHECK(p->share > h->share ||
                         (p->share == h->share && p->score >= h->score),
                     "hits out of order at %zu", i);
        }
        double sum = 0;
        for (size_t k = 0; k < h->nexplain; k++) sum += h->explain[k].score;
        FZ_CHECK(close_enough(sum, h->bm25), "explanations sum to %.17g, bm25 %.17g",
                 sum, h->bm25);
        if (!partial) ids[i] = h->id;
    }
    /* Every page is a slice of the complete ranking, pruned or not. */
    size_t nr = r->nhits;
    uint32_t *rid = malloc((nr + 1) * sizeof *rid);
    double *rsc = malloc((nr + 1) * sizeof *rsc);
    FZ_CHECK(rid && rsc, "oom");
    for (size_t i = 0; i < nr; i++) {
        rid[i] = r->hits[i].id;
        rsc[i] = r->hits[i].score;
    }
    static const uint32_t pages[][3] = {{0, 1, 1}, {3, 5, 1}, {0, 10, 0}, {2, 4, 0}, {7, 1, 0}};
    for (size_t p = 0; p < sizeof pages / sizeof *pages; p++) {
        aj_search_opts po;
        aj_search_opts_init(&po);
        po.offset = pages[p][0];
        po.limit = pages[p][1];
        po.exact_total = (int)pages[p][2];
        const aj_results *pr;
        FZ_CHECK(aj_search(&c, srch, (const char *)q, n, &po, &pr) == AJ_OK,
                 "full ranking rejected a page: %s", c.msg);
        size_t want = nr > po.offset ? nr - po.offset : 0;
        if (want > po.limit) want = po.limit;
        FZ_CHECK(pr->nhits == want, "page %u+%u: %zu hits, complete ranking gives %zu",
                 po.offset, po.limit, pr->nhits, want);
        for (size_t i = 0; i < want; i++)
            FZ_CHECK(pr->hits[i].id == rid[po.offset + i] &&
                         pr->hits[i].score == rsc[po.offset + i],
                     "page %u+%u differs from the complete ranking at %zu", po.offset,
                     po.limit, i);
    }
    free(rid);
    free(rsc);
    if (all) {
        qsort(ids, nfull, sizeof *ids, cmp_u32);
        FZ_CHECK(nfull == nall && (!nall || !memcmp(ids, all, nall * sizeof *ids)),
                 "full ranking's matches differ from the textbook ranking's");
    }
    free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aj_search_opts top10, all, paged, pruned, pruned_paged, counting;
    aj_search_opts_init(&top10);
    top10.rank = AJ_RANK_BM25;
    all = top10;
    all.limit = UINT32_MAX;          /* more than there are paragraphs */
    paged = top10;
    paged.offset = 3;
    paged.limit = 5;
    paged.explain = 1;
    pruned = top10;
    pruned.exact_total = 0;
    pruned_paged = paged;
    pruned_paged.exact_total = 0;
    counting = top10;
    counting.limit = 0;

    summary s_top, s_all, s_paged, s_pruned, s_pp, s_count;
    if (!run(data, size, &top10, &s_top, 1)) {
        /* Rejection does not depend on the options. */
        FZ_CHECK(!run(data, size, &pruned, &s_pruned, 0),
                 "query rejected only with exact_total");
        return 0;
    }
    /* A query that parses gets suggestions without error, each naming
     * bytes of the query. */
    aj_ctx sc = {0};
    aj_suggestion *sg = NULL;
    FZ_CHECK(aj_suggest(&sc, srch, (const char *)data, size, &sg) == AJ_OK,
             "suggest: %s", sc.msg);
    for (size_t i = 0; sg && i < sg->nfixes; i++)
        FZ_CHECK(sg->fixes[i].pos + sg->fixes[i].len <= size && sg->fixes[i].len > 0 &&
                     (i == 0 || sg->fixes[i].pos >= sg->fixes[i - 1].pos + sg->fixes[i - 1].len),
                 "suggestion %zu out of place", i);
    FZ_CHECK(!sg || sg->nfixes > 0, "empty suggestion");
    aj_suggestion_free(sg);
    FZ_CHECK(run(data, size, &all, &s_all, 0), "rejected with other options");
    {
        uint32_t sorted[64];
        size_t m = s_all.nhits < 64 ? s_all.nhits : 64;
        memcpy(sorted, s_all.ids, m * sizeof *sorted);
        qsort(sorted, m, sizeof *sorted, cmp_u32);
        run_full(data, size, s_all.nhits <= 64 ? sorted : NULL, m);
    }
    FZ_CHECK(run(data, size, &paged, &s_paged, 1), "rejected when paged");
    FZ_CHECK(run(data, size, &pruned, &s_pruned, 1), "rejected when pruned");
    FZ_CHECK(run(data, size, &pruned_paged, &s_pp, 0),
             "rejected when pruned and paged");
    FZ_CHECK(run(data, size, &counting, &s_count, 0), "rejected with limit 0");

    /* Exact totals agree and cover every hit. */
    FZ_CHECK(s_top.total_exact && s_all.total_exact && s_paged.total_exact &&
                 s_count.total_exact,
             "exact_total set but total not exact");
    FZ_CHECK(s_top.total == s_all.total && s_all.total == s_paged.total &&
                 s_all.total == s_count.total,
             "totals differ: %llu %llu %llu %llu",
             (unsigned long long)s_top.total, (unsigned long long)s_all.total,
             (unsigned long long)s_paged.total,
             (unsigned long long)s_count.total);
    FZ_CHECK(s_all.nhits == s_all.total, "limit above total: %zu hits of %llu",
             s_all.nhits, (unsigned long long)s_all.total);
    FZ_CHECK(s_count.nhits == 0, "limit 0 returned hits");
    /* Paging is a window of the full ranking (compared by score: ties may
     * be ordered either way). */
    for (size_t i = 0; i < s_paged.nhits && 3 + i < 64; i++)
        FZ_CHECK(close_enough(s_paged.scores[i], s_all.scores[3 + i]),
                 "page hit %zu score %.17g, full ranking %.17g", i,
                 s_paged.scores[i], s_all.scores[3 + i]);
    FZ_CHECK(s_paged.nhits == (s_all.total > 3 ? (s_all.total - 3 < 5
                                                       ? s_all.total - 3
                                                       : 5)
                                               : 0),
             "page of %zu hits for total %llu", s_paged.nhits,
             (unsigned long long)s_all.total);
    /* Pruning may undercount the total, never the top hits. */
    FZ_CHECK(s_pruned.total <= s_all.total && s_pp.total <= s_all.total,
             "pruned total %llu above exact %llu",
             (unsigned long long)s_pruned.total,
             (unsigned long long)s_all.total);
    FZ_CHECK(s_pruned.nhits == s_top.nhits, "pruned: %zu hits, exact %zu",
             s_pruned.nhits, s_top.nhits);
    for (size_t i = 0; i < s_top.nhits; i++)
        FZ_CHECK(close_enough(s_pruned.scores[i], s_top.scores[i]),
                 "pruned hit %zu score %.17g, exact %.17g", i,
                 s_pruned.scores[i], s_top.scores[i]);
    FZ_CHECK(s_pp.nhits == s_paged.nhits, "pruned page: %zu hits, exact %zu",
             s_pp.nhits, s_paged.nhits);
    for (size_t i = 0; i < s_pp.nhits; i++)
        FZ_CHECK(close_enough(s_pp.scores[i], s_paged.scores[i]),
                 "pruned page hit %zu score %.17g, exact %.17g", i,
                 s_pp.scores[i], s_paged.scores[i]);
    return 0;
}
