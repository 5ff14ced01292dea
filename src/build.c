/*
 * build.c - the indexer: corpus -> paragraphs -> tokens -> index files.
 *
 * One pass over the documents in path order segments each into
 * paragraphs, stores the paragraph text (stor.aj, streamed), and feeds
 * every token to two inverters: stemmed terms with positions, and folded
 * words without.  When the corpus is done the inverters emit their lists
 * in term order into post.aj/posn.aj, then the dictionaries and the
 * paragraph tables are written.  All of it goes into a private build
 * directory that gen.c switches in atomically at the very end.
 *
 * Nothing here depends on time, addresses or thread timing, so the same
 * corpus always gives byte-identical files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ajsearch.h"
#include "bytes.h"
#include "corpus.h"
#include "dict.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "invert.h"
#include "postings.h"
#include "segment.h"
#include "store.h"

#define TITLE_BYTES 256
#define SNIFF_BYTES 65536

typedef struct {
    uint32_t doc, ordinal;
    uint64_t start;
    uint32_t srclen, label, block, off, textlen, kind;
} para_rec;

typedef struct {
    uint32_t path, title, date, source, first, n;
} doc_rec;

typedef struct {
    char **v;      /* term pointers into the inverter's arena */
    uint8_t *lens;
    aj_term_info *infos;
    uint64_t n, cap;
} term_list;

typedef struct builder {
    aj_ctx *c;
    aj_err err;                 /* first error inside a callback */
    aj_analyzer *an;
    aj_inverter *terms, *words;
    aj_store_writer *store;
    para_rec *paras;
    uint32_t *lens;
    uint64_t nparas, cappara;
    doc_rec *docs;
    uint64_t ndocs;
    char *strings;
    uint64_t nstrings, capstrings;
    uint32_t cur_doc, cur_ordinal, cur_pos;
    uint64_t ntokens;
    uint32_t *word2term;        /* word id -> term id */
    uint64_t capw2t;
    uint64_t bytes_in;          /* source bytes of indexed documents */
    /* emit state */
    aj_fwriter *post, *posn;
    term_list tl[2];
} builder;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Appends a NUL-terminated string to the pool; *off gets its offset. */
static aj_err add_string(builder *b, const char *s, size_t n, uint32_t *off) {
    if (b->nstrings + n + 1 > UINT32_MAX - 1)
        return aj_fail(b->c, AJ_ELIMIT, "string pool exceeds 4 GiB");
    if (b->nstrings + n + 1 > b->capstrings) {
        uint64_t cap = b->capstrings ? b->capstrings * 2 : 4096;
        while (cap < b->nstrings + n + 1) cap *= 2;
        char *p = realloc(b->strings, cap);
        if (!p) return aj_fail(b->c, AJ_ENOMEM, "string pool");
        b->strings = p;
        b->capstrings = cap;
    }
    *off = (uint32_t)b->nstrings;
    memcpy(b->strings + b->nstrings, s, n);
    b->strings[b->nstrings + n] = 0;
    b->nstrings += n + 1;
    return AJ_OK;
}

/* The analyzer runs without stemming here: each distinct word is stemmed
 * once, when it is first seen, and word2term remembers its term, so a
 * token costs one hash look-up. */
static aj_err word_term(builder *b, const aj_token *t, uint32_t wid) {
    const char *term;
    size_t tl;
    uint32_t tid;
    int is_new;
    aj_err e = aj_analyzer_term(b->c, b->an, t->word, t->word_len, &term, &tl);
    if (!e) e = aj_inverter_intern(b->c, b->terms, term, (uint32_t)tl, &tid, &is_new);
    if (e) return e;
    if (wid >= b->capw2t) {
        uint64_t cap = b->capw2t ? b->capw2t * 2 : 4096;
        uint32_t *m = realloc(b->word2term, cap * sizeof *m);
        if (!m) return aj_fail(b->c, AJ_ENOMEM, "word table");
        b->word2term = m;
        b->capw2t = cap;
    }
    b->word2term[wid] = tid;
    return AJ_OK;
}

static int on_token(void *arg, const aj_token *t) {
    builder *b = arg;
    uint32_t wid;
    int is_new;
    aj_err e = aj_inverter_intern(b->c, b->words, t->word, t->word_len, &wid, &is_new);
    if (!e && is_new) e = word_term(b, t, wid);
    if (!e) e = aj_inverter_add(b->c, b->terms, b->word2term[wid], t->pos);
    if (!e) e = aj_inverter_add(b->c, b->words, wid, t->pos);
    b->cur_pos = t->pos + 1;
    if (e) b->err = e;
    return e != AJ_OK;
}

