/*
 * main.c - the ajsearch command line: a thin layer over the library.
 * This is the only place that prints or exits.  Exit status is 0 when
 * something was found (or a command succeeded), 1 when a search found
 * nothing, 2 on any error, as with grep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ajsearch.h"
#include "../segment.h"
#include "out.h"

#define EXIT_HITS 0
#define EXIT_NOHITS 1
#define EXIT_ERR 2

#define SNIPPET_BYTES 320
#define HEADING_CITE_BYTES 80   /* of a heading cited for a paragraph */
#define GROUP_HITS 3            /* best paragraphs shown per document */
/* --mark: plain-text brackets around matches, visible without colour and
 * easy to find with grep or sed. */
#define MARK_ON "[["
#define MARK_OFF "]]"
#define WRAP_COLUMNS 96
#define ECHO_BYTES 200          /* of the query, in the results header */
/* A query read from a file or a line of --stdin is kept up to a little
 * over the library's limit (room for a CR), so that an endless line costs
 * bounded memory and still gets the library's "too long" error. */
#define QUERY_READ_MAX (AJ_MAX_QUERY_BYTES + 2)
/* analyze takes inputs as long as the longest paragraph the indexer
 * analyzes. */
#define ANALYZE_MAX AJ_MAX_PARA_BYTES

typedef struct {
    const char *index_dir;
    const char *corpus_dir;
    int json, count, explain, help;
    int mark, html, group;      /* search --mark, --html, --group */
    int stdin_mode;             /* search --stdin: one query per line */
    int no_correct;             /* search --no-correct */
    const char *query_file;     /* search --query-file: the whole query */
    int threads;                /* index --threads */
    uint64_t memory;            /* index --memory, bytes */
    int color;                  /* resolved: 1 = emit ANSI colours */
    const char *color_opt;      /* auto|always|never */
    aj_search_opts so;
    char **args;                /* non-option arguments */
    int nargs;
} options;

static const char *prog = "ajsearch";

static const char usage_main[] =
    "usage: ajsearch [search] [options] QUERY...\n"
    "       ajsearch index   [--corpus DIR] [--index DIR] [--threads N] [--memory SIZE]\n"
    "       ajsearch analyze [--json] [TEXT...]\n"
    "       ajsearch stats   [--json] [--index DIR]\n"
    "       ajsearch dump    [--json] [--index DIR]\n"
    "       ajsearch check   [--index DIR]\n"
    "       ajsearch acronyms [--json] [--index DIR]\n"
    "       ajsearch --version | --help | COMMAND --help\n"
    "\n"
    "Searches the paragraphs of the documents indexed from a corpus directory.\n"
    "\n"
    "Query language:\n"
    "  maritime security      every word must occur (AND); then paragraphs\n"
    "                         with some of the words, marked (k of n), rarer\n"
    "                         words counting more; see --rank\n"
    "  a OR b                 either (precedence: NOT > AND > OR)\n"
    "  a AND b                explicit AND (same as juxtaposition)\n"
    "  a NOT b, a -b          a but not b; NOT needs a positive term beside it\n"
    "  ( ... )                grouping, up to 64 levels\n"
    "  \"south china sea\"      phrase: consecutive words (stemmed)\n"
    "  cooperat*              prefix of a word as written (not of its stem)\n"
    "  NEAR(a b \"c d\", 5)     every item within a window holding at most 5\n"
    "                         other words, any order (N 0-1000, default 10)\n"
    "  a NEAR/5 b, a NEAR b   the same for two items (NEAR alone: 10)\n"
    "  chnage~1, chnage~2     also the words 1 (~, ~1) or 2 (~2) edits away\n"
    "                         (swap, insert, delete, change); words of 1-2\n"
    "                         letters match exactly, of 3-5 with 1 edit at most;\n"
    "                         exact matches score highest\n"
    "  Operators are upper case; lower-case and/or/not are ordinary words.\n"
    "  Words are case- and accent-insensitive and stemmed (English Snowball);\n"
    "  British and American spellings are one (colour = color, defence = defense);\n"
    "  a word that splits into several (ASEAN-Japan, COVID19, 12th) is a phrase.\n"
    "  A plain word the index lacks gets \"Did you mean: ...?\"; when no\n"
    "  paragraph has all the words, the corrected query runs instead (see\n"
    "  --no-correct).\n"
    "  Expansion (off with --no-expand; the header says \"also searched: ...\"):\n"
    "  a word the corpus also writes split is searched both ways (cybersecurity =\n"
    "  \"cyber security\", people to people = \"peopleto people\"), and an\n"
    "  acronym the corpus defines (\"... Sea (UNCLOS)\", see `ajsearch acronyms`)\n"
    "  matches its long form and the long form matches it.\n"
    "  Limits: 64 KiB, 64 nested parentheses, 1024 terms, 50,000 words for one\n"
    "  prefix or ~ word, 33,554,432 postings for all prefixes, phrases, NEARs\n"
    "  and ~ words of a query.\n"
    "\n"
    "Search options:\n"
    "  -n, --limit N          show N hits (default 10)\n"
    "      --offset N         skip the first N hits\n"
    "      --count            print only the number of matching paragraphs\n"
    "      --stdin            read one query per line (any bytes but newline,\n"
    "                         a final CR dropped) from standard input; with\n"
    "                         --json each hit gets a \"query\" field (the line\n"
    "                         number); with --count one count per line\n"
    "      --query-file FILE  the query is the whole of FILE (any bytes; - for\n"
    "                         standard input) but for one trailing newline\n"
    "      --json             one JSON object per hit (JSON Lines), with \"cite\",\n"
    "                         \"heading\", \"text_matches\" (byte ranges in \"text\")\n"
    "                         and \"matches\" (byte ranges in the source file, null\n"
    "                         when it is missing or changed since indexing)\n"
    "      --corpus DIR       the indexed corpus, read for \"matches\" (default\n"
    "                         $AJSEARCH_CORPUS or ./corpus)\n"
    "      --mark             put [[ and ]] around matches (visible without colour)\n"
    "      --html             an HTML fragment: a <section> per query, hits in <ol>,\n"
    "                         matches in <mark>, everything else escaped text\n"
    "      --group            by document: documents in order of their best\n"
    "                         paragraph, each with its number of matching paragraphs\n"
    "                         and its best 3; -n and --offset count documents; works\n"
    "                         with --json (one object per document) and --html\n"
    "      --explain          show each hit's per-term BM25 contributions\n"
    "      --no-correct       when nothing matches, do not run the corrected\n"
    "                         query (\"Did you mean\" is still shown)\n"
    "      --no-expand        search only what is written: no compound or\n"
    "                         acronym alternatives\n"
    "      --k1 X, --b X      BM25 parameters (default 0.6 and 0.3, with\n"
    "                         --rank=bm25 1.2 and 0.75)\n"
    "      --rank=MODE        full (default): BM25 times a proximity factor (query\n"
    "                         words close together and in order) and a heading\n"
    "                         factor (query words in the paragraph's section\n"
    "                         heading), a heading itself counting less, then\n"
    "                         partial matches; one ranking, every page a slice\n"
    "                         of it; bm25: exact BM25 of the matching paragraphs\n"
    "      --proximity W, --heading W\n"
    "                         weights of those factors (default 0.5 and 0: the\n"
    "                         section heading counts only when asked for)\n"
    "      --heading-hit F    factor of a hit that is itself a heading (0-1,\n"
    "                         default 0.5)\n"
    "      --no-partial       only paragraphs that match the whole query; by\n"
    "                         default, paragraphs matching some of the words\n"
    "                         follow, marked (k of n), by their share of the\n"
    "                         query (rarer words weigh more); one holding only\n"
    "                         words found in over a quarter of the paragraphs\n"
    "                         is not listed\n"
    "      --color=WHEN       highlight matches: auto (default), always, never\n"
    "      --index DIR        index directory (default $AJSEARCH_INDEX or ./index)\n"
    "\n"
    "Each hit is cited by title, date and its own number (\xC2\xB6 28), else the\n"
    "heading of its section, else its ordinal.  The snippet is the window of a\n"
    "long paragraph with the most distinct matched words, every match highlighted.\n"
    "\n"
    "Exit status: 0 hits listed (full or partial matches), 1 none, 2 error.\n";

