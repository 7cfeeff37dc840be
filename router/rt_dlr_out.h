/* rt_dlr_out: the router's durable outbox towards dlr (ACCEPTED events, MO_REPLY
 * events, and a copy of every RESULT from the egress).
 *
 * rt_dlr_out_put() writes the message under its key in the batch transaction and
 * queues it on the dlr link once the batch is committed; rt_dlr_out_resume() re-sends
 * everything the outbox holds (at start-up); rt_dlr_out_acked() deletes an entry when
 * dlr acknowledged it. Storage errors are returned (negative errno). */
#ifndef RT_DLR_OUT_H
#define RT_DLR_OUT_H

#include "rt_ctx.h"

#include <stddef.h>

int rt_dlr_out_put(rt_ctx *ctx, MDB_txn *txn, const char *key, const void *msg, size_t len);
int rt_dlr_out_resume(rt_ctx *ctx);
void rt_dlr_out_acked(rt_ctx *ctx, const char *key);

#endif
