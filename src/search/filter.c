/* filter.c - see filter.h. */
#include "search/filter.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/grow.h"
#include "query/fields.h"

void aj_filter_buf_free(aj_filter_buf *b) {
    free(b->runs);
    memset(b, 0, sizeof *b);
}

static int set(const aj_filter *f) { return f->since || f->until || f->doc || f->source; }

/* A filter's date bound as the first (lo) or last day it names. */
static aj_err bound(aj_ctx *c, const char *what, const char *s, int last, unsigned *out) {
    unsigned lo, hi;
    if (!aj_date_span(s, strlen(s), &lo, &hi))
        return aj_fail(c, AJ_EINVAL, "%s: '%s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", what,
                       s);
    *out = last ? hi : lo;
    return AJ_OK;
}

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    if (!n) return 1;
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return 1;
    return 0;
}

aj_err aj_filter_doc(aj_ctx *c, const aj_index *ix, const aj_filter *f, size_t n, uint32_t d,
                     int *pass) {
    aj_doc_info di;
    aj_err e = aj_doc_get(c, ix, d, &di);
    if (e) return e;
    *pass = 1;
    for (size_t i = 0; i < n && *pass; i++) {
        if (f[i].since || f[i].until) {
            unsigned lo, hi, since = 0, until = 99999999;
            if (f[i].since) e = bound(c, "since", f[i].since, 0, &since);
            if (!e && f[i].until) e = bound(c, "until", f[i].until, 1, &until);
            if (e) return e;
            if (!aj_date_span(di.date, strlen(di.date), &lo, &hi) || hi < since || lo > until)
                *pass = 0;
        }
        if (*pass && f[i].doc && fnmatch(f[i].doc, di.path, 0) != 0) *pass = 0;
        if (*pass && f[i].source && !contains_ci(di.source, f[i].source)) *pass = 0;
    }
    return AJ_OK;
}

/* Appends [first, first + count) to the runs, joining it to the last run
 * when they meet. */
static aj_err add_run(aj_ctx *c, aj_filter_buf *b, uint32_t *n, uint32_t first,
                      uint32_t count) {
    if (!count) return AJ_OK;
    if (*n) {
        uint8_t *last = b->runs + (size_t)(*n - 1) * AJ_RUN_BYTES;
        uint32_t lf = aj_get_u32le(last), le = lf + aj_get_u32le(last + 4);
        if (first <= le) {
            uint32_t end = first + count > le ? first + count : le;
            aj_put_u32le(last + 4, end - lf);
            return AJ_OK;
        }
    }
    size_t cap = b->cap;
    aj_err e = aj_grow(c, (void **)&b->runs, &cap, (size_t)*n + 1, AJ_RUN_BYTES, "filters");
    if (e) return e;
    b->cap = cap;
    uint8_t *r = b->runs + (size_t)*n * AJ_RUN_BYTES;
    aj_put_u32le(r, first);
    aj_put_u32le(r + 4, count);
    (*n)++;
    return AJ_OK;
}

aj_err aj_filter_runs(aj_ctx *c, aj_index *ix, const aj_filter *f, size_t n, int chrome,
                      aj_filter_buf *buf, aj_runs *out, int *active) {
    *active = 0;
    for (size_t i = 0; i < n; i++) *active |= set(&f[i]);
    if (!*active) return AJ_OK;
    const uint8_t *cr = NULL;
    uint32_t ncr = 0, nout = 0, ci = 0;
    aj_err e = AJ_OK;
    if (!chrome && ix->nchrome) e = aj_index_chrome_runs(c, ix, &cr, &ncr);
    for (uint32_t d = 0; !e && d < ix->ndocs; d++) {
        int pass;
        aj_doc_info di;
        e = aj_filter_doc(c, ix, f, n, d, &pass);
        if (!e) e = aj_doc_get(c, ix, d, &di);
        if (e) break;
        /* the document's paragraphs, then the chrome runs that start in
         * it: runs are added in order of their starts, overlaps joined */
        uint32_t end = di.first_para + di.nparas;
        if (!pass) e = add_run(c, buf, &nout, di.first_para, di.nparas);
        for (; !e && ci < ncr && aj_get_u32le(cr + (size_t)ci * AJ_RUN_BYTES) < end; ci++) {
            const uint8_t *r = cr + (size_t)ci * AJ_RUN_BYTES;
            e = add_run(c, buf, &nout, aj_get_u32le(r), aj_get_u32le(r + 4));
        }
    }
    for (; !e && ci < ncr; ci++) {
        const uint8_t *r = cr + (size_t)ci * AJ_RUN_BYTES;
        e = add_run(c, buf, &nout, aj_get_u32le(r), aj_get_u32le(r + 4));
    }
    if (e) return e;
    out->runs = buf->runs;
    out->n = nout;
    return AJ_OK;
}
