/* dl_outq: the stored outbox and its per-group (recipient, submission) and due-time
 * indexes (see dl_outq.h). */
#include "dl_outq.h"

#include "cm_store.h"

#include <errno.h>
#include <string.h>

#define RCPT_MAX 400 /* longest recipient indexed */
#define SUB_MAX 100  /* a longer submission groups by its first SUB_MAX bytes */
#define LAYOUT_KEY "outbox_layout"
#define LAYOUT 2 /* version of the index layout; none stored: 1, outbox_rcpt rcpt \0 BE64(seq) */

_Static_assert(RCPT_MAX + 1 + SUB_MAX + 1 + 8 <= 511, "LMDB keys stop at 511 bytes");

/* rcpt \0 submission \0 BE64(seq): the group is k[0..prefix). Neither string holds a
 * NUL (dl_rec refuses them), so the prefix names one group and no other. */
typedef struct {
    uint8_t k[RCPT_MAX + 1 + SUB_MAX + 1 + 8];
    size_t prefix; /* rcpt, NUL, submission, NUL */
    size_t len;
} group_key;

static int make_group_key(const char *rcpt, size_t rl, const char *sub, size_t sl, uint64_t seq,
                          group_key *out)
{
    if (rl > RCPT_MAX) return -EINVAL;
    if (sl > SUB_MAX) sl = SUB_MAX; /* a coarser group: order kept all the same */
    memcpy(out->k, rcpt, rl);
    out->k[rl] = '\0';
    if (sl > 0) memcpy(out->k + rl + 1, sub, sl);
    out->k[rl + 1 + sl] = '\0';
    out->prefix = rl + 1 + sl + 1;
    cm_be64_put(out->k + out->prefix, seq);
    out->len = out->prefix + 8;
    return 0;
}

static void due_key(uint8_t k[16], uint64_t next_try, uint64_t seq)
{
    cm_be64_put(k, next_try);
    cm_be64_put(k + 8, seq);
}

/* The first (oldest) mail of the group gk->k[0..prefix); -ENOENT if none. */
static int first_of(dl_state *st, MDB_txn *txn, const group_key *gk, uint64_t *seq)
{
    MDB_cursor *cur;
    MDB_val k = {gk->prefix, (void *)gk->k}, v;
    int rc = mdb_cursor_open(txn, st->db.outbox_rcpt, &cur);

    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && k.mv_size == gk->prefix + 8 && memcmp(k.mv_data, gk->k, gk->prefix) == 0)
        *seq = cm_be64_get((const uint8_t *)k.mv_data + gk->prefix);
    else if (rc == 0 || rc == MDB_NOTFOUND)
        rc = MDB_NOTFOUND;
    mdb_cursor_close(cur);
    return cm_store_err(rc);
}

/* next_try and group key of the stored record v (mail seq); -EBADMSG if unreadable. */
static int group_of(const MDB_val *v, uint64_t seq, uint64_t *next_try, group_key *gk)
{
    const char *rcpt, *sub;
    size_t rl, sl;
    int rc = dl_mailrec_peek(v->mv_data, v->mv_size, next_try, &rcpt, &rl, &sub, &sl);

    if (rc == 0) rc = make_group_key(rcpt, rl, sub, sl, seq, gk);
    return rc < 0 ? -EBADMSG : 0;
}

/* next_try and group key of stored mail seq. */
static int peek(dl_state *st, MDB_txn *txn, uint64_t seq, uint64_t *next_try, group_key *gk)
{
    uint8_t k[8];
    MDB_val v;
    int rc;

    cm_be64_put(k, seq);
    rc = cm_store_get(txn, st->db.outbox, k, 8, &v);
    return rc < 0 ? rc : group_of(&v, seq, next_try, gk);
}

/* Due-index the group's first mail, if it has one and it is not indexed yet. */
static int promote(dl_state *st, MDB_txn *txn, group_key *gk)
{
    uint64_t seq, next_try;
    uint8_t dk[16];
    int rc = first_of(st, txn, gk, &seq);

    if (rc == -ENOENT) return 0;
    if (rc == 0) rc = peek(st, txn, seq, &next_try, gk);
    if (rc < 0) return rc;
    due_key(dk, next_try, seq);
    return cm_store_put(txn, st->db.outbox_due, dk, 16, "", 0, 0);
}

/* Index mail seq (already in outbox) in its group gk. */
static int index_one(dl_state *st, MDB_txn *txn, group_key *gk, uint64_t seq, uint64_t next_try)
{
    uint64_t first;
    uint8_t dk[16];
    int rc = cm_store_put(txn, st->db.outbox_rcpt, gk->k, gk->len, "", 0, 0);

    if (rc == 0) rc = first_of(st, txn, gk, &first);
    if (rc < 0 || first != seq) return rc;
    due_key(dk, next_try, seq);
    return cm_store_put(txn, st->db.outbox_due, dk, 16, "", 0, 0);
}

int dl_outq_fill_copy(void *mail, uint8_t *to, size_t len)
{
    if (len > 0) memcpy(to, mail, len);
    return 0;
}

/* Appends the record of m under key k, its mail written once by fill(), straight into
 * the space LMDB reserves for it (a final receipt may be megabytes). */
