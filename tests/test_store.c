/* test_store.c - the stored texts (store.c): small blocks compressed with
 * a dictionary trained at build time, read back exactly, the same bytes
 * for any thread count, the readers' cache, and damaged frames, table and
 * dictionary failing cleanly. */
#include "helpers.h"

#include "build/build.h"

#include <sys/stat.h>

#include "ajsearch.h"
#include "index/index.h"
#include "format/store.h"

static const char *const vocab[] = {
    "the", "council", "agreed", "to", "strengthen", "maritime", "security",
    "cooperation", "between", "member", "states", "and", "partners", "in",
    "region", "through", "dialogue", "exchange", "of", "information",
    "capacity", "building", "programmes", "for", "coast", "guard", "officers",
    "disaster", "relief", "economic", "growth", "trade", "investment",
    "connectivity", "infrastructure", "sustainable", "development", "youth",
    "education", "health", "climate", "energy", "transition", "digital"};
#define NVOCAB (sizeof vocab / sizeof *vocab)

typedef struct {
    char *root, corpus[1024], index[1024];
    char **paras;            /* every paragraph's text, in id order */
    size_t nparas;
} fixture;

/* ndocs documents of nper paragraphs of random sentences (one line each,
 * so that a paragraph's stored text is its line). */
static fixture make(int ndocs, int nper, uint64_t seed) {
    fixture f = {0};
    f.root = th_tmpdir();
    snprintf(f.corpus, sizeof f.corpus, "%s/corpus", f.root);
    snprintf(f.index, sizeof f.index, "%s/index", f.root);
    mkdir(f.corpus, 0755);
    f.paras = calloc((size_t)(ndocs * nper) + 1, sizeof *f.paras);
    for (int d = 0; d < ndocs; d++) {
        size_t cap = (size_t)nper * 600 + 20000, n = 0;
        char *doc = malloc(cap);
        for (int p = 0; p < nper; p++) {
            char *start = doc + n;
            /* one paragraph far longer than a block, which then holds it alone */
            int words = d == 0 && p == 1 ? 2000 : 8 + (int)(th_rand(&seed) % 50);
            for (int w = 0; w < words; w++) {
                const char *v = vocab[th_rand(&seed) % NVOCAB];
                n += (size_t)snprintf(doc + n, cap - n, "%s%c%s", w ? " " : "",
                                      w ? v[0] : (char)(v[0] - 'a' + 'A'), v + 1);
            }
            n += (size_t)snprintf(doc + n, cap - n, ".");
            f.paras[f.nparas++] = strndup(start, (size_t)(doc + n - start));
            n += (size_t)snprintf(doc + n, cap - n, "\n\n");
        }
        char name[64];
        snprintf(name, sizeof name, "d%03d.txt", d);
        th_write(f.corpus, name, doc, n);
        free(doc);
    }
    return f;
}

static void drop(fixture *f) {
    th_rmtree(f->root);
    free(f->root);
    for (size_t i = 0; i < f->nparas; i++) free(f->paras[i]);
    free(f->paras);
}

static void build_into(const fixture *f, const char *index, int threads) {
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = f->corpus, .index_dir = index, .threads = threads};
    cr_assert_eq(aj_build_units(&c, &o, 8192, 0, NULL), AJ_OK, "build: %s", c.msg);
}

static char *stor_path(const char *index, char *buf, size_t cap) {
    char gen[256] = {0};
    cr_assert_gt(th_current(index, gen, sizeof gen), 0);
    snprintf(buf, cap, "%s/%s/stor.aj", index, gen);
    return buf;
}

/* Every paragraph reads back exactly, through aj_para_text and through a
 * reader of one's own. */
