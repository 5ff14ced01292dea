/* country.c - the table of country names and adjectives; see country.h. */
#include "analysis/country.h"

/* One row per country.  A form of several words is searched as a phrase;
 * forms that the analyzer makes one term of ("Laos" and "Lao",
 * "Philippines" and "Philippine") cost nothing and are kept for the
 * reader. */
static const char *const countries[][6] = {
    {"Brunei", "Bruneian", NULL},
    {"Cambodia", "Cambodian", NULL},
    {"Indonesia", "Indonesian", NULL},
    {"Laos", "Lao", "Laotian", NULL},
    {"Malaysia", "Malaysian", NULL},
    {"Myanmar", "Burma", "Burmese", NULL},
    {"Philippines", "Philippine", "Filipino", "Filipina", NULL},
    {"Singapore", "Singaporean", NULL},
    {"Thailand", "Thai", NULL},
    {"Viet Nam", "Vietnam", "Vietnamese", NULL},
    {"Timor-Leste", "East Timor", "Timorese", NULL},
    {"Japan", "Japanese", NULL},
    {"Korea", "Korean", NULL},
    {"China", "Chinese", NULL},
    {"Taiwan", "Taiwanese", NULL},
    {"India", "Indian", NULL},
    {"Australia", "Australian", NULL},
    {"New Zealand", "New Zealander", NULL},
    {"Russia", "Russian", NULL},
    {"Ukraine", "Ukrainian", NULL},
    {"Palestine", "Palestinian", NULL},
    {"Israel", "Israeli", NULL},
};

size_t aj_country_count(void) { return sizeof countries / sizeof *countries; }

const char *const *aj_country_forms(size_t i) {
    return i < aj_country_count() ? countries[i] : NULL;
}
