/* dl_outq: the stored outbox and its per-recipient and due-time indexes (see
 * dl_outq.h). */
#include "dl_outq.h"

#include "cm_store.h"

#include <errno.h>
#include <string.h>

#define RCPT_MAX 400 /* longest recipient indexed (LMDB keys stop at 511 bytes) */

typedef struct {
    uint8_t k[RCPT_MAX + 1 + 8];
    size_t prefix; /* rcpt and its NUL */
    size_t len;
} rcpt_key;

static int make_rcpt_key(const char *rcpt, size_t rl, uint64_t seq, rcpt_key *out)
{
    if (rl > RCPT_MAX) return -EINVAL;
    memcpy(out->k, rcpt, rl);
    out->k[rl] = '\0';
    out->prefix = rl + 1;
    cm_be64_put(out->k + rl + 1, seq);
    out->len = rl + 1 + 8;
    return 0;
}

static void due_key(uint8_t k[16], uint64_t next_try, uint64_t seq)
{
    cm_be64_put(k, next_try);
    cm_be64_put(k + 8, seq);
}

/* The first (oldest) mail of the recipient in rk->k[0..prefix); -ENOENT if none. */
static int first_of(dl_state *st, MDB_txn *txn, const rcpt_key *rk, uint64_t *seq)
{
    MDB_cursor *cur;
    MDB_val k = {rk->prefix, (void *)rk->k}, v;
    int rc = mdb_cursor_open(txn, st->db.outbox_rcpt, &cur);

    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && k.mv_size == rk->prefix + 8 && memcmp(k.mv_data, rk->k, rk->prefix) == 0)
        *seq = cm_be64_get((const uint8_t *)k.mv_data + rk->prefix);
    else if (rc == 0 || rc == MDB_NOTFOUND)
        rc = MDB_NOTFOUND;
    mdb_cursor_close(cur);
    return cm_store_err(rc);
}

/* next_try and recipient key of stored mail seq. */
static int peek(dl_state *st, MDB_txn *txn, uint64_t seq, uint64_t *next_try, rcpt_key *rk)
{
    uint8_t k[8];
    MDB_val v;
    const char *r;
    size_t rl;
    int rc;

    cm_be64_put(k, seq);
    rc = cm_store_get(txn, st->db.outbox, k, 8, &v);
    if (rc < 0) return rc;
    if (dl_mailrec_peek(v.mv_data, v.mv_size, next_try, &r, &rl) < 0) return -EBADMSG;
    return make_rcpt_key(r, rl, seq, rk);
}

/* Due-index the recipient's first mail, if it has one and it is not indexed yet. */
static int promote(dl_state *st, MDB_txn *txn, rcpt_key *rk)
{
    uint64_t seq, next_try;
    uint8_t dk[16];
    int rc = first_of(st, txn, rk, &seq);

    if (rc == -ENOENT) return 0;
    if (rc == 0) rc = peek(st, txn, seq, &next_try, rk);
    if (rc < 0) return rc;
    due_key(dk, next_try, seq);
    return cm_store_put(txn, st->db.outbox_due, dk, 16, "", 0, 0);
}

/* Index mail seq (already in outbox) for recipient rk. */
static int index_one(dl_state *st, MDB_txn *txn, rcpt_key *rk, uint64_t seq, uint64_t next_try)
{
    uint64_t first;
    uint8_t dk[16];
    int rc = cm_store_put(txn, st->db.outbox_rcpt, rk->k, rk->len, "", 0, 0);

    if (rc == 0) rc = first_of(st, txn, rk, &first);
    if (rc < 0 || first != seq) return rc;
    due_key(dk, next_try, seq);
    return cm_store_put(txn, st->db.outbox_due, dk, 16, "", 0, 0);
}

int dl_outq_put(dl_state *st, MDB_txn *txn, const dl_mailrec *m, uint64_t *seq)
{
    cm_wbuf w = {0};
    uint8_t k[8];
    rcpt_key rk;
    int rc = make_rcpt_key(m->rcpt, strlen(m->rcpt), 0, &rk);

    if (rc == 0) rc = cm_store_next_seq(txn, st->db.meta, "outbox", seq);
    if (rc < 0) return rc;
    cm_be64_put(k, *seq);
    cm_be64_put(rk.k + rk.prefix, *seq);
    dl_mailrec_encode(m, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.outbox, k, 8, w.data, w.len, MDB_APPEND);
    cm_wbuf_free(&w);
    return rc < 0 ? rc : index_one(st, txn, &rk, *seq, m->next_try_ms);
}

static int skipped(uint64_t seq, const uint64_t *skip, size_t nskip)
{
    for (size_t i = 0; i < nskip; i++)
        if (skip[i] == seq) return 1;
    return 0;
}

int dl_outq_due(dl_state *st, MDB_txn *txn, uint64_t now_ms, const uint64_t *skip, size_t nskip,
                uint64_t *seqs, size_t max, size_t *n)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(txn, st->db.outbox_due, &cur);

    *n = 0;
    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == 0 && *n < max && k.mv_size == 16 && cm_be64_get(k.mv_data) <= now_ms) {
        uint64_t seq = cm_be64_get((const uint8_t *)k.mv_data + 8);
        if (!skipped(seq, skip, nskip)) seqs[(*n)++] = seq;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    return (rc == 0 || rc == MDB_NOTFOUND) ? 0 : cm_store_err(rc);
}

