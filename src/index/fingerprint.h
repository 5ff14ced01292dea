/*
 * fingerprint.h - one number for "what an index of this corpus holds".
 *
 * The fingerprint hashes, in document order, each indexed document's path,
 * title, date and source (as the index stores them: metadata.tsv's, else
 * the fallback title) and its file's size and XXH3-64, after the index
 * format version.  A build computes it from what it indexes; `ajsearch
 * status` computes it again from the corpus as it is now and from the
 * index's document table: equal fingerprints mean that a new build would
 * index the same documents with the same metadata.  It is the natural key
 * of a CI cache (README "Using ajsearch in CI").
 */
#ifndef AJ_FINGERPRINT_H
#define AJ_FINGERPRINT_H

#include <stdint.h>
#include <xxhash.h>

#include "ajsearch.h"

typedef struct aj_fp {
    XXH3_state_t *st;
} aj_fp;

/* 0, or -1 when out of memory. */
int aj_fp_init(aj_fp *fp);
void aj_fp_doc(aj_fp *fp, const char *path, const char *title,
               const char *date, const char *source, uint64_t size,
               uint64_t xxh3);
/* The fingerprint so far. */
uint64_t aj_fp_value(const aj_fp *fp);
void aj_fp_free(aj_fp *fp);

/* The fingerprint of what index ix holds, from its document table (what
 * a build of the same corpus computed). */
aj_err aj_fp_of_index(aj_ctx *c, const aj_index *ix, uint64_t *out);

#endif
