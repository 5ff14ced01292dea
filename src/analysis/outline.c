/* outline.c - see outline.h. */
#include "analysis/outline.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Title lines are at most this many words. */
#define TITLE_WORDS 12

static const uint32_t SENTENCE =
    AJ_BK_END_SENTENCE | AJ_BK_INNER_SENTENCE | AJ_BK_END_CLAUSE | AJ_BK_END_COLON;

/* ---- rendering headings ---- */

/* The number as the page writes it, and a space: "1. ", "(ii) ", "1 ". */
static size_t marker(const char *label, int mark, char *out) {
    if (!label || !*label) return 0;
    size_t n = strnlen(label, 7);
    size_t k = 0;
    if (mark == AJ_MARK_PARENS) out[k++] = '(';
    memcpy(out + k, label, n);
    k += n;
    if (mark == AJ_MARK_PARENS || mark == AJ_MARK_CLOSE) out[k++] = ')';
    else if (mark == AJ_MARK_DOT) out[k++] = '.';
    out[k++] = ' ';
    return k;
}

static int is_open_quote(const unsigned char *t, size_t n) {
    return (n && t[0] == '"') ||
           (n >= 3 && t[0] == 0xe2 && t[1] == 0x80 && (t[2] == 0x9c || t[2] == 0x98));
}

/* Length of a closing quotation mark ending t[0..n), or 0. */
static size_t closing_quote(const unsigned char *t, size_t n) {
    if (n && t[n - 1] == '"') return 1;
    if (n >= 3 && t[n - 3] == 0xe2 && t[n - 2] == 0x80 && (t[n - 1] == 0x9d || t[n - 1] == 0x99))
        return 3;
    return 0;
}

/* Copies at most cap bytes of t[0..n) to out, whole UTF-8 characters
 * only, and "…" when it had to cut.  Returns the bytes written. */
static size_t cut_copy(const unsigned char *t, size_t n, size_t cap, char *out) {
    if (n <= cap) {
        memcpy(out, t, n);
        return n;
    }
    size_t k = cap;
    while (k > 0 && (t[k] & 0xc0) == 0x80) k--;
    while (k > 0 && t[k - 1] == ' ') k--;
    memcpy(out, t, k);
    memcpy(out + k, "\xe2\x80\xa6", 3);
    return k + 3;
}

size_t aj_cite_heading(const char *label, int mark, const char *text, size_t len,
                       char *out) {
    const unsigned char *t = (const unsigned char *)text;
    size_t a = 0, e = len;
    while (a < e && t[a] == ' ') a++;
    while (e > a && t[e - 1] == ' ') e--;
    /* a heading wholly in quotation marks: the quotation marks go */
    if (is_open_quote(t + a, e - a)) {
        size_t z = e;
        while (z > a && (t[z - 1] == ':' || t[z - 1] == ',')) z--;
        size_t cq = closing_quote(t + a, z - a), oq = t[a] == '"' ? 1 : 3;
        if (cq && z - a > oq + cq) {
            a += oq;
            e = z - cq;
        }
    }
    while (e > a && (t[e - 1] == ':' || t[e - 1] == ' ')) e--;
    /* the body, with “ and ” inside turned to '"' */
    unsigned char body[AJ_CITE_HEADING_BYTES + 8];
    size_t m = 0;
    for (size_t i = a; i < e && m < sizeof body; i++) {
        if (t[i] == 0xe2 && i + 2 < e && t[i + 1] == 0x80 && (t[i + 2] == 0x9c || t[i + 2] == 0x9d)) {
            body[m++] = '"';
            i += 2;
        } else {
            body[m++] = t[i];
        }
    }
    /* m == sizeof body means the text went on: the cut below shows it */
    size_t k = marker(label, mark, out);
    memcpy(out + k, "\xe2\x80\x9c", 3);
    k += 3;
    k += cut_copy(body, m, AJ_CITE_HEADING_BYTES, out + k);
    memcpy(out + k, "\xe2\x80\x9d", 3);
    k += 3;
    out[k] = 0;
    return k;
}

