/* test_postings.c - posting lists: random round trips over sizes around
 * the block edges, skipping with advance(), and positions. */
#include "helpers.h"

#include "format/postings.h"

#define NPARAS 2000000u

typedef struct {
    uint32_t *docs, *tfs, *pos;
    uint32_t n;
    size_t npos;
} plist;

static uint32_t *lens_all(void) {
    static uint32_t *lens;
    if (!lens) {
        lens = malloc(NPARAS * sizeof *lens);
        for (uint32_t i = 0; i < NPARAS; i++) lens[i] = 1000 + i % 7;
    }
    return lens;
}

/* A random list of n postings; gap_max bounds the id gaps. */
static plist make_list(uint32_t n, uint32_t gap_max, uint32_t tf_max,
                       uint64_t *s) {
    plist l = {0};
    l.n = n;
    l.docs = malloc((n + 1) * sizeof *l.docs);
    l.tfs = malloc((n + 1) * sizeof *l.tfs);
    size_t cap = 16;
    l.pos = malloc(cap * sizeof *l.pos);
    uint32_t d = (uint32_t)(th_rand(s) % 3);
    for (uint32_t i = 0; i < n; i++) {
        if (i) d += 1 + (uint32_t)(th_rand(s) % gap_max);
        l.docs[i] = d;
        l.tfs[i] = 1 + (uint32_t)(th_rand(s) % tf_max);
        uint32_t p = (uint32_t)(th_rand(s) % 5);
        for (uint32_t j = 0; j < l.tfs[i]; j++) {
            if (l.npos == cap) {
                cap *= 2;
                l.pos = realloc(l.pos, cap * sizeof *l.pos);
            }
            l.pos[l.npos++] = p;
            p += 1 + (uint32_t)(th_rand(s) % 9);
        }
    }
    return l;
}

static void free_list(plist *l) {
    free(l->docs);
    free(l->tfs);
    free(l->pos);
}

typedef struct {
    char *dir;
    aj_mfile *post, *posn;
    aj_term_info info;
} written;

static written write_list(const plist *l) {
    written w = {0};
    w.dir = th_tmpdir();
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/post.aj", w.dir);
    snprintf(p2, sizeof p2, "%s/posn.aj", w.dir);
    aj_ctx c = {0};
    aj_fwriter *a, *b;
    cr_assert_eq(aj_fw_open(&c, p1, AJ_KIND_POST, &a), AJ_OK);
    cr_assert_eq(aj_fw_open(&c, p2, AJ_KIND_POSN, &b), AJ_OK);
    /* Something before the list, so offsets are not zero. */
    cr_assert_eq(aj_fw_write(&c, a, "xyz", 3), AJ_OK);
    cr_assert_eq(aj_postings_write(&c, a, b, l->docs, l->tfs, l->pos, l->n,
                                   lens_all(), &w.info),
                 AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_fw_close(&c, a, NULL), AJ_OK);
    cr_assert_eq(aj_fw_close(&c, b, NULL), AJ_OK);
    int fd = open(w.dir, O_RDONLY | O_DIRECTORY);
    cr_assert_eq(aj_mfile_open(&c, fd, "post.aj", AJ_KIND_POST, &w.post), AJ_OK);
    cr_assert_eq(aj_mfile_open(&c, fd, "posn.aj", AJ_KIND_POSN, &w.posn), AJ_OK);
    close(fd);
    return w;
}

static void unwrite(written *w) {
    aj_mfile_close(w->post);
    aj_mfile_close(w->posn);
    th_rmtree(w->dir);
    free(w->dir);
}

Test(postings, round_trip_next_and_positions) {
    uint32_t sizes[] = {1, 2, 127, 128, 129, 255, 256, 257, 1000, 4099};
    uint32_t gaps[] = {1, 3, 1000, 400000};
    uint64_t s = 12345;
    for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++)
        for (size_t g = 0; g < sizeof gaps / sizeof *gaps; g++) {
            uint32_t n = sizes[a];
            if ((uint64_t)n * gaps[g] >= NPARAS) continue;
            plist l = make_list(n, gaps[g], g == 3 ? 300 : 4, &s);
            written w = write_list(&l);
            cr_assert_eq(w.info.df, n);
            aj_ctx c = {0};
            aj_pcursor pc;
            cr_assert_eq(aj_pcursor_open(&c, &pc, w.post, w.posn, &w.info, NPARAS),
                         AJ_OK, "%s", c.msg);
            size_t at = 0;
            uint32_t maxtf = 0;
            for (uint32_t i = 0; i < n; i++) {
                cr_assert_eq(pc.doc, l.docs[i], "n=%u i=%u", n, i);
                cr_assert_eq(aj_pcursor_tf(&pc), l.tfs[i]);
                if (l.tfs[i] > maxtf) maxtf = l.tfs[i];
                const uint32_t *pos;
                uint32_t np;
                cr_assert_eq(aj_pcursor_positions(&c, &pc, &pos, &np), AJ_OK,
                             "%s", c.msg);
                cr_assert_eq(np, l.tfs[i]);
                for (uint32_t j = 0; j < np; j++)
                    cr_assert_eq(pos[j], l.pos[at + j], "n=%u i=%u j=%u", n, i, j);
                at += np;
                cr_assert_eq(aj_pcursor_next(&c, &pc), AJ_OK);
            }
            cr_assert_eq(pc.doc, AJ_DOC_END);
            cr_assert_eq(w.info.max_tf, maxtf);
            aj_pcursor_free(&pc);
            unwrite(&w);
            free_list(&l);
        }
}

