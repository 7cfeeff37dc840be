/* rt_stage: a big submission's jobs are stored in chunks (issue 7: memory).
 *
 * LMDB keeps, for the life of the process, every page a write transaction malloc'd
 * (its free list of dirty pages is never trimmed): one transaction holding 100,000
 * jobs left ~35 MB in the heap. So rt_ingress commits a submission's jobs every
 * RT_STAGE_CHUNK jobs (rt_stage_next_chunk) and writes the submission's record (its
 * ACCEPTED event, the submit id with its reply, the Message-ID entry, the outbox
 * entry) with the last chunk. Until then the jobs are "staged": durable, but not in
 * rt_feed's memory (they are handed to it after the last commit, with the 250), so
 * nothing of a half-stored submission is sent, and the ingress gets its answer only
 * once the submission and all its jobs are durable.
 *
 * A crash while staging leaves jobs whose submission has no record, always the last
 * ones of `jobs` (staging is synchronous: nothing else adds jobs meanwhile).
 * rt_stage_sweep(), at start-up before rt_feed_load(), deletes them from the end of
 * `jobs` (a chunk per transaction) up to the first job whose submission exists. The
 * ingress sends the SUBMIT again and it is stored afresh, under a new number (the
 * burned one is never reused).
 *
 * rt_stage_next_chunk() commits the batch (running the callbacks of what it held:
 * everything in it before the staged jobs is complete), logs "submission N: K job(s)
 * staged" (K: the submission's jobs so far) and begins the next one into *txn. Both
 * return 0 or a negative errno (a storage failure: fatal for the caller);
 * rt_stage_sweep() stores in *deleted how many jobs it deleted.
 *
 * Test hook: with SMSGW_STAGE_PAUSE_MS=<ms> in the environment the loop sleeps that
 * long after each chunk's commit (tests kill the router while a list is staged). */
#ifndef RT_STAGE_H
#define RT_STAGE_H

#include "rt_ctx.h"

#include <stddef.h>

#define RT_STAGE_CHUNK 5000

int rt_stage_next_chunk(rt_ctx *ctx, MDB_txn **txn, const char *submission, size_t staged);
int rt_stage_sweep(rt_ctx *ctx, size_t *deleted);
/* Once a big submission is committed and its transient buffers freed (the recipients,
 * the event, the job list): gives the free heap pages back to the system (glibc keeps
 * them otherwise, and the process's RSS stays at its peak). */
void rt_stage_trim(void);

#endif
