/*
 * bitpack.h - binary packing of up to 128 unsigned 32-bit integers.
 *
 * Byte layout (part of the index format): n values of `width` bits form one
 * little-endian bit string of ceil(n*width/8) bytes.  Value i occupies bits
 * [i*width, (i+1)*width); bit k of the string is bit (k mod 8) of byte k/8,
 * and a value's lowest bit comes first.  Width 8 is therefore plain bytes
 * and width 16 little-endian u16s.  Width 0 stores nothing and decodes to
 * zeros.  Unused high bits of the last byte are zero.
 */
#ifndef AJ_BITPACK_H
#define AJ_BITPACK_H

#include <stddef.h>
#include <stdint.h>

#define AJ_BLOCK 128

/* Bits needed for the largest of in[0..n) (0 if all are zero). */
unsigned aj_bitpack_width(const uint32_t *in, size_t n);

/* Bytes used by n values of `width` bits. */
static inline size_t aj_bitpack_bytes(size_t n, unsigned width) {
    return (n * width + 7) / 8;
}

/* Packs in[0..n) (n <= AJ_BLOCK, every value < 2^width) into out, which has
 * room for aj_bitpack_bytes(n, width) bytes; returns the bytes written. */
size_t aj_bitpack_encode(const uint32_t *in, size_t n, unsigned width,
                         uint8_t *out);

/* Unpacks n values (n <= AJ_BLOCK) from exactly aj_bitpack_bytes(n, width)
 * bytes at in, never reading beyond them. */
void aj_bitpack_decode(const uint8_t *in, size_t n, unsigned width,
                       uint32_t *out);

/* In place: v[i] -= v[i-1], v[0] -= base (gaps of a non-decreasing run). */
void aj_delta_encode(uint32_t *v, size_t n, uint32_t base);

/* In place: v[0] += base, v[i] += v[i-1] (wraps modulo 2^32). */
void aj_delta_decode(uint32_t *v, size_t n, uint32_t base);

#endif
