/*
 * docx.c - the paragraphs of a Word document (extract.h).
 *
 * A DOCX file is a ZIP archive of XML parts (ECMA-376, "Office Open
 * XML"); four of them matter here:
 *
 *   word/document.xml   the text: w:body holds paragraphs (w:p) and
 *                       tables (w:tbl/w:tr/w:tc, whose cells hold w:p);
 *                       a paragraph's properties (w:pPr) name its style
 *                       (w:pStyle) and its list (w:numPr: w:numId, the
 *                       list, and w:ilvl, the level), its runs (w:r) hold
 *                       text (w:t), tabs (w:tab) and breaks (w:br, w:cr)
 *   word/styles.xml     each style's id, name, the style it is based on,
 *                       its outline level (w:outlineLvl) and list
 *   word/numbering.xml  each list (w:num) points to a definition
 *                       (w:abstractNum) giving each level's number format
 *                       (w:numFmt) and first number (w:start), which the
 *                       list may override (w:lvlOverride/w:startOverride)
 *   docProps/core.xml   dc:title and dcterms:created
 *
 * Only document.xml is required.  A paragraph whose style is Title, or
 * HeadingN, or named "heading N", or has an outline level (directly or
 * through the styles it is based on) is a heading; a paragraph in a list
 * is an item.  Simplifications, documented in docs/EXTRACT.md: items are
 * counted per list (w:numId) and level, from the level's first number, a
 * deeper level restarting when a shallower one advances; decimal and
 * other numeric formats are written as decimal numbers, roman ones as
 * lower-case roman numerals, letters as "(a)", bullets as "- ", and
 * "none" without a label; lists that Word would continue across numIds
 * sharing a definition are counted apart, and level definitions inside
 * an override are ignored.  A heading keeps no number.  Text in
 * footnotes, comments, headers and footers (other parts) is not read;
 * deleted and moved-away text (w:del, w:moveFrom), the old properties of
 * tracked changes and the fallback copy of alternate content
 * (mc:Fallback, which repeats mc:Choice) are skipped.
 *
 * Hostile archives: every part read is refused before it is inflated
 * when libzip's directory says it is larger than AJ_EXTRACT_MAX_ENTRY
 * uncompressed, or larger than AJ_EXTRACT_RATIO_FLOOR with a ratio above
 * AJ_EXTRACT_MAX_RATIO, and the bytes are counted as they are inflated, so
 * a directory that lies is caught at its declared size.  The XML goes to
 * libxml2's push parser a chunk at a time (no tree, no whole part in
 * memory), without XML_PARSE_HUGE, with XML_PARSE_NONET, and a part with
 * a DTD is refused (Word writes none; entity expansion needs one).
 */
#include "extract/extract.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <zip.h>

#define CHUNK (64u << 10)
#define NAME_CAP 128          /* style ids and names */
#define MAX_STYLES 16384
#define MAX_LISTS 65536
#define MAX_LEVELS 9
#define BASED_ON_HOPS 16

