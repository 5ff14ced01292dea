/*
 * boilerplate.h - page chrome: the parts of a saved web page that are not
 * its content.
 *
 * Text extracted from a web page keeps the site around the article: the
 * site's navigation (a list of 64 province names, "Japan-ASEAN Relations"
 * above the title and "Back to Japan-ASEAN Relations" below the text),
 * photo captions, the time of publication, lists of attached files.
 * Searched as paragraphs they answer queries with noise ("Laos" finds
 * "Lao Cai") and shift the numbers readers cite.
 *
 * The extractors that do this well (jusText, boilerpipe, trafilatura)
 * share a few ideas, which this pass follows in its own rules (README,
 * "Corpus and paragraphs", lists them): boilerplate is short, has no
 * sentence punctuation, is dense in links, sits in runs at the edges of
 * the page, and is recognisable by what it says ("Photo:", "Back to",
 * "(PDF)").  A short block is judged by its neighbours: a run of short
 * lines at the top of a page is navigation, the same run between two
 * paragraphs of text is a list.  Every rule needs positive evidence; a
 * paragraph no rule names stays content.
 *
 * The pass reads a document's summaries (block.h) and sets kind to
 * AJ_PARA_CHROME and chrome to the sub-kind for what it finds.
 */
#ifndef AJ_BOILERPLATE_H
#define AJ_BOILERPLATE_H

#include <stddef.h>

#include "analysis/block.h"

/* A run of this many short lines at the top or the bottom of a page, each
 * of at most AJ_NAV_WORDS words, is navigation. */
#define AJ_NAV_RUN 8
#define AJ_NAV_WORDS 4

/* Marks the page chrome of a document of n paragraphs. */
void aj_boilerplate_mark(aj_block *b, size_t n);

#endif
