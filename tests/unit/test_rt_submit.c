/* Unit tests of rt_submit_build: one row per kind of email (modes, rejections,
 * personalisation, dry run, limits, options, scheduling, quiet hours, duplicates),
 * each checking the SMTP reply, the acceptance status and reason, the recipients and
 * the jobs produced. "now" is fixed per row. */
#include "rt_submit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* 2026-12-01 (a Tuesday) 10:00 Paris = 09:00 UTC; 22:30 Paris = 21:30 UTC. */
#define TUE_10H 1796115600000ULL
#define TUE_2230 (TUE_10H + 45000000ULL)
#define WED_08H (TUE_10H + 79200000ULL)

typedef struct {
    const char *name, *from, *rcpt, *subject, *text, *liste;
    const char *liste_name; /* NULL: liste.txt */
    const char *header;     /* "Name: value" of one optional header */
    uint64_t now;           /* 0: TUE_10H */
    const char *dup;        /* an earlier submission with the same Message-ID */
    int code;               /* SMTP reply */
    int status;             /* enum cm_accept_status, 0 = no event */
    const char *reason;     /* acceptance reason (prefix) */
    size_t recipients, jobs;
    const char *rcpt_states;  /* one letter per recipient: Q queued, R rejected */
    const char *first_reason; /* reason of the first rejected recipient */
    const char *rendered;     /* accepted.text */
    int coding, parts;
    uint64_t send_at; /* accepted.send_at_ms */
    const char *ucs2_chars;
    const char *shown; /* recipients[0].text (dry run) */
    int spf;           /* enum cm_auth_result of the email */
} row;

