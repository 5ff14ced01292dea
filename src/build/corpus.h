/*
 * corpus.h - finding the documents of a corpus directory and their
 * metadata.
 *
 * Documents are the regular files under the corpus directory, whatever
 * their names (their bytes tell their format: docmap.h), found
 * recursively, skipping names that start with a dot and the root's
 * metadata.tsv, in byte order of their relative paths (so the order, and
 * with it every paragraph id, is the same on every machine).
 * Metadata comes from `metadata.tsv` at the corpus root: tab-separated
 * lines `file, date, source, title`; `#` starts a comment line.  A date is
 * empty, YYYY, YYYY-MM or YYYY-MM-DD (a real day of the calendar); another
 * date is dropped with a warning naming the line, and the document keeps
 * its title and source.  When two lines name the same document the later
 * one is used, with a warning naming both lines.
 */
#ifndef AJ_CORPUS_H
#define AJ_CORPUS_H

#include <stddef.h>

#include "ajsearch.h"

#define AJ_METADATA_FILE "metadata.tsv"
/* Longer lines of the metadata file are ignored, with a warning. */
#define AJ_METADATA_LINE_MAX 65536u

typedef struct aj_corpus_doc {
    char *rel;                      /* path relative to the corpus root */
    char *date, *source, *title;    /* from metadata, or NULL */
    unsigned meta_line;             /* its metadata line, 0 = none */
} aj_corpus_doc;

typedef struct aj_corpus {
    aj_corpus_doc *docs;
    size_t ndocs;
    size_t nskipped;
} aj_corpus;

/* Lists the documents of dir and attaches their metadata.  Entries that
 * cannot be used (unreadable directories, symbolic links to directories)
 * are reported through warn and counted in nskipped; metadata lines that
 * name no document, repeat a document or hold an invalid date are
 * reported through warn with kind AJ_WARN_METADATA (not counted). */
aj_err aj_corpus_scan(aj_ctx *c, const char *dir, aj_warn_fn warn,
                      void *warn_arg, aj_corpus *out);
void aj_corpus_free(aj_corpus *cp);

#endif
