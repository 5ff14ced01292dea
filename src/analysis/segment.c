/*
 * segment.c - see segment.h.  The driver: the public entry points and the
 * line loop that turns a document's lines into paragraphs.
 *
 * Two scans over the bytes:
 *
 *   1. measure_shape() builds a histogram of trimmed line lengths and
 *      decides whether the document is hard-wrapped (PDF text: most lines
 *      40-110 code points long) and, if so, how long a "full" line is.
 *
 *   2. The line loop has each line classified (lineclass.c: blank,
 *      separator, heading, list item, number-only line, footnote, plain)
 *      and, in place_line(), either joins it to the paragraph being built
 *      (parabuf.c) or starts a new one; a number alone on its line waits
 *      for the text that follows it.  The line's text is then cleaned
 *      into the paragraph (clean.c).
 *
 * Finished paragraphs go through the footer join (pagejoin.c), which may
 * hold some back until it sees whether the next paragraph continues them,
 * and then to the caller in source order; aj_segment_map also keeps where
 * each text byte came from (srcmap.c).  segment_impl.h has the shared
 * state and says which file holds what.
 *
 * Memory: the paragraph buffer never needs more than AJ_MAX_PARA_BYTES and
 * a little (parabuf.c), and everything held back for a footer join lies
 * within one such window of the source.  With buffer slack, at most about
 * four limits whatever the input (no array of paragraphs, no copy of the
 * document).
 *
 * Time: every byte is looked at a bounded number of times (clean.c says
 * how the searches within a line keep to that).  For a caller that maps a
 * huge file, both passes report the source they leave behind (aj_seg_done_fn)
 * so that it need not all stay resident.
 */
#include "analysis/segment_impl.h"

#include "analysis/lexicon.h"

#include <stdlib.h>
#include <string.h>

#define HIST_MAX 4096         /* longer lines share the histogram's top slot */

/* How the previous line may continue into this one (wrapped text only). */
enum { PREV_BREAK, PREV_SHORT, PREV_LONG };

static void trim_space(const unsigned char *s, size_t *p, size_t *q) {
    *p = skip_space(s, *p, *q);
    while (*q > *p) {
        unsigned b = s[*q - 1];
        if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v')
            --*q;
        else if (b == 0xa0 && *q - *p >= 2 && s[*q - 2] == 0xc2)
            *q -= 2;
        else
            break;
    }
}

/* Code points in s[p..q): bytes that are not UTF-8 continuation bytes. */
static size_t code_points(const unsigned char *s, size_t p, size_t q) {
    size_t n = 0;
    for (; p < q; p++) n += (s[p] & 0xc0) != 0x80;
    return n;
}

/* ---- reading lines ---------------------------------------------------- */

/* The line starting at *pos, without its "\n" or "\r\n": [*ls, *le); *pos
 * moves past its newline. */
static void take_line(const unsigned char *s, size_t n, size_t *pos,
                      size_t *ls, size_t *le) {
    size_t i = *pos;
    const unsigned char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n;
    *pos = nl ? e + 1 : n;
    if (nl && e > i && s[e - 1] == '\r') e--;
    *ls = i;
    *le = e;
}

/* take_line for the two passes: a line longer than AJ_SEG_DONE_STEP is
 * searched for its end a step at a time, each step reported as done (the
 * caller may drop it and have it read back when the line is processed). */
static void take_line_hinting(aj_segmenter *g, size_t *pos, size_t *ls,
                              size_t *le) {
    size_t i = *pos, n = g->n;
    if (g->done) {
        while (n - i > AJ_SEG_DONE_STEP &&
               !memchr(g->s + i, '\n', AJ_SEG_DONE_STEP)) {
            g->done(g->arg, i, i + AJ_SEG_DONE_STEP);
            i += AJ_SEG_DONE_STEP;
        }
    }
    take_line(g->s, n, &i, ls, le);
    *ls = *pos;
    *pos = i;
}

/* ---- lines into paragraphs -------------------------------------------- */

/* A number-only line that found no text of its own becomes a paragraph. */
static void flush_pending_number(aj_segmenter *g) {
    if (!g->pend) return;
    g->pend = 0;
    aj_seg_start_para(g, AJ_PARA_BODY, NULL, 0);
    aj_seg_clean_line(g, g->pend_p, g->pend_q);
    aj_seg_finish_para(g);
}

int aj_seg_hyphen_mends(const char *text, size_t n, const unsigned char *t, size_t m) {
    const unsigned char *h = (const unsigned char *)text;
    if (n < 2 || h[n - 1] != '-') return 0;
    size_t i = n - 1;
    while (i > 0 && is_letter(h[i - 1])) i--;
    size_t j = 0;
    while (j < m && is_lower(t[j])) j++;
    size_t a = n - 1 - i;
    /* whole words on both sides: no letter outside ASCII glued to them */
    if (!a || !j || a + j > AJ_MAX_WORD || (i > 0 && h[i - 1] >= 0x80) ||
        (j < m && (t[j] >= 0x80 || is_letter(t[j]))))
        return 0;
    char w[AJ_MAX_WORD];
    for (size_t k = 0; k < a; k++) w[k] = (char)lower(h[i + k]);
    memcpy(w + a, t, j);
    return aj_lexicon_has(w, a + j);
}

