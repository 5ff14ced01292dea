/*
 * suggest.h - "did you mean": spelling corrections of a query's words
 * from the words dictionary (internal; the public entry point is
 * aj_suggest() in ajsearch.h, which supplies the searcher's index and
 * analyzer).
 *
 * A word of the query is corrected when it is written outside quotes as
 * a plain word (not a prefix, a typo-tolerant word, a number or part of a
 * phrase), and either its term occurs in no paragraph, or the word has 6
 * or more code points, its term occurs in at most AJ_SUGGEST_RARE_DF
 * paragraphs and a word one edit away occurs in AJ_SUGGEST_RATIO times as
 * many.  The proposal is a word of the index within aj_fuzzy_cap() edits
 * (1 or 2; 1 for a word the index has) whose term differs from the
 * word's own: the fewest edits first, then the most paragraphs, then the
 * first in byte order.
 * Fewest edits first because a common word two edits away ("charge" for
 * "chnage") is more often wrong than a rarer one a single edit away
 * ("change").
 */
#ifndef AJ_SUGGEST_H
#define AJ_SUGGEST_H

#include "ajsearch.h"
#include "index.h"

#define AJ_SUGGEST_RARE_DF 3
#define AJ_SUGGEST_RATIO 10
/* Each word looked at costs a scan of the words dictionary: a pasted
 * query of a thousand unknown words gets proposals for its first 32. */
#define AJ_SUGGEST_MAX_SCANS 32

aj_err aj_suggest_run(aj_ctx *c, aj_index *ix, aj_analyzer *an, const char *q,
                      size_t len, aj_suggestion **out);

#endif
