/*
 * bitpack.c - binary packing of blocks of up to 128 integers; the byte
 * layout is FORMAT.md's ("post.aj", "Bit packing").
 *
 * How decoding is made fast.  A value of w <= 32 bits that starts at bit
 * b of the stream lies entirely inside the 8 bytes that start at byte
 * b/8 (it spans at most 7 + 32 = 39 bits from there), so one unaligned
 * 64-bit little-endian load, one shift by b%8 and one mask extract it.
 * Near the end of the input those 8 bytes would run past the last byte,
 * so the values there are cut instead out of the input's last 8 bytes,
 * shifted by their distance from that word's first bit.  Nothing past
 * in + aj_bitpack_bytes(n, w) is ever read, which matters because the
 * input is a slice of an mmap that may end right there.
 *
 * Each width has its own unpackers, stamped out from inline templates
 * with the width a compile-time constant, so shifts, masks and offsets
 * become immediates:
 *   - a full block (n == 128: every posting block but a term's last) is
 *     an unrolled run of load/shift/mask/store steps with no branches;
 *     the layout repeats every 64 values (64 * w bits are exactly w
 *     words), so the unrolled body covers 64 values and runs twice;
 *   - a short block loops over an unrolled group of eight values (eight
 *     values always span exactly w bytes) while the group's reads stay in
 *     bounds, then finishes the last few values one at a time.
 * That is a few instructions a value: several G integers/s with plain -O2
 * on x86-64 (bench/micro_codec.c measures it).
 *
 * Encoding mirrors this with a 64-bit accumulator that is flushed as a
 * whole little-endian word when it fills up and byte by byte at the end,
 * so it writes exactly aj_bitpack_bytes(n, w) bytes.  Full blocks have a
 * packer per width too (an index build encodes every block).
 *
 * The d-gap prefix sum, and the OR behind aj_bitpack_width(), use SSE2
 * where the target has it (every x86-64).  The prefix sums of eight values
 * are formed in two registers with shift-and-add steps, independently of
 * the running total, which is added to all eight afterwards; so the only
 * dependency from one step to the next is a single add.  Elsewhere plain
 * loops do the same jobs.  -DAJ_BITPACK_PORTABLE builds the code paths of
 * other targets (plain loops, byte-by-byte loads and stores) on x86 too,
 * so the tests can cover them.
 */
#include "format/bitpack.h"

#include <assert.h>
#include <string.h>

#if defined(__SSE2__) && !defined(AJ_BITPACK_PORTABLE)
#include <emmintrin.h>
#define AJ_HAVE_SSE2 1
#else
#define AJ_HAVE_SSE2 0
#endif

#if defined(__GNUC__)
#define AJ_INLINE static inline __attribute__((always_inline))
#else
#define AJ_INLINE static inline
#endif

/* Asks the compiler to unroll the next loop completely. */
#if defined(__clang__)
#define AJ_UNROLL_ALL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#define AJ_UNROLL_ALL _Pragma("GCC unroll 128")
#else
#define AJ_UNROLL_ALL
#endif

/* AJ_BITPACK_PORTABLE (for tests) also forces the byte-by-byte loads. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(AJ_BITPACK_PORTABLE)
#define AJ_LITTLE_ENDIAN 1
#else
#define AJ_LITTLE_ENDIAN 0
#endif

/* Little-endian 64-bit load and store at any alignment.  On little-endian
 * targets memcpy compiles to one plain move; anywhere else the bytes are
 * assembled explicitly, which is correct whatever the byte order. */
AJ_INLINE uint64_t load_le64(const uint8_t *p) {
#if AJ_LITTLE_ENDIAN
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
#endif
}

AJ_INLINE void store_le64(uint8_t *p, uint64_t v) {
#if AJ_LITTLE_ENDIAN
    memcpy(p, &v, sizeof v);
#else
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
#endif
}

/* The low `width` bits set (width 0..32). */
AJ_INLINE uint32_t low_mask(unsigned width) {
    return width >= 32 ? 0xFFFFFFFFu : (uint32_t)((1u << width) - 1u);
}

unsigned aj_bitpack_width(const uint32_t *in, size_t n) {
    /* Only the highest set bit of all values matters, so OR them all
     * (with SSE2, four lanes at a time: gcc -O2 leaves this loop scalar). */
    uint32_t any = 0;
    size_t i = 0;
#if AJ_HAVE_SSE2
    __m128i lanes = _mm_setzero_si128();
    for (; i + 4 <= n; i += 4)
        lanes = _mm_or_si128(
            lanes, _mm_loadu_si128((const __m128i *)(const void *)(in + i)));
    lanes = _mm_or_si128(lanes, _mm_shuffle_epi32(lanes, 0x4E));
    lanes = _mm_or_si128(lanes, _mm_shuffle_epi32(lanes, 0xB1));
    any = (uint32_t)_mm_cvtsi128_si32(lanes);
#endif
    for (; i < n; i++) any |= in[i];
    return any ? 32u - (unsigned)__builtin_clz(any) : 0u;
}

/* ---- decoding ---------------------------------------------------------- */

