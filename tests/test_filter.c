/* test_filter.c - filters and facets (filter.h, fields.h, facet.h): a
 * filtered search is the unfiltered one with the rejected documents taken
 * out (same paragraphs, same scores, same order, exact totals and pages,
 * for plain, partial and grouped results), the query's fields do what the
 * options do, and facets count what the unfiltered list holds. */
#include "helpers.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include "ajsearch.h"

static const char *WORDS[] = {"harbour", "patrol", "maritime", "security", "fisheries",
                              "coast",   "guard",  "ocean",    "law",      "trade"};
#define NWORDS (sizeof WORDS / sizeof *WORDS)
#define NDOCS 30

static const char *DATES[] = {"2019", "2019-05", "2019-05-17", "2020-02-29", "2021",
                              "2021-12", "2022-06-30", "", "2024", "2024-03-01"};
static const char *SOURCES[] = {"MOFA", "ASEAN Secretariat", "", "mofa Japan"};

typedef struct {
    char *root;
    aj_index *ix;
    aj_searcher *s;
} fixture;

static char *doc_name(int d, char *buf, size_t cap) {
    snprintf(buf, cap, d % 7 == 3 ? "2025/n%02d.md" : "d%02d.md", d);
    return buf;
}

static fixture build(void) {
    fixture f;
    f.root = th_tmpdir();
    char corpus[1100], index[1100], sub[1200];
    snprintf(corpus, sizeof corpus, "%s/corpus", f.root);
    snprintf(index, sizeof index, "%s/index", f.root);
    snprintf(sub, sizeof sub, "%s/2025", corpus);
    mkdir(corpus, 0755);
    mkdir(sub, 0755);
    uint64_t seed = 0xf117e5;
    static char text[1 << 15], meta[1 << 14];
    size_t mt = 0;
    for (int d = 0; d < NDOCS; d++) {
        size_t at = 0;
        int nparas = 1 + (int)(th_rand(&seed) % 12);
        for (int p = 0; p < nparas; p++) {
            int nw = 3 + (int)(th_rand(&seed) % 12);
            for (int w = 0; w < nw; w++)
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s", w ? " " : "",
                                       WORDS[th_rand(&seed) % NWORDS]);
            /* a few rare words, so that partial matches exist (a paragraph
             * holding only common words is none) */
            uint64_t r = th_rand(&seed) % 12;
            if (r < 2)
                at += (size_t)snprintf(text + at, sizeof text - at, " %s",
                                       r ? "lighthouse" : "typhoon");
            at += (size_t)snprintf(text + at, sizeof text - at, ".\n\n");
        }
        char name[64];
        th_write(corpus, doc_name(d, name, sizeof name), text, at);
        mt += (size_t)snprintf(meta + mt, sizeof meta - mt, "%s\t%s\t%s\tDocument %d\n", name,
                               DATES[d % 10], SOURCES[d % 4], d);
    }
    th_write(corpus, "metadata.tsv", meta, mt);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, &f.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, f.ix, &f.s), AJ_OK, "%s", c.msg);
    return f;
}

static void done(fixture *f) {
    aj_searcher_free(f->s);
    aj_index_close(f->ix);
    th_rmtree(f->root);
    free(f->root);
}

/* The test's own reading of the rules (filter.h), on a document. */
static unsigned day(const char *s, size_t n, int last) {
    unsigned y = 0, m = last ? 12 : 1, d = last ? 31 : 1;
    sscanf(s, "%4u", &y);
    if (n >= 7) sscanf(s + 5, "%2u", &m);
    if (n >= 10) sscanf(s + 8, "%2u", &d);
    else if (last && n >= 7) d = m == 2 ? (y % 4 == 0 && (y % 100 || y % 400 == 0) ? 29 : 28)
                                 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    return y * 10000 + m * 100 + d;
}

typedef struct {
    const char *since, *until, *doc, *source;
} filt;

static int passes(const aj_doc_info *d, const filt *f) {
    size_t n = strlen(d->date);
    if (f->since || f->until) {
        if (!n) return 0;
        if (f->since && day(d->date, n, 1) < day(f->since, strlen(f->since), 0)) return 0;
        if (f->until && day(d->date, n, 0) > day(f->until, strlen(f->until), 1)) return 0;
    }
    if (f->doc && fnmatch(f->doc, d->path, 0)) return 0;
    if (f->source) {
        const char *h = d->source;
        size_t k = strlen(f->source);
        int found = 0;
        for (; *h && !found; h++) found = !strncasecmp(h, f->source, k);
        if (!found) return 0;
    }
    return 1;
}

