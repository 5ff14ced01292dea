/*
 * micro_codec - speed of the postings codec (src/format/bitpack.c), in integers
 * per second, medians of several repetitions.
 *
 * Per width 1..32, on full 128-value blocks of random values of exactly
 * that width (NBLOCKS blocks back to back, so the packed input streams
 * from L2 as it would from a warm page cache):
 *   decode        aj_bitpack_decode of each block into one 128-slot buffer,
 *                 the way a postings cursor reuses its block buffer
 *   decode+delta  the same followed by aj_delta_decode (doc-id gaps)
 *   encode        aj_bitpack_encode of each block into the stream
 * and three realistic mixes laid out like postings.c writes them:
 *   postings      per block: u8 gap width, u8 tf width, 128 doc-id gaps
 *                 (density of each list log-uniform, gaps geometric), 128
 *                 values tf-1 (mostly 0); decoding unpacks both and runs
 *                 the prefix sum; counts 256 integers a block
 *   positions     chunks of 1..128 values (the partial-block path), gaps
 *                 of token positions, u8 width before each chunk
 *   delta alone   aj_delta_decode on 128-value blocks
 * With -DHAVE_STREAMVBYTE, Debian's libstreamvbyte decodes the same
 * blocks too, for comparison.
 *
 * The build flags come in as -DBENCH_CFLAGS="..." (the Makefile passes
 * them); the compiler's own view (__VERSION__, __OPTIMIZE__, vector
 * extensions enabled) is printed as well.
 *
 *   micro_codec [--quick]      (make bench-micro)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#include "../src/format/bitpack.h"
#ifdef HAVE_STREAMVBYTE
#include <streamvbyte.h>
#include <streamvbytedelta.h>
#endif

#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "(not given: build with -DBENCH_CFLAGS='\"...\"')"
#endif

#define NBLOCKS 2048        /* 262,144 integers a pass, at most 1 MiB packed */
#define TARGET_SECONDS 0.004 /* each repetition runs passes for about this long */

static int nruns = 11;

/* xorshift64: a fixed seed, so every run measures the same data. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd64(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double rnd_unit(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }

/* Geometric on {0, 1, ...} with the given mean. */
static uint32_t rnd_geometric(double mean) {
    double q = mean / (1.0 + mean); /* P(X >= k+1 | X >= k) */
    uint32_t k = 0;
    while (k < 1000000 && rnd_unit() < q) k++;
    return k;
}

/* Whatever the timed code produces is folded in here, so none of it is
 * dead. */
static volatile uint32_t sink;

/* One benchmark case: `run` does one pass over its data and returns the
 * number of integers it handled. */
typedef struct {
    size_t (*run)(void *arg);
    void *arg;
} bench_case;

/* Median integers per second over nruns repetitions of `reps` passes,
 * where reps is calibrated so a repetition takes about TARGET_SECONDS. */
static double measure(bench_case c) {
    size_t reps = 1;
    for (;;) {
        double t0 = bench_now();
        for (size_t r = 0; r < reps; r++) c.run(c.arg);
        if (bench_now() - t0 >= TARGET_SECONDS / 4 || reps >= (1u << 20)) break;
        reps *= 2;
    }
    reps *= 4;
    double rate[64];
    for (int k = 0; k < nruns; k++) {
        size_t ints = 0;
        double t0 = bench_now();
        for (size_t r = 0; r < reps; r++) ints += c.run(c.arg);
        double dt = bench_now() - t0;
        rate[k] = (double)ints / dt;
    }
    return bench_quantile(rate, (size_t)nruns, 0.5);
}

/* ---- full blocks at one width ---------------------------------------- */

typedef struct {
    unsigned width;
    uint32_t *values;  /* NBLOCKS * 128 */
    uint8_t *packed;   /* NBLOCKS * 16 * width */
} width_data;

