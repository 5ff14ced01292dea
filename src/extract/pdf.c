/*
 * pdf.c - the text of a PDF, page by page (extract.h).
 *
 * poppler-glib lays out each page's text in reading order
 * (poppler_page_get_text: poppler's TextOutputDev, as pdftotext without
 * -layout), one line of the page a line of text.  The lines go into the
 * body as they are, so the segmenter sees a hard-wrapped document and
 * joins them into paragraphs as it does for any PDF text; a line holding a
 * form feed separates pages.
 *
 * Refused: a file that does not end like a PDF (no "%%EOF" in its last
 * KiB: a truncated download whose text would silently stop part way), an
 * encrypted document that needs a password, one poppler cannot open
 * (damaged beyond its repair of the cross-reference table), more than
 * AJ_EXTRACT_MAX_PAGES pages, a page it cannot load, and more text than
 * AJ_EXTRACT_MAX_TEXT.  poppler's complaints about the file go to GLib's
 * log, which main.c silences: the one line on standard error is ours.
 */
#include "extract/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <poppler.h>

#define EOF_WINDOW 1024

/* GLib's messages reduced to one line (the text of a GError). */
static void error_line(const char *msg, char *out, size_t cap) {
    aj_xt_meta(msg ? msg : "unknown error", msg ? strlen(msg) : 13, out, cap);
}

/* A line of a page's text: its bytes, the top of its first glyph, its
 * left and right edges and the width of its first word. */
typedef struct {
    const char *s;
    size_t n;
    double top, left, right, word, space;
    int head;                /* 0, or a heading's level (2 or 3) */
} pline;

/* How a character is set, for headings: plain, bold at the body's size,
 * or larger than the body's. */
enum { SET_PLAIN = 0, SET_BOLD = 1, SET_LARGE = 2 };

static int bold_font(const char *name) {
    static const char *const weights[] = {"bold", "black", "heavy", "semibold", "demi"};
    for (size_t i = 0; name && i < sizeof weights / sizeof *weights; i++)
        if (strcasestr(name, weights[i])) return 1;
    return 0;
}

/* The setting of each of the page's n characters (set[]), from poppler's
 * text attributes: the body size is the size most of its characters have,
 * and a size 15% above it is large.  0 when the page has none. */
static int char_settings(PopplerPage *page, unsigned char *set, size_t n) {
    GList *attrs = poppler_page_get_text_attributes(page);
    if (!attrs) return 0;
    double sizes[64] = {0}, weight[64] = {0};
    size_t nsizes = 0;
    for (GList *l = attrs; l; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        size_t k = 0;
        while (k < nsizes && sizes[k] != a->font_size) k++;
        if (k == nsizes && nsizes < 64) sizes[nsizes++] = a->font_size;
        if (k < nsizes) weight[k] += a->end_index - a->start_index + 1;
    }
    double body = 0, best = -1;
    for (size_t k = 0; k < nsizes; k++)
        if (weight[k] > best) best = weight[k], body = sizes[k];
    for (GList *l = attrs; l; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        unsigned char v = a->font_size >= 1.15 * body ? SET_LARGE
                          : bold_font(a->font_name)    ? SET_BOLD
                                                       : SET_PLAIN;
        for (gint i = a->start_index; i <= a->end_index && i >= 0 && (size_t)i < n; i++)
            set[i] = v;
    }
    poppler_page_free_text_attributes(attrs);
    return 1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Measures line l (characters [ch, ch + count) of the layout r). */
static void measure(pline *l, const PopplerRectangle *r, const unsigned char *set,
                    size_t ch, size_t count) {
    const char *p = l->s;
    int head = set ? SET_LARGE : SET_PLAIN;
    l->top = r[ch].y1;
    l->left = r[ch].x1;
    l->right = r[ch].x2;
    l->word = -1;
    double widths = 0;
    for (size_t k = 0; k < count; k++, p = g_utf8_next_char(p)) {
        const PopplerRectangle *g = &r[ch + k];
        if (*p != ' ' && g->x2 > l->right) l->right = g->x2;
        if (*p == ' ' && l->word < 0) l->word = r[ch + k - (k > 0)].x2 - l->left;
        if (set && *p != ' ' && set[ch + k] < head) head = set[ch + k];
        widths += g->x2 - g->x1;
    }
    l->head = head == SET_LARGE ? 2 : head == SET_BOLD ? 3 : 0;
    if (l->word < 0) l->word = l->right - l->left;
    l->space = count ? widths / (double)count : 0; /* about a space's width */
}

/* One page's text, its lines as poppler laid them out (reading order),
 * with an empty line where the layout shows a paragraph's end, which a
 * PDF does not mark:
 *   - the space above a line is clearly more than the page's line pitch
 *     (PARA_GAP times the pitch of its closely set lines, the 25th
 *     percentile of the steps from line to line);
 *   - the line ends short: the next line's first word would have fitted
 *     after it, before the page's right margin (the rightmost edge of its
 *     lines), so the break was not a wrap.  Not after a hyphen, which may
 *     cut a word.
 * A paragraph whose lines are all set larger than the page's body text is
 * a heading of level 2 ("## "), one set in bold at the body's size of
 * level 3 ("### "): how a reader tells the headings of a PDF.
 * The glyph boxes of poppler_page_get_text_layout are one per character
 * of the text; if the counts disagree the lines go in as they are. */
#define PARA_GAP 1.4
static void page_text(aj_xtext *t, PopplerPage *page, const char *text) {
    PopplerRectangle *r = NULL;
    guint nr = 0;
    size_t nchars = (size_t)g_utf8_strlen(text, -1), nlines = 0;
    for (const char *p = text; *p; p++) nlines += *p == '\n';
    pline *ls = NULL;
    double *gaps = NULL;
    unsigned char *set = NULL;
    if (!poppler_page_get_text_layout(page, &r, &nr) || nr != nchars ||
        !(ls = malloc((nlines + 1) * sizeof *ls)) ||
        !(gaps = malloc((nlines + 1) * sizeof *gaps)) || !(set = calloc(nchars + 1, 1))) {
        free(ls);
        free(gaps);
        g_free(r);
        aj_xt_text(t, text, strlen(text));
        return;
    }
    int styled = char_settings(page, set, nchars);
    size_t n = 0, ch = 0;
    double margin = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        size_t count = (size_t)g_utf8_strlen(p, (gssize)len);
        if (len) {
            ls[n] = (pline){.s = p, .n = len};
            measure(&ls[n], r, styled ? set : NULL, ch, count);
            if (ls[n].right > margin) margin = ls[n].right;
            n++;
        }
        ch += count + (e ? 1 : 0);
        p = e ? e + 1 : p + len;
    }
    size_t ng = 0;
    for (size_t k = 0; k + 1 < n; k++)
        if (ls[k + 1].top - ls[k].top > 0.5) gaps[ng++] = ls[k + 1].top - ls[k].top;
    double pitch = 0;
    if (ng) {
        qsort(gaps, ng, sizeof *gaps, cmp_double);
        pitch = gaps[ng / 4];
    }
    int in_head = 0;
    for (size_t k = 0; k < n; k++) {
        const pline *b = &ls[k];
        int para = 0;
        if (k) {
            const pline *a = &ls[k - 1];
            double gap = b->top - a->top;
            para = pitch > 0 && gap > PARA_GAP * pitch;
            if (!para && gap > 0.5 && a->s[a->n - 1] != '-' &&
                margin - a->right > b->word + 1.5 * a->space)
                para = 1;
        }
        if (in_head && (para || b->head != in_head)) {
            aj_xt_end(t);
            in_head = 0;
        }
        if (b->head && !in_head) {
            aj_xt_prefix(t, b->head == 2 ? "## " : "### ", 1);
            in_head = b->head;
        } else if (k) {
            aj_xt_break(t, para ? 2 : 1);
        }
        aj_xt_text(t, b->s, b->n);
    }
    if (in_head) aj_xt_end(t);
    free(ls);
    free(gaps);
    free(set);
    g_free(r);
}