size_t aj_section_heading(const char *label, int mark, const char *text, size_t len,
                          char *out) {
    size_t k = marker(label, mark, out);
    k += cut_copy((const unsigned char *)text, len, AJ_SECTION_BYTES, out + k);
    out[k] = 0;
    return k;
}

/* ---- headings ---- */

static int is_chrome(const aj_block *b) { return b->kind == AJ_PARA_CHROME; }

/* The nearest paragraph after (step 1) or before (step -1) i that is not
 * chrome, or NULL. */
static const aj_block *neighbour(const aj_block *b, size_t n, size_t i, int step) {
    for (size_t k = i;;) {
        if (step > 0 ? k + 1 >= n : k == 0) return NULL;
        k = step > 0 ? k + 1 : k - 1;
        if (!is_chrome(&b[k])) return &b[k];
    }
}

/* Text, as a heading's next paragraph must be: an item, a sentence, or
 * longer than a title. */
static int texty(const aj_block *b) {
    return b->kind != AJ_PARA_HEADING &&
           (b->kind == AJ_PARA_ITEM || (b->flags & SENTENCE) || b->words > TITLE_WORDS);
}

/* Short, and ending as titles end (a title in quotation marks may end
 * with its own full stop). */
static int title_shape(const aj_block *b, uint32_t allowed_ends) {
    if (b->words < 1 || b->words > TITLE_WORDS || !(b->flags & AJ_BK_UPPER_START)) return 0;
    if (b->flags & (AJ_BK_HAS_DATE | AJ_BK_DATE_ONLY | AJ_BK_CAPTION | AJ_BK_FILE_LINK |
                    AJ_BK_LINKS | AJ_BK_DOT_LEADER | AJ_BK_PARENS))
        return 0;
    if (b->flags & AJ_BK_INNER_SENTENCE) return 0;
    return (b->flags & AJ_BK_QUOTED) || !(b->flags & SENTENCE & ~allowed_ends);
}

static int same_list(const aj_block *a, const aj_block *b) {
    return a->numeral != AJ_NUM_NONE && a->numeral == b->numeral && a->mark == b->mark;
}

/* A line without a label between paragraphs of text. */
static int plain_title(const aj_block *b, size_t n, size_t i) {
    const aj_block *x = &b[i];
    if (x->kind != AJ_PARA_BODY || x->mark != AJ_MARK_NONE || !title_shape(x, 0)) return 0;
    const aj_block *next = neighbour(b, n, i, 1), *prev = neighbour(b, n, i, -1);
    if (!next || !texty(next)) return 0;
    return !prev || prev->kind == AJ_PARA_HEADING ||
           (texty(prev) && !(prev->flags & AJ_BK_END_COLON));
}

/* A numbered line followed by text, not by the next item of its list,
 * and not itself the next item of a list of such lines (prev: the
 * nearest earlier paragraph numbered the same way, or NULL). */
static int numbered_title(const aj_block *b, size_t n, size_t i, const aj_block *prev) {
    const aj_block *x = &b[i];
    if (x->kind != AJ_PARA_ITEM || x->numeral == AJ_NUM_NONE || !title_shape(x, AJ_BK_END_COLON))
        return 0;
    const aj_block *next = neighbour(b, n, i, 1);
    if (!next || same_list(next, x) || !(texty(next) || next->kind == AJ_PARA_HEADING)) return 0;
    return !(prev && prev->value + 1 == x->value && prev->kind != AJ_PARA_HEADING);
}

/* Ways of numbering: (mark, numeral) pairs. */
#define NUMBERINGS ((AJ_MARK_BARE + 1) * 4)

static void promote(aj_block *b, size_t n) {
    const aj_block *last[NUMBERINGS] = {0};
    for (size_t i = 0; i < n; i++) {
        aj_block *x = &b[i];
        if (is_chrome(x)) continue;
        size_t style = (size_t)x->mark * 4 + x->numeral;
        const aj_block *prev = x->numeral != AJ_NUM_NONE && style < NUMBERINGS ? last[style] : NULL;
        if (plain_title(b, n, i) || numbered_title(b, n, i, prev)) x->kind = AJ_PARA_HEADING;
        if (x->numeral != AJ_NUM_NONE && style < NUMBERINGS) last[style] = x;
    }
}

