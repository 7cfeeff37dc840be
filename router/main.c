/* smsgw-router: wires the router process.
 *
 * Owns:     <state_dir>/router (LMDB queue: see rt_ctx.h); it is the only writer.
 *           Writes <state_dir>/blacklist (STOP lists) too, shared with smsgwctl;
 *           reads <state_dir>/portability, which smsgwctl fills, and
 *           <state_dir>/control (smsgwctl's hold/release/retry requests).
 * Binds:    router.listen_ingress (ROUTER: SUBMIT from ingress instances),
 *           router.listen_egress (ROUTER: CREDIT, RESULT, MO from egress instances).
 * Connects: dlr.listen (DEALER: ACCEPTED events).
 * Never:    sends mail, talks SMPP, or touches dlr's store.
 * Signals:  SIGTERM/SIGINT: new submissions get 421 and no job goes out; for
 *           RT_DRAIN_MS what is under way commits and is answered; then exit 0;
 *           SIGHUP reloads accounts and quiet hours (rt_config). */
#include "cm_log.h"
#include "rt_config.h"
#include "rt_control.h"
#include "rt_ctx.h"
#include "rt_dlr_out.h"
#include "rt_egress.h"
#include "rt_feed.h"
#include "rt_ingress.h"
#include "rt_stage.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define RT_DRAIN_MS 300 /* after SIGTERM: time for what is under way to commit and answer */
#define RT_MAP_SIZE (64ULL << 30) /* sparse: only what is used takes disk */

static const char *const rt_dbs[] = {
    RT_DB_META, RT_DB_SUBMITS, RT_DB_SUBMISSIONS, RT_DB_JOBS,  RT_DB_TO_DLR,
    RT_DB_SEEN, RT_DB_MSGIDS,  RT_DB_LAST_SENT,   RT_DB_QUOTA, NULL};

static void on_store_fail(int err, void *arg)
{
    cm_log_fatal("queue store commit failed: %s", strerror(-err));
}

static void on_dlr_ack(cm_link *l, const char *key, const void *body, size_t len, void *arg)
{
    rt_dlr_out_acked(arg, key);
}

static void on_drained(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void on_signal(uv_signal_t *s, int signum)
{
    rt_ctx *ctx = s->data;
    if (signum == SIGHUP) {
        rt_config_reload(ctx);
        return;
    }
    if (ctx->draining) return;
    cm_info("signal %d: draining for %d ms, then stopping", signum, RT_DRAIN_MS);
    ctx->draining = 1; /* new submissions get 421; what is under way completes */
    uv_timer_init(s->loop, &ctx->drain_timer);
    ctx->drain_timer.data = ctx;
    uv_timer_start(&ctx->drain_timer, on_drained, RT_DRAIN_MS, 0);
}

static void open_endpoints(rt_ctx *ctx)
{
    cm_hub_opts in = {ctx->cfg->router.listen_ingress, rt_ingress_item, ctx};
    cm_hub_opts eg = {ctx->cfg->router.listen_egress, rt_egress_item, ctx};
    cm_link_opts dl = {.endpoint = ctx->cfg->dlr.listen,
                       .retry_ms = 2000,
                       .max_inflight = 1000,
                       .ack_cb = on_dlr_ack,
                       .arg = ctx};
    int rc;
    if ((rc = cm_hub_create(ctx->loop, ctx->zctx, &in, &ctx->ingress_hub)) != 0)
        cm_log_fatal("cannot bind %s: %s", in.endpoint, zmq_strerror(-rc));
    if ((rc = cm_hub_create(ctx->loop, ctx->zctx, &eg, &ctx->egress_hub)) != 0)
        cm_log_fatal("cannot bind %s: %s", eg.endpoint, zmq_strerror(-rc));
    if ((rc = cm_link_create(ctx->loop, ctx->zctx, &dl, &ctx->dlr_link)) != 0)
        cm_log_fatal("cannot connect %s: %s", dl.endpoint, zmq_strerror(-rc));
}

static void open_store(rt_ctx *ctx)
{
    char dir[4096];
    int rc;
    snprintf(dir, sizeof dir, "%s/router", ctx->cfg->state_dir);
    if ((rc = cm_store_open(dir, RT_MAP_SIZE, rt_dbs, &ctx->store)) != 0)
        cm_log_fatal("cannot open the queue store %s: %s", dir, strerror(-rc));
    cm_store_attach(ctx->store, ctx->loop, on_store_fail, ctx);
    if ((rc = cm_blacklist_open(ctx->cfg->state_dir, 0, &ctx->blacklist)) != 0)
        cm_log_fatal("cannot open the STOP lists in %s: %s", ctx->cfg->state_dir, strerror(-rc));
    if ((rc = cm_portability_open(ctx->cfg->state_dir, 0, &ctx->portability)) != 0)
        cm_log_fatal("cannot open the portability database in %s: %s", ctx->cfg->state_dir,
                     strerror(-rc));
}

int main(int argc, char **argv)
{
    rt_ctx ctx = {.config_path = cm_config_default_path()};
    int opt;
    while ((opt = getopt(argc, argv, "c:h")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: smsgw-router [-c CONFIG]\n");
            return opt == 'h' ? 0 : 2;
        }
        ctx.config_path = optarg;
    }
    cm_log_init("smsgw-router", CM_LOG_INFO);
    rt_config_load(&ctx);
    ctx.loop = uv_default_loop();
    ctx.zctx = zmq_ctx_new();
    open_store(&ctx);
    open_endpoints(&ctx);
    size_t staged = 0;
    if (rt_stage_sweep(&ctx, &staged) != 0) cm_log_fatal("cannot sweep staged jobs");
    if (staged) cm_warn("%zu staged job(s) of a submission never completed deleted", staged);
    if (rt_feed_create(&ctx, &ctx.feed) != 0 || rt_feed_load(ctx.feed) != 0 ||
        rt_dlr_out_resume(&ctx) != 0)
        cm_log_fatal("cannot load the queue");
    uv_signal_t sigs[3];
    const int signums[3] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(ctx.loop, &sigs[i]);
        sigs[i].data = &ctx;
        uv_signal_start(&sigs[i], on_signal, signums[i]);
    }
    cm_info("ready: %s and %s, state in %s", ctx.cfg->router.listen_ingress,
            ctx.cfg->router.listen_egress, ctx.cfg->state_dir);
    rt_metrics_start(&ctx, rt_dbs);
    if (rt_control_start(&ctx) != 0) cm_log_fatal("cannot open %s/control", ctx.cfg->state_dir);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
    rt_metrics_stop(&ctx);
    rt_control_stop(&ctx);
    if (cm_store_batch_commit(ctx.store) != 0) cm_log_fatal("queue store: final commit failed");
    usleep(100 * 1000); /* lets ZeroMQ's I/O thread write the last acknowledgements */
    cm_info("stopped");
    return 0;
}
