/*
 * analyzer.c - the tokenizer: decodes, folds and classifies code points,
 * cuts words, and hands each to the stemmer.  See analyzer.h for the rules.
 */
#include "analyzer.h"

#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "stem.h"
#include "utf8.h"

struct aj_analyzer {
    aj_stemmer *stem;
    int no_stem;
};

aj_err aj_analyzer_new(aj_ctx *c, aj_analyzer **out) {
    aj_analyzer *a = calloc(1, sizeof *a);
    if (!a) return aj_fail(c, AJ_ENOMEM, "analyzer");
    aj_err e = aj_stemmer_new(c, &a->stem);
    if (e) {
        free(a);
        return e;
    }
    *out = a;
    return AJ_OK;
}

void aj_analyzer_free(aj_analyzer *a) {
    if (!a) return;
    aj_stemmer_free(a->stem);
    free(a);
}

static int is_apostrophe(uint32_t cp) {
    return cp == 0x27 || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
           cp == 0xFF07;
}

/* The class of the first folded code point at text[i..len), or SEP. */
static int peek_class(const uint8_t *s, size_t len, size_t i) {
    if (i >= len) return AJ_CL_SEP;
    uint32_t cp, f[AJ_FOLD_MAX];
    aj_utf8_decode(s + i, len - i, &cp);
    int n = aj_fold(cp, f);
    for (int k = 0; k < n; k++) {
        int cl = aj_class(f[k]);
        if (cl != AJ_CL_MARK) return cl;
    }
    return AJ_CL_SEP;
}

static int ascii_digit(uint8_t b) { return b >= '0' && b <= '9'; }

/* A comma at s[i] between digits that groups thousands: exactly three
 * ASCII digits follow, then no further digit. */
static int thousands_comma(const uint8_t *s, size_t len, size_t i) {
    return i + 3 < len && ascii_digit(s[i + 1]) && ascii_digit(s[i + 2]) &&
           ascii_digit(s[i + 3]) && (i + 4 >= len || !ascii_digit(s[i + 4]));
}

void aj_analyzer_set_stemming(aj_analyzer *a, int on) { a->no_stem = !on; }

static int has_digit(const char *w, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9') return 1;
    return 0;
}

aj_err aj_analyzer_term(aj_ctx *c, aj_analyzer *a, const char *word,
                        size_t len, const char **term, size_t *term_len) {
    /* Words are all letters or all digits (plus '.' in numbers); digits
     * mark a number, which is never stemmed. */
    if (has_digit(word, len)) {
        *term = word;
        *term_len = len;
        return AJ_OK;
    }
    size_t n;
    const char *s = aj_stem(a->stem, word, len, &n);
    if (!s) return aj_fail(c, AJ_ENOMEM, "stemmer");
    if (n == 0) { /* never expected; keep the word rather than "" */
        s = word;
        n = len;
    }
    *term = s;
    *term_len = n;
    return AJ_OK;
}

typedef struct {
    aj_ctx *c;
    aj_analyzer *a;
    aj_token_fn fn;
    void *arg;
    char word[AJ_MAX_WORD + 1];
    uint32_t wlen;
    int cls;            /* class of the word being built, SEP when none */
    uint32_t start, end;
    uint32_t pos;
    int stop;
    aj_err err;
} tok_state;

/* Emits the word being built, if any. */
static void flush(tok_state *t) {
    if (t->cls == AJ_CL_SEP) return;
    aj_token tk;
    tk.word = t->word;
    tk.word_len = t->wlen;
    tk.start = t->start;
    tk.end = t->end;
    tk.pos = t->pos++;
    t->word[t->wlen] = 0;
    if (t->a->no_stem) {
        tk.term = t->word;
        tk.term_len = t->wlen;
    } else {
        const char *s;
        size_t n;
        t->err = aj_analyzer_term(t->c, t->a, t->word, t->wlen, &s, &n);
        if (t->err) {
            t->stop = 1;
            t->cls = AJ_CL_SEP;
            return;
        }
        tk.term = s;
        tk.term_len = (uint32_t)n;
    }
    t->cls = AJ_CL_SEP;
    t->wlen = 0;
    if (t->fn(t->arg, &tk)) t->stop = 1;
}

