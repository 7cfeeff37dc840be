/* rt_egress: see rt_egress.h. */
#include "rt_egress.h"
#include "cm_commit_ack.h"
#include "cm_log.h"
#include "rt_ctx.h"
#include "rt_dlr_out.h"
#include "rt_feed.h"
#include "rt_mo.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static void on_credit(rt_ctx *ctx, const cm_peer *from, const void *payload, size_t len)
{
    cm_arena *arena = NULL;
    cm_msg_credit c;
    if (cm_wire_decode_credit(payload, len, &arena, &c) == 0)
        rt_feed_credit(ctx->feed, from, &c);
    else
        cm_warn("malformed credit from an egress ignored");
    cm_arena_free(arena);
}

/* Applies a RESULT to the queue, and keeps a copy in the outbox to dlr under the same
 * key: the egress sends it to dlr too, but holds it only in memory, and an egress that
 * dies while dlr is away must not take dlr's copy with it (dlr applies a key once). */
static int apply_result(rt_ctx *ctx, MDB_txn *txn, const char *key, const void *payload, size_t len)
{
    cm_arena *arena = NULL;
    cm_msg_result r;
    int rc = cm_wire_decode_result(payload, len, &arena, &r);
    if (rc == 0) {
        rc = rt_feed_result(ctx->feed, txn, &r);
        cm_metrics_add(ctx->metrics.results, 1, r.operator_name,
                       r.status == CM_RESULT_SUBMITTED ? "submitted"
                       : r.status == CM_RESULT_RETRY   ? "retry"
                                                       : "failed");
        if (rc >= 0)
            cm_info("submission %s job %" PRIu64 " attempt %u: %s%s%s", r.submission, r.job_id,
                    r.attempt,
                    r.status == CM_RESULT_SUBMITTED ? "submitted"
                    : r.status == CM_RESULT_RETRY   ? "to retry"
                                                    : "failed",
                    r.reason[0] ? ": " : "", r.reason);
        rc = rc < 0 ? rc : rt_dlr_out_put(ctx, txn, key, payload, len);
    } else {
        cm_warn("malformed result from an egress dropped");
        rc = 0;
    }
    cm_arena_free(arena);
    return rc;
}

static int apply_mo(rt_ctx *ctx, MDB_txn *txn, const char *key, const void *payload, size_t len)
{
    cm_arena *arena = NULL;
    cm_msg_deliver d;
    int rc = 0;
    if (cm_wire_decode_deliver(payload, len, &arena, &d) == 0)
        rc = rt_mo_apply(ctx, txn, key, &d);
    else
        cm_warn("malformed mobile-originated message dropped");
    cm_arena_free(arena);
    return rc;
}

void rt_egress_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                    size_t len, void *arg)
{
    rt_ctx *ctx = arg;
    int type = cm_wire_type(payload, len);
    if (!key[0]) {
        if (type == CM_MSG_CREDIT) on_credit(ctx, from, payload, len);
        return;
    }
    MDB_txn *txn = cm_store_batch_txn(ctx->store);
    int rc = txn ? cm_commit_seen(txn, cm_store_dbi(ctx->store, RT_DB_SEEN), key) : -EIO;
    if (rc == 0)
        rc = type == CM_MSG_RESULT ? apply_result(ctx, txn, key, payload, len)
                                   : apply_mo(ctx, txn, key, payload, len);
    if (rc == 0 || rc == -EEXIST) rc = cm_commit_ack(ctx->store, h, from, key, NULL, 0);
    if (rc) cm_log_fatal("queue store: %s", strerror(-rc));
}
