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
 * paragraph order.  When the global inverter holds more than the memory
 * budget allows (keys and postings alike), all of it is written to a run
 * file sorted by key bytes and forgotten, so that a vocabulary of any size
 * costs no more memory than the budget.  At the end the runs and what is
 * left in memory are merged by key bytes.
 */
#ifndef AJ_INVERT_H
#define AJ_INVERT_H

#include <stdint.h>
#include <stddef.h>

#include "common/error.h"
#include "format/postings.h"

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

/* Asks the memory for the hash table slot where a key of this hash would
 * be looked up first, ahead of an aj_inverter_intern_hashed. */
void aj_inverter_prefetch(const aj_inverter *iv, uint32_t hash);

/* The hash of key id (aj_inverter_hash of its bytes, kept in its entry). */
uint32_t aj_inverter_key_hash(const aj_inverter *iv, uint32_t id);

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

/* Flags a caller gives a key (aj_inverter_flag, aj_inverter_note): bits
 * that travel with the key's postings through exports, runs and the
 * merge, OR-ed over all of them, and reach the emit callback. */
uint8_t aj_inverter_flags(const aj_inverter *iv, uint32_t id);
void aj_inverter_flag(aj_inverter *iv, uint32_t id, uint8_t flags);
/* Interns key (with no occurrence) and ORs flags into it. */
aj_err aj_inverter_note(aj_ctx *c, aj_inverter *iv, const char *key,
                        uint32_t len, uint8_t flags);

/* Forgets every key and posting, as if new: a worker does this after an
 * export when its tables have grown past its share of memory, so that
 * the number of distinct keys never decides how much a worker holds.
 * The next export says so (restart). */
void aj_inverter_reset(aj_inverter *iv);
/* aj_inverter_reset that keeps the tables' room, which the next keys will
 * fill again: growing them anew costs page faults, copies and rehashing
 * every time.  Used with aj_inverter_used to bound what it holds. */
void aj_inverter_clear(aj_inverter *iv);

/* What a worker's inverter hands over: the keys it saw for the first time
 * (ids nkeys_before..nkeys_after-1, their bytes back to back) and, for
 * every key with postings since the last export, those postings
 * (paragraph ids counted from 0 in the segment) and its flags.  The worker
 * keeps its keys from export to export, so a key is named once per worker
 * (until the worker resets) and absorbing costs an array look-up per key,
 * not a hash. */
typedef struct aj_inv_export {
    int restart;             /* the exporter was reset: ids restart from 0 */
    uint32_t nkeys_before, nkeys_after;
    char *newkeys;           /* bytes of the new keys, back to back */
    uint8_t *newlens;
    size_t nnewkeys_bytes;
    uint32_t n;              /* keys with postings */
    uint32_t *ids, *dfs, *lasts;
    uint8_t *flags;
    uint64_t *offs;          /* of each key's postings in bytes */
    uint8_t *bytes;
    uint64_t nbytes;
} aj_inv_export;

/* Moves the postings held since the last export out into x (allocated;
 * free with aj_inv_export_free) and resets them; the keys stay. */
aj_err aj_inverter_export(aj_ctx *c, aj_inverter *iv, aj_inv_export *x);
void aj_inv_export_free(aj_inv_export *x);

/* The receiving side of one exporter's keys: their bytes (so that a key
 * can be named again to a global inverter that has spilled its keys) and
 * the global id of each, UINT32_MAX when the global inverter has not
 * seen it since its last spill.  It holds what the exporter holds, no
 * more: it restarts when the exporter does. */
typedef struct aj_inv_map {
    char *keys;
    uint64_t nbytes, capbytes;
    uint64_t *offs;
    uint8_t *lens;
    uint32_t *ids;
    uint64_t n, cap;
} aj_inv_map;

/* Takes x's new keys into m (restarting m when x says so); once per
 * export, before absorbing it. */
aj_err aj_inv_map_update(aj_ctx *c, aj_inv_map *m, const aj_inv_export *x);
/* The global inverter spilled its keys: every id of m is forgotten. */
void aj_inv_map_forget(aj_inv_map *m);
void aj_inv_map_free(aj_inv_map *m);

/* Appends x's postings to global with paragraph ids shifted by base (above
 * every id global holds), from the *next-th key with postings on, until
 * all are taken or global holds more than limit bytes (aj_inverter_mem;
 * at least one key is taken per call); *next is where it stopped.  The
 * caller spills global to a run and calls again: a key's postings for
 * one export land in one run, so runs still hold each key's postings in
 * paragraph order. */
aj_err aj_inverter_absorb(aj_ctx *c, aj_inverter *global,
                          const aj_inv_export *x, uint32_t base,
                          aj_inv_map *m, uint32_t *next, uint64_t limit);

uint64_t aj_inverter_nkeys(const aj_inverter *iv);
/* Postings added since the inverter was made (resets do not clear it). */
uint64_t aj_inverter_npostings(const aj_inverter *iv);
/* Bytes of postings currently held in memory. */
uint64_t aj_inverter_bytes(const aj_inverter *iv);
/* Bytes the inverter holds in all (keys, their table, postings), plus what
 * sorting its keys for a run would take: what a memory budget counts. */
uint64_t aj_inverter_mem(const aj_inverter *iv);
/* What the keys held take (entries, table slots, bytes, postings), not
 * the room the tables have, which is at most about twice it, nor what a
 * sort for a run would: the measure of an inverter that never spills. */
uint64_t aj_inverter_used(const aj_inverter *iv);

/* Writes every key held (with its flags and the postings held in
 * memory) to a new run file at path, sorted by key bytes, and forgets
 * them all: keys cost memory as postings do.  The table keeps its room
 * when that takes at most keep bytes (it is likely to fill again), else
 * starts small (aj_inverter_reset). */
aj_err aj_inverter_flush_run(aj_ctx *c, aj_inverter *iv, const char *path,
                             uint64_t keep);

/* Writes x's postings to a new run file at path as absorbing x (ids
 * shifted by base) into an empty inverter, noting the nextra keys extra
 * (their bytes back to back, elens[i] each) with eflags, and flushing it
 * to a run would write them: the same bytes, without a table of the keys.
 * For an export of keys mostly new to the global inverter, which would
 * only hold them until its next spill.  m: x's exporter's keys
 * (aj_inv_map_update done).  Adds the postings written to *npostings. */
aj_err aj_inv_export_run(aj_ctx *c, const aj_inv_export *x, const aj_inv_map *m,
                         uint32_t base, const char *extra, const uint8_t *elens,
                         size_t nextra, uint8_t eflags, const char *path,
                         uint64_t *npostings);

/* Called once per key that has postings, in byte order, with its
 * complete postings and its flags; with positions, pos(c, pos_arg, tf,
 * out) hands them out a posting at a time (as aj_postings_write_fn takes
 * them), else pos is NULL.  The positions of a key are read back from
 * its postings as they are asked for, so a word that fills the corpus
 * costs no array of all its positions. */
typedef aj_err (*aj_inverted_fn)(aj_ctx *c, void *arg, uint8_t flags,
                                 const char *key, uint32_t len,
                                 const uint32_t *docs, const uint32_t *tfs,
                                 aj_pos_fn pos, void *pos_arg, uint32_t n);

/* Merges the run files (in the order written) and the postings in memory
 * key by key, calling fn for every key with postings.  Postings are
 * released as they are emitted.  Reading the runs takes at most about
 * `limit` bytes of buffers, whatever their number. */
aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, const char *const *runs,
                        size_t nruns, uint64_t limit, aj_inverted_fn fn,
                        void *arg);

#endif
