/* invert.c - see invert.h.
 *
 * Run file layout (temporary, private to a build): for each key held, in
 * key byte order: u8 key length, the key's bytes, u8 flags, varint df
 * (0 for a key that has only flags), varint byte count, then the varint
 * postings, whose first paragraph gap is counted from 0 (every run
 * restarts the gaps, so runs concatenate without rewriting). */
#include "common/io.h"
#include "build/invert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "common/bytes.h"
#include "common/grow.h"

/* Postings of at most this many bytes are kept in the entry itself: most
 * keys of a large vocabulary occur once or twice, and a buffer of their
 * own would cost a malloc and its overhead each. */
#define INLINE_BYTES 16

typedef struct {
    uint64_t key_off;      /* in the key arena */
    uint32_t hash;
    uint8_t len;
    uint8_t flags;         /* the caller's (aj_inverter_flag) */
    uint32_t df;           /* postings held in memory */
    uint32_t last_doc;     /* last paragraph id in memory (gap base) */
    uint32_t nbuf, capbuf; /* capbuf 0: the postings are in inl */
    uint32_t mark;         /* paragraph sequence + 1 when seen in it */
    uint32_t head, tail;   /* its occurrences in the current paragraph */
    uint32_t tf;
    union {
        uint8_t *buf;      /* varint postings */
        uint8_t inl[INLINE_BYTES];
    } u;
} entry;

static inline uint8_t *ebuf(entry *e) { return e->capbuf ? e->u.buf : e->u.inl; }
static inline const uint8_t *cebuf(const entry *e) { return e->capbuf ? e->u.buf : e->u.inl; }

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
    uint64_t nbufs;        /* postings buffers allocated (not inline) */
    uint32_t *dirty;       /* keys with postings since the last export */
    size_t ndirty, capdirty;
    uint32_t exported;     /* keys named in earlier exports */
    int restarted;         /* reset since the last export */
};

#define MIN_SLOTS (1u << 12)

aj_err aj_inverter_new(aj_ctx *c, int with_positions, aj_inverter **out) {
    aj_inverter *iv = calloc(1, sizeof *iv);
    if (!iv) return aj_fail(c, AJ_ENOMEM, "inverter");
    iv->with_positions = with_positions;
    iv->nslots = MIN_SLOTS;
    iv->slots = calloc(iv->nslots, sizeof *iv->slots);
    if (!iv->slots) {
        free(iv);
        return aj_fail(c, AJ_ENOMEM, "inverter");
    }
    *out = iv;
    return AJ_OK;
}

/* Frees the keys, their table and their postings. */
static void drop_keys(aj_inverter *iv) {
    for (uint64_t i = 0; i < iv->nkeys; i++)
        if (iv->keys[i].capbuf) free(iv->keys[i].u.buf);
    free(iv->keys);
    free(iv->slots);
    free(iv->arena);
    free(iv->dirty);
    iv->keys = NULL;
    iv->slots = NULL;
    iv->arena = NULL;
    iv->dirty = NULL;
    iv->nkeys = iv->capkeys = iv->narena = iv->caparena = iv->held = iv->nbufs = 0;
    iv->ndirty = iv->capdirty = 0;
}

void aj_inverter_free(aj_inverter *iv) {
    if (!iv) return;
    drop_keys(iv);
    free(iv->occ_pos);
    free(iv->occ_next);
    free(iv->distinct);
    free(iv);
}

void aj_inverter_reset(aj_inverter *iv) {
    drop_keys(iv);
    /* Back to the size of a new table: the memory goes back to the
     * system (a table that grew large is a mapping of its own), and a
     * failed allocation here shows as one at the next intern. */
    iv->slots = calloc(MIN_SLOTS, sizeof *iv->slots);
    iv->nslots = iv->slots ? MIN_SLOTS : 0;
    iv->exported = 0;
    iv->restarted = 1;
}

uint64_t aj_inverter_nkeys(const aj_inverter *iv) { return iv->nkeys; }
uint64_t aj_inverter_npostings(const aj_inverter *iv) { return iv->npostings; }
uint64_t aj_inverter_bytes(const aj_inverter *iv) { return iv->held; }

/* What malloc adds to each posting buffer, about. */
#define MALLOC_OVERHEAD 16
/* Sorting the keys for a run: a sort_key and an id per key, and the radix
 * sort's second array of sort_keys. */
#define SORT_BYTES 36

uint64_t aj_inverter_mem(const aj_inverter *iv) {
    return iv->capkeys * sizeof(entry) + iv->nslots * sizeof *iv->slots + iv->caparena +
           iv->held + iv->nbufs * MALLOC_OVERHEAD + iv->nkeys * SORT_BYTES + iv->capdirty * 4;
}

uint64_t aj_inverter_used(const aj_inverter *iv) {
    return iv->nkeys * (sizeof(entry) + 2 * sizeof *iv->slots) + iv->narena +
           iv->held + iv->nbufs * MALLOC_OVERHEAD + iv->ndirty * 4;
}

uint8_t aj_inverter_flags(const aj_inverter *iv, uint32_t id) { return iv->keys[id].flags; }
void aj_inverter_flag(aj_inverter *iv, uint32_t id, uint8_t flags) { iv->keys[id].flags |= flags; }

uint32_t aj_inverter_key_hash(const aj_inverter *iv, uint32_t id) { return iv->keys[id].hash; }

