/*
 * gen.h - index generations and the atomic switch between them.
 *
 * The index directory (LOCK, CURRENT, gen-N, .build-PID), the steps of
 * the switch and which older generations a build keeps: FORMAT.md
 * "Directory".  The switch is one rename(2) of CURRENT.PID over CURRENT:
 * nothing a reader looks at changes before it, and a reader sees the old
 * generation or the new one, never a mix.  A build that fails
 * removes what it wrote (its .build-* directory, or the gen-N it renamed
 * it to if the switch itself failed); what a killed one leaves, the next
 * build removes.  A second build waits for the lock or fails with
 * AJ_EBUSY (aj_gen_begin).
 */
#ifndef AJ_GEN_H
#define AJ_GEN_H

#include <signal.h>

#include "common/error.h"

typedef struct aj_gen {
    int dirfd;      /* the index directory */
    int lockfd;
    int tmpfd;      /* the build directory */
    char tmpname[64];
    char dir[1024];
} aj_gen;

/* Creates the index directory if needed, takes the lock (waiting for it
 * when wait is set, until *cancel becomes non-zero (AJ_ECANCELED; cancel
 * may be NULL), else failing with AJ_EBUSY), removes stale build
 * directories and creates a fresh one. */
aj_err aj_gen_begin(aj_ctx *c, const char *index_dir, int wait,
                    const volatile sig_atomic_t *cancel, aj_gen *g);

/* Writes "DIR/.build-PID/name" into buf. */
void aj_gen_path(const aj_gen *g, const char *name, char *buf, size_t cap);

/* Makes the build directory the live generation and keeps `keep` older
 * ones (see above). */
aj_err aj_gen_commit(aj_ctx *c, aj_gen *g, int keep);

/* Removes the build directory if still there and releases the lock. */
void aj_gen_end(aj_gen *g);

#endif
