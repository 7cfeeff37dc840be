/* cm_handoff: see cm_handoff.h. A link keeps its outstanding items in a map (by key)
 * and an insertion-ordered list. Items go on the wire in list order: those before
 * `unsent` have been sent (at most max_inflight of them, counted by `on_wire`), those
 * from `unsent` on wait for room. An ack or a cancel frees room and sends the next
 * waiting item (no walk of the list); a timer re-sends the items whose ack is overdue. */
#include "cm_handoff.h"
#include "cm_map.h"
#include "cm_zsock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define CM_LINK_TICK_MS 50

typedef struct item {
    struct item *prev, *next;
    uint64_t sent_ms; /* last (re-)send; 0: the last attempt found no peer */
    int wired;        /* before `unsent`: counted in on_wire */
    size_t len;
    char *key;
    uint8_t payload[];
} item;

struct cm_link {
    cm_link_opts o;
    uv_loop_t *loop;
    cm_zsock *z;
    uv_timer_t timer;
    cm_map *items;
    item *head, *tail;
    item *unsent;     /* first item never put on the wire (NULL: none) */
    unsigned on_wire; /* items before `unsent` */
};

struct cm_hub {
    cm_hub_opts o;
    cm_zsock *z;
};

static int set_opt_int(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v) == 0 ? 0 : -errno;
}

static int send_item(cm_link *l, item *it)
{
    cm_frame f[3] = {{"R", 1}, {it->key, strlen(it->key)}, {it->payload, it->len}};
    int rc = cm_zsock_send(l->z, f, 3);
    if (rc == 0) it->sent_ms = uv_now(l->loop);
    return rc;
}

/* Puts waiting items on the wire while there is room. */
static void fill(cm_link *l)
{
    while (l->unsent && l->on_wire < l->o.max_inflight) {
        if (send_item(l, l->unsent) != 0) return; /* no peer: the timer tries again */
        l->unsent->wired = 1;
        l->on_wire++;
        l->unsent = l->unsent->next;
    }
}

/* Re-sends the overdue items on the wire, then fills the room. */
static void on_timer(uv_timer_t *t)
{
    cm_link *l = t->data;
    uint64_t now = uv_now(l->loop);
    for (item *it = l->head; it && it != l->unsent; it = it->next) {
        if (it->sent_ms && now - it->sent_ms < l->o.retry_ms) continue;
        if (send_item(l, it) == -EAGAIN) return; /* no peer: next tick */
    }
    fill(l);
}

static void unlink_item(cm_link *l, item *it)
{
    if (it->wired) l->on_wire--;
    if (l->unsent == it) l->unsent = it->next;
    *(it->prev ? &it->prev->next : &l->head) = it->next;
    *(it->next ? &it->next->prev : &l->tail) = it->prev;
    free(it->key);
    free(it);
}

static void link_recv(cm_zsock *z, const cm_frame *f, int n, void *arg)
{
    cm_link *l = arg;
    char key[512];
    if (n != 3 || f[0].len != 1 || f[1].len >= sizeof key) return; /* not ours: ignored */
    memcpy(key, f[1].data, f[1].len);
    key[f[1].len] = 0;
    if (*(const char *)f[0].data == 'U') {
        if (l->o.msg_cb) l->o.msg_cb(l, f[2].data, f[2].len, l->o.arg);
        return;
    }
    item *it = *(const char *)f[0].data == 'A' ? cm_map_del(l->items, key) : NULL;
    if (!it) return; /* duplicate or cancelled */
    unlink_item(l, it);
    if (l->o.ack_cb) l->o.ack_cb(l, key, f[2].data, f[2].len, l->o.arg);
    fill(l);
}

int cm_link_create(uv_loop_t *loop, void *zctx, const cm_link_opts *opts, cm_link **out)
{
    cm_link *l = calloc(1, sizeof *l);
    void *s = zmq_socket(zctx, ZMQ_DEALER);
    int rc = l && s ? 0 : -ENOMEM;
    if (!rc && opts->identity)
        rc = zmq_setsockopt(s, ZMQ_ROUTING_ID, opts->identity, strlen(opts->identity)) ? -errno : 0;
    if (!rc) rc = set_opt_int(s, ZMQ_IMMEDIATE, 1);
    if (!rc && zmq_connect(s, opts->endpoint) != 0) rc = -errno;
    if (!rc && !(l->items = cm_map_create())) rc = -ENOMEM;
    if (!rc) rc = cm_zsock_create(loop, s, link_recv, l, &l->z);
    if (rc) {
        if (s) zmq_close(s);
        if (l) cm_map_free(l->items);
        free(l);
        return rc;
    }
    l->o = *opts;
    if (!l->o.max_inflight) l->o.max_inflight = 1000;
    if (!l->o.retry_ms) l->o.retry_ms = 1000;
    l->loop = loop;
    uv_timer_init(loop, &l->timer);
    l->timer.data = l;
    /* Items refused with EAGAIN (no connection yet) wait for the next tick: keep it
     * short, so that the first items after a (re)connection are not late. */
    unsigned tick = l->o.retry_ms / 4 ? l->o.retry_ms / 4 : 1;
    tick = tick > CM_LINK_TICK_MS ? CM_LINK_TICK_MS : tick;
    uv_timer_start(&l->timer, on_timer, tick, tick);
    *out = l;
    return 0;
}

