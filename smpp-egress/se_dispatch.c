/* se_dispatch: JOB in, submit_sm out, RESULT back.
 *
 * A JOB (one-way from the router) is decoded and, unless already known, becomes a held
 * job; pump() writes the held jobs' submits onto binds with room (round robin), in
 * order. Each submit's answer (se_bind resp_cb) either records the message id (all
 * parts OK -> SUBMITTED) or ends the job: temporary SMPP status, response time-out or
 * lost connection -> RETRY; permanent status -> FAILED with the SMPP error named. A
 * RESULT goes reliably (key "res:<job>:<attempt>") to both the router and dlr.
 *
 * A JOB received again: in progress -> ignored (its result will carry the latest
 * attempt number); done -> the known RESULT is sent again for the new attempt, except
 * that a RETRY job with a higher attempt (the router's retry) is submitted anew.
 *
 * Every log line about a job starts "submission S job J attempt A" (as the router's),
 * so that one grep follows an email through the processes. */
#include "cm_log.h"
#include "se_ctx.h"
#include "se_status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOB_FMT "submission %s job %" PRIu64 " attempt %" PRIu32

void se_dispatch_job_name(uint64_t job_id, char *buf, size_t size, void *arg)
{
    se_ctx *ctx = arg;
    const se_job *j = se_jobs_get(ctx->jobs, job_id);
    if (j) snprintf(buf, size, JOB_FMT, j->submission, j->job_id, j->attempt);
}

static void send_result_msg(se_ctx *ctx, const cm_msg_result *r)
{
    cm_wbuf w = {0};
    char key[64];
    snprintf(key, sizeof key, "res:%" PRIu64 ":%" PRIu32, r->job_id, r->attempt);
    int rc = cm_wire_encode_result(r, &w);
    if (!rc && w.err) rc = w.err;
    cm_link *links[] = {ctx->router, ctx->dlr};
    for (int i = 0; i < 2 && !rc; i++) {
        int s = cm_link_send(links[i], key, w.data, w.len);
        if (s && s != -EEXIST)
            cm_error(JOB_FMT ": RESULT %s cannot be queued to %s: %s", r->submission, r->job_id,
                     r->attempt, key, i ? "dlr" : "router", strerror(-s));
    }
    if (rc)
        cm_error(JOB_FMT ": RESULT %s cannot be encoded: %s", r->submission, r->job_id, r->attempt,
                 key, strerror(-rc));
    cm_wbuf_free(&w);
}

/* The RESULT of a done record, for the submission named in the JOB received again. */
static void send_done_result(se_ctx *ctx, const se_done *d, const char *submission)
{
    char *one[1], **ids = d->n_ids > 1 ? malloc(d->n_ids * sizeof *ids) : one;
    cm_msg_result r;
    if (!ids) {
        cm_error("job %" PRIu64 ": out of memory re-sending its RESULT", d->job_id);
        return;
    }
    se_done_result(d, submission, ctx->op->name, se_now_ms(), ids, &r);
    send_result_msg(ctx, &r);
    if (ids != one) free(ids);
}

/* A RESULT for a JOB that never became a record (malformed, expired, stopping). */
static void result_raw(se_ctx *ctx, const cm_msg_job *m, uint8_t status, const char *reason)
{
    cm_msg_result r = {.job_id = m->job_id,
                       .attempt = m->attempt,
                       .submission = m->submission,
                       .operator_name = ctx->op->name,
                       .status = status,
                       .reason = (char *)reason,
                       .at_ms = se_now_ms()};
    cm_warn(JOB_FMT " to %s: %s: %s", m->submission, m->job_id, m->attempt, m->dest,
            status == CM_RESULT_RETRY ? "RETRY" : "FAILED", reason);
    send_result_msg(ctx, &r);
}

static const char *STATUS_NAMES[] = {"?", "SUBMITTED", "RETRY", "FAILED"};

/* Ends live job j: logs, sends its RESULT, and keeps it as a done record (j is freed). */
static void finish(se_ctx *ctx, se_job *j, uint8_t status, uint32_t smpp, const char *reason)
{
    cm_msg_result r = {
        .job_id = j->job_id,
        .attempt = j->attempt,
        .submission = j->submission,
        .operator_name = ctx->op->name,
        .status = status,
        .smpp_status = smpp,
        .reason = (char *)reason,
        .at_ms = se_now_ms(),
    };
    if (status == CM_RESULT_SUBMITTED) r.message_ids = (cm_strs){j->msg_ids, j->n_submits};
    cm_log(status == CM_RESULT_SUBMITTED ? CM_LOG_INFO : CM_LOG_WARN,
           JOB_FMT " to %s: %s%s%s (%zu part%s)", j->submission, j->job_id, j->attempt, j->dest,
           STATUS_NAMES[status], *reason ? ": " : "", reason, j->n_submits,
           j->n_submits == 1 ? "" : "s");
    send_result_msg(ctx, &r);
    if (se_jobs_done(ctx->jobs, j, status, smpp, reason, r.at_ms) != 0)
        cm_warn("job %" PRIu64 ": out of memory: its result is not kept", r.job_id);
    se_credit_soon(ctx);
}

