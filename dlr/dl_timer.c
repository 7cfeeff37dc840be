/* dl_timer: the housekeeping timer of smsgw-dlr (see dl_ctx.h). Each tick expires the
 * submissions that are due and prunes what aged, inside the batch transaction; a full
 * batch re-arms the timer at once so a backlog drains without blocking the loop for
 * long. */
#include "dl_ctx.h"

#include "cm_log.h"
#include "dl_prune.h"
#include "dl_time.h"

#include <string.h>

static void tick(uv_timer_t *t)
{
    dl_ctx *c = t->data;
    MDB_txn *txn;
    unsigned n = 0, pruned = 0;
    int rc;

    if (c->stopping) return;
    txn = cm_store_batch_txn(c->store);
    if (txn == NULL) cm_log_fatal("expiry: cannot begin the batch transaction");
    rc = dl_state_expire(&c->st, txn, dl_time_now_ms(), DL_EXPIRY_BATCH, &n);
    if (rc < 0) cm_log_fatal("expiry: storage failure (%s)", strerror(-rc));
    rc = dl_prune_run(&c->st, txn, dl_time_now_ms(), DL_PRUNE_BATCH, &pruned);
    if (rc < 0) cm_log_fatal("pruning: storage failure (%s)", strerror(-rc));
    if (pruned > 0) cm_debug("pruned %u aged entries", pruned);
    dl_intake_kick_after_commit(c);
    if (n == DL_EXPIRY_BATCH || pruned == DL_PRUNE_BATCH)
        uv_timer_start(t, tick, 0, DL_EXPIRY_EVERY_MS);
}

void dl_timer_start(dl_ctx *c)
{
    uv_timer_init(c->loop, &c->expiry_timer);
    c->expiry_timer.data = c;
    uv_timer_start(&c->expiry_timer, tick, 1000, DL_EXPIRY_EVERY_MS);
}

void dl_timer_stop(dl_ctx *c)
{
    uv_timer_stop(&c->expiry_timer);
}
