/* Unit tests for operators.message_id_format in dlr, on a real dlr.mdb and a config
 * read by cm_config_load: two messages whose ids collide under "auto" (hex "10" and
 * decimal "16", "007" and "7", ...) are confused by the tolerant matching and kept
 * apart by the pinned format, whether the receipts come after or before their RESULT;
 * pruning deletes an id's keys in the format it was mapped with, and never a key that
 * another message's id took first; the format lookup per operator. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cm_config.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_match.h"
#include "dl_prune.h"
#include "dl_rec.h"
#include "dl_state.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NOW 1717243402000ull
#define JOB_A 11
#define JOB_B 12

typedef struct {
    char dir[64];
    cm_store *store;
    cm_config *cfg;
    dl_state st;
} fixture;

/* A config whose operator "orange" has message_id_format fmt (NULL: key absent). */
static cm_config *config_with(const char *dir, const char *fmt)
{
    char path[128], err[256];
    cm_config *c = NULL;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/smsgw.conf", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp,
            "domain = \"d\"; dlr = { from = \"a@d\"; };\n"
            "operators = ( { name = \"orange\"; %s%s%s binds = ( { host = \"h\"; system_id = "
            "\"s\"; } ); } );\n",
            fmt ? "message_id_format = \"" : "", fmt ? fmt : "", fmt ? "\";" : "");
    fclose(fp);
    if (cm_config_load(path, &c, err, sizeof(err)) < 0) fail_msg("%s", err);
    return c;
}

static void open_fixture(fixture *f, const char *fmt)
{
    static const char *const NAMES[] = {DL_DB_NAMES, NULL};

    memset(f, 0, sizeof(*f));
    strcpy(f->dir, "/tmp/test_dl_idformat.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(cm_store_open(f->dir, (size_t)1 << 30, NAMES, &f->store), 0);
    f->cfg = config_with(f->dir, fmt);
    f->st.cfg = f->cfg;
    f->st.from = "accuses@d";
    f->st.validity_ms = 3600000;
    f->st.expiry_grace_ms = DL_EXPIRY_GRACE_MS;
    f->st.keep.msgid_ms = 86400000;
    dl_state_open_dbs(f->store, &f->st);
}

static void close_fixture(fixture *f)
{
    char cmd[128];

    cm_store_close(f->store);
    cm_config_free(f->cfg);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
}

static MDB_txn *txn_of(fixture *f)
{
    MDB_txn *txn = cm_store_batch_txn(f->store);

    assert_non_null(txn);
    return txn;
}

typedef int (*apply_fn)(dl_state *, MDB_txn *, const uint8_t *, size_t, uint64_t);

static void apply(fixture *f, apply_fn fn, cm_wbuf *w)
{
    assert_int_equal(w->err, 0);
    assert_in_range(fn(&f->st, txn_of(f), w->data, w->len, NOW), 0, DL_STATE_REPEATABLE);
    cm_wbuf_free(w);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
}

static void accepted(fixture *f, const char *sub, uint64_t job)
{
    struct cm_wire_recipient r[] = {{job, "+33601020304", 0, CM_RCPT_QUEUED, "", "", 1}};
    cm_msg_accepted a;
    cm_wbuf w = {0};

    memset(&a, 0, sizeof(a));
    a.submission = (char *)sub;
    a.at_ms = NOW;
    a.reply_to = "client@example.com";
    a.message_id = a.subject = a.account = a.reason = a.encoding = a.text = "";
    a.lang = "fr";
    a.status = CM_ACCEPT_ACCEPTED;
    a.parts = 1;
    a.expires_ms = NOW + 86400000;
    a.recipients = r;
    a.recipients_n = 1;
    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    apply(f, dl_state_accepted, &w);
}

static void result(fixture *f, uint64_t job, const char *sub, const char *id)
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
    r.reason = "";
    r.message_ids.v = (char **)ids;
    r.message_ids.n = 1;
    assert_int_equal(cm_wire_encode_result(&r, &w), 0);
    apply(f, dl_state_result, &w);
}

