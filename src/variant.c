/*
 * variant.c - see variant.h.
 *
 * Each rule is a British suffix, its American replacement, and either a
 * list of bases it applies to (where the pattern is rare and most words
 * ending that way are not British spellings: colour but not four, centre
 * but not genre) or a list of bases it must not touch (where the pattern
 * is productive: any -ise verb is an -ize verb except advise, exercise,
 * ...).  The base is the word without the suffix.
 */
#include "variant.h"

#include <string.h>

typedef struct {
    const char *uk, *us;
} pair;

/* Inflections shared by a family of rules: "ise" + "d" is "ised". */
static const char *const VERB_ENDINGS[] = {"", "s", "d", "r", "rs", NULL};

/* -ise/-ize: bases (at least three letters) whose -ise is not -ize. */
static const char *const ISE_KEEP[] = {
    "adv", "advert", "chast", "circumc", "clockw", "compr", "comprom", "conc",
    "dem", "desp", "dev", "disgu", "enterpr", "exc", "exerc", "expert",
    "franch", "improv", "inc", "likew", "merchand", "otherw", "parad", "prec",
    "prem", "prom", "pra", "rev", "repr", "superv", "surm", "surpr", "telev",
    "treat", "mort", "torto", "porpo", "turquo", "cer", "val", "chem",
    "marqu", "cru", "bru", "sunr", "upr", "streetw", "appra", "w", "ra",
    "po", "no", "ar", "gu", NULL};

/* Prefixes under which a kept base stays kept (unsupervised, imprecise,
 * unwise, overexercised). */
static const char *const PREFIXES[] = {"un", "re", "over", "under", "im", "in",
                                       "dis", "pre", "mis", "counter", "self",
                                       "super", "non", NULL};

/* -our/-or: the bases that take it. */
static const char *const OUR_BASES[] = {
    "col", "hon", "lab", "fav", "behavi", "neighb", "harb", "endeav", "rum",
    "vig", "hum", "od", "arm", "savi", "splend", "val", "vap", "tum", "parl",
    "rig", "clam", "cand", "ard", "sav", "flav", "ferv", "demean", "dishon",
    "discol", "unfav", "misbehavi", NULL};
static const char *const OUR_ENDINGS[] = {
    "", "s", "ed", "ing", "able", "ably", "ite", "ites", "ful", "er", "ers",
    "hood", "hoods", "less", "ist", "ists", "y", "ation", "al", "ally", NULL};

/* -re/-er: the bases that take it. */
static const char *const RE_BASES[] = {
    "cent", "theat", "met", "lit", "fib", "calib", "somb", "spect", "lust",
    "meag", "sab", "sepulch", "kilomet", "centimet", "millimet", "epicent",
    NULL};
/* (Not "centred" -> "centered": a rule may never lengthen a word, since
 * callers size their buffers by it.) */
static const char *const RE_ENDINGS[][2] = {{"re", "er"}, {"res", "ers"}, {NULL, NULL}};

/* -ence/-ense. */
static const char *const ENCE_BASES[] = {"def", "off", "lic", "pret", NULL};

/* -lled/-lling/-ller: the bases (ending in l) that double it in Britain. */
static const char *const LL_BASES[] = {
    "travel", "cancel", "label", "model", "fuel", "level", "signal",
    "channel", "counsel", "marshal", "pedal", "total", "tunnel", "dial",
    "equal", "rival", "jewel", "quarrel", "shovel", "initial", "panel",
    "parcel", "pencil", "marvel", "duel", "refuel", "remodel", "relabel",
    "unravel", "grovel", "yodel", "snorkel", "spiral", "libel", "funnel",
    NULL};

/* -ogue/-og. */
static const char *const OGUE_BASES[] = {"catal", "dial", "anal", "prol",
                                         "epil", "monol", NULL};

static int in(const char *const *list, const char *s, size_t n) {
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0) return 1;
    return 0;
}

