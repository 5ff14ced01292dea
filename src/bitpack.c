/*
 * bitpack.c - see bitpack.h for the byte layout.
 *
 * Full blocks of 128 values take a fast path: 128 * width bits is exactly
 * 2 * width 64-bit words, so every value can be cut out of at most two
 * little-endian words without touching a byte past the block.  The path is
 * instantiated once per width so that, with the width a constant, the
 * compiler turns every shift and word index into an immediate.  The layout
 * repeats every 64 values (64 * width bits is a whole number of words), so
 * the unrolled body covers 64 values and runs twice.  Short blocks use a
 * byte-at-a-time loop that reads exactly the bytes it needs.
 */
#include "bitpack.h"

#include <string.h>

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t mask_of(unsigned width) {
    return width >= 32 ? 0xFFFFFFFFu : ((uint64_t)1 << width) - 1;
}

unsigned aj_bitpack_width(const uint32_t *in, size_t n) {
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++) all |= in[i];
    return all ? 32u - (unsigned)__builtin_clz(all) : 0u;
}

size_t aj_bitpack_encode(const uint32_t *in, size_t n, unsigned width,
                         uint8_t *out) {
    if (width == 0) return 0;
    uint64_t acc = 0, mask = mask_of(width);
    unsigned bits = 0;
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= ((uint64_t)in[i] & mask) << bits;
        bits += width;
        while (bits >= 8) {
            out[p++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
    if (bits > 0) out[p++] = (uint8_t)acc;
    return p;
}

/* Values i = base .. base+63 of a full block (base is 0 or 64). */
static inline __attribute__((always_inline)) void
unpack64(const uint8_t *in, unsigned width, unsigned base, uint32_t *out) {
    const uint64_t mask = mask_of(width);
#if defined(__clang__)
#pragma clang loop unroll(full)
#elif defined(__GNUC__)
#pragma GCC unroll 64
#endif
    for (unsigned i = 0; i < 64; i++) {
        unsigned off = (base + i) * width;
        unsigned word = off >> 6, shift = off & 63;
        uint64_t v = load64(in + 8 * word) >> shift;
        if (shift + width > 64) v |= load64(in + 8 * word + 8) << (64 - shift);
        out[base + i] = (uint32_t)(v & mask);
    }
}

#define UNPACK_FN(w)                                                      \
    static void unpack128_##w(const uint8_t *in, uint32_t *out) {         \
        unpack64(in, w, 0, out);                                          \
        unpack64(in, w, 64, out);                                         \
    }
UNPACK_FN(1) UNPACK_FN(2) UNPACK_FN(3) UNPACK_FN(4) UNPACK_FN(5)
UNPACK_FN(6) UNPACK_FN(7) UNPACK_FN(8) UNPACK_FN(9) UNPACK_FN(10)
UNPACK_FN(11) UNPACK_FN(12) UNPACK_FN(13) UNPACK_FN(14) UNPACK_FN(15)
UNPACK_FN(16) UNPACK_FN(17) UNPACK_FN(18) UNPACK_FN(19) UNPACK_FN(20)
UNPACK_FN(21) UNPACK_FN(22) UNPACK_FN(23) UNPACK_FN(24) UNPACK_FN(25)
UNPACK_FN(26) UNPACK_FN(27) UNPACK_FN(28) UNPACK_FN(29) UNPACK_FN(30)
UNPACK_FN(31) UNPACK_FN(32)

typedef void (*unpack_fn)(const uint8_t *, uint32_t *);
static const unpack_fn unpackers[33] = {
    NULL,          unpack128_1,  unpack128_2,  unpack128_3,  unpack128_4,
    unpack128_5,   unpack128_6,  unpack128_7,  unpack128_8,  unpack128_9,
    unpack128_10,  unpack128_11, unpack128_12, unpack128_13, unpack128_14,
    unpack128_15,  unpack128_16, unpack128_17, unpack128_18, unpack128_19,
    unpack128_20,  unpack128_21, unpack128_22, unpack128_23, unpack128_24,
    unpack128_25,  unpack128_26, unpack128_27, unpack128_28, unpack128_29,
    unpack128_30,  unpack128_31, unpack128_32,
};

void aj_bitpack_decode(const uint8_t *in, size_t n, unsigned width,
                       uint32_t *out) {
    if (width == 0 || width > 32) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    if (n == AJ_BLOCK) {
        unpackers[width](in, out);
        return;
    }
    const uint64_t mask = mask_of(width);
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        while (bits < width) {
            acc |= (uint64_t)in[p++] << bits;
            bits += 8;
        }
        out[i] = (uint32_t)(acc & mask);
        acc >>= width;
        bits -= width;
    }
}

void aj_delta_encode(uint32_t *v, size_t n, uint32_t base) {
    uint32_t prev = base;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = v[i];
        v[i] = x - prev;
        prev = x;
    }
}

void aj_delta_decode(uint32_t *v, size_t n, uint32_t base) {
    uint32_t acc = base;
    for (size_t i = 0; i < n; i++) {
        acc += v[i];
        v[i] = acc;
    }
}
