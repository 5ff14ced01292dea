/* invert.c - see invert.h.
 *
 * Run file layout (temporary, private to a build): for each key holding
 * postings, in key byte order: u32 key id (little-endian), varint df,
 * varint byte count, then the varint postings, whose first paragraph gap
 * is counted from 0 (every run restarts the gaps, so runs concatenate
 * without rewriting). */
#include "io.h"
#include "invert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bytes.h"

typedef struct {
    uint64_t key_off;      /* in the key arena */
    uint32_t hash;
    uint8_t len;
    uint32_t df;           /* postings held in memory */
    uint32_t last_doc;     /* last paragraph id in memory (gap base) */
    uint8_t *buf;          /* varint postings */
    uint32_t nbuf, capbuf;
    uint32_t mark;         /* paragraph sequence + 1 when seen in it */
    uint32_t head, tail;   /* its occurrences in the current paragraph */
    uint32_t tf;
} entry;

struct aj_inverter {
    int with_positions;
    entry *keys;
    uint64_t nkeys, capkeys;
    uint64_t *slots;       /* hash << 32 | key index + 1; 0 = empty */
    uint64_t nslots;
    char *arena;
    uint64_t narena, caparena;
    /* current paragraph: occurrences chained per key */
    uint32_t *occ_pos, *occ_next;
    size_t nocc, capocc;
    uint32_t *distinct;    /* keys seen in it, in order of first sight */
    size_t ndistinct, capdistinct;
    uint32_t seq;          /* paragraphs ended so far */
    uint64_t npostings;    /* all postings ever added */
    uint64_t held;         /* bytes of postings buffers allocated */
    uint32_t *dirty;       /* keys with postings since the last export */
    size_t ndirty, capdirty;
    uint32_t exported;     /* keys named in earlier exports */
};

aj_err aj_inverter_new(aj_ctx *c, int with_positions, aj_inverter **out) {
    aj_inverter *iv = calloc(1, sizeof *iv);
    if (!iv) return aj_fail(c, AJ_ENOMEM, "inverter");
    iv->with_positions = with_positions;
    iv->nslots = 1 << 12;
    iv->slots = calloc(iv->nslots, sizeof *iv->slots);
    if (!iv->slots) {
        free(iv);
        return aj_fail(c, AJ_ENOMEM, "inverter");
    }
    *out = iv;
    return AJ_OK;
}

void aj_inverter_free(aj_inverter *iv) {
    if (!iv) return;
    for (uint64_t i = 0; i < iv->nkeys; i++) free(iv->keys[i].buf);
    free(iv->keys);
    free(iv->slots);
    free(iv->arena);
    free(iv->occ_pos);
    free(iv->occ_next);
    free(iv->distinct);
    free(iv->dirty);
    free(iv);
}

uint64_t aj_inverter_nkeys(const aj_inverter *iv) { return iv->nkeys; }
uint64_t aj_inverter_npostings(const aj_inverter *iv) { return iv->npostings; }
uint64_t aj_inverter_bytes(const aj_inverter *iv) { return iv->held; }

const char *aj_inverter_key(const aj_inverter *iv, uint32_t id, uint32_t *len) {
    *len = iv->keys[id].len;
    return iv->arena + iv->keys[id].key_off;
}

static aj_err grow_slots(aj_ctx *c, aj_inverter *iv) {
    uint64_t n = iv->nslots * 2;
    uint64_t *s = calloc(n, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "term hash table");
    for (uint64_t i = 0; i < iv->nkeys; i++) {
        uint64_t h = iv->keys[i].hash & (n - 1);
        while (s[h]) h = (h + 1) & (n - 1);
        s[h] = (uint64_t)iv->keys[i].hash << 32 | (i + 1);
    }
    free(iv->slots);
    iv->slots = s;
    iv->nslots = n;
    return AJ_OK;
}

uint32_t aj_inverter_hash(const char *key, uint32_t len) {
    return (uint32_t)XXH3_64bits(key, len);
}

