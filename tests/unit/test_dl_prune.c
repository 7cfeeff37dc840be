/* Unit tests for dl_prune on a real dlr.mdb with an injected clock: seen keys and
 * message ids go after their retention (7 days here), a receipt still waiting for its
 * RESULT moves to unmatched, finished submissions go after 30 days with their
 * recipients, unmatched receipts after theirs, unfinished submissions stay, a zero
 * retention keeps forever, and batches are bounded. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dl_fixture.h"

#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_msgid.h"
#include "dl_prune.h"
#include "dl_rec.h"
#include "dl_state.h"

#define T0 1717243402000ull
#define DAY 86400000ull

static int setup(void **state)
{
    fixture *f = dl_fixture_open("test_dl_prune");
    f->st.validity_ms = DAY;
    f->st.expiry_grace_ms = DL_EXPIRY_GRACE_MS;
    f->st.keep = (dl_keep){7 * DAY, 7 * DAY, 30 * DAY, 30 * DAY};
    *state = f;
    return 0;
}

static void accepted(fixture *f, const char *sub, uint64_t job, uint64_t at)
{
    struct cm_wire_recipient r[] = {{job, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1}};
    cm_msg_accepted a;
    cm_wbuf w = {0};

    memset(&a, 0, sizeof(a));
    a.submission = (char *)sub;
    a.at_ms = at;
    a.reply_to = "client@example.com";
    a.lang = "fr";
    a.status = CM_ACCEPT_ACCEPTED;
    a.expires_ms = at + DAY;
    a.recipients = r;
    a.recipients_n = 1;
    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    assert_int_equal(dl_state_accepted(&f->st, txn_of(f), w.data, w.len, at), 0);
    cm_wbuf_free(&w);
}

static void submitted(fixture *f, const char *sub, uint64_t job, const char *id, uint64_t at)
{
    const char *ids[] = {id};
    cm_msg_result r;
    cm_wbuf w = {0};

    memset(&r, 0, sizeof(r));
    r.job_id = job;
    r.attempt = 1;
    r.submission = (char *)sub;
    r.operator_name = "orange";
    r.status = CM_RESULT_SUBMITTED;
    r.message_ids.v = (char **)ids;
    r.message_ids.n = 1;
    assert_int_equal(cm_wire_encode_result(&r, &w), 0);
    assert_int_equal(dl_state_result(&f->st, txn_of(f), w.data, w.len, at), 0);
    cm_wbuf_free(&w);
}

static void receipt(fixture *f, const char *text, uint64_t at)
{
    cm_msg_deliver d;
    cm_wbuf w = {0};

    memset(&d, 0, sizeof(d));
    d.operator_name = "orange";
    d.esm_class = 4;
    d.short_message.data = (uint8_t *)text;
    d.short_message.len = strlen(text);
    assert_int_equal(cm_wire_encode_deliver(&d, &w), 0);
    /* 0 when kept (early, unmatched), DL_STATE_REPEATABLE when matched */
    assert_in_range(dl_state_deliver(&f->st, txn_of(f), w.data, w.len, at), 0, DL_STATE_REPEATABLE);
    cm_wbuf_free(&w);
}

static void seen(fixture *f, const char *key, uint64_t at)
{
    assert_int_equal(cm_store_put(txn_of(f), f->st.db.seen, key, strlen(key), "12345678", 8, 0), 0);
    assert_int_equal(dl_prune_note(&f->st, txn_of(f), DL_AGE_SEEN, key, strlen(key), at), 0);
}

static size_t n_of(fixture *f, MDB_dbi dbi)
{
    MDB_stat s;

    assert_int_equal(mdb_stat(txn_of(f), dbi, &s), 0);
    return s.ms_entries;
}

static unsigned prune(fixture *f, uint64_t now, unsigned max)
{
    unsigned n = 99;

    assert_int_equal(dl_prune_run(&f->st, txn_of(f), now, max, &n), 0);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    return n;
}

/* The counts of the sub-databases pruning touches, as one string. */
static const char *counts(fixture *f)
{
    static char out[160];
    const dl_dbs *d = &f->st.db;

    snprintf(out, sizeof(out),
             "seen %zu msgids %zu early %zu unmatched %zu subs %zu progress %zu "
             "rcpts %zu aging %zu",
             n_of(f, d->seen), n_of(f, d->msgids), n_of(f, d->early), n_of(f, d->unmatched),
             n_of(f, d->submissions), n_of(f, d->progress), n_of(f, d->recipients),
             n_of(f, d->aging));
    return out;
}

