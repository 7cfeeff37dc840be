/* se_metrics: smsgw-egress's Prometheus metrics (docs/operations.md lists them), served
 * on the operator's metrics_listen by cm_metrics, every one labelled operator="<name>":
 *   smsgw_egress_binds{operator,state}          gauge: connections up, binding, down
 *   smsgw_egress_window_used{operator}          gauge: submit_sm awaiting a response
 *   smsgw_egress_window_size{operator}          gauge: window of the submitting binds up
 *   smsgw_egress_submits_total{operator}        submit_sm written
 *   smsgw_egress_submit_errors_total{operator,status}  error responses ("0x00000058")
 *   smsgw_egress_throttled_total{operator}      ESME_RTHROTTLED / ESME_RMSGQFUL answers
 *   smsgw_egress_rate_limit{operator}           gauge: adaptive limits in force, summed
 *                                               over the binds held back (0 = none is)
 *   smsgw_egress_lost_submits_total{operator}   submits in a window when its connection
 *                                               ended (retried: possible duplicates)
 *   smsgw_egress_delivers_total{operator,kind}  deliver_sm received: receipt, mo
 *   smsgw_egress_delivers_unacked{operator}     gauge: deliver_sm awaiting their commit
 *   smsgw_egress_jobs_held{operator}            gauge: jobs received, not yet submitted
 *   smsgw_egress_results_unacked{operator,link} gauge: RESULTs router / dlr has not
 *                                               acknowledged yet
 *
 * The binds keep plain counters (se_bind_get_stats); se_metrics_gather() reads them
 * and the process's queues into an se_metrics_stats, and se_metrics_update() copies it
 * into the registry: the collect callback that se_metrics_start() installs does both,
 * only when someone asks. Error responses and deliver_sm are counted where they
 * happen (se_metrics_submit_error, se_metrics_deliver).
 *
 * se_metrics_register() borrows operator_name for the life of mt. se_metrics_start():
 * a failure to listen is fatal (logged). Every function accepts a registry of NULL
 * (metrics off: metrics_listen empty). */
#ifndef SE_METRICS_H
#define SE_METRICS_H

#include "cm_metrics.h"
#include "se_bind.h"

#include <stddef.h>
#include <stdint.h>

enum se_bind_class { SE_BINDS_UP, SE_BINDS_BINDING, SE_BINDS_DOWN, SE_BIND_CLASSES };
enum se_link { SE_LINK_ROUTER, SE_LINK_DLR, SE_LINKS };

typedef struct {
    uint64_t binds[SE_BIND_CLASSES];
    uint64_t window_used, window_size;
    uint64_t submits, throttled, lost;
    double rate_limit;
    uint64_t held, delivers_unacked;
    uint64_t results_unacked[SE_LINKS];
} se_metrics_stats;

typedef struct se_metrics {
    cm_metrics *m;
    const char *op;
    cm_metric *binds, *window_used, *window_size, *submits, *errors, *throttled, *rate_limit, *lost,
        *delivers, *delivers_unacked, *held, *results_unacked;
} se_metrics;

struct se_ctx;

/* up (BOUND), binding (RESOLVING, CONNECTING, BINDING), down (the others). */
enum se_bind_class se_metrics_bind_class(enum se_bind_state st);
/* Register the metrics in m (owned by mt from now on; NULL = off). */
void se_metrics_register(se_metrics *mt, cm_metrics *m, const char *operator_name);
void se_metrics_update(se_metrics *mt, const se_metrics_stats *st);
/* An error response (status != 0) to a submit_sm in the window. */
void se_metrics_submit_error(se_metrics *mt, uint32_t status);
void se_metrics_deliver(se_metrics *mt, int receipt);
void se_metrics_gather(const struct se_ctx *ctx, se_metrics_stats *out);
void se_metrics_start(struct se_ctx *ctx);
void se_metrics_stop(struct se_ctx *ctx);

#endif
