/* rt_dlr_out: see rt_dlr_out.h. */
#include "rt_dlr_out.h"
#include "cm_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    rt_ctx *ctx;
    size_t len;
    char *key;
    uint8_t *msg; /* owned */
} pending_send;

static void send_after_commit(void *arg, int committed)
{
    pending_send *p = arg;
    if (committed && cm_link_send(p->ctx->dlr_link, p->key, p->msg, p->len) == -ENOMEM)
        cm_log_fatal("out of memory queuing %s", p->key);
    free(p->key);
    free(p->msg);
    free(p);
}

/* Queues msg (taken: freed here on failure too) to be sent once the batch commits. */
static int send_later(rt_ctx *ctx, const char *key, uint8_t *msg, size_t len)
{
    pending_send *p = msg ? malloc(sizeof *p) : NULL;
    if (!p || !(p->key = strdup(key))) {
        free(p);
        free(msg);
        return -ENOMEM;
    }
    *p = (pending_send){.ctx = ctx, .len = len, .key = p->key, .msg = msg};
    int rc = cm_store_batch_after(ctx->store, send_after_commit, p);
    if (rc) send_after_commit(p, 0);
    return rc;
}

int rt_dlr_out_put(rt_ctx *ctx, MDB_txn *txn, const char *key, const void *msg, size_t len)
{
    MDB_dbi dbi = cm_store_dbi(ctx->store, RT_DB_TO_DLR);
    int rc = cm_store_put(txn, dbi, key, strlen(key), msg, len, 0);
    uint8_t *copy = rc ? NULL : malloc(len ? len : 1);
    if (rc) return rc;
    if (copy) memcpy(copy, msg, len);
    return send_later(ctx, key, copy, len);
}

int rt_dlr_out_put_ref(rt_ctx *ctx, MDB_txn *txn, const char *key, cm_wbuf *event)
{
    MDB_dbi dbi = cm_store_dbi(ctx->store, RT_DB_TO_DLR);
    uint8_t *msg = event->data;
    size_t len = event->len;
    int rc =
        strncmp(key, "acc:", 4) == 0 ? cm_store_put(txn, dbi, key, strlen(key), "", 0, 0) : -EINVAL;
    if (rc) return rc;
    *event = (cm_wbuf){0};
    return send_later(ctx, key, msg, len);
}

/* The message an outbox entry stands for: its value, or for an empty "acc:" entry
 * the event stored in `submissions`. 0, or -ENOENT (logged: nothing to send). */
static int outbox_message(rt_ctx *ctx, MDB_txn *txn, const char *key, MDB_val *v)
{
    if (v->mv_size || strncmp(key, "acc:", 4) != 0) return 0;
    int rc =
        cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_SUBMISSIONS), key + 4, strlen(key + 4), v);
    if (rc) cm_error("outbox entry %s: no submission record: %s", key, strerror(-rc));
    return rc;
}

int rt_dlr_out_resume(rt_ctx *ctx)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    size_t n = 0;
    int rc = cm_store_read_begin(ctx->store, &txn);
    if (rc) return rc;
    rc = cm_store_err(mdb_cursor_open(txn, cm_store_dbi(ctx->store, RT_DB_TO_DLR), &cur));
    for (int op = MDB_FIRST; !rc && mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        char key[512];
        if (k.mv_size >= sizeof key) continue;
        memcpy(key, k.mv_data, k.mv_size);
        key[k.mv_size] = 0;
        if (outbox_message(ctx, txn, key, &v) != 0) continue;
        rc = cm_link_send(ctx->dlr_link, key, v.mv_data, v.mv_size);
        rc = rc == -EEXIST ? 0 : rc;
        n++;
    }
    if (cur && !rc) mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    if (n) cm_info("re-sending %zu event(s) to dlr", n);
    return rc;
}

void rt_dlr_out_acked(rt_ctx *ctx, const char *key)
{
    MDB_txn *txn = cm_store_batch_txn(ctx->store);
    int rc =
        txn ? cm_store_del(txn, cm_store_dbi(ctx->store, RT_DB_TO_DLR), key, strlen(key)) : -EIO;
    if (rc && rc != -ENOENT) cm_log_fatal("queue store: cannot delete %s: %s", key, strerror(-rc));
}
