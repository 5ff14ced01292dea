/*
 * listpipe.h - posting lists handed from the merge to a writing thread.
 *
 * The final merge of a build reads the runs, orders keys and decodes their
 * parts; the writing encodes each list and adds its key to the dictionary.
 * Each is about half of the work, and both ran on one thread.  A list
 * pipe sits between them as an aj_inverted_fn: the merge calls
 * aj_listpipe_fn, which copies the key, its ids, tfs and positions into a
 * batch; a thread of the pipe calls the real function on each in order.
 * A list too large for a batch (a frequent word of a large corpus) is
 * written by the merge's own thread once the writer has caught up, with
 * its positions read lazily as before: what the pipe holds stays bounded
 * (AJ_LISTPIPE_BYTES per batch, three batches), and the calls, their
 * order and their arguments are those the merge would have made.
 */
#ifndef AJ_LISTPIPE_H
#define AJ_LISTPIPE_H

#include "build/invert.h"

#define AJ_LISTPIPE_BYTES (2u << 20)

typedef struct aj_listpipe aj_listpipe;

/* Starts the writing thread, which will call fn(arg, ...) with positions
 * when with_positions.  AJ_ENOMEM when it cannot. */
aj_err aj_listpipe_start(aj_ctx *c, aj_inverted_fn fn, void *arg, int with_positions,
                         aj_listpipe **out);

/* An aj_inverted_fn whose arg is the pipe.  Fails with the writer's
 * error once the writer has failed. */
aj_err aj_listpipe_fn(aj_ctx *c, void *pipe, uint8_t flags, const char *key, uint32_t len,
                      const uint32_t *docs, const uint32_t *tfs, aj_pos_fn pos, void *pos_arg,
                      uint32_t n);

/* Hands the last batch over (unless e, the merge's result, is an error),
 * waits for the writer and frees the pipe.  Returns the first error: the
 * writer's when it failed (its message is put into c), else e. */
aj_err aj_listpipe_finish(aj_ctx *c, aj_listpipe *p, aj_err e);

#endif
