/*
 * search - run one query against an ajsearch index and print the hits.
 *
 *     search INDEX_DIR QUERY...
 *
 * The words of QUERY are joined with spaces, as the ajsearch command does,
 * so `search idx maritime security` and `search idx 'maritime security'`
 * ask the same thing.  For each hit it prints the rank, the score and the
 * citation, then the paragraph's text with every match between [[ and ]].
 *
 * Exit status: 0 when something matched, 1 when nothing did, 2 on an
 * error (a missing or damaged index, a query syntax error), with the
 * library's message on standard error.
 */
#include <ajsearch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 10

/* Prints text[0..len) with the sorted, disjoint spans bracketed. */
static void print_marked(const char *text, size_t len, const aj_span *spans, size_t n)
{
    size_t at = 0, i;

    for (i = 0; i < n; i++) {
        fwrite(text + at, 1, spans[i].start - at, stdout);
        fputs("[[", stdout);
        fwrite(text + spans[i].start, 1, spans[i].end - spans[i].start, stdout);
        fputs("]]", stdout);
        at = spans[i].end;
    }
    fwrite(text + at, 1, len - at, stdout);
}

/* The spans of the last query in text: aj_search_highlight says how many
 * there are, so a second call with a large enough array gets them all.
 * Returns 0 and sets *n to 0 when there is nothing to mark; -1 when memory
 * runs out. */
static int highlight(aj_searcher *s, const char *text, size_t len, aj_span **spans,
                     size_t *cap, size_t *n)
{
    size_t want = aj_search_highlight(s, text, len, *spans, *cap);

    if (want > *cap) {
        aj_span *bigger = realloc(*spans, want * sizeof **spans);
        if (!bigger)
            return -1;
        *spans = bigger;
        *cap = want;
        want = aj_search_highlight(s, text, len, *spans, *cap);
    }
    *n = want < *cap ? want : *cap;
    return 0;
}

static int fail(const char *what, const aj_ctx *c)
{
    fprintf(stderr, "search: %s: %s\n", what, c->msg);
    return 2;
}

int main(int argc, char **argv)
{
    aj_ctx c;
    aj_index *ix = NULL;
    aj_searcher *s = NULL;
    aj_search_opts opts;
    const aj_results *r;
    aj_span *spans = NULL;
    size_t cap = 0, qlen = 0, i;
    char *q;
    int status = 2, k;

    if (argc < 3) {
        fprintf(stderr, "usage: search INDEX_DIR QUERY...\n");
        return 2;
    }
    for (k = 2; k < argc; k++)
        qlen += strlen(argv[k]) + 1;
    q = malloc(qlen);
    if (!q) {
        fprintf(stderr, "search: out of memory\n");
        return 2;
    }
    q[0] = '\0';
    for (k = 2; k < argc; k++) {
        if (k > 2)
            strcat(q, " ");
        strcat(q, argv[k]);
    }
    qlen = strlen(q);

    memset(&c, 0, sizeof c);
    if (aj_index_open(&c, argv[1], &ix) != AJ_OK) {
        /* The message names the directory. */
        fprintf(stderr, "search: %s\n", c.msg);
        goto out;
    }
    if (aj_searcher_new(&c, ix, &s) != AJ_OK) {
        status = fail("searcher", &c);
        goto out;
    }

    aj_search_opts_init(&opts);
    opts.limit = LIMIT;
    if (aj_search(&c, s, q, qlen, &opts, &r) != AJ_OK) {
        /* A syntax error or an exceeded limit points into the query. */
        if (c.err == AJ_ESYNTAX || c.err == AJ_ELIMIT)
            fprintf(stderr, "search: query error at byte %zu: %s\n", c.pos, c.msg);
        else
            fprintf(stderr, "search: %s\n", c.msg);
        goto out;
    }

    /* Words no paragraph holds; with AJ_CORRECT_AUTO (the default) the
     * library may then have run a corrected query instead. */
    if (r->nmissing) {
        fputs("not in any paragraph:", stdout);
        for (i = 0; i < r->nmissing; i++)
            printf(" %.*s", (int)r->missing[i].len, r->given + r->missing[i].pos);
        putchar('\n');
    }
    if (r->corrected)
        printf("showing results for: %.*s\n", (int)r->query_len, r->query);
    printf("%s%llu paragraph%s\n", r->total_exact ? "" : "at least ",
           (unsigned long long)r->total, r->total == 1 ? " matches" : "s match");
    /* After the full matches of an AND come paragraphs that match only
     * some of its words (aj_search_opts.partial). */
    if (r->npartial)
        printf("and %zu more paragraph%s only some of the words\n", r->npartial,
               r->npartial == 1 ? " matches" : "s match");

    for (i = 0; i < r->nhits; i++) {
        const aj_hit *h = &r->hits[i];
        aj_cite cite;
        const char *text;
        size_t len, n;

        if (aj_para_cite(&c, ix, h->id, &cite) != AJ_OK) {
            status = fail("citation", &c);
            goto out;
        }
        printf("\n%2zu. [%.3f] %s%s\n    ", opts.offset + i + 1, h->score, cite.cite,
               h->matched < h->clauses ? " (partial match)" : "");
        aj_cite_free(&cite);

        /* The text stays valid until the next aj_search_para_text; the
         * highlighting does not disturb it. */
        if (aj_search_para_text(&c, s, h->id, &text, &len) != AJ_OK) {
            status = fail("paragraph text", &c);
            goto out;
        }
        if (highlight(s, text, len, &spans, &cap, &n) != 0) {
            fprintf(stderr, "search: out of memory\n");
            goto out;
        }
        print_marked(text, len, spans, n);
        putchar('\n');
    }
    status = r->nhits ? 0 : 1;

out:
    free(spans);
    if (s)
        aj_searcher_free(s);
    if (ix)
        aj_index_close(ix);
    free(q);
    if (fflush(stdout) != 0 && status == 0)
        status = 2;
    return status;
}
