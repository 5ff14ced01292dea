/*
 * fuzz_extract.c - any bytes as an HTML page or a DOCX archive through
 * ajsearch-extract's readers (src/extract/html.c, docx.c, text.c),
 * checking what extract.h promises of a body that comes out:
 *  - at most AJ_EXTRACT_MAX_TEXT bytes, valid UTF-8, no control byte but
 *    the line feed (no form feed: those are PDF's), ending with a line
 *    feed when not empty, never two empty lines in a row;
 *  - a title and a date that are header values: no control byte, a date
 *    of the calendar's form;
 *  - the header the program writes for it parses back;
 *  - the segmenter takes the body (the library's own reader of it).
 * The first byte chooses the reader (even: HTML, odd: DOCX), the rest is
 * the file, handed over as a file descriptor as the program does.  A
 * refusal (damaged, a limit) is a fine answer; a crash, a leak or a
 * broken promise is not.  (tests/test_fuzz.c runs it in make test;
 * tests/fuzz/README.md says how the harnesses are run.)
 */
#include "fuzz_common.h"

#include <sys/mman.h>

#include "analysis/segment.h"
#include "common/utf8.h"
#include "extract/extract.h"

/* Valid UTF-8: every U+FFFD decoded is one written as such. */
static int utf8_valid(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = aj_utf8_decode(s + i, n - i, &cp);
        if (cp == AJ_UTF8_REPLACEMENT && !(k == 3 && !memcmp(s + i, "\xef\xbf\xbd", 3)))
            return 0;
        i += k;
    }
    return 1;
}

static int count_para(void *arg, const aj_seg_para *p) {
    (void)p;
    ++*(size_t *)arg;
    return 0;
}

static void check_value(const char *v, const char *what) {
    size_t n = strlen(v);
    FZ_CHECK(n <= AJ_EXTRACT_MAX_TITLE, "%s of %zu bytes", what, n);
    for (size_t i = 0; i < n; i++)
        FZ_CHECK((unsigned char)v[i] >= 0x20 && v[i] != 0x7f, "%s: control byte", what);
    FZ_CHECK(utf8_valid((const uint8_t *)v, n), "%s: invalid UTF-8", what);
}

static void check_body(const aj_xtext *t) {
    const char *b = t->buf ? t->buf : "";
    size_t n = t->len;
    FZ_CHECK(n <= AJ_EXTRACT_MAX_TEXT, "body of %zu bytes", n);
    FZ_CHECK(utf8_valid((const uint8_t *)b, n), "body: invalid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        FZ_CHECK(c >= 0x20 || c == '\n', "body: control byte 0x%02x at %zu", c, i);
        FZ_CHECK(c != 0x7f, "body: DEL at %zu", i);
        if (i >= 2) FZ_CHECK(!(c == '\n' && b[i - 1] == '\n' && b[i - 2] == '\n'),
                             "body: two empty lines at %zu", i);
    }
    FZ_CHECK(n == 0 || b[n - 1] == '\n', "body does not end with a line feed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int docx = data[0] & 1;
    data++, size--;
    int fd = memfd_create("fuzz-extract", MFD_CLOEXEC);
    FZ_CHECK(fd >= 0, "memfd_create");
    FZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
    FZ_CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    aj_xdoc *d = calloc(1, sizeof *d);
    FZ_CHECK(d, "calloc");
    aj_xt_init(&d->body);
    d->pages = -1;
    d->format = docx ? AJ_DOCFMT_DOCX : AJ_DOCFMT_HTML;
    aj_ctx c = {0};
    aj_err e = docx ? aj_extract_docx(&c, fd, d) : aj_extract_html(&c, fd, d);
    close(fd);
    aj_xt_finish(&d->body);
    if (!e && !d->body.err) {
        check_body(&d->body);
        check_value(d->title, "title");
        check_value(d->date, "date");
        char iso[11];
        FZ_CHECK(!d->date[0] || aj_xt_date(d->date, strlen(d->date), iso) == strlen(d->date),
                 "date %s", d->date);
        /* the header and body as the program writes them */
        int out = memfd_create("fuzz-extract-out", MFD_CLOEXEC);
        FZ_CHECK(out >= 0, "memfd_create");
        aj_ctx w = {0};
        FZ_CHECK(aj_extract_write(&w, d, out) == AJ_OK, "write: %s", w.msg);
        off_t len = lseek(out, 0, SEEK_END);
        FZ_CHECK(len >= (off_t)d->body.len, "written %lld", (long long)len);
        char *all = malloc((size_t)len + 1);
        FZ_CHECK(all && pread(out, all, (size_t)len, 0) == len, "read back");
        close(out);
        all[len] = '\0';
        char *sep = strstr(all, "\n\n");
        FZ_CHECK(sep && !strncmp(all, "ajsearch-extract\t1\n", 19), "header");
        FZ_CHECK((size_t)(len - (sep + 2 - all)) == d->body.len, "body length");
        free(all);
        size_t paras = 0;
        aj_ctx sc = {0};
        aj_err se = aj_segment(&sc, d->body.buf ? d->body.buf : "", d->body.len, count_para,
                               &paras);
        FZ_CHECK(se == AJ_OK, "segmenting the body: %s", sc.msg);
    } else {
        FZ_CHECK(c.msg[0] || d->body.err, "a failure without a reason");
    }
    aj_xt_free(&d->body);
    free(d);
    return 0;
}
