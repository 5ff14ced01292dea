/*
 * index.c - opening an index generation and reading its tables.
 *
 * The index directory holds CURRENT, a small file naming the live
 * generation directory (gen-NNNNNNNNNN).  A build writes a new generation
 * and replaces CURRENT with rename(2), so a reader sees either the old or
 * the new generation, never a mix; older generations are kept (one by
 * default, `index --keep`), so readers that resolved CURRENT just before
 * a switch can still open it, and a reader that finds its generation gone
 * reads CURRENT again.
 */
#include "index/index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "format/postings.h"
#include "analysis/segment.h"

const char *const aj_file_names[AJ_NFILES] = {"meta.aj", "dict.aj", "post.aj",
                                              "posn.aj", "stor.aj"};
const uint32_t aj_file_kinds[AJ_NFILES] = {AJ_KIND_META, AJ_KIND_DICT,
                                           AJ_KIND_POST, AJ_KIND_POSN,
                                           AJ_KIND_STOR};

unsigned aj_format_version(void) { return AJ_FORMAT_VERSION; }
unsigned aj_version_number(void) { return AJ_VERSION_NUMBER; }
const char *aj_version_string(void) { return AJ_VERSION_STRING; }

/* Locates the records of a table of runs (CHROME, CHROMEDF, PAGES;
 * FORMAT.md "meta.aj", sections 7, 8 and 10; lex.aj's CHROMEDF and
 * CITEPATH have the same head). */
static aj_err read_table(aj_ctx *c, aj_mfile *m, uint32_t id, const char *name,
                         uint32_t rec, uint64_t *first, uint32_t *n) {
    uint64_t off, len;
    const uint8_t *p;
    aj_err e = aj_mfile_section(c, m, id, &off, &len);
    if (!e && len < 8) e = aj_fail(c, AJ_ECORRUPT, "%s: %s table too short", aj_mfile_name(m), name);
    if (!e) e = aj_mfile_get(c, m, off, 8, &p);
    if (e) return e;
    *n = aj_get_u32le(p);
    *first = off + 8;
    if (len != 8 + (uint64_t)*n * rec || aj_get_u32le(p + 4))
        return aj_fail(c, AJ_ECORRUPT, "%s: %s table size does not match %u records",
                       aj_mfile_name(m), name, *n);
    return AJ_OK;
}

static aj_err read_runs(aj_ctx *c, aj_mfile *m, uint32_t id, const char *name,
                        uint64_t *first, uint32_t *n) {
    return read_table(c, m, id, name, AJ_RUN_BYTES, first, n);
}

/* Loads the common terms (COMMON): a few hundred bytes, read at open
 * because every phrase asks about its words. */
static aj_err read_common(aj_ctx *c, aj_mfile *m, uint32_t id, aj_pairs *out) {
    uint64_t off, len;
    const uint8_t *p;
    aj_err e = aj_mfile_section(c, m, id, &off, &len);
    if (!e && len > 8 + (uint64_t)AJ_PAIR_COMMON_MAX * (AJ_MAX_WORD + 1))
        e = aj_fail(c, AJ_ECORRUPT, "%s: common term table of %llu bytes", aj_mfile_name(m),
                    (unsigned long long)len);
    if (!e) e = aj_mfile_get(c, m, off, len, &p);
    return e ? e : aj_pairs_decode(c, p, len, out);
}

/* A superblock's counts (FORMAT.md "meta.aj", section 1; lex.aj's SUPER
 * has the same layout) into a part's fields. */
static aj_err read_counts(aj_ctx *c, aj_mfile *m, uint32_t id, aj_part *pt) {
    uint64_t off, len;
    const uint8_t *p;
    aj_err e = aj_mfile_section(c, m, id, &off, &len);
    if (!e && len != AJ_SUPER_BYTES)
        e = aj_fail(c, AJ_ECORRUPT, "%s: superblock size %llu", aj_mfile_name(m),
                    (unsigned long long)len);
    if (!e) e = aj_mfile_get(c, m, off, len, &p);
    if (e) return e;
    pt->ndocs = aj_get_u32le(p);
    pt->nparas = aj_get_u32le(p + 4);
    pt->ntokens = aj_get_u64le(p + 8);
    pt->nterms = aj_get_u64le(p + 16);
    pt->nwords = aj_get_u64le(p + 24);
    pt->npostings = aj_get_u64le(p + 32);
    pt->nword_postings = aj_get_u64le(p + 40);
    pt->nchrome = aj_get_u32le(p + 48);
    pt->chrome_tokens = aj_get_u64le(p + 56);
    pt->npairs = aj_get_u64le(p + 64);
    pt->npair_postings = aj_get_u64le(p + 72);
    pt->super_flags = aj_get_u32le(p + 52);
    if (pt->nchrome > pt->nparas || pt->chrome_tokens > pt->ntokens)
        return aj_fail(c, AJ_ECORRUPT, "%s: superblock chrome counts", aj_mfile_name(m));
    /* only an unsharded index's meta.aj may say that sharding is off */
    if (pt->super_flags & ~(pt->name[0] || id != AJ_SEC_SUPER ? 0 : AJ_SUPER_SHARDING_OFF))
        return aj_fail(c, AJ_ECORRUPT, "%s: superblock flags %#x", aj_mfile_name(m),
                       pt->super_flags);
    if (pt->npairs > pt->nterms || pt->npair_postings > pt->npostings)
        return aj_fail(c, AJ_ECORRUPT, "%s: superblock pair count", aj_mfile_name(m));
    return AJ_OK;
}

/* A part's meta.aj, dictionaries and stored texts; common terms into
 * *common when it is not NULL. */
