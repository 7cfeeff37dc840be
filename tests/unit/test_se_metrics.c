/* Unit tests for se_metrics: the egress's numbers rendered under the names and labels
 * that docs/operations.md lists (each smsgw_egress_* family rendered has a row in its
 * metrics table), every series present from the start (0), error responses labelled by
 * their command_status, bind states folded into up / binding / down (table), what
 * se_metrics_gather() reads from a context (binds not started, held jobs, no links), the
 * job names the binds log, and a registry of NULL (metrics off) accepted. */
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
#include "se_ctx.h"
#include "se_metrics.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

static void test_bind_classes(void **state)
{
    static const struct {
        enum se_bind_state st;
        enum se_bind_class cls;
    } ROWS[] = {
        {SE_BIND_IDLE, SE_BINDS_DOWN},          {SE_BIND_RESOLVING, SE_BINDS_BINDING},
        {SE_BIND_CONNECTING, SE_BINDS_BINDING}, {SE_BIND_BINDING, SE_BINDS_BINDING},
        {SE_BIND_BOUND, SE_BINDS_UP},           {SE_BIND_UNBINDING, SE_BINDS_DOWN},
        {SE_BIND_CLOSING, SE_BINDS_DOWN},       {SE_BIND_STOPPED, SE_BINDS_DOWN},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++)
        if (se_metrics_bind_class(ROWS[i].st) != ROWS[i].cls)
            fail_msg("state %s: class %d, want %d", se_bind_state_name(ROWS[i].st),
                     se_metrics_bind_class(ROWS[i].st), ROWS[i].cls);
}

static const char *const ZERO_LINES[] = {
    "smsgw_egress_binds{operator=\"orange\",state=\"up\"} 0",
    "smsgw_egress_binds{operator=\"orange\",state=\"binding\"} 0",
    "smsgw_egress_binds{operator=\"orange\",state=\"down\"} 0",
    "smsgw_egress_window_used{operator=\"orange\"} 0",
    "smsgw_egress_window_size{operator=\"orange\"} 0",
    "smsgw_egress_submits_total{operator=\"orange\"} 0",
    "smsgw_egress_throttled_total{operator=\"orange\"} 0",
    "smsgw_egress_rate_limit{operator=\"orange\"} 0",
    "smsgw_egress_lost_submits_total{operator=\"orange\"} 0",
    "smsgw_egress_delivers_total{operator=\"orange\",kind=\"receipt\"} 0",
    "smsgw_egress_delivers_total{operator=\"orange\",kind=\"mo\"} 0",
    "smsgw_egress_delivers_unacked{operator=\"orange\"} 0",
    "smsgw_egress_jobs_held{operator=\"orange\"} 0",
    "smsgw_egress_results_unacked{operator=\"orange\",link=\"router\"} 0",
    "smsgw_egress_results_unacked{operator=\"orange\",link=\"dlr\"} 0",
};

static const char *const VALUE_LINES[] = {
    "smsgw_egress_binds{operator=\"orange\",state=\"up\"} 3",
    "smsgw_egress_binds{operator=\"orange\",state=\"binding\"} 1",
    "smsgw_egress_binds{operator=\"orange\",state=\"down\"} 2",
    "smsgw_egress_window_used{operator=\"orange\"} 7",
    "smsgw_egress_window_size{operator=\"orange\"} 30",
    "smsgw_egress_submits_total{operator=\"orange\"} 1234",
    "smsgw_egress_throttled_total{operator=\"orange\"} 5",
    "smsgw_egress_rate_limit{operator=\"orange\"} 12.1",
    "smsgw_egress_lost_submits_total{operator=\"orange\"} 9",
    "smsgw_egress_delivers_total{operator=\"orange\",kind=\"receipt\"} 2",
    "smsgw_egress_delivers_total{operator=\"orange\",kind=\"mo\"} 1",
    "smsgw_egress_delivers_unacked{operator=\"orange\"} 4",
    "smsgw_egress_jobs_held{operator=\"orange\"} 11",
    "smsgw_egress_results_unacked{operator=\"orange\",link=\"router\"} 6",
    "smsgw_egress_results_unacked{operator=\"orange\",link=\"dlr\"} 8",
    "smsgw_egress_submit_errors_total{operator=\"orange\",status=\"0x00000058\"} 2",
    "smsgw_egress_submit_errors_total{operator=\"orange\",status=\"0x0000000B\"} 1",
    "smsgw_egress_submit_errors_total{operator=\"orange\",status=\"0x00000400\"} 1",
    "# TYPE smsgw_egress_submits_total counter",
    "# TYPE smsgw_egress_submit_errors_total counter",
    "# TYPE smsgw_egress_rate_limit gauge",
    "# TYPE smsgw_egress_binds gauge",
};

static void test_rendered_values(void **state)
{
    cm_metrics *m = NULL;
    se_metrics mt;
    se_metrics_stats st;
    char *t;
    (void)state;

    assert_int_equal(cm_metrics_create_local("smsgw-egress", &m), 0);
    se_metrics_register(&mt, m, "orange");
    memset(&st, 0, sizeof(st));
    se_metrics_update(&mt, &st);
    t = mc_render(m);
    for (size_t i = 0; i < sizeof(ZERO_LINES) / sizeof(ZERO_LINES[0]); i++)
        mc_assert_line(t, ZERO_LINES[i]);
    assert_int_equal(mc_count_lines(t, "smsgw_egress_submit_errors_total{"), 0);
    free(t);

    st = (se_metrics_stats){.binds = {3, 1, 2},
                            .window_used = 7,
                            .window_size = 30,
                            .submits = 1234,
                            .throttled = 5,
                            .lost = 9,
                            .rate_limit = 12.1,
                            .held = 11,
                            .delivers_unacked = 4,
                            .results_unacked = {6, 8}};
    se_metrics_update(&mt, &st);
    se_metrics_submit_error(&mt, 0x58);
    se_metrics_submit_error(&mt, 0x58);
    se_metrics_submit_error(&mt, 0x0B);
    se_metrics_submit_error(&mt, 0x400); /* vendor-specific */
    se_metrics_submit_error(&mt, 0);     /* not an error: not counted */
    se_metrics_deliver(&mt, 1);
    se_metrics_deliver(&mt, 1);
    se_metrics_deliver(&mt, 0);
    t = mc_render(m);
    for (size_t i = 0; i < sizeof(VALUE_LINES) / sizeof(VALUE_LINES[0]); i++)
        mc_assert_line(t, VALUE_LINES[i]);
    assert_int_equal(mc_count_lines(t, "smsgw_egress_submit_errors_total{"), 3);
    free(t);
    cm_metrics_free(m);
}

