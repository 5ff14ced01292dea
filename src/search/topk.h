/*
 * topk.h - keeping the k best hits, and finding them without scoring
 * every match (dynamic pruning).
 *
 * Hits rank by score, then by paragraph id (lower first).  Matches are
 * visited in increasing id order, so a match whose score only ties the
 * current k-th best can never enter: every pruning test below may drop
 * candidates whose upper bound is at most the threshold.  With the
 * default ranking the kept scores are final scores and the bounds are
 * BM25 bounds times the largest factor (rank.h), so the k best by final
 * score are exact too.
 *
 * Two algorithms, both exact (the same top k, the same scores, as scoring
 * everything):
 *  - one term: block-max.  Each block of 128 postings carries its largest
 *    tf and shortest paragraph; a block whose bound cannot beat the
 *    threshold is skipped without being decoded.
 *  - an OR of clauses (and long pasted queries): MaxScore.  Clauses sorted
 *    by their upper bound; those whose bounds together cannot beat the
 *    threshold stop generating candidates and are only probed for
 *    candidates the others found, and only while the candidate can still
 *    make it.
 */
#ifndef AJ_TOPK_H
#define AJ_TOPK_H

#include "ajsearch.h"
#include "search/eval.h"

/* Computes a candidate's final score (and whatever else it sets) from its
 * id, bm25, share and matched; called in increasing id order.  When
 * its score cannot exceed floor, it may stop early and set *keep to 0. */
typedef aj_err (*aj_rescore_fn)(aj_ctx *c, void *arg, aj_hit *h, double floor,
                                int *keep);

typedef struct aj_topk {
    aj_hit *h;               /* a min-heap on rank: h[0] is the worst kept */
    size_t n, k;
    /* Re-scoring (the default ranking): a hit's final score is at most
     * bm25 * maxf * share, so a candidate is re-scored only when that
     * bound can beat the worst kept hit, and pruning compares bounds
     * times maxf with the worst kept score.  Without it (maxf 1, rescore
     * NULL) the score is the bm25. */
    double maxf;
    uint32_t clauses;          /* the matched and clauses of a full match */
    double floor;            /* a score known to be reached by k paragraphs
                                (-infinity by default): a candidate whose
                                bound is below it is dropped */
    aj_rescore_fn rescore;
    void *arg;
} aj_topk;

void aj_topk_init(aj_topk *t, aj_hit *buf, size_t k);
/* Turns re-scoring on (see above); a full match holds `clauses` clauses. */
void aj_topk_rescoring(aj_topk *t, double maxf, uint32_t clauses, aj_rescore_fn fn,
                       void *arg);
/* Keeps hit if it ranks among the k best so far.  Hits rank by share,
 * then score, then lower id. */
void aj_topk_push(aj_topk *t, const aj_hit *hit);
/* Offers a match: cand holds its id, bm25, share (1 for a full match),
 * matched, clauses, and in score an upper bound of its final score.  It is
 * re-scored and kept if it can rank among the k best.  Matches must come
 * in increasing id order. */
aj_err aj_topk_offer(aj_ctx *c, aj_topk *t, const aj_hit *cand);
/* The final score a new full match must beat (the floor until k hits
 * are kept). */
double aj_topk_threshold(const aj_topk *t);
/* Whether a paragraph whose score is at most bound cannot beat a
 * threshold (with the margin every pruning test here uses). */
int aj_topk_prunable(double bound, double threshold);
/* Sorts the kept hits best first. */
void aj_topk_sort(aj_topk *t);

/* Runs ev's query (it must be flat, see aj_eval_flat) with pruning,
 * offering its matches to t (as full matches).  *matched gets the number
 * of matches scored (a lower bound of all matches). */
aj_err aj_topk_pruned(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_topk *t,
                      uint64_t *matched);

#endif
