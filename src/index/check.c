/*
 * check.c - `ajsearch check`: verify every checksum and every structural
 * invariant of an index, eagerly, and name the first violation precisely.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/acronym.h"
#include "ajsearch.h"
#include "common/bytes.h"
#include "index/index.h"
#include "analysis/outline.h"
#include "format/postings.h"

/* The outline fields of paragraph p (document first paragraph first):
 * its section is a heading before it in its document, and its citation
 * names no more enclosing headings than it has. */
static aj_err check_outline(aj_ctx *c, aj_index *ix, const aj_para_info *p, uint32_t *number) {
    const uint8_t *r;
    aj_err e = aj_index_para_record(c, ix, p->id, &r);
    if (e) return e;
    uint32_t info = aj_get_u32le(r + 28), depth = 0;
    if (p->kind != AJ_PARA_CHROME && p->ordinal != ++*number)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u is number %u, expected %u", p->id,
                       p->ordinal, *number);
    for (uint32_t h = p->section; h != AJ_NO_PARA; depth++) {
        aj_para_info hp;
        e = aj_para_get(c, ix, h, &hp);
        if (e) return e;
        if (hp.kind != AJ_PARA_HEADING || hp.doc != p->doc || depth >= AJ_OUTLINE_DEPTH)
            return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u: section %u is no heading of "
                           "its document", p->id, h);
        h = hp.section;
    }
    if (AJ_CI_Q(info) > depth ||
        (p->kind == AJ_PARA_CHROME && (AJ_CI_Q(info) || AJ_CI_BY_NUMBER(info) || depth)))
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u citation record", p->id);
    return AJ_OK;
}

/* CHROME: sorted, disjoint runs that are exactly the chrome paragraphs,
 * whose count and tokens the superblock gives. */
static aj_err check_chrome(aj_ctx *c, aj_index *ix) {
    const uint8_t *runs;
    uint32_t n, next = 0, total = 0;
    uint64_t tokens = 0;
    aj_err e = aj_index_chrome_runs(c, ix, &runs, &n);
    for (uint32_t r = 0; !e && r < n; r++) {
        uint32_t first = aj_get_u32le(runs + (uint64_t)r * AJ_RUN_BYTES);
        uint32_t cnt = aj_get_u32le(runs + (uint64_t)r * AJ_RUN_BYTES + 4);
        if (!cnt || first < next + (r > 0) || first > ix->nparas || cnt > ix->nparas - first)
            return aj_fail(c, AJ_ECORRUPT, "meta.aj: chrome run %u out of order or range", r);
        for (uint32_t id = next; !e && id < first + cnt; id++) {
            aj_para_info p;
            uint32_t len;
            e = aj_para_get(c, ix, id, &p);
            if (!e && (p.kind == AJ_PARA_CHROME) != (id >= first))
                e = aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u %s a chrome run", id,
                            id >= first ? "is no chrome but in" : "is chrome but outside");
            if (!e && id >= first) e = aj_index_len(c, ix, id, &len);
            if (!e && id >= first) tokens += len;
        }
        total += cnt;
        next = first + cnt;
    }
    for (uint32_t id = next; !e && id < ix->nparas; id++) {
        aj_para_info p;
        e = aj_para_get(c, ix, id, &p);
        if (!e && p.kind == AJ_PARA_CHROME)
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u is chrome but outside a chrome run", id);
    }
    if (!e && (total != ix->nchrome || tokens != ix->chrome_tokens))
        e = aj_fail(c, AJ_ECORRUPT, "meta.aj: chrome runs hold %u paragraphs and %llu tokens, "
                    "superblock says %u and %llu", total, (unsigned long long)tokens,
                    ix->nchrome, (unsigned long long)ix->chrome_tokens);
    /* CHROMEDF: term ids strictly increasing; each count is checked
     * against the term's postings in check_list */
    int64_t prev = -1;
    for (uint32_t i = 0; !e && i < ix->nchromedf; i++) {
        const uint8_t *p;
        e = aj_mfile_get(c, ix->chromedf_file, ix->chromedf_off + (uint64_t)i * AJ_RUN_BYTES,
                         AJ_RUN_BYTES, &p);
        if (!e && ((int64_t)aj_get_u32le(p) <= prev || aj_get_u32le(p) >= ix->nterms ||
                   !aj_get_u32le(p + 4)))
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: chrome term record %u", i);
        if (!e) prev = aj_get_u32le(p);
    }
    return e;
}

