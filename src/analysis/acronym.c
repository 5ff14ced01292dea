/* acronym.c - acronym definitions in running text; see acronym.h. */
#include "analysis/acronym.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "analysis/fold.h"
#include "common/utf8.h"

#define MAX_PARTS 48       /* parts of the clause before a parenthesis */
#define PART_CHARS 32      /* folded characters of a part looked at */
#define MAX_SKIPPED 2      /* parts without a letter, small words aside */
#define MAX_TAIL 7         /* a name's tail: the preposition and 6 parts */
#define MAX_CORE 15        /* min(|ACR| + 5, 2 |ACR|) for |ACR| <= 10 */
#define NONE 0xFFFF        /* no alignment */
#define MAX_STEPS 512      /* alignment steps for one parenthesis */

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

/* Letters and digits; bytes of multi-byte UTF-8 count as letters, so a
 * word with accents stays one word (for the byte-level shape checks). */
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
    if (n < 2 || n > AJ_ACRO_MAX || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '1' && s[0] <= '9')))
        return 0;
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

/* Does the whitespace-separated word w[0..n) occur in s[0..len)? */
static int has_word(const char *s, size_t len, const char *w, size_t n) {
    for (size_t i = 0; i + n <= len; i++)
        if ((i == 0 || is_space((unsigned char)s[i - 1])) && !memcmp(s + i, w, n) &&
            (i + n == len || is_space((unsigned char)s[i + n])))
            return 1;
    return 0;
}

/* ---- the parts of a long form ---- */

/* A part: a run of letters (with apostrophes between them) or of digits,
 * as the analyzer would make a word; hyphens and other punctuation
 * separate parts, whitespace also separates words. */
typedef struct {
    size_t s, e;               /* bytes in the text */
    uint32_t word;             /* whitespace-separated word it belongs to */
    uint8_t n;                 /* folded characters kept in f */
    char f[PART_CHARS];        /* folded; code points beyond ASCII as 0x80 */
    unsigned cap : 1;          /* starts with a capital */
    unsigned allcaps : 1;      /* two letters or more, none lower-case */
    unsigned small : 1;        /* a, an, among, and, ... */
    unsigned prep : 1;         /* in, of, on, for: may open a name's tail */
    unsigned number : 1;
    unsigned poss : 1;         /* Japan's, Ministers' */
} part;

typedef struct {
    part p[MAX_PARTS];
    uint32_t n;
} parts;

static int in_list(const char *f, size_t n, const char *const *list, size_t k) {
    for (size_t i = 0; i < k; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], f, n)) return 1;
    return 0;
}

static void classify(part *p, int upper, int lowers) {
    static const char *const small[] = {"a",  "an", "among", "and", "at", "by", "for",
                                        "in", "of", "on",    "or",  "the", "to", "with"};
    static const char *const prep[] = {"in", "of", "on", "for"};
    p->allcaps = upper >= 2 && !lowers;
    p->small = in_list(p->f, p->n, small, sizeof small / sizeof *small);
    p->prep = in_list(p->f, p->n, prep, sizeof prep / sizeof *prep);
}

static int is_apostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019; }

