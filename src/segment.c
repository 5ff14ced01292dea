/*
 * segment.c - paragraphs of a document; see segment.h.
 *
 * Two passes over the bytes.  The first measures line lengths to decide
 * whether the document is hard-wrapped (PDF text) and at what width.  The
 * second walks the lines, deciding for each whether it starts a paragraph
 * (blank line before, list marker, lone number, heading) or continues the
 * current one (wrapped text), cleaning markup as it goes.  Finished
 * paragraphs pass through a short queue so that a paragraph broken by a
 * page footer can be joined back to its first part.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#define HIST 512          /* line-length histogram buckets (code points) */
#define QMAX 8            /* paragraphs held back while one is open */
#define LABEL_MAX 16
#define TAG_MAX 200       /* an HTML-like tag must close within this */
#define OPEN_MIN 80       /* shortest paragraph that may be continued */

typedef struct {
    char *text;
    size_t len, cap;
    uint64_t start, end;
    char label[LABEL_MAX];
    int has_label;
    int kind;
    int footnote;         /* a footnote line: does not close an open para */
} para;

typedef struct {
    aj_ctx *c;
    const uint8_t *src;
    size_t len;
    aj_seg_fn fn;
    void *arg;
    int stop;
    aj_err err;
    /* document shape */
    int wrapped;
    size_t width;         /* typical wrapped line length (code points) */
    /* current paragraph */
    para cur;
    int active;           /* cur holds a paragraph being built */
    int awaiting;         /* cur was started by a lone "N." line */
    size_t prev_cols;     /* length of the previous line added to cur */
    /* finished paragraphs held back */
    para q[QMAX];
    int nq;
    int open;             /* q[0] is open: may receive a continuation */
} seg;

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static int is_ws(uint8_t b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v';
}

static int is_digit(uint8_t b) { return b >= '0' && b <= '9'; }
static int is_upper(uint8_t b) { return b >= 'A' && b <= 'Z'; }
static int is_lower(uint8_t b) { return b >= 'a' && b <= 'z'; }
static int is_alpha(uint8_t b) { return is_upper(b) || is_lower(b); }

/* Skips spaces, tabs and no-break spaces (C2 A0) forward from i. */
static size_t skip_ws(const uint8_t *s, size_t i, size_t end) {
    for (;;) {
        if (i < end && is_ws(s[i]))
            i++;
        else if (i + 1 < end && s[i] == 0xC2 && s[i + 1] == 0xA0)
            i += 2;
        else
            return i;
    }
}

/* Trims spaces and no-break spaces backward from end. */
static size_t trim_end(const uint8_t *s, size_t start, size_t end) {
    for (;;) {
        if (end > start && is_ws(s[end - 1]))
            end--;
        else if (end >= start + 2 && s[end - 2] == 0xC2 && s[end - 1] == 0xA0)
            end -= 2;
        else
            return end;
    }
}

static size_t columns(const uint8_t *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += (s[i] & 0xC0) != 0x80;
    return k;
}

static int starts_with(const uint8_t *s, size_t n, const char *lit) {
    size_t k = strlen(lit);
    return n >= k && memcmp(s, lit, k) == 0;
}

/* Is s[0..n) a lower-case roman numeral from i to xxxix? */
static int is_roman(const uint8_t *s, size_t n) {
    if (n == 0 || n > 6) return 0;
    size_t i = 0;
    int tens = 0;
    while (i < n && s[i] == 'x' && tens < 3) i++, tens++;
    const uint8_t *r = s + i;
    size_t m = n - i;
    static const char *const units[] = {"",   "i",  "ii",  "iii", "iv",
                                        "v",  "vi", "vii", "viii", "ix"};
    for (int u = 0; u < 10; u++)
        if (strlen(units[u]) == m && memcmp(r, units[u], m) == 0)
            return tens > 0 || u > 0;
    return 0;
}

/* ------------------------------------------------------------------ */
/* paragraph buffers and delivery                                      */

static int para_put(seg *g, para *p, const char *s, size_t n) {
    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap : 256;
        while (cap < p->len + n + 1) cap *= 2;
        char *t = realloc(p->text, cap);
        if (!t) {
            g->err = aj_fail(g->c, AJ_ENOMEM, "paragraph text");
            g->stop = 1;
            return -1;
        }
        p->text = t;
        p->cap = cap;
    }
    memcpy(p->text + p->len, s, n);
    p->len += n;
    p->text[p->len] = 0;
    return 0;
}

