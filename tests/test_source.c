/*
 * test_source.c - source offsets of matches (source.c): every paragraph
 * is found from its own lines, whatever markup, entity or wrap it starts
 * with; a hit in the last paragraph of a large file reads as many bytes as
 * one in a small file; a changed file gives no offsets; a paragraph no
 * window reproduces is found by the whole-document pass.
 */
#include "helpers.h"

#include "ajsearch.h"
#include "index/source.h"

/* A corpus of named files under a fresh directory, indexed. */
typedef struct {
    char *root;
    char corpus[1024];
    aj_index *ix;
} corpus_fx;

static corpus_fx index_files(const char *const *names, const char *const *texts,
                             const size_t *lens, size_t n) {
    corpus_fx f;
    f.root = th_tmpdir();
    char index[1100];
    snprintf(f.corpus, sizeof f.corpus, "%s/corpus", f.root);
    snprintf(index, sizeof index, "%s/index", f.root);
    mkdir(f.corpus, 0755);
    for (size_t i = 0; i < n; i++)
        th_write(f.corpus, names[i], texts[i], lens ? lens[i] : strlen(texts[i]));
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = f.corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, &f.ix), AJ_OK, "%s", c.msg);
    return f;
}

static void close_files(corpus_fx *f) {
    aj_index_close(f->ix);
    th_rmtree(f->root);
    free(f->root);
}

/* Maps span [s, e) of paragraph id's text; returns found, with the range
 * in *r and the cost added to *st. */
static int last_changed; /* the last map_one's hit was marked changed */

static int map_one(corpus_fx *f, uint32_t id, uint32_t s, uint32_t e, aj_range *r,
                   aj_source_stats *st) {
    aj_ctx c = {0};
    char *text;
    size_t len;
    cr_assert_eq(aj_para_text(&c, f->ix, id, &text, &len), AJ_OK, "%s", c.msg);
    aj_span sp = {s, e, 0};
    aj_source_hit h = {id, text, len, &sp, 1, r, 0, 0};
    cr_assert_eq(aj_source_ranges_stats(&c, f->ix, f->corpus, &h, 1, st), AJ_OK, "%s",
                 c.msg);
    free(text);
    cr_assert(!(h.found && h.changed), "found and changed");
    last_changed = h.changed;
    return h.found;
}

/* The paragraph of f whose text holds word, and where. */
static uint32_t find_para(corpus_fx *f, const char *word, uint32_t *at) {
    aj_index_stats is;
    aj_index_stats_get(f->ix, &is);
    aj_ctx c = {0};
    for (uint32_t id = 0; id < is.nparas; id++) {
        char *text;
        size_t len;
        cr_assert_eq(aj_para_text(&c, f->ix, id, &text, &len), AJ_OK, "%s", c.msg);
        const char *p = strstr(text, word);
        if (p) *at = (uint32_t)(p - text);
        free(text);
        if (p) return id;
    }
    cr_assert_fail("no paragraph holds '%s'", word);
    return 0;
}

/* The source bytes of word, the first time a paragraph holds it, must be
 * want, found from the paragraph's window alone. */
static void source_is(corpus_fx *f, const char *file, const char *word, const char *want) {
    uint32_t at, id = find_para(f, word, &at);
    aj_range r;
    aj_source_stats st = {0};
    cr_assert(map_one(f, id, at, at + (uint32_t)strlen(word), &r, &st), "'%s' not found",
              word);
    cr_assert_eq(st.whole_docs, 0, "'%s' needed its whole document", word);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", f->corpus, file);
    size_t n;
    char *src = th_read(path, &n);
    cr_assert(r.end <= n && r.end - r.start == strlen(want) &&
                  !memcmp(src + r.start, want, strlen(want)),
              "'%s' maps to '%.*s', want '%s'", word, (int)(r.end - r.start),
              src + r.start, want);
    free(src);
}

/* Filler lines of a hard-wrapped document, 60-80 code points each. */
static void wrapped_filler(char *out, size_t cap, int nlines) {
    size_t k = 0;
    for (int i = 0; i < nlines; i++)
        k += (size_t)snprintf(out + k, cap - k,
                              "%s the maritime partners agreed to work on training of%.*s\n",
                              i % 2 ? "Then" : "and", i % 20, "zzzzzzzzzzzzzzzzzzzz");
    snprintf(out + k, cap - k, "ending the paragraph here.\n\n");
}

