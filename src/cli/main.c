/*
 * main.c - the ajsearch command line: a thin layer over the library.
 * This is the only place that prints or exits.  Exit status is 0 when
 * something was found (or a command succeeded), 1 when a search found
 * nothing, 2 on any error, as with grep.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ajsearch.h"
#include "facets.h"
#include "hits.h"
#include "locate.h"
#include "out.h"

#define EXIT_HITS 0
#define EXIT_NOHITS 1
#define EXIT_ERR 2
#define EXIT_BUSY 3             /* index: another build holds the lock */
#ifndef AJ_SERVE_PATH           /* the Makefile gives $(BINDIR)'s */
#define AJ_SERVE_PATH "/usr/local/bin/ajsearch-serve"
#endif

#define SNIPPET_BYTES 320
#define HEADING_CITE_BYTES 80   /* of a heading cited for a paragraph */
#define GROUP_HITS 3            /* best paragraphs shown per document */
/* --mark: plain-text brackets around matches, visible without colour and
 * easy to find with grep or sed. */
#define MARK_ON "[["
#define MARK_OFF "]]"
/* Terminal lines (README "Output"): the terminal's width, else $COLUMNS,
 * else 100, which leaves 96 columns of text after the 4 of indent (the
 * layout before widths were measured); never narrower than 40. */
#define LINE_COLUMNS 100
#define MIN_COLUMNS 40
#define MAX_COLUMNS 1000
#define TEXT_INDENT 4
#define SHOW_CONTEXT 1          /* show: neighbours each side by default */
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
    const char *index_from;     /* where index_dir came from, for messages:
                                   "--index", "AJSEARCH_INDEX", or NULL when
                                   found by looking up from here (locate.h) */
    const char *corpus_dir;
    char *found_index, *found_corpus; /* what the look-up found (malloc'ed) */
    int json, count, explain, help;
    int mark, html, group;      /* search --mark, --html, --group */
    int csv, cite_list;         /* search --csv, --cite-list */
    unsigned facets;            /* search --facet: AJ_FACET_* bits */
    unsigned timeline;          /* search --timeline: AJ_FACET_YEAR or _MONTH */
    int full;                   /* search --full: whole paragraphs */
    uint32_t context;           /* show --context */
    size_t columns;             /* width of a terminal line */
    int stdin_mode;             /* search --stdin: one query per line */
    int no_correct;             /* search --no-correct */
    const char *query_file;     /* search --query-file: the whole query */
    int threads;                /* index --threads */
    int strict;                 /* index --strict: warnings fail the build
                                   (exit 2); check --strict: they make the
                                   status 1 */
    uint64_t memory;            /* index --memory, bytes */
    uint64_t shard_size;        /* index --shard-size, bytes (0: default) */
    const char *bind, *port;    /* serve --bind, --port */
    int keep;                   /* index --keep N: N + 1 (0: not given) */
    int wait;                   /* index --wait */
    int fingerprint;            /* status --fingerprint */
    int color;                  /* resolved: 1 = emit ANSI colours */
    const char *color_opt;      /* auto|always|never */
    aj_search_opts so;
    char **args;                /* non-option arguments */
    int nargs;
} options;

static const char *prog = "ajsearch";

static const char usage_main[] =
    "usage: ajsearch [search] [options] QUERY...\n"
    "       ajsearch show ID|CITATION [--context N] [--json] [--color=WHEN] [--index DIR]\n"
    "       ajsearch index   [--corpus DIR] [--index DIR] [--json] [--strict] [--wait]\n"
    "                        [--keep N] [--threads N] [--memory SIZE] [--shard-size SIZE]\n"
    "       ajsearch status  [--corpus DIR] [--index DIR] [--json] [--fingerprint]\n"
    "       ajsearch export DIR [--index DIR]\n"
    "       ajsearch analyze [--json] [TEXT...]\n"
    "       ajsearch stats   [--json] [--index DIR]\n"
    "       ajsearch dump    [--json] [--index DIR]\n"
    "       ajsearch check   [--strict] [--index DIR]\n"
    "       ajsearch acronyms [--json] [--index DIR]\n"
    "       ajsearch serve   [--index DIR] [--corpus DIR] [--bind ADDR] [--port N]\n"
    "                        [--threads N]\n"
    "       ajsearch --version | -h, --help | COMMAND --help | help [COMMAND]\n"
    "\n"
    "Searches the paragraphs of the documents indexed from a corpus directory.\n"
    "Options may come before or after the query: -n 5, -n5, --limit 5 and\n"
    "--limit=5 are one; -- ends the options.  Other words that start with '-'\n"
    "are query words (-korea, -north: NOT korea, NOT north).  The command is\n"
    "the first word that is not an option or an option's value (ajsearch\n"
    "--index DIR check); a query starting with a command's name is written\n"
    "'search index ...' or '-- index ...'.  A command takes only its own\n"
    "options and words.  The index is --index DIR, else\n"
    "$AJSEARCH_INDEX, else the index/ of this directory or the nearest one\n"
    "above it that holds one (with its corpus/ beside it).\n"
    "\n"
    "Query language:\n"
    "  maritime security      every word must occur (AND); then paragraphs\n"
    "                         with some of the words, marked (k of n), rarer\n"
    "                         words counting more; see --rank\n"
    "  a OR b                 either (precedence: NOT > AND > OR)\n"
    "  a AND b                explicit AND (same as juxtaposition)\n"
    "  a NOT b, a -b          a but not b; NOT needs a positive term beside it;\n"
    "                         a '-' standing alone (a - b) is an error\n"
    "  ( ... )                grouping, up to 64 levels\n"
    "  \"south china sea\"      phrase: consecutive words (stemmed); also in\n"
    "                         \u201c\u201d \u201e\u201c \u00ab\u00bb \u2018\u2019 (a \u2018 \u2019 only around words)\n"
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
    "  A plain word no paragraph contains is named (\"No paragraph contains\n"
    "  \xC2\xABx\xC2\xBB\") with \"Did you mean: ...?\" for a word close to it; an\n"
    "  English word (wamerican, wbritish) or one in capitals is taken as meant\n"
    "  and gets a proposal only when it is close.  When nothing matches and every\n"
    "  missing word is a misspelling with a close correction (5+ letters, not\n"
    "  in capitals), the corrected query runs instead, and every output says so\n"
    "  (see --no-correct).\n"
    "  Expansion (off with --no-expand; the header says \"also searched: ...\"):\n"
    "  a word the corpus also writes split is searched both ways (cybersecurity =\n"
    "  \"cyber security\", people-to-people = \"peopleto-people\"), an acronym\n"
    "  the corpus defines (\"... Sea (UNCLOS)\", see `ajsearch acronyms`)\n"
    "  matches its long form and the long form matches it, and a country's\n"
    "  name matches its adjective and back (Korea = Korean).\n"
    "  Limits: 64 KiB, 64 nested parentheses, 1024 terms, 50,000 words for one\n"
    "  prefix or ~ word, 33,554,432 postings for all prefixes, phrases, NEARs\n"
    "  and ~ words of a query.\n"
    "\n"
    "Search options:\n"
    "  -n, --limit N          show N hits (default 10)\n"
    "      --offset N         skip the first N hits\n"
    "      --count            print only the number of paragraphs that match the\n"
    "                         query that ran (a correction is noted on stderr;\n"
    "                         with --json {\"count\",\"corrected\",\"suggestion\",\n"
    "                         \"missing\"})\n"
    "      --stdin            read one query per line (any bytes but newline,\n"
    "                         a final CR dropped) from standard input; with\n"
    "                         --json each hit gets a \"query\" field (the line\n"
    "                         number); with --count one count per line\n"
    "      --query-file FILE  the query is the whole of FILE (any bytes; - for\n"
    "                         standard input) but for one trailing newline\n"
    "      --json             one JSON object per hit (JSON Lines), with \"cite\",\n"
    "                         \"section\" (enclosing headings), \"heading\",\n"
    "                         \"text_matches\" (byte ranges in \"text\")\n"
    "                         and \"matches\" (byte ranges in the source file, null\n"
    "                         when it is missing or changed since indexing; then\n"
    "                         \"source_changed\":true if it changed), and\n"
    "                         \"suggestion\", \"corrected\", \"missing\" when they\n"
    "                         apply; a query that lists nothing prints one object\n"
    "                         {\"total\",\"listed\":0,\"corrected\",\"suggestion\",\n"
    "                         \"missing\"}\n"
    "      --corpus DIR       the indexed corpus, read for \"matches\" (default\n"
    "                         $AJSEARCH_CORPUS or ./corpus)\n"
    "      --mark             put [[ and ]] around matches (visible without colour)\n"
    "      --full             whole paragraphs instead of a window of ~320 bytes\n"
    "      --html             an HTML fragment: a <section> per query, hits in <ol>,\n"
    "                         matches in <mark>, everything else escaped text\n"
    "      --csv              the hits as CSV (RFC 4180, UTF-8): a header row, then\n"
    "                         a row per hit, each ending in CRLF, text fields in\n"
    "                         double quotes: rank,score,cite,doc,title,date,label,\n"
    "                         id,matched,clauses,text (the --json fields of those\n"
    "                         names; matched of clauses is the (k of n) of partial\n"
    "                         matches); --group puts \"group\" first (the\n"
    "                         document's rank; rank is the hit's within it),\n"
    "                         --stdin \"query\" (the line number) and \"query_text\"\n"
    "                         before, in one table for all the queries\n"
    "      --cite-list        the hits as a Markdown list to paste into a report:\n"
    "                         \"N. citation\", then the whole paragraph as a quoted\n"
    "                         block (\"> text\"), the characters Markdown would\n"
    "                         read as markup escaped; --group lists documents,\n"
    "                         each with its hits; --stdin puts a \"## query\"\n"
    "                         heading before each query's list.  --json, --html,\n"
    "                         --csv and --cite-list exclude each other; --count\n"
    "                         and --explain do not go with the last two, which\n"
    "                         note on standard error what the header would say\n"
    "                         (a correction, words no paragraph contains)\n"
    "      --since DATE, --until DATE\n"
    "                         only documents dated within (YYYY, YYYY-MM or\n"
    "                         YYYY-MM-DD; a date is the span of days it names,\n"
    "                         and a document without a date is left out)\n"
    "      --doc GLOB         only documents whose path matches GLOB ('*' also\n"
    "                         crosses '/')\n"
    "      --source TEXT      only documents whose source contains TEXT (case\n"
    "                         ignored).  Filters apply inside the search: counts\n"
    "                         and pages are exact and scores unchanged; the\n"
    "                         query may hold them too: date:2024..2025,\n"
    "                         date:2024-03.., doc:2025-*, source:MOFA\n"
    "      --facet KIND       also count the matching paragraphs by year, month,\n"
    "                         date, doc or source (a list with commas, or the\n"
    "                         option again); with --json a last line\n"
    "                         {\"facets\":{KIND:[[VALUE,COUNT],...]}}\n"
    "      --timeline[=year|month]\n"
    "                         draw the matching paragraphs per year (or month) as\n"
    "                         bars; an SVG chart with --html\n"
    "      --group            by document: documents in order of their best\n"
    "                         paragraph, each with its number of matching paragraphs\n"
    "                         and its best 3; -n and --offset count documents; works\n"
    "                         with --json (one object per document) and --html\n"
    "      --explain          show each hit's per-term BM25 contributions\n"
    "      --no-correct       never run a corrected query in place of the one\n"
    "                         given (\"Did you mean\" is still shown)\n"
    "      --no-expand        search only what is written: no compound or\n"
    "                         acronym alternatives\n"
    "      --chrome           also search page chrome (navigation, captions, ...;\n"
    "                         `ajsearch dump` shows it), counted like any paragraph\n"
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
    "                         (also spelt --colour)\n"
    "      --index DIR        index directory (default $AJSEARCH_INDEX, else the\n"
    "                         index/ here or in the nearest directory above)\n"
    "\n"
    "Each hit is cited by title, date and its place: its own number (\xC2\xB6 28), a\n"
    "heading's text, else its position under its section's heading or in the\n"
    "document, with the enclosing headings a repeated number needs; no two\n"
    "paragraphs share a citation.  The snippet is the window of a long\n"
    "paragraph with the most distinct matched words, every match highlighted,\n"
    "wrapped to the terminal's width (else $COLUMNS, else 100 columns).\n"
    "`ajsearch show ID` prints a hit's whole paragraph (ID: \"id\" of --json), as\n"
    "does `ajsearch show CITATION` with the hit's citation or DOCUMENT#PLACE.\n"
    "\n"
    "Exit status: 0 when something is listed (full or partial matches; -n 0 and\n"
    "--offset past the end list nothing), with --count when the count is not 0;\n"
    "1 otherwise; 2 on error.  Other commands: 0 on success, 2 on error; index:\n"
    "3 when another build holds the index (without --wait), 128+N when stopped\n"
    "by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP); status: 1 when the\n"
    "index is not up to date with the corpus; check --strict: 1 when a sound\n"
    "index has warnings.\n";

static const char usage_index[] =
    "usage: ajsearch index [--corpus DIR] [--index DIR] [--json] [--strict] [--wait] [--keep N] [--threads N] [--memory SIZE] [--shard-size SIZE]\n"
    "\n"
    "Indexes every file under DIR (default ./corpus): text, PDF, HTML and\n"
    "DOCX, told by their bytes whatever their names (PDF, HTML and DOCX\n"
    "through ajsearch-extract, found beside this program or through\n"
    "$AJSEARCH_EXTRACT), with the titles, dates and sources of\n"
    "DIR/metadata.tsv, into the index directory (default $AJSEARCH_INDEX or\n"
    "./index).  The new index replaces the old one atomically; a failed or\n"
    "interrupted build leaves the old one in place.  Reports what it did on\n"
    "standard error, with a progress line while it runs when standard error\n"
    "is a terminal; warns about everything in DIR it does not index as it\n"
    "stands (binary or unreadable files, documents whose text cannot be\n"
    "extracted, files that changed while read, links to directories,\n"
    "unusable metadata.tsv lines, an empty corpus).\n"
    "\n"
    "  --json          print a summary object on standard output: documents,\n"
    "                  paragraphs, terms, words, tokens, postings, bytes_in,\n"
    "                  bytes_out, seconds, mb_per_s, threads, runs_spilled,\n"
    "                  shards, shards_indexed, peak_rss_bytes, warnings (by\n"
    "                  kind), format, fingerprint\n"
    "                  (of the corpus as indexed: see ajsearch status), index,\n"
    "                  corpus\n"
    "  --strict        any warning fails the build (exit status 2) after all are\n"
    "                  reported; the index in place is not replaced\n"
    "  --wait          when another build holds the index, wait for it (else\n"
    "                  exit status 3 at once)\n"
    "  --keep N        older generations kept beside the new one for readers\n"
    "                  that opened them (default 1; 0 keeps none)\n"
    "  --threads N     indexing threads (default: one per CPU); the index is\n"
    "                  byte-identical whatever N is\n"
    "  --memory SIZE   terms and postings kept in memory before they spill to\n"
    "                  sorted runs on disk (default 512M; e.g. 256M, 2G)\n"
    "  --shard-size SIZE  index a corpus of at least four times SIZE in shards\n"
    "                  of about SIZE of documents each (default 8M: a corpus of\n"
    "                  32 MiB or more is sharded), so that the next builds\n"
    "                  index again only the shards whose documents were added,\n"
    "                  changed or removed; an index keeps its SIZE, or 'off'\n"
    "                  (one index whatever the corpus's size), for the builds\n"
    "                  that follow.  The index is byte-identical to one built\n"
    "                  from nothing with the same SIZE\n"
    "\n"
    "SIGINT (Ctrl-C), SIGTERM or SIGHUP stops a build within a fraction of a\n"
    "second: it removes its unfinished generation (INDEX/.build-PID), says so\n"
    "in one line and exits with 128 + the signal's number (130, 143, 129).  A\n"
    "second signal ends it at once and leaves .build-PID behind, as SIGKILL\n"
    "does; readers ignore it, 'ajsearch check' reports it and the next build\n"
    "removes it.  A signal that comes while the new index is being switched in\n"
    "lets the build complete.\n"
    "\n"
    "Exit status: 0 built, 2 error (or warnings with --strict), 3 another build\n"
    "holds the index, 128 + N when signal N stopped the build (130 SIGINT,\n"
    "143 SIGTERM, 129 SIGHUP).\n";