/* Remove mail seq and its index entries; the recipient's next mail gets due-indexed. */
static int remove_mail(dl_state *st, MDB_txn *txn, uint64_t seq)
{
    uint64_t next_try;
    uint8_t k[8], dk[16];
    rcpt_key rk;
    int rc = peek(st, txn, seq, &next_try, &rk);

    if (rc < 0) return rc;
    cm_be64_put(k, seq);
    due_key(dk, next_try, seq);
    rc = cm_store_del(txn, st->db.outbox, k, 8);
    if (rc == 0) rc = cm_store_del(txn, st->db.outbox_rcpt, rk.k, rk.len);
    if (rc == 0) rc = cm_store_del(txn, st->db.outbox_due, dk, 16);
    rc = rc == -ENOENT ? 0 : rc; /* not due-indexed: it was not the first */
    return rc < 0 ? rc : promote(st, txn, &rk);
}

int dl_outq_sent(dl_state *st, MDB_txn *txn, uint64_t seq)
{
    return remove_mail(st, txn, seq);
}

int dl_outq_defer(dl_state *st, MDB_txn *txn, uint64_t seq, const dl_mailrec *m)
{
    uint64_t old;
    uint8_t k[8], dk[16];
    rcpt_key rk;
    cm_wbuf w = {0};
    int rc = peek(st, txn, seq, &old, &rk), indexed;

    if (rc < 0) return rc;
    due_key(dk, old, seq);
    rc = cm_store_del(txn, st->db.outbox_due, dk, 16);
    if (rc < 0 && rc != -ENOENT) return rc;
    indexed = rc == 0;
    cm_be64_put(k, seq);
    dl_mailrec_encode(m, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.outbox, k, 8, w.data, w.len, 0);
    cm_wbuf_free(&w);
    if (rc < 0 || !indexed) return rc;
    due_key(dk, m->next_try_ms, seq);
    return cm_store_put(txn, st->db.outbox_due, dk, 16, "", 0, 0);
}

int dl_outq_bury(dl_state *st, MDB_txn *txn, uint64_t seq, const dl_mailrec *m)
{
    uint64_t count;
    uint8_t k[8];
    cm_wbuf w = {0};
    int rc;

    cm_be64_put(k, seq);
    dl_mailrec_encode(m, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.dead, k, 8, w.data, w.len, 0);
    cm_wbuf_free(&w);
    if (rc == 0) rc = cm_store_next_seq(txn, st->db.meta, "dead", &count);
    return rc < 0 ? rc : remove_mail(st, txn, seq);
}

static int entries(MDB_txn *txn, MDB_dbi dbi, size_t *n)
{
    MDB_stat s;
    int rc = mdb_stat(txn, dbi, &s);

    *n = s.ms_entries;
    return rc ? cm_store_err(rc) : 0;
}

int dl_outq_depth(dl_state *st, MDB_txn *txn, size_t *n, uint64_t *queued_ms)
{
    MDB_cursor *cur;
    MDB_val k, v;
    cm_arena *a = NULL;
    dl_mailrec m;
    int rc = entries(txn, st->db.outbox, n);

    *queued_ms = 0;
    if (rc < 0 || *n == 0) return rc;
    rc = mdb_cursor_open(txn, st->db.outbox, &cur);
    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    if (rc == 0) {
        rc = dl_mailrec_decode(v.mv_data, v.mv_size, &a, &m);
        if (rc == 0) *queued_ms = m.queued_ms;
        cm_arena_free(a);
    } else {
        rc = rc == MDB_NOTFOUND ? 0 : cm_store_err(rc);
    }
    mdb_cursor_close(cur);
    return rc;
}

int dl_outq_check(dl_state *st, MDB_txn *txn)
{
    size_t mails = 0, per_rcpt = 0, due = 0;
    int rc = entries(txn, st->db.outbox, &mails);

    if (rc == 0) rc = entries(txn, st->db.outbox_rcpt, &per_rcpt);
    if (rc == 0) rc = entries(txn, st->db.outbox_due, &due);
    if (rc < 0) return rc;
    return mails != per_rcpt || due > mails || (mails > 0 && due == 0);
}

int dl_outq_reindex(dl_state *st, MDB_txn *txn)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_drop(txn, st->db.outbox_rcpt, 0);

    if (rc == 0) rc = mdb_drop(txn, st->db.outbox_due, 0);
    if (rc == 0) rc = mdb_cursor_open(txn, st->db.outbox, &cur);
    if (rc != 0) return cm_store_err(rc);
    int err = 0;

    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == 0 && err == 0) {
        uint64_t next_try, seq = k.mv_size == 8 ? cm_be64_get(k.mv_data) : 0;
        const char *r;
        size_t rl;
        rcpt_key rk;
        if (seq != 0 && dl_mailrec_peek(v.mv_data, v.mv_size, &next_try, &r, &rl) == 0 &&
            make_rcpt_key(r, rl, seq, &rk) == 0)
            err = index_one(st, txn, &rk, seq, next_try);
        if (err == 0) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (err < 0) return err;
    return rc == MDB_NOTFOUND ? 0 : cm_store_err(rc);
}
