/*
 * cite.c - what an analyst needs to cite a paragraph that has no number of
 * its own: the heading of the section it falls under.
 */
#include "ajsearch.h"
#include "bytes.h"
#include "file.h"
#include "index.h"
#include "segment.h"

/* Headings are not indexed separately, so the section of a paragraph is
 * found by walking back through its document's paragraph records.  Only
 * the kind bits of each 20-byte record are read (not the label string or
 * the length, as aj_para_get would), so a walk over a million paragraphs
 * of a document without headings stays in the milliseconds. */
aj_err aj_para_heading(aj_ctx *c, const aj_index *ix, uint32_t id,
                       uint32_t *heading_id) {
    aj_para_info p;
    aj_doc_info d;
    *heading_id = AJ_NO_PARA;
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) e = aj_doc_get(c, ix, p.doc, &d);
    for (uint32_t k = id; !e && k > d.first_para;) {
        const uint8_t *rec;
        k--;
        e = aj_mfile_get(c, ix->files[AJ_F_META],
                         ix->paras_off + (uint64_t)k * AJ_PARA_BYTES, AJ_PARA_BYTES, &rec);
        if (!e && (aj_get_u32le(rec + 16) >> 30) == AJ_PARA_HEADING) {
            *heading_id = k;
            break;
        }
    }
    return e;
}
