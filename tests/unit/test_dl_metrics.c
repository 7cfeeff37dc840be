/* Unit tests for dl_metrics: dlr's counters rendered under the names and labels that
 * docs/operations.md lists (each smsgw_dlr_* family rendered must have a row in its
 * metrics table), every label value present from the start (0), the "other" kind of
 * mail only when it happened, and a registry of NULL (metrics off) accepted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics_check.h"

#include "cm_metrics.h"
#include "dl_mail.h"
#include "dl_metrics.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

static void test_rendered_values(void **state)
{
    cm_metrics *m = NULL;
    dl_metrics mt;
    dl_counts c;
    dl_outbox_stats o;
    char *t;
    (void)state;

    assert_int_equal(cm_metrics_create_local("smsgw-dlr", &m), 0);
    dl_metrics_register(&mt, m);
    memset(&c, 0, sizeof(c));
    memset(&o, 0, sizeof(o));
    dl_metrics_update(&mt, &c, &o, 0, 0.0);
    t = mc_render(mt.m);
    mc_assert_line(t, "smsgw_dlr_receipts_total{result=\"intermediate\"} 0");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"blacklisted\"} 0");
    mc_assert_line(t, "smsgw_dlr_mails_total{kind=\"reply\",result=\"dead\"} 0");
    mc_assert_line(t, "smsgw_dlr_outbox_mails 0");
    assert_null(strstr(t, "kind=\"other\""));
    free(t);
    c.receipts[DL_RECEIPT_MATCHED] = 7;
    c.receipts[DL_RECEIPT_EARLY] = 2;
    c.receipts[DL_RECEIPT_UNMATCHED] = 1;
    c.receipts[DL_RECEIPT_INTERMEDIATE] = 3;
    c.final[DL_OUT_DELIVERED] = 5;
    c.final[DL_OUT_UNDELIVERED] = 4;
    c.final[DL_OUT_EXPIRED] = 3;
    c.final[DL_OUT_REJECTED] = 2;
    c.final[DL_OUT_BLACKLISTED] = 1;
    o.by_kind[DL_KIND_ACCEPTANCE][DL_MAIL_SENT] = 10;
    o.by_kind[DL_KIND_FINAL][DL_MAIL_RETRY] = 6;
    o.by_kind[DL_KIND_REPLY][DL_MAIL_SENT] = 1;
    o.by_kind[DL_KIND_OTHER][DL_MAIL_DEAD] = 1;
    dl_metrics_update(&mt, &c, &o, 12, 42.5);
    t = mc_render(mt.m);
    mc_assert_line(t, "smsgw_dlr_receipts_total{result=\"matched\"} 7");
    mc_assert_line(t, "smsgw_dlr_receipts_total{result=\"early\"} 2");
    mc_assert_line(t, "smsgw_dlr_receipts_total{result=\"unmatched\"} 1");
    mc_assert_line(t, "smsgw_dlr_receipts_total{result=\"intermediate\"} 3");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"delivered\"} 5");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"undelivered\"} 4");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"expired\"} 3");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"rejected\"} 2");
    mc_assert_line(t, "smsgw_dlr_final_total{outcome=\"blacklisted\"} 1");
    mc_assert_line(t, "smsgw_dlr_mails_total{kind=\"acceptance\",result=\"sent\"} 10");
    mc_assert_line(t, "smsgw_dlr_mails_total{kind=\"final\",result=\"retry\"} 6");
    mc_assert_line(t, "smsgw_dlr_mails_total{kind=\"reply\",result=\"sent\"} 1");
    mc_assert_line(t, "smsgw_dlr_mails_total{kind=\"other\",result=\"dead\"} 1");
    mc_assert_line(t, "smsgw_dlr_outbox_mails 12");
    mc_assert_line(t, "smsgw_dlr_outbox_oldest_seconds 42.5");
    mc_assert_line(t, "# TYPE smsgw_dlr_final_total counter");
    mc_assert_line(t, "# TYPE smsgw_dlr_outbox_oldest_seconds gauge");
    free(t);
    cm_metrics_free(m);
}

/* Every smsgw_dlr_ family has a row "| `name` |" in docs/operations.md. */
static void test_documented(void **state)
{
    cm_metrics *m = NULL;
    dl_metrics mt;
    (void)state;

    assert_int_equal(cm_metrics_create_local("smsgw-dlr", &m), 0);
    dl_metrics_register(&mt, m);
    assert_int_equal(mc_documented(m, "smsgw_dlr_"), 5);
    cm_metrics_free(m);
}

static void test_metrics_off(void **state)
{
    dl_metrics mt;
    dl_counts c;
    dl_outbox_stats o;
    (void)state;

    memset(&c, 0, sizeof(c));
    memset(&o, 0, sizeof(o));
    dl_metrics_register(&mt, NULL);
    assert_null(mt.receipts);
    dl_metrics_update(&mt, &c, &o, 1, 1.0); /* no effect, no crash */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rendered_values),
        cmocka_unit_test(test_documented),
        cmocka_unit_test(test_metrics_off),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
