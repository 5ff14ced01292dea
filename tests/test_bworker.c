/*
 * test_bworker.c - a build worker with an analysis thread of its own
 * (aj_bworker_set_helper) hands over exactly what it hands over alone:
 * the same segments and pieces, in the same order, holding the same
 * documents, paragraphs, texts, acronyms, outlines and exports.  And when
 * the hand-over fails or the build is canceled at any point, the run
 * returns that error, frees what it made (the sanitizer runs check) and
 * does not hang.
 */
#include <xxhash.h>

#include "build/bworker.h"
#include "build/pairchoose.h"
#include "helpers.h"

#define MAX_HANDS 4096

/* What a run handed over: a hash of each segment or piece, in order. */
typedef struct {
    uint64_t hash[MAX_HANDS];
    size_t n, pieces, segments;
    size_t fail_at;          /* fail the hand-over of this number (1-based) */
    size_t cancel_at;        /* set the cancel flag at this one */
    volatile sig_atomic_t cancel;
} log_t;

static void put(XXH3_state_t *h, const void *p, size_t n) { XXH3_64bits_update(h, p, n); }
#define PUT(h, v)                              \
    do {                                       \
        __typeof__(v) v_ = (v);                \
        put(h, &v_, sizeof v_);                \
    } while (0)

static void put_export(XXH3_state_t *h, const aj_inv_export *x) {
    PUT(h, x->restart);
    PUT(h, x->nkeys_before);
    PUT(h, x->nkeys_after);
    put(h, x->newkeys, x->nnewkeys_bytes);
    put(h, x->newlens, x->nkeys_after > x->nkeys_before ? x->nkeys_after - x->nkeys_before : 0);
    PUT(h, x->n);
    put(h, x->ids, x->n * sizeof *x->ids);
    put(h, x->dfs, x->n * sizeof *x->dfs);
    put(h, x->lasts, x->n * sizeof *x->lasts);
    put(h, x->flags, x->n);
    put(h, x->offs, x->n * sizeof *x->offs);
    put(h, x->bytes, x->nbytes);
}

static uint64_t seg_hash(const aj_bseg *s) {
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    PUT(h, s->chunk);
    PUT(h, s->seq);
    PUT(h, s->last);
    PUT(h, s->worker);
    PUT(h, s->ntokens);
    for (size_t i = 0; i < s->ndocs; i++) {
        const aj_bdoc *d = &s->docs[i];
        PUT(h, d->corpus_doc);
        if (d->title) put(h, d->title, strlen(d->title) + 1);
        if (d->skip) put(h, d->skip, strlen(d->skip) + 1);
        PUT(h, d->skip_kind);
        PUT(h, d->bytes);
        PUT(h, d->xxh3);
    }
    for (size_t i = 0; i < s->nparas; i++) {
        const aj_bpara *p = &s->paras[i];
        PUT(h, p->corpus_doc);
        PUT(h, p->ordinal);
        PUT(h, p->start);
        uint32_t f[] = {p->srclen, p->label, p->block, p->off, p->textlen, p->kind, p->len};
        put(h, f, sizeof f);
    }
    put(h, s->strings, s->nstrings);
    for (size_t i = 0; i < s->nacros; i++) put(h, &s->acros[i], sizeof s->acros[i]);
    for (size_t i = 0; i < s->nouts; i++) {
        PUT(h, s->outs[i].corpus_doc);
        for (size_t k = 0; k < s->outs[i].n; k++) {
            const aj_block *b = &s->outs[i].blocks[k];
            uint64_t f[] = {b->key, b->cite, b->label, b->value, b->flags, b->words, b->kind,
                            b->chrome, b->mark, b->numeral, b->head, b->q, b->by_number,
                            b->parent, b->number};
            put(h, f, sizeof f);
        }
    }
    put(h, s->store.bytes, s->store.nbytes);
    PUT(h, s->store.nframes);
    PUT(h, s->store.ntexts);
    for (size_t i = 0; i < s->nexps; i++) {
        const aj_bexport *x = &s->exps[i];
        put_export(h, &x->terms);
        put_export(h, &x->words);
        put(h, x->others, x->nobytes);
        put(h, x->olens, x->nothers);
        PUT(h, x->fresh);
    }
    uint64_t v = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return v;
}