static aj_err read_part(aj_ctx *c, aj_part *pt, aj_pairs *common) {
    aj_mfile *m = pt->files[AJ_F_META];
    uint64_t docs_len, paras_len, lens_len;
    aj_err e = read_counts(c, m, AJ_SEC_SUPER, pt);
    if (!e) e = aj_mfile_section(c, m, AJ_SEC_DOCS, &pt->docs_off, &docs_len);
    if (!e) e = aj_mfile_section(c, m, AJ_SEC_PARAS, &pt->paras_off, &paras_len);
    if (!e) e = aj_mfile_section(c, m, AJ_SEC_LENS, &pt->lens_off, &lens_len);
    if (!e) e = aj_mfile_section(c, m, AJ_SEC_STRINGS, &pt->strings_off, &pt->strings_len);
    if (!e) e = read_table(c, m, AJ_SEC_ACRONYMS, "acronym", AJ_ACRO_BYTES, &pt->acro_off,
                           &pt->nacros);
    if (!e) e = read_runs(c, m, AJ_SEC_CHROME, "chrome", &pt->chrome_off, &pt->nchrome_runs);
    if (!e) e = read_runs(c, m, AJ_SEC_CHROMEDF, "chrome term", &pt->chromedf_off, &pt->nchromedf);
    if (!e) e = read_runs(c, m, AJ_SEC_PAGES, "page", &pt->pages_off, &pt->npages);
    if (!e && common) e = read_common(c, m, AJ_SEC_COMMON, common);
    if (e) return e;
    if (docs_len != (uint64_t)pt->ndocs * AJ_DOC_BYTES ||
        paras_len != (uint64_t)pt->nparas * AJ_PARA_BYTES ||
        lens_len != (uint64_t)pt->nparas * 4)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: table sizes do not match %u documents and "
                       "%u paragraphs",
                       aj_mfile_name(m), pt->ndocs, pt->nparas);
    e = aj_dict_open(c, pt->files[AJ_F_DICT], AJ_DICT_TERMS, &pt->terms);
    if (!e) e = aj_dict_open(c, pt->files[AJ_F_DICT], AJ_DICT_WORDS, &pt->words);
    if (!e) e = aj_store_open(c, pt->files[AJ_F_STOR], &pt->store);
    if (!e && (pt->terms.nterms != pt->nterms || pt->words.nterms != pt->nwords))
        e = aj_fail(c, AJ_ECORRUPT, "%s: term counts disagree with meta.aj",
                    aj_mfile_name(pt->files[AJ_F_DICT]));
    return e;
}

/* The index's counts from its parts' (unsharded) or lex.aj's. */
static void take_counts(aj_index *ix, const aj_part *g) {
    ix->ndocs = g->ndocs;
    ix->nparas = g->nparas;
    ix->ntokens = g->ntokens;
    ix->nterms = g->nterms;
    ix->nwords = g->nwords;
    ix->npostings = g->npostings;
    ix->nword_postings = g->nword_postings;
    ix->nchrome = g->nchrome;
    ix->chrome_tokens = g->chrome_tokens;
    ix->npairs = g->npairs;
    ix->npair_postings = g->npair_postings;
    ix->avgdl = ix->nparas ? (double)ix->ntokens / ix->nparas : 0.0;
}

/* An unsharded index: its one part is the index. */
static aj_err read_unsharded(aj_ctx *c, aj_index *ix) {
    aj_part *pt = &ix->one;
    ix->parts = pt;
    ix->nparts = 1;
    aj_err e = read_part(c, pt, &ix->common);
    if (e) return e;
    take_counts(ix, pt);
    ix->terms = pt->terms;
    ix->words = pt->words;
    ix->nchrome_runs = pt->nchrome_runs;
    ix->chromedf_file = pt->files[AJ_F_META];
    ix->chromedf_off = pt->chromedf_off;
    ix->nchromedf = pt->nchromedf;
    ix->acro_file = pt->files[AJ_F_META];
    ix->acro_off = pt->acro_off;
    ix->nacros = pt->nacros;
    ix->acro_strings_off = pt->strings_off;
    ix->acro_strings_len = pt->strings_len;
    return AJ_OK;
}