static const char usage_index[] =
    "usage: ajsearch index [--corpus DIR] [--index DIR] [--threads N] [--memory SIZE]\n"
    "\n"
    "Indexes every .txt and .md file under DIR (default ./corpus), with the\n"
    "titles, dates and sources of DIR/metadata.tsv, into the index directory\n"
    "(default $AJSEARCH_INDEX or ./index).  The new index replaces the old one\n"
    "atomically; a failed or interrupted build leaves the old one in place.\n"
    "Reports what it did on standard error.\n"
    "\n"
    "  --threads N     indexing threads (default: one per CPU); the index is\n"
    "                  byte-identical whatever N is\n"
    "  --memory SIZE   postings kept in memory before they spill to sorted runs\n"
    "                  on disk (default 512M; e.g. 256M, 2G)\n";

static const char usage_analyze[] =
    "usage: ajsearch analyze [--json] [TEXT...]\n"
    "\n"
    "Shows the terms the analyzer makes of each TEXT (or of each line of\n"
    "standard input when no TEXT is given), one input per output line.\n"
    "With --json: an array of {\"term\",\"word\",\"pos\",\"start\",\"end\"} per\n"
    "input, where word is the unstemmed folded form and start/end are byte\n"
    "offsets into the input.  An input may hold any bytes and be up to 1 MiB\n"
    "long (the longest paragraph the indexer analyzes).\n";

static const char usage_stats[] =
    "usage: ajsearch stats [--json] [--index DIR]\n"
    "\n"
    "Prints the index's counts (documents, paragraphs, distinct terms,\n"
    "postings, positions, average paragraph length, acronyms mined and the\n"
    "bytes they take), the BM25 parameters and the size of each index file.\n";

static const char usage_dump[] =
    "usage: ajsearch dump [--json] [--index DIR]\n"
    "\n"
    "Prints every paragraph, one per line, in id order: with --json\n"
    "{\"id\",\"doc\",\"title\",\"para\",\"label\",\"start\",\"end\",\"len\",\"text\",\"kind\"};\n"
    "text is exactly the analyzed text, len its number of terms and kind\n"
    "body, heading or item.\n";

static const char usage_acronyms[] =
    "usage: ajsearch acronyms [--json] [--index DIR]\n"
    "\n"
    "Lists the acronyms the index found defined in the corpus (\"Long Form (ACR)\"\n"
    "or \"ACR (Long Form)\"), which searches expand: each acronym, its long form,\n"
    "the number of paragraphs defining it so, and the first of them.  --json\n"
    "prints one object per line: {\"acronym\",\"long_form\",\"count\",\"id\",\"doc\",\n"
    "\"title\",\"para\",\"label\"} (id, doc, para, label: the first paragraph).\n";

static const char usage_check[] =
    "usage: ajsearch check [--index DIR]\n"
    "\n"
    "Verifies every checksum and structural invariant of the index.\n"
    "Exit status 0 when it is sound, 2 with a precise message otherwise.\n";

/* fmt holds one %s, for arg, which may come from the command line and is
 * shown through out_safe like everything else a user did not write here. */
static void die_usage(const char *fmt, const char *arg) {
    const char *at = strstr(fmt, "%s");
    fprintf(stderr, "%s: ", prog);
    if (at) {
        fwrite(fmt, 1, (size_t)(at - fmt), stderr);
        out_safe_cstr(stderr, arg);
        fputs(at + 2, stderr);
    } else {
        fputs(fmt, stderr);
    }
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    exit(EXIT_ERR);
}

static void report(const aj_ctx *c) {
    fprintf(stderr, "%s: %s: ", prog, aj_strerror(c->err));
    out_safe(stderr, c->msg, strlen(c->msg));
    fputc('\n', stderr);
}

/* Reads one line of f, without its '\n', into *buf (max + 1 bytes,
 * allocated on first use), keeping at most max bytes and discarding the
 * rest: a line of any length costs bounded memory.  Any bytes, NUL
 * included, are kept.  Returns 0 at the end of the input, else 1, with the
 * kept length in *len and *over set when bytes were discarded. */
static int read_line(FILE *f, char **buf, size_t max, size_t *len, int *over) {
    if (!*buf && !(*buf = malloc(max + 1))) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_ERR);
    }
    size_t n = 0;
    int ch, any = 0;
    *over = 0;
    while ((ch = getc(f)) != EOF) {
        any = 1;
        if (ch == '\n') break;
        if (n < max)
            (*buf)[n++] = (char)ch;
        else
            *over = 1;
    }
    (*buf)[n] = 0;
    *len = n;
    return any;
}

/* The query of --query-file: the file's bytes, at most QUERY_READ_MAX of
 * them (a longer file fails in aj_search with the length limit), less one
 * trailing newline. */
static char *read_query_file(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: ", prog);
        out_safe_cstr(stderr, path);
        fprintf(stderr, ": cannot open query file: %s\n", strerror(errno));
        exit(EXIT_ERR);
    }
    char *q = malloc(QUERY_READ_MAX + 2);
    if (!q) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_ERR);
    }
    /* One byte beyond the limit tells a full file from a longer one. */
    size_t n = fread(q, 1, QUERY_READ_MAX + 1, f);
    if (ferror(f)) {
        fprintf(stderr, "%s: ", prog);
        out_safe_cstr(stderr, path);
        fprintf(stderr, ": cannot read query file: %s\n", strerror(errno));
        exit(EXIT_ERR);
    }
    if (n <= QUERY_READ_MAX && n && q[n - 1] == '\n') {
        n--;
        if (n && q[n - 1] == '\r') n--;
    }
    if (f != stdin) fclose(f);
    q[n] = 0;
    *len = n;
    return q;
}

static double parse_num(const char *opt, const char *v) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end) die_usage("%s needs a number", opt);
    return d;
}

static uint32_t parse_count(const char *opt, const char *v) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > 100000000)
        die_usage("%s needs a whole number between 0 and 100000000", opt);
    return (uint32_t)n;
}

/* "512M", "2G", "100000000": bytes, at least 16 MiB. */
static uint64_t parse_size(const char *opt, const char *v) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || d <= 0) die_usage("%s needs a size such as 512M or 2G", opt);
    switch (*end) {
    case 'k': case 'K': d *= 1024; end++; break;
    case 'm': case 'M': d *= 1024 * 1024; end++; break;
    case 'g': case 'G': d *= 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end || d < 16.0 * 1024 * 1024 || d > 1e15)
        die_usage("%s needs a size between 16M and 1000T, such as 512M or 2G", opt);
    return (uint64_t)d;
}