aj_err aj_inverter_intern(aj_ctx *c, aj_inverter *iv, const char *key,
                          uint32_t len, uint32_t *id, int *is_new) {
    return aj_inverter_intern_hashed(c, iv, key, len, aj_inverter_hash(key, len),
                                     id, is_new);
}

aj_err aj_inverter_intern_hashed(aj_ctx *c, aj_inverter *iv, const char *key,
                                 uint32_t len, uint32_t hash, uint32_t *id,
                                 int *is_new) {
    *is_new = 0;
    if (len == 0 || len > 255)
        return aj_fail(c, AJ_EINVAL, "term length %u", len);
    uint64_t mask = iv->nslots - 1, h = hash & mask;
    /* The slot holds the hash, so a probe touches the entry and the key
     * bytes only when the hashes agree. */
    for (;;) {
        uint64_t s = iv->slots[h];
        if (!s) break;
        if ((uint32_t)(s >> 32) == hash) {
            uint32_t i = (uint32_t)s - 1;
            const entry *e = &iv->keys[i];
            if (e->len == len && aj_key_eq(iv->arena + e->key_off, key, len)) {
                *id = i;
                return AJ_OK;
            }
        }
        h = (h + 1) & mask;
    }
    if (iv->nkeys >= UINT32_MAX - 1)
        return aj_fail(c, AJ_ELIMIT, "more than 4 billion distinct terms");
    if (iv->nkeys == iv->capkeys) {
        uint64_t cap = iv->capkeys ? iv->capkeys * 2 : 1024;
        entry *k = realloc(iv->keys, cap * sizeof *k);
        if (!k) return aj_fail(c, AJ_ENOMEM, "term table");
        iv->keys = k;
        iv->capkeys = cap;
    }
    if (iv->narena + len > iv->caparena) {
        uint64_t cap = iv->caparena ? iv->caparena * 2 : 1 << 16;
        while (cap < iv->narena + len) cap *= 2;
        char *a = realloc(iv->arena, cap);
        if (!a) return aj_fail(c, AJ_ENOMEM, "term strings");
        iv->arena = a;
        iv->caparena = cap;
    }
    memcpy(iv->arena + iv->narena, key, len);
    entry *e = &iv->keys[iv->nkeys];
    memset(e, 0, sizeof *e);
    e->key_off = iv->narena;
    e->len = (uint8_t)len;
    e->hash = hash;
    iv->narena += len;
    iv->slots[h] = (uint64_t)hash << 32 | (iv->nkeys + 1);
    *id = (uint32_t)iv->nkeys++;
    *is_new = 1;
    if (iv->nkeys * 2 > iv->nslots) return grow_slots(c, iv);
    return AJ_OK;
}

/* Records key id as one of the paragraph's distinct keys, on its first
 * occurrence in the paragraph. */
static aj_err first_in_paragraph(aj_ctx *c, aj_inverter *iv, uint32_t id) {
    if (iv->ndistinct == iv->capdistinct) {
        size_t cap = iv->capdistinct ? iv->capdistinct * 2 : 256;
        uint32_t *d = realloc(iv->distinct, cap * sizeof *d);
        if (!d) return aj_fail(c, AJ_ENOMEM, "paragraph terms");
        iv->distinct = d;
        iv->capdistinct = cap;
    }
    iv->distinct[iv->ndistinct++] = id;
    iv->keys[id].mark = iv->seq + 1;
    return AJ_OK;
}

/* aj_inverter_add without positions: a paragraph's postings need only
 * each key's tf, so no occurrence is chained. */
static aj_err add_counted(aj_ctx *c, aj_inverter *iv, uint32_t id) {
    entry *e = &iv->keys[id];
    if (e->mark == iv->seq + 1) {
        e->tf++;
        return AJ_OK;
    }
    aj_err err = first_in_paragraph(c, iv, id);
    if (!err) e->tf = 1;
    return err;
}

