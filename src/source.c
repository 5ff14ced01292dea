/*
 * source.c - from offsets in a paragraph's stored text back to bytes of
 * its source file.  The index keeps only the cleaned text and the
 * paragraph's source range, not a map (it would double the index for a
 * search-time nicety), so the document is segmented again with maps and
 * each paragraph found by its start offset.  The text must come out
 * exactly as stored; if the file changed since it was indexed, or the
 * segmenter changed, the answer is "not found" rather than wrong offsets.
 * The hits of one document share one pass over it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ajsearch.h"
#include "segment.h"

/* A hit to look for, with what the index says of it. */
typedef struct {
    aj_source_hit *hit;
    uint64_t start, end;
    uint32_t doc;
} target;

/* One document's targets, sorted by start: the segmenter delivers
 * paragraphs in order of start, so one cursor walks both. */
typedef struct {
    target *t;
    size_t n, next;
} finder;

static void map_spans(const aj_seg_para *p, aj_source_hit *h) {
    for (size_t i = 0; i < h->nspans; i++) {
        uint32_t s = h->spans[i].start, e = h->spans[i].end;
        if (s >= e || e > h->len) { /* empty or outside: an empty range */
            uint64_t at = s < h->len ? p->src_start[s] : p->end;
            h->out[i] = (aj_range){at, at};
        } else {
            h->out[i] = (aj_range){p->src_start[s], p->src_end[e - 1]};
        }
    }
    h->found = 1;
}

static int on_para(void *arg, const aj_seg_para *p) {
    finder *f = arg;
    while (f->next < f->n && f->t[f->next].start < p->start) f->next++; /* not there */
    for (size_t k = f->next; k < f->n && f->t[k].start == p->start; k++) {
        aj_source_hit *h = f->t[k].hit;
        if (p->end == f->t[k].end && p->text_len == h->len &&
            !memcmp(p->text, h->text, h->len))
            map_spans(p, h);
    }
    return f->next >= f->n || f->t[f->n - 1].start < p->start;
}

static int cmp_target(const void *a, const void *b) {
    const target *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Segments document doc once for the targets t[0..n).  A file that is
 * missing or cannot be read leaves them not found. */
static aj_err find_in_doc(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                          uint32_t doc, target *t, size_t n) {
    aj_doc_info d;
    aj_err e = aj_doc_get(c, ix, doc, &d);
    if (e) return e;
    size_t plen = strlen(corpus_dir) + strlen(d.path) + 2;
    char *path = malloc(plen);
    if (!path) return aj_fail(c, AJ_ENOMEM, "source path");
    snprintf(path, plen, "%s/%s", corpus_dir, d.path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size < t[n - 1].end) {
        if (fd >= 0) close(fd);
        return AJ_OK;
    }
    size_t size = (size_t)st.st_size;
    void *m = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (m == MAP_FAILED) return AJ_OK;
    finder f = {t, n, 0};
    e = aj_segment_map(c, m, size, on_para, &f);
    if (m) munmap(m, size);
    return e;
}

aj_err aj_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                        aj_source_hit *hits, size_t n) {
    target *t = malloc((n + 1) * sizeof *t);
    if (!t) return aj_fail(c, AJ_ENOMEM, "source hits");
    aj_err e = AJ_OK;
    for (size_t i = 0; !e && i < n; i++) {
        aj_para_info p;
        hits[i].found = 0;
        e = aj_para_get(c, ix, hits[i].id, &p);
        t[i] = (target){&hits[i], p.start, p.end, p.doc};
    }
    if (!e) qsort(t, n, sizeof *t, cmp_target);
    for (size_t i = 0, j; !e && i < n; i = j) {
        for (j = i + 1; j < n && t[j].doc == t[i].doc;) j++;
        e = find_in_doc(c, ix, corpus_dir, t[i].doc, t + i, j - i);
    }
    free(t);
    return e;
}

aj_err aj_para_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                             uint32_t id, const char *text, size_t len,
                             const aj_span *spans, size_t n, aj_range *out) {
    aj_source_hit h = {id, text, len, spans, n, out, 0};
    aj_err e = aj_source_ranges(c, ix, corpus_dir, &h, 1);
    if (!e && !h.found)
        e = aj_fail(c, AJ_ENOTFOUND, "paragraph %u: source file missing or "
                    "changed since it was indexed", id);
    return e;
}
