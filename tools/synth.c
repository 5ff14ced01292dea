/*
 * synth - generates an English-like corpus for benchmarks.
 *
 *   synth --bytes N --out DIR [--seed S] [--file-bytes M] [--flat] LEARN_FILE...
 *
 * Word frequencies are learned from the LEARN_FILEs (the King James Bible
 * and the seed documents): their words, ranked by count, head a vocabulary
 * whose tail is made of pronounceable invented words, so that the number of
 * distinct words keeps growing with the corpus as in real text.  Words are
 * drawn over that ranking from the double power law measured on large
 * English corpora: frequency ~ 1/rank up to rank 8,000 (the core
 * vocabulary), then ~ rank^-1.7 in the tail, so that, as in real text, the
 * most frequent 8,000 words make about 87% of the tokens.  Draws use an
 * alias table (constant time per word).  Paragraphs hold 20-200 words in
 * sentences of 6-24 words; each starts with a capital and ends with a full
 * stop; paragraphs are separated by blank lines and files hold about M
 * bytes (default 4 MiB).  The same arguments always give the same bytes.
 *
 * --flat makes the vocabulary flat, as in collections of names, numbers
 * and codes rather than prose: one power law over every rank with the
 * exponent FLAT_EXPONENT (no core vocabulary: the most frequent 8,000
 * words make about a fifth of the tokens, not 87%), and one token in
 * FLAT_NUMBERS a number below 100,000.  Prose puts most tokens in a few
 * thousand words an indexer keeps in cache; here most tokens hit words
 * spread over hundreds of thousands, which is what a build's vocabulary
 * table and posting buffers cost at their worst.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_WORD 24
#define INVENTED 400000   /* tail of invented words */

typedef struct {
    char w[MAX_WORD + 1];
    uint8_t len;
    uint64_t count;
} word;

static uint64_t rng_state;

/* splitmix64: fast, good enough for text, reproducible everywhere. */
static inline uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint32_t below(uint32_t n) {
    return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* ---- learning word counts (open addressing over lowercase ASCII words) */

static word *vocab;
static size_t nvocab, capvocab;
static uint32_t *slots;
static size_t nslots = 1 << 18;

static uint64_t hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
    return h;
}

static void learn_word(const char *s, size_t n) {
    if (n == 0 || n > MAX_WORD) return;
    uint64_t h = hash(s, n) & (nslots - 1);
    while (slots[h]) {
        word *w = &vocab[slots[h] - 1];
        if (w->len == n && memcmp(w->w, s, n) == 0) {
            w->count++;
            return;
        }
        h = (h + 1) & (nslots - 1);
    }
    if (nvocab == capvocab) {
        capvocab = capvocab ? capvocab * 2 : 4096;
        vocab = realloc(vocab, capvocab * sizeof *vocab);
        if (!vocab) exit(2);
    }
    word *w = &vocab[nvocab];
    memcpy(w->w, s, n);
    w->w[n] = 0;
    w->len = (uint8_t)n;
    w->count = 1;
    slots[h] = (uint32_t)++nvocab;
    if (nvocab * 2 > nslots) {
        fprintf(stderr, "synth: too many distinct words to learn\n");
        exit(2);
    }
}

static void learn_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "synth: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char w[MAX_WORD + 1];
    size_t n = 0;
    int ch, skip = 0;
    while ((ch = getc_unlocked(f)) != EOF) {
        if (isalpha(ch)) {
            if (n < MAX_WORD)
                w[n++] = (char)tolower(ch);
            else
                skip = 1;
        } else {
            if (!skip) learn_word(w, n);
            n = 0;
            skip = 0;
        }
    }
    if (!skip) learn_word(w, n);
    fclose(f);
}

static int by_count(const void *a, const void *b) {
    const word *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->w, y->w);
}

