/* acronym.c - acronym definitions in running text; see acronym.h. */
#include "acronym.h"

#include <string.h>

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

/* Letters and digits; bytes of multi-byte UTF-8 count as letters, so a
 * word with accents stays one word. */
static int is_wordch(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch >= 0x80;
}

static int is_space(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Ends a clause: a long form never spans one of these. */
static int is_stop(unsigned char ch) {
    return ch == '.' || ch == ';' || ch == ':' || ch == '!' || ch == '?' ||
           ch == '(' || ch == ')' || ch == '[' || ch == ']';
}

/* Is s[0..n) shaped like an acronym? */
static int acronym_shape(const char *s, size_t n) {
    if (n < 2 || n > AJ_ACRO_MAX || !(s[0] >= 'A' && s[0] <= 'Z')) return 0;
    int upper = 0, numeral = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(is_wordch(ch) && ch < 0x80) && ch != '-') return 0;
        upper += ch >= 'A' && ch <= 'Z';
        numeral &= ch == 'I' || ch == 'V' || ch == 'X';
    }
    return upper >= 2 && !numeral && s[n - 1] != '-';
}

static size_t count_words(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)s[i]) && (i == 0 || is_space((unsigned char)s[i - 1])))
            w++;
    return w;
}

static size_t letters(const char *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += is_wordch((unsigned char)s[i]);
    return k;
}

/* Schwartz-Hearst: the shortest end of t[0..n) whose letters hold the
 * acronym's letters and digits in order, its first one starting a word.
 * Returns the offset of the long form in t, or n when there is none. */
static size_t match_back(const char *acr, size_t alen, const char *t, size_t n) {
    size_t first = 0;
    while (first < alen && !is_wordch((unsigned char)acr[first])) first++;
    long li = (long)n - 1;
    for (long si = (long)alen - 1; si >= (long)first; si--) {
        int ch = lower((unsigned char)acr[si]);
        if (!is_wordch((unsigned char)ch)) continue;
        while (li >= 0 &&
               (lower((unsigned char)t[li]) != ch ||
                (si == (long)first && li > 0 && is_wordch((unsigned char)t[li - 1]))))
            li--;
        if (li < 0) return n;
        if (si > (long)first) li--;
    }
    return (size_t)li;
}

/* Words a long form may have without a letter in the acronym. */
static int is_small(const char *w, size_t n) {
    static const char *const small[] = {"a", "an", "and", "at", "by", "for", "in",
                                        "of", "on", "or", "the", "to", "with"};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (strlen(small[i]) == n) {
            size_t k = 0;
            while (k < n && lower((unsigned char)w[k]) == small[i][k]) k++;
            if (k == n) return 1;
        }
    return 0;
}

/* The better reading when it exists: each letter or digit of the acronym
 * (but a final plural 's') is the initial of one word, in order, and the
 * words between them are small ("Initiative for ASEAN Integration", where
 * the letter-anywhere rule would stop at "Integration").  Returns the
 * offset of the long form in t, or n. */
static size_t match_initials(const char *acr, size_t alen, const char *t, size_t n) {
    char want[AJ_ACRO_MAX];
    size_t nw = 0, ws[64], we[64], k = 0;
    for (size_t i = 0; i < alen; i++)
        if (is_wordch((unsigned char)acr[i])) want[nw++] = (char)lower((unsigned char)acr[i]);
    if (nw > 2 && acr[alen - 1] == 's') nw--;
    for (size_t i = 0; i < n && k < 64;) {
        while (i < n && !is_wordch((unsigned char)t[i])) i++;
        if (i == n) break;
        ws[k] = i;
        while (i < n && is_wordch((unsigned char)t[i])) i++;
        we[k++] = i;
    }
    long w = (long)k - 1, a = (long)nw - 1;
    while (a >= 0 && w >= 0) {
        if (lower((unsigned char)t[ws[w]]) == want[a]) {
            a--;
            w--;
        } else if (a < (long)nw - 1 && is_small(t + ws[w], we[w] - ws[w])) {
            w--;
        } else {
            return n;
        }
    }
    return a < 0 ? ws[w + 1] : n;
}