static void parse_options(int argc, char **argv, options *o) {
    o->args = calloc((size_t)argc + 1, sizeof *o->args);
    if (!o->args) exit(EXIT_ERR);
    int only_args = 0;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == 0) {
            o->args[o->nargs++] = a;
            continue;
        }
        /* A negated word (-korea) is a query argument, not an option. */
        if (a[1] != '-' && strcmp(a, "-n") != 0 && strcmp(a, "-h") != 0) {
            o->args[o->nargs++] = a;
            continue;
        }
        const char *val = NULL;
        char name[64];
        const char *eq = strchr(a, '=');
        if (eq && a[1] == '-') {
            snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
#define NEEDVAL()                                                        \
    do {                                                                 \
        if (!val) {                                                      \
            if (i + 1 >= argc) die_usage("%s needs a value", name);      \
            val = argv[++i];                                             \
        }                                                                \
    } while (0)
        if (!strcmp(name, "--")) {
            only_args = 1;
        } else if (!strcmp(name, "--index")) {
            NEEDVAL();
            o->index_dir = val;
        } else if (!strcmp(name, "--corpus")) {
            NEEDVAL();
            o->corpus_dir = val;
        } else if (!strcmp(name, "--json")) {
            o->json = 1;
        } else if (!strcmp(name, "--count")) {
            o->count = 1;
        } else if (!strcmp(name, "--mark")) {
            o->mark = 1;
        } else if (!strcmp(name, "--html")) {
            o->html = 1;
        } else if (!strcmp(name, "--group")) {
            o->group = 1;
        } else if (!strcmp(name, "--threads")) {
            NEEDVAL();
            o->threads = (int)parse_count(name, val);
            if (o->threads < 1 || o->threads > 64)
                die_usage("%s must be between 1 and 64", name);
        } else if (!strcmp(name, "--memory")) {
            NEEDVAL();
            o->memory = parse_size(name, val);
        } else if (!strcmp(name, "--stdin")) {
            o->stdin_mode = 1;
        } else if (!strcmp(name, "--query-file")) {
            NEEDVAL();
            o->query_file = val;
        } else if (!strcmp(name, "--no-correct")) {
            o->no_correct = 1;
        } else if (!strcmp(name, "--no-expand")) {
            o->so.expand = 0;
        } else if (!strcmp(name, "--explain")) {
            o->explain = 1;
        } else if (!strcmp(name, "-n") || !strcmp(name, "--limit")) {
            NEEDVAL();
            o->so.limit = parse_count(name, val);
        } else if (!strcmp(name, "--offset")) {
            NEEDVAL();
            o->so.offset = parse_count(name, val);
        } else if (!strcmp(name, "--k1")) {
            NEEDVAL();
            o->so.k1 = parse_num(name, val);
            if (!(o->so.k1 >= 0 && o->so.k1 <= 1000))
                die_usage("%s must be between 0 and 1000", name);
        } else if (!strcmp(name, "--b")) {
            NEEDVAL();
            o->so.b = parse_num(name, val);
            if (!(o->so.b >= 0 && o->so.b <= 1))
                die_usage("%s must be between 0 and 1", name);
        } else if (!strcmp(name, "--rank")) {
            NEEDVAL();
            if (!strcmp(val, "full"))
                o->so.rank = AJ_RANK_FULL;
            else if (!strcmp(val, "bm25"))
                o->so.rank = AJ_RANK_BM25;
            else
                die_usage("--rank must be full or bm25, not '%s'", val);
        } else if (!strcmp(name, "--proximity") || !strcmp(name, "--heading")) {
            NEEDVAL();
            double w = parse_num(name, val);
            if (!(w >= 0 && w <= 100)) die_usage("%s must be between 0 and 100", name);
            *(name[2] == 'p' ? &o->so.w_prox : &o->so.w_head) = w;
        } else if (!strcmp(name, "--heading-hit")) {
            NEEDVAL();
            double w = parse_num(name, val);
            if (!(w >= 0 && w <= 1)) die_usage("%s must be between 0 and 1", name);
            o->so.heading_hit = w;
        } else if (!strcmp(name, "--no-partial")) {
            o->so.partial = 0;
        } else if (!strcmp(name, "--color") || !strcmp(name, "--colour")) {
            o->color_opt = val ? val : "always";
            if (strcmp(o->color_opt, "auto") && strcmp(o->color_opt, "always") &&
                strcmp(o->color_opt, "never"))
                die_usage("%s must be auto, always or never", name);
        } else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            o->help = 1;
        } else if (!strcmp(name, "--version")) {
            printf("ajsearch %s (index format %u)\n", AJ_VERSION_STRING,
                   aj_format_version());
            exit(0);
        } else {
            die_usage("unknown option '%s'", name);
        }
#undef NEEDVAL
    }
    if (!o->index_dir) {
        const char *env = getenv("AJSEARCH_INDEX");
        o->index_dir = env && *env ? env : "index";
    }
    if (!o->corpus_dir) {
        /* search reads the corpus too, for the source offsets of --json */
        const char *env = getenv("AJSEARCH_CORPUS");
        o->corpus_dir = env && *env ? env : "corpus";
    }
    if (o->html && o->json) die_usage("%s", "--html and --json exclude each other");
    const char *nc = getenv("NO_COLOR");
    if (!o->color_opt || !strcmp(o->color_opt, "auto"))
        o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
    else
        o->color = !strcmp(o->color_opt, "always");
}

static aj_index *open_index(const options *o) {
    aj_ctx c = {0};
    aj_index *ix;
    if (aj_index_open(&c, o->index_dir, &ix) != AJ_OK) {
        report(&c);
        exit(EXIT_ERR);
    }
    return ix;
}

/* ---- index ---- */

static void on_warn(void *arg, const char *path, const char *reason) {
    const options *o = arg;
    fprintf(stderr, "%s: warning: ", prog);
    out_safe_cstr(stderr, o->corpus_dir);
    fputc('/', stderr);
    out_safe_cstr(stderr, path);
    fputs(": ", stderr);
    out_safe_cstr(stderr, reason);
    fputc('\n', stderr);
}

static int cmd_index(options *o) {
    if (o->help) {
        fputs(usage_index, stdout);
        return 0;
    }
    if (o->nargs) die_usage("index takes no arguments (got '%s')", o->args[0]);
    aj_ctx c = {0};
    aj_build_opts bo = {.corpus_dir = o->corpus_dir, .index_dir = o->index_dir,
                        .warn = on_warn, .warn_arg = o, .threads = o->threads,
                        .memory = o->memory};
    aj_build_stats st;
    if (aj_build(&c, &bo, &st) != AJ_OK) {
        report(&c);
        return EXIT_ERR;
    }
    double mbs = st.seconds > 0 ? st.bytes_in / 1e6 / st.seconds : 0;
    fprintf(stderr,
            "indexed %u documents, %u paragraphs, %llu terms (%llu words), "
            "%llu tokens, %llu postings\n"
            "read %llu bytes, wrote %llu bytes to ",
            st.ndocs, st.nparas, (unsigned long long)st.nterms,
            (unsigned long long)st.nwords, (unsigned long long)st.ntokens,
            (unsigned long long)st.npostings, (unsigned long long)st.bytes_in,
            (unsigned long long)st.bytes_out);
    out_safe_cstr(stderr, o->index_dir);
    fprintf(stderr, " in %.3f s (%.1f MB/s, %u thread%s, %u run%s spilled)\n",
            st.seconds, mbs, st.threads, st.threads == 1 ? "" : "s", st.nruns,
            st.nruns == 1 ? "" : "s");
    if (st.nskipped)
        fprintf(stderr, "skipped %u files (see the warnings above)\n",
                st.nskipped);
    return 0;
}

/* ---- analyze ---- */

typedef struct {
    const char *text;
    int json;
    int n;
} an_state;

static int on_an_token(void *arg, const aj_token *t) {
    an_state *s = arg;
    if (s->json) {
        fputs(s->n ? ",{\"term\":" : "{\"term\":", stdout);
        out_json_str(stdout, t->term, t->term_len);
        fputs(",\"word\":", stdout);
        out_json_str(stdout, t->word, t->word_len);
        printf(",\"pos\":%u,\"start\":%u,\"end\":%u}", t->pos, t->start, t->end);
    } else {
        if (s->n) fputc(' ', stdout);
        out_safe(stdout, t->term, t->term_len);
    }
    s->n++;
    return 0;
}

/* which: the input's number (argument or line), for messages. */
static int analyze_one(aj_analyzer *an, const char *text, size_t len, int json,
                       const char *what, size_t which) {
    aj_ctx c = {0};
    if (len > ANALYZE_MAX) {
        fprintf(stderr, "%s: analyze: %s %zu: limit exceeded at byte %u: input "
                "longer than %u bytes\n", prog, what, which, ANALYZE_MAX,
                ANALYZE_MAX);
        return EXIT_ERR;
    }
    an_state s = {text, json, 0};
    if (json) fputc('[', stdout);
    if (aj_analyze(&c, an, text, len, 0, on_an_token, &s) != AJ_OK) {
        report(&c);
        return EXIT_ERR;
    }
    if (json) fputc(']', stdout);
    fputc('\n', stdout);
    return 0;
}

static int cmd_analyze(options *o) {
    if (o->help) {
        fputs(usage_analyze, stdout);
        return 0;
    }
    aj_ctx c = {0};
    aj_analyzer *an;
    if (aj_analyzer_new(&c, &an) != AJ_OK) {
        report(&c);
        return EXIT_ERR;
    }
    int rc = 0;
    if (o->nargs) {
        for (int i = 0; i < o->nargs && !rc; i++)
            rc = analyze_one(an, o->args[i], strlen(o->args[i]), o->json,
                             "argument", (size_t)i + 1);
    } else {
        char *line = NULL;
        size_t n, lineno = 0;
        int over;
        /* One byte beyond the limit is kept so that an over-long line is
         * seen as such. */
        while (!rc && read_line(stdin, &line, ANALYZE_MAX + 1, &n, &over))
            rc = analyze_one(an, line, n, o->json, "line", ++lineno);
        free(line);
    }
    aj_analyzer_free(an);
    return rc;
}

/* ---- stats, dump, check ---- */

