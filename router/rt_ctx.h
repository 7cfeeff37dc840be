/* rt_ctx: the router's one context struct (the process has no other mutable global).
 * Filled by main.c; every rt_ module borrows it. */
#ifndef RT_CTX_H
#define RT_CTX_H

#include "cm_accounts.h"
#include "cm_blacklist.h"
#include "cm_calendar.h"
#include "cm_control.h"
#include "cm_map.h"
#include "cm_portability.h"
#include "cm_config.h"
#include "cm_handoff.h"
#include "cm_store.h"
#include "rt_metrics.h"

#include <uv.h>

typedef struct rt_feed rt_feed;

typedef struct rt_ctx {
    const char *config_path;
    cm_config *cfg;
    cm_accounts *accounts;
    cm_calendar_policy quiet;
    uv_loop_t *loop;
    void *zctx;
    cm_store *store;
    cm_blacklist *blacklist;     /* <state_dir>/blacklist, shared with smsgwctl */
    cm_portability *portability; /* <state_dir>/portability, filled by smsgwctl */
    cm_control *control;         /* <state_dir>/control: smsgwctl's hold/retry requests */
    cm_map *held;                /* submissions the operator holds (rt_control) */
    uv_timer_t control_timer;
    cm_hub *ingress_hub, *egress_hub;
    cm_link *dlr_link;
    rt_feed *feed;
    rt_metrics metrics;
    int draining;              /* SIGTERM received: no new jobs go out */
    uint32_t quota_pruned_day; /* UTC day whose old quota entries are pruned (rt_quota) */
    uv_timer_t drain_timer;
} rt_ctx;

/* queue.mdb sub-databases. An "acc:<number>" entry of to_dlr is empty: it stands for
 * the ACCEPTED event stored under that number in submissions (rt_dlr_out). */
#define RT_DB_META "meta"               /* counters: "submission", "job" */
#define RT_DB_SUBMITS "submits"         /* ingress submit id -> submission number */
#define RT_DB_SUBMISSIONS "submissions" /* submission number -> encoded ACCEPTED */
#define RT_DB_JOBS "jobs"               /* BE64 job id -> rt_job_rec + encoded JOB */
#define RT_DB_TO_DLR "to_dlr"           /* key -> message until dlr acks ("acc:": empty) */
#define RT_DB_SEEN "seen"               /* handoff keys already applied (RESULT, DELIVER) */
#define RT_DB_LAST_SENT "last_sent"     /* E.164 -> who last messaged it (rt_mo) */
#define RT_DB_MSGIDS "msgids"           /* sender, newline, Message-ID -> u64 ms + number */
#define RT_DB_QUOTA "quota"             /* daily SMS counts per account and sender (rt_quota) */

/* The header of a record in RT_DB_JOBS, followed by the encoded JOB. Native byte
 * order: only this process and smsgwctl (same host, same build) read it. */
typedef struct {
    uint32_t attempt; /* attempts made so far */
    uint32_t reserved;
    uint64_t release_ms; /* not before this time (ms since the epoch), 0 = at once */
} rt_job_rec;

/* Wall-clock time in ms since the epoch. With SMSGW_NOW=<RFC 3339 time> in the
 * environment, the clock starts at that time when first read and runs from there
 * (tests place "now" anywhere). */
uint64_t rt_now_ms(void);

#endif