/* Cuts t[s..e) into parts, keeping the last MAX_PARTS. */
static void cut_parts(const char *t, size_t s, size_t e, parts *ps) {
    const uint8_t *u = (const uint8_t *)t;
    uint32_t word = 0;
    int in = 0, digits = 0, upper = 0, lowers = 0, prev_letter = 0;
    part *cur = NULL;
    ps->n = 0;
    for (size_t i = s; i < e;) {
        uint32_t cp, f[AJ_FOLD_MAX];
        size_t k = aj_utf8_decode(u + i, e - i, &cp);
        int nf = aj_fold(cp, f);
        int cls = nf > 0 ? aj_fold_class(f[0]) : AJ_FOLD_MARK;
        int keep = cls == AJ_FOLD_LETTER || cls == AJ_FOLD_DIGIT || cls == AJ_FOLD_MARK;
        int isdig = cls == AJ_FOLD_DIGIT;
        /* An apostrophe between letters stays in the word ("Japan's"). */
        if (!keep && in && !digits && prev_letter && is_apostrophe(cp) && i + k < e) {
            uint32_t nx, g[AJ_FOLD_MAX];
            aj_utf8_decode(u + i + k, e - i - k, &nx);
            if (aj_fold(nx, g) > 0 && aj_fold_class(g[0]) == AJ_FOLD_LETTER) {
                cur->e = i + k;
                if (cur->n < PART_CHARS) cur->f[cur->n++] = '\'';
                /* "Japan's": a possessive, not "O'Sullivan". */
                if (g[0] == 's') {
                    size_t after = i + k + 1;
                    uint32_t h = 0, hf[AJ_FOLD_MAX];
                    if (after < e) aj_utf8_decode(u + after, e - after, &h);
                    if (after >= e || aj_fold(h, hf) < 1 || aj_fold_class(hf[0]) != AJ_FOLD_LETTER)
                        cur->poss = 1;
                }
                i += k;
                prev_letter = 0;
                continue;
            }
        }
        if (keep && cls != AJ_FOLD_MARK && in && isdig != digits) {
            classify(cur, upper, lowers);
            in = 0;
        }
        if (!keep) {
            if (in) {
                classify(cur, upper, lowers);
                if (is_apostrophe(cp) && !digits) cur->poss = 1;
            }
            in = 0;
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) word++;
            prev_letter = 0;
            i += k;
            continue;
        }
        if (!in) {
            if (cls == AJ_FOLD_MARK) {
                i += k;
                continue;
            }
            if (ps->n == MAX_PARTS) {
                memmove(ps->p, ps->p + 1, (MAX_PARTS - 1) * sizeof *ps->p);
                ps->n--;
            }
            cur = &ps->p[ps->n++];
            memset(cur, 0, sizeof *cur);
            cur->s = i;
            cur->word = word;
            cur->number = isdig;
            cur->cap = cp < 0x80 ? (cp >= 'A' && cp <= 'Z') : utf8proc_isupper((utf8proc_int32_t)cp);
            in = 1;
            digits = isdig;
            upper = lowers = 0;
        }
        if (cls == AJ_FOLD_LETTER) {
            int up = cp < 0x80 ? (cp >= 'A' && cp <= 'Z') : utf8proc_isupper((utf8proc_int32_t)cp);
            upper += up;
            lowers += !up;
        }
        for (int j = 0; j < nf && cur->n < PART_CHARS; j++)
            cur->f[cur->n++] = f[j] < 0x80 ? (char)f[j] : (char)0x80;
        cur->e = i + k;
        prev_letter = cls == AJ_FOLD_LETTER;
        i += k;
    }
    if (in) classify(cur, upper, lowers);
}

/* ---- aligning the acronym with the parts ---- */

/* An acronym is letters, each its own unit, and runs of digits. */
typedef struct {
    char ch;                   /* lower-case letter, or 0 for digits */
    const char *digits;
    uint8_t ndigits;
} unit;

typedef struct {
    const parts *ps;
    unit u[AJ_ACRO_MAX];
    uint32_t nu, s, maxcore;
    int list;                  /* the long form holds a comma */
    const char *t;
    /* Best cost from (unit, part - s, next letter of the part, parts
     * skipped so far), valid when its stamp is the current one. */
    struct {
        uint16_t stamp, cost;
    } memo[AJ_ACRO_MAX + 1][MAX_CORE][PART_CHARS + 1][MAX_SKIPPED + 1];
    uint16_t stamp;            /* 0: memo not initialized */
    uint32_t steps;            /* left for this parenthesis */
} aligner;

static int units_of(const char *acr, size_t n, unit *u, uint32_t *nu) {
    *nu = 0;
    for (size_t i = 0; i < n;) {
        char ch = acr[i];
        if (ch >= '0' && ch <= '9') {
            size_t j = i;
            while (j < n && acr[j] >= '0' && acr[j] <= '9') j++;
            u[*nu] = (unit){0, acr + i, (uint8_t)(j - i)};
            ++*nu;
            i = j;
        } else {
            if (ch != '-') u[(*nu)++] = (unit){(char)lower((unsigned char)ch), NULL, 0};
            i++;
        }
    }
    return *nu > 0;
}

/* Is part p the number word for digit d (4IR: "Fourth Industrial
 * Revolution")? */
static int number_word(const part *p, char d) {
    static const char *const words[9][2] = {
        {"one", "first"}, {"two", "second"}, {"three", "third"},
        {"four", "fourth"}, {"five", "fifth"}, {"six", "sixth"},
        {"seven", "seventh"}, {"eight", "eighth"}, {"nine", "ninth"}};
    if (d < '1' || d > '9') return 0;
    return in_list(p->f, p->n, words[d - '1'], 2);
}

/* Does unit x begin at part p?  *next = the part's first letter not yet
 * used. */
static int initial(const part *p, const unit *x, uint32_t *next) {
    if (x->ch) {
        *next = 1;
        return !p->number && p->n && p->f[0] == x->ch;
    }
    /* Digits: the number, or its last digits (19 for 2019), or a number
     * word for one digit. */
    *next = p->n;
    if (x->ndigits == 1 && number_word(p, x->digits[0])) return 1;
    return p->number && p->n >= x->ndigits &&
           !memcmp(p->f + p->n - x->ndigits, x->digits, x->ndigits);
}

