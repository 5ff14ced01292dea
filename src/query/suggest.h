/*
 * suggest.h - words the corpus lacks, and "did you mean" (internal; the
 * public side is aj_search's results and aj_suggest() in ajsearch.h).
 *
 * The rule, in the order it applies to each plain word of a query (a word
 * written outside quotes: not a prefix, a typo-tolerant word, a number,
 * an expansion's alternative or part of a phrase; NEAR items count):
 *
 *  1. Found.  A word whose term some paragraph contains, or that an
 *     expansion found (an alternative added for it, or for a run of words
 *     holding it, matches a paragraph: "peace keeping" finds
 *     "peacekeeping", "Mê Kông" finds "Mekong"), is left alone: no
 *     proposal, whatever its frequency.
 *  2. Missing.  Any other word is missing: no paragraph searched
 *     contains it.  aj_suggest_missing() lists them.  An excluded word
 *     (under NOT) is missing only when it is not a word (rule 3 below):
 *     a real word that nothing contains excludes nothing, as meant, but a
 *     misspelt one silently excludes nothing and deserves a proposal.  A
 *     missing word that is a term of the index occurs only in the page
 *     chrome the search left out, and is flagged so.
 *  3. Real words.  A missing word that is a word of the page chrome is
 *     there, only not searched: nothing is proposed for it ("Cai").  One
 *     that is an English word (lexicon.h, both spellings, inflections
 *     included) is taken as meant: it is never replaced, and a proposal
 *     is shown only when it is close (rule 5: "sanctions" gets «actions»;
 *     "near", "testing" and "fishing" get nothing, since a short word or
 *     one two edits from another is another word, not a typo).
 *  4. Proposal.  For any other missing word, the closest word of the
 *     index is proposed: within aj_fuzzy_cap() edits (1 for 3 to 5
 *     letters, 2 from 6), the fewest edits first, then the most
 *     paragraphs, then byte order; never a form of the word's own term.
 *  5. Close.  A proposal is close when the word has at least 5 letters
 *     (one edit turns a short word into a different short word: LNG ->
 *     LONG), it is at most 1 edit away for 5 to 7 letters or 2 for 8 or
 *     more, and it is clearly the intended one: in at least
 *     AJ_SUGGEST_CLEAR times as many paragraphs as any other word (of
 *     another term) the same number of edits away.
 *  6. Acronyms.  A word written in capitals (two or more letters, no
 *     lower case: LNG, ASAEN) is an acronym typed on purpose: as for a
 *     real word, its proposal is kept only when close.
 *  7. Automatic.  Every other close proposal (a word that is neither a
 *     real word nor an acronym) is automatic: aj_search may
 *     run the corrected query in place of the query as written (see
 *     search.c for when).
 */
#ifndef AJ_SUGGEST_H
#define AJ_SUGGEST_H

#include "ajsearch.h"
#include "query/expand.h"
#include "index/index.h"
#include "query/query.h"

#define AJ_SUGGEST_CLEAR 3
/* Each proposal costs a scan of the words dictionary: a pasted query of
 * a thousand unknown words gets proposals for its first 32. */
#define AJ_SUGGEST_MAX_SCANS 32

/* A parsed (and possibly expanded) query and what evaluating it found. */
typedef struct aj_suggest_in {
    const char *q;            /* the query as written */
    size_t len;
    const aj_query *query;    /* its tree, after expansion */
    const uint32_t *leaf_df;  /* df of each leaf, by leaf number */
    const aj_expansion *alts; /* the alternatives expansion added */
    size_t nalts;
} aj_suggest_in;

/* Appends to *out (*n entries, *cap allocated; realloc'ed) the missing
 * words of in (rule 2), in query order; a word written twice is listed
 * at each place.  Errors: AJ_ENOMEM, those of reading the dictionary. */
aj_err aj_suggest_missing(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                          const aj_suggest_in *in, aj_qword **out, size_t *n,
                          size_t *cap);

/* Proposals for the missing words miss[0..n) of query q (rules 3-7).
 * *out is NULL when there is none, else owned by the caller
 * (aj_suggestion_free).  *all_auto is 1 when n > 0 and every missing
 * word got an automatic proposal.  Errors: AJ_ENOMEM, AJ_ECORRUPT. */
aj_err aj_suggest_words(aj_ctx *c, aj_index *ix, aj_analyzer *an, const char *q,
                        size_t len, const aj_qword *miss, size_t n,
                        aj_suggestion **out, int *all_auto);

#endif
