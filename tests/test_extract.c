/*
 * test_extract.c - ajsearch-extract (src/extract/) and the sniffer.
 *
 * The program is run as the indexer will run it: the built binary
 * ($AJSEARCH_BUILD/ajsearch-extract), one process per document, its
 * standard output read as the protocol of extract.h.  The sniffer, which
 * is in the library, is called directly.
 *
 * Fixtures are made here, at test time, from the seed documents of
 * corpus/ by public Debian tools, never by the project's own code:
 *   - HTML: pandoc (markdown without smart quotes, to a standalone page
 *     with <title> and <meta name="dcterms.date">), wrapped here in site
 *     chrome (a <nav> menu, a cookie banner, a breadcrumb, an <aside>, a
 *     footer, a script) whose words must not come out;
 *   - DOCX: pandoc again, from that HTML (so <sup> stays text), with
 *     SOURCE_DATE_EPOCH for docProps/core.xml's dcterms:created;
 *   - PDF: python3-reportlab, drawing the seed's lines in DejaVu Sans
 *     (fonts-dejavu-core: real Unicode text, "Nguyễn" included) on A4
 *     pages, with the title in the document info and the creation date
 *     from SOURCE_DATE_EPOCH; it writes which line starts each page.
 *     Chosen over enscript + ghostscript, which is smaller to describe
 *     but larger to install and knows only Latin-1; LaTeX is not needed;
 *   - hostile archives: Python's zipfile.
 * A missing tool fails the test with the apt-get line that installs it.
 *
 * The fixtures are made once per test run (in a directory named after
 * the runner's process, removed by a report hook at the end) and shared
 * by the tests, which Criterion runs in processes of their own.
 */
#include "helpers.h"

#include <criterion/hooks.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "analysis/segment.h"
#include "common/utf8.h"
#include "extract/extract.h"

#define AS_LIMIT (512ull << 20) /* RLIMIT_AS for hostile inputs */
#define TOOLS_APT "apt-get install pandoc python3-reportlab fonts-dejavu-core"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* The seed documents, with their metadata.tsv title and date. */
static const struct seed {
    const char *file, *title, *date;
} seeds[] = {
    {"2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt",
     "Chairman's Statement of the 23rd ASEAN-Japan Summit", "2020-11-12"},
    {"2023-12-17-joint-vision-statement-trusted-partners.txt",
     "ASEAN, Japan adopt Joint Vision Statement on friendship and partnership "
     "(Joint Vision Statement \"Trusted Partners\")",
     "2023-12-18"},
    {"2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt",
     "ASEAN-Japan Foreign Ministers' Meeting (Vientiane)", "2024-07-26"},
    {"2024-overview-asean-japan-comprehensive-strategic-partnership.txt",
     "Overview of ASEAN-Japan Comprehensive Strategic Partnership", "2024-01-01"},
    {"2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt",
     "The 28th ASEAN-Japan Summit (Kuala Lumpur)", "2025-10-26"},
};
#define NSEEDS (sizeof seeds / sizeof seeds[0])
#define OVERVIEW 3

/* Site chrome around the pandoc page: none of its words may come out. */
static const char CHROME_TOP[] =
    "<nav class=\"site-nav\"><ul><li><a href=\"/\">Quokkahome</a></li>"
    "<li><a href=\"/news\">Zebranews</a></li></ul></nav>\n"
    "<div id=\"cookie-banner\" class=\"consent-box\"><p>Biscuitpolicy: we store "
    "crumbstuff.</p><button>Acceptulate</button></div>\n"
    "<div class=\"breadcrumb\"><a href=\"/\">Trailcrumb</a> &gt; Crumbpage</div>\n"
    "<div role=\"navigation\"><a href=\"/x\">Rolenavword</a></div>\n"
    "<aside><p>Asidewidget related links</p></aside>\n";
static const char CHROME_BOTTOM[] =
    "<div class=\"share-buttons\"><a href=\"#\">Sharethingy</a></div>\n"
    "<footer><p>Copyright Snarkwidget Ministry</p><p><a href=\"/p\">Privacyplonk</a>"
    "</p></footer>\n<script>var tracker = \"Scriptobble\";</script>\n"
    "<noscript>Noscriptword</noscript>\n";
static const char *const chrome_words[] = {
    "quokkahome", "zebranews",  "biscuitpolicy", "crumbstuff",  "acceptulate",
    "trailcrumb", "rolenavword", "asidewidget",  "sharethingy", "snarkwidget",
    "privacyplonk", "scriptobble", "noscriptword", "crumbpage"};

/* ---- running programs -------------------------------------------------- */

typedef struct run {
    int status;      /* from waitpid */
    char *out, *err; /* standard output and error, NUL-terminated */
    size_t out_len, err_len;
} run;

static void run_free(run *r) {
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* Runs argv (a program found on PATH unless it has a '/'), with env
 * entries "NAME=VALUE" added, standard output and error into files of
 * dir, under RLIMIT_AS as_limit when not 0.  Returns the wait status and
 * both outputs in *r. */
static void run_argv(const char *dir, char *const argv[], const char *env1,
                     unsigned long long as_limit, run *r) {
    /* named by this test's process: tests running at once share the
     * fixtures' directory, and must not share these */
    char out[4400], err[4400];
    snprintf(out, sizeof out, "%s/.run-%d.out", dir, (int)getpid());
    snprintf(err, sizeof err, "%s/.run-%d.err", dir, (int)getpid());
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0) _exit(127);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        if (env1) putenv((char *)env1);
        if (as_limit) {
            struct rlimit rl = {(rlim_t)as_limit, (rlim_t)as_limit};
            setrlimit(RLIMIT_AS, &rl);
        }
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    memset(r, 0, sizeof *r);
    r->status = st;
    r->out = th_read(out, &r->out_len);
    r->err = th_read(err, &r->err_len);
    unlink(out);
    unlink(err);
    if (!r->out) r->out = strdup(""), r->out_len = 0;
    if (!r->err) r->err = strdup(""), r->err_len = 0;
}

