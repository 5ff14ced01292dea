/*
 * shard.h - which documents a sharded generation keeps together, and the
 * names that let a build reuse a shard.
 *
 * A corpus of at least AJ_SHARD_MIN_SHARDS times the shard size is cut into
 * shards: runs of documents, in the corpus's order, each indexed on its own
 * (lex.h says what the generation keeps as a whole).  Where a run ends
 * depends only on each document's own path and size, never on its place:
 * a document ends its shard when the hash of its path falls below its
 * share of the shard size (a document of size/4 ends one in four times,
 * one at least as large as the shard size always does).  So shards hold
 * about the shard size each, and adding, changing or removing a document
 * moves the boundaries next to it only: every other shard keeps its
 * documents, its bytes and its name.
 *
 * A shard's name hashes what its index is made of: each document's path,
 * size, content hash and metadata line.  A build that finds a shard of
 * that name in the live generation links its files instead of indexing
 * its documents again.
 */
#ifndef AJ_SHARD_H
#define AJ_SHARD_H

#include <stdint.h>

#include "build/corpus.h"
#include "common/error.h"

/* A corpus smaller than this many shard sizes is one unsharded index. */
#define AJ_SHARD_MIN_SHARDS 4

/* The shard size of a build that names none and has no live index to
 * take it from: 8 MiB, about a second to index again on one machine of
 * two cores, so that a change to a corpus of any size costs about that
 * (README "Incremental builds"); a corpus under 32 MiB is one index. */
#define AJ_SHARD_DEFAULT_BYTES ((uint64_t)8 << 20)

/* What the plan knows of each document: its size, and its content's
 * XXH3-64 once hashed. */
typedef struct aj_shard_doc {
    uint64_t size, xxh3;
    int hashed;              /* xxh3 is known */
    int missing;             /* could not be read (the build will say why) */
} aj_shard_doc;

/* The sizes of cp's documents (stat), into docs[0..cp->ndocs). */
void aj_shard_sizes(const char *corpus_dir, const aj_corpus *cp, aj_shard_doc *docs);

/* Cuts the documents into shards of about `bytes` each: ends[i] is one
 * past the last document of shard i, *n the number of shards; one shard
 * holding everything when the corpus is below AJ_SHARD_MIN_SHARDS shard
 * sizes or bytes is 0.  *ends is the caller's to free.  AJ_ENOMEM. */
aj_err aj_shard_plan(aj_ctx *c, const aj_corpus *cp, const aj_shard_doc *docs, uint64_t bytes,
                     uint32_t **ends, uint32_t *n);

/* Hashes documents [lo, hi) of cp (their whole contents). */
void aj_shard_hash(const char *corpus_dir, const aj_corpus *cp, aj_shard_doc *docs,
                   uint32_t lo, uint32_t hi);

/* The name of the shard of documents [lo, hi), whose contents are hashed. */
uint64_t aj_shard_name(const aj_corpus *cp, const aj_shard_doc *docs, uint32_t lo, uint32_t hi);

#endif
