/*
 * build.h - the build's entry point with its work units chosen (internal:
 * for tests, which need small units to exercise many chunks and segments
 * on a small corpus; aj_build in ajsearch.h is this with the defaults).
 */
#ifndef AJ_BUILD_H
#define AJ_BUILD_H

#include <stdint.h>

#include "ajsearch.h"

/* aj_build, with documents grouped into chunks of chunk_bytes and workers
 * handing over their work every segment_tokens tokens (0: the defaults, a
 * 64th of the corpus between 64 KiB and 1 MiB, and 1 M tokens).  The
 * index does not depend on them except for where text blocks end. */
aj_err aj_build_units(aj_ctx *c, const aj_build_opts *o, uint32_t chunk_bytes,
                      uint32_t segment_tokens, aj_build_stats *stats);

#endif
