/*
 * build - index a directory of documents (text, PDF, HTML, DOCX).
 *
 *     build CORPUS_DIR INDEX_DIR
 *
 * Builds a new index of CORPUS_DIR and switches it in at INDEX_DIR (the
 * previous index, if any, stays readable until then and after a failure).
 * While it works, a progress line on standard error; each file that could
 * not be indexed as it stands is a warning there too.  At the end the
 * build's figures go to standard output.
 *
 * Ctrl-C stops the build cleanly: the library removes what it had written
 * and leaves the previous index in place.
 *
 * Exit status: 0 when the index was built (warnings or not), 2 on an
 * error, with the library's message.
 */
#include <ajsearch.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Set by SIGINT/SIGTERM; the build polls it (aj_build_opts.cancel). */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* The progress line is redrawn in place with '\r'; this remembers whether
 * one is showing (a warning must then start on a new line) and when it
 * was last drawn (the library reports far more often than is readable). */
typedef struct {
    int showing;
    double drawn;
    const char *phase;
} display;

static void end_line(display *d)
{
    if (d->showing) {
        fputc('\n', stderr);
        d->showing = 0;
    }
}

static void on_progress(void *arg, const aj_build_progress *p)
{
    display *d = arg;
    char line[160];

    if (d->phase && strcmp(d->phase, p->phase) == 0 && p->seconds - d->drawn < 0.25)
        return;
    d->phase = p->phase;
    d->drawn = p->seconds;
    snprintf(line, sizeof line, "%.20s: %llu/%llu documents, %.1f MB, %.1f s", p->phase,
            (unsigned long long)p->docs_done, (unsigned long long)p->docs_total,
            (double)p->bytes_done / 1e6, p->seconds);
    /* Padded, so that a shorter line covers a longer one. */
    fprintf(stderr, "\r%-72s", line);
    d->showing = 1;
}

static void on_warning(void *arg, int kind, const char *path, const char *reason)
{
    end_line(arg);
    fprintf(stderr, "build: warning: %s: %s (%s)\n", path, reason, aj_warn_kind_name(kind));
}

int main(int argc, char **argv)
{
    aj_ctx c;
    aj_build_opts opts;
    aj_build_stats st;
    display d;
    aj_err err;
    int k;

    if (argc != 3) {
        fprintf(stderr, "usage: build CORPUS_DIR INDEX_DIR\n");
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    /* Zeroed options are the defaults: one thread per CPU, 512 MiB of
     * memory, one older generation kept, fail at once if another build
     * holds the index. */
    memset(&opts, 0, sizeof opts);
    memset(&d, 0, sizeof d);
    memset(&c, 0, sizeof c);
    opts.corpus_dir = argv[1];
    opts.index_dir = argv[2];
    opts.warn = on_warning;
    opts.warn_arg = &d;
    opts.progress = on_progress;
    opts.progress_arg = &d;
    opts.cancel = &stop;

    err = aj_build(&c, &opts, &st);
    end_line(&d);
    if (err != AJ_OK) {
        fprintf(stderr, "build: %s (%s)\n", c.msg, aj_strerror(err));
        return 2;
    }

    printf("documents      %lu\n", (unsigned long)st.ndocs);
    printf("paragraphs     %lu\n", (unsigned long)st.nparas);
    printf("files skipped  %lu\n", (unsigned long)st.nskipped);
    printf("terms          %llu\n", (unsigned long long)st.nterms);
    printf("words          %llu\n", (unsigned long long)st.nwords);
    printf("tokens         %llu\n", (unsigned long long)st.ntokens);
    printf("postings       %llu\n", (unsigned long long)st.npostings);
    printf("bytes read     %llu\n", (unsigned long long)st.bytes_in);
    printf("bytes written  %llu\n", (unsigned long long)st.bytes_out);
    printf("threads        %lu\n", (unsigned long)st.threads);
    printf("runs spilled   %lu\n", (unsigned long)st.nruns);
    printf("seconds        %.3f\n", st.seconds);
    printf("format         %u\n", st.format);
    for (k = 0; k < AJ_WARN_NKINDS; k++)
        if (st.warnings[k])
            printf("warnings       %lu %s\n", (unsigned long)st.warnings[k],
                   aj_warn_kind_name(k));
    return 0;
}
