/* Unit tests for si_metrics: the ingress's numbers rendered under the names and labels
 * that docs/operations.md lists (each smsgw_smtp_* and smsgw_ingress_* family rendered
 * has a row in its metrics table), the series present from the start (0) and those
 * that only appear once counted (reply codes, refusal reasons), exact counts after a
 * few events, the router wait quantiles over the last minute (table: nearest rank,
 * the window's edges, the ring keeping the last SI_METRICS_WAIT_SAMPLES), and a
 * registry of NULL (metrics off) accepted. */
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
#include "si_metrics.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

static si_metrics *new_metrics(cm_metrics **m)
{
    si_metrics *mt = calloc(1, sizeof(*mt));

    assert_non_null(mt);
    assert_int_equal(cm_metrics_create_local("smsgw-ingress", m), 0);
    si_metrics_register(mt, *m);
    return mt;
}

static const char *const ZERO_LINES[] = {
    "smsgw_smtp_sessions_total{listener=\"smtp\"} 0",
    "smsgw_smtp_sessions_total{listener=\"submission\"} 0",
    "smsgw_smtp_sessions_active 0",
    "smsgw_ingress_submissions_total{result=\"committed\"} 0",
    "smsgw_ingress_submissions_total{result=\"refused\"} 0",
    "smsgw_ingress_submissions_total{result=\"router_timeout\"} 0",
    "smsgw_ingress_router_wait_seconds{quantile=\"0.5\"} 0",
    "smsgw_ingress_router_wait_seconds{quantile=\"0.99\"} 0",
    "smsgw_ingress_tls_sessions_total 0",
    "smsgw_ingress_auth_total{result=\"ok\"} 0",
    "smsgw_ingress_auth_total{result=\"failed\"} 0",
    "smsgw_ingress_auth_total{result=\"tempfail\"} 0",
    "# TYPE smsgw_smtp_sessions_total counter",
    "# TYPE smsgw_smtp_sessions_active gauge",
    "# TYPE smsgw_smtp_replies_total counter",
    "# TYPE smsgw_ingress_router_wait_seconds gauge",
    "# TYPE smsgw_ingress_refusals_total counter",
};

static void test_zero(void **state)
{
    cm_metrics *m = NULL;
    si_metrics *mt = new_metrics(&m);
    char *t = mc_render(m);
    (void)state;

    for (size_t i = 0; i < sizeof(ZERO_LINES) / sizeof(ZERO_LINES[0]); i++)
        mc_assert_line(t, ZERO_LINES[i]);
    assert_int_equal(mc_count_lines(t, "smsgw_smtp_replies_total{"), 0);
    assert_int_equal(mc_count_lines(t, "smsgw_ingress_refusals_total{"), 0);
    free(t);
    cm_metrics_free(m);
    free(mt);
}

static const char *const COUNT_LINES[] = {
    "smsgw_smtp_sessions_total{listener=\"smtp\"} 2",
    "smsgw_smtp_sessions_total{listener=\"submission\"} 1",
    "smsgw_smtp_sessions_active 5",
    "smsgw_smtp_replies_total{code=\"220\"} 2",
    "smsgw_smtp_replies_total{code=\"250\"} 3",
    "smsgw_smtp_replies_total{code=\"354\"} 1",
    "smsgw_smtp_replies_total{code=\"451\"} 1",
    "smsgw_smtp_replies_total{code=\"550\"} 1",
    "smsgw_ingress_submissions_total{result=\"committed\"} 2",
    "smsgw_ingress_submissions_total{result=\"refused\"} 1",
    "smsgw_ingress_submissions_total{result=\"router_timeout\"} 1",
    "smsgw_ingress_router_wait_seconds{quantile=\"0.5\"} 0.02",
    "smsgw_ingress_router_wait_seconds{quantile=\"0.99\"} 10",
    "smsgw_ingress_tls_sessions_total 1",
    "smsgw_ingress_auth_total{result=\"ok\"} 1",
    "smsgw_ingress_auth_total{result=\"failed\"} 2",
    "smsgw_ingress_auth_total{result=\"tempfail\"} 0",
    "smsgw_ingress_refusals_total{reason=\"pregreet\"} 2",
    "smsgw_ingress_refusals_total{reason=\"mime_depth\"} 1",
};

