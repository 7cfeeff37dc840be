/* Unit tests for dl_mail / dl_mime / dl_time: golden acceptance and final receipts and
 * forwarded SMS replies in French and English (tests/unit/data/dlr/NAME.eml, compared
 * after replacing the Date: and Message-ID: lines; SMSGW_UPDATE_GOLDEN=1 rewrites
 * them), the router's reason codes in words, encoding diagnostics, per-recipient
 * planned times, dry-run previews, header injection, RFC 2047 subjects,
 * quoted-printable line lengths, receipt address rules, and the Europe/Paris
 * summer-time rule; the final receipt counted, then written into a buffer of exactly
 * that size, is byte for byte the one built in the heap (dl_sb sinks). Key sentences are also
 * checked in the decoded body, so that a regenerated golden cannot hide a regression. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dl_csv.h"
#include "dl_mail.h"
#include "dl_mime.h"
#include "dl_time.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1717243402000ull /* 2024-06-01 12:03:22 UTC = 14:03:22 in Paris */

#define HOUR_MS 3600000ull

static const struct cm_wire_recipient RCPTS[] = {
    {101, "+33601020304", 0, CM_RCPT_QUEUED, "", "NOM=Dupont\tPRENOM=Jean", 1},
    {102, "+33601020305", 0, CM_RCPT_QUEUED, "", "REFCLIENT=A-17", 2},
    {103, "+33601020307", 0, CM_RCPT_QUEUED, "", "", 1},
    {104, "+33601020308", 0, CM_RCPT_QUEUED, "", "", 1},
    {0, "0801020304", 3, CM_RCPT_REJECTED, "invalid_number", "NOM=Martin", 0},
    {0, "+33601020306", 4, CM_RCPT_BLACKLISTED, "blacklisted", "", 0},
    {0, "FAX=0102030405", 5, CM_RCPT_REJECTED, "media_not_offered", "", 0},
    {0, "+33601020309", 6, CM_RCPT_REJECTED, "text_too_long:812:750", "", 0},
};

/* The recipients as the router sends them for `status`: planned times (the second
 * recipient an hour after the others), and for a dry run the rendered SMS of the
 * first three accepted ones. */
static struct cm_wire_recipient *make_rcpts(uint8_t status, uint64_t send_at_ms)
{
    static struct cm_wire_recipient r[N_ELEMS(RCPTS)];
    static const char *const TEXTS[] = {"Bonjour Jean,\nvotre RDV est demain à 9h.",
                                        "Bonjour ,\nvotre RDV est demain à 9h.",
                                        "Bonjour ,\nvotre RDV est demain à 9h."};

    memcpy(r, RCPTS, sizeof(r));
    for (size_t i = 0; i < N_ELEMS(r); i++) {
        r[i].text = "";
        if (r[i].state != CM_RCPT_QUEUED) continue;
        r[i].send_at_ms = send_at_ms + (i == 1 && send_at_ms ? HOUR_MS : 0);
        if (status == CM_ACCEPT_DRY_RUN && i < 3) r[i].text = (char *)TEXTS[i];
    }
    return r;
}

static cm_msg_accepted make_acc(const char *lang, uint8_t status)
{
    cm_msg_accepted a;

    memset(&a, 0, sizeof(a));
    a.submission = "20240601-000123";
    a.at_ms = T0;
    a.reply_to = "client@example.com";
    a.message_id = "abc.123@client.example.com";
    a.subject = "Rappel RDV été";
    a.account = "demo";
    a.lang = (char *)lang;
    a.status = status;
    a.reason = status == CM_ACCEPT_REJECTED    ? "no_valid_recipient"
               : status == CM_ACCEPT_DUPLICATE ? "duplicate_of:20240601-000042"
                                               : "";
    a.encoding = "GSM 7-bit";
    a.parts = 1;
    a.text = "Bonjour Jean,\nvotre RDV est demain à 9h.";
    a.send_at_ms = status == CM_ACCEPT_ACCEPTED ? T0 + 86400000ull : 0;
    a.expires_ms = T0 + 172800000ull;
    a.ucs2_chars = "";
    a.recipients = make_rcpts(status, a.send_at_ms);
    a.recipients_n = N_ELEMS(RCPTS);
    return a;
}

static const dl_final_rcpt FINAL[] = {
    {"+33601020304", "NOM=Dupont\tPRENOM=Jean", 0, 1, DL_OUT_DELIVERED, DL_STAT_DELIVERED, "000", 0,
     "", T0 + 108000},
    {"+33601020305", "REFCLIENT=A-17", 0, 2, DL_OUT_UNDELIVERED, DL_STAT_UNDELIVERABLE, "001", 0,
     "", T0 + 200000, "03001b"},
    {"+33601020307", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_NONE, "", 0x0B, "invalid destination",
     T0 + 1000},
    {"+33601020308", "", 0, 1, DL_OUT_EXPIRED, DL_STAT_NONE, "", 0, "", T0 + 172800000ull},
    {"0801020304", "NOM=Martin", 3, 0, DL_OUT_REJECTED, DL_STAT_NONE, "", 0, "invalid_number", 0},
    {"+33601020306", "", 4, 0, DL_OUT_BLACKLISTED, DL_STAT_NONE, "", 0, "blacklisted", 0},
    {"+33601020310", "", 0, 0, DL_OUT_REJECTED, DL_STAT_NONE, "", 0, "no_route", 0},
};