/* May the parts after the last lettered part `last` end the long form? */
static int tail_ok(const aligner *a, uint32_t last) {
    const parts *ps = a->ps;
    uint32_t n = ps->n - last - 1;
    if (n == 0) return 1;
    const part *first = &ps->p[last + 1];
    if (first->prep && n <= MAX_TAIL) {
        for (uint32_t i = last + 2; i < ps->n; i++)
            if (!ps->p[i].cap && !ps->p[i].small && !ps->p[i].number) return 0;
        return 1;
    }
    /* One more word of a list item's name: "Viet Nam". */
    return n == 1 && a->list && first->cap && !first->small && ps->p[last].cap &&
           first->word != ps->p[last].word;
}

#define COST_INSIDE 8          /* one letter from inside outweighs any skips */

/* The cheapest way to align units u.. when part p's letters before k are
 * used and `skipped` parts were skipped: letters from inside count
 * COST_INSIDE, each skipped part 1.  NONE if there is no way. */
static uint32_t align(aligner *a, uint32_t u, uint32_t p, uint32_t k, uint32_t skipped) {
    const parts *ps = a->ps;
    if (u == a->nu) return tail_ok(a, p) ? 0 : NONE;
    if (a->memo[u][p - a->s][k][skipped].stamp == a->stamp)
        return a->memo[u][p - a->s][k][skipped].cost;
    /* Real definitions take a few dozen steps; text made to look like a
     * thousand of them gets nothing rather than quadratic time. */
    if (!a->steps) return NONE;
    a->steps--;
    uint32_t best = NONE;
    const unit *x = &a->u[u];
    /* The earliest use of the letter inside part p leaves the most. */
    if (x->ch)
        for (uint32_t j = k; j < ps->p[p].n; j++)
            if (ps->p[p].f[j] == x->ch) {
                uint32_t r = align(a, u + 1, p, j + 1, skipped);
                if (r != NONE && r + COST_INSIDE < best) best = r + COST_INSIDE;
                break;
            }
    uint32_t skip = skipped;
    for (uint32_t q = p + 1; q < ps->n && q - a->s < a->maxcore; q++) {
        uint32_t next;
        if (initial(&ps->p[q], x, &next)) {
            uint32_t r = align(a, u + 1, q, next, skip);
            if (r != NONE && r + (skip - skipped) < best) best = r + (skip - skipped);
        }
        if (!ps->p[q].small && ++skip > MAX_SKIPPED) break;
    }
    a->memo[u][p - a->s][k][skipped].stamp = a->stamp;
    a->memo[u][p - a->s][k][skipped].cost = (uint16_t)best;
    return best;
}

/* The cost of the long form that starts at part s, NONE if the acronym
 * does not align with it. */
static uint32_t cost_from(aligner *a, uint32_t s) {
    const parts *ps = a->ps;
    uint32_t next;
    if (ps->p[s].small || !initial(&ps->p[s], &a->u[0], &next)) return NONE;
    a->s = s;
    a->list = 0;
    for (uint32_t i = s + 1; i < ps->n && !a->list; i++)
        a->list = memchr(a->t + ps->p[i - 1].e, ',', ps->p[i].s - ps->p[i - 1].e) != NULL;
    if (a->stamp == UINT16_MAX || !a->stamp) {
        memset(a->memo, 0, sizeof a->memo);
        a->stamp = 0;
    }
    a->stamp++;
    return align(a, 1, s, next, 0);
}

/* Only blanks between parts i and j (i < j), in different words. */
static int blank_between(const char *t, const part *i, const part *j) {
    if (i->word == j->word) return 0;
    for (size_t b = i->e; b < j->s; b++)
        if (!is_space((unsigned char)t[b])) return 0;
    return 1;
}

/* Is the word holding part i one with an acronym in it (ASEAN-Japan)? */
static int word_has_acronym(const parts *ps, uint32_t i) {
    for (uint32_t j = 0; j < ps->n; j++)
        if (ps->p[j].word == ps->p[i].word && ps->p[j].allcaps) return 1;
    return 0;
}

/* Where the long form ending at the parts' end starts: *start, or 0 when
 * there is none or the text leaves it in doubt. */
