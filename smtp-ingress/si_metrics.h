/* si_metrics: smsgw-ingress's Prometheus metrics (docs/operations.md lists them), served
 * on ingress.metrics_listen by cm_metrics:
 *   smsgw_smtp_sessions_total{listener}        connections accepted: smtp, submission
 *   smsgw_smtp_sessions_active                 gauge: sessions open now
 *   smsgw_smtp_replies_total{code}             replies sent, by code (a multi-line reply
 *                                              such as EHLO's counts once)
 *   smsgw_ingress_submissions_total{result}    SUBMITs handed to the router, by outcome:
 *                                              committed (2xx), refused (4xx/5xx from
 *                                              the router), router_timeout (no answer)
 *   smsgw_ingress_router_wait_seconds{quantile} gauge: the median ("0.5") and the
 *                                              99th percentile ("0.99") of the router's
 *                                              answer time over the last minute
 *   smsgw_ingress_tls_sessions_total           STARTTLS handshakes completed
 *   smsgw_ingress_auth_total{result}           AUTH checks: ok, failed, tempfail
 *   smsgw_ingress_refusals_total{reason}       refusals by a limit or a check
 *
 * cm_metrics has no histograms: the router waits go into a ring of the last
 * SI_METRICS_WAIT_SAMPLES answers (time-stamped), and si_metrics_update() sets the two
 * quantile gauges from the samples of the last SI_METRICS_WAIT_WINDOW_MS (nearest
 * rank; 0 when there is none). Counters are bumped where things happen through these
 * functions; si_metrics_start() installs a collect callback that runs the update only
 * when someone asks. Every series of a known label set exists from the start (0),
 * except the refusal reasons (only those that happened).
 *
 * si_metrics_register() takes m (owned by mt from then on; NULL = metrics off: every
 * function then does nothing; si_metrics_submission also accepts mt NULL). si_metrics_start(): a
 * failure to listen is fatal (logged). Times are monotonic milliseconds (si_metrics_now_ms). */
#ifndef SI_METRICS_H
#define SI_METRICS_H

#include "cm_metrics.h"

#include <stddef.h>
#include <stdint.h>

#define SI_METRICS_WAIT_SAMPLES 1024
#define SI_METRICS_WAIT_WINDOW_MS 60000

enum si_submit_result { SI_SUB_COMMITTED, SI_SUB_REFUSED, SI_SUB_ROUTER_TIMEOUT, SI_SUB_RESULTS };
enum si_auth_result { SI_AUTH_OK, SI_AUTH_FAILED, SI_AUTH_TEMPFAIL, SI_AUTH_RESULTS };

typedef struct {
    uint64_t at_ms;
    double seconds;
} si_wait_sample;

typedef struct si_metrics {
    cm_metrics *m;
    cm_metric *sessions, *active, *replies, *submissions, *wait, *tls, *auth, *refusals;
    si_wait_sample waits[SI_METRICS_WAIT_SAMPLES]; /* ring: next goes at n_waits % size */
    uint64_t n_waits;
} si_metrics;

struct si_ctx;

uint64_t si_metrics_now_ms(void);
void si_metrics_register(si_metrics *mt, cm_metrics *m);
void si_metrics_session(si_metrics *mt, int submission_listener);
void si_metrics_reply(si_metrics *mt, int code);
/* A router answer (or its time-out) after wait_s seconds, at now_ms. */
void si_metrics_submission(si_metrics *mt, enum si_submit_result r, double wait_s, uint64_t now_ms);
void si_metrics_tls(si_metrics *mt);
void si_metrics_auth(si_metrics *mt, enum si_auth_result r);
void si_metrics_refused(si_metrics *mt, const char *reason);
/* The quantiles of the waits within the window before now_ms; returns how many. */
size_t si_metrics_wait_quantiles(const si_metrics *mt, uint64_t now_ms, double *p50, double *p99);
void si_metrics_update(si_metrics *mt, size_t active, uint64_t now_ms);
void si_metrics_start(struct si_ctx *c);
void si_metrics_stop(struct si_ctx *c);

#endif
