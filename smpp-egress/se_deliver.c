/* se_deliver: deliver_sm -> DELIVER (reliable, key "dlv:<operator>:<epoch>:<n>") to dlr
 * or the router; deliver_sm_resp only once the receiver acknowledged (committed) it,
 * on the same connection: if it dropped meanwhile, nothing is answered and the SMSC
 * delivers again. A deliver_sm that cannot be queued (too many waiting, no memory) is
 * answered ESME_RX_T_APPN so that the SMSC retries later (one warning every
 * WARN_EVERY_MS says how many). Submits pause while dlr is behind on receipts
 * (se_deliver_backlog, see se_deliver.h). */
#include "se_deliver.h"

#include "cm_log.h"
#include "se_ctx.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESME_RX_T_APPN 0x64
#define WARN_EVERY_MS 60000u

_Static_assert(SE_DLV_RESUME_AT < SE_DLV_SLOW_AT && SE_DLV_SLOW_AT < SE_DLV_PENDING_MAX,
               "receipt marks out of order");

struct se_dlv_wait {
    se_bind *b;
    uint64_t conn;
    uint32_t seq;
    enum se_link to; /* counted in ctx->dlv_waiting[to] */
};

int se_deliver_is_receipt(const se_pdu *p)
{
    return (p->esm_class & 0x04) != 0;
}

void se_deliver_build(const se_pdu *p, const char *operator_name, uint64_t now_ms, se_dlv *out)
{
    memset(out, 0, sizeof *out);
    cm_msg_deliver *m = &out->m;
    m->operator_name = (char *)operator_name;
    m->at_ms = now_ms;
    m->source_addr = (char *)p->source_addr;
    m->dest_addr = (char *)p->dest_addr;
    m->esm_class = p->esm_class;
    m->data_coding = p->data_coding;
    m->short_message.data = (uint8_t *)p->sm;
    m->short_message.len = p->sm_len;
    const se_tlv *payload = se_pdu_tlv(p, SE_TLV_MESSAGE_PAYLOAD);
    if (p->sm_len == 0 && payload) {
        m->short_message.data = (uint8_t *)payload->val;
        m->short_message.len = payload->len;
    }
    if (se_pdu_tlv_str(p, SE_TLV_RECEIPTED_MESSAGE_ID, out->rmid, sizeof out->rmid) < 0)
        out->rmid[0] = 0;
    m->receipted_message_id = out->rmid;
    if (se_pdu_tlv_uint(p, SE_TLV_MESSAGE_STATE, &m->message_state) < 0) m->message_state = 0;
    if (se_pdu_tlv_hex(p, SE_TLV_NETWORK_ERROR_CODE, out->net_err, sizeof out->net_err) < 0)
        out->net_err[0] = 0;
    m->network_error = out->net_err;
}

int se_deliver_backlog(int paused, uint64_t waiting, uint64_t dlr_acked_ms, uint64_t now_ms)
{
    int alive = dlr_acked_ms != 0 && now_ms - dlr_acked_ms < SE_DLV_ALIVE_MS;
    if (!alive) return 0;
    return paused ? waiting > SE_DLV_RESUME_AT : waiting >= SE_DLV_SLOW_AT;
}

/* Counts one event; returns how many to report now (the first event, then at most one
 * report per WARN_EVERY_MS for those since the last), 0 when not now. */
static uint64_t tally(se_tally *t, uint64_t now)
{
    t->n++;
    if (t->reported_ms && now - t->reported_ms < WARN_EVERY_MS) return 0;
    uint64_t n = t->n;
    t->reported_ms = now;
    t->n = 0;
    return n;
}

int se_deliver_paused(se_ctx *ctx)
{
    uint64_t now = uv_now(ctx->loop), n;
    int was = ctx->receipts_paused;
    uint64_t waiting = ctx->dlv_waiting[SE_LINK_DLR];
    ctx->receipts_paused = se_deliver_backlog(was, waiting, ctx->dlr_acked_ms, now);
    if (ctx->receipts_paused && !was && (n = tally(&ctx->pauses, now)))
        cm_info("%" PRIu64 " receipts waiting for dlr: submits pause until %d are left (%" PRIu64
                " pause(s) since the last such line)",
                waiting, SE_DLV_RESUME_AT, n);
    return ctx->receipts_paused;
}

static void refused(se_ctx *ctx, se_bind *b, uint32_t seq, int rc)
{
    uint64_t n = tally(&ctx->refusals, uv_now(ctx->loop));
    if (n)
        cm_warn("deliver_sm seq %u from %s: cannot queue (%s): answered ESME_RX_T_APPN (%" PRIu64
                " refused since the last such warning)",
                seq, se_bind_name(b), strerror(-rc), n);
}

/* Queues the DELIVER on the link; 0 or a negative errno. */
static int forward(se_ctx *ctx, cm_link *to, const char *key, const se_dlv *d)
{
    cm_wbuf w = {0};
    int rc = cm_wire_encode_deliver(&d->m, &w);
    if (rc == 0 && w.err) rc = w.err;
    if (rc == 0) rc = cm_link_send(to, key, w.data, w.len);
    cm_wbuf_free(&w);
    return rc;
}

void se_deliver_in(se_bind *b, uint64_t conn, const se_pdu *p, void *arg)
{
    se_ctx *ctx = arg;
    se_dlv d;
    char key[128];
    int receipt = se_deliver_is_receipt(p);
    enum se_link to = receipt ? SE_LINK_DLR : SE_LINK_ROUTER;
    se_metrics_deliver(&ctx->metrics, receipt);
    se_deliver_build(p, ctx->op->name, se_now_ms(), &d);
    snprintf(key, sizeof key, "dlv:%s:%s:%" PRIu64, ctx->op->name, ctx->epoch, ++ctx->dlv_counter);
    struct se_dlv_wait *w = NULL;
    int rc = cm_map_size(ctx->dlv_pending) >= SE_DLV_PENDING_MAX ? -ENOBUFS : 0;
    if (!rc) rc = (w = malloc(sizeof *w)) ? 0 : -ENOMEM;
    if (!rc) rc = cm_map_put(ctx->dlv_pending, key, w, NULL);
    if (!rc) rc = forward(ctx, to == SE_LINK_DLR ? ctx->dlr : ctx->router, key, &d);
    if (rc) {
        refused(ctx, b, p->h.seq, rc);
        if (w) cm_map_del(ctx->dlv_pending, key);
        free(w);
        se_bind_deliver_resp(b, conn, p->h.seq, ESME_RX_T_APPN);
        return;
    }
    *w = (struct se_dlv_wait){b, conn, p->h.seq, to};
    ctx->dlv_waiting[to]++;
    cm_debug("%s %s from %s (%s): %s%s", receipt ? "receipt" : "MO", key, p->source_addr,
             se_bind_name(b), *d.rmid ? "id " : "", d.rmid);
}

void se_deliver_acked(se_ctx *ctx, const char *key)
{
    struct se_dlv_wait *w = cm_map_del(ctx->dlv_pending, key);
    if (!w) return;
    ctx->dlv_waiting[w->to]--;
    if (ctx->receipts_paused && !se_deliver_paused(ctx)) se_dispatch_pump(ctx);
    if (se_bind_deliver_resp(w->b, w->conn, w->seq, 0) == -ESTALE)
        cm_info("%s committed after its connection dropped: the SMSC will deliver it again", key);
    free(w);
}

static int free_wait(const char *key, void *value, void *arg)
{
    free(value);
    return 0;
}

void se_deliver_free_all(se_ctx *ctx)
{
    cm_map_each(ctx->dlv_pending, free_wait, NULL);
}
