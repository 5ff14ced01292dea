/*
 * bitpack.h - binary packing of blocks of up to 128 unsigned 32-bit
 * integers, and the d-gap transform that goes with it.
 *
 * The postings codec (postings.c) stores doc-id gaps, tf-1 values and
 * position gaps as blocks of AJ_BLOCK values, each block at one bit width
 * w (0..32) that the caller records next to it, usually
 * aj_bitpack_width() of the block.
 *
 * The byte layout is part of the index format: FORMAT.md "post.aj", "Bit
 * packing".  n values at width w take exactly aj_bitpack_bytes(n, w)
 * bytes; a full block (128 values) is 16*w bytes, a whole number of 64-bit
 * words.
 *
 * Nothing here allocates; all buffers belong to the caller.  These
 * functions cannot fail and report no errors: the caller validates widths
 * and lengths read from an index before calling (a decoder given any
 * bytes returns some values and never reads or writes out of bounds).
 * Thread-safe: no state.
 */
#ifndef AJ_BITPACK_H
#define AJ_BITPACK_H

#include <stddef.h>
#include <stdint.h>

#define AJ_BLOCK 128

/* Number of bits needed to represent the largest of in[0..n): 0 if all
 * are zero (or n == 0), 32 if any has its top bit set. */
unsigned aj_bitpack_width(const uint32_t *in, size_t n);

/* Bytes used by n values of `width` bits: ceil(n*width/8). */
static inline size_t aj_bitpack_bytes(size_t n, unsigned width) {
    return (n * width + 7) / 8;
}

/* Packs in[0..n) into out and returns the bytes written, which is
 * aj_bitpack_bytes(n, width) exactly; out must have room for that many
 * (nothing beyond them is touched).  Requires n <= AJ_BLOCK, width 0..32
 * and every value < 2^width; a value too wide for `width` keeps only its
 * low bits (its neighbours are unaffected).  Width 0 writes nothing. */
size_t aj_bitpack_encode(const uint32_t *in, size_t n, unsigned width,
                         uint8_t *out);

/* Unpacks n values (n <= AJ_BLOCK) of `width` bits from in into
 * out[0..n).  Reads exactly the aj_bitpack_bytes(n, width) bytes at in and
 * never a byte beyond them (the input may end right there, at the end of
 * an mmap); any bit pattern is accepted, the unused bits of the last byte
 * are ignored.  Width 0 reads nothing and writes n zeros; a width above
 * 32 is invalid (readers reject it) and also yields zeros.  Fastest for
 * n == AJ_BLOCK.  in and out must not overlap. */
void aj_bitpack_decode(const uint8_t *in, size_t n, unsigned width,
                       uint32_t *out);

/* d-gaps, in place: v[0] -= base, then v[i] -= v[i-1] (the original
 * v[i-1]).  For a non-decreasing v[0..n) with v[0] >= base the gaps are
 * the distances between neighbours, 0 for repeats; anything else wraps
 * modulo 2^32 and still round-trips through aj_delta_decode(). */
void aj_delta_encode(uint32_t *v, size_t n, uint32_t base);

/* Prefix sums, in place: v[0] += base, then v[i] += v[i-1].  Wraps modulo
 * 2^32 (never undefined, whatever the input). */
void aj_delta_decode(uint32_t *v, size_t n, uint32_t base);

#endif
