/*
 * test_bitpack.c - bit packing and d-gaps (src/format/bitpack.c).
 *
 * The layout is checked against a reference encoder and decoder written
 * here one bit at a time straight from the definition in bitpack.h, and
 * pinned by a few vectors worked out by hand.  Every encode writes into,
 * and every decode reads from, a heap buffer of exactly
 * aj_bitpack_bytes(n, w) bytes placed flush against the end of its
 * allocation, so AddressSanitizer reports any access past it.  Output
 * arrays carry canaries after value n.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/bitpack.h"

/* ---- helpers ----------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint32_t mask_of(unsigned w) {
    return w >= 32 ? 0xFFFFFFFFu : (1u << w) - 1u;
}

/* Bit k of the stream is bit k%8 of byte k/8; value i is bits
 * [i*w, (i+1)*w), lowest bit first. */
static uint32_t ref_get(const uint8_t *bytes, size_t i, unsigned w) {
    uint32_t v = 0;
    for (unsigned j = 0; j < w; j++) {
        size_t k = i * w + j;
        v |= (uint32_t)((bytes[k / 8] >> (k % 8)) & 1u) << j;
    }
    return v;
}

static void ref_encode(const uint32_t *in, size_t n, unsigned w, uint8_t *out) {
    memset(out, 0, aj_bitpack_bytes(n, w));
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < w; j++) {
            size_t k = i * w + j;
            out[k / 8] |= (uint8_t)(((in[i] >> j) & 1u) << (k % 8));
        }
}

/* A buffer of nbytes that ends exactly where its allocation ends and
 * starts `skew` bytes into it (to vary alignment). */
typedef struct {
    uint8_t *alloc, *p;
} exact_buf;

static exact_buf exact_alloc(size_t nbytes, size_t skew) {
    exact_buf b;
    b.alloc = malloc(nbytes + skew ? nbytes + skew : 1);
    cr_assert_not_null(b.alloc);
    b.p = b.alloc + skew;
    return b;
}

#define CANARY 0xC0FFEE11u
#define GUARD 4

/* Everything one (values, n, w) case must satisfy; returns on the first
 * failure with a message naming the case. */
static void check_case(const uint32_t *in, size_t n, unsigned w, size_t skew) {
    size_t nbytes = aj_bitpack_bytes(n, w);
    cr_assert_eq(nbytes, (n * w + 7) / 8);

    exact_buf enc = exact_alloc(nbytes, skew);
    size_t wrote = aj_bitpack_encode(in, n, w, enc.p);
    cr_assert_eq(wrote, nbytes, "encode n=%zu w=%u wrote %zu, want %zu", n, w,
                 wrote, nbytes);

    /* Byte for byte what the definition says, unused high bits zero. */
    uint8_t want[4 * AJ_BLOCK + 1];
    ref_encode(in, n, w, want);
    cr_assert(memcmp(enc.p, want, nbytes) == 0, "encoded bytes n=%zu w=%u", n, w);
    if ((n * w) % 8)
        cr_assert_eq(enc.p[nbytes - 1] >> ((n * w) % 8), 0,
                     "unused high bits n=%zu w=%u", n, w);

    /* Decode from a fresh exact-size copy (skewed the other way). */
    exact_buf dec = exact_alloc(nbytes, 7 - skew % 8);
    if (nbytes) memcpy(dec.p, enc.p, nbytes);
    uint32_t out[AJ_BLOCK + GUARD];
    for (size_t i = 0; i < AJ_BLOCK + GUARD; i++) out[i] = CANARY;
    aj_bitpack_decode(dec.p, n, w, out);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(out[i], in[i], "decode n=%zu w=%u i=%zu: %u != %u", n, w,
                     i, out[i], in[i]);
    for (size_t i = n; i < n + GUARD; i++)
        cr_assert_eq(out[i], CANARY, "decode wrote past n=%zu w=%u", n, w);
    free(enc.alloc);
    free(dec.alloc);
}

static const size_t sizes[] = {0, 1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128};
#define NSIZES (sizeof sizes / sizeof *sizes)

