/*
 * docmap.h - reading one document of the corpus, the one way a build
 * reads them: mapped whole, read-only, or skipped with the reason.
 */
#ifndef AJ_DOCMAP_H
#define AJ_DOCMAP_H

#include <stddef.h>

#include "build/corpus.h"

/* A document is binary, and skipped, when its first AJ_SNIFF_BYTES hold a
 * NUL; without a title in metadata.tsv it gets one of at most
 * AJ_TITLE_BYTES found in its first AJ_TITLE_SCAN bytes (aj_docmap). */
#define AJ_SNIFF_BYTES 65536
#define AJ_TITLE_BYTES 256
#define AJ_TITLE_SCAN (1u << 20)

/* A corpus document as a build reads it: mapped whole, read-only, or the
 * reason it is skipped (why, kind: AJ_WARN_*).  The workers, the sampling
 * of texts for the compression dictionary (build.c) and status.c all read
 * documents with it: "up to date" means what a build would index. */
typedef struct aj_docmap {
    const char *src;         /* the bytes ("" for an empty file) */
    size_t len;
    int skipped;
    int skip_kind;
    char why[160];
    void *map;               /* to unmap, or NULL */
} aj_docmap;

/* Opens and maps document d under root, and sniffs it: a NUL in its first
 * AJ_SNIFF_BYTES makes it binary, and skipped. */
void aj_docmap_open(const char *root, const aj_corpus_doc *d, aj_docmap *m);
void aj_docmap_close(aj_docmap *m);
/* d's title: metadata.tsv's, else one found in the first AJ_TITLE_SCAN
 * bytes of its text.  Allocated; NULL when out of memory. */
char *aj_docmap_title(const aj_corpus_doc *d, const aj_docmap *m);

#endif