static int on_para(void *arg, const aj_seg_para *p) {
    builder *b = arg;
    aj_ctx *c = b->c;
    aj_err e = AJ_OK;
    if (b->nparas >= UINT32_MAX - 1) {
        b->err = aj_fail(c, AJ_ELIMIT, "more than 4 billion paragraphs");
        return 1;
    }
    if (b->nparas == b->cappara) {
        uint64_t cap = b->cappara ? b->cappara * 2 : 1024;
        para_rec *r = realloc(b->paras, cap * sizeof *r);
        uint32_t *l = r ? realloc(b->lens, cap * sizeof *l) : NULL;
        if (r) b->paras = r;
        if (l) b->lens = l;
        if (!r || !l) {
            b->err = aj_fail(c, AJ_ENOMEM, "paragraph table");
            return 1;
        }
        b->cappara = cap;
    }
    uint32_t id = (uint32_t)b->nparas;
    para_rec *r = &b->paras[id];
    memset(r, 0, sizeof *r);
    r->doc = b->cur_doc;
    r->ordinal = ++b->cur_ordinal;
    r->start = p->start;
    r->srclen = (uint32_t)(p->end - p->start);
    r->kind = (uint32_t)p->kind;
    r->textlen = (uint32_t)p->text_len;
    r->label = AJ_NO_LABEL;
    if (p->label) e = add_string(b, p->label, strlen(p->label), &r->label);
    if (!e) e = aj_store_add(c, b->store, p->text, p->text_len, &r->block, &r->off);
    b->cur_pos = 0;
    if (!e) e = aj_analyze(c, b->an, p->text, p->text_len, 0, on_token, b);
    if (!e && b->err) e = b->err;
    if (!e) e = aj_inverter_end_doc(c, b->terms, id);
    if (!e) e = aj_inverter_end_doc(c, b->words, id);
    if (e) {
        b->err = e;
        return 1;
    }
    b->lens[id] = b->cur_pos;
    b->ntokens += b->cur_pos;
    b->nparas++;
    return 0;
}

/* Indexes one document; files that cannot be read are warned about and
 * skipped, which is not an error of the build. */