static void para_reset(para *p) {
    p->len = 0;
    if (p->text) p->text[0] = 0;
    p->start = p->end = 0;
    p->has_label = 0;
    p->label[0] = 0;
    p->kind = AJ_PARA_BODY;
    p->footnote = 0;
}

static int has_content(const para *p) {
    for (size_t i = 0; i < p->len; i++) {
        uint8_t b = (uint8_t)p->text[i];
        if (b >= 0x80 || is_alpha(b) || is_digit(b)) return 1;
    }
    return 0;
}

static void deliver(seg *g, para *p) {
    if (g->stop) return;
    aj_seg_para out = {p->start, p->end, p->text ? p->text : "", p->len,
                       p->has_label ? p->label : NULL, p->kind};
    if (g->fn(g->arg, &out)) g->stop = 1;
}

static void flush_queue(seg *g) {
    for (int i = 0; i < g->nq; i++) deliver(g, &g->q[i]);
    for (int i = 0; i < g->nq; i++) para_reset(&g->q[i]);
    g->nq = 0;
    g->open = 0;
}

/* Does the paragraph end a sentence (so nothing may continue it)? */
static int ends_sentence(const para *p) {
    size_t n = p->len;
    const uint8_t *t = (const uint8_t *)p->text;
    /* Step back over closing quotes and brackets. */
    while (n > 0) {
        if (t[n - 1] == '"' || t[n - 1] == '\'' || t[n - 1] == ')' ||
            t[n - 1] == ']')
            n--;
        else if (n >= 3 && t[n - 3] == 0xE2 && t[n - 2] == 0x80 &&
                 (t[n - 1] == 0x9D || t[n - 1] == 0x99))
            n -= 3; /* ” ’ */
        else
            break;
    }
    if (n == 0) return 1;
    uint8_t b = t[n - 1];
    return b == '.' || b == '!' || b == '?' || b == ':' || b == ';';
}

/* Swaps p into queue slot i (the slot's old buffer goes back to p). */
static void swap_para(para *a, para *b) {
    para t = *a;
    *a = *b;
    *b = t;
}

/* A paragraph is complete: drop it, deliver it, queue it, or join it to
 * the open paragraph it continues. */
static void finish(seg *g) {
    if (!g->active) return;
    para *p = &g->cur;
    g->active = 0;
    g->awaiting = 0;
    if (!has_content(p) || g->stop) {
        para_reset(p);
        return;
    }
    int lower_start = p->len > 0 && is_lower((uint8_t)p->text[0]);
    if (g->open && lower_start && p->kind == AJ_PARA_BODY && !p->footnote &&
        p->end - g->q[0].start <= AJ_MAX_PARA_BYTES) {
        /* Everything queued after the open paragraph is a footnote. */
        para *o = &g->q[0];
        if (para_put(g, o, " ", 1) || para_put(g, o, p->text, p->len)) return;
        o->end = p->end;
        para_reset(p);
        if (ends_sentence(o)) flush_queue(g);
        return;
    }
    if (g->open && p->footnote && g->nq < QMAX) {
        swap_para(&g->q[g->nq++], p);
        para_reset(p);
        return;
    }
    flush_queue(g);
    /* Only a paragraph of some length that stops mid-sentence is held
     * open: short lines without a full stop (captions, names, titles) are
     * common and are not broken paragraphs. */
    if (p->kind != AJ_PARA_HEADING && !p->footnote && p->len >= OPEN_MIN &&
        !ends_sentence(p)) {
        swap_para(&g->q[0], p);
        g->nq = 1;
        g->open = 1;
        para_reset(p);
        return;
    }
    deliver(g, p);
    para_reset(p);
}

/* ------------------------------------------------------------------ */
/* cleaning markup                                                     */

/* Length of an HTML-like tag at s[i..end) ("<sup>", "</b>", "<br/>",
 * "<span class=x>"), or 0 if it is not one. */