static int exited_with(const run *r, int code) {
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

static void describe(const run *r, char *buf, size_t cap) {
    if (WIFSIGNALED(r->status))
        snprintf(buf, cap, "killed by signal %d; stderr: %.600s",
                 WTERMSIG(r->status), r->err);
    else
        snprintf(buf, cap, "exit %d; stderr: %.600s", WEXITSTATUS(r->status), r->err);
}

/* Runs a tool that must succeed. */
static void tool(const char *dir, char *const argv[], const char *env1) {
    run r;
    run_argv(dir, argv, env1, 0, &r);
    char why[800];
    describe(&r, why, sizeof why);
    cr_assert(exited_with(&r, 0), "%s failed (%s)", argv[0], why);
    run_free(&r);
}

/* ---- the extractor ------------------------------------------------------ */

static const char *extractor(void) {
    static char path[4096];
    const char *build = getenv("AJSEARCH_BUILD");
    cr_assert(build && *build,
              "AJSEARCH_BUILD must name the build directory holding ajsearch-extract");
    snprintf(path, sizeof path, "%s/ajsearch-extract", build);
    cr_assert(access(path, X_OK) == 0, "no %s: build it (make %s)", path, path);
    return path;
}

/* Is the extractor built with AddressSanitizer?  Its shadow memory needs
 * terabytes of address space, so RLIMIT_AS cannot apply; ASan's own RSS
 * limit stands in for it. */
static int sanitized(void) {
    size_t n;
    char *bin = th_read_ok(extractor(), &n);
    int asan = memmem(bin, n, "__asan_init", 11) != NULL;
    free(bin);
    return asan;
}

static void extract(const char *dir, const char *file, unsigned long long as,
                    run *r) {
    char *argv[] = {(char *)extractor(), (char *)file, NULL};
    int asan = as && sanitized();
    run_argv(dir, argv, asan ? "ASAN_OPTIONS=hard_rss_limit_mb=1536" : NULL,
             asan ? 0 : as, r);
}

/* The protocol's header and body, checked as a reader must check them. */
typedef struct doc_out {
    char format[16], title[AJ_EXTRACT_MAX_TITLE + 1], date[16];
    long pages;
    const char *body;
    size_t len;
} doc_out;

static void parse_output(const run *r, const char *what, doc_out *o) {
    char why[800];
    describe(r, why, sizeof why);
    cr_assert(exited_with(r, 0), "%s: %s", what, why);
    cr_assert_eq(r->err_len, 0, "%s: stderr on success: %s", what, r->err);
    memset(o, 0, sizeof *o);
    o->pages = -1;
    const char *p = r->out, *end = r->out + r->out_len;
    int line = 0, have_length = 0;
    size_t length = 0;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cr_assert(nl, "%s: header not ended by an empty line", what);
        cr_assert((size_t)(nl - r->out) < AJ_EXTRACT_MAX_HEADER, "%s: header too long", what);
        if (nl == p) {
            p = nl + 1;
            break;
        }
        const char *tab = memchr(p, '\t', (size_t)(nl - p));
        cr_assert(tab, "%s: header line without a tab: %.*s", what, (int)(nl - p), p);
        size_t kn = (size_t)(tab - p), vn = (size_t)(nl - tab - 1);
        const char *v = tab + 1;
        for (size_t i = 0; i < vn; i++)
            cr_assert((unsigned char)v[i] >= 0x20 && v[i] != 0x7f,
                      "%s: control byte in a header value", what);
        if (line++ == 0) {
            cr_assert(kn == 16 && !memcmp(p, "ajsearch-extract", 16) && vn == 1 &&
                          v[0] == '1',
                      "%s: first line is not the magic: %.*s", what, (int)(nl - p), p);
        } else {
            cr_assert(!have_length, "%s: a line after length", what);
#define FIELD(name, dst)                                                  \
    if (kn == strlen(name) && !memcmp(p, name, kn)) {                     \
        cr_assert(vn < sizeof dst, "%s: %s too long", what, name);        \
        memcpy(dst, v, vn);                                               \
        dst[vn] = '\0';                                                   \
    }
            FIELD("format", o->format)
            FIELD("title", o->title)
            FIELD("date", o->date)
            if (kn == 5 && !memcmp(p, "pages", 5)) o->pages = atol(v);
            if (kn == 6 && !memcmp(p, "length", 6)) {
                length = (size_t)strtoull(v, NULL, 10);
                have_length = 1;
            }
#undef FIELD
        }
        p = nl + 1;
    }
    cr_assert(have_length, "%s: no length", what);
    cr_assert_eq((size_t)(end - p), length, "%s: body of %zu bytes, length says %zu",
                 what, (size_t)(end - p), length);
    o->body = p;
    o->len = length;
    for (size_t i = 0; i < length; i++) {
        unsigned char b = (unsigned char)p[i];
        cr_assert(b >= 0x20 || b == '\n' || b == '\f',
                  "%s: control byte 0x%02x at body offset %zu", what, b, i);
        if (b == '\f')
            cr_assert(i + 1 < length && p[i + 1] == '\n' && (i == 0 || p[i - 1] == '\n'),
                      "%s: a form feed not alone on its line at %zu", what, i);
    }
}

/* A failure as the protocol says: status 2, one line naming the file. */
static void assert_refused(const char *dir, const char *file, const char *why_part,
                           const char *what) {
    run r;
    extract(dir, file, AS_LIMIT, &r);
    char why[800];
    describe(&r, why, sizeof why);
    cr_assert(WIFEXITED(r.status), "%s: %s", what, why);
    cr_assert(exited_with(&r, 2), "%s: expected exit 2 (%s)", what, why);
    char prefix[4500];
    snprintf(prefix, sizeof prefix, "ajsearch-extract: %s: ", file);
    cr_assert(!strncmp(r.err, prefix, strlen(prefix)),
              "%s: message does not name the file: %s", what, r.err);
    cr_assert(r.err_len > 0 && r.err[r.err_len - 1] == '\n' &&
                  memchr(r.err, '\n', r.err_len) == r.err + r.err_len - 1,
              "%s: not one line on stderr: %s", what, r.err);
    cr_assert(strstr(r.err, why_part), "%s: message lacks \"%s\": %s", what,
              why_part, r.err);
    run_free(&r);
}

/* ---- words and paragraphs ------------------------------------------------ */

typedef struct words {
    char **w;
    size_t n, cap;
} words;

static void words_free(words *ws) {
    for (size_t i = 0; i < ws->n; i++) free(ws->w[i]);
    free(ws->w);
    memset(ws, 0, sizeof *ws);
}

/* A word is a run of ASCII letters and digits and non-ASCII characters
 * that are not punctuation or spaces (so quotes, dashes and bullets of
 * either typography separate words). */
static int word_cp(uint32_t cp) {
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z');
    return cp >= 0xc0 && cp != 0xd7 && cp != 0xf7 && !(cp >= 0x2000 && cp <= 0x2bff) &&
           !(cp >= 0x3000 && cp <= 0x303f) && cp != 0xfeff && cp != 0xfffd;
}

static void add_words(words *ws, const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = aj_utf8_decode((const uint8_t *)s + i, n - i, &cp);
        if (!word_cp(cp)) {
            i += k;
            continue;
        }
        size_t start = i;
        while (i < n) {
            k = aj_utf8_decode((const uint8_t *)s + i, n - i, &cp);
            if (!word_cp(cp)) break;
            i += k;
        }
        if (ws->n == ws->cap) {
            ws->cap = ws->cap ? 2 * ws->cap : 256;
            ws->w = realloc(ws->w, ws->cap * sizeof *ws->w);
        }
        char *w = strndup(s + start, i - start);
        for (char *c = w; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        ws->w[ws->n++] = w;
    }
}

/* Every word of want comes in got, in order (a greedy subsequence). */
static void assert_in_order(const words *want, const words *got, const char *what) {
    size_t j = 0;
    for (size_t i = 0; i < want->n; i++) {
        while (j < got->n && strcmp(got->w[j], want->w[i])) j++;
        cr_assert(j < got->n,
                  "%s: seed word %zu \"%s\" (after \"%s %s\") not found in order "
                  "(%zu words extracted)",
                  what, i, want->w[i], i >= 2 ? want->w[i - 2] : "",
                  i >= 1 ? want->w[i - 1] : "", got->n);
        j++;
    }
}

typedef struct para {
    int kind, head;
    char label[16];
    char *text;
    uint64_t start;
} para;

typedef struct paras {
    para *p;
    size_t n, cap;
} paras;

static int collect(void *arg, const aj_seg_para *sp) {
    paras *ps = arg;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 64;
        ps->p = realloc(ps->p, ps->cap * sizeof *ps->p);
    }
    para *p = &ps->p[ps->n++];
    p->kind = sp->kind;
    p->head = sp->head;
    snprintf(p->label, sizeof p->label, "%s", sp->label ? sp->label : "");
    p->text = strndup(sp->text, sp->text_len);
    p->start = sp->start;
    return 0;
}

static void paras_free(paras *ps) {
    for (size_t i = 0; i < ps->n; i++) free(ps->p[i].text);
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

/* The paragraphs the indexer's segmenter makes of text, and their words. */
static void segment(const char *text, size_t len, paras *ps, words *ws) {
    memset(ps, 0, sizeof *ps);
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, text, len, collect, ps), AJ_OK, "%s", c.msg);
    if (ws) {
        memset(ws, 0, sizeof *ws);
        for (size_t i = 0; i < ps->n; i++) add_words(ws, ps->p[i].text, strlen(ps->p[i].text));
    }
}

