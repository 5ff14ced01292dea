/* test_acronym.c - acronym definitions found in text (acronym.h): both
 * shapes, the corpus's own examples, and what must not count. */
#include "helpers.h"

#include <ctype.h>

#include "analysis/acronym.h"
#include "acronym_baseline.h"
#include "analysis/segment.h"

/* The seed corpus's figures (README "Acronyms and compounds"). */
#define SEED_DEFS 130
#define SEED_OURS_HITS 113
#define SEED_BASE_MINED 112
#define SEED_BASE_HITS 105

typedef struct {
    char got[2048];
    size_t n;
} found;

static int collect(void *arg, const aj_acro_def *d) {
    found *f = arg;
    f->n += (size_t)snprintf(f->got + f->n, sizeof f->got - f->n, "%s%.*s=%.*s",
                             f->n ? "|" : "", (int)d->acr_len, d->acr,
                             (int)d->lf_len, d->lf);
    return 0;
}

static void finds(const char *text, const char *want) {
    found f = {{0}, 0};
    size_t n = aj_acronym_find(text, strlen(text), collect, &f);
    cr_assert_str_eq(f.got, want, "text: %s", text);
    cr_assert_eq(n, *want ? 1 + (size_t)(strchr(want, '|') != NULL) : 0);
}

Test(acronym, long_form_then_acronym) {
    finds("in accordance with the 1982 United Nations Convention on the Law of the Sea (UNCLOS).",
          "UNCLOS=United Nations Convention on the Law of the Sea");
    finds("Japan has contributed to the Initiative for ASEAN Integration (IAI) through",
          "IAI=Initiative for ASEAN Integration");
    finds("gender equality including the Women, Peace, and Security (WPS) agenda",
          "WPS=Women, Peace, and Security");
    finds("RECOGNISING that Japan's \"Free and Open Indo-Pacific (FOIP)\" vision",
          "FOIP=Free and Open Indo-Pacific");
    finds("through the Japan-ASEAN Integration Fund (JAIF) and", "JAIF=Japan-ASEAN Integration Fund");
    finds("for Micro, Small and Medium Enterprises (MSMEs) and", "MSMEs=Micro, Small and Medium Enterprises");
    /* Letters inside words, when initials alone do not spell it. */
    finds("the ASEAN Defence Ministers' Meeting Plus (ADMM-Plus).",
          "ADMM-Plus=ASEAN Defence Ministers' Meeting Plus");
}

Test(acronym, word_starts_first) {
    /* Every letter a word's initial beats letters from inside words,
     * where the published algorithm stops at "Active Ageing ...". */
    finds("support for the ASEAN Centre for Active Ageing and Innovation (ACAI) in",
          "ACAI=ASEAN Centre for Active Ageing and Innovation");
    finds("the ASEAN Agreement on Disaster Management and Emergency Response (AADMER) W",
          "AADMER=ASEAN Agreement on Disaster Management and Emergency Response");
    /* A small word may give its letter. */
    finds("the early conclusion of a Code of Conduct in the South China Sea (COC).",
          "COC=Code of Conduct in the South China Sea");
    /* Letters from inside a word whose initial is used. */
    finds("the 4th ASEAN-Japan Cybercrime (AJCC) Dialogue", "AJCC=ASEAN-Japan Cybercrime");
    finds("the ASEAN Digital Ministers' Meeting (ADGMIN).",
          "ADGMIN=ASEAN Digital Ministers' Meeting");
    finds("the Association of Southeast Asian Nations (ASEAN),",
          "ASEAN=Association of Southeast Asian Nations");
    /* Digits: the number, its last digits, a number word. */
    finds("posed by the Coronavirus Diseases 2019 (COVID-19) pandemic",
          "COVID-19=Coronavirus Diseases 2019");
    finds("the ASEAN Digital Masterplan 2025 (ADM2025).", "ADM2025=ASEAN Digital Masterplan 2025");
    finds("brought about by the Fourth Industrial Revolution (4IR).",
          "4IR=Fourth Industrial Revolution");
    finds("in Response to the Coronavirus Disease (COVID19) and", "");  /* no 19 */
}

