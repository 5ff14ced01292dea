/*
 * gen.h - index generations and the atomic switch between them.
 *
 * A build takes the index lock (flock on LOCK; a second build fails with
 * AJ_EBUSY rather than wait), writes its files into a private directory
 * .build-PID, fsyncs them, renames the directory to gen-N (N one more than
 * any existing generation), and then atomically replaces CURRENT (a small
 * file naming the live generation, written as CURRENT.PID and synced) with
 * rename(2).  Until that last rename nothing a reader looks at has
 * changed.  A build that fails removes what it wrote (its
 * .build-* directory, or the gen-N it renamed it to if the switch itself
 * failed).  A build killed at any point leaves at most a .build-*
 * directory, a gen-N that CURRENT does not name and a CURRENT.PID file
 * behind; the next build removes them.  After the switch, the build keeps
 * the new generation and the `keep` newest others (the one it replaced
 * first) and deletes the rest.
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
