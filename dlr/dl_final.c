/* dl_final: when a submission is complete (every queued recipient final, or the
 * validity period is over), its final receipt (see dl_state.h). */
#include "dl_state.h"

#include "cm_log.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_outbox.h"
#include "dl_prune.h"
#include "dl_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int progress_load(dl_state *st, MDB_txn *txn, const char *sub, dl_progress *p)
{
    MDB_val v;
    int rc = cm_store_get(txn, st->db.progress, sub, strlen(sub), &v);

    if (rc < 0) return rc;
    return dl_progress_decode(v.mv_data, v.mv_size, p) < 0 ? -EIO : 0;
}

static int progress_save(dl_state *st, MDB_txn *txn, const char *sub, const dl_progress *p)
{
    cm_wbuf w = {0};
    int rc;

    dl_progress_encode(p, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.progress, sub, strlen(sub), w.data, w.len, 0);
    cm_wbuf_free(&w);
    return rc;
}

/* expiry key: BE64(expires_ms) submission (dl_state_expire adds the grace period) */
static size_t expiry_key(const dl_progress *p, const char *sub, uint8_t *k, size_t cap)
{
    size_t n = strlen(sub);

    if (n + 8 > cap) n = cap - 8;
    cm_be64_put(k, p->expires_ms);
    memcpy(k + 8, sub, n);
    return n + 8;
}

static int rcpt_get(dl_state *st, MDB_txn *txn, uint64_t job, cm_arena **a, dl_rcpt *r)
{
    uint8_t k[8];
    MDB_val v;
    int rc;

    cm_be64_put(k, job);
    rc = cm_store_get(txn, st->db.recipients, k, 8, &v);
    if (rc < 0) return rc;
    return dl_rcpt_decode(v.mv_data, v.mv_size, a, r) < 0 ? -EIO : 0;
}

int dl_final_track(dl_state *st, MDB_txn *txn, const void *acc_, uint64_t now_ms)
{
    const cm_msg_accepted *acc = acc_;
    dl_progress p = {0, 0, 0, 0, 0};
    cm_arena *a = NULL;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        dl_rcpt rec;
        if (r->state != CM_RCPT_QUEUED || r->job_id == 0) continue;
        p.queued++;
        rc = rcpt_get(st, txn, r->job_id, &a, &rec);
        if (rc == 0 && rec.outcome != DL_OUT_PENDING) p.final++;
        rc = rc == -ENOENT ? 0 : rc;
    }
    cm_arena_free(a);
    p.expires_ms = acc->expires_ms ? acc->expires_ms : acc->at_ms + st->validity_ms;
    if (rc == 0) rc = progress_save(st, txn, acc->submission, &p);
    if (rc < 0 || p.final >= p.queued)
        return rc < 0 ? rc : dl_final_submission(st, txn, acc->submission, now_ms);
    uint8_t k[8 + 512];
    size_t kl = expiry_key(&p, acc->submission, k, sizeof(k));
    return cm_store_put(txn, st->db.expiry, k, kl, "", 0, 0);
}

int dl_final_recipient_done(dl_state *st, MDB_txn *txn, const char *sub, uint64_t now_ms)
{
    dl_progress p;
    int rc = progress_load(st, txn, sub, &p);

    if (rc == -ENOENT) /* ACCEPTED not here yet: dl_final_track() will count it */
        return 0;
    if (rc < 0 || p.done) return rc;
    p.final++;
    rc = progress_save(st, txn, sub, &p);
    if (rc == 0 && p.final >= p.queued) rc = dl_final_submission(st, txn, sub, now_ms);
    return rc;
}

/* One recipient's line of the final receipt; its strings live in *keep. */
static int final_line(dl_state *st, MDB_txn *txn, const struct cm_wire_recipient *in,
                      cm_arena **keep, dl_final_rcpt *out)
{
    dl_rcpt r;
    int rc;

    memset(out, 0, sizeof(*out));
    out->number = in->number;
    out->fields = in->fields;
    out->line = in->line;
    out->parts = in->parts;
    out->reason = in->reason;
    out->err = out->network_error = "";
    if (in->state != CM_RCPT_QUEUED) {
        out->outcome = in->state == CM_RCPT_BLACKLISTED ? DL_OUT_BLACKLISTED : DL_OUT_REJECTED;
        return 0;
    }
    out->outcome = DL_OUT_EXPIRED;
    rc = in->job_id ? rcpt_get(st, txn, in->job_id, keep, &r) : -ENOENT;
    if (rc == 0) {
        if (r.outcome != DL_OUT_PENDING) out->outcome = (enum dl_outcome)r.outcome;
        out->stat = (enum dl_stat)r.stat;
        out->err = r.err;
        out->network_error = r.network_error;
        out->smpp_status = r.smpp_status;
        out->reason = r.reason;
        out->at_ms = r.final_at_ms;
        if (r.parts.len > out->parts) out->parts = (uint32_t)r.parts.len;
    }
    return rc == -ENOENT ? 0 : rc;
}

