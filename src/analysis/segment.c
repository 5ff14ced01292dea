/*
 * segment.c - see segment.h.
 *
 * Two scans over the bytes:
 *
 *   1. shape() builds a histogram of trimmed line lengths and decides
 *      whether the document is hard-wrapped (PDF text: most lines 40-110
 *      code points long) and, if so, how long a "full" line is.
 *
 *   2. The line loop classifies each line (blank, separator, heading, list
 *      item, number-only line, footnote, plain) and either joins it to the
 *      paragraph being built or starts a new one.  clean() copies the
 *      line's text into that paragraph, dropping markup, collapsing
 *      whitespace and splitting off roman items run into the line.
 *
 * A finished paragraph goes through emit(), which holds back a paragraph
 * that did not end its sentence, together with any footnotes after it,
 * until it sees whether the next real paragraph continues it (page footer
 * joins), and then hands paragraphs to the caller in source order.
 *
 * Memory: the text of the paragraph being built is never longer than its
 * source (every cleaning step shrinks or keeps the bytes), and pieces are
 * cut at AJ_MAX_PARA_BYTES of source, so the build buffer never needs more
 * than that limit; everything held back for a footer join lies within one
 * such window of the source.  With buffer slack, at most about four limits
 * whatever the input (no array of paragraphs, no copy of the document).
 *
 * Time: every byte is looked at a bounded number of times.  The searches
 * that could rescan a line (the '>' closing a tag, the ']' and ')' of a
 * link) go through find_from(), which remembers the last hit.
 */
#include "analysis/segment.h"

#include <stdlib.h>
#include <string.h>

#define LIMIT ((uint64_t)AJ_MAX_PARA_BYTES)
#define LABEL_CAP 8           /* "xxxviii" or three digits, and the NUL */
#define LOOKAHEAD 8           /* paragraphs a footer join may step over */
#define TAG_MAX 200           /* a tag must close within this many bytes */
#define HIST_MAX 4096         /* longer lines share the histogram's top slot */
#define TITLE_LINE_MAX 80     /* "1 Title" headings are shorter than this */
#define HELD_KEEP (64u << 10) /* held buffers larger than this are freed */
#define OPEN_MIN 80           /* shortest paragraph a footer join may continue */
#define BUF_MAX (AJ_MAX_PARA_BYTES + 16u) /* no text buffer needs more */

/* What a line is, decided before its text is cleaned. */
enum {
    LINE_SEP,    /* no letter or digit at all: "---", "******", ")" */
    LINE_HEAD,   /* a heading: its own paragraph */
    LINE_ITEM,   /* starts with a list marker */
    LINE_NUMBER, /* only a number, "8.": the paragraph's text follows */
    LINE_PLAIN
};

/* How the previous line may continue into this one (wrapped text only). */
enum { PREV_BREAK, PREV_SHORT, PREV_LONG };

typedef struct line {
    int type;
    size_t text, end;        /* source bytes that become text */
    char label[LABEL_CAP];
    int mark, head;          /* how the label was written, where a heading
                                came from (aj_seg_para's mark and head) */
    int footnote;            /* 1 "<sup>N</sup>", 2 "[^N]", 3 "^N", or 0 */
    size_t note, note_end;   /* the footnote number's digits (kinds 2, 3) */
} line;

/* A finished paragraph held back by the footer join. */
typedef struct held {
    char *text;
    uint64_t *ms, *me;       /* source map of text (aj_segment_map) */
    size_t len, cap;
    uint64_t start, end;
    char label[LABEL_CAP];
    int kind, mark, head;
} held;

typedef struct seg {
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

    /* Per-line caches for find_from(), and the link being read. */
    size_t next_gt, next_rb, next_rp;
    size_t link_close, link_end;

    /* A number-only line waiting for its text (rule: "8." then text). */
    int pend, pend_mark;
    char pend_label[LABEL_CAP];
    size_t pend_p, pend_q;

    int prev, prev_hyphen;  /* about the previous non-blank line */

    /* Footer join: q[0] is the open paragraph, the rest footnotes. */
    held q[1 + LOOKAHEAD];
    int nq, ahead;

    aj_seg_done_fn done;    /* aj_segment_ex's hint, or NULL */
    uint64_t told;          /* the paragraph pass has hinted below this */
} seg;

/* ---- bytes ------------------------------------------------------------ */

static int is_digit(unsigned b) { return b >= '0' && b <= '9'; }
static int is_upper(unsigned b) { return b >= 'A' && b <= 'Z'; }
static int is_lower(unsigned b) { return b >= 'a' && b <= 'z'; }
static int is_letter(unsigned b) { return is_upper(b) || is_lower(b); }
static int is_alnum(unsigned b) { return is_letter(b) || is_digit(b); }
static unsigned lower(unsigned b) { return is_upper(b) ? b + 32 : b; }

/* Printable ASCII that cleaning copies as is, in runs. */
static int is_plain(unsigned b) {
    if (b <= 0x20 || b >= 0x7f) return 0;
    switch (b) {
    case '<': case '&': case '*': case '_': case '`': case '[': case ']':
    case '!':
        return 0;
    }
    return 1;
}

/* Length of the whitespace that pads or fills a line at s[i], else 0:
 * space, tab, CR, FF, VT and U+00A0. */
static size_t space_at(const unsigned char *s, size_t i, size_t q) {
    unsigned b = s[i];
    if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') return 1;
    if (b == 0xc2 && i + 1 < q && s[i + 1] == 0xa0) return 2;
    return 0;
}

static size_t skip_space(const unsigned char *s, size_t i, size_t q) {
    size_t k;
    while (i < q && (k = space_at(s, i, q))) i += k;
    return i;
}