/* Value i of a stream of nbytes >= 8 bytes at `width` bits a value,
 * reading nothing outside in[0..nbytes).  The end-of-input case is sound
 * because a value that starts in the last 7 bytes also ends inside the
 * stream, so it lies within the stream's final 8 bytes.  With i and width
 * constant (the full-block unpackers) this folds to a load, a shift and a
 * mask. */
AJ_INLINE uint32_t extract(const uint8_t *in, size_t nbytes, size_t i,
                           unsigned width) {
    size_t bit = i * width;
    size_t byte = bit >> 3;
    uint64_t word;
    unsigned shift;
    if (byte + 8 <= nbytes) {
        word = load_le64(in + byte);
        shift = (unsigned)(bit & 7);
    } else {
        word = load_le64(in + nbytes - 8);
        shift = (unsigned)(bit - 8 * (nbytes - 8));
    }
    return (uint32_t)(word >> shift) & low_mask(width);
}

/* A full block at a constant width.  The layout repeats every 64 values
 * (64 * width bits are exactly `width` words), so the unrolled body covers
 * 64 values and runs twice; each half is treated as a stream of its own
 * 8 * width >= 8 bytes, so extract() always has its 8 bytes. */
AJ_INLINE void unpack_block(const uint8_t *restrict in, uint32_t *restrict out,
                            unsigned width) {
    const size_t nbytes = 8u * width;
    for (int half = 0; half < 2; half++) {
        AJ_UNROLL_ALL
        for (size_t i = 0; i < AJ_BLOCK / 2; i++)
            out[64 * half + i] = extract(in + nbytes * half, nbytes, i, width);
    }
}

/* Eight values take exactly `width` bytes, so a group of eight has the
 * same shape wherever it starts.  The last value of a group starts at
 * byte 7 * width / 8 of it and is read as 8 bytes from there. */
#define GROUP_REACH(width) ((7u * (width)) / 8u + 8u)

AJ_INLINE void unpack_group(const uint8_t *restrict p, uint32_t *restrict out,
                            unsigned width) {
    AJ_UNROLL_ALL
    for (unsigned j = 0; j < 8; j++)
        out[j] = (uint32_t)(load_le64(p + j * width / 8) >> (j * width % 8)) &
                 low_mask(width);
}

/* n < 128 values at a constant width.  Groups of eight are cut straight
 * from the input while their 8-byte reads stay inside it; the values left
 * over, which all start within the last GROUP_REACH bytes, go through
 * extract() and its end-of-input case.  An input shorter than one word
 * (n * width <= 56 bits) is gathered into a single word byte by byte. */
AJ_INLINE void unpack_part(const uint8_t *restrict in, size_t n,
                           uint32_t *restrict out, unsigned width) {
    const size_t nbytes = aj_bitpack_bytes(n, width);
    if (nbytes < 8) {
        uint64_t word = 0;
        for (size_t k = 0; k < nbytes; k++) word |= (uint64_t)in[k] << (8 * k);
        for (size_t i = 0; i < n; i++)
            out[i] = (uint32_t)(word >> (i * width)) & low_mask(width);
        return;
    }
    size_t i = 0, at = 0;
    for (; i + 8 <= n && at + GROUP_REACH(width) <= nbytes; i += 8, at += width)
        unpack_group(in + at, out + i, width);
    for (; i < n; i++) out[i] = extract(in, nbytes, i, width);
}

#define AJ_FOR_WIDTHS(X)                                                  \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12)        \
    X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)    \
    X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32)

/* One full-block and one short-block unpacker per width. */
#define AJ_UNPACKERS(w)                                                   \
    static void unpack_full_w##w(const uint8_t *restrict in,              \
                                 uint32_t *restrict out) {                \
        unpack_block(in, out, w);                                         \
    }                                                                     \
    static void unpack_part_w##w(const uint8_t *restrict in, size_t n,    \
                                 uint32_t *restrict out) {                \
        unpack_part(in, n, out, w);                                       \
    }
AJ_FOR_WIDTHS(AJ_UNPACKERS)

typedef void (*unpack_full_fn)(const uint8_t *restrict, uint32_t *restrict);
typedef void (*unpack_part_fn)(const uint8_t *restrict, size_t,
                               uint32_t *restrict);
#define AJ_FULL_ENTRY(w) unpack_full_w##w,
#define AJ_PART_ENTRY(w) unpack_part_w##w,
static const unpack_full_fn unpack_full[33] = {NULL, AJ_FOR_WIDTHS(AJ_FULL_ENTRY)};
static const unpack_part_fn unpack_short[33] = {NULL, AJ_FOR_WIDTHS(AJ_PART_ENTRY)};

void aj_bitpack_decode(const uint8_t *in, size_t n, unsigned width,
                       uint32_t *out) {
    if (width == 0 || width > 32) {
        /* Width 0 stores nothing.  Wider breaks the contract (readers
         * check widths); zeros keep such a call harmless. */
        memset(out, 0, n * sizeof *out);
    } else if (n == AJ_BLOCK) {
        unpack_full[width](in, out);
    } else if (n > 0) {
        unpack_short[width](in, n, out);
    }
}