static const char NS_W[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char NS_W_STRICT[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char NS_MC[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";
static const char NS_DC[] = "http://purl.org/dc/elements/1.1/";
static const char NS_DCTERMS[] = "http://purl.org/dc/terms/";

/* ---- what styles.xml and numbering.xml say ----------------------------- */

typedef struct style {
    char id[NAME_CAP], based_on[NAME_CAP];
    int heading;      /* 1-9 from the id, the name or the outline level */
    int num_id, ilvl; /* its list, num_id -1 when none */
} style;

enum { FMT_BULLET = -1, FMT_NONE = -2 }; /* else an AJ_XT_* style */

typedef struct abstract_num {
    long id;
    long start[MAX_LEVELS];
    int fmt[MAX_LEVELS];
} abstract_num;

typedef struct list {
    long id, abstract_id;
    long abstract_at;                /* its index in abstracts, -1 none,
                                        -2 not looked up yet */
    long start_override[MAX_LEVELS]; /* LONG_MIN: none */
    long cur[MAX_LEVELS];
    int started[MAX_LEVELS];
} list;

typedef struct docx {
    aj_ctx *c;
    aj_xdoc *d;
    style *styles;
    size_t nstyles;
    abstract_num *abstracts;
    size_t nabstracts;
    list *lists;
    size_t nlists, last_list;
} docx;

/* ---- driving libxml2 over one part --------------------------------------- */

typedef struct part {
    docx *x;
    const char *name;
    xmlParserCtxtPtr ctxt;
    int depth;
    int skip;         /* depth inside a skipped element, or 0 */
    aj_err err;
    char why[200];
    /* element handlers of the part being read */
    void (*start)(struct part *, const char *uri, const char *local,
                  int nattrs, const xmlChar **attrs);
    void (*end)(struct part *, const char *uri, const char *local);
    void (*text)(struct part *, const char *s, size_t n);
    void *state;
} part;

static void part_fail(part *p, aj_err e, const char *fmt, const char *arg) {
    if (!p->err) {
        p->err = e;
        snprintf(p->why, sizeof p->why, fmt, arg);
    }
    xmlStopParser(p->ctxt);
}

static int is_w(const char *uri) {
    return uri && (!strcmp(uri, NS_W) || !strcmp(uri, NS_W_STRICT));
}

/* The value of attribute local (in the w namespace or none) into out. */
static int wattr(int nattrs, const xmlChar **attrs, const char *local,
                 char *out, size_t cap) {
    for (int i = 0; i < nattrs; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (strcmp((const char *)a[0], local)) continue;
        if (a[2] && !is_w((const char *)a[2])) continue;
        size_t n = (size_t)(a[4] - a[3]);
        if (n >= cap) n = cap - 1;
        memcpy(out, a[3], n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

static long wattr_long(int nattrs, const xmlChar **attrs, const char *local,
                       long dflt) {
    char v[32];
    if (!wattr(nattrs, attrs, local, v, sizeof v)) return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || n < -1000000000L || n > 1000000000L) return dflt;
    return n;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns,
                     int nattrs, int ndefaulted, const xmlChar **attrs) {
    part *p = ctx;
    (void)prefix, (void)nns, (void)ns, (void)ndefaulted;
    if (p->err) return;
    if (++p->depth > AJ_EXTRACT_MAX_XML_DEPTH) {
        char n[16];
        snprintf(n, sizeof n, "%d", AJ_EXTRACT_MAX_XML_DEPTH);
        part_fail(p, AJ_ELIMIT, "XML nested deeper than %s elements", n);
        return;
    }
    if (p->skip) return;
    const char *u = (const char *)uri, *l = (const char *)local;
    /* mc:Fallback repeats what mc:Choice says, for older readers. */
    if (u && !strcmp(u, NS_MC) && !strcmp(l, "Fallback")) {
        p->skip = p->depth;
        return;
    }
    p->start(p, u, l, nattrs, attrs);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri) {
    part *p = ctx;
    (void)prefix;
    if (p->err) return;
    if (p->skip) {
        if (p->depth == p->skip) p->skip = 0;
    } else {
        p->end(p, (const char *)uri, (const char *)local);
    }
    p->depth--;
}

static void on_text(void *ctx, const xmlChar *s, int n) {
    part *p = ctx;
    if (p->err || p->skip || n <= 0) return;
    p->text(p, (const char *)s, (size_t)n);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
                       const xmlChar *sys) {
    part *p = ctx;
    (void)name, (void)ext, (void)sys;
    part_fail(p, AJ_ECORRUPT, "%s has a DTD (refused)", p->name);
}

static void on_xml_error(void *ctx, xmlErrorPtr e) {
    part *p = ctx;
    if (p->err || !e || e->level < XML_ERR_FATAL) return;
    char msg[160];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
    p->err = AJ_ECORRUPT;
    snprintf(p->why, sizeof p->why, "%s: XML error at line %d: %s", p->name,
             e->line, msg);
}

static void zip_fail(part *p, aj_err e, const char *what, zip_error_t *ze) {
    if (p->err) return;
    p->err = e;
    snprintf(p->why, sizeof p->why, "zip: %s: %s: %s", p->name, what,
             ze ? zip_error_strerror(ze) : "failed");
}

/* Reads the part p->name, if the archive has it, through p's handlers.
 * Returns AJ_OK when it is absent (present says which). */
static aj_err read_part(docx *x, zip_t *za, part *p, int *present) {
    aj_ctx *c = x->c;
    *present = 0;
    zip_int64_t idx = zip_name_locate(za, p->name, 0);
    if (idx < 0) return AJ_OK;
    *present = 1;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0)
        return aj_fail(c, AJ_ECORRUPT, "zip: %s: %s", p->name,
                       zip_error_strerror(zip_get_error(za)));
    unsigned long long limit = AJ_EXTRACT_MAX_ENTRY, size = 0;
    int sized = (st.valid & ZIP_STAT_SIZE) != 0;
    if (sized) {
        size = st.size;
        if (size > limit)
            return aj_fail(c, AJ_ELIMIT,
                           "zip: %s is too large when uncompressed (%llu MiB, "
                           "the limit is %llu MiB)",
                           p->name, size >> 20, limit >> 20);
        if ((st.valid & ZIP_STAT_COMP_SIZE) && size > AJ_EXTRACT_RATIO_FLOOR &&
            size > (unsigned long long)st.comp_size * AJ_EXTRACT_MAX_RATIO)
            return aj_fail(c, AJ_ELIMIT,
                           "zip: %s has a compression ratio above %d:1 "
                           "(%llu bytes from %llu)",
                           p->name, AJ_EXTRACT_MAX_RATIO, size,
                           (unsigned long long)st.comp_size);
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        st.encryption_method != ZIP_EM_NONE)
        return aj_fail(c, AJ_ECORRUPT, "zip: %s is encrypted", p->name);
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!zf)
        return aj_fail(c, AJ_ECORRUPT, "zip: %s: %s", p->name,
                       zip_error_strerror(zip_get_error(za)));

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.internalSubset = on_doctype;
    sax.serror = on_xml_error;
    p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, p->name);
    if (!p->ctxt) {
        zip_fclose(zf);
        return aj_fail(c, AJ_ENOMEM, "cannot create the XML parser");
    }
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                   XML_PARSE_NOWARNING);
    static char buf[CHUNK];
    unsigned long long total = 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            zip_fail(p, AJ_ECORRUPT, "cannot inflate", zip_file_get_error(zf));
            break;
        }
        total += (unsigned long long)n;
        if (total > limit) {
            snprintf(p->why, sizeof p->why,
                     "zip: %s is too large when uncompressed (over %llu MiB)",
                     p->name, limit >> 20);
            p->err = AJ_ELIMIT;
            break;
        }
        if (sized && total > size) {
            snprintf(p->why, sizeof p->why,
                     "zip: %s inflates past its declared size (%llu bytes)",
                     p->name, size);
            p->err = AJ_ECORRUPT;
            break;
        }
        int rc = xmlParseChunk(p->ctxt, buf, (int)n, n == 0);
        if (p->err || n == 0) break;
        if (rc != 0 && !p->ctxt->wellFormed) break;
    }
    if (!p->err && !p->ctxt->wellFormed) {
        p->err = AJ_ECORRUPT;
        snprintf(p->why, sizeof p->why, "%s: malformed XML", p->name);
    }
    xmlFreeParserCtxt(p->ctxt);
    p->ctxt = NULL;
    zip_fclose(zf);
    if (p->err) return aj_fail(c, p->err, "%s", p->why);
    return AJ_OK;
}

