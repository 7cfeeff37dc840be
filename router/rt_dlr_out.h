/* rt_dlr_out: the router's durable outbox towards dlr (ACCEPTED events, MO_REPLY
 * events, and a copy of every RESULT from the egress).
 *
 * rt_dlr_out_put() writes the message under its key in the batch transaction and
 * queues it on the dlr link once the batch is committed; rt_dlr_out_resume() re-sends
 * everything the outbox holds (at start-up); rt_dlr_out_acked() deletes an entry when
 * dlr acknowledged it. Storage errors are returned (negative errno).
 *
 * rt_dlr_out_put_ref() is for an ACCEPTED event (key "acc:<submission>") whose bytes
 * the caller stores in `submissions` in the same transaction: the outbox entry is
 * empty and stands for that record (a 100,000-recipient event is 5 MB: stored once),
 * and the event's buffer is taken (*event emptied) once the entry is written; -EINVAL
 * for another kind of key. */
#ifndef RT_DLR_OUT_H
#define RT_DLR_OUT_H

#include "cm_buf.h"
#include "rt_ctx.h"

#include <stddef.h>

int rt_dlr_out_put(rt_ctx *ctx, MDB_txn *txn, const char *key, const void *msg, size_t len);
int rt_dlr_out_put_ref(rt_ctx *ctx, MDB_txn *txn, const char *key, cm_wbuf *event);
int rt_dlr_out_resume(rt_ctx *ctx);
void rt_dlr_out_acked(rt_ctx *ctx, const char *key);

#endif