typedef struct {
    uint32_t id, doc;
    double score;
    int partial;
} hit;

static size_t run(fixture *f, const char *q, const filt *fl, int partial, uint32_t offset,
                  uint32_t limit, hit **out, uint64_t *total) {
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.partial = partial;
    o.offset = offset;
    o.limit = limit;
    o.correct = AJ_CORRECT_OFF;
    if (fl) {
        o.since = fl->since;
        o.until = fl->until;
        o.doc = fl->doc;
        o.source = fl->source;
    }
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "%s: %s", q, c.msg);
    cr_assert_eq(r->filtered, fl && (fl->since || fl->until || fl->doc || fl->source));
    hit *v = malloc((r->nhits + 1) * sizeof *v);
    for (size_t i = 0; i < r->nhits; i++) {
        aj_para_info p;
        cr_assert_eq(aj_para_get(&c, f->ix, r->hits[i].id, &p), AJ_OK);
        v[i] = (hit){r->hits[i].id, p.doc, r->hits[i].score,
                     r->hits[i].matched < r->hits[i].clauses};
    }
    *out = v;
    *total = r->total;
    return r->nhits;
}

static const char *QUERIES[] = {"harbour", "maritime security", "coast OR ocean",
                                "\"coast guard\"", "patrol -law", "trade law fisheries",
                                "lighthouse typhoon", "typhoon lighthouse harbour"};

static const filt FILTERS[] = {
    {"2020", NULL, NULL, NULL},        {NULL, "2019-05", NULL, NULL},
    {"2019-05-18", "2021-12", NULL, NULL}, {NULL, NULL, "2025/*", NULL},
    {NULL, NULL, "d0?.md", NULL},      {NULL, NULL, NULL, "mofa"},
    {"2021", NULL, NULL, "ASEAN"},     {"2030", NULL, NULL, NULL},
    {"2022-06-30", "2022-06-30", NULL, NULL}, {NULL, "2019-05-17", NULL, NULL},
    {"2020-02-29", NULL, NULL, NULL},
};

Test(filter, a_filtered_list_is_the_unfiltered_one_without_the_rejected, .timeout = 120) {
    fixture f = build();
    size_t npartials = 0;
    for (size_t qi = 0; qi < sizeof QUERIES / sizeof *QUERIES; qi++) {
        const char *q = QUERIES[qi];
        for (int partial = 0; partial < 2; partial++) {
            hit *all;
            uint64_t total_all;
            size_t nall = run(&f, q, NULL, partial, 0, UINT32_MAX, &all, &total_all);
            for (size_t i = 0; i < nall; i++) npartials += all[i].partial;
            for (size_t fi = 0; fi < sizeof FILTERS / sizeof *FILTERS; fi++) {
                const filt *fl = &FILTERS[fi];
                /* the expected list: the unfiltered one, rejected documents out */
                hit *want = malloc((nall + 1) * sizeof *want);
                size_t nwant = 0, nfull = 0;
                for (size_t i = 0; i < nall; i++) {
                    aj_ctx c = {0};
                    aj_doc_info d;
                    cr_assert_eq(aj_doc_get(&c, f.ix, all[i].doc, &d), AJ_OK);
                    if (!passes(&d, fl)) continue;
                    want[nwant++] = all[i];
                    nfull += !all[i].partial;
                }
                static const uint32_t pages[][2] = {{0, UINT32_MAX}, {0, 3}, {2, 4}, {50, 10}};
                for (size_t pg = 0; pg < 4; pg++) {
                    hit *got;
                    uint64_t total;
                    size_t n = run(&f, q, fl, partial, pages[pg][0], pages[pg][1], &got, &total);
                    cr_assert_eq(total, nfull, "%s, filter %zu: total %llu, want %zu", q, fi,
                                 (unsigned long long)total, nfull);
                    size_t from = pages[pg][0] < nwant ? pages[pg][0] : nwant;
                    size_t to = nwant - from > pages[pg][1] ? from + pages[pg][1] : nwant;
                    cr_assert_eq(n, to - from, "%s (partial %d), filter %zu, page %zu: %zu hits,"
                                 " want %zu", q, partial, fi, pg, n, to - from);
                    for (size_t i = 0; i < n; i++) {
                        cr_assert_eq(got[i].id, want[from + i].id, "%s, filter %zu: hit %zu", q,
                                     fi, from + i);
                        cr_assert_eq(got[i].score, want[from + i].score, "%s: a filter changed a"
                                     " score", q);
                    }
                    free(got);
                }
                free(want);
            }
            free(all);
        }
    }
    cr_assert_gt(npartials, 0, "the queries have partial matches to filter");
    done(&f);
}

