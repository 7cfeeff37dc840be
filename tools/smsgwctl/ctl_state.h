/* ctl_state: the gateway at a glance, gathered for `status` (text) and the status page
 * (HTML): each process's metrics listener (up or not, uptime, binds, window) and the
 * queue depths read from the stores (router: unfinished jobs per operator with a
 * qshape-like age histogram, outbox to dlr; dlr: submissions awaiting receipts,
 * unmatched and early receipts, receipt mails queued and dead).
 *
 * Ages come from the submission's acceptance time. Processes without metrics_listen
 * are listed as not configured. Nothing here writes anything. */
#ifndef CTL_STATE_H
#define CTL_STATE_H

#include "ctl.h"

#include <stddef.h>
#include <stdint.h>

#define CTL_AGE_BUCKETS 8 /* < 5m, 10m, 20m, 40m, 80m, 160m, 320m, older */
#define CTL_MAX_PROCS 64
#define CTL_MAX_OPS 64

extern const char *const ctl_age_labels[CTL_AGE_BUCKETS];

typedef struct {
    char name[96], listen[128];
    int configured, up;
    char error[128];
    double uptime_s;
    char detail[160]; /* "binds 1/1 up, window 0/10", "sessions 3"... */
} ctl_proc;

typedef struct {
    char name[64];
    unsigned jobs, deferred;
    unsigned age[CTL_AGE_BUCKETS];
} ctl_opq;

typedef struct {
    ctl_proc procs[CTL_MAX_PROCS];
    size_t n_procs, procs_up, procs_down;
    int have_rt, have_dl;
    ctl_opq ops[CTL_MAX_OPS]; /* operators with jobs, in the config's order then others */
    size_t n_ops;
    ctl_opq total;
    size_t submissions, to_dlr;
    size_t dl_awaiting, dl_unmatched, dl_early, dl_outbox, dl_dead;
} ctl_state;

/* Asks every configured metrics listener (each bounded by timeout_ms). */
void ctl_state_procs(ctl_ctx *c, ctl_state *s, long timeout_ms);
/* Reads the depths from the stores (c's current snapshot). */
void ctl_state_queues(ctl_ctx *c, ctl_state *s);
/* The bucket of an age in ms. */
int ctl_age_bucket(uint64_t age_ms);

#endif