static int long_form_start(aligner *a, uint32_t *start) {
    const parts *ps = a->ps;
    uint32_t best = NONE, s = 0;
    /* The lettered parts and the tail: no earlier start can reach. */
    uint32_t from = ps->n > a->maxcore + MAX_TAIL ? ps->n - a->maxcore - MAX_TAIL : 0;
    for (uint32_t i = from; i < ps->n; i++) {
        uint32_t c = cost_from(a, i);
        if (c != NONE && c <= best) {   /* ties: the shorter */
            best = c;
            s = i;
        }
    }
    /* Out of steps, the best start is unknown: better nothing. */
    if (best == NONE || !a->steps) return 0;
    /* "Conference on [Cooperation ...]": the name starts at the word
     * before the preposition when the acronym can start there too. */
    while (s >= 2 && ps->p[s - 1].prep && blank_between(a->t, &ps->p[s - 1], &ps->p[s]) &&
           blank_between(a->t, &ps->p[s - 2], &ps->p[s - 1]) && ps->p[s - 2].cap &&
           !ps->p[s - 2].small && cost_from(a, s - 2) != NONE)
        s -= 2;
    if (!a->steps) return 0;
    /* A capitalized word right before: the name may start there. */
    if (s > 0) {
        const part *b = &ps->p[s - 1];
        if (blank_between(a->t, b, &ps->p[s]) && b->cap && !b->small && !b->poss &&
            !word_has_acronym(ps, s - 1))
            return 0;
    }
    *start = s;
    return 1;
}

/* Checks a found long form and reports it. */
static int report(const char *acr, size_t alen, const char *lf, size_t llen,
                  aj_acro_fn fn, void *arg, size_t *found) {
    if (llen > AJ_ACRO_LONG_MAX || count_words(lf, llen) < 2 ||
        letters(lf, llen) <= letters(acr, alen) || has_word(lf, llen, acr, alen))
        return 0;
    aj_acro_def d = {acr, alen, lf, llen};
    ++*found;
    return fn(arg, &d);
}

static void aligner_init(aligner *a, const parts *ps, const char *t, const char *acr,
                         size_t alen) {
    a->ps = ps;
    a->steps = MAX_STEPS;
    a->t = t;
    units_of(acr, alen, a->u, &a->nu);
    size_t n = 0;
    for (size_t i = 0; i < alen; i++) n += acr[i] != '-';
    a->maxcore = (uint32_t)(n + 5 < 2 * n ? n + 5 : 2 * n);
    if (a->maxcore > MAX_CORE) a->maxcore = MAX_CORE;
}

/* "Long Form (ACR)": the clause before the parenthesis at open. */
static int long_then_acr(aligner *a, const char *t, size_t open, const char *acr,
                         size_t alen, aj_acro_fn fn, void *arg, size_t *found) {
    size_t s = open;
    while (s > 0 && !is_stop((unsigned char)t[s - 1])) s--;
    parts ps;
    cut_parts(t, s, open, &ps);
    if (!ps.n) return 0;
    aligner_init(a, &ps, t, acr, alen);
    uint32_t start;
    if (!long_form_start(a, &start)) return 0;
    size_t ls = ps.p[start].s, le = ps.p[ps.n - 1].e;
    return report(acr, alen, t + ls, le - ls, fn, arg, found);
}

/* "ACR (Long Form)": the acronym is the word before the parenthesis
 * [open, close] and the long form all of its inside. */
static int acr_then_long(aligner *a, const char *t, size_t open, size_t close,
                         aj_acro_fn fn, void *arg, size_t *found) {
    size_t e = open;
    while (e > 0 && is_space((unsigned char)t[e - 1])) e--;
    size_t s = e;
    while (s > 0 && !is_space((unsigned char)t[s - 1]) && !is_stop((unsigned char)t[s - 1]))
        s--;
    if (!acronym_shape(t + s, e - s)) return 0;
    for (size_t i = open + 1; i < close; i++)
        if (is_stop((unsigned char)t[i])) return 0;
    parts ps;
    cut_parts(t, open + 1, close, &ps);
    if (!ps.n || ps.n == MAX_PARTS) return 0;
    aligner_init(a, &ps, t, t + s, e - s);
    /* The whole inside must be the long form, from its first word. */
    if (cost_from(a, 0) == NONE || !a->steps) return 0;
    size_t ls = ps.p[0].s, le = ps.p[ps.n - 1].e;
    return report(t + s, e - s, t + ls, le - ls, fn, arg, found);
}

size_t aj_acronym_find(const char *text, size_t len, aj_acro_fn fn, void *arg) {
    size_t found = 0;
    aligner a;                 /* its memo is cleared on first use */
    a.stamp = 0;
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
            stop = long_then_acr(&a, text, i, text + s, e - s, fn, arg, &found);
        else
            stop = acr_then_long(&a, text, i, c, fn, arg, &found);
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