static int is_generation_name(const char *s) {
    size_t k = strlen(AJ_GEN_PREFIX);
    if (strncmp(s, AJ_GEN_PREFIX, k) != 0 || !s[k]) return 0;
    for (s += k; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

aj_err aj_index_current(aj_ctx *c, int dirfd, const char *dir, char gen[64]) {
    char buf[64];
    ssize_t n = readlinkat(dirfd, AJ_CURRENT, buf, sizeof buf - 1);
    if (n < 0 && errno == EINVAL) {
        /* Not a link: the file a build writes, or a directory where a
         * copy followed the link. */
        int fd = openat(dirfd, AJ_CURRENT, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            snprintf(gen, 64, "%s", AJ_CURRENT);
            return AJ_OK;
        }
        n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        int err = errno;
        if (fd >= 0) close(fd);
        errno = err;
        if (n >= 0) {
            while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
            if (n == (ssize_t)sizeof buf - 1)
                return aj_fail(c, AJ_ECORRUPT, "%s/%s: longer than a generation's "
                               "name", dir, AJ_CURRENT);
        }
    }
    if (n < 0) {
        if (errno == ENOENT) {
            /* No CURRENT: a flat index has its files right here. */
            if (faccessat(dirfd, aj_file_names[AJ_F_META], F_OK, 0) == 0 ||
                faccessat(dirfd, AJ_LEX_FILE, F_OK, 0) == 0) {
                snprintf(gen, 64, "%s", AJ_FLAT_GEN);
                return AJ_OK;
            }
            return aj_fail(c, AJ_ENOTFOUND,
                           "%s: no index here (run `ajsearch index` first)",
                           dir);
        }
        return aj_fail(c, AJ_EIO, "%s/%s: %s", dir, AJ_CURRENT,
                       strerror(errno));
    }
    buf[n] = 0;
    if (!is_generation_name(buf)) {
        char shown[40];
        size_t k = 0;
        for (ssize_t i = 0; i < n && k + 1 < sizeof shown; i++)
            shown[k++] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
        shown[k] = 0;
        return aj_fail(c, AJ_ECORRUPT, "%s/%s: does not name a generation "
                       "(it holds '%s')", dir, AJ_CURRENT, shown);
    }
    memcpy(gen, buf, (size_t)n + 1);
    return AJ_OK;
}

/* A sharded generation's parts: lex.aj's SHARDS names their directories
 * under gfd; each is opened and read, and its first ids are the sums of
 * the ones before it. */
static aj_err open_shards(aj_ctx *c, int gfd, aj_index *ix, int *retry) {
    uint64_t off, len;
    uint32_t n = 0;
    const uint8_t *p;
    /* its head: the count, a zero, and the shard size (for builds) */
    aj_err e = aj_mfile_section(c, ix->lex, AJ_LEX_SHARDS, &off, &len);
    if (!e && len >= 16) e = aj_mfile_get(c, ix->lex, off, 16, &p);
    if (!e && len >= 16) n = aj_get_u32le(p);
    if (!e && (len < 16 || len != 16 + (uint64_t)n * AJ_SHARD_REC_BYTES || aj_get_u32le(p + 4)))
        e = aj_fail(c, AJ_ECORRUPT, "lex.aj: shard table size does not match its count");
    if (!e && n == 0) e = aj_fail(c, AJ_ECORRUPT, "lex.aj: no shard");
    if (!e) e = aj_mfile_get(c, ix->lex, off + 16, (uint64_t)n * AJ_SHARD_REC_BYTES, &p);
    if (e) return e;
    ix->parts = calloc(n, sizeof *ix->parts);
    if (!ix->parts) return aj_fail(c, AJ_ENOMEM, "index shards");
    ix->nparts = n;
    uint64_t docs = 0, paras = 0;
    for (uint32_t i = 0; !e && i < n; i++) {
        aj_part *pt = &ix->parts[i];
        const uint8_t *r = p + (uint64_t)i * AJ_SHARD_REC_BYTES;
        snprintf(pt->name, sizeof pt->name, "%s%016llx", AJ_SHARD_PREFIX,
                 (unsigned long long)aj_get_u64le(r));
        /* opened by "s-.../post.aj", so that every message names the shard */
        for (int k = 0; !e && k < AJ_NFILES; k++) {
            char rel[64];
            snprintf(rel, sizeof rel, "%s/%s", pt->name, aj_file_names[k]);
            e = aj_mfile_open(c, gfd, rel, aj_file_kinds[k], &pt->files[k]);
            if (e == AJ_ENOTFOUND) *retry = 1;
        }
        if (!e) e = read_part(c, pt, NULL);
        if (!e && (pt->ndocs != aj_get_u32le(r + 8) || pt->nparas != aj_get_u32le(r + 12)))
            e = aj_fail(c, AJ_ECORRUPT, "lex.aj: shard %s holds %u documents and %u "
                        "paragraphs, not %u and %u", pt->name, pt->ndocs, pt->nparas,
                        aj_get_u32le(r + 8), aj_get_u32le(r + 12));
        pt->doc0 = (uint32_t)docs;
        pt->para0 = (uint32_t)paras;
        docs += pt->ndocs;
        paras += pt->nparas;
        if (!e && (docs > UINT32_MAX || paras > UINT32_MAX))
            e = aj_fail(c, AJ_ECORRUPT, "lex.aj: shards too large");
    }
    return e;
}

/* The index's tables of a sharded generation, from lex.aj: its counts,
 * dictionaries, chrome terms, common terms, acronyms and documents cited
 * by path; and the parts' chrome runs, joined. */
static aj_err read_sharded(aj_ctx *c, aj_index *ix) {
    aj_part g = {0};
    aj_mfile *m = ix->lex;
    aj_err e = read_counts(c, m, AJ_LEX_SUPER, &g);
    uint64_t sdocs = 0, sparas = 0, stokens = 0, schrome = 0, sruns = 0;
    for (uint32_t i = 0; i < ix->nparts; i++) {
        sdocs += ix->parts[i].ndocs;
        sparas += ix->parts[i].nparas;
        stokens += ix->parts[i].ntokens;
        schrome += ix->parts[i].nchrome;
        sruns += ix->parts[i].nchrome_runs;
    }
    if (!e && (g.ndocs != sdocs || g.nparas != sparas || g.ntokens != stokens ||
               g.nchrome != schrome))
        e = aj_fail(c, AJ_ECORRUPT, "lex.aj: counts disagree with its shards'");
    if (e) return e;
    take_counts(ix, &g);
    e = aj_dict_open(c, m, AJ_DICT_TERMS, &ix->terms);
    if (!e) e = aj_dict_open(c, m, AJ_DICT_WORDS, &ix->words);
    if (!e && (ix->terms.nterms != ix->nterms || ix->words.nterms != ix->nwords))
        e = aj_fail(c, AJ_ECORRUPT, "lex.aj: term counts disagree with its superblock");
    if (!e) e = read_runs(c, m, AJ_LEX_CHROMEDF, "chrome term", &ix->chromedf_off, &ix->nchromedf);
    if (!e) e = read_common(c, m, AJ_LEX_COMMON, &ix->common);
    if (!e) e = read_table(c, m, AJ_LEX_ACRONYMS, "acronym", AJ_ACRO_BYTES, &ix->acro_off,
                           &ix->nacros);
    if (!e) e = aj_mfile_section(c, m, AJ_LEX_STRINGS, &ix->acro_strings_off,
                                 &ix->acro_strings_len);
    if (!e) e = read_table(c, m, AJ_LEX_CITEPATH, "cited-by-path", 4, &ix->cite_off, &ix->ncite);
    if (e) return e;
    ix->chromedf_file = ix->acro_file = m;
    if (sruns) {
        ix->chrome_own = malloc(sruns * AJ_RUN_BYTES);
        if (!ix->chrome_own) return aj_fail(c, AJ_ENOMEM, "chrome runs");
    }
    uint8_t *out = ix->chrome_own;
    for (uint32_t i = 0; !e && i < ix->nparts; i++) {
        const aj_part *pt = &ix->parts[i];
        const uint8_t *r;
        if (!pt->nchrome_runs) continue;
        e = aj_mfile_get(c, pt->files[AJ_F_META], pt->chrome_off,
                         (uint64_t)pt->nchrome_runs * AJ_RUN_BYTES, &r);
        for (uint32_t k = 0; !e && k < pt->nchrome_runs; k++, out += AJ_RUN_BYTES) {
            uint32_t first = aj_get_u32le(r + (uint64_t)k * AJ_RUN_BYTES);
            uint32_t cnt = aj_get_u32le(r + (uint64_t)k * AJ_RUN_BYTES + 4);
            if (first > pt->nparas || cnt > pt->nparas - first)
                e = aj_fail(c, AJ_ECORRUPT, "%s/meta.aj: chrome run %u out of range",
                            pt->name, k);
            aj_put_u32le(out, first + pt->para0);
            aj_put_u32le(out + 4, cnt);
        }
    }
    ix->chrome_runs = ix->chrome_own;
    ix->nchrome_runs = (uint32_t)sruns;
    if (e) return e;
    uint32_t nb = (ix->nparas >> AJ_PART_BUCKET_BITS) + 1;
    ix->bucket_part = malloc(nb * sizeof *ix->bucket_part);
    if (!ix->bucket_part) return aj_fail(c, AJ_ENOMEM, "index shards");
    for (uint32_t b = 0, p = 0; b < nb; b++) {
        uint64_t first = (uint64_t)b << AJ_PART_BUCKET_BITS;
        while (p + 1 < ix->nparts && ix->parts[p + 1].para0 <= first) p++;
        ix->bucket_part[b] = p;
    }
    return AJ_OK;
}

/* Opens the generation CURRENT names.  *retry is set when the
 * generation vanished under us (a concurrent build cleaned it up). */
static aj_err open_generation(aj_ctx *c, int dirfd, const char *dir,
                              aj_index *ix, int *retry) {
    char target[sizeof ix->gen];
    *retry = 0;
    aj_err e0 = aj_index_current(c, dirfd, dir, target);
    if (e0) return e0;
    size_t n = strlen(target);
    int gfd = openat(dirfd, target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (gfd < 0) {
        if (errno == ENOENT) *retry = 1;
        return aj_fail(c, AJ_EIO, "%s/%s: %s", dir, target, strerror(errno));
    }
    memcpy(ix->gen, target, n + 1);
    aj_err e = AJ_OK;
    if (faccessat(gfd, AJ_LEX_FILE, F_OK, 0) == 0) {
        e = aj_mfile_open(c, gfd, AJ_LEX_FILE, AJ_KIND_LEX, &ix->lex);
        if (e == AJ_ENOTFOUND) *retry = 1;
        if (!e) e = open_shards(c, gfd, ix, retry);
    } else {
        for (int i = 0; !e && i < AJ_NFILES; i++) {
            e = aj_mfile_open(c, gfd, aj_file_names[i], aj_file_kinds[i],
                              &ix->one.files[i]);
            ix->files[i] = ix->one.files[i];
            if (e == AJ_ENOTFOUND) *retry = 1;
        }
    }
    close(gfd);
    return e;
}

static void close_files(aj_index *ix) {
    if (ix->borrowed) return;
    for (uint32_t p = 0; ix->parts && ix->parts != &ix->one && p < ix->nparts; p++)
        for (int i = 0; i < AJ_NFILES; i++) aj_mfile_close(ix->parts[p].files[i]);
    if (ix->parts != &ix->one) free(ix->parts);
    ix->parts = NULL;
    ix->nparts = 0;
    for (int i = 0; i < AJ_NFILES; i++) {
        aj_mfile_close(ix->one.files[i]);
        ix->one.files[i] = ix->files[i] = NULL;
    }
    aj_mfile_close(ix->lex);
    ix->lex = NULL;
}

aj_err aj_index_open(aj_ctx *c, const char *dir, aj_index **out) {
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return aj_fail(c, errno == ENOENT ? AJ_ENOTFOUND : AJ_EIO,
                       "%s: cannot open index directory: %s", dir,
                       strerror(errno));
    aj_index *ix = calloc(1, sizeof *ix);
    if (!ix) {
        close(dirfd);
        return aj_fail(c, AJ_ENOMEM, "index");
    }
    pthread_mutex_init(&ix->cache_lock, NULL);
    aj_store_reader_init(&ix->text);
    aj_source_files_init(&ix->sources);
    aj_err e;
    for (int attempt = 0;; attempt++) {
        aj_ctx tmp = {0};
        int retry;
        e = open_generation(&tmp, dirfd, dir, ix, &retry);
        if (!e || !retry || attempt == 4) {
            if (e) aj_fail(c, tmp.err, "%s", tmp.msg);
            break;
        }
        close_files(ix);
    }
    close(dirfd);
    if (!e) e = ix->lex ? read_sharded(c, ix) : read_unsharded(c, ix);
    if (e) {
        aj_index_close(ix);
        return e;
    }
    *out = ix;
    return AJ_OK;
}

void aj_index_close(aj_index *ix) {
    if (!ix) return;
    close_files(ix);
    free(ix->chrome_own);
    free(ix->bucket_part);
    aj_pairs_free(&ix->common);
    aj_store_reader_free(&ix->text);
    aj_source_files_close(&ix->sources);
    pthread_mutex_destroy(&ix->cache_lock);
    free(ix);
}

aj_err aj_index_part_view(aj_ctx *c, const aj_index *ix, uint32_t p, aj_index **out) {
    aj_index *v = calloc(1, sizeof *v);
    if (!v) return aj_fail(c, AJ_ENOMEM, "index");
    pthread_mutex_init(&v->cache_lock, NULL);
    aj_store_reader_init(&v->text);
    aj_source_files_init(&v->sources);
    v->borrowed = 1;
    snprintf(v->gen, sizeof v->gen, "%s", ix->parts[p].name);
    for (int i = 0; i < AJ_NFILES; i++) v->one.files[i] = v->files[i] = ix->parts[p].files[i];
    aj_err e = read_unsharded(c, v);
    if (e) {
        aj_index_close(v);
        return e;
    }
    *out = v;
    return AJ_OK;
}

const aj_part *aj_index_doc_part(const aj_index *ix, uint32_t doc) {
    if (ix->nparts == 1) return ix->parts;
    uint32_t lo = 0, hi = ix->nparts - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (ix->parts[mid].doc0 <= doc) lo = mid; else hi = mid - 1;
    }
    return &ix->parts[lo];
}

aj_err aj_index_cursor(aj_ctx *c, const aj_index *ix, int which, const char *term,
                       size_t len, const aj_term_info *info, int positions,
                       aj_pcursor *pc) {
    if (!ix->lex)
        return aj_pcursor_open(c, pc, ix->one.files[AJ_F_POST],
                               positions ? ix->one.files[AJ_F_POSN] : NULL, info, ix->nparas);
    aj_pseg few[16], *segs = few;
    if (ix->nparts > 16 && !(segs = malloc(ix->nparts * sizeof *segs))) {
        memset(pc, 0, sizeof *pc);
        pc->doc = AJ_DOC_END;
        return aj_fail(c, AJ_ENOMEM, "posting list");
    }
    uint32_t n = 0;
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < ix->nparts; i++) {
        const aj_part *pt = &ix->parts[i];
        int64_t id;
        aj_term_info own;
        e = aj_dict_find(c, which == AJ_DICT_TERMS ? &pt->terms : &pt->words, term, len, &id,
                         &own);
        if (!e && id >= 0)
            segs[n++] = (aj_pseg){pt->files[AJ_F_POST], positions ? pt->files[AJ_F_POSN] : NULL,
                                  own, pt->para0, pt->nparas};
    }
    if (!e) {
        e = aj_pcursor_open_chain(c, pc, segs, n, info, ix->nparas);
    } else {
        memset(pc, 0, sizeof *pc);
        pc->doc = AJ_DOC_END;
    }
    if (segs != few) free(segs);
    return e;
}

void aj_index_set_verify(aj_index *ix, int on) {
    for (uint32_t p = 0; p < ix->nparts; p++)
        for (int i = 0; i < AJ_NFILES; i++)
            if (ix->parts[p].files[i]) aj_mfile_set_verify(ix->parts[p].files[i], on);
    if (ix->lex) aj_mfile_set_verify(ix->lex, on);
}

void aj_index_stats_get(const aj_index *ix, aj_index_stats *st) {
    memset(st, 0, sizeof *st);
    st->ndocs = ix->ndocs;
    st->nparas = ix->nparas;
    st->nchrome = ix->nchrome;
    st->chrome_tokens = ix->chrome_tokens;
    st->nterms = ix->nterms - ix->npairs;
    st->nwords = ix->nwords;
    st->npostings = ix->npostings - ix->npair_postings;
    st->ntokens = ix->ntokens;
    /* what BM25 uses by default: the paragraphs that are not chrome */
    st->avgdl = ix->nparas > ix->nchrome
                    ? (double)(ix->ntokens - ix->chrome_tokens) / (ix->nparas - ix->nchrome)
                    : 0.0;
    st->generation = ix->gen;
    st->nacronyms = ix->nacros;
    _Static_assert(AJ_NFILES <= AJ_MAX_INDEX_FILES, "aj_index_stats.files is too small");
    /* a sharded index: each kind of file summed over the shards */
    st->nfiles = AJ_NFILES;
    for (int i = 0; i < AJ_NFILES; i++) {
        st->files[i].name = aj_file_names[i];
        for (uint32_t p = 0; p < ix->nparts; p++)
            st->files[i].nbytes += aj_mfile_size(ix->parts[p].files[i]);
    }
    if (ix->lex) st->files[AJ_F_DICT].nbytes += aj_mfile_size(ix->lex);
}

/* A NUL-terminated string at offset off of a STRINGS section (m's, at
 * payload offset base, len bytes). */
static aj_err strings_get(aj_ctx *c, aj_mfile *m, uint64_t base, uint64_t slen, uint32_t off,
                          const char **s) {
    if (off >= slen)
        return aj_fail(c, AJ_ECORRUPT, "%s: string offset %u out of range", aj_mfile_name(m),
                       off);
    /* Most strings are short: look for the terminator in the first 4 KiB,
     * then in twice as much, up to the section's end (a title from
     * metadata.tsv may be longer than a page), so that only the pages a
     * string spans are verified. */
    uint64_t left = slen - off;
    for (uint64_t n = 4096;; n *= 2) {
        if (n > left) n = left;
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, m, base + off, n, &p);
        if (e) return e;
        if (memchr(p, 0, (size_t)n)) {
            *s = (const char *)p;
            return AJ_OK;
        }
        if (n == left)
            return aj_fail(c, AJ_ECORRUPT, "%s: unterminated string at %u", aj_mfile_name(m),
                           off);
    }
}