/* Whether the -ise of base w[0..b) must stay. */
static int ise_kept(const char *w, size_t b) {
    if (in(ISE_KEEP, w, b)) return 1;
    for (size_t i = 0; PREFIXES[i]; i++) {
        size_t k = strlen(PREFIXES[i]);
        if (k < b && memcmp(w, PREFIXES[i], k) == 0 && in(ISE_KEEP, w + k, b - k))
            return 1;
    }
    return 0;
}

static int ends(const char *w, size_t n, const char *suf, size_t *base) {
    size_t k = strlen(suf);
    if (k > n || memcmp(w + n - k, suf, k) != 0) return 0;
    *base = n - k;
    return 1;
}

/* out = w[0..base) + rep; returns the length. */
static size_t put(const char *w, size_t base, const char *rep, char *out) {
    size_t k = strlen(rep);
    memmove(out, w, base);
    memcpy(out + base, rep, k);
    return base + k;
}

size_t aj_variant_us(const char *w, size_t n, char *out) {
    if (n < 4 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z') return 0;
    size_t b;
    char uk[16], us[16];

    /* -isation(s) and -ise, -ises, -ised, -iser(s), -ising; also -yse. */
    if (ends(w, n, "isation", &b) || ends(w, n, "isations", &b)) {
        if (b >= 3 && !ise_kept(w, b)) {
            size_t k = put(w, n, "", out);
            out[b + 1] = 'z';
            return k;
        }
        return 0;
    }
    for (int y = 0; y < 2; y++) {
        const char *stemv = y ? "ys" : "is";
        for (size_t i = 0; VERB_ENDINGS[i]; i++) {
            strcpy(uk, stemv);
            strcat(uk, "e");
            strcat(uk, VERB_ENDINGS[i]);
            if (ends(w, n, uk, &b) && b >= 3 && (y || !ise_kept(w, b))) {
                if (y && (b < 4 || strcmp(VERB_ENDINGS[i], "s") == 0))
                    break; /* "analyses" is also the plural of analysis */
                size_t k = put(w, n, "", out);
                out[b + 1] = 'z';
                return k;
            }
        }
        strcpy(uk, y ? "ysing" : "ising");
        if (ends(w, n, uk, &b) && b >= 3 && (y || !ise_kept(w, b))) {
            size_t k = put(w, n, "", out);
            out[b + 1] = 'z';
            return k;
        }
    }
    /* -our -> -or, for the listed bases. */
    for (size_t i = 0; OUR_ENDINGS[i]; i++) {
        strcpy(uk, "our");
        strcat(uk, OUR_ENDINGS[i]);
        if (ends(w, n, uk, &b) && in(OUR_BASES, w, b)) {
            strcpy(us, "or");
            strcat(us, OUR_ENDINGS[i]);
            return put(w, b, us, out);
        }
    }
    /* -re -> -er, for the listed bases. */
    for (size_t i = 0; RE_ENDINGS[i][0]; i++)
        if (ends(w, n, RE_ENDINGS[i][0], &b) && in(RE_BASES, w, b))
            return put(w, b, RE_ENDINGS[i][1], out);
    /* -ence -> -ense. */
    if ((ends(w, n, "ence", &b) && in(ENCE_BASES, w, b)))
        return put(w, b, "ense", out);
    if ((ends(w, n, "ences", &b) && in(ENCE_BASES, w, b)))
        return put(w, b, "enses", out);
    /* programme(s) -> program(s). */
    if (ends(w, n, "programme", &b)) return put(w, b, "program", out);
    if (ends(w, n, "programmes", &b)) return put(w, b, "programs", out);
    /* -lled, -lling, -ller(s) -> one l, for the listed bases. */
    static const char *const LL[] = {"led", "ling", "ler", "lers", NULL};
    for (size_t i = 0; LL[i]; i++)
        if (ends(w, n, LL[i], &b) && b >= 1 && w[b - 1] == 'l' && in(LL_BASES, w, b))
            return put(w, b, LL[i] + 1, out);
    /* -ogue(s) -> -og(s). */
    if (ends(w, n, "ogue", &b) && in(OGUE_BASES, w, b)) return put(w, b, "og", out);
    if (ends(w, n, "ogues", &b) && in(OGUE_BASES, w, b)) return put(w, b, "ogs", out);
    return 0;
}