void se_dispatch_fail_held(se_ctx *ctx, const char *reason)
{
    se_job *j;
    while ((j = se_jobs_held_first(ctx->jobs)))
        finish(ctx, j, CM_RESULT_RETRY, 0, reason);
}

static se_bind *pick_bind(se_ctx *ctx)
{
    for (size_t k = 0; k < ctx->n_binds; k++) {
        se_bind *b = ctx->binds[(ctx->rr + k) % ctx->n_binds];
        if (se_bind_room(b) > 0) {
            ctx->rr = (ctx->rr + k + 1) % ctx->n_binds;
            return b;
        }
    }
    return NULL;
}

static int expired(const se_job *j)
{
    return j->expires_ms && se_now_ms() >= j->expires_ms;
}

/* Writes the next submit of j on b. */
static void submit_next(se_ctx *ctx, se_bind *b, se_job *j)
{
    se_part part;
    size_t i = j->next;
    uint64_t id = j->job_id;
    int rc = se_text_part(&j->text, ctx->op->long_method, j->ref, i, &part);
    se_submit s = {j->source, j->source_ton, j->source_npi, j->dest, j->registered_delivery, &part};
    if (!rc) rc = se_bind_submit(b, j->job_id, i, &s);
    if (rc == -EAGAIN) return;
    if (rc) {
        finish(ctx, j, CM_RESULT_FAILED, 0,
               "cannot build submit_sm (source or destination too long for SMPP)");
        return;
    }
    if (se_jobs_get(ctx->jobs, id) != j) return; /* done (and freed) during the write */
    j->next++;
    if (j->next == j->n_submits) se_jobs_sending(ctx->jobs, j);
}

void se_dispatch_pump(se_ctx *ctx)
{
    if (ctx->pumping) {
        ctx->pump_again = 1;
        return;
    }
    ctx->pumping = 1;
    do {
        ctx->pump_again = 0;
        se_job *j;
        se_bind *b;
        while ((j = se_jobs_held_first(ctx->jobs))) {
            if (expired(j)) {
                finish(ctx, j, CM_RESULT_FAILED, 0, "validity period expired before submission");
                continue;
            }
            if (se_deliver_paused(ctx) || !(b = pick_bind(ctx))) break;
            submit_next(ctx, b, j);
        }
    } while (ctx->pump_again);
    ctx->pumping = 0;
    se_credit_soon(ctx);
}

void se_dispatch_resp(se_bind *b, uint64_t job_id, size_t part, enum se_resp_kind kind,
                      uint32_t status, const char *message_id, void *arg)
{
    se_ctx *ctx = arg;
    se_job *j = se_jobs_get(ctx->jobs, job_id);
    char why[200];
    if (kind == SE_RESP_PDU) se_metrics_submit_error(&ctx->metrics, status);
    if (!j) return; /* another part already ended the job */
    if (kind == SE_RESP_TIMEOUT) {
        snprintf(why, sizeof why, "no submit_sm_resp within %d s on %s",
                 ctx->op->response_timeout_s, se_bind_name(b));
        finish(ctx, j, CM_RESULT_RETRY, 0, why);
    } else if (kind == SE_RESP_LOST) {
        snprintf(why, sizeof why, "connection %s lost with the submit_sm in its window",
                 se_bind_name(b));
        finish(ctx, j, CM_RESULT_RETRY, 0, why);
    } else if (status != 0) {
        se_status_reason(status, why, sizeof why);
        finish(ctx, j,
               se_status_class(status) == SE_STATUS_TEMPORARY ? CM_RESULT_RETRY : CM_RESULT_FAILED,
               status, why);
    } else if (se_job_set_msg_id(j, part, message_id) == 0 && ++j->n_ok == j->n_submits) {
        finish(ctx, j, CM_RESULT_SUBMITTED, 0, "");
    }
}

