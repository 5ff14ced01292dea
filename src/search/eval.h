/*
 * eval.h - query evaluation with cursors.
 *
 * Every clause of a parsed query becomes a cursor over paragraph ids in
 * increasing order.  All cursors speak one interface (next, advance to a
 * target, current id) so AND, OR and AND-NOT compose freely:
 *  - a term reads its posting list directly;
 *  - a phrase, a prefix, a typo-tolerant word or a NEAR is evaluated once
 *    up front into a list of (paragraph, tf), because BM25 needs its df
 *    before scoring anything;
 *  - AND leapfrogs its children from the rarest, then rejects candidates
 *    its NOT children contain; OR merges.
 * The implementation is cut by feature into eval.c and eval_*.c, which
 * share the internal header eval_impl.h (it says which file holds what).
 */
#ifndef AJ_EVAL_H
#define AJ_EVAL_H

#include "analysis/analyzer.h"
#include "common/bytes.h"
#include "index/index.h"
#include "format/postings.h"
#include "query/query.h"

/* A typo-tolerant word scores as the best of its three classes of
 * matches in a paragraph: the terms reached with 0, 1 or 2 edits (each
 * class's tf summed over its terms, one idf for the whole clause), each
 * edit halving the score, so a paragraph with the word as typed ranks
 * above one with the same number of variants. */
#define AJ_FUZZY_WEIGHT(d) ((d) == 0 ? 1.0 : (d) == 1 ? 0.5 : 0.25)

typedef struct aj_cur aj_cur;

typedef struct aj_eval {
    aj_index *ix;
    aj_analyzer *an;        /* maps the words of prefixes and typo-tolerant
                               words to their terms */
    aj_query *q;
    aj_cur *root;
    double k1, b, avgdl;
    uint64_t n;             /* paragraphs searched (BM25's N) */
    double *idf;            /* by leaf */
    uint32_t *df;           /* by leaf */
    uint64_t decoded;       /* postings decoded (all leaves) */
    uint64_t expanded;      /* against AJ_MAX_QUERY_EXPANSION */
    /* Page chrome left out (aj_search_opts.chrome = 0): its runs (CHROME
     * records, index.h), or NULL when there is none to leave out.  The
     * statistics above (avgdl, df, idf) are then those of the other
     * paragraphs. */
    const uint8_t *chrome;
    uint32_t nchrome;
    /* The paragraphs a search leaves out of its matches: the chrome runs
     * alone, or with a filter (aj_search_opts.since, ...) those runs
     * merged with the paragraphs of the documents it rejects (filter.h).
     * The statistics are not changed by a filter. */
    const uint8_t *skip;
    uint32_t nskip;
    uint32_t skip_at;       /* the root's place in the skip runs */
} aj_eval;

/* Runs of paragraph ids, in the CHROME records' layout (FORMAT.md
 * "meta.aj", section 7): sorted, neither overlapping nor touching. */
typedef struct aj_runs {
    const uint8_t *runs;
    uint32_t n;
} aj_runs;

/* Builds the cursor tree of q over ix (materializing phrases and
 * prefixes) and positions it on the first match (ev->skip left out).  With chrome 0, the
 * page chrome of the index is neither matched nor counted in BM25's
 * statistics; with 1 it is searched like any paragraph. */
aj_err aj_eval_open(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_analyzer *an,
                    aj_query *q, double k1, double b, int chrome);

/* aj_eval_open for a filtered search: skip (the chrome runs, unless
 * chrome, merged with the rejected documents' paragraphs: filter.h)
 * replaces the chrome runs as what the matches leave out.  skip NULL is
 * aj_eval_open. */
aj_err aj_eval_open_skip(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_analyzer *an,
                         aj_query *q, double k1, double b, int chrome, const aj_runs *skip);

/* The first paragraph id >= d that is not in one of the n chrome runs:
 * d, or the end of the run that holds it.  *at is a place in the runs
 * that only moves forward, so the ids asked about must not decrease; a
 * far jump gallops, so a query costs O(log runs) a skip, not O(runs). */
