/* rt_ingress: see rt_ingress.h. */
#include "rt_ingress.h"
#include "cm_commit_ack.h"
#include "cm_log.h"
#include "rt_ctx.h"
#include "rt_dlr_out.h"
#include "rt_feed.h"
#include "rt_quota.h"
#include "rt_stage.h"
#include "rt_submit.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A job to hand to rt_feed once committed (24 bytes: a list of 100,000 recipients
 * keeps 2.4 MB of these until its commit). `op` indexes cfg->operators, which a
 * reload never reorders (rt_config). */
typedef struct {
    uint64_t id, release_ms;
    uint32_t op;
} new_job;

/* What to do once the batch holding a submission is committed. */
typedef struct {
    rt_ctx *ctx;
    cm_peer to;
    int answer; /* 0: a submission of the gateway's own, nobody to answer */
    char key[80];
    size_t n_jobs, cap;
    new_job *jobs;
    cm_wbuf reply;
} after_commit;

/* The submission being stored in the batch: its number, taken when its first job
 * needs it (or when the event is stored), and what happens after the commit. With
 * `chunked`, every RT_STAGE_CHUNK jobs the batch is committed and a new one begun
 * (st->txn changes): see rt_stage.h. */
typedef struct {
    rt_ctx *ctx;
    MDB_txn *txn;
    char number[24];
    int chunked;
    size_t staged; /* jobs written in the current transaction */
    after_commit *after;
} storing;

static void reply_now(cm_hub *h, const cm_peer *to, const char *key, const cm_msg_submit_reply *r)
{
    cm_wbuf w = {0};
    if (cm_wire_encode_submit_reply(r, &w) == 0) cm_hub_ack(h, to, key, w.data, w.len);
    cm_wbuf_free(&w);
}

static void on_committed(void *arg, int committed)
{
    after_commit *a = arg;
    const cm_config *cfg = a->ctx->cfg;
    for (size_t k = 0; committed && k < a->n_jobs; k++)
        if (rt_feed_add(a->ctx->feed, a->jobs[k].id, cfg->operators[a->jobs[k].op].name, 0,
                        a->jobs[k].release_ms))
            cm_log_fatal("out of memory");
    if (committed && a->answer)
        cm_hub_ack(a->ctx->ingress_hub, &a->to, a->key, a->reply.data, a->reply.len);
    if (committed) rt_feed_dispatch_all(a->ctx->feed);
    int big = a->n_jobs >= RT_STAGE_CHUNK;
    cm_wbuf_free(&a->reply);
    free(a->jobs);
    free(a);
    if (big) rt_stage_trim();
}

static int take_number(storing *st)
{
    uint64_t n;
    if (st->number[0]) return 0;
    int rc = cm_store_next_seq(st->txn, cm_store_dbi(st->ctx->store, RT_DB_META), "submission", &n);
    if (!rc) snprintf(st->number, sizeof st->number, "%s%06" PRIu64, st->ctx->cfg->router.shard, n);
    return rc;
}

static int remember_job(storing *st, uint64_t id, const char *op, uint64_t release_ms)
{
    after_commit *a = st->after;
    const cm_config *cfg = st->ctx->cfg;
    uint32_t i = 0;
    while (i < cfg->n_operators && strcmp(cfg->operators[i].name, op) != 0)
        i++;
    if (i == cfg->n_operators) return -EINVAL; /* rt_route only picks configured operators */
    if (a->n_jobs == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        new_job *j = realloc(a->jobs, cap * sizeof *j);
        if (!j) return -ENOMEM;
        a->jobs = j;
        a->cap = cap;
    }
    a->jobs[a->n_jobs++] = (new_job){.id = id, .release_ms = release_ms, .op = i};
    return 0;
}

/* Commits what is staged once the current transaction holds RT_STAGE_CHUNK jobs. */
static int next_chunk(storing *st)
{
    if (!st->chunked || st->staged < RT_STAGE_CHUNK) return 0;
    st->staged = 0;
    return rt_stage_next_chunk(st->ctx, &st->txn, st->number, st->after->n_jobs);
}

/* rt_submit's job sink: numbers the job and writes it into the batch (MDB_APPEND: job
 * ids only grow, so pages fill up instead of splitting in halves; a key that is not
 * the largest fails with -EEXIST like MDB_NOOVERWRITE would). A big submission's
 * jobs are staged: committed chunk by chunk, invisible until its record is written. */
