/*
 * fold.h - folding one code point for matching: case folding, removal of
 * diacritics, compatibility forms, and a few letters that Unicode does not
 * decompose (đ, ø, ł, ı, æ, œ, þ, ð).  Also the character classes the
 * tokenizer needs.
 */
#ifndef AJ_FOLD_H
#define AJ_FOLD_H

#include <stdint.h>

#define AJ_FOLD_MAX 18  /* longest expansion of one code point */

enum { AJ_CL_SEP = 0, AJ_CL_LETTER = 1, AJ_CL_DIGIT = 2, AJ_CL_MARK = 3 };

/* Writes the folded form of cp (0..AJ_FOLD_MAX code points) into out and
 * returns how many there are.  ASCII never calls into utf8proc. */
int aj_fold(uint32_t cp, uint32_t *out);

/* Class of a folded code point. */
int aj_class(uint32_t cp);

#endif