/* ---- fixtures ------------------------------------------------------------- */

static const char *python(void) {
    /* Debian's python3-reportlab is importable by Debian's interpreter;
     * another python3 first on PATH (a virtual environment) may not see it. */
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

static const char MKZIP_PY[] =
    "import sys, zipfile, struct\n"
    "kind, out = sys.argv[1:3]\n"
    "W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'\n"
    "head = ('<?xml version=\"1.0\"?><w:document xmlns:w=\"%s\"><w:body><w:p><w:r><w:t>' % W).encode()\n"
    "tail = b'</w:t></w:r></w:p></w:body></w:document>'\n"
    "def doc(z, mib):\n"
    "    with z.open('word/document.xml', 'w') as f:\n"
    "        f.write(head)\n"
    "        for _ in range(mib): f.write(b' ' * (1 << 20))\n"
    "        f.write(tail)\n"
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:\n"
    "    z.writestr('[Content_Types].xml', '<Types/>')\n"
    "    if kind == 'big': doc(z, 300)\n"
    "    elif kind == 'ratio': doc(z, 20)\n"
    "    elif kind == 'liar': doc(z, 20)\n"
    "    elif kind == 'notdocx': z.writestr('word/other.xml', '<x/>')\n"
    "if kind == 'liar':\n"
    "    # both headers claim 1 MiB: the ratio looks harmless\n"
    "    data = bytearray(open(out, 'rb').read())\n"
    "    name = b'word/document.xml'\n"
    "    i = data.find(b'PK\\x03\\x04')\n"
    "    while i >= 0:\n"
    "        if data[i+30:i+30+len(name)] == name: struct.pack_into('<I', data, i + 22, 1 << 20)\n"
    "        i = data.find(b'PK\\x03\\x04', i + 4)\n"
    "    i = data.find(b'PK\\x01\\x02')\n"
    "    while i >= 0:\n"
    "        if data[i+46:i+46+len(name)] == name: struct.pack_into('<I', data, i + 24, 1 << 20)\n"
    "        i = data.find(b'PK\\x01\\x02', i + 4)\n"
    "    open(out, 'wb').write(data)\n";

/* A DOCX written by hand (Python's zipfile, the XML here): styles with an
 * outline level and basedOn, a roman list and a bullet list, a table, a
 * text box repeated in mc:Fallback, deleted text. */
static const char MKDOCX_PY[] =
    "import sys, zipfile\n"
    "out = sys.argv[1]\n"
    "W = 'xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"'\n"
    "MC = 'xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"'\n"
    "def p(text, style=None, num=None, lvl=0):\n"
    "    pr = ''\n"
    "    if style: pr += '<w:pStyle w:val=\"%s\"/>' % style\n"
    "    if num is not None: pr += '<w:numPr><w:ilvl w:val=\"%d\"/><w:numId w:val=\"%d\"/></w:numPr>' % (lvl, num)\n"
    "    return '<w:p><w:pPr>%s</w:pPr><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>' % (pr, text)\n"
    "body = ''.join([\n"
    "  p('Report of the Quarter', 'Title'),\n"
    "  p('Background', 'Berschrift1'),\n"
    "  p('Context', 'MyHeading'),\n"
    "  p('First numbered', None, 7), p('Second numbered', None, 7),\n"
    "  p('Nested bullet', None, 7, 1),\n"
    "  p('Third numbered', None, 7),\n"
    "  p('Styled list item', 'ListNumber'),\n"
    "  '<w:p><w:r><w:t>Kept</w:t></w:r><w:del><w:r><w:delText>Deletedword</w:delText></w:r></w:del>'\n"
    "  '<w:r><w:t xml:space=\"preserve\"> text</w:t><w:tab/><w:t>after tab</w:t><w:br/><w:t>Next line</w:t></w:r></w:p>',\n"
    "  '<w:p><w:r><w:t>Before box</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">'\n"
    "  '<w:drawing><w:txbxContent>' + p('Boxed words') + '</w:txbxContent></w:drawing></mc:Choice>'\n"
    "  '<mc:Fallback><w:pict><w:txbxContent>' + p('Fallbackword') + '</w:txbxContent></w:pict></mc:Fallback>'\n"
    "  '</mc:AlternateContent></w:r><w:r><w:t>after box</w:t></w:r></w:p>',\n"
    "  '<w:tbl><w:tr><w:tc>' + p('Cell one') + '</w:tc><w:tc>' + p('Cell two') + '</w:tc></w:tr></w:tbl>',\n"
    "  p('A &lt;b&gt; tag, R&amp;D, **stars** and snake__case'),\n"
    "  p('# not a heading'),\n"
    "])\n"
    "doc = '<?xml version=\"1.0\"?><w:document %s %s><w:body>%s</w:body></w:document>' % (W, MC, body)\n"
    "styles = ('<?xml version=\"1.0\"?><w:styles %s>'\n"
    "  '<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/></w:style>'\n"
    "  '<w:style w:type=\"paragraph\" w:styleId=\"Berschrift1\"><w:name w:val=\"heading 1\"/></w:style>'\n"
    "  '<w:style w:type=\"paragraph\" w:styleId=\"Outline2\"><w:name w:val=\"Custom\"/><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr></w:style>'\n"
    "  '<w:style w:type=\"paragraph\" w:styleId=\"MyHeading\"><w:name w:val=\"Mine\"/><w:basedOn w:val=\"Outline2\"/></w:style>'\n"
    "  '<w:style w:type=\"paragraph\" w:styleId=\"ListNumber\"><w:name w:val=\"List Number\"/><w:pPr><w:numPr><w:numId w:val=\"9\"/></w:numPr></w:pPr></w:style>'\n"
    "  '</w:styles>') % W\n"
    "numbering = ('<?xml version=\"1.0\"?><w:numbering %s>'\n"
    "  '<w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"2\"/><w:numFmt w:val=\"lowerRoman\"/></w:lvl>'\n"
    "  '<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"bullet\"/></w:lvl></w:abstractNum>'\n"
    "  '<w:abstractNum w:abstractNumId=\"4\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/></w:lvl></w:abstractNum>'\n"
    "  '<w:num w:numId=\"7\"><w:abstractNumId w:val=\"3\"/></w:num>'\n"
    "  '<w:num w:numId=\"9\"><w:abstractNumId w:val=\"4\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>'\n"
    "  '</w:numbering>') % W\n"
    "core = ('<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" '\n"
    "  'xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">'\n"
    "  '<dc:title>Quarterly\\n report</dc:title><dcterms:created>2021-02-28T10:00:00Z</dcterms:created></cp:coreProperties>')\n"
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:\n"
    "    z.writestr('[Content_Types].xml', '<Types/>')\n"
    "    z.writestr('docProps/core.xml', core)\n"
    "    z.writestr('word/styles.xml', styles)\n"
    "    z.writestr('word/numbering.xml', numbering)\n"
    "    z.writestr('word/document.xml', doc)\n";

static char fixture_dir[512];

/* Seconds since the epoch at 00:00 UTC of a YYYY-MM-DD date. */
static long long epoch_of(const char *date) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = atoi(date) - 1900;
    tm.tm_mon = atoi(date + 5) - 1;
    tm.tm_mday = atoi(date + 8);
    return (long long)timegm(&tm);
}

