/*
 * pagejoin.c - finished paragraphs on their way to the caller, and the
 * join across page footers.
 *
 * In text taken from PDF pages a paragraph is often cut in two by the
 * page's footer or a footnote block: the first part stops mid-sentence
 * and the next real paragraph, after the footnotes, starts with a
 * lower-case letter.  aj_seg_emit_para() therefore holds back a paragraph
 * that did not end its sentence, together with up to LOOKAHEAD footnotes
 * after it, until it sees whether the next paragraph continues it; if so
 * the two are joined with one space (standing, in the source map, for
 * the footer between them).  Everything else, and whatever is held once
 * the question is settled, goes to the caller in source order.
 *
 * Memory: everything held back lies within one AJ_MAX_PARA_BYTES window
 * of the source, in buffers reused from one paragraph to the next (the
 * larger ones freed on release).
 */
#include "analysis/segment_impl.h"

#include <stdlib.h>
#include <string.h>

#define HELD_KEEP (64u << 10) /* held buffers larger than this are freed */
#define OPEN_MIN 80           /* shortest paragraph a footer join may continue */
#define FEED_MIN 40           /* ... across a page break, with a capital */

/* The text ends a sentence or clause: ". ! ? : ;", maybe then a closing
 * quote or bracket.  Such a paragraph cannot be continued by a later one. */
static int ends_closed(const unsigned char *t, size_t n) {
    n = strip_closers(t, n, 2);
    return n && is_terminal(t[n - 1]);
}

/* Hands one paragraph to the caller. */
static void deliver_para(aj_segmenter *g, const char *text, const uint64_t *ms,
                         const uint64_t *me, size_t len, uint64_t a,
                         uint64_t b, const char *label, int kind, int mark,
                         int head) {
    if (g->stop) return;
    aj_seg_para p;
    p.src_start = g->map ? ms : NULL;
    p.src_end = g->map ? me : NULL;
    p.start = a;
    p.end = b;
    p.text = text;
    p.text_len = len;
    p.label = label[0] ? label : NULL;
    p.kind = kind;
    p.mark = label[0] || mark == AJ_MARK_BULLET ? mark : AJ_MARK_NONE;
    p.head = kind == AJ_PARA_HEADING ? head : 0;
    if (g->fn(g->arg, &p)) g->stop = 1;
    hint_behind(g, a);
}

/* Makes room for n bytes and a NUL in a held paragraph. */
static int held_room(aj_segmenter *g, aj_seg_held *h, size_t n) {
    if (n + 1 <= h->cap) return 1;
    return aj_seg_text_grow(g, &h->text, &h->cap, &h->ms, &h->me, n + 1, 256,
                            "held paragraph");
}

/* Holds back the paragraph being finished, with the builder's label, kind
 * and mark. */
static void hold_back(aj_segmenter *g, const char *text, size_t len,
                      uint64_t a, uint64_t b) {
    aj_seg_held *h = &g->q[g->nq];
    if (!held_room(g, h, len)) return;
    memcpy(h->text, text, len);
    if (g->map) aj_seg_map_copy(h->ms, h->me, g->ms, g->me, len);
    h->text[len] = '\0';
    h->len = len;
    h->start = a;
    h->end = b;
    memcpy(h->label, g->label, LABEL_CAP);
    h->kind = g->kind;
    h->mark = g->mark;
    h->head = g->head;
    g->nq++;
}

void aj_seg_release_held(aj_segmenter *g) {
    for (int k = 0; k < g->nq; k++) {
        aj_seg_held *h = &g->q[k];
        deliver_para(g, h->text, h->ms, h->me, h->len, h->start, h->end,
                     h->label, h->kind, h->mark, h->head);
        if (h->cap > HELD_KEEP) {
            free(h->text);
            free(h->ms);
            free(h->me);
            h->text = NULL;
            h->ms = h->me = NULL;
            h->cap = 0;
        }
    }
    g->nq = 0;
    g->ahead = 0;
}

