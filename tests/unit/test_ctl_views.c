/* Unit tests of smsgwctl's read-only views (smsgw_ctl_core): the formatting helpers,
 * the Prometheus text reader, the age and minute slots, and, on a dlr store written
 * here with dlr's own encoders, the exact output of `billing`, `show`, `search` and
 * the status page (escaping, chart bars, recent submissions). */
#include "cm_store.h"
#include "cm_wire.h"
#include "ctl.h"
#include "ctl_cmds.h"
#include "ctl_fmt.h"
#include "ctl_history.h"
#include "ctl_page.h"
#include "ctl_prom.h"
#include "ctl_state.h"
#include "dl_mail.h"
#include "dl_rec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static void fields_csv_age(void **state)
{
    static const struct {
        const char *fields, *name, *want;
    } F[] = {{"REFCLIENT=R1\tFACTURATION=F 2", "FACTURATION", "F 2"},
             {"REFCLIENT=R1\tFACTURATION=F2", "REFCLIENT", "R1"},
             {"REFCLIENTX=1\tREFCLIENT=", "REFCLIENT", ""},
             {"", "REFCLIENT", ""},
             {"NOM=a=b", "NOM", "a=b"}};
    char v[64];
    for (size_t i = 0; i < sizeof F / sizeof *F; i++)
        assert_string_equal(ctl_fmt_field(F[i].fields, F[i].name, v, sizeof v), F[i].want);
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ctl_fmt_csv(f, "plain");
    fputc('|', f);
    ctl_fmt_csv(f, "a,b");
    fputc('|', f);
    ctl_fmt_csv(f, "say \"hi\"\n");
    fclose(f);
    assert_string_equal(buf, "plain|\"a,b\"|\"say \"\"hi\"\"\n\"");
    free(buf);
    static const struct {
        uint64_t ms;
        const char *want;
    } A[] = {{0, "0s"}, {59999, "59s"}, {60000, "1m00s"}, {3723000, "1h02m"}, {90000000, "1d01h"}};
    for (size_t i = 0; i < sizeof A / sizeof *A; i++)
        assert_string_equal(ctl_fmt_age(A[i].ms, v, sizeof v), A[i].want);
}

static void prom_reader(void **state)
{
    const char *t = "# HELP smsgw_egress_binds Binds\n# TYPE smsgw_egress_binds gauge\n"
                    "smsgw_egress_binds{operator=\"o\",state=\"up\"} 2\n"
                    "smsgw_egress_binds{operator=\"o\",state=\"down\"} 1\n"
                    "smsgw_egress_binds_total 9\n"
                    "smsgw_x 1.5\n";
    double v = 0;
    assert_int_equal(ctl_prom_value(t, "smsgw_egress_binds", "state=\"down\"", &v), 1);
    assert_true(v == 1);
    assert_true(ctl_prom_sum(t, "smsgw_egress_binds", NULL) == 3);
    assert_true(ctl_prom_sum(t, "smsgw_egress_binds", "operator=\"o\",state=\"up\"") == 2);
    assert_true(ctl_prom_sum(t, "smsgw_egress_binds", "state=\"u\"") == 0);
    assert_int_equal(ctl_prom_value(t, "smsgw_x", NULL, &v), 1);
    assert_true(v == 1.5);
    assert_int_equal(ctl_prom_value(t, "smsgw_y", NULL, &v), 0);
    assert_int_equal(ctl_prom_value(t, "smsgw", NULL, &v), 0);
}

static void slots(void **state)
{
    static const struct {
        uint64_t age_ms;
        int bucket;
    } B[] = {{0, 0}, {299999, 0}, {300000, 1}, {599999, 1}, {600000, 2}, {19200000, 7}};
    for (size_t i = 0; i < sizeof B / sizeof *B; i++)
        assert_int_equal(ctl_age_bucket(B[i].age_ms), B[i].bucket);
    uint64_t now = 10000000;
    assert_int_equal(ctl_history_slot(now, now), 59);
    assert_int_equal(ctl_history_slot(now, now - 60000), 58);
    assert_int_equal(ctl_history_slot(now, now - 3599999), 0);
    assert_int_equal(ctl_history_slot(now, now - 3600000), -1);
    assert_int_equal(ctl_history_slot(now, now + 1), -1);
}

/* ---- a dlr store written with dlr's encoders ---------------------------------- */

