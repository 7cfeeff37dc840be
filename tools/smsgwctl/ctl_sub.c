/* ctl_sub: see ctl_sub.h. */
#include "ctl_sub.h"

#include "cm_buf.h"
#include "dl_mail.h"
#include "dl_rec.h"
#include "dl_receipt.h"
#include "ctl_fmt.h"
#include "rt_ctx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const OUTCOMES[] = {"pending", "delivered", "undelivered",
                                       "expired", "rejected",  "blacklisted"};

const char *ctl_sub_status_name(uint8_t status)
{
    static const char *const NAMES[] = {"?", "accepted", "rejected", "duplicate", "dry run"};
    return status < sizeof NAMES / sizeof *NAMES ? NAMES[status] : "?";
}

/* The store submissions come from: dlr's when open, else the router's. */
static ctl_store *source(ctl_ctx *c)
{
    return c->dl.txn ? &c->dl : c->rt.txn ? &c->rt : NULL;
}

long ctl_sub_each(ctl_ctx *c, ctl_sub_fn fn, void *arg, long *bad)
{
    ctl_store *s = source(c);
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    long n = 0;
    if (!s) return -ENOENT;
    if (ctl_store_dbi(s, "submissions", &dbi) != 0) return 0;
    if (mdb_cursor_open(s->txn, dbi, &cur) != 0) return -EIO;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        cm_arena *a = NULL;
        cm_msg_accepted acc;
        int stop = 0;
        if (cm_wire_decode_accepted(v.mv_data, v.mv_size, &a, &acc) == 0) {
            n++;
            stop = fn(c, &acc, arg);
        } else if (bad)
            (*bad)++;
        cm_arena_free(a);
        if (stop) break;
    }
    mdb_cursor_close(cur);
    return n;
}

int ctl_sub_load(ctl_ctx *c, const char *number, cm_arena **arena, cm_msg_accepted *acc)
{
    MDB_val v;
    ctl_store *s = source(c);
    int rc = s ? ctl_store_get(s, "submissions", number, strlen(number), &v) : -ENOENT;
    if (rc != 0 && s == &c->dl && c->rt.txn)
        rc = ctl_store_get(&c->rt, "submissions", number, strlen(number), &v);
    if (rc != 0) return rc;
    return cm_wire_decode_accepted(v.mv_data, v.mv_size, arena, acc) == 0 ? 0 : -EBADMSG;
}

/* The detail of a final recipient: receipt stat and err, SMPP status, reason. */
static void dl_detail(const dl_rcpt *d, char *buf, size_t cap)
{
    int n = 0;
    if (d->stat) n = snprintf(buf, cap, "%s", dl_stat_name((enum dl_stat)d->stat));
    if (d->err[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "%serr:%s", n ? " " : "", d->err);
    if (d->smpp_status && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "%ssmpp 0x%08x", n ? " " : "", d->smpp_status);
    if (d->reason[0] && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, "%s%s", n ? " " : "", d->reason);
}

static int from_dlr(ctl_ctx *c, uint64_t job, ctl_rcpt_state *out)
{
    uint8_t k[8];
    MDB_val v;
    cm_arena *a = NULL;
    dl_rcpt d;
    cm_be64_put(k, job);
    if (ctl_store_get(&c->dl, "recipients", k, 8, &v) != 0) return -ENOENT;
    int rc = dl_rcpt_decode(v.mv_data, v.mv_size, &a, &d);
    if (rc == 0) {
        out->state = d.outcome < sizeof OUTCOMES / sizeof *OUTCOMES ? OUTCOMES[d.outcome] : "?";
        out->at_ms = d.outcome ? d.final_at_ms : 0;
        dl_detail(&d, out->detail, sizeof out->detail);
        if (!d.outcome && d.submitted) snprintf(out->detail, sizeof out->detail, "submitted");
    }
    cm_arena_free(a);
    return rc;
}

void ctl_sub_rcpt_state(ctl_ctx *c, const struct cm_wire_recipient *r, ctl_rcpt_state *out)
{
    memset(out, 0, sizeof *out);
    if (r->state == CM_RCPT_REJECTED || r->state == CM_RCPT_BLACKLISTED || r->job_id == 0) {
        out->state = r->state == CM_RCPT_BLACKLISTED ? "blacklisted" : "rejected";
        snprintf(out->detail, sizeof out->detail, "%s", r->reason);
        return;
    }
    if (c->dl.txn && from_dlr(c, r->job_id, out) == 0) return;
    out->state = "queued";
    uint8_t k[8];
    MDB_val v;
    cm_be64_put(k, r->job_id);
    rt_job_rec rec;
    if (c->rt.txn && ctl_store_get(&c->rt, "jobs", k, 8, &v) == 0 && v.mv_size >= sizeof rec) {
        memcpy(&rec, v.mv_data, sizeof rec);
        char when[32];
        snprintf(out->detail, sizeof out->detail, "job %llu, %u attempt(s)%s%s",
                 (unsigned long long)r->job_id, rec.attempt,
                 rec.release_ms > ctl_now_ms() ? ", deferred until " : "",
                 rec.release_ms > ctl_now_ms() ? ctl_fmt_time(rec.release_ms, when, sizeof when)
                                               : "");
    }
}

void ctl_sub_count(ctl_ctx *c, const cm_msg_accepted *acc, ctl_sub_counts *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < acc->recipients_n; i++) {
        ctl_rcpt_state st;
        ctl_sub_rcpt_state(c, &acc->recipients[i], &st);
        if (!strcmp(st.state, "rejected") || !strcmp(st.state, "blacklisted")) {
            out->rejected++;
            continue;
        }
        out->queued++;
        if (!strcmp(st.state, "delivered"))
            out->delivered++;
        else if (!strcmp(st.state, "pending") || !strcmp(st.state, "queued"))
            out->pending++;
        else
            out->undelivered++;
    }
}

void ctl_sub_summary(ctl_ctx *c, const cm_msg_accepted *acc, char *buf, size_t cap)
{
    if (acc->status != CM_ACCEPT_ACCEPTED) {
        snprintf(buf, cap, "%s%s%s", ctl_sub_status_name(acc->status), acc->reason[0] ? ": " : "",
                 acc->reason);
        return;
    }
    ctl_sub_counts n;
    ctl_sub_count(c, acc, &n);
    int len = snprintf(buf, cap, "%u/%u delivered", n.delivered, n.queued);
    if (n.undelivered && len >= 0 && (size_t)len < cap)
        len += snprintf(buf + len, cap - (size_t)len, ", %u undelivered", n.undelivered);
    if (n.pending && len >= 0 && (size_t)len < cap)
        len += snprintf(buf + len, cap - (size_t)len, ", %u pending", n.pending);
    if (n.rejected && len >= 0 && (size_t)len < cap)
        snprintf(buf + len, cap - (size_t)len, ", %u rejected", n.rejected);
}