/* ---- docProps/core.xml --------------------------------------------------- */

typedef struct core_state {
    int in; /* 1 dc:title, 2 dcterms:created */
    char buf[2][AJ_EXTRACT_MAX_TITLE * 4];
    size_t len[2];
    int done[2];
} core_state;

static void core_start(part *p, const char *uri, const char *local, int nattrs,
                       const xmlChar **attrs) {
    core_state *s = p->state;
    (void)nattrs, (void)attrs;
    if (!uri) return;
    if (!strcmp(uri, NS_DC) && !strcmp(local, "title") && !s->done[0]) s->in = 1;
    if (!strcmp(uri, NS_DCTERMS) && !strcmp(local, "created") && !s->done[1]) s->in = 2;
}

static void core_end(part *p, const char *uri, const char *local) {
    core_state *s = p->state;
    (void)uri, (void)local;
    if (s->in) s->done[s->in - 1] = 1;
    s->in = 0;
}

static void core_text(part *p, const char *t, size_t n) {
    core_state *s = p->state;
    if (!s->in) return;
    int k = s->in - 1;
    size_t room = sizeof s->buf[k] - s->len[k];
    if (n > room) n = room;
    memcpy(s->buf[k] + s->len[k], t, n);
    s->len[k] += n;
}

/* ---- word/styles.xml ----------------------------------------------------- */