static int store_job(void *arg, cm_msg_job *job, uint64_t release_ms)
{
    storing *st = arg;
    uint8_t key[8];
    cm_wbuf w = {0};
    rt_job_rec head = {.release_ms = release_ms};
    int rc = next_chunk(st);
    if (!rc) rc = take_number(st);
    if (!rc)
        rc = cm_store_next_seq(st->txn, cm_store_dbi(st->ctx->store, RT_DB_META), "job",
                               &job->job_id);
    if (rc) return rc;
    job->submission = st->number;
    cm_put_raw(&w, &head, sizeof head);
    rc = cm_wire_encode_job(job, &w);
    cm_be64_put(key, job->job_id);
    if (!rc)
        rc = cm_store_put(st->txn, cm_store_dbi(st->ctx->store, RT_DB_JOBS), key, 8, w.data, w.len,
                          MDB_APPEND);
    cm_wbuf_free(&w);
    st->staged++;
    return rc ? rc : remember_job(st, job->job_id, job->operator_name, release_ms);
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
    for (size_t i = 0; i < s->accepted.recipients_n && !rc; i++) {
        const char *number = s->accepted.recipients[i].number;
        if (s->accepted.recipients[i].job_id)
            rc = cm_store_put(txn, dbi, number, strlen(number), v, (size_t)n, 0);
    }
    return rc;
}

/* Writes the submission's event, reply and indexes into the batch (its jobs are
 * already there: store_job). The event is stored once, in `submissions`: the outbox
 * entry refers to it (rt_dlr_out_put_ref). */
static int store_submission(storing *st, const char *submit_id, rt_submission *s)
{
    rt_ctx *ctx = st->ctx;
    char key[40];
    cm_wbuf ev = {0};
    int rc = take_number(st);
    if (rc) return rc;
    rt_submission_number(s, st->number);
    snprintf(key, sizeof key, "acc:%s", st->number);
    rc = cm_wire_encode_accepted(&s->accepted, &ev);
    if (!rc) rc = cm_wire_encode_submit_reply(&s->reply, &st->after->reply);
    if (!rc) rc = put_last_sent(ctx, st->txn, s);
    rt_submission_drop_recipients(s); /* the event holds them now: not twice at the peak */
    if (!rc)
        rc = cm_store_put(st->txn, cm_store_dbi(ctx->store, RT_DB_SUBMISSIONS), st->number,
                          strlen(st->number), ev.data, ev.len, MDB_NOOVERWRITE);
    if (!rc) rc = rt_dlr_out_put_ref(ctx, st->txn, key, &ev); /* takes ev's bytes */
    if (!rc)
        rc = cm_store_put(st->txn, cm_store_dbi(ctx->store, RT_DB_SUBMITS), submit_id,
                          strlen(submit_id), st->after->reply.data, st->after->reply.len,
                          MDB_NOOVERWRITE);
    cm_wbuf_free(&ev);
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

/* The daily quotas of a submission from an SMTP client (rt_submit_env.over_quota). */
typedef struct {
    rt_ctx *ctx;
    MDB_txn *txn;
    const cm_msg_submit *m;
    uint64_t now_ms;
    rt_quota_keys keys;
} quota_check;

static int over_quota(void *arg, const cm_config_account *acc, size_t n)
{
    static const char *const kind[] = {"", "account", "sender"};
    quota_check *q = arg;
    rt_ctx *ctx = q->ctx;
    MDB_dbi dbi = cm_store_dbi(ctx->store, RT_DB_QUOTA);
    rt_quota_keys_of(ctx->cfg, acc, q->m->mail_from, q->now_ms, &q->keys);
    if (ctx->quota_pruned_day != q->keys.day) {
        int pruned = rt_quota_prune(q->txn, dbi, q->keys.day);
        if (pruned < 0) return pruned;
        ctx->quota_pruned_day = q->keys.day;
    }
    int rc = rt_quota_check(q->txn, dbi, &q->keys, n);
    if (rc <= 0) return rc;
    cm_metrics_add(ctx->metrics.quota, 1, kind[rc]);
    cm_warn("submit %s: %s %s over its daily SMS quota (%llu/day, %llu used today): %zu SMS "
            "refused, from <%s>",
            q->m->id, kind[rc], q->keys.name[rc], (unsigned long long)q->keys.limit[rc],
            (unsigned long long)q->keys.used[rc], n, q->m->mail_from);
    return rc;
}

/* n_rcpt: the submission's recipients (counted before rt_submission_drop_recipients). */
static void log_decision(rt_ctx *ctx, const cm_msg_submit *m, const rt_submission *s, size_t n_rcpt)
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
            a->reason[0] ? ": " : "", a->reason, n_rcpt, s->n_jobs);
}