Test(acronym, where_a_name_starts_and_ends) {
    /* A name's tail after the last lettered word. */
    finds("the 2002 Declaration on the Conduct of Parties in the South China Sea (DOC) in",
          "DOC=Declaration on the Conduct of Parties in the South China Sea");
    finds("the Treaty of Amity and Cooperation in Southeast Asia (TAC),",
          "TAC=Treaty of Amity and Cooperation in Southeast Asia");
    finds("Official Development Assistance for infrastructure (ODA) grew", "");
    finds("Official Development Assistance Programmes (ODA) grew", "");
    finds("Diplomats of Cambodia, Lao PDR, Myanmar and Viet Nam (CLMV).",
          "CLMV=Cambodia, Lao PDR, Myanmar and Viet Nam");
    /* A capitalized word right before leaves the start in doubt. */
    finds("studying at the National Graduate Institute for Policy Studies (GRIPS).", "");
    finds("at the Special ASEAN Plus Three (APT) Summit", "");
    /* ... unless it is a possessive or holds an acronym. */
    finds("both the AOIP and Japan's Free and Open Indo-Pacific (FOIP) share",
          "FOIP=Free and Open Indo-Pacific");
    finds("signed the ASEAN-Japan Technical Cooperation Agreement (TCA) in",
          "TCA=Technical Cooperation Agreement");
    finds("the ASEAN Emergency Response and Assessment Team (ERAT), the",
          "ERAT=Emergency Response and Assessment Team");
    /* "X on [Long Form]": X starts it when the acronym can start there. */
    finds("through the Conference on Cooperation among East Asian countries for "
          "Palestinian Development (CEAPAD).",
          "CEAPAD=Conference on Cooperation among East Asian countries for Palestinian Development");
    finds("the ASEAN-Japan Health Ministers Meeting on Universal Health Coverage (UHC) was",
          "UHC=Universal Health Coverage");
    /* At most two words without a letter, small words aside. */
    finds("the Asia Zero Carbon Emission Trading Scheme Community (AZEC) was", "");
    finds("the Asia Zero Emission Trading Community (AZEC) was",
          "AZEC=Asia Zero Emission Trading Community");
}

Test(acronym, acronym_then_long_form) {
    finds("Parties to UNCLOS (United Nations Convention on the Law of the Sea) agreed",
          "UNCLOS=United Nations Convention on the Law of the Sea");
    finds("the ARF (ASEAN Regional Forum) met", "ARF=ASEAN Regional Forum");
}

Test(acronym, two_in_one_paragraph) {
    finds("such as the ASEAN Regional Forum (ARF), ASEAN Plus Three (APT), and more",
          "ARF=ASEAN Regional Forum|APT=ASEAN Plus Three");
}

Test(acronym, not_definitions) {
    finds("as agreed in the Joint Statement (2023).", "");
    finds("the measures described (see above) apply", "");
    finds("the following items: (i) trade, (ii) investment", "");
    finds("Part Two (II) of the plan", "");
    finds("the Japan Foundation (JICA) supports", "");          /* initials differ */
    finds("cooperation with Japan (Tokyo) continues", "");       /* one capital */
    finds("the meeting (ASEAN) was held", "");                   /* no long form */
    finds("a very long acronym (ABCDEFGHIJKL) here", "");        /* over 10 bytes */
    finds("Regional Forum. (ARF) is", "");                       /* other clause */
    finds("unclosed (ARF", "");
    finds("", "");
}

Test(acronym, any_bytes) {
    const char text[] = "\xff\xfe(AB\x00(\x80\x80) Alpha Beta (AB) ((()))";
    found f = {{0}, 0};
    aj_acronym_find(text, sizeof text - 1, collect, &f);
    cr_assert_str_eq(f.got, "AB=Alpha Beta");
}

static int check_def(void *arg, const aj_acro_def *d) {
    const char *text = arg;
    size_t n = strlen(text);
    cr_assert(d->acr >= text && d->acr + d->acr_len <= text + n);
    cr_assert(d->lf >= text && d->lf + d->lf_len <= text + n);
    cr_assert(d->acr_len >= 2 && d->acr_len <= AJ_ACRO_MAX && d->lf_len <= AJ_ACRO_LONG_MAX);
    return 0;
}