/* How a line that went into a paragraph may continue into the next one. */
static void note_line_end(aj_segmenter *g, size_t p, size_t q) {
    const unsigned char *s = g->s;
    if (g->wrapped && code_points(s, p, q) * 10 >= g->w95 * 6)
        g->prev = PREV_LONG;
    else
        g->prev = PREV_SHORT;
    g->prev_hyphen = s[q - 1] == '-' && q - p >= 2 && is_letter(s[q - 2]);
}

/* The trimmed, non-blank line s[p..q): ends the paragraph being built or
 * goes on with it, and cleans its text into the one it belongs to. */
static void place_line(aj_segmenter *g, size_t p, size_t q) {
    const unsigned char *s = g->s;
    aj_seg_line li;
    aj_seg_classify_line(s, p, q, g->wrapped, &li);
    int prev = g->prev, prev_hyphen = g->prev_hyphen;
    g->prev = PREV_BREAK;
    g->prev_hyphen = 0;
    switch (li.type) {
    case LINE_SEP:
        aj_seg_finish_para(g);
        flush_pending_number(g);
        aj_seg_start_para(g, AJ_PARA_BODY, NULL, 0);
        aj_seg_clean_line(g, li.text, li.end);
        aj_seg_finish_para(g);
        return;
    case LINE_NUMBER:
        aj_seg_finish_para(g);
        flush_pending_number(g);
        g->pend = 1;
        g->pend_mark = li.mark;
        memcpy(g->pend_label, li.label, LABEL_CAP);
        g->pend_p = li.text;
        g->pend_q = li.end;
        return;
    case LINE_HEAD:
        aj_seg_finish_para(g);
        if (!li.label[0] && g->pend) {
            memcpy(li.label, g->pend_label, LABEL_CAP);
            li.mark = g->pend_mark;
            g->pend = 0;
        }
        flush_pending_number(g);
        aj_seg_start_para(g, AJ_PARA_HEADING, li.label, 0);
        g->mark = li.mark;
        g->head = li.head;
        aj_seg_clean_line(g, li.text, li.end);
        aj_seg_finish_para(g);
        return;
    case LINE_ITEM:
        aj_seg_finish_para(g);
        flush_pending_number(g);
        aj_seg_start_para(g, AJ_PARA_ITEM, li.label, 0);
        g->mark = li.mark;
        aj_seg_clean_line(g, li.text, li.end);
        break;
    default:
        if (li.footnote) {
            aj_seg_finish_para(g);
            flush_pending_number(g);
            aj_seg_start_para(g, AJ_PARA_BODY, NULL, 1);
            if (li.footnote > 1) { /* "[^2]: x" and "^2 x" read "2 x" */
                aj_seg_put_unit(g, s + li.note, li.note_end - li.note,
                                li.note, li.note_end);
                g->gap = li.footnote == 2; /* in place of "]" */
            }
        } else if (g->active && prev == PREV_LONG && !g->pend) {
            /* a wrapped line goes on: one space, or none after "to-";
             * a word the line's end cut ("develop-" / "ment") loses the
             * hyphen the typesetter put in */
            int cut = prev_hyphen && starts_lower(s + li.text, li.end - li.text);
            g->gap = !cut;
            if (cut && g->len && g->buf[g->len - 1] == '-' &&
                aj_seg_hyphen_mends(g->buf, g->len, s + li.text, li.end - li.text))
                g->len--;
        } else {
            aj_seg_finish_para(g);
            if (g->pend) {
                g->pend = 0;
                aj_seg_start_para(g, AJ_PARA_ITEM, g->pend_label, 0);
                g->mark = g->pend_mark;
            } else {
                aj_seg_start_para(g, AJ_PARA_BODY, NULL, 0);
            }
        }
        aj_seg_clean_line(g, li.text, li.end);
        break;
    }
    note_line_end(g, p, q);
}

/* The first line of a window that starts inside a line (aj_seg_window's
 * continues): the rest of a paragraph's line, cleaned as text, with no
 * look at what a line start would be (a marker, a heading mark). */
static void place_rest_of_line(aj_segmenter *g, size_t p, size_t q) {
    aj_seg_start_para(g, AJ_PARA_BODY, NULL, 0);
    aj_seg_clean_line(g, p, q);
    note_line_end(g, p, q);
}

/* ---- the document's shape --------------------------------------------- */

/* Nearest-rank percentile of a length histogram holding n lines. */
static size_t percentile(const size_t *hist, size_t n, size_t pct) {
    size_t rank = n / 100 * pct + (n % 100 * pct + 99) / 100, seen = 0;
    for (size_t len = 0; len <= HIST_MAX; len++) {
        seen += hist[len];
        if (seen >= rank && seen) return len;
    }
    return HIST_MAX;
}

/* Decides whether the document is hard-wrapped: at least 8 non-blank
 * lines whose 90th percentile trimmed length is 40..110 code points. */
