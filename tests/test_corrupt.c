/* test_corrupt.c - damaged index files, exhaustively: every truncation and
 * every flipped byte of every file of a small index must be detected by
 * `check`, and opening and searching the damaged index must either fail
 * with an error naming the file or give exactly the answers of the intact
 * index (lazy verification only looks at the pages a query touches, so a
 * flip elsewhere may go unnoticed by a search, but never changes it).
 *
 * Figures (fixed seeds, so every run tries the same states):
 *   small index, 3428 bytes, every offset truncated and flipped (^0x01,
 *     ^0xFF) plus trailing garbage: 10289 states, check detects 10289,
 *     searches fail cleanly in all of them;
 *   seed corpus index, 93908 bytes, ~700 offsets per file: 10466 states,
 *     all detected, all searches fail cleanly;
 *   synthetic multi-page index, 1151504 bytes, ~250 offsets per file: 3719
 *     states, all detected; searches fail cleanly in 3537 and give the
 *     intact answers in 182 (damage in pages no query reads);
 *   flips with the checksums recomputed (reaching the decoders): 3568 on
 *     the small index, 126 sampled on the multi-page one; no crash, every
 *     failure a clean error.
 * About 40 s under ASan with --jobs 2. */
#include "helpers.h"

#include <stdarg.h>

#include "ajsearch.h"

/* A corpus small enough that trying every byte stays fast, with every
 * feature the files encode: several documents, metadata, labels, headings,
 * positions, prefixes, text blocks. */
static const char *const DOCS[][2] = {
    {"a.txt",
     "Maritime Security in the Region\n\n"
     "1. The leaders welcomed maritime cooperation and the safety of navigation.\n\n"
     "2. They reaffirmed the importance of the South China Sea code of conduct.\n\n"
     "Cooperation on disaster management and humanitarian assistance continued.\n"},
    {"b.md",
     "# Economic Partnership\n\n"
     "Trade and investment between ASEAN and Japan grew; the ASEAN-Japan "
     "Comprehensive Economic Partnership was upgraded.\n\n"
     "- Digital economy and cybersecurity cooperation.\n"
     "- People-to-people exchanges, Viet Nam and Thái Lan.\n"},
    {"c.txt",
     "The lord of the harvest gave security to the people of the sea.\n\n"
     "Japan supports ASEAN centrality and unity, and maritime law.\n"},
};

static const char *const QUERIES[] = {
    "maritime", "security", "japan asean", "maritime OR trade",
    "cooperation NOT digital", "\"south china sea\"", "\"of the\"",
    "coop*", "asean-japan", "(maritime OR economic) AND cooperation",
    "thai", "people", "\"the lord of the\"", "zzz", "navig*", "a*",
    "security -maritime", "(japan OR asean) \"economic partnership\"",
    "\"maritime cooperation\"", "harvest AND (lord OR people)",
};

/* What answers() asks: the queries, and every para_stride-th paragraph's
 * record and text (all of them for the small index). */
static const char *const *queries = QUERIES;
static size_t nqueries = sizeof QUERIES / sizeof *QUERIES;
static uint32_t para_stride = 1;

static const char *const FILES[] = {"meta.aj", "dict.aj", "post.aj", "posn.aj",
                                    "stor.aj"};

typedef struct {
    char *buf;
    size_t len, cap;
} sig;

static void sig_add(sig *s, const char *fmt, ...) {
    va_list ap;
    char tmp[512];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t k = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    if (s->len + k + 1 > s->cap) {
        s->cap = (s->len + k + 1) * 2;
        s->buf = realloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, tmp, k);
    s->len += k;
    s->buf[s->len] = 0;
}

/* Everything a user can get out of the index, as one string; or an error
 * code with its message in c. */