static void require_tools(const char *dir) {
    run r;
    char *pandoc[] = {"pandoc", "--version", NULL};
    run_argv(dir, pandoc, NULL, 0, &r);
    cr_assert(exited_with(&r, 0), "pandoc is missing: %s", TOOLS_APT);
    run_free(&r);
    char *py[] = {(char *)python(), "-c", "import reportlab", NULL};
    run_argv(dir, py, NULL, 0, &r);
    cr_assert(exited_with(&r, 0), "python3-reportlab is missing: %s", TOOLS_APT);
    run_free(&r);
    cr_assert(access(DEJAVU, R_OK) == 0, "DejaVu Sans is missing: %s", TOOLS_APT);
}

/* Splices the chrome into pandoc's page: after <body> and before </body>. */
static void wrap_in_chrome(const char *in, const char *out) {
    size_t n;
    char *page = th_read_ok(in, &n);
    char *b = strstr(page, "<body>"), *e = strstr(page, "</body>");
    cr_assert(b && e && b < e, "%s: no <body>", in);
    b += 6;
    FILE *f = fopen(out, "wb");
    cr_assert(f);
    fwrite(page, 1, (size_t)(b - page), f);
    fputs(CHROME_TOP, f);
    fwrite(b, 1, (size_t)(e - b), f);
    fputs(CHROME_BOTTOM, f);
    fputs(e, f);
    fclose(f);
    free(page);
}

static void make_fixtures(const char *dir) {
    require_tools(dir);
    char cwd[2048], path[2200];
    cr_assert(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/tests/tools/mkpdf.py", cwd);
    for (size_t i = 0; i < NSEEDS; i++) {
        char src[4096], html[1024], page[1024], docx[1024], pdf[1024], side[1024];
        char title[1200], date[64], env[64];
        snprintf(src, sizeof src, "%s/corpus/%s", cwd, seeds[i].file);
        snprintf(page, sizeof page, "%s/%zu.pandoc.html", dir, i);
        snprintf(html, sizeof html, "%s/%zu.html", dir, i);
        snprintf(docx, sizeof docx, "%s/%zu.docx", dir, i);
        snprintf(pdf, sizeof pdf, "%s/%zu.pdf", dir, i);
        snprintf(side, sizeof side, "%s/%zu.pages", dir, i);
        snprintf(title, sizeof title, "title=%s", seeds[i].title);
        snprintf(date, sizeof date, "date=%s", seeds[i].date);
        snprintf(env, sizeof env, "SOURCE_DATE_EPOCH=%lld", epoch_of(seeds[i].date));
        char *to_html[] = {"pandoc", "-f", "markdown-smart", "-t", "html5", "-s",
                           "-M", title, "-M", date, "-o", page, src, NULL};
        tool(dir, to_html, NULL);
        wrap_in_chrome(page, html);
        char *to_docx[] = {"pandoc", "-f", "html", "-t", "docx", "-o", docx, page, NULL};
        tool(dir, to_docx, env);
        char *to_pdf[] = {(char *)python(), path, src, pdf, (char *)seeds[i].title, side, NULL};
        tool(dir, to_pdf, env);
    }
}

/* The fixtures of this test run: made by the first test that needs them
 * (in a directory of its own, renamed into place, so two tests running
 * at once never see half of them). */
static const char *fixtures(void) {
    snprintf(fixture_dir, sizeof fixture_dir, "/tmp/ajextract-fixtures-%d", (int)getppid());
    char done[600];
    snprintf(done, sizeof done, "%s/ready", fixture_dir);
    if (access(done, F_OK) == 0) return fixture_dir;
    char *tmp = th_tmpdir();
    make_fixtures(tmp);
    th_write_str(tmp, "ready", "");
    if (rename(tmp, fixture_dir) != 0) th_rmtree(tmp); /* another test won */
    free(tmp);
    cr_assert(access(done, F_OK) == 0, "fixtures not made in %s", fixture_dir);
    return fixture_dir;
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats) {
    (void)stats;
    char dir[512];
    snprintf(dir, sizeof dir, "/tmp/ajextract-fixtures-%d", (int)getpid());
    if (access(dir, F_OK) == 0) th_rmtree(dir);
}

static void fixture_path(char *out, size_t cap, size_t i, const char *ext) {
    snprintf(out, cap, "%s/%zu.%s", fixtures(), i, ext);
}

/* The seed's paragraphs as the indexer segments it (ps), and the words of
 * their text in the order of the file's lines (ws): each line segmented on
 * its own, so that markup, list markers and heading marks are gone as in
 * the paragraphs, but a paragraph the segmenter joins across footnotes
 * ("...Member States." after "<sup>1</sup> Preliminary data") does not
 * move them, as no extraction of the page can. */
static void seed_words(size_t i, paras *ps, words *ws) {
    char path[1024];
    snprintf(path, sizeof path, "corpus/%s", seeds[i].file);
    size_t n;
    char *src = th_read_ok(path, &n);
    segment(src, n, ps, NULL);
    memset(ws, 0, sizeof *ws);
    for (const char *p = src, *end = src + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        paras line;
        segment(p, (size_t)(nl - p), &line, NULL);
        for (size_t k = 0; k < line.n; k++)
            add_words(ws, line.p[k].text, strlen(line.p[k].text));
        paras_free(&line);
        p = nl + 1;
    }
    free(src);
}

/* The words of extracted paragraphs, labels included: the seed's "1" of a
 * footnote line may be the label of a "1 Title" line in the extraction. */
static size_t labelled_words(const paras *ps, words *ws) {
    size_t labels = 0;
    memset(ws, 0, sizeof *ws);
    for (size_t k = 0; k < ps->n; k++) {
        if (ps->p[k].label[0]) {
            add_words(ws, ps->p[k].label, strlen(ps->p[k].label));
            labels++;
        }
        add_words(ws, ps->p[k].text, strlen(ps->p[k].text));
    }
    return labels;
}

/* The labels of a paragraph list's items with a number or letter. */
static void item_labels(const paras *ps, char *out, size_t cap) {
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ps->n && n + 20 < cap; i++)
        if (ps->p[i].kind == AJ_PARA_ITEM && ps->p[i].label[0])
            n += (size_t)snprintf(out + n, cap - n, "%s ", ps->p[i].label);
}

/* Is there a heading of this text and markdown level? */
static int has_heading(const paras *ps, const char *text, int level) {
    for (size_t i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].text, text) && ps->p[i].kind == AJ_PARA_HEADING &&
            ps->p[i].head == level)
            return 1;
    return 0;
}

/* ---- the seeds in each format -------------------------------------------- */

static void check_format(const char *ext, const char *format) {
    for (size_t i = 0; i < NSEEDS; i++) {
        char file[1024], what[1200];
        fixture_path(file, sizeof file, i, ext);
        snprintf(what, sizeof what, "%s (%s)", file, seeds[i].file);
        run r;
        extract(fixtures(), file, 0, &r);
        doc_out o;
        parse_output(&r, what, &o);
        cr_assert_str_eq(o.format, format, "%s", what);
        cr_assert_str_eq(o.title, seeds[i].title, "%s: title", what);
        cr_assert_str_eq(o.date, seeds[i].date, "%s: date", what);
        paras sp, ep;
        words sw, ew;
        seed_words(i, &sp, &sw);
        segment(o.body, o.len, &ep, NULL);
        size_t labels = labelled_words(&ep, &ew);
        assert_in_order(&sw, &ew, what);
        /* Nothing much besides: labels, a title and a date. */
        cr_assert(ew.n <= sw.n + labels + 60, "%s: %zu words extracted from %zu", what,
                  ew.n, sw.n);
        if (!strcmp(format, "html")) {
            for (size_t k = 0; k < sizeof chrome_words / sizeof chrome_words[0]; k++)
                for (size_t w = 0; w < ew.n; w++)
                    cr_assert(strcmp(ew.w[w], chrome_words[k]),
                              "%s: page chrome \"%s\" came out", what, chrome_words[k]);
        }
        if (i == OVERVIEW && strcmp(format, "pdf")) {
            /* headings as markdown lines, items with their numbers */
            cr_assert(has_heading(&ep, "Overview of ASEAN-Japan Comprehensive Strategic "
                                       "Partnership", 2),
                      "%s: the ## heading", what);
            cr_assert(has_heading(&ep, "Introduction", 3), "%s: the ### heading", what);
            cr_assert(has_heading(&ep, "Japan's Support to Development Cooperation", 3),
                      "%s: the last ### heading", what);
            char want[2048], got[2048];
            item_labels(&sp, want, sizeof want);
            item_labels(&ep, got, sizeof got);
            cr_assert_str_eq(got, want, "%s: item labels", what);
        }
        paras_free(&sp);
        paras_free(&ep);
        words_free(&sw);
        words_free(&ew);
        run_free(&r);
    }
}