static size_t run_decode(void *arg) {
    const width_data *d = arg;
    uint32_t buf[AJ_BLOCK];
    size_t step = aj_bitpack_bytes(AJ_BLOCK, d->width);
    uint32_t x = 0;
    for (size_t b = 0; b < NBLOCKS; b++) {
        aj_bitpack_decode(d->packed + b * step, AJ_BLOCK, d->width, buf);
        x ^= buf[b % AJ_BLOCK];
    }
    sink ^= x;
    return (size_t)NBLOCKS * AJ_BLOCK;
}

static size_t run_decode_delta(void *arg) {
    const width_data *d = arg;
    uint32_t buf[AJ_BLOCK];
    size_t step = aj_bitpack_bytes(AJ_BLOCK, d->width);
    uint32_t base = 0;
    for (size_t b = 0; b < NBLOCKS; b++) {
        aj_bitpack_decode(d->packed + b * step, AJ_BLOCK, d->width, buf);
        aj_delta_decode(buf, AJ_BLOCK, base);
        base = buf[AJ_BLOCK - 1];
    }
    sink ^= base;
    return (size_t)NBLOCKS * AJ_BLOCK;
}

static size_t run_encode(void *arg) {
    width_data *d = arg;
    size_t step = aj_bitpack_bytes(AJ_BLOCK, d->width), total = 0;
    for (size_t b = 0; b < NBLOCKS; b++)
        total += aj_bitpack_encode(d->values + b * AJ_BLOCK, AJ_BLOCK, d->width,
                                   d->packed + b * step);
    sink ^= (uint32_t)total;
    return (size_t)NBLOCKS * AJ_BLOCK;
}

static size_t run_delta_only(void *arg) {
    uint32_t *v = arg;
    for (size_t b = 0; b < NBLOCKS; b++)
        aj_delta_decode(v + b * AJ_BLOCK, AJ_BLOCK, 1);
    sink ^= v[0];
    return (size_t)NBLOCKS * AJ_BLOCK;
}

#ifdef HAVE_STREAMVBYTE
typedef struct {
    uint8_t *data;
    size_t *off; /* NBLOCKS + 1 block starts */
} svb_data;

static size_t run_svb_decode(void *arg) {
    const svb_data *d = arg;
    uint32_t buf[AJ_BLOCK];
    uint32_t x = 0;
    for (size_t b = 0; b < NBLOCKS; b++) {
        streamvbyte_decode(d->data + d->off[b], buf, AJ_BLOCK);
        x ^= buf[b % AJ_BLOCK];
    }
    sink ^= x;
    return (size_t)NBLOCKS * AJ_BLOCK;
}

static size_t run_svb_decode_delta(void *arg) {
    const svb_data *d = arg;
    uint32_t buf[AJ_BLOCK];
    uint32_t base = 0;
    for (size_t b = 0; b < NBLOCKS; b++) {
        streamvbyte_delta_decode(d->data + d->off[b], buf, AJ_BLOCK, base);
        base = buf[AJ_BLOCK - 1];
    }
    sink ^= base;
    return (size_t)NBLOCKS * AJ_BLOCK;
}
#endif

/* ---- realistic mixes --------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t nbytes;
    size_t nblocks;    /* postings blocks, or position chunks */
    size_t nints;      /* integers decoded in one pass */
    uint32_t *values;  /* the source values (for encode and checking) */
    size_t *counts;    /* position chunk sizes */
    double mean_width; /* of the gap blocks / chunks */
} mix_data;

