/* Unit tests for dl_mail / dl_mime / dl_time: golden acceptance and final receipts in
 * French and English (tests/unit/data/dlr/NAME.eml, compared after replacing the Date:
 * and Message-ID: lines; SMSGW_UPDATE_GOLDEN=1 rewrites them), header injection,
 * RFC 2047 subjects, quoted-printable line lengths, receipt address rules, and the
 * Europe/Paris summer-time rule. */
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

static struct cm_wire_recipient RCPTS[] = {
    {101, "+33601020304", 0, CM_RCPT_QUEUED, "", "NOM=Dupont\tPRENOM=Jean", 1},
    {102, "+33601020305", 0, CM_RCPT_QUEUED, "", "REFCLIENT=A-17", 2},
    {103, "+33601020307", 0, CM_RCPT_QUEUED, "", "", 1},
    {104, "+33601020308", 0, CM_RCPT_QUEUED, "", "", 1},
    {0, "0801020304", 3, CM_RCPT_REJECTED, "numéro invalide", "NOM=Martin", 0},
    {0, "+33601020306", 4, CM_RCPT_BLACKLISTED, "", "", 0},
};

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
    a.reason = status == CM_ACCEPT_REJECTED ? "aucun destinataire valide" : "";
    a.encoding = "GSM 7-bit";
    a.parts = 1;
    a.text = "Bonjour Jean,\nvotre RDV est demain à 9h.";
    a.send_at_ms = status == CM_ACCEPT_ACCEPTED ? T0 + 86400000ull : 0;
    a.expires_ms = T0 + 172800000ull;
    a.recipients = RCPTS;
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
    {"0801020304", "NOM=Martin", 3, 0, DL_OUT_REJECTED, DL_STAT_NONE, "", 0, "numéro invalide", 0},
    {"+33601020306", "", 4, 0, DL_OUT_BLACKLISTED, DL_STAT_NONE, "", 0, "", 0},
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

static void acceptance_case(const char *lang, uint8_t status, const char *golden)
{
    cm_msg_accepted a = make_acc(lang, status);
    char *mail = NULL;
    size_t len = 0;

    assert_int_equal(dl_mail_acceptance(&ENV, &a, &mail, &len), 0);
    assert_int_equal(strlen(mail), len);
    check_lines(mail);
    compare_golden(mail, golden);
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
    acceptance_case("en", CM_ACCEPT_DUPLICATE, "duplicate_en.eml");
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

static void test_final_goldens(void **state)
{
    (void)state;
    final_case("fr", FINAL, N_ELEMS(FINAL), "final_fr.eml", "X-SMSGW-Status: partial\r\n");
    final_case("en", FINAL, N_ELEMS(FINAL), "final_en.eml", "X-SMSGW-Status: partial\r\n");
    final_case("fr", FINAL, 1, "final_delivered_fr.eml", "X-SMSGW-Status: delivered\r\n");
    final_case("fr", FINAL + 1, 3, "final_undelivered_fr.eml", "X-SMSGW-Status: undelivered\r\n");
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
    dl_final_rcpt r[2] = {FINAL[4], FINAL[5]};
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
        cmocka_unit_test(test_acceptance_goldens),   cmocka_unit_test(test_final_goldens),
        cmocka_unit_test(test_header_injection),     cmocka_unit_test(test_rcpt_rules),
        cmocka_unit_test(test_long_subject_encoded), cmocka_unit_test(test_quoted_printable),
        cmocka_unit_test(test_paris_time),           cmocka_unit_test(test_csv_quoting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