typedef struct styles_state {
    style *cur;
    int in_ppr, in_numpr;
} styles_state;

/* A heading level from a style id or name: "Heading3", "heading 3",
 * "Title"; 0 when it names none. */
static int heading_name(const char *s) {
    if (!strcasecmp(s, "title")) return 1;
    if (strncasecmp(s, "heading", 7)) return 0;
    s += 7;
    if (*s == ' ') s++;
    if (s[0] >= '1' && s[0] <= '9' && s[1] == '\0') return s[0] - '0';
    return 0;
}

/* Room for one more element in an array of n, grown 64 at a time; NULL
 * (and the part failed) when out of memory, the array then unchanged. */
static void *grow(part *p, void *arr, size_t n, size_t size) {
    if (n % 64) return arr;
    void *a = realloc(arr, (n + 64) * size);
    if (!a) part_fail(p, AJ_ENOMEM, "out of memory for %s", p->name);
    return a;
}

static void styles_start(part *p, const char *uri, const char *local,
                         int nattrs, const xmlChar **attrs) {
    styles_state *s = p->state;
    docx *x = p->x;
    if (!is_w(uri)) return;
    if (!strcmp(local, "style")) {
        s->cur = NULL;
        if (x->nstyles >= MAX_STYLES) return;
        style *n = grow(p, x->styles, x->nstyles, sizeof *n);
        if (!n) return;
        x->styles = n;
        style *st = &x->styles[x->nstyles++];
        memset(st, 0, sizeof *st);
        st->num_id = -1;
        wattr(nattrs, attrs, "styleId", st->id, sizeof st->id);
        st->heading = heading_name(st->id);
        s->cur = st;
        return;
    }
    style *st = s->cur;
    if (!st) return;
    char v[NAME_CAP];
    if (!strcmp(local, "name") && wattr(nattrs, attrs, "val", v, sizeof v)) {
        if (!st->heading) st->heading = heading_name(v);
    } else if (!strcmp(local, "basedOn")) {
        wattr(nattrs, attrs, "val", st->based_on, sizeof st->based_on);
    } else if (!strcmp(local, "pPr")) {
        s->in_ppr = 1;
    } else if (s->in_ppr && !strcmp(local, "outlineLvl")) {
        long lvl = wattr_long(nattrs, attrs, "val", 9);
        if (!st->heading && lvl >= 0 && lvl < 9) st->heading = (int)lvl + 1;
    } else if (s->in_ppr && !strcmp(local, "numPr")) {
        s->in_numpr = 1;
    } else if (s->in_numpr && !strcmp(local, "numId")) {
        st->num_id = (int)wattr_long(nattrs, attrs, "val", -1);
    } else if (s->in_numpr && !strcmp(local, "ilvl")) {
        st->ilvl = (int)wattr_long(nattrs, attrs, "val", 0);
    }
}

