/*
 * invert.h - in-memory inversion: tokens in, sorted posting lists out.
 *
 * Each distinct key (a stemmed term, or a folded word) gets a build-time id
 * from a hash table; its postings accumulate as LEB128 varints in a
 * per-key byte buffer (paragraph gap, tf, then position gaps when the
 * table keeps positions).  That is about two bytes per posting, so the
 * in-memory form is only a little larger than the compressed index.
 * Within a paragraph, occurrences are chained per key in arrival order, so
 * ending a paragraph costs one pass over its tokens and no sorting.
 * At the end, keys are sorted by their bytes (the final term ids) and each
 * list is decoded once and handed to the postings writer.
 */
#ifndef AJ_INVERT_H
#define AJ_INVERT_H

#include <stdint.h>
#include <stddef.h>

#include "error.h"

typedef struct aj_inverter aj_inverter;

aj_err aj_inverter_new(aj_ctx *c, int with_positions, aj_inverter **out);
void aj_inverter_free(aj_inverter *iv);

/* The build-time id of key (inserting it if new; *is_new says so).  Ids
 * are dense, from 0, in order of first appearance. */
aj_err aj_inverter_intern(aj_ctx *c, aj_inverter *iv, const char *key,
                          uint32_t len, uint32_t *id, int *is_new);

/* Adds one occurrence of key id at position pos of the current paragraph
 * (positions must increase within a paragraph). */
aj_err aj_inverter_add(aj_ctx *c, aj_inverter *iv, uint32_t id, uint32_t pos);

/* Ends paragraph `doc` (ids must increase): turns its occurrences into
 * postings. */
aj_err aj_inverter_end_doc(aj_ctx *c, aj_inverter *iv, uint32_t doc);

uint64_t aj_inverter_nkeys(const aj_inverter *iv);
uint64_t aj_inverter_npostings(const aj_inverter *iv);

/* Called once per key in byte order with its decoded postings. */
typedef aj_err (*aj_inverted_fn)(aj_ctx *c, void *arg, const char *key,
                                 uint32_t len, const uint32_t *docs,
                                 const uint32_t *tfs,
                                 const uint32_t *positions, uint32_t n);
aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, aj_inverted_fn fn,
                        void *arg);

#endif