static size_t tag_len(const uint8_t *s, size_t i, size_t end) {
    size_t j = i + 1;
    if (j < end && s[j] == '/') j++;
    if (j >= end || !is_alpha(s[j])) return 0;
    while (j < end && (is_alpha(s[j]) || is_digit(s[j]))) j++;
    size_t limit = i + TAG_MAX < end ? i + TAG_MAX : end;
    while (j < limit && s[j] != '>' && s[j] != '<') j++;
    if (j >= limit || s[j] != '>') return 0;
    return j + 1 - i;
}

static int tag_is_br(const uint8_t *s, size_t n) {
    return n >= 4 && (s[1] == 'b' || s[1] == 'B') && (s[2] == 'r' || s[2] == 'R') &&
           !is_alpha(s[3]);
}

/* Decodes an entity at s[i..end) into out (UTF-8); returns the entity's
 * length, or 0. */
static size_t entity(const uint8_t *s, size_t i, size_t end, char *out,
                     size_t *outn) {
    static const struct { const char *name; const char *text; } named[] = {
        {"&amp;", "&"},   {"&lt;", "<"},       {"&gt;", ">"},
        {"&quot;", "\""}, {"&apos;", "'"},     {"&nbsp;", " "},
    };
    for (size_t k = 0; k < sizeof named / sizeof *named; k++)
        if (starts_with(s + i, end - i, named[k].name)) {
            *outn = strlen(named[k].text);
            memcpy(out, named[k].text, *outn);
            return strlen(named[k].name);
        }
    if (i + 3 < end && s[i + 1] == '#') {
        size_t j = i + 2;
        int hex = j < end && (s[j] == 'x' || s[j] == 'X');
        if (hex) j++;
        uint32_t v = 0;
        size_t digits = 0;
        while (j < end && digits < 7) {
            uint8_t b = s[j];
            int d = is_digit(b) ? b - '0'
                    : hex && b >= 'a' && b <= 'f' ? b - 'a' + 10
                    : hex && b >= 'A' && b <= 'F' ? b - 'A' + 10
                                                   : -1;
            if (d < 0) break;
            v = v * (hex ? 16 : 10) + (uint32_t)d;
            j++;
            digits++;
        }
        if (digits == 0 || j >= end || s[j] != ';') return 0;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) v = 0xFFFD;
        if (v < 0x20) v = ' ';
        size_t n;
        if (v < 0x80) out[0] = (char)v, n = 1;
        else if (v < 0x800)
            out[0] = (char)(0xC0 | (v >> 6)), out[1] = (char)(0x80 | (v & 0x3F)), n = 2;
        else if (v < 0x10000)
            out[0] = (char)(0xE0 | (v >> 12)), out[1] = (char)(0x80 | ((v >> 6) & 0x3F)),
            out[2] = (char)(0x80 | (v & 0x3F)), n = 3;
        else
            out[0] = (char)(0xF0 | (v >> 18)), out[1] = (char)(0x80 | ((v >> 12) & 0x3F)),
            out[2] = (char)(0x80 | ((v >> 6) & 0x3F)), out[3] = (char)(0x80 | (v & 0x3F)), n = 4;
        *outn = n;
        return j + 1 - i;
    }
    return 0;
}

/* Appends the cleaned text of s[i..end) to p, collapsing whitespace.
 * `space` says whether a separating space is owed before the next word. */
/* Bytes that may start markup, whitespace or a control character; every
 * other byte is copied through as is, in runs. */
static int special_byte(uint8_t b) {
    return b < 0x21 || b == 0x7f || b == '<' || b == '*' || b == '_' ||
           b == '`' || b == '!' || b == '[' || b == ']' || b == '&' || b == 0xC2;
}