static aj_err measure_shape(aj_segmenter *g) {
    size_t *hist = calloc(HIST_MAX + 1, sizeof *hist);
    if (!hist)
        return aj_fail(g->c, AJ_ENOMEM, "segment: line histogram");
    size_t pos = 0, lines = 0, ls, le, told = 0;
    while (pos < g->n) {
        if (g->done && pos - told >= AJ_SEG_DONE_STEP) {
            g->done(g->arg, told, pos);
            told = pos;
        }
        take_line_hinting(g, &pos, &ls, &le);
        trim_space(g->s, &ls, &le);
        if (ls == le) continue;
        /* A line of 4 * HIST_MAX bytes has at least HIST_MAX code points:
         * no need to read all of a huge one. */
        size_t cp = le - ls >= 4 * (size_t)HIST_MAX ? HIST_MAX
                                                    : code_points(g->s, ls, le);
        hist[cp < HIST_MAX ? cp : HIST_MAX]++;
        lines++;
    }
    if (lines >= 8) {
        size_t p90 = percentile(hist, lines, 90);
        if (p90 >= 40 && p90 <= 110) {
            g->wrapped = 1;
            g->w95 = percentile(hist, lines, 95);
        }
    }
    free(hist);
    return AJ_OK;
}

/* ---- entry points ----------------------------------------------------- */

aj_err aj_segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                  void *arg) {
    return aj_segment_ex(c, src, len, fn, arg, NULL);
}

/* The segmenter behind the public entry points; map asks for source maps,
 * win (or NULL) for a window of a document (aj_segment_map_window). */
static aj_err run_segmenter(aj_ctx *c, const char *src, size_t len,
                            aj_seg_fn fn, void *arg, aj_seg_done_fn done,
                            int map, const aj_seg_window *win) {
    if (!fn) return aj_fail(c, AJ_EINVAL, "segment: no callback");
    if (!src) {
        if (len) return aj_fail(c, AJ_EINVAL, "segment: no source bytes");
        src = "";
    }
    aj_segmenter *g = calloc(1, sizeof *g);
    if (!g) return aj_fail(c, AJ_ENOMEM, "segment: state");
    g->c = c;
    g->fn = fn;
    g->arg = arg;
    g->s = (const unsigned char *)src;
    g->n = len;
    g->done = done;
    g->map = map;
    aj_err e = AJ_OK;
    size_t pos = 0, p, q;
    int inside = 0; /* the next line is the rest of a line (win->continues) */
    if (win) {
        g->wrapped = win->wrapped;
        g->w95 = win->w95;
        pos = win->from < len ? win->from : len;
        inside = win->continues;
    } else {
        e = measure_shape(g);
    }
    while (!e && !g->stop && pos < len) {
        hint_behind(g, pos);
        take_line_hinting(g, &pos, &p, &q);
        trim_space(g->s, &p, &q);
        if (inside) { /* only the window's first line */
            inside = 0;
            if (p < q) {
                place_rest_of_line(g, p, q);
                continue;
            }
        }
        if (p == q) { /* blank: ends the paragraph, not a pending "8." */
            aj_seg_finish_para(g);
            g->prev = PREV_BREAK;
        } else {
            place_line(g, p, q);
        }
    }
    if (!e) {
        aj_seg_finish_para(g);
        flush_pending_number(g);
        aj_seg_release_held(g);
        e = g->err;
    }
    for (int k = 0; k <= LOOKAHEAD; k++) {
        free(g->q[k].text);
        free(g->q[k].ms);
        free(g->q[k].me);
    }
    free(g->buf);
    free(g->ms);
    free(g->me);
    free(g);
    return e;
}

aj_err aj_segment_ex(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                     void *arg, aj_seg_done_fn done) {
    return run_segmenter(c, src, len, fn, arg, done, 0, NULL);
}

aj_err aj_segment_map(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                      void *arg) {
    return run_segmenter(c, src, len, fn, arg, NULL, 1, NULL);
}

aj_err aj_segment_map_window(aj_ctx *c, const char *src, size_t len,
                             const aj_seg_window *w, aj_seg_fn fn, void *arg) {
    if (!w) return aj_fail(c, AJ_EINVAL, "segment: no window");
    return run_segmenter(c, src, len, fn, arg, NULL, 1, w);
}

size_t aj_segment_title(const char *src, size_t len, char *out, size_t cap) {
    if (!out || !cap) return 0;
    out[0] = '\0';
    if (!src) return 0;
    aj_segmenter g;
    memset(&g, 0, sizeof g);
    g.title = 1;
    g.s = (const unsigned char *)src;
    g.n = len;
    g.buf = out;
    g.cap = cap;
    size_t pos = 0, p, q;
    while (pos < len) {
        take_line(g.s, len, &pos, &p, &q);
        trim_space(g.s, &p, &q);
        if (!aj_seg_title_span(g.s, &p, &q)) continue;
        g.len = 0;
        g.gap = 0;
        g.full = 0;
        g.seen = 0;
        aj_seg_clean_line(&g, p, q);
        if (g.seen) {
            out[g.len] = '\0';
            return g.len;
        }
    }
    out[0] = '\0';
    return 0;
}