static void styles_end(part *p, const char *uri, const char *local) {
    styles_state *s = p->state;
    if (!is_w(uri)) return;
    if (!strcmp(local, "style")) s->cur = NULL;
    if (!strcmp(local, "pPr")) s->in_ppr = 0;
    if (!strcmp(local, "numPr")) s->in_numpr = 0;
}

static void no_text(part *p, const char *t, size_t n) {
    (void)p, (void)t, (void)n;
}

static const style *find_style(const docx *x, const char *id) {
    for (size_t i = 0; i < x->nstyles; i++)
        if (!strcmp(x->styles[i].id, id)) return &x->styles[i];
    return NULL;
}

/* A style's heading level and list, following basedOn. */
static void style_props(const docx *x, const char *id, int *heading,
                        int *num_id, int *ilvl) {
    *heading = heading_name(id);
    *num_id = -1;
    *ilvl = 0;
    const style *st = find_style(x, id);
    for (int hop = 0; st && hop < BASED_ON_HOPS; hop++) {
        if (!*heading) *heading = st->heading;
        if (*num_id < 0 && st->num_id >= 0) {
            *num_id = st->num_id;
            *ilvl = st->ilvl;
        }
        if (!st->based_on[0]) break;
        st = find_style(x, st->based_on);
    }
}

/* ---- word/numbering.xml -------------------------------------------------- */

typedef struct numbering_state {
    abstract_num *abs;
    list *lst;
    int lvl;           /* the w:lvl being read in an abstractNum, or -1 */
    int override_lvl;  /* the w:lvlOverride being read in a num, or -1 */
} numbering_state;

static int fmt_of(const char *v) {
    if (!strcmp(v, "bullet")) return FMT_BULLET;
    if (!strcmp(v, "none")) return FMT_NONE;
    if (!strcmp(v, "lowerRoman") || !strcmp(v, "upperRoman")) return AJ_XT_ROMAN;
    if (!strcmp(v, "lowerLetter") || !strcmp(v, "upperLetter")) return AJ_XT_LETTER;
    return AJ_XT_DECIMAL;
}

static void numbering_start(part *p, const char *uri, const char *local,
                            int nattrs, const xmlChar **attrs) {
    numbering_state *s = p->state;
    docx *x = p->x;
    if (!is_w(uri)) return;
    if (!strcmp(local, "abstractNum")) {
        s->abs = NULL;
        s->lst = NULL;
        if (x->nabstracts >= MAX_LISTS) return;
        abstract_num *a = grow(p, x->abstracts, x->nabstracts, sizeof *a);
        if (!a) return;
        x->abstracts = a;
        s->abs = &a[x->nabstracts++];
        s->abs->id = wattr_long(nattrs, attrs, "abstractNumId", -1);
        for (int k = 0; k < MAX_LEVELS; k++) {
            s->abs->start[k] = 1;
            s->abs->fmt[k] = AJ_XT_DECIMAL;
        }
        s->lvl = -1;
    } else if (!strcmp(local, "num")) {
        s->abs = NULL;
        s->lst = NULL;
        if (x->nlists >= MAX_LISTS) return;
        list *l = grow(p, x->lists, x->nlists, sizeof *l);
        if (!l) return;
        x->lists = l;
        s->lst = &l[x->nlists++];
        memset(s->lst, 0, sizeof *s->lst);
        s->lst->id = wattr_long(nattrs, attrs, "numId", -1);
        s->lst->abstract_id = -1;
        s->lst->abstract_at = -2;
        for (int k = 0; k < MAX_LEVELS; k++) s->lst->start_override[k] = LONG_MIN;
        s->override_lvl = -1;
    } else if (s->abs && !strcmp(local, "lvl")) {
        long l = wattr_long(nattrs, attrs, "ilvl", -1);
        s->lvl = l >= 0 && l < MAX_LEVELS ? (int)l : -1;
    } else if (s->abs && s->lvl >= 0 && !strcmp(local, "start")) {
        s->abs->start[s->lvl] = wattr_long(nattrs, attrs, "val", 1);
    } else if (s->abs && s->lvl >= 0 && !strcmp(local, "numFmt")) {
        char v[64];
        if (wattr(nattrs, attrs, "val", v, sizeof v)) s->abs->fmt[s->lvl] = fmt_of(v);
    } else if (s->lst && !strcmp(local, "abstractNumId")) {
        s->lst->abstract_id = wattr_long(nattrs, attrs, "val", -1);
    } else if (s->lst && !strcmp(local, "lvlOverride")) {
        long l = wattr_long(nattrs, attrs, "ilvl", -1);
        s->override_lvl = l >= 0 && l < MAX_LEVELS ? (int)l : -1;
    } else if (s->lst && s->override_lvl >= 0 && !strcmp(local, "startOverride")) {
        s->lst->start_override[s->override_lvl] = wattr_long(nattrs, attrs, "val", 1);
    }
}