void aj_inverter_prefetch(const aj_inverter *iv, uint32_t hash) {
    if (iv->slots) __builtin_prefetch(&iv->slots[hash & (iv->nslots - 1)]);
}

const char *aj_inverter_key(const aj_inverter *iv, uint32_t id, uint32_t *len) {
    *len = iv->keys[id].len;
    return iv->arena + iv->keys[id].key_off;
}

/* Asks for huge pages under a large table: its entries are read at
 * random, and with 4 KiB pages nearly every read of a table of millions
 * of keys also misses the TLB (walks that cost the most in a virtual
 * machine).  Only the 2 MiB-aligned middle of the block can have them. */
static void want_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = 2u << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + n) & ~(huge - 1);
    if (b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

static aj_err grow_slots(aj_ctx *c, aj_inverter *iv) {
    uint64_t n = iv->nslots * 2;
    uint64_t *s = calloc(n, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "term hash table");
    want_huge(s, n * sizeof *s);
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
    if (!iv->slots) return aj_fail(c, AJ_ENOMEM, "term hash table");
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
        want_huge(k, cap * sizeof *k);
        iv->keys = k;
        iv->capkeys = cap;
    }
    if (iv->narena + len > iv->caparena) {
        uint64_t cap = iv->caparena ? iv->caparena * 2 : 1 << 16;
        while (cap < iv->narena + len) cap *= 2;
        char *a = realloc(iv->arena, cap);
        if (!a) return aj_fail(c, AJ_ENOMEM, "term strings");
        want_huge(a, cap);
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

aj_err aj_inverter_note(aj_ctx *c, aj_inverter *iv, const char *key,
                        uint32_t len, uint8_t flags) {
    uint32_t id;
    int is_new;
    aj_err e = aj_inverter_intern(c, iv, key, len, &id, &is_new);
    if (!e) iv->keys[id].flags |= flags;
    return e;
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
    uint64_t cap = e->capbuf ? (uint64_t)e->capbuf * 2 : 2 * INLINE_BYTES;
    while (cap < e->nbuf + n) cap *= 2;
    if (cap > UINT32_MAX)
        return aj_fail(c, AJ_ELIMIT, "posting list over 4 GiB in memory");
    uint8_t *b = e->capbuf ? realloc(e->u.buf, cap) : malloc(cap);
    if (!b) return aj_fail(c, AJ_ENOMEM, "postings");
    if (!e->capbuf) {
        memcpy(b, e->u.inl, e->nbuf);
        iv->nbufs++;
    }
    iv->held += cap - e->capbuf;
    e->u.buf = b;
    e->capbuf = (uint32_t)cap;
    return AJ_OK;
}

static inline aj_err reserve(aj_ctx *c, aj_inverter *iv, entry *e, uint64_t n) {
    if (e->nbuf + n <= (e->capbuf ? e->capbuf : INLINE_BYTES)) return AJ_OK;
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
            if (ahead->capbuf) __builtin_prefetch(ahead->u.buf + ahead->nbuf, 1);
        }
        /* Worst case: two 5-byte varints, then 5 bytes per position. */
        uint64_t need = 10 + (iv->with_positions ? 5 * (uint64_t)en->tf : 0);
        e = reserve(c, iv, en, need);
        if (e) break;
        uint8_t *p = ebuf(en) + en->nbuf;
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
        en->nbuf = (uint32_t)(p - ebuf(en));
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
    free(x->flags);
    free(x->offs);
    free(x->bytes);
    memset(x, 0, sizeof *x);
}

aj_err aj_inverter_export(aj_ctx *c, aj_inverter *iv, aj_inv_export *x) {
    memset(x, 0, sizeof *x);
    x->restart = iv->restarted;
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
    x->flags = malloc(n + 1);
    x->offs = malloc((n + 1) * sizeof *x->offs);
    x->bytes = malloc(nb + 1);
    if (!x->newkeys || !x->newlens || !x->ids || !x->dfs || !x->lasts || !x->flags ||
        !x->offs || !x->bytes) {
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
        x->flags[k] = e->flags;
        x->offs[k] = x->nbytes;
        memcpy(x->bytes + x->nbytes, ebuf(e), e->nbuf);
        x->nbytes += e->nbuf;
        /* Keep the buffer: the key will likely need it again. */
        e->nbuf = 0;
        e->df = 0;
        e->last_doc = 0;
    }
    x->n = (uint32_t)n;
    iv->ndirty = 0;
    iv->exported = (uint32_t)iv->nkeys;
    iv->restarted = 0;
    return AJ_OK;
}

void aj_inv_map_free(aj_inv_map *m) {
    free(m->keys);
    free(m->offs);
    free(m->lens);
    free(m->ids);
    memset(m, 0, sizeof *m);
}

void aj_inv_map_forget(aj_inv_map *m) {
    if (m->n) memset(m->ids, 0xff, m->n * sizeof *m->ids);
}

aj_err aj_inv_map_update(aj_ctx *c, aj_inv_map *m, const aj_inv_export *x) {
    if (x->restart) {
        /* the exporter starts afresh: so does its map, at a small size */
        aj_inv_map_free(m);
    }
    if (x->nkeys_before != m->n)
        return aj_fail(c, AJ_EINVAL, "build: key map out of step (%llu, %u)",
                       (unsigned long long)m->n, x->nkeys_before);
    if (x->nkeys_after > m->cap) {
        uint64_t cap = m->cap ? m->cap : 1024;
        while (cap < x->nkeys_after) cap *= 2;
        uint64_t *o = realloc(m->offs, cap * sizeof *o);
        if (o) m->offs = o;
        uint8_t *l = o ? realloc(m->lens, cap) : NULL;
        if (l) m->lens = l;
        uint32_t *g = l ? realloc(m->ids, cap * sizeof *g) : NULL;
        if (g) m->ids = g;
        if (!g) return aj_fail(c, AJ_ENOMEM, "key map");
        m->cap = cap;
    }
    if (m->nbytes + x->nnewkeys_bytes > m->capbytes) {
        uint64_t cap = m->capbytes ? m->capbytes : 1 << 16;
        while (cap < m->nbytes + x->nnewkeys_bytes) cap *= 2;
        char *k = realloc(m->keys, cap);
        if (!k) return aj_fail(c, AJ_ENOMEM, "key map");
        m->keys = k;
        m->capbytes = cap;
    }
    if (x->nnewkeys_bytes) memcpy(m->keys + m->nbytes, x->newkeys, x->nnewkeys_bytes);
    for (uint32_t i = x->nkeys_before; i < x->nkeys_after; i++) {
        uint8_t len = x->newlens[i - x->nkeys_before];
        m->offs[i] = m->nbytes;
        m->lens[i] = len;
        m->ids[i] = UINT32_MAX;
        m->nbytes += len;
    }
    m->n = x->nkeys_after;
    return AJ_OK;
}

/* How many keys absorb takes between two looks at the memory it holds. */
#define ABSORB_STEP 1024

aj_err aj_inverter_absorb(aj_ctx *c, aj_inverter *global,
                          const aj_inv_export *x, uint32_t base,
                          aj_inv_map *m, uint32_t *next, uint64_t limit) {
    for (uint32_t k = *next; k < x->n; k++) {
        if (k > *next && (k - *next) % ABSORB_STEP == 0 && aj_inverter_mem(global) > limit) {
            *next = k;
            return AJ_OK;
        }
        uint32_t id = x->ids[k], g = m->ids[id];
        if (g == UINT32_MAX) {
            /* new to the global inverter since it last spilled */
            int is_new;
            aj_err e = aj_inverter_intern(c, global, m->keys + m->offs[id], m->lens[id], &g,
                                          &is_new);
            if (e) return e;
            m->ids[id] = g;
        }
        /* The segment's list starts with its first id counted from 0; in
         * the global list it becomes a gap from the global last id. */
        const uint8_t *b = x->bytes + x->offs[k];
        const uint8_t *end = k + 1 < x->n ? x->bytes + x->offs[k + 1] : x->bytes + x->nbytes;
        aj_slice s = {b, end};
        uint32_t first = 0;
        aj_get_varint32(&s, &first);
        entry *ge = &global->keys[g];
        size_t rest = (size_t)(end - s.p);
        aj_err e = reserve(c, global, ge, 5 + rest);
        if (e) return e;
        uint8_t *gb = ebuf(ge);
        ge->nbuf += (uint32_t)aj_put_varint(gb + ge->nbuf, base + first - ge->last_doc);
        memcpy(gb + ge->nbuf, s.p, rest);
        ge->nbuf += (uint32_t)rest;
        ge->last_doc = base + x->lasts[k];
        ge->df += x->dfs[k];
        ge->flags |= x->flags[k];
        global->npostings += x->dfs[k];
    }
    *next = x->n;
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

static uint64_t key_head(const char *key, uint32_t len) {
    const uint8_t *k = (const uint8_t *)key;
    uint64_t h = 0;
    for (unsigned j = 0; j < 8; j++) h = h << 8 | (j < len ? k[j] : 0);
    return h;
}

/* Orders two sort_keys of equal heads by their whole bytes. */
typedef int (*tie_fn)(const sort_key *x, const sort_key *y, void *arg);

typedef struct {
    tie_fn tie;
    void *arg;
} tie_ctx;

static int cmp_ties(const void *a, const void *b, void *arg) {
    const tie_ctx *t = arg;
    return t->tie(a, b, t->arg);
}

/* Sorts v by key bytes: a radix sort of the heads, a byte at a time from
 * the last (a byte that is the same in every head costs no pass), then a
 * comparison sort of each run of equal heads.  Heads that differ order
 * the keys as their bytes do: the first byte that differs is either in
 * both keys or past the shorter one's end, which makes it the smaller,
 * as a prefix is.  Millions of keys sort in a few passes over memory
 * instead of some twenty comparisons each.  tmp: room for n more. */
static void sort_heads(sort_key *v, sort_key *tmp, size_t n, tie_fn tie, void *arg) {
    size_t count[256];
    sort_key *from = v, *to = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++) count[(from[i].head >> shift) & 0xff]++;
        if (n == 0 || count[(from[0].head >> shift) & 0xff] == n) continue;
        size_t sum = 0;
        for (unsigned d = 0; d < 256; d++) {
            size_t k = count[d];
            count[d] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++) to[count[(from[i].head >> shift) & 0xff]++] = from[i];
        sort_key *t = from;
        from = to;
        to = t;
    }
    if (from != v) memcpy(v, from, n * sizeof *v);
    tie_ctx t = {tie, arg};
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j].head == v[i].head) j++;
        if (j - i > 1) qsort_r(v + i, j - i, sizeof *v, cmp_ties, &t);
        i = j;
    }
}

