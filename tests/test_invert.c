/*
 * test_invert.c - the inversion's run files: an export written straight
 * to a run must hold the bytes that absorbing it into an empty inverter
 * and spilling that would write, and every run must be sorted by key
 * bytes (the merge reads them so).
 */
#include "helpers.h"
#include "build/invert.h"

/* Keys chosen to exercise the sort: many share their first 8 bytes (so
 * their heads tie and their whole bytes decide), some are prefixes of
 * others, some are shorter than 8 bytes, one holds bytes above 0x7f. */
static const char *const KEYS[] = {
    "internationalization", "internationally", "international", "internat",
    "interna", "inter", "b", "ba", "baa", "abcdefgh", "abcdefghi", "abcdefgg",
    "abcdefgh\x01", "zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzy", "\xc3\xa9t\xc3\xa9",
    "etat", "a", "aa", "aaaaaaaaa", "aaaaaaaab", "aaaaaaaa",
};
#define NKEYS (sizeof KEYS / sizeof *KEYS)

/* One run entry as the merge reads it. */
typedef struct {
    char key[256];
    uint8_t len, flags;
    uint32_t df, nbytes;
} run_entry;

static uint32_t get_varint(const uint8_t **p, const uint8_t *end) {
    uint32_t v = 0;
    for (int shift = 0; *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (b < 0x80) return v;
    }
    cr_assert_fail("a varint runs past the end of the run");
    return 0;
}

static int key_cmp(const run_entry *a, const run_entry *b) {
    int r = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);
    return r ? r : (a->len > b->len) - (a->len < b->len);
}

/* Checks that the run at path is well formed and strictly sorted by key
 * bytes; returns its number of entries. */
static size_t check_sorted(const char *path) {
    size_t n;
    char *buf = th_read_ok(path, &n);
    const uint8_t *p = (const uint8_t *)buf, *end = p + n;
    run_entry prev = {0}, cur;
    size_t count = 0;
    while (p < end) {
        cur.len = *p++;
        cr_assert(cur.len > 0 && p + cur.len + 1 <= end, "entry %zu: bad key length", count);
        memcpy(cur.key, p, cur.len);
        p += cur.len;
        cur.flags = *p++;
        cur.df = get_varint(&p, end);
        cur.nbytes = get_varint(&p, end);
        cr_assert(p + cur.nbytes <= end, "entry %zu: postings past the end", count);
        cr_assert(cur.df > 0 || cur.flags, "entry %zu holds nothing", count);
        p += cur.nbytes;
        if (count) cr_assert_lt(key_cmp(&prev, &cur), 0, "entry %zu is out of order", count);
        prev = cur;
        count++;
    }
    free(buf);
    return count;
}

/* Feeds a worker's inverter paragraphs of keys drawn from KEYS (and a few
 * made up), exports them, and checks both ways of turning the export into
 * a run give the same bytes. */
