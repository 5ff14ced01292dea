/*
 * test_listpipe.c - lists handed through a list pipe reach the writing
 * function as the merge handed them: every key, in order, with its flags,
 * ids, tfs and positions, whether it was copied into a batch or (too
 * large for one) written on the merge's thread.  A writer that fails
 * stops the merge with its error and message, and is called no more.
 */
#include <pthread.h>
#include <unistd.h>
#include <xxhash.h>

#include "helpers.h"
#include "build/listpipe.h"

#define NKEYS 3000

typedef struct {
    uint64_t hash[NKEYS + 8];
    size_t n;
    size_t fail_at;          /* fail this call (1-based), 0: never */
    size_t big;              /* calls made on the caller's thread */
    pthread_t caller;
} sink;

static aj_err record(aj_ctx *c, void *arg, uint8_t flags, const char *key, uint32_t len,
                     const uint32_t *docs, const uint32_t *tfs, aj_pos_fn pos, void *pos_arg,
                     uint32_t n) {
    sink *s = arg;
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    XXH3_64bits_update(h, &flags, 1);
    XXH3_64bits_update(h, key, len);
    XXH3_64bits_update(h, docs, n * sizeof *docs);
    XXH3_64bits_update(h, tfs, n * sizeof *tfs);
    uint32_t out[64];
    /* (no assertions here: this may run on the pipe's thread) */
    if (s->n >= NKEYS) {
        XXH3_freeState(h);
        return aj_fail(c, AJ_EINVAL, "more lists than were handed");
    }
    for (uint32_t i = 0; pos && i < n; i++) {
        if (tfs[i] > 64) {
            XXH3_freeState(h);
            return aj_fail(c, AJ_EINVAL, "a tf of %u", tfs[i]);
        }
        aj_err e = pos(c, pos_arg, tfs[i], out);
        if (e) {
            XXH3_freeState(h);
            return e;
        }
        XXH3_64bits_update(h, out, tfs[i] * sizeof *out);
    }
    s->hash[s->n++] = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    if (pthread_equal(pthread_self(), s->caller)) s->big++;
    else usleep(20); /* a writer slower than the merge: batches queue up */
    if (s->n == s->fail_at) return aj_fail(c, AJ_EIO, "disk full at list %zu", s->n);
    return AJ_OK;
}

/* The merge's side of a key: its positions come from a generator. */
typedef struct {
    uint64_t seed;
    int fail;                /* the reader fails (a damaged run) */
} gen;

static aj_err gen_positions(aj_ctx *c, void *arg, uint32_t tf, uint32_t *out) {
    gen *g = arg;
    if (g->fail) return aj_fail(c, AJ_EIO, "run file damaged");
    uint32_t p = 0;
    for (uint32_t i = 0; i < tf; i++) out[i] = p += 1 + (uint32_t)(th_rand(&g->seed) % 9);
    return AJ_OK;
}

/* Feeds NKEYS keys to fn: lists of 1 to 300 postings, and with big,
 * every 500th key one of 400,000 (larger than a batch, which waits for
 * the writer).  Returns the first error. */
static aj_err feed(aj_inverted_fn fn, void *arg, aj_ctx *c, int fail_key, int big) {
    static uint32_t docs[400000], tfs[400000];
    uint64_t s = 7;
    aj_err e = AJ_OK;
    for (int k = 0; !e && k < NKEYS; k++) {
        char key[32];
        int len = snprintf(key, sizeof key, "key%05d", k);
        uint32_t n = big && k % 500 == 250 ? 400000 : 1 + (uint32_t)(th_rand(&s) % 300);
        uint32_t d = 0;
        for (uint32_t i = 0; i < n; i++) {
            docs[i] = d += 1 + (uint32_t)(th_rand(&s) % 5);
            tfs[i] = 1 + (uint32_t)(th_rand(&s) % 4);
        }
        gen g = {(uint64_t)k * 31 + 1, k == fail_key};
        e = fn(c, arg, (uint8_t)(k % 3), key, (uint32_t)len, docs, tfs, gen_positions, &g, n);
    }
    return e;
}

Test(listpipe, lists_arrive_as_handed) {
    static sink direct, piped;
    memset(&direct, 0, sizeof direct);
    memset(&piped, 0, sizeof piped);
    direct.caller = piped.caller = pthread_self();
    aj_ctx c = {0};
    cr_assert_eq(feed(record, &direct, &c, -1, 1), AJ_OK);
    aj_listpipe *p;
    cr_assert_eq(aj_listpipe_start(&c, record, &piped, 1, &p), AJ_OK);
    aj_err e = feed(aj_listpipe_fn, p, &c, -1, 1);
    cr_assert_eq(aj_listpipe_finish(&c, p, e), AJ_OK, "%s", c.msg);
    cr_assert_eq(piped.n, NKEYS);
    for (size_t i = 0; i < NKEYS; i++)
        cr_assert_eq(piped.hash[i], direct.hash[i], "list %zu differs", i);
    /* the six large lists only were written on the merge's thread */
    cr_assert_eq(piped.big, 6, "%zu lists written by the merge's thread", piped.big);
}

Test(listpipe, a_failing_writer_stops_the_merge) {
    static sink s;
    for (size_t at = 1; at <= NKEYS; at += at < 4 ? 1 : 397) {
        memset(&s, 0, sizeof s);
        s.caller = pthread_self();
        s.fail_at = at;
        aj_ctx c = {0};
        aj_listpipe *p;
        cr_assert_eq(aj_listpipe_start(&c, record, &s, 1, &p), AJ_OK);
        /* no large lists: batches queue up behind the failing one */
        aj_err e = feed(aj_listpipe_fn, p, &c, -1, 0);
        e = aj_listpipe_finish(&c, p, e);
        cr_assert_eq(e, AJ_EIO, "failing at %zu: %d", at, e);
        char want[64];
        snprintf(want, sizeof want, "disk full at list %zu", at);
        cr_assert_str_eq(c.msg, want);
        cr_assert_eq(s.n, at, "%zu lists written after a failure at %zu", s.n, at);
    }
}

Test(listpipe, a_damaged_run_stops_the_merge) {
    static sink s;
    memset(&s, 0, sizeof s);
    s.caller = pthread_self();
    aj_ctx c = {0};
    aj_listpipe *p;
    cr_assert_eq(aj_listpipe_start(&c, record, &s, 1, &p), AJ_OK);
    aj_err e = feed(aj_listpipe_fn, p, &c, 1234, 1);
    cr_assert_eq(e, AJ_EIO);
    cr_assert_str_eq(c.msg, "run file damaged");
    cr_assert_eq(aj_listpipe_finish(&c, p, e), AJ_EIO);
    cr_assert_str_eq(c.msg, "run file damaged");
    /* none after it: those before it in the unsent batch are dropped
     * with the build */
    cr_assert_leq(s.n, 1234, "%zu lists written", s.n);
    cr_assert_gt(s.n, 0, "%zu lists written", s.n);
}
