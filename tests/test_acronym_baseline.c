/* test_acronym_baseline.c - the Schwartz-Hearst algorithm (see
 * acronym_baseline.h), written from the paper and the behaviour of the
 * authors' program, and tests that it behaves as they describe.
 *
 * What the program does, step by step (each step below is one of it):
 *  - A candidate is " (" ... ")" in the text.  The long form candidate is
 *    the text between the last ". " or ", " before the parenthesis (or
 *    the start) and the parenthesis; the short form the inside, cut at
 *    its first ", " or "; ", extended to the next ")" when it holds a
 *    "(".
 *  - When the inside has more than two words, or is longer than the long
 *    form candidate, the shapes swap: the short form is the word before
 *    the parenthesis (it must hold a capital) and the inside the long
 *    form candidate.
 *  - The short form must hold a letter and start with a letter, a digit
 *    or "(" (tested before trimming), and be longer than one character.
 *  - The long form is found right to left: each letter or digit of the
 *    short form, from its last, is matched to the nearest equal character
 *    (case ignored) to the left of the previous match, and its first one
 *    must also begin a word (no letter or digit before it); the long form
 *    then starts at the beginning of the blank-separated word holding
 *    that match.  This finds the shortest long form.
 *  - It is rejected when shorter than the short form, when it holds the
 *    short form followed by a space or ends with it, when it has more than
 *    min(2 |SF|, |SF| + 5) words (split at blanks and hyphens; |SF| = the
 *    short form's letters and digits), or when |SF| > 10.
 *  - The search goes on after the ")".
 * Characters are Unicode code points (the program's are UTF-16 units, the
 * same for this corpus); letters and digits are Unicode's. */
#include "helpers.h"

#include <utf8proc.h>

#include "acronym_baseline.h"
#include "common/utf8.h"

/* The text as code points, with each one's byte offset. */
typedef struct {
    uint32_t *cp;
    size_t *off;             /* n + 1 entries */
    long n;
} cps;

/* A substring [a, b) of the text, in code points. */
typedef struct {
    long a, b;
} range;

static int is_alnum(uint32_t c) {
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) || k == UTF8PROC_CATEGORY_ND;
}

