/* cm_handoff: acknowledged handoff of items between processes over ZeroMQ.
 *
 * A link (DEALER, connects) sends items that each carry a key; it keeps a copy of
 * every item until the peer acknowledges that key, re-sends items not acknowledged
 * within retry_ms (and all of them when it is created again after a restart: the
 * owner re-submits what its own store still holds), and caps what is outstanding
 * at max_inflight. It can also send one-way messages (no key, no ack) and receives
 * the peer's one-way messages through msg_cb.
 *
 * A hub (ROUTER, binds) receives reliable items and one-way messages from many
 * links. For a reliable item, the owner commits it (idempotently on the key) and
 * only then calls cm_hub_ack(); the ack may carry a body. It can send one-way
 * messages to a peer by identity (ZMQ_ROUTER_MANDATORY: -EHOSTUNREACH when the peer
 * is unknown).
 *
 * Frames on the wire: link -> hub [kind][key][payload] with kind "R" (reliable) or
 * "U" (one-way, empty key); hub -> link [kind][key][body] with kind "A" (ack) or "U".
 * Payloads are opaque here (common/gw/cm_wire.h encodes them).
 *
 * Ownership: keys and payloads are copied; callbacks borrow what they are given for
 * the duration of the call. Identities are at most 255 bytes. Errors are negative
 * errno values; nothing here logs. */
#ifndef CM_HANDOFF_H
#define CM_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct cm_link cm_link;
typedef struct cm_hub cm_hub;

typedef struct {
    uint8_t id[256];
    size_t len;
} cm_peer;

typedef struct {
    const char *endpoint; /* "tcp://127.0.0.1:7001" */
    const char *identity; /* ZMQ_ROUTING_ID, NULL for a random one */
    unsigned retry_ms;    /* re-send an unacknowledged item after this long */
    unsigned max_inflight;
    /* An ack for `key` arrived (once per key; later duplicates are dropped). */
    void (*ack_cb)(cm_link *l, const char *key, const void *body, size_t len, void *arg);
    /* A one-way message from the hub. */
    void (*msg_cb)(cm_link *l, const void *msg, size_t len, void *arg);
    void *arg;
} cm_link_opts;

int cm_link_create(uv_loop_t *loop, void *zctx, const cm_link_opts *opts, cm_link **out);
void cm_link_free(cm_link *l);
/* Queue a reliable item. -EEXIST if `key` is already outstanding. */
int cm_link_send(cm_link *l, const char *key, const void *payload, size_t len);
/* Forget an outstanding item (its ack, if one comes, is then ignored). */
int cm_link_cancel(cm_link *l, const char *key);
int cm_link_is_pending(const cm_link *l, const char *key);
size_t cm_link_pending(const cm_link *l);
/* One-way message; -EAGAIN when no peer is connected. */
int cm_link_send_oneway(cm_link *l, const void *msg, size_t len);

typedef struct {
    const char *endpoint; /* bind address */
    /* A reliable item (key non-empty) or a one-way message (key ""). */
    void (*item_cb)(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                    size_t len, void *arg);
    void *arg;
} cm_hub_opts;

int cm_hub_create(uv_loop_t *loop, void *zctx, const cm_hub_opts *opts, cm_hub **out);
void cm_hub_free(cm_hub *h);
int cm_hub_ack(cm_hub *h, const cm_peer *to, const char *key, const void *body, size_t len);
int cm_hub_send_oneway(cm_hub *h, const cm_peer *to, const void *msg, size_t len);

#endif
