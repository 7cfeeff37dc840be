/* dl_state: ACCEPTED, RESULT and DELIVER applied to dlr.mdb (see dl_state.h and the
 * record layout in dl_rec.h). */
#include "dl_state.h"

#include "cm_log.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_match.h"
#include "dl_mime.h"
#include "dl_msgid.h"
#include "dl_outbox.h"
#include "dl_prune.h"
#include "dl_receipt.h"
#include "dl_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dl_state_open_dbs(cm_store *store, dl_state *st)
{
    dl_dbs *d = &st->db;

    d->submissions = cm_store_dbi(store, "submissions");
    d->progress = cm_store_dbi(store, "progress");
    d->expiry = cm_store_dbi(store, "expiry");
    d->recipients = cm_store_dbi(store, "recipients");
    d->msgids = cm_store_dbi(store, "msgids");
    d->early = cm_store_dbi(store, "early");
    d->unmatched = cm_store_dbi(store, "unmatched");
    d->outbox = cm_store_dbi(store, "outbox");
    d->dead = cm_store_dbi(store, "dead");
    d->seen = cm_store_dbi(store, "seen");
    d->meta = cm_store_dbi(store, "meta");
    d->aging = cm_store_dbi(store, "aging");
    d->outbox_due = cm_store_dbi(store, "outbox_due");
    d->outbox_rcpt = cm_store_dbi(store, "outbox_rcpt");
}

/* -------- recipients -------- */

static int rcpt_load(dl_state *st, MDB_txn *txn, uint64_t job, cm_arena **a, dl_rcpt *r)
{
    uint8_t k[8];
    MDB_val v;
    int rc;

    cm_be64_put(k, job);
    rc = cm_store_get(txn, st->db.recipients, k, 8, &v);
    if (rc < 0) return rc;
    rc = dl_rcpt_decode(v.mv_data, v.mv_size, a, r);
    return rc == -EBADMSG ? -EIO : rc; /* our own record unreadable: storage trouble */
}

static int rcpt_save(dl_state *st, MDB_txn *txn, uint64_t job, const dl_rcpt *r)
{
    uint8_t k[8];
    cm_wbuf w = {0};
    int rc;

    cm_be64_put(k, job);
    dl_rcpt_encode(r, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.recipients, k, 8, w.data, w.len, 0);
    cm_wbuf_free(&w);
    return rc;
}

/* Decide a submitted recipient from its parts: delivered when all parts are,
 * undelivered as soon as one part ended otherwise. */
static void rcpt_evaluate(dl_rcpt *r, const dl_receipt *last, uint64_t at_ms)
{
    size_t delivered = 0;

    for (size_t i = 0; i < r->parts.len; i++) {
        enum dl_stat s = (enum dl_stat)r->parts.data[i];
        if (dl_stat_is_final(s) && !dl_stat_is_delivered(s)) {
            r->outcome = DL_OUT_UNDELIVERED;
            r->stat = (uint8_t)s;
            if (last != NULL && last->stat == s) {
                r->err = (char *)last->err;
                r->network_error = (char *)last->network_error;
            }
            r->final_at_ms = at_ms;
            return;
        }
        delivered += dl_stat_is_delivered(s);
    }
    if (r->parts.len > 0 && delivered == r->parts.len) {
        r->outcome = DL_OUT_DELIVERED;
        r->stat = DL_STAT_DELIVERED;
        r->final_at_ms = at_ms;
    }
}

/* One receipt on part `part` of job `job`; ends the recipient when it decides it. */
static int apply_receipt(dl_state *st, MDB_txn *txn, uint64_t job, uint32_t part,
                         const dl_receipt *rc_, uint64_t at_ms, uint64_t now_ms)
{
    cm_arena *a = NULL;
    dl_rcpt r;
    int rc = rcpt_load(st, txn, job, &a, &r);

    if (rc == -ENOENT) {
        cm_warn("receipt for job %" PRIu64 " which has no record: ignored", job);
        rc = 0;
        goto out;
    }
    if (rc < 0) goto out;
    if (r.outcome != DL_OUT_PENDING || part >= r.parts.len ||
        dl_stat_is_final((enum dl_stat)r.parts.data[part])) {
        cm_debug("receipt for job %" PRIu64 " part %u ignored (already final)", job, part);
        goto out;
    }
    r.parts.data[part] = (uint8_t)rc_->stat;
    rcpt_evaluate(&r, rc_, at_ms);
    rc = rcpt_save(st, txn, job, &r);
    if (rc == 0 && r.outcome != DL_OUT_PENDING) {
        if (r.outcome < sizeof(st->counts.final) / sizeof(st->counts.final[0]))
            st->counts.final[r.outcome]++;
        cm_info("job %" PRIu64 " of %s %s (%s)", job, r.submission,
                r.outcome == DL_OUT_DELIVERED ? "delivered" : "undelivered",
                dl_stat_name((enum dl_stat)r.stat));
        rc = dl_final_recipient_done(st, txn, r.submission, now_ms);
    }
out:
    cm_arena_free(a);
    return rc;
}

