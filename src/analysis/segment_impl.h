/*
 * segment_impl.h - what the segmenter's files share, and nothing else
 * includes.
 *
 * The segmenter (segment.h) is cut along the way a line travels:
 *
 *   segment.c    the driver: the public entry points, the document's shape
 *                (hard-wrapped or not), the line loop that decides which
 *                lines make one paragraph, number-only lines, the title
 *   lineclass.c  what a line is before its text is read: a separator
 *                (no letter or digit), heading, list item, number alone,
 *                footnote
 *   clean.c      a line's text into the paragraph being built: markup
 *                out, entities decoded, whitespace collapsed, roman items
 *                run into the line split off
 *   parabuf.c    the paragraph being built: appending text units, cutting
 *                a paragraph whose source passes AJ_MAX_PARA_BYTES
 *   pagejoin.c   finished paragraphs on their way to the caller: the join
 *                across page footers, which holds some back
 *   srcmap.c     the source map (aj_segment_map): where each text byte
 *                came from
 *
 * Each file includes this header; the state of one run (aj_segmenter) and
 * the byte tests every step uses are here, as are the calls from one file
 * into another.  The byte tests, the hints to the caller and the source
 * map's per-unit writes are static inline: they run for every byte or
 * unit, and a call across files would cost what a call within one did
 * not.
 */
#ifndef AJ_SEGMENT_IMPL_H
#define AJ_SEGMENT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/segment.h"

#define LIMIT ((uint64_t)AJ_MAX_PARA_BYTES)
#define LABEL_CAP 8           /* "xxxviii" or three digits, and the NUL */
#define LOOKAHEAD 8           /* paragraphs a footer join may step over */
#define BUF_MAX (AJ_MAX_PARA_BYTES + 16u) /* no text buffer needs more */

/* What a line is, decided before its text is cleaned (lineclass.c). */
enum {
    LINE_SEP,    /* no letter or digit at all: "---", "******", ")" */
    LINE_HEAD,   /* a heading: its own paragraph */
    LINE_ITEM,   /* starts with a list marker */
    LINE_NUMBER, /* only a number, "8.": the paragraph's text follows */
    LINE_PLAIN
};

typedef struct aj_seg_line {
    int type;
    size_t text, end;        /* source bytes that become text */
    char label[LABEL_CAP];
    int mark, head;          /* how the label was written, where a heading
                                came from (aj_seg_para's mark and head) */
    int footnote;            /* 1 "<sup>N</sup>", 2 "[^N]", 3 "^N", or 0 */
    size_t note, note_end;   /* the footnote number's digits (kinds 2, 3) */
} aj_seg_line;

/* A finished paragraph held back by the footer join (pagejoin.c). */
typedef struct aj_seg_held {
    char *text;
    uint64_t *ms, *me;       /* source map of text (aj_segment_map) */
    size_t len, cap;
    uint64_t start, end;
    char label[LABEL_CAP];
    int kind, mark, head;
} aj_seg_held;

/* One run of the segmenter over one document. */
typedef struct aj_segmenter {
    aj_ctx *c;
    aj_seg_fn fn;
    void *arg;
    const unsigned char *s;
    size_t n;
    int stop;               /* caller asked to stop, or an error */
    aj_err err;

    int wrapped;            /* the document is hard-wrapped */
    size_t w95;             /* its 95th percentile line length */
    int title;              /* writing a title: fixed buffer, no cutting */
    /* A title line is cleaned to its end even once the buffer is full, so
     * that whether it has content does not depend on the buffer size (a
     * short buffer could otherwise accept a line that a longer one shows
     * to be only punctuation, as "&quot;&&"). */
    int full;               /* title buffer full: scan, write nothing */
    int seen;               /* the title line has a letter, digit or non-ASCII */

    /* The paragraph being built.  gap means whitespace was seen since the
     * last unit: one space goes in before the next unit, none at the end. */
    char *buf;
    size_t len, cap;
    /* aj_segment_map: the source bytes [ms[i], me[i]) each byte buf[i]
     * came from, kept beside buf (same capacity) through cuts and joins. */
    int map;
    uint64_t *ms, *me;
    int active, kind, footnote, gap;
    char label[LABEL_CAP];
    int mark, head;         /* of the paragraph being built */
    uint64_t start, end;
    /* The last space written, where a too-long paragraph is cut. */
    int can_cut;
    size_t cut_len, word_at;
    uint64_t cut_end, word_start;

    /* Per-line caches for clean.c's searches, and the link being read. */
    size_t next_gt, next_rb, next_rp;
    size_t link_close, link_end;

    /* A number-only line waiting for its text (rule: "8." then text). */
    int pend, pend_mark;
    char pend_label[LABEL_CAP];
    size_t pend_p, pend_q;

    int prev, prev_hyphen;  /* about the previous non-blank line */

    /* Footer join: q[0] is the open paragraph, the rest footnotes. */
    aj_seg_held q[1 + LOOKAHEAD];
    int nq, ahead;

    aj_seg_done_fn done;    /* aj_segment_ex's hint, or NULL */
    uint64_t told;          /* the paragraph pass has hinted below this */
} aj_segmenter;