static int put_record(MDB_txn *txn, MDB_dbi dbi, uint8_t k[8], const dl_mailrec *m,
                      dl_outq_fill fill, void *arg)
{
    cm_wbuf head = {0}, tail = {0};
    MDB_val key = {8, k}, val;
    int rc;

    dl_mailrec_encode_around(m, &head, &tail);
    rc = head.err ? head.err : tail.err;
    if (rc == 0) {
        val.mv_size = head.len + m->mail.len + tail.len;
        rc = cm_store_err(mdb_put(txn, dbi, &key, &val, MDB_RESERVE | MDB_APPEND));
    }
    if (rc == 0) {
        uint8_t *p = val.mv_data;
        memcpy(p, head.data, head.len);
        memcpy(p + head.len + m->mail.len, tail.data, tail.len);
        rc = fill(arg, p + head.len, m->mail.len);
    }
    cm_wbuf_free(&head);
    cm_wbuf_free(&tail);
    return rc;
}

int dl_outq_put_fill(dl_state *st, MDB_txn *txn, const dl_mailrec *m, dl_outq_fill fill, void *arg,
                     uint64_t *seq)
{
    uint8_t k[8];
    group_key gk;
    int rc = make_group_key(m->rcpt, strlen(m->rcpt), m->submission,
                            m->submission ? strlen(m->submission) : 0, 0, &gk);

    if (rc == 0) rc = cm_store_next_seq(txn, st->db.meta, "outbox", seq);
    if (rc < 0) return rc;
    cm_be64_put(k, *seq);
    cm_be64_put(gk.k + gk.prefix, *seq);
    rc = put_record(txn, st->db.outbox, k, m, fill, arg);
    return rc < 0 ? rc : index_one(st, txn, &gk, *seq, m->next_try_ms);
}

int dl_outq_put(dl_state *st, MDB_txn *txn, const dl_mailrec *m, uint64_t *seq)
{
    return dl_outq_put_fill(st, txn, m, dl_outq_fill_copy, (void *)m->mail.data, seq);
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

/* Remove mail seq and its index entries; the group's next mail gets due-indexed. */
static int remove_mail(dl_state *st, MDB_txn *txn, uint64_t seq)
{
    uint64_t next_try;
    uint8_t k[8], dk[16];
    group_key gk;
    int rc = peek(st, txn, seq, &next_try, &gk);

    if (rc < 0) return rc;
    cm_be64_put(k, seq);
    due_key(dk, next_try, seq);
    rc = cm_store_del(txn, st->db.outbox, k, 8);
    if (rc == 0) rc = cm_store_del(txn, st->db.outbox_rcpt, gk.k, gk.len);
    if (rc == 0) rc = cm_store_del(txn, st->db.outbox_due, dk, 16);
    rc = rc == -ENOENT ? 0 : rc; /* not due-indexed: it was not the first */
    return rc < 0 ? rc : promote(st, txn, &gk);
}

int dl_outq_sent(dl_state *st, MDB_txn *txn, uint64_t seq)
{
    return remove_mail(st, txn, seq);
}

int dl_outq_defer(dl_state *st, MDB_txn *txn, uint64_t seq, const dl_mailrec *m)
{
    uint64_t old;
    uint8_t k[8], dk[16];
    group_key gk;
    cm_wbuf w = {0};
    int rc = peek(st, txn, seq, &old, &gk), indexed;

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

/* The index layout version stored in meta (1 when none is: written before it existed). */
static int layout_of(dl_state *st, MDB_txn *txn, uint64_t *layout)
{
    MDB_val v;
    int rc = cm_store_get(txn, st->db.meta, LAYOUT_KEY, strlen(LAYOUT_KEY), &v);

    *layout = 1;
    if (rc == -ENOENT) return 0;
    if (rc < 0) return rc;
    if (v.mv_size == 8) memcpy(layout, v.mv_data, 8); /* native, like cm_store counters */
    return 0;
}

int dl_outq_check(dl_state *st, MDB_txn *txn)
{
    size_t mails = 0, per_group = 0, due = 0;
    uint64_t layout;
    int rc = layout_of(st, txn, &layout);

    if (rc == 0) rc = entries(txn, st->db.outbox, &mails);
    if (rc == 0) rc = entries(txn, st->db.outbox_rcpt, &per_group);
    if (rc == 0) rc = entries(txn, st->db.outbox_due, &due);
    if (rc < 0) return rc;
    return layout != LAYOUT || mails != per_group || due > mails || (mails > 0 && due == 0);
}

/* Index every readable mail of `outbox` (the indexes are empty). */
static int index_all(dl_state *st, MDB_txn *txn)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int err = 0, rc = mdb_cursor_open(txn, st->db.outbox, &cur);

    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == 0 && err == 0) {
        uint64_t next_try, seq = k.mv_size == 8 ? cm_be64_get(k.mv_data) : 0;
        group_key gk;
        err = seq != 0 ? group_of(&v, seq, &next_try, &gk) : -EBADMSG;
        if (err == 0) err = index_one(st, txn, &gk, seq, next_try);
        if (err == -EBADMSG) err = 0; /* unreadable: left for the operator, never sent */
        if (err == 0) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (err < 0) return err;
    return rc == MDB_NOTFOUND ? 0 : cm_store_err(rc);
}

int dl_outq_reindex(dl_state *st, MDB_txn *txn)
{
    uint64_t layout = LAYOUT;
    int rc = mdb_drop(txn, st->db.outbox_rcpt, 0);

    if (rc == 0) rc = mdb_drop(txn, st->db.outbox_due, 0);
    if (rc != 0) return cm_store_err(rc);
    rc = index_all(st, txn);
    return rc < 0 ? rc
                  : cm_store_put(txn, st->db.meta, LAYOUT_KEY, strlen(LAYOUT_KEY), &layout, 8, 0);
}