static const char *const web_doc =
    "Japan-ASEAN Relations\n"
    "12<sup>th</sup> summit of the leaders was held in Jakarta this year.\n"
    "&amp; partners welcomed the outcome of the meeting of ministers.\n"
    "[Patrol](http://example.org/p) vessels were provided to the coast guards.\n"
    "**Maritime** security and safety were discussed at length by all.\n"
    "1. Training on cybersecurity was held for the officials of ASEAN.\n"
    "&#x2019;Quoted&quot; words start this paragraph, closing the page.\n";

static const char *const md_doc =
    "# The 28th Summit &amp; its outcome\n"
    "\n"
    "> __Underlined__ words in a quoted paragraph of the markdown page.\n"
    "\n"
    "- `code` in a bulleted item about the coast guards of the region.\n"
    "\n"
    "[^2]: Footnote text about the exchange of people between the nations.\n";

/* Every paragraph of documents of each kind, markup, entities and wraps
 * at the very start of their ranges, is found from its own lines, and
 * its whole text maps to its whole source range. */
Test(source, every_paragraph_from_its_lines) {
    static char wrapped[16384];
    size_t k = 0;
    char filler[4096];
    wrapped_filler(filler, sizeof filler, 10);
    k += (size_t)snprintf(wrapped + k, sizeof wrapped - k, "%s", filler);
    k += (size_t)snprintf(wrapped + k, sizeof wrapped - k,
                          "12<sup>th</sup> meeting of the maritime law experts on the\n"
                          "question of the exchange programmes for officials and of people-to-\n"
                          "people exchange between the nations of the region and Japan\n"
                          "continued with the workshop.\n\n"
                          "&amp; the partners of the exchange programme of the region met in\n"
                          "Tokyo and agreed on the training of officers for the coast guards.\n\n");
    snprintf(wrapped + k, sizeof wrapped - k, "%s", filler);
    const char *names[] = {"web.txt", "page.md", "wrapped.txt"};
    const char *texts[] = {web_doc, md_doc, wrapped};
    corpus_fx f = index_files(names, texts, NULL, 3);
    aj_index_stats is;
    aj_index_stats_get(f.ix, &is);
    cr_assert_gt(is.nparas, 12, "%u paragraphs", is.nparas);
    aj_ctx c = {0};
    for (uint32_t id = 0; id < is.nparas; id++) {
        aj_para_info p;
        cr_assert_eq(aj_para_get(&c, f.ix, id, &p), AJ_OK);
        char *text;
        size_t len;
        cr_assert_eq(aj_para_text(&c, f.ix, id, &text, &len), AJ_OK);
        free(text);
        aj_range r;
        aj_source_stats st = {0};
        cr_assert(map_one(&f, id, 0, (uint32_t)len, &r, &st), "paragraph %u not found", id);
        cr_assert(st.windows == 1 && st.whole_docs == 0, "paragraph %u: %zu windows, %zu "
                  "whole documents", id, st.windows, st.whole_docs);
        cr_assert(r.start == p.start && r.end == p.end, "paragraph %u maps to [%llu, %llu), "
                  "its range is [%llu, %llu)", id, (unsigned long long)r.start,
                  (unsigned long long)r.end, (unsigned long long)p.start,
                  (unsigned long long)p.end);
    }
    source_is(&f, "web.txt", "12th", "12<sup>th");
    source_is(&f, "web.txt", "& partners", "&amp; partners");
    source_is(&f, "web.txt", "Patrol vessels", "Patrol](http://example.org/p) vessels");
    source_is(&f, "web.txt", "Maritime", "Maritime");
    source_is(&f, "web.txt", "Training", "Training");
    source_is(&f, "web.txt", "\xE2\x80\x99Quoted\"", "&#x2019;Quoted&quot;");
    source_is(&f, "page.md", "28th Summit & its", "28th Summit &amp; its");
    source_is(&f, "page.md", "Underlined words", "Underlined__ words");
    source_is(&f, "page.md", "code in", "code` in");
    source_is(&f, "page.md", "2 Footnote", "2]: Footnote");
    source_is(&f, "wrapped.txt", "12th meeting", "12<sup>th</sup> meeting");
    source_is(&f, "wrapped.txt", "the question", "the\nquestion");
    source_is(&f, "wrapped.txt", "people-to-people", "people-to-\npeople");
    source_is(&f, "wrapped.txt", "& the partners", "&amp; the partners");
    close_files(&f);
}