static int cmd_stats(options *o) {
    if (o->help) {
        fputs(usage_stats, stdout);
        return 0;
    }
    aj_index *ix = open_index(o);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    uint64_t total = 0;
    for (size_t i = 0; i < st.nfiles; i++) total += st.files[i].nbytes;
    if (o->json) {
        printf("{\"index\":");
        out_json_cstr(stdout, o->index_dir);
        fputs(",\"generation\":", stdout);
        out_json_cstr(stdout, st.generation);
        printf(",\"documents\":%u,\"paragraphs\":%u,"
               "\"terms\":%llu,\"words\":%llu,\"postings\":%llu,"
               "\"positions\":%llu,\"avgdl\":%.6f,\"k1\":%g,\"b\":%g,"
               "\"acronyms\":%u,\"acronym_bytes\":%llu,\"bytes\":%llu,\"files\":{",
               st.ndocs, st.nparas, (unsigned long long)st.nterms,
               (unsigned long long)st.nwords, (unsigned long long)st.npostings,
               (unsigned long long)st.ntokens, st.avgdl, aj_search_k1(&o->so), aj_search_b(&o->so),
               st.nacronyms, (unsigned long long)aj_index_acronym_bytes(ix),
               (unsigned long long)total);
        for (size_t i = 0; i < st.nfiles; i++)
            printf("%s\"%s\":%llu", i ? "," : "", st.files[i].name,
                   (unsigned long long)st.files[i].nbytes);
        printf("}}\n");
    } else {
        fputs("index        ", stdout);
        out_safe_cstr(stdout, o->index_dir);
        fputs(" (", stdout);
        out_safe_cstr(stdout, st.generation);
        fputs(")\n", stdout);
        printf("documents    %u\n", st.ndocs);
        printf("paragraphs   %u\n", st.nparas);
        printf("terms        %llu (distinct stems)\n", (unsigned long long)st.nterms);
        printf("words        %llu (distinct folded words, for prefixes)\n",
               (unsigned long long)st.nwords);
        printf("postings     %llu\n", (unsigned long long)st.npostings);
        printf("positions    %llu\n", (unsigned long long)st.ntokens);
        printf("avgdl        %.2f\n", st.avgdl);
        printf("acronyms     %u (mined definitions, about %llu bytes of meta.aj)\n",
               st.nacronyms, (unsigned long long)aj_index_acronym_bytes(ix));
        printf("k1, b        %g, %g\n", aj_search_k1(&o->so), aj_search_b(&o->so));
        printf("files        %llu bytes\n", (unsigned long long)total);
        for (size_t i = 0; i < st.nfiles; i++)
            printf("  %-10s %llu bytes\n", st.files[i].name,
                   (unsigned long long)st.files[i].nbytes);
    }
    aj_index_close(ix);
    return 0;
}

static int cmd_acronyms(options *o) {
    if (o->help) {
        fputs(usage_acronyms, stdout);
        return 0;
    }
    if (o->nargs) die_usage("acronyms takes no arguments (got '%s')", o->args[0]);
    aj_index *ix = open_index(o);
    aj_ctx c = {0};
    int rc = 0;
    for (uint32_t i = 0; i < aj_acronym_count(ix) && !rc; i++) {
        aj_acronym a;
        aj_para_info p;
        aj_doc_info d;
        if (aj_acronym_get(&c, ix, i, &a) || aj_para_get(&c, ix, a.first_para, &p) ||
            aj_doc_get(&c, ix, p.doc, &d)) {
            report(&c);
            rc = EXIT_ERR;
            break;
        }
        if (o->json) {
            fputs("{\"acronym\":", stdout);
            out_json_cstr(stdout, a.acronym);
            fputs(",\"long_form\":", stdout);
            out_json_cstr(stdout, a.long_form);
            printf(",\"count\":%u,\"id\":%u,\"doc\":", a.count, a.first_para);
            out_json_cstr(stdout, d.path);
            fputs(",\"title\":", stdout);
            out_json_cstr(stdout, d.title);
            printf(",\"para\":%u,\"label\":", p.ordinal);
            out_json_cstr(stdout, p.label);
            fputs("}\n", stdout);
        } else {
            out_safe(stdout, a.acronym, strlen(a.acronym));
            fputs(" = ", stdout);
            out_safe(stdout, a.long_form, strlen(a.long_form));
            printf("  (%u paragraph%s; first: ", a.count, a.count == 1 ? "" : "s");
            out_safe(stdout, d.path, strlen(d.path));
            printf(" paragraph %u)\n", p.ordinal);
        }
    }
    aj_index_close(ix);
    return rc;
}

/* The name of a paragraph kind in dump --json. */
static const char *para_kind_name(int kind) {
    switch (kind) {
    case AJ_PARA_HEADING: return "heading";
    case AJ_PARA_ITEM: return "item";
    case AJ_PARA_BODY: return "body";
    default: return "other";
    }
}

static int cmd_dump(options *o) {
    if (o->help) {
        fputs(usage_dump, stdout);
        return 0;
    }
    aj_index *ix = open_index(o);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    aj_ctx c = {0};
    int rc = 0;
    for (uint32_t id = 0; id < st.nparas && !rc; id++) {
        aj_para_info p;
        aj_doc_info d;
        char *text = NULL;
        size_t len = 0;
        if (aj_para_get(&c, ix, id, &p) || aj_doc_get(&c, ix, p.doc, &d) ||
            aj_para_text(&c, ix, id, &text, &len)) {
            report(&c);
            rc = EXIT_ERR;
            break;
        }
        if (o->json) {
            printf("{\"id\":%u,\"doc\":", id);
            out_json_cstr(stdout, d.path);
            fputs(",\"title\":", stdout);
            out_json_cstr(stdout, d.title);
            printf(",\"para\":%u,\"label\":", p.ordinal);
            out_json_cstr(stdout, p.label);
            printf(",\"start\":%llu,\"end\":%llu,\"len\":%u,\"text\":",
                   (unsigned long long)p.start, (unsigned long long)p.end, p.len);
            out_json_str(stdout, text, len);
            printf(",\"kind\":\"%s\"}\n", para_kind_name(p.kind));
        } else {
            printf("%u\t", id);
            out_safe(stdout, d.path, strlen(d.path));
            printf("\t%u\t", p.ordinal);
            if (p.label) out_safe(stdout, p.label, strlen(p.label));
            fputc('\t', stdout);
            out_safe(stdout, text, len);
            fputc('\n', stdout);
        }
        free(text);
    }
    aj_index_close(ix);
    return rc;
}

static int cmd_check(options *o) {
    if (o->help) {
        fputs(usage_check, stdout);
        return 0;
    }
    aj_index *ix = open_index(o);
    aj_ctx c = {0};
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    int rc = 0;
    if (aj_index_check(&c, ix) != AJ_OK) {
        report(&c);
        rc = EXIT_ERR;
    } else {
        uint64_t total = 0;
        for (size_t i = 0; i < st.nfiles; i++) total += st.files[i].nbytes;
        fputs("ok: ", stdout);
        out_safe_cstr(stdout, o->index_dir);
        fputs(" (", stdout);
        out_safe_cstr(stdout, st.generation);
        printf("): %zu files, %llu bytes, %u paragraphs verified\n", st.nfiles,
               (unsigned long long)total, st.nparas);
    }
    aj_index_close(ix);
    return rc;
}

/* ---- search ---- */

static char *join_args(const options *o, size_t *len) {
    size_t n = 0;
    for (int i = 0; i < o->nargs; i++) n += strlen(o->args[i]) + 1;
    char *q = malloc(n + 1);
    if (!q) exit(EXIT_ERR);
    size_t at = 0;
    for (int i = 0; i < o->nargs; i++) {
        if (i) q[at++] = ' ';
        size_t k = strlen(o->args[i]);
        memcpy(q + at, o->args[i], k);
        at += k;
    }
    q[at] = 0;
    *len = at;
    return q;
}

/* Shows a query error with a caret under the offending position. */
static void report_query(const aj_ctx *c, const char *q, size_t len,
                         size_t lineno) {
    size_t pos = c->pos > len ? len : c->pos;
    fprintf(stderr, "%s: ", prog);
    if (lineno) fprintf(stderr, "line %zu: ", lineno);
    fprintf(stderr, "%s at byte %zu: ", aj_strerror(c->err), pos);
    out_safe(stderr, c->msg, strlen(c->msg));
    fputc('\n', stderr);
    /* Show at most 60 columns around the position. */
    size_t from = pos > 40 ? pos - 40 : 0, to = pos + 20 < len ? pos + 20 : len;
    /* Widen to whole characters; a character has at most three
     * continuation bytes, so a run of stray ones cannot widen it further. */
    for (int k = 0; k < 3 && from > 0 && ((unsigned char)q[from] & 0xC0) == 0x80; k++) from--;
    for (int k = 0; k < 3 && to < len && ((unsigned char)q[to] & 0xC0) == 0x80; k++) to++;
    fputs("  ", stderr);
    if (from) fputs("...", stderr);
    out_safe(stderr, q + from, to - from);
    if (to < len) fputs("...", stderr);
    fputs("\n  ", stderr);
    size_t col = out_columns(q + from, pos - from) + (from ? 3 : 0);
    for (size_t i = 0; i < col; i++) fputc(' ', stderr);
    fputs("^\n", stderr);
}

