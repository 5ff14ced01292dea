/*
 * lex.h - lex.aj, the tables a sharded generation has as a whole, made
 * from its shards alone.
 *
 * A shard is an index of its own over a run of documents (build.c, shard
 * plan: shard.h).  What a search needs of the whole corpus, it reads from
 * lex.aj: the dictionaries with every term's df summed over the shards
 * (BM25 and the query's expansions weigh terms by the corpus, never by a
 * shard), the chrome paragraphs of each term, the counts, the common terms
 * every shard pairs, the acronyms with their definitions counted over the
 * corpus, and the documents that share their title and date with another
 * (cited with their paths).  Every one of these is computed from the
 * shards' files, never from the documents, so a build that reuses shards
 * (an incremental build) writes the lex.aj a full build writes.  The
 * bytes: FORMAT.md "lex.aj".
 */
#ifndef AJ_LEX_H
#define AJ_LEX_H

#include <stdint.h>

#include "ajsearch.h"
#include "common/error.h"

/* Writes gen_dir/lex.aj for the n shards whose directories under gen_dir
 * are named by ids[] (AJ_SHARD_PREFIX and 16 hexadecimal digits), in
 * document order; each must hold a complete index; shard_bytes is the
 * shard size they were cut by (recorded for later builds).  prev (may be NULL)
 * names the live generation: when it is sharded, the dictionaries' sums
 * start from its lex.aj and read only the shards that differ (the same
 * bytes, sooner).  st gets the whole index's documents, paragraphs,
 * tokens, terms, words, postings and fingerprint, and the file's size
 * added to its bytes_out.  Errors: those of opening the shards (AJ_ECORRUPT,
 * AJ_EIO), AJ_ELIMIT beyond 2^32 - 1 documents or paragraphs, AJ_ENOMEM,
 * AJ_EIO writing. */
aj_err aj_lex_write(aj_ctx *c, const char *gen_dir, const uint64_t *ids, uint32_t n,
                    uint64_t shard_bytes, const char *prev, aj_build_stats *st);

/* The shard size the sharded generation gen_dir was built with (lex.aj,
 * SHARDS); UINT64_MAX for an unsharded one built with sharding off
 * (meta.aj, SUPER's flags); 0 for any other, or when it cannot be read. */
uint64_t aj_lex_shard_bytes(const char *gen_dir);

#endif