static void free_after_close(uv_handle_t *h)
{
    free(h->data);
}

void cm_link_free(cm_link *l)
{
    if (!l) return;
    while (l->head)
        unlink_item(l, l->head);
    cm_map_free(l->items);
    cm_zsock_free(l->z);
    uv_close((uv_handle_t *)&l->timer, free_after_close);
}

int cm_link_send(cm_link *l, const char *key, const void *payload, size_t len)
{
    if (cm_map_get(l->items, key)) return -EEXIST;
    item *it = malloc(sizeof *it + len);
    if (!it || !(it->key = strdup(key)) || cm_map_put(l->items, key, it, NULL)) {
        if (it) free(it->key);
        free(it);
        return -ENOMEM;
    }
    memcpy(it->payload, payload, len);
    it->len = len;
    it->sent_ms = 0;
    it->wired = 0;
    it->next = NULL;
    it->prev = l->tail;
    *(l->tail ? &l->tail->next : &l->head) = it;
    l->tail = it;
    if (!l->unsent) l->unsent = it;
    fill(l);
    return 0;
}

int cm_link_cancel(cm_link *l, const char *key)
{
    item *it = cm_map_del(l->items, key);
    if (!it) return -ENOENT;
    unlink_item(l, it);
    fill(l);
    return 0;
}

int cm_link_is_pending(const cm_link *l, const char *key)
{
    return cm_map_get(l->items, key) != NULL;
}

size_t cm_link_pending(const cm_link *l)
{
    return cm_map_size(l->items);
}

int cm_link_send_oneway(cm_link *l, const void *msg, size_t len)
{
    cm_frame f[3] = {{"U", 1}, {"", 0}, {msg, len}};
    return cm_zsock_send(l->z, f, 3);
}

static void hub_recv(cm_zsock *z, const cm_frame *f, int n, void *arg)
{
    cm_hub *h = arg;
    cm_peer peer;
    char key[512];
    if (n != 4 || f[0].len > sizeof peer.id || f[1].len != 1 || f[2].len >= sizeof key) return;
    char kind = *(const char *)f[1].data;
    if ((kind != 'R' || f[2].len == 0) && kind != 'U') return;
    memcpy(peer.id, f[0].data, f[0].len);
    peer.len = f[0].len;
    memcpy(key, f[2].data, f[2].len);
    key[kind == 'U' ? 0 : f[2].len] = 0;
    h->o.item_cb(h, &peer, key, f[3].data, f[3].len, h->o.arg);
}

int cm_hub_create(uv_loop_t *loop, void *zctx, const cm_hub_opts *opts, cm_hub **out)
{
    cm_hub *h = calloc(1, sizeof *h);
    void *s = zmq_socket(zctx, ZMQ_ROUTER);
    int rc = h && s ? set_opt_int(s, ZMQ_ROUTER_MANDATORY, 1) : -ENOMEM;
    if (!rc && zmq_bind(s, opts->endpoint) != 0) rc = -errno;
    if (!rc) rc = cm_zsock_create(loop, s, hub_recv, h, &h->z);
    if (rc) {
        if (s) zmq_close(s);
        free(h);
        return rc;
    }
    h->o = *opts;
    *out = h;
    return 0;
}

void cm_hub_free(cm_hub *h)
{
    if (!h) return;
    cm_zsock_free(h->z);
    free(h);
}

static int hub_send(cm_hub *h, const cm_peer *to, const char *kind, const char *key,
                    const void *body, size_t len)
{
    cm_frame f[4] = {{to->id, to->len}, {kind, 1}, {key, strlen(key)}, {body, len}};
    return cm_zsock_send(h->z, f, 4);
}

int cm_hub_ack(cm_hub *h, const cm_peer *to, const char *key, const void *body, size_t len)
{
    return hub_send(h, to, "A", key, body ? body : "", body ? len : 0);
}

int cm_hub_send_oneway(cm_hub *h, const cm_peer *to, const void *msg, size_t len)
{
    return hub_send(h, to, "U", "", msg, len);
}