static const char usage_status[] =
    "usage: ajsearch status [--corpus DIR] [--index DIR] [--json] [--fingerprint]\n"
    "\n"
    "Says whether the index is up to date with the corpus: whether a build now\n"
    "would index the same documents, bytes and metadata.  Reads every document\n"
    "of the corpus (default: the corpus/ beside the index, or $AJSEARCH_CORPUS)\n"
    "and lists the documents added, removed, changed, or with changed\n"
    "metadata.  The fingerprint is a hash of the corpus as a build indexes it\n"
    "(paths, bytes, titles, dates, sources, index format): the key for a CI\n"
    "cache of the index.  --fingerprint prints only the corpus's, and needs no\n"
    "index.  --json: {\"up_to_date\",\"fingerprint\",\"index_fingerprint\",\n"
    "\"documents\",\"index_documents\",\"bytes\",\"added\",\"removed\",\n"
    "\"changed\",\"metadata\",\"index\",\"corpus\"} (the four lists are paths).\n"
    "\n"
    "Exit status: 0 up to date (or --fingerprint), 1 not up to date or no index\n"
    "yet, 2 error.\n";

static const char usage_export[] =
    "usage: ajsearch export DIR [--index DIR]\n"
    "\n"
    "Copies the live generation of the index into DIR, flat: the five index\n"
    "files and nothing else, for publishing (any copy or upload tool keeps it\n"
    "whole).  ajsearch --index DIR reads it.  DIR must not exist or be empty;\n"
    "the copy is written beside it, verified like check, then renamed to DIR.\n"
    "Exit status 0 done, 2 error.\n";

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
    "Prints the index's counts (documents, paragraphs and of them the page\n"
    "chrome by kind, distinct terms, postings, positions, average length of\n"
    "the paragraphs searched, acronyms mined and the bytes they take), the\n"
    "BM25 parameters and the size of each index file.\n";

static const char usage_dump[] =
    "usage: ajsearch dump [--json] [--index DIR]\n"
    "\n"
    "Prints every paragraph, page chrome included, one per line, in id order:\n"
    "id, document, number (- for chrome), label, kind, text; with --json\n"
    "{\"id\",\"doc\",\"title\",\"para\",\"label\",\"kind\",\"cite\",\"section\",\n"
    "\"start\",\"end\",\"len\",\"text\"}.  kind is body, heading, item or\n"
    "chrome:navigation, chrome:caption, chrome:date, chrome:links,\n"
    "chrome:contents; cite is the place its citation gives, section its\n"
    "enclosing headings; text is exactly the analyzed text and len its\n"
    "number of terms.\n";

static const char usage_acronyms[] =
    "usage: ajsearch acronyms [--json] [--index DIR]\n"
    "\n"
    "Lists the acronyms the index found defined in the corpus (\"Long Form (ACR)\"\n"
    "or \"ACR (Long Form)\"), which searches expand: each acronym, its long form,\n"
    "the number of paragraphs defining it so, and the first of them.  --json\n"
    "prints one object per line: {\"acronym\",\"long_form\",\"count\",\"id\",\"doc\",\n"
    "\"title\",\"para\",\"label\"} (id, doc, para, label: the first paragraph).\n";

static const char usage_show[] =
    "usage: ajsearch show ID|CITATION [--context N] [--json] [--color=WHEN] [--index DIR]\n"
    "\n"
    "Prints a paragraph whole, with its citation, the headings of its section,\n"
    "its file and id, and the N paragraphs before and after it in its document\n"
    "(default 1; fewer at the start or end of the document).  The paragraph\n"
    "asked for is marked '>'.  It is named by:\n"
    "  ID                the \"id\" of search --json and of dump: 160\n"
    "  DOCUMENT#PLACE    the path of its document as the index records it (the\n"
    "                    \"doc\" of --json), '#', and its place as its citation\n"
    "                    gives it: doc.txt#\xC2\xB6 28, doc.txt#paragraph 15,\n"
    "                    doc.txt#under \xE2\x80\x9CTrusted Partners\xE2\x80\x9D, paragraph 3,\n"
    "                    doc.txt#heading \xE2\x80\x9C" "Economic Cooperation\xE2\x80\x9D\n"
    "  TITLE \xC2\xB7 DATE \xC2\xB7 PLACE\n"
    "                    its whole citation, as search prints it\n"
    "Places are compared ignoring case, spacing, quotation marks (\" for \xE2\x80\x9C \xE2\x80\x9D),\n"
    "> for \xE2\x80\xBA and a leading \"under \".  Short places: #28, #\xC2\xB6" "28, #iv and #(2) name\n"
    "the paragraph with that label (a heading with that number when no\n"
    "paragraph has it); #paragraph N is the document's Nth paragraph (the\n"
    "\"para\" of --json), and so is #N in a document that numbers none of its\n"
    "paragraphs.  --json prints one object per paragraph, in document order:\n"
    "{\"id\",\"doc\",\"title\",\"para\",\"label\",\"start\",\"end\",\"text\",\"date\",\n"
    "\"heading\",\"cite\",\"section\",\"target\"}, target true for the one asked for.\n"
    "Exit status 2 when the argument names no paragraph (the message gives the\n"
    "document's numbers, or the closest documents or places) or several (it\n"
    "lists them).\n";

static const char usage_serve[] =
    "usage: ajsearch serve [--index DIR] [--corpus DIR] [--bind ADDR] [--port N] [--threads N]\n"
    "\n"
    "Serves the index over HTTP until SIGINT or SIGTERM: a JSON API (README\n"
    "\"Server\"), the index mapped once and shared by the worker threads.  It\n"
    "prints the address it serves, and follows the index: after 'ajsearch\n"
    "index' replaces it, the next requests get the new generation, and those\n"
    "running finish on the old one.\n"
    "\n"
    "  GET /           the search page: results as you type, facets, a timeline\n"
    "  GET /api/search?q=QUERY[&n=10&offset=0&since=&until=&doc=&source=\n"
    "      &facet=year,month,date,doc,source&group=1]\n"
    "                  the hits as --json gives them, in one object with the\n"
    "                  total, the suggestion, the facets and took_us\n"
    "  GET /api/paragraph/ID[?context=1]\n"
    "                  a paragraph and its neighbours, as show --json\n"
    "  GET /api/stats  the index's counts, as stats --json\n"
    "  GET /healthz    {\"status\":\"ok\",\"generation\":...}\n"
    "\n"
    "  --bind ADDR     the IPv4 or IPv6 address to listen on (default\n"
    "                  127.0.0.1: this machine only)\n"
    "  --port N        the TCP port (default 8080; 0 picks a free one)\n"
    "  --threads N     worker threads (default: one per CPU)\n"
    "\n"
    "Errors are JSON objects {\"error\",\"status\"} with \"position\" (the\n"
    "byte of the query) for a query error: 400 for a bad query or parameter,\n"
    "404, 405 for a method other than GET or HEAD, 413 for a request with a\n"
    "body, 503 when more connections are open than the threads take at once\n"
    "(64 each).  Exit status 2 when the index cannot be opened or the address\n"
    "cannot be bound.\n";

static const char usage_check[] =
    "usage: ajsearch check [--strict] [--index DIR]\n"
    "\n"
    "Verifies every checksum and structural invariant of the index, and\n"
    "warns on standard error about what builds left in the index directory:\n"
    "a .build-PID directory whose process is gone (a build killed by SIGKILL\n"
    "or a crash; with its size), a CURRENT.PID file, a generation newer than\n"
    "the current one that was never switched in (with its size).  A\n"
    ".build-PID whose process runs is a build in progress: a note, not a\n"
    "warning.  Readers ignore leftovers; the next 'ajsearch index' removes\n"
    "them.\n"
    "\n"
    "  --strict        warnings make the exit status 1\n"
    "\n"
    "Exit status 0 when the index is sound (with --strict: and there is no\n"
    "warning), 1 when it is sound but --strict met a warning, 2 with a precise\n"
    "message when it is damaged or missing.\n";

/* What `ajsearch` alone prints, on standard error. */
static const char usage_short[] =
    "usage: ajsearch [search] [options] QUERY...\n"
    "       ajsearch show ID|CITATION | index | status | export DIR | stats | dump |\n"
    "                check | acronyms | serve | analyze [TEXT...]\n"
    "Searches the paragraphs of an indexed corpus; 'ajsearch --help' explains\n"
    "the query language, the options and the commands.\n";

/* ---- commands and their options ---- */

typedef struct command {
    const char *name;
    unsigned bit;               /* CMD_*, for the options' table */
    const char *help;           /* --help; its first line is the usage */
    int words;                  /* non-option arguments: WORDS_* */
} command;

enum {
    CMD_SEARCH = 1u << 0, CMD_INDEX = 1u << 1, CMD_ANALYZE = 1u << 2, CMD_STATS = 1u << 3,
    CMD_DUMP = 1u << 4, CMD_CHECK = 1u << 5, CMD_ACRONYMS = 1u << 6, CMD_SHOW = 1u << 7,
    CMD_STATUS = 1u << 8, CMD_EXPORT = 1u << 9, CMD_SERVE = 1u << 10
};
#define CMD_ALL 0x7FFu
#define CMD_READERS (CMD_SEARCH | CMD_STATS | CMD_DUMP | CMD_CHECK | CMD_ACRONYMS | CMD_SHOW | \
                     CMD_STATUS | CMD_EXPORT | CMD_SERVE)
enum { WORDS_NONE, WORDS_ANY, WORDS_ONE };

static const command commands[] = {
    {"search", CMD_SEARCH, usage_main, WORDS_ANY},
    {"show", CMD_SHOW, usage_show, WORDS_ONE},
    {"index", CMD_INDEX, usage_index, WORDS_NONE},
    {"status", CMD_STATUS, usage_status, WORDS_NONE},
    {"export", CMD_EXPORT, usage_export, WORDS_ONE},
    {"analyze", CMD_ANALYZE, usage_analyze, WORDS_ANY},
    {"stats", CMD_STATS, usage_stats, WORDS_NONE},
    {"dump", CMD_DUMP, usage_dump, WORDS_NONE},
    {"check", CMD_CHECK, usage_check, WORDS_NONE},
    {"acronyms", CMD_ACRONYMS, usage_acronyms, WORDS_NONE},
    {"serve", CMD_SERVE, usage_serve, WORDS_NONE},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

/* The command being run, for usage messages (set once, in main). */
static const command *cur = &commands[0];

typedef enum { ARG_NONE, ARG_NEEDED, ARG_ATTACHED } argkind;

typedef enum {
    O_HELP, O_VERSION, O_INDEX, O_CORPUS, O_JSON, O_LIMIT, O_OFFSET, O_COUNT,
    O_STDIN, O_QUERY_FILE, O_MARK, O_HTML, O_CSV, O_CITE_LIST, O_GROUP, O_FULL, O_EXPLAIN,
    O_SINCE, O_UNTIL, O_DOC, O_SOURCE, O_FACET, O_TIMELINE,
    O_NO_CORRECT,
    O_NO_EXPAND, O_CHROME, O_NO_PARTIAL, O_K1, O_B, O_RANK, O_PROXIMITY, O_HEADING, O_HEADING_HIT, O_COLOR,
    O_THREADS, O_BIND, O_PORT, O_MEMORY, O_SHARD_SIZE, O_CONTEXT, O_KEEP, O_STRICT, O_WAIT, O_FINGERPRINT
} optid;

/* Every option, the commands it applies to and whether it takes a value
 * (ARG_NEEDED: attached with '=' or the next argument; ARG_ATTACHED: only
 * with '=', so that --color never eats a query word). */
typedef struct {
    const char *name;           /* long form */
    char letter;                /* short form (-n, -h), or 0 */
    argkind arg;
    unsigned cmds;
    optid id;
} optdef;

#define CMD_JSON (CMD_SEARCH | CMD_ANALYZE | CMD_STATS | CMD_DUMP | CMD_ACRONYMS | CMD_SHOW | \
                  CMD_INDEX | CMD_STATUS)
static const optdef optdefs[] = {
    {"--help", 'h', ARG_NONE, CMD_ALL, O_HELP},
    {"--version", 0, ARG_NONE, CMD_ALL, O_VERSION},
    {"--index", 0, ARG_NEEDED, CMD_READERS | CMD_INDEX, O_INDEX},
    {"--corpus", 0, ARG_NEEDED, CMD_SEARCH | CMD_INDEX | CMD_STATUS | CMD_SERVE, O_CORPUS},
    {"--json", 0, ARG_NONE, CMD_JSON, O_JSON},
    {"--limit", 'n', ARG_NEEDED, CMD_SEARCH, O_LIMIT},
    {"--offset", 0, ARG_NEEDED, CMD_SEARCH, O_OFFSET},
    {"--count", 0, ARG_NONE, CMD_SEARCH, O_COUNT},
    {"--stdin", 0, ARG_NONE, CMD_SEARCH, O_STDIN},
    {"--query-file", 0, ARG_NEEDED, CMD_SEARCH, O_QUERY_FILE},
    {"--mark", 0, ARG_NONE, CMD_SEARCH, O_MARK},
    {"--html", 0, ARG_NONE, CMD_SEARCH, O_HTML},
    {"--csv", 0, ARG_NONE, CMD_SEARCH, O_CSV},
    {"--cite-list", 0, ARG_NONE, CMD_SEARCH, O_CITE_LIST},
    {"--group", 0, ARG_NONE, CMD_SEARCH, O_GROUP},
    {"--since", 0, ARG_NEEDED, CMD_SEARCH, O_SINCE},
    {"--until", 0, ARG_NEEDED, CMD_SEARCH, O_UNTIL},
    {"--doc", 0, ARG_NEEDED, CMD_SEARCH, O_DOC},
    {"--source", 0, ARG_NEEDED, CMD_SEARCH, O_SOURCE},
    {"--facet", 0, ARG_NEEDED, CMD_SEARCH, O_FACET},
    {"--timeline", 0, ARG_ATTACHED, CMD_SEARCH, O_TIMELINE},
    {"--full", 0, ARG_NONE, CMD_SEARCH, O_FULL},
    {"--explain", 0, ARG_NONE, CMD_SEARCH, O_EXPLAIN},
    {"--no-correct", 0, ARG_NONE, CMD_SEARCH, O_NO_CORRECT},
    {"--no-expand", 0, ARG_NONE, CMD_SEARCH, O_NO_EXPAND},
    {"--chrome", 0, ARG_NONE, CMD_SEARCH, O_CHROME},
    {"--no-partial", 0, ARG_NONE, CMD_SEARCH, O_NO_PARTIAL},
    {"--k1", 0, ARG_NEEDED, CMD_SEARCH, O_K1},
    {"--b", 0, ARG_NEEDED, CMD_SEARCH, O_B},
    {"--rank", 0, ARG_NEEDED, CMD_SEARCH, O_RANK},
    {"--proximity", 0, ARG_NEEDED, CMD_SEARCH, O_PROXIMITY},
    {"--heading", 0, ARG_NEEDED, CMD_SEARCH, O_HEADING},
    {"--heading-hit", 0, ARG_NEEDED, CMD_SEARCH, O_HEADING_HIT},
    {"--color", 0, ARG_ATTACHED, CMD_SEARCH | CMD_SHOW, O_COLOR},
    {"--colour", 0, ARG_ATTACHED, CMD_SEARCH | CMD_SHOW, O_COLOR},
    {"--threads", 0, ARG_NEEDED, CMD_INDEX | CMD_SERVE, O_THREADS},
    {"--bind", 0, ARG_NEEDED, CMD_SERVE, O_BIND},
    {"--port", 0, ARG_NEEDED, CMD_SERVE, O_PORT},
    {"--memory", 0, ARG_NEEDED, CMD_INDEX, O_MEMORY},
    {"--shard-size", 0, ARG_NEEDED, CMD_INDEX, O_SHARD_SIZE},
    {"--context", 0, ARG_NEEDED, CMD_SHOW, O_CONTEXT},
    {"--keep", 0, ARG_NEEDED, CMD_INDEX, O_KEEP},
    {"--strict", 0, ARG_NONE, CMD_INDEX | CMD_CHECK, O_STRICT},
    {"--wait", 0, ARG_NONE, CMD_INDEX, O_WAIT},
    {"--fingerprint", 0, ARG_NONE, CMD_STATUS, O_FINGERPRINT},
};

