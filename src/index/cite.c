/*
 * cite.c - how a paragraph is cited: the place the index's outline gives
 * it (outline.h decided at build time how much of the outline each
 * citation names), written out for the reader.
 *
 * Everything comes from the paragraph's record and those of its enclosing
 * headings (each record names its section's heading), plus the texts of
 * those headings: the cost depends on the depth of the outline, never on
 * the length of the document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "common/bytes.h"
#include "index/index.h"
#include "analysis/outline.h"

#define MID_DOT " \xC2\xB7 "

/* A string built with printf calls: in the caller's buffer while it fits
 * (a citation almost always does), else on the heap.  open_memstream did
 * the same with a stream and a heap buffer per citation, which cost more
 * than the rest of a citation. */
typedef struct {
    char *s;            /* stack or heap */
    size_t len, cap;
    char *heap;         /* s when it moved to the heap */
    int oom;
} strbuf;

static void sb_init(strbuf *b, char *stack, size_t cap) {
    *b = (strbuf){stack, 0, cap, NULL, 0};
    stack[0] = 0;
}

static void sb_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(strbuf *b, const char *fmt, ...) {
    if (b->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        size_t cap = 2 * (b->len + (size_t)n + 1);
        char *h = malloc(cap);
        if (!h) {
            b->oom = 1;
            return;
        }
        memcpy(h, b->s, b->len);
        free(b->heap);
        b->s = b->heap = h;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

aj_err aj_para_heading(aj_ctx *c, const aj_index *ix, uint32_t id,
                       uint32_t *heading_id) {
    aj_para_info p;
    *heading_id = AJ_NO_PARA;
    if (id >= ix->nparas) return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) *heading_id = p.section;
    return e;
}

/* The enclosing headings of p, innermost first, into ids (at most
 * AJ_OUTLINE_DEPTH); returns how many.  A loop or a chain longer than
 * any outline is damage. */
static aj_err ancestors(aj_ctx *c, const aj_index *ix, const aj_para_info *p,
                        uint32_t *ids, size_t *n) {
    *n = 0;
    for (uint32_t h = p->section; h != AJ_NO_PARA;) {
        aj_para_info hp;
        if (*n == AJ_OUTLINE_DEPTH)
            return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u: sections nested too deep",
                           p->id);
        aj_err e = aj_para_get(c, ix, h, &hp);
        if (e) return e;
        if (hp.kind != AJ_PARA_HEADING || hp.doc != p->doc)
            return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u: section %u is no heading",
                           p->id, h);
        ids[(*n)++] = h;
        h = hp.section;
    }
    return AJ_OK;
}

/* The cite info of paragraph id (its record's last field). */
static aj_err cite_info(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t *info) {
    const uint8_t *p;
    aj_err e = aj_index_para_record(c, ix, id, &p);
    if (!e) *info = aj_get_u32le(p + 28);
    return e;
}

/* A heading's record and text, rendered both ways. */
typedef struct {
    char cite[AJ_CITE_HEADING_MAX];
    char section[AJ_SECTION_MAX];
    char *text;
    size_t len;
} heading_text;

static aj_err load_heading(aj_ctx *c, aj_index *ix, uint32_t id, heading_text *h) {
    aj_para_info p;
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) e = aj_para_text(c, ix, id, &h->text, &h->len);
    if (e) return e;
    aj_cite_heading(p.label, p.mark, h->text, h->len, h->cite);
    aj_section_heading(p.label, p.mark, h->text, h->len, h->section);
    return AJ_OK;
}

/* The citation's text, the section strings and the id array, in one
 * block: [aj_cite strings...][ids][section pointers][text]. */
typedef struct {
    const char *section[AJ_OUTLINE_DEPTH];
    uint32_t ids[AJ_OUTLINE_DEPTH];
    char text[];
} cite_mem;

