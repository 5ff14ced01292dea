/*
 * helpers.h - small utilities shared by the test files: temporary
 * directories, whole-file reads and writes, a seeded PRNG.
 */
#ifndef AJ_TEST_HELPERS_H
#define AJ_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ajsearch.h"
#include "analysis/analyzer.h"

/* Creates a fresh temporary directory; the caller owns the string. */
static inline char *th_tmpdir(void) {
    char tmpl[] = "/tmp/ajtest-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert(d != NULL, "mkdtemp failed");
    return strdup(d);
}

static inline void th_write(const char *dir, const char *name,
                            const char *data, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static inline void th_write_str(const char *dir, const char *name,
                                const char *s) {
    th_write(dir, name, s, strlen(s));
}

/* Reads a whole file; returns NULL if it cannot be read. */
static inline char *th_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[len] = 0;
        *n = (size_t)len;
    }
    return buf;
}

/* th_read, failing the test when the file cannot be read. */
static inline char *th_read_ok(const char *path, size_t *n) {
    char *buf = th_read(path, n);
    cr_assert(buf, "cannot read %s", path);
    return buf;
}

/* The name of index's live generation, read from its CURRENT file (the
 * name and a newline) into gen; returns the name's length, -1 when CURRENT
 * cannot be read. */
static inline ssize_t th_current(const char *index, char *gen, size_t cap) {
    char path[4400];
    snprintf(path, sizeof path, "%s/CURRENT", index);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t k = fread(gen, 1, cap - 1, f);
    fclose(f);
    while (k > 0 && gen[k - 1] == '\n') k--;
    gen[k] = 0;
    return k ? (ssize_t)k : -1;
}

/* Removes a directory tree (tests only create shallow ones). */
static inline void th_rmtree(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) { /* best effort */
    }
}

/* Indexes one document, a.txt holding text, under a fresh temporary
 * directory and opens the index into *ix.  Returns the directory: the
 * caller removes it with th_rmtree() and frees the string. */
static inline char *th_index_text(const char *text, aj_index **ix) {
    char *root = th_tmpdir();
    char corpus[1024], index[1024];
    snprintf(corpus, sizeof corpus, "%s/corpus", root);
    snprintf(index, sizeof index, "%s/index", root);
    mkdir(corpus, 0755);
    th_write_str(corpus, "a.txt", text);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, ix), AJ_OK, "%s", c.msg);
    return root;
}

/* An index of one document and a searcher over it. */
typedef struct {
    char *root;
    aj_index *ix;
    aj_searcher *s;
} th_search;

static inline th_search th_search_open(const char *text) {
    th_search f;
    f.root = th_index_text(text, &f.ix);
    aj_ctx c = {0};
    cr_assert_eq(aj_searcher_new(&c, f.ix, &f.s), AJ_OK);
    return f;
}

static inline void th_search_close(th_search *f) {
    aj_searcher_free(f->s);
    aj_index_close(f->ix);
    th_rmtree(f->root);
    free(f->root);
}

/* xorshift64*: deterministic across platforms. */
static inline uint64_t th_rand(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* One analyzer per test process (Criterion runs each test in its own). */
static inline aj_analyzer *th_analyzer(void) {
    static aj_analyzer *a;
    if (!a) {
        aj_ctx c = {0};
        cr_assert_eq(aj_analyzer_new(&c, &a), AJ_OK);
    }
    return a;
}

#endif