static void numbering_end(part *p, const char *uri, const char *local) {
    numbering_state *s = p->state;
    if (!is_w(uri)) return;
    if (!strcmp(local, "abstractNum")) s->abs = NULL;
    if (!strcmp(local, "num")) s->lst = NULL;
    if (!strcmp(local, "lvl")) s->lvl = -1;
    if (!strcmp(local, "lvlOverride")) s->override_lvl = -1;
}

/* A list's definition, looked up once per list. */
static const abstract_num *find_abstract(const docx *x, list *l) {
    if (l->abstract_at == -2) {
        l->abstract_at = -1;
        for (size_t i = 0; i < x->nabstracts; i++)
            if (x->abstracts[i].id == l->abstract_id) {
                l->abstract_at = (long)i;
                break;
            }
    }
    return l->abstract_at >= 0 ? &x->abstracts[l->abstract_at] : NULL;
}

/* Consecutive items are mostly of one list: the last one found is tried
 * first, so a long list costs no scan per item. */
static list *find_list(docx *x, long id) {
    if (x->last_list < x->nlists && x->lists[x->last_list].id == id)
        return &x->lists[x->last_list];
    for (size_t i = 0; i < x->nlists; i++)
        if (x->lists[i].id == id) {
            x->last_list = i;
            return &x->lists[i];
        }
    return NULL;
}

/* The next label of list num_id at level ilvl, as a prefix into t. */
static void list_item(docx *x, aj_xtext *t, long num_id, int ilvl) {
    if (ilvl < 0 || ilvl >= MAX_LEVELS) ilvl = 0;
    list *l = find_list(x, num_id);
    if (!l) { /* a list numbering.xml does not define: count it anyway */
        if (x->nlists < MAX_LISTS && x->nlists % 64 == 0) {
            list *a = realloc(x->lists, (x->nlists + 64) * sizeof *a);
            if (a) x->lists = a;
            else return;
        }
        if (x->nlists >= MAX_LISTS) return;
        l = &x->lists[x->nlists++];
        memset(l, 0, sizeof *l);
        l->id = num_id;
        l->abstract_id = -1;
        l->abstract_at = -2;
        for (int k = 0; k < MAX_LEVELS; k++) l->start_override[k] = LONG_MIN;
    }
    const abstract_num *a = find_abstract(x, l);
    int fmt = a ? a->fmt[ilvl] : AJ_XT_DECIMAL;
    long start = l->start_override[ilvl] != LONG_MIN ? l->start_override[ilvl]
                 : a                                 ? a->start[ilvl]
                                                     : 1;
    if (!l->started[ilvl]) {
        l->cur[ilvl] = start;
        l->started[ilvl] = 1;
    } else if (l->cur[ilvl] < 1000000000L) {
        l->cur[ilvl]++;
    }
    for (int k = ilvl + 1; k < MAX_LEVELS; k++) l->started[k] = 0;
    if (fmt == FMT_BULLET)
        aj_xt_prefix(t, "- ", 0);
    else if (fmt == FMT_NONE)
        aj_xt_break(t, 2);
    else
        aj_xt_item_prefix(t, l->cur[ilvl], fmt);
}