/* -------- ACCEPTED -------- */

/* The recipients final from the start (dl_state.h: counts). */
static void count_refused(dl_state *st, const cm_msg_accepted *acc)
{
    if (acc->status != CM_ACCEPT_ACCEPTED && acc->status != CM_ACCEPT_REJECTED) return;
    for (size_t i = 0; i < acc->recipients_n; i++) {
        uint8_t state = acc->recipients[i].state;
        if (state == CM_RCPT_BLACKLISTED)
            st->counts.final[DL_OUT_BLACKLISTED]++;
        else if (state != CM_RCPT_QUEUED || acc->status == CM_ACCEPT_REJECTED)
            st->counts.final[DL_OUT_REJECTED]++;
    }
}

int dl_state_accepted(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_accepted acc;
    char *mail = NULL;
    size_t len = 0;
    int rc = cm_wire_decode_accepted(p, n, &a, &acc);

    if (rc < 0 || acc.submission[0] == '\0') {
        rc = -EBADMSG;
        goto out;
    }
    rc = cm_store_put(txn, st->db.submissions, acc.submission, strlen(acc.submission), p, n,
                      MDB_NOOVERWRITE);
    if (rc == -EEXIST) {
        cm_warn("ACCEPTED for submission %s again under another key: ignored", acc.submission);
        rc = 0;
        goto out;
    }
    if (rc < 0) goto out;
    count_refused(st, &acc);
    dl_mail_env env = {st->from, acc.reply_to, now_ms, NULL};
    char left[160];
    snprintf(left, sizeof(left), "acc.%.100s.%" PRIu64, acc.submission, now_ms);
    env.msgid_left = left;
    rc = dl_mail_acceptance(&env, &acc, &mail, &len);
    if (rc == 0)
        rc = dl_outbox_put(st, txn, acc.reply_to, acc.submission, "acceptance", mail, len, now_ms);
    else if (rc == -EINVAL) {
        cm_info("submission %s: no receipt for reply-to \"%s\"", acc.submission, acc.reply_to);
        rc = 0;
    }
    if (rc == 0 && acc.status == CM_ACCEPT_ACCEPTED)
        rc = dl_final_track(st, txn, &acc, now_ms);
    else if (rc == 0) /* no final receipt to wait for: it ages from now */
        rc = dl_prune_note(st, txn, DL_AGE_SUBMISSION, acc.submission, strlen(acc.submission),
                           now_ms);
out:
    free(mail);
    cm_arena_free(a);
    return rc;
}

/* -------- RESULT -------- */

/* Grow the part table to n parts (new parts: no receipt yet). */
static int rcpt_parts(dl_rcpt *r, size_t n, cm_arena **a)
{
    uint8_t *d;

    if (n <= r->parts.len) return 0;
    d = cm_arena_alloc(a, n);
    if (d == NULL) return -ENOMEM;
    if (r->parts.len > 0) memcpy(d, r->parts.data, r->parts.len);
    r->parts.data = d;
    r->parts.len = n;
    return 0;
}

static int apply_deliver(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms,
                         int replay);

/* Map the parts' ids, then replay the receipts that were waiting for them. */
static int result_map(dl_state *st, MDB_txn *txn, const cm_msg_result *res, uint64_t now_ms)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < res->message_ids.n; i++) {
        rc = dl_match_map(st, txn, res->operator_name, res->message_ids.v[i], res->job_id,
                          (uint32_t)i, now_ms);
        if (rc == -EINVAL) {
            cm_warn("job %" PRIu64 ": unusable message id \"%.64s\" for part %zu", res->job_id,
                    res->message_ids.v[i], i + 1);
            rc = 0;
        }
    }
    for (size_t i = 0; rc == 0 && i < res->message_ids.n; i++) {
        dl_early *e = NULL;
        size_t ne = 0;
        rc = dl_match_early_take(st, txn, res->operator_name, res->message_ids.v[i], &e, &ne);
        if (rc == -EINVAL) rc = 0;
        for (size_t j = 0; rc == 0 && j < ne; j++) {
            rc = apply_deliver(st, txn, e[j].payload, e[j].len, now_ms, 1);
            rc = rc == DL_STATE_REPEATABLE ? 0 : rc;
        }
        dl_match_early_free(e, ne);
    }
    return rc;
}

