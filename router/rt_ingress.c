/* rt_ingress: see rt_ingress.h. */
#include "rt_ingress.h"
#include "cm_commit_ack.h"
#include "cm_log.h"
#include "rt_ctx.h"
#include "rt_dlr_out.h"
#include "rt_feed.h"
#include "rt_submit.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A job to hand to rt_feed once committed. */
typedef struct {
    char op[64];
    uint64_t release_ms;
} new_job;

/* What to do once the batch holding a submission is committed. */
typedef struct {
    rt_ctx *ctx;
    cm_peer to;
    char key[80];
    size_t n_jobs;
    uint64_t first_job;
    new_job *jobs;
    cm_wbuf reply;
} after_commit;

static void reply_now(cm_hub *h, const cm_peer *to, const char *key, const cm_msg_submit_reply *r)
{
    cm_wbuf w = {0};
    if (cm_wire_encode_submit_reply(r, &w) == 0) cm_hub_ack(h, to, key, w.data, w.len);
    cm_wbuf_free(&w);
}

static void on_committed(void *arg, int committed)
{
    after_commit *a = arg;
    for (size_t k = 0; committed && k < a->n_jobs; k++)
        if (rt_feed_add(a->ctx->feed, a->first_job + k, a->jobs[k].op, 0, a->jobs[k].release_ms))
            cm_log_fatal("out of memory");
    if (committed) {
        cm_hub_ack(a->ctx->ingress_hub, &a->to, a->key, a->reply.data, a->reply.len);
        rt_feed_dispatch_all(a->ctx->feed);
    }
    cm_wbuf_free(&a->reply);
    free(a->jobs);
    free(a);
}

static int put_jobs(rt_ctx *ctx, MDB_txn *txn, const rt_submission *s)
{
    MDB_dbi dbi = cm_store_dbi(ctx->store, RT_DB_JOBS);
    int rc = 0;
    for (size_t k = 0; k < s->n_jobs && !rc; k++) {
        cm_wbuf w = {0};
        uint8_t key[8];
        rt_job_rec head = {.release_ms = rt_submission_release(s, k)};
        cm_put_raw(&w, &head, sizeof head);
        rc = cm_wire_encode_job(&s->jobs[k], &w);
        cm_be64_put(key, s->jobs[k].job_id);
        if (!rc) rc = cm_store_put(txn, dbi, key, 8, w.data, w.len, MDB_NOOVERWRITE);
        cm_wbuf_free(&w);
    }
    return rc;
}

static int is_blacklisted(void *arg, const char *account, const char *e164)
{
    int rc = cm_blacklist_contains(arg, account, e164);
    if (rc < 0) cm_log_fatal("blacklist store: %s", strerror(-rc));
    return rc;
}

/* Who last messaged each number, for STOP and SMS replies (rt_mo): a record
 * "account\nsubmission\nms\nreply_to". */
static int put_last_sent(rt_ctx *ctx, MDB_txn *txn, const rt_submission *s)
{
    MDB_dbi dbi = cm_store_dbi(ctx->store, RT_DB_LAST_SENT);
    char v[1024];
    int n = snprintf(v, sizeof v, "%s\n%s\n%llu\n%s", s->accepted.account, s->accepted.submission,
                     (unsigned long long)s->accepted.at_ms, s->accepted.reply_to);
    if (n < 0 || (size_t)n >= sizeof v) return 0; /* an absurd address: no reply forwarding */
    int rc = 0;
    for (size_t k = 0; k < s->n_jobs && !rc; k++) {
        const char *number = s->accepted.recipients[s->job_rcpt[k]].number;
        rc = cm_store_put(txn, dbi, number, strlen(number), v, (size_t)n, 0);
    }
    return rc;
}