/* Writes the usage line of the current command (the first line of its
 * help) with a pointer to the rest. */
static void usage_line(FILE *f) {
    const char *nl = strchr(cur->help, '\n');
    fwrite(cur->help, 1, (size_t)(nl - cur->help), f);
    fprintf(f, "   (more: %s %s%s--help)\n", prog, cur->bit == CMD_SEARCH ? "" : cur->name,
            cur->bit == CMD_SEARCH ? "" : " ");
}

/* Reports a misuse of the command line and exits with status 2: one line
 * saying what is wrong, one with the command's usage.  Each %s of fmt takes
 * a string argument, which may come from the command line and is shown
 * through out_safe like everything else a user did not write here. */
static void die_usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    for (const char *at; (at = strstr(fmt, "%s")) != NULL; fmt = at + 2) {
        fwrite(fmt, 1, (size_t)(at - fmt), stderr);
        out_safe_cstr(stderr, va_arg(ap, const char *));
    }
    va_end(ap);
    fputs(fmt, stderr);
    fputc('\n', stderr);
    usage_line(stderr);
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
    if (errno || end == v || *end) die_usage("%s needs a number (got '%s')", opt, v);
    return d;
}

static uint32_t parse_count(const char *opt, const char *v) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > 100000000)
        die_usage("%s needs a whole number between 0 and 100000000 (got '%s')", opt, v);
    return (uint32_t)n;
}

/* "512M", "2G", "100000000": bytes, at least min (16 MiB or 1 KiB). */
static uint64_t parse_size(const char *opt, const char *v, double min) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || d <= 0)
        die_usage("%s needs a size such as 512M or 2G (got '%s')", opt, v);
    switch (*end) {
    case 'k': case 'K': d *= 1024; end++; break;
    case 'm': case 'M': d *= 1024 * 1024; end++; break;
    case 'g': case 'G': d *= 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end || d < min || d > 1e15)
        die_usage("%s needs a size between %s and 1000T, such as 512M or 2G (got '%s')",
                  opt, min < 1024 * 1024 ? "1K" : "16M", v);
    return (uint64_t)d;
}

/* The option a long argument names ("--limit", "--limit=5"), or NULL. */
static const optdef *find_long(const char *a, size_t n) {
    for (size_t i = 0; i < sizeof optdefs / sizeof *optdefs; i++)
        if (strlen(optdefs[i].name) == n && !memcmp(optdefs[i].name, a, n))
            return &optdefs[i];
    return NULL;
}

/* The short option a one-dash argument is, or NULL when it is a word.
 * Only -h and -n are options, so that -korea stays a negated query word:
 * -h exactly; -n alone, or followed by anything but a letter (-n5, and
 * -n5x or -n=5, which then fail as numbers).  -north is a word. */
static const optdef *find_short(const char *a) {
    unsigned char c = (unsigned char)a[2];
    /* non-ASCII counts as a letter: -née is a word */
    int letter = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
    char want = 0;
    if (a[1] == 'h' && c == 0) want = 'h';
    else if (a[1] == 'n' && !letter) want = 'n';
    for (size_t i = 0; want && i < sizeof optdefs / sizeof *optdefs; i++)
        if (optdefs[i].letter == want) return &optdefs[i];
    return NULL;
}

/* What argument a (which starts with '-') is: the option it names, or
 * NULL for a word (-korea) or an unknown long option; *attached says
 * whether its value is inside it (--limit=5, -n5); *name_len is the
 * length of its name (before any '='). */
static const optdef *classify(const char *a, int *attached, size_t *name_len) {
    if (a[1] == '-') {
        const char *eq = strchr(a, '=');
        *name_len = eq ? (size_t)(eq - a) : strlen(a);
        *attached = eq != NULL;
        return find_long(a, *name_len);
    }
    *name_len = 2;
    *attached = a[2] != 0;
    return find_short(a);
}

/* Keeps a non-option argument, when the command takes it. */
static void add_word(options *o, char *a, int after_dashes) {
    if (cur->words == WORDS_NONE) {
        if (a[0] == '-' && a[1] && !after_dashes) die_usage("unknown option '%s'", a);
        die_usage("%s takes no arguments (got '%s')", cur->name, a);
    }
    if (cur->words == WORDS_ONE && o->nargs == 1)
        die_usage("%s takes one argument (got '%s' and '%s')", cur->name, o->args[0], a);
    o->args[o->nargs++] = a;
}

/* Sets option d from its value (NULL for a flag); name is as written. */
static void apply_option(options *o, const optdef *d, const char *name, const char *val) {
    switch (d->id) {
    case O_HELP: o->help = 1; break;
    case O_VERSION:
        printf("ajsearch %s (index format %u)\n", AJ_VERSION_STRING, aj_format_version());
        exit(0);
    case O_INDEX: o->index_dir = val, o->index_from = "--index"; break;
    case O_CORPUS: o->corpus_dir = val; break;
    case O_JSON: o->json = 1; break;
    case O_LIMIT: o->so.limit = parse_count(name, val); break;
    case O_OFFSET: o->so.offset = parse_count(name, val); break;
    case O_COUNT: o->count = 1; break;
    case O_STDIN: o->stdin_mode = 1; break;
    case O_QUERY_FILE: o->query_file = val; break;
    case O_MARK: o->mark = 1; break;
    case O_HTML: o->html = 1; break;
    case O_CSV: o->csv = 1; break;
    case O_SINCE: o->so.since = val; break;
    case O_UNTIL: o->so.until = val; break;
    case O_DOC: o->so.doc = val; break;
    case O_SOURCE: o->so.source = val; break;
    case O_FACET:
        for (const char *p = val;;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            unsigned k = facet_kind(p, n);
            if (!k) {
                char bad[64];
                snprintf(bad, sizeof bad, "%.*s", (int)(n < 60 ? n : 60), p);
                die_usage("%s: '%s' is not one of year, month, date, doc, source", name, bad);
            }
            o->facets |= k;
            if (!comma) break;
            p = comma + 1;
        }
        break;
    case O_TIMELINE:
        o->timeline = !val || !strcmp(val, "year") ? AJ_FACET_YEAR
                      : !strcmp(val, "month") ? AJ_FACET_MONTH : 0;
        if (!o->timeline) die_usage("%s must be year or month", name);
        break;
    case O_CITE_LIST: o->cite_list = 1; break;
    case O_GROUP: o->group = 1; break;
    case O_FULL: o->full = 1; break;
    case O_EXPLAIN: o->explain = 1; break;
    case O_NO_CORRECT: o->no_correct = 1; break;
    case O_NO_EXPAND: o->so.expand = 0; break;
    case O_CHROME: o->so.chrome = 1; break;
    case O_NO_PARTIAL: o->so.partial = 0; break;
    case O_K1:
        o->so.k1 = parse_num(name, val);
        if (!(o->so.k1 >= 0 && o->so.k1 <= 1000)) die_usage("%s must be between 0 and 1000", name);
        break;
    case O_B:
        o->so.b = parse_num(name, val);
        if (!(o->so.b >= 0 && o->so.b <= 1)) die_usage("%s must be between 0 and 1", name);
        break;
    case O_RANK:
        if (!strcmp(val, "full")) o->so.rank = AJ_RANK_FULL;
        else if (!strcmp(val, "bm25")) o->so.rank = AJ_RANK_BM25;
        else die_usage("--rank must be full or bm25, not '%s'", val);
        break;
    case O_PROXIMITY:
    case O_HEADING: {
        double w = parse_num(name, val);
        if (!(w >= 0 && w <= 100)) die_usage("%s must be between 0 and 100", name);
        *(d->id == O_PROXIMITY ? &o->so.w_prox : &o->so.w_head) = w;
        break;
    }
    case O_HEADING_HIT: {
        double w = parse_num(name, val);
        if (!(w >= 0 && w <= 1)) die_usage("%s must be between 0 and 1", name);
        o->so.heading_hit = w;
        break;
    }
    case O_COLOR:
        o->color_opt = val ? val : "always";
        if (strcmp(o->color_opt, "auto") && strcmp(o->color_opt, "always") &&
            strcmp(o->color_opt, "never"))
            die_usage("%s must be auto, always or never", name);
        break;
    case O_BIND: o->bind = val; break;
    case O_PORT:
        o->port = val;
        if (parse_count(name, val) > 65535) die_usage("%s must be between 0 and 65535", name);
        break;
    case O_THREADS:
        o->threads = (int)parse_count(name, val);
        if (o->threads < 1 || o->threads > 64) die_usage("%s must be between 1 and 64", name);
        break;
    case O_MEMORY: o->memory = parse_size(name, val, 16.0 * 1024 * 1024); break;
    case O_SHARD_SIZE:
        o->shard_size = !strcmp(val, "off") ? UINT64_MAX : parse_size(name, val, 1024);
        break;
    case O_CONTEXT: o->context = parse_count(name, val); break;
    case O_KEEP:
        o->keep = (int)parse_count(name, val) + 1;
        if (o->keep > 101) die_usage("%s must be between 0 and 100", name);
        break;
    case O_STRICT: o->strict = 1; break;
    case O_WAIT: o->wait = 1; break;
    case O_FINGERPRINT: o->fingerprint = 1; break;
    }
}

/* Width of a terminal line: the terminal's, else $COLUMNS, else
 * LINE_COLUMNS, within [MIN_COLUMNS, MAX_COLUMNS]. */
static size_t line_columns(void) {
    struct winsize ws;
    long cols = 0;
    const char *env = getenv("COLUMNS");
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        cols = ws.ws_col;
    } else if (env && *env) {
        char *end;
        errno = 0;
        cols = strtol(env, &end, 10);
        if (errno || *end || cols <= 0) cols = 0;
    }
    if (cols == 0) cols = LINE_COLUMNS;
    return cols < MIN_COLUMNS ? MIN_COLUMNS : cols > MAX_COLUMNS ? MAX_COLUMNS : (size_t)cols;
}

/* Parses the arguments of command cur as getopt_long does with its
 * defaults (options and words in any order, "--" ends the options), with
 * one exception: a word starting with '-' that is not -h or -n is a word,
 * so that a query keeps its negated words. */
static void parse_options(int argc, char **argv, options *o) {
    if (argc < 0) argc = 0;
    o->args = calloc((size_t)argc + 1, sizeof *o->args);
    if (!o->args) exit(EXIT_ERR);
    o->context = SHOW_CONTEXT;
    int only_args = 0;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == 0) {
            add_word(o, a, only_args);
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = 1;
            continue;
        }
        const char *val = NULL;
        char name[64];
        int attached;
        size_t n;
        const optdef *d = classify(a, &attached, &n);
        if (a[1] == '-') {
            snprintf(name, sizeof name, "%.*s", (int)n, a);
            if (!d) die_usage("unknown option '%s'", name);
            if (attached && d->arg == ARG_NONE) die_usage("%s takes no value (got '%s')", name, a);
            if (attached) val = a + n + 1;
        } else {
            if (!d) {
                add_word(o, a, 0); /* a negated word: -korea */
                continue;
            }
            snprintf(name, sizeof name, "-%c", d->letter);
            if (attached) val = a + 2;
        }
        if (!(d->cmds & cur->bit)) die_usage("%s does not apply to %s", name, cur->name);
        if (d->arg == ARG_NEEDED && !val) {
            if (i + 1 >= argc) die_usage("%s needs a value", name);
            val = argv[++i];
        }
        apply_option(o, d, name, val);
    }
    if (!o->index_dir) {
        const char *env = getenv("AJSEARCH_INDEX");
        if (env && *env) o->index_dir = env, o->index_from = "AJSEARCH_INDEX";
    }
    /* A reading command finds the index as git finds .git (locate.h), and
     * with it the corpus beside it; index builds where it is told, or
     * here. */
    if (!o->index_dir && cur->bit != CMD_INDEX && !o->help &&
        aj_locate_index(&o->found_index, &o->found_corpus) == 0) {
        o->index_dir = o->found_index;
    }
    if (!o->index_dir && cur->bit == CMD_INDEX) o->index_dir = "index";
    if (!o->corpus_dir) {
        /* search reads the corpus too, for the source offsets of --json */
        const char *env = getenv("AJSEARCH_CORPUS");
        o->corpus_dir = env && *env ? env : o->found_corpus ? o->found_corpus : "corpus";
    }
    /* One output format at a time.  --csv and --cite-list list the hits
     * themselves: neither has room for a count or for --explain's
     * factors. */
    const char *formats[4];
    int nformats = 0;
    if (o->html) formats[nformats++] = "--html";
    if (o->json) formats[nformats++] = "--json";
    if (o->csv) formats[nformats++] = "--csv";
    if (o->cite_list) formats[nformats++] = "--cite-list";
    if (nformats > 1) die_usage("%s and %s exclude each other", formats[0], formats[1]);
    if ((o->facets || o->timeline) && (o->csv || o->cite_list || o->count))
        die_usage("--facet and --timeline print with the hits (text, --json, --html), not "
                  "with --csv, --cite-list or --count");
    if ((o->csv || o->cite_list) && o->count)
        die_usage("--count prints a number; it excludes %s", formats[0]);
    if ((o->csv || o->cite_list) && o->explain)
        die_usage("--explain does not apply to %s", formats[0]);
    const char *nc = getenv("NO_COLOR");
    if (!o->color_opt || !strcmp(o->color_opt, "auto"))
        o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
    else
        o->color = !strcmp(o->color_opt, "always");
    o->columns = line_columns();
}

/* Opens the index, or says where it looked and what to do. */
static aj_index *open_index(const options *o) {
    aj_ctx c = {0};
    aj_index *ix;
    if (!o->index_dir) {
        char *cwd = getcwd(NULL, 0);
        fprintf(stderr, "%s: no index found: looked for index/CURRENT in ", prog);
        out_safe_cstr(stderr, cwd ? cwd : ".");
        fprintf(stderr, " and every directory above it\n"
                "%s: build one with '%s index' beside a corpus/ directory, or name one "
                "with --index DIR or AJSEARCH_INDEX=DIR\n", prog, prog);
        free(cwd);
        exit(EXIT_ERR);
    }
    if (aj_index_open(&c, o->index_dir, &ix) != AJ_OK) {
        report(&c);
        if (c.err == AJ_ENOTFOUND && o->index_from && !strcmp(o->index_from, "--index"))
            fprintf(stderr, "%s: (that directory comes from --index)\n", prog);
        else if (c.err == AJ_ENOTFOUND && o->index_from)
            fprintf(stderr, "%s: (that directory comes from $AJSEARCH_INDEX; unset it to "
                    "look for index/ from here upwards)\n", prog);
        exit(EXIT_ERR);
    }
    return ix;
}

