/* dl_intake: reliable items from the router and the egresses, applied in the
 * group-commit batch and acknowledged after the commit (see dl_ctx.h). */
#include "dl_ctx.h"

#include "cm_log.h"
#include "cm_wire.h"
#include "dl_prune.h"
#include "dl_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef int (*dl_apply_fn)(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);

/* seen: whether an applied item's key is recorded in `seen`. A RESULT's is not: the
 * recipient record makes applying it again harmless (dl_state_result ignores the
 * attempt it already recorded, and a final recipient), nor a DELIVER's that its
 * handler says is DL_STATE_REPEATABLE (matched to its recipient), which saves a `seen`
 * and an `aging` entry per job and per receipt. Keys recorded by earlier versions are
 * still found. */
typedef struct {
    int type;
    const char *key_prefix;
    const char *name;
    dl_apply_fn apply;
    int seen;
} dl_handler;

static const dl_handler HANDLERS[] = {
    {CM_MSG_ACCEPTED, "acc:", "ACCEPTED", dl_state_accepted, 1},
    {CM_MSG_RESULT, "res:", "RESULT", dl_state_result, 0},
    {CM_MSG_DELIVER, "dlv:", "DELIVER", dl_state_deliver, 1},
    {CM_MSG_MO_REPLY, "mo:", "MO_REPLY", dl_state_mo_reply, 1},
};

static const dl_handler *handler_for(const void *payload, size_t len)
{
    int type = cm_wire_type(payload, len);

    for (size_t i = 0; i < sizeof(HANDLERS) / sizeof(HANDLERS[0]); i++)
        if (HANDLERS[i].type == type) return &HANDLERS[i];
    return NULL;
}

typedef struct {
    dl_ctx *c;
    cm_peer peer;
    char key[];
} pending_ack;

static void ack_after_commit(void *arg, int committed)
{
    pending_ack *a = arg;

    if (committed && a->c->hub != NULL) {
        int rc = cm_hub_ack(a->c->hub, &a->peer, a->key, NULL, 0);
        if (rc < 0) /* the peer is gone: it re-sends, and we ack the duplicate */
            cm_debug("ack %s not sent (%d)", a->key, rc);
    }
    free(a);
}

static void kick_after(void *arg, int committed)
{
    dl_ctx *c = arg;

    if (committed && c->outbox != NULL) dl_outbox_kick(c->outbox);
}

void dl_intake_kick_after_commit(dl_ctx *c)
{
    if (c->st.mails == c->mails_kicked) return;
    c->mails_kicked = c->st.mails;
    if (cm_store_batch_after(c->store, kick_after, c) < 0)
        cm_log_fatal("cannot register a commit callback");
}

/* Apply in a nested transaction, so that an item refused half-way leaves nothing
 * (its counts included). */
static int apply(dl_ctx *c, MDB_txn *txn, const dl_handler *h, const void *p, size_t n)
{
    MDB_txn *child;
    dl_counts before = c->st.counts;
    unsigned flags = 0;
    int rc = mdb_env_get_flags(cm_store_env(c->store), &flags);

    /* LMDB refuses nested transactions under MDB_WRITEMAP (MDB_BAD_TXN): apply in the batch */
    if (rc == 0 && !(flags & MDB_WRITEMAP))
        rc = mdb_txn_begin(cm_store_env(c->store), txn, 0, &child);
    if (rc == 0 && (flags & MDB_WRITEMAP)) {
        rc = h->apply(&c->st, txn, p, n, dl_time_now_ms());
    } else if (rc != 0) {
        return cm_store_err(rc);
    } else {
        rc = h->apply(&c->st, child, p, n, dl_time_now_ms());
        if (rc >= 0) {
            int crc = mdb_txn_commit(child);
            rc = crc ? cm_store_err(crc) : rc;
        } else {
            mdb_txn_abort(child);
        }
    }
    if (rc < 0) c->st.counts = before;
    return rc;
}

static void apply_new(dl_ctx *c, MDB_txn *txn, const char *key, const void *p, size_t n)
{
    const dl_handler *h = handler_for(p, n);
    int rc = h != NULL ? apply(c, txn, h, p, n) : -EBADMSG;

    if (rc == -EBADMSG) {
        c->intake.bad++;
        cm_warn("item %s: bad %s payload (%zu bytes): acknowledged and dropped", key,
                h != NULL ? h->name : "unknown", n);
    } else if (rc < 0) {
        cm_log_fatal("item %s: storage failure (%s)", key, strerror(-rc));
    } else if (strncmp(key, h->key_prefix, strlen(h->key_prefix)) != 0) {
        cm_warn("item %s carries a %s", key, h->name);
    } else if (!h->seen || rc == DL_STATE_REPEATABLE) {
        return;
    }
    uint8_t when[8];
    uint64_t now = dl_time_now_ms();
    cm_be64_put(when, now);
    rc = cm_store_put(txn, c->st.db.seen, key, strlen(key), when, sizeof(when), MDB_NOOVERWRITE);
    if (rc == 0) rc = dl_prune_note(&c->st, txn, DL_AGE_SEEN, key, strlen(key), now);
    if (rc == -EINVAL) /* a key too long to age: kept for good */
        rc = 0;
    if (rc < 0) cm_log_fatal("item %s: cannot record it (%s)", key, strerror(-rc));
}

void dl_intake_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                    size_t len, void *arg)
{
    dl_ctx *c = arg;
    size_t klen = strlen(key);
    MDB_txn *txn;
    MDB_val v;
    pending_ack *a;

    if (klen == 0 || c->stopping) /* one-way: nothing for us; stopping: it comes again */
        return;
    txn = cm_store_batch_txn(c->store);
    if (txn == NULL) cm_log_fatal("cannot begin the batch transaction");
    c->intake.items++;
    int rc = cm_store_get(txn, c->st.db.seen, key, klen, &v);
    if (rc == 0)
        c->intake.duplicates++;
    else if (rc == -ENOENT)
        apply_new(c, txn, key, payload, len);
    else
        cm_log_fatal("item %s: storage failure (%s)", key, strerror(-rc));
    a = malloc(sizeof(*a) + klen + 1);
    if (a == NULL) cm_log_fatal("out of memory");
    a->c = c;
    a->peer = *from;
    memcpy(a->key, key, klen + 1);
    if (cm_store_batch_after(c->store, ack_after_commit, a) < 0)
        cm_log_fatal("cannot register a commit callback");
    dl_intake_kick_after_commit(c);
}