/* ---- fixed layouts ----------------------------------------------------- */

Test(bitpack, pinned_vectors) {
    uint8_t b[16];

    /* 1, 2, 3 at width 2: bits 10 01 11 from the low end -> 0b00111001 */
    uint32_t v2[] = {1, 2, 3};
    cr_assert_eq(aj_bitpack_encode(v2, 3, 2, b), 1);
    cr_assert_eq(b[0], 0x39);

    /* 5, 3, 7, 1 at width 3.  Byte 0, from bit 0 up: 1 0 1 (5), 1 1 0 (3),
     * 1 1 (low bits of 7) = 0xDD.  Byte 1: 1 (top bit of 7), 1 0 0 (1),
     * then zeros = 0x03. */
    uint32_t v3[] = {5, 3, 7, 1};
    cr_assert_eq(aj_bitpack_encode(v3, 4, 3, b), 2);
    cr_assert_eq(b[0], 0xDD);
    cr_assert_eq(b[1], 0x03);

    /* Width 8 is plain bytes, 16 little-endian u16s, 32 little-endian u32s. */
    uint32_t v8[] = {0xAB, 0x01, 0xFF};
    cr_assert_eq(aj_bitpack_encode(v8, 3, 8, b), 3);
    cr_assert(b[0] == 0xAB && b[1] == 0x01 && b[2] == 0xFF);
    uint32_t v16[] = {0x1234, 0xBEEF};
    cr_assert_eq(aj_bitpack_encode(v16, 2, 16, b), 4);
    cr_assert(b[0] == 0x34 && b[1] == 0x12 && b[2] == 0xEF && b[3] == 0xBE);
    uint32_t v32[] = {0x01020304u, 0xA0B0C0D0u};
    cr_assert_eq(aj_bitpack_encode(v32, 2, 32, b), 8);
    static const uint8_t le32[] = {4, 3, 2, 1, 0xD0, 0xC0, 0xB0, 0xA0};
    cr_assert(memcmp(b, le32, 8) == 0);

    /* A value crossing a byte: 0x1FF at width 9 after a 0 -> 00 FE 03. */
    uint32_t v9[] = {0, 0x1FF};
    cr_assert_eq(aj_bitpack_encode(v9, 2, 9, b), 3);
    cr_assert(b[0] == 0x00 && b[1] == 0xFE && b[2] == 0x03);

    /* The decoder agrees on each of them. */
    uint32_t out[4];
    static const uint8_t d3[] = {0xDD, 0x03};
    aj_bitpack_decode(d3, 4, 3, out);
    cr_assert(out[0] == 5 && out[1] == 3 && out[2] == 7 && out[3] == 1);
    static const uint8_t d9[] = {0x00, 0xFE, 0x03};
    aj_bitpack_decode(d9, 2, 9, out);
    cr_assert(out[0] == 0 && out[1] == 0x1FF);
    aj_bitpack_decode(le32, 2, 32, out);
    cr_assert(out[0] == 0x01020304u && out[1] == 0xA0B0C0D0u);
}

Test(bitpack, pinned_full_blocks) {
    /* Full blocks take the specialised paths: pin those too. */
    uint32_t in[AJ_BLOCK], out[AJ_BLOCK];
    uint8_t b[4 * AJ_BLOCK];

    for (size_t i = 0; i < AJ_BLOCK; i++) in[i] = i & 1; /* 0,1,0,1,... */
    cr_assert_eq(aj_bitpack_encode(in, AJ_BLOCK, 1, b), 16);
    for (size_t k = 0; k < 16; k++) cr_assert_eq(b[k], 0xAA, "byte %zu", k);

    for (size_t i = 0; i < AJ_BLOCK; i++) in[i] = (uint32_t)(i * 37 + 11) & 0xFF;
    cr_assert_eq(aj_bitpack_encode(in, AJ_BLOCK, 8, b), 128);
    for (size_t k = 0; k < AJ_BLOCK; k++) cr_assert_eq(b[k], in[k], "byte %zu", k);

    for (size_t i = 0; i < AJ_BLOCK; i++) in[i] = 0x80000001u + (uint32_t)i * 0x01010101u;
    cr_assert_eq(aj_bitpack_encode(in, AJ_BLOCK, 32, b), 512);
    for (size_t i = 0; i < AJ_BLOCK; i++)
        for (unsigned k = 0; k < 4; k++)
            cr_assert_eq(b[4 * i + k], (uint8_t)(in[i] >> (8 * k)));
    aj_bitpack_decode(b, AJ_BLOCK, 32, out);
    cr_assert(memcmp(out, in, sizeof in) == 0);

    /* Width 4: two values a byte, the first in the low nibble. */
    for (size_t i = 0; i < AJ_BLOCK; i++) in[i] = (uint32_t)(i % 16);
    cr_assert_eq(aj_bitpack_encode(in, AJ_BLOCK, 4, b), 64);
    for (size_t k = 0; k < 64; k++)
        cr_assert_eq(b[k], (uint8_t)(((2 * k + 1) % 16) << 4 | (2 * k) % 16));
}

