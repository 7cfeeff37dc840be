/* rt_feed: hands jobs to the egress instances of each operator, as fast as their
 * credit allows (SPEC §7, docs/architecture.md "Handoffs").
 *
 * In memory it keeps, for every job not yet finished, its state (ready, waiting for
 * a retry time, in flight at one egress, held by the operator) and, per egress peer, the credit
 * arithmetic: an egress reports (epoch, jobs received since its start, free slots); the jobs sent
 * to it that it had not yet received when it counted are subtracted. A job in flight
 * for longer than router.job_timeout_s, or whose egress stopped sending CREDIT for
 * RT_FEED_PEER_DEAD_MS, becomes ready again (the only source of duplicate SMS).
 *
 * The durable truth is the `jobs` sub-database: rt_feed_load() rebuilds memory from
 * it at start-up (every unfinished job is ready, or waiting for its release time:
 * scheduled sending and quiet hours). rt_feed_dispatch_all() reads each
 * job from the store when it sends it and records the new attempt number in the
 * batch transaction. Failures to send are retried later; nothing here is fatal
 * except a storage error, reported through the return value. */
#ifndef RT_FEED_H
#define RT_FEED_H

#include "cm_wire.h"
#include "rt_ctx.h"

#include <stdint.h>

#define RT_FEED_PEER_DEAD_MS 10000

int rt_feed_create(rt_ctx *ctx, rt_feed **out);
void rt_feed_free(rt_feed *f);
int rt_feed_load(rt_feed *f);
/* A job to feed: ready at once, or waiting until release_ms (wall clock, rt_now_ms). */
int rt_feed_add(rt_feed *f, uint64_t job_id, const char *operator_name, uint32_t attempt,
                uint64_t release_ms);
void rt_feed_credit(rt_feed *f, const cm_peer *from, const cm_msg_credit *c);
/* Applies a RESULT in the batch txn: 1 if the job is finished (its record was deleted),
 * 0 if it goes back to ready later (RETRY) or was unknown. Negative on storage error. */
int rt_feed_result(rt_feed *f, MDB_txn *txn, const cm_msg_result *r);
void rt_feed_dispatch_all(rt_feed *f);
/* For the metrics: the jobs of operator `op` (index in the config) by state, the age
 * of the oldest ready job, and the egress instances serving it with their credit.
 * O(jobs waiting + in flight). */
typedef struct {
    size_t ready, waiting, inflight, held, egress_up;
    uint64_t oldest_ready_ms, credit;
} rt_feed_op_stats;

void rt_feed_stats(const rt_feed *f, size_t op, rt_feed_op_stats *out);

/* Operator's requests (rt_control). Jobs of a submission in ctx->held stop at
 * dispatch and wait in a held list; rt_feed_release() makes them ready again.
 * rt_feed_retry_now() makes the submission's jobs that wait for a retry delay ready
 * at once (not those waiting for a scheduled time or the quiet hours). Both return
 * how many jobs moved. */
size_t rt_feed_release(rt_feed *f, const char *submission);
size_t rt_feed_retry_now(rt_feed *f, const char *submission);

#endif