static aj_err index_doc(builder *b, const char *root, const aj_corpus_doc *d,
                        const aj_build_opts *o, int *skipped) {
    aj_ctx *c = b->c;
    char path[4096];
    *skipped = 0;
    snprintf(path, sizeof path, "%s/%s", root, d->rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    char whybuf[128];
    if (fd < 0) {
        why = strerror(errno);
    } else if (fstat(fd, &st) != 0) {
        why = strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
    }
    const char *src = NULL;
    size_t len = 0;
    if (!why && st.st_size > 0) {
        len = (size_t)st.st_size;
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            why = strerror(errno);
        else
            src = m;
    }
    if (fd >= 0) close(fd);
    if (!why && src) {
        const char *nul = memchr(src, 0, len < SNIFF_BYTES ? len : SNIFF_BYTES);
        if (nul) {
            snprintf(whybuf, sizeof whybuf,
                     "binary file (NUL byte at offset %zu), skipped",
                     (size_t)(nul - src));
            why = whybuf;
        }
    }
    if (why) {
        if (src) munmap((void *)src, len);
        if (o->warn) o->warn(o->warn_arg, d->rel, why);
        *skipped = 1;
        return AJ_OK;
    }
    madvise((void *)src, len, MADV_SEQUENTIAL);

    doc_rec *dr = &b->docs[b->ndocs];
    char title[TITLE_BYTES];
    const char *t = d->title;
    if (!t) {
        aj_segment_title(src ? src : "", len, title, sizeof title);
        t = title;
    }
    aj_err e = add_string(b, d->rel, strlen(d->rel), &dr->path);
    if (!e) e = add_string(b, t, strlen(t), &dr->title);
    if (!e) e = add_string(b, d->date ? d->date : "", d->date ? strlen(d->date) : 0, &dr->date);
    if (!e)
        e = add_string(b, d->source ? d->source : "",
                       d->source ? strlen(d->source) : 0, &dr->source);
    dr->first = (uint32_t)b->nparas;
    b->cur_doc = (uint32_t)b->ndocs;
    b->cur_ordinal = 0;
    if (!e && src) {
        e = aj_segment(c, src, len, on_para, b);
        if (!e && b->err) e = b->err;
    }
    dr->n = (uint32_t)(b->nparas - dr->first);
    if (src) munmap((void *)src, len);
    if (!e) b->ndocs++;
    b->bytes_in += len;
    return e;
}

static aj_err on_list(aj_ctx *c, void *arg, const char *key, uint32_t len,
                      const uint32_t *docs, const uint32_t *tfs,
                      const uint32_t *positions, uint32_t n, int which) {
    builder *b = arg;
    term_list *tl = &b->tl[which];
    if (tl->n == tl->cap) {
        uint64_t cap = tl->cap ? tl->cap * 2 : 1024;
        char **v = realloc(tl->v, cap * sizeof *v);
        if (v) tl->v = v;
        uint8_t *l = realloc(tl->lens, cap);
        if (l) tl->lens = l;
        aj_term_info *in = realloc(tl->infos, cap * sizeof *in);
        if (in) tl->infos = in;
        if (!v || !l || !in) return aj_fail(c, AJ_ENOMEM, "term list");
        tl->cap = cap;
    }
    tl->v[tl->n] = (char *)key;
    tl->lens[tl->n] = (uint8_t)len;
    aj_err e = aj_postings_write(c, b->post, which == AJ_DICT_TERMS ? b->posn : NULL,
                                 docs, tfs, positions, n, b->lens,
                                 &tl->infos[tl->n]);
    tl->n++;
    return e;
}

static aj_err on_term_list(aj_ctx *c, void *arg, const char *key, uint32_t len,
                           const uint32_t *docs, const uint32_t *tfs,
                           const uint32_t *positions, uint32_t n) {
    return on_list(c, arg, key, len, docs, tfs, positions, n, AJ_DICT_TERMS);
}

static aj_err on_word_list(aj_ctx *c, void *arg, const char *key, uint32_t len,
                           const uint32_t *docs, const uint32_t *tfs,
                           const uint32_t *positions, uint32_t n) {
    return on_list(c, arg, key, len, docs, tfs, positions, n, AJ_DICT_WORDS);
}

static aj_err write_meta(builder *b, aj_fwriter *w) {
    aj_ctx *c = b->c;
    uint8_t sup[AJ_SUPER_BYTES] = {0};
    aj_put_u32le(sup, (uint32_t)b->ndocs);
    aj_put_u32le(sup + 4, (uint32_t)b->nparas);
    aj_put_u64le(sup + 8, b->ntokens);
    aj_put_u64le(sup + 16, b->tl[0].n);
    aj_put_u64le(sup + 24, b->tl[1].n);
    aj_put_u64le(sup + 32, aj_inverter_npostings(b->terms));
    aj_put_u64le(sup + 40, aj_inverter_npostings(b->words));
    uint64_t off = aj_fw_tell(w);
    aj_err e = aj_fw_write(c, w, sup, sizeof sup);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_SUPER, off, sizeof sup);

    off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < b->ndocs; i++) {
        uint8_t r[AJ_DOC_BYTES];
        const doc_rec *d = &b->docs[i];
        aj_put_u32le(r, d->path);
        aj_put_u32le(r + 4, d->title);
        aj_put_u32le(r + 8, d->date);
        aj_put_u32le(r + 12, d->source);
        aj_put_u32le(r + 16, d->first);
        aj_put_u32le(r + 20, d->n);
        e = aj_fw_write(c, w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, w, AJ_SEC_DOCS, off, b->ndocs * AJ_DOC_BYTES);

    off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < b->nparas; i++) {
        uint8_t r[AJ_PARA_BYTES];
        const para_rec *p = &b->paras[i];
        aj_put_u32le(r, p->doc);
        aj_put_u32le(r + 4, p->ordinal);
        aj_put_u64le(r + 8, p->start);
        aj_put_u32le(r + 16, p->srclen);
        aj_put_u32le(r + 20, p->label);
        aj_put_u32le(r + 24, p->block);
        aj_put_u32le(r + 28, p->off);
        aj_put_u32le(r + 32, p->textlen);
        aj_put_u32le(r + 36, p->kind);
        e = aj_fw_write(c, w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, w, AJ_SEC_PARAS, off, b->nparas * AJ_PARA_BYTES);

    off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < b->nparas; i++) {
        uint8_t r[4];
        aj_put_u32le(r, b->lens[i]);
        e = aj_fw_write(c, w, r, 4);
    }
    if (!e) e = aj_fw_section(c, w, AJ_SEC_LENS, off, b->nparas * 4);

    off = aj_fw_tell(w);
    if (!e) e = aj_fw_write(c, w, b->strings, b->nstrings);
    if (!e) e = aj_fw_section(c, w, AJ_SEC_STRINGS, off, b->nstrings);
    return e;
}

/* Opens file i of the build directory for writing. */
static aj_err open_out(builder *b, aj_gen *g, int i, aj_fwriter **w) {
    char path[2048];
    aj_gen_path(g, aj_file_names[i], path, sizeof path);
    return aj_fw_open(b->c, path, aj_file_kinds[i], w);
}

