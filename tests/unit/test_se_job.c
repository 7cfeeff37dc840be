/* Unit tests for se_job: the recent-jobs store (held FIFO, compact done records
 * bounded by count and age, forgotten for a real retry), message ids kept in part
 * order, and the RESULT a done record encodes; and se_idx, its job id index. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "se_idx.h"
#include "se_job.h"

static cm_config_operator OP = {.name = "orange", .long_method = CM_LONG_UDH, .gsm_coding = 0};

static cm_msg_job job(uint64_t id, const char *const *ends, size_t n)
{
    static uint8_t text[300];
    cm_msg_job m = {.job_id = id,
                    .attempt = 1,
                    .submission = "S-1",
                    .operator_name = "orange",
                    .dest = "33601020304",
                    .source = "ACME",
                    .source_ton = 5,
                    .coding = 0,
                    .payload = {text, 0},
                    .part_ends = {(char **)ends, n},
                    .registered_delivery = 1};
    m.payload.len = n ? (size_t)atoi(ends[n - 1]) : 10;
    return m;
}

static void test_held_fifo(void **state)
{
    se_jobs *s = se_jobs_create(10, 1000);
    se_job *a, *b, *c;
    cm_msg_job m1 = job(1, NULL, 0), m2 = job(2, NULL, 0);
    assert_int_equal(se_jobs_add(s, &m1, &OP, 1, &a), 0);
    assert_int_equal(se_jobs_add(s, &m2, &OP, 2, &b), 0);
    assert_int_equal(se_jobs_add(s, &m1, &OP, 3, &c), -EEXIST);
    assert_int_equal(se_jobs_held(s), 2);
    assert_ptr_equal(se_jobs_held_first(s), a);
    se_jobs_sending(s, a);
    assert_int_equal(a->state, SE_JOB_SENDING);
    assert_ptr_equal(se_jobs_held_first(s), b);
    /* a held job can end directly (e.g. the egress stops) */
    assert_int_equal(se_jobs_done(s, b, CM_RESULT_RETRY, 0, "egress stopping", 100), 0);
    assert_null(se_jobs_held_first(s));
    assert_null(se_jobs_get(s, 2)); /* no longer live: a done record */
    se_done *d = se_jobs_done_get(s, 2);
    assert_non_null(d);
    assert_string_equal(d->text, "egress stopping");
    assert_int_equal(d->status, CM_RESULT_RETRY);
    assert_int_equal(d->n_ids, 0);
    assert_int_equal(se_jobs_add(s, &m2, &OP, 4, &c), -EEXIST); /* known while kept */
    /* a real retry: forgotten, then taken again */
    se_jobs_forget_done(s, d);
    assert_null(se_jobs_done_get(s, 2));
    assert_int_equal(se_jobs_add(s, &m2, &OP, 5, &c), 0);
    assert_int_equal(se_jobs_count(s), 2);
    se_jobs_free(s); /* frees live, sending and forgotten records (ASan/valgrind) */
}

/* Responses arrive in any order; the RESULT lists the ids in part order. */
static void test_message_ids(void **state)
{
    static const char *const ENDS[] = {"100", "200", "250"};
    se_jobs *s = se_jobs_create(10, 1000);
    se_job *j;
    cm_msg_job m = job(7, ENDS, 3);
    assert_int_equal(se_jobs_add(s, &m, &OP, 1, &j), 0);
    assert_int_equal(j->n_submits, 3);
    assert_int_equal(se_job_set_msg_id(j, 2, "C3"), 0);
    assert_int_equal(se_job_set_msg_id(j, 0, "0A9CA000"), 0);
    assert_int_equal(se_job_set_msg_id(j, 1, "000123"), 0); /* leading zeros kept */
    assert_int_equal(se_job_set_msg_id(j, 3, "x"), -EINVAL);
    assert_int_equal(se_jobs_done(s, j, CM_RESULT_SUBMITTED, 0, "", 5), 0);
    cm_wbuf w = {0};
    assert_int_equal(se_done_encode(se_jobs_done_get(s, 7), "S-1", "orange", 4, 99, &w), 0);
    cm_arena *a = NULL;
    cm_msg_result r;
    assert_int_equal(cm_wire_decode_result(w.data, w.len, &a, &r), 0);
    assert_int_equal(r.job_id, 7);
    assert_int_equal(r.attempt, 4);
    assert_string_equal(r.submission, "S-1");
    assert_string_equal(r.operator_name, "orange");
    assert_int_equal(r.status, CM_RESULT_SUBMITTED);
    assert_int_equal(r.message_ids.n, 3);
    assert_string_equal(r.message_ids.v[0], "0A9CA000");
    assert_string_equal(r.message_ids.v[1], "000123");
    assert_string_equal(r.message_ids.v[2], "C3");
    assert_int_equal(r.at_ms, 99);
    cm_arena_free(a);
    cm_wbuf_free(&w);
    se_jobs_free(s);
}