/* ---- index ---- */

/* The progress line of a build: shown on standard error only when it is
 * a terminal (a log gets the summary alone), redrawn at most every
 * PROGRESS_SECONDS, and erased before a warning and at the end. */
#define PROGRESS_SECONDS 0.25

typedef struct {
    const options *o;
    int tty;                    /* standard error is a terminal */
    int shown;                  /* a progress line is on the screen */
    double last;                /* when it was drawn (build seconds) */
} index_ui;

static void progress_erase(index_ui *ui) {
    if (ui->shown) fputs("\r\x1b[K", stderr);
    ui->shown = 0;
}

static void on_progress(void *arg, const aj_build_progress *p) {
    index_ui *ui = arg;
    if (!ui->tty || (ui->shown && p->seconds - ui->last < PROGRESS_SECONDS)) return;
    ui->last = p->seconds;
    unsigned pct = p->docs_total ? (unsigned)(100 * p->docs_done / p->docs_total) : 100;
    fprintf(stderr, "\r%s: %s: %llu/%llu documents (%u%%), %.1f MB, %.1f MB/s, %.0f s\x1b[K",
            prog, p->phase, (unsigned long long)p->docs_done,
            (unsigned long long)p->docs_total, pct, p->bytes_done / 1e6,
            p->seconds > 0 ? p->bytes_done / 1e6 / p->seconds : 0.0, p->seconds);
    fflush(stderr);
    ui->shown = 1;
}

static void on_warn(void *arg, int kind, const char *path, const char *reason) {
    (void)kind;
    index_ui *ui = arg;
    progress_erase(ui);
    fprintf(stderr, "%s: warning: ", prog);
    out_safe_cstr(stderr, ui->o->corpus_dir);
    fputc('/', stderr);
    out_safe_cstr(stderr, path);
    fputs(": ", stderr);
    out_safe_cstr(stderr, reason);
    fputc('\n', stderr);
}

static void index_json(const options *o, const aj_build_stats *st, uint64_t rss) {
    double mbs = st->seconds > 0 ? st->bytes_in / 1e6 / st->seconds : 0;
    printf("{\"documents\":%u,\"paragraphs\":%u,\"terms\":%llu,\"words\":%llu,"
           "\"tokens\":%llu,\"postings\":%llu,\"skipped\":%u,\"bytes_in\":%llu,"
           "\"bytes_out\":%llu,\"seconds\":%.3f,\"mb_per_s\":%.2f,\"threads\":%u,"
           "\"runs_spilled\":%u,\"shards\":%u,\"shards_indexed\":%u,"
           "\"peak_rss_bytes\":%llu,\"warnings\":{",
           st->ndocs, st->nparas, (unsigned long long)st->nterms,
           (unsigned long long)st->nwords, (unsigned long long)st->ntokens,
           (unsigned long long)st->npostings, st->nskipped,
           (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out,
           st->seconds, mbs, st->threads, st->nruns, st->nshards, st->shards_built,
           (unsigned long long)rss);
    uint32_t total = 0;
    for (int k = 0; k < AJ_WARN_NKINDS; k++) {
        printf("%s\"%s\":%u", k ? "," : "", aj_warn_kind_name(k), st->warnings[k]);
        total += st->warnings[k];
    }
    printf(",\"total\":%u},\"format\":%u,\"fingerprint\":\"%016llx\",\"index\":",
           total, st->format, (unsigned long long)st->fingerprint);
    out_json_cstr(stdout, o->index_dir);
    fputs(",\"corpus\":", stdout);
    out_json_cstr(stdout, o->corpus_dir);
    fputs("}\n", stdout);
}

/* Peak resident memory of this process, in bytes. */
static uint64_t peak_rss(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
}

/* The signal that asked the build to stop, 0 while none has.  The first
 * SIGINT, SIGTERM or SIGHUP sets it, and the library stops the build at
 * its next check and removes what it wrote; a second one ends the process
 * at once, as if no handler had been installed (what the build wrote is
 * left for the next build to remove, as after SIGKILL). */
static volatile sig_atomic_t stop_signal;
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_stop_signal(int sig) {
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig); /* delivered when this handler returns */
        return;
    }
    stop_signal = sig;
}

/* Installs on_stop_signal, except for a signal this process was started
 * ignoring (nohup, a background job of a shell without job control),
 * which stays ignored. */
static void catch_stop_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]);
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(stop_signals[i], &sa, NULL);
    }
}

static const char *signal_name(int sig) {
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP"
                                                                                 : "a signal";
}

static int cmd_index(options *o) {
    if (o->help) {
        fputs(usage_index, stdout);
        return 0;
    }
    aj_ctx c = {0};
    index_ui ui = {.o = o, .tty = isatty(STDERR_FILENO)};
    aj_build_opts bo = {.corpus_dir = o->corpus_dir, .index_dir = o->index_dir,
                        .warn = on_warn, .warn_arg = &ui, .threads = o->threads,
                        .memory = o->memory,
                        .shard_bytes = o->shard_size,
                        .keep = o->keep == 0 ? 0 : o->keep == 1 ? -1 : o->keep - 1,
                        .wait = o->wait, .strict = o->strict,
                        .progress = on_progress, .progress_arg = &ui,
                        .cancel = &stop_signal};
    aj_build_stats st;
    catch_stop_signals();
    aj_err e = aj_build(&c, &bo, &st);
    progress_erase(&ui);
    if (e != AJ_OK) {
        /* Stopped by a signal: one line saying so, and the status a shell
         * gives a process the signal ended (130 for SIGINT, 143 for
         * SIGTERM, 129 for SIGHUP). */
        int sig = stop_signal;
        if (c.err == AJ_ECANCELED && sig) {
            fprintf(stderr, "%s: interrupted by %s: ", prog, signal_name(sig));
            out_safe(stderr, c.msg, strlen(c.msg));
            fputc('\n', stderr);
        } else {
            report(&c);
        }
        return sig ? 128 + sig : e == AJ_EBUSY ? EXIT_BUSY : EXIT_ERR;
    }
    uint32_t nwarn = 0;
    for (int k = 0; k < AJ_WARN_NKINDS; k++) nwarn += st.warnings[k];
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
    if (st.nshards > 1)
        fprintf(stderr, "%u shards: %u indexed, %u unchanged\n", st.nshards, st.shards_built,
                st.nshards - st.shards_built);
    if (st.nskipped)
        fprintf(stderr, "skipped %u files (see the warnings above)\n",
                st.nskipped);
    if (nwarn)
        fprintf(stderr, "%u warning%s (ajsearch index --strict makes them fail the "
                "build)\n", nwarn, nwarn == 1 ? "" : "s");
    if (stop_signal)
        fprintf(stderr, "%s: %s came while the new index was being switched in; "
                "the build completed\n", prog, signal_name(stop_signal));
    if (o->json) index_json(o, &st, peak_rss());
    return 0;
}

/* ---- status ---- */

typedef struct {
    const options *o;
    char **paths[4];            /* by AJ_CHANGE_* */
    size_t n[4], cap[4];
} status_ui;

static const char *const change_names[4] = {"added", "removed", "changed", "metadata"};

static void on_change(void *arg, int what, const char *path) {
    status_ui *ui = arg;
    if (ui->n[what] == ui->cap[what]) {
        size_t cap = ui->cap[what] ? ui->cap[what] * 2 : 16;
        char **v = realloc(ui->paths[what], cap * sizeof *v);
        if (!v) return;
        ui->paths[what] = v;
        ui->cap[what] = cap;
    }
    char *copy = strdup(path);
    if (copy) ui->paths[what][ui->n[what]++] = copy;
}

static int cmd_status(options *o) {
    if (o->help) {
        fputs(usage_status, stdout);
        return 0;
    }
    aj_ctx c = {0};
    aj_status st;
    if (o->fingerprint) {
        if (aj_corpus_fingerprint(&c, o->corpus_dir, &st) != AJ_OK) {
            report(&c);
            return EXIT_ERR;
        }
        printf("%016llx\n", (unsigned long long)st.corpus_fingerprint);
        return 0;
    }
    /* No index yet is an answer, not an error: it is not up to date. */
    aj_index *ix = NULL;
    aj_err e = o->index_dir ? aj_index_open(&c, o->index_dir, &ix) : AJ_ENOTFOUND;
    if (e && e != AJ_ENOTFOUND) {
        report(&c);
        return EXIT_ERR;
    }
    status_ui ui = {.o = o};
    e = ix ? aj_index_status(&c, ix, o->corpus_dir, on_change, &ui, &st)
           : aj_corpus_fingerprint(&c, o->corpus_dir, &st);
    int rc = EXIT_ERR;
    if (e) {
        report(&c);
    } else if (o->json) {
        printf("{\"up_to_date\":%s,\"fingerprint\":\"%016llx\",\"index_fingerprint\":",
               st.up_to_date ? "true" : "false", (unsigned long long)st.corpus_fingerprint);
        if (ix) printf("\"%016llx\"", (unsigned long long)st.index_fingerprint);
        else fputs("null", stdout);
        printf(",\"documents\":%u,\"index_documents\":%u,\"bytes\":%llu", st.corpus_docs,
               st.index_docs, (unsigned long long)st.corpus_bytes);
        for (int k = 0; k < 4; k++) {
            printf(",\"%s\":[", change_names[k]);
            for (size_t i = 0; i < ui.n[k]; i++) {
                if (i) fputc(',', stdout);
                out_json_cstr(stdout, ui.paths[k][i]);
            }
            fputc(']', stdout);
        }
        fputs(",\"index\":", stdout);
        if (ix) out_json_cstr(stdout, o->index_dir);
        else fputs("null", stdout);
        fputs(",\"corpus\":", stdout);
        out_json_cstr(stdout, o->corpus_dir);
        fputs("}\n", stdout);
        rc = st.up_to_date ? 0 : EXIT_NOHITS;
    } else {
        if (!ix) {
            fputs("no index yet", stdout);
        } else {
            fputs(st.up_to_date ? "up to date: " : "not up to date: ", stdout);
            out_safe_cstr(stdout, o->index_dir);
            printf(" (%u documents)", st.index_docs);
        }
        fputs(st.up_to_date ? " matches " : ", corpus ", stdout);
        out_safe_cstr(stdout, o->corpus_dir);
        printf(" (%u documents, %llu bytes; fingerprint %016llx)\n", st.corpus_docs,
               (unsigned long long)st.corpus_bytes, (unsigned long long)st.corpus_fingerprint);
        if (ix && !st.up_to_date)
            printf("%u added, %u removed, %u changed, %u with changed metadata\n",
                   st.changes[AJ_CHANGE_ADDED], st.changes[AJ_CHANGE_REMOVED],
                   st.changes[AJ_CHANGE_CONTENT], st.changes[AJ_CHANGE_METADATA]);
        for (int k = 0; k < 4; k++)
            for (size_t i = 0; i < ui.n[k]; i++) {
                printf("  %-9s ", change_names[k]);
                out_safe_cstr(stdout, ui.paths[k][i]);
                fputc('\n', stdout);
            }
        rc = st.up_to_date ? 0 : EXIT_NOHITS;
    }
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < ui.n[k]; i++) free(ui.paths[k][i]);
        free(ui.paths[k]);
    }
    aj_index_close(ix);
    return rc;
}

/* ---- export ---- */

static int cmd_export(options *o) {
    if (o->help) {
        fputs(usage_export, stdout);
        return 0;
    }
    if (o->nargs != 1) die_usage("%s", "export needs the directory to write");
    aj_index_close(open_index(o));   /* says where it looked, as readers do */
    aj_ctx c = {0};
    aj_export_info info;
    if (aj_index_export(&c, o->index_dir, o->args[0], &info) != AJ_OK) {
        report(&c);
        return EXIT_ERR;
    }
    fputs("exported ", stderr);
    out_safe_cstr(stderr, o->index_dir);
    fputs(" (", stderr);
    out_safe_cstr(stderr, info.generation);
    fprintf(stderr, ", %llu bytes, verified) to ", (unsigned long long)info.bytes);
    out_safe_cstr(stderr, o->args[0]);
    fputc('\n', stderr);
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
    uint32_t chrome[8];
    aj_ctx c = {0};
    if (aj_index_chrome_counts(&c, ix, chrome)) {
        report(&c);
        aj_index_close(ix);
        return EXIT_ERR;
    }
    if (o->json) {
        printf("{\"index\":");
        out_json_cstr(stdout, o->index_dir);
        fputs(",\"generation\":", stdout);
        out_json_cstr(stdout, st.generation);
        printf(",\"documents\":%u,\"paragraphs\":%u,"
               "\"terms\":%llu,\"words\":%llu,\"postings\":%llu,"
               "\"positions\":%llu,\"avgdl\":%.6f,\"k1\":%g,\"b\":%g,"
               "\"acronyms\":%u,\"acronym_bytes\":%llu,\"bytes\":%llu,\"chrome\":{"
               "\"paragraphs\":%u,\"tokens\":%llu",
               st.ndocs, st.nparas, (unsigned long long)st.nterms,
               (unsigned long long)st.nwords, (unsigned long long)st.npostings,
               (unsigned long long)st.ntokens, st.avgdl, aj_search_k1(&o->so), aj_search_b(&o->so),
               st.nacronyms, (unsigned long long)aj_index_acronym_bytes(ix),
               (unsigned long long)total, st.nchrome, (unsigned long long)st.chrome_tokens);
        for (int k = AJ_CHROME_NAVIGATION; k <= AJ_CHROME_CONTENTS; k++)
            printf(",\"%s\":%u", aj_para_kind_name(AJ_PARA_CHROME, k) + strlen("chrome:"),
                   chrome[k]);
        fputs("},\"files\":{", stdout);
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
        printf("paragraphs   %u (%u page chrome", st.nparas, st.nchrome);
        for (int k = AJ_CHROME_NAVIGATION; k <= AJ_CHROME_CONTENTS; k++)
            if (chrome[k])
                printf(", %u %s", chrome[k], aj_para_kind_name(AJ_PARA_CHROME, k) + strlen("chrome:"));
        fputs(": not searched, not counted in avgdl)\n", stdout);
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
        aj_cite ct;
        char *text = NULL;
        size_t len = 0;
        if (aj_para_get(&c, ix, id, &p) || aj_doc_get(&c, ix, p.doc, &d) ||
            aj_para_text(&c, ix, id, &text, &len) || aj_para_cite(&c, ix, id, &ct)) {
            free(text);
            report(&c);
            rc = EXIT_ERR;
            break;
        }
        const char *kind = aj_para_kind_name(p.kind, p.chrome);
        if (o->json) {
            printf("{\"id\":%u,\"doc\":", id);
            out_json_cstr(stdout, d.path);
            fputs(",\"title\":", stdout);
            out_json_cstr(stdout, d.title);
            if (p.ordinal) printf(",\"para\":%u,\"label\":", p.ordinal);
            else fputs(",\"para\":null,\"label\":", stdout);
            out_json_cstr(stdout, p.label);
            printf(",\"kind\":\"%s\",\"cite\":", kind);
            out_json_cstr(stdout, ct.place);
            json_section(stdout, &ct);
            printf(",\"start\":%llu,\"end\":%llu,\"len\":%u,\"text\":",
                   (unsigned long long)p.start, (unsigned long long)p.end, p.len);
            out_json_str(stdout, text, len);
            fputs("}\n", stdout);
        } else {
            printf("%u\t", id);
            out_safe(stdout, d.path, strlen(d.path));
            if (p.ordinal) printf("\t%u\t", p.ordinal);
            else fputs("\t-\t", stdout);
            if (p.label) out_safe(stdout, p.label, strlen(p.label));
            printf("\t%s\t", kind);
            out_safe(stdout, text, len);
            fputc('\n', stdout);
        }
        aj_cite_free(&ct);
        free(text);
    }
    aj_index_close(ix);
    return rc;
}