static aj_err check_meta(aj_ctx *c, aj_index *ix) {
    uint32_t expect_first = 0;
    /* PAGES: records in increasing paragraph id, each changing the page */
    uint32_t prev_id = 0, prev_page = 0;
    for (uint32_t r = 0; r < ix->one.npages; r++) {
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, ix->files[AJ_F_META],
                                ix->one.pages_off + (uint64_t)r * AJ_RUN_BYTES, AJ_RUN_BYTES, &p);
        if (e) return e;
        uint32_t id = aj_get_u32le(p), page = aj_get_u32le(p + 4);
        if ((r && id <= prev_id) || id >= ix->nparas || page == prev_page)
            return aj_fail(c, AJ_ECORRUPT, "meta.aj: page record %u out of order", r);
        prev_id = id;
        prev_page = page;
    }
    for (uint32_t d = 0; d < ix->ndocs; d++) {
        aj_doc_info di;
        aj_err e = aj_doc_get(c, ix, d, &di);
        if (e) return e;
        if (di.first_para != expect_first)
            return aj_fail(c, AJ_ECORRUPT,
                           "meta.aj: document %u starts at paragraph %u, "
                           "expected %u",
                           d, di.first_para, expect_first);
        uint32_t number = 0, page = 1;
        int pdf = !strcmp(di.format, "pdf");
        for (uint32_t i = 0; i < di.nparas; i++) {
            aj_para_info p;
            e = aj_para_get(c, ix, di.first_para + i, &p);
            if (e) return e;
            /* PAGES: a PDF's paragraphs on pages that never go back,
             * every other paragraph on none */
            if (pdf ? p.page < page : p.page != 0)
                return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u is on page %u "
                               "(document %u, %s)", p.id, p.page, d, di.format);
            page = p.page;
            if (p.doc != d || p.block != i + 1 || p.end < p.start)
                return aj_fail(c, AJ_ECORRUPT,
                               "meta.aj: paragraph %u record inconsistent "
                               "(document %u block %u)",
                               p.id, p.doc, p.block);
            e = check_outline(c, ix, &p, &number);
            if (e) return e;
        }
        expect_first += di.nparas;
    }
    if (expect_first != ix->nparas)
        return aj_fail(c, AJ_ECORRUPT,
                       "meta.aj: documents cover %u paragraphs, index has %u",
                       expect_first, ix->nparas);
    uint64_t tokens = 0;
    for (uint32_t i = 0; i < ix->nparas; i++) {
        uint32_t len;
        aj_err e = aj_index_len(c, ix, i, &len);
        if (e) return e;
        tokens += len;
    }
    if (tokens != ix->ntokens)
        return aj_fail(c, AJ_ECORRUPT,
                       "meta.aj: paragraph lengths sum to %llu, superblock "
                       "says %llu",
                       (unsigned long long)tokens,
                       (unsigned long long)ix->ntokens);
    return AJ_OK;
}

/* Every acronym record reads (strings in range and terminated, a count,
 * a paragraph), and the records are in the order FORMAT.md gives:
 * acronyms in byte order of their ASCII-lower-cased spelling. */