static const dl_mail_env ENV = {"accuses@sms.example.net", "client@example.com", T0 + 5000,
                                "test.1"};

/* Replace the values of Date: and Message-ID: (they change with time). */
static char *normalise(const char *mail)
{
    size_t n = strlen(mail);
    char *out = malloc(n + 64), *o = out;

    assert_non_null(out);
    for (const char *p = mail; *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) + 2 : strlen(p);
        if (strncmp(p, "Date: ", 6) == 0)
            o += sprintf(o, "Date: DATE\r\n");
        else if (strncmp(p, "Message-ID: ", 12) == 0)
            o += sprintf(o, "Message-ID: MSGID\r\n");
        else {
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    return out;
}

static void compare_golden(const char *mail, const char *name)
{
    char path[512], *norm = normalise(mail), *want;
    FILE *f;
    long n;

    snprintf(path, sizeof(path), "%s/dlr/%s", SMSGW_TEST_DATA, name);
    if (getenv("SMSGW_UPDATE_GOLDEN") != NULL) {
        f = fopen(path, "wb");
        assert_non_null(f);
        fputs(norm, f);
        fclose(f);
    }
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    want = calloc(1, (size_t)n + 1);
    assert_non_null(want);
    assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    print_message("golden %s\n", name);
    assert_string_equal(norm, want);
    free(want);
    free(norm);
}

/* Every line ends with CRLF, none is longer than 78 characters, no bare CR or LF. */
static void check_lines(const char *mail)
{
    for (const char *p = mail; *p;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 78);
        for (const char *q = p; q < eol; q++)
            assert_true(*q != '\r' && *q != '\n');
        p = eol + 2;
    }
}

/* The body of a mail: its first text/plain part, quoted-printable decoded, LF line
 * ends (malloc'd). */
static char *body_of(const char *mail)
{
    const char *p = strstr(mail, "quoted-printable\r\n\r\n");
    const char *end;
    char *out, *o;

    assert_non_null(p);
    p += strlen("quoted-printable\r\n\r\n");
    end = strstr(p, "\r\n--=_smsgw_");
    end = end != NULL ? end : p + strlen(p);
    out = o = calloc(1, (size_t)(end - p) + 1);
    assert_non_null(out);
    while (p < end) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=') {
            unsigned v;
            assert_int_equal(sscanf(p + 1, "%2X", &v), 1);
            *o++ = (char)v;
            p += 3;
        } else if (p[0] == '\r' && p[1] == '\n') {
            *o++ = '\n';
            p += 2;
        } else {
            *o++ = *p++;
        }
    }
    return out;
}

static void assert_contains(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) fail_msg("\"%s\" not in:\n%s", needle, text);
}

static void assert_lacks(const char *text, const char *needle)
{
    if (strstr(text, needle) != NULL) fail_msg("\"%s\" unexpected in:\n%s", needle, text);
}

/* The acceptance receipt of a (golden, may be NULL), checked for form; the mail and
 * its decoded body in *mail and *body (free both). */
static void acceptance_of(const cm_msg_accepted *a, const char *golden, char **mail, char **body)
{
    size_t len = 0;

    assert_int_equal(dl_mail_acceptance(&ENV, a, mail, &len), 0);
    assert_int_equal(strlen(*mail), len);
    check_lines(*mail);
    if (golden != NULL) compare_golden(*mail, golden);
    *body = body_of(*mail);
}

static void acceptance_case(const char *lang, uint8_t status, const char *golden)
{
    cm_msg_accepted a = make_acc(lang, status);
    char *mail, *body;

    acceptance_of(&a, golden, &mail, &body);
    free(body);
    free(mail);
}

static void test_acceptance_goldens(void **state)
{
    (void)state;
    acceptance_case("fr", CM_ACCEPT_ACCEPTED, "acceptance_fr.eml");
    acceptance_case("en", CM_ACCEPT_ACCEPTED, "acceptance_en.eml");
    acceptance_case("fr", CM_ACCEPT_REJECTED, "rejected_fr.eml");
    acceptance_case("en", CM_ACCEPT_REJECTED, "rejected_en.eml");
    acceptance_case("fr", CM_ACCEPT_DRY_RUN, "dryrun_fr.eml");
    acceptance_case("en", CM_ACCEPT_DRY_RUN, "dryrun_en.eml");
    acceptance_case("fr", CM_ACCEPT_DUPLICATE, "duplicate_fr.eml");
    acceptance_case("en", CM_ACCEPT_DUPLICATE, "duplicate_en.eml");
}