/* The same last paragraph at the end of a small file and of a large one:
 * finding a match in it reads the same few bytes of either. */
Test(source, last_paragraph_of_a_large_file, .timeout = 600) {
    const char *last = "The last paragraph names the maritime patrol vessels once.\n";
    const char *para = "Officials of the region met again and agreed on training for "
                       "officers of the coast guards, on exchanges of people, and on "
                       "the law of the sea in the years to come.\n\n";
    size_t plen = strlen(para), big = (size_t)32 << 20, n = 0;
    char *large = malloc(big + 4096);
    cr_assert_not_null(large);
    while (n < big) {
        memcpy(large + n, para, plen);
        n += plen;
    }
    memcpy(large + n, last, strlen(last) + 1);
    size_t small_len = 8 * plen + strlen(last);
    char *small = malloc(small_len + 1);
    for (size_t i = 0; i < 8; i++) memcpy(small + i * plen, para, plen);
    memcpy(small + 8 * plen, last, strlen(last) + 1);
    const char *names[] = {"large.txt", "small.txt"};
    const char *texts[] = {large, small};
    corpus_fx f = index_files(names, texts, NULL, 2);
    aj_index_stats is;
    aj_index_stats_get(f.ix, &is);
    aj_ctx c = {0};
    aj_doc_info d[2];
    cr_assert_eq(aj_doc_get(&c, f.ix, 0, &d[0]), AJ_OK);
    cr_assert_eq(aj_doc_get(&c, f.ix, 1, &d[1]), AJ_OK);
    cr_assert_str_eq(d[0].path, "large.txt");
    aj_source_stats st[2] = {{0}, {0}};
    for (int k = 0; k < 2; k++) {
        uint32_t id = d[k].first_para + d[k].nparas - 1;
        char *text;
        size_t len;
        cr_assert_eq(aj_para_text(&c, f.ix, id, &text, &len), AJ_OK);
        const char *w = strstr(text, "maritime");
        cr_assert_not_null(w, "%s", text);
        uint32_t at = (uint32_t)(w - text);
        free(text);
        aj_range r;
        cr_assert(map_one(&f, id, at, at + 8, &r, &st[k]));
        const char *src = k ? small : large;
        cr_assert(!memcmp(src + r.start, "maritime", 8) && r.end == r.start + 8);
        cr_assert_gt(r.start, k ? 8 * plen : big, "the last paragraph");
    }
    cr_assert_eq(st[0].whole_docs + st[1].whole_docs, 0);
    cr_assert_eq(st[0].bytes_read, st[1].bytes_read,
                 "%llu bytes read in the large file, %llu in the small one",
                 (unsigned long long)st[0].bytes_read, (unsigned long long)st[1].bytes_read);
    cr_assert_lt(st[0].bytes_read, 1024, "%llu bytes read for one paragraph",
                 (unsigned long long)st[0].bytes_read);
    free(large);
    free(small);
    close_files(&f);
}

/* A file changed since it was indexed gives no offsets, whether the
 * change moved the paragraph, changed a word in place (same length) or cut
 * the file short; the words around the change are not guessed.  The hit
 * says the file changed (a missing file does not), and finding out costs
 * an fstat when the size differs, one read of the file (no segmenting)
 * when only its bytes do.  A same-size change elsewhere in the file leaves
 * the hit's own lines, and its offsets, right. */