static aj_err check_acronyms(aj_ctx *c, aj_index *ix) {
    char *prev = NULL, *key = NULL;
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < aj_acronym_count(ix); i++) {
        aj_acronym a;
        e = aj_acronym_get(c, ix, i, &a);
        if (e) break;
        key = malloc(strlen(a.acronym) + 1);
        if (!key) {
            e = aj_fail(c, AJ_ENOMEM, "acronym check");
            break;
        }
        aj_acronym_key(a.acronym, key);
        if (!*key || !*a.long_form)
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: acronym record %u is empty", i);
        else if (prev && strcmp(prev, key) > 0)
            e = aj_fail(c, AJ_ECORRUPT, "meta.aj: acronym record %u out of order", i);
        free(prev);
        prev = key;
        key = NULL;
    }
    free(prev);
    return e;
}

static aj_err check_list(aj_ctx *c, aj_index *ix, int which, uint64_t id,
                         const aj_term_info *tinfo, const char *term, uint64_t *npost) {
    aj_term_info info = *tinfo;
    aj_pcursor pc;
    aj_err e = AJ_OK;
    if (info.df == 0)
        e = aj_fail(c, AJ_ECORRUPT, "dict.aj: term '%s' has df 0", term);
    if (!e)
        e = aj_pcursor_open(c, &pc, ix->files[AJ_F_POST],
                            which == AJ_DICT_TERMS ? ix->files[AJ_F_POSN] : NULL,
                            &info, ix->nparas);
    if (e) return e;
    uint32_t n = 0, prev = 0, chrome = 0;
    while (!e && pc.doc != AJ_DOC_END) {
        if (which == AJ_DICT_TERMS && ix->nchrome) {
            aj_para_info p;
            e = aj_para_get(c, ix, pc.doc, &p);
            if (e) break;
            chrome += p.kind == AJ_PARA_CHROME;
        }
        uint32_t tf = aj_pcursor_tf(&pc), len;
        if (n > 0 && pc.doc <= prev)
            e = aj_fail(c, AJ_ECORRUPT,
                        "post.aj: postings of '%s' not increasing at %u", term,
                        pc.doc);
        if (!e && tf > info.max_tf)
            e = aj_fail(c, AJ_ECORRUPT, "post.aj: tf of '%s' above its max",
                        term);
        if (!e) e = aj_index_len(c, ix, pc.doc, &len);
        if (!e && which == AJ_DICT_TERMS) {
            const uint32_t *pos;
            uint32_t np;
            e = aj_pcursor_positions(c, &pc, &pos, &np);
            for (uint32_t j = 0; !e && j < np; j++)
                if (pos[j] >= len || (j > 0 && pos[j] <= pos[j - 1]))
                    e = aj_fail(c, AJ_ECORRUPT,
                                "posn.aj: position %u of '%s' in paragraph "
                                "%u is invalid (length %u)",
                                pos[j], term, pc.doc, len);
        }
        prev = pc.doc;
        n++;
        if (!e) e = aj_pcursor_next(c, &pc);
    }
    aj_pcursor_free(&pc);
    if (!e && n != info.df)
        e = aj_fail(c, AJ_ECORRUPT,
                    "post.aj: '%s' has %u postings, dictionary says %u", term,
                    n, info.df);
    uint32_t cdf = 0;
    if (!e && which == AJ_DICT_TERMS) e = aj_index_chrome_df(c, ix, id, &cdf);
    if (!e && which == AJ_DICT_TERMS && cdf != chrome)
        e = aj_fail(c, AJ_ECORRUPT, "meta.aj: '%s' is in %u chrome paragraphs, the chrome "
                    "term table says %u", term, chrome, cdf);
    *npost += n;
    return e;
}