static aj_err part_string(aj_ctx *c, const aj_part *pt, uint32_t off, const char **s) {
    return strings_get(c, pt->files[AJ_F_META], pt->strings_off, pt->strings_len, off, s);
}

aj_err aj_index_len(aj_ctx *c, aj_index *ix, uint32_t id, uint32_t *len) {
    const uint8_t *p;
    if (id >= ix->nparas)
        return aj_fail(c, AJ_ECORRUPT, "paragraph id %u out of range", id);
    const aj_part *pt = aj_index_para_part(ix, id);
    aj_err e = aj_mfile_get(c, pt->files[AJ_F_META],
                            pt->lens_off + 4 * (uint64_t)(id - pt->para0), 4, &p);
    if (!e) *len = aj_get_u32le(p);
    return e;
}

/* Binary search over n records of rec bytes at payload offset off of m,
 * in increasing order of their first u32: *hit gets the one whose first
 * u32 is key, or NULL. */
static aj_err find_record(aj_ctx *c, aj_mfile *m, uint64_t off, uint32_t n, uint32_t rec,
                          uint64_t key, const uint8_t **hit) {
    uint32_t lo = 0, hi = n;
    *hit = NULL;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, m, off + (uint64_t)mid * rec, rec, &p);
        if (e) return e;
        uint32_t k = aj_get_u32le(p);
        if (k == key) {
            *hit = p;
            return AJ_OK;
        }
        if (k < key) lo = mid + 1; else hi = mid;
    }
    return AJ_OK;
}

