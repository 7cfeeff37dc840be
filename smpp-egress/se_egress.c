/* se_egress: wiring of the egress context (see se_egress.h): links, binds, CREDIT
 * heartbeat, drain on stop. */
#include "se_egress.h"

#include "cm_log.h"
#include "cm_wire.h"
#include "se_ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define CREDIT_MS 1000
#define DRAIN_TICK_MS 100

uint64_t se_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- CREDIT ---- */

static void credit_compute(se_ctx *ctx, uint32_t *free_slots, uint32_t *up)
{
    long room = 0;
    *up = 0;
    for (size_t i = 0; i < ctx->n_binds; i++) {
        if (se_bind_state(ctx->binds[i]) == SE_BIND_BOUND) (*up)++;
        room += se_bind_window_room(ctx->binds[i]) + se_bind_readahead(ctx->binds[i]);
    }
    room -= (long)se_jobs_held(ctx->jobs);
    *free_slots = ctx->stopping || room < 0 ? 0 : (uint32_t)room;
}

static void credit_send(se_ctx *ctx, int only_if_changed)
{
    uint32_t free_slots, up;
    credit_compute(ctx, &free_slots, &up);
    if (only_if_changed && free_slots == ctx->credit_free && up == ctx->credit_up) return;
    cm_msg_credit c = {ctx->op->name, ctx->epoch, ctx->received, free_slots, up};
    cm_wbuf w = {0};
    if (cm_wire_encode_credit(&c, &w) == 0 && !w.err &&
        cm_link_send_oneway(ctx->router, w.data, w.len) == 0) {
        ctx->credit_free = free_slots;
        ctx->credit_up = up;
    }
    cm_wbuf_free(&w);
}

static void on_credit_timer(uv_timer_t *t)
{
    se_ctx *ctx = t->data;
    se_dispatch_tick(ctx);
    credit_send(ctx, 0);
}

static void on_soon(uv_timer_t *t)
{
    credit_send(t->data, 1);
}

void se_credit_soon(se_ctx *ctx)
{
    if (!uv_is_active((uv_handle_t *)&ctx->soon_timer))
        uv_timer_start(&ctx->soon_timer, on_soon, 0, 0);
}

/* ---- bind and link callbacks ---- */

static void on_bind_state(se_bind *b, enum se_bind_state st, void *arg)
{
    se_ctx *ctx = arg;
    se_credit_soon(ctx);
    if (st == SE_BIND_BOUND) se_dispatch_pump(ctx);
}

static void on_bind_room(se_bind *b, void *arg)
{
    se_dispatch_pump(arg);
}

static void on_ack(cm_link *l, const char *key, const void *body, size_t len, void *arg)
{
    se_ctx *ctx = arg;
    if (l == ctx->dlr) ctx->dlr_acked_ms = uv_now(ctx->loop);
    if (strncmp(key, "dlv:", 4) == 0) se_deliver_acked(ctx, key);
}

/* A listen address with a wildcard host ("*" or 0.0.0.0) as loopback, with a scheme. */
static void connect_endpoint(const char *listen, char *out, size_t size)
{
    const char *sep = strstr(listen, "://");
    const char *hp = sep ? sep + 3 : listen;
    const char *scheme = sep ? listen : "tcp://";
    int scheme_len = sep ? (int)(hp - listen) : 6;
    const char *port = strrchr(hp, ':');
    if (port && (strncmp(hp, "*:", 2) == 0 || strncmp(hp, "0.0.0.0:", 8) == 0))
        snprintf(out, size, "%.*s127.0.0.1%s", scheme_len, scheme, port);
    else
        snprintf(out, size, "%.*s%s", scheme_len, scheme, hp);
}

static int make_link(se_ctx *ctx, const char *listen, const char *identity, int with_jobs,
                     cm_link **out)
{
    char endpoint[512];
    connect_endpoint(listen, endpoint, sizeof endpoint);
    cm_link_opts o = {.endpoint = endpoint,
                      .identity = identity,
                      .retry_ms = 2000,
                      .max_inflight = 1000,
                      .ack_cb = on_ack,
                      .msg_cb = with_jobs ? se_dispatch_msg : NULL,
                      .arg = ctx};
    int rc = cm_link_create(ctx->loop, ctx->zctx, &o, out);
    if (rc) cm_error("cannot connect to %s: %s", endpoint, strerror(-rc));
    return rc;
}

/* ---- create / start / stop / free ---- */

static int add_bind(se_ctx *ctx, const cm_config_bind *cfg, enum se_bind_role role, int index)
{
    se_bind_ops ops = {on_bind_state, se_dispatch_resp,     se_deliver_in,
                       on_bind_room,  se_dispatch_job_name, ctx};
    se_bind **nb = realloc(ctx->binds, (ctx->n_binds + 1) * sizeof *nb);
    if (!nb) return -ENOMEM;
    ctx->binds = nb;
    int rc = se_bind_create(ctx->loop, ctx->op, cfg, role, index, &ops, &nb[ctx->n_binds]);
    if (!rc) ctx->n_binds++;
    return rc;
}

static int add_binds(se_ctx *ctx)
{
    int rc = 0, index = 0;
    for (size_t i = 0; i < ctx->op->n_binds && !rc; i++) {
        const cm_config_bind *cfg = &ctx->op->binds[i];
        for (int k = 0; k < cfg->count && !rc; k++, index++) {
            if (cfg->mode == CM_BIND_TRANSCEIVER) {
                rc = add_bind(ctx, cfg, SE_ROLE_TRX, index);
            } else {
                rc = add_bind(ctx, cfg, SE_ROLE_TX, index);
                if (!rc) rc = add_bind(ctx, cfg, SE_ROLE_RX, index);
            }
        }
    }
    return rc ? rc : ctx->n_binds ? 0 : -ENOENT;
}

