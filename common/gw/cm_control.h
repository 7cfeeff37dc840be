/* cm_control: the operator's requests to the router about submissions (SPEC §9,
 * `smsgwctl hold|release|retry`), in their own small LMDB environment
 * <state_dir>/control, written by smsgwctl and read (and acknowledged) by the router
 * once a second (rt_control). The router's own store stays single-writer.
 *
 * Entries: "hold\n<submission>" while a submission is held (its jobs do not go out);
 * "retry\n<submission>" until the router has acted on it (its jobs waiting for a retry
 * delay go out at once). Values: u64 ms since the epoch of the request.
 *
 * Errors: negative errno (-ENOENT: no such request). The handle is owned by the
 * caller (cm_control_close). Each write commits before it returns. */
#ifndef CM_CONTROL_H
#define CM_CONTROL_H

#include <stddef.h>
#include <stdint.h>

typedef struct cm_control cm_control;

enum cm_control_kind { CM_CONTROL_HOLD, CM_CONTROL_RETRY };

int cm_control_open(const char *state_dir, cm_control **out);
void cm_control_close(cm_control *c);
int cm_control_put(cm_control *c, enum cm_control_kind kind, const char *submission,
                   uint64_t at_ms);
int cm_control_del(cm_control *c, enum cm_control_kind kind, const char *submission);
/* Calls fn for each request of `kind` (in submission order); fn's non-zero stops it.
 * Returns the number of requests seen, or a negative errno. */
long cm_control_each(cm_control *c, enum cm_control_kind kind,
                     int (*fn)(const char *submission, uint64_t at_ms, void *arg), void *arg);

#endif
