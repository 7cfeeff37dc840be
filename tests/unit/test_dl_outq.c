/* Unit tests for dl_outq (the receipts outbox and its indexes) on a real dlr.mdb: order
 * per (recipient, submission) group, two submissions to one recipient due at once with
 * each final waiting for its acceptance, replies and mails without submission, key
 * length limits, deferral, in-flight skipping, burial with its counter, a backlog whose
 * due index holds one entry per group, rebuilding lost indexes and the indexes of a
 * store written by a dlr that grouped by recipient alone (layout 1), the depth and the
 * oldest mail's age (metrics), mails stored by the previous record version, a mail
 * written in place by a fill function (dl_outq_put_fill), and a stored mail read back
 * in pieces from the map with its pages given back (dl_outread). */
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
#include "dl_outq.h"
#include "dl_outread.h"
#include "dl_rec.h"
#include "dl_state.h"

#define NOW 1717243402000ull

static int setup(void **state)
{
    fixture *f = dl_fixture_open("test_dl_outq");
    *state = f;
    return 0;
}

static int put_rc(fixture *f, const char *to, const char *sub, const char *kind, uint64_t at,
                  uint64_t *seq)
{
    dl_mailrec m = {at,
                    0,
                    "accuses@sms.example.net",
                    (char *)to,
                    (char *)sub,
                    (char *)kind,
                    {(uint8_t *)"mail", 4},
                    ""};

    m.queued_ms = at;
    return dl_outq_put(&f->st, txn_of(f), &m, seq);
}

static uint64_t put_sub(fixture *f, const char *to, const char *sub, const char *kind, uint64_t at)
{
    uint64_t seq = 0;

    assert_int_equal(put_rc(f, to, sub, kind, at, &seq), 0);
    return seq;
}

static uint64_t put(fixture *f, const char *to, const char *kind, uint64_t at)
{
    return put_sub(f, to, "S1", kind, at);
}

static size_t entries(fixture *f, MDB_dbi dbi)
{
    MDB_stat s;

    assert_int_equal(mdb_stat(txn_of(f), dbi, &s), 0);
    return s.ms_entries;
}

/* The due sequence numbers at `now` (skipping skip[0..nskip)), as "1,2,3". */
static const char *due(fixture *f, uint64_t now, const uint64_t *skip, size_t nskip)
{
    static char out[256];
    uint64_t seqs[16];
    size_t n = 0, len = 0;

    assert_int_equal(dl_outq_due(&f->st, txn_of(f), now, skip, nskip, seqs, 16, &n), 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%llu", i ? "," : "",
                                (unsigned long long)seqs[i]);
    return out;
}

static dl_mailrec later(const char *to, uint64_t next_try)
{
    dl_mailrec m = {next_try, 1,       "accuses@sms.example.net", (char *)to,
                    "S1",     "final", {(uint8_t *)"mail", 4},    "451"};
    return m;
}

static void test_order_per_recipient(void **state)
{
    fixture *f = *state;

    assert_int_equal(put(f, "a@x.test", "acceptance", NOW), 1);
    assert_int_equal(put(f, "b@x.test", "acceptance", NOW), 2);
    assert_int_equal(put(f, "a@x.test", "final", NOW + 10), 3);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "1,2"); /* 3 waits behind 1 */
    assert_string_equal(due(f, NOW - 1, NULL, 0), "");
    uint64_t busy[] = {1};
    assert_string_equal(due(f, NOW + 10, busy, 1), "2"); /* 1 in flight, 3 still waits */
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "2,3");
    assert_int_equal(entries(f, f->st.db.outbox), 2);
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 2);
    assert_int_equal(entries(f, f->st.db.outbox_due), 2);
}

static dl_mailrec later_sub(const char *to, const char *sub, const char *kind, uint64_t next_try)
{
    dl_mailrec m = later(to, next_try);

    m.submission = (char *)sub;
    m.kind = (char *)kind;
    return m;
}

/* Two submissions to one address: both acceptances due at once (they may be in flight
 * together), each final waits for its own acceptance only, also while it is retried. */
