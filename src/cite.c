/*
 * cite.c - what an analyst needs to cite a paragraph that has no number of
 * its own: the heading of the section it falls under.
 */
#include "ajsearch.h"
#include "index.h"

/* Headings are not indexed separately, so the section of a paragraph is
 * found by walking back through its document's paragraph records, a run
 * of them at a time (aj_index_prev_heading reads only their kind bits), so
 * a walk over a million paragraphs of a document without headings stays
 * in the milliseconds. */
#define WALK 4096

aj_err aj_para_heading(aj_ctx *c, const aj_index *ix, uint32_t id,
                       uint32_t *heading_id) {
    uint32_t doc, first;
    *heading_id = AJ_NO_PARA;
    if (id >= ix->nparas) return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    aj_err e = aj_index_para_doc(c, ix, id, &doc, &first);
    for (uint32_t hi = id; !e && hi > first && *heading_id == AJ_NO_PARA;) {
        uint32_t lo = hi - first > WALK ? hi - WALK : first;
        e = aj_index_prev_heading(c, ix, hi, lo, heading_id);
        hi = lo;
    }
    return e;
}