static void receipt(fixture *f, const char *id, const char *stat)
{
    char text[160];
    cm_msg_deliver d;
    cm_wbuf w = {0};

    snprintf(text, sizeof(text),
             "id:%s sub:001 dlvrd:001 submit date:2406011403 done date:"
             "2406011405 stat:%s err:000 text:",
             id, stat);
    memset(&d, 0, sizeof(d));
    d.operator_name = "orange";
    d.at_ms = NOW + 60000;
    d.source_addr = "33601020304";
    d.dest_addr = "ACME";
    d.esm_class = 4;
    d.short_message.data = (uint8_t *)text;
    d.short_message.len = strlen(text);
    d.receipted_message_id = d.network_error = "";
    assert_int_equal(cm_wire_encode_deliver(&d, &w), 0);
    apply(f, dl_state_deliver, &w);
}

static int outcome(fixture *f, uint64_t job)
{
    MDB_txn *txn;
    MDB_val v;
    uint8_t k[8];
    cm_arena *a = NULL;
    dl_rcpt r;

    cm_be64_put(k, job);
    assert_int_equal(cm_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cm_store_get(txn, f->st.db.recipients, k, 8, &v), 0);
    assert_int_equal(dl_rcpt_decode(v.mv_data, v.mv_size, &a, &r), 0);
    cm_arena_free(a);
    mdb_txn_abort(txn);
    return r.outcome;
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

/* Two messages A and B of one SMSC: their ids in submit_sm_resp and in receipts. A's
 * receipt says DELIVRD, B's UNDELIV. early: B's receipt comes before both RESULTs. */
typedef struct {
    const char *fmt;
    const char *a_resp, *b_resp, *a_rcpt, *b_rcpt;
    int early;
    int auto_a, auto_b; /* the outcomes under "auto" (the pinned one: delivered, undelivered) */
} scenario;

static const scenario SCENARIOS[] = {
    /* hex 0x10 and 0x16 answered, receipts in decimal: "16" is A's receipt, but under
     * auto it is B's id as text */
    {"hex_resp_decimal_receipt", "10", "16", "16", "22", 0, DL_OUT_PENDING, DL_OUT_DELIVERED},
    {"hex_resp_decimal_receipt", "10", "16", "16", "22", 1, DL_OUT_PENDING, DL_OUT_UNDELIVERED},
    /* hex everywhere: B's early receipt "16" reads as decimal 16 = A's 0x10 */
    {"hex", "10", "16", "10", "16", 1, DL_OUT_UNDELIVERED, DL_OUT_PENDING},
    /* decimal everywhere: B's "16" reads as hex 0x16 = A's 22 */
    {"decimal", "22", "16", "22", "16", 1, DL_OUT_UNDELIVERED, DL_OUT_PENDING},
    /* text ids: "1f" reads as 0x1f = 31; "007" is "7" without its zeros */
    {"text", "31", "1F", "31", "1f", 1, DL_OUT_UNDELIVERED, DL_OUT_PENDING},
    {"text", "007", "7", "007", "7", 0, DL_OUT_DELIVERED, DL_OUT_PENDING},
    /* no collision: case and leading zeros still match when pinned */
    {"hex", "00AB", "AC", "ab", "000ac", 0, DL_OUT_DELIVERED, DL_OUT_UNDELIVERED},
    {"decimal", "0123", "124", "123", "00124", 1, DL_OUT_DELIVERED, DL_OUT_UNDELIVERED},
};

static void play(fixture *f, const scenario *s)
{
    accepted(f, "SA", JOB_A);
    accepted(f, "SB", JOB_B);
    if (s->early) receipt(f, s->b_rcpt, "UNDELIV");
    result(f, JOB_A, "SA", s->a_resp);
    result(f, JOB_B, "SB", s->b_resp);
    receipt(f, s->a_rcpt, "DELIVRD");
    if (!s->early) receipt(f, s->b_rcpt, "UNDELIV");
}

static void test_collisions(void **state)
{
    fixture f;
    (void)state;

    for (size_t i = 0; i < N_ELEMS(SCENARIOS); i++) {
        const scenario *s = &SCENARIOS[i];
        print_message("%s: A %s/%s, B %s/%s%s\n", s->fmt, s->a_resp, s->a_rcpt, s->b_resp,
                      s->b_rcpt, s->early ? " (B's receipt first)" : "");
        open_fixture(&f, "auto");
        play(&f, s);
        assert_int_equal(outcome(&f, JOB_A), s->auto_a);
        assert_int_equal(outcome(&f, JOB_B), s->auto_b);
        close_fixture(&f);
        open_fixture(&f, s->fmt);
        play(&f, s);
        assert_int_equal(outcome(&f, JOB_A), DL_OUT_DELIVERED);
        assert_int_equal(outcome(&f, JOB_B), DL_OUT_UNDELIVERED);
        assert_int_equal(count(&f, f.st.db.early), 0);
        assert_int_equal(count(&f, f.st.db.unmatched), 0);
        close_fixture(&f);
    }
}

static void test_format_lookup(void **state)
{
    static const struct {
        const char *name;
        enum dl_msgid_format fmt;
    } C[] = {
        {NULL, DL_MSGID_AUTO},
        {"auto", DL_MSGID_AUTO},
        {"hex", DL_MSGID_HEX},
        {"decimal", DL_MSGID_DECIMAL},
        {"hex_resp_decimal_receipt", DL_MSGID_HEX_RESP_DECIMAL_RECEIPT},
        {"text", DL_MSGID_TEXT},
    };
    fixture f;
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        open_fixture(&f, C[i].name);
        assert_int_equal(dl_match_format(&f.st, "orange"), C[i].fmt);
        assert_int_equal(dl_match_format(&f.st, "sfr"), DL_MSGID_AUTO); /* not configured */
        f.st.cfg = NULL;
        assert_int_equal(dl_match_format(&f.st, "orange"), DL_MSGID_AUTO);
        close_fixture(&f);
    }
}