/* The router's reason codes are worded, per recipient and for the submission. */
static void test_reason_codes_in_words(void **state)
{
    static const struct {
        const char *lang;
        uint8_t status;
        const char *needles[5];
    } C[] = {
        {"fr",
         CM_ACCEPT_ACCEPTED,
         {"- ligne 3 : 0801020304 (NOM=Martin) : num\xc3\xa9ro invalide\n",
          "- ligne 5 : FAX=0102030405 : m\xc3\xa9"
          "dia non propos\xc3\xa9\n",
          "- ligne 6 : +33601020309 : texte trop long : 812 caract\xc3\xa8res (maximum 750)\n",
          "- ligne 4 : +33601020306 : liste d'opposition (STOP)\n",
          "Destinataires refus\xc3\xa9s : 4\n"}},
        {"en",
         CM_ACCEPT_ACCEPTED,
         {"- line 3: 0801020304 (NOM=Martin): invalid number\n",
          "- line 5: FAX=0102030405: media not offered\n",
          "- line 6: +33601020309: text too long: 812 characters (maximum 750)\n",
          "- line 4: +33601020306: opted out (STOP)\n", "Recipients refused: 4\n"}},
        {"fr", CM_ACCEPT_REJECTED, {"Motif du refus : aucun destinataire valide\n"}},
        {"en", CM_ACCEPT_REJECTED, {"Reason: no valid recipient\n"}},
        {"fr",
         CM_ACCEPT_DUPLICATE,
         {"D\xc3\xa9tail : message d\xc3\xa9j\xc3\xa0 re\xc3\xa7u sous le num\xc3\xa9ro "
          "20240601-000042 : il n'est pas envoy\xc3\xa9 une seconde fois\n"}},
        {"en",
         CM_ACCEPT_DUPLICATE,
         {"Details: already received as submission 20240601-000042: not sent twice\n"}},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        cm_msg_accepted a = make_acc(C[i].lang, C[i].status);
        char *mail, *body;
        acceptance_of(&a, NULL, &mail, &body);
        for (size_t j = 0; j < N_ELEMS(C[i].needles) && C[i].needles[j] != NULL; j++)
            assert_contains(body, C[i].needles[j]);
        for (const char *const *code =
                 (const char *const[]){"invalid_number", "media_not_offered", "text_too_long",
                                       "duplicate_of", "no_valid_recipient", NULL};
             *code != NULL; code++)
            assert_lacks(body, *code);
        assert_contains(mail, C[i].status == CM_ACCEPT_DUPLICATE  ? "X-SMSGW-Status: duplicate\r\n"
                              : C[i].status == CM_ACCEPT_REJECTED ? "X-SMSGW-Status: rejected\r\n"
                                                                  : "X-SMSGW-Status: accepted\r\n");
        free(body);
        free(mail);
    }
}

/* Words of a final outcome: codes worded, other text (an SMSC's) as it is. */
static void test_final_reason_words(void **state)
{
    static const struct {
        const char *lang;
        dl_final_rcpt r;
        const char *want;
    } C[] = {
        {"fr",
         {.outcome = DL_OUT_REJECTED, .reason = "no_route"},
         "aucun op\xc3\xa9rateur ne dessert ce num\xc3\xa9ro"},
        {"en",
         {.outcome = DL_OUT_REJECTED, .reason = "no_route"},
         "no operator serves this number"},
        {"fr", {.outcome = DL_OUT_REJECTED, .reason = "Refus\r\nX: y"}, "Refus  X: y"},
        {"en", {.outcome = DL_OUT_UNDELIVERED, .reason = "ESME gave up"}, "ESME gave up"},
        {"en",
         {.outcome = DL_OUT_UNDELIVERED, .smpp_status = 0x401, .reason = "vendor 0x401"},
         "refused by the operator (SMPP error 0x00000401: vendor 0x401)"},
        {"fr",
         {.outcome = DL_OUT_BLACKLISTED, .reason = "blacklisted"},
         "liste d'opposition (STOP)"},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        dl_sb b = {0};
        dl_final_rcpt r = C[i].r;
        r.err = r.network_error = "";
        dl_mail_reason(&b, C[i].lang, &r);
        assert_int_equal(b.err, 0);
        assert_string_equal(b.s, C[i].want);
        dl_sb_free(&b);
    }
}

/* What forced UCS-2, and what transliteration would save (only when it saves parts). */
static void test_encoding_diagnostics(void **state)
{
    static const struct {
        const char *lang, *golden;
        uint32_t translit_parts;
        const char *has[2], *lacks;
    } C[] = {
        {"fr",
         "acceptance_ucs2_fr.eml",
         1,
         {"Caract\xc3\xa8res hors alphabet GSM : \xe2\x80\x99 \xc2\xab \xc2\xbb U+00A0\n",
          "\xc3\x89"
          "conomie possible avec la translitt\xc3\xa9ration (option du compte) : 1 SMS "
          "par message au lieu de 2\n"},
         NULL},
        {"en",
         "acceptance_ucs2_en.eml",
         1,
         {"Characters outside the GSM alphabet: \xe2\x80\x99 \xc2\xab \xc2\xbb U+00A0\n",
          "Possible saving with transliteration (account option): 1 SMS per message instead of "
          "2\n"},
         NULL},
        {"fr", NULL, 2, {"hors alphabet GSM : \xe2\x80\x99 \xc2\xab"}, "translitt"},
        {"en", NULL, 0, {"outside the GSM alphabet: "}, "transliteration"},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        cm_msg_accepted a = make_acc(C[i].lang, CM_ACCEPT_ACCEPTED);
        char *mail, *body;
        a.encoding = "UCS-2";
        a.parts = 2;
        a.text = "Rappel : l\xe2\x80\x99\xc3\xa9t\xc3\xa9 \xc2\xab chaud \xc2\xbb\xc2\xa0!";
        a.ucs2_chars = "\xe2\x80\x99\xc2\xab\xc2\xbb\xc2\xa0";
        a.translit_parts = C[i].translit_parts;
        acceptance_of(&a, C[i].golden, &mail, &body);
        for (size_t j = 0; j < 2 && C[i].has[j] != NULL; j++)
            assert_contains(body, C[i].has[j]);
        if (C[i].lacks != NULL) assert_lacks(body, C[i].lacks);
        free(body);
        free(mail);
    }
    /* a GSM text says nothing of it */
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_ACCEPTED);
    char *mail, *body;
    acceptance_of(&a, NULL, &mail, &body);
    assert_lacks(body, "alphabet");
    assert_lacks(body, "translitt");
    free(body);
    free(mail);
}