static aj_err answers(aj_ctx *c, const char *dir, sig *out) {
    out->len = 0;
    sig_add(out, "");
    aj_index *ix;
    aj_err e = aj_index_open(c, dir, &ix);
    if (e) return e;
    aj_searcher *s = NULL;
    e = aj_searcher_new(c, ix, &s);
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.limit = 20;
    for (size_t q = 0; !e && q < nqueries; q++) {
        /* pruned, exact, and exact with the page chrome searched too */
        for (int mode = 0; !e && mode < 3; mode++) {
            int exact = mode > 0;
            o.exact_total = exact;
            o.chrome = mode == 2;
            const aj_results *r;
            e = aj_search(c, s, queries[q], strlen(queries[q]), &o, &r);
            if (e == AJ_ESYNTAX || e == AJ_ELIMIT) {
                /* the query itself is bad: not the index's doing */
                sig_add(out, "q%zu syntax;", q);
                aj_ctx_reset(c);
                e = AJ_OK;
                continue;
            }
            if (e) break;
            if (exact) sig_add(out, "q%zu/%d total %llu:", q, mode, (unsigned long long)r->total);
            for (size_t i = 0; i < r->nhits; i++)
                sig_add(out, " %u/%.9g", r->hits[i].id, r->hits[i].score);
            sig_add(out, ";");
        }
    }
    aj_index_stats st;
    if (!e) {
        aj_index_stats_get(ix, &st);
        sig_add(out, "N %u %u;", st.ndocs, st.nparas);
    }
    for (uint32_t d = 0; !e && d < st.ndocs; d++) {
        aj_doc_info di;
        e = aj_doc_get(c, ix, d, &di);
        if (!e)
            sig_add(out, "doc %s|%s|%s|%s|%u|%u;", di.path, di.title, di.date,
                    di.source, di.first_para, di.nparas);
    }
    for (uint32_t p = 0; !e && p < st.nparas; p += para_stride) {
        aj_para_info pi;
        e = aj_para_get(c, ix, p, &pi);
        if (!e)
            sig_add(out, "para %u %u %u %s %llu %llu %u %d %d %u %u;", pi.id, pi.doc,
                    pi.ordinal, pi.label ? pi.label : "-",
                    (unsigned long long)pi.start, (unsigned long long)pi.end,
                    pi.len, pi.kind, pi.chrome, pi.section, pi.block);
        aj_cite ct;
        if (!e) e = aj_para_cite(c, ix, p, &ct);
        if (!e) {
            sig_add(out, "%s|%zu;", ct.cite, ct.nsection);
            aj_cite_free(&ct);
        }
        char *text;
        size_t len;
        if (!e) e = aj_para_text(c, ix, p, &text, &len);
        if (!e) {
            sig_add(out, "%.*s;", (int)(len < 400 ? len : 400), text);
            free(text);
        }
    }
    aj_searcher_free(s);
    aj_index_close(ix);
    return e;
}

static aj_err check_index(aj_ctx *c, const char *dir) {
    aj_index *ix;
    aj_err e = aj_index_open(c, dir, &ix);
    if (e) return e;
    e = aj_index_check(c, ix);
    aj_index_close(ix);
    return e;
}

typedef struct {
    char *root, corpus[4200], index[4200], gen[4500];
    sig ref;
} fixture;

/* A made-up language: word i spelled in syllables, so it has no stem to
 * lose and prefixes group words. */
static void synth_word(char *out, unsigned i) {
    static const char *const syl[] = {"ka", "lo", "mi", "ne", "su", "ta",
                                      "ri", "vo", "de", "ga", "pu", "zen"};
    out[0] = 0;
    do {
        strcat(out, syl[i % 12]);
        i /= 12;
    } while (i);
}

/* About 3.3 MB of text in 40 documents, so that most files
 * spans several 64 KiB checksum pages: damage to a page that no query
 * reads must then leave the answers unchanged rather than fail them. */
static void synth_corpus(const char *dir) {
    uint64_t seed = 2024;
    size_t cap = 1 << 18;
    char *text = malloc(cap), word[32];
    for (int d = 0; d < 40; d++) {
        size_t n = (size_t)snprintf(text, cap, "Document %d\n\n", d);
        for (int p = 0; p < 450; p++) {
            unsigned words = 10 + (unsigned)(th_rand(&seed) % 40);
            for (unsigned w = 0; w < words; w++) {
                /* skewed towards small ids, like real word frequencies */
                double u = (double)(th_rand(&seed) >> 11) / 9007199254740992.0;
                synth_word(word, (unsigned)(3000 * u * u * u));
                n += (size_t)snprintf(text + n, cap - n, "%s%s", w ? " " : "", word);
            }
            n += (size_t)snprintf(text + n, cap - n, ".\n\n");
            cr_assert_lt(n, cap - 64);
        }
        char name[32];
        snprintf(name, sizeof name, "doc%d.txt", d);
        th_write(dir, name, text, n);
    }
    free(text);
}

