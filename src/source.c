/*
 * source.c - from offsets in a paragraph's stored text back to bytes of
 * its source file.  The index keeps only the cleaned text and the
 * paragraph's source range, not a map (it would double the index for a
 * search-time nicety), so the document is segmented again with maps and
 * the paragraph found by its start offset.  The text must come out exactly
 * as stored; if the file changed since it was indexed, or the segmenter
 * changed, the answer is "not found" rather than wrong offsets.
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

typedef struct {
    uint64_t start, end;      /* the paragraph looked for */
    const char *text;         /* its stored text */
    size_t len;
    const aj_span *spans;
    size_t n;
    aj_range *out;
    int found, differs;
} finder;

static int on_para(void *arg, const aj_seg_para *p) {
    finder *f = arg;
    if (p->start < f->start) return 0;
    /* Paragraphs come in order of start: this one or none. */
    if (p->start != f->start || p->end != f->end || p->text_len != f->len ||
        memcmp(p->text, f->text, f->len)) {
        f->differs = 1;
        return 1;
    }
    for (size_t i = 0; i < f->n; i++) {
        uint32_t s = f->spans[i].start, e = f->spans[i].end;
        if (s >= e || e > f->len) { /* empty or outside: an empty range */
            uint64_t at = s < f->len ? p->src_start[s] : p->end;
            f->out[i] = (aj_range){at, at};
        } else {
            f->out[i] = (aj_range){p->src_start[s], p->src_end[e - 1]};
        }
    }
    f->found = 1;
    return 1;
}

aj_err aj_para_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                             uint32_t id, const char *text, size_t len,
                             const aj_span *spans, size_t n, aj_range *out) {
    aj_para_info p;
    aj_doc_info d;
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) e = aj_doc_get(c, ix, p.doc, &d);
    if (e) return e;
    size_t plen = strlen(corpus_dir) + strlen(d.path) + 2;
    char *path = malloc(plen);
    if (!path) return aj_fail(c, AJ_ENOMEM, "source path");
    snprintf(path, plen, "%s/%s", corpus_dir, d.path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size < p.end) {
        e = aj_fail(c, AJ_ENOTFOUND, "%s: missing, unreadable or shorter than indexed", path);
        if (fd >= 0) close(fd);
        free(path);
        return e;
    }
    size_t size = (size_t)st.st_size;
    void *m = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (m == MAP_FAILED) {
        e = aj_fail(c, AJ_EIO, "%s: cannot map", path);
        free(path);
        return e;
    }
    finder f = {p.start, p.end, text, len, spans, n, out, 0, 0};
    e = aj_segment_map(c, m, size, on_para, &f);
    if (!e && !f.found)
        e = aj_fail(c, AJ_ENOTFOUND, "%s: changed since it was indexed", path);
    if (m) munmap(m, size);
    free(path);
    return e;
}