Test(bitpack, width_zero) {
    uint32_t in[AJ_BLOCK] = {0}, out[AJ_BLOCK];
    uint8_t b[1] = {0x5A};
    for (size_t k = 0; k < NSIZES; k++) {
        size_t n = sizes[k];
        cr_assert_eq(aj_bitpack_bytes(n, 0), 0);
        cr_assert_eq(aj_bitpack_encode(in, n, 0, b), 0);
        cr_assert_eq(b[0], 0x5A, "width 0 wrote a byte");
        for (size_t i = 0; i < AJ_BLOCK; i++) out[i] = 7;
        aj_bitpack_decode(NULL, n, 0, out); /* reads nothing at all */
        for (size_t i = 0; i < n; i++) cr_assert_eq(out[i], 0);
        if (n < AJ_BLOCK) cr_assert_eq(out[n], 7);
    }
}

Test(bitpack, byte_counts) {
    for (unsigned w = 0; w <= 32; w++)
        for (size_t n = 0; n <= AJ_BLOCK; n++)
            cr_assert_eq(aj_bitpack_bytes(n, w), (n * w + 7) / 8);
    cr_assert_eq(aj_bitpack_bytes(AJ_BLOCK, 32), 512);
    cr_assert_eq(aj_bitpack_bytes(3, 3), 2);
    cr_assert_eq(aj_bitpack_bytes(1, 1), 1);
    /* A full block is always a whole number of 64-bit words. */
    for (unsigned w = 0; w <= 32; w++) cr_assert_eq(aj_bitpack_bytes(AJ_BLOCK, w) % 8, 0);
}

/* ---- every width and size ---------------------------------------------- */

Test(bitpack, every_width_and_size_random) {
    uint64_t s = 1;
    for (unsigned w = 1; w <= 32; w++)
        for (size_t k = 0; k < NSIZES; k++) {
            size_t n = sizes[k];
            uint32_t in[AJ_BLOCK];
            for (size_t i = 0; i < n; i++) in[i] = (uint32_t)rng_next(&s) & mask_of(w);
            if (n) in[rng_next(&s) % n] |= 1u << (w - 1); /* exactly width w */
            if (n) cr_assert_eq(aj_bitpack_width(in, n), w, "width n=%zu w=%u", n, w);
            check_case(in, n, w, k % 8);
        }
}

Test(bitpack, every_width_and_size_all_zero_and_all_max) {
    for (unsigned w = 0; w <= 32; w++)
        for (size_t k = 0; k < NSIZES; k++) {
            size_t n = sizes[k];
            uint32_t in[AJ_BLOCK];
            for (size_t i = 0; i < n; i++) in[i] = mask_of(w);
            check_case(in, n, w, 0);
            if (n) cr_assert_eq(aj_bitpack_width(in, n), w);
            memset(in, 0, sizeof in);
            check_case(in, n, w, 3);
            if (n) cr_assert_eq(aj_bitpack_width(in, n), 0);
        }
}