static void clean_into(seg *g, para *p, const uint8_t *s, size_t i,
                       size_t end, int space) {
    int pending = space;
    while (i < end && !g->stop) {
        uint8_t b = s[i];
        if (!special_byte(b)) {
            size_t j = i + 1;
            while (j < end && !special_byte(s[j])) j++;
            if (pending && p->len > 0 && para_put(g, p, " ", 1)) return;
            pending = 0;
            if (para_put(g, p, (const char *)s + i, j - i)) return;
            i = j;
            continue;
        }
        char buf[8];
        size_t n = 0, adv = 1;
        if (b == '<') {
            size_t t = tag_len(s, i, end);
            if (t) {
                if (tag_is_br(s + i, t)) pending = 1;
                i += t;
                continue;
            }
            buf[0] = '<', n = 1;
        } else if ((b == '*' || b == '_') && i + 1 < end && s[i + 1] == b) {
            i += 2; /* ** and __ emphasis marks */
            continue;
        } else if (b == '`') {
            i++;
            continue;
        } else if (b == '!' && i + 1 < end && s[i + 1] == '[') {
            i++; /* image: keep its alt text like a link's */
            continue;
        } else if (b == '[' || b == ']') {
            /* [text](url): keep text, drop the url */
            if (b == ']' && i + 1 < end && s[i + 1] == '(') {
                size_t j = i + 2;
                while (j < end && s[j] != ')' && !is_ws(s[j])) j++;
                if (j < end && s[j] == ')') {
                    i = j + 1;
                    continue;
                }
            }
            if (b == '[') {
                /* only drop brackets that open a link */
                size_t j = i + 1;
                while (j < end && s[j] != ']' && j - i < TAG_MAX) j++;
                if (j + 1 < end && s[j] == ']' && s[j + 1] == '(') {
                    i++;
                    continue;
                }
            }
            buf[0] = (char)b, n = 1;
        } else if (b == '&') {
            size_t k = entity(s, i, end, buf, &n);
            if (k) {
                adv = k;
                if (n == 1 && buf[0] == ' ') {
                    pending = 1;
                    i += adv;
                    continue;
                }
            } else {
                buf[0] = '&', n = 1;
            }
        } else if (b < 0x20 || b == 0x7f || is_ws(b)) {
            pending = 1;
            i++;
            continue;
        } else if (b == 0xC2 && i + 1 < end && s[i + 1] == 0xA0) {
            pending = 1;
            i += 2;
            continue;
        } else {
            buf[0] = (char)b, n = 1;
        }
        if (pending && p->len > 0) {
            if (para_put(g, p, " ", 1)) return;
        }
        pending = 0;
        if (para_put(g, p, buf, n)) return;
        i += adv;
    }
}

/* ------------------------------------------------------------------ */
/* line classification                                                 */

typedef struct {
    size_t text;          /* where the text starts, after any marker */
    char label[LABEL_MAX];
    int has_label;
    int item;             /* starts a list item / numbered paragraph */
} marker;

static void set_label(marker *m, const uint8_t *s, size_t n) {
    if (n >= LABEL_MAX) n = LABEL_MAX - 1;
    memcpy(m->label, s, n);
    m->label[n] = 0;
    m->has_label = 1;
}

/* Recognises a list marker at s[i..end) (i after indentation). */
static int list_marker(const uint8_t *s, size_t i, size_t end, marker *m) {
    static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x97\x8F",
                                          "\xE2\x96\xAA", "\xE2\x97\xA6",
                                          "\xE2\x80\xA3", "\xE2\x80\x93",
                                          "-",            "*",
                                          "+"};
    memset(m, 0, sizeof *m);
    for (size_t k = 0; k < sizeof bullets / sizeof *bullets; k++) {
        size_t n = strlen(bullets[k]);
        if (starts_with(s + i, end - i, bullets[k]) && i + n < end &&
            is_ws(s[i + n])) {
            m->item = 1;
            m->text = skip_ws(s, i + n, end);
            return 1;
        }
    }
    size_t j = i;
    int paren = j < end && s[j] == '(';
    if (paren) j++;
    size_t a = j;
    while (j < end && j - a < 3 && is_digit(s[j])) j++;
    size_t nd = j - a;
    if (nd == 0) {
        while (j < end && j - a < 6 && is_lower(s[j])) j++;
    } else if (j < end && is_digit(s[j])) {
        return 0; /* four digits or more: a year, not an item */
    }
    size_t nl = j - a;
    if (nl == 0) return 0;
    int ok_label = nd > 0 || is_roman(s + a, nl) || (paren && nl == 1);
    if (!ok_label) return 0;
    if (paren) {
        if (j >= end || s[j] != ')') return 0;
        j++;
    } else {
        if (j >= end || (s[j] != '.' && s[j] != ')')) return 0;
        j++;
    }
    if (j >= end || !is_ws(s[j])) return 0;
    m->item = 1;
    set_label(m, s + a, nl);
    m->text = skip_ws(s, j, end);
    return m->text < end; /* a marker needs text after it */
}