static const row rows[] = {
    {"single", "compta@acme.test", "SMS=0601020304@sms.test", "RDV",
     "Bonjour, votre RDV est confirmé demain 10h", .code = 250, .status = CM_ACCEPT_ACCEPTED,
     .reason = "", .recipients = 1, .jobs = 1, .rcpt_states = "Q",
     .rendered = "Bonjour, votre RDV est confirmé demain 10h", .parts = 1},
    {"unauthorised", "someone@else.test", "SMS=0601020304@sms.test", "", "x", .code = 550},
    {"denied in domain", "intern@acme.test", "SMS=0601020304@sms.test", "", "x", .code = 550},
    {"spf required, none", "a@strict.test", "SMS=0601020304@sms.test", "", "x", .code = 550},
    {"spf required, pass", "a@strict.test", "SMS=0601020304@sms.test", "", "x", .spf = 1,
     .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1,
     .rcpt_states = "Q", .parts = 1},
    {"spf required, temporary error", "a@strict.test", "SMS=0601020304@sms.test", "", "x", .spf = 3,
     .code = 451},
    {"no body", "compta@acme.test", "SMS=0601020304@sms.test", "", "", .code = 250,
     .status = CM_ACCEPT_REJECTED, .reason = "no_body", .recipients = 1, .rcpt_states = "Q"},
    {"bad number", "compta@acme.test", "SMS=06010@sms.test", "", "x", .code = 250,
     .status = CM_ACCEPT_REJECTED, .reason = "no_valid_recipient", .recipients = 1,
     .rcpt_states = "R", .first_reason = "invalid_number"},
    {"not an SMS address", "compta@acme.test", "hello@sms.test", "", "x", .code = 250,
     .status = CM_ACCEPT_REJECTED, .reason = "to_field", .rcpt_states = ""},
    {"multi without list", "compta@acme.test", "multi@sms.test", "", "x", .code = 250,
     .status = CM_ACCEPT_REJECTED, .reason = "multi_no_list", .rcpt_states = ""},
    {"multi list", "compta@acme.test", "MULTI@sms.test", "Promo @NOM@", "Bonjour @PRENOM@ @NOM@",
     "SMS=0601020304#NOM=Dupont#PRENOM=Jean\r\n\r\nFAX=0102030405\r\nSMS=06 01 02 03 04\r\n"
     "SMS=07.01.02.03.04#NOM=Martin\r\nSMS=123\r\n",
     .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 5, .jobs = 2,
     .rcpt_states = "QRRQR", .first_reason = "media_not_offered", .rendered = "Bonjour Jean Dupont",
     .parts = 1},
    {"multi list as CSV", "compta@acme.test", "multi@sms.test", "", "Bonjour @NOM@",
     "Numero;Nom\r\n0601020304;Durand\r\n06;X\r\n", .liste_name = "Liste.csv", .code = 250,
     .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 2, .jobs = 1, .rcpt_states = "QR",
     .first_reason = "invalid_number", .rendered = "Bonjour Durand", .parts = 1},
    {"CSV without a number column", "compta@acme.test", "multi@sms.test", "", "x",
     "Nom;Prenom\r\nDurand;Jean\r\n", .liste_name = "LISTE.CSV", .code = 250,
     .status = CM_ACCEPT_REJECTED, .reason = "bad_list:LISTE.CSV:", .rcpt_states = ""},
    {"multi_sms list", "compta@acme.test", "multi_sms@sms.test", "", "Salut",
     "0601020304\n+447911123456\n", .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "",
     .recipients = 2, .jobs = 1, .rcpt_states = "QR", .first_reason = "no_route",
     .rendered = "Salut", .parts = 1},
    {"dry run", "compta@acme.test", "SMS=0601020304#NOM=Lee@sms.test", "[TEST] essai",
     "Hello @NOM@", .code = 250, .status = CM_ACCEPT_DRY_RUN, .reason = "", .recipients = 1,
     .rcpt_states = "Q", .rendered = "Hello Lee", .parts = 1, .shown = "Hello Lee"},
    {"too long", "boss@short.test", "SMS=0601020304@sms.test", "", "0123456789012345678901",
     .code = 250, .status = CM_ACCEPT_REJECTED, .reason = "no_valid_recipient", .recipients = 1,
     .rcpt_states = "R", .first_reason = "text_too_long:22:20", .parts = 1},
    {"ucs2 two parts", "compta@acme.test", "SMS=0601020304@sms.test", "",
     "Привет! Привет! Привет! Привет! Привет! Привет! Привет! Привет! Привет!", .code = 250,
     .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1, .rcpt_states = "Q",
     .coding = 8, .parts = 2, .ucs2_chars = "Привет"},
    {"ucs2 diagnostics", "compta@acme.test", "SMS=0601020304@sms.test", "", "Prix – 10 €",
     .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1,
     .rcpt_states = "Q", .coding = 8, .parts = 1, .ucs2_chars = "–"},
    {"commercial: transliterated, STOP mention, deferred", "shop@promo.test",
     "SMS=0601020304@sms.test", "", "Soldes d’été", .now = TUE_2230, .code = 250,
     .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1, .rcpt_states = "Q",
     .rendered = "Soldes d'été STOP au 36105", .parts = 1, .send_at = WED_08H},
    {"commercial in hours", "shop@promo.test", "SMS=0601020304@sms.test", "", "Stop: fin",
     .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1,
     .rcpt_states = "Q", .rendered = "Stop: fin", .parts = 1},
    {"transactional header overrides", "shop@promo.test", "SMS=0601020304@sms.test", "", "Code 1",
     .header = "X-SMS-Category: transactional", .now = TUE_2230, .code = 250,
     .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1, .rcpt_states = "Q",
     .rendered = "Code 1", .parts = 1},
    {"scheduled by header", "compta@acme.test", "SMS=0601020304@sms.test", "", "Later",
     .header = "X-SMS-Send-At: 2026-12-01T11:00:00+01:00", .code = 250,
     .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1, .rcpt_states = "Q",
     .rendered = "Later", .parts = 1, .send_at = TUE_10H + 3600000},
    {"bad send-at header", "compta@acme.test", "SMS=0601020304@sms.test", "", "x",
     .header = "X-SMS-Send-At: tomorrow", .code = 250, .status = CM_ACCEPT_REJECTED,
     .reason = "bad_send_at", .recipients = 1, .rcpt_states = "Q"},
    {"scheduled by DATE field", "compta@acme.test", "SMS=0601020304#DATE=202612011200@sms.test", "",
     "Noon", .code = 250, .status = CM_ACCEPT_ACCEPTED, .reason = "", .recipients = 1, .jobs = 1,
     .rcpt_states = "Q", .rendered = "Noon", .parts = 1, .send_at = TUE_10H + 7200000},
    {"bad DATE field", "compta@acme.test", "SMS=0601020304#DATE=20261301@sms.test", "", "x",
     .code = 250, .status = CM_ACCEPT_REJECTED, .reason = "no_valid_recipient", .recipients = 1,
     .rcpt_states = "R", .first_reason = "bad_date"},
    {"duplicate Message-ID", "compta@acme.test", "SMS=0601020304@sms.test", "", "again",
     .dup = "000042", .code = 250, .status = CM_ACCEPT_DUPLICATE, .reason = "duplicate_of:000042",
     .recipients = 1, .rcpt_states = "Q", .rendered = "again", .parts = 1},
};

