/*
 * fuzz_segment.c - any bytes as a source document through the paragraph
 * splitter and the title finder, checking what segment.h promises:
 *  - paragraphs come in order of start offset, with start <= end inside
 *    the input; ranges do not overlap except that a paragraph joined
 *    across a page footer encloses the footnotes delivered after it;
 *  - text is NUL-terminated at text_len with no NUL or other control
 *    byte inside it; kind is one of the three; a label is a short
 *    NUL-terminated string;
 *  - returning non-zero from the callback stops the segmenter at once;
 *  - aj_segment_map gives the same paragraphs, each text byte mapped into
 *    the paragraph's range, in order, a copied byte onto its own value;
 *  - so does aj_segment_map_window, with any shape and start;
 *  - aj_segment_title writes at most cap - 1 bytes and a NUL, cut at a
 *    character boundary, and a shorter cap gives a prefix of a longer one.
 */
#include "fuzz_common.h"

#include "analysis/segment.h"

typedef struct {
    const uint8_t *src;
    size_t len;
    size_t n;
    uint64_t prev_start;
    uint64_t outer_end;   /* end of the enclosing (joined) paragraph */
    size_t stop_after;
} seg_state;

static int on_para(void *arg, const aj_seg_para *p) {
    seg_state *s = arg;
    FZ_CHECK(p->start <= p->end && p->end <= s->len,
             "paragraph %zu range [%llu,%llu) of %zu bytes", s->n,
             (unsigned long long)p->start, (unsigned long long)p->end, s->len);
    FZ_CHECK(s->n == 0 || p->start >= s->prev_start,
             "paragraph %zu starts at %llu before %llu", s->n,
             (unsigned long long)p->start, (unsigned long long)s->prev_start);
    /* Either after every earlier range, or inside the last one that
     * enclosed others (a footer join). */
    FZ_CHECK(s->n == 0 || p->start >= s->outer_end || p->end <= s->outer_end,
             "paragraph %zu [%llu,%llu) overlaps the one ending at %llu", s->n,
             (unsigned long long)p->start, (unsigned long long)p->end,
             (unsigned long long)s->outer_end);
    FZ_CHECK(p->text != NULL && p->text[p->text_len] == 0,
             "text not NUL-terminated");
    for (size_t i = 0; i < p->text_len; i++) {
        unsigned char ch = (unsigned char)p->text[i];
        FZ_CHECK(ch >= 0x20 && ch != 0x7F,
                 "control byte 0x%02x at %zu of paragraph %zu", ch, i, s->n);
    }
    FZ_CHECK(p->kind == AJ_PARA_BODY || p->kind == AJ_PARA_HEADING ||
                 p->kind == AJ_PARA_ITEM,
             "kind %d", p->kind);
    if (p->label) FZ_CHECK(strlen(p->label) < 64, "label of %zu bytes",
                           strlen(p->label));
    s->prev_start = p->start;
    if (s->n == 0 || p->start >= s->outer_end) s->outer_end = p->end;
    s->n++;
    return s->stop_after && s->n == s->stop_after;
}

/* aj_segment_map's paragraphs: the maps, then on_para's checks. */
static int on_mapped(void *arg, const aj_seg_para *p) {
    seg_state *s = arg;
    FZ_CHECK(p->src_start && p->src_end, "no map");
    for (size_t i = 0; i < p->text_len; i++) {
        uint64_t a = p->src_start[i], b = p->src_end[i];
        FZ_CHECK(p->start <= a && a <= b && b <= p->end,
                 "paragraph %zu byte %zu maps to [%llu,%llu)", s->n, i,
                 (unsigned long long)a, (unsigned long long)b);
        FZ_CHECK(i == 0 || (a >= p->src_start[i - 1] && b >= p->src_end[i - 1]),
                 "paragraph %zu: map goes back at byte %zu", s->n, i);
        FZ_CHECK(b - a != 1 || p->text[i] == ' ' || s->src[a] == (uint8_t)p->text[i],
                 "paragraph %zu byte %zu is not its source", s->n, i);
    }
    return on_para(arg, p);
}

static int is_cont(unsigned char ch) { return (ch & 0xC0) == 0x80; }

/* Does cutting s[0..n) at m split a well-formed UTF-8 sequence?  (Stray
 * bytes of ill-formed input pass through and may be cut anywhere.) */