/* A recipient's planned time is shown when it is not the submission's. */
static void test_planned_times(void **state)
{
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_ACCEPTED);
    char *mail, *body;
    (void)state;

    acceptance_of(&a, NULL, &mail, &body);
    assert_contains(body, "Envoi pr\xc3\xa9vu le : 02/06/2024 \xc3\xa0 14:03:22\n");
    assert_contains(body, "- +33601020304 (NOM=Dupont, PRENOM=Jean)\n");
    assert_contains(body, "- +33601020305 (REFCLIENT=A-17) : envoi pr\xc3\xa9vu le 02/06/2024 "
                          "\xc3\xa0 15:03:22\n");
    assert_contains(body, "- +33601020307\n");
    free(body);
    free(mail);
    a = make_acc("en", CM_ACCEPT_ACCEPTED);
    a.recipients[3].send_at_ms = 0; /* this one leaves at once, the others later */
    acceptance_of(&a, NULL, &mail, &body);
    assert_contains(body, "- +33601020305 (REFCLIENT=A-17): planned for 2024-06-02 15:03:22 "
                          "(Paris time)\n");
    assert_contains(body, "- +33601020308: sent at once\n");
    free(body);
    free(mail);
    /* nothing deferred: no time anywhere */
    a = make_acc("fr", CM_ACCEPT_REJECTED);
    a.status = CM_ACCEPT_ACCEPTED;
    a.reason = "";
    acceptance_of(&a, NULL, &mail, &body);
    assert_lacks(body, "pr\xc3\xa9vu");
    assert_lacks(body, "imm\xc3\xa9"
                       "diat");
    free(body);
    free(mail);
}

/* A dry run shows each rendered SMS with its recipient and parts. */
static void test_dry_run_preview(void **state)
{
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_DRY_RUN);
    char *mail, *body;
    (void)state;

    acceptance_of(&a, NULL, &mail, &body);
    assert_contains(mail, "X-SMSGW-Status: dry-run\r\n");
    assert_contains(body, "Aper\xc3\xa7u des SMS, pour les premiers destinataires (3 sur 4) :\n"
                          "- +33601020304 (NOM=Dupont, PRENOM=Jean) : 1 SMS\n"
                          "  Bonjour Jean,\n  votre RDV est demain \xc3\xa0 9h.\n"
                          "- +33601020305 (REFCLIENT=A-17) : 2 SMS\n"
                          "  Bonjour ,\n");
    assert_contains(body, "Codage : GSM 7-bit\n");
    assert_contains(body, "Destinataires accept\xc3\xa9s : 4\n");
    assert_lacks(body, "+33601020308 : 1 SMS");
    assert_lacks(body, "accus\xc3\xa9 final");
    free(body);
    free(mail);
    a = make_acc("en", CM_ACCEPT_DRY_RUN);
    for (size_t i = 0; i < a.recipients_n; i++)
        a.recipients[i].text = "";
    acceptance_of(&a, NULL, &mail, &body);
    assert_contains(body, "SMS text:\n  Bonjour Jean,\n  votre RDV est demain \xc3\xa0 9h.\n");
    assert_lacks(body, "Preview");
    free(body);
    free(mail);
}

/* FINAL (or any array) as a dl_final_src. */
static int array_rcpt(void *arg, size_t i, dl_final_rcpt *out, cm_arena **keep)
{
    (void)keep;
    *out = ((const dl_final_rcpt *)arg)[i];
    return 0;
}

static void final_case(const char *lang, const dl_final_rcpt *r, size_t n, const char *golden,
                       const char *status)
{
    cm_msg_accepted a = make_acc(lang, CM_ACCEPT_ACCEPTED);
    char *mail = NULL;
    size_t len = 0;

    assert_int_equal(dl_mail_final(&ENV, &a, r, n, &mail, &len), 0);
    check_lines(mail);
    assert_non_null(strstr(mail, status));
    compare_golden(mail, golden);
    free(mail);
}

/* The CSV part of a mail (from its Content-Type line to the end). */
static const char *csv_part(const char *mail)
{
    const char *p = strstr(mail, "Content-Type: text/csv");
    assert_non_null(p);
    return p;
}

