/*
 * source.h - internal side of aj_source_ranges (ajsearch.h): the same
 * look-up with counters of what it cost, for tests and benchmarks that
 * check that a hit costs its paragraph's bytes, not its document's.
 */
#ifndef AJ_SOURCE_H
#define AJ_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ajsearch.h"

typedef struct aj_source_stats {
    uint64_t bytes_read;  /* source bytes read: the windows around the
                             paragraphs, plus the whole size of each file
                             that had to be segmented from its start */
    size_t windows;       /* hits found from a window around their paragraph */
    size_t whole_docs;    /* documents segmented from their start for the
                             hits no window gave */
    size_t changed_docs;  /* documents whose size or checksum differs from
                             the index's: their hits are not looked for */
} aj_source_stats;

/* aj_source_ranges, adding what it read to *st (which may be NULL; the
 * counters are added to, not reset). */
aj_err aj_source_ranges_stats(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                              aj_source_hit *hits, size_t n, aj_source_stats *st);

#endif