/* ---- word/document.xml --------------------------------------------------- */

typedef struct body_state {
    int pdepth;       /* open w:p: more than 1 inside a text box */
    int in_p, in_ppr, in_numpr, in_run, in_t;
    int decided;      /* the open paragraph's kind is written */
    char pstyle[NAME_CAP];
    long num_id;      /* -1 not given, 0 "no list" */
    int ilvl;
} body_state;

/* Writes what the open paragraph is: a heading, an item or text. */
static void decide(part *p) {
    body_state *s = p->state;
    docx *x = p->x;
    aj_xtext *t = &x->d->body;
    if (s->decided) return;
    s->decided = 1;
    int heading = 0, num_id = -1, ilvl = 0;
    if (s->pstyle[0]) style_props(x, s->pstyle, &heading, &num_id, &ilvl);
    if (heading) {
        static const char *const marks[] = {"# ", "## ", "### ", "#### ",
                                            "##### ", "###### "};
        aj_xt_prefix(t, marks[heading > 6 ? 5 : heading - 1], 1);
        return;
    }
    if (s->num_id >= 0) { /* the paragraph's own list, or 0: none */
        num_id = (int)s->num_id;
        if (s->ilvl >= 0) ilvl = s->ilvl;
    }
    if (num_id > 0)
        list_item(x, t, num_id, ilvl);
    else
        aj_xt_break(t, 2);
}

static void end_paragraph(part *p) {
    body_state *s = p->state;
    decide(p);
    aj_xt_end(&p->x->d->body);
    s->in_p = 0;
}

/* A paragraph starts: its properties are read before it is written. */
static void begin_paragraph(body_state *s) {
    int pdepth = s->pdepth;
    memset(s, 0, sizeof *s);
    s->pdepth = pdepth;
    s->in_p = 1;
    s->num_id = -1;
    s->ilvl = -1;
}

static void body_start(part *p, const char *uri, const char *local, int nattrs,
                       const xmlChar **attrs) {
    body_state *s = p->state;
    aj_xtext *t = &p->x->d->body;
    if (!is_w(uri)) return;
    /* Deleted and moved-away text, and properties before a tracked change. */
    if (!strcmp(local, "del") || !strcmp(local, "moveFrom") ||
        !strcmp(local, "pPrChange") || !strcmp(local, "rPrChange")) {
        p->skip = p->depth;
        return;
    }
    if (!strcmp(local, "p")) {
        if (s->in_p) end_paragraph(p); /* a text box inside a paragraph */
        begin_paragraph(s);
        s->pdepth++;
        return;
    }
    if (!s->in_p) return;
    if (!strcmp(local, "pPr")) {
        s->in_ppr = 1;
    } else if (s->in_ppr) {
        if (!strcmp(local, "pStyle"))
            wattr(nattrs, attrs, "val", s->pstyle, sizeof s->pstyle);
        else if (!strcmp(local, "numPr"))
            s->in_numpr = 1;
        else if (s->in_numpr && !strcmp(local, "numId"))
            s->num_id = wattr_long(nattrs, attrs, "val", -1);
        else if (s->in_numpr && !strcmp(local, "ilvl"))
            s->ilvl = (int)wattr_long(nattrs, attrs, "val", 0);
    } else if (!strcmp(local, "r")) {
        decide(p);
        s->in_run = 1;
    } else if (s->in_run) {
        if (!strcmp(local, "t")) {
            s->in_t = 1;
        } else if (!strcmp(local, "tab")) {
            aj_xt_text(t, " ", 1);
        } else if (!strcmp(local, "br") || !strcmp(local, "cr")) {
            aj_xt_break(t, 1);
        } else if (!strcmp(local, "noBreakHyphen")) {
            aj_xt_text(t, "-", 1);
        }
    }
}