/* ---- showing hits ---- */

/* Everything shown about one hit, gathered once for every output format
 * (terminal, --json, --html, --group). */
typedef struct {
    aj_para_info p;
    aj_doc_info d;
    char *text;
    size_t len;
    aj_span *spans;         /* every match in text, sorted */
    size_t nspans;
    aj_range *src;          /* their bytes in the source file (--json);
                               NULL when the source is missing or changed */
    char *heading;          /* the section heading it falls under, or NULL */
    size_t heading_len;
    char *place;            /* "¶ 28", "under “Heading”, paragraph 3",
                               "paragraph 3" */
    char *where;            /* date (when known) and place: "2020-11-12 · ¶ 28" */
} hitview;

#define MID_DOT " \xC2\xB7 "

/* The place of a paragraph as analysts cite it: its own label, else the
 * heading of its section (cut to HEADING_CITE_BYTES), else its ordinal. */
static char *format_place(const hitview *v) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) return NULL;
    if (v->p.label) {
        fprintf(f, "\xC2\xB6 %s", v->p.label);
    } else if (v->heading) {
        size_t k = v->heading_len;
        if (k > HEADING_CITE_BYTES) {
            k = HEADING_CITE_BYTES;
            while (k > 0 && ((unsigned char)v->heading[k] & 0xC0) == 0x80) k--;
        }
        fputs("under \xE2\x80\x9C", f);
        fwrite(v->heading, 1, k, f);
        fputs(k < v->heading_len ? "\xE2\x80\xA6\xE2\x80\x9D" : "\xE2\x80\x9D", f);
        fprintf(f, ", paragraph %u", v->p.ordinal);
    } else {
        fprintf(f, "paragraph %u", v->p.ordinal);
    }
    return fclose(f) ? NULL : buf;
}

static void free_hit(hitview *v) {
    free(v->text);
    free(v->spans);
    free(v->src);
    free(v->heading);
    free(v->place);
    free(v->where);
}

/* Gathers what is shown of paragraph id (but v->src).  Returns 0, or
 * EXIT_ERR after reporting. */
static int load_hit(aj_index *ix, aj_searcher *s, uint32_t id, hitview *v) {
    aj_ctx c = {0};
    uint32_t hid = AJ_NO_PARA;
    memset(v, 0, sizeof *v);
    if (aj_para_get(&c, ix, id, &v->p) || aj_doc_get(&c, ix, v->p.doc, &v->d) ||
        aj_para_text(&c, ix, id, &v->text, &v->len) ||
        aj_para_heading(&c, ix, id, &hid) ||
        (hid != AJ_NO_PARA && aj_para_text(&c, ix, hid, &v->heading, &v->heading_len))) {
        report(&c);
        free_hit(v);
        return EXIT_ERR;
    }
    size_t n = aj_search_highlight(s, v->text, v->len, NULL, 0);
    v->spans = malloc((n + 1) * sizeof *v->spans);
    v->place = format_place(v);
    if (!v->spans || !v->place) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_ERR);
    }
    v->nspans = aj_search_highlight(s, v->text, v->len, v->spans, n);
    size_t wn = strlen(v->place) + strlen(v->d.date) + sizeof MID_DOT + 1;
    if (!(v->where = malloc(wn))) exit(EXIT_ERR);
    snprintf(v->where, wn, "%s%s%s", v->d.date, *v->d.date ? MID_DOT : "", v->place);
    return 0;
}

/* Loads the hits h[idx[i]] (idx NULL: h[i]), i < n, into v[0..n); for
 * --json also the source bytes of their matches, one pass per document (a
 * missing or changed source file is not an error: v->src stays NULL).
 * Returns 0, or EXIT_ERR after reporting. */
static int load_hits(const options *o, aj_index *ix, aj_searcher *s, const aj_hit *h,
                     const size_t *idx, size_t n, hitview *v) {
    size_t i;
    for (i = 0; i < n; i++)
        if (load_hit(ix, s, h[idx ? idx[i] : i].id, &v[i])) break;
    aj_source_hit *sh = o->json && i == n ? calloc(n + 1, sizeof *sh) : NULL;
    for (size_t k = 0; sh && k < n; k++) {
        v[k].src = malloc((v[k].nspans + 1) * sizeof *v[k].src);
        if (!v[k].src) exit(EXIT_ERR);
        sh[k] = (aj_source_hit){v[k].p.id, v[k].text, v[k].len, v[k].spans,
                                v[k].nspans, v[k].src, 0};
    }
    aj_ctx c = {0};
    /* Source offsets are extra: failing to find them (out of memory)
     * leaves them null rather than failing the search. */
    if (sh && aj_source_ranges(&c, ix, o->corpus_dir, sh, n)) report(&c);
    for (size_t k = 0; sh && k < n; k++) {
        if (sh[k].found) continue;
        free(v[k].src);
        v[k].src = NULL;
    }
    free(sh);
    if (i == n) return 0;
    for (size_t k = 0; k < i; k++) free_hit(&v[k]);
    return EXIT_ERR;
}

/* Prints text[ws..we) wrapped at WRAP_COLUMNS, indented, with the spans
 * between on and off (colour codes, --mark's brackets, both or neither);
 * width counts the columns on and off take. */
static void print_snippet(const char *on, const char *off, size_t width,
                          const char *text, size_t len, size_t ws, size_t we,
                          const aj_span *sp, size_t nsp) {
    size_t col = 0, si = 0;
    fputs("    ", stdout);
    if (ws > 0) {
        fputs("\xE2\x80\xA6", stdout);
        col = 1;
    }
    size_t i = ws;
    while (i < we) {
        /* next word: up to a space */
        size_t j = i;
        while (j < we && text[j] != ' ') j++;
        size_t wcols = out_columns(text + i, j - i);
        for (size_t t = si; width && t < nsp && sp[t].start < j; t++)
            if (sp[t].end > i) wcols += width;
        if (col > 0 && col + 1 + wcols > WRAP_COLUMNS) {
            fputs("\n    ", stdout);
            col = 0;
        } else if (i > ws) {
            fputc(' ', stdout);
            col++;
        }
        /* print the word, switching highlight at span borders */
        size_t k = i;
        while (k < j) {
            while (si < nsp && sp[si].end <= k) si++;
            if (si < nsp && sp[si].start <= k) {
                size_t e = sp[si].end < j ? sp[si].end : j;
                fputs(on, stdout);
                out_safe(stdout, text + k, e - k);
                fputs(off, stdout);
                k = e;
            } else {
                size_t e = si < nsp && sp[si].start < j ? sp[si].start : j;
                out_safe(stdout, text + k, e - k);
                k = e;
            }
        }
        col += wcols;
        i = j;
        while (i < we && text[i] == ' ') i++;
    }
    if (we < len) fputs(" \xE2\x80\xA6", stdout);
    fputc('\n', stdout);
}

/* The spans that fit the snippet window [ws, we) of v. */
static void snippet_of(const hitview *v, size_t *ws, size_t *we) {
    aj_snippet_window(v->text, v->len, v->spans, v->nspans, SNIPPET_BYTES, ws, we);
}

static void print_text_snippet(const options *o, const hitview *v) {
    char on[32], off[32];
    snprintf(on, sizeof on, "%s%s", o->color ? "\033[1;31m" : "", o->mark ? MARK_ON : "");
    snprintf(off, sizeof off, "%s%s", o->mark ? MARK_OFF : "", o->color ? "\033[0m" : "");
    size_t ws, we;
    snippet_of(v, &ws, &we);
    print_snippet(on, off, o->mark ? strlen(MARK_ON) + strlen(MARK_OFF) : 0, v->text,
                  v->len, ws, we, v->spans, v->nspans);
}

/* The full ranking's factors (README "Ranking"), as one line. */
static void format_factors(const options *o, const aj_hit *h, char *buf, size_t cap) {
    snprintf(buf, cap,
             "= bm25 %.4f x proximity (1 + %g x %.3f) x heading (1 + %g x %.3f)"
             " x kind %g x clauses %u/%u (share %.3f) -> %.4f",
             h->bm25, o->so.w_prox, h->proximity, o->so.w_head, h->heading, h->kind,
             h->matched, h->units, h->share, h->score);
}

