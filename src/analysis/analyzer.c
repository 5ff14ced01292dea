/*
 * analyzer.c - the tokenizer: bytes -> code points -> folded "units" ->
 * words -> terms.  The rules are listed in analyzer.h.
 *
 * The loop reads one unit at a time.  A unit is one folded code point
 * together with the byte range of the source code point it came from (a
 * code point that folds to several, like ﬁ, gives several units sharing
 * one range).  ASCII takes a short cut: a byte is its own unit, its class
 * comes from a table, and a run of ASCII letters or digits is copied in a
 * tight loop.  Everything else goes through aj_utf8_decode and aj_fold.
 *
 * The connectors (apostrophe, '.', ',') depend on what follows them, so
 * they look ahead with peek_units().  The look-ahead is bounded by a few
 * units and skips only combining marks; a byte is looked at by at most a
 * handful of look-aheads, so analysis stays linear.
 */
#include "analysis/analyzer.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/fold.h"
#include "analysis/stem.h"
#include "common/utf8.h"

/* Unit classes: the fold.h classes, plus the three connectors and a
 * marker for bytes that start a multi-byte sequence. */
enum {
    U_SEP = AJ_FOLD_SEP,
    U_LETTER = AJ_FOLD_LETTER,
    U_DIGIT = AJ_FOLD_DIGIT,
    U_MARK = AJ_FOLD_MARK,
    U_APOS,  /* ' U+2019 U+2018 U+02BC (U+FF07 folds to ') */
    U_DOT,   /* . */
    U_COMMA, /* , */
    U_HIGH   /* a byte >= 0x80: decode it */
};

/* Classes of the bytes 0x00..0x7F (a byte's class is its unit's class,
 * ASCII folding being only A-Z -> a-z). */