/* ---- sections ---- */

/* What a heading nests by: its way of numbering (mark and numeral) when
 * it has a number, whatever else marks it ("### (ii) Trade" nests as
 * "(ii) Trade" does, so that a page's HTML headings outline as its text
 * does); else markdown levels 1-6, then bold, capitals and plain title
 * lines. */
enum { KEY_BOLD = AJ_HEAD_BOLD, KEY_CAPS = AJ_HEAD_CAPS, KEY_PLAIN = 10, KEY_NUMBERED = 16 };

static unsigned numbering(const aj_block *b) {
    return KEY_NUMBERED + (unsigned)b->mark * 4 + b->numeral;
}

static unsigned heading_key(const aj_block *b) {
    if (b->numeral != AJ_NUM_NONE) return numbering(b);
    if (b->head >= 1 && b->head <= 6) return b->head;
    if (b->head == AJ_HEAD_BOLD) return KEY_BOLD;
    if (b->head == AJ_HEAD_CAPS) return KEY_CAPS;
    return KEY_PLAIN;
}

typedef struct {
    uint32_t idx;            /* the heading, or AJ_BK_NONE for the document */
    unsigned key;
    unsigned item_key;       /* the last numbered paragraph directly in it */
    uint32_t item_value;
} level;

static void sections(aj_block *b, size_t n) {
    level st[AJ_OUTLINE_DEPTH + 1];
    size_t top = 0;
    st[0] = (level){AJ_BK_NONE, 0, 0, 0};
    uint32_t number = 0;
    for (size_t i = 0; i < n; i++) {
        aj_block *x = &b[i];
        x->parent = AJ_BK_NONE;
        if (is_chrome(x)) {
            x->number = 0;
            continue;
        }
        x->number = ++number;
        if (x->kind == AJ_PARA_HEADING) {
            unsigned key = heading_key(x);
            if (key <= 6) {
                while (top > 0 && (st[top].key > 6 || st[top].key >= key)) top--;
            } else {
                for (size_t j = 1; j <= top; j++)
                    if (st[j].key == key) {
                        top = j - 1;
                        break;
                    }
            }
            x->parent = st[top].idx;
            /* keys are distinct along a path, so the depth stays below
             * AJ_OUTLINE_DEPTH; the test keeps a bad key from overflowing */
            if (top < AJ_OUTLINE_DEPTH) st[++top] = (level){(uint32_t)i, key, 0, 0};
            continue;
        }
        if (x->numeral != AJ_NUM_NONE) {
            /* "(3)" after "(2)" of an enclosing section closes the
             * numbered headings opened since ("i. “Partners for ...”"
             * were titles inside item (2)); a marked or plain heading is
             * a section of its own, which paragraph numbering running
             * through the document does not close */
            unsigned ik = numbering(x);
            for (size_t j = top + 1; j-- > 0;) {
                if (st[j].item_key == ik && st[j].item_value + 1 == x->value) {
                    top = j;
                    break;
                }
                if (j > 0 && st[j].key < KEY_NUMBERED) break;
            }
            st[top].item_key = ik;
            st[top].item_value = x->value;
        }
        x->parent = st[top].idx;
    }
}

/* ---- citations ---- */

enum { CL_HEADING, CL_LABEL, CL_POSITION, CL_NUMBER };

static int cite_class(const aj_block *b) {
    if (b->kind == AJ_PARA_HEADING) return CL_HEADING;
    if (b->numeral != AJ_NUM_NONE) return CL_LABEL;
    return b->parent != AJ_BK_NONE ? CL_POSITION : CL_NUMBER;
}

static unsigned depth_of(const aj_block *b, const aj_block *x) {
    unsigned d = 0;
    for (uint32_t p = x->parent; p != AJ_BK_NONE && d < AJ_OUTLINE_DEPTH; p = b[p].parent) d++;
    return d;
}

/* The citation of x naming q enclosing headings, hashed: equal citations
 * give equal hashes (distinct ones almost surely differ; when they do not,
 * a paragraph is only named more fully than it needed). */
