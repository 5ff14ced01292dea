/*
 * source.h - internal side of aj_source_ranges (ajsearch.h): the same
 * look-up with counters of what it cost, for tests and benchmarks that
 * check that a hit costs its paragraph's bytes, not its document's.
 */
#ifndef AJ_SOURCE_H
#define AJ_SOURCE_H

#include <pthread.h>
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

/* Source files a reader keeps open between look-ups (one set per index,
 * ix->sources), so that a batch of searches does not open and close the
 * same documents again for every query.  A file is reused only while its
 * path still names the same file (device and inode, checked with one
 * stat per document and look-up): a document replaced since is opened
 * afresh, one changed in place is read as it is now, as a fresh open
 * would read it.  A thread takes a file out of the set while it reads it,
 * so no descriptor is shared. */
#define AJ_SOURCE_FILES 64

typedef struct aj_source_file {
    int fd;               /* -1: empty */
    uint32_t doc;
    uint64_t dev, ino;
} aj_source_file;

typedef struct aj_source_files {
    pthread_mutex_t lock;
    aj_source_file f[AJ_SOURCE_FILES];
    uint32_t next;        /* the slot given up next when all are used */
} aj_source_files;

void aj_source_files_init(aj_source_files *s);
/* Closes every file kept. */
void aj_source_files_close(aj_source_files *s);

/* aj_source_ranges, adding what it read to *st (which may be NULL; the
 * counters are added to, not reset). */
aj_err aj_source_ranges_stats(aj_ctx *c, const aj_index *ix, const char *corpus_dir,
                              aj_source_hit *hits, size_t n, aj_source_stats *st);

#endif
