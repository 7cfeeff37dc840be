/* Unit tests of rt_quota on a real store: the daily counts per account and per
 * envelope sender. Table-driven: each case sets the limits (the account's own
 * daily_quota, -1 = the ingress default; ingress.account_daily_quota;
 * ingress.sender_daily_quota; 0 = unlimited), adds earlier submissions (day, SMS) and
 * checks one more submission (day, SMS) against the expected answer and the counts
 * read back. A second test prunes the entries of days before yesterday. */
#include "rt_ctx.h"
#include "rt_quota.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DAY 20000u /* a UTC day number (2024-10-04) */
#define MS(day) ((uint64_t)(day)*86400000u + 3600000u)

typedef struct {
    uint32_t day;
    uint64_t n;
    const char *sender;
} add;

typedef struct {
    const char *name;
    int own, account_default, sender_quota;
    add before[4]; /* up to 3, then a NULL sender */
    add check;
    int want;
    uint64_t used_account, used_sender; /* counts read by the check */
} quota_case;

static const quota_case CASES[] = {
    {"under", 5, 0, 0, {{DAY, 2, "a@x.test"}}, {DAY, 2, "a@x.test"}, 0, 2, 0},
    {"exactly at", 5, 0, 0, {{DAY, 3, "a@x.test"}}, {DAY, 2, "a@x.test"}, 0, 3, 0},
    {"over", 5, 0, 0, {{DAY, 3, "a@x.test"}}, {DAY, 3, "a@x.test"}, RT_QUOTA_ACCOUNT, 3, 0},
    {"full, one more",
     3,
     0,
     0,
     {{DAY, 1, "a"}, {DAY, 1, "b"}, {DAY, 1, "c"}},
     {DAY, 1, "d"},
     RT_QUOTA_ACCOUNT,
     3,
     0},
    {"day change", 3, 0, 0, {{DAY, 3, "a@x.test"}}, {DAY + 1, 3, "a@x.test"}, 0, 0, 0},
    {"account override wins", 2, 10, 0, {{DAY, 2, "a"}}, {DAY, 1, "a"}, RT_QUOTA_ACCOUNT, 2, 0},
    {"ingress default when no override", -1, 4, 0, {{DAY, 3, "a"}}, {DAY, 1, "a"}, 0, 3, 0},
    {"ingress default over", -1, 4, 0, {{DAY, 4, "a"}}, {DAY, 1, "a"}, RT_QUOTA_ACCOUNT, 4, 0},
    {"0 = unlimited", 0, 0, 0, {{DAY, 1000000, "a"}}, {DAY, 1000000, "a"}, 0, 0, 0},
    {"override 0 = unlimited", 0, 3, 0, {{DAY, 9, "a"}}, {DAY, 9, "a"}, 0, 0, 0},
    {"sender over, case-insensitive",
     0,
     0,
     5,
     {{DAY, 4, "Ops@X.test"}},
     {DAY, 2, "ops@x.TEST"},
     RT_QUOTA_SENDER,
     0,
     4},
    {"another sender not counted", 0, 0, 5, {{DAY, 5, "a@x.test"}}, {DAY, 5, "b@x.test"}, 0, 0, 0},
    {"empty sender not counted", 0, 0, 1, {{DAY, 5, ""}}, {DAY, 5, ""}, 0, 0, 0},
    {"account checked first", 4, 0, 4, {{DAY, 4, "a"}}, {DAY, 1, "a"}, RT_QUOTA_ACCOUNT, 4, 0},
    {"sender over, account fits", 10, 0, 4, {{DAY, 4, "a"}}, {DAY, 1, "a"}, RT_QUOTA_SENDER, 4, 4},
};

static const char *const DBS[] = {RT_DB_QUOTA, NULL};

static cm_store *open_store(char *dir)
{
    cm_store *s;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cm_store_open(dir, 16 << 20, DBS, &s), 0);
    return s;
}