static void same_run_both_ways(int with_positions, uint64_t seed) {
    aj_ctx c = {0};
    aj_inverter *w;
    cr_assert_eq(aj_inverter_new(&c, with_positions, &w), AJ_OK);
    uint64_t s = seed;
    char made[64][16];
    for (int i = 0; i < 64; i++) snprintf(made[i], sizeof made[i], "k%llu",
                                          (unsigned long long)(th_rand(&s) % 100000));
    /* Two exports, so that the second names keys of the first by id only. */
    aj_inv_export x[2];
    aj_inv_map m = {0};
    for (int round = 0; round < 2; round++) {
        for (uint32_t para = 0; para < 40; para++) {
            uint32_t ntok = 1 + (uint32_t)(th_rand(&s) % 30);
            for (uint32_t pos = 0; pos < ntok; pos++) {
                const char *k = th_rand(&s) % 3 ? KEYS[th_rand(&s) % NKEYS]
                                                : made[th_rand(&s) % 64];
                uint32_t id;
                int is_new;
                cr_assert_eq(aj_inverter_intern(&c, w, k, (uint32_t)strlen(k), &id, &is_new),
                             AJ_OK);
                if (th_rand(&s) % 5 == 0) aj_inverter_flag(w, id, 1);
                cr_assert_eq(aj_inverter_add(&c, w, id, pos * 2), AJ_OK);
            }
            /* some paragraphs hold none of the keys (ids skip) */
            cr_assert_eq(aj_inverter_end_doc(&c, w, para * 2 + (uint32_t)(th_rand(&s) % 2)),
                         AJ_OK);
        }
        cr_assert_eq(aj_inverter_export(&c, w, &x[round]), AJ_OK);
        cr_assert_eq(aj_inv_map_update(&c, &m, &x[round]), AJ_OK);
    }
    /* Extra keys flagged apart: one also in the export, one twice, one
     * that has no postings at all. */
    const char *extras[] = {"international", "noposting", "noposting", "b", "zz"};
    char ebytes[64];
    uint8_t elens[5];
    size_t eb = 0;
    for (int i = 0; i < 5; i++) {
        elens[i] = (uint8_t)strlen(extras[i]);
        memcpy(ebytes + eb, extras[i], elens[i]);
        eb += elens[i];
    }
    char *dir = th_tmpdir();
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/absorbed.run", dir);
    snprintf(pb, sizeof pb, "%s/straight.run", dir);
    const uint32_t base = 1000;

    /* The second export into an empty global inverter, spilled. */
    aj_inverter *g;
    cr_assert_eq(aj_inverter_new(&c, with_positions, &g), AJ_OK);
    aj_inv_map_forget(&m);
    uint32_t next = 0;
    cr_assert_eq(aj_inverter_absorb(&c, g, &x[1], base, &m, &next, UINT64_MAX), AJ_OK);
    cr_assert_eq(next, x[1].n);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(aj_inverter_note(&c, g, extras[i], elens[i], 2), AJ_OK);
    uint64_t absorbed = aj_inverter_npostings(g);
    cr_assert_eq(aj_inverter_flush_run(&c, g, pa, 0), AJ_OK, "%s", c.msg);

    /* The same export straight to a run. */
    uint64_t np = 0;
    cr_assert_eq(aj_inv_export_run(&c, &x[1], &m, base, ebytes, elens, 5, 2, pb, &np), AJ_OK,
                 "%s", c.msg);
    cr_assert_eq(np, absorbed, "postings written %llu, absorbed %llu",
                 (unsigned long long)np, (unsigned long long)absorbed);

    size_t na, nb;
    char *a = th_read_ok(pa, &na), *b = th_read_ok(pb, &nb);
    cr_assert_gt(na, 0);
    cr_assert(na == nb && memcmp(a, b, na) == 0, "the runs differ (%zu and %zu bytes)", na, nb);
    size_t entries = check_sorted(pb);
    cr_assert_gt(entries, NKEYS / 2, "only %zu entries", entries);
    free(a);
    free(b);
    aj_inverter_free(g);
    aj_inverter_free(w);
    aj_inv_map_free(&m);
    aj_inv_export_free(&x[0]);
    aj_inv_export_free(&x[1]);
    th_rmtree(dir);
    free(dir);
}

Test(invert, export_run_is_the_spill_of_its_absorption_with_positions) {
    same_run_both_ways(1, 42);
}

Test(invert, export_run_is_the_spill_of_its_absorption_without_positions) {
    same_run_both_ways(0, 4242);
}

/* Many keys with long common prefixes: the radix sort of their heads
 * leaves long runs of equal heads for the comparison sort to order. */
Test(invert, runs_are_sorted_by_key_bytes) {
    aj_ctx c = {0};
    aj_inverter *iv;
    cr_assert_eq(aj_inverter_new(&c, 0, &iv), AJ_OK);
    uint64_t s = 9;
    char k[64];
    for (uint32_t para = 0; para < 200; para++) {
        for (int t = 0; t < 50; t++) {
            int kind = (int)(th_rand(&s) % 3);
            int len = kind == 0 ? snprintf(k, sizeof k, "prefixed%llu", (unsigned long long)(th_rand(&s) % 5000))
                    : kind == 1 ? snprintf(k, sizeof k, "%llx", (unsigned long long)th_rand(&s))
                                : snprintf(k, sizeof k, "%c", (char)('a' + th_rand(&s) % 26));
            uint32_t id;
            int is_new;
            cr_assert_eq(aj_inverter_intern(&c, iv, k, (uint32_t)len, &id, &is_new), AJ_OK);
            cr_assert_eq(aj_inverter_add(&c, iv, id, (uint32_t)t), AJ_OK);
        }
        cr_assert_eq(aj_inverter_end_doc(&c, iv, para), AJ_OK);
    }
    uint64_t keys = aj_inverter_nkeys(iv);
    char *dir = th_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/r.run", dir);
    cr_assert_eq(aj_inverter_flush_run(&c, iv, path, 0), AJ_OK, "%s", c.msg);
    cr_assert_eq(check_sorted(path), keys);
    aj_inverter_free(iv);
    th_rmtree(dir);
    free(dir);
}
