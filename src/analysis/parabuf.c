/*
 * parabuf.c - the paragraph being built, and the length limit.
 *
 * The driver (segment.c) starts and finishes paragraphs; cleaning
 * (clean.c) appends text to the current one a unit at a time (a run of
 * ASCII, one UTF-8 character, one decoded entity).  Whitespace between
 * units becomes a single space, none at either end.  Here, too, a
 * paragraph whose source would pass AJ_MAX_PARA_BYTES is cut at its last
 * space (or, in a run with none, at the limit on a unit boundary) and
 * delivered in pieces, only the first with the label.  A finished
 * paragraph or piece goes on to the footer join (pagejoin.c).
 *
 * The same buffer writes the fallback title (aj_segment_title): then it is
 * the caller's fixed buffer, nothing is cut, and a unit that does not fit
 * ends the writing.
 *
 * Memory: the text is never longer than its source (every cleaning step
 * shrinks or keeps the bytes), and pieces are cut at AJ_MAX_PARA_BYTES of
 * source, so the buffer never needs more than BUF_MAX.
 */
#include "analysis/segment_impl.h"

#include <stdlib.h>
#include <string.h>

void aj_seg_start_para(aj_segmenter *g, int kind, const char *label,
                       int footnote) {
    g->active = 1;
    g->kind = kind;
    g->mark = g->head = 0; /* callers that know them set them after */
    g->footnote = footnote;
    g->len = 0;
    g->gap = 0;
    g->can_cut = 0;
    size_t n = label ? strlen(label) : 0;
    if (n >= LABEL_CAP) n = LABEL_CAP - 1;
    memcpy(g->label, label ? label : "", n);
    g->label[n] = '\0';
}

void aj_seg_finish_para(aj_segmenter *g) {
    if (!g->active) return;
    g->active = 0;
    if (g->buf) g->buf[g->len] = '\0';
    aj_seg_emit_para(g, g->buf ? g->buf : "", g->len, g->start, g->end);
    g->len = 0;
    g->gap = 0;
    g->can_cut = 0;
    g->label[0] = '\0';
}

/* The paragraph's source is about to pass the limit: deliver what it has
 * up to its last space (the pending one, else the last written one), or
 * all of it when it has no space, and keep the rest as the start of the
 * next piece. */
static void cut_at_limit(aj_segmenter *g) {
    if (!g->gap && g->can_cut) {
        g->buf[g->cut_len] = '\0'; /* overwrites the space */
        aj_seg_emit_para(g, g->buf, g->cut_len, g->start, g->cut_end);
        size_t rest = g->len - g->word_at;
        memmove(g->buf, g->buf + g->word_at, rest);
        if (g->map)
            aj_seg_map_copy(g->ms, g->me, g->ms + g->word_at,
                            g->me + g->word_at, rest);
        g->len = rest;
        g->start = g->word_start;
        g->can_cut = 0;
    } else {
        g->buf[g->len] = '\0';
        aj_seg_emit_para(g, g->buf, g->len, g->start, g->end);
        g->len = 0;
        g->gap = 0;
    }
    g->label[0] = '\0';
    g->mark = AJ_MARK_NONE;
}

/* Room for n more bytes, a space and the NUL (titles: n and the NUL). */
static int make_room(aj_segmenter *g, size_t n) {
    if (g->title) {
        /* Once full, stay full: a later, shorter unit must not be written
         * after one that was dropped. */
        if (!g->full && g->len + n + 1 <= g->cap) return 1;
        g->full = 1;
        return 0;
    }
    size_t need = g->len + n + 2;
    if (need <= g->cap) return 1;
    return aj_seg_text_grow(g, &g->buf, &g->cap, &g->ms, &g->me, need, 4096,
                            "paragraph buffer");
}

void aj_seg_put_unit(aj_segmenter *g, const unsigned char *u, size_t k,
                     size_t a, size_t b) {
    if (g->stop) return;
    if (g->title && has_content(u, 0, k)) g->seen = 1;
    while (!g->title && g->len && (uint64_t)b - g->start > LIMIT && !g->stop)
        cut_at_limit(g);
    int space = g->len && g->gap;
    if (g->stop || !make_room(g, k + (size_t)space)) return;
    if (!g->len) {
        g->start = a;
    } else if (space) {
        g->can_cut = 1;
        g->cut_len = g->len;
        g->cut_end = g->end;
        if (g->map) /* a space stands for the source between the units */
            aj_seg_map_space(g->ms, g->me, g->len, g->end, a);
        g->buf[g->len++] = ' ';
        g->word_at = g->len;
        g->word_start = a;
    }
    g->gap = 0;
    memcpy(g->buf + g->len, u, k);
    if (g->map) aj_seg_map_unit(g->ms, g->me, g->len, k, a, b);
    g->len += k;
    g->end = b;
}

void aj_seg_put_ascii(aj_segmenter *g, size_t a, size_t b) {
    /* in one copy when no cut can fall in */
    if (!g->title && (g->len ? g->start : a) + LIMIT >= b) {
        aj_seg_put_unit(g, g->s + a, b - a, a, b);
        return;
    }
    for (; a < b && !g->stop; a++) aj_seg_put_unit(g, g->s + a, 1, a, a + 1);
}