/* A final receipt of FINAL listing at most `max` recipients in its body. */
static char *capped(const char *lang, size_t max)
{
    cm_msg_accepted a = make_acc(lang, CM_ACCEPT_ACCEPTED);
    dl_final_src src = {N_ELEMS(FINAL), array_rcpt, (void *)FINAL};
    const char *status = NULL;
    char *mail = NULL;
    size_t len = 0;

    assert_int_equal(dl_mail_final_src(&ENV, &a, &src, max, &mail, &len, &status), 0);
    assert_string_equal(status, "partial");
    assert_int_equal(strlen(mail), len);
    check_lines(mail);
    return mail;
}

/* dlr.final_list_max: the body lists the first recipients and says how many more; the
 * CSV is the same as without a limit (every recipient). */
static void test_final_list_max(void **state)
{
    static const struct {
        const char *lang, *golden, *more;
    } C[] = {
        {"fr", "final_capped_fr.eml",
         "\xe2\x80\xa6 et 5 autres destinataires, qui ne sont pas list\xc3\xa9s ici : le "
         "fichier CSV joint donne le r\xc3\xa9sultat de chacun des 7 destinataires.\n"},
        {"en", "final_capped_en.eml",
         "\xe2\x80\xa6 and 5 more recipients, not listed here: the attached CSV file gives "
         "the result of each of the 7 recipients.\n"},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        cm_msg_accepted a = make_acc(C[i].lang, CM_ACCEPT_ACCEPTED);
        char *all = NULL, *two = capped(C[i].lang, 2), *body = body_of(two);
        size_t len;
        assert_int_equal(dl_mail_final(&ENV, &a, FINAL, N_ELEMS(FINAL), &all, &len), 0);
        assert_string_equal(csv_part(two), csv_part(all));
        assert_contains(body, C[i].more);
        assert_contains(body, "+33601020305");
        assert_lacks(body, "+33601020307");
        compare_golden(two, C[i].golden);
        free(body);
        free(two);
        free(all);
        two = capped(C[i].lang, N_ELEMS(FINAL)); /* exactly the limit: no sentence */
        all = capped(C[i].lang, 1000);
        assert_string_equal(two, all);
        body = body_of(two);
        assert_lacks(body, "CSV");
        free(body);
        free(two);
        free(all);
    }
}

/* n recipients cycling through FINAL, the i-th with a field of (i * 7) % width bytes
 * (its text in *fields, freed by the caller with the array). */
static dl_final_rcpt *long_rows(size_t n, size_t width, char **fields)
{
    dl_final_rcpt *r = calloc(n, sizeof(*r));
    char *f = calloc(n, width);

    assert_non_null(r);
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        r[i] = FINAL[i % N_ELEMS(FINAL)];
        memset(f + i * width, 'a' + (int)(i % 26), (i * 7) % (width - 1));
        r[i].fields = f + i * width;
    }
    *fields = f;
    return r;
}

/* The CSV streamed into base64 a row at a time gives the lines of the whole file
 * encoded at once, whatever the rows' sizes (rows of 1 to 300 bytes, over several
 * flushes). */
static void test_csv_streamed_base64(void **state)
{
    enum { ROWS = 3000 };
    char *fields;
    dl_final_rcpt *r = long_rows(ROWS, 301, &fields);
    dl_final_src src = {ROWS, array_rcpt, r};
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_ACCEPTED);
    dl_sb csv = {0}, want = {0};
    char *mail = NULL;
    size_t len;
    (void)state;

    assert_int_equal(dl_mail_final_src(&ENV, &a, &src, 10, &mail, &len, NULL), 0);
    dl_csv_final(&csv, "fr", r, ROWS);
    dl_mime_base64(&want, csv.s, csv.len);
    assert_int_equal(want.err, 0);
    assert_non_null(strstr(mail, want.s));
    assert_string_equal(strstr(mail, want.s) + want.len, "\r\n--=_smsgw_test.1--\r\n");
    dl_sb_free(&csv);
    dl_sb_free(&want);
    free(mail);
    free(fields);
    free(r);
}

/* The final receipt counted (DL_SB_COUNT), then written into a buffer of exactly that
 * size (DL_SB_FIXED), gives the bytes of the receipt built in the heap; one byte less
 * is -ENOSPC and nothing is written past the buffer. Lists of 1, 7 and 3000 (with long
 * fields: printf pieces over the sink's stack buffer) recipients, capped or not. */
static void final_sinks_case(const dl_final_src *src, size_t max)
{
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_ACCEPTED);
    const char *status = NULL;
    char *mail = NULL, *buf;
    size_t len = 0;
    dl_sb count, fixed;

    assert_int_equal(dl_mail_final_src(&ENV, &a, src, max, &mail, &len, NULL), 0);
    dl_sb_counter(&count);
    assert_int_equal(dl_mail_final_to(&ENV, &a, src, max, &count, &status), 0);
    assert_int_equal(count.len, len);
    assert_string_equal(status, dl_mail_final_status(src->arg, src->n));
    buf = malloc(len + 1);
    assert_non_null(buf);
    buf[len] = 'X';
    dl_sb_fixed(&fixed, buf, len);
    assert_int_equal(dl_mail_final_to(&ENV, &a, src, max, &fixed, NULL), 0);
    assert_int_equal(fixed.len, len);
    assert_memory_equal(buf, mail, len);
    assert_int_equal(buf[len], 'X');
    dl_sb_fixed(&fixed, buf, len - 1);
    assert_int_equal(dl_mail_final_to(&ENV, &a, src, max, &fixed, NULL), -ENOSPC);
    assert_int_equal(buf[len], 'X');
    free(buf);
    free(mail);
}

