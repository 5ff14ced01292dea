/*
 * acronym.h - finds acronym definitions in a paragraph's text.
 *
 * Two shapes, as documents write them:
 *   Long Form Words (ACR)      "... Convention on the Law of the Sea (UNCLOS)"
 *   ACR (Long Form Words)      "UNCLOS (United Nations Convention on ...)"
 *
 * ACR is one word of 2..10 ASCII letters, digits and hyphens that starts
 * with a capital and has at least two capitals, and is not a Roman
 * numeral; "(2023)", "(see above)" and "(i)" are not acronyms.  The long
 * form is found as Schwartz and Hearst do ("A simple algorithm for
 * identifying abbreviation definitions in biomedical text", 2003), with
 * word initials first: if each letter of the acronym is the initial of a
 * word, in order, with only small words (of, the, and, ...) between,
 * those words are the long form; else, walking both backwards, each
 * letter or digit of the acronym must occur in the candidate text before
 * the previous one and the first must begin a word, and the shortest such
 * text is the long form.  The
 * candidate is at most min(|ACR| + 5, 2 |ACR|) words, within one clause
 * (no . ; : ! ? ( ) [ ] inside), and the long form must have at least two
 * words and more letters than the acronym.
 */
#ifndef AJ_ACRONYM_H
#define AJ_ACRONYM_H

#include <stddef.h>

#define AJ_ACRO_MAX 10          /* bytes of an acronym */
#define AJ_ACRO_LONG_MAX 200    /* bytes of a long form */

typedef struct aj_acro_def {
    const char *acr;            /* into the text */
    size_t acr_len;
    const char *lf;             /* into the text */
    size_t lf_len;
} aj_acro_def;

/* Called for each definition in text order; returns non-zero to stop. */
typedef int (*aj_acro_fn)(void *arg, const aj_acro_def *d);

/* Finds the definitions in text[0..len) (any bytes) and returns how many
 * were reported.  Allocates nothing. */
size_t aj_acronym_find(const char *text, size_t len, aj_acro_fn fn, void *arg);

/* Writes the key that groups spellings of one acronym or long form into
 * out (at least strlen(s) + 1 bytes): ASCII letters lower-cased, every run
 * of other ASCII bytes one space, none at the ends ("Japan East-Asia" and
 * "Japan-East Asia" are one).  Returns the byte after its NUL. */
char *aj_acronym_key(const char *s, char *out);

#endif