static const char *const SYNTH_QUERIES[] = {
    "vokaka", "lomi kami", "nesu OR zenka", "\"lomi kami\"", "tamisu*",
    "dede NOT ka", "(mine OR tane) AND rita", "\"mi kalo\"", "zenka*",
    "-lo rizen", "gapu dene", "\"nesu kalo\" OR \"sune kalo\"", "rizen",
    "dede", "punelo*", "kakaka*",
};

/* Builds the small corpus above, (1) the repository's corpus/, or (2) the
 * synthetic multi-page one. */
static fixture setup_from(int seed) {
    fixture f = {0};
    f.root = th_tmpdir();
    snprintf(f.corpus, sizeof f.corpus, "%s/corpus", f.root);
    snprintf(f.index, sizeof f.index, "%s/index", f.root);
    if (seed == 1) {
        snprintf(f.corpus, sizeof f.corpus, "corpus");
    } else if (seed == 2) {
        mkdir(f.corpus, 0755);
        synth_corpus(f.corpus);
    } else {
        mkdir(f.corpus, 0755);
        for (size_t i = 0; i < sizeof DOCS / sizeof *DOCS; i++)
            th_write_str(f.corpus, DOCS[i][0], DOCS[i][1]);
        th_write_str(f.corpus, "metadata.tsv",
                     "a.txt\t2023-12-17\tsummit\tJoint Statement\n");
    }
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = f.corpus, .index_dir = f.index};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "%s", c.msg);
    char target[256];
    cr_assert_gt(th_current(f.index, target, sizeof target), 0);
    snprintf(f.gen, sizeof f.gen, "%s/%s", f.index, target);
    cr_assert_eq(answers(&c, f.index, &f.ref), AJ_OK, "%s", c.msg);
    cr_assert_eq(check_index(&c, f.index), AJ_OK, "%s", c.msg);
    return f;
}

static fixture setup(void) { return setup_from(0); }

static void teardown(fixture *f) {
    th_rmtree(f->root);
    free(f->root);
    free(f->ref.buf);
}

static void put_file(const char *path, const char *data, size_t n) {
    /* Replace, not rewrite in place: the intact copy may still be mapped by
     * nothing, but a fresh inode keeps each trial independent. */
    char tmp[4600];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *fp = fopen(tmp, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(data, 1, n, fp), n);
    fclose(fp);
    cr_assert_eq(rename(tmp, path), 0);
}

typedef struct {
    size_t tried, detected_by_check, failed_search, same_answers;
} tally;

/* One damaged state of `file`: the searches fail naming the file or answer
 * exactly as before; check fails naming the file. */
static void judge(fixture *f, const char *file, const char *what, size_t at,
                  tally *t) {
    aj_ctx c = {0};
    sig got = {0};
    aj_err e = answers(&c, f->index, &got);
    t->tried++;
    if (e) {
        cr_assert(strstr(c.msg, file) != NULL,
                  "%s %s at %zu: error does not name the file: %s", file, what, at,
                  c.msg);
        t->failed_search++;
    } else {
        cr_assert(got.len == f->ref.len && !memcmp(got.buf, f->ref.buf, got.len),
                  "%s %s at %zu: answers changed without an error", file, what, at);
        t->same_answers++;
    }
    free(got.buf);
    aj_ctx_reset(&c);
    e = check_index(&c, f->index);
    cr_assert_neq(e, AJ_OK, "%s %s at %zu: check did not notice", file, what, at);
    cr_assert(strstr(c.msg, file) != NULL, "%s %s at %zu: check message: %s", file,
              what, at, c.msg);
    t->detected_by_check++;
}

/* Damages every file of f's index: truncation at each chosen offset, each
 * chosen byte flipped two ways (0x01, 0xFF), and trailing garbage.  With
 * `every` = 0 every offset is chosen, else about `every` per file with a
 * fixed seed. */
