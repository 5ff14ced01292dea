/*
 * topk.h - keeping the k best hits, and finding them without scoring
 * every match (dynamic pruning).
 *
 * Hits rank by score, then by paragraph id (lower first).  Matches are
 * visited in increasing id order, so a match whose score only ties the
 * current k-th best can never enter: every pruning test below may drop
 * candidates whose upper bound is at most the threshold.
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
#include "eval.h"

typedef struct aj_topk {
    aj_hit *h;               /* a min-heap on rank: h[0] is the worst kept */
    size_t n, k;
} aj_topk;

void aj_topk_init(aj_topk *t, aj_hit *buf, size_t k);
/* Offers a hit; keeps it if it ranks among the k best so far. */
void aj_topk_push(aj_topk *t, uint32_t id, double score);
/* The score a new hit must beat (-infinity until k hits are kept). */
double aj_topk_threshold(const aj_topk *t);
/* Sorts the kept hits best first. */
void aj_topk_sort(aj_topk *t);

/* Runs ev's query (it must be flat, see aj_eval_flat) with pruning,
 * filling t.  *matched gets the number of matches scored (a lower bound of
 * all matches). */
aj_err aj_topk_pruned(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_topk *t,
                      uint64_t *matched);

#endif
