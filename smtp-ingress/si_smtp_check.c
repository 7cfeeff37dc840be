/* si_smtp_check: the checks of a received message that wait on the network run on the
 * libuv thread pool between the end of DATA and the SUBMIT: SPF and DKIM
 * (si_authcheck; wanted when the checker exists, the session is not authenticated —
 * the router ignores them for a login — and ctx->want_spf / want_dkim) and the rspamd
 * content check (si_rspamd; when ingress.rspamd_url is set, logins included: a stolen
 * password must not spam). A score over the account's threshold is 550 5.7.1; rspamd
 * unreachable is accepted or 451 4.7.1 (ingress.rspamd_on_error). The job owns
 * a copy of what it reads (the message bytes are handed over); the parsed mail stays in
 * the session (check_mail) so that the session can go on without the job: after
 * ingress.auth_check_timeout_ms (si_check_timeout) the mail is submitted with
 * "temperror" for the unfinished checks and the job's late result is dropped, as it is
 * when the client went away (si_check_detach). */
#include "cm_log.h"
#include "si_rspamd.h"
#include "si_smtp_session.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct si_check_job {
    uv_work_t work;
    si_session *s; /* NULL once detached */
    si_authcheck *checker;
    uint8_t *data;
    size_t len;
    char *ip, *helo, *mail_from, *from_domain, *user, *queue_id;
    char **rcpts;
    size_t n_rcpts;
    int want_spf, want_dkim, want_rspamd;
    uint8_t spf, dkim;
    /* rspamd */
    const char *url;
    unsigned timeout_ms;
    double threshold, score;
    int rspamd_rc;
    char err[256];
} si_check_job;

static void job_free(si_check_job *j)
{
    char *strs[] = {(char *)j->data, j->ip,   j->helo,    j->mail_from,
                    j->from_domain,  j->user, j->queue_id};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        free(strs[i]);
    for (size_t i = 0; j->rcpts && i < j->n_rcpts; i++)
        free(j->rcpts[i]);
    free(j->rcpts);
    free(j);
}

static void work_cb(uv_work_t *w)
{
    si_check_job *j = w->data;
    if (j->want_spf) j->spf = si_spf_check(j->checker, j->ip, j->helo, j->mail_from);
    if (j->want_dkim) j->dkim = si_dkim_check(j->checker, j->data, j->len, j->from_domain);
    if (j->want_rspamd) {
        si_rspamd_meta m = {j->ip,   j->helo,  j->mail_from, j->queue_id,
                            j->user, j->rcpts, j->n_rcpts};
        j->rspamd_rc = si_rspamd_check(j->url, j->timeout_ms, &m, j->data, j->len, &j->score,
                                       j->err, sizeof j->err);
    }
}

/* What the checks found (built from a finished job, or at the time-out without it:
 * a job still running belongs to its worker thread). */
typedef struct {
    uint8_t spf, dkim;
    int want_rspamd, rspamd_rc;
    double score, threshold;
    const char *err;
} verdict;

/* rspamd's verdict: 1 when the message is refused (reply sent). */
static int content_refused(si_session *s, const verdict *v)
{
    const struct cm_config_ingress *in = &s->ctx->cfg->ingress;
    if (v->rspamd_rc < 0) {
        int tempfail = strcmp(in->rspamd_on_error, "tempfail") == 0;
        cm_warn("s%lu: %s: rspamd check of <%s> failed (%s): %s", s->sid, s->id, s->mail_from,
                v->err, tempfail ? "451" : "accepted unchecked");
        if (tempfail) {
            si_metrics_refused(&s->ctx->metrics, "rspamd_unavailable");
            si_session_reply(s, 451, "4.7.1", "content check unavailable, try again later");
        }
        return tempfail;
    }
    if (v->score <= v->threshold) {
        cm_info("s%lu: %s: rspamd score %.2f for <%s> (threshold %.2f)", s->sid, s->id, v->score,
                s->mail_from, v->threshold);
        return 0;
    }
    cm_warn("s%lu: %s: message from <%s> (%s) refused as spam: rspamd score %.2f over %.2f", s->sid,
            s->id, s->mail_from, s->client_ip, v->score, v->threshold);
    si_metrics_refused(&s->ctx->metrics, "spam");
    if (isinf(v->score))
        si_session_reply(s, 550, "5.7.1", "message refused as spam (rspamd rejects it)");
    else
        si_session_reply(s, 550, "5.7.1", "message refused as spam (score %.1f)", v->score);
    return 1;
}