/* Trims blanks and punctuation other than letters and digits from both
 * ends of [*s, *e). */
static void trim(const char *t, size_t *s, size_t *e) {
    while (*s < *e && !is_wordch((unsigned char)t[*s])) (*s)++;
    while (*e > *s && !is_wordch((unsigned char)t[*e - 1])) (*e)--;
}

/* Checks a found long form and reports it. */
static int report(const char *acr, size_t alen, const char *lf, size_t llen,
                  aj_acro_fn fn, void *arg, size_t *found) {
    if (llen > AJ_ACRO_LONG_MAX || count_words(lf, llen) < 2 ||
        letters(lf, llen) <= letters(acr, alen))
        return 0;
    aj_acro_def d = {acr, alen, lf, llen};
    ++*found;
    return fn(arg, &d);
}

/* "Long Form (ACR)": the clause before the parenthesis at open. */
static int long_then_acr(const char *t, size_t open, const char *acr, size_t alen,
                         aj_acro_fn fn, void *arg, size_t *found) {
    size_t maxw = alen + 5 < 2 * alen ? alen + 5 : 2 * alen;
    size_t e = open, s, words = 0;
    while (e > 0 && is_space((unsigned char)t[e - 1])) e--;
    s = e;
    while (s > 0 && !is_stop((unsigned char)t[s - 1])) {
        if (is_space((unsigned char)t[s - 1]) && s < e && !is_space((unsigned char)t[s]) &&
            ++words >= maxw)
            break;
        s--;
    }
    size_t at = match_initials(acr, alen, t + s, e - s);
    if (at == e - s) at = match_back(acr, alen, t + s, e - s);
    if (at == e - s) return 0;
    size_t ls = s + at, le = e;
    trim(t, &ls, &le);
    return report(acr, alen, t + ls, le - ls, fn, arg, found);
}

/* "ACR (Long Form)": the acronym is the word before the parenthesis
 * [open, close] and the long form all of its inside. */
static int acr_then_long(const char *t, size_t open, size_t close, aj_acro_fn fn,
                         void *arg, size_t *found) {
    size_t e = open;
    while (e > 0 && is_space((unsigned char)t[e - 1])) e--;
    size_t s = e;
    while (s > 0 && !is_space((unsigned char)t[s - 1]) && !is_stop((unsigned char)t[s - 1]))
        s--;
    if (!acronym_shape(t + s, e - s)) return 0;
    size_t alen = e - s;
    size_t maxw = alen + 5 < 2 * alen ? alen + 5 : 2 * alen;
    size_t ls = open + 1, le = close;
    trim(t, &ls, &le);
    if (le <= ls || count_words(t + ls, le - ls) > maxw) return 0;
    for (size_t i = ls; i < le; i++)
        if (is_stop((unsigned char)t[i])) return 0;
    /* The whole inside must be the long form, from its first word. */
    if (match_initials(t + s, alen, t + ls, le - ls) != 0 &&
        match_back(t + s, alen, t + ls, le - ls) != 0)
        return 0;
    return report(t + s, alen, t + ls, le - ls, fn, arg, found);
}

size_t aj_acronym_find(const char *text, size_t len, aj_acro_fn fn, void *arg) {
    size_t found = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '(') continue;
        const char *close = memchr(text + i + 1, ')', len - i - 1);
        if (!close) break;
        size_t c = (size_t)(close - text);
        size_t s = i + 1, e = c;
        while (s < e && is_space((unsigned char)text[s])) s++;
        while (e > s && is_space((unsigned char)text[e - 1])) e--;
        int stop;
        if (acronym_shape(text + s, e - s))
            stop = long_then_acr(text, i, text + s, e - s, fn, arg, &found);
        else
            stop = acr_then_long(text, i, c, fn, arg, &found);
        if (stop) break;
    }
    return found;
}

char *aj_acronym_key(const char *s, char *out) {
    char *o = out;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (is_wordch(ch)) *o++ = (char)lower(ch);
        else if (o > out && o[-1] != ' ') *o++ = ' ';
    }
    if (o > out && o[-1] == ' ') o--;
    *o++ = 0;
    return o;
}