/* A line that is only "N." (1-3 digits). */
static int lone_number(const uint8_t *s, size_t i, size_t end, marker *m) {
    size_t j = i;
    while (j < end && j - i < 4 && is_digit(s[j])) j++;
    size_t nd = j - i;
    if (nd == 0 || nd > 3 || j >= end || s[j] != '.') return 0;
    if (skip_ws(s, j + 1, end) != end) return 0;
    memset(m, 0, sizeof *m);
    set_label(m, s + i, nd);
    return 1;
}

static int is_footnote(const uint8_t *s, size_t i, size_t end) {
    if (starts_with(s + i, end - i, "[^")) return 1;
    if (i + 1 < end && s[i] == '^' && is_digit(s[i + 1])) return 1;
    if (!starts_with(s + i, end - i, "<sup>")) return 0;
    size_t j = i + 5, d = j;
    while (j < end && is_digit(s[j])) j++;
    return j > d && starts_with(s + j, end - j, "</sup>");
}

/* Upper-case title line of a PDF: >= 80% of its letters upper case, at
 * least 3 words. */
static int caps_heading(const uint8_t *s, size_t i, size_t end) {
    size_t up = 0, letters = 0, words = 0;
    int inword = 0;
    for (size_t j = i; j < end; j++) {
        if (is_alpha(s[j])) {
            letters++;
            up += is_upper(s[j]);
        }
        int w = !is_ws(s[j]);
        if (w && !inword) words++;
        inword = w;
    }
    return letters >= 4 && words >= 3 && up * 5 >= letters * 4;
}

/* "1 Review of ..." : a short numbered section title. */
static int numbered_heading(const uint8_t *s, size_t i, size_t end,
                            marker *m) {
    size_t j = i;
    while (j < end && j - i < 3 && is_digit(s[j])) j++;
    size_t nd = j - i;
    if (nd == 0 || nd > 2 || j + 1 >= end || s[j] != ' ' || !is_upper(s[j + 1]))
        return 0;
    if (end - i >= 80 || s[end - 1] == '.') return 0;
    memset(m, 0, sizeof *m);
    set_label(m, s + i, nd);
    m->text = j + 1;
    return 1;
}

/* ------------------------------------------------------------------ */
/* building paragraphs                                                 */

static void start_para(seg *g, uint64_t start, int kind, const marker *m) {
    finish(g);
    para_reset(&g->cur);
    g->active = 1;
    g->cur.kind = kind;
    g->cur.start = start;
    g->cur.end = start;
    if (m && m->has_label) {
        memcpy(g->cur.label, m->label, LABEL_MAX);
        g->cur.has_label = 1;
    }
}

/* Adds source text s[a..b) (trimmed) to the current paragraph. */
static void add_text(seg *g, size_t a, size_t b, int join_tight) {
    para *p = &g->cur;
    if (p->len == 0) p->start = a;
    clean_into(g, p, g->src, a, b, p->len > 0 && !join_tight);
    p->end = b;
}

/* Position after which a roman item runs on in the same line, e.g.
 * "...fraud. ii. “Partners" or "...world.ii. The": returns the offset of
 * the numeral and fills m, or 0. */
static size_t run_together(const uint8_t *s, size_t a, size_t end,
                           marker *m) {
    for (size_t i = a + 1; i + 3 < end; i++) {
        if (!is_lower(s[i]) || (s[i] != 'i' && s[i] != 'v' && s[i] != 'x'))
            continue;
        if (is_alpha(s[i - 1])) continue;
        size_t j = i;
        while (j < end && j - i < 6 && (s[j] == 'i' || s[j] == 'v' || s[j] == 'x'))
            j++;
        if (j >= end || s[j] != '.' || !is_roman(s + i, j - i)) continue;
        size_t k = j + 1;
        if (k >= end || !is_ws(s[k])) continue;
        k = skip_ws(s, k, end);
        if (k >= end) continue;
        int opens = is_upper(s[k]) || s[k] == '"' || s[k] == '\'' || s[k] == '(' ||
                    starts_with(s + k, end - k, "\xE2\x80\x9C") ||
                    starts_with(s + k, end - k, "\xE2\x80\x98");
        if (!opens) continue;
        /* Before the numeral: spaces, closing quotes, then . ; : ! ? */
        size_t b = i;
        while (b > a && is_ws(s[b - 1])) b--;
        for (;;) {
            if (b > a && (s[b - 1] == '"' || s[b - 1] == '\'' || s[b - 1] == ')'))
                b--;
            else if (b >= a + 3 && s[b - 3] == 0xE2 && s[b - 2] == 0x80 &&
                     (s[b - 1] == 0x9D || s[b - 1] == 0x99))
                b -= 3;
            else
                break;
        }
        if (b == a) continue;
        uint8_t p = s[b - 1];
        if (p != '.' && p != ';' && p != ':' && p != '!' && p != '?') continue;
        memset(m, 0, sizeof *m);
        set_label(m, s + i, j - i);
        m->item = 1;
        m->text = k;
        return i;
    }
    return 0;
}