/* A JOB we already know: returns 1 if handled. */
static int known_job(se_ctx *ctx, const cm_msg_job *m)
{
    se_job *j = se_jobs_get(ctx->jobs, m->job_id);
    if (j) {
        cm_info(JOB_FMT " received again while in progress: ignored", m->submission, m->job_id,
                m->attempt);
        if (m->attempt > j->attempt) j->attempt = m->attempt;
        return 1;
    }
    se_done *d = se_jobs_done_get(ctx->jobs, m->job_id);
    if (!d) return 0;
    if (m->attempt > d->attempt && d->status == CM_RESULT_RETRY) {
        se_jobs_forget_done(ctx->jobs, d); /* a real retry: submit anew */
        return 0;
    }
    if (m->attempt > d->attempt) d->attempt = m->attempt;
    cm_info(JOB_FMT " received again: result %s sent again", m->submission, d->job_id, d->attempt,
            STATUS_NAMES[d->status]);
    send_done_result(ctx, d, m->submission);
    return 1;
}

static void take_job(se_ctx *ctx, const cm_msg_job *m)
{
    se_job *j;
    if (known_job(ctx, m)) return;
    if (ctx->stopping) {
        result_raw(ctx, m, CM_RESULT_RETRY, "egress stopping");
        return;
    }
    if (m->expires_ms && se_now_ms() >= m->expires_ms) {
        result_raw(ctx, m, CM_RESULT_FAILED, "validity period expired before submission");
        return;
    }
    int rc = se_jobs_add(ctx->jobs, m, ctx->op, ctx->ref++ & 0xFFFF, &j);
    if (rc == -ENOMEM)
        result_raw(ctx, m, CM_RESULT_RETRY, "egress out of memory");
    else if (rc)
        result_raw(ctx, m, CM_RESULT_FAILED, "malformed job (coding or part offsets)");
    else {
        j->held_since_ms = se_now_ms();
        cm_debug(JOB_FMT " to %s: %zu submit(s) held", m->submission, m->job_id, m->attempt,
                 m->dest, j->n_submits);
    }
}

void se_dispatch_msg(cm_link *l, const void *msg, size_t len, void *arg)
{
    se_ctx *ctx = arg;
    cm_arena *arena = NULL;
    cm_msg_job m;
    int type = cm_wire_type(msg, len);
    if (type != CM_MSG_JOB) {
        cm_warn("router sent a message of type %d: ignored", type);
        return;
    }
    ctx->received++; /* every JOB the router sent counts in CREDIT, even a bad one */
    int rc = cm_wire_decode_job(msg, len, &arena, &m);
    if (rc) {
        cm_warn("router sent an undecodable JOB (%zu bytes): %s", len, strerror(-rc));
    } else {
        if (strcmp(m.operator_name, ctx->op->name) != 0)
            cm_warn(JOB_FMT " is for operator \"%s\", not \"%s\": sent anyway", m.submission,
                    m.job_id, m.attempt, m.operator_name, ctx->op->name);
        take_job(ctx, &m);
        se_dispatch_pump(ctx);
    }
    cm_arena_free(arena);
}

static int binds_up(const se_ctx *ctx)
{
    int up = 0;
    for (size_t i = 0; i < ctx->n_binds; i++)
        up += se_bind_state(ctx->binds[i]) == SE_BIND_BOUND;
    return up;
}

/* Held jobs go back to the router (RETRY) rather than wait here until the router's
 * job time-out sends them elsewhere too: when no bind has been up for
 * response_timeout_s, or when a job waited for half of router.job_timeout_s. */
static void give_back_held(se_ctx *ctx, uint64_t now)
{
    char why[128];
    if (binds_up(ctx)) {
        ctx->no_bind_since_ms = 0;
    } else if (!ctx->no_bind_since_ms) {
        ctx->no_bind_since_ms = now;
    } else if (now - ctx->no_bind_since_ms > (uint64_t)ctx->op->response_timeout_s * 1000) {
        se_dispatch_fail_held(ctx, "no SMPP bind to the operator is up");
        return;
    }
    uint64_t max_wait = (uint64_t)ctx->cfg->router.job_timeout_s * 1000 / 2;
    snprintf(why, sizeof why, "not submitted within %" PRIu64 " s (windows full)", max_wait / 1000);
    se_job *j;
    while (max_wait && (j = se_jobs_held_first(ctx->jobs)) && now - j->held_since_ms > max_wait)
        finish(ctx, j, CM_RESULT_RETRY, 0, why);
}

void se_dispatch_tick(se_ctx *ctx)
{
    uint64_t now = se_now_ms();
    se_jobs_expire(ctx->jobs, now);
    give_back_held(ctx, now);
    if (se_jobs_held(ctx->jobs)) se_dispatch_pump(ctx); /* expiries, and binds that came back */
}
