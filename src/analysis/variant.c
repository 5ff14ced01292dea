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
#include "analysis/variant.h"

#include <stdint.h>
#include <string.h>

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

/* -re/-er: the bases that take it. */
static const char *const RE_BASES[] = {
    "cent", "theat", "met", "lit", "fib", "calib", "somb", "spect", "lust",
    "meag", "sab", "sepulch", "kilomet", "centimet", "millimet", "epicent",
    NULL};

/* -red/-ring of an -re word: centred -> centered (these lengthen by one). */
static const char *const RE_ED_BASES[] = {"cent", "met", "fib", "calib", "lust", "sab",
                                          "epicent", NULL};

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

/* programme(s): the whole word is the suffix. */
static const char *const PROGRAMME_BASES[] = {"", NULL};

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

/* A British suffix, its American replacement, the bases it needs (NULL:
 * any base of at least three letters not kept by ise_kept), and its
 * length.  Tables rather than string building: this runs on every miss
 * of the stem cache. */
typedef struct {
    const char *uk, *us;
    const char *const *bases;
    unsigned char len;
} rule;

#define R(uk, us, bases) {uk, us, bases, sizeof uk - 1}
static const rule RULES[] = {
    R("isations", "izations", NULL), R("isation", "ization", NULL),
    R("ising", "izing", NULL), R("isers", "izers", NULL), R("iser", "izer", NULL),
    R("ised", "ized", NULL), R("ises", "izes", NULL), R("ise", "ize", NULL),
    R("ysing", "yzing", NULL), R("ysers", "yzers", NULL), R("yser", "yzer", NULL),
    R("ysed", "yzed", NULL), R("yse", "yze", NULL),
    R("ourably", "orably", OUR_BASES), R("ourable", "orable", OUR_BASES),
    R("ouration", "oration", OUR_BASES), R("ourally", "orally", OUR_BASES),
    R("ourhoods", "orhoods", OUR_BASES), R("ourhood", "orhood", OUR_BASES),
    R("ourites", "orites", OUR_BASES), R("ourite", "orite", OUR_BASES),
    R("ouring", "oring", OUR_BASES), R("ourless", "orless", OUR_BASES),
    R("ourists", "orists", OUR_BASES), R("ourist", "orist", OUR_BASES),
    R("ourful", "orful", OUR_BASES), R("ourers", "orers", OUR_BASES),
    R("ourer", "orer", OUR_BASES), R("oured", "ored", OUR_BASES),
    R("oural", "oral", OUR_BASES), R("ours", "ors", OUR_BASES),
    R("oury", "ory", OUR_BASES), R("our", "or", OUR_BASES),
    R("res", "ers", RE_BASES), R("re", "er", RE_BASES),
    R("red", "ered", RE_ED_BASES), R("ring", "ering", RE_ED_BASES),
    R("ences", "enses", ENCE_BASES), R("ence", "ense", ENCE_BASES),
    R("ogues", "ogs", OGUE_BASES), R("ogue", "og", OGUE_BASES),
    R("programmes", "programs", PROGRAMME_BASES),
    R("programme", "program", PROGRAMME_BASES),
};
#undef R

/* Whole words that no suffix rule covers: the curated exceptions. */
static const char *const WORDS[][2] = {
    {"grey", "gray"},           {"greys", "grays"},         {"tyre", "tire"},
    {"tyres", "tires"},         {"manoeuvre", "maneuver"},  {"manoeuvres", "maneuvers"},
    {"manoeuvred", "maneuvered"}, {"manoeuvring", "maneuvering"},
    {"aluminium", "aluminum"},  {"plough", "plow"},         {"ploughs", "plows"},
    {"sceptic", "skeptic"},     {"sceptical", "skeptical"}, {"scepticism", "skepticism"},
    {"mould", "mold"},          {"moulds", "molds"},        {"jewellery", "jewelry"},
    {"pyjamas", "pajamas"},     {"kerb", "curb"},           {"kerbs", "curbs"},
    {"cosy", "cozy"},           {"judgement", "judgment"},  {"judgements", "judgments"},
    {"ageing", "aging"},        {"acknowledgement", "acknowledgment"},
    {"acknowledgements", "acknowledgments"},
};

/* Greek ae and oe at the start of a word, which American spelling writes
 * as e: paediatric, haemorrhage, anaesthesia, oestrogen, foetus.  A
 * prefix list, since most words with "ae" or "oe" (aerial, does, shoe)
 * are not of this kind. */
