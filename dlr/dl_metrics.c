/* dl_metrics: see dl_metrics.h. */
#include "dl_metrics.h"

#include "cm_log.h"
#include "dl_ctx.h"
#include "dl_mail.h"
#include "dl_outq.h"
#include "dl_time.h"

#include <string.h>

static const char *const RECEIPT_RESULTS[DL_RECEIPT_RESULTS] = {"matched", "early", "unmatched",
                                                                "intermediate"};
static const struct {
    enum dl_outcome outcome;
    const char *name;
} OUTCOMES[] = {
    {DL_OUT_DELIVERED, "delivered"}, {DL_OUT_UNDELIVERED, "undelivered"},
    {DL_OUT_EXPIRED, "expired"},     {DL_OUT_BLACKLISTED, "blacklisted"},
    {DL_OUT_REJECTED, "rejected"},
};
static const char *const MAIL_RESULTS[DL_MAIL_RESULTS] = {"sent", "retry", "dead"};

void dl_metrics_register(dl_metrics *mt, cm_metrics *m)
{
    memset(mt, 0, sizeof(*mt));
    mt->m = m;
    mt->receipts =
        cm_metrics_counter(m, "smsgw_dlr_receipts_total",
                           "Delivery receipts received, by what became of them", "result");
    mt->final = cm_metrics_counter(m, "smsgw_dlr_final_total",
                                   "Recipients that reached a final state, by outcome", "outcome");
    mt->mails =
        cm_metrics_counter(m, "smsgw_dlr_mails_total",
                           "Mails handed to the smarthost, by kind and result", "kind,result");
    mt->outbox = cm_metrics_gauge(m, "smsgw_dlr_outbox_mails",
                                  "Mails waiting in the outbox for the smarthost", NULL);
    mt->oldest = cm_metrics_gauge(m, "smsgw_dlr_outbox_oldest_seconds",
                                  "Age of the oldest mail in the outbox (0 when empty)", NULL);
}

void dl_metrics_update(dl_metrics *mt, const dl_counts *counts, const dl_outbox_stats *mails,
                       size_t outbox_mails, double oldest_s)
{
    for (int i = 0; i < DL_RECEIPT_RESULTS; i++)
        cm_metrics_set(mt->receipts, (double)counts->receipts[i], RECEIPT_RESULTS[i]);
    for (size_t i = 0; i < sizeof(OUTCOMES) / sizeof(OUTCOMES[0]); i++)
        cm_metrics_set(mt->final, (double)counts->final[OUTCOMES[i].outcome], OUTCOMES[i].name);
    for (int k = 0; k < DL_KINDS; k++)
        for (int r = 0; r < DL_MAIL_RESULTS; r++)
            if (k != DL_KIND_OTHER || mails->by_kind[k][r] > 0)
                cm_metrics_set(mt->mails, (double)mails->by_kind[k][r],
                               dl_outbox_kind_name((enum dl_mail_kind)k), MAIL_RESULTS[r]);
    cm_metrics_set(mt->outbox, (double)outbox_mails);
    cm_metrics_set(mt->oldest, oldest_s);
}

static void collect(void *arg)
{
    dl_ctx *c = arg;
    static const dl_outbox_stats none;
    MDB_txn *txn;
    size_t n = 0;
    uint64_t queued = 0, now = dl_time_now_ms();

    if (cm_store_read_begin(c->store, &txn) == 0) {
        if (dl_outq_depth(&c->st, txn, &n, &queued) < 0) cm_warn("metrics: cannot read the outbox");
        mdb_txn_abort(txn);
    }
    dl_metrics_update(&c->metrics, &c->st.counts,
                      c->outbox != NULL ? dl_outbox_get_stats(c->outbox) : &none, n,
                      queued != 0 && now > queued ? (double)(now - queued) / 1000.0 : 0.0);
}

void dl_metrics_start(dl_ctx *c, const char *const *dbnames)
{
    const char *listen = c->cfg->dlr.metrics_listen;
    cm_metrics *m = NULL;
    int rc = cm_metrics_create(c->loop, "smsgw-dlr", listen, &m);

    if (rc != 0) cm_log_fatal("metrics_listen %s: %s", listen, strerror(-rc));
    dl_metrics_register(&c->metrics, m);
    cm_metrics_watch_store(m, "dlr", c->store, dbnames);
    cm_metrics_on_collect(m, collect, c);
}

void dl_metrics_stop(dl_ctx *c)
{
    cm_metrics_free(c->metrics.m);
    c->metrics.m = NULL;
}