/* Numbers the submission and writes everything it consists of into txn. */
static int store_submission(rt_ctx *ctx, MDB_txn *txn, const char *submit_id, rt_submission *s,
                            after_commit *a)
{
    MDB_dbi meta = cm_store_dbi(ctx->store, RT_DB_META);
    uint64_t subno, first_job = 0;
    char number[24], key[40];
    cm_wbuf ev = {0};
    int rc = cm_store_next_seq(txn, meta, "submission", &subno);
    if (!rc && s->n_jobs) rc = cm_store_reserve_seq(txn, meta, "job", s->n_jobs, &first_job);
    if (rc) return rc;
    snprintf(number, sizeof number, "%06" PRIu64, subno);
    rt_submission_number(s, number, first_job);
    snprintf(key, sizeof key, "acc:%s", number);
    rc = cm_wire_encode_accepted(&s->accepted, &ev);
    if (!rc) rc = cm_wire_encode_submit_reply(&s->reply, &a->reply);
    if (!rc) rc = put_jobs(ctx, txn, s);
    if (!rc) rc = put_last_sent(ctx, txn, s);
    if (!rc)
        rc = cm_store_put(txn, cm_store_dbi(ctx->store, RT_DB_SUBMISSIONS), number, strlen(number),
                          ev.data, ev.len, MDB_NOOVERWRITE);
    if (!rc) rc = rt_dlr_out_put(ctx, txn, key, ev.data, ev.len);
    if (!rc)
        rc = cm_store_put(txn, cm_store_dbi(ctx->store, RT_DB_SUBMITS), submit_id,
                          strlen(submit_id), a->reply.data, a->reply.len, MDB_NOOVERWRITE);
    cm_wbuf_free(&ev);
    a->first_job = first_job;
    return rc;
}

/* The key of the sender + Message-ID index, or "" when the email has no Message-ID. */
static void msgid_key(const cm_msg_submit *m, char *buf, size_t cap)
{
    buf[0] = 0;
    if (!m->mail_from[0] || !m->message_id[0]) return;
    snprintf(buf, cap, "%s\n%s", m->mail_from, m->message_id);
    for (char *p = buf; *p != '\n'; p++)
        *p = (char)tolower((unsigned char)*p);
}

/* Looks up an earlier submission of the same email; fills env's dup fields. */
static int find_duplicate(rt_ctx *ctx, MDB_txn *txn, const char *mkey, rt_submit_env *env,
                          char *number, size_t cap)
{
    MDB_val v;
    int rc = mkey[0]
                 ? cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_MSGIDS), mkey, strlen(mkey), &v)
                 : -ENOENT;
    if (rc == 0 && v.mv_size > 8 && v.mv_size - 8 < cap) {
        memcpy(&env->dup_at_ms, v.mv_data, 8);
        memcpy(number, (char *)v.mv_data + 8, v.mv_size - 8);
        number[v.mv_size - 8] = 0;
        env->dup_submission = number;
    }
    return rc == -ENOENT ? 0 : rc;
}

static int remember_msgid(rt_ctx *ctx, MDB_txn *txn, const char *mkey, const rt_submission *s)
{
    char v[64];
    size_t n = strlen(s->accepted.submission);
    if (!mkey[0] || s->accepted.status == CM_ACCEPT_DUPLICATE || n + 8 > sizeof v) return 0;
    memcpy(v, &s->accepted.at_ms, 8);
    memcpy(v + 8, s->accepted.submission, n);
    return cm_store_put(txn, cm_store_dbi(ctx->store, RT_DB_MSGIDS), mkey, strlen(mkey), v, n + 8,
                        0);
}

static void log_decision(rt_ctx *ctx, const cm_msg_submit *m, const rt_submission *s)
{
    const cm_msg_accepted *a = &s->accepted;
    static const char *const status[] = {"?", "accepted", "rejected", "duplicate", "dry-run"};
    cm_metrics_add(ctx->metrics.submissions, 1,
                   s->has_event ? status[a->status < 5 ? a->status : 0] : "refused");
    if (!s->has_event) {
        cm_info("submit %s from <%s> refused: %s", m->id, m->mail_from, s->reply.text);
        return;
    }
    cm_info("submission %s from <%s> account %s: %s%s%s, %zu recipient(s), %zu job(s)",
            a->submission, m->mail_from, a->account, status[a->status < 5 ? a->status : 0],
            a->reason[0] ? ": " : "", a->reason, a->recipients_n, s->n_jobs);
}