/* Random texts made of what the aligner reacts to: every definition found
 * lies inside the text, within the limits (ASan watches the rest). */
Test(acronym, random_texts) {
    static const char *const bits[] = {"A", "B", "C", "a", "b", "c", "AB", "ABC", "Ab", "of", "the",
                                       " ", "  ", "-", "(", ")", ",", ".", "'", "\xe2\x80\x99", "s",
                                       "1", "19", "2019", "four", "\xc3\x89", "\xff", "Abc Bcd",
                                       "(ABC)", "(AB-C)", "(A1B)", " of the "};
    uint64_t seed = 42;
    char text[600];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, parts = th_rand(&seed) % 80;
        for (size_t i = 0; i < parts; i++) {
            const char *b = bits[th_rand(&seed) % (sizeof bits / sizeof *bits)];
            size_t k = strlen(b);
            if (n + k >= sizeof text) break;
            memcpy(text + n, b, k);
            n += k;
        }
        text[n] = 0;
        aj_acronym_find(text, n, check_def, text);
    }
}

Test(acronym, keys_group_spellings) {
    char a[64], b[64];
    aj_acronym_key("Japan East-Asia Network", a);
    aj_acronym_key("  japan-East  Asia network,", b);
    cr_assert_str_eq(a, "japan east asia network");
    cr_assert_str_eq(b, a);
}

/* ---- every definition of the seed corpus, judged ---- */

/* tests/data/acronyms-seed.tsv lists every definition either miner finds
 * in corpus/, and every one a reader finds there, with its verdict (read
 * from the text: is this what the acronym stands for?) and how many times
 * the text defines it, ours mines it and the published algorithm
 * (acronym_baseline.h) mines it.  The test mines the corpus with both and
 * requires exactly those counts, so a change of either miner shows up as
 * rows to judge.  AJ_ACRO_DUMP=1 prints what was mined in the file's
 * format. */
#define SEED_TSV "tests/data/acronyms-seed.tsv"
#define MAX_ROWS 400

typedef struct {
    char file[128], acr[32], lf[256];
    int right;                 /* the verdict */
    int text, ours, base;      /* definitions in the text; mined by each */
    int got_ours, got_base;
} seed_row;

typedef struct {
    seed_row *rows;
    size_t n;
    const char *file;
    int base;                  /* which miner is running */
} seed;

static seed_row *seed_find(seed *s, const char *file, const char *acr, size_t alen,
                           const char *lf, size_t llen) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->rows[i].file, file) && strlen(s->rows[i].acr) == alen &&
            !memcmp(s->rows[i].acr, acr, alen) && strlen(s->rows[i].lf) == llen &&
            !memcmp(s->rows[i].lf, lf, llen))
            return &s->rows[i];
    return NULL;
}

static int seed_def(void *arg, const aj_acro_def *d) {
    seed *s = arg;
    /* A long form is compared without punctuation at its ends: a quote
     * mark the published algorithm keeps ("\"Free and Open Indo-Pacific")
     * changes neither the verdict nor what expansion searches. */
    const char *lf = d->lf;
    size_t llen = d->lf_len;
    while (llen && ispunct((unsigned char)*lf)) lf++, llen--;
    while (llen && ispunct((unsigned char)lf[llen - 1])) llen--;
    seed_row *r = seed_find(s, s->file, d->acr, d->acr_len, lf, llen);
    if (!r) {
        cr_assert_lt(s->n, MAX_ROWS);
        r = &s->rows[s->n++];
        memset(r, 0, sizeof *r);
        snprintf(r->file, sizeof r->file, "%s", s->file);
        snprintf(r->acr, sizeof r->acr, "%.*s", (int)d->acr_len, d->acr);
        snprintf(r->lf, sizeof r->lf, "%.*s", (int)llen, lf);
        r->right = -1;         /* not in the file: unjudged */
    }
    if (s->base) r->got_base++;
    else r->got_ours++;
    return 0;
}

static int seed_para(void *arg, const aj_seg_para *p) {
    seed *s = arg;
    s->base = 0;
    aj_acronym_find(p->text, p->text_len, seed_def, s);
    s->base = 1;
    th_acronym_baseline(p->text, p->text_len, seed_def, s);
    return 0;
}

