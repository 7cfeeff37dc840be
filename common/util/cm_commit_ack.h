/* cm_commit_ack: acknowledge a handoff item once the current batch is durable.
 *
 * cm_commit_ack() copies the peer, key and body, and sends the ack through the hub
 * from a cm_store_batch_after() callback, i.e. only if the batch transaction commits.
 * Returns 0 or -ENOMEM. The hub and the store are borrowed and must outlive the
 * commit. */
#ifndef CM_COMMIT_ACK_H
#define CM_COMMIT_ACK_H

#include "cm_handoff.h"
#include "cm_store.h"

int cm_commit_ack(cm_store *s, cm_hub *h, const cm_peer *to, const char *key, const void *body,
                  size_t len);

/* Records `key` in sub-database `seen` of txn: 0 if new, -EEXIST if already applied. */
int cm_commit_seen(MDB_txn *txn, MDB_dbi seen, const char *key);

#endif
