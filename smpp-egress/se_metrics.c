/* se_metrics: see se_metrics.h. */
#include "se_metrics.h"

#include "cm_log.h"
#include "se_ctx.h"

#include <stdio.h>
#include <string.h>

static const char *const CLASS_NAMES[SE_BIND_CLASSES] = {"up", "binding", "down"};
static const char *const LINK_NAMES[SE_LINKS] = {"router", "dlr"};

enum se_bind_class se_metrics_bind_class(enum se_bind_state st)
{
    switch (st) {
    case SE_BIND_BOUND:
        return SE_BINDS_UP;
    case SE_BIND_RESOLVING:
    case SE_BIND_CONNECTING:
    case SE_BIND_BINDING:
        return SE_BINDS_BINDING;
    default:
        return SE_BINDS_DOWN; /* IDLE (waiting to reconnect), UNBINDING, CLOSING, STOPPED */
    }
}

static void register_gauges(se_metrics *mt, cm_metrics *m)
{
    mt->binds = cm_metrics_gauge(m, "smsgw_egress_binds",
                                 "SMPP connections by state (up, binding, down)", "operator,state");
    mt->window_used = cm_metrics_gauge(m, "smsgw_egress_window_used",
                                       "submit_sm awaiting a response", "operator");
    mt->window_size = cm_metrics_gauge(m, "smsgw_egress_window_size",
                                       "Window of the submitting binds that are up", "operator");
    mt->rate_limit = cm_metrics_gauge(m, "smsgw_egress_rate_limit",
                                      "Adaptive submit rate limits in force (submits/s), summed "
                                      "over the binds held back by throttling; 0 when none is",
                                      "operator");
    mt->delivers_unacked =
        cm_metrics_gauge(m, "smsgw_egress_delivers_unacked",
                         "deliver_sm waiting for dlr or the router to commit them", "operator");
    mt->held =
        cm_metrics_gauge(m, "smsgw_egress_jobs_held",
                         "Jobs received from the router, not yet fully submitted", "operator");
    mt->results_unacked = cm_metrics_gauge(
        m, "smsgw_egress_results_unacked",
        "RESULTs not yet acknowledged, by receiver (router, dlr)", "operator,link");
}

static void register_counters(se_metrics *mt, cm_metrics *m)
{
    mt->submits =
        cm_metrics_counter(m, "smsgw_egress_submits_total", "submit_sm written", "operator");
    mt->errors = cm_metrics_counter(m, "smsgw_egress_submit_errors_total",
                                    "Error responses to submit_sm, by SMPP command_status",
                                    "operator,status");
    mt->throttled =
        cm_metrics_counter(m, "smsgw_egress_throttled_total",
                           "submit_sm answered ESME_RTHROTTLED or ESME_RMSGQFUL", "operator");
    mt->lost = cm_metrics_counter(m, "smsgw_egress_lost_submits_total",
                                  "submit_sm in a window when its connection ended (retried: "
                                  "the SMSC may have them twice)",
                                  "operator");
    mt->delivers =
        cm_metrics_counter(m, "smsgw_egress_delivers_total",
                           "deliver_sm received, by kind (receipt, mo)", "operator,kind");
}

void se_metrics_register(se_metrics *mt, cm_metrics *m, const char *operator_name)
{
    memset(mt, 0, sizeof(*mt));
    mt->m = m;
    mt->op = operator_name;
    register_gauges(mt, m);
    register_counters(mt, m);
    cm_metrics_add(mt->delivers, 0, mt->op, "receipt"); /* every series from the start */
    cm_metrics_add(mt->delivers, 0, mt->op, "mo");
}

void se_metrics_update(se_metrics *mt, const se_metrics_stats *st)
{
    for (int i = 0; i < SE_BIND_CLASSES; i++)
        cm_metrics_set(mt->binds, (double)st->binds[i], mt->op, CLASS_NAMES[i]);
    cm_metrics_set(mt->window_used, (double)st->window_used, mt->op);
    cm_metrics_set(mt->window_size, (double)st->window_size, mt->op);
    cm_metrics_set(mt->rate_limit, st->rate_limit, mt->op);
    cm_metrics_set(mt->delivers_unacked, (double)st->delivers_unacked, mt->op);
    cm_metrics_set(mt->held, (double)st->held, mt->op);
    for (int i = 0; i < SE_LINKS; i++)
        cm_metrics_set(mt->results_unacked, (double)st->results_unacked[i], mt->op, LINK_NAMES[i]);
    cm_metrics_set(mt->submits, (double)st->submits, mt->op);
    cm_metrics_set(mt->throttled, (double)st->throttled, mt->op);
    cm_metrics_set(mt->lost, (double)st->lost, mt->op);
}

void se_metrics_submit_error(se_metrics *mt, uint32_t status)
{
    char code[16];
    if (status == 0) return;
    snprintf(code, sizeof code, "0x%08X", status);
    cm_metrics_add(mt->errors, 1, mt->op, code);
}

void se_metrics_deliver(se_metrics *mt, int receipt)
{
    cm_metrics_add(mt->delivers, 1, mt->op, receipt ? "receipt" : "mo");
}

static void gather_binds(const se_ctx *ctx, se_metrics_stats *out)
{
    for (size_t i = 0; i < ctx->n_binds; i++) {
        se_bind_stats bs;
        enum se_bind_class cls = se_metrics_bind_class(se_bind_state(ctx->binds[i]));
        se_bind_get_stats(ctx->binds[i], &bs);
        out->binds[cls]++;
        out->window_used += (uint64_t)bs.window_used;
        if (cls == SE_BINDS_UP) out->window_size += (uint64_t)bs.window_size;
        out->submits += bs.submits;
        out->throttled += bs.throttled;
        out->lost += bs.lost;
        out->rate_limit += bs.rate_limit;
    }
}

void se_metrics_gather(const se_ctx *ctx, se_metrics_stats *out)
{
    const cm_link *links[SE_LINKS] = {ctx->router, ctx->dlr};
    memset(out, 0, sizeof(*out));
    gather_binds(ctx, out);
    out->held = se_jobs_held(ctx->jobs);
    for (int i = 0; i < SE_LINKS; i++) {
        uint64_t pending = links[i] ? cm_link_pending(links[i]) : 0;
        uint64_t dlv = ctx->dlv_waiting[i];
        out->results_unacked[i] = pending > dlv ? pending - dlv : 0;
        out->delivers_unacked += dlv;
    }
}

static void collect(void *arg)
{
    se_ctx *ctx = arg;
    se_metrics_stats st;
    se_metrics_gather(ctx, &st);
    se_metrics_update(&ctx->metrics, &st);
}

void se_metrics_start(se_ctx *ctx)
{
    const char *listen = ctx->op->metrics_listen;
    cm_metrics *m = NULL;
    int rc = cm_metrics_create(ctx->loop, "smsgw-egress", listen, &m);

    if (rc != 0) cm_log_fatal("metrics_listen %s: %s", listen, strerror(-rc));
    se_metrics_register(&ctx->metrics, m, ctx->op->name);
    cm_metrics_info(m, "operator", ctx->op->name);
    cm_metrics_on_collect(m, collect, ctx);
}

void se_metrics_stop(se_ctx *ctx)
{
    cm_metrics_free(ctx->metrics.m);
    memset(&ctx->metrics, 0, sizeof(ctx->metrics));
}
