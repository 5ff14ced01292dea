/*
 * invert.h - inversion: tokens in, posting lists sorted by key out.
 *
 * Each distinct key (a stemmed term, or a folded word) gets an id from a
 * hash table; its postings accumulate as LEB128 varints in a per-key byte
 * buffer: paragraph gap, tf, then position gaps when the table keeps
 * positions.  That is about two bytes per posting, so the in-memory form
 * is only a little larger than the compressed index.  Within a paragraph,
 * occurrences are chained per key in arrival order, so ending a paragraph
 * costs one pass over its tokens and no sorting.
 *
 * The indexer uses one small inverter per segment of text in each worker
 * (it stays in cache) and absorbs it into one global inverter, in
 * paragraph order.  When the global inverter holds more postings than the
 * memory budget allows, they are written to a run file sorted by key and
 * released (the keys stay).  At the end the runs and what is left in
 * memory are merged key by key.
 */
#ifndef AJ_INVERT_H
#define AJ_INVERT_H

#include <stdint.h>
#include <stddef.h>

#include "error.h"
#include "postings.h"

typedef struct aj_inverter aj_inverter;

aj_err aj_inverter_new(aj_ctx *c, int with_positions, aj_inverter **out);
void aj_inverter_free(aj_inverter *iv);

/* The id of key (inserting it if new; *is_new says so).  Ids are dense,
 * from 0, in order of first appearance. */
aj_err aj_inverter_intern(aj_ctx *c, aj_inverter *iv, const char *key,
                          uint32_t len, uint32_t *id, int *is_new);

/* Equality of two short keys (at most 255 bytes), without a call: keys
 * are compared on every token, where memcmp's call costs more than the
 * comparison. */
static inline int aj_key_eq(const char *a, const char *b, uint32_t n) {
    while (n >= 8) {
        uint64_t x, y;
        __builtin_memcpy(&x, a, 8);
        __builtin_memcpy(&y, b, 8);
        if (x != y) return 0;
        a += 8, b += 8, n -= 8;
    }
    while (n--)
        if (*a++ != *b++) return 0;
    return 1;
}

/* The hash aj_inverter_intern uses, and intern with it precomputed. */
uint32_t aj_inverter_hash(const char *key, uint32_t len);
aj_err aj_inverter_intern_hashed(aj_ctx *c, aj_inverter *iv, const char *key,
                                 uint32_t len, uint32_t hash, uint32_t *id,
                                 int *is_new);

/* The bytes of key id (valid while the inverter lives). */
const char *aj_inverter_key(const aj_inverter *iv, uint32_t id, uint32_t *len);

/* Adds one occurrence of key id at position pos of the current paragraph
 * (positions increase within a paragraph). */
aj_err aj_inverter_add(aj_ctx *c, aj_inverter *iv, uint32_t id, uint32_t pos);

/* aj_inverter_add for n occurrences in a row (ids[i] at pos[i]), reading
 * ahead: the keys of a large vocabulary are scattered over memory, and
 * asking for the entries a few occurrences early lets their cache misses
 * overlap instead of following one another. */
aj_err aj_inverter_add_many(aj_ctx *c, aj_inverter *iv, const uint32_t *ids,
                            const uint32_t *pos, size_t n);

/* Ends paragraph `doc` (increasing): turns its occurrences into postings. */
aj_err aj_inverter_end_doc(aj_ctx *c, aj_inverter *iv, uint32_t doc);

/* What a worker's inverter hands over for one segment: the keys it saw
 * for the first time (ids nkeys_before..nkeys_after-1, their bytes back to
 * back) and, for every key with postings in the segment, those postings
 * (paragraph ids counted from 0 in the segment).  The worker keeps its
 * keys from segment to segment, so a key is named once per worker and
 * absorbing a segment costs an array look-up per key, not a hash. */
typedef struct aj_inv_export {
    uint32_t nkeys_before, nkeys_after;
    char *newkeys;           /* bytes of the new keys, back to back */
    uint8_t *newlens;
    size_t nnewkeys_bytes;
    uint32_t n;              /* keys with postings */
    uint32_t *ids, *dfs, *lasts;
    uint64_t *offs;          /* of each key's postings in bytes */
    uint8_t *bytes;
    uint64_t nbytes;
} aj_inv_export;

/* Moves the postings of the current segment out into x (allocated; free
 * with aj_inv_export_free) and resets them; the keys stay. */
aj_err aj_inverter_export(aj_ctx *c, aj_inverter *iv, aj_inv_export *x);
void aj_inv_export_free(aj_inv_export *x);

/* Appends x's postings to global with paragraph ids shifted by base (above
 * every id global holds).  *map translates the exporting inverter's key
 * ids to global ids; it is extended with x's new keys (the caller keeps
 * one map per exporting inverter; *cap is its capacity). */
aj_err aj_inverter_absorb(aj_ctx *c, aj_inverter *global,
                          const aj_inv_export *x, uint32_t base,
                          uint32_t **map, uint64_t *cap);

uint64_t aj_inverter_nkeys(const aj_inverter *iv);
uint64_t aj_inverter_npostings(const aj_inverter *iv);
/* Bytes of postings currently held in memory. */
uint64_t aj_inverter_bytes(const aj_inverter *iv);

/* Writes the postings held in memory to a new run file at path, sorted by
 * key, and releases them. */
aj_err aj_inverter_flush_run(aj_ctx *c, aj_inverter *iv, const char *path);

/* Called once per key, in byte order, with its complete postings; with
 * positions, pos(c, pos_arg, tf, out) hands them out a posting at a time
 * (as aj_postings_write_fn takes them), else pos is NULL.  The positions
 * of a key are read back from its postings as they are asked for, so a
 * word that fills the corpus costs no array of all its positions. */
typedef aj_err (*aj_inverted_fn)(aj_ctx *c, void *arg, uint32_t id,
                                 const char *key, uint32_t len,
                                 const uint32_t *docs, const uint32_t *tfs,
                                 aj_pos_fn pos, void *pos_arg, uint32_t n);

/* Merges the run files (in the order written) and the postings in memory,
 * calling fn for every key.  Postings are released as they are emitted. */
aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, const char *const *runs,
                        size_t nruns, aj_inverted_fn fn, void *arg);

#endif
