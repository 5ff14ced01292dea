/*
 * srcmap.c - the source map of aj_segment_map: for each byte of a
 * paragraph's text, the source bytes it came from.
 *
 * The map is two arrays beside a text buffer, one entry per text byte:
 * byte i came from source bytes [ms[i], me[i]).  Three kinds of entry
 * (segment.h, aj_seg_para.src_start):
 *
 *   - a byte copied from the source maps to itself;
 *   - each byte of a decoded unit (an entity, "&amp;" -> "&") maps to the
 *     whole of its source;
 *   - a space the segmenter put in between two pieces (a joined line,
 *     removed markup, a page footer) maps to the source between them.
 *
 * The paragraph buffer (parabuf.c) and the paragraphs held back for a
 * footer join (pagejoin.c) each keep a map, grown with the text and moved
 * with it through cuts and joins: this file grows and moves maps.  The
 * entries for each unit and space are written by aj_seg_map_unit() and
 * aj_seg_map_space(), which are static inline in segment_impl.h because
 * they run once per unit.  Without aj_segment_map none of these is
 * called and no map is allocated.
 */
#include "analysis/segment_impl.h"

#include <stdlib.h>
#include <string.h>

int aj_seg_map_grow(uint64_t **ms, uint64_t **me, size_t cap) {
    uint64_t *s = realloc(*ms, cap * sizeof *s);
    if (s) *ms = s;
    uint64_t *e = s ? realloc(*me, cap * sizeof *e) : NULL;
    if (e) *me = e;
    return e != NULL;
}

void aj_seg_map_copy(uint64_t *ts, uint64_t *te, const uint64_t *fs,
                     const uint64_t *fe, size_t n) {
    if (!n) return;
    memmove(ts, fs, n * sizeof *ts);
    memmove(te, fe, n * sizeof *te);
}

int aj_seg_text_grow(aj_segmenter *g, char **text, size_t *cap, uint64_t **ms, uint64_t **me,
                     size_t need, size_t first, const char *what) {
    size_t n = *cap ? *cap : first;
    while (n < need) n *= 2;
    if (n > BUF_MAX && need <= BUF_MAX) n = BUF_MAX;
    char *t = realloc(*text, n);
    if (t) *text = t;
    if (t && g->map && !aj_seg_map_grow(ms, me, n)) t = NULL;
    if (!t) {
        fail_nomem(g, what, n);
        return 0;
    }
    *cap = n;
    return 1;
}