/* A postings-like stream: blocks of doc-id gaps and tf-1 values. */
static void make_postings_mix(mix_data *m) {
    m->nblocks = NBLOCKS / 2; /* two 128-value vectors a block */
    m->nints = m->nblocks * 2 * AJ_BLOCK;
    m->values = malloc(m->nints * sizeof *m->values);
    m->data = malloc(m->nblocks * (2 + 2 * 4 * AJ_BLOCK));
    if (!m->values || !m->data) exit(2);
    size_t at = 0;
    double wsum = 0;
    uint32_t *v = m->values;
    for (size_t b = 0; b < m->nblocks; b++, v += 2 * AJ_BLOCK) {
        /* A term occurring in every 1st .. every 16384th paragraph. */
        double mean_gap = 1.0 + (double)(1u << (rnd64() % 15)) * rnd_unit();
        for (size_t i = 0; i < AJ_BLOCK; i++)
            v[i] = 1 + rnd_geometric(mean_gap - 1.0);
        for (size_t i = 0; i < AJ_BLOCK; i++)
            v[AJ_BLOCK + i] = rnd64() % 4 ? 0 : rnd_geometric(1.5);
        unsigned gw = aj_bitpack_width(v, AJ_BLOCK);
        unsigned tw = aj_bitpack_width(v + AJ_BLOCK, AJ_BLOCK);
        wsum += gw;
        m->data[at++] = (uint8_t)gw;
        m->data[at++] = (uint8_t)tw;
        at += aj_bitpack_encode(v, AJ_BLOCK, gw, m->data + at);
        at += aj_bitpack_encode(v + AJ_BLOCK, AJ_BLOCK, tw, m->data + at);
    }
    m->nbytes = at;
    m->mean_width = wsum / (double)m->nblocks;
}

static size_t run_postings_mix(void *arg) {
    const mix_data *m = arg;
    uint32_t docs[AJ_BLOCK], tfs[AJ_BLOCK];
    const uint8_t *p = m->data;
    uint32_t base = 0, x = 0;
    for (size_t b = 0; b < m->nblocks; b++) {
        unsigned gw = p[0], tw = p[1];
        p += 2;
        aj_bitpack_decode(p, AJ_BLOCK, gw, docs);
        p += aj_bitpack_bytes(AJ_BLOCK, gw);
        aj_delta_decode(docs, AJ_BLOCK, base);
        base = docs[AJ_BLOCK - 1];
        aj_bitpack_decode(p, AJ_BLOCK, tw, tfs);
        p += aj_bitpack_bytes(AJ_BLOCK, tw);
        x += tfs[b % AJ_BLOCK];
    }
    sink ^= base ^ x;
    return m->nints;
}

/* Encoding the same blocks as the index writer does: width, pack. */
static size_t run_postings_mix_encode(void *arg) {
    mix_data *m = arg;
    const uint32_t *v = m->values;
    uint8_t *p = m->data;
    for (size_t b = 0; b < m->nblocks; b++, v += 2 * AJ_BLOCK) {
        unsigned gw = aj_bitpack_width(v, AJ_BLOCK);
        unsigned tw = aj_bitpack_width(v + AJ_BLOCK, AJ_BLOCK);
        *p++ = (uint8_t)gw;
        *p++ = (uint8_t)tw;
        p += aj_bitpack_encode(v, AJ_BLOCK, gw, p);
        p += aj_bitpack_encode(v + AJ_BLOCK, AJ_BLOCK, tw, p);
    }
    sink ^= (uint32_t)(p - m->data);
    return m->nints;
}

/* Position chunks of 1..128 values, token gaps within short paragraphs. */
static void make_positions_mix(mix_data *m) {
    m->nblocks = NBLOCKS;
    m->counts = malloc(m->nblocks * sizeof *m->counts);
    m->values = malloc(m->nblocks * AJ_BLOCK * sizeof *m->values);
    m->data = malloc(m->nblocks * (1 + 4 * AJ_BLOCK));
    if (!m->counts || !m->values || !m->data) exit(2);
    size_t at = 0, nints = 0;
    double wsum = 0;
    uint32_t *v = m->values;
    for (size_t b = 0; b < m->nblocks; b++) {
        size_t k = 1 + rnd64() % AJ_BLOCK;
        for (size_t i = 0; i < k; i++) v[i] = rnd_geometric(24.0);
        unsigned w = aj_bitpack_width(v, k);
        wsum += w;
        m->counts[b] = k;
        m->data[at++] = (uint8_t)w;
        at += aj_bitpack_encode(v, k, w, m->data + at);
        v += k;
        nints += k;
    }
    m->nbytes = at;
    m->nints = nints;
    m->mean_width = wsum / (double)m->nblocks;
}

