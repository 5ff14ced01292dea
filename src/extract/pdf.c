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
#include <string.h>
#include <unistd.h>

#include <poppler.h>

#define EOF_WINDOW 1024

/* GLib's messages reduced to one line (the text of a GError). */
static void error_line(const char *msg, char *out, size_t cap) {
    aj_xt_meta(msg ? msg : "unknown error", msg ? strlen(msg) : 13, out, cap);
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
            aj_xt_text(t, text, strlen(text));
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
