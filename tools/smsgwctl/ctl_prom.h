/* ctl_prom: reads what a process's metrics listener serves (cm_metrics): fetches a
 * URL with libcurl (bounded by a time-out) and looks values up in Prometheus text.
 *
 * ctl_prom_fetch: GET http://<listen><path> into *body (malloc'd, NUL-terminated, the
 * caller frees); 0, or -1 with a reason in err ("connection refused", "HTTP 404"...).
 * ctl_prom_value: the value of the first sample line of metric `name` whose labels
 * include every "k=\"v\"" pair in `match` (NULL or "" = any); returns 1 and *out, 0
 * when absent. ctl_prom_sum: the sum of all matching samples (0 when none). Pure. */
#ifndef CTL_PROM_H
#define CTL_PROM_H

#include <stddef.h>

int ctl_prom_fetch(const char *listen, const char *path, long timeout_ms, char **body, char *err,
                   size_t errlen);
int ctl_prom_value(const char *text, const char *name, const char *match, double *out);
double ctl_prom_sum(const char *text, const char *name, const char *match);

#endif