/* ---- bytes ------------------------------------------------------------ */

static inline int is_digit(unsigned b) { return b >= '0' && b <= '9'; }
static inline int is_upper(unsigned b) { return b >= 'A' && b <= 'Z'; }
static inline int is_lower(unsigned b) { return b >= 'a' && b <= 'z'; }
static inline int is_letter(unsigned b) { return is_upper(b) || is_lower(b); }
static inline int is_alnum(unsigned b) { return is_letter(b) || is_digit(b); }
static inline unsigned lower(unsigned b) { return is_upper(b) ? b + 32 : b; }

/* Length of the whitespace that pads or fills a line at s[i], else 0:
 * space, tab, CR, FF, VT and U+00A0. */
static inline size_t space_at(const unsigned char *s, size_t i, size_t q) {
    unsigned b = s[i];
    if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') return 1;
    if (b == 0xc2 && i + 1 < q && s[i + 1] == 0xa0) return 2;
    return 0;
}

static inline size_t skip_space(const unsigned char *s, size_t i, size_t q) {
    size_t k;
    while (i < q && (k = space_at(s, i, q))) i += k;
    return i;
}

/* Any ASCII letter or digit, or any byte >= 0x80: text worth keeping. */
static inline int has_content(const unsigned char *s, size_t p, size_t q) {
    for (; p < q; p++)
        if (is_alnum(s[p]) || s[p] >= 0x80) return 1;
    return 0;
}

/* A lower-case letter: ASCII, or Latin-1 U+00DF..U+00FF but U+00F7. */
static inline int starts_lower(const unsigned char *t, size_t n) {
    if (n && is_lower(t[0])) return 1;
    return n >= 2 && t[0] == 0xc3 && t[1] >= 0x9f && t[1] <= 0xbf &&
           t[1] != 0xb7;
}

/* A word cut by a hyphen at a line's end: text[0..n) ends with letters
 * and '-', and the next line t[0..m) begins with lower-case letters.  1
 * when the letters on both sides make one English word (lexicon.h:
 * "develop-" / "ment"), so that the hyphen goes; 0 for a compound that
 * keeps it ("well-" / "known") and for words with letters outside ASCII
 * (segment.c). */
int aj_seg_hyphen_mends(const char *text, size_t n, const unsigned char *t, size_t m);

/* ---- how a text ends -------------------------------------------------- */

/* Drops up to max closing quotes and brackets from the end of t[0..n). */
static inline size_t strip_closers(const unsigned char *t, size_t n, int max) {
    while (max-- > 0 && n) {
        unsigned b = t[n - 1];
        if (b == '"' || b == '\'' || b == ')' || b == ']')
            n--;
        else if (n >= 3 && t[n - 3] == 0xe2 && t[n - 2] == 0x80 &&
                 (b == 0x9d || b == 0x99)) /* ” ’ */
            n -= 3;
        else if (n >= 2 && t[n - 2] == 0xc2 && b == 0xbb) /* » */
            n -= 2;
        else
            break;
    }
    return n;
}

static inline int is_terminal(unsigned b) {
    return b == '.' || b == '!' || b == '?' || b == ':' || b == ';';
}

/* ---- the run's errors and hints to the caller ------------------------- */

static inline void fail_nomem(aj_segmenter *g, const char *what, size_t n) {
    g->err = aj_fail(g->c, AJ_ENOMEM, "segment: %s (%zu bytes)", what, n);
    g->stop = 1;
}

/* In the paragraph pass: source more than four LIMITs behind a delivered
 * paragraph, or behind the position being cleaned, is not needed for a
 * while (what is held back for a footer join lies within one LIMIT). */
static inline void hint_behind(aj_segmenter *g, uint64_t at) {
    /* at may trail an earlier call's (a paragraph starts behind the
     * position that was just cleaned): only ever move forward. */
    if (g->done && at >= g->told + 4 * LIMIT + AJ_SEG_DONE_STEP) {
        g->done(g->arg, g->told, at - 4 * LIMIT);
        g->told = at - 4 * LIMIT;
    }
}