aj_err aj_inverter_add(aj_ctx *c, aj_inverter *iv, uint32_t id, uint32_t pos) {
    if (!iv->with_positions) return add_counted(c, iv, id);
    entry *e = &iv->keys[id];
    if (iv->nocc == iv->capocc) {
        size_t cap = iv->capocc ? iv->capocc * 2 : 1024;
        uint32_t *p = realloc(iv->occ_pos, cap * sizeof *p);
        if (p) iv->occ_pos = p;
        uint32_t *n = p ? realloc(iv->occ_next, cap * sizeof *n) : NULL;
        if (n) iv->occ_next = n;
        if (!p || !n) return aj_fail(c, AJ_ENOMEM, "paragraph tokens");
        iv->capocc = cap;
    }
    uint32_t at = (uint32_t)iv->nocc++;
    iv->occ_pos[at] = pos;
    iv->occ_next[at] = UINT32_MAX;
    if (e->mark != iv->seq + 1) {
        aj_err err = first_in_paragraph(c, iv, id);
        if (err) return err;
        e->head = e->tail = at;
        e->tf = 1;
    } else {
        iv->occ_next[e->tail] = at;
        e->tail = at;
        e->tf++;
    }
    return AJ_OK;
}

/* How many occurrences ahead aj_inverter_add_many and end_doc ask for an
 * entry: enough misses in flight to cover memory latency, few enough that
 * what was asked for is still cached when it is used. */
#define READ_AHEAD 8

aj_err aj_inverter_add_many(aj_ctx *c, aj_inverter *iv, const uint32_t *ids,
                            const uint32_t *pos, size_t n) {
    for (size_t i = 0; i < n && i < READ_AHEAD; i++)
        __builtin_prefetch(&iv->keys[ids[i]], 1);
    for (size_t i = 0; i < n; i++) {
        if (i + READ_AHEAD < n) __builtin_prefetch(&iv->keys[ids[i + READ_AHEAD]], 1);
        aj_err e = aj_inverter_add(c, iv, ids[i], pos[i]);
        if (e) return e;
    }
    return AJ_OK;
}

/* Makes room for n more bytes in e's buffer. */
static aj_err grow_buf(aj_ctx *c, aj_inverter *iv, entry *e, uint64_t n) {
    uint64_t cap = e->capbuf ? (uint64_t)e->capbuf * 2 : 16;
    while (cap < e->nbuf + n) cap *= 2;
    if (cap > UINT32_MAX)
        return aj_fail(c, AJ_ELIMIT, "posting list over 4 GiB in memory");
    uint8_t *b = realloc(e->buf, cap);
    if (!b) return aj_fail(c, AJ_ENOMEM, "postings");
    iv->held += cap - e->capbuf;
    e->buf = b;
    e->capbuf = (uint32_t)cap;
    return AJ_OK;
}

static inline aj_err reserve(aj_ctx *c, aj_inverter *iv, entry *e, uint64_t n) {
    if (e->nbuf + n <= e->capbuf) return AJ_OK;
    return grow_buf(c, iv, e, n);
}

aj_err aj_inverter_end_doc(aj_ctx *c, aj_inverter *iv, uint32_t doc) {
    aj_err e = AJ_OK;
    for (size_t k = 0; !e && k < iv->ndistinct; k++) {
        entry *en = &iv->keys[iv->distinct[k]];
        if (k + READ_AHEAD < iv->ndistinct) {
            /* the entry was touched by this paragraph's adds; its postings
             * buffer, where the bytes go, was not */
            const entry *ahead = &iv->keys[iv->distinct[k + READ_AHEAD]];
            if (ahead->buf) __builtin_prefetch(ahead->buf + ahead->nbuf, 1);
        }
        /* Worst case: two 5-byte varints, then 5 bytes per position. */
        uint64_t need = 10 + (iv->with_positions ? 5 * (uint64_t)en->tf : 0);
        e = reserve(c, iv, en, need);
        if (e) break;
        uint8_t *p = en->buf + en->nbuf;
        p += aj_put_varint(p, doc - en->last_doc);
        p += aj_put_varint(p, en->tf);
        if (iv->with_positions) {
            uint32_t last = 0;
            for (uint32_t o = en->head; o != UINT32_MAX; o = iv->occ_next[o]) {
                uint32_t pos = iv->occ_pos[o];
                p += aj_put_varint(p, pos - last);
                last = pos;
            }
        }
        en->nbuf = (uint32_t)(p - en->buf);
        en->last_doc = doc;
        if (en->df++ == 0) {
            if (iv->ndirty == iv->capdirty) {
                size_t cap = iv->capdirty ? iv->capdirty * 2 : 1024;
                uint32_t *d = realloc(iv->dirty, cap * sizeof *d);
                if (!d) return aj_fail(c, AJ_ENOMEM, "postings");
                iv->dirty = d;
                iv->capdirty = cap;
            }
            iv->dirty[iv->ndirty++] = iv->distinct[k];
        }
        iv->npostings++;
    }
    iv->nocc = 0;
    iv->ndistinct = 0;
    iv->seq++;
    return e;
}