aj_err aj_extract_pdf(aj_ctx *c, int fd, const unsigned char *tail,
                      size_t tail_len, aj_xdoc *d) {
    size_t w = tail_len < EOF_WINDOW ? tail_len : EOF_WINDOW;
    if (!tail || !memmem(tail + tail_len - w, w, "%%EOF", 5))
        return aj_fail(c, AJ_ECORRUPT,
                       "truncated PDF (no %%%%EOF in its last %d bytes)",
                       EOF_WINDOW);
    int pfd = dup(fd);
    if (pfd < 0) return aj_fail(c, AJ_EIO, "dup: out of file descriptors");
    if (lseek(pfd, 0, SEEK_SET) < 0) {
        close(pfd);
        return aj_fail(c, AJ_EIO, "cannot seek in the file");
    }
    GError *err = NULL;
    /* poppler owns pfd from here, and closes it with the document. */
    PopplerDocument *doc = poppler_document_new_from_fd(pfd, NULL, &err);
    if (!doc) {
        aj_err e;
        if (err && g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
            e = aj_fail(c, AJ_ECORRUPT, "encrypted PDF (it needs a password)");
        } else {
            char why[160];
            error_line(err ? err->message : NULL, why, sizeof why);
            e = aj_fail(c, AJ_ECORRUPT, "damaged PDF: %s", why);
        }
        if (err) g_error_free(err);
        return e;
    }
    aj_err e = AJ_OK;
    int n = poppler_document_get_n_pages(doc);
    if (n < 0) {
        e = aj_fail(c, AJ_ECORRUPT, "damaged PDF: no page count");
    } else if (n > AJ_EXTRACT_MAX_PAGES) {
        e = aj_fail(c, AJ_ELIMIT, "PDF of %d pages (the limit is %d)", n,
                    AJ_EXTRACT_MAX_PAGES);
    }
    if (!e) {
        gchar *title = poppler_document_get_title(doc);
        if (title) {
            aj_xt_meta(title, strlen(title), d->title, sizeof d->title);
            g_free(title);
        }
        GDateTime *when = poppler_document_get_creation_date_time(doc);
        if (when) {
            int y, m, day;
            g_date_time_get_ymd(when, &y, &m, &day);
            char iso[16];
            snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, day);
            aj_xt_date(iso, strlen(iso), d->date);
            g_date_time_unref(when);
        }
        d->pages = n;
    }
    aj_xtext *t = &d->body;
    t->lines = 1;
    for (int i = 0; !e && i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page) {
            e = aj_fail(c, AJ_ECORRUPT, "damaged PDF: page %d cannot be read", i + 1);
            break;
        }
        char *text = poppler_page_get_text(page);
        if (text) {
            page_text(t, page, text);
            g_free(text);
        }
        g_object_unref(page);
        if (i + 1 < n) aj_xt_page(t);
        if (t->err == AJ_ELIMIT)
            e = aj_fail(c, AJ_ELIMIT, "more than 64 MiB of text (at page %d)", i + 1);
        else if (t->err)
            e = aj_fail(c, t->err, "out of memory for the text");
    }
    g_object_unref(doc);
    return e;
}