static inline uint32_t aj_chrome_skip(const uint8_t *runs, uint32_t n, uint32_t *at, uint32_t d) {
#define AJ_RUN_END_(i) (aj_get_u32le(runs + (uint64_t)(i) * AJ_RUN_BYTES) + \
                        aj_get_u32le(runs + (uint64_t)(i) * AJ_RUN_BYTES + 4))
    uint32_t lo = *at;
    if (lo >= n || AJ_RUN_END_(lo) > d) goto found;
    /* runs [lo] ends at or before d: gallop to a run that ends after d */
    uint32_t step = 1, hi;
    while (lo + step < n && AJ_RUN_END_(lo + step) <= d) {
        lo += step;
        step *= 2;
    }
    hi = lo + step < n ? lo + step : n;
    lo++;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (AJ_RUN_END_(mid) <= d) lo = mid + 1; else hi = mid;
    }
found:
    *at = lo;
    /* (a damaged table may be out of order or wrap: whatever it holds,
     * the answer is d or an id past d, so callers always move on) */
    if (lo < n && aj_get_u32le(runs + (uint64_t)lo * AJ_RUN_BYTES) <= d && AJ_RUN_END_(lo) > d)
        return AJ_RUN_END_(lo);
    return d;
#undef AJ_RUN_END_
}
void aj_eval_close(aj_eval *ev);

/* Current match (AJ_DOC_END when exhausted). */
uint32_t aj_eval_doc(const aj_eval *ev);
/* Moves to the next match. */
aj_err aj_eval_next(aj_ctx *c, aj_eval *ev);
/* Moves to the first match >= target. */
aj_err aj_eval_advance(aj_ctx *c, aj_eval *ev, uint32_t target);

/* Goes back to the first match, for a second pass over the same query
 * (materialized lists are kept, word cursors opened again). */
aj_err aj_eval_rewind(aj_ctx *c, aj_eval *ev);

/* BM25 score of the current match (its length is dl). */
double aj_eval_score(const aj_eval *ev, uint32_t dl);

/* Per-leaf tf and score of the current match (its length is dl) for the
 * leaves that contribute to its score; tf[leaf] = 0 for the others.  A
 * typo-tolerant word reports the tf of its best class. */
void aj_eval_leaf_tfs(const aj_eval *ev, uint32_t dl, uint32_t *tf,
                      double *score);

/* The terms a prefix or a typo-tolerant word stands for: the terms of the
 * words of the words dictionary it matches (and for a typo-tolerant word
 * its own term, at distance 0), sorted, each once with the fewest edits
 * it was reached with.  AJ_ELIMIT beyond AJ_MAX_PREFIX_TERMS words. */
typedef struct aj_termset {
    char **terms;
    uint8_t *dist;
    uint32_t n, cap;
} aj_termset;
aj_err aj_eval_expand(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                      const aj_qnode *n, aj_termset *out);
void aj_termset_free(aj_termset *t);

/* ---- dynamic pruning (topk.c) ---- */

/* If the query is a single leaf or an OR of leaves, points *leaves at its
 * leaf cursors and returns 1; else returns 0. */
int aj_eval_flat(aj_eval *ev, aj_cur ***leaves, uint32_t *n);
uint32_t aj_cur_doc(const aj_cur *k);
uint32_t aj_cur_leaf(const aj_cur *k);
/* The leaf's BM25 contribution to its current paragraph (length dl). */
double aj_cur_score(const aj_eval *ev, const aj_cur *k, uint32_t dl);
aj_err aj_cur_next(aj_ctx *c, aj_cur *k);
aj_err aj_cur_advance(aj_ctx *c, aj_cur *k, uint32_t target);
/* The leaf's postings cursor for a term (NULL for a phrase or prefix). */
aj_pcursor *aj_cur_postings(aj_cur *k);
/* After moving the postings cursor directly: refreshes the leaf's id. */
void aj_cur_sync(aj_cur *k);
/* The largest BM25 contribution the leaf can make to any paragraph. */
double aj_cur_bound(const aj_eval *ev, const aj_cur *k);

/* The largest score the whole query can give any paragraph: the sum of
 * its positive leaves' bounds (aj_cur_bound). */
double aj_eval_bound(const aj_eval *ev);

/* The BM25 formula (FORMAT-independent, shared with tests). */
double aj_bm25_idf(uint64_t n, uint64_t df);
double aj_bm25(double idf, uint32_t tf, uint32_t dl, double avgdl, double k1,
               double b);

#endif