/* Every smsgw_egress_ family rendered has a row "| `name` |" in docs/operations.md. */
static void test_documented(void **state)
{
    cm_metrics *m = NULL;
    se_metrics mt;
    (void)state;

    assert_int_equal(cm_metrics_create_local("smsgw-egress", &m), 0);
    se_metrics_register(&mt, m, "orange");
    assert_int_equal(mc_documented(m, "smsgw_egress_"), 12);
    cm_metrics_free(m);
}

static void test_metrics_off(void **state)
{
    se_metrics mt;
    se_metrics_stats st;
    (void)state;

    memset(&st, 0, sizeof(st));
    se_metrics_register(&mt, NULL, "orange");
    assert_null(mt.binds);
    assert_null(mt.errors);
    se_metrics_update(&mt, &st); /* no effect, no crash */
    se_metrics_submit_error(&mt, 0x58);
    se_metrics_deliver(&mt, 1);
}

static cm_config_bind BINDS[] = {
    {.host = "127.0.0.1", .port = 1, .mode = CM_BIND_TRANSCEIVER, .count = 2, .window = 10},
    {.host = "127.0.0.1", .port = 2, .mode = CM_BIND_TRANSMITTER_RECEIVER, .count = 1, .window = 4},
};
static cm_config_operator OP = {.name = "orange",
                                .binds = BINDS,
                                .n_binds = 2,
                                .response_timeout_s = 5,
                                .long_method = CM_LONG_UDH};

static cm_msg_job job(uint64_t id, const char *submission)
{
    static uint8_t text[10] = "hello";
    cm_msg_job m = {.job_id = id,
                    .attempt = 2,
                    .submission = (char *)submission,
                    .operator_name = "orange",
                    .dest = "33601020304",
                    .source = "ACME",
                    .source_ton = 5,
                    .payload = {text, 5},
                    .registered_delivery = 1};
    return m;
}

/* A context whose binds were created but not started: all down, no window up; two
 * held jobs; no links (counted 0); DELIVERs waiting are not RESULTs. */
static void test_gather(void **state)
{
    static const enum se_bind_role ROLES[] = {SE_ROLE_TRX, SE_ROLE_TRX, SE_ROLE_TX, SE_ROLE_RX};
    static const int CFG[] = {0, 0, 1, 1};
    uv_loop_t loop;
    se_ctx ctx;
    se_bind *binds[4];
    se_bind_ops ops = {0};
    se_metrics_stats st;
    se_job *j;
    char name[128] = "";
    (void)state;

    assert_int_equal(uv_loop_init(&loop), 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.loop = &loop;
    ctx.op = &OP;
    ctx.jobs = se_jobs_create(10, 1000);
    assert_non_null(ctx.jobs);
    for (int i = 0; i < 4; i++)
        assert_int_equal(se_bind_create(&loop, &OP, &BINDS[CFG[i]], ROLES[i], i, &ops, &binds[i]),
                         0);
    ctx.binds = binds;
    ctx.n_binds = 4;
    cm_msg_job m1 = job(41, "A000017"), m2 = job(42, "A000018");
    assert_int_equal(se_jobs_add(ctx.jobs, &m1, &OP, 1, &j), 0);
    assert_int_equal(se_jobs_add(ctx.jobs, &m2, &OP, 2, &j), 0);
    ctx.dlv_waiting[SE_LINK_DLR] = 3;
    se_metrics_gather(&ctx, &st);
    assert_int_equal(st.binds[SE_BINDS_DOWN], 4);
    assert_int_equal(st.binds[SE_BINDS_UP] + st.binds[SE_BINDS_BINDING], 0);
    assert_int_equal(st.window_used, 0);
    assert_int_equal(st.window_size, 0); /* no bind up */
    assert_int_equal(st.submits + st.throttled + st.lost, 0);
    assert_true(st.rate_limit == 0.0);
    assert_int_equal(st.held, 2);
    assert_int_equal(st.delivers_unacked, 3);
    assert_int_equal(st.results_unacked[SE_LINK_ROUTER] + st.results_unacked[SE_LINK_DLR], 0);

    /* the name a bind puts on its log lines about a submit */
    se_dispatch_job_name(42, name, sizeof(name), &ctx);
    assert_string_equal(name, "submission A000018 job 42 attempt 2");
    name[0] = 0;
    se_dispatch_job_name(99, name, sizeof(name), &ctx); /* unknown: left empty */
    assert_string_equal(name, "");

    for (int i = 0; i < 4; i++)
        se_bind_free(binds[i]);
    se_jobs_free(ctx.jobs);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_classes), cmocka_unit_test(test_rendered_values),
        cmocka_unit_test(test_documented),   cmocka_unit_test(test_metrics_off),
        cmocka_unit_test(test_gather),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
