/* ctl_state: see ctl_state.h. */
#include "ctl_state.h"

#include "cm_buf.h"
#include "cm_wire.h"
#include "ctl_fmt.h"
#include "ctl_prom.h"
#include "rt_ctx.h"

#include <stdlib.h>
#include <string.h>

const char *const ctl_age_labels[CTL_AGE_BUCKETS] = {"<5m",  "<10m",  "<20m",  "<40m",
                                                     "<80m", "<160m", "<320m", ">=320m"};

int ctl_age_bucket(uint64_t age_ms)
{
    uint64_t limit = 5 * 60 * 1000;
    int b = 0;
    while (b < CTL_AGE_BUCKETS - 1 && age_ms >= limit) {
        b++;
        limit *= 2;
    }
    return b;
}

static void describe(ctl_proc *p, const char *text)
{
    double start = 0, v = 0, w = 0;
    if (ctl_prom_value(text, "smsgw_process_start_time_seconds", NULL, &start))
        p->uptime_s = (double)ctl_now_ms() / 1000.0 - start;
    int n = 0;
    double binds = ctl_prom_sum(text, "smsgw_egress_binds", NULL);
    if (binds > 0)
        n = snprintf(p->detail, sizeof p->detail, "binds %.0f/%.0f up",
                     ctl_prom_sum(text, "smsgw_egress_binds", "state=\"up\""), binds);
    if (ctl_prom_value(text, "smsgw_egress_window_size", NULL, &w) && n >= 0)
        n += snprintf(p->detail + n, sizeof p->detail - (size_t)n, "%swindow %.0f/%.0f",
                      n ? ", " : "", ctl_prom_sum(text, "smsgw_egress_window_used", NULL), w);
    if (ctl_prom_value(text, "smsgw_smtp_sessions_active", NULL, &v) && n >= 0)
        snprintf(p->detail + n, sizeof p->detail - (size_t)n, "%ssessions %.0f", n ? ", " : "", v);
}

static void probe(ctl_state *s, const char *name, const char *listen, long timeout_ms)
{
    if (s->n_procs == CTL_MAX_PROCS) return;
    ctl_proc *p = &s->procs[s->n_procs++];
    char *body = NULL;
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->listen, sizeof p->listen, "%s", listen ? listen : "");
    p->configured = listen && *listen;
    if (!p->configured) return;
    p->up = ctl_prom_fetch(listen, "/metrics", timeout_ms, &body, p->error, sizeof p->error) == 0;
    if (p->up) describe(p, body);
    s->procs_up += p->up;
    s->procs_down += !p->up;
    free(body);
}

void ctl_state_procs(ctl_ctx *c, ctl_state *s, long timeout_ms)
{
    char name[96];
    s->n_procs = s->procs_up = s->procs_down = 0;
    probe(s, "smsgw-ingress", c->cfg->ingress.metrics_listen, timeout_ms);
    probe(s, "smsgw-router", c->cfg->router.metrics_listen, timeout_ms);
    probe(s, "smsgw-dlr", c->cfg->dlr.metrics_listen, timeout_ms);
    for (size_t i = 0; i < c->cfg->n_operators; i++) {
        snprintf(name, sizeof name, "smsgw-egress@%s", c->cfg->operators[i].name);
        probe(s, name, c->cfg->operators[i].metrics_listen, timeout_ms);
    }
}

static ctl_opq *op_of(ctl_state *s, const char *name)
{
    for (size_t i = 0; i < s->n_ops; i++)
        if (!strcmp(s->ops[i].name, name)) return &s->ops[i];
    if (s->n_ops == CTL_MAX_OPS) return NULL;
    ctl_opq *q = memset(&s->ops[s->n_ops++], 0, sizeof(ctl_opq));
    snprintf(q->name, sizeof q->name, "%s", name);
    return q;
}

/* Acceptance time of a submission from the router's store (0 if unknown); the last
 * answer is cached since consecutive jobs mostly share their submission. */
static uint64_t accepted_at(ctl_ctx *c, const char *sub, char *last, size_t cap, uint64_t *at)
{
    if (!strcmp(last, sub)) return *at;
    MDB_val v;
    cm_arena *a = NULL;
    cm_msg_accepted acc;
    *at = 0;
    if (ctl_store_get(&c->rt, RT_DB_SUBMISSIONS, sub, strlen(sub), &v) == 0 &&
        cm_wire_decode_accepted(v.mv_data, v.mv_size, &a, &acc) == 0)
        *at = acc.at_ms;
    cm_arena_free(a);
    snprintf(last, cap, "%s", sub);
    return *at;
}

static void count_job(ctl_ctx *c, ctl_state *s, const MDB_val *v, uint64_t now, char *last,
                      uint64_t *at)
{
    rt_job_rec rec;
    cm_arena *a = NULL;
    cm_msg_job job;
    if (v->mv_size < sizeof rec) return;
    memcpy(&rec, v->mv_data, sizeof rec);
    if (cm_wire_decode_job((const uint8_t *)v->mv_data + sizeof rec, v->mv_size - sizeof rec, &a,
                           &job) == 0) {
        ctl_opq *q = op_of(s, job.operator_name);
        uint64_t t = accepted_at(c, job.submission, last, 64, at);
        int b = ctl_age_bucket(t && t < now ? now - t : 0);
        int deferred = rec.release_ms > now;
        for (ctl_opq *x = &s->total; x; x = x == &s->total ? q : NULL) {
            x->jobs++;
            x->deferred += deferred;
            x->age[b]++;
        }
    }
    cm_arena_free(a);
}

static void router_queues(ctl_ctx *c, ctl_state *s)
{
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    char last[64] = "";
    uint64_t at = 0, now = ctl_now_ms();
    for (size_t i = 0; i < c->cfg->n_operators; i++)
        op_of(s, c->cfg->operators[i].name);
    s->submissions = ctl_store_count(&c->rt, RT_DB_SUBMISSIONS);
    s->to_dlr = ctl_store_count(&c->rt, RT_DB_TO_DLR);
    if (ctl_store_dbi(&c->rt, RT_DB_JOBS, &dbi) != 0 || mdb_cursor_open(c->rt.txn, dbi, &cur))
        return;
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT)
        count_job(c, s, &v, now, last, &at);
    mdb_cursor_close(cur);
}

void ctl_state_queues(ctl_ctx *c, ctl_state *s)
{
    s->n_ops = 0;
    memset(&s->total, 0, sizeof s->total);
    snprintf(s->total.name, sizeof s->total.name, "TOTAL");
    s->have_rt = c->rt.txn != NULL;
    s->have_dl = c->dl.txn != NULL;
    if (s->have_rt) router_queues(c, s);
    s->dl_awaiting = ctl_store_count(&c->dl, "expiry");
    s->dl_unmatched = ctl_store_count(&c->dl, "unmatched");
    s->dl_early = ctl_store_count(&c->dl, "early");
    s->dl_outbox = ctl_store_count(&c->dl, "outbox");
    s->dl_dead = ctl_store_count(&c->dl, "dead");
}
