/*
 * source.c - from offsets in a paragraph's stored text back to bytes of
 * its source file.  The index keeps only the cleaned text and the
 * paragraph's source range, not a map (it would double the index for a
 * search-time nicety), so the paragraph's own lines are cleaned again
 * with maps (aj_segment_map_window) and the text must come out exactly
 * as stored.  If the file changed since it was indexed, or the segmenter
 * changed, the answer is "not found" rather than wrong offsets.
 *
 * Why a window is enough: the cleaning of a line depends on nothing
 * before the line (markup, links and entities never continue past a
 * line's end), and a paragraph does not depend on what comes after its
 * last line.  What a window cannot know is the document's shape (is it
 * hard-wrapped, how long is a full line: segment.c measures it over the
 * whole file), so each likely shape is tried, and the window starts
 * either at the start of the paragraph's first line (list markers,
 * heading marks, a link around the first word are then read as in the
 * whole) or at the paragraph's first byte as the rest of a line (a
 * paragraph cut out of a longer line).  Only a paragraph that no window
 * reproduces (a page footer between two parts of a paragraph in a
 * hard-wrapped file may need the real line lengths) costs a pass over its
 * document from the start, one pass for all such hits of the document.
 *
 * A changed file: the index keeps each file's size and XXH3-64.  A file
 * whose size differs is changed, at the cost of one fstat; its hits are
 * not looked for.  One of the same size still gives each hit whose window
 * reproduces the stored text (the offsets are then right for that
 * paragraph whatever changed elsewhere); the hits no window gave are
 * first checked against the checksum (one read of the file at memory
 * speed), so only an unchanged file is segmented from its start.
 */
#include "index/source.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "index/index.h"
#include "analysis/segment.h"

/* Read around a paragraph to find the ends of its lines: first PEEK
 * bytes each side, then REACH.  A line start farther than REACH is not
 * looked for (the paragraph is then read as the rest of a line), a line
 * end farther than that is not read (the window ends with the paragraph). */
#define PEEK 256u
#define REACH (64u << 10)
#define MAX_CUTS 32 /* line lengths of a paragraph tried as the full length */

/* A hit to look for, with what the index says of it. */
typedef struct {
    aj_source_hit *hit;
    uint64_t start, end;
    uint32_t doc;
} target;

/* Sets h->out from paragraph p of a window whose byte 0 is source byte
 * base. */
static void map_spans(const aj_seg_para *p, uint64_t base, aj_source_hit *h) {
    for (size_t i = 0; i < h->nspans; i++) {
        uint32_t s = h->spans[i].start, e = h->spans[i].end;
        if (s >= e || e > h->len) { /* empty or outside: an empty range */
            uint64_t at = base + (s < h->len ? p->src_start[s] : p->end);
            h->out[i] = (aj_range){at, at};
        } else {
            h->out[i] = (aj_range){base + p->src_start[s], base + p->src_end[e - 1]};
        }
    }
    h->found = 1;
}

/* The paragraph is the target's when it has its range and its text. */
static int is_target(const aj_seg_para *p, uint64_t base, const target *t) {
    const aj_source_hit *h = t->hit;
    return base + p->start == t->start && base + p->end == t->end &&
           p->text_len == h->len && !memcmp(p->text, h->text, h->len);
}

/* ---- the window around one paragraph ---------------------------------- */

typedef struct {
    const target *t;
    uint64_t base;  /* source offset of the window's byte 0 */
} probe;

static int on_window_para(void *arg, const aj_seg_para *p) {
    probe *w = arg;
    if (w->base + p->start > w->t->start) return 1; /* passed it */
    if (is_target(p, w->base, w->t)) {
        map_spans(p, w->base, w->t->hit);
        return 1;
    }
    return 0;
}

/* A buffer for windows, reused across the hits of a call. */
typedef struct {
    char *b;
    size_t cap;
} window_buf;

/* Reads source bytes [lo, hi) of fd into wb; 0 on success. */
static int read_range(int fd, window_buf *wb, uint64_t lo, uint64_t hi,
                      aj_source_stats *st) {
    size_t n = (size_t)(hi - lo);
    if (n + 1 > wb->cap) {
        size_t cap = wb->cap ? wb->cap : 4096;
        while (cap < n + 1) cap *= 2;
        char *b = realloc(wb->b, cap);
        if (!b) return -1;
        wb->b = b;
        wb->cap = cap;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, wb->b + got, n - got, (off_t)(lo + got));
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    if (st) st->bytes_read += n;
    return 0;
}

/* Code points of line s[0..n) without the white space around it, as the
 * segmenter measures a line against the document's full length. */