/* Is there a blank line in the source between offsets a and b?  Across a
 * blank line only a paragraph of some length (OPEN_MIN) that stops
 * mid-sentence is continued: short lines without a full stop (captions,
 * names, list entries, titles) are common and are not broken paragraphs. */
static int blank_between(const aj_segmenter *g, uint64_t a, uint64_t b) {
    int nl = 0;
    for (uint64_t i = a; i < b && i < g->n; i++) {
        unsigned ch = g->s[i];
        if (ch == '\n') {
            if (++nl == 2) return 1;
        } else if (ch != ' ' && ch != '\t' && ch != '\r') {
            nl = 0;
        }
    }
    return 0;
}

/* Is there a page break (a form feed: pdftotext's, or ajsearch-extract's
 * between PDF pages) in the source between offsets a and b? */
static int feed_between(const aj_segmenter *g, uint64_t a, uint64_t b) {
    if (b > g->n) b = g->n;
    return a < b && memchr(g->s + a, '\f', (size_t)(b - a)) != NULL;
}

/* Decides whether the finished paragraph continues a held one, is held
 * itself, or goes to the caller. */
void aj_seg_emit_para(aj_segmenter *g, const char *text, size_t len,
                      uint64_t a, uint64_t b) {
    const unsigned char *t = (const unsigned char *)text;
    if (g->stop) return;
    if (!has_content(t, 0, len)) { /* dropped; it does not close anything */
        if (g->nq && ++g->ahead > LOOKAHEAD) aj_seg_release_held(g);
        return;
    }
    if (g->nq) {
        aj_seg_held *o = &g->q[0];
        int fits = b - o->start <= LIMIT;
        if (g->footnote) {
            if (fits && g->ahead < LOOKAHEAD) {
                g->ahead++;
                hold_back(g, text, len, a, b);
                return;
            }
        } else if (fits && g->kind == AJ_PARA_BODY && !g->label[0] &&
                   (starts_lower(t, len)
                        ? o->len >= OPEN_MIN || !blank_between(g, o->end, a)
                        /* A paragraph cut mid-sentence by the end of a
                         * page goes on at the top of the next, whatever
                         * the case of the word it goes on with ("ASEAN
                         * Smart" / "Cities Network"), if it is more than
                         * a caption's few words (it may be the page's
                         * last line alone). */
                        : o->len >= FEED_MIN && feed_between(g, o->end, a))) {
            if (!held_room(g, o, o->len + 1 + len)) return;
            /* "develop-" / "ment": one word again, without a space (and
             * without the hyphen when the halves make an English word) */
            int cut = o->len >= 2 && o->text[o->len - 1] == '-' &&
                      is_letter((unsigned char)o->text[o->len - 2]) && starts_lower(t, len) &&
                      (!blank_between(g, o->end, a) || feed_between(g, o->end, a));
            if (cut && aj_seg_hyphen_mends(o->text, o->len, t, len)) o->len--;
            if (!cut) {
                if (g->map) /* the joining space stands for the footer */
                    aj_seg_map_space(o->ms, o->me, o->len, o->end, a);
                o->text[o->len++] = ' ';
            }
            memcpy(o->text + o->len, text, len);
            if (g->map) /* (no arithmetic on the NULL maps otherwise) */
                aj_seg_map_copy(o->ms + o->len, o->me + o->len, g->ms, g->me,
                                len);
            o->len += len;
            o->text[o->len] = '\0';
            o->end = b;
            if (ends_closed((const unsigned char *)o->text, o->len))
                aj_seg_release_held(g);
            return;
        }
        aj_seg_release_held(g);
    }
    if (!g->footnote && g->kind != AJ_PARA_HEADING && !ends_closed(t, len)) {
        hold_back(g, text, len, a, b);
        g->ahead = 0;
        return;
    }
    deliver_para(g, text, g->ms, g->me, len, a, b, g->label, g->kind, g->mark,
                 g->head);
}