/* A size for people: 512 bytes, 34.2 kB, 22.1 MB, 1.3 GB. */
static void human_size(char *buf, size_t cap, uint64_t n) {
    if (n < 10000) snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
    else if (n < 1000000) snprintf(buf, cap, "%.1f kB", n / 1e3);
    else if (n < 1000000000) snprintf(buf, cap, "%.1f MB", n / 1e6);
    else snprintf(buf, cap, "%.1f GB", n / 1e9);
}

typedef struct {
    const options *o;
    int warnings;
} leftover_state;

/* One line per leftover of a build (aj_index_leftovers), on stderr. */
static void on_leftover(void *arg, const aj_leftover *l) {
    leftover_state *s = arg;
    char size[32];
    human_size(size, sizeof size, l->bytes);
    if (l->running && l->kind != AJ_LEFTOVER_GEN) {
        fprintf(stderr, "%s: note: ", prog);
        out_safe_cstr(stderr, s->o->index_dir);
        fputc('/', stderr);
        out_safe_cstr(stderr, l->name);
        if (l->kind == AJ_LEFTOVER_BUILD)
            fprintf(stderr, ": a build in progress (process %ld is running), %s so far\n",
                    l->pid, size);
        else
            fprintf(stderr, ": the link a build is switching in (process %ld is running)\n",
                    l->pid);
        return;
    }
    s->warnings++;
    fprintf(stderr, "%s: warning: ", prog);
    out_safe_cstr(stderr, s->o->index_dir);
    fputc('/', stderr);
    out_safe_cstr(stderr, l->name);
    if (l->kind == AJ_LEFTOVER_BUILD)
        fprintf(stderr, ": an unfinished build left by process %ld, which is gone (%s)",
                l->pid, size);
    else if (l->kind == AJ_LEFTOVER_CURRENT)
        fprintf(stderr, ": a file left by process %ld, which is gone, while switching "
                "generations", l->pid);
    else
        fprintf(stderr, ": a generation newer than the current one, never switched in (%s)",
                size);
    fputs("; readers ignore it and the next 'ajsearch index' removes it\n", stderr);
}

static int cmd_check(options *o) {
    if (o->help) {
        fputs(usage_check, stdout);
        return 0;
    }
    /* Leftovers first: they are reported even when there is no index
     * (a first build killed before its switch). */
    leftover_state ls = {o, 0};
    aj_ctx c = {0};
    if (o->index_dir && aj_index_leftovers(&c, o->index_dir, on_leftover, &ls) != AJ_OK &&
        c.err != AJ_ENOTFOUND) {
        report(&c);
        return EXIT_ERR;
    }
    aj_ctx_reset(&c);
    aj_index *ix = open_index(o);
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
        if (ls.warnings && o->strict) rc = 1;
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

/* hit_load, reporting its error: 0 or EXIT_ERR. */
static int load_hit(aj_index *ix, aj_searcher *s, uint32_t id, hitview *v) {
    aj_ctx c = {0};
    if (hit_load(&c, ix, s, id, v) == AJ_OK) return 0;
    report(&c);
    return EXIT_ERR;
}

/* hits_load, with the source bytes of the matches for --json; reports
 * what went wrong: 0 or EXIT_ERR. */
static int load_hits(const options *o, aj_index *ix, aj_searcher *s, const aj_hit *h,
                     const size_t *idx, size_t n, hitview *v) {
    aj_ctx c = {0}, warn = {0};
    aj_err e = hits_load(&c, ix, s, h, idx, n, v, o->json ? o->corpus_dir : NULL, &warn);
    if (warn.err) report(&warn);
    if (e == AJ_OK) return 0;
    report(&c);
    return EXIT_ERR;
}

/* Prints text[ws..we) indented and wrapped at cols columns, each span
 * between on and off (colour codes, --mark's brackets, both or neither)
 * once, however many words it covers (a phrase); on_cols and off_cols
 * count the columns they take.  A span that wraps stays open over the line
 * break but pauses there (pause, resume: the colour), so the indent is
 * not coloured. */
static void print_snippet(const char *on, const char *off, size_t on_cols,
                          size_t off_cols, const char *pause, const char *resume,
                          size_t cols,
                          const char *text, size_t len, size_t ws, size_t we,
                          const aj_span *sp, size_t nsp) {
    size_t col = 0, si = 0;
    int in = 0; /* inside a span */
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
        for (size_t t = si; t < nsp && sp[t].start < j; t++) {
            if (sp[t].end <= i) continue;
            if (sp[t].start >= i || !in) wcols += on_cols;
            if (sp[t].end <= j) wcols += off_cols;
        }
        if (col > 0 && col + 1 + wcols > cols) {
            fputs(in ? pause : "", stdout);
            fputs("\n    ", stdout);
            fputs(in ? resume : "", stdout);
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
                if (!in) fputs(on, stdout);
                in = 1;
                out_safe(stdout, text + k, e - k);
                if (e == sp[si].end) {
                    fputs(off, stdout);
                    in = 0;
                }
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
    if (in) fputs(off, stdout);
    if (we < len) fputs(" \xE2\x80\xA6", stdout);
    fputc('\n', stdout);
}

/* The part of v shown: the snippet window [ws, we), or with --full the
 * whole paragraph. */
static void snippet_of(const options *o, const hitview *v, size_t *ws, size_t *we) {
    if (o->full) {
        *ws = 0;
        *we = v->len;
        return;
    }
    aj_snippet_window(v->text, v->len, v->spans, v->nspans, SNIPPET_BYTES, ws, we);
}

static void print_text_snippet(const options *o, const hitview *v) {
    char on[32], off[32];
    snprintf(on, sizeof on, "%s%s", o->color ? "\033[1;31m" : "", o->mark ? MARK_ON : "");
    snprintf(off, sizeof off, "%s%s", o->mark ? MARK_OFF : "", o->color ? "\033[0m" : "");
    size_t ws, we;
    snippet_of(o, v, &ws, &we);
    print_snippet(on, off, o->mark ? strlen(MARK_ON) : 0, o->mark ? strlen(MARK_OFF) : 0,
                  o->color ? "\033[0m" : "", o->color ? "\033[1;31m" : "",
                  o->columns - TEXT_INDENT, v->text, v->len, ws, we, v->spans, v->nspans);
}

/* The full ranking's factors (README "Ranking"), as one line. */
static void format_factors(const options *o, const aj_hit *h, char *buf, size_t cap) {
    snprintf(buf, cap,
             "= bm25 %.4f x proximity (1 + %g x %.3f) x heading (1 + %g x %.3f)"
             " x kind %g x clauses %u/%u (share %.3f) -> %.4f",
             h->bm25, o->so.w_prox, h->proximity, o->so.w_head, h->heading, h->kind,
             h->matched, h->clauses, h->share, h->score);
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
/* The snippet window of v as HTML, matches in <mark>. */
static void print_html_snippet(const options *o, const hitview *v) {
    size_t ws, we;
    snippet_of(o, v, &ws, &we);
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
           h->matched < h->clauses ? " ajsearch-partial" : "", rank, h->id, h->score);
    if (h->matched < h->clauses)
        printf("data-matched=\"%u of %u\" ", h->matched, h->clauses);
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
    print_html_snippet(o, v);
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
    if (h->matched < h->clauses) printf("(%u of %u) ", h->matched, h->clauses);
    fputs(b, stdout);
    out_safe_cstr(stdout, v->d.title);
    printf("%s" MID_DOT, n);
    out_safe_cstr(stdout, v->where);
    fputc('\n', stdout);
    print_text_snippet(o, v);
    if (o->explain) print_explain_text(o, h);
    fputc('\n', stdout);
}

/* ---- --csv and --cite-list: hits to paste elsewhere ---- */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when
 * there is none; *cp is its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned char b = s[0];
    size_t len;
    *cp = b;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) len = 2, *cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, *cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, *cp = b & 0x07;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        *cp = *cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)) ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

#define CSV_EOL "\r\n"
#define REPLACEMENT_CHAR "\xEF\xBF\xBD" /* U+FFFD */

/* s[0..n) as one quoted CSV field (RFC 4180): a '"' is doubled; tab, LF
 * and CR are kept (inside the quotes they are data); every other control
 * character (C0, DEL, C1) and every byte that is not valid UTF-8 becomes
 * U+FFFD, so that the file is UTF-8 and cannot drive a terminal that
 * shows it.  Everything else, invisible characters included, is exact. */
static void csv_str(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* bytes copied as they are, not yet written */
    fputc('"', stdout);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        uint32_t cp;
        size_t k = utf8_seq(s + i, n - i, &cp);
        int plain = k > 1 ? cp >= 0xA0 : k == 1 && c != '"' && c != 0x7F &&
                                             (c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        if (plain) {
            i += k;
            continue;
        }
        if (i > run) fwrite(s + run, 1, i - run, stdout);
        fputs(c == '"' ? "\"\"" : REPLACEMENT_CHAR, stdout);
        i += k ? k : 1;
        run = i;
    }
    if (n > run) fwrite(s + run, 1, n - run, stdout);
    fputc('"', stdout);
}

/* A NUL-terminated field; NULL (no label) is the empty field. */
static void csv_cstr(const char *s) {
    if (s) csv_str(s, strlen(s));
}

/* The header row of --csv: the hit's fields under the names of --json;
 * --stdin puts the query's line number and text first, --group the
 * document's rank. */
static void print_csv_header(const options *o) {
    if (o->stdin_mode) fputs("query,query_text,", stdout);
    if (o->group) fputs("group,", stdout);
    fputs("rank,score,cite,doc,title,date,label,id,matched,clauses,text" CSV_EOL, stdout);
}

/* The query a row or a list belongs to in batch mode: its line number
 * (0 outside --stdin) and the line as read. */
typedef struct {
    size_t lineno;
    const char *text;
    size_t len;
} query_ref;

/* One hit as a row of --csv; group is the document's rank with --group,
 * else 0. */
static void print_hit_csv(const query_ref *qr, const hitview *v, const aj_hit *h, size_t rank,
                          size_t group) {
    if (qr->lineno) {
        printf("%zu,", qr->lineno);
        csv_str(qr->text, qr->len);
        fputc(',', stdout);
    }
    if (group) printf("%zu,", group);
    printf("%zu,%.6f,", rank, h->score);
    csv_cstr(v->ct.cite);
    fputc(',', stdout);
    csv_cstr(v->d.path);
    fputc(',', stdout);
    csv_cstr(v->d.title);
    fputc(',', stdout);
    csv_cstr(v->d.date);
    fputc(',', stdout);
    csv_cstr(v->p.label);
    printf(",%u,%u,%u,", v->p.id, h->matched, h->clauses);
    csv_str(v->text, v->len);
    fputs(CSV_EOL, stdout);
}

static void out_of_memory(void) {
    fprintf(stderr, "%s: out of memory\n", prog);
    exit(EXIT_ERR);
}

/* Does s (n bytes) start with what Markdown reads as a character
 * reference: &name; &#123; &#x1F; ? */
static int md_entity_at(const char *s, size_t n) {
    size_t i = 1, from;
    if (i < n && s[i] == '#') {
        i++;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex) i++;
        from = i;
        while (i < n && i - from < 8 &&
               ((s[i] >= '0' && s[i] <= '9') ||
                (hex && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))))
            i++;
    } else {
        from = i;
        while (i < n && i - from < 32 &&
               (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
    }
    return i > from && i < n && s[i] == ';';
}

/* Writes s[0..n) as Markdown that renders as the text out_safe shows (its
 * control characters as U+FFFD, invisible ones as <U+202E>), without the
 * spaces at either end (README "Citation lists" gives the rule):
 *   - everywhere, \ ` * _ [ ] < # $ ~ get a backslash, and so does an &
 *     that starts a character reference (&amp; &#38;);
 *   - at the start of a line (line_start: a list item's text, a quoted
 *     paragraph, a heading), a > + or - gets one, and so does the . or )
 *     after a leading number (2020. reads as a list's number).
 * Any other character is written as it is. */
static void md_text(const char *s, size_t n, int line_start) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) out_of_memory();
    out_safe(m, s, n);
    if (fclose(m) != 0 || !buf) out_of_memory();
    size_t a = 0, b = len;
    while (a < b && buf[a] == ' ') a++;
    while (b > a && buf[b - 1] == ' ') b--;
    if (line_start && a < b) {
        size_t d = a;
        while (d < b && d - a < 9 && buf[d] >= '0' && buf[d] <= '9') d++;
        if (d > a && d < b && (buf[d] == '.' || buf[d] == ')')) {
            fwrite(buf + a, 1, d - a, stdout);
            fputc('\\', stdout);
            a = d;
        } else if (buf[a] && strchr(">+-", buf[a])) {
            fputc('\\', stdout);
        }
    }
    size_t run = a;
    for (size_t i = a; i < b; i++) {
        char c = buf[i];
        int esc = (c && strchr("\\`*_[]<#$~", c)) || (c == '&' && md_entity_at(buf + i, b - i));
        if (!esc) continue;
        fwrite(buf + run, 1, i - run, stdout);
        fputc('\\', stdout);
        run = i;
    }
    fwrite(buf + run, 1, b - run, stdout);
    free(buf);
}

static void md_cstr(const char *s, int line_start) {
    if (s) md_text(s, strlen(s), line_start);
}

static void spaces(size_t n) {
    while (n--) fputc(' ', stdout);
}

/* One item of --cite-list: "N. what", a blank line, then the whole
 * paragraph as a quoted block, indented to the item's text so that it
 * belongs to the item.  indent: the columns of the list's own indent (a
 * group's hits are a list inside the group's item).  what: the citation,
 * or in a group its place. */
static void print_hit_md(const hitview *v, const char *what, size_t num, size_t indent) {
    char marker[32];
    int w = snprintf(marker, sizeof marker, "%zu. ", num);
    spaces(indent);
    fputs(marker, stdout);
    md_cstr(what, 1);
    fputs("\n\n", stdout);
    spaces(indent + (size_t)w);
    fputs("> ", stdout);
    md_text(v->text, v->len, 1);
    fputs("\n\n", stdout);
}

/* --cite-list with --stdin: each query's list under a heading that is
 * the query as read. */
static void print_md_heading(const query_ref *qr) {
    fputs("## ", stdout);
    md_text(qr->text, qr->len, 1);
    fputs("\n\n", stdout);
}

/* «text» on standard error, as the terminal shows it. */
static void note_quoted(const char *s, size_t n) {
    fputs("\xC2\xAB", stderr);
    out_safe(stderr, s, n);
    fputs("\xC2\xBB", stderr);
}

/* --csv and --cite-list have no header: what the header would say about
 * the query goes to standard error, as with --count.  A correction that
 * ran in place of the query, and, when nothing is listed, the words no
 * paragraph contains and the proposal. */
static void note_spelling(const aj_results *r, const query_ref *qr, size_t listed) {
    if (r->corrected) {
        fprintf(stderr, "%s: ", prog);
        if (qr->lineno) fprintf(stderr, "line %zu: ", qr->lineno);
        fputs("listed ", stderr);
        note_quoted(r->query, r->query_len);
        fputs(" in place of ", stderr);
        note_quoted(qr->text, qr->len);
        fputc('\n', stderr);
        return;
    }
    if (listed || (!r->nmissing && !r->suggestion)) return;
    fprintf(stderr, "%s: ", prog);
    if (qr->lineno) fprintf(stderr, "line %zu: ", qr->lineno);
    if (r->nmissing) {
        fputs("no paragraph contains ", stderr);
        for (size_t i = 0; i < r->nmissing; i++) {
            if (i) fputs(i + 1 == r->nmissing ? " or " : ", ", stderr);
            note_quoted(r->given + r->missing[i].pos, r->missing[i].len);
        }
    } else {
        fputs("nothing listed", stderr);
    }
    if (r->suggestion) {
        fputs("; did you mean ", stderr);
        note_quoted(r->suggestion->query, r->suggestion->query_len);
        fputc('?', stderr);
    }
    fputc('\n', stderr);
}