static void seed_load(seed *s) {
    size_t n;
    char *data = th_read(SEED_TSV, &n);
    cr_assert_not_null(data, "cannot read %s", SEED_TSV);
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char verdict[16];
        seed_row *r = &s->rows[s->n];
        cr_assert_lt(s->n, MAX_ROWS);
        memset(r, 0, sizeof *r);
        int k = sscanf(line, "%127[^\t]\t%31[^\t]\t%255[^\t]\t%15[^\t]\t%d\t%d\t%d", r->file,
                       r->acr, r->lf, verdict, &r->text, &r->ours, &r->base);
        cr_assert_eq(k, 7, "%s: bad line: %s", SEED_TSV, line);
        cr_assert(!strcmp(verdict, "right") || !strcmp(verdict, "wrong"), "verdict: %s", line);
        r->right = !strcmp(verdict, "right");
        cr_assert(r->right || r->text == 0, "a wrong definition is not in the text: %s", line);
        s->n++;
    }
    free(data);
}

static void seed_mine(seed *s) {
    DIR *d = opendir("corpus");
    cr_assert_not_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name), n;
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt")) continue;
        char path[512];
        snprintf(path, sizeof path, "corpus/%s", de->d_name);
        char *src = th_read_ok(path, &n);
        s->file = de->d_name;
        aj_ctx c = {0};
        cr_assert_eq(aj_segment(&c, src, n, seed_para, s), AJ_OK);
        free(src);
    }
    closedir(d);
}

/* Precision and recall of one miner over the judged rows. */
static void seed_score(const seed *s, int base, int *mined, int *hits, int *defs) {
    *mined = *hits = *defs = 0;
    for (size_t i = 0; i < s->n; i++) {
        const seed_row *r = &s->rows[i];
        int got = base ? r->got_base : r->got_ours;
        *mined += got;
        if (r->right) *hits += got < r->text ? got : r->text;
        if (r->right) *defs += r->text;
    }
}

Test(acronym, seed_corpus_verdicts, .timeout = 60) {
    static seed_row rows[MAX_ROWS];
    seed s = {rows, 0, NULL, 0};
    seed_load(&s);
    size_t judged = s.n;
    seed_mine(&s);
    if (getenv("AJ_ACRO_DUMP"))
        for (size_t i = 0; i < s.n; i++)
            printf("%s\t%s\t%s\t%s\t%d\t%d\t%d\n", rows[i].file, rows[i].acr, rows[i].lf,
                   rows[i].right < 0 ? "?" : rows[i].right ? "right" : "wrong", rows[i].text,
                   rows[i].got_ours, rows[i].got_base);
    for (size_t i = 0; i < s.n; i++) {
        const seed_row *r = &rows[i];
        cr_expect(i < judged, "not judged in %s: %s\t%s\t%s (ours %d, baseline %d)", SEED_TSV,
                  r->file, r->acr, r->lf, r->got_ours, r->got_base);
        cr_expect(i >= judged || (r->got_ours == r->ours && r->got_base == r->base),
                  "%s\t%s\t%s: mined %d (ours) and %d (baseline), the file says %d and %d",
                  r->file, r->acr, r->lf, r->got_ours, r->got_base, r->ours, r->base);
        cr_expect(r->right || !r->got_ours, "ours mines a wrong definition: %s = %s", r->acr,
                  r->lf);
    }
    /* The figures README "Acronyms and compounds" reports. */
    int mined, hits, defs;
    seed_score(&s, 0, &mined, &hits, &defs);
    cr_expect_eq(hits, mined, "ours: precision %d/%d", hits, mined);
    cr_expect_eq(defs, SEED_DEFS);
    cr_expect_eq(hits, SEED_OURS_HITS, "ours: %d right of %d mined, %d in the text", hits,
                 mined, defs);
    seed_score(&s, 1, &mined, &hits, &defs);
    cr_expect_eq(mined, SEED_BASE_MINED, "baseline mined %d", mined);
    cr_expect_eq(hits, SEED_BASE_HITS, "baseline: %d right of %d mined", hits, mined);
}