/* Decides and stores one new submission; the ack leaves after the commit. */
static void take_submit(rt_ctx *ctx, MDB_txn *txn, const cm_peer *from, const char *key,
                        const cm_msg_submit *m)
{
    rt_submission s;
    char mkey[1024], dup[32];
    rt_submit_env env = {.cfg = ctx->cfg,
                         .accounts = ctx->accounts,
                         .quiet = &ctx->quiet,
                         .now_ms = rt_now_ms(),
                         .portability = ctx->portability,
                         .blacklisted = is_blacklisted,
                         .blacklist_arg = ctx->blacklist};
    msgid_key(m, mkey, sizeof mkey);
    int rc = find_duplicate(ctx, txn, mkey, &env, dup, sizeof dup);
    if (rc) cm_log_fatal("queue store: %s", strerror(-rc));
    after_commit *a = calloc(1, sizeof *a);
    if (!a || rt_submit_build(&env, m, &s) != 0) cm_log_fatal("out of memory");
    if (!s.has_event) {
        log_decision(ctx, m, &s);
        reply_now(ctx->ingress_hub, from, key, &s.reply);
        rt_submission_free(&s);
        free(a);
        return;
    }
    *a = (after_commit){.ctx = ctx, .to = *from, .n_jobs = s.n_jobs};
    snprintf(a->key, sizeof a->key, "%s", key);
    a->jobs = calloc(s.n_jobs + 1, sizeof *a->jobs);
    for (size_t k = 0; a->jobs && k < s.n_jobs; k++) {
        snprintf(a->jobs[k].op, sizeof a->jobs[k].op, "%s", s.jobs[k].operator_name);
        a->jobs[k].release_ms = rt_submission_release(&s, k);
    }
    rc = a->jobs ? store_submission(ctx, txn, m->id, &s, a) : -ENOMEM;
    if (!rc) rc = remember_msgid(ctx, txn, mkey, &s);
    if (rc) cm_log_fatal("queue store: cannot store submission: %s", strerror(-rc));
    log_decision(ctx, m, &s);
    rt_submission_free(&s);
    if (cm_store_batch_after(ctx->store, on_committed, a) != 0) cm_log_fatal("out of memory");
}

void rt_ingress_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                     size_t len, void *arg)
{
    rt_ctx *ctx = arg;
    cm_arena *arena = NULL;
    cm_msg_submit m;
    MDB_val seen;
    if (!key[0]) return; /* ingress sends no one-way messages */
    if (cm_wire_decode_submit(payload, len, &arena, &m) != 0) {
        cm_warn("malformed submission %s from ingress refused", key);
        reply_now(h, from, key, &(cm_msg_submit_reply){451, "4.3.0", "internal error", ""});
    } else if (ctx->draining) {
        reply_now(h, from, key,
                  &(cm_msg_submit_reply){421, "4.3.2", "gateway shutting down, try later", ""});
    } else {
        MDB_txn *txn = cm_store_batch_txn(ctx->store);
        if (!txn) cm_log_fatal("queue store: cannot begin a transaction");
        int rc =
            cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_SUBMITS), m.id, strlen(m.id), &seen);
        if (rc == 0) /* re-sent: answer what was answered, once that is durable */
            rc = cm_commit_ack(ctx->store, h, from, key, seen.mv_data, seen.mv_size);
        else if (rc == -ENOENT)
            take_submit(ctx, txn, from, key, &m), rc = 0;
        if (rc) cm_log_fatal("queue store: %s", strerror(-rc));
    }
    cm_arena_free(arena);
}
