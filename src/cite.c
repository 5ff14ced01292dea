/*
 * cite.c - what an analyst needs to cite a paragraph that has no number of
 * its own: the heading of the section it falls under.
 */
#include "ajsearch.h"
#include "segment.h"

/* Headings are not indexed separately, so the section of a paragraph is
 * found by walking back through its document; documents are short next
 * to the cost of printing a hit, and the walk stops at the first heading. */
aj_err aj_para_heading(aj_ctx *c, const aj_index *ix, uint32_t id,
                       uint32_t *heading_id) {
    aj_para_info p;
    aj_doc_info d;
    *heading_id = AJ_NO_PARA;
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) e = aj_doc_get(c, ix, p.doc, &d);
    for (uint32_t k = id; !e && k > d.first_para;) {
        aj_para_info h;
        e = aj_para_get(c, ix, --k, &h);
        if (!e && h.kind == AJ_PARA_HEADING) {
            *heading_id = k;
            break;
        }
    }
    return e;
}
