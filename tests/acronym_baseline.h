/*
 * acronym_baseline.h - the published algorithm for abbreviation
 * definitions, as a yardstick for src/analysis/acronym.c: Schwartz and Hearst, "A
 * simple algorithm for identifying abbreviation definitions in biomedical
 * text" (PSB 2003), as the authors' own program applies it.
 *
 * Only the tests use it (test_acronym.c measures both on the seed corpus
 * and README "Acronyms and compounds" reports the figures), so the
 * library carries one miner.
 */
#ifndef AJ_ACRONYM_BASELINE_H
#define AJ_ACRONYM_BASELINE_H

#include <stddef.h>

#include "analysis/acronym.h"

/* Finds the definitions in text[0..len) (UTF-8; a paragraph is one input
 * block of the original program) and calls fn for each, as
 * aj_acronym_find does.  Returns how many were reported. */
size_t th_acronym_baseline(const char *text, size_t len, aj_acro_fn fn, void *arg);

#endif