static int tie_entries(const sort_key *x, const sort_key *y, void *arg) {
    return cmp_keys(&x->id, &y->id, arg);
}

/* All key ids in key byte order; the caller frees the array. */
static aj_err sorted_ids(aj_ctx *c, const aj_inverter *iv, uint32_t **out) {
    uint32_t *order = malloc((iv->nkeys + 1) * sizeof *order);
    sort_key *v = malloc((iv->nkeys + 1) * sizeof *v);
    sort_key *tmp = malloc((iv->nkeys + 1) * sizeof *tmp);
    if (!order || !v || !tmp) {
        free(order);
        free(v);
        free(tmp);
        return aj_fail(c, AJ_ENOMEM, "term order");
    }
    want_huge(order, (iv->nkeys + 1) * sizeof *order);
    want_huge(v, (iv->nkeys + 1) * sizeof *v);
    want_huge(tmp, (iv->nkeys + 1) * sizeof *tmp);
    for (uint64_t i = 0; i < iv->nkeys; i++) {
        const entry *e = &iv->keys[i];
        v[i] = (sort_key){key_head(iv->arena + e->key_off, e->len), (uint32_t)i};
    }
    sort_heads(v, tmp, iv->nkeys, tie_entries, (void *)iv);
    free(tmp);
    for (uint64_t i = 0; i < iv->nkeys; i++) order[i] = v[i].id;
    free(v);
    *out = order;
    return AJ_OK;
}

