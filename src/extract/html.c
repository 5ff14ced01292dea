/*
 * html.c - the main content of an HTML page as paragraphs (extract.h).
 *
 * libxml2's HTML parser, fed the file in chunks (its push interface), does
 * what a browser's would: it decodes the charset (a BOM, <meta charset>),
 * entities, and closes the elements a page leaves open, reporting each
 * element's start and end and its text (SAX) without building a tree, so
 * memory does not grow with the page.  Nothing it reads can make it fetch
 * anything (HTML_PARSE_NONET).
 *
 * What is kept (the rules of the issue, and why where it is not obvious):
 *   - h1-h6 are headings, li items (numbered in an <ol>: start= and
 *     value= are honoured, type="i"/"I" gives roman and type="a"/"A"
 *     letter labels, the forms the segmenter reads), p, div, td and the
 *     other blocks paragraphs, <br> a line break, <pre> keeps its lines,
 *     inline elements (<sup>, <sub>, <a>, <b>...) run into the text;
 *   - when the page has a <main> (or role="main"), only its text; else
 *     when it has an <article>, only the text of its articles; else the
 *     whole <body>.  A first pass over the page (only the elements, no
 *     text) finds out.  If the chosen part has no text, the whole body is
 *     used after all;
 *   - dropped with everything inside: script, style, template, nav,
 *     aside, footer, form, noscript, the embedded (iframe, object, svg,
 *     math, canvas, audio, video), controls (button, select, textarea),
 *     dialog; <header> unless it is inside an article, main or section
 *     (there it holds the article's title, not the site's banner);
 *     elements with role navigation, banner, contentinfo, search,
 *     complementary, menu, menubar, dialog or alertdialog, with the
 *     hidden attribute or aria-hidden="true"; and elements whose id or
 *     class names a cookie banner, a menu or page furniture (a word
 *     cookie..., consent..., gdpr, menu, nav, navbar, navigation,
 *     breadcrumb..., footer, sidebar, share, sharing; "has-sidebar" and
 *     the like, which describe the page's layout, do not count, and
 *     html, body, main and article are never dropped for their names).
 *     A <form> is dropped too, except on pages where forms hold most of
 *     the text (ASP.NET wraps whole pages in one);
 *   - the <title> is the title; <meta name|property> date, dcterms.date,
 *     dcterms.created, dcterms.issued, dc.date, dc.date.issued or
 *     article:published_time gives the date (the first valid one).
 *
 * Depth: more than AJ_EXTRACT_MAX_HTML_DEPTH open elements is an error
 * (the parser itself has no limit, and a page so deep is not a page).
 */
#include "extract/extract.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#define CHUNK (64u << 10)

/* What an element is to the extractor. */
enum {
    K_INLINE = 0,
    K_BLOCK,    /* a paragraph break before and after */
    K_DROP,     /* dropped with its content */
    K_BR,
    K_H,        /* h1..h6: level from the name */
    K_LI,
    K_OL,
    K_UL,
    K_PRE,
    K_MAIN,
    K_ARTICLE,
    K_SECTION,
    K_HEADER,
    K_FORM,
    K_HEAD,
    K_TITLE,
    K_META
};

