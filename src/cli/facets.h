/*
 * facets.h - how the command line shows facets (--facet) and the
 * timeline (--timeline): a table or a bar chart on a terminal, a JSON
 * object, an HTML list or an SVG chart.  The counts are the library's
 * (aj_results.facets).
 */
#ifndef AJ_CLI_FACETS_H
#define AJ_CLI_FACETS_H

#include <stdio.h>

#include "ajsearch.h"

/* The AJ_FACET_* bit of a facet's name ("year", "month", "date", "doc",
 * "source"), or 0. */
unsigned facet_kind(const char *name, size_t len);
/* Its name. */
const char *facet_name(unsigned kind);

/* The facets of r, each as a heading line and one line per value
 * ("  2024  12"), values of no date or source shown as "(none)". */
void facets_text(FILE *f, const aj_results *r);

/* One bar per value of facet kind (AJ_FACET_YEAR or _MONTH) of r, in
 * date order, its length proportional to the count, drawn with Unicode
 * eighth blocks within width columns; color adds an ANSI colour. */
void timeline_text(FILE *f, const aj_results *r, unsigned kind, size_t width, int color);

/* "facets":{"year":[["2024",12],...],...} (the members only, with the
 * leading key; no braces around it). */
void facets_json(FILE *f, const aj_results *r);

/* A <section class="ajsearch-facets"> of lists. */
void facets_html(FILE *f, const aj_results *r);

/* An inline SVG bar chart of facet kind, in a <figure
 * class="ajsearch-timeline">, each bar with a <title> tooltip; every
 * value escaped. */
void timeline_svg(FILE *f, const aj_results *r, unsigned kind);

#endif
