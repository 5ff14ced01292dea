/* test_acronym.c - acronym definitions found in text (acronym.h): both
 * shapes, the corpus's own examples, and what must not count. */
#include "helpers.h"

#include "acronym.h"

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

Test(acronym, keys_group_spellings) {
    char a[64], b[64];
    aj_acronym_key("Japan East-Asia Network", a);
    aj_acronym_key("  japan-East  Asia network,", b);
    cr_assert_str_eq(a, "japan east asia network");
    cr_assert_str_eq(b, a);
}
