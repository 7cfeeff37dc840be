/* rt_stage: see rt_stage.h. */
#include "rt_stage.h"
#include "cm_log.h"
#include "cm_wire.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rt_stage_next_chunk(rt_ctx *ctx, MDB_txn **txn, const char *submission, size_t staged)
{
    const char *pause = getenv("SMSGW_STAGE_PAUSE_MS");
    int rc = cm_store_batch_commit(ctx->store);
    if (rc) return rc;
    cm_info("submission %s: %zu job(s) staged", submission, staged);
    if (pause && atoi(pause) > 0) usleep((useconds_t)atoi(pause) * 1000);
    *txn = cm_store_batch_txn(ctx->store);
    return *txn ? 0 : -EIO;
}

/* The submission of the job record v in buf: 0, or -EBADMSG (unreadable). */
static int job_submission(const MDB_val *v, char *buf, size_t cap)
{
    cm_arena *arena = NULL;
    cm_msg_job m;
    if (v->mv_size < sizeof(rt_job_rec)) return -EBADMSG;
    int rc = cm_wire_decode_job((const uint8_t *)v->mv_data + sizeof(rt_job_rec),
                                v->mv_size - sizeof(rt_job_rec), &arena, &m);
    if (!rc && snprintf(buf, cap, "%s", m.submission) >= (int)cap) rc = -EBADMSG;
    cm_arena_free(arena);
    return rc;
}

/* One transaction of the sweep: deletes up to RT_STAGE_CHUNK jobs from the end;
 * *more = 1 if it stopped because of that limit. */
static int sweep_chunk(rt_ctx *ctx, size_t *deleted, int *more)
{
    MDB_txn *txn = cm_store_batch_txn(ctx->store);
    MDB_cursor *cur = NULL;
    MDB_val k, v, rec;
    char sub[64];
    size_t n = 0;
    int rc =
        txn ? cm_store_err(mdb_cursor_open(txn, cm_store_dbi(ctx->store, RT_DB_JOBS), &cur)) : -EIO;
    while (!rc && n < RT_STAGE_CHUNK &&
           (rc = cm_store_err(mdb_cursor_get(cur, &k, &v, MDB_LAST))) == 0) {
        if (job_submission(&v, sub, sizeof sub) != 0) break; /* rt_feed_load reports it */
        rc = cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_SUBMISSIONS), sub, strlen(sub), &rec);
        if (rc == 0) break; /* its submission exists: nothing staged before it */
        if (rc == -ENOENT) rc = cm_store_err(mdb_cursor_del(cur, 0));
        n++;
    }
    rc = rc == -ENOENT ? 0 : rc; /* `jobs` is empty */
    if (cur) mdb_cursor_close(cur);
    *more = !rc && n == RT_STAGE_CHUNK;
    *deleted += rc ? 0 : n;
    return rc ? rc : cm_store_batch_commit(ctx->store);
}

int rt_stage_sweep(rt_ctx *ctx, size_t *deleted)
{
    int more = 1, rc = 0;
    *deleted = 0;
    while (!rc && more)
        rc = sweep_chunk(ctx, deleted, &more);
    return rc;
}

void rt_stage_trim(void)
{
    malloc_trim(0);
}