static void test_two_submissions_one_recipient(void **state)
{
    fixture *f = *state;
    dl_mailrec m = later_sub("a@x.test", "S2", "acceptance", NOW + 5000);

    assert_int_equal(put_sub(f, "a@x.test", "S1", "acceptance", NOW), 1);
    assert_int_equal(put_sub(f, "a@x.test", "S2", "acceptance", NOW), 2);
    assert_int_equal(put_sub(f, "a@x.test", "S1", "final", NOW + 1), 3);
    assert_int_equal(put_sub(f, "a@x.test", "S2", "final", NOW + 1), 4);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "1,2"); /* 3 and 4 wait */
    uint64_t busy[] = {1, 2};
    assert_string_equal(due(f, NOW + 10, busy, 2), "");           /* both in flight, finals wait */
    assert_int_equal(dl_outq_defer(&f->st, txn_of(f), 2, &m), 0); /* S2's acceptance: 4xx */
    assert_string_equal(due(f, NOW + 10, NULL, 0), "1");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "3"); /* S1's final; S2's still waits */
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 3), 0);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "");
    assert_string_equal(due(f, NOW + 5000, NULL, 0), "2");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 2), 0);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "4");
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 1);
    assert_int_equal(entries(f, f->st.db.outbox_due), 1);
}

/* A reply queues behind the receipts of the submission it answers; a mail without
 * submission groups with the address's other mails without one; a submission that
 * is a prefix of another is a group of its own. */
static void test_replies_and_no_submission(void **state)
{
    fixture *f = *state;

    put_sub(f, "a@x.test", "S1", "acceptance", NOW);
    put_sub(f, "a@x.test", "S1", "reply", NOW);
    put_sub(f, "a@x.test", "", "reply", NOW);
    put_sub(f, "a@x.test", "", "reply", NOW);
    put_sub(f, "a@x.test", "S", "acceptance", NOW);
    put_sub(f, "a@x.tes", "tS1", "acceptance", NOW);
    assert_string_equal(due(f, NOW, NULL, 0), "1,3,5,6");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 3), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "1,4,5,6");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "2,4,5,6");
}

/* Keys stay under LMDB's 511 bytes: a 400-byte recipient with a long submission is
 * indexed (submissions sharing their first 100 bytes share a group: order kept); a
 * longer recipient is refused. */
static void test_key_limits(void **state)
{
    fixture *f = *state;
    char rcpt[402], sub1[301], sub2[301];
    uint64_t seq = 0;

    memset(rcpt, 'r', sizeof(rcpt) - 1);
    rcpt[400] = '\0';
    memset(sub1, 's', sizeof(sub1) - 1);
    sub1[300] = '\0';
    memcpy(sub2, sub1, sizeof(sub2));
    sub2[299] = 't';
    assert_int_equal(put_sub(f, rcpt, sub1, "acceptance", NOW), 1);
    assert_int_equal(put_sub(f, rcpt, sub2, "acceptance", NOW), 2);
    assert_int_equal(put_sub(f, rcpt, "S2", "acceptance", NOW), 3);
    assert_string_equal(due(f, NOW, NULL, 0), "1,3");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "2,3");
    rcpt[400] = 'r';
    rcpt[401] = '\0';
    assert_int_equal(put_rc(f, rcpt, "S1", "acceptance", NOW, &seq), -EINVAL);
    assert_int_equal(entries(f, f->st.db.outbox), 2);
}

static void test_defer_and_bury(void **state)
{
    fixture *f = *state;
    dl_mailrec m = later("b@x.test", NOW + 5000);
    MDB_val v;
    uint64_t count = 0;

    put(f, "a@x.test", "acceptance", NOW);
    put(f, "b@x.test", "acceptance", NOW);
    put(f, "b@x.test", "final", NOW);
    assert_int_equal(dl_outq_defer(&f->st, txn_of(f), 2, &m), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "1"); /* b waits for its retry, 3 behind it */
    assert_string_equal(due(f, NOW + 5000, NULL, 0), "1,2");
    m.last_error = "550 no such user";
    assert_int_equal(dl_outq_bury(&f->st, txn_of(f), 2, &m), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "1,3");
    assert_int_equal(entries(f, f->st.db.dead), 1);
    assert_int_equal(cm_store_get(txn_of(f), f->st.db.meta, "dead", 4, &v), 0);
    assert_int_equal(v.mv_size, 8);
    memcpy(&count, v.mv_data, 8); /* cm_store counters are native integers */
    assert_int_equal(count, 1);
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 3), 0);
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW + 100000, NULL, 0), "");
    assert_int_equal(entries(f, f->st.db.outbox), 0);
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 0);
    assert_int_equal(entries(f, f->st.db.outbox_due), 0);
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), -ENOENT);
}

/* A smarthost down for long: 20,000 mails to 2,000 customers, every first mail waiting
 * for its retry. The due index holds 2,000 entries and a scan reads none of them. */
