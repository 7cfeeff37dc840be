/* Unit tests of rt_submit_build: one row per kind of email (modes, rejections,
 * personalisation, dry run, limits), each checking the SMTP reply, the acceptance
 * status and reason, and the recipients and jobs produced. */
#include "rt_submit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    const char *name, *from, *rcpt, *subject, *text, *liste, *auto_submitted;
    int code;           /* SMTP reply */
    int status;         /* enum cm_accept_status, 0 = no event */
    const char *reason; /* acceptance reason */
    size_t recipients, jobs;
    const char *rcpt_states;  /* one letter per recipient: Q queued, R rejected */
    const char *first_reason; /* reason of the first rejected recipient */
    const char *job0_dest, *rendered;
    int coding, parts;
    const char *reply_to;
} row;

static const char long_text[] = "0123456789012345678901"; /* 22 > 20 of account "short" */

static const row rows[] = {
    {"single", "compta@acme.test", "SMS=0601020304@sms.test", "RDV",
     "Bonjour, votre RDV est confirmé demain 10h", NULL, NULL, 250, CM_ACCEPT_ACCEPTED, "", 1, 1,
     "Q", NULL, "33601020304", "Bonjour, votre RDV est confirmé demain 10h", 0, 1,
     "compta@acme.test"},
    {"unauthorised", "someone@else.test", "SMS=0601020304@sms.test", "", "x", NULL, NULL, 550, 0},
    {"denied in domain", "intern@acme.test", "SMS=0601020304@sms.test", "", "x", NULL, NULL, 550,
     0},
    {"no body", "compta@acme.test", "SMS=0601020304@sms.test", "", "", NULL, NULL, 250,
     CM_ACCEPT_REJECTED, "no message body", 1, 0, "Q"},
    {"bad number", "compta@acme.test", "SMS=06010@sms.test", "", "x", NULL, NULL, 250,
     CM_ACCEPT_REJECTED, "no valid recipient", 1, 0, "R", "invalid number"},
    {"not an SMS address", "compta@acme.test", "hello@sms.test", "", "x", NULL, NULL, 250,
     CM_ACCEPT_REJECTED, "error in the To field", 0, 0, ""},
    {"multi without list", "compta@acme.test", "multi@sms.test", "", "x", NULL, NULL, 250,
     CM_ACCEPT_REJECTED, "multi submission without LISTE.TXT attachment", 0, 0, ""},
    {"multi list", "compta@acme.test", "MULTI@sms.test", "Promo @NOM@", "Bonjour @PRENOM@ @NOM@",
     "SMS=0601020304#NOM=Dupont#PRENOM=Jean\r\n\r\nFAX=0102030405\r\nSMS=06 01 02 03 04\r\n"
     "SMS=07.01.02.03.04#NOM=Martin\r\nSMS=123\r\n",
     NULL, 250, CM_ACCEPT_ACCEPTED, "", 5, 2, "QRRQR", "media not offered", "33601020304",
     "Bonjour Jean Dupont", 0, 1},
    {"multi_sms list", "compta@acme.test", "multi_sms@sms.test", "", "Salut",
     "0601020304\n+447911123456\n", NULL, 250, CM_ACCEPT_ACCEPTED, "", 2, 1, "QR",
     "no route to this number", "33601020304", "Salut", 0, 1},
    {"dry run", "compta@acme.test", "SMS=0601020304@sms.test", "[TEST] essai", "Hello", NULL, NULL,
     250, CM_ACCEPT_DRY_RUN, "", 1, 0, "Q", NULL, NULL, "Hello", 0, 1},
    {"too long", "boss@short.test", "SMS=0601020304@sms.test", "", long_text, NULL, NULL, 250,
     CM_ACCEPT_REJECTED, "no valid recipient", 1, 0, "R",
     "text too long: 22 characters (maximum 20)"},
    {"ucs2 two parts", "compta@acme.test", "SMS=0601020304@sms.test", "",
     "Привет! Привет! Привет! Привет! Привет! Привет! Привет! Привет! Привет!", NULL, NULL, 250,
     CM_ACCEPT_ACCEPTED, "", 1, 1, "Q", NULL, "33601020304", NULL, 8, 2, "compta@acme.test"},
    {"auto-submitted", "compta@acme.test", "SMS=0601020304@sms.test", "", "x", NULL, "auto-replied",
     250, CM_ACCEPT_ACCEPTED, "", 1, 1, "Q", NULL, "33601020304", "x", 0, 1, ""},
};