/* Whether document doc (a sharded index's) is in CITEPATH. */
static aj_err cited_by_path(aj_ctx *c, const aj_index *ix, uint32_t doc, int *yes) {
    const uint8_t *hit;
    aj_err e = find_record(c, ix->lex, ix->cite_off, ix->ncite, 4, doc, &hit);
    *yes = hit != NULL;
    return e;
}

aj_err aj_doc_get(aj_ctx *c, const aj_index *ix, uint32_t doc,
                  aj_doc_info *out) {
    const uint8_t *p;
    if (doc >= ix->ndocs)
        return aj_fail(c, AJ_EINVAL, "document %u out of range", doc);
    const aj_part *pt = aj_index_doc_part(ix, doc);
    uint32_t ld = doc - pt->doc0;
    aj_err e = aj_mfile_get(c, pt->files[AJ_F_META],
                            pt->docs_off + (uint64_t)ld * AJ_DOC_BYTES,
                            AJ_DOC_BYTES, &p);
    if (!e) e = part_string(c, pt, aj_get_u32le(p), &out->path);
    if (!e) e = part_string(c, pt, aj_get_u32le(p + 4), &out->title);
    if (!e) e = part_string(c, pt, aj_get_u32le(p + 8), &out->date);
    if (!e) e = part_string(c, pt, aj_get_u32le(p + 12), &out->source);
    if (e) return e;
    out->first_para = aj_get_u32le(p + 16);
    out->nparas = aj_get_u32le(p + 20);
    uint32_t flags = aj_get_u32le(p + 24);
    out->size = aj_get_u64le(p + 28);
    out->xxh3 = aj_get_u64le(p + 36);
    static const char *const formats[] = {"text", "pdf", "html", "docx"};
    uint32_t fmt = (flags & AJ_DOC_FORMAT_MASK) >> AJ_DOC_FORMAT_SHIFT;
    out->failed = (flags & AJ_DOC_FAILED) != 0;
    if ((flags & ~AJ_DOC_FLAGS) || (fmt == 0 && (flags & (AJ_DOC_OWN_TITLE | AJ_DOC_FAILED))) ||
        (out->failed && aj_get_u32le(p + 20)) || (ix->lex && (flags & AJ_DOC_CITE_PATH)))
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: document %u flags", doc);
    out->cite_path = (flags & AJ_DOC_CITE_PATH) != 0;
    if (ix->lex) {
        /* whether two documents share a title and date is the index's to
         * say, not a shard's */
        e = cited_by_path(c, ix, doc, &out->cite_path);
        if (e) return e;
    }
    out->format = formats[fmt];
    out->own_title = (flags & AJ_DOC_OWN_TITLE) != 0;
    out->own_date = (flags & AJ_DOC_OWN_DATE) != 0;
    if (out->first_para > pt->nparas || out->nparas > pt->nparas - out->first_para)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: document %u paragraph range",
                       doc);
    out->first_para += pt->para0;
    return AJ_OK;
}