static size_t run_positions_mix(void *arg) {
    const mix_data *m = arg;
    uint32_t buf[AJ_BLOCK];
    const uint8_t *p = m->data;
    uint32_t x = 0;
    for (size_t b = 0; b < m->nblocks; b++) {
        size_t k = m->counts[b];
        unsigned w = *p++;
        aj_bitpack_decode(p, k, w, buf);
        p += aj_bitpack_bytes(k, w);
        x += buf[k - 1];
    }
    sink ^= x;
    return m->nints;
}

/* Decodes a whole mix once and compares it with its source values. */
static int check_postings_mix(const mix_data *m) {
    uint32_t docs[AJ_BLOCK], tfs[AJ_BLOCK];
    const uint8_t *p = m->data;
    const uint32_t *v = m->values;
    for (size_t b = 0; b < m->nblocks; b++, v += 2 * AJ_BLOCK) {
        unsigned gw = p[0], tw = p[1];
        p += 2;
        aj_bitpack_decode(p, AJ_BLOCK, gw, docs);
        p += aj_bitpack_bytes(AJ_BLOCK, gw);
        aj_bitpack_decode(p, AJ_BLOCK, tw, tfs);
        p += aj_bitpack_bytes(AJ_BLOCK, tw);
        if (memcmp(docs, v, sizeof docs) || memcmp(tfs, v + AJ_BLOCK, sizeof tfs))
            return -1;
    }
    return 0;
}

static int check_positions_mix(const mix_data *m) {
    uint32_t buf[AJ_BLOCK];
    const uint8_t *p = m->data;
    const uint32_t *v = m->values;
    for (size_t b = 0; b < m->nblocks; b++) {
        size_t k = m->counts[b];
        unsigned w = *p++;
        aj_bitpack_decode(p, k, w, buf);
        p += aj_bitpack_bytes(k, w);
        if (memcmp(buf, v, k * sizeof *buf)) return -1;
        v += k;
    }
    return 0;
}

/* ---- report ------------------------------------------------------------ */

static void print_build(void) {
    printf("# build flags: %s\n", BENCH_CFLAGS);
#ifdef __VERSION__
    printf("# compiler: %s%s\n",
#ifdef __clang__
           "clang ",
#else
           "gcc ",
#endif
           __VERSION__);
#endif
    printf("# __OPTIMIZE__ %s, vector extensions:",
#ifdef __OPTIMIZE__
           "on"
#else
           "OFF (unoptimized build: numbers are meaningless)"
#endif
    );
#ifdef __SSE2__
    printf(" sse2");
#endif
#ifdef __SSSE3__
    printf(" ssse3");
#endif
#ifdef __AVX2__
    printf(" avx2");
#endif
#ifdef __AVX512F__
    printf(" avx512f");
#endif
#ifdef __BMI2__
    printf(" bmi2");
#endif
#ifdef __ARM_NEON
    printf(" neon");
#endif
    printf(" (of the benchmark's own compilation unit)\n");
    /* The machines are shared: other work running skews the figures. */
    FILE *f = fopen("/proc/loadavg", "r");
    char line[128];
    if (f && fgets(line, sizeof line, f)) printf("# load average at start: %s", line);
    if (f) fclose(f);
}

static double median_of(double *v, size_t n) {
    double tmp[33];
    memcpy(tmp, v, n * sizeof *v);
    return bench_quantile(tmp, n, 0.5);
}

