/*
 * outline.h - a document's headings, the sections they open, and how much
 * of that outline each paragraph's citation must name.
 *
 * Three passes over a document's summaries (block.h), after the page
 * chrome is known (boilerplate.h); README "Corpus and paragraphs" and
 * "Output" state the rules:
 *
 *   headings  - besides the segmenter's (markdown, bold, capitals, "1
 *               Title"), a title line the reader sees as one: a short line
 *               without sentence punctuation between text paragraphs
 *               ("Partners for Peace and Stability"), or a short numbered
 *               line followed by text rather than by the next item of its
 *               list ("ii. The East China Sea, the South China Sea,
 *               Taiwan:", "i. “Partners for Peace and Stability”");
 *   sections  - a heading opens a section that ends at the next heading of
 *               its kind or of an enclosing one: markdown headings by
 *               level, the others by how they are numbered ("1." holds
 *               "i." holds "-" ...), the first kind met being the
 *               outermost; a numbered paragraph that continues a list of
 *               an enclosing section ("(3)" after "(2)") closes the
 *               sections opened since;
 *   citations - each paragraph is cited by its heading text (headings),
 *               its label, or its number (in its section, else in the
 *               document); when two citations of the document would be
 *               equal, those of their kind name their enclosing headings,
 *               innermost first, as many as it takes, uniformly across
 *               the document; what still collides is cited by its number
 *               in the document.
 *
 * The results go into each block's kind, parent, number, q and by_number,
 * which the index stores (FORMAT.md, PARAS) and aj_para_cite() reads.
 */
#ifndef AJ_OUTLINE_H
#define AJ_OUTLINE_H

#include <stddef.h>

#include "ajsearch.h"
#include "analysis/block.h"

/* Buffers for the two renderings of a heading below. */
#define AJ_CITE_HEADING_MAX 128
#define AJ_SECTION_MAX 192

/* A heading as citations name it: its number as the page writes it, then
 * its text in quotation marks: `1. “ASEAN-Japan cooperation”`,
 * `(iii) “Partners for Peace and Stability.”`, `“Trusted Partners”`.  The
 * text loses a final ':' and quotation marks around all of it; quotation
 * marks inside become '"', so that the closing ” always ends the heading;
 * it is cut to AJ_CITE_HEADING_BYTES (then "…").  label may be NULL.
 * Writes out (AJ_CITE_HEADING_MAX bytes) and its NUL; returns the length. */
size_t aj_cite_heading(const char *label, int mark, const char *text, size_t len,
                       char *out);

/* A heading as the page shows it: "1. ASEAN-Japan cooperation", "3.
 * Closing Remarks:", cut to AJ_SECTION_BYTES.  Writes out (AJ_SECTION_MAX
 * bytes) and its NUL; returns the length. */
size_t aj_section_heading(const char *label, int mark, const char *text, size_t len,
                          char *out);

/* Runs the three passes over a document of n paragraphs.  Never fails:
 * out of memory, every paragraph is cited by its number in the document,
 * which is unique. */
void aj_outline_build(aj_block *b, size_t n);

/* The most headings a section path can hold: each kind of heading appears
 * at most once in it. */
#define AJ_OUTLINE_DEPTH 48

#endif