aj_err aj_index_para_record(aj_ctx *c, const aj_index *ix, uint32_t id,
                            const uint8_t **p) {
    if (id >= ix->nparas)
        return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    const aj_part *pt = aj_index_para_part(ix, id);
    return aj_mfile_get(c, pt->files[AJ_F_META],
                        pt->paras_off + (uint64_t)(id - pt->para0) * AJ_PARA_BYTES,
                        AJ_PARA_BYTES, p);
}

aj_err aj_index_para_kind(aj_ctx *c, const aj_index *ix, uint32_t id, int *kind) {
    const uint8_t *p;
    aj_err e = aj_index_para_record(c, ix, id, &p);
    if (!e) *kind = (int)(aj_get_u32le(p + 16) >> 30);
    return e;
}

/* The records of paragraphs [lo, id] (lo <= id), which must lie in one
 * part: lo is raised to the part's first paragraph. */
static aj_err para_records(aj_ctx *c, const aj_index *ix, uint32_t *lo, uint32_t id,
                           const uint8_t **p) {
    const aj_part *pt = aj_index_para_part(ix, id);
    if (*lo < pt->para0) *lo = pt->para0;
    return aj_mfile_get(c, pt->files[AJ_F_META],
                        pt->paras_off + (uint64_t)(*lo - pt->para0) * AJ_PARA_BYTES,
                        (uint64_t)(id - *lo + 1) * AJ_PARA_BYTES, p);
}

aj_err aj_index_heading_kind(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t lo,
                             uint32_t *h, int *kind) {
    *h = UINT32_MAX;
    if (id >= ix->nparas) return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    if (lo > id) lo = id;
    const uint8_t *p;
    aj_err e = para_records(c, ix, &lo, id, &p);
    if (e) return e;
    *kind = (int)(aj_get_u32le(p + (uint64_t)(id - lo) * AJ_PARA_BYTES + 16) >> 30);
    for (uint32_t k = id; k > lo; k--)
        if ((aj_get_u32le(p + (uint64_t)(k - 1 - lo) * AJ_PARA_BYTES + 16) >> 30) ==
            AJ_PARA_HEADING) {
            *h = k - 1;
            break;
        }
    return AJ_OK;
}

aj_err aj_index_prev_heading(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t lo,
                             uint32_t *h) {
    *h = UINT32_MAX;
    if (id > ix->nparas) return aj_fail(c, AJ_EINVAL, "paragraph %u out of range", id);
    if (lo >= id) return AJ_OK;
    /* One look-up for the whole run of records, then plain reads (a
     * document lies in one part, and so do its headings). */
    const uint8_t *p;
    aj_err e = para_records(c, ix, &lo, id - 1, &p);
    if (e) return e;
    for (uint32_t k = id; k > lo; k--)
        if ((aj_get_u32le(p + (uint64_t)(k - 1 - lo) * AJ_PARA_BYTES + 16) >> 30) ==
            AJ_PARA_HEADING) {
            *h = k - 1;
            break;
        }
    return AJ_OK;
}

/* First paragraph of a part's document d (its own ids), read from its
 * DOCS record. */
static aj_err doc_first(aj_ctx *c, const aj_part *pt, uint32_t d, uint32_t *first,
                        uint32_t *n) {
    const uint8_t *p;
    aj_err e = aj_mfile_get(c, pt->files[AJ_F_META],
                            pt->docs_off + (uint64_t)d * AJ_DOC_BYTES, AJ_DOC_BYTES, &p);
    if (!e) {
        *first = aj_get_u32le(p + 16);
        *n = aj_get_u32le(p + 20);
    }
    return e;
}

aj_err aj_index_para_doc(aj_ctx *c, const aj_index *ix, uint32_t id,
                         uint32_t *doc, uint32_t *first) {
    if (id >= ix->nparas)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: no document holds paragraph %u", id);
    const aj_part *pt = aj_index_para_part(ix, id);
    uint32_t lid = id - pt->para0;
    /* Documents hold consecutive paragraph ranges, in order: the last
     * document whose first paragraph is <= id (empty ones are skipped by
     * the range check). */
    uint32_t lo = 0, hi = pt->ndocs;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2, f, n;
        aj_err e = doc_first(c, pt, mid, &f, &n);
        if (e) return e;
        if (f <= lid)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t f = 0, n = 0;
    aj_err e = pt->ndocs ? doc_first(c, pt, lo, &f, &n) : AJ_OK;
    /* Among documents starting at the same paragraph (empty ones), take
     * the one that holds it. */
    while (!e && n == 0 && lo + 1 < pt->ndocs) {
        e = doc_first(c, pt, ++lo, &f, &n);
    }
    if (e) return e;
    if (!pt->ndocs || lid < f || lid - f >= n)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: no document holds paragraph %u", id);
    *doc = lo + pt->doc0;
    *first = f + pt->para0;
    return AJ_OK;
}

