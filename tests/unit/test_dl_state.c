/* Unit tests for dl_state on a real dlr.mdb (cm_store in a temporary directory):
 * ACCEPTED / RESULT / DELIVER in every order, early receipts, multi-part SMS, hex vs
 * decimal message ids, expiry, receipts that may not be mailed, unmatched receipts,
 * bad payloads, SMS replies (MO_REPLY) mailed to the sender, and the counts behind the
 * metrics. Mails are checked in the outbox through their headers. */
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
#include "dl_rec.h"
#include "dl_state.h"

#define FROM "accuses@sms.example.net"
#define NOW 1717243402000ull

static int setup(void **state)
{
    fixture *f = dl_fixture_open("test_dl_state");
    f->st.from = FROM;
    f->st.validity_ms = 3600000;
    f->st.expiry_grace_ms = DL_EXPIRY_GRACE_MS;
    *state = f;
    return 0;
}

typedef int (*apply_fn)(dl_state *, MDB_txn *, const uint8_t *, size_t, uint64_t);

static int apply(fixture *f, apply_fn fn, cm_wbuf *w)
{
    MDB_txn *txn = cm_store_batch_txn(f->store);
    int rc;

    assert_non_null(txn);
    assert_int_equal(w->err, 0);
    rc = fn(&f->st, txn, w->data, w->len, NOW);
    cm_wbuf_free(w);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    return rc;
}

static int accepted(fixture *f, const char *sub, const char *reply_to, struct cm_wire_recipient *r,
                    size_t n, uint64_t expires_ms)
{
    cm_msg_accepted a;
    cm_wbuf w = {0};

    memset(&a, 0, sizeof(a));
    a.submission = (char *)sub;
    a.at_ms = NOW;
    a.reply_to = (char *)reply_to;
    a.message_id = "m1@client.example.com";
    a.subject = "Test";
    a.account = "demo";
    a.lang = "fr";
    a.status = CM_ACCEPT_ACCEPTED;
    a.reason = a.encoding = a.text = "";
    a.parts = 1;
    a.expires_ms = expires_ms;
    a.recipients = r;
    a.recipients_n = n;
    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    return apply(f, dl_state_accepted, &w);
}

static int result(fixture *f, uint64_t job, const char *sub, uint8_t status, uint32_t smpp,
                  const char **ids, size_t n)
{
    cm_msg_result r;
    cm_wbuf w = {0};

    memset(&r, 0, sizeof(r));
    r.job_id = job;
    r.attempt = 1;
    r.submission = (char *)sub;
    r.operator_name = "orange";
    r.status = status;
    r.smpp_status = smpp;
    r.reason = smpp ? "invalid destination" : "";
    r.message_ids.v = (char **)ids;
    r.message_ids.n = n;
    r.at_ms = NOW + 1000;
    assert_int_equal(cm_wire_encode_result(&r, &w), 0);
    return apply(f, dl_state_result, &w);
}

static int deliver(fixture *f, const char *text, const char *tlv_id, uint32_t tlv_state)
{
    cm_msg_deliver d;
    cm_wbuf w = {0};

    memset(&d, 0, sizeof(d));
    d.operator_name = "orange";
    d.at_ms = NOW + 60000;
    d.source_addr = "33601020304";
    d.dest_addr = "DEMO";
    d.esm_class = 4;
    d.short_message.data = (uint8_t *)text;
    d.short_message.len = strlen(text);
    d.receipted_message_id = (char *)tlv_id;
    d.message_state = tlv_state;
    d.network_error = "";
    assert_int_equal(cm_wire_encode_deliver(&d, &w), 0);
    return apply(f, dl_state_deliver, &w);
}

