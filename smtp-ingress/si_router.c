/* si_router: see si_router.h. Requests are kept in a map by key; each owns a timer
 * and is freed in the timer's close callback. */
#include "si_router.h"
#include "cm_handoff.h"
#include "cm_log.h"
#include "cm_map.h"
#include "cm_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct si_router {
    cm_link *link;
    cm_map *reqs;
    uv_loop_t *loop;
    si_metrics *mt;
};

struct si_router_req {
    si_router *rt;
    uv_timer_t timer;
    char key[64];
    uint64_t start_ns; /* uv_hrtime() at si_router_submit */
    si_router_done_cb done;
    void *arg;
};

static void req_free_cb(uv_handle_t *h)
{
    free(h->data);
}

/* Removes the request from the map and the link, and releases it. */
static void req_drop(si_router_req *q)
{
    cm_map_del(q->rt->reqs, q->key);
    cm_link_cancel(q->rt->link, q->key);
    uv_timer_stop(&q->timer);
    uv_close((uv_handle_t *)&q->timer, req_free_cb);
}

static void req_finish(si_router_req *q, const si_reply *r, enum si_submit_result result)
{
    uint64_t now = uv_hrtime();
    si_metrics_submission(q->rt->mt, result, (double)(now - q->start_ns) / 1e9, now / 1000000u);
    si_router_done_cb done = q->done;
    void *arg = q->arg;
    req_drop(q);
    done(arg, r);
}

static void temp_failure(si_reply *r)
{
    si_reply_set(r, 451, "4.3.0", "temporary failure, try again later");
}

/* The SUBMIT_REPLY in an ack body -> the SMTP reply. */
static void decode_reply(const char *key, const void *body, size_t len, si_reply *r)
{
    cm_arena *arena = NULL;
    cm_msg_submit_reply m;
    int rc = cm_wire_decode_submit_reply(body, len, &arena, &m);
    if (rc < 0 || m.smtp_code < 200 || m.smtp_code > 599) {
        cm_warn("router ack for %s: bad SUBMIT_REPLY (rc %d, code %u)", key, rc,
                rc < 0 ? 0 : m.smtp_code);
        temp_failure(r);
    } else {
        char enh[16];
        snprintf(enh, sizeof enh, "%u.0.0", m.smtp_code / 100);
        int ok = si_reply_enhanced_ok((int)m.smtp_code, m.enhanced);
        si_reply_set(r, (int)m.smtp_code, ok ? m.enhanced : enh, "%s", m.text);
        snprintf(r->submission, sizeof r->submission, "%s", m.submission);
    }
    cm_arena_free(arena);
}

static void on_ack(cm_link *l, const char *key, const void *body, size_t len, void *arg)
{
    si_router *rt = arg;
    si_router_req *q = cm_map_get(rt->reqs, key);
    si_reply r;
    if (!q) {
        cm_debug("router ack for %s: no session waits for it any more", key);
        return;
    }
    decode_reply(key, body, len, &r);
    req_finish(q, &r, r.code < 400 ? SI_SUB_COMMITTED : SI_SUB_REFUSED);
}

static void on_oneway(cm_link *l, const void *msg, size_t len, void *arg)
{
    cm_debug("router sent a one-way message (%zu bytes): ignored", len);
}

static void on_timeout(uv_timer_t *t)
{
    si_router_req *q = t->data;
    si_reply r;
    cm_warn("router did not acknowledge %s in time", q->key);
    temp_failure(&r);
    req_finish(q, &r, SI_SUB_ROUTER_TIMEOUT);
}

/* A bind address ("tcp://" then "*" or "0.0.0.0", then ":port") -> loopback. */
static void connect_endpoint(const char *in, char *out, size_t cap)
{
    const char *hosts[] = {"tcp://*:", "tcp://0.0.0.0:"};
    for (size_t i = 0; i < 2; i++) {
        if (strncmp(in, hosts[i], strlen(hosts[i])) == 0) {
            snprintf(out, cap, "tcp://127.0.0.1:%s", in + strlen(hosts[i]));
            return;
        }
    }
    snprintf(out, cap, "%s", in);
}

int si_router_create(uv_loop_t *loop, void *zctx, const char *endpoint, si_metrics *mt,
                     si_router **out)
{
    char ep[512];
    si_router *rt = calloc(1, sizeof *rt);
    if (!rt || !(rt->reqs = cm_map_create())) {
        free(rt);
        return -ENOMEM;
    }
    connect_endpoint(endpoint, ep, sizeof ep);
    cm_link_opts o = {.endpoint = ep,
                      .identity = NULL,
                      .retry_ms = SI_ROUTER_RETRY_MS,
                      .max_inflight = 1000,
                      .ack_cb = on_ack,
                      .msg_cb = on_oneway,
                      .arg = rt};
    rt->loop = loop;
    rt->mt = mt;
    int rc = cm_link_create(loop, zctx, &o, &rt->link);
    if (rc < 0) {
        cm_map_free(rt->reqs);
        free(rt);
        return rc;
    }
    *out = rt;
    return 0;
}

static int cancel_one(const char *key, void *value, void *arg)
{
    si_router_cancel(value);
    return 0;
}

void si_router_free(si_router *rt)
{
    if (!rt) return;
    cm_map_each(rt->reqs, cancel_one, NULL);
    cm_map_free(rt->reqs);
    cm_link_free(rt->link);
    free(rt);
}

int si_router_submit(si_router *rt, const char *id, const void *payload, size_t len,
                     unsigned timeout_ms, si_router_done_cb done, void *arg, si_router_req **out)
{
    si_router_req *q = calloc(1, sizeof *q);
    if (!q) return -ENOMEM;
    q->rt = rt;
    q->done = done;
    q->arg = arg;
    q->start_ns = uv_hrtime();
    snprintf(q->key, sizeof q->key, "sub:%s", id);
    int rc = cm_map_put(rt->reqs, q->key, q, NULL);
    if (rc == 0 && (rc = cm_link_send(rt->link, q->key, payload, len)) < 0)
        cm_map_del(rt->reqs, q->key);
    if (rc < 0) {
        free(q);
        return rc;
    }
    uv_timer_init(rt->loop, &q->timer);
    q->timer.data = q;
    uv_timer_start(&q->timer, on_timeout, timeout_ms, 0);
    *out = q;
    return 0;
}

void si_router_cancel(si_router_req *req)
{
    if (req) req_drop(req);
}

size_t si_router_pending(const si_router *rt)
{
    return cm_map_size(rt->reqs);
}