Test(extract, html_main_content_in_order, .timeout = 600) { check_format("html", "html"); }
Test(extract, docx_paragraphs_in_order, .timeout = 600) { check_format("docx", "docx"); }
Test(extract, pdf_text_in_order, .timeout = 600) { check_format("pdf", "pdf"); }

/* The body without the protocol's character references. */
static char *unescape(const char *s, size_t n) {
    char *out = malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '&') {
            static const struct {
                const char *ref;
                char c;
            } refs[] = {{"&lt;", '<'},   {"&gt;", '>'},   {"&amp;", '&'},
                        {"&#96;", '`'},  {"&#42;", '*'},  {"&#95;", '_'},
                        {"&#40;", '('},  {"&#35;", '#'}};
            size_t k;
            for (k = 0; k < sizeof refs / sizeof refs[0]; k++) {
                size_t len = strlen(refs[k].ref);
                if (n - i >= len && !memcmp(s + i, refs[k].ref, len)) {
                    out[o++] = refs[k].c;
                    i += len;
                    break;
                }
            }
            if (k < sizeof refs / sizeof refs[0]) continue;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

/* Pages: the count, the separators, and each page's first line at the
 * start of its part of the body; the segmenter makes nothing of them. */
Test(extract, pdf_pages, .timeout = 600) {
    for (size_t i = 0; i < NSEEDS; i++) {
        char file[1024], side[1024];
        fixture_path(file, sizeof file, i, "pdf");
        fixture_path(side, sizeof side, i, "pages");
        run r;
        extract(fixtures(), file, 0, &r);
        doc_out o;
        parse_output(&r, file, &o);
        size_t n;
        char *pages = th_read_ok(side, &n);
        long want = atol(pages);
        cr_assert(want >= 1);
        if (i == 0) cr_assert(want >= 5, "the Chairman's Statement fills several pages");
        cr_assert_eq(o.pages, want, "%s: pages %ld, drawn %ld", file, o.pages, want);
        long ff = 0;
        for (size_t k = 0; k < o.len; k++) ff += o.body[k] == '\f';
        cr_assert_eq(ff, want - 1, "%s: %ld form feeds for %ld pages", file, ff, want);
        /* page k's first drawn line starts page k's part */
        const char *line = strchr(pages, '\n') + 1, *part = o.body;
        for (long k = 1; k <= want; k++) {
            const char *nl = strchr(line, '\n');
            const char *stop = memchr(part, '\f', (size_t)(o.body + o.len - part));
            if (!stop) stop = o.body + o.len;
            char *text = unescape(part, (size_t)(stop - part));
            words lw = {0}, pw = {0};
            add_words(&lw, line, (size_t)(nl - line));
            add_words(&pw, text, strlen(text));
            cr_assert(lw.n > 0 && pw.n >= lw.n, "%s: page %ld is empty", file, k);
            for (size_t w = 0; w < lw.n; w++)
                cr_assert_str_eq(pw.w[w], lw.w[w], "%s: page %ld starts \"%.60s\"", file,
                                 k, text);
            words_free(&lw);
            words_free(&pw);
            free(text);
            line = nl + 1;
            part = stop < o.body + o.len ? stop + 2 : stop;
        }
        /* The separators are blank lines to the segmenter: no paragraph
         * of its own, none holding a form feed. */
        paras ps;
        segment(o.body, o.len, &ps, NULL);
        for (size_t k = 0; k < ps.n; k++) {
            cr_assert(ps.p[k].text[0], "%s: an empty paragraph", file);
            cr_assert(!strchr(ps.p[k].text, '\f'), "%s: a form feed in a paragraph", file);
        }
        paras_free(&ps);
        free(pages);
        run_free(&r);
    }
}

/* ---- sniffing ----------------------------------------------------------------- */

static aj_docfmt sniff_str(const char *s) { return aj_extract_sniff(s, strlen(s)); }

Test(extract, sniff_signatures) {
    cr_assert_eq(sniff_str("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), AJ_DOCFMT_PDF);
    cr_assert_eq(sniff_str("junk before\n%PDF-1.4\n...\n%%EOF\n"), AJ_DOCFMT_PDF);
    cr_assert_eq(sniff_str("The %PDF-1.7 header starts a PDF file.\n"), AJ_DOCFMT_TEXT,
                 "text that mentions the signature");
    cr_assert_eq(sniff_str("%PDF-x"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str("<!DOCTYPE html>\n<html><body>x"), AJ_DOCFMT_HTML);
    cr_assert_eq(sniff_str("\xef\xbb\xbf  \n<!-- saved -->\n<!doctype HTML><p>x"), AJ_DOCFMT_HTML);
    cr_assert_eq(sniff_str("<?xml version=\"1.0\"?>\n<html xmlns=\"x\">"), AJ_DOCFMT_HTML);
    cr_assert_eq(sniff_str("<HEAD><title>x</title>"), AJ_DOCFMT_HTML);
    cr_assert_eq(sniff_str("\n\n<body>\nx"), AJ_DOCFMT_HTML);
    cr_assert_eq(sniff_str("<htmlx>"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str("# Title\n\n<html> in a markdown file\n"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str("<!-- a comment -->\n# Markdown\n"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str("<div>fragment</div>"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str("<!-- never closed <html>"), AJ_DOCFMT_TEXT);
    cr_assert_eq(sniff_str(""), AJ_DOCFMT_TEXT);
    cr_assert_eq(aj_extract_sniff(NULL, 0), AJ_DOCFMT_TEXT);
    cr_assert_str_eq(aj_docfmt_name(AJ_DOCFMT_DOCX), "docx");
}

Test(extract, sniff_zip, .timeout = 300) {
    const char *dir = fixtures();
    char path[1024];
    fixture_path(path, sizeof path, 0, "docx");
    size_t n;
    char *zip = th_read_ok(path, &n);
    cr_assert_eq(aj_extract_sniff(zip, n), AJ_DOCFMT_DOCX, "through the central directory");
    /* the first 64 KiB alone: the local headers */
    size_t h = n < AJ_SNIFF_HEAD ? n : AJ_SNIFF_HEAD;
    cr_assert_eq(aj_extract_sniff_ends(zip, h, NULL, 0, n), AJ_DOCFMT_DOCX, "head only");
    /* cut: no end record, and the local header of document.xml is kept */
    cr_assert_eq(aj_extract_sniff(zip, n / 2), AJ_DOCFMT_DOCX, "truncated");
    free(zip);
    char other[1024];
    snprintf(other, sizeof other, "%s/notdocx-%d.zip", dir, (int)getpid());
    th_write_str(dir, "mkzip.py", MKZIP_PY);
    char script[1024];
    snprintf(script, sizeof script, "%s/mkzip.py", dir);
    char *mk[] = {(char *)python(), script, "notdocx", other, NULL};
    tool(dir, mk, NULL);
    zip = th_read_ok(other, &n);
    cr_assert_eq(aj_extract_sniff(zip, n), AJ_DOCFMT_TEXT, "a zip without word/document.xml");
    free(zip);
    unlink(other);
}

/* The format comes from the bytes, never from the name. */
Test(extract, sniff_ignores_names, .timeout = 300) {
    const char *dir = fixtures();
    static const struct {
        const char *ext, *as, *format;
    } cases[] = {{"pdf", "pdf-named.txt", "pdf"},
                 {"html", "html-named.md", "html"},
                 {"docx", "docx-without-extension", "docx"}};
    for (size_t k = 0; k < 3; k++) {
        char src[1024], dst[1024];
        fixture_path(src, sizeof src, 2, cases[k].ext);
        snprintf(dst, sizeof dst, "%s/%d-%s", dir, (int)getpid(), cases[k].as);
        size_t n;
        char *bytes = th_read_ok(src, &n);
        FILE *f = fopen(dst, "wb");
        cr_assert(f);
        fwrite(bytes, 1, n, f);
        fclose(f);
        size_t h = n < AJ_SNIFF_HEAD ? n : AJ_SNIFF_HEAD;
        cr_assert_str_eq(aj_docfmt_name(aj_extract_sniff(bytes, h)), cases[k].format, "%s", dst);
        run r;
        extract(dir, dst, 0, &r);
        doc_out o;
        parse_output(&r, dst, &o);
        cr_assert_str_eq(o.format, cases[k].format, "%s", dst);
        cr_assert(o.len > 1000, "%s: %zu bytes of text", dst, o.len);
        run_free(&r);
        free(bytes);
        unlink(dst);
    }
}

/* ---- the protocol's details, on small pages ------------------------------- */

/* Extracts an HTML page given as a string; returns its segmented paragraphs. */
static void extract_html_string(const char *html, paras *ps, doc_out *o, run *r) {
    char *dir = th_tmpdir();
    th_write_str(dir, "page.html", html);
    char file[1100];
    snprintf(file, sizeof file, "%s/page.html", dir);
    extract(dir, file, 0, r);
    parse_output(r, file, o);
    segment(o->body, o->len, ps, NULL);
    th_rmtree(dir);
    free(dir);
}

static void assert_para(const paras *ps, size_t i, int kind, const char *label,
                        const char *text) {
    cr_assert(i < ps->n, "only %zu paragraphs, wanted %zu: \"%s\"", ps->n, i + 1, text);
    const para *p = &ps->p[i];
    cr_assert_str_eq(p->text, text, "paragraph %zu", i);
    cr_assert_eq(p->kind, kind, "paragraph %zu (\"%s\"): kind %d", i, text, p->kind);
    cr_assert_str_eq(p->label, label, "paragraph %zu (\"%s\"): label", i, text);
}

Test(extract, html_structure) {
    paras ps;
    doc_out o;
    run r;
    extract_html_string(
        "<!DOCTYPE html><html><head><title>  A &amp; B\n page </title>"
        "<meta property=\"article:published_time\" content=\"2024-02-29T08:00:00+07:00\">"
        "<style>p { color: red }</style></head>"
        "<body class=\"has-sidebar\"><div class=\"menu\">Menuword</div>"
        "<main><h1>Main <br>title</h1>"
        "<p>E = mc<sup>2</sup> and H<sub>2</sub>O, caf&eacute; &amp; co.</p>"
        "<ol start=\"5\"><li>Fifth</li><li><p>Sixth, loose</p></li><li value=\"9\">Ninth"
        "<ul><li>Inner bullet</li></ul></li></ol>"
        "<ol type=\"i\"><li>Roman one</li><li>Roman two</li></ol>"
        "<ol type=\"a\"><li>Letter a</li><li>Letter b</li></ol>"
        "<p>Line one.<br>Line two<br>and its end</p>"
        "<table><tr><td>Cell A</td><td>Cell B</td></tr></table>"
        "<p>A &lt;b&gt; tag, R&amp;D, **stars**, snake__case, `code`, [x](y)</p>"
        "<p># not a heading</p><p>&gt; not a quote</p>"
        "<article><header><h2>Article title</h2></header><p>Body.</p>"
        "<footer>Footerword</footer></article>"
        "<li></li><p>After an empty item</p>"
        "<pre>Pre line 1\nPre line 2</pre>"
        "<div hidden>Hiddenword</div><span aria-hidden=\"true\">Ariaword</span>"
        "</main><p>Outsideword</p></body></html>",
        &ps, &o, &r);
    cr_assert_str_eq(o.title, "A & B page");
    cr_assert_str_eq(o.date, "2024-02-29");
    size_t i = 0;
    assert_para(&ps, i++, AJ_PARA_HEADING, "", "Main title");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "E = mc2 and H2O, café & co.");
    assert_para(&ps, i++, AJ_PARA_ITEM, "5", "Fifth");
    assert_para(&ps, i++, AJ_PARA_ITEM, "6", "Sixth, loose");
    assert_para(&ps, i++, AJ_PARA_ITEM, "9", "Ninth");
    assert_para(&ps, i++, AJ_PARA_ITEM, "", "Inner bullet");
    assert_para(&ps, i++, AJ_PARA_ITEM, "i", "Roman one");
    assert_para(&ps, i++, AJ_PARA_ITEM, "ii", "Roman two");
    assert_para(&ps, i++, AJ_PARA_ITEM, "a", "Letter a");
    assert_para(&ps, i++, AJ_PARA_ITEM, "b", "Letter b");
    /* a <br> is a line break: the segmenter makes each line a paragraph,
     * unless it reads the next line as the same sentence going on */
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Line one.");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Line two and its end");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Cell A");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Cell B");
    assert_para(&ps, i++, AJ_PARA_BODY, "",
                "A <b> tag, R&D, **stars**, snake__case, `code`, [x](y)");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "# not a heading");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "> not a quote");
    assert_para(&ps, i++, AJ_PARA_HEADING, "", "Article title");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Body.");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "After an empty item");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Pre line 1");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Pre line 2");
    cr_assert_eq(ps.n, i, "%zu paragraphs; the last: \"%s\"", ps.n, ps.p[ps.n - 1].text);
    cr_assert(!memmem(o.body, o.len, "word", 4), "chrome came out: %.*s", (int)o.len, o.body);
    paras_free(&ps);
    run_free(&r);

    /* No <main>: articles; neither: the body, chrome dropped; a main with
     * no text: the body after all. */
    extract_html_string("<html><body><p>Outside</p><article><p>In one</p></article>"
                        "<div><article><p>In two</p></article></div></body></html>",
                        &ps, &o, &r);
    cr_assert_eq(ps.n, 2);
    assert_para(&ps, 0, AJ_PARA_BODY, "", "In one");
    assert_para(&ps, 1, AJ_PARA_BODY, "", "In two");
    paras_free(&ps);
    run_free(&r);
    extract_html_string("<html><body><header>Site</header><p>Only text</p>"
                        "<main></main></body></html>",
                        &ps, &o, &r);
    cr_assert_eq(ps.n, 1);
    assert_para(&ps, 0, AJ_PARA_BODY, "", "Only text");
    paras_free(&ps);
    run_free(&r);
    /* a page inside one <form> (ASP.NET) keeps its text */
    extract_html_string("<html><body><form id=\"aspnetForm\"><h2>Notice</h2>"
                        "<p>All the text of the page is inside the form.</p>"
                        "</form><form><input name=q><button>Go</button></form></body></html>",
                        &ps, &o, &r);
    cr_assert_eq(ps.n, 2);
    assert_para(&ps, 0, AJ_PARA_HEADING, "", "Notice");
    paras_free(&ps);
    run_free(&r);
    /* a legacy charset, declared in a meta element */
    extract_html_string("<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title>"
                        "</head><body><p>Na\xefve \x93quotes\x94</p></body></html>",
                        &ps, &o, &r);
    cr_assert_str_eq(o.title, "Café");
    assert_para(&ps, 0, AJ_PARA_BODY, "", "Naïve “quotes”");
    paras_free(&ps);
    run_free(&r);
}

Test(extract, docx_structure, .timeout = 120) {
    char *dir = th_tmpdir();
    th_write_str(dir, "mkdocx.py", MKDOCX_PY);
    char script[1100], file[1100];
    snprintf(script, sizeof script, "%s/mkdocx.py", dir);
    snprintf(file, sizeof file, "%s/made.docx", dir);
    char *mk[] = {(char *)python(), script, file, NULL};
    tool(dir, mk, NULL);
    run r;
    extract(dir, file, 0, &r);
    doc_out o;
    parse_output(&r, file, &o);
    cr_assert_str_eq(o.title, "Quarterly report");
    cr_assert_str_eq(o.date, "2021-02-28");
    paras ps;
    segment(o.body, o.len, &ps, NULL);
    size_t i = 0;
    assert_para(&ps, i++, AJ_PARA_HEADING, "", "Report of the Quarter");
    cr_assert_eq(ps.p[0].head, 1);
    assert_para(&ps, i++, AJ_PARA_HEADING, "", "Background");
    cr_assert_eq(ps.p[1].head, 1, "a style named \"heading 1\"");
    assert_para(&ps, i++, AJ_PARA_HEADING, "", "Context");
    cr_assert_eq(ps.p[2].head, 2, "outline level 1, through basedOn");
    assert_para(&ps, i++, AJ_PARA_ITEM, "ii", "First numbered");
    assert_para(&ps, i++, AJ_PARA_ITEM, "iii", "Second numbered");
    assert_para(&ps, i++, AJ_PARA_ITEM, "", "Nested bullet");
    assert_para(&ps, i++, AJ_PARA_ITEM, "iv", "Third numbered");
    assert_para(&ps, i++, AJ_PARA_ITEM, "5", "Styled list item");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Kept text after tab");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Next line");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Before box");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Boxed words");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "after box");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Cell one");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "Cell two");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "A <b> tag, R&D, **stars** and snake__case");
    assert_para(&ps, i++, AJ_PARA_BODY, "", "# not a heading");
    cr_assert_eq(ps.n, i, "%zu paragraphs", ps.n);
    cr_assert(!memmem(o.body, o.len, "Deletedword", 11) && !memmem(o.body, o.len, "Fallbackword", 12));
    paras_free(&ps);
    run_free(&r);
    th_rmtree(dir);
    free(dir);
}

