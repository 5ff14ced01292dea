/*
 * text.c - the body every extractor writes into, and the header's values
 * (extract.h has the protocol).
 *
 * The extractors report what they read as it comes: text, line and
 * paragraph breaks, a line prefix for a heading or an item, the end of a
 * page.  Breaks and spaces are only wanted, not written, until the next
 * visible character: so a paragraph with no text leaves no blank lines,
 * the body never starts or ends with blanks, and a prefix whose element
 * turned out empty is never written.
 *
 * Escaping.  The segmenter reads its input as lightly marked-up text: it
 * drops tags, "**" and "__" runs, backticks and the "(url)" of links,
 * decodes entities, and reads "#" and ">" at the start of a line as a
 * heading mark and a quote mark.  A document's own characters must not be
 * read so, and the segmenter decodes numeric character references, so the
 * few characters that would be misread are written as references.
 * Whether a '<', '&', '*', '_' or ']' is markup depends on the character
 * after it, which may come in the next call: the sink remembers where the
 * last such byte is (mark) and rewrites it when the next character shows
 * that it has to be escaped.
 */
#include "extract/extract.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"

/* The most a single character can grow to when escaped ("&#42;" for a
 * '*', plus the '*' before it rewritten), plus a prefix: buffers grow in
 * steps that leave this much room past the limit check. */
#define SLACK 64

void aj_xt_init(aj_xtext *t) { memset(t, 0, sizeof *t); }