static void print_explain_text(const options *o, const aj_hit *h) {
    for (size_t i = 0; i < h->nexplain; i++) {
        const aj_explain *x = &h->explain[i];
        fputs("      ", stdout);
        out_safe(stdout, x->clause, strlen(x->clause));
        printf(": tf=%u df=%u dl=%u idf=%.4f -> %.4f\n", x->tf, x->df, x->dl,
               x->idf, x->score);
    }
    if (o->so.rank == AJ_RANK_FULL) {
        char line[256];
        format_factors(o, h, line, sizeof line);
        printf("      %s\n", line);
    }
}

/* [[s, e], ...] */
static void print_json_ranges(const aj_span *sp, const aj_range *r, size_t n) {
    fputc('[', stdout);
    for (size_t i = 0; i < n; i++)
        printf("%s[%llu,%llu]", i ? "," : "",
               (unsigned long long)(r ? r[i].start : sp[i].start),
               (unsigned long long)(r ? r[i].end : sp[i].end));
    fputc(']', stdout);
}

/* One hit as a JSON object, without the opening brace when opened (batch
 * mode has written {"query":N, already) and without a newline. */
static void print_hit_json(const options *o, const hitview *v, const aj_hit *h,
                           size_t rank, int opened) {
    printf("%s\"rank\":%zu,\"score\":%.6f,\"id\":%u,\"doc\":", opened ? "" : "{",
           rank, h->score, h->id);
    out_json_cstr(stdout, v->d.path);
    fputs(",\"title\":", stdout);
    out_json_cstr(stdout, v->d.title);
    printf(",\"para\":%u,\"label\":", v->p.ordinal);
    out_json_cstr(stdout, v->p.label);
    printf(",\"start\":%llu,\"end\":%llu,\"text\":",
           (unsigned long long)v->p.start, (unsigned long long)v->p.end);
    out_json_str(stdout, v->text, v->len);
    fputs(",\"date\":", stdout);
    out_json_cstr(stdout, v->d.date);
    fputs(",\"heading\":", stdout);
    if (v->heading) out_json_str(stdout, v->heading, v->heading_len);
    else fputs("null", stdout);
    fputs(",\"cite\":", stdout);
    /* title · where, as one string */
    size_t tn = strlen(v->d.title), wn = strlen(v->where);
    char *cite = malloc(tn + wn + sizeof MID_DOT);
    if (!cite) exit(EXIT_ERR);
    snprintf(cite, tn + wn + sizeof MID_DOT, "%s%s%s", v->d.title, MID_DOT, v->where);
    out_json_cstr(stdout, cite);
    free(cite);
    fputs(",\"text_matches\":", stdout);
    print_json_ranges(v->spans, NULL, v->nspans);
    fputs(",\"matches\":", stdout);
    if (v->src) print_json_ranges(NULL, v->src, v->nspans);
    else fputs("null", stdout);
    if (h->matched < h->units)
        printf(",\"partial\":true,\"matched\":%u,\"clauses\":%u,\"share\":%.6f",
               h->matched, h->units, h->share);
    if (o->explain) {
        printf(",\"bm25\":%.6f,\"proximity\":%.6f,\"heading\":%.6f,\"kind_factor\":%.6f", h->bm25,
               h->proximity, h->heading, h->kind);
        fputs(",\"explain\":[", stdout);
        for (size_t i = 0; i < h->nexplain; i++) {
            const aj_explain *x = &h->explain[i];
            fputs(i ? ",{\"clause\":" : "{\"clause\":", stdout);
            out_json_cstr(stdout, x->clause);
            printf(",\"tf\":%u,\"df\":%u,\"dl\":%u,\"idf\":%.6f,"
                   "\"score\":%.6f}",
                   x->tf, x->df, x->dl, x->idf, x->score);
        }
        fputc(']', stdout);
    }
    fputc('}', stdout);
}

/* The snippet window of v as HTML, matches in <mark>. */
static void print_html_snippet(const hitview *v) {
    size_t ws, we;
    snippet_of(v, &ws, &we);
    if (ws > 0) fputs("\xE2\x80\xA6", stdout);
    size_t at = ws;
    for (size_t i = 0; i < v->nspans; i++) {
        size_t s = v->spans[i].start, e = v->spans[i].end;
        if (e <= at || s >= we) continue;
        if (s < at) s = at;
        if (e > we) e = we;
        out_html(stdout, v->text + at, s - at);
        fputs("<mark>", stdout);
        out_html(stdout, v->text + s, e - s);
        fputs("</mark>", stdout);
        at = e;
    }
    out_html(stdout, v->text + at, we - at);
    if (we < v->len) fputs("\xE2\x80\xA6", stdout);
}

/* One hit as an <li>; in_group leaves out what the group shows (title,
 * date). */
static void print_hit_html(const options *o, const hitview *v, const aj_hit *h,
                           size_t rank, int in_group) {
    printf("<li class=\"ajsearch-hit%s\" value=\"%zu\" data-id=\"%u\" data-score=\"%.3f\" ",
           h->matched < h->units ? " ajsearch-partial" : "", rank, h->id, h->score);
    if (h->matched < h->units)
        printf("data-matched=\"%u of %u\" ", h->matched, h->units);
    fputs("data-doc=\"", stdout);
    out_html_cstr(stdout, v->d.path);
    fputs("\"><p class=\"ajsearch-cite\">", stdout);
    if (!in_group) {
        fputs("<cite>", stdout);
        out_html_cstr(stdout, v->d.title);
        fputs("</cite>" MID_DOT, stdout);
    }
    out_html_cstr(stdout, in_group ? v->place : v->where);
    fputs("</p>\n<blockquote class=\"ajsearch-text\">", stdout);
    print_html_snippet(v);
    fputs("</blockquote>", stdout);
    if (o->explain && h->nexplain) {
        fputs("\n<ul class=\"ajsearch-explain\">", stdout);
        for (size_t i = 0; i < h->nexplain; i++) {
            const aj_explain *x = &h->explain[i];
            fputs("<li><code>", stdout);
            out_html_cstr(stdout, x->clause);
            printf("</code>: tf=%u df=%u dl=%u idf=%.4f &rarr; %.4f</li>", x->tf, x->df,
                   x->dl, x->idf, x->score);
        }
        if (o->so.rank == AJ_RANK_FULL) {
            char line[256];
            format_factors(o, h, line, sizeof line);
            fputs("<li>", stdout);
            out_html_cstr(stdout, line);
            fputs("</li>", stdout);
        }
        fputs("</ul>", stdout);
    }
    fputs("</li>\n", stdout);
}

static void print_hit_text(const options *o, const hitview *v, const aj_hit *h,
                           size_t rank) {
    const char *b = o->color ? "\033[1m" : "", *n = o->color ? "\033[0m" : "";
    printf("%s%2zu.%s [%.3f] ", b, rank, n, h->score);
    if (h->matched < h->units) printf("(%u of %u) ", h->matched, h->units);
    fputs(b, stdout);
    out_safe_cstr(stdout, v->d.title);
    printf("%s" MID_DOT, n);
    out_safe_cstr(stdout, v->where);
    fputc('\n', stdout);
    print_text_snippet(o, v);
    if (o->explain) print_explain_text(o, h);
    fputc('\n', stdout);
}

/* Prints the hits r->hits in the chosen format, ranks from first. */
static void print_also_json(const aj_results *r, int open);

/* Prints the hits; with --json each carries the "Did you mean" proposal sg
 * (and "corrected" when the hits are the corrected query's), so that the
 * output stays one hit per line. */
static int print_hits(const options *o, aj_index *ix, aj_searcher *s,
                      const aj_results *r, size_t first, size_t lineno,
                      const aj_suggestion *sg, int corrected) {
    hitview *v = malloc((r->nhits + 1) * sizeof *v);
    if (!v) exit(EXIT_ERR);
    if (load_hits(o, ix, s, r->hits, NULL, r->nhits, v)) {
        free(v);
        return EXIT_ERR;
    }
    for (size_t i = 0; i < r->nhits; i++) {
        if (o->json) {
            int opened = lineno != 0;
            if (lineno) printf("{\"query\":%zu,", lineno);
            if (sg) {
                fputs(opened ? "\"suggestion\":" : "{\"suggestion\":", stdout);
                out_json_str(stdout, sg->query, sg->query_len);
                fputs(corrected ? ",\"corrected\":true," : ",", stdout);
                opened = 1;
            }
            if (r->nalso) {
                print_also_json(r, !opened);
                opened = 1;
            }
            print_hit_json(o, &v[i], &r->hits[i], first + i, opened);
            fputc('\n', stdout);
        } else if (o->html) {
            print_hit_html(o, &v[i], &r->hits[i], first + i, 0);
        } else {
            print_hit_text(o, &v[i], &r->hits[i], first + i);
        }
        free_hit(&v[i]);
    }
    free(v);
    return 0;
}