static void test_final_sinks(void **state)
{
    enum { ROWS = 3000 };
    char *fields;
    dl_final_rcpt *r = long_rows(ROWS, 700, &fields);
    (void)state;

    const dl_final_src one = {1, array_rcpt, (void *)FINAL},
                       seven = {N_ELEMS(FINAL), array_rcpt, (void *)FINAL},
                       many = {ROWS, array_rcpt, r};
    final_sinks_case(&one, 1000);
    final_sinks_case(&seven, 2);
    final_sinks_case(&seven, 1000);
    final_sinks_case(&many, 1000);
    free(fields);
    free(r);
}

/* The sinks' appends: a counter counts what a builder would hold; a fixed buffer takes
 * it exactly, refuses more with -ENOSPC (and ignores what follows), never
 * NUL-terminates. */
static void test_sb_sinks(void **state)
{
    char big[600], buf[16];
    dl_sb grow = {0}, count, fixed;
    (void)state;

    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    dl_sb_counter(&count);
    dl_sb *all[] = {&grow, &count};
    for (size_t i = 0; i < N_ELEMS(all); i++) {
        dl_sb_puts(all[i], "ab");
        dl_sb_putc(all[i], 'c');
        dl_sb_putn(all[i], "de", 2);
        dl_sb_printf(all[i], "%d-%s", 42, big);
    }
    assert_int_equal(grow.err, 0);
    assert_int_equal(count.err, 0);
    assert_int_equal(count.len, grow.len);
    assert_int_equal(count.len, 5 + 3 + sizeof(big) - 1);
    memset(buf, '.', sizeof(buf));
    dl_sb_fixed(&fixed, buf, 10);
    dl_sb_puts(&fixed, "abc");
    dl_sb_printf(&fixed, "%d%s", 12, "xyz");
    assert_int_equal(fixed.err, 0);
    assert_memory_equal(buf, "abc12xyz..", 10);
    dl_sb_printf(&fixed, "%s", "123");
    assert_int_equal(fixed.err, -ENOSPC);
    dl_sb_putc(&fixed, 'q');
    assert_int_equal(fixed.len, 8);
    assert_memory_equal(buf, "abc12xyz......", 14);
    dl_sb_fixed(&fixed, buf, 4);
    dl_sb_printf(&fixed, "%s", big);
    assert_int_equal(fixed.err, -ENOSPC);
    assert_int_equal(fixed.len, 0);
    dl_sb_free(&grow);
}

static void test_final_goldens(void **state)
{
    (void)state;
    final_case("fr", FINAL, N_ELEMS(FINAL), "final_fr.eml", "X-SMSGW-Status: partial\r\n");
    final_case("en", FINAL, N_ELEMS(FINAL), "final_en.eml", "X-SMSGW-Status: partial\r\n");
    final_case("fr", FINAL, 1, "final_delivered_fr.eml", "X-SMSGW-Status: delivered\r\n");
    final_case("fr", FINAL + 1, 3, "final_undelivered_fr.eml", "X-SMSGW-Status: undelivered\r\n");
}

static cm_msg_mo_reply make_reply(const char *lang)
{
    cm_msg_mo_reply mo;

    memset(&mo, 0, sizeof(mo));
    mo.from = "+33601020304";
    mo.to = "ACME";
    mo.text = "Oui, je confirme\nMerci";
    mo.at_ms = T0 + 60000;
    mo.account = "demo";
    mo.submission = "20240601-000123";
    mo.reply_to = "client@example.com";
    mo.lang = (char *)lang;
    return mo;
}

/* An SMS reply mailed to the sender: goldens with and without the original submission,
 * and the addresses that never get one. */