Test(bitpack, every_count_every_width) {
    /* Every n from 0 to 128, not only the listed ones: the short-block
     * path switches from groups of eight to its tail at n-dependent
     * points. */
    uint64_t s = 12345;
    for (unsigned w = 1; w <= 32; w++)
        for (size_t n = 0; n <= AJ_BLOCK; n++) {
            uint32_t in[AJ_BLOCK];
            for (size_t i = 0; i < n; i++) in[i] = (uint32_t)rng_next(&s) & mask_of(w);
            check_case(in, n, w, n % 8);
        }
}

Test(bitpack, input_ending_at_unmapped_page) {
    /* The mmap case without a sanitizer: the input ends exactly where a
     * PROT_NONE page begins, so any read past it faults. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(map != MAP_FAILED);
    cr_assert_eq(mprotect(map + page, page, PROT_NONE), 0);
    uint64_t s = 5;
    for (unsigned w = 1; w <= 32; w++)
        for (size_t n = 1; n <= AJ_BLOCK; n++) {
            uint32_t in[AJ_BLOCK], out[AJ_BLOCK];
            for (size_t i = 0; i < n; i++) in[i] = (uint32_t)rng_next(&s) & mask_of(w);
            uint8_t *at = map + page - aj_bitpack_bytes(n, w);
            aj_bitpack_encode(in, n, w, at);
            aj_bitpack_decode(at, n, w, out);
            cr_assert(memcmp(out, in, n * sizeof *in) == 0, "n=%zu w=%u", n, w);
        }
    munmap(map, 2 * page);
}

/* ---- width() ----------------------------------------------------------- */

Test(bitpack, width_edges) {
    uint32_t v[AJ_BLOCK] = {0};
    cr_assert_eq(aj_bitpack_width(v, 0), 0);
    cr_assert_eq(aj_bitpack_width(NULL, 0), 0);
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 0);
    v[AJ_BLOCK - 1] = 1;
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 1);
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK - 1), 0, "must not look at v[n]");
    v[0] = 255;
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 8);
    v[5] = 256;
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 9);
    v[77] = 0x7FFFFFFFu;
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 31);
    v[3] = 0xFFFFFFFFu;
    cr_assert_eq(aj_bitpack_width(v, AJ_BLOCK), 32);
    for (unsigned b = 0; b < 32; b++) {
        uint32_t x = 1u << b;
        cr_assert_eq(aj_bitpack_width(&x, 1), b + 1);
        x = (1u << b) | ((1u << b) - 1);
        cr_assert_eq(aj_bitpack_width(&x, 1), b + 1);
    }
}

/* ---- contract edges ---------------------------------------------------- */

Test(bitpack, oversized_values_do_not_spill) {
    /* Values must fit their width; if one does not, only its own low bits
     * are stored and its neighbours are untouched. */
    uint32_t in[AJ_BLOCK], out[AJ_BLOCK];
    uint8_t b[4 * AJ_BLOCK];
    for (size_t n = 3; n <= AJ_BLOCK; n += AJ_BLOCK - 3) {
        for (size_t i = 0; i < n; i++) in[i] = 0;
        in[1] = 0xFFFFFFFFu;
        aj_bitpack_encode(in, n, 5, b);
        aj_bitpack_decode(b, n, 5, out);
        cr_assert(out[0] == 0 && out[1] == 31 && out[2] == 0, "n=%zu", n);
    }
}

Test(bitpack, bad_width_decodes_zeros) {
    /* Readers reject widths above 32; if one slips through, decoding must
     * stay harmless (no read of the input, zeros out). */
    uint32_t out[AJ_BLOCK];
    for (unsigned w = 33; w < 300; w += 50) {
        memset(out, 0xFF, sizeof out);
        aj_bitpack_decode(NULL, AJ_BLOCK, w, out);
        for (size_t i = 0; i < AJ_BLOCK; i++) cr_assert_eq(out[i], 0);
    }
}

/* ---- randomized property ----------------------------------------------- */

/* Values for one case, from several shapes: uniform at the width, mostly
 * tiny with a few at the maximum, runs of equal values. */