static void test_counts(void **state)
{
    static const int CODES[] = {220, 250, 250, 354, 250, 550, 451, 220};
    cm_metrics *m = NULL;
    si_metrics *mt = new_metrics(&m);
    char *t;
    (void)state;

    si_metrics_session(mt, 0);
    si_metrics_session(mt, 0);
    si_metrics_session(mt, 1);
    for (size_t i = 0; i < sizeof(CODES) / sizeof(CODES[0]); i++)
        si_metrics_reply(mt, CODES[i]);
    si_metrics_submission(mt, SI_SUB_COMMITTED, 0.01, 1000);
    si_metrics_submission(mt, SI_SUB_COMMITTED, 0.02, 1000);
    si_metrics_submission(mt, SI_SUB_REFUSED, 0.03, 1000);
    si_metrics_submission(mt, SI_SUB_ROUTER_TIMEOUT, 10.0, 1000);
    si_metrics_submission(mt, SI_SUB_RESULTS, 1.0, 1000); /* not a result: ignored */
    si_metrics_tls(mt);
    si_metrics_auth(mt, SI_AUTH_OK);
    si_metrics_auth(mt, SI_AUTH_FAILED);
    si_metrics_auth(mt, SI_AUTH_FAILED);
    si_metrics_refused(mt, "pregreet");
    si_metrics_refused(mt, "pregreet");
    si_metrics_refused(mt, "mime_depth");
    si_metrics_update(mt, 5, 2000);
    t = mc_render(m);
    for (size_t i = 0; i < sizeof(COUNT_LINES) / sizeof(COUNT_LINES[0]); i++)
        mc_assert_line(t, COUNT_LINES[i]);
    assert_int_equal(mc_count_lines(t, "smsgw_smtp_replies_total{"), 5);
    assert_int_equal(mc_count_lines(t, "smsgw_ingress_refusals_total{"), 2);
    free(t);

    si_metrics_update(mt, 0, 1000 + SI_METRICS_WAIT_WINDOW_MS); /* a minute later */
    t = mc_render(m);
    mc_assert_line(t, "smsgw_smtp_sessions_active 0");
    mc_assert_line(t, "smsgw_ingress_router_wait_seconds{quantile=\"0.5\"} 0");
    mc_assert_line(t, "smsgw_ingress_router_wait_seconds{quantile=\"0.99\"} 0");
    mc_assert_line(t,
                   "smsgw_ingress_submissions_total{result=\"committed\"} 2"); /* counters stay */
    free(t);
    cm_metrics_free(m);
    free(mt);
}

/* Samples: `n` waits of first_ms, first_ms + step_ms, ... (in ms, so that the
 * expected values are the same doubles), each `age_ms` before `now`. */
static const struct {
    const char *name;
    size_t n;
    unsigned first_ms, step_ms;
    uint64_t age_ms;
    size_t want_n;
    unsigned p50_ms, p99_ms;
} QUANTILES[] = {
    {"none", 0, 0, 0, 0, 0, 0, 0},
    {"one", 1, 200, 0, 0, 1, 200, 200},
    {"1..10 ms", 10, 1, 1, 0, 10, 5, 10},
    {"1..100 ms", 100, 1, 1, 5000, 100, 50, 99},
    {"1..1000 ms", 1000, 1, 1, 0, 1000, 500, 990},
    {"59.999 s old", 3, 1000, 1000, SI_METRICS_WAIT_WINDOW_MS - 1, 3, 2000, 3000},
    {"a minute old", 3, 1000, 1000, SI_METRICS_WAIT_WINDOW_MS, 0, 0, 0},
    /* 1..1500 s: the ring keeps the last 1024 (477..1500 s) */
    {"over the ring", 1500, 1000, 1000, 0, SI_METRICS_WAIT_SAMPLES, 988000, 1490000},
};