/* Walking the keys in byte order reads entries, key bytes and postings
 * all over memory: the entry rank + 16 and the bytes of rank + 8 are asked
 * for ahead, so that the misses overlap. */
static inline void read_ahead(const aj_inverter *iv, const uint32_t *order, uint64_t k) {
    if (k + 16 < iv->nkeys) __builtin_prefetch(&iv->keys[order[k + 16]]);
    if (k + 8 < iv->nkeys) {
        const entry *a = &iv->keys[order[k + 8]];
        __builtin_prefetch(iv->arena + a->key_off);
        if (a->capbuf) __builtin_prefetch(a->u.buf);
    }
}

static void release(aj_inverter *iv, entry *e) {
    iv->held -= e->capbuf;
    if (e->capbuf) {
        free(e->u.buf);
        iv->nbufs--;
    }
    e->u.buf = NULL;
    e->nbuf = e->capbuf = 0;
    e->df = 0;
    e->last_doc = 0;
}

void aj_inverter_clear(aj_inverter *iv) {
    for (uint64_t i = 0; i < iv->nkeys; i++)
        if (iv->keys[i].capbuf) release(iv, &iv->keys[i]);
    memset(iv->slots, 0, iv->nslots * sizeof *iv->slots);
    iv->nkeys = iv->narena = 0;
    iv->ndirty = 0;
    iv->exported = 0;
    iv->restarted = 1;
}

/* A run file being written: entries are gathered in a buffer of our own
 * and go to the file a megabyte at a time (a run has millions of small
 * entries, and stdio's per-call work was a fifth of writing them). */
#define RUN_WRITE_BYTES (1u << 20)
typedef struct {
    FILE *f;
    uint8_t *buf;
    size_t n;
    int bad;                 /* a write fell short (errno tells why) */
} run_writer;

static void rw_flush(run_writer *w) {
    if (w->n && !w->bad && aj_io_fwrite(w->buf, 1, w->n, w->f) != w->n) w->bad = 1;
    w->n = 0;
}

static void rw_put(run_writer *w, const void *p, size_t n) {
    if (w->n + n > RUN_WRITE_BYTES) rw_flush(w);
    if (n >= RUN_WRITE_BYTES) {
        if (!w->bad && aj_io_fwrite(p, 1, n, w->f) != n) w->bad = 1;
        return;
    }
    memcpy(w->buf + w->n, p, n);
    w->n += n;
}

/* Opens a run file for a run_writer; NULL with errno set on failure. */
static FILE *rw_open(const char *path, run_writer *w) {
    memset(w, 0, sizeof *w);
    w->buf = malloc(RUN_WRITE_BYTES);
    if (!w->buf) {
        errno = ENOMEM;
        return NULL;
    }
    w->f = aj_io_fopen(path, "wbx");
    if (!w->f) {
        int err = errno;
        free(w->buf);
        w->buf = NULL;
        errno = err;
        return NULL;
    }
    setvbuf(w->f, NULL, _IONBF, 0);
    return w->f;
}

/* Writes what is left and closes; 0, or -1 with errno set. */
static int rw_close(run_writer *w) {
    rw_flush(w);
    int err = errno, bad = w->bad || ferror(w->f);
    int r = aj_io_fclose(w->f);
    free(w->buf);
    w->buf = NULL;
    if (bad) {
        errno = err;
        return -1;
    }
    return r;
}