/* Handles one logical line s[a..end) (indentation included). */
static void do_line(seg *g, size_t a, size_t end) {
    const uint8_t *s = g->src;
    size_t i = skip_ws(s, a, end);
    end = trim_end(s, i, end);
    if (i >= end) { /* blank */
        if (!g->awaiting) finish(g);
        return;
    }
    size_t cols = columns(s + i, end - i);
    int quote = s[i] == '>';
    if (quote) i = skip_ws(s, i + 1, end);
    if (i >= end) return;
    marker m;

    /* Items run together: split the line and handle each part. */
    size_t cut = run_together(s, i, end, &m);
    if (cut) {
        do_line(g, a, cut);
        /* Each further numeral on the line starts another item. */
        while (cut && !g->stop) {
            marker next;
            size_t from = m.text;
            start_para(g, from, AJ_PARA_ITEM, &m);
            cut = run_together(s, from, end, &next);
            add_text(g, from, cut ? trim_end(s, from, cut) : end, 0);
            m = next;
        }
        g->prev_cols = cols;
        return;
    }
    if (lone_number(s, i, end, &m)) {
        start_para(g, end, AJ_PARA_ITEM, &m);
        g->awaiting = 1;
        g->prev_cols = 0;
        return;
    }
    if (s[i] == '#') {
        size_t j = i;
        while (j < end && s[j] == '#' && j - i < 6) j++;
        if (j < end && is_ws(s[j])) {
            start_para(g, skip_ws(s, j, end), AJ_PARA_HEADING, NULL);
            add_text(g, skip_ws(s, j, end), end, 0);
            finish(g);
            return;
        }
    }
    if (end - i >= 5 && starts_with(s + i, end - i, "**") && s[end - 1] == '*' &&
        s[end - 2] == '*') {
        start_para(g, i, AJ_PARA_HEADING, NULL);
        add_text(g, i, end, 0);
        finish(g);
        return;
    }
    int footnote = is_footnote(s, i, end);
    if (!footnote && list_marker(s, i, end, &m)) {
        start_para(g, m.text, AJ_PARA_ITEM, &m);
        add_text(g, m.text, end, 0);
        g->prev_cols = cols;
        return;
    }
    if (g->wrapped && caps_heading(s, i, end) && !g->awaiting) {
        start_para(g, i, AJ_PARA_HEADING, NULL);
        add_text(g, i, end, 0);
        finish(g);
        return;
    }
    if (!g->wrapped && numbered_heading(s, i, end, &m)) {
        start_para(g, m.text, AJ_PARA_HEADING, &m);
        add_text(g, m.text, end, 0);
        finish(g);
        return;
    }
    /* A plain line: first text of an awaited numbered paragraph, the
     * continuation of a wrapped line, or a paragraph of its own. */
    if (g->active && g->awaiting) {
        g->awaiting = 0;
        add_text(g, i, end, 0);
        g->prev_cols = cols;
        return;
    }
    if (g->active && g->wrapped && g->cur.len > 0 &&
        g->prev_cols * 10 >= g->width * 6 &&
        g->cur.end - g->cur.start + (end - i) < AJ_MAX_PARA_BYTES) {
        para *p = &g->cur;
        int tight = p->len >= 2 && p->text[p->len - 1] == '-' &&
                    is_alpha((uint8_t)p->text[p->len - 2]) && is_lower(s[i]);
        add_text(g, i, end, tight);
        g->prev_cols = cols;
        return;
    }
    start_para(g, i, AJ_PARA_BODY, NULL);
    g->cur.footnote = footnote;
    add_text(g, i, end, 0);
    g->prev_cols = cols;
}

