/* shard.c - see shard.h. */
#include "build/shard.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "index/index.h"

/* Seeds of the two hashes, so that neither is any other hash of the
 * index's (both are in FORMAT.md "Shards"). */
#define CUT_SEED 0x73686172645f6375ull   /* "shard_cu" */
#define NAME_SEED 0x73686172645f6e61ull  /* "shard_na" */

void aj_shard_sizes(const char *corpus_dir, const aj_corpus *cp, aj_shard_doc *docs) {
    int dfd = open(corpus_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (size_t i = 0; i < cp->ndocs; i++) {
        struct stat st;
        memset(&docs[i], 0, sizeof docs[i]);
        if (dfd < 0 || fstatat(dfd, cp->docs[i].rel, &st, 0) != 0 || !S_ISREG(st.st_mode))
            docs[i].missing = 1;
        else
            docs[i].size = (uint64_t)st.st_size;
    }
    if (dfd >= 0) close(dfd);
}

aj_err aj_shard_plan(aj_ctx *c, const aj_corpus *cp, const aj_shard_doc *docs, uint64_t bytes,
                     uint32_t **ends, uint32_t *n) {
    uint64_t total = 0;
    for (size_t i = 0; i < cp->ndocs; i++) total += docs[i].size;
    *ends = malloc((cp->ndocs + 1) * sizeof **ends);
    if (!*ends) return aj_fail(c, AJ_ENOMEM, "shard plan");
    *n = 0;
    if (bytes == 0 || cp->ndocs == 0 || total / AJ_SHARD_MIN_SHARDS < bytes) {
        (*ends)[(*n)++] = (uint32_t)cp->ndocs;
        return AJ_OK;
    }
    for (size_t i = 0; i < cp->ndocs; i++) {
        const char *rel = cp->docs[i].rel;
        /* a document ends its shard with probability size / bytes: the
         * hash of its path, a fraction of 2^64, below that share */
        uint64_t h = XXH3_64bits_withSeed(rel, strlen(rel), CUT_SEED);
        int last = i + 1 == cp->ndocs;
        int cut = docs[i].size >= bytes ||
                  (double)h < (double)docs[i].size / (double)bytes * 18446744073709551616.0;
        if (cut || last) (*ends)[(*n)++] = (uint32_t)(i + 1);
    }
    return AJ_OK;
}

static void hash_one(int dfd, const char *rel, aj_shard_doc *d, char *buf, size_t cap,
                     XXH3_state_t *st) {
    int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    d->hashed = 1;
    if (fd < 0) {
        d->missing = 1;
        return;
    }
    XXH3_64bits_reset(st);
    uint64_t size = 0;
    for (;;) {
        ssize_t k = read(fd, buf, cap);
        if (k < 0) {
            d->missing = 1;
            break;
        }
        if (k == 0) break;
        XXH3_64bits_update(st, buf, (size_t)k);
        size += (uint64_t)k;
    }
    close(fd);
    d->size = size;
    d->xxh3 = XXH3_64bits_digest(st);
}

void aj_shard_hash(const char *corpus_dir, const aj_corpus *cp, aj_shard_doc *docs,
                   uint32_t lo, uint32_t hi) {
    enum { CAP = 1 << 20 };
    int dfd = open(corpus_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *buf = malloc(CAP);
    XXH3_state_t *st = XXH3_createState();
    for (uint32_t i = lo; i < hi; i++) {
        if (docs[i].hashed) continue;
        if (dfd < 0 || !buf || !st) {
            docs[i].hashed = docs[i].missing = 1;
            continue;
        }
        hash_one(dfd, cp->docs[i].rel, &docs[i], buf, CAP, st);
    }
    XXH3_freeState(st);
    free(buf);
    if (dfd >= 0) close(dfd);
}

static void put_str(XXH3_state_t *st, const char *s) {
    if (!s) s = "";
    XXH3_64bits_update(st, s, strlen(s) + 1);
}

uint64_t aj_shard_name(const aj_corpus *cp, const aj_shard_doc *docs, uint32_t lo, uint32_t hi) {
    XXH3_state_t *st = XXH3_createState();
    if (!st) return 0;
    XXH3_64bits_reset_withSeed(st, NAME_SEED);
    uint32_t v = AJ_FORMAT_VERSION;
    XXH3_64bits_update(st, &v, sizeof v);
    for (uint32_t i = lo; i < hi; i++) {
        const aj_corpus_doc *d = &cp->docs[i];
        uint8_t rec[17];
        memcpy(rec, &docs[i].size, 8);
        memcpy(rec + 8, &docs[i].xxh3, 8);
        rec[16] = (uint8_t)(docs[i].missing ? 1 : 0);
        put_str(st, d->rel);
        XXH3_64bits_update(st, rec, sizeof rec);
        put_str(st, d->date);
        put_str(st, d->source);
        put_str(st, d->title);
    }
    uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}
