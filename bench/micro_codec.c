/*
 * micro_codec - decode speed of the postings codec (bitpack.c): blocks of
 * 128 values at each bit width, and with the d-gap prefix sum that follows
 * in a real postings decode.  When built with -DHAVE_STREAMVBYTE it also
 * measures Debian's libstreamvbyte on the same values, which is how the
 * codec was chosen.  Prints medians of 9 runs, in integers per second.
 *
 *   make bench-micro     (or: build/bench/micro_codec)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "../src/bitpack.h"
#ifdef HAVE_STREAMVBYTE
#include <streamvbyte.h>
#include <streamvbytedelta.h>
#endif

#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "?"
#endif

#define NBLOCKS 8192           /* 1 M integers per pass */
#define RUNS 9


static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static volatile uint32_t sink;

typedef void (*decode_fn)(const uint8_t *in, size_t nbytes, uint32_t *out,
                          size_t n, unsigned width);

/* Median throughput (integers/s) of fn over the prepared input. */
static double measure(decode_fn fn, const uint8_t *in, size_t nbytes,
                      uint32_t *out, size_t n, unsigned width) {
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        for (int rep = 0; rep < 8; rep++) {
            fn(in, nbytes, out, n, width);
            sink ^= out[rep];
        }
        t[r] = bench_now() - t0;
    }
    return 8.0 * (double)n / bench_quantile(t, RUNS, 0.5);
}

static void bp_decode(const uint8_t *in, size_t nbytes, uint32_t *out,
                      size_t n, unsigned width) {
    (void)nbytes;
    size_t step = aj_bitpack_bytes(AJ_BLOCK, width);
    for (size_t b = 0; b < n / AJ_BLOCK; b++)
        aj_bitpack_decode(in + b * step, AJ_BLOCK, width, out + b * AJ_BLOCK);
}

static void bp_decode_delta(const uint8_t *in, size_t nbytes, uint32_t *out,
                            size_t n, unsigned width) {
    (void)nbytes;
    size_t step = aj_bitpack_bytes(AJ_BLOCK, width);
    uint32_t base = 0;
    for (size_t b = 0; b < n / AJ_BLOCK; b++) {
        uint32_t *o = out + b * AJ_BLOCK;
        aj_bitpack_decode(in + b * step, AJ_BLOCK, width, o);
        aj_delta_decode(o, AJ_BLOCK, base);
        base = o[AJ_BLOCK - 1];
    }
}

#ifdef HAVE_STREAMVBYTE
static void svb_decode(const uint8_t *in, size_t nbytes, uint32_t *out,
                       size_t n, unsigned width) {
    (void)nbytes;
    (void)width;
    streamvbyte_decode(in, out, (uint32_t)n);
}
static void svb_decode_delta(const uint8_t *in, size_t nbytes, uint32_t *out,
                             size_t n, unsigned width) {
    (void)nbytes;
    (void)width;
    streamvbyte_delta_decode(in, out, (uint32_t)n, 0);
}
#endif

int main(void) {
    size_t n = (size_t)NBLOCKS * AJ_BLOCK;
    uint32_t *vals = malloc(n * sizeof *vals), *out = malloc(n * sizeof *out);
    uint8_t *packed = malloc(n * 4 + 64), *svb = malloc(n * 5 + 64);
    if (!vals || !out || !packed || !svb) return 2;
    printf("# micro_codec: %zu integers per pass, median of %d runs\n", n, RUNS);
    printf("# compiler flags: %s\n", BENCH_CFLAGS);
    printf("%-6s %14s %14s", "width", "bitpack G/s", "+delta G/s");
#ifdef HAVE_STREAMVBYTE
    printf(" %14s %14s", "svb G/s", "svb+delta G/s");
#endif
    printf("\n");
    unsigned widths[] = {1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32};
    double sum_bp = 0, sum_bpd = 0;
    int nw = 0;
    for (size_t k = 0; k < sizeof widths / sizeof *widths; k++) {
        unsigned w = widths[k];
        uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
        for (size_t i = 0; i < n; i++) vals[i] = next_rand() & mask;
        size_t step = aj_bitpack_bytes(AJ_BLOCK, w);
        for (size_t b = 0; b < NBLOCKS; b++)
            aj_bitpack_encode(vals + b * AJ_BLOCK, AJ_BLOCK, w, packed + b * step);
        double g1 = measure(bp_decode, packed, step * NBLOCKS, out, n, w);
        if (memcmp(out, vals, n * 4) != 0) {
            fprintf(stderr, "bitpack decode mismatch at width %u\n", w);
            return 1;
        }
        double g2 = measure(bp_decode_delta, packed, step * NBLOCKS, out, n, w);
        printf("%-6u %14.2f %14.2f", w, g1 / 1e9, g2 / 1e9);
        if (w <= 12) {
            sum_bp += g1;
            sum_bpd += g2;
            nw++;
        }
#ifdef HAVE_STREAMVBYTE
        size_t sb = streamvbyte_encode(vals, (uint32_t)n, svb);
        double g3 = measure(svb_decode, svb, sb, out, n, w);
        double g4 = measure(svb_decode_delta, svb, sb, out, n, w);
        printf(" %14.2f %14.2f", g3 / 1e9, g4 / 1e9);
#endif
        printf("\n");
    }
    printf("# mean over widths 1-12 (typical d-gaps): bitpack %.2f G/s, "
           "with delta %.2f G/s\n",
           sum_bp / nw / 1e9, sum_bpd / nw / 1e9);
    free(vals);
    free(out);
    free(packed);
    free(svb);
    return 0;
}
