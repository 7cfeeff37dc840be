/* se_ctx: the egress process's one context struct, shared by se_egress.c (wiring,
 * CREDIT, drain), se_dispatch.c (JOB -> submit_sm -> RESULT), se_deliver.c
 * (deliver_sm -> DELIVER -> deliver_sm_resp) and se_metrics.c (reads it on collect).
 * Internal to smpp-egress/. */
#ifndef SE_CTX_H
#define SE_CTX_H

#include "cm_config.h"
#include "cm_handoff.h"
#include "cm_map.h"
#include "se_bind.h"
#include "se_egress.h"
#include "se_job.h"
#include "se_metrics.h"

#include <stdint.h>
#include <uv.h>

#define SE_RECENT_MAX 100000
#define SE_RECENT_AGE_MS (3600 * 1000ull)
#define SE_DLV_PENDING_MAX 10000

/* Events reported at most once per period: how many since the last report, and when
 * that was (0: never). */
typedef struct {
    uint64_t n, reported_ms;
} se_tally;

struct se_ctx {
    uv_loop_t *loop;
    void *zctx;
    const cm_config *cfg;
    const cm_config_operator *op;
    char epoch[17];     /* random hex per process start */
    char identity[300]; /* egress:<operator>:<hostname>:<pid> */
    cm_link *router, *dlr;
    se_bind **binds;
    size_t n_binds, rr;
    se_jobs *jobs;
    cm_map *dlv_pending;            /* "dlv:..." key -> struct se_dlv_wait */
    uint64_t dlv_waiting[SE_LINKS]; /* entries of dlv_pending sent to router, to dlr */
    se_metrics metrics;             /* se_metrics_start(); all NULL when off */
    uint64_t dlv_counter, received;
    uint64_t dlr_acked_ms;     /* last ack from dlr (se_deliver_backlog) */
    int receipts_paused;       /* submits paused: dlr behind on receipts */
    se_tally pauses, refusals; /* submit pauses, receipts refused: reported once a minute */
    unsigned ref;              /* rolling concatenation reference */
    int pumping, pump_again;
    uint32_t credit_free, credit_up; /* last CREDIT sent */
    uv_timer_t credit_timer, soon_timer, drain_timer;
    int stopping, stop_phase, open_timers;
    uint64_t stop_deadline;
    uint64_t no_bind_since_ms; /* 0 while some bind is up */
    void (*stopped_cb)(se_ctx *ctx, void *arg);
    void *stopped_arg;
};

/* Wall-clock milliseconds since the epoch. */
uint64_t se_now_ms(void);
void se_credit_soon(se_ctx *ctx);

/* se_dispatch.c */
void se_dispatch_msg(cm_link *l, const void *msg, size_t len, void *arg); /* router msg_cb */
void se_dispatch_pump(se_ctx *ctx);
void se_dispatch_resp(se_bind *b, uint64_t job_id, size_t part, enum se_resp_kind kind,
                      uint32_t status, const char *message_id, void *arg);
void se_dispatch_fail_held(se_ctx *ctx, const char *reason);
void se_dispatch_tick(se_ctx *ctx);
/* se_bind_ops.job_name: "submission S job J attempt A" for a job this egress knows. */
void se_dispatch_job_name(uint64_t job_id, char *buf, size_t size, void *arg);

/* se_deliver.c */
void se_deliver_in(se_bind *b, uint64_t conn, const se_pdu *p, void *arg); /* deliver_cb */
void se_deliver_acked(se_ctx *ctx, const char *key);
/* Whether submits must wait for dlr to catch up on receipts (se_deliver_backlog). */
int se_deliver_paused(se_ctx *ctx);
void se_deliver_free_all(se_ctx *ctx);

#endif