/* First pass: is the document hard-wrapped, and how wide? */
static void measure(seg *g) {
    size_t hist[HIST + 1] = {0}, lines = 0;
    const uint8_t *s = g->src;
    for (size_t a = 0; a < g->len;) {
        const uint8_t *nl = memchr(s + a, '\n', g->len - a);
        size_t end = nl ? (size_t)(nl - s) : g->len;
        size_t i = skip_ws(s, a, end), e = trim_end(s, i, end);
        if (e > i) {
            size_t cols = columns(s + i, e - i);
            hist[cols < HIST ? cols : HIST]++;
            lines++;
        }
        a = end + 1;
    }
    if (lines < 8) return;
    size_t p90 = 0, p95 = 0, acc = 0;
    for (size_t k = 0; k <= HIST; k++) {
        acc += hist[k];
        if (!p90 && acc * 10 >= lines * 9) p90 = k ? k : 1;
        if (!p95 && acc * 20 >= lines * 19) p95 = k ? k : 1;
    }
    g->wrapped = p90 >= 40 && p90 <= 110;
    g->width = p95;
}

aj_err aj_segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                  void *arg) {
    seg g;
    memset(&g, 0, sizeof g);
    g.c = c;
    g.src = (const uint8_t *)src;
    g.len = len;
    g.fn = fn;
    g.arg = arg;
    measure(&g);
    const uint8_t *s = g.src;
    for (size_t a = 0; a < len && !g.stop;) {
        const uint8_t *nl = memchr(s + a, '\n', len - a);
        size_t end = nl ? (size_t)(nl - s) : len;
        /* A line longer than a paragraph may be is cut at spaces; each
         * piece is a paragraph of its own. */
        while (end - a > AJ_MAX_PARA_BYTES && !g.stop) {
            size_t cut = a + AJ_MAX_PARA_BYTES;
            size_t k = cut;
            while (k > a + AJ_MAX_PARA_BYTES / 2 && !is_ws(s[k - 1])) k--;
            if (k > a + AJ_MAX_PARA_BYTES / 2)
                cut = k;
            else
                while (cut > a + 1 && (s[cut] & 0xC0) == 0x80) cut--;
            finish(&g);
            g.awaiting = 0;
            do_line(&g, a, cut);
            finish(&g);
            a = cut;
        }
        if (!g.stop) {
            /* Paragraphs never grow past the limit either. */
            if (g.active && g.cur.end > g.cur.start &&
                (end - a) + (g.cur.end - g.cur.start) > AJ_MAX_PARA_BYTES)
                finish(&g);
            do_line(&g, a, end);
        }
        a = end + 1;
    }
    if (!g.stop) finish(&g);
    if (!g.stop) flush_queue(&g);
    free(g.cur.text);
    for (int i = 0; i < QMAX; i++) free(g.q[i].text);
    return g.err;
}

size_t aj_segment_title(const char *src, size_t len, char *out, size_t cap) {
    const uint8_t *s = (const uint8_t *)src;
    if (cap == 0) return 0;
    out[0] = 0;
    for (size_t a = 0; a < len;) {
        const uint8_t *nl = memchr(s + a, '\n', len - a);
        size_t end = nl ? (size_t)(nl - s) : len;
        if (end - a > 4096) end = a + 4096;
        size_t i = skip_ws(s, a, end), e = trim_end(s, i, end);
        while (i < e && s[i] == '#') i++;
        marker m;
        if (i < e && list_marker(s, i, e, &m)) i = m.text;
        i = skip_ws(s, i, e);
        if (i < e) {
            seg g;
            memset(&g, 0, sizeof g);
            para p = {0};
            clean_into(&g, &p, s, i, e, 0);
            size_t n = p.len < cap - 1 ? p.len : cap - 1;
            while (n > 0 && n < p.len && ((uint8_t)p.text[n] & 0xC0) == 0x80) n--;
            if (p.text) memcpy(out, p.text, n);
            out[n] = 0;
            free(p.text);
            if (n > 0) return n;
        }
        a = (nl ? (size_t)(nl - s) : len) + 1;
    }
    return 0;
}