Test(postings, advance_matches_lower_bound) {
    uint64_t s = 777;
    uint32_t sizes[] = {1, 128, 129, 3000};
    for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++) {
        plist l = make_list(sizes[a], 50, 3, &s);
        written w = write_list(&l);
        aj_ctx c = {0};
        for (int trial = 0; trial < 200; trial++) {
            aj_pcursor pc;
            cr_assert_eq(aj_pcursor_open(&c, &pc, w.post, w.posn, &w.info, NPARAS),
                         AJ_OK);
            uint32_t target = 0;
            uint32_t last = l.docs[l.n - 1];
            /* A few increasing targets per trial. */
            for (int step = 0; step < 5; step++) {
                target += (uint32_t)(th_rand(&s) % (last / 4 + 2));
                cr_assert_eq(aj_pcursor_advance(&c, &pc, target), AJ_OK);
                uint32_t i = 0;
                while (i < l.n && l.docs[i] < target) i++;
                uint32_t want = i < l.n ? l.docs[i] : AJ_DOC_END;
                /* advance never moves back: the cursor may already be past. */
                if (pc.doc != AJ_DOC_END && want != AJ_DOC_END && pc.doc > want)
                    cr_assert_fail("advance moved too far");
                cr_assert_eq(pc.doc, want, "target %u", target);
                if (pc.doc != AJ_DOC_END) {
                    cr_assert_eq(aj_pcursor_tf(&pc), l.tfs[i]);
                    const uint32_t *pos;
                    uint32_t np;
                    cr_assert_eq(aj_pcursor_positions(&c, &pc, &pos, &np), AJ_OK);
                    size_t at = 0;
                    for (uint32_t k = 0; k < i; k++) at += l.tfs[k];
                    cr_assert_eq(pos[0], l.pos[at]);
                }
            }
            aj_pcursor_free(&pc);
        }
        unwrite(&w);
        free_list(&l);
    }
}

Test(postings, out_of_range_ids_are_corruption) {
    uint64_t s = 5;
    plist l = make_list(300, 10, 2, &s);
    written w = write_list(&l);
    aj_ctx c = {0};
    aj_pcursor pc;
    /* Claim fewer paragraphs than the list refers to. */
    aj_err e = aj_pcursor_open(&c, &pc, w.post, w.posn, &w.info, l.docs[100]);
    while (e == AJ_OK && pc.doc != AJ_DOC_END) e = aj_pcursor_next(&c, &pc);
    cr_assert_eq(e, AJ_ECORRUPT);
    aj_pcursor_free(&pc);
    unwrite(&w);
    free_list(&l);
}

/* A list cut into pieces at random ids, each piece written on its own with
 * ids counted from its cut (as a shard holds them), must read through
 * aj_pcursor_open_chain exactly as the whole list: next with positions,
 * advance to random targets, every block by seek_block with bounds that
 * hold for it, and again after a rewind.  Pieces without postings are
 * left out, as a shard without the term is. */