static const struct {
    const char *name;
    int kind;
} tags[] = {
    {"address", K_BLOCK},  {"article", K_ARTICLE}, {"aside", K_DROP},
    {"audio", K_DROP},     {"blockquote", K_BLOCK}, {"body", K_BLOCK},
    {"br", K_BR},          {"button", K_DROP},     {"canvas", K_DROP},
    {"caption", K_BLOCK},  {"center", K_BLOCK},    {"dd", K_BLOCK},
    {"details", K_BLOCK},  {"dialog", K_DROP},     {"dir", K_UL},
    {"div", K_BLOCK},      {"dl", K_BLOCK},        {"dt", K_BLOCK},
    {"embed", K_DROP},     {"fieldset", K_BLOCK},  {"figcaption", K_BLOCK},
    {"figure", K_BLOCK},   {"footer", K_DROP},     {"form", K_FORM},
    {"frameset", K_DROP},  {"h1", K_H},            {"h2", K_H},
    {"h3", K_H},           {"h4", K_H},            {"h5", K_H},
    {"h6", K_H},           {"head", K_HEAD},       {"header", K_HEADER},
    {"hgroup", K_BLOCK},   {"hr", K_BLOCK},        {"html", K_BLOCK},
    {"iframe", K_DROP},    {"legend", K_BLOCK},    {"li", K_LI},
    {"listing", K_PRE},    {"main", K_MAIN},       {"map", K_DROP},
    {"math", K_DROP},      {"menu", K_UL},         {"meta", K_META},
    {"nav", K_DROP},       {"noframes", K_DROP},   {"noscript", K_DROP},
    {"object", K_DROP},    {"ol", K_OL},           {"p", K_BLOCK},
    {"plaintext", K_PRE},  {"pre", K_PRE},         {"script", K_DROP},
    {"section", K_SECTION}, {"select", K_DROP},    {"style", K_DROP},
    {"summary", K_BLOCK},  {"svg", K_DROP},        {"table", K_BLOCK},
    {"tbody", K_BLOCK},    {"td", K_BLOCK},        {"template", K_DROP},
    {"textarea", K_DROP},  {"tfoot", K_BLOCK},     {"th", K_BLOCK},
    {"thead", K_BLOCK},    {"title", K_TITLE},     {"tr", K_BLOCK},
    {"ul", K_UL},          {"video", K_DROP},      {"xmp", K_PRE},
};