static tally damage_all(fixture *f, size_t every, size_t *total) {
    tally t = {0};
    *total = 0;
    uint64_t seed = 42;
    for (size_t i = 0; i < sizeof FILES / sizeof *FILES; i++) {
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", f->gen, FILES[i]);
        size_t n;
        char *orig = th_read(path, &n);
        cr_assert_not_null(orig, "%s", path);
        *total += n;
        char *bad = malloc(n + 7);
        for (size_t k = 0; k < n; k++) {
            if (every && n > every && th_rand(&seed) % n >= every) continue;
            put_file(path, orig, k);
            judge(f, FILES[i], "truncated", k, &t);
            static const unsigned char masks[] = {0x01, 0xFF};
            for (size_t m = 0; m < 2; m++) {
                memcpy(bad, orig, n);
                bad[k] ^= (char)masks[m];
                put_file(path, bad, n);
                judge(f, FILES[i], "flipped", k, &t);
            }
        }
        /* Longer than it should be: trailing bytes are damage too. */
        memcpy(bad, orig, n);
        memcpy(bad + n, "garbage", 7);
        put_file(path, bad, n + 7);
        judge(f, FILES[i], "extended", n, &t);
        put_file(path, orig, n);
        free(bad);
        free(orig);
    }
    /* The intact files are back: same answers, check passes. */
    aj_ctx c = {0};
    sig again = {0};
    cr_assert_eq(answers(&c, f->index, &again), AJ_OK, "%s", c.msg);
    cr_assert_str_eq(again.buf, f->ref.buf);
    free(again.buf);
    cr_assert_eq(check_index(&c, f->index), AJ_OK, "%s", c.msg);
    return t;
}

/* The small index, exhaustively: every offset of every file. */
Test(corrupt, every_truncation_and_flip, .timeout = 600) {
    fixture f = setup();
    size_t total;
    tally t = damage_all(&f, 0, &total);
    cr_assert_eq(t.detected_by_check, t.tried);
    cr_assert_eq(t.tried, 3 * total + 5, "every offset of %zu bytes", total);
    cr_log_info("corrupt: %zu damaged states of %zu index bytes (all): check "
                "detected all, searches failed cleanly in %zu, unchanged in %zu",
                t.tried, total, t.failed_search, t.same_answers);
    teardown(&f);
}

/* The seed corpus's index, whose files span several checksum pages, so a
 * damaged page that no query touches leaves the answers unchanged: about
 * 700 sampled offsets per file. */
Test(corrupt, sampled_on_seed_corpus, .timeout = 600) {
    fixture f = setup_from(1);
    size_t total;
    tally t = damage_all(&f, 700, &total);
    cr_assert_eq(t.detected_by_check, t.tried);
    cr_assert_gt(t.tried, 5000u);
    cr_log_info("corrupt: %zu damaged states sampled from %zu index bytes: check "
                "detected all, searches failed cleanly in %zu, unchanged in %zu",
                t.tried, total, t.failed_search, t.same_answers);
    teardown(&f);
}

/* Files of several pages, sampled (fixed seed): flips in pages a query
 * does not read must leave its answers exactly as they were, flips in pages
 * it reads must fail it, and check must catch every one. */
Test(corrupt, sampled_on_multi_page_index, .timeout = 600) {
    queries = SYNTH_QUERIES;
    nqueries = sizeof SYNTH_QUERIES / sizeof *SYNTH_QUERIES;
    para_stride = 1777;
    fixture f = setup_from(2);
    size_t total;
    tally t = damage_all(&f, 250, &total);
    cr_assert_eq(t.detected_by_check, t.tried);
    cr_assert_gt(total, 800000u, "several pages per file");
    cr_assert_gt(t.same_answers, 0u, "some damage is out of the queries' way (%zu tried, %zu failed)", t.tried, t.failed_search);
    cr_assert_gt(t.failed_search, 0u);
    cr_log_info("corrupt: %zu damaged states sampled from %zu index bytes in "
                "multi-page files: check detected all, searches failed cleanly "
                "in %zu, unchanged in %zu",
                t.tried, total, t.failed_search, t.same_answers);
    teardown(&f);
}

/* Rewrites the header's version field and its checksum, as a file written
 * by another version of the program would have them. */
#include <xxhash.h>

static void set_u32(char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (char)(v >> (8 * i));
}
static void set_u64(char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (char)(v >> (8 * i));
}