aj_err aj_para_get(aj_ctx *c, const aj_index *ix, uint32_t id,
                   aj_para_info *out) {
    const uint8_t *p, *l;
    aj_err e = aj_index_para_record(c, ix, id, &p);
    if (e) return e;
    const aj_part *pt = aj_index_para_part(ix, id);
    uint32_t first;
    e = aj_index_para_doc(c, ix, id, &out->doc, &first);
    if (e) return e;
    out->id = id;
    out->block = id - first + 1;
    out->start = aj_get_u64le(p);
    out->end = out->start + aj_get_u32le(p + 8);
    uint32_t lk = aj_get_u32le(p + 16), label = lk & AJ_NO_LABEL;
    out->kind = (int)(lk >> 30);
    out->label = NULL;
    if (label != AJ_NO_LABEL) {
        e = part_string(c, pt, label, &out->label);
        if (e) return e;
    }
    uint32_t section = aj_get_u32le(p + 20), info = aj_get_u32le(p + 28);
    out->ordinal = aj_get_u32le(p + 24);
    out->chrome = (int)AJ_CI_CHROME(info);
    out->mark = (int)AJ_CI_MARK(info);
    /* a part's records name headings by its own ids */
    out->section = section ? section - 1 + pt->para0 : AJ_NO_PARA;
    /* what a reader of the record relies on: a section heading before it
     * in the same document, a number where one is due, a known kind */
    if ((section && (section - 1 >= id - pt->para0 || section - 1 + pt->para0 < first)) ||
        (out->kind == AJ_PARA_CHROME) != (out->chrome != AJ_CHROME_NONE) ||
        out->chrome > AJ_CHROME_CONTENTS || out->mark > AJ_MARK_BARE ||
        (info & AJ_CI_UNUSED) || (out->kind == AJ_PARA_CHROME) != (out->ordinal == 0) ||
        out->ordinal > out->block)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u outline record", id);
    e = aj_mfile_get(c, pt->files[AJ_F_META], pt->lens_off + 4 * (uint64_t)(id - pt->para0), 4,
                     &l);
    if (e) return e;
    out->len = aj_get_u32le(l);
    return aj_index_para_page(c, ix, id, &out->page);
}

aj_err aj_index_para_page(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t *page) {
    /* The last PAGES record at or before id (FORMAT.md "meta.aj", 10). */
    *page = 0;
    if (id >= ix->nparas) return AJ_OK;
    const aj_part *pt = aj_index_para_part(ix, id);
    uint32_t lid = id - pt->para0;
    uint32_t lo = 0, hi = pt->npages;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, pt->files[AJ_F_META],
                                pt->pages_off + (uint64_t)mid * AJ_RUN_BYTES, AJ_RUN_BYTES, &p);
        if (e) return e;
        if (aj_get_u32le(p) <= lid) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return AJ_OK;
    const uint8_t *p;
    aj_err e = aj_mfile_get(c, pt->files[AJ_F_META],
                            pt->pages_off + (uint64_t)(lo - 1) * AJ_RUN_BYTES, AJ_RUN_BYTES, &p);
    if (!e) *page = aj_get_u32le(p + 4);
    return e;
}

/* Where paragraph id's text lies: its part, its block, and its offset in
 * the block (after the texts of the block's earlier paragraphs). */
static aj_err text_place(aj_ctx *c, const aj_index *ix, uint32_t id, const aj_part **part,
                         uint32_t *block, uint64_t *off, uint32_t *n) {
    const uint8_t *p;
    uint32_t first;
    aj_err e = aj_index_para_record(c, ix, id, &p);
    if (e) return e;
    const aj_part *pt = *part = aj_index_para_part(ix, id);
    uint32_t lid = id - pt->para0;
    e = aj_store_find(c, &pt->store, lid, block, &first);
    if (e) return e;
    *n = aj_get_u32le(p + 12);
    /* One mapped range for the records of [first, id): a block holds a few
     * KiB of text, so a few dozen paragraphs at most. */
    *off = 0;
    if (first == lid) return AJ_OK;
    e = aj_mfile_get(c, pt->files[AJ_F_META], pt->paras_off + (uint64_t)first * AJ_PARA_BYTES,
                     (uint64_t)(lid - first) * AJ_PARA_BYTES, &p);
    for (uint32_t q = 0; !e && q < lid - first; q++)
        *off += aj_get_u32le(p + (uint64_t)q * AJ_PARA_BYTES + 12);
    return e;
}

aj_err aj_index_text(aj_ctx *c, aj_index *ix, aj_store_reader *r, uint32_t id,
                     const char **text, size_t *len) {
    uint32_t block, n;
    uint64_t off;
    const char *buf;
    size_t blen;
    const aj_part *pt;
    aj_err e = text_place(c, ix, id, &pt, &block, &off, &n);
    if (!e) e = aj_store_block(c, &pt->store, r, block, &buf, &blen);
    if (e) return e;
    if (off > blen || n > blen - off)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: paragraph %u text outside its block", id);
    *text = buf + off;
    *len = n;
    return AJ_OK;
}

aj_err aj_index_check_text(aj_ctx *c, aj_index *ix) {
    const aj_part *pt = &ix->one;
    const aj_store *s = &pt->store;
    const char *name = aj_mfile_name(s->f);
    aj_store_reader r;
    aj_store_reader_init(&r);
    uint64_t end = 0;           /* of the previous frame */
    aj_err e = AJ_OK;
    if (ix->lex) e = aj_fail(c, AJ_EINVAL, "a sharded index's texts are checked shard by shard");
    if (!e && ix->nparas && !s->nblocks)
        e = aj_fail(c, AJ_ECORRUPT, "%s: no text blocks for %u paragraphs", name, ix->nparas);
    for (uint32_t b = 0; !e && b < s->nblocks; b++) {
        uint64_t off, off2, sum = 0;
        uint32_t zlen, raw, first, next = ix->nparas, z2, r2;
        const char *buf;
        size_t len;
        e = aj_store_entry(c, s, b, &off, &zlen, &raw, &first);
        /* the block ends where the next one's paragraphs begin */
        if (!e && b + 1 < s->nblocks) e = aj_store_entry(c, s, b + 1, &off2, &z2, &r2, &next);
        if (e) break;
        if (off != end || (b == 0 && first != 0) || first >= next || next > ix->nparas) {
            e = aj_fail(c, AJ_ECORRUPT, "%s: text block %u table entry out of order", name, b);
            break;
        }
        end = off + zlen;
        const uint8_t *p;
        e = aj_mfile_get(c, pt->files[AJ_F_META], pt->paras_off + (uint64_t)first * AJ_PARA_BYTES,
                         (uint64_t)(next - first) * AJ_PARA_BYTES, &p);
        for (uint32_t q = 0; !e && q < next - first; q++)
            sum += aj_get_u32le(p + (uint64_t)q * AJ_PARA_BYTES + 12);
        if (!e && sum != raw)
            e = aj_fail(c, AJ_ECORRUPT,
                        "%s: text block %u holds %u bytes, its paragraphs' texts %llu", name,
                        b, raw, (unsigned long long)sum);
        if (!e) e = aj_store_block(c, s, &r, b, &buf, &len);
    }
    if (!e && end != s->frames_len)
        e = aj_fail(c, AJ_ECORRUPT, "%s: text frames do not fill their section", name);
    aj_store_reader_free(&r);
    return e;
}

