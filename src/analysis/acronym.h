/*
 * acronym.h - finds acronym definitions in a paragraph's text.
 *
 * Two shapes, as documents write them:
 *   Long Form Words (ACR)      "... Convention on the Law of the Sea (UNCLOS)"
 *   ACR (Long Form Words)      "UNCLOS (United Nations Convention on ...)"
 *
 * ACR is one word of 2..10 ASCII letters, digits and hyphens that starts
 * with a capital or a digit and has at least two capitals, and is not a
 * Roman numeral; "(2023)", "(see above)" and "(i)" are not acronyms.
 *
 * The long form is the end of the clause before the parenthesis (no
 * . ; : ! ? ( ) [ ] inside).  Its words are cut into parts at hyphens and
 * other punctuation ("Indo-Pacific" is two parts), and the acronym's
 * letters are aligned with the parts, left to right: a letter is the
 * initial of a part, or a later letter of a part whose initial is already
 * used ("Cybercrime" gives the two C of AJCC, "gRaduate" the R of GRIPS);
 * a run of digits is a number of the text, or its last digits ("19" of
 * "Coronavirus Diseases 2019 (COVID-19)"), and one digit may be a number
 * word ("Fourth Industrial Revolution (4IR)").  Small words (a, an, among,
 * and, at, by, for, in, of, on, or, the, to, with) may give a letter ("of"
 * in "Code of Conduct") or be skipped; at most two other parts may be
 * skipped.  Of all the alignments, the one with the fewest letters taken
 * from inside parts wins, then the one skipping the fewest parts, then the
 * shortest.  After the last part that gives a letter the long form may go
 * on only with a name's tail: "in", "of", "on" or "for" then at most 6
 * parts that are capitalized or small ("Code of Conduct in the South China
 * Sea"), or, in a list, one more capitalized word ("Cambodia, Lao PDR,
 * Myanmar and Viet Nam").
 *
 * Where a name starts decides the rest: a long form is not reported when
 * the word right before it is capitalized (neither a small word, nor a
 * possessive, nor a word holding an acronym such as "ASEAN-Japan"),
 * because the name may well begin there without a letter in the acronym
 * ("National Graduate Institute for Policy Studies (GRIPS)") or not
 * ("Special ASEAN Plus Three (APT) Summit"), and the text does not say
 * which.  When it is preceded by "of", "on" or "for" after a capitalized
 * word with the acronym's first letter, that word starts it ("Conference
 * on Cooperation among East Asian countries for Palestinian Development
 * (CEAPAD)").  The long form has at most min(|ACR| + 5, 2 |ACR|) parts up
 * to its last lettered one (|ACR| counting letters and digits), two words
 * or more, more letters than the acronym, and not the acronym itself as a
 * word.  README "Acronyms and compounds" measures this against the
 * published algorithm (Schwartz and Hearst, 2003) on the seed corpus.
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