static void test_backlog(void **state)
{
    fixture *f = *state;

    for (int i = 0; i < 20000; i++) {
        char to[32];
        snprintf(to, sizeof(to), "c%04d@x.test", i % 2000);
        put(f, to, i < 2000 ? "acceptance" : "final", NOW);
    }
    for (uint64_t seq = 1; seq <= 2000; seq++) {
        char to[32];
        snprintf(to, sizeof(to), "c%04d@x.test", (int)(seq - 1));
        dl_mailrec m = later(to, NOW + 60000 + seq);
        assert_int_equal(dl_outq_defer(&f->st, txn_of(f), seq, &m), 0);
    }
    assert_int_equal(entries(f, f->st.db.outbox), 20000);
    assert_int_equal(entries(f, f->st.db.outbox_due), 2000);
    assert_string_equal(due(f, NOW + 1000, NULL, 0), "");
    assert_string_equal(due(f, NOW + 60002, NULL, 0), "1,2");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 2), 0);
    /* c0001's next mail takes its place, due since it was queued */
    assert_string_equal(due(f, NOW + 60002, NULL, 0), "2002,1");
    assert_int_equal(cm_store_batch_commit(f->store), 0);
}

static uint64_t layout(fixture *f)
{
    MDB_val v;
    uint64_t n = 0;

    if (cm_store_get(txn_of(f), f->st.db.meta, "outbox_layout", 13, &v) != 0) return 0;
    assert_int_equal(v.mv_size, 8);
    memcpy(&n, v.mv_data, 8);
    return n;
}

static void test_reindex(void **state)
{
    fixture *f = *state;
    dl_mailrec m = later("a@x.test", NOW + 5000);

    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 1); /* fresh: no layout yet */
    assert_int_equal(dl_outq_reindex(&f->st, txn_of(f)), 0);
    assert_int_equal(layout(f), 2);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 0);
    put(f, "a@x.test", "acceptance", NOW);
    put(f, "b@x.test", "acceptance", NOW + 1);
    put(f, "a@x.test", "final", NOW + 2);
    assert_int_equal(dl_outq_defer(&f->st, txn_of(f), 1, &m), 0);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 0);
    assert_int_equal(mdb_drop(txn_of(f), f->st.db.outbox_rcpt, 0), 0);
    assert_int_equal(mdb_drop(txn_of(f), f->st.db.outbox_due, 0), 0);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 1);
    assert_int_equal(dl_outq_reindex(&f->st, txn_of(f)), 0);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 0);
    assert_string_equal(due(f, NOW + 10, NULL, 0), "2");
    assert_string_equal(due(f, NOW + 5000, NULL, 0), "2,1");
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 3);
}

/* Index entries as a dlr of layout 1 wrote them: rcpt \0 BE64(seq) for every mail,
 * the first mail of each recipient due-indexed. */
static void write_layout1(fixture *f, const char *rcpt, uint64_t seq, int first)
{
    uint8_t k[64];
    size_t rl = strlen(rcpt);

    memcpy(k, rcpt, rl + 1);
    cm_be64_put(k + rl + 1, seq);
    assert_int_equal(cm_store_put(txn_of(f), f->st.db.outbox_rcpt, k, rl + 9, "", 0, 0), 0);
    if (!first) return;
    cm_be64_put(k, NOW);
    cm_be64_put(k + 8, seq);
    assert_int_equal(cm_store_put(txn_of(f), f->st.db.outbox_due, k, 16, "", 0, 0), 0);
}

/* An upgraded dlr on a layout-1 store: the index sizes agree with the outbox, but the
 * missing layout marker makes the check ask for the rebuild, after which both
 * submissions to a@ are due and each final follows its acceptance; nothing is lost. */
static void test_reindex_old_layout(void **state)
{
    fixture *f = *state;

    put_sub(f, "a@x.test", "S1", "acceptance", NOW);
    put_sub(f, "a@x.test", "S2", "acceptance", NOW);
    put_sub(f, "a@x.test", "S1", "final", NOW);
    put_sub(f, "b@x.test", "S3", "acceptance", NOW);
    assert_int_equal(mdb_drop(txn_of(f), f->st.db.outbox_rcpt, 0), 0);
    assert_int_equal(mdb_drop(txn_of(f), f->st.db.outbox_due, 0), 0);
    write_layout1(f, "a@x.test", 1, 1);
    write_layout1(f, "a@x.test", 2, 0);
    write_layout1(f, "a@x.test", 3, 0);
    write_layout1(f, "b@x.test", 4, 1);
    assert_int_equal(layout(f), 0);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 1);
    assert_int_equal(dl_outq_reindex(&f->st, txn_of(f)), 0);
    assert_int_equal(dl_outq_check(&f->st, txn_of(f)), 0);
    assert_int_equal(layout(f), 2);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 4);
    assert_string_equal(due(f, NOW, NULL, 0), "1,2,4");
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_string_equal(due(f, NOW, NULL, 0), "2,3,4");
    for (uint64_t seq = 2; seq <= 4; seq++)
        assert_int_equal(dl_outq_sent(&f->st, txn_of(f), seq), 0);
    assert_int_equal(entries(f, f->st.db.outbox), 0);
    assert_int_equal(entries(f, f->st.db.outbox_rcpt), 0);
    assert_int_equal(entries(f, f->st.db.outbox_due), 0);
}

