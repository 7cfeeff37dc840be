/* Unit tests of rt_stage_sweep on a real store: the jobs at the end of `jobs` whose
 * submission has no record (a crash while a big submission was staged) are deleted,
 * a chunk per transaction, up to the first job whose submission exists; nothing else
 * is touched. Table-driven: each case lists runs of jobs (submission, count, whether
 * the submission has a record) in id order and the jobs expected to be deleted. */
#include "cm_wire.h"
#include "rt_ctx.h"
#include "rt_stage.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct {
    const char *submission;
    size_t jobs;
    int has_record;
} run;

typedef struct {
    const char *name;
    run runs[4];
    size_t deleted;
    int unreadable_last; /* one record that is not a JOB at the very end */
} sweep_case;

static const sweep_case CASES[] = {
    {"empty queue", {{0}}, 0, 0},
    {"every submission complete", {{"000001", 3, 1}, {"000002", 2, 1}}, 0, 0},
    {"a staged tail", {{"000001", 3, 1}, {"000002", 4, 0}}, 4, 0},
    {"a tail longer than a chunk",
     {{"000001", 2, 1}, {"000003", RT_STAGE_CHUNK * 2 + 7, 0}},
     RT_STAGE_CHUNK * 2 + 7,
     0},
    {"only staged jobs", {{"000004", 5, 0}}, 5, 0},
    {"an orphan before a complete one is not a tail", {{"000001", 2, 0}, {"000002", 3, 1}}, 0, 0},
    {"an unreadable last record stops the sweep", {{"000002", 3, 0}}, 0, 1},
};

static const char *const DBS[] = {RT_DB_META, RT_DB_SUBMISSIONS, RT_DB_JOBS, NULL};

static void put_job(MDB_txn *txn, MDB_dbi jobs, uint64_t id, const char *submission)
{
    cm_msg_job m = {.job_id = id, .submission = (char *)submission, .operator_name = "opa"};
    rt_job_rec head = {0};
    cm_wbuf w = {0};
    uint8_t key[8];
    cm_put_raw(&w, &head, sizeof head);
    assert_int_equal(cm_wire_encode_job(&m, &w), 0);
    cm_be64_put(key, id);
    assert_int_equal(cm_store_put(txn, jobs, key, 8, w.data, w.len, MDB_APPEND), 0);
    cm_wbuf_free(&w);
}

/* Fills the store; returns the number of jobs written. */
static size_t fill(cm_store *s, const sweep_case *c)
{
    MDB_txn *txn = cm_store_batch_txn(s);
    uint64_t id = 0;
    assert_non_null(txn);
    for (const run *r = c->runs; r->submission; r++) {
        if (r->has_record)
            assert_int_equal(cm_store_put(txn, cm_store_dbi(s, RT_DB_SUBMISSIONS), r->submission,
                                          strlen(r->submission), "ev", 2, 0),
                             0);
        for (size_t k = 0; k < r->jobs; k++)
            put_job(txn, cm_store_dbi(s, RT_DB_JOBS), ++id, r->submission);
    }
    if (c->unreadable_last) {
        uint8_t key[8];
        cm_be64_put(key, ++id);
        assert_int_equal(cm_store_put(txn, cm_store_dbi(s, RT_DB_JOBS), key, 8, "junk", 4, 0), 0);
    }
    assert_int_equal(cm_store_batch_commit(s), 0);
    return (size_t)id;
}

static size_t count_jobs(cm_store *s)
{
    MDB_txn *txn;
    MDB_stat st;
    assert_int_equal(cm_store_read_begin(s, &txn), 0);
    assert_int_equal(mdb_stat(txn, cm_store_dbi(s, RT_DB_JOBS), &st), 0);
    mdb_txn_abort(txn);
    return st.ms_entries;
}

static void sweep_cases(void **state)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const sweep_case *c = &CASES[i];
        char dir[] = "/tmp/test_rt_stage.XXXXXX", cmd[64];
        rt_ctx ctx = {0};
        size_t deleted = 99;
        assert_non_null(mkdtemp(dir));
        assert_int_equal(cm_store_open(dir, 64 << 20, DBS, &ctx.store), 0);
        size_t total = fill(ctx.store, c);
        int rc = rt_stage_sweep(&ctx, &deleted);
        if (rc != 0 || deleted != c->deleted || count_jobs(ctx.store) != total - c->deleted)
            fail_msg("%s: rc %d, deleted %zu (want %zu), %zu left of %zu", c->name, rc, deleted,
                     c->deleted, count_jobs(ctx.store), total);
        cm_store_close(ctx.store);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sweep_cases)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
