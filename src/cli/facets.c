/* facets.c - see facets.h. */
#include "facets.h"

#include <string.h>

#include "out.h"

static const struct {
    const char *name;
    unsigned kind;
} KINDS[] = {{"year", AJ_FACET_YEAR},
             {"month", AJ_FACET_MONTH},
             {"date", AJ_FACET_DATE},
             {"doc", AJ_FACET_DOC},
             {"source", AJ_FACET_SOURCE}};

unsigned facet_kind(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof KINDS / sizeof *KINDS; i++)
        if (strlen(KINDS[i].name) == len && !memcmp(KINDS[i].name, name, len))
            return KINDS[i].kind;
    return 0;
}

const char *facet_name(unsigned kind) {
    for (size_t i = 0; i < sizeof KINDS / sizeof *KINDS; i++)
        if (KINDS[i].kind == kind) return KINDS[i].name;
    return "?";
}

static const aj_facet *find(const aj_results *r, unsigned kind) {
    for (size_t i = 0; i < r->nfacets; i++)
        if (r->facets[i].kind == kind) return &r->facets[i];
    return NULL;
}

static const char *shown(const char *v) { return *v ? v : "(none)"; }

void facets_text(FILE *f, const aj_results *r) {
    for (size_t i = 0; i < r->nfacets; i++) {
        const aj_facet *x = &r->facets[i];
        fprintf(f, "\nMatching paragraphs by %s:\n", facet_name(x->kind));
        if (!x->n) fputs("  (none)\n", f);
        for (size_t j = 0; j < x->n; j++) {
            fprintf(f, "  %6llu  ", (unsigned long long)x->values[j].count);
            out_safe_cstr(f, shown(x->values[j].value));
            fputc('\n', f);
        }
    }
}

void timeline_text(FILE *f, const aj_results *r, unsigned kind, size_t width, int color) {
    const aj_facet *x = find(r, kind);
    if (!x) return;
    fprintf(f, "\nTimeline: matching paragraphs per %s\n", facet_name(kind));
    uint64_t most = 0;
    size_t label = 6;
    for (size_t j = 0; j < x->n; j++) {
        if (x->values[j].count > most) most = x->values[j].count;
        size_t w = out_columns(shown(x->values[j].value), strlen(shown(x->values[j].value)));
        if (w > label) label = w;
    }
    size_t bar = width > label + 12 ? width - label - 12 : 10;
    /* U+2588 full block, then the seven partial blocks U+2589..U+258F
     * (seven eighths down to one) */
    static const char *const PART[8] = {"", "\u258F", "\u258E", "\u258D",
                                        "\u258C", "\u258B", "\u258A", "\u2589"};
    for (size_t j = 0; j < x->n; j++) {
        const char *v = shown(x->values[j].value);
        out_safe_cstr(f, v);
        for (size_t k = out_columns(v, strlen(v)); k < label + 1; k++) fputc(' ', f);
        uint64_t eighths = most ? (x->values[j].count * bar * 8 + most / 2) / most : 0;
        if (eighths == 0 && x->values[j].count) eighths = 1; /* never hide a value */
        if (color) fputs("\033[36m", f);
        for (uint64_t k = 0; k < eighths / 8; k++) fputs("\u2588", f);
        fputs(PART[eighths % 8], f);
        if (color) fputs("\033[0m", f);
        fprintf(f, " %llu\n", (unsigned long long)x->values[j].count);
    }
}

void facets_json(FILE *f, const aj_results *r) {
    fputs("\"facets\":{", f);
    for (size_t i = 0; i < r->nfacets; i++) {
        const aj_facet *x = &r->facets[i];
        fprintf(f, "%s\"%s\":[", i ? "," : "", facet_name(x->kind));
        for (size_t j = 0; j < x->n; j++) {
            fputs(j ? ",[" : "[", f);
            out_json_cstr(f, x->values[j].value);
            fprintf(f, ",%llu]", (unsigned long long)x->values[j].count);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

void facets_html(FILE *f, const aj_results *r) {
    if (!r->nfacets) return;
    fputs("<section class=\"ajsearch-facets\">\n", f);
    for (size_t i = 0; i < r->nfacets; i++) {
        const aj_facet *x = &r->facets[i];
        fprintf(f, "<h3>By %s</h3>\n<ul class=\"ajsearch-facet\" data-facet=\"%s\">\n",
                facet_name(x->kind), facet_name(x->kind));
        for (size_t j = 0; j < x->n; j++) {
            fputs("<li data-value=\"", f);
            out_html_cstr(f, x->values[j].value);
            fputs("\">", f);
            out_html_cstr(f, shown(x->values[j].value));
            fprintf(f, " <span class=\"ajsearch-count\">%llu</span></li>\n",
                    (unsigned long long)x->values[j].count);
        }
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);
}

void timeline_svg(FILE *f, const aj_results *r, unsigned kind) {
    const aj_facet *x = find(r, kind);
    if (!x) return;
    uint64_t most = 1;
    for (size_t j = 0; j < x->n; j++)
        if (x->values[j].count > most) most = x->values[j].count;
    const unsigned bw = 28, gap = 6, h = 120, top = 16, foot = 18;
    unsigned w = (unsigned)x->n * (bw + gap) + gap;
    fprintf(f, "<figure class=\"ajsearch-timeline\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" "
               "aria-label=\"matching paragraphs by %s\">\n",
            w, h + top + foot, w, h + top + foot, facet_name(kind));
    for (size_t j = 0; j < x->n; j++) {
        const aj_facet_value *v = &x->values[j];
        unsigned bh = (unsigned)((v->count * h + most - 1) / most);
        unsigned bx = gap + (unsigned)j * (bw + gap), by = top + h - bh;
        fprintf(f, "<g><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#3b7dd8\">"
                   "<title>", bx, by, bw, bh);
        out_html_cstr(f, shown(v->value));
        fprintf(f, ": %llu</title></rect>", (unsigned long long)v->count);
        fprintf(f, "<text x=\"%u\" y=\"%u\" font-size=\"10\" text-anchor=\"middle\">%llu</text>",
                bx + bw / 2, by > 4 ? by - 3 : 10, (unsigned long long)v->count);
        fprintf(f, "<text x=\"%u\" y=\"%u\" font-size=\"9\" text-anchor=\"middle\">",
                bx + bw / 2, top + h + 12);
        out_html_cstr(f, shown(v->value));
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n</figure>\n", f);
}