/* Under auto, A's "10" and B's "16" are stored once each (t:10, t:16): forgetting B
 * leaves A's key, which a receipt "16" still finds (16 read as hex is decimal 22, as
 * decimal is hex 10: "t:10"), as when every key was stored and B's "n:16" was A's. */
static void test_forget_keeps_others_keys(void **state)
{
    fixture f;
    uint64_t job = 0;
    uint32_t part = 9;
    (void)state;

    open_fixture(&f, "auto");
    assert_int_equal(dl_match_map(&f.st, txn_of(&f), "orange", "10", JOB_A, 0, NOW), 0);
    assert_int_equal(dl_match_map(&f.st, txn_of(&f), "orange", "16", JOB_B, 0, NOW), 0);
    assert_int_equal(cm_store_batch_commit(f.store), 0);
    assert_int_equal(count(&f, f.st.db.msgids), 2); /* t:10, t:16 */
    assert_int_equal(dl_match_forget(&f.st, txn_of(&f), "orange", "16", DL_MSGID_AUTO), 0);
    assert_int_equal(cm_store_batch_commit(f.store), 0);
    assert_int_equal(count(&f, f.st.db.msgids), 1);
    assert_int_equal(dl_match_find(&f.st, txn_of(&f), "orange", "16", &job, &part), 0);
    assert_int_equal(job, JOB_A);
    assert_int_equal(part, 0);
    assert_int_equal(cm_store_batch_commit(f.store), 0);
    close_fixture(&f);
}

/* Ids mapped and receipts kept under "hex" are pruned after the operator went back
 * to "auto": the note says how the id was mapped. */
static void test_prune_after_format_change(void **state)
{
    fixture f;
    cm_config *hex;
    unsigned n = 0;
    (void)state;

    open_fixture(&f, "hex");
    hex = f.cfg;
    result(&f, JOB_A, "SA", "10");  /* n:16 */
    receipt(&f, "0016", "DELIVRD"); /* before its RESULT: early under n:22 */
    assert_int_equal(count(&f, f.st.db.msgids), 1);
    assert_int_equal(count(&f, f.st.db.early), 1);
    f.cfg = config_with(f.dir, "auto");
    f.st.cfg = f.cfg;
    cm_config_free(hex);
    assert_int_equal(dl_prune_run(&f.st, txn_of(&f), NOW + 86400000, 100, &n), 0);
    assert_int_equal(cm_store_batch_commit(f.store), 0);
    assert_int_equal(n, 2);
    assert_int_equal(count(&f, f.st.db.msgids), 0);
    assert_int_equal(count(&f, f.st.db.early), 0);
    assert_int_equal(count(&f, f.st.db.unmatched), 1); /* the receipt that never matched */
    close_fixture(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collisions),
        cmocka_unit_test(test_format_lookup),
        cmocka_unit_test(test_forget_keeps_others_keys),
        cmocka_unit_test(test_prune_after_format_change),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
