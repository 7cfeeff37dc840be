/* ctl_sub: submissions as the stores know them, for `show`, `search`, `billing` and
 * the status page.
 *
 * dlr's store is the record of every submission (`submissions`: the ACCEPTED payload,
 * `recipients`: each queued recipient's outcome); when it is absent the router's
 * `submissions` are read instead and recipients show as queued. A recipient's state:
 * "pending" (dlr waits for its receipt), "queued" (only the router knows it, or its
 * job is unfinished there), "delivered", "undelivered", "expired", "rejected",
 * "blacklisted".
 *
 * ctl_sub_each calls fn for every submission in key order with a decoded ACCEPTED
 * (valid during the call); fn returns nonzero to stop. Returns the number of
 * submissions visited, or a negative errno when no store can be read. Undecodable
 * records are skipped (counted in *bad when bad is not NULL). */
#ifndef CTL_SUB_H
#define CTL_SUB_H

#include "cm_wire.h"
#include "ctl.h"

#include <stdint.h>

typedef struct {
    const char *state; /* one of the words above */
    char detail[192];  /* receipt stat/err, SMPP status, reason; "" if none */
    uint64_t at_ms;    /* when it became final, 0 if not */
} ctl_rcpt_state;

typedef struct {
    unsigned queued, delivered, undelivered, pending, rejected;
} ctl_sub_counts;

typedef int (*ctl_sub_fn)(ctl_ctx *c, const cm_msg_accepted *acc, void *arg);

long ctl_sub_each(ctl_ctx *c, ctl_sub_fn fn, void *arg, long *bad);
/* Loads one submission into *acc (allocated in *arena). 0 or -ENOENT / -EBADMSG. */
int ctl_sub_load(ctl_ctx *c, const char *number, cm_arena **arena, cm_msg_accepted *acc);
void ctl_sub_rcpt_state(ctl_ctx *c, const struct cm_wire_recipient *r, ctl_rcpt_state *out);
void ctl_sub_count(ctl_ctx *c, const cm_msg_accepted *acc, ctl_sub_counts *out);
/* "accepted", "rejected", "duplicate", "dry run". */
const char *ctl_sub_status_name(uint8_t status);
/* A one-line summary: "2/3 delivered, 1 pending" or "rejected: <reason>". */
void ctl_sub_summary(ctl_ctx *c, const cm_msg_accepted *acc, char *buf, size_t cap);

#endif