/* ---- lineclass.c ------------------------------------------------------ */

/* Decides what the trimmed line s[p..q) is; wrapped: the document is
 * hard-wrapped (upper-case lines are headings there, "1 Title" lines
 * elsewhere). */
void aj_seg_classify_line(const unsigned char *s, size_t p, size_t q,
                          int wrapped, aj_seg_line *li);

/* For the fallback title: narrows the trimmed line s[*p..*q) to its text,
 * without quote marks, heading marks or a leading list marker.  Returns 0
 * (and leaves *p, *q) when the line has no letter, digit or non-ASCII. */
int aj_seg_title_span(const unsigned char *s, size_t *p, size_t *q);

/* Length of the lower-case roman numeral i..xxxix at s[i], or 0.  The
 * caller checks what follows, so "iiii." and "xl." are rejected there. */
size_t aj_seg_roman_len(const unsigned char *s, size_t i, size_t q);

/* ---- clean.c ---------------------------------------------------------- */

/* Copies the text of s[i..q), one line's worth, into the paragraph being
 * built: markup out, entities decoded, whitespace and control bytes
 * collapsed to single spaces. */
void aj_seg_clean_line(aj_segmenter *g, size_t i, size_t q);

/* ---- parabuf.c -------------------------------------------------------- */

/* Starts a paragraph of this kind and label (NULL for none); footnote
 * marks a footnote's text for the footer join.  mark and head are left 0
 * for the caller to set. */
void aj_seg_start_para(aj_segmenter *g, int kind, const char *label,
                       int footnote);

/* Ends the paragraph being built, if any, and passes it on. */
void aj_seg_finish_para(aj_segmenter *g);

/* Appends the text unit u[0..k) that came from source bytes [a, b). */
void aj_seg_put_unit(aj_segmenter *g, const unsigned char *u, size_t k,
                     size_t a, size_t b);

/* Appends the source bytes s[a..b), printable ASCII copied as it is. */
void aj_seg_put_ascii(aj_segmenter *g, size_t a, size_t b);

/* ---- pagejoin.c ------------------------------------------------------- */

/* A paragraph (or piece) is finished: text[0..len) from source [a, b),
 * with the label, kind and footnote flag the builder has now. */
void aj_seg_emit_para(aj_segmenter *g, const char *text, size_t len,
                      uint64_t a, uint64_t b);

/* Delivers everything held back, in order. */
void aj_seg_release_held(aj_segmenter *g);

/* ---- srcmap.c --------------------------------------------------------- */

/* Resizes a pair of source maps to cap entries; 0 when out of memory
 * (what was resized stays resized). */
int aj_seg_map_grow(uint64_t **ms, uint64_t **me, size_t cap);
/* Grows a text buffer (*text, *cap bytes; `first` bytes the first time,
 * then doubling, but no further than BUF_MAX when need fits in it) and,
 * when the segmenter keeps a map, its source map with it, to hold need
 * bytes.  0 after reporting the failure (fail_nomem, naming `what`). */
int aj_seg_text_grow(aj_segmenter *g, char **text, size_t *cap, uint64_t **ms, uint64_t **me,
                     size_t need, size_t first, const char *what);

/* Copies n entries from (fs, fe) to (ts, te); they may overlap. */
void aj_seg_map_copy(uint64_t *ts, uint64_t *te, const uint64_t *fs,
                     const uint64_t *fe, size_t n);

/* The two writes made for every unit and space of a mapped text, inline
 * here for that reason (srcmap.c says what the entries mean). */

/* Entry at: a space the segmenter put in, standing for the source
 * [from, to) between the two pieces it separates. */
static inline void aj_seg_map_space(uint64_t *ms, uint64_t *me, size_t at,
                                    uint64_t from, uint64_t to) {
    ms[at] = from;
    me[at] = to;
}

/* Entries at..at+k: a unit of k text bytes from source [a, b).  A copied
 * unit maps byte for byte; a decoded one (an entity) maps each of its
 * bytes to the whole of its source. */
static inline void aj_seg_map_unit(uint64_t *ms, uint64_t *me, size_t at,
                                   size_t k, uint64_t a, uint64_t b) {
    for (size_t j = 0; j < k; j++) {
        ms[at + j] = b - a == k ? a + j : a;
        me[at + j] = b - a == k ? a + j + 1 : b;
    }
}

#endif