static void test_depth(void **state)
{
    fixture *f = *state;
    size_t n = 9;
    uint64_t queued = 9;

    assert_int_equal(dl_outq_depth(&f->st, txn_of(f), &n, &queued), 0);
    assert_int_equal(n, 0);
    assert_int_equal(queued, 0);
    put(f, "a@x.test", "acceptance", NOW);
    put(f, "b@x.test", "reply", NOW + 10);
    assert_int_equal(dl_outq_depth(&f->st, txn_of(f), &n, &queued), 0);
    assert_int_equal(n, 2);
    assert_int_equal(queued, NOW);
    assert_int_equal(dl_outq_sent(&f->st, txn_of(f), 1), 0);
    assert_int_equal(dl_outq_depth(&f->st, txn_of(f), &n, &queued), 0);
    assert_int_equal(n, 1);
    assert_int_equal(queued, NOW + 10);
}

/* A version 2 mail (before queued_ms) reads back with queued_ms = next_try_ms; other
 * versions and truncation are refused. */
static void test_old_mail_record(void **state)
{
    dl_mailrec m = later("a@x.test", NOW + 5000), out;
    cm_wbuf w = {0};
    cm_arena *a = NULL;
    (void)state;

    cm_put_u8(&w, 2);
    cm_put_u64(&w, m.next_try_ms);
    cm_put_u32(&w, m.tries);
    cm_put_str(&w, m.env_from);
    cm_put_str(&w, m.rcpt);
    cm_put_str(&w, m.submission);
    cm_put_str(&w, m.kind);
    cm_put_mem(&w, m.mail.data, m.mail.len);
    cm_put_str(&w, m.last_error);
    assert_int_equal(w.err, 0);
    assert_int_equal(dl_mailrec_decode(w.data, w.len, &a, &out), 0);
    assert_int_equal(out.queued_ms, NOW + 5000);
    assert_string_equal(out.rcpt, "a@x.test");
    w.data[0] = DL_REC_VERSION; /* a v3 record must carry queued_ms */
    assert_int_equal(dl_mailrec_decode(w.data, w.len, &a, &out), -EBADMSG);
    w.data[0] = DL_REC_VERSION + 1;
    assert_int_equal(dl_mailrec_decode(w.data, w.len, &a, &out), -EBADMSG);
    cm_wbuf_free(&w);
    m.queued_ms = NOW - 7;
    dl_mailrec_encode(&m, &w);
    assert_int_equal(dl_mailrec_decode(w.data, w.len, &a, &out), 0);
    assert_int_equal(out.queued_ms, NOW - 7);
    assert_int_equal(dl_mailrec_decode(w.data, w.len - 1, &a, &out), -EBADMSG);
    cm_wbuf_free(&w);
    cm_arena_free(a);
}

/* dl_mailrec_peek reads the next try, the recipient and the submission without the mail,
 * and refuses every truncation that cuts into them. */
static void test_peek(void **state)
{
    dl_mailrec m = later("a@x.test", NOW + 5000);
    cm_wbuf w = {0};
    const char *rcpt, *sub;
    size_t rl, sl, whole;
    uint64_t next;
    (void)state;

    dl_mailrec_encode(&m, &w);
    assert_int_equal(dl_mailrec_peek(w.data, w.len, &next, &rcpt, &rl, &sub, &sl), 0);
    assert_int_equal(next, NOW + 5000);
    assert_int_equal(rl, strlen(m.rcpt));
    assert_memory_equal(rcpt, m.rcpt, rl);
    assert_int_equal(sl, strlen(m.submission));
    assert_memory_equal(sub, m.submission, sl);
    whole = (size_t)(sub - (const char *)w.data) + sl; /* the peeked part ends there */
    for (size_t n = 0; n < whole; n++)
        assert_int_equal(dl_mailrec_peek(w.data, n, &next, &rcpt, &rl, &sub, &sl), -EBADMSG);
    assert_int_equal(dl_mailrec_peek(w.data, whole, &next, &rcpt, &rl, &sub, &sl), 0);
    w.data[0] = DL_REC_VERSION + 1;
    assert_int_equal(dl_mailrec_peek(w.data, w.len, &next, &rcpt, &rl, &sub, &sl), -EBADMSG);
    cm_wbuf_free(&w);
}