/* Prints the hits r->hits in the chosen format, ranks from first. */

/* Prints the hits; with --json each carries the "Did you mean" proposal,
 * "corrected" when the hits are the corrected query's and the missing
 * words, so that the output stays one hit per line. */
static int print_hits(const options *o, aj_index *ix, aj_searcher *s,
                      const aj_results *r, size_t first, const query_ref *qr) {
    size_t lineno = qr->lineno;
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
            if (r->suggestion || r->nmissing) {
                json_spelling(stdout, r, !opened);
                opened = 1;
            }
            if (r->nalso) {
                json_also(stdout, r, !opened);
                opened = 1;
            }
            json_hit(stdout, o->explain, &v[i], &r->hits[i], first + i, opened);
            fputc('\n', stdout);
        } else if (o->html) {
            print_hit_html(o, &v[i], &r->hits[i], first + i, 0);
        } else if (o->csv) {
            print_hit_csv(qr, &v[i], &r->hits[i], first + i, 0);
        } else if (o->cite_list) {
            print_hit_md(&v[i], v[i].ct.cite, first + i, 0);
        } else {
            print_hit_text(o, &v[i], &r->hits[i], first + i);
        }
        hit_free(&v[i]);
    }
    free(v);
    return 0;
}

/* ---- --group: hits by document (aj_search_opts.group) ---- */

static int print_group(const options *o, aj_index *ix, aj_searcher *s,
                       const aj_results *r, const aj_group *g, size_t rank,
                       const query_ref *qr) {
    size_t lineno = qr->lineno;
    aj_ctx c = {0};
    aj_doc_info d;
    if (aj_doc_get(&c, ix, g->doc, &d)) {
        report(&c);
        return EXIT_ERR;
    }
    uint32_t count = g->matches;
    if (o->json) {
        if (lineno) printf("{\"query\":%zu,", lineno);
        int opened = lineno != 0;
        if (r->suggestion || r->nmissing) {
            json_spelling(stdout, r, !opened);
            opened = 1;
        }
        if (!opened) fputc('{', stdout);
        json_group_head(stdout, rank, &d, g);
    } else if (o->csv || o->cite_list) {
        /* nothing yet: each CSV row names the document, and a list's item
         * for it is written below, from its first hit's citation */
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
    if (load_hits(o, ix, s, g->hits, NULL, g->nhits, v)) return EXIT_ERR;
    if (o->cite_list && g->nhits) {
        /* "N. Title · date · K matching paragraphs": the citation of the
         * first hit without its place, as the terminal's group line */
        char marker[32];
        int w = snprintf(marker, sizeof marker, "%zu. ", rank);
        size_t head = strlen(v[0].ct.cite) - strlen(v[0].place) - strlen(MID_DOT);
        fputs(marker, stdout);
        md_text(v[0].ct.cite, head, 1);
        printf(MID_DOT "%u matching paragraph%s\n\n", count, count == 1 ? "" : "s");
        for (size_t k = 0; k < g->nhits; k++) {
            print_hit_md(&v[k], v[k].place, k + 1, (size_t)w);
            hit_free(&v[k]);
        }
        return 0;
    }
    for (size_t k = 0; k < g->nhits; k++) {
        const aj_hit *h = &g->hits[k];
        if (o->json) {
            if (k) fputc(',', stdout);
            json_hit(stdout, o->explain, &v[k], h, k + 1, 0);
        } else if (o->csv) {
            print_hit_csv(qr, &v[k], h, k + 1, rank);
        } else if (o->html) {
            print_hit_html(o, &v[k], h, k + 1, 1);
        } else {
            printf("    [%.3f] ", h->score);
            out_safe_cstr(stdout, v[k].place);
            fputc('\n', stdout);
            print_text_snippet(o, &v[k]);
            if (o->explain) print_explain_text(o, h);
        }
        hit_free(&v[k]);
    }
    if (!o->csv) fputs(o->json ? "]}\n" : o->html ? "</ol></li>\n" : "\n", stdout);
    return 0;
}

/* Prints the page of grouped results (documents [offset, offset + limit)). */
static int print_groups(const options *o, aj_index *ix, aj_searcher *s,
                        const aj_results *r, const query_ref *qr) {
    size_t from = o->so.offset;
    if (o->html) printf("<ol class=\"ajsearch-groups\" start=\"%zu\">\n", from + 1);
    for (size_t i = 0; i < r->ngroups; i++)
        if (print_group(o, ix, s, r, &r->groups[i], from + i + 1, qr)) return EXIT_ERR;
    if (o->html) fputs("</ol>\n", stdout);
    return 0;
}

/* Echoes a query in a results header: on a terminal a long one in part,
 * cut on a character boundary; html: whole, as escaped HTML text (as in
 * data-query). */
static void echo_in(int html, const char *q, size_t qlen) {
    size_t shown = qlen;
    if (shown > ECHO_BYTES && !html) {
        shown = ECHO_BYTES;
        while (shown > 0 && ((unsigned char)q[shown] & 0xC0) == 0x80) shown--;
    }
    if (html) out_html(stdout, q, shown);
    else out_safe(stdout, q, shown);
    if (shown < qlen) fputs("\xE2\x80\xA6", stdout);
}

static void echo_query(const char *q, size_t qlen) { echo_in(0, q, qlen); }

/* «a», «b» or «c»: the missing words (each in <q> for HTML). */
static void print_missing(int html, const aj_results *r) {
    fputs("No paragraph contains ", stdout);
    for (size_t i = 0; i < r->nmissing; i++) {
        if (i) fputs(i + 1 == r->nmissing ? " or " : ", ", stdout);
        fputs(html ? "<q>" : "\xC2\xAB", stdout);
        echo_in(html, r->given + r->missing[i].pos, r->missing[i].len);
        fputs(html ? "</q>" : "\xC2\xBB", stdout);
    }
    for (size_t i = 0; i < r->nmissing; i++)
        if (r->missing[i].chrome) {
            fputs(" outside page chrome (--chrome searches it too)", stdout);
            break;
        }
}

/* The summary of a page, in words whose numbers add up (README "Using
 * it"): how many paragraphs match ("all words" when partial matches are
 * possible), the query that ran, then which ranks are shown and which of
 * them match only some of the words.  Shared by text and HTML. */
static void print_summary(const options *o, const aj_results *r, size_t ngroups,
                          size_t listed) {
    int html = o->html, all = r->clauses >= 2;
    if (r->total == 0)
        fputs(all ? "No paragraph matches all words" : "No paragraph matches", stdout);
    else
        printf("%llu paragraph%s match%s%s", (unsigned long long)r->total,
               r->total == 1 ? "" : "s", r->total == 1 ? "es" : "",
               all ? " all words" : "");
    if (r->filtered) fputs(" in the documents the filters keep", stdout);
    if (o->group) printf(" in %zu document%s", ngroups, ngroups == 1 ? "" : "s");
    fputs(html ? ": <q>" : ": ", stdout);
    echo_in(html, r->query, r->query_len);
    if (html) fputs("</q>", stdout);
    else printf(" (%.3f ms)", r->seconds * 1e3);
    size_t first = (size_t)o->so.offset + 1, last = o->so.offset + listed;
    if (listed) {
        printf("; showing %s%zu-%zu", o->group ? "documents " : "", first, last);
        size_t p = o->group ? 0 : r->npartial;
        /* hit numbers, not counts: "(4 matches ...)" would read as four */
        if (p == 1) printf(" (hit %zu matches only some words)", last);
        else if (p > 1) printf(" (hits %zu-%zu match only some words)", last - p + 1, last);
    } else if (r->total) {
        fputs("; showing none", stdout);
    }
}

/* --html: a <section> per query, opening the list of hits. */
static void print_html_header(const options *o, const aj_results *r, size_t lineno,
                              size_t ngroups, size_t listed) {
    fputs("<section class=\"ajsearch\" data-query=\"", stdout);
    out_html(stdout, r->given, r->given_len);
    fputs("\"", stdout);
    if (lineno) printf(" data-line=\"%zu\"", lineno);
    fputs(">\n", stdout);
    if (r->nmissing) {
        fputs(r->corrected ? "<p class=\"ajsearch-corrected\">"
                           : "<p class=\"ajsearch-missing\">", stdout);
        print_missing(1, r);
        if (r->corrected) {
            fputs("; showing results for <q>", stdout);
            out_html(stdout, r->query, r->query_len);
            fputs("</q>", stdout);
        }
        fputs("</p>\n", stdout);
    }
    fputs("<p class=\"ajsearch-summary\">", stdout);
    print_summary(o, r, ngroups, listed);
    fputs("</p>\n", stdout);
    if (r->suggestion && !r->corrected) {
        fputs("<p class=\"ajsearch-suggestion\">Did you mean: <q>", stdout);
        out_html(stdout, r->suggestion->query, r->suggestion->query_len);
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
    if (!o->group && r->nhits)
        printf("<ol class=\"ajsearch-hits\" start=\"%u\">\n", o->so.offset + 1);
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

/* The text header: what was not found or corrected, the summary, the
 * alternatives searched and the proposal.  When nothing matches because
 * words are missing, the missing words are the whole answer. */
static void print_text_header(const options *o, const aj_results *r, size_t lineno,
                              size_t ngroups, size_t listed) {
    if (lineno) printf("# query %zu\n", lineno);
    if (r->nmissing && !r->corrected && r->total == 0 && !listed) {
        print_missing(0, r);
        printf(" (%.3f ms)", r->seconds * 1e3);
    } else {
        if (r->nmissing) {
            print_missing(0, r);
            if (r->corrected) {
                fputs("; showing results for \xC2\xAB", stdout);
                echo_query(r->query, r->query_len);
                fputs("\xC2\xBB", stdout);
            }
            fputc('\n', stdout);
        }
        print_summary(o, r, ngroups, listed);
        if (r->nalso) print_also(r);
    }
    printf("\n");
    if (r->suggestion && !r->corrected) {
        fputs("Did you mean: ", stdout);
        echo_query(r->suggestion->query, r->suggestion->query_len);
        fputs("?\n", stdout);
    }
    printf("\n");
}

/* --json when nothing is listed: one object without "rank" telling what
 * ran and what was missing or proposed, so that a script learns of a
 * correction even without hits (README "Did you mean"). */
static void print_none_json(const aj_results *r, size_t lineno) {
    if (lineno) printf("{\"query\":%zu,", lineno);
    printf("%s\"total\":%llu,\"listed\":0,\"corrected\":%s,\"suggestion\":", lineno ? "" : "{",
           (unsigned long long)r->total, r->corrected ? "true" : "false");
    if (r->suggestion) out_json_str(stdout, r->suggestion->query, r->suggestion->query_len);
    else fputs("null", stdout);
    fputs(",\"missing\":", stdout);
    json_missing(stdout, r);
    for (size_t i = 0; i < r->nmissing; i++)
        if (r->missing[i].chrome) {
            fputc(',', stdout);
            json_in_chrome(stdout, r);
            break;
        }
    fputs("}\n", stdout);
}

/* The facets (--facet) and the timeline (--timeline) after a query's
 * hits: a table and bars on a terminal, a last line with --json, a list
 * and an SVG chart with --html.  A facet asked for only as the timeline
 * is not also listed. */
static void print_facets(const options *o, const aj_results *r, size_t lineno) {
    if (!r->nfacets) return;
    aj_results shown = *r;
    aj_facet only[5];
    size_t n = 0;
    for (size_t i = 0; i < r->nfacets; i++)
        if (r->facets[i].kind & o->facets) only[n++] = r->facets[i];
    shown.facets = only;
    shown.nfacets = n;
    if (o->json) {
        if (lineno) printf("{\"query\":%zu,", lineno);
        else fputc('{', stdout);
        facets_json(stdout, r);
        fputs("}\n", stdout);
    } else if (o->html) {
        facets_html(stdout, &shown);
        if (o->timeline) timeline_svg(stdout, r, o->timeline);
    } else {
        facets_text(stdout, &shown);
        if (o->timeline) timeline_text(stdout, r, o->timeline, line_columns(), o->color);
    }
}

/* Runs one query and prints its results; lineno > 0 in batch mode (the
 * query's line in the input, put in every JSON object).  Returns the exit
 * status for this query: 0 when something was listed (with --count, when
 * the count is not 0), 1 when nothing was, 2 on error.  What ran (the
 * query as typed or its correction) is the library's decision, so every
 * format tells the same. */
static int run_query(const options *o, aj_index *ix, aj_searcher *s,
                     const char *q, size_t qlen, size_t lineno) {
    aj_ctx c = {0};
    aj_search_opts so = o->so;
    so.explain = o->explain;
    if (o->no_correct) so.correct = AJ_CORRECT_PROPOSE;
    if (o->count) so.limit = 0, so.offset = 0;
    /* Documents ranked by their best paragraph; -n and --offset count
     * documents. */
    if (o->group && !o->count) so.group = GROUP_HITS;
    so.facets = o->facets | o->timeline;
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
        } else if (lineno && o->cite_list) {
            query_ref qr = {lineno, q, qlen};
            print_md_heading(&qr);
            fputs("Error: ", stdout);
            md_cstr(c.msg, 0);
            fputs("\n\n", stdout);
        }
        return EXIT_ERR;
    }
    if (o->count) {
        if (o->json) {
            if (lineno) printf("{\"query\":%zu,", lineno);
            printf("%s\"count\":%llu,", lineno ? "" : "{", (unsigned long long)r->total);
            printf("\"corrected\":%s,\"suggestion\":", r->corrected ? "true" : "false");
            if (r->suggestion) out_json_str(stdout, r->suggestion->query, r->suggestion->query_len);
            else fputs("null", stdout);
            fputs(",\"missing\":", stdout);
            json_missing(stdout, r);
            fputs("}\n", stdout);
        } else {
            printf("%llu\n", (unsigned long long)r->total);
        }
        /* A bare number cannot say what was counted: a correction is
         * reported on standard error. */
        if (r->corrected && !o->json) {
            fprintf(stderr, "%s: ", prog);
            if (lineno) fprintf(stderr, "line %zu: ", lineno);
            fputs("counted \xC2\xAB", stderr);
            out_safe(stderr, r->query, r->query_len);
            fputs("\xC2\xBB in place of \xC2\xAB", stderr);
            out_safe(stderr, q, qlen);
            fputs("\xC2\xBB\n", stderr);
        }
        return r->total ? EXIT_HITS : EXIT_NOHITS;
    }
    size_t ngroups = (size_t)r->total_groups;
    size_t listed = o->group ? r->ngroups : r->nhits;
    query_ref qr = {lineno, q, qlen};
    if (o->html) {
        print_html_header(o, r, lineno, ngroups, listed);
    } else if (o->csv || o->cite_list) {
        note_spelling(r, &qr, listed);
        if (o->cite_list && lineno) print_md_heading(&qr);
        if (o->cite_list && lineno && !listed) fputs("No paragraph listed.\n\n", stdout);
    } else if (!o->json) {
        print_text_header(o, r, lineno, ngroups, listed);
    } else if (!listed) {
        print_none_json(r, lineno);
    }
    int e;
    if (o->group) {
        e = print_groups(o, ix, s, r, &qr);
    } else {
        e = print_hits(o, ix, s, r, so.offset + 1, &qr);
    }
    if (e) return EXIT_ERR;
    if (o->html && !o->group && r->nhits) fputs("</ol>\n", stdout);
    print_facets(o, r, lineno);
    if (o->html) fputs("</section>\n", stdout);
    return listed ? EXIT_HITS : EXIT_NOHITS;
}

/* ---- show: a paragraph by its id or its citation ---- */

#define PILCROW "\xC2\xB6"

/* s[0..n) as show compares citations and places: ASCII letters in lower
 * case; quotation marks (" ' “ ” „ ‘ ’ « ») left out; › as >; every run
 * of white space (a no-break space too) one space, none at either end nor
 * after ¶; a control character or a byte that is not UTF-8 as U+FFFD, as
 * the terminal and --json show it.  So `¶28`, `¶ 28` and `¶  28` are one,
 * as are `under "Trusted Partners", paragraph 3` and `under “Trusted
 * Partners”, paragraph 3`.  Returns a malloc'ed string. */
static char *cite_norm(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    char *out = malloc(3 * n + 1);
    if (!out) out_of_memory();
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t quote = 0;
        if (c == '"' || c == '\'') quote = 1;
        else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
                 (s[i + 2] == 0x9C || s[i + 2] == 0x9D || s[i + 2] == 0x9E || s[i + 2] == 0x98 ||
                  s[i + 2] == 0x99))
            quote = 3;
        else if (c == 0xC2 && i + 1 < n && (s[i + 1] == 0xAB || s[i + 1] == 0xBB))
            quote = 2;
        if (quote) {
            i += quote;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
            (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)) {
            space = 1;
            i += c == 0xC2 ? 2 : 1;
            continue;
        }
        int after_mark = k >= 2 && !memcmp(out + k - 2, PILCROW, 2);
        if (space && k > 0 && !after_mark) out[k++] = ' ';
        space = 0;
        if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xBA) {
            out[k++] = '>';
            i += 3;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (!len || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            memcpy(out + k, REPLACEMENT_CHAR, 3);
            k += 3;
            i += len ? len : 1;
            continue;
        }
        if (len > 1) {
            memcpy(out + k, s + i, len);
            k += len;
            i += len;
            continue;
        }
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        i++;
    }
    out[k] = 0;
    return out;
}

