/* dl_ctx: the one context of the smsgw-dlr process (owned by main.c), shared by
 * the files that wire it (dl_intake, dl_timer). Nothing else is global. */
#ifndef DL_CTX_H
#define DL_CTX_H

#include "cm_config.h"
#include "cm_handoff.h"
#include "cm_store.h"
#include "dl_metrics.h"
#include "dl_outbox.h"
#include "dl_state.h"

#include <uv.h>

typedef struct {
    unsigned long items, duplicates, bad;
} dl_intake_stats;

typedef struct dl_ctx {
    uv_loop_t *loop;
    const cm_config *cfg;
    void *zctx;
    cm_store *store;
    dl_state st;
    cm_hub *hub;
    dl_outbox *outbox;
    uv_timer_t expiry_timer;
    uv_signal_t sig_term, sig_int;
    int stopping;
    unsigned long mails_kicked; /* st.mails when the sender was last kicked */
    dl_intake_stats intake;
    dl_metrics metrics;
} dl_ctx;

/* dl_intake: the cm_hub item callback (arg: dl_ctx). Applies each reliable item in
 * the batch transaction, idempotently: on its key (`seen`), or for RESULTs and matched
 * DELIVERs by the recipient record itself (no `seen` entry), and acknowledges it from
 * a cm_store_batch_after callback, i.e. only after the commit. A bad payload is
 * logged, marked seen and acknowledged (it must not block its sender). A storage
 * failure is fatal. One-way messages are ignored. */
void dl_intake_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                    size_t len, void *arg);
/* Kick the outbox sender after the next commit if mails were queued since the last
 * kick (called by whoever wrote into the batch). */
void dl_intake_kick_after_commit(dl_ctx *c);

/* dl_timer: the housekeeping timer: every DL_EXPIRY_EVERY_MS it expires at most
 * DL_EXPIRY_BATCH submissions and prunes at most DL_PRUNE_BATCH aged things
 * (dl_prune.h); a full batch runs again at once. Both walk time-ordered indexes, so
 * an idle tick costs two cursor lookups. */
#define DL_EXPIRY_EVERY_MS 1000
#define DL_EXPIRY_BATCH 200
#define DL_PRUNE_BATCH 1000
void dl_timer_start(dl_ctx *c);
void dl_timer_stop(dl_ctx *c);

#endif