static uint64_t cite_hash(const aj_block *b, const aj_block *x, unsigned q) {
    uint64_t v[4 + AJ_OUTLINE_DEPTH];
    size_t k = 0;
    int cl = cite_class(x);
    v[k++] = (uint64_t)cl << 32 | q;
    switch (cl) {
    case CL_HEADING: v[k++] = x->cite; break;
    case CL_LABEL: v[k++] = x->label; v[k++] = x->mark == AJ_MARK_PARENS; break;
    case CL_POSITION: v[k++] = x->number - b[x->parent].number; break;
    default: v[k++] = x->number; break;
    }
    uint32_t p = x->parent;
    for (unsigned i = 0; i < q && p != AJ_BK_NONE; i++, p = b[p].parent) v[k++] = b[p].cite;
    return XXH3_64bits(v, k * sizeof *v);
}

/* How many citations hash to each value: an open-addressing table of
 * (hash, count), sized for m of them; a hash of 0 is stored as 1 (two
 * citations taken for equal cost a little more naming, never less). */
typedef struct {
    uint64_t *h;
    uint32_t *count;
    size_t mask;
} tally;

static int tally_init(tally *t, size_t m) {
    size_t cap = 64;
    while (cap < 2 * m) cap *= 2;
    t->h = malloc(cap * sizeof *t->h);
    t->count = malloc(cap * sizeof *t->count);
    t->mask = cap - 1;
    return t->h && t->count;
}

static void tally_clear(tally *t) {
    memset(t->h, 0, (t->mask + 1) * sizeof *t->h);
}

static uint32_t *tally_slot(tally *t, uint64_t h) {
    h = h ? h : 1;
    for (size_t i = (size_t)(h ^ h >> 29) & t->mask;; i = (i + 1) & t->mask) {
        if (t->h[i] == h) return &t->count[i];
        if (!t->h[i]) {
            t->h[i] = h;
            t->count[i] = 0;
            return &t->count[i];
        }
    }
}

static void by_number_all(aj_block *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        b[i].q = 0;
        b[i].by_number = !is_chrome(&b[i]);
    }
}

static void citations(aj_block *b, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) m += !is_chrome(&b[i]);
    tally t = {0};
    uint64_t *hash = malloc((n + 1) * sizeof *hash);
    uint8_t *depth = malloc(n + 1);
    if (!hash || !depth || !tally_init(&t, m)) {
        free(hash);
        free(depth);
        free(t.h);
        free(t.count);
        by_number_all(b, n);
        return;
    }
    for (size_t i = 0; i < n; i++) depth[i] = (uint8_t)depth_of(b, &b[i]);
    unsigned q[3] = {0, 0, 1}; /* a position is in its section: name it */
    for (;;) {
        tally_clear(&t);
        for (size_t i = 0; i < n; i++) {
            aj_block *x = &b[i];
            x->by_number = 0;
            if (is_chrome(x)) continue;
            int cl = cite_class(x);
            unsigned want = cl == CL_NUMBER ? 0 : q[cl];
            x->q = (uint8_t)(want < depth[i] ? want : depth[i]);
            hash[i] = cite_hash(b, x, x->q);
            ++*tally_slot(&t, hash[i]);
        }
        int more[3] = {0, 0, 0}, any = 0;
        for (size_t i = 0; i < n; i++) {
            aj_block *x = &b[i];
            if (is_chrome(x) || *tally_slot(&t, hash[i]) < 2) continue; /* (a hit now) */
            int cl = cite_class(x);
            if (cl != CL_NUMBER && x->q < depth[i]) more[cl] = any = 1;
        }
        if (!any) break;
        for (int cl = 0; cl < 3; cl++) q[cl] += (unsigned)more[cl];
    }
    /* what still collides is cited by its number, which is its own */
    for (size_t i = 0; i < n; i++)
        if (!is_chrome(&b[i]) && *tally_slot(&t, hash[i]) > 1) {
            b[i].by_number = 1;
            b[i].q = 0;
        }
    free(hash);
    free(depth);
    free(t.h);
    free(t.count);
}

void aj_outline_build(aj_block *b, size_t n) {
    promote(b, n);
    sections(b, n);
    citations(b, n);
}
