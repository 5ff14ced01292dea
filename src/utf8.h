/*
 * utf8.h - safe UTF-8 decoding and encoding.
 *
 * Decoding follows the "maximal subpart" practice: an ill-formed sequence
 * becomes one U+FFFD that covers only the bytes that could have started a
 * valid sequence, so a valid character after a broken one is never lost.
 */
#ifndef AJ_UTF8_H
#define AJ_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define AJ_REPLACEMENT 0xFFFDu

/* Decodes the code point at s[0..n) (n >= 1) into *cp (U+FFFD when the
 * bytes are ill-formed) and returns the number of bytes it spans (1..4). */
size_t aj_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Encodes cp (a valid scalar value) into out[0..4); returns its length. */
size_t aj_utf8_encode(uint32_t cp, char *out);

#endif
