/*
 * block.h - a document's paragraphs as the structure passes see them.
 *
 * The segmenter hands a document over one paragraph at a time, and the
 * indexer cannot keep the texts.  Deciding what is page chrome
 * (boilerplate.h) and how the document is outlined and cited (outline.h)
 * needs each paragraph's neighbours, sometimes all of the document (a
 * "Back to X" line at the end names the navigation label X at the top; a
 * citation is unique only among all of the document's citations).  So
 * every paragraph is summarised as it goes by, in the few facts those
 * passes read, and the summaries of the whole document (48 bytes a
 * paragraph) are kept until its end; then the passes run over them.
 */
#ifndef AJ_BLOCK_H
#define AJ_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/segment.h"

/* What a paragraph's text shows (aj_block.flags). */
enum {
    AJ_BK_END_SENTENCE = 1u << 0,  /* ends a sentence: . ! ? (not "Ms.") */
    AJ_BK_END_CLAUSE = 1u << 1,    /* ends with ; or , */
    AJ_BK_END_COLON = 1u << 2,     /* ends with : */
    AJ_BK_INNER_SENTENCE = 1u << 3,/* a sentence ends before its end */
    AJ_BK_QUOTED = 1u << 4,        /* wholly inside quotation marks */
    AJ_BK_PARENS = 1u << 5,        /* wholly inside parentheses */
    AJ_BK_DATE_ONLY = 1u << 6,     /* nothing but dates and times */
    AJ_BK_TIME = 1u << 7,          /* a time of day or a time zone */
    AJ_BK_HAS_DATE = 1u << 8,      /* a day with a month name, or 2024-07-26 */
    AJ_BK_CAPTION = 1u << 9,       /* "(Photo: ...)", "Photo by ...", "Image: ..." */
    AJ_BK_BACK = 1u << 10,         /* "Back to X", "Return to X": key is X's */
    AJ_BK_NAV_PHRASE = 1u << 11,   /* "Back to top", "Home", "Print", ... */
    AJ_BK_FILE_LINK = 1u << 12,    /* "(PDF)", "[PDF]", "x.pdf" */
    AJ_BK_LINKS = 1u << 13,        /* mostly link text in the source */
    AJ_BK_UPPER_START = 1u << 14,  /* starts with a capital, a digit, a
                                      quotation mark or a non-ASCII letter */
    AJ_BK_DOT_LEADER = 1u << 15    /* "Introduction ........ 3" */
};

/* Label numerals (aj_block.numeral). */
enum { AJ_NUM_NONE = 0, AJ_NUM_ARABIC, AJ_NUM_ROMAN, AJ_NUM_LETTER };

#define AJ_BK_NONE UINT32_MAX
/* Words are counted up to this: the rules look at short blocks only
 * (titles, captions, navigation: at most 25 words). */
#define AJ_BK_WORDS 33

typedef struct aj_block {
    uint64_t key;       /* the text's words, folded (ASCII case, spacing and
                           punctuation ignored), hashed; for a "Back to X"
                           line, X's.  Equal keys: the same words. */
    uint64_t cite;      /* the heading form of the paragraph, as a citation
                           names it (aj_cite_heading), hashed */
    uint64_t label;     /* the label's bytes packed (at most 7), 0: none */
    uint16_t value;     /* the label's number: 4 for "4", "iv" and "d" */
    uint16_t flags;     /* AJ_BK_* */
    uint8_t words;      /* words in the text, counted up to AJ_BK_WORDS */
    uint8_t kind;       /* AJ_PARA_*: the segmenter's, then the passes' */
    uint8_t chrome;     /* AJ_CHROME_* when kind is AJ_PARA_CHROME */
    uint8_t mark;       /* AJ_MARK_* */
    uint8_t numeral;    /* AJ_NUM_* */
    uint8_t head;       /* aj_seg_para.head */
    uint8_t q;          /* outline: enclosing headings its citation names */
    uint8_t by_number;  /* outline: cited by its number in the document */
    uint32_t parent;    /* outline: index of the enclosing heading, or
                           AJ_BK_NONE */
    uint32_t number;    /* outline: 1-based among the document's paragraphs
                           that are not chrome; chrome: among its chrome */
} aj_block;

/* Summarises paragraph p of a document whose source is src[0..len)
 * (NULL when it is not at hand: links then go unseen).  Never fails. */
void aj_block_make(aj_block *b, const aj_seg_para *p, const char *src, size_t len);

/* A label's numeral and value: "iv" is roman 4, "12" arabic 12, "c" a
 * letter, 3.  A single i, v or x is read as roman, as the segmenter reads
 * it. */
void aj_label_number(const char *label, int *numeral, uint32_t *value);

/* Packs a label of at most 7 bytes into a u64 (0 for NULL or ""). */
uint64_t aj_label_pack(const char *label);

#endif