aj_err aj_para_cite(aj_ctx *c, aj_index *ix, uint32_t id, aj_cite *out) {
    memset(out, 0, sizeof *out);
    if (id >= ix->nparas) return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    aj_para_info p;
    aj_doc_info d;
    uint32_t info, up[AJ_OUTLINE_DEPTH];
    size_t depth = 0;
    aj_err e = aj_para_get(c, ix, id, &p);
    if (!e) e = aj_doc_get(c, ix, p.doc, &d);
    if (!e) e = cite_info(c, ix, id, &info);
    if (!e) e = ancestors(c, ix, &p, up, &depth);
    if (e) return e;
    heading_text *hs = calloc(depth + 1, sizeof *hs);
    char place_buf[256], text_buf[256];
    strbuf pb, tb;
    sb_init(&pb, place_buf, sizeof place_buf);
    sb_init(&tb, text_buf, sizeof text_buf);
    if (!hs) return aj_fail(c, AJ_ENOMEM, "citation");
    for (size_t i = 0; !e && i < depth; i++) e = load_heading(c, ix, up[i], &hs[i]);
    unsigned q = AJ_CI_Q(info);
    if (!e && q > depth)
        e = aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u cites %u headings of %zu", id, q,
                    depth);
    uint32_t position = 0;
    /* A PDF's paragraph is found by its page first: "p. 4, ¶ 12". */
    if (!e && p.page) sb_printf(&pb, "p. %u, ", p.page);
    if (!e) {
        if (p.kind == AJ_PARA_CHROME) {
            const char *kind = aj_para_kind_name(p.kind, p.chrome), *colon = strchr(kind, ':');
            sb_printf(&pb, "page chrome (%s), block %u", colon ? colon + 1 : kind, p.block);
        } else if (AJ_CI_BY_NUMBER(info) || (p.kind != AJ_PARA_HEADING && !p.label && !q)) {
            position = p.ordinal;
            sb_printf(&pb, "paragraph %u", p.ordinal);
        } else {
            if (q) sb_printf(&pb, "under ");
            for (size_t i = q; i-- > 0;) sb_printf(&pb, "%s%s", hs[i].cite, i ? " \xE2\x80\xBA " : ", ");
            if (p.kind == AJ_PARA_HEADING) {
                char own[AJ_CITE_HEADING_MAX];
                char *t;
                size_t tl;
                e = aj_para_text(c, ix, id, &t, &tl);
                if (!e) {
                    aj_cite_heading(p.label, p.mark, t, tl, own);
                    sb_printf(&pb, "heading %s", own);
                    free(t);
                }
            } else if (p.label) {
                sb_printf(&pb, p.mark == AJ_MARK_PARENS ? "\xC2\xB6 (%s)" : "\xC2\xB6 %s", p.label);
            } else {
                aj_para_info hp;
                e = aj_para_get(c, ix, up[0], &hp);
                position = e ? 0 : p.ordinal - hp.ordinal;
                if (!e) sb_printf(&pb, "paragraph %u", position);
            }
        }
    }
    if (!e && d.cite_path)
        sb_printf(&tb, "%s%s%s%s%s", d.title, MID_DOT, *d.date ? d.date : "",
                  *d.date ? MID_DOT : "", d.path);
    if (!e && (pb.oom || tb.oom)) e = aj_fail(c, AJ_ENOMEM, "citation");
    const char *place = pb.s, *text = d.cite_path ? tb.s : NULL;
    size_t plen = pb.len, tlen = tb.len;
    /* one allocation for all of it */
    size_t head = text ? tlen : strlen(d.title) + (*d.date ? strlen(MID_DOT) + strlen(d.date) : 0);
    size_t need = sizeof(cite_mem) + head + strlen(MID_DOT) + plen + 1;
    for (size_t i = 0; i < depth; i++) need += strlen(hs[i].section) + 1;
    for (size_t i = 0; i < depth; i++) need += hs[i].len + 1;
    cite_mem *m = e ? NULL : malloc(need);
    if (!e && !m) e = aj_fail(c, AJ_ENOMEM, "citation");
    if (!e) {
        char *w = m->text;
        out->cite = w;
        if (text) {
            memcpy(w, text, tlen);
            w += tlen;
        } else {
            w += sprintf(w, "%s%s%s", d.title, *d.date ? MID_DOT : "", d.date);
        }
        w += sprintf(w, "%s", MID_DOT);
        out->place = w;
        memcpy(w, place, plen + 1);
        w += plen + 1;
        for (size_t i = 0; i < depth; i++) {
            size_t k = depth - 1 - i; /* outermost first */
            m->ids[i] = up[k];
            m->section[i] = w;
            w += sprintf(w, "%s", hs[k].section) + 1;
        }
        if (depth) {
            out->heading = w;
            memcpy(w, hs[0].text, hs[0].len);
            w[hs[0].len] = 0;
        }
        out->title = d.title;
        out->date = d.date;
        out->path = d.cite_path ? d.path : NULL;
        out->nsection = depth;
        out->section = m->section;
        out->section_ids = m->ids;
        out->position = position;
        out->mem = m;
    }
    for (size_t i = 0; i < depth; i++) free(hs[i].text);
    free(hs);
    free(pb.heap);
    free(tb.heap);
    if (e) memset(out, 0, sizeof *out);
    return e;
}

void aj_cite_free(aj_cite *cite) {
    if (!cite) return;
    free(cite->mem);
    memset(cite, 0, sizeof *cite);
}
