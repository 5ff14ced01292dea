/*
 * utf8.h - decoding UTF-8 that nobody has validated, and encoding the code
 * points the folder produces.
 *
 * Text reaches the analyzer straight from files, so the decoder must accept
 * any bytes.  An ill-formed sequence turns into one U+FFFD that covers the
 * "maximal subpart" of the sequence (Unicode, chapter 3): the longest run
 * of bytes that is still a prefix of some well-formed sequence, or else a
 * single byte.  The consequence that matters: a byte that could start a
 * valid character is never absorbed into the replacement, so in
 * E2 82 41 the 'A' (41) survives.
 */
#ifndef AJ_UTF8_H
#define AJ_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define AJ_UTF8_REPLACEMENT 0xFFFDu /* U+FFFD, stands in for bad bytes */
#define AJ_UTF8_MAX 4               /* longest encoding of one code point */

/* Decodes one code point from s[0..n), n >= 1, never reading s[n] or
 * beyond.  Stores the code point (or U+FFFD for an ill-formed sequence:
 * bad lead byte, stray continuation byte, truncated sequence, overlong
 * form, surrogate, value above U+10FFFF) in *cp and returns the number of
 * bytes consumed, 1..4, so the caller always makes progress. */
size_t aj_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Writes the UTF-8 form of cp into out[0..AJ_UTF8_MAX) and returns its
 * length.  A value that is not a Unicode scalar value (a surrogate or above
 * U+10FFFF) is written as U+FFFD, so the output is always valid UTF-8. */
size_t aj_utf8_encode(uint32_t cp, char *out);

#endif
