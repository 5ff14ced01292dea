/* hits.c - see hits.h. */
#include "hits.h"

#include <stdlib.h>
#include <string.h>

#include "out.h"

void hit_free(hitview *v) {
    free(v->text);
    if (v->spans != v->span_buf) free(v->spans);
    if (v->src != v->src_buf) free(v->src);
    aj_cite_free(&v->ct);
    memset(v, 0, sizeof *v);
}

aj_err hit_load(aj_ctx *c, aj_index *ix, aj_searcher *s, uint32_t id, hitview *v) {
    memset(v, 0, sizeof *v);
    if (aj_para_get(c, ix, id, &v->p) || aj_doc_get(c, ix, v->p.doc, &v->d) ||
        aj_para_text(c, ix, id, &v->text, &v->len) || aj_para_cite(c, ix, id, &v->ct)) {
        hit_free(v);
        return c->err;
    }
    /* Highlighting analyzes the whole paragraph: it runs a second time
     * only for a paragraph with more matches than the hit holds. */
    v->spans = v->span_buf;
    size_t n = aj_search_highlight(s, v->text, v->len, v->spans, HIT_SPANS);
    if (n > HIT_SPANS) {
        v->spans = malloc(n * sizeof *v->spans);
        if (!v->spans) {
            v->spans = v->span_buf;
            hit_free(v);
            c->err = AJ_ENOMEM;
            snprintf(c->msg, sizeof c->msg, "out of memory");
            return c->err;
        }
        n = aj_search_highlight(s, v->text, v->len, v->spans, n);
    }
    v->nspans = n;
    v->place = v->ct.place;
    v->where = v->ct.cite + strlen(v->ct.title) + strlen(MID_DOT);
    return AJ_OK;
}

aj_err hits_load(aj_ctx *c, aj_index *ix, aj_searcher *s, const aj_hit *h,
                 const size_t *idx, size_t n, hitview *v, const char *corpus_dir,
                 aj_ctx *warn) {
    size_t i;
    aj_err e = AJ_OK;
    for (i = 0; i < n && !e; i++) e = hit_load(c, ix, s, h[idx ? idx[i] : i].id, &v[i]);
    if (e) {
        for (size_t k = 0; k + 1 < i; k++) hit_free(&v[k]);
        return e;
    }
    aj_source_hit *sh = corpus_dir ? calloc(n + 1, sizeof *sh) : NULL;
    for (size_t k = 0; sh && k < n; k++) {
        v[k].src = v[k].nspans <= HIT_SPANS ? v[k].src_buf
                                             : malloc(v[k].nspans * sizeof *v[k].src);
        if (!v[k].src) {
            free(sh);
            sh = NULL;
        } else {
            sh[k] = (aj_source_hit){v[k].p.id, v[k].text, v[k].len, v[k].spans,
                                    v[k].nspans, v[k].src, 0, 0};
        }
    }
    aj_ctx ignored = {0};
    /* Source offsets are extra: failing to find them (out of memory)
     * leaves them null rather than failing the search. */
    if (sh) aj_source_ranges(warn ? warn : &ignored, ix, corpus_dir, sh, n);
    for (size_t k = 0; corpus_dir && k < n; k++) {
        if (sh && sh[k].found) continue;
        v[k].src_changed = sh ? sh[k].changed : 0;
        if (v[k].src != v[k].src_buf) free(v[k].src);
        v[k].src = NULL;
    }
    free(sh);
    return AJ_OK;
}

void json_ranges(FILE *f, const aj_span *sp, const aj_range *r, size_t n) {
    fputc('[', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s[%llu,%llu]", i ? "," : "",
                (unsigned long long)(r ? r[i].start : sp[i].start),
                (unsigned long long)(r ? r[i].end : sp[i].end));
    fputc(']', f);
}

void json_section(FILE *f, const aj_cite *ct) {
    fputs(",\"section\":[", f);
    for (size_t i = 0; i < ct->nsection; i++) {
        if (i) fputc(',', f);
        out_json_cstr(f, ct->section[i]);
    }
    fputc(']', f);
}