static void random_values(uint64_t *s, uint32_t *v, size_t n, unsigned w) {
    unsigned shape = (unsigned)(rng_next(s) % 3);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng_next(s);
        if (shape == 0) v[i] = (uint32_t)r;
        else if (shape == 1) v[i] = (r & 0xF00) ? (uint32_t)(r & 3) : 0xFFFFFFFFu;
        else v[i] = i && (r & 3) ? v[i - 1] : (uint32_t)(r >> 7);
        v[i] &= mask_of(w);
    }
}

Test(bitpack, random_round_trips_against_reference) {
    uint64_t s = 20240611;
    for (int t = 0; t < 20000; t++) {
        uint64_t r = rng_next(&s);
        /* Half the cases are full blocks, the rest any length. */
        size_t n = (r & 1) ? AJ_BLOCK : (size_t)((r >> 1) % (AJ_BLOCK + 1));
        unsigned w = (unsigned)((r >> 16) % 33);
        uint32_t in[AJ_BLOCK];
        random_values(&s, in, n, w);
        check_case(in, n, w, (size_t)(r >> 32) % 8);
        cr_assert(aj_bitpack_width(in, n) <= w);
    }
}

Test(bitpack, random_bytes_decode_like_reference) {
    /* Decoding is defined for any input bytes (a corrupt index still
     * decodes to something, without reading out of bounds), including
     * set bits in the unused end of the last byte, which are ignored. */
    uint64_t s = 777;
    for (int t = 0; t < 20000; t++) {
        uint64_t r = rng_next(&s);
        size_t n = (r & 1) ? AJ_BLOCK : (size_t)((r >> 1) % (AJ_BLOCK + 1));
        unsigned w = (unsigned)((r >> 16) % 33);
        size_t nbytes = aj_bitpack_bytes(n, w);
        exact_buf in = exact_alloc(nbytes, (size_t)(r >> 40) % 8);
        for (size_t k = 0; k < nbytes; k++) in.p[k] = (uint8_t)rng_next(&s);
        uint32_t out[AJ_BLOCK + GUARD];
        for (size_t i = 0; i < AJ_BLOCK + GUARD; i++) out[i] = CANARY;
        aj_bitpack_decode(in.p, n, w, out);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(out[i], ref_get(in.p, i, w), "n=%zu w=%u i=%zu", n, w, i);
        cr_assert_eq(out[n], CANARY);
        free(in.alloc);
    }
}

/* ---- d-gaps ------------------------------------------------------------ */

Test(bitpack_delta, fixed_examples) {
    uint32_t v[] = {5, 5, 9, 100, 100000, 0xFFFFFFF0u};
    uint32_t g[6];
    memcpy(g, v, sizeof v);
    aj_delta_encode(g, 6, 3);
    static const uint32_t gaps[] = {2, 0, 4, 91, 99900, 0xFFFFFFF0u - 100000};
    cr_assert(memcmp(g, gaps, sizeof g) == 0);
    aj_delta_decode(g, 6, 3);
    cr_assert(memcmp(g, v, sizeof v) == 0);

    /* Zero gaps and a zero base. */
    uint32_t z[9] = {0};
    aj_delta_decode(z, 9, 0);
    for (int i = 0; i < 9; i++) cr_assert_eq(z[i], 0);
    aj_delta_decode(z, 9, 42);
    for (int i = 0; i < 9; i++) cr_assert_eq(z[i], 42);
    aj_delta_encode(z, 9, 40);
    cr_assert_eq(z[0], 2);
    for (int i = 1; i < 9; i++) cr_assert_eq(z[i], 0);

    /* n == 0 touches nothing. */
    aj_delta_encode(NULL, 0, 5);
    aj_delta_decode(NULL, 0, 5);
}

