/*
 * status.c - whether an index is up to date with a corpus directory.
 *
 * A build would index the documents the corpus scan finds, less those it
 * skips as binary or unreadable, each with metadata.tsv's title, date and
 * source (else a title from its first lines), its size and its XXH3-64.
 * This module gathers exactly that from the corpus as it is now, through
 * the indexing worker's own reading of a document (aj_docmap), and
 * compares it with the index's document table: both feed the fingerprint
 * of fingerprint.h, and the documents are compared one by one, in path
 * order, to say which changed.
 */
#include "ajsearch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/bworker.h"
#include "build/corpus.h"
#include "index/fingerprint.h"

/* One document as a build would index it now. */
typedef struct {
    const char *path;        /* the corpus scan's */
    char *title;             /* owned */
    const char *date, *source;
    uint64_t size, xxh3;
} cdoc;

/* Reads document d of the scan; *indexed is 0 when a build would skip it
 * (unreadable, not a regular file, binary).  A PDF, HTML or DOCX document
 * is not extracted: the fingerprint takes its bytes, and metadata.tsv's
 * title and date, not its own (fingerprint.h). */
static aj_err read_doc(aj_ctx *c, const char *root, const aj_corpus_doc *d,
                       cdoc *out, int *indexed) {
    memset(out, 0, sizeof *out);
    aj_docmap m;
    aj_docmap_open(root, d, NULL, &m);
    *indexed = !m.skipped;
    if (m.skipped) return AJ_OK;
    out->path = d->rel;
    out->date = d->date ? d->date : "";
    out->source = d->source ? d->source : "";
    out->size = m.size;
    out->xxh3 = m.xxh3;
    out->title = aj_docmap_fp_title(d, &m);
    aj_docmap_close(&m);
    return out->title ? AJ_OK : aj_fail(c, AJ_ENOMEM, "status");
}

/* Walks the corpus's documents in path order; calls fn for each that a
 * build would index. */
typedef aj_err (*cdoc_fn)(aj_ctx *c, void *arg, const cdoc *d);

static aj_err each_corpus_doc(aj_ctx *c, const char *dir, cdoc_fn fn, void *arg) {
    aj_corpus cp;
    aj_err e = aj_corpus_scan(c, dir, NULL, NULL, &cp);
    if (e) return e;
    for (size_t i = 0; !e && i < cp.ndocs; i++) {
        cdoc d;
        int indexed;
        e = read_doc(c, dir, &cp.docs[i], &d, &indexed);
        if (!e && indexed) e = fn(c, arg, &d);
        free(d.title);
    }
    aj_corpus_free(&cp);
    return e;
}

static void count_doc(aj_fp *fp, aj_status *st, const cdoc *d) {
    aj_fp_doc(fp, d->path, d->title, d->date, d->source, d->size, d->xxh3);
    st->corpus_docs++;
    st->corpus_bytes += d->size;
}

typedef struct {
    aj_fp fp;
    aj_status *st;
} fp_walk;

static aj_err on_fp_doc(aj_ctx *c, void *arg, const cdoc *d) {
    (void)c;
    fp_walk *w = arg;
    count_doc(&w->fp, w->st, d);
    return AJ_OK;
}

aj_err aj_corpus_fingerprint(aj_ctx *c, const char *corpus_dir, aj_status *out) {
    memset(out, 0, sizeof *out);
    fp_walk w = {.st = out};
    if (aj_fp_init(&w.fp) != 0) return aj_fail(c, AJ_ENOMEM, "fingerprint");
    aj_err e = each_corpus_doc(c, corpus_dir, on_fp_doc, &w);
    if (!e) out->corpus_fingerprint = aj_fp_value(&w.fp);
    aj_fp_free(&w.fp);
    return e;
}

/* The comparison: the corpus's documents arrive in path order, and the
 * index's are in the same order (a build numbers them so). */
typedef struct {
    const aj_index *ix;
    aj_status *st;
    aj_fp fp;
    uint32_t next;           /* next index document to compare */
    aj_change_fn fn;
    void *arg;
} cmp_walk;

static void change(cmp_walk *w, int what, const char *path) {
    w->st->changes[what]++;
    if (w->fn) w->fn(w->arg, what, path);
}

/* Reports the index's documents before path (or all that are left, for
 * NULL) as removed; *found says whether one is path (then in *hit). */
static aj_err catch_up(aj_ctx *c, cmp_walk *w, const char *path, aj_doc_info *hit,
                       int *found) {
    *found = 0;
    while (w->next < w->st->index_docs) {
        aj_doc_info di;
        aj_err e = aj_doc_get(c, w->ix, w->next, &di);
        if (e) return e;
        int cmp = path ? strcmp(di.path, path) : -1;
        if (cmp > 0) break;
        w->next++;
        if (cmp == 0) {
            *hit = di;
            *found = 1;
            break;
        }
        change(w, AJ_CHANGE_REMOVED, di.path);
    }
    return AJ_OK;
}

static aj_err on_cmp_doc(aj_ctx *c, void *arg, const cdoc *d) {
    cmp_walk *w = arg;
    count_doc(&w->fp, w->st, d);
    aj_doc_info di;
    int found;
    aj_err e = catch_up(c, w, d->path, &di, &found);
    if (e) return e;
    if (!found)
        change(w, AJ_CHANGE_ADDED, d->path);
    else if (di.size != d->size || di.xxh3 != d->xxh3)
        change(w, AJ_CHANGE_CONTENT, d->path);
    else if (strcmp(di.own_title ? "" : di.title, d->title) ||
             strcmp(di.own_date ? "" : di.date, d->date) || strcmp(di.source, d->source))
        change(w, AJ_CHANGE_METADATA, d->path);
    return AJ_OK;
}

aj_err aj_index_status(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                       aj_change_fn fn, void *arg, aj_status *out) {
    memset(out, 0, sizeof *out);
    aj_index_stats ist;
    aj_index_stats_get(ix, &ist);
    out->index_docs = ist.ndocs;
    /* The index's own fingerprint, from its document table. */
    aj_err e = aj_fp_of_index(c, ix, &out->index_fingerprint);
    if (e) return e;

    cmp_walk w = {.ix = ix, .st = out, .fn = fn, .arg = arg};
    if (aj_fp_init(&w.fp) != 0) return aj_fail(c, AJ_ENOMEM, "fingerprint");
    e = each_corpus_doc(c, corpus_dir, on_cmp_doc, &w);
    if (!e) {
        aj_doc_info none;
        int found;
        e = catch_up(c, &w, NULL, &none, &found);
    }
    if (!e) {
        out->corpus_fingerprint = aj_fp_value(&w.fp);
        out->up_to_date = out->corpus_fingerprint == out->index_fingerprint;
    }
    aj_fp_free(&w.fp);
    return e;
}
