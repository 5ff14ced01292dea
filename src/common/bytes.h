/*
 * bytes.h - little-endian integers and LEB128 varints, written and read
 * byte by byte.  Index bytes are untrusted, so every reader takes a slice
 * and fails (returns non-zero) instead of reading past its end.
 */
#ifndef AJ_BYTES_H
#define AJ_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *p, *end;
} aj_slice;

static inline void aj_put_u32le(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void aj_put_u64le(uint8_t *p, uint64_t v) {
    aj_put_u32le(p, (uint32_t)v);
    aj_put_u32le(p + 4, (uint32_t)(v >> 32));
}
static inline uint32_t aj_get_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t aj_get_u64le(const uint8_t *p) {
    return (uint64_t)aj_get_u32le(p) | ((uint64_t)aj_get_u32le(p + 4) << 32);
}

/* Writes v as LEB128 (7 bits a byte, low first); returns bytes written
 * (at most 10).  out must have room for 10 bytes. */
static inline size_t aj_put_varint(uint8_t *out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Reads a LEB128 u32 (at most 5 bytes).  Returns 0 on success, -1 if the
 * slice ends first or the value overflows 32 bits. */
static inline int aj_get_varint32(aj_slice *s, uint32_t *v) {
    uint32_t x = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
        if (s->p >= s->end) return -1;
        uint8_t b = *s->p++;
        if (shift == 28 && b > 0x0f) return -1;
        x |= (uint32_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* Reads a LEB128 u64 (at most 10 bytes); same contract. */
static inline int aj_get_varint64(aj_slice *s, uint64_t *v) {
    uint64_t x = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
        if (s->p >= s->end) return -1;
        uint8_t b = *s->p++;
        if (shift == 63 && b > 0x01) return -1;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

#endif