/* A normalized place without its "under " (optional when typed). */
static const char *skip_under(const char *s) {
    return strncmp(s, "under ", 6) ? s : s + 6;
}

/* A PDF's places begin with their page, "p. 4, ", which a place may leave
 * out (the page is told by the rest of the place). */
static const char *skip_page(const char *s) {
    if (strncmp(s, "p. ", 3) && strncmp(s, "P. ", 3)) return s;
    const char *t = s + 3;
    if (*t < '0' || *t > '9') return s;
    while (*t >= '0' && *t <= '9') t++;
    if (*t != ',') return s;
    t++;
    while (*t == ' ') t++;
    return t;
}

static int all_digits(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

/* Edit distance (insert, delete or change a byte) of a and b, or cap + 1
 * when it is more than cap. */
static size_t edit_distance(const char *a, const char *b, size_t cap) {
    size_t na = strlen(a), nb = strlen(b);
    if ((na > nb ? na - nb : nb - na) > cap) return cap + 1;
    size_t *row = malloc((nb + 1) * sizeof *row);
    if (!row) out_of_memory();
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v) v = up + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best) best = v;
        }
        if (best > cap) {
            free(row);
            return cap + 1;
        }
    }
    size_t d = row[nb];
    free(row);
    return d;
}

/* The bytes of typed that cand does not hold in the same order (typed's
 * length less their longest common subsequence). */
static size_t unmatched(const char *typed, const char *cand) {
    size_t na = strlen(typed), nb = strlen(cand);
    size_t *row = calloc(nb + 1, sizeof *row);
    if (!row) out_of_memory();
    for (size_t i = 1; i <= na; i++) {
        size_t diag = 0;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            row[j] = typed[i - 1] == cand[j - 1] ? diag + 1 : up > row[j - 1] ? up : row[j - 1];
            diag = up;
        }
    }
    size_t common = row[nb];
    free(row);
    return na - common;
}

/* How far cand is from what was typed, both normalized (cite_norm): first
 * the bytes of typed that cand lacks, in order (so "overview.txt" finds
 * "2024-overview-...txt", as a fuzzy finder would), then the edit
 * distance between them; SIZE_MAX when that is not below worst. */
#define LIKENESS_SCALE 1024
static size_t likeness(const char *typed, const char *cand, size_t worst) {
    size_t missing = unmatched(typed, cand);
    if (worst != SIZE_MAX && missing > worst / LIKENESS_SCALE) return SIZE_MAX;
    size_t whole = edit_distance(typed, cand, LIKENESS_SCALE - 1);
    size_t key = missing * LIKENESS_SCALE + (whole < LIKENESS_SCALE ? whole : LIKENESS_SCALE - 1);
    return key < worst ? key : SIZE_MAX;
}

/* The (at most) three strings closest to what was typed, nearest first. */
#define CLOSEST 3
typedef struct {
    size_t n, key[CLOSEST];
    char *text[CLOSEST];
} closest;

/* The likeness a new string must be under to be kept. */
static size_t closest_worst(const closest *c) {
    return c->n < CLOSEST ? SIZE_MAX : c->key[CLOSEST - 1];
}

/* Offers text (as shown; copied), normalized as cmp, against typed. */
static void closest_offer(closest *c, const char *typed, const char *cmp, const char *text) {
    size_t key = likeness(typed, cmp, closest_worst(c));
    if (key == SIZE_MAX) return;
    size_t at = c->n < CLOSEST ? c->n++ : CLOSEST - 1;
    free(c->text[at]);
    for (; at > 0 && c->key[at - 1] > key; at--) {
        c->key[at] = c->key[at - 1];
        c->text[at] = c->text[at - 1];
    }
    c->key[at] = key;
    c->text[at] = strdup(text);
    if (!c->text[at]) out_of_memory();
}

/* "; the closest: «a», «b», «c»" and the end of the line, on stderr. */
static void closest_print(closest *c) {
    for (size_t i = 0; i < c->n; i++) {
        fputs(i ? ", " : "; the closest: ", stderr);
        note_quoted(c->text[i], strlen(c->text[i]));
        free(c->text[i]);
    }
    fputc('\n', stderr);
}

/* Ends show with exit status 2 (the message is written). */
static void show_fail(aj_index *ix) {
    aj_index_close(ix);
    exit(EXIT_ERR);
}

static void get_para(aj_index *ix, uint32_t id, aj_para_info *p) {
    aj_ctx c = {0};
    if (aj_para_get(&c, ix, id, p)) {
        report(&c);
        show_fail(ix);
    }
}

static void get_doc(aj_index *ix, uint32_t doc, aj_doc_info *d) {
    aj_ctx c = {0};
    if (aj_doc_get(&c, ix, doc, d)) {
        report(&c);
        show_fail(ix);
    }
}

/* The place of paragraph id as a citation gives it, normalized and
 * without "under " (malloc'ed); *shown (when not NULL) gets it as
 * printed (malloc'ed). */
static char *place_norm(aj_index *ix, uint32_t id, char **shown) {
    aj_ctx c = {0};
    aj_cite ct;
    if (aj_para_cite(&c, ix, id, &ct)) {
        report(&c);
        show_fail(ix);
    }
    char *n = cite_norm(ct.place, strlen(ct.place));
    const char *u = skip_under(skip_page(n));
    memmove(n, u, strlen(u) + 1);
    if (shown && !(*shown = strdup(skip_page(ct.place)))) out_of_memory();
    aj_cite_free(&ct);
    return n;
}

/* What show learns of a document before it names a paragraph of it. */
typedef struct {
    uint32_t first, count;      /* its paragraph ids */
    uint32_t last_ordinal;      /* its paragraphs are numbered 1 to this */
    int numbers;                /* it labels some paragraph (not a heading)
                                   with a number: #N means ¶ N there */
    unsigned long low, high;    /* the least and greatest such number */
    int labels;                 /* it labels some paragraph at all */
} doc_outline;

static void outline_of(aj_index *ix, const aj_doc_info *d, doc_outline *ol) {
    memset(ol, 0, sizeof *ol);
    ol->first = d->first_para;
    ol->count = d->nparas;
    for (uint32_t id = ol->first; id - ol->first < ol->count; id++) {
        aj_para_info p;
        get_para(ix, id, &p);
        if (p.ordinal > ol->last_ordinal) ol->last_ordinal = p.ordinal;
        if (!p.label || p.kind == AJ_PARA_HEADING || p.kind == AJ_PARA_CHROME) continue;
        ol->labels = 1;
        if (all_digits(p.label) && strlen(p.label) < 10) {
            unsigned long v = strtoul(p.label, NULL, 10);
            if (!ol->numbers || v < ol->low) ol->low = v;
            if (!ol->numbers || v > ol->high) ol->high = v;
            ol->numbers = 1;
        }
    }
}

/* The paragraphs of a document a place names, up to SHOW_MATCHES of them
 * kept (n counts them all). */
#define SHOW_MATCHES 8
typedef struct {
    uint32_t id[SHOW_MATCHES];
    size_t n;
} para_set;

static void set_add(para_set *s, uint32_t id) {
    if (s->n < SHOW_MATCHES) s->id[s->n] = id;
    s->n++;
}

/* "show: " and "in DOCUMENT" of the messages. */
static void show_msg_start(void) {
    fprintf(stderr, "%s: show: ", prog);
}

static void show_msg_doc(const aj_doc_info *d) {
    fputs(" in ", stderr);
    out_safe_cstr(stderr, d->path);
}

/* Exits 2 saying that what was typed names several paragraphs, and which. */
static void show_ambiguous(aj_index *ix, const aj_doc_info *d, const char *ref,
                           const para_set *s) {
    show_msg_start();
    note_quoted(ref, strlen(ref));
    fprintf(stderr, " names %zu paragraphs", s->n);
    show_msg_doc(d);
    fputs(": ", stderr);
    for (size_t i = 0; i < s->n && i < SHOW_MATCHES; i++) {
        char *shown;
        free(place_norm(ix, s->id[i], &shown));
        if (i) fputs(", ", stderr);
        note_quoted(shown, strlen(shown));
        fprintf(stderr, " (id %u)", s->id[i]);
        free(shown);
    }
    if (s->n > SHOW_MATCHES) fputs(", ...", stderr);
    fputs("; write the place as the citation gives it\n", stderr);
    show_fail(ix);
}

/* Exits 2 saying which numbers the document's paragraphs have. */
static void show_no_number(aj_index *ix, const aj_doc_info *d, const doc_outline *ol,
                           const char *what, const char *ref) {
    show_msg_start();
    fputs(what, stderr);
    out_safe_cstr(stderr, ref);
    show_msg_doc(d);
    if (ol->numbers && strstr(what, PILCROW))
        fprintf(stderr, ": its numbered paragraphs go from " PILCROW " %lu to " PILCROW
                " %lu (#paragraph N is its Nth paragraph, 1 to %u)\n", ol->low, ol->high,
                ol->last_ordinal);
    else if (ol->last_ordinal)
        fprintf(stderr, ": its paragraphs are numbered 1 to %u\n", ol->last_ordinal);
    else
        fputs(": it has no paragraph but page chrome\n", stderr);
    show_fail(ix);
}

/* The paragraph numbered n (its "para") in the document, or exit 2. */
static uint32_t by_number(aj_index *ix, const aj_doc_info *d, const doc_outline *ol,
                          const char *digits) {
    unsigned long n = strlen(digits) < 10 ? strtoul(digits, NULL, 10) : 0;
    for (uint32_t id = ol->first; n && id - ol->first < ol->count; id++) {
        aj_para_info p;
        get_para(ix, id, &p);
        if (p.ordinal == n) return id;
    }
    show_no_number(ix, d, ol, "no paragraph ", digits);
    return 0;
}

/* Does paragraph p hold the given label (normalized: lower case)? */
static int label_is(const aj_para_info *p, const char *label) {
    if (!p->label || strlen(p->label) != strlen(label)) return 0;
    for (size_t i = 0; label[i]; i++) {
        char c = p->label[i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != label[i]) return 0;
    }
    return 1;
}

/* The position a place of the form "... paragraph N" gives, else 0. */
static unsigned long place_position(const char *nref) {
    const char *at = NULL;
    for (const char *s = nref; (s = strstr(s, "paragraph ")) != NULL; s++) at = s;
    if (!at || (at != nref && at[-1] != ' ')) return 0;
    at += strlen("paragraph ");
    return all_digits(at) && strlen(at) < 10 ? strtoul(at, NULL, 10) : 0;
}

/* The label a place of the form "... ¶ X" or "... ¶ (X)" names
 * (malloc'ed), else NULL. */
static char *place_label(const char *nref) {
    const char *at = NULL;
    for (const char *s = nref; (s = strstr(s, PILCROW)) != NULL; s++) at = s;
    if (!at) return NULL;
    at += strlen(PILCROW);
    size_t n = strlen(at);
    if (n >= 2 && at[0] == '(' && at[n - 1] == ')') at++, n -= 2;
    if (!n || memchr(at, ' ', n) || memchr(at, ',', n)) return NULL;
    return strndup(at, n);
}

/* The paragraph of document d that ref names (README "Whole
 * paragraphs"): the place as its citation gives it, else a label (#28,
 * #¶ iv, #(2)), else a paragraph number (#paragraph 12, or #12 in a
 * document that numbers none of its paragraphs).  ref is as typed (for
 * messages), nref normalized.  Exits 2 when no paragraph or several
 * paragraphs have that place. */
static uint32_t show_place(aj_index *ix, const aj_doc_info *d, const char *ref,
                           const char *nref) {
    doc_outline ol;
    outline_of(ix, d, &ol);
    ref = skip_page(ref);
    nref = skip_under(skip_page(nref));
    if (!*nref) {
        show_msg_start();
        fputs("no place after the document", stderr);
        show_msg_doc(d);
        fprintf(stderr, ": #N for its paragraph N, 1 to %u, or #PLACE as a citation gives "
                "it\n", ol.last_ordinal);
        show_fail(ix);
    }
    /* The place exactly, read only from the paragraphs that can have it:
     * a heading's place names it, a label's ends in ¶ X, a position's in
     * "paragraph N", page chrome's starts so. */
    int heading = strstr(nref, "heading ") != NULL;
    int chrome = !strncmp(nref, "page chrome", 11);
    unsigned long pos = place_position(nref);
    char *label = place_label(nref);
    para_set found = {0}, exact = {0};
    for (uint32_t id = ol.first; id - ol.first < ol.count; id++) {
        aj_para_info p;
        get_para(ix, id, &p);
        int may = p.kind == AJ_PARA_HEADING ? heading
                  : p.kind == AJ_PARA_CHROME ? chrome
                  : (label && label_is(&p, label)) || (pos && p.ordinal == pos);
        if (!may && pos && p.kind != AJ_PARA_CHROME && p.section != AJ_NO_PARA) {
            aj_para_info h;
            get_para(ix, p.section, &h);
            may = p.ordinal == h.ordinal + pos;
        }
        if (!may) continue;
        char *shown, *place = place_norm(ix, id, &shown);
        if (!strcmp(place, nref)) set_add(&found, id);
        if (!strcmp(shown, ref)) set_add(&exact, id);
        free(place);
        free(shown);
    }
    free(label);
    if (found.n == 1) return found.id[0];
    /* Places that differ only in what the comparison ignores ("Trusted
     * Partners" and "TRUSTED PARTNERS"): the one written exactly wins. */
    if (found.n > 1 && exact.n == 1) return exact.id[0];
    if (found.n > 1) show_ambiguous(ix, d, ref, &found);
    /* Short forms: ¶X, ¶(X), (X) and X are the label X; a number that is
     * no label is the paragraph's number where no paragraph is numbered;
     * "paragraph N" always is. */
    if (!strncmp(nref, "paragraph ", 10) && all_digits(nref + 10))
        return by_number(ix, d, &ol, nref + 10);
    const char *t = nref;
    int marked = !strncmp(t, PILCROW, 2);
    if (marked) t += 2;
    size_t n = strlen(t);
    int parens = n >= 2 && t[0] == '(' && t[n - 1] == ')';
    char *want = parens ? strndup(t + 1, n - 2) : strdup(t);
    if (!want) out_of_memory();
    if (*want && !strchr(want, ' ')) {
        for (int headings = 0; headings < 2 && !found.n; headings++)
            for (uint32_t id = ol.first; id - ol.first < ol.count; id++) {
                aj_para_info p;
                get_para(ix, id, &p);
                if ((p.kind == AJ_PARA_HEADING) == headings && p.kind != AJ_PARA_CHROME &&
                    label_is(&p, want))
                    set_add(&found, id);
            }
        if (found.n == 1) {
            free(want);
            return found.id[0];
        }
        if (found.n > 1) show_ambiguous(ix, d, ref, &found);
        if (all_digits(want) && !marked && !parens && !ol.numbers) {
            uint32_t id = by_number(ix, d, &ol, want);
            free(want);
            return id;
        }
        if (all_digits(want))
            show_no_number(ix, d, &ol, "no paragraph " PILCROW " ", want);
    }
    free(want);
    /* Nothing: the places closest to what was typed. */
    closest cl = {0};
    for (uint32_t id = ol.first; id - ol.first < ol.count && id - ol.first < 20000; id++) {
        char *shown, *place = place_norm(ix, id, &shown);
        closest_offer(&cl, nref, place, shown);
        free(place);
        free(shown);
    }
    show_msg_start();
    fputs("no paragraph", stderr);
    show_msg_doc(d);
    fputs(" is cited ", stderr);
    note_quoted(ref, strlen(ref));
    closest_print(&cl);
    show_fail(ix);
    return 0;
}