static aj_err check_dict(aj_ctx *c, aj_index *ix, int which) {
    const aj_dict *d = which == AJ_DICT_TERMS ? &ix->terms : &ix->words;
    aj_dict_iter it;
    char prev[AJ_MAX_WORD + 1];
    uint32_t prevlen = 0;
    uint64_t npost = 0, npairs = 0, npair_post = 0;
    aj_err e = aj_dict_iter_seek(c, d, 0, &it);
    for (uint64_t id = 0; !e && id < d->nterms; id++) {
        if (id > 0) {
            size_t m = prevlen < it.len ? prevlen : it.len;
            int r = memcmp(prev, it.buf, m);
            if (r > 0 || (r == 0 && prevlen >= it.len))
                return aj_fail(c, AJ_ECORRUPT,
                               "dict.aj: term %llu is out of order",
                               (unsigned long long)id);
        }
        memcpy(prev, it.buf, it.len + 1);
        prevlen = it.len;
        e = check_list(c, ix, which, id, &it.info, it.buf, &npost);
        if (!e && which == AJ_DICT_TERMS && memchr(it.buf, ' ', it.len)) {
            /* a common-word pair (pairs.h): two terms, pairable */
            const char *sp = memchr(it.buf, ' ', it.len);
            size_t al = (size_t)(sp - it.buf), bl = it.len - al - 1;
            if (!al || !bl || memchr(sp + 1, ' ', bl) ||
                !aj_pairs_terms_pairable(&ix->common, it.buf, al, sp + 1, bl))
                return aj_fail(c, AJ_ECORRUPT, "dict.aj: term %llu is not a common-word pair",
                               (unsigned long long)id);
            npairs++;
            npair_post += it.info.df;
        }
        if (!e) e = aj_dict_iter_next(c, &it);
    }
    if (e) return e;
    if (which == AJ_DICT_TERMS && (npairs != ix->npairs || npair_post != ix->npair_postings))
        return aj_fail(c, AJ_ECORRUPT,
                       "dict.aj: %llu pair terms with %llu postings, superblock says %llu and %llu",
                       (unsigned long long)npairs, (unsigned long long)npair_post,
                       (unsigned long long)ix->npairs, (unsigned long long)ix->npair_postings);
    uint64_t want = which == AJ_DICT_TERMS ? ix->npostings : ix->nword_postings;
    if (npost != want)
        return aj_fail(c, AJ_ECORRUPT,
                       "post.aj: %llu postings, superblock says %llu",
                       (unsigned long long)npost, (unsigned long long)want);
    return AJ_OK;
}

static aj_err check_text(aj_ctx *c, aj_index *ix) {
    aj_err e = aj_index_check_text(c, ix);
    if (e) return e;
    for (uint32_t i = 0; i < ix->nparas; i++) {
        char *t;
        size_t n;
        aj_err e = aj_para_text(c, ix, i, &t, &n);
        if (e) return e;
        free(t);
    }
    return AJ_OK;
}

/* A sharded index's dictionary `which` against its parts': every term
 * of theirs is in it, and its df, largest tf and shortest paragraph are
 * theirs summed, largest and shortest; its chrome counts, theirs summed. */