static void test_reply_mail(void **state)
{
    cm_msg_mo_reply mo = make_reply("fr");
    cm_msg_accepted orig = make_acc("fr", CM_ACCEPT_ACCEPTED);
    dl_mail_env env = ENV;
    char *mail = NULL, *body;
    size_t len = 0;
    (void)state;

    assert_int_equal(dl_mail_reply(&ENV, &mo, &orig, "sms.example.net", &mail, &len), 0);
    assert_int_equal(strlen(mail), len);
    check_lines(mail);
    compare_golden(mail, "reply_fr.eml");
    for (const char *const *h =
             (const char *const[]){
                 "X-SMSGW-Status: reply\r\n", "X-SMSGW-Submission: 20240601-000123\r\n",
                 "In-Reply-To: <abc.123@client.example.com>\r\n",
                 "References: <abc.123@client.example.com>\r\n", "Auto-Submitted: auto-replied\r\n",
                 "To: client@example.com\r\n", NULL};
         *h != NULL; h++)
        assert_contains(mail, *h);
    body = body_of(mail);
    assert_contains(body, "Le destinataire +33601020304 a r\xc3\xa9pondu par SMS \xc3\xa0 votre "
                          "message.\n");
    assert_contains(body, "Num\xc3\xa9ro de message : 20240601-000123\n");
    assert_contains(body, "Objet : Rappel RDV \xc3\xa9t\xc3\xa9\n");
    assert_contains(body, "Re\xc3\xa7ue le : 01/06/2024 \xc3\xa0 14:04:22\n");
    assert_contains(body, "Texte de la r\xc3\xa9ponse :\n  Oui, je confirme\n  Merci\n");
    assert_contains(body, "SMS=+33601020304@sms.example.net\n");
    free(body);
    free(mail);
    /* English, the submission forgotten: no subject, no threading, no answer hint */
    mo = make_reply("en");
    assert_int_equal(dl_mail_reply(&ENV, &mo, NULL, NULL, &mail, &len), 0);
    check_lines(mail);
    compare_golden(mail, "reply_en.eml");
    assert_lacks(mail, "In-Reply-To:");
    body = body_of(mail);
    assert_contains(body, "+33601020304 replied by SMS to your message.\n");
    assert_contains(body, "Reply:\n  Oui, je confirme\n  Merci\n");
    assert_lacks(body, "Subject:");
    assert_lacks(body, "write to");
    free(body);
    free(mail);
    /* never to <>, "", the gateway itself or a header injection */
    for (const char *const *to = (const char *const[]){"<>", "", "ACCUSES@sms.example.net",
                                                       "a@b.c\r\nBcc: victim@example.org", NULL};
         *to != NULL; to++) {
        env.to = *to;
        assert_int_equal(dl_mail_reply(&env, &mo, NULL, NULL, &mail, &len), -EINVAL);
    }
    /* what the phone wrote cannot add a header */
    mo.from = "+336\r\nBcc: victim@example.org";
    mo.text = "a\r\nBcc: victim@example.org";
    assert_int_equal(dl_mail_reply(&ENV, &mo, NULL, NULL, &mail, &len), 0);
    check_lines(mail);
    assert_lacks(mail, "\r\nBcc:");
    free(mail);
}

/* The final status is over the recipients the router accepted. */
static void test_final_status(void **state)
{
    static const struct {
        enum dl_outcome o[3];
        size_t n;
        const char *want;
    } C[] = {
        {{DL_OUT_DELIVERED, DL_OUT_DELIVERED}, 2, "delivered"},
        {{DL_OUT_DELIVERED, DL_OUT_REJECTED, DL_OUT_REJECTED}, 3, "delivered"},
        {{DL_OUT_DELIVERED, DL_OUT_BLACKLISTED, DL_OUT_REJECTED}, 3, "partial"},
        {{DL_OUT_DELIVERED, DL_OUT_EXPIRED}, 2, "partial"},
        {{DL_OUT_UNDELIVERED, DL_OUT_REJECTED}, 2, "undelivered"},
        {{DL_OUT_BLACKLISTED}, 1, "undelivered"},
        {{DL_OUT_REJECTED}, 1, "undelivered"},
        {{DL_OUT_DELIVERED}, 0, "undelivered"},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        dl_final_rcpt r[3];
        memset(r, 0, sizeof(r));
        for (size_t j = 0; j < C[i].n; j++)
            r[j].outcome = C[i].o[j];
        assert_string_equal(dl_mail_final_status(r, C[i].n), C[i].want);
    }
}

static void test_header_injection(void **state)
{
    cm_msg_accepted a = make_acc("fr", CM_ACCEPT_ACCEPTED);
    dl_mail_env env = ENV;
    char *mail = NULL;
    size_t len;
    (void)state;

    a.subject = "Hello\r\nBcc: victim@example.org\r\n\r\nbody";
    a.submission = "1\r\nX-Evil: 1";
    a.message_id = "id@x\r\nBcc: victim@example.org";
    assert_int_equal(dl_mail_acceptance(&env, &a, &mail, &len), 0);
    check_lines(mail);
    assert_null(strstr(mail, "\r\nBcc:"));
    assert_null(strstr(mail, "\r\nX-Evil:"));
    assert_null(strstr(mail, "In-Reply-To:")); /* an unusable Message-ID is not echoed */
    free(mail);
    /* a reply-to with CR/LF is refused, as are <>, "" and the gateway itself */
    env.to = "a@b.c\r\nBcc: victim@example.org";
    assert_int_equal(dl_mail_acceptance(&env, &a, &mail, &len), -EINVAL);
    env.to = "<>";
    assert_int_equal(dl_mail_final(&env, &a, FINAL, 1, &mail, &len), -EINVAL);
    env.to = "";
    assert_int_equal(dl_mail_acceptance(&env, &a, &mail, &len), -EINVAL);
    env.to = "ACCUSES@sms.example.net";
    assert_int_equal(dl_mail_acceptance(&env, &a, &mail, &len), -EINVAL);
}

static void test_rcpt_rules(void **state)
{
    static const struct {
        const char *addr;
        int ok;
    } C[] = {
        {"client@example.com", 1},
        {"a.b+c@sub.example.com", 1},
        {"", 0},
        {"<>", 0},
        {"client", 0},
        {"@example.com", 0},
        {"client@", 0},
        {"a@b@c", 0},
        {"a b@example.com", 0},
        {"<a@example.com>", 0},
        {"a@example.com,b@x.y", 0},
        {"a@ex\tample.com", 0},
        {"é@example.com", 0},
        {"accuses@sms.example.net", 0},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        print_message("rcpt \"%s\"\n", C[i].addr);
        assert_int_equal(dl_mime_rcpt_ok(C[i].addr, "accuses@sms.example.net"), C[i].ok);
    }
    assert_int_equal(dl_mime_rcpt_ok(NULL, NULL), 0);
}