static void run_row(const row *r, const cm_config *cfg, const cm_accounts *acc)
{
    char *rcpt[] = {(char *)r->rcpt};
    struct cm_wire_attachment att = {"liste.txt",
                                     {(uint8_t *)r->liste, r->liste ? strlen(r->liste) : 0}};
    cm_msg_submit m = {.id = "00",
                       .mail_from = (char *)r->from,
                       .rcpts = {rcpt, 1},
                       .subject = (char *)r->subject,
                       .text = (char *)r->text,
                       .message_id = "",
                       .auto_submitted = (char *)(r->auto_submitted ? r->auto_submitted : ""),
                       .attachments = r->liste ? &att : NULL,
                       .attachments_n = r->liste ? 1 : 0};
    rt_submission s;
    assert_int_equal(rt_submit_build(cfg, acc, &m, 1000, &s), 0);
    assert_int_equal(s.reply.smtp_code, r->code);
    assert_int_equal(s.has_event, r->status != 0);
    if (r->status) {
        const cm_msg_accepted *a = &s.accepted;
        assert_int_equal(a->status, r->status);
        assert_string_equal(a->reason, r->reason);
        assert_int_equal(a->recipients_n, r->recipients);
        assert_int_equal(s.n_jobs, r->jobs);
        for (size_t i = 0; i < a->recipients_n; i++)
            assert_int_equal(a->recipients[i].state,
                             r->rcpt_states[i] == 'Q' ? CM_RCPT_QUEUED : CM_RCPT_REJECTED);
        for (size_t i = 0; r->first_reason && i < a->recipients_n; i++)
            if (a->recipients[i].state == CM_RCPT_REJECTED) {
                assert_string_equal(a->recipients[i].reason, r->first_reason);
                break;
            }
        if (r->job0_dest) assert_string_equal(s.jobs[0].dest, r->job0_dest);
        if (r->rendered) assert_string_equal(a->text, r->rendered);
        if (r->jobs) {
            assert_int_equal(s.jobs[0].coding, r->coding);
            assert_int_equal(s.jobs[0].part_ends.n, r->parts);
            assert_int_equal(a->expires_ms, 1000 + 3600 * 1000);
        }
        if (r->reply_to) assert_string_equal(a->reply_to, r->reply_to);
    }
    rt_submission_free(&s);
}

static void decisions(void **state)
{
    cm_config *cfg;
    cm_accounts *acc;
    char err[256];
    assert_int_equal(cm_config_load(SMSGW_TEST_DATA "/router/router.conf", &cfg, err, sizeof err),
                     0);
    assert_int_equal(cm_accounts_create(cfg, &acc, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        print_message("row: %s\n", rows[i].name);
        run_row(&rows[i], cfg, acc);
    }
    cm_accounts_free(acc);
    cm_config_free(cfg);
}

static void numbering(void **state)
{
    cm_config *cfg;
    cm_accounts *acc;
    char err[256], *rcpt[] = {"SMS=0601020304@sms.test", "SMS=0701020304#REFCLIENT=9@sms.test"};
    assert_int_equal(cm_config_load(SMSGW_TEST_DATA "/router/router.conf", &cfg, err, sizeof err),
                     0);
    assert_int_equal(cm_accounts_create(cfg, &acc, err, sizeof err), 0);
    cm_msg_submit m = {.id = "00",
                       .mail_from = "a@acme.test",
                       .rcpts = {rcpt, 2},
                       .subject = "s",
                       .text = "t",
                       .message_id = "",
                       .auto_submitted = ""};
    rt_submission s;
    assert_int_equal(rt_submit_build(cfg, acc, &m, 0, &s), 0);
    rt_submission_number(&s, "000007", 41);
    assert_string_equal(s.reply.text, "message accepted as submission 000007");
    assert_string_equal(s.accepted.submission, "000007");
    assert_true(s.jobs[1].job_id == 42 && s.accepted.recipients[1].job_id == 42);
    assert_string_equal(s.jobs[1].submission, "000007");
    assert_string_equal(s.accepted.recipients[1].fields, "REFCLIENT=9");
    assert_string_equal(s.jobs[0].source, "ACME");
    assert_int_equal(s.jobs[0].source_ton, 5);
    rt_submission_free(&s);
    cm_accounts_free(acc);
    cm_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decisions),
        cmocka_unit_test(numbering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