static int result_apply(dl_state *st, MDB_txn *txn, const cm_msg_result *res, dl_rcpt *r,
                        cm_arena **a, uint64_t now_ms)
{
    int rc;

    if (r->outcome != DL_OUT_PENDING) {
        cm_debug("RESULT for job %" PRIu64 " which is already final: ignored", res->job_id);
        return 0;
    }
    if (res->status == CM_RESULT_SUBMITTED && r->submitted && res->attempt == r->attempt) {
        cm_debug("RESULT for job %" PRIu64 " attempt %u again: ignored", res->job_id, res->attempt);
        return 0; /* applied already (no `seen` entry for RESULTs: dl_intake) */
    }
    r->operator_name = res->operator_name;
    if (res->attempt > r->attempt || !r->submitted) r->attempt = res->attempt;
    if (res->status == CM_RESULT_FAILED) {
        r->outcome = DL_OUT_UNDELIVERED;
        r->smpp_status = res->smpp_status;
        r->reason = res->reason;
        r->final_at_ms = res->at_ms ? res->at_ms : now_ms;
        st->counts.final[DL_OUT_UNDELIVERED]++;
        rc = rcpt_save(st, txn, res->job_id, r);
        cm_info("job %" PRIu64 " of %s failed at submit: 0x%08X %s", res->job_id, r->submission,
                res->smpp_status, res->reason);
        return rc < 0 ? rc : dl_final_recipient_done(st, txn, r->submission, now_ms);
    }
    if (res->status != CM_RESULT_SUBMITTED) return 0; /* RETRY: the router sends the job again */
    r->submitted = 1;
    rc = rcpt_parts(r, res->message_ids.n, a);
    if (rc == 0) rc = rcpt_save(st, txn, res->job_id, r);
    return rc < 0 ? rc : result_map(st, txn, res, now_ms);
}

int dl_state_result(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_result res;
    dl_rcpt r;
    int rc = cm_wire_decode_result(p, n, &a, &res);

    if (rc < 0 || res.job_id == 0 || res.submission[0] == '\0' || res.operator_name[0] == '\0' ||
        res.status < CM_RESULT_SUBMITTED || res.status > CM_RESULT_FAILED) {
        rc = -EBADMSG;
        goto out;
    }
    rc = rcpt_load(st, txn, res.job_id, &a, &r);
    if (rc == -ENOENT) {
        memset(&r, 0, sizeof(r));
        r.submission = res.submission;
        r.err = r.reason = r.network_error = "";
        r.operator_name = res.operator_name;
        rc = 0;
    }
    if (rc == 0) rc = result_apply(st, txn, &res, &r, &a, now_ms);
out:
    cm_arena_free(a);
    return rc;
}

/* -------- DELIVER -------- */

int dl_state_keep_unmatched(dl_state *st, MDB_txn *txn, const void *p, size_t n, uint64_t now_ms)
{
    uint64_t seq;
    uint8_t k[8];
    int rc = cm_store_next_seq(txn, st->db.meta, "unmatched", &seq);

    if (rc < 0) return rc;
    cm_be64_put(k, seq);
    st->unmatched++;
    rc = cm_store_put(txn, st->db.unmatched, k, 8, p, n, MDB_APPEND);
    return rc < 0 ? rc : dl_prune_note(st, txn, DL_AGE_UNMATCHED, k, 8, now_ms);
}

/* A receipt that arrives (not one replayed from `early`) is counted once. */
static void count_receipt(dl_state *st, int replay, enum dl_receipt_result result)
{
    if (!replay) st->counts.receipts[result]++;
}

static int apply_deliver(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms,
                         int replay)
{
    cm_arena *a = NULL;
    cm_msg_deliver d;
    dl_receipt r;
    uint64_t job;
    uint32_t part;
    int rc = cm_wire_decode_deliver(p, n, &a, &d);

    if (rc < 0 || d.operator_name[0] == '\0') {
        rc = -EBADMSG;
        goto out;
    }
    if (dl_receipt_parse(d.short_message.data, d.short_message.len, d.receipted_message_id,
                         d.message_state, d.network_error, &r) < 0) {
        cm_warn("receipt from %s without a message id: kept in unmatched", d.operator_name);
        count_receipt(st, replay, DL_RECEIPT_UNMATCHED);
        rc = dl_state_keep_unmatched(st, txn, p, n, now_ms);
        goto out;
    }
    rc = dl_match_find(st, txn, d.operator_name, r.id, &job, &part);
    if (rc == 0) {
        count_receipt(st, replay,
                      dl_stat_is_final(r.stat) ? DL_RECEIPT_MATCHED : DL_RECEIPT_INTERMEDIATE);
        rc = apply_receipt(st, txn, job, part, &r, d.at_ms ? d.at_ms : now_ms, now_ms);
        rc = rc == 0 ? DL_STATE_REPEATABLE : rc;
    } else if (rc == -ENOENT) {
        count_receipt(st, replay, DL_RECEIPT_EARLY);
        cm_info("receipt %s/%s (%s) before its RESULT: kept", d.operator_name, r.id,
                dl_stat_name(r.stat));
        rc = dl_match_early_put(st, txn, d.operator_name, r.id, p, n, now_ms);
    } else if (rc == -EINVAL) {
        cm_warn("receipt from %s with unusable id \"%.64s\": kept in unmatched", d.operator_name,
                r.id);
        count_receipt(st, replay, DL_RECEIPT_UNMATCHED);
        rc = dl_state_keep_unmatched(st, txn, p, n, now_ms);
    }
out:
    cm_arena_free(a);
    return rc;
}

int dl_state_deliver(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms)
{
    return apply_deliver(st, txn, p, n, now_ms, 0);
}