static void check_texts(const fixture *f, aj_index *ix) {
    cr_assert_eq(ix->nparas, f->nparas);
    aj_store_reader r;
    aj_store_reader_init(&r);
    for (uint32_t id = 0; id < ix->nparas; id++) {
        aj_ctx c = {0};
        char *t;
        size_t n;
        cr_assert_eq(aj_para_text(&c, ix, id, &t, &n), AJ_OK, "%u: %s", id, c.msg);
        cr_assert(n == strlen(f->paras[id]) && !memcmp(t, f->paras[id], n),
                  "paragraph %u: '%s' != '%s'", id, t, f->paras[id]);
        cr_assert_eq(t[n], 0);
        free(t);
        const char *u;
        cr_assert_eq(aj_index_text(&c, ix, &r, id, &u, &n), AJ_OK, "%s", c.msg);
        cr_assert(n == strlen(f->paras[id]) && !memcmp(u, f->paras[id], n));
    }
    aj_store_reader_free(&r);
    /* and through a searcher, backwards (other blocks, other order) */
    aj_ctx c = {0};
    aj_searcher *s;
    cr_assert_eq(aj_searcher_new(&c, ix, &s), AJ_OK, "%s", c.msg);
    for (uint32_t id = ix->nparas; id-- > 0;) {
        const char *u;
        size_t n;
        cr_assert_eq(aj_search_para_text(&c, s, id, &u, &n), AJ_OK, "%s", c.msg);
        cr_assert(n == strlen(f->paras[id]) && !memcmp(u, f->paras[id], n));
    }
    const char *u;
    size_t n;
    cr_assert_eq(aj_search_para_text(&c, s, ix->nparas, &u, &n), AJ_EINVAL);
    aj_searcher_free(s);
}

Test(store, small_blocks_with_a_dictionary_read_back) {
    fixture f = make(40, 60, 5);
    build_into(&f, f.index, 1);
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, f.index, &ix), AJ_OK, "%s", c.msg);
    /* enough text to train on: a dictionary, and blocks of a few KiB */
    cr_assert_gt(ix->one.store.dict_len, 1024, "dictionary of %llu bytes",
                 (unsigned long long)ix->one.store.dict_len);
    cr_assert_gt(ix->one.store.nblocks, 100);
    int nlong = 0;
    for (uint32_t b = 0; b < ix->one.store.nblocks; b++) {
        uint64_t off;
        uint32_t zlen, raw, first;
        uint32_t next = ix->nparas, z2, r2;
        cr_assert_eq(aj_store_entry(&c, &ix->one.store, b, &off, &zlen, &raw, &first), AJ_OK);
        if (b + 1 < ix->one.store.nblocks)
            cr_assert_eq(aj_store_entry(&c, &ix->one.store, b + 1, &off, &z2, &r2, &next), AJ_OK);
        cr_assert(raw <= AJ_STORE_BLOCK || next == first + 1, "block %u: %u bytes", b, raw);
        nlong += raw > AJ_STORE_BLOCK;
        /* read both ways: after the reader's dictionary, and not */
        if (raw > AJ_STORE_BLOCK)
            cr_assert_gt(raw, AJ_STORE_ROOM, "the long block fits the room after the dictionary");
    }
    cr_assert_eq(nlong, 1, "the long paragraph has a block of its own");
    check_texts(&f, ix);
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
    drop(&f);
}

Test(store, tiny_corpus_has_no_dictionary) {
    fixture f = make(1, 3, 9);
    build_into(&f, f.index, 1);
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, f.index, &ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(ix->one.store.dict_len, 0);
    check_texts(&f, ix);
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
    drop(&f);
}

Test(store, same_bytes_for_any_thread_count) {
    fixture f = make(30, 50, 11);
    char a[1100], b[1100], pa[1400], pb[1400];
    snprintf(a, sizeof a, "%s/a", f.root);
    snprintf(b, sizeof b, "%s/b", f.root);
    build_into(&f, a, 1);
    build_into(&f, b, 2);
    size_t na = 0, nb = 0;
    char *fa = th_read(stor_path(a, pa, sizeof pa), &na),
         *fb = th_read(stor_path(b, pb, sizeof pb), &nb);
    cr_assert(fa && fb && na == nb && !memcmp(fa, fb, na), "stor.aj differs with 2 threads");
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, b, &ix), AJ_OK, "%s", c.msg);
    cr_assert_gt(ix->one.store.dict_len, 0, "a dictionary was trained");
    aj_index_close(ix);
    free(fa);
    free(fb);
    drop(&f);
}

