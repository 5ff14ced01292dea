/*
 * segment.h - one source document -> the paragraphs a reader would see.
 *
 * The segmenter reads the bytes of a .txt or .md file and reports, in
 * source order, each paragraph with its cleaned text, its byte range in
 * the source, its kind (body, heading, list item) and its label, the
 * document's own number for it ("8", "16", "ii").
 *
 * What it understands (README.md, "Corpus and paragraphs", has the prose):
 *   - blank lines between paragraphs; web pages with one paragraph a line;
 *   - hard-wrapped PDF text, detected per document, whose lines are joined
 *     back into paragraphs (a line-end hyphen before a lower-case word is
 *     kept and the words are joined without a space);
 *   - list items and numbered paragraphs (bullets, "1.", "1)", "(1)",
 *     "ii.", "(ii)", "(a)"), a number alone on its line ("8.") followed by
 *     the paragraph's text, and roman-numbered items run together on one
 *     line ("...fraud. ii. The next item");
 *   - headings: markdown "#", lines wholly in **bold**, upper-case title
 *     lines in PDF text, "1 Title" lines in web text;
 *   - a paragraph cut by a page footer or a footnote block (the next part
 *     starts with a lower-case letter) is joined back;
 *   - markup (HTML-like tags, **emphasis**, links, backticks, entities)
 *     never reaches the text.
 *
 * Any bytes are accepted: invalid UTF-8 passes through unchanged, NUL and
 * other control bytes become spaces.  Time is linear in the input and
 * memory stays within a few times AJ_MAX_PARA_BYTES whatever the input.
 */
#ifndef AJ_SEGMENT_H
#define AJ_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* A paragraph whose source would be longer than AJ_MAX_PARA_BYTES
 * (ajsearch.h) is delivered in pieces, cut at the last whitespace before
 * the limit (or, in a run without whitespace, at the limit on a UTF-8
 * boundary).  Only the first piece keeps the label. */

/* Paragraph kinds.  The segmenter makes the first three; the page-chrome
 * pass (boilerplate.h) turns navigation, captions and the like into
 * AJ_PARA_CHROME, and the outline pass (outline.h) may make a title line
 * a heading.  The kinds, AJ_PARA_BODY to AJ_PARA_CHROME, are public
 * (ajsearch.h). */

/* How a label was written (aj_seg_para.mark): "8." and "ii." (DOT), "8)"
 * (CLOSE), "(8)" (PARENS), "1 Title" (BARE); BULLET for an item with a
 * bullet and no number. */
enum {
    AJ_MARK_NONE = 0,
    AJ_MARK_BULLET = 1,
    AJ_MARK_DOT = 2,
    AJ_MARK_CLOSE = 3,
    AJ_MARK_PARENS = 4,
    AJ_MARK_BARE = 5
};

/* Where a heading came from (aj_seg_para.head): 1-6 are markdown's "#"
 * to "######"; the others follow. */
enum { AJ_HEAD_BOLD = 7, AJ_HEAD_CAPS = 8, AJ_HEAD_NUMBERED = 9 };

typedef struct aj_seg_para {
    uint64_t start, end;  /* source bytes [start, end): from the first byte
                             of the text (after any list marker or number)
                             to one past its last byte.  A paragraph joined
                             across a page footer spans the footer, so its
                             range encloses the footnotes delivered after
                             it; no other two ranges overlap. */
    const char *text;     /* cleaned text, NUL-terminated, owned by the
                             segmenter and valid only during the callback */
    size_t text_len;
    const char *label;    /* the document's number for it ("8", "ii", "a"),
                             NUL-terminated, or NULL; same lifetime */
    int kind;             /* AJ_PARA_BODY, AJ_PARA_HEADING or AJ_PARA_ITEM */
    int mark;             /* AJ_MARK_*: how the label was written
                             (AJ_MARK_NONE without a label, but
                             AJ_MARK_BULLET for a bulleted item) */
    int head;             /* headings: AJ_HEAD_* or the markdown level
                             1-6; 0 for other paragraphs */
    /* From aj_segment_map only (else NULL): text_len entries each, text
     * byte i came from source bytes [src_start[i], src_end[i]).  A byte
     * copied from the source maps to itself; each byte of a decoded
     * entity to the whole entity; a space the segmenter put between two
     * pieces (a joined line, removed markup, a page footer) to the source
     * between them.  So a word of the text at [s, e) is the source bytes
     * [src_start[s], src_end[e - 1]).  Same lifetime as text. */
    const uint64_t *src_start, *src_end;
} aj_seg_para;