typedef struct {
    char dir[64];
    cm_config cfg;
    ctl_ctx c;
    uint64_t now;
} fixture;

static void put_submission(cm_store *s, MDB_txn *txn, const char *num, uint64_t at,
                           const char *subject, struct cm_wire_recipient *r, size_t n)
{
    cm_msg_accepted a = {.submission = (char *)num,
                         .at_ms = at,
                         .subject = (char *)subject,
                         .account = "acme",
                         .lang = "fr",
                         .status = CM_ACCEPT_ACCEPTED,
                         .encoding = "GSM 7-bit",
                         .parts = 1,
                         .text = "Bonjour",
                         .recipients = r,
                         .recipients_n = n};
    cm_wbuf w = {0};
    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    assert_int_equal(
        cm_store_put(txn, cm_store_dbi(s, "submissions"), num, strlen(num), w.data, w.len, 0), 0);
    cm_wbuf_free(&w);
}

static void put_rcpt(cm_store *s, MDB_txn *txn, uint64_t job, const char *sub, uint8_t outcome,
                     uint64_t at)
{
    dl_rcpt r = {.submission = (char *)sub,
                 .operator_name = "opa",
                 .outcome = outcome,
                 .stat = outcome == DL_OUT_DELIVERED ? 2
                         : outcome                   ? 5
                                                     : 0,
                 .err = "",
                 .reason = "",
                 .final_at_ms = at,
                 .network_error = ""};
    cm_wbuf w = {0};
    uint8_t k[8];
    dl_rcpt_encode(&r, &w);
    cm_be64_put(k, job);
    assert_int_equal(cm_store_put(txn, cm_store_dbi(s, "recipients"), k, 8, w.data, w.len, 0), 0);
    cm_wbuf_free(&w);
}

