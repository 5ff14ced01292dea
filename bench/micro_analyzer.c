/*
 * micro_analyzer - analyzer throughput: MB of input text per second
 * through aj_analyze, with stemming (what indexing pays per token when it
 * stems in the analyzer) and without (the tokenizer and folder alone).
 *
 *   build/bench/micro_analyzer FILE [CHUNK_BYTES]
 *
 * The file is analyzed over and over until at least 50 MB have gone
 * through, three times per mode; the median of the three is printed.
 * With CHUNK_BYTES the text is fed in pieces of about that size, cut at
 * spaces, as the indexer feeds paragraphs; by default the whole file is
 * one call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#include "../src/analysis/analyzer.h"

#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "unknown (the Makefile passes -DBENCH_CFLAGS)"
#endif

#define MIN_BYTES (50.0 * 1000 * 1000)
#define ROUNDS 3

typedef struct {
    uint64_t ntokens;
    uint64_t term_bytes; /* consumed so the work cannot be optimized away */
} counts;

static int count_token(void *arg, const aj_token *t) {
    counts *k = arg;
    k->ntokens++;
    k->term_bytes += t->term_len + (unsigned char)t->term[0];
    return 0;
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0) break;
        len += got;
    }
    fclose(f);
    *n = len;
    return buf;
}

/* Analyzes text until at least min_bytes have been processed; returns
 * MB/s (negative on error) and counts the tokens in *k. */
static double one_round(aj_analyzer *a, const char *text, size_t n,
                        size_t chunk, double min_bytes, counts *k) {
    double done = 0;
    double t0 = bench_now();
    while (done < min_bytes) {
        size_t i = 0;
        while (i < n) {
            size_t m = n - i;
            if (chunk && m > chunk) {
                m = chunk;
                while (i + m < n && text[i + m] != ' ') m++;
            }
            aj_ctx c = {0};
            if (aj_analyze(&c, a, text + i, m, 0, count_token, k) != AJ_OK) {
                fprintf(stderr, "micro_analyzer: %s\n", c.msg);
                return -1;
            }
            i += m;
        }
        done += (double)n;
    }
    double secs = bench_now() - t0;
    return done / 1e6 / secs;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [CHUNK_BYTES]\n", argv[0]);
        return 2;
    }
    size_t n;
    char *text = read_file(argv[1], &n);
    if (!text || n == 0) {
        fprintf(stderr, "micro_analyzer: cannot read %s (or it is empty)\n",
                argv[1]);
        free(text);
        return 2;
    }
    size_t chunk = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 0;
    aj_ctx c = {0};
    aj_analyzer *a;
    if (aj_analyzer_new(&c, &a) != AJ_OK) {
        fprintf(stderr, "micro_analyzer: %s\n", c.msg);
        free(text);
        return 2;
    }
    printf("input: %s, %zu bytes; calls of %s\n", argv[1], n,
           chunk ? "about CHUNK_BYTES" : "the whole file");
    if (chunk) printf("chunk: %zu bytes\n", chunk);
    printf("flags: %s (compiler %s)\n", BENCH_CFLAGS, __VERSION__);
    printf("each figure: median of %d rounds of >= %.0f MB\n", ROUNDS,
           MIN_BYTES / 1e6);
    static const char *const modes[] = {"with stemming", "without stemming"};
    int status = 0;
    for (int mode = 0; mode < 2 && !status; mode++) {
        aj_analyzer_set_stemming(a, mode == 0);
        counts k = {0, 0};
        double mbs[ROUNDS];
        /* Warm-up (fills the stem cache), then one pass to count tokens. */
        if (one_round(a, text, n, chunk, 1, &k) < 0) status = 1;
        double tokens_per_byte = (double)k.ntokens / (double)n;
        for (int r = 0; r < ROUNDS && !status; r++) {
            mbs[r] = one_round(a, text, n, chunk, MIN_BYTES, &k);
            if (mbs[r] < 0) status = 1;
        }
        if (status) break;
        double med = bench_quantile(mbs, ROUNDS, 0.5);
        printf("%-17s %8.1f MB/s  (%.2f M tokens/s; check %llu)\n",
               modes[mode], med, med * tokens_per_byte,
               (unsigned long long)k.term_bytes);
    }
    aj_analyzer_free(a);
    free(text);
    return status;
}
