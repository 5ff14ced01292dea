/*
 * partial.h - partial matches: the paragraphs that hold some but not all
 * of the clauses of a query's top-level AND (and none of its negated
 * clauses), listed after the full matches by the default ranking.
 *
 * They rank by their share of the query (rank.h: the idf-weighted
 * fraction of the clauses they hold), then by final score, then by id,
 * and a paragraph holding only common clauses is not one.  The search is
 * exact: every paragraph is considered, but most are skipped unseen.  It
 * is MaxScore over the clauses, with a key of two parts: the clauses are
 * sorted by weight, and those that together cannot reach the worst kept
 * hit's share (or only tie it with no score to beat it) stop bringing
 * candidates and are only looked up in the paragraphs the others bring.
 * Common clauses never bring candidates.  When one clause alone brings
 * them and it is a word, its blocks whose bound cannot beat the worst kept
 * hit are skipped without being decoded (block-max).
 */
#ifndef AJ_PARTIAL_H
#define AJ_PARTIAL_H

#include "ajsearch.h"
#include "analysis/analyzer.h"
#include "index/index.h"
#include "query/query.h"
#include "search/eval.h"
#include "search/rank.h"

/* Writes the best `need` partial matches of q (whose root is an AND; rk
 * its clauses, weighed) into out[0..*got), best first, re-scored by rs
 * under o.  *decoded grows by the postings decoded.  Errors: those of
 * evaluating the clauses, AJ_ENOMEM. */
aj_err aj_partial_find(aj_ctx *c, aj_index *ix, aj_analyzer *an, const aj_query *q,
                       const aj_rank *rk, const aj_search_opts *o, const aj_runs *skip,
                       aj_rescorer *rs, aj_hit *out, size_t need, size_t *got,
                       uint64_t *decoded);

#endif