/* ---- encoding ---------------------------------------------------------- */

/* Adds one value (already masked) to the accumulator: `acc` holds `fill`
 * pending bits, fewer than 64 between calls.  When the word fills up it is
 * written out, and the part of v that did not fit starts the next one. */
AJ_INLINE void pack_one(uint64_t v, unsigned width, uint64_t *acc,
                        unsigned *fill, uint8_t **p) {
    *acc |= v << *fill;
    *fill += width;
    if (*fill >= 64) {
        store_le64(*p, *acc);
        *p += 8;
        *fill -= 64;
        /* Shifting a 64-bit value by 64 would be undefined, hence the
         * test; when fill is 0, all of v fitted. */
        *acc = *fill ? v >> (width - *fill) : 0;
    }
}

/* Packs in[0..n) into exactly aj_bitpack_bytes(n, width) bytes (width
 * 1..32): whole words while they fill, then the last bits byte by byte.
 * Values are masked, so a too-large one cannot spill into its neighbours. */
static size_t pack_any(const uint32_t *restrict in, size_t n, unsigned width,
                       uint8_t *restrict out) {
    const uint32_t mask = low_mask(width);
    uint8_t *p = out;
    uint64_t acc = 0;
    unsigned fill = 0;
    for (size_t i = 0; i < n; i++) pack_one(in[i] & mask, width, &acc, &fill, &p);
    for (; fill > 0; fill = fill > 8 ? fill - 8 : 0) {
        *p++ = (uint8_t)acc;
        acc >>= 8;
    }
    return (size_t)(p - out);
}

/* A full block at a constant width.  64 values fill exactly `width`
 * words, so each half of the block starts and ends on a word boundary
 * with an empty accumulator: the unrolled body packs 64 values, writes
 * only whole words, and every fill level in it is known at compile time. */
AJ_INLINE void pack_block(const uint32_t *restrict in, uint8_t *restrict out,
                          unsigned width) {
    const uint32_t mask = low_mask(width);
    for (int half = 0; half < 2; half++) {
        uint8_t *p = out + 8u * width * (unsigned)half;
        uint64_t acc = 0;
        unsigned fill = 0;
        AJ_UNROLL_ALL
        for (size_t i = 0; i < AJ_BLOCK / 2; i++)
            pack_one(in[64 * half + i] & mask, width, &acc, &fill, &p);
    }
}

#define AJ_PACKER(w)                                                      \
    static void pack_w##w(const uint32_t *restrict in,                    \
                          uint8_t *restrict out) {                        \
        pack_block(in, out, w);                                           \
    }
AJ_FOR_WIDTHS(AJ_PACKER)

typedef void (*pack_fn)(const uint32_t *restrict, uint8_t *restrict);
#define AJ_PACK_ENTRY(w) pack_w##w,
static const pack_fn pack_full[33] = {NULL, AJ_FOR_WIDTHS(AJ_PACK_ENTRY)};

size_t aj_bitpack_encode(const uint32_t *in, size_t n, unsigned width,
                         uint8_t *out) {
    assert(n <= AJ_BLOCK && width <= 32);
    if (width == 0 || width > 32) return 0;
    if (n == AJ_BLOCK) {
        pack_full[width](in, out);
        return 16u * width;
    }
    return pack_any(in, n, width, out);
}

/* ---- d-gaps ------------------------------------------------------------ */

void aj_delta_encode(uint32_t *v, size_t n, uint32_t base) {
    /* Backwards, so each element still sees its original predecessor. */
    for (size_t i = n; i-- > 1;) v[i] -= v[i - 1];
    if (n) v[0] -= base;
}

void aj_delta_decode(uint32_t *v, size_t n, uint32_t base) {
    /* Unsigned arithmetic: a corrupt input wraps, it is never undefined. */
    uint32_t run = base;
    size_t i = 0;
#if AJ_HAVE_SSE2
    /* Eight values a step.  Their prefix sums are formed without the
     * running total, which is added last and advanced by the eight
     * values' sum, so the only dependency from step to step is one add. */
    __m128i carry = _mm_set1_epi32((int)base);
    for (; i + 8 <= n; i += 8) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(v + i + 4));
        a = _mm_add_epi32(a, _mm_slli_si128(a, 4));
        b = _mm_add_epi32(b, _mm_slli_si128(b, 4));
        a = _mm_add_epi32(a, _mm_slli_si128(a, 8));
        b = _mm_add_epi32(b, _mm_slli_si128(b, 8));
        b = _mm_add_epi32(b, _mm_shuffle_epi32(a, 0xFF));
        __m128i sum8 = _mm_shuffle_epi32(b, 0xFF);
        _mm_storeu_si128((__m128i *)(void *)(v + i), _mm_add_epi32(a, carry));
        _mm_storeu_si128((__m128i *)(void *)(v + i + 4), _mm_add_epi32(b, carry));
        carry = _mm_add_epi32(carry, sum8);
    }
    run = (uint32_t)_mm_cvtsi128_si32(carry);
#endif
    for (; i < n; i++) {
        run += v[i];
        v[i] = run;
    }
}
