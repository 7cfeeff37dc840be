/* se_egress: the egress process for one operator, wired on a libuv loop.
 *
 * se_egress_create() builds the process context: one cm_link to the router
 * (router.listen_egress, identity "egress:<operator>:<hostname>:<pid>") and one to dlr
 * (dlr.listen), and the operator's binds (count connections per bind entry; a
 * transmitter+receiver entry gives count TX and count RX connections). se_egress_start()
 * connects them and starts the CREDIT heartbeat. se_egress_stop() drains: held jobs
 * are answered RETRY, in-window submits get their responses (up to
 * response_timeout_s), the binds unbind, the RESULTs and DELIVERs still unacknowledged
 * get up to SE_FLUSH_MS; then `done` runs (typically se_egress_free, then the loop ends).
 *
 * Ownership: the context borrows loop, zctx and cfg for its life. Errors: -ENOENT
 * (no such operator, or it has no bind), -ENOMEM, link creation errors. Logs. */
#ifndef SE_EGRESS_H
#define SE_EGRESS_H

#include "cm_config.h"

#include <uv.h>

#define SE_FLUSH_MS 5000

typedef struct se_ctx se_ctx;

int se_egress_create(uv_loop_t *loop, void *zctx, const cm_config *cfg, const char *operator_name,
                     se_ctx **out);
int se_egress_start(se_ctx *ctx);
void se_egress_stop(se_ctx *ctx, void (*done)(se_ctx *ctx, void *arg), void *arg);
void se_egress_free(se_ctx *ctx);

#endif