void aj_inv_export_free(aj_inv_export *x) {
    free(x->newkeys);
    free(x->newlens);
    free(x->ids);
    free(x->dfs);
    free(x->lasts);
    free(x->offs);
    free(x->bytes);
    memset(x, 0, sizeof *x);
}

aj_err aj_inverter_export(aj_ctx *c, aj_inverter *iv, aj_inv_export *x) {
    memset(x, 0, sizeof *x);
    x->nkeys_before = iv->exported;
    x->nkeys_after = (uint32_t)iv->nkeys;
    size_t nnew = x->nkeys_after - x->nkeys_before, kb = 0;
    for (uint32_t i = x->nkeys_before; i < x->nkeys_after; i++) kb += iv->keys[i].len;
    uint64_t nb = 0;
    for (size_t k = 0; k < iv->ndirty; k++) nb += iv->keys[iv->dirty[k]].nbuf;
    size_t n = iv->ndirty;
    x->newkeys = malloc(kb + 1);
    x->newlens = malloc(nnew + 1);
    x->ids = malloc((n + 1) * sizeof *x->ids);
    x->dfs = malloc((n + 1) * sizeof *x->dfs);
    x->lasts = malloc((n + 1) * sizeof *x->lasts);
    x->offs = malloc((n + 1) * sizeof *x->offs);
    x->bytes = malloc(nb + 1);
    if (!x->newkeys || !x->newlens || !x->ids || !x->dfs || !x->lasts || !x->offs ||
        !x->bytes) {
        aj_inv_export_free(x);
        return aj_fail(c, AJ_ENOMEM, "segment postings");
    }
    for (uint32_t i = x->nkeys_before; i < x->nkeys_after; i++) {
        const entry *e = &iv->keys[i];
        memcpy(x->newkeys + x->nnewkeys_bytes, iv->arena + e->key_off, e->len);
        x->nnewkeys_bytes += e->len;
        x->newlens[i - x->nkeys_before] = e->len;
    }
    for (size_t k = 0; k < n; k++) {
        entry *e = &iv->keys[iv->dirty[k]];
        x->ids[k] = iv->dirty[k];
        x->dfs[k] = e->df;
        x->lasts[k] = e->last_doc;
        x->offs[k] = x->nbytes;
        memcpy(x->bytes + x->nbytes, e->buf, e->nbuf);
        x->nbytes += e->nbuf;
        /* Keep the buffer: the key will likely need it again. */
        e->nbuf = 0;
        e->df = 0;
        e->last_doc = 0;
    }
    x->n = (uint32_t)n;
    iv->ndirty = 0;
    iv->exported = (uint32_t)iv->nkeys;
    return AJ_OK;
}