static int mo_reply(fixture *f, const char *sub, const char *reply_to, const char *text)
{
    cm_msg_mo_reply m;
    cm_wbuf w = {0};

    memset(&m, 0, sizeof(m));
    m.from = "+33601020304";
    m.to = "DEMO";
    m.text = (char *)text;
    m.at_ms = NOW + 120000;
    m.account = "demo";
    m.submission = (char *)sub;
    m.reply_to = (char *)reply_to;
    m.lang = "fr";
    assert_int_equal(cm_wire_encode_mo_reply(&m, &w), 0);
    return apply(f, dl_state_mo_reply, &w);
}

static size_t count(fixture *f, MDB_dbi dbi)
{
    MDB_txn *txn;
    MDB_stat s;

    assert_int_equal(cm_store_read_begin(f->store, &txn), 0);
    assert_int_equal(mdb_stat(txn, dbi, &s), 0);
    mdb_txn_abort(txn);
    return s.ms_entries;
}

/* The mail with outbox sequence `seq` contains `needle` (a header); its kind is
 * checked when kind != NULL. */
static int mail_has_kind(fixture *f, uint64_t seq, const char *needle, const char *kind)
{
    MDB_txn *txn;
    MDB_val v;
    uint8_t k[8];
    cm_arena *a = NULL;
    dl_mailrec m;
    int found;

    cm_be64_put(k, seq);
    assert_int_equal(cm_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cm_store_get(txn, f->st.db.outbox, k, 8, &v), 0);
    assert_int_equal(dl_mailrec_decode(v.mv_data, v.mv_size, &a, &m), 0);
    assert_string_equal(m.env_from, FROM);
    assert_true(m.queued_ms >= NOW && m.queued_ms < NOW + 86400000);
    if (kind != NULL) assert_string_equal(m.kind, kind);
    found = strstr((const char *)m.mail.data, needle) != NULL;
    cm_arena_free(a);
    mdb_txn_abort(txn);
    return found;
}

static int mail_has(fixture *f, uint64_t seq, const char *needle)
{
    return mail_has_kind(f, seq, needle, NULL);
}

#define DLV(id, stat)                                                                              \
    "id:" id " sub:001 dlvrd:001 submit date:2406011403 done date:2406011405 stat:" stat           \
    " err:000 text:"

