/*
 * group.h - results by document (aj_search_opts.group): documents in order
 * of their best paragraph, each with its best few, found exactly without
 * ranking every match.
 *
 * The method.  One pass over the matches gives each its BM25 and groups
 * them by document (a document's paragraphs have consecutive ids, so its
 * matches are consecutive too).  Under the BM25 ranking that is every
 * score, and the rest is sorting.  Under the default ranking a
 * paragraph's score is its BM25 times factors that need its positions
 * (rank.h), at most aj_rank_max_factor() times its BM25, and at least
 * aj_rescore_least(): so each document's best score has an upper bound,
 * and only some matches need their positions read:
 *
 *  1. The K = offset + limit documents with the highest bounds have their
 *     highest-BM25 paragraph scored exactly.  Each of those K documents
 *     reaches that score, so theta, the K-th largest of them, is reached
 *     by K documents: a document whose bound is below theta cannot be
 *     listed, and is left alone.
 *  2. In each other document, the n-th largest least score (n =
 *     opts.group) is one that n of its paragraphs reach, so a paragraph
 *     whose bound is below it cannot be among its n best; every other
 *     paragraph of the document (its best among them) is scored exactly.
 *
 * Documents then rank by their best exact score, a tie going to the one
 * whose best paragraph has the lower id, as in the flat list: the groups
 * show documents in the order their best paragraphs have there.
 */
#ifndef AJ_GROUP_H
#define AJ_GROUP_H

#include "ajsearch.h"
#include "search/eval.h"
#include "search/rank.h"

/* A match of a grouped search. */
typedef struct {
    uint32_t id;
    int32_t hit;             /* its exact score's aj_hit in rescored[], or
                                -1 while it has none */
    double bm25;
} aj_gmatch;

/* A document with matches: [first, first + n) of the matches. */
typedef struct {
    uint32_t doc, first, n;
    uint32_t best;           /* match index of its highest BM25 (lowest id
                                among equals), then of its best score */
    double bound;            /* its best score is at most this */
    double score;            /* its best exact score, once known */
} aj_gdoc;

/* The buffers of grouped searches, kept by a searcher from one search to
 * the next.  Zero it before the first use. */
typedef struct {
    aj_gmatch *m;
    size_t nm, capm;
    aj_gdoc *d;
    size_t nd, capd;
    aj_hit *rescored;        /* exact scores, by aj_gmatch.hit */
    size_t nres, capres;
    aj_hit *hits;            /* the page's hits, group by group */
    size_t caphits;
    aj_group *groups;        /* the page's groups */
    size_t capgroups;
    uint32_t *order;         /* documents, then one document's matches,
                                while they are sorted */
    size_t caporder;
    double *least;           /* one document's least scores */
    size_t capleast;
} aj_grouping;

/* Runs the grouped ranking of ev's query (opened, at its first match):
 * counts every match into r->total and counts[doc] (zeroed, one per
 * document), and fills r->hits, r->nhits, r->groups, r->ngroups and
 * r->total_groups for the documents [o->offset, o->offset + o->limit),
 * each with its o->group best paragraphs.  full: the default ranking
 * (rk, o's weights), else BM25.  The results point into g. */
aj_err aj_group_rank(aj_ctx *c, aj_grouping *g, aj_index *ix, aj_eval *ev,
                     const aj_rank *rk, const aj_search_opts *o, int full,
                     uint32_t *counts, aj_results *r);

void aj_grouping_free(aj_grouping *g);

#endif