static void test_long_subject_encoded(void **state)
{
    char subject[600];
    dl_sb b = {0};
    (void)state;

    for (size_t i = 0; i + 2 < sizeof(subject); i += 2)
        memcpy(subject + i, "\xc3\xa9", 2); /* é: must never be split */
    subject[sizeof(subject) - 2] = '\0';
    dl_mime_header_text(&b, "Subject", subject);
    assert_int_equal(b.err, 0);
    check_lines(b.s);
    assert_non_null(strstr(b.s, "Subject: =?UTF-8?B?"));
    dl_sb_free(&b);
    dl_mime_header_text(&b, "Subject", "plain ascii");
    assert_string_equal(b.s, "Subject: plain ascii\r\n");
    dl_sb_free(&b);
    dl_mime_header_text(&b, "Subject", "é");
    assert_string_equal(b.s, "Subject: =?UTF-8?B?w6k=?=\r\n");
    dl_sb_free(&b);
}

static void test_quoted_printable(void **state)
{
    char line[300];
    dl_sb b = {0};
    (void)state;

    dl_mime_qp(&b, "a=b \nc\t\n\xc3\xa9t\xc3\xa9");
    assert_string_equal(b.s, "a=3Db=20\r\nc=09\r\n=C3=A9t=C3=A9\r\n");
    dl_sb_free(&b);
    memset(line, 'x', sizeof(line));
    line[sizeof(line) - 1] = '\0';
    line[100] = '=';
    dl_mime_qp(&b, line);
    check_lines(b.s);
    dl_sb_free(&b);
}

static void test_paris_time(void **state)
{
    static const struct {
        uint64_t s;
        const char *fr;
        int off;
    } C[] = {
        {1711846799, "31/03/2024 \xc3\xa0 01:59:59", 60},  /* 00:59:59 UTC, last CET second */
        {1711846800, "31/03/2024 \xc3\xa0 03:00:00", 120}, /* 01:00 UTC: CEST */
        {1729990799, "27/10/2024 \xc3\xa0 02:59:59", 120}, /* 00:59:59 UTC, last CEST second */
        {1729990800, "27/10/2024 \xc3\xa0 02:00:00", 60},  /* 01:00 UTC: CET again */
        {1704067200, "01/01/2024 \xc3\xa0 01:00:00", 60},
        {1717243402, "01/06/2024 \xc3\xa0 14:03:22", 120},
    };
    char buf[64];
    struct tm tm;
    int off;
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        dl_time_human(C[i].s * 1000, "fr", buf, sizeof(buf));
        assert_string_equal(buf, C[i].fr);
        dl_time_paris(C[i].s * 1000, &tm, &off);
        assert_int_equal(off, C[i].off);
    }
    dl_time_rfc5322(1717243402000ull, buf, sizeof(buf));
    assert_string_equal(buf, "Sat, 01 Jun 2024 14:03:22 +0200");
    dl_time_human(1717243402000ull, "en", buf, sizeof(buf));
    assert_string_equal(buf, "2024-06-01 14:03:22 (Paris time)");
}

static void test_csv_quoting(void **state)
{
    dl_final_rcpt r[2] = {FINAL[4], FINAL[5]}; /* reasons as codes: worded */
    dl_sb b = {0};
    (void)state;

    r[0].number = "=HYPERLINK(\"http://x\")";
    r[0].fields = "NOM=a;b\tPRENOM=\"c\"";
    r[1].number = "+33601020306";
    r[1].fields = "REFCLIENT=-1";
    dl_csv_final(&b, "fr", r, 2);
    assert_int_equal(b.err, 0);
    assert_string_equal(b.s,
                        "\xef\xbb\xbfnumber;fields;status;time;reason;parts\r\n"
                        "\"'=HYPERLINK(\"\"http://x\"\")\";\"NOM=a;b, PRENOM=\"\"c\"\"\";"
                        "rejected;;num\xc3\xa9ro invalide;0\r\n"
                        "+33601020306;REFCLIENT=-1;blacklisted;;liste d'opposition (STOP);0\r\n");
    dl_sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acceptance_goldens),
        cmocka_unit_test(test_final_goldens),
        cmocka_unit_test(test_final_list_max),
        cmocka_unit_test(test_csv_streamed_base64),
        cmocka_unit_test(test_reason_codes_in_words),
        cmocka_unit_test(test_final_reason_words),
        cmocka_unit_test(test_encoding_diagnostics),
        cmocka_unit_test(test_planned_times),
        cmocka_unit_test(test_dry_run_preview),
        cmocka_unit_test(test_reply_mail),
        cmocka_unit_test(test_final_status),
        cmocka_unit_test(test_header_injection),
        cmocka_unit_test(test_rcpt_rules),
        cmocka_unit_test(test_long_subject_encoded),
        cmocka_unit_test(test_quoted_printable),
        cmocka_unit_test(test_paris_time),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_final_sinks),
        cmocka_unit_test(test_sb_sinks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
