/* dl_expire: submissions whose validity period ended (plus st->expiry_grace_ms for
 * late receipts) end their pending recipients as expired ("no delivery report") and
 * get their final receipt (see dl_state.h). */
#include "dl_state.h"

#include "cm_log.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Mark one queued recipient expired unless it is final already. */
static int expire_rcpt(dl_state *st, MDB_txn *txn, const char *sub, uint64_t job, uint64_t now_ms)
{
    cm_arena *a = NULL;
    uint8_t k[8];
    MDB_val v;
    dl_rcpt r;
    cm_wbuf w = {0};
    int rc;

    cm_be64_put(k, job);
    rc = cm_store_get(txn, st->db.recipients, k, 8, &v);
    if (rc == -ENOENT) {
        memset(&r, 0, sizeof(r));
        r.submission = (char *)sub;
        r.operator_name = r.err = r.reason = r.network_error = "";
        rc = 0;
    } else if (rc == 0 && dl_rcpt_decode(v.mv_data, v.mv_size, &a, &r) < 0) {
        rc = -EIO;
    }
    if (rc == 0 && r.outcome == DL_OUT_PENDING) {
        r.outcome = DL_OUT_EXPIRED;
        r.final_at_ms = now_ms;
        st->counts.final[DL_OUT_EXPIRED]++;
        dl_rcpt_encode(&r, &w);
        rc = w.err ? w.err : cm_store_put(txn, st->db.recipients, k, 8, w.data, w.len, 0);
        cm_wbuf_free(&w);
    }
    cm_arena_free(a);
    return rc;
}

static int expire_submission(dl_state *st, MDB_txn *txn, const char *sub, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_accepted acc;
    MDB_val v;
    int rc = cm_store_get(txn, st->db.submissions, sub, strlen(sub), &v);

    if (rc == 0 && cm_wire_decode_accepted(v.mv_data, v.mv_size, &a, &acc) < 0) rc = -EIO;
    for (size_t i = 0; rc == 0 && i < acc.recipients_n; i++)
        if (acc.recipients[i].state == CM_RCPT_QUEUED && acc.recipients[i].job_id != 0)
            rc = expire_rcpt(st, txn, sub, acc.recipients[i].job_id, now_ms);
    cm_arena_free(a);
    if (rc == 0) {
        cm_info("submission %s: validity period over, pending recipients expired", sub);
        rc = dl_final_submission(st, txn, sub, now_ms);
    }
    return rc;
}

typedef struct {
    char *sub;
    uint8_t *key;
    size_t klen;
} due_entry;

static int due_push(due_entry *e, const MDB_val *k)
{
    e->klen = k->mv_size;
    e->key = malloc(k->mv_size);
    e->sub = strndup((const char *)k->mv_data + 8, k->mv_size - 8);
    if (e->key == NULL || e->sub == NULL) return -ENOMEM;
    memcpy(e->key, k->mv_data, k->mv_size);
    return 0;
}

/* The index entries due at now_ms, at most max. */
static int due(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, due_entry *out,
               unsigned *n)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(txn, st->db.expiry, &cur);

    *n = 0;
    if (rc != 0) return cm_store_err(rc);
    int err = 0;

    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == 0 && *n < max && k.mv_size > 8 &&
           cm_be64_get(k.mv_data) + st->expiry_grace_ms <= now_ms) {
        err = due_push(&out[(*n)++], &k);
        if (err < 0) break;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (err < 0) return err;
    return (rc == 0 || rc == MDB_NOTFOUND) ? 0 : cm_store_err(rc);
}

int dl_state_expire(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, unsigned *count)
{
    due_entry *e = calloc(max ? max : 1, sizeof(*e));
    unsigned n = 0;
    int rc = e ? due(st, txn, now_ms, max, e, &n) : -ENOMEM;

    *count = 0;
    for (unsigned i = 0; i < n; i++) {
        if (rc == 0) rc = expire_submission(st, txn, e[i].sub, now_ms);
        if (rc == -ENOENT) /* an index entry without its submission or progress */
            cm_warn("expiry entry for unknown submission %s dropped", e[i].sub);
        if (rc == 0 || rc == -ENOENT) /* gone already when the final receipt removed it */
            rc = cm_store_del(txn, st->db.expiry, e[i].key, e[i].klen);
        rc = rc == -ENOENT ? 0 : rc;
        *count += rc == 0;
        free(e[i].sub);
        free(e[i].key);
    }
    free(e);
    return rc;
}