/* ---- --group: hits by document ---- */

typedef struct {
    uint32_t doc;
    size_t nhits;            /* best hits kept, up to GROUP_HITS */
    size_t hits[GROUP_HITS]; /* indexes into the results, in rank order */
} group;

/* Groups r's hits (all matches, in rank order) by document: documents in
 * order of their best hit.  Returns the groups (malloc'ed) and their
 * number in *ngroups. */
static group *make_groups(aj_index *ix, const aj_results *r, size_t *ngroups) {
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    uint32_t *slot = malloc(((size_t)st.ndocs + 1) * sizeof *slot);
    group *g = malloc(((size_t)st.ndocs + 1) * sizeof *g);
    if (!slot || !g) exit(EXIT_ERR);
    for (uint32_t d = 0; d < st.ndocs; d++) slot[d] = UINT32_MAX;
    size_t n = 0;
    for (size_t i = 0; i < r->nhits; i++) {
        aj_ctx c = {0};
        aj_para_info p;
        if (aj_para_get(&c, ix, r->hits[i].id, &p)) continue; /* shown later */
        if (slot[p.doc] == UINT32_MAX) {
            slot[p.doc] = (uint32_t)n;
            g[n++] = (group){.doc = p.doc, .nhits = 0};
        }
        group *x = &g[slot[p.doc]];
        if (x->nhits < GROUP_HITS) x->hits[x->nhits++] = i;
    }
    free(slot);
    *ngroups = n;
    return g;
}

static int print_group(const options *o, aj_index *ix, aj_searcher *s,
                       const aj_results *r, const group *g, size_t rank,
                       size_t lineno) {
    aj_ctx c = {0};
    aj_doc_info d;
    if (aj_doc_get(&c, ix, g->doc, &d)) {
        report(&c);
        return EXIT_ERR;
    }
    uint32_t count = r->doc_matches ? r->doc_matches[g->doc] : 0;
    double best = r->hits[g->hits[0]].score;
    if (o->json) {
        if (lineno) printf("{\"query\":%zu,", lineno);
        printf("%s\"group\":%zu,\"doc\":", lineno ? "" : "{", rank);
        out_json_cstr(stdout, d.path);
        fputs(",\"title\":", stdout);
        out_json_cstr(stdout, d.title);
        fputs(",\"date\":", stdout);
        out_json_cstr(stdout, d.date);
        printf(",\"matching_paragraphs\":%u,\"score\":%.6f,\"hits\":[", count, best);
    } else if (o->html) {
        printf("<li class=\"ajsearch-group\" value=\"%zu\" data-doc=\"", rank);
        out_html_cstr(stdout, d.path);
        fputs("\"><p class=\"ajsearch-cite\"><cite>", stdout);
        out_html_cstr(stdout, d.title);
        fputs("</cite>", stdout);
        if (*d.date) fputs(MID_DOT, stdout);
        out_html_cstr(stdout, d.date);
        printf(MID_DOT "%u matching paragraph%s</p>\n<ol class=\"ajsearch-hits\">\n",
               count, count == 1 ? "" : "s");
    } else {
        const char *b = o->color ? "\033[1m" : "", *n = o->color ? "\033[0m" : "";
        printf("%s%2zu. ", b, rank);
        out_safe_cstr(stdout, d.title);
        fputs(n, stdout);
        if (*d.date) fputs(MID_DOT, stdout);
        out_safe_cstr(stdout, d.date);
        printf(MID_DOT "%u matching paragraph%s\n", count, count == 1 ? "" : "s");
    }
    hitview v[GROUP_HITS];
    if (load_hits(o, ix, s, r->hits, g->hits, g->nhits, v)) return EXIT_ERR;
    for (size_t k = 0; k < g->nhits; k++) {
        const aj_hit *h = &r->hits[g->hits[k]];
        if (o->json) {
            if (k) fputc(',', stdout);
            print_hit_json(o, &v[k], h, g->hits[k] + 1, 0);
        } else if (o->html) {
            print_hit_html(o, &v[k], h, g->hits[k] + 1, 1);
        } else {
            printf("    [%.3f] ", h->score);
            out_safe_cstr(stdout, v[k].place);
            fputc('\n', stdout);
            print_text_snippet(o, &v[k]);
            if (o->explain) print_explain_text(o, h);
        }
        free_hit(&v[k]);
    }
    fputs(o->json ? "]}\n" : o->html ? "</ol></li>\n" : "\n", stdout);
    return 0;
}

/* Prints documents [offset, offset + limit) of the grouped results. */
static int print_groups(const options *o, aj_index *ix, aj_searcher *s,
                        const aj_results *r, const group *g, size_t ngroups,
                        size_t lineno) {
    size_t from = o->so.offset < ngroups ? o->so.offset : ngroups;
    size_t to = ngroups - from > o->so.limit ? from + o->so.limit : ngroups;
    if (o->html) printf("<ol class=\"ajsearch-groups\" start=\"%zu\">\n", from + 1);
    for (size_t i = from; i < to; i++)
        if (print_group(o, ix, s, r, &g[i], i + 1, lineno)) return EXIT_ERR;
    if (o->html) fputs("</ol>\n", stdout);
    return 0;
}

/* ", showing documents a-b" of --group's header. */
static void print_group_range(const options *o, size_t ngroups) {
    size_t from = o->so.offset, to = from + o->so.limit;
    if (to > ngroups) to = ngroups;
    if (from < to) printf(", showing documents %zu-%zu", from + 1, to);
}

/* --html: a <section> per query, opening the list of hits. */
static void print_html_header(const options *o, const aj_results *r, const char *q,
                              size_t qlen, size_t lineno, size_t ngroups,
                              const aj_suggestion *sg, int corrected, const char *typed,
                              size_t typed_len) {
    fputs("<section class=\"ajsearch\" data-query=\"", stdout);
    out_html(stdout, q, qlen);
    fputs("\"", stdout);
    if (lineno) printf(" data-line=\"%zu\"", lineno);
    printf(">\n<p class=\"ajsearch-summary\">%llu paragraph%s match%s",
           (unsigned long long)r->total, r->total == 1 ? "" : "s",
           r->total == 1 ? "es" : "");
    if (o->group) printf(" in %zu document%s", ngroups, ngroups == 1 ? "" : "s");
    fputs(": <q>", stdout);
    out_html(stdout, q, qlen);
    fputs("</q></p>\n", stdout);
    if (corrected) {
        fputs("<p class=\"ajsearch-corrected\">No results for <q>", stdout);
        out_html(stdout, typed, typed_len);
        fputs("</q>; showing results for <q>", stdout);
        out_html(stdout, q, qlen);
        fputs("</q></p>\n", stdout);
    } else if (sg) {
        fputs("<p class=\"ajsearch-suggestion\">Did you mean: <q>", stdout);
        out_html(stdout, sg->query, sg->query_len);
        fputs("</q>?</p>\n", stdout);
    }
    if (r->nalso) {
        fputs("<p class=\"ajsearch-also\">also searched: ", stdout);
        for (size_t i = 0; i < r->nalso; i++) {
            if (i) fputs("; ", stdout);
            out_html_cstr(stdout, r->also[i]);
        }
        fputs("</p>\n", stdout);
    }
    if (r->npartial)
        printf("<p class=\"ajsearch-partial\">%zu of them match%s only some of the words</p>\n",
               r->npartial, r->npartial == 1 ? "es" : "");
    if (!o->group && r->nhits)
        printf("<ol class=\"ajsearch-hits\" start=\"%u\">\n", o->so.offset + 1);
}

/* Echoes a query in a results header, a long one in part, cut on a
 * character boundary. */
static void echo_query(const char *q, size_t qlen) {
    size_t shown = qlen;
    if (shown > ECHO_BYTES) {
        shown = ECHO_BYTES;
        while (shown > 0 && ((unsigned char)q[shown] & 0xC0) == 0x80) shown--;
    }
    out_safe(stdout, q, shown);
    if (shown < qlen) fputs("\xE2\x80\xA6", stdout);
}

/* The alternatives the query was expanded with (README "Acronyms and
 * compounds"): a line under the header, or an "also" array opening each
 * JSON hit. */
static void print_also(const aj_results *r) {
    fputs("\nalso searched: ", stdout);
    for (size_t i = 0; i < r->nalso; i++) {
        if (i) fputs("; ", stdout);
        out_safe(stdout, r->also[i], strlen(r->also[i]));
    }
}