/* Decides and stores one new submission; the ack leaves after the commit. `from`
 * NULL: a submission of the gateway's own (nobody to answer, STOP lists not
 * consulted), stored in txn without chunks (its caller goes on writing in txn).
 * A storage failure is fatal: the batch is abandoned, nothing answered. */
static void take_submit(rt_ctx *ctx, MDB_txn *txn, const cm_peer *from, const char *key,
                        const cm_msg_submit *m)
{
    rt_submission s;
    char mkey[1024], dup[32];
    after_commit *a = calloc(1, sizeof *a);
    storing st = {.ctx = ctx, .txn = txn, .chunked = from != NULL, .after = a};
    quota_check quota = {.ctx = ctx, .txn = txn, .m = m};
    rt_submit_env env = {.cfg = ctx->cfg,
                         .accounts = ctx->accounts,
                         .quiet = &ctx->quiet,
                         .now_ms = rt_now_ms(),
                         .portability = ctx->portability,
                         .job_sink = store_job,
                         .job_arg = &st,
                         .blacklisted = from ? is_blacklisted : NULL,
                         .blacklist_arg = ctx->blacklist,
                         .over_quota = from ? over_quota : NULL,
                         .quota_arg = &quota};
    if (!a) cm_log_fatal("out of memory");
    quota.now_ms = env.now_ms;
    *a = (after_commit){
        .ctx = ctx, .to = from ? *from : (cm_peer){.len = 0}, .answer = from != NULL};
    snprintf(a->key, sizeof a->key, "%s", key);
    msgid_key(m, mkey, sizeof mkey);
    int rc = find_duplicate(ctx, txn, mkey, &env, dup, sizeof dup);
    if (!rc) rc = rt_submit_build(&env, m, &s);
    if (rc) cm_log_fatal("cannot store submission %s: %s", m->id, strerror(-rc));
    size_t n_rcpt = s.accepted.recipients_n;
    if (!s.has_event) {
        log_decision(ctx, m, &s, n_rcpt);
        if (from) reply_now(ctx->ingress_hub, from, key, &s.reply);
        rt_submission_free(&s);
        free(a->jobs);
        free(a);
        return;
    }
    rc = store_submission(&st, m->id, &s); /* st.txn: the last chunk's transaction */
    if (!rc) rc = remember_msgid(ctx, st.txn, mkey, &s);
    if (!rc && from && s.accepted.status == CM_ACCEPT_ACCEPTED) /* keys set by over_quota */
        rc = rt_quota_add(st.txn, cm_store_dbi(ctx->store, RT_DB_QUOTA), &quota.keys, s.n_jobs);
    if (rc) cm_log_fatal("queue store: cannot store submission: %s", strerror(-rc));
    log_decision(ctx, m, &s, n_rcpt);
    rt_submission_free(&s);
    if (cm_store_batch_after(ctx->store, on_committed, a) != 0) cm_log_fatal("out of memory");
}

void rt_ingress_own_sms(rt_ctx *ctx, MDB_txn *txn, const char *id, const char *account,
                        const char *e164, const char *text)
{
    char rcpt[128];
    snprintf(rcpt, sizeof rcpt, "SMS=%s@%s", e164, ctx->cfg->domain);
    char *rcpts[] = {rcpt};
    cm_msg_submit m = {.id = (char *)id,
                       .received_ms = rt_now_ms(),
                       .client_ip = "",
                       .helo = "",
                       .mail_from = "",
                       .rcpts = {rcpts, 1},
                       .header_from = "",
                       .subject = "STOP",
                       .message_id = "",
                       .auto_submitted = "auto-replied",
                       .category = "transactional",
                       .send_at = "",
                       .text = (char *)text,
                       .auth_user = (char *)account};
    take_submit(ctx, txn, NULL, id, &m);
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