/* The hand-over: logs the segment and frees it (it is ours, whatever we
 * answer). */
static aj_err take(aj_ctx *c, void *arg, aj_bseg *s) {
    log_t *g = arg;
    size_t k = g->n + 1;
    if (g->n < MAX_HANDS) g->hash[g->n] = seg_hash(s);
    g->n++;
    if (s->nparas || s->ndocs || s->last) g->segments++;
    else g->pieces++;
    aj_bseg_free(s);
    if (k == g->cancel_at) g->cancel = 1;
    if (k == g->fail_at) return aj_fail(c, AJ_EIO, "hand-over %zu refused", k);
    return AJ_OK;
}

typedef struct {
    char *root;
    aj_corpus cp;
    aj_pairs common;
} fixture;

/* One chunk of documents: one of short paragraphs with labels, acronyms
 * and common pairs, cut by a few paragraphs of some 40,000 random words
 * (longer than a batch); an empty one, a binary one (skipped) and a
 * short one after them. */
static fixture make_fixture(void) {
    fixture f = {0};
    f.root = th_tmpdir();
    uint64_t s = 99;
    size_t cap = 8u << 20, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf);
    static const char *common[] = {"the", "of", "sea", "and", "security", "in"};
    for (int p = 0; p < 600; p++) {
        if (p % 150 == 75) {
            for (int w = 0; w < 40000; w++) {
                int len = 2 + (int)(th_rand(&s) % 9);
                for (int k = 0; k < len; k++) buf[n++] = (char)('a' + th_rand(&s) % 26);
                if (th_rand(&s) % 7 == 0) n += (size_t)sprintf(buf + n, "%u", (unsigned)(th_rand(&s) % 1000));
                buf[n++] = ' ';
            }
            n += (size_t)sprintf(buf + n, "end.\n\n");
            continue;
        }
        n += (size_t)sprintf(buf + n, "%d. ", p);
        if (p % 40 == 3)
            n += (size_t)sprintf(buf + n, "The Association of Southeast Asian Nations (ASEAN) ");
        for (int w = 0; w < 30; w++) {
            if (th_rand(&s) % 3 == 0) {
                n += (size_t)sprintf(buf + n, "%s ", common[th_rand(&s) % 6]);
                continue;
            }
            int len = 3 + (int)(th_rand(&s) % 6);
            for (int k = 0; k < len; k++) buf[n++] = (char)('a' + th_rand(&s) % 20);
            n += (size_t)sprintf(buf + n, "%s ", th_rand(&s) % 4 ? "" : "ing");
        }
        n += (size_t)sprintf(buf + n, "cooperation.\n\n");
        cr_assert(n + 600000 < cap);
    }
    th_write(f.root, "a.txt", buf, n);
    th_write(f.root, "b.txt", "", 0);
    th_write(f.root, "c.txt", "bin\0ary", 7);
    th_write_str(f.root, "d.txt", "Maritime Security\n\nThe sea lanes of the region.\n");
    aj_ctx c = {0};
    cr_assert_eq(aj_corpus_scan(&c, f.root, NULL, NULL, &f.cp), AJ_OK, "%s", c.msg);
    cr_assert_eq(f.cp.ndocs, 4);
    size_t sizes[1] = {n < 300000 ? n : 300000};
    cr_assert_eq(aj_pairs_choose(&c, buf, sizes, 1, 8, 8, &f.common), AJ_OK, "%s", c.msg);
    cr_assert_gt(f.common.n, 0);
    free(buf);
    return f;
}

static void drop_fixture(fixture *f) {
    aj_corpus_free(&f->cp);
    aj_pairs_free(&f->common);
    th_rmtree(f->root);
    free(f->root);
}

/* Runs the whole corpus as one chunk; the run's error, its message in
 * msg. */