static void print_also_json(const aj_results *r, int open) {
    fputs(open ? "{\"also\":[" : "\"also\":[", stdout);
    for (size_t i = 0; i < r->nalso; i++) {
        if (i) fputc(',', stdout);
        out_json_cstr(stdout, r->also[i]);
    }
    fputs("],", stdout);
}

/* Whether the answer lists something (the exit status): a hit of the
 * page, a count above 0, or with --group a matching paragraph. */
static int listed(const options *o, const aj_results *r) {
    return o->count || o->group ? r->total || r->nhits : r->nhits > 0;
}

/* Runs one query and prints its results; lineno > 0 in batch mode (the
 * query's line in the input, put in every JSON object).  Returns the exit
 * status for this query. */
static int run_query(const options *o, aj_index *ix, aj_searcher *s,
                     const char *q, size_t qlen, size_t lineno) {
    aj_ctx c = {0};
    aj_search_opts so = o->so;
    so.explain = o->explain;
    if (o->count) so.limit = 0, so.offset = 0;
    if (o->group && !o->count) {
        /* Documents are ranked by their best paragraph, so every match is
         * ranked; -n and --offset then count documents. */
        so.offset = 0;
        so.limit = UINT32_MAX; /* the search keeps at most every paragraph */
        so.doc_counts = 1;
        /* A document's count is of paragraphs that match the query; its
         * best paragraphs are among those, not among partial matches. */
        so.partial = 0;
    }
    const aj_results *r;
    if (aj_search(&c, s, q, qlen, &so, &r) != AJ_OK) {
        if (c.err == AJ_ESYNTAX || c.err == AJ_ELIMIT)
            report_query(&c, q, qlen, lineno);
        else
            report(&c);
        if (lineno && o->json) {
            printf("{\"query\":%zu,\"error\":", lineno);
            out_json_cstr(stdout, c.msg);
            printf("}\n");
        } else if (lineno && o->count) {
            printf("error\n");
        }
        return EXIT_ERR;
    }
    int rc = listed(o, r) ? EXIT_HITS : EXIT_NOHITS;
    if (o->count) {
        if (lineno && o->json)
            printf("{\"query\":%zu,\"count\":%llu}\n", lineno,
                   (unsigned long long)r->total);
        else
            printf("%llu\n", (unsigned long long)r->total);
        return rc;
    }
    /* Did you mean: only proposed, unless nothing matched the query as
     * written; then the corrected query runs instead (not with
     * --no-correct).  A failure to suggest costs only the suggestion. */
    aj_suggestion *sg = NULL;
    aj_ctx sc = {0};
    int corrected = 0;
    const char *typed = q;
    size_t typed_len = qlen;
    if (aj_suggest(&sc, s, q, qlen, &sg) != AJ_OK) sg = NULL;
    if (sg && r->total == 0 && !o->no_correct) {
        if (aj_search(&c, s, sg->query, sg->query_len, &so, &r) != AJ_OK) {
            report(&c);
            aj_suggestion_free(sg);
            return EXIT_ERR;
        }
        corrected = 1;
        rc = listed(o, r) ? EXIT_HITS : EXIT_NOHITS;
        q = sg->query;
        qlen = sg->query_len;
    }
    size_t ngroups = 0;
    group *groups = o->group ? make_groups(ix, r, &ngroups) : NULL;
    if (o->html) {
        print_html_header(o, r, q, qlen, lineno, ngroups, sg, corrected, typed, typed_len);
    } else if (!o->json) {
        if (lineno) printf("# query %zu\n", lineno);
        if (corrected) {
            fputs("No results for \xC2\xAB", stdout);
            echo_query(typed, typed_len);
            fputs("\xC2\xBB; showing results for \xC2\xAB", stdout);
            echo_query(q, qlen);
            fputs("\xC2\xBB\n", stdout);
        }
        printf("%llu paragraph%s match%s", (unsigned long long)r->total,
               r->total == 1 ? "" : "s", r->total == 1 ? "es" : "");
        if (o->group) printf(" in %zu document%s", ngroups, ngroups == 1 ? "" : "s");
        fputs(": ", stdout);
        echo_query(q, qlen);
        printf(" (%.3f ms)", r->seconds * 1e3);
        if (o->group)
            print_group_range(o, ngroups);
        else if (r->nhits)
            printf(", showing %u-%zu", so.offset + 1, so.offset + r->nhits);
        if (r->npartial)
            printf("\n%zu of them match%s only some of the words: marked (k of n)",
                   r->npartial, r->npartial == 1 ? "es" : "");
        if (r->nalso) print_also(r);
        printf("\n");
        if (sg && !corrected) {
            fputs("Did you mean: ", stdout);
            echo_query(sg->query, sg->query_len);
            fputs("?\n", stdout);
        }
        printf("\n");
    }
    int e;
    if (o->group) {
        e = print_groups(o, ix, s, r, groups, ngroups, lineno);
        free(groups);
    } else {
        e = print_hits(o, ix, s, r, so.offset + 1, lineno, sg, corrected);
    }
    aj_suggestion_free(sg);
    if (e) return EXIT_ERR;
    if (o->html) fputs(!o->group && r->nhits ? "</ol>\n</section>\n" : "</section>\n", stdout);
    return rc;
}

static int cmd_search(options *o) {
    if (o->help) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (o->nargs == 0 && !o->stdin_mode && !o->query_file)
        die_usage("%s", "no query given");
    if (o->nargs && o->stdin_mode)
        die_usage("%s", "--stdin reads the queries; give none as arguments");
    if (o->query_file && (o->nargs || o->stdin_mode))
        die_usage("%s", "--query-file gives the query; give none as arguments "
                        "and no --stdin");
    aj_index *ix = open_index(o);
    aj_ctx c = {0};
    aj_searcher *s;
    if (aj_searcher_new(&c, ix, &s) != AJ_OK) {
        report(&c);
        return EXIT_ERR;
    }
    int rc;
    if (!o->stdin_mode) {
        size_t qlen;
        char *q = o->query_file ? read_query_file(o->query_file, &qlen)
                                : join_args(o, &qlen);
        rc = run_query(o, ix, s, q, qlen, 0);
        free(q);
    } else {
        /* Batch: one query per line; the status is 2 if any query failed,
         * else 0 if any query had hits, else 1. */
        char *line = NULL;
        size_t n, lineno = 0;
        int any_hits = 0, any_err = 0, over;
        while (read_line(stdin, &line, QUERY_READ_MAX, &n, &over)) {
            lineno++;
            if (!over && n > 0 && line[n - 1] == '\r') n--;
            int r = run_query(o, ix, s, line, n, lineno);
            any_hits |= r == EXIT_HITS;
            any_err |= r == EXIT_ERR;
        }
        free(line);
        rc = any_err ? EXIT_ERR : any_hits ? EXIT_HITS : EXIT_NOHITS;
    }
    aj_searcher_free(s);
    aj_index_close(ix);
    return rc;
}

int main(int argc, char **argv) {
    options o = {0};
    aj_search_opts_init(&o.so);
    const char *cmd = "search";
    int first = 1;
    static const char *const cmds[] = {"search", "index", "analyze", "stats",
                                       "dump", "check", "acronyms", NULL};
    if (argc > 1)
        for (int i = 0; cmds[i]; i++)
            if (!strcmp(argv[1], cmds[i])) {
                cmd = cmds[i];
                first = 2;
            }
    if (argc > 1 && !strcmp(argv[1], "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    parse_options(argc - first, argv + first, &o);
    int rc;
    if (!strcmp(cmd, "index")) rc = cmd_index(&o);
    else if (!strcmp(cmd, "analyze")) rc = cmd_analyze(&o);
    else if (!strcmp(cmd, "stats")) rc = cmd_stats(&o);
    else if (!strcmp(cmd, "dump")) rc = cmd_dump(&o);
    else if (!strcmp(cmd, "check")) rc = cmd_check(&o);
    else if (!strcmp(cmd, "acronyms")) rc = cmd_acronyms(&o);
    else if (o.nargs == 0 && !o.help && !o.stdin_mode && !o.query_file &&
             first == 1) {
        fputs(usage_main, stderr);
        rc = EXIT_ERR;
    } else rc = cmd_search(&o);
    if (fflush(stdout) != 0 && rc != EXIT_ERR) {
        fprintf(stderr, "%s: writing output failed: %s\n", prog, strerror(errno));
        rc = EXIT_ERR;
    }
    free(o.args);
    return rc;
}