static void header_of(const row *r, cm_msg_submit *m)
{
    if (!r->header) return;
    const char *v = strchr(r->header, ':') + 2;
    if (strncmp(r->header, "X-SMS-Category", 14) == 0) m->category = (char *)v;
    if (strncmp(r->header, "X-SMS-Send-At", 13) == 0) m->send_at = (char *)v;
}

/* What the job sink saw (the first jobs of a submission). */
typedef struct {
    size_t n;
    uint64_t next_id;
    struct {
        uint64_t id, expires_ms, release_ms;
        int coding, parts, source_ton;
        char dest[20], source[16];
    } jobs[8];
} sink;

static int collect_job(void *arg, cm_msg_job *job, uint64_t release_ms)
{
    sink *k = arg;
    job->job_id = k->next_id++;
    if (k->n < 8) {
        k->jobs[k->n].id = job->job_id;
        k->jobs[k->n].expires_ms = job->expires_ms;
        k->jobs[k->n].release_ms = release_ms;
        k->jobs[k->n].coding = job->coding;
        k->jobs[k->n].parts = (int)job->part_ends.n;
        k->jobs[k->n].source_ton = job->source_ton;
        snprintf(k->jobs[k->n].dest, sizeof k->jobs[k->n].dest, "%s", job->dest);
        snprintf(k->jobs[k->n].source, sizeof k->jobs[k->n].source, "%s", job->source);
    }
    k->n++;
    return 0;
}

static void check_event(const row *r, const rt_submission *s, const sink *k, uint64_t now)
{
    const cm_msg_accepted *a = &s->accepted;
    assert_int_equal(a->status, r->status);
    assert_memory_equal(a->reason, r->reason, strlen(r->reason));
    assert_int_equal(a->recipients_n, r->recipients);
    assert_int_equal(s->n_jobs, r->jobs);
    assert_int_equal(k->n, r->jobs);
    for (size_t i = 0; i < a->recipients_n; i++)
        assert_int_equal(a->recipients[i].state,
                         r->rcpt_states[i] == 'Q' ? CM_RCPT_QUEUED : CM_RCPT_REJECTED);
    for (size_t i = 0; r->first_reason && i < a->recipients_n; i++)
        if (a->recipients[i].state == CM_RCPT_REJECTED) {
            assert_string_equal(a->recipients[i].reason, r->first_reason);
            break;
        }
    if (r->rendered) assert_string_equal(a->text, r->rendered);
    if (r->parts) assert_int_equal(a->parts, r->parts);
    if (r->parts) assert_string_equal(a->encoding, r->coding == 8 ? "UCS-2" : "GSM 7-bit");
    assert_true(a->send_at_ms == r->send_at);
    assert_string_equal(a->ucs2_chars, r->ucs2_chars ? r->ucs2_chars : "");
    if (r->shown) assert_string_equal(a->recipients[0].text, r->shown);
    if (r->jobs) {
        assert_int_equal(k->jobs[0].coding, r->coding);
        assert_int_equal(k->jobs[0].parts, r->parts);
        assert_true(k->jobs[0].expires_ms == (r->send_at ? r->send_at : now) + 3600 * 1000);
        assert_true(k->jobs[0].release_ms == (r->send_at ? r->send_at : now));
    }
}