void aj_xt_free(aj_xtext *t) {
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* Room for n more bytes, within the limit. */
static int reserve(aj_xtext *t, size_t n) {
    if (t->err) return 0;
    if (t->len + n > AJ_EXTRACT_MAX_TEXT) {
        t->err = AJ_ELIMIT;
        return 0;
    }
    if (t->len + n <= t->cap) return 1;
    size_t cap = t->cap ? t->cap : 1 << 16;
    while (cap < t->len + n) cap *= 2;
    if (cap > AJ_EXTRACT_MAX_TEXT + SLACK) cap = AJ_EXTRACT_MAX_TEXT + SLACK;
    char *b = realloc(t->buf, cap);
    if (!b) {
        t->err = AJ_ENOMEM;
        return 0;
    }
    t->buf = b;
    t->cap = cap;
    return 1;
}

static void put(aj_xtext *t, const char *s, size_t n) {
    if (!reserve(t, n)) return;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

/* Writes the breaks, prefix and space wanted before a visible character. */
static void flush_pending(aj_xtext *t) {
    size_t before = t->len;
    if (t->brk && t->len) {
        while (t->nl < t->brk) {
            put(t, "\n", 1);
            t->nl++;
        }
    }
    t->brk = 0;
    if (t->prefix[0]) {
        if (t->len && t->nl == 0) put(t, "\n\n", 2);
        put(t, t->prefix, strlen(t->prefix));
        t->prefix[0] = '\0';
        t->nl = 0;
    } else if (t->space && t->nl == 0 && t->len) {
        put(t, " ", 1);
    }
    t->space = 0;
    if (t->len != before) t->last = 0; /* something came between */
}

static int is_alpha(unsigned b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

/* One ASCII character of text (not whitespace), escaped as needed. */
/* A paragraph of HTML or DOCX is not a heading, whatever its words: one
 * that begins like a numbered title, "1 Preliminary data" (one or two
 * digits, a space, a capital), which the segmenter would read as a heading
 * in text without hard wraps, gets its first digit as a character
 * reference.  Called before each character b; the line's first digit was
 * at num_at - 1. */
static void numbered_start(aj_xtext *t, unsigned b) {
    size_t at = t->num_at - 1, n = t->len - at, d = 0;
    while (d < n && t->buf[at + d] >= '0' && t->buf[at + d] <= '9') d++;
    if (d == n && n == 1 && b >= '0' && b <= '9') return; /* a second digit */
    t->num_at = 0;
    if (!(b >= 'A' && b <= 'Z') || d < 1 || d > 2 || n != d + 1 || t->buf[at + d] != ' ')
        return;
    char ref[8];
    int k = snprintf(ref, sizeof ref, "&#%d;", (unsigned char)t->buf[at]);
    size_t old = t->len;
    put(t, ref, (size_t)k - 1); /* room for the reference */
    if (t->err) return;
    memmove(t->buf + at + k, t->buf + at + 1, old - at - 1);
    memcpy(t->buf + at, ref, (size_t)k);
}

static void put_ascii(aj_xtext *t, char ch) {
    unsigned b = (unsigned char)ch;
    int bol = t->len == 0 || t->buf[t->len - 1] == '\n';
    if (t->num_at) numbered_start(t, b);
    if (bol && b >= '0' && b <= '9' && !t->lines && !t->heading) t->num_at = t->len + 1;
    /* What the previous byte turns out to be. */
    switch (t->last) {
    case '&':
        if (is_alpha(b) || b == '#') put(t, "amp;", 4);
        break;
    case '<':
        if (is_alpha(b) || b == '/' || b == '!' || b == '?') {
            t->len = t->mark; /* the '<' is the last byte */
            put(t, "&lt;", 4);
        }
        break;
    case '*':
    case '_':
        if ((char)b == t->last) {
            char ref[8];
            snprintf(ref, sizeof ref, "&#%d;", b);
            t->len = t->mark;
            put(t, ref, strlen(ref));
            put(t, ref, strlen(ref));
            t->last = (char)(b == '*' ? 'S' : 'U'); /* inside a run */
            return;
        }
        break;
    case 'S':
    case 'U':
        if ((b == '*' && t->last == 'S') || (b == '_' && t->last == 'U')) {
            put(t, b == '*' ? "&#42;" : "&#95;", 5);
            return;
        }
        break;
    case ']':
        if (b == '(') {
            put(t, "&#40;", 5);
            t->last = 0;
            return;
        }
        break;
    }
    t->last = 0;
    if (b == '`') {
        put(t, "&#96;", 5);
        return;
    }
    if (bol && b == '#') {
        put(t, "&#35;", 5);
        return;
    }
    if (bol && b == '>') {
        put(t, "&gt;", 4);
        return;
    }
    if (b == '&' || b == '<' || b == '*' || b == '_' || b == ']') {
        t->last = (char)b;
        t->mark = t->len;
    }
    put(t, &ch, 1);
}

/* Whitespace, as far as a reader is concerned. */
static int is_space_cp(uint32_t cp) {
    return cp <= 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0xa0) ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

void aj_xt_text(aj_xtext *t, const char *s, size_t n) {
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < n && !t->err) {
        uint32_t cp;
        size_t k;
        if (p[i] < 0x80) {
            cp = p[i];
            k = 1;
        } else {
            k = aj_utf8_decode(p + i, n - i, &cp);
        }
        if (t->lines && cp == '\n') {
            aj_xt_break(t, t->brk >= 1 ? 2 : 1);
        } else if (is_space_cp(cp)) {
            t->space = 1;
        } else if (cp == 0xfeff) {
            /* a byte order mark or zero-width no-break space: nothing */
        } else {
            flush_pending(t);
            if (cp < 0x80) {
                put_ascii(t, (char)cp);
            } else {
                char u[AJ_UTF8_MAX];
                /* aj_utf8_encode writes U+FFFD for what was ill-formed */
                put(t, u, aj_utf8_encode(cp, u));
                t->last = 0;
            }
            t->nl = 0;
        }
        i += k;
    }
}

void aj_xt_break(aj_xtext *t, int kind) {
    if (kind == 1 && t->heading) { /* a heading is one line */
        t->space = 1;
        return;
    }
    if (kind > t->brk) t->brk = kind;
    t->space = 0;
}

void aj_xt_prefix(aj_xtext *t, const char *prefix, int heading) {
    aj_xt_break(t, 2);
    snprintf(t->prefix, sizeof t->prefix, "%s", prefix);
    t->heading = heading;
}

void aj_xt_end(aj_xtext *t) {
    t->prefix[0] = '\0';
    t->heading = 0;
    aj_xt_break(t, 2);
}

void aj_xt_page(aj_xtext *t) {
    if (t->len && t->buf[t->len - 1] != '\n') put(t, "\n", 1);
    put(t, "\f\n", 2);
    t->nl = 2;
    t->brk = 0;
    t->space = 0;
    t->prefix[0] = '\0';
    t->heading = 0;
    t->last = 0;
}

void aj_xt_finish(aj_xtext *t) {
    if (t->len && t->buf[t->len - 1] != '\n') put(t, "\n", 1);
}

/* Lower-case roman numerals up to 39, as the segmenter reads them. */
static void roman(long n, char *out) {
    static const char *const ones[] = {"", "i", "ii", "iii", "iv",
                                       "v", "vi", "vii", "viii", "ix"};
    out[0] = '\0';
    for (long k = 0; k < n / 10; k++) strcat(out, "x");
    strcat(out, ones[n % 10]);
}

void aj_xt_item_prefix(aj_xtext *t, long n, int style) {
    char p[sizeof t->prefix];
    if (style == AJ_XT_ROMAN && n >= 1 && n <= 39) {
        char r[16];
        roman(n, r);
        snprintf(p, sizeof p, "%s. ", r);
    } else if (style == AJ_XT_LETTER && n >= 1 && n <= 26) {
        snprintf(p, sizeof p, "(%c) ", (char)('a' + n - 1));
    } else {
        snprintf(p, sizeof p, "%ld. ", n);
    }
    aj_xt_prefix(t, p, 0);
}

/* ---- metadata ---------------------------------------------------------- */

static int digits(const char *s, size_t n, size_t at, size_t k, int *v) {
    if (at + k > n) return 0;
    int x = 0;
    for (size_t i = 0; i < k; i++) {
        if (s[at + i] < '0' || s[at + i] > '9') return 0;
        x = x * 10 + (s[at + i] - '0');
    }
    *v = x;
    return 1;
}

static int is_digit_at(const char *s, size_t n, size_t at) {
    return at < n && s[at] >= '0' && s[at] <= '9';
}

static int days_in(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

size_t aj_xt_date(const char *s, size_t n, char out[11]) {
    size_t i = 0;
    int y, m = 0, d = 0, compact = 0;
    out[0] = '\0';
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    if (n - i >= 2 && s[i] == 'D' && s[i + 1] == ':') { /* PDF: D:YYYYMMDD... */
        i += 2;
        compact = 1;
    }
    if (!digits(s, n, i, 4, &y) || y < 1) return 0;
    i += 4;
    size_t len = 4;
    if (compact) {
        if (digits(s, n, i, 2, &m)) {
            i += 2;
            if (digits(s, n, i, 2, &d)) i += 2;
        }
    } else if (i < n && s[i] == '-' && digits(s, n, i + 1, 2, &m)) {
        i += 3;
        if (i < n && s[i] == '-' && digits(s, n, i + 1, 2, &d)) i += 3;
    }
    if (is_digit_at(s, n, i) && !compact) return 0; /* "20201" is no year */
    if (m && (m > 12 || (d && d > days_in(y, m)))) return 0;
    if (m == 0 && d) return 0;
    if (m) len = d ? 10 : 7;
    const int field[3] = {y, m, d};
    size_t o = 0;
    for (int k = 0; k < 3 && o < len; k++) {
        int v = field[k], w = k ? 2 : 4;
        if (k) out[o++] = '-';
        for (int j = w - 1; j >= 0; j--, v /= 10) out[o + (size_t)j] = (char)('0' + v % 10);
        o += (size_t)w;
    }
    out[len] = '\0';
    return len;
}

size_t aj_xt_meta(const char *s, size_t n, char *out, size_t cap) {
    size_t len = 0;
    int space = 0;
    if (!cap) return 0;
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = aj_utf8_decode(p + i, n - i, &cp);
        i += k;
        if (is_space_cp(cp)) {
            space = len > 0;
            continue;
        }
        if (cp == 0xfeff) continue;
        char u[AJ_UTF8_MAX];
        size_t ulen = aj_utf8_encode(cp, u);
        if (len + space + ulen > cap - 1) break;
        if (space) out[len++] = ' ';
        space = 0;
        memcpy(out + len, u, ulen);
        len += ulen;
    }
    out[len] = '\0';
    return len;
}

/* ---- the output ---------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

aj_err aj_extract_write(aj_ctx *c, const aj_xdoc *d, int fd) {
    char head[AJ_EXTRACT_MAX_HEADER];
    int n = snprintf(head, sizeof head, "ajsearch-extract\t%d\nformat\t%s\n",
                     AJ_EXTRACT_PROTOCOL, aj_docfmt_name(d->format));
    if (d->title[0])
        n += snprintf(head + n, sizeof head - (size_t)n, "title\t%s\n", d->title);
    if (d->date[0])
        n += snprintf(head + n, sizeof head - (size_t)n, "date\t%s\n", d->date);
    if (d->pages >= 0)
        n += snprintf(head + n, sizeof head - (size_t)n, "pages\t%ld\n", d->pages);
    n += snprintf(head + n, sizeof head - (size_t)n, "length\t%zu\n\n", d->body.len);
    if (n < 0 || (size_t)n >= sizeof head)
        return aj_fail(c, AJ_ELIMIT, "header longer than %d bytes", AJ_EXTRACT_MAX_HEADER);
    if (write_all(fd, head, (size_t)n) < 0 ||
        (d->body.len && write_all(fd, d->body.buf, d->body.len) < 0))
        return aj_fail(c, AJ_EIO, "cannot write the text: %s", strerror(errno));
    return AJ_OK;
}