static const uint8_t ascii_class[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* controls */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* controls */
    0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 6, 0, 5, 0, /*  !"#$%&'()*+,-./ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, /* 0-9 :;<=>? */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* @A-O */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* P-Z [\]^_ */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* `a-o */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* p-z {|}~ DEL */
};

_Static_assert(U_APOS == 4 && U_DOT == 5 && U_COMMA == 6 &&
                   U_LETTER == 1 && U_DIGIT == 2 && U_SEP == 0,
               "ascii_class spells these values out");

static inline int byte_class(uint8_t b) {
    return b < 0x80 ? ascii_class[b] : U_HIGH;
}

/* Class of a folded code point. */
static int unit_class(uint32_t u) {
    if (u < 0x80) return ascii_class[u];
    /* U+02BC is a letter (Lm) to Unicode; as an apostrophe it must not
     * simply join words, so it is tested first. */
    if (u == 0x2019 || u == 0x2018 || u == 0x02BC || u == 0xFF07)
        return U_APOS;
    return aj_fold_class(u);
}

struct aj_analyzer {
    aj_stemmer *stemmer;
    int stemming;
    char term[AJ_MAX_WORD + 1]; /* aj_analyzer_term's answer */
};

aj_err aj_analyzer_new(aj_ctx *c, aj_analyzer **out) {
    aj_analyzer *a = calloc(1, sizeof *a);
    if (!a) return aj_fail(c, AJ_ENOMEM, "analyzer: out of memory");
    aj_err e = aj_stemmer_new(c, &a->stemmer);
    if (e) {
        free(a);
        return e;
    }
    a->stemming = 1;
    *out = a;
    return AJ_OK;
}

void aj_analyzer_free(aj_analyzer *a) {
    if (!a) return;
    aj_stemmer_free(a->stemmer);
    free(a);
}

void aj_analyzer_set_stemming(aj_analyzer *a, int on) {
    if (a) a->stemming = on != 0;
}

/* The state of one aj_analyze call.  The word and term buffers live here,
 * on the caller's stack, so a callback may analyze other text with the
 * same analyzer without clobbering the token it was handed. */
typedef struct {
    aj_ctx *c;
    aj_analyzer *a;
    int stemming;
    aj_token_fn fn;
    void *arg;
    aj_err err;
    uint64_t pos;         /* position of the next token */
    int cls;              /* U_LETTER or U_DIGIT while a word is open,
                             U_SEP between words */
    int cut;              /* the open word lost its tail (rule 6) */
    uint32_t len;         /* bytes in word */
    uint32_t start, end;  /* the open word's byte range */
    char word[AJ_MAX_WORD + 1];
    char term[AJ_MAX_WORD + 1];
} tokenizer;

/* Delivers the open word and closes it.  Returns non-zero when analysis
 * must stop: the callback asked for it, or t->err was set. */
static int emit(tokenizer *t) {
    int cls = t->cls;
    uint32_t n = t->len;
    if (t->cut && (t->word[n - 1] == '\'' || t->word[n - 1] == '.'))
        n--; /* a connector is only kept between two letters or digits */
    t->cls = U_SEP;
    t->cut = 0;
    t->len = 0;
    if (t->pos > UINT32_MAX) {
        t->err = aj_fail(t->c, AJ_ELIMIT,
                         "analyzer: token positions pass 2^32 - 1");
        return 1;
    }
    aj_token tok;
    t->word[n] = 0;
    tok.word = t->word;
    tok.word_len = n;
    tok.term = t->word;
    tok.term_len = n;
    if (cls == U_LETTER && t->stemming) {
        size_t k;
        t->err = aj_stem(t->c, t->a->stemmer, t->word, n, t->term,
                         AJ_MAX_WORD, &k);
        if (t->err) return 1;
        t->term[k] = 0;
        tok.term = t->term;
        tok.term_len = (uint32_t)k;
    }
    tok.pos = (uint32_t)t->pos++;
    tok.start = t->start;
    tok.end = t->end;
    return t->fn(t->arg, &tok) != 0;
}

/* Closes the open word, if any, and opens one of class cls at start. */
static int open_word(tokenizer *t, int cls, size_t start) {
    if (t->cls != U_SEP && emit(t)) return 1;
    t->cls = cls;
    t->start = (uint32_t)start;
    return 0;
}

/* Appends the bytes of one code point to the open word, unless the word
 * has been cut: once a code point does not fit, the rest of the run is
 * skipped even if later ones would. */
static void push_bytes(tokenizer *t, const char *b, size_t m) {
    if (t->cut) return;
    if (t->len + m > AJ_MAX_WORD) {
        t->cut = 1;
        return;
    }
    memcpy(t->word + t->len, b, m);
    t->len += (uint32_t)m;
}

static void push_cp(tokenizer *t, uint32_t u) {
    char b[AJ_UTF8_MAX];
    push_bytes(t, b, aj_utf8_encode(u, b));
}

/* Writes to cls[] the classes of up to `want` units that follow the
 * current one, skipping combining marks: first the rest of the current
 * code point's expansion (pend[0..npend)), then the text from byte i.
 * Returns how many it found (fewer at the end of the text). */
static int peek_units(const uint8_t *s, size_t len, size_t i,
                      const uint32_t *pend, int npend, int *cls, int want) {
    int got = 0;
    for (int j = 0; j < npend && got < want; j++) {
        int k = unit_class(pend[j]);
        if (k != U_MARK) cls[got++] = k;
    }
    while (got < want && i < len) {
        if (s[i] < 0x80) {
            cls[got++] = ascii_class[s[i++]];
            continue;
        }
        uint32_t cp, f[AJ_FOLD_MAX];
        i += aj_utf8_decode(s + i, len - i, &cp);
        int n = aj_fold(cp, f);
        for (int j = 0; j < n && got < want; j++) {
            int k = unit_class(f[j]);
            if (k != U_MARK) cls[got++] = k;
        }
    }
    return got;
}

/* A thousands separator: exactly three digits follow, then a non-digit
 * or the end of the text. */
static int thousands_follow(const uint8_t *s, size_t len, size_t i,
                            const uint32_t *pend, int npend) {
    int k[4];
    int n = peek_units(s, len, i, pend, npend, k, 4);
    return n >= 3 && k[0] == U_DIGIT && k[1] == U_DIGIT && k[2] == U_DIGIT &&
           (n == 3 || k[3] != U_DIGIT);
}

/* A run of ASCII letters (lowered) or digits starting at s[i]: the bulk
 * of English text.  Returns the index after the run. */
static size_t ascii_run(tokenizer *t, const uint8_t *s, size_t len,
                        size_t i, int cls) {
    /* Locals, not t->...: stores through char pointers may alias
     * anything, which would make the compiler reload t on every byte. */
    uint8_t lower = cls == U_LETTER ? 0x20 : 0;
    char *w = t->word;
    uint32_t n = t->len;
    int cut = t->cut;
    do {
        if (!cut) {
            if (n < AJ_MAX_WORD)
                w[n++] = (char)(s[i] | lower);
            else
                cut = 1;
        }
        i++;
    } while (i < len && byte_class(s[i]) == cls);
    t->len = n;
    t->cut = cut;
    t->end = (uint32_t)i;
    return i;
}

/* Handles a connector unit (cls U_APOS, U_DOT or U_COMMA) whose source
 * ends at byte uend.  Returns 1 if it stays in (or is dropped from) the
 * open word, 0 if it separates. */
static int connector(tokenizer *t, int cls, size_t uend, const uint8_t *s,
                     size_t len, size_t i, const uint32_t *pend, int npend) {
    int next;
    switch (cls) {
    case U_APOS:
        if (t->cls != U_LETTER ||
            peek_units(s, len, i, pend, npend, &next, 1) != 1 ||
            next != U_LETTER)
            return 0;
        push_bytes(t, "'", 1);
        t->end = (uint32_t)uend;
        return 1;
    case U_DOT:
        if (t->cls != U_DIGIT ||
            peek_units(s, len, i, pend, npend, &next, 1) != 1 ||
            next != U_DIGIT)
            return 0;
        push_bytes(t, ".", 1);
        t->end = (uint32_t)uend;
        return 1;
    case U_COMMA:
        /* Dropped: the digits after it join the word and move its end. */
        return t->cls == U_DIGIT && thousands_follow(s, len, i, pend, npend);
    default:
        return 0;
    }
}

static aj_err tokenize(tokenizer *t, const uint8_t *s, size_t len) {
    uint32_t pend[AJ_FOLD_MAX]; /* the current code point, folded */
    int npend = 0, ipend = 0;   /* pend[ipend..npend) not yet consumed */
    size_t cp_start = 0, cp_end = 0; /* its bytes in s */
    size_t i = 0;                    /* next byte to decode */
    for (;;) {
        uint32_t u;
        int cls;
        size_t ustart, uend;
        if (ipend < npend) {
            u = pend[ipend++];
            cls = unit_class(u);
            ustart = cp_start;
            uend = cp_end;
        } else {
            if (i >= len) break;
            cls = byte_class(s[i]);
            if (cls == U_LETTER || cls == U_DIGIT) {
                if (t->cls != cls && open_word(t, cls, i)) return t->err;
                i = ascii_run(t, s, len, i, cls);
                continue;
            }
            if (cls == U_HIGH) {
                uint32_t cp;
                size_t k = aj_utf8_decode(s + i, len - i, &cp);
                cp_start = i;
                cp_end = i + k;
                i += k;
                ipend = 0;
                if (cp == 0x2019) { /* common in English; folds to itself */
                    pend[0] = cp;
                    npend = 1;
                } else {
                    npend = aj_fold(cp, pend);
                }
                /* A combining mark folds to nothing, but the reader sees
                 * it as part of the letter before it. */
                if (npend == 0 && t->cls != U_SEP) t->end = (uint32_t)cp_end;
                continue;
            }
            u = s[i];
            ustart = i;
            uend = ++i;
        }
        switch (cls) {
        case U_LETTER:
        case U_DIGIT:
            if (t->cls != cls && open_word(t, cls, ustart)) return t->err;
            push_cp(t, u);
            t->end = (uint32_t)uend;
            break;
        case U_MARK:
            if (t->cls != U_SEP) t->end = (uint32_t)uend;
            break;
        default:
            if (connector(t, cls, uend, s, len, i, pend + ipend,
                          npend - ipend))
                break;
            if (t->cls != U_SEP && emit(t)) return t->err;
            break;
        }
    }
    if (t->cls != U_SEP) emit(t);
    return t->err;
}

static aj_err analyze_text(aj_ctx *c, aj_analyzer *a, int stemming, const char *text,
                           size_t len, uint32_t pos_base, aj_token_fn fn, void *arg) {
    if (!a || !fn || (!text && len > 0))
        return aj_fail(c, AJ_EINVAL, "analyzer: NULL argument");
    if (len > UINT32_MAX)
        return aj_fail(c, AJ_EINVAL,
                       "analyzer: %zu bytes of text; byte offsets are 32-bit",
                       len);
    tokenizer t;
    t.c = c;
    t.a = a;
    t.stemming = stemming;
    t.fn = fn;
    t.arg = arg;
    t.err = AJ_OK;
    t.pos = pos_base;
    t.cls = U_SEP;
    t.cut = 0;
    t.len = 0;
    t.start = t.end = 0;
    return tokenize(&t, (const uint8_t *)text, len);
}

aj_err aj_analyze(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                  uint32_t pos_base, aj_token_fn fn, void *arg) {
    return analyze_text(c, a, a ? a->stemming : 0, text, len, pos_base, fn, arg);
}

/* aj_analyzer_term with the stem cache's key when key is not NULL. */
static aj_err term_of(aj_ctx *c, aj_analyzer *a, const char *word, size_t len,
                      const uint64_t *key, const char **term, size_t *term_len) {
    if (!a || !word || len == 0 || len > AJ_MAX_WORD)
        return aj_fail(c, AJ_EINVAL,
                       "analyzer: a word must have 1 to %d bytes",
                       AJ_MAX_WORD);
    /* Words are all letters or all digits (with '.'), so the first code
     * point tells which. */
    uint32_t cp;
    aj_utf8_decode((const uint8_t *)word, len, &cp);
    if (unit_class(cp) == U_DIGIT) {
        *term = word;
        *term_len = len;
        return AJ_OK;
    }
    size_t k;
    aj_err e = key ? aj_stem_at(c, a->stemmer, word, len, *key, a->term, AJ_MAX_WORD, &k)
                   : aj_stem(c, a->stemmer, word, len, a->term, AJ_MAX_WORD, &k);
    if (e) return e;
    a->term[k] = 0;
    *term = a->term;
    *term_len = k;
    return AJ_OK;
}

aj_err aj_analyzer_term(aj_ctx *c, aj_analyzer *a, const char *word,
                        size_t len, const char **term, size_t *term_len) {
    return term_of(c, a, word, len, NULL, term, term_len);
}

uint64_t aj_analyzer_term_ahead(const aj_analyzer *a, const char *word, size_t len) {
    return a && word && len ? aj_stem_ahead(a->stemmer, word, len) : 0;
}

aj_err aj_analyzer_term_at(aj_ctx *c, aj_analyzer *a, const char *word, size_t len,
                           uint64_t key, const char **term, size_t *term_len) {
    return term_of(c, a, word, len, &key, term, term_len);
}

/* aj_fold_word's callback: keeps the first word, stops at a second. */
typedef struct {
    int nwords;
    uint32_t len;
    char word[AJ_MAX_WORD + 1];
} single_word;

static int keep_single(void *arg, const aj_token *t) {
    single_word *w = arg;
    if (++w->nwords > 1) return 1;
    memcpy(w->word, t->word, t->word_len);
    w->len = t->word_len;
    return 0;
}

aj_err aj_fold_word(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                    char *out, size_t cap, size_t *out_len) {
    single_word w;
    w.nwords = 0;
    w.len = 0;
    aj_err e = analyze_text(c, a, 0, text, len, 0, keep_single, &w);
    if (e) return e;
    /* The message quotes at most 64 bytes of the text. */
    const char *q = text ? text : "";
    int shown = len > 64 ? 64 : (int)len;
    if (w.nwords != 1)
        return aj_fail(c, AJ_EINVAL, "'%.*s' makes %s word", shown, q,
                       w.nwords == 0 ? "no" : "more than one");
    if (!out || cap < (size_t)w.len + 1)
        return aj_fail(c, AJ_EINVAL,
                       "'%.*s': %u-byte word, %zu-byte buffer", shown, q,
                       w.len, cap);
    memcpy(out, w.word, w.len);
    out[w.len] = 0;
    if (out_len) *out_len = w.len;
    return AJ_OK;
}
