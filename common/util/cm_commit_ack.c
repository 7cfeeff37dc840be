/* cm_commit_ack: see cm_commit_ack.h. */
#include "cm_commit_ack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cm_hub *hub;
    cm_peer to;
    char *key;
    size_t len;
    uint8_t body[];
} pending_ack;

static void send_ack(void *arg, int committed)
{
    pending_ack *p = arg;
    if (committed) cm_hub_ack(p->hub, &p->to, p->key, p->body, p->len);
    free(p->key);
    free(p);
}

int cm_commit_ack(cm_store *s, cm_hub *h, const cm_peer *to, const char *key, const void *body,
                  size_t len)
{
    pending_ack *p = malloc(sizeof *p + len);
    if (!p || !(p->key = strdup(key))) {
        free(p);
        return -ENOMEM;
    }
    p->hub = h;
    p->to = *to;
    p->len = len;
    if (len) memcpy(p->body, body, len);
    int rc = cm_store_batch_after(s, send_ack, p);
    if (rc) {
        free(p->key);
        free(p);
    }
    return rc;
}

int cm_commit_seen(MDB_txn *txn, MDB_dbi seen, const char *key)
{
    return cm_store_put(txn, seen, key, strlen(key), "", 0, MDB_NOOVERWRITE);
}