static size_t line_cps(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t p = 0, q = n, cps = 0;
    for (;;) {
        if (p < q && (u[p] == ' ' || (u[p] >= '\t' && u[p] <= '\r'))) p++;
        else if (q - p >= 2 && u[p] == 0xc2 && u[p + 1] == 0xa0) p += 2;
        else break;
    }
    for (;;) {
        if (q > p && (u[q - 1] == ' ' || (u[q - 1] >= '\t' && u[q - 1] <= '\r'))) q--;
        else if (q - p >= 2 && u[q - 2] == 0xc2 && u[q - 1] == 0xa0) q -= 2;
        else break;
    }
    for (; p < q; p++) cps += (u[p] & 0xc0) != 0x80;
    return cps;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The document shapes to try for paragraph text[0..n) whose first line
 * starts at line (NULL when unknown), likeliest first; returns how many.
 * A paragraph of one line is most likely web text, one of several lines
 * hard-wrapped text, where every line but the last usually goes on.  In
 * hard-wrapped text a line goes on when it is long enough for the
 * document, a length the window cannot know; but the lines of the
 * paragraph split into short and long in only as many ways as they have
 * distinct lengths, so each split is a shape (a page footer inside a
 * paragraph, "people-to-" on a short line then "people", need the right
 * one).  Paragraphs of more than MAX_CUTS lengths get the first three. */
static size_t window_shapes(const char *text, size_t n, const char *line,
                            aj_seg_window *out) {
    size_t k = 0;
    int lines = memchr(text, '\n', n) != NULL;
    aj_seg_window web = {0, 0, 0, 0}, all = {1, 0, 0, 0}, none = {1, SIZE_MAX / 8, 0, 0};
    out[k++] = lines ? all : web;
    out[k++] = lines ? web : all;
    if (lines && line) {
        size_t len[MAX_CUTS + 1], nl = 0;
        const char *at = line, *end = text + n;
        while (at < end && nl <= MAX_CUTS) {
            const char *nlp = memchr(at, '\n', (size_t)(end - at));
            const char *e = nlp ? nlp : end;
            size_t cps = line_cps(at, (size_t)(e - at));
            if (cps) len[nl++] = cps;
            at = nlp ? nlp + 1 : end;
        }
        if (nl <= MAX_CUTS) {
            qsort(len, nl, sizeof *len, cmp_size);
            /* lines of at least len[i] code points go on, shorter ones
             * not: w95 = len[i] * 10 / 6 puts the cut just there
             * (segment.c: cps * 10 >= w95 * 6); len[0] is "all" */
            for (size_t i = 1; i < nl; i++)
                if (len[i] != len[i - 1])
                    out[k++] = (aj_seg_window){1, len[i] * 10 / 6, 0, 0};
        }
    }
    out[k++] = none;
    return k;
}

/* Tries the windows around target t of a file of size bytes; sets
 * t->hit->found when one reproduces its text.  Returns AJ_ENOMEM or
 * AJ_OK (a read error leaves the hit for the whole-document pass). */
static aj_err try_windows(aj_ctx *c, int fd, uint64_t size, const target *t,
                          window_buf *wb, aj_source_stats *st) {
    uint64_t start = t->start, end = t->end, lo, hi;
    uint64_t ls = UINT64_MAX, le = UINT64_MAX; /* line start and end, if found */
    for (uint64_t margin = PEEK;; margin = REACH) {
        lo = start > margin ? start - margin : 0;
        hi = size - end > margin ? end + margin : size;
        if (read_range(fd, wb, lo, hi, st)) return AJ_OK;
        const char *nl = start > lo ? memrchr(wb->b, '\n', (size_t)(start - lo)) : NULL;
        ls = nl ? lo + (uint64_t)(nl - wb->b) + 1 : lo == 0 ? 0 : UINT64_MAX;
        nl = memchr(wb->b + (end - lo), '\n', (size_t)(hi - end));
        le = nl ? lo + (uint64_t)(nl - wb->b) : hi == size ? size : UINT64_MAX;
        if ((ls != UINT64_MAX && le != UINT64_MAX) || margin == REACH) break;
    }
    if (le == UINT64_MAX) le = end;
    aj_seg_window shapes[3 + MAX_CUTS];
    size_t nshapes = window_shapes(wb->b + (start - lo), (size_t)(end - start),
                                   ls == UINT64_MAX ? NULL : wb->b + (ls - lo), shapes);
    for (int from_line = 1; from_line >= 0; from_line--) {
        /* from the start of the first line, else from the paragraph's
         * first byte with the byte before it to look behind at */
        uint64_t w0 = from_line ? ls : start > 0 ? start - 1 : 0;
        if (w0 == UINT64_MAX) continue;
        for (size_t k = 0; k < nshapes; k++) {
            aj_seg_window w = shapes[k];
            w.from = (size_t)(from_line ? 0 : start - w0);
            w.continues = !from_line;
            probe pr = {t, w0};
            aj_err e = aj_segment_map_window(c, wb->b + (w0 - lo), (size_t)(le - w0), &w,
                                             on_window_para, &pr);
            if (e) return e;
            if (t->hit->found) {
                if (st) st->windows++;
                return AJ_OK;
            }
        }
    }
    return AJ_OK;
}

/* ---- the whole document, for what no window gave ---------------------- */

/* One document's targets, sorted by start: the segmenter delivers
 * paragraphs in order of start, so one cursor walks both. */
typedef struct {
    target *t;
    size_t n, next;
} finder;

static int on_para(void *arg, const aj_seg_para *p) {
    finder *f = arg;
    while (f->next < f->n && f->t[f->next].start < p->start) f->next++; /* not there */
    for (size_t k = f->next; k < f->n && f->t[k].start == p->start; k++)
        if (is_target(p, 0, &f->t[k])) map_spans(p, 0, f->t[k].hit);
    return f->next >= f->n || f->t[f->n - 1].start < p->start;
}

static void mark_changed(target *t, size_t n, aj_source_stats *st) {
    for (size_t i = 0; i < n; i++) t[i].hit->changed = 1;
    if (st) st->changed_docs++;
}

/* Segments the open file fd of size bytes from its start for the targets
 * t[0..n), up to the last of them, if its bytes are still those indexed
 * (xxh3); else marks them changed. */
static aj_err whole_doc(aj_ctx *c, int fd, uint64_t size, uint64_t xxh3, target *t,
                        size_t n, aj_source_stats *st) {
    void *m = size ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    if (m == MAP_FAILED) return AJ_OK;
    if (st) st->bytes_read += size;
    if (XXH3_64bits(m ? m : "", (size_t)size) != xxh3) {
        if (m) munmap(m, (size_t)size);
        mark_changed(t, n, st);
        return AJ_OK;
    }
    if (st) st->whole_docs++;
    finder f = {t, n, 0};
    aj_err e = aj_segment_map(c, m, (size_t)size, on_para, &f);
    if (m) munmap(m, (size_t)size);
    return e;
}

/* ---- files kept open between look-ups ---------------------------------- */

void aj_source_files_init(aj_source_files *s) {
    pthread_mutex_init(&s->lock, NULL);
    for (int i = 0; i < AJ_SOURCE_FILES; i++) s->f[i] = (aj_source_file){-1, 0, 0, 0};
    s->next = 0;
}

void aj_source_files_close(aj_source_files *s) {
    for (int i = 0; i < AJ_SOURCE_FILES; i++)
        if (s->f[i].fd >= 0) close(s->f[i].fd);
    pthread_mutex_destroy(&s->lock);
}

/* Takes document doc's kept descriptor out of the set when it is of the
 * file (dev, ino) its path names now: the descriptor, or -1. */
static int take_file(aj_source_files *s, uint32_t doc, uint64_t dev, uint64_t ino) {
    int fd = -1;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < AJ_SOURCE_FILES; i++) {
        aj_source_file *f = &s->f[i];
        if (f->fd < 0 || f->doc != doc) continue;
        if (f->dev == dev && f->ino == ino) fd = f->fd;
        else close(f->fd); /* replaced since: never of use again */
        f->fd = -1;
        break;
    }
    pthread_mutex_unlock(&s->lock);
    return fd;
}

