/*
 * fuzz_common.h - helpers shared by the libFuzzer harnesses: scratch
 * directories in memory, whole-file writes, a deterministic generated
 * corpus, and a hard failure that libFuzzer reports as a crash.
 *
 * Harness failures call abort() (through FZ_CHECK) rather than returning:
 * libFuzzer treats any non-crashing return as success, so an invariant
 * that does not hold must look like a crash to be saved as an artifact.
 */
#ifndef AJ_FUZZ_COMMON_H
#define AJ_FUZZ_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ajsearch.h"

#define FZ_CHECK(cond, ...)                                              \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n  ",    \
                    __FILE__, __LINE__, #cond);                          \
            fprintf(stderr, __VA_ARGS__);                                \
            fputc('\n', stderr);                                         \
            abort();                                                     \
        }                                                                \
    } while (0)

/* A fresh directory in /dev/shm when it exists (per-input files never
 * touch the disk), else in /tmp. */
static inline char *fz_tmpdir(const char *tag) {
    char path[256];
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/ajfuzz-%s-XXXXXX", base, tag);
    char *d = mkdtemp(path);
    if (!d) {
        perror("mkdtemp");
        abort();
    }
    return strdup(d);
}

static int fz_rm_one(const char *p, const struct stat *st, int flag,
                     struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static inline void fz_rmtree(const char *dir) {
    nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes data to path, replacing it (unlink first, so a file still mapped
 * by an earlier index keeps its old contents). */
static inline void fz_write(const char *path, const void *data, size_t n) {
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror(path);
        abort();
    }
    const uint8_t *p = data;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k <= 0) {
            perror(path);
            abort();
        }
        p += k;
        n -= (size_t)k;
    }
    close(fd);
}

static inline uint8_t *fz_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) *n = (size_t)len;
    return buf;
}

static inline uint64_t fz_rand(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Words of the generated corpus.  A few are frequent enough that their
 * posting lists span several 128-entry blocks (skip tables, block-wise
 * positions), others share prefixes so prefix queries expand to several
 * words, and some are stemmed differently from their surface form. */
static const char *const fz_words[] = {
    "the",       "of",        "and",        "asean",      "japan",
    "maritime",  "security",  "cooperation", "cooperate", "cooperative",
    "south",     "china",     "sea",        "partnership", "strategic",
    "comprehensive", "summit", "ministers",  "meeting",    "trade",
    "investment", "digital",  "economy",    "climate",    "energy",
    "health",    "covid",     "19",         "2023",       "3,000",
    "241.1",     "japan's",   "caf\xc3\xa9", "na\xc3\xafve", "stra\xc3\x9f\x65",
    "\xe6\x9d\xb1\xe4\xba\xac", "running",  "runs",       "ran",
    "connectivity", "resilience", "supply",  "chains",     "people",
};
#define FZ_NWORDS (sizeof fz_words / sizeof fz_words[0])

/* Writes a deterministic corpus of ndocs documents into dir: a few fixed
 * paragraphs (markdown heading, numbered items, a hyphenated word) and
 * generated ones.  "the" appears in every generated paragraph. */
static inline void fz_make_corpus(const char *dir, int ndocs, int paras) {
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int d = 0; d < ndocs; d++) {
        size_t cap = 1 << 16, n = 0;
        char *buf = malloc(cap);
        /* a page: a menu and a caption (page chrome), a heading, numbered
         * paragraphs, text, "Back to top" (more chrome) */
        n += (size_t)snprintf(buf + n, cap - n,
                              "Home\nNews\nSea\nJapan\nTrade\nPeople\nLaw\nMedia\n\n"
                              "(Photo: Press Office)\n\n"
                              "# Joint statement %d on maritime security\n\n"
                              "1. ASEAN-Japan cooperation on the South China "
                              "Sea, COVID-19 and 3,000 scholarships.\n\n"
                              "2. The ministers met in Tokyo.\n\n",
                              d);
        for (int p = 0; p < paras; p++) {
            int len = 3 + (int)(fz_rand(&seed) % 12);
            n += (size_t)snprintf(buf + n, cap - n, "the");
            for (int w = 0; w < len && n + 64 < cap; w++) {
                const char *word = fz_words[fz_rand(&seed) % FZ_NWORDS];
                n += (size_t)snprintf(buf + n, cap - n, " %s", word);
            }
            n += (size_t)snprintf(buf + n, cap - n, ".\n\n");
        }
        n += (size_t)snprintf(buf + n, cap - n, "Back to top\n");
        char path[512];
        snprintf(path, sizeof path, "%s/doc-%02d.txt", dir, d);
        fz_write(path, buf, n);
        free(buf);
    }
}

/* Builds an index of the generated corpus into dir/index and opens it;
 * the scratch files are removed at once (the index stays mapped). */
static inline aj_index *fz_build_index(const char *tag, int ndocs, int paras,
                                       char **keep_dir) {
    char *root = fz_tmpdir(tag);
    char corpus[512], index[512];
    snprintf(corpus, sizeof corpus, "%s/corpus", root);
    snprintf(index, sizeof index, "%s/index", root);
    mkdir(corpus, 0755);
    fz_make_corpus(corpus, ndocs, paras);
    aj_build_opts o = {0};
    o.corpus_dir = corpus;
    o.index_dir = index;
    o.threads = 1;
    aj_ctx c = {0};
    aj_err e = aj_build(&c, &o, NULL);
    FZ_CHECK(e == AJ_OK, "build failed: %s", c.msg);
    aj_index *ix = NULL;
    e = aj_index_open(&c, index, &ix);
    FZ_CHECK(e == AJ_OK, "open failed: %s", c.msg);
    if (keep_dir)
        *keep_dir = root;
    else {
        fz_rmtree(root);
        free(root);
    }
    return ix;
}

#endif