/* ---- hostile inputs -------------------------------------------------------------- */

static void write_bytes(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* A PDF of n empty pages in a flat page tree, written directly. */
static const char MKPAGES_PY[] =
    "import sys\n"
    "n, path = int(sys.argv[1]), sys.argv[2]\n"
    "out = bytearray(b'%PDF-1.4\\n')\n"
    "offs = {}\n"
    "def obj(num, body):\n"
    "    offs[num] = len(out); out.extend(b'%d 0 obj\\n' % num + body + b'\\nendobj\\n')\n"
    "obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')\n"
    "kids = b' '.join(b'%d 0 R' % (3 + i) for i in range(n))\n"
    "obj(2, b'<< /Type /Pages /Kids [' + kids + b'] /Count %d /MediaBox [0 0 612 792] >>' % n)\n"
    "for i in range(n): obj(3 + i, b'<< /Type /Page /Parent 2 0 R >>')\n"
    "x = len(out); size = n + 3\n"
    "out.extend(b'xref\\n0 %d\\n0000000000 65535 f \\n' % size)\n"
    "for k in range(1, size): out.extend(b'%010d 00000 n \\n' % offs[k])\n"
    "out.extend(b'trailer\\n<< /Size %d /Root 1 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n' % (size, x))\n"
    "open(path, 'wb').write(out)\n";

Test(extract, hostile_pdfs, .timeout = 300) {
    char *dir = th_tmpdir(), file[1100], src[1024];
    fixture_path(src, sizeof src, 0, "pdf");
    size_t n;
    char *pdf = th_read_ok(src, &n);
    snprintf(file, sizeof file, "%s/truncated.pdf", dir);
    write_bytes(file, pdf, n / 2);
    assert_refused(dir, file, "truncated PDF", "a PDF cut in half");
    /* cut, then given an end marker: poppler's repair must not crash */
    char *cut = malloc(n);
    memcpy(cut, pdf, n / 3);
    memcpy(cut + n / 3, "\n%%EOF\n", 7);
    snprintf(file, sizeof file, "%s/cut-with-eof.pdf", dir);
    write_bytes(file, cut, n / 3 + 7);
    run r;
    extract(dir, file, AS_LIMIT, &r);
    char why[800];
    describe(&r, why, sizeof why);
    cr_assert(exited_with(&r, 0) || exited_with(&r, 2), "cut PDF with %%%%EOF: %s", why);
    run_free(&r);
    /* garbage behind a PDF signature */
    uint64_t seed = 42;
    char *junk = malloc(1 << 20);
    for (size_t i = 0; i < 1 << 20; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        junk[i] = (char)seed;
    }
    memcpy(junk, "%PDF-1.7\n", 9);
    memcpy(junk + (1 << 20) - 7, "\n%%EOF\n", 7);
    snprintf(file, sizeof file, "%s/garbage.pdf", dir);
    write_bytes(file, junk, 1 << 20);
    assert_refused(dir, file, "PDF", "garbage behind %PDF-");
    /* an encrypted PDF would say "encrypted PDF": reportlab can make one */
    char script[1100], enc[1100];
    snprintf(script, sizeof script, "%s/enc.py", dir);
    snprintf(enc, sizeof enc, "%s/encrypted.pdf", dir);
    th_write_str(dir, "enc.py",
                 "import sys\nfrom reportlab.pdfgen import canvas\n"
                 "from reportlab.lib import pdfencrypt\n"
                 "e = pdfencrypt.StandardEncryption('secret', canPrint=0)\n"
                 "c = canvas.Canvas(sys.argv[1], encrypt=e)\n"
                 "c.drawString(72, 720, 'Secret words'); c.save()\n");
    char *mk[] = {(char *)python(), script, enc, NULL};
    tool(dir, mk, NULL);
    assert_refused(dir, enc, "encrypted PDF", "a PDF with a user password");
    /* pages: one over the limit; three empty ones still count */
    th_write_str(dir, "pages.py", MKPAGES_PY);
    snprintf(script, sizeof script, "%s/pages.py", dir);
    snprintf(file, sizeof file, "%s/many-pages.pdf", dir);
    char *many[] = {(char *)python(), script, "100001", file, NULL};
    tool(dir, many, NULL);
    assert_refused(dir, file, "PDF of 100001 pages (the limit is 100000)", "100,001 pages");
    snprintf(file, sizeof file, "%s/three-pages.pdf", dir);
    char *three[] = {(char *)python(), script, "3", file, NULL};
    tool(dir, three, NULL);
    extract(dir, file, AS_LIMIT, &r);
    doc_out o;
    parse_output(&r, file, &o);
    cr_assert_eq(o.pages, 3);
    cr_assert(o.len == 4 && !memcmp(o.body, "\f\n\f\n", 4), "three empty pages: %zu bytes",
              o.len);
    run_free(&r);
    free(junk);
    free(cut);
    free(pdf);
    th_rmtree(dir);
    free(dir);
}

Test(extract, hostile_archives, .timeout = 600) {
    char *dir = th_tmpdir(), script[1100], file[1100];
    th_write_str(dir, "mkzip.py", MKZIP_PY);
    snprintf(script, sizeof script, "%s/mkzip.py", dir);
    static const struct {
        const char *kind, *why;
    } bombs[] = {{"big", "too large when uncompressed"},
                 {"ratio", "compression ratio above 100:1"},
                 {"liar", "inflates past its declared size"}};
    for (size_t k = 0; k < 3; k++) {
        snprintf(file, sizeof file, "%s/%s.docx", dir, bombs[k].kind);
        char *mk[] = {(char *)python(), script, (char *)bombs[k].kind, file, NULL};
        tool(dir, mk, NULL);
        struct stat st;
        cr_assert(stat(file, &st) == 0 && st.st_size < (4 << 20),
                  "%s: the bomb is small", file);
        assert_refused(dir, file, bombs[k].why, bombs[k].kind);
    }
    /* a local header named word/document.xml, then garbage */
    unsigned char buf[4096];
    memset(buf, 0x5a, sizeof buf);
    memset(buf, 0, 30);
    memcpy(buf, "PK\3\4", 4);
    buf[4] = 20;  /* version needed */
    buf[8] = 8;   /* deflated */
    buf[26] = 17; /* name length */
    memcpy(buf + 30, "word/document.xml", 17);
    snprintf(file, sizeof file, "%s/broken.docx", dir);
    write_bytes(file, (const char *)buf, sizeof buf);
    cr_assert_eq(aj_extract_sniff(buf, sizeof buf), AJ_DOCFMT_DOCX);
    assert_refused(dir, file, "zip", "a broken zip");
    th_rmtree(dir);
    free(dir);
}

Test(extract, hostile_html_and_garbage, .timeout = 600) {
    char *dir = th_tmpdir(), file[1100];
    /* 100,000 nested elements */
    size_t levels = 100000, n = 0;
    char *deep = malloc(levels * 11 + 64);
    n += (size_t)sprintf(deep, "<html><body>");
    for (size_t i = 0; i < levels; i++) n += (size_t)sprintf(deep + n, "<div>");
    n += (size_t)sprintf(deep + n, "deep");
    for (size_t i = 0; i < levels; i++) n += (size_t)sprintf(deep + n, "</div>");
    snprintf(file, sizeof file, "%s/deep.html", dir);
    write_bytes(file, deep, n);
    assert_refused(dir, file, "nested deeper than", "100,000 nested elements");
    free(deep);
    /* more text than the limit */
    size_t big = (size_t)AJ_EXTRACT_MAX_TEXT + (8u << 20);
    char *text = malloc(big + 64);
    n = (size_t)sprintf(text, "<html><body><p>");
    static const char words[] = "many words of text ";
    while (n + sizeof words < big) {
        memcpy(text + n, words, sizeof words - 1);
        n += sizeof words - 1;
    }
    snprintf(file, sizeof file, "%s/huge.html", dir);
    write_bytes(file, text, n);
    assert_refused(dir, file, "more than 64 MiB of text", "72 MiB of text");
    free(text);
    /* binary garbage, and an empty file */
    uint64_t seed = 7;
    char *junk = malloc(1 << 20);
    for (size_t i = 0; i < 1 << 20; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        junk[i] = (char)(seed >> 11);
    }
    snprintf(file, sizeof file, "%s/garbage.bin", dir);
    write_bytes(file, junk, 1 << 20);
    assert_refused(dir, file, "not a PDF, HTML or DOCX", "binary garbage");
    snprintf(file, sizeof file, "%s/empty.html", dir);
    write_bytes(file, "", 0);
    assert_refused(dir, file, "empty file", "an empty file");
    /* not a regular file, and no file at all */
    assert_refused(dir, dir, "not a regular file", "a directory");
    snprintf(file, sizeof file, "%s/missing.pdf", dir);
    assert_refused(dir, file, "No such file", "a missing file");
    /* a control character in the name stays on one line */
    snprintf(file, sizeof file, "%s/new\nline.bin", dir);
    write_bytes(file, junk, 100);
    run r;
    extract(dir, file, AS_LIMIT, &r);
    cr_assert(exited_with(&r, 2));
    cr_assert(strstr(r.err, "new?line.bin") && r.err[r.err_len - 1] == '\n' &&
                  memchr(r.err, '\n', r.err_len) == r.err + r.err_len - 1,
              "%s", r.err);
    run_free(&r);
    free(junk);
    th_rmtree(dir);
    free(dir);
}

Test(extract, usage_errors) {
    char *dir = th_tmpdir();
    char *none[] = {(char *)extractor(), NULL};
    run r;
    run_argv(dir, none, NULL, 0, &r);
    cr_assert(exited_with(&r, 2) && strstr(r.err, "usage:"), "%s", r.err);
    run_free(&r);
    char *bad[] = {(char *)extractor(), "--cpu", "0", "x", NULL};
    run_argv(dir, bad, NULL, 0, &r);
    cr_assert(exited_with(&r, 2) && strstr(r.err, "usage:"), "%s", r.err);
    run_free(&r);
    th_rmtree(dir);
    free(dir);
}

/* ---- the sniffer's fuzzer ----------------------------------------------------------- */

/* As tests/test_fuzz.c runs the others: replay the seeds and regressions,
 * then fuzz for $AJ_FUZZ_SECONDS (0: replay only).  The harness is in
 * $AJ_FUZZ_BUILD (default build-fuzz/). */
Test(extract, sniff_fuzzer, .timeout = 900) {
    const char *secs = getenv("AJ_FUZZ_SECONDS");
    const char *fb = getenv("AJ_FUZZ_BUILD");
    if (!secs || !*secs) secs = "30";
    if (!fb || !*fb) fb = "build-fuzz";
    char *scratch = th_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/crashes && %s/fuzz_sniff -runs=0 -timeout=10 -rss_limit_mb=2048 "
             "-artifact_prefix=%s/crashes/sniff- tests/fuzz/regress/sniff tests/fuzz/seeds/sniff "
             "> %s/replay.log 2>&1",
             fb, fb, fb, scratch);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "tail -30 %s/replay.log >&2", scratch);
        (void)system(cmd);
    }
    cr_assert_eq(rc, 0, "sniff: replaying seeds and regressions failed");
    if (atoi(secs) > 0) {
        snprintf(cmd, sizeof cmd,
                 "%s/fuzz_sniff -max_total_time=%s -timeout=10 -rss_limit_mb=2048 "
                 "-max_len=200000 -dict=tests/fuzz/sniff.dict "
                 "-artifact_prefix=%s/crashes/sniff- -print_final_stats=1 "
                 "%s tests/fuzz/seeds/sniff > %s/fuzz.log 2>&1",
                 fb, secs, fb, scratch, scratch);
        rc = system(cmd);
        snprintf(cmd, sizeof cmd,
                 "grep -h -E 'number_of_executed_units|ERROR|SUMMARY|invariant' "
                 "%s/fuzz.log | sed 's/^/fuzz sniff: /' >&2",
                 scratch);
        (void)system(cmd);
        if (rc != 0) {
            snprintf(cmd, sizeof cmd, "tail -40 %s/fuzz.log >&2", scratch);
            (void)system(cmd);
        }
        cr_assert_eq(rc, 0, "sniff: the fuzzer found a failing input (see %s/crashes/)", fb);
    }
    th_rmtree(scratch);
    free(scratch);
}