/* Puts fd, of document doc's file (dev, ino), back in the set, in an
 * empty slot or in place of the one kept longest. */
static void keep_file(aj_source_files *s, uint32_t doc, uint64_t dev, uint64_t ino, int fd) {
    pthread_mutex_lock(&s->lock);
    int at = -1;
    for (int i = 0; i < AJ_SOURCE_FILES && at < 0; i++)
        if (s->f[i].fd < 0) at = i;
    if (at < 0) {
        at = (int)(s->next++ % AJ_SOURCE_FILES);
        close(s->f[at].fd);
    }
    s->f[at] = (aj_source_file){fd, doc, dev, ino};
    pthread_mutex_unlock(&s->lock);
}

static int cmp_target(const void *a, const void *b) {
    const target *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Finds the targets t[0..n) of document doc: each from its window, the
 * rest in one pass over the document.  A file that is missing or cannot
 * be read leaves them not found.  The file is kept open in files for the
 * next look-up. */
static aj_err find_in_doc(aj_ctx *c, const aj_index *ix, aj_source_files *files,
                          const char *corpus_dir, uint32_t doc, target *t, size_t n,
                          window_buf *wb, aj_source_stats *st) {
    aj_doc_info d;
    aj_err e = aj_doc_get(c, ix, doc, &d);
    if (e) return e;
    /* An extracted document's paragraphs lie in its text, not its file. */
    if (strcmp(d.format, "text")) return AJ_OK;
    char buf[512];
    size_t plen = strlen(corpus_dir) + strlen(d.path) + 2;
    char *path = plen <= sizeof buf ? buf : malloc(plen);
    if (!path) return aj_fail(c, AJ_ENOMEM, "source path");
    size_t dlen = strlen(corpus_dir);
    memcpy(path, corpus_dir, dlen);
    path[dlen] = '/';
    memcpy(path + dlen + 1, d.path, plen - dlen - 1); /* with its NUL */
    /* What the path names now (not a FIFO or device: never opened), then
     * the descriptor kept for that very file, else a new one. */
    struct stat st_buf;
    int fd = -1;
    if (stat(path, &st_buf) == 0 && S_ISREG(st_buf.st_mode)) {
        fd = take_file(files, doc, (uint64_t)st_buf.st_dev, (uint64_t)st_buf.st_ino);
        if (fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
            (fstat(fd, &st_buf) || !S_ISREG(st_buf.st_mode))) {
            close(fd); /* replaced by something else since the stat */
            fd = -1;
        }
    }
    if (path != buf) free(path);
    if (fd < 0) return AJ_OK;
    uint64_t size = (uint64_t)st_buf.st_size;
    if (size != d.size) {
        keep_file(files, doc, (uint64_t)st_buf.st_dev, (uint64_t)st_buf.st_ino, fd);
        mark_changed(t, n, st);
        return AJ_OK;
    }
    size_t left = 0; /* targets no window gave, moved to the front */
    for (size_t i = 0; !e && i < n; i++) {
        if (t[i].start > t[i].end || t[i].end > size) continue; /* a damaged index */
        e = try_windows(c, fd, size, &t[i], wb, st);
        if (!e && !t[i].hit->found) t[left++] = t[i];
    }
    if (!e && left) e = whole_doc(c, fd, size, d.xxh3, t, left, st);
    keep_file(files, doc, (uint64_t)st_buf.st_dev, (uint64_t)st_buf.st_ino, fd);
    return e;
}

aj_err aj_source_ranges_stats(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                              aj_source_hit *hits, size_t n, aj_source_stats *st) {
    target *t = malloc((n + 1) * sizeof *t);
    if (!t) return aj_fail(c, AJ_ENOMEM, "source hits");
    aj_err e = AJ_OK;
    for (size_t i = 0; !e && i < n; i++) {
        aj_para_info p;
        hits[i].found = hits[i].changed = 0;
        e = aj_para_get(c, ix, hits[i].id, &p);
        t[i] = (target){&hits[i], p.start, p.end, p.doc};
    }
    if (!e) qsort(t, n, sizeof *t, cmp_target);
    window_buf wb = {NULL, 0};
    /* The index is read-only to its users; the files kept open are a
     * cache beside it, under their own lock. */
    aj_source_files *files = (aj_source_files *)&ix->sources;
    for (size_t i = 0, j; !e && i < n; i = j) {
        for (j = i + 1; j < n && t[j].doc == t[i].doc;) j++;
        e = find_in_doc(c, ix, files, corpus_dir, t[i].doc, t + i, j - i, &wb, st);
    }
    free(wb.b);
    free(t);
    return e;
}

aj_err aj_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                        aj_source_hit *hits, size_t n) {
    return aj_source_ranges_stats(c, ix, corpus_dir, hits, n, NULL);
}

aj_err aj_para_source_ranges(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                             uint32_t id, const char *text, size_t len,
                             const aj_span *spans, size_t n, aj_range *out) {
    aj_source_hit h = {id, text, len, spans, n, out, 0, 0};
    aj_err e = aj_source_ranges(c, ix, corpus_dir, &h, 1);
    aj_para_info p;
    aj_doc_info d;
    if (!e && !h.found && !h.changed && !aj_para_get(c, ix, id, &p) &&
        !aj_doc_get(c, ix, p.doc, &d) && strcmp(d.format, "text"))
        e = aj_fail(c, AJ_ENOTFOUND, "paragraph %u: its document's text was extracted "
                    "(%s): its byte ranges are in that text", id, d.format);
    if (!e && !h.found)
        e = aj_fail(c, AJ_ENOTFOUND, h.changed ? "paragraph %u: its source file "
                    "changed since it was indexed" : "paragraph %u: its source file "
                    "is missing or cannot be read", id);
    return e;
}