aj_err aj_inverter_flush_run(aj_ctx *c, aj_inverter *iv, const char *path,
                             uint64_t keep) {
    uint32_t *order;
    aj_err e = sorted_ids(c, iv, &order);
    if (e) return e;
    run_writer rw;
    if (!rw_open(path, &rw)) {
        free(order);
        return aj_fail(c, AJ_EIO, "%s: cannot create run file: %s", path,
                       strerror(errno));
    }
    for (uint64_t k = 0; k < iv->nkeys && !rw.bad; k++) {
        read_ahead(iv, order, k);
        entry *en = &iv->keys[order[k]];
        if (en->df == 0 && en->flags == 0) continue;
        uint8_t hdr[2 + 255 + 10];
        size_t n = 0;
        hdr[n++] = en->len;
        memcpy(hdr + n, iv->arena + en->key_off, en->len);
        n += en->len;
        hdr[n++] = en->flags;
        n += aj_put_varint(hdr + n, en->df);
        n += aj_put_varint(hdr + n, en->nbuf);
        rw_put(&rw, hdr, n);
        if (en->nbuf) rw_put(&rw, ebuf(en), en->nbuf);
        release(iv, en);
    }
    if (rw_close(&rw) != 0)
        e = aj_fail(c, AJ_EIO, "%s: writing run file failed: %s", path, strerror(errno));
    free(order);
    /* The keys are in the run now: forgetting them bounds the memory by
     * the budget whatever the vocabulary.  Exporters' ids mapped to them
     * must be forgotten too (aj_inv_map_forget). */
    if (!e && aj_inverter_mem(iv) - iv->held <= keep) {
        aj_inverter_clear(iv);
    } else if (!e) {
        uint64_t npostings = iv->npostings;
        aj_inverter_reset(iv);
        iv->npostings = npostings;
    }
    return e;
}

/* ---- an export straight to a run ---- */

/* The bytes of sort_key id of an export run: an export key (id < n) or
 * an extra key (id - n). */
static const char *xkey_of(const aj_inv_export *x, const aj_inv_map *m,
                           const char *extra, const uint8_t *elens,
                           const uint64_t *eoffs, uint32_t id, uint32_t *len) {
    if (id < x->n) {
        uint32_t wid = x->ids[id];
        *len = m->lens[wid];
        return m->keys + m->offs[wid];
    }
    id -= x->n;
    *len = elens[id];
    return extra + eoffs[id];
}

/* Every key's bytes and length by sort_key id, found once in id order
 * (where the export's arrays are read front to back): the writing loop,
 * in key order, then reads one table at random instead of four. */
typedef struct {
    const char **p;
    const uint8_t *len;
} xkeys;

static inline const char *xkey(const xkeys *k, uint32_t id, uint32_t *len) {
    *len = k->len[id];
    return k->p[id];
}

static int tie_xkeys(const sort_key *x, const sort_key *y, void *arg) {
    uint32_t la, lb;
    const char *a = xkey(arg, x->id, &la), *b = xkey(arg, y->id, &lb);
    int r = memcmp(a, b, la < lb ? la : lb);
    if (r) return r;
    return la < lb ? -1 : la > lb;
}

aj_err aj_inv_export_run(aj_ctx *c, const aj_inv_export *x, const aj_inv_map *m,
                         uint32_t base, const char *extra, const uint8_t *elens,
                         size_t nextra, uint8_t eflags, const char *path,
                         uint64_t *npostings) {
    size_t n = (size_t)x->n + nextra;
    if (n >= UINT32_MAX) return aj_fail(c, AJ_ELIMIT, "too many keys in one export");
    sort_key *v = malloc((n + 1) * sizeof *v);
    sort_key *tmp = malloc((n + 1) * sizeof *tmp);
    uint64_t *eoffs = malloc((nextra + 1) * sizeof *eoffs);
    const char **kp = malloc((n + 1) * sizeof *kp);
    uint8_t *kl = malloc(n + 1);
    if (!v || !tmp || !eoffs || !kp || !kl) {
        free(v);
        free(tmp);
        free(eoffs);
        free(kp);
        free(kl);
        return aj_fail(c, AJ_ENOMEM, "export order");
    }
    xkeys k = {kp, kl};
    uint64_t off = 0;
    for (size_t i = 0; i < nextra; i++) {
        eoffs[i] = off;
        off += elens[i];
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t len;
        const char *key = xkey_of(x, m, extra, elens, eoffs, (uint32_t)i, &len);
        kp[i] = key;
        kl[i] = (uint8_t)len;
        v[i] = (sort_key){key_head(key, len), (uint32_t)i};
    }
    sort_heads(v, tmp, n, tie_xkeys, &k);
    free(tmp);
    aj_err e = AJ_OK;
    run_writer rw;
    if (!rw_open(path, &rw)) {
        free(v);
        free(eoffs);
        free(kp);
        free(kl);
        return aj_fail(c, AJ_EIO, "%s: cannot create run file: %s", path, strerror(errno));
    }
    uint64_t np = 0;
    for (size_t i = 0; i < n && !rw.bad;) {
        /* Keys in byte order are all over the export's arrays: what the
         * key 16 ahead will read is asked for, then the bytes its table
         * entries point to 8 ahead (the entries have arrived by then). */
        if (i + 16 < n) {
            uint32_t a = v[i + 16].id;
            __builtin_prefetch(&kp[a]);
            __builtin_prefetch(&kl[a]);
            if (a < x->n) {
                __builtin_prefetch(&x->flags[a]);
                __builtin_prefetch(&x->dfs[a]);
                __builtin_prefetch(&x->offs[a]);
            }
        }
        if (i + 8 < n) {
            uint32_t a = v[i + 8].id;
            __builtin_prefetch(kp[a]);
            if (a < x->n) __builtin_prefetch(x->bytes + x->offs[a]);
        }
        /* A key's entry: its postings (at most one export key has those
         * bytes: an export names each of the exporter's keys once) and
         * the flags of every sort_key with its bytes. */
        uint32_t len;
        const char *key = xkey(&k, v[i].id, &len);
        uint8_t flags = 0;
        int64_t with = -1;
        size_t j = i;
        for (; j < n; j++) {
            uint32_t l2;
            const char *k2 = xkey(&k, v[j].id, &l2);
            if (j > i && (l2 != len || memcmp(k2, key, len) != 0)) break;
            if (v[j].id < x->n) {
                with = v[j].id;
                flags |= x->flags[v[j].id];
            } else {
                flags |= eflags;
            }
        }
        i = j;
        uint32_t df = with < 0 ? 0 : x->dfs[with];
        if (df == 0 && flags == 0) continue;
        /* The export's list starts with its first paragraph counted from
         * 0 in the segment; a run's starts with it counted from 0 in the
         * build (base + first), the rest are gaps either way. */
        const uint8_t *p = NULL, *end = NULL;
        uint8_t first[10];
        size_t nfirst = 0;
        if (with >= 0) {
            p = x->bytes + x->offs[with];
            end = (uint32_t)with + 1 < x->n ? x->bytes + x->offs[with + 1] : x->bytes + x->nbytes;
            aj_slice sl = {p, end};
            uint32_t id0 = 0;
            if (df && aj_get_varint32(&sl, &id0) != 0) {
                e = aj_fail(c, AJ_EINVAL, "build: a damaged export");
                break;
            }
            if (df) nfirst = aj_put_varint(first, (uint64_t)base + id0);
            p = sl.p;
        }
        size_t rest = (size_t)(end - p);
        uint8_t hdr[2 + 255 + 20];
        size_t h = 0;
        hdr[h++] = (uint8_t)len;
        memcpy(hdr + h, key, len);
        h += len;
        hdr[h++] = flags;
        h += aj_put_varint(hdr + h, df);
        h += aj_put_varint(hdr + h, nfirst + rest);
        rw_put(&rw, hdr, h);
        if (nfirst) rw_put(&rw, first, nfirst);
        if (rest) rw_put(&rw, p, rest);
        np += df;
    }
    if (rw_close(&rw) != 0)
        e = e ? e : aj_fail(c, AJ_EIO, "%s: writing run file failed: %s", path,
                            strerror(errno));
    free(v);
    free(eoffs);
    free(kp);
    free(kl);
    if (!e) *npostings += np;
    return e;
}