static int is_letter(uint32_t c) {
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

static uint32_t to_lower(uint32_t c) { return (uint32_t)utf8proc_tolower((utf8proc_int32_t)c); }

static int is_blank(uint32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* First occurrence of the ASCII pattern in r at or after from (absolute),
 * or -1. */
static long index_of(const cps *t, range r, const char *pat, long from) {
    long m = (long)strlen(pat);
    for (long i = from < r.a ? r.a : from; i + m <= r.b; i++) {
        long j = 0;
        while (j < m && t->cp[i + j] == (uint32_t)(unsigned char)pat[j]) j++;
        if (j == m) return i;
    }
    return -1;
}

/* Last occurrence starting at or before from (absolute), or -1. */
static long last_index_of(const cps *t, range r, const char *pat, long from) {
    long m = (long)strlen(pat);
    if (from > r.b - m) from = r.b - m;
    for (long i = from; i >= r.a; i--) {
        long j = 0;
        while (j < m && t->cp[i + j] == (uint32_t)(unsigned char)pat[j]) j++;
        if (j == m) return i;
    }
    return -1;
}

static range trim(const cps *t, range r) {
    while (r.a < r.b && t->cp[r.a] <= ' ') r.a++;
    while (r.b > r.a && t->cp[r.b - 1] <= ' ') r.b--;
    return r;
}

static long count_tokens(const cps *t, range r, int hyphen) {
    long k = 0;
    int in = 0;
    for (long i = r.a; i < r.b; i++) {
        int sep = is_blank(t->cp[i]) || (hyphen && t->cp[i] == '-');
        if (!sep && !in) k++;
        in = !sep;
    }
    return k;
}

static int has_letter(const cps *t, range r) {
    for (long i = r.a; i < r.b; i++)
        if (is_letter(t->cp[i])) return 1;
    return 0;
}

static int has_capital(const cps *t, range r) {
    for (long i = r.a; i < r.b; i++)
        if (utf8proc_isupper((utf8proc_int32_t)t->cp[i])) return 1;
    return 0;
}

static int valid_short_form(const cps *t, range r) {
    return has_letter(t, r) && (is_alnum(t->cp[r.a]) || t->cp[r.a] == '(');
}

/* The shortest end of lf that holds sf's letters and digits in order, the
 * first at a word start; .a = -1 when there is none. */
static range best_long_form(const cps *t, range sf, range lf) {
    long s = sf.b - 1, l = lf.b - 1;
    for (; s >= sf.a; s--) {
        uint32_t ch = to_lower(t->cp[s]);
        if (!is_alnum(ch)) continue;
        while ((l >= lf.a && to_lower(t->cp[l]) != ch) ||
               (s == sf.a && l > lf.a && is_alnum(t->cp[l - 1])))
            l--;
        if (l < lf.a) return (range){-1, -1};
        l--;
    }
    long sp = last_index_of(t, lf, " ", l);
    return (range){sp < 0 ? lf.a : sp + 1, lf.b};
}

static int contains(const cps *t, range hay, range needle, int then_space, int at_end) {
    long m = needle.b - needle.a + then_space;
    for (long i = at_end ? hay.b - m : hay.a; i >= hay.a && i + m <= hay.b; i++) {
        long j = 0;
        while (j < needle.b - needle.a && t->cp[i + j] == t->cp[needle.a + j]) j++;
        if (j == needle.b - needle.a && (!then_space || t->cp[i + j] == ' ')) return 1;
        if (at_end) break;
    }
    return 0;
}

static int extract_pair(const cps *t, const char *text, range sf, range lf, aj_acro_fn fn,
                        void *arg, size_t *found) {
    if (sf.b - sf.a == 1) return 0;
    range best = best_long_form(t, sf, lf);
    if (best.a < 0) return 0;
    long lsize = count_tokens(t, best, 1), ssize = 0;
    for (long i = sf.a; i < sf.b; i++) ssize += is_alnum(t->cp[i]);
    if (best.b - best.a < sf.b - sf.a || contains(t, best, sf, 1, 0) ||
        contains(t, best, sf, 0, 1) || lsize > ssize * 2 || lsize > ssize + 5 || ssize > 10)
        return 0;
    aj_acro_def d = {text + t->off[sf.a], t->off[sf.b] - t->off[sf.a], text + t->off[best.a],
                     t->off[best.b] - t->off[best.a]};
    ++*found;
    return fn(arg, &d);
}

static long index_of_char(const cps *t, range r, uint32_t c, long from) {
    for (long i = from; i < r.b; i++)
        if (t->cp[i] == c) return i;
    return -1;
}

static long max2(long a, long b) { return a > b ? a : b; }

size_t th_acronym_baseline(const char *text, size_t len, aj_acro_fn fn, void *arg) {
    cps t = {malloc((len + 1) * sizeof *t.cp), malloc((len + 2) * sizeof *t.off), 0};
    size_t found = 0;
    cr_assert(t.cp && t.off);
    for (size_t i = 0; i < len;) {
        t.off[t.n] = i;
        i += aj_utf8_decode((const uint8_t *)text + i, len - i, &t.cp[t.n]);
        t.n++;
    }
    t.off[t.n] = len;
    range cur = {0, t.n};
    long open = index_of(&t, cur, " (", cur.a);
    int stop = 0;
    do {
        range sf = {0, 0}, lf = {0, 0};
        long close = -1;
        if (open > -1) open++;
        long end = max2(last_index_of(&t, cur, ". ", cur.b), last_index_of(&t, cur, ", ", cur.b));
        if (open == -1 && end == -1) {
        } else if (open == -1) {
            cur.a = end + 2;
        } else if ((close = index_of_char(&t, cur, ')', open)) > -1) {
            end = max2(last_index_of(&t, cur, ". ", open), last_index_of(&t, cur, ", ", open));
            if (end == -1) end = cur.a - 2;
            lf = (range){end + 2, open};
            sf = (range){open + 1, close};
        }
        if (sf.b > sf.a || lf.b > lf.a) {
            if (sf.b - sf.a > 1 && lf.b - lf.a > 1) {
                long nc;
                if (index_of_char(&t, sf, '(', sf.a) > -1 &&
                    (nc = index_of_char(&t, cur, ')', close + 1)) > -1) {
                    sf.b = nc;
                    close = nc;
                }
                long k;
                if ((k = index_of(&t, sf, ", ", sf.a)) > -1) sf.b = k;
                if ((k = index_of(&t, sf, "; ", sf.a)) > -1) sf.b = k;
                if (count_tokens(&t, sf, 0) > 2 || sf.b - sf.a > lf.b - lf.a) {
                    /* The long form is inside: the short form is the word
                     * before the parenthesis. */
                    long sp = last_index_of(&t, cur, " ", open - 2);
                    lf = sf;
                    sf = (range){sp < 0 ? cur.a : sp + 1, open - 1};
                    if (!has_capital(&t, sf)) sf = (range){0, 0};
                }
                if (sf.b > sf.a && valid_short_form(&t, sf))
                    stop = extract_pair(&t, text, trim(&t, sf), trim(&t, lf), fn, arg, &found);
            }
            cur.a = close + 1;
        } else if (open > -1) {
            break;  /* no ")": the program waits for more lines */
        }
    } while (!stop && (open = index_of(&t, cur, " (", cur.a)) > -1);
    free(t.cp);
    free(t.off);
    return found;
}

/* ---- it behaves as described ---- */

typedef struct {
    char got[1024];
    size_t n;
} found;

static int collect(void *arg, const aj_acro_def *d) {
    found *f = arg;
    f->n += (size_t)snprintf(f->got + f->n, sizeof f->got - f->n, "%s%.*s=%.*s",
                             f->n ? "|" : "", (int)d->acr_len, d->acr,
                             (int)d->lf_len, d->lf);
    return 0;
}

static void baseline_finds(const char *text, const char *want) {
    found f = {{0}, 0};
    th_acronym_baseline(text, strlen(text), collect, &f);
    cr_assert_str_eq(f.got, want, "text: %s", text);
}

Test(acronym_baseline, shortest_match_right_to_left) {
    baseline_finds("the 1982 United Nations Convention on the Law of the Sea (UNCLOS) says",
                   "UNCLOS=United Nations Convention on the Law of the Sea");
    /* The nearest letters win, wherever they are in a word. */
    baseline_finds("the ASEAN Centre for Active Ageing and Innovation (ACAI) opened",
                   "ACAI=Active Ageing and Innovation");
    baseline_finds("effective Code of Conduct in the South China Sea (COC) soon",
                   "COC=Conduct in the South China Sea");
    /* The first letter must begin a word. */
    baseline_finds("the heat shock transcription factor (HSF) binds",
                   "HSF=heat shock transcription factor");
}

Test(acronym_baseline, comma_and_full_stop_end_the_candidate) {
    baseline_finds("gender equality including the Women, Peace, and Security (WPS) agenda", "");
    baseline_finds("Done. Official Development Assistance (ODA) grew",
                   "ODA=Official Development Assistance");
}

Test(acronym_baseline, long_form_inside) {
    baseline_finds("Parties to UNCLOS (United Nations Convention on the Law of the Sea) agreed",
                   "UNCLOS=United Nations Convention on the Law of the Sea");
}

Test(acronym_baseline, limits) {
    baseline_finds("in 2020 (i) and (2023) nothing", "");           /* one letter, no letter */
    baseline_finds("Alpha Beta(AB) glued", "");                        /* needs " (" */
    baseline_finds("of a very long name indeed here now (AN)", "");  /* 7 words > 4 */
    baseline_finds("x (AB", "");
    baseline_finds("", "");
}