static int tag_kind(const char *name) {
    size_t lo = 0, hi = sizeof tags / sizeof tags[0];
    while (lo < hi) { /* the table is sorted by name */
        size_t mid = (lo + hi) / 2;
        int r = strcmp(name, tags[mid].name);
        if (r == 0) return tags[mid].kind;
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return K_INLINE;
}

/* Which part of the page is written. */
enum { SCOPE_ALL, SCOPE_MAIN, SCOPE_ARTICLE };

/* Frame flags. */
enum {
    F_DROP = 1,     /* dropped: nothing inside is written */
    F_OUT = 2,      /* its start wrote structure (a break, a prefix) */
    F_SCOPE = 4,    /* opens the part of the page written */
    F_SECTION = 8,  /* article, main or section: a <header> inside stays */
    F_ENDS = 16,    /* a heading or item: its end ends the paragraph */
    F_HEAD = 32,
    F_TITLE = 64
};

typedef struct frame {
    const xmlChar *name; /* from the parser's dictionary: lives as long */
    int kind, flags;
    long next;           /* an <ol>'s next number */
    int style;           /* an <ol>'s AJ_XT_* label style; -1 bullets */
} frame;

typedef struct html_state {
    aj_ctx *c;
    aj_xdoc *d;
    htmlParserCtxtPtr ctxt;
    int scope;
    int keep_forms;
    frame stack[AJ_EXTRACT_MAX_HTML_DEPTH];
    int depth;
    int drop, in_scope, sections, head, pre;
    /* the title, raw, while it is read */
    char title[AJ_EXTRACT_MAX_TITLE * 4];
    size_t title_len;
    int in_title, title_done;
    aj_err err;
    /* the first pass */
    int has_main, has_article;
    size_t text_bytes, form_bytes;
    int invisible, forms;
} html_state;

static void stop(html_state *s, aj_err e, const char *why) {
    if (!s->err) s->err = aj_fail(s->c, e, "%s", why);
    xmlStopParser(s->ctxt);
}

static const char *attr(const xmlChar **atts, const char *name) {
    if (!atts) return NULL;
    for (int i = 0; atts[i]; i += 2)
        if (!strcasecmp((const char *)atts[i], name))
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

static int lower_ascii(int b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

/* Does a class name or id say page furniture?  v holds space-separated
 * names; each is cut into words at anything not a letter or digit. */
static int furniture_name(const char *v) {
    static const char *const exact[] = {"gdpr",    "menu",       "nav",
                                        "navbar",  "navigation", "footer",
                                        "sidebar", "share",      "sharing"};
    static const char *const prefixes[] = {"cookie", "consent", "breadcrumb"};
    static const char *const layout[] = {"has", "no", "with", "without", "hide"};
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') p++;
        const char *name_end = p;
        while (*name_end && *name_end != ' ' && *name_end != '\t' &&
               *name_end != '\n' && *name_end != '\r' && *name_end != '\f')
            name_end++;
        int first = 1;
        for (const char *w = p; w < name_end;) {
            char word[32];
            size_t n = 0;
            while (w < name_end && !isalnum((unsigned char)*w)) w++;
            while (w < name_end && isalnum((unsigned char)*w)) {
                if (n < sizeof word - 1) word[n++] = (char)lower_ascii((unsigned char)*w);
                w++;
            }
            word[n] = '\0';
            if (!n) break;
            if (first) {
                int skip = 0;
                for (size_t k = 0; k < sizeof layout / sizeof layout[0]; k++)
                    if (!strcmp(word, layout[k])) skip = 1;
                if (skip) break; /* "has-sidebar": the layout, not a part */
            }
            first = 0;
            for (size_t k = 0; k < sizeof exact / sizeof exact[0]; k++)
                if (!strcmp(word, exact[k])) return 1;
            for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
                if (!strncmp(word, prefixes[k], strlen(prefixes[k]))) return 1;
        }
        p = name_end;
    }
    return 0;
}

static int furniture_role(const char *role) {
    static const char *const roles[] = {"navigation", "banner", "contentinfo",
                                        "search", "complementary", "menu",
                                        "menubar", "dialog", "alertdialog"};
    if (!role) return 0;
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        if (!strcasecmp(role, roles[k])) return 1;
    return 0;
}

/* Is the element dropped with its content? */
static int dropped(html_state *s, int kind, const char *name,
                   const xmlChar **atts) {
    if (kind == K_DROP) return 1;
    if (kind == K_HEADER && !s->sections) return 1;
    if (kind == K_FORM && !s->keep_forms) return 1;
    const char *role = attr(atts, "role");
    if (furniture_role(role)) return 1;
    if (attr(atts, "hidden")) return 1;
    const char *aria = attr(atts, "aria-hidden");
    if (aria && !strcasecmp(aria, "true")) return 1;
    if (!strcmp(name, "html") || !strcmp(name, "body") || kind == K_MAIN ||
        kind == K_ARTICLE || (role && !strcasecmp(role, "main")))
        return 0;
    const char *id = attr(atts, "id"), *cls = attr(atts, "class");
    return (id && furniture_name(id)) || (cls && furniture_name(cls));
}

static void meta_date(html_state *s, const xmlChar **atts) {
    static const char *const names[] = {
        "date",  "dcterms.date",   "dcterms.created",       "dcterms.issued",
        "dc.date", "dc.date.issued", "article:published_time"};
    if (s->d->date[0]) return;
    const char *n = attr(atts, "name"), *content = attr(atts, "content");
    if (!n) n = attr(atts, "property");
    if (!n || !content) return;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcasecmp(n, names[k])) {
            aj_xt_date(content, strlen(content), s->d->date);
            return;
        }
}

static long number_attr(const char *v, long dflt) {
    if (!v) return dflt;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || errno || n < -1000000000L || n > 1000000000L) return dflt;
    return n;
}

/* The nearest list around an <li>, or NULL. */
static frame *enclosing_list(html_state *s) {
    for (int i = s->depth - 1; i >= 0; i--)
        if (s->stack[i].kind == K_OL || s->stack[i].kind == K_UL)
            return &s->stack[i];
    return NULL;
}

/* Opens an element's frame (both passes), or stops the parse when the
 * elements are nested too deep: NULL then. */
static frame *push_frame(html_state *s, const xmlChar *xname, const char *name) {
    if (s->depth >= AJ_EXTRACT_MAX_HTML_DEPTH) {
        char why[96];
        snprintf(why, sizeof why, "HTML elements nested deeper than %d",
                 AJ_EXTRACT_MAX_HTML_DEPTH);
        stop(s, AJ_ELIMIT, why);
        return NULL;
    }
    frame *f = &s->stack[s->depth++];
    memset(f, 0, sizeof *f);
    f->name = xname;
    f->kind = tag_kind(name);
    return f;
}

