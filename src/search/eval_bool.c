/*
 * eval_bool.c - moving a cursor of the tree to a target id: AND, OR and
 * NOT, and the leaves they move.
 *
 * A seek is recursive (an AND seeks its children, which may be ORs of
 * ANDs) and runs once per posting skipped or matched, so the dispatch on
 * the cursor's kind, the leaves' seeks and the boolean cursors stay in
 * this one file, where the compiler sees them together.  The tree itself
 * and the step to the next match are in eval.c; eval_impl.h has the
 * cursor's layout.
 */
#include "search/eval_impl.h"

/* AND: the first id >= target that every positive child has and no
 * negative child has.  The positive children are in order of cost,
 * rarest first (eval.c), so the rarest proposes the candidates. */
aj_err aj_cur_and_seek(aj_ctx *c, aj_cur *k, uint32_t target) {
    uint32_t d = target;
again:
    for (uint32_t i = 0; i < k->nkids; i++) {
        aj_cur *kid = k->kids[i];
        aj_err e = aj_cur_advance(c, kid, d);
        if (e) return e;
        if (kid->doc == AJ_DOC_END) {
            k->doc = AJ_DOC_END;
            return AJ_OK;
        }
        if (kid->doc > d) {
            d = kid->doc;
            goto again;
        }
    }
    for (uint32_t i = 0; i < k->nneg; i++) {
        aj_err e = aj_cur_advance(c, k->neg[i], d);
        if (e) return e;
        if (k->neg[i]->doc == d) {
            d++;
            goto again;
        }
    }
    k->doc = d;
    return AJ_OK;
}

/* OR: every child to its first id >= target; the OR is on the least. */
static aj_err or_seek(aj_ctx *c, aj_cur *k, uint32_t target) {
    uint32_t m = AJ_DOC_END;
    for (uint32_t i = 0; i < k->nkids; i++) {
        aj_err e = aj_cur_advance(c, k->kids[i], target);
        if (e) return e;
        if (k->kids[i]->doc < m) m = k->kids[i]->doc;
    }
    k->doc = m;
    return AJ_OK;
}

/* A gathered list: gallop from the current place, then binary search. */
static void list_seek(aj_cur *k, uint32_t target) {
    uint32_t lo = k->li, step = 1, hi;
    while (lo + step < k->ln && k->ldocs[lo + step] < target) {
        lo += step;
        step *= 2;
    }
    hi = lo + step < k->ln ? lo + step : k->ln;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->ldocs[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    k->li = lo;
    k->doc = lo < k->ln ? k->ldocs[lo] : AJ_DOC_END;
}

/* Any cursor to its first match >= target (eval.h; the tree's own seeks
 * call it too). */
aj_err aj_cur_advance(aj_ctx *c, aj_cur *k, uint32_t target) {
    if (k->doc >= target) return AJ_OK;
    switch (k->kind) {
    case C_TERM: {
        aj_err e = aj_pcursor_advance(c, &k->pc, target);
        k->doc = k->pc.doc;
        return e;
    }
    case C_LIST:
        list_seek(k, target);
        return AJ_OK;
    case C_AND:
        return aj_cur_and_seek(c, k, target);
    default: /* C_OR */
        return or_seek(c, k, target);
    }
}
