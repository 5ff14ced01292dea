/*
 * fold.h - the matching form of one code point, and its character class.
 *
 * Folding erases the differences a reader does not care about when
 * searching: letter case (full case folding, so ß and ẞ become "ss"),
 * diacritics (canonical decomposition with the marks dropped: ễ -> e),
 * compatibility variants (NFKC-style: ﬁ -> fi, fullwidth Ａ -> a,
 * superscript ² -> 2), and a few letters Unicode does not decompose but
 * readers treat as accented Latin letters: đ ð -> d, ø -> o, ł -> l,
 * ı -> i, æ -> ae, œ -> oe, þ -> th (upper-case forms too).
 *
 * The analyzer classifies what folding produces, not what it was given,
 * so ² counts as a digit and ﬁ as two letters.
 */
#ifndef AJ_FOLD_H
#define AJ_FOLD_H

#include <stdint.h>

/* Most code points one code point can fold to (U+FDFA, an Arabic
 * ligature, makes 18); a test checks every code point against it. */
#define AJ_FOLD_MAX 18

/* Character classes of folded code points.  Marks survive folding only in
 * principle (folding strips them); the analyzer ignores them. */
enum {
    AJ_FOLD_SEP = 0,    /* separator: anything not below */
    AJ_FOLD_LETTER = 1, /* general category Lu Ll Lt Lm Lo */
    AJ_FOLD_DIGIT = 2,  /* general category Nd */
    AJ_FOLD_MARK = 3    /* general category Mn Mc Me */
};

/* Writes the folded form of cp into out[0..AJ_FOLD_MAX) and returns how
 * many code points it has: 1 for most, 0 for a combining mark (it folds
 * away), more for expansions such as ß or ﬁ.  Folding is idempotent: each
 * code point written folds to itself.  ASCII is handled without calling
 * utf8proc.  A value that is not a scalar value (surrogate, > U+10FFFF)
 * folds to U+FFFD. */
int aj_fold(uint32_t cp, uint32_t *out);

/* The AJ_FOLD_* class of cp, from its Unicode general category.  Meant
 * for folded code points; ASCII is answered without calling utf8proc. */
int aj_fold_class(uint32_t cp);

#endif