static const char *const AE_OE[][2] = {
    {"paediatr", "pediatr"}, {"orthopaed", "orthoped"}, {"encyclopaed", "encycloped"},
    {"haem", "hem"},         {"anaem", "anem"},         {"anaesth", "anesth"},
    {"leukaem", "leukem"},   {"septicaem", "septicem"}, {"oesoph", "esoph"},
    {"oestr", "estr"},       {"foet", "fet"},           {"diarrhoe", "diarrhe"},
    {"palaeo", "paleo"},     {"gynaecol", "gynecol"},   {"caesar", "cesar"},
};

static size_t suffixes(const char *w, size_t n, char *out);

/* Bit c - 'a' set for the letters some whole word or Greek prefix starts
 * with (firsts), and for those some suffix rule ends with (lasts): a word
 * that starts and ends with neither has no American form, told in two
 * look-ups (a text of words that never repeat asks this of each). */
static uint32_t firsts, lasts;
static int masks_made;

static void make_masks(void) {
    uint32_t f = 0, l = 0;
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++) f |= 1u << (WORDS[i][0][0] - 'a');
    for (size_t i = 0; i < sizeof AE_OE / sizeof *AE_OE; i++) f |= 1u << (AE_OE[i][0][0] - 'a');
    for (size_t i = 0; i < sizeof RULES / sizeof *RULES; i++)
        l |= 1u << (RULES[i].uk[RULES[i].len - 1] - 'a');
    l |= 1u << ('d' - 'a') | 1u << ('g' - 'a') | 1u << ('r' - 'a') | 1u << ('s' - 'a'); /* -ll- */
    /* The same values from any thread: a race only computes them twice. */
    __atomic_store_n(&firsts, f, __ATOMIC_RELAXED);
    __atomic_store_n(&lasts, l, __ATOMIC_RELAXED);
    __atomic_store_n(&masks_made, 1, __ATOMIC_RELEASE);
}

size_t aj_variant_us(const char *w, size_t n, char *out) {
    if (n < 4 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z') return 0;
    if (!__atomic_load_n(&masks_made, __ATOMIC_ACQUIRE)) make_masks();
    if (!(__atomic_load_n(&firsts, __ATOMIC_RELAXED) >> (w[0] - 'a') & 1) &&
        !(__atomic_load_n(&lasts, __ATOMIC_RELAXED) >> (w[n - 1] - 'a') & 1))
        return 0;
    /* Each table entry is first told apart by one byte (a first or a
     * last letter), compared in place: this runs for every word the stem
     * cache has not seen, and a text of words that never repeat (random
     * tokens, encoded data) is nothing but such words. */
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++)
        if (WORDS[i][0][0] == w[0] && strlen(WORDS[i][0]) == n && !memcmp(w, WORDS[i][0], n)) {
            size_t k = strlen(WORDS[i][1]);
            memcpy(out, WORDS[i][1], k);
            return k;
        }
    for (size_t i = 0; i < sizeof AE_OE / sizeof *AE_OE; i++) {
        if (AE_OE[i][0][0] != w[0]) continue;
        size_t k = strlen(AE_OE[i][0]);
        if (k < n && !memcmp(w, AE_OE[i][0], k)) {
            /* The prefix shortens by one; the rest may still need a
             * suffix rule (anaesthetise -> anesthetize). */
            char tmp[72];
            size_t j = strlen(AE_OE[i][1]);
            memcpy(tmp, AE_OE[i][1], j);
            memcpy(tmp + j, w + k, n - k);
            size_t m = suffixes(tmp, j + n - k, out);
            if (m) return m;
            memcpy(out, tmp, j + n - k);
            return j + n - k;
        }
    }
    return suffixes(w, n, out);
}

/* The suffix rules on a lower-case ASCII word. */
static size_t suffixes(const char *w, size_t n, char *out) {
    size_t b;
    for (size_t i = 0; i < sizeof RULES / sizeof *RULES; i++) {
        const rule *r = &RULES[i];
        if (r->uk[r->len - 1] != w[n - 1] || r->len > n ||
            memcmp(w + n - r->len, r->uk, r->len) != 0)
            continue;
        b = n - r->len;
        /* (No -yses rule: "analyses" is also the plural of analysis.) */
        if (r->bases ? !in(r->bases, w, b) : (b < 3 || ise_kept(w, b))) return 0;
        return put(w, b, r->us, out);
    }
    /* -lled, -lling, -ller(s) -> one l, for the listed bases. */
    static const char *const LL[] = {"led", "ling", "ler", "lers", NULL};
    char last = w[n - 1];
    if (last != 'd' && last != 'g' && last != 'r' && last != 's') return 0;
    for (size_t i = 0; LL[i]; i++)
        if (ends(w, n, LL[i], &b) && b >= 1 && w[b - 1] == 'l' && in(LL_BASES, w, b))
            return put(w, b, LL[i] + 1, out);
    return 0;
}