/* The recipients of a submission as a dl_final_src, read line by line from the stored
 * ACCEPTED (never decoded whole) and the store: a pass that starts again reads the list
 * again from its start. */
typedef struct {
    dl_state *st;
    MDB_txn *txn;
    cm_wire_recipients first, it;
    size_t pos; /* index of the recipient `it` reads next */
} final_src;

static int final_get(void *arg, size_t i, dl_final_rcpt *out, cm_arena **keep)
{
    final_src *f = arg;
    struct cm_wire_recipient r;
    int rc = 0;

    if (i < f->pos) {
        f->it = f->first;
        f->pos = 0;
    }
    for (; rc == 0 && f->pos < i; f->pos++) { /* skipped: read into a scratch arena */
        cm_arena *skip = NULL;
        rc = cm_wire_recipients_next(&f->it, &skip, &r);
        cm_arena_free(skip);
    }
    if (rc == 0) rc = cm_wire_recipients_next(&f->it, keep, &r);
    if (rc < 0) return rc == -ENOENT ? -EBADMSG : rc;
    f->pos++;
    return final_line(f->st, f->txn, &r, keep, out);
}

/* dlr.final_list_max (1000 without a configuration). */
static size_t list_max(const dl_state *st)
{
    return st->cfg != NULL && st->cfg->dlr.final_list_max > 0 ? (size_t)st->cfg->dlr.final_list_max
                                                              : DL_FINAL_LIST_MAX;
}

/* What composes a final receipt: the same arguments for the count and the writing. */
typedef struct {
    const dl_mail_env *env;
    const cm_msg_accepted *acc;
    const dl_final_src *src;
    size_t list_max;
} final_args;

/* dl_outq_fill: the receipt written where it is stored, exactly as counted. */
static int final_fill(void *arg, uint8_t *to, size_t len)
{
    const final_args *f = arg;
    dl_sb m;
    int rc;

    dl_sb_fixed(&m, (char *)to, len);
    rc = dl_mail_final_to(f->env, f->acc, f->src, f->list_max, &m, NULL);
    return rc < 0 ? rc : m.len == len ? 0 : -EIO;
}

/* The receipt is composed twice: counted, then written straight into its outbox record
 * (a list of 100,000 makes a mail of 7.5 MB, never held in the heap). */
static int final_mail(dl_state *st, MDB_txn *txn, const cm_msg_accepted *acc,
                      const cm_wire_recipients *list, uint64_t now_ms)
{
    final_src fs = {st, txn, *list, *list, 0};
    const dl_final_src src = {acc->recipients_n, final_get, &fs};
    const char *status = "";
    char left[160];
    dl_sb count;
    int rc;

    snprintf(left, sizeof(left), "fin.%.100s.%" PRIu64, acc->submission, now_ms);
    dl_mail_env env = {st->from, acc->reply_to, now_ms, left};
    final_args f = {&env, acc, &src, list_max(st)};
    dl_sb_counter(&count);
    rc = dl_mail_final_to(&env, acc, &src, f.list_max, &count, &status);
    if (rc == 0) {
        cm_info("submission %s final: %s (%zu bytes)", acc->submission, status, count.len);
        rc = dl_outbox_put_fill(st, txn, acc->reply_to, acc->submission, "final", count.len,
                                final_fill, &f, now_ms);
    } else if (rc == -EINVAL) {
        cm_info("submission %s final: no receipt for reply-to \"%s\"", acc->submission,
                acc->reply_to);
        rc = 0;
    }
    return rc;
}

int dl_final_submission(dl_state *st, MDB_txn *txn, const char *sub, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_accepted acc;
    cm_wire_recipients list;
    dl_progress p;
    MDB_val v;
    uint8_t k[8 + 512];
    int rc = progress_load(st, txn, sub, &p);

    if (rc < 0 || p.done) return rc;
    rc = cm_store_get(txn, st->db.submissions, sub, strlen(sub), &v);
    if (rc == 0 && cm_wire_decode_accepted_head(v.mv_data, v.mv_size, &a, &acc, &list) < 0)
        rc = -EIO;
    if (rc == 0) rc = final_mail(st, txn, &acc, &list, now_ms);
    cm_arena_free(a);
    if (rc < 0) return rc;
    p.done = 1;
    p.done_at_ms = now_ms;
    rc = progress_save(st, txn, sub, &p);
    if (rc == 0) rc = dl_prune_note(st, txn, DL_AGE_SUBMISSION, sub, strlen(sub), now_ms);
    if (rc == 0) {
        rc = cm_store_del(txn, st->db.expiry, k, expiry_key(&p, sub, k, sizeof(k)));
        rc = rc == -ENOENT ? 0 : rc;
    }
    return rc;
}