/* Grouped results and facets under a filter count what the unfiltered
 * list holds in the documents that pass. */
Test(filter, groups_and_facets, .timeout = 120) {
    fixture f = build();
    aj_ctx c = {0};
    for (size_t qi = 0; qi < sizeof QUERIES / sizeof *QUERIES; qi++) {
        const char *q = QUERIES[qi];
        hit *all;
        uint64_t total_all;
        size_t nall = run(&f, q, NULL, 0, 0, UINT32_MAX, &all, &total_all);
        for (size_t fi = 0; fi < sizeof FILTERS / sizeof *FILTERS; fi++) {
            const filt *fl = &FILTERS[fi];
            uint32_t per_doc[NDOCS] = {0};
            uint64_t years[3000] = {0}, undated = 0, kept = 0;
            for (size_t i = 0; i < nall; i++) {
                aj_doc_info d;
                cr_assert_eq(aj_doc_get(&c, f.ix, all[i].doc, &d), AJ_OK);
                if (!passes(&d, fl)) continue;
                per_doc[all[i].doc]++;
                kept++;
                if (*d.date) years[atoi(d.date)]++;
                else undated++;
            }
            aj_search_opts o;
            aj_search_opts_init(&o);
            o.correct = AJ_CORRECT_OFF;
            o.since = fl->since, o.until = fl->until, o.doc = fl->doc, o.source = fl->source;
            o.group = 2;
            o.limit = 100;
            o.facets = AJ_FACET_YEAR | AJ_FACET_DOC;
            const aj_results *r;
            cr_assert_eq(aj_search(&c, f.s, q, strlen(q), &o, &r), AJ_OK, "%s", c.msg);
            cr_assert_eq(r->total, kept, "%s, filter %zu: grouped total", q, fi);
            size_t ndocs = 0;
            for (int d = 0; d < NDOCS; d++) ndocs += per_doc[d] > 0;
            cr_assert_eq(r->total_groups, ndocs, "%s, filter %zu: documents", q, fi);
            for (size_t g = 0; g < r->ngroups; g++)
                cr_assert_eq(r->groups[g].matches, per_doc[r->groups[g].doc]);
            cr_assert_eq(r->nfacets, 2);
            cr_assert_eq(r->facets[0].kind, AJ_FACET_YEAR);
            cr_assert_eq(r->facets[1].kind, AJ_FACET_DOC);
            uint64_t sum = 0;
            const char *prev = NULL;
            for (size_t i = 0; i < r->facets[0].n; i++) {
                const aj_facet_value *v = &r->facets[0].values[i];
                uint64_t want = *v->value ? years[atoi(v->value)] : undated;
                cr_assert_eq(v->count, want, "%s, filter %zu: year %s", q, fi, v->value);
                cr_assert(v->count > 0);
                if (prev && *v->value) cr_assert(strcmp(prev, v->value) < 0, "years in order");
                prev = v->value;
                sum += v->count;
            }
            cr_assert_eq(sum, kept);
            sum = 0;
            for (size_t i = 0; i < r->facets[1].n; i++) {
                const aj_facet_value *v = &r->facets[1].values[i];
                if (i) cr_assert(r->facets[1].values[i - 1].count >= v->count, "by count");
                sum += v->count;
            }
            cr_assert_eq(sum, kept);
            cr_assert_eq(r->facets[1].n, ndocs);
        }
        free(all);
    }
    done(&f);
}

