/* si_metrics: see si_metrics.h. */
#include "si_metrics.h"

#include "cm_log.h"
#include "si_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const LISTENERS[2] = {"smtp", "submission"};
static const char *const SUBMIT_RESULTS[SI_SUB_RESULTS] = {"committed", "refused",
                                                           "router_timeout"};
static const char *const AUTH_RESULTS[SI_AUTH_RESULTS] = {"ok", "failed", "tempfail"};

uint64_t si_metrics_now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

static void register_smtp(si_metrics *mt, cm_metrics *m)
{
    mt->sessions =
        cm_metrics_counter(m, "smsgw_smtp_sessions_total",
                           "SMTP connections accepted, by listener (smtp, submission)", "listener");
    mt->active = cm_metrics_gauge(m, "smsgw_smtp_sessions_active", "SMTP sessions open now", NULL);
    mt->replies =
        cm_metrics_counter(m, "smsgw_smtp_replies_total",
                           "SMTP replies sent, by code (a multi-line reply counts once)", "code");
    mt->tls = cm_metrics_counter(m, "smsgw_ingress_tls_sessions_total",
                                 "STARTTLS handshakes completed", NULL);
    mt->auth = cm_metrics_counter(m, "smsgw_ingress_auth_total",
                                  "SMTP AUTH checks, by result (ok, failed, tempfail)", "result");
    mt->refusals = cm_metrics_counter(m, "smsgw_ingress_refusals_total",
                                      "SMTP sessions, commands or messages refused by a "
                                      "limit or a check, by reason",
                                      "reason");
}

static void register_router(si_metrics *mt, cm_metrics *m)
{
    mt->submissions =
        cm_metrics_counter(m, "smsgw_ingress_submissions_total",
                           "Emails handed to the router, by outcome (committed, refused by the "
                           "router, router_timeout)",
                           "result");
    mt->wait = cm_metrics_gauge(m, "smsgw_ingress_router_wait_seconds",
                                "Time the router took to answer a submission over the last "
                                "minute: median (0.5) and 99th percentile (0.99); 0 without any",
                                "quantile");
}

void si_metrics_register(si_metrics *mt, cm_metrics *m)
{
    memset(mt, 0, sizeof(*mt));
    mt->m = m;
    register_smtp(mt, m);
    register_router(mt, m);
    for (int i = 0; i < 2; i++) /* every series from the start */
        cm_metrics_add(mt->sessions, 0, LISTENERS[i]);
    for (int i = 0; i < SI_SUB_RESULTS; i++)
        cm_metrics_add(mt->submissions, 0, SUBMIT_RESULTS[i]);
    for (int i = 0; i < SI_AUTH_RESULTS; i++)
        cm_metrics_add(mt->auth, 0, AUTH_RESULTS[i]);
    si_metrics_update(mt, 0, 0);
}

void si_metrics_session(si_metrics *mt, int submission_listener)
{
    cm_metrics_add(mt->sessions, 1, LISTENERS[submission_listener != 0]);
}

void si_metrics_reply(si_metrics *mt, int code)
{
    char c[16];
    if (!mt->m) return;
    snprintf(c, sizeof c, "%03d", code);
    cm_metrics_add(mt->replies, 1, c);
}

void si_metrics_submission(si_metrics *mt, enum si_submit_result r, double wait_s, uint64_t now_ms)
{
    if (!mt || !mt->m || r < 0 || r >= SI_SUB_RESULTS) return;
    cm_metrics_add(mt->submissions, 1, SUBMIT_RESULTS[r]);
    mt->waits[mt->n_waits++ % SI_METRICS_WAIT_SAMPLES] =
        (si_wait_sample){.at_ms = now_ms, .seconds = wait_s < 0 ? 0 : wait_s};
}

void si_metrics_tls(si_metrics *mt)
{
    cm_metrics_add(mt->tls, 1);
}

void si_metrics_auth(si_metrics *mt, enum si_auth_result r)
{
    if (r >= 0 && r < SI_AUTH_RESULTS) cm_metrics_add(mt->auth, 1, AUTH_RESULTS[r]);
}

void si_metrics_refused(si_metrics *mt, const char *reason)
{
    cm_metrics_add(mt->refusals, 1, reason);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest of the n sorted values with at least permille/1000 of
 * them at or below it. */
static double rank(const double *v, size_t n, size_t permille)
{
    size_t k = (permille * n + 999) / 1000;
    return v[(k ? k : 1) - 1];
}

size_t si_metrics_wait_quantiles(const si_metrics *mt, uint64_t now_ms, double *p50, double *p99)
{
    double v[SI_METRICS_WAIT_SAMPLES];
    size_t n = 0, kept = mt->n_waits < SI_METRICS_WAIT_SAMPLES ? (size_t)mt->n_waits
                                                               : SI_METRICS_WAIT_SAMPLES;
    for (size_t i = 0; i < kept; i++) {
        const si_wait_sample *s = &mt->waits[i];
        if (s->at_ms <= now_ms && now_ms - s->at_ms < SI_METRICS_WAIT_WINDOW_MS)
            v[n++] = s->seconds;
    }
    *p50 = *p99 = 0;
    if (n == 0) return 0;
    qsort(v, n, sizeof v[0], cmp_double);
    *p50 = rank(v, n, 500);
    *p99 = rank(v, n, 990);
    return n;
}

void si_metrics_update(si_metrics *mt, size_t active, uint64_t now_ms)
{
    double p50, p99;
    if (!mt->m) return;
    si_metrics_wait_quantiles(mt, now_ms, &p50, &p99);
    cm_metrics_set(mt->active, (double)active);
    cm_metrics_set(mt->wait, p50, "0.5");
    cm_metrics_set(mt->wait, p99, "0.99");
}

static void collect(void *arg)
{
    si_ctx *c = arg;
    si_metrics_update(&c->metrics, c->n_sessions, si_metrics_now_ms());
}

void si_metrics_start(si_ctx *c)
{
    const char *listen = c->cfg->ingress.metrics_listen;
    cm_metrics *m = NULL;
    int rc = cm_metrics_create(c->loop, "smsgw-ingress", listen, &m);

    if (rc != 0) cm_log_fatal("metrics_listen %s: %s", listen, strerror(-rc));
    si_metrics_register(&c->metrics, m);
    cm_metrics_info(m, "listen", c->cfg->ingress.listen);
    cm_metrics_on_collect(m, collect, c);
}

void si_metrics_stop(si_ctx *c)
{
    cm_metrics_free(c->metrics.m);
    memset(&c->metrics, 0, sizeof(c->metrics)); /* the handles went with it */
}
