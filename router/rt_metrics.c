/* rt_metrics: see rt_metrics.h. */
#include "rt_metrics.h"
#include "cm_log.h"
#include "rt_ctx.h"
#include "rt_feed.h"

#include <string.h>

static void collect(void *arg)
{
    rt_ctx *ctx = arg;
    rt_metrics *mt = &ctx->metrics;
    for (size_t i = 0; i < ctx->cfg->n_operators; i++) {
        const char *op = ctx->cfg->operators[i].name;
        rt_feed_op_stats st;
        rt_feed_stats(ctx->feed, i, &st);
        cm_metrics_set(mt->jobs, (double)st.ready, op, "ready");
        cm_metrics_set(mt->jobs, (double)st.waiting, op, "waiting");
        cm_metrics_set(mt->jobs, (double)st.inflight, op, "inflight");
        cm_metrics_set(mt->jobs, (double)st.held, op, "held");
        cm_metrics_set(mt->oldest, (double)st.oldest_ready_ms / 1000.0, op);
        cm_metrics_set(mt->egress, (double)st.egress_up, op);
        cm_metrics_set(mt->credit, (double)st.credit, op);
    }
}

void rt_metrics_start(rt_ctx *ctx, const char *const *dbnames)
{
    rt_metrics *mt = &ctx->metrics;
    const char *listen = ctx->cfg->router.metrics_listen;
    int rc = cm_metrics_create(ctx->loop, "smsgw-router", listen, &mt->m);
    if (rc) cm_log_fatal("metrics_listen %s: %s", listen, strerror(-rc));
    mt->jobs = cm_metrics_gauge(mt->m, "smsgw_router_jobs",
                                "Jobs not yet submitted, by operator and state "
                                "(ready, waiting for their time, in flight at an egress)",
                                "operator,state");
    mt->oldest = cm_metrics_gauge(mt->m, "smsgw_router_oldest_ready_seconds",
                                  "Age of the oldest ready job, by operator", "operator");
    mt->egress = cm_metrics_gauge(mt->m, "smsgw_router_egress_up",
                                  "Egress instances sending credit, by operator", "operator");
    mt->credit =
        cm_metrics_gauge(mt->m, "smsgw_router_egress_credit",
                         "Jobs the egress instances can take now, by operator", "operator");
    mt->submissions = cm_metrics_counter(mt->m, "smsgw_router_submissions_total",
                                         "Emails decided, by status", "status");
    mt->results =
        cm_metrics_counter(mt->m, "smsgw_router_results_total",
                           "Job results from egress, by operator and status", "operator,status");
    mt->mo = cm_metrics_counter(mt->m, "smsgw_router_mo_total",
                                "Mobile-originated SMS, by kind (stop, reply, dropped)", "kind");
    mt->quota = cm_metrics_counter(mt->m, "smsgw_router_quota_refused_total",
                                   "Submissions refused over a daily SMS quota, by kind "
                                   "(account, sender)",
                                   "kind");
    cm_metrics_watch_store(mt->m, "router", ctx->store, dbnames);
    cm_metrics_on_collect(mt->m, collect, ctx);
}

void rt_metrics_stop(rt_ctx *ctx)
{
    cm_metrics_free(ctx->metrics.m);
    ctx->metrics.m = NULL;
}