static void on_start(void *arg, const xmlChar *xname, const xmlChar **atts) {
    html_state *s = arg;
    const char *name = (const char *)xname;
    if (s->err) return;
    frame *f = push_frame(s, xname, name);
    if (!f) return;
    int kind = f->kind;
    f->style = -1;
    if (kind == K_META) meta_date(s, atts);
    if (kind == K_HEAD) {
        f->flags |= F_HEAD;
        s->head++;
    }
    if (kind == K_TITLE && !s->title_done && !s->drop) {
        f->flags |= F_TITLE;
        s->in_title = 1;
    }
    if (kind == K_OL) {
        f->next = number_attr(attr(atts, "start"), 1);
        const char *type = attr(atts, "type");
        f->style = !type ? AJ_XT_DECIMAL
                   : (type[0] == 'i' || type[0] == 'I') ? AJ_XT_ROMAN
                   : (type[0] == 'a' || type[0] == 'A') ? AJ_XT_LETTER
                                                        : AJ_XT_DECIMAL;
    }
    if (kind == K_MAIN || kind == K_ARTICLE || kind == K_SECTION) {
        f->flags |= F_SECTION;
        s->sections++;
    }
    if (s->drop || dropped(s, kind, name, atts)) {
        f->flags |= F_DROP;
        s->drop++;
        return;
    }
    const char *role = attr(atts, "role");
    if ((s->scope == SCOPE_MAIN &&
         (kind == K_MAIN || (role && !strcasecmp(role, "main")))) ||
        (s->scope == SCOPE_ARTICLE && kind == K_ARTICLE)) {
        f->flags |= F_SCOPE;
        s->in_scope++;
    }
    if (s->head || (s->scope != SCOPE_ALL && !s->in_scope)) return;
    aj_xtext *t = &s->d->body;
    switch (kind) {
    case K_BR:
        aj_xt_break(t, 1);
        return;
    case K_H: {
        static const char *const marks[] = {"# ", "## ", "### ", "#### ",
                                            "##### ", "###### "};
        aj_xt_prefix(t, marks[name[1] - '1'], 1);
        f->flags |= F_OUT | F_ENDS;
        return;
    }
    case K_LI: {
        frame *list = enclosing_list(s);
        if (list && list->kind == K_OL) {
            long n = number_attr(attr(atts, "value"), list->next);
            list->next = n + 1;
            aj_xt_item_prefix(t, n, list->style);
        } else {
            aj_xt_prefix(t, "- ", 0);
        }
        f->flags |= F_OUT | F_ENDS;
        return;
    }
    case K_PRE:
        s->pre++;
        t->lines = 1;
        aj_xt_break(t, 2);
        f->flags |= F_OUT;
        return;
    case K_INLINE:
    case K_META:
    case K_TITLE:
    case K_HEAD:
        return;
    default: /* blocks, lists, sections, forms and headers kept */
        aj_xt_break(t, 2);
        f->flags |= F_OUT;
        return;
    }
}

static void close_frame(html_state *s, frame *f) {
    aj_xtext *t = &s->d->body;
    if (f->flags & F_OUT) {
        if (f->kind == K_PRE && --s->pre == 0) t->lines = 0;
        if (f->flags & F_ENDS)
            aj_xt_end(t);
        else
            aj_xt_break(t, 2);
    }
    if (f->flags & F_DROP) s->drop--;
    if (f->flags & F_SCOPE) s->in_scope--;
    if (f->flags & F_SECTION) s->sections--;
    if (f->flags & F_HEAD) s->head--;
    if (f->flags & F_TITLE) {
        s->in_title = 0;
        s->title_done = 1;
        aj_xt_meta(s->title, s->title_len, s->d->title, sizeof s->d->title);
    }
}

static void on_end(void *arg, const xmlChar *name) {
    html_state *s = arg;
    if (s->err) return;
    /* The parser reports the elements it closes implicitly too; an end
     * tag that matches nothing open is ignored, as a browser does. */
    int i = s->depth;
    while (i > 0 && !xmlStrEqual(s->stack[i - 1].name, name)) i--;
    if (i == 0) return;
    while (s->depth >= i) close_frame(s, &s->stack[--s->depth]);
}