Test(source, changed_file_gives_no_offsets) {
    const char *names[] = {"web.txt"};
    const char *texts[] = {web_doc};
    corpus_fx f = index_files(names, texts, NULL, 1);
    uint32_t at, id = find_para(&f, "Patrol vessels", &at);
    aj_range r;
    aj_source_stats st = {0};
    cr_assert(map_one(&f, id, at, at + 6, &r, &st));
    size_t n = strlen(web_doc);
    char *edit = malloc(n + 16);
    /* a word of the paragraph, in place */
    memcpy(edit, web_doc, n + 1);
    memcpy(strstr(edit, "vessels"), "VESSELS", 7);
    th_write(f.corpus, "web.txt", edit, n);
    st = (aj_source_stats){0};
    cr_assert_not(map_one(&f, id, at, at + 6, &r, &st), "a changed word");
    cr_assert(last_changed, "a changed word: said changed");
    cr_assert(st.whole_docs == 0 && st.changed_docs == 1,
              "the checksum tells, not a segmenting pass (%zu, %zu)", st.whole_docs,
              st.changed_docs);
    cr_assert_geq(st.bytes_read, n, "the file is read once for its checksum");
    /* a word of another paragraph, in place: this hit is still right */
    memcpy(edit, web_doc, n + 1);
    memcpy(strstr(edit, "Training"), "TRAINING", 8);
    th_write(f.corpus, "web.txt", edit, n);
    st = (aj_source_stats){0};
    cr_assert(map_one(&f, id, at, at + 6, &r, &st), "a change elsewhere");
    cr_assert(!memcmp(edit + r.start, "Patrol", 6) && st.whole_docs == 0);
    /* bytes inserted before the paragraph: the size tells, nothing read */
    snprintf(edit, n + 16, "Inserted.\n%s", web_doc);
    th_write_str(f.corpus, "web.txt", edit);
    st = (aj_source_stats){0};
    cr_assert_not(map_one(&f, id, at, at + 6, &r, &st), "moved");
    cr_assert(last_changed && st.bytes_read == 0 && st.changed_docs == 1, "moved: said");
    /* cut short before the paragraph's end: not even read */
    th_write(f.corpus, "web.txt", web_doc, (size_t)(strstr(web_doc, "coast") - web_doc));
    st = (aj_source_stats){0};
    cr_assert_not(map_one(&f, id, at, at + 6, &r, &st), "cut short");
    cr_assert(last_changed, "cut short: said changed");
    cr_assert_eq(st.bytes_read, 0);
    /* gone: not found, and not "changed" */
    char path[1200];
    snprintf(path, sizeof path, "%s/web.txt", f.corpus);
    unlink(path);
    cr_assert_not(map_one(&f, id, at, at + 6, &r, &st), "gone");
    cr_assert_not(last_changed, "a missing file is not called changed");
    /* back as it was */
    th_write_str(f.corpus, "web.txt", web_doc);
    cr_assert(map_one(&f, id, at, at + 6, &r, &st));
    cr_assert(!memcmp(web_doc + r.start, "Patrol", 6));
    free(edit);
    close_files(&f);
}

/* Source files are kept open between look-ups (source.h): a file
 * replaced by another under its name (a new inode, as editors and rsync
 * leave it) is read anew, never through the descriptor of the old one;
 * one changed in place is read as it is now; many documents looked up in
 * turn (more than the files kept) all stay right. */
Test(source, kept_files_follow_their_path) {
    const char *names[] = {"web.txt"};
    const char *texts[] = {web_doc};
    corpus_fx f = index_files(names, texts, NULL, 1);
    uint32_t at, id = find_para(&f, "Patrol vessels", &at);
    aj_range r;
    cr_assert(map_one(&f, id, at, at + 6, &r, NULL));
    char path[1200], tmp[1200], edit[4096];
    snprintf(path, sizeof path, "%s/web.txt", f.corpus);
    snprintf(tmp, sizeof tmp, "%s/web.new", f.corpus);
    /* replaced by a file of the same size whose paragraph changed: no
     * offsets (the old file, still open, would have given them) */
    snprintf(edit, sizeof edit, "%s", web_doc);
    memcpy(strstr(edit, "vessels"), "VESSELS", 7);
    th_write_str(f.corpus, "web.new", edit);
    cr_assert_eq(rename(tmp, path), 0);
    cr_assert_not(map_one(&f, id, at, at + 6, &r, NULL), "replaced");
    /* replaced again by the indexed text: found */
    th_write_str(f.corpus, "web.new", web_doc);
    cr_assert_eq(rename(tmp, path), 0);
    cr_assert(map_one(&f, id, at, at + 6, &r, NULL));
    cr_assert(!memcmp(web_doc + r.start, "Patrol", 6));
    /* changed in place, then back */
    th_write_str(f.corpus, "web.txt", edit);
    cr_assert_not(map_one(&f, id, at, at + 6, &r, NULL), "changed in place");
    th_write_str(f.corpus, "web.txt", web_doc);
    cr_assert(map_one(&f, id, at, at + 6, &r, NULL));
    close_files(&f);

    /* more documents than files kept, each looked up twice in turn */
    enum { NDOCS = AJ_SOURCE_FILES + 9 };
    const char *many_names[NDOCS], *many_texts[NDOCS];
    char nbuf[NDOCS][32], tbuf[NDOCS][96];
    for (int i = 0; i < NDOCS; i++) {
        snprintf(nbuf[i], sizeof nbuf[i], "doc%03d.txt", i);
        snprintf(tbuf[i], sizeof tbuf[i], "Title %d\n\nThe harbour of place%dx is open.\n", i, i);
        many_names[i] = nbuf[i];
        many_texts[i] = tbuf[i];
    }
    corpus_fx g = index_files(many_names, many_texts, NULL, NDOCS);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < NDOCS; i++) {
            char word[32];
            snprintf(word, sizeof word, "place%dx", i);
            uint32_t w, pid = find_para(&g, word, &w);
            cr_assert(map_one(&g, pid, w, w + (uint32_t)strlen(word), &r, NULL), "%s", word);
            cr_assert(!memcmp(tbuf[i] + r.start, word, strlen(word)), "%s at %llu", word,
                      (unsigned long long)r.start);
        }
    close_files(&g);
}

