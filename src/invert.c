/* invert.c - see invert.h. */
#include "invert.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bytes.h"

typedef struct {
    uint64_t key_off;      /* in the key arena */
    uint32_t hash;
    uint8_t len;
    uint32_t df;
    uint32_t last_doc;
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
    uint32_t *slots;       /* key index + 1; 0 = empty */
    uint64_t nslots;
    char *arena;
    uint64_t narena, caparena;
    /* current paragraph: occurrences chained per key */
    uint32_t *occ_pos, *occ_next;
    size_t nocc, capocc;
    uint32_t *distinct;    /* keys seen in it, in order of first sight */
    size_t ndistinct, capdistinct;
    uint32_t seq;          /* paragraphs ended so far */
    uint64_t npostings;
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
    free(iv);
}

uint64_t aj_inverter_nkeys(const aj_inverter *iv) { return iv->nkeys; }
uint64_t aj_inverter_npostings(const aj_inverter *iv) { return iv->npostings; }

static aj_err grow_slots(aj_ctx *c, aj_inverter *iv) {
    uint64_t n = iv->nslots * 2;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "term hash table");
    for (uint64_t i = 0; i < iv->nkeys; i++) {
        uint64_t h = iv->keys[i].hash & (n - 1);
        while (s[h]) h = (h + 1) & (n - 1);
        s[h] = (uint32_t)(i + 1);
    }
    free(iv->slots);
    iv->slots = s;
    iv->nslots = n;
    return AJ_OK;
}

aj_err aj_inverter_intern(aj_ctx *c, aj_inverter *iv, const char *key,
                          uint32_t len, uint32_t *id, int *is_new) {
    *is_new = 0;
    if (len == 0 || len > 255)
        return aj_fail(c, AJ_EINVAL, "term length %u", len);
    uint32_t hash = (uint32_t)XXH3_64bits(key, len);
    uint64_t mask = iv->nslots - 1, h = hash & mask;
    for (;;) {
        uint32_t s = iv->slots[h];
        if (!s) break;
        const entry *e = &iv->keys[s - 1];
        if (e->hash == hash && e->len == len &&
            memcmp(iv->arena + e->key_off, key, len) == 0) {
            *id = s - 1;
            return AJ_OK;
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
    iv->slots[h] = (uint32_t)(iv->nkeys + 1);
    *id = (uint32_t)iv->nkeys++;
    *is_new = 1;
    if (iv->nkeys * 2 > iv->nslots) return grow_slots(c, iv);
    return AJ_OK;
}

aj_err aj_inverter_add(aj_ctx *c, aj_inverter *iv, uint32_t id, uint32_t pos) {
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
        if (iv->ndistinct == iv->capdistinct) {
            size_t cap = iv->capdistinct ? iv->capdistinct * 2 : 256;
            uint32_t *d = realloc(iv->distinct, cap * sizeof *d);
            if (!d) return aj_fail(c, AJ_ENOMEM, "paragraph terms");
            iv->distinct = d;
            iv->capdistinct = cap;
        }
        iv->distinct[iv->ndistinct++] = id;
        e->mark = iv->seq + 1;
        e->head = e->tail = at;
        e->tf = 1;
    } else {
        iv->occ_next[e->tail] = at;
        e->tail = at;
        e->tf++;
    }
    return AJ_OK;
}

static aj_err append(aj_ctx *c, entry *e, const uint8_t *p, size_t n) {
    if (e->nbuf + n > e->capbuf) {
        uint64_t cap = e->capbuf ? (uint64_t)e->capbuf * 2 : 16;
        while (cap < e->nbuf + n) cap *= 2;
        if (cap > UINT32_MAX)
            return aj_fail(c, AJ_ELIMIT, "posting list over 4 GiB in memory");
        uint8_t *b = realloc(e->buf, cap);
        if (!b) return aj_fail(c, AJ_ENOMEM, "postings");
        e->buf = b;
        e->capbuf = (uint32_t)cap;
    }
    memcpy(e->buf + e->nbuf, p, n);
    e->nbuf += (uint32_t)n;
    return AJ_OK;
}

aj_err aj_inverter_end_doc(aj_ctx *c, aj_inverter *iv, uint32_t doc) {
    aj_err e = AJ_OK;
    for (size_t k = 0; !e && k < iv->ndistinct; k++) {
        entry *en = &iv->keys[iv->distinct[k]];
        uint8_t tmp[20];
        size_t n = aj_put_varint(tmp, doc - en->last_doc);
        n += aj_put_varint(tmp + n, en->tf);
        e = append(c, en, tmp, n);
        if (iv->with_positions) {
            uint32_t last = 0;
            for (uint32_t o = en->head; !e && o != UINT32_MAX; o = iv->occ_next[o]) {
                uint32_t pos = iv->occ_pos[o];
                n = aj_put_varint(tmp, pos - last);
                last = pos;
                e = append(c, en, tmp, n);
            }
        }
        en->last_doc = doc;
        en->df++;
        iv->npostings++;
    }
    iv->nocc = 0;
    iv->ndistinct = 0;
    iv->seq++;
    return e;
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

aj_err aj_inverter_emit(aj_ctx *c, aj_inverter *iv, aj_inverted_fn fn,
                        void *arg) {
    uint32_t *order = malloc((iv->nkeys + 1) * sizeof *order);
    if (!order) return aj_fail(c, AJ_ENOMEM, "term order");
    for (uint64_t i = 0; i < iv->nkeys; i++) order[i] = (uint32_t)i;
    qsort_r(order, iv->nkeys, sizeof *order, cmp_keys, iv);

    uint32_t *docs = NULL, *tfs = NULL, *pos = NULL;
    size_t capd = 0, capt = 0, capp = 0;
    aj_err e = AJ_OK;
    for (uint64_t k = 0; !e && k < iv->nkeys; k++) {
        entry *en = &iv->keys[order[k]];
        e = grow_u32(c, &docs, &capd, en->df);
        if (!e) e = grow_u32(c, &tfs, &capt, en->df);
        if (e) break;
        aj_slice s = {en->buf, en->buf + en->nbuf};
        uint32_t doc = 0;
        size_t np = 0;
        for (uint32_t i = 0; !e && i < en->df; i++) {
            uint32_t gap = 0, tf = 0;
            aj_get_varint32(&s, &gap);
            aj_get_varint32(&s, &tf);
            doc += gap;
            docs[i] = doc;
            tfs[i] = tf;
            if (iv->with_positions) {
                e = grow_u32(c, &pos, &capp, np + tf);
                uint32_t p = 0;
                for (uint32_t j = 0; !e && j < tf; j++) {
                    uint32_t g = 0;
                    aj_get_varint32(&s, &g);
                    p += g;
                    pos[np++] = p;
                }
            }
        }
        if (!e)
            e = fn(c, arg, iv->arena + en->key_off, en->len, docs, tfs,
                   iv->with_positions ? pos : NULL, en->df);
        /* The buffer is not needed any more: give the memory back early. */
        free(en->buf);
        en->buf = NULL;
        en->nbuf = en->capbuf = 0;
    }
    free(order);
    free(docs);
    free(tfs);
    free(pos);
    return e;
}
