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

#include "analyzer.h"

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

/* Removes a directory tree (tests only create shallow ones). */
static inline void th_rmtree(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) { /* best effort */
    }
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