static void test_quantiles(void **state)
{
    const uint64_t now = 10 * 60 * 1000;
    (void)state;

    for (size_t i = 0; i < sizeof(QUANTILES) / sizeof(QUANTILES[0]); i++) {
        cm_metrics *m = NULL;
        si_metrics *mt = new_metrics(&m);
        double p50 = -1, p99 = -1, w50 = QUANTILES[i].p50_ms / 1000.0,
               w99 = QUANTILES[i].p99_ms / 1000.0;
        for (size_t k = 0; k < QUANTILES[i].n; k++)
            si_metrics_submission(mt, SI_SUB_COMMITTED,
                                  (QUANTILES[i].first_ms + k * QUANTILES[i].step_ms) / 1000.0,
                                  now - QUANTILES[i].age_ms);
        size_t n = si_metrics_wait_quantiles(mt, now, &p50, &p99);
        if (n != QUANTILES[i].want_n || p50 != w50 || p99 != w99)
            fail_msg("%s: %zu samples, p50 %.17g, p99 %.17g; want %zu, %.17g, %.17g",
                     QUANTILES[i].name, n, p50, p99, QUANTILES[i].want_n, w50, w99);
        cm_metrics_free(m);
        free(mt);
    }
}

/* A sample time-stamped after `now` (another clock's) is not in the window. */
static void test_future_sample(void **state)
{
    cm_metrics *m = NULL;
    si_metrics *mt = new_metrics(&m);
    double p50, p99;
    (void)state;

    si_metrics_submission(mt, SI_SUB_COMMITTED, 0.5, 2000);
    assert_int_equal(si_metrics_wait_quantiles(mt, 1999, &p50, &p99), 0);
    assert_int_equal(si_metrics_wait_quantiles(mt, 2000, &p50, &p99), 1);
    assert_true(p50 == 0.5 && p99 == 0.5);
    cm_metrics_free(m);
    free(mt);
}

/* Every smsgw_smtp_ / smsgw_ingress_ family rendered has a row "| `name` |" in
 * docs/operations.md. */
static void test_documented(void **state)
{
    cm_metrics *m = NULL;
    si_metrics *mt = new_metrics(&m);
    (void)state;

    assert_int_equal(mc_documented(m, "smsgw_smtp_") + mc_documented(m, "smsgw_ingress_"), 8);
    cm_metrics_free(m);
    free(mt);
}

static void test_metrics_off(void **state)
{
    si_metrics *mt = calloc(1, sizeof(*mt));
    double p50, p99;
    (void)state;

    assert_non_null(mt);
    si_metrics_register(mt, NULL);
    assert_null(mt->sessions);
    assert_null(mt->replies);
    si_metrics_session(mt, 1); /* no effect, no crash */
    si_metrics_reply(mt, 250);
    si_metrics_submission(mt, SI_SUB_COMMITTED, 0.1, 1);
    si_metrics_submission(NULL, SI_SUB_COMMITTED, 0.1, 1); /* a router without metrics */
    si_metrics_tls(mt);
    si_metrics_auth(mt, SI_AUTH_OK);
    si_metrics_refused(mt, "pregreet");
    si_metrics_update(mt, 3, 1);
    assert_int_equal(si_metrics_wait_quantiles(mt, 1, &p50, &p99), 0); /* nothing kept */
    free(mt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero),       cmocka_unit_test(test_counts),
        cmocka_unit_test(test_quantiles),  cmocka_unit_test(test_future_sample),
        cmocka_unit_test(test_documented), cmocka_unit_test(test_metrics_off),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