Test(corrupt, other_versions_kinds_and_programs) {
    fixture f = setup();
    char path[4600], other[4600];
    snprintf(path, sizeof path, "%s/post.aj", f.gen);
    snprintf(other, sizeof other, "%s/dict.aj", f.gen);
    size_t n = 0, on = 0;
    char *orig = th_read(path, &n), *dict = th_read(other, &on);
    aj_ctx c = {0};
    sig got = {0};

    /* Another format version (header bytes 8..12, FORMAT.md), checksum fixed. */
    char *v = malloc(n);
    memcpy(v, orig, n);
    set_u32(v + 8, 99);
    set_u64(v + 56, XXH3_64bits(v, 56));
    put_file(path, v, n);
    cr_assert_eq(answers(&c, f.index, &got), AJ_EVERSION, "%s", c.msg);
    cr_assert(strstr(c.msg, "post.aj") && strstr(c.msg, "99"), "%s", c.msg);
    cr_assert(!strstr(c.msg, "damaged"), "%s", c.msg);
    aj_ctx_reset(&c);
    /* An index of an earlier format (10: 64 KiB checksum pages; 9: no
     * shards; 7: a common term paired with every word, a COMMON section
     * without partners) is refused with a request to rebuild it. */
    cr_assert_eq(aj_format_version(), 11);
    for (uint32_t old = 9; old <= 10; old++) {
        char want[32];
        snprintf(want, sizeof want, "version %u", old);
        set_u32(v + 8, old);
        set_u64(v + 56, XXH3_64bits(v, 56));
        put_file(path, v, n);
        cr_assert_eq(answers(&c, f.index, &got), AJ_EVERSION, "%s", c.msg);
        cr_assert(strstr(c.msg, want) && strstr(c.msg, "rebuild the index"), "%s", c.msg);
        aj_ctx_reset(&c);
    }
    /* The same field changed by damage (checksum not fixed): still a
     * version error, but the message tells that the header may be broken. */
    set_u32(v + 8, aj_format_version() + 1);
    put_file(path, v, n);
    cr_assert_eq(answers(&c, f.index, &got), AJ_EVERSION, "%s", c.msg);
    cr_assert(strstr(c.msg, "post.aj") && strstr(c.msg, "damaged"), "%s", c.msg);
    aj_ctx_reset(&c);

    /* Another kind of file in its place. */
    put_file(path, dict, on);
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    cr_assert(strstr(c.msg, "post.aj"), "%s", c.msg);
    aj_ctx_reset(&c);

    /* Files of other programs: text, random bytes, nothing, a huge zero file. */
    const char *text = "just some text, not an index\n";
    put_file(path, text, strlen(text));
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    cr_assert(strstr(c.msg, "post.aj"), "%s", c.msg);
    aj_ctx_reset(&c);
    uint64_t seed = 7;
    for (size_t i = 0; i < n; i++) v[i] = (char)th_rand(&seed);
    put_file(path, v, n);
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    cr_assert(strstr(c.msg, "post.aj"), "%s", c.msg);
    aj_ctx_reset(&c);
    put_file(path, "", 0);
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    cr_assert(strstr(c.msg, "post.aj"), "%s", c.msg);
    aj_ctx_reset(&c);

    /* A missing file. */
    cr_assert_eq(unlink(path), 0);
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    cr_assert(strstr(c.msg, "post.aj"), "%s", c.msg);
    aj_ctx_reset(&c);
    put_file(path, orig, n);
    cr_assert_eq(answers(&c, f.index, &got), AJ_OK, "%s", c.msg);

    /* CURRENT pointing nowhere, or at something that is not a generation. */
    char link[4300];
    snprintf(link, sizeof link, "%s/CURRENT", f.index);
    cr_assert_eq(unlink(link), 0);
    cr_assert_eq(symlink("gen-9999999999", link), 0);
    aj_err e = answers(&c, f.index, &got);
    cr_assert(e == AJ_ENOTFOUND || e == AJ_ECORRUPT || e == AJ_EIO, "%d %s", e, c.msg);
    cr_assert(strlen(c.msg) > 0);
    aj_ctx_reset(&c);
    cr_assert_eq(unlink(link), 0);
    cr_assert_eq(symlink("../../../etc", link), 0);
    cr_assert_neq(answers(&c, f.index, &got), AJ_OK);
    aj_ctx_reset(&c);

    free(got.buf);
    free(v);
    free(orig);
    free(dict);
    teardown(&f);
}

static uint64_t get_u64(const char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | (uint8_t)p[i];
    return v;
}

/* Recomputes every checksum of a file in memory, as a program that writes
 * nonsense with valid checksums would: the damage then reaches the
 * decoders.  Returns 0 if the header no longer describes the file (then
 * only the header checksum is fixed). */
