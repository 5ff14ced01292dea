/*
 * country.h - country names and the adjectives texts use for them, so
 * that a query for Korea also finds "the Korean Peninsula" (expand.c).
 *
 * A curated table in the code: Debian has no maintained list of
 * demonyms (iso-codes names the countries, CLDR neither), and an
 * adjective cannot be derived from a name by rule (Philippines,
 * Philippine, Filipino; Myanmar, Burmese).  It holds the members and
 * neighbours of ASEAN and the countries its texts discuss, and leaves out
 * names that are common words elsewhere (Chad, Georgia, Jordan, Turkey)
 * and adjectives of regions (Asian).  README "Acronyms and compounds"
 * states the rule.
 */
#ifndef AJ_COUNTRY_H
#define AJ_COUNTRY_H

#include <stddef.h>

/* The number of countries in the table. */
size_t aj_country_count(void);

/* The forms of country i (< aj_country_count()) as texts write them, a
 * NULL-terminated list: names first ("Viet Nam", "Vietnam"), then
 * adjectives and demonyms ("Vietnamese").  Static strings. */
const char *const *aj_country_forms(size_t i);

#endif