static void close_store(cm_store *s, const char *dir)
{
    char cmd[64];
    cm_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void run_case(const quota_case *c)
{
    char dir[] = "/tmp/test_rt_quota.XXXXXX";
    cm_store *s = open_store(dir);
    MDB_dbi dbi = cm_store_dbi(s, RT_DB_QUOTA);
    cm_config cfg = {0};
    cm_config_account acc = {.name = "acme", .daily_quota = c->own};
    rt_quota_keys k;
    cfg.ingress.account_daily_quota = c->account_default;
    cfg.ingress.sender_daily_quota = c->sender_quota;
    for (const add *a = c->before; a->sender; a++) {
        rt_quota_keys_of(&cfg, &acc, a->sender, MS(a->day), &k);
        assert_int_equal(rt_quota_add(cm_store_batch_txn(s), dbi, &k, a->n), 0);
    }
    assert_int_equal(cm_store_batch_commit(s), 0); /* counts read back from disk */
    rt_quota_keys_of(&cfg, &acc, c->check.sender, MS(c->check.day), &k);
    int rc = rt_quota_check(cm_store_batch_txn(s), dbi, &k, c->check.n);
    if (rc != c->want || k.used[RT_QUOTA_ACCOUNT] != c->used_account ||
        k.used[RT_QUOTA_SENDER] != c->used_sender)
        fail_msg("%s: rc %d (want %d), used account %llu (want %llu), sender %llu (want %llu)",
                 c->name, rc, c->want, (unsigned long long)k.used[RT_QUOTA_ACCOUNT],
                 (unsigned long long)c->used_account, (unsigned long long)k.used[RT_QUOTA_SENDER],
                 (unsigned long long)c->used_sender);
    close_store(s, dir);
}

static void quota_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        run_case(&CASES[i]);
}

static size_t entries(cm_store *s)
{
    MDB_stat st;
    assert_int_equal(mdb_stat(cm_store_batch_txn(s), cm_store_dbi(s, RT_DB_QUOTA), &st), 0);
    return st.ms_entries;
}

/* Days DAY-3 .. DAY, two keys each: pruning at DAY keeps DAY-1 and DAY (4 entries). */
static void prune_old_days(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_rt_quota.XXXXXX";
    cm_store *s = open_store(dir);
    MDB_dbi dbi = cm_store_dbi(s, RT_DB_QUOTA);
    cm_config cfg = {0};
    cm_config_account acc = {.name = "acme", .daily_quota = 100};
    rt_quota_keys k;
    cfg.ingress.sender_daily_quota = 100;
    for (uint32_t d = DAY - 3; d <= DAY; d++) {
        rt_quota_keys_of(&cfg, &acc, "a@x.test", MS(d), &k);
        assert_int_equal(rt_quota_add(cm_store_batch_txn(s), dbi, &k, d - DAY + 10), 0);
    }
    assert_int_equal(entries(s), 8);
    assert_int_equal(rt_quota_prune(cm_store_batch_txn(s), dbi, DAY), 4);
    assert_int_equal(entries(s), 4);
    assert_int_equal(rt_quota_prune(cm_store_batch_txn(s), dbi, DAY), 0);
    rt_quota_keys_of(&cfg, &acc, "a@x.test", MS(DAY - 1), &k);
    assert_int_equal(rt_quota_check(cm_store_batch_txn(s), dbi, &k, 1), 0);
    assert_int_equal(k.used[RT_QUOTA_ACCOUNT], 9);
    assert_int_equal(k.used[RT_QUOTA_SENDER], 9);
    rt_quota_keys_of(&cfg, &acc, "a@x.test", MS(DAY - 2), &k);
    assert_int_equal(rt_quota_check(cm_store_batch_txn(s), dbi, &k, 1), 0);
    assert_int_equal(k.used[RT_QUOTA_ACCOUNT], 0);
    close_store(s, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(quota_cases),
                                       cmocka_unit_test(prune_old_days)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