/* dl_outq_fill writing a pattern, or failing when arg says so. */
static int fill_pattern(void *arg, uint8_t *to, size_t len)
{
    if (arg != NULL) return *(const int *)arg;
    for (size_t i = 0; i < len; i++)
        to[i] = (uint8_t)('a' + (i * 7 + i / 4096) % 26);
    return 0;
}

/* A mail written in place by fill() is stored like one given whole (same record), and
 * fill()'s error comes back as it is. */
static void test_put_fill(void **state)
{
    fixture *f = *state;
    enum { LEN = 70000 };
    uint8_t *want = malloc(LEN);
    dl_mailrec m = later("a@x.test", NOW), out;
    uint64_t seq = 0, seq2 = 0;
    uint8_t k[8];
    MDB_val v;
    cm_arena *a = NULL;
    int err = -EIO;

    assert_non_null(want);
    assert_int_equal(fill_pattern(NULL, want, LEN), 0);
    m.mail = (cm_bytes){NULL, LEN};
    assert_int_equal(dl_outq_put_fill(&f->st, txn_of(f), &m, fill_pattern, NULL, &seq), 0);
    m.mail.data = want;
    assert_int_equal(dl_outq_put(&f->st, txn_of(f), &m, &seq2), 0);
    assert_int_equal(seq2, seq + 1);
    cm_be64_put(k, seq);
    assert_int_equal(cm_store_get(txn_of(f), f->st.db.outbox, k, 8, &v), 0);
    assert_int_equal(dl_mailrec_decode(v.mv_data, v.mv_size, &a, &out), 0);
    assert_int_equal(out.mail.len, LEN);
    assert_memory_equal(out.mail.data, want, LEN);
    assert_string_equal(out.rcpt, "a@x.test");
    assert_string_equal(out.last_error, "451");
    assert_string_equal(due(f, NOW, NULL, 0), "1");
    assert_int_equal(dl_outq_put_fill(&f->st, txn_of(f), &m, fill_pattern, &err, &seq), -EIO);
    cm_arena_free(a);
    free(want);
}

/* A committed mail read by dl_outread in pieces of any size gives its bytes; the map
 * pages read are given back once a step of them is (and at the end), and the data is
 * still there when read again; a missing mail is -ENOENT. */
static void test_outread(void **state)
{
    fixture *f = *state;
    enum { LEN = 3 * DL_OUTREAD_STEP + 12345 };
    static const size_t PIECE[] = {1, 1000, 4096, 65536, LEN + 10};
    uint8_t *want = malloc(LEN), *got = malloc(LEN);
    dl_mailrec m = later("a@x.test", NOW);
    dl_outread r;
    uint64_t seq = 0;

    assert_non_null(want);
    assert_non_null(got);
    assert_int_equal(fill_pattern(NULL, want, LEN), 0);
    m.mail = (cm_bytes){NULL, LEN};
    assert_int_equal(dl_outq_put_fill(&f->st, txn_of(f), &m, fill_pattern, NULL, &seq), 0);
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    for (size_t p = 0; p < sizeof(PIECE) / sizeof(PIECE[0]); p++) {
        size_t pos = 0, n;
        assert_int_equal(dl_outread_open(f->store, &f->st, seq, &r), 0);
        assert_string_equal(r.m.rcpt, "a@x.test");
        assert_int_equal(r.m.mail.len, LEN);
        while ((n = dl_outread_read(&r, (char *)got + pos, PIECE[p])) > 0) {
            assert_true(n == PIECE[p] || pos + n == LEN);
            pos += n;
            assert_true(r.given <= pos);
            assert_true(pos - r.given < DL_OUTREAD_STEP + 2 * 4096 + PIECE[p]);
        }
        assert_int_equal(pos, LEN);
        assert_true(r.given > LEN - 4096);
        assert_memory_equal(got, want, LEN);
        dl_outread_close(&r);
        assert_null(r.txn);
    }
    assert_int_equal(dl_outread_open(f->store, &f->st, seq + 1, &r), -ENOENT);
    assert_null(r.txn);
    free(got);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_per_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_submissions_one_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replies_and_no_submission, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defer_and_bury, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_old_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
        cmocka_unit_test(test_old_mail_record),
        cmocka_unit_test(test_peek),
        cmocka_unit_test_setup_teardown(test_put_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outread, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
