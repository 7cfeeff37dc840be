/* dl_metrics: smsgw-dlr's Prometheus metrics (docs/operations.md lists them), served
 * on dlr.metrics_listen by cm_metrics:
 *   smsgw_dlr_receipts_total{result}      matched, early, unmatched, intermediate
 *   smsgw_dlr_final_total{outcome}        delivered, undelivered, expired, blacklisted,
 *                                         rejected (recipients, see dl_state.h)
 *   smsgw_dlr_mails_total{kind,result}    acceptance, final, reply x sent, retry, dead
 *   smsgw_dlr_outbox_mails                mails waiting for the smarthost
 *   smsgw_dlr_outbox_oldest_seconds       age of the oldest of them (0 when none)
 * plus the store depths (smsgw_store_entries{store="dlr"}).
 *
 * dlr keeps plain counters where things happen (dl_state counts, dl_outbox stats);
 * dl_metrics_update() copies them into the registry, and the collect callback that
 * dl_metrics_start() installs calls it with the outbox depth read in one read
 * transaction, only when someone asks. dl_metrics_start(): a failure to listen is
 * fatal (logged). Every function accepts a registry of NULL (metrics off). */
#ifndef DL_METRICS_H
#define DL_METRICS_H

#include "cm_metrics.h"
#include "dl_outbox.h"
#include "dl_state.h"

#include <stddef.h>
#include <stdint.h>

typedef struct dl_metrics {
    cm_metrics *m;
    cm_metric *receipts, *final, *mails, *outbox, *oldest;
} dl_metrics;

struct dl_ctx;

/* Register the metrics in m (owned by mt from now on; NULL = off). */
void dl_metrics_register(dl_metrics *mt, cm_metrics *m);
void dl_metrics_update(dl_metrics *mt, const dl_counts *counts, const dl_outbox_stats *mails,
                       size_t outbox_mails, double oldest_s);
void dl_metrics_start(struct dl_ctx *c, const char *const *dbnames);
void dl_metrics_stop(struct dl_ctx *c);

#endif