static void test_retention(void **state)
{
    fixture *f = *state;

    seen(f, "acc:S1", T0);
    accepted(f, "S1", 101, T0);
    submitted(f, "S1", 101, "AB", T0 + 1000);    /* msgids t:ab (one key) */
    submitted(f, "S1", 101, "AB", T0 + 1500);    /* the same RESULT again: no new note */
    receipt(f, "id:AB stat:DELIVRD", T0 + 2000); /* S1 final */
    receipt(f, "stat:DELIVRD", T0 + 3000);       /* no id: unmatched */
    receipt(f, "id:ZZ stat:DELIVRD", T0 + 4000); /* no RESULT ever: early */
    accepted(f, "S2", 102, T0 + 5000);           /* never final */
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    /* notes: seen, S1 msgid, S1 final, unmatched, early */
    assert_string_equal(counts(f), "seen 1 msgids 1 early 1 unmatched 1 subs 2 progress 2 rcpts 1 "
                                   "aging 5");
    assert_int_equal(prune(f, T0 + 7 * DAY - 1, 100), 0);
    assert_int_equal(prune(f, T0 + 7 * DAY + 4000, 100), 3); /* seen, msgid, early */
    /* the early receipt moved to unmatched, noted at its move */
    assert_string_equal(counts(f), "seen 0 msgids 0 early 0 unmatched 2 subs 2 progress 2 rcpts 1 "
                                   "aging 3");
    assert_int_equal(prune(f, T0 + 30 * DAY + 3000, 100), 2); /* S1 and the first unmatched */
    assert_string_equal(counts(f), "seen 0 msgids 0 early 0 unmatched 1 subs 1 progress 1 rcpts 0 "
                                   "aging 1");
    assert_int_equal(prune(f, T0 + 37 * DAY + 4000, 100), 1);
    assert_string_equal(counts(f), "seen 0 msgids 0 early 0 unmatched 0 subs 1 progress 1 rcpts 0 "
                                   "aging 0");
    assert_int_equal(prune(f, T0 + 400 * DAY, 100), 0); /* S2 was never finished */
}

/* A store written when auto ids were kept under every key (t:, n: hex, n: decimal):
 * receipts in any notation still find the id, and pruning deletes all its keys. */
static void test_old_msgid_layout(void **state)
{
    static const char *const RECEIPTS[] = {"id:00AB stat:ENROUTE", "id:171 stat:ENROUTE",
                                           "id:ab stat:DELIVRD"};
    fixture *f = *state;
    dl_msgid_keys keys;
    uint8_t val[12] = {0, 0, 0, 0, 0, 0, 0, 101, 0, 0, 0, 0}; /* job 101, part 0 */
    char k[DL_MSGID_DBKEY_CAP];
    MDB_txn *txn;

    accepted(f, "S1", 101, T0);
    submitted(f, "S1", 101, "AB", T0 + 1000);
    txn = txn_of(f);
    assert_int_equal(dl_msgid_keys_of("AB", DL_MSGID_AUTO, DL_MSGID_RESP, &keys), 0);
    assert_int_equal(keys.n, 2); /* t:ab n:171 */
    for (int i = 0; i < keys.n; i++) {
        int kl = dl_msgid_dbkey("orange", keys.k[i], k, sizeof(k));
        assert_true(kl > 0);
        int rc = cm_store_put(txn, f->st.db.msgids, k, (size_t)kl, val, 12, MDB_NOOVERWRITE);
        assert_true(rc == 0 || rc == -EEXIST);
    }
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(n_of(f, f->st.db.msgids), 2);
    for (size_t i = 0; i < sizeof(RECEIPTS) / sizeof(RECEIPTS[0]); i++)
        receipt(f, RECEIPTS[i], T0 + 2000 + i);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(f->st.counts.receipts[DL_RECEIPT_MATCHED], 1);
    assert_int_equal(f->st.counts.receipts[DL_RECEIPT_INTERMEDIATE], 2);
    assert_int_equal(f->st.counts.final[DL_OUT_DELIVERED], 1);
    assert_int_equal(prune(f, T0 + 7 * DAY + 1000, 100), 1); /* the msgid note */
    assert_int_equal(n_of(f, f->st.db.msgids), 0);
}

static void test_forever_and_batches(void **state)
{
    fixture *f = *state;
    char key[32];

    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof(key), "dlv:orange:e:%d", i);
        seen(f, key, T0 + (uint64_t)i);
    }
    receipt(f, "stat:DELIVRD", T0);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    f->st.keep.unmatched_ms = 0;                        /* kept forever */
    assert_int_equal(prune(f, T0 + 7 * DAY + 4, 3), 3); /* oldest first */
    assert_int_equal(prune(f, T0 + 7 * DAY + 4, 3), 2); /* only 0..4 are due */
    assert_int_equal(n_of(f, f->st.db.seen), 5);
    snprintf(key, sizeof(key), "dlv:orange:e:%d", 5);
    MDB_val v;
    assert_int_equal(cm_store_get(txn_of(f), f->st.db.seen, key, strlen(key), &v), 0);
    assert_int_equal(prune(f, T0 + 1000 * DAY, 100), 5);
    assert_int_equal(n_of(f, f->st.db.unmatched), 1);
    assert_int_equal(n_of(f, f->st.db.aging), 1);
    assert_int_equal(dl_prune_note(&f->st, txn_of(f), DL_AGE_SEEN, "", 0, T0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_msgid_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forever_and_batches, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