/* ---- merging runs ---- */

/* A source of the merge: a run file, read entry by entry, or the keys
 * held in memory, in byte order. */
typedef struct {
    FILE *f;                 /* NULL: the memory source */
    const char *path;
    int has;                 /* an entry is loaded */
    uint8_t len, flags;
    uint32_t df, nbytes;
    char key[256];
    const char *kp;          /* the key's bytes: key, or in the arena */
    uint64_t head;           /* its first 8 bytes (key_head) */
    uint64_t at;             /* memory source: next rank in order */
    uint32_t id;             /* memory source: the entry's id */
} source;

static aj_err run_read_varint(aj_ctx *c, source *r, uint32_t *v) {
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

static aj_err run_damaged(aj_ctx *c, const source *r) {
    return aj_fail(c, AJ_EIO, "%s: run file damaged", r->path);
}

/* Loads the next entry header of a run, or sets has = 0 at the end. */
static aj_err run_next(aj_ctx *c, source *r) {
    r->has = 0;
    int len = getc_unlocked(r->f);
    if (len == EOF) return ferror(r->f) ? run_damaged(c, r) : AJ_OK;
    if (len == 0 || fread(r->key, 1, (size_t)len, r->f) != (size_t)len) return run_damaged(c, r);
    int flags = getc_unlocked(r->f);
    if (flags == EOF) return run_damaged(c, r);
    r->len = (uint8_t)len;
    r->flags = (uint8_t)flags;
    r->kp = r->key;
    r->head = key_head(r->key, r->len);
    aj_err e = run_read_varint(c, r, &r->df);
    if (!e) e = run_read_varint(c, r, &r->nbytes);
    if (!e) r->has = 1;
    return e;
}

/* Loads the memory source's next key. */
static void mem_next(const aj_inverter *iv, const uint32_t *order, source *m) {
    m->has = m->at < iv->nkeys;
    if (!m->has) return;
    read_ahead(iv, order, m->at);
    m->id = order[m->at++];
    const entry *en = &iv->keys[m->id];
    m->len = en->len;
    m->flags = en->flags;
    m->df = en->df;
    m->nbytes = en->nbuf;
    m->kp = iv->arena + en->key_off;
    m->head = key_head(m->kp, m->len);
}

/* Sources in the order of their current keys, then of their number (a
 * key's parts are in paragraph order when taken in source order). */
static int src_less(const source *v, uint32_t a, uint32_t b) {
    const source *x = &v[a], *y = &v[b];
    /* Most keys differ in their first 8 bytes: an integer comparison
     * (a merge of hundreds of runs compares some twenty times a key). */
    if (x->head != y->head) return x->head < y->head;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(x->kp, y->kp, n);
    if (!r) r = (x->len > y->len) - (x->len < y->len);
    return r ? r < 0 : a < b;
}

/* The sources with an entry loaded, in a tournament: win[p + r] is source
 * r (NO_SOURCE when it has none), win[n] the first of win[2n] and
 * win[2n + 1] in src_less order, so win[1] is the source of the smallest
 * key.  A source that moves to its next entry replays its path to the
 * root: log2(p) comparisons, where a binary heap spent about twice that
 * (a pop sifts down with two comparisons a level).  And a key held by one
 * source only (most keys of a vocabulary that does not repeat) is told so
 * from the winners along its path, without taking it out and back in. */
#define NO_SOURCE UINT32_MAX

/* The tournament's nodes hold their winner's head too, so that most
 * matches are decided within these two arrays (a few kilobytes) without
 * reaching the sources. */
typedef struct {
    uint32_t *win;
    uint64_t *head;
    size_t p;
} tour;

static inline void tour_play(const source *v, tour *t, size_t n) {
    size_t l = 2 * n, r = l + 1;
    uint32_t a = t->win[l], b = t->win[r];
    int right;
    if (a == NO_SOURCE) right = 1;
    else if (b == NO_SOURCE) right = 0;
    else if (t->head[l] != t->head[r]) right = t->head[r] < t->head[l];
    else right = src_less(v, b, a);
    t->win[n] = right ? b : a;
    t->head[n] = right ? t->head[r] : t->head[l];
}

static inline void tour_leaf(const source *v, tour *t, size_t r, uint32_t to) {
    t->win[t->p + r] = to;
    t->head[t->p + r] = to == NO_SOURCE ? 0 : v[to].head;
}

static void tour_set(const source *v, tour *t, size_t r, uint32_t to) {
    tour_leaf(v, t, r, to);
    for (size_t n = (t->p + r) / 2; n; n /= 2) tour_play(v, t, n);
}

static void tour_build(const source *v, tour *t) {
    for (size_t n = t->p - 1; n; n--) tour_play(v, t, n);
}

/* 1 when source x holds the key of the given head and bytes. */
static int same_bytes(const source *x, uint64_t head, const char *key, uint8_t len) {
    return x->head == head && x->len == len && !memcmp(x->kp, key, len);
}

/* Sources a shared key is taken from through the tournament; past them,
 * the rest are looked for among all sources (emit). */
#define SHARED_POPS 8

/* 1 when another source's key is the winner's: the runner-up is the
 * winner of one of the subtrees beside its path. */
static int key_shared(const source *v, const tour *t) {
    uint32_t w = t->win[1];
    uint64_t h = t->head[1];
    for (size_t n = t->p + w; n > 1; n /= 2) {
        uint32_t o = t->win[n ^ 1];
        if (o != NO_SOURCE && same_bytes(&v[o], h, v[w].kp, v[w].len)) return 1;
    }
    return 0;
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
    source *r;               /* in its run file from off to end */
    long off, end;
    uint32_t df;
} part;

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
    aj_err e = aj_grow(c, (void **)&l->docs, &l->capd, l->n + p->df, sizeof *l->docs,
                       "posting list");
    if (!e) e = aj_grow(c, (void **)&l->tfs, &l->capt, l->n + p->df, sizeof *l->tfs,
                        "posting list");
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

/* Bytes of buffers per run file while merging: a share of the limit,
 * between these bounds. */
#define RUN_BUF_MIN (16u << 10)
#define RUN_BUF_MAX (1u << 20)

/* The merge's state: the sources (runs, then memory), a heap of those
 * with an entry loaded, and per run a buffer for its small entries. */
typedef struct {
    source *src;
    size_t nsrc;
    tour t;                  /* the tournament (above), 2 * p nodes */
    uint8_t **bufs;
    size_t *caps;
    part *parts;
    uint32_t *taken;         /* sources of the key being emitted */
    size_t buf_bytes;        /* entries larger than this are read in place */
} merge;

static void merge_free(merge *m) {
    for (size_t r = 0; m->src && r < m->nsrc; r++)
        if (m->src[r].f) fclose(m->src[r].f);
    for (size_t r = 0; m->bufs && r < m->nsrc; r++) free(m->bufs[r]);
    free(m->src);
    free(m->t.win);
    free(m->t.head);
    free(m->bufs);
    free(m->caps);
    free(m->parts);
    free(m->taken);
}

/* The part of run source r's loaded entry, read into its buffer when
 * small (the file is then past the entry) or marked to be read in place. */
static aj_err take_run_part(aj_ctx *c, merge *m, size_t r, part *p) {
    source *s = &m->src[r];
    memset(p, 0, sizeof *p);
    p->df = s->df;
    if (s->nbytes > m->buf_bytes) {
        p->r = s;
        p->off = ftell(s->f);
        p->end = p->off + (long)s->nbytes;
        if (p->off < 0) return aj_fail(c, AJ_EIO, "%s: %s", s->path, strerror(errno));
        return AJ_OK;
    }
    if (s->nbytes > m->caps[r]) {
        uint8_t *t = realloc(m->bufs[r], s->nbytes);
        if (!t) return aj_fail(c, AJ_ENOMEM, "run entry");
        m->bufs[r] = t;
        m->caps[r] = s->nbytes;
    }
    if (s->nbytes && fread(m->bufs[r], 1, s->nbytes, s->f) != s->nbytes)
        return aj_fail(c, AJ_EIO, "%s: run file truncated", s->path);
    p->s = (aj_slice){m->bufs[r], m->bufs[r] + s->nbytes};
    return AJ_OK;
}

aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, const char *const *runs,
                        size_t nruns, uint64_t limit, aj_inverted_fn fn, void *arg) {
    merge m = {0};
    uint32_t *order = NULL;
    lists l = {0};
    m.nsrc = nruns + 1;
    m.src = calloc(m.nsrc, sizeof *m.src);
    for (m.t.p = 1; m.t.p < m.nsrc; m.t.p *= 2) {}
    m.t.win = malloc(2 * m.t.p * sizeof *m.t.win);
    m.t.head = malloc(2 * m.t.p * sizeof *m.t.head);
    m.bufs = calloc(m.nsrc, sizeof *m.bufs);
    m.caps = calloc(m.nsrc, sizeof *m.caps);
    m.parts = calloc(m.nsrc, sizeof *m.parts);
    m.taken = calloc(m.nsrc, sizeof *m.taken);
    uint64_t share = limit / (2 * m.nsrc);
    m.buf_bytes = share < RUN_BUF_MIN ? RUN_BUF_MIN : share > RUN_BUF_MAX ? RUN_BUF_MAX : share;
    aj_err e = m.src && m.t.win && m.t.head && m.bufs && m.caps && m.parts && m.taken
                   ? sorted_ids(c, iv, &order)
                   : aj_fail(c, AJ_ENOMEM, "runs");
    for (size_t r = 0; !e && r < nruns; r++) {
        source *s = &m.src[r];
        s->path = runs[r];
        s->f = fopen(runs[r], "rb");
        if (!s->f)
            e = aj_fail(c, AJ_EIO, "%s: %s", runs[r], strerror(errno));
        else {
            setvbuf(s->f, NULL, _IOFBF, m.buf_bytes);
            e = run_next(c, s);
        }
    }
    if (!e) mem_next(iv, order, &m.src[nruns]);
    if (!e) {
        for (size_t r = 0; r < m.t.p; r++)
            tour_leaf(m.src, &m.t, r, r < m.nsrc && m.src[r].has ? (uint32_t)r : NO_SOURCE);
        tour_build(m.src, &m.t);
        /* (one source: its leaf, win[1], is the root) */
    }
    char key[256];
    while (!e && m.t.win[1] != NO_SOURCE) {
        /* Every source whose entry has the smallest key, in source order
         * (the tournament orders equal keys by source): a key of one
         * source stays in, the others are taken out one by one. */
        size_t nt = 0, np = 0;
        uint8_t flags = 0, len = m.src[m.t.win[1]].len;
        memcpy(key, m.src[m.t.win[1]].kp, len);
        int rebuild = 0;
        if (!key_shared(m.src, &m.t)) {
            m.taken[nt++] = m.t.win[1];
        } else {
            uint64_t head = m.t.head[1];
            while (nt < SHARED_POPS && m.t.win[1] != NO_SOURCE &&
                   same_bytes(&m.src[m.t.win[1]], head, key, len)) {
                uint32_t r = m.t.win[1];
                m.taken[nt++] = r;
                tour_set(m.src, &m.t, r, NO_SOURCE);
            }
            if (nt == SHARED_POPS) {
                /* A key in many runs (a frequent word): the rest of its
                 * sources, whose numbers follow, are found by looking at
                 * each, and the tournament is made anew once they move
                 * on, instead of each going out and back in. */
                for (size_t r = m.taken[nt - 1] + 1; r < m.nsrc; r++)
                    if (m.src[r].has && same_bytes(&m.src[r], head, key, len))
                        m.taken[nt++] = (uint32_t)r;
                rebuild = 1;
            }
        }
        l.n = 0;
        for (size_t i = 0; !e && i < nt; i++) {
            size_t r = m.taken[i];
            source *s = &m.src[r];
            flags |= s->flags;
            if (!s->df) {
                /* flags only: a run entry's bytes (none) are read */
                continue;
            }
            part *p = &m.parts[np++];
            if (s->f) {
                e = take_run_part(c, &m, r, p);
            } else {
                const entry *en = &iv->keys[s->id];
                memset(p, 0, sizeof *p);
                p->df = en->df;
                p->s = (aj_slice){cebuf(en), cebuf(en) + en->nbuf};
            }
        }
        for (size_t i = 0; !e && i < np; i++) e = decode_part(c, iv, &l, &m.parts[i]);
        /* Parts restart their ids from 0 only in the varint form: each part
         * was written with absolute first ids, so the lists simply join. */
        pos_reader pr = {m.parts, np, 0, 0, {0}};
        if (!e && l.n)
            e = fn(c, arg, flags, key, len, l.docs, l.tfs,
                   iv->with_positions ? next_positions : NULL, &pr, l.n);
        /* Every source moves past this key's entry, to its next one. */
        for (size_t i = 0; !e && i < np; i++)
            if (m.parts[i].r && fseek(m.parts[i].r->f, m.parts[i].end, SEEK_SET) != 0)
                e = aj_fail(c, AJ_EIO, "%s: %s", m.parts[i].r->path, strerror(errno));
        for (size_t i = 0; !e && i < nt; i++) {
            source *s = &m.src[m.taken[i]];
            if (s->f) {
                e = run_next(c, s);
            } else {
                entry *en = &iv->keys[s->id];
                if (en->df) release(iv, en);
                mem_next(iv, order, s);
            }
            if (e) break;
            if (rebuild) tour_leaf(m.src, &m.t, m.taken[i], s->has ? m.taken[i] : NO_SOURCE);
            else tour_set(m.src, &m.t, m.taken[i], s->has ? m.taken[i] : NO_SOURCE);
        }
        if (!e && rebuild) tour_build(m.src, &m.t);
    }
    merge_free(&m);
    free(order);
    free(l.docs);
    free(l.tfs);
    return e;
}