Test(bitpack_delta, wraps_modulo_2_32) {
    /* Prefix sums past 2^32 wrap (unsigned, never undefined): in a
     * corrupt index they produce wrong but harmless ids. */
    uint32_t x[2] = {0xFFFFFFFFu, 2};
    aj_delta_decode(x, 2, 1);
    cr_assert_eq(x[0], 0);
    cr_assert_eq(x[1], 2);

    uint32_t y[AJ_BLOCK], want[AJ_BLOCK];
    uint32_t run = 0xFFFFFF00u;
    for (size_t i = 0; i < AJ_BLOCK; i++) {
        y[i] = 0x10000000u + (uint32_t)i;
        run += y[i];
        want[i] = run;
    }
    uint32_t keep[AJ_BLOCK];
    memcpy(keep, y, sizeof y);
    aj_delta_decode(y, AJ_BLOCK, 0xFFFFFF00u);
    cr_assert(memcmp(y, want, sizeof y) == 0);
    aj_delta_encode(y, AJ_BLOCK, 0xFFFFFF00u);
    cr_assert(memcmp(y, keep, sizeof y) == 0, "encode undoes a wrapped decode");

    /* Values below the base encode to a wrapped first gap and back. */
    uint32_t u[3] = {1, 2, 3};
    aj_delta_encode(u, 3, 10);
    cr_assert_eq(u[0], (uint32_t)(1 - 10));
    aj_delta_decode(u, 3, 10);
    cr_assert(u[0] == 1 && u[1] == 2 && u[2] == 3);
}

Test(bitpack_delta, random_against_naive) {
    /* Every length 0..130 (the vector loop takes eight at a time, a scalar
     * loop the rest) and random bases; canaries around the array. */
    uint64_t s = 99;
    for (int t = 0; t < 4000; t++) {
        size_t n = (size_t)t % 131;
        uint32_t base = (t & 1) ? (uint32_t)rng_next(&s) : (uint32_t)(rng_next(&s) % 1000);
        uint32_t ids[AJ_BLOCK + 3], gaps[AJ_BLOCK + 3 + 2];
        uint32_t prev = base;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rng_next(&s);
            uint32_t gap = (r & 7) == 0 ? 0 : (uint32_t)(r >> 8) % ((t % 3) ? 50u : 0xFFFFFFu);
            ids[i] = prev + gap;
            prev = ids[i];
        }
        gaps[0] = CANARY;
        gaps[n + 1] = CANARY;
        uint32_t *g = gaps + 1;
        memcpy(g, ids, n * sizeof *ids);
        aj_delta_encode(g, n, base);
        uint32_t p = base;
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(g[i], ids[i] - p, "gap n=%zu i=%zu", n, i);
            p = ids[i];
        }
        aj_delta_decode(g, n, base);
        for (size_t i = 0; i < n; i++) cr_assert_eq(g[i], ids[i], "id n=%zu i=%zu", n, i);
        cr_assert(gaps[0] == CANARY && gaps[n + 1] == CANARY, "wrote outside n=%zu", n);
    }
}

Test(bitpack_delta, unpack_then_prefix_sum) {
    /* The postings path: ids -> gaps -> packed -> unpacked -> ids, across
     * consecutive blocks, each based on the last id of the previous one. */
    uint64_t s = 4242;
    uint32_t ids[5 * AJ_BLOCK + 17];
    size_t total = sizeof ids / sizeof *ids;
    uint32_t id = 0;
    for (size_t i = 0; i < total; i++) {
        id += (uint32_t)(rng_next(&s) % 1000) + (i > 0);
        ids[i] = id;
    }
    uint32_t base = 0;
    for (size_t at = 0; at < total; at += AJ_BLOCK) {
        size_t k = total - at < AJ_BLOCK ? total - at : AJ_BLOCK;
        uint32_t gaps[AJ_BLOCK], out[AJ_BLOCK];
        uint8_t packed[4 * AJ_BLOCK];
        memcpy(gaps, ids + at, k * sizeof *gaps);
        aj_delta_encode(gaps, k, base);
        unsigned w = aj_bitpack_width(gaps, k);
        cr_assert(w <= 10);
        size_t nb = aj_bitpack_encode(gaps, k, w, packed);
        cr_assert_eq(nb, aj_bitpack_bytes(k, w));
        aj_bitpack_decode(packed, k, w, out);
        aj_delta_decode(out, k, base);
        cr_assert(memcmp(out, ids + at, k * sizeof *out) == 0, "block at %zu", at);
        base = out[k - 1];
    }
}