/* A hard-wrapped paragraph whose lines go on except one short line,
 * "people-to-", which the page join takes on to "people" past a footnote
 * line (one word again, the footnote a paragraph of its own): only the
 * right split of its lines into short and long reproduces it from a
 * window, and each is tried while it has few line lengths; past MAX_CUTS
 * lengths only its whole document gives it, and does. */
static void wrapped_paragraph(char *out, size_t cap, int nlines) {
    char filler[4096];
    wrapped_filler(filler, sizeof filler, 12);
    size_t k = (size_t)snprintf(out, cap, "%s", filler);
    for (int i = 0; i < nlines; i++) {
        if (i == nlines / 2) /* the short line; the next begins in lower case */
            k += (size_t)snprintf(out + k, cap - k, "on the people-to-\n<sup>1</sup> A note.\npeople ");
        k += (size_t)snprintf(out + k, cap - k,
                              "%s maritime partners agreed to work on training%.*s\n",
                              i % 3 ? "Japan" : "the", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
    snprintf(out + k, cap - k, "ending it.\n%s", filler);
}

Test(source, whole_document_when_no_window_fits) {
    static char few[16384], many[16384];
    wrapped_paragraph(few, sizeof few, 10);
    wrapped_paragraph(many, sizeof many, 40);
    const char *names[] = {"few.txt", "many.txt"};
    const char *texts[] = {few, many};
    corpus_fx f = index_files(names, texts, NULL, 2);
    for (int k = 0; k < 2; k++) {
        aj_ctx c = {0};
        aj_doc_info d;
        cr_assert_eq(aj_doc_get(&c, f.ix, (uint32_t)k, &d), AJ_OK);
        uint32_t at = 0, id = d.first_para;
        char *text = NULL;
        size_t len;
        for (;; id++) { /* the paragraph with the join */
            cr_assert_lt(id, d.first_para + d.nparas);
            cr_assert_eq(aj_para_text(&c, f.ix, id, &text, &len), AJ_OK);
            const char *w = strstr(text, "people-to-people");
            if (w) at = (uint32_t)(w - text);
            free(text);
            if (w) break;
        }
        aj_range r;
        aj_source_stats st = {0};
        cr_assert(map_one(&f, id, at, at + 16, &r, &st), "%s", d.path);
        const char *src = k ? many : few;
        static const char span[] = "people-to-\n<sup>1</sup> A note.\npeople";
        cr_assert(r.end - r.start == sizeof span - 1 && !memcmp(src + r.start, span, sizeof span - 1),
                  "%s: '%.*s'", d.path, (int)(r.end - r.start), src + r.start);
        cr_assert_eq(st.whole_docs, (size_t)k, "%s: %zu whole documents", d.path,
                     st.whole_docs);
        cr_assert_eq(st.windows, (size_t)!k);
    }
    close_files(&f);
}