aj_err aj_analyze(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                  uint32_t pos_base, aj_token_fn fn, void *arg) {
    const uint8_t *s = (const uint8_t *)text;
    tok_state t = {.c = c, .a = a, .fn = fn, .arg = arg, .cls = AJ_CL_SEP,
                   .pos = pos_base};
    int full = 0; /* the current word reached AJ_MAX_WORD */
    size_t i = 0;
    while (i < len && !t.stop) {
        uint32_t cp;
        size_t k;
        uint8_t b = s[i];
        /* ASCII fast path: no decoding or folding calls. */
        if (b < 0x80) {
            k = 1;
            cp = b;
            int cl = ascii_digit(b) ? AJ_CL_DIGIT
                     : ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ? AJ_CL_LETTER
                                                                 : AJ_CL_SEP;
            if (cl != AJ_CL_SEP) {
                if (t.cls != cl) {
                    flush(&t);
                    if (t.stop) break;
                    t.cls = cl;
                    t.start = (uint32_t)i;
                    full = 0;
                }
                if (!full) {
                    if (t.wlen < AJ_MAX_WORD)
                        t.word[t.wlen++] = (char)(cl == AJ_CL_LETTER ? (b | 0x20) : b);
                    else
                        full = 1;
                }
                t.end = (uint32_t)(i + 1);
                i++;
                continue;
            }
        } else {
            k = aj_utf8_decode(s + i, len - i, &cp);
        }
        /* Connectors that stay inside a word. */
        if (is_apostrophe(cp) && t.cls == AJ_CL_LETTER &&
            peek_class(s, len, i + k) == AJ_CL_LETTER) {
            if (!full) {
                if (t.wlen < AJ_MAX_WORD)
                    t.word[t.wlen++] = '\'';
                else
                    full = 1;
            }
            t.end = (uint32_t)(i + k);
            i += k;
            continue;
        }
        if (cp == '.' && t.cls == AJ_CL_DIGIT && i + 1 < len &&
            ascii_digit(s[i + 1])) {
            if (!full) {
                if (t.wlen < AJ_MAX_WORD)
                    t.word[t.wlen++] = '.';
                else
                    full = 1;
            }
            i += k;
            continue;
        }
        if (cp == ',' && t.cls == AJ_CL_DIGIT && thousands_comma(s, len, i)) {
            i += k;
            continue;
        }
        if (cp < 0x80) { /* other ASCII: a separator */
            flush(&t);
            i += k;
            continue;
        }
        uint32_t f[AJ_FOLD_MAX];
        int n = aj_fold(cp, f);
        for (int j = 0; j < n && !t.stop; j++) {
            int cl = aj_class(f[j]);
            if (cl == AJ_CL_MARK) continue;
            if (cl == AJ_CL_SEP) {
                flush(&t);
                continue;
            }
            if (t.cls != cl) {
                flush(&t);
                if (t.stop) break;
                t.cls = cl;
                t.start = (uint32_t)i;
                full = 0;
            }
            if (!full) {
                char buf[4];
                size_t m = aj_utf8_encode(f[j], buf);
                if (t.wlen + m <= AJ_MAX_WORD) {
                    memcpy(t.word + t.wlen, buf, m);
                    t.wlen += (uint32_t)m;
                } else {
                    full = 1;
                }
            }
            t.end = (uint32_t)(i + k);
        }
        i += k;
    }
    if (!t.stop) flush(&t);
    return t.err;
}

typedef struct {
    char *out;
    size_t cap, len;
    int n;
} one_word;

static int on_word(void *arg, const aj_token *t) {
    one_word *w = arg;
    if (++w->n == 1 && t->word_len < w->cap) {
        memcpy(w->out, t->word, t->word_len);
        w->out[t->word_len] = 0;
        w->len = t->word_len;
    }
    return w->n > 1;
}

aj_err aj_fold_word(aj_ctx *c, aj_analyzer *a, const char *text, size_t len,
                    char *out, size_t cap, size_t *out_len) {
    one_word w = {out, cap, 0, 0};
    aj_err e = aj_analyze(c, a, text, len, 0, on_word, &w);
    if (e) return e;
    if (w.n != 1)
        return aj_fail(c, AJ_EINVAL, "'%.*s' is not a single word",
                       (int)(len > 64 ? 64 : len), text);
    *out_len = w.len;
    return AJ_OK;
}