static void body_end(part *p, const char *uri, const char *local) {
    body_state *s = p->state;
    if (!is_w(uri)) return;
    if (!strcmp(local, "p")) {
        if (s->in_p) end_paragraph(p);
        if (s->pdepth > 0 && --s->pdepth > 0) {
            /* back in the paragraph around a text box: what follows is
             * written as a paragraph of its own */
            begin_paragraph(s);
            s->decided = 1;
        }
    } else if (!strcmp(local, "pPr")) {
        s->in_ppr = 0;
        if (s->in_p) decide(p);
    } else if (!strcmp(local, "numPr")) {
        s->in_numpr = 0;
    } else if (!strcmp(local, "r")) {
        s->in_run = 0;
    } else if (!strcmp(local, "t")) {
        s->in_t = 0;
    }
}

static void body_text(part *p, const char *text, size_t n) {
    body_state *s = p->state;
    if (!s->in_t) return;
    aj_xtext *t = &p->x->d->body;
    aj_xt_text(t, text, n);
    if (t->err == AJ_ELIMIT)
        part_fail(p, AJ_ELIMIT, "more than 64 MiB of text%s", "");
    else if (t->err)
        part_fail(p, t->err, "out of memory for the text%s", "");
}

/* ---- the archive ----------------------------------------------------------- */

aj_err aj_extract_docx(aj_ctx *c, int fd, aj_xdoc *d) {
    int zfd = dup(fd), zerr = 0;
    if (zfd < 0) return aj_fail(c, AJ_EIO, "dup: out of file descriptors");
    zip_t *za = zip_fdopen(zfd, 0, &zerr);
    if (!za) {
        close(zfd);
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        aj_err e = aj_fail(c, AJ_ECORRUPT, "zip: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return e;
    }
    docx x = {.c = c, .d = d};
    aj_err e = AJ_OK;
    int present;

    core_state core;
    memset(&core, 0, sizeof core);
    part pc = {.x = &x, .name = "docProps/core.xml", .start = core_start,
               .end = core_end, .text = core_text, .state = &core};
    e = read_part(&x, za, &pc, &present);
    if (!e) {
        aj_xt_meta(core.buf[0], core.len[0], d->title, sizeof d->title);
        aj_xt_date(core.buf[1], core.len[1], d->date);
    }

    styles_state ss;
    memset(&ss, 0, sizeof ss);
    part ps = {.x = &x, .name = "word/styles.xml", .start = styles_start,
               .end = styles_end, .text = no_text, .state = &ss};
    if (!e) e = read_part(&x, za, &ps, &present);

    numbering_state ns;
    memset(&ns, 0, sizeof ns);
    ns.lvl = ns.override_lvl = -1;
    part pn = {.x = &x, .name = "word/numbering.xml", .start = numbering_start,
               .end = numbering_end, .text = no_text, .state = &ns};
    if (!e) e = read_part(&x, za, &pn, &present);

    body_state bs;
    memset(&bs, 0, sizeof bs);
    part pb = {.x = &x, .name = "word/document.xml", .start = body_start,
               .end = body_end, .text = body_text, .state = &bs};
    if (!e) {
        e = read_part(&x, za, &pb, &present);
        if (!e && !present)
            e = aj_fail(c, AJ_ECORRUPT, "zip: no word/document.xml");
    }
    zip_discard(za);
    free(x.styles);
    free(x.abstracts);
    free(x.lists);
    return e;
}