/* The cache: a block read twice is decompressed once (same buffer), and
 * after more blocks than the cache holds an evicted one reads back
 * right. */
Test(store, reader_cache) {
    fixture f = make(20, 60, 13);
    build_into(&f, f.index, 1);
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, f.index, &ix), AJ_OK, "%s", c.msg);
    cr_assert_gt(ix->one.store.nblocks, AJ_STORE_CACHE + 2);
    aj_store_reader r;
    aj_store_reader_init(&r);
    const char *b0, *again, *other;
    size_t n0, n;
    cr_assert_eq(aj_store_block(&c, &ix->one.store, &r, 0, &b0, &n0), AJ_OK, "%s", c.msg);
    char *copy = strndup(b0, n0);
    cr_assert_eq(aj_store_block(&c, &ix->one.store, &r, 0, &again, &n), AJ_OK);
    cr_assert(again == b0 && n == n0, "a cached block is not decompressed again");
    for (uint32_t b = 1; b <= AJ_STORE_CACHE; b++)
        cr_assert_eq(aj_store_block(&c, &ix->one.store, &r, b, &other, &n), AJ_OK);
    cr_assert_eq(aj_store_block(&c, &ix->one.store, &r, 0, &again, &n), AJ_OK);
    cr_assert(n == n0 && !memcmp(again, copy, n0));
    cr_assert_eq(again[n], 0);
    cr_assert_eq(aj_store_block(&c, &ix->one.store, &r, ix->one.store.nblocks, &other, &n),
                 AJ_ECORRUPT, "a block out of range");
    free(copy);
    aj_store_reader_free(&r);
    aj_index_close(ix);
    drop(&f);
}

/* Bytes of stor.aj's payload changed one at a time, with page checksums
 * off (as if damage got past them): every text either reads or fails
 * with AJ_ECORRUPT, never a crash (the sanitizer pass runs this too), and
 * check reports what it finds.  Flips cover the dictionary, the frames
 * and the table. */
Test(store, damage_fails_cleanly) {
    fixture f = make(20, 40, 17);
    build_into(&f, f.index, 1);
    char path[1400];
    stor_path(f.index, path, sizeof path);
    size_t n;
    char *orig = th_read(path, &n);
    cr_assert(orig && n > 64);
    uint64_t plen;
    memcpy(&plen, orig + 16, 8); /* little-endian payload length */
    cr_assert(plen > 0 && plen <= n - 64);
    uint64_t seed = 3;
    int failures = 0;
    for (int k = 0; k < 80; k++) {
        char *v = malloc(n);
        memcpy(v, orig, n);
        /* the first flips fall in the dictionary, at the start */
        size_t at = 64 + (size_t)(k < 20 ? th_rand(&seed) % 2048 : th_rand(&seed) % plen);
        v[at] ^= (char)(1u << (th_rand(&seed) % 8));
        FILE *out = fopen(path, "wb");
        cr_assert(out && fwrite(v, 1, n, out) == n);
        fclose(out);
        free(v);
        aj_ctx c = {0};
        aj_index *ix;
        aj_err e = aj_index_open(&c, f.index, &ix);
        if (e) {
            cr_assert_eq(e, AJ_ECORRUPT, "%s", c.msg);
            failures++;
            continue;
        }
        aj_index_set_verify(ix, 0);
        for (uint32_t id = 0; id < ix->nparas; id++) {
            aj_ctx c2 = {0};
            char *t = NULL;
            size_t tl;
            e = aj_para_text(&c2, ix, id, &t, &tl);
            cr_assert(e == AJ_OK || e == AJ_ECORRUPT, "%d: %s", e, c2.msg);
            failures += e != AJ_OK;
            free(t);
        }
        aj_ctx c3 = {0};
        aj_index_set_verify(ix, 1);
        cr_assert_eq(aj_index_check(&c3, ix), AJ_ECORRUPT, "flip at %zu found by check", at);
        aj_index_close(ix);
    }
    cr_assert_gt(failures, 0, "some damage shows without checksums");
    FILE *out = fopen(path, "wb");
    cr_assert(out && fwrite(orig, 1, n, out) == n);
    fclose(out);
    free(orig);
    drop(&f);
}
