/* ctl_history: see ctl_history.h. Submissions are read with a peek at the head of the
 * ACCEPTED payload (version, type, submission, at_ms: cm_wire.h) instead of a full
 * decode; recipients are walked newest first (BE64 job ids grow). */
#include "ctl_history.h"

#include "cm_buf.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_rec.h"

#include <string.h>

int ctl_history_slot(uint64_t now_ms, uint64_t t)
{
    if (t > now_ms || now_ms - t >= (uint64_t)CTL_HISTORY_MINUTES * 60000u) return -1;
    return CTL_HISTORY_MINUTES - 1 - (int)((now_ms - t) / 60000u);
}

/* at_ms of an encoded ACCEPTED without decoding it all; 0 when malformed. */
static uint64_t peek_at(const MDB_val *v)
{
    const uint8_t *p = v->mv_data;
    if (v->mv_size < 6 || p[0] != CM_WIRE_VERSION || p[1] != CM_MSG_ACCEPTED) return 0;
    uint32_t n = cm_be32_get(p + 2);
    if (v->mv_size < 6 + (size_t)n + 8) return 0;
    return cm_be64_get(p + 6 + n);
}

/* Keeps the CTL_HISTORY_RECENT newest submissions (insertion into a sorted array). */
static void keep_recent(ctl_history *h, uint64_t *ats, const MDB_val *k, uint64_t at)
{
    size_t i = h->n_recent;
    if (i == CTL_HISTORY_RECENT && at <= ats[i - 1]) return;
    if (i == CTL_HISTORY_RECENT) i--;
    while (i > 0 && ats[i - 1] < at) {
        ats[i] = ats[i - 1];
        memcpy(h->recent[i], h->recent[i - 1], sizeof h->recent[i]);
        i--;
    }
    ats[i] = at;
    snprintf(h->recent[i], sizeof h->recent[i], "%.*s", (int)k->mv_size, (char *)k->mv_data);
    if (h->n_recent < CTL_HISTORY_RECENT) h->n_recent++;
}

static void read_submissions(ctl_history *h, ctl_store *s)
{
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    uint64_t ats[CTL_HISTORY_RECENT + 1];
    long seen = 0;
    if (ctl_store_dbi(s, "submissions", &dbi) != 0 || mdb_cursor_open(s->txn, dbi, &cur)) return;
    for (int op = MDB_LAST; seen++ < CTL_HISTORY_SCAN && !mdb_cursor_get(cur, &k, &v, op);
         op = MDB_PREV) {
        uint64_t at = peek_at(&v);
        int slot = ctl_history_slot(h->now_ms, at);
        if (slot >= 0) h->accepted[slot]++, h->total_accepted++;
        if (at) keep_recent(h, ats, &k, at);
    }
    mdb_cursor_close(cur);
}

static void read_recipients(ctl_history *h, ctl_store *s)
{
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    long seen = 0;
    if (ctl_store_dbi(s, "recipients", &dbi) != 0 || mdb_cursor_open(s->txn, dbi, &cur)) return;
    for (int op = MDB_LAST; seen++ < CTL_HISTORY_SCAN && !mdb_cursor_get(cur, &k, &v, op);
         op = MDB_PREV) {
        cm_arena *a = NULL;
        dl_rcpt r;
        int slot = -1;
        if (dl_rcpt_decode(v.mv_data, v.mv_size, &a, &r) == 0 && r.outcome != DL_OUT_PENDING)
            slot = ctl_history_slot(h->now_ms, r.final_at_ms);
        if (slot >= 0 && r.outcome == DL_OUT_DELIVERED)
            h->delivered[slot]++, h->total_delivered++;
        else if (slot >= 0)
            h->failed[slot]++, h->total_failed++;
        cm_arena_free(a);
    }
    mdb_cursor_close(cur);
}

void ctl_history_read(ctl_ctx *c, ctl_history *h, uint64_t now_ms)
{
    memset(h, 0, sizeof *h);
    h->now_ms = now_ms;
    ctl_store *s = c->dl.txn ? &c->dl : c->rt.txn ? &c->rt : NULL;
    if (s) read_submissions(h, s);
    if (c->dl.txn) read_recipients(h, &c->dl);
}