static void trim(const unsigned char *s, size_t *p, size_t *q) {
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

/* Bytes of the character at s[i]: a whole well-formed UTF-8 sequence, or
 * a single byte when it is ASCII or malformed.  Cuts and copies happen on
 * these units, so text is only ever cut on a character boundary. */
static size_t unit_len(const unsigned char *s, size_t i, size_t q) {
    unsigned b = s[i], lo = 0x80, hi = 0xbf;
    size_t more;
    if (b < 0xc2 || b > 0xf4) return 1;
    if (b < 0xe0) {
        more = 1;
    } else if (b < 0xf0) {
        more = 2;
        if (b == 0xe0) lo = 0xa0;
        if (b == 0xed) hi = 0x9f;
    } else {
        more = 3;
        if (b == 0xf0) lo = 0x90;
        if (b == 0xf4) hi = 0x8f;
    }
    if (q - i <= more || s[i + 1] < lo || s[i + 1] > hi) return 1;
    for (size_t k = 2; k <= more; k++)
        if ((s[i + k] & 0xc0) != 0x80) return 1;
    return more + 1;
}

/* Any ASCII letter or digit, or any byte >= 0x80: text worth keeping. */
static int has_content(const unsigned char *s, size_t p, size_t q) {
    for (; p < q; p++)
        if (is_alnum(s[p]) || s[p] >= 0x80) return 1;
    return 0;
}

/* A lower-case letter: ASCII, or Latin-1 U+00DF..U+00FF but U+00F7. */
static int starts_lower(const unsigned char *t, size_t n) {
    if (n && is_lower(t[0])) return 1;
    return n >= 2 && t[0] == 0xc3 && t[1] >= 0x9f && t[1] <= 0xbf &&
           t[1] != 0xb7;
}

/* Drops up to max closing quotes and brackets from the end of t[0..n). */
static size_t strip_closers(const unsigned char *t, size_t n, int max) {
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

static int is_terminal(unsigned b) {
    return b == '.' || b == '!' || b == '?' || b == ':' || b == ';';
}

/* The text ends a sentence or clause: ". ! ? : ;", maybe then a closing
 * quote or bracket.  Such a paragraph cannot be continued by a later one. */
static int ends_closed(const unsigned char *t, size_t n) {
    n = strip_closers(t, n, 2);
    return n && is_terminal(t[n - 1]);
}

/* Like ends_closed(), for the roman split: a single letter before a final
 * '.' ("U.S.", "e.g.", "Plan B.") is an abbreviation, not a sentence end. */
static int sentence_end(const unsigned char *t, size_t n) {
    size_t k = strip_closers(t, n, 2);
    if (!k || !is_terminal(t[k - 1])) return 0;
    if (t[k - 1] == '.' && k == n && k >= 2 && is_letter(t[k - 2]) &&
        (k == 2 || t[k - 3] == '.' || t[k - 3] == ' '))
        return 0;
    return 1;
}

/* The first c in s[from..q), or q.  Queries on one line come with
 * non-decreasing from, so the cached answer stays right until from passes
 * it, and each byte of the line is searched at most once. */
static size_t find_from(seg *g, size_t from, size_t q, size_t *cache, int c) {
    if (*cache != SIZE_MAX && *cache >= from) return *cache;
    /* A LIMIT at a time, so that a search through a huge line leaves
     * what it passes over far ahead to the caller (as scanned does). */
    const unsigned char *hit = NULL;
    size_t at = from;
    while (at < q && !hit) {
        size_t n = q - at > LIMIT ? LIMIT : q - at;
        hit = memchr(g->s + at, c, n);
        at += n;
        if (!hit && g->done && at - from >= 4 * LIMIT) g->done(g->arg, at - n, at);
    }
    *cache = hit ? (size_t)(hit - g->s) : q;
    return *cache;
}

/* ---- markers and line shapes ------------------------------------------ */

/* Length of the lower-case roman numeral i..xxxix at s[i], or 0.  The
 * caller checks what follows, so "iiii." and "xl." are rejected there. */
static size_t roman_len(const unsigned char *s, size_t i, size_t q) {
    size_t j = i;
    while (j < q && s[j] == 'x' && j - i < 3) j++;
    if (j + 1 < q && s[j] == 'i' && (s[j + 1] == 'x' || s[j + 1] == 'v')) {
        j += 2;
    } else {
        if (j < q && s[j] == 'v') j++;
        for (int k = 0; k < 3 && j < q && s[j] == 'i'; k++) j++;
    }
    return j - i;
}

static size_t digits_end(const unsigned char *s, size_t i, size_t q,
                         size_t max) {
    size_t j = i;
    while (j < q && j - i < max && is_digit(s[j])) j++;
    return j;
}

/* A list marker at s[i]: a bullet, "N." "N)" "(N)" with 1-3 digits, a
 * roman numeral with "." or ")" or in parentheses, or "(a)".  Returns the
 * index just past it (whitespace not checked), or 0.  label gets the
 * number or letter, or "" for a bullet; *mark how it was written. */
static size_t marker_at(const unsigned char *s, size_t i, size_t q,
                        char *label, int *mark) {
    static const unsigned char bullets[][3] = {
        {0xe2, 0x80, 0xa2}, /* • */
        {0xe2, 0x97, 0x8f}, /* ● */
        {0xe2, 0x96, 0xaa}, /* ▪ */
        {0xe2, 0x97, 0xa6}, /* ◦ */
        {0xe2, 0x80, 0xa3}, /* ‣ */
        {0xe2, 0x80, 0x93}, /* – */
    };
    unsigned b = s[i];
    label[0] = '\0';
    *mark = AJ_MARK_BULLET;
    if (b == '-' || b == '*' || b == '+') return i + 1;
    if (b == 0xe2 && q - i >= 3) {
        for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++)
            if (!memcmp(s + i, bullets[k], 3)) return i + 3;
        return 0;
    }
    int paren = b == '(';
    size_t j = i + (size_t)paren, e = digits_end(s, j, q, 4), n;
    if (e > j) {
        if (e - j > 3) return 0;
        n = e - j;
    } else if ((n = roman_len(s, j, q)) != 0) {
    } else if (paren && j < q && is_lower(s[j])) {
        n = 1;
    } else {
        return 0;
    }
    e = j + n;
    if (e >= q) return 0;
    if (paren ? s[e] != ')' : s[e] != '.' && s[e] != ')') return 0;
    *mark = paren ? AJ_MARK_PARENS : s[e] == '.' ? AJ_MARK_DOT : AJ_MARK_CLOSE;
    memcpy(label, s + j, n);
    label[n] = '\0';
    return e + 1;
}

/* "#".."######" then whitespace or the end: returns the index after the
 * marks, or 0. */
static size_t atx_at(const unsigned char *s, size_t t, size_t q) {
    size_t k = t;
    while (k < q && s[k] == '#' && k - t < 7) k++;
    if (k == t || k - t > 6) return 0;
    if (k < q && s[k] != ' ' && s[k] != '\t') return 0;
    return k;
}

/* End of a markdown heading's text without its optional closing "##". */
static size_t atx_end(const unsigned char *s, size_t t, size_t q) {
    size_t k = q;
    while (k > t && s[k - 1] == '#') k--;
    if (k == q) return q;
    if (k == t) return t;
    if (s[k - 1] != ' ' && s[k - 1] != '\t') return q;
    while (k > t && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
    return k;
}

/* The whole line is one **bold** (or __bold__) span. */
static int bold_line(const unsigned char *s, size_t t, size_t q) {
    if (q - t < 5) return 0;
    unsigned m = s[t];
    if ((m != '*' && m != '_') || s[t + 1] != m || s[q - 1] != m ||
        s[q - 2] != m)
        return 0;
    for (size_t k = t + 2; k + 1 < q - 2; k++)
        if (s[k] == m && s[k + 1] == m) return 0;
    return 1;
}

/* At least 3 words and at least 80% of the ASCII letters upper-case. */
static int caps_line(const unsigned char *s, size_t t, size_t q) {
    size_t up = 0, low = 0, words = 0, letters = 0;
    for (size_t k = t; k <= q; k++) {
        unsigned b = k < q ? s[k] : ' ';
        if (b == ' ' || b == '\t') {
            words += letters;
            letters = 0;
        } else if (is_upper(b)) {
            up++;
            letters = 1;
        } else if (is_lower(b)) {
            /* up >= 4 * low needs 5 * low letters at least: past that,
             * no need to read on (a line of prose or code stops early) */
            if (5 * ++low > q - t) return 0;
            letters = 1;
        }
    }
    return words >= 3 && up * 5 >= (up + low) * 4;
}

/* "1 Review of ..." in unwrapped text: a short line, one or two digits, a
 * space, an upper-case letter, no final '.'.  Returns where the title
 * starts, or 0. */
/* A month's name (or its three-letter short form) as a whole word at
 * s[i]: "12 March 2021" is a date, not heading 12. */
static int month_at(const unsigned char *s, size_t i, size_t q) {
    static const char *const names[] = {"january", "february", "march", "april", "may",
                                        "june", "july", "august", "september", "october",
                                        "november", "december"};
    size_t e = i;
    while (e < q && is_letter(s[e])) e++;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n = strlen(names[k]);
        if (e - i != n && e - i != 3) continue;
        if (e - i > n) continue;
        size_t m = 0;
        while (m < e - i && lower(s[i + m]) == (unsigned char)names[k][m]) m++;
        if (m == e - i) return 1;
    }
    return 0;
}

static size_t numbered_title(const unsigned char *s, size_t t, size_t q,
                             char *label) {
    if (q - t >= TITLE_LINE_MAX || s[q - 1] == '.') return 0;
    size_t d = digits_end(s, t, q, 3);
    if (d == t || d - t > 2 || d + 1 >= q || s[d] != ' ' ||
        !is_upper(s[d + 1]) || month_at(s, d + 1, q))
        return 0;
    memcpy(label, s + t, d - t);
    label[d - t] = '\0';
    return d + 1;
}

static int prefix_ci(const unsigned char *s, size_t i, size_t q,
                     const char *word) {
    size_t n = strlen(word);
    if (q - i < n) return 0;
    for (size_t k = 0; k < n; k++)
        if (lower(s[i + k]) != (unsigned char)word[k]) return 0;
    return 1;
}

/* A footnote line: "<sup>N</sup>", "[^N]" (maybe with ':') or "^N" and
 * whitespace. */
static int footnote_at(const unsigned char *s, size_t t, size_t q, line *li) {
    size_t d, e;
    if (prefix_ci(s, t, q, "<sup>")) {
        d = t + 5;
        e = digits_end(s, d, q, 4);
        if (e > d && prefix_ci(s, e, q, "</sup>")) {
            li->footnote = 1;
            return 1;
        }
    }
    if (q - t > 3 && s[t] == '[' && s[t + 1] == '^') {
        d = t + 2;
        e = digits_end(s, d, q, 4);
        if (e > d && e < q && s[e] == ']') {
            li->footnote = 2;
            li->note = d;
            li->note_end = e;
            li->text = e + 1 + (e + 1 < q && s[e + 1] == ':');
            return 1;
        }
    }
    if (s[t] == '^') {
        d = t + 1;
        e = digits_end(s, d, q, 4);
        if (e > d && (e == q || space_at(s, e, q))) {
            li->footnote = 3;
            li->note = d;
            li->note_end = e;
            li->text = e;
            return 1;
        }
    }
    return 0;
}

/* Decides what the trimmed line s[p..q) is. */
static void classify(const seg *g, size_t p, size_t q, line *li) {
    const unsigned char *s = g->s;
    size_t t = p, k;
    memset(li, 0, sizeof *li);
    while (t < q && s[t] == '>') { /* quote marks */
        t++;
        while (t < q && (s[t] == ' ' || s[t] == '\t')) t++;
    }
    li->text = t;
    li->end = q;
    li->type = LINE_PLAIN;
    if (!has_content(s, t, q)) {
        li->type = LINE_SEP;
        return;
    }
    if ((k = atx_at(s, t, q)) != 0) {
        li->type = LINE_HEAD;
        li->head = (int)(k - t);
        li->text = skip_space(s, k, q);
        li->end = atx_end(s, li->text, q);
        return;
    }
    if (footnote_at(s, t, q, li)) return;
    if ((k = marker_at(s, t, q, li->label, &li->mark)) != 0) {
        if (k == q) { /* "8." alone, or a bullet with nothing after it */
            li->type = li->label[0] ? LINE_NUMBER : LINE_ITEM;
            if (li->type == LINE_ITEM) li->text = q;
            return;
        }
        if (space_at(s, k, q)) {
            li->type = LINE_ITEM;
            li->text = skip_space(s, k, q);
            return;
        }
        li->label[0] = '\0';
        li->mark = AJ_MARK_NONE;
    }
    if (bold_line(s, t, q) || (g->wrapped && caps_line(s, t, q))) {
        li->type = LINE_HEAD;
        li->head = bold_line(s, t, q) ? AJ_HEAD_BOLD : AJ_HEAD_CAPS;
        return;
    }
    if (!g->wrapped && (k = numbered_title(s, t, q, li->label)) != 0) {
        li->type = LINE_HEAD;
        li->head = AJ_HEAD_NUMBERED;
        li->mark = AJ_MARK_BARE;
        li->text = k;
    }
}

/* ---- delivering paragraphs -------------------------------------------- */

static void fail_nomem(seg *g, const char *what, size_t n) {
    g->err = aj_fail(g->c, AJ_ENOMEM, "segment: %s (%zu bytes)", what, n);
    g->stop = 1;
}

/* A scan that started at start has just passed at: once it is four LIMITs
 * ahead, each LIMIT it passes over is left to the caller, which keeps a
 * run of markup or a search through a huge line from holding all of it
 * (bytes needed again are read back). */
static void scanned(seg *g, size_t start, size_t at) {
    if (g->done && at - start >= 4 * LIMIT && at % LIMIT == 0)
        g->done(g->arg, at - LIMIT, at);
}

static void hint_behind(seg *g, uint64_t at);

static void deliver(seg *g, const char *text, const uint64_t *ms,
                    const uint64_t *me, size_t len, uint64_t a, uint64_t b,
                    const char *label, int kind, int mark, int head) {
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

/* Resizes a pair of source maps to cap entries. */
static int grow_map(uint64_t **ms, uint64_t **me, size_t cap) {
    uint64_t *s = realloc(*ms, cap * sizeof *s);
    if (s) *ms = s;
    uint64_t *e = s ? realloc(*me, cap * sizeof *e) : NULL;
    if (e) *me = e;
    return e != NULL;
}

/* Makes room for n bytes and a NUL in a held paragraph. */
static int held_room(seg *g, held *h, size_t n) {
    if (n + 1 <= h->cap) return 1;
    size_t cap = h->cap ? h->cap : 256;
    while (cap < n + 1) cap *= 2;
    if (cap > BUF_MAX && n + 1 <= BUF_MAX) cap = BUF_MAX;
    char *t = realloc(h->text, cap);
    if (t) h->text = t;
    if (t && g->map && !grow_map(&h->ms, &h->me, cap)) t = NULL;
    if (!t) {
        fail_nomem(g, "held paragraph", cap);
        return 0;
    }
    h->cap = cap;
    return 1;
}

/* Copies n map entries from (fs, fe) to (ts, te) when mapping. */
static void copy_map(const seg *g, uint64_t *ts, uint64_t *te, const uint64_t *fs,
                     const uint64_t *fe, size_t n) {
    if (!g->map || !n) return;
    memmove(ts, fs, n * sizeof *ts);
    memmove(te, fe, n * sizeof *te);
}

static void hold(seg *g, const char *text, size_t len, uint64_t a,
                 uint64_t b) {
    held *h = &g->q[g->nq];
    if (!held_room(g, h, len)) return;
    memcpy(h->text, text, len);
    copy_map(g, h->ms, h->me, g->ms, g->me, len);
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

/* Delivers everything held back, in order. */
static void release(seg *g) {
    for (int k = 0; k < g->nq; k++) {
        held *h = &g->q[k];
        deliver(g, h->text, h->ms, h->me, h->len, h->start, h->end, h->label,
                h->kind, h->mark, h->head);
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
static int blank_between(const seg *g, uint64_t a, uint64_t b) {
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

/* A paragraph (or piece) is finished: the footer join decides whether it
 * continues a held one, is held itself, or goes to the caller.  Label,
 * kind and footnote flag are the builder's current ones. */
static void emit(seg *g, const char *text, size_t len, uint64_t a,
                 uint64_t b) {
    const unsigned char *t = (const unsigned char *)text;
    if (g->stop) return;
    if (!has_content(t, 0, len)) { /* dropped; it does not close anything */
        if (g->nq && ++g->ahead > LOOKAHEAD) release(g);
        return;
    }
    if (g->nq) {
        held *o = &g->q[0];
        int fits = b - o->start <= LIMIT;
        if (g->footnote) {
            if (fits && g->ahead < LOOKAHEAD) {
                g->ahead++;
                hold(g, text, len, a, b);
                return;
            }
        } else if (fits && g->kind == AJ_PARA_BODY && !g->label[0] &&
                   starts_lower(t, len) &&
                   (o->len >= OPEN_MIN || !blank_between(g, o->end, a))) {
            if (!held_room(g, o, o->len + 1 + len)) return;
            if (g->map) { /* the joining space stands for the footer */
                o->ms[o->len] = o->end;
                o->me[o->len] = a;
            }
            o->text[o->len++] = ' ';
            memcpy(o->text + o->len, text, len);
            if (g->map) /* (no arithmetic on the NULL maps otherwise) */
                copy_map(g, o->ms + o->len, o->me + o->len, g->ms, g->me, len);
            o->len += len;
            o->text[o->len] = '\0';
            o->end = b;
            if (ends_closed((const unsigned char *)o->text, o->len))
                release(g);
            return;
        }
        release(g);
    }
    if (!g->footnote && g->kind != AJ_PARA_HEADING && !ends_closed(t, len)) {
        hold(g, text, len, a, b);
        g->ahead = 0;
        return;
    }
    deliver(g, text, g->ms, g->me, len, a, b, g->label, g->kind, g->mark, g->head);
}

/* ---- building a paragraph --------------------------------------------- */

static void begin(seg *g, int kind, const char *label, int footnote) {
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

static void finish(seg *g) {
    if (!g->active) return;
    g->active = 0;
    if (g->buf) g->buf[g->len] = '\0';
    emit(g, g->buf ? g->buf : "", g->len, g->start, g->end);
    g->len = 0;
    g->gap = 0;
    g->can_cut = 0;
    g->label[0] = '\0';
}

/* The paragraph's source is about to pass the limit: deliver what it has
 * up to its last space (the pending one, else the last written one), or
 * all of it when it has no space, and keep the rest as the start of the
 * next piece. */
static void cut(seg *g) {
    if (!g->gap && g->can_cut) {
        g->buf[g->cut_len] = '\0'; /* overwrites the space */
        emit(g, g->buf, g->cut_len, g->start, g->cut_end);
        size_t rest = g->len - g->word_at;
        memmove(g->buf, g->buf + g->word_at, rest);
        if (g->map)
            copy_map(g, g->ms, g->me, g->ms + g->word_at, g->me + g->word_at, rest);
        g->len = rest;
        g->start = g->word_start;
        g->can_cut = 0;
    } else {
        g->buf[g->len] = '\0';
        emit(g, g->buf, g->len, g->start, g->end);
        g->len = 0;
        g->gap = 0;
    }
    g->label[0] = '\0';
    g->mark = AJ_MARK_NONE;
}

/* Room for n more bytes, a space and the NUL (titles: n and the NUL). */
static int room(seg *g, size_t n) {
    if (g->title) {
        /* Once full, stay full: a later, shorter unit must not be written
         * after one that was dropped. */
        if (!g->full && g->len + n + 1 <= g->cap) return 1;
        g->full = 1;
        return 0;
    }
    size_t need = g->len + n + 2;
    if (need <= g->cap) return 1;
    size_t cap = g->cap ? g->cap : 4096;
    while (cap < need) cap *= 2;
    if (cap > BUF_MAX && need <= BUF_MAX) cap = BUF_MAX;
    char *b = realloc(g->buf, cap);
    if (b) g->buf = b;
    if (b && g->map && !grow_map(&g->ms, &g->me, cap)) b = NULL;
    if (!b) {
        fail_nomem(g, "paragraph buffer", cap);
        return 0;
    }
    g->cap = cap;
    return 1;
}

/* Appends the text unit u[0..k) that came from source bytes [a, b). */
static void put(seg *g, const unsigned char *u, size_t k, size_t a,
                size_t b) {
    if (g->stop) return;
    if (g->title && has_content(u, 0, k)) g->seen = 1;
    while (!g->title && g->len && (uint64_t)b - g->start > LIMIT && !g->stop)
        cut(g);
    int space = g->len && g->gap;
    if (g->stop || !room(g, k + (size_t)space)) return;
    if (!g->len) {
        g->start = a;
    } else if (space) {
        g->can_cut = 1;
        g->cut_len = g->len;
        g->cut_end = g->end;
        if (g->map) { /* a space stands for the source between the units */
            g->ms[g->len] = g->end;
            g->me[g->len] = a;
        }
        g->buf[g->len++] = ' ';
        g->word_at = g->len;
        g->word_start = a;
    }
    g->gap = 0;
    memcpy(g->buf + g->len, u, k);
    if (g->map) {
        /* A copied unit maps byte for byte; a decoded one (an entity) maps
         * each of its bytes to the whole of its source. */
        for (size_t j = 0; j < k; j++) {
            g->ms[g->len + j] = b - a == k ? a + j : a;
            g->me[g->len + j] = b - a == k ? a + j + 1 : b;
        }
    }
    g->len += k;
    g->end = b;
}

/* Appends the ASCII bytes s[a..b), in one copy when no cut can fall in. */
static void put_run(seg *g, size_t a, size_t b) {
    if (!g->title && (g->len ? g->start : a) + LIMIT >= b) {
        put(g, g->s + a, b - a, a, b);
        return;
    }
    for (; a < b && !g->stop; a++) put(g, g->s + a, 1, a, a + 1);
}

/* An HTML-like tag at s[i]: "<name ...>" or "</name>", closed on the line
 * within TAG_MAX bytes.  Returns its length, or 0. */
static size_t tag_at(seg *g, size_t i, size_t q, int *br) {
    const unsigned char *s = g->s;
    size_t j = i + 1;
    if (j < q && s[j] == '/') j++;
    if (j >= q || !is_letter(s[j])) return 0;
    size_t name = j;
    while (j < q && j - i < TAG_MAX && is_alnum(s[j])) j++;
    if (j >= q || (s[j] != '>' && s[j] != ' ' && s[j] != '\t' && s[j] != '/'))
        return 0;
    size_t gt = find_from(g, j, q, &g->next_gt, '>');
    if (gt >= q || gt - i >= TAG_MAX) return 0;
    *br = j - name == 2 && lower(s[name]) == 'b' && lower(s[name + 1]) == 'r';
    return gt + 1 - i;
}

static size_t put_utf8(unsigned char *u, uint32_t cp) {
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    u[0] = (unsigned char)(0xf0 | cp >> 18);
    u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    u[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

static int hex_value(unsigned b) {
    if (is_digit(b)) return (int)(b - '0');
    b = lower(b);
    return b >= 'a' && b <= 'f' ? (int)(b - 'a' + 10) : -1;
}

/* An entity at s[i] ("&amp;", "&#39;", "&#x2019;"...).  Returns its
 * length, or 0 when there is none; *ulen = 0 means it is whitespace.  The
 * decoded bytes are never more than the entity's own. */
static size_t entity_at(const unsigned char *s, size_t i, size_t q,
                        unsigned char *u, size_t *ulen) {
    static const struct {
        const char *name;
        char c;
    } names[] = {{"amp;", '&'},  {"lt;", '<'},    {"gt;", '>'},
                 {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '}};
    size_t j = i + 1;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n = strlen(names[k].name);
        if (q - j >= n && !memcmp(s + j, names[k].name, n)) {
            u[0] = (unsigned char)names[k].c;
            *ulen = names[k].c != ' ';
            return n + 1;
        }
    }
    if (j >= q || s[j] != '#') return 0;
    j++;
    int hex = j < q && (s[j] == 'x' || s[j] == 'X');
    j += (size_t)hex;
    uint32_t cp = 0;
    size_t d = j;
    for (; j < q && j - d < 8; j++) {
        int v = hex ? hex_value(s[j]) : is_digit(s[j]) ? s[j] - '0' : -1;
        if (v < 0) break;
        cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
    }
    if (j == d || j - d > (hex ? 6u : 7u) || j >= q || s[j] != ';') return 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    *ulen = cp < 0x20 || cp == 0x7f || cp == 0xa0 ? 0 : put_utf8(u, cp);
    return j + 1 - i;
}

/* "[text](url)" at s[i]: remembers where the text ends and the link ends,
 * so that clean() keeps the text and skips the rest. */
static int link_at(seg *g, size_t i, size_t q) {
    const unsigned char *s = g->s;
    if (g->link_close != SIZE_MAX) return 0; /* no links inside links */
    size_t rb = find_from(g, i + 1, q, &g->next_rb, ']');
    if (rb + 1 >= q || s[rb + 1] != '(') return 0;
    size_t rp = find_from(g, rb + 2, q, &g->next_rp, ')');
    if (rp >= q) return 0;
    g->link_close = rb;
    g->link_end = rp + 1;
    return 1;
}

static int opens_quote(const unsigned char *s, size_t k, size_t q) {
    if (s[k] == '"' || s[k] == '\'' || s[k] == '(') return 1;
    return q - k >= 3 && s[k] == 0xe2 && s[k + 1] == 0x80 &&
           (s[k + 2] == 0x9c || s[k + 2] == 0x98); /* “ ‘ */
}

/* Items run together on one line: after a sentence end, a roman numeral,
 * '.', spaces, then a capital or an opening quote starts item "ii".
 * Returns where the new item's text starts, or 0 for no split. */
static size_t roman_split(seg *g, size_t i, size_t q) {
    const unsigned char *s = g->s;
    if (g->title || !g->len || (i > 0 && is_letter(s[i - 1]))) return 0;
    size_t r = roman_len(s, i, q);
    if (!r || i + r >= q || s[i + r] != '.') return 0;
    size_t j = i + r + 1, k = j;
    while (k < q && (s[k] == ' ' || s[k] == '\t')) k++;
    if (k == j || k >= q || !(is_upper(s[k]) || opens_quote(s, k, q)))
        return 0;
    if (!sentence_end((const unsigned char *)g->buf, g->len)) return 0;
    char label[LABEL_CAP];
    memcpy(label, s + i, r);
    label[r] = '\0';
    finish(g);
    begin(g, AJ_PARA_ITEM, label, 0);
    g->mark = AJ_MARK_DOT;
    return k;
}

/* Copies the text of s[i..q), one line's worth, into the paragraph being
 * built: markup out, entities decoded, whitespace and control bytes
 * collapsed to single spaces. */
static void clean(seg *g, size_t i, size_t q) {
    const unsigned char *s = g->s;
    g->next_gt = g->next_rb = g->next_rp = SIZE_MAX;
    g->link_close = SIZE_MAX;
    while (i < q && !g->stop) {
        /* A huge line may deliver nothing for a long while (a run of
         * markup, a cut run): what lies far behind is left for the caller
         * from here too. */
        hint_behind(g, i);
        if (g->link_close != SIZE_MAX && i >= g->link_close) {
            if (i < g->link_end) i = g->link_end; /* skip "](url)" */
            g->link_close = SIZE_MAX;
            continue;
        }
        unsigned b = s[i];
        size_t k;
        int roman = b == 'i' || b == 'v' || b == 'x';
        if (is_plain(b) && !(roman && (i == 0 || !is_letter(s[i - 1])))) {
            /* At most LIMIT bytes at a time, so that a run as long as the
             * file is not read ahead of its processing; the next pass of
             * the loop takes up the run exactly where this one stops. */
            size_t j = i + 1, jmax = q - i > LIMIT ? i + LIMIT : q;
            while (j < jmax && is_plain(s[j]) &&
                   !((s[j] == 'i' || s[j] == 'v' || s[j] == 'x') &&
                     !is_letter(s[j - 1])))
                j++;
            put_run(g, i, j);
            i = j;
            continue;
        }
        switch (b) {
        case '<': {
            int br = 0;
            if ((k = tag_at(g, i, q, &br)) != 0) {
                if (br) g->gap = 1;
                i += k;
                continue;
            }
            break;
        }
        case '&': {
            unsigned char u[4];
            size_t ulen;
            if ((k = entity_at(s, i, q, u, &ulen)) != 0) {
                if (ulen)
                    put(g, u, ulen, i, i + k);
                else
                    g->gap = 1;
                i += k;
                continue;
            }
            break;
        }
        case '*':
            if (i + 1 < q && s[i + 1] == '*') {
                size_t from = i;
                while (i < q && s[i] == '*') scanned(g, from, ++i);
                continue;
            }
            break;
        case '_': {
            size_t j = i;
            while (j < q && s[j] == '_') scanned(g, i, ++j);
            /* "__x__" is emphasis; "snake__case" is not */
            if (j - i >= 2 &&
                !(i > 0 && is_alnum(s[i - 1]) && j < q && is_alnum(s[j]))) {
                i = j;
                continue;
            }
            put_run(g, i, j);
            i = j;
            continue;
        }
        case '`':
            i++;
            continue;
        case '!':
            if (i + 1 < q && s[i + 1] == '[' && link_at(g, i + 1, q)) {
                i += 2;
                continue;
            }
            break;
        case '[':
            if (link_at(g, i, q)) {
                i++;
                continue;
            }
            break;
        case 'i': case 'v': case 'x':
            if ((k = roman_split(g, i, q)) != 0) {
                i = k;
                continue;
            }
            break;
        default:
            /* Space, tab and every other control byte, DEL included (it
             * would otherwise reach the stored text and the terminal). */
            if (b <= 0x20 || b == 0x7f) {
                g->gap = 1;
                i++;
                continue;
            }
            if (b >= 0x80) {
                k = unit_len(s, i, q);
                if (k == 2 && b == 0xc2 && s[i + 1] == 0xa0)
                    g->gap = 1;
                else
                    put(g, s + i, k, i, i + k);
                i += k;
                continue;
            }
            break;
        }
        put(g, s + i, 1, i, i + 1);
        i++;
    }
}

/* A number-only line that found no text of its own becomes a paragraph. */
static void flush_pending(seg *g) {
    if (!g->pend) return;
    g->pend = 0;
    begin(g, AJ_PARA_BODY, NULL, 0);
    clean(g, g->pend_p, g->pend_q);
    finish(g);
}

/* ---- the line loop ---------------------------------------------------- */

/* The line starting at *pos, without its "\n" or "\r\n": [*ls, *le). */
static void next_line(const unsigned char *s, size_t n, size_t *pos,
                      size_t *ls, size_t *le) {
    size_t i = *pos;
    const unsigned char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n;
    *pos = nl ? e + 1 : n;
    if (nl && e > i && s[e - 1] == '\r') e--;
    *ls = i;
    *le = e;
}

/* next_line for the two passes: a line longer than AJ_SEG_DONE_STEP is
 * searched for its end a step at a time, each step reported as done (the
 * caller may drop it and have it read back when the line is processed). */
static void scan_line(seg *g, size_t *pos, size_t *ls, size_t *le) {
    size_t i = *pos, n = g->n;
    if (g->done) {
        while (n - i > AJ_SEG_DONE_STEP &&
               !memchr(g->s + i, '\n', AJ_SEG_DONE_STEP)) {
            g->done(g->arg, i, i + AJ_SEG_DONE_STEP);
            i += AJ_SEG_DONE_STEP;
        }
    }
    next_line(g->s, n, &i, ls, le);
    *ls = *pos;
    *pos = i;
}

/* In the paragraph pass: source more than four LIMITs behind a delivered
 * paragraph is not needed for a while (what is held back for a footer
 * join lies within one LIMIT). */
static void hint_behind(seg *g, uint64_t at) {
    /* at may trail an earlier call's (a paragraph starts behind the
     * position that was just cleaned): only ever move forward. */
    if (g->done && at >= g->told + 4 * LIMIT + AJ_SEG_DONE_STEP) {
        g->done(g->arg, g->told, at - 4 * LIMIT);
        g->told = at - 4 * LIMIT;
    }
}

/* How a line that went into a paragraph may continue into the next one. */
static void line_ends(seg *g, size_t p, size_t q) {
    const unsigned char *s = g->s;
    if (g->wrapped && code_points(s, p, q) * 10 >= g->w95 * 6)
        g->prev = PREV_LONG;
    else
        g->prev = PREV_SHORT;
    g->prev_hyphen = s[q - 1] == '-' && q - p >= 2 && is_letter(s[q - 2]);
}

/* The trimmed, non-blank line s[p..q). */
static void do_line(seg *g, size_t p, size_t q) {
    const unsigned char *s = g->s;
    line li;
    classify(g, p, q, &li);
    int prev = g->prev, prev_hyphen = g->prev_hyphen;
    g->prev = PREV_BREAK;
    g->prev_hyphen = 0;
    switch (li.type) {
    case LINE_SEP:
        finish(g);
        flush_pending(g);
        begin(g, AJ_PARA_BODY, NULL, 0);
        clean(g, li.text, li.end);
        finish(g);
        return;
    case LINE_NUMBER:
        finish(g);
        flush_pending(g);
        g->pend = 1;
        g->pend_mark = li.mark;
        memcpy(g->pend_label, li.label, LABEL_CAP);
        g->pend_p = li.text;
        g->pend_q = li.end;
        return;
    case LINE_HEAD:
        finish(g);
        if (!li.label[0] && g->pend) {
            memcpy(li.label, g->pend_label, LABEL_CAP);
            li.mark = g->pend_mark;
            g->pend = 0;
        }
        flush_pending(g);
        begin(g, AJ_PARA_HEADING, li.label, 0);
        g->mark = li.mark;
        g->head = li.head;
        clean(g, li.text, li.end);
        finish(g);
        return;
    case LINE_ITEM:
        finish(g);
        flush_pending(g);
        begin(g, AJ_PARA_ITEM, li.label, 0);
        g->mark = li.mark;
        clean(g, li.text, li.end);
        break;
    default:
        if (li.footnote) {
            finish(g);
            flush_pending(g);
            begin(g, AJ_PARA_BODY, NULL, 1);
            if (li.footnote > 1) { /* "[^2]: x" and "^2 x" read "2 x" */
                put(g, s + li.note, li.note_end - li.note, li.note,
                    li.note_end);
                g->gap = li.footnote == 2; /* in place of "]" */
            }
        } else if (g->active && prev == PREV_LONG && !g->pend) {
            /* a wrapped line goes on: one space, or none after "to-" */
            g->gap = !(prev_hyphen &&
                       starts_lower(s + li.text, li.end - li.text));
        } else {
            finish(g);
            if (g->pend) {
                g->pend = 0;
                begin(g, AJ_PARA_ITEM, g->pend_label, 0);
                g->mark = g->pend_mark;
            } else {
                begin(g, AJ_PARA_BODY, NULL, 0);
            }
        }
        clean(g, li.text, li.end);
        break;
    }
    line_ends(g, p, q);
}

/* The first line of a window that starts inside a line (aj_seg_window's
 * continues): the rest of a paragraph's line, cleaned as text, with no
 * look at what a line start would be (a marker, a heading mark). */
static void continue_line(seg *g, size_t p, size_t q) {
    begin(g, AJ_PARA_BODY, NULL, 0);
    clean(g, p, q);
    line_ends(g, p, q);
}

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
static aj_err shape(seg *g) {
    size_t *hist = calloc(HIST_MAX + 1, sizeof *hist);
    if (!hist)
        return aj_fail(g->c, AJ_ENOMEM, "segment: line histogram");
    size_t pos = 0, lines = 0, ls, le, told = 0;
    while (pos < g->n) {
        if (g->done && pos - told >= AJ_SEG_DONE_STEP) {
            g->done(g->arg, told, pos);
            told = pos;
        }
        scan_line(g, &pos, &ls, &le);
        trim(g->s, &ls, &le);
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

aj_err aj_segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                  void *arg) {
    return aj_segment_ex(c, src, len, fn, arg, NULL);
}

/* The segmenter behind the public entry points; map asks for source maps,
 * win (or NULL) for a window of a document (aj_segment_map_window). */
static aj_err segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                      void *arg, aj_seg_done_fn done, int map,
                      const aj_seg_window *win) {
    if (!fn) return aj_fail(c, AJ_EINVAL, "segment: no callback");
    if (!src) {
        if (len) return aj_fail(c, AJ_EINVAL, "segment: no source bytes");
        src = "";
    }
    seg *g = calloc(1, sizeof *g);
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
        e = shape(g);
    }
    while (!e && !g->stop && pos < len) {
        hint_behind(g, pos);
        scan_line(g, &pos, &p, &q);
        trim(g->s, &p, &q);
        if (inside) { /* only the window's first line */
            inside = 0;
            if (p < q) {
                continue_line(g, p, q);
                continue;
            }
        }
        if (p == q) { /* blank: ends the paragraph, not a pending "8." */
            finish(g);
            g->prev = PREV_BREAK;
        } else {
            do_line(g, p, q);
        }
    }
    if (!e) {
        finish(g);
        flush_pending(g);
        release(g);
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
    return segment(c, src, len, fn, arg, done, 0, NULL);
}

aj_err aj_segment_map(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                      void *arg) {
    return segment(c, src, len, fn, arg, NULL, 1, NULL);
}

aj_err aj_segment_map_window(aj_ctx *c, const char *src, size_t len,
                             const aj_seg_window *w, aj_seg_fn fn, void *arg) {
    if (!w) return aj_fail(c, AJ_EINVAL, "segment: no window");
    return segment(c, src, len, fn, arg, NULL, 1, w);
}

size_t aj_segment_title(const char *src, size_t len, char *out, size_t cap) {
    if (!out || !cap) return 0;
    out[0] = '\0';
    if (!src) return 0;
    seg g;
    memset(&g, 0, sizeof g);
    g.title = 1;
    g.s = (const unsigned char *)src;
    g.n = len;
    g.buf = out;
    g.cap = cap;
    size_t pos = 0, p, q, k;
    char label[LABEL_CAP];
    int mark;
    while (pos < len) {
        next_line(g.s, len, &pos, &p, &q);
        trim(g.s, &p, &q);
        while (p < q && g.s[p] == '>') p = skip_space(g.s, p + 1, q);
        if (p == q || !has_content(g.s, p, q)) continue;
        if ((k = atx_at(g.s, p, q)) != 0) {
            p = skip_space(g.s, k, q);
            q = atx_end(g.s, p, q);
        } else if ((k = marker_at(g.s, p, q, label, &mark)) != 0 && k < q &&
                   space_at(g.s, k, q)) {
            p = skip_space(g.s, k, q);
        }
        g.len = 0;
        g.gap = 0;
        g.full = 0;
        g.seen = 0;
        clean(&g, p, q);
        if (g.seen) {
            out[g.len] = '\0';
            return g.len;
        }
    }
    out[0] = '\0';
    return 0;
}
