/* rt_ingress: the router's side of the ingress -> router handoff. Each SUBMIT is
 * decided (rt_submit), committed with its jobs, its ACCEPTED event and the reply in
 * one batch, and acknowledged with that reply (SUBMIT_REPLY) only after the commit;
 * the jobs are handed to rt_feed at the same moment. A SUBMIT seen before (same id)
 * is answered with the stored reply. Item callback for the ingress cm_hub. */
#ifndef RT_INGRESS_H
#define RT_INGRESS_H

#include "cm_handoff.h"

#include <lmdb.h>

struct rt_ctx;
/* A submission the gateway makes itself (the confirmation of a STOP): one SMS from
 * `account` to `e164`, transactional, without receipts and without consulting the STOP
 * lists, decided and stored in txn like any other (id must be unique: it keys the
 * submission). Storage failures are fatal. */
void rt_ingress_own_sms(struct rt_ctx *ctx, MDB_txn *txn, const char *id, const char *account,
                        const char *e164, const char *text);

void rt_ingress_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                     size_t len, void *arg);

#endif