static void finish(si_session *s, const verdict *v)
{
    if (v->want_rspamd && content_refused(s, v)) {
        si_mail_free(&s->check_mail);
        si_session_reset(s);
        si_session_enter(s, SI_ST_GREETED);
    } else {
        si_smtp_submit(s, &s->check_mail, v->spf, v->dkim);
    }
    si_session_input(s, NULL, 0); /* replies, timers, reading */
}

static void after_cb(uv_work_t *w, int status)
{
    si_check_job *j = w->data;
    si_session *s = j->s;
    if (s) {
        s->check_job = NULL;
        verdict v = {j->spf, j->dkim, j->want_rspamd, j->rspamd_rc, j->score, j->threshold, j->err};
        if (status < 0) { /* cancelled: never ran */
            v = (verdict){CM_AUTH_TEMPERROR, CM_AUTH_TEMPERROR, j->want_rspamd, -ECANCELED, 0,
                          j->threshold,      "cancelled"};
        }
        finish(s, &v);
    }
    job_free(j);
}

void si_check_detach(si_session *s)
{
    s->check_job->s = NULL;
    s->check_job = NULL;
}

void si_check_timeout(si_session *s)
{
    si_check_job *j = s->check_job;
    char err[64];
    if (!j) return;
    cm_warn("s%lu: %s: checks of <%s> not done after %u ms: temperror", s->sid, s->id, s->mail_from,
            s->ctx->auth_check_timeout_ms);
    snprintf(err, sizeof err, "no answer within %u ms", s->ctx->auth_check_timeout_ms);
    verdict v = {j->want_spf ? CM_AUTH_TEMPERROR : CM_AUTH_NONE,
                 j->want_dkim ? CM_AUTH_TEMPERROR : CM_AUTH_NONE,
                 j->want_rspamd,
                 -ETIMEDOUT,
                 0,
                 j->threshold,
                 err};
    si_check_detach(s);
    finish(s, &v);
}

static int copy_envelope(si_check_job *j, const si_session *s, const char *from)
{
    const char *at = strrchr(from, '@');
    j->ip = strdup(s->client_ip);
    j->helo = strdup(s->helo);
    j->mail_from = strdup(s->mail_from ? s->mail_from : "");
    j->from_domain = strdup(at ? at + 1 : "");
    j->user = strdup(s->auth_user ? s->auth_user : "");
    j->queue_id = strdup(s->id); /* rspamd's Queue-Id: the submit id of our log lines */
    j->rcpts = calloc(s->n_rcpts + 1, sizeof *j->rcpts);
    int ok =
        j->ip && j->helo && j->mail_from && j->from_domain && j->user && j->queue_id && j->rcpts;
    for (size_t i = 0; ok && i < s->n_rcpts; i++, j->n_rcpts++)
        ok = (j->rcpts[i] = strdup(s->rcpts[i])) != NULL;
    return ok ? 0 : -ENOMEM;
}

/* What this message needs: SPF/DKIM for a sender without a login, rspamd when set. */
static si_check_job *job_new(si_session *s, const char *from)
{
    const si_ctx *c = s->ctx;
    const struct cm_config_ingress *in = &c->cfg->ingress;
    const cm_config_account *a = si_policy_account(c->policy, s->account);
    int auth = c->checker && !s->auth_account;
    int spf = auth && c->want_spf, dkim = auth && c->want_dkim, rspamd = *in->rspamd_url != 0;
    if (!spf && !dkim && !rspamd) return NULL;
    si_check_job *j = calloc(1, sizeof *j);
    if (!j || copy_envelope(j, s, from) < 0) {
        if (j) job_free(j);
        return NULL;
    }
    j->s = s;
    j->checker = c->checker;
    j->want_spf = spf;
    j->want_dkim = dkim;
    j->want_rspamd = rspamd;
    j->url = in->rspamd_url;
    j->timeout_ms = (unsigned)in->rspamd_timeout_ms;
    j->threshold = a && a->rspamd_threshold >= 0 ? a->rspamd_threshold : in->rspamd_threshold;
    j->work.data = j;
    return j;
}

int si_check_start(si_session *s, uint8_t *data, size_t len, si_mail *mail)
{
    si_check_job *j = job_new(s, mail->from);
    if (!j) return 0; /* none wanted, or no memory for them: submitted without verdicts */
    j->data = data;
    j->len = len;
    if (uv_queue_work(s->ctx->loop, &j->work, work_cb, after_cb) < 0) {
        j->data = NULL; /* still the caller's */
        job_free(j);
        return 0;
    }
    s->check_mail = *mail;
    memset(mail, 0, sizeof *mail);
    s->check_job = j;
    si_session_enter(s, SI_ST_CHECKING);
    return 1;
}