aj_err aj_para_text(aj_ctx *c, aj_index *ix, uint32_t id, char **text,
                    size_t *len) {
    const char *t;
    size_t n;
    char *out = NULL;
    pthread_mutex_lock(&ix->cache_lock);
    aj_err e = aj_index_text(c, ix, &ix->text, id, &t, &n);
    if (!e && !(out = malloc(n + 1))) e = aj_fail(c, AJ_ENOMEM, "paragraph text");
    if (!e) {
        memcpy(out, t, n);
        out[n] = 0;
    }
    pthread_mutex_unlock(&ix->cache_lock);
    if (e) return e;
    *text = out;
    *len = n;
    return AJ_OK;
}

const char *aj_para_kind_name(int kind, int chrome) {
    static const char *const chromes[] = {"chrome", "chrome:navigation", "chrome:caption",
                                          "chrome:date", "chrome:links", "chrome:contents"};
    switch (kind) {
    case AJ_PARA_BODY: return "body";
    case AJ_PARA_HEADING: return "heading";
    case AJ_PARA_ITEM: return "item";
    default:
        return chrome >= 0 && chrome <= AJ_CHROME_CONTENTS ? chromes[chrome] : "chrome";
    }
}

/* ---- page chrome ---- */

aj_err aj_index_chrome_runs(aj_ctx *c, const aj_index *ix, const uint8_t **runs,
                            uint32_t *n) {
    *runs = NULL;
    *n = 0;
    if (!ix->nchrome_runs) return AJ_OK;
    if (ix->chrome_runs) {
        *runs = ix->chrome_runs;
        *n = ix->nchrome_runs;
        return AJ_OK;
    }
    aj_err e = aj_mfile_get(c, ix->one.files[AJ_F_META], ix->one.chrome_off,
                            (uint64_t)ix->nchrome_runs * AJ_RUN_BYTES, runs);
    if (!e) *n = ix->nchrome_runs;
    return e;
}

aj_err aj_index_chrome_df(aj_ctx *c, const aj_index *ix, uint64_t term, uint32_t *df) {
    /* records in term order */
    const uint8_t *hit;
    aj_err e = find_record(c, ix->chromedf_file, ix->chromedf_off, ix->nchromedf, AJ_RUN_BYTES,
                           term, &hit);
    *df = hit ? aj_get_u32le(hit + 4) : 0;
    return e;
}

aj_err aj_index_chrome_counts(aj_ctx *c, const aj_index *ix, uint32_t counts[8]) {
    const uint8_t *runs;
    uint32_t n;
    memset(counts, 0, 8 * sizeof *counts);
    aj_err e = aj_index_chrome_runs(c, ix, &runs, &n);
    for (uint32_t r = 0; !e && r < n; r++) {
        uint32_t first = aj_get_u32le(runs + (uint64_t)r * AJ_RUN_BYTES);
        uint32_t cnt = aj_get_u32le(runs + (uint64_t)r * AJ_RUN_BYTES + 4);
        for (uint32_t k = 0; !e && k < cnt; k++) {
            const uint8_t *p;
            if (first + k < first || first + k >= ix->nparas) {
                e = aj_fail(c, AJ_ECORRUPT, "meta.aj: chrome run %u out of range", r);
                break;
            }
            e = aj_index_para_record(c, ix, first + k, &p);
            if (!e) counts[AJ_CI_CHROME(aj_get_u32le(p + 28)) & 7]++;
        }
    }
    return e;
}

/* ---- acronyms ---- */

uint64_t aj_index_acronym_bytes(const aj_index *ix) {
    uint64_t n = ix->nacros ? 8 + (uint64_t)ix->nacros * AJ_ACRO_BYTES : 0;
    for (uint32_t i = 0; i < ix->nacros; i++) {
        aj_ctx c = {0};
        aj_acronym a;
        if (aj_acronym_get(&c, ix, i, &a) == AJ_OK)
            n += strlen(a.acronym) + strlen(a.long_form) + 2;
    }
    return n;
}

uint32_t aj_acronym_count(const aj_index *ix) { return ix->nacros; }

aj_err aj_acronym_get(aj_ctx *c, const aj_index *ix, uint32_t i,
                      aj_acronym *out) {
    const uint8_t *p;
    if (i >= ix->nacros)
        return aj_fail(c, AJ_EINVAL, "acronym %u out of range", i);
    aj_mfile *m = ix->acro_file;
    aj_err e = aj_mfile_get(c, m, ix->acro_off + (uint64_t)i * AJ_ACRO_BYTES,
                            AJ_ACRO_BYTES, &p);
    if (!e) e = strings_get(c, m, ix->acro_strings_off, ix->acro_strings_len,
                            aj_get_u32le(p), &out->acronym);
    if (!e) e = strings_get(c, m, ix->acro_strings_off, ix->acro_strings_len,
                            aj_get_u32le(p + 4), &out->long_form);
    if (e) return e;
    out->count = aj_get_u32le(p + 8);
    out->first_para = aj_get_u32le(p + 12);
    if (!out->count || out->first_para >= ix->nparas)
        return aj_fail(c, AJ_ECORRUPT, "%s: acronym record %u", aj_mfile_name(m), i);
    return AJ_OK;
}