/* Pronounceable invented words: consonant-vowel syllables. */
static void invent(word *w) {
    static const char *cons[] = {"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p",
                                 "r", "s", "t", "v", "w", "z", "br", "ch", "cr", "dr",
                                 "gr", "pl", "pr", "sh", "st", "th", "tr"};
    static const char *vow[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"};
    int syl = 2 + (int)below(3);
    size_t n = 0;
    for (int i = 0; i < syl; i++) {
        const char *c = cons[below(28)], *v = vow[below(10)];
        size_t lc = strlen(c), lv = strlen(v);
        if (n + lc + lv + 1 > MAX_WORD) break;
        memcpy(w->w + n, c, lc);
        n += lc;
        memcpy(w->w + n, v, lv);
        n += lv;
    }
    if (below(3) == 0 && n < MAX_WORD) w->w[n++] = "nrst"[below(4)];
    w->w[n] = 0;
    w->len = (uint8_t)n;
}

/* ---- alias table for Zipf sampling */

/* One 64-bit entry per rank: low 32 bits the acceptance threshold, high
 * 32 bits the alias, so a draw touches one cache line. */
static uint64_t *table;

#define CORE_RANKS 8000
#define TAIL_EXPONENT 1.7
#define FLAT_EXPONENT 0.8
#define FLAT_NUMBERS 10

static int flat;

static void build_alias(size_t n) {
    double *p = malloc(n * sizeof *p), sum = 0;
    uint32_t *alias = malloc(n * sizeof *alias);
    double *prob = malloc(n * sizeof *prob);
    table = malloc(n * sizeof *table);
    uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    if (!p || !alias || !prob || !small || !large || !table) exit(2);
    for (size_t i = 0; i < n; i++) {
        double r = (double)(i + 1);
        if (flat)
            p[i] = 1.0 / pow(r, FLAT_EXPONENT);
        else
            p[i] = r <= CORE_RANKS ? 1.0 / r
                                   : pow(CORE_RANKS, TAIL_EXPONENT - 1.0) / pow(r, TAIL_EXPONENT);
        sum += p[i];
    }
    size_t ns = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        p[i] = p[i] / sum * (double)n;
        if (p[i] < 1.0)
            small[ns++] = (uint32_t)i;
        else
            large[nl++] = (uint32_t)i;
    }
    while (ns && nl) {
        uint32_t a = small[--ns], b = large[nl - 1];
        prob[a] = p[a];
        alias[a] = b;
        p[b] = p[b] + p[a] - 1.0;
        if (p[b] < 1.0) {
            nl--;
            small[ns++] = b;
        }
    }
    while (nl) prob[large[--nl]] = 1.0;
    while (ns) prob[small[--ns]] = 1.0;
    for (size_t i = 0; i < n; i++) {
        double t = prob[i] * 4294967296.0;
        uint64_t th = t >= 4294967295.0 ? 0xFFFFFFFFu : (uint64_t)t;
        if (prob[i] >= 1.0) alias[i] = (uint32_t)i;
        table[i] = th | (uint64_t)alias[i] << 32;
    }
    free(p);
    free(alias);
    free(prob);
    free(small);
    free(large);
}

static inline uint32_t zipf(size_t n) {
    uint64_t r = rnd();
    uint32_t i = (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);
    uint64_t e = table[i];
    return (uint32_t)(r & 0xFFFFFFFFu) < (uint32_t)e ? i : (uint32_t)(e >> 32);
}

int main(int argc, char **argv) {
    uint64_t total = 0, file_bytes = 4u << 20, seed = 20261124;
    const char *out = NULL;
    const char **learn = calloc((size_t)argc, sizeof *learn);
    int nlearn = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
            total = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--file-bytes") && i + 1 < argc)
            file_bytes = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--flat"))
            flat = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "synth: unknown option %s\n", argv[i]);
            return 2;
        } else
            learn[nlearn++] = argv[i];
    }
    if (!total || !out || !nlearn) {
        fprintf(stderr, "usage: synth --bytes N --out DIR [--seed S] "
                        "[--file-bytes M] [--flat] LEARN_FILE...\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    slots = calloc(nslots, sizeof *slots);
    if (!slots) return 2;
    for (int i = 0; i < nlearn; i++) learn_file(learn[i]);
    free(learn);
    qsort(vocab, nvocab, sizeof *vocab, by_count);
    size_t learned = nvocab;
    rng_state = seed;
    vocab = realloc(vocab, (nvocab + INVENTED) * sizeof *vocab);
    if (!vocab) return 2;
    for (size_t i = 0; i < INVENTED; i++) invent(&vocab[nvocab++]);
    build_alias(nvocab);

    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "synth: %s: %s\n", out, strerror(errno));
        return 2;
    }
    size_t cap = (size_t)file_bytes + 8192;
    char *buf = malloc(cap);
    if (!buf) return 2;
    uint64_t written = 0;
    unsigned fileno = 0;
    rng_state = seed ^ 0x5DEECE66DULL;
    while (written < total) {
        size_t n = 0;
        uint64_t want = total - written < file_bytes ? total - written : file_bytes;
        while (n < want) {
            uint32_t words = 20 + below(181), left_in_sentence = 0;
            for (uint32_t k = 0; k < words; k++) {
                int capital = left_in_sentence == 0;
                if (capital) left_in_sentence = 6 + below(19);
                if (flat && below(FLAT_NUMBERS) == 0) {
                    n += (size_t)sprintf(buf + n, "%u", below(100000));
                } else {
                    const word *w = &vocab[zipf(nvocab)];
                    memcpy(buf + n, w->w, w->len);
                    if (capital) buf[n] = (char)toupper((unsigned char)buf[n]);
                    n += w->len;
                }
                if (--left_in_sentence == 0 || k + 1 == words) {
                    buf[n++] = '.';
                    left_in_sentence = 0;
                } else if (below(12) == 0) {
                    buf[n++] = ',';
                }
                buf[n++] = ' ';
            }
            buf[n - 1] = '\n';
            buf[n++] = '\n';
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/synth-%05u.txt", out, fileno++);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
            fprintf(stderr, "synth: %s: %s\n", path, strerror(errno));
            return 2;
        }
        written += n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "synth: %llu bytes in %u files, vocabulary %zu learned + %d invented "
            "words%s, %.2f s (%.0f MB/s)\n",
            (unsigned long long)written, fileno, learned, INVENTED,
            flat ? " (flat, with numbers)" : "", sec,
            written / 1e6 / sec);
    free(buf);
    return 0;
}