aj_err aj_inverter_absorb(aj_ctx *c, aj_inverter *global,
                          const aj_inv_export *x, uint32_t base,
                          uint32_t **map, uint64_t *cap) {
    if (x->nkeys_after > *cap) {
        uint64_t nc = *cap ? *cap : 1024;
        while (nc < x->nkeys_after) nc *= 2;
        uint32_t *m = realloc(*map, nc * sizeof *m);
        if (!m) return aj_fail(c, AJ_ENOMEM, "key map");
        *map = m;
        *cap = nc;
    }
    size_t at = 0;
    for (uint32_t i = x->nkeys_before; i < x->nkeys_after; i++) {
        uint32_t len = x->newlens[i - x->nkeys_before], g;
        int is_new;
        aj_err e = aj_inverter_intern(c, global, x->newkeys + at, len, &g, &is_new);
        if (e) return e;
        (*map)[i] = g;
        at += len;
    }
    for (uint32_t k = 0; k < x->n; k++) {
        /* The segment's list starts with its first id counted from 0; in
         * the global list it becomes a gap from the global last id. */
        const uint8_t *b = x->bytes + x->offs[k];
        const uint8_t *end = k + 1 < x->n ? x->bytes + x->offs[k + 1] : x->bytes + x->nbytes;
        aj_slice s = {b, end};
        uint32_t first = 0;
        aj_get_varint32(&s, &first);
        entry *ge = &global->keys[(*map)[x->ids[k]]];
        size_t rest = (size_t)(end - s.p);
        aj_err e = reserve(c, global, ge, 5 + rest);
        if (e) return e;
        ge->nbuf += (uint32_t)aj_put_varint(ge->buf + ge->nbuf, base + first - ge->last_doc);
        memcpy(ge->buf + ge->nbuf, s.p, rest);
        ge->nbuf += (uint32_t)rest;
        ge->last_doc = base + x->lasts[k];
        ge->df += x->dfs[k];
        global->npostings += x->dfs[k];
    }
    return AJ_OK;
}