/* Fields in the query do what the options do, and apply with them. */
Test(filter, query_fields_are_filters) {
    fixture f = build();
    static const struct {
        const char *q;
        filt fl;
    } cases[] = {
        {"harbour date:2020..2021", {"2020", "2021", NULL, NULL}},
        {"date:2019-05.. harbour", {"2019-05", NULL, NULL, NULL}},
        {"harbour date:..2019", {NULL, "2019", NULL, NULL}},
        {"harbour doc:2025/*", {NULL, NULL, "2025/*", NULL}},
        {"harbour source:\"asean secretariat\"", {NULL, NULL, NULL, "asean secretariat"}},
        {"SOURCE:Mofa (harbour OR patrol) DATE:2019", {"2019", "2019", NULL, "Mofa"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *q = cases[i].q;
        /* the same query without its fields, the filter as options */
        char bare[256];
        size_t k = 0;
        for (const char *w = q; *w;) {
            const char *e = w;
            if (*e == '"') e = strchr(e + 1, '"') + 1;
            while (*e && *e != ' ') {
                if (*e == '"') e = strchr(e + 1, '"');
                e++;
            }
            int field = !strncasecmp(w, "date:", 5) || !strncasecmp(w, "doc:", 4) ||
                        !strncasecmp(w, "source:", 7);
            if (!field) k += (size_t)snprintf(bare + k, sizeof bare - k, "%.*s ", (int)(e - w), w);
            w = *e ? e + 1 : e;
        }
        bare[k] = 0;
        hit *a, *b;
        uint64_t ta, tb;
        size_t na = run(&f, bare, &cases[i].fl, 1, 0, UINT32_MAX, &a, &ta);
        aj_ctx c = {0};
        aj_search_opts o;
        aj_search_opts_init(&o);
        o.correct = AJ_CORRECT_OFF;
        o.limit = UINT32_MAX;
        const aj_results *r;
        cr_assert_eq(aj_search(&c, f.s, q, strlen(q), &o, &r), AJ_OK, "%s: %s", q, c.msg);
        cr_assert(r->filtered, "%s", q);
        cr_assert_eq(r->total, ta, "%s: %llu against %llu with options", q,
                     (unsigned long long)r->total, (unsigned long long)ta);
        cr_assert_eq(r->nhits, na, "%s", q);
        for (size_t j = 0; j < na; j++) cr_assert_eq(r->hits[j].id, a[j].id, "%s: hit %zu", q, j);
        cr_assert_eq(r->query_len, strlen(q));
        cr_assert(!memcmp(r->query, q, r->query_len), "the query as given is shown");
        free(a);
        (void)b;
        (void)tb;
    }
    done(&f);
}

Test(filter, misplaced_and_malformed_fields_are_syntax_errors) {
    fixture f = build();
    static const struct {
        const char *q;
        size_t pos;
        const char *msg;
    } cases[] = {
        {"harbour date:2024-13", 13, "not a date"},
        {"harbour date:20245", 13, "not a date"},
        {"harbour date:2024..20x", 19, "not a date"},
        {"harbour date:..", 13, "needs a date"},
        {"(harbour date:2024)", 9, "whole query"},
        {"harbour -doc:a.md", 8, "negated"},
        {"harbour NOT source:x", 12, "negated"},
        {"date:2020 harbour date:2021", 18, "twice"},
        {"harbour source:\"MOFA", 15, "unterminated"},
        {"harbour date:2023-02-29", 13, "not a date"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        aj_ctx c = {0};
        aj_search_opts o;
        aj_search_opts_init(&o);
        const aj_results *r;
        cr_assert_eq(aj_search(&c, f.s, cases[i].q, strlen(cases[i].q), &o, &r), AJ_ESYNTAX,
                     "%s", cases[i].q);
        cr_assert_eq(c.pos, cases[i].pos, "%s: at %zu, want %zu (%s)", cases[i].q, c.pos,
                     cases[i].pos, c.msg);
        cr_assert(strstr(c.msg, cases[i].msg), "%s: %s", cases[i].q, c.msg);
    }
    /* "source:" with a space after it is a word, and a bad option date is
     * AJ_EINVAL */
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f.s, "harbour source: patrol", 22, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert(!r->filtered);
    o.since = "2024-02-30";
    cr_assert_eq(aj_search(&c, f.s, "harbour", 7, &o, &r), AJ_EINVAL);
    cr_assert(strstr(c.msg, "since"), "%s", c.msg);
    done(&f);
}