static int splits_char(const char *s, size_t n, size_t m) {
    if (m == 0 || m >= n || !is_cont((unsigned char)s[m])) return 0;
    size_t lead = m - 1;
    while (lead > 0 && m - lead < 4 && is_cont((unsigned char)s[lead])) lead--;
    unsigned char b = (unsigned char)s[lead];
    size_t want = b >= 0xC2 && b <= 0xDF   ? 2
                  : b >= 0xE0 && b <= 0xEF ? 3
                  : b >= 0xF0 && b <= 0xF4 ? 4
                                           : 0;
    if (want == 0 || lead + want <= m || lead + want > n) return 0;
    for (size_t i = lead + 1; i < lead + want; i++)
        if (!is_cont((unsigned char)s[i])) return 0;
    /* Overlong forms, surrogates and code points past U+10FFFF are
     * ill-formed: their second byte has a narrower range. */
    unsigned char b2 = (unsigned char)s[lead + 1];
    if ((b == 0xE0 && b2 < 0xA0) || (b == 0xED && b2 > 0x9F) ||
        (b == 0xF0 && b2 < 0x90) || (b == 0xF4 && b2 > 0x8F))
        return 0;
    return 1;
}

/* Is s[0..n) well-formed UTF-8?  Only then is "a character boundary"
 * well defined: with ill-formed input, removed markup can bring a stray
 * lead byte and a stray continuation byte together. */
static int valid_utf8(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t want = b < 0x80                 ? 1
                      : b >= 0xC2 && b <= 0xDF ? 2
                      : b >= 0xE0 && b <= 0xEF ? 3
                      : b >= 0xF0 && b <= 0xF4 ? 4
                                               : 0;
        if (want == 0 || want > n - i) return 0;
        for (size_t k = 1; k < want; k++)
            if (!is_cont(s[i + k])) return 0;
        if (want > 2) {
            unsigned char b2 = s[i + 1];
            if ((b == 0xE0 && b2 < 0xA0) || (b == 0xED && b2 > 0x9F) ||
                (b == 0xF0 && b2 < 0x90) || (b == 0xF4 && b2 > 0x8F))
                return 0;
        }
        i += want;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    seg_state s = {data, size, 0, 0, 0, 0};
    aj_ctx c = {0};
    aj_err e = aj_segment(&c, (const char *)data, size, on_para, &s);
    FZ_CHECK(e == AJ_OK, "aj_segment: %s", c.msg);
    if (s.n > 1) {
        seg_state t = {data, size, 0, 0, 0, 1};
        aj_ctx c2 = {0};
        e = aj_segment(&c2, (const char *)data, size, on_para, &t);
        FZ_CHECK(e == AJ_OK && t.n == 1, "stop after 1: %zu paragraphs", t.n);
    }
    seg_state m = {data, size, 0, 0, 0, 0};
    aj_ctx c3 = {0};
    e = aj_segment_map(&c3, (const char *)data, size, on_mapped, &m);
    FZ_CHECK(e == AJ_OK && m.n == s.n, "mapped: %zu paragraphs, plain %zu", m.n, s.n);
    /* A window with its shape and start drawn from the input, as source.c
     * segments a few lines of a document: the same promises. */
    if (size >= 4) {
        aj_seg_window w = {data[0] & 1, data[1] & 1 ? SIZE_MAX / 8 : data[2],
                           data[3] % (size + 1), (data[0] & 2) != 0};
        seg_state ws = {data, size, 0, 0, 0, 0};
        aj_ctx c4 = {0};
        e = aj_segment_map_window(&c4, (const char *)data, size, &w, on_mapped, &ws);
        FZ_CHECK(e == AJ_OK, "window: %s", c4.msg);
    }

    char full[512], part[512];
    size_t n = aj_segment_title((const char *)data, size, full, sizeof full);
    FZ_CHECK(n < sizeof full && full[n] == 0 && strlen(full) == n,
             "title length %zu", n);
    /* Cut at a character boundary (of well-formed input). */
    int utf8 = valid_utf8(data, size);
    size_t caps[] = {0, 1, 2, 3, 5, 17, 64};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        size_t cap = caps[k];
        memset(part, 'x', sizeof part);
        size_t m = aj_segment_title((const char *)data, size, part, cap);
        if (cap == 0) {
            FZ_CHECK(m == 0 && part[0] == 'x', "cap 0 wrote something");
            continue;
        }
        FZ_CHECK(m < cap && part[m] == 0 && strlen(part) == m,
                 "cap %zu: length %zu", cap, m);
        FZ_CHECK(m <= n && memcmp(part, full, m) == 0,
                 "cap %zu: '%s' not a prefix of '%s'", cap, part, full);
        FZ_CHECK(!utf8 || !splits_char(full, n, m),
                 "cap %zu: cut inside a character at %zu", cap, m);
        FZ_CHECK(part[cap] == 'x' || cap >= sizeof part, "cap %zu overrun",
                 cap);
    }
    return 0;
}