/* Receives one paragraph.  Returning non-zero stops the segmenter, which
 * then returns AJ_OK without calling again. */
typedef int (*aj_seg_fn)(void *arg, const aj_seg_para *p);

/* Calls fn(arg, p) for each paragraph of src[0..len) in order of start
 * offset.  src may be NULL only when len is 0.
 * Errors: AJ_EINVAL (no callback, or NULL src with len > 0), AJ_ENOMEM. */
aj_err aj_segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                  void *arg);

/* Tells the caller that the segmenter is, for now, done with the bytes
 * src[from..below).  It may read them again later (the paragraph pass
 * rereads what the first pass read), so this is only a hint: a caller
 * that maps a file read-only can drop those pages from memory
 * (madvise(MADV_DONTNEED)), to be read back from the page cache if
 * touched again, and so keep a bounded part of a huge file resident. */
typedef void (*aj_seg_done_fn)(void *arg, uint64_t from, uint64_t below);

/* aj_segment, calling done(arg, from, below) for ranges of about
 * AJ_SEG_DONE_STEP bytes as each pass leaves them behind (done may be
 * NULL).  Resident source then stays within a few times
 * AJ_SEG_DONE_STEP + AJ_MAX_PARA_BYTES whatever the shape of the input. */
#define AJ_SEG_DONE_STEP (8u << 20)
aj_err aj_segment_ex(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                     void *arg, aj_seg_done_fn done);

/* aj_segment, also filling each paragraph's src_start and src_end (16
 * bytes per text byte, so for search-time lookups, not for indexing).
 * The paragraphs are the same as aj_segment's. */
aj_err aj_segment_map(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                      void *arg);

/* What the paragraph pass needs to know of the whole document, given
 * rather than measured, to segment a window of it (a few lines around one
 * paragraph) as aj_segment_map would segment those lines in the whole:
 * whether the document is hard-wrapped and its 95th percentile line
 * length (a line of at least 60% of w95 code points continues into the
 * next; 0 makes every line continue, SIZE_MAX / 8 none), where the pass
 * starts (bytes before from are only looked behind at, as the byte before
 * a word), and whether src[from] is the middle of a line (continues: that
 * line is cleaned as text, not looked at for list markers or heading
 * marks).  The caller, not knowing the document's shape, tries the shapes
 * and keeps the paragraph whose text is the one it expects. */
typedef struct aj_seg_window {
    int wrapped;
    size_t w95;
    size_t from;
    int continues;
} aj_seg_window;

/* aj_segment_map over src[0..len) with the shape w instead of one
 * measured on src; offsets count from src.  Errors as aj_segment_map's,
 * AJ_EINVAL without w. */
aj_err aj_segment_map_window(aj_ctx *c, const char *src, size_t len,
                             const aj_seg_window *w, aj_seg_fn fn, void *arg);

/* Writes the document's fallback title into out: its first non-blank line
 * that has a letter, a digit or a non-ASCII character, with markup, heading
 * marks and a leading list marker removed and whitespace collapsed.  out receives at most
 * cap - 1 bytes, cut at a UTF-8 character boundary, and a NUL (nothing when
 * cap is 0).  Returns the length written; 0 when there is no such line.
 * Never fails and never allocates. */
size_t aj_segment_title(const char *src, size_t len, char *out, size_t cap);

#endif
