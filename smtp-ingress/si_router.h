/* si_router: the ingress's side of the SUBMIT handoff to the router (one cm_link).
 *
 * si_router_submit() sends an encoded SUBMIT under key "sub:<id>" (the link re-sends
 * it every SI_ROUTER_RETRY_MS until acknowledged) and arms a timer of timeout_ms. The
 * `done` callback is then called exactly once, from the loop, never from inside
 * si_router_submit():
 *   - with the router's answer when its ack arrives (the ack body is a SUBMIT_REPLY,
 *     whose submission number goes into the reply's `submission`; a body that does not
 *     decode, or a code outside 200-599, gives 451 4.3.0; an enhanced code that does
 *     not match the reply code is replaced by "<class>.0.0");
 *   - with 451 4.3.0 "temporary failure, try again later" on time-out, after
 *     cm_link_cancel() so the item is not re-sent any more.
 * si_router_cancel() forgets a request whose session went away: the item is cancelled
 * in the link and `done` is not called. The request handle is invalid after `done` or
 * si_router_cancel(). Each answer and time-out is counted in the si_metrics given to
 * si_router_create (borrowed; NULL for none): smsgw_ingress_submissions_total{result}
 * and the time from si_router_submit to it (smsgw_ingress_router_wait_seconds).
 *
 * Ownership: the payload is copied by the link; si_router_free() cancels every request
 * without calling callbacks. The endpoint is borrowed during create; a bind address
 * with host "*" or "0.0.0.0" is connected to on 127.0.0.1. Errors: negative errno. */
#ifndef SI_ROUTER_H
#define SI_ROUTER_H

#include "si_metrics.h"
#include "si_reply.h"

#include <stddef.h>
#include <uv.h>

#define SI_ROUTER_RETRY_MS 1000

typedef struct si_router si_router;
typedef struct si_router_req si_router_req;
typedef void (*si_router_done_cb)(void *arg, const si_reply *r);

int si_router_create(uv_loop_t *loop, void *zctx, const char *endpoint, si_metrics *mt,
                     si_router **out);
void si_router_free(si_router *rt);
int si_router_submit(si_router *rt, const char *id, const void *payload, size_t len,
                     unsigned timeout_ms, si_router_done_cb done, void *arg, si_router_req **out);
void si_router_cancel(si_router_req *req);
size_t si_router_pending(const si_router *rt);

#endif