void json_para(FILE *f, const hitview *v) {
    fprintf(f, "\"id\":%u,\"doc\":", v->p.id);
    out_json_cstr(f, v->d.path);
    fputs(",\"title\":", f);
    out_json_cstr(f, v->d.title);
    if (v->p.ordinal) fprintf(f, ",\"para\":%u,\"label\":", v->p.ordinal);
    else fputs(",\"para\":null,\"label\":", f); /* chrome (--chrome) */
    out_json_cstr(f, v->p.label);
    fprintf(f, ",\"start\":%llu,\"end\":%llu,\"format\":\"%s\",\"page\":",
            (unsigned long long)v->p.start, (unsigned long long)v->p.end, v->d.format);
    if (v->p.page) fprintf(f, "%u", v->p.page);
    else fputs("null", f);
    fputs(",\"text\":", f);
    out_json_str(f, v->text, v->len);
    fputs(",\"date\":", f);
    out_json_cstr(f, v->d.date);
    fputs(",\"heading\":", f);
    out_json_cstr(f, v->ct.heading);
    fputs(",\"cite\":", f);
    out_json_cstr(f, v->ct.cite);
    json_section(f, &v->ct);
}

void json_hit(FILE *f, int explain, const hitview *v, const aj_hit *h, size_t rank,
              int opened) {
    fprintf(f, "%s\"rank\":%zu,\"score\":%.6f,", opened ? "" : "{", rank, h->score);
    json_para(f, v);
    fputs(",\"text_matches\":", f);
    json_ranges(f, v->spans, NULL, v->nspans);
    fputs(",\"matches\":", f);
    if (v->src) json_ranges(f, NULL, v->src, v->nspans);
    else fputs("null", f);
    if (v->src_changed) fputs(",\"source_changed\":true", f);
    if (h->matched < h->clauses)
        fprintf(f, ",\"partial\":true,\"matched\":%u,\"clauses\":%u,\"share\":%.6f",
                h->matched, h->clauses, h->share);
    if (explain) {
        /* nested: "heading" above is the section heading's text */
        fprintf(f, ",\"factors\":{\"bm25\":%.6f,\"proximity\":%.6f,\"heading\":%.6f,"
                   "\"kind\":%.6f}",
                h->bm25, h->proximity, h->heading, h->kind);
        fputs(",\"explain\":[", f);
        for (size_t i = 0; i < h->nexplain; i++) {
            const aj_explain *x = &h->explain[i];
            fputs(i ? ",{\"clause\":" : "{\"clause\":", f);
            out_json_cstr(f, x->clause);
            fprintf(f, ",\"tf\":%u,\"df\":%u,\"dl\":%u,\"idf\":%.6f,\"score\":%.6f}", x->tf,
                    x->df, x->dl, x->idf, x->score);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

void hit_context(const aj_doc_info *d, uint32_t id, uint32_t context, uint32_t *from,
                 uint32_t *to) {
    uint32_t last = d->first_para + d->nparas - 1;
    *from = id - d->first_para > context ? id - context : d->first_para;
    *to = last - id > context ? id + context : last;
}

void json_group_head(FILE *f, size_t rank, const aj_doc_info *d, const aj_group *g) {
    fprintf(f, "\"group\":%zu,\"doc\":", rank);
    out_json_cstr(f, d->path);
    fputs(",\"title\":", f);
    out_json_cstr(f, d->title);
    fputs(",\"date\":", f);
    out_json_cstr(f, d->date);
    fprintf(f, ",\"matching_paragraphs\":%u,\"score\":%.6f,\"hits\":[", g->matches, g->score);
}

void json_also(FILE *f, const aj_results *r, int open) {
    fputs(open ? "{\"also\":[" : "\"also\":[", f);
    for (size_t i = 0; i < r->nalso; i++) {
        if (i) fputc(',', f);
        out_json_cstr(f, r->also[i]);
    }
    fputs("],", f);
}

void json_missing(FILE *f, const aj_results *r) {
    fputc('[', f);
    for (size_t i = 0; i < r->nmissing; i++) {
        if (i) fputc(',', f);
        out_json_str(f, r->given + r->missing[i].pos, r->missing[i].len);
    }
    fputc(']', f);
}

int json_in_chrome(FILE *f, const aj_results *r) {
    int any = 0;
    for (size_t i = 0; i < r->nmissing; i++) {
        if (!r->missing[i].chrome) continue;
        fputs(any ? "," : "\"in_chrome\":[", f);
        out_json_str(f, r->given + r->missing[i].pos, r->missing[i].len);
        any = 1;
    }
    if (any) fputc(']', f);
    return any;
}

void json_spelling(FILE *f, const aj_results *r, int open) {
    if (open) fputc('{', f);
    if (r->suggestion) {
        fputs("\"suggestion\":", f);
        out_json_str(f, r->suggestion->query, r->suggestion->query_len);
        fputs(r->corrected ? ",\"corrected\":true," : ",", f);
    }
    if (r->nmissing) {
        fputs("\"missing\":", f);
        json_missing(f, r);
        fputc(',', f);
        if (json_in_chrome(f, r)) fputc(',', f);
    }
}