static aj_err close_out(builder *b, aj_fwriter **w, uint64_t *total) {
    uint64_t n = 0;
    aj_err e = aj_fw_close(b->c, *w, &n);
    *w = NULL;
    *total += n;
    return e;
}

static void builder_free(builder *b) {
    aj_analyzer_free(b->an);
    aj_inverter_free(b->terms);
    aj_inverter_free(b->words);
    free(b->word2term);
    aj_store_writer_free(b->store);
    free(b->paras);
    free(b->lens);
    free(b->docs);
    free(b->strings);
    for (int i = 0; i < 2; i++) {
        free(b->tl[i].v);
        free(b->tl[i].lens);
        free(b->tl[i].infos);
    }
}

aj_err aj_build(aj_ctx *c, const aj_build_opts *o, aj_build_stats *stats) {
    double t0 = now();
    builder b = {.c = c};
    aj_corpus cp;
    aj_gen g;
    aj_fwriter *fw[AJ_NFILES] = {0};
    uint64_t bytes_out = 0;
    uint32_t nskipped = 0;

    aj_err e = aj_corpus_scan(c, o->corpus_dir, o->warn, o->warn_arg, &cp);
    if (e) return e;
    nskipped = (uint32_t)cp.nskipped;
    e = aj_gen_begin(c, o->index_dir, &g);
    if (e) {
        aj_corpus_free(&cp);
        return e;
    }
    b.docs = calloc(cp.ndocs + 1, sizeof *b.docs);
    if (!b.docs) e = aj_fail(c, AJ_ENOMEM, "document table");
    if (!e) e = aj_analyzer_new(c, &b.an);
    if (!e) aj_analyzer_set_stemming(b.an, 0);
    if (!e) e = aj_inverter_new(c, 1, &b.terms);
    if (!e) e = aj_inverter_new(c, 0, &b.words);
    if (!e) e = open_out(&b, &g, AJ_F_STOR, &fw[AJ_F_STOR]);
    if (!e) e = aj_store_writer_new(c, fw[AJ_F_STOR], &b.store);
    for (size_t i = 0; !e && i < cp.ndocs; i++) {
        int skipped;
        e = index_doc(&b, o->corpus_dir, &cp.docs[i], o, &skipped);
        nskipped += (uint32_t)skipped;
    }
    if (!e) {
        e = aj_store_finish(c, b.store);
        b.store = NULL;
    }
    if (!e) e = close_out(&b, &fw[AJ_F_STOR], &bytes_out);

    if (!e) e = open_out(&b, &g, AJ_F_POST, &fw[AJ_F_POST]);
    if (!e) e = open_out(&b, &g, AJ_F_POSN, &fw[AJ_F_POSN]);
    b.post = fw[AJ_F_POST];
    b.posn = fw[AJ_F_POSN];
    if (!e) e = aj_inverter_emit(c, b.terms, on_term_list, &b);
    if (!e) e = aj_inverter_emit(c, b.words, on_word_list, &b);
    if (!e) e = close_out(&b, &fw[AJ_F_POST], &bytes_out);
    if (!e) e = close_out(&b, &fw[AJ_F_POSN], &bytes_out);

    if (!e) e = open_out(&b, &g, AJ_F_DICT, &fw[AJ_F_DICT]);
    for (int which = 0; !e && which < 2; which++)
        e = aj_dict_write(c, fw[AJ_F_DICT], which, b.tl[which].n,
                          (const char *const *)b.tl[which].v, b.tl[which].lens,
                          b.tl[which].infos);
    if (!e) e = close_out(&b, &fw[AJ_F_DICT], &bytes_out);

    if (!e) e = open_out(&b, &g, AJ_F_META, &fw[AJ_F_META]);
    if (!e) e = write_meta(&b, fw[AJ_F_META]);
    if (!e) e = close_out(&b, &fw[AJ_F_META], &bytes_out);

    if (!e) e = aj_gen_commit(c, &g);
    for (int i = 0; i < AJ_NFILES; i++) aj_fw_abort(fw[i]);
    aj_gen_end(&g);

    if (!e && stats) {
        memset(stats, 0, sizeof *stats);
        stats->ndocs = (uint32_t)b.ndocs;
        stats->nparas = (uint32_t)b.nparas;
        stats->nskipped = nskipped;
        stats->nterms = b.tl[0].n;
        stats->nwords = b.tl[1].n;
        stats->ntokens = b.ntokens;
        stats->npostings = aj_inverter_npostings(b.terms);
        stats->bytes_out = bytes_out;
        stats->bytes_in = b.bytes_in;
        stats->seconds = now() - t0;
    }
    builder_free(&b);
    aj_corpus_free(&cp);
    return e;
}