static int cmp_keys(const void *a, const void *b, void *arg) {
    const aj_inverter *iv = arg;
    const entry *x = &iv->keys[*(const uint32_t *)a];
    const entry *y = &iv->keys[*(const uint32_t *)b];
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(iv->arena + x->key_off, iv->arena + y->key_off, n);
    if (r) return r;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* A key to sort: its first 8 bytes as a big-endian number (zeros past its
 * end), so that most comparisons are one of integers held in the array,
 * without reaching the key's entry and bytes. */
typedef struct {
    uint64_t head;
    uint32_t id;
} sort_key;

static int cmp_sort_keys(const void *a, const void *b, void *arg) {
    const sort_key *x = a, *y = b;
    /* Heads that differ order the keys as their bytes do: the first byte
     * that differs is either in both keys or past the shorter one's end,
     * which makes it the smaller, as a prefix is. */
    if (x->head != y->head) return x->head < y->head ? -1 : 1;
    return cmp_keys(&x->id, &y->id, arg);
}

/* All key ids in key byte order; the caller frees the array. */
static aj_err sorted_ids(aj_ctx *c, const aj_inverter *iv, uint32_t **out) {
    uint32_t *order = malloc((iv->nkeys + 1) * sizeof *order);
    sort_key *v = malloc((iv->nkeys + 1) * sizeof *v);
    if (!order || !v) {
        free(order);
        free(v);
        return aj_fail(c, AJ_ENOMEM, "term order");
    }
    for (uint64_t i = 0; i < iv->nkeys; i++) {
        const entry *e = &iv->keys[i];
        const uint8_t *k = (const uint8_t *)iv->arena + e->key_off;
        uint64_t h = 0;
        for (unsigned j = 0; j < 8; j++) h = h << 8 | (j < e->len ? k[j] : 0);
        v[i] = (sort_key){h, (uint32_t)i};
    }
    qsort_r(v, iv->nkeys, sizeof *v, cmp_sort_keys, (void *)iv);
    for (uint64_t i = 0; i < iv->nkeys; i++) order[i] = v[i].id;
    free(v);
    *out = order;
    return AJ_OK;
}

static void release(aj_inverter *iv, entry *e) {
    iv->held -= e->capbuf;
    free(e->buf);
    e->buf = NULL;
    e->nbuf = e->capbuf = 0;
    e->df = 0;
    e->last_doc = 0;
}

aj_err aj_inverter_flush_run(aj_ctx *c, aj_inverter *iv, const char *path) {
    uint32_t *order;
    aj_err e = sorted_ids(c, iv, &order);
    if (e) return e;
    FILE *f = aj_io_fopen(path, "wbx");
    if (!f) {
        free(order);
        return aj_fail(c, AJ_EIO, "%s: cannot create run file: %s", path,
                       strerror(errno));
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    int short_write = 0;
    for (uint64_t k = 0; k < iv->nkeys; k++) {
        entry *en = &iv->keys[order[k]];
        if (en->df == 0) continue;
        uint8_t hdr[24];
        aj_put_u32le(hdr, order[k]);
        size_t n = 4 + aj_put_varint(hdr + 4, en->df);
        n += aj_put_varint(hdr + n, en->nbuf);
        if (aj_io_fwrite(hdr, 1, n, f) != n ||
            aj_io_fwrite(en->buf, 1, en->nbuf, f) != en->nbuf) {
            short_write = 1;
            break;
        }
        release(iv, en);
    }
    int err = errno;
    int bad = short_write || ferror(f);
    if (aj_io_fclose(f) != 0 || bad)
        e = aj_fail(c, AJ_EIO, "%s: writing run file failed: %s", path,
                    strerror(bad ? err : errno));
    free(order);
    return e;
}

/* ---- merging runs ---- */

typedef struct {
    FILE *f;
    const char *path;
    int has;               /* a header is loaded */
    uint32_t id, df, nbytes;
} run_reader;

static aj_err run_read_varint(aj_ctx *c, run_reader *r, uint32_t *v) {
    uint32_t x = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
        int ch = getc_unlocked(r->f);
        if (ch == EOF) break;
        x |= (uint32_t)(ch & 0x7f) << shift;
        if (ch < 0x80) {
            *v = x;
            return AJ_OK;
        }
    }
    return aj_fail(c, AJ_EIO, "%s: run file damaged", r->path);
}

/* Loads the next entry header, or sets has = 0 at the end. */
static aj_err run_next(aj_ctx *c, run_reader *r) {
    uint8_t b[4];
    size_t n = fread(b, 1, 4, r->f);
    r->has = 0;
    if (n == 0 && feof(r->f)) return AJ_OK;
    if (n != 4) return aj_fail(c, AJ_EIO, "%s: run file damaged", r->path);
    r->id = aj_get_u32le(b);
    aj_err e = run_read_varint(c, r, &r->df);
    if (!e) e = run_read_varint(c, r, &r->nbytes);
    if (!e) r->has = 1;
    return e;
}

static aj_err grow_u32(aj_ctx *c, uint32_t **p, size_t *cap, size_t need) {
    if (need <= *cap) return AJ_OK;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    uint32_t *q = realloc(*p, n * sizeof *q);
    if (!q) return aj_fail(c, AJ_ENOMEM, "posting list");
    *p = q;
    *cap = n;
    return AJ_OK;
}

typedef struct {
    uint32_t *docs, *tfs;
    size_t capd, capt;
    uint32_t n;
} lists;

/* One part of a key's postings: a run's entry or the postings in memory,
 * as varints ([doc gap, tf, tf position gaps] per paragraph, ids starting
 * from 0).  A small run entry is read into memory; a big one is read in
 * place from its file, twice: once for the ids and tfs, again for the
 * positions as they are asked for. */
typedef struct {
    aj_slice s;              /* in memory (r == NULL) */
    run_reader *r;           /* in its run file from off to end */
    long off, end;
    uint32_t df;
} part;

/* Run entries larger than this are read in place. */
#define PART_IN_MEMORY (1u << 20)

/* A varint of a buffer in memory; most are one byte (small gaps and tfs),
 * which this reads without a loop. */
static inline int mem_varint(aj_slice *s, uint32_t *v) {
    if (s->p < s->end && *s->p < 0x80) {
        *v = *s->p++;
        return 0;
    }
    return aj_get_varint32(s, v);
}

static aj_err damaged(aj_ctx *c) {
    return aj_fail(c, AJ_EIO, "postings buffer damaged");
}

static aj_err part_varint(aj_ctx *c, part *p, aj_slice *s, uint32_t *v) {
    if (p->r) return run_read_varint(c, p->r, v);
    if (mem_varint(s, v)) return damaged(c);
    return AJ_OK;
}

/* decode_part for a part in memory (all of them unless the build spilled
 * runs): no call per varint, and positions are stepped over by counting
 * the bytes that end a varint (below 0x80) instead of decoding them. */
static aj_err decode_mem(aj_ctx *c, const aj_inverter *iv, lists *l, const part *p) {
    aj_slice s = p->s;
    uint32_t doc = 0, *docs = l->docs + l->n, *tfs = l->tfs + l->n;
    for (uint32_t i = 0; i < p->df; i++) {
        uint32_t gap, tf;
        if (mem_varint(&s, &gap) || mem_varint(&s, &tf)) return damaged(c);
        doc += gap;
        docs[i] = doc;
        tfs[i] = tf;
        if (!iv->with_positions) continue;
        for (uint32_t left = tf; left;) {
            if (s.p >= s.end) return damaged(c);
            left -= *s.p++ < 0x80;
        }
    }
    l->n += p->df;
    return AJ_OK;
}

static aj_err part_start(aj_ctx *c, part *p) {
    if (p->r && fseek(p->r->f, p->off, SEEK_SET) != 0)
        return aj_fail(c, AJ_EIO, "%s: %s", p->r->path, strerror(errno));
    return AJ_OK;
}

/* Appends the part's ids and tfs to l, stepping over its positions. */
static aj_err decode_part(aj_ctx *c, const aj_inverter *iv, lists *l, part *p) {
    aj_err e = grow_u32(c, &l->docs, &l->capd, l->n + p->df);
    if (!e) e = grow_u32(c, &l->tfs, &l->capt, l->n + p->df);
    if (!e && !p->r) return decode_mem(c, iv, l, p);
    if (!e) e = part_start(c, p);
    aj_slice s = p->s;
    uint32_t doc = 0;
    for (uint32_t i = 0; !e && i < p->df; i++) {
        uint32_t gap = 0, tf = 0, g;
        e = part_varint(c, p, &s, &gap);
        if (!e) e = part_varint(c, p, &s, &tf);
        doc += gap;
        l->docs[l->n] = doc;
        l->tfs[l->n++] = tf;
        for (uint32_t j = 0; !e && iv->with_positions && j < tf; j++)
            e = part_varint(c, p, &s, &g);
    }
    return e;
}

/* Hands out the positions of a key's parts a posting at a time. */
typedef struct {
    part *parts;
    size_t nparts, at;
    uint32_t left;           /* postings left in parts[at - 1] */
    aj_slice s;              /* where parts[at - 1] is read, if in memory */
} pos_reader;

static aj_err next_positions(aj_ctx *c, void *arg, uint32_t tf, uint32_t *out) {
    pos_reader *pr = arg;
    while (pr->left == 0) {
        if (pr->at == pr->nparts) return aj_fail(c, AJ_EIO, "postings buffer damaged");
        part *p = &pr->parts[pr->at++];
        aj_err e = part_start(c, p);
        if (e) return e;
        pr->s = p->s;
        pr->left = p->df;
    }
    part *p = &pr->parts[pr->at - 1];
    uint32_t gap, n, g, pos = 0;
    if (!p->r) {
        if (mem_varint(&pr->s, &gap) || mem_varint(&pr->s, &n) || n != tf)
            return damaged(c);
        for (uint32_t j = 0; j < tf; j++) {
            if (mem_varint(&pr->s, &g)) return damaged(c);
            pos += g;
            out[j] = pos;
        }
        pr->left--;
        return AJ_OK;
    }
    aj_err e = part_varint(c, p, &pr->s, &gap);
    if (!e) e = part_varint(c, p, &pr->s, &n);
    if (!e && n != tf) e = aj_fail(c, AJ_EIO, "postings buffer damaged");
    for (uint32_t j = 0; !e && j < tf; j++) {
        e = part_varint(c, p, &pr->s, &g);
        pos += g;
        out[j] = pos;
    }
    pr->left--;
    return e;
}

aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, const char *const *runs,
                        size_t nruns, aj_inverted_fn fn, void *arg) {
    uint32_t *order = NULL;
    run_reader *rr = calloc(nruns + 1, sizeof *rr);
    part *parts = calloc(nruns + 1, sizeof *parts);
    uint8_t **bufs = calloc(nruns + 1, sizeof *bufs); /* per run */
    size_t *caps = calloc(nruns + 1, sizeof *caps);
    lists l = {0};
    aj_err e = rr && parts && bufs && caps ? sorted_ids(c, iv, &order)
                                           : aj_fail(c, AJ_ENOMEM, "runs");
    for (size_t r = 0; !e && r < nruns; r++) {
        rr[r].path = runs[r];
        rr[r].f = fopen(runs[r], "rb");
        if (!rr[r].f)
            e = aj_fail(c, AJ_EIO, "%s: %s", runs[r], strerror(errno));
        else {
            setvbuf(rr[r].f, NULL, _IOFBF, 1 << 20);
            e = run_next(c, &rr[r]);
        }
    }
    for (uint64_t k = 0; !e && k < iv->nkeys; k++) {
        uint32_t id = order[k];
        entry *en = &iv->keys[id];
        size_t np = 0;
        l.n = 0;
        for (size_t r = 0; !e && r < nruns; r++) {
            if (!rr[r].has || rr[r].id != id) continue;
            part *p = &parts[np++];
            memset(p, 0, sizeof *p);
            p->df = rr[r].df;
            if (rr[r].nbytes > PART_IN_MEMORY) {
                p->r = &rr[r];
                p->off = ftell(rr[r].f);
                p->end = p->off + (long)rr[r].nbytes;
                if (p->off < 0) e = aj_fail(c, AJ_EIO, "%s: %s", runs[r], strerror(errno));
                continue;
            }
            if (rr[r].nbytes > caps[r]) {
                uint8_t *t = realloc(bufs[r], rr[r].nbytes);
                if (!t) {
                    e = aj_fail(c, AJ_ENOMEM, "run entry");
                    break;
                }
                bufs[r] = t;
                caps[r] = rr[r].nbytes;
            }
            if (fread(bufs[r], 1, rr[r].nbytes, rr[r].f) != rr[r].nbytes) {
                e = aj_fail(c, AJ_EIO, "%s: run file truncated", rr[r].path);
                break;
            }
            p->s = (aj_slice){bufs[r], bufs[r] + rr[r].nbytes};
        }
        if (!e && en->df) {
            part *p = &parts[np++];
            memset(p, 0, sizeof *p);
            p->df = en->df;
            p->s = (aj_slice){en->buf, en->buf + en->nbuf};
        }
        for (size_t i = 0; !e && i < np; i++) e = decode_part(c, iv, &l, &parts[i]);
        /* Parts restart their ids from 0 only in the varint form: each part
         * was written with absolute first ids, so the lists simply join. */
        pos_reader pr = {parts, np, 0, 0, {0}};
        if (!e && l.n)
            e = fn(c, arg, id, iv->arena + en->key_off, en->len, l.docs, l.tfs,
                   iv->with_positions ? next_positions : NULL, &pr, l.n);
        /* Every run read past this key's entry, for its next header. */
        for (size_t i = 0; !e && i < np; i++)
            if (parts[i].r && fseek(parts[i].r->f, parts[i].end, SEEK_SET) != 0)
                e = aj_fail(c, AJ_EIO, "%s: %s", parts[i].r->path, strerror(errno));
        for (size_t r = 0; !e && r < nruns; r++)
            if (rr[r].has && rr[r].id == id) e = run_next(c, &rr[r]);
        if (en->df) release(iv, en);
    }
    for (size_t r = 0; rr && r < nruns; r++)
        if (rr[r].f) fclose(rr[r].f);
    for (size_t r = 0; bufs && r < nruns; r++) free(bufs[r]);
    free(bufs);
    free(caps);
    free(parts);
    free(rr);
    free(order);
    free(l.docs);
    free(l.tfs);
    return e;
}