static aj_err check_lex_dict(aj_ctx *c, aj_index *ix, aj_index **views, int which) {
    const aj_dict *d = which == AJ_DICT_TERMS ? &ix->terms : &ix->words;
    aj_dict_iter it;
    uint64_t seen = 0, want = 0;
    for (uint32_t p = 0; p < ix->nparts; p++)
        want += which == AJ_DICT_TERMS ? views[p]->terms.nterms : views[p]->words.nterms;
    aj_err e = aj_dict_iter_seek(c, d, 0, &it);
    for (uint64_t id = 0; !e && id < d->nterms; id++) {
        uint64_t df = 0, cdf = 0;
        uint32_t max_tf = 0, min_len = UINT32_MAX;
        for (uint32_t p = 0; !e && p < ix->nparts; p++) {
            const aj_dict *pd = which == AJ_DICT_TERMS ? &views[p]->terms : &views[p]->words;
            int64_t pid;
            aj_term_info info;
            uint32_t k = 0;
            e = aj_dict_find(c, pd, it.buf, it.len, &pid, &info);
            if (e || pid < 0) continue;
            seen++;
            df += info.df;
            if (info.max_tf > max_tf) max_tf = info.max_tf;
            if (info.min_len < min_len) min_len = info.min_len;
            if (which == AJ_DICT_TERMS) e = aj_index_chrome_df(c, views[p], (uint64_t)pid, &k);
            cdf += k;
        }
        uint32_t gcdf = 0;
        if (!e && which == AJ_DICT_TERMS) e = aj_index_chrome_df(c, ix, id, &gcdf);
        if (!e && (df != it.info.df || max_tf != it.info.max_tf || min_len != it.info.min_len))
            e = aj_fail(c, AJ_ECORRUPT, "lex.aj: '%s' has df %u, its shards %llu", it.buf,
                        it.info.df, (unsigned long long)df);
        if (!e && cdf != gcdf)
            e = aj_fail(c, AJ_ECORRUPT, "lex.aj: '%s' is in %u chrome paragraphs, its shards "
                        "say %llu", it.buf, gcdf, (unsigned long long)cdf);
        if (!e) e = aj_dict_iter_next(c, &it);
    }
    if (!e && seen != want)
        e = aj_fail(c, AJ_ECORRUPT, "lex.aj: its dictionary lacks terms of its shards");
    return e;
}

/* A sharded index: lex.aj's pages, every shard as an index of its own,
 * and lex.aj's tables against the shards'. */
static aj_err check_sharded(aj_ctx *c, aj_index *ix) {
    aj_err e = aj_mfile_verify_all(c, ix->lex);
    aj_index **views = calloc(ix->nparts, sizeof *views);
    if (!e && !views) e = aj_fail(c, AJ_ENOMEM, "shards");
    for (uint32_t p = 0; !e && p < ix->nparts; p++) {
        e = aj_index_part_view(c, ix, p, &views[p]);
        if (!e) e = aj_index_check(c, views[p]);
        if (e) {
            char msg[sizeof c->msg];
            snprintf(msg, sizeof msg, "%s", c->msg);
            aj_err k = c->err;
            c->err = AJ_OK;
            aj_fail(c, k, "shard %s: %s", ix->parts[p].name, msg);
        }
    }
    if (!e) e = check_lex_dict(c, ix, views, AJ_DICT_TERMS);
    if (!e) e = check_lex_dict(c, ix, views, AJ_DICT_WORDS);
    for (uint32_t i = 0; !e && i < ix->nacros; i++) {
        aj_acronym a;
        e = aj_acronym_get(c, ix, i, &a);
    }
    for (uint32_t i = 0, prev = 0; !e && i < ix->ncite; i++) {
        const uint8_t *p;
        e = aj_mfile_get(c, ix->lex, ix->cite_off + 4 * (uint64_t)i, 4, &p);
        if (!e && ((i && aj_get_u32le(p) <= prev) || aj_get_u32le(p) >= ix->ndocs))
            e = aj_fail(c, AJ_ECORRUPT, "lex.aj: cited-by-path record %u", i);
        if (!e) prev = aj_get_u32le(p);
    }
    for (uint32_t p = 0; views && p < ix->nparts; p++) aj_index_close(views[p]);
    free(views);
    return e;
}

aj_err aj_index_check(aj_ctx *c, aj_index *ix) {
    if (ix->lex) return check_sharded(c, ix);
    for (int i = 0; i < AJ_NFILES; i++) {
        aj_err e = aj_mfile_verify_all(c, ix->files[i]);
        if (e) return e;
    }
    aj_err e = check_meta(c, ix);
    if (!e) e = check_chrome(c, ix);
    if (!e) e = check_acronyms(c, ix);
    if (!e) e = check_dict(c, ix, AJ_DICT_TERMS);
    if (!e) e = check_dict(c, ix, AJ_DICT_WORDS);
    if (!e) e = check_text(c, ix);
    return e;
}
