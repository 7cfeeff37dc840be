/* si_server: the SMTP listener and the socket side of sessions (accept, read, write,
 * idle time-out, close) on the context's libuv loop.
 *
 * si_server_start() binds ctx->cfg->ingress.listen ("127.0.0.1:2525", "[::1]:2525",
 * "0.0.0.0:25") and, when set, ingress.submission_listen (sessions there have
 * `submission` set: AUTH after STARTTLS, MAIL only once authenticated), and accepts
 * sessions; returns 0 or a negative errno (and the reason is logged by the caller).
 * With ctx->ssl_ctx set, STARTTLS is offered on both; a session's I/O goes through
 * si_tls from its STARTTLS on. si_server_stop() closes the listener and drains: idle
 * sessions get "421 4.3.2 service shutting down", sessions waiting for the router
 * get its answer first; ctx->on_drained runs when the last session is freed (at once
 * if there is none). */
#ifndef SI_SERVER_H
#define SI_SERVER_H

#include "si_ctx.h"

int si_server_start(si_ctx *ctx);
void si_server_stop(si_ctx *ctx);

#endif