/* The head of document d's citations as aj_para_cite writes it: "Title ·
 * date", with the path after the date when citations name it
 * (malloc'ed). */
static char *doc_head(const aj_doc_info *d) {
    size_t n = strlen(d->title) + strlen(d->date) + strlen(d->path) + 3 * strlen(MID_DOT) + 1;
    char *h = malloc(n);
    if (!h) out_of_memory();
    if (d->cite_path)
        snprintf(h, n, "%s" MID_DOT "%s%s%s", d->title, d->date, *d->date ? MID_DOT : "",
                 d->path);
    else
        snprintf(h, n, "%s%s%s", d->title, *d->date ? MID_DOT : "", d->date);
    return h;
}

/* The paragraph show's argument names (README "Whole paragraphs"): an id;
 * DOCUMENT#PLACE, the document by its path as the index records it; or
 * the whole citation, "Title · date · place".  Exits 2 naming what is
 * wrong. */
static uint32_t show_id(const options *o, aj_index *ix) {
    const char *a = o->args[0];
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    if (all_digits(a)) {
        errno = 0;
        unsigned long long id = strtoull(a, NULL, 10);
        if (errno || id >= st.nparas) {
            fprintf(stderr, "%s: show: no paragraph ", prog);
            out_safe_cstr(stderr, a);
            if (st.nparas)
                fprintf(stderr, ": the ids of this index go from 0 to %u\n", st.nparas - 1);
            else
                fputs(": this index has no paragraphs\n", stderr);
            show_fail(ix);
        }
        return (uint32_t)id;
    }
    /* DOCUMENT#PLACE: the longest path followed by '#' (a path may hold
     * a '#'). */
    aj_doc_info d, best;
    size_t best_len = 0;
    for (uint32_t k = 0; k < st.ndocs; k++) {
        get_doc(ix, k, &d);
        size_t n = strlen(d.path);
        if (n > best_len && !strncmp(a, d.path, n) && a[n] == '#') best = d, best_len = n;
    }
    if (best_len) {
        const char *ref = a + best_len + 1;
        char *nref = cite_norm(ref, strlen(ref));
        uint32_t id = show_place(ix, &best, ref, nref);
        free(nref);
        return id;
    }
    /* The whole citation: the document whose citations' head begins it
     * (the longest, when one head begins another). */
    char *na = cite_norm(a, strlen(a));
    size_t head_len = 0;
    for (uint32_t k = 0; k < st.ndocs; k++) {
        get_doc(ix, k, &d);
        char *h = doc_head(&d);
        size_t hl = strlen(h);
        char *hm = realloc(h, hl + strlen(MID_DOT) + 1);
        if (!hm) out_of_memory();
        strcpy(hm + hl, MID_DOT);
        char *nh = cite_norm(hm, strlen(hm));
        size_t n = strlen(nh);
        if (n > head_len && !strncmp(na, nh, n) && (na[n] == ' ' || !na[n]))
            best = d, head_len = n;
        free(hm);
        free(nh);
    }
    if (head_len) {
        const char *ref = na[head_len] ? na + head_len + 1 : na + head_len;
        /* messages quote the place as typed: what follows the head's
         * last " · " */
        const char *typed = a;
        for (const char *s = a; (s = strstr(s, MID_DOT)) != NULL; s++) typed = s + strlen(MID_DOT);
        uint32_t id = show_place(ix, &best, typed, ref);
        free(na);
        return id;
    }
    const char *hash = strchr(a, '#');
    if (hash || strstr(a, "\xC2\xB7")) {
        /* No such document: the closest paths (DOCUMENT#PLACE) or
         * citation heads (a citation). */
        char *typed = hash ? cite_norm(a, (size_t)(hash - a)) : strdup(na);
        if (!typed) out_of_memory();
        if (!hash) {
            char *dot = NULL;
            for (char *s = typed; (s = strstr(s, "\xC2\xB7")) != NULL; s++) dot = s;
            if (dot && dot > typed) *--dot = 0; /* without " · place" */
        }
        closest cl = {0};
        for (uint32_t k = 0; k < st.ndocs; k++) {
            get_doc(ix, k, &d);
            char *h = hash ? strdup(d.path) : doc_head(&d);
            if (!h) out_of_memory();
            char *cmp = cite_norm(h, strlen(h));
            closest_offer(&cl, typed, cmp, h);
            free(h);
            free(cmp);
        }
        show_msg_start();
        if (hash) {
            fputs("no document ", stderr);
            note_quoted(a, (size_t)(hash - a));
            fputs(" in this index", stderr);
        } else {
            fputs("no document's citations begin ", stderr);
            note_quoted(a, strlen(a));
        }
        closest_print(&cl);
        free(typed);
        free(na);
        show_fail(ix);
    }
    free(na);
    aj_index_close(ix);
    die_usage("show needs a paragraph id, a whole number (got '%s'), or a citation: "
              "DOCUMENT#PLACE, or TITLE \xC2\xB7 DATE \xC2\xB7 PLACE as search prints it", a);
    return 0;
}

/* One paragraph of show in text: its id and place, the asked one marked,
 * then its whole text. */
static void print_show_text(const options *o, const hitview *v, int target) {
    const char *b = o->color && target ? "\033[1m" : "", *n = o->color && target ? "\033[0m" : "";
    printf("%s%s id %u" MID_DOT, b, target ? ">" : " ", v->p.id);
    out_safe_cstr(stdout, v->place);
    printf("%s\n", n);
    print_snippet("", "", 0, 0, "", "", o->columns - TEXT_INDENT, v->text, v->len, 0, v->len,
                  NULL, 0);
}

/* ajsearch show ID: the paragraph, cited as search cites it (load_hit),
 * with o->context neighbours each side within its document. */
static int cmd_show(options *o) {
    if (o->help) {
        fputs(usage_show, stdout);
        return 0;
    }
    if (o->nargs != 1) die_usage("%s", "show needs the id of a paragraph");
    aj_index *ix = open_index(o);
    uint32_t id = show_id(o, ix);
    aj_ctx c = {0};
    aj_searcher *s;
    aj_para_info p;
    aj_doc_info d;
    if (aj_para_get(&c, ix, id, &p) || aj_doc_get(&c, ix, p.doc, &d) ||
        aj_searcher_new(&c, ix, &s)) {
        report(&c);
        aj_index_close(ix);
        return EXIT_ERR;
    }
    /* A searcher that ran no query highlights nothing: load_hit gives the
     * citation alone. */
    uint32_t from, to;
    hit_context(&d, id, o->context, &from, &to);
    int rc = 0;
    hitview v;
    if (!o->json) {
        /* The citation of the paragraph asked for, as a hit's. */
        rc = load_hit(ix, s, id, &v);
        if (!rc) {
            out_safe_cstr(stdout, v.d.title);
            fputs(MID_DOT, stdout);
            out_safe_cstr(stdout, v.where);
            fputc('\n', stdout);
            /* the enclosing headings, which the place names only as far
             * as it needs to */
            for (size_t i = 0; i < v.ct.nsection; i++) {
                fputs(i ? " \xE2\x80\xBA " : "section: ", stdout);
                out_safe_cstr(stdout, v.ct.section[i]);
            }
            if (v.ct.nsection) fputc('\n', stdout);
            out_safe_cstr(stdout, v.d.path);
            printf(", id %u\n", id);
            hit_free(&v);
        }
    }
    for (uint32_t k = from; k <= to && !rc; k++) {
        if ((rc = load_hit(ix, s, k, &v)) != 0) break;
        if (o->json) {
            fputc('{', stdout);
            json_para(stdout, &v);
            printf(",\"target\":%s}\n", k == id ? "true" : "false");
        } else {
            fputc('\n', stdout);
            print_show_text(o, &v, k == id);
        }
        hit_free(&v);
    }
    aj_searcher_free(s);
    aj_index_close(ix);
    return rc;
}

/* The index of the search that ends the process (cmd_search); volatile,
 * so that the store that keeps it reachable is not optimized away. */
static aj_index *volatile exit_index;

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
    /* One table for all the queries of a batch: one header row. */
    if (o->csv) print_csv_header(o);
    int rc;
    if (!o->stdin_mode) {
        size_t qlen;
        char *q = o->query_file ? read_query_file(o->query_file, &qlen)
                                : join_args(o, &qlen);
        rc = run_query(o, ix, s, q, qlen, 0);
        free(q);
    } else {
        /* Batch: one query per line; the status is 2 if any query failed,
         * else 0 if any query had hits, else 1.  Answers to a file or a
         * pipe go out in 64 KiB writes rather than the default 4 KiB (a
         * --json batch made a write call every few queries); a terminal
         * keeps its line buffering. */
        static char outbuf[64 * 1024]; /* glibc ignores the size without one */
        if (!isatty(STDOUT_FILENO)) setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
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
    /* Left open: the process ends now, and its exit unmaps the five index
     * files at once, where closing them (a munmap each) cost a tenth of a
     * cold search here (0.6 ms of 6, 2026-12-06).  Kept reachable, so leak
     * checkers see no leak. */
    exit_index = ix;
    return rc;
}

/* ---- serve ---- */

/* Where ajsearch-serve is: beside this program (a build directory, or
 * the bin/ it was installed in), else where `make install` puts it. */
static void serve_program(char *out, size_t cap) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            snprintf(out, cap, "%.*s/ajsearch-serve", (int)(slash - self), self);
            if (access(out, X_OK) == 0) return;
        }
    }
    snprintf(out, cap, "%s", AJ_SERVE_PATH);
}

/* ajsearch serve: ajsearch-serve with the index and corpus this command
 * finds (as search finds them), in its place. */
static int cmd_serve(options *o) {
    if (o->help) {
        fputs(usage_serve, stdout);
        return 0;
    }
    aj_index_close(open_index(o)); /* its messages if it cannot be opened */
    char program[4200], threads[16];
    serve_program(program, sizeof program);
    const char *argv[16];
    int n = 0;
    argv[n++] = program;
    argv[n++] = "--index";
    argv[n++] = o->index_dir;
    argv[n++] = "--corpus";
    argv[n++] = o->corpus_dir;
    if (o->bind) argv[n++] = "--bind", argv[n++] = o->bind;
    if (o->port) argv[n++] = "--port", argv[n++] = o->port;
    if (o->threads) {
        snprintf(threads, sizeof threads, "%d", o->threads);
        argv[n++] = "--threads", argv[n++] = threads;
    }
    argv[n] = NULL;
    fflush(stdout);
    execv(program, (char *const *)argv);
    fprintf(stderr, "%s: cannot run ", prog);
    out_safe_cstr(stderr, program);
    fprintf(stderr, ": %s (it is built and installed with ajsearch: 'make all', "
            "'make install')\n", strerror(errno));
    return EXIT_ERR;
}

/* `ajsearch help [COMMAND]`: the help of the command, or the main one. */
static int cmd_help(int argc, char **argv) {
    if (argc > 3) die_usage("help takes at most one command (got '%s')", argv[3]);
    for (size_t i = 0; argc == 3 && i < NCOMMANDS; i++)
        if (!strcmp(argv[2], commands[i].name)) {
            fputs(commands[i].help, stdout);
            return 0;
        }
    if (argc == 3) die_usage("help: no command '%s'", argv[2]);
    fputs(usage_main, stdout);
    return 0;
}

/* Where the command's name is in argv, or 0 when there is none (a search).
 * It is the first argument that is not an option or an option's value, if
 * it names a command: `ajsearch --index X check` checks, where reading
 * only argv[1] searched for the word "check".  Only the first word can
 * name a command, so `ajsearch maritime index` searches two words; after
 * `--` every argument is a query word (`ajsearch -- check`, or `ajsearch
 * search check`). */
static int find_command(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) return 0;
        if (a[0] == '-' && a[1]) {
            int attached;
            size_t n;
            const optdef *d = classify(a, &attached, &n);
            /* An option's value is not a word: `--index check search`. */
            if (d && d->arg == ARG_NEEDED && !attached) i++;
            continue;
        }
        for (size_t c = 0; c < NCOMMANDS; c++)
            if (!strcmp(a, commands[c].name)) return i;
        return 0;
    }
    return 0;
}

int main(int argc, char **argv) {
    options o = {0};
    aj_search_opts_init(&o.so);
    if (argc == 1) {
        fputs(usage_short, stderr);
        return EXIT_ERR;
    }
    if (!strcmp(argv[1], "help")) return cmd_help(argc, argv);
    /* The arguments without the command's name, options before it
     * included, as if it had come first. */
    int at = find_command(argc, argv);
    if (at) {
        for (size_t c = 0; c < NCOMMANDS; c++)
            if (!strcmp(argv[at], commands[c].name)) cur = &commands[c];
        memmove(argv + at, argv + at + 1, (size_t)(argc - at) * sizeof *argv);
        argc--;
    }
    parse_options(argc - 1, argv + 1, &o);
    int rc;
    switch (cur->bit) {
    case CMD_INDEX: rc = cmd_index(&o); break;
    case CMD_STATUS: rc = cmd_status(&o); break;
    case CMD_EXPORT: rc = cmd_export(&o); break;
    case CMD_ANALYZE: rc = cmd_analyze(&o); break;
    case CMD_STATS: rc = cmd_stats(&o); break;
    case CMD_DUMP: rc = cmd_dump(&o); break;
    case CMD_CHECK: rc = cmd_check(&o); break;
    case CMD_ACRONYMS: rc = cmd_acronyms(&o); break;
    case CMD_SHOW: rc = cmd_show(&o); break;
    case CMD_SERVE: rc = cmd_serve(&o); break;
    default: rc = cmd_search(&o); break;
    }
    if (fflush(stdout) != 0 && rc != EXIT_ERR) {
        fprintf(stderr, "%s: writing output failed: %s\n", prog, strerror(errno));
        rc = EXIT_ERR;
    }
    free(o.args);
    free(o.found_index);
    free(o.found_corpus);
    return rc;
}
