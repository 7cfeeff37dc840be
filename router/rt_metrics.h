/* rt_metrics: the router's Prometheus metrics (docs/operations.md lists them), served
 * on router.metrics_listen by cm_metrics. rt_metrics_start() registers them, the
 * store depths and the collect callback (queue depths per operator, read when someone
 * asks); counters are bumped where things happen through the handles in ctx->metrics.
 * Start-up failure (address in use...) is fatal. All handles are NULL-safe. */
#ifndef RT_METRICS_H
#define RT_METRICS_H

#include "cm_metrics.h"

struct rt_ctx;

typedef struct rt_metrics {
    cm_metrics *m;
    cm_metric *jobs;        /* gauge {operator,state} */
    cm_metric *oldest;      /* gauge {operator}: age of the oldest ready job, seconds */
    cm_metric *egress;      /* gauge {operator}: egress instances sending CREDIT */
    cm_metric *credit;      /* gauge {operator}: jobs the egress can take now */
    cm_metric *submissions; /* counter {status} */
    cm_metric *results;     /* counter {operator,status} */
    cm_metric *mo;          /* counter {kind}: stop, reply, dropped */
    cm_metric *quota;       /* counter {kind}: account, sender (submissions refused) */
} rt_metrics;

void rt_metrics_start(struct rt_ctx *ctx, const char *const *dbnames);
void rt_metrics_stop(struct rt_ctx *ctx);

#endif