/* A failed job's RESULT carries the SMPP status and reason, and no ids. */
static void test_failed_result(void **state)
{
    se_jobs *s = se_jobs_create(10, 1000);
    se_job *j;
    cm_msg_job m = job(8, NULL, 0);
    assert_int_equal(se_jobs_add(s, &m, &OP, 1, &j), 0);
    se_job_set_msg_id(j, 0, "ignored");
    se_jobs_done(s, j, CM_RESULT_FAILED, 0x0B,
                 "ESME_RINVDSTADR (0x0000000B) invalid destination address", 1);
    cm_wbuf w = {0};
    assert_int_equal(se_done_encode(se_jobs_done_get(s, 8), "S-1", "orange", 1, 2, &w), 0);
    cm_arena *a = NULL;
    cm_msg_result r;
    assert_int_equal(cm_wire_decode_result(w.data, w.len, &a, &r), 0);
    assert_int_equal(r.status, CM_RESULT_FAILED);
    assert_int_equal(r.smpp_status, 0x0B);
    assert_string_equal(r.reason, "ESME_RINVDSTADR (0x0000000B) invalid destination address");
    assert_int_equal(r.message_ids.n, 0);
    cm_arena_free(a);
    cm_wbuf_free(&w);
    se_jobs_free(s);
}

static void test_eviction(void **state)
{
    se_jobs *s = se_jobs_create(3, 1000);
    se_job *j[5];
    for (uint64_t i = 0; i < 5; i++) {
        cm_msg_job m = job(100 + i, NULL, 0);
        assert_int_equal(se_jobs_add(s, &m, &OP, 1, &j[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        se_jobs_done(s, j[i], CM_RESULT_SUBMITTED, 0, "", 10 + (uint64_t)i);
    /* count bound: the oldest done job went, the held one stays */
    assert_null(se_jobs_done_get(s, 100));
    assert_non_null(se_jobs_done_get(s, 101));
    assert_non_null(se_jobs_get(s, 104));
    /* age bound */
    se_jobs_expire(s, 12 + 1000 + 1);
    assert_null(se_jobs_done_get(s, 101));
    assert_null(se_jobs_done_get(s, 102));
    assert_non_null(se_jobs_done_get(s, 103));
    assert_non_null(se_jobs_get(s, 104)); /* never evicted while not done */
    assert_int_equal(se_jobs_count(s), 2);
    se_jobs_free(s);
}

static void test_bad_job(void **state)
{
    static const char *const ENDS[] = {"5", "3"};
    se_jobs *s = se_jobs_create(3, 1000);
    se_job *j;
    cm_msg_job m = job(1, ENDS, 2);
    m.payload.len = 3;
    assert_int_equal(se_jobs_add(s, &m, &OP, 1, &j), -EINVAL);
    assert_null(se_jobs_get(s, 1));
    assert_int_equal(se_jobs_count(s), 0);
    se_jobs_free(s);
}

/* se_idx: 20,000 ids put, every third deleted (backward shifts), all looked up. */
static void test_idx(void **state)
{
    se_idx x = {0};
    static int v[20001];
    assert_int_equal(se_idx_put(&x, 0, &v[0]), -EINVAL);
    for (uint64_t i = 1; i <= 20000; i++)
        assert_int_equal(se_idx_put(&x, i * 7, &v[i]), 0);
    assert_int_equal(se_idx_put(&x, 7, &v[1]), -EEXIST);
    for (uint64_t i = 3; i <= 20000; i += 3)
        assert_ptr_equal(se_idx_del(&x, i * 7), &v[i]);
    assert_null(se_idx_del(&x, 3 * 7));
    for (uint64_t i = 1; i <= 20000; i++) {
        if (i % 3 == 0)
            assert_null(se_idx_get(&x, i * 7));
        else
            assert_ptr_equal(se_idx_get(&x, i * 7), &v[i]);
    }
    assert_int_equal(x.n, 20000 - 6666);
    for (uint64_t i = 1; i <= 20000; i++) /* empty it: the table shrinks */
        se_idx_del(&x, i * 7);
    assert_int_equal(x.n, 0);
    assert_int_equal(x.cap, 64);
    assert_null(se_idx_get(&x, 7));
    se_idx_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_held_fifo),     cmocka_unit_test(test_message_ids),
        cmocka_unit_test(test_failed_result), cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_bad_job),       cmocka_unit_test(test_idx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
