/* ctl_history: what the status page charts and lists, read from dlr's store (or the
 * router's when dlr's is absent): submissions accepted and SMS delivered or failed in
 * each minute of the last hour, and the most recent submissions.
 *
 * Bounded work per call: at most CTL_HISTORY_SCAN submission records and as many
 * recipient records (newest first) are read; older activity is not counted. */
#ifndef CTL_HISTORY_H
#define CTL_HISTORY_H

#include "ctl.h"

#include <stddef.h>
#include <stdint.h>

#define CTL_HISTORY_MINUTES 60
#define CTL_HISTORY_RECENT 20
#define CTL_HISTORY_SCAN 200000

typedef struct {
    uint64_t now_ms;
    unsigned accepted[CTL_HISTORY_MINUTES]; /* [59] is the current minute */
    unsigned delivered[CTL_HISTORY_MINUTES], failed[CTL_HISTORY_MINUTES];
    unsigned total_accepted, total_delivered, total_failed;
    char recent[CTL_HISTORY_RECENT][32]; /* submission numbers, newest first */
    size_t n_recent;
} ctl_history;

void ctl_history_read(ctl_ctx *c, ctl_history *h, uint64_t now_ms);
/* The minute slot of time t (0..59), or -1 when outside the last hour. */
int ctl_history_slot(uint64_t now_ms, uint64_t t);

#endif