static aj_err run(const fixture *f, int helper, uint64_t limit, log_t *g, char *msg) {
    aj_ctx c = {0};
    aj_bworker *w;
    cr_assert_eq(aj_bworker_new(&c, 1000, 0, &w), AJ_OK);
    aj_bworker_set_pairs(w, &f->common);
    aj_bworker_set_limit(w, limit);
    aj_bworker_set_helper(w, helper);
    aj_bworker_set_cancel(w, &g->cancel);
    aj_bchunk chunk = {0, f->cp.ndocs, 0};
    aj_err e = aj_bworker_run(&c, w, f->root, &f->cp, &chunk, 0, take, g);
    if (msg) snprintf(msg, 256, "%.255s", c.msg);
    aj_bworker_free(w);
    return e;
}

static void same_hand_overs(uint64_t limit) {
    fixture f = make_fixture();
    static log_t alone, helped;
    memset(&alone, 0, sizeof alone);
    memset(&helped, 0, sizeof helped);
    char msg[256];
    cr_assert_eq(run(&f, 0, limit, &alone, msg), AJ_OK, "%s", msg);
    cr_assert_eq(run(&f, 1, limit, &helped, msg), AJ_OK, "%s", msg);
    cr_assert_gt(alone.segments, 20, "segments of 1,000 tokens (%zu)", alone.segments);
    if (limit) cr_assert_gt(alone.pieces, 3, "a small limit cut pieces (%zu)", alone.pieces);
    cr_assert_eq(helped.n, alone.n, "hand-overs: %zu with a helper, %zu alone", helped.n, alone.n);
    for (size_t i = 0; i < alone.n && i < MAX_HANDS; i++)
        cr_assert_eq(helped.hash[i], alone.hash[i], "hand-over %zu differs", i);
    drop_fixture(&f);
}

Test(bworker, a_helper_hands_over_what_the_worker_alone_does) { same_hand_overs(0); }

Test(bworker, a_helper_hands_over_the_same_pieces_under_a_small_limit) {
    same_hand_overs(400000);
}

/* Every hand-over refused in turn, with and without a helper: the run
 * fails with the refusal's message, having handed over nothing after it. */
Test(bworker, a_refused_hand_over_ends_the_run, .timeout = 300) {
    fixture f = make_fixture();
    static log_t all, g;
    memset(&all, 0, sizeof all);
    cr_assert_eq(run(&f, 0, 400000, &all, NULL), AJ_OK);
    size_t step = all.n / 12 + 1;
    for (int helper = 0; helper < 2; helper++) {
        for (size_t k = 1; k <= all.n; k += (k < 4 || k + 4 > all.n) ? 1 : step) {
            memset(&g, 0, sizeof g);
            g.fail_at = k;
            char msg[256];
            aj_err e = run(&f, helper, 400000, &g, msg);
            cr_assert_eq(e, AJ_EIO, "refusal %zu (helper %d): %d %s", k, helper, e, msg);
            char want[64];
            snprintf(want, sizeof want, "hand-over %zu refused", k);
            cr_assert(strstr(msg, want), "helper %d: \"%s\"", helper, msg);
            cr_assert_eq(g.n, k, "helper %d: %zu hand-overs after a refusal at %zu", helper, g.n, k);
        }
    }
    drop_fixture(&f);
}

/* Canceled at any point: AJ_ECANCELED, the build's message, soon. */
Test(bworker, a_canceled_run_stops_at_once, .timeout = 300) {
    fixture f = make_fixture();
    static log_t all, g;
    memset(&all, 0, sizeof all);
    cr_assert_eq(run(&f, 0, 0, &all, NULL), AJ_OK);
    for (int helper = 0; helper < 2; helper++) {
        for (size_t k = 1; k < all.n; k += k < 3 ? 1 : all.n / 6 + 1) {
            memset(&g, 0, sizeof g);
            g.cancel_at = k;
            char msg[256];
            aj_err e = run(&f, helper, 0, &g, msg);
            cr_assert_eq(e, AJ_ECANCELED, "cancel at %zu (helper %d): %d %s", k, helper, e, msg);
            cr_assert(strstr(msg, "canceled"), "helper %d: \"%s\"", helper, msg);
            /* with a helper, the batches already analyzed may still go */
            cr_assert_leq(g.n, k + (helper ? 4 : 1), "helper %d: %zu hand-overs after %zu", helper,
                          g.n, k);
        }
    }
    drop_fixture(&f);
}
