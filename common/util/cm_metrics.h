/* cm_metrics: a process's Prometheus metrics and status, served over HTTP (cm_http) on
 * a configured local address: GET /metrics (Prometheus text format 0.0.4) and
 * GET /status.json (the same numbers as JSON, plus the process name, pid, start time
 * and info strings), for Prometheus, smsgwctl and the status page.
 *
 * The loop thread owns every number: register metrics once at start-up, then add to
 * counters where things happen and set gauges in the collect callback, which runs in
 * the loop thread just before each rendering (so queue depths are read only when
 * someone asks). The HTTP thread only copies the last rendered text.
 *
 *   cm_metrics *m;
 *   cm_metrics_create(loop, "smsgw-router", cfg->router.metrics_listen, &m);
 *   cm_metric *replies = cm_metrics_counter(m, "smsgw_smtp_replies_total",
 *                                           "SMTP replies sent, by code", "code");
 *   cm_metrics_add(replies, 1, "250");             // one label value per label name
 *   cm_metric *depth = cm_metrics_gauge(m, "smsgw_router_jobs", "Jobs by state",
 *                                       "operator,state");
 *   cm_metrics_on_collect(m, fill_gauges, ctx);    // calls cm_metrics_set(depth, ...)
 *
 * Disabled is free: a NULL or empty `listen` gives *out = NULL, and every function
 * accepts NULL for the cm_metrics and cm_metric arguments and then does nothing, so
 * callers never test whether metrics are on.
 *
 * Names follow Prometheus conventions ([a-zA-Z_:][a-zA-Z0-9_:]*, counters end in
 * _total, units in the name: _seconds, _bytes); `labels` is NULL or a comma-separated
 * list of at most CM_METRICS_MAX_LABELS label names. A malformed name or label list
 * makes the register call return NULL (a programming error: the metric is then
 * silently absent). Each metric keeps at most CM_METRICS_MAX_SERIES label
 * combinations; further ones are dropped (counted in smsgw_metrics_dropped_total),
 * so a hostile peer cannot grow memory through label values. Strings are copied.
 *
 * cm_metrics_create: 0, or the negative errno of cm_http_create (-EINVAL bad address,
 * -EADDRINUSE...). cm_metrics_free: stops serving; see cm_http_free. */
#ifndef CM_METRICS_H
#define CM_METRICS_H

#include "cm_buf.h"

#include <uv.h>

#define CM_METRICS_MAX_LABELS 4
#define CM_METRICS_MAX_SERIES 1000

typedef struct cm_metrics cm_metrics;
typedef struct cm_metric cm_metric;

int cm_metrics_create(uv_loop_t *loop, const char *process, const char *listen, cm_metrics **out);
void cm_metrics_free(cm_metrics *m);

cm_metric *cm_metrics_counter(cm_metrics *m, const char *name, const char *help,
                              const char *labels);
cm_metric *cm_metrics_gauge(cm_metrics *m, const char *name, const char *help, const char *labels);
/* Then as many `const char *` label values as the metric has label names (NULL = ""). */
void cm_metrics_add(cm_metric *h, double v, ...); /* counters: negative v is ignored */
void cm_metrics_set(cm_metric *h, double v, ...); /* gauges (and counters read elsewhere) */
void cm_metrics_reset(cm_metric *h); /* forgets every series (gauges whose labels come and go) */

/* Runs in the loop thread before each /metrics or /status.json rendering. One per process. */
void cm_metrics_on_collect(cm_metrics *m, void (*collect)(void *arg), void *arg);
/* Queue depths for free: before each rendering, sets the gauge
 * smsgw_store_entries{store="<name>",db="<db>"} to the number of entries of each
 * sub-database in dbnames (NULL-terminated, borrowed for the life of m; mdb_stat on a
 * read transaction, O(1) per db), and smsgw_store_used_bytes{store} to the pages in
 * use. The store is borrowed and must outlive m. 0, -ENOMEM or -ENOSPC (at most
 * CM_METRICS_MAX_STORES stores). */
#define CM_METRICS_MAX_STORES 4
struct cm_store;
int cm_metrics_watch_store(cm_metrics *m, const char *name, struct cm_store *store,
                           const char *const *dbnames);
/* A string shown under "info" in /status.json (e.g. "listen" -> "127.0.0.1:2525"). */
void cm_metrics_info(cm_metrics *m, const char *key, const char *value);

/* Renderers, also used by the tests and by smsgwctl: they do not run the collect
 * callback (the HTTP pages do). */
void cm_metrics_render_text(cm_metrics *m, cm_wbuf *out);
void cm_metrics_render_json(cm_metrics *m, cm_wbuf *out);
/* A registry without HTTP (for tests and tools): listen is not needed. */
int cm_metrics_create_local(const char *process, cm_metrics **out);
/* The HTTP port actually bound (for listen ports 0), 0 if not serving. */
int cm_metrics_port(const cm_metrics *m);
/* The underlying listener, to serve extra pages (e.g. a status page); NULL if none. */
struct cm_http *cm_metrics_http(cm_metrics *m);

#endif