static int setup(void **state)
{
    static const char *const NAMES[] = {DL_DB_NAMES, NULL};
    fixture *f = calloc(1, sizeof *f);
    char sub[128];
    cm_store *s;
    snprintf(f->dir, sizeof f->dir, "/tmp/smsgw-ctl-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(sub, sizeof sub, "%s/dlr", f->dir);
    assert_int_equal(cm_store_open(sub, 1 << 24, NAMES, &s), 0);
    MDB_txn *txn = cm_store_batch_txn(s);
    f->now = (uint64_t)time(NULL) * 1000;
    struct cm_wire_recipient r1[] = {
        {1, "+33601020304", 0, CM_RCPT_QUEUED, "", "REFCLIENT=R1\tFACTURATION=F1", 1},
        {2, "+33701020306", 0, CM_RCPT_QUEUED, "", "FACTURATION=F2", 2},
        {0, "06x", 3, CM_RCPT_REJECTED, "invalid number", "", 0}};
    struct cm_wire_recipient r2[] = {{3, "+33601020305", 0, CM_RCPT_QUEUED, "", "", 1}};
    put_submission(s, txn, "000001", f->now - 120000, "Facture <script>x</script>", r1, 3);
    put_submission(s, txn, "000002", f->now - 30000, "Promo", r2, 1);
    put_submission(s, txn, "000003", 978307200000ULL, "old: 2001-01-01", r2, 1);
    put_rcpt(s, txn, 1, "000001", DL_OUT_DELIVERED, f->now - 60000);
    put_rcpt(s, txn, 2, "000001", DL_OUT_UNDELIVERED, f->now - 60000);
    put_rcpt(s, txn, 3, "000002", DL_OUT_PENDING, 0);
    assert_int_equal(cm_store_batch_commit(s), 0);
    cm_store_close(s);
    f->cfg.state_dir = f->dir;
    f->cfg.domain = "sms.test";
    ctl_ctx_open(&f->c, &f->cfg, stdout, stderr);
    assert_non_null(f->c.dl.txn);
    assert_null(f->c.rt.txn);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    ctl_ctx_close(&f->c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Runs a command with its output captured; returns the exit code, *out owned. */
static int capture(fixture *f, int (*cmd)(ctl_ctx *, int, char **), char **out, int argc, ...)
{
    char *argv[8];
    size_t len;
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    f->c.out = open_memstream(out, &len);
    int rc = cmd(&f->c, argc, argv);
    fclose(f->c.out);
    f->c.out = stdout;
    return rc;
}

static void billing_csv(void **state)
{
    fixture *f = *state;
    char month[8], month2[8], *out;
    ctl_fmt_month(f->now - 120000, month);
    ctl_fmt_month(f->now - 30000, month2); /* differ only just after midnight on the 1st */
    assert_int_equal(capture(f, ctl_cmd_billing, &out, 3, "billing", "--month", month), 0);
    assert_string_equal(out, strcmp(month, month2)
                                 ? "account,FACTURATION,messages,parts,delivered\n"
                                   "acme,F1,1,1,1\n"
                                   "acme,F2,1,2,0\n"
                                 : "account,FACTURATION,messages,parts,delivered\n"
                                   "acme,,1,1,0\n"
                                   "acme,F1,1,1,1\n"
                                   "acme,F2,1,2,0\n");
    free(out);
    assert_int_equal(capture(f, ctl_cmd_billing, &out, 3, "billing", "--month", "2001-01"), 0);
    assert_string_equal(out, "account,FACTURATION,messages,parts,delivered\n"
                             "acme,,1,1,0\n");
    free(out);
    assert_int_equal(capture(f, ctl_cmd_billing, &out, 3, "billing", "--month", "2001-1"), 2);
    free(out);
}

static void show_and_search(void **state)
{
    fixture *f = *state;
    char *out;
    assert_int_equal(capture(f, ctl_cmd_show, &out, 2, "show", "000001"), 0);
    assert_non_null(strstr(out, "status:     1/2 delivered, 1 undelivered, 1 rejected\n"));
    assert_non_null(strstr(out, "\n  +33601020304     delivered       1  "));
    assert_non_null(strstr(out, "  DELIVRD, REFCLIENT=R1 FACTURATION=F1\n"));
    assert_non_null(strstr(out, "\n  06x              rejected        0  -                    "
                                "invalid number, line 3\n"));
    free(out);
    assert_int_equal(capture(f, ctl_cmd_show, &out, 2, "show", "000009"), 1);
    free(out);
    assert_int_equal(capture(f, ctl_cmd_search, &out, 3, "search", "--number", "0601020305"), 0);
    assert_non_null(strstr(out, "\n000002 "));
    assert_null(strstr(out, "\n000001 "));
    assert_non_null(strstr(out, " 0/1 delivered, 1 pending "));
    free(out);
    assert_int_equal(capture(f, ctl_cmd_search, &out, 3, "search", "--refclient", "R"), 1);
    assert_string_equal(out, "");
    free(out);
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void status_page(void **state)
{
    fixture *f = *state;
    ctl_state st;
    ctl_history h;
    cm_wbuf w = {0};
    memset(&st, 0, sizeof st);
    ctl_state_queues(&f->c, &st);
    assert_int_equal(st.have_dl, 1);
    ctl_history_read(&f->c, &h, f->now);
    assert_int_equal(h.total_accepted, 2);
    assert_int_equal(h.total_delivered, 1);
    assert_int_equal(h.total_failed, 1);
    assert_int_equal(h.n_recent, 3);
    assert_string_equal(h.recent[0], "000002");
    assert_string_equal(h.recent[2], "000003");
    ctl_page_render(&f->c, &st, &h, &w);
    cm_put_raw(&w, "", 1);
    const char *p = (const char *)w.data;
    assert_null(strstr(p, "<script>"));
    assert_non_null(strstr(p, "<td>Facture &lt;script&gt;x&lt;/script&gt;</td>"));
    assert_int_equal(count(p, "<rect class=\"acc\""), 2);
    assert_int_equal(count(p, "<rect class=\"dlv\" data-minute=\"58\" data-count=\"1\""), 1);
    assert_int_equal(count(p, "<rect class=\"fail\""), 1);
    assert_int_equal(count(p, "<tr data-submission="), 3);
    assert_non_null(strstr(p, "data-accepted=\"2\" data-delivered=\"1\" data-failed=\"1\""));
    assert_non_null(strstr(p, "<td class=\"status\">1/2 delivered, 1 undelivered, 1 rejected"));
    cm_wbuf_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_csv_age),
        cmocka_unit_test(prom_reader),
        cmocka_unit_test(slots),
        cmocka_unit_test_setup_teardown(billing_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(show_and_search, setup, teardown),
        cmocka_unit_test_setup_teardown(status_page, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