Test(postings, chained_pieces_read_as_one_list) {
    uint64_t s = 4242;
    for (int round = 0; round < 24; round++) {
        uint32_t n = 1 + (uint32_t)(th_rand(&s) % 1500);
        plist l = make_list(n, round % 3 == 0 ? 2 : 40, 5, &s);
        uint32_t total = l.docs[n - 1] + 1 + (uint32_t)(th_rand(&s) % 50);
        /* cuts: 1 to 6 pieces over [0, total) */
        uint32_t ncut = (uint32_t)(th_rand(&s) % 6), cuts[8];
        cuts[0] = 0;
        for (uint32_t k = 1; k <= ncut; k++) cuts[k] = (uint32_t)(th_rand(&s) % total);
        cuts[ncut + 1] = total;
        for (uint32_t a = 1; a <= ncut; a++)  /* sort the inner cuts */
            for (uint32_t b = a; b > 1 && cuts[b] < cuts[b - 1]; b--) {
                uint32_t t = cuts[b];
                cuts[b] = cuts[b - 1];
                cuts[b - 1] = t;
            }
        written w[8];
        plist part[8];
        aj_pseg segs[8];
        uint32_t nseg = 0, at = 0;
        size_t posat = 0;
        for (uint32_t k = 0; k <= ncut; k++) {
            uint32_t lo = cuts[k], hi = cuts[k + 1], from = at;
            size_t pfrom = posat;
            while (at < n && l.docs[at] < hi) posat += l.tfs[at++];
            if (at == from || hi == lo) continue;
            plist *p = &part[nseg];
            p->n = at - from;
            p->docs = malloc(p->n * sizeof *p->docs);
            p->tfs = l.tfs + from;
            p->pos = l.pos + pfrom;
            for (uint32_t i = 0; i < p->n; i++) p->docs[i] = l.docs[from + i] - lo;
            w[nseg] = write_list(p);
            segs[nseg] = (aj_pseg){w[nseg].post, w[nseg].posn, w[nseg].info, lo, hi - lo};
            nseg++;
        }
        aj_term_info whole = {.df = n, .max_tf = 5, .min_len = 1000};
        aj_ctx c = {0};
        aj_pcursor pc;
        cr_assert_eq(aj_pcursor_open_chain(&c, &pc, segs, nseg, &whole, total), AJ_OK,
                     "%s", c.msg);
        for (int pass = 0; pass < 2; pass++) {
            size_t pat = 0;
            for (uint32_t i = 0; i < n; i++) {
                cr_assert_eq(pc.doc, l.docs[i], "round %d i=%u", round, i);
                cr_assert_eq(aj_pcursor_tf(&pc), l.tfs[i]);
                const uint32_t *pos;
                uint32_t np;
                cr_assert_eq(aj_pcursor_positions(&c, &pc, &pos, &np), AJ_OK, "%s", c.msg);
                for (uint32_t j = 0; j < np; j++) cr_assert_eq(pos[j], l.pos[pat + j]);
                pat += np;
                cr_assert_eq(aj_pcursor_next(&c, &pc), AJ_OK);
            }
            cr_assert_eq(pc.doc, AJ_DOC_END);
            cr_assert_eq(aj_pcursor_rewind(&c, &pc), AJ_OK);
        }
        /* advance: a few increasing targets, several times over */
        for (int trial = 0; trial < 40; trial++) {
            cr_assert_eq(aj_pcursor_rewind(&c, &pc), AJ_OK);
            uint32_t target = 0;
            for (int step = 0; step < 6; step++) {
                target += (uint32_t)(th_rand(&s) % (total / 4 + 2));
                cr_assert_eq(aj_pcursor_advance(&c, &pc, target), AJ_OK, "%s", c.msg);
                uint32_t i = 0;
                while (i < n && l.docs[i] < target) i++;
                uint32_t want = i < n ? l.docs[i] : AJ_DOC_END;
                if (want != AJ_DOC_END && pc.doc > want) cr_assert_fail("moved too far");
                if (pc.doc < target) cr_assert_fail("stopped short");
                cr_assert_eq(pc.doc, want, "round %d target %u", round, target);
                if (want != AJ_DOC_END) cr_assert_eq(aj_pcursor_tf(&pc), l.tfs[i]);
            }
        }
        /* every block in turn, with bounds that hold for it */
        uint32_t seen = 0;
        for (uint32_t b = 0; b < aj_pcursor_nblocks(&pc); b++) {
            uint32_t last, mtf, mlen;
            cr_assert_eq(aj_pcursor_block_bounds(&c, &pc, b, &last, &mtf, &mlen), AJ_OK);
            cr_assert_eq(aj_pcursor_seek_block(&c, &pc, b), AJ_OK);
            for (uint32_t i = 0; i < pc.n; i++, seen++) {
                cr_assert_eq(pc.docs[i], l.docs[seen]);
                cr_assert(pc.tfs[i] <= mtf);
            }
            cr_assert(pc.docs[pc.n - 1] <= last, "block %u ends after its bound", b);
        }
        cr_assert_eq(seen, n);
        aj_pcursor_free(&pc);
        for (uint32_t k = 0; k < nseg; k++) {
            unwrite(&w[k]);
            free(part[k].docs);
        }
        free_list(&l);
    }
}

/* Pieces whose dfs do not add up to the list's, or whose ids overlap, are
 * corruption. */
Test(postings, chained_pieces_checked) {
    uint64_t s = 9;
    plist l = make_list(200, 3, 2, &s);
    written w = write_list(&l);
    aj_ctx c = {0};
    aj_pcursor pc;
    aj_pseg segs[2] = {{w.post, w.posn, w.info, 0, 1000}, {w.post, w.posn, w.info, 1000, 1000}};
    aj_term_info whole = {.df = 401};
    cr_assert_eq(aj_pcursor_open_chain(&c, &pc, segs, 2, &whole, 2000), AJ_ECORRUPT);
    aj_pcursor_free(&pc);
    segs[1].base = 999;
    whole.df = 400;
    cr_assert_eq(aj_pcursor_open_chain(&c, &pc, segs, 2, &whole, 2000), AJ_ECORRUPT);
    aj_pcursor_free(&pc);
    segs[1].base = 1000;
    cr_assert_eq(aj_pcursor_open_chain(&c, &pc, segs, 2, &whole, 2000), AJ_OK, "%s", c.msg);
    uint32_t k = 0;
    while (pc.doc != AJ_DOC_END) {
        cr_assert_eq(pc.doc, k < 200 ? l.docs[k] : 1000 + l.docs[k - 200]);
        k++;
        cr_assert_eq(aj_pcursor_next(&c, &pc), AJ_OK);
    }
    cr_assert_eq(k, 400);
    aj_pcursor_free(&pc);
    unwrite(&w);
    free_list(&l);
}
