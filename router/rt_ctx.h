/* rt_ctx: the router's one context struct (the process has no other mutable global).
 * Filled by main.c; every rt_ module borrows it. */
#ifndef RT_CTX_H
#define RT_CTX_H

#include "cm_accounts.h"
#include "cm_config.h"
#include "cm_handoff.h"
#include "cm_store.h"

#include <uv.h>

typedef struct rt_feed rt_feed;

typedef struct rt_ctx {
    cm_config *cfg;
    cm_accounts *accounts;
    uv_loop_t *loop;
    void *zctx;
    cm_store *store;
    cm_hub *ingress_hub, *egress_hub;
    cm_link *dlr_link;
    rt_feed *feed;
    int draining; /* SIGTERM received: no new jobs go out */
} rt_ctx;

/* queue.mdb sub-databases. */
#define RT_DB_META "meta"               /* counters: "submission", "job" */
#define RT_DB_SUBMITS "submits"         /* ingress submit id -> submission number */
#define RT_DB_SUBMISSIONS "submissions" /* submission number -> encoded ACCEPTED */
#define RT_DB_JOBS "jobs"               /* BE64 job id -> u32 attempt + encoded JOB */
#define RT_DB_TO_DLR "to_dlr"           /* handoff key -> encoded message, until dlr acks */
#define RT_DB_SEEN "seen"               /* handoff keys already applied (RESULT, DELIVER) */

uint64_t rt_now_ms(void);

#endif
