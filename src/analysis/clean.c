/*
 * clean.c - one line's text into the paragraph being built.
 *
 * Once the driver (segment.c) has decided where a line's text starts and
 * which paragraph it belongs to, aj_seg_clean_line() reads that text and
 * appends what a reader would see, unit by unit (parabuf.c): HTML-like
 * tags, **emphasis**, backticks and the "](url)" of links are dropped,
 * entities decoded, and whitespace, control bytes and "<br>" collapsed to
 * single spaces.  It also splits off roman-numbered items run together on
 * one line ("...fraud. ii. The next item"), the one place where cleaning
 * starts a paragraph.
 *
 * Time: every byte is looked at a bounded number of times.  The searches
 * that could rescan a line (the '>' closing a tag, the ']' and ')' of a
 * link) go through find_cached(), which remembers the last hit.  A huge
 * line is read a LIMIT at a time and what lies far behind is reported to
 * the caller as done, so that it need not stay in memory.
 */
#include "analysis/segment_impl.h"

#include <string.h>

#define TAG_MAX 200           /* a tag must close within this many bytes */

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

/* Like ends_closed() (pagejoin.c), for the roman split: a single letter
 * before a final '.' ("U.S.", "e.g.", "Plan B.") is an abbreviation, not
 * a sentence end. */
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
static size_t find_cached(aj_segmenter *g, size_t from, size_t q,
                          size_t *cache, int c) {
    if (*cache != SIZE_MAX && *cache >= from) return *cache;
    /* A LIMIT at a time, so that a search through a huge line leaves
     * what it passes over far ahead to the caller (as hint_scanned does). */
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

/* A scan that started at start has just passed at: once it is four LIMITs
 * ahead, each LIMIT it passes over is left to the caller, which keeps a
 * run of markup or a search through a huge line from holding all of it
 * (bytes needed again are read back). */
static void hint_scanned(aj_segmenter *g, size_t start, size_t at) {
    if (g->done && at - start >= 4 * LIMIT && at % LIMIT == 0)
        g->done(g->arg, at - LIMIT, at);
}

/* An HTML-like tag at s[i]: "<name ...>" or "</name>", closed on the line
 * within TAG_MAX bytes.  Returns its length, or 0. */
static size_t tag_at(aj_segmenter *g, size_t i, size_t q, int *br) {
    const unsigned char *s = g->s;
    size_t j = i + 1;
    if (j < q && s[j] == '/') j++;
    if (j >= q || !is_letter(s[j])) return 0;
    size_t name = j;
    while (j < q && j - i < TAG_MAX && is_alnum(s[j])) j++;
    if (j >= q || (s[j] != '>' && s[j] != ' ' && s[j] != '\t' && s[j] != '/'))
        return 0;
    size_t gt = find_cached(g, j, q, &g->next_gt, '>');
    if (gt >= q || gt - i >= TAG_MAX) return 0;
    *br = j - name == 2 && lower(s[name]) == 'b' && lower(s[name + 1]) == 'r';
    return gt + 1 - i;
}

static size_t encode_utf8(unsigned char *u, uint32_t cp) {
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
    *ulen = cp < 0x20 || cp == 0x7f || cp == 0xa0 ? 0 : encode_utf8(u, cp);
    return j + 1 - i;
}

/* "[text](url)" at s[i]: remembers where the text ends and the link ends,
 * so that aj_seg_clean_line() keeps the text and skips the rest. */
static int link_at(aj_segmenter *g, size_t i, size_t q) {
    const unsigned char *s = g->s;
    if (g->link_close != SIZE_MAX) return 0; /* no links inside links */
    size_t rb = find_cached(g, i + 1, q, &g->next_rb, ']');
    if (rb + 1 >= q || s[rb + 1] != '(') return 0;
    size_t rp = find_cached(g, rb + 2, q, &g->next_rp, ')');
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
static size_t split_roman_item(aj_segmenter *g, size_t i, size_t q) {
    const unsigned char *s = g->s;
    if (g->title || !g->len || (i > 0 && is_letter(s[i - 1]))) return 0;
    size_t r = aj_seg_roman_len(s, i, q);
    if (!r || i + r >= q || s[i + r] != '.') return 0;
    size_t j = i + r + 1, k = j;
    while (k < q && (s[k] == ' ' || s[k] == '\t')) k++;
    if (k == j || k >= q || !(is_upper(s[k]) || opens_quote(s, k, q)))
        return 0;
    if (!sentence_end((const unsigned char *)g->buf, g->len)) return 0;
    char label[LABEL_CAP];
    memcpy(label, s + i, r);
    label[r] = '\0';
    aj_seg_finish_para(g);
    aj_seg_start_para(g, AJ_PARA_ITEM, label, 0);
    g->mark = AJ_MARK_DOT;
    return k;
}

void aj_seg_clean_line(aj_segmenter *g, size_t i, size_t q) {
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
            aj_seg_put_ascii(g, i, j);
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
                    aj_seg_put_unit(g, u, ulen, i, i + k);
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
                while (i < q && s[i] == '*') hint_scanned(g, from, ++i);
                continue;
            }
            break;
        case '_': {
            size_t j = i;
            while (j < q && s[j] == '_') hint_scanned(g, i, ++j);
            /* "__x__" is emphasis; "snake__case" is not */
            if (j - i >= 2 &&
                !(i > 0 && is_alnum(s[i - 1]) && j < q && is_alnum(s[j]))) {
                i = j;
                continue;
            }
            aj_seg_put_ascii(g, i, j);
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
            if ((k = split_roman_item(g, i, q)) != 0) {
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
                    aj_seg_put_unit(g, s + i, k, i, i + k);
                i += k;
                continue;
            }
            break;
        }
        aj_seg_put_unit(g, s + i, 1, i, i + 1);
        i++;
    }
}