static void run_row(const row *r, const rt_submit_env *base)
{
    char *rcpt[] = {(char *)r->rcpt};
    struct cm_wire_attachment att = {(char *)(r->liste_name ? r->liste_name : "liste.txt"),
                                     {(uint8_t *)r->liste, r->liste ? strlen(r->liste) : 0}};
    cm_msg_submit m = {.id = "00",
                       .mail_from = (char *)r->from,
                       .rcpts = {rcpt, 1},
                       .subject = (char *)r->subject,
                       .text = (char *)r->text,
                       .message_id = "",
                       .auto_submitted = "",
                       .category = "",
                       .send_at = "",
                       .auth_user = "",
                       .attachments = r->liste ? &att : NULL,
                       .attachments_n = r->liste ? 1 : 0};
    rt_submit_env env = *base;
    sink k = {.next_id = 1};
    env.job_sink = collect_job;
    env.job_arg = &k;
    header_of(r, &m);
    m.spf = (uint8_t)r->spf;
    env.now_ms = r->now ? r->now : TUE_10H;
    env.dup_submission = r->dup;
    env.dup_at_ms = env.now_ms - 1000;
    rt_submission s;
    assert_int_equal(rt_submit_build(&env, &m, &s), 0);
    assert_int_equal(s.reply.smtp_code, r->code);
    assert_int_equal(s.has_event, r->status != 0);
    if (r->status) check_event(r, &s, &k, env.now_ms);
    rt_submission_free(&s);
}

typedef struct {
    cm_config *cfg;
    cm_accounts *acc;
    cm_calendar_policy quiet;
    rt_submit_env env;
} fixture;

static int setup(void **state)
{
    static fixture f;
    char err[256];
    assert_int_equal(cm_config_load(SMSGW_TEST_DATA "/router/router.conf", &f.cfg, err, sizeof err),
                     0);
    assert_int_equal(cm_accounts_create(f.cfg, &f.acc, err, sizeof err), 0);
    assert_int_equal(cm_config_quiet_policy(f.cfg, &f.quiet), 0);
    f.env = (rt_submit_env){f.cfg, f.acc, &f.quiet, TUE_10H, NULL, 0};
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cm_accounts_free(f->acc);
    cm_config_free(f->cfg);
    return 0;
}

static void decisions(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        print_message("row: %s\n", rows[i].name);
        run_row(&rows[i], &f->env);
    }
}

static void numbering(void **state)
{
    fixture *f = *state;
    char *rcpt[] = {"SMS=0601020304@sms.test", "SMS=0701020304#REFCLIENT=9@sms.test"};
    cm_msg_submit m = {.id = "00",
                       .mail_from = "a@acme.test",
                       .rcpts = {rcpt, 2},
                       .subject = "s",
                       .text = "t",
                       .message_id = "",
                       .auto_submitted = "",
                       .category = "",
                       .send_at = "",
                       .auth_user = ""};
    rt_submission s;
    sink k = {.next_id = 41};
    rt_submit_env env = f->env;
    env.job_sink = collect_job;
    env.job_arg = &k;
    assert_int_equal(rt_submit_build(&env, &m, &s), 0);
    rt_submission_number(&s, "000007");
    assert_string_equal(s.reply.text, "message received as submission 000007");
    assert_string_equal(s.accepted.submission, "000007");
    assert_true(k.jobs[1].id == 42 && s.accepted.recipients[1].job_id == 42);
    assert_string_equal(k.jobs[1].dest, "33701020304");
    assert_string_equal(s.accepted.recipients[1].fields, "REFCLIENT=9");
    assert_string_equal(k.jobs[0].source, "ACME");
    assert_int_equal(k.jobs[0].source_ton, 5);
    assert_true(s.accepted.recipients[1].send_at_ms == 0);
    rt_submission_free(&s);
}

static int failing_sink(void *arg, cm_msg_job *job, uint64_t release_ms)
{
    return -ENOSPC;
}

static void sink_failure_fails_the_build(void **state)
{
    fixture *f = *state;
    char *rcpt[] = {"SMS=0601020304@sms.test"};
    cm_msg_submit m = {.id = "00",
                       .mail_from = "a@acme.test",
                       .rcpts = {rcpt, 1},
                       .subject = "s",
                       .text = "t",
                       .message_id = "",
                       .auto_submitted = "",
                       .category = "",
                       .send_at = "",
                       .auth_user = ""};
    rt_submission s;
    rt_submit_env env = f->env;
    env.job_sink = failing_sink;
    assert_int_equal(rt_submit_build(&env, &m, &s), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decisions),
        cmocka_unit_test(numbering),
        cmocka_unit_test(sink_failure_fails_the_build),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