static void test_in_order(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {
        {101, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1},
        {102, "+33601020305", 0, CM_RCPT_QUEUED, "", "", 1},
        {0, "0801", 3, CM_RCPT_REJECTED, "numéro invalide", "", 0},
    };
    const char *ids[] = {"00AB"};

    assert_int_equal(accepted(f, "S1", "client@example.com", r, 3, NOW + 86400000), 0);
    assert_int_equal(count(f, f->st.db.outbox), 1);
    assert_true(mail_has(f, 1, "X-SMSGW-Status: accepted\r\n"));
    assert_true(mail_has(f, 1, "In-Reply-To: <m1@client.example.com>\r\n"));
    assert_int_equal(count(f, f->st.db.expiry), 1);
    assert_int_equal(result(f, 101, "S1", CM_RESULT_SUBMITTED, 0, ids, 1), 0);
    assert_int_equal(deliver(f, DLV("171", "DELIVRD"), "", 0),
                     DL_STATE_REPEATABLE); /* 0xAB = 171 */
    assert_int_equal(count(f, f->st.db.outbox), 1);
    assert_int_equal(result(f, 102, "S1", CM_RESULT_RETRY, 0x58, NULL, 0), 0);
    assert_int_equal(count(f, f->st.db.outbox), 1);
    assert_int_equal(result(f, 102, "S1", CM_RESULT_FAILED, 0x0B, NULL, 0), 0);
    assert_int_equal(count(f, f->st.db.outbox), 2);
    assert_true(mail_has(f, 2, "X-SMSGW-Status: partial\r\n"));
    assert_true(mail_has(f, 2, "X-SMSGW-Submission: S1\r\n"));
    assert_int_equal(count(f, f->st.db.expiry), 0);
    /* a late receipt changes nothing any more */
    assert_int_equal(deliver(f, DLV("ab", "UNDELIV"), "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(count(f, f->st.db.outbox), 2);
}

static void test_early_multipart(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{201, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 2}};
    const char *ids[] = {"1A2B", "1A2C"};

    assert_int_equal(deliver(f, DLV("6699", "DELIVRD"), "", 0), 0); /* before its RESULT */
    assert_int_equal(count(f, f->st.db.early), 3);                  /* t:6699, n:26265, n:6699 */
    assert_int_equal(accepted(f, "S2", "client@example.com", r, 1, 0), 0);
    assert_int_equal(result(f, 201, "S2", CM_RESULT_SUBMITTED, 0, ids, 2), 0);
    assert_int_equal(count(f, f->st.db.early), 0);
    assert_int_equal(count(f, f->st.db.outbox), 1);
    assert_int_equal(deliver(f, "id:1a2c stat:ENROUTE", "", 0),
                     DL_STATE_REPEATABLE); /* intermediate */
    assert_int_equal(count(f, f->st.db.outbox), 1);
    assert_int_equal(deliver(f, "", "6700", 2), DL_STATE_REPEATABLE); /* TLVs only: DELIVERED */
    assert_int_equal(count(f, f->st.db.outbox), 2);
    assert_true(mail_has(f, 2, "X-SMSGW-Status: delivered\r\n"));
}

static void test_part_failure_ends_recipient(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{251, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 3}};
    const char *ids[] = {"p1", "p2", "p3"};

    assert_int_equal(accepted(f, "S25", "client@example.com", r, 1, 0), 0);
    assert_int_equal(result(f, 251, "S25", CM_RESULT_SUBMITTED, 0, ids, 3), 0);
    assert_int_equal(deliver(f, DLV("P2", "EXPIRED"), "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(count(f, f->st.db.outbox), 2);
    assert_true(mail_has(f, 2, "X-SMSGW-Status: undelivered\r\n"));
}

static void test_accepted_last(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {
        {301, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1},
        {0, "+33601020306", 0, CM_RCPT_BLACKLISTED, "", "", 0},
    };
    const char *ids[] = {"X1"};

    assert_int_equal(result(f, 301, "S3", CM_RESULT_SUBMITTED, 0, ids, 1), 0);
    assert_int_equal(deliver(f, DLV("x1", "DELIVRD"), "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(count(f, f->st.db.outbox), 0);
    assert_int_equal(accepted(f, "S3", "client@example.com", r, 2, 0), 0);
    assert_int_equal(count(f, f->st.db.outbox), 2); /* acceptance and final at once */
    assert_true(mail_has(f, 2, "X-SMSGW-Status: partial\r\n"));
    assert_int_equal(count(f, f->st.db.expiry), 0);
}

static void test_expiry(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{401, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1}};
    unsigned n = 9;

    assert_int_equal(accepted(f, "S4", "client@example.com", r, 1, NOW + 1000), 0);
    MDB_txn *txn = cm_store_batch_txn(f->store);
    assert_int_equal(dl_state_expire(&f->st, txn, NOW + 1000, 10, &n), 0);
    assert_int_equal(n, 0); /* grace period */
    assert_int_equal(dl_state_expire(&f->st, txn, NOW + 1000 + DL_EXPIRY_GRACE_MS, 10, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(count(f, f->st.db.outbox), 2);
    assert_true(mail_has(f, 2, "X-SMSGW-Status: undelivered\r\n"));
    assert_int_equal(count(f, f->st.db.expiry), 0);
}

/* dlr.expiry_grace_s changes when the index entry is due, also for entries stored
 * before the change; an entry whose submission was finished meanwhile just goes. */
static void test_expiry_grace_configured(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{411, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1}};
    const char *ids[] = {"411"};
    unsigned n = 9;
    MDB_txn *txn;

    assert_int_equal(accepted(f, "S41", "client@example.com", r, 1, NOW + 1000), 0);
    f->st.expiry_grace_ms = 2000;
    txn = cm_store_batch_txn(f->store);
    assert_int_equal(dl_state_expire(&f->st, txn, NOW + 2999, 10, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(dl_state_expire(&f->st, txn, NOW + 3000, 10, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_true(mail_has(f, 2, "X-SMSGW-Status: undelivered\r\n"));
    r[0].job_id = 412;
    assert_int_equal(accepted(f, "S42", "client@example.com", r, 1, NOW + 1000), 0);
    assert_int_equal(result(f, 412, "S42", CM_RESULT_SUBMITTED, 0, ids, 1), 0);
    assert_int_equal(deliver(f, DLV("411", "DELIVRD"), "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(count(f, f->st.db.expiry), 0);
    assert_int_equal(count(f, f->st.db.outbox), 4);
    assert_true(mail_has(f, 4, "X-SMSGW-Status: delivered\r\n"));
}

static void test_no_mail_addresses(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{0, "+33601020306", 0, CM_RCPT_BLACKLISTED, "", "", 0}};

    assert_int_equal(accepted(f, "S5", "", r, 1, 0), 0);
    assert_int_equal(accepted(f, "S6", "<>", r, 1, 0), 0);
    assert_int_equal(accepted(f, "S7", "ACCUSES@sms.example.net", r, 1, 0), 0);
    assert_int_equal(count(f, f->st.db.outbox), 0);
    assert_int_equal(count(f, f->st.db.submissions), 3);
}

static void test_unmatched_and_bad(void **state)
{
    fixture *f = *state;
    cm_wbuf w = {0};

    assert_int_equal(deliver(f, "stat:DELIVRD err:000", "", 0), 0);
    assert_int_equal(count(f, f->st.db.unmatched), 1);
    assert_int_equal(deliver(f, "id:a\x01z stat:DELIVRD", "", 0), 0); /* unusable id */
    assert_int_equal(count(f, f->st.db.unmatched), 2);
    cm_put_u8(&w, CM_WIRE_VERSION);
    cm_put_u8(&w, CM_MSG_ACCEPTED);
    assert_int_equal(apply(f, dl_state_accepted, &w), -EBADMSG);
    cm_put_u8(&w, CM_WIRE_VERSION);
    cm_put_u8(&w, CM_MSG_RESULT);
    assert_int_equal(apply(f, dl_state_result, &w), -EBADMSG);
    cm_put_u8(&w, 99);
    assert_int_equal(apply(f, dl_state_deliver, &w), -EBADMSG);
    assert_int_equal(result(f, 0, "S9", CM_RESULT_SUBMITTED, 0, NULL, 0), -EBADMSG);
}

/* A reply to a known submission threads with the customer's mail; to a forgotten one
 * it still goes; never to an address that may not receive mail; never twice is the
 * intake's `seen` (not tested here). */
static void test_mo_reply(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {{601, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1}};

    f->st.domain = "sms.example.net";
    assert_int_equal(accepted(f, "S60", "client@example.com", r, 1, 0), 0);
    assert_int_equal(mo_reply(f, "S60", "client@example.com", "Oui, je confirme"), 0);
    assert_int_equal(count(f, f->st.db.outbox), 2);
    assert_true(mail_has_kind(f, 2, "X-SMSGW-Status: reply\r\n", "reply"));
    assert_true(mail_has(f, 2, "X-SMSGW-Submission: S60\r\n"));
    assert_true(mail_has(f, 2, "In-Reply-To: <m1@client.example.com>\r\n"));
    assert_true(mail_has(f, 2, "Oui, je confirme"));
    assert_int_equal(mo_reply(f, "S404", "client@example.com", "Bien re\xc3\xa7u"), 0);
    assert_int_equal(count(f, f->st.db.outbox), 3);
    assert_true(mail_has(f, 3, "X-SMSGW-Submission: S404\r\n"));
    assert_false(mail_has(f, 3, "In-Reply-To:"));
    assert_int_equal(mo_reply(f, "S60", "<>", "x"), 0);
    assert_int_equal(mo_reply(f, "S60", "", "x"), 0);
    assert_int_equal(mo_reply(f, "S60", FROM, "x"), 0);
    assert_int_equal(count(f, f->st.db.outbox), 3);
    cm_wbuf w = {0};
    cm_put_u8(&w, CM_WIRE_VERSION);
    cm_put_u8(&w, CM_MSG_MO_REPLY);
    assert_int_equal(apply(f, dl_state_mo_reply, &w), -EBADMSG);
}

/* The counts behind smsgw_dlr_receipts_total and smsgw_dlr_final_total. */
static void test_counts(void **state)
{
    fixture *f = *state;
    struct cm_wire_recipient r[] = {
        {701, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1},
        {702, "+33601020305", 0, CM_RCPT_QUEUED, "", "", 1},
        {703, "+33601020307", 0, CM_RCPT_QUEUED, "", "", 1},
        {704, "+33601020308", 0, CM_RCPT_QUEUED, "", "", 1},
        {0, "0801", 5, CM_RCPT_REJECTED, "invalid_number", "", 0},
        {0, "+33601020306", 6, CM_RCPT_BLACKLISTED, "blacklisted", "", 0},
    };
    const char *id1[] = {"A1"}, *id2[] = {"A2"};
    const dl_counts *c = &f->st.counts;
    unsigned n;

    assert_int_equal(deliver(f, DLV("a1", "DELIVRD"), "", 0), 0); /* early */
    assert_int_equal(accepted(f, "S70", "client@example.com", r, 6, NOW + 1000), 0);
    assert_int_equal(result(f, 701, "S70", CM_RESULT_SUBMITTED, 0, id1, 1), 0); /* replays it */
    assert_int_equal(result(f, 702, "S70", CM_RESULT_SUBMITTED, 0, id2, 1), 0);
    assert_int_equal(deliver(f, "id:a2 stat:ENROUTE", "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(deliver(f, DLV("a2", "UNDELIV"), "", 0), DL_STATE_REPEATABLE);
    assert_int_equal(deliver(f, "stat:DELIVRD", "", 0), 0);
    assert_int_equal(result(f, 703, "S70", CM_RESULT_FAILED, 0x0B, NULL, 0), 0);
    MDB_txn *txn = cm_store_batch_txn(f->store);
    assert_int_equal(dl_state_expire(&f->st, txn, NOW + 1000 + DL_EXPIRY_GRACE_MS, 10, &n), 0);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(c->receipts[DL_RECEIPT_EARLY], 1);
    assert_int_equal(c->receipts[DL_RECEIPT_MATCHED], 1); /* the replay is not counted again */
    assert_int_equal(c->receipts[DL_RECEIPT_INTERMEDIATE], 1);
    assert_int_equal(c->receipts[DL_RECEIPT_UNMATCHED], 1);
    assert_int_equal(c->final[DL_OUT_DELIVERED], 1);
    assert_int_equal(c->final[DL_OUT_UNDELIVERED], 2);
    assert_int_equal(c->final[DL_OUT_EXPIRED], 1);
    assert_int_equal(c->final[DL_OUT_REJECTED], 1);
    assert_int_equal(c->final[DL_OUT_BLACKLISTED], 1);
    /* every recipient of a rejected submission is final as rejected */
    cm_msg_accepted a;
    cm_wbuf w = {0};
    memset(&a, 0, sizeof(a));
    a.submission = "S71";
    a.reply_to = "client@example.com";
    a.message_id = a.subject = a.account = a.encoding = a.text = a.ucs2_chars = "";
    a.lang = "en";
    a.status = CM_ACCEPT_REJECTED;
    a.reason = "no_body";
    a.recipients = r;
    a.recipients_n = 2;
    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    assert_int_equal(apply(f, dl_state_accepted, &w), 0);
    assert_int_equal(c->final[DL_OUT_REJECTED], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_early_multipart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_part_failure_ends_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accepted_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_grace_configured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_mail_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmatched_and_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mo_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
