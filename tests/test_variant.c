/* test_variant.c - British and American spellings share one term; words
 * that only look like British spellings are left alone. */
#include "helpers.h"

#include "analysis/variant.h"

static const char *us_of(const char *w, char *buf) {
    size_t n = aj_variant_us(w, strlen(w), buf);
    if (!n) return w;
    buf[n] = 0;
    return buf;
}

Test(variant, british_to_american) {
    static const char *const pairs[][2] = {
        {"organisation", "organization"}, {"organisations", "organizations"},
        {"organise", "organize"},         {"organised", "organized"},
        {"organising", "organizing"},     {"organiser", "organizer"},
        {"recognises", "recognizes"},     {"emphasised", "emphasized"},
        {"analyse", "analyze"},           {"analysed", "analyzed"},
        {"analysing", "analyzing"},       {"defence", "defense"},
        {"offences", "offenses"},         {"licence", "license"},
        {"colour", "color"},              {"honourable", "honorable"},
        {"labourers", "laborers"},        {"neighbouring", "neighboring"},
        {"behavioural", "behavioral"},    {"favourite", "favorite"},
        {"centre", "center"},             {"centres", "centers"},
        {"metres", "meters"},
        {"theatre", "theater"},           {"programme", "program"},
        {"programmes", "programs"},       {"travelled", "traveled"},
        {"travelling", "traveling"},      {"modelling", "modeling"},
        {"cancelled", "canceled"},        {"labelled", "labeled"},
        {"catalogue", "catalog"},         {"dialogues", "dialogs"},
        {"reorganise", "reorganize"},     {"prioritisation", "prioritization"},
        {"centred", "centered"},          {"centring", "centering"},
        {"paediatric", "pediatric"},      {"haemorrhage", "hemorrhage"},
        {"anaesthetised", "anesthetized"}, {"oestrogen", "estrogen"},
        {"grey", "gray"},                 {"tyres", "tires"},
        {"manoeuvre", "maneuver"},        {"judgement", "judgment"},
        {"ageing", "aging"},
    };
    char buf[80];
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        cr_expect_str_eq(us_of(pairs[i][0], buf), pairs[i][1], "%s", pairs[i][0]);
}

Test(variant, look_alikes_untouched) {
    static const char *const words[] = {
        "exercise", "exercised", "promise", "premises", "otherwise", "likewise",
        "advise", "advertised", "enterprise", "expertise", "surprised", "compromise",
        "revised", "supervise", "unsupervised", "imprecise", "unwise", "raise",
        "praise", "appraised", "noise", "arise", "cruise", "franchise", "analyses",
        "four", "hour", "your", "tour", "pour", "devour", "contour", "glamour",
        "genre", "acre", "massacre", "there", "here", "more", "fence", "hence",
        "science", "presence", "filled", "called", "skilled", "controlled",
        "installed", "rogue", "vogue", "league", "american", "color", "center",
        "organization", "program", "a", "is", "ise", "Colour", "caf\xc3\xa9",
        "red", "bored", "scored", "sacred", "hundred", "ring", "string", "spring",
        "referring", "aerial", "does", "shoe", "gray", "tire", "judgment",
    };
    char buf[80];
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        cr_expect_eq(aj_variant_us(words[i], strlen(words[i]), buf), 0, "%s changed to %s",
                     words[i], us_of(words[i], buf));
}

Test(variant, at_most_two_longer) {
    /* Callers size buffers by the contract: n + 2 bytes.  Only the -red
     * and -ring rules lengthen, by one. */
    static const char *const words[] = {"organisation", "colourful", "centres",
                                        "programmes", "travellers", "catalogues",
                                        "centred", "centring", "manoeuvring"};
    char buf[80];
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i]);
        size_t m = aj_variant_us(words[i], n, buf);
        cr_assert(m > 0 && m <= n + 2, "%s", words[i]);
    }
    /* A 64-byte word (the longest the analyzer makes) ending in a
     * lengthening rule still fits n + 2. */
    char w[65];
    memset(w, 'x', 64);
    w[64] = 0;
    memcpy(w, "cent", 4);
    cr_assert_eq(aj_variant_us(w, 64, buf), 0, "not a listed base");
}