static double min_of(const double *v, size_t n) {
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        if (v[i] < m) m = v[i];
    return m;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--quick") == 0) nruns = 5;
    else if (argc > 1) {
        fprintf(stderr, "usage: micro_codec [--quick]\n");
        return 2;
    }
    size_t n = (size_t)NBLOCKS * AJ_BLOCK;
    uint32_t *vals = malloc(n * sizeof *vals), *check = malloc(n * sizeof *check);
    uint8_t *packed = malloc(n * 4);
    if (!vals || !check || !packed) return 2;

    print_build();
    printf("# %d blocks of %d integers a pass; median of %d repetitions of ~%.0f ms\n",
           NBLOCKS, AJ_BLOCK, nruns, TARGET_SECONDS * 1e3);
    printf("# G/s = 10^9 integers per second\n");
    printf("%-5s %11s %13s %11s", "width", "decode G/s", "+delta G/s", "encode G/s");
#ifdef HAVE_STREAMVBYTE
    printf(" %9s %11s", "svb G/s", "svb+d G/s");
#endif
    printf("\n");

    double dec[33], decd[33], enc[33];
    for (unsigned w = 1; w <= 32; w++) {
        uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
        for (size_t i = 0; i < n; i++) vals[i] = (uint32_t)rnd64() & mask;
        width_data d = {w, vals, packed};
        enc[w] = measure((bench_case){run_encode, &d});
        /* Decode everything once and compare, so a broken build cannot
         * report a speed. */
        size_t step = aj_bitpack_bytes(AJ_BLOCK, w);
        for (size_t b = 0; b < NBLOCKS; b++)
            aj_bitpack_decode(packed + b * step, AJ_BLOCK, w, check + b * AJ_BLOCK);
        if (memcmp(check, vals, n * sizeof *vals) != 0) {
            fprintf(stderr, "micro_codec: decode mismatch at width %u\n", w);
            return 1;
        }
        dec[w] = measure((bench_case){run_decode, &d});
        decd[w] = measure((bench_case){run_decode_delta, &d});
        printf("%-5u %11.2f %13.2f %11.2f", w, dec[w] / 1e9, decd[w] / 1e9,
               enc[w] / 1e9);
#ifdef HAVE_STREAMVBYTE
        uint8_t *sv = malloc(n * 5);
        size_t *off = malloc((NBLOCKS + 1) * sizeof *off);
        if (!sv || !off) return 2;
        off[0] = 0;
        for (size_t b = 0; b < NBLOCKS; b++)
            off[b + 1] = off[b] + streamvbyte_encode(vals + b * AJ_BLOCK, AJ_BLOCK,
                                                     sv + off[b]);
        svb_data s = {sv, off};
        printf(" %9.2f %11.2f", measure((bench_case){run_svb_decode, &s}) / 1e9,
               measure((bench_case){run_svb_decode_delta, &s}) / 1e9);
        free(sv);
        free(off);
#endif
        printf("\n");
        fflush(stdout);
    }
    printf("# widths 1-32: decode min %.2f median %.2f G/s; decode+delta min %.2f "
           "median %.2f G/s; encode min %.2f median %.2f G/s\n",
           min_of(dec + 1, 32) / 1e9, median_of(dec + 1, 32) / 1e9,
           min_of(decd + 1, 32) / 1e9, median_of(decd + 1, 32) / 1e9,
           min_of(enc + 1, 32) / 1e9, median_of(enc + 1, 32) / 1e9);

    for (size_t i = 0; i < n; i++) vals[i] = (uint32_t)rnd64() % 64;
    printf("delta alone (128-value blocks): %.2f G/s\n",
           measure((bench_case){run_delta_only, vals}) / 1e9);

    mix_data pm = {0}, xm = {0};
    make_postings_mix(&pm);
    make_positions_mix(&xm);
    if (check_postings_mix(&pm) || check_positions_mix(&xm)) {
        fprintf(stderr, "micro_codec: mix decode mismatch\n");
        return 1;
    }
    printf("mix postings (gap width mean %.1f, gaps+delta and tfs): decode %.2f G/s,"
           " width+encode %.2f G/s\n",
           pm.mean_width, measure((bench_case){run_postings_mix, &pm}) / 1e9,
           measure((bench_case){run_postings_mix_encode, &pm}) / 1e9);
    printf("mix positions (chunks of 1-128, width mean %.1f): decode %.2f G/s\n",
           xm.mean_width, measure((bench_case){run_positions_mix, &xm}) / 1e9);

    free(pm.values);
    free(pm.data);
    free(xm.values);
    free(xm.data);
    free(xm.counts);
    free(vals);
    free(check);
    free(packed);
    return 0;
}