static void make_ids(se_ctx *ctx)
{
    uint8_t r[8];
    char host[256] = "localhost";
    if (getrandom(r, sizeof r, 0) != sizeof r) {
        uint64_t t = uv_hrtime() ^ (uint64_t)getpid() << 32;
        memcpy(r, &t, sizeof r);
    }
    for (int i = 0; i < 8; i++)
        snprintf(ctx->epoch + 2 * i, 3, "%02x", r[i]);
    gethostname(host, sizeof host - 1);
    snprintf(ctx->identity, sizeof ctx->identity, "egress:%s:%.200s:%ld", ctx->op->name, host,
             (long)getpid());
}

int se_egress_create(uv_loop_t *loop, void *zctx, const cm_config *cfg, const char *operator_name,
                     se_ctx **out)
{
    const cm_config_operator *op = cm_config_operator_find(cfg, operator_name);
    if (!op) return -ENOENT;
    se_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return -ENOMEM;
    *ctx = (se_ctx){.loop = loop, .zctx = zctx, .cfg = cfg, .op = op};
    make_ids(ctx);
    uv_timer_t *timers[] = {&ctx->credit_timer, &ctx->soon_timer, &ctx->drain_timer};
    for (int i = 0; i < 3; i++) {
        uv_timer_init(loop, timers[i]);
        timers[i]->data = ctx;
    }
    ctx->open_timers = 3;
    ctx->jobs = se_jobs_create(SE_RECENT_MAX, SE_RECENT_AGE_MS);
    ctx->dlv_pending = cm_map_create();
    int rc = ctx->jobs && ctx->dlv_pending ? 0 : -ENOMEM;
    if (!rc) rc = add_binds(ctx);
    if (!rc) rc = make_link(ctx, cfg->router.listen_egress, ctx->identity, 1, &ctx->router);
    if (!rc) rc = make_link(ctx, cfg->dlr.listen, NULL, 0, &ctx->dlr);
    if (rc) {
        se_egress_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

int se_egress_start(se_ctx *ctx)
{
    cm_info("egress %s: epoch %s, identity %s, %zu connection(s)", ctx->op->name, ctx->epoch,
            ctx->identity, ctx->n_binds);
    for (size_t i = 0; i < ctx->n_binds; i++)
        se_bind_start(ctx->binds[i]);
    uv_timer_start(&ctx->credit_timer, on_credit_timer, 0, CREDIT_MS);
    return 0;
}

static int all_binds(se_ctx *ctx, int (*pred)(const se_bind *b))
{
    for (size_t i = 0; i < ctx->n_binds; i++)
        if (!pred(ctx->binds[i])) return 0;
    return 1;
}

static int window_empty(const se_bind *b)
{
    return se_bind_in_window(b) == 0;
}

static int stopped(const se_bind *b)
{
    return se_bind_state(b) == SE_BIND_STOPPED;
}

/* Drain: 1 windows empty (or time-out), 2 binds stopped, 3 links flushed (or time-out). */
static void on_drain(uv_timer_t *t)
{
    se_ctx *ctx = t->data;
    uint64_t now = uv_now(ctx->loop);
    if (ctx->stop_phase == 1 && (all_binds(ctx, window_empty) || now >= ctx->stop_deadline)) {
        ctx->stop_phase = 2;
        for (size_t i = 0; i < ctx->n_binds; i++)
            se_bind_stop(ctx->binds[i]);
    }
    if (ctx->stop_phase == 2 && all_binds(ctx, stopped)) {
        ctx->stop_phase = 3;
        ctx->stop_deadline = now + SE_FLUSH_MS;
    }
    if (ctx->stop_phase != 3) return;
    size_t left = cm_link_pending(ctx->router) + cm_link_pending(ctx->dlr);
    if (left && now < ctx->stop_deadline) return;
    if (left)
        cm_warn("stopping with %zu result(s)/deliver(s) unacknowledged (the router re-sends "
                "jobs, the SMSC re-delivers)",
                left);
    uv_timer_stop(&ctx->drain_timer);
    ctx->stop_phase = 4;
    ctx->stopped_cb(ctx, ctx->stopped_arg);
}

void se_egress_stop(se_ctx *ctx, void (*done)(se_ctx *ctx, void *arg), void *arg)
{
    if (ctx->stopping) return;
    cm_info("egress %s: draining", ctx->op->name);
    ctx->stopping = 1;
    ctx->stopped_cb = done;
    ctx->stopped_arg = arg;
    se_dispatch_fail_held(ctx, "egress stopping");
    credit_send(ctx, 0);
    ctx->stop_phase = 1;
    ctx->stop_deadline = uv_now(ctx->loop) + (uint64_t)(ctx->op->response_timeout_s + 1) * 1000;
    uv_timer_start(&ctx->drain_timer, on_drain, 0, DRAIN_TICK_MS);
}

static void free_after_close(uv_handle_t *h)
{
    se_ctx *ctx = h->data;
    if (--ctx->open_timers == 0) free(ctx);
}

void se_egress_free(se_ctx *ctx)
{
    if (!ctx) return;
    for (size_t i = 0; i < ctx->n_binds; i++)
        se_bind_free(ctx->binds[i]);
    free(ctx->binds);
    cm_link_free(ctx->router);
    cm_link_free(ctx->dlr);
    se_jobs_free(ctx->jobs);
    if (ctx->dlv_pending) {
        se_deliver_free_all(ctx);
        cm_map_free(ctx->dlv_pending);
    }
    uv_close((uv_handle_t *)&ctx->credit_timer, free_after_close);
    uv_close((uv_handle_t *)&ctx->soon_timer, free_after_close);
    uv_close((uv_handle_t *)&ctx->drain_timer, free_after_close);
}