static void on_text(void *arg, const xmlChar *text, int len) {
    html_state *s = arg;
    if (s->err || len <= 0) return;
    if (s->in_title) {
        size_t room = sizeof s->title - s->title_len;
        size_t n = (size_t)len < room ? (size_t)len : room;
        memcpy(s->title + s->title_len, text, n);
        s->title_len += n;
        return;
    }
    if (s->drop || s->head || (s->scope != SCOPE_ALL && !s->in_scope)) return;
    aj_xtext *t = &s->d->body;
    aj_xt_text(t, (const char *)text, (size_t)len);
    if (t->err == AJ_ELIMIT)
        stop(s, AJ_ELIMIT, "more than 64 MiB of text");
    else if (t->err)
        stop(s, t->err, "out of memory for the text");
}

/* ---- the first pass: which part of the page, and forms ---------------- */

static void probe_start(void *arg, const xmlChar *xname, const xmlChar **atts) {
    html_state *s = arg;
    const char *name = (const char *)xname;
    if (s->err) return;
    frame *f = push_frame(s, xname, name);
    if (!f) return;
    int kind = f->kind;
    const char *role = attr(atts, "role");
    if (kind == K_MAIN || (role && !strcasecmp(role, "main"))) s->has_main = 1;
    if (kind == K_ARTICLE) s->has_article = 1;
    /* What a reader never sees, and forms, for the form rule. */
    if (kind == K_HEAD || (kind == K_DROP && strcmp(name, "nav") &&
                           strcmp(name, "aside") && strcmp(name, "footer"))) {
        f->flags |= F_DROP;
        s->invisible++;
    }
    if (kind == K_FORM) {
        f->flags |= F_OUT;
        s->forms++;
    }
}

static void probe_end(void *arg, const xmlChar *name) {
    html_state *s = arg;
    int i = s->depth;
    while (i > 0 && !xmlStrEqual(s->stack[i - 1].name, name)) i--;
    if (i == 0) return;
    while (s->depth >= i) {
        frame *f = &s->stack[--s->depth];
        if (f->flags & F_DROP) s->invisible--;
        if (f->flags & F_OUT) s->forms--;
    }
}

static void probe_text(void *arg, const xmlChar *text, int len) {
    html_state *s = arg;
    (void)text;
    if (s->invisible || len <= 0) return;
    s->text_bytes += (size_t)len;
    if (s->forms) s->form_bytes += (size_t)len;
}

/* ---- running the parser ---------------------------------------------- */

static void quiet(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

static aj_err parse(aj_ctx *c, int fd, html_state *s, int probe) {
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = probe ? probe_start : on_start;
    sax.endElement = probe ? probe_end : on_end;
    sax.characters = probe ? probe_text : on_text;
    sax.cdataBlock = sax.characters;
    sax.ignorableWhitespace = sax.characters;
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;
    s->ctxt = htmlCreatePushParserCtxt(&sax, s, NULL, 0, NULL,
                                       XML_CHAR_ENCODING_NONE);
    if (!s->ctxt) return aj_fail(c, AJ_ENOMEM, "cannot create the HTML parser");
    htmlCtxtUseOptions(s->ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING);
    static char buf[CHUNK];
    off_t at = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            if (!s->err) s->err = aj_fail(c, AJ_EIO, "read: %s", strerror(errno));
            break;
        }
        at += n;
        htmlParseChunk(s->ctxt, buf, (int)n, n == 0);
        if (s->err || n == 0) break;
    }
    htmlFreeParserCtxt(s->ctxt);
    s->ctxt = NULL;
    return s->err;
}

aj_err aj_extract_html(aj_ctx *c, int fd, aj_xdoc *d) {
    html_state *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "HTML state");
    s->c = c;
    s->d = d;
    aj_err e = parse(c, fd, s, 1);
    int scope = s->has_main ? SCOPE_MAIN : s->has_article ? SCOPE_ARTICLE : SCOPE_ALL;
    int keep_forms = s->form_bytes * 2 > s->text_bytes;
    while (!e) {
        memset(s, 0, sizeof *s);
        s->c = c;
        s->d = d;
        s->scope = scope;
        s->keep_forms = keep_forms;
        d->title[0] = '\0';
        d->date[0] = '\0';
        aj_xt_free(&d->body);
        e = parse(c, fd, s, 0);
        if (e || d->body.len || scope == SCOPE_ALL) break;
        scope = SCOPE_ALL; /* the main part was empty: the whole page */
    }
    free(s);
    return e;
}