static int reseal(char *b, size_t n) {
    if (n < 64) return 0;
    uint64_t plen = get_u64(b + 16);
    uint32_t npages = (uint32_t)((uint8_t)b[36] | (uint8_t)b[37] << 8 | (uint8_t)b[38] << 16 |
                        (uint32_t)(uint8_t)b[39] << 24);
    int ok = plen <= n && npages == (plen + 65535) / 65536 &&
             64 + plen + 4 * (uint64_t)npages == n;
    if (ok) {
        char *table = b + 64 + plen;
        for (uint32_t pg = 0; pg < npages; pg++) {
            uint64_t off = (uint64_t)pg * 65536, len = plen - off;
            if (len > 65536) len = 65536;
            set_u32(table + 4 * (size_t)pg, (uint32_t)XXH3_64bits(b + 64 + off, len));
        }
        set_u64(b + 40, XXH3_64bits(table, 4 * (size_t)npages));
    }
    set_u64(b + 56, XXH3_64bits(b, 56));
    return ok;
}

/* Flips bytes of every file of f's index (0x01 or 0xFF; every byte, or
 * about `every` per file with a fixed seed) and makes the checksums valid again:
 * the structural checks alone stand between the damage and the decoders.
 * Searching may fail or answer differently (a changed length or count is
 * valid data), but nothing may crash or read out of bounds (ASan in `make
 * test`), and failures are clean errors with a message. */
static void reseal_sweep(fixture *f, size_t every, const char *what) {
    size_t tried = 0, failed = 0, changed = 0, same = 0, by_check = 0;
    uint64_t seed = 99;
    for (size_t i = 0; i < sizeof FILES / sizeof *FILES; i++) {
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", f->gen, FILES[i]);
        size_t n = 0;
        char *orig = th_read(path, &n), *bad = malloc(n);
        cr_assert_not_null(orig);
        uint64_t plen = get_u64(orig + 16);
        for (size_t k = 0; k < 64 + plen; k++) {
            /* the header's checksum fields are recomputed anyway */
            if ((k >= 40 && k < 48) || (k >= 56 && k < 64)) continue;
            if (every && th_rand(&seed) % (64 + plen) >= every) continue;
            /* Both masks on the header; in the payload they alternate by
             * offset, which halves the time (this sweep is the slowest under
             * ASan) and still gives each decoder both kinds of damage. */
            static const unsigned char masks[] = {0x01, 0xFF};
            for (size_t m = 0; m < 2; m++) {
                if (k >= 64 && m != (k & 1)) continue;
                memcpy(bad, orig, n);
                bad[k] ^= (char)masks[m];
                reseal(bad, n);
                put_file(path, bad, n);
                aj_ctx c = {0};
                sig got = {0};
                aj_err e = answers(&c, f->index, &got);
                tried++;
                if (e) {
                    cr_assert(e == AJ_ECORRUPT || e == AJ_EVERSION || e == AJ_ENOMEM ||
                                  e == AJ_ELIMIT,
                              "%s byte %zu ^%02x: %s: %s", FILES[i], k, masks[m],
                              aj_strerror(e), c.msg);
                    cr_assert(c.msg[0], "%s byte %zu: an error without a message", FILES[i], k);
                    failed++;
                } else if (got.len != f->ref.len || memcmp(got.buf, f->ref.buf, got.len)) {
                    changed++;
                } else {
                    same++;
                }
                free(got.buf);
                aj_ctx_reset(&c);
                if (check_index(&c, f->index) != AJ_OK) by_check++;
            }
        }
        put_file(path, orig, n);
        free(orig);
        free(bad);
    }
    cr_log_info("corrupt: %zu resealed flips (%s): searches failed cleanly in %zu, "
                "answered differently in %zu, unchanged in %zu; check flagged %zu",
                tried, what, failed, changed, same, by_check);
}

Test(corrupt, resealed_flips_reach_the_decoders, .timeout = 600) {
    fixture f = setup();
    reseal_sweep(&f, 0, "every byte of the small index");
    teardown(&f);
}

Test(corrupt, resealed_flips_multi_page_sampled, .timeout = 600) {
    queries = SYNTH_QUERIES;
    nqueries = sizeof SYNTH_QUERIES / sizeof *SYNTH_QUERIES;
    para_stride = 1777;
    fixture f = setup_from(2);
    reseal_sweep(&f, 25, "sampled from the multi-page index");
    teardown(&f);
}
