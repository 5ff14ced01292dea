/*
 * highlight.h - the spans of a paragraph that satisfied a query.
 *
 * aj_search_highlight() (ajsearch.h) is this module applied to the
 * searcher's last query.  The rules, which README "Output: snippets"
 * states for users:
 *
 *  - Only positive leaves count: a clause under a NOT (or '-') is never
 *    marked.  Each positive leaf is evaluated on its own over the
 *    paragraph's tokens, as the evaluator does over the index's positions
 *    (the paragraph is analyzed by the indexing analyzer, so token i is
 *    position i): a leaf marks exactly the occurrences that match it.
 *  - A word marks the tokens with its term (so both spellings of a
 *    British/American pair, which fold to one term); a prefix the tokens
 *    whose word starts with it; a typo-tolerant word the tokens whose term
 *    it stands for.
 *  - A phrase marks each occurrence as one span, from its first word's
 *    start to its last word's end.  Occurrences that overlap ("a a" in
 *    "a a a") make one span; the phrase's words elsewhere are not marked.
 *    Expansions are ordinary leaves: an acronym's long form is a phrase.
 *  - A NEAR marks the occurrences of its items that take part in a window
 *    that qualifies (a choice of one occurrence of every item spanning at
 *    most near + the items' lengths positions, README "Query language");
 *    item occurrences outside every such window are not marked.
 *  - A common word (a word clause of the query that is one of the English
 *    function words of aj_highlight_common_word) is marked only where it
 *    joins other marks: an occurrence, or a run of consecutive occurrences
 *    of such words, with a position marked by another clause just before
 *    it and another just after it, and nothing but spaces or hyphens
 *    between them ("rule [[of]] law").  In a paragraph where no other
 *    clause marks anything (a query of such words only, or a paragraph
 *    that matches only them), each occurrence is marked: that is what it
 *    matched.
 *  - The spans are sorted and do not overlap: overlapping or nested
 *    matches merge, so a word inside a phrase span is part of that span.
 *
 * Cost: building a highlighter reads the words dictionary once per
 * typo-tolerant word and prefix inside a NEAR (as the search did); each
 * paragraph then costs one analysis plus time linear in its tokens and in
 * the occurrences of the query's clauses (a phrase anchored on its rarest
 * word, a NEAR in the occurrences of its items).
 */
#ifndef AJ_HIGHLIGHT_H
#define AJ_HIGHLIGHT_H

#include <stddef.h>

#include "ajsearch.h"
#include "index/index.h"
#include "query/query.h"

typedef struct aj_highlighter aj_highlighter;

/* Prepares to highlight paragraphs for q.  ix, an and q are borrowed and
 * must outlive the highlighter; an must not be analyzing at the same
 * time.  A typo-tolerant word or prefix that cannot be expanded (a limit)
 * is simply never marked: the search reported that error.  The caller
 * owns *out (aj_highlighter_free).  Errors: AJ_ENOMEM. */
aj_err aj_highlighter_new(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                          const aj_query *q, aj_highlighter **out);
void aj_highlighter_free(aj_highlighter *h);

/* The spans of text[0..len) under the rules above: writes up to cap of
 * them to out (sorted by start, disjoint) and returns how many there are
 * in all.  aj_span.term numbers the clause a span matched (the first
 * one, for merged spans): equal numbers for the same word, phrase or
 * prefix, whichever leaves they came from.  0 when text cannot be
 * analyzed or memory runs out: highlighting is never an error. */
size_t aj_highlighter_spans(aj_highlighter *h, const char *text, size_t len,
                            aj_span *out, size_t cap);

/* 1 if the folded word w[0..len) is one of the common words that are
 * marked only next to other marks. */
int aj_highlight_common_word(const char *w, size_t len);

#endif
